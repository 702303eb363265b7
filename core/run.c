/*
 * The conversion run: wires the reader to the plugins.
 *
 * Analyzers see every event up to --end (they need the state built before
 * the window: fd tables, thread names); the exporter sees only events inside
 * the window that pass --pid/--tid/--comm, and records that overlap it.
 * Dispatch lists are built once per event class; per event the core walks a
 * short array.  Annotations are collected in one buffer reused for every
 * event, so the hot path does not allocate.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "error.h"
#include "fields.h"
#include "imap.h"
#include "output.h"
#include "reader.h"
#include "run.h"
#include "sbuf.h"
#include "timefmt.h"

struct ann_slot {
	const char *plugin;
	size_t offset; /* into tj_run.ann_text */
};

/* What an analyzer said runs on a CPU (tj_host.cpu_thread). */
struct cpu_thread {
	int32_t tid, pid;
	char comm[24];
};

struct tj_run {
	const struct tj_options *opts;
	struct tj_plugin_set *set;
	struct tj_plugin **analyzers;
	size_t nanalyzers;
	struct tj_plugin *exporter;
	struct tj_output *out;
	struct tj_reader *reader;

	struct tj_time_spec begin_spec, end_spec;
	int has_begin, has_end;
	int64_t begin_ts, end_ts;
	int began;
	struct tj_trace_info info;

	struct ann_slot *ann;
	size_t nann, cap_ann;
	struct tj_sbuf ann_text;
	struct tj_annotation *ann_view;
	size_t cap_view;

	struct cpu_thread *cpus;
	uint32_t ncpus;
	struct imap comm_of_tid; /* --comm: tid -> char * from THREAD_NAME records */

	struct tj_run_stats stats;
	struct tj_sbuf scratch;
};

static struct tj_run *run_of(struct tj_plugin *p)
{
	return p->run;
}

/* ------------------------------------------------------------------ */
/* host functions                                                      */

