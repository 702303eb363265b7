/*
 * Threads, processes and CPUs: the state the declarative rules act on, and
 * the records that make it visible (thread-state intervals, per-CPU
 * "who ran here" intervals, thread and process names).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "state.h"
#include "tjconv/fmt.h"

static int32_t pid_or_tid(const struct thread *t)
{
	return t->pid >= 0 ? t->pid : t->tid;
}

struct thread *thread_get(struct analyzer *a, int32_t tid, int create)
{
	struct thread *t = tj_map_get(&a->threads, tid);
	if (t || !create || tid < 0)
		return t;
	t = calloc(1, sizeof(*t));
	if (!t)
		return NULL;
	t->tid = tid;
	t->pid = -1;
	t->status = TS_UNKNOWN;
	t->since = TJ_TS_NONE;
	t->born_ts = TJ_TS_NONE;
	if (tj_map_put(&a->threads, tid, t)) {
		free(t);
		return NULL;
	}
	return t;
}

struct process *process_get(struct analyzer *a, int32_t pid, int create)
{
	struct process *p = tj_map_get(&a->processes, pid);
	if (p || !create || pid < 0)
		return p;
	p = calloc(1, sizeof(*p));
	if (!p)
		return NULL;
	p->pid = pid;
	if (tj_map_put(&a->processes, pid, p)) {
		free(p);
		return NULL;
	}
	return p;
}

struct process *process_of(struct analyzer *a, const struct thread *t)
{
	return t ? process_get(a, pid_or_tid(t), 1) : NULL;
}

struct cpu *cpu_get(struct analyzer *a, int32_t cpu)
{
	if (cpu < 0 || cpu >= 4096)
		return NULL;
	if ((uint32_t)cpu >= a->ncpus) {
		uint32_t n = (uint32_t)cpu + 1;
		struct cpu *v = realloc(a->cpus, n * sizeof(*v));
		if (!v)
			return NULL;
		for (uint32_t i = a->ncpus; i < n; i++) {
			v[i].tid = -1;
			v[i].since = TJ_TS_NONE;
		}
		a->cpus = v;
		a->ncpus = n;
	}
	return &a->cpus[cpu];
}

/* The core resolved the event's thread (context, else its CPU's current
 * thread) and, when it knows them, its pid and name. */
struct thread *thread_of_event(struct analyzer *a, const struct tj_event *ev)
{
	struct thread *t;
	if (ev->tid < 0) {
		a->unknown_thread_events++;
		return NULL;
	}
	t = thread_get(a, ev->tid, 1);
	if (t)
		t->trace = ev->cls->trace_index + 1;
	if (t && t->pid < 0 && ev->pid >= 0)
		thread_set_pid(a, t, ev->pid);
	if (t && ev->comm && !t->comm[0])
		thread_set_comm(a, t, ev->comm);
	return t;
}

static int emit_name(struct analyzer *a, uint32_t kind, int32_t pid, int32_t tid, const char *name)
{
	struct tj_record r = {
		.size = sizeof(r),
		.kind = kind,
		.name = name,
		.ts = a->last_ts,
		.pid = pid,
		.tid = tid,
		.cpu = -1,
		.track = TJ_TRACK_THREAD,
	};
	return a->host->emit(a->self, &r);
}

/* Names are announced once, and again when they change (exec). */
int thread_set_comm(struct analyzer *a, struct thread *t, const char *comm)
{
	if (!comm || !*comm || (t->name_sent && strncmp(t->comm, comm, COMM_BYTES - 1) == 0))
		return TJ_OK;
	snprintf(t->comm, sizeof(t->comm), "%s", comm);
	if (t->tid <= 0 || t->pid < 0)
		return TJ_OK; /* announced once the pid is known */
	t->name_sent = 1;
	int rc = emit_name(a, TJ_REC_THREAD_NAME, t->pid, t->tid, t->comm);
	if (rc == TJ_OK && t->tid == t->pid) {
		struct process *p = process_get(a, t->pid, 1);
		if (p && (!p->name_sent || strcmp(p->comm, t->comm) != 0)) {
			snprintf(p->comm, sizeof(p->comm), "%s", t->comm);
			p->name_sent = 1;
			rc = emit_name(a, TJ_REC_PROCESS_NAME, p->pid, p->pid, p->comm);
		}
	}
	return rc;
}

int thread_set_pid(struct analyzer *a, struct thread *t, int32_t pid)
{
	if (pid < 0 || t->pid == pid)
		return TJ_OK;
	t->pid = pid;
	if (t->comm[0]) {
		t->name_sent = 0;
		char comm[COMM_BYTES];
		memcpy(comm, t->comm, sizeof(comm));
		return thread_set_comm(a, t, comm);
	}
	return TJ_OK;
}

/* "Threads/<tid>/Status" without snprintf: one per state record, the
 * analyzer's hottest string (buf holds at least 48 bytes). */
static void status_attribute(char *buf, int32_t tid)
{
	char digits[12];
	size_t nd = 0, n = 0;
	uint32_t v = (uint32_t)tid;
	do
		digits[nd++] = (char)('0' + v % 10);
	while ((v /= 10) && nd < sizeof(digits));
	memcpy(buf, "Threads/", 8);
	n = 8;
	while (nd)
		buf[n++] = digits[--nd];
	memcpy(buf + n, "/Status", 8); /* with its NUL */
}

