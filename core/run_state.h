/*
 * The state one conversion shares between its stages: the chosen plugins,
 * the filters, the identity tables, the annotation and record buffers of the
 * event being dispatched, the output and the totals.  Used by run.c (the
 * lifecycle), dispatch.c (routing events and records) and host.c (the
 * functions plugins call).  Nothing here crosses the plugin boundary.
 */
#ifndef TJ_CORE_RUN_STATE_H
#define TJ_CORE_RUN_STATE_H

#include <stddef.h>
#include <stdint.h>

#include "core.h"
#include "identity.h"
#include "options.h"
#include "output.h"
#include "record_queue.h"
#include "sbuf.h"

/* What exporters are shown: the time window and --pid/--tid/--comm. */
struct tj_filters {
	const int64_t *pids, *tids;
	size_t npids, ntids;
	char *const *comms;
	size_t ncomms;
	int64_t begin_ts, end_ts; /* TJ_TS_NONE when open */
	int annotations;          /* 0: exporters get no annotations */
};

struct tj_ann_slot {
	const char *plugin;
	size_t offset; /* into tj_run.ann_text */
};

struct tj_run {
	const struct tj_options *opts; /* parameters (host.c) */
	struct tj_plugin **analyzers;
	size_t nanalyzers;
	struct tj_plugin *exporter;
	struct tj_output *out;
	struct tj_identity *identity;
	struct tj_filters filt;
	struct tj_trace_info info;

	/* 1 + trace index of the event being dispatched to analyzers, 0
	 * outside on_event (tj_record.trace of what they emit) */
	uint32_t cur_trace;
	/* annotations of the event being dispatched */
	struct tj_ann_slot *ann;
	size_t nann, cap_ann;
	struct tj_sbuf ann_text;
	struct tj_annotation *ann_view;
	size_t cap_view;
	/* records emitted by the callback being run */
	struct tj_record_queue records;

	struct tj_run_stats stats;

	/* 2.2: the analyzers' declarative models (host.models) */
	const struct tj_model **models;
	uint32_t nmodels;
};

/* Plugin i of the run: the analyzers in order, then the exporter. */
static inline struct tj_plugin *tj_run_plugin_at(const struct tj_run *run, size_t i)
{
	return i < run->nanalyzers ? run->analyzers[i] : run->exporter;
}

/* host.c */
const struct tj_host *tj_host_table(void);
void tj_host_release_plugin(struct tj_plugin *p);
/* Ask every analyzer for its model (after begin, after finish). */
int tj_host_collect_models(struct tj_run *run);

/* dispatch.c */
int tj_dispatch_class(struct tj_run *run, struct tj_class *cls);
int tj_dispatch_event(struct tj_run *run, struct tj_class *cls, const struct tj_event *ev);
int tj_dispatch_discard(struct tj_run *run, const struct tj_discard *d);
/* Hand the records queued so far to the exporter (after a callback). */
int tj_dispatch_records(struct tj_run *run);

#endif
