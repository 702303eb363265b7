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
#include "yaml_nodes.h"

#define TJ_CONFIG_MAX_JOBS 256 /* as --jobs */

struct cfg {
	struct tj_yaml y; /* first: the node helpers get &c->y, callbacks cast back */
	char *dir; /* the file's directory for relative plugin-path entries; NULL: "." */
	struct tj_options f;
};

struct strv {
	char ***vec;
	size_t *n;
	int relative_to_file; /* plugin-path: resolve against the file's directory */
};

static int add_str_item(struct tj_yaml *y, yaml_node_t *item, const char *what, void *arg)
{
	struct cfg *c = (struct cfg *)y;
	struct strv *sv = arg;
	const char *s;
	char *joined;
	size_t len;
	int ret;

	ret = tj_yaml_get_text(&c->y, item, what, &s);
	if (ret)
		return ret;
	if (*s == '\0')
		return tj_yaml_err_at(&c->y, item, "empty string in '%s'", what);
	if (sv->relative_to_file && c->dir && s[0] != '/') {
		len = strlen(c->dir) + 1 + strlen(s) + 1;
		joined = malloc(len);
		if (!joined)
			return tj_yaml_oom();
		snprintf(joined, len, "%s/%s", c->dir, s);
		ret = tj_options_add_string(sv->vec, sv->n, joined);
		free(joined);
	} else {
		ret = tj_options_add_string(sv->vec, sv->n, s);
	}
	return ret ? tj_yaml_oom() : TJ_OK;
}

struct intv {
	int64_t **vec;
	size_t *n;
};

static int add_id_item(struct tj_yaml *y, yaml_node_t *item, const char *what, void *arg)
{
	struct cfg *c = (struct cfg *)y;
	struct intv *iv = arg;
	int64_t v;
	int ret;

	ret = tj_yaml_get_int(&c->y, item, what, 0, INT32_MAX, &v);
	if (ret)
		return ret;
	return tj_options_add_int(iv->vec, iv->n, v) ? tj_yaml_oom() : TJ_OK;
}

static int set_str(struct cfg *c, yaml_node_t *n, const char *what, char **dst)
{
	const char *s;
	char *copy;
	size_t len;
	int ret;

	ret = tj_yaml_get_text(&c->y, n, what, &s);
	if (ret)
		return ret;
	len = strlen(s) + 1;
	copy = malloc(len);
	if (!copy)
		return tj_yaml_oom();
	memcpy(copy, s, len);
	free(*dst);
	*dst = copy;
	return TJ_OK;
}

/* ---- sections ------------------------------------------------------------- */

static int clock_pair(struct tj_yaml *y, const char *key, yaml_node_t *kn, yaml_node_t *vn,
		      void *arg)
{
	struct cfg *c = (struct cfg *)y;
	char what[64];
	int *dst;

	snprintf(what, sizeof(what), "clock.%s", key);
	if (strcmp(key, "gmt") == 0)
		dst = &c->f.clock_gmt;
	else if (strcmp(key, "seconds") == 0)
		dst = &c->f.clock_seconds;
	else
		dst = &c->f.clock_relative;
	return tj_yaml_get_bool(&c->y, vn, what, dst);
}

static int filter_pair(struct tj_yaml *y, const char *key, yaml_node_t *kn, yaml_node_t *vn,
		       void *arg)
{
	struct cfg *c = (struct cfg *)y;
	struct intv iv;
	struct strv sv;

	if (strcmp(key, "pid") == 0) {
		iv.vec = &c->f.pids;
		iv.n = &c->f.npids;
		return tj_yaml_each_item(&c->y, vn, "filter.pid", add_id_item, &iv);
	}
	if (strcmp(key, "tid") == 0) {
		iv.vec = &c->f.tids;
		iv.n = &c->f.ntids;
		return tj_yaml_each_item(&c->y, vn, "filter.tid", add_id_item, &iv);
	}
	sv.vec = &c->f.comms;
	sv.n = &c->f.ncomms;
	sv.relative_to_file = 0;
	return tj_yaml_each_item(&c->y, vn, "filter.comm", add_str_item, &sv);
}

