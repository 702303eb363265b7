/*
 * Trace Compass XML (<tmfxml>) to the analysis model, with libxml2.  What
 * each element means follows Trace Compass's compiler (tmf.analysis.xml.core
 * fsm/compile: TmfXmlStateValueCu, TmfXmlConditionCu, TmfXmlFsmStateCu,
 * TmfXmlFsmStateTransitionCu, TmfXmlPatternEventHandlerCu); the element set
 * is checked here as strictly as the XSD would, and anything the engine
 * does not run (scripts, future times, time ranges, ...) is refused with
 * the element's name and line instead of being silently skipped.  Views
 * (<timeGraphView>, <xyView>) are presentation only and are ignored.
 */
#include <stdlib.h>
#include <string.h>

#include <libxml/parser.h>
#include <libxml/tree.h>

#include "model.h"

#include "parse_xml.h"

int px_line(xmlNode *n)
{
	return (int)xmlGetLineNo(n);
}

int px_fail(struct px *p, xmlNode *n, const char *what)
{
	an_errf(p->err, p->file, n ? px_line(n) : 0, "%s", what);
	return -1;
}

int px_unsupported(struct px *p, xmlNode *n, const char *inside)
{
	char buf[200];
	snprintf(buf, sizeof(buf), "unsupported element '%s' in '%s'", (const char *)n->name,
		 inside);
	return px_fail(p, n, buf);
}

/* An attribute's text, NULL when absent (caller frees with xmlFree). */
char *px_attr(xmlNode *n, const char *name)
{
	return (char *)xmlGetProp(n, (const xmlChar *)name);
}

int px_attr_is(xmlNode *n, const char *name, const char *value)
{
	char *v = px_attr(n, name);
	int r = v && strcmp(v, value) == 0;
	xmlFree(v);
	return r;
}

/* "$NAME" is a definedValue of the analysis (AnalysisCompilationData). */
char *px_resolved(struct px *p, xmlNode *n, const char *name)
{
	char *v = px_attr(n, name);
	if (!v || v[0] != '$' || !p->defined)
		return v;
	for (xmlNode *d = p->defined->children; d; d = d->next) {
		if (d->type != XML_ELEMENT_NODE || !PX_IS(d, "definedValue"))
			continue;
		char *dn = px_attr(d, "name");
		int hit = dn && strcmp(dn, v + 1) == 0;
		xmlFree(dn);
		if (hit) {
			xmlFree(v);
			return px_attr(d, "value");
		}
	}
	return v;
}

int px_dup(struct px *p, xmlNode *n, const char *name, char **out, int required)
{
	char *v = px_resolved(p, n, name);
	if (!v) {
		if (!required)
			return 0;
		char buf[160];
		snprintf(buf, sizeof(buf), "element '%s' needs a '%s' attribute", (const char *)n->name,
			 name);
		return px_fail(p, n, buf);
	}
	*out = an_strdup(v);
	xmlFree(v);
	return *out ? 0 : px_fail(p, n, "out of memory");
}


static int parse_type(struct px *p, xmlNode *n, const char *name, uint8_t *out)
{
	char *t = px_attr(n, name);
	int rc = 0;
	if (!t || !*t)
		*out = AN_FORCE_NONE;
	else if (!strcmp(t, "int"))
		*out = AN_INT;
	else if (!strcmp(t, "long"))
		*out = AN_LONG;
	else if (!strcmp(t, "string"))
		*out = AN_STR;
	else if (!strcmp(t, "double"))
		*out = AN_DOUBLE;
	else if (!strcmp(t, "null"))
		*out = AN_NULL;
	else
		rc = px_fail(p, n, "unknown forcedType (expected int, long, string, double or null)");
	xmlFree(t);
	return rc;
}

