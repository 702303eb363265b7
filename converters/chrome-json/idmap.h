/*
 * Open-addressing hash map from an int64 id (a pid, a tid, a track id) to a
 * fixed-size value, for the chrome-json exporter's small per-thread tables.
 * Values are zeroed on insertion; pointers stay valid until the next insert.
 */
#ifndef TJ_CHROME_IDMAP_H
#define TJ_CHROME_IDMAP_H

#include <stddef.h>
#include <stdint.h>

struct idmap {
	int64_t *keys;   /* IDMAP_EMPTY marks a free slot */
	unsigned char *vals;
	size_t vsize;
	size_t cap;      /* power of two, or 0 before the first insert */
	size_t n;
};

#define IDMAP_EMPTY INT64_MIN

void idmap_init(struct idmap *m, size_t vsize);
void idmap_release(struct idmap *m);
/* The value for key, or NULL. */
void *idmap_get(const struct idmap *m, int64_t key);
/* The value for key, inserted zeroed if absent (*created set to 1 then).
 * NULL when out of memory.  key must not be IDMAP_EMPTY. */
void *idmap_put(struct idmap *m, int64_t key, int *created);
/* Remove key if present (other values may move). */
void idmap_del(struct idmap *m, int64_t key);
/* Iterate: i from 0; returns the next occupied slot's value or NULL. */
void *idmap_next(const struct idmap *m, size_t *i, int64_t *key);

#endif
