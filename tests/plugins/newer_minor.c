/*
 * Test plugin "newer_minor": built against a newer ABI minor than this host
 * provides (it may use functions the host does not have).  Must be refused.
 */
#include <stdio.h>

#include "tjconv/plugin.h"

static enum tj_status newer_minor_init(const struct tj_host *host, struct tj_plugin *self, void **state)
{
	(void)host;
	(void)self;
	(void)state;
	fputs("newer_minor: init called (the loader should have refused me)\n", stderr);
	return TJ_OK;
}

static const struct tj_plugin_desc desc = {
	.abi_major = TJ_ABI_MAJOR,
	.abi_minor = TJ_ABI_MINOR + 1,
	.size = sizeof(struct tj_plugin_desc),
	.name = "newer_minor",
	.version = "1.0",
	.description = "test plugin built for a newer ABI minor",
	.kind = TJ_KIND_ANALYZER,
	.init = newer_minor_init,
};

TJ_EXPORT const struct tj_plugin_desc *tj_plugin_entry(void)
{
	return &desc;
}
