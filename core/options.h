/*
 * What the user asked for, from the command line and the --config file.
 * The command line is parsed first; the config file then fills only what
 * the command line left unset (a command-line option beats the file).
 */
#ifndef TJ_CORE_OPTIONS_H
#define TJ_CORE_OPTIONS_H

#include <stddef.h>
#include <stdint.h>

struct tj_param {
	char *plugin; /* plugin name */
	char *key;
	char *value;
};

#define TJ_JOBS_AUTO (-1) /* --jobs auto: the reader chooses (jobs_auto.h) */

struct tj_options {
	char *input;          /* TRACE_DIR */
	char *to;             /* exporter name (default "text") */
	char *output;         /* -o; NULL for stdout */
	char *config;         /* --config FILE */
	char *begin, *end;    /* raw --begin / --end text */
	int clock_gmt;        /* -1 unset, else 0/1 */
	int clock_seconds;    /* -1 unset, else 0/1 */
	int clock_relative;   /* -1 unset, else 0/1 */
	int annotations;      /* -1 unset, else 0/1 (--no-annotations sets 0) */
	int jobs;             /* 0 unset, TJ_JOBS_AUTO (the default), else 1 to 256 */
	int quiet;            /* -1 unset */
	int summary;          /* -1 unset, 1: analyzers print their summaries */
	int strict;           /* --strict: a torn stream file is an error, not salvaged */
	int allow_unsafe_plugins; /* --allow-unsafe-plugins: no folder/file mode check */
	char *events;         /* --events all|unanalyzed|none (exporters); NULL unset */
	int sync;             /* --sync: -1 unset (auto), 0 off, 1 auto */
	int follow;           /* --follow: a rotated session's new chunks too */
	int progress;         /* -1 auto (stderr a terminal, run over ~1 s), 0 never, 1 always,
				 2 LAMI progress lines on stdout */
	int no_analyzers;     /* 1: the exporter runs alone (tjconv stats) */
	int describe_only;    /* 1: no trace; the exporter describes itself (stats --metadata) */

	char **plugin_paths;  /* --plugin-path, in order */
	size_t nplugin_paths;
	char **disabled;      /* analyzers not to run (--disable NAME) */
	size_t ndisabled;
	char **enabled;       /* analyzers to run even if off by default */
	size_t nenabled;
	/* how many of enabled/disabled the command line gave: the rest came
	 * from the config file (errors about them name it) */
	size_t nenabled_cli, ndisabled_cli;
	struct tj_param *params; /* --param NAME.KEY=VALUE */
	size_t nparams;

	int64_t *pids, *tids; /* --pid / --tid filters */
	size_t npids, ntids;
	char **comms;         /* --comm filters */
	size_t ncomms;
};

/* Every string and array in the struct is a malloc'd copy owned by it (the
 * CLI must store copies too); release frees them all and leaves o as init
 * does (strings NULL, flags -1, jobs 0). */
void tj_options_init(struct tj_options *o);
void tj_options_release(struct tj_options *o);

/* Appenders used by both the CLI and the config file; return TJ_OK/TJ_ENOMEM. */
int tj_options_add_string(char ***vec, size_t *n, const char *s);
int tj_options_add_int(int64_t **vec, size_t *n, int64_t v);
/* Adds or replaces (plugin, key). */
/* --analysis FILE: one more line in the "analysis" plugin's `files`
 * parameter, and that analyzer enabled (its failures are fatal). */
int tj_options_add_analysis(struct tj_options *o, const char *file);
int tj_options_set_param(struct tj_options *o, const char *plugin, const char *key,
			 const char *value);
/* 1 when s is a value of --events (all, unanalyzed, none). */
int tj_options_events_valid(const char *s);
/* NULL when unset. */
/* Append VALUE to the param, SEP between values (--pcap: a list of files,
 * newline-separated since a newline cannot be in a path the user typed). */
int tj_options_append_param(struct tj_options *o, const char *plugin, const char *key,
			    const char *value, char sep);
const char *tj_options_borrow_param(const struct tj_options *o, const char *plugin,
				    const char *key);

/*
 * Merge a YAML config file into o, filling only what is unset (lists from
 * the file are appended after those from the command line; a param already
 * set on the command line is kept).  Errors name the file, line and column:
 * "'cfg.yaml':3:5: expected a mapping".  Schema in doc/config.md.
 */
int tj_config_load(struct tj_options *o, const char *path);

#endif
