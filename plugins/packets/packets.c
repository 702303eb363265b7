/*
 * Analyzer "packets": follows every socket buffer through the kernel
 * (journey.c), links it to the syscall that sent it, the thread it woke and
 * the syscall that read it (links.c), decodes LTTng's network_header
 * (header.c) and groups packets into connections.  This file is the plugin:
 * what each event class means (decided once, in on_class), the per-CPU
 * softirq context, the open syscall of each thread, and the summary.
 *
 * Until the first network event only the open syscall of each thread is
 * kept (one map lookup per syscall entry), so traces without network
 * events cost next to nothing.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "packets.h"
#include "pcap.h"
#include "tjconv/model.h"

static const struct {
	const char *name;
	enum pk_kind kind;
} named[] = {
	{"net_dev_queue", PK_QUEUE},
	{"net_dev_xmit", PK_XMIT},
	{"net_if_rx", PK_RX},
	{"netif_rx", PK_RX},
	{"net_if_rx_entry", PK_RX},
	{"netif_rx_entry", PK_RX},
	{"net_if_rx_ni_entry", PK_RX},
	{"netif_rx_ni_entry", PK_RX},
	{"net_if_receive_skb", PK_RECEIVE},
	{"netif_receive_skb", PK_RECEIVE},
	{"net_if_receive_skb_entry", PK_RECEIVE},
	{"netif_receive_skb_entry", PK_RECEIVE},
	{"net_napi_gro_receive_entry", PK_RECEIVE},
	{"napi_gro_receive_entry", PK_RECEIVE},
	{"skb_copy_datagram_iovec", PK_COPY},
	{"skb_consume", PK_FREE},
	{"consume_skb", PK_FREE},
	{"skb_kfree", PK_FREE},
	{"kfree_skb", PK_FREE},
	{"napi_poll", PK_NAPI},
	{"irq_softirq_entry", PK_SOFT_ENTRY},
	{"softirq_entry", PK_SOFT_ENTRY},
	{"irq_softirq_exit", PK_SOFT_EXIT},
	{"softirq_exit", PK_SOFT_EXIT},
	{"irq_handler_entry", PK_IRQ_ENTRY},
	{"irq_handler_exit", PK_IRQ_EXIT},
	{"sched_waking", PK_WAKE},
	{"sched_wakeup", PK_WAKE},
	{"sched_switch", PK_SWITCH},
	{"sched_process_free", PK_FREE_TASK},
};

#define NNAMED (sizeof(named) / sizeof(named[0]))

/*
 * What is declarative about the journeys, as a tjconv/model.h model: the
 * receive -> wakeup latency (a packet handed to the stack on a CPU, then
 * the first thread woken from that CPU, as pk_wake links them), with the
 * event names of the table above, so Trace Compass's latency views show it.
 */
static const char *recv_names[NNAMED + 1], *wake_names[NNAMED + 1];
static const char *const cpu_key[] = {"{cpu}", NULL};
static struct tj_msegment pk_segments[1];
static struct tj_model pk_model_data;

static const struct tj_model *pk_model(void *state)
{
	(void)state;
	if (pk_model_data.size)
		return &pk_model_data;
	size_t nr = 0, nw = 0;
	for (size_t i = 0; i < NNAMED; i++) {
		if (named[i].kind == PK_RECEIVE)
			recv_names[nr++] = named[i].name;
		else if (named[i].kind == PK_WAKE)
			wake_names[nw++] = named[i].name;
	}
	pk_segments[0] = (struct tj_msegment){sizeof(pk_segments[0]), "receive_to_wakeup",
					      "Packet receive to wakeup", recv_names, wake_names,
					      cpu_key, NULL};
	pk_model_data = (struct tj_model){
		.size = sizeof(pk_model_data),
		.id = "tjconv.packets",
		.label = "tjconv packets",
		.nsegments = 1,
		.segments = pk_segments,
	};
	return &pk_model_data;
}

static const char *const read_calls[] = {"read", "readv", "recvfrom", "recvmsg", "recvmmsg",
					 "pread64", "preadv", "preadv2", NULL};

static int prefix(const char *s, const char *p)
{
	return strncmp(s, p, strlen(p)) == 0;
}

