/*
 * Streaming JSON writer used by the chrome-json exporter (see jsonw.h).
 * Exists so that the exporter's output is strict JSON whatever bytes a trace
 * holds, and so that the hot path formats numbers and escapes strings
 * without printf or malloc.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "jsonw.h"

int jsonw_init(struct jsonw *w, size_t cap, jsonw_sink_fn sink, void *ud)
{
	memset(w, 0, sizeof(*w));
	w->cap = cap ? cap : JSONW_BUF_SIZE;
	if (w->cap < 64)
		w->cap = 64;
	w->buf = malloc(w->cap);
	if (!w->buf)
		return -1;
	w->sink = sink;
	w->ud = ud;
	return 0;
}

void jsonw_release(struct jsonw *w)
{
	free(w->buf);
	w->buf = NULL;
	w->len = w->cap = 0;
}

int jsonw_flush(struct jsonw *w)
{
	if (w->len && !w->err) {
		int rc = w->sink(w->ud, w->buf, w->len);
		if (rc)
			w->err = rc;
		else
			w->bytes += w->len;
	}
	w->len = 0;
	return w->err;
}

/* Make room for n more bytes (n <= cap). */
static inline void reserve(struct jsonw *w, size_t n)
{
	if (w->cap - w->len < n)
		jsonw_flush(w);
}

/* jsonw_raw when the bytes do not fit in what is left of the buffer. */
void jsonw_raw_slow(struct jsonw *w, const char *s, size_t n)
{
	jsonw_flush(w);
	if (n >= w->cap) {
		if (!w->err) {
			int rc = w->sink(w->ud, s, n);
			if (rc)
				w->err = rc;
			else
				w->bytes += n;
		}
		return;
	}
	memcpy(w->buf, s, n);
	w->len = n;
}

/* ---- UTF-8 ---------------------------------------------------------- */

/*
 * Valid sequence length at s, or 0; when 0, *bad gets the length of the
 * maximal ill-formed subpart (the Unicode "substitution of maximal subparts"
 * practice: one U+FFFD per subpart, as browsers and Python do).
 */
static size_t utf8_scan(const unsigned char *s, size_t n, size_t *bad)
{
	unsigned char c = s[0];
	size_t need;
	unsigned char lo = 0x80, hi = 0xBF; /* range of the second byte */

	if (c < 0x80)
		return 1;
	if (c >= 0xC2 && c <= 0xDF) {
		need = 2;
	} else if (c >= 0xE0 && c <= 0xEF) {
		need = 3;
		if (c == 0xE0)
			lo = 0xA0; /* overlong */
		else if (c == 0xED)
			hi = 0x9F; /* surrogates */
	} else if (c >= 0xF0 && c <= 0xF4) {
		need = 4;
		if (c == 0xF0)
			lo = 0x90; /* overlong */
		else if (c == 0xF4)
			hi = 0x8F; /* above U+10FFFF */
	} else {
		*bad = 1;
		return 0;
	}
	for (size_t i = 1; i < need; i++) {
		unsigned char b = i < n ? s[i] : 0;
		unsigned char l = i == 1 ? lo : 0x80, h = i == 1 ? hi : 0xBF;
		if (i >= n || b < l || b > h) {
			*bad = i;
			return 0;
		}
	}
	return need;
}

size_t jsonw_utf8_len(const unsigned char *s, size_t n)
{
	size_t bad;
	return n ? utf8_scan(s, n, &bad) : 0;
}

/* ---- strings -------------------------------------------------------- */

/* 1 for bytes that need no escaping and are plain ASCII. */
static const unsigned char plain[256] = {
#define R16(v) v, v, v, v, v, v, v, v, v, v, v, v, v, v, v, v
	R16(0), R16(0),
	/* 0x20..0x2F: '"' (0x22) is not plain */
	1, 1, 0, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
	R16(1), R16(1),
	/* 0x50..0x5F: '\\' (0x5C) is not plain */
	1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 0, 1, 1, 1,
	R16(1),
	/* 0x70..0x7F: DEL (0x7F) is escaped (some importers reject it raw) */
	1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 0,
	R16(0), R16(0), R16(0), R16(0), R16(0), R16(0), R16(0), R16(0),
#undef R16
};

static const char hexdig[] = "0123456789abcdef";

/*
 * Copy the run of plain bytes at s straight into the buffer (flushing when
 * it fills) and return how many were copied; stops at the first byte that
 * needs escaping, or at the end (n bytes, or the NUL when n is SIZE_MAX).
 * One pass instead of a scan, then a copy: strings are most of the bytes.
 */
