/*
 * Analyzer "syscalls": the syscall lifecycle of every thread.  Pairs
 * entries and exits into spans with arguments and return values, runs the
 * declarative thread-state model (thread_model.c), keeps per-process fd
 * tables, names threads and processes, and annotates events for the text
 * exporter.  This file classifies event classes once (on_class) and routes
 * each event; the work lives in threads.c, syscall_track.c and fd_track.c.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "state.h"

static const char *const role_names[F_ROLE_COUNT] = {
	[F_TID] = "tid",           [F_PREV_TID] = "prev_tid",   [F_NEXT_TID] = "next_tid",
	[F_PREV_COMM] = "prev_comm", [F_NEXT_COMM] = "next_comm", [F_COMM] = "comm",
	[F_PREV_STATE] = "prev_state", [F_PID] = "pid",        [F_PPID] = "ppid",
	[F_NAME] = "name",         [F_STATUS] = "status",       [F_FD] = "fd",
	[F_RET] = "ret",           [F_ID] = "id",               [F_FAMILY] = "family",
	[F_TYPE] = "type",         [F_PROTOCOL] = "protocol",   [F_FILENAME] = "filename",
	[F_FLAGS] = "flags",       [F_SPORT] = "sport",         [F_DPORT] = "dport",
	[F_V4ADDR] = "v4addr",     [F_V6ADDR] = "v6addr",       [F_FILDES] = "fildes",
	[F_OLDFD] = "oldfd",       [F_NEWFD] = "newfd",         [F_CMD] = "cmd",
	[F_COUNT] = "count",       [F_PARENT_TID] = "parent_tid", [F_PARENT_PID] = "parent_pid",
	[F_CHILD_TID] = "child_tid", [F_CHILD_PID] = "child_pid", [F_CHILD_COMM] = "child_comm",
	[F_OLD_TID] = "old_tid",   [F_FILE_TABLE] = "file_table_address", [F_VTID] = "vtid",
	[F_VPID] = "vpid",         [F_NFDS] = "nfds",         [F_CPU] = "cpu",
};

static int prefix(const char *s, const char *p)
{
	return strncmp(s, p, strlen(p)) == 0;
}

/* Syscall name and direction from the event name, in all LTTng spellings. */
static enum ev_kind classify_syscall(const char *name, char *sys, size_t cap)
{
	static const struct {
		const char *prefix;
		enum ev_kind kind;
	} forms[] = {
		{"syscall_entry_", K_SYS_ENTRY},        {"syscall_exit_", K_SYS_EXIT},
		{"compat_syscall_entry_", K_SYS_ENTRY}, {"compat_syscall_exit_", K_SYS_EXIT},
		{"sys_", K_SYS_ENTRY},
	};
	if (strcmp(name, "exit_syscall") == 0) {
		sys[0] = '\0';
		return K_SYS_EXIT;
	}
	for (size_t i = 0; i < sizeof(forms) / sizeof(forms[0]); i++)
		if (prefix(name, forms[i].prefix)) {
			snprintf(sys, cap, "%s", name + strlen(forms[i].prefix));
			return forms[i].kind;
		}
	return K_OTHER;
}

static enum tj_status sys_on_class(void *state, const struct tj_event_class *cls, void **class_data)
{
	struct analyzer *a = state;
	const struct tj_host *h = a->host;
	struct cls_info *ci = calloc(1, sizeof(*ci));
	const char *n = cls->name;

