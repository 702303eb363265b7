/*
 * Exporter "chrome-json": renders the model records analyzers emit (spans,
 * thread and CPU states, instants, flows, counters, names) and the tracer's
 * lost-event reports as Chrome trace-event JSON, for the Perfetto UI,
 * chrome://tracing (catapult) and speedscope:
 *
 *   {"traceEvents":[
 *   {"ph":"X","ts":1234.567,"dur":12.5,"pid":2150,"tid":2150,"name":"read",...},
 *   ...
 *   ],
 *   "displayTimeUnit":"ns",
 *   "metadata":{"hostname":...,"first_ts_iso":...,"events":...}}
 *
 * It streams: each record becomes one line as it arrives, and the metadata,
 * which carries totals known only at the end, comes last.  The only state
 * kept is a table of the names already written, per track the last few
 * slices (to refuse a slice that would overlap another one partially, which
 * Perfetto's importer cannot show), and the ids of the flows in flight.
 * See doc/chrome-json.md for the track layout (thread state tracks, per-CPU
 * tracks) and why it was chosen.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "idmap.h"
#include "jsonw.h"
#include "tjconv/plugin.h"

#ifndef TJ_VERSION
#define TJ_VERSION "unknown"
#endif

/*
 * Synthetic pid/tid numbers.  Real Linux ids stay below PID_MAX_LIMIT
 * (4194304); everything synthetic is at least TID_STATE_BASE and below 2^31,
 * so no reader that stores ids in an int32 or a uint32 sees a collision.
 */
#define TID_STATE_BASE INT64_C(1000000000)      /* state track of tid T */
#define TID_IDLE_BASE INT64_C(1900000000)       /* swapper (tid 0) on cpu N */
#define TID_IDLE_STATE_BASE INT64_C(1950000000) /* its state track */
#define PID_CPUS INT64_C(2000000000)            /* pseudo-process "CPUs" */
#define TID_CPU_BASE INT64_C(2000000000)        /* track of cpu N */
#define PID_GLOBAL INT64_C(2100000000)          /* pseudo-process "Trace" */
#define TID_GLOBAL INT64_C(2100000000)
#define MAX_CPU 50000000

enum track_kind { TK_THREAD, TK_STATE, TK_IDLE, TK_IDLE_STATE, TK_CPU, TK_GLOBAL };

#define RING 8

struct track {
	int64_t pid;      /* pid the track was last written under */
	int32_t ref;      /* the tid or cpu behind it */
	uint8_t kind;
	uint8_t named;    /* metadata written for the current pid */
	uint8_t used;     /* pid set */
	uint8_t nring, pos;
	struct {
		int64_t b, e;
	} ring[RING];     /* recent slices with dur > 0 */
};

struct named {
	int64_t pid;      /* threads: the pid named under */
	uint8_t sorted;   /* sort index written */
	char *name;
};

struct open_flow {
	uint8_t open; /* present means begun and not ended */
};

struct loc {
	int64_t pid, tid;
	int kind;
	int32_t ref;
};

struct cj {
	const struct tj_host *host;
	struct tj_plugin *self;
	struct jsonw w;
	int began, finished;
	uint64_t nevents;       /* trace events written */
	int64_t base;           /* ns subtracted from every timestamp */
	int64_t last_ts;
	struct tj_sbuf env;     /* metadata known at begin(), pre-rendered */
	struct idmap tracks;    /* synthetic tid -> struct track */
	struct idmap threads;   /* tid -> struct named */
	struct idmap procs;     /* pid -> struct named */
	struct idmap flows;     /* flow id -> struct open_flow, begun and not ended */
	int cpus_named, global_named;
	struct {
		uint64_t records, spans, states, instants, flows, counters, names, unknown;
		uint64_t dropped_overlap, dropped_non_finite, skipped_no_ts, clamped_dur;
		uint64_t discards, flows_restarted, flows_dropped;
	} st;
};

/* ------------------------------------------------------------------ */
/* output helpers                                                      */

static int sink_host(void *ud, const void *data, size_t len)
{
	struct cj *c = ud;
	return c->host->write(c->self, data, len);
}

