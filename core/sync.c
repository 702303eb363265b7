/*
 * --sync (see sync.h): the prescan that matches packets across hosts and
 * turns the hull fits into one clock transform per trace.
 *
 * A packet is keyed as Trace Compass's TcpLttngEventMatching keys it (TCP
 * seq, ack_seq, flags), plus the addresses and ports when the event carries
 * LTTng's network_header: net_dev_queue is the sending side,
 * net_if_receive_skb (netif_receive_skb before LTTng 2.7) the receiving
 * one; lttng-modules' addon events inet_sock_local_out / inet_sock_local_in
 * {sk, seq, ack_seq, flags}, which Trace Compass's synchronization test
 * traces use, give the key without addresses.  A segment waits in the
 * table of its direction until its other end shows up on another host
 * (either may come first: the clocks differ); a retransmission of a key
 * already waiting is counted, not stored again.  The tables hold the
 * packets still unmatched, up to TJ_SYNC_MAX_WAITING per direction.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "discovery.h"
#include "error.h"
#include "fields.h"
#include "log.h"
#include "reader.h"
#include "strvec.h"
#include "sync_hull.h"
#include "sync_table.h"

static const char *const send_events[] = {"net_dev_queue", "inet_sock_local_out", NULL};
static const char *const recv_events[] = {"net_if_receive_skb", "netif_receive_skb",
					  "inet_sock_local_in", NULL};
static const char *const all_events[] = {"net_dev_queue", "inet_sock_local_out",
					 "net_if_receive_skb", "netif_receive_skb",
					 "inet_sock_local_in", NULL};

enum { ROLE_NONE, ROLE_SEND, ROLE_RECV };

/* Segments waiting per direction, at most: 64 MB of table.  Past it new
 * ones are counted and not kept (a long capture of traffic with untraced
 * hosts must not grow without bound). */
#define TJ_SYNC_MAX_WAITING (1u << 20)

/* What a packet event class gives: network_header paths or the addon's. */
struct cls_info {
	uint8_t role, addon;
	tj_field v4_saddr, v4_daddr, v4_proto, v6_saddr, v6_daddr, v6_next;
	tj_field t4[4], t6[4]; /* source_port, dest_port, seq, ack_seq */
	tj_field f4, f6;       /* flags */
	tj_field seq, ack, flags;
};

struct tj_sync {
	size_t ntraces;
	struct tj_clock_xform *xf;   /* by trace */
	uint32_t *host_of;           /* trace -> host, UINT32_MAX: none */
	int64_t *first_ts, *last_ts; /* by trace, as recorded */
	char **paths;                /* by trace: its directory */
	char **hosts;                /* by host, in the reference order: host ids */
	char **names;                /* by host: hostname (or the id) */
	size_t nhosts;
	struct tj_hull *hulls;       /* nhosts x nhosts, [i][j] with i < j */
	struct cls_info *cls;
	size_t ncls;
	struct tj_pkt_table sent, received;
	uint64_t packets, retransmits, same_host, not_kept;
};

/* ------------------------------------------------------------------ */
/* reading the packet events                                           */

static int name_in(const char *name, const char *const *v)
{
	for (; *v; v++)
		if (strcmp(name, *v) == 0)
			return 1;
	return 0;
}

static tj_field look(const struct tj_event_class *c, const char *path)
{
	return tj_fields_lookup(c, path);
}

