/*
 * Growable NUL-terminated string buffer.  Integer appends are done by hand:
 * they sit on the per-event formatting path where printf dominates.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sbuf.h"

int tj_sbuf_reserve(struct tj_sbuf *sb, size_t extra)
{
	size_t need = sb->len + extra + 1;
	if (need <= sb->cap)
		return TJ_OK;
	size_t cap = sb->cap ? sb->cap : 256;
	while (cap < need)
		cap *= 2;
	char *d = realloc(sb->data, cap);
	if (!d)
		return TJ_ENOMEM;
	sb->data = d;
	sb->cap = cap;
	return TJ_OK;
}

/* Formatted straight into the room already there: one vsnprintf in the
 * usual case, a second only when the text did not fit (analyzers' notes
 * are printed per event). */
int tj_sbuf_vprintf(struct tj_sbuf *sb, const char *fmt, va_list ap)
{
	va_list again;
	size_t room;
	int n;

	if (tj_sbuf_reserve(sb, 0))
		return TJ_ENOMEM;
	room = sb->cap - sb->len;
	va_copy(again, ap);
	n = vsnprintf(sb->data + sb->len, room, fmt, ap);
	if (n >= 0 && (size_t)n >= room) {
		if (tj_sbuf_reserve(sb, (size_t)n))
			n = -1;
		else
			vsnprintf(sb->data + sb->len, sb->cap - sb->len, fmt, again);
	}
	va_end(again);
	if (n < 0) {
		sb->data[sb->len] = '\0'; /* nothing appended */
		return TJ_ENOMEM;
	}
	sb->len += (size_t)n;
	return TJ_OK;
}

int tj_sbuf_printf(struct tj_sbuf *sb, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	int rc = tj_sbuf_vprintf(sb, fmt, ap);
	va_end(ap);
	return rc;
}

int tj_sbuf_append_u64(struct tj_sbuf *sb, uint64_t v)
{
	char tmp[24];
	size_t i = sizeof(tmp);
	do {
		tmp[--i] = (char)('0' + v % 10);
		v /= 10;
	} while (v);
	return tj_sbuf_append(sb, tmp + i, sizeof(tmp) - i);
}

int tj_sbuf_append_i64(struct tj_sbuf *sb, int64_t v)
{
	if (v < 0) {
		if (tj_sbuf_appendc(sb, '-'))
			return TJ_ENOMEM;
		return tj_sbuf_append_u64(sb, (uint64_t)0 - (uint64_t)v);
	}
	return tj_sbuf_append_u64(sb, (uint64_t)v);
}

void tj_sbuf_reset(struct tj_sbuf *sb)
{
	sb->len = 0;
	if (sb->data)
		sb->data[0] = '\0';
}

void tj_sbuf_release(struct tj_sbuf *sb)
{
	free(sb->data);
	sb->data = NULL;
	sb->len = sb->cap = 0;
}
