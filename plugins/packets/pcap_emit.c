/*
 * Rendering the capture correlation of the "packets" analyzer: each
 * captured packet becomes a zero-length slice (category "capture") on a
 * track per connection as the capture saw it, at its time on the trace's
 * clock, named with the line the text exporter prints:
 *
 *   captured 20:49:11.180375000, kernel net_if_receive_skb 29 ns earlier,
 *   TCP 127.0.0.1:4444 → 127.0.0.1:4000 [SYN] len 0 (journey #1, frame 1)
 *
 * with its decoded headers as args and a flow from the kernel journey's
 * slice to it.  At the end, the counts, the unmatched packets on both sides
 * (the first ones listed), a diagnosis when nothing matched, and with
 * --summary the one line a script reads:
 *
 *   capture: 12/12 packets matched, clock offset +0.8 us (spread 2.1 us)
 */
#ifndef _POSIX_C_SOURCE
#define _POSIX_C_SOURCE 200809L /* strdup */
#endif
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pcap_corr.h"
#include "tjconv/fmt.h"

void pc_label(const struct cpkt *k, char *buf, size_t cap)
{
	char s[64], d[64], f[40];
	if (!k->decoded) {
		snprintf(buf, cap, "%s, %u bytes", k->what[0] ? k->what : "not IP",
			 (unsigned)k->wire_len);
		return;
	}
	hdr_endpoint(&k->h, 0, s, sizeof(s));
	hdr_endpoint(&k->h, 1, d, sizeof(d));
	if (k->h.proto == 6) {
		hdr_flags(k->h.flags, f, sizeof(f));
		snprintf(buf, cap, "TCP %s → %s [%s] len %u", s, d, f, (unsigned)k->h.payload);
	} else if (k->h.proto == 17) {
		snprintf(buf, cap, "UDP %s → %s len %u", s, d, (unsigned)k->h.payload);
	} else {
		/* addresses only: hdr_endpoint's ":0" ports mean nothing here */
		char *cs = strrchr(s, ':'), *cd = strrchr(d, ':');
		if (cs)
			*cs = '\0';
		if (cd)
			*cd = '\0';
		snprintf(buf, cap, "IPv%d %s → %s %u bytes", k->h.family, s, d,
			 (unsigned)k->iplen);
	}
}

static void fmt_clock(struct pk *p, int64_t ts, char *buf, size_t cap)
{
	unsigned gmt = tj_param_bool(p->host, p->self, "clock-gmt", 0) ? TJ_TIME_GMT : 0;
	p->host->format_time(p->self, ts, TJ_TIME_CLOCK | gmt, buf, cap);
}

/* The capture's connection of a packet (both directions share it). */
static struct cconn *cconn_of(struct pc *c, const struct cpkt *k)
{
	static struct cconn other = {.id = 0, .name = "capture: not TCP/UDP"};
	const struct hdr *h = &k->h;
	if (!k->decoded || (h->proto != 6 && h->proto != 17))
		return &other;
	for (uint32_t i = c->nconns; i-- > 0;) {
		const struct hdr *t = &c->conns[i]->t;
		if (t->family != h->family || t->proto != h->proto)
			continue;
		if ((t->sport == h->sport && t->dport == h->dport && !memcmp(t->saddr, h->saddr, 16) &&
		     !memcmp(t->daddr, h->daddr, 16)) ||
		    (t->sport == h->dport && t->dport == h->sport && !memcmp(t->saddr, h->daddr, 16) &&
		     !memcmp(t->daddr, h->saddr, 16)))
			return c->conns[i];
	}
	if (c->nconns >= MAX_CCONN)
		return &other;
	struct cconn *n = calloc(1, sizeof(*n));
	void *v = n ? realloc(c->conns, (c->nconns + 1) * sizeof(*c->conns)) : NULL;
	if (!v) {
		free(n);
		return NULL;
	}
	c->conns = v;
	c->conns[c->nconns++] = n;
	n->t = *h;
	n->id = c->nconns;
	char s[64], d[64];
	hdr_endpoint(h, 0, s, sizeof(s));
	hdr_endpoint(h, 1, d, sizeof(d));
	snprintf(n->name, sizeof(n->name), "captured %s %s ⇄ %s", h->proto == 6 ? "TCP" : "UDP", s,
		 d);
	return n;
}

