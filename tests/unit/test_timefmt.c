/*
 * Unit tests for core/timefmt.c: --begin/--end parsing (every accepted form
 * and malformed ones), resolution in UTC and in a non-UTC local zone,
 * formatting of zero, negative and extreme stamps, and the per-second clock
 * cache against the uncached formatters (including how often it converts).
 * Expected values are computed independently (timegm/mktime here, or
 * constants checked with `date -u -d @SECONDS`).
 */
#include <dlfcn.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <cmocka.h>

#include "timefmt.h"

#define NS INT64_C(1000000000)

/* ---- counting localtime_r calls (interposed for this executable) -------- */

static unsigned long localtime_calls;

struct tm *localtime_r(const time_t *restrict t, struct tm *restrict tm)
{
	static struct tm *(*real)(const time_t *restrict, struct tm *restrict);

	if (!real)
		*(void **)&real = dlsym(RTLD_NEXT, "localtime_r");
	localtime_calls++;
	return real(t, tm);
}

static void set_tz(const char *tz)
{
	if (tz)
		setenv("TZ", tz, 1);
	else
		unsetenv("TZ");
	tzset();
}

static int tz_utc(void **state)
{
	(void)state;
	set_tz("UTC");
	return 0;
}

static int tz_montreal(void **state)
{
	(void)state;
	set_tz("America/Montreal");
	return 0;
}

/* ---- parsing ------------------------------------------------------------ */

static void expect_parse(const char *text, int kind, int has_date, int y, int m, int d,
			 int64_t ns)
{
	struct tj_time_spec s;

	memset(&s, 0x5a, sizeof(s));
	if (tj_time_spec_parse(text, &s) != 0)
		fail_msg("'%s' was refused", text);
	assert_int_equal(s.kind, kind);
	assert_int_equal(s.has_date, has_date);
	if (has_date) {
		assert_int_equal(s.year, y);
		assert_int_equal(s.month, m);
		assert_int_equal(s.day, d);
	}
	if (s.ns != ns)
		fail_msg("'%s': ns %lld, expected %lld", text, (long long)s.ns, (long long)ns);
}

static void test_parse_time_of_day(void **state)
{
	(void)state;
	expect_parse("11:44:38.43", TJ_TIME_SPEC_TIME_OF_DAY, 0, 0, 0, 0,
		     (11 * 3600 + 44 * 60 + 38) * NS + 430000000);
	expect_parse("11:44", TJ_TIME_SPEC_TIME_OF_DAY, 0, 0, 0, 0, (11 * 3600 + 44 * 60) * NS);
	expect_parse("11:44:42", TJ_TIME_SPEC_TIME_OF_DAY, 0, 0, 0, 0,
		     (11 * 3600 + 44 * 60 + 42) * NS);
	expect_parse("11:44:42.2", TJ_TIME_SPEC_TIME_OF_DAY, 0, 0, 0, 0,
		     (11 * 3600 + 44 * 60 + 42) * NS + 200000000);
	expect_parse("00:00:00.000000001", TJ_TIME_SPEC_TIME_OF_DAY, 0, 0, 0, 0, 1);
	expect_parse("23:59:59.999999999", TJ_TIME_SPEC_TIME_OF_DAY, 0, 0, 0, 0,
		     86400 * NS - 1);
	expect_parse("00:00:00.000", TJ_TIME_SPEC_TIME_OF_DAY, 0, 0, 0, 0, 0);
}

static void test_parse_date(void **state)
{
	(void)state;
	expect_parse("2026-11-25 11:44:38.123456789", TJ_TIME_SPEC_ABSOLUTE, 1, 2026, 11, 25,
		     (11 * 3600 + 44 * 60 + 38) * NS + 123456789);
	expect_parse("2026-11-25 11:44", TJ_TIME_SPEC_ABSOLUTE, 1, 2026, 11, 25,
		     (11 * 3600 + 44 * 60) * NS);
	expect_parse("2026-11-25", TJ_TIME_SPEC_ABSOLUTE, 1, 2026, 11, 25, 0);
	expect_parse("2024-02-29 00:00", TJ_TIME_SPEC_ABSOLUTE, 1, 2024, 2, 29, 0);
	expect_parse("2000-02-29", TJ_TIME_SPEC_ABSOLUTE, 1, 2000, 2, 29, 0);
}