static int emit_state(struct analyzer *a, const struct thread *t, int64_t end, uint32_t flags)
{
	if (t->tid <= 0 || t->status == TS_UNKNOWN || t->status == TS_EXITED ||
	    t->since == TJ_TS_NONE || end < t->since)
		return TJ_OK;
	/* tc.*: the attribute and value Trace Compass's engine, running the
	 * exported model (thread_export.c), holds over the same interval. */
	char attr[48];
	status_attribute(attr, t->tid);
	int labelled = t->status == TS_SYSCALL && t->state_sys && t->state_sys[0];
	struct tj_arg args[3] = {
		TJ_ARG_S("syscall", t->state_sys),
		TJ_ARG_S("tc.attribute", attr),
		TJ_ARG_I("tc.value", thread_status_tc_value((enum thread_status)t->status)),
	};
	/* Two changes at one time leave Trace Compass no interval: no tc.*. */
	uint32_t ntc = end > t->since ? 2 : 0;
	struct tj_record r = {
		.size = sizeof(r),
		.kind = TJ_REC_STATE,
		.category = "thread_state",
		.name = thread_status_name(t->status),
		.ts = t->since,
		.dur = end - t->since,
		.pid = pid_or_tid(t),
		.tid = t->tid,
		.cpu = -1,
		.track = TJ_TRACK_THREAD_STATE,
		.flags = flags,
		.trace = t->trace,
		.nargs = (labelled ? 1 : 0) + ntc,
		.args = labelled ? args : args + 1,
	};
	return a->host->emit(a->self, &r);
}

int thread_set_status(struct analyzer *a, struct thread *t, int64_t ts, enum thread_status s)
{
	if (!t || t->status == s)
		return TJ_OK;
	int rc = emit_state(a, t, ts, 0);
	if (t->in_syscall && t->since != TJ_TS_NONE && ts >= t->since) {
		if (t->status == TS_BLOCKED)
			t->blocked_ns += ts - t->since;
		else if (t->status == TS_WAIT_CPU)
			t->waitcpu_ns += ts - t->since;
	}
	t->status = (uint8_t)s;
	t->since = ts;
	t->state_sys = NULL;
	if (s == TS_SYSCALL)
		t->state_sys = t->in_syscall && t->sys_cls ? t->sys_cls->sysname : t->inherited_sys;
	if (s == TS_EXITED)
		t->inherited_sys = NULL;
	return rc;
}

static int emit_cpu(struct analyzer *a, int32_t cpu, const struct cpu *c, int64_t end, uint32_t flags)
{
	if (c->tid <= 0 || c->since == TJ_TS_NONE || end < c->since)
		return TJ_OK;
	const struct thread *t = thread_get(a, c->tid, 0);
	char name[64], attr[48];
	struct tj_fmt o;
	tj_fmt_init(&o, attr, sizeof(attr));
	tj_fmt_str(&o, "CPUs/");
	tj_fmt_i64(&o, (int)cpu);
	tj_fmt_str(&o, "/Current_thread");
	tj_fmt_end(&o);
	struct tj_arg args[4] = {
		TJ_ARG_I("tid", c->tid),
		TJ_ARG_I("pid", t ? pid_or_tid(t) : c->tid),
		TJ_ARG_S("tc.attribute", attr),
		TJ_ARG_I("tc.value", c->tid),
	};
	tj_fmt_init(&o, name, sizeof(name));
	tj_fmt_str(&o, t && t->comm[0] ? t->comm : "?");
	tj_fmt_char(&o, ' ');
	tj_fmt_i64(&o, (int)c->tid);
	tj_fmt_end(&o);
	struct tj_record r = {
		.size = sizeof(r),
		.kind = TJ_REC_STATE,
		.category = "cpu",
		.name = name,
		.ts = c->since,
		.dur = end - c->since,
		.pid = t ? pid_or_tid(t) : c->tid,
		.tid = c->tid,
		.cpu = cpu,
		.track = TJ_TRACK_CPU,
		.flags = flags,
		.nargs = end > c->since ? 4 : 2, /* tc.*: see emit_state */
		.args = args,
	};
	return a->host->emit(a->self, &r);
}

int cpu_switch(struct analyzer *a, int32_t cpu, int64_t ts, int32_t next_tid)
{
	struct cpu *c = cpu_get(a, cpu);
	/* The same thread again (a switch lost in between): one interval, as
	 * Trace Compass's state system keeps an unchanged value going. */
	if (!c || (c->tid == next_tid && c->since != TJ_TS_NONE))
		return TJ_OK;
	int rc = emit_cpu(a, cpu, c, ts, c->since == TJ_TS_NONE ? TJ_REC_F_CUT_BEGIN : 0);
	c->tid = next_tid;
	c->since = ts;
	return rc;
}

