/*
 * The trace reader's glue: open finds the traces (discovery.c) and builds
 * the graph (graph.c); start primes every stream; run merges them
 * (merge.c) and turns each message into a callback, interning classes on
 * the way (classes.c).  A stream whose time goes backwards is not an error:
 * its events are delivered in stream order and counted.  Per event the work
 * is an array lookup and a few field reads (see fields.c for payloads).
 *
 * Nothing here is global: two readers, one after the other or side by
 * side, share nothing.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <babeltrace2/babeltrace.h>

#include "bt_errors.h"
#include "classes.h"
#include "discovery.h"
#include "error.h"
#include "fields.h"
#include "graph.h"
#include "lookahead.h"
#include "merge.h"
#include "reader.h"
#include "reader_jobs.h"
#include "stream.h"
#include "strvec.h"

/* One connected output port of a ctf.fs component. */
struct upstream {
	bt_message_iterator *it;
	bt_message_iterator *la_it; /* the lookahead's, until it ran */
	bt_message_array_const msgs;
	uint64_t count, pos;
	int ended;
	int64_t head_ts;        /* timestamp of msgs[pos] */
	struct tj_batch *batch; /* --jobs: the worker batch msgs points into */
	int batch_held;         /* --jobs: batch holds a message priming held */
	struct tj_stream_cursor c;
};

/* merge_step results besides 0 (go on) and errors */
enum { STEP_END = 1, STEP_PAUSE = 2 };

struct tj_reader {
	char *input;
	const bt_plugin *ctf_plugin;
	bt_graph *graph;
	struct tj_sink_ops sink;
	struct tj_trace_slot *traces;
	const bt_component_source **comps; /* of graph, by trace */
	size_t ntraces;
	struct tj_trace_desc *descs;
	struct tj_trace_info info;

	struct upstream *ups;
	size_t nups;
	struct tj_merge merge;
	struct tj_streams streams;

	/* --jobs N: worker graphs (wgraphs[0] is graph) and their threads */
	bt_graph **wgraphs;
	uint32_t nwgraphs;
	struct tj_workers *workers;

	int started;            /* tj_reader_start done */
	uint32_t *trace_rank;   /* trace index -> rank of its name (ties) */
	tj_lookahead_fn la_fn;  /* tj_reader_set_lookahead */
	void *la_ud;
	struct tj_batch **kept; /* --jobs: batches of held messages */
	size_t nkept;
	int64_t refill;         /* upstream whose head a TJ_DONE left unread, or -1 */

	/* run state */
	int64_t stop_ts;
	int cb_status;          /* our own failure inside consume */
	int paused, ended;      /* the graph: stopped for now, finished */
};

/* ------------------------------------------------------------------ */
/* pulling and merging                                                 */

/* --jobs: hand the finished batch back (or keep it while r->held points
 * into it) and wait for the next one.  After this, msgs[pos] is the next
 * message (or the upstream ended). */
static int next_worker_batch(struct tj_reader *r, struct upstream *up)
{
	int ended;
	if (up->batch) {
		if (up->batch_held) {
			struct tj_batch **v = realloc(r->kept, (r->nkept + 1) * sizeof(*v));
			if (!v)
				return TJ_ENOMEM;
			r->kept = v;
			r->kept[r->nkept++] = up->batch;
		} else {
			tj_workers_release(r->workers, up->batch);
		}
		up->batch = NULL;
		up->batch_held = 0;
	}
	struct tj_batch *b = tj_workers_next(r->workers, (uint32_t)(up - r->ups), &ended);
	if (!b) {
		up->count = 0;
		if (ended) {
			up->ended = 1;
			return TJ_OK;
		}
		tj_error_append("cannot read trace '%s'", r->input);
		return TJ_EIO;
	}
	up->batch = b;
	up->msgs = b->msgs;
	up->count = b->count;
	up->pos = 0;
	return TJ_OK;
}

/*
 * Advance an upstream until its head is a timed message (or it ends),
 * handling untimed messages (stream/packet boundaries) on the way.
 * Returns a tj_status (TJ_EIO with a libbabeltrace2 cause on read errors),
 * or a callback's TJ_DONE.
 */
