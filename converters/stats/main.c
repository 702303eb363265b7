/*
 * Exporter "stats": lttng-analyses-class statistics over the events inside
 * the window and filters (syscalls, scheduling, interrupts, I/O, network),
 * printed at the end as text tables or as LAMI 1.0 JSON for Trace Compass.
 * `tjconv stats TRACE` runs it (core/stats_cmd.c turns the subcommand's
 * options into this plugin's parameters).  This file holds the plugin
 * descriptor, the event-class triage and the shared thread/CPU tables.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "stats.h"

struct sthread *thread_get(struct stats *s, int32_t tid)
{
	struct sthread *t = tj_map_get(&s->threads, tid);
	if (t)
		return t;
	if (!(t = calloc(1, sizeof(*t))))
		return NULL;
	t->tid = tid;
	t->pid = -1;
	t->sys.sysid = -1;
	t->wake_ts = TJ_TS_NONE;
	if (tj_map_put(&s->threads, tid, t)) {
		free(t);
		return NULL;
	}
	return t;
}

struct cpu_state *cpu_get(struct stats *s, int32_t cpu)
{
	if (cpu < 0 || cpu > 65535)
		return NULL;
	if ((uint32_t)cpu >= s->ncpus) {
		uint32_t n = (uint32_t)cpu + 1;
		struct cpu_state *v = realloc(s->cpus, n * sizeof(*v));
		if (!v)
			return NULL;
		for (uint32_t i = s->ncpus; i < n; i++) {
			memset(&v[i], 0, sizeof(v[i]));
			v[i].cur_tid = -2;
			v[i].since = TJ_TS_NONE;
			v[i].irq_ts = TJ_TS_NONE;
			for (int k = 0; k < SOFTIRQ_VECS; k++)
				v[i].soft_ts[k] = v[i].raise_ts[k] = TJ_TS_NONE;
		}
		s->cpus = v;
		s->ncpus = n;
	}
	return &s->cpus[cpu];
}

/* FNV-1a: keys of the name-indexed tables (collisions are probed in the
 * callers by comparing the names). */
uint64_t name_hash(const char *str)
{
	uint64_t h = UINT64_C(0xcbf29ce484222325);
	for (const unsigned char *p = (const unsigned char *)str; *p; p++)
		h = (h ^ *p) * UINT64_C(0x100000001b3);
	return h;
}

static unsigned parse_what(const char *v, int *bad)
{
	static const struct {
		const char *name;
		unsigned bit;
	} names[] = {{"syscalls", W_SYSCALLS}, {"sched", W_SCHED}, {"irq", W_IRQ},
		     {"io", W_IO},		{"net", W_NET},	    {"all", W_ALL}};
	unsigned w = 0;
	*bad = 0;
	while (*v) {
		size_t n = strcspn(v, ",");
		int found = 0;
		for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
			if (strlen(names[i].name) == n && strncmp(v, names[i].name, n) == 0) {
				w |= names[i].bit;
				found = 1;
			}
		if (!found && n)
			*bad = 1;
		v += n;
		if (*v == ',')
			v++;
	}
	return w;
}

static void stats_fini(void *state);

/* fini is not called after a failed init: free what was made. */
static enum tj_status init_failed(struct stats *s, enum tj_status rc)
{
	stats_fini(s);
	return rc;
}

static enum tj_status stats_init(const struct tj_host *h, struct tj_plugin *self, void **state)
{
	struct stats *s = calloc(1, sizeof(*s));
	const char *v;
	int bad = 0;
	if (!s)
		return TJ_ENOMEM;
	s->h = h;
	s->self = self;
	s->what = W_ALL;
	s->topn = 10;
	s->first_ts = s->last_ts = TJ_TS_NONE;
	if ((v = h->param(self, "what")) && (!(s->what = parse_what(v, &bad)) || bad)) {
		h->error(self, "invalid --what '%s' (expected a list of syscalls, sched, irq, io, "
			       "net or all)", v);
		return init_failed(s, TJ_EINVAL);
	}
	if ((v = h->param(self, "format"))) {
		if (strcmp(v, "lami") == 0)
			s->lami = 1;
		else if (strcmp(v, "text") != 0) {
			h->error(self, "invalid --format '%s' (expected text or lami)", v);
			return init_failed(s, TJ_EINVAL);
		}
	}
	if ((v = h->param(self, "top"))) {
		char *end;
		long n = strtol(v, &end, 10);
		if (end == v || *end || n < 0 || n > TOP_MAX) {
			h->error(self, "invalid --top '%s' (expected an integer from 0 to %d)", v,
				 TOP_MAX);
			return init_failed(s, TJ_EINVAL);
		}
		s->topn = (uint32_t)n;
	}
	s->metadata_only = tj_param_bool(h, self, "metadata", 0);
	s->gmt = tj_param_bool(h, self, "clock-gmt", 0) ? TJ_TIME_GMT : 0;
	if (!(s->sb = h->sbuf_new()) || top_init(&s->sys_top, s->topn) ||
	    top_init(&s->wake_top, s->topn))
		return init_failed(s, TJ_ENOMEM);
	*state = s;
	return TJ_OK;
}

