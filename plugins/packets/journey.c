/*
 * Socket-buffer journeys of the "packets" analyzer: one per trip of an skb
 * through net_dev_queue -> net_dev_xmit -> (net_if_rx on loopback) ->
 * net_if_receive_skb -> skb_copy_datagram_iovec -> skb_consume/skb_kfree.
 * Addresses are reused, so a journey leaves the in-flight table when its
 * skb is freed or queued again; it is rendered (a slice on its connection's
 * track, and a flow from the sending syscall to the reading one) once
 * nothing waits for it any more: neither the table nor a thread's next
 * syscall exit nor a server's accept.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "packets.h"
#include "tjconv/fmt.h"

struct cpuctx *pk_cpu(struct pk *p, int32_t cpu)
{
	if (cpu < 0 || cpu > 65535)
		return NULL;
	if ((uint32_t)cpu >= p->ncpus) {
		uint32_t n = (uint32_t)cpu + 1;
		struct cpuctx *v = realloc(p->cpus, n * sizeof(*v));
		if (!v)
			return NULL;
		for (uint32_t i = p->ncpus; i < n; i++)
			v[i] = (struct cpuctx){.vec = -1};
		p->cpus = v;
		p->ncpus = n;
	}
	return &p->cpus[cpu];
}

struct pthread *pk_thread(struct pk *p, int32_t tid, int create)
{
	struct pthread *t = tid >= 0 ? tj_map_get(&p->threads, tid) : NULL;
	if (t || !create || tid < 0)
		return t;
	if (!(t = calloc(1, sizeof(*t))))
		return NULL;
	t->tid = tid;
	t->pid = -1;
	if (tj_map_put(&p->threads, tid, t)) {
		free(t);
		return NULL;
	}
	return t;
}

void journey_unref(struct pk *p, struct journey *j)
{
	if (--j->refs > 0)
		return;
	int rc = journey_emit(p, j);
	if (rc != TJ_OK && p->err == TJ_OK)
		p->err = rc;
	if (j->conn)
		conn_unref(p, j->conn);
	p->live_journeys--;
	free(j);
}

void journey_lane_close(struct journey *j)
{
	if (j->t_end != TJ_TS_NONE)
		return;
	int64_t end = j->t_first;
	if (j->t_recv != TJ_TS_NONE) {
		end = j->t_recv;
	} else {
		int64_t st[] = {j->t_queue, j->t_xmit, j->t_rx};
		for (size_t i = 0; i < 3; i++)
			if (st[i] != TJ_TS_NONE && st[i] > end)
				end = st[i];
	}
	j->t_end = end;
	if (j->conn && j->lane >= 0 && j->conn->lane_end[j->lane] == INT64_MAX)
		j->conn->lane_end[j->lane] = end;
}

static void table_remove(struct pk *p, struct journey *j)
{
	if (!j->in_table)
		return;
	journey_lane_close(j);
	tj_map_del(&p->skbs, (int64_t)j->skb);
	j->in_table = 0;
	journey_unref(p, j);
}

static struct journey *journey_new(struct pk *p, uint64_t skb, const struct tj_event *ev)
{
	if (p->live_journeys >= p->max_inflight) {
		p->st.gave_up++;
		return NULL;
	}
	struct journey *j = calloc(1, sizeof(*j));
	if (!j)
		return NULL;
	j->id = ++p->next_journey;
	j->skb = skb;
	j->refs = 1;
	j->in_table = 1;
	j->t_queue = j->t_xmit = j->t_rx = j->t_recv = j->t_copy = j->t_free = TJ_TS_NONE;
	j->t_wake = j->t_run = j->t_wake_exit = j->t_rd_exit = TJ_TS_NONE;
	j->send_sys_ts = j->wake_blocked_since = j->wake_exit_entry = j->rd_entry = TJ_TS_NONE;
	j->t_first = ev->ts;
	j->cpu_recv = j->recv_vec = j->kernel_vec = j->lane = -1;
	j->t_end = TJ_TS_NONE;
	j->cap_ts = TJ_TS_NONE;
	j->send_tid = j->send_pid = j->wake_tid = j->wake_pid = j->rd_tid = j->rd_pid = -1;
	if (tj_map_put(&p->skbs, (int64_t)skb, j)) {
		free(j);
		return NULL;
	}
	p->live_journeys++;
	p->st.journeys++;
	return j;
}

/* The packet the current softirq on this CPU handled last: wakeups from
 * that softirq are its doing. */
static void cpu_last_set(struct pk *p, struct cpuctx *c, struct journey *j)
{
	if (!c || c->depth <= 0 || c->last == j)
		return;
	if (c->last)
		journey_unref(p, c->last);
	c->last = j;
	j->refs++;
}