static void classify_syscall(struct pk_class *k, const char *n)
{
	static const char *const entry[] = {"syscall_entry_", "compat_syscall_entry_", "sys_"};
	static const char *const exit_[] = {"syscall_exit_", "compat_syscall_exit_"};
	const char *sys = NULL;
	if (strcmp(n, "exit_syscall") == 0) {
		k->kind = PK_SYS_EXIT;
		return;
	}
	for (size_t i = 0; !sys && i < 3; i++)
		if (prefix(n, entry[i])) {
			k->kind = PK_SYS_ENTRY;
			sys = n + strlen(entry[i]);
		}
	for (size_t i = 0; !sys && i < 2; i++)
		if (prefix(n, exit_[i])) {
			k->kind = PK_SYS_EXIT;
			sys = n + strlen(exit_[i]);
		}
	if (!sys)
		return;
	snprintf(k->sysname, sizeof(k->sysname), "%s", sys);
	for (size_t i = 0; read_calls[i]; i++)
		if (strcmp(sys, read_calls[i]) == 0)
			k->sys = SYS_READ;
	if (strcmp(sys, "accept") == 0 || strcmp(sys, "accept4") == 0)
		k->sys = SYS_ACCEPT;
}

static enum tj_status pk_class(void *state, const struct tj_event_class *cls, void **class_data)
{
	struct pk *p = state;
	const struct tj_host *h = p->host;
	struct pk_class *k = calloc(1, sizeof(*k));
	if (!k)
		return TJ_ENOMEM;
	for (size_t i = 0; i < sizeof(named) / sizeof(named[0]); i++)
		if (strcmp(cls->name, named[i].name) == 0)
			k->kind = named[i].kind;
	if (k->kind == PK_NONE)
		classify_syscall(k, cls->name);
	/* "*" is for --pcap (captured packets go out between any two events);
	 * without it, the other classes are declined and cost nothing */
	if (k->kind == PK_NONE && !p->pc) {
		free(k);
		return TJ_DONE;
	}
	k->skb = h->field_lookup(cls, "payload:skbaddr");
	k->len = h->field_lookup(cls, "payload:len");
	k->name = h->field_lookup(cls, k->kind == PK_WAKE ? "payload:comm" : "payload:name");
	k->vec = h->field_lookup(cls, "payload:vec");
	k->ret = h->field_lookup(cls, "payload:ret");
	k->tid = h->field_lookup(cls, "payload:tid");
	k->next_tid = h->field_lookup(cls, "payload:next_tid");
	k->sport = h->field_lookup(cls, "payload:sport");
	k->v4addr = h->field_lookup(cls, "payload:v4addr");
	if (h->field_lookup(cls, "payload:network_header_type") >= 0) {
		k->has_hdr = 1;
		hdr_resolve(h, cls, &k->h);
	}
	*class_data = k;
	return tj_map_put(&p->classes, (int64_t)cls->id, k) ? TJ_ENOMEM : TJ_OK;
}

static int softirq(struct pk *p, const struct pk_class *k, const struct tj_event *ev, int entry)
{
	struct cpuctx *c = pk_cpu(p, ev->cpu);
	int64_t vec = -1;
	if (!c)
		return TJ_OK;
	if (k->vec >= 0)
		p->host->field_int(ev, k->vec, &vec);
	if (entry) {
		c->depth++;
		c->vec = (int32_t)vec;
		return TJ_OK;
	}
	if (c->depth > 0)
		c->depth--;
	if (c->depth == 0) {
		c->vec = -1;
		if (c->last) {
			struct journey *j = c->last;
			c->last = NULL;
			journey_unref(p, j);
		}
	}
	return p->err;
}

static enum tj_status pk_event(void *state, const struct tj_event *ev, void *class_data)
{
	struct pk *p = state;
	const struct pk_class *k = class_data;
	struct pthread *t;
	struct cpuctx *c;

