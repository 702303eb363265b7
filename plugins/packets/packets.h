/*
 * Live state of the "packets" analyzer: socket-buffer journeys in flight,
 * the threads whose next syscall exit a journey waits for, per-CPU softirq
 * context, and connections (5-tuples).  Everything is bounded: journeys by
 * the in-flight limit, threads by what is alive, connections by a cap.
 */
#ifndef TJ_PACKETS_H
#define TJ_PACKETS_H

#include <stdint.h>

#include "tjconv/map.h"
#include "tjconv/plugin.h"

#define COMM 24
#define SYS 32
#define NPEND 16
#define LANES 4

/* What an event class means to the analyzer. */
enum pk_kind {
	PK_NONE = 0,
	PK_QUEUE,      /* net_dev_queue */
	PK_XMIT,       /* net_dev_xmit */
	PK_RX,         /* net_if_rx / netif_rx (+_entry) */
	PK_RECEIVE,    /* net_if_receive_skb / netif_receive_skb (+_entry) */
	PK_COPY,       /* skb_copy_datagram_iovec */
	PK_FREE,       /* skb_consume, skb_kfree */
	PK_NAPI,       /* napi_poll */
	PK_SOFT_ENTRY, PK_SOFT_EXIT, PK_IRQ_ENTRY, PK_IRQ_EXIT,
	PK_WAKE,       /* sched_waking, sched_wakeup */
	PK_SWITCH,     /* sched_switch */
	PK_SYS_ENTRY, PK_SYS_EXIT,
	PK_FREE_TASK,  /* sched_process_free */
};

/* What a syscall means for a packet's story. */
enum pk_sys { SYS_OTHER = 0, SYS_READ, SYS_ACCEPT };

/* Field handles of the network_header variant (lttng-modules >= 2.9). */
struct hdr_fields {
	tj_field v4_saddr, v4_daddr, v4_proto, v4_totlen, v4_ihl;
	tj_field v6_saddr, v6_daddr, v6_next, v6_plen;
	tj_field t4[7], t6[7]; /* tcp sport dport seq ack doff flags; udp sport dport */
	tj_field u4[2], u6[2];
};

struct pk_class {
	enum pk_kind kind;
	uint8_t sys;            /* enum pk_sys */
	char sysname[SYS];      /* syscalls: "accept4"; "" for exit_syscall */
	tj_field skb, len, name, vec, ret, tid, next_tid, sport, v4addr, family;
	int has_hdr;
	struct hdr_fields h;
};

/* A decoded network header. */
struct hdr {
	uint8_t family;         /* 0 none, 4, 6 */
	uint8_t proto;          /* 6 TCP, 17 UDP, else 0 */
	uint8_t saddr[16], daddr[16];
	uint16_t sport, dport, flags;
	uint32_t seq, ack, payload;
};

#define TCP_FIN 0x01
#define TCP_SYN 0x02
#define TCP_RST 0x04
#define TCP_PSH 0x08
#define TCP_ACK 0x10

struct conn;

struct journey {
	uint64_t id, skb;
	int refs;                /* table + pending thread/connection links */
	int in_table, delivered, finalized;
	struct hdr h;
	char dev[16];
	uint32_t len;
	struct conn *conn;
	int64_t t_queue, t_xmit, t_rx, t_recv, t_copy, t_free, t_first;
	int32_t cpu_recv, recv_vec; /* recv_vec: softirq vector, -1 process context */
	int32_t send_tid, send_pid;
	char send_comm[COMM], send_sys[SYS];
	int64_t send_sys_ts;
	int32_t kernel_vec;      /* queued from a softirq: its vector, else -1 */
	int32_t wake_tid, wake_pid;
	char wake_comm[COMM], wake_sys[SYS];
	int64_t t_wake, wake_blocked_since, t_run;
	char wake_exit_sys[SYS];
	int64_t t_wake_exit, wake_exit_ret, wake_exit_entry;
	int32_t rd_tid, rd_pid;
	char rd_comm[COMM], rd_sys[SYS];
	int64_t t_rd_exit, rd_ret, rd_entry;
	uint32_t nwakes;
	int lane;                /* lane of its connection's track, -1 none */
	struct xh_anchor {       /* received from another host: where its flow starts there */
		int set;
		uint32_t track;
		int32_t pid, tid;
		int64_t ts;
		uint64_t track_id;
		uint32_t trace;  /* tj_record.trace of the sending host's trace */
	} xfrom;
	int64_t t_end;           /* end of its slice, fixed when the lane is let go */
	/* capture correlation (pcap_match.c): the captured packet it matched */
	int64_t cap_ts;          /* capture clock, TJ_TS_NONE when none */
	uint64_t cap_no;         /* frame number in its file */
	uint64_t cap_track;      /* its slice: TJ_TRACK_CONNECTION track, time */
	int64_t cap_at;
	int in_pc;               /* held by the correlator's candidate ring */
};

