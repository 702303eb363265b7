/*
 * The top of a <tmfxml> document: <stateProvider> (eventHandlers) and
 * <pattern> (patternHandler: named tests and actions, FSMs), as Trace
 * Compass's TmfXmlStateProviderCu, TmfXmlPatternCu, TmfXmlPatternEventHandlerCu
 * and TmfXmlFsmStateCu compile them.  Defaults are Trace Compass's: an FSM
 * is `multiple` and `consuming` unless it says otherwise, its initial state
 * is <initialState>, else the `initial` attribute or <initial><transition
 * target>, else the first <state>.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libxml/parser.h>
#include <libxml/xmlerror.h>
#include <libxml/xmlversion.h>

#include "parse_xml.h"

static int split_ids(struct px *p, xmlNode *n, const char *attrname, uint32_t **out,
		     uint32_t *cnt, int is_test)
{
	char *s = px_attr(n, attrname);
	int rc = 0;
	for (char *tok = s, *next; tok && *tok && !rc; tok = next) {
		next = strchr(tok, ':');
		if (next)
			*next++ = 0;
		else
			next = tok + strlen(tok);
		int32_t id = is_test ? an_find_test(p->a, tok) : an_find_action(p->a, tok);
		uint32_t *slot;
		if (id < 0) {
			char buf[200];
			snprintf(buf, sizeof(buf), "unknown %s '%s'", is_test ? "test" : "action", tok);
			rc = px_fail(p, n, buf);
		} else if (!(slot = an_push(out, cnt, sizeof(*slot)))) {
			rc = px_fail(p, n, "out of memory");
		} else {
			*slot = (uint32_t)id;
		}
	}
	xmlFree(s);
	return rc;
}

static int transition(struct px *p, xmlNode *n, struct an_fsm *f, struct an_transition *t,
		      int pre)
{
	char *ev = px_attr(n, "event");
	int rc = 0;
	t->line = px_line(n);
	t->target = -1;
	for (char *tok = ev, *next; tok && *tok && !rc; tok = next) {
		next = strchr(tok, '|');
		if (next)
			*next++ = 0;
		else
			next = tok + strlen(tok);
		char **slot = an_push(&t->events, &t->nevents, sizeof(*slot));
		if (!slot || !(*slot = an_strdup(tok)))
			rc = px_fail(p, n, "out of memory");
	}
	xmlFree(ev);
	if (rc || split_ids(p, n, "cond", &t->tests, &t->ntests, 1))
		return -1;
	if (pre)
		return 0;
	if (split_ids(p, n, "action", &t->actions, &t->nactions, 0))
		return -1;
	char *target = px_attr(n, "target");
	t->target = target ? an_find_state(f, target) : -1;
	xmlFree(target);
	if (t->target < 0)
		return px_fail(p, n, "transition needs a 'target' naming a state of its fsm");
	char *sv = px_attr(n, "saveStoredFields"), *cl = px_attr(n, "clearStoredFields");
	t->save_fields = sv && !strcmp(sv, "true");
	t->clear_fields = cl && !strcmp(cl, "true");
	xmlFree(sv);
	xmlFree(cl);
	return 0;
}

static int state_decl(struct px *p, xmlNode *n, struct an_fsm *f, int final, const char *id)
{
	struct an_fsm_state *st = an_push(&f->states, &f->nstates, sizeof(*st));
	if (!st)
		return px_fail(p, n, "out of memory");
	st->final = (uint8_t)final;
	if (id)
		return (st->id = an_strdup(id)) ? 0 : px_fail(p, n, "out of memory");
	if (px_dup(p, n, "id", &st->id, 1))
		return -1;
	for (uint32_t i = 0; i + 1 < f->nstates; i++)
		if (!strcmp(f->states[i].id, st->id))
			return px_fail(p, n, "duplicate state id");
	return 0;
}

static int state_body(struct px *p, xmlNode *n, struct an_fsm *f, struct an_fsm_state *st)
{
	PX_EACH(k, n) {
		if (PX_IS(k, "transition")) {
			struct an_transition *t = an_push(&st->trans, &st->ntrans, sizeof(*t));
			if (!t)
				return px_fail(p, k, "out of memory");
			if (transition(p, k, f, t, 0))
				return -1;
		} else if (PX_IS(k, "onentry") || PX_IS(k, "onexit")) {
			int entry = PX_IS(k, "onentry");
			if (split_ids(p, k, "action", entry ? &st->on_entry : &st->on_exit,
				      entry ? &st->non_entry : &st->non_exit, 0))
				return -1;
		} else {
			return px_unsupported(p, k, "state");
		}
	}
	st->final = st->ntrans == 0; /* DataDrivenFsmSimpleState.isFinal */
	return 0;
}

