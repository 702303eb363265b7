/*
 * Parallel decoding for --jobs N: N worker threads, each running its own
 * libbabeltrace2 graph over a subset of the streams, hand batches of
 * decoded messages to the reader's merge on the main thread.
 *
 * Events cross as flat records (flat_event.h): the worker copies each
 * event into its batch's arena and releases the message at once, so the
 * main thread reads no libbabeltrace2 event, field or packet object, and
 * the worker's pools recycle while still in its cache.  The rare other
 * messages (stream and packet boundaries, discard reports: a few per
 * packet) still cross as messages; they need the stream's trace and class
 * on first sight, which a flat copy would have to duplicate for nothing.
 *
 * Why this is safe with a library that is not thread-safe: every graph,
 * iterator and message is created, referenced and released only on its
 * worker's thread; the main thread only reads immutable fields of the
 * boundary messages the worker keeps alive until the main thread hands
 * the batch back, and immutable classes (event and field classes, whose
 * references it never takes or puts).
 */
#ifndef TJ_CORE_READER_JOBS_H
#define TJ_CORE_READER_JOBS_H

#include <stdint.h>

#include <babeltrace2/babeltrace.h>

#include "flat_event.h"

struct tj_workers;

/* A batch of messages of one segment (an upstream, or one window of a
 * split upstream), owned by its worker. */
struct tj_batch {
	struct tj_batch *next;
	uint32_t up;   /* the segment */
	uint32_t link; /* the link that made it */
	uint64_t count, cap;
	const bt_message **msgs; /* NULL: item i is the flat event at flat_at(b, i) */
	uint32_t *off;           /* offset in arena of each flat event */
	int64_t *ts;   /* tj_message_ts of each message */
	struct tj_flat_arena arena;
	const bt_packet *pkt;    /* worker: the packet last encoded in arena */
	size_t pkt_off;
};

static inline const struct tj_flat_event *tj_batch_flat_at(const struct tj_batch *b, uint64_t i)
{
	return (const struct tj_flat_event *)(const void *)(b->arena.data + b->off[i]);
}

/* Timestamp that orders a message in the merge (ns from origin), or
 * TJ_TS_NONE when the message only updates stream state. */
int64_t tj_message_ts(const bt_message *m);

/* reader_batch.c: a batch with room for cap messages, or NULL. */
struct tj_batch *tj_batch_new(uint64_t cap);
/* Item i of b is message m: an event is copied into b's arena as a flat
 * record and m released now; another message is kept in b.  -1: out of
 * memory (m not released). */
int tj_batch_flatten(struct tj_batch *b, uint64_t i, const bt_message *m);
/* Release what b holds (worker thread); b is empty and reusable. */
void tj_batch_release_messages(struct tj_batch *b);
/* Free a list of batches linked by next. */
void tj_batch_free_list(struct tj_batch *b);

/* Which segment each message of a window link feeds (stream_split.h):
 * by packet of its view (counted by packet ends), or -1 for a primer
 * packet, whose messages are dropped. */
struct tj_split_route {
	uint32_t npackets;
	int32_t *seg_of;
	int32_t end_seg;   /* the stream end's segment, or -1 (dropped) */
};

/* What a worker reads through one connected output port: a whole
 * upstream, or (route set) some windows of one. */
struct tj_up_link {
	bt_message_iterator *it;
	const char *name;
	uint32_t up, worker;
	const struct tj_split_route *route;  /* NULL: the whole upstream */
	uint64_t packets_ended;  /* route: packet ends seen */
	const bt_message *const *pend; /* route: messages of the iterator's last */
	uint64_t npend;          /* array not batched yet (a segment ended) */
	int32_t pend_seg;        /* segment of pend[0], -2: not routed yet */
	int32_t seg, closed;     /* route: the segment being filled, the one
				    just completed (-1: none) */
	uint32_t inflight;       /* route: its batches not handed back yet */
	int done;
};

/* One link to make: port belongs to graphs[worker]. */
struct tj_link_spec {
	const bt_port_output *port;
	uint32_t worker, up;
	const char *name;
	const struct tj_split_route *route; /* NULL: the whole upstream up */
};

/*
 * nworkers graphs, each already holding its sources; graphs[w] gets a sink
 * fed by the ports of the links whose worker is w.  Segments 0 .. nups - 1
 * are the upstreams (or their first windows); seg_next[s] (NULL when
 * nsegs == nups) is the next window of the same upstream, or -1.  Takes no
 * ownership of graphs.
 */
int tj_workers_create(struct tj_workers **out, bt_graph **graphs, uint32_t nworkers,
		      const struct tj_link_spec *links, uint32_t nlinks, uint32_t nups,
		      uint32_t nsegs, const int32_t *seg_next);
/* Start the threads (configures and runs each graph). */
int tj_workers_start(struct tj_workers *w);
/* Main thread: the next batch of upstream u (its windows one after the
 * other); NULL with *ended = 1 at its end, NULL with *ended = 0 on error
 * (cause appended). */
struct tj_batch *tj_workers_next(struct tj_workers *w, uint32_t u, int *ended);
/* Main thread: done with a batch; its worker releases the messages. */
void tj_workers_release(struct tj_workers *w, struct tj_batch *b);
/* Stop and join the threads, release everything. */
void tj_workers_free(struct tj_workers *w);

#endif
