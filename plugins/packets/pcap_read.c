/*
 * Reading captures for the "packets" analyzer: every file of --pcap through
 * libpcap (pcap and pcapng, nanosecond timestamps whatever the file's
 * resolution), gzip-compressed ones decompressed by zlib behind a stdio
 * cookie stream that pcap_fopen_offline reads, merged in time order with
 * one packet of look-ahead per file, and each frame decoded down to its
 * IPv4/IPv6 and TCP/UDP headers.  Only the decoded headers are kept, so
 * memory does not depend on the capture's size.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE /* fopencookie */
#endif
#include <errno.h>
#include <stdarg.h>
#include <pcap/pcap.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

#include "pcap.h"
#include "pcapng_read.h"

#ifndef DLT_LINUX_SLL2
#define DLT_LINUX_SLL2 276
#endif
#ifndef DLT_IPV4
#define DLT_IPV4 228
#endif
#ifndef DLT_IPV6
#define DLT_IPV6 229
#endif

struct cap_file {
	char *path;
	pcap_t *pc;             /* pcap files: libpcap */
	struct ng_reader *ng;   /* pcapng files: pcapng_read.c */
	int linktype;           /* pcap: the file's; pcapng: the last packet's */
	int pcapng;
	int links[4];           /* pcapng: the link types seen */
	int nlinks;
	char label[96];         /* "pcapng: Ethernet, Linux cooked (SLL)" */
	uint64_t n;
	int have_next;          /* next holds its next packet */
	int done;
	struct cpkt next;
};

static const struct {
	int dlt;
	const char *name;
} links[] = {
	{DLT_EN10MB, "Ethernet"},     {DLT_LINUX_SLL, "Linux cooked (SLL)"},
	{DLT_LINUX_SLL2, "Linux cooked (SLL2)"}, {DLT_NULL, "BSD loopback (NULL)"},
	{DLT_LOOP, "OpenBSD loopback"}, {DLT_RAW, "raw IP"},
	{DLT_IPV4, "raw IPv4"},       {DLT_IPV6, "raw IPv6"},
};

static const char *link_name(int dlt)
{
	for (size_t i = 0; i < sizeof(links) / sizeof(links[0]); i++)
		if (links[i].dlt == dlt)
			return links[i].name;
	return NULL;
}

/* ---- gzip through a cookie stream ------------------------------------- */

static ssize_t gz_read(void *cookie, char *buf, size_t size)
{
	unsigned want = size > (1u << 30) ? 1u << 30 : (unsigned)size;
	int n = gzread(cookie, buf, want);
	if (n < 0) {
		errno = EIO;
		return -1;
	}
	return n;
}

static int gz_close(void *cookie)
{
	return gzclose(cookie) == Z_OK ? 0 : -1;
}

/* The first bytes of the file, decompressed if it is gzip: which format. */
static int peek(const char *path, int *gz, uint8_t magic[4], char *err, size_t cap)
{
	unsigned char m[4] = {0, 0, 0, 0};
	FILE *f = fopen(path, "rb");
	if (!f) {
		snprintf(err, cap, "'%s': cannot open: %s", path, strerror(errno));
		return -1;
	}
	size_t n = fread(m, 1, 4, f);
	fclose(f);
	*gz = n >= 2 && m[0] == 0x1f && m[1] == 0x8b;
	if (*gz) {
		gzFile g = gzopen(path, "rb");
		int k = g ? gzread(g, m, 4) : -1;
		if (g)
			gzclose(g);
		if (k < 0) {
			snprintf(err, cap, "'%s': cannot read the gzip stream", path);
			return -1;
		}
		n = (size_t)k;
	}
	if (n < 4) {
		snprintf(err, cap, "'%s': not a capture: %zu bytes", path, n);
		return -1;
	}
	memcpy(magic, m, 4);
	return 0;
}

