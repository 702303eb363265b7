/*
 * Matching captured packets to kernel packet journeys (the "packets"
 * analyzer's --pcap correlation).  Both sides stream:
 *
 *  - the kernel's journeys enter a bounded candidate ring when first seen
 *    (each held by a reference, so its slice waits for the verdict) and
 *    leave it once the kernel's time is a window past them;
 *  - captured packets are read in time order a little ahead of the kernel's
 *    time (under the current offset) and decided when the kernel's time
 *    reaches theirs, so their lines fall between the kernel events in time
 *    order: the kernel events of a packet (queue, receive) come before the
 *    tap that captured it.
 *
 * A pair matches by 5-tuple, TCP seq/ack/flags and payload length when the
 * journey has LTTng's network_header (and packets.ignore_network_header is
 * not set); otherwise by length (frame minus link header against the skb's
 * len at receive, or with the link header at queue), direction when the
 * link layer gives it, and time: the nearest unmatched journey within the
 * window.  A loopback journey carries both sides, its queue and its
 * receive: the capture is matched to the journey, and its time to the
 * receive (where libpcap's loopback tap sees it), else the transmit, else
 * the queue.
 *
 * Until the clock offset is known (--pcap-offset NS forces it) captured
 * packets wait: with headers the first pair matched by its headers gives a
 * first offset; without, the first journeys and a first batch of captured
 * packets are aligned by length (pcap_offset.c).  The offset reported at the
 * end is the robust estimate over every matched pair.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pcap_corr.h"

/* ---- the captured packets read ahead -------------------------------- */

static struct cpkt *win_at(struct pc *c, uint32_t i)
{
	return &c->win[(c->whead + i) % WIN_CAP];
}

/* Read one more captured packet into the window: 1, 0 (end or full), -1. */
static int win_read(struct pk *p)
{
	struct pc *c = p->pc;
	struct cpkt k;
	if (c->eof || c->wn >= WIN_CAP)
		return 0;
	int rc = cap_next(&c->rd, &k);
	if (rc < 0) {
		p->host->error(p->self, "%s", c->rd.err);
		return -1;
	}
	if (rc == 0) {
		c->eof = 1;
		return 0;
	}
	*win_at(c, c->wn++) = k;
	c->st.captured++;
	if (k.ts % 1000)
		c->coarse = 0;
	if (c->cap_first == TJ_TS_NONE || k.ts < c->cap_first)
		c->cap_first = k.ts;
	if (c->cap_last == TJ_TS_NONE || k.ts > c->cap_last)
		c->cap_last = k.ts;
	if (k.file < MAX_FILES)
		c->per_file[k.file]++;
	return 1;
}

/* ---- the kernel's journeys ------------------------------------------- */

int64_t pc_ref_ts(const struct journey *j, const char **stage)
{
	if (j->t_recv != TJ_TS_NONE) {
		*stage = "net_if_receive_skb";
		return j->t_recv;
	}
	if (j->t_xmit != TJ_TS_NONE) {
		*stage = "net_dev_xmit";
		return j->t_xmit;
	}
	if (j->t_queue != TJ_TS_NONE) {
		*stage = "net_dev_queue";
		return j->t_queue;
	}
	*stage = j->t_rx != TJ_TS_NONE ? "net_if_rx" : "kernel";
	return j->t_rx != TJ_TS_NONE ? j->t_rx : j->t_first;
}

static struct kc *ring_at(struct pc *c, uint32_t i)
{
	return &c->kr[(c->khead + i) % RING_CAP];
}

static void endpoint_learn(struct endpoint *ep, uint32_t *nep, const struct hdr *h)
{
	for (int d = 0; d < 2; d++) {
		struct endpoint e = {.family = h->family, .port = d ? h->dport : h->sport};
		memcpy(e.addr, d ? h->daddr : h->saddr, 16);
		int known = 0;
		for (uint32_t i = 0; i < *nep && !known; i++)
			known = memcmp(&ep[i], &e, sizeof(e)) == 0;
		if (!known && *nep < MAX_EP)
			ep[(*nep)++] = e;
	}
}

int pc_endpoint_known(const struct pc *c, const struct endpoint *e)
{
	for (uint32_t i = 0; i < c->nep; i++)
		if (memcmp(&c->ep[i], e, sizeof(*e)) == 0)
			return 1;
	return 0;
}

static int same_headers(const struct hdr *a, const struct hdr *b)
{
	if (a->family != b->family || a->proto != b->proto || a->sport != b->sport ||
	    a->dport != b->dport || memcmp(a->saddr, b->saddr, 16) || memcmp(a->daddr, b->daddr, 16))
		return 0;
	if (a->proto == 6)
		return a->seq == b->seq && a->ack == b->ack &&
		       (a->flags & 0xff) == (b->flags & 0xff) && a->payload == b->payload;
	return a->proto != 17 || a->payload == b->payload;
}

