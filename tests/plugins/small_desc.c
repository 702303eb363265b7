/*
 * Test plugin "small_desc": right ABI version, but its descriptor claims to
 * be smaller than the fields every plugin of this ABI must carry (it stops
 * before the callbacks).  The loader must refuse it without reading further.
 */
#include <stddef.h>
#include <stdio.h>

#include "tjconv/plugin.h"

static enum tj_status small_desc_init(const struct tj_host *host, struct tj_plugin *self, void **state)
{
	(void)host;
	(void)self;
	(void)state;
	fputs("small_desc: init called (the loader should have refused me)\n", stderr);
	return TJ_OK;
}

static const struct tj_plugin_desc desc = {
	.abi_major = TJ_ABI_MAJOR,
	.abi_minor = TJ_ABI_MINOR,
	.size = offsetof(struct tj_plugin_desc, subscriptions),
	.name = "small_desc",
	.version = "1.0",
	.description = "test plugin with a truncated descriptor",
	.kind = TJ_KIND_ANALYZER,
	.init = small_desc_init,
};

TJ_EXPORT const struct tj_plugin_desc *tj_plugin_entry(void)
{
	return &desc;
}
