/*
 * The lifecycle of one conversion, in explicit steps:
 *   select and init plugins -> open the trace and the output -> lookahead
 *   for identities -> start the reader (first timestamp known) -> resolve
 *   the time window -> begin every plugin -> read and dispatch -> finish
 *   (analyzers, then the exporter) -> commit the output.
 * Analyzers see every event up to --end (they need the state built before
 * the window); the exporter sees only events inside the window and filters.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "chunks.h"
#include "error.h"
#include "live.h"
#include "log.h"
#include "output.h"
#include "progress.h"
#include "reader.h"
#include "salvage.h"
#include "run.h"
#include "run_state.h"
#include "sync.h"
#include "timefmt.h"

static int name_in(char *const *v, size_t n, const char *name)
{
	for (size_t i = 0; i < n; i++)
		if (strcmp(v[i], name) == 0)
			return 1;
	return 0;
}

/* The note of a plugin named name that the loader refused, or NULL. */
static const struct tj_plugin_note *refused_note(const struct tj_plugin_set *set, const char *name)
{
	for (size_t i = 0; i < set->nnotes; i++)
		if (set->notes[i].refused && set->notes[i].name &&
		    strcmp(set->notes[i].name, name) == 0)
			return &set->notes[i];
	return NULL;
}

/* Pick the exporter and analyzers, check names the user gave. */
static int select_plugins(struct tj_run *run, struct tj_plugin_set *set)
{
	const struct tj_options *o = run->opts;
	const char *to = o->to ? o->to : "text";

	run->exporter = tj_plugin_set_borrow(set, to);
	if (!run->exporter || run->exporter->desc->kind != TJ_KIND_EXPORTER) {
		struct tj_sbuf names = {0};
		for (size_t i = 0; i < set->nplugins; i++)
			if (set->plugins[i]->desc->kind == TJ_KIND_EXPORTER)
				tj_sbuf_printf(&names, "%s%s", names.len ? ", " : "",
					       set->plugins[i]->desc->name);
		tj_error_append("unknown exporter '%s' (available: %s)", to,
				names.len ? names.data : "none found; see 'tjconv list-plugins'");
		tj_sbuf_release(&names);
		return TJ_EINVAL;
	}
	run->exporter->explicit_wish = 1;
	for (size_t i = 0; i < o->nenabled + o->ndisabled; i++) {
		const char *n = i < o->nenabled ? o->enabled[i] : o->disabled[i - o->nenabled];
		struct tj_plugin *p = tj_plugin_set_borrow(set, n);
		if (!p || p->desc->kind != TJ_KIND_ANALYZER) {
			int from_cfg = o->config && (i < o->nenabled ? i >= o->nenabled_cli
						     : i - o->nenabled >= o->ndisabled_cli);
			const struct tj_plugin_note *note = refused_note(set, n);
			char where[320] = "";
			if (from_cfg)
				snprintf(where, sizeof(where), " in '%s' (%s)", o->config,
					 i < o->nenabled ? "enable" : "disable");
			if (note)
				tj_error_append("analyzer '%s'%s cannot run: '%s' %s", n, where,
						note->path, note->message);
			else if (p)
				tj_error_append("'%s'%s is an exporter, not an analyzer", n, where);
			else
				tj_error_append("unknown analyzer '%s'%s (see 'tjconv list-plugins')", n,
						where);
			return TJ_EINVAL;
		}
	}
	run->analyzers = calloc(set->nplugins ? set->nplugins : 1, sizeof(*run->analyzers));
	if (!run->analyzers)
		return TJ_ENOMEM;
	for (size_t i = 0; i < set->nplugins; i++) {
		struct tj_plugin *p = set->plugins[i];
		if (p->desc->kind != TJ_KIND_ANALYZER || name_in(o->disabled, o->ndisabled, p->desc->name) ||
		    o->no_analyzers == 1)
			continue;
		p->explicit_wish = name_in(o->enabled, o->nenabled, p->desc->name);
		run->analyzers[run->nanalyzers++] = p;
	}
	return TJ_OK;
}

/* Init each chosen plugin.  An analyzer nobody asked for by name that fails
 * to start is dropped with a warning; anything the user named is fatal. */
