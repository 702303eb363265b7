/*
 * The capture - trace clock offset of the "packets" analyzer's capture
 * correlation: a robust estimate from the time differences of matched
 * (captured, kernel) pairs -- their median once the outliers (a packet
 * matched to the wrong stage, a retransmission taken for the original) are
 * rejected, with the spread of what is kept -- and, for traces without
 * network headers, a first alignment that finds the offset under which most
 * packets of a first batch line up by length.
 *
 * Samples are kept up to a cap (1M, 8 MB); beyond it a reservoir keeps a
 * uniform sample, so memory does not grow with the capture.
 */
#include <stdlib.h>
#include <string.h>

#include "pcap.h"

#define SAMPLE_CAP (1u << 20)

void offset_add(struct offset_est *e, int64_t delta)
{
	e->seen++;
	if (e->n == e->cap && e->cap < SAMPLE_CAP) {
		uint32_t cap = e->cap ? e->cap * 2 : 64;
		int64_t *v = realloc(e->v, cap * sizeof(*v));
		if (!v)
			return; /* fewer samples, same estimate */
		e->v = v;
		e->cap = cap;
	}
	if (e->n < e->cap) {
		e->v[e->n++] = delta;
		return;
	}
	/* reservoir sampling (xorshift: reproducible runs) */
	e->rng ^= e->rng << 13;
	e->rng ^= e->rng >> 7;
	e->rng ^= e->rng << 17;
	uint64_t k = (e->rng ? e->rng : 88172645463325252ull) % e->seen;
	if (k < e->n)
		e->v[k] = delta;
}

static int cmp64(const void *a, const void *b)
{
	int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
	return (x > y) - (x < y);
}

static int64_t median_sorted(const int64_t *v, uint32_t n)
{
	return n % 2 ? v[n / 2] : v[n / 2 - 1] + (v[n / 2] - v[n / 2 - 1]) / 2;
}

int offset_robust(const struct offset_est *e, int64_t *off, int64_t *spread, uint32_t *kept)
{
	if (!e->n)
		return 0;
	int64_t *s = malloc(e->n * sizeof(*s)), *dev = malloc(e->n * sizeof(*dev));
	if (!s || !dev) {
		free(s);
		free(dev);
		return 0;
	}
	memcpy(s, e->v, e->n * sizeof(*s));
	qsort(s, e->n, sizeof(*s), cmp64);
	int64_t med = median_sorted(s, e->n);
	for (uint32_t i = 0; i < e->n; i++)
		dev[i] = s[i] > med ? s[i] - med : med - s[i];
	qsort(dev, e->n, sizeof(*dev), cmp64);
	int64_t mad = median_sorted(dev, e->n);
	int64_t lim = 5 * mad > 20000 ? 5 * mad : 20000;
	/* keep what lies within the limit, then the median and spread of that */
	uint32_t a = 0, b = e->n;
	while (a < b && med - s[a] > lim)
		a++;
	while (b > a && s[b - 1] - med > lim)
		b--;
	med = median_sorted(s + a, b - a);
	uint32_t m = 0;
	for (uint32_t i = a; i < b; i++)
		dev[m++] = s[i] > med ? s[i] - med : med - s[i];
	qsort(dev, m, sizeof(*dev), cmp64);
	mad = median_sorted(dev, m);
	*off = med;
	*spread = (int64_t)(1.4826 * (double)mad + 0.5);
	*kept = b - a;
	free(s);
	free(dev);
	return 1;
}

static int len_ok(const struct align_k *k, uint32_t iplen)
{
	/* at queue the skb holds the link header (14 bytes on Ethernet-like
	 * devices, none on raw ones); at receive it has been pulled */
	return (k->len_r && k->len_r == iplen) ||
	       (k->len_q && (k->len_q == iplen + 14 || k->len_q == iplen));
}

int offset_align(const struct align_k *k, uint32_t nk, const struct align_c *c, uint32_t nc,
		 int64_t window, int64_t *off)
{
	uint32_t best = 0;
	int64_t best_off = 0, best_err = INT64_MAX;
	for (uint32_t i = 0; i < nk; i++)
		for (uint32_t j = 0; j < nc; j++) {
			if (!len_ok(&k[i], c[j].iplen))
				continue;
			int64_t d = c[j].ts - k[i].ts, err = 0;
			uint32_t score = 0, cj = 0;
			/* how many kernel packets find a captured one of their length,
			 * in order, within the window under this offset */
			for (uint32_t a = 0; a < nk; a++)
				for (uint32_t b = cj; b < nc; b++) {
					int64_t r = c[b].ts - d - k[a].ts;
					if (r > window)
						break;
					if (r >= -window && len_ok(&k[a], c[b].iplen)) {
						score++;
						err += r < 0 ? -r : r;
						cj = b + 1;
						break;
					}
				}
			if (score > best || (score == best && err < best_err)) {
				best = score;
				best_off = d;
				best_err = err;
			}
		}
	if (best < 2)
		return 0;
	*off = best_off;
	return 1;
}

void offset_release(struct offset_est *e)
{
	free(e->v);
	memset(e, 0, sizeof(*e));
}
