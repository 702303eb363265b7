/*
 * Pattern segments (DataDrivenActionSegment): from the scenario's start to
 * the event, named by segType, with the segContent fields converted to
 * their declared types (null fields are left out, as Trace Compass does).
 * Each becomes a TJ_REC_SPAN on the thread of the event that ends it (its
 * CPU when the thread is unknown), args tc.segment and the fields.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "engine.h"

#define MAX_FIELDS 16

int an_emit_segment(struct an_ctx *c, const struct an_action *a)
{
	struct an_engine *e = c->e;
	int64_t start = an_scenario_start(c), end = c->ev->ts;
	struct an_sv name, vals[MAX_FIELDS];
	struct tj_arg args[MAX_FIELDS + 1];
	uint32_t n = 0;
	char namebuf[256];
	an_eval_value(c, &a->val, 0, &name);
	snprintf(namebuf, sizeof(namebuf), "%s", an_sv_text(&name));
	args[n++] = (struct tj_arg)TJ_ARG_S("tc.segment", namebuf);
	for (uint32_t i = 0; i < a->nfields && n <= MAX_FIELDS; i++) {
		struct an_sv *v = &vals[n - 1];
		an_eval_value(c, &a->fields[i].val, 0, v);
		/* DataDrivenValueTypedWrapper: the declared type */
		uint8_t t = a->fields[i].type;
		if (v->type == AN_NULL || t == AN_NULL)
			continue;
		struct tj_arg *g = &args[n++];
		g->size = sizeof(*g);
		g->key = a->fields[i].name;
		if (t == AN_STR) {
			g->type = TJ_ARG_STR;
			g->v.s = an_sv_text(v); /* borrowed or in v->buf, alive until emit */
		} else if (t == AN_DOUBLE) {
			g->type = TJ_ARG_DOUBLE;
			g->v.d = v->type == AN_DOUBLE ? v->d
				 : v->type == AN_STR  ? strtod(v->s, NULL)
						      : (double)v->i;
		} else {
			g->type = TJ_ARG_INT;
			g->v.i = v->type == AN_STR ? strtoll(v->s, NULL, 10)
				 : v->type == AN_DOUBLE ? (int64_t)v->d
							: v->i;
			if (t == AN_INT)
				g->v.i = (int32_t)g->v.i;
		}
	}
	struct tj_record r = {
		.size = sizeof(r),
		.kind = TJ_REC_SPAN,
		.category = e->a->id,
		.name = namebuf,
		.ts = start,
		.dur = end - start,
		.pid = c->ev->pid,
		.tid = c->ev->tid,
		.cpu = c->ev->cpu,
		.track = c->ev->tid >= 0 ? TJ_TRACK_THREAD : TJ_TRACK_CPU,
		.nargs = n,
		.args = args,
	};
	e->segments++;
	return e->g->host->emit(e->g->self, &r);
}
