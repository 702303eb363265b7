/*
 * The libbabeltrace2 side of the reader: finding the ctf plugin, one
 * source.ctf.fs component per trace directory, and tjconv's own sink
 * component (used by the single-threaded reader and by every --jobs worker),
 * which creates an iterator per input port and hands each consume call to
 * its owner.
 */
#ifndef TJ_CORE_GRAPH_H
#define TJ_CORE_GRAPH_H

#include <stddef.h>
#include <stdint.h>

#include <babeltrace2/babeltrace.h>

/* What tj_sink_ops.consume returns besides TJ_OK (call again) and errors. */
#define TJ_SINK_END 1
/* ... and: nothing to do until a (live) source has data. */
#define TJ_SINK_AGAIN 2

struct tj_sink_ops {
	void *ud;
	uint32_t nports;
	/* Where the iterator of input port i goes when the graph is configured
	 * (the owner of ud puts it). */
	bt_message_iterator **(*iterator_slot)(void *ud, uint32_t port);
	/* Optional: where a second iterator of port i goes (the reader's
	 * lookahead); NULL, or returning NULL, for none. */
	bt_message_iterator **(*lookahead_slot)(void *ud, uint32_t port);
	/* One consume call: TJ_OK, TJ_SINK_END, or < 0 with the cause kept by
	 * the owner (the graph run then fails). */
	int (*consume)(void *ud);
};

/* The ctf plugin, set up so that add_source can explain bad metadata. */
int tj_graph_find_ctf(const bt_plugin **out);
/* A source.ctf.fs reading trace_dir, component name "src<ti>".  On failure
 * the cause says why, naming trace_dir. */
int tj_graph_add_source(bt_graph *g, const bt_plugin *ctf, const char *trace_dir, size_t ti,
			const bt_component_source **out);
/* Our sink with ops->nports input ports; ops must outlive the graph. */
int tj_graph_add_sink(bt_graph *g, const char *name, const struct tj_sink_ops *ops,
		      const bt_component_sink **out);
/* Connect a source port to input port `in` of sink; stream names the
 * stream in the error. */
int tj_graph_connect(bt_graph *g, const bt_port_output *port, const bt_component_sink *sink,
		     uint64_t in, const char *stream);
/* What users call the stream of a ctf.fs port: its file relative to
 * input (the path they gave), or "<trace> stream <id>".  Malloc'd. */
char *tj_graph_stream_name(const char *input, const char *trace_dir, const char *port);

#endif
