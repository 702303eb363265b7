/*
 * The "two-hosts" scenario: a client host and a server host, each traced
 * by its own kernel tracer with its own clock, talking TCP over eth0
 * (10.0.0.1:CPORT -> 10.0.0.2:8080): handshake, --exchanges request/reply
 * pairs of 64 and 512 bytes, 10 ms apart, then both FINs.  DIR/client and
 * DIR/server are two traces (hostnames "client" and "server").
 *
 * The client's clock is the truth; the server's reads
 *   t_server = t + OFFSET + DRIFT * (t - T0)        (T0: the trace start)
 * (--clock-offset NS, --clock-drift PPM), so a reader that synchronizes
 * should find t_client = slope * t_server + offset with slope = 1 / (1 +
 * DRIFT) and offset = T0 - (T0 + OFFSET) / (1 + DRIFT).  One-way latency is
 * exactly 50 us for every 8th packet in each direction (the fit is then
 * exact) and 50 to 400 us otherwise, from --seed.
 *
 * The packets are net_dev_queue / net_dev_xmit / skb_consume on the sender
 * and net_if_receive_skb inside a NET_RX softirq, then skb_consume, on the
 * receiver, with network_header; or, with --sync-events inet-sock, the lttng-modules addon
 * events inet_sock_local_out / inet_sock_local_in {sk, seq, ack_seq, flags}
 * that Trace Compass's synchronization traces carry.
 */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "emit.h"
#include "metadata.h"
#include "tjgen.h"

#define US(x) ((uint64_t)(x) * 1000u)
#define MS(x) ((uint64_t)(x) * 1000000u)
#define CLIENT_ADDR TJG_IPV4(10, 0, 0, 1)
#define SERVER_ADDR TJG_IPV4(10, 0, 0, 2)
#define SERVER_PORT 8080
#define ETH_HLEN_ 14
#define MIN_LATENCY US(50)

struct host {
	const char *name;
	struct tjg_trace *trace;
	struct tjg_stream *s;
	struct tjg_thread idle, app, ksoftirqd;
	uint64_t sk;
	uint32_t seq, ack;     /* next sequence number to send, last acknowledged */
	uint64_t skb;
	bool is_server;
};

struct pair {
	struct host client, server;
	const struct tjg_options *o;
	long double drift;     /* DRIFT as a fraction */
	uint64_t rng;
	uint64_t packets[2];   /* sent by client, by server */
	bool inet_sock;
};

static uint64_t next_rand(struct pair *p)
{
	/* splitmix64 */
	uint64_t z = (p->rng += 0x9e3779b97f4a7c15ull);
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
	return z ^ (z >> 31);
}

/* Clock value on host h at true time t (ns since the trace start). */
static uint64_t clock_at(const struct pair *p, const struct host *h, uint64_t t)
{
	if (!h->is_server)
		return TJG_CLOCK_T0 + t;
	long double v = (long double)t * (1.0L + p->drift);
	return TJG_CLOCK_T0 + (uint64_t)(v + 0.5L);
}

static uint64_t latency(struct pair *p, uint64_t n)
{
	return n % 8 == 0 ? MIN_LATENCY : MIN_LATENCY + next_rand(p) % US(350);
}

/* One segment from `from` to `to`: sent at true time t, received after the
 * latency; returns the receive time. */
