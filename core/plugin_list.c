/*
 * What `tjconv list-plugins [-v]` prints (each plugin, its kind, version,
 * path, parameters and, verbose, its ABI and subscriptions), and the
 * warning for a --param that no loaded plugin documents.
 */
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include "core.h"
#include "log.h"
#include "options.h"
#include "plugin_list.h"

/* param_help was appended after fini: a smaller descriptor has none. */
static const char *const *borrow_param_help(const struct tj_plugin_desc *d)
{
	if (d->size < offsetof(struct tj_plugin_desc, param_help) + sizeof(d->param_help))
		return NULL;
	return d->param_help;
}

static void print_param_help(const struct tj_plugin_desc *d)
{
	const char *const *help = borrow_param_help(d);
	for (const char *const *h = help; h && *h; h++)
		printf("      param %s\n", *h);
}

/* list-plugins -v: what the descriptor says beyond the one-line summary. */
static void print_verbose(const struct tj_plugin_desc *d)
{
	printf("      abi %u.%u, descriptor %u bytes%s\n", (unsigned)d->abi_major,
	       (unsigned)d->abi_minor, (unsigned)d->size,
	       borrow_param_help(d) ? "" : ", no parameters listed");
	printf("      subscribes:");
	if (!d->subscriptions || !d->subscriptions[0])
		printf(" nothing");
	for (const char *const *sub = d->subscriptions; sub && *sub; sub++)
		printf(" %s", *sub);
	printf("\n");
}

/* Does a param_help line ("key: meaning") describe key? */
static int help_names(const char *line, const char *key)
{
	size_t n = strlen(key);
	return strncmp(line, key, n) == 0 && line[n] == ':';
}

/* --param naming a plugin that is not loaded, or a key its param_help does
 * not list: a warning (the run goes on; a plugin without param_help may
 * read any key). */
void tj_warn_unknown_params(const struct tj_options *o, const struct tj_plugin_set *set)
{
	for (size_t i = 0; i < o->nparams; i++) {
		const struct tj_param *pa = &o->params[i];
		const struct tj_plugin *p = tj_plugin_set_borrow(set, pa->plugin);
		const char *const *help;
		int known = 0;

		if (!p) {
			tj_log(TJ_LOG_WARNING, NULL,
			       "--param '%s.%s': no plugin '%s' is loaded (see 'tjconv list-plugins')",
			       pa->plugin, pa->key, pa->plugin);
			continue;
		}
		if (!(help = borrow_param_help(p->desc)))
			continue;
		for (const char *const *h = help; *h && !known; h++)
			known = help_names(*h, pa->key);
		if (!known)
			tj_log(TJ_LOG_WARNING, NULL,
			       "--param '%s.%s': plugin '%s' has no parameter '%s' "
			       "(see 'tjconv list-plugins -v')",
			       pa->plugin, pa->key, pa->plugin, pa->key);
	}
}

int tj_list_plugins(const struct tj_plugin_set *set, int verbose)
{
	printf("search path:\n");
	for (size_t i = 0; i < set->ndirs; i++)
		printf("  %s\n", set->dirs[i]);
	printf("plugins:\n");
	for (size_t i = 0; i < set->nplugins; i++) {
		const struct tj_plugin *p = set->plugins[i];
		printf("  %-14s %-9s %-8s %s\n      %s\n", p->desc->name,
		       tj_plugin_kind_name(p->desc->kind), p->desc->version ? p->desc->version : "?",
		       p->desc->description ? p->desc->description : "", p->path);
		if (verbose)
			print_verbose(p->desc);
		print_param_help(p->desc);
	}
	if (set->nnotes) {
		printf("not loaded:\n");
		for (size_t i = 0; i < set->nnotes; i++)
			printf("  %s: %s\n", set->notes[i].path, set->notes[i].message);
	}
	return TJ_OK;
}

