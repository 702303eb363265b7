/*
 * Track layout of the chrome-json exporter: which JSON pid/tid a record goes
 * to (real threads, their synthetic state tracks, per-CPU idle and CPU
 * tracks, the global track; doc/chrome-json.md says why), the names and
 * sort indexes (M events) written once per track and again when they
 * change, the ring of recent slices per track that refuses a partial
 * overlap, and the set of flows in flight.  These tables are the only
 * state the exporter keeps while streaming; each value is a heap object
 * owned here and freed in cj_tracks_release.
 */
/* POSIX (strdup, gmtime_r) also under a strict -std=c11, as an out-of-tree
 * build with only the tjconv-plugin.pc flags compiles it. */
#ifndef _POSIX_C_SOURCE
#define _POSIX_C_SOURCE 200809L
#endif
#include <stdlib.h>
#include <string.h>

#include "cj.h"

/* What the flow set stores: presence is the whole information, so one
 * marker serves every flow instead of an allocation per packet journey. */
static char flow_open_mark;

const char *cj_thread_name_borrow(struct cj *c, int32_t tid)
{
	struct named *t = tj_map_get(&c->threads, tid);
	return t && t->name ? t->name : NULL;
}

static int64_t thread_pid(struct cj *c, int32_t pid, int32_t tid)
{
	if (pid >= 0)
		return pid;
	struct named *t = tj_map_get(&c->threads, tid);
	return t && t->name ? t->pid : tid;
}

void cj_locate(struct cj *c, const struct tj_record *r, struct loc *l)
{
	int32_t tid = r->tid, cpu = r->cpu;
	switch (r->track) {
	case TJ_TRACK_THREAD:
	case TJ_TRACK_THREAD_STATE: {
		int state = r->track == TJ_TRACK_THREAD_STATE;
		if (tid < 0)
			break;
		if (tid == 0 && cpu >= 0 && cpu < MAX_CPU) {
			/* each CPU's idle thread is tid 0: one track per CPU */
			l->pid = 0;
			l->tid = (state ? TID_IDLE_STATE_BASE : TID_IDLE_BASE) + cpu;
			l->kind = state ? TK_IDLE_STATE : TK_IDLE;
			l->ref = cpu;
			return;
		}
		l->pid = thread_pid(c, r->pid, tid);
		l->tid = state ? TID_STATE_BASE + tid : tid;
		l->kind = state ? TK_STATE : TK_THREAD;
		l->ref = tid;
		return;
	}
	case TJ_TRACK_CPU:
		if (cpu < 0 || cpu >= MAX_CPU)
			break;
		l->pid = PID_CPUS;
		l->tid = TID_CPU_BASE + cpu;
		l->kind = TK_CPU;
		l->ref = cpu;
		return;
	case TJ_TRACK_CONNECTION:
		if (r->track_id >= MAX_CONN)
			break;
		l->pid = r->track_id >= CAPTURE_TRACK_BASE ? PID_CAPTURE : PID_NET;
		l->tid = TID_NET_BASE + (int64_t)r->track_id;
		l->kind = TK_NET;
		l->ref = (int32_t)r->track_id;
		return;
	default:
		break;
	}
	l->pid = PID_GLOBAL;
	l->tid = TID_GLOBAL;
	l->kind = TK_GLOBAL;
	l->ref = -1;
}

/* ------------------------------------------------------------------ */
/* metadata events                                                     */

static void meta_open(struct cj *c, int64_t pid, int64_t tid, const char *what)
{
	ev_open(c, 'M');
	ev_pidtid(c, pid, tid);
	jsonw_lit(&c->w, ",\"name\":");
	jsonw_str(&c->w, what);
}

static void meta_sort(struct cj *c, int64_t pid, int64_t tid, int thread, int64_t index)
{
	meta_open(c, pid, tid, thread ? "thread_sort_index" : "process_sort_index");
	jsonw_lit(&c->w, ",\"args\":{\"sort_index\":");
	jsonw_i64(&c->w, index);
	jsonw_lit(&c->w, "}}");
}

static void meta_name(struct cj *c, int64_t pid, int64_t tid, const char *what, const char *name)
{
	meta_open(c, pid, tid, what);
	jsonw_lit(&c->w, ",\"args\":{\"name\":");
	jsonw_str(&c->w, name);
	jsonw_lit(&c->w, "}}");
}

