/* Integer-keyed hash map for the analyzer's live state (see imap.h). */
#include <stdlib.h>

#include "imap.h"

static char tombstone;
#define IMAP_TOMBSTONE ((void *)&tombstone)

static size_t slot_of(int64_t key, size_t cap)
{
	uint64_t h = (uint64_t)key * UINT64_C(0x9E3779B97F4A7C15);
	return (size_t)(h >> 17) & (cap - 1);
}

void *imap_get(const struct imap *m, int64_t key)
{
	if (!m->cap)
		return NULL;
	for (size_t i = slot_of(key, m->cap);; i = (i + 1) & (m->cap - 1)) {
		struct imap_slot *s = &m->slots[i];
		if (!s->value)
			return NULL;
		if (s->value != IMAP_TOMBSTONE && s->key == key)
			return s->value;
	}
}

static int grow(struct imap *m)
{
	size_t cap = m->cap ? m->cap * 2 : 64;
	/* Only rehash to the same size when tombstones dominate. */
	if (m->cap && m->n * 4 < m->cap)
		cap = m->cap;
	struct imap_slot *old = m->slots;
	size_t oldcap = m->cap;
	m->slots = calloc(cap, sizeof(*m->slots));
	if (!m->slots) {
		m->slots = old;
		return -1;
	}
	m->cap = cap;
	m->n = m->used = 0;
	for (size_t i = 0; i < oldcap; i++)
		if (old[i].value && old[i].value != IMAP_TOMBSTONE)
			imap_put(m, old[i].key, old[i].value);
	free(old);
	return 0;
}

int imap_put(struct imap *m, int64_t key, void *value)
{
	if ((m->used + 1) * 4 > m->cap * 3 && grow(m))
		return -1;
	struct imap_slot *grave = NULL;
	for (size_t i = slot_of(key, m->cap);; i = (i + 1) & (m->cap - 1)) {
		struct imap_slot *s = &m->slots[i];
		if (!s->value) {
			if (grave) {
				s = grave;
			} else {
				m->used++;
			}
			s->key = key;
			s->value = value;
			m->n++;
			return 0;
		}
		if (s->value == IMAP_TOMBSTONE) {
			if (!grave)
				grave = s;
		} else if (s->key == key) {
			s->value = value;
			return 0;
		}
	}
}

void *imap_del(struct imap *m, int64_t key)
{
	if (!m->cap)
		return NULL;
	for (size_t i = slot_of(key, m->cap);; i = (i + 1) & (m->cap - 1)) {
		struct imap_slot *s = &m->slots[i];
		if (!s->value)
			return NULL;
		if (s->value != IMAP_TOMBSTONE && s->key == key) {
			void *v = s->value;
			s->value = IMAP_TOMBSTONE;
			m->n--;
			return v;
		}
	}
}

void *imap_next(const struct imap *m, size_t *iter, int64_t *key)
{
	for (; *iter < m->cap; (*iter)++) {
		struct imap_slot *s = &m->slots[*iter];
		if (s->value && s->value != IMAP_TOMBSTONE) {
			(*iter)++;
			if (key)
				*key = s->key;
			return s->value;
		}
	}
	return NULL;
}

void imap_release(struct imap *m)
{
	free(m->slots);
	m->slots = NULL;
	m->cap = m->n = m->used = 0;
}