static int parse_number(struct px *p, xmlNode *n, const char *txt, int64_t *out)
{
	char *end;
	if (!txt || !*txt)
		return px_fail(p, n, "a numeric state value needs a 'value'");
	long long v = strtoll(txt, &end, 10);
	if (*end)
		return px_fail(p, n, "state value is not an integer");
	*out = v;
	return 0;
}

/* One <stateAttribute>: appended to path (a location expands in place). */
static int parse_attribute(struct px *p, xmlNode *n, struct an_path *path)
{
	char *type = px_attr(n, "type");
	int rc = 0;
	if (!type) {
		return px_fail(p, n, "stateAttribute needs a 'type'");
	} else if (!strcmp(type, "location")) {
		char *id = px_resolved(p, n, "value");
		xmlNode *loc = NULL;
		for (xmlNode *d = p->defined ? p->defined->children : NULL; id && d; d = d->next)
			if (d->type == XML_ELEMENT_NODE && PX_IS(d, "location") && px_attr_is(d, "id", id))
				loc = d;
		rc = loc ? px_path(p, loc, path) : px_fail(p, n, "unknown location");
		xmlFree(id);
		xmlFree(type);
		return rc;
	}
	struct an_value *v;
	if (!strcmp(type, "constant") && px_attr_is(n, "value", "#CurrentScenario")) {
		if (path->n)
			rc = px_fail(p, n, "#CurrentScenario must start the path");
		path->scenario = 1;
		xmlFree(type);
		return rc;
	}
	if (!(v = an_push(&path->v, &path->n, sizeof(*v)))) {
		xmlFree(type);
		return px_fail(p, n, "out of memory");
	}
	v->line = px_line(n);
	v->mapping = -1;
	v->forced = AN_FORCE_NONE;
	if (!strcmp(type, "constant")) {
		v->kind = AN_V_ATTR;
		rc = px_dup(p, n, "value", &v->str, 1);
	} else if (!strcmp(type, "eventField")) {
		v->kind = AN_V_FIELD;
		rc = px_dup(p, n, "value", &v->str, 1);
	} else if (!strcmp(type, "eventName")) {
		v->kind = AN_V_EVENT_NAME;
	} else if (!strcmp(type, "self")) {
		v->kind = AN_V_SELF;
	} else if (!strcmp(type, "null")) {
		v->kind = AN_V_CONST;
		v->ctype = AN_NULL;
	} else if (!strcmp(type, "query")) {
		v->kind = AN_V_QUERY;
		if (!(v->path = calloc(1, sizeof(*v->path))))
			rc = px_fail(p, n, "out of memory");
		else
			rc = px_path(p, n, v->path);
	} else {
		char buf[160];
		snprintf(buf, sizeof(buf), "unsupported stateAttribute type '%s'", type);
		rc = px_fail(p, n, buf);
	}
	xmlFree(type);
	return rc;
}

/* The <stateAttribute> children of parent, in order. */
int px_path(struct px *p, xmlNode *parent, struct an_path *path)
{
	for (xmlNode *c = parent->children; c; c = c->next) {
		if (c->type != XML_ELEMENT_NODE)
			continue;
		if (!PX_IS(c, "stateAttribute"))
			continue;
		if (parse_attribute(p, c, path))
			return -1;
	}
	return 0;
}

