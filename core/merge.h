/*
 * The k-way merge of the reader: a binary heap of upstream slots ordered by
 * each slot's key (the timestamp of its head message, then tie-breaks).
 * Internal to the reader; separate so that the order can be unit-tested.
 */
#ifndef TJ_CORE_MERGE_H
#define TJ_CORE_MERGE_H

#include <stddef.h>
#include <stdint.h>

/* Time order; equal times in (trace, stream class id << 32 | stream id,
 * slot index) order, as babeltrace2's muxer does, so ties do not depend on
 * file-name order (channel0_10 sorts before channel0_3). */
struct tj_merge_key {
	int64_t ts;
	uint32_t trace_index;
	uint64_t tie;
};

struct tj_merge {
	struct tj_merge_key *keys; /* by slot */
	uint32_t *heap;            /* slots */
	size_t nheap, nslots;
};

/* Room for nslots slots (0 .. nslots - 1), none in the heap yet. */
int tj_merge_init(struct tj_merge *m, size_t nslots);
void tj_merge_release(struct tj_merge *m);
/* Put slot (not in the heap) in with this key. */
void tj_merge_push(struct tj_merge *m, uint32_t slot, struct tj_merge_key key);
/* The slot with the smallest key, or -1 when empty. */
static inline int64_t tj_merge_peek(const struct tj_merge *m)
{
	return m->nheap ? (int64_t)m->heap[0] : -1;
}
static inline const struct tj_merge_key *tj_merge_borrow_key(const struct tj_merge *m, uint32_t slot)
{
	return &m->keys[slot];
}
/* The head slot has a new key (its next message): restore the order. */
void tj_merge_update(struct tj_merge *m, struct tj_merge_key key);
/* Remove the head slot (its upstream ended). */
void tj_merge_pop(struct tj_merge *m);

#endif
