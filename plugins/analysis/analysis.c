/*
 * Analyzer "analysis": runs declarative analyses natively — Trace Compass
 * XML state providers and patterns (`--analysis FILE.xml`) and tjconv's
 * YAML form of the same model (`--analysis FILE.yaml`, share/analyses/).
 * Parameters: `files` (newline-separated, what --analysis fills in) and
 * `tracks` ("attribute": every attribute on a track of its own).
 *
 * With analyses loaded, init subscribes the plugin to every event (the
 * host reads the descriptor's list when it first meets a class, after
 * init): Trace Compass feeds a pattern every event (new scenarios start on
 * any of them) and closes the state system at the trace's end, so open
 * intervals are cut at the last event of the trace, not the last one an
 * analysis used.  Classes no handler names cost one call per event.  Field
 * names are resolved once per class; an event the file names exactly that
 * lacks a field one of its state changes reads is an error naming the file
 * and line.  Without --analysis the plugin subscribes to nothing.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libxml/xmlversion.h>

#include "engine.h"
#include "tjconv/model.h"
#include "write_xml.h"

struct plugin {
	const struct tj_host *host;
	struct tj_plugin *self;
	struct an_set set;
	struct an_global g;
	struct an_engine *engines;
	struct an_class **classes;
	uint32_t nclasses;
	/* What .model hands the exporters: every analysis loaded, written back
	 * as Trace Compass XML (write_xml.c). */
	struct tj_model model;
	char *tmfxml;
};

static const char *const no_subs[] = {NULL};
static const char *const all_subs[] = {"*", NULL};
static const char *const param_help[] = {
	"files: analysis files, one a line (--analysis FILE adds one)",
	"tracks: 'attribute' puts every attribute on a track of its own",
	NULL,
};
static struct tj_plugin_desc desc;

static int intern_field(struct plugin *p, struct an_value *v)
{
	for (uint32_t i = 0; i < p->g.nfields; i++)
		if (!strcmp(p->g.fields[i], v->str)) {
			v->num = i;
			return TJ_OK;
		}
	char **slot = an_push(&p->g.fields, &p->g.nfields, sizeof(*slot));
	if (!slot || !(*slot = an_strdup(v->str)))
		return TJ_ENOMEM;
	v->num = p->g.nfields - 1;
	return TJ_OK;
}

/* Give every event field reference its index in g.fields. */
static int walk_value(struct plugin *p, struct an_value *v)
{
	int rc = v->kind == AN_V_FIELD ? intern_field(p, v) : TJ_OK;
	for (uint32_t i = 0; v->path && i < v->path->n && !rc; i++)
		rc = walk_value(p, &v->path->v[i]);
	return rc;
}

static int walk_cond(struct plugin *p, struct an_cond *c)
{
	int rc = walk_value(p, &c->a) || walk_value(p, &c->b) ? TJ_ENOMEM : TJ_OK;
	for (uint32_t i = 0; i < c->n && !rc; i++)
		rc = walk_cond(p, &c->kids[i]);
	return rc;
}

static int walk_actions(struct plugin *p, struct an_action *a, uint32_t n)
{
	for (uint32_t i = 0; i < n; i++) {
		struct an_path *pa = &a[i].attr;
		for (uint32_t k = 0; k < pa->n; k++)
			if (walk_value(p, &pa->v[k]))
				return TJ_ENOMEM;
		if (walk_value(p, &a[i].val) || (a[i].cond && walk_cond(p, a[i].cond)) ||
		    walk_actions(p, a[i].then_, a[i].nthen) || walk_actions(p, a[i].else_, a[i].nelse))
			return TJ_ENOMEM;
		for (uint32_t k = 0; k < a[i].nfields; k++)
			if (walk_value(p, &a[i].fields[k].val))
				return TJ_ENOMEM;
	}
	return TJ_OK;
}

