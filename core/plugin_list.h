/* list-plugins and unknown --param warnings (plugin_list.c). */
#ifndef TJ_PLUGIN_LIST_H
#define TJ_PLUGIN_LIST_H

#include "core.h"
#include "options.h"

/* Print the search path and every plugin found (verbose: ABI, descriptor
 * size, subscriptions, parameters) on stdout. */
int tj_list_plugins(const struct tj_plugin_set *set, int verbose);
/* Warn about --param PLUGIN.KEY pairs no loaded plugin documents. */
void tj_warn_unknown_params(const struct tj_options *o, const struct tj_plugin_set *set);

#endif
