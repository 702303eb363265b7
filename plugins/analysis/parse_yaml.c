/*
 * tjconv's YAML analyses (share/analyses/, schema in
 * schemas/tjconv-analysis.schema.json, syntax in doc/analysis.md) to the same
 * model the Trace Compass XML compiles to, with libyaml's document API.
 * Paths are "A/$field/@Location/B" strings (or lists whose elements may be
 * {query: PATH}); values are scalars (42 int, "text", null, "$field") or
 * one-key mappings ({long: 5}, {query: PATH}, {peek: PATH}, {field: F},
 * {eventName: true}, {delete: true}) with optional mapping/forcedType.
 * Every key is checked; errors name the file and line.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <yaml.h>

#include "parse_yaml.h"

const char *const an_yaml_analysis_keys[] = {"id", "label", "type", "locations", "mappings",
					     "handlers", "tests", "actions", "fsms", "initial", NULL};
const char *const an_yaml_handler_keys[] = {"event", "changes", NULL};
const char *const an_yaml_change_keys[] = {"set", "push", "pop", "popAll", "value", "increment",
					  "update", "if", "then", "else", "segment", NULL};
const char *const an_yaml_segment_keys[] = {"name", "fields", NULL};
const char *const an_yaml_fsm_keys[] = {"id", "multiple", "consuming", "initial",
				       "preconditions", "states", NULL};
const char *const an_yaml_state_keys[] = {"id", "final", "transitions", "onEntry", "onExit", NULL};
const char *const an_yaml_transition_keys[] = {"event", "tests", "target", "actions", NULL};
const char *const an_yaml_value_keys[] = {"int", "long", "string", "double", "null", "field",
					 "query", "peek", "eventName", "delete", "self",
					 "mapping", "forcedType", NULL};

int py_line(yaml_node_t *n)
{
	return n ? (int)n->start_mark.line + 1 : 0;
}

int py_fail(struct py *p, yaml_node_t *n, const char *fmt, ...)
{
	char buf[300];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	an_errf(p->err, p->file, py_line(n), "%s", buf);
	return -1;
}

yaml_node_t *py_node(struct py *p, int id)
{
	return yaml_document_get_node(&p->doc, id);
}

const char *py_scalar(yaml_node_t *n)
{
	return n && n->type == YAML_SCALAR_NODE ? (const char *)n->data.scalar.value : NULL;
}

int py_is_plain(yaml_node_t *n)
{
	return n->type == YAML_SCALAR_NODE && n->data.scalar.style == YAML_PLAIN_SCALAR_STYLE;
}

/* Value of key in mapping m, NULL if absent. */
yaml_node_t *py_get(struct py *p, yaml_node_t *m, const char *key)
{
	if (!m || m->type != YAML_MAPPING_NODE)
		return NULL;
	for (yaml_node_pair_t *k = m->data.mapping.pairs.start; k < m->data.mapping.pairs.top; k++) {
		const char *s = py_scalar(py_node(p, k->key));
		if (s && !strcmp(s, key))
			return py_node(p, k->value);
	}
	return NULL;
}

int py_check_keys(struct py *p, yaml_node_t *m, const char *const *keys, const char *what)
{
	if (!m || m->type != YAML_MAPPING_NODE)
		return py_fail(p, m, "expected a mapping for %s", what);
	for (yaml_node_pair_t *k = m->data.mapping.pairs.start; k < m->data.mapping.pairs.top; k++) {
		const char *s = py_scalar(py_node(p, k->key));
		int known = 0;
		for (const char *const *q = keys; s && *q && !known; q++)
			known = !strcmp(*q, s);
		if (!known) {
			char buf[200];
			snprintf(buf, sizeof(buf), "unknown key '%s' in %s", s ? s : "?", what);
			return py_fail(p, py_node(p, k->key), "%s", buf);
		}
	}
	return 0;
}

int py_bool(struct py *p, yaml_node_t *n, uint8_t *out, int dflt)
{
	const char *s = py_scalar(n);
	if (!n) {
		*out = (uint8_t)dflt;
		return 0;
	}
	if (s && (!strcmp(s, "true") || !strcmp(s, "false"))) {
		*out = s[0] == 't';
		return 0;
	}
	return py_fail(p, n, "expected true or false");
}

int py_dup(struct py *p, yaml_node_t *n, char **out, const char *what)
{
	const char *s = py_scalar(n);
	if (!s)
		return py_fail(p, n, "expected a text for %s", what);
	return (*out = an_strdup(s)) ? 0 : py_fail(p, n, "out of memory");
}


static struct an_value *path_elem(struct py *p, yaml_node_t *n, struct an_path *out)
{
	struct an_value *v = an_push(&out->v, &out->n, sizeof(*v));
	if (!v) {
		py_fail(p, n, "out of memory");
		return NULL;
	}
	v->line = py_line(n);
	v->mapping = -1;
	v->forced = AN_FORCE_NONE;
	return v;
}

/* One "a/$f/@Loc" text, appended to out. */
static int path_text(struct py *p, yaml_node_t *n, const char *text, struct an_path *out)
{
	char buf[512];
	snprintf(buf, sizeof(buf), "%s", text);
	for (char *tok = buf, *next; tok; tok = next) {
		next = strchr(tok, '/');
		if (next)
			*next++ = 0;
		if (!*tok)
			return py_fail(p, n, "empty element in path '%s'", text);
		if (!strcmp(tok, "#CurrentScenario")) {
			if (out->n)
				return py_fail(p, n, "#CurrentScenario must start the path");
			out->scenario = 1;
			continue;
		}
		if (tok[0] == '@') {
			yaml_node_t *loc = py_get(p, p->locations, tok + 1);
			if (!loc)
				return py_fail(p, n, "unknown location '%s'", tok + 1);
			if (py_path(p, loc, out))
				return -1;
			continue;
		}
		struct an_value *v = path_elem(p, n, out);
		if (!v)
			return -1;
		v->kind = tok[0] == '$' ? AN_V_FIELD : AN_V_ATTR;
		if (!(v->str = an_strdup(tok[0] == '$' ? tok + 1 : tok)))
			return py_fail(p, n, "out of memory");
	}
	return 0;
}