static int fill_head(struct tj_reader *r, struct upstream *up)
{
	for (;;) {
		while (up->pos < up->count) {
			const bt_message *m = up->msgs[up->pos];
			int64_t ts = up->batch ? up->batch->ts[up->pos] : tj_message_ts(m);
			if (ts != TJ_TS_NONE) {
				up->head_ts = ts;
				return TJ_OK;
			}
			int kept = 0;
			int rc = tj_streams_handle(&r->streams, &up->c, m, TJ_TS_NONE, &kept);
			if (kept && r->workers)
				up->batch_held = 1;
			else if (!r->workers && !kept)
				bt_message_put_ref(m);
			up->pos++;
			if (rc)
				return rc;
		}
		up->pos = up->count = 0;
		if (r->workers) {
			int rc = next_worker_batch(r, up);
			if (rc || up->ended)
				return rc;
			continue;
		}
		bt_message_iterator_next_status st = bt_message_iterator_next(up->it, &up->msgs, &up->count);
		switch (st) {
		case BT_MESSAGE_ITERATOR_NEXT_STATUS_OK:
			break;
		case BT_MESSAGE_ITERATOR_NEXT_STATUS_END:
			up->ended = 1;
			up->count = 0;
			return TJ_OK;
		case BT_MESSAGE_ITERATOR_NEXT_STATUS_AGAIN:
			up->count = 0;
			continue;
		case BT_MESSAGE_ITERATOR_NEXT_STATUS_MEMORY_ERROR:
			up->count = 0;
			return TJ_ENOMEM;
		default:
			up->count = 0;
			tj_bt_error_take();
			tj_error_append("cannot read stream '%s'", up->c.port_name);
			return TJ_EIO;
		}
	}
}

static struct tj_merge_key head_key(const struct tj_reader *r, const struct upstream *up)
{
	uint32_t t = up->c.trace_index;
	return (struct tj_merge_key){.ts = up->head_ts,
				     .trace_index = r->trace_rank ? r->trace_rank[t] : t,
				     .tie = up->c.tie_key};
}

/* Pull every upstream to its first timed message, without a callback. */
static int prime(struct tj_reader *r)
{
	r->streams.priming = 1;
	for (size_t i = 0; i < r->nups; i++) {
		int rc = fill_head(r, &r->ups[i]);
		if (rc) {
			r->streams.priming = 0;
			return rc;
		}
	}
	r->streams.priming = 0;
	if (r->ntraces > 1 && !r->trace_rank &&
	    !(r->trace_rank = tj_trace_slots_rank(r->traces, r->ntraces, r->input)))
		return TJ_ENOMEM;
	for (size_t i = 0; i < r->nups; i++)
		if (!r->ups[i].ended)
			tj_merge_push(&r->merge, (uint32_t)i, head_key(r, &r->ups[i]));
	int64_t h = tj_merge_peek(&r->merge);
	r->info.first_ts = h >= 0 ? tj_merge_borrow_key(&r->merge, (uint32_t)h)->ts : TJ_TS_NONE;
	return TJ_OK;
}

/* The head upstream has consumed its message: read on and reorder. */
static int advance(struct tj_reader *r, struct upstream *up)
{
	int rc = fill_head(r, up);
	if (rc > 0) {
		/* TJ_DONE from an untimed message's callback: finish later. */
		r->refill = up - r->ups;
		return rc;
	}
	if (rc)
		return rc;
	if (up->ended)
		tj_merge_pop(&r->merge);
	else
		tj_merge_update(&r->merge, head_key(r, up));
	return TJ_OK;
}

/* One step of the merge: handle the earliest message.  Returns 0 to go
 * on, STEP_END when every stream is done, STEP_PAUSE at stop_ts or when a
 * callback said TJ_DONE, < 0 on error. */
static int merge_step(struct tj_reader *r)
{
	int rc;
	if (r->refill >= 0) {
		struct upstream *up = &r->ups[r->refill];
		r->refill = -1;
		rc = advance(r, up);
		if (rc)
			return rc > 0 ? STEP_PAUSE : rc;
	}
	int64_t h = tj_merge_peek(&r->merge);
	if (h < 0)
		return STEP_END;
	struct upstream *up = &r->ups[h];
	int64_t ts = up->head_ts;
	if (r->stop_ts != TJ_TS_NONE && ts > r->stop_ts)
		return STEP_PAUSE;
	const bt_message *m = up->msgs[up->pos];
	int kept = 0;
	rc = tj_streams_handle(&r->streams, &up->c, m, ts, &kept);
	if (!r->workers)
		bt_message_put_ref(m);
	up->pos++;
	if (rc > 0) {
		r->refill = (int64_t)h;
		return STEP_PAUSE;
	}
	if (rc)
		return rc;
	rc = advance(r, up);
	return rc > 0 ? STEP_PAUSE : rc;
}