struct cargs {
	struct tj_arg a[24];
	uint32_t n;
};

static void ai(struct cargs *v, const char *k, int64_t x)
{
	if (v->n < 24)
		v->a[v->n++] = (struct tj_arg)TJ_ARG_I(k, x);
}

static void as(struct cargs *v, const char *k, const char *s)
{
	if (v->n < 24 && s && s[0])
		v->a[v->n++] = (struct tj_arg)TJ_ARG_S(k, s);
}

int pc_emit_capture(struct pk *p, const struct cpkt *k, int64_t t, int64_t at,
		    struct journey *j)
{
	struct pc *c = p->pc;
	const struct tj_host *h = p->host;
	char lbl[200], clk[48], line[600], kern[160] = "", s[64], d[64], fl[40], id[80] = "";
	const char *stage = "";
	int64_t ref = TJ_TS_NONE;
	struct cargs v = {.n = 0};
	int rc = TJ_OK;

	pc_label(k, lbl, sizeof(lbl));
	fmt_clock(p, k->ts, clk, sizeof(clk));
	if (j) {
		char dur[32];
		ref = pc_ref_ts(j, &stage);
		int64_t dt = t - ref;
		tj_fmt_duration(dt < 0 ? -dt : dt, dur, sizeof(dur));
		snprintf(kern, sizeof(kern), "kernel %s %s %s", stage, dur, dt < 0 ? "later" : "earlier");
		snprintf(id, sizeof(id), " (journey #%llu, frame %llu)", (unsigned long long)j->id,
			 (unsigned long long)k->no);
	} else {
		snprintf(kern, sizeof(kern), "%s", k->decoded ? "no kernel packet matched" : "not correlated");
		snprintf(id, sizeof(id), " (frame %llu)", (unsigned long long)k->no);
	}
	snprintf(line, sizeof(line), "captured %s, %s, %s%s", clk, kern, lbl, id);

	as(&v, "file", cap_file_name(&c->rd, k->file));
	ai(&v, "frame", (int64_t)k->no);
	ai(&v, "captured_ns", k->ts);
	ai(&v, "trace_clock_ns", t);
	as(&v, "link", cap_file_link(&c->rd, k->file));
	ai(&v, "wire_len", k->wire_len);
	ai(&v, "ip_len", k->iplen);
	if (k->dir)
		as(&v, "direction", k->dir == DIR_IN ? "in" : "out");
	if (k->decoded) {
		hdr_endpoint(&k->h, 0, s, sizeof(s));
		hdr_endpoint(&k->h, 1, d, sizeof(d));
		as(&v, "src", s);
		as(&v, "dst", d);
		as(&v, "proto", k->h.proto == 6 ? "TCP" : k->h.proto == 17 ? "UDP" : "IP");
		if (k->h.proto == 6) {
			hdr_flags(k->h.flags, fl, sizeof(fl));
			as(&v, "flags", fl);
			ai(&v, "seq", k->h.seq);
			ai(&v, "ack_seq", k->h.ack);
		}
		if (k->h.proto)
			ai(&v, "payload", k->h.payload);
	} else {
		as(&v, "not_correlated", k->what[0] ? k->what : "not IP");
	}
	if (j) {
		ai(&v, "journey", (int64_t)j->id);
		as(&v, "kernel_event", stage);
		ai(&v, "kernel_ns", ref);
		ai(&v, "residual_ns", t - ref);
		as(&v, "kernel_dev", j->dev);
		ai(&v, "kernel_len", j->len);
	}
	ai(&v, "clock_offset_ns", c->offset);