static void host_log(struct tj_plugin *self, enum tj_log_level level, const char *fmt, ...)
{
	static const char *const names[] = {"debug", "info", "notice", "warning", "error"};
	va_list ap;
	if (level < TJ_LOG_WARNING && (level < TJ_LOG_NOTICE || run_of(self)->opts->quiet == 1))
		return;
	fprintf(stderr, "tjconv: %s: %s: ", self->desc->name,
		names[level <= TJ_LOG_ERROR ? level : TJ_LOG_ERROR]);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

static void host_error(struct tj_plugin *self, const char *fmt, ...)
{
	char msg[512];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	tj_error_append("%s", msg);
}

/* Run-wide options plugins may ask for without a plugin-specific param. */
static const char *derived_param(const struct tj_options *o, const char *key)
{
	struct {
		const char *key;
		int value;
	} flags[] = {
		{"clock-gmt", o->clock_gmt},
		{"clock-seconds", o->clock_seconds},
		{"clock-relative", o->clock_relative},
		{"annotations", o->annotations},
	};
	for (size_t i = 0; i < sizeof(flags) / sizeof(flags[0]); i++)
		if (strcmp(key, flags[i].key) == 0)
			return flags[i].value == 1 ? "true" : flags[i].value == 0 ? "false" : NULL;
	return NULL;
}

static const char *host_param(struct tj_plugin *self, const char *key)
{
	const struct tj_options *o = run_of(self)->opts;
	const char *v = tj_options_borrow_param(o, self->desc->name, key);
	return v ? v : derived_param(o, key);
}

static int host_sbuf_append(struct tj_sbuf *sb, const char *data, size_t len)
{
	return tj_sbuf_append(sb, data, len);
}

static int host_sbuf_printf(struct tj_sbuf *sb, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	int rc = tj_sbuf_vprintf(sb, fmt, ap);
	va_end(ap);
	return rc;
}

static int host_annotate(struct tj_plugin *self, const struct tj_event *ev, const char *text)
{
	struct tj_run *run = run_of(self);
	(void)ev;
	if (run->nann == run->cap_ann) {
		size_t cap = run->cap_ann ? run->cap_ann * 2 : 8;
		struct ann_slot *v = realloc(run->ann, cap * sizeof(*v));
		if (!v)
			return TJ_ENOMEM;
		run->ann = v;
		run->cap_ann = cap;
	}
	run->ann[run->nann].plugin = self->desc->name;
	run->ann[run->nann].offset = run->ann_text.len;
	if (tj_sbuf_append(&run->ann_text, text, strlen(text) + 1))
		return TJ_ENOMEM;
	run->nann++;
	return TJ_OK;
}

static int in_list_i(const int64_t *v, size_t n, int64_t x)
{
	for (size_t i = 0; i < n; i++)
		if (v[i] == x)
			return 1;
	return 0;
}

static int comm_listed(const struct tj_options *o, const char *comm)
{
	for (size_t i = 0; comm && i < o->ncomms; i++)
		if (strcmp(o->comms[i], comm) == 0)
			return 1;
	return 0;
}

static int record_passes(const struct tj_run *run, const struct tj_record *rec)
{
	const struct tj_options *o = run->opts;
	if (rec->kind == TJ_REC_PROCESS_NAME || rec->kind == TJ_REC_THREAD_NAME)
		return 1;
	if (run->begin_ts != TJ_TS_NONE && rec->ts + (rec->dur > 0 ? rec->dur : 0) < run->begin_ts)
		return 0;
	if (run->end_ts != TJ_TS_NONE && rec->ts > run->end_ts)
		return 0;
	int on_thread = rec->track == TJ_TRACK_THREAD || rec->track == TJ_TRACK_THREAD_STATE;
	if (on_thread && o->npids && !in_list_i(o->pids, o->npids, rec->pid))
		return 0;
	if (on_thread && o->ntids && !in_list_i(o->tids, o->ntids, rec->tid))
		return 0;
	if (on_thread && o->ncomms && !comm_listed(o, imap_get(&run->comm_of_tid, rec->tid)))
		return 0;
	return 1;
}

static int host_wants_record(struct tj_plugin *self, const struct tj_record *rec)
{
	return record_passes(run_of(self), rec);
}

static int host_emit(struct tj_plugin *self, const struct tj_record *rec)
{
	struct tj_run *run = run_of(self);
	struct tj_plugin *ex = run->exporter;
	if (rec->kind == TJ_REC_THREAD_NAME && run->opts->ncomms && rec->name) {
		char *copy = strdup(rec->name);
		char *old = imap_get(&run->comm_of_tid, rec->tid);
		if (!copy || imap_put(&run->comm_of_tid, rec->tid, copy)) {
			free(copy);
			return TJ_ENOMEM;
		}
		free(old);
	}
	if (!ex || !ex->desc->on_record || !record_passes(run, rec))
		return TJ_OK;
	int rc = ex->desc->on_record(ex->state, rec);
	if (rc)
		tj_error_append("exporter '%s' failed on a record from '%s'", ex->desc->name,
				self->desc->name);
	return rc;
}

static int host_cpu_thread(struct tj_plugin *self, int32_t cpu, int32_t tid, int32_t pid,
			   const char *comm)
{
	struct tj_run *run = run_of(self);
	if (cpu < 0 || cpu >= 4096)
		return TJ_OK;
	if ((uint32_t)cpu >= run->ncpus) {
		struct cpu_thread *v = realloc(run->cpus, ((size_t)cpu + 1) * sizeof(*v));
		if (!v)
			return TJ_ENOMEM;
		for (uint32_t i = run->ncpus; i <= (uint32_t)cpu; i++)
			v[i] = (struct cpu_thread){.tid = -1, .pid = -1};
		run->cpus = v;
		run->ncpus = (uint32_t)cpu + 1;
	}
	struct cpu_thread *c = &run->cpus[cpu];
	c->tid = tid;
	c->pid = pid;
	snprintf(c->comm, sizeof(c->comm), "%s", comm ? comm : "");
	return TJ_OK;
}

static int host_write(struct tj_plugin *self, const void *data, size_t len)
{
	return tj_output_write(run_of(self)->out, data, len);
}

static const struct tj_host host_table = {
	.size = sizeof(struct tj_host),
	.abi_major = TJ_ABI_MAJOR,
	.abi_minor = TJ_ABI_MINOR,
	.log = host_log,
	.error = host_error,
	.param = host_param,
	.field_lookup = tj_fields_lookup,
	.field_int = tj_fields_int,
	.field_uint = tj_fields_uint,
	.field_str = tj_fields_str,
	.field_len = tj_fields_len,
	.field_elem_uint = tj_fields_elem_uint,
	.format_fields = tj_fields_format,
	.sbuf_append = host_sbuf_append,
	.sbuf_printf = host_sbuf_printf,
	.sbuf_release = tj_sbuf_release,
	.annotate = host_annotate,
	.emit = host_emit,
	.write = host_write,
	.wants_record = host_wants_record,
	.field_count = tj_fields_count,
	.field_name = tj_fields_name,
	.cpu_thread = host_cpu_thread,
};

/* ------------------------------------------------------------------ */
/* dispatch                                                            */

static int subscribes(const struct tj_plugin_desc *d, const char *name)
{
	if (!d->subscriptions)
		return 0;
	for (const char *const *s = d->subscriptions; *s; s++) {
		size_t n = strlen(*s);
		if (n > 0 && (*s)[n - 1] == '*') {
			if (strncmp(name, *s, n - 1) == 0)
				return 1;
		} else if (strcmp(name, *s) == 0) {
			return 1;
		}
	}
	return 0;
}

static int ensure_begun(struct tj_run *run);

static int on_class(void *ud, struct tj_class *cls)
{
	struct tj_run *run = ud;
	size_t cap = run->nanalyzers + 1;
	int rc = ensure_begun(run);
	if (rc)
		return rc;
	cls->subscribers = calloc(cap, sizeof(*cls->subscribers));
	if (!cls->subscribers)
		return TJ_ENOMEM;
	for (size_t i = 0; i < run->nanalyzers + 1; i++) {
		struct tj_plugin *p = i < run->nanalyzers ? run->analyzers[i] : run->exporter;
		if (!p || !subscribes(p->desc, cls->pub.name))
			continue;
		struct tj_subscriber *s = &cls->subscribers[cls->nsubscribers];
		s->plugin = p;
		if (p->desc->on_class) {
			rc = p->desc->on_class(p->state, &cls->pub, &s->class_data);
			if (rc) {
				tj_error_append("plugin '%s' failed on event class '%s'", p->desc->name,
						cls->pub.name);
				return rc;
			}
		}
		cls->nsubscribers++;
		if (i < run->nanalyzers)
			cls->nanalyzers = cls->nsubscribers;
	}
	cls->dispatch_ready = 1;
	return TJ_OK;
}

static int event_passes_filters(const struct tj_run *run, const struct tj_event *ev)
{
	const struct tj_options *o = run->opts;
	if (o->npids && !in_list_i(o->pids, o->npids, ev->pid))
		return 0;
	if (o->ntids && !in_list_i(o->tids, o->ntids, ev->tid))
		return 0;
	if (o->ncomms) {
		size_t i;
		for (i = 0; ev->procname && i < o->ncomms; i++)
			if (strcmp(o->comms[i], ev->procname) == 0)
				break;
		if (!ev->procname || i == o->ncomms)
			return 0;
	}
	return 1;
}

static int on_event(void *ud, struct tj_class *cls, const struct tj_event *ev)
{
	struct tj_run *run = ud;
	struct tj_subscriber *s = cls->subscribers;
	struct tj_event view;
	char comm[sizeof(((struct cpu_thread *)0)->comm)];
	int rc;

	run->stats.events++;
	if (cls->nsubscribers == 0)
		return TJ_OK;
	/* The thread running on the CPU *before* this event (a sched_switch
	 * belongs to the thread it switches out). */
	view = *ev;
	if (view.tid < 0 && view.cpu >= 0 && (uint32_t)view.cpu < run->ncpus &&
	    run->cpus[view.cpu].tid >= 0) {
		const struct cpu_thread *c = &run->cpus[view.cpu];
		view.tid = c->tid;
		view.pid = c->pid;
		/* Copied: the analyzers may change the CPU's thread below. */
		memcpy(comm, c->comm, sizeof(comm));
		view.procname = comm[0] ? comm : NULL;
	}
	run->nann = 0;
	run->ann_text.len = 0;
	for (uint32_t i = 0; i < cls->nanalyzers; i++) {
		rc = s[i].plugin->desc->on_event(s[i].plugin->state, ev, s[i].class_data);
		if (rc) {
			tj_error_append("analyzer '%s' failed on event '%s'", s[i].plugin->desc->name,
					cls->pub.name);
			return rc;
		}
	}
	if (cls->nsubscribers == cls->nanalyzers)
		return TJ_OK;
	if (ev->ts != TJ_TS_NONE &&
	    ((run->begin_ts != TJ_TS_NONE && ev->ts < run->begin_ts) ||
	     (run->end_ts != TJ_TS_NONE && ev->ts > run->end_ts)))
		return TJ_OK;
	if (!event_passes_filters(run, &view))
		return TJ_OK;
	run->stats.events_exported++;
	struct tj_plugin *ex = s[cls->nanalyzers].plugin;
	if (run->nann && run->opts->annotations != 0) {
		if (run->nann > run->cap_view) {
			struct tj_annotation *v = realloc(run->ann_view, run->nann * sizeof(*v));
			if (!v)
				return TJ_ENOMEM;
			run->ann_view = v;
			run->cap_view = run->nann;
		}
		for (size_t i = 0; i < run->nann; i++) {
			run->ann_view[i].plugin = run->ann[i].plugin;
			run->ann_view[i].text = run->ann_text.data + run->ann[i].offset;
		}
		view.annotations = run->ann_view;
		view.nannotations = (uint32_t)run->nann;
	}
	rc = ex->desc->on_event(ex->state, &view, s[cls->nanalyzers].class_data);
	if (rc)
		tj_error_append("exporter '%s' failed on event '%s'", ex->desc->name, cls->pub.name);
	return rc;
}

static int on_discard(void *ud, const struct tj_discard *d)
{
	struct tj_run *run = ud;
	int rc = ensure_begun(run);
	if (rc)
		return rc;
	if (d->is_packets) {
		run->stats.discarded_packets += d->count == UINT64_MAX ? 1 : d->count;
	} else {
		run->stats.discarded_event_reports++;
		if (d->count != UINT64_MAX)
			run->stats.discarded_events += d->count;
	}
	for (size_t i = 0; i < run->nanalyzers; i++) {
		struct tj_plugin *p = run->analyzers[i];
		if (p->desc->on_discard && (rc = p->desc->on_discard(p->state, d)))
			return rc;
	}
	struct tj_plugin *ex = run->exporter;
	int64_t b = d->begin_ts, e = d->end_ts != TJ_TS_NONE ? d->end_ts : d->begin_ts;
	if (e != TJ_TS_NONE && run->begin_ts != TJ_TS_NONE && e < run->begin_ts)
		return TJ_OK;
	if (b != TJ_TS_NONE && run->end_ts != TJ_TS_NONE && b > run->end_ts)
		return TJ_OK;
	if (ex->desc->on_discard && (rc = ex->desc->on_discard(ex->state, d)))
		tj_error_append("exporter '%s' failed on discarded events", ex->desc->name);
	return rc;
}

/* ------------------------------------------------------------------ */
/* lifecycle                                                           */

/* Called once the reader is started (the first timestamp is known). */
static int ensure_begun(struct tj_run *run)
{
	if (run->began)
		return TJ_OK;
	run->began = 1;
	run->info = *tj_reader_borrow_info(run->reader);
	int gmt = run->opts->clock_gmt == 1;
	int64_t ref = run->info.first_ts != TJ_TS_NONE ? run->info.first_ts : 0;
	run->begin_ts = run->has_begin ? tj_time_spec_resolve(&run->begin_spec, gmt, ref) : TJ_TS_NONE;
	run->end_ts = run->has_end ? tj_time_spec_resolve(&run->end_spec, gmt, ref) : TJ_TS_NONE;
	if ((run->has_begin && run->begin_ts == TJ_TS_NONE) ||
	    (run->has_end && run->end_ts == TJ_TS_NONE)) {
		tj_error_append("invalid time window: '%s' is out of range",
				run->has_begin && run->begin_ts == TJ_TS_NONE ? run->opts->begin
									      : run->opts->end);
		return TJ_EINVAL;
	}
	if (run->begin_ts != TJ_TS_NONE && run->end_ts != TJ_TS_NONE && run->begin_ts > run->end_ts) {
		tj_error_append("invalid time window: --begin '%s' is after --end '%s'",
				run->opts->begin, run->opts->end);
		return TJ_EINVAL;
	}
	run->info.begin_ts = run->begin_ts;
	run->info.end_ts = run->end_ts;
	for (size_t i = 0; i < run->nanalyzers + 1; i++) {
		struct tj_plugin *p = i < run->nanalyzers ? run->analyzers[i] : run->exporter;
		if (p->desc->begin) {
			int rc = p->desc->begin(p->state, &run->info);
			if (rc) {
				tj_error_append("plugin '%s' failed to start", p->desc->name);
				return rc;
			}
		}
	}
	return TJ_OK;
}

static int name_in(char *const *v, size_t n, const char *name)
{
	for (size_t i = 0; i < n; i++)
		if (strcmp(v[i], name) == 0)
			return 1;
	return 0;
}

/* Pick the exporter and analyzers, check names the user gave. */
static int select_plugins(struct tj_run *run)
{
	const struct tj_options *o = run->opts;
	const char *to = o->to ? o->to : "text";
	struct tj_plugin_set *set = run->set;

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
			tj_error_append("unknown analyzer '%s' (see 'tjconv list-plugins')", n);
			return TJ_EINVAL;
		}
	}
	run->analyzers = calloc(set->nplugins ? set->nplugins : 1, sizeof(*run->analyzers));
	if (!run->analyzers)
		return TJ_ENOMEM;
	for (size_t i = 0; i < set->nplugins; i++) {
		struct tj_plugin *p = set->plugins[i];
		if (p->desc->kind != TJ_KIND_ANALYZER || name_in(o->disabled, o->ndisabled, p->desc->name))
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
		struct tj_plugin *p = i < run->nanalyzers ? run->analyzers[i] : run->exporter;
		p->run = run;
		int rc = p->desc->init ? p->desc->init(&host_table, p, &p->state) : TJ_OK;
		if (rc) {
			if (p->explicit_wish || i == run->nanalyzers) {
				tj_error_append("plugin '%s' ('%s') failed to initialize", p->desc->name,
						p->path);
				return rc;
			}
			char why[512];
			size_t n = tj_error_format(why, sizeof(why));
			fprintf(stderr, "tjconv: warning: analyzer '%s' ('%s') disabled: init failed%s%s\n",
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

static void print_summary(struct tj_run *run)
{
	size_t n = tj_reader_stream_count(run->reader);
	if (run->stats.discarded_event_reports || run->stats.discarded_packets) {
		fprintf(stderr, "tjconv: warning: the tracer discarded %llu events",
			(unsigned long long)run->stats.discarded_events);
		if (run->stats.discarded_packets)
			fprintf(stderr, " and %llu packets",
				(unsigned long long)run->stats.discarded_packets);
		fprintf(stderr, " (%llu events read)\n", (unsigned long long)run->stats.events);
		for (size_t i = 0; i < n; i++) {
			const struct tj_stream_stats *s = tj_reader_borrow_stream_stats(run->reader, i);
			if (!s->discarded_event_reports && !s->discarded_packets)
				continue;
			fprintf(stderr, "tjconv:   stream '%s' (cpu %d): %llu events discarded in %llu "
					"report(s), %llu packets discarded\n",
				s->name, (int)s->cpu, (unsigned long long)s->discarded_events,
				(unsigned long long)s->discarded_event_reports,
				(unsigned long long)s->discarded_packets);
		}
	}
	for (size_t i = 0; i < n; i++) {
		const struct tj_stream_stats *s = tj_reader_borrow_stream_stats(run->reader, i);
		run->stats.backwards += s->backwards;
		if (s->backwards)
			fprintf(stderr, "tjconv: warning: time went backwards %llu times in stream '%s'; "
					"those events were kept in stream order\n",
				(unsigned long long)s->backwards, s->name);
	}
}

static int finish_plugins(struct tj_run *run)
{
	for (size_t i = 0; i < run->nanalyzers + 1; i++) {
		struct tj_plugin *p = i < run->nanalyzers ? run->analyzers[i] : run->exporter;
		if (p->desc->finish) {
			int rc = p->desc->finish(p->state, &run->stats);
			if (rc) {
				tj_error_append("plugin '%s' failed to finish", p->desc->name);
				return rc;
			}
		}
	}
	return TJ_OK;
}

int tj_run_convert(const struct tj_options *opts, struct tj_plugin_set *set)
{
	struct tj_run run = {.opts = opts, .set = set};
	struct tj_reader_callbacks cb = {.ud = &run, .on_class = on_class, .on_event = on_event,
					 .on_discard = on_discard};
	int rc;

	run.stats.size = sizeof(run.stats);
	run.begin_ts = run.end_ts = TJ_TS_NONE;
	if (opts->begin) {
		if (tj_time_spec_parse(opts->begin, &run.begin_spec)) {
			tj_error_append("invalid --begin '%s' (expected HH:MM[:SS[.NNNNNNNNN]], "
					"YYYY-MM-DD HH:MM[:SS[.N]] or SECONDS[.N])", opts->begin);
			return TJ_EINVAL;
		}
		run.has_begin = 1;
	}
	if (opts->end) {
		if (tj_time_spec_parse(opts->end, &run.end_spec)) {
			tj_error_append("invalid --end '%s' (expected HH:MM[:SS[.NNNNNNNNN]], "
					"YYYY-MM-DD HH:MM[:SS[.N]] or SECONDS[.N])", opts->end);
			return TJ_EINVAL;
		}
		run.has_end = 1;
	}
	rc = select_plugins(&run);
	if (rc)
		goto out;
	rc = tj_reader_open_jobs(&run.reader, opts->input, opts->jobs > 1 ? (uint32_t)opts->jobs : 1);
	if (rc)
		goto out;
	rc = tj_output_open(&run.out, opts->output, TJ_OUTPUT_COMPRESS_AUTO);
	if (rc)
		goto out;
	rc = init_plugins(&run);
	if (rc)
		goto out;
	rc = tj_reader_start(run.reader);
	if (rc == TJ_OK)
		rc = ensure_begun(&run);
	if (rc == TJ_OK)
		rc = tj_reader_run(run.reader, &cb, run.end_ts);
	if (rc == TJ_OK)
		rc = finish_plugins(&run);
	if (rc == TJ_OK) {
		struct tj_output *out = run.out;
		run.out = NULL;
		rc = tj_output_commit(out);
	}
	if (rc == TJ_OK)
		print_summary(&run);
out:
	if (run.out)
		tj_output_abort(run.out);
	tj_reader_free(run.reader);
	free(run.analyzers);
	free(run.cpus);
	{
		size_t it = 0;
		void *v;
		while ((v = imap_next(&run.comm_of_tid, &it, NULL)))
			free(v);
		imap_release(&run.comm_of_tid);
	}
	free(run.ann);
	free(run.ann_view);
	tj_sbuf_release(&run.ann_text);
	tj_sbuf_release(&run.scratch);
	return rc;
}
