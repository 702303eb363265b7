/*
 * What the reader learns once and keeps: per stream class, where the
 * identity context fields are and the interned event classes by id; per
 * trace, its environment as a tj_trace_desc.
 */
#ifndef TJ_CORE_CLASSES_H
#define TJ_CORE_CLASSES_H

#include <stdint.h>

#include <babeltrace2/babeltrace.h>

#include "core.h"

/* Per stream class: context member indices (-1: absent) and classes by id. */
struct tj_sclass {
	const bt_stream_class *bt;
	uint32_t trace_index;
	int has_clock;
	int ctx_tid, ctx_pid, ctx_procname, ctx_prio; /* event common context */
	int ctx_tid_signed, ctx_pid_signed, ctx_prio_signed;
	int pkt_cpu;                                  /* packet context */
	struct tj_class **by_id;
	uint64_t nby_id;
};

/* Every stream class and event class one reader has seen. */
struct tj_classes {
	struct tj_sclass **scs;
	size_t nscs;
	struct tj_class **all; /* by pub.id */
	uint32_t n;
};

/* The cache of sc, made on first sight; NULL when out of memory. */
struct tj_sclass *tj_classes_sclass(struct tj_classes *c, const bt_stream_class *sc,
				    uint32_t trace_index);

/* The interned class with this event class id, or NULL if not yet seen. */
static inline struct tj_class *tj_sclass_borrow_class(const struct tj_sclass *sc, uint64_t id)
{
	return id < sc->nby_id ? sc->by_id[id] : NULL;
}

/* Intern ec (not yet seen in sc): the next id; NULL when out of memory. */
struct tj_class *tj_classes_intern(struct tj_classes *c, struct tj_sclass *sc,
				   const bt_event_class *ec);
void tj_classes_release(struct tj_classes *c);

/* One trace directory and what its environment says. */
struct tj_trace_slot {
	struct tj_trace_desc desc;
	char *path;
	char *hostname, *domain, *tracer_name, *kernel_release, *uuid;
	int env_done;
};

/* Takes path (malloc'd). */
void tj_trace_slot_init(struct tj_trace_slot *t, char *path);
/* Read hostname, tracer version, uuid... from trace, the first time only. */
void tj_trace_slot_fill_env(struct tj_trace_slot *t, const bt_trace *trace);
void tj_trace_slot_release(struct tj_trace_slot *t);
/* The rank of each trace in babeltrace2's tie order (by trace name,
 * "HOSTNAME/PATH relative to input"); malloc'd, NULL when out of memory. */
uint32_t *tj_trace_slots_rank(const struct tj_trace_slot *traces, size_t n, const char *input);

#endif
