/*
 * YAML node helpers for tjconv's YAML readers (the --config file now,
 * declarative analyses later): typed reads of scalars, walking sequences and
 * mappings with unknown/duplicate key checks, reading a file with a size
 * cap, and libyaml's parser errors as "'FILE':LINE:COL: problem".
 */
#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "error.h"
#include "yaml_nodes.h"

#define TJ_YAML_MAX_SIZE (16u << 20) /* a configuration, not a trace */

/* ---- errors ------------------------------------------------------------- */


int tj_yaml_err_at_mark(struct tj_yaml *c, yaml_mark_t m, const char *fmt, ...)
{
	char msg[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	tj_error_append("'%s':%zu:%zu: %s", c->path, m.line + 1, m.column + 1, msg);
	return TJ_EINVAL;
}


int tj_yaml_oom(void)
{
	tj_error_append("out of memory");
	return TJ_ENOMEM;
}

/* ---- node helpers --------------------------------------------------------- */

yaml_node_t *tj_yaml_node(struct tj_yaml *c, int index)
{
	return yaml_document_get_node(c->doc, index);
}

const char *tj_yaml_sval(const yaml_node_t *n)
{
	return (const char *)n->data.scalar.value;
}

int tj_yaml_is_plain(const yaml_node_t *n)
{
	return n->type == YAML_SCALAR_NODE && n->data.scalar.style == YAML_PLAIN_SCALAR_STYLE;
}

int tj_yaml_is_null(const yaml_node_t *n)
{
	static const char *const nulls[] = { "", "~", "null", "Null", "NULL" };
	size_t i;

	if (!tj_yaml_is_plain(n))
		return 0;
	for (i = 0; i < sizeof(nulls) / sizeof(nulls[0]); i++)
		if (strcmp(tj_yaml_sval(n), nulls[i]) == 0)
			return 1;
	return 0;
}

const char *tj_yaml_kind_name(const yaml_node_t *n)
{
	if (n->type == YAML_MAPPING_NODE)
		return "a mapping";
	if (n->type == YAML_SEQUENCE_NODE)
		return "a sequence";
	if (tj_yaml_is_null(n))
		return "nothing";
	return "a scalar";
}

/* A non-null scalar as text (ints and bools keep the text they were written with). */
int tj_yaml_get_text(struct tj_yaml *c, yaml_node_t *n, const char *what, const char **out)
{
	if (n->type != YAML_SCALAR_NODE || tj_yaml_is_null(n))
		return tj_yaml_err_at(c, n, "expected a string for '%s', found %s", what, tj_yaml_kind_name(n));
	if (strlen(tj_yaml_sval(n)) != n->data.scalar.length)
		return tj_yaml_err_at(c, n, "unexpected NUL character in '%s'", what);
	*out = tj_yaml_sval(n);
	return TJ_OK;
}

/* YAML 1.1 booleans, unquoted. */
int tj_yaml_get_bool(struct tj_yaml *c, yaml_node_t *n, const char *what, int *out)
{
	static const char *const yes[] = { "true", "True", "TRUE", "yes", "Yes", "YES",
					   "on", "On", "ON" };
	static const char *const no[] = { "false", "False", "FALSE", "no", "No", "NO",
					  "off", "Off", "OFF" };
	size_t i;

	if (tj_yaml_is_plain(n)) {
		for (i = 0; i < sizeof(yes) / sizeof(yes[0]); i++) {
			if (strcmp(tj_yaml_sval(n), yes[i]) == 0) {
				*out = 1;
				return TJ_OK;
			}
			if (strcmp(tj_yaml_sval(n), no[i]) == 0) {
				*out = 0;
				return TJ_OK;
			}
		}
	}
	if (n->type == YAML_SCALAR_NODE && !tj_yaml_is_null(n))
		return tj_yaml_err_at(c, n, "expected a boolean for '%s', found %s'%s'", what,
			      tj_yaml_is_plain(n) ? "" : "the quoted string ", tj_yaml_sval(n));
	return tj_yaml_err_at(c, n, "expected a boolean for '%s', found %s", what, tj_yaml_kind_name(n));
}

/* An unquoted decimal integer in [min, max]. */
int tj_yaml_get_int(struct tj_yaml *c, yaml_node_t *n, const char *what, int64_t min, int64_t max,
		   int64_t *out)
{
	const char *s, *p;
	uint64_t v = 0, limit;
	int neg = 0;

	if (n->type != YAML_SCALAR_NODE || tj_yaml_is_null(n))
		return tj_yaml_err_at(c, n, "expected an integer for '%s', found %s", what, tj_yaml_kind_name(n));
	s = p = tj_yaml_sval(n);
	if (!tj_yaml_is_plain(n))
		goto bad;
	if (*p == '-' || *p == '+')
		neg = *p++ == '-';
	if (*p == '\0')
		goto bad;
	limit = neg ? (uint64_t)INT64_MAX + 1 : (uint64_t)INT64_MAX;
	for (; *p; p++) {
		if (*p < '0' || *p > '9')
			goto bad;
		if (v > (limit - (uint64_t)(*p - '0')) / 10)
			goto range;
		v = v * 10 + (uint64_t)(*p - '0');
	}
	*out = neg ? (int64_t)(0 - v) : (int64_t)v;
	if (*out < min || *out > max)
		goto range;
	return TJ_OK;
bad:
	return tj_yaml_err_at(c, n, "expected an integer for '%s', found %s'%s'", what,
		      tj_yaml_is_plain(n) ? "" : "the quoted string ", s);
range:
	return tj_yaml_err_at(c, n, "'%s' for '%s' is out of range (%lld to %lld)", s, what,
		      (long long)min, (long long)max);
}

/* A sequence of scalars (null means empty); calls add for each item. */

int tj_yaml_each_item(struct tj_yaml *c, yaml_node_t *n, const char *what, item_fn add, void *arg)
{
	yaml_node_item_t *it;
	yaml_node_t *item;
	int ret;

	if (tj_yaml_is_null(n))
		return TJ_OK;
	if (n->type != YAML_SEQUENCE_NODE)
		return tj_yaml_err_at(c, n, "expected a sequence for '%s', found %s", what, tj_yaml_kind_name(n));
	for (it = n->data.sequence.items.start; it < n->data.sequence.items.top; it++) {
		item = tj_yaml_node(c, *it);
		ret = add(c, item, what, arg);
		if (ret)
			return ret;
	}
	return TJ_OK;
}


/*
 * Walk a mapping: every key must be a plain string, listed in keys (NULL:
 * any key), and not repeated; handle(c, key, value, arg) does the rest.
 */

int tj_yaml_each_pair(struct tj_yaml *c, yaml_node_t *n, const char *what, const char *const *keys,
		     pair_fn handle, void *arg)
{
	yaml_node_pair_t *p, *q;
	yaml_node_t *kn, *vn;
	const char *key;
	size_t i;
	int ret;

	if (tj_yaml_is_null(n))
		return TJ_OK;
	if (n->type != YAML_MAPPING_NODE) {
		if (what)
			return tj_yaml_err_at(c, n, "expected a mapping for '%s', found %s", what,
				      tj_yaml_kind_name(n));
		return tj_yaml_err_at(c, n, "expected a mapping, found %s", tj_yaml_kind_name(n));
	}
	for (p = n->data.mapping.pairs.start; p < n->data.mapping.pairs.top; p++) {
		kn = tj_yaml_node(c, p->key);
		vn = tj_yaml_node(c, p->value);
		if (kn->type != YAML_SCALAR_NODE || tj_yaml_is_null(kn) ||
		    strlen(tj_yaml_sval(kn)) != kn->data.scalar.length)
			return tj_yaml_err_at(c, kn, "expected a key name, found %s", tj_yaml_kind_name(kn));
		key = tj_yaml_sval(kn);
		if (keys) {
			for (i = 0; keys[i] && strcmp(keys[i], key) != 0; i++)
				;
			if (!keys[i]) {
				if (what)
					return tj_yaml_err_at(c, kn, "unknown key '%s.%s'", what, key);
				return tj_yaml_err_at(c, kn, "unknown key '%s'", key);
			}
		}
		for (q = n->data.mapping.pairs.start; q < p; q++) {
			yaml_node_t *prev = tj_yaml_node(c, q->key);

			if (prev->type == YAML_SCALAR_NODE && strcmp(tj_yaml_sval(prev), key) == 0) {
				if (what)
					return tj_yaml_err_at(c, kn, "duplicate key '%s.%s'", what, key);
				return tj_yaml_err_at(c, kn, "duplicate key '%s'", key);
			}
		}
		ret = handle(c, key, kn, vn, arg);
		if (ret)
			return ret;
	}
	return TJ_OK;
}

int tj_yaml_read_file(const char *path, unsigned char **data, size_t *len)
{
	unsigned char *buf = NULL, *nb;
	size_t n = 0, cap = 0, k;
	struct stat st;
	FILE *f;
	int e;

	f = fopen(path, "rb");
	if (!f) {
		tj_error_append_errno(errno, "cannot open '%s'", path);
		return TJ_EIO;
	}
	if (fstat(fileno(f), &st) == 0 && S_ISDIR(st.st_mode)) {
		fclose(f);
		tj_error_append_errno(EISDIR, "cannot read '%s'", path);
		return TJ_EIO;
	}
	for (;;) {
		if (n == cap) {
			if (cap >= TJ_YAML_MAX_SIZE) {
				fclose(f);
				free(buf);
				tj_error_append("cannot read '%s': larger than %u bytes", path,
						TJ_YAML_MAX_SIZE);
				return TJ_EINVAL;
			}
			cap = cap ? cap * 2 : 4096;
			nb = realloc(buf, cap);
			if (!nb) {
				fclose(f);
				free(buf);
				return tj_yaml_oom();
			}
			buf = nb;
		}
		k = fread(buf + n, 1, cap - n, f);
		n += k;
		if (k == 0)
			break;
	}
	if (ferror(f)) {
		e = errno;
		fclose(f);
		free(buf);
		tj_error_append_errno(e ? e : EIO, "cannot read '%s'", path);
		return TJ_EIO;
	}
	fclose(f);
	*data = buf;
	*len = n;
	return TJ_OK;
}

int tj_yaml_parser_error(struct tj_yaml *c, yaml_parser_t *p, const unsigned char *data, size_t len)
{
	yaml_mark_t m = p->problem_mark;
	const char *problem = p->problem ? p->problem : "malformed YAML";
	size_t i;

	switch (p->error) {
	case YAML_MEMORY_ERROR:
		return tj_yaml_oom();
	case YAML_READER_ERROR:
		/* No mark: find the line and column of the offending byte. */
		memset(&m, 0, sizeof(m));
		for (i = 0; i < p->problem_offset && i < len; i++) {
			if (data[i] == '\n') {
				m.line++;
				m.column = 0;
			} else {
				m.column++;
			}
		}
		if (p->problem_value != -1)
			return tj_yaml_err_at_mark(c, m, "%s (byte 0x%02X)", problem, p->problem_value);
		return tj_yaml_err_at_mark(c, m, "%s", problem);
	default:
		if (p->context)
			return tj_yaml_err_at_mark(c, m, "%s (%s at %zu:%zu)", problem, p->context,
					   p->context_mark.line + 1, p->context_mark.column + 1);
		return tj_yaml_err_at_mark(c, m, "%s", problem);
	}
}

int tj_yaml_check_shape(struct tj_yaml *c, const unsigned char *data, size_t len)
{
	yaml_parser_t p;
	yaml_event_t ev;
	int depth = 0, ret = TJ_OK;
	uint64_t events = 0;

	if (!yaml_parser_initialize(&p))
		return tj_yaml_oom();
	yaml_parser_set_input_string(&p, data, len);
	for (;;) {
		if (!yaml_parser_parse(&p, &ev)) {
			ret = tj_yaml_parser_error(c, &p, data, len);
			break;
		}
		yaml_event_type_t t = ev.type;
		yaml_mark_t m = ev.start_mark;
		yaml_event_delete(&ev);
		if (t == YAML_SEQUENCE_START_EVENT || t == YAML_MAPPING_START_EVENT) {
			if (++depth > TJ_YAML_MAX_DEPTH) {
				ret = tj_yaml_err_at_mark(c, m, "nested deeper than %d levels",
							  TJ_YAML_MAX_DEPTH);
				break;
			}
		} else if (t == YAML_SEQUENCE_END_EVENT || t == YAML_MAPPING_END_EVENT) {
			depth--;
		}
		if (++events > TJ_YAML_MAX_NODES) {
			ret = tj_yaml_err_at_mark(c, m, "more than %d nodes", TJ_YAML_MAX_NODES);
			break;
		}
		if (t == YAML_STREAM_END_EVENT)
			break;
	}
	yaml_parser_delete(&p);
	return ret;
}
