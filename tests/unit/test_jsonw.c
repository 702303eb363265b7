/*
 * Unit tests for converters/chrome-json/jsonw.c, the chrome-json exporter's
 * JSON writer: string escaping (control characters, quotes, DEL), UTF-8
 * validation with one U+FFFD per maximal ill-formed subpart, integer, hex,
 * nanosecond-to-microsecond and double formatting at their extremes, and
 * buffering (tiny buffers, oversized writes, a failing sink).  A fuzz loop
 * checks random bytes always come out as a valid JSON string, with an
 * independent decoder.  Plugins are not part of the core library, so
 * jsonw.c is compiled into this test directly.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "../../converters/chrome-json/jsonw.c"

struct mem {
	char data[1 << 16];
	size_t len;
	int calls;
	int fail_at; /* fail the n-th call (1-based), 0 never */
};

static int mem_sink(void *ud, const void *p, size_t n)
{
	struct mem *m = ud;
	m->calls++;
	if (m->fail_at && m->calls >= m->fail_at)
		return -4;
	assert_true(m->len + n < sizeof(m->data));
	memcpy(m->data + m->len, p, n);
	m->len += n;
	m->data[m->len] = '\0';
	return 0;
}

static struct mem *mem;
static struct jsonw w;

static int setup(void **state)
{
	(void)state;
	mem = calloc(1, sizeof(*mem));
	if (!mem || jsonw_init(&w, 0, mem_sink, mem))
		return -1;
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	jsonw_release(&w);
	free(mem);
	return 0;
}

/* Everything written so far, as a string. */
static const char *out(void)
{
	assert_int_equal(jsonw_flush(&w), 0);
	return mem->data;
}

static void reset(void)
{
	jsonw_flush(&w);
	mem->len = 0;
	mem->data[0] = '\0';
}

static void strn_is(const char *in, size_t n, const char *expect)
{
	reset();
	jsonw_strn(&w, in, n);
	assert_string_equal(out(), expect);
}
#define STR_IS(lit, expect) strn_is((lit), sizeof(lit) - 1, (expect))

static void test_escape_ascii(void **state)
{
	(void)state;
	STR_IS("", "\"\"");
	STR_IS("plain text /ok", "\"plain text /ok\"");
	STR_IS("a\"b\\c", "\"a\\\"b\\\\c\"");
	STR_IS("\n\t\r\b\f", "\"\\n\\t\\r\\b\\f\"");
	STR_IS("\x01\x1f\x7f", "\"\\u0001\\u001f\\u007f\"");
	STR_IS("nul\0inside", "\"nul\\u0000inside\"");
	reset();
	jsonw_str(&w, NULL);
	assert_string_equal(out(), "\"\"");
	/* every control character comes out escaped */
	for (int c = 0; c < 0x20; c++) {
		char in[1] = {(char)c};
		reset();
		jsonw_strn(&w, in, 1);
		const char *o = out();
		assert_int_equal(o[1], '\\');
		for (const char *p = o; *p; p++)
			assert_true((unsigned char)*p >= 0x20);
	}
}

static void test_utf8_valid(void **state)
{
	(void)state;
	STR_IS("caf\xc3\xa9", "\"caf\xc3\xa9\"");                  /* U+00E9 */
	STR_IS("\xe2\x82\xac", "\"\xe2\x82\xac\"");                /* U+20AC */
	STR_IS("\xef\xbf\xbf", "\"\xef\xbf\xbf\"");                /* U+FFFF */
	STR_IS("\xf0\x9f\x98\x80", "\"\xf0\x9f\x98\x80\"");        /* U+1F600 */
	STR_IS("\xf4\x8f\xbf\xbf", "\"\xf4\x8f\xbf\xbf\"");        /* U+10FFFF */
	STR_IS("\xed\x9f\xbf", "\"\xed\x9f\xbf\"");                /* U+D7FF */
	STR_IS("\xee\x80\x80", "\"\xee\x80\x80\"");                /* U+E000 */
	assert_int_equal(jsonw_utf8_len((const unsigned char *)"\xf0\x90\x80\x80", 4), 4);
	assert_int_equal(jsonw_utf8_len((const unsigned char *)"A", 1), 1);
}

#define FFFD "\xef\xbf\xbd"

