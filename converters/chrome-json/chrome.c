/*
 * Exporter "chrome-json": renders the model records analyzers emit (spans,
 * thread and CPU states, instants, flows, counters, names) and the tracer's
 * lost-event reports as Chrome trace-event JSON, for the Perfetto UI,
 * chrome://tracing (catapult) and speedscope:
 *
 *   {"traceEvents":[
 *   {"ph":"X","ts":1234.567,"dur":12.5,"pid":2150,"tid":2150,"name":"read",...},
 *   ...
 *   ],
 *   "displayTimeUnit":"ns",
 *   "metadata":{"hostname":...,"first_ts_iso":...,"events":...}}
 *
 * It streams: each record becomes one line as it arrives, and the metadata,
 * which carries totals known only at the end, comes last.  This file is the
 * plugin: its descriptor and callbacks, and the writer turning one record
 * into one trace event.  It is the only file that calls the host.  Where a
 * record goes and the names of tracks are in tracks.c (see doc/chrome-json.md
 * for the layout and why it was chosen), the document around the events in
 * document.c, the JSON writer in jsonw.c.
 */
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cj.h"
#include "jsonw.h"
#include "tjconv/plugin.h"

/* ------------------------------------------------------------------ */
/* output helpers                                                      */

static int sink_host(void *ud, const void *data, size_t len)
{
	struct cj *c = ud;
	return c->host->write(c->self, data, len);
}

static int sink_sbuf(void *ud, const void *data, size_t len)
{
	struct cj *c = ud;
	return c->host->sbuf_append(c->env, data, len);
}

static enum tj_status cj_record(void *state, const struct tj_record *rec)
{
	struct cj *c = state;
	struct tj_record r;
	int rc = TJ_OK;

	/* a record from an older emitter may be shorter: missing fields are 0 */
	memset(&r, 0, sizeof(r));
	memcpy(&r, rec, rec->size < sizeof(r) ? rec->size : sizeof(r));
	char host_name[256];
	cj_hosts_place_record(c, &r, host_name, sizeof(host_name));
	c->st.records++;
	c->recs_since_event++;
	if (r.kind != TJ_REC_PROCESS_NAME && r.kind != TJ_REC_THREAD_NAME &&
	    r.kind != TJ_REC_TRACK_NAME) {
		if (r.ts == TJ_TS_NONE) {
			c->st.skipped_no_ts++;
			return TJ_OK;
		}
		c->last_ts = r.ts;
	}
	switch (r.kind) {
	case TJ_REC_SPAN:
	case TJ_REC_STATE:
		rc = cj_slice(c, &r);
		break;
	case TJ_REC_INSTANT:
		rc = cj_instant(c, &r);
		break;
	case TJ_REC_FLOW:
		rc = cj_flow(c, &r);
		break;
	case TJ_REC_COUNTER:
		rc = cj_counter(c, &r);
		break;
	case TJ_REC_PROCESS_NAME:
		c->st.names++;
		rc = cj_process_name(c, &r);
		break;
	case TJ_REC_THREAD_NAME:
		c->st.names++;
		rc = cj_thread_name(c, &r);
		break;
	case TJ_REC_TRACK_NAME:
		c->st.names++;
		rc = cj_track_name(c, &r);
		break;
	default:
		c->st.unknown++;
	}
	if (rc == TJ_OK)
		rc = c->w.err;
	if (rc == TJ_ENOMEM)
		c->host->error(c->self, "out of memory");
	return rc;
}

static enum tj_status cj_discard(void *state, const struct tj_discard *d)
{
	struct cj *c = state;
	struct tj_record r;
	struct loc l;
	char name[96];
	int open = 0;
	const char *what = d->is_packets ? "packets" : "events";
	int64_t ts = d->end_ts != TJ_TS_NONE ? d->end_ts : d->begin_ts;

