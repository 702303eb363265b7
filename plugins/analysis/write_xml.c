/*
 * An analysis model (model.h) written back as one Trace Compass element, a
 * <stateProvider> or a <pattern>, with libxml2's xmlTextWriter: what the
 * descriptor's .model hands the tracecompass-xml exporter (tj_model.tmfxml),
 * so an analysis loaded from YAML (or XML) is exported like the built-in
 * analyzers.  The model mirrors Trace Compass's element by element
 * (doc/analysis.md), so this is the inverse of parse_xml.c: locations and
 * definedValues come back expanded in place, everything else as parsed.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libxml/xmlwriter.h>

#include "write_xml.h"

#define X(s) ((const xmlChar *)(s))
#define OK(e) \
	do { \
		if ((e) < 0) \
			return -1; \
	} while (0)

static const char *const type_names[] = {"null", "int", "long", "double", "string"};

static int start(xmlTextWriterPtr w, const char *name)
{
	return xmlTextWriterStartElement(w, X(name));
}
static int end(xmlTextWriterPtr w)
{
	return xmlTextWriterEndElement(w);
}
static int attr(xmlTextWriterPtr w, const char *name, const char *value)
{
	return xmlTextWriterWriteAttribute(w, X(name), X(value ? value : ""));
}
static int attr_num(xmlTextWriterPtr w, const char *name, int64_t v)
{
	char num[32];
	snprintf(num, sizeof(num), "%lld", (long long)v);
	return attr(w, name, num);
}

static int write_path(xmlTextWriterPtr w, const struct an_path *p);

/* One path element as a <stateAttribute>. */
static int write_attribute(xmlTextWriterPtr w, const struct an_value *v)
{
	OK(start(w, "stateAttribute"));
	switch (v->kind) {
	case AN_V_ATTR:
		OK(attr(w, "type", "constant"));
		OK(attr(w, "value", v->str));
		break;
	case AN_V_FIELD:
		OK(attr(w, "type", "eventField"));
		OK(attr(w, "value", v->str));
		break;
	case AN_V_EVENT_NAME:
		OK(attr(w, "type", "eventName"));
		break;
	case AN_V_SELF:
		OK(attr(w, "type", "self"));
		break;
	case AN_V_QUERY:
		OK(attr(w, "type", "query"));
		OK(write_path(w, v->path));
		break;
	default: /* a null constant */
		OK(attr(w, "type", "null"));
		break;
	}
	return end(w);
}

static int write_path(xmlTextWriterPtr w, const struct an_path *p)
{
	if (p->scenario) {
		OK(start(w, "stateAttribute"));
		OK(attr(w, "type", "constant"));
		OK(attr(w, "value", "#CurrentScenario"));
		OK(end(w));
	}
	for (uint32_t i = 0; i < p->n; i++)
		OK(write_attribute(w, &p->v[i]));
	return 0;
}

/* The attributes of a <stateValue> (or a segName's) and its children. */
static int write_value_body(const struct an_analysis *a, xmlTextWriterPtr w, const struct an_value *v)
{
	switch (v->kind) {
	case AN_V_CONST:
		OK(attr(w, "type", type_names[v->ctype < 5 ? v->ctype : 0]));
		if (v->ctype == AN_INT || v->ctype == AN_LONG)
			OK(attr_num(w, "value", v->num));
		else if (v->ctype == AN_STR)
			OK(attr(w, "value", v->str));
		break;
	case AN_V_FIELD:
		OK(attr(w, "type", "eventField"));
		OK(attr(w, "value", v->str));
		break;
	case AN_V_EVENT_NAME:
		OK(attr(w, "type", "eventName"));
		break;
	case AN_V_DELETE:
		OK(attr(w, "type", "delete"));
		break;
	case AN_V_PEEK:
		/* stack="peek" carries no type of its own: any is read as a query */
		OK(attr(w, "type", "query"));
		OK(attr(w, "stack", "peek"));
		break;
	case AN_V_QUERY:
		OK(attr(w, "type", "query"));
		break;
	default:
		OK(attr(w, "type", "null"));
		break;
	}
	static const char *const stacks[] = {NULL, "push", "pop", "popAll"};
	if (v->stack && v->stack < 4)
		OK(attr(w, "stack", stacks[v->stack]));
	if (v->forced != AN_FORCE_NONE && v->forced < 5)
		OK(attr(w, "forcedType", type_names[v->forced]));
	if (v->mapping >= 0 && (uint32_t)v->mapping < a->nmappings)
		OK(attr(w, "mappingGroup", a->mappings[v->mapping].id));
	if ((v->kind == AN_V_QUERY || v->kind == AN_V_PEEK) && v->path)
		OK(write_path(w, v->path));
	return 0;
}

