/*
 * tjconv command line: parses options (the command line beats --config),
 * loads plugins and runs a conversion, or lists plugins.  Only this file
 * prints the error chain and picks the exit code:
 *   0 success, 1 the input or a plugin failed, 2 usage error.
 */
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core.h"
#include "crash_guard.h"
#include "error.h"
#include "live.h"
#include "log.h"
#include "new_plugin.h"
#include "sbuf.h"
#include "options.h"
#include "plugin_list.h"
#include "run.h"
#include "signals.h"
#include "stats_cmd.h"
#include "timefmt.h"

enum {
	OPT_BEGIN = 256,
	OPT_END,
	OPT_CLOCK_GMT,
	OPT_CLOCK_SECONDS,
	OPT_CLOCK_RELATIVE,
	OPT_NO_ANNOTATIONS,
	OPT_PLUGIN_PATH,
	OPT_CONFIG,
	OPT_PARAM,
	OPT_ENABLE,
	OPT_DISABLE,
	OPT_PID,
	OPT_TID,
	OPT_COMM,
	OPT_JOBS,
	OPT_SUMMARY,
	OPT_VERSION,
	OPT_EVENTS,
	OPT_SYNC,
	OPT_PCAP,
	OPT_PCAP_OFFSET,
	OPT_FOLLOW,
	OPT_STRICT,
	OPT_ALLOW_UNSAFE_PLUGINS,
	OPT_MI_VERSION,
	OPT_PROGRESS,
	OPT_NO_PROGRESS,
	OPT_ANALYSIS,
};

static const struct option long_opts[] = {
	{"to", required_argument, NULL, 't'},
	{"output", required_argument, NULL, 'o'},
	{"begin", required_argument, NULL, OPT_BEGIN},
	{"end", required_argument, NULL, OPT_END},
	{"clock-gmt", no_argument, NULL, OPT_CLOCK_GMT},
	{"clock-seconds", no_argument, NULL, OPT_CLOCK_SECONDS},
	{"clock-relative", no_argument, NULL, OPT_CLOCK_RELATIVE},
	{"no-annotations", no_argument, NULL, OPT_NO_ANNOTATIONS},
	{"plugin-path", required_argument, NULL, OPT_PLUGIN_PATH},
	{"config", required_argument, NULL, OPT_CONFIG},
	{"param", required_argument, NULL, OPT_PARAM},
	{"analysis", required_argument, NULL, OPT_ANALYSIS},
	{"enable", required_argument, NULL, OPT_ENABLE},
	{"disable", required_argument, NULL, OPT_DISABLE},
	{"pid", required_argument, NULL, OPT_PID},
	{"tid", required_argument, NULL, OPT_TID},
	{"comm", required_argument, NULL, OPT_COMM},
	{"jobs", required_argument, NULL, OPT_JOBS},
	{"summary", no_argument, NULL, OPT_SUMMARY},
	{"events", required_argument, NULL, OPT_EVENTS},
	{"sync", required_argument, NULL, OPT_SYNC},
	{"pcap", required_argument, NULL, OPT_PCAP},
	{"pcap-offset", required_argument, NULL, OPT_PCAP_OFFSET},
	{"follow", no_argument, NULL, OPT_FOLLOW},
	{"strict", no_argument, NULL, OPT_STRICT},
	{"allow-unsafe-plugins", no_argument, NULL, OPT_ALLOW_UNSAFE_PLUGINS},
	{"mi-version", no_argument, NULL, OPT_MI_VERSION},
	{"progress", optional_argument, NULL, OPT_PROGRESS},
	{"no-progress", no_argument, NULL, OPT_NO_PROGRESS},
	{"quiet", no_argument, NULL, 'q'},
	{"verbose", no_argument, NULL, 'v'},
	{"help", no_argument, NULL, 'h'},
	{"version", no_argument, NULL, OPT_VERSION},
	{NULL, 0, NULL, 0},
};

