/* Integer-keyed hash map (open addressing, linear probing) for live state:
 * threads by tid, processes by pid.  Compiled into the core and into plugins
 * that need it (plugins never link the executable).  Values are owned by
 * the caller. */
#ifndef TJ_CORE_IMAP_H
#define TJ_CORE_IMAP_H

#include <stddef.h>
#include <stdint.h>

struct imap_slot {
	int64_t key;
	void *value; /* NULL: empty; IMAP_TOMBSTONE: deleted */
};

struct imap {
	struct imap_slot *slots;
	size_t cap, n, used; /* used counts tombstones too */
};

void *imap_get(const struct imap *m, int64_t key);
/* Insert or replace; returns 0 or -1 on allocation failure. */
int imap_put(struct imap *m, int64_t key, void *value);
/* Remove and return the value (NULL if absent). */
void *imap_del(struct imap *m, int64_t key);
/* Iterate: for (size_t i = 0; (v = imap_next(m, &i, &key));) */
void *imap_next(const struct imap *m, size_t *iter, int64_t *key);
void imap_release(struct imap *m);

#endif