static void resolve(struct cls_info *ci, const struct tj_event_class *c)
{
	static const char *const tcp[] = {"source_port", "dest_port", "seq", "ack_seq"};
	char path[128];
	ci->v4_saddr = look(c, "payload:network_header.ipv4.saddr");
	ci->v4_daddr = look(c, "payload:network_header.ipv4.daddr");
	ci->v4_proto = look(c, "payload:network_header.ipv4.protocol");
	ci->v6_saddr = look(c, "payload:network_header.ipv6.saddr");
	ci->v6_daddr = look(c, "payload:network_header.ipv6.daddr");
	ci->v6_next = look(c, "payload:network_header.ipv6.nexthdr");
	for (int i = 0; i < 4; i++) {
		snprintf(path, sizeof(path), "payload:network_header.ipv4.transport_header.tcp.%s", tcp[i]);
		ci->t4[i] = look(c, path);
		snprintf(path, sizeof(path), "payload:network_header.ipv6.transport_header.tcp.%s", tcp[i]);
		ci->t6[i] = look(c, path);
	}
	ci->f4 = look(c, "payload:network_header.ipv4.transport_header.tcp.flags");
	ci->f6 = look(c, "payload:network_header.ipv6.transport_header.tcp.flags");
	ci->seq = look(c, "payload:seq");
	ci->ack = look(c, "payload:ack_seq");
	ci->flags = look(c, "payload:flags");
	ci->addon = strncmp(c->name, "inet_sock_local_", 16) == 0;
}

static int rd(const struct tj_event *ev, tj_field f, uint64_t *v)
{
	return f >= 0 && tj_fields_uint(ev, f, v);
}

/* IPv4: 4 bytes; IPv6: 8 big-endian 16-bit words as LTTng declares them. */
static int rd_addr(const struct tj_event *ev, tj_field f, int v6, uint8_t *out)
{
	uint64_t x;
	if (f < 0 || tj_fields_len(ev, f) != (v6 ? 8 : 4))
		return 0;
	for (uint64_t i = 0; i < (v6 ? 8u : 4u); i++) {
		if (!tj_fields_elem_uint(ev, f, i, &x))
			return 0;
		if (v6) {
			out[2 * i] = (uint8_t)(x >> 8);
			out[2 * i + 1] = (uint8_t)x;
		} else {
			out[i] = (uint8_t)x;
		}
	}
	return 1;
}

/* The key of a TCP segment, or 0 when the event does not give one. */
static int read_key(const struct cls_info *ci, const struct tj_event *ev, struct tj_pkt_key *k)
{
	uint64_t v[4], proto = 0, flags;
	memset(k, 0, sizeof(*k));
	if (ci->addon) {
		if (!rd(ev, ci->seq, &v[2]) || !rd(ev, ci->ack, &v[3]) || !rd(ev, ci->flags, &flags))
			return 0;
	} else {
		const tj_field *t;
		tj_field ff;
		if (rd_addr(ev, ci->v4_saddr, 0, k->saddr) && rd_addr(ev, ci->v4_daddr, 0, k->daddr)) {
			k->family = 4;
			t = ci->t4;
			ff = ci->f4;
			rd(ev, ci->v4_proto, &proto);
		} else if (rd_addr(ev, ci->v6_saddr, 1, k->saddr) &&
			   rd_addr(ev, ci->v6_daddr, 1, k->daddr)) {
			k->family = 6;
			t = ci->t6;
			ff = ci->f6;
			rd(ev, ci->v6_next, &proto);
		} else {
			return 0;
		}
		if (proto != 6)
			return 0;
		for (int i = 0; i < 4; i++)
			if (!rd(ev, t[i], &v[i]))
				return 0;
		if (!rd(ev, ff, &flags))
			return 0;
		k->with_addr = 1;
		k->sport = (uint16_t)v[0];
		k->dport = (uint16_t)v[1];
	}
	k->seq = (uint32_t)v[2];
	k->ack = (uint32_t)v[3];
	k->flags = (uint16_t)flags;
	return 1;
}

static struct tj_hull *hull_of(struct tj_sync *s, uint32_t a, uint32_t b)
{
	return a < b ? &s->hulls[a * s->nhosts + b] : &s->hulls[b * s->nhosts + a];
}