static size_t copy_plain(struct jsonw *w, const unsigned char *s, size_t n)
{
	size_t done = 0;
	for (;;) {
		size_t room = w->cap - w->len, lim = n - done < room ? n - done : room, k = 0;
		char *o = w->buf + w->len;
		const unsigned char *p = s + done;
		while (k < lim && plain[p[k]]) {
			o[k] = (char)p[k];
			k++;
		}
		w->len += k;
		done += k;
		if (k < lim || done == n)
			return done;
		jsonw_flush(w); /* the buffer is full, the run goes on */
	}
}

/* One byte that is not plain (and what follows it, for UTF-8) at s. */
static size_t escape_one(struct jsonw *w, const unsigned char *s, size_t n)
{
	unsigned char c = s[0];
	reserve(w, 6);
	char *o = w->buf + w->len;
	if (c < 0x80) {
		o[0] = '\\';
		switch (c) {
		case '"': o[1] = '"'; w->len += 2; break;
		case '\\': o[1] = '\\'; w->len += 2; break;
		case '\n': o[1] = 'n'; w->len += 2; break;
		case '\t': o[1] = 't'; w->len += 2; break;
		case '\r': o[1] = 'r'; w->len += 2; break;
		case '\b': o[1] = 'b'; w->len += 2; break;
		case '\f': o[1] = 'f'; w->len += 2; break;
		default:
			o[1] = 'u';
			o[2] = '0';
			o[3] = '0';
			o[4] = hexdig[c >> 4];
			o[5] = hexdig[c & 15];
			w->len += 6;
		}
		return 1;
	}
	size_t bad = 0, len = utf8_scan(s, n, &bad);
	if (len) {
		memcpy(o, s, len);
		w->len += len;
		return len;
	}
	/* U+FFFD REPLACEMENT CHARACTER */
	o[0] = (char)0xEF;
	o[1] = (char)0xBF;
	o[2] = (char)0xBD;
	w->len += 3;
	return bad;
}

void jsonw_str_body(struct jsonw *w, const char *str, size_t n)
{
	const unsigned char *s = (const unsigned char *)str;
	size_t i = 0;

	while (i < n) {
		i += copy_plain(w, s + i, n - i);
		if (i < n)
			i += escape_one(w, s + i, n - i);
	}
}

void jsonw_strn(struct jsonw *w, const char *s, size_t n)
{
	jsonw_char(w, '"');
	jsonw_str_body(w, s, n);
	jsonw_char(w, '"');
}

/*
 * 1 when none of the 8 bytes in x needs escaping: all in 0x20..0x7E and
 * none is '"' or '\\'.  Exact word tests (Hacker's Delight "has a byte less
 * than n" / "has a zero byte"), valid because no byte has its top bit set
 * once the first test passed.
 */
static inline int plain8(uint64_t x)
{
	const uint64_t ones = 0x0101010101010101ULL, highs = 0x8080808080808080ULL;
	uint64_t q = x ^ (ones * 0x22), b = x ^ (ones * 0x5C);
	return !((x & highs) | ((x - ones * 0x20) & ~x & highs) | ((x + ones) & highs) |
		 ((q - ones) & ~q & highs) | ((b - ones) & ~b & highs));
}

/* NUL-terminated: measured once (strlen is vectorised), then checked and
 * copied 8 bytes at a time when it fits, which it nearly always does. */
void jsonw_str(struct jsonw *w, const char *str)
{
	const unsigned char *s = (const unsigned char *)(str ? str : "");
	size_t n = strlen((const char *)s), i = 0;
	if (n + 2 > w->cap - w->len) {
		jsonw_strn(w, (const char *)s, n);
		return;
	}
	char *o = w->buf + w->len + 1;
	o[-1] = '"';
	for (; i + 8 <= n; i += 8) {
		uint64_t x;
		memcpy(&x, s + i, 8);
		if (!plain8(x))
			break;
		memcpy(o + i, &x, 8);
	}
	if (i < n && n >= 8 && i + 8 > n) {
		/* the tail as the last 8 bytes, overlapping what was copied */
		uint64_t x;
		memcpy(&x, s + n - 8, 8);
		if (plain8(x)) {
			memcpy(o + n - 8, &x, 8);
			i = n;
		}
	}
	while (i < n && plain[s[i]]) {
		o[i] = (char)s[i];
		i++;
	}
	if (i == n) {
		o[n] = '"';
		w->len += n + 2;
		return;
	}
	w->len += 1 + i;
	jsonw_str_body(w, (const char *)s + i, n - i);
	jsonw_char(w, '"');
}

