/*
 * The JSON document of the chrome-json exporter, around the trace events:
 * the header that opens traceEvents, and the final metadata object, which
 * comes last because it carries totals known only at the end: the trace
 * environment (rendered at begin(), when the host lends it), the time base
 * and window, the run's totals and the exporter's own counters (what was
 * written, dropped or fixed).  Keys are listed in doc/chrome-json.md.
 */
/* POSIX (strdup, gmtime_r) also under a strict -std=c11, as an out-of-tree
 * build with only the tjconv-plugin.pc flags compiles it. */
#ifndef _POSIX_C_SOURCE
#define _POSIX_C_SOURCE 200809L
#endif
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "cj.h"


static void fmt_iso(char *buf, size_t cap, int64_t ns)
{
	int64_t sec = ns / 1000000000, frac = ns % 1000000000;
	struct tm tm;
	time_t t;
	if (frac < 0) {
		frac += 1000000000;
		sec--;
	}
	t = (time_t)sec;
	if (!gmtime_r(&t, &tm)) {
		snprintf(buf, cap, "?");
		return;
	}
	snprintf(buf, cap, "%04d-%02d-%02dT%02d:%02d:%02d.%09dZ", tm.tm_year + 1900, tm.tm_mon + 1,
		 tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, (int)frac);
}

static void kv_str(struct jsonw *w, const char *key, const char *v, int comma)
{
	if (comma)
		jsonw_char(w, ',');
	jsonw_str(w, key);
	jsonw_char(w, ':');
	if (v)
		jsonw_str(w, v);
	else
		jsonw_lit(w, "null");
}

static void kv_u64(struct jsonw *w, const char *key, uint64_t v)
{
	jsonw_char(w, ',');
	jsonw_str(w, key);
	jsonw_char(w, ':');
	jsonw_u64(w, v);
}

/* ,"KEY_ns":N,"KEY_iso":"..." (both null when unknown); key is plain ASCII. */
static void kv_ts(struct jsonw *w, const char *key, int64_t ns)
{
	char iso[64];
	jsonw_lit(w, ",\"");
	jsonw_raw(w, key, strlen(key));
	jsonw_lit(w, "_ns\":");
	if (ns == TJ_TS_NONE)
		jsonw_lit(w, "null");
	else
		jsonw_i64(w, ns);
	jsonw_lit(w, ",\"");
	jsonw_raw(w, key, strlen(key));
	jsonw_lit(w, "_iso\":");
	if (ns == TJ_TS_NONE) {
		jsonw_lit(w, "null");
	} else {
		fmt_iso(iso, sizeof(iso), ns);
		jsonw_str(w, iso);
	}
}

static void trace_desc(struct jsonw *w, const struct tj_trace_desc *t, int with_streams)
{
	char ver[48];
	kv_str(w, "hostname", t->hostname, 0);
	kv_str(w, "kernel_release", t->kernel_release, 1);
	kv_str(w, "tracer_name", t->tracer_name, 1);
	if (t->tracer_major >= 0) {
		if (t->tracer_minor >= 0)
			snprintf(ver, sizeof(ver), "%lld.%lld", (long long)t->tracer_major,
				 (long long)t->tracer_minor);
		else
			snprintf(ver, sizeof(ver), "%lld", (long long)t->tracer_major);
		kv_str(w, "tracer_version", ver, 1);
	} else {
		kv_str(w, "tracer_version", NULL, 1);
	}
	kv_str(w, "domain", t->domain, 1);
	kv_str(w, "path", t->path, 1);
	kv_str(w, "uuid", t->uuid, 1);
	if (with_streams) {
		jsonw_lit(w, ",\"streams\":");
		jsonw_u64(w, t->nstreams);
	}
}

void cj_doc_env(struct jsonw *w, const struct tj_trace_info *info, int64_t base,
		const char *version)
{
	jsonw_lit(w, "\"tjconv_version\":");
	jsonw_str(w, version);
	jsonw_lit(w, ",\"exporter\":\"chrome-json 1.0\"");
	kv_str(w, "input", info->input_path, 1);
	if (info->ntraces) {
		jsonw_char(w, ',');
		trace_desc(w, &info->traces[0], 0);
	}
	jsonw_lit(w, ",\"traces\":[");
	for (uint32_t i = 0; i < info->ntraces; i++) {
		if (i)
			jsonw_char(w, ',');
		jsonw_char(w, '{');
		trace_desc(w, &info->traces[i], 1);
		jsonw_char(w, '}');
	}
	jsonw_char(w, ']');
	kv_ts(w, "first_ts", info->first_ts);
	kv_ts(w, "ts_base", base);
	jsonw_lit(w, ",\"ts_unit\":\"us since ts_base_ns\"");
	if (info->begin_ts == TJ_TS_NONE && info->end_ts == TJ_TS_NONE)
		jsonw_lit(w, ",\"window\":{\"given\":false");
	else
		jsonw_lit(w, ",\"window\":{\"given\":true");
	kv_ts(w, "begin", info->begin_ts);
	kv_ts(w, "end", info->end_ts);
	jsonw_char(w, '}');
}

void cj_doc_header(struct cj *c)
{
	jsonw_lit(&c->w, "{\"traceEvents\":[");
}

void cj_doc_finish(struct cj *c, const char *env, size_t envlen, const struct tj_run_stats *stats)
{
	struct jsonw *w = &c->w;

	jsonw_lit(w, "\n],\n\"displayTimeUnit\":\"ns\",\n\"metadata\":{");
	if (envlen) {
		jsonw_raw(w, env, envlen);
	} else {
		jsonw_lit(w, "\"tjconv_version\":");
		jsonw_str(w, c->version);
	}
	if (stats) {
		kv_u64(w, "events", stats->events);
		kv_u64(w, "events_exported", c->shown);
		kv_u64(w, "discarded_events", stats->discarded_events);
		kv_u64(w, "discarded_event_reports", stats->discarded_event_reports);
		kv_u64(w, "discarded_packets", stats->discarded_packets);
	}
	jsonw_lit(w, ",\"exporter_stats\":{\"trace_events\":");
	jsonw_u64(w, c->nevents);
	kv_u64(w, "records", c->st.records);
	kv_u64(w, "spans", c->st.spans);
	kv_u64(w, "states", c->st.states);
	kv_u64(w, "instants", c->st.instants);
	kv_u64(w, "event_instants", c->st.event_instants);
	kv_u64(w, "flows", c->st.flows);
	kv_u64(w, "counters", c->st.counters);
	kv_u64(w, "names", c->st.names);
	kv_u64(w, "discard_reports", c->st.discards);
	kv_u64(w, "flows_restarted", c->st.flows_restarted);
	kv_u64(w, "flow_ends_dropped", c->st.flows_dropped);
	kv_u64(w, "dropped_overlapping", c->st.dropped_overlap);
	kv_u64(w, "dropped_non_finite", c->st.dropped_non_finite);
	kv_u64(w, "skipped_no_timestamp", c->st.skipped_no_ts);
	kv_u64(w, "clamped_negative_dur", c->st.clamped_dur);
	kv_u64(w, "unknown_kind", c->st.unknown);
	jsonw_lit(w, "}}}\n");
}