static int walk_analysis(struct plugin *p, struct an_analysis *a)
{
	for (uint32_t i = 0; i < a->nhandlers; i++)
		if (walk_actions(p, a->handlers[i].actions, a->handlers[i].n))
			return TJ_ENOMEM;
	for (uint32_t i = 0; i < a->ntests; i++)
		if (walk_cond(p, &a->tests[i].cond))
			return TJ_ENOMEM;
	for (uint32_t i = 0; i < a->nactions; i++)
		if (walk_actions(p, a->actions[i].actions, a->actions[i].n))
			return TJ_ENOMEM;
	for (uint32_t i = 0; i < a->nmappings; i++)
		for (uint32_t k = 0; k < a->mappings[i].n; k++)
			if (walk_value(p, &a->mappings[i].from[k]) || walk_value(p, &a->mappings[i].to[k]))
				return TJ_ENOMEM;
	return TJ_OK;
}

static int load_files(struct plugin *p, const char *list)
{
	char path[4096];
	for (const char *s = list; s && *s;) {
		const char *nl = strchr(s, '\n');
		size_t n = nl ? (size_t)(nl - s) : strlen(s);
		if (n >= sizeof(path)) {
			p->host->error(p->self, "analysis file name too long");
			return TJ_EINVAL;
		}
		memcpy(path, s, n);
		path[n] = 0;
		s += n + (nl ? 1 : 0);
		if (!n)
			continue;
		struct an_err err = {{0}};
		if (an_load_file(&p->set, path, &err)) {
			p->host->error(p->self, "%s", err.msg);
			return TJ_EINVAL;
		}
	}
	return TJ_OK;
}

static void an_fini(void *state);

static enum tj_status setup(struct plugin *p)
{
	const char *tracks = p->host->param(p->self, "tracks");
	p->g.own_tracks = tracks && !strcmp(tracks, "attribute");
	int rc = load_files(p, p->host->param(p->self, "files"));
	if (rc)
		return rc;
	if (p->set.n && !(p->engines = calloc(p->set.n, sizeof(*p->engines))))
		return TJ_ENOMEM;
	for (uint32_t i = 0; i < p->set.n; i++) {
		struct an_analysis *a = &p->set.v[i];
		struct an_engine *e = &p->engines[i];
		e->a = a;
		e->g = &p->g;
		if (walk_analysis(p, a) || an_ss_init(&e->ss) || an_fsm_init(e))
			return TJ_ENOMEM;
	}
	if (p->set.n)
		desc.subscriptions = all_subs;
	return TJ_OK;
}

static enum tj_status an_init(const struct tj_host *host, struct tj_plugin *self, void **state)
{
	struct plugin *p = calloc(1, sizeof(*p));
	if (!p)
		return TJ_ENOMEM;
	p->host = p->g.host = host;
	p->self = p->g.self = self;
	/* libxml2's one-time initialisation on the main thread, now, as the
	 * tracecompass-xml exporter does: when its first use was in model()
	 * (write_xml.c), valgrind saw its global state lost at exit */
	LIBXML_TEST_VERSION
	int rc = setup(p);
	if (rc) {
		an_fini(p); /* the host calls fini only after a successful init */
		return rc;
	}
	*state = p;
	return TJ_OK;
}

static enum tj_status an_begin(void *state, const struct tj_trace_info *info)
{
	struct plugin *p = state;
	p->g.first_ts = p->g.last_ts = info->first_ts;
	return TJ_OK;
}

static int special_field(const char *n)
{
	return !strcmp(n, "cpu") || !strcmp(n, "CPU") || !strcmp(n, "timestamp") ||
	       !strcmp(n, "TIMESTAMP") || !strcmp(n, "TID");
}

static tj_field lookup(const struct tj_host *h, const struct tj_event_class *cls, const char *name)
{
	char buf[300];
	if (!strncmp(name, "context._", 9)) {
		snprintf(buf, sizeof(buf), "common:%s", name + 9);
		tj_field f = h->field_lookup(cls, buf);
		if (f >= 0)
			return f;
		snprintf(buf, sizeof(buf), "context:%s", name + 9);
		return h->field_lookup(cls, buf);
	}
	snprintf(buf, sizeof(buf), "payload:%s", name);
	return h->field_lookup(cls, buf);
}

/* A field read directly by actions run for an event named exactly. */
static const struct an_value *missing_in_value(const struct an_value *v, const tj_field *h)
{
	if (v->kind == AN_V_FIELD && h[v->num] < 0 && !special_field(v->str))
		return v;
	for (uint32_t i = 0; v->path && i < v->path->n; i++) {
		const struct an_value *m = missing_in_value(&v->path->v[i], h);
		if (m)
			return m;
	}
	return NULL;
}