int py_path(struct py *p, yaml_node_t *n, struct an_path *out)
{
	const char *s = py_scalar(n);
	if (s)
		return path_text(p, n, s, out);
	if (!n || n->type != YAML_SEQUENCE_NODE)
		return py_fail(p, n, "expected a path (\"A/$field/@Location\" or a list)");
	for (yaml_node_item_t *i = n->data.sequence.items.start; i < n->data.sequence.items.top; i++) {
		yaml_node_t *e = py_node(p, *i);
		if (py_scalar(e)) {
			if (path_text(p, e, py_scalar(e), out))
				return -1;
			continue;
		}
		struct an_value *v = path_elem(p, e, out);
		if (!v || py_value(p, e, v))
			return -1;
	}
	return 0;
}

static int number(struct py *p, yaml_node_t *n, int64_t *out)
{
	const char *s = py_scalar(n);
	char *end;
	if (!s || !*s)
		return py_fail(p, n, "expected an integer");
	*out = strtoll(s, &end, 0);
	return *end ? py_fail(p, n, "expected an integer, not '%s'", s) : 0;
}

int py_value(struct py *p, yaml_node_t *n, struct an_value *v)
{
	const char *s = py_scalar(n);
	v->line = py_line(n);
	v->mapping = -1;
	v->forced = AN_FORCE_NONE;
	if (s) {
		int64_t i;
		char *end;
		v->kind = AN_V_CONST;
		if (py_is_plain(n) && (!strcmp(s, "null") || !strcmp(s, "~") || !*s)) {
			v->ctype = AN_NULL;
			return 0;
		}
		i = strtoll(s, &end, 10);
		if (py_is_plain(n) && *s && !*end) {
			if (i > INT32_MAX || i < INT32_MIN)
				return py_fail(p, n, "%s does not fit an int (use {long: N})", s);
			v->ctype = AN_INT;
			v->num = i;
			return 0;
		}
		if (s[0] == '$') {
			v->kind = AN_V_FIELD;
			return (v->str = an_strdup(s + 1)) ? 0 : py_fail(p, n, "out of memory");
		}
		v->ctype = AN_STR;
		return (v->str = an_strdup(s)) ? 0 : py_fail(p, n, "out of memory");
	}
	if (py_check_keys(p, n, an_yaml_value_keys, "a value"))
		return -1;
	yaml_node_t *k;
	int rc = 0, kinds = 0;
	if ((k = py_get(p, n, "int")) || (k = py_get(p, n, "long"))) {
		v->kind = AN_V_CONST;
		v->ctype = py_get(p, n, "int") ? AN_INT : AN_LONG;
		rc = number(p, k, &v->num);
		kinds++;
	}
	if ((k = py_get(p, n, "string")) || (k = py_get(p, n, "double"))) {
		v->kind = AN_V_CONST;
		v->ctype = py_get(p, n, "string") ? AN_STR : AN_DOUBLE;
		rc = rc ? rc : py_dup(p, k, &v->str, "a constant");
		kinds++;
	}
	if (py_get(p, n, "null")) {
		v->kind = AN_V_CONST;
		v->ctype = AN_NULL;
		kinds++;
	}
	if ((k = py_get(p, n, "field"))) {
		v->kind = AN_V_FIELD;
		rc = rc ? rc : py_dup(p, k, &v->str, "a field name");
		kinds++;
	}
	if ((k = py_get(p, n, "query")) || (k = py_get(p, n, "peek"))) {
		v->kind = py_get(p, n, "query") ? AN_V_QUERY : AN_V_PEEK;
		if (!rc && !(v->path = calloc(1, sizeof(*v->path))))
			rc = py_fail(p, n, "out of memory");
		rc = rc ? rc : py_path(p, k, v->path);
		kinds++;
	}
	if (py_get(p, n, "eventName") || py_get(p, n, "delete") || py_get(p, n, "self")) {
		v->kind = py_get(p, n, "eventName") ? AN_V_EVENT_NAME
			  : py_get(p, n, "delete")  ? AN_V_DELETE
						 : AN_V_SELF;
		kinds++;
	}
	if (!rc && kinds != 1)
		return py_fail(p, n, "a value has exactly one of int, long, string, double, null, field, "
				  "query, peek, eventName, delete, self");
	if (!rc && (k = py_get(p, n, "mapping"))) {
		const char *m = py_scalar(k);
		if (!m || (v->mapping = an_find_mapping(p->a, m)) < 0)
			return py_fail(p, k, "unknown mapping '%s'", m);
	}
	if (!rc && (k = py_get(p, n, "forcedType"))) {
		const char *t = py_scalar(k);
		v->forced = !t ? 0xfe : !strcmp(t, "int") ? AN_INT : !strcmp(t, "long") ? AN_LONG
			    : !strcmp(t, "string") ? AN_STR : !strcmp(t, "double") ? AN_DOUBLE : 0xfe;
		if (v->forced == 0xfe)
			return py_fail(p, k, "forcedType is int, long, string or double");
	}
	return rc;
}