static void test_parse_seconds(void **state)
{
	(void)state;
	expect_parse("1795607078.43", TJ_TIME_SPEC_ABSOLUTE, 0, 0, 0, 0,
		     INT64_C(1795607078430000000));
	expect_parse("0", TJ_TIME_SPEC_ABSOLUTE, 0, 0, 0, 0, 0);
	expect_parse("12", TJ_TIME_SPEC_ABSOLUTE, 0, 0, 0, 0, 12 * NS);
	expect_parse("-1.5", TJ_TIME_SPEC_ABSOLUTE, 0, 0, 0, 0, -1500000000);
	expect_parse("-0.000000001", TJ_TIME_SPEC_ABSOLUTE, 0, 0, 0, 0, -1);
	expect_parse("-0", TJ_TIME_SPEC_ABSOLUTE, 0, 0, 0, 0, 0);
	expect_parse("0000000000000000000000012.5", TJ_TIME_SPEC_ABSOLUTE, 0, 0, 0, 0,
		     12500000000);
	expect_parse("9223372036.854775807", TJ_TIME_SPEC_ABSOLUTE, 0, 0, 0, 0, INT64_MAX);
	expect_parse("-9223372036.854775808", TJ_TIME_SPEC_ABSOLUTE, 0, 0, 0, 0, INT64_MIN);
}

static void test_parse_bad(void **state)
{
	static const char *const bad[] = {
		"", "abc", "25:00", "24:00", "12:60", "12:30:60", "12:3x", "12:3", "1:02",
		"12:30:", "12:30:5", "12:30:05.", "12:30:05.1234567890", "12:30:05.5x",
		"12:30:05,5", "12-30", "2026-13-01 00:00", "2026-00-10", "2026-02-30",
		"2026-02-29", "1900-02-29", "2026-04-31", "2026-11-25T11:44", "2026-11-25 ",
		"2026-11-25 11:44 ", "2026-11-25  11:44", "2026-1-25", "26-11-25 11:44",
		" 12", "12 ", "+5", "1e9", "--1", "-", "1.", ".5", "0x10", "1.2.3",
		"9223372036.854775808", "-9223372036.854775809", "99999999999999999999",
		"11:44:38.43\n",
	};
	struct tj_time_spec s, sentinel;
	size_t i;

	(void)state;
	memset(&sentinel, 0x5a, sizeof(sentinel));
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		s = sentinel;
		if (tj_time_spec_parse(bad[i], &s) != -1)
			fail_msg("'%s' was accepted", bad[i]);
		if (memcmp(&s, &sentinel, sizeof(s)) != 0)
			fail_msg("'%s': output changed on failure", bad[i]);
	}
	assert_int_equal(tj_time_spec_parse(NULL, &s), -1);
}

/* ---- resolving ---------------------------------------------------------- */

static int64_t resolve_text(const char *text, int gmt, int64_t ref)
{
	struct tj_time_spec s;

	if (tj_time_spec_parse(text, &s) != 0)
		fail_msg("'%s' was refused", text);
	return tj_time_spec_resolve(&s, gmt, ref);
}

static void test_resolve_gmt(void **state)
{
	struct tm tm = { 0 };
	int64_t ref, expected;

	(void)state;
	/* A reference stamp on 2026-11-25 (UTC), late in the day. */
	tm.tm_year = 2026 - 1900;
	tm.tm_mon = 10;
	tm.tm_mday = 25;
	tm.tm_hour = 23;
	tm.tm_min = 59;
	tm.tm_sec = 58;
	ref = (int64_t)timegm(&tm) * NS + 123;
	tm.tm_hour = 11;
	tm.tm_min = 44;
	tm.tm_sec = 38;
	expected = (int64_t)timegm(&tm) * NS + 430000000;
	/* `date -u -d '2026-11-25 11:44:38' +%s` prints 1795607078 */
	assert_int_equal(expected, INT64_C(1795607078430000000));
	assert_int_equal(resolve_text("11:44:38.43", 1, ref), expected);
	/* The reference's own time of day does not matter, only its date. */
	assert_int_equal(resolve_text("11:44:38.43", 1, INT64_C(1795564800) * NS), expected);
	assert_int_equal(resolve_text("2026-11-25 11:44:38.43", 1, 0), expected);
	assert_int_equal(resolve_text("2026-11-25", 1, 0), INT64_C(1795564800) * NS);
	assert_int_equal(resolve_text("1795607078.43", 1, 0), expected);
	assert_int_equal(resolve_text("1795607078.43", 0, 0), expected);
	assert_int_equal(resolve_text("-1.5", 1, ref), -1500000000);
	/* Before the epoch: ref -1 ns is 1969-12-31, noon that day is -12 h. */
	assert_int_equal(resolve_text("12:00", 1, -1), -43200 * NS);
	assert_int_equal(resolve_text("1970-01-01 00:00", 1, 0), 0);
	assert_int_equal(resolve_text("1969-12-31 23:59:59.999999999", 1, 0), -1);
	/* Limits of int64 ns. */
	assert_int_equal(resolve_text("2262-04-11 23:47:16.854775807", 1, 0), INT64_MAX);
	assert_int_equal(resolve_text("2262-04-11 23:47:16.854775808", 1, 0), INT64_MIN);
	assert_int_equal(resolve_text("2262-04-12 00:00", 1, 0), INT64_MIN);
	assert_int_equal(resolve_text("1677-09-21 00:12:43.145224193", 1, 0), INT64_MIN + 1);
	assert_int_equal(resolve_text("1677-09-21 00:12:43.145224191", 1, 0), INT64_MIN);
	assert_int_equal(resolve_text("1677-09-20", 1, 0), INT64_MIN);
	assert_int_equal(resolve_text("2300-01-01 00:00", 1, 0), INT64_MIN);
	assert_int_equal(resolve_text("1600-01-01", 1, 0), INT64_MIN);
	/* Time of day without a reference cannot be placed. */
	assert_int_equal(resolve_text("11:44", 1, INT64_MIN), INT64_MIN);
}