/* A <stateValue>; *stack gets its push/pop action (NULL: not allowed). */
int px_value(struct px *p, xmlNode *n, struct an_value *v)
{
	char *type = px_attr(n, "type"), *stack = px_attr(n, "stack"), *mg = px_attr(n, "mappingGroup");
	int rc = parse_type(p, n, "forcedType", &v->forced);
	v->line = px_line(n);
	v->mapping = -1;
	if (!rc && mg && *mg && (v->mapping = an_find_mapping(p->a, mg)) < 0)
		rc = px_fail(p, n, "unknown mappingGroup");
	if (!rc && stack && *stack) {
		if (!strcmp(stack, "push"))
			v->stack = AN_STACK_PUSH;
		else if (!strcmp(stack, "pop"))
			v->stack = AN_STACK_POP;
		else if (!strcmp(stack, "popAll"))
			v->stack = AN_STACK_POPALL;
		else if (!strcmp(stack, "peek"))
			v->kind = AN_V_PEEK;
		else
			rc = px_fail(p, n, "unknown stack action (expected push, pop, popAll or peek)");
	}
	if (rc) {
		/* already reported */
	} else if (v->kind == AN_V_PEEK) {
		if (!(v->path = calloc(1, sizeof(*v->path))))
			rc = px_fail(p, n, "out of memory");
		else
			rc = px_path(p, n, v->path);
	} else if (!type) {
		rc = px_fail(p, n, "stateValue needs a 'type'");
	} else if (!strcmp(type, "int") || !strcmp(type, "long")) {
		char *val = px_resolved(p, n, "value");
		v->kind = AN_V_CONST;
		v->ctype = type[0] == 'i' ? AN_INT : AN_LONG;
		rc = parse_number(p, n, val, &v->num);
		if (!rc && v->ctype == AN_INT && (v->num > INT32_MAX || v->num < INT32_MIN))
			rc = px_fail(p, n, "int state value out of range");
		xmlFree(val);
	} else if (!strcmp(type, "string")) {
		v->kind = AN_V_CONST;
		v->ctype = AN_STR;
		rc = px_dup(p, n, "value", &v->str, 0);
		if (!rc && !v->str && !(v->str = an_strdup("")))
			rc = px_fail(p, n, "out of memory");
	} else if (!strcmp(type, "null")) {
		v->kind = AN_V_CONST;
		v->ctype = AN_NULL;
	} else if (!strcmp(type, "delete")) {
		v->kind = AN_V_DELETE;
	} else if (!strcmp(type, "eventField")) {
		v->kind = AN_V_FIELD;
		rc = px_dup(p, n, "value", &v->str, 1);
	} else if (!strcmp(type, "eventName")) {
		v->kind = AN_V_EVENT_NAME;
	} else if (!strcmp(type, "query")) {
		v->kind = AN_V_QUERY;
		if (!(v->path = calloc(1, sizeof(*v->path))))
			rc = px_fail(p, n, "out of memory");
		else
			rc = px_path(p, n, v->path);
		if (!rc && !v->path->n && !v->path->scenario)
			rc = px_fail(p, n, "a query state value needs stateAttribute children");
	} else {
		char buf[160];
		snprintf(buf, sizeof(buf), "unsupported stateValue type '%s'", type);
		rc = px_fail(p, n, buf);
	}
	xmlFree(type);
	xmlFree(stack);
	xmlFree(mg);
	return rc;
}

static int parse_op(struct px *p, xmlNode *n, uint8_t *op)
{
	static const char *const ops[] = {"eq", "ne", "ge", "gt", "le", "lt"};
	char *o = px_attr(n, "operator");
	int rc = 0;
	*op = AN_EQ;
	if (o && *o) {
		rc = -1;
		for (uint8_t i = 0; i < 6; i++)
			if (!strcmp(o, ops[i])) {
				*op = i;
				rc = 0;
			}
		if (rc)
			px_fail(p, n, "unknown condition operator (expected eq, ne, ge, gt, le or lt)");
	}
	xmlFree(o);
	return rc;
}

/* <condition>: two stateValues, or stateAttributes (a query) or one <field>,
 * then one stateValue (TmfXmlConditionCu.compileValueCondition). */
