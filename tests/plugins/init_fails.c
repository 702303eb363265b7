/*
 * Test plugin "init_fails": an analyzer whose init appends a cause through
 * host->error and fails.  Auto-loaded, the run must go on with a warning;
 * named with --enable, the run must fail with a one-line error.  fini must
 * never be called after a failed init: it says so on stderr if it is.
 */
#include <stdio.h>

#include "tjconv/plugin.h"

static enum tj_status init_fails_init(const struct tj_host *host, struct tj_plugin *self, void **state)
{
	*state = NULL;
	host->error(self, "init_fails: simulated failure (this plugin always fails)");
	return TJ_ERROR;
}

static enum tj_status init_fails_on_event(void *state, const struct tj_event *ev, void *class_data)
{
	(void)state;
	(void)ev;
	(void)class_data;
	fputs("init_fails: on_event called after a failed init\n", stderr);
	return TJ_ERROR;
}

static void init_fails_fini(void *state)
{
	(void)state;
	fputs("init_fails: fini called after a failed init\n", stderr);
}

static const char *const subscriptions[] = {"*", NULL};

static const struct tj_plugin_desc desc = {
	.abi_major = TJ_ABI_MAJOR,
	.abi_minor = TJ_ABI_MINOR,
	.size = sizeof(struct tj_plugin_desc),
	.name = "init_fails",
	.version = "1.0",
	.description = "test analyzer whose init always fails",
	.kind = TJ_KIND_ANALYZER,
	.subscriptions = subscriptions,
	.init = init_fails_init,
	.on_event = init_fails_on_event,
	.fini = init_fails_fini,
};

TJ_EXPORT const struct tj_plugin_desc *tj_plugin_entry(void)
{
	return &desc;
}