static const struct an_value *missing_in(const struct an_action *a, uint32_t n, const tj_field *h)
{
	for (uint32_t i = 0; i < n; i++) {
		const struct an_value *m = missing_in_value(&a[i].val, h);
		for (uint32_t k = 0; !m && k < a[i].attr.n; k++)
			m = missing_in_value(&a[i].attr.v[k], h);
		if (!m)
			m = missing_in(a[i].then_, a[i].nthen, h);
		if (!m)
			m = missing_in(a[i].else_, a[i].nelse, h);
		if (m)
			return m;
	}
	return NULL;
}

static int check_fields(struct plugin *p, const struct an_analysis *a, const struct an_class *c)
{
	const char *name = c->cls->name;
	for (uint32_t i = 0; i < a->nhandlers; i++) {
		const struct an_handler *hd = &a->handlers[i];
		const struct an_value *m;
		if (strcmp(hd->event, name) || !(m = missing_in(hd->actions, hd->n, c->handles)))
			continue;
		p->host->error(p->self, "'%s' line %d: event '%s' has no field '%s'", a->file, m->line,
			       name, m->str);
		return TJ_EINVAL;
	}
	for (uint32_t f = 0; f < a->nfsms; f++)
		for (uint32_t s = 0; s < a->fsms[f].nstates; s++)
			for (uint32_t t = 0; t < a->fsms[f].states[s].ntrans; t++) {
				const struct an_transition *tr = &a->fsms[f].states[s].trans[t];
				if (tr->nevents != 1 || strcmp(tr->events[0], name))
					continue;
				for (uint32_t k = 0; k < tr->nactions; k++) {
					const struct an_named_action *na = &a->actions[tr->actions[k]];
					const struct an_value *m = missing_in(na->actions, na->n, c->handles);
					if (!m)
						continue;
					p->host->error(p->self, "'%s' line %d: event '%s' has no field '%s'",
						       a->file, m->line, name, m->str);
					return TJ_EINVAL;
				}
			}
	return TJ_OK;
}

static enum tj_status an_on_class(void *state, const struct tj_event_class *cls, void **class_data)
{
	struct plugin *p = state;
	struct an_class *c = calloc(1, sizeof(*c));
	struct an_class **slot = c ? an_push(&p->classes, &p->nclasses, sizeof(*slot)) : NULL;
	if (!slot) {
		free(c);
		return TJ_ENOMEM;
	}
	*slot = c;
	c->cls = cls;
	c->handles = calloc(p->g.nfields + 1, sizeof(*c->handles));
	c->wanted = calloc(p->set.n + 1, 1);
	if (!c->handles || !c->wanted)
		return TJ_ENOMEM;
	for (uint32_t i = 0; i < p->g.nfields; i++)
		c->handles[i] = lookup(p->host, cls, p->g.fields[i]);
	int any = 0;
	for (uint32_t i = 0; i < p->set.n; i++) {
		const struct an_analysis *a = &p->set.v[i];
		c->wanted[i] = a->is_pattern;
		for (uint32_t k = 0; k < a->nhandlers && !c->wanted[i]; k++)
			c->wanted[i] = (uint8_t)an_glob(a->handlers[k].event, cls->name);
		any |= c->wanted[i];
		if (check_fields(p, a, c))
			return TJ_EINVAL;
	}
	*class_data = any ? c : NULL;
	return TJ_OK;
}

static enum tj_status an_on_event(void *state, const struct tj_event *ev, void *class_data)
{
	struct plugin *p = state;
	const struct an_class *c = class_data;
	if (ev->ts != TJ_TS_NONE && ev->ts > p->g.last_ts)
		p->g.last_ts = ev->ts; /* open intervals end with the trace */
	if (!c || ev->ts == TJ_TS_NONE)
		return TJ_OK;
	for (uint32_t i = 0; i < p->set.n; i++) {
		if (!c->wanted[i])
			continue;
		struct an_ctx ctx = {.e = &p->engines[i], .ev = ev, .cls = c};
		int rc = p->set.v[i].is_pattern ? an_fsm_event(&ctx) : an_run_handlers(&ctx);
		if (rc)
			return rc;
	}
	return TJ_OK;
}

