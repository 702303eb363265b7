/*
 * The trace reader at work (opening and freeing are in reader_open.c):
 * start runs the lookahead and primes every stream; run merges them
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
#include "error.h"
#include "reader_impl.h"
#include "signals.h"

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
		/* ctf.fs may return OK yet leave an error cause behind (a string
		 * running past its packet); the next call would then abort on
		 * libbabeltrace2's precondition check.  Drop the stale cause. */
		bt_current_thread_clear_error();
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
	/* SIGINT/SIGTERM/SIGHUP: unwind; main says "interrupted". */
	if (tj_signal_caught())
		return TJ_ERROR;
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
int tj_reader_consume(void *ud)
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

bt_message_iterator **tj_reader_iterator_slot(void *ud, uint32_t port)
{
	struct tj_reader *r = ud;
	return &r->ups[port].it;
}

bt_message_iterator **tj_reader_lookahead_slot(void *ud, uint32_t port)
{
	struct tj_reader *r = ud;
	return r->la_fn ? &r->ups[port].la_it : NULL;
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
	bt_current_thread_clear_error(); /* a stale cause would abort the run (fill_head) */
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
