/*
 * One model as a Trace Compass <stateProvider> (definedValues, one
 * eventHandler per event name the trace has, stateChanges with if/then/else)
 * and its timeGraphView/xyView elements.  Semantics are Trace Compass's
 * (tmf.analysis.xml.core): an eventField "cpu" is the CPU aspect when the
 * event has no such field, a context is "context._NAME", eventName accepts
 * '*' wildcards, a condition against a null stateValue tests for null, the
 * else of a stateChange is itself a stateChange (so else-if chains nest).
 */
#include <stdio.h>
#include <string.h>

#include "tcxml.h"

#define X(s) ((const xmlChar *)(s))


/* The thread of the event when the trace has no vtid context: the one its
 * CPU runs, as Trace Compass's own XML analyses find it. */
static int write_cpu_thread(xmlTextWriterPtr w)
{
	int rc = tcxml_empty(w, "stateAttribute", "type", "constant", "value", "CPUs");
	if (rc >= 0)
		rc = tcxml_empty(w, "stateAttribute", "type", "eventField", "value", "cpu");
	if (rc >= 0)
		rc = tcxml_empty(w, "stateAttribute", "type", "constant", "value", "Current_thread");
	return rc;
}

static int write_segment(xmlTextWriterPtr w, const char *seg, size_t len, int vtid)
{
	char buf[128];
	if (len >= sizeof(buf))
		len = sizeof(buf) - 1;
	memcpy(buf, seg, len);
	buf[len] = '\0';
	if (len < 2 || buf[0] != '{' || buf[len - 1] != '}')
		return tcxml_empty(w, "stateAttribute", "type", "constant", "value", buf);
	if (strcmp(buf, TJ_MODEL_THREAD) == 0) {
		if (vtid)
			return tcxml_empty(w, "stateAttribute", "type", "eventField", "value",
					  "context._vtid");
		int rc = xmlTextWriterStartElement(w, X("stateAttribute"));
		if (rc >= 0)
			rc = tcxml_attr(w, "type", "query");
		if (rc >= 0)
			rc = write_cpu_thread(w);
		if (rc >= 0)
			rc = xmlTextWriterEndElement(w);
		return rc;
	}
	buf[len - 1] = '\0';
	return tcxml_empty(w, "stateAttribute", "type", "eventField", "value", buf + 1);
}

int tcxml_write_path(xmlTextWriterPtr w, const char *path, int vtid)
{
	int rc = 0;
	for (const char *p = path; rc >= 0 && p && *p;) {
		const char *slash = strchr(p, '/');
		size_t n = slash ? (size_t)(slash - p) : strlen(p);
		rc = write_segment(w, p, n, vtid);
		p = slash ? slash + 1 : NULL;
	}
	return rc;
}

int tcxml_write_value(xmlTextWriterPtr w, const char *elem, const struct tj_mvalue *v, int vtid,
		      int increment)
{
	char num[32];
	int rc = xmlTextWriterStartElement(w, X(elem));
	switch (v->type) {
	case TJ_MV_INT:
		snprintf(num, sizeof(num), "%lld", (long long)v->i);
		if (rc >= 0)
			rc = tcxml_attr(w, "type", v->i >= INT32_MIN && v->i <= INT32_MAX ? "int" : "long");
		if (rc >= 0)
			rc = tcxml_attr(w, "value", num);
		break;
	case TJ_MV_STR:
		if (rc >= 0)
			rc = tcxml_attr(w, "type", "string");
		if (rc >= 0)
			rc = tcxml_attr(w, "value", v->s ? v->s : "");
		break;
	case TJ_MV_FIELD:
		if (rc >= 0)
			rc = tcxml_attr(w, "type", "eventField");
		if (rc >= 0)
			rc = tcxml_attr(w, "value", v->s ? v->s : "");
		break;
	case TJ_MV_EVENT_NAME:
		if (rc >= 0)
			rc = tcxml_attr(w, "type", "eventName");
		break;
	case TJ_MV_QUERY:
		if (rc >= 0)
			rc = tcxml_attr(w, "type", "query");
		if (rc >= 0)
			rc = tcxml_write_path(w, v->s, vtid);
		break;
	default:
		if (rc >= 0)
			rc = tcxml_attr(w, "type", "null");
		break;
	}
	if (rc >= 0 && increment)
		rc = tcxml_attr(w, "increment", "true");
	if (rc >= 0)
		rc = xmlTextWriterEndElement(w);
	return rc;
}

