/*
 * Internal header of the chrome-json exporter: the state shared by its files
 * (chrome.c the plugin and record writer, tracks.c the track layout,
 * events.c events as instants, records.c records as trace events,
 * document.c the JSON document around the trace events) and the few event
 * primitives all of them write with.  Only the public tjconv headers and
 * this directory's are included, so the plugin builds against the installed
 * plugin headers alone.  Nothing in tracks.c, events.c or document.c calls the host: host
 * calls stay in chrome.c, which keeps an ABI change there.
 */
#ifndef TJ_CHROME_CJ_H
#define TJ_CHROME_CJ_H

#include <stdint.h>

#include "jsonw.h"
#include "tjconv/map.h"
#include "tjconv/plugin.h"

/*
 * Synthetic pid/tid numbers.  Real Linux ids stay below PID_MAX_LIMIT
 * (4194304); everything synthetic is at least TID_STATE_BASE and below 2^31,
 * so no reader that stores ids in an int32 or a uint32 sees a collision.
 */
#define TID_STATE_BASE INT64_C(1000000000)      /* state track of tid T */
#define TID_IDLE_BASE INT64_C(1900000000)       /* swapper (tid 0) on cpu N */
#define TID_IDLE_STATE_BASE INT64_C(1950000000) /* its state track */
#define PID_CPUS INT64_C(2000000000)            /* pseudo-process "CPUs" */
#define TID_CPU_BASE INT64_C(2000000000)        /* track of cpu N */
#define PID_GLOBAL INT64_C(2100000000)          /* pseudo-process "Trace" */
#define TID_GLOBAL INT64_C(2100000000)
#define PID_NET INT64_C(2110000000)             /* pseudo-process "Network" */
#define TID_NET_BASE INT64_C(2110000000)        /* TJ_TRACK_CONNECTION track N */
#define MAX_CONN 30000000                       /* keeps TID_NET_BASE + N < 2^31 */
/* TJ_TRACK_CONNECTION tracks from 2^23 on are a capture's connections (the
 * packets analyzer's --pcap): the same tids, in their own process. */
#define CAPTURE_TRACK_BASE 8388608
#define PID_CAPTURE INT64_C(2140000000)         /* pseudo-process "Capture" */
#define MAX_CPU 50000000

enum track_kind { TK_THREAD, TK_STATE, TK_IDLE, TK_IDLE_STATE, TK_CPU, TK_GLOBAL, TK_NET };

/* Slices remembered per track to refuse partial overlaps (doc/chrome-json.md). */
#define RING 8

struct track {
	int64_t pid;      /* pid the track was last written under */
	int32_t ref;      /* the tid or cpu behind it */
	uint8_t kind;
	uint8_t named;    /* metadata written for the current pid */
	uint8_t nring, pos;
	struct {
		int64_t b, e;
	} ring[RING];     /* recent slices with dur > 0 */
};

struct named {
	int64_t pid;      /* threads: the pid named under */
	uint8_t sorted;   /* sort index written */
	char *name;
};

/* Where a record goes: its JSON pid/tid and the track behind them. */
struct loc {
	int64_t pid, tid;
	int kind;
	int32_t ref;
};

struct cj {
	const struct tj_host *host;
	struct tj_plugin *self;
	struct jsonw w;
	int began, finished;
	uint64_t nevents;       /* trace events written */
	int64_t base;           /* ns subtracted from every timestamp */
	int64_t last_ts;
	struct tj_sbuf *env;    /* metadata known at begin(), pre-rendered */
	const char *version;    /* tjconv's, from the trace info */
	struct tj_map tracks;   /* synthetic tid -> struct track */
	struct tj_map threads;  /* tid -> struct named */
	struct tj_map procs;    /* pid -> struct named */
	struct tj_map flows;    /* flow id -> cj_flow_open_mark, begun and not ended */
	struct tj_map net_names; /* connection track id -> struct named */
	int cpus_named, global_named, net_named, capture_named;
	int events_mode;        /* enum cj_events_mode (--events) */
	uint64_t shown;         /* events the core handed to on_event */
	uint64_t recs_since_event; /* records received since the last event */
	struct cj_class *classes; /* per-class payload handles, freed at fini */
	/* hosts.c: one process group per host when traces name several */
	int multi_host;
	uint32_t nhost_traces;
	uint32_t *host_rank;    /* by trace index */
	char **host_names;      /* by trace index */
	struct {
		uint64_t event_instants;
		uint64_t records, spans, states, instants, flows, counters, names, unknown;
		uint64_t dropped_overlap, dropped_non_finite, skipped_no_ts, clamped_dur;
		uint64_t discards, flows_restarted, flows_dropped;
	} st;
};

/* ---- event primitives (every file writes trace events with these) ---- */

/* Separator and the opening of one trace event: {"ph":"X" */
static inline void ev_open(struct cj *c, char ph)
{
	char head[] = ",\n{\"ph\":\"X\"";
	head[9] = ph;
	if (c->nevents++ == 0)
		jsonw_raw(&c->w, head + 1, sizeof(head) - 2);
	else
		jsonw_raw(&c->w, head, sizeof(head) - 1);
}

