/*
 * YAML node helpers (libyaml document API) shared by tjconv's YAML readers.
 * Every error names the file, line and column: "'cfg.yaml':3:5: expected a
 * mapping", appended to the error chain; functions return a tj_status.
 */
#ifndef TJ_CORE_YAML_NODES_H
#define TJ_CORE_YAML_NODES_H

#include <stddef.h>
#include <stdint.h>
#include <yaml.h>

#include "tjconv/plugin.h"

struct tj_yaml {
	const char *path;     /* the file, for messages */
	yaml_document_t *doc;
};

int tj_yaml_err_at_mark(struct tj_yaml *c, yaml_mark_t m, const char *fmt, ...) TJ_PRINTF(3, 4);
#define tj_yaml_err_at(c, node, ...) tj_yaml_err_at_mark((c), (node)->start_mark, __VA_ARGS__)
int tj_yaml_oom(void);

yaml_node_t *tj_yaml_node(struct tj_yaml *c, int index);
const char *tj_yaml_sval(const yaml_node_t *n);
/* A plain (unquoted) scalar; a null (~, null, empty). */
int tj_yaml_is_plain(const yaml_node_t *n);
int tj_yaml_is_null(const yaml_node_t *n);
/* "a mapping", "a string"... for messages. */
const char *tj_yaml_kind_name(const yaml_node_t *n);

int tj_yaml_get_text(struct tj_yaml *c, yaml_node_t *n, const char *what, const char **out);
int tj_yaml_get_bool(struct tj_yaml *c, yaml_node_t *n, const char *what, int *out);
int tj_yaml_get_int(struct tj_yaml *c, yaml_node_t *n, const char *what, int64_t min, int64_t max,
		    int64_t *out);

/* A sequence of scalars (null means empty); calls add for each item. */
typedef int (*item_fn)(struct tj_yaml *c, yaml_node_t *item, const char *what, void *arg);
int tj_yaml_each_item(struct tj_yaml *c, yaml_node_t *n, const char *what, item_fn add, void *arg);
/* A mapping whose keys are in keys (NULL: any key), none repeated;
 * handle(c, key, key node, value node, arg) does the rest. */
typedef int (*pair_fn)(struct tj_yaml *c, const char *key, yaml_node_t *kn, yaml_node_t *vn,
		       void *arg);
int tj_yaml_each_pair(struct tj_yaml *c, yaml_node_t *n, const char *what, const char *const *keys,
		      pair_fn handle, void *arg);

/* The whole file (at most 16 MiB), malloc'd. */
int tj_yaml_read_file(const char *path, unsigned char **data, size_t *len);
/* libyaml's parser error as "'FILE':LINE:COL: problem". */
/* Limits that keep a hostile file from costing time or memory: libyaml
 * takes quadratic time over deep flow nesting ("[[[[..."), and a walk over
 * aliases could repeat a subtree. */
#define TJ_YAML_MAX_DEPTH 64
#define TJ_YAML_MAX_NODES 1000000
/* Stream the file's events once and refuse it, with its line and column,
 * when it nests deeper than TJ_YAML_MAX_DEPTH or holds more than
 * TJ_YAML_MAX_NODES events; parse errors are reported as the loader would. */
int tj_yaml_check_shape(struct tj_yaml *c, const unsigned char *data, size_t len);
int tj_yaml_parser_error(struct tj_yaml *c, yaml_parser_t *p, const unsigned char *data, size_t len);

#endif