static void test_utf8_invalid(void **state)
{
	(void)state;
	STR_IS("\x80", "\"" FFFD "\"");                      /* lone continuation */
	STR_IS("\xbf\x80", "\"" FFFD FFFD "\"");
	STR_IS("\xc0\x80", "\"" FFFD FFFD "\"");             /* overlong NUL */
	STR_IS("\xc1\xbf", "\"" FFFD FFFD "\"");
	STR_IS("\xe0\x80\x80", "\"" FFFD FFFD FFFD "\"");    /* overlong 3-byte */
	STR_IS("\xed\xa0\x80", "\"" FFFD FFFD FFFD "\"");    /* surrogate U+D800 */
	STR_IS("\xf0\x80\x80\x80", "\"" FFFD FFFD FFFD FFFD "\"");
	STR_IS("\xf4\x90\x80\x80", "\"" FFFD FFFD FFFD FFFD "\""); /* > U+10FFFF */
	STR_IS("\xf5\xff\xfe", "\"" FFFD FFFD FFFD "\"");
	/* truncated sequences: one U+FFFD for the maximal subpart */
	STR_IS("\xe2\x82", "\"" FFFD "\"");
	STR_IS("\xe2\x82" "A", "\"" FFFD "A\"");
	STR_IS("\xf0\x9f\x98", "\"" FFFD "\"");
	STR_IS("\xf0\x9f\x98" "\"", "\"" FFFD "\\\"\"");
	STR_IS("a\xc3", "\"a" FFFD "\"");
	STR_IS("\xc3" "(", "\"" FFFD "(\"");
	assert_int_equal(jsonw_utf8_len((const unsigned char *)"\xc3", 1), 0);
	assert_int_equal(jsonw_utf8_len((const unsigned char *)"", 0), 0);
}

static void test_integers(void **state)
{
	(void)state;
	reset();
	jsonw_i64(&w, 0);
	jsonw_char(&w, ' ');
	jsonw_i64(&w, -1);
	jsonw_char(&w, ' ');
	jsonw_i64(&w, INT64_MIN);
	jsonw_char(&w, ' ');
	jsonw_i64(&w, INT64_MAX);
	jsonw_char(&w, ' ');
	jsonw_u64(&w, UINT64_MAX);
	jsonw_char(&w, ' ');
	jsonw_hex(&w, 0);
	jsonw_hex(&w, 0xffff8800deadbeefull);
	jsonw_hex(&w, UINT64_MAX);
	assert_string_equal(out(), "0 -1 -9223372036854775808 9223372036854775807 "
				   "18446744073709551615 \"0x0\"\"0xffff8800deadbeef\""
				   "\"0xffffffffffffffff\"");
}

static void us_is(int64_t ns, const char *expect)
{
	char buf[32];
	size_t n = jsonw_fmt_ns_as_us(buf, ns);
	buf[n] = '\0';
	assert_string_equal(buf, expect);
	/* and the value reads back exactly: integer part and fraction */
	reset();
	jsonw_ns_as_us(&w, ns);
	assert_string_equal(out(), expect);
}

static void test_ns_as_us(void **state)
{
	(void)state;
	us_is(0, "0");
	us_is(1, "0.001");
	us_is(10, "0.01");
	us_is(100, "0.1");
	us_is(999, "0.999");
	us_is(1000, "1");
	us_is(1001, "1.001");
	us_is(1500, "1.5");
	us_is(1230, "1.23");
	us_is(1234567, "1234.567");
	us_is(-1, "-0.001");
	us_is(-1000, "-1");
	us_is(-1234567, "-1234.567");
	us_is(INT64_MAX, "9223372036854775.807");
	us_is(INT64_MIN, "-9223372036854775.808");
	/* a day of ns, and a typical epoch stamp, never through a double */
	us_is(INT64_C(86400000000001), "86400000000.001");
	us_is(INT64_C(1521484759831423009), "1521484759831423.009");
}

static double pow10i(int e)
{
	double r = 1;
	for (; e > 0; e--)
		r *= 10;
	for (; e < 0; e++)
		r /= 10;
	return r;
}

static void dbl_is(double d, const char *expect)
{
	reset();
	assert_int_equal(jsonw_double(&w, d), 0);
	assert_string_equal(out(), expect);
}

static void test_doubles(void **state)
{
	(void)state;
	dbl_is(0.0, "0");
	dbl_is(-0.0, "0");
	dbl_is(3.0, "3");
	dbl_is(-42.0, "-42");
	dbl_is(0.5, "0.5");
	dbl_is(0.1, "0.1");
	dbl_is(1e300, "1e+300");
	dbl_is(1.5e-7, "1.5e-07");
	dbl_is(2.0 / 3.0, "0.66666666666666663");
	reset();
	assert_int_equal(jsonw_double(&w, 0.0 / 0.0), -1);
	assert_int_equal(jsonw_double(&w, 1.0 / 0.0), -1);
	assert_int_equal(jsonw_double(&w, -1.0 / 0.0), -1);
	assert_string_equal(out(), "");
	/* every finite double read back equals the one written */
	for (int i = 0; i < 2000; i++) {
		double d = ((double)rand() / RAND_MAX - 0.5) * pow10i(i % 40 - 20);
		reset();
		assert_int_equal(jsonw_double(&w, d), 0);
		assert_true(strtod(out(), NULL) == d);
	}
}

