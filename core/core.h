/*
 * Internal types shared by the core modules: the interned event class, the
 * loaded plugin, and the run that ties reader, dispatch and plugins together.
 * Nothing here crosses the plugin boundary (see include/tjconv/plugin.h).
 */
#ifndef TJ_CORE_CORE_H
#define TJ_CORE_CORE_H

#include <stddef.h>
#include <stdint.h>
#include "tjconv/plugin.h"

struct tj_run;
struct tj_field_path;
struct tj_map;

/* One subscriber of an event class: the plugin and its per-class data. */
struct tj_subscriber {
	struct tj_plugin *plugin;
	void *class_data;
};

/* An event class as interned by the reader.  `pub` is what plugins see. */
struct tj_class {
	struct tj_event_class pub;
	const void *bt_class;          /* const bt_event_class * */
	/* Field paths resolved for plugins; a tj_field handle indexes this. */
	struct tj_field_path *paths;
	uint32_t npaths, cap_paths;
	/* Dispatch lists, built when the class is first seen. */
	int dispatch_ready;
	uint32_t nanalyzers;           /* subscribers[0..nanalyzers) are analyzers */
	uint32_t nsubscribers;         /* then the exporter, if it subscribed */
	struct tj_subscriber *subscribers;
	/* What the class tells the core about threads (identity.c). */
	uint8_t id_kind;
	tj_field id_f[6];
	/* tj_fields_format's text layouts of this class's field classes, made
	 * on first use (field_format.c); freed by tj_class_release_fields. */
	struct tj_map *format_plans;
	/* Payload member names, copied for plugins (class_detach.c). */
	char **field_names;
	uint32_t nfield_names;
	int names_done;
};

/* A plugin found on the search path. */
struct tj_plugin {
	char *path;
	void *dl;
	const struct tj_plugin_desc *desc;
	void *state;
	int initialized;
	int enabled;       /* takes part in this run */
	int explicit_wish; /* the user named it (--enable/--to): failures are fatal */
	struct tj_run *run;
	/* format_time's caches (local time, UTC); see host.c. */
	void *clock_cache[2];
};

/* What the loader found: usable plugins and why others were not. */
struct tj_plugin_note {
	char *path;
	char *message;
	char *name;        /* the descriptor's name when it had one, else NULL */
	int refused;       /* 1: refused (bad ABI...), 0: skipped (not a plugin, shadowed) */
};

struct tj_plugin_set {
	struct tj_plugin **plugins;
	size_t nplugins;
	struct tj_plugin_note *notes;
	size_t nnotes;
	char **dirs;       /* search path actually used, in order */
	size_t ndirs;
	int allow_unsafe;  /* set before loading: skip the writable-by-others check */
};

/* Build the search path: --plugin-path dirs, $TJCONV_PLUGIN_PATH, the
 * directory next to the executable (../lib/tjconv), the install libdir. */
int tj_plugin_set_load(struct tj_plugin_set *set, char *const *extra_dirs, size_t nextra);
void tj_plugin_set_release(struct tj_plugin_set *set);
struct tj_plugin *tj_plugin_set_borrow(const struct tj_plugin_set *set, const char *name);
const char *tj_plugin_kind_name(uint32_t kind);

#endif