static void test_resolve_local(void **state)
{
	struct tm tm = { 0 };
	int64_t expected, ref;

	(void)state;
	/* 2026-11-26 02:00 UTC is 2026-11-25 21:00 in Montreal (EST, UTC-5):
	 * the date comes from local time, so 11:44 local is 16:44 UTC on the 25th. */
	ref = INT64_C(1795658400) * NS;
	assert_int_equal(resolve_text("11:44", 0, ref), INT64_C(1795625040) * NS);
	/* Whereas in UTC the reference is on the 26th. */
	assert_int_equal(resolve_text("11:44", 1, ref), (INT64_C(1795625040) - 5 * 3600 + 86400) * NS);

	tm.tm_year = 2026 - 1900;
	tm.tm_mon = 10;
	tm.tm_mday = 25;
	tm.tm_hour = 11;
	tm.tm_min = 44;
	tm.tm_sec = 38;
	tm.tm_isdst = -1;
	expected = (int64_t)mktime(&tm) * NS + 430000000;
	assert_int_equal(expected, (INT64_C(1795607078) + 5 * 3600) * NS + 430000000);
	assert_int_equal(resolve_text("11:44:38.43", 0, ref), expected);
	assert_int_equal(resolve_text("2026-11-25 11:44:38.43", 0, 0), expected);
	/* Summer time (EDT, UTC-4). */
	assert_int_equal(resolve_text("2026-07-01 12:00", 0, 0),
			 (INT64_C(1782907200) + 4 * 3600) * NS);
	/* Seconds since the epoch ignore the zone. */
	assert_int_equal(resolve_text("12.25", 0, ref), 12250000000);
}

/* ---- formatting ----------------------------------------------------------- */

typedef size_t (*fmt_fn)(char *, size_t, int64_t, int);

static void expect_fmt(fmt_fn fn, int64_t ts, int gmt, const char *want)
{
	char buf[64];
	size_t n;

	memset(buf, 'x', sizeof(buf));
	n = fn(buf, sizeof(buf), ts, gmt);
	assert_string_equal(buf, want);
	assert_int_equal(n, strlen(want));
}

static void expect_sec(size_t (*fn)(char *, size_t, int64_t), int64_t v, const char *want)
{
	char buf[64];
	size_t n;

	memset(buf, 'x', sizeof(buf));
	n = fn(buf, sizeof(buf), v);
	assert_string_equal(buf, want);
	assert_int_equal(n, strlen(want));
}