static void test_buffering(void **state)
{
	struct jsonw small;
	char big[300];
	(void)state;
	reset();
	assert_int_equal(jsonw_init(&small, 64, mem_sink, mem), 0);
	memset(big, 'x', sizeof(big));
	jsonw_lit(&small, "[");
	jsonw_raw(&small, big, sizeof(big)); /* larger than the buffer */
	for (int i = 0; i < 50; i++)
		jsonw_strn(&small, "\x01\xff\xe2\x82\xac", 5); /* escapes across flushes */
	jsonw_lit(&small, "]");
	assert_int_equal(jsonw_flush(&small), 0);
	assert_int_equal(mem->len, 1 + 300 + 50 * (2 + 6 + 3 + 3) + 1);
	assert_int_equal(small.bytes, mem->len);
	assert_true(mem->calls > 5);
	jsonw_release(&small);

	/* a failing sink: the error sticks, nothing more is handed over */
	reset();
	mem->calls = 0;
	mem->fail_at = 2;
	assert_int_equal(jsonw_init(&small, 64, mem_sink, mem), 0);
	for (int i = 0; i < 20; i++)
		jsonw_raw(&small, big, 40);
	assert_int_equal(small.err, -4);
	int calls = mem->calls;
	jsonw_raw(&small, big, 200);
	assert_int_equal(jsonw_flush(&small), -4);
	assert_int_equal(mem->calls, calls);
	jsonw_release(&small);
	mem->fail_at = 0;
}

/* Independent check that s[0..n) is one JSON string literal: quotes, no raw
 * control byte, valid escapes, and valid UTF-8 (decoded here by hand). */
static int json_string_ok(const unsigned char *s, size_t n)
{
	size_t i = 1;
	if (n < 2 || s[0] != '"' || s[n - 1] != '"')
		return 0;
	while (i < n - 1) {
		unsigned c = s[i];
		if (c < 0x20 || c == '"')
			return 0;
		if (c == '\\') {
			unsigned e = s[i + 1];
			if (e == 'u') {
				for (int k = 2; k < 6; k++)
					if (!strchr("0123456789abcdef", s[i + k]))
						return 0;
				i += 6;
			} else if (strchr("\"\\/bfnrt", (int)e) && e) {
				i += 2;
			} else {
				return 0;
			}
			continue;
		}
		if (c < 0x80) {
			i++;
			continue;
		}
		int len = c >= 0xF0 ? 4 : c >= 0xE0 ? 3 : c >= 0xC0 ? 2 : 0;
		if (!len || i + (size_t)len > n - 1)
			return 0;
		uint32_t cp = c & (0x7F >> len);
		for (int k = 1; k < len; k++) {
			if ((s[i + k] & 0xC0) != 0x80)
				return 0;
			cp = (cp << 6) | (s[i + k] & 0x3F);
		}
		static const uint32_t min[] = {0, 0, 0x80, 0x800, 0x10000};
		if (cp < min[len] || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF))
			return 0;
		i += (size_t)len;
	}
	return 1;
}

static void test_fuzz(void **state)
{
	unsigned char in[64];
	(void)state;
	srand(12345);
	for (int iter = 0; iter < 20000; iter++) {
		size_t n = (size_t)(rand() % (int)sizeof(in));
		for (size_t i = 0; i < n; i++) {
			int r = rand() % 8;
			/* bias towards UTF-8 lead and continuation bytes */
			in[i] = (unsigned char)(r < 3 ? 0x80 + rand() % 0x80 : r < 5 ? rand() % 0x20 : rand());
		}
		reset();
		jsonw_strn(&w, (const char *)in, n);
		const char *o = out();
		assert_true(json_string_ok((const unsigned char *)o, strlen(o)));
		/* valid input is copied unchanged */
		int valid = 1;
		for (size_t i = 0; i < n;) {
			size_t l = jsonw_utf8_len(in + i, n - i);
			if (!l || in[i] < 0x20 || in[i] == '"' || in[i] == '\\' || in[i] == 0x7f) {
				valid = 0;
				break;
			}
			i += l;
		}
		if (valid) {
			assert_int_equal(strlen(o), n + 2);
			assert_memory_equal(o + 1, in, n);
		}
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_escape_ascii),
		cmocka_unit_test(test_utf8_valid),
		cmocka_unit_test(test_utf8_invalid),
		cmocka_unit_test(test_integers),
		cmocka_unit_test(test_ns_as_us),
		cmocka_unit_test(test_doubles),
		cmocka_unit_test(test_buffering),
		cmocka_unit_test(test_fuzz),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
