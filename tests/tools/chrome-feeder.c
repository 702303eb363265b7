/*
 * Test analyzer "chrome-feeder": turns the scheduling and syscall events of a
 * real trace into every kind of model record, so the chrome-json exporter
 * (and the checker) are exercised on real traces independently of the
 * project's own analyzers.  Built by tests/cli/t0310-chrome-json.sh with
 *   cc -shared -fPIC -Iinclude tests/tools/chrome-feeder.c -o feeder/chrome-feeder.so
 * (its only table is tjconv/map.h, header-only like every plugin header)
 *
 * From sched_switch: per-CPU "which thread ran" states, per-thread states
 * (running / wait-cpu / blocked), thread and process names, a flow chaining
 * four consecutive running slices of a CPU, a per-CPU counter.  From
 * syscall_entry_* / syscall_exit_*: spans on the thread track with args of
 * every type, cut at the trace edges.  From sched_waking: thread instants.
 *
 * Parameters (--param chrome-feeder.KEY=VALUE):
 *   weird=1  append control characters, quotes, backslashes and invalid
 *            UTF-8 to every name and string arg (escaping on real data)
 *   edge=1   emit, once, records the exporter must survive: negative dur,
 *            NaN counter, no timestamp, unknown kind, a short (old ABI)
 *            record, and a pair of partially overlapping slices
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tjconv/map.h"
#include "tjconv/plugin.h"

#define WEIRD "\x01\t\"q\\\x7f\xff\xc3(\xe2\x82\xed\xa0\x80\xf0\x9f\x98\x80"

enum cls_kind { K_SWITCH, K_WAKING, K_ENTRY, K_EXIT };

struct cls {
	int kind;
	const char *sysname; /* after the syscall_entry_/syscall_exit_ prefix */
	tj_field prev_tid, next_tid, prev_comm, next_comm, prev_state, tid, comm, ret;
	struct cls *next; /* all of them, freed in fini */
};

struct thr {
	int64_t out_ts;  /* switched out at, or TJ_TS_NONE */
	int64_t out_state;
	int64_t sys_ts;  /* open syscall since, or TJ_TS_NONE */
	const char *sys_name;
	int32_t sys_cpu;
};

struct cpu {
	int32_t tid;     /* running thread, -1 unknown */
	int64_t since;
	char comm[64];
	uint64_t flow_seq;
	int flow_step;
	uint64_t switches;
};

struct feeder {
	const struct tj_host *host;
	struct tj_plugin *self;
	int weird, edge, edge_done;
	int64_t first_ts, last_ts;
	struct tj_map thr; /* tid -> struct thr */
	struct cpu *cpus;
	size_t ncpus;
	struct cls *classes;
};

static const char *decorate(struct feeder *f, const char *s, char *buf, size_t cap)
{
	if (!f->weird)
		return s;
	snprintf(buf, cap, "%s" WEIRD, s ? s : "");
	return buf;
}

static int emit(struct feeder *f, struct tj_record *r)
{
	r->size = sizeof(*r);
	return f->host->emit(f->self, r);
}

static struct thr *thr_get(struct feeder *f, int32_t tid)
{
	struct thr *t = tj_map_get(&f->thr, tid);
	if (t)
		return t;
	if (!(t = calloc(1, sizeof(*t))))
		return NULL;
	if (tj_map_put(&f->thr, tid, t)) {
		free(t);
		return NULL;
	}
	t->out_ts = TJ_TS_NONE;
	t->sys_ts = TJ_TS_NONE;
	return t;
}

static struct cpu *cpu_get(struct feeder *f, int32_t cpu)
{
	if (cpu < 0 || cpu > 4095)
		return NULL;
	if ((size_t)cpu >= f->ncpus) {
		size_t n = (size_t)cpu + 1;
		struct cpu *v = realloc(f->cpus, n * sizeof(*v));
		if (!v)
			return NULL;
		for (size_t i = f->ncpus; i < n; i++) {
			memset(&v[i], 0, sizeof(v[i]));
			v[i].tid = -1;
			v[i].since = TJ_TS_NONE;
		}
		f->cpus = v;
		f->ncpus = n;
	}
	return &f->cpus[cpu];
}

