/*
 * Event identity (see identity.h): the core's CPU -> thread and thread ->
 * (pid, name) tables, fed by the scheduler and statedump events of the
 * trace itself, and the lookahead that learns pids before they are needed.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fields.h"
#include "identity.h"
#include "log.h"
#include "reader.h"
#include "tjconv/map.h"

#define COMM_BYTES 24
#define MAX_CPUS 4096
/* Lookahead budget: the statedump of a busy machine is tens of thousands of
 * events; past this the trace is assumed to say nothing more in time. */
#define PRESCAN_MAX_EVENTS 200000
/* Events that all carry a pid context have nothing to learn. */
#define PRESCAN_CONTEXT_PROOF 4096
/* Without lttng_statedump_end (not every session enables it): the
 * statedump is over when none of its events came for this many events, or
 * never started within the first PRESCAN_NO_STATEDUMP events. */
#define PRESCAN_STATEDUMP_QUIET 2000
#define PRESCAN_NO_STATEDUMP 100000
/* LTTng starts the statedump when tracing starts: a trace that shows none
 * in its first second has none to show. */
#define PRESCAN_NO_STATEDUMP_NS INT64_C(1000000000)

enum id_kind {
	IDK_NONE = 0,
	IDK_SWITCH,     /* sched_switch */
	IDK_FORK,       /* sched_process_fork */
	IDK_EXEC,       /* sched_process_exec */
	IDK_FREE,       /* sched_process_free */
	IDK_SD_PROCESS, /* lttng_statedump_process_state */
	IDK_SD_END,     /* lttng_statedump_end */
};

/* Roles of the fields read, per kind. */
enum { IF_A, IF_B, IF_C, IF_D, IF_E, IF_F };

struct thread_id {
	int32_t pid;            /* -1 unknown */
	char comm[COMM_BYTES];  /* "" unknown */
};

struct tj_identity {
	struct tj_map threads;  /* tid -> struct thread_id */
	struct tj_map hints;    /* tid -> struct thread_id, from the lookahead */
	int32_t *cpus;          /* cpu -> current tid, -1 unknown */
	uint32_t ncpus;
	int32_t *freed;         /* tids freed by the current event */
	uint32_t nfreed, cap_freed;
	char comm[COMM_BYTES];  /* the resolved event's name */
	/* lookahead state */
	uint64_t prescan_events, prescan_without_pid;
	uint64_t prescan_last_statedump; /* event number, 0: none seen */
	int64_t prescan_first_ts;
};

int tj_identity_new(struct tj_identity **out)
{
	*out = calloc(1, sizeof(**out));
	if (!*out)
		return TJ_ENOMEM;
	(*out)->prescan_first_ts = TJ_TS_NONE;
	return TJ_OK;
}

static void free_map_values(struct tj_map *m)
{
	size_t it = 0;
	void *v;
	while ((v = tj_map_next(m, &it, NULL)))
		free(v);
	tj_map_release(m);
}

void tj_identity_free(struct tj_identity *id)
{
	if (!id)
		return;
	free_map_values(&id->threads);
	free_map_values(&id->hints);
	free(id->cpus);
	free(id->freed);
	free(id);
}

int tj_identity_on_class(struct tj_identity *id, struct tj_class *cls)
{
	static const struct {
		const char *name;
		enum id_kind kind;
		const char *fields[6];
	} kinds[] = {
		{"sched_switch", IDK_SWITCH,
		 {"payload:prev_tid", "payload:prev_comm", "payload:next_tid", "payload:next_comm"}},
		{"sched_process_fork", IDK_FORK,
		 {"payload:child_tid", "payload:child_pid", "payload:child_comm", "payload:parent_tid",
		  "payload:parent_pid"}},
		{"sched_process_exec", IDK_EXEC, {"payload:tid", "payload:filename"}},
		{"sched_process_free", IDK_FREE, {"payload:tid"}},
		{"lttng_statedump_process_state", IDK_SD_PROCESS,
		 {"payload:tid", "payload:pid", "payload:name", "payload:status", "payload:cpu"}},
		{"lttng_statedump_end", IDK_SD_END, {NULL}},
	};
	(void)id;
	cls->id_kind = IDK_NONE;
	for (size_t k = 0; k < sizeof(kinds) / sizeof(kinds[0]); k++) {
		if (strcmp(cls->pub.name, kinds[k].name) != 0)
			continue;
		cls->id_kind = (uint8_t)kinds[k].kind;
		for (int f = 0; f < 6; f++)
			cls->id_f[f] = kinds[k].fields[f] ? tj_fields_lookup(&cls->pub, kinds[k].fields[f])
							  : -1;
		break;
	}
	return TJ_OK;
}

