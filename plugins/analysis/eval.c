/*
 * Evaluating the model against one event, as Trace Compass's data-driven
 * runtime does (fsm/model/values, DataDrivenStateSystemPath,
 * DataDrivenCondition, DataDrivenActionStateChange):
 *  - an event field is the payload field of that name; "context._X" is the
 *    context X; when absent, "cpu" is the CPU aspect (an Integer),
 *    "timestamp" the time, "TID" the thread; integers are Longs;
 *  - a path element that evaluates to null makes the whole path invalid
 *    (the state change is skipped, and counted);
 *  - comparisons: Integer vs number and Long vs number compare as numbers,
 *    anything else compares String.valueOf() texts;
 *  - forcedType converts; a mappingGroup maps a value equal (same type) to
 *    an entry's first value onto its second.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "engine.h"

static void set_null(struct an_sv *o)
{
	o->type = AN_NULL;
	o->i = 0;
	o->d = 0;
	o->s = NULL;
}

static void field_value(struct an_ctx *c, const struct an_value *v, struct an_sv *o)
{
	const struct tj_host *h = c->e->g->host;
	tj_field f = c->cls->handles[v->num];
	set_null(o);
	if (f >= 0) {
		int64_t i;
		const char *s;
		if (h->field_int(c->ev, f, &i)) {
			o->type = AN_LONG;
			o->i = i;
		} else if ((s = h->field_str(c->ev, f))) {
			o->type = AN_STR;
			o->s = s;
		}
		return;
	}
	const char *n = v->str;
	if (!strcmp(n, "cpu") || !strcmp(n, "CPU")) {
		if (c->ev->cpu >= 0) {
			o->type = AN_INT;
			o->i = c->ev->cpu;
		}
	} else if (!strcmp(n, "timestamp") || !strcmp(n, "TIMESTAMP")) {
		o->type = AN_LONG;
		o->i = c->ev->ts;
	} else if (!strcmp(n, "TID") && c->ev->tid >= 0) {
		o->type = AN_INT;
		o->i = c->ev->tid;
	}
}

static void force_type(uint8_t t, struct an_sv *o)
{
	if (t == AN_FORCE_NONE || t == o->type || o->type == AN_NULL)
		return;
	if (t == AN_STR) {
		const char *s = an_sv_text(o);
		if (s != o->buf) {
			snprintf(o->buf, sizeof(o->buf), "%s", s);
		}
		o->s = o->buf;
		o->type = AN_STR;
		return;
	}
	if (t == AN_NULL) {
		set_null(o);
		return;
	}
	if (o->type == AN_STR) {
		char *end;
		if (t == AN_DOUBLE) {
			o->d = strtod(o->s, &end);
		} else {
			o->i = strtoll(o->s, &end, 10);
		}
		if (end == o->s || *end) {
			set_null(o);
			return;
		}
	} else if (o->type == AN_DOUBLE) {
		o->i = (int64_t)o->d;
	} else if (t == AN_DOUBLE) {
		o->d = (double)o->i;
	}
	if (t == AN_INT)
		o->i = (int32_t)o->i;
	o->type = t;
}

static void map_value(struct an_ctx *c, int32_t mapping, uint32_t base, struct an_sv *o)
{
	const struct an_mapping *m = &c->e->a->mappings[mapping];
	for (uint32_t k = 0; k < m->n; k++) {
		struct an_sv from;
		an_eval_value(c, &m->from[k], base, &from);
		if (an_sv_equal(&from, o)) {
			an_eval_value(c, &m->to[k], base, o);
			return;
		}
	}
}

void an_eval_value(struct an_ctx *c, const struct an_value *v, uint32_t base, struct an_sv *o)
{
	set_null(o);
	switch (v->kind) {
	case AN_V_CONST:
		o->type = v->ctype;
		o->i = v->num;
		o->s = v->str;
		if (v->ctype == AN_DOUBLE && v->str)
			o->d = strtod(v->str, NULL);
		break;
	case AN_V_ATTR:
		o->type = AN_STR;
		o->s = v->str;
		break;
	case AN_V_FIELD:
		field_value(c, v, o);
		break;
	case AN_V_EVENT_NAME:
		o->type = AN_STR;
		o->s = c->ev->cls->name;
		break;
	case AN_V_QUERY:
	case AN_V_PEEK: {
		int64_t q = an_eval_path(c, v->path);
		if (q >= 0 && v->kind == AN_V_QUERY)
			an_cell_view(an_ss_get(&c->e->ss, (uint32_t)q), o);
		else if (q >= 0)
			an_ss_peek(&c->e->ss, (uint32_t)q, o);
		break;
	}
	case AN_V_SELF:
		if (base) {
			o->type = AN_STR;
			o->s = c->e->ss.attrs[base].name;
		}
		break;
	default:
		break;
	}
	if (v->mapping >= 0)
		map_value(c, v->mapping, base, o);
	force_type(v->forced, o);
}

int64_t an_eval_path(struct an_ctx *c, const struct an_path *p)
{
	int64_t q = 0;
	if (p->scenario) {
		if (!c->scen)
			return -1;
		q = an_scenario_quark(c->scen);
	}
	for (uint32_t i = 0; i < p->n; i++) {
		if (p->v[i].kind == AN_V_SELF)
			continue; /* TmfXmlStateSystemPathCu drops "self" elements */
		struct an_sv v;
		an_eval_value(c, &p->v[i], (uint32_t)q, &v);
		if (v.type == AN_NULL) {
			c->e->null_paths++;
			return -1;
		}
		q = an_ss_child(&c->e->ss, (uint32_t)q, an_sv_text(&v), 1);
		if (q < 0)
			return -1;
	}
	return q;
}