static enum tj_status feeder_init(const struct tj_host *host, struct tj_plugin *self, void **state)
{
	struct feeder *f = calloc(1, sizeof(*f));
	const char *v;
	if (!f)
		return TJ_ENOMEM;
	f->host = host;
	f->self = self;
	f->weird = (v = host->param(self, "weird")) && strcmp(v, "1") == 0;
	f->edge = (v = host->param(self, "edge")) && strcmp(v, "1") == 0;
	f->first_ts = f->last_ts = TJ_TS_NONE;
	*state = f;
	return TJ_OK;
}

static enum tj_status feeder_class(void *state, const struct tj_event_class *ec, void **class_data)
{
	struct feeder *f = state;
	struct cls *c = calloc(1, sizeof(*c));
	if (!c)
		return TJ_ENOMEM;
	c->next = f->classes;
	f->classes = c;
	if (strcmp(ec->name, "sched_switch") == 0) {
		c->kind = K_SWITCH;
		c->prev_tid = f->host->field_lookup(ec, "prev_tid");
		c->next_tid = f->host->field_lookup(ec, "next_tid");
		c->prev_comm = f->host->field_lookup(ec, "prev_comm");
		c->next_comm = f->host->field_lookup(ec, "next_comm");
		c->prev_state = f->host->field_lookup(ec, "prev_state");
	} else if (strcmp(ec->name, "sched_waking") == 0) {
		c->kind = K_WAKING;
		c->tid = f->host->field_lookup(ec, "tid");
		c->comm = f->host->field_lookup(ec, "comm");
	} else if (strncmp(ec->name, "syscall_entry_", 14) == 0) {
		c->kind = K_ENTRY;
		c->sysname = ec->name + 14;
	} else {
		c->kind = K_EXIT;
		c->sysname = ec->name + 13;
		c->ret = f->host->field_lookup(ec, "ret");
	}
	*class_data = c;
	return TJ_OK;
}

static int edge_records(struct feeder *f, int64_t ts)
{
	struct tj_record r;
	struct tj_arg a[1] = {TJ_ARG_S("why", "edge case")};
	int rc = 0;

	memset(&r, 0, sizeof(r));
	r.kind = TJ_REC_SPAN; r.track = TJ_TRACK_GLOBAL; r.name = "negative dur";
	r.ts = ts; r.dur = -5; r.nargs = 1; r.args = a; r.pid = r.tid = r.cpu = -1;
	rc |= emit(f, &r);
	r.kind = TJ_REC_COUNTER; r.name = "nan"; r.value = 0.0 / 0.0; r.dur = 0;
	rc |= emit(f, &r);
	r.kind = TJ_REC_INSTANT; r.name = "no timestamp"; r.ts = TJ_TS_NONE;
	rc |= emit(f, &r);
	r.kind = 99; r.ts = ts; r.name = "unknown kind";
	rc |= emit(f, &r);
	/* two slices that overlap partially: the second must be dropped */
	r.kind = TJ_REC_SPAN; r.name = "overlap A"; r.ts = ts; r.dur = 1000;
	rc |= emit(f, &r);
	r.name = "overlap B (dropped)"; r.ts = ts + 500; r.dur = 1000;
	rc |= emit(f, &r);
	r.name = "inside A"; r.ts = ts + 100; r.dur = 100;
	r.flags = TJ_REC_F_CUT_BEGIN | TJ_REC_F_CUT_END;
	rc |= emit(f, &r);
	/* an emitter built against an ABI whose record ended before "flags" */
	r.flags = TJ_REC_F_CUT_END;
	r.name = "short record"; r.ts = ts + 300; r.dur = 10;
	r.size = (uint32_t)offsetof(struct tj_record, flags);
	rc |= f->host->emit(f->self, &r);
	return rc;
}

