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
#include "chunks.h"
#include "error.h"
#include "live.h"
#include "reader_impl.h"
#include "signals.h"
#include "trace_ranges.h"

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

/* Hand the message at up->pos to the streams: a flat event (--jobs) or a
 * libbabeltrace2 message. */
static int handle_head(struct tj_reader *r, struct upstream *up, const bt_message *m, int64_t ts,
		       int *kept)
{
	if (!m && up->batch)
		return tj_streams_handle_flat(&r->streams, &up->c, tj_batch_flat_at(up->batch, up->pos),
					      ts, kept);
	return tj_streams_handle(&r->streams, &up->c, m, ts, kept);
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
			/* A live source's "nothing before T" orders like a message at T
			 * (and is dropped when its turn comes): the others may go on. */
			if (ts == TJ_TS_NONE && r->live)
				ts = tj_live_inactivity_ts(m);
			if (ts != TJ_TS_NONE) {
				up->head_ts = r->xf ? tj_clock_xform_apply(&r->xf[up->c.trace_index], ts) : ts;
				return TJ_OK;
			}
			int kept = 0;
			int rc = handle_head(r, up, m, TJ_TS_NONE, &kept);
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
			/* A live source has nothing yet: the merge cannot know what
			 * comes first, so everything waits (see tj_live_idle). */
			if (r->live)
				return STEP_AGAIN;
			continue;
		case BT_MESSAGE_ITERATOR_NEXT_STATUS_MEMORY_ERROR:
			up->count = 0;
			return TJ_ENOMEM;
		default:
			up->count = 0;
			if (r->live && tj_live_stop_requested()) {
				/* interrupted on purpose: the run ends as if the session had */
				bt_current_thread_clear_error();
				up->ended = 1;
				return TJ_OK;
			}
			tj_bt_error_take();
			if (r->live)
				tj_error_append("lost the live session '%s' (did the relay or the "
						"session daemon stop?)",
						r->traces[up->c.trace_index].path);
			else
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
	int again = 0;
	r->streams.priming = 1;
	for (size_t i = 0; i < r->nups; i++) {
		if (r->ups[i].primed)
			continue;
		int rc = fill_head(r, &r->ups[i]);
		if (rc == STEP_AGAIN) {
			/* a live source with nothing yet: ask the others too (each
			 * attaches to its session on its first pull), then wait */
			again = 1;
			continue;
		}
		if (rc) {
			r->streams.priming = 0;
			return rc;
		}
		r->ups[i].primed = 1;
	}
	r->streams.priming = 0;
	if (again)
		return STEP_AGAIN;
	if (r->ntraces > 1 && !r->trace_rank &&
	    !(r->trace_rank = tj_trace_slots_rank(r->traces, r->ntraces, r->input)))
		return TJ_ENOMEM;
	for (size_t i = 0; i < r->nups; i++)
		if (!r->ups[i].ended)
			tj_merge_push(&r->merge, (uint32_t)i, head_key(r, &r->ups[i]));
	int64_t h = tj_merge_peek(&r->merge);
	r->info.first_ts = h >= 0 ? tj_merge_borrow_key(&r->merge, (uint32_t)h)->ts : TJ_TS_NONE;
	r->prime_done = 1;
	return TJ_OK;
}

