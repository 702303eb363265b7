/*
 * struct tj_options: what the user asked for, with helpers shared by the
 * command-line parser and the config file loader (growing string and integer
 * lists, NAME.KEY=VALUE plugin parameters).  Every string is owned.
 */
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "error.h"
#include "options.h"

void tj_options_init(struct tj_options *o)
{
	memset(o, 0, sizeof(*o));
	o->clock_gmt = -1;
	o->clock_seconds = -1;
	o->clock_relative = -1;
	o->annotations = -1;
	o->jobs = 0;
	o->sync = -1;
	o->quiet = -1;
	o->summary = -1;
	o->progress = -1;
}

static void free_strv(char **v, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		free(v[i]);
	free(v);
}

void tj_options_release(struct tj_options *o)
{
	size_t i;

	free(o->input);
	free(o->to);
	free(o->output);
	free(o->config);
	free(o->begin);
	free(o->end);
	free(o->events);
	free_strv(o->plugin_paths, o->nplugin_paths);
	free_strv(o->disabled, o->ndisabled);
	free_strv(o->enabled, o->nenabled);
	for (i = 0; i < o->nparams; i++) {
		free(o->params[i].plugin);
		free(o->params[i].key);
		free(o->params[i].value);
	}
	free(o->params);
	free(o->pids);
	free(o->tids);
	free_strv(o->comms, o->ncomms);
	tj_options_init(o);
}

/* Make room for one more element of size elem in *vec holding n. */
static int grow(void **vec, size_t n, size_t elem)
{
	void *nv;

	if (n >= SIZE_MAX / elem - 1)
		return TJ_ENOMEM;
	nv = realloc(*vec, (n + 1) * elem);
	if (!nv)
		return TJ_ENOMEM;
	*vec = nv;
	return TJ_OK;
}

int tj_options_add_string(char ***vec, size_t *n, const char *s)
{
	void *v = *vec;
	char *copy;

	copy = strdup(s);
	if (!copy || grow(&v, *n, sizeof(char *))) {
		free(copy);
		return TJ_ENOMEM;
	}
	*vec = v;
	(*vec)[(*n)++] = copy;
	return TJ_OK;
}

int tj_options_add_int(int64_t **vec, size_t *n, int64_t val)
{
	void *v = *vec;

	if (grow(&v, *n, sizeof(int64_t)))
		return TJ_ENOMEM;
	*vec = v;
	(*vec)[(*n)++] = val;
	return TJ_OK;
}

static struct tj_param *find_param(const struct tj_options *o, const char *plugin,
				   const char *key)
{
	size_t i;

	for (i = 0; i < o->nparams; i++)
		if (strcmp(o->params[i].plugin, plugin) == 0 && strcmp(o->params[i].key, key) == 0)
			return &o->params[i];
	return NULL;
}

int tj_options_set_param(struct tj_options *o, const char *plugin, const char *key,
			 const char *value)
{
	struct tj_param *p = find_param(o, plugin, key);
	struct tj_param np;
	void *v;
	char *copy;

	if (p) {
		copy = strdup(value);
		if (!copy)
			return TJ_ENOMEM;
		free(p->value);
		p->value = copy;
		return TJ_OK;
	}
	np.plugin = strdup(plugin);
	np.key = strdup(key);
	np.value = strdup(value);
	v = o->params;
	if (!np.plugin || !np.key || !np.value || grow(&v, o->nparams, sizeof(np))) {
		free(np.plugin);
		free(np.key);
		free(np.value);
		return TJ_ENOMEM;
	}
	o->params = v;
	o->params[o->nparams++] = np;
	return TJ_OK;
}

int tj_options_append_param(struct tj_options *o, const char *plugin, const char *key,
			    const char *value, char sep)
{
	const char *old = tj_options_borrow_param(o, plugin, key);
	if (!old)
		return tj_options_set_param(o, plugin, key, value);
	size_t a = strlen(old), b = strlen(value);
	char *joined = malloc(a + b + 2);
	if (!joined)
		return TJ_ENOMEM;
	memcpy(joined, old, a);
	joined[a] = sep;
	memcpy(joined + a + 1, value, b + 1);
	int rc = tj_options_set_param(o, plugin, key, joined);
	free(joined);
	return rc;
}

const char *tj_options_borrow_param(const struct tj_options *o, const char *plugin,
				    const char *key)
{
	const struct tj_param *p = find_param(o, plugin, key);

	return p ? p->value : NULL;
}

/* A bare name that is not a file here ("irq.yaml") is one of the bundled
 * analyses: ../share/tjconv/analyses next to the executable (build tree,
 * relocated installs), else DATADIR/analyses. */
static const char *bundled_analysis(const char *file, char *buf, size_t cap)
{
	char exe[PATH_MAX];
	ssize_t n;

	if (strchr(file, '/') || access(file, F_OK) == 0)
		return file;
	n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
	if (n > 0) {
		char *slash;

		exe[n] = '\0';
		slash = strrchr(exe, '/');
		if (slash) {
			*slash = '\0';
			if ((size_t)snprintf(buf, cap, "%s/../share/tjconv/analyses/%s", exe, file) < cap &&
			    access(buf, F_OK) == 0)
				return buf;
		}
	}
	if ((size_t)snprintf(buf, cap, "%s/analyses/%s", TJ_DATADIR, file) < cap &&
	    access(buf, F_OK) == 0)
		return buf;
	return file;
}

int tj_options_add_analysis(struct tj_options *o, const char *name)
{
	char found[PATH_MAX + 64];
	const char *file = bundled_analysis(name, found, sizeof(found));
	const char *prev = tj_options_borrow_param(o, "analysis", "files");
	size_t n = (prev ? strlen(prev) + 1 : 0) + strlen(file) + 1;
	char *v = malloc(n);
	int rc;

	if (!v)
		return TJ_ENOMEM;
	if (prev)
		memcpy(v, prev, strlen(prev));
	if (prev)
		v[strlen(prev)] = '\n';
	memcpy(v + (prev ? strlen(prev) + 1 : 0), file, strlen(file) + 1);
	rc = tj_options_set_param(o, "analysis", "files", v);
	free(v);
	for (size_t i = 0; rc == TJ_OK; i++) {
		if (i == o->nenabled) {
			rc = tj_options_add_string(&o->enabled, &o->nenabled, "analysis");
			break;
		}
		if (strcmp(o->enabled[i], "analysis") == 0)
			break;
	}
	return rc;
}

int tj_options_events_valid(const char *s)
{
	return s && (strcmp(s, "all") == 0 || strcmp(s, "unanalyzed") == 0 ||
		     strcmp(s, "none") == 0);
}