static int write_condition(xmlTextWriterPtr w, const struct tj_mcond *c, int vtid)
{
	static const char *const ops[] = {"eq", "ne", "lt", "le", "gt", "ge"};
	int rc = xmlTextWriterStartElement(w, X("condition"));
	if (rc >= 0 && c->op != TJ_MC_EQ)
		rc = tcxml_attr(w, "operator", c->op < 6 ? ops[c->op] : "eq");
	if (rc >= 0)
		rc = tcxml_write_value(w, "stateValue", &c->a, vtid, 0);
	if (rc >= 0)
		rc = tcxml_write_value(w, "stateValue", &c->b, vtid, 0);
	if (rc >= 0)
		rc = xmlTextWriterEndElement(w);
	return rc;
}

static int write_if(xmlTextWriterPtr w, const struct tj_mchange *ch, int vtid)
{
	int rc = xmlTextWriterStartElement(w, X("if"));
	int many = ch->nconds > 1;
	if (rc >= 0 && many)
		rc = xmlTextWriterStartElement(w, X(ch->flags & TJ_MCH_ANY ? "or" : "and"));
	for (uint32_t i = 0; rc >= 0 && i < ch->nconds; i++)
		rc = write_condition(w, TCXML_AT(ch->conds, i), vtid);
	if (rc >= 0 && many)
		rc = xmlTextWriterEndElement(w);
	if (rc >= 0)
		rc = xmlTextWriterEndElement(w);
	return rc;
}

/* The content of a stateChange for ch[0] and the TJ_MCH_ELSE changes after
 * it (n of them in all): attributes and value, or if/then/else. */
static int write_change_body(xmlTextWriterPtr w, const struct tj_mchange *ch, uint32_t n,
			     uint32_t stride, int vtid)
{
	int rc = 0;
	if (!ch->nconds) {
		rc = tcxml_write_path(w, ch->attribute, vtid);
		if (rc >= 0)
			rc = tcxml_write_value(w, "stateValue", &ch->value, vtid,
					       !!(ch->flags & TJ_MCH_INCREMENT));
		return rc;
	}
	rc = write_if(w, ch, vtid);
	if (rc >= 0)
		rc = xmlTextWriterStartElement(w, X("then"));
	if (rc >= 0)
		rc = tcxml_write_path(w, ch->attribute, vtid);
	if (rc >= 0)
		rc = tcxml_write_value(w, "stateValue", &ch->value, vtid,
				       !!(ch->flags & TJ_MCH_INCREMENT));
	if (rc >= 0)
		rc = xmlTextWriterEndElement(w);
	if (rc >= 0 && n > 1) {
		const struct tj_mchange *next =
			(const struct tj_mchange *)(const void *)((const char *)ch + stride);
		rc = xmlTextWriterStartElement(w, X("else"));
		if (rc >= 0)
			rc = write_change_body(w, next, n - 1, stride, vtid);
		if (rc >= 0)
			rc = xmlTextWriterEndElement(w);
	}
	return rc;
}

static int write_handler(xmlTextWriterPtr w, const struct tj_mhandler *h, const char *event,
			 int vtid)
{
	int rc = xmlTextWriterStartElement(w, X("eventHandler"));
	if (rc >= 0)
		rc = tcxml_attr(w, "eventName", event);
	for (uint32_t i = 0; rc >= 0 && i < h->nchanges;) {
		/* A change and the else-ifs that follow it are one stateChange. */
		uint32_t n = 1;
		while (i + n < h->nchanges &&
		       (((const struct tj_mchange *)TCXML_AT(h->changes, i + n))->flags & TJ_MCH_ELSE))
			n++;
		rc = xmlTextWriterStartElement(w, X("stateChange"));
		if (rc >= 0)
			rc = write_change_body(w, TCXML_AT(h->changes, i), n, h->changes[0].size, vtid);
		if (rc >= 0)
			rc = xmlTextWriterEndElement(w);
		i += n;
	}
	if (rc >= 0)
		rc = xmlTextWriterEndElement(w);
	return rc;
}

