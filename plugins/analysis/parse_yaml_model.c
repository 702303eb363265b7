/*
 * The analysis-level half of the YAML reader: conditions ({eq: [A, B]},
 * ne/ge/gt/le/lt, {and: [...]}, {or: [...]}, {not: C}), state changes
 * (set/push/pop/popAll with value, increment, update; if/then/else;
 * segment), event handlers, and a pattern's tests, actions and FSMs, into
 * the model of model.h (the same one the Trace Compass XML gives).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "parse_yaml.h"

static int seq_check(struct py *p, yaml_node_t *n, const char *what)
{
	if (!n || n->type != YAML_SEQUENCE_NODE)
		return py_fail(p, n, "expected a list for %s", what);
	return 0;
}

static int cond(struct py *p, yaml_node_t *n, struct an_cond *c)
{
	static const char *const ops[] = {"eq", "ne", "ge", "gt", "le", "lt"};
	c->line = py_line(n);
	if (!n || n->type != YAML_MAPPING_NODE || n->data.mapping.pairs.top - n->data.mapping.pairs.start != 1)
		return py_fail(p, n, "a condition is a mapping with one of eq, ne, ge, gt, le, lt, and, "
				     "or, not");
	const char *k = py_scalar(py_node(p, n->data.mapping.pairs.start->key));
	yaml_node_t *v = py_node(p, n->data.mapping.pairs.start->value);
	for (uint8_t i = 0; k && i < 6; i++) {
		if (strcmp(k, ops[i]))
			continue;
		c->kind = AN_C_CMP;
		c->op = i;
		if (seq_check(p, v, "a comparison") || v->data.sequence.items.top - v->data.sequence.items.start != 2)
			return py_fail(p, v, "a comparison compares two values");
		return py_value(p, py_node(p, v->data.sequence.items.start[0]), &c->a) ||
		       py_value(p, py_node(p, v->data.sequence.items.start[1]), &c->b) ? -1 : 0;
	}
	if (k && !strcmp(k, "not")) {
		c->kind = AN_C_NOT;
		if (!(c->kids = calloc(1, sizeof(*c->kids))))
			return py_fail(p, n, "out of memory");
		c->n = 1;
		return cond(p, v, c->kids);
	}
	if (!k || (strcmp(k, "and") && strcmp(k, "or")))
		return py_fail(p, n, "unknown condition '%s'", k);
	c->kind = k[0] == 'a' ? AN_C_AND : AN_C_OR;
	if (seq_check(p, v, k))
		return -1;
	PY_ITEMS(it, v) {
		struct an_cond *kid = an_push(&c->kids, &c->n, sizeof(*kid));
		if (!kid || cond(p, py_node(p, *it), kid))
			return kid ? -1 : py_fail(p, v, "out of memory");
	}
	return c->n ? 0 : py_fail(p, v, "'%s' needs at least one condition", k);
}

static int changes(struct py *p, yaml_node_t *n, struct an_action **v, uint32_t *cnt, int segments);

static int segment(struct py *p, yaml_node_t *n, struct an_action *a)
{
	static const char *const types[] = {"int", "long", "string", "double", "null"};
	static const uint8_t tv[] = {AN_INT, AN_LONG, AN_STR, AN_DOUBLE, AN_NULL};
	a->kind = AN_A_SEGMENT;
	if (py_check_keys(p, n, an_yaml_segment_keys, "a segment"))
		return -1;
	yaml_node_t *nm = py_get(p, n, "name"), *fs = py_get(p, n, "fields");
	if (!nm)
		return py_fail(p, n, "a segment needs a name");
	if (py_value(p, nm, &a->val))
		return -1;
	if (!fs)
		return 0;
	if (fs->type != YAML_MAPPING_NODE)
		return py_fail(p, fs, "segment fields: a mapping of name: {type: T, value: V}");
	PY_PAIRS(kv, fs) {
		yaml_node_t *fv = py_node(p, kv->value), *t = py_get(p, fv, "type");
		struct an_segfield *f = an_push(&a->fields, &a->nfields, sizeof(*f));
		if (!f || py_dup(p, py_node(p, kv->key), &f->name, "a field name"))
			return -1;
		f->type = 0xff;
		for (int i = 0; i < 5 && py_scalar(t); i++)
			if (!strcmp(py_scalar(t), types[i]))
				f->type = tv[i];
		if (f->type == 0xff || !py_get(p, fv, "value"))
			return py_fail(p, fv, "segment field '%s' needs type (int, long, string, double, "
					      "null) and value", f->name);
		if (py_value(p, py_get(p, fv, "value"), &f->val))
			return -1;
	}
	return 0;
}

static int change(struct py *p, yaml_node_t *n, struct an_action *a, int segments)
{
	a->line = py_line(n);
	a->val.mapping = -1;
	if (py_check_keys(p, n, an_yaml_change_keys, "a state change"))
		return -1;
	yaml_node_t *k;
	if ((k = py_get(p, n, "segment"))) {
		if (!segments)
			return py_fail(p, k, "segments belong to pattern actions");
		return segment(p, k, a);
	}
	if ((k = py_get(p, n, "if"))) {
		a->kind = AN_A_IF;
		if (!(a->cond = calloc(1, sizeof(*a->cond))) || cond(p, k, a->cond))
			return -1;
		if (!py_get(p, n, "then"))
			return py_fail(p, n, "'if' needs 'then'");
		return changes(p, py_get(p, n, "then"), &a->then_, &a->nthen, 0) ||
		       (py_get(p, n, "else") && changes(p, py_get(p, n, "else"), &a->else_, &a->nelse, 0)) ? -1 : 0;
	}
	static const char *const verbs[] = {"set", "push", "pop", "popAll"};
	static const uint8_t stack[] = {AN_STACK_NONE, AN_STACK_PUSH, AN_STACK_POP, AN_STACK_POPALL};
	int found = -1;
	for (int i = 0; i < 4; i++)
		if (py_get(p, n, verbs[i])) {
			if (found >= 0)
				return py_fail(p, n, "one of set, push, pop, popAll per change");
			found = i;
		}
	if (found < 0)
		return py_fail(p, n, "a state change needs set, push, pop, popAll, if or segment");
	if (py_path(p, py_get(p, n, verbs[found]), &a->attr))
		return -1;
	yaml_node_t *v = py_get(p, n, "value");
	if (!v && found < 2)
		return py_fail(p, n, "'%s' needs a value", verbs[found]);
	if (v ? py_value(p, v, &a->val) : 0)
		return -1;
	if (!v) {
		a->val.kind = AN_V_CONST;
		a->val.ctype = AN_NULL;
		a->val.forced = AN_FORCE_NONE;
	}
	a->val.stack = stack[found];
	return py_bool(p, py_get(p, n, "increment"), &a->increment, 0) ||
	       py_bool(p, py_get(p, n, "update"), &a->update, 0) ? -1 : 0;
}

static int changes(struct py *p, yaml_node_t *n, struct an_action **v, uint32_t *cnt, int segments)
{
	if (n && n->type == YAML_MAPPING_NODE && !segments) {
		/* then/else: one change, as in the XML */
		struct an_action *a = an_push(v, cnt, sizeof(*a));
		return a ? change(p, n, a, 0) : py_fail(p, n, "out of memory");
	}
	if (seq_check(p, n, "state changes"))
		return -1;
	PY_ITEMS(it, n) {
		struct an_action *a = an_push(v, cnt, sizeof(*a));
		if (!a || change(p, py_node(p, *it), a, segments))
			return a ? -1 : py_fail(p, n, "out of memory");
	}
	return 0;
}

