/*
 * Test plugin "wrong_abi": built for the next ABI major.  The loader must
 * refuse it (naming the file and both versions) before calling anything.
 */
#include <stdio.h>

#include "tjconv/plugin.h"

static enum tj_status wrong_abi_init(const struct tj_host *host, struct tj_plugin *self, void **state)
{
	(void)host;
	(void)self;
	(void)state;
	fputs("wrong_abi: init called (the loader should have refused me)\n", stderr);
	return TJ_OK;
}

static const struct tj_plugin_desc desc = {
	.abi_major = TJ_ABI_MAJOR + 1,
	.abi_minor = 0,
	.size = sizeof(struct tj_plugin_desc),
	.name = "wrong_abi",
	.version = "1.0",
	.description = "test plugin built for another ABI major",
	.kind = TJ_KIND_ANALYZER,
	.init = wrong_abi_init,
};

TJ_EXPORT const struct tj_plugin_desc *tj_plugin_entry(void)
{
	return &desc;
}