static int get_int(const struct tj_class *cls, const struct tj_event *ev, int role, int64_t *v)
{
	return cls->id_f[role] >= 0 && tj_fields_int(ev, cls->id_f[role], v);
}

static const char *get_str(const struct tj_class *cls, const struct tj_event *ev, int role)
{
	return cls->id_f[role] >= 0 ? tj_fields_str(ev, cls->id_f[role]) : NULL;
}

/* Tid 0 is each CPU's idle task (swapper/N): one per CPU, keyed below 0. */
static int64_t thread_key(int64_t tid, int32_t cpu)
{
	return tid == 0 ? -1 - (int64_t)(cpu >= 0 ? cpu : MAX_CPUS) : tid;
}

static struct thread_id *thread_get(struct tj_map *m, int64_t tid, int32_t cpu, int create)
{
	struct thread_id *t;
	if (tid < 0 || tid > INT32_MAX)
		return NULL;
	t = tj_map_get(m, thread_key(tid, cpu));
	if (t || !create)
		return t;
	t = calloc(1, sizeof(*t));
	if (!t)
		return NULL;
	t->pid = -1;
	if (tj_map_put(m, thread_key(tid, cpu), t)) {
		free(t);
		return NULL;
	}
	return t;
}

void tj_identity_resolve(struct tj_identity *id, const struct tj_class *cls, struct tj_event *ev)
{
	(void)cls;
	if (ev->tid >= 0) {
		ev->identity = TJ_ID_FROM_CONTEXT;
	} else if (ev->cpu >= 0 && (uint32_t)ev->cpu < id->ncpus && id->cpus[ev->cpu] >= 0) {
		ev->tid = id->cpus[ev->cpu];
		ev->identity = TJ_ID_FROM_CPU;
	} else {
		return;
	}
	if (ev->pid >= 0 && ev->comm)
		return; /* the contexts said it all */
	const struct thread_id *t = thread_get(&id->threads, ev->tid, ev->cpu, 0);
	/* The hints matter only for what the trace has not said yet. */
	const struct thread_id *h = t && t->pid >= 0 && t->comm[0]
					    ? NULL
					    : thread_get(&id->hints, ev->tid, ev->cpu, 0);
	if (ev->pid < 0)
		ev->pid = t && t->pid >= 0 ? t->pid : h ? h->pid : -1;
	if (!ev->comm) {
		const char *c = t && t->comm[0] ? t->comm : h && h->comm[0] ? h->comm : NULL;
		if (c) {
			memcpy(id->comm, c, sizeof(id->comm));
			ev->comm = id->comm;
		}
	}
}

/* snprintf(dst, cap, "%s", src) without printf: this runs per sched_switch. */
static void copy_comm(char *dst, size_t cap, const char *src)
{
	size_t n = strnlen(src, cap - 1);
	memcpy(dst, src, n);
	dst[n] = '\0';
}

static int set_comm(struct tj_identity *id, int64_t tid, int32_t cpu, const char *comm)
{
	if (!comm || !*comm)
		return TJ_OK;
	struct thread_id *t = thread_get(&id->threads, tid, cpu, 1);
	if (!t)
		return tid < 0 || tid > INT32_MAX ? TJ_OK : TJ_ENOMEM;
	copy_comm(t->comm, sizeof(t->comm), comm);
	return TJ_OK;
}