/* A stdio stream of the file's contents, decompressed through zlib. */
static FILE *open_stream(const char *path, int gz, char *err, size_t cap)
{
	if (!gz) {
		FILE *f = fopen(path, "rb");
		if (!f)
			snprintf(err, cap, "'%s': cannot open: %s", path, strerror(errno));
		return f;
	}
	gzFile g = gzopen(path, "rb");
	cookie_io_functions_t io = {.read = gz_read, .close = gz_close};
	FILE *f = g ? fopencookie(g, "r", io) : NULL;
	if (!f) {
		if (g)
			gzclose(g);
		snprintf(err, cap, "'%s': cannot open the gzip stream", path);
	}
	return f;
}

static int open_one(struct cap_file *cf, char *err, size_t cap)
{
	char ebuf[PCAP_ERRBUF_SIZE] = "";
	uint8_t magic[4];
	int gz;
	if (peek(cf->path, &gz, magic, err, cap) < 0)
		return -1;
	FILE *f = open_stream(cf->path, gz, err, cap);
	if (!f)
		return -1;
	if (ng_is_pcapng(magic)) {
		cf->pcapng = 1;
		if (!(cf->ng = ng_open(f, err, cap))) {
			fclose(f);
			return -1;
		}
		return 0;
	}
	cf->pc = pcap_fopen_offline_with_tstamp_precision(f, PCAP_TSTAMP_PRECISION_NANO, ebuf);
	if (!cf->pc) {
		fclose(f);
		snprintf(err, cap, "'%s': not a capture libpcap can read: %s", cf->path,
			 ebuf[0] ? ebuf : "unknown format");
		return -1;
	}
	cf->linktype = pcap_datalink(cf->pc);
	return 0;
}

int cap_link_supported(int dlt)
{
	return link_name(dlt) != NULL;
}

static void link_error(struct cap_reader *r, const struct cap_file *f, int dlt, const char *dev)
{
	const char *n = pcap_datalink_val_to_name(dlt);
	snprintf(r->err, sizeof(r->err),
		 "'%s': unsupported link type %d (%s)%s%s; supported: Ethernet, Linux cooked "
		 "SLL/SLL2, loopback/NULL, raw IPv4/IPv6",
		 f->path, dlt, n ? n : "unknown", dev && dev[0] ? " on interface " : "",
		 dev ? dev : "");
}

int cap_open_all(struct cap_reader *r, const char *list)
{
	const char *s = list;
	memset(r, 0, sizeof(*r));
	while (s && *s) {
		const char *e = strchr(s, '\n');
		size_t len = e ? (size_t)(e - s) : strlen(s);
		if (len) {
			struct cap_file *f = calloc(1, sizeof(*f));
			void *v = realloc(r->files, (r->nfiles + 1) * sizeof(*r->files));
			if (!f || !v) {
				free(f);
				free(v == r->files ? NULL : v);
				snprintf(r->err, sizeof(r->err), "out of memory");
				return -1;
			}
			r->files = v;
			r->files[r->nfiles++] = f;
			if (!(f->path = strndup(s, len))) {
				snprintf(r->err, sizeof(r->err), "out of memory");
				return -1;
			}
			if (open_one(f, r->err, sizeof(r->err)) < 0)
				return -1;
			if (!f->pcapng && !link_name(f->linktype)) {
				link_error(r, f, f->linktype, NULL);
				return -1;
			}
		}
		s = e ? e + 1 : NULL;
	}
	if (!r->nfiles) {
		snprintf(r->err, sizeof(r->err), "--pcap: no file given");
		return -1;
	}
	return 0;
}

