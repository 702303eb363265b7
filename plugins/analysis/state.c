/*
 * The native state system: a tree of attributes (quarks, as in Trace
 * Compass) holding only the ongoing value of each and when it began.  A
 * change closes the ongoing interval and emits it right away as a
 * TJ_REC_STATE record (args tc.attribute, tc.value); at the end the open
 * ones are emitted cut.  Same rules as Trace Compass's TransientState and
 * StateSystem: setting the value an attribute already holds changes
 * nothing; a second change at the same time replaces the first (no empty
 * interval); a stack is an integer depth with its elements in children
 * "1", "2", ...; removing an attribute nulls it and everything below.
 * Null intervals are not emitted: they are "no state".
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "engine.h"

#define TRACK_BASE 20000000u /* far above what other analyzers number */

static uint32_t hash_of(uint32_t parent, const char *name)
{
	uint32_t h = 2166136261u ^ parent;
	for (const unsigned char *p = (const unsigned char *)name; *p; p++)
		h = (h ^ *p) * 16777619u;
	return h;
}

static int rehash(struct an_ss *ss, uint32_t cap)
{
	uint32_t *h = calloc(cap, sizeof(*h));
	if (!h)
		return -1;
	for (uint32_t q = 1; q < ss->n; q++) {
		uint32_t i = hash_of(ss->attrs[q].parent, ss->attrs[q].name) & (cap - 1);
		while (h[i])
			i = (i + 1) & (cap - 1);
		h[i] = q + 1;
	}
	free(ss->hash);
	ss->hash = h;
	ss->hcap = cap;
	return 0;
}

int an_ss_init(struct an_ss *ss)
{
	memset(ss, 0, sizeof(*ss));
	if (!(ss->attrs = calloc(16, sizeof(*ss->attrs))))
		return -1;
	ss->cap = 16;
	ss->n = 1;
	ss->attrs[0].name = NULL;
	return rehash(ss, 64);
}

void an_ss_release(struct an_ss *ss)
{
	for (uint32_t q = 0; q < ss->n; q++) {
		free(ss->attrs[q].name);
		free(ss->attrs[q].path);
		free(ss->attrs[q].v.s);
	}
	free(ss->attrs);
	free(ss->hash);
	memset(ss, 0, sizeof(*ss));
}

int64_t an_ss_child(struct an_ss *ss, uint32_t parent, const char *name, int create)
{
	uint32_t i = hash_of(parent, name) & (ss->hcap - 1);
	for (; ss->hash[i]; i = (i + 1) & (ss->hcap - 1)) {
		const struct an_attr *a = &ss->attrs[ss->hash[i] - 1];
		if (a->parent == parent && strcmp(a->name, name) == 0)
			return ss->hash[i] - 1;
	}
	if (!create)
		return -1;
	if (ss->n == ss->cap) {
		struct an_attr *v = realloc(ss->attrs, 2 * ss->cap * sizeof(*v));
		if (!v)
			return -1;
		ss->attrs = v;
		ss->cap *= 2;
	}
	uint32_t q = ss->n;
	struct an_attr *a = &ss->attrs[q];
	memset(a, 0, sizeof(*a));
	if (!(a->name = an_strdup(name)))
		return -1;
	a->parent = parent;
	a->start = INT64_MIN; /* Trace Compass: the state system's start */
	a->next_sibling = ss->attrs[parent].first_kid;
	ss->attrs[parent].first_kid = q;
	ss->n++;
	ss->hash[i] = q + 1;
	if (ss->n * 2 > ss->hcap && rehash(ss, ss->hcap * 2))
		return -1;
	return q;
}

const struct an_cell *an_ss_get(const struct an_ss *ss, uint32_t q)
{
	return &ss->attrs[q].v;
}

void an_cell_view(const struct an_cell *c, struct an_sv *out)
{
	out->type = c->type;
	out->i = c->i;
	out->d = c->d;
	out->s = c->s;
}

int an_sv_equal(const struct an_sv *a, const struct an_sv *b)
{
	if (a->type != b->type)
		return 0;
	switch (a->type) {
	case AN_NULL:
		return 1;
	case AN_STR:
		return strcmp(a->s, b->s) == 0;
	case AN_DOUBLE:
		return a->d == b->d;
	default:
		return a->i == b->i;
	}
}

