/*
 * The capture correlator's live state (pcap_match.c decides, pcap_emit.c
 * renders and reports).  Everything is bounded: the captured packets read
 * ahead (WIN_CAP), the kernel candidates (RING_CAP), the capture's
 * connections (MAX_CCONN), the listed unmatched packets (list_max).
 */
#ifndef TJ_PACKETS_PCAP_CORR_H
#define TJ_PACKETS_PCAP_CORR_H

#include "pcap.h"

#define WIN_CAP 16384     /* captured packets read ahead */
#define BATCH 4096        /* first batch searched for the first header pair */
#define HDR_TRIES 256     /* journeys with headers tried before assuming offset 0 */
#define RING_CAP 16384    /* kernel journeys waiting for a capture */
#define ALIGN_K 8         /* journeys aligned by length (no headers) */
#define ALIGN_C 512       /* captured packets they are aligned with */
#define MAX_EP 256        /* kernel endpoints remembered for the diagnosis */
#define MAX_FILES 64      /* files with their own counts */
#define MAX_CCONN 4096    /* capture connection tracks */
#define LIST_CAP 64
#define SLACK 1000        /* ns a captured packet waits for the kernel events of its time */
/* Capture tracks use TJ_TRACK_CONNECTION ids from here on; the chrome-json
 * exporter shows them in their own "Capture" process. */
#define CAP_TRACK_BASE (UINT64_C(1) << 23)


enum { EXPIRE_OLD, EXPIRE_ONE, EXPIRE_ALL };

struct kc {               /* a kernel journey waiting for its capture */
	struct journey *j;    /* a reference */
	int64_t seen;         /* when it entered */
	int matched;
};

struct endpoint {
	uint8_t family;
	uint8_t pad;
	uint16_t port;
	uint8_t addr[16];
};

struct cconn {            /* a connection as the capture sees it */
	struct hdr t;         /* its first packet's addresses */
	uint64_t id;
	int named;            /* its track name was emitted */
	char name[160];
};

struct pc {
	struct cap_reader rd;
	int eof;
	struct cpkt *win;     /* ring of WIN_CAP */
	uint32_t whead, wn;
	struct kc *kr;        /* ring of RING_CAP */
	uint32_t khead, kn;
	int ignore_hdr, forced, ready;
	int64_t offset;       /* capture - trace, placing captured packets */
	char how[64];         /* how that offset was found */
	struct offset_est est;
	int64_t window, hdr_window, keep;
	struct align_k ak[ALIGN_K];
	const struct journey *aj[ALIGN_K]; /* their journeys, held by the ring */
	uint32_t nak, hdr_tries;
	const struct journey *pair_j; /* first pair by headers, waiting for its receive */
	int64_t pair_ts;
	struct endpoint ep[MAX_EP];   /* the kernel's packets' hosts and ports */
	struct endpoint cep[MAX_EP];  /* the capture's */
	uint32_t nep, ncep;
	int64_t cap_first, cap_last, k_first, k_last;
	int64_t k_prev;       /* the last event time the captures were placed after */
	int coarse;           /* every timestamp so far a whole microsecond */
	uint64_t per_file[MAX_FILES], matched_file[MAX_FILES];
	struct cconn **conns;
	uint32_t nconns;
	char *list_c[LIST_CAP], *list_k[LIST_CAP];
	uint32_t nlist_c, nlist_k, list_max;
	struct {
		uint64_t captured, matched, not_ip, unmatched_c, kernel, unmatched_k;
		uint64_t k_before, k_after, c_known_ep;
	} st;
};

/* pcap_match.c */
int64_t pc_ref_ts(const struct journey *j, const char **stage);
int pc_expire(struct pk *p, int64_t now, int mode);
int pc_endpoint_known(const struct pc *c, const struct endpoint *e);

/* pcap_emit.c */
/* t: its time on the trace's clock; at: where it goes (t, or the last
 * event's time when that is later) */
int pc_emit_capture(struct pk *p, const struct cpkt *k, int64_t t, int64_t at,
		    struct journey *j);
void pc_capture_unmatched(struct pk *p, const struct cpkt *k, int64_t t);
int pc_kernel_unmatched(struct pk *p, const struct journey *j, int64_t ref);
int pc_report(struct pk *p);
/* "TCP 127.0.0.1:4444 → 127.0.0.1:4000 [SYN] len 0" of a captured packet */
void pc_label(const struct cpkt *k, char *buf, size_t cap);

#endif
