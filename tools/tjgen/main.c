/*
 * tjgen command line: parses options, prepares the output directory, runs a
 * scenario into per-CPU CTF streams, writes the metadata and reports how many
 * events were written. Output depends only on the arguments.
 */
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "catalog.h"
#include "ctf_writer.h"
#include "metadata.h"
#include "tcxml.h"
#include "tjgen.h"

#define TJG_EXIT_FAILURE 1
#define TJG_EXIT_USAGE 2
#define TJG_DEFAULT_PACKET_SIZE (64u * 1024u)
#define TJG_DEFAULT_CPUS 4u
#define TJG_MAX_CPUS 128u
#define TJG_MAX_EVENTS 10000000000ull
#define TJG_DEFAULT_SEED 0x746a67656e2d3031ull /* "tjgen-01" */

static const char tjg_usage[] =
	"usage: tjgen --scenario ncat -o DIR [options]\n"
	"       tjgen --scenario load --events N [--cpus K] -o DIR [options]\n"
	"       tjgen --scenario load --events N --traces T -o DIR [options]\n"
	"       tjgen --scenario tc-xml --input FILE.xml -o DIR [-q]\n"
	"       tjgen --scenario two-hosts -o DIR [--clock-offset NS] [--clock-drift PPM]\n"
	"\n"
	"Write a deterministic LTTng 2.13-style kernel CTF 1.8 trace into DIR\n"
	"(created; an existing DIR must be empty): DIR/metadata and one stream\n"
	"file per CPU, DIR/channel0_<cpu>.\n"
	"\n"
	"scenarios:\n"
	"  ncat   2 CPUs: an ncat server and client exchange \"hello\\n\" over\n"
	"         127.0.0.1:4000 (statedump, syscalls, scheduling, loopback TCP\n"
	"         packets with network headers, softirqs, timer interrupts)\n"
	"  load   exactly N events of a busy server mix over K CPUs (syscalls,\n"
	"         scheduling among ~50 threads, interrupts, network)\n"
	"  lost-exits  2 CPUs: syscall entries and exits lost in discarded-events\n"
	"         ranges (lone exits, cut entries, mismatched exits, re-entry)\n"
	"  tc-xml the events of a Trace Compass XML stub trace (--input), one\n"
	"         stream per CPU, classes declared from the fields\n"
	"  two-hosts  two traces, DIR/client and DIR/server, of hosts talking TCP\n"
	"         over eth0, the server's clock off by --clock-offset and drifting\n"
	"         by --clock-drift (see doc/tjgen.md)\n"
	"\n"
	"options:\n"
	"  -s, --scenario NAME     ncat, load, lost-exits or tc-xml\n"
	"  -i, --input FILE        tc-xml: the Trace Compass XML stub trace\n"
	"  -o, --output DIR        output trace directory\n"
	"  -n, --events N          load: number of events to write (required)\n"
	"  -c, --cpus K            load: number of CPUs/streams (default 4, max 128)\n"
	"      --discard N         report N events as discarded by the tracer\n"
	"                          (packet context events_discarded, spread over packets)\n"
	"      --no-context        omit the procname/vtid/vpid/prio event context\n"
	"      --no-statedump      omit the lttng_statedump_* events at the start\n"
	"      --packet-size BYTES packet (sub-buffer) size, suffix k or M allowed\n"
	"      --traces T          load: T traces one after the other in time (a\n"
	"                          session rotated every N events), DIR/trace-000 ...,\n"
	"                          each N events with its own seed, 1 ms apart\n"
	"      --hostile-comm      load: thread io_thd_2 is named \"io\\nthd\\x01\\xff\"\n"
	"                          (default 64k, from 4k to 64M)\n"
	"      --seed S            load, two-hosts: PRNG seed (default fixed)\n"
	"      --clock-offset NS   two-hosts: server clock minus client clock at the\n"
	"                          start, in ns (signed, default 0)\n"
	"      --clock-drift PPM   two-hosts: server clock rate error in parts per\n"
	"                          million (signed, default 0)\n"
	"      --exchanges N       two-hosts: request/reply pairs (default 200)\n"
	"      --sync-events KIND  two-hosts: net (net_dev_queue/net_if_receive_skb with\n"
	"                          network_header, default) or inet-sock (addon events)\n"
	"      --pcap FILE         ncat: also write the loopback capture (pcap, ns)\n"
	"      --pcap-offset NS    ncat: capture clock minus trace clock (default 0)\n"
	"  -q, --quiet             do not print the summary line\n"
	"  -h, --help              show this help\n"
	"\n"
	"On success tjgen prints \"wrote N events to DIR\" on stderr.\n";

