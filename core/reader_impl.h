/*
 * The reader's internals, shared by reader.c (pulling, merging, running)
 * and reader_open.c (finding the traces, building the graph or the --jobs
 * workers, freeing).  Nothing outside the reader includes this.
 */
#ifndef TJ_CORE_READER_IMPL_H
#define TJ_CORE_READER_IMPL_H

#include <babeltrace2/babeltrace.h>

#include "classes.h"
#include "graph.h"
#include "lookahead.h"
#include "merge.h"
#include "reader.h"
#include "reader_jobs.h"
#include "salvage.h"
#include "stream.h"

/* One connected output port of a ctf.fs component. */
struct upstream {
	bt_message_iterator *it;
	bt_message_iterator *la_it; /* the lookahead's, until it ran */
	bt_message_array_const msgs;
	uint64_t count, pos;
	int ended;
	int64_t head_ts;        /* timestamp of msgs[pos] */
	struct tj_batch *batch; /* --jobs: the worker batch msgs points into */
	int batch_held;         /* --jobs: batch holds a message priming held */
	int primed;             /* priming reached its first timed message */
	struct tj_stream_cursor c;
};

/* merge_step results besides 0 (go on) and errors; STEP_AGAIN: a live
 * upstream has nothing yet (fill_head returns it too) */
enum { STEP_END = 1, STEP_PAUSE = 2, STEP_AGAIN = 3 };

struct tj_chunks;
struct tj_split;

struct tj_reader {
	char *input;
	const bt_plugin *ctf_plugin;
	bt_graph *graph;
	struct tj_sink_ops sink;
	struct tj_trace_slot *traces;
	const bt_component_source **comps; /* of graph, by trace */
	size_t ntraces;
	struct tj_trace_desc *descs;
	struct tj_trace_info info;
	struct tj_salvage *salvage; /* views of traces with torn stream files, or NULL */

	struct upstream *ups;
	size_t nups;
	struct tj_merge merge;
	struct tj_streams streams;

	/* --jobs N: worker graphs (wgraphs[0] is graph) and their threads */
	bt_graph **wgraphs;
	uint32_t nwgraphs;
	struct tj_workers *workers;
	uint32_t jobs;          /* decoding threads used (1: the main thread) */
	char jobs_why[80];      /* how that was chosen, for --summary */
	struct tj_split *split;  /* streams cut into windows (stream_split.c), or NULL */

	int started;            /* tj_reader_start done */
	uint32_t *trace_rank;   /* trace index -> rank of its name (ties) */
	tj_lookahead_fn la_fn;  /* tj_reader_set_lookahead */
	void *la_ud;
	struct tj_batch **kept; /* --jobs: batches of held messages */
	size_t nkept;
	int64_t refill;         /* upstream whose head a TJ_DONE left unread, or -1 */
	struct tj_clock_xform *xf; /* --sync: by trace, NULL: times as read */

	/* run state */
	int64_t stop_ts;
	int cb_status;          /* our own failure inside consume */
	int paused, ended;      /* the graph: stopped for now, finished */

	struct tj_chunks *chunks; /* a rotated session read chunk by chunk (chunks.c) */

	/* live sessions (live.c) */
	int live;               /* the sources are source.ctf.lttng-live */
	int prime_done;         /* every upstream primed (live: may take waits) */
	int (*live_flush)(void *ud);
	void *live_flush_ud;
};

/* reader_open.c: our sink in r->graph, fed by every port of comps in order
 * (NULL entries have none); r->ups and r->nups already describe them. */
int tj_reader_setup_sink(struct tj_reader *r, const bt_component_source *const *comps,
			 size_t ncomps);
/* reader.c: what the sink component of a single-threaded reader calls. */
int tj_reader_consume(void *ud);
bt_message_iterator **tj_reader_iterator_slot(void *ud, uint32_t port);
bt_message_iterator **tj_reader_lookahead_slot(void *ud, uint32_t port);

#endif
