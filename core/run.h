/*
 * One conversion: choose and initialize the plugins, open the output, learn
 * the threads' identities ahead (identity.h), read the trace and dispatch
 * each event (dispatch.c), then finish and commit the output.
 */
#ifndef TJ_CORE_RUN_H
#define TJ_CORE_RUN_H

#include "core.h"
#include "options.h"
#include "reader.h"

/* What main() reports after a successful run. */
struct tj_run_report {
	struct tj_run_stats stats;
	struct tj_stream_stats *streams; /* names owned by the report */
	size_t nstreams;
};

/* Returns TJ_OK or a negative status with causes in the error chain; on
 * success fills *report (release it with tj_run_report_release). */
int tj_run_convert(const struct tj_options *opts, struct tj_plugin_set *set,
		   struct tj_run_report *report);
/* Without a trace: init the exporter, let it finish (it writes what it
 * is, e.g. the LAMI metadata of "stats"), commit the output. */
int tj_run_describe(const struct tj_options *opts, struct tj_plugin_set *set);
void tj_run_report_release(struct tj_run_report *report);

#endif