	struct cconn *cc = cconn_of(c, k);
	if (!cc)
		return TJ_ENOMEM;
	uint64_t track = CAP_TRACK_BASE + cc->id;
	if (!cc->named) {
		struct tj_record n = {.size = sizeof(n), .kind = TJ_REC_TRACK_NAME,
				      .category = "capture", .name = cc->name, .ts = at, .pid = -1,
				      .tid = -1, .cpu = -1, .track = TJ_TRACK_CONNECTION,
				      .track_id = track};
		cc->named = 1;
		rc = h->emit(p->self, &n);
	}
	struct tj_record r = {.size = sizeof(r), .kind = TJ_REC_SPAN, .category = "capture",
			      .name = line, .ts = at, .dur = 0, .pid = -1, .tid = -1, .cpu = -1,
			      .track = TJ_TRACK_CONNECTION, .nargs = v.n, .args = v.a,
			      .track_id = track};
	if (rc == TJ_OK)
		rc = h->emit(p->self, &r);
	if (j) { /* journey_emit draws the arrow from the journey's slice to it */
		j->cap_track = track;
		j->cap_at = at;
	}
	return rc;
}

static void list_add(struct pc *c, char **list, uint32_t *n, const char *s)
{
	if (*n < c->list_max && *n < LIST_CAP)
		if ((list[*n] = strdup(s)))
			(*n)++;
}

void pc_capture_unmatched(struct pk *p, const struct cpkt *k, int64_t t)
{
	struct pc *c = p->pc;
	char lbl[200], clk[48], line[320];
	(void)t;
	if (!k->decoded)
		c->st.not_ip++;
	else
		c->st.unmatched_c++;
	pc_label(k, lbl, sizeof(lbl));
	fmt_clock(p, k->ts, clk, sizeof(clk));
	snprintf(line, sizeof(line), "'%s' frame %llu at %s: %s%s", cap_file_name(&c->rd, k->file),
		 (unsigned long long)k->no, clk, lbl, k->decoded ? "" : " (not correlated)");
	list_add(c, c->list_c, &c->nlist_c, line);
}

int pc_kernel_unmatched(struct pk *p, const struct journey *j, int64_t ref)
{
	struct pc *c = p->pc;
	char lbl[200], clk[48], line[320];
	c->st.unmatched_k++;
	if (c->cap_first != TJ_TS_NONE && ref < c->cap_first - c->offset)
		c->st.k_before++;
	else if (c->eof && c->cap_last != TJ_TS_NONE && ref > c->cap_last - c->offset)
		c->st.k_after++;
	journey_label(j, lbl, sizeof(lbl));
	fmt_clock(p, ref, clk, sizeof(clk));
	snprintf(line, sizeof(line), "journey #%llu at %s on %s: %s", (unsigned long long)j->id, clk,
		 j->dev[0] ? j->dev : "?", lbl);
	list_add(c, c->list_k, &c->nlist_k, line);
	return TJ_OK;
}

/* Nothing matched: say why it probably did not. */
static void diagnose(struct pk *p)
{
	struct pc *c = p->pc;
	const struct tj_host *h = p->host;
	char a[48], b[48], x[48], y[48], why[400];
	if (c->cap_first == TJ_TS_NONE) {
		h->log(p->self, TJ_LOG_WARNING, "capture: the capture holds no packet");
		return;
	}
	p->host->format_time(p->self, c->cap_first, TJ_TIME_DATE, a, sizeof(a));
	p->host->format_time(p->self, c->cap_last, TJ_TIME_DATE, b, sizeof(b));
	if (c->k_first == TJ_TS_NONE) {
		h->log(p->self, TJ_LOG_WARNING,
		       "capture: none of the %llu captured packets matched: the trace has no packet "
		       "events (net_dev_queue, net_if_receive_skb, ...)",
		       (unsigned long long)c->st.captured);
		return;
	}
	for (uint32_t i = 0; i < c->ncep; i++)
		c->st.c_known_ep += pc_endpoint_known(c, &c->cep[i]);
	p->host->format_time(p->self, c->k_first, TJ_TIME_DATE, x, sizeof(x));
	p->host->format_time(p->self, c->k_last, TJ_TIME_DATE, y, sizeof(y));
	int overlap = !(c->cap_last < c->k_first || c->cap_first > c->k_last);
	int n = snprintf(why, sizeof(why), "the capture (%s .. %s) %s the trace's packets (%s .. %s)",
			 a, b, overlap ? "overlaps" : "does not overlap", x, y);
	if (n > 0 && (size_t)n < sizeof(why)) {
		if (!c->nep)
			snprintf(why + n, sizeof(why) - (size_t)n,
				 "; the trace's packets carry no headers to compare hosts");
		else if (!c->st.c_known_ep)
			snprintf(why + n, sizeof(why) - (size_t)n,
				 " and none of its hosts/ports appear in the trace's packets");
		else
			snprintf(why + n, sizeof(why) - (size_t)n,
				 "; %llu of the capture's hosts/ports appear in the trace's packets",
				 (unsigned long long)c->st.c_known_ep);
	}
	h->log(p->self, TJ_LOG_WARNING,
	       "capture: none of the %llu captured packets matched a kernel packet: %s -- %s",
	       (unsigned long long)c->st.captured, why,
	       c->forced ? "is --pcap-offset right? (auto estimates it)"
			 : "a capture of another host, or another time?");
}

