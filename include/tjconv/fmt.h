/*
 * tjconv/fmt.h — header-only text building for plugins' per-event strings
 * (labels, notes, attribute paths), without snprintf.
 *
 * Why: an analyzer formats a label or a note for nearly every event it
 * handles, and glibc's snprintf costs 500–1500 instructions a call
 * (callgrind, tjgen load trace): more than decoding the event.  These
 * helpers give exactly the bytes snprintf would give for the conversions
 * they replace ("%s", "%d", "%u", "%lld", "%.Nf" of a scaled integer), with
 * the same truncation: at most cap - 1 bytes and a NUL, the length returned
 * is the untruncated one.
 *
 *   struct tj_fmt f;
 *   tj_fmt_init(&f, buf, sizeof(buf));
 *   tj_fmt_str(&f, "irq ");
 *   tj_fmt_i64(&f, num);
 *   tj_fmt_end(&f);
 *
 * Not part of the plugin ABI: nothing here crosses the host boundary.
 */
#ifndef TJCONV_FMT_H
#define TJCONV_FMT_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

struct tj_fmt {
	char *buf;
	size_t cap; /* bytes in buf, NUL included */
	size_t len; /* bytes appended so far, kept or not */
};

static inline void tj_fmt_init(struct tj_fmt *f, char *buf, size_t cap)
{
	f->buf = buf;
	f->cap = cap;
	f->len = 0;
	if (cap)
		buf[0] = '\0';
}

static inline void tj_fmt_mem(struct tj_fmt *f, const char *s, size_t n)
{
	if (f->cap && f->len < f->cap - 1) {
		size_t room = f->cap - 1 - f->len;
		memcpy(f->buf + f->len, s, n < room ? n : room);
	}
	f->len += n;
}

/* NULL prints "(null)" as glibc's "%s" does. */
static inline void tj_fmt_str(struct tj_fmt *f, const char *s)
{
	if (!s)
		s = "(null)";
	tj_fmt_mem(f, s, strlen(s));
}

static inline void tj_fmt_char(struct tj_fmt *f, char c)
{
	tj_fmt_mem(f, &c, 1);
}

static inline void tj_fmt_u64(struct tj_fmt *f, uint64_t v)
{
	char tmp[20];
	size_t n = sizeof(tmp);
	do {
		tmp[--n] = (char)('0' + v % 10);
		v /= 10;
	} while (v);
	tj_fmt_mem(f, tmp + n, sizeof(tmp) - n);
}

/* "%d", "%lld", PRId64 */
static inline void tj_fmt_i64(struct tj_fmt *f, int64_t v)
{
	if (v < 0) {
		tj_fmt_char(f, '-');
		tj_fmt_u64(f, (uint64_t)0 - (uint64_t)v);
	} else {
		tj_fmt_u64(f, (uint64_t)v);
	}
}

/*
 * "%.<decimals>f" of (double)v / 10^scale, for 0 <= v and
 * 1 <= decimals < scale <= 18: rounded to nearest from the integer.  When v
 * lies so near a rounding tie that the double's own error could decide it,
 * the double goes through snprintf, so the bytes are always snprintf's.
 */
static inline void tj_fmt_scaled(struct tj_fmt *f, int64_t v, unsigned scale, unsigned decimals)
{
	uint64_t div = 1, one = 1;
	for (unsigned i = 0; i < scale - decimals; i++)
		div *= 10;
	for (unsigned i = 0; i < decimals; i++)
		one *= 10;
	uint64_t u = (uint64_t)v, q = u / div, r = u % div, half = div / 2;
	uint64_t dist = r > half ? r - half : half - r;
	if (v < 0 || dist <= (u >> 40) + 1) {
		char tmp[48];
		double p = 1; /* 10^scale, exact for scale <= 22 */
		for (unsigned i = 0; i < scale; i++)
			p *= 10;
		int n = snprintf(tmp, sizeof(tmp), "%.*f", (int)decimals, (double)v / p);
		if (n > 0)
			tj_fmt_mem(f, tmp, (size_t)n < sizeof(tmp) ? (size_t)n : sizeof(tmp) - 1);
		return;
	}
	if (r > half)
		q++;
	tj_fmt_u64(f, q / one);
	tj_fmt_char(f, '.');
	char frac[18];
	uint64_t fr = q % one;
	for (unsigned i = decimals; i-- > 0;) {
		frac[i] = (char)('0' + fr % 10);
		fr /= 10;
	}
	tj_fmt_mem(f, frac, decimals);
}

/* NUL-terminates; returns what snprintf would have returned. */
static inline size_t tj_fmt_end(struct tj_fmt *f)
{
	if (f->cap)
		f->buf[f->len < f->cap ? f->len : f->cap - 1] = '\0';
	return f->len;
}

/* A duration as people read it: "850 ns", "2.0 µs", "1.25 ms", "3.00 s"
 * (what the analyzers' labels and notes show). */
static inline void tj_fmt_duration(int64_t ns, char *buf, size_t cap)
{
	struct tj_fmt o;
	tj_fmt_init(&o, buf, cap);
	if (ns < 1000) {
		tj_fmt_i64(&o, ns);
		tj_fmt_str(&o, " ns");
	} else if (ns < 1000000) {
		tj_fmt_scaled(&o, ns, 3, 1);
		tj_fmt_str(&o, " µs");
	} else if (ns < 1000000000) {
		tj_fmt_scaled(&o, ns, 6, 2);
		tj_fmt_str(&o, " ms");
	} else {
		tj_fmt_scaled(&o, ns, 9, 2);
		tj_fmt_str(&o, " s");
	}
	tj_fmt_end(&o);
}

#endif