static int on_class(void *ud, struct tj_class *cls)
{
	struct tj_sync *s = ud;
	uint32_t id = cls->pub.id;
	if (id >= s->ncls) {
		size_t n = (size_t)id + 64;
		struct cls_info *v = realloc(s->cls, n * sizeof(*v));
		if (!v)
			return TJ_ENOMEM;
		memset(v + s->ncls, 0, (n - s->ncls) * sizeof(*v));
		s->cls = v;
		s->ncls = n;
	}
	struct cls_info *ci = &s->cls[id];
	if (s->host_of[cls->pub.trace_index] == UINT32_MAX)
		return TJ_OK;
	ci->role = name_in(cls->pub.name, send_events)   ? ROLE_SEND
		   : name_in(cls->pub.name, recv_events) ? ROLE_RECV
							 : ROLE_NONE;
	if (ci->role != ROLE_NONE)
		resolve(ci, &cls->pub);
	return TJ_OK;
}

static int on_event(void *ud, struct tj_class *cls, const struct tj_event *ev)
{
	struct tj_sync *s = ud;
	const struct cls_info *ci = &s->cls[cls->pub.id];
	struct tj_pkt_key k;
	struct tj_pkt_entry other;
	uint32_t t = cls->pub.trace_index;
	if (ev->ts != TJ_TS_NONE) {
		if (s->first_ts[t] == TJ_TS_NONE)
			s->first_ts[t] = ev->ts;
		s->last_ts[t] = ev->ts;
	}
	if (ci->role == ROLE_NONE || ev->ts == TJ_TS_NONE || !read_key(ci, ev, &k))
		return TJ_OK;
	uint32_t host = s->host_of[cls->pub.trace_index];
	int sending = ci->role == ROLE_SEND;
	struct tj_pkt_table *mine = sending ? &s->sent : &s->received;
	struct tj_pkt_table *theirs = sending ? &s->received : &s->sent;
	s->packets++;
	if (tj_pkt_table_take(theirs, &k, &other)) {
		if (other.host == host) {
			s->same_host++; /* loopback: both ends on one host */
			return TJ_OK;
		}
		uint32_t from = sending ? host : other.host, to = sending ? other.host : host;
		int64_t ts_from = sending ? ev->ts : other.ts, ts_to = sending ? other.ts : ev->ts;
		struct tj_hull *h = hull_of(s, from, to);
		/* the lower host index is the hull's reference */
		return from < to ? tj_hull_add(h, ts_from, ts_to, 1) : tj_hull_add(h, ts_to, ts_from, 0);
	}
	if (tj_pkt_table_has(mine, &k)) {
		s->retransmits++;
		return TJ_OK;
	}
	if (mine->count >= TJ_SYNC_MAX_WAITING) {
		s->not_kept++;
		return TJ_OK;
	}
	return tj_pkt_table_put(mine, &k, ev->ts, host);
}

static int on_discard(void *ud, const struct tj_discard *d)
{
	(void)ud;
	(void)d;
	return TJ_OK;
}

/* ------------------------------------------------------------------ */
/* setting up, solving, reporting                                      */

static const struct tj_trace_desc *desc_at(const struct tj_trace_info *info, size_t i)
{
	return (const struct tj_trace_desc *)((const char *)info->traces + i * info->traces[0].size);
}

/* A host: Trace Compass's host id (the clock's uuid, which LTTng derives
 * from the boot id, so a kernel and a user-space trace of one machine are
 * one host; the hostname when the clock has none) and the name we show. */
struct host_ref {
	char *key, *name;
};

static int cmp_host(const void *a, const void *b)
{
	return strcmp(((const struct host_ref *)a)->key, ((const struct host_ref *)b)->key);
}

static int host_key(const struct tj_reader *r, const struct tj_trace_desc *d, uint32_t i, char *buf,
		    size_t cap)
{
	if (!tj_reader_trace_declares(r, i, all_events))
		return 0;
	if (tj_reader_trace_clock_uuid(r, i, buf, cap))
		return 1;
	if (!d->hostname || !*d->hostname)
		return 0;
	snprintf(buf, cap, "%s", d->hostname);
	return 1;
}

