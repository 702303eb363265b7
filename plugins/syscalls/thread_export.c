/*
 * The thread-state rules (thread_model.c) written as a tjconv/model.h model,
 * so an exporter can hand Trace Compass the machine this analyzer runs:
 * Threads/<tid>/Status with Trace Compass's StateValues, Threads/<tid>/
 * System_call and CPUs/<cpu>/Current_thread, each rule one stateChange.
 * What the native engine computes in C becomes conditions:
 *  - VAL_TASK_STATE: an if/else-if chain over the prev_state values this
 *    trace showed (and the single bits), decoded with the trace's kernel
 *    encoding; Trace Compass's XML has no bit test;
 *  - VAL_RESUME: System_call set ? RUN_SYSCALL : RUN_USERMODE;
 *  - VAL_WAKE: Status is WAIT_BLOCKED, WAIT_UNKNOWN or null;
 *  - VAL_STATEDUMP: Status null and the dump's status, value by value.
 * UNKNOWN and EXITED threads have no value (null), as they have no native
 * interval.  The model is rebuilt on each call (host: after begin, after
 * finish) from the rules and the values seen so far.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "state.h"
#include "tjconv/model.h"

struct thread_export {
	struct tj_model model;
	void **blocks; /* every allocation of this build */
	size_t nblocks, capblocks;
	int failed;
};

static void *xalloc(struct thread_export *x, size_t n)
{
	if (x->failed)
		return NULL;
	if (x->nblocks == x->capblocks) {
		size_t cap = x->capblocks ? x->capblocks * 2 : 64;
		void **v = realloc(x->blocks, cap * sizeof(*v));
		if (!v) {
			x->failed = 1;
			return NULL;
		}
		x->blocks = v;
		x->capblocks = cap;
	}
	void *p = calloc(1, n ? n : 1);
	if (!p) {
		x->failed = 1;
		return NULL;
	}
	x->blocks[x->nblocks++] = p;
	return p;
}

/* before + mid + after, allocated in the build. */
static const char *xjoin(struct thread_export *x, const char *before, const char *mid,
			 const char *after)
{
	size_t n = strlen(before) + strlen(mid) + strlen(after) + 1;
	char *s = xalloc(x, n);
	if (s)
		snprintf(s, n, "%s%s%s", before, mid, after);
	return s;
}

static void export_free(struct thread_export *x)
{
	if (!x)
		return;
	for (size_t i = 0; i < x->nblocks; i++)
		free(x->blocks[i]);
	free(x->blocks);
	free(x);
}

void model_saw_task_state(struct analyzer *a, int64_t v)
{
	for (uint32_t i = 0; i < a->ntask_states; i++)
		if (a->task_states[i] == v)
			return;
	if (a->ntask_states < MAX_TASK_STATES)
		a->task_states[a->ntask_states++] = v;
}

/* A status as Trace Compass stores it: its StateValues int, or null. */
static struct tj_mvalue status_value(enum thread_status s)
{
	struct tj_mvalue v = {.type = TJ_MV_NULL};
	if (s != TS_UNKNOWN && s != TS_EXITED && s < TS_COUNT) {
		v.type = TJ_MV_INT;
		v.i = thread_status_tc_value(s);
	}
	return v;
}

static const struct tj_mstate states[] = {
	{sizeof(struct tj_mstate), "WAIT_BLOCKED", 1, "#C8C800"},
	{sizeof(struct tj_mstate), "RUN_USERMODE", 2, "#00C800"},
	{sizeof(struct tj_mstate), "RUN_SYSCALL", 3, "#0000C8"},
	{sizeof(struct tj_mstate), "INTERRUPTED", 4, "#C80064"},
	{sizeof(struct tj_mstate), "WAIT_FOR_CPU", 5, "#C86400"},
	{sizeof(struct tj_mstate), "WAIT_UNKNOWN", 6, "#C8C8C8"},
};

static const struct tj_mview views[] = {
	{sizeof(struct tj_mview), TJ_MVIEW_TIMEGRAPH, "threads", "Thread states", "Threads/*",
	 "Status", TJ_MVIEW_STATES},
	{sizeof(struct tj_mview), TJ_MVIEW_TIMEGRAPH, "cpus", "CPU current thread", "CPUs/*",
	 "Current_thread", 0},
};

static const char *const sys_start[] = {"syscall_entry_*", "compat_syscall_entry_*", "sys_*", NULL};
static const char *const sys_end[] = {"syscall_exit_*", "compat_syscall_exit_*", "exit_syscall",
				      NULL};
static const char *const sys_keys[] = {TJ_MODEL_THREAD, NULL};