static int single_condition(struct px *p, xmlNode *n, struct an_cond *c)
{
	xmlNode *vals[2] = {NULL, NULL}, *field = NULL;
	int nvals = 0, nattrs = 0;
	c->kind = AN_C_CMP;
	c->a.mapping = c->b.mapping = -1;
	PX_EACH(k, n) {
		if (PX_IS(k, "stateValue")) {
			if (nvals == 2)
				return px_fail(p, k, "a condition compares at most two state values");
			vals[nvals++] = k;
		} else if (PX_IS(k, "stateAttribute")) {
			nattrs++;
		} else if (PX_IS(k, "field")) {
			field = k;
		} else {
			return px_unsupported(p, k, "condition");
		}
	}
	if (parse_op(p, n, &c->op))
		return -1;
	if (nvals == 2)
		return px_value(p, vals[0], &c->a) || px_value(p, vals[1], &c->b) ? -1 : 0;
	if (nvals != 1 || (!nattrs && !field) || (nattrs && field))
		return px_fail(p, n, "a condition needs two stateValues, or stateAttributes or one field "
				     "and one stateValue");
	if (px_value(p, vals[0], &c->b))
		return -1;
	c->a.line = px_line(n);
	c->a.forced = AN_FORCE_NONE;
	if (field) {
		c->a.kind = AN_V_FIELD;
		return px_dup(p, field, "name", &c->a.str, 1);
	}
	c->a.kind = AN_V_QUERY;
	if (!(c->a.path = calloc(1, sizeof(*c->a.path))))
		return px_fail(p, n, "out of memory");
	return px_path(p, n, c->a.path);
}

int px_condition(struct px *p, xmlNode *n, struct an_cond *c)
{
	c->line = px_line(n);
	if (PX_IS(n, "condition"))
		return single_condition(p, n, c);
	if (!PX_IS(n, "and") && !PX_IS(n, "or") && !PX_IS(n, "not"))
		return px_unsupported(p, n, n->parent ? (const char *)n->parent->name : "?");
	c->kind = PX_IS(n, "and") ? AN_C_AND : PX_IS(n, "or") ? AN_C_OR : AN_C_NOT;
	PX_EACH(k, n) {
		struct an_cond *kid = an_push(&c->kids, &c->n, sizeof(*kid));
		if (!kid)
			return px_fail(p, k, "out of memory");
		if (px_condition(p, k, kid))
			return -1;
	}
	if (c->n == 0 || (c->kind == AN_C_NOT && c->n != 1))
		return px_fail(p, n, c->kind == AN_C_NOT ? "'not' needs exactly one condition"
							 : "'and'/'or' need at least one condition");
	return 0;
}

/* <if> holds exactly one condition. */
static int if_condition(struct px *p, xmlNode *n, struct an_cond **out)
{
	xmlNode *only = NULL;
	PX_EACH(k, n) {
		if (only)
			return px_fail(p, k, "'if' holds one condition (use 'and'/'or')");
		only = k;
	}
	if (!only)
		return px_fail(p, n, "empty 'if'");
	if (!(*out = calloc(1, sizeof(**out))))
		return px_fail(p, n, "out of memory");
	return px_condition(p, only, *out);
}

/* <then>/<else> are state changes themselves (stateChange type in the XSD,
 * TmfXmlActionCu compiles them as one). */
static int branch(struct px *p, xmlNode *n, struct an_action **v, uint32_t *cnt)
{
	struct an_action *a = an_push(v, cnt, sizeof(*a));
	if (!a)
		return px_fail(p, n, "out of memory");
	return px_state_change(p, n, a);
}

static int flag_attr(struct px *p, xmlNode *n, const char *name, uint8_t *out)
{
	char *v = px_attr(n, name);
	*out = v && !strcmp(v, "true");
	int bad = v && strcmp(v, "true") && strcmp(v, "false");
	xmlFree(v);
	if (bad) {
		char buf[120];
		snprintf(buf, sizeof(buf), "'%s' must be true or false", name);
		return px_fail(p, n, buf);
	}
	return 0;
}

