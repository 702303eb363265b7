/*
 * Unit tests for core/merge.c, the reader's k-way merge heap: time order,
 * ties broken by trace index, then stream class/stream id, then slot; a
 * stream whose time goes backwards (it keeps its place by its head only);
 * many streams (sift-down through several levels) against a linear-scan
 * reference; empty streams.  Each "stream" is an array of timestamps fed
 * to the heap the way the reader does: push the first, then update the
 * head with the next or pop it at the end.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "merge.h"
#include "tjconv/plugin.h"

struct sim_stream {
	uint32_t trace_index;
	uint64_t tie;
	const int64_t *ts;
	size_t n, pos;
};

struct out {
	uint32_t slot;
	int64_t ts;
};

static struct tj_merge_key key_of(const struct sim_stream *s)
{
	return (struct tj_merge_key){.ts = s->ts[s->pos], .trace_index = s->trace_index, .tie = s->tie};
}

/* Drain the streams through the heap; returns how many came out. */
static size_t run_merge(struct sim_stream *s, size_t ns, struct out *o, size_t cap)
{
	struct tj_merge m;
	size_t n = 0;
	assert_int_equal(tj_merge_init(&m, ns), TJ_OK);
	for (size_t i = 0; i < ns; i++) {
		s[i].pos = 0;
		if (s[i].n)
			tj_merge_push(&m, (uint32_t)i, key_of(&s[i]));
	}
	for (int64_t h; (h = tj_merge_peek(&m)) >= 0;) {
		struct sim_stream *st = &s[h];
		assert_true(n < cap);
		assert_int_equal(tj_merge_borrow_key(&m, (uint32_t)h)->ts, st->ts[st->pos]);
		o[n++] = (struct out){(uint32_t)h, st->ts[st->pos]};
		if (++st->pos < st->n)
			tj_merge_update(&m, key_of(st));
		else
			tj_merge_pop(&m);
	}
	tj_merge_release(&m);
	return n;
}

/* The reference: at each step, the smallest head by a linear scan. */
static int ref_less(const struct sim_stream *s, size_t a, size_t b)
{
	int64_t ta = s[a].ts[s[a].pos], tb = s[b].ts[s[b].pos];
	if (ta != tb)
		return ta < tb;
	if (s[a].trace_index != s[b].trace_index)
		return s[a].trace_index < s[b].trace_index;
	if (s[a].tie != s[b].tie)
		return s[a].tie < s[b].tie;
	return a < b;
}

static size_t run_reference(struct sim_stream *s, size_t ns, struct out *o, size_t cap)
{
	size_t n = 0;
	for (size_t i = 0; i < ns; i++)
		s[i].pos = 0;
	for (;;) {
		size_t best = ns;
		for (size_t i = 0; i < ns; i++)
			if (s[i].pos < s[i].n && (best == ns || ref_less(s, i, best)))
				best = i;
		if (best == ns)
			return n;
		assert_true(n < cap);
		o[n++] = (struct out){(uint32_t)best, s[best].ts[s[best].pos]};
		s[best].pos++;
	}
}

static void expect_slots(const struct out *o, size_t n, const uint32_t *slots, size_t nslots)
{
	assert_int_equal(n, nslots);
	for (size_t i = 0; i < n; i++)
		assert_int_equal(o[i].slot, slots[i]);
}

static void test_time_order(void **state)
{
	(void)state;
	static const int64_t a[] = {10, 40, 70}, b[] = {20, 50}, c[] = {5, 30, 60, 90};
	struct sim_stream s[] = {{0, 0, a, 3, 0}, {0, 1, b, 2, 0}, {0, 2, c, 4, 0}};
	struct out o[16];
	size_t n = run_merge(s, 3, o, 16);
	static const int64_t want[] = {5, 10, 20, 30, 40, 50, 60, 70, 90};
	assert_int_equal(n, 9);
	for (size_t i = 0; i < n; i++)
		assert_int_equal(o[i].ts, want[i]);
}

/* Equal times: the lower trace index first, whatever the tie key and slot. */
static void test_tie_trace_index(void **state)
{
	(void)state;
	static const int64_t t[] = {100, 100};
	struct sim_stream s[] = {
		{1, 0, t, 2, 0},                  /* slot 0: trace 1, smallest tie */
		{0, UINT64_C(7) << 32, t, 2, 0}, /* slot 1: trace 0, large tie */
	};
	struct out o[8];
	size_t n = run_merge(s, 2, o, 8);
	static const uint32_t want[] = {1, 1, 0, 0};
	expect_slots(o, n, want, 4);
}

