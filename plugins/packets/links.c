/*
 * Cause and effect for the "packets" analyzer: the thread a packet woke
 * (sched_waking/wakeup from the softirq that handled it), when that thread
 * ran again and which syscall returned; the syscall that read the packet
 * (skb_copy_datagram_iovec inside it, else the woken thread's next read
 * returning data, or 0 for a FIN); the server's accept of a SYN, matched on
 * the peer address accept returns; and connections, by 5-tuple.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "packets.h"
#include "tjconv/fmt.h"

#define MAX_CONNS 4096

int pk_pend(struct pk *p, struct pthread *t, struct journey *j, uint8_t role)
{
	for (uint32_t i = 0; i < t->npend; i++)
		if (t->pend[i].j == j) {
			t->pend[i].role |= role;
			return TJ_OK;
		}
	if (t->npend == NPEND) {
		p->st.pend_dropped++;
		return TJ_OK;
	}
	t->pend[t->npend].j = j;
	t->pend[t->npend].role = role;
	t->pend[t->npend].exits_left = 8;
	t->npend++;
	j->refs++;
	return TJ_OK;
}

static void pend_drop(struct pk *p, struct pthread *t, uint32_t i)
{
	struct journey *j = t->pend[i].j;
	t->pend[i] = t->pend[--t->npend];
	journey_unref(p, j);
}

static int deliverable(const struct journey *j)
{
	return !j->delivered && (j->h.payload > 0 || (j->h.flags & TCP_FIN));
}

int pk_wake(struct pk *p, const struct pk_class *k, const struct tj_event *ev)
{
	const struct tj_host *h = p->host;
	struct cpuctx *c = pk_cpu(p, ev->cpu);
	int64_t tid;
	if (!c || c->depth <= 0 || !c->last || k->tid < 0 || !h->field_int(ev, k->tid, &tid) ||
	    tid <= 0 || tid > INT32_MAX)
		return TJ_OK;
	struct journey *j = c->last;
	if (j->wake_tid == tid)
		return TJ_OK; /* sched_wakeup after sched_waking */
	j->nwakes++;
	if (j->wake_tid >= 0)
		return TJ_OK; /* the first thread woken tells the story */
	struct pthread *t = pk_thread(p, (int32_t)tid, 1);
	if (!t)
		return TJ_ENOMEM;
	const char *comm = k->name >= 0 ? h->field_str(ev, k->name) : NULL;
	j->wake_tid = (int32_t)tid;
	j->wake_pid = t->pid;
	snprintf(j->wake_comm, sizeof(j->wake_comm), "%s", comm ? comm : "?");
	j->t_wake = ev->ts;
	if (t->sys) {
		snprintf(j->wake_sys, sizeof(j->wake_sys), "%s", t->sys->sysname);
		j->wake_blocked_since = t->sys_ts;
	}
	p->st.woke++;
	pk_pend(p, t, j, (uint8_t)(R_WAKE | R_RUN | (deliverable(j) ? R_DELIVER : 0)));
	if (!p->annotate)
		return TJ_OK;
	char s[160], buf[480], d[32] = "";
	journey_short(j, s, sizeof(s));
	if (t->sys)
		tj_fmt_duration(ev->ts - t->sys_ts, d, sizeof(d));
	char where[64];
	if (j->t_recv == TJ_TS_NONE)
		snprintf(where, sizeof(where), "queued");
	else
		snprintf(where, sizeof(where), "received in %s on cpu %d",
			 j->recv_vec == 3 ? "NET_RX" : j->recv_vec >= 0 ? "a softirq" : "process context",
			 (int)j->cpu_recv);
	snprintf(buf, sizeof(buf), "%s %s wakes %s/%d%s%s%s%s", s, where, j->wake_comm, (int)tid,
		 t->sys ? " blocked in " : "", t->sys ? t->sys->sysname : "", t->sys ? " for " : "", d);
	return h->annotate(p->self, ev, buf);
}

