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
#ifndef WINDOW_BATCHES
#define WINDOW_BATCHES 8 /* batches a window link may have in flight.  Few:
			    each message in flight is a libbabeltrace2 event
			    its decoder's pools cannot reuse (allocation, memory,
			    a long teardown: 160 batches cost 270 MB and 0.6 G
			    instructions of teardown on a 1 M-event stream).
			    With flat records this can hold a whole window, so
			    a worker decodes its next window while the main
			    thread still reads the one before. */
#endif

/* The batches of one segment (an upstream, or one window of it). */
struct queue {
	struct tj_batch *head, *tail;
	uint32_t len;
	int ended;
	int failed;
	uint32_t link;  /* the link that fills it */
	int32_t next;   /* the upstream's next segment, or -1 */
};

struct worker {
	struct tj_workers *all;
	uint32_t index;
	bt_graph *graph;
	struct tj_sink_ops sink; /* our sink in graph (graph.c) calls back here */
	pthread_t thread;
	int started;
	uint32_t *ups;     /* the links this worker reads */
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
	uint32_t nlinks;
	struct queue *queues;   /* by segment */
	uint32_t nsegs;
	uint32_t *cur;          /* by upstream: the segment the main thread reads */
	uint32_t nups;
	pthread_mutex_t mu;
	pthread_cond_t produce; /* a worker may make progress */
	pthread_cond_t consume; /* the main thread may make progress */
	int stop;
};

static struct tj_batch *batch_get(struct worker *wk)
{
	struct tj_batch *b = wk->free_list;
	if (b) {
		wk->free_list = b->next;
		b->next = NULL;
		return b;
	}
	return tj_batch_new(BATCH_TARGET + 64);
}

/* The segment message m of a window link feeds, or -1 to drop it: a
 * message belongs to the packet whose end is the next packet end. */
static int32_t route_message(struct tj_up_link *link, const bt_message *m)
{
	const struct tj_split_route *r = link->route;
	switch (bt_message_get_type(m)) {
	case BT_MESSAGE_TYPE_STREAM_END:
		return r->end_seg;
	case BT_MESSAGE_TYPE_PACKET_END: {
		uint64_t p = link->packets_ended++;
		return p < r->npackets ? r->seg_of[p] : -1;
	}
	default:
		return link->packets_ended < r->npackets ? r->seg_of[link->packets_ended] : -1;
	}
}

static int read_error(struct worker *wk, struct tj_up_link *link)
{
	const bt_error *err = bt_current_thread_take_error();
	const char *why = "decoding failed";
	if (err && bt_error_get_cause_count(err) > 0)
		why = bt_error_cause_get_message(bt_error_borrow_cause_by_index(err, 0));
	snprintf(wk->error, sizeof(wk->error), "cannot read stream '%s': %.*s", link->name,
		 (int)strcspn(why, "\n"), why);
	if (err)
		bt_error_release(err);
	return -1;
}

/* Pull messages of link li into b until it is full, the stream ends (1)
 * or, for a window link, the segment changes (2: the rest waits in
 * link->pend).  0 to go on, -1 on error (message in wk->error). */