static void usage(FILE *f)
{
	fputs("usage: tjconv [OPTIONS] TRACE_DIR\n"
	      "       tjconv [OPTIONS] net://HOST[:PORT]/host/HOSTNAME/SESSION...   (live)\n"
	      "       tjconv net://HOST[:PORT]   (the relay's sessions)\n"
	      "       tjconv list-plugins [-v] [--plugin-path DIR]   (-v: ABI, subscriptions)\n"
	      "       tjconv new-plugin NAME [--exporter] [--dir DIR]\n"
	      "       tjconv stats [OPTIONS] TRACE_DIR [--what LIST] [--format text|lami]\n"
	      "                    [--top N]   (also --metadata, --mi-version: see doc/stats.md)\n"
	      "\n"
	      "Convert an LTTng kernel trace (CTF) into answers: an annotated text timeline\n"
	      "(default), Chrome trace-event JSON, or Trace Compass analyses.\n"
	      "\n"
	      "  -t, --to NAME           exporter: text (default), chrome-json, ...\n"
	      "  -o, --output FILE       write to FILE instead of stdout (FILE.gz: gzip)\n"
	      "      --begin TIME        start of the time window (babeltrace2 formats:\n"
	      "                          HH:MM[:SS[.N]], 'YYYY-MM-DD HH:MM[:SS[.N]]', SECONDS[.N])\n"
	      "      --end TIME          end of the time window, same formats\n"
	      "      --clock-gmt         show and parse times in UTC instead of local time\n"
	      "      --clock-seconds     show timestamps as seconds since the Unix epoch\n"
	      "      --clock-relative    show timestamps relative to the first event\n"
	      "      --no-annotations    do not show what analyzers attached to events\n"
	      "      --pid PID           only this process (repeatable)\n"
	      "      --tid TID           only this thread (repeatable)\n"
	      "      --comm NAME         only threads with this command name (repeatable)\n"
	      "      --enable NAME       run this analyzer; failures become fatal\n"
	      "      --disable NAME      do not run this analyzer\n"
	      "      --param P.KEY=VAL   set parameter KEY of plugin P\n"
	      "      --analysis FILE     run a Trace Compass XML or tjconv YAML analysis\n"
	      "                          (repeatable; see doc/analysis.md)\n"
	      "      --jobs N|auto       decode streams in N threads (default auto: from the\n"
	      "                          streams, the cores and the trace's size)\n"
	      "      --follow            rotated session: wait for new chunks (until Ctrl-C)\n"
	      "      --summary           analyzers print their summaries on stderr (IRQ and\n"
	      "                          softirq statistics, packet journeys and links)\n"
	      "      --events WHICH      chrome-json: all, unanalyzed (default) or none of the\n"
	      "                          events as instants (see doc/chrome-json.md)\n"
	      "      --sync auto|off     traces of several hosts: fit their clocks from the\n"
	      "                          TCP packets they exchanged and shift every trace to\n"
	      "                          the first host's clock (auto, the default)\n"
	      "      --pcap FILE         correlate a pcap/pcapng capture (.gz too) with the\n"
	      "                          kernel's packet journeys (repeatable; doc/pcap.md)\n"
	      "      --pcap-offset NS|auto  capture clock minus trace clock (default auto)\n"
	      "      --strict            refuse a trace whose stream files end in a torn\n"
	      "                          packet instead of reading its complete packets\n"
	      "      --progress          show a progress line on stderr (default: when stderr\n"
	      "                          is a terminal and the run lasts over a second)\n"
	      "      --no-progress       never show it\n"
	      "      --plugin-path DIR   look for plugins in DIR first (repeatable)\n"
	      "      --allow-unsafe-plugins  load plugins from group/world-writable folders\n"
	      "                          and world-writable files too (refused by default)\n"
	      "      --config FILE       read options from a YAML file (the command line wins)\n"
	      "  -q, --quiet             no notices on stderr (warnings still shown)\n"
	      "  -h, --help              show this help\n"
	      "      --version           show the version\n"
	      "\n"
	      "Plugins are searched in --plugin-path, $TJCONV_PLUGIN_PATH, then the install\n"
	      "directory.  See tjconv(1).\n",
	      f);
}

static int parse_int(const char *opt, const char *s, int64_t min, int64_t max, int64_t *out)
{
	char *end;
	errno = 0;
	long long v = strtoll(s, &end, 10);
	if (errno || end == s || *end || v < min || v > max) {
		tj_error_append("invalid %s '%s' (expected an integer from %lld to %lld)", opt, s,
				(long long)min, (long long)max);
		return TJ_EINVAL;
	}
	*out = v;
	return TJ_OK;
}

