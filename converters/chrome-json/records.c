/*
 * chrome-json's record writer: one model record (slice, instant, flow step,
 * counter sample) as one trace event, with its args.  Called by chrome.c's
 * callbacks; calls no host function.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cj.h"
#include "jsonw.h"

/* Args object built in pieces: arg_key opens it on first use. */
void cj_arg_key(struct cj *c, int *open, const char *key)
{
	if (*open)
		jsonw_char(&c->w, ',');
	else
		jsonw_lit(&c->w, ",\"args\":{");
	*open = 1;
	jsonw_str(&c->w, key);
	jsonw_char(&c->w, ':');
}

void cj_args_close(struct cj *c, int open)
{
	if (open)
		jsonw_char(&c->w, '}');
}

static void cj_arg_value(struct cj *c, const struct tj_arg *a)
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

static int cj_has_arg(const struct tj_record *r, const char *key)
{
	for (uint32_t i = 0; i < r->nargs; i++)
		if (r->args[i].key && strcmp(r->args[i].key, key) == 0)
			return 1;
	return 0;
}

/* The record's own args; returns whether the object was opened. */
static int cj_record_args(struct cj *c, const struct tj_record *r)
{
	int open = 0;
	char key[16];
	for (uint32_t i = 0; r->args && i < r->nargs; i++) {
		const char *k = r->args[i].key;
		if (!k) {
			snprintf(key, sizeof(key), "arg%u", (unsigned)i);
			k = key;
		}
		cj_arg_key(c, &open, k);
		cj_arg_value(c, &r->args[i]);
	}
	return open;
}

/* ------------------------------------------------------------------ */
/* records                                                             */

void cj_name_field(struct cj *c, const char *name, const char *dflt)
{
	jsonw_lit(&c->w, ",\"name\":");
	jsonw_str(&c->w, name && *name ? name : dflt);
}

static void cj_cat_field(struct cj *c, const char *cat)
{
	if (cat && *cat) {
		jsonw_lit(&c->w, ",\"cat\":");
		jsonw_str(&c->w, cat);
	}
}

int cj_slice(struct cj *c, const struct tj_record *r)
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
	cj_locate(c, r, &l);
	if (!(t = cj_track_get(c, &l)))
		return TJ_ENOMEM;
	if (dur > 0) {
		if (cj_track_overlaps(t, r->ts, r->ts + dur)) {
			c->st.dropped_overlap++;
			return TJ_OK;
		}
		cj_track_remember(t, r->ts, r->ts + dur);
	}
	ev_open(c, 'X');
	ev_ts(c, r->ts);
	jsonw_lit(&c->w, ",\"dur\":");
	jsonw_ns_as_us(&c->w, dur);
	ev_pidtid(c, l.pid, l.tid);
	if (l.kind == TK_CPU && r->tid >= 0) {
		/* "comm tid": which thread ran */
		const char *n = r->name && *r->name ? r->name : cj_thread_name_borrow(c, r->tid);
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
		cj_name_field(c, r->name, r->kind == TJ_REC_SPAN ? "span" : "state");
	}
	cj_cat_field(c, r->category);
	open = cj_record_args(c, r);
	if (r->flags & (TJ_REC_F_CUT_BEGIN | TJ_REC_F_CUT_END)) {
		cj_arg_key(c, &open, "cut");
		if ((r->flags & TJ_REC_F_CUT_BEGIN) && (r->flags & TJ_REC_F_CUT_END))
			jsonw_lit(&c->w, "\"both\"");
		else if (r->flags & TJ_REC_F_CUT_BEGIN)
			jsonw_lit(&c->w, "\"begin\"");
		else
			jsonw_lit(&c->w, "\"end\"");
	}
	if (l.kind == TK_CPU && r->tid >= 0) {
		if (!cj_has_arg(r, "tid")) {
			cj_arg_key(c, &open, "tid");
			jsonw_i64(&c->w, r->tid);
		}
		if (r->pid >= 0 && !cj_has_arg(r, "pid")) {
			cj_arg_key(c, &open, "pid");
			jsonw_i64(&c->w, r->pid);
		}
	}
	cj_args_close(c, open);
	jsonw_char(&c->w, '}');
	return TJ_OK;
}

int cj_instant(struct cj *c, const struct tj_record *r)
{
	struct loc l;
	c->st.instants++;
	cj_locate(c, r, &l);
	if (!cj_track_get(c, &l))
		return TJ_ENOMEM;
	ev_open(c, 'i');
	ev_ts(c, r->ts);
	ev_pidtid(c, l.pid, l.tid);
	if (l.kind == TK_GLOBAL)
		jsonw_lit(&c->w, ",\"s\":\"g\"");
	else
		jsonw_lit(&c->w, ",\"s\":\"t\"");
	cj_name_field(c, r->name, "instant");
	cj_cat_field(c, r->category);
	cj_args_close(c, cj_record_args(c, r));
	jsonw_char(&c->w, '}');
	return TJ_OK;
}

/*
 * Flows are keyed on their id.  A step or end whose begin the exporter never
 * saw (cut by --begin, or lost) would be refused by the importers, so a step
 * starts the flow again ("s") and an end is dropped.
 */
int cj_flow(struct cj *c, const struct tj_record *r)
{
	static const char ph[] = {'s', 't', 'f'};
	struct loc l;
	uint32_t phase = r->flow_phase <= TJ_FLOW_END ? r->flow_phase : TJ_FLOW_STEP;
	int open = cj_flow_is_open(c, r->flow_id);

	c->st.flows++;
	if (phase != TJ_FLOW_BEGIN && !open) {
		if (phase == TJ_FLOW_END) {
			c->st.flows_dropped++;
			return TJ_OK;
		}
		phase = TJ_FLOW_BEGIN;
		c->st.flows_restarted++;
	}
	if (phase == TJ_FLOW_END)
		cj_flow_end(c, r->flow_id);
	else if (!open && cj_flow_begin(c, r->flow_id))
		return TJ_ENOMEM;
	cj_locate(c, r, &l);
	if (!cj_track_get(c, &l))
		return TJ_ENOMEM;
	ev_open(c, ph[phase]);
	ev_ts(c, r->ts);
	ev_pidtid(c, l.pid, l.tid);
	cj_name_field(c, r->name, "flow");
	jsonw_lit(&c->w, ",\"cat\":");
	jsonw_str(&c->w, r->category && *r->category ? r->category : "flow");
	jsonw_lit(&c->w, ",\"id\":");
	jsonw_hex(&c->w, r->flow_id);
	if (phase == TJ_FLOW_END)
		jsonw_lit(&c->w, ",\"bp\":\"e\"");
	cj_args_close(c, cj_record_args(c, r));
	jsonw_char(&c->w, '}');
	return TJ_OK;
}

int cj_counter(struct cj *c, const struct tj_record *r)
{
	struct loc l;
	const char *name = r->name && *r->name ? r->name : "counter";
	double v = r->value;
	c->st.counters++;
	if (v != v || v > 1.7976931348623157e308 || v < -1.7976931348623157e308) {
		c->st.dropped_non_finite++;
		return TJ_OK;
	}
	cj_locate(c, r, &l);
	if (!cj_track_get(c, &l))
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
	cj_cat_field(c, r->category);
	jsonw_lit(&c->w, ",\"args\":{");
	jsonw_str(&c->w, name);
	jsonw_char(&c->w, ':');
	jsonw_double(&c->w, v);
	jsonw_lit(&c->w, "}}");
	return TJ_OK;
}