static int compare(struct an_sv *a, struct an_sv *b)
{
	int num_b = b->type == AN_INT || b->type == AN_LONG || b->type == AN_DOUBLE;
	if (a->type == AN_INT && num_b) {
		int32_t x = (int32_t)a->i, y = (int32_t)(b->type == AN_DOUBLE ? (int64_t)b->d : b->i);
		return (x > y) - (x < y);
	}
	if (a->type == AN_LONG && num_b) {
		int64_t x = a->i, y = b->type == AN_DOUBLE ? (int64_t)b->d : b->i;
		return (x > y) - (x < y);
	}
	/* String.valueOf(first).compareTo(String.valueOf(second)): UTF-16 code
	 * units; byte order agrees for ASCII, which is what traces carry. */
	int r = strcmp(an_sv_text(a), an_sv_text(b));
	return (r > 0) - (r < 0);
}

int an_eval_cond(struct an_ctx *c, const struct an_cond *k)
{
	switch (k->kind) {
	case AN_C_TRUE:
		return 1;
	case AN_C_EVENT:
		return an_glob(k->glob, c->ev->cls->name);
	case AN_C_NOT:
		return !an_eval_cond(c, &k->kids[0]);
	case AN_C_AND:
		for (uint32_t i = 0; i < k->n; i++)
			if (!an_eval_cond(c, &k->kids[i]))
				return 0;
		return 1;
	case AN_C_OR:
		for (uint32_t i = 0; i < k->n; i++)
			if (an_eval_cond(c, &k->kids[i]))
				return 1;
		return 0;
	default: {
		struct an_sv a, b;
		an_eval_value(c, &k->a, 0, &a);
		an_eval_value(c, &k->b, 0, &b);
		int r = compare(&a, &b);
		switch (k->op) {
		case AN_NE:
			return r != 0;
		case AN_GE:
			return r >= 0;
		case AN_GT:
			return r > 0;
		case AN_LE:
			return r <= 0;
		case AN_LT:
			return r < 0;
		default:
			return r == 0;
		}
	}
	}
}

static int state_change(struct an_ctx *c, const struct an_action *a)
{
	struct an_engine *e = c->e;
	int64_t q = an_eval_path(c, &a->attr);
	if (q < 0)
		return TJ_OK;
	struct an_sv v;
	an_eval_value(c, &a->val, 0, &v);
	int64_t ts = c->ev->ts;
	switch (a->val.stack) {
	case AN_STACK_PUSH:
		return an_ss_push(e, (uint32_t)q, &v, ts);
	case AN_STACK_POP:
		return an_ss_pop(e, (uint32_t)q, ts);
	case AN_STACK_POPALL: {
		const struct an_cell *d = an_ss_get(&e->ss, (uint32_t)q);
		int64_t n = d->type == AN_INT ? d->i : 0;
		int rc = TJ_OK;
		for (int64_t i = 0; i < n && !rc; i++)
			rc = an_ss_pop(e, (uint32_t)q, ts);
		return rc;
	}
	default:
		break;
	}
	/* type="delete" compiles to a null constant in Trace Compass
	 * (TmfXmlStateValueCu): the attribute's children keep their values */
	if (a->increment && v.type != AN_NULL) {
		const struct an_cell *cur = an_ss_get(&e->ss, (uint32_t)q);
		if (v.type == AN_DOUBLE)
			v.d += cur->type == AN_DOUBLE ? cur->d : 0;
		else if (v.type == AN_INT)
			v.i = (int32_t)(v.i + (cur->type == AN_INT || cur->type == AN_LONG ? cur->i : 0));
		else if (v.type == AN_LONG)
			v.i += cur->type == AN_INT || cur->type == AN_LONG ? cur->i : 0;
	}
	if (a->update) {
		an_ss_update(e, (uint32_t)q, &v);
		return TJ_OK;
	}
	return an_ss_modify(e, (uint32_t)q, &v, ts);
}

int an_run_actions(struct an_ctx *c, const struct an_action *a, uint32_t n)
{
	int rc = TJ_OK;
	for (uint32_t i = 0; i < n && !rc; i++) {
		if (a[i].kind == AN_A_CHANGE)
			rc = state_change(c, &a[i]);
		else if (a[i].kind == AN_A_IF)
			rc = an_eval_cond(c, a[i].cond) ? an_run_actions(c, a[i].then_, a[i].nthen)
							: an_run_actions(c, a[i].else_, a[i].nelse);
		else
			rc = an_emit_segment(c, &a[i]);
	}
	return rc;
}

int an_run_handlers(struct an_ctx *c)
{
	const struct an_analysis *a = c->e->a;
	int rc = TJ_OK;
	for (uint32_t i = 0; i < a->nhandlers && !rc; i++)
		if (an_glob(a->handlers[i].event, c->ev->cls->name))
			rc = an_run_actions(c, a->handlers[i].actions, a->handlers[i].n);
	return rc;
}