static int parse_param(struct tj_options *o, const char *arg)
{
	const char *dot = strchr(arg, '.');
	const char *eq = strchr(arg, '=');
	if (!dot || !eq || dot > eq || dot == arg || eq == dot + 1) {
		tj_error_append("invalid --param '%s' (expected PLUGIN.KEY=VALUE)", arg);
		return TJ_EINVAL;
	}
	char *plugin = strndup(arg, (size_t)(dot - arg));
	char *key = strndup(dot + 1, (size_t)(eq - dot - 1));
	int rc = plugin && key ? tj_options_set_param(o, plugin, key, eq + 1) : TJ_ENOMEM;
	free(plugin);
	free(key);
	return rc;
}

static int set_string(char **dst, const char *v)
{
	free(*dst);
	*dst = strdup(v);
	return *dst ? TJ_OK : TJ_ENOMEM;
}

/* Returns TJ_OK, TJ_EINVAL (usage, cause appended), or 1 when help/version
 * was printed. */
static int parse_args(int argc, char **argv, struct tj_options *o, int *list_plugins)
{
	int c, rc = TJ_OK, verbose_seen = 0;
	int64_t v;

	*list_plugins = 0;
	opterr = 0;
	/* Leading ':' so a missing value gives ':' rather than '?'; no '+': options may
	 * follow the trace directory (tjconv TRACE --to chrome-json). */
	while (rc == TJ_OK && (c = getopt_long(argc, argv, ":t:o:qhv", long_opts, NULL)) != -1) {
		switch (c) {
		case 'v': /* list-plugins -v; the scan below takes it */
			verbose_seen = 1;
			break;
		case 't':
			rc = set_string(&o->to, optarg);
			break;
		case 'o':
			rc = set_string(&o->output, optarg);
			break;
		case OPT_BEGIN:
			rc = set_string(&o->begin, optarg);
			break;
		case OPT_END:
			rc = set_string(&o->end, optarg);
			break;
		case OPT_CLOCK_GMT:
			o->clock_gmt = 1;
			break;
		case OPT_CLOCK_SECONDS:
			o->clock_seconds = 1;
			break;
		case OPT_CLOCK_RELATIVE:
			o->clock_relative = 1;
			break;
		case OPT_NO_ANNOTATIONS:
			o->annotations = 0;
			break;
		case OPT_PLUGIN_PATH:
			rc = tj_options_add_string(&o->plugin_paths, &o->nplugin_paths, optarg);
			break;
		case OPT_CONFIG:
			rc = set_string(&o->config, optarg);
			break;
		case OPT_PARAM:
			rc = parse_param(o, optarg);
			break;
		case OPT_ANALYSIS:
			rc = tj_options_add_analysis(o, optarg);
			break;
		case OPT_ENABLE:
			rc = tj_options_add_string(&o->enabled, &o->nenabled, optarg);
			break;
		case OPT_DISABLE:
			rc = tj_options_add_string(&o->disabled, &o->ndisabled, optarg);
			break;
		case OPT_PID:
			rc = parse_int("--pid", optarg, 0, INT32_MAX, &v);
			if (rc == TJ_OK)
				rc = tj_options_add_int(&o->pids, &o->npids, v);
			break;
		case OPT_TID:
			rc = parse_int("--tid", optarg, 0, INT32_MAX, &v);
			if (rc == TJ_OK)
				rc = tj_options_add_int(&o->tids, &o->ntids, v);
			break;
		case OPT_COMM:
			rc = tj_options_add_string(&o->comms, &o->ncomms, optarg);
			break;
		case OPT_SUMMARY:
			o->summary = 1;
			break;
		case OPT_STRICT:
			o->strict = 1;
			break;
		case OPT_ALLOW_UNSAFE_PLUGINS:
			o->allow_unsafe_plugins = 1;
			break;
		case OPT_JOBS:
			if (strcmp(optarg, "auto") == 0) {
				o->jobs = TJ_JOBS_AUTO;
				break;
			}
			rc = parse_int("--jobs", optarg, 1, 256, &v);
			if (rc == TJ_OK)
				o->jobs = (int)v;
			break;
		case OPT_FOLLOW:
			o->follow = 1;
			break;
		case OPT_EVENTS:
			if (!tj_options_events_valid(optarg)) {
				tj_error_append("invalid --events '%s' (expected all, unanalyzed or none)",
						optarg);
				return TJ_EINVAL;
			}
			rc = set_string(&o->events, optarg);
			break;
		case OPT_SYNC:
			if (strcmp(optarg, "auto") != 0 && strcmp(optarg, "off") != 0) {
				tj_error_append("invalid --sync '%s' (expected auto or off)", optarg);
				return TJ_EINVAL;
			}
			o->sync = strcmp(optarg, "auto") == 0;
			break;
		case OPT_PCAP:
			/* the packets analyzer reads the list from its "pcap" param;
			 * it must run then: as with --enable, its failures are fatal */
			rc = tj_options_append_param(o, "packets", "pcap", optarg, '\n');
			if (rc == TJ_OK && strcmp(tj_options_borrow_param(o, "packets", "pcap"), optarg) == 0)
				rc = tj_options_add_string(&o->enabled, &o->nenabled, "packets");
			break;
		case OPT_PCAP_OFFSET:
			rc = tj_options_set_param(o, "packets", "pcap-offset", optarg);
			break;
		case 'q':
			o->quiet = 1;
			break;
		case 'h':
			usage(stdout);
			return 1;
		case OPT_MI_VERSION: /* LAMI: Trace Compass asks the bare program */
			printf("1.0\n");
			return 1;
		case OPT_PROGRESS: /* =lami: LAMI progress lines on stdout (stats --output-progress) */
			if (optarg && strcmp(optarg, "lami") != 0) {
				tj_error_append("invalid --progress '%s' (expected no value or lami)",
						optarg);
				return TJ_EINVAL;
			}
			o->progress = optarg ? 2 : 1;
			break;
		case OPT_NO_PROGRESS:
			o->progress = 0;
			break;
		case OPT_VERSION:
			printf("tjconv %s (plugin ABI %d.%d)\n", TJ_VERSION, TJ_ABI_MAJOR, TJ_ABI_MINOR);
			return 1;
		case ':':
			tj_error_append("option '%s' needs a value", argv[optind - 1]);
			return TJ_EINVAL;
		default:
			tj_error_append("unknown option '%s' (see 'tjconv --help')", argv[optind - 1]);
			return TJ_EINVAL;
		}
	}
	if (rc)
		return rc;
	if (optind < argc && strcmp(argv[optind], "list-plugins") == 0) {
		/* Options may also follow the subcommand: scan them with the
		 * subcommand in the place of argv[0], from a fresh getopt state
		 * (optind = 0 makes glibc and musl reinitialize). */
		char **sub = argv + optind;
		int nsub = argc - optind;
		optind = 0;
		int verbose = verbose_seen; /* getopt moved it before the subcommand */
		while ((c = getopt_long(nsub, sub, "+:t:o:qhv", long_opts, NULL)) != -1) {
			if (c == 'v')
				verbose = 1;
			else if (c == OPT_PLUGIN_PATH)
				rc = tj_options_add_string(&o->plugin_paths, &o->nplugin_paths, optarg);
			else if (c == OPT_CONFIG)
				rc = set_string(&o->config, optarg);
			else if (c == 'q')
				o->quiet = 1;
			else if (c == 'h') {
				usage(stdout);
				return 1;
			} else if (c == ':') {
				tj_error_append("option '%s' needs a value", sub[optind - 1]);
				return TJ_EINVAL;
			} else if (c == '?') {
				tj_error_append("unknown option '%s' (see 'tjconv --help')", sub[optind - 1]);
				return TJ_EINVAL;
			} else {
				tj_error_append("option '%s' does not apply to list-plugins",
						sub[optind - 1]);
				return TJ_EINVAL;
			}
			if (rc)
				return rc;
		}
		if (optind < nsub) {
			tj_error_append("unexpected argument '%s' after list-plugins", sub[optind]);
			return TJ_EINVAL;
		}
		*list_plugins = verbose ? 2 : 1;
		return TJ_OK;
	}
	if (verbose_seen) {
		tj_error_append("option '-v' only applies to list-plugins");
		return TJ_EINVAL;
	}
	if (optind >= argc && o->describe_only)
		return TJ_OK;
	if (optind >= argc) {
		tj_error_append("no trace given (usage: tjconv [OPTIONS] TRACE_DIR; see --help)");
		return TJ_EINVAL;
	}
	if (optind + 1 < argc && tj_live_is_url(argv[optind]))
		return tj_live_join_urls(&o->input, argc - optind, argv + optind);
	if (optind + 1 < argc) {
		tj_error_append("unexpected argument '%s' (one trace directory at a time)",
				argv[optind + 1]);
		return TJ_EINVAL;
	}
	return set_string(&o->input, argv[optind]);
}

