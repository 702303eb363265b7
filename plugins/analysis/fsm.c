/*
 * The pattern runtime: FSM instances ("scenarios") as Trace Compass runs
 * them (fsm/model/DataDrivenPatternEventHandler, DataDrivenFsm,
 * DataDrivenScenario, runtime/DataDrivenScenarioHistoryBuilder):
 *  - at the first event every FSM (or the patternHandler's `initial` ones)
 *    gets a pending scenario; afterwards, on every event, an FSM that allows
 *    multiple instances, has scenarios and no pending one gets a new one;
 *  - an event passing the FSM's preconditions goes to its in-progress
 *    scenarios, then (unless one consumed it and the FSM is consuming) to
 *    the pending one; a scenario takes its state's first transition whose
 *    events and tests match: onexit, the transition's actions, onentry;
 *  - each scenario lives at scenarios/<fsm>/<n> (n from a FIFO pool of
 *    recycled slots) with status (0 pending, 1 in progress, 2 matched,
 *    3 abandoned), state, startTime, state/<id>/startTime; reaching a final
 *    state recycles the slot (everything below nulled);
 *  - a segment runs from the scenario's startTime to the event.
 * So a pattern sees every event of the trace (it subscribes to "*").
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "engine.h"

enum { ST_PENDING = 0, ST_IN_PROGRESS = 1, ST_MATCHED = 2, ST_ABANDONED = 3 };

struct an_scenario {
	uint32_t quark, state;
	uint8_t status;
};

struct an_rt_fsm {
	uint32_t count, nactive, nfree, freehead, nslots;
	struct an_scenario *pending;
	struct an_scenario **active;
	uint32_t *free_slots; /* FIFO ring of recycled quarks, nslots big */
	int64_t base;         /* quark of scenarios/<fsm> */
	uint8_t in_list;      /* handled on every event (fActiveFsmList) */
};

int64_t an_scenario_quark(const struct an_scenario *s)
{
	return s->quark;
}

int an_fsm_init(struct an_engine *e)
{
	if (!e->a->nfsms)
		return TJ_OK;
	e->fsms = calloc(e->a->nfsms, sizeof(*e->fsms));
	return e->fsms ? TJ_OK : TJ_ENOMEM;
}

void an_fsm_release(struct an_engine *e)
{
	for (uint32_t i = 0; e->fsms && i < e->a->nfsms; i++) {
		struct an_rt_fsm *r = &e->fsms[i];
		free(r->pending);
		for (uint32_t k = 0; k < r->nactive; k++)
			free(r->active[k]);
		free(r->active);
		free(r->free_slots);
	}
	free(e->fsms);
	e->fsms = NULL;
}

static int64_t child(struct an_engine *e, int64_t q, const char *name)
{
	return q < 0 ? -1 : an_ss_child(&e->ss, (uint32_t)q, name, 1);
}

static int set_at(struct an_engine *e, int64_t q, uint8_t type, int64_t i, const char *s, int64_t ts)
{
	if (q < 0)
		return TJ_ENOMEM;
	struct an_sv v = {.type = type, .i = i, .s = s};
	return an_ss_modify(e, (uint32_t)q, &v, ts);
}

/* DataDrivenScenarioHistoryBuilder.update */
static int history_update(struct an_engine *e, const struct an_fsm *f, struct an_scenario *s,
			  int64_t ts)
{
	const char *id = f->states[s->state].id;
	int64_t sq = child(e, s->quark, "state");
	if (sq < 0)
		return TJ_ENOMEM;
	const struct an_cell *cur = an_ss_get(&e->ss, (uint32_t)sq);
	int rc = TJ_OK;
	if (cur->type != AN_STR || strcmp(cur->s, id) != 0)
		rc = set_at(e, child(e, child(e, sq, id), "startTime"), AN_LONG, ts, NULL, ts);
	if (!rc)
		rc = set_at(e, sq, AN_STR, 0, id, ts);
	if (!rc)
		rc = set_at(e, child(e, s->quark, "status"), AN_INT, s->status, NULL, ts);
	return rc;
}

