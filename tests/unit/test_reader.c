/*
 * Unit tests for the reader's API (core/reader.h) on the bundled sample
 * trace: tj_reader_start primes without any callback and knows first_ts;
 * two readers on the same path one after the other in one process read
 * (and format) the same events; a callback's TJ_DONE ends a run cleanly
 * and the next run goes on; a stop time is inclusive and resumable; the
 * same with --jobs workers.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "error.h"
#include "fields.h"
#include "reader.h"
#include "sbuf.h"

static char sample[4096];

struct seen {
	uint64_t classes, events, discards, done_after;
	int64_t first_ts, last_ts;
	int backwards;
	uint64_t text_hash; /* of the formatted fields of every event */
};

static int on_class(void *ud, struct tj_class *cls)
{
	(void)cls;
	((struct seen *)ud)->classes++;
	return TJ_OK;
}

static int on_event(void *ud, struct tj_class *cls, const struct tj_event *ev)
{
	struct seen *s = ud;
	struct tj_sbuf sb = {0};
	(void)cls;
	if (s->events == 0 && s->first_ts == TJ_TS_NONE)
		s->first_ts = ev->ts;
	if (s->last_ts != TJ_TS_NONE && ev->ts < s->last_ts)
		s->backwards = 1;
	s->last_ts = ev->ts;
	s->events++;
	assert_int_equal(tj_fields_format(ev, &sb), TJ_OK);
	for (size_t i = 0; i < sb.len; i++)
		s->text_hash = (s->text_hash ^ (unsigned char)sb.data[i]) * 1099511628211u;
	tj_sbuf_release(&sb);
	return s->done_after && s->events % s->done_after == 0 ? TJ_DONE : TJ_OK;
}

static int on_discard(void *ud, const struct tj_discard *d)
{
	(void)d;
	((struct seen *)ud)->discards++;
	return TJ_OK;
}

static void seen_init(struct seen *s)
{
	memset(s, 0, sizeof(*s));
	s->first_ts = s->last_ts = TJ_TS_NONE;
}

static struct tj_reader *open_sample(uint32_t jobs)
{
	struct tj_reader *r = NULL;
	int rc = tj_reader_open_jobs(&r, sample, jobs);
	if (rc)
		tj_error_print(stderr, "test_reader");
	assert_int_equal(rc, TJ_OK);
	return r;
}

static void read_all(uint32_t jobs, struct seen *s)
{
	struct tj_reader_callbacks cb = {s, on_class, on_event, on_discard};
	struct tj_reader *r = open_sample(jobs);
	seen_init(s);
	assert_int_equal(tj_reader_run(r, &cb, TJ_TS_NONE), TJ_OK);
	tj_reader_free(r);
}

static void test_start_makes_no_callback(void **state)
{
	(void)state;
	struct seen s;
	struct tj_reader_callbacks cb = {&s, on_class, on_event, on_discard};
	struct tj_reader *r = open_sample(1);
	seen_init(&s);
	assert_int_equal(tj_reader_borrow_info(r)->first_ts, TJ_TS_NONE);
	assert_int_equal(tj_reader_start(r), TJ_OK);
	assert_int_equal(s.classes + s.events + s.discards, 0);
	int64_t first = tj_reader_borrow_info(r)->first_ts;
	assert_true(first != TJ_TS_NONE);
	assert_true(tj_reader_borrow_info(r)->traces[0].nstreams > 0);
	assert_int_equal(tj_reader_run(r, &cb, TJ_TS_NONE), TJ_OK);
	assert_true(s.events > 0);
	assert_int_equal(s.first_ts, first);
	assert_false(s.backwards);
	tj_reader_free(r);
}

/* Nothing global: the second reader's field classes may reuse the first
 * one's addresses, and must still format the same text. */
static void test_two_readers_in_a_row(void **state)
{
	(void)state;
	struct seen a, b, c;
	read_all(1, &a);
	read_all(1, &b);
	read_all(2, &c);
	assert_true(a.events > 0);
	assert_int_equal(a.events, b.events);
	assert_int_equal(a.classes, b.classes);
	assert_int_equal(a.text_hash, b.text_hash);
	assert_int_equal(a.events, c.events);
	assert_int_equal(a.text_hash, c.text_hash);
}

static void check_done(uint32_t jobs)
{
	struct seen all, s;
	read_all(jobs, &all);
	struct tj_reader_callbacks cb = {&s, on_class, on_event, on_discard};
	struct tj_reader *r = open_sample(jobs);
	seen_init(&s);
	s.done_after = 7;
	assert_int_equal(tj_reader_run(r, &cb, TJ_TS_NONE), TJ_OK);
	assert_int_equal(s.events, 7);
	int runs = 1;
	while (s.events % 7 == 0 && s.events < all.events) {
		assert_int_equal(tj_reader_run(r, &cb, TJ_TS_NONE), TJ_OK);
		runs++;
	}
	assert_int_equal(tj_reader_run(r, &cb, TJ_TS_NONE), TJ_OK); /* at the end: nothing */
	assert_int_equal(s.events, all.events);
	assert_int_equal(s.text_hash, all.text_hash);
	assert_false(s.backwards);
	assert_true(runs > 1);
	tj_reader_free(r);
}

static void test_done_ends_run_cleanly(void **state)
{
	(void)state;
	check_done(1);
	check_done(2);
}

static void check_stop(uint32_t jobs)
{
	struct seen all, s;
	read_all(jobs, &all);
	int64_t mid = all.first_ts + (all.last_ts - all.first_ts) / 2;
	struct tj_reader_callbacks cb = {&s, on_class, on_event, on_discard};
	struct tj_reader *r = open_sample(jobs);
	seen_init(&s);
	assert_int_equal(tj_reader_run(r, &cb, mid), TJ_OK);
	assert_true(s.events > 0 && s.events < all.events);
	assert_true(s.last_ts <= mid);
	assert_int_equal(tj_reader_run(r, &cb, TJ_TS_NONE), TJ_OK);
	assert_int_equal(s.events, all.events);
	assert_int_equal(s.text_hash, all.text_hash);
	tj_reader_free(r);
}

static void test_stop_is_inclusive_and_resumable(void **state)
{
	(void)state;
	check_stop(1);
	check_stop(2);
}

/* Freed right after start: what priming held is released. */
static void test_free_after_start(void **state)
{
	(void)state;
	for (uint32_t jobs = 1; jobs <= 2; jobs++) {
		struct tj_reader *r = open_sample(jobs);
		assert_int_equal(tj_reader_start(r), TJ_OK);
		tj_reader_free(r);
	}
}

int main(void)
{
	const char *top = getenv("TJ_TOP");
	snprintf(sample, sizeof(sample), "%s/share/samples/ncat-journey", top ? top : ".");
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_start_makes_no_callback),
		cmocka_unit_test(test_two_readers_in_a_row),
		cmocka_unit_test(test_done_ends_run_cleanly),
		cmocka_unit_test(test_stop_is_inclusive_and_resumable),
		cmocka_unit_test(test_free_after_start),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
