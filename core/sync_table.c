/*
 * The unmatched-packet table of --sync (see sync_table.h): FNV-1a over the
 * key's bytes, power-of-two buckets doubled when the load passes 1.
 */
#include <stdlib.h>
#include <string.h>

#include "sync_table.h"
#include "tjconv/plugin.h"


static uint64_t key_hash(const struct tj_pkt_key *k)
{
	const uint8_t *p = (const uint8_t *)k;
	uint64_t h = 0xcbf29ce484222325ull;
	for (size_t i = 0; i < sizeof(*k); i++) {
		h ^= p[i];
		h *= 0x100000001b3ull;
	}
	return h;
}

static int table_grow(struct tj_pkt_table *t)
{
	size_t nb = t->nbuckets ? 2 * t->nbuckets : 1024;
	uint32_t *b = malloc(nb * sizeof(*b));
	if (!b)
		return TJ_ENOMEM;
	memset(b, 0xff, nb * sizeof(*b));
	for (size_t i = 0; i < t->nbuckets; i++) {
		uint32_t n = t->buckets[i];
		while (n != UINT32_MAX) {
			uint32_t next = t->e[n].next;
			size_t s = key_hash(&t->e[n].key) & (nb - 1);
			t->e[n].next = b[s];
			b[s] = n;
			n = next;
		}
	}
	free(t->buckets);
	t->buckets = b;
	t->nbuckets = nb;
	return TJ_OK;
}

/* Remove and return (in *out) the entry with key k, if any. */
int tj_pkt_table_take(struct tj_pkt_table *t, const struct tj_pkt_key *k, struct tj_pkt_entry *out)
{
	if (!t->nbuckets)
		return 0;
	uint32_t *link = &t->buckets[key_hash(k) & (t->nbuckets - 1)];
	while (*link != UINT32_MAX) {
		struct tj_pkt_entry *e = &t->e[*link];
		if (memcmp(&e->key, k, sizeof(*k)) == 0) {
			uint32_t n = *link;
			*out = *e;
			*link = e->next;
			e->next = t->free_head;
			t->free_head = n;
			t->count--;
			return 1;
		}
		link = &e->next;
	}
	return 0;
}

int tj_pkt_table_has(const struct tj_pkt_table *t, const struct tj_pkt_key *k)
{
	if (!t->nbuckets)
		return 0;
	for (uint32_t n = t->buckets[key_hash(k) & (t->nbuckets - 1)]; n != UINT32_MAX; n = t->e[n].next)
		if (memcmp(&t->e[n].key, k, sizeof(*k)) == 0)
			return 1;
	return 0;
}

int tj_pkt_table_put(struct tj_pkt_table *t, const struct tj_pkt_key *k, int64_t ts, uint32_t host)
{
	if (t->count + 1 > t->nbuckets && table_grow(t))
		return TJ_ENOMEM;
	uint32_t n;
	if (t->free_head != UINT32_MAX) {
		n = t->free_head;
		t->free_head = t->e[n].next;
	} else {
		if (t->ne == t->cap) {
			size_t cap = t->cap ? 2 * t->cap : 1024;
			struct tj_pkt_entry *v = cap < UINT32_MAX ? realloc(t->e, cap * sizeof(*v)) : NULL;
			if (!v)
				return TJ_ENOMEM;
			t->e = v;
			t->cap = cap;
		}
		n = (uint32_t)t->ne++;
	}
	size_t s = key_hash(k) & (t->nbuckets - 1);
	t->e[n] = (struct tj_pkt_entry){.key = *k, .ts = ts, .host = host, .next = t->buckets[s]};
	t->buckets[s] = n;
	t->count++;
	return TJ_OK;
}

void tj_pkt_table_release(struct tj_pkt_table *t)
{
	free(t->buckets);
	free(t->e);
	memset(t, 0, sizeof(*t));
}