static int fsm(struct px *p, xmlNode *n)
{
	struct an_fsm *f = an_push(&p->a->fsms, &p->a->nfsms, sizeof(*f));
	xmlNode *init_state = NULL, *init = NULL;
	if (!f)
		return px_fail(p, n, "out of memory");
	f->line = px_line(n);
	if (px_dup(p, n, "id", &f->id, 1))
		return -1;
	f->multiple = !px_attr_is(n, "multiple", "false");
	f->consuming = !px_attr_is(n, "consuming", "false");
	/* declare every state first: transitions name later ones */
	PX_EACH(k, n) {
		if (PX_IS(k, "state") || PX_IS(k, "final")) {
			if (state_decl(p, k, f, PX_IS(k, "final"), NULL))
				return -1;
		} else if (PX_IS(k, "initialState")) {
			init_state = k;
		} else if (PX_IS(k, "initial")) {
			init = k;
		} else if (!PX_IS(k, "precondition")) {
			return px_unsupported(p, k, "fsm");
		}
	}
	uint32_t nplain = f->nstates;
	if (init_state && state_decl(p, init_state, f, 0, "initialState"))
		return -1;
	uint32_t si = 0;
	PX_EACH(k, n) {
		if (PX_IS(k, "state") || PX_IS(k, "final")) {
			if (state_body(p, k, f, &f->states[si++]))
				return -1;
		} else if (PX_IS(k, "precondition")) {
			struct an_transition *t = an_push(&f->pre, &f->npre, sizeof(*t));
			if (!t || transition(p, k, f, t, 1))
				return t ? -1 : px_fail(p, k, "out of memory");
		}
	}
	char *initial = px_attr(n, "initial");
	int rc = 0;
	if (init_state) {
		f->initial = nplain;
		rc = state_body(p, init_state, f, &f->states[nplain]);
	} else if (initial || init) {
		xmlNode *t = NULL;
		char *target = NULL;
		if (!initial)
			PX_EACH(k, init) if (PX_IS(k, "transition") && !t) t = k;
		if (!initial && t)
			target = px_attr(t, "target");
		int32_t s = an_find_state(f, initial ? initial : target ? target : "");
		xmlFree(target);
		if (s < 0)
			rc = px_fail(p, initial ? n : init, "the fsm's initial state is not one of its states");
		f->initial = (uint32_t)(s < 0 ? 0 : s);
	} else if (!nplain) {
		rc = px_fail(p, n, "fsm has no state");
	}
	xmlFree(initial);
	return rc;
}

static int named_action(struct px *p, xmlNode *n)
{
	struct an_named_action *na = an_push(&p->a->actions, &p->a->nactions, sizeof(*na));
	if (!na)
		return px_fail(p, n, "out of memory");
	if (px_dup(p, n, "id", &na->id, 1))
		return -1;
	PX_EACH(k, n) {
		struct an_action *a = an_push(&na->actions, &na->n, sizeof(*a));
		if (!a)
			return px_fail(p, k, "out of memory");
		if (PX_IS(k, "stateChange")) {
			if (px_state_change(p, k, a))
				return -1;
		} else if (PX_IS(k, "segment")) {
			if (px_segment(p, k, a))
				return -1;
		} else {
			return px_unsupported(p, k, "action");
		}
	}
	return 0;
}