static int param_pair(struct tj_yaml *y, const char *key, yaml_node_t *kn, yaml_node_t *vn,
		      void *arg)
{
	struct cfg *c = (struct cfg *)y;
	const char *plugin = arg;
	char what[256];
	const char *value;
	int ret;

	snprintf(what, sizeof(what), "params.%s.%s", plugin, key);
	if (vn->type != YAML_SCALAR_NODE || tj_yaml_is_null(vn))
		return tj_yaml_err_at(&c->y, vn, "expected a scalar value for '%s', found %s", what,
			      tj_yaml_kind_name(vn));
	ret = tj_yaml_get_text(&c->y, vn, what, &value);
	if (ret)
		return ret;
	return tj_options_set_param(&c->f, plugin, key, value) ? tj_yaml_oom() : TJ_OK;
}

static int params_pair(struct tj_yaml *y, const char *plugin, yaml_node_t *kn, yaml_node_t *vn,
		       void *arg)
{
	struct cfg *c = (struct cfg *)y;
	char what[256];

	snprintf(what, sizeof(what), "params.%s", plugin);
	return tj_yaml_each_pair(&c->y, vn, what, NULL, param_pair, (void *)plugin);
}

static int top_pair(struct tj_yaml *y, const char *key, yaml_node_t *kn, yaml_node_t *vn,
		    void *arg)
{
	struct cfg *c = (struct cfg *)y;
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
	if (strcmp(key, "events") == 0) {
		ret = set_str(c, vn, key, &c->f.events);
		if (ret == TJ_OK && !tj_options_events_valid(c->f.events))
			return tj_yaml_err_at(&c->y, vn, "expected all, unanalyzed or none for "
					  "'events', found '%s'", c->f.events);
		return ret;
	}
	if (strcmp(key, "begin") == 0 || strcmp(key, "end") == 0) {
		char **dst = key[0] == 'b' ? &c->f.begin : &c->f.end;

		ret = set_str(c, vn, key, dst);
		if (ret)
			return ret;
		if (tj_time_spec_parse(*dst, &spec) != 0)
			return tj_yaml_err_at(&c->y, vn, "malformed time '%s' for '%s'", *dst, key);
		return TJ_OK;
	}
	if (strcmp(key, "sync") == 0) {
		char *mode = NULL;
		ret = set_str(c, vn, key, &mode);
		if (ret == TJ_OK && strcmp(mode, "auto") != 0 && strcmp(mode, "off") != 0)
			ret = tj_yaml_err_at(&c->y, vn, "expected auto or off for 'sync', found '%s'",
					     mode);
		if (ret == TJ_OK)
			c->f.sync = strcmp(mode, "auto") == 0;
		free(mode);
		return ret;
	}
	if (strcmp(key, "clock") == 0)
		return tj_yaml_each_pair(&c->y, vn, key, clock_keys, clock_pair, NULL);
	if (strcmp(key, "annotations") == 0)
		return tj_yaml_get_bool(&c->y, vn, key, &c->f.annotations);
	if (strcmp(key, "jobs") == 0) {
		if (vn->type == YAML_SCALAR_NODE && strcmp(tj_yaml_sval(vn), "auto") == 0) {
			c->f.jobs = TJ_JOBS_AUTO;
			return TJ_OK;
		}
		ret = tj_yaml_get_int(&c->y, vn, key, 1, TJ_CONFIG_MAX_JOBS, &v);
		if (ret == TJ_OK)
			c->f.jobs = (int)v;
		return ret;
	}
	if (strcmp(key, "plugin-path") == 0) {
		sv.vec = &c->f.plugin_paths;
		sv.n = &c->f.nplugin_paths;
		sv.relative_to_file = 1;
		return tj_yaml_each_item(&c->y, vn, key, add_str_item, &sv);
	}
	if (strcmp(key, "enable") == 0) {
		sv.vec = &c->f.enabled;
		sv.n = &c->f.nenabled;
		return tj_yaml_each_item(&c->y, vn, key, add_str_item, &sv);
	}
	if (strcmp(key, "disable") == 0) {
		sv.vec = &c->f.disabled;
		sv.n = &c->f.ndisabled;
		return tj_yaml_each_item(&c->y, vn, key, add_str_item, &sv);
	}
	if (strcmp(key, "filter") == 0)
		return tj_yaml_each_pair(&c->y, vn, key, filter_keys, filter_pair, NULL);
	/* params */
	return tj_yaml_each_pair(&c->y, vn, key, NULL, params_pair, NULL);
}