static int fill_batch(struct worker *wk, uint32_t li, struct tj_batch *b)
{
	struct tj_up_link *link = &wk->all->links[li];
	b->link = li;
	if (!link->route)
		b->up = link->up;
	while (b->count < wk->batch_target) {
		if (!link->npend) {
			bt_message_array_const msgs;
			uint64_t n;
			bt_message_iterator_next_status st = bt_message_iterator_next(link->it, &msgs, &n);
			if (st == BT_MESSAGE_ITERATOR_NEXT_STATUS_END)
				return 1;
			if (st == BT_MESSAGE_ITERATOR_NEXT_STATUS_AGAIN)
				continue;
			if (st != BT_MESSAGE_ITERATOR_NEXT_STATUS_OK)
				return read_error(wk, link);
			link->pend = msgs;
			link->npend = n;
			link->pend_seg = -2;
		}
		if (b->count + link->npend > b->cap) {
			uint64_t cap = (b->count + link->npend) * 2;
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
				snprintf(wk->error, sizeof(wk->error), "out of memory");
				return -1;
			}
			b->cap = cap;
		}
		/* Timestamps are read here, on the core that just decoded the
		 * message: the merge then orders batches without touching them. */
		while (link->npend) {
			const bt_message *m = link->pend[0];
			if (link->route) {
				if (link->pend_seg == -2)
					link->pend_seg = route_message(link, m);
				if (link->pend_seg < 0) {
					bt_message_put_ref(m);
					link->pend++;
					link->npend--;
					link->pend_seg = -2;
					continue;
				}
				if (link->pend_seg != link->seg) {
					/* The segment before is complete (the caller
					 * marks it so once b is queued). */
					link->closed = link->seg;
					link->seg = link->pend_seg;
					if (b->count)
						return 2;
				}
				b->up = (uint32_t)link->pend_seg;
				link->pend_seg = -2;
			}
			if (tj_batch_flatten(b, b->count, m)) {
				for (uint64_t j = 0; j < link->npend; j++)
					bt_message_put_ref(link->pend[j]);
				link->npend = 0;
				snprintf(wk->error, sizeof(wk->error), "out of memory");
				return -1;
			}
			wk->events += !b->msgs[b->count];
			b->count++;
			link->pend++;
			link->npend--;
		}
	}
	return 0;
}

/* The link with the shortest queue (the merge is most likely waiting for
 * it), or -1 when none may fill one now; caller holds the lock. */
static int pick_upstream(struct worker *wk, int *all_ended)
{
	struct tj_workers *all = wk->all;
	int best = -1;
	uint32_t best_len = UINT32_MAX;
	*all_ended = 1;
	for (uint32_t k = 0; k < wk->nups; k++) {
		uint32_t li = wk->ups[(wk->rr + k) % wk->nups];
		struct tj_up_link *link = &all->links[li];
		if (link->done)
			continue;
		*all_ended = 0;
		uint32_t len;
		if (link->route) {
			/* A window link runs ahead of the main thread by its
			 * budget, whatever segment it is in. */
			if (link->inflight >= WINDOW_BATCHES)
				continue;
			len = link->inflight;
		} else {
			len = all->queues[link->up].len;
			if (len >= QUEUE_MAX)
				continue;
		}
		if (len < best_len) {
			best_len = len;
			best = (int)li;
			if (best_len == 0)
				break;
		}
	}
	wk->rr = (wk->rr + 1) % (wk->nups ? wk->nups : 1);
	return best;
}

