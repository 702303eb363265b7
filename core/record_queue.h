/*
 * Records analyzers emit during one callback, copied and held until every
 * analyzer has returned, then handed to the exporter in emission order.
 * This is what keeps the flow one way: an exporter never runs inside an
 * analyzer's callback.  The queue's memory is reused from event to event.
 */
#ifndef TJ_CORE_RECORD_QUEUE_H
#define TJ_CORE_RECORD_QUEUE_H

#include <stddef.h>
#include "sbuf.h"
#include "static_text.h"

struct tj_queued_record;
struct tj_queued_arg;

struct tj_record_queue {
	struct tj_sbuf strings;          /* every string of the queued records */
	struct tj_queued_record *recs;
	size_t nrecs, cap_recs;
	struct tj_queued_arg *args;
	size_t nargs, cap_args;
	struct tj_arg *view;             /* args rebuilt for delivery */
	size_t cap_view;
	struct tj_static_text text;      /* strings kept by pointer, not copied */
	/* per emitting plugin (by its origin name, a literal of its own): the
	 * read-only segment its literals are in, found once */
	struct {
		const char *origin;
		struct tj_text_range r;
	} hot[8];
	unsigned nhot;
	struct tj_text_range cur;        /* that of the record being pushed */
};

/* Copy rec (honouring rec->size and each arg's size); origin is borrowed
 * and must outlive the queue (a plugin name). */
/* trace: the tj_record.trace to give a record that leaves it 0. */
int tj_record_queue_push(struct tj_record_queue *q, const struct tj_record *rec, uint32_t trace,
			 const char *origin);
static inline size_t tj_record_queue_len(const struct tj_record_queue *q)
{
	return q->nrecs;
}
/* Hand every queued record to deliver(ud, rec) in order and empty the
 * queue (also when deliver fails: its status is returned). */
int tj_record_queue_drain(struct tj_record_queue *q,
			  int (*deliver)(void *ud, const struct tj_record *rec), void *ud);
void tj_record_queue_release(struct tj_record_queue *q);

#endif