static int by_headers(const struct pc *c, const struct journey *j, const struct cpkt *k)
{
	return !c->ignore_hdr && j->h.family && k->decoded;
}

static int len_fits(const struct journey *j, const struct cpkt *k)
{
	struct align_k a = {.len_q = j->t_queue != TJ_TS_NONE || j->t_xmit != TJ_TS_NONE ? j->len : 0,
			    .len_r = 0};
	/* the journey's len is the first stage's: at receive it is the IP length */
	if (j->t_queue == TJ_TS_NONE && j->t_xmit == TJ_TS_NONE)
		a.len_r = j->len;
	return (a.len_r && a.len_r == k->iplen) ||
	       (a.len_q && (a.len_q == k->iplen + 14 || a.len_q == k->iplen));
}

static void align_point(struct pc *c, const struct journey *j, int64_t ts)
{
	c->aj[c->nak] = j;
	c->ak[c->nak++].seen = ts;
}

/* Offset known: captured packets may be decided from now on. */
static void set_ready(struct pc *c, int64_t off, const char *how)
{
	c->ready = 1;
	c->offset = off;
	snprintf(c->how, sizeof(c->how), "%s", how);
}

/* Without headers: line up the first journeys with the first captured
 * packets by length; if nothing lines up, assume the clocks agree. */
static int try_align(struct pk *p, int final)
{
	struct pc *c = p->pc;
	struct align_c ac[ALIGN_C];
	uint32_t n = 0;
	int64_t off;
	if (c->ready || (!final && c->nak < ALIGN_K))
		return 0;
	while (c->wn < ALIGN_C && !c->eof)
		if (win_read(p) < 0)
			return -1;
	/* the journeys are still held by the ring: their stages are known now */
	for (uint32_t i = 0; i < c->nak; i++) {
		const struct journey *j = c->aj[i];
		const char *st;
		c->ak[i].ts = pc_ref_ts(j, &st);
		c->ak[i].len_q = j->t_queue != TJ_TS_NONE || j->t_xmit != TJ_TS_NONE ? j->len : 0;
		c->ak[i].len_r = c->ak[i].len_q ? 0 : j->len;
	}
	for (uint32_t i = 0; i < c->wn && n < ALIGN_C; i++)
		if (win_at(c, i)->decoded)
			ac[n++] = (struct align_c){win_at(c, i)->ts, win_at(c, i)->iplen};
	if (c->nak && offset_align(c->ak, c->nak, ac, n, c->window, &off))
		set_ready(c, off, "aligned by packet lengths");
	else
		set_ready(c, 0, "assumed: nothing lined up");
	return 0;
}

/* The first pair by headers gives the first offset, from the stage its
 * journey reached: the receive, or what it has a while after its queue. */
static void pair_settle(struct pc *c, int64_t now)
{
	const char *st;
	if (c->ready || !c->pair_j)
		return;
	if (c->pair_j->t_recv == TJ_TS_NONE && now != INT64_MAX &&
	    now <= c->pair_j->t_first + c->keep)
		return;
	set_ready(c, c->pair_ts - pc_ref_ts(c->pair_j, &st), "first pair matched by headers");
	c->pair_j = NULL;
}

/* With headers and no offset yet: the first captured packet with the
 * journey's headers, among a first batch, gives the first offset. */
static int try_header_pair(struct pk *p, const struct journey *j)
{
	struct pc *c = p->pc;
	while (c->wn < BATCH && !c->eof)
		if (win_read(p) < 0)
			return -1;
	for (uint32_t i = 0; i < c->wn; i++) {
		struct cpkt *k = win_at(c, i);
		if (by_headers(c, j, k) && same_headers(&j->h, &k->h)) {
			/* its offset is known once the journey reached the stage
			 * the tap sees (pair_settle) */
			c->pair_j = j;
			c->pair_ts = k->ts;
			return 0;
		}
	}
	if (++c->hdr_tries >= HDR_TRIES)
		set_ready(c, 0, "assumed: no header matched in the first batch");
	return 0;
}

int pc_journey(struct pk *p, struct journey *j, int64_t ts)
{
	struct pc *c = p->pc;
	if (!c)
		return TJ_OK;
	if (c->k_first == TJ_TS_NONE)
		c->k_first = ts;
	if (j->h.family)
		endpoint_learn(c->ep, &c->nep, &j->h);
	if (!j->in_pc) {
		if (c->kn == RING_CAP && pc_expire(p, ts, EXPIRE_ONE) < 0)
			return TJ_ERROR;
		j->in_pc = 1;
		j->refs++;
		*ring_at(c, c->kn++) = (struct kc){.j = j, .seen = ts};
		c->st.kernel++;
		if (!c->ready && !c->pair_j && !c->ignore_hdr && j->h.family)
			return try_header_pair(p, j) < 0 ? TJ_ERROR : TJ_OK;
		if (!c->ready && c->nak < ALIGN_K && (c->ignore_hdr || !j->h.family))
			align_point(c, j, ts);
	}
	if (!c->ready && c->pair_j == j)
		pair_settle(c, ts);
	if (!c->ready && (c->ignore_hdr || !j->h.family))
		return try_align(p, 0) < 0 ? TJ_ERROR : TJ_OK;
	return TJ_OK;
}