static void process_meta(struct cj *c, int64_t pid, const char *name, int64_t sort)
{
	meta_name(c, pid, pid, "process_name", name);
	meta_sort(c, pid, pid, 0, sort);
}

/* thread_name metadata for a synthetic track, from its kind. */
static void track_meta(struct cj *c, const struct loc *l)
{
	struct jsonw *w = &c->w;
	char num[24];
	size_t n;
	int64_t sort;

	if (l->kind == TK_CPU && !c->cpus_named) {
		c->cpus_named = 1;
		process_meta(c, PID_CPUS, "CPUs", -2);
	}
	if (l->kind == TK_GLOBAL && !c->global_named) {
		c->global_named = 1;
		process_meta(c, PID_GLOBAL, "Trace", -1);
	}
	if (l->kind == TK_NET && l->pid == PID_NET && !c->net_named) {
		c->net_named = 1;
		process_meta(c, PID_NET, "Network", -1);
	}
	if (l->kind == TK_NET && l->pid == PID_CAPTURE && !c->capture_named) {
		c->capture_named = 1;
		process_meta(c, PID_CAPTURE, "Capture", -1);
	}
	meta_open(c, l->pid, l->tid, "thread_name");
	jsonw_lit(w, ",\"args\":{\"name\":\"");
	n = jsonw_fmt_i64(num, l->ref);
	switch (l->kind) {
	case TK_STATE: {
		const char *comm = cj_thread_name_borrow(c, l->ref);
		if (comm) {
			jsonw_str_body(w, comm, strlen(comm));
			jsonw_char(w, ' ');
		} else {
			jsonw_lit(w, "tid ");
		}
		jsonw_raw(w, num, n);
		jsonw_lit(w, " state");
		sort = 2 * (int64_t)l->ref + 1;
		break;
	}
	case TK_IDLE:
	case TK_IDLE_STATE:
		jsonw_lit(w, "swapper/");
		jsonw_raw(w, num, n);
		if (l->kind == TK_IDLE_STATE)
			jsonw_lit(w, " state");
		sort = 2 * (int64_t)l->ref + (l->kind == TK_IDLE_STATE);
		break;
	case TK_CPU:
		jsonw_lit(w, "CPU ");
		jsonw_raw(w, num, n);
		sort = l->ref;
		break;
	case TK_NET: {
		const struct named *nn = tj_map_get(&c->net_names, l->ref);
		if (nn && nn->name) {
			jsonw_str_body(w, nn->name, strlen(nn->name));
		} else {
			jsonw_lit(w, "connection ");
			jsonw_raw(w, num, n);
		}
		sort = l->ref;
		break;
	}
	default:
		jsonw_lit(w, "global");
		sort = 0;
	}
	jsonw_lit(w, "\"}}");
	meta_sort(c, l->pid, l->tid, 1, sort);
}

/* ------------------------------------------------------------------ */
/* tracks and their overlap ring                                       */

static void track_reset(struct track *t, const struct loc *l)
{
	t->pid = l->pid;
	t->ref = l->ref;
	t->kind = (uint8_t)l->kind;
	t->named = 0;
	t->nring = t->pos = 0;
}

struct track *cj_track_get(struct cj *c, const struct loc *l)
{
	struct track *t = tj_map_get(&c->tracks, l->tid);
	if (!t) {
		if (!(t = malloc(sizeof(*t))))
			return NULL;
		if (tj_map_put(&c->tracks, l->tid, t)) {
			free(t);
			return NULL;
		}
		track_reset(t, l);
	} else if (t->pid != l->pid) {
		/* the tid now belongs to another process: a new track for the viewers */
		track_reset(t, l);
	}
	if (!t->named && l->kind != TK_THREAD) {
		track_meta(c, l);
		t->named = 1;
	}
	return t;
}

int cj_track_overlaps(const struct track *t, int64_t b, int64_t e)
{
	for (unsigned i = 0; i < t->nring; i++) {
		int64_t pb = t->ring[i].b, pe = t->ring[i].e;
		if ((pb < b && b < pe && pe < e) || (b < pb && pb < e && e < pe))
			return 1;
	}
	return 0;
}

void cj_track_remember(struct track *t, int64_t b, int64_t e)
{
	t->ring[t->pos].b = b;
	t->ring[t->pos].e = e;
	t->pos = (uint8_t)((t->pos + 1) % RING);
	if (t->nring < RING)
		t->nring++;
}

/* ------------------------------------------------------------------ */
/* process and thread names                                            */