static int pool_get(struct an_engine *e, uint32_t fi, uint32_t *out)
{
	struct an_rt_fsm *r = &e->fsms[fi];
	if (r->base == 0) {
		r->base = child(e, child(e, 0, "scenarios"), e->a->fsms[fi].id);
		if (r->base < 0)
			return TJ_ENOMEM;
	}
	if (r->nfree) {
		*out = r->free_slots[r->freehead];
		r->freehead = (r->freehead + 1) % r->nslots;
		r->nfree--;
		return TJ_OK;
	}
	char name[24];
	snprintf(name, sizeof(name), "%u", r->nslots);
	int64_t q = child(e, r->base, name);
	if (q < 0)
		return TJ_ENOMEM;
	/* the ring holds every slot ever made, so it grows with them */
	uint32_t *ring = malloc((r->nslots + 1) * sizeof(*ring));
	if (!ring)
		return TJ_ENOMEM;
	for (uint32_t k = 0; k < r->nfree; k++)
		ring[k] = r->free_slots[(r->freehead + k) % r->nslots];
	free(r->free_slots);
	r->free_slots = ring;
	r->freehead = 0;
	r->nslots++;
	*out = (uint32_t)q;
	return TJ_OK;
}

static void pool_recycle(struct an_rt_fsm *r, uint32_t q)
{
	r->free_slots[(r->freehead + r->nfree) % r->nslots] = q;
	r->nfree++;
}

static int complete(struct an_engine *e, uint32_t fi, struct an_scenario *s, int64_t ts)
{
	pool_recycle(&e->fsms[fi], s->quark);
	return an_ss_remove(e, s->quark, ts);
}

static int create_scenario(struct an_ctx *c, uint32_t fi)
{
	struct an_engine *e = c->e;
	struct an_rt_fsm *r = &e->fsms[fi];
	struct an_scenario *s = calloc(1, sizeof(*s));
	if (!s || pool_get(e, fi, &s->quark)) {
		free(s);
		return TJ_ENOMEM;
	}
	s->state = e->a->fsms[fi].initial;
	s->status = ST_PENDING;
	if (!r->pending)
		r->count++;
	free(r->pending);
	r->pending = s;
	return history_update(e, &e->a->fsms[fi], s, c->ev->ts);
}

static int transition_matches(struct an_ctx *c, const struct an_transition *t)
{
	int ok = t->nevents == 0;
	for (uint32_t i = 0; i < t->nevents && !ok; i++)
		ok = an_glob(t->events[i], c->ev->cls->name);
	for (uint32_t i = 0; i < t->ntests && ok; i++)
		ok = an_eval_cond(c, &c->e->a->tests[t->tests[i]].cond);
	return ok;
}

static int run_named(struct an_ctx *c, const uint32_t *ids, uint32_t n)
{
	int rc = TJ_OK;
	for (uint32_t i = 0; i < n && !rc; i++) {
		const struct an_named_action *na = &c->e->a->actions[ids[i]];
		rc = an_run_actions(c, na->actions, na->n);
	}
	return rc;
}

/* DataDrivenScenario.handleEvent: 1 if a transition was taken. */
static int scenario_event(struct an_ctx *c, uint32_t fi, struct an_scenario *s, int *rc)
{
	const struct an_fsm *f = &c->e->a->fsms[fi];
	const struct an_fsm_state *st = &f->states[s->state];
	int64_t ts = c->ev->ts;
	for (uint32_t k = 0; k < st->ntrans; k++) {
		const struct an_transition *t = &st->trans[k];
		c->scen = s;
		if (!transition_matches(c, t))
			continue;
		const struct an_fsm_state *next = &f->states[t->target];
		*rc = run_named(c, st->on_exit, st->non_exit);
		if (!*rc)
			*rc = run_named(c, t->actions, t->nactions);
		if (!*rc)
			*rc = run_named(c, next->on_entry, next->non_entry);
		if (!*rc && s->status == ST_PENDING) {
			s->status = ST_IN_PROGRESS;
			*rc = set_at(c->e, child(c->e, s->quark, "startTime"), AN_LONG, ts, NULL, ts);
		}
		if (!*rc && next->final) {
			s->status = ST_MATCHED;
			*rc = complete(c->e, fi, s, ts);
		}
		s->state = (uint32_t)t->target;
		if (!*rc)
			*rc = history_update(c->e, f, s, ts);
		c->scen = NULL;
		return 1;
	}
	c->scen = NULL;
	return 0;
}

