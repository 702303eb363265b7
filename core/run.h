/*
 * One conversion: open the output, initialize the chosen plugins, read the
 * trace, dispatch each event to the plugins that subscribed to its class,
 * route analyzer records to the exporter, then finish and commit.
 */
#ifndef TJ_CORE_RUN_H
#define TJ_CORE_RUN_H

#include "core.h"
#include "options.h"

/* Returns TJ_OK or a negative status with causes in the error chain. */
int tj_run_convert(const struct tj_options *opts, struct tj_plugin_set *set);

#endif