static enum tj_status an_finish(void *state, const struct tj_run_stats *stats)
{
	struct plugin *p = state;
	(void)stats;
	for (uint32_t i = 0; i < p->set.n; i++) {
		struct an_engine *e = &p->engines[i];
		int rc = an_fsm_end(e, p->g.last_ts);
		if (!rc)
			rc = an_ss_close_all(e, p->g.last_ts);
		if (rc)
			return rc;
		char extra[160] = "";
		if (e->null_paths || e->type_errors)
			snprintf(extra, sizeof(extra), "; %llu paths had a null element, %llu pushes "
				 "onto a non-stack (skipped)", (unsigned long long)e->null_paths,
				 (unsigned long long)e->type_errors);
		p->host->log(p->self, TJ_LOG_NOTICE,
			     "'%s' (%s): %llu state intervals over %u attributes, %llu segments%s",
			     e->a->id, e->a->file, (unsigned long long)e->intervals, e->ss.n - 1,
			     (unsigned long long)e->segments, extra);
	}
	return TJ_OK;
}

/* The loaded analyses as one tj_model carrying their <tmfxml> elements:
 * their constructs (FSMs, stacks, forcedType...) are Trace Compass's own, so
 * they go over whole rather than squeezed into the model's vocabulary. */
static const struct tj_model *an_model(void *state)
{
	struct plugin *p = state;
	if (p->tmfxml || !p->set.n)
		return p->tmfxml ? &p->model : NULL;
	size_t len = 0, cap = 0;
	for (uint32_t i = 0; i < p->set.n; i++) {
		char *one = wx_analysis(&p->set.v[i]);
		size_t n = one ? strlen(one) : 0;
		char *grown = one && len + n + 1 > cap ? realloc(p->tmfxml, cap = (len + n + 1) * 2)
						       : p->tmfxml;
		if (!one || !grown) {
			p->host->error(p->self, "'%s': could not write analysis '%s' as Trace Compass XML",
				       p->set.v[i].file, p->set.v[i].id);
			free(one);
			free(grown ? grown : p->tmfxml);
			p->tmfxml = NULL;
			return NULL;
		}
		p->tmfxml = grown;
		memcpy(p->tmfxml + len, one, n + 1);
		len += n;
		free(one);
	}
	p->model = (struct tj_model){
		.size = sizeof(p->model),
		.id = p->set.v[0].id,
		.label = p->set.v[0].label ? p->set.v[0].label : p->set.v[0].id,
		.tmfxml = p->tmfxml,
	};
	return &p->model;
}

static void an_fini(void *state)
{
	struct plugin *p = state;
	if (!p)
		return;
	free(p->tmfxml);
	for (uint32_t i = 0; p->engines && i < p->set.n; i++) {
		struct an_engine *e = &p->engines[i];
		an_ss_release(&e->ss);
		an_fsm_release(e);
		free(e->thread_leaf);
		free(e->cpu_leaf);
	}
	free(p->engines);
	for (uint32_t i = 0; i < p->nclasses; i++) {
		free(p->classes[i]->handles);
		free(p->classes[i]->wanted);
		free(p->classes[i]);
	}
	free(p->classes);
	for (uint32_t i = 0; i < p->g.nfields; i++)
		free(p->g.fields[i]);
	free(p->g.fields);
	desc.subscriptions = no_subs;
	an_set_release(&p->set);
	free(p);
}

static struct tj_plugin_desc desc = {
	.abi_major = TJ_ABI_MAJOR,
	.abi_minor = TJ_ABI_MINOR,
	.size = sizeof(struct tj_plugin_desc),
	.name = "analysis",
	.version = "1.0",
	.description = "runs Trace Compass XML and tjconv YAML analyses (--analysis FILE)",
	.kind = TJ_KIND_ANALYZER,
	.subscriptions = no_subs,
	.init = an_init,
	.begin = an_begin,
	.on_class = an_on_class,
	.on_event = an_on_event,
	.finish = an_finish,
	.fini = an_fini,
	.param_help = param_help,
	.model = an_model,
};

TJ_EXPORT const struct tj_plugin_desc *tj_plugin_entry(void);
TJ_EXPORT const struct tj_plugin_desc *tj_plugin_entry(void)
{
	return &desc;
}
