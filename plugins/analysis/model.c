/*
 * The analysis model's plumbing: growing arrays, lookups by id, the event
 * name glob, freeing, and picking the parser by file name.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "model.h"

void an_errf(struct an_err *e, const char *file, int line, const char *fmt, ...)
{
	va_list ap;
	int n = line > 0 ? snprintf(e->msg, sizeof(e->msg), "'%s' line %d: ", file, line)
			 : snprintf(e->msg, sizeof(e->msg), "'%s': ", file);
	if (n < 0 || (size_t)n >= sizeof(e->msg))
		return;
	va_start(ap, fmt);
	vsnprintf(e->msg + n, sizeof(e->msg) - (size_t)n, fmt, ap);
	va_end(ap);
}

void *an_push(void *pv, uint32_t *n, size_t elem)
{
	void **v = pv;
	char *nv = realloc(*v, (*n + 1) * elem);
	if (!nv)
		return NULL;
	*v = nv;
	memset(nv + *n * elem, 0, elem);
	return nv + (*n)++ * elem;
}

char *an_strdup(const char *s)
{
	size_t n = strlen(s ? s : "");
	char *c = malloc(n + 1);
	if (c)
		memcpy(c, s ? s : "", n + 1);
	return c;
}

/* Trace Compass turns each `*` into `.*` and matches the whole name; the
 * rest of the name is taken literally here (real analyses use plain event
 * names).  Backtracking on the last star is enough for a glob. */
int an_glob(const char *g, const char *s)
{
	const char *star = NULL, *mark = NULL;
	while (*s) {
		if (*g == '*') {
			star = g++;
			mark = s;
		} else if (*g == *s) {
			g++;
			s++;
		} else if (star) {
			g = star + 1;
			s = ++mark;
		} else {
			return 0;
		}
	}
	while (*g == '*')
		g++;
	return *g == 0;
}

void an_path_release(struct an_path *p)
{
	for (uint32_t i = 0; i < p->n; i++)
		an_value_release(&p->v[i]);
	free(p->v);
	p->v = NULL;
	p->n = 0;
}

void an_value_release(struct an_value *v)
{
	free(v->str);
	v->str = NULL;
	if (v->path) {
		an_path_release(v->path);
		free(v->path);
		v->path = NULL;
	}
}

void an_cond_release(struct an_cond *c)
{
	an_value_release(&c->a);
	an_value_release(&c->b);
	free(c->glob);
	for (uint32_t i = 0; i < c->n; i++)
		an_cond_release(&c->kids[i]);
	free(c->kids);
	c->kids = NULL;
	c->n = 0;
}

void an_actions_release(struct an_action *a, uint32_t n)
{
	for (uint32_t i = 0; i < n; i++) {
		an_path_release(&a[i].attr);
		an_value_release(&a[i].val);
		if (a[i].cond) {
			an_cond_release(a[i].cond);
			free(a[i].cond);
		}
		an_actions_release(a[i].then_, a[i].nthen);
		an_actions_release(a[i].else_, a[i].nelse);
		for (uint32_t k = 0; k < a[i].nfields; k++) {
			free(a[i].fields[k].name);
			an_value_release(&a[i].fields[k].val);
		}
		free(a[i].fields);
	}
	free(a);
}

static void transition_release(struct an_transition *t)
{
	for (uint32_t i = 0; i < t->nevents; i++)
		free(t->events[i]);
	free(t->events);
	free(t->tests);
	free(t->actions);
}

static void analysis_release(struct an_analysis *a)
{
	free(a->id);
	free(a->label);
	for (uint32_t i = 0; i < a->nhandlers; i++) {
		free(a->handlers[i].event);
		an_actions_release(a->handlers[i].actions, a->handlers[i].n);
	}
	free(a->handlers);
	for (uint32_t i = 0; i < a->ntests; i++) {
		free(a->tests[i].id);
		an_cond_release(&a->tests[i].cond);
	}
	free(a->tests);
	for (uint32_t i = 0; i < a->nactions; i++) {
		free(a->actions[i].id);
		an_actions_release(a->actions[i].actions, a->actions[i].n);
	}
	free(a->actions);
	for (uint32_t i = 0; i < a->nfsms; i++) {
		struct an_fsm *f = &a->fsms[i];
		free(f->id);
		for (uint32_t s = 0; s < f->nstates; s++) {
			struct an_fsm_state *st = &f->states[s];
			free(st->id);
			for (uint32_t t = 0; t < st->ntrans; t++)
				transition_release(&st->trans[t]);
			free(st->trans);
			free(st->on_entry);
			free(st->on_exit);
		}
		free(f->states);
		for (uint32_t p = 0; p < f->npre; p++)
			transition_release(&f->pre[p]);
		free(f->pre);
	}
	free(a->fsms);
	for (uint32_t i = 0; i < a->nmappings; i++) {
		struct an_mapping *m = &a->mappings[i];
		free(m->id);
		for (uint32_t k = 0; k < m->n; k++) {
			an_value_release(&m->from[k]);
			an_value_release(&m->to[k]);
		}
		free(m->from);
		free(m->to);
	}
	free(a->mappings);
	for (uint32_t i = 0; i < a->nstored; i++) {
		free(a->stored[i].id);
		free(a->stored[i].alias);
	}
	free(a->stored);
	free(a->initial);
}

void an_set_release(struct an_set *set)
{
	for (uint32_t i = 0; i < set->n; i++)
		analysis_release(&set->v[i]);
	free(set->v);
	for (uint32_t i = 0; i < set->nfiles; i++)
		free(set->files[i]);
	free(set->files);
	memset(set, 0, sizeof(*set));
}

struct an_analysis *an_set_add(struct an_set *set, const char *file)
{
	const char *f = set->nfiles ? set->files[set->nfiles - 1] : NULL;
	if (!f || strcmp(f, file) != 0) {
		char **slot = an_push(&set->files, &set->nfiles, sizeof(char *));
		if (!slot || !(*slot = an_strdup(file)))
			return NULL;
		f = *slot;
	}
	struct an_analysis *a = an_push(&set->v, &set->n, sizeof(*a));
	if (a)
		a->file = f;
	return a;
}

#define FIND(fn, type, arr, cnt, field)                                   \
	int32_t fn(const type *a, const char *id)                        \
	{                                                                 \
		for (uint32_t i = 0; i < a->cnt; i++)                     \
			if (a->arr[i].field && strcmp(a->arr[i].field, id) == 0) \
				return (int32_t)i;                        \
		return -1;                                                \
	}
FIND(an_find_test, struct an_analysis, tests, ntests, id)
FIND(an_find_action, struct an_analysis, actions, nactions, id)
FIND(an_find_mapping, struct an_analysis, mappings, nmappings, id)
FIND(an_find_fsm, struct an_analysis, fsms, nfsms, id)
FIND(an_find_state, struct an_fsm, states, nstates, id)

static int ends_with(const char *s, const char *suffix)
{
	size_t n = strlen(s), k = strlen(suffix);
	return n >= k && strcmp(s + n - k, suffix) == 0;
}

int an_load_file(struct an_set *set, const char *file, struct an_err *err)
{
	FILE *f = fopen(file, "r");
	if (!f) {
		an_errf(err, file, 0, "cannot open the analysis file: %s", strerror(errno));
		return -1;
	}
	fclose(f);
	if (ends_with(file, ".yaml") || ends_with(file, ".yml"))
		return an_parse_yaml(set, file, err);
	return an_parse_xml(set, file, err);
}
