/* The growable string buffer: plugins hold it opaque (struct tj_sbuf in
 * tjconv/plugin.h) and reach it through host functions; the core uses it
 * directly, with inline fast paths. */
#ifndef TJ_CORE_SBUF_H
#define TJ_CORE_SBUF_H

#include <stdarg.h>
#include <stddef.h>
#include "tjconv/plugin.h"

#include <string.h>

struct tj_sbuf {
	char *data; /* NUL-terminated once anything was appended; may be NULL */
	size_t len;
	size_t cap;
};

int tj_sbuf_reserve(struct tj_sbuf *sb, size_t extra);

/* Inline fast paths: these run several times per formatted field. */
static inline int tj_sbuf_append(struct tj_sbuf *sb, const char *data, size_t len)
{
	if (sb->len + len + 1 > sb->cap && tj_sbuf_reserve(sb, len))
		return TJ_ENOMEM;
	memcpy(sb->data + sb->len, data, len);
	sb->len += len;
	sb->data[sb->len] = '\0';
	return TJ_OK;
}

static inline int tj_sbuf_appendc(struct tj_sbuf *sb, char c)
{
	if (sb->len + 2 > sb->cap && tj_sbuf_reserve(sb, 1))
		return TJ_ENOMEM;
	sb->data[sb->len++] = c;
	sb->data[sb->len] = '\0';
	return TJ_OK;
}
int tj_sbuf_printf(struct tj_sbuf *sb, const char *fmt, ...) TJ_PRINTF(2, 3);
int tj_sbuf_vprintf(struct tj_sbuf *sb, const char *fmt, va_list ap) TJ_PRINTF(2, 0);
int tj_sbuf_append_u64(struct tj_sbuf *sb, uint64_t v);
int tj_sbuf_append_i64(struct tj_sbuf *sb, int64_t v);
void tj_sbuf_reset(struct tj_sbuf *sb);
void tj_sbuf_release(struct tj_sbuf *sb);

#endif
