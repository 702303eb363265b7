/*
 * Streaming JSON writer for the chrome-json exporter: a fixed buffer that is
 * handed to a sink when full, strings escaped to strict JSON (control
 * characters as \u00XX, invalid UTF-8 replaced by U+FFFD), integers and
 * nanosecond timestamps formatted by hand.  Nothing here allocates after
 * jsonw_init, so writing one trace event costs no malloc.
 */
#ifndef TJ_CHROME_JSONW_H
#define TJ_CHROME_JSONW_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

/* Receives full buffers; returns 0 or a negative status. */
typedef int (*jsonw_sink_fn)(void *ud, const void *data, size_t len);

/* Big enough that the host writes each full buffer out without copying it
 * (core/output.c passes blocks of 64 KiB and more straight through). */
#define JSONW_BUF_SIZE (256 * 1024)

struct jsonw {
	char *buf;
	size_t len;
	size_t cap;
	jsonw_sink_fn sink;
	void *ud;
	int err;        /* first sink error, sticky */
	uint64_t bytes; /* bytes handed to the sink so far */
};

/* cap 0 means JSONW_BUF_SIZE.  Returns 0, or -1 when out of memory. */
int jsonw_init(struct jsonw *w, size_t cap, jsonw_sink_fn sink, void *ud);
void jsonw_release(struct jsonw *w);
/* Hand buffered bytes to the sink; returns w->err. */
int jsonw_flush(struct jsonw *w);

/* Raw bytes, copied as they are (the caller guarantees they are JSON).
 * Inline: most calls copy a few literal bytes into a buffer with room, and
 * a call per piece was a measurable share of writing one event. */
void jsonw_raw_slow(struct jsonw *w, const char *s, size_t n);
static inline void jsonw_raw(struct jsonw *w, const char *s, size_t n)
{
	if (n <= w->cap - w->len) {
		memcpy(w->buf + w->len, s, n);
		w->len += n;
		return;
	}
	jsonw_raw_slow(w, s, n);
}
/* s must be a string literal (the "" pastes fail to compile otherwise) */
#define jsonw_lit(w, s) jsonw_raw((w), "" s "", sizeof("" s "") - 1)
static inline void jsonw_char(struct jsonw *w, char c)
{
	if (w->len == w->cap)
		jsonw_flush(w);
	w->buf[w->len++] = c;
}

/* A quoted JSON string; NULL writes "". */
void jsonw_str(struct jsonw *w, const char *s);
void jsonw_strn(struct jsonw *w, const char *s, size_t n);
/* The escaped body only (no quotes), for building a string in pieces. */
void jsonw_str_body(struct jsonw *w, const char *s, size_t n);

void jsonw_i64(struct jsonw *w, int64_t v);
void jsonw_u64(struct jsonw *w, uint64_t v);
/* "0x1f" (quoted: JSON numbers cannot carry 64 bits exactly). */
void jsonw_hex(struct jsonw *w, uint64_t v);
/* Nanoseconds as microseconds, exact: 1234567 -> 1234.567, 1500 -> 1.5,
 * 2000 -> 2, -1 -> -0.001. */
void jsonw_ns_as_us(struct jsonw *w, int64_t ns);
/* A finite double in the shortest form that reads back equal; returns -1
 * (writing nothing) for NaN and infinities, which JSON cannot express. */
int jsonw_double(struct jsonw *w, double d);

/* Formatting into a caller buffer (at least 24 bytes for integers, 32 for
 * timestamps); return the length, no NUL added. */
size_t jsonw_fmt_u64(char *dst, uint64_t v);
size_t jsonw_fmt_i64(char *dst, int64_t v);
size_t jsonw_fmt_ns_as_us(char *dst, int64_t ns);

/* Length of the valid UTF-8 sequence at s (1..4), or 0 if the bytes at s
 * (n available) do not start one: overlong forms, surrogates, code points
 * above U+10FFFF, stray continuation bytes and truncated sequences. */
size_t jsonw_utf8_len(const unsigned char *s, size_t n);

#endif