/* Why a time that does not parse is wrong, when its shape is right but a
 * value is out of range ("2018-02-30"); "" otherwise. */
static const char *range_problem(const char *s, char *buf, size_t cap)
{
	static const int mdays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
	int y, m, d, h, mi, n = 0;
	if (sscanf(s, "%4d-%2d-%2d%n", &y, &m, &d, &n) == 3 && n == 10) {
		int leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
		if (m < 1 || m > 12)
			snprintf(buf, cap, ": month %d is out of range (1 to 12)", m);
		else if (d < 1 || d > mdays[m - 1] + (m == 2 && leap))
			snprintf(buf, cap, ": the date is out of range (%04d-%02d has %d days)", y, m,
				 mdays[m - 1] + (m == 2 && leap));
		else if (s[10] == ' ')
			return range_problem(s + 11, buf, cap);
		else
			return "";
		return buf;
	}
	if (sscanf(s, "%2d:%2d%n", &h, &mi, &n) == 2 && n == 5 && (h > 23 || mi > 59)) {
		snprintf(buf, cap, ": the time of day is out of range (00:00 to 23:59:59)");
		return buf;
	}
	return "";
}

/* A malformed --begin/--end is a usage error (exit 2) like any other bad
 * option value; only resolving it needs the trace (run.c). */