/* Which-thread-ran on the CPU, the thread's running state, and the flow. */
static int ran(struct feeder *f, int32_t cpuno, struct cpu *cpu, int64_t now, int cut_end)
{
	struct tj_record r;
	char nb[160];
	struct tj_arg a[2];
	int rc;

	if (cpu->tid < 0 || cpu->since == TJ_TS_NONE)
		return TJ_OK;
	memset(&r, 0, sizeof(r));
	r.kind = TJ_REC_STATE;
	r.track = TJ_TRACK_CPU;
	r.category = "cpu";
	r.name = decorate(f, cpu->comm, nb, sizeof(nb));
	r.ts = cpu->since;
	r.dur = now - cpu->since;
	r.tid = cpu->tid;
	r.pid = -1;
	r.cpu = cpuno;
	r.flags = (cpu->since == f->first_ts ? TJ_REC_F_CUT_BEGIN : 0) | (cut_end ? TJ_REC_F_CUT_END : 0);
	if ((rc = emit(f, &r)))
		return rc;
	r.track = TJ_TRACK_THREAD_STATE;
	r.category = "thread_state";
	r.name = "running";
	a[0].size = a[1].size = sizeof(a[0]);
	a[0].key = "cpu"; a[0].type = TJ_ARG_UINT; a[0].v.u = (uint64_t)cpuno;
	a[1].key = "share"; a[1].type = TJ_ARG_DOUBLE; a[1].v.d = 0.5;
	r.nargs = 2;
	r.args = a;
	if ((rc = emit(f, &r)))
		return rc;
	if (r.dur < 2 || cut_end)
		return TJ_OK;
	/* a flow through four consecutive running slices of this CPU */
	memset(&r, 0, sizeof(r));
	r.kind = TJ_REC_FLOW;
	r.track = TJ_TRACK_THREAD_STATE;
	r.category = "feeder";
	r.name = "cpu handoff";
	r.ts = cpu->since + (now - cpu->since) / 2;
	r.tid = cpu->tid;
	r.pid = -1;
	r.cpu = cpuno;
	r.flow_id = ((uint64_t)cpuno << 40) | cpu->flow_seq;
	r.flow_phase = cpu->flow_step == 0 ? TJ_FLOW_BEGIN : cpu->flow_step == 3 ? TJ_FLOW_END : TJ_FLOW_STEP;
	if ((rc = emit(f, &r)))
		return rc;
	if (++cpu->flow_step == 4) {
		cpu->flow_step = 0;
		cpu->flow_seq++;
	}
	return TJ_OK;
}

static int on_switch(struct feeder *f, const struct tj_event *ev, const struct cls *c)
{
	struct tj_record r;
	int64_t prev = -1, next = -1, pstate = 0;
	const char *ncomm = c->next_comm >= 0 ? f->host->field_str(ev, c->next_comm) : NULL;
	const char *pcomm = c->prev_comm >= 0 ? f->host->field_str(ev, c->prev_comm) : NULL;
	struct cpu *cpu = cpu_get(f, ev->cpu);
	char nb[160];
	int rc;

	f->host->field_int(ev, c->prev_tid, &prev);
	f->host->field_int(ev, c->next_tid, &next);
	if (c->prev_state >= 0)
		f->host->field_int(ev, c->prev_state, &pstate);
	if (!cpu || prev < 0 || next < 0)
		return TJ_OK;
	if (cpu->tid < 0) {
		/* first switch on this CPU: prev ran since the trace began */
		cpu->tid = (int32_t)prev;
		cpu->since = f->first_ts;
		snprintf(cpu->comm, sizeof(cpu->comm), "%s", pcomm ? pcomm : "?");
	}
	if (cpu->tid == prev && (rc = ran(f, ev->cpu, cpu, ev->ts, 0)))
		return rc;
	cpu->switches++;
	if (cpu->switches % 16 == 0) {
		memset(&r, 0, sizeof(r));
		r.kind = TJ_REC_COUNTER;
		r.track = TJ_TRACK_CPU;
		r.cpu = ev->cpu;
		r.tid = r.pid = -1;
		r.name = "switches";
		r.ts = ev->ts;
		r.value = (double)cpu->switches;
		if ((rc = emit(f, &r)))
			return rc;
	}
	/* prev leaves the CPU; next's waiting state ends */
	if (prev != 0) {
		struct thr *t = thr_get(f, (int32_t)prev);
		if (!t)
			return TJ_ENOMEM;
		t->out_ts = ev->ts;
		t->out_state = pstate;
	}
	if (next != 0) {
		struct thr *t = thr_get(f, (int32_t)next);
		if (!t)
			return TJ_ENOMEM;
		memset(&r, 0, sizeof(r));
		r.kind = TJ_REC_STATE;
		r.track = TJ_TRACK_THREAD_STATE;
		r.category = "thread_state";
		r.tid = (int32_t)next;
		r.pid = -1;
		r.cpu = ev->cpu;
		r.ts = t->out_ts != TJ_TS_NONE ? t->out_ts : f->first_ts;
		r.dur = ev->ts - r.ts;
		r.name = t->out_ts == TJ_TS_NONE ? "unknown" : t->out_state == 0 ? "wait-cpu" : "blocked";
		r.flags = t->out_ts == TJ_TS_NONE ? TJ_REC_F_CUT_BEGIN : 0;
		if (r.dur > 0 && (rc = emit(f, &r)))
			return rc;
		t->out_ts = TJ_TS_NONE;
		memset(&r, 0, sizeof(r));
		r.kind = TJ_REC_THREAD_NAME;
		r.tid = (int32_t)next;
		r.pid = -1;
		r.name = decorate(f, ncomm ? ncomm : "?", nb, sizeof(nb));
		if ((rc = emit(f, &r)))
			return rc;
	}
	if (ev->pid > 0 && ev->comm) {
		memset(&r, 0, sizeof(r));
		r.kind = TJ_REC_PROCESS_NAME;
		r.pid = ev->pid;
		r.tid = -1;
		r.name = decorate(f, ev->comm, nb, sizeof(nb));
		if ((rc = emit(f, &r)))
			return rc;
	}
	cpu->tid = (int32_t)next;
	cpu->since = ev->ts;
	snprintf(cpu->comm, sizeof(cpu->comm), "%s", ncomm ? ncomm : "?");
	return TJ_OK;
}