static const struct tj_msegment segments[] = {
	{sizeof(struct tj_msegment), "syscall", "System call latency", sys_start, sys_end, sys_keys,
	 NULL},
};

/* The prev_state values the chain names: those seen, and every single bit
 * the decoding table knows, when they decode to something but WAIT_CPU. */
static uint32_t task_candidates(const struct analyzer *a, enum task_encoding enc, int64_t *out,
				uint32_t cap)
{
	uint32_t n = 0;
	int64_t all[MAX_TASK_STATES + 12];
	uint32_t nall = 0;
	for (uint32_t i = 0; i < a->ntask_states; i++)
		all[nall++] = a->task_states[i];
	for (int b = 0; b < 12; b++)
		all[nall++] = (int64_t)1 << b;
	for (uint32_t i = 0; i < nall && n < cap; i++) {
		int dup = 0;
		for (uint32_t k = 0; k < n; k++)
			dup |= out[k] == all[i];
		if (!dup && thread_status_from_task_state(all[i], enc) != TS_WAIT_CPU)
			out[n++] = all[i];
	}
	return n;
}

static struct tj_mcond *conds(struct thread_export *x, uint32_t n)
{
	struct tj_mcond *c = xalloc(x, n * sizeof(*c));
	for (uint32_t i = 0; c && i < n; i++)
		c[i].size = sizeof(*c);
	return c;
}

/* Append the changes of one rule to ch (room for enough); returns how many. */
static uint32_t rule_changes(struct thread_export *x, const struct analyzer *a,
			     const struct thread_rule *r, struct tj_mchange *ch)
{
	const char *who = r->who == WHO_FIELD ? xjoin(x, "{", r->who_field, "}") : TJ_MODEL_THREAD;
	const char *status = who ? xjoin(x, "Threads/", who, "/Status") : NULL;
	const char *sys = who ? xjoin(x, "Threads/", who, "/System_call") : NULL;
	uint32_t n = 0;
	struct tj_mcond *c;
	if (!status || !sys)
		return 0;
	switch (r->what) {
	case SET_CPU_THREAD:
		ch[0].attribute = r->who == WHO_FIELD ? xjoin(x, "CPUs/", who, "/Current_thread")
						     : "CPUs/{cpu}/Current_thread";
		ch[0].value = (struct tj_mvalue){.type = TJ_MV_FIELD, .s = r->field};
		if (r->how == VAL_STATEDUMP) {
			/* Found running, and the CPU has no thread yet. */
			if (!ch[0].attribute || !(c = conds(x, 2)))
				return 0;
			c[0].op = c[1].op = TJ_MC_EQ;
			c[0].a = (struct tj_mvalue){.type = TJ_MV_FIELD, .s = STATEDUMP_STATUS_FIELD};
			c[0].b = (struct tj_mvalue){.type = TJ_MV_INT, .i = STATEDUMP_RUNNING};
			c[1].a = (struct tj_mvalue){.type = TJ_MV_QUERY, .s = ch[0].attribute};
			c[1].b.type = TJ_MV_NULL;
			ch[0].nconds = 2;
			ch[0].conds = c;
		}
		return 1;
	case ENTER_SYSCALL:
		ch[0].attribute = sys;
		ch[0].value.type = TJ_MV_EVENT_NAME;
		return 1;
	case LEAVE_SYSCALL:
		ch[0].attribute = sys;
		ch[0].value.type = TJ_MV_NULL;
		return 1;
	case INHERIT_SYSCALL:
		ch[0].attribute = sys;
		ch[0].value.type = TJ_MV_QUERY;
		ch[0].value.s = xjoin(x, "Threads/{", r->field, "}/System_call");
		return 1;
	default:
		break;
	}
	switch (r->how) {
	case VAL_CONST:
		ch[0].attribute = status;
		ch[0].value = status_value((enum thread_status)r->value);
		return 1;
	case VAL_TASK_STATE: {
		int64_t cand[MAX_TASK_STATES + 12];
		enum task_encoding enc = (enum task_encoding)a->task_enc[0];
		uint32_t k = task_candidates(a, enc, cand, MAX_TASK_STATES);
		for (uint32_t i = 0; i < k; i++) {
			if (!(c = conds(x, 1)))
				return 0;
			c[0].op = TJ_MC_EQ;
			c[0].a = (struct tj_mvalue){.type = TJ_MV_FIELD, .s = r->field};
			c[0].b = (struct tj_mvalue){.type = TJ_MV_INT, .i = cand[i]};
			ch[n].flags = n ? TJ_MCH_ELSE : 0;
			ch[n].attribute = status;
			ch[n].value = status_value(thread_status_from_task_state(cand[i], enc));
			ch[n].nconds = 1;
			ch[n++].conds = c;
		}
		ch[n].flags = n ? TJ_MCH_ELSE : 0;
		ch[n].attribute = status;
		ch[n++].value = status_value(TS_WAIT_CPU);
		return n;
	}
	case VAL_RESUME:
		if (!(c = conds(x, 1)))
			return 0;
		c[0].op = TJ_MC_NE;
		c[0].a = (struct tj_mvalue){.type = TJ_MV_QUERY, .s = sys};
		c[0].b.type = TJ_MV_NULL;
		ch[0] = (struct tj_mchange){sizeof(*ch), 0, status, status_value(TS_SYSCALL), 1, c};
		ch[1] = (struct tj_mchange){sizeof(*ch), TJ_MCH_ELSE, status, status_value(TS_USERMODE),
					   0, NULL};
		return 2;
	case VAL_WAKE: {
		static const enum thread_status asleep[] = {TS_BLOCKED, TS_WAIT_UNKNOWN, TS_UNKNOWN};
		if (!(c = conds(x, 3)))
			return 0;
		for (int i = 0; i < 3; i++) {
			c[i].op = TJ_MC_EQ;
			c[i].a = (struct tj_mvalue){.type = TJ_MV_QUERY, .s = status};
			c[i].b = status_value(asleep[i]);
		}
		ch[0] = (struct tj_mchange){sizeof(*ch), TJ_MCH_ANY, status,
					   status_value((enum thread_status)r->value), 3, c};
		return 1;
	}
	case VAL_STATEDUMP:
		/* lttng_process_status 0..7; those that give no value change nothing. */
		for (int64_t v = 0; v <= 7; v++) {
			struct tj_mvalue to = status_value(thread_status_from_statedump(v));
			if (to.type == TJ_MV_NULL)
				continue;
			if (!(c = conds(x, 2)))
				return 0;
			c[0].op = c[1].op = TJ_MC_EQ;
			c[0].a = (struct tj_mvalue){.type = TJ_MV_QUERY, .s = status};
			c[0].b.type = TJ_MV_NULL;
			c[1].a = (struct tj_mvalue){.type = TJ_MV_FIELD, .s = r->field};
			c[1].b = (struct tj_mvalue){.type = TJ_MV_INT, .i = v};
			ch[n++] = (struct tj_mchange){sizeof(*ch), 0, status, to, 2, c};
		}
		return n;
	default:
		return 0;
	}
}