enum {
	TJG_OPT_DISCARD = 256,
	TJG_OPT_NO_CONTEXT,
	TJG_OPT_NO_STATEDUMP,
	TJG_OPT_PACKET_SIZE,
	TJG_OPT_SEED,
	TJG_OPT_CLOCK_OFFSET,
	TJG_OPT_CLOCK_DRIFT,
	TJG_OPT_EXCHANGES,
	TJG_OPT_SYNC_EVENTS,
	TJG_OPT_PCAP,
	TJG_OPT_PCAP_OFFSET,
	TJG_OPT_HOSTILE_COMM,
	TJG_OPT_TRACES,
};

static const struct option tjg_long_options[] = {
	{"scenario", required_argument, NULL, 's'},
	{"output", required_argument, NULL, 'o'},
	{"input", required_argument, NULL, 'i'},
	{"events", required_argument, NULL, 'n'},
	{"cpus", required_argument, NULL, 'c'},
	{"discard", required_argument, NULL, TJG_OPT_DISCARD},
	{"no-context", no_argument, NULL, TJG_OPT_NO_CONTEXT},
	{"no-statedump", no_argument, NULL, TJG_OPT_NO_STATEDUMP},
	{"packet-size", required_argument, NULL, TJG_OPT_PACKET_SIZE},
	{"seed", required_argument, NULL, TJG_OPT_SEED},
	{"clock-offset", required_argument, NULL, TJG_OPT_CLOCK_OFFSET},
	{"clock-drift", required_argument, NULL, TJG_OPT_CLOCK_DRIFT},
	{"exchanges", required_argument, NULL, TJG_OPT_EXCHANGES},
	{"sync-events", required_argument, NULL, TJG_OPT_SYNC_EVENTS},
	{"pcap", required_argument, NULL, TJG_OPT_PCAP},
	{"pcap-offset", required_argument, NULL, TJG_OPT_PCAP_OFFSET},
	{"hostile-comm", no_argument, NULL, TJG_OPT_HOSTILE_COMM},
	{"traces", required_argument, NULL, TJG_OPT_TRACES},
	{"quiet", no_argument, NULL, 'q'},
	{"help", no_argument, NULL, 'h'},
	{NULL, 0, NULL, 0},
};

/* Parse a decimal (or 0x hex) unsigned integer with an optional k/M suffix. */
static int tjg_parse_u64(const char *opt, const char *arg, bool suffix, uint64_t max,
			 uint64_t *out)
{
	char *end;
	uint64_t v;

	errno = 0;
	if (arg[0] == '-' || arg[0] == '\0')
		goto bad;
	v = strtoull(arg, &end, 0);
	if (errno != 0)
		goto bad;
	if (suffix && (*end == 'k' || *end == 'K')) {
		v = v > UINT64_MAX / 1024 ? UINT64_MAX : v * 1024;
		end++;
	} else if (suffix && (*end == 'm' || *end == 'M')) {
		v = v > UINT64_MAX / (1024 * 1024) ? UINT64_MAX : v * 1024 * 1024;
		end++;
	}
	if (*end != '\0')
		goto bad;
	if (v > max) {
		tjg_error_append("value of %s too large: '%s' (max %" PRIu64 ")", opt, arg, max);
		return TJG_ERR_USAGE;
	}
	*out = v;
	return TJG_OK;
bad:
	tjg_error_append("invalid value for %s: '%s'", opt, arg);
	return TJG_ERR_USAGE;
}

struct tjg_cli {
	struct tjg_options opts;
	const char *input;
	bool have_events;
	bool have_cpus;
	bool help;
};

