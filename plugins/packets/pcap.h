/*
 * Capture correlation of the "packets" analyzer: packets a capture (pcap,
 * pcapng, gzip-compressed or not) saw, read by libpcap (pcap_read.c),
 * matched to the kernel's packet journeys (pcap_match.c) with a robust
 * estimate of the capture - trace clock offset (pcap_offset.c), and
 * rendered as records (pcap_emit.c).  doc/pcap.md describes it for users.
 */
#ifndef TJ_PACKETS_PCAP_H
#define TJ_PACKETS_PCAP_H

#include <stdint.h>
#include <stdio.h>

#include "packets.h"

/* Link direction of a captured packet, when the link layer says it (SLL). */
enum cap_dir { DIR_UNKNOWN = 0, DIR_IN = 1, DIR_OUT = 2 };

/* One captured packet, decoded. */
struct cpkt {
	int64_t ts;             /* capture clock, ns since the epoch */
	uint32_t file;          /* index of its file */
	uint64_t no;            /* frame number in its file, from 1 */
	uint32_t wire_len;      /* frame length on the wire */
	uint32_t iplen;         /* wire length minus the link header */
	uint8_t dir;            /* enum cap_dir */
	uint8_t decoded;        /* 1: IPv4/IPv6 header decoded into h */
	char dev[16];           /* its interface's name when the file says it (pcapng) */
	char what[24];          /* not decoded: what it is ("ARP", "truncated IPv4") */
	struct hdr h;           /* family 0 when not IP */
};

struct cap_file;

/* Every capture file, merged in time order. */
struct cap_reader {
	struct cap_file **files;
	uint32_t nfiles;
	char err[320];          /* the first failure, "'FILE': what" */
};

/* pcap_read.c */
/* Open every path of the newline-separated list; 0 or -1 with r->err set. */
int cap_open_all(struct cap_reader *r, const char *list);
/* The next packet over all files in time order: 1, 0 at the end, -1 on a
 * read error (r->err says which file and why). */
int cap_next(struct cap_reader *r, struct cpkt *out);
const char *cap_file_name(const struct cap_reader *r, uint32_t file);
/* "Ethernet", "Linux cooked (SLL2)", ... of a file. */
const char *cap_file_link(const struct cap_reader *r, uint32_t file);
/* The DLT_ link types the decoder knows: 1 if supported. */
int cap_link_supported(int dlt);
void cap_close_all(struct cap_reader *r);
/* Decode a frame of the given DLT_ link type: exposed for the reader only. */
void cap_decode(int linktype, const uint8_t *d, uint32_t caplen, uint32_t wire_len,
		struct cpkt *out);

/* pcap_offset.c: robust capture - trace offset from matched pairs. */
struct offset_est {
	int64_t *v;             /* samples (bounded: a reservoir past the cap) */
	uint32_t n, cap;
	uint64_t seen, rng;
};
void offset_add(struct offset_est *e, int64_t delta);
/* Median after rejecting outliers (beyond 5 median absolute deviations,
 * at least 20 µs): *off, *spread (the robust standard deviation of what is
 * kept, 1.4826 x MAD), *kept; 0 if there is no sample. */
int offset_robust(const struct offset_est *e, int64_t *off, int64_t *spread, uint32_t *kept);
/* The offset that lines up most of the given kernel and captured times
 * (length-compatible pairs only): for captures without headers in the
 * trace.  Returns 1 and *off when at least two pairs agree. */
struct align_k {
	int64_t ts, seen;       /* reference stage; when first seen */
	uint32_t len_q, len_r;  /* skb len at queue and at receive, 0 unknown */
};
struct align_c {
	int64_t ts;
	uint32_t iplen;
};
int offset_align(const struct align_k *k, uint32_t nk, const struct align_c *c, uint32_t nc,
		 int64_t window, int64_t *off);
void offset_release(struct offset_est *e);

/* pcap_match.c: the correlator's live state, held by struct pk. */
struct pc;
int pc_init(struct pk *p, const char *list);
/* A kernel journey was seen at this event (created, or a stage reached). */
int pc_journey(struct pk *p, struct journey *j, int64_t ts);
/* Kernel time reached ts: decide and render the captures before it. */
int pc_advance(struct pk *p, int64_t ts);
/* End of the trace: the rest of the capture, the summary lines. */
int pc_finish(struct pk *p);
/* --summary: the one line scripts read ("capture: 12/12 packets matched, ..."). */
void pc_summary_line(struct pk *p);
void pc_free(struct pk *p);

#endif
