/*
 * Small id -> value hash map for the chrome-json exporter (see idmap.h):
 * the tables of names already written and of recent slices per track, which
 * are the only state the exporter keeps while streaming.
 */
#include <stdlib.h>
#include <string.h>

#include "idmap.h"

void idmap_init(struct idmap *m, size_t vsize)
{
	memset(m, 0, sizeof(*m));
	m->vsize = vsize;
}

void idmap_release(struct idmap *m)
{
	free(m->keys);
	free(m->vals);
	m->keys = NULL;
	m->vals = NULL;
	m->cap = m->n = 0;
}

static size_t slot_of(int64_t key, size_t cap)
{
	uint64_t h = (uint64_t)key * UINT64_C(0x9E3779B97F4A7C15);
	return (size_t)(h >> 17) & (cap - 1);
}

void *idmap_get(const struct idmap *m, int64_t key)
{
	if (!m->cap)
		return NULL;
	for (size_t i = slot_of(key, m->cap);; i = (i + 1) & (m->cap - 1)) {
		if (m->keys[i] == key)
			return m->vals + i * m->vsize;
		if (m->keys[i] == IDMAP_EMPTY)
			return NULL;
	}
}

static int grow(struct idmap *m)
{
	size_t cap = m->cap ? m->cap * 2 : 64;
	int64_t *keys = malloc(cap * sizeof(*keys));
	unsigned char *vals = calloc(cap, m->vsize);
	if (!keys || !vals) {
		free(keys);
		free(vals);
		return -1;
	}
	for (size_t i = 0; i < cap; i++)
		keys[i] = IDMAP_EMPTY;
	for (size_t i = 0; i < m->cap; i++) {
		if (m->keys[i] == IDMAP_EMPTY)
			continue;
		size_t j = slot_of(m->keys[i], cap);
		while (keys[j] != IDMAP_EMPTY)
			j = (j + 1) & (cap - 1);
		keys[j] = m->keys[i];
		memcpy(vals + j * m->vsize, m->vals + i * m->vsize, m->vsize);
	}
	free(m->keys);
	free(m->vals);
	m->keys = keys;
	m->vals = vals;
	m->cap = cap;
	return 0;
}

void *idmap_put(struct idmap *m, int64_t key, int *created)
{
	void *v = idmap_get(m, key);
	if (created)
		*created = 0;
	if (v)
		return v;
	if ((m->n + 1) * 2 > m->cap && grow(m))
		return NULL;
	size_t i = slot_of(key, m->cap);
	while (m->keys[i] != IDMAP_EMPTY)
		i = (i + 1) & (m->cap - 1);
	m->keys[i] = key;
	memset(m->vals + i * m->vsize, 0, m->vsize);
	m->n++;
	if (created)
		*created = 1;
	return m->vals + i * m->vsize;
}

/* Linear probing without tombstones: shift the following run back. */
void idmap_del(struct idmap *m, int64_t key)
{
	size_t mask = m->cap - 1, i, j;
	if (!m->cap)
		return;
	for (i = slot_of(key, m->cap);; i = (i + 1) & mask) {
		if (m->keys[i] == IDMAP_EMPTY)
			return;
		if (m->keys[i] == key)
			break;
	}
	for (j = (i + 1) & mask; m->keys[j] != IDMAP_EMPTY; j = (j + 1) & mask) {
		size_t home = slot_of(m->keys[j], m->cap);
		/* move j back to i unless its home lies cyclically in (i, j] */
		if (i <= j ? (home > i && home <= j) : (home > i || home <= j))
			continue;
		m->keys[i] = m->keys[j];
		memcpy(m->vals + i * m->vsize, m->vals + j * m->vsize, m->vsize);
		i = j;
	}
	m->keys[i] = IDMAP_EMPTY;
	m->n--;
}

void *idmap_next(const struct idmap *m, size_t *i, int64_t *key)
{
	for (; *i < m->cap; (*i)++) {
		if (m->keys[*i] != IDMAP_EMPTY) {
			if (key)
				*key = m->keys[*i];
			return m->vals + (*i)++ * m->vsize;
		}
	}
	return NULL;
}