static struct thread *rule_target(struct analyzer *a, const struct thread_rule *r, tj_field who,
				  const struct tj_event *ev, struct thread *cur)
{
	int64_t tid;
	if (r->who == WHO_CURRENT)
		return cur;
	if (r->who != WHO_FIELD || who < 0 || !a->host->field_int(ev, who, &tid) || tid < 0 ||
	    tid > INT32_MAX)
		return NULL;
	return thread_get(a, (int32_t)tid, 1);
}

/* Run the declarative rules of this event class (thread_model.c). */
int apply_rules(struct analyzer *a, const struct cls_info *ci, const struct tj_event *ev,
		struct thread *cur)
{
	const struct tj_host *h = a->host;
	int rc = TJ_OK;
	for (uint32_t i = 0; rc == TJ_OK && i < ci->nrules; i++) {
		const struct thread_rule *r = ci->rules[i];
		int64_t v = 0;
		tj_field f = ci->rule_val[i];
		if (r->what == SET_CPU_THREAD) {
			int64_t cpu = ev->cpu, st;
			if (r->how == VAL_STATEDUMP) {
				struct cpu *c;
				tj_field sf = ci->f[F_STATUS];
				if (ci->rule_who[i] < 0 || !h->field_int(ev, ci->rule_who[i], &cpu) ||
				    cpu < 0 || cpu > INT32_MAX || sf < 0 || !h->field_int(ev, sf, &st) ||
				    st != STATEDUMP_RUNNING || !(c = cpu_get(a, (int32_t)cpu)) || c->tid >= 0)
					continue;
			}
			if (f >= 0 && h->field_int(ev, f, &v))
				rc = cpu_switch(a, (int32_t)cpu, ev->ts, (int32_t)v);
			continue;
		}
		struct thread *t = rule_target(a, r, ci->rule_who[i], ev, cur);
		if (!t)
			continue;
		if (r->what == INHERIT_SYSCALL) {
			int64_t ptid;
			const struct thread *p = f >= 0 && h->field_int(ev, f, &ptid) && ptid >= 0 &&
							 ptid <= INT32_MAX
				? thread_get(a, (int32_t)ptid, 0) : NULL;
			t->inherited_sys = p && p != t && p->in_syscall && p->sys_cls
				? p->sys_cls->sysname : NULL;
			continue;
		}
		if (r->what == ENTER_SYSCALL || r->what == LEAVE_SYSCALL) {
			/* syscall_track.c pairs them; VAL_RESUME reads in_syscall.
			 * A call of its own ends the one a new thread inherited. */
			t->inherited_sys = NULL;
			continue;
		}
		enum thread_status s = t->status;
		switch (r->how) {
		case VAL_CONST:
			s = r->value;
			break;
		case VAL_TASK_STATE:
			if (f >= 0 && h->field_int(ev, f, &v)) {
				s = thread_status_from_task_state(v, (enum task_encoding)ci->task_enc);
				model_saw_task_state(a, v);
			}
			break;
		case VAL_RESUME:
			s = t->in_syscall || t->inherited_sys ? TS_SYSCALL : TS_USERMODE;
			break;
		case VAL_WAKE:
			/* An exited thread woken was not gone (a parked kthread read
			 * as TASK_DEAD by the pre-4.14 rule). */
			if (t->status == TS_BLOCKED || t->status == TS_WAIT_UNKNOWN ||
			    t->status == TS_UNKNOWN || t->status == TS_EXITED)
				s = r->value;
			break;
		case VAL_STATEDUMP:
			/* The trace itself knows better than a dump taken while it ran. */
			if (t->status == TS_UNKNOWN && f >= 0 && h->field_int(ev, f, &v))
				s = thread_status_from_statedump(v);
			break;
		default:
			break;
		}
		rc = thread_set_status(a, t, ev->ts, s);
	}
	return rc;
}

int threads_finish(struct analyzer *a)
{
	size_t it = 0;
	struct thread *t;
	int rc = TJ_OK;
	while (rc == TJ_OK && (t = tj_map_next(&a->threads, &it, NULL))) {
		rc = emit_state(a, t, a->last_ts, TJ_REC_F_CUT_END);
		/* Named (sched_switch) but its pid never learned: a process of
		 * its own, as its records already say (pid_or_tid). */
		if (rc == TJ_OK && t->tid > 0 && t->pid < 0 && t->comm[0] && !t->name_sent) {
			t->name_sent = 1;
			rc = emit_name(a, TJ_REC_THREAD_NAME, t->tid, t->tid, t->comm);
		}
	}
	for (uint32_t c = 0; rc == TJ_OK && c < a->ncpus; c++)
		rc = emit_cpu(a, (int32_t)c, &a->cpus[c], a->last_ts, TJ_REC_F_CUT_END);
	return rc;
}

void threads_release(struct analyzer *a)
{
	size_t it = 0;
	void *v;
	while ((v = tj_map_next(&a->threads, &it, NULL)))
		free(v);
	tj_map_release(&a->threads);
	it = 0;
	while ((v = tj_map_next(&a->processes, &it, NULL))) {
		fdtable_release(&((struct process *)v)->fds);
		free(v);
	}
	tj_map_release(&a->processes);
	tj_map_release(&a->file_tables);
	free(a->cpus);
}