static enum tj_status stats_begin(void *state, const struct tj_trace_info *info)
{
	struct stats *s = state;
	s->info = info;
	return TJ_OK;
}

static const struct {
	const char *name;
	enum ev_kind kind;
	unsigned what;
} kinds[] = {
	{"sched_waking", K_WAKING, W_SCHED},
	{"sched_wakeup", K_WAKEUP, W_SCHED},
	{"sched_switch", K_SWITCH, W_SCHED},
	{"sched_process_fork", K_FORK, W_IO},
	{"irq_handler_entry", K_IRQ_ENTRY, W_IRQ},
	{"irq_handler_exit", K_IRQ_EXIT, W_IRQ},
	{"irq_softirq_raise", K_SOFT_RAISE, W_IRQ},
	{"irq_softirq_entry", K_SOFT_ENTRY, W_IRQ},
	{"irq_softirq_exit", K_SOFT_EXIT, W_IRQ},
	{"softirq_raise", K_SOFT_RAISE, W_IRQ},
	{"softirq_entry", K_SOFT_ENTRY, W_IRQ},
	{"softirq_exit", K_SOFT_EXIT, W_IRQ},
	{"net_dev_queue", K_NET_QUEUE, W_NET},
	{"net_dev_xmit", K_NET_XMIT, W_NET},
	{"net_if_receive_skb", K_NET_RECEIVE, W_NET},
	{"netif_receive_skb", K_NET_RECEIVE, W_NET},
	{"skb_copy_datagram_iovec", K_SKB_COPY, W_NET},
	{"lttng_statedump_file_descriptor", K_SD_FD, W_IO},
	{"lttng_statedump_process_state", K_SD_PROCESS, W_IO},
};

static tj_field pl(const struct tj_host *h, const struct tj_event_class *cls, const char *name)
{
	char path[96];
	snprintf(path, sizeof(path), "payload:%s", name);
	return h->field_lookup(cls, path);
}

static enum tj_status stats_class(void *state, const struct tj_event_class *cls, void **cd)
{
	struct stats *s = state;
	const struct tj_host *h = s->h;
	struct stats_class *c = calloc(1, sizeof(*c));
	if (!c)
		return TJ_ENOMEM;
	if (s->nclasses == s->capclasses) {
		uint32_t cap = s->capclasses ? 2 * s->capclasses : 64;
		struct stats_class **v = realloc(s->classes, cap * sizeof(*v));
		if (!v) {
			free(c);
			return TJ_ENOMEM;
		}
		s->classes = v;
		s->capclasses = cap;
	}
	s->classes[s->nclasses++] = c;
	*cd = c;
	c->sysid = -1;
	if (s->metadata_only)
		return TJ_OK;
	for (size_t i = 0; i < sizeof(kinds) / sizeof(kinds[0]); i++)
		if (strcmp(cls->name, kinds[i].name) == 0 && (s->what & kinds[i].what))
			c->kind = kinds[i].kind;
	c->f_id = -1;
	c->f_tid = pl(h, cls, "tid");
	c->f_comm = pl(h, cls, "comm");
	c->f_prev_tid = pl(h, cls, "prev_tid");
	c->f_next_tid = pl(h, cls, "next_tid");
	c->f_next_comm = pl(h, cls, "next_comm");
	c->f_irq = pl(h, cls, "irq");
	c->f_name = pl(h, cls, "name");
	c->f_ret = pl(h, cls, "ret");
	c->f_vec = pl(h, cls, "vec");
	c->f_skb = pl(h, cls, "skbaddr");
	c->f_len = pl(h, cls, "len");
	c->f_rc = pl(h, cls, "rc");
	c->f_fd = pl(h, cls, "fd");
	c->f_fildes = pl(h, cls, "fildes");
	c->f_sport = pl(h, cls, "sport");
	c->f_v4addr = pl(h, cls, "v4addr");
	c->f_filename = pl(h, cls, "filename");
	c->f_pid = pl(h, cls, "pid");
	c->f_ftable = pl(h, cls, "file_table_address");
	c->f_child_pid = pl(h, cls, "child_pid");
	c->f_parent_pid = pl(h, cls, "parent_pid");
	if (c->kind == K_FORK && !(s->what & W_IO))
		c->kind = K_NONE;
	if (!c->kind && (s->what & (W_SYSCALLS | W_IO)))
		return sys_class(s, cls, c) ? TJ_ENOMEM : TJ_OK;
	if (c->kind == K_NET_QUEUE || c->kind == K_NET_RECEIVE)
		return net_class(s, cls, c) ? TJ_ENOMEM : TJ_OK;
	return TJ_OK;
}

