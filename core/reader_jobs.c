/*
 * Worker threads for parallel decoding (see reader_jobs.h).  Each worker's
 * sink, when the graph runs, loops: take back batches the main thread is
 * done with (releasing their messages here, on the owning thread), then
 * refill the emptiest of its upstreams' bounded queues.  Queues are bounded
 * so memory stays flat; a worker only waits when every queue it feeds is
 * full, and the main thread only waits on an empty queue, so they cannot
 * deadlock.  Synchronization is per batch (hundreds of messages).
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "error.h"
#include "graph.h"
#include "log.h"
#include "reader_jobs.h"

#ifndef BATCH_TARGET
#define BATCH_TARGET 256  /* messages per batch before it is handed over */
#endif
#ifndef MESSAGES_IN_FLIGHT
#define MESSAGES_IN_FLIGHT 4096 /* per worker, over all its queues */
#endif
#ifndef QUEUE_MAX
#define QUEUE_MAX 2       /* batches queued per upstream: decoded messages are
			     consumed while still in cache, and memory stays flat */
#endif

struct queue {
	struct tj_batch *head, *tail;
	uint32_t len;
	int ended;
	int failed;
};

struct worker {
	struct tj_workers *all;
	uint32_t index;
	bt_graph *graph;
	struct tj_sink_ops sink; /* our sink in graph (graph.c) calls back here */
	pthread_t thread;
	int started;
	uint32_t *ups;     /* global upstream indices fed by this worker */
	uint32_t nups;
	uint32_t rr;       /* round-robin cursor */
	uint32_t batch_target; /* messages per batch: fewer when feeding many
				  streams, so messages in flight stay bounded */
	double cpu_s;      /* the thread's CPU time when it ended */
	uint64_t events;   /* events it flattened */
	struct tj_batch *returned; /* protected by all->mu */
	struct tj_batch *free_list; /* worker only */
	char error[512];
};

struct tj_workers {
	struct worker *w;
	uint32_t nworkers;
	struct tj_up_link *links;
	struct queue *queues;
	uint32_t *owner;
	uint32_t nups;
	pthread_mutex_t mu;
	pthread_cond_t produce; /* a worker may make progress */
	pthread_cond_t consume; /* the main thread may make progress */
	int stop;
};

static int64_t snapshot_ns(const bt_clock_snapshot *cs)
{
	int64_t ns;
	if (!cs || bt_clock_snapshot_get_ns_from_origin(cs, &ns) != BT_CLOCK_SNAPSHOT_GET_NS_FROM_ORIGIN_STATUS_OK)
		return TJ_TS_NONE;
	return ns;
}

/* Timestamp that orders a message in the merge, or TJ_TS_NONE when the
 * message only updates stream state and can be handled at once. */
int64_t tj_message_ts(const bt_message *m)
{
	switch (bt_message_get_type(m)) {
	case BT_MESSAGE_TYPE_EVENT:
		if (!bt_message_event_borrow_stream_class_default_clock_class_const(m))
			return TJ_TS_NONE;
		return snapshot_ns(bt_message_event_borrow_default_clock_snapshot_const(m));
	case BT_MESSAGE_TYPE_DISCARDED_EVENTS: {
		const bt_stream_class *sc =
			bt_stream_borrow_class_const(bt_message_discarded_events_borrow_stream_const(m));
		if (!bt_stream_class_discarded_events_have_default_clock_snapshots(sc))
			return TJ_TS_NONE;
		return snapshot_ns(bt_message_discarded_events_borrow_beginning_default_clock_snapshot_const(m));
	}
	case BT_MESSAGE_TYPE_DISCARDED_PACKETS: {
		const bt_stream_class *sc =
			bt_stream_borrow_class_const(bt_message_discarded_packets_borrow_stream_const(m));
		if (!bt_stream_class_discarded_packets_have_default_clock_snapshots(sc))
			return TJ_TS_NONE;
		return snapshot_ns(bt_message_discarded_packets_borrow_beginning_default_clock_snapshot_const(m));
	}
	default:
		return TJ_TS_NONE;
	}
}