static int write_value(const struct an_analysis *a, xmlTextWriterPtr w, const struct an_value *v,
		       int increment, int update)
{
	OK(start(w, "stateValue"));
	OK(write_value_body(a, w, v));
	if (increment)
		OK(attr(w, "increment", "true"));
	if (update)
		OK(attr(w, "update", "true"));
	return end(w);
}

static int write_cond(const struct an_analysis *a, xmlTextWriterPtr w, const struct an_cond *c)
{
	static const char *const ops[] = {"eq", "ne", "ge", "gt", "le", "lt"};
	static const char *const groups[] = {NULL, NULL, "and", "or", "not"};
	if (c->kind == AN_C_CMP) {
		OK(start(w, "condition"));
		if (c->op != AN_EQ && c->op < 6)
			OK(attr(w, "operator", ops[c->op]));
		if (c->a.kind == AN_V_QUERY && c->a.path) {
			OK(write_path(w, c->a.path)); /* stateAttributes, then the value */
		} else if (c->a.kind == AN_V_FIELD && c->a.forced == AN_FORCE_NONE) {
			OK(start(w, "field"));
			OK(attr(w, "name", c->a.str));
			OK(end(w));
		} else {
			OK(write_value(a, w, &c->a, 0, 0));
		}
		OK(write_value(a, w, &c->b, 0, 0));
		return end(w);
	}
	if (c->kind < AN_C_AND || c->kind > AN_C_NOT)
		return -1; /* true / event globs exist only inside transitions */
	OK(start(w, groups[c->kind]));
	for (uint32_t i = 0; i < c->n; i++)
		OK(write_cond(a, w, &c->kids[i]));
	return end(w);
}

static int write_change(const struct an_analysis *a, xmlTextWriterPtr w, const char *elem,
			const struct an_action *ac);

/* then/else hold one state change each (parse_xml.c's branch). */
static int write_branch(const struct an_analysis *a, xmlTextWriterPtr w, const char *elem,
			const struct an_action *v, uint32_t n)
{
	if (n != 1)
		return n ? -1 : 0;
	return write_change(a, w, elem, v);
}

static int write_change(const struct an_analysis *a, xmlTextWriterPtr w, const char *elem,
			const struct an_action *ac)
{
	OK(start(w, elem));
	if (ac->kind == AN_A_IF) {
		OK(start(w, "if"));
		OK(write_cond(a, w, ac->cond));
		OK(end(w));
		OK(write_branch(a, w, "then", ac->then_, ac->nthen));
		OK(write_branch(a, w, "else", ac->else_, ac->nelse));
	} else {
		OK(write_path(w, &ac->attr));
		OK(write_value(a, w, &ac->val, ac->increment, ac->update));
	}
	return end(w);
}

static int write_segment(const struct an_analysis *a, xmlTextWriterPtr w, const struct an_action *ac)
{
	OK(start(w, "segment"));
	OK(start(w, "segType"));
	if (ac->val.kind == AN_V_CONST && ac->val.ctype == AN_STR && ac->val.forced == AN_FORCE_NONE &&
	    ac->val.mapping < 0) {
		OK(attr(w, "segName", ac->val.str));
	} else {
		OK(start(w, "segName"));
		OK(write_value(a, w, &ac->val, 0, 0));
		OK(end(w));
	}
	OK(end(w));
	if (ac->nfields) {
		OK(start(w, "segContent"));
		for (uint32_t i = 0; i < ac->nfields; i++) {
			const struct an_segfield *f = &ac->fields[i];
			OK(start(w, "segField"));
			OK(attr(w, "name", f->name));
			OK(attr(w, "type", type_names[f->type < 5 ? f->type : 0]));
			OK(write_value(a, w, &f->val, 0, 0));
			OK(end(w));
		}
		OK(end(w));
	}
	return end(w);
}

