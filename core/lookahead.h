/*
 * The reader's lookahead: before the first event is delivered, read the
 * start of the trace a second time through extra message iterators on the
 * same source components (so the metadata is parsed once), merged in time
 * order, and show each event's identity facts to a callback until it says
 * TJ_DONE.  The messages are dropped as they are read: memory stays flat.
 * Used by identity.c to learn, from the statedump, the pid of threads that
 * run before the statedump names their process.
 */
#ifndef TJ_CORE_LOOKAHEAD_H
#define TJ_CORE_LOOKAHEAD_H

#include <stdint.h>

#include <babeltrace2/babeltrace.h>

#include "tjconv/plugin.h"

/* What one event says, as far as identities go. */
struct tj_lookahead_event {
	const char *name;    /* event class name */
	int64_t ts;          /* TJ_TS_NONE when the stream has no clock */
	int has_pid_context; /* the event carries a vpid/pid context */
	/* lttng_statedump_process_state only (else tid = -1): */
	int64_t tid, pid, cpu; /* -1 when absent */
	const char *comm;      /* NULL when absent */
};

/* TJ_OK to read on, TJ_DONE to stop, < 0 on error. */
typedef int (*tj_lookahead_fn)(void *ud, const struct tj_lookahead_event *ev);

/* Read the n iterators, merged by time, until fn says TJ_DONE or they all
 * end; then put every iterator (its slot is set to NULL).  Must run inside
 * the graph's consume.  Returns TJ_OK or < 0 (cause appended). */
int tj_lookahead_run(bt_message_iterator **its, size_t n, tj_lookahead_fn fn, void *ud);

#endif