/* The entry for id, created empty if absent.  NULL when out of memory. */
static struct named *named_get(struct tj_map *m, int64_t id)
{
	struct named *n = tj_map_get(m, id);
	if (n)
		return n;
	if (!(n = calloc(1, sizeof(*n))))
		return NULL;
	if (tj_map_put(m, id, n)) {
		free(n);
		return NULL;
	}
	return n;
}

static int set_name(char **slot, const char *name)
{
	char *copy = strdup(name);
	if (!copy)
		return TJ_ENOMEM;
	free(*slot);
	*slot = copy;
	return TJ_OK;
}

int cj_process_name(struct cj *c, const struct tj_record *r)
{
	struct named *p;
	if (r->pid < 0 || !r->name)
		return TJ_OK;
	if (!(p = named_get(&c->procs, r->pid)))
		return TJ_ENOMEM;
	if (p->name && strcmp(p->name, r->name) == 0)
		return TJ_OK;
	if (set_name(&p->name, r->name))
		return TJ_ENOMEM;
	meta_name(c, r->pid, r->pid, "process_name", r->name);
	return TJ_OK;
}

int cj_thread_name(struct cj *c, const struct tj_record *r)
{
	struct named *t;
	int64_t pid;
	if (r->tid < 0 || !r->name)
		return TJ_OK;
	pid = thread_pid(c, r->pid, r->tid);
	if (!(t = named_get(&c->threads, r->tid)))
		return TJ_ENOMEM;
	if (t->name && t->pid == pid && strcmp(t->name, r->name) == 0)
		return TJ_OK;
	if (set_name(&t->name, r->name))
		return TJ_ENOMEM;
	if (t->pid != pid)
		t->sorted = 0;
	t->pid = pid;
	meta_name(c, pid, r->tid, "thread_name", r->name);
	if (!t->sorted) {
		t->sorted = 1;
		meta_sort(c, pid, r->tid, 1, 2 * (int64_t)r->tid);
	}
	/* the state track's name carries the thread's name: follow it */
	struct track *s = tj_map_get(&c->tracks, TID_STATE_BASE + r->tid);
	if (s && s->named && s->pid == pid) {
		struct loc l = {.pid = pid, .tid = TID_STATE_BASE + r->tid, .kind = TK_STATE,
				.ref = r->tid};
		track_meta(c, &l);
	}
	return TJ_OK;
}

int cj_track_name(struct cj *c, const struct tj_record *r)
{
	struct named *n;
	struct loc l;
	if (r->track != TJ_TRACK_CONNECTION || !r->name)
		return TJ_OK;
	cj_locate(c, r, &l);
	if (l.kind != TK_NET)
		return TJ_OK;
	if (!(n = named_get(&c->net_names, l.ref)))
		return TJ_ENOMEM;
	if (n->name && strcmp(n->name, r->name) == 0)
		return TJ_OK;
	if (set_name(&n->name, r->name))
		return TJ_ENOMEM;
	struct track *t = tj_map_get(&c->tracks, l.tid);
	if (t && t->named) {
		track_meta(c, &l); /* renamed: say it again */
		return TJ_OK;
	}
	return cj_track_get(c, &l) ? TJ_OK : TJ_ENOMEM;
}

/* ------------------------------------------------------------------ */
/* flows in flight                                                     */

int cj_flow_is_open(const struct cj *c, uint64_t id)
{
	return tj_map_get(&c->flows, (int64_t)id) != NULL;
}

int cj_flow_begin(struct cj *c, uint64_t id)
{
	return tj_map_put(&c->flows, (int64_t)id, &flow_open_mark) ? TJ_ENOMEM : TJ_OK;
}

void cj_flow_end(struct cj *c, uint64_t id)
{
	tj_map_del(&c->flows, (int64_t)id);
}

/* ------------------------------------------------------------------ */

static void free_names(struct tj_map *m)
{
	size_t it = 0;
	struct named *n;
	while ((n = tj_map_next(m, &it, NULL))) {
		free(n->name);
		free(n);
	}
	tj_map_release(m);
}

void cj_tracks_release(struct cj *c)
{
	size_t it = 0;
	struct track *t;
	while ((t = tj_map_next(&c->tracks, &it, NULL)))
		free(t);
	tj_map_release(&c->tracks);
	tj_map_release(&c->flows); /* values are the static mark */
	free_names(&c->threads);
	free_names(&c->procs);
	free_names(&c->net_names);
}