static enum tj_status stats_event(void *state, const struct tj_event *ev, void *cd)
{
	struct stats *s = state;
	const struct stats_class *c = cd;
	if (ev->ts != TJ_TS_NONE) {
		if (s->first_ts == TJ_TS_NONE)
			s->first_ts = ev->ts;
		s->last_ts = ev->ts;
	}
	if (!c->kind)
		return TJ_OK;
	switch (c->kind) {
	case K_SYS_ENTRY:
	case K_SYS_EXIT:
		return sys_event(s, ev, c);
	case K_WAKING:
	case K_WAKEUP:
	case K_SWITCH:
		return sched_event(s, ev, c);
	case K_FORK:
		return io_fork(s, ev, c);
	case K_SD_FD:
		return io_statedump(s, ev, c);
	case K_SD_PROCESS:
		return io_statedump_process(s, ev, c);
	case K_IRQ_ENTRY:
	case K_IRQ_EXIT:
	case K_SOFT_RAISE:
	case K_SOFT_ENTRY:
	case K_SOFT_EXIT:
		return irq_event(s, ev, c);
	default:
		return net_event(s, ev, c);
	}
}

/* The window the tables cover: --begin/--end when given, else the trace's
 * first event to the last one seen. */
void stats_window(const struct stats *s, int64_t *b, int64_t *e)
{
	const struct tj_trace_info *in = s->info;
	*b = in && in->begin_ts != TJ_TS_NONE ? in->begin_ts
	     : in && in->first_ts != TJ_TS_NONE ? in->first_ts
						: s->first_ts;
	*e = in && in->end_ts != TJ_TS_NONE ? in->end_ts : s->last_ts;
	if (*b == TJ_TS_NONE || *e == TJ_TS_NONE || *b > *e)
		*b = *e;
}

/* Build every table of the chosen groups, then render them. */
static enum tj_status stats_finish(void *state, const struct tj_run_stats *rs)
{
	struct stats *s = state;
	struct table *tables[32];
	uint32_t n = 0;
	int rc = 0;
	(void)rs;
	if (s->metadata_only)
		return render_lami_metadata(s) ? TJ_EIO : TJ_OK;
	if (!rc && (s->what & W_SYSCALLS))
		rc = sys_tables(s, tables, &n, 32);
	if (!rc && (s->what & W_SCHED))
		rc = sched_tables(s, tables, &n, 32);
	if (!rc && (s->what & W_IRQ))
		rc = irq_tables(s, tables, &n, 32);
	if (!rc && (s->what & W_IO))
		rc = io_tables(s, tables, &n, 32);
	if (!rc && (s->what & W_NET))
		rc = net_tables(s, tables, &n, 32);
	for (uint32_t i = 0; !rc && i < n; i++)
		rc = table_ok(tables[i]);
	if (rc)
		s->h->error(s->self, "out of memory while building the tables");
	else
		rc = s->lami ? render_lami(s, tables, n) : render_text(s, tables, n);
	for (uint32_t i = 0; i < n; i++)
		table_free(tables[i]);
	return rc ? TJ_ERROR : TJ_OK;
}

static void stats_fini(void *state)
{
	struct stats *s = state;
	void *v;
	if (!s)
		return;
	sys_release(s);
	irq_release(s);
	io_release(s);
	net_release(s);
	for (uint32_t i = 0; i < s->nclasses; i++) {
		free(s->classes[i]->hdr);
		free(s->classes[i]);
	}
	free(s->classes);
	for (size_t it = 0; (v = tj_map_next(&s->threads, &it, NULL));)
		free(v);
	tj_map_release(&s->threads);
	free(s->cpus);
	top_release(&s->sys_top);
	top_release(&s->wake_top);
	if (s->sb)
		s->h->sbuf_free(s->sb);
	free(s);
}

static const char *const subs[] = {
	"syscall_entry_*", "syscall_exit_*", "exit_syscall", "sched_waking", "sched_wakeup",
	"sched_switch", "sched_process_fork", "irq_handler_entry", "irq_handler_exit",
	"irq_softirq_*", "softirq_*", "net_dev_queue", "net_dev_xmit", "net_if_receive_skb",
	"netif_receive_skb", "skb_copy_datagram_iovec", "lttng_statedump_file_descriptor",
	"lttng_statedump_process_state", NULL,
};

static const char *const param_help[] = {
	"what: tables to compute: syscalls,sched,irq,io,net or all (default all)",
	"format: text (default) or lami (LAMI 1.0 JSON for Trace Compass)",
	"top: rows of the slowest-calls and longest-wakeup tables (default 10)",
	"metadata: true: print the LAMI metadata (table classes) and no results",
	NULL,
};

TJ_PLUGIN_DEFINE(.name = "stats", .version = "1.0", .kind = TJ_KIND_EXPORTER,
		 .description = "syscall, scheduling, IRQ, I/O and network statistics "
				"(text tables or LAMI 1.0)",
		 .subscriptions = subs, .init = stats_init, .begin = stats_begin,
		 .on_class = stats_class, .on_event = stats_event, .finish = stats_finish,
		 .fini = stats_fini, .param_help = param_help)