	if (!ci)
		return TJ_ENOMEM;
	ci->kind = classify_syscall(n, ci->sysname, sizeof(ci->sysname));
	if (ci->kind == K_SYS_ENTRY || ci->kind == K_SYS_EXIT)
		ci->op = (uint8_t)fd_classify(ci->sysname, &ci->anon_desc);
	if (ci->kind == K_OTHER) {
		static const struct {
			const char *name;
			enum ev_kind kind;
		} named[] = {
			{"sched_switch", K_SCHED_SWITCH},
			{"sched_process_fork", K_FORK},
			{"sched_process_exec", K_EXEC},
			{"sched_process_free", K_PROCESS_FREE},
			{"lttng_statedump_process_state", K_SD_PROCESS},
			{"lttng_statedump_file_descriptor", K_SD_FD},
		};
		for (size_t i = 0; i < sizeof(named) / sizeof(named[0]); i++)
			if (strcmp(n, named[i].name) == 0)
				ci->kind = named[i].kind;
	}
	for (int r = 0; r < F_ROLE_COUNT; r++) {
		char path[64];
		snprintf(path, sizeof(path), "payload:%s", role_names[r]);
		ci->f[r] = h->field_lookup(cls, path);
	}
	/* Every top-level payload member is an argument worth carrying. */
	uint32_t nf = h->field_count(cls);
	for (uint32_t i = 0; i < nf && ci->nargs < MAX_ARGS; i++) {
		const char *fname = h->field_name(cls, i);
		char path[96];
		if (!fname || fname[0] == '_')
			continue; /* sequence lengths */
		snprintf(path, sizeof(path), "payload:%s", fname);
		tj_field f = h->field_lookup(cls, path);
		if (f < 0)
			continue;
		ci->arg_names[ci->nargs] = h->field_name(cls, i);
		snprintf(ci->arg_out_names[ci->nargs], sizeof(ci->arg_out_names[0]), "%s_out", fname);
		ci->arg_fields[ci->nargs++] = f;
	}
	/* How this trace's kernel encodes prev_state (from begin). */
	if (cls->trace_index < sizeof(a->task_enc))
		ci->task_enc = a->task_enc[cls->trace_index];
	for (size_t i = 0; i < thread_rule_count && ci->nrules < 8; i++)
		if (thread_rule_matches(&thread_rules[i], n)) {
			const struct thread_rule *r = &thread_rules[i];
			ci->rule_who[ci->nrules] = r->who_field ? h->field_lookup(cls, r->who_field) : -1;
			ci->rule_val[ci->nrules] = r->field ? h->field_lookup(cls, r->field) : -1;
			ci->rules[ci->nrules++] = r;
		}
	*class_data = ci;
	/* The plugin frees class data in fini: remember it. */
	return tj_map_put(&a->class_infos, (int64_t)cls->id, ci) ? TJ_ENOMEM : TJ_OK;
}

static int get(struct analyzer *a, const struct cls_info *ci, const struct tj_event *ev,
	       enum field_role role, int64_t *out)
{
	return ci->f[role] >= 0 && a->host->field_int(ev, ci->f[role], out);
}

static const char *get_str(struct analyzer *a, const struct cls_info *ci,
			   const struct tj_event *ev, enum field_role role)
{
	return ci->f[role] >= 0 ? a->host->field_str(ev, ci->f[role]) : NULL;
}

static int on_sched_switch(struct analyzer *a, const struct cls_info *ci, const struct tj_event *ev)
{
	int64_t prev, next;
	int rc = TJ_OK;
	if (get(a, ci, ev, F_PREV_TID, &prev)) {
		struct thread *t = thread_get(a, (int32_t)prev, 1);
		if (t)
			rc = thread_set_comm(a, t, get_str(a, ci, ev, F_PREV_COMM));
	}
	if (rc == TJ_OK && get(a, ci, ev, F_NEXT_TID, &next)) {
		struct thread *t = thread_get(a, (int32_t)next, 1);
		if (t)
			rc = thread_set_comm(a, t, get_str(a, ci, ev, F_NEXT_COMM));
	}
	return rc;
}