static int write_defined_values(xmlTextWriterPtr w, const struct tj_model *m)
{
	int rc = 0;
	for (uint32_t i = 0; rc >= 0 && i < m->nstates; i++) {
		const struct tj_mstate *s = TCXML_AT(m->states, i);
		char num[32];
		snprintf(num, sizeof(num), "%lld", (long long)s->value);
		rc = xmlTextWriterStartElement(w, X("definedValue"));
		if (rc >= 0)
			rc = tcxml_attr(w, "name", s->name);
		if (rc >= 0)
			rc = tcxml_attr(w, "value", num);
		if (rc >= 0 && s->color)
			rc = tcxml_attr(w, "color", s->color);
		if (rc >= 0)
			rc = xmlTextWriterEndElement(w);
	}
	return rc;
}

static int write_head(xmlTextWriterPtr w, const char *analysis, const char *label)
{
	int rc = xmlTextWriterStartElement(w, X("head"));
	if (rc >= 0)
		rc = tcxml_empty(w, "analysis", "id", analysis, NULL, NULL);
	if (rc >= 0)
		rc = tcxml_empty(w, "label", "value", label, NULL, NULL);
	if (rc >= 0)
		rc = xmlTextWriterEndElement(w);
	return rc;
}

static int write_view(xmlTextWriterPtr w, const struct tj_model *m, const struct tj_mview *v)
{
	char id[160];
	int xy = v->type == TJ_MVIEW_XY;
	snprintf(id, sizeof(id), "%s.%s", m->id, v->id);
	int rc = xmlTextWriterStartElement(w, X(xy ? "xyView" : "timeGraphView"));
	if (rc >= 0)
		rc = tcxml_attr(w, "id", id);
	if (rc >= 0)
		rc = write_head(w, m->id, v->label);
	if (rc >= 0 && !xy && (v->flags & TJ_MVIEW_STATES))
		rc = write_defined_values(w, m);
	if (rc >= 0)
		rc = xmlTextWriterStartElement(w, X("entry"));
	if (rc >= 0)
		rc = tcxml_attr(w, "path", v->path);
	if (rc >= 0 && xy && (v->flags & TJ_MVIEW_DELTA))
		rc = tcxml_attr(w, "displayType", "delta");
	if (rc >= 0)
		rc = v->display ? tcxml_empty(w, "display", "type", "constant", "value", v->display)
				: tcxml_empty(w, "display", "type", "self", NULL, NULL);
	if (rc >= 0 && !xy)
		rc = tcxml_empty(w, "name", "type", "self", NULL, NULL);
	if (rc >= 0)
		rc = xmlTextWriterEndElement(w); /* entry */
	if (rc >= 0)
		rc = xmlTextWriterEndElement(w);
	return rc;
}

int tcxml_write_provider(struct tcxml *x, xmlTextWriterPtr w, const struct tj_model *m)
{
	uint32_t kept = 0;
	for (uint32_t i = 0; i < m->nhandlers; i++) {
		const struct tj_mhandler *h = TCXML_AT(m->handlers, i);
		for (const char *const *e = h->events; e && *e; e++)
			kept += tcxml_match(x, *e).seen;
	}
	if (!kept)
		return 0;
	int rc = 0;
	for (uint32_t i = 0; rc >= 0 && i < m->nviews; i++)
		rc = write_view(w, m, TCXML_AT(m->views, i));
	if (rc >= 0)
		rc = xmlTextWriterStartElement(w, X("stateProvider"));
	if (rc >= 0)
		rc = tcxml_attr(w, "id", m->id);
	if (rc >= 0)
		rc = tcxml_attr(w, "version", "1");
	if (rc >= 0)
		rc = xmlTextWriterStartElement(w, X("head"));
	if (rc >= 0)
		rc = tcxml_empty(w, "traceType", "id", TCXML_TRACE_TYPE, NULL, NULL);
	if (rc >= 0)
		rc = tcxml_empty(w, "label", "value", m->label, NULL, NULL);
	if (rc >= 0)
		rc = xmlTextWriterEndElement(w);
	if (rc >= 0)
		rc = write_defined_values(w, m);
	for (uint32_t i = 0; rc >= 0 && i < m->nhandlers; i++) {
		const struct tj_mhandler *h = TCXML_AT(m->handlers, i);
		for (const char *const *e = h->events; rc >= 0 && e && *e; e++) {
			struct tcxml_match mt = tcxml_match(x, *e);
			if (!mt.seen || !h->nchanges) {
				x->handlers_dropped++;
				continue;
			}
			x->handlers_written++;
			rc = write_handler(w, h, *e, mt.all_vtid);
		}
	}
	if (rc >= 0)
		rc = xmlTextWriterEndElement(w);
	return rc;
}