static int set_pid(struct tj_identity *id, int64_t tid, int64_t pid)
{
	if (pid < 0 || pid > INT32_MAX)
		return TJ_OK;
	struct thread_id *t = thread_get(&id->threads, tid, -1, 1);
	if (!t)
		return tid < 0 || tid > INT32_MAX ? TJ_OK : TJ_ENOMEM;
	t->pid = (int32_t)pid;
	return TJ_OK;
}

static int set_cpu(struct tj_identity *id, int32_t cpu, int64_t tid, int only_if_unknown)
{
	if (cpu < 0 || cpu >= MAX_CPUS || tid < 0 || tid > INT32_MAX)
		return TJ_OK;
	if ((uint32_t)cpu >= id->ncpus) {
		int32_t *v = realloc(id->cpus, ((size_t)cpu + 1) * sizeof(*v));
		if (!v)
			return TJ_ENOMEM;
		for (uint32_t i = id->ncpus; i <= (uint32_t)cpu; i++)
			v[i] = -1;
		id->cpus = v;
		id->ncpus = (uint32_t)cpu + 1;
	}
	if (!only_if_unknown || id->cpus[cpu] < 0)
		id->cpus[cpu] = (int32_t)tid;
	return TJ_OK;
}

/* The kernel names a task after the file it executes, cut to 15 chars. */
static void exec_comm(const char *filename, char *comm, size_t cap)
{
	const char *base = strrchr(filename, '/');
	snprintf(comm, cap < 16 ? cap : 16, "%s", base ? base + 1 : filename);
}

int tj_identity_learn(struct tj_identity *id, const struct tj_class *cls, const struct tj_event *ev)
{
	int64_t a, b;
	int rc = TJ_OK;
	/* A procname context names the thread where the payload does not. */
	if (ev->identity == TJ_ID_FROM_CONTEXT && ev->comm && ev->tid >= 0) {
		struct thread_id *t = thread_get(&id->threads, ev->tid, ev->cpu, 0);
		if (!t || !t->comm[0])
			rc = set_comm(id, ev->tid, ev->cpu, ev->comm);
	}
	switch (cls->id_kind) {
	case IDK_SWITCH:
		if (get_int(cls, ev, IF_A, &a))
			rc = set_comm(id, a, ev->cpu, get_str(cls, ev, IF_B));
		if (rc == TJ_OK && get_int(cls, ev, IF_C, &b)) {
			rc = set_comm(id, b, ev->cpu, get_str(cls, ev, IF_D));
			if (rc == TJ_OK)
				rc = set_cpu(id, ev->cpu, b, 0);
		}
		break;
	case IDK_FORK:
		if (get_int(cls, ev, IF_A, &a)) {
			/* Old tracers have no child_pid: a new process. */
			if (!get_int(cls, ev, IF_B, &b))
				b = a;
			rc = set_pid(id, a, b);
			if (rc == TJ_OK)
				rc = set_comm(id, a, ev->cpu, get_str(cls, ev, IF_C));
		}
		break;
	case IDK_EXEC: {
		const char *fname = get_str(cls, ev, IF_B);
		char comm[16];
		if (!get_int(cls, ev, IF_A, &a))
			a = ev->tid;
		if (fname && a >= 0) {
			exec_comm(fname, comm, sizeof(comm));
			rc = set_comm(id, a, ev->cpu, comm);
		}
		break;
	}
	case IDK_FREE:
		if (get_int(cls, ev, IF_A, &a) && a >= 0 && a <= INT32_MAX) {
			if (id->nfreed == id->cap_freed) {
				uint32_t cap = id->cap_freed ? id->cap_freed * 2 : 8;
				int32_t *v = realloc(id->freed, cap * sizeof(*v));
				if (!v)
					return TJ_ENOMEM;
				id->freed = v;
				id->cap_freed = cap;
			}
			id->freed[id->nfreed++] = (int32_t)a;
		}
		break;
	case IDK_SD_PROCESS:
		if (get_int(cls, ev, IF_A, &a)) {
			int64_t status, cpu = -1;
			get_int(cls, ev, IF_E, &cpu);
			if (get_int(cls, ev, IF_B, &b))
				rc = set_pid(id, a, b);
			if (rc == TJ_OK)
				rc = set_comm(id, a, (int32_t)cpu, get_str(cls, ev, IF_C));
			/* A thread found running (lttng_process_status RUN = 6) is its
			 * CPU's current thread until that CPU's first sched_switch. */
			if (rc == TJ_OK && get_int(cls, ev, IF_D, &status) && status == 6 &&
			    cpu >= 0 && cpu < MAX_CPUS)
				rc = set_cpu(id, (int32_t)cpu, a, 1);
		}
		break;
	default:
		break;
	}
	return rc;
}