enum pend_role { R_WAKE = 1, R_COPY = 2, R_DELIVER = 4, R_RUN = 8 };

struct pthread {
	int32_t tid, pid;
	char comm[COMM];
	const struct pk_class *sys;  /* open syscall (entry class), NULL if none */
	int64_t sys_ts;
	uint32_t npend;
	struct {
		struct journey *j;
		uint8_t role;
		uint8_t exits_left;
	} pend[NPEND];
};

struct conn {
	uint64_t id;             /* track id */
	uint64_t key;
	struct conn *next;       /* hash chain */
	struct hdr t;            /* the first packet's addresses (client -> server for a SYN) */
	char dev[16];            /* no headers: the device */
	char name[160];
	int refs, closed_fins, accepted;
	uint8_t fin_from[2];
	uint64_t npkts;
	int64_t lane_end[LANES]; /* INT64_MIN never used, INT64_MAX held by a packet */
	uint8_t lane_named;      /* bit per lane: track name emitted */
	struct journey *syn;     /* waiting for the server's accept */
};

struct cpuctx {
	int32_t vec;             /* innermost softirq, -1 none */
	int depth, irq_depth;
	struct journey *last;    /* last packet seen in the current softirq (a ref) */
};

struct pk {
	const struct tj_host *host;
	struct tj_plugin *self;
	int annotate, summary;
	uint64_t max_inflight;
	struct tj_map classes;   /* class id -> struct pk_class */
	struct tj_map skbs;      /* skbaddr -> journey in flight */
	struct tj_map threads;   /* tid -> struct pthread */
	struct tj_map conns;     /* key hash -> struct conn chain */
	struct cpuctx *cpus;
	uint32_t ncpus;
	int net_seen;
	uint32_t ntraces;        /* traces in the input (xhost.c links across them) */
	struct xh *xh;           /* xhost.c: segments waiting for their other host */
	int err;                 /* first failure inside a release path */
	uint64_t next_journey, next_conn, live_journeys;
	struct tj_sbuf *note;
	struct pc *pc;           /* capture correlation, NULL without --pcap */
	struct {
		uint64_t journeys, with_hdr, queued, xmitted, received, copied, freed, requeued;
		uint64_t woke, delivered, sender_linked, accepted, gave_up, pend_dropped, conns;
		uint64_t conn_gave_up, lanes_full, open_at_end;
		uint64_t x_linked, x_expired, x_duplicate, x_unmatched;
	} st;
};

/* header.c */
void hdr_resolve(const struct tj_host *h, const struct tj_event_class *cls, struct hdr_fields *f);
int hdr_read(const struct tj_host *h, const struct tj_event *ev, const struct hdr_fields *f,
	     struct hdr *out);
/* "127.0.0.1:4444" */
void hdr_endpoint(const struct hdr *h, int dst, char *buf, size_t cap);
/* "SYN,ACK" ("-" when none) */
void hdr_flags(uint16_t flags, char *buf, size_t cap);
/* "TCP 127.0.0.1:4444 → 127.0.0.1:4000 [SYN] len 0", or "lo 74 bytes" */
void journey_label(const struct journey *j, char *buf, size_t cap);
/* "SYN 127.0.0.1:4444→4000" for annotations */
void journey_short(const struct journey *j, char *buf, size_t cap);

/* journey.c */
struct cpuctx *pk_cpu(struct pk *p, int32_t cpu);
struct pthread *pk_thread(struct pk *p, int32_t tid, int create);
int pk_net_event(struct pk *p, const struct pk_class *k, const struct tj_event *ev);
void journey_unref(struct pk *p, struct journey *j);
/* The packet's slice ends now (received, or gone): free its lane. */
void journey_lane_close(struct journey *j);
int journey_emit(struct pk *p, struct journey *j);
int pk_finish_journeys(struct pk *p);

/* links.c */
int pk_wake(struct pk *p, const struct pk_class *k, const struct tj_event *ev);
int pk_switch(struct pk *p, const struct pk_class *k, const struct tj_event *ev);
int pk_sys_exit(struct pk *p, const struct pk_class *k, const struct tj_event *ev);
int pk_pend(struct pk *p, struct pthread *t, struct journey *j, uint8_t role);
struct conn *conn_of(struct pk *p, struct journey *j);
void conn_unref(struct pk *p, struct conn *c);
void pk_release_links(struct pk *p);

/* xhost.c: one packet across two hosts' traces (see there) */
struct xh;
int xh_sent(struct pk *p, const struct journey *j, const struct tj_event *ev);
int xh_received(struct pk *p, struct journey *j, const struct tj_event *ev);
int xh_emit(struct pk *p, const struct journey *j);
void xh_release(struct pk *p);

#endif