/* ---- reading and merging -------------------------------------------------- */

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
	take_str(&o->events, &f->events);
	o->nenabled_cli = o->nenabled;
	o->ndisabled_cli = o->ndisabled;
	take_flag(&o->clock_gmt, f->clock_gmt);
	take_flag(&o->clock_seconds, f->clock_seconds);
	take_flag(&o->clock_relative, f->clock_relative);
	take_flag(&o->annotations, f->annotations);
	if (o->jobs == 0)
		o->jobs = f->jobs;
	if (o->sync < 0)
		o->sync = f->sync;
	if (merge_strv(&o->plugin_paths, &o->nplugin_paths, f->plugin_paths, f->nplugin_paths) ||
	    merge_strv(&o->enabled, &o->nenabled, f->enabled, f->nenabled) ||
	    merge_strv(&o->disabled, &o->ndisabled, f->disabled, f->ndisabled) ||
	    merge_strv(&o->comms, &o->ncomms, f->comms, f->ncomms) ||
	    merge_intv(&o->pids, &o->npids, f->pids, f->npids) ||
	    merge_intv(&o->tids, &o->ntids, f->tids, f->ntids))
		return tj_yaml_oom();
	for (i = 0; i < f->nparams; i++) {
		if (tj_options_borrow_param(o, f->params[i].plugin, f->params[i].key))
			continue;
		if (tj_options_set_param(o, f->params[i].plugin, f->params[i].key,
					 f->params[i].value))
			return tj_yaml_oom();
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
	static const char *const top_keys[] = { "to", "output", "events", "begin", "end", "clock",
						"annotations", "jobs", "sync", "plugin-path", "enable",
						"disable", "filter", "params", NULL };
	yaml_parser_t parser;
	yaml_document_t doc, extra;
	yaml_node_t *root;
	unsigned char *data = NULL;
	size_t len = 0;
	struct cfg c;
	int ret;

	memset(&c, 0, sizeof(c));
	c.y.path = path;
	tj_options_init(&c.f);
	ret = tj_yaml_read_file(path, &data, &len);
	if (ret)
		return ret;
	if (strchr(path, '/')) {
		c.dir = dir_of(path);
		if (!c.dir) {
			free(data);
			return tj_yaml_oom();
		}
	}
	ret = tj_yaml_check_shape(&c.y, data, len);
	if (ret || !yaml_parser_initialize(&parser)) {
		free(data);
		free(c.dir);
		return ret ? ret : tj_yaml_oom();
	}
	yaml_parser_set_input_string(&parser, data, len);
	if (!yaml_parser_load(&parser, &doc)) {
		ret = tj_yaml_parser_error(&c.y, &parser, data, len);
		goto out_parser;
	}
	c.y.doc = &doc;
	root = yaml_document_get_root_node(&doc);
	if (root) {
		/* A second document would be silently ignored: refuse it. */
		if (!yaml_parser_load(&parser, &extra)) {
			ret = tj_yaml_parser_error(&c.y, &parser, data, len);
			goto out_doc;
		}
		if (yaml_document_get_root_node(&extra)) {
			ret = tj_yaml_err_at_mark(&c.y, yaml_document_get_root_node(&extra)->start_mark,
					  "expected a single YAML document");
			yaml_document_delete(&extra);
			goto out_doc;
		}
		yaml_document_delete(&extra);
		if (root->type != YAML_MAPPING_NODE && !tj_yaml_is_null(root))
			ret = tj_yaml_err_at(&c.y, root, "expected a mapping, found %s", tj_yaml_kind_name(root));
		else
			ret = tj_yaml_each_pair(&c.y, root, NULL, top_keys, top_pair, NULL);
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