/* What priming held back, then the batches it kept for that. */
static int deliver_held(struct tj_reader *r)
{
	int rc = tj_streams_deliver_held(&r->streams, !r->workers);
	if (rc)
		return rc;
	for (size_t i = 0; i < r->nkept; i++)
		tj_workers_release(r->workers, r->kept[i]);
	r->nkept = 0;
	return TJ_OK;
}

/* The sink's consume (single-threaded reading): priming during
 * tj_reader_start, merging in runs of steps afterwards. */
static int reader_consume(void *ud)
{
	struct tj_reader *r = ud;
	int rc = 0;
	if (!r->started && r->la_fn) {
		bt_message_iterator **its = calloc(r->nups ? r->nups : 1, sizeof(*its));
		if (!its)
			return TJ_ENOMEM;
		for (size_t i = 0; i < r->nups; i++) {
			its[i] = r->ups[i].la_it;
			r->ups[i].la_it = NULL;
		}
		rc = tj_lookahead_run(its, r->nups, r->la_fn, r->la_ud);
		free(its);
		r->la_fn = NULL;
		if (rc < 0) {
			r->cb_status = rc;
			return rc;
		}
	}
	if (!r->started)
		rc = prime(r);
	/* Work in batches so the graph stays responsive. */
	for (int i = 0; r->started && rc == 0 && i < 65536; i++)
		rc = merge_step(r);
	if (rc < 0) {
		r->cb_status = rc;
		return rc;
	}
	if (rc == STEP_END)
		return TJ_SINK_END;
	if (rc == STEP_PAUSE)
		r->paused = 1;
	return TJ_OK;
}

static bt_message_iterator **reader_iterator_slot(void *ud, uint32_t port)
{
	struct tj_reader *r = ud;
	return &r->ups[port].it;
}

static bt_message_iterator **reader_lookahead_slot(void *ud, uint32_t port)
{
	struct tj_reader *r = ud;
	return r->la_fn ? &r->ups[port].la_it : NULL;
}

/* ------------------------------------------------------------------ */
/* setup                                                               */

/* One graph: our sink pulls every port itself (jobs = 1). */
static int setup_sink(struct tj_reader *r)
{
	const bt_component_sink *sink;
	r->sink = (struct tj_sink_ops){.ud = r, .nports = (uint32_t)r->nups,
				       .iterator_slot = reader_iterator_slot,
				       .lookahead_slot = reader_lookahead_slot,
				       .consume = reader_consume};
	if (tj_graph_add_sink(r->graph, "merge", &r->sink, &sink)) {
		tj_bt_error_take();
		tj_error_append("cannot set up the reading graph");
		return TJ_ERROR;
	}
	size_t k = 0;
	for (size_t i = 0; i < r->ntraces; i++) {
		uint64_t n = bt_component_source_get_output_port_count(r->comps[i]);
		for (uint64_t j = 0; j < n; j++, k++) {
			int rc = tj_graph_connect(
				r->graph, bt_component_source_borrow_output_port_by_index_const(r->comps[i], j),
				sink, k, r->ups[k].c.port_name);
			if (rc)
				return rc;
		}
	}
	return TJ_OK;
}

/* --jobs N: one graph per worker, each with its own sources (metadata is
 * parsed once per worker), stream k decoded by worker k % N. */
static int setup_workers(struct tj_reader *r, uint32_t jobs)
{
	uint32_t nw = jobs < r->nups ? jobs : (uint32_t)r->nups;
	const bt_port_output **ports = calloc(r->nups, sizeof(*ports));
	uint32_t *owner = calloc(r->nups, sizeof(*owner));
	const char **names = calloc(r->nups, sizeof(*names));
	int rc = TJ_OK;

	r->wgraphs = calloc(nw, sizeof(*r->wgraphs));
	if (!ports || !owner || !names || !r->wgraphs) {
		rc = TJ_ENOMEM;
		goto out;
	}
	r->nwgraphs = nw;
	r->wgraphs[0] = r->graph;
	bt_graph_get_ref(r->graph);
	for (uint32_t w = 1; w < nw && rc == TJ_OK; w++) {
		r->wgraphs[w] = bt_graph_create(0);
		if (!r->wgraphs[w])
			rc = TJ_ENOMEM;
	}
	size_t k = 0;
	for (size_t i = 0; rc == TJ_OK && i < r->ntraces; i++) {
		const bt_component_source *comps[64];
		uint32_t ncomps = nw < 64 ? nw : 64;
		comps[0] = r->comps[i];
		for (uint32_t w = 1; rc == TJ_OK && w < ncomps; w++)
			rc = tj_graph_add_source(r->wgraphs[w], r->ctf_plugin, r->traces[i].path, i,
						 &comps[w]);
		if (rc)
			break;
		uint64_t n = bt_component_source_get_output_port_count(comps[0]);
		for (uint64_t j = 0; j < n; j++, k++) {
			owner[k] = (uint32_t)(k % ncomps);
			if (bt_component_source_get_output_port_count(comps[owner[k]]) != n) {
				tj_error_append("trace '%s' changed while opening it", r->traces[i].path);
				rc = TJ_EIO;
				break;
			}
			ports[k] = bt_component_source_borrow_output_port_by_index_const(comps[owner[k]], j);
			names[k] = r->ups[k].c.port_name;
		}
	}
	if (rc == TJ_OK)
		rc = tj_workers_create(&r->workers, r->wgraphs, nw, ports, owner, names,
				       (uint32_t)r->nups);
out:
	free(ports);
	free(owner);
	free(names);
	return rc;
}