static int preconditions(struct an_ctx *c, const struct an_fsm *f)
{
	if (!f->npre)
		return 1;
	for (uint32_t i = 0; i < f->npre; i++)
		if (transition_matches(c, &f->pre[i]))
			return 1;
	return 0;
}

/* DataDrivenFsm.handleEvent */
static int fsm_event(struct an_ctx *c, uint32_t fi)
{
	const struct an_fsm *f = &c->e->a->fsms[fi];
	struct an_rt_fsm *r = &c->e->fsms[fi];
	int rc = TJ_OK, consumed = 0;
	if (!preconditions(c, f))
		return TJ_OK;
	uint32_t kept = 0;
	for (uint32_t k = 0; k < r->nactive; k++) {
		struct an_scenario *s = r->active[k];
		if (f->consuming && consumed) {
			r->active[kept++] = s; /* after the break: untouched */
			continue;
		}
		if (s->status != ST_IN_PROGRESS) {
			free(s); /* removeScenario */
			r->count--;
			continue;
		}
		r->active[kept++] = s;
		if (!rc)
			consumed |= scenario_event(c, fi, s, &rc);
	}
	r->nactive = kept;
	if (rc || (f->consuming && consumed) || !r->pending)
		return rc;
	struct an_scenario *s = r->pending;
	scenario_event(c, fi, s, &rc);
	if (s->status != ST_PENDING) {
		struct an_scenario **v = realloc(r->active, (r->nactive + 1) * sizeof(*v));
		if (!v)
			return TJ_ENOMEM;
		r->active = v;
		r->active[r->nactive++] = s;
		r->pending = NULL;
	}
	return rc;
}

static int allowed(const struct an_fsm *f, const struct an_rt_fsm *r)
{
	return r->count > 0 && f->multiple && !r->pending;
}

int an_fsm_event(struct an_ctx *c)
{
	struct an_engine *e = c->e;
	const struct an_analysis *a = e->a;
	int rc = TJ_OK;
	if (!e->started) {
		e->started = 1;
		for (uint32_t i = 0; i < (a->ninitial ? a->ninitial : a->nfsms) && !rc; i++) {
			uint32_t fi = a->ninitial ? a->initial[i] : i;
			e->fsms[fi].in_list = 1;
			rc = create_scenario(c, fi);
		}
	} else {
		for (uint32_t i = 0; i < a->nfsms && !rc; i++) {
			if (!allowed(&a->fsms[i], &e->fsms[i]))
				continue;
			e->fsms[i].in_list = 1;
			rc = create_scenario(c, i);
		}
	}
	for (uint32_t i = 0; i < a->nfsms && !rc; i++)
		if (e->fsms[i].in_list)
			rc = fsm_event(c, i);
	return rc;
}

/* DataDrivenFsm.dispose: scenarios still in progress are abandoned. */
int an_fsm_end(struct an_engine *e, int64_t ts)
{
	int rc = TJ_OK;
	for (uint32_t i = 0; e->fsms && i < e->a->nfsms && !rc; i++)
		for (uint32_t k = 0; k < e->fsms[i].nactive && !rc; k++) {
			struct an_scenario *s = e->fsms[i].active[k];
			if (s->status == ST_IN_PROGRESS) {
				s->status = ST_ABANDONED;
				rc = complete(e, i, s, ts);
			}
		}
	return rc;
}

/* getStartTime: when the scenario's startTime attribute took its value. */
int64_t an_scenario_start(struct an_ctx *c)
{
	int64_t q = c->scen ? an_ss_child(&c->e->ss, c->scen->quark, "startTime", 0) : -1;
	int64_t s = q >= 0 ? c->e->ss.attrs[q].start : INT64_MIN;
	return s == INT64_MIN ? c->e->g->first_ts : s;
}