static inline void ev_ts(struct cj *c, int64_t ts)
{
	jsonw_lit(&c->w, ",\"ts\":");
	jsonw_ns_as_us(&c->w, ts - c->base);
}

static inline void ev_pidtid(struct cj *c, int64_t pid, int64_t tid)
{
	jsonw_lit(&c->w, ",\"pid\":");
	jsonw_i64(&c->w, pid);
	jsonw_lit(&c->w, ",\"tid\":");
	jsonw_i64(&c->w, tid);
}

/* ---- tracks.c: track layout, names, overlap ring, flows in flight ---- */

/* Where record r goes: a real (pid, tid) or one of the synthetic tracks. */
void cj_locate(struct cj *c, const struct tj_record *r, struct loc *l);
/* The track at l, its metadata written if not yet.  NULL when out of memory. */
struct track *cj_track_get(struct cj *c, const struct loc *l);
/* 1 when [b, e] partially overlaps a recent slice of the track. */
int cj_track_overlaps(const struct track *t, int64_t b, int64_t e);
void cj_track_remember(struct track *t, int64_t b, int64_t e);
/* The last name given to tid, or NULL. */
const char *cj_thread_name_borrow(struct cj *c, int32_t tid);
/* TJ_REC_PROCESS_NAME / TJ_REC_THREAD_NAME: M events when the name is new. */
int cj_process_name(struct cj *c, const struct tj_record *r);
int cj_thread_name(struct cj *c, const struct tj_record *r);
/* TJ_REC_TRACK_NAME: names a TJ_TRACK_CONNECTION track (M event). */
int cj_track_name(struct cj *c, const struct tj_record *r);
/* Flows begun and not ended, by id.  cj_flow_begin: TJ_OK or TJ_ENOMEM. */
int cj_flow_is_open(const struct cj *c, uint64_t id);
int cj_flow_begin(struct cj *c, uint64_t id);
void cj_flow_end(struct cj *c, uint64_t id);
/* Free every table (tracks, names, flows). */
void cj_tracks_release(struct cj *c);

/* ---- records.c: a record as a trace event --------------------------- */
/* "args":{ opened on the first key (*open tracks it), closed by cj_args_close. */
void cj_arg_key(struct cj *c, int *open, const char *key);
void cj_args_close(struct cj *c, int open);
/* "name":NAME (or dflt when NAME is NULL). */
void cj_name_field(struct cj *c, const char *name, const char *dflt);
/* One record of each kind; TJ_OK or TJ_ENOMEM (the writer's error is in c->w.err). */
int cj_slice(struct cj *c, const struct tj_record *r);
int cj_instant(struct cj *c, const struct tj_record *r);
int cj_flow(struct cj *c, const struct tj_record *r);
int cj_counter(struct cj *c, const struct tj_record *r);

/* ---- events.c: events no analyzer turned into a record, as instants ---- */

/* --events: which events become instants of their own. */
enum cj_events_mode { CJ_EVENTS_UNANALYZED = 0, CJ_EVENTS_ALL, CJ_EVENTS_NONE };

/* The payload members of one event class, resolved once (chrome.c). */
struct cj_class {
	struct cj_class *next;
	uint32_t n;
	tj_field *fields;
	char **names;   /* each field's arg key, rendered once: "name": */
	size_t *nlen;
	char *head;     /* ,"name":"<class>","cat":"event", rendered once */
	size_t headlen;
};

/* A class table for n members (names NULL, fields -1), linked into c. */
struct cj_class *cj_class_new(struct cj *c, uint32_t n);
/* Opens the instant of ev on its thread (else its CPU, else the global
 * track), up to its args: the caller adds args with cj_arg_key and closes
 * with cj_event_close.  TJ_OK or TJ_ENOMEM. */
int cj_event_open(struct cj *c, const struct tj_event *ev, const struct cj_class *k);
/* The bytes jsonw writes for pre, the JSON string s and post, rendered once
 * (per class) so that per event they are one copy; NULL when out of memory. */
char *cj_render(const char *pre, const char *s, const char *post, size_t *len);
void cj_event_close(struct cj *c, int open);
void cj_classes_release(struct cj *c);

/* ---- hosts.c: one process group per host ---- */
int cj_hosts_init(struct cj *c, const struct tj_trace_info *info);
/* Move r (made from ev) into its host's ids, naming the process once. */
int cj_hosts_place(struct cj *c, const struct tj_event *ev, struct tj_record *r);
/* Move a record (tj_record.trace set) into its host's ids likewise. */
void cj_hosts_place_record(struct cj *c, struct tj_record *r, char *name, size_t cap);
void cj_hosts_release(struct cj *c);

/* ---- document.c: the JSON document around the trace events ---- */

/* The metadata known at begin(), rendered into w (a buffer of its own; the
 * info is borrowed for the begin() call only), to be written at the end. */
void cj_doc_env(struct jsonw *w, const struct tj_trace_info *info, int64_t base,
		const char *version);
/* {"traceEvents":[ */
void cj_doc_header(struct cj *c);
/* The end of traceEvents and the metadata object: env (what cj_doc_env
 * rendered, or NULL), the run's totals (stats may be NULL) and our own. */
void cj_doc_finish(struct cj *c, const char *env, size_t envlen, const struct tj_run_stats *stats);

#endif