/* Same trace, equal times: by stream class id << 32 | stream id, not slot
 * (ports come in file-name order: channel0_10 before channel0_3). */
static void test_tie_stream_ids(void **state)
{
	(void)state;
	static const int64_t t[] = {100};
	struct sim_stream s[] = {
		{0, (UINT64_C(1) << 32) | 0, t, 1, 0}, /* class 1, stream 0 */
		{0, (UINT64_C(0) << 32) | 10, t, 1, 0}, /* class 0, stream 10 */
		{0, (UINT64_C(0) << 32) | 3, t, 1, 0},  /* class 0, stream 3 */
		{0, (UINT64_C(0) << 32) | 3, t, 1, 0},  /* same key as slot 2 */
	};
	struct out o[8];
	size_t n = run_merge(s, 4, o, 8);
	static const uint32_t want[] = {2, 3, 1, 0};
	expect_slots(o, n, want, 4);
}

/* A stream going back in time is still read in its own order: the heap
 * orders heads only, so the step back comes out as soon as it is the head
 * and the smallest. */
static void test_backwards(void **state)
{
	(void)state;
	static const int64_t a[] = {10, 50, 20, 60}, b[] = {30, 40, 45};
	struct sim_stream s[] = {{0, 0, a, 4, 0}, {0, 1, b, 3, 0}};
	struct out o[16], r[16];
	size_t n = run_merge(s, 2, o, 16);
	static const int64_t want[] = {10, 30, 40, 45, 50, 20, 60};
	static const uint32_t want_slots[] = {0, 1, 1, 1, 0, 0, 0};
	assert_int_equal(n, 7);
	for (size_t i = 0; i < n; i++) {
		assert_int_equal(o[i].ts, want[i]);
		assert_int_equal(o[i].slot, want_slots[i]);
	}
	assert_int_equal(run_reference(s, 2, r, 16), n);
	for (size_t i = 0; i < n; i++)
		assert_int_equal(o[i].slot, r[i].slot);
}

/* Hundreds of streams with many ties and backward steps: the heap agrees
 * with the linear scan on every step. */
static void test_many_streams(void **state)
{
	(void)state;
	enum { NS = 300, MAXLEN = 40 };
	static int64_t ts[NS][MAXLEN];
	struct sim_stream s[NS];
	size_t total = 0;
	uint64_t x = 88172645463325252u; /* xorshift: the same sequence every run */
	for (size_t i = 0; i < NS; i++) {
		x ^= x << 13, x ^= x >> 7, x ^= x << 17;
		size_t len = (size_t)(x % MAXLEN); /* some streams are empty */
		int64_t t = (int64_t)(x % 50);
		for (size_t j = 0; j < len; j++) {
			x ^= x << 13, x ^= x >> 7, x ^= x << 17;
			t += (int64_t)(x % 7) - 1; /* repeats, and steps back by 1 */
			ts[i][j] = t;
		}
		s[i] = (struct sim_stream){(uint32_t)(x % 3), (x >> 8) % 5, ts[i], len, 0};
		total += len;
	}
	struct out *o = calloc(total + 1, sizeof(*o)), *r = calloc(total + 1, sizeof(*r));
	assert_non_null(o);
	assert_non_null(r);
	size_t n = run_merge(s, NS, o, total + 1);
	assert_int_equal(n, total);
	assert_int_equal(run_reference(s, NS, r, total + 1), total);
	for (size_t i = 0; i < n; i++) {
		assert_int_equal(o[i].slot, r[i].slot);
		assert_int_equal(o[i].ts, r[i].ts);
	}
	free(o);
	free(r);
}

static void test_empty(void **state)
{
	(void)state;
	struct tj_merge m;
	assert_int_equal(tj_merge_init(&m, 0), TJ_OK);
	assert_int_equal(tj_merge_peek(&m), -1);
	tj_merge_release(&m);

	static const int64_t a[] = {7};
	struct sim_stream s[] = {{0, 0, NULL, 0, 0}, {0, 1, a, 1, 0}, {0, 2, NULL, 0, 0}};
	struct out o[4];
	size_t n = run_merge(s, 3, o, 4);
	static const uint32_t want[] = {1};
	expect_slots(o, n, want, 1);
	assert_int_equal(run_merge(s, 1, o, 4), 0); /* only an empty stream */
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_time_order),
		cmocka_unit_test(test_tie_trace_index),
		cmocka_unit_test(test_tie_stream_ids),
		cmocka_unit_test(test_backwards),
		cmocka_unit_test(test_many_streams),
		cmocka_unit_test(test_empty),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