/* Caller holds the lock: the segments link li fills are all complete. */
static void link_ended(struct tj_workers *all, uint32_t li, int failed)
{
	all->links[li].done = 1;
	for (uint32_t s = 0; s < all->nsegs; s++)
		if (all->queues[s].link == li && !all->queues[s].ended) {
			if (failed)
				all->queues[s].failed = 1;
			else
				all->queues[s].ended = 1;
		}
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
					tj_batch_release_messages(ret);
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
		if (b && b->count) {
			struct queue *q = &all->queues[b->up];
			b->next = NULL;
			if (q->tail)
				q->tail->next = b;
			else
				q->head = b;
			q->tail = b;
			q->len++;
			if (all->links[u].route)
				all->links[u].inflight++;
		} else if (b) {
			b->next = wk->free_list;
			wk->free_list = b;
		}
		if (all->links[u].closed >= 0) {
			/* the link went on to its next window */
			all->queues[all->links[u].closed].ended = 1;
			all->links[u].closed = -1;
		}
		if (st == 1 || st < 0)
			link_ended(all, (uint32_t)u, st < 0);
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
		      const struct tj_link_spec *links, uint32_t nlinks, uint32_t nups,
		      uint32_t nsegs, const int32_t *seg_next)
{
	struct tj_workers *all = calloc(1, sizeof(*all));
	*out = NULL;
	if (!all)
		return TJ_ENOMEM;
	all->nworkers = nworkers;
	all->nups = nups;
	all->nlinks = nlinks;
	all->nsegs = nsegs;
	all->w = calloc(nworkers, sizeof(*all->w));
	all->links = calloc(nlinks ? nlinks : 1, sizeof(*all->links));
	all->queues = calloc(nsegs ? nsegs : 1, sizeof(*all->queues));
	all->cur = calloc(nups ? nups : 1, sizeof(*all->cur));
	pthread_mutex_init(&all->mu, NULL);
	pthread_cond_init(&all->produce, NULL);
	pthread_cond_init(&all->consume, NULL);
	if (!all->w || !all->links || !all->queues || !all->cur) {
		tj_workers_free(all);
		return TJ_ENOMEM;
	}
	for (uint32_t u = 0; u < nups; u++)
		all->cur[u] = u;
	for (uint32_t s = 0; s < nsegs; s++)
		all->queues[s].next = seg_next ? seg_next[s] : -1;
	for (uint32_t li = 0; li < nlinks; li++) {
		struct tj_up_link *link = &all->links[li];
		link->name = links[li].name;
		link->up = links[li].up;
		link->worker = links[li].worker;
		link->route = links[li].route;
		link->pend_seg = -2;
		link->seg = link->closed = -1;
		if (!link->route) {
			all->queues[link->up].link = li;
			continue;
		}
		for (uint32_t p = 0; p < link->route->npackets; p++)
			if (link->route->seg_of[p] >= 0)
				all->queues[link->route->seg_of[p]].link = li;
	}
	for (uint32_t w = 0; w < nworkers; w++) {
		struct worker *wk = &all->w[w];
		wk->all = all;
		wk->index = w;
		wk->graph = graphs[w];
		wk->ups = calloc(nlinks ? nlinks : 1, sizeof(*wk->ups));
		if (!wk->ups) {
			tj_workers_free(all);
			return TJ_ENOMEM;
		}
		uint32_t nwhole = 0;
		for (uint32_t li = 0; li < nlinks; li++)
			if (links[li].worker == w) {
				wk->ups[wk->nups++] = li;
				nwhole += !links[li].route;
			}
		wk->batch_target = nwhole ? MESSAGES_IN_FLIGHT / (QUEUE_MAX * nwhole) : BATCH_TARGET;
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
			if (tj_graph_connect(wk->graph, links[wk->ups[i]].port, sink, i,
					     links[wk->ups[i]].name)) {
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
			link_ended(wk->all, wk->ups[i], 1);
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
	struct queue *q;
	struct tj_batch *b = NULL;
	pthread_mutex_lock(&all->mu);
	for (;;) {
		q = &all->queues[all->cur[u]];
		while (!q->head && !q->ended && !q->failed)
			pthread_cond_wait(&all->consume, &all->mu);
		/* A window read to its end: the upstream goes on with the next. */
		if (q->head || q->failed || q->next < 0)
			break;
		all->cur[u] = (uint32_t)q->next;
	}
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
		struct worker *wk = &all->w[all->links[q->link].worker];
		tj_error_append("%s", wk->error[0] ? wk->error : "decoding failed");
	}
	return b;
}

void tj_workers_release(struct tj_workers *all, struct tj_batch *b)
{
	struct tj_up_link *link = &all->links[b->link];
	struct worker *wk = &all->w[link->worker];
	pthread_mutex_lock(&all->mu);
	if (link->route)
		link->inflight--;
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
	for (uint32_t s = 0; all->queues && s < all->nsegs; s++)
		tj_batch_free_list(all->queues[s].head);
	for (uint32_t li = 0; all->links && li < all->nlinks; li++) {
		struct tj_up_link *link = &all->links[li];
		for (uint64_t i = 0; i < link->npend; i++)
			bt_message_put_ref(link->pend[i]);
		bt_message_iterator_put_ref(link->it);
	}
	for (uint32_t w = 0; all->w && w < all->nworkers; w++) {
		tj_batch_free_list(all->w[w].returned);
		tj_batch_free_list(all->w[w].free_list);
		free(all->w[w].ups);
	}
	pthread_mutex_destroy(&all->mu);
	pthread_cond_destroy(&all->produce);
	pthread_cond_destroy(&all->consume);
	free(all->w);
	free(all->links);
	free(all->queues);
	free(all->cur);
	free(all);
}