static int init_plugins(struct tj_run *run)
{
	size_t kept = 0;
	for (size_t i = 0; i < run->nanalyzers + 1; i++) {
		struct tj_plugin *p = tj_run_plugin_at(run, i);
		p->run = run;
		int rc = p->desc->init ? p->desc->init(tj_host_table(), p, &p->state) : TJ_OK;
		if (rc < 0) {
			if (p->explicit_wish || i == run->nanalyzers) {
				tj_error_append("plugin '%s' ('%s') failed to initialize", p->desc->name,
						p->path);
				return rc;
			}
			char why[512];
			size_t n = tj_error_format(why, sizeof(why));
			tj_log(TJ_LOG_WARNING, NULL, "analyzer '%s' ('%s') disabled: init failed%s%s",
			       p->desc->name, p->path, n ? ": " : "", n ? why : "");
			tj_error_clear();
			continue;
		}
		p->initialized = 1;
		if (i < run->nanalyzers)
			run->analyzers[kept++] = p;
	}
	run->nanalyzers = kept;
	return TJ_OK;
}

static int parse_window_spec(const char *opt, const char *text, struct tj_time_spec *spec)
{
	if (tj_time_spec_parse(text, spec)) {
		tj_error_append("invalid %s '%s' (expected HH:MM[:SS[.NNNNNNNNN]], "
				"YYYY-MM-DD HH:MM[:SS[.N]] or SECONDS[.N])", opt, text);
		return TJ_EINVAL;
	}
	return TJ_OK;
}

/* --begin/--end to ns, once the first timestamp (the date of a time of
 * day) is known. */
static int resolve_window(struct tj_run *run, const struct tj_time_spec *b,
			  const struct tj_time_spec *e)
{
	const struct tj_options *o = run->opts;
	int gmt = o->clock_gmt == 1;
	int64_t ref = run->info.first_ts != TJ_TS_NONE ? run->info.first_ts : 0;
	int64_t bts = b ? tj_time_spec_resolve(b, gmt, ref) : TJ_TS_NONE;
	int64_t ets = e ? tj_time_spec_resolve(e, gmt, ref) : TJ_TS_NONE;
	if ((b && bts == TJ_TS_NONE) || (e && ets == TJ_TS_NONE)) {
		tj_error_append("invalid time window: '%s' is out of range",
				b && bts == TJ_TS_NONE ? o->begin : o->end);
		return TJ_EINVAL;
	}
	if (bts != TJ_TS_NONE && ets != TJ_TS_NONE && bts > ets) {
		tj_error_append("invalid time window: --begin '%s' is after --end '%s'", o->begin,
				o->end);
		return TJ_EINVAL;
	}
	run->filt.begin_ts = run->info.begin_ts = bts;
	run->filt.end_ts = run->info.end_ts = ets;
	return TJ_OK;
}

static int begin_plugins(struct tj_run *run)
{
	for (size_t i = 0; i < run->nanalyzers + 1; i++) {
		struct tj_plugin *p = tj_run_plugin_at(run, i);
		int rc = p->desc->begin ? p->desc->begin(p->state, &run->info) : TJ_OK;
		if (rc < 0) {
			tj_error_append("plugin '%s' failed to start", p->desc->name);
			return rc;
		}
		if (i + 1 == run->nanalyzers && (rc = tj_host_collect_models(run)))
			return rc;
	}
	return tj_dispatch_records(run);
}

static int finish_plugins(struct tj_run *run)
{
	for (size_t i = 0; i < run->nanalyzers + 1; i++) {
		struct tj_plugin *p = tj_run_plugin_at(run, i);
		int rc = p->desc->finish ? p->desc->finish(p->state, &run->stats) : TJ_OK;
		if (rc >= 0)
			rc = tj_dispatch_records(run);
		if (rc >= 0 && i + 1 == run->nanalyzers)
			rc = tj_host_collect_models(run);
		if (rc < 0) {
			tj_error_append("plugin '%s' failed to finish", p->desc->name);
			return rc;
		}
	}
	return TJ_OK;
}

static int reader_class(void *ud, struct tj_class *cls)
{
	return tj_dispatch_class(ud, cls);
}

static int reader_event(void *ud, struct tj_class *cls, const struct tj_event *ev)
{
	tj_progress_event();
	return tj_dispatch_event(ud, cls, ev);
}

static int reader_discard(void *ud, const struct tj_discard *d)
{
	return tj_dispatch_discard(ud, d);
}