static int on_syscall(struct feeder *f, const struct tj_event *ev, const struct cls *c)
{
	struct tj_record r;
	struct tj_arg a[5];
	char nb[160];
	int64_t ret = 0;
	struct thr *t;
	struct cpu *cpu = cpu_get(f, ev->cpu);
	/* without a tid context, the thread the CPU runs (from sched_switch) */
	int32_t tid = ev->tid > 0 ? ev->tid : cpu ? cpu->tid : -1;

	if (tid <= 0)
		return TJ_OK;
	if (!(t = thr_get(f, tid)))
		return TJ_ENOMEM;
	if (c->kind == K_ENTRY) {
		t->sys_ts = ev->ts;
		t->sys_name = c->sysname;
		t->sys_cpu = ev->cpu;
		return TJ_OK;
	}
	if (t->sys_ts != TJ_TS_NONE && strcmp(t->sys_name, c->sysname) != 0) {
		t->sys_ts = TJ_TS_NONE; /* lost the matching entry */
		return TJ_OK;
	}
	if (c->ret >= 0)
		f->host->field_int(ev, c->ret, &ret);
	memset(&r, 0, sizeof(r));
	r.kind = TJ_REC_SPAN;
	r.track = TJ_TRACK_THREAD;
	r.category = "syscall";
	r.name = decorate(f, c->sysname, nb, sizeof(nb));
	r.ts = t->sys_ts != TJ_TS_NONE ? t->sys_ts : f->first_ts;
	r.dur = ev->ts - r.ts;
	r.tid = tid;
	r.pid = ev->tid > 0 ? ev->pid : -1;
	r.cpu = ev->cpu;
	r.flags = t->sys_ts == TJ_TS_NONE ? TJ_REC_F_CUT_BEGIN : 0;
	for (int i = 0; i < 5; i++)
		a[i].size = sizeof(a[i]);
	a[0].key = "ret"; a[0].type = TJ_ARG_INT; a[0].v.i = ret;
	a[1].key = "ret_hex"; a[1].type = TJ_ARG_HEX; a[1].v.u = (uint64_t)ret;
	a[2].key = "cpu"; a[2].type = TJ_ARG_UINT; a[2].v.u = (uint64_t)(ev->cpu < 0 ? 0 : ev->cpu);
	a[3].key = f->weird ? "k" WEIRD : "comm"; a[3].type = TJ_ARG_STR;
	a[3].v.s = ev->comm ? ev->comm : "?";
	a[4].key = "ms"; a[4].type = TJ_ARG_DOUBLE; a[4].v.d = (double)r.dur / 1e6;
	r.nargs = 5;
	r.args = a;
	t->sys_ts = TJ_TS_NONE;
	return emit(f, &r);
}

