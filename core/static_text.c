/*
 * The read-only segments of the mapped objects (see static_text.h), from
 * dl_iterate_phdr: PT_LOAD segments without write permission.  RELRO
 * (written by the loader, then protected) is left out on purpose.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <link.h>
#include <stdlib.h>

#include "error.h"
#include "static_text.h"

struct collect {
	struct tj_static_text *t;
	size_t cap;
	int failed;
};

static int add_object(struct dl_phdr_info *info, size_t size, void *ud)
{
	struct collect *c = ud;
	(void)size;
	for (ElfW(Half) i = 0; i < info->dlpi_phnum; i++) {
		const ElfW(Phdr) *ph = &info->dlpi_phdr[i];
		if (ph->p_type != PT_LOAD || (ph->p_flags & PF_W) || !(ph->p_flags & PF_R) ||
		    !ph->p_memsz)
			continue;
		if (c->t->n == c->cap) {
			size_t cap = c->cap ? c->cap * 2 : 32;
			struct tj_text_range *v = realloc(c->t->r, cap * sizeof(*v));
			if (!v) {
				c->failed = 1;
				return 1;
			}
			c->t->r = v;
			c->cap = cap;
		}
		uintptr_t lo = (uintptr_t)(info->dlpi_addr + ph->p_vaddr);
		c->t->r[c->t->n].lo = lo;
		c->t->r[c->t->n].hi = lo + ph->p_memsz;
		c->t->n++;
	}
	return 0;
}

static int by_start(const void *a, const void *b)
{
	uintptr_t x = ((const struct tj_text_range *)a)->lo, y = ((const struct tj_text_range *)b)->lo;
	return x < y ? -1 : x > y;
}

int tj_static_text_init(struct tj_static_text *t)
{
	struct collect c = {t, 0, 0};
	t->r = NULL;
	t->n = 0;
	t->ready = 1;
	dl_iterate_phdr(add_object, &c);
	if (c.failed) {
		tj_static_text_release(t);
		t->ready = 1; /* nothing is static: every string is copied */
		return TJ_ENOMEM;
	}
	qsort(t->r, t->n, sizeof(*t->r), by_start);
	/* segments of one object never overlap another's; merge neighbours */
	size_t k = 0;
	for (size_t i = 0; i < t->n; i++) {
		if (k && t->r[i].lo <= t->r[k - 1].hi) {
			if (t->r[i].hi > t->r[k - 1].hi)
				t->r[k - 1].hi = t->r[i].hi;
		} else {
			t->r[k++] = t->r[i];
		}
	}
	t->n = k;
	return TJ_OK;
}

void tj_static_text_release(struct tj_static_text *t)
{
	free(t->r);
	t->r = NULL;
	t->n = 0;
	t->ready = 0;
}