/* A live run shows what arrived whenever the relay has nothing new. */
static int flush_output(void *ud)
{
	struct tj_run *run = ud;
	return run->out ? tj_output_flush(run->out) : TJ_OK;
}

static int fill_report(struct tj_run *run, const struct tj_reader *reader,
		       struct tj_run_report *report)
{
	size_t n = tj_reader_stream_count(reader);
	report->streams = calloc(n ? n : 1, sizeof(*report->streams));
	if (!report->streams)
		return TJ_ENOMEM;
	for (size_t i = 0; i < n; i++) {
		const struct tj_stream_stats *s = tj_reader_borrow_stream_stats(reader, i);
		report->streams[i] = *s;
		report->streams[i].name = strdup(s->name ? s->name : "?");
		report->nstreams = i + 1;
		if (!report->streams[i].name)
			return TJ_ENOMEM;
		run->stats.backwards += s->backwards;
	}
	report->stats = run->stats;
	return TJ_OK;
}

void tj_run_report_release(struct tj_run_report *report)
{
	for (size_t i = 0; i < report->nstreams; i++)
		free((char *)report->streams[i].name);
	free(report->streams);
	memset(report, 0, sizeof(*report));
}

static void run_release(struct tj_run *run)
{
	for (size_t i = 0; i < run->nanalyzers + 1; i++)
		if (tj_run_plugin_at(run, i))
			tj_host_release_plugin(tj_run_plugin_at(run, i));
	free(run->analyzers);
	free(run->models);
	tj_identity_free(run->identity);
	free(run->ann);
	free(run->ann_view);
	tj_sbuf_release(&run->ann_text);
	tj_record_queue_release(&run->records);
}

int tj_run_convert(const struct tj_options *opts, struct tj_plugin_set *set,
		   struct tj_run_report *report)
{
	struct tj_run run = {.opts = opts};
	struct tj_reader *reader = NULL;
	struct tj_sync *sync = NULL;
	struct tj_time_spec bspec, espec;
	int read_rc = TJ_OK;
	struct tj_reader_callbacks cb = {.ud = &run, .on_class = reader_class,
					 .on_event = reader_event, .on_discard = reader_discard};
	int rc;