static void test_format_gmt(void **state)
{
	(void)state;
	expect_fmt(tj_time_format_clock, 0, 1, "00:00:00.000000000");
	expect_fmt(tj_time_format_date, 0, 1, "1970-01-01 00:00:00.000000000");
	expect_fmt(tj_time_format_clock, INT64_C(1795607078430000000), 1, "11:44:38.430000000");
	expect_fmt(tj_time_format_date, INT64_C(1795607078430000000), 1,
		   "2026-11-25 11:44:38.430000000");
	expect_fmt(tj_time_format_clock, -1, 1, "23:59:59.999999999");
	expect_fmt(tj_time_format_date, -1, 1, "1969-12-31 23:59:59.999999999");
	expect_fmt(tj_time_format_date, -1500000000, 1, "1969-12-31 23:59:58.500000000");
	/* `date -u -d @9223372036` / `date -u -d @-9223372037` */
	expect_fmt(tj_time_format_date, INT64_MAX, 1, "2262-04-11 23:47:16.854775807");
	expect_fmt(tj_time_format_date, INT64_MIN, 1, "1677-09-21 00:12:43.145224192");
	expect_fmt(tj_time_format_date, INT64_C(951782400) * NS, 1,
		   "2000-02-29 00:00:00.000000000");
}

static void test_format_local(void **state)
{
	(void)state;
	expect_fmt(tj_time_format_clock, INT64_C(1795607078430000000), 0, "06:44:38.430000000");
	expect_fmt(tj_time_format_date, INT64_C(1795607078430000000), 0,
		   "2026-11-25 06:44:38.430000000");
	expect_fmt(tj_time_format_date, 0, 0, "1969-12-31 19:00:00.000000000");
	expect_fmt(tj_time_format_date, INT64_C(1782907200) * NS, 0,
		   "2026-07-01 08:00:00.000000000");
}

static void test_format_seconds_delta(void **state)
{
	(void)state;
	expect_sec(tj_time_format_seconds, 0, "0.000000000");
	expect_sec(tj_time_format_seconds, 1, "0.000000001");
	expect_sec(tj_time_format_seconds, -1, "-0.000000001");
	expect_sec(tj_time_format_seconds, -1500000000, "-1.500000000");
	expect_sec(tj_time_format_seconds, INT64_C(1795607078430000000), "1795607078.430000000");
	expect_sec(tj_time_format_seconds, INT64_MAX, "9223372036.854775807");
	expect_sec(tj_time_format_seconds, INT64_MIN, "-9223372036.854775808");
	expect_sec(tj_time_format_delta, 0, "+0.000000000");
	expect_sec(tj_time_format_delta, 1234, "+0.000001234");
	expect_sec(tj_time_format_delta, -2000000001, "-2.000000001");
	expect_sec(tj_time_format_delta, 86400 * NS, "+86400.000000000");
	expect_sec(tj_time_format_delta, INT64_MIN, "-9223372036.854775808");
}

static void test_format_truncation(void **state)
{
	char buf[8];

	(void)state;
	memset(buf, 'x', sizeof(buf));
	assert_int_equal(tj_time_format_clock(buf, 5, 0, 1), 4);
	assert_string_equal(buf, "00:0");
	assert_int_equal(buf[5], 'x');
	memset(buf, 'x', sizeof(buf));
	assert_int_equal(tj_time_format_seconds(buf, 1, 5), 0);
	assert_int_equal(buf[0], '\0');
	assert_int_equal(buf[1], 'x');
	memset(buf, 'x', sizeof(buf));
	assert_int_equal(tj_time_format_delta(buf, 0, 5), 0);
	assert_int_equal(buf[0], 'x');
	memset(buf, 'x', sizeof(buf));
	assert_int_equal(tj_time_format_date(buf, 8, 0, 1), 7);
	assert_string_equal(buf, "1970-01");
}

/* ---- the clock cache ------------------------------------------------------ */

/* Format ts both ways (with and without date) and compare. */
static void compare_cached(struct tj_clock_cache *c, int gmt, int64_t ts)
{
	char want[64], got[64];
	size_t nw, ng;

	nw = tj_time_format_clock(want, sizeof(want), ts, gmt);
	ng = tj_clock_cache_format(c, got, sizeof(got), ts, 0);
	if (strcmp(want, got) != 0 || nw != ng)
		fail_msg("ts %lld gmt %d: cached '%s', uncached '%s'", (long long)ts, gmt, got,
			 want);
	nw = tj_time_format_date(want, sizeof(want), ts, gmt);
	ng = tj_clock_cache_format(c, got, sizeof(got), ts, 1);
	if (strcmp(want, got) != 0 || nw != ng)
		fail_msg("ts %lld gmt %d: cached '%s', uncached '%s'", (long long)ts, gmt, got,
			 want);
}