static void fill_basics(struct pk *p, const struct pk_class *k, const struct tj_event *ev,
			struct journey *j)
{
	const struct tj_host *h = p->host;
	uint64_t len;
	if (!j->dev[0] && k->name >= 0) {
		const char *d = h->field_str(ev, k->name);
		if (d)
			snprintf(j->dev, sizeof(j->dev), "%s", d);
	}
	if (!j->len && k->len >= 0 && h->field_uint(ev, k->len, &len))
		j->len = (uint32_t)len;
	if (!j->h.family && k->has_hdr && hdr_read(h, ev, &k->h, &j->h))
		p->st.with_hdr++;
}

static const char *vec_name(int32_t v)
{
	static const char *const n[] = {"HI", "TIMER", "NET_TX", "NET_RX", "BLOCK",
					"IRQ_POLL", "TASKLET", "SCHED", "HRTIMER", "RCU"};
	return v >= 0 && v < 10 ? n[v] : "softirq";
}

static int note(struct pk *p, const struct tj_event *ev, const char *a, const char *b,
		const char *c, const char *d)
{
	char buf[600];
	if (!p->annotate)
		return TJ_OK;
	struct tj_fmt o;
	tj_fmt_init(&o, buf, sizeof(buf));
	tj_fmt_str(&o, a);
	tj_fmt_str(&o, b);
	tj_fmt_str(&o, c);
	tj_fmt_str(&o, d);
	tj_fmt_end(&o);
	return p->host->annotate(p->self, ev, buf);
}

static int on_queue(struct pk *p, const struct pk_class *k, const struct tj_event *ev,
		    struct cpuctx *c, uint64_t skb)
{
	struct journey *j = tj_map_get(&p->skbs, (int64_t)skb);
	char lbl[200], who[160] = "";
	if (j) {
		p->st.requeued++;
		table_remove(p, j);
	}
	if (!(j = journey_new(p, skb, ev)))
		return p->err;
	j->t_queue = ev->ts;
	p->st.queued++;
	fill_basics(p, k, ev, j);
	if (c && c->depth > 0) {
		j->kernel_vec = c->vec;
		snprintf(who, sizeof(who), "sent by the kernel in %s on cpu %d", vec_name(c->vec),
			 (int)ev->cpu);
	} else if (ev->tid > 0 && (!c || c->irq_depth == 0)) {
		struct pthread *t = pk_thread(p, ev->tid, 0);
		j->send_tid = ev->tid;
		j->send_pid = ev->pid;
		snprintf(j->send_comm, sizeof(j->send_comm), "%s", ev->comm ? ev->comm : "?");
		if (t && t->sys) {
			snprintf(j->send_sys, sizeof(j->send_sys), "%s", t->sys->sysname);
			j->send_sys_ts = t->sys_ts;
			p->st.sender_linked++;
		}
		snprintf(who, sizeof(who), "queued by %s/%d%s%s", j->send_comm, (int)ev->tid,
			 j->send_sys[0] ? " in " : "", j->send_sys);
	}
	conn_of(p, j);
	cpu_last_set(p, c, j);
	if ((p->err = xh_sent(p, j, ev)))
		return p->err;
	journey_label(j, lbl, sizeof(lbl));
	char id[32];
	snprintf(id, sizeof(id), "#%llu", (unsigned long long)j->id);
	snprintf(id, sizeof(id), "packet #%llu ", (unsigned long long)j->id);
	return note(p, ev, id, lbl, ": ", who);
}

