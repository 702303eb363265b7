/*
 * Plugin loader: finds shared objects on the search path, dlopens them with
 * RTLD_NOW|RTLD_LOCAL and checks the descriptor before anything of the
 * plugin runs.  A file without the entry symbol is skipped with a notice; a
 * plugin built for another ABI is refused with a message naming the file and
 * both versions.  Nothing here calls init (see run.c).
 */
#include <dirent.h>
#include <dlfcn.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core.h"
#include "error.h"
#include "log.h"
#include "strvec.h"

/* The smallest descriptor we accept: everything up to and including fini. */
#define TJ_DESC_MIN_SIZE (offsetof(struct tj_plugin_desc, fini) + sizeof(void (*)(void *)))

const char *tj_plugin_kind_name(uint32_t kind)
{
	switch (kind) {
	case TJ_KIND_ANALYZER:
		return "analyzer";
	case TJ_KIND_EXPORTER:
		return "exporter";
	default:
		return "unknown";
	}
}

static int add_note(struct tj_plugin_set *set, const char *path, int refused, const char *fmt, ...)
	TJ_PRINTF(4, 5);

static int add_note(struct tj_plugin_set *set, const char *path, int refused, const char *fmt, ...)
{
	struct tj_plugin_note *n = realloc(set->notes, (set->nnotes + 1) * sizeof(*n));
	char msg[512];
	va_list ap;

	if (!n)
		return TJ_ENOMEM;
	set->notes = n;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	n = &set->notes[set->nnotes];
	n->path = strdup(path);
	n->message = strdup(msg);
	n->refused = refused;
	n->name = NULL;
	if (!n->path || !n->message) {
		free(n->path);
		free(n->message);
		return TJ_ENOMEM;
	}
	set->nnotes++;
	return TJ_OK;
}

/* Why a descriptor cannot be used, or NULL when it can. */
static const char *check_desc(const struct tj_plugin_desc *d, char *why, size_t cap)
{
	if (!d) {
		snprintf(why, cap, "entry returned no descriptor");
		return why;
	}
	if (d->abi_major != TJ_ABI_MAJOR || d->abi_minor > TJ_ABI_MINOR) {
		snprintf(why, cap, "built for plugin ABI %u.%u, this tjconv provides %u.%u",
			 (unsigned)d->abi_major, (unsigned)d->abi_minor, TJ_ABI_MAJOR, TJ_ABI_MINOR);
		return why;
	}
	if (d->size < TJ_DESC_MIN_SIZE) {
		snprintf(why, cap, "descriptor too small (%u bytes, ABI %u.%u needs at least %zu)",
			 (unsigned)d->size, (unsigned)d->abi_major, (unsigned)d->abi_minor,
			 (size_t)TJ_DESC_MIN_SIZE);
		return why;
	}
	if (!d->name || !*d->name) {
		snprintf(why, cap, "descriptor has no name");
		return why;
	}
	if (d->kind != TJ_KIND_ANALYZER && d->kind != TJ_KIND_EXPORTER) {
		snprintf(why, cap, "unknown plugin kind %u", (unsigned)d->kind);
		return why;
	}
	return NULL;
}

/*
 * A shared object anyone else can replace is code anyone else can run as
 * the user: refuse a world-writable file, or one in a folder its group or
 * the world may write (they could swap the file), unless asked not to.
 * NULL when safe, else why not.
 */
static const char *unsafe_reason(const char *path, char *why, size_t cap)
{
	struct stat st;
	char dir[PATH_MAX];
	const char *slash = strrchr(path, '/');
	size_t n = slash ? (size_t)(slash - path) : 0;
	if (stat(path, &st) == 0 && (st.st_mode & S_IWOTH)) {
		snprintf(why, cap, "refused: the file is world-writable (mode %03o); "
			 "--allow-unsafe-plugins loads it anyway", (unsigned)(st.st_mode & 0777));
		return why;
	}
	if (n == 0 || n >= sizeof(dir))
		return NULL;
	memcpy(dir, path, n);
	dir[n] = '\0';
	if (stat(dir, &st) == 0 && (st.st_mode & (S_IWGRP | S_IWOTH))) {
		snprintf(why, cap, "refused: its folder is %s-writable (mode %03o); "
			 "--allow-unsafe-plugins loads it anyway",
			 (st.st_mode & S_IWOTH) ? "world" : "group", (unsigned)(st.st_mode & 0777));
		return why;
	}
	return NULL;
}