const char *an_sv_text(struct an_sv *v)
{
	switch (v->type) {
	case AN_NULL:
		return "null";
	case AN_STR:
		return v->s;
	case AN_DOUBLE:
		snprintf(v->buf, sizeof(v->buf), "%.17g", v->d);
		return v->buf;
	default:
		snprintf(v->buf, sizeof(v->buf), "%lld", (long long)v->i);
		return v->buf;
	}
}

static const char *attr_path(struct an_ss *ss, uint32_t q)
{
	struct an_attr *a = &ss->attrs[q];
	if (a->path || q == 0)
		return a->path ? a->path : "";
	const char *pp = attr_path(ss, a->parent);
	size_t n = strlen(pp) + strlen(a->name) + 2;
	a = &ss->attrs[q];
	if ((a->path = malloc(n)))
		snprintf(a->path, n, "%s%s%s", pp, *pp ? "/" : "", a->name);
	return a->path ? a->path : a->name;
}

static int is_number(const char *s)
{
	if (!*s)
		return 0;
	for (; *s; s++)
		if (*s < '0' || *s > '9')
			return 0;
	return 1;
}

/* Threads/<tid>/<leaf> and CPUs/<n>/<leaf> go to tjconv's native thread
 * state and CPU tracks for the first leaf name the analysis uses there;
 * every other attribute gets a track of its own, named by its path. */
static int choose_track(struct an_engine *e, uint32_t q)
{
	struct an_ss *ss = &e->ss;
	struct an_attr *a = &ss->attrs[q];
	a->track_known = 1;
	uint32_t p1 = a->parent, p0 = p1 ? ss->attrs[p1].parent : 0;
	uint32_t root = p0 ? ss->attrs[p0].parent : 1;
	if (!e->g->own_tracks && root == 0 && is_number(ss->attrs[p1].name)) {
		const char *top = ss->attrs[p0].name;
		int thr = strcmp(top, "Threads") == 0, cpu = strcmp(top, "CPUs") == 0;
		char **leaf = thr ? &e->thread_leaf : cpu ? &e->cpu_leaf : NULL;
		if (leaf && !*leaf && !(*leaf = an_strdup(a->name)))
			return TJ_ENOMEM;
		if (leaf && strcmp(*leaf, a->name) == 0) {
			a->track = thr ? TJ_TRACK_THREAD_STATE : TJ_TRACK_CPU;
			a->track_ref = (int32_t)strtol(ss->attrs[p1].name, NULL, 10);
			return TJ_OK;
		}
	}
	a->track = TJ_TRACK_CONNECTION;
	a->track_id = TRACK_BASE + e->g->next_track++;
	char name[400];
	const char *label = e->a->label ? e->a->label : e->a->id;
	snprintf(name, sizeof(name), "%s: %s", label, attr_path(ss, q));
	struct tj_record r = {.size = sizeof(r), .kind = TJ_REC_TRACK_NAME, .name = name,
			      .pid = -1, .tid = -1, .cpu = -1, .track = TJ_TRACK_CONNECTION,
			      .track_id = ss->attrs[q].track_id};
	return e->g->host->emit(e->g->self, &r);
}

static int emit_interval(struct an_engine *e, uint32_t q, int64_t end, uint32_t flags)
{
	struct an_attr *a = &e->ss.attrs[q];
	if (a->v.type == AN_NULL)
		return TJ_OK;
	int rc = a->track_known ? TJ_OK : choose_track(e, q);
	if (rc)
		return rc;
	a = &e->ss.attrs[q];
	const char *path = attr_path(&e->ss, q);
	struct an_sv v;
	an_cell_view(&a->v, &v);
	int64_t start = a->start == INT64_MIN ? e->g->first_ts : a->start;
	struct tj_arg args[2] = {TJ_ARG_S("tc.attribute", path), TJ_ARG_I("tc.value", v.i)};
	if (v.type == AN_STR) {
		args[1].type = TJ_ARG_STR;
		args[1].v.s = v.s;
	} else if (v.type == AN_DOUBLE) {
		args[1].type = TJ_ARG_DOUBLE;
		args[1].v.d = v.d;
	}
	struct tj_record r = {
		.size = sizeof(r),
		.kind = TJ_REC_STATE,
		.category = e->a->id,
		.name = an_sv_text(&v),
		.ts = start,
		.dur = end - start,
		.pid = -1,
		.tid = a->track == TJ_TRACK_THREAD_STATE ? a->track_ref : -1,
		.cpu = a->track == TJ_TRACK_CPU ? a->track_ref : -1,
		.track = a->track,
		.track_id = a->track_id,
		.flags = flags,
		.nargs = 2,
		.args = args,
	};
	e->intervals++;
	return e->g->host->emit(e->g->self, &r);
}