/* Read the file's next packet into f->next: 1, 0 at its end, -1 on error. */
static int fill(struct cap_reader *r, uint32_t i)
{
	struct cap_file *f = r->files[i];
	struct pcap_pkthdr *ph;
	const u_char *data;
	if (f->done)
		return 0;
	if (f->pcapng) {
		char e[200];
		int rc = ng_next(f->ng, &f->next, &f->linktype, e, sizeof(e));
		if (rc < 0) {
			snprintf(r->err, sizeof(r->err), "'%s': %s", f->path, e);
			return -1;
		}
		if (rc == 0) {
			f->done = 1;
			return 0;
		}
		if (!link_name(f->linktype)) {
			link_error(r, f, f->linktype, f->next.dev);
			return -1;
		}
		f->n = f->next.no;
		f->next.file = i;
		int known = 0;
		for (int k = 0; k < f->nlinks; k++)
			known |= f->links[k] == f->linktype;
		if (!known && f->nlinks < 4)
			f->links[f->nlinks++] = f->linktype;
		f->have_next = 1;
		return 1;
	}
	int rc = pcap_next_ex(f->pc, &ph, &data);
	if (rc == PCAP_ERROR_BREAK) {
		f->done = 1;
		return 0;
	}
	if (rc != 1) {
		snprintf(r->err, sizeof(r->err), "'%s': cannot read packet %llu: %s", f->path,
			 (unsigned long long)f->n + 1, pcap_geterr(f->pc));
		return -1;
	}
	if (ph->caplen > ph->len && ph->len) {
		snprintf(r->err, sizeof(r->err),
			 "'%s': packet %llu is corrupt (captured %u bytes of a %u-byte frame)",
			 f->path, (unsigned long long)f->n + 1, ph->caplen, ph->len);
		return -1;
	}
	memset(&f->next, 0, sizeof(f->next));
	f->next.ts = (int64_t)ph->ts.tv_sec * 1000000000 + (int64_t)ph->ts.tv_usec;
	f->next.file = i;
	f->next.no = ++f->n;
	cap_decode(f->linktype, data, ph->caplen, ph->len, &f->next);
	f->have_next = 1;
	return 1;
}

int cap_next(struct cap_reader *r, struct cpkt *out)
{
	int best = -1;
	for (uint32_t i = 0; i < r->nfiles; i++) {
		struct cap_file *f = r->files[i];
		if (!f->have_next && fill(r, i) < 0)
			return -1;
		if (f->have_next && (best < 0 || f->next.ts < r->files[best]->next.ts))
			best = (int)i;
	}
	if (best < 0)
		return 0;
	*out = r->files[best]->next;
	r->files[best]->have_next = 0;
	return 1;
}

const char *cap_file_name(const struct cap_reader *r, uint32_t file)
{
	return file < r->nfiles ? r->files[file]->path : "?";
}

const char *cap_file_link(const struct cap_reader *r, uint32_t file)
{
	if (file >= r->nfiles)
		return "?";
	struct cap_file *f = r->files[file];
	if (!f->pcapng) {
		const char *n = link_name(f->linktype);
		return n ? n : "?";
	}
	size_t n = (size_t)snprintf(f->label, sizeof(f->label), "pcapng");
	for (int k = 0; k < f->nlinks && n < sizeof(f->label); k++)
		n += (size_t)snprintf(f->label + n, sizeof(f->label) - n, "%s%s", k ? ", " : ": ",
				      link_name(f->links[k]));
	return f->label;
}

void cap_close_all(struct cap_reader *r)
{
	for (uint32_t i = 0; i < r->nfiles; i++) {
		if (r->files[i]->pc)
			pcap_close(r->files[i]->pc);
		ng_close(r->files[i]->ng);
		free(r->files[i]->path);
		free(r->files[i]);
	}
	free(r->files);
	r->files = NULL;
	r->nfiles = 0;
}

/* ---- decoding ---------------------------------------------------------- */

static uint16_t be16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

static uint32_t be32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

__attribute__((format(printf, 2, 3))) static void what(struct cpkt *o, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(o->what, sizeof(o->what), fmt, ap);
	va_end(ap);
}


/* The transport header at d (n bytes captured); iplen = its length. */
static void transport(struct cpkt *o, unsigned proto, const uint8_t *d, uint32_t n,
		      uint32_t iplen)
{
	struct hdr *h = &o->h;
	if (proto == 6 && n >= 20) {
		unsigned doff = (unsigned)(d[12] >> 4) * 4;
		h->proto = 6;
		h->sport = be16(d);
		h->dport = be16(d + 2);
		h->seq = be32(d + 4);
		h->ack = be32(d + 8);
		h->flags = (uint16_t)((d[12] & 1) << 8 | d[13]);
		h->payload = iplen >= doff ? iplen - doff : 0;
	} else if (proto == 17 && n >= 8) {
		h->proto = 17;
		h->sport = be16(d);
		h->dport = be16(d + 2);
		h->payload = iplen >= 8 ? iplen - 8 : 0;
	}
}

