/*
 * The declarative analysis model of plugins/analysis: what a Trace Compass
 * XML state provider or pattern (parse_xml.c) and a tjconv YAML analysis
 * (parse_yaml.c) both compile to, and what the engine (eval.c, state.c,
 * fsm.c) runs.  It mirrors Trace Compass's data-driven model
 * (org.eclipse.tracecompass.tmf.analysis.xml.core, fsm/model) one to one, so
 * a writer can serialize it back to <tmfxml> element by element (the
 * mapping is in doc/analysis.md, "The model"):
 *
 *   an_value      <stateAttribute> or <stateValue> (type, value, forcedType,
 *                 mappingGroup, stack), a <field name=""> of a condition
 *   an_path       a list of <stateAttribute>; `scenario` when it starts at
 *                 #CurrentScenario (<location>s are expanded in place)
 *   an_cond       <condition> (two values or path/field + value, operator),
 *                 <and>, <or>, <not>, and a transition's event name globs
 *   an_action     <stateChange> (plain, increment, update, stack push/pop/
 *                 popAll), a conditional <stateChange><if><then><else>,
 *                 a pattern <segment>
 *   an_handler    <eventHandler eventName="..."> of a <stateProvider>
 *   an_fsm        <fsm> of a <patternHandler>: states, transitions (events,
 *                 cond = named <test>s, action = named <action>s), final
 *                 state, preconditions, multiple, consuming
 *   an_analysis   one <stateProvider> or <pattern>
 *
 * Every string is owned by the model; every node keeps the source line it
 * came from for messages.
 */
#ifndef TJ_ANALYSIS_MODEL_H
#define TJ_ANALYSIS_MODEL_H

#include <stddef.h>
#include <stdint.h>

/* State value types, as Trace Compass's Java objects (Integer, Long,
 * Double, String, null): they decide how comparisons and increments work. */
enum an_type { AN_NULL = 0, AN_INT, AN_LONG, AN_DOUBLE, AN_STR };
#define AN_FORCE_NONE 0xff

enum an_vkind {
	AN_V_CONST = 0,  /* int/long/string/null constant (type in `ctype`) */
	AN_V_ATTR,       /* stateAttribute type="constant": a path element name */
	AN_V_FIELD,      /* eventField (or <field name>): payload, context._X, cpu */
	AN_V_EVENT_NAME, /* eventName */
	AN_V_QUERY,      /* query: the ongoing value at `path` */
	AN_V_PEEK,       /* stack="peek": the top of the stack at `path` */
	AN_V_SELF,       /* self: the name of the attribute the path reached */
	AN_V_DELETE,     /* stateValue type="delete": runs as null (kept for writers) */
};

enum an_stack { AN_STACK_NONE = 0, AN_STACK_PUSH, AN_STACK_POP, AN_STACK_POPALL };

struct an_path;

struct an_value {
	uint8_t kind;   /* enum an_vkind */
	uint8_t ctype;  /* AN_V_CONST: enum an_type */
	uint8_t forced; /* enum an_type or AN_FORCE_NONE (forcedType) */
	uint8_t stack;  /* enum an_stack (stateValue stack="push|pop|popAll") */
	int64_t num;    /* int/long constant */
	char *str;      /* string constant, attribute name, field name */
	struct an_path *path; /* query and peek */
	int32_t mapping; /* index into an_analysis.mappings, -1 if none */
	int line;
};

struct an_path {
	uint32_t n;
	struct an_value *v;
	uint8_t scenario; /* starts at the current scenario's attribute */
};

enum an_ckind { AN_C_TRUE = 0, AN_C_CMP, AN_C_AND, AN_C_OR, AN_C_NOT, AN_C_EVENT };
enum an_op { AN_EQ = 0, AN_NE, AN_GE, AN_GT, AN_LE, AN_LT };

struct an_cond {
	uint8_t kind; /* enum an_ckind */
	uint8_t op;   /* enum an_op */
	struct an_value a, b; /* AN_C_CMP: first (path, field or value), second */
	char *glob;   /* AN_C_EVENT: event name, `*` matches any run */
	uint32_t n;
	struct an_cond *kids; /* AN_C_AND/OR (n), AN_C_NOT (1) */
	int line;
};

enum an_akind { AN_A_CHANGE = 0, AN_A_IF, AN_A_SEGMENT };