static int ids(struct py *p, yaml_node_t *n, uint32_t **out, uint32_t *cnt, int tests)
{
	if (!n)
		return 0;
	if (seq_check(p, n, tests ? "tests" : "actions"))
		return -1;
	PY_ITEMS(it, n) {
		const char *s = py_scalar(py_node(p, *it));
		int32_t id = !s ? -1 : tests ? an_find_test(p->a, s) : an_find_action(p->a, s);
		uint32_t *slot = id >= 0 ? an_push(out, cnt, sizeof(*slot)) : NULL;
		if (!slot)
			return py_fail(p, py_node(p, *it), tests ? "unknown test '%s'" : "unknown action '%s'", s);
		*slot = (uint32_t)id;
	}
	return 0;
}

static int transition(struct py *p, yaml_node_t *n, struct an_fsm *f, struct an_transition *t, int pre)
{
	t->line = py_line(n);
	t->target = -1;
	if (py_check_keys(p, n, an_yaml_transition_keys, pre ? "a precondition" : "a transition"))
		return -1;
	yaml_node_t *ev = py_get(p, n, "event");
	if (ev) {
		char **slot = an_push(&t->events, &t->nevents, sizeof(*slot));
		if (!slot || py_dup(p, ev, slot, "an event name"))
			return -1;
	}
	if (ids(p, py_get(p, n, "tests"), &t->tests, &t->ntests, 1))
		return -1;
	if (pre)
		return py_get(p, n, "target") || py_get(p, n, "actions")
			       ? py_fail(p, n, "a precondition has only event and tests") : 0;
	if (ids(p, py_get(p, n, "actions"), &t->actions, &t->nactions, 0))
		return -1;
	const char *target = py_scalar(py_get(p, n, "target"));
	if (!target || (t->target = an_find_state(f, target)) < 0)
		return py_fail(p, n, "a transition needs a target naming a state of its fsm");
	return 0;
}

