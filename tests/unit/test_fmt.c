/*
 * Unit tests for include/tjconv/fmt.h, the header-only text builder the
 * analyzers use instead of snprintf for per-event labels and notes.  The
 * expected bytes always come from glibc's snprintf with the format the
 * helper replaces: integers at their extremes, "%.Nf" of scaled integers
 * (exact rounding ties, values next to them, random values of every size),
 * "%s" of NULL, and truncation (content, NUL and returned length) for every
 * buffer size.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "tjconv/fmt.h"

static void test_integers(void **state)
{
	(void)state;
	static const int64_t v[] = {0, 1, -1, 9, 10, 99, 100, 12345, -12345, INT32_MAX, INT32_MIN,
				    INT64_MAX, INT64_MIN, 1000000000000LL};
	for (size_t i = 0; i < sizeof(v) / sizeof(v[0]); i++) {
		char a[32], b[32];
		struct tj_fmt f;
		tj_fmt_init(&f, a, sizeof(a));
		tj_fmt_i64(&f, v[i]);
		size_t n = tj_fmt_end(&f);
		int m = snprintf(b, sizeof(b), "%lld", (long long)v[i]);
		assert_string_equal(a, b);
		assert_int_equal(n, m);
		tj_fmt_init(&f, a, sizeof(a));
		tj_fmt_u64(&f, (uint64_t)v[i]);
		tj_fmt_end(&f);
		snprintf(b, sizeof(b), "%llu", (unsigned long long)v[i]);
		assert_string_equal(a, b);
	}
}

static void check_scaled(int64_t v, unsigned scale, unsigned decimals)
{
	char a[64], b[64];
	struct tj_fmt f;
	double p = scale == 3 ? 1e3 : scale == 6 ? 1e6 : 1e9;
	tj_fmt_init(&f, a, sizeof(a));
	tj_fmt_scaled(&f, v, scale, decimals);
	size_t n = tj_fmt_end(&f);
	int m = snprintf(b, sizeof(b), "%.*f", (int)decimals, (double)v / p);
	assert_string_equal(a, b);
	assert_int_equal(n, m);
}

/* The durations the analyzers print: "%.1f" of ns/1e3, "%.1f"/"%.2f" of
 * ns/1e6, "%.2f" of ns/1e9. */
static void test_scaled(void **state)
{
	(void)state;
	static const unsigned forms[][2] = {{3, 1}, {6, 1}, {6, 2}, {9, 2}};
	for (size_t k = 0; k < 4; k++) {
		unsigned sc = forms[k][0], dec = forms[k][1];
		int64_t step = 1;
		for (unsigned i = 0; i < sc - dec; i++)
			step *= 10;
		/* every value up to 300 steps, so every tie and its neighbours */
		for (int64_t v = 0; v < 300 * step; v += step > 1000 ? step / 1000 : 1)
			check_scaled(v, sc, dec);
		for (int64_t t = 0; t < 2000; t++) {
			int64_t tie = t * step + step / 2;
			for (int64_t d = -2; d <= 2; d++)
				check_scaled(tie + d, sc, dec);
		}
		/* large values, where the double's own error matters */
		uint64_t x = 88172645463325252ULL;
		for (int i = 0; i < 50000; i++) {
			x ^= x << 13, x ^= x >> 7, x ^= x << 17;
			int64_t v = (int64_t)(x >> (1 + i % 63));
			check_scaled(v, sc, dec);
			check_scaled((v / step) * step + step / 2, sc, dec);
		}
		check_scaled(INT64_MAX, sc, dec);
		check_scaled(-1, sc, dec);
		check_scaled(-123456789, sc, dec);
	}
}

/* Every buffer size: the prefix, the NUL and the length snprintf gives. */
static void test_truncation(void **state)
{
	(void)state;
	const char *volatile none = NULL; /* glibc prints "(null)" */
	for (size_t cap = 0; cap < 40; cap++) {
		char a[40], b[40];
		memset(a, 'x', sizeof(a));
		memset(b, 'x', sizeof(b));
		struct tj_fmt f;
		tj_fmt_init(&f, a, cap);
		tj_fmt_str(&f, "irq ");
		tj_fmt_i64(&f, -42);
		tj_fmt_char(&f, ' ');
		tj_fmt_str(&f, none);
		tj_fmt_str(&f, " µs ");
		tj_fmt_scaled(&f, 1250, 3, 1);
		size_t n = tj_fmt_end(&f);
		int m = snprintf(b, cap, "irq %d %s µs %.1f", -42, none, 1.25);
		assert_int_equal(n, m);
		assert_memory_equal(a, b, sizeof(a));
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_integers),
		cmocka_unit_test(test_scaled),
		cmocka_unit_test(test_truncation),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