static int check_times(const struct tj_options *o)
{
	const char *names[2] = {"--begin", "--end"};
	const char *vals[2] = {o->begin, o->end};
	struct tj_time_spec spec;
	char why[96];

	for (int i = 0; i < 2; i++) {
		if (vals[i] && tj_time_spec_parse(vals[i], &spec)) {
			const char *r = range_problem(vals[i], why, sizeof(why));
			if (*r) {
				tj_error_append("invalid %s '%s'%s", names[i], vals[i], r);
				return TJ_EINVAL;
			}
			tj_error_append("invalid %s '%s' (expected HH:MM[:SS[.NNNNNNNNN]], "
					"YYYY-MM-DD HH:MM[:SS[.N]] or SECONDS[.N])",
					names[i], vals[i]);
			return TJ_EINVAL;
		}
	}
	return TJ_OK;
}

/* What the tracer lost and where time went backwards: said after every
 * successful run, since the output alone may hide it. */
static void print_summary(const struct tj_run_report *r)
{
	const struct tj_run_stats *st = &r->stats;
	if (st->discarded_event_reports || st->discarded_packets) {
		char packets[64] = "";
		if (st->discarded_packets)
			snprintf(packets, sizeof(packets), " and %llu packets",
				 (unsigned long long)st->discarded_packets);
		tj_log(TJ_LOG_WARNING, NULL, "the tracer discarded %llu events%s (%llu events read)",
		       (unsigned long long)st->discarded_events, packets,
		       (unsigned long long)st->events);
		for (size_t i = 0; i < r->nstreams; i++) {
			const struct tj_stream_stats *s = &r->streams[i];
			if (!s->discarded_event_reports && !s->discarded_packets)
				continue;
			tj_log_more(TJ_LOG_WARNING,
				    "stream '%s' (cpu %d): %llu events discarded in %llu report(s), "
				    "%llu packets discarded",
				    s->name, (int)s->cpu, (unsigned long long)s->discarded_events,
				    (unsigned long long)s->discarded_event_reports,
				    (unsigned long long)s->discarded_packets);
		}
	}
	for (size_t i = 0; i < r->nstreams; i++)
		if (r->streams[i].backwards)
			tj_log(TJ_LOG_WARNING, NULL,
			       "time went backwards %llu times in stream '%s'; those events were kept "
			       "in stream order",
			       (unsigned long long)r->streams[i].backwards, r->streams[i].name);
}