static int fsm(struct py *p, yaml_node_t *n)
{
	struct an_fsm *f = an_push(&p->a->fsms, &p->a->nfsms, sizeof(*f));
	if (!f || py_check_keys(p, n, an_yaml_fsm_keys, "an fsm") || py_dup(p, py_get(p, n, "id"), &f->id, "the fsm id"))
		return -1;
	f->line = py_line(n);
	yaml_node_t *states = py_get(p, n, "states"), *pre = py_get(p, n, "preconditions");
	if (py_bool(p, py_get(p, n, "multiple"), &f->multiple, 1) ||
	    py_bool(p, py_get(p, n, "consuming"), &f->consuming, 1) || seq_check(p, states, "states"))
		return -1;
	PY_ITEMS(it, states) {
		yaml_node_t *s = py_node(p, *it);
		struct an_fsm_state *st = an_push(&f->states, &f->nstates, sizeof(*st));
		if (!st || py_check_keys(p, s, an_yaml_state_keys, "a state") ||
		    py_dup(p, py_get(p, s, "id"), &st->id, "the state id"))
			return -1;
	}
	uint32_t si = 0;
	PY_ITEMS(it, states) {
		yaml_node_t *s = py_node(p, *it), *tr = py_get(p, s, "transitions");
		struct an_fsm_state *st = &f->states[si++];
		if (tr) {
			if (seq_check(p, tr, "transitions"))
				return -1;
			PY_ITEMS(ti, tr) {
				struct an_transition *t = an_push(&st->trans, &st->ntrans, sizeof(*t));
				if (!t || transition(p, py_node(p, *ti), f, t, 0))
					return -1;
			}
		}
		if (ids(p, py_get(p, s, "onEntry"), &st->on_entry, &st->non_entry, 0) ||
		    ids(p, py_get(p, s, "onExit"), &st->on_exit, &st->non_exit, 0))
			return -1;
		uint8_t final;
		if (py_bool(p, py_get(p, s, "final"), &final, 0))
			return -1;
		if (final && st->ntrans)
			return py_fail(p, s, "a final state has no transitions");
		st->final = st->ntrans == 0;
	}
	if (pre) {
		if (seq_check(p, pre, "preconditions"))
			return -1;
		PY_ITEMS(it, pre) {
			struct an_transition *t = an_push(&f->pre, &f->npre, sizeof(*t));
			if (!t || transition(p, py_node(p, *it), f, t, 1))
				return -1;
		}
	}
	const char *init = py_scalar(py_get(p, n, "initial"));
	int32_t s = init ? an_find_state(f, init) : 0;
	if (s < 0 || !f->nstates)
		return py_fail(p, n, "the fsm's initial state is not one of its states");
	f->initial = (uint32_t)s;
	return 0;
}

static int named(struct py *p, yaml_node_t *n, int tests)
{
	if (!n)
		return 0;
	if (n->type != YAML_MAPPING_NODE)
		return py_fail(p, n, "expected a mapping of id: %s", tests ? "condition" : "changes");
	PY_PAIRS(kv, n) {
		yaml_node_t *v = py_node(p, kv->value);
		if (tests) {
			struct an_test *t = an_push(&p->a->tests, &p->a->ntests, sizeof(*t));
			if (!t || py_dup(p, py_node(p, kv->key), &t->id, "a test id") || cond(p, v, &t->cond))
				return -1;
		} else {
			struct an_named_action *na = an_push(&p->a->actions, &p->a->nactions, sizeof(*na));
			if (!na || py_dup(p, py_node(p, kv->key), &na->id, "an action id") ||
			    changes(p, v, &na->actions, &na->n, 1))
				return -1;
		}
	}
	return 0;
}

static int mappings(struct py *p, yaml_node_t *n)
{
	if (!n)
		return 0;
	if (n->type != YAML_MAPPING_NODE)
		return py_fail(p, n, "mappings: id: [[from, to], ...]");
	PY_PAIRS(kv, n) {
		struct an_mapping *m = an_push(&p->a->mappings, &p->a->nmappings, sizeof(*m));
		yaml_node_t *list = py_node(p, kv->value);
		if (!m || py_dup(p, py_node(p, kv->key), &m->id, "a mapping id") || seq_check(p, list, "a mapping"))
			return -1;
		PY_ITEMS(it, list) {
			yaml_node_t *e = py_node(p, *it);
			if (e->type != YAML_SEQUENCE_NODE || e->data.sequence.items.top - e->data.sequence.items.start != 2)
				return py_fail(p, e, "a mapping entry is [from, to]");
			uint32_t n1 = m->n, n2 = m->n;
			struct an_value *from = an_push(&m->from, &n1, sizeof(*from));
			struct an_value *to = from ? an_push(&m->to, &n2, sizeof(*to)) : NULL;
			if (!to)
				return py_fail(p, e, "out of memory");
			m->n++;
			if (py_value(p, py_node(p, e->data.sequence.items.start[0]), from) ||
			    py_value(p, py_node(p, e->data.sequence.items.start[1]), to))
				return -1;
		}
	}
	return 0;
}

