/*
 * Who an event belongs to.  The core resolves every event's thread, process
 * and name before any plugin sees it: from the event's vtid/vpid/procname
 * context when the trace has them, else from its own tables — which thread
 * each CPU runs (sched_switch, the statedump's running threads) and each
 * thread's pid and name (statedump, fork, exec, sched_switch).
 *
 * One thread has one pid in every output: a pid the statedump reports only
 * after the thread's first events is learned beforehand by a bounded
 * lookahead (tj_identity_prescan reads the start of the trace up to the end
 * of the statedump) and applied from the thread's first event on.
 * Memory is bounded by the live threads: a freed thread is forgotten.
 */
#ifndef TJ_CORE_IDENTITY_H
#define TJ_CORE_IDENTITY_H

#include <stdint.h>
#include "core.h"
#include "lookahead.h"

struct tj_identity;

int tj_identity_new(struct tj_identity **out);
void tj_identity_free(struct tj_identity *id);

/* Classify a class once (what its events say about threads). */
int tj_identity_on_class(struct tj_identity *id, struct tj_class *cls);
/* Fill ev's tid, pid, comm and identity (comm points into id, valid until
 * the next resolve). */
void tj_identity_resolve(struct tj_identity *id, const struct tj_class *cls, struct tj_event *ev);
/* Learn what the event says (after resolve: a sched_switch belongs to the
 * thread it switches out). */
int tj_identity_learn(struct tj_identity *id, const struct tj_class *cls, const struct tj_event *ev);
/* Forget threads freed by the last event, once its records went out. */
void tj_identity_settle(struct tj_identity *id);
/* The name of tid as known now, or NULL. */
const char *tj_identity_borrow_comm(const struct tj_identity *id, int32_t tid);

/*
 * The lookahead (lookahead.h): fed the start of the trace before the first
 * event is dispatched, until the end of the statedump (or a bounded number
 * of events), it keeps what the statedump says of each thread (pid, name) as
 * hints used when a thread appears before the trace says it.  Install it
 * with tj_reader_set_lookahead(reader, tj_identity_lookahead, id); where
 * the reader cannot (--jobs), tj_identity_prescan reads the start with a
 * reader of its own.
 */
int tj_identity_lookahead(void *id, const struct tj_lookahead_event *ev);
void tj_identity_lookahead_done(const struct tj_identity *id);
int tj_identity_prescan(struct tj_identity *id, const char *path);
/* Number of hints kept (tests, debug log). */
uint64_t tj_identity_hint_count(const struct tj_identity *id);

#endif