int pc_report(struct pk *p)
{
	struct pc *c = p->pc;
	const struct tj_host *h = p->host;
	enum tj_log_level lvl = p->summary ? TJ_LOG_NOTICE : TJ_LOG_INFO;
	int64_t off = c->offset, spread = 0;
	uint32_t kept = 0;
	int have = offset_robust(&c->est, &off, &spread, &kept);
	if (c->forced)
		off = c->offset;

	for (uint32_t i = 0; i < c->rd.nfiles && i < MAX_FILES; i++)
		h->log(p->self, lvl, "capture '%s' (%s): %llu packets, %llu matched",
		       cap_file_name(&c->rd, i), cap_file_link(&c->rd, i),
		       (unsigned long long)c->per_file[i], (unsigned long long)c->matched_file[i]);
	h->log(p->self, lvl, "capture: packets placed on the trace's clock with offset %+lld ns (%s)",
	       (long long)c->offset, c->how);
	if (have)
		h->log(p->self, lvl,
		       "capture clock - trace clock: %+lld ns (%s; median of %u of %llu matched "
		       "pairs, outliers rejected, spread %lld ns)",
		       (long long)off, c->forced ? "forced" : "estimated", kept,
		       (unsigned long long)c->est.seen, (long long)spread);
	if (c->st.unmatched_c || c->st.not_ip) {
		h->log(p->self, c->st.matched ? TJ_LOG_NOTICE : lvl,
		       "capture: %llu captured packets not matched to a kernel packet, %llu not "
		       "TCP/UDP over IP (not correlated)%s",
		       (unsigned long long)c->st.unmatched_c, (unsigned long long)c->st.not_ip,
		       c->nlist_c ? "; the first:" : "");
		for (uint32_t i = 0; i < c->nlist_c; i++)
			h->log(p->self, c->st.matched ? TJ_LOG_NOTICE : lvl, "  %s", c->list_c[i]);
	}
	if (c->st.unmatched_k) {
		h->log(p->self, c->st.matched ? TJ_LOG_NOTICE : lvl,
		       "capture: %llu kernel packets not captured (%llu before the capture began, "
		       "%llu after it ended)%s",
		       (unsigned long long)c->st.unmatched_k, (unsigned long long)c->st.k_before,
		       (unsigned long long)c->st.k_after, c->nlist_k ? "; the first:" : "");
		for (uint32_t i = 0; i < c->nlist_k; i++)
			h->log(p->self, c->st.matched ? TJ_LOG_NOTICE : lvl, "  %s", c->list_k[i]);
	}
	if (!c->st.matched)
		diagnose(p);
	return TJ_OK;
}

void pc_summary_line(struct pk *p)
{
	struct pc *c = p->pc;
	int64_t off = c ? c->offset : 0, spread = 0;
	uint32_t kept = 0;
	if (!c)
		return;
	if (offset_robust(&c->est, &off, &spread, &kept) && c->forced)
		off = c->offset;
	if (p->summary) {
		/* the line scripts read, last on stderr and without a prefix */
		if (c->st.matched)
			p->host->summary(p->self, "capture: %llu/%llu packets matched, clock offset "
						  "%+.1f us (spread %.1f us)",
					 (unsigned long long)c->st.matched,
					 (unsigned long long)c->st.captured, (double)off / 1e3,
					 (double)spread / 1e3);
		else
			p->host->summary(p->self, "capture: 0/%llu packets matched, clock offset unknown",
					 (unsigned long long)c->st.captured);
	}
}
