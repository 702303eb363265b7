/*
 * Reading what tsdl_layout.c describes: the metadata file (plain text, or
 * LTTng's packetized form, whose packets are unwrapped to text first) and
 * integer fields of a packet header at bit offsets, in either byte order.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tsdl_layout.h"

#define TJ_TSDL_MAX_METADATA (64u << 20) /* bytes: more is not a metadata file */

#define TJ_METADATA_MAGIC 0x75D11D57u
#define TJ_METADATA_HEADER 37 /* bytes of a metadata packet header */

static uint32_t rd32(const unsigned char *p, int be)
{
	return be ? (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3]
		  : (uint32_t)p[3] << 24 | (uint32_t)p[2] << 16 | (uint32_t)p[1] << 8 | p[0];
}

/* Packetized metadata to text, in place; returns the text length or -1. */
static long depacketize(unsigned char *buf, size_t n)
{
	int be = rd32(buf, 1) == TJ_METADATA_MAGIC;
	size_t in = 0, outlen = 0;
	while (in + TJ_METADATA_HEADER <= n) {
		const unsigned char *h = buf + in;
		if (rd32(h, be) != TJ_METADATA_MAGIC)
			return -1;
		uint32_t content = rd32(h + 24, be) / 8, packet = rd32(h + 28, be) / 8;
		if (content < TJ_METADATA_HEADER || packet < content || packet > n - in)
			return -1;
		memmove(buf + outlen, h + TJ_METADATA_HEADER, content - TJ_METADATA_HEADER);
		outlen += content - TJ_METADATA_HEADER;
		in += packet;
	}
	return (long)outlen;
}

int tj_tsdl_layout_load(const char *path, struct tj_tsdl_layout *out)
{
	FILE *f = fopen(path, "rbe");
	unsigned char *buf = NULL;
	size_t n = 0, cap = 0;
	int rc = -1;

	memset(out, 0, sizeof(*out));
	if (!f)
		return -1;
	for (;;) {
		if (n == cap) {
			if (cap >= TJ_TSDL_MAX_METADATA)
				goto out;
			size_t ncap = cap ? cap * 2 : 65536;
			unsigned char *nb = realloc(buf, ncap);
			if (!nb)
				goto out;
			buf = nb;
			cap = ncap;
		}
		size_t k = fread(buf + n, 1, cap - n, f);
		n += k;
		if (k == 0)
			break;
	}
	if (ferror(f))
		goto out;
	long len = (long)n;
	if (n >= 4 && (rd32(buf, 0) == TJ_METADATA_MAGIC || rd32(buf, 1) == TJ_METADATA_MAGIC))
		len = depacketize(buf, n);
	if (len >= 0)
		rc = tj_tsdl_layout_parse((const char *)buf, (size_t)len, out);
out:
	free(buf);
	fclose(f);
	return rc;
}

const struct tj_tsdl_stream *tj_tsdl_layout_stream(const struct tj_tsdl_layout *l, uint64_t id)
{
	for (size_t i = 0; i < l->nstreams; i++)
		if (l->streams[i].id == id)
			return &l->streams[i];
	return NULL;
}

void tj_tsdl_layout_release(struct tj_tsdl_layout *l)
{
	free(l->streams);
	memset(l, 0, sizeof(*l));
}

int tj_tsdl_read(const struct tj_tsdl_field *f, const unsigned char *p, size_t n, uint64_t *v)
{
	if (!f->present || f->size == 0 || f->size > 64 || f->offset + f->size > (uint64_t)n * 8)
		return -1;
	uint64_t r = 0;
	for (unsigned i = 0; i < f->size; i++) {
		uint64_t b = f->offset + i;
		unsigned bit = f->big_endian ? (p[b / 8] >> (7 - b % 8)) & 1u : (p[b / 8] >> (b % 8)) & 1u;
		if (f->big_endian)
			r = r << 1 | bit;
		else
			r |= (uint64_t)bit << i;
	}
	*v = r;
	return 0;
}