struct an_segfield {
	char *name;
	uint8_t type; /* enum an_type the field is converted to */
	struct an_value val;
};

struct an_action {
	uint8_t kind; /* enum an_akind */
	uint8_t increment, update;
	struct an_path attr;  /* AN_A_CHANGE: left side */
	struct an_value val;  /* AN_A_CHANGE: right side; AN_A_SEGMENT: segName */
	struct an_cond *cond; /* AN_A_IF */
	uint32_t nthen, nelse;
	struct an_action *then_, *else_;
	uint32_t nfields;     /* AN_A_SEGMENT */
	struct an_segfield *fields;
	int line;
};

struct an_handler {
	char *event; /* eventName, `*` wildcards */
	uint32_t n;
	struct an_action *actions;
	int line;
};

/* A named <test> or <action> of a pattern. */
struct an_test {
	char *id;
	struct an_cond cond;
};
struct an_named_action {
	char *id;
	uint32_t n;
	struct an_action *actions;
};

struct an_transition {
	uint32_t nevents;
	char **events;    /* OR of globs (event="a|b"); none: any event */
	uint32_t ntests;
	uint32_t *tests;  /* AND of an_analysis.tests indexes */
	uint32_t nactions;
	uint32_t *actions; /* an_analysis.actions indexes, in order */
	int32_t target;   /* an_fsm.states index; -1 for preconditions */
	uint8_t save_fields, clear_fields;
	int line;
};

struct an_fsm_state {
	char *id;
	uint8_t final;
	uint32_t ntrans;
	struct an_transition *trans;
	uint32_t non_entry, non_exit;
	uint32_t *on_entry, *on_exit; /* action indexes */
};

struct an_fsm {
	char *id;
	uint8_t multiple, consuming;
	uint32_t initial; /* states index */
	uint32_t nstates;
	struct an_fsm_state *states;
	uint32_t npre;
	struct an_transition *pre; /* OR of (events AND tests) */
	int line;
};

struct an_mapping {
	char *id;
	uint32_t n;
	struct an_value *from, *to;
};

struct an_stored_field {
	char *id, *alias;
};

struct an_analysis {
	char *id, *label;
	uint8_t is_pattern;
	const char *file; /* borrowed from an_set */
	uint32_t nhandlers;
	struct an_handler *handlers;
	uint32_t ntests, nactions, nfsms, nmappings, nstored, ninitial;
	struct an_test *tests;
	struct an_named_action *actions;
	struct an_fsm *fsms;
	struct an_mapping *mappings;
	struct an_stored_field *stored;
	uint32_t *initial; /* patternHandler initial="a:b": fsm indexes */
};

/* Everything loaded from the --analysis files. */
struct an_set {
	uint32_t nfiles;
	char **files;
	uint32_t n;
	struct an_analysis *v;
};

/* Errors from the parsers: "FILE:LINE: message". */
struct an_err {
	char msg[512];
};

void an_errf(struct an_err *e, const char *file, int line, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

/* Load FILE (.xml: Trace Compass; .yaml/.yml: tjconv YAML) into set. */
int an_load_file(struct an_set *set, const char *file, struct an_err *err);
int an_parse_xml(struct an_set *set, const char *file, struct an_err *err);
int an_parse_yaml(struct an_set *set, const char *file, struct an_err *err);

/* Growing arrays: *v of *n elements of size elem; returns the new slot
 * (zeroed) or NULL. */
void *an_push(void *pv, uint32_t *n, size_t elem);
char *an_strdup(const char *s);
/* `*` glob as Trace Compass compiles eventName (`*` -> `.*`, whole name). */
int an_glob(const char *glob, const char *name);
void an_value_release(struct an_value *v);
void an_path_release(struct an_path *p);
void an_cond_release(struct an_cond *c);
void an_actions_release(struct an_action *a, uint32_t n);
void an_set_release(struct an_set *set);
struct an_analysis *an_set_add(struct an_set *set, const char *file);
int32_t an_find_test(const struct an_analysis *a, const char *id);
int32_t an_find_action(const struct an_analysis *a, const char *id);
int32_t an_find_mapping(const struct an_analysis *a, const char *id);
int32_t an_find_state(const struct an_fsm *f, const char *id);
int32_t an_find_fsm(const struct an_analysis *a, const char *id);

#endif
