/*
 * tj_config_load: reads the --config YAML file (libyaml document API) into a
 * scratch struct tj_options, checking every key and type with errors of the
 * form "'FILE':LINE:COL: problem", then merges it under what the command line
 * already set.  The schema is documented in doc/config.md.
 */
#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <yaml.h>

#include "error.h"
#include "options.h"
#include "timefmt.h"

#define TJ_CONFIG_MAX_SIZE (16u << 20) /* a config file, not a trace */
#define TJ_CONFIG_MAX_JOBS 256 /* as --jobs */

struct cfg {
	const char *path;
	yaml_document_t *doc;
	char *dir; /* the file's directory for relative plugin-path entries; NULL: "." */
	struct tj_options f;
};

/* ---- errors ------------------------------------------------------------- */

static int err_at_mark(struct cfg *c, yaml_mark_t m, const char *fmt, ...) TJ_PRINTF(3, 4);

static int err_at_mark(struct cfg *c, yaml_mark_t m, const char *fmt, ...)
{
	char msg[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	tj_error_append("'%s':%zu:%zu: %s", c->path, m.line + 1, m.column + 1, msg);
	return TJ_EINVAL;
}

#define err_at(c, node, ...) err_at_mark((c), (node)->start_mark, __VA_ARGS__)

static int oom(void)
{
	tj_error_append("out of memory");
	return TJ_ENOMEM;
}

/* ---- node helpers --------------------------------------------------------- */

static yaml_node_t *node(struct cfg *c, int index)
{
	return yaml_document_get_node(c->doc, index);
}

static const char *sval(const yaml_node_t *n)
{
	return (const char *)n->data.scalar.value;
}

static int is_plain(const yaml_node_t *n)
{
	return n->type == YAML_SCALAR_NODE && n->data.scalar.style == YAML_PLAIN_SCALAR_STYLE;
}

static int is_null(const yaml_node_t *n)
{
	static const char *const nulls[] = { "", "~", "null", "Null", "NULL" };
	size_t i;

	if (!is_plain(n))
		return 0;
	for (i = 0; i < sizeof(nulls) / sizeof(nulls[0]); i++)
		if (strcmp(sval(n), nulls[i]) == 0)
			return 1;
	return 0;
}

static const char *kind_name(const yaml_node_t *n)
{
	if (n->type == YAML_MAPPING_NODE)
		return "a mapping";
	if (n->type == YAML_SEQUENCE_NODE)
		return "a sequence";
	if (is_null(n))
		return "nothing";
	return "a scalar";
}

/* A non-null scalar as text (ints and bools keep the text they were written with). */
static int get_text(struct cfg *c, yaml_node_t *n, const char *what, const char **out)
{
	if (n->type != YAML_SCALAR_NODE || is_null(n))
		return err_at(c, n, "expected a string for '%s', found %s", what, kind_name(n));
	if (strlen(sval(n)) != n->data.scalar.length)
		return err_at(c, n, "unexpected NUL character in '%s'", what);
	*out = sval(n);
	return TJ_OK;
}

/* YAML 1.1 booleans, unquoted. */
static int get_bool(struct cfg *c, yaml_node_t *n, const char *what, int *out)
{
	static const char *const yes[] = { "true", "True", "TRUE", "yes", "Yes", "YES",
					   "on", "On", "ON" };
	static const char *const no[] = { "false", "False", "FALSE", "no", "No", "NO",
					  "off", "Off", "OFF" };
	size_t i;

	if (is_plain(n)) {
		for (i = 0; i < sizeof(yes) / sizeof(yes[0]); i++) {
			if (strcmp(sval(n), yes[i]) == 0) {
				*out = 1;
				return TJ_OK;
			}
			if (strcmp(sval(n), no[i]) == 0) {
				*out = 0;
				return TJ_OK;
			}
		}
	}
	if (n->type == YAML_SCALAR_NODE && !is_null(n))
		return err_at(c, n, "expected a boolean for '%s', found %s'%s'", what,
			      is_plain(n) ? "" : "the quoted string ", sval(n));
	return err_at(c, n, "expected a boolean for '%s', found %s", what, kind_name(n));
}

/* An unquoted decimal integer in [min, max]. */
static int get_int(struct cfg *c, yaml_node_t *n, const char *what, int64_t min, int64_t max,
		   int64_t *out)
{
	const char *s, *p;
	uint64_t v = 0, limit;
	int neg = 0;

	if (n->type != YAML_SCALAR_NODE || is_null(n))
		return err_at(c, n, "expected an integer for '%s', found %s", what, kind_name(n));
	s = p = sval(n);
	if (!is_plain(n))
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
	return err_at(c, n, "expected an integer for '%s', found %s'%s'", what,
		      is_plain(n) ? "" : "the quoted string ", s);
range:
	return err_at(c, n, "'%s' for '%s' is out of range (%lld to %lld)", s, what,
		      (long long)min, (long long)max);
}

/* A sequence of scalars (null means empty); calls add for each item. */
typedef int (*item_fn)(struct cfg *c, yaml_node_t *item, const char *what, void *arg);

static int each_item(struct cfg *c, yaml_node_t *n, const char *what, item_fn add, void *arg)
{
	yaml_node_item_t *it;
	yaml_node_t *item;
	int ret;

	if (is_null(n))
		return TJ_OK;
	if (n->type != YAML_SEQUENCE_NODE)
		return err_at(c, n, "expected a sequence for '%s', found %s", what, kind_name(n));
	for (it = n->data.sequence.items.start; it < n->data.sequence.items.top; it++) {
		item = node(c, *it);
		ret = add(c, item, what, arg);
		if (ret)
			return ret;
	}
	return TJ_OK;
}

struct strv {
	char ***vec;
	size_t *n;
	int relative_to_file; /* plugin-path: resolve against the file's directory */
};

static int add_str_item(struct cfg *c, yaml_node_t *item, const char *what, void *arg)
{
	struct strv *sv = arg;
	const char *s;
	char *joined;
	size_t len;
	int ret;

	ret = get_text(c, item, what, &s);
	if (ret)
		return ret;
	if (*s == '\0')
		return err_at(c, item, "empty string in '%s'", what);
	if (sv->relative_to_file && c->dir && s[0] != '/') {
		len = strlen(c->dir) + 1 + strlen(s) + 1;
		joined = malloc(len);
		if (!joined)
			return oom();
		snprintf(joined, len, "%s/%s", c->dir, s);
		ret = tj_options_add_string(sv->vec, sv->n, joined);
		free(joined);
	} else {
		ret = tj_options_add_string(sv->vec, sv->n, s);
	}
	return ret ? oom() : TJ_OK;
}

struct intv {
	int64_t **vec;
	size_t *n;
};

static int add_id_item(struct cfg *c, yaml_node_t *item, const char *what, void *arg)
{
	struct intv *iv = arg;
	int64_t v;
	int ret;

	ret = get_int(c, item, what, 0, INT32_MAX, &v);
	if (ret)
		return ret;
	return tj_options_add_int(iv->vec, iv->n, v) ? oom() : TJ_OK;
}

static int set_str(struct cfg *c, yaml_node_t *n, const char *what, char **dst)
{
	const char *s;
	char *copy;
	size_t len;
	int ret;

	ret = get_text(c, n, what, &s);
	if (ret)
		return ret;
	len = strlen(s) + 1;
	copy = malloc(len);
	if (!copy)
		return oom();
	memcpy(copy, s, len);
	free(*dst);
	*dst = copy;
	return TJ_OK;
}

/*
 * Walk a mapping: every key must be a plain string, listed in keys (NULL:
 * any key), and not repeated; handle(c, key, value, arg) does the rest.
 */
typedef int (*pair_fn)(struct cfg *c, const char *key, yaml_node_t *kn, yaml_node_t *vn,
		       void *arg);

static int each_pair(struct cfg *c, yaml_node_t *n, const char *what, const char *const *keys,
		     pair_fn handle, void *arg)
{
	yaml_node_pair_t *p, *q;
	yaml_node_t *kn, *vn;
	const char *key;
	size_t i;
	int ret;

	if (is_null(n))
		return TJ_OK;
	if (n->type != YAML_MAPPING_NODE) {
		if (what)
			return err_at(c, n, "expected a mapping for '%s', found %s", what,
				      kind_name(n));
		return err_at(c, n, "expected a mapping, found %s", kind_name(n));
	}
	for (p = n->data.mapping.pairs.start; p < n->data.mapping.pairs.top; p++) {
		kn = node(c, p->key);
		vn = node(c, p->value);
		if (kn->type != YAML_SCALAR_NODE || is_null(kn) ||
		    strlen(sval(kn)) != kn->data.scalar.length)
			return err_at(c, kn, "expected a key name, found %s", kind_name(kn));
		key = sval(kn);
		if (keys) {
			for (i = 0; keys[i] && strcmp(keys[i], key) != 0; i++)
				;
			if (!keys[i]) {
				if (what)
					return err_at(c, kn, "unknown key '%s.%s'", what, key);
				return err_at(c, kn, "unknown key '%s'", key);
			}
		}
		for (q = n->data.mapping.pairs.start; q < p; q++) {
			yaml_node_t *prev = node(c, q->key);

			if (prev->type == YAML_SCALAR_NODE && strcmp(sval(prev), key) == 0) {
				if (what)
					return err_at(c, kn, "duplicate key '%s.%s'", what, key);
				return err_at(c, kn, "duplicate key '%s'", key);
			}
		}
		ret = handle(c, key, kn, vn, arg);
		if (ret)
			return ret;
	}
	return TJ_OK;
}

/* ---- sections ------------------------------------------------------------- */

static int clock_pair(struct cfg *c, const char *key, yaml_node_t *kn, yaml_node_t *vn,
		      void *arg)
{
	char what[64];
	int *dst;

	snprintf(what, sizeof(what), "clock.%s", key);
	if (strcmp(key, "gmt") == 0)
		dst = &c->f.clock_gmt;
	else if (strcmp(key, "seconds") == 0)
		dst = &c->f.clock_seconds;
	else
		dst = &c->f.clock_relative;
	return get_bool(c, vn, what, dst);
}

static int filter_pair(struct cfg *c, const char *key, yaml_node_t *kn, yaml_node_t *vn,
		       void *arg)
{
	struct intv iv;
	struct strv sv;

	if (strcmp(key, "pid") == 0) {
		iv.vec = &c->f.pids;
		iv.n = &c->f.npids;
		return each_item(c, vn, "filter.pid", add_id_item, &iv);
	}
	if (strcmp(key, "tid") == 0) {
		iv.vec = &c->f.tids;
		iv.n = &c->f.ntids;
		return each_item(c, vn, "filter.tid", add_id_item, &iv);
	}
	sv.vec = &c->f.comms;
	sv.n = &c->f.ncomms;
	sv.relative_to_file = 0;
	return each_item(c, vn, "filter.comm", add_str_item, &sv);
}

static int param_pair(struct cfg *c, const char *key, yaml_node_t *kn, yaml_node_t *vn,
		      void *arg)
{
	const char *plugin = arg;
	char what[256];
	const char *value;
	int ret;

	snprintf(what, sizeof(what), "params.%s.%s", plugin, key);
	if (vn->type != YAML_SCALAR_NODE || is_null(vn))
		return err_at(c, vn, "expected a scalar value for '%s', found %s", what,
			      kind_name(vn));
	ret = get_text(c, vn, what, &value);
	if (ret)
		return ret;
	return tj_options_set_param(&c->f, plugin, key, value) ? oom() : TJ_OK;
}

static int params_pair(struct cfg *c, const char *plugin, yaml_node_t *kn, yaml_node_t *vn,
		       void *arg)
{
	char what[256];

	snprintf(what, sizeof(what), "params.%s", plugin);
	return each_pair(c, vn, what, NULL, param_pair, (void *)plugin);
}

static int top_pair(struct cfg *c, const char *key, yaml_node_t *kn, yaml_node_t *vn,
		    void *arg)
{
	static const char *const clock_keys[] = { "gmt", "seconds", "relative", NULL };
	static const char *const filter_keys[] = { "pid", "tid", "comm", NULL };
	struct tj_time_spec spec;
	struct strv sv = { 0 };
	int64_t v;
	int ret;

	if (strcmp(key, "to") == 0)
		return set_str(c, vn, key, &c->f.to);
	if (strcmp(key, "output") == 0)
		return set_str(c, vn, key, &c->f.output);
	if (strcmp(key, "begin") == 0 || strcmp(key, "end") == 0) {
		char **dst = key[0] == 'b' ? &c->f.begin : &c->f.end;

		ret = set_str(c, vn, key, dst);
		if (ret)
			return ret;
		if (tj_time_spec_parse(*dst, &spec) != 0)
			return err_at(c, vn, "malformed time '%s' for '%s'", *dst, key);
		return TJ_OK;
	}
	if (strcmp(key, "clock") == 0)
		return each_pair(c, vn, key, clock_keys, clock_pair, NULL);
	if (strcmp(key, "annotations") == 0)
		return get_bool(c, vn, key, &c->f.annotations);
	if (strcmp(key, "jobs") == 0) {
		ret = get_int(c, vn, key, 1, TJ_CONFIG_MAX_JOBS, &v);
		if (ret == TJ_OK)
			c->f.jobs = (int)v;
		return ret;
	}
	if (strcmp(key, "plugin-path") == 0) {
		sv.vec = &c->f.plugin_paths;
		sv.n = &c->f.nplugin_paths;
		sv.relative_to_file = 1;
		return each_item(c, vn, key, add_str_item, &sv);
	}
	if (strcmp(key, "enable") == 0) {
		sv.vec = &c->f.enabled;
		sv.n = &c->f.nenabled;
		return each_item(c, vn, key, add_str_item, &sv);
	}
	if (strcmp(key, "disable") == 0) {
		sv.vec = &c->f.disabled;
		sv.n = &c->f.ndisabled;
		return each_item(c, vn, key, add_str_item, &sv);
	}
	if (strcmp(key, "filter") == 0)
		return each_pair(c, vn, key, filter_keys, filter_pair, NULL);
	/* params */
	return each_pair(c, vn, key, NULL, params_pair, NULL);
}

/* ---- reading and merging -------------------------------------------------- */

static int read_file(const char *path, unsigned char **data, size_t *len)
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
			if (cap >= TJ_CONFIG_MAX_SIZE) {
				fclose(f);
				free(buf);
				tj_error_append("cannot read '%s': larger than %u bytes", path,
						TJ_CONFIG_MAX_SIZE);
				return TJ_EINVAL;
			}
			cap = cap ? cap * 2 : 4096;
			nb = realloc(buf, cap);
			if (!nb) {
				fclose(f);
				free(buf);
				return oom();
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

static int parser_error(struct cfg *c, yaml_parser_t *p, const unsigned char *data, size_t len)
{
	yaml_mark_t m = p->problem_mark;
	const char *problem = p->problem ? p->problem : "malformed YAML";
	size_t i;

	switch (p->error) {
	case YAML_MEMORY_ERROR:
		return oom();
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
			return err_at_mark(c, m, "%s (byte 0x%02X)", problem, p->problem_value);
		return err_at_mark(c, m, "%s", problem);
	default:
		if (p->context)
			return err_at_mark(c, m, "%s (%s at %zu:%zu)", problem, p->context,
					   p->context_mark.line + 1, p->context_mark.column + 1);
		return err_at_mark(c, m, "%s", problem);
	}
}

static int merge_strv(char ***dst, size_t *ndst, char **src, size_t nsrc)
{
	size_t i;

	for (i = 0; i < nsrc; i++)
		if (tj_options_add_string(dst, ndst, src[i]))
			return TJ_ENOMEM;
	return TJ_OK;
}

static int merge_intv(int64_t **dst, size_t *ndst, const int64_t *src, size_t nsrc)
{
	size_t i;

	for (i = 0; i < nsrc; i++)
		if (tj_options_add_int(dst, ndst, src[i]))
			return TJ_ENOMEM;
	return TJ_OK;
}

static void take_str(char **dst, char **src)
{
	if (!*dst && *src) {
		*dst = *src;
		*src = NULL;
	}
}

static void take_flag(int *dst, int src)
{
	if (*dst < 0 && src >= 0)
		*dst = src;
}

/* The command line (o) wins; lists from the file come after its entries. */
static int merge(struct tj_options *o, struct tj_options *f)
{
	size_t i;

	take_str(&o->to, &f->to);
	take_str(&o->output, &f->output);
	take_str(&o->begin, &f->begin);
	take_str(&o->end, &f->end);
	take_flag(&o->clock_gmt, f->clock_gmt);
	take_flag(&o->clock_seconds, f->clock_seconds);
	take_flag(&o->clock_relative, f->clock_relative);
	take_flag(&o->annotations, f->annotations);
	if (o->jobs == 0)
		o->jobs = f->jobs;
	if (merge_strv(&o->plugin_paths, &o->nplugin_paths, f->plugin_paths, f->nplugin_paths) ||
	    merge_strv(&o->enabled, &o->nenabled, f->enabled, f->nenabled) ||
	    merge_strv(&o->disabled, &o->ndisabled, f->disabled, f->ndisabled) ||
	    merge_strv(&o->comms, &o->ncomms, f->comms, f->ncomms) ||
	    merge_intv(&o->pids, &o->npids, f->pids, f->npids) ||
	    merge_intv(&o->tids, &o->ntids, f->tids, f->ntids))
		return oom();
	for (i = 0; i < f->nparams; i++) {
		if (tj_options_borrow_param(o, f->params[i].plugin, f->params[i].key))
			continue;
		if (tj_options_set_param(o, f->params[i].plugin, f->params[i].key,
					 f->params[i].value))
			return oom();
	}
	return TJ_OK;
}

static char *dir_of(const char *path)
{
	const char *slash = strrchr(path, '/');
	size_t n;
	char *d;

	if (!slash)
		return NULL; /* the current directory: keep relative entries as they are */
	n = slash == path ? 1 : (size_t)(slash - path);
	d = malloc(n + 1);
	if (d) {
		memcpy(d, path, n);
		d[n] = '\0';
	}
	return d;
}

int tj_config_load(struct tj_options *o, const char *path)
{
	static const char *const top_keys[] = { "to", "output", "begin", "end", "clock",
						"annotations", "jobs", "plugin-path", "enable",
						"disable", "filter", "params", NULL };
	yaml_parser_t parser;
	yaml_document_t doc, extra;
	yaml_node_t *root;
	unsigned char *data = NULL;
	size_t len = 0;
	struct cfg c;
	int ret;

	memset(&c, 0, sizeof(c));
	c.path = path;
	tj_options_init(&c.f);
	ret = read_file(path, &data, &len);
	if (ret)
		return ret;
	if (strchr(path, '/')) {
		c.dir = dir_of(path);
		if (!c.dir) {
			free(data);
			return oom();
		}
	}
	if (!yaml_parser_initialize(&parser)) {
		free(data);
		free(c.dir);
		return oom();
	}
	yaml_parser_set_input_string(&parser, data, len);
	if (!yaml_parser_load(&parser, &doc)) {
		ret = parser_error(&c, &parser, data, len);
		goto out_parser;
	}
	c.doc = &doc;
	root = yaml_document_get_root_node(&doc);
	if (root) {
		/* A second document would be silently ignored: refuse it. */
		if (!yaml_parser_load(&parser, &extra)) {
			ret = parser_error(&c, &parser, data, len);
			goto out_doc;
		}
		if (yaml_document_get_root_node(&extra)) {
			ret = err_at_mark(&c, yaml_document_get_root_node(&extra)->start_mark,
					  "expected a single YAML document");
			yaml_document_delete(&extra);
			goto out_doc;
		}
		yaml_document_delete(&extra);
		if (root->type != YAML_MAPPING_NODE && !is_null(root))
			ret = err_at(&c, root, "expected a mapping, found %s", kind_name(root));
		else
			ret = each_pair(&c, root, NULL, top_keys, top_pair, NULL);
		if (ret == TJ_OK)
			ret = merge(o, &c.f);
	}
out_doc:
	yaml_document_delete(&doc);
out_parser:
	yaml_parser_delete(&parser);
	tj_options_release(&c.f);
	free(c.dir);
	free(data);
	return ret;
}
