/*
 * A pcapng block reader for the "packets" analyzer's captures.  libpcap
 * (1.10) reads pcapng too, but refuses a file whose interfaces have
 * different link types ("an interface has a type 113 different from the
 * type of the first interface" -- tcpdump stops there as well), and a
 * capture of "any" plus lo, or Wireshark's multi-interface captures, are
 * exactly that.  So pcapng files are read here, block by block from a stdio
 * stream (a plain file or the gzip cookie stream): section headers (either
 * byte order, several sections), interface descriptions with their link
 * type, name, timestamp resolution and offset, enhanced, simple and
 * obsolete packet blocks with the direction flag; every other block is
 * skipped.  Each packet is decoded by cap_decode with its interface's link
 * type.  Nothing else is kept: memory is one block's worth.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pcapng_read.h"

#define MAX_BLOCK (64u << 20) /* a block larger than this is corruption */
#define MAX_IFACES 4096

struct ng_iface {
	int linktype;
	uint32_t snaplen;
	uint64_t units;        /* timestamp units per second */
	int64_t offset_s;      /* if_tsoffset */
	char name[16];
};

struct ng_reader {
	FILE *f;
	int swap;
	struct ng_iface *ifs;
	uint32_t nifs;
	uint8_t *buf;
	uint32_t cap;
	uint64_t n;
};

static uint32_t u32(const struct ng_reader *r, const uint8_t *p)
{
	uint32_t v;
	memcpy(&v, p, 4);
	return r->swap ? __builtin_bswap32(v) : v;
}

static uint16_t u16(const struct ng_reader *r, const uint8_t *p)
{
	uint16_t v;
	memcpy(&v, p, 2);
	return r->swap ? __builtin_bswap16(v) : v;
}

int ng_is_pcapng(const uint8_t magic[4])
{
	return magic[0] == 0x0a && magic[1] == 0x0d && magic[2] == 0x0d && magic[3] == 0x0a;
}

struct ng_reader *ng_open(FILE *f, char *err, size_t cap)
{
	struct ng_reader *r = calloc(1, sizeof(*r));
	if (!r) {
		snprintf(err, cap, "out of memory");
		return NULL;
	}
	r->f = f;
	return r;
}

void ng_close(struct ng_reader *r)
{
	if (!r)
		return;
	fclose(r->f);
	free(r->ifs);
	free(r->buf);
	free(r);
}

/* Options of an interface description: name, resolution, offset. */
static void iface_options(struct ng_reader *r, struct ng_iface *i, const uint8_t *o, uint32_t n)
{
	while (n >= 4) {
		uint16_t code = u16(r, o), len = u16(r, o + 2);
		uint32_t padded = 4 + ((len + 3u) & ~3u);
		if (code == 0 || padded > n)
			break;
		const uint8_t *v = o + 4;
		if (code == 2 && len) { /* if_name */
			size_t k = len < sizeof(i->name) - 1 ? len : sizeof(i->name) - 1;
			memcpy(i->name, v, k);
			i->name[k] = '\0';
		} else if (code == 9 && len >= 1) { /* if_tsresol */
			uint8_t e = v[0] & 0x7f;
			uint64_t u = 1;
			for (uint8_t k = 0; k < e && u < UINT64_C(1) << 62; k++)
				u *= (v[0] & 0x80) ? 2 : 10;
			i->units = u;
		} else if (code == 14 && len >= 8) { /* if_tsoffset: seconds, 64-bit */
			uint64_t x;
			memcpy(&x, v, 8);
			i->offset_s = (int64_t)(r->swap ? __builtin_bswap64(x) : x);
		}
		o += padded;
		n -= padded;
	}
}

/* epb_flags (code 2): inbound 1, outbound 2 in the low bits. */
static uint8_t epb_direction(struct ng_reader *r, const uint8_t *o, uint32_t n)
{
	while (n >= 4) {
		uint16_t code = u16(r, o), len = u16(r, o + 2);
		uint32_t padded = 4 + ((len + 3u) & ~3u);
		if (code == 0 || padded > n)
			break;
		if (code == 2 && len == 4) {
			uint32_t fl = u32(r, o + 4) & 3;
			return fl == 1 ? DIR_IN : fl == 2 ? DIR_OUT : DIR_UNKNOWN;
		}
		o += padded;
		n -= padded;
	}
	return DIR_UNKNOWN;
}

