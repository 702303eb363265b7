/*
 * The reader's merge heap (see merge.h).  Every key is distinct (the slot
 * index breaks the last tie), so the order in which slots come out depends
 * only on their keys, never on the heap's layout.
 */
#include <stdlib.h>

#include "merge.h"
#include "tjconv/plugin.h"

int tj_merge_init(struct tj_merge *m, size_t nslots)
{
	m->keys = calloc(nslots ? nslots : 1, sizeof(*m->keys));
	m->heap = calloc(nslots ? nslots : 1, sizeof(*m->heap));
	m->nheap = 0;
	m->nslots = nslots;
	if (!m->keys || !m->heap) {
		tj_merge_release(m);
		return TJ_ENOMEM;
	}
	return TJ_OK;
}

void tj_merge_release(struct tj_merge *m)
{
	free(m->keys);
	free(m->heap);
	m->keys = NULL;
	m->heap = NULL;
	m->nheap = m->nslots = 0;
}

static int less(const struct tj_merge *m, uint32_t a, uint32_t b)
{
	const struct tj_merge_key *ka = &m->keys[a], *kb = &m->keys[b];
	if (ka->ts != kb->ts)
		return ka->ts < kb->ts;
	if (ka->trace_index != kb->trace_index)
		return ka->trace_index < kb->trace_index;
	if (ka->tie != kb->tie)
		return ka->tie < kb->tie;
	return a < b;
}

static void sift_down(struct tj_merge *m, size_t i)
{
	for (;;) {
		size_t l = 2 * i + 1, s = i;
		if (l < m->nheap && less(m, m->heap[l], m->heap[s]))
			s = l;
		if (l + 1 < m->nheap && less(m, m->heap[l + 1], m->heap[s]))
			s = l + 1;
		if (s == i)
			return;
		uint32_t t = m->heap[i];
		m->heap[i] = m->heap[s];
		m->heap[s] = t;
		i = s;
	}
}

static void sift_up(struct tj_merge *m, size_t i)
{
	while (i > 0) {
		size_t p = (i - 1) / 2;
		if (!less(m, m->heap[i], m->heap[p]))
			return;
		uint32_t t = m->heap[i];
		m->heap[i] = m->heap[p];
		m->heap[p] = t;
		i = p;
	}
}

void tj_merge_push(struct tj_merge *m, uint32_t slot, struct tj_merge_key key)
{
	m->keys[slot] = key;
	m->heap[m->nheap++] = slot;
	sift_up(m, m->nheap - 1);
}

void tj_merge_update(struct tj_merge *m, struct tj_merge_key key)
{
	m->keys[m->heap[0]] = key;
	sift_down(m, 0);
}

void tj_merge_pop(struct tj_merge *m)
{
	m->heap[0] = m->heap[--m->nheap];
	if (m->nheap)
		sift_down(m, 0);
}
