/*
 * Test plugin "desc_no_help": a valid descriptor that ends right after fini,
 * the smallest size the loader accepts (as a plugin built before param_help
 * was appended would be).  Fields past `size` do not exist for the host, so
 * list-plugins must not show the param_help stored after them.
 */
#include <stddef.h>

#include "tjconv/plugin.h"

static const char *const param_help[] = {"HOST-READ-PAST-DESCRIPTOR-SIZE: must not be shown",
					 NULL};

static const struct tj_plugin_desc desc = {
	.abi_major = TJ_ABI_MAJOR,
	.abi_minor = 0,
	.size = offsetof(struct tj_plugin_desc, fini) + sizeof(void (*)(void *)),
	.name = "desc_no_help",
	.version = "1.0",
	.description = "test analyzer with the smallest accepted descriptor",
	.kind = TJ_KIND_ANALYZER,
	.param_help = param_help,
};

TJ_EXPORT const struct tj_plugin_desc *tj_plugin_entry(void)
{
	return &desc;
}