int pk_switch(struct pk *p, const struct pk_class *k, const struct tj_event *ev)
{
	int64_t next;
	if (k->next_tid < 0 || !p->host->field_int(ev, k->next_tid, &next))
		return TJ_OK;
	struct pthread *t = pk_thread(p, (int32_t)next, 0);
	if (!t)
		return TJ_OK;
	for (uint32_t i = 0; i < t->npend; i++)
		if (t->pend[i].role & R_RUN) {
			t->pend[i].role &= (uint8_t)~R_RUN;
			if (t->pend[i].j->t_run == TJ_TS_NONE)
				t->pend[i].j->t_run = ev->ts;
		}
	return TJ_OK;
}

static void set_reader(struct journey *j, const struct tj_event *ev, const char *sys,
		       int64_t entry, int64_t ret)
{
	j->delivered = 1;
	j->rd_tid = ev->tid;
	j->rd_pid = ev->pid;
	snprintf(j->rd_comm, sizeof(j->rd_comm), "%s", ev->comm ? ev->comm : "?");
	snprintf(j->rd_sys, sizeof(j->rd_sys), "%s", sys);
	j->t_rd_exit = ev->ts;
	j->rd_ret = ret;
	j->rd_entry = entry;
}

/* accept/accept4 returned a socket from peer addr:port: the SYN of that
 * connection, if one waits, was accepted here. */
static int match_accept(struct pk *p, const struct pk_class *k, const struct tj_event *ev,
			const char *sys, int64_t entry, int64_t ret)
{
	const struct tj_host *h = p->host;
	uint64_t port, b;
	uint8_t a[4];
	if (k->sport < 0 || k->v4addr < 0 || !h->field_uint(ev, k->sport, &port) ||
	    h->field_len(ev, k->v4addr) != 4)
		return TJ_OK;
	for (int i = 0; i < 4; i++) {
		if (!h->field_elem_uint(ev, k->v4addr, (uint64_t)i, &b))
			return TJ_OK;
		a[i] = (uint8_t)b;
	}
	size_t it = 0;
	struct conn *c;
	while ((c = tj_map_next(&p->conns, &it, NULL)))
		for (; c; c = c->next) {
			if (!c->syn || c->t.family != 4 || c->t.sport != port ||
			    memcmp(c->t.saddr, a, 4) != 0)
				continue;
			struct journey *j = c->syn;
			c->syn = NULL;
			c->accepted = 1;
			set_reader(j, ev, sys, entry, ret);
			p->st.accepted++;
			int rc = TJ_OK;
			if (p->annotate) {
				char s[160], d[32], buf[480];
				journey_short(j, s, sizeof(s));
				tj_fmt_duration(ev->ts - (j->t_recv != TJ_TS_NONE ? j->t_recv : j->t_first), d,
					sizeof(d));
				snprintf(buf, sizeof(buf), "accepts %s (connection %s), %s after the SYN arrived",
					 s, c->name, d);
				rc = h->annotate(p->self, ev, buf);
			}
			journey_unref(p, j);
			return rc;
		}
	return TJ_OK;
}