static int on_fork(struct analyzer *a, const struct cls_info *ci, const struct tj_event *ev)
{
	int64_t ptid = -1, ppid = -1, ctid, cpid = -1;
	if (!get(a, ci, ev, F_CHILD_TID, &ctid))
		return TJ_OK;
	get(a, ci, ev, F_PARENT_TID, &ptid);
	if (!get(a, ci, ev, F_PARENT_PID, &ppid)) {
		struct thread *pt = thread_get(a, (int32_t)ptid, 0);
		ppid = pt && pt->pid >= 0 ? pt->pid : ptid;
	}
	/* Old tracers have no child_pid: a new process unless CLONE_THREAD,
	 * which they cannot tell us; assume a process. */
	if (!get(a, ci, ev, F_CHILD_PID, &cpid))
		cpid = ctid;
	struct thread *child = thread_get(a, (int32_t)ctid, 1);
	if (!child)
		return TJ_ENOMEM;
	/* A recycled tid starts a new life; a child's first event is often the
	 * exit of the clone it was born in, which began no earlier than this. */
	child->in_syscall = 0;
	child->seen_entry = 0;
	child->born_ts = ev->ts;
	/* Its parent's call (clone): the INHERIT_SYSCALL rule (thread_model.c). */
	child->inherited_sys = NULL;
	int rc = fd_on_fork(a, (int32_t)ppid, (int32_t)cpid);
	if (rc == TJ_OK)
		rc = thread_set_pid(a, child, (int32_t)cpid);
	if (rc == TJ_OK)
		rc = thread_set_comm(a, child, get_str(a, ci, ev, F_CHILD_COMM));
	return rc;
}

static int on_exec(struct analyzer *a, const struct cls_info *ci, const struct tj_event *ev,
		   struct thread *cur)
{
	int64_t tid;
	struct thread *t = get(a, ci, ev, F_TID, &tid) ? thread_get(a, (int32_t)tid, 1) : cur;
	const char *fname = get_str(a, ci, ev, F_FILENAME);
	if (!t)
		return TJ_OK;
	struct process *p = process_of(a, t);
	if (p)
		fdtable_exec(&p->fds);
	if (fname) {
		/* The kernel names the task after the file, cut to 15 chars. */
		const char *base = strrchr(fname, '/');
		char comm[16];
		snprintf(comm, sizeof(comm), "%s", base ? base + 1 : fname);
		return thread_set_comm(a, t, comm);
	}
	return TJ_OK;
}

static int on_statedump_process(struct analyzer *a, const struct cls_info *ci,
				const struct tj_event *ev)
{
	int64_t tid, pid, table;
	if (!get(a, ci, ev, F_TID, &tid))
		return TJ_OK;
	struct thread *t = thread_get(a, (int32_t)tid, 1);
	if (!t)
		return TJ_ENOMEM;
	int rc = TJ_OK;
	if (get(a, ci, ev, F_PID, &pid)) {
		rc = thread_set_pid(a, t, (int32_t)pid);
		if (rc == TJ_OK && get(a, ci, ev, F_FILE_TABLE, &table) &&
		    tj_map_put(&a->file_tables, table, (void *)(intptr_t)(pid + 1)))
			rc = TJ_ENOMEM;
	}
	if (rc == TJ_OK)
		rc = thread_set_comm(a, t, get_str(a, ci, ev, F_NAME));
	/* Its CPU's current thread, if running: a rule (thread_model.c). */
	return rc;
}

static enum tj_status sys_on_event(void *state, const struct tj_event *ev, void *class_data)
{
	struct analyzer *a = state;
	const struct cls_info *ci = class_data;
	struct thread *cur;
	int rc = TJ_OK;