int pk_net_event(struct pk *p, const struct pk_class *k, const struct tj_event *ev)
{
	const struct tj_host *h = p->host;
	struct cpuctx *c = pk_cpu(p, ev->cpu);
	uint64_t skb;
	struct journey *j;
	char s[160], d[48], x[96];

	p->net_seen = 1;
	if (k->skb < 0 || !h->field_uint(ev, k->skb, &skb) || ev->ts == TJ_TS_NONE)
		return TJ_OK;
	if (k->kind == PK_QUEUE)
		return on_queue(p, k, ev, c, skb);
	j = tj_map_get(&p->skbs, (int64_t)skb);
	switch (k->kind) {
	case PK_XMIT:
		if (!j || j->t_xmit != TJ_TS_NONE)
			return TJ_OK;
		j->t_xmit = ev->ts;
		p->st.xmitted++;
		fill_basics(p, k, ev, j);
		journey_short(j, s, sizeof(s));
		tj_fmt_duration(ev->ts - (j->t_queue != TJ_TS_NONE ? j->t_queue : j->t_first), d, sizeof(d));
		snprintf(x, sizeof(x), " transmitted on %s, ", j->dev[0] ? j->dev : "?");
		return note(p, ev, s, x, d, " after queue");
	case PK_RX:
	case PK_RECEIVE:
		if (!j && !(j = journey_new(p, skb, ev)))
			return p->err;
		fill_basics(p, k, ev, j);
		conn_of(p, j);
		if (k->kind == PK_RX) {
			if (j->t_rx == TJ_TS_NONE)
				j->t_rx = ev->ts;
			return TJ_OK;
		}
		if (j->t_recv != TJ_TS_NONE)
			return TJ_OK;
		j->t_recv = ev->ts;
		j->cpu_recv = ev->cpu;
		j->recv_vec = c && c->depth > 0 ? c->vec : -1;
		p->st.received++;
		journey_lane_close(j);
		if ((p->err = xh_received(p, j, ev)))
			return p->err;
		cpu_last_set(p, c, j);
		journey_short(j, s, sizeof(s));
		if (j->recv_vec >= 0)
			snprintf(x, sizeof(x), "in %s on cpu %d", vec_name(j->recv_vec), (int)ev->cpu);
		else
			snprintf(x, sizeof(x), "on cpu %d", (int)ev->cpu);
		d[0] = '\0';
		if (j->t_xmit != TJ_TS_NONE || j->t_queue != TJ_TS_NONE) {
			char dd[32];
			tj_fmt_duration(ev->ts - (j->t_queue != TJ_TS_NONE ? j->t_queue : j->t_xmit), dd,
				sizeof(dd));
			snprintf(d, sizeof(d), ", %s after queue", dd);
		}
		return note(p, ev, s, " received ", x, d);
	case PK_COPY: {
		if (!j)
			return TJ_OK;
		if (j->t_copy == TJ_TS_NONE)
			j->t_copy = ev->ts;
		p->st.copied++;
		struct pthread *t = pk_thread(p, ev->tid, 1);
		if (!t)
			return TJ_ENOMEM;
		if (!j->delivered && j->rd_tid < 0) {
			j->rd_tid = ev->tid;
			j->rd_pid = ev->pid;
			snprintf(j->rd_comm, sizeof(j->rd_comm), "%s", ev->comm ? ev->comm : "?");
			if (t->sys) {
				snprintf(j->rd_sys, sizeof(j->rd_sys), "%s", t->sys->sysname);
				j->rd_entry = t->sys_ts;
			}
			pk_pend(p, t, j, R_COPY);
		}
		journey_short(j, s, sizeof(s));
		snprintf(x, sizeof(x), "%s/%d", ev->comm ? ev->comm : "?", (int)ev->tid);
		{
			char y[SYS + 8];
			snprintf(y, sizeof(y), " in %s", t->sys ? t->sys->sysname : "?");
			return note(p, ev, s, " copied to ", x, y);
		}
	}
	case PK_FREE:
		if (!j)
			return TJ_OK;
		j->t_free = ev->ts;
		p->st.freed++;
		table_remove(p, j);
		return p->err;
	default:
		return TJ_OK;
	}
}

/* ---- rendering -------------------------------------------------------- */

struct argv {
	struct tj_arg a[44];
	uint32_t n;
};

static void arg_i(struct argv *v, const char *k, int64_t x)
{
	if (v->n < 44 && x != TJ_TS_NONE)
		v->a[v->n++] = (struct tj_arg)TJ_ARG_I(k, x);
}

static void arg_s(struct argv *v, const char *k, const char *s)
{
	if (v->n < 44 && s && s[0])
		v->a[v->n++] = (struct tj_arg)TJ_ARG_S(k, s);
}

static void arg_lat(struct argv *v, const char *k, int64_t a, int64_t b)
{
	if (a != TJ_TS_NONE && b != TJ_TS_NONE && b >= a)
		arg_i(v, k, b - a);
}

static int flow(struct pk *p, const struct journey *j, uint32_t phase, int64_t ts, uint32_t track,
		int32_t pid, int32_t tid, int32_t cpu, uint64_t track_id)
{
	struct tj_record r = {
		.size = sizeof(r), .kind = TJ_REC_FLOW, .category = "packet", .name = "packet",
		.ts = ts, .pid = pid, .tid = tid, .cpu = cpu, .track = track,
		.flow_id = j->id, .flow_phase = phase, .track_id = track_id,
	};
	return p->host->emit(p->self, &r);
}