static struct thread_export *build(const struct analyzer *a)
{
	struct thread_export *x = calloc(1, sizeof(*x));
	if (!x)
		return NULL;
	/* Consecutive rules of one event pattern make one handler. */
	struct tj_mhandler *h = xalloc(x, thread_rule_count * sizeof(*h));
	uint32_t nh = 0;
	for (size_t i = 0; h && i < thread_rule_count;) {
		size_t j = i;
		while (j < thread_rule_count && strcmp(thread_rules[j].event, thread_rules[i].event) == 0)
			j++;
		struct tj_mchange *ch = xalloc(x, (j - i) * (MAX_TASK_STATES + 16) * sizeof(*ch));
		const char **ev = xalloc(x, 2 * sizeof(*ev));
		if (!ch || !ev)
			break;
		for (size_t k = 0; k < (j - i) * (MAX_TASK_STATES + 16); k++)
			ch[k].size = sizeof(*ch);
		ev[0] = thread_rules[i].event;
		h[nh].size = sizeof(*h);
		h[nh].events = ev;
		h[nh].changes = ch;
		for (size_t k = i; k < j; k++)
			h[nh].nchanges += rule_changes(x, a, &thread_rules[k], ch + h[nh].nchanges);
		nh++;
		i = j;
	}
	if (x->failed) {
		export_free(x);
		return NULL;
	}
	x->model = (struct tj_model){
		.size = sizeof(x->model),
		.id = "tjconv.syscalls",
		.label = "tjconv thread states",
		.nstates = sizeof(states) / sizeof(states[0]),
		.states = states,
		.nhandlers = nh,
		.handlers = h,
		.nviews = sizeof(views) / sizeof(views[0]),
		.views = views,
		.nsegments = sizeof(segments) / sizeof(segments[0]),
		.segments = segments,
	};
	return x;
}

const struct tj_model *syscalls_model(void *state)
{
	struct analyzer *a = state;
	struct thread_export *x = build(a);
	if (!x)
		return a->export ? &a->export->model : NULL;
	export_free(a->export);
	a->export = x;
	return &x->model;
}

void syscalls_model_release(struct analyzer *a)
{
	export_free(a->export);
	a->export = NULL;
}