int tj_reader_open(struct tj_reader **out, const char *path)
{
	return tj_reader_open_jobs(out, path, 1);
}

int tj_reader_open_jobs(struct tj_reader **out, const char *path, uint32_t jobs)
{
	struct tj_strvec dirs = {0};
	struct tj_reader *r = calloc(1, sizeof(*r));
	int rc;

	*out = NULL;
	if (!r)
		return TJ_ENOMEM;
	r->input = strdup(path);
	r->stop_ts = TJ_TS_NONE;
	r->refill = -1;
	if (!r->input) {
		free(r);
		return TJ_ENOMEM;
	}
	rc = tj_discover_traces(path, &dirs);
	if (rc)
		goto fail;
	r->traces = calloc(dirs.n, sizeof(*r->traces));
	r->comps = calloc(dirs.n, sizeof(*r->comps));
	r->descs = calloc(dirs.n, sizeof(*r->descs));
	if (!r->traces || !r->comps || !r->descs) {
		rc = TJ_ENOMEM;
		goto fail;
	}
	r->ntraces = dirs.n;
	r->streams.traces = r->traces;
	r->streams.descs = r->descs;
	for (size_t i = 0; i < dirs.n; i++) {
		tj_trace_slot_init(&r->traces[i], dirs.v[i]);
		dirs.v[i] = NULL;
	}
	rc = tj_graph_find_ctf(&r->ctf_plugin);
	if (rc)
		goto fail;
	r->graph = bt_graph_create(0);
	if (!r->graph) {
		rc = TJ_ENOMEM;
		goto fail;
	}
	for (size_t i = 0; i < r->ntraces; i++) {
		rc = tj_graph_add_source(r->graph, r->ctf_plugin, r->traces[i].path, i, &r->comps[i]);
		if (rc)
			goto fail;
		r->nups += bt_component_source_get_output_port_count(r->comps[i]);
	}
	r->ups = calloc(r->nups ? r->nups : 1, sizeof(*r->ups));
	if (!r->ups || tj_merge_init(&r->merge, r->nups)) {
		rc = TJ_ENOMEM;
		goto fail;
	}
	size_t k = 0;
	for (size_t i = 0; i < r->ntraces; i++) {
		uint64_t n = bt_component_source_get_output_port_count(r->comps[i]);
		for (uint64_t j = 0; j < n; j++, k++) {
			const bt_port_output *op =
				bt_component_source_borrow_output_port_by_index_const(r->comps[i], j);
			const char *pname = bt_port_get_name(bt_port_output_as_port_const(op));
			r->ups[k].c.trace_index = (uint32_t)i;
			r->ups[k].c.port_name = tj_graph_stream_name(r->input, r->traces[i].path, pname);
			if (!r->ups[k].c.port_name) {
				rc = TJ_ENOMEM;
				goto fail;
			}
		}
	}
	rc = jobs > 1 && r->nups > 1 ? setup_workers(r, jobs) : setup_sink(r);
	if (rc)
		goto fail;
	for (size_t i = 0; i < r->ntraces; i++)
		r->descs[i] = r->traces[i].desc;
	r->info.size = sizeof(r->info);
	r->info.ntraces = (uint32_t)r->ntraces;
	r->info.traces = r->descs;
	r->info.first_ts = TJ_TS_NONE;
	r->info.begin_ts = r->info.end_ts = TJ_TS_NONE;
	r->info.input_path = r->input;
	r->info.host_version = TJ_VERSION;
	tj_strvec_release(&dirs);
	*out = r;
	return TJ_OK;
fail:
	tj_strvec_release(&dirs);
	tj_reader_free(r);
	return rc;
}

/* ------------------------------------------------------------------ */
/* running                                                             */