/* The head upstream has consumed its message: read on and reorder. */
static int advance(struct tj_reader *r, struct upstream *up)
{
	int rc = fill_head(r, up);
	if (rc > 0) {
		/* TJ_DONE from an untimed message's callback, or STEP_AGAIN from a
		 * live source: finish later. */
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
			return rc == STEP_AGAIN ? rc : rc > 0 ? STEP_PAUSE : rc;
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
	rc = handle_head(r, up, m, ts, &kept);
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
	return rc == STEP_AGAIN ? rc : rc > 0 ? STEP_PAUSE : rc;
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
	if (rc == STEP_AGAIN)
		return TJ_SINK_AGAIN;
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
	if (r->live && tj_live_stop_requested()) {
		r->ended = 1;
		return TJ_OK;
	}
	bt_current_thread_clear_error(); /* a stale cause would abort the run (fill_head) */
	bt_graph_run_once_status st = bt_graph_run_once(r->graph);
	sync_descs(r);
	if (st == BT_GRAPH_RUN_ONCE_STATUS_END) {
		r->ended = 1;
		return TJ_OK;
	}
	if (r->live && st == BT_GRAPH_RUN_ONCE_STATUS_AGAIN) {
		tj_live_idle(r);
		return TJ_OK;
	}
	/* live: what one batch delivered reaches the output at once */
	if (r->live && st == BT_GRAPH_RUN_ONCE_STATUS_OK && r->live_flush)
		r->live_flush(r->live_flush_ud);
	if (r->live && tj_live_stop_requested() && !r->cb_status) {
		bt_current_thread_clear_error();
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
	if (r->workers || r->started || r->live)
		return TJ_EINVAL;
	r->la_fn = fn;
	r->la_ud = ud;
	return TJ_OK;
}

int tj_reader_set_clock_xforms(struct tj_reader *r, const struct tj_clock_xform *xf, size_t n)
{
	if (r->started || n != r->ntraces)
		return TJ_EINVAL;
	free(r->xf);
	r->xf = malloc((n ? n : 1) * sizeof(*r->xf));
	if (!r->xf)
		return TJ_ENOMEM;
	memcpy(r->xf, xf, n * sizeof(*xf));
	r->streams.xf = r->xf;
	/* a collection read group by group: by the times the merge will see */
	return tj_chunks_regroup(r);
}

static int sclass_declares(const bt_stream_class *sc, const char *const *names)
{
	uint64_t n = bt_stream_class_get_event_class_count(sc);
	for (uint64_t j = 0; j < n; j++) {
		const char *name =
			bt_event_class_get_name(bt_stream_class_borrow_event_class_by_index_const(sc, j));
		for (const char *const *w = names; name && *w; w++)
			if (strcmp(name, *w) == 0)
				return 1;
	}
	return 0;
}

int tj_reader_trace_declares(const struct tj_reader *r, uint32_t trace_index,
			     const char *const *names)
{
	/* a trace of a collection not opened yet: what its probe copied */
	const struct tj_trace_decl *d = tj_chunks_borrow_decl(r, trace_index);
	for (size_t i = 0; d && i < d->names.n; i++)
		for (const char *const *w = names; *w; w++)
			if (strcmp(d->names.v[i], *w) == 0)
				return 1;
	if (d)
		return 0;
	const struct tj_classes *c = &r->streams.classes;
	for (size_t i = 0; i < c->nscs; i++)
		if (c->scs[i]->trace_index == trace_index && c->scs[i]->bt &&
		    sclass_declares(c->scs[i]->bt, names))
			return 1;
	return 0;
}

int tj_reader_trace_clock_uuid(const struct tj_reader *r, uint32_t trace_index, char *buf,
			       size_t cap)
{
	const struct tj_trace_decl *d = tj_chunks_borrow_decl(r, trace_index);
	if (d) {
		snprintf(buf, cap, "%s", d->clock_uuid);
		return d->clock_uuid[0] != 0;
	}
	const struct tj_classes *c = &r->streams.classes;
	for (size_t i = 0; i < c->nscs; i++) {
		if (c->scs[i]->trace_index != trace_index || !c->scs[i]->bt)
			continue;
		const bt_clock_class *cc = bt_stream_class_borrow_default_clock_class_const(c->scs[i]->bt);
		bt_uuid u = cc ? bt_clock_class_get_uuid(cc) : NULL;
		if (!u)
			continue;
		snprintf(buf, cap,
			 "%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-%02x%02x%02x%02x%02x%02x",
			 u[0], u[1], u[2], u[3], u[4], u[5], u[6], u[7], u[8], u[9], u[10], u[11], u[12],
			 u[13], u[14], u[15]);
		return 1;
	}
	return 0;
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
		/* A live source may have nothing yet: wait for every first message. */
		while (rc == TJ_OK && r->live && !r->prime_done && !r->ended)
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
	for (;;) {
		while (rc == TJ_OK && !r->ended && !r->paused)
			rc = graph_step(r);
		if (rc || !r->ended || !r->chunks)
			return rc;
		/* a rotated session: on to the next chunk, which primes like the
		 * first and hands over what priming held */
		rc = tj_chunks_next(r);
		if (rc <= 0)
			return rc;
		r->ended = r->started = r->prime_done = 0;
		rc = graph_step(r);
		if (rc)
			return rc;
		r->started = 1;
		rc = deliver_held(r);
		if (rc)
			return rc > 0 ? TJ_OK : rc;
	}
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