static uint64_t segment(struct pair *p, struct host *from, struct host *to, uint64_t t,
			uint16_t flags, uint16_t payload)
{
	uint64_t *count = &p->packets[from->is_server];
	struct tjg_tcp_seg seg = {
		.saddr = from->is_server ? SERVER_ADDR : CLIENT_ADDR,
		.daddr = from->is_server ? CLIENT_ADDR : SERVER_ADDR,
		.sport = from->is_server ? SERVER_PORT : (uint16_t)(32768 + p->o->seed % 28000),
		.dport = from->is_server ? (uint16_t)(32768 + p->o->seed % 28000) : SERVER_PORT,
		.seq = from->seq, .ack_seq = (flags & TJG_TCP_ACK) ? to->seq : 0,
		.flags = flags, .window = 502, .ip_id = (uint16_t)(*count + 1), .doff = 5,
		.payload_len = payload,
	};
	uint32_t ip_len = tjg_tcp_seg_ip_len(&seg);
	uint64_t lat = latency(p, (*count)++), r = t + lat;
	uint64_t skb = from->skb += 0x100;
	uint16_t addon_flags = (uint16_t)(seg.doff << 12 | (flags & 0x1ff));

	if (payload) {
		tjg_emit_sys_entry_write(from->s, clock_at(p, from, t - US(4)), 4,
					 0x7ffd10000000ull, payload);
	}
	if (p->inet_sock)
		tjg_emit_inet_sock(from->s, clock_at(p, from, t), TJG_EV_INET_SOCK_LOCAL_OUT,
				   from->sk, seg.seq, seg.ack_seq, addon_flags);
	else
		tjg_emit_net_dev(from->s, clock_at(p, from, t), TJG_EV_NET_DEV_QUEUE, skb,
				 ip_len + ETH_HLEN_, "eth0", &seg);
	tjg_emit_net_dev_xmit(from->s, clock_at(p, from, t + 1500), skb, 0, ip_len + ETH_HLEN_,
			      "eth0");
	if (payload)
		tjg_emit_sys_exit_ret(from->s, clock_at(p, from, t + 2500), TJG_EV_SYSCALL_EXIT_WRITE,
				      payload);
	tjg_emit_skb_consume(from->s, clock_at(p, from, t + US(20)), skb); /* TX completion */

	tjg_emit_softirq(to->s, clock_at(p, to, r - 2000), TJG_EV_IRQ_SOFTIRQ_ENTRY,
			 TJG_SOFTIRQ_NET_RX);
	if (p->inet_sock)
		tjg_emit_inet_sock(to->s, clock_at(p, to, r), TJG_EV_INET_SOCK_LOCAL_IN, to->sk,
				   seg.seq, seg.ack_seq, addon_flags);
	else
		tjg_emit_net_dev(to->s, clock_at(p, to, r), TJG_EV_NET_IF_RECEIVE_SKB,
				 to->skb + 0x80, ip_len, "eth0", &seg);
	tjg_emit_softirq(to->s, clock_at(p, to, r + 1200), TJG_EV_IRQ_SOFTIRQ_EXIT,
			 TJG_SOFTIRQ_NET_RX);
	tjg_emit_skb_consume(to->s, clock_at(p, to, r + 3000), to->skb + 0x80);
	from->seq += payload + ((flags & (TJG_TCP_SYN | TJG_TCP_FIN)) ? 1 : 0);
	return r + US(30);
}

static void host_init(struct host *h, const char *name, const char *comm, int32_t pid,
		      bool is_server, uint32_t isn)
{
	memset(h, 0, sizeof(*h));
	h->name = name;
	h->is_server = is_server;
	h->seq = isn;
	h->sk = 0xffff8c0a12340000ull + (uint64_t)pid * 0x800;
	h->skb = 0xffff8c0b20000000ull + (uint64_t)pid * 0x100000;
	tjg_thread_init(&h->idle, "swapper/0", 0, 0, 0, 20);
	tjg_thread_init(&h->app, comm, pid, pid, 1, 20);
	tjg_thread_init(&h->ksoftirqd, "ksoftirqd/0", 13, 13, 2, 20);
}

static void run_pair(struct pair *p)
{
	struct host *c = &p->client, *s = &p->server;
	uint64_t t = MS(1), end;

	tjg_emit_sched_switch(c->s, clock_at(p, c, US(100)), &c->idle, TJG_TASK_RUNNING, &c->app);
	tjg_emit_sched_switch(s->s, clock_at(p, s, US(120)), &s->idle, TJG_TASK_RUNNING, &s->app);
	t = segment(p, c, s, t, TJG_TCP_SYN, 0);
	t = segment(p, s, c, t, TJG_TCP_SYN | TJG_TCP_ACK, 0);
	segment(p, c, s, t, TJG_TCP_ACK, 0);
	for (uint64_t k = 0; k < p->o->exchanges; k++) {
		t = MS(5) + k * MS(10);
		t = segment(p, c, s, t, TJG_TCP_PSH | TJG_TCP_ACK, 64);
		segment(p, s, c, t, TJG_TCP_PSH | TJG_TCP_ACK, 512);
	}
	t = MS(5) + p->o->exchanges * MS(10);
	t = segment(p, c, s, t, TJG_TCP_FIN | TJG_TCP_ACK, 0);
	t = segment(p, s, c, t, TJG_TCP_FIN | TJG_TCP_ACK, 0);
	end = segment(p, c, s, t, TJG_TCP_ACK, 0);
	tjg_emit_sched_switch(c->s, clock_at(p, c, end + US(500)), &c->app, TJG_TASK_INTERRUPTIBLE,
			      &c->idle);
	tjg_emit_sched_switch(s->s, clock_at(p, s, end + US(600)), &s->app, TJG_TASK_INTERRUPTIBLE,
			      &s->idle);
}

static int open_host(struct host *h, const char *outdir, const struct tjg_options *o, char *dir,
		     size_t cap, uint8_t uuid[16])
{
	if ((size_t)snprintf(dir, cap, "%s/%s", outdir, h->name) >= cap) {
		tjg_error_append("path too long: '%s'", outdir);
		return TJG_ERR;
	}
	for (int i = 0; i < 16; i++)
		uuid[i] = (uint8_t)(o->seed >> (8 * (i % 8))) ^ (uint8_t)(h->is_server ? 0xa5 : 0x5a) ^
			  (uint8_t)i;
	uuid[6] = (uint8_t)((uuid[6] & 0x0f) | 0x40);
	uuid[8] = (uint8_t)((uuid[8] & 0x3f) | 0x80);
	if (tjg_outdir_prepare(dir) != TJG_OK ||
	    tjg_trace_open(&h->trace, dir, 1, o, TJG_CLOCK_T0, uuid, UINT64_MAX) != TJG_OK)
		return TJG_ERR;
	h->s = &h->trace->streams[0];
	tjg_stream_set_current(h->s, &h->idle);
	return TJG_OK;
}