static void ip(struct cpkt *o, const uint8_t *d, uint32_t n)
{
	struct hdr *h = &o->h;
	if (n < 1) {
		what(o, "empty frame");
		return;
	}
	unsigned v = d[0] >> 4;
	if (v == 4 && n >= 20) {
		unsigned ihl = (unsigned)(d[0] & 15) * 4, tot = be16(d + 2);
		h->family = 4;
		memcpy(h->saddr, d + 12, 4);
		memcpy(h->daddr, d + 16, 4);
		o->decoded = 1;
		/* only the first fragment carries the transport header */
		if (ihl >= 20 && n >= ihl && (be16(d + 6) & 0x1fff) == 0)
			transport(o, d[9], d + ihl, n - ihl, tot > ihl ? tot - ihl : 0);
	} else if (v == 6 && n >= 40) {
		h->family = 6;
		memcpy(h->saddr, d + 8, 16);
		memcpy(h->daddr, d + 24, 16);
		o->decoded = 1;
		transport(o, d[6], d + 40, n - 40, be16(d + 4));
	} else {
		if (v == 4 || v == 6)
			what(o, "truncated IPv%u", v);
		else
			what(o, "IP version %u", v);
	}
}

static void ethertype(struct cpkt *o, unsigned et, const uint8_t *d, uint32_t n)
{
	if (et == 0x0800 || et == 0x86dd)
		ip(o, d, n);
	else if (et == 0x0806)
		what(o, "ARP");
	else
		what(o, "ethertype 0x%04x", et);
}

void cap_decode(int lt, const uint8_t *d, uint32_t caplen, uint32_t wire_len, struct cpkt *o)
{
	uint32_t hl = 0;
	o->wire_len = wire_len;
	switch (lt) {
	case DLT_EN10MB: {
		unsigned et;
		hl = 14;
		if (caplen < 14)
			break;
		et = be16(d + 12);
		while ((et == 0x8100 || et == 0x88a8) && caplen >= hl + 4) { /* VLAN tags */
			et = be16(d + hl + 2);
			hl += 4;
		}
		o->iplen = wire_len > hl ? wire_len - hl : 0;
		ethertype(o, et, d + hl, caplen - hl);
		return;
	}
	case DLT_LINUX_SLL:
		hl = 16;
		if (caplen < 16)
			break;
		o->dir = be16(d) == 4 ? DIR_OUT : be16(d) <= 3 ? DIR_IN : DIR_UNKNOWN;
		o->iplen = wire_len > hl ? wire_len - hl : 0;
		ethertype(o, be16(d + 14), d + hl, caplen - hl);
		return;
	case DLT_LINUX_SLL2:
		hl = 20;
		if (caplen < 20)
			break;
		o->dir = d[10] == 4 ? DIR_OUT : d[10] <= 3 ? DIR_IN : DIR_UNKNOWN;
		o->iplen = wire_len > hl ? wire_len - hl : 0;
		ethertype(o, be16(d), d + hl, caplen - hl);
		return;
	case DLT_NULL:
	case DLT_LOOP: {
		uint32_t fam;
		hl = 4;
		if (caplen < 4)
			break;
		/* NULL: host byte order of the capturing machine; LOOP: network order */
		fam = lt == DLT_LOOP ? be32(d) : (uint32_t)(d[0] | d[1] << 8 | d[2] << 16 | (uint32_t)d[3] << 24);
		if (fam > 0xffff)
			fam = be32(d);
		o->iplen = wire_len > hl ? wire_len - hl : 0;
		if (fam == 2 || fam == 24 || fam == 28 || fam == 30)
			ip(o, d + 4, caplen - 4);
		else
			what(o, "address family %u", fam);
		return;
	}
	default: /* raw IPv4 / IPv6 */
		o->iplen = wire_len;
		ip(o, d, caplen);
		return;
	}
	o->iplen = 0;
	what(o, "frame of %u bytes", caplen);
}