static void sync_descs(struct tj_reader *r)
{
	for (size_t i = 0; i < r->ntraces; i++)
		r->descs[i] = r->traces[i].desc;
}

/* One bt_graph_run_once (our sink consumes once); TJ_OK also at the end. */
static int graph_step(struct tj_reader *r)
{
	bt_graph_run_once_status st = bt_graph_run_once(r->graph);
	sync_descs(r);
	if (st == BT_GRAPH_RUN_ONCE_STATUS_END) {
		r->ended = 1;
		return TJ_OK;
	}
	if (st == BT_GRAPH_RUN_ONCE_STATUS_AGAIN || st == BT_GRAPH_RUN_ONCE_STATUS_OK)
		return TJ_OK;
	if (r->cb_status) {
		/* Our own failure: its causes are already in the chain. */
		bt_current_thread_clear_error();
		return r->cb_status;
	}
	tj_bt_error_take();
	tj_error_append("cannot read trace '%s'", r->input);
	return TJ_EIO;
}

int tj_reader_set_lookahead(struct tj_reader *r, tj_lookahead_fn fn, void *ud)
{
	/* --jobs: the sources live in the workers' graphs (see identity.c). */
	if (r->workers || r->started)
		return TJ_EINVAL;
	r->la_fn = fn;
	r->la_ud = ud;
	return TJ_OK;
}

int tj_reader_start(struct tj_reader *r)
{
	int rc;
	if (r->started)
		return TJ_OK;
	if (r->workers) {
		/* The workers run the graphs; priming pulls their batches here. */
		rc = tj_workers_start(r->workers);
		if (rc == TJ_OK)
			rc = prime(r);
	} else {
		/* Iterators exist only inside a running graph: one run_once, whose
		 * consume primes and returns. */
		rc = graph_step(r);
	}
	sync_descs(r);
	if (rc == TJ_OK)
		r->started = 1;
	return rc;
}

int tj_reader_run(struct tj_reader *r, const struct tj_reader_callbacks *cb, int64_t stop_ts)
{
	int rc = tj_reader_start(r);
	if (rc)
		return rc;
	r->streams.cb = cb;
	r->stop_ts = stop_ts;
	r->cb_status = TJ_OK;
	r->paused = 0;
	rc = deliver_held(r);
	if (rc)
		return rc > 0 ? TJ_OK : rc;
	if (r->workers) {
		while (rc == 0)
			rc = merge_step(r);
		sync_descs(r);
		return rc < 0 ? rc : TJ_OK;
	}
	while (rc == TJ_OK && !r->ended && !r->paused)
		rc = graph_step(r);
	return rc;
}

const struct tj_trace_info *tj_reader_borrow_info(const struct tj_reader *r)
{
	return &r->info;
}

size_t tj_reader_stream_count(const struct tj_reader *r)
{
	return tj_streams_count(&r->streams);
}

const struct tj_stream_stats *tj_reader_borrow_stream_stats(const struct tj_reader *r, size_t i)
{
	return &r->streams.v[i]->stats;
}

void tj_reader_free(struct tj_reader *r)
{
	if (!r)
		return;
	/* Messages priming held are put before their iterators. */
	tj_streams_release(&r->streams, !r->workers);
	if (r->workers) {
		/* Batches go back to their workers before those stop. */
		for (size_t i = 0; i < r->nkept; i++)
			tj_workers_release(r->workers, r->kept[i]);
		for (size_t i = 0; i < r->nups; i++)
			if (r->ups[i].batch)
				tj_workers_release(r->workers, r->ups[i].batch);
		tj_workers_free(r->workers);
	}
	free(r->kept);
	free(r->trace_rank);
	for (size_t i = 0; i < r->nups; i++) {
		struct upstream *up = &r->ups[i];
		for (uint64_t j = up->pos; !r->workers && j < up->count; j++)
			bt_message_put_ref(up->msgs[j]);
		bt_message_iterator_put_ref(up->it);
		bt_message_iterator_put_ref(up->la_it);
		free(up->c.port_name);
	}
	for (uint32_t w = 0; w < r->nwgraphs; w++)
		bt_graph_put_ref(r->wgraphs[w]);
	free(r->wgraphs);
	bt_graph_put_ref(r->graph);
	bt_plugin_put_ref(r->ctf_plugin);
	for (size_t i = 0; i < r->ntraces; i++)
		tj_trace_slot_release(&r->traces[i]);
	free(r->traces);
	free(r->comps);
	free(r->descs);
	free(r->ups);
	tj_merge_release(&r->merge);
	free(r->input);
	free(r);
}
