/*
 * Result tables of the "stats" exporter (see table.h): rows of typed cells
 * filled column by column.
 */
#define _POSIX_C_SOURCE 200809L /* strdup */
#include <stdlib.h>
#include <string.h>

#include "table.h"

struct table *table_new(const struct table_class *cls, int64_t begin, int64_t end)
{
	struct table *t = calloc(1, sizeof(*t));
	if (!t)
		return NULL;
	t->cls = cls;
	t->begin = begin;
	t->end = end;
	t->col = cls->ncols;
	return t;
}

void table_free(struct table *t)
{
	if (!t)
		return;
	for (size_t i = 0; i < (size_t)t->nrows * t->cls->ncols; i++)
		free(t->cells[i].s);
	free(t->cells);
	free(t);
}

int table_row(struct table *t)
{
	size_t nc = t->cls->ncols;
	if (t->nrows == t->cap) {
		uint32_t cap = t->cap ? 2 * t->cap : 16;
		struct cell *c = realloc(t->cells, (size_t)cap * nc * sizeof(*c));
		if (!c)
			return -1;
		t->cells = c;
		t->cap = cap;
	}
	memset(&t->cells[(size_t)t->nrows * nc], 0, nc * sizeof(*t->cells));
	t->nrows++;
	t->col = 0;
	return 0;
}

static struct cell *next(struct table *t, int kind)
{
	/* A cell past the row's last column is a bug of the caller: dropped
	 * into a scratch cell that owns nothing. */
	if (!t->nrows || t->col >= t->cls->ncols) {
		memset(&t->scratch, 0, sizeof(t->scratch));
		return &t->scratch;
	}
	struct cell *c = &t->cells[(size_t)(t->nrows - 1) * t->cls->ncols + t->col++];
	c->kind = (uint8_t)kind;
	return c;
}

void cell_int(struct table *t, int64_t v)
{
	next(t, C_INT)->i = v;
}

void cell_real(struct table *t, double v)
{
	next(t, C_REAL)->d = v;
}

void cell_dur(struct table *t, int64_t ns)
{
	struct cell *c = next(t, C_DUR);
	c->i = ns;
	c->d = (double)ns;
}

void cell_durf(struct table *t, double ns)
{
	struct cell *c = next(t, C_DUR);
	c->d = ns;
	c->i = (int64_t)(ns + 0.5);
}

void cell_ts(struct table *t, int64_t ns)
{
	next(t, C_TS)->i = ns;
}

void cell_ratio(struct table *t, double r)
{
	next(t, C_RATIO)->d = r;
}

void cell_size(struct table *t, int64_t bytes)
{
	next(t, C_SIZE)->i = bytes;
}

static char *dup_or_mark(struct table *t, const char *s)
{
	char *d = strdup(s ? s : "");
	if (!d)
		t->oom = 1;
	return d;
}

void cell_str(struct table *t, int kind, const char *s)
{
	struct cell *c = next(t, kind);
	if (c != &t->scratch)
		c->s = dup_or_mark(t, s);
}

void cell_proc(struct table *t, const char *name, int32_t pid, int32_t tid)
{
	struct cell *c = next(t, C_PROCESS);
	c->pid = pid;
	c->tid = tid;
	if (c != &t->scratch)
		c->s = dup_or_mark(t, name);
}

void cell_irq(struct table *t, int hard, int64_t nr, const char *name)
{
	struct cell *c = next(t, C_IRQ);
	c->hard = (uint8_t)hard;
	c->i = nr;
	if (c != &t->scratch && name)
		c->s = dup_or_mark(t, name);
}

void cell_cpu(struct table *t, int64_t cpu)
{
	next(t, C_CPU)->i = cpu;
}

void cell_empty(struct table *t)
{
	next(t, C_EMPTY);
}

int table_ok(const struct table *t)
{
	return t->oom ? -1 : 0;
}

const struct cell *table_cell(const struct table *t, uint32_t row, uint32_t col)
{
	return &t->cells[(size_t)row * t->cls->ncols + col];
}

int table_push(struct table **out, uint32_t *n, uint32_t cap, struct table *t)
{
	if (!t)
		return -1;
	if (*n == cap) {
		table_free(t);
		return -1;
	}
	out[(*n)++] = t;
	return 0;
}

const struct table_class *table_class_named(const char *name)
{
	for (const struct table_class *const *c = stats_table_classes; *c; c++)
		if (strcmp((*c)->name, name) == 0)
			return *c;
	return NULL;
}