	if (ev->ts != TJ_TS_NONE) {
		a->last_ts = ev->ts;
		if (a->first_ts == TJ_TS_NONE)
			a->first_ts = ev->ts;
	}
	cur = thread_of_event(a, ev);
	switch (ci->kind) {
	case K_SYS_ENTRY:
		rc = syscall_entry(a, ci, ev, cur);
		break;
	case K_SYS_EXIT:
		rc = syscall_exit(a, ci, ev, cur);
		break;
	case K_SCHED_SWITCH:
		rc = on_sched_switch(a, ci, ev);
		break;
	case K_FORK:
		rc = on_fork(a, ci, ev);
		break;
	case K_EXEC:
		rc = on_exec(a, ci, ev, cur);
		break;
	case K_SD_PROCESS:
		rc = on_statedump_process(a, ci, ev);
		break;
	case K_SD_FD:
		rc = fd_on_statedump(a, ci, ev);
		break;
	default:
		break;
	}
	if (rc == TJ_OK && ci->nrules)
		rc = apply_rules(a, ci, ev, cur);
	if (rc == TJ_OK && ci->kind == K_PROCESS_FREE) {
		int64_t tid;
		if (get(a, ci, ev, F_TID, &tid)) {
			struct thread *t = tj_map_del(&a->threads, tid);
			if (t && t->tid == t->pid) {
				struct process *p = tj_map_del(&a->processes, t->pid);
				if (p) {
					fdtable_release(&p->fds);
					free(p);
				}
			}
			free(t);
		}
	}
	return rc;
}

static enum tj_status sys_init(const struct tj_host *host, struct tj_plugin *self, void **state)
{
	struct analyzer *a = calloc(1, sizeof(*a));
	if (!a)
		return TJ_ENOMEM;
	a->host = host;
	a->self = self;
	a->first_ts = a->last_ts = TJ_TS_NONE;
	const char *ann = host->param(self, "annotations");
	a->annotate = !ann || strcmp(ann, "false") != 0;
	a->note = host->sbuf_new();
	if (!a->note) {
		free(a);
		return TJ_ENOMEM;
	}
	*state = a;
	return TJ_OK;
}

static enum tj_status sys_begin(void *state, const struct tj_trace_info *info)
{
	struct analyzer *a = state;
	a->first_ts = info->first_ts;
	for (uint32_t i = 0; info->traces && i < info->ntraces && i < sizeof(a->task_enc); i++) {
		const struct tj_trace_desc *td = (const struct tj_trace_desc *)(const void *)
			((const char *)info->traces + (size_t)i * info->traces[0].size);
		a->task_enc[i] = (uint8_t)task_encoding_of_release(td->kernel_release);
	}
	return TJ_OK;
}

static enum tj_status sys_finish(void *state, const struct tj_run_stats *stats)
{
	struct analyzer *a = state;
	(void)stats;
	int rc = syscalls_finish(a);
	if (rc == TJ_OK)
		rc = threads_finish(a);
	if (a->unknown_thread_events)
		a->host->log(a->self, TJ_LOG_INFO,
			     "%llu events before their CPU's first sched_switch had no known thread",
			     (unsigned long long)a->unknown_thread_events);
	return rc;
}

static void sys_fini(void *state)
{
	struct analyzer *a = state;
	size_t it = 0;
	void *v;
	threads_release(a);
	syscalls_model_release(a);
	while ((v = tj_map_next(&a->class_infos, &it, NULL)))
		free(v);
	tj_map_release(&a->class_infos);
	a->host->sbuf_free(a->note);
	free(a);
}

static const char *const subscriptions[] = {
	"syscall_*", "compat_syscall_*", "sys_*", "exit_syscall",
	"sched_switch", "sched_waking", "sched_wakeup", "sched_wakeup_new", "sched_migrate_task",
	"sched_process_fork", "sched_process_exec", "sched_process_free",
	"irq_handler_entry", "irq_handler_exit", "irq_softirq_entry", "irq_softirq_exit",
	"softirq_entry", "softirq_exit",
	"lttng_statedump_process_state", "lttng_statedump_file_descriptor",
	NULL,
};

static const char *const param_help[] = {
	"annotations: attach readable notes to events (default true)",
	NULL,
};

TJ_PLUGIN_DEFINE(.name = "syscalls", .version = "1.0",
		 .description = "syscall lifecycle: entry/exit spans, thread states, fd tables",
		 .kind = TJ_KIND_ANALYZER, .subscriptions = subscriptions, .init = sys_init,
		 .begin = sys_begin, .on_class = sys_on_class, .on_event = sys_on_event,
		 .finish = sys_finish, .fini = sys_fini, .param_help = param_help,
		 .model = syscalls_model)