static int tjg_parse_args(int argc, char **argv, struct tjg_cli *cli)
{
	struct tjg_options *o = &cli->opts;
	uint64_t v;
	int c;

	memset(cli, 0, sizeof(*cli));
	o->cpus = TJG_DEFAULT_CPUS;
	o->packet_size = TJG_DEFAULT_PACKET_SIZE;
	o->seed = TJG_DEFAULT_SEED;
	o->exchanges = 200;
	opterr = 0;
	while ((c = getopt_long(argc, argv, ":s:o:i:n:c:qh", tjg_long_options, NULL)) != -1) {
		switch (c) {
		case 's':
			o->scenario = optarg;
			break;
		case 'o':
			o->outdir = optarg;
			break;
		case 'i':
			cli->input = optarg;
			break;
		case 'n':
			if (tjg_parse_u64("--events", optarg, false, TJG_MAX_EVENTS, &o->events))
				return TJG_ERR_USAGE;
			cli->have_events = true;
			break;
		case 'c':
			if (tjg_parse_u64("--cpus", optarg, false, TJG_MAX_CPUS, &v))
				return TJG_ERR_USAGE;
			if (v == 0) {
				tjg_error_append("--cpus must be at least 1");
				return TJG_ERR_USAGE;
			}
			o->cpus = (unsigned)v;
			cli->have_cpus = true;
			break;
		case TJG_OPT_DISCARD:
			if (tjg_parse_u64("--discard", optarg, false, UINT64_MAX / 2, &o->discard))
				return TJG_ERR_USAGE;
			break;
		case TJG_OPT_HOSTILE_COMM:
			o->hostile_comm = true;
			break;
		case TJG_OPT_TRACES:
			if (tjg_parse_u64("--traces", optarg, false, 1000, &o->traces))
				return TJG_ERR_USAGE;
			if (o->traces == 0) {
				tjg_error_append("--traces must be at least 1");
				return TJG_ERR_USAGE;
			}
			break;
		case TJG_OPT_NO_CONTEXT:
			o->no_context = true;
			break;
		case TJG_OPT_NO_STATEDUMP:
			o->no_statedump = true;
			break;
		case TJG_OPT_PACKET_SIZE:
			if (tjg_parse_u64("--packet-size", optarg, true, TJG_PACKET_SIZE_MAX, &v))
				return TJG_ERR_USAGE;
			if (v < TJG_PACKET_SIZE_MIN) {
				tjg_error_append("--packet-size must be at least %u bytes",
						 TJG_PACKET_SIZE_MIN);
				return TJG_ERR_USAGE;
			}
			o->packet_size = (uint32_t)v;
			break;
		case TJG_OPT_SEED:
			if (tjg_parse_u64("--seed", optarg, false, UINT64_MAX, &o->seed))
				return TJG_ERR_USAGE;
			break;
		case TJG_OPT_CLOCK_OFFSET:
		case TJG_OPT_CLOCK_DRIFT: {
			char *end;
			errno = 0;
			if (c == TJG_OPT_CLOCK_OFFSET)
				o->peer_offset_ns = strtoll(optarg, &end, 10);
			else
				o->peer_drift_ppm = strtod(optarg, &end);
			if (errno || end == optarg || *end ||
			    (c == TJG_OPT_CLOCK_DRIFT && (o->peer_drift_ppm <= -1e5 || o->peer_drift_ppm >= 1e5))) {
				tjg_error_append("invalid value for %s: '%s'", argv[optind - 1], optarg);
				return TJG_ERR_USAGE;
			}
			break;
		}
		case TJG_OPT_EXCHANGES:
			if (tjg_parse_u64("--exchanges", optarg, false, 1000000, &o->exchanges))
				return TJG_ERR_USAGE;
			break;
		case TJG_OPT_SYNC_EVENTS:
			o->sync_events = optarg;
			break;
		case TJG_OPT_PCAP:
			o->pcap = optarg;
			break;
		case TJG_OPT_PCAP_OFFSET: {
			char *end;
			errno = 0;
			long long off = strtoll(optarg, &end, 10);
			if (errno || end == optarg || *end) {
				tjg_error_append("invalid value for --pcap-offset: '%s' (nanoseconds)",
						 optarg);
				return TJG_ERR_USAGE;
			}
			o->pcap_offset = off;
			break;
		}
		case 'q':
			o->quiet = true;
			break;
		case 'h':
			cli->help = true;
			return TJG_OK;
		case ':':
			tjg_error_append("option '%s' needs a value", argv[optind - 1]);
			return TJG_ERR_USAGE;
		default:
			tjg_error_append("unknown option '%s'", argv[optind - 1]);
			return TJG_ERR_USAGE;
		}
	}
	if (optind < argc) {
		tjg_error_append("unexpected argument '%s'", argv[optind]);
		return TJG_ERR_USAGE;
	}
	if (!o->scenario) {
		tjg_error_append("missing --scenario (ncat, load, lost-exits or tc-xml)");
		return TJG_ERR_USAGE;
	}
	if (!o->outdir) {
		tjg_error_append("missing -o DIR");
		return TJG_ERR_USAGE;
	}
	if (o->traces && strcmp(o->scenario, "load") != 0) {
		tjg_error_append("--traces applies to the load scenario only");
		return TJG_ERR_USAGE;
	}
	if ((o->pcap || o->pcap_offset) && strcmp(o->scenario, "ncat") != 0) {
		tjg_error_append("--pcap and --pcap-offset apply to the ncat scenario only");
		return TJG_ERR_USAGE;
	}
	return TJG_OK;
}