static int write_actions(const struct an_analysis *a, xmlTextWriterPtr w, const struct an_action *v,
			 uint32_t n)
{
	for (uint32_t i = 0; i < n; i++)
		OK(v[i].kind == AN_A_SEGMENT ? write_segment(a, w, &v[i])
					     : write_change(a, w, "stateChange", &v[i]));
	return 0;
}

static int write_head(xmlTextWriterPtr w, const struct an_analysis *a)
{
	OK(start(w, "head"));
	OK(start(w, "traceType"));
	OK(attr(w, "id", WX_TRACE_TYPE));
	OK(end(w));
	if (a->label) {
		OK(start(w, "label"));
		OK(attr(w, "value", a->label));
		OK(end(w));
	}
	return end(w);
}

static int write_mappings(xmlTextWriterPtr w, const struct an_analysis *a)
{
	for (uint32_t i = 0; i < a->nmappings; i++) {
		const struct an_mapping *m = &a->mappings[i];
		OK(start(w, "mappingGroup"));
		OK(attr(w, "id", m->id));
		for (uint32_t j = 0; j < m->n; j++) {
			OK(start(w, "entry"));
			OK(write_value(a, w, &m->from[j], 0, 0));
			OK(write_value(a, w, &m->to[j], 0, 0));
			OK(end(w));
		}
		OK(end(w));
	}
	return 0;
}

/* A list of named tests or actions as "a:b" (TmfXmlPatternCu's separator). */
static int attr_ids(xmlTextWriterPtr w, const char *name, const uint32_t *ids, uint32_t n,
		    const struct an_analysis *a, int tests)
{
	char buf[1024];
	size_t len = 0;
	buf[0] = '\0';
	for (uint32_t i = 0; i < n; i++) {
		const char *id = tests ? a->tests[ids[i]].id : a->actions[ids[i]].id;
		int k = snprintf(buf + len, sizeof(buf) - len, "%s%s", i ? ":" : "", id);
		if (k < 0 || (size_t)k >= sizeof(buf) - len)
			return -1;
		len += (size_t)k;
	}
	return n ? attr(w, name, buf) : 0;
}

static int attr_events(xmlTextWriterPtr w, const struct an_transition *t)
{
	char buf[1024];
	size_t len = 0;
	buf[0] = '\0';
	for (uint32_t i = 0; i < t->nevents; i++) {
		int k = snprintf(buf + len, sizeof(buf) - len, "%s%s", i ? "|" : "", t->events[i]);
		if (k < 0 || (size_t)k >= sizeof(buf) - len)
			return -1;
		len += (size_t)k;
	}
	return t->nevents ? attr(w, "event", buf) : 0;
}

static int write_transition(xmlTextWriterPtr w, const struct an_analysis *a, const struct an_fsm *f,
			    const struct an_transition *t, int pre)
{
	OK(start(w, pre ? "precondition" : "transition"));
	OK(attr_events(w, t));
	OK(attr_ids(w, "cond", t->tests, t->ntests, a, 1));
	if (!pre) {
		OK(attr(w, "target", f->states[t->target].id));
		OK(attr_ids(w, "action", t->actions, t->nactions, a, 0));
		if (t->save_fields)
			OK(attr(w, "saveStoredFields", "true"));
		if (t->clear_fields)
			OK(attr(w, "clearStoredFields", "true"));
	}
	return end(w);
}

static int write_state(xmlTextWriterPtr w, const struct an_analysis *a, const struct an_fsm *f,
		       const struct an_fsm_state *s, const char *elem)
{
	OK(start(w, elem));
	if (strcmp(elem, "initialState"))
		OK(attr(w, "id", s->id));
	/* the XSD's order: onentry, onexit, then transitions */
	if (s->non_entry) {
		OK(start(w, "onentry"));
		OK(attr_ids(w, "action", s->on_entry, s->non_entry, a, 0));
		OK(end(w));
	}
	if (s->non_exit) {
		OK(start(w, "onexit"));
		OK(attr_ids(w, "action", s->on_exit, s->non_exit, a, 0));
		OK(end(w));
	}
	for (uint32_t j = 0; j < s->ntrans; j++)
		OK(write_transition(w, a, f, &s->trans[j], 0));
	return end(w);
}

/* The XSD's order: preconditions, initialState, states, final.  An
 * <initialState> comes back as one (parse_xml_top.c names it so), any
 * other initial state as the fsm's initial attribute. */