static int load_one(struct tj_plugin_set *set, const char *path)
{
	char why[256];
	void *dl;
	void *sym;
	const struct tj_plugin_desc *desc;
	struct tj_plugin *p, **v;
	const char *err;

	if (!set->allow_unsafe && unsafe_reason(path, why, sizeof(why)))
		return add_note(set, path, 1, "%s", why);
	dlerror();
	dl = dlopen(path, RTLD_NOW | RTLD_LOCAL);
	if (!dl) {
		err = dlerror();
		return add_note(set, path, 1, "cannot load: %s", err ? err : "unknown dlopen error");
	}
	sym = dlsym(dl, TJ_PLUGIN_ENTRY_SYMBOL);
	if (!sym) {
		dlclose(dl);
		return add_note(set, path, 0, "not a tjconv plugin (no '%s' symbol)",
				TJ_PLUGIN_ENTRY_SYMBOL);
	}
	/* POSIX guarantees the data/function pointer round trip for dlsym. */
	tj_plugin_entry_fn entry;
	memcpy(&entry, &sym, sizeof(entry));
	desc = entry();
	if (check_desc(desc, why, sizeof(why))) {
		/* abi_major, abi_minor, size and name lead every descriptor of
		 * every ABI: keep the name so that --enable NAME can say why */
		char *name = desc && desc->size >= offsetof(struct tj_plugin_desc, name) +
							   sizeof(desc->name) && desc->name
				     ? strdup(desc->name)
				     : NULL;
		dlclose(dl);
		int rc = add_note(set, path, 1, "refused: %s", why);
		if (rc == TJ_OK)
			set->notes[set->nnotes - 1].name = name;
		else
			free(name);
		return rc;
	}
	if (tj_plugin_set_borrow(set, desc->name)) {
		int rc = add_note(set, path, 0, "skipped: plugin '%s' already loaded from '%s'",
				  desc->name, tj_plugin_set_borrow(set, desc->name)->path);
		dlclose(dl);
		return rc;
	}
	p = calloc(1, sizeof(*p));
	v = realloc(set->plugins, (set->nplugins + 1) * sizeof(*v));
	if (!p || !v) {
		free(p);
		if (v)
			set->plugins = v;
		dlclose(dl);
		return TJ_ENOMEM;
	}
	set->plugins = v;
	p->path = strdup(path);
	if (!p->path) {
		free(p);
		dlclose(dl);
		return TJ_ENOMEM;
	}
	p->dl = dl;
	p->desc = desc;
	set->plugins[set->nplugins++] = p;
	return TJ_OK;
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static int ends_with_so(const char *name)
{
	size_t n = strlen(name);
	return n > 3 && strcmp(name + n - 3, ".so") == 0;
}

/* Load every *.so of dir in name order, so the result does not depend on
 * readdir order. A missing directory is not an error. */
static int load_dir(struct tj_plugin_set *set, const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *de;
	struct tj_strvec names = {0};
	int rc = TJ_OK;

	if (!d)
		return TJ_OK;
	while ((de = readdir(d))) {
		if (ends_with_so(de->d_name) && tj_strvec_push(&names, de->d_name)) {
			rc = TJ_ENOMEM;
			break;
		}
	}
	closedir(d);
	if (rc == TJ_OK && names.n)
		qsort(names.v, names.n, sizeof(*names.v), cmp_str);
	for (size_t i = 0; rc == TJ_OK && i < names.n; i++) {
		char path[PATH_MAX];
		if ((size_t)snprintf(path, sizeof(path), "%s/%s", dir, names.v[i]) >= sizeof(path))
			continue;
		rc = load_one(set, path);
	}
	tj_strvec_release(&names);
	return rc;
}

static int add_dir(struct tj_plugin_set *set, const char *dir)
{
	struct tj_strvec v = {set->dirs, set->ndirs, set->ndirs};
	for (size_t i = 0; i < set->ndirs; i++)
		if (strcmp(set->dirs[i], dir) == 0)
			return TJ_OK;
	if (tj_strvec_push(&v, dir))
		return TJ_ENOMEM;
	set->dirs = v.v;
	set->ndirs = v.n;
	return TJ_OK;
}

/* ../lib/tjconv next to the executable: works in the build tree (build/bin,
 * build/lib/tjconv) and in a relocated install alike. */
static int add_exe_relative_dir(struct tj_plugin_set *set)
{
	char exe[PATH_MAX], dir[PATH_MAX];
	ssize_t n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
	char *slash;

	if (n <= 0)
		return TJ_OK;
	exe[n] = '\0';
	slash = strrchr(exe, '/');
	if (!slash)
		return TJ_OK;
	*slash = '\0';
	if ((size_t)snprintf(dir, sizeof(dir), "%s/../lib/tjconv", exe) >= sizeof(dir))
		return TJ_OK;
	char real[PATH_MAX];
	if (realpath(dir, real))
		return add_dir(set, real);
	return TJ_OK;
}

int tj_plugin_set_load(struct tj_plugin_set *set, char *const *extra_dirs, size_t nextra)
{
	const char *env = getenv("TJCONV_PLUGIN_PATH");
	int rc = TJ_OK;
	int allow_unsafe = set->allow_unsafe;

	memset(set, 0, sizeof(*set));
	set->allow_unsafe = allow_unsafe;
	for (size_t i = 0; rc == TJ_OK && i < nextra; i++) {
		struct stat st;
		/* Asked for by name: say so when it is not there (the environment's
		 * and the install's directories may legitimately be absent). */
		if (stat(extra_dirs[i], &st) != 0 || !S_ISDIR(st.st_mode))
			tj_log(TJ_LOG_WARNING, NULL, "--plugin-path '%s': %s", extra_dirs[i],
			       stat(extra_dirs[i], &st) != 0 ? "no such directory" : "not a directory");
		rc = add_dir(set, extra_dirs[i]);
	}
	for (const char *p = env; rc == TJ_OK && p && *p;) {
		const char *colon = strchr(p, ':');
		size_t len = colon ? (size_t)(colon - p) : strlen(p);
		if (len > 0) {
			char *dir = strndup(p, len);
			if (!dir)
				return TJ_ENOMEM;
			rc = add_dir(set, dir);
			free(dir);
		}
		p = colon ? colon + 1 : NULL;
	}
	if (rc == TJ_OK)
		rc = add_exe_relative_dir(set);
	if (rc == TJ_OK)
		rc = add_dir(set, TJ_PLUGINDIR);
	for (size_t i = 0; rc == TJ_OK && i < set->ndirs; i++)
		rc = load_dir(set, set->dirs[i]);
	if (rc == TJ_ENOMEM)
		tj_error_append("out of memory while loading plugins");
	return rc;
}

struct tj_plugin *tj_plugin_set_borrow(const struct tj_plugin_set *set, const char *name)
{
	for (size_t i = 0; i < set->nplugins; i++)
		if (strcmp(set->plugins[i]->desc->name, name) == 0)
			return set->plugins[i];
	return NULL;
}

void tj_plugin_set_release(struct tj_plugin_set *set)
{
	for (size_t i = 0; i < set->nplugins; i++) {
		struct tj_plugin *p = set->plugins[i];
		if (p->initialized && p->desc->fini)
			p->desc->fini(p->state);
		/* Sanitizer builds keep the code mapped so leak reports can
		 * symbolize plugin frames. */
#ifndef TJ_KEEP_PLUGINS_MAPPED
		dlclose(p->dl);
#endif
		free(p->path);
		free(p);
	}
	free(set->plugins);
	for (size_t i = 0; i < set->nnotes; i++) {
		free(set->notes[i].path);
		free(set->notes[i].message);
		free(set->notes[i].name);
	}
	free(set->notes);
	for (size_t i = 0; i < set->ndirs; i++)
		free(set->dirs[i]);
	free(set->dirs);
	memset(set, 0, sizeof(*set));
}