static void sweep(int gmt)
{
	static const int64_t starts[] = {
		INT64_C(1795607078) * NS - 3,  /* just before a second boundary */
		INT64_C(1772953199) * NS,      /* 01:59:59 EST, the spring-forward second */
		INT64_C(1793512799) * NS,      /* 2026-11-01 01:59:59 EDT, fall back */
		INT64_C(1795651199) * NS,      /* 23:59:59 UTC: the date changes */
		-2 * NS,                       /* across the epoch */
		INT64_MIN,
		INT64_MAX - 5 * NS,
	};
	static const int64_t steps[] = { 1, 333333333, 999999999, NS, 3600 * NS + 7 };
	struct tj_clock_cache c;
	size_t i, j;
	int k;

	tj_clock_cache_init(&c, gmt);
	for (i = 0; i < sizeof(starts) / sizeof(starts[0]); i++) {
		for (j = 0; j < sizeof(steps) / sizeof(steps[0]); j++) {
			int64_t ts = starts[i];

			for (k = 0; k < 12; k++) {
				compare_cached(&c, gmt, ts);
				if (ts > INT64_MAX - steps[j])
					break;
				ts += steps[j];
			}
			/* and backwards, as out-of-order streams may go */
			for (k = 0; k < 6 && ts > INT64_MIN + steps[j]; k++) {
				ts -= steps[j];
				compare_cached(&c, gmt, ts);
			}
		}
	}
}

static void test_cache_utc_zone(void **state)
{
	(void)state;
	sweep(1);
	sweep(0);
}

static void test_cache_montreal(void **state)
{
	struct tj_clock_cache c;
	char buf[64];

	(void)state;
	sweep(1);
	sweep(0);
	/* The spring-forward second really jumps an hour in local time. */
	tj_clock_cache_init(&c, 0);
	tj_clock_cache_format(&c, buf, sizeof(buf), INT64_C(1772953199) * NS + 999999999, 1);
	assert_string_equal(buf, "2026-03-08 01:59:59.999999999");
	tj_clock_cache_format(&c, buf, sizeof(buf), INT64_C(1772953200) * NS, 1);
	assert_string_equal(buf, "2026-03-08 03:00:00.000000000");
	tj_clock_cache_init(&c, 1);
	tj_clock_cache_format(&c, buf, sizeof(buf), INT64_C(1772953200) * NS, 0);
	assert_string_equal(buf, "07:00:00.000000000");
}

static void test_cache_converts_once_per_second(void **state)
{
	struct tj_clock_cache c;
	char buf[64];
	int64_t base = INT64_C(1795607078) * NS;
	int i;

	(void)state;
	tj_clock_cache_init(&c, 0);
	localtime_calls = 0;
	for (i = 0; i < 1000; i++)
		tj_clock_cache_format(&c, buf, sizeof(buf), base + i * 999999, i & 1);
	assert_int_equal(localtime_calls, 1);
	assert_string_equal(buf, "2026-11-25 06:44:38.998999001");
	tj_clock_cache_format(&c, buf, sizeof(buf), base + NS, 0);
	assert_int_equal(localtime_calls, 2);
	assert_string_equal(buf, "06:44:39.000000000");
	/* A small buffer truncates like the uncached writers. */
	assert_int_equal(tj_clock_cache_format(&c, buf, 6, base + NS + 5, 0), 5);
	assert_string_equal(buf, "06:44");
	assert_int_equal(localtime_calls, 2);
	/* UTC never needs the zone database. */
	tj_clock_cache_init(&c, 1);
	for (i = 0; i < 1000; i++)
		tj_clock_cache_format(&c, buf, sizeof(buf), base + (int64_t)i * NS, 1);
	assert_int_equal(localtime_calls, 2);
	assert_string_equal(buf, "2026-11-25 12:01:17.000000000");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parse_time_of_day),
		cmocka_unit_test(test_parse_date),
		cmocka_unit_test(test_parse_seconds),
		cmocka_unit_test(test_parse_bad),
		cmocka_unit_test_setup(test_resolve_gmt, tz_montreal),
		cmocka_unit_test_setup(test_resolve_local, tz_montreal),
		cmocka_unit_test_setup(test_format_gmt, tz_montreal),
		cmocka_unit_test_setup(test_format_local, tz_montreal),
		cmocka_unit_test(test_format_seconds_delta),
		cmocka_unit_test(test_format_truncation),
		cmocka_unit_test_setup(test_cache_utc_zone, tz_utc),
		cmocka_unit_test_setup(test_cache_montreal, tz_montreal),
		cmocka_unit_test_setup(test_cache_converts_once_per_second, tz_montreal),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
