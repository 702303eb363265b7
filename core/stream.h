/*
 * Streams as the reader sees them: per-stream state (CPU, counts, last
 * time) and the turning of one libbabeltrace2 message into the caller's
 * callbacks.  While the reader primes (tj_reader_start), what would call
 * back is held here instead and delivered later, in the same order.
 * Internal to the reader.
 */
#ifndef TJ_CORE_STREAM_H
#define TJ_CORE_STREAM_H

#include <stddef.h>
#include <stdint.h>

#include <babeltrace2/babeltrace.h>

#include "classes.h"
#include "flat_event.h"
#include "reader.h"
#include "sync.h"
#include "salvage.h"

struct tj_stream_state {
	const bt_stream *bt;
	struct tj_sclass *sc;
	struct tj_stream_stats stats;
	uint32_t index;     /* position in tj_streams.v */
	char *name;
	int64_t last_ts;
	uint64_t salvaged;  /* bytes of its file's torn tail (salvage.c), 0: whole */
};

/* What one upstream (a ctf.fs output port) reads. */
struct tj_stream_cursor {
	struct tj_stream_state *cur;
	uint64_t tie_key;       /* stream class id << 32 | stream id */
	uint32_t trace_index;
	char *port_name;        /* owned */
	int split;              /* read in windows by several graphs (stream_split.h):
				   each window's bt_stream is this same stream */
};

/* A callback priming held back: an untimed event (a stream without a
 * clock; msg is kept) or a discard report without clock snapshots. */
struct tj_held {
	struct tj_stream_cursor *c; /* the reader's, stable while it lives */
	int32_t cpu;            /* the stream's CPU when it was met */
	const bt_message *msg;
	const struct tj_flat_event *flat; /* --jobs: in a batch the reader keeps */
	struct tj_discard d;
};

struct tj_streams {
	struct tj_classes classes;
	struct tj_stream_state **v;
	size_t n;
	struct tj_trace_slot *traces;  /* borrowed from the reader */
	struct tj_trace_desc *descs;   /* borrowed: kept in step with traces */
	const struct tj_clock_xform *xf; /* borrowed, by trace (--sync), or NULL */
	const struct tj_salvage *salvage; /* borrowed: torn stream files, or NULL */
	const struct tj_reader_callbacks *cb;
	int priming;                   /* hold callbacks */
	struct tj_held *held;
	size_t nheld, held_pos, cap_held;
};

/* Handle message m (timestamp ts or TJ_TS_NONE) read by cursor c: a
 * tj_status or a callback's TJ_DONE.  *kept: m went to the held list, so
 * the caller must keep it alive until tj_streams_deliver_held. */
int tj_streams_handle(struct tj_streams *s, struct tj_stream_cursor *c, const bt_message *m,
		      int64_t ts, int *kept);
/* The same for a flat event (--jobs); *kept: fe went to the held list, so
 * the caller must keep its batch until tj_streams_deliver_held. */
int tj_streams_handle_flat(struct tj_streams *s, struct tj_stream_cursor *c,
			   const struct tj_flat_event *fe, int64_t ts, int *kept);
/* Deliver what is held; put_refs: put the held messages' references
 * afterwards.  A tj_status or TJ_DONE (the rest stays held for the next
 * call). */
int tj_streams_deliver_held(struct tj_streams *s, int put_refs);
size_t tj_streams_count(const struct tj_streams *s);
void tj_streams_release(struct tj_streams *s, int put_refs);

#endif