static void release_messages(struct tj_batch *b)
{
	for (uint64_t i = 0; i < b->count; i++)
		if (b->msgs[i])
			bt_message_put_ref(b->msgs[i]);
	b->count = 0;
	b->arena.len = 0;
	b->pkt = NULL;
}

static struct tj_batch *batch_get(struct worker *wk)
{
	struct tj_batch *b = wk->free_list;
	if (b) {
		wk->free_list = b->next;
		b->next = NULL;
		return b;
	}
	b = calloc(1, sizeof(*b));
	if (!b)
		return NULL;
	b->cap = BATCH_TARGET + 64;
	b->msgs = malloc(b->cap * sizeof(*b->msgs));
	b->ts = malloc(b->cap * sizeof(*b->ts));
	b->off = malloc(b->cap * sizeof(*b->off));
	if (!b->msgs || !b->ts || !b->off) {
		free(b->msgs);
		free(b->ts);
		free(b->off);
		free(b);
		return NULL;
	}
	return b;
}

static void batch_free_list(struct tj_batch *b)
{
	while (b) {
		struct tj_batch *n = b->next;
		release_messages(b);
		free(b->msgs);
		free(b->ts);
		free(b->off);
		tj_flat_arena_release(&b->arena);
		free(b);
		b = n;
	}
}

/* Item i of b: an event becomes a flat record and its message goes back to
 * libbabeltrace2's pools now; other messages are kept until b returns. */
static int flatten(struct tj_batch *b, uint64_t i, const bt_message *m)
{
	b->ts[i] = tj_message_ts(m);
	bt_message_type t = bt_message_get_type(m);
	if (t != BT_MESSAGE_TYPE_EVENT) {
		/* a packet boundary: the next event's packet is a new one (its
		 * object may even reuse the old one's memory) */
		if (t == BT_MESSAGE_TYPE_PACKET_BEGINNING || t == BT_MESSAGE_TYPE_PACKET_END)
			b->pkt = NULL;
		b->msgs[i] = m;
		return 0;
	}
	const bt_event *e = bt_message_event_borrow_event_const(m);
	const bt_packet *pkt = bt_event_borrow_packet_const(e);
	size_t off;
	if (!b->pkt || pkt != b->pkt) {
		if (tj_flat_add_packet(&b->arena, pkt, &b->pkt_off))
			return -1;
		b->pkt = pkt;
	}
	if (tj_flat_add_event(&b->arena, e, b->pkt_off, &off) || off > UINT32_MAX)
		return -1;
	b->msgs[i] = NULL;
	b->off[i] = (uint32_t)off;
	bt_message_put_ref(m);
	return 0;
}

/* Pull messages of upstream u into b until it is full or the stream ends.
 * Returns 1 at the end, 0 to go on, -1 on error (message in wk->error). */