/* The hosts whose traces declare packet events, sorted by host id: the
 * first is the reference, as the lesser host id is in Trace Compass. */
static int find_hosts(struct tj_sync *s, const struct tj_reader *r, const struct tj_trace_info *info)
{
	size_t nt = info->ntraces ? info->ntraces : 1;
	struct host_ref *refs = calloc(nt, sizeof(*refs));
	char key[256];
	int rc = TJ_OK;

	s->ntraces = info->ntraces;
	s->host_of = malloc(nt * sizeof(*s->host_of));
	s->hosts = calloc(nt, sizeof(*s->hosts));
	s->names = calloc(nt, sizeof(*s->names));
	s->xf = calloc(nt, sizeof(*s->xf));
	s->first_ts = malloc(nt * sizeof(*s->first_ts));
	s->last_ts = malloc(nt * sizeof(*s->last_ts));
	s->paths = calloc(nt, sizeof(*s->paths));
	if (!refs || !s->paths || !s->host_of || !s->hosts || !s->names || !s->xf || !s->first_ts ||
	    !s->last_ts) {
		free(refs);
		return TJ_ENOMEM;
	}
	for (size_t i = 0; rc == TJ_OK && i < s->ntraces; i++) {
		const struct tj_trace_desc *d = desc_at(info, i);
		s->host_of[i] = UINT32_MAX;
		s->xf[i] = tj_clock_xform_identity();
		s->first_ts[i] = s->last_ts[i] = TJ_TS_NONE;
		if (!(s->paths[i] = strdup(d->path ? d->path : "?")))
			rc = TJ_ENOMEM;
		if (rc || !host_key(r, d, (uint32_t)i, key, sizeof(key)))
			continue;
		size_t h = 0;
		while (h < s->nhosts && strcmp(refs[h].key, key) != 0)
			h++;
		if (h == s->nhosts) {
			refs[h].key = strdup(key);
			refs[h].name = strdup(d->hostname && *d->hostname ? d->hostname : key);
			s->nhosts++;
			if (!refs[h].key || !refs[h].name)
				rc = TJ_ENOMEM;
		}
	}
	qsort(refs, s->nhosts, sizeof(*refs), cmp_host);
	for (size_t h = 0; h < s->nhosts; h++) {
		s->hosts[h] = refs[h].key;
		s->names[h] = refs[h].name;
	}
	free(refs);
	for (size_t i = 0; rc == TJ_OK && i < s->ntraces; i++) {
		if (!host_key(r, desc_at(info, i), (uint32_t)i, key, sizeof(key)))
			continue;
		for (size_t h = 0; h < s->nhosts; h++)
			if (strcmp(s->hosts[h], key) == 0)
				s->host_of[i] = (uint32_t)h;
	}
	return rc;
}

/* Each host's transform onto the reference, through a chain of fitted
 * pairs when two hosts never talked directly (Trace Compass's spanning
 * tree, here breadth first from the reference). */
static int solve(struct tj_sync *s, struct tj_clock_xform *hx, uint32_t *parent)
{
	int found = 0, changed = 1;
	for (size_t h = 0; h < s->nhosts; h++)
		parent[h] = UINT32_MAX;
	parent[0] = 0;
	hx[0] = tj_clock_xform_identity();
	while (changed) {
		changed = 0;
		for (uint32_t a = 0; a < s->nhosts; a++)
			for (uint32_t b = a + 1; b < s->nhosts; b++) {
				const struct tj_hull *h = hull_of(s, a, b);
				if (!tj_hull_usable(h) || (parent[a] == UINT32_MAX) == (parent[b] == UINT32_MAX))
					continue;
				struct tj_clock_xform b_to_a = tj_hull_transform(h);
				if (parent[a] != UINT32_MAX) {
					hx[b] = tj_clock_xform_compose(&b_to_a, &hx[a]);
					parent[b] = a;
				} else {
					struct tj_clock_xform a_to_b = tj_clock_xform_invert(&b_to_a);
					hx[a] = tj_clock_xform_compose(&a_to_b, &hx[b]);
					parent[a] = b;
				}
				changed = found = 1;
			}
	}
	return found;
}