static int set_cell(struct an_cell *c, const struct an_sv *v)
{
	char *s = NULL;
	if (v->type == AN_STR && !(s = an_strdup(v->s)))
		return TJ_ENOMEM;
	free(c->s);
	c->type = v->type;
	c->i = v->i;
	c->d = v->d;
	c->s = s;
	return TJ_OK;
}

int an_ss_modify(struct an_engine *e, uint32_t q, const struct an_sv *v, int64_t ts)
{
	struct an_attr *a = &e->ss.attrs[q];
	struct an_sv cur;
	an_cell_view(&a->v, &cur);
	if (an_sv_equal(&cur, v))
		return TJ_OK;
	if (a->start != ts) {
		int rc = a->start < ts ? emit_interval(e, q, ts, 0) : TJ_OK;
		if (rc)
			return rc;
		e->ss.attrs[q].start = ts;
	}
	return set_cell(&e->ss.attrs[q].v, v);
}

void an_ss_update(struct an_engine *e, uint32_t q, const struct an_sv *v)
{
	set_cell(&e->ss.attrs[q].v, v);
}

int an_ss_remove(struct an_engine *e, uint32_t q, int64_t ts)
{
	static const struct an_sv null_sv = {.type = AN_NULL};
	int rc = an_ss_modify(e, q, &null_sv, ts);
	for (uint32_t k = e->ss.attrs[q].first_kid; k && !rc; k = e->ss.attrs[k].next_sibling)
		rc = an_ss_remove(e, k, ts);
	return rc;
}

int an_ss_push(struct an_engine *e, uint32_t q, const struct an_sv *v, int64_t ts)
{
	const struct an_cell *c = &e->ss.attrs[q].v;
	if (c->type != AN_NULL && c->type != AN_INT) {
		e->type_errors++;
		return TJ_OK;
	}
	int64_t depth = (c->type == AN_INT ? c->i : 0) + 1;
	char name[24];
	snprintf(name, sizeof(name), "%lld", (long long)depth);
	int64_t sub = an_ss_child(&e->ss, q, name, 1);
	if (sub < 0)
		return TJ_ENOMEM;
	struct an_sv d = {.type = AN_INT, .i = depth};
	int rc = an_ss_modify(e, q, &d, ts);
	return rc ? rc : an_ss_modify(e, (uint32_t)sub, v, ts);
}

int an_ss_pop(struct an_engine *e, uint32_t q, int64_t ts)
{
	const struct an_cell *c = &e->ss.attrs[q].v;
	if (c->type != AN_INT || c->i <= 0)
		return TJ_OK; /* popping an empty stack: Trace Compass ignores it */
	int64_t depth = c->i;
	char name[24];
	snprintf(name, sizeof(name), "%lld", (long long)depth);
	int64_t sub = an_ss_child(&e->ss, q, name, 0);
	struct an_sv d = {.type = depth > 1 ? AN_INT : AN_NULL, .i = depth - 1};
	int rc = an_ss_modify(e, q, &d, ts);
	return rc || sub < 0 ? rc : an_ss_remove(e, (uint32_t)sub, ts);
}

void an_ss_peek(struct an_ss *ss, uint32_t q, struct an_sv *out)
{
	const struct an_cell *c = &ss->attrs[q].v;
	out->type = AN_NULL;
	if (c->type != AN_INT || c->i <= 0)
		return;
	char name[24];
	snprintf(name, sizeof(name), "%lld", (long long)c->i);
	int64_t sub = an_ss_child(ss, q, name, 0);
	if (sub >= 0)
		an_cell_view(&ss->attrs[sub].v, out);
}

int an_ss_close_all(struct an_engine *e, int64_t end)
{
	for (uint32_t q = 1; q < e->ss.n; q++) {
		int64_t s = e->ss.attrs[q].start == INT64_MIN ? e->g->first_ts : e->ss.attrs[q].start;
		int rc = emit_interval(e, q, end > s ? end : s, TJ_REC_F_CUT_END);
		if (rc)
			return rc;
	}
	return TJ_OK;
}
