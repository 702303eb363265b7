/*
 * The engine that runs an analysis model natively: a state system holding
 * only the ongoing value of each attribute (state.c), the evaluation of
 * values, paths, conditions and actions against one event (eval.c), and the
 * pattern runtime with its scenarios (fsm.c).  Semantics are Trace
 * Compass's (statesystem.core StateSystem/TransientState, tmf.analysis.xml
 * fsm/model); doc/analysis.md lists them.
 */
#ifndef TJ_ANALYSIS_ENGINE_H
#define TJ_ANALYSIS_ENGINE_H

#include <stdint.h>

#include "tjconv/plugin.h"

#include "model.h"

/* A value during evaluation; `s` is borrowed (or points into buf). */
struct an_sv {
	uint8_t type; /* enum an_type */
	int64_t i;
	double d;
	const char *s;
	char buf[32];
};

/* An owned value in the state system. */
struct an_cell {
	uint8_t type;
	int64_t i;
	double d;
	char *s;
};

struct an_attr {
	char *name;
	char *path; /* "Threads/12/Status", built on first emission */
	uint32_t parent, first_kid, next_sibling;
	struct an_cell v;
	int64_t start;
	uint8_t track_known;
	uint32_t track;
	int32_t track_ref;
	uint64_t track_id;
};

struct an_ss {
	uint32_t n, cap;
	struct an_attr *attrs; /* quark 0 is the root */
	uint32_t hcap;         /* power of two */
	uint32_t *hash;        /* quark + 1, 0 empty */
};

struct an_scenario;
struct an_rt_fsm;

/* Shared by every engine of the run. */
struct an_global {
	const struct tj_host *host;
	struct tj_plugin *self;
	int own_tracks;        /* every attribute on its own track */
	uint64_t next_track;   /* TJ_TRACK_CONNECTION ids handed out */
	uint32_t nfields;
	char **fields;         /* every event field name the analyses read */
	int64_t first_ts, last_ts;
};

struct an_engine {
	const struct an_analysis *a;
	struct an_global *g;
	struct an_ss ss;
	char *thread_leaf, *cpu_leaf; /* the leaf shown on the native tracks */
	struct an_rt_fsm *fsms;      /* pattern: one per an_fsm */
	int started;                 /* pattern: first event seen */
	uint64_t intervals, segments;
	uint64_t type_errors; /* a push onto an attribute holding a non-integer */
	uint64_t null_paths;  /* paths cut short by a null element */
};

/* Per event class: handles of every field in an_global.fields. */
struct an_class {
	const struct tj_event_class *cls;
	tj_field *handles;
	uint8_t *wanted; /* per engine: does any of its handlers match? */
};

struct an_ctx {
	struct an_engine *e;
	const struct tj_event *ev;
	const struct an_class *cls;
	struct an_scenario *scen; /* NULL outside a pattern scenario */
};

/* state.c */
int an_ss_init(struct an_ss *ss);
void an_ss_release(struct an_ss *ss);
/* The child `name` of parent; created when create, else -1 if absent. */
int64_t an_ss_child(struct an_ss *ss, uint32_t parent, const char *name, int create);
const struct an_cell *an_ss_get(const struct an_ss *ss, uint32_t q);
int an_ss_modify(struct an_engine *e, uint32_t q, const struct an_sv *v, int64_t ts);
void an_ss_update(struct an_engine *e, uint32_t q, const struct an_sv *v);
int an_ss_remove(struct an_engine *e, uint32_t q, int64_t ts);
int an_ss_push(struct an_engine *e, uint32_t q, const struct an_sv *v, int64_t ts);
int an_ss_pop(struct an_engine *e, uint32_t q, int64_t ts);
/* The stack top under q (its value), NULL cell when empty. */
void an_ss_peek(struct an_ss *ss, uint32_t q, struct an_sv *out);
int an_ss_close_all(struct an_engine *e, int64_t end);
void an_cell_view(const struct an_cell *c, struct an_sv *out);
int an_sv_equal(const struct an_sv *a, const struct an_sv *b);
/* String.valueOf of a value (Java's text for Integer/Long/Double/null). */
const char *an_sv_text(struct an_sv *v);

/* eval.c */
void an_eval_value(struct an_ctx *c, const struct an_value *v, uint32_t base, struct an_sv *out);
/* The quark a path reaches (created as needed), -1 when an element is null. */
int64_t an_eval_path(struct an_ctx *c, const struct an_path *p);
int an_eval_cond(struct an_ctx *c, const struct an_cond *cond);
int an_run_actions(struct an_ctx *c, const struct an_action *a, uint32_t n);
int an_run_handlers(struct an_ctx *c);
int an_emit_segment(struct an_ctx *c, const struct an_action *a);

/* fsm.c */
int an_fsm_init(struct an_engine *e);
void an_fsm_release(struct an_engine *e);
int an_fsm_event(struct an_ctx *c);
int an_fsm_end(struct an_engine *e, int64_t ts);
int64_t an_scenario_quark(const struct an_scenario *s);
int64_t an_scenario_start(struct an_ctx *c);

#endif