void tj_identity_settle(struct tj_identity *id)
{
	for (uint32_t i = 0; i < id->nfreed; i++)
		if (id->freed[i] > 0)
			free(tj_map_del(&id->threads, id->freed[i]));
	id->nfreed = 0;
}

const char *tj_identity_borrow_comm(const struct tj_identity *id, int32_t tid)
{
	const struct thread_id *t = tid > 0 ? tj_map_get(&id->threads, tid) : NULL;
	return t && t->comm[0] ? t->comm : NULL;
}

/* ------------------------------------------------------------------ */
/* the lookahead                                                       */

int tj_identity_lookahead(void *ud, const struct tj_lookahead_event *ev)
{
	struct tj_identity *id = ud;
	id->prescan_events++;
	if (id->prescan_first_ts == TJ_TS_NONE)
		id->prescan_first_ts = ev->ts;
	if (!ev->has_pid_context)
		id->prescan_without_pid++;
	if (strcmp(ev->name, "lttng_statedump_end") == 0)
		return TJ_DONE;
	if (strncmp(ev->name, "lttng_statedump_", 16) == 0)
		id->prescan_last_statedump = id->prescan_events;
	if (ev->tid >= 0 && ev->tid <= INT32_MAX && ev->pid >= 0 && ev->pid <= INT32_MAX) {
		struct thread_id *h = thread_get(&id->hints, ev->tid, (int32_t)ev->cpu, 1);
		if (!h)
			return TJ_ENOMEM;
		h->pid = (int32_t)ev->pid;
		if (ev->comm && *ev->comm)
			copy_comm(h->comm, sizeof(h->comm), ev->comm);
	}
	if (id->prescan_events >= PRESCAN_MAX_EVENTS)
		return TJ_DONE;
	if (id->prescan_events >= PRESCAN_CONTEXT_PROOF && id->prescan_without_pid == 0)
		return TJ_DONE;
	if (id->prescan_last_statedump
		    ? id->prescan_events - id->prescan_last_statedump >= PRESCAN_STATEDUMP_QUIET
		    : id->prescan_events >= PRESCAN_NO_STATEDUMP ||
			      (ev->ts != TJ_TS_NONE && id->prescan_first_ts != TJ_TS_NONE &&
			       ev->ts - id->prescan_first_ts > PRESCAN_NO_STATEDUMP_NS))
		return TJ_DONE;
	return TJ_OK;
}

void tj_identity_lookahead_done(const struct tj_identity *id)
{
	tj_log(TJ_LOG_DEBUG, NULL, "lookahead: %llu events, %llu thread hints",
	       (unsigned long long)id->prescan_events, (unsigned long long)tj_map_count(&id->hints));
}

int tj_identity_prescan(struct tj_identity *id, const char *path)
{
	struct tj_reader *r = NULL;
	int rc = tj_reader_open_jobs(&r, path, 1);
	if (rc == TJ_OK)
		rc = tj_reader_set_lookahead(r, tj_identity_lookahead, id);
	if (rc == TJ_OK)
		rc = tj_reader_start(r);
	tj_reader_free(r);
	return rc;
}

uint64_t tj_identity_hint_count(const struct tj_identity *id)
{
	return tj_map_count(&id->hints);
}