	/* captured packets whose time came go out before this event */
	if (p->pc && ev->ts != TJ_TS_NONE) {
		int rc = pc_advance(p, ev->ts);
		if (rc != TJ_OK)
			return rc;
	}
	switch (k->kind) {
	case PK_SYS_ENTRY:
		if (!(t = pk_thread(p, ev->tid, 1)))
			return ev->tid < 0 ? TJ_OK : TJ_ENOMEM;
		t->sys = k;
		t->sys_ts = ev->ts;
		if (ev->pid >= 0)
			t->pid = ev->pid;
		return TJ_OK;
	case PK_SYS_EXIT:
		if (!p->net_seen) {
			if ((t = pk_thread(p, ev->tid, 0)))
				t->sys = NULL;
			return TJ_OK;
		}
		return pk_sys_exit(p, k, ev);
	case PK_SOFT_ENTRY:
	case PK_SOFT_EXIT:
		return softirq(p, k, ev, k->kind == PK_SOFT_ENTRY);
	case PK_IRQ_ENTRY:
	case PK_IRQ_EXIT:
		if ((c = pk_cpu(p, ev->cpu))) {
			if (k->kind == PK_IRQ_ENTRY)
				c->irq_depth++;
			else if (c->irq_depth > 0)
				c->irq_depth--;
		}
		return TJ_OK;
	case PK_WAKE:
		return p->net_seen ? pk_wake(p, k, ev) : TJ_OK;
	case PK_SWITCH:
		return p->net_seen ? pk_switch(p, k, ev) : TJ_OK;
	case PK_FREE_TASK: {
		int64_t tid;
		if (k->tid >= 0 && p->host->field_int(ev, k->tid, &tid) &&
		    (t = pk_thread(p, (int32_t)tid, 0)) && !t->npend) {
			tj_map_del(&p->threads, tid);
			free(t);
		}
		return TJ_OK;
	}
	case PK_NONE:
	case PK_NAPI:
		return TJ_OK;
	default: {
		int rc = pk_net_event(p, k, ev);
		uint64_t skb;
		struct journey *j;
		if (rc == TJ_OK && p->pc && k->kind != PK_FREE && k->kind != PK_COPY && k->skb >= 0 &&
		    p->host->field_uint(ev, k->skb, &skb) && (j = tj_map_get(&p->skbs, (int64_t)skb)))
			rc = pc_journey(p, j, ev->ts);
		return rc;
	}
	}
}

static enum tj_status pk_init(const struct tj_host *host, struct tj_plugin *self, void **state)
{
	struct pk *p = calloc(1, sizeof(*p));
	if (!p)
		return TJ_ENOMEM;
	p->host = host;
	p->self = self;
	p->annotate = tj_param_bool(host, self, "annotations", 1);
	p->summary = tj_param_bool(host, self, "summary", 0);
	const char *mx = host->param(self, "max-inflight");
	p->max_inflight = mx ? strtoull(mx, NULL, 10) : 65536;
	if (!p->max_inflight)
		p->max_inflight = 1;
	const char *pcap = host->param(self, "pcap");
	if (pcap && *pcap) {
		int rc = pc_init(p, pcap);
		if (rc != TJ_OK) {
			pc_free(p);
			free(p);
			return rc;
		}
	}
	*state = p;
	return TJ_OK;
}

static enum tj_status pk_begin(void *state, const struct tj_trace_info *info)
{
	struct pk *p = state;
	p->ntraces = info->ntraces;
	return TJ_OK;
}