	c->st.discards++;
	c->recs_since_event = 0; /* what analyzers emitted on the discard */
	if (ts == TJ_TS_NONE)
		ts = c->last_ts != TJ_TS_NONE ? c->last_ts : c->base;
	memset(&r, 0, sizeof(r));
	r.track = d->cpu >= 0 ? TJ_TRACK_CPU : TJ_TRACK_GLOBAL;
	r.cpu = d->cpu;
	r.tid = r.pid = -1;
	cj_locate(c, &r, &l);
	if (!cj_track_get(c, &l))
		return TJ_ENOMEM;
	if (d->count == UINT64_MAX)
		snprintf(name, sizeof(name), "discarded %s (count unknown)", what);
	else
		snprintf(name, sizeof(name), "discarded %llu %s", (unsigned long long)d->count,
			 d->count == 1 ? (d->is_packets ? "packet" : "event") : what);
	ev_open(c, 'i');
	ev_ts(c, ts);
	ev_pidtid(c, l.pid, l.tid);
	if (l.kind == TK_GLOBAL)
		jsonw_lit(&c->w, ",\"s\":\"g\"");
	else
		jsonw_lit(&c->w, ",\"s\":\"t\"");
	cj_name_field(c, name, "discarded");
	jsonw_lit(&c->w, ",\"cat\":\"tjconv\"");
	if (d->count != UINT64_MAX) {
		cj_arg_key(c, &open, "count");
		jsonw_u64(&c->w, d->count);
	}
	cj_arg_key(c, &open, "what");
	jsonw_str(&c->w, what);
	cj_arg_key(c, &open, "stream");
	jsonw_str(&c->w, d->stream_name ? d->stream_name : "?");
	cj_arg_key(c, &open, "cpu");
	jsonw_i64(&c->w, d->cpu);
	if (d->begin_ts != TJ_TS_NONE) {
		cj_arg_key(c, &open, "begin");
		jsonw_ns_as_us(&c->w, d->begin_ts - c->base);
	}
	if (d->end_ts != TJ_TS_NONE) {
		cj_arg_key(c, &open, "end");
		jsonw_ns_as_us(&c->w, d->end_ts - c->base);
	}
	cj_args_close(c, open);
	jsonw_char(&c->w, '}');
	return c->w.err;
}

/* ------------------------------------------------------------------ */
/* events (events.c writes them)                                       */

static enum tj_status cj_on_class(void *state, const struct tj_event_class *cls, void **data)
{
	struct cj *c = state;
	uint32_t n = c->events_mode == CJ_EVENTS_NONE ? 0 : c->host->field_count(cls);
	struct cj_class *k = cj_class_new(c, n);
	char path[256];

	if (!k || !(k->head = cj_render(",\"name\":", cls->name ? cls->name : "event",
					      ",\"cat\":\"event\"", &k->headlen)))
		goto nomem;
	for (uint32_t i = 0; i < n; i++) {
		const char *name = c->host->field_name(cls, i);
		if (!name)
			continue;
		if (!(k->names[i] = cj_render("", name, ":", &k->nlen[i])))
			goto nomem;
		snprintf(path, sizeof(path), "payload:%s", name);
		k->fields[i] = c->host->field_lookup(cls, path);
	}
	*data = k;
	return TJ_OK;
nomem:
	c->host->error(c->self, "out of memory");
	return TJ_ENOMEM;
}

/* One payload member as an arg: integer, string, or array of integers;
 * structures and variants are left out (the text exporter shows them). */
/* cj_arg_key with the key already rendered ("name":). */
static void event_key(struct cj *c, int *open, const char *key, size_t len)
{
	if (*open)
		jsonw_char(&c->w, ',');
	else
		jsonw_lit(&c->w, ",\"args\":{");
	*open = 1;
	jsonw_raw(&c->w, key, len);
}

static void event_arg(struct cj *c, const struct tj_event *ev, tj_field f, const char *key,
		      size_t keylen, int *open)
{
	const char *s;
	int64_t v, len;
	uint64_t u;

	if (f < 0 || !key)
		return;
	if (c->host->field_int(ev, f, &v)) {
		event_key(c, open, key, keylen);
		jsonw_i64(&c->w, v);
	} else if ((s = c->host->field_str(ev, f))) {
		event_key(c, open, key, keylen);
		jsonw_str(&c->w, s);
	} else if ((len = c->host->field_len(ev, f)) >= 0) {
		if (len > 0 && !c->host->field_elem_uint(ev, f, 0, &u))
			return; /* not integers */
		event_key(c, open, key, keylen);
		jsonw_char(&c->w, '[');
		for (int64_t i = 0; i < len; i++) {
			if (i)
				jsonw_char(&c->w, ',');
			if (c->host->field_elem_uint(ev, f, (uint64_t)i, &u))
				jsonw_i64(&c->w, (int64_t)u);
			else
				jsonw_lit(&c->w, "null");
		}
		jsonw_char(&c->w, ']');
	}
}

/*
 * Every event inside the window and filters.  "Analyzed" means an analyzer
 * emitted a record or attached an annotation while handling it: records
 * reach us before their event.
 */
static enum tj_status cj_event(void *state, const struct tj_event *ev, void *data)
{
	struct cj *c = state;
	const struct cj_class *k = data;
	int analyzed = c->recs_since_event > 0 || ev->nannotations > 0;
	int open = 0, rc;

