/*
 * Shared by the two halves of the YAML reader: parse_yaml.c (nodes, keys,
 * paths, values) and parse_yaml_model.c (conditions, changes, handlers,
 * tests, actions, FSMs, the file).  The key tables are the schema's
 * (schemas/tjconv-analysis.schema.json; tests/cli/t0654 compares them).
 */
#ifndef TJ_ANALYSIS_PARSE_YAML_H
#define TJ_ANALYSIS_PARSE_YAML_H

#include <yaml.h>

#include "model.h"

struct py {
	yaml_document_t doc;
	struct an_err *err;
	const char *file;
	struct an_analysis *a;
	yaml_node_t *locations; /* mapping: name -> path */
};

extern const char *const an_yaml_analysis_keys[], *const an_yaml_handler_keys[],
	*const an_yaml_change_keys[], *const an_yaml_segment_keys[], *const an_yaml_fsm_keys[],
	*const an_yaml_state_keys[], *const an_yaml_transition_keys[], *const an_yaml_value_keys[];

int py_line(yaml_node_t *n);
int py_fail(struct py *p, yaml_node_t *n, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
yaml_node_t *py_node(struct py *p, int id);
const char *py_scalar(yaml_node_t *n);
int py_is_plain(yaml_node_t *n);
yaml_node_t *py_get(struct py *p, yaml_node_t *m, const char *key);
int py_check_keys(struct py *p, yaml_node_t *m, const char *const *keys, const char *what);
int py_bool(struct py *p, yaml_node_t *n, uint8_t *out, int dflt);
int py_dup(struct py *p, yaml_node_t *n, char **out, const char *what);
int py_path(struct py *p, yaml_node_t *n, struct an_path *out);
int py_value(struct py *p, yaml_node_t *n, struct an_value *v);

#define PY_ITEMS(it, seq) \
	for (yaml_node_item_t *it = (seq)->data.sequence.items.start; \
	     it < (seq)->data.sequence.items.top; it++)
#define PY_PAIRS(kv, map) \
	for (yaml_node_pair_t *kv = (map)->data.mapping.pairs.start; \
	     kv < (map)->data.mapping.pairs.top; kv++)

#endif