static void report_host(const struct tj_sync *s, uint32_t h, const uint32_t *parent)
{
	uint64_t matched = 0, one_way = 1;
	for (uint32_t o = 0; o < s->nhosts; o++) {
		if (o == h)
			continue;
		const struct tj_hull *hl = hull_of((struct tj_sync *)s, h, o);
		matched += hl->matches;
		if (hl->to_ref && hl->to_other)
			one_way = 0;
	}
	if (parent[h] != UINT32_MAX) {
		const struct tj_hull *hl = hull_of((struct tj_sync *)s, h, parent[h]);
		if (hl->quality == TJ_HULL_FAIL)
			tj_log(TJ_LOG_WARNING, NULL,
			       "sync: the packets between '%s' and '%s' do not fit one linear clock "
			       "relation (a clock jumped or its drift changed); the last consistent fit "
			       "is used", s->names[h], s->names[parent[h]]);
		return;
	}
	if (!matched)
		tj_log(TJ_LOG_NOTICE, NULL,
		       "sync: no packet of '%s' matched one of another host (no common connection or "
		       "no overlap in time); its times are left as recorded", s->names[h]);
	else
		tj_log(TJ_LOG_NOTICE, NULL,
		       "sync: %llu packets of '%s' matched %s; too few to fit the clocks, its times "
		       "are left as recorded", (unsigned long long)matched, s->names[h],
		       one_way ? "but all went one way" : "another host");
}

static void report(const struct tj_sync *s, const struct tj_clock_xform *hx, const uint32_t *parent,
		   int verbose)
{
	for (size_t i = 0; i < s->ntraces; i++) {
		uint32_t h = s->host_of[i];
		if (h == UINT32_MAX || h == 0 || parent[h] == UINT32_MAX)
			continue;
		const struct tj_hull *hl = hull_of((struct tj_sync *)s, h, parent[h]);
		char line[512];
		snprintf(line, sizeof(line), "sync: '%s' -> '%s': slope %.10Lf, offset %+lld ns, %llu packets matched",
			 s->names[h], s->names[0], (long double)hx[h].slope_hp,
			 (long long)tj_clock_xform_offset(&hx[h]), (unsigned long long)hl->matches);
		/* --summary: the line a script reads, exactly, like the capture:
		 * line of --pcap; otherwise a notice like any other */
		if (verbose)
			tj_log_summary("%s", line);
		else
			tj_log(TJ_LOG_NOTICE, NULL, "%s", line);
		/* The offset above is at the epoch, where a slope error of 1e-9
		 * weighs 1.8 s: say what moved inside the trace too. */
		if (s->first_ts[i] != TJ_TS_NONE)
			tj_log(TJ_LOG_NOTICE, NULL,
			       "sync: '%s' (%s): its first event moves by %+lld ns, its last by %+lld ns",
			       s->names[h], s->paths[i],
			       (long long)(tj_clock_xform_apply(&hx[h], s->first_ts[i]) - s->first_ts[i]),
			       (long long)(tj_clock_xform_apply(&hx[h], s->last_ts[i]) - s->last_ts[i]));
	}
	for (uint32_t h = 1; h < s->nhosts; h++)
		report_host(s, h, parent);
	tj_log(verbose ? TJ_LOG_NOTICE : TJ_LOG_INFO, NULL,
	       "sync: %llu packet events of %zu hosts read, %zu sent and %zu received left "
	       "unmatched, %llu retransmissions, %llu loopback",
	       (unsigned long long)s->packets, s->nhosts, s->sent.count, s->received.count,
	       (unsigned long long)s->retransmits, (unsigned long long)s->same_host);
	if (s->not_kept)
		tj_log(TJ_LOG_WARNING, NULL,
		       "sync: %llu packets could not wait for their other end (more than %u "
		       "unmatched in one direction); the fit used the others",
		       (unsigned long long)s->not_kept, TJ_SYNC_MAX_WAITING);
}

