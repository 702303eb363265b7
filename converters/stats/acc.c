/*
 * Accumulators of the "stats" exporter (see acc.h): summaries, log2
 * histograms and top-N min-heaps, all of fixed size.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "acc.h"

void acc_add(struct acc *a, int64_t v)
{
	if (!a->count || v < a->min)
		a->min = v;
	if (!a->count || v > a->max)
		a->max = v;
	a->count++;
	a->sum += v;
	double d = (double)v - a->mean;
	a->mean += d / (double)a->count;
	a->m2 += d * ((double)v - a->mean);
}

double acc_avg(const struct acc *a)
{
	return a->count ? (double)(a->sum / (long double)a->count) : 0.0;
}

double acc_stdev(const struct acc *a)
{
	/* rounding can leave m2 a hair below 0; sqrt would give NaN (not JSON) */
	return a->count && a->m2 > 0 ? sqrt(a->m2 / (double)a->count) : 0.0;
}

void hist_add(struct hist *h, int64_t v)
{
	int i = 0;
	if (v > 0) {
		i = 64 - __builtin_clzll((unsigned long long)v);
		if (i >= HIST_BUCKETS)
			i = HIST_BUCKETS - 1;
	}
	h->n[i]++;
}

int64_t hist_lower(int i)
{
	return i == 0 ? 0 : (int64_t)1 << (i - 1);
}

int64_t hist_upper(int i)
{
	return i == 0 ? 1 : (int64_t)1 << i;
}

int top_init(struct top *t, uint32_t cap)
{
	t->cap = cap;
	t->n = 0;
	t->v = cap ? calloc(cap, sizeof(*t->v)) : NULL;
	return cap && !t->v ? -1 : 0;
}

int top_wants(const struct top *t, int64_t dur)
{
	return t->cap && (t->n < t->cap || dur > t->v[0].dur);
}

static void swap(struct top_item *a, struct top_item *b)
{
	struct top_item x = *a;
	*a = *b;
	*b = x;
}

static void sift_down(struct top *t, uint32_t i)
{
	for (;;) {
		uint32_t l = 2 * i + 1, r = l + 1, m = i;
		if (l < t->n && t->v[l].dur < t->v[m].dur)
			m = l;
		if (r < t->n && t->v[r].dur < t->v[m].dur)
			m = r;
		if (m == i)
			return;
		swap(&t->v[i], &t->v[m]);
		i = m;
	}
}

void top_add(struct top *t, const struct top_item *item)
{
	if (!top_wants(t, item->dur))
		return;
	if (t->n < t->cap) {
		uint32_t i = t->n++;
		t->v[i] = *item;
		while (i && t->v[(i - 1) / 2].dur > t->v[i].dur) {
			swap(&t->v[i], &t->v[(i - 1) / 2]);
			i = (i - 1) / 2;
		}
		return;
	}
	t->v[0] = *item;
	sift_down(t, 0);
}

static int by_dur_desc(const void *a, const void *b)
{
	const struct top_item *x = a, *y = b;
	if (x->dur != y->dur)
		return x->dur < y->dur ? 1 : -1;
	return x->ts < y->ts ? -1 : x->ts > y->ts;
}

void top_sort(struct top *t)
{
	if (t->n)
		qsort(t->v, t->n, sizeof(*t->v), by_dur_desc);
}

void top_release(struct top *t)
{
	free(t->v);
	memset(t, 0, sizeof(*t));
}
