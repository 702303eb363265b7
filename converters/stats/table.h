/*
 * The result model of the "stats" exporter: table classes (typed columns,
 * as LAMI declares them) and result tables built from the accumulators at
 * the end of the run.  Both renderers (text, LAMI JSON) read this one model,
 * so the terminal and Trace Compass always show the same numbers.
 */
#ifndef TJ_STATS_TABLE_H
#define TJ_STATS_TABLE_H

#include <stdint.h>

/* Cell kinds; each maps to one LAMI value object class (lami.c). */
enum cell_kind {
	C_EMPTY = 0, C_INT, C_REAL, C_DUR, C_TS, C_RATIO, C_SIZE, C_STR, C_SYSCALL,
	C_PROCESS, C_IRQ, C_CPU, C_NETIF, C_PATH,
};

struct col {
	const char *key;
	const char *title;
	uint8_t kind; /* enum cell_kind of every non-empty cell of the column */
	const char *unit; /* NULL: the class's own */
};

/* Which --what group a table belongs to. */
enum what { W_SYSCALLS = 1, W_SCHED = 2, W_IRQ = 4, W_IO = 8, W_NET = 16, W_ALL = 31 };

struct table_class {
	const char *name;
	const char *title;
	unsigned what;
	uint32_t ncols;
	const struct col *cols;
};

extern const struct table_class *const stats_table_classes[];

struct cell {
	uint8_t kind;
	uint8_t hard;        /* C_IRQ */
	int32_t pid, tid;    /* C_PROCESS */
	int64_t i;           /* ints, durations, timestamps, sizes, cpu, irq nr */
	double d;            /* C_REAL, C_RATIO, fractional durations */
	char *s;             /* strings, names (owned) */
};

struct table {
	const struct table_class *cls;
	int64_t begin, end;  /* time range */
	uint32_t nrows, cap; /* rows */
	uint32_t col;        /* next column of the row being filled */
	struct cell *cells;  /* nrows * ncols */
	int oom;             /* a string copy failed */
	struct cell scratch; /* where cells past the last column go */
};

struct table *table_new(const struct table_class *cls, int64_t begin, int64_t end);
void table_free(struct table *t);
/* Start a row; 0 or -1 (out of memory).  Then one call per column, in order. */
int table_row(struct table *t);
void cell_int(struct table *t, int64_t v);
void cell_real(struct table *t, double v);
void cell_dur(struct table *t, int64_t ns);
void cell_durf(struct table *t, double ns);
void cell_ts(struct table *t, int64_t ns);
void cell_ratio(struct table *t, double r);
void cell_size(struct table *t, int64_t bytes);
void cell_str(struct table *t, int kind, const char *s); /* C_STR C_SYSCALL C_NETIF C_PATH */
void cell_proc(struct table *t, const char *name, int32_t pid, int32_t tid);
void cell_irq(struct table *t, int hard, int64_t nr, const char *name);
void cell_cpu(struct table *t, int64_t cpu);
void cell_empty(struct table *t);
/* 0, or -1 when a string copy failed in the last row. */
int table_ok(const struct table *t);
/* Append t to out[*n] (cap slots); frees t and returns -1 when t is NULL
 * or there is no room. */
int table_push(struct table **out, uint32_t *n, uint32_t cap, struct table *t);
const struct table_class *table_class_named(const char *name);
const struct cell *table_cell(const struct table *t, uint32_t row, uint32_t col);

#endif