static int close_host(struct pair *p, struct host *h, const char *dir, const uint8_t uuid[16])
{
	int rc = tjg_trace_finish(h->trace);
	struct tjg_metadata_info md = {0};
	char trace_name[64];

	snprintf(trace_name, sizeof(trace_name), "tjgen-two-hosts-%s", h->name);
	md.uuid = uuid;
	md.trace_name = trace_name;
	md.hostname = h->name;
	/* Each host its own boot id: readers tell hosts apart by the clock's
	 * uuid (Trace Compass does); the client's sorts first. */
	md.clock_uuid = h->is_server ? "9d3c1f0e-5b2a-4c7d-8e6f-0a1b2c3d4e5f"
				     : "1a2b3c4d-5e6f-4a0b-9c8d-7e6f5a4b3c2d";
	md.clock_offset_ns = (uint64_t)((int64_t)TJG_CLOCK_OFFSET +
					(h->is_server ? p->o->peer_offset_ns : 0));
	md.events = TJG_EV_BIT(TJG_EV_SCHED_SWITCH) | TJG_EV_BIT(TJG_EV_IRQ_SOFTIRQ_ENTRY) |
		    TJG_EV_BIT(TJG_EV_IRQ_SOFTIRQ_EXIT) | TJG_EV_BIT(TJG_EV_NET_DEV_XMIT) |
		    TJG_EV_BIT(TJG_EV_SYSCALL_ENTRY_WRITE) | TJG_EV_BIT(TJG_EV_SYSCALL_EXIT_WRITE) |
		    TJG_EV_BIT(TJG_EV_SKB_CONSUME);
	md.events |= p->inet_sock ? TJG_EV_BIT(TJG_EV_INET_SOCK_LOCAL_OUT) |
					    TJG_EV_BIT(TJG_EV_INET_SOCK_LOCAL_IN)
				  : TJG_EV_BIT(TJG_EV_NET_DEV_QUEUE) |
					    TJG_EV_BIT(TJG_EV_NET_IF_RECEIVE_SKB);
	md.with_context = !p->o->no_context;
	if (rc == TJG_OK)
		rc = tjg_metadata_write(dir, &md);
	return rc;
}

int tjg_two_hosts_generate(const struct tjg_options *o)
{
	struct pair p = {.o = o, .rng = o->seed, .drift = (long double)o->peer_drift_ppm / 1e6L};
	char cdir[4096], sdir[4096];
	uint8_t cuuid[16], suuid[16];
	int rc;

	p.inet_sock = o->sync_events && strcmp(o->sync_events, "inet-sock") == 0;
	if (o->sync_events && !p.inet_sock && strcmp(o->sync_events, "net") != 0) {
		tjg_error_append("invalid --sync-events '%s' (expected net or inet-sock)", o->sync_events);
		return TJG_ERR_USAGE;
	}
	if (o->peer_offset_ns < -(int64_t)TJG_CLOCK_OFFSET) {
		tjg_error_append("--clock-offset %" PRId64 " puts the server clock before the epoch",
				 o->peer_offset_ns);
		return TJG_ERR_USAGE;
	}
	host_init(&p.client, "client", "wget", 3100, false, (uint32_t)(next_rand(&p) >> 32));
	host_init(&p.server, "server", "httpd", 4100, true, (uint32_t)(next_rand(&p) >> 32));
	rc = open_host(&p.client, o->outdir, o, cdir, sizeof(cdir), cuuid);
	if (rc == TJG_OK)
		rc = open_host(&p.server, o->outdir, o, sdir, sizeof(sdir), suuid);
	if (rc == TJG_OK) {
		run_pair(&p);
		rc = close_host(&p, &p.client, cdir, cuuid);
		if (close_host(&p, &p.server, sdir, suuid) != TJG_OK)
			rc = TJG_ERR;
	}
	if (rc == TJG_OK && !o->quiet)
		fprintf(stderr, "wrote %" PRIu64 " events to %s and %" PRIu64 " events to %s\n",
			p.client.trace->nevents, cdir, p.server.trace->nevents, sdir);
	tjg_trace_free(p.client.trace);
	tjg_trace_free(p.server.trace);
	if (rc != TJG_OK)
		tjg_error_append("cannot generate the 'two-hosts' traces in '%s'", o->outdir);
	return rc;
}