int pk_sys_exit(struct pk *p, const struct pk_class *k, const struct tj_event *ev)
{
	const struct tj_host *h = p->host;
	struct pthread *t = pk_thread(p, ev->tid, 0);
	int64_t ret = 0, entry = TJ_TS_NONE;
	const struct pk_class *ek = t && t->sys ? t->sys : NULL;
	const char *sys = k->sysname[0] ? k->sysname : ek ? ek->sysname : "?";
	uint8_t op = k->sysname[0] ? k->sys : ek ? ek->sys : SYS_OTHER;
	int rc = TJ_OK;

	if (k->ret >= 0)
		h->field_int(ev, k->ret, &ret);
	if (ek)
		entry = t->sys_ts;
	if (op == SYS_ACCEPT && ret >= 0)
		rc = match_accept(p, k, ev, sys, entry, ret);
	if (!t)
		return rc;
	t->sys = NULL;
	char buf[400] = "";
	size_t n = 0;
	for (uint32_t i = 0; i < t->npend;) {
		struct journey *j = t->pend[i].j;
		uint8_t *role = &t->pend[i].role;
		char s[160], d[32];
		journey_short(j, s, sizeof(s));
		if ((*role & R_WAKE) && j->t_wake_exit == TJ_TS_NONE) {
			j->t_wake_exit = ev->ts;
			j->wake_exit_ret = ret;
			j->wake_exit_entry = entry;
			snprintf(j->wake_exit_sys, sizeof(j->wake_exit_sys), "%s", sys);
			tj_fmt_duration(ev->ts - j->t_wake, d, sizeof(d));
			if (n < sizeof(buf))
				n += (size_t)snprintf(buf + n, sizeof(buf) - n, "%sreturns %s after %s woke it",
						      n ? "; " : "", d, s);
		}
		*role &= (uint8_t)~(R_WAKE | R_RUN);
		if ((*role & R_COPY) && !j->delivered) {
			set_reader(j, ev, sys, entry, ret);
			*role &= (uint8_t)~R_DELIVER;
			tj_fmt_duration(ev->ts - (j->t_recv != TJ_TS_NONE ? j->t_recv : j->t_first), d, sizeof(d));
			if (n < sizeof(buf))
				n += (size_t)snprintf(buf + n, sizeof(buf) - n,
						      "%sreads %s, %s after it was received", n ? "; " : "",
						      s, d);
		}
		*role &= (uint8_t)~R_COPY;
		if ((*role & R_DELIVER) && !j->delivered && op == SYS_READ &&
		    ((j->h.payload > 0 && ret > 0) || ((j->h.flags & TCP_FIN) && ret == 0))) {
			set_reader(j, ev, sys, entry, ret);
			*role = 0;
			tj_fmt_duration(ev->ts - (j->t_recv != TJ_TS_NONE ? j->t_recv : j->t_first), d, sizeof(d));
			if (n < sizeof(buf))
				n += (size_t)snprintf(buf + n, sizeof(buf) - n, "%s%s of %s, %s after it was received",
						      n ? "; " : "", ret ? "reads data" : "end of file: FIN",
						      s, d);
		} else if ((*role & R_DELIVER) && (j->delivered || --t->pend[i].exits_left == 0)) {
			*role &= (uint8_t)~R_DELIVER;
		}
		if (*role == 0)
			pend_drop(p, t, i);
		else
			i++;
	}
	if (rc == TJ_OK && n && p->annotate)
		rc = h->annotate(p->self, ev, buf);
	return rc != TJ_OK ? rc : p->err;
}

/* ---- connections ------------------------------------------------------ */

static int endpoint_cmp(const struct hdr *h)
{
	int c = memcmp(h->saddr, h->daddr, 16);
	return c ? c : (int)h->sport - (int)h->dport;
}

static uint64_t conn_key(const struct journey *j)
{
	uint64_t x = 1469598103934665603ull;
	const struct hdr *h = &j->h;
	if (!h->family || (h->proto != 6 && h->proto != 17)) {
		for (const char *s = j->dev; *s; s++)
			x = (x ^ (uint8_t)*s) * 1099511628211ull;
		return x >> 1;
	}
	int swap = endpoint_cmp(h) > 0;
	const uint8_t *a = swap ? h->daddr : h->saddr, *b = swap ? h->saddr : h->daddr;
	uint16_t pa = swap ? h->dport : h->sport, pb = swap ? h->sport : h->dport;
	uint8_t buf[40];
	memcpy(buf, a, 16);
	memcpy(buf + 16, b, 16);
	buf[32] = (uint8_t)(pa >> 8), buf[33] = (uint8_t)pa;
	buf[34] = (uint8_t)(pb >> 8), buf[35] = (uint8_t)pb;
	buf[36] = h->proto, buf[37] = h->family, buf[38] = buf[39] = 0;
	for (size_t i = 0; i < sizeof(buf); i++)
		x = (x ^ buf[i]) * 1099511628211ull;
	return x >> 1;
}

static int same_conn(const struct conn *c, const struct journey *j)
{
	const struct hdr *a = &c->t, *b = &j->h;
	if (!b->family || (b->proto != 6 && b->proto != 17))
		return !a->family && strcmp(c->dev, j->dev) == 0;
	if (a->family != b->family || a->proto != b->proto)
		return 0;
	return (memcmp(a->saddr, b->saddr, 16) == 0 && memcmp(a->daddr, b->daddr, 16) == 0 &&
		a->sport == b->sport && a->dport == b->dport) ||
	       (memcmp(a->saddr, b->daddr, 16) == 0 && memcmp(a->daddr, b->saddr, 16) == 0 &&
		a->sport == b->dport && a->dport == b->sport);
}

