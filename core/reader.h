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

struct tj_reader;

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

/* Find the traces below path and build the graph.  Errors name the path. */
int tj_reader_open(struct tj_reader **out, const char *path);
/* The same, decoding with `jobs` worker threads (1: on the calling thread). */
int tj_reader_open_jobs(struct tj_reader **out, const char *path, uint32_t jobs);
/* Pull the first message of every stream; fills info.first_ts. */
int tj_reader_prime(struct tj_reader *r);
const struct tj_trace_info *tj_reader_borrow_info(const struct tj_reader *r);
/* Deliver everything up to and including stop_ts (TJ_TS_NONE: to the end). */
int tj_reader_run(struct tj_reader *r, const struct tj_reader_callbacks *cb, int64_t stop_ts);
size_t tj_reader_stream_count(const struct tj_reader *r);
const struct tj_stream_stats *tj_reader_borrow_stream_stats(const struct tj_reader *r, size_t i);
void tj_reader_free(struct tj_reader *r);
/* Set the graph up and read the first message of every stream, making no
 * callback; afterwards info.first_ts is known. */
int tj_reader_start(struct tj_reader *r);
#endif
