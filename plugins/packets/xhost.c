/*
 * Packets across hosts: when the input holds the traces of several hosts
 * (whose clocks the core synchronized, see --sync), a TCP segment queued on
 * one host and received on another is one packet.  Each queued segment
 * with a network header leaves here, keyed by its 5-tuple, seq, ack_seq
 * and flags, where its flow would start (its sending syscall, else its
 * slice on the connection track) and waits for a net_if_receive_skb of the same
 * key in another trace; when the receiving journey is rendered, a flow runs
 * from there to the receive on the other host.  Only the anchor is kept,
 * not the journey, so each journey is still rendered when it ends.  The
 * wait is bounded: a ring of the last XH_CAP segments, the oldest let go
 * first (counted).
 */
#include <stdlib.h>
#include <string.h>

#include "packets.h"

#define XH_CAP 4096
#define XH_FLOW_BASE (1ull << 62) /* flow ids apart from the journeys' own */

struct xh_key {
	uint8_t family, pad;
	uint16_t sport, dport, flags;
	uint32_t seq, ack;
	uint8_t saddr[16], daddr[16];
};

struct xh_slot {
	struct xh_key key;
	struct xh_anchor from; /* from.set = 0: free */
	uint32_t trace;
};

struct xh {
	struct xh_slot ring[XH_CAP];
	size_t head, n;    /* oldest slot, slots used */
	struct tj_map by_key; /* key hash -> slot index + 2 (0 and 1 mean empty to tj_map) */
};

static void key_of(const struct journey *j, struct xh_key *k)
{
	memset(k, 0, sizeof(*k));
	k->family = j->h.family;
	k->sport = j->h.sport;
	k->dport = j->h.dport;
	k->flags = j->h.flags;
	k->seq = j->h.seq;
	k->ack = j->h.ack;
	memcpy(k->saddr, j->h.saddr, 16);
	memcpy(k->daddr, j->h.daddr, 16);
}

static int64_t key_hash(const struct xh_key *k)
{
	const uint8_t *b = (const uint8_t *)k;
	uint64_t h = 0xcbf29ce484222325ull;
	for (size_t i = 0; i < sizeof(*k); i++) {
		h ^= b[i];
		h *= 0x100000001b3ull;
	}
	return (int64_t)(h >> 1);
}

static int usable(const struct pk *p, const struct journey *j)
{
	return p->ntraces > 1 && j->h.family && j->h.proto == 6;
}

/* Let the slot go: out of the index if it is the one indexed. */
static void slot_drop(struct pk *p, size_t i)
{
	struct xh_slot *s = &p->xh->ring[i];
	int64_t h = key_hash(&s->key);
	if ((uintptr_t)tj_map_get(&p->xh->by_key, h) == i + 2)
		tj_map_del(&p->xh->by_key, h);
	s->from.set = 0;
}

int xh_sent(struct pk *p, const struct journey *j, const struct tj_event *ev)
{
	struct xh_anchor a = {.set = 1};
	if (!usable(p, j))
		return TJ_OK;
	/* The sending thread's syscall (a process of the sending host), else the
	 * packet's slice on its connection track, 1 ns in: a flow starting
	 * exactly where its slice starts binds only if the slice came first in
	 * the file, and the sender's slice is written when it ends. */
	if (j->send_tid > 0 && j->send_sys[0] && j->t_queue != TJ_TS_NONE)
		a = (struct xh_anchor){1, TJ_TRACK_THREAD, j->send_pid, j->send_tid, j->t_queue, 0, 0};
	else if (j->conn && j->lane >= 0)
		a = (struct xh_anchor){1, TJ_TRACK_CONNECTION, -1, -1, j->t_first + 1,
				       j->conn->id * LANES + (uint64_t)j->lane, 0};
	else
		return TJ_OK; /* nowhere to start a flow from */
	if (!p->xh) {
		if (!(p->xh = calloc(1, sizeof(*p->xh))))
			return TJ_ENOMEM;
	}
	struct xh *x = p->xh;
	if (x->n == XH_CAP) {
		/* the oldest segment never arrived anywhere we traced */
		if (x->ring[x->head].from.set) {
			p->st.x_expired++;
			slot_drop(p, x->head);
		}
		x->head = (x->head + 1) % XH_CAP;
		x->n--;
	}
	size_t i = (x->head + x->n) % XH_CAP;
	struct xh_slot *s = &x->ring[i];
	key_of(j, &s->key);
	s->trace = ev->cls->trace_index;
	int64_t h = key_hash(&s->key);
	if (tj_map_get(&x->by_key, h)) {
		p->st.x_duplicate++; /* a retransmission (or a hash twin): the first one stays */
		return TJ_OK;
	}
	if (tj_map_put(&x->by_key, h, (void *)(uintptr_t)(i + 2)))
		return TJ_ENOMEM;
	s->from = a;
	x->n++;
	return TJ_OK;
}