int main(int argc, char **argv)
{
	struct tj_options opts;
	struct tj_plugin_set set = {0};
	int list = 0, rc;

	if (argc > 1 && strcmp(argv[1], "new-plugin") == 0) {
		tj_log_setup("tjconv", 0);
		return tj_new_plugin_main(argc - 1, argv + 1);
	}
	tj_options_init(&opts);
	struct tj_strvec stats_argv = {0};
	if (argc > 1 && strcmp(argv[1], "stats") == 0) {
		tj_log_setup("tjconv", 0);
		rc = tj_stats_rewrite(argc, argv, &stats_argv, &opts.describe_only);
		if (rc == TJ_STATS_RUN) {
			argc = (int)stats_argv.n - 1; /* its last element is the NULL ending argv */
			argv = stats_argv.v;
			opts.no_analyzers = 1;
		} else {
			if (rc < 0 && rc != TJ_STATS_ENOMEM)
				tj_error_print(stderr, "tjconv");
			else if (rc < 0)
				fprintf(stderr, "tjconv: error: out of memory\n");
			tj_strvec_release(&stats_argv);
			tj_options_release(&opts);
			return rc == TJ_STATS_DONE ? 0 : rc == TJ_STATS_FAILED ? 1 : 2;
		}
	}
	rc = parse_args(argc, argv, &opts, &list);
	tj_log_setup("tjconv", opts.quiet);
	if (rc == 1) {
		tj_options_release(&opts);
		return 0;
	}
	if (rc == TJ_OK && opts.config)
		rc = tj_config_load(&opts, opts.config);
	tj_log_setup("tjconv", opts.quiet);
	if (rc == TJ_OK && !list)
		rc = check_times(&opts);
	if (rc) {
		tj_error_print(stderr, "tjconv");
		tj_options_release(&opts);
		return 2;
	}
	if (!list && tj_live_is_relay_only(opts.input)) {
		/* tjconv net://HOST[:PORT]: what the relay offers */
		rc = tj_live_list_sessions(opts.input);
		if (rc)
			tj_error_print(stderr, "tjconv");
		tj_options_release(&opts);
		return rc == TJ_OK ? 0 : 1;
	}
	set.allow_unsafe = opts.allow_unsafe_plugins == 1;
	rc = tj_plugin_set_load(&set, opts.plugin_paths, opts.nplugin_paths);
	if (rc == TJ_OK && list) {
		rc = tj_list_plugins(&set, list == 2);
	} else if (rc == TJ_OK) {
		struct tj_run_report report;
		for (size_t i = 0; i < set.nnotes; i++)
			tj_log(TJ_LOG_NOTICE, NULL, "'%s' %s", set.notes[i].path, set.notes[i].message);
		tj_warn_unknown_params(&opts, &set);
		tj_signals_install();
		if (opts.describe_only) {
			rc = tj_run_describe(&opts, &set);
		} else {
			tj_crash_guard(opts.input);
			rc = tj_run_convert(&opts, &set, &report);
		}
		if (rc == TJ_OK && !opts.describe_only) {
			print_summary(&report);
			tj_run_report_release(&report);
		}
	}
	int sig = rc ? tj_signal_caught() : 0;
	if (sig) {
		/* The causes are only the unwinding; the signal is the news. */
		char sbuf[32];
		tj_error_clear();
		fprintf(stderr, "tjconv: interrupted by %s\n", tj_signal_name(sig, sbuf, sizeof(sbuf)));
		tj_signals_announced();
	} else if (rc) {
		tj_error_print(stderr, "tjconv");
	}
	tj_plugin_set_release(&set);
	tj_options_release(&opts);
	tj_strvec_release(&stats_argv);
	if (sig) {
		fflush(stdout);
		tj_signals_die(sig);
		return 128 + sig;
	}
	if (fflush(stdout) != 0 && rc == TJ_OK) {
		fprintf(stderr, "tjconv: error: cannot write to stdout\n");
		return 1;
	}
	return rc == TJ_OK ? 0 : 1;
}
