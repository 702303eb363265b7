/*
 * tjgen: deterministic generator of LTTng-style CTF 1.8 kernel traces.
 *
 * Shared declarations: status codes, the error chain, generation options and
 * the scenario entry points. tjgen depends on libc only and does not link the
 * tjconv core, so it carries its own tiny error helper (tjg_ prefix).
 */
#ifndef TJGEN_H
#define TJGEN_H

#include <stdbool.h>
#include <stdint.h>

enum tjg_status {
	TJG_OK = 0,
	TJG_ERR = -1,      /* generic failure, cause in the error chain */
	TJG_ERR_USAGE = -2, /* bad command line */
};

/*
 * Append a cause to the error chain (printf-style, lowercase, no full stop).
 * The innermost failure is appended first; callers add context on the way up.
 */
void tjg_error_append(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* Print the chain to stderr as "tjgen: <outermost>" then "  caused by: ..." lines. */
void tjg_error_print(void);

/* Generation options, filled by main from the command line. */
struct tjg_options {
	const char *scenario;   /* "ncat" or "load" */
	const char *outdir;
	uint64_t events;        /* load: exact number of events to write */
	unsigned cpus;          /* load: number of per-CPU streams */
	uint64_t discard;       /* events reported as discarded by the tracer */
	uint32_t packet_size;   /* bytes per packet (LTTng sub-buffer size) */
	uint64_t seed;          /* load: PRNG seed */
	bool no_context;        /* omit the stream event context */
	bool no_statedump;      /* omit the lttng_statedump_* events at the start */
	bool quiet;             /* do not print the summary line */
	/* two-hosts: the server clock's offset and drift, request/reply pairs,
	 * "net" (network_header) or "inet-sock" (addon events) */
	int64_t peer_offset_ns;
	double peer_drift_ppm;
	uint64_t exchanges;
	const char *sync_events;
	const char *pcap;       /* ncat: also write the capture here (NULL: none) */
	int64_t pcap_offset;    /* its clock minus the trace's, ns */
	bool hostile_comm;      /* load: one thread named with a newline, \x01 and \xff */
	uint64_t traces;        /* load: write this many consecutive traces (0: one, in DIR) */
};

/* 2026-11-25T11:44:38Z: where the ncat and load traces start. */
#define TJG_START_EPOCH_NS 1795607078000000000ull
/* Monotonic clock value at that instant (about one hour of uptime). */
#define TJG_CLOCK_T0 3605123456789ull
/* clock.offset in the metadata: Epoch time of monotonic clock value 0. */
#define TJG_CLOCK_OFFSET (TJG_START_EPOCH_NS - TJG_CLOCK_T0)

struct tjg_trace;

/* A scenario: what it needs from the trace, and the code that fills it. */
struct tjg_scenario {
	const char *name;
	unsigned ncpus;         /* streams; 0 = --cpus decides */
	uint64_t events;        /* tjg_event_set of the classes it may emit */
	/* Emit every event into the opened trace (streams 0..ncpus-1). */
	int (*run)(struct tjg_trace *trace, const struct tjg_options *opts);
};

extern const struct tjg_scenario tjg_scenario_ncat;
extern const struct tjg_scenario tjg_scenario_load;
extern const struct tjg_scenario tjg_scenario_lost_exits;

/* The two-hosts scenario: DIR/client and DIR/server (scenario_hosts.c). */
int tjg_two_hosts_generate(const struct tjg_options *opts);

/* Create dir, or accept it if it is an empty directory. */
int tjg_outdir_prepare(const char *dir);

#endif /* TJGEN_H */
