/*
 * Test plugin "count": a third-party exporter (--to count) that writes only
 * "events N\n" at finish, N being the events the core let through (window
 * and filters applied).  Proves exporters need nothing but plugin.h.
 */
#include <stdio.h>
#include <stdlib.h>

#include "tjconv/plugin.h"

struct state {
	const struct tj_host *host;
	struct tj_plugin *self;
	unsigned long long events;
};

static enum tj_status count_init(const struct tj_host *host, struct tj_plugin *self, void **state)
{
	struct state *s = calloc(1, sizeof(*s));
	if (!s)
		return TJ_ENOMEM;
	s->host = host;
	s->self = self;
	*state = s;
	return TJ_OK;
}

static enum tj_status count_on_event(void *state, const struct tj_event *ev, void *class_data)
{
	struct state *s = state;
	(void)ev;
	(void)class_data;
	s->events++;
	return TJ_OK;
}

static enum tj_status count_finish(void *state, const struct tj_run_stats *stats)
{
	struct state *s = state;
	char line[64];
	int n;
	(void)stats;
	n = snprintf(line, sizeof(line), "events %llu\n", s->events);
	return s->host->write(s->self, line, (size_t)n);
}

static void count_fini(void *state)
{
	free(state);
}

static const char *const subscriptions[] = {"*", NULL};

static const struct tj_plugin_desc desc = {
	.abi_major = TJ_ABI_MAJOR,
	.abi_minor = TJ_ABI_MINOR,
	.size = sizeof(struct tj_plugin_desc),
	.name = "count",
	.version = "1.0",
	.description = "test exporter: writes the number of events",
	.kind = TJ_KIND_EXPORTER,
	.subscriptions = subscriptions,
	.init = count_init,
	.on_event = count_on_event,
	.finish = count_finish,
	.fini = count_fini,
};

TJ_EXPORT const struct tj_plugin_desc *tj_plugin_entry(void)
{
	return &desc;
}