/* Read one whole block into r->buf: its type and length, 0 at a clean end. */
static int read_block(struct ng_reader *r, uint32_t *type, uint32_t *len, char *err, size_t cap)
{
	uint8_t h[8];
	size_t got = fread(h, 1, 8, r->f);
	if (got == 0 && feof(r->f))
		return 0;
	if (got != 8) {
		snprintf(err, cap, "truncated pcapng block header after packet %llu",
			 (unsigned long long)r->n);
		return -1;
	}
	uint32_t t;
	memcpy(&t, h, 4);
	if (t == 0x0A0D0D0A) { /* a section header: its byte-order magic decides */
		uint8_t bom[4];
		if (fread(bom, 1, 4, r->f) != 4) {
			snprintf(err, cap, "truncated pcapng section header");
			return -1;
		}
		uint32_t m;
		memcpy(&m, bom, 4);
		if (m != 0x1A2B3C4D && m != 0x4D3C2B1A) {
			snprintf(err, cap, "bad pcapng byte-order magic");
			return -1;
		}
		r->swap = m != 0x1A2B3C4D;
		r->nifs = 0; /* interfaces are per section */
	}
	*type = u32(r, h);
	*len = u32(r, h + 4);
	if (*len < 12 || *len % 4 || *len > MAX_BLOCK) {
		snprintf(err, cap, "corrupt pcapng block (type 0x%x, length %u) after packet %llu",
			 *type, *len, (unsigned long long)r->n);
		return -1;
	}
	if (*len > r->cap) {
		uint8_t *b = realloc(r->buf, *len);
		if (!b) {
			snprintf(err, cap, "out of memory");
			return -1;
		}
		r->buf = b;
		r->cap = *len;
	}
	memcpy(r->buf, h, 8);
	size_t off = 8;
	if (*type == 0x0A0D0D0A) {
		uint32_t m = r->swap ? 0x4D3C2B1A : 0x1A2B3C4D;
		memcpy(r->buf + 8, &m, 4);
		off = 12;
	}
	if (fread(r->buf + off, 1, *len - off, r->f) != *len - off) {
		snprintf(err, cap, "truncated pcapng block after packet %llu",
			 (unsigned long long)r->n);
		return -1;
	}
	if (u32(r, r->buf + *len - 4) != *len) {
		snprintf(err, cap, "corrupt pcapng block (trailing length) after packet %llu",
			 (unsigned long long)r->n);
		return -1;
	}
	return 1;
}

static int add_iface(struct ng_reader *r, uint32_t len, char *err, size_t cap)
{
	if (len < 20 || r->nifs >= MAX_IFACES) {
		snprintf(err, cap, "corrupt pcapng interface description");
		return -1;
	}
	void *v = realloc(r->ifs, (r->nifs + 1) * sizeof(*r->ifs));
	if (!v) {
		snprintf(err, cap, "out of memory");
		return -1;
	}
	r->ifs = v;
	struct ng_iface *i = &r->ifs[r->nifs++];
	memset(i, 0, sizeof(*i));
	i->linktype = u16(r, r->buf + 8);
	i->snaplen = u32(r, r->buf + 12);
	i->units = 1000000;
	iface_options(r, i, r->buf + 16, len - 20);
	return 0;
}

int ng_next(struct ng_reader *r, struct cpkt *out, int *linktype, char *err, size_t cap)
{
	uint32_t type, len;
	for (;;) {
		int rc = read_block(r, &type, &len, err, cap);
		if (rc <= 0)
			return rc;
		const uint8_t *b = r->buf;
		uint32_t ifc = 0, caplen, wire, body;
		uint64_t ts = 0;
		uint8_t dir = DIR_UNKNOWN;
		const uint8_t *data;
		if (type == 1) {
			if (add_iface(r, len, err, cap) < 0)
				return -1;
			continue;
		}
		if (type == 6 || type == 2) { /* enhanced / obsolete packet */
			if (len < 32)
				goto corrupt;
			ifc = type == 6 ? u32(r, b + 8) : u16(r, b + 8);
			ts = (uint64_t)u32(r, b + 12) << 32 | u32(r, b + 16);
			caplen = u32(r, b + 20);
			wire = u32(r, b + 24);
			data = b + 28;
			body = len - 32;
			if (caplen > body)
				goto corrupt;
			uint32_t padded = (caplen + 3u) & ~3u;
			if (type == 6 && padded < body)
				dir = epb_direction(r, data + padded, body - padded);
		} else if (type == 3) { /* simple packet: interface 0, no time */
			if (len < 16)
				goto corrupt;
			wire = u32(r, b + 8);
			data = b + 12;
			caplen = wire < len - 16 ? wire : len - 16;
		} else {
			continue;
		}
		if (ifc >= r->nifs) {
			snprintf(err, cap, "packet %llu names interface %u, which was not described",
				 (unsigned long long)r->n + 1, ifc);
			return -1;
		}
		const struct ng_iface *i = &r->ifs[ifc];
		memset(out, 0, sizeof(*out));
		out->no = ++r->n;
		/* modulo 2^64 like the file's own counter: a nonsense time (some
		 * writers leave garbage) wraps instead of overflowing */
		uint64_t ns = ts / i->units * UINT64_C(1000000000) +
			      ts % i->units * UINT64_C(1000000000) / i->units +
			      (uint64_t)i->offset_s * UINT64_C(1000000000);
		out->ts = (int64_t)ns;
		snprintf(out->dev, sizeof(out->dev), "%s", i->name);
		*linktype = i->linktype;
		cap_decode(i->linktype, data, caplen, wire, out);
		if (dir)
			out->dir = dir;
		return 1;
	corrupt:
		snprintf(err, cap, "corrupt pcapng packet block after packet %llu",
			 (unsigned long long)r->n);
		return -1;
	}
}
