/*
 * Time ranges of traces and the groups of traces that overlap in time (see
 * trace_ranges.h).  The ranges come from libbabeltrace2's ctf.fs itself (the
 * packet index it builds anyway), so no second reader of packet headers.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bt_errors.h"
#include "error.h"
#include "graph.h"
#include "trace_ranges.h"

/* One stream's "range-ns" {begin, end}. */
static int stream_range(const bt_value *info, struct tj_trace_range *out)
{
	const bt_value *rg = bt_value_is_map(info) ? bt_value_map_borrow_entry_value_const(info, "range-ns")
						    : NULL;
	const bt_value *b = rg && bt_value_is_map(rg) ? bt_value_map_borrow_entry_value_const(rg, "begin")
						      : NULL;
	const bt_value *e = rg && bt_value_is_map(rg) ? bt_value_map_borrow_entry_value_const(rg, "end")
						      : NULL;
	if (!b || !e || !bt_value_is_signed_integer(b) || !bt_value_is_signed_integer(e))
		return TJ_EINVAL;
	out->begin = bt_value_integer_signed_get(b);
	out->end = bt_value_integer_signed_get(e);
	return out->begin <= out->end ? TJ_OK : TJ_EINVAL;
}

/* A trace's range: from its first stream's begin to its last one's end
 * (libbabeltrace2 2.0 gives the ranges per stream only). */
static int range_of(const bt_value *info, struct tj_trace_range *out)
{
	const bt_value *si = bt_value_is_map(info) ? bt_value_map_borrow_entry_value_const(info, "stream-infos")
						    : NULL;
	uint64_t n = si && bt_value_is_array(si) ? bt_value_array_get_length(si) : 0;
	if (n == 0)
		return TJ_EINVAL;
	for (uint64_t i = 0; i < n; i++) {
		struct tj_trace_range s;
		if (stream_range(bt_value_array_borrow_element_by_index_const(si, i), &s))
			return TJ_EINVAL;
		if (i == 0 || s.begin < out->begin)
			out->begin = s.begin;
		if (i == 0 || s.end > out->end)
			out->end = s.end;
	}
	return TJ_OK;
}

int tj_trace_range_query(const bt_plugin *ctf, const char *trace_dir, struct tj_trace_range *out)
{
	const bt_component_class_source *fs = bt_plugin_borrow_source_component_class_by_name_const(ctf, "fs");
	bt_value *params = bt_value_map_create();
	bt_value *inputs = NULL;
	bt_query_executor *q = NULL;
	const bt_value *res = NULL;
	int rc = TJ_EINVAL;

	if (!fs || !params || bt_value_map_insert_empty_array_entry(params, "inputs", &inputs) ||
	    bt_value_array_append_string_element(inputs, trace_dir))
		goto out;
	q = bt_query_executor_create(bt_component_class_source_as_component_class_const(fs),
				     "babeltrace.trace-infos", params);
	if (!q || bt_query_executor_query(q, &res) != BT_QUERY_EXECUTOR_QUERY_STATUS_OK)
		goto out;
	/* one trace per folder (discovery gives folders holding a metadata) */
	if (bt_value_is_array(res) && bt_value_array_get_length(res) == 1)
		rc = range_of(bt_value_array_borrow_element_by_index_const(res, 0), out);
out:
	/* a failed query is not this run's error: the trace is read at once */
	bt_current_thread_clear_error();
	bt_value_put_ref(res);
	bt_query_executor_put_ref(q);
	bt_value_put_ref(params);
	return rc;
}

size_t tj_trace_groups_split(const struct tj_trace_range *rg, size_t n, size_t *starts)
{
	if (n == 0)
		return 0;
	/* a split before trace i holds when the latest end before i comes
	 * before the earliest begin from i on */
	int64_t *min_begin = malloc(n * sizeof(*min_begin));
	if (!min_begin) {
		starts[0] = 0;
		return 1;
	}
	min_begin[n - 1] = rg[n - 1].begin;
	for (size_t i = n - 1; i-- > 0;)
		min_begin[i] = rg[i].begin < min_begin[i + 1] ? rg[i].begin : min_begin[i + 1];
	size_t ng = 0;
	int64_t max_end = 0;
	starts[ng++] = 0;
	for (size_t i = 0; i < n; i++) {
		if (i > 0 && max_end < min_begin[i])
			starts[ng++] = i;
		if (i == 0 || rg[i].end > max_end)
			max_end = rg[i].end;
	}
	free(min_begin);
	return ng;
}

