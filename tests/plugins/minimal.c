/*
 * Test plugin "minimal": the smallest useful analyzer.  Subscribes to
 * sched_switch, resolves the "next_tid" field once per event class, annotates
 * every sched_switch with "next=<tid>" (the text exporter prints it after
 * " => ") and logs the number of events it saw at NOTICE level in finish().
 * tests/cli/t0010-loader.sh checks all of that against babeltrace2.
 */
#include <stdlib.h>
#include <stdio.h>

#include "tjconv/plugin.h"

struct cls_data {
	tj_field next_tid;
	struct cls_data *next; /* every class_data we allocated, freed in fini */
};

struct state {
	const struct tj_host *host;
	struct tj_plugin *self;
	unsigned long long events;
	struct cls_data *classes;
};

static enum tj_status minimal_init(const struct tj_host *host, struct tj_plugin *self, void **state)
{
	struct state *s = calloc(1, sizeof(*s));
	if (!s)
		return TJ_ENOMEM;
	s->host = host;
	s->self = self;
	*state = s;
	return TJ_OK;
}

static enum tj_status minimal_on_class(void *state, const struct tj_event_class *cls, void **class_data)
{
	struct state *s = state;
	struct cls_data *c = calloc(1, sizeof(*c));
	if (!c)
		return TJ_ENOMEM;
	c->next_tid = s->host->field_lookup(cls, "next_tid");
	c->next = s->classes;
	s->classes = c;
	*class_data = c;
	return TJ_OK;
}

static enum tj_status minimal_on_event(void *state, const struct tj_event *ev, void *class_data)
{
	struct state *s = state;
	struct cls_data *c = class_data;
	char text[64];
	int64_t tid;

	s->events++;
	if (c->next_tid >= 0 && s->host->field_int(ev, c->next_tid, &tid))
		snprintf(text, sizeof(text), "next=%lld", (long long)tid);
	else
		snprintf(text, sizeof(text), "next=?");
	return s->host->annotate(s->self, ev, text);
}

static enum tj_status minimal_finish(void *state, const struct tj_run_stats *stats)
{
	struct state *s = state;
	(void)stats;
	s->host->log(s->self, TJ_LOG_NOTICE, "%llu sched_switch events", s->events);
	return TJ_OK;
}

static void minimal_fini(void *state)
{
	struct state *s = state;
	while (s->classes) {
		struct cls_data *c = s->classes;
		s->classes = c->next;
		free(c);
	}
	free(s);
}

static const char *const subscriptions[] = {"sched_switch", NULL};

static const struct tj_plugin_desc desc = {
	.abi_major = TJ_ABI_MAJOR,
	.abi_minor = TJ_ABI_MINOR,
	.size = sizeof(struct tj_plugin_desc),
	.name = "minimal",
	.version = "1.0",
	.description = "test analyzer: counts sched_switch, annotates next=<tid>",
	.kind = TJ_KIND_ANALYZER,
	.subscriptions = subscriptions,
	.init = minimal_init,
	.on_class = minimal_on_class,
	.on_event = minimal_on_event,
	.finish = minimal_finish,
	.fini = minimal_fini,
};

TJ_EXPORT const struct tj_plugin_desc *tj_plugin_entry(void)
{
	return &desc;
}