int xh_received(struct pk *p, struct journey *j, const struct tj_event *ev)
{
	struct xh_key k;
	if (!usable(p, j) || !p->xh || j->xfrom.set)
		return TJ_OK;
	key_of(j, &k);
	uintptr_t v = (uintptr_t)tj_map_get(&p->xh->by_key, key_hash(&k));
	if (!v)
		return TJ_OK;
	struct xh_slot *s = &p->xh->ring[v - 2];
	if (!s->from.set || memcmp(&s->key, &k, sizeof(k)) != 0 || s->trace == ev->cls->trace_index)
		return TJ_OK; /* loopback: the journey itself already tells it */
	j->xfrom = s->from;
	j->xfrom.trace = s->trace + 1;
	s->from.set = 0;
	tj_map_del(&p->xh->by_key, key_hash(&k));
	p->st.x_linked++;
	return TJ_OK;
}

static int flow_point(struct pk *p, const struct journey *j, uint32_t phase, int64_t ts,
		      uint32_t track, int32_t pid, int32_t tid, int32_t cpu, uint64_t track_id,
		      uint32_t trace)
{
	/* trace: the start is on the sending host (0: the host's, the event
	 * being dispatched is the receiving one's) */
	struct tj_record r = {
		.size = sizeof(r), .kind = TJ_REC_FLOW, .category = "packet", .name = "packet",
		.ts = ts, .pid = pid, .tid = tid, .cpu = cpu, .track = track,
		.flow_id = XH_FLOW_BASE | j->id, .flow_phase = phase, .track_id = track_id,
		.trace = trace,
	};
	return p->host->emit(p->self, &r);
}

int xh_emit(struct pk *p, const struct journey *j)
{
	const struct xh_anchor *a = &j->xfrom;
	int rc = flow_point(p, j, TJ_FLOW_BEGIN, a->ts, a->track, a->pid, a->tid, -1, a->track_id,
			    a->trace);
	if (rc)
		return rc;
	/* to: the receive, in the softirq on the receiving CPU */
	if (j->t_recv != TJ_TS_NONE && j->cpu_recv >= 0)
		return flow_point(p, j, TJ_FLOW_END, j->t_recv, TJ_TRACK_CPU, -1, -1, j->cpu_recv, 0, 0);
	return flow_point(p, j, TJ_FLOW_END, j->t_first, TJ_TRACK_CONNECTION, -1, -1, -1,
			  j->conn && j->lane >= 0 ? j->conn->id * LANES + (uint64_t)j->lane : 0, 0);
}

void xh_release(struct pk *p)
{
	if (!p->xh)
		return;
	for (size_t i = 0; i < XH_CAP; i++)
		if (p->xh->ring[i].from.set) {
			p->st.x_unmatched++;
			slot_drop(p, i);
		}
	tj_map_release(&p->xh->by_key);
	free(p->xh);
	p->xh = NULL;
}