/* ------------------------------------------------------------------ */
/* the environment probe                                               */

struct probe {
	bt_message_iterator *it;
	struct tj_trace_slot *slot;
	struct tj_trace_decl *decl;
	int rc;
};

void tj_trace_decl_release(struct tj_trace_decl *d)
{
	tj_strvec_release(&d->names);
	memset(d, 0, sizeof(*d));
}

/* The copy of what trace class tc declares. */
static int decl_fill(struct tj_trace_decl *d, const bt_trace_class *tc)
{
	tj_trace_decl_release(d);
	uint64_t n = bt_trace_class_get_stream_class_count(tc);
	for (uint64_t i = 0; i < n; i++) {
		const bt_stream_class *sc = bt_trace_class_borrow_stream_class_by_index_const(tc, i);
		uint64_t ne = bt_stream_class_get_event_class_count(sc);
		for (uint64_t j = 0; j < ne; j++) {
			const char *name =
				bt_event_class_get_name(bt_stream_class_borrow_event_class_by_index_const(sc, j));
			if (name && tj_strvec_push(&d->names, name))
				return TJ_ENOMEM;
		}
		const bt_clock_class *cc = bt_stream_class_borrow_default_clock_class_const(sc);
		bt_uuid u = cc ? bt_clock_class_get_uuid(cc) : NULL;
		if (u && !d->clock_uuid[0])
			snprintf(d->clock_uuid, sizeof(d->clock_uuid),
				 "%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-%02x%02x%02x%02x%02x%02x",
				 u[0], u[1], u[2], u[3], u[4], u[5], u[6], u[7], u[8], u[9], u[10], u[11],
				 u[12], u[13], u[14], u[15]);
	}
	d->known = 1;
	return TJ_OK;
}

static bt_message_iterator **probe_slot(void *ud, uint32_t port)
{
	(void)port;
	return &((struct probe *)ud)->it;
}

/* The first messages of the stream: its beginning gives the trace. */
static int probe_consume(void *ud)
{
	struct probe *p = ud;
	bt_message_array_const msgs;
	uint64_t count = 0;
	if (bt_message_iterator_next(p->it, &msgs, &count) != BT_MESSAGE_ITERATOR_NEXT_STATUS_OK)
		return TJ_SINK_END; /* the run will say what is wrong with it */
	for (uint64_t i = 0; i < count; i++) {
		if (bt_message_get_type(msgs[i]) == BT_MESSAGE_TYPE_STREAM_BEGINNING) {
			const bt_trace *t = bt_stream_borrow_trace_const(
				bt_message_stream_beginning_borrow_stream_const(msgs[i]));
			tj_trace_slot_fill_env(p->slot, t);
			if (!p->decl->known && !p->rc)
				p->rc = decl_fill(p->decl, bt_trace_borrow_class_const(t));
		}
		bt_message_put_ref(msgs[i]);
	}
	return TJ_SINK_END;
}

int tj_trace_probe_env(const bt_plugin *ctf, const char *trace_dir, size_t ti,
		       struct tj_trace_slot *slot, struct tj_trace_decl *decl)
{
	struct probe p = {.slot = slot, .decl = decl};
	struct tj_sink_ops ops = {.ud = &p, .nports = 1, .iterator_slot = probe_slot,
				  .consume = probe_consume};
	const bt_component_source *src;
	const bt_component_sink *sink;
	bt_graph *g = bt_graph_create(0);
	int rc;
	if (!g)
		return TJ_ENOMEM;
	rc = tj_graph_add_source(g, ctf, trace_dir, ti, &src);
	if (rc == TJ_OK) {
		uint64_t np = bt_component_source_get_output_port_count(src);
		/* what priming would count: a stream per port */
		slot->desc.nstreams = (uint32_t)np;
		if (np && tj_graph_add_sink(g, "probe", &ops, &sink)) {
			tj_bt_error_take();
			tj_error_append("cannot set up the reading graph");
			rc = TJ_ERROR;
		} else if (np) {
			rc = tj_graph_connect(g, bt_component_source_borrow_output_port_by_index_const(src, 0),
					      sink, 0, trace_dir);
			if (rc == TJ_OK)
				bt_graph_run_once(g);
			bt_current_thread_clear_error();
		}
	}
	bt_message_iterator_put_ref(p.it);
	bt_graph_put_ref(g);
	return rc ? rc : p.rc;
}