static int fill_batch(struct worker *wk, uint32_t u, struct tj_batch *b)
{
	struct tj_up_link *link = &wk->all->links[u];
	while (b->count < wk->batch_target) {
		bt_message_array_const msgs;
		uint64_t n;
		bt_message_iterator_next_status st = bt_message_iterator_next(link->it, &msgs, &n);
		if (st == BT_MESSAGE_ITERATOR_NEXT_STATUS_END)
			return 1;
		if (st == BT_MESSAGE_ITERATOR_NEXT_STATUS_AGAIN)
			continue;
		if (st != BT_MESSAGE_ITERATOR_NEXT_STATUS_OK) {
			const bt_error *err = bt_current_thread_take_error();
			const char *why = "decoding failed";
			if (err && bt_error_get_cause_count(err) > 0)
				why = bt_error_cause_get_message(bt_error_borrow_cause_by_index(err, 0));
			snprintf(wk->error, sizeof(wk->error), "cannot read stream '%s': %.*s",
				 link->name, (int)strcspn(why, "\n"), why);
			if (err)
				bt_error_release(err);
			return -1;
		}
		if (b->count + n > b->cap) {
			uint64_t cap = (b->count + n) * 2;
			const bt_message **v = realloc(b->msgs, cap * sizeof(*v));
			int64_t *tv = v ? realloc(b->ts, cap * sizeof(*tv)) : NULL;
			uint32_t *ov = tv ? realloc(b->off, cap * sizeof(*ov)) : NULL;
			if (v)
				b->msgs = v;
			if (tv)
				b->ts = tv;
			if (ov)
				b->off = ov;
			if (!v || !tv || !ov) {
				for (uint64_t i = 0; i < n; i++)
					bt_message_put_ref(msgs[i]);
				snprintf(wk->error, sizeof(wk->error), "out of memory");
				return -1;
			}
			b->cap = cap;
		}
		/* Timestamps are read here, on the core that just decoded the
		 * message: the merge then orders batches without touching them. */
		for (uint64_t i = 0; i < n; i++) {
			if (flatten(b, b->count + i, msgs[i])) {
				for (uint64_t j = i; j < n; j++)
					bt_message_put_ref(msgs[j]);
				b->count += i;
				snprintf(wk->error, sizeof(wk->error), "out of memory");
				return -1;
			}
			wk->events += !b->msgs[b->count + i];
		}
		b->count += n;
	}
	return 0;
}

/* The upstream with the shortest queue (the merge is most likely waiting
 * for it), or -1 when all are full; caller holds the lock. */
static int pick_upstream(struct worker *wk, int *all_ended)
{
	struct tj_workers *all = wk->all;
	int best = -1;
	uint32_t best_len = QUEUE_MAX;
	*all_ended = 1;
	for (uint32_t k = 0; k < wk->nups; k++) {
		uint32_t u = wk->ups[(wk->rr + k) % wk->nups];
		struct queue *q = &all->queues[u];
		if (q->ended || q->failed)
			continue;
		*all_ended = 0;
		if (q->len < best_len) {
			best_len = q->len;
			best = (int)u;
			if (best_len == 0)
				break;
		}
	}
	wk->rr = (wk->rr + 1) % (wk->nups ? wk->nups : 1);
	return best;
}

/* The sink's consume: runs until the worker has nothing more to do. */
static int worker_consume(void *ud)
{
	struct worker *wk = ud;
	struct tj_workers *all = wk->all;

	for (;;) {
		int ended, u;
		pthread_mutex_lock(&all->mu);
		for (;;) {
			if (all->stop) {
				pthread_mutex_unlock(&all->mu);
				return TJ_SINK_END;
			}
			struct tj_batch *ret = wk->returned;
			wk->returned = NULL;
			if (ret) {
				/* Release outside the lock, then look again. */
				pthread_mutex_unlock(&all->mu);
				while (ret) {
					struct tj_batch *n = ret->next;
					release_messages(ret);
					ret->next = wk->free_list;
					wk->free_list = ret;
					ret = n;
				}
				pthread_mutex_lock(&all->mu);
				continue;
			}
			u = pick_upstream(wk, &ended);
			if (u >= 0 || ended)
				break;
			pthread_cond_wait(&all->produce, &all->mu);
		}
		pthread_mutex_unlock(&all->mu);
		if (ended)
			return TJ_SINK_END;

		struct tj_batch *b = batch_get(wk);
		int st = b ? fill_batch(wk, (uint32_t)u, b) : -1;
		if (!b)
			snprintf(wk->error, sizeof(wk->error), "out of memory");
		pthread_mutex_lock(&all->mu);
		struct queue *q = &all->queues[u];
		if (b && b->count) {
			b->up = (uint32_t)u;
			b->next = NULL;
			if (q->tail)
				q->tail->next = b;
			else
				q->head = b;
			q->tail = b;
			q->len++;
		} else if (b) {
			b->next = wk->free_list;
			wk->free_list = b;
		}
		if (st == 1)
			q->ended = 1;
		else if (st < 0)
			q->failed = 1;
		pthread_cond_broadcast(&all->consume);
		pthread_mutex_unlock(&all->mu);
		if (st < 0)
			return TJ_SINK_END;
	}
}