static int handlers(struct py *p, yaml_node_t *n)
{
	if (seq_check(p, n, "handlers"))
		return -1;
	PY_ITEMS(it, n) {
		yaml_node_t *h = py_node(p, *it);
		struct an_handler *hd = an_push(&p->a->handlers, &p->a->nhandlers, sizeof(*hd));
		if (!hd || py_check_keys(p, h, an_yaml_handler_keys, "a handler") ||
		    py_dup(p, py_get(p, h, "event"), &hd->event, "the handler's event"))
			return -1;
		hd->line = py_line(h);
		if (changes(p, py_get(p, h, "changes"), &hd->actions, &hd->n, 0))
			return -1;
	}
	return 0;
}

static int analysis(struct py *p, yaml_node_t *root)
{
	if (py_check_keys(p, root, an_yaml_analysis_keys, "an analysis"))
		return -1;
	const char *type = py_scalar(py_get(p, root, "type"));
	if (!type || (strcmp(type, "stateProvider") && strcmp(type, "pattern")))
		return py_fail(p, root, "type is stateProvider or pattern");
	int pattern = type[0] == 'p';
	p->a->is_pattern = (uint8_t)pattern;
	p->locations = py_get(p, root, "locations");
	if (p->locations && p->locations->type != YAML_MAPPING_NODE)
		return py_fail(p, p->locations, "locations: name: path");
	if (py_dup(p, py_get(p, root, "id"), &p->a->id, "the analysis id") ||
	    (py_get(p, root, "label") && py_dup(p, py_get(p, root, "label"), &p->a->label, "the label")) ||
	    mappings(p, py_get(p, root, "mappings")))
		return -1;
	yaml_node_t *k;
	if (!pattern) {
		static const char *const only[] = {"tests", "actions", "fsms", "initial"};
		for (int i = 0; i < 4; i++)
			if ((k = py_get(p, root, only[i])))
				return py_fail(p, k, "'%s' belongs to a pattern", only[i]);
		if (!(k = py_get(p, root, "handlers")))
			return py_fail(p, root, "a stateProvider needs handlers");
		return handlers(p, k);
	}
	if ((k = py_get(p, root, "handlers")))
		return py_fail(p, k, "handlers belong to a stateProvider (a pattern has fsms)");
	if (named(p, py_get(p, root, "tests"), 1) || named(p, py_get(p, root, "actions"), 0))
		return -1;
	if (seq_check(p, (k = py_get(p, root, "fsms")), "fsms"))
		return -1;
	PY_ITEMS(it, k) {
		if (fsm(p, py_node(p, *it)))
			return -1;
	}
	if ((k = py_get(p, root, "initial"))) {
		if (seq_check(p, k, "initial"))
			return -1;
		PY_ITEMS(it, k) {
			const char *s = py_scalar(py_node(p, *it));
			int32_t id = s ? an_find_fsm(p->a, s) : -1;
			uint32_t *slot = id >= 0 ? an_push(&p->a->initial, &p->a->ninitial, sizeof(*slot)) : NULL;
			if (!slot)
				return py_fail(p, py_node(p, *it), "unknown initial fsm '%s'", s);
			*slot = (uint32_t)id;
		}
	}
	return 0;
}

int an_parse_yaml(struct an_set *set, const char *file, struct an_err *err)
{
	struct py p = {.err = err, .file = file};
	yaml_parser_t parser;
	FILE *f = fopen(file, "rb");
	if (!f) {
		an_errf(err, file, 0, "cannot open the analysis file");
		return -1;
	}
	if (!yaml_parser_initialize(&parser)) {
		fclose(f);
		an_errf(err, file, 0, "out of memory");
		return -1;
	}
	yaml_parser_set_input_file(&parser, f);
	int rc = 0;
	if (!yaml_parser_load(&parser, &p.doc)) {
		an_errf(err, file, (int)parser.problem_mark.line + 1, "not valid YAML: %s%s%s",
			parser.problem ? parser.problem : "syntax error", parser.context ? " " : "",
			parser.context ? parser.context : "");
		yaml_parser_delete(&parser);
		fclose(f);
		return -1;
	}
	yaml_node_t *root = yaml_document_get_root_node(&p.doc);
	if (!root)
		rc = py_fail(&p, NULL, "empty file");
	else if (!(p.a = an_set_add(set, file)))
		rc = py_fail(&p, root, "out of memory");
	else
		rc = analysis(&p, root);
	yaml_document_delete(&p.doc);
	yaml_parser_delete(&parser);
	fclose(f);
	return rc;
}