static int named_test(struct px *p, xmlNode *n)
{
	struct an_test *t = an_push(&p->a->tests, &p->a->ntests, sizeof(*t));
	xmlNode *iff = NULL, *only = NULL;
	if (!t)
		return px_fail(p, n, "out of memory");
	if (px_dup(p, n, "id", &t->id, 1))
		return -1;
	PX_EACH(k, n) iff = k;
	if (!iff || !PX_IS(iff, "if"))
		return px_fail(p, n, "test needs an 'if'");
	PX_EACH(k, iff) {
		if (only)
			return px_fail(p, k, "'if' holds one condition (use 'and'/'or')");
		only = k;
	}
	return only ? px_condition(p, only, &t->cond) : px_fail(p, iff, "empty 'if'");
}

static int pattern_handler(struct px *p, xmlNode *n)
{
	/* tests and actions first, then FSMs (they refer to both) */
	PX_EACH(k, n) {
		if (PX_IS(k, "test") ? named_test(p, k) : PX_IS(k, "action") ? named_action(p, k) : 0)
			return -1;
	}
	PX_EACH(k, n) {
		if (PX_IS(k, "fsm")) {
			if (fsm(p, k))
				return -1;
		} else if (!PX_IS(k, "test") && !PX_IS(k, "action")) {
			return px_unsupported(p, k, "patternHandler");
		}
	}
	char *init = px_attr(n, "initial");
	int rc = 0;
	for (char *tok = init, *next; tok && *tok && !rc; tok = next) {
		next = strchr(tok, ':');
		if (next)
			*next++ = 0;
		else
			next = tok + strlen(tok);
		int32_t id = an_find_fsm(p->a, tok);
		uint32_t *slot = id >= 0 ? an_push(&p->a->initial, &p->a->ninitial, sizeof(*slot)) : NULL;
		if (!slot)
			rc = px_fail(p, n, id < 0 ? "unknown initial fsm" : "out of memory");
		else
			*slot = (uint32_t)id;
	}
	xmlFree(init);
	return rc;
}

static int mapping_group(struct px *p, xmlNode *n)
{
	struct an_mapping *m = an_push(&p->a->mappings, &p->a->nmappings, sizeof(*m));
	if (!m)
		return px_fail(p, n, "out of memory");
	if (px_dup(p, n, "id", &m->id, 1))
		return -1;
	PX_EACH(e, n) {
		xmlNode *v[2] = {NULL, NULL};
		int nv = 0;
		if (!PX_IS(e, "entry"))
			return px_unsupported(p, e, "mappingGroup");
		PX_EACH(k, e) {
			if (!PX_IS(k, "stateValue") || nv == 2)
				return px_fail(p, k, "a mapping entry holds two stateValues");
			v[nv++] = k;
		}
		if (nv != 2)
			return px_fail(p, e, "a mapping entry holds two stateValues");
		uint32_t n1 = m->n, n2 = m->n;
		struct an_value *from = an_push(&m->from, &n1, sizeof(*from));
		struct an_value *to = from ? an_push(&m->to, &n2, sizeof(*to)) : NULL;
		if (!to)
			return px_fail(p, e, "out of memory");
		m->n++;
		if (px_value(p, v[0], from) || px_value(p, v[1], to))
			return -1;
	}
	return 0;
}

static int stored_field(struct px *p, xmlNode *n)
{
	struct an_stored_field *s = an_push(&p->a->stored, &p->a->nstored, sizeof(*s));
	if (!s)
		return px_fail(p, n, "out of memory");
	if (px_dup(p, n, "id", &s->id, 1) || px_dup(p, n, "alias", &s->alias, 0))
		return -1;
	return s->alias || (s->alias = an_strdup(s->id)) ? 0 : px_fail(p, n, "out of memory");
}

static int head(struct px *p, xmlNode *n)
{
	PX_EACH(k, n) {
		if (PX_IS(k, "label") && !p->a->label && px_dup(p, k, "value", &p->a->label, 0))
			return -1;
	}
	return 0;
}