/* <stateChange>: stateAttributes then one stateValue, or if/then/else. */
int px_state_change(struct px *p, xmlNode *n, struct an_action *a)
{
	xmlNode *val = NULL;
	a->line = px_line(n);
	a->val.mapping = -1;
	PX_EACH(k, n) {
		if (PX_IS(k, "stateAttribute")) {
			continue;
		} else if (PX_IS(k, "stateValue") && !val) {
			val = k;
		} else if (PX_IS(k, "if")) {
			a->kind = AN_A_IF;
			if (if_condition(p, k, &a->cond))
				return -1;
		} else if (PX_IS(k, "then") || PX_IS(k, "else")) {
			int then = PX_IS(k, "then");
			if ((then ? a->nthen : a->nelse) || a->kind != AN_A_IF)
				return px_fail(p, k, "'then'/'else' follow one 'if'");
			if (branch(p, k, then ? &a->then_ : &a->else_, then ? &a->nthen : &a->nelse))
				return -1;
		} else {
			return px_unsupported(p, k, "stateChange");
		}
	}
	if (a->kind == AN_A_IF)
		return a->nthen ? 0 : px_fail(p, n, "conditional stateChange needs a 'then'");
	if (!val)
		return px_fail(p, n, "stateChange needs a stateValue");
	if (px_path(p, n, &a->attr) || px_value(p, val, &a->val) ||
	    flag_attr(p, val, "increment", &a->increment) || flag_attr(p, val, "update", &a->update))
		return -1;
	if (!a->attr.n && !a->attr.scenario)
		return px_fail(p, n, "stateChange needs stateAttributes");
	return 0;
}

static int seg_field(struct px *p, xmlNode *n, struct an_action *a)
{
	struct an_segfield *f = an_push(&a->fields, &a->nfields, sizeof(*f));
	xmlNode *val = NULL;
	if (!f)
		return px_fail(p, n, "out of memory");
	f->val.mapping = -1;
	if (px_dup(p, n, "name", &f->name, 1) || parse_type(p, n, "type", &f->type))
		return -1;
	if (f->type == AN_FORCE_NONE)
		return px_fail(p, n, "segField needs a 'type'");
	PX_EACH(k, n) {
		if (!PX_IS(k, "stateValue") || val)
			return px_unsupported(p, k, "segField");
		val = k;
	}
	if (val)
		return px_value(p, val, &f->val);
	char *c = px_resolved(p, n, "value");
	f->val.kind = AN_V_CONST;
	f->val.ctype = f->type == AN_NULL ? AN_NULL : AN_STR;
	f->val.forced = f->type;
	f->val.str = an_strdup(c ? c : "");
	xmlFree(c);
	return f->val.str ? 0 : px_fail(p, n, "out of memory");
}

/* <segment>: segType (segName attribute or <segName><stateValue>), segContent. */
int px_segment(struct px *p, xmlNode *n, struct an_action *a)
{
	a->kind = AN_A_SEGMENT;
	a->line = px_line(n);
	a->val.mapping = -1;
	a->val.forced = AN_FORCE_NONE;
	int named = 0;
	PX_EACH(k, n) {
		if (PX_IS(k, "segType")) {
			char *sn = px_resolved(p, k, "segName");
			if (sn) {
				a->val.kind = AN_V_CONST;
				a->val.ctype = AN_STR;
				a->val.str = an_strdup(sn);
				named = 1;
				xmlFree(sn);
			}
			PX_EACH(s, k) {
				xmlNode *v = NULL;
				if (!PX_IS(s, "segName"))
					return px_unsupported(p, s, "segType");
				PX_EACH(sv, s) v = sv;
				if (!v || !PX_IS(v, "stateValue") || px_value(p, v, &a->val))
					return v ? -1 : px_fail(p, s, "segName needs a stateValue");
				named = 1;
			}
		} else if (PX_IS(k, "segContent")) {
			PX_EACH(f, k) {
				if (!PX_IS(f, "segField"))
					return px_unsupported(p, f, "segContent");
				if (seg_field(p, f, a))
					return -1;
			}
		} else {
			return px_unsupported(p, k, "segment");
		}
	}
	return named ? 0 : px_fail(p, n, "segment needs a segType with a name");
}