static const struct tjg_scenario *tjg_scenario_find(const char *name)
{
	if (strcmp(name, tjg_scenario_ncat.name) == 0)
		return &tjg_scenario_ncat;
	if (strcmp(name, tjg_scenario_load.name) == 0)
		return &tjg_scenario_load;
	if (strcmp(name, tjg_scenario_lost_exits.name) == 0)
		return &tjg_scenario_lost_exits;
	return NULL;
}

static int tjg_check_scenario_args(const struct tjg_scenario *sc, const struct tjg_cli *cli)
{
	if (sc->ncpus != 0) {
		if (cli->have_events || cli->have_cpus) {
			tjg_error_append("--events and --cpus apply to the load scenario only");
			return TJG_ERR_USAGE;
		}
		return TJG_OK;
	}
	if (!cli->have_events) {
		tjg_error_append("scenario '%s' needs --events N", sc->name);
		return TJG_ERR_USAGE;
	}
	return TJG_OK;
}

/* FNV-1a, to derive a stable trace UUID from the arguments. */
static uint64_t tjg_fnv1a(uint64_t h, const char *s)
{
	for (; *s; s++) {
		h ^= (uint8_t)*s;
		h *= 0x100000001b3ull;
	}
	return h;
}

static void tjg_trace_uuid(const struct tjg_options *o, unsigned ncpus, uint8_t uuid[16])
{
	char key[256];
	uint64_t a, b;
	int i;

	snprintf(key, sizeof(key), "tjgen|%s|%" PRIu64 "|%u|%" PRIu64 "|%" PRIu32 "|%" PRIu64
		 "|%d|%d", o->scenario, o->events, ncpus, o->discard, o->packet_size, o->seed,
		 o->no_context, o->no_statedump);
	a = tjg_fnv1a(0xcbf29ce484222325ull, key);
	b = tjg_fnv1a(a ^ 0x9e3779b97f4a7c15ull, key);
	for (i = 0; i < 8; i++) {
		uuid[i] = (uint8_t)(a >> (56 - 8 * i));
		uuid[8 + i] = (uint8_t)(b >> (56 - 8 * i));
	}
	uuid[6] = (uint8_t)((uuid[6] & 0x0f) | 0x40); /* version 4 */
	uuid[8] = (uint8_t)((uuid[8] & 0x3f) | 0x80); /* RFC 4122 variant */
}

/* Write one trace into o->outdir whose clock starts at t0; *t_end gets
 * its last event's clock value. */
static int tjg_generate(const struct tjg_scenario *sc, const struct tjg_options *o, uint64_t t0,
			uint64_t *t_end)
{
	unsigned ncpus = sc->ncpus ? sc->ncpus : o->cpus;
	struct tjg_metadata_info md = {0};
	struct tjg_trace *trace;
	char trace_name[64];
	uint8_t uuid[16];
	int rc;

	tjg_trace_uuid(o, ncpus, uuid);
	if (tjg_trace_open(&trace, o->outdir, ncpus, o, t0, uuid,
			   sc->ncpus ? UINT64_MAX : o->events) != TJG_OK)
		return TJG_ERR;
	rc = sc->run(trace, o);
	if (tjg_trace_finish(trace) != TJG_OK)
		rc = TJG_ERR;
	*t_end = trace->t_end;
	if (rc == TJG_OK) {
		snprintf(trace_name, sizeof(trace_name), "tjgen-%s", sc->name);
		md.uuid = uuid;
		md.trace_name = trace_name;
		md.clock_offset_ns = TJG_CLOCK_OFFSET;
		md.events = sc->events;
		if (o->no_statedump)
			md.events &= ~(TJG_EV_BIT(TJG_EV_LTTNG_STATEDUMP_START) |
				       TJG_EV_BIT(TJG_EV_LTTNG_STATEDUMP_END) |
				       TJG_EV_BIT(TJG_EV_LTTNG_STATEDUMP_PROCESS_STATE) |
				       TJG_EV_BIT(TJG_EV_LTTNG_STATEDUMP_FILE_DESCRIPTOR));
		md.with_context = !o->no_context;
		rc = tjg_metadata_write(o->outdir, &md);
	}
	if (rc == TJG_OK && !o->quiet)
		fprintf(stderr, "wrote %" PRIu64 " events to %s\n", trace->nevents, o->outdir);
	tjg_trace_free(trace);
	if (rc != TJG_OK)
		tjg_error_append("cannot generate the '%s' trace in '%s'", sc->name, o->outdir);
	return rc;
}

