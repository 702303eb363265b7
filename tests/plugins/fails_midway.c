/*
 * Test plugin "fails_midway": an analyzer that fails in the middle of a
 * run.  Inert unless --param fails_midway.at=N is given; then its N-th
 * sched_switch event returns an error with a cause.  tests/cli/t0750
 * checks that the run's error names it and the event, and that no output
 * file is left.
 */
#include <stdlib.h>

#include "tjconv/plugin.h"

struct state {
	const struct tj_host *host;
	struct tj_plugin *self;
	unsigned long long seen, at;
};

static enum tj_status fm_init(const struct tj_host *host, struct tj_plugin *self, void **state)
{
	struct state *s = calloc(1, sizeof(*s));
	if (!s)
		return TJ_ENOMEM;
	s->host = host;
	s->self = self;
	const char *at = host->param(self, "at");
	s->at = at ? strtoull(at, NULL, 10) : 0;
	*state = s;
	return TJ_OK;
}

static enum tj_status fm_on_event(void *state, const struct tj_event *ev, void *class_data)
{
	struct state *s = state;
	(void)ev;
	(void)class_data;
	if (s->at && ++s->seen == s->at) {
		s->host->error(s->self, "simulated failure at event %llu", s->seen);
		return TJ_ERROR;
	}
	return TJ_OK;
}

static void fm_fini(void *state)
{
	free(state);
}

static const char *const subs[] = {"sched_switch", NULL};
static const char *const help[] = {"at: fail on this sched_switch (1 = the first); unset: never",
				   NULL};

TJ_PLUGIN_DEFINE(.name = "fails_midway", .version = "1.0", .kind = TJ_KIND_ANALYZER,
		 .description = "test: fails on its N-th sched_switch (--param fails_midway.at=N)",
		 .subscriptions = subs, .init = fm_init, .on_event = fm_on_event, .fini = fm_fini,
		 .param_help = help)