/* Drop candidates from the ring: those the kernel's time left a window
 * behind (EXPIRE_OLD), the oldest one (EXPIRE_ONE: the ring is full), or
 * all (EXPIRE_ALL: end of the trace).  A matched one gives an offset
 * sample now that its stages are known; an unmatched one is counted. */
int pc_expire(struct pk *p, int64_t now, int mode)
{
	struct pc *c = p->pc;
	int dropped = 0;
	while (c->kn) {
		struct kc *e = ring_at(c, 0);
		const char *st;
		int64_t ref = pc_ref_ts(e->j, &st), last = e->seen > ref ? e->seen : ref;
		if (mode == EXPIRE_OLD && last + c->keep >= now)
			break;
		if (mode == EXPIRE_ONE && dropped)
			break;
		if (e->j == c->pair_j)
			pair_settle(c, INT64_MAX);
		if (e->matched) {
			offset_add(&c->est, e->j->cap_ts - ref);
			/* better placement as pairs come: at 4, 8, 16, ... samples */
			int64_t off, spread;
			uint32_t kept;
			if (!c->forced && c->est.seen >= 4 && !(c->est.seen & (c->est.seen - 1)) &&
			    offset_robust(&c->est, &off, &spread, &kept))
				c->offset = off;
		}
		else if (pc_kernel_unmatched(p, e->j, ref) < 0)
			return -1;
		struct journey *j = e->j;
		c->khead = (c->khead + 1) % RING_CAP;
		c->kn--;
		dropped++;
		j->in_pc = 0;
		journey_unref(p, j);
	}
	return p->err;
}

/* The best unmatched journey for a captured packet, or NULL. */
static struct kc *best_candidate(struct pc *c, const struct cpkt *k, int64_t t)
{
	struct kc *best = NULL;
	int64_t best_d = INT64_MAX;
	for (uint32_t i = 0; i < c->kn; i++) {
		struct kc *e = ring_at(c, i);
		const struct journey *j = e->j;
		const char *st;
		if (e->matched)
			continue;
		int64_t d = pc_ref_ts(j, &st) - t;
		d = d < 0 ? -d : d;
		if (by_headers(c, j, k)) {
			if (!same_headers(&j->h, &k->h) || d > c->hdr_window)
				continue;
		} else {
			if (!len_fits(j, k) || d > c->window)
				continue;
			/* pcapng names the interface: it must be the journey's device */
			if (k->dev[0] && j->dev[0] && strcmp(k->dev, "any") != 0 &&
			    strcmp(k->dev, j->dev) != 0)
				continue;
			if (k->dir == DIR_OUT && j->t_queue == TJ_TS_NONE && j->t_xmit == TJ_TS_NONE)
				continue;
			if (k->dir == DIR_IN && j->t_recv == TJ_TS_NONE && j->t_rx == TJ_TS_NONE)
				continue;
		}
		if (d < best_d) {
			best_d = d;
			best = e;
		}
	}
	return best;
}

/* Decide the window's first captured packet. */
static int decide(struct pk *p)
{
	struct pc *c = p->pc;
	struct cpkt k = *win_at(c, 0);
	int64_t t = k.ts - c->offset;
	struct kc *e = NULL;
	/* placed after the events already out: at most the slack late; its
	 * args keep the exact times */
	int64_t at = c->k_prev != TJ_TS_NONE && t < c->k_prev ? c->k_prev : t;
	c->whead = (c->whead + 1) % WIN_CAP;
	c->wn--;
	if (k.decoded) {
		endpoint_learn(c->cep, &c->ncep, &k.h);
		e = best_candidate(c, &k, t);
	}
	if (e) {
		e->matched = 1;
		e->j->cap_ts = k.ts;
		e->j->cap_no = k.no;
		c->st.matched++;
		if (k.file < MAX_FILES)
			c->matched_file[k.file]++;
	} else {
		pc_capture_unmatched(p, &k, t);
	}
	return pc_emit_capture(p, &k, t, at, e ? e->j : NULL);
	/* (the arrow from the journey to it goes out with the journey) */
}

