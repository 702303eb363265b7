/*
 * Trace reader: finds every CTF trace below a path, reads them all through
 * libbabeltrace2's source.ctf.fs and hands events to the caller in time
 * order across all streams and traces (a heap-ordered merge of our own, not
 * filter.utils.muxer, which is linear in the number of streams and gives up
 * when a stream's time goes backwards).
 */
#ifndef TJ_CORE_READER_H
#define TJ_CORE_READER_H

#include <stdint.h>
#include "core.h"
#include "lookahead.h"
#include "sync.h"


struct tj_reader;

/* Each returns TJ_OK to go on, TJ_DONE to end the run cleanly (after the
 * message at hand: a class whose on_class says TJ_DONE does not get that
 * first event), or an error that tj_reader_run returns. */
struct tj_reader_callbacks {
	void *ud;
	/* First time a class is seen (before its first event). */
	int (*on_class)(void *ud, struct tj_class *cls);
	/* Each event, in time order. */
	int (*on_event)(void *ud, struct tj_class *cls, const struct tj_event *ev);
	/* Discarded events/packets reported by the tracer. */
	int (*on_discard)(void *ud, const struct tj_discard *d);
};

/* Per-stream totals, for the summary. */
struct tj_stream_stats {
	const char *name;
	uint32_t trace_index;
	int32_t cpu;
	uint64_t events;
	uint64_t discarded_events;
	uint64_t discarded_event_reports;
	uint64_t discarded_packets;
	uint64_t backwards;
};

/*
 * Find the traces below path and build the graph.  Errors name the path.
 * Readers share nothing: several may be opened on the same path in one
 * process, one after the other or at the same time.
 */
int tj_reader_open(struct tj_reader **out, const char *path);
/* The same, decoding with `jobs` worker threads (1: on the calling thread;
 * 0: --jobs auto, see jobs_auto.h). */
int tj_reader_open_jobs(struct tj_reader **out, const char *path, uint32_t jobs);
/* The decoding threads the reader uses (1: none but the caller's) and how
 * that was chosen ("--jobs 4", "auto: 16 streams, 2 cores"). */
uint32_t tj_reader_jobs(const struct tj_reader *r, const char **why);
/* The same, salvaging torn stream files (salvage.h: TJ_SALVAGE_STRICT
 * refuses them, TJ_SALVAGE_QUIET does not warn).  open_jobs is quiet:
 * it serves second readers of an input the first one warned about. */
int tj_reader_open_salvage(struct tj_reader **out, const char *path, uint32_t jobs,
			   unsigned salvage_flags);
/* Before tj_reader_start: have start read the beginning of the trace once
 * more through fn (lookahead.h) before priming.  Only for a reader without
 * worker threads (TJ_EINVAL otherwise). */
int tj_reader_set_lookahead(struct tj_reader *r, tj_lookahead_fn fn, void *ud);
/*
 * Set the graph up and pull every stream up to its first timed message;
 * fills tj_reader_borrow_info(r)->first_ts and the traces' environment
 * (hostname...) and stream counts.  Makes no callback: what it meets that
 * calls back (untimed discards or events) is delivered by tj_reader_run,
 * first, in the order met.  Once; tj_reader_run calls it if needed.
 */
int tj_reader_start(struct tj_reader *r);
const struct tj_trace_info *tj_reader_borrow_info(const struct tj_reader *r);
/* Before tj_reader_start: deliver trace i's times (events and discard
 * reports) through xf[i], and merge by those times (--sync).  Copied. */
int tj_reader_set_clock_xforms(struct tj_reader *r, const struct tj_clock_xform *xf, size_t n);
/* After tj_reader_start: does a stream class of trace i declare an event
 * class named like one of names (NULL-terminated)?  From the metadata,
 * before any event is read. */
int tj_reader_trace_declares(const struct tj_reader *r, uint32_t trace_index,
			     const char *const *names);
/* After tj_reader_start: the uuid of trace i's clock, as text in buf
 * ("5f7d4e2a-9c1b-..."); 0 when it has none. */
int tj_reader_trace_clock_uuid(const struct tj_reader *r, uint32_t trace_index, char *buf,
			       size_t cap);
/*
 * Deliver everything up to and including stop_ts (TJ_TS_NONE: to the end),
 * in time order.  A callback's TJ_DONE ends it early and it returns TJ_OK;
 * an error from a callback is returned as is.  After TJ_OK, calling it
 * again (with cb and a later stop_ts) goes on where it stopped.
 */
int tj_reader_run(struct tj_reader *r, const struct tj_reader_callbacks *cb, int64_t stop_ts);
size_t tj_reader_stream_count(const struct tj_reader *r);
const struct tj_stream_stats *tj_reader_borrow_stream_stats(const struct tj_reader *r, size_t i);
void tj_reader_free(struct tj_reader *r);

#endif