/* Where one step of a packet's flow binds: a point inside a slice. */
struct anchor {
	int64_t ts;
	uint32_t track;
	int32_t pid, tid, cpu;
};

int journey_emit(struct pk *p, struct journey *j)
{
	struct conn *c = j->conn;
	char lbl[200], flags[40], tmp[3][COMM + 16];
	struct argv v = {.n = 0};
	int rc = TJ_OK, lane = -1;
	int64_t end;

	if (j->finalized)
		return TJ_OK;
	j->finalized = 1;
	if (j->delivered)
		p->st.delivered++;
	journey_label(j, lbl, sizeof(lbl));
	hdr_flags(j->h.flags, flags, sizeof(flags));
	arg_i(&v, "journey", (int64_t)j->id);
	arg_s(&v, "packet", lbl);
	if (j->h.proto == 6) {
		arg_s(&v, "flags", flags);
		arg_i(&v, "seq", j->h.seq);
		arg_i(&v, "ack_seq", j->h.ack);
	}
	if (j->h.family)
		arg_i(&v, "payload", j->h.payload);
	arg_s(&v, "dev", j->dev);
	arg_i(&v, "len", j->len);
	if (v.n < 44)
		v.a[v.n++] = (struct tj_arg){sizeof(struct tj_arg), TJ_ARG_HEX, "skbaddr", {.u = j->skb}};
	arg_i(&v, "queue_ns", j->t_queue);
	arg_i(&v, "xmit_ns", j->t_xmit);
	arg_i(&v, "rx_ns", j->t_rx);
	arg_i(&v, "receive_ns", j->t_recv);
	if (j->t_recv != TJ_TS_NONE)
		arg_i(&v, "receive_cpu", j->cpu_recv);
	arg_i(&v, "copy_ns", j->t_copy);
	arg_i(&v, "free_ns", j->t_free);
	if (j->send_tid >= 0) {
		snprintf(tmp[0], sizeof(tmp[0]), "%s/%d", j->send_comm, (int)j->send_tid);
		arg_s(&v, "sender", tmp[0]);
		arg_s(&v, "send_syscall", j->send_sys);
	} else if (j->kernel_vec >= 0) {
		arg_s(&v, "sender", "kernel (softirq)");
	}
	if (j->wake_tid >= 0) {
		snprintf(tmp[1], sizeof(tmp[1]), "%s/%d", j->wake_comm, (int)j->wake_tid);
		arg_s(&v, "woken", tmp[1]);
		arg_s(&v, "woken_in", j->wake_sys);
		arg_i(&v, "wake_ns", j->t_wake);
		arg_i(&v, "running_ns", j->t_run);
		arg_s(&v, "woken_next_exit", j->wake_exit_sys);
		arg_i(&v, "woken_next_exit_ns", j->t_wake_exit);
	}
	if (j->delivered) {
		snprintf(tmp[2], sizeof(tmp[2]), "%s/%d", j->rd_comm, (int)j->rd_tid);
		arg_s(&v, "reader", tmp[2]);
		arg_s(&v, "read_syscall", j->rd_sys);
		arg_i(&v, "read_exit_ns", j->t_rd_exit);
		arg_i(&v, "read_ret", j->rd_ret);
	}
	arg_lat(&v, "syscall_to_queue_ns", j->send_sys_ts, j->t_queue);
	arg_lat(&v, "queue_to_xmit_ns", j->t_queue, j->t_xmit);
	arg_lat(&v, "xmit_to_receive_ns", j->t_xmit, j->t_recv);
	arg_lat(&v, "receive_to_wakeup_ns", j->t_recv, j->t_wake);
	arg_lat(&v, "wakeup_to_running_ns", j->t_wake, j->t_run);
	arg_lat(&v, "running_to_return_ns", j->t_run, j->t_wake_exit);
	arg_lat(&v, "receive_to_read_return_ns", j->t_recv, j->t_rd_exit);
	if (j->cap_ts != TJ_TS_NONE) {
		arg_i(&v, "captured_ns", j->cap_ts);
		arg_i(&v, "capture_frame", (int64_t)j->cap_no);
	}

	uint64_t tid0 = 0;
	journey_lane_close(j);
	end = j->t_end;
	lane = c ? j->lane : -1;
	if (lane >= 0) {
		tid0 = c->id * LANES + (uint64_t)lane;
		if (!(c->lane_named & (1u << lane))) {
			char name[200];
			c->lane_named |= (uint8_t)(1u << lane);
			if (lane)
				snprintf(name, sizeof(name), "%s (%d)", c->name, lane + 1);
			else
				snprintf(name, sizeof(name), "%s", c->name);
			struct tj_record n = {.size = sizeof(n), .kind = TJ_REC_TRACK_NAME, .name = name,
					      .ts = j->t_first, .pid = -1, .tid = -1, .cpu = -1,
					      .track = TJ_TRACK_CONNECTION, .track_id = tid0};
			rc = p->host->emit(p->self, &n);
		}
		struct tj_record r = {
			.size = sizeof(r), .kind = TJ_REC_SPAN, .category = "packet", .name = lbl,
			.ts = j->t_first, .dur = end - j->t_first, .pid = -1, .tid = -1, .cpu = -1,
			.track = TJ_TRACK_CONNECTION, .nargs = v.n, .args = v.a, .track_id = tid0,
			.flags = j->in_table ? TJ_REC_F_CUT_END : 0,
		};
		if (rc == TJ_OK)
			rc = p->host->emit(p->self, &r);
	}

	/* The flow: sending syscall -> connection track -> receive softirq ->
	 * the syscall that returned because of it. */
	struct anchor pt[4];
	int n = 0;
	if (j->send_tid > 0 && j->send_sys[0] && j->t_queue != TJ_TS_NONE)
		pt[n++] = (struct anchor){j->t_queue, TJ_TRACK_THREAD, j->send_pid, j->send_tid, -1};
	if (lane >= 0)
		pt[n++] = (struct anchor){j->t_first, TJ_TRACK_CONNECTION, -1, -1, -1};
	if (j->t_recv != TJ_TS_NONE && j->cpu_recv >= 0)
		pt[n++] = (struct anchor){j->t_recv, TJ_TRACK_CPU, -1, -1, j->cpu_recv};
	int64_t te = TJ_TS_NONE, tb = TJ_TS_NONE;
	int32_t epid = -1, etid = -1;
	if (j->delivered && j->t_rd_exit != TJ_TS_NONE) {
		te = j->t_rd_exit, tb = j->rd_entry, epid = j->rd_pid, etid = j->rd_tid;
	} else if (j->t_wake_exit != TJ_TS_NONE) {
		te = j->t_wake_exit, tb = j->wake_exit_entry, epid = j->wake_pid, etid = j->wake_tid;
	}
	if (te != TJ_TS_NONE && etid > 0) {
		/* inside the syscall's slice, which ends at te */
		int64_t ts = tb != TJ_TS_NONE && tb < te ? te - 1 : te;
		pt[n++] = (struct anchor){ts, TJ_TRACK_THREAD, epid, etid, -1};
	}
	for (int i = 0; rc == TJ_OK && n >= 2 && i < n; i++)
		rc = flow(p, j, i == 0 ? TJ_FLOW_BEGIN : i == n - 1 ? TJ_FLOW_END : TJ_FLOW_STEP,
			  pt[i].ts, pt[i].track, pt[i].pid, pt[i].tid, pt[i].cpu,
			  pt[i].track == TJ_TRACK_CONNECTION ? tid0 : 0);
	if (rc == TJ_OK && j->xfrom.set)
		rc = xh_emit(p, j);
	/* --pcap: an arrow from this slice to the captured packet's (its own
	 * flow id space, 2^48 + journey) */
	if (rc == TJ_OK && j->cap_ts != TJ_TS_NONE && lane >= 0) {
		struct tj_record f = {.size = sizeof(f), .kind = TJ_REC_FLOW, .category = "capture",
				      .name = "capture", .ts = j->t_first, .pid = -1, .tid = -1,
				      .cpu = -1, .track = TJ_TRACK_CONNECTION,
				      .flow_id = (UINT64_C(1) << 48) + j->id,
				      .flow_phase = TJ_FLOW_BEGIN, .track_id = tid0};
		rc = p->host->emit(p->self, &f);
		f.ts = j->cap_at;
		f.flow_phase = TJ_FLOW_END;
		f.track_id = j->cap_track;
		if (rc == TJ_OK)
			rc = p->host->emit(p->self, &f);
	}
	return rc;
}

/* End of trace: every journey still waiting is rendered as it stands. */
int pk_finish_journeys(struct pk *p)
{
	size_t it = 0;
	struct journey *j;
	for (uint32_t i = 0; i < p->ncpus; i++)
		if (p->cpus[i].last) {
			journey_unref(p, p->cpus[i].last);
			p->cpus[i].last = NULL;
		}
	xh_release(p);
	pk_release_links(p);
	while ((j = tj_map_next(&p->skbs, &it, NULL))) {
		p->st.open_at_end++;
		tj_map_del(&p->skbs, (int64_t)j->skb);
		journey_unref(p, j);
	}
	return p->err;
}