static bt_message_iterator **worker_iterator_slot(void *ud, uint32_t port)
{
	struct worker *wk = ud;
	return &wk->all->links[wk->ups[port]].it;
}

int tj_workers_create(struct tj_workers **out, bt_graph **graphs, uint32_t nworkers,
		      const bt_port_output **ports, const uint32_t *owner, const char **names,
		      uint32_t nups)
{
	struct tj_workers *all = calloc(1, sizeof(*all));
	*out = NULL;
	if (!all)
		return TJ_ENOMEM;
	all->nworkers = nworkers;
	all->nups = nups;
	all->w = calloc(nworkers, sizeof(*all->w));
	all->links = calloc(nups, sizeof(*all->links));
	all->queues = calloc(nups, sizeof(*all->queues));
	all->owner = calloc(nups, sizeof(*all->owner));
	pthread_mutex_init(&all->mu, NULL);
	pthread_cond_init(&all->produce, NULL);
	pthread_cond_init(&all->consume, NULL);
	if (!all->w || !all->links || !all->queues || !all->owner) {
		tj_workers_free(all);
		return TJ_ENOMEM;
	}
	memcpy(all->owner, owner, nups * sizeof(*owner));
	for (uint32_t u = 0; u < nups; u++)
		all->links[u].name = names[u];
	for (uint32_t w = 0; w < nworkers; w++) {
		struct worker *wk = &all->w[w];
		wk->all = all;
		wk->index = w;
		wk->graph = graphs[w];
		wk->ups = calloc(nups, sizeof(*wk->ups));
		if (!wk->ups) {
			tj_workers_free(all);
			return TJ_ENOMEM;
		}
		for (uint32_t u = 0; u < nups; u++)
			if (owner[u] == w)
				wk->ups[wk->nups++] = u;
		wk->batch_target = wk->nups ? MESSAGES_IN_FLIGHT / (QUEUE_MAX * wk->nups) : BATCH_TARGET;
		if (wk->batch_target > BATCH_TARGET)
			wk->batch_target = BATCH_TARGET;
		if (wk->batch_target < 16)
			wk->batch_target = 16;
		wk->sink = (struct tj_sink_ops){.ud = wk, .nports = wk->nups,
						.iterator_slot = worker_iterator_slot,
						.consume = worker_consume};
		const bt_component_sink *sink;
		if (tj_graph_add_sink(wk->graph, "worker", &wk->sink, &sink)) {
			tj_error_append("cannot set up decoding worker %u", (unsigned)w);
			tj_workers_free(all);
			return TJ_ERROR;
		}
		for (uint32_t i = 0; i < wk->nups; i++)
			if (tj_graph_connect(wk->graph, ports[wk->ups[i]], sink, i, names[wk->ups[i]])) {
				tj_workers_free(all);
				return TJ_ERROR;
			}
	}
	*out = all;
	return TJ_OK;
}

static double thread_cpu_s(void)
{
	struct timespec ts;
	return clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts) == 0 ? (double)ts.tv_sec + ts.tv_nsec / 1e9
								 : 0;
}