static enum tj_status pk_finish(void *state, const struct tj_run_stats *stats)
{
	struct pk *p = state;
	(void)stats;
	int rc = pc_finish(p);
	if (rc == TJ_OK)
		rc = pk_finish_journeys(p);
	else
		pk_finish_journeys(p);
	if (rc != TJ_OK)
		return rc;
	if (!p->st.journeys) {
		pc_summary_line(p);
		return rc;
	}
	const struct tj_host *h = p->host;
	enum tj_log_level lvl = p->summary ? TJ_LOG_NOTICE : TJ_LOG_INFO;
	h->log(p->self, lvl,
	       "%llu packet journeys (%llu with headers): %llu queued, %llu transmitted, "
	       "%llu received, %llu copied to a reader, %llu freed, %llu ended by a new queue",
	       (unsigned long long)p->st.journeys, (unsigned long long)p->st.with_hdr,
	       (unsigned long long)p->st.queued, (unsigned long long)p->st.xmitted,
	       (unsigned long long)p->st.received, (unsigned long long)p->st.copied,
	       (unsigned long long)p->st.freed, (unsigned long long)p->st.requeued);
	h->log(p->self, lvl,
	       "links: %llu to the sending syscall, %llu woke a thread, %llu delivered to a "
	       "syscall, %llu SYNs accepted; %llu connections",
	       (unsigned long long)p->st.sender_linked, (unsigned long long)p->st.woke,
	       (unsigned long long)p->st.delivered, (unsigned long long)p->st.accepted,
	       (unsigned long long)p->next_conn);
	if (p->ntraces > 1)
		h->log(p->self, lvl,
		       "across traces: %llu packets linked from one host to another, %llu never "
		       "arrived in another trace (%llu let go early), %llu retransmissions",
		       (unsigned long long)p->st.x_linked,
		       (unsigned long long)(p->st.x_unmatched + p->st.x_expired),
		       (unsigned long long)p->st.x_expired, (unsigned long long)p->st.x_duplicate);
	if (p->st.gave_up || p->st.pend_dropped || p->st.conn_gave_up || p->st.lanes_full)
		h->log(p->self, TJ_LOG_NOTICE,
		       "gave up on %llu packets (more than %llu in flight), %llu links, "
		       "%llu connections; %llu packet slices had no free lane",
		       (unsigned long long)p->st.gave_up, (unsigned long long)p->max_inflight,
		       (unsigned long long)p->st.pend_dropped, (unsigned long long)p->st.conn_gave_up,
		       (unsigned long long)p->st.lanes_full);
	pc_summary_line(p);
	return rc;
}

static void pk_fini(void *state)
{
	struct pk *p = state;
	size_t it = 0;
	void *v;
	pc_free(p);            /* gives back the journeys it held */
	pk_finish_journeys(p); /* a failed run did not finish */
	while ((v = tj_map_next(&p->classes, &it, NULL)))
		free(v);
	it = 0;
	while ((v = tj_map_next(&p->threads, &it, NULL)))
		free(v);
	it = 0;
	struct conn *c;
	while ((c = tj_map_next(&p->conns, &it, NULL)))
		for (struct conn *next; c; c = next) {
			next = c->next;
			free(c);
		}
	tj_map_release(&p->classes);
	tj_map_release(&p->threads);
	tj_map_release(&p->conns);
	tj_map_release(&p->skbs);
	free(p->cpus);
	free(p);
}

static const char *const subscriptions[] = {
	"net_dev_queue", "net_dev_xmit", "net_if_rx", "netif_rx", "net_if_rx_entry",
	"netif_rx_entry", "net_if_rx_ni_entry", "netif_rx_ni_entry", "net_if_receive_skb",
	"netif_receive_skb", "net_if_receive_skb_entry", "netif_receive_skb_entry",
	"net_napi_gro_receive_entry", "napi_gro_receive_entry", "skb_copy_datagram_iovec",
	"skb_consume", "consume_skb", "skb_kfree", "kfree_skb", "napi_poll",
	"irq_softirq_entry", "softirq_entry", "irq_softirq_exit", "softirq_exit",
	"irq_handler_entry", "irq_handler_exit", "sched_waking", "sched_wakeup", "sched_switch",
	"sched_process_free", "syscall_entry_*", "syscall_exit_*", "compat_syscall_*", "sys_*",
	"exit_syscall",
	"*", /* with --pcap, captured packets go out between any two events */
	NULL,
};

static const char *const param_help[] = {
	"annotations: attach the packet story to events (default true)",
	"summary: print journey and link counts on stderr (--summary sets it)",
	"max-inflight: journeys followed at once before giving up on new ones (default 65536)",
	"pcap: captures to correlate, newline-separated (--pcap FILE, repeatable)",
	"pcap-offset: capture clock minus trace clock in ns, or auto (--pcap-offset)",
	"pcap-window: how far apart in ns a packet without headers may match (default 500000)",
	"ignore_network_header: match captures by length and time only (default false)",
	NULL,
};

TJ_PLUGIN_DEFINE(.name = "packets", .version = "1.0",
		 .description = "packet journeys: skb from sending syscall to woken reader, connections",
		 .kind = TJ_KIND_ANALYZER, .subscriptions = subscriptions, .init = pk_init,
		 .on_class = pk_class, .on_event = pk_event, .begin = pk_begin, .finish = pk_finish,
		 .fini = pk_fini, .param_help = param_help, .model = pk_model)
