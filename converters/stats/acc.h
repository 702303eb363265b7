/*
 * Bounded accumulators for the "stats" exporter: a duration summary
 * (count, min, max, exact sum, Welford variance), a fixed log2 histogram,
 * and a top-N table of the slowest items.  None grows with trace length.
 */
#ifndef TJ_STATS_ACC_H
#define TJ_STATS_ACC_H

#include <stdint.h>

struct acc {
	uint64_t count;
	int64_t min, max;
	long double sum;   /* exact for any realistic count of ns values */
	double mean, m2;   /* Welford: numerically stable variance */
};

void acc_add(struct acc *a, int64_t v);
double acc_avg(const struct acc *a);
/* Population standard deviation (what lttng-analyses prints). */
double acc_stdev(const struct acc *a);

/* Bucket i holds values in [2^(i-1), 2^i) ns; bucket 0 holds 0. */
#define HIST_BUCKETS 48
struct hist {
	uint64_t n[HIST_BUCKETS];
};
void hist_add(struct hist *h, int64_t v);
int64_t hist_lower(int i);
int64_t hist_upper(int i);

/* The N largest durations with a short description each. */
#define TOP_MAX 1000
#define TOP_TEXT 200
struct top_item {
	int64_t dur, ts;
	int32_t tid, pid, cpu;
	int64_t ret;
	char comm[24];
	char name[48];
	char text[TOP_TEXT];
};
struct top {
	uint32_t cap, n;
	struct top_item *v; /* min-heap on dur while filling */
};
int top_init(struct top *t, uint32_t cap);
/* Would a duration enter the table?  Lets callers skip formatting. */
int top_wants(const struct top *t, int64_t dur);
/* Keep a copy of item if it is among the N largest so far. */
void top_add(struct top *t, const struct top_item *item);
/* Sort descending by duration (ends the heap). */
void top_sort(struct top *t);
void top_release(struct top *t);

#endif
