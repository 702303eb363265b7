/*
 * tjconv declarative state models (plugin ABI 2.2): what an analyzer
 * computes, written as data, in the vocabulary of Trace Compass's
 * data-driven analyses (stateProvider, eventHandler, stateChange, pattern
 * segments).  An analyzer runs its model natively and hands it to the host
 * through tj_plugin_desc.model; an exporter reads the run's models with
 * tj_host.models (the tracecompass-xml exporter writes them as a <tmfxml>
 * document, so Trace Compass computes the same states itself).
 *
 * Attributes are path templates: segments separated by '/', each either a
 * constant or "{NAME}", the value of event field NAME (payload; "cpu" is the
 * event's CPU when the event has no such field, as Trace Compass's cpu
 * aspect), or TJ_MODEL_THREAD, the thread the event belongs to (its vtid
 * context when the trace has one, else the thread its CPU runs, attribute
 * CPUs/{cpu}/Current_thread).  "Threads/{prev_tid}/Status" is the Status
 * of the thread whose tid is the event's prev_tid field.
 *
 * Every struct starts with `size` (as its writer was compiled); arrays are
 * strided by their first element's size, fields are only appended.
 */
#ifndef TJCONV_MODEL_H
#define TJCONV_MODEL_H

#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* The path segment meaning "the event's thread". */
#define TJ_MODEL_THREAD "{@thread}"

enum tj_mval_type {
	TJ_MV_NULL = 0,       /* no value: the attribute's interval ends */
	TJ_MV_INT = 1,        /* the integer i */
	TJ_MV_STR = 2,        /* the string s */
	TJ_MV_FIELD = 3,      /* the event field named s (integer or string) */
	TJ_MV_EVENT_NAME = 4, /* the event's name */
	TJ_MV_QUERY = 5,      /* the current value of the attribute path s */
};

struct tj_mvalue {
	uint32_t type; /* enum tj_mval_type */
	int64_t i;
	const char *s;
};

enum tj_mcond_op {
	TJ_MC_EQ = 0,
	TJ_MC_NE = 1,
	TJ_MC_LT = 2,
	TJ_MC_LE = 3,
	TJ_MC_GT = 4,
	TJ_MC_GE = 5,
};

/* a OP b; comparing with TJ_MV_NULL asks whether a is null. */
struct tj_mcond {
	uint32_t size;
	uint32_t op; /* enum tj_mcond_op */
	struct tj_mvalue a, b;
};

#define TJ_MCH_ANY 0x1u       /* the conditions are or-ed (default: and-ed) */
#define TJ_MCH_ELSE 0x2u      /* runs only if the change before it did not
				 (its own conditions still apply): if/else-if */
#define TJ_MCH_INCREMENT 0x4u /* adds value (an integer) to the attribute */

/* Set `attribute` to `value` when every (TJ_MCH_ANY: any) condition holds. */
struct tj_mchange {
	uint32_t size;
	uint32_t flags; /* TJ_MCH_* */
	const char *attribute;
	struct tj_mvalue value;
	uint32_t nconds;
	const struct tj_mcond *conds;
};

/* What happens on the events named in `events`, in order. */
struct tj_mhandler {
	uint32_t size;
	/* NULL-terminated alternatives: exact names or "prefix*" (the many
	 * spellings LTTng used, e.g. net_if_receive_skb and netif_receive_skb);
	 * a consumer keeps the ones the trace has. */
	const char *const *events;
	uint32_t nchanges;
	const struct tj_mchange *changes;
};

/* A named, coloured state value (Trace Compass definedValue). */
struct tj_mstate {
	uint32_t size;
	const char *name;
	int64_t value;
	const char *color; /* "#RRGGBB" */
};

enum tj_mview_type {
	TJ_MVIEW_TIMEGRAPH = 1,
	TJ_MVIEW_XY = 2,
};

#define TJ_MVIEW_DELTA 0x1u  /* XY: plot the change per sample, not the value */
#define TJ_MVIEW_STATES 0x2u /* time graph: colour values with the model's states */

/* A view over the model's attributes. */
struct tj_mview {
	uint32_t size;
	uint32_t type;       /* enum tj_mview_type */
	const char *id;      /* unique within the model */
	const char *label;
	const char *path;    /* entries: "Threads/ *" (no space), one per attribute */
	const char *display; /* sub-attribute shown for each entry, NULL: itself */
	uint32_t flags;      /* TJ_MVIEW_* */
};

/* A latency: from a start event to the first end event with the same keys. */
struct tj_msegment {
	uint32_t size;
	const char *id;      /* unique within the model, a segment type */
	const char *label;
	const char *const *start; /* NULL-terminated event names, as handlers' */
	const char *const *end;
	/* NULL-terminated path templates of one segment each ("{cpu}", "{vec}",
	 * TJ_MODEL_THREAD) both events must agree on. */
	const char *const *keys;
	/* The segment's name: this field of the start event; NULL: its name. */
	const char *name_field;
};

struct tj_model {
	uint32_t size;
	const char *id;     /* "tjconv.syscalls" */
	const char *label;
	uint32_t nstates;
	const struct tj_mstate *states;
	uint32_t nhandlers;
	const struct tj_mhandler *handlers;
	uint32_t nviews;
	const struct tj_mview *views;
	uint32_t nsegments;
	const struct tj_msegment *segments;
	/* Appended (check `size`): the analysis as ready Trace Compass XML, one
	 * or more complete <stateProvider>/<pattern> elements, for a model
	 * richer than this vocabulary (pattern FSMs, stacks, forcedType,
	 * mapping groups: plugins/analysis's YAML and XML analyses).  An
	 * exporter writing <tmfxml> copies it verbatim, beside whatever the
	 * fields above describe; NULL: none. */
	const char *tmfxml;
};

#ifdef __cplusplus
}
#endif

#endif /* TJCONV_MODEL_H */