	c->shown++;
	c->recs_since_event = 0;
	if (c->events_mode == CJ_EVENTS_NONE || ev->ts == TJ_TS_NONE ||
	    (c->events_mode == CJ_EVENTS_UNANALYZED && analyzed))
		return TJ_OK;
	if ((rc = cj_event_open(c, ev, k)))
		goto out;
	for (uint32_t i = 0; k && i < k->n; i++)
		event_arg(c, ev, k->fields[i], k->names[i], k->nlen[i], &open);
	cj_event_close(c, open);
	rc = c->w.err;
out:
	if (rc == TJ_ENOMEM)
		c->host->error(c->self, "out of memory");
	return rc;
}

/*
 * The metadata known at begin() is rendered now into c->env, because the
 * info is borrowed for that call only, and written after traceEvents.
 */
static enum tj_status cj_begin(void *state, const struct tj_trace_info *info)
{
	struct cj *c = state;
	struct jsonw env;
	int rc;
	c->began = 1;
	c->version = info->size > offsetof(struct tj_trace_info, host_version) && info->host_version
			     ? info->host_version
			     : "unknown";
	c->base = info->begin_ts != TJ_TS_NONE ? info->begin_ts
		  : info->first_ts != TJ_TS_NONE ? info->first_ts
						 : 0;
	if (jsonw_init(&env, 4096, sink_sbuf, c))
		return TJ_ENOMEM;
	if (cj_hosts_init(c, info)) {
		jsonw_release(&env);
		return TJ_ENOMEM;
	}
	cj_doc_env(&env, info, c->base, c->version);
	jsonw_flush(&env);
	rc = env.err;
	jsonw_release(&env);
	if (rc)
		return rc;
	cj_doc_header(c);
	return c->w.err;
}

static enum tj_status cj_finish(void *state, const struct tj_run_stats *stats)
{
	struct cj *c = state;

	if (!c->began)
		cj_doc_header(c);
	c->finished = 1;
	cj_doc_finish(c, c->host->sbuf_data(c->env), c->host->sbuf_len(c->env), stats);
	if (c->st.dropped_overlap)
		c->host->log(c->self, TJ_LOG_WARNING,
			     "dropped %llu slices that partially overlapped another slice on the "
			     "same track (the viewers cannot show them)",
			     (unsigned long long)c->st.dropped_overlap);
	if (c->st.clamped_dur)
		c->host->log(c->self, TJ_LOG_WARNING, "%llu slices had a negative duration; shown as 0",
			     (unsigned long long)c->st.clamped_dur);
	return jsonw_flush(&c->w);
}

static enum tj_status cj_init(const struct tj_host *host, struct tj_plugin *self, void **state)
{
	struct cj *c = calloc(1, sizeof(*c));
	if (!c)
		return TJ_ENOMEM;
	c->host = host;
	c->self = self;
	c->last_ts = TJ_TS_NONE;
	c->version = "unknown";
	const char *mode = host->param(self, "events");
	if (!mode || strcmp(mode, "unanalyzed") == 0) {
		c->events_mode = CJ_EVENTS_UNANALYZED;
	} else if (strcmp(mode, "all") == 0) {
		c->events_mode = CJ_EVENTS_ALL;
	} else if (strcmp(mode, "none") == 0) {
		c->events_mode = CJ_EVENTS_NONE;
	} else {
		host->error(self, "invalid events '%s' (expected all, unanalyzed or none)", mode);
		free(c);
		return TJ_EINVAL;
	}
	c->env = host->sbuf_new();
	if (!c->env || jsonw_init(&c->w, 0, sink_host, c)) {
		host->sbuf_free(c->env);
		free(c);
		return TJ_ENOMEM;
	}
	*state = c;
	return TJ_OK;
}

static void cj_fini(void *state)
{
	struct cj *c = state;
	jsonw_release(&c->w);
	c->host->sbuf_free(c->env);
	cj_tracks_release(c);
	cj_classes_release(c);
	cj_hosts_release(c);
	free(c);
}

/* Every event: counted, and shown as an instant per --events. */
static const char *const subscriptions[] = {"*", NULL};
static const char *const param_help[] = {
	"events: all, unanalyzed (default: events no analyzer turned into a record or "
	"annotation) or none; also --events",
	NULL,
};

TJ_PLUGIN_DEFINE(.name = "chrome-json", .version = "1.0",
		 .description = "Chrome trace-event JSON for Perfetto UI, chrome://tracing and speedscope",
		 .kind = TJ_KIND_EXPORTER, .subscriptions = subscriptions, .init = cj_init, .begin = cj_begin,
		 .on_class = cj_on_class, .on_event = cj_event, .on_record = cj_record, .on_discard = cj_discard, .finish = cj_finish,
		 .fini = cj_fini, .param_help = param_help)