static int sink_sbuf(void *ud, const void *data, size_t len)
{
	struct cj *c = ud;
	return c->host->sbuf_append(&c->env, data, len);
}

/* Separator and the opening of one trace event: {"ph":"X" */
static void ev_open(struct cj *c, char ph)
{
	char head[] = ",\n{\"ph\":\"X\"";
	head[9] = ph;
	if (c->nevents++ == 0)
		jsonw_raw(&c->w, head + 1, sizeof(head) - 2);
	else
		jsonw_raw(&c->w, head, sizeof(head) - 1);
}

static void ev_ts(struct cj *c, int64_t ts)
{
	jsonw_lit(&c->w, ",\"ts\":");
	jsonw_ns_as_us(&c->w, ts - c->base);
}

static void ev_pidtid(struct cj *c, int64_t pid, int64_t tid)
{
	jsonw_lit(&c->w, ",\"pid\":");
	jsonw_i64(&c->w, pid);
	jsonw_lit(&c->w, ",\"tid\":");
	jsonw_i64(&c->w, tid);
}

/* Args object built in pieces: arg_key opens it on first use. */
static void arg_key(struct cj *c, int *open, const char *key)
{
	if (*open)
		jsonw_char(&c->w, ',');
	else
		jsonw_lit(&c->w, ",\"args\":{");
	*open = 1;
	jsonw_str(&c->w, key);
	jsonw_char(&c->w, ':');
}

static void args_close(struct cj *c, int open)
{
	if (open)
		jsonw_char(&c->w, '}');
}

static void arg_value(struct cj *c, const struct tj_arg *a)
{
	switch (a->type) {
	case TJ_ARG_INT:
		jsonw_i64(&c->w, a->v.i);
		break;
	case TJ_ARG_UINT:
		jsonw_u64(&c->w, a->v.u);
		break;
	case TJ_ARG_HEX:
		jsonw_hex(&c->w, a->v.u);
		break;
	case TJ_ARG_STR:
		jsonw_str(&c->w, a->v.s);
		break;
	case TJ_ARG_DOUBLE:
		if (jsonw_double(&c->w, a->v.d))
			jsonw_lit(&c->w, "null");
		break;
	default:
		jsonw_lit(&c->w, "null");
	}
}

static int has_arg(const struct tj_record *r, const char *key)
{
	for (uint32_t i = 0; i < r->nargs; i++)
		if (r->args[i].key && strcmp(r->args[i].key, key) == 0)
			return 1;
	return 0;
}

/* The record's own args; returns whether the object was opened. */
static int record_args(struct cj *c, const struct tj_record *r)
{
	int open = 0;
	char key[16];
	for (uint32_t i = 0; r->args && i < r->nargs; i++) {
		const char *k = r->args[i].key;
		if (!k) {
			snprintf(key, sizeof(key), "arg%u", (unsigned)i);
			k = key;
		}
		arg_key(c, &open, k);
		arg_value(c, &r->args[i]);
	}
	return open;
}

static void fmt_iso(char *buf, size_t cap, int64_t ns)
{
	int64_t sec = ns / 1000000000, frac = ns % 1000000000;
	struct tm tm;
	time_t t;
	if (frac < 0) {
		frac += 1000000000;
		sec--;
	}
	t = (time_t)sec;
	if (!gmtime_r(&t, &tm)) {
		snprintf(buf, cap, "?");
		return;
	}
	snprintf(buf, cap, "%04d-%02d-%02dT%02d:%02d:%02d.%09dZ", tm.tm_year + 1900, tm.tm_mon + 1,
		 tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, (int)frac);
}

/* ------------------------------------------------------------------ */
/* names and tracks                                                    */

static const char *thread_name_borrow(struct cj *c, int32_t tid)
{
	struct named *t = idmap_get(&c->threads, tid);
	return t && t->name ? t->name : NULL;
}

static int64_t thread_pid(struct cj *c, int32_t pid, int32_t tid)
{
	if (pid >= 0)
		return pid;
	struct named *t = idmap_get(&c->threads, tid);
	return t && t->name ? t->pid : tid;
}

