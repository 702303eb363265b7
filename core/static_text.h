/*
 * Addresses whose bytes cannot change while a run lasts: the read-only
 * segments of the executable and of every object mapped when the run's
 * first record is queued (the plugins' string literals).  The record queue
 * keeps a pointer to a string found there instead of copying it.
 */
#ifndef TJ_CORE_STATIC_TEXT_H
#define TJ_CORE_STATIC_TEXT_H

#include <stddef.h>
#include <stdint.h>

struct tj_text_range {
	uintptr_t lo, hi; /* [lo, hi) */
};

struct tj_static_text {
	struct tj_text_range *r; /* sorted, disjoint */
	size_t n;
	int ready;
};

/* Collect the ranges; returns 0, or TJ_ENOMEM (then nothing is static). */
int tj_static_text_init(struct tj_static_text *t);
void tj_static_text_release(struct tj_static_text *t);

/* The read-only segment holding address p, or NULL.  A C string that
 * starts there is a literal or a const array of a loaded object, and ends
 * there too. */
static inline const struct tj_text_range *tj_static_text_find(const struct tj_static_text *t,
							      const void *p)
{
	uintptr_t a = (uintptr_t)p;
	size_t lo = 0, hi = t->n;
	while (lo < hi) {
		size_t mid = (lo + hi) / 2;
		if (a < t->r[mid].lo)
			hi = mid;
		else if (a >= t->r[mid].hi)
			lo = mid + 1;
		else
			return &t->r[mid];
	}
	return NULL;
}

#endif