int tj_sync_prepare(struct tj_sync **out, const char *path, uint32_t jobs, int verbose)
{
	struct tj_strvec dirs = {0};
	struct tj_reader *r = NULL;
	struct tj_sync *s = NULL;
	struct tj_clock_xform *hx = NULL;
	uint32_t *parent = NULL;
	int rc;

	*out = NULL;
	/* One trace: nothing to synchronize, and nothing read for it. */
	if ((rc = tj_discover_traces(path, &dirs)) || dirs.n < 2)
		goto done;
	if (!(s = calloc(1, sizeof(*s)))) {
		rc = TJ_ENOMEM;
		goto done;
	}
	s->sent.free_head = s->received.free_head = UINT32_MAX;
	if ((rc = tj_reader_open_jobs(&r, path, jobs)) || (rc = tj_reader_start(r)) ||
	    (rc = find_hosts(s, r, tj_reader_borrow_info(r))))
		goto done;
	if (s->nhosts < 2) {
		tj_log(TJ_LOG_DEBUG, NULL, "sync: fewer than two hosts with packet events");
		goto done;
	}
	s->hulls = calloc(s->nhosts * s->nhosts, sizeof(*s->hulls));
	hx = calloc(s->nhosts, sizeof(*hx));
	parent = calloc(s->nhosts, sizeof(*parent));
	if (!s->hulls || !hx || !parent) {
		rc = TJ_ENOMEM;
		goto done;
	}
	for (size_t i = 0; i < s->nhosts * s->nhosts; i++)
		tj_hull_init(&s->hulls[i]);
	struct tj_reader_callbacks cb = {.ud = s, .on_class = on_class, .on_event = on_event,
					 .on_discard = on_discard};
	if ((rc = tj_reader_run(r, &cb, TJ_TS_NONE))) {
		tj_error_append("cannot read the packets to synchronize the clocks");
		goto done;
	}
	int found = solve(s, hx, parent);
	report(s, hx, parent, verbose);
	if (found) {
		for (size_t i = 0; i < s->ntraces; i++)
			if (s->host_of[i] != UINT32_MAX && parent[s->host_of[i]] != UINT32_MAX)
				s->xf[i] = hx[s->host_of[i]];
		*out = s;
		s = NULL;
	}
done:
	free(hx);
	free(parent);
	tj_reader_free(r);
	tj_sync_free(s);
	tj_strvec_release(&dirs);
	return rc;
}

const struct tj_clock_xform *tj_sync_borrow_xforms(const struct tj_sync *s, size_t *ntraces)
{
	*ntraces = s->ntraces;
	return s->xf;
}

void tj_sync_free(struct tj_sync *s)
{
	if (!s)
		return;
	for (size_t i = 0; s->hulls && i < s->nhosts * s->nhosts; i++)
		tj_hull_release(&s->hulls[i]);
	free(s->hulls);
	for (size_t i = 0; i < s->nhosts; i++) {
		free(s->hosts[i]);
		free(s->names[i]);
	}
	free(s->hosts);
	free(s->names);
	free(s->host_of);
	free(s->first_ts);
	free(s->last_ts);
	for (size_t i = 0; s->paths && i < s->ntraces; i++)
		free(s->paths[i]);
	free(s->paths);
	free(s->xf);
	free(s->cls);
	tj_pkt_table_release(&s->sent);
	tj_pkt_table_release(&s->received);
	free(s);
}