int pc_advance(struct pk *p, int64_t ts)
{
	struct pc *c = p->pc;
	if (!c || ts == TJ_TS_NONE)
		return TJ_OK;
	/* the events before this one are out: nothing goes before them */
	c->k_prev = c->k_last;
	c->k_last = ts;
	if (!c->ready)
		pair_settle(c, ts);
	/* without headers, a pause in the traffic is enough to align */
	if (!c->ready && c->nak >= 3 && ts > c->ak[c->nak - 1].seen + c->keep && try_align(p, 1) < 0)
		return TJ_ERROR;
	if (!c->ready)
		return TJ_OK;
	for (;;) {
		if (!c->wn) {
			int rc = win_read(p);
			if (rc < 0)
				return TJ_ERROR;
			if (rc == 0)
				break;
		}
		/* wait a little for the kernel events of its time (the tap
		 * runs after the tracepoint, but clocks jitter), and a whole
		 * microsecond more for a microsecond capture, whose times are
		 * truncated */
		if (win_at(c, 0)->ts - c->offset + SLACK + (c->coarse ? 1000 : 0) >= ts)
			break;
		int rc = decide(p);
		if (rc != TJ_OK)
			return rc;
	}
	if (c->kn && pc_expire(p, ts, EXPIRE_OLD) < 0)
		return TJ_ERROR;
	return TJ_OK;
}

int pc_init(struct pk *p, const char *list)
{
	const struct tj_host *h = p->host;
	struct pc *c = calloc(1, sizeof(*c));
	if (!c)
		return TJ_ENOMEM;
	p->pc = c;
	c->win = calloc(WIN_CAP, sizeof(*c->win));
	c->kr = calloc(RING_CAP, sizeof(*c->kr));
	if (!c->win || !c->kr)
		return TJ_ENOMEM;
	c->cap_first = c->cap_last = c->k_first = c->k_last = c->k_prev = TJ_TS_NONE;
	c->coarse = 1;
	c->window = 500000;
	c->hdr_window = 50000000;
	c->ignore_hdr = tj_param_bool(h, p->self, "ignore_network_header", 0);
	c->list_max = 10;
	const char *w = h->param(p->self, "pcap-window");
	if (w) {
		char *end;
		long long v = strtoll(w, &end, 10);
		if (*end || v <= 0) {
			h->error(p->self, "invalid packets.pcap-window '%s' (expected nanoseconds)", w);
			return TJ_EINVAL;
		}
		c->window = v;
	}
	c->keep = 2 * c->window > 1000000 ? 2 * c->window : 1000000;
	const char *o = h->param(p->self, "pcap-offset");
	if (o && strcmp(o, "auto") != 0) {
		char *end;
		long long v = strtoll(o, &end, 10);
		if (end == o || *end) {
			h->error(p->self, "invalid --pcap-offset '%s' (expected nanoseconds or auto)", o);
			return TJ_EINVAL;
		}
		c->forced = 1;
		set_ready(c, v, "forced by --pcap-offset");
	}
	if (cap_open_all(&c->rd, list) < 0) {
		h->error(p->self, "%s", c->rd.err);
		return TJ_EINVAL;
	}
	/* read the first packet now: a garbage file fails before any output */
	if (win_read(p) < 0)
		return TJ_EINVAL;
	return TJ_OK;
}

int pc_finish(struct pk *p)
{
	struct pc *c = p->pc;
	int rc = TJ_OK;
	if (!c)
		return TJ_OK;
	c->k_prev = c->k_last; /* every event is out */
	pair_settle(c, INT64_MAX);
	if (!c->ready && try_align(p, 1) < 0)
		return TJ_ERROR;
	/* the rest of the capture, after the trace's last event */
	for (;;) {
		if (!c->wn) {
			int r = win_read(p);
			if (r < 0)
				return TJ_ERROR;
			if (r == 0)
				break;
		}
		if ((rc = decide(p)) != TJ_OK)
			return rc;
	}
	if (pc_expire(p, 0, EXPIRE_ALL) < 0)
		return TJ_ERROR;
	return pc_report(p);
}

void pc_free(struct pk *p)
{
	struct pc *c = p->pc;
	if (!c)
		return;
	while (c->kr && c->kn) { /* a failed run: give the journeys back */
		struct journey *j = ring_at(c, 0)->j;
		c->khead = (c->khead + 1) % RING_CAP;
		c->kn--;
		j->in_pc = 0;
		journey_unref(p, j);
	}
	cap_close_all(&c->rd);
	free(c->win);
	free(c->kr);
	offset_release(&c->est);
	for (uint32_t i = 0; i < c->nconns; i++)
		free(c->conns[i]);
	free(c->conns);
	for (uint32_t i = 0; i < c->nlist_k; i++)
		free(c->list_k[i]);
	for (uint32_t i = 0; i < c->nlist_c; i++)
		free(c->list_c[i]);
	free(c);
	p->pc = NULL;
}