/*
 * --traces T: DIR/trace-000 ... each a trace of its own (own seed, so own
 * uuid and contents) on the same clock (same boot), the next starting 1 ms
 * after the previous one's last event, as a session rotated into separate
 * traces would be read back.
 */
static int tjg_generate_consecutive(const struct tjg_scenario *sc, const struct tjg_options *o)
{
	uint64_t t0 = TJG_CLOCK_T0;
	for (uint64_t i = 0; i < o->traces; i++) {
		struct tjg_options one = *o;
		char dir[4096];
		uint64_t t_end = t0;
		if ((size_t)snprintf(dir, sizeof(dir), "%s/trace-%03" PRIu64, o->outdir, i) >=
		    sizeof(dir)) {
			tjg_error_append("path too long: '%s'", o->outdir);
			return TJG_ERR;
		}
		one.outdir = dir;
		one.seed = o->seed + i;
		one.traces = 0;
		if (tjg_outdir_prepare(dir) != TJG_OK || tjg_generate(sc, &one, t0, &t_end) != TJG_OK)
			return TJG_ERR;
		t0 = t_end + 1000000;
	}
	return TJG_OK;
}

int main(int argc, char **argv)
{
	const struct tjg_scenario *sc = NULL;
	struct tjg_cli cli;
	int rc;

	rc = tjg_parse_args(argc, argv, &cli);
	if (rc == TJG_OK && cli.help) {
		fputs(tjg_usage, stdout);
		return 0;
	}
	if (rc == TJG_OK && strcmp(cli.opts.scenario, "tc-xml") == 0) {
		if (!cli.input || cli.have_events || cli.have_cpus) {
			tjg_error_append(cli.input ? "--events and --cpus apply to the load scenario only"
						   : "scenario 'tc-xml' needs --input FILE");
			tjg_error_print();
			fputs("try 'tjgen --help'\n", stderr);
			return TJG_EXIT_USAGE;
		}
		if (tjg_outdir_prepare(cli.opts.outdir) != TJG_OK ||
		    tjg_tcxml_generate(cli.input, &cli.opts) != TJG_OK) {
			tjg_error_print();
			return TJG_EXIT_FAILURE;
		}
		return 0;
	}
	if (rc == TJG_OK && strcmp(cli.opts.scenario, "two-hosts") == 0) {
		if (cli.input || cli.have_events || cli.have_cpus) {
			tjg_error_append("--input, --events and --cpus do not apply to two-hosts");
			rc = TJG_ERR_USAGE;
		} else if (tjg_outdir_prepare(cli.opts.outdir) != TJG_OK) {
			tjg_error_print();
			return TJG_EXIT_FAILURE;
		} else if ((rc = tjg_two_hosts_generate(&cli.opts)) != TJG_ERR_USAGE) {
			if (rc != TJG_OK)
				tjg_error_print();
			return rc == TJG_OK ? 0 : TJG_EXIT_FAILURE;
		}
	}
	if (rc == TJG_OK && cli.input) {
		tjg_error_append("--input applies to the tc-xml scenario only");
		rc = TJG_ERR_USAGE;
	}
	if (rc == TJG_OK) {
		sc = tjg_scenario_find(cli.opts.scenario);
		if (!sc) {
			tjg_error_append("unknown scenario '%s' (ncat, load, lost-exits, tc-xml or two-hosts)",
					 cli.opts.scenario);
			rc = TJG_ERR_USAGE;
		} else {
			rc = tjg_check_scenario_args(sc, &cli);
		}
	}
	if (rc == TJG_ERR_USAGE) {
		tjg_error_print();
		fputs("try 'tjgen --help'\n", stderr);
		return TJG_EXIT_USAGE;
	}
	/* A refused directory is the whole story: no "cannot generate" context. */
	if (tjg_outdir_prepare(cli.opts.outdir) != TJG_OK ||
	    (cli.opts.traces ? tjg_generate_consecutive(sc, &cli.opts)
			     : tjg_generate(sc, &cli.opts, TJG_CLOCK_T0, &(uint64_t){0})) != TJG_OK) {
		tjg_error_print();
		return TJG_EXIT_FAILURE;
	}
	return 0;
}