static void *worker_main(void *arg)
{
	struct worker *wk = arg;
	bt_graph_run_status st = bt_graph_run(wk->graph);
	wk->cpu_s = thread_cpu_s();
	if (st != BT_GRAPH_RUN_STATUS_OK) {
		/* Configuration failed: fail every queue this worker feeds. */
		const bt_error *err = bt_current_thread_take_error();
		if (!wk->error[0])
			snprintf(wk->error, sizeof(wk->error), "decoding worker %u failed",
				 (unsigned)wk->index);
		if (err)
			bt_error_release(err);
		pthread_mutex_lock(&wk->all->mu);
		for (uint32_t i = 0; i < wk->nups; i++)
			if (!wk->all->queues[wk->ups[i]].ended)
				wk->all->queues[wk->ups[i]].failed = 1;
		pthread_cond_broadcast(&wk->all->consume);
		pthread_mutex_unlock(&wk->all->mu);
	}
	return NULL;
}

int tj_workers_start(struct tj_workers *all)
{
	for (uint32_t w = 0; w < all->nworkers; w++) {
		if (pthread_create(&all->w[w].thread, NULL, worker_main, &all->w[w]) != 0) {
			tj_error_append("cannot start decoding thread");
			return TJ_ERROR;
		}
		all->w[w].started = 1;
	}
	return TJ_OK;
}

struct tj_batch *tj_workers_next(struct tj_workers *all, uint32_t u, int *ended)
{
	struct queue *q = &all->queues[u];
	struct tj_batch *b = NULL;
	pthread_mutex_lock(&all->mu);
	while (!q->head && !q->ended && !q->failed)
		pthread_cond_wait(&all->consume, &all->mu);
	if (q->head) {
		b = q->head;
		q->head = b->next;
		if (!q->head)
			q->tail = NULL;
		q->len--;
		b->next = NULL;
		pthread_cond_broadcast(&all->produce);
	}
	*ended = !b && q->ended;
	int failed = !b && q->failed;
	pthread_mutex_unlock(&all->mu);
	if (failed) {
		struct worker *wk = &all->w[all->owner[u]];
		tj_error_append("%s", wk->error[0] ? wk->error : "decoding failed");
	}
	return b;
}

void tj_workers_release(struct tj_workers *all, struct tj_batch *b)
{
	struct worker *wk = &all->w[all->owner[b->up]];
	pthread_mutex_lock(&all->mu);
	b->next = wk->returned;
	wk->returned = b;
	pthread_cond_broadcast(&all->produce);
	pthread_mutex_unlock(&all->mu);
}

void tj_workers_free(struct tj_workers *all)
{
	if (!all)
		return;
	pthread_mutex_lock(&all->mu);
	all->stop = 1;
	pthread_cond_broadcast(&all->produce);
	pthread_mutex_unlock(&all->mu);
	for (uint32_t w = 0; all->w && w < all->nworkers; w++)
		if (all->w[w].started)
			pthread_join(all->w[w].thread, NULL);
	/* TJCONV_DEBUG=1: CPU time by thread, the main thread's being the
	 * critical path on an idle machine (what wall time hides on a busy one) */
	tj_log(TJ_LOG_DEBUG, NULL, "jobs: main thread %.3f s CPU", thread_cpu_s());
	for (uint32_t w = 0; all->w && w < all->nworkers; w++)
		tj_log(TJ_LOG_DEBUG, NULL, "jobs: worker %u %.3f s CPU, %llu events", (unsigned)w,
		       all->w[w].cpu_s, (unsigned long long)all->w[w].events);
	/* Threads are gone: release what they owned, on this thread. */
	for (uint32_t u = 0; all->queues && u < all->nups; u++)
		batch_free_list(all->queues[u].head);
	for (uint32_t u = 0; all->links && u < all->nups; u++)
		bt_message_iterator_put_ref(all->links[u].it);
	for (uint32_t w = 0; all->w && w < all->nworkers; w++) {
		batch_free_list(all->w[w].returned);
		batch_free_list(all->w[w].free_list);
		free(all->w[w].ups);
	}
	pthread_mutex_destroy(&all->mu);
	pthread_cond_destroy(&all->produce);
	pthread_cond_destroy(&all->consume);
	free(all->w);
	free(all->links);
	free(all->queues);
	free(all->owner);
	free(all);
}