static int write_fsm(xmlTextWriterPtr w, const struct an_analysis *a, const struct an_fsm *f)
{
	const struct an_fsm_state *init = &f->states[f->initial];
	int init_elem = !strcmp(init->id, "initialState") && !init->final;
	OK(start(w, "fsm"));
	OK(attr(w, "id", f->id));
	if (!f->multiple)
		OK(attr(w, "multiple", "false"));
	if (!f->consuming)
		OK(attr(w, "consuming", "false"));
	if (!init_elem)
		OK(attr(w, "initial", init->id));
	for (uint32_t i = 0; i < f->npre; i++)
		OK(write_transition(w, a, f, &f->pre[i], 1));
	if (init_elem)
		OK(write_state(w, a, f, init, "initialState"));
	for (uint32_t i = 0; i < f->nstates; i++)
		if (!f->states[i].final && (!init_elem || i != f->initial))
			OK(write_state(w, a, f, &f->states[i], "state"));
	for (uint32_t i = 0; i < f->nstates; i++)
		if (f->states[i].final)
			OK(write_state(w, a, f, &f->states[i], "final"));
	return end(w);
}

static int write_pattern_handler(xmlTextWriterPtr w, const struct an_analysis *a)
{
	OK(start(w, "patternHandler"));
	if (a->ninitial) {
		char buf[1024];
		size_t len = 0;
		buf[0] = '\0';
		for (uint32_t i = 0; i < a->ninitial; i++) {
			int k = snprintf(buf + len, sizeof(buf) - len, "%s%s", i ? ":" : "",
					 a->fsms[a->initial[i]].id);
			if (k < 0 || (size_t)k >= sizeof(buf) - len)
				return -1;
			len += (size_t)k;
		}
		OK(attr(w, "initial", buf));
	}
	for (uint32_t i = 0; i < a->ntests; i++) {
		OK(start(w, "test"));
		OK(attr(w, "id", a->tests[i].id));
		OK(start(w, "if"));
		OK(write_cond(a, w, &a->tests[i].cond));
		OK(end(w));
		OK(end(w));
	}
	for (uint32_t i = 0; i < a->nactions; i++) {
		OK(start(w, "action"));
		OK(attr(w, "id", a->actions[i].id));
		OK(write_actions(a, w, a->actions[i].actions, a->actions[i].n));
		OK(end(w));
	}
	for (uint32_t i = 0; i < a->nfsms; i++)
		OK(write_fsm(w, a, &a->fsms[i]));
	return end(w);
}

static int write_analysis(xmlTextWriterPtr w, const struct an_analysis *a)
{
	OK(start(w, a->is_pattern ? "pattern" : "stateProvider"));
	OK(attr(w, "id", a->id));
	OK(attr(w, "version", "1"));
	OK(write_head(w, a));
	if (a->is_pattern) {
		for (uint32_t i = 0; i < a->nstored; i++) {
			OK(start(w, "storedField"));
			OK(attr(w, "id", a->stored[i].id));
			OK(attr(w, "alias", a->stored[i].alias));
			OK(end(w));
		}
		OK(write_mappings(w, a));
		OK(write_pattern_handler(w, a));
	} else {
		OK(write_mappings(w, a));
		for (uint32_t i = 0; i < a->nhandlers; i++) {
			const struct an_handler *h = &a->handlers[i];
			OK(start(w, "eventHandler"));
			OK(attr(w, "eventName", h->event));
			OK(write_actions(a, w, h->actions, h->n));
			OK(end(w));
		}
	}
	return end(w);
}

char *wx_analysis(const struct an_analysis *a)
{
	xmlBufferPtr buf = xmlBufferCreate();
	xmlTextWriterPtr w = buf ? xmlNewTextWriterMemory(buf, 0) : NULL;
	char *out = NULL;
	if (!w) {
		xmlBufferFree(buf);
		return NULL;
	}
	int rc = xmlTextWriterSetIndent(w, 1);
	if (rc >= 0)
		rc = xmlTextWriterSetIndentString(w, X("  "));
	if (rc >= 0)
		rc = write_analysis(w, a);
	if (rc >= 0)
		rc = xmlTextWriterFlush(w);
	xmlFreeTextWriter(w);
	if (rc >= 0)
		out = an_strdup((const char *)xmlBufferContent(buf));
	xmlBufferFree(buf);
	return out;
}