static int analysis(struct px *p, xmlNode *n, int pattern)
{
	p->a->is_pattern = (uint8_t)pattern;
	p->defined = n;
	if (px_dup(p, n, "id", &p->a->id, 1))
		return -1;
	PX_EACH(k, n) {
		int rc = 0;
		if (PX_IS(k, "head"))
			rc = head(p, k);
		else if (PX_IS(k, "definedValue") || PX_IS(k, "location"))
			rc = 0; /* resolved where they are used */
		else if (PX_IS(k, "mappingGroup"))
			rc = mapping_group(p, k);
		else if (!pattern && PX_IS(k, "eventHandler")) {
			struct an_handler *h = an_push(&p->a->handlers, &p->a->nhandlers, sizeof(*h));
			if (!h)
				return px_fail(p, k, "out of memory");
			h->line = px_line(k);
			if (px_dup(p, k, "eventName", &h->event, 1))
				return -1;
			PX_EACH(c, k) {
				struct an_action *a = an_push(&h->actions, &h->n, sizeof(*a));
				if (!a)
					return px_fail(p, c, "out of memory");
				if (!PX_IS(c, "stateChange"))
					return px_unsupported(p, c, "eventHandler");
				if (px_state_change(p, c, a))
					return -1;
			}
		} else if (pattern && PX_IS(k, "patternHandler"))
			rc = pattern_handler(p, k);
		else if (pattern && PX_IS(k, "storedField"))
			rc = stored_field(p, k);
		else
			rc = px_unsupported(p, k, pattern ? "pattern" : "stateProvider");
		if (rc)
			return -1;
	}
	return 0;
}

/* The first error libxml2 reports (the later ones follow from it). */
struct first_error {
	int seen, line;
	char msg[300];
};

#if LIBXML_VERSION >= 21200
static void keep_first(void *data, const xmlError *e)
#else
static void keep_first(void *data, xmlErrorPtr e)
#endif
{
	struct first_error *f = data;
	if (f->seen || !e || e->level < XML_ERR_ERROR)
		return;
	f->seen = 1;
	f->line = e->code == XML_IO_LOAD_ERROR ? 0 : e->line;
	snprintf(f->msg, sizeof(f->msg), "%s", e->message ? e->message : "cannot read the file");
	size_t k = strlen(f->msg);
	while (k && (f->msg[k - 1] == '\n' || f->msg[k - 1] == ' '))
		f->msg[--k] = 0;
}

int an_parse_xml(struct an_set *set, const char *file, struct an_err *err)
{
	struct px p = {.err = err, .file = file};
	struct first_error fe = {0};
	xmlParserCtxtPtr ctx = xmlNewParserCtxt();
	if (!ctx) {
		an_errf(err, file, 0, "out of memory");
		return -1;
	}
	xmlSetStructuredErrorFunc(&fe, keep_first);
	xmlDocPtr doc = xmlCtxtReadFile(ctx, file, NULL, XML_PARSE_NONET);
	xmlSetStructuredErrorFunc(NULL, NULL);
	int rc = 0, found = 0;
	if (!doc || fe.seen) {
		if (fe.line || !fe.seen)
			an_errf(err, file, fe.line, "not well-formed XML: %s",
				fe.seen ? fe.msg : "cannot read the file");
		else
			an_errf(err, file, 0, "cannot read the file: %s", fe.msg);
		xmlFreeDoc(doc);
		xmlFreeParserCtxt(ctx);
		return -1;
	}
	xmlNode *root = xmlDocGetRootElement(doc);
	if (!root || !PX_IS(root, "tmfxml"))
		rc = px_fail(&p, root, "not a Trace Compass analysis (the root element is not 'tmfxml')");
	for (xmlNode *k = root && !rc ? root->children : NULL; k && !rc; k = k->next) {
		if (k->type != XML_ELEMENT_NODE)
			continue;
		if (PX_IS(k, "stateProvider") || PX_IS(k, "pattern")) {
			if (!(p.a = an_set_add(set, file)))
				rc = px_fail(&p, k, "out of memory");
			else
				rc = analysis(&p, k, PX_IS(k, "pattern"));
			found++;
		} else if (!PX_IS(k, "timeGraphView") && !PX_IS(k, "xyView")) {
			rc = px_unsupported(&p, k, "tmfxml");
		}
	}
	if (!rc && !found)
		rc = px_fail(&p, root, "no stateProvider or pattern in the file");
	xmlFreeDoc(doc);
	xmlFreeParserCtxt(ctx);
	return rc;
}