static enum tj_status feeder_event(void *state, const struct tj_event *ev, void *class_data)
{
	struct feeder *f = state;
	const struct cls *c = class_data;
	struct tj_record r;
	int rc;

	if (ev->ts == TJ_TS_NONE)
		return TJ_OK;
	if (f->first_ts == TJ_TS_NONE) {
		f->first_ts = ev->ts;
		memset(&r, 0, sizeof(r));
		r.kind = TJ_REC_INSTANT;
		r.track = TJ_TRACK_GLOBAL;
		r.name = "feeder saw its first event";
		r.ts = ev->ts;
		r.pid = r.tid = r.cpu = -1;
		if ((rc = emit(f, &r)))
			return rc;
	}
	if (f->edge && !f->edge_done) {
		f->edge_done = 1;
		if ((rc = edge_records(f, ev->ts)))
			return rc;
	}
	f->last_ts = ev->ts;
	switch (c->kind) {
	case K_SWITCH:
		return on_switch(f, ev, c);
	case K_WAKING: {
		int64_t tid = -1;
		f->host->field_int(ev, c->tid, &tid);
		if (tid <= 0)
			return TJ_OK;
		memset(&r, 0, sizeof(r));
		r.kind = TJ_REC_INSTANT;
		r.track = TJ_TRACK_THREAD;
		r.category = "sched";
		r.name = "woken";
		r.ts = ev->ts;
		r.tid = (int32_t)tid;
		r.pid = -1;
		r.cpu = -1;
		return emit(f, &r);
	}
	default:
		return on_syscall(f, ev, c);
	}
}

static enum tj_status feeder_finish(void *state, const struct tj_run_stats *stats)
{
	struct feeder *f = state;
	int rc;
	(void)stats;
	for (size_t i = 0; i < f->ncpus; i++)
		if ((rc = ran(f, (int32_t)i, &f->cpus[i], f->last_ts, 1)))
			return rc;
	size_t it = 0;
	int64_t tid;
	struct thr *t;
	while ((t = tj_map_next(&f->thr, &it, &tid))) {
		if (t->sys_ts == TJ_TS_NONE || t->sys_ts > f->last_ts)
			continue;
		struct tj_record r;
		memset(&r, 0, sizeof(r));
		r.kind = TJ_REC_SPAN;
		r.track = TJ_TRACK_THREAD;
		r.category = "syscall";
		r.name = t->sys_name;
		r.ts = t->sys_ts;
		r.dur = f->last_ts - t->sys_ts;
		r.tid = (int32_t)tid;
		r.pid = -1;
		r.cpu = t->sys_cpu;
		r.flags = TJ_REC_F_CUT_END;
		if ((rc = emit(f, &r)))
			return rc;
	}
	return TJ_OK;
}

static void feeder_fini(void *state)
{
	struct feeder *f = state;
	size_t it = 0;
	struct thr *t;
	while ((t = tj_map_next(&f->thr, &it, NULL)))
		free(t);
	tj_map_release(&f->thr);
	free(f->cpus);
	while (f->classes) {
		struct cls *n = f->classes->next;
		free(f->classes);
		f->classes = n;
	}
	free(f);
}

static const char *const subs[] = {"sched_switch", "sched_waking", "syscall_entry_*",
				   "syscall_exit_*", NULL};

static const struct tj_plugin_desc desc = {
	.abi_major = TJ_ABI_MAJOR,
	.abi_minor = TJ_ABI_MINOR,
	.size = sizeof(struct tj_plugin_desc),
	.name = "chrome-feeder",
	.version = "1.0",
	.description = "test analyzer: every record kind from real sched/syscall events",
	.kind = TJ_KIND_ANALYZER,
	.subscriptions = subs,
	.init = feeder_init,
	.on_class = feeder_class,
	.on_event = feeder_event,
	.finish = feeder_finish,
	.fini = feeder_fini,
};

TJ_EXPORT const struct tj_plugin_desc *tj_plugin_entry(void)
{
	return &desc;
}