/* Where a record goes: real (pid, tid) or one of the synthetic tracks. */
static void locate(struct cj *c, const struct tj_record *r, struct loc *l)
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
	default:
		break;
	}
	l->pid = PID_GLOBAL;
	l->tid = TID_GLOBAL;
	l->kind = TK_GLOBAL;
	l->ref = -1;
}

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

static void process_meta(struct cj *c, int64_t pid, const char *name, int64_t sort)
{
	meta_open(c, pid, pid, "process_name");
	jsonw_lit(&c->w, ",\"args\":{\"name\":");
	jsonw_str(&c->w, name);
	jsonw_lit(&c->w, "}}");
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
	meta_open(c, l->pid, l->tid, "thread_name");
	jsonw_lit(w, ",\"args\":{\"name\":\"");
	n = jsonw_fmt_i64(num, l->ref);
	switch (l->kind) {
	case TK_STATE: {
		const char *comm = thread_name_borrow(c, l->ref);
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
	default:
		jsonw_lit(w, "global");
		sort = 0;
	}
	jsonw_lit(w, "\"}}");
	meta_sort(c, l->pid, l->tid, 1, sort);
}

/* The track's table entry, its names written.  NULL when out of memory. */
static struct track *track_get(struct cj *c, const struct loc *l)
{
	struct track *t = idmap_put(&c->tracks, l->tid, NULL);
	if (!t)
		return NULL;
	if (!t->used || t->pid != l->pid) {
		/* new track, or the tid now belongs to another process */
		t->used = 1;
		t->pid = l->pid;
		t->ref = l->ref;
		t->kind = (uint8_t)l->kind;
		t->named = 0;
		t->nring = t->pos = 0;
	}
	if (!t->named && l->kind != TK_THREAD) {
		track_meta(c, l);
		t->named = 1;
	}
	return t;
}

/* 1 when [b, e] partially overlaps a recent slice of the track. */
static int overlaps(const struct track *t, int64_t b, int64_t e)
{
	for (unsigned i = 0; i < t->nring; i++) {
		int64_t pb = t->ring[i].b, pe = t->ring[i].e;
		if ((pb < b && b < pe && pe < e) || (b < pb && pb < e && e < pe))
			return 1;
	}
	return 0;
}

static void remember(struct track *t, int64_t b, int64_t e)
{
	t->ring[t->pos].b = b;
	t->ring[t->pos].e = e;
	t->pos = (uint8_t)((t->pos + 1) % RING);
	if (t->nring < RING)
		t->nring++;
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

/* ------------------------------------------------------------------ */
/* records                                                             */

static void name_field(struct cj *c, const char *name, const char *dflt)
{
	jsonw_lit(&c->w, ",\"name\":");
	jsonw_str(&c->w, name && *name ? name : dflt);
}

static void cat_field(struct cj *c, const char *cat)
{
	if (cat && *cat) {
		jsonw_lit(&c->w, ",\"cat\":");
		jsonw_str(&c->w, cat);
	}
}

static int slice(struct cj *c, const struct tj_record *r)
{
	struct loc l;
	struct track *t;
	int64_t dur = r->dur;
	int open;

	if (r->kind == TJ_REC_SPAN)
		c->st.spans++;
	else
		c->st.states++;
	if (dur < 0) {
		dur = 0;
		c->st.clamped_dur++;
	}
	locate(c, r, &l);
	if (!(t = track_get(c, &l)))
		return TJ_ENOMEM;
	if (dur > 0) {
		if (overlaps(t, r->ts, r->ts + dur)) {
			c->st.dropped_overlap++;
			return TJ_OK;
		}
		remember(t, r->ts, r->ts + dur);
	}
	ev_open(c, 'X');
	ev_ts(c, r->ts);
	jsonw_lit(&c->w, ",\"dur\":");
	jsonw_ns_as_us(&c->w, dur);
	ev_pidtid(c, l.pid, l.tid);
	if (l.kind == TK_CPU && r->tid >= 0) {
		/* "comm tid": which thread ran */
		const char *n = r->name && *r->name ? r->name : thread_name_borrow(c, r->tid);
		jsonw_lit(&c->w, ",\"name\":\"");
		if (n) {
			jsonw_str_body(&c->w, n, strlen(n));
			jsonw_char(&c->w, ' ');
		} else {
			jsonw_lit(&c->w, "tid ");
		}
		jsonw_i64(&c->w, r->tid);
		jsonw_char(&c->w, '"');
	} else {
		name_field(c, r->name, r->kind == TJ_REC_SPAN ? "span" : "state");
	}
	cat_field(c, r->category);
	open = record_args(c, r);
	if (r->flags & (TJ_REC_F_CUT_BEGIN | TJ_REC_F_CUT_END)) {
		arg_key(c, &open, "cut");
		if ((r->flags & TJ_REC_F_CUT_BEGIN) && (r->flags & TJ_REC_F_CUT_END))
			jsonw_lit(&c->w, "\"both\"");
		else if (r->flags & TJ_REC_F_CUT_BEGIN)
			jsonw_lit(&c->w, "\"begin\"");
		else
			jsonw_lit(&c->w, "\"end\"");
	}
	if (l.kind == TK_CPU && r->tid >= 0) {
		if (!has_arg(r, "tid")) {
			arg_key(c, &open, "tid");
			jsonw_i64(&c->w, r->tid);
		}
		if (r->pid >= 0 && !has_arg(r, "pid")) {
			arg_key(c, &open, "pid");
			jsonw_i64(&c->w, r->pid);
		}
	}
	args_close(c, open);
	jsonw_char(&c->w, '}');
	return TJ_OK;
}

static int instant(struct cj *c, const struct tj_record *r)
{
	struct loc l;
	c->st.instants++;
	locate(c, r, &l);
	if (!track_get(c, &l))
		return TJ_ENOMEM;
	ev_open(c, 'i');
	ev_ts(c, r->ts);
	ev_pidtid(c, l.pid, l.tid);
	if (l.kind == TK_GLOBAL)
		jsonw_lit(&c->w, ",\"s\":\"g\"");
	else
		jsonw_lit(&c->w, ",\"s\":\"t\"");
	name_field(c, r->name, "instant");
	cat_field(c, r->category);
	args_close(c, record_args(c, r));
	jsonw_char(&c->w, '}');
	return TJ_OK;
}

/*
 * Flows are keyed on their id.  A step or end whose begin the exporter never
 * saw (cut by --begin, or lost) would be refused by the importers, so a step
 * starts the flow again ("s") and an end is dropped.
 */
static int flow(struct cj *c, const struct tj_record *r)
{
	static const char ph[] = {'s', 't', 'f'};
	struct loc l;
	struct open_flow *of;
	uint32_t phase = r->flow_phase <= TJ_FLOW_END ? r->flow_phase : TJ_FLOW_STEP;
	int64_t key = (int64_t)r->flow_id;

	c->st.flows++;
	if (key == IDMAP_EMPTY)
		key = 0; /* shares a slot with id 0; harmless for a one-bit set */
	of = idmap_get(&c->flows, key);
	if (phase != TJ_FLOW_BEGIN && !(of && of->open)) {
		if (phase == TJ_FLOW_END) {
			c->st.flows_dropped++;
			return TJ_OK;
		}
		phase = TJ_FLOW_BEGIN;
		c->st.flows_restarted++;
	}
	if (phase == TJ_FLOW_END)
		idmap_del(&c->flows, key);
	else if (!of && !(of = idmap_put(&c->flows, key, NULL)))
		return TJ_ENOMEM;
	else
		of->open = 1;
	locate(c, r, &l);
	if (!track_get(c, &l))
		return TJ_ENOMEM;
	ev_open(c, ph[phase]);
	ev_ts(c, r->ts);
	ev_pidtid(c, l.pid, l.tid);
	name_field(c, r->name, "flow");
	jsonw_lit(&c->w, ",\"cat\":");
	jsonw_str(&c->w, r->category && *r->category ? r->category : "flow");
	jsonw_lit(&c->w, ",\"id\":");
	jsonw_hex(&c->w, r->flow_id);
	if (phase == TJ_FLOW_END)
		jsonw_lit(&c->w, ",\"bp\":\"e\"");
	args_close(c, record_args(c, r));
	jsonw_char(&c->w, '}');
	return TJ_OK;
}

static int counter(struct cj *c, const struct tj_record *r)
{
	struct loc l;
	const char *name = r->name && *r->name ? r->name : "counter";
	double v = r->value;
	c->st.counters++;
	if (v != v || v > 1.7976931348623157e308 || v < -1.7976931348623157e308) {
		c->st.dropped_non_finite++;
		return TJ_OK;
	}
	locate(c, r, &l);
	if (!track_get(c, &l))
		return TJ_ENOMEM;
	ev_open(c, 'C');
	ev_ts(c, r->ts);
	ev_pidtid(c, l.pid, l.tid);
	/* counters are per process in both viewers: say which thread or CPU */
	jsonw_lit(&c->w, ",\"name\":\"");
	jsonw_str_body(&c->w, name, strlen(name));
	if (l.kind == TK_CPU || l.kind == TK_IDLE || l.kind == TK_IDLE_STATE) {
		jsonw_lit(&c->w, " cpu");
		jsonw_i64(&c->w, l.ref);
	} else if (l.kind != TK_GLOBAL) {
		jsonw_char(&c->w, ' ');
		jsonw_i64(&c->w, l.ref);
	}
	jsonw_char(&c->w, '"');
	cat_field(c, r->category);
	jsonw_lit(&c->w, ",\"args\":{");
	jsonw_str(&c->w, name);
	jsonw_char(&c->w, ':');
	jsonw_double(&c->w, v);
	jsonw_lit(&c->w, "}}");
	return TJ_OK;
}

static int process_name(struct cj *c, const struct tj_record *r)
{
	int created;
	struct named *p;
	c->st.names++;
	if (r->pid < 0 || !r->name)
		return TJ_OK;
	if (!(p = idmap_put(&c->procs, r->pid, &created)))
		return TJ_ENOMEM;
	if (p->name && strcmp(p->name, r->name) == 0)
		return TJ_OK;
	if (set_name(&p->name, r->name))
		return TJ_ENOMEM;
	meta_open(c, r->pid, r->pid, "process_name");
	jsonw_lit(&c->w, ",\"args\":{\"name\":");
	jsonw_str(&c->w, r->name);
	jsonw_lit(&c->w, "}}");
	return TJ_OK;
}

static int thread_name(struct cj *c, const struct tj_record *r)
{
	struct named *t;
	int64_t pid;
	c->st.names++;
	if (r->tid < 0 || !r->name)
		return TJ_OK;
	pid = thread_pid(c, r->pid, r->tid);
	if (!(t = idmap_put(&c->threads, r->tid, NULL)))
		return TJ_ENOMEM;
	if (t->name && t->pid == pid && strcmp(t->name, r->name) == 0)
		return TJ_OK;
	if (set_name(&t->name, r->name))
		return TJ_ENOMEM;
	if (t->pid != pid)
		t->sorted = 0;
	t->pid = pid;
	meta_open(c, pid, r->tid, "thread_name");
	jsonw_lit(&c->w, ",\"args\":{\"name\":");
	jsonw_str(&c->w, r->name);
	jsonw_lit(&c->w, "}}");
	if (!t->sorted) {
		t->sorted = 1;
		meta_sort(c, pid, r->tid, 1, 2 * (int64_t)r->tid);
	}
	/* the state track's name carries the thread's name: follow it */
	struct track *s = idmap_get(&c->tracks, TID_STATE_BASE + r->tid);
	if (s && s->named && s->pid == pid) {
		struct loc l = {.pid = pid, .tid = TID_STATE_BASE + r->tid, .kind = TK_STATE,
				.ref = r->tid};
		track_meta(c, &l);
	}
	return TJ_OK;
}

static int cj_record(void *state, const struct tj_record *rec)
{
	struct cj *c = state;
	struct tj_record r;
	int rc = TJ_OK;

	/* a record from an older emitter may be shorter: missing fields are 0 */
	memset(&r, 0, sizeof(r));
	memcpy(&r, rec, rec->size < sizeof(r) ? rec->size : sizeof(r));
	c->st.records++;
	if (r.kind != TJ_REC_PROCESS_NAME && r.kind != TJ_REC_THREAD_NAME) {
		if (r.ts == TJ_TS_NONE) {
			c->st.skipped_no_ts++;
			return TJ_OK;
		}
		c->last_ts = r.ts;
	}
	switch (r.kind) {
	case TJ_REC_SPAN:
	case TJ_REC_STATE:
		rc = slice(c, &r);
		break;
	case TJ_REC_INSTANT:
		rc = instant(c, &r);
		break;
	case TJ_REC_FLOW:
		rc = flow(c, &r);
		break;
	case TJ_REC_COUNTER:
		rc = counter(c, &r);
		break;
	case TJ_REC_PROCESS_NAME:
		rc = process_name(c, &r);
		break;
	case TJ_REC_THREAD_NAME:
		rc = thread_name(c, &r);
		break;
	default:
		c->st.unknown++;
	}
	if (rc == TJ_OK)
		rc = c->w.err;
	if (rc == TJ_ENOMEM)
		c->host->error(c->self, "out of memory");
	return rc;
}

static int cj_discard(void *state, const struct tj_discard *d)
{
	struct cj *c = state;
	struct tj_record r;
	struct loc l;
	char name[96];
	int open = 0;
	const char *what = d->is_packets ? "packets" : "events";
	int64_t ts = d->end_ts != TJ_TS_NONE ? d->end_ts : d->begin_ts;

	c->st.discards++;
	if (ts == TJ_TS_NONE)
		ts = c->last_ts != TJ_TS_NONE ? c->last_ts : c->base;
	memset(&r, 0, sizeof(r));
	r.track = d->cpu >= 0 ? TJ_TRACK_CPU : TJ_TRACK_GLOBAL;
	r.cpu = d->cpu;
	r.tid = r.pid = -1;
	locate(c, &r, &l);
	if (!track_get(c, &l))
		return TJ_ENOMEM;
	if (d->count == UINT64_MAX)
		snprintf(name, sizeof(name), "discarded %s (count unknown)", what);
	else
		snprintf(name, sizeof(name), "discarded %llu %s", (unsigned long long)d->count,
			 d->count == 1 ? (d->is_packets ? "packet" : "event") : what);
	ev_open(c, 'i');
	ev_ts(c, ts);
	ev_pidtid(c, l.pid, l.tid);
	if (l.kind == TK_GLOBAL)
		jsonw_lit(&c->w, ",\"s\":\"g\"");
	else
		jsonw_lit(&c->w, ",\"s\":\"t\"");
	name_field(c, name, "discarded");
	jsonw_lit(&c->w, ",\"cat\":\"tjconv\"");
	if (d->count != UINT64_MAX) {
		arg_key(c, &open, "count");
		jsonw_u64(&c->w, d->count);
	}
	arg_key(c, &open, "what");
	jsonw_str(&c->w, what);
	arg_key(c, &open, "stream");
	jsonw_str(&c->w, d->stream_name ? d->stream_name : "?");
	arg_key(c, &open, "cpu");
	jsonw_i64(&c->w, d->cpu);
	if (d->begin_ts != TJ_TS_NONE) {
		arg_key(c, &open, "begin");
		jsonw_ns_as_us(&c->w, d->begin_ts - c->base);
	}
	if (d->end_ts != TJ_TS_NONE) {
		arg_key(c, &open, "end");
		jsonw_ns_as_us(&c->w, d->end_ts - c->base);
	}
	args_close(c, open);
	jsonw_char(&c->w, '}');
	return c->w.err;
}

/* ------------------------------------------------------------------ */
/* document                                                            */

static void kv_str(struct jsonw *w, const char *key, const char *v, int comma)
{
	if (comma)
		jsonw_char(w, ',');
	jsonw_str(w, key);
	jsonw_char(w, ':');
	if (v)
		jsonw_str(w, v);
	else
		jsonw_lit(w, "null");
}

/* ,"KEY_ns":N,"KEY_iso":"..." (both null when unknown); key is plain ASCII. */
static void kv_ts(struct jsonw *w, const char *key, int64_t ns)
{
	char iso[64];
	jsonw_lit(w, ",\"");
	jsonw_raw(w, key, strlen(key));
	jsonw_lit(w, "_ns\":");
	if (ns == TJ_TS_NONE)
		jsonw_lit(w, "null");
	else
		jsonw_i64(w, ns);
	jsonw_lit(w, ",\"");
	jsonw_raw(w, key, strlen(key));
	jsonw_lit(w, "_iso\":");
	if (ns == TJ_TS_NONE) {
		jsonw_lit(w, "null");
	} else {
		fmt_iso(iso, sizeof(iso), ns);
		jsonw_str(w, iso);
	}
}

static void trace_desc(struct jsonw *w, const struct tj_trace_desc *t, int with_streams)
{
	char ver[48];
	kv_str(w, "hostname", t->hostname, 0);
	kv_str(w, "kernel_release", t->kernel_release, 1);
	kv_str(w, "tracer_name", t->tracer_name, 1);
	if (t->tracer_major >= 0) {
		if (t->tracer_minor >= 0)
			snprintf(ver, sizeof(ver), "%lld.%lld", (long long)t->tracer_major,
				 (long long)t->tracer_minor);
		else
			snprintf(ver, sizeof(ver), "%lld", (long long)t->tracer_major);
		kv_str(w, "tracer_version", ver, 1);
	} else {
		kv_str(w, "tracer_version", NULL, 1);
	}
	kv_str(w, "domain", t->domain, 1);
	kv_str(w, "path", t->path, 1);
	kv_str(w, "uuid", t->uuid, 1);
	if (with_streams) {
		jsonw_lit(w, ",\"streams\":");
		jsonw_u64(w, t->nstreams);
	}
}

/*
 * The metadata known at begin() (the info is borrowed for that call only),
 * rendered now into c->env and written after traceEvents at finish().
 */
static int render_env(struct cj *c, const struct tj_trace_info *info)
{
	struct jsonw w;
	if (jsonw_init(&w, 4096, sink_sbuf, c))
		return TJ_ENOMEM;
	jsonw_lit(&w, "\"tjconv_version\":\"" TJ_VERSION "\",\"exporter\":\"chrome-json 1.0\"");
	kv_str(&w, "input", info->input_path, 1);
	if (info->ntraces) {
		jsonw_char(&w, ',');
		trace_desc(&w, &info->traces[0], 0);
	}
	jsonw_lit(&w, ",\"traces\":[");
	for (uint32_t i = 0; i < info->ntraces; i++) {
		if (i)
			jsonw_char(&w, ',');
		jsonw_char(&w, '{');
		trace_desc(&w, &info->traces[i], 1);
		jsonw_char(&w, '}');
	}
	jsonw_char(&w, ']');
	kv_ts(&w, "first_ts", info->first_ts);
	kv_ts(&w, "ts_base", c->base);
	jsonw_lit(&w, ",\"ts_unit\":\"us since ts_base_ns\"");
	if (info->begin_ts == TJ_TS_NONE && info->end_ts == TJ_TS_NONE)
		jsonw_lit(&w, ",\"window\":{\"given\":false");
	else
		jsonw_lit(&w, ",\"window\":{\"given\":true");
	kv_ts(&w, "begin", info->begin_ts);
	kv_ts(&w, "end", info->end_ts);
	jsonw_char(&w, '}');
	jsonw_flush(&w);
	int rc = w.err;
	jsonw_release(&w);
	return rc;
}

static void write_header(struct cj *c)
{
	jsonw_lit(&c->w, "{\"traceEvents\":[");
}

static int cj_begin(void *state, const struct tj_trace_info *info)
{
	struct cj *c = state;
	int rc;
	c->began = 1;
	c->base = info->begin_ts != TJ_TS_NONE ? info->begin_ts
		  : info->first_ts != TJ_TS_NONE ? info->first_ts
						 : 0;
	rc = render_env(c, info);
	if (rc)
		return rc;
	write_header(c);
	return c->w.err;
}

static void kv_u64(struct jsonw *w, const char *key, uint64_t v)
{
	jsonw_char(w, ',');
	jsonw_str(w, key);
	jsonw_char(w, ':');
	jsonw_u64(w, v);
}

static int cj_finish(void *state, const struct tj_run_stats *stats)
{
	struct cj *c = state;
	struct jsonw *w = &c->w;

	if (!c->began)
		write_header(c);
	c->finished = 1;
	jsonw_lit(w, "\n],\n\"displayTimeUnit\":\"ns\",\n\"metadata\":{");
	if (c->env.len)
		jsonw_raw(w, c->env.data, c->env.len);
	else
		jsonw_lit(w, "\"tjconv_version\":\"" TJ_VERSION "\"");
	if (stats) {
		kv_u64(w, "events", stats->events);
		kv_u64(w, "events_exported", stats->events_exported);
		kv_u64(w, "discarded_events", stats->discarded_events);
		kv_u64(w, "discarded_event_reports", stats->discarded_event_reports);
		kv_u64(w, "discarded_packets", stats->discarded_packets);
	}
	jsonw_lit(w, ",\"exporter_stats\":{\"trace_events\":");
	jsonw_u64(w, c->nevents);
	kv_u64(w, "records", c->st.records);
	kv_u64(w, "spans", c->st.spans);
	kv_u64(w, "states", c->st.states);
	kv_u64(w, "instants", c->st.instants);
	kv_u64(w, "flows", c->st.flows);
	kv_u64(w, "counters", c->st.counters);
	kv_u64(w, "names", c->st.names);
	kv_u64(w, "discard_reports", c->st.discards);
	kv_u64(w, "flows_restarted", c->st.flows_restarted);
	kv_u64(w, "flow_ends_dropped", c->st.flows_dropped);
	kv_u64(w, "dropped_overlapping", c->st.dropped_overlap);
	kv_u64(w, "dropped_non_finite", c->st.dropped_non_finite);
	kv_u64(w, "skipped_no_timestamp", c->st.skipped_no_ts);
	kv_u64(w, "clamped_negative_dur", c->st.clamped_dur);
	kv_u64(w, "unknown_kind", c->st.unknown);
	jsonw_lit(w, "}}}\n");
	if (c->st.dropped_overlap)
		c->host->log(c->self, TJ_LOG_WARNING,
			     "dropped %llu slices that partially overlapped another slice on the "
			     "same track (the viewers cannot show them)",
			     (unsigned long long)c->st.dropped_overlap);
	if (c->st.clamped_dur)
		c->host->log(c->self, TJ_LOG_WARNING, "%llu slices had a negative duration; shown as 0",
			     (unsigned long long)c->st.clamped_dur);
	return jsonw_flush(w);
}

static int cj_init(const struct tj_host *host, struct tj_plugin *self, void **state)
{
	struct cj *c = calloc(1, sizeof(*c));
	if (!c)
		return TJ_ENOMEM;
	c->host = host;
	c->self = self;
	c->last_ts = TJ_TS_NONE;
	idmap_init(&c->tracks, sizeof(struct track));
	idmap_init(&c->threads, sizeof(struct named));
	idmap_init(&c->procs, sizeof(struct named));
	idmap_init(&c->flows, sizeof(struct open_flow));
	if (jsonw_init(&c->w, 0, sink_host, c)) {
		free(c);
		return TJ_ENOMEM;
	}
	*state = c;
	return TJ_OK;
}

static void free_names(struct idmap *m)
{
	size_t i = 0;
	struct named *n;
	while ((n = idmap_next(m, &i, NULL)))
		free(n->name);
	idmap_release(m);
}

static void cj_fini(void *state)
{
	struct cj *c = state;
	jsonw_release(&c->w);
	c->host->sbuf_release(&c->env);
	idmap_release(&c->tracks);
	idmap_release(&c->flows);
	free_names(&c->threads);
	free_names(&c->procs);
	free(c);
}

static const struct tj_plugin_desc desc = {
	.abi_major = TJ_ABI_MAJOR,
	.abi_minor = TJ_ABI_MINOR,
	.size = sizeof(struct tj_plugin_desc),
	.name = "chrome-json",
	.version = "1.0",
	.description = "Chrome trace-event JSON for Perfetto UI, chrome://tracing and speedscope",
	.kind = TJ_KIND_EXPORTER,
	.subscriptions = NULL, /* records only; annotations arrive as record args */
	.init = cj_init,
	.begin = cj_begin,
	.on_record = cj_record,
	.on_discard = cj_discard,
	.finish = cj_finish,
	.fini = cj_fini,
};

TJ_EXPORT const struct tj_plugin_desc *tj_plugin_entry(void)
{
	return &desc;
}
