/*
 * The host function table handed to every plugin (struct tj_host): logging,
 * errors, parameters, field access, string buffers, time formatting,
 * annotations, record emission and output.  Each function only records or
 * reads; none calls into another plugin (records are queued, see
 * record_queue.h), so the data flow stays one way.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "error.h"
#include "fields.h"
#include "log.h"
#include "run_state.h"
#include "timefmt.h"

static struct tj_run *run_of(struct tj_plugin *p)
{
	return p->run;
}

static void host_log(struct tj_plugin *self, enum tj_log_level level, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	tj_vlog(level, self->desc->name, fmt, ap);
	va_end(ap);
}

static void host_error(struct tj_plugin *self, const char *fmt, ...)
{
	va_list ap;
	(void)self;
	va_start(ap, fmt);
	tj_error_vappend(fmt, ap);
	va_end(ap);
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
		{"summary", o->summary},
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
	if (!v && o->events && strcmp(key, "events") == 0)
		return o->events;
	return v ? v : derived_param(o, key);
}

static enum tj_status host_format_fields(const struct tj_event *ev, struct tj_sbuf *sb)
{
	return (enum tj_status)tj_fields_format(ev, sb);
}

static size_t host_format_time(struct tj_plugin *self, int64_t ts, unsigned style, char *buf,
			       size_t cap)
{
	int gmt = (style & TJ_TIME_GMT) != 0;
	switch (style & 0xff) {
	case TJ_TIME_SECONDS:
		return tj_time_format_seconds(buf, cap, ts);
	case TJ_TIME_DELTA:
		return tj_time_format_delta(buf, cap, ts);
	case TJ_TIME_CLOCK:
	case TJ_TIME_DATE: {
		/* localtime_r only when the second changes: this runs per event. */
		struct tj_clock_cache *c = self->clock_cache[gmt];
		if (!c) {
			c = malloc(sizeof(*c));
			if (!c)
				return (style & 0xff) == TJ_TIME_DATE ? tj_time_format_date(buf, cap, ts, gmt)
								      : tj_time_format_clock(buf, cap, ts, gmt);
			tj_clock_cache_init(c, gmt);
			self->clock_cache[gmt] = c;
		}
		return tj_clock_cache_format(c, buf, cap, ts, (style & 0xff) == TJ_TIME_DATE);
	}
	default:
		if (cap)
			buf[0] = '\0';
		return 0;
	}
}

static struct tj_sbuf *host_sbuf_new(void)
{
	return calloc(1, sizeof(struct tj_sbuf));
}

static void host_sbuf_free(struct tj_sbuf *sb)
{
	if (sb)
		tj_sbuf_release(sb);
	free(sb);
}

static enum tj_status host_sbuf_append(struct tj_sbuf *sb, const char *data, size_t len)
{
	return (enum tj_status)tj_sbuf_append(sb, data, len);
}

static enum tj_status host_sbuf_printf(struct tj_sbuf *sb, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	int rc = tj_sbuf_vprintf(sb, fmt, ap);
	va_end(ap);
	return (enum tj_status)rc;
}

static const char *host_sbuf_data(const struct tj_sbuf *sb)
{
	return sb->data ? sb->data : "";
}

static size_t host_sbuf_len(const struct tj_sbuf *sb)
{
	return sb->len;
}

static void host_sbuf_truncate(struct tj_sbuf *sb, size_t len)
{
	if (len < sb->len) {
		sb->len = len;
		sb->data[len] = '\0';
	}
}

static enum tj_status host_annotate(struct tj_plugin *self, const struct tj_event *ev,
				    const char *text)
{
	struct tj_run *run = run_of(self);
	(void)ev;
	if (!run)
		return TJ_OK; /* fini after a failed run: nobody reads it any more */
	if (run->nann == run->cap_ann) {
		size_t cap = run->cap_ann ? run->cap_ann * 2 : 8;
		struct tj_ann_slot *v = realloc(run->ann, cap * sizeof(*v));
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

static enum tj_status host_emit(struct tj_plugin *self, const struct tj_record *rec)
{
	struct tj_run *run = run_of(self);
	/* fini after a failed run (interrupted, a write failed): the run and
	 * its exporter are gone, the record has nowhere to go. */
	if (!run)
		return TJ_OK;
	const struct tj_plugin *ex = run->exporter;
	/* Nobody renders records: nothing to keep. */
	if (!ex || !ex->desc->on_record)
		return TJ_OK;
	/* 2.2: an exporter that renders only some categories (text: the
	 * capture lines) does not pay for copying the others */
	const struct tj_plugin_desc *d = ex->desc;
	if (d->size >= offsetof(struct tj_plugin_desc, record_categories) + sizeof(d->record_categories) &&
	    d->record_categories) {
		const char *const *c = d->record_categories;
		while (*c && (!rec->category || strcmp(*c, rec->category) != 0))
			c++;
		if (!*c)
			return TJ_OK;
	}
	return (enum tj_status)tj_record_queue_push(&run->records, rec, run->cur_trace,
						    self->desc->name);
}

static enum tj_status host_write(struct tj_plugin *self, const void *data, size_t len)
{
	struct tj_run *run = run_of(self);
	if (!run || !run->out)
		return TJ_EIO;
	return (enum tj_status)tj_output_write(run->out, data, len);
}

static void host_summary(struct tj_plugin *self, const char *fmt, ...)
{
	(void)self;
	va_list ap;
	va_start(ap, fmt);
	tj_vlog_summary(fmt, ap);
	va_end(ap);
}

static uint32_t host_models(struct tj_plugin *self, const struct tj_model *const **out)
{
	struct tj_run *run = run_of(self);
	*out = run->models;
	return run->nmodels;
}

/* The analyzers' answers are gathered by the core between callbacks, so an
 * exporter reading them never calls into an analyzer (one-way flow). */
int tj_host_collect_models(struct tj_run *run)
{
	uint32_t n = 0;
	if (!run->models && run->nanalyzers &&
	    !(run->models = calloc(run->nanalyzers, sizeof(*run->models))))
		return TJ_ENOMEM;
	for (size_t i = 0; i < run->nanalyzers; i++) {
		const struct tj_plugin_desc *d = run->analyzers[i]->desc;
		const struct tj_model *m;
		if (d->size < offsetof(struct tj_plugin_desc, model) + sizeof(d->model) || !d->model)
			continue;
		if ((m = d->model(run->analyzers[i]->state)))
			run->models[n++] = m;
	}
	run->nmodels = n;
	return TJ_OK;
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
	.field_count = tj_fields_count,
	.field_name = tj_fields_name,
	.format_fields = host_format_fields,
	.format_time = host_format_time,
	.sbuf_new = host_sbuf_new,
	.sbuf_free = host_sbuf_free,
	.sbuf_append = host_sbuf_append,
	.sbuf_printf = host_sbuf_printf,
	.sbuf_data = host_sbuf_data,
	.sbuf_len = host_sbuf_len,
	.sbuf_truncate = host_sbuf_truncate,
	.annotate = host_annotate,
	.emit = host_emit,
	.write = host_write,
	.models = host_models,
	.summary = host_summary,
};

const struct tj_host *tj_host_table(void)
{
	return &host_table;
}

void tj_host_release_plugin(struct tj_plugin *p)
{
	p->run = NULL; /* it lived on tj_run_convert's stack */
	for (int i = 0; i < 2; i++) {
		free(p->clock_cache[i]);
		p->clock_cache[i] = NULL;
	}
}