struct conn *conn_of(struct pk *p, struct journey *j)
{
	if (j->conn)
		return j->conn;
	if (!j->h.family && !j->dev[0])
		return NULL;
	uint64_t key = conn_key(j);
	struct conn *head = tj_map_get(&p->conns, (int64_t)key), *c;
	for (c = head; c && !same_conn(c, j); c = c->next)
		;
	if (c && c->closed_fins >= 3) {
		/* both FINs and the last ACK went by: a new connection on the same ports */
		c = NULL;
	}
	if (!c) {
		if (p->st.conns >= MAX_CONNS || !(c = calloc(1, sizeof(*c)))) {
			p->st.conn_gave_up++;
			return NULL;
		}
		c->id = ++p->next_conn;
		c->key = key;
		c->t = j->h;
		if (!j->h.family || (j->h.proto != 6 && j->h.proto != 17))
			c->t.family = 0;
		snprintf(c->dev, sizeof(c->dev), "%s", j->dev);
		for (int l = 0; l < LANES; l++)
			c->lane_end[l] = INT64_MIN;
		if (c->t.family) {
			char s[64], d[64];
			hdr_endpoint(&c->t, 0, s, sizeof(s));
			hdr_endpoint(&c->t, 1, d, sizeof(d));
			snprintf(c->name, sizeof(c->name), "%s %s ⇄ %s", c->t.proto == 6 ? "TCP" : "UDP",
				 s, d);
		} else {
			snprintf(c->name, sizeof(c->name), "%s (no headers)", c->dev[0] ? c->dev : "?");
		}
		c->next = head;
		if (tj_map_put(&p->conns, (int64_t)key, c)) {
			free(c);
			return NULL;
		}
		p->st.conns++;
	}
	j->conn = c;
	c->refs++;
	c->npkts++;
	/* Lanes in time order: packets in flight together get separate lanes. */
	for (int l = 0; l < LANES && j->lane < 0; l++)
		if (c->lane_end[l] <= j->t_first) {
			j->lane = l;
			c->lane_end[l] = INT64_MAX;
		}
	if (j->lane < 0)
		p->st.lanes_full++;
	if (c->t.proto == 6) {
		uint16_t f = j->h.flags;
		int from_first = memcmp(c->t.saddr, j->h.saddr, 16) == 0 && c->t.sport == j->h.sport;
		if ((f & TCP_SYN) && !(f & TCP_ACK) && !c->syn && !c->accepted) {
			c->syn = j;
			j->refs++;
		}
		if ((f & TCP_FIN) && !c->fin_from[!from_first]) {
			c->fin_from[!from_first] = 1;
			c->closed_fins++;
		} else if (c->closed_fins == 2 && !(f & TCP_FIN)) {
			c->closed_fins = 3; /* the last ACK */
		}
	}
	return c;
}

static void conn_remove(struct pk *p, struct conn *c)
{
	struct conn *head = tj_map_get(&p->conns, (int64_t)c->key), **pp = &head;
	while (*pp && *pp != c)
		pp = &(*pp)->next;
	if (*pp)
		*pp = c->next;
	if (head)
		tj_map_put(&p->conns, (int64_t)c->key, head);
	else
		tj_map_del(&p->conns, (int64_t)c->key);
	p->st.conns--;
	free(c);
}

void conn_unref(struct pk *p, struct conn *c)
{
	if (--c->refs == 0 && c->closed_fins >= 3 && !c->syn)
		conn_remove(p, c);
}

/* End of the run: let go of every link that still waits. */
void pk_release_links(struct pk *p)
{
	size_t it = 0;
	struct pthread *t;
	struct conn *c;
	while ((t = tj_map_next(&p->threads, &it, NULL)))
		while (t->npend)
			pend_drop(p, t, t->npend - 1);
	it = 0;
	while ((c = tj_map_next(&p->conns, &it, NULL))) {
		for (struct conn *next; c; c = next) {
			next = c->next;
			if (c->syn) {
				struct journey *j = c->syn;
				c->syn = NULL;
				journey_unref(p, j); /* may free c */
			}
		}
	}
}
