/*
 * tjconv/map.h: an integer-keyed hash map for plugins and the core alike
 * (threads by tid, processes by pid, tracks by id).  Header-only, so a
 * plugin gets it without linking anything of the host.
 *
 * Open addressing with linear probing and tombstones; values are pointers
 * owned by the caller (NULL cannot be stored).  Iteration order depends only
 * on the sequence of puts and deletes, so output built from it is
 * reproducible from run to run.
 *
 *   struct tj_map m = {0};
 *   tj_map_put(&m, tid, thread);
 *   struct thread *t = tj_map_get(&m, tid);
 *   for (size_t it = 0; (v = tj_map_next(&m, &it, &key));) ...
 *   tj_map_release(&m);   // frees the table, not the values
 */
#ifndef TJCONV_MAP_H
#define TJCONV_MAP_H

#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#ifdef __cplusplus
extern "C" {
#endif

struct tj_map_slot {
	int64_t key;
	void *value; /* NULL: empty; TJ_MAP_TOMBSTONE: deleted */
};

struct tj_map {
	struct tj_map_slot *slots;
	size_t cap, n, used; /* used counts tombstones too */
};

/* Never a valid object address; the same in every translation unit. */
#define TJ_MAP_TOMBSTONE ((void *)(uintptr_t)1)

static inline size_t tj_map_slot_of_(int64_t key, size_t cap)
{
	uint64_t h = (uint64_t)key * UINT64_C(0x9E3779B97F4A7C15);
	return (size_t)(h >> 17) & (cap - 1);
}

/* The value stored under key, or NULL. */
static inline void *tj_map_get(const struct tj_map *m, int64_t key)
{
	if (!m->cap)
		return NULL;
	for (size_t i = tj_map_slot_of_(key, m->cap);; i = (i + 1) & (m->cap - 1)) {
		const struct tj_map_slot *s = &m->slots[i];
		if (!s->value)
			return NULL;
		if (s->value != TJ_MAP_TOMBSTONE && s->key == key)
			return s->value;
	}
}

static inline int tj_map_put(struct tj_map *m, int64_t key, void *value);

static inline int tj_map_grow_(struct tj_map *m)
{
	size_t cap = m->cap ? m->cap * 2 : 64;
	/* Only rehash to the same size when tombstones dominate. */
	if (m->cap && m->n * 4 < m->cap)
		cap = m->cap;
	struct tj_map_slot *old = m->slots;
	size_t oldcap = m->cap;
	m->slots = (struct tj_map_slot *)calloc(cap, sizeof(*m->slots));
	if (!m->slots) {
		m->slots = old;
		return -1;
	}
	m->cap = cap;
	m->n = m->used = 0;
	for (size_t i = 0; i < oldcap; i++)
		if (old[i].value && old[i].value != TJ_MAP_TOMBSTONE)
			tj_map_put(m, old[i].key, old[i].value);
	free(old);
	return 0;
}

/* Insert or replace (value must not be NULL); 0, or -1 when out of memory. */
static inline int tj_map_put(struct tj_map *m, int64_t key, void *value)
{
	if ((m->used + 1) * 4 > m->cap * 3 && tj_map_grow_(m))
		return -1;
	struct tj_map_slot *grave = NULL;
	for (size_t i = tj_map_slot_of_(key, m->cap);; i = (i + 1) & (m->cap - 1)) {
		struct tj_map_slot *s = &m->slots[i];
		if (!s->value) {
			if (grave)
				s = grave;
			else
				m->used++;
			s->key = key;
			s->value = value;
			m->n++;
			return 0;
		}
		if (s->value == TJ_MAP_TOMBSTONE) {
			if (!grave)
				grave = s;
		} else if (s->key == key) {
			s->value = value;
			return 0;
		}
	}
}

/* Remove key and return its value (NULL if absent). */
static inline void *tj_map_del(struct tj_map *m, int64_t key)
{
	if (!m->cap)
		return NULL;
	for (size_t i = tj_map_slot_of_(key, m->cap);; i = (i + 1) & (m->cap - 1)) {
		struct tj_map_slot *s = &m->slots[i];
		if (!s->value)
			return NULL;
		if (s->value != TJ_MAP_TOMBSTONE && s->key == key) {
			void *v = s->value;
			s->value = TJ_MAP_TOMBSTONE;
			m->n--;
			return v;
		}
	}
}

/* Iterate from *iter = 0; the next value (and its key), or NULL at the end. */
static inline void *tj_map_next(const struct tj_map *m, size_t *iter, int64_t *key)
{
	for (; *iter < m->cap; (*iter)++) {
		const struct tj_map_slot *s = &m->slots[*iter];
		if (s->value && s->value != TJ_MAP_TOMBSTONE) {
			(*iter)++;
			if (key)
				*key = s->key;
			return s->value;
		}
	}
	return NULL;
}

static inline size_t tj_map_count(const struct tj_map *m)
{
	return m->n;
}

/* Free the table (not the values). */
static inline void tj_map_release(struct tj_map *m)
{
	free(m->slots);
	m->slots = NULL;
	m->cap = m->n = m->used = 0;
}

#ifdef __cplusplus
}
#endif

#endif /* TJCONV_MAP_H */
