/*
 * The batches workers hand the main thread (reader_jobs.h): timestamps
 * read on the decoding core, events turned into flat records
 * (flat_event.h) whose messages go back to libbabeltrace2 at once, and the
 * other messages kept until the batch comes back.
 */
#include <stdlib.h>

#include "core.h"
#include "reader_jobs.h"

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


void tj_batch_release_messages(struct tj_batch *b)
{
	for (uint64_t i = 0; i < b->count; i++)
		if (b->msgs[i])
			bt_message_put_ref(b->msgs[i]);
	b->count = 0;
	b->arena.len = 0;
	b->pkt = NULL;
}

void tj_batch_free_list(struct tj_batch *b)
{
	while (b) {
		struct tj_batch *n = b->next;
		tj_batch_release_messages(b);
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
int tj_batch_flatten(struct tj_batch *b, uint64_t i, const bt_message *m)
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

struct tj_batch *tj_batch_new(uint64_t cap)
{
	struct tj_batch *b = calloc(1, sizeof(*b));
	if (!b)
		return NULL;
	b->cap = cap;
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