/* ---- numbers -------------------------------------------------------- */

static const char digit_pairs[201] =
	"00010203040506070809101112131415161718192021222324252627282930313233343536373839"
	"40414243444546474849505152535455565758596061626364656667686970717273747576777879"
	"8081828384858687888990919293949596979899";

/* Written from the end of a scratch buffer two digits at a time, then
 * copied out as a fixed 20 bytes (dst has room for 24, the contract): no
 * digit counting, no variable-length copy. */
size_t jsonw_fmt_u64(char *dst, uint64_t v)
{
	char tmp[40];
	char *p = tmp + 20;
	while (v >= 100) {
		unsigned r = (unsigned)(v % 100);
		v /= 100;
		p -= 2;
		p[0] = digit_pairs[2 * r];
		p[1] = digit_pairs[2 * r + 1];
	}
	if (v >= 10) {
		p -= 2;
		p[0] = digit_pairs[2 * v];
		p[1] = digit_pairs[2 * v + 1];
	} else {
		*--p = (char)('0' + v);
	}
	size_t n = (size_t)(tmp + 20 - p);
	memcpy(dst, p, 20); /* the bytes past n are scratch, overwritten later */
	return n;
}

/* Magnitude of v as uint64, correct for INT64_MIN too. */
static inline uint64_t magnitude(int64_t v)
{
	return v < 0 ? (uint64_t)0 - (uint64_t)v : (uint64_t)v;
}

size_t jsonw_fmt_i64(char *dst, int64_t v)
{
	if (v < 0) {
		dst[0] = '-';
		return 1 + jsonw_fmt_u64(dst + 1, magnitude(v));
	}
	return jsonw_fmt_u64(dst, (uint64_t)v);
}

size_t jsonw_fmt_ns_as_us(char *dst, int64_t ns)
{
	uint64_t m = magnitude(ns);
	size_t n = 0;
	if (ns < 0)
		dst[n++] = '-';
	n += jsonw_fmt_u64(dst + n, m / 1000);
	unsigned frac = (unsigned)(m % 1000);
	if (frac) {
		dst[n++] = '.';
		dst[n++] = (char)('0' + frac / 100);
		frac %= 100;
		if (frac) {
			dst[n++] = (char)('0' + frac / 10);
			frac %= 10;
			if (frac)
				dst[n++] = (char)('0' + frac);
		}
	}
	return n;
}

void jsonw_i64(struct jsonw *w, int64_t v)
{
	reserve(w, 24);
	w->len += jsonw_fmt_i64(w->buf + w->len, v);
}

void jsonw_u64(struct jsonw *w, uint64_t v)
{
	reserve(w, 24);
	w->len += jsonw_fmt_u64(w->buf + w->len, v);
}

void jsonw_hex(struct jsonw *w, uint64_t v)
{
	char tmp[16];
	size_t n = 0;
	reserve(w, 24);
	char *o = w->buf + w->len;
	do {
		tmp[n++] = hexdig[v & 15];
		v >>= 4;
	} while (v);
	o[0] = '"';
	o[1] = '0';
	o[2] = 'x';
	for (size_t i = 0; i < n; i++)
		o[3 + i] = tmp[n - 1 - i];
	o[3 + n] = '"';
	w->len += n + 4;
}

void jsonw_ns_as_us(struct jsonw *w, int64_t ns)
{
	reserve(w, 32);
	w->len += jsonw_fmt_ns_as_us(w->buf + w->len, ns);
}

int jsonw_double(struct jsonw *w, double d)
{
	char tmp[40];
	int n;

	if (d != d || d > 1.7976931348623157e308 || d < -1.7976931348623157e308)
		return -1;
	if (d > -9.2e18 && d < 9.2e18 && d == (double)(int64_t)d) {
		jsonw_i64(w, (int64_t)d);
		return 0;
	}
	n = snprintf(tmp, sizeof(tmp), "%.15g", d);
	if (n > 0 && strtod(tmp, NULL) != d)
		n = snprintf(tmp, sizeof(tmp), "%.17g", d);
	if (n <= 0 || (size_t)n >= sizeof(tmp))
		return -1;
	for (int i = 0; i < n; i++)
		if (tmp[i] == ',') /* a locale's decimal comma */
			tmp[i] = '.';
	jsonw_raw(w, tmp, (size_t)n);
	return 0;
}