	memset(report, 0, sizeof(*report));
	run.stats.size = sizeof(run.stats);
	run.filt = (struct tj_filters){
		.pids = opts->pids, .npids = opts->npids, .tids = opts->tids, .ntids = opts->ntids,
		.comms = opts->comms, .ncomms = opts->ncomms, .annotations = opts->annotations,
		.begin_ts = TJ_TS_NONE, .end_ts = TJ_TS_NONE,
	};
	if ((opts->begin && (rc = parse_window_spec("--begin", opts->begin, &bspec))) ||
	    (opts->end && (rc = parse_window_spec("--end", opts->end, &espec))))
		return rc;
	if ((rc = select_plugins(&run, set)))
		goto out;
	if ((rc = tj_identity_new(&run.identity)))
		goto out;
	if (opts->follow > 0 && !tj_chunks_wanted(opts->input) && !tj_live_is_url(opts->input)) {
		tj_error_append("--follow needs a rotated session folder (one holding archives/) or "
				"a live session, not '%s'", opts->input);
		rc = TJ_EINVAL;
		goto out;
	}
	/* --jobs auto (0 for the reader) unless a number was given; --follow
	 * reads chunk by chunk on one thread */
	uint32_t jobs = opts->jobs >= 1 ? (uint32_t)opts->jobs : opts->follow > 0 ? 1 : 0;
	if ((rc = tj_reader_open_salvage(&reader, opts->input, jobs,
					 opts->strict ? TJ_SALVAGE_STRICT : 0)))
		goto out;
	if (opts->summary == 1) {
		const char *why;
		uint32_t used = tj_reader_jobs(reader, &why);
		tj_log_summary("decoding: %u thread%s (%s)", (unsigned)used, used == 1 ? "" : "s", why);
	}
	tj_reader_set_follow(reader, opts->follow > 0);
	if ((rc = tj_output_open(&run.out, opts->output, TJ_OUTPUT_COMPRESS_AUTO)))
		goto out;
	/* Live or following: Ctrl-C (or SIGTERM) ends the run with the output
	 * finished, not removed (installed after the output opened, so that it
	 * is this handler that runs; the previous one comes back at the end). */
	if (tj_live_is_url(opts->input) || opts->follow > 0)
		tj_live_catch_stop();
	if ((rc = init_plugins(&run)))
		goto out;
	/* --sync: the clock transforms, before the reader reads a time.  Its
	 * prescan reads the whole input first, which a live session or a
	 * followed folder does not have yet: they are read as recorded. */
	if (opts->sync != 0 && !tj_reader_is_live(reader) && opts->follow <= 0 &&
	    (rc = tj_sync_prepare(&sync, opts->input, jobs,
				  opts->summary == 1)))
		goto out;
	if (sync) {
		size_t n;
		const struct tj_clock_xform *xf = tj_sync_borrow_xforms(sync, &n);
		if ((rc = tj_reader_set_clock_xforms(reader, xf, n)))
			goto out;
	}
	/* Learn identities ahead: in the reader's own start when it can, else
	 * (--jobs) with a reader of its own. */
	if (tj_reader_set_lookahead(reader, tj_identity_lookahead, run.identity) != TJ_OK &&
	    !tj_reader_is_live(reader) && (rc = tj_identity_prescan(run.identity, opts->input)))
		goto out;
	if (tj_reader_is_live(reader) || opts->follow > 0)
		tj_reader_set_live_flush(reader, flush_output, &run);
	/* A live session lost before its first event: an empty finished output. */
	if ((rc = read_rc = tj_reader_start(reader)) && !tj_reader_is_live(reader))
		goto out;
	tj_identity_lookahead_done(run.identity);
	run.info = *tj_reader_borrow_info(reader);
	if ((rc = resolve_window(&run, opts->begin ? &bspec : NULL, opts->end ? &espec : NULL)))
		goto out;
	if ((rc = begin_plugins(&run)))
		goto out;
	tj_progress_start(opts->progress, opts->input);
	if (read_rc == TJ_OK)
		read_rc = tj_reader_run(reader, &cb, run.filt.end_ts);
	tj_progress_stop();
	/* A live session lost midway still gets a finished output of what
	 * arrived; the run fails afterwards with the reader's cause. */
	if ((rc = read_rc) && !tj_reader_is_live(reader))
		goto out;
	if ((rc = fill_report(&run, reader, report)))
		goto out;
	if ((rc = finish_plugins(&run)))
		goto out;
	if (run.stats.events && !run.stats.events_exported &&
	    (run.filt.begin_ts != TJ_TS_NONE || run.filt.end_ts != TJ_TS_NONE))
		tj_log(TJ_LOG_NOTICE, NULL,
		       "no event inside the time window%s%s%s%s%s (%llu events read); the output "
		       "holds none", opts->begin ? " --begin '" : "", opts->begin ? opts->begin : "",
		       opts->begin ? "'" : "", opts->end ? " --end '" : "",
		       opts->end ? opts->end : "", (unsigned long long)run.stats.events);
	if (tj_live_stop_requested())
		tj_log(TJ_LOG_NOTICE, NULL, "stopped on request after %llu events; the output "
		       "holds everything read until then", (unsigned long long)run.stats.events);
	struct tj_output *out = run.out;
	run.out = NULL;
	rc = tj_output_commit(out);
	if (rc == TJ_OK && read_rc)
		rc = read_rc;
out:
	tj_live_release_stop();
	if (run.out)
		tj_output_abort(run.out);
	if (rc)
		tj_run_report_release(report);
	tj_reader_free(reader);
	tj_sync_free(sync);
	run_release(&run);
	return rc;
}

int tj_run_describe(const struct tj_options *opts, struct tj_plugin_set *set)
{
	struct tj_run run = {.opts = opts};
	int rc;

	run.stats.size = sizeof(run.stats);
	if ((rc = select_plugins(&run, set)))
		goto out;
	run.nanalyzers = 0;
	if ((rc = tj_output_open(&run.out, opts->output, TJ_OUTPUT_COMPRESS_AUTO)))
		goto out;
	if ((rc = init_plugins(&run)))
		goto out;
	struct tj_plugin *p = run.exporter;
	rc = p->desc->finish ? p->desc->finish(p->state, &run.stats) : TJ_OK;
	if (rc < 0) {
		tj_error_append("plugin '%s' failed to finish", p->desc->name);
		goto out;
	}
	struct tj_output *out = run.out;
	run.out = NULL;
	rc = tj_output_commit(out);
out:
	if (run.out)
		tj_output_abort(run.out);
	run_release(&run);
	return rc;
}
