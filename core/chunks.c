/*
 * Rotated sessions read chunk by chunk (see chunks.h).  Each chunk gets a
 * graph of its own (a libbabeltrace2 graph cannot take new sources once it
 * ran); the reader's stream and class tables stay, so class ids stay dense
 * and stable for the whole run, and each chunk's trace keeps the trace
 * index of its logical trace (its path inside the chunk).  Chunks do not
 * overlap in time, so reading them one after the other is the time order.
 * The groups of a collection (tj_chunks_try_groups) are such chunks too.
 * When a graph ends its metadata goes with it: the classes the plugins
 * keep are detached first (class_detach.h).
 */
#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/inotify.h>
#include <sys/stat.h>
#include <unistd.h>

#include "bt_errors.h"
#include "chunks.h"
#include "class_detach.h"
#include "discovery.h"
#include "error.h"
#include "live.h"
#include "log.h"
#include "reader_impl.h"
#include "strvec.h"
#include "trace_ranges.h"

struct tj_chunks {
	char *archives;        /* SESSION/archives */
	struct tj_strvec seen; /* chunk folder names taken, in order */
	struct tj_strvec todo; /* chunk folders (full paths) not read yet */
	size_t next;           /* in todo */
	char **rel;            /* logical traces: path inside a chunk */
	size_t nrel;
	int follow;
	int inotify_fd;        /* -1 until following */
	/* a collection read group by group (tj_chunks_try_groups): traces
	 * [starts[g], starts[g + 1]) of r->traces; NULL for a rotated session */
	size_t *starts;
	size_t ngroups, next_group;
	struct tj_trace_range *ranges; /* by trace, as read (before --sync) */
	struct tj_trace_decl *decls;   /* by trace: what the probed ones declare */
};

int tj_chunks_wanted(const char *path)
{
	char p[PATH_MAX];
	struct stat st;
	snprintf(p, sizeof(p), "%s/archives", path);
	return stat(p, &st) == 0 && S_ISDIR(st.st_mode);
}

/* Chunk folders are named BEGIN-END-INDEX: order by INDEX, then name. */
static unsigned long long chunk_index(const char *name)
{
	const char *d = strrchr(name, '-');
	return d ? strtoull(d + 1, NULL, 10) : ULLONG_MAX;
}

static int by_chunk(const void *a, const void *b)
{
	const char *x = *(char *const *)a, *y = *(char *const *)b;
	unsigned long long i = chunk_index(x), j = chunk_index(y);
	return i < j ? -1 : i > j ? 1 : strcmp(x, y);
}

static int seen_before(const struct tj_chunks *k, const char *name)
{
	for (size_t i = 0; i < k->seen.n; i++)
		if (strcmp(k->seen.v[i], name) == 0)
			return 1;
	return 0;
}

/* Add the chunks archived since the last look to todo, in order. */
static int scan(struct tj_chunks *k)
{
	struct tj_strvec names = {0};
	DIR *d = opendir(k->archives);
	struct dirent *de;
	int rc = TJ_OK;
	if (!d) {
		tj_error_append_errno(errno, "cannot read '%s'", k->archives);
		return TJ_EIO;
	}
	while ((de = readdir(d))) {
		char p[PATH_MAX];
		struct stat st;
		if (de->d_name[0] == '.' || seen_before(k, de->d_name))
			continue;
		snprintf(p, sizeof(p), "%s/%s", k->archives, de->d_name);
		if (stat(p, &st) == 0 && S_ISDIR(st.st_mode) && tj_strvec_push(&names, de->d_name)) {
			rc = TJ_ENOMEM;
			break;
		}
	}
	closedir(d);
	if (names.n)
		qsort(names.v, names.n, sizeof(*names.v), by_chunk);
	for (size_t i = 0; rc == TJ_OK && i < names.n; i++) {
		char p[PATH_MAX];
		snprintf(p, sizeof(p), "%s/%s", k->archives, names.v[i]);
		if (tj_strvec_push(&k->seen, names.v[i]) || tj_strvec_push(&k->todo, p))
			rc = TJ_ENOMEM;
	}
	tj_strvec_release(&names);
	return rc;
}

/* The traces of chunk (full paths), or none for an empty chunk. */
static int chunk_traces(const char *chunk, struct tj_strvec *out)
{
	int rc = tj_discover_traces(chunk, out);
	if (rc && out->n == 0) {
		/* a chunk of a rotation with nothing recorded */
		tj_error_clear();
		return TJ_OK;
	}
	return rc;
}

static const char *rel_of(const char *chunk, const char *trace)
{
	size_t n = strlen(chunk);
	return strncmp(trace, chunk, n) == 0 && trace[n] == '/' ? trace + n + 1 : trace;
}

static int64_t logical_index(const struct tj_chunks *k, const char *rel)
{
	for (size_t i = 0; i < k->nrel; i++)
		if (strcmp(k->rel[i], rel) == 0)
			return (int64_t)i;
	return -1;
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The logical traces: every trace path found in the chunks there are now;
 * each trace slot is named by its first chunk's folder. */
static int find_logical(struct tj_reader *r, struct tj_chunks *k)
{
	struct tj_strvec rels = {0}, first = {0};
	int rc = TJ_OK;
	for (size_t c = 0; rc == TJ_OK && c < k->todo.n; c++) {
		struct tj_strvec dirs = {0};
		rc = chunk_traces(k->todo.v[c], &dirs);
		for (size_t i = 0; rc == TJ_OK && i < dirs.n; i++) {
			const char *rel = rel_of(k->todo.v[c], dirs.v[i]);
			int known = 0;
			for (size_t j = 0; j < rels.n && !known; j++)
				known = strcmp(rels.v[j], rel) == 0;
			if (!known && (tj_strvec_push(&rels, rel) || tj_strvec_push(&first, dirs.v[i])))
				rc = TJ_ENOMEM;
		}
		tj_strvec_release(&dirs);
	}
	if (rc == TJ_OK && rels.n == 0) {
		tj_error_append("no trace found in the chunks of '%s'", k->archives);
		rc = TJ_EINVAL;
	}
	if (rc == TJ_OK) {
		/* sorted by path, as discovery orders the traces of a folder */
		k->rel = calloc(rels.n, sizeof(*k->rel));
		r->traces = calloc(rels.n, sizeof(*r->traces));
		r->comps = calloc(rels.n, sizeof(*r->comps));
		r->descs = calloc(rels.n, sizeof(*r->descs));
		if (!k->rel || !r->traces || !r->comps || !r->descs) {
			rc = TJ_ENOMEM;
			goto out;
		}
		memcpy(k->rel, rels.v, rels.n * sizeof(*k->rel));
		k->nrel = rels.n;
		qsort(k->rel, k->nrel, sizeof(*k->rel), cmp_str);
		/* each slot is named by its first chunk's folder */
		for (size_t i = 0; i < k->nrel; i++)
			for (size_t j = 0; j < rels.n; j++)
				if (rels.v[j] == k->rel[i]) {
					tj_trace_slot_init(&r->traces[i], first.v[j]);
					first.v[j] = NULL;
				}
		free(rels.v); /* the strings moved to k->rel */
		rels = (struct tj_strvec){0};
		r->ntraces = k->nrel;
		r->streams.traces = r->traces;
		r->streams.descs = r->descs;
	}
out:
	for (size_t i = 0; i < first.n; i++)
		free(first.v[i]);
	free(first.v);
	tj_strvec_release(&rels);
	return rc;
}

/* Build the graph of the traces dirs (trace index li[i], < 0: skipped):
 * sources, upstreams, merge, our sink. */
static int open_traces(struct tj_reader *r, struct tj_strvec dirs, const int64_t *li)
{
	const bt_component_source **comps = NULL;
	int rc = TJ_OK;
	comps = calloc(dirs.n ? dirs.n : 1, sizeof(*comps));
	if (!comps || !(r->graph = bt_graph_create(0))) {
		rc = TJ_ENOMEM;
		goto out;
	}
	r->nups = 0;
	for (size_t i = 0; i < dirs.n; i++) {
		if (li[i] < 0)
			continue;
		rc = tj_graph_add_source(r->graph, r->ctf_plugin, dirs.v[i], (size_t)li[i], &comps[i]);
		if (rc)
			goto out;
		r->nups += bt_component_source_get_output_port_count(comps[i]);
	}
	r->ups = calloc(r->nups ? r->nups : 1, sizeof(*r->ups));
	if (!r->ups || tj_merge_init(&r->merge, r->nups)) {
		rc = TJ_ENOMEM;
		goto out;
	}
	size_t n = 0;
	for (size_t i = 0; i < dirs.n; i++) {
		uint64_t np = comps[i] ? bt_component_source_get_output_port_count(comps[i]) : 0;
		for (uint64_t j = 0; j < np; j++, n++) {
			const bt_port_output *op =
				bt_component_source_borrow_output_port_by_index_const(comps[i], j);
			r->ups[n].c.trace_index = (uint32_t)li[i];
			r->ups[n].c.port_name = tj_graph_stream_name(
				r->input, dirs.v[i], bt_port_get_name(bt_port_output_as_port_const(op)));
			if (!r->ups[n].c.port_name) {
				rc = TJ_ENOMEM;
				goto out;
			}
		}
	}
	rc = tj_reader_setup_sink(r, comps, dirs.n);
out:
	free(comps);
	return rc;
}

/* Build the graph of one chunk. */
static int open_chunk(struct tj_reader *r, const char *chunk)
{
	struct tj_chunks *k = r->chunks;
	struct tj_strvec dirs = {0};
	int64_t *li = NULL;
	int rc = chunk_traces(chunk, &dirs);
	if (rc)
		return rc;
	li = calloc(dirs.n ? dirs.n : 1, sizeof(*li));
	if (!li)
		rc = TJ_ENOMEM;
	for (size_t i = 0; rc == TJ_OK && i < dirs.n; i++) {
		li[i] = logical_index(k, rel_of(chunk, dirs.v[i]));
		if (li[i] < 0)
			/* a trace that started after the run did (a new user's app) */
			tj_log(TJ_LOG_WARNING, NULL, "trace '%s' is new in this chunk: skipped",
			       dirs.v[i]);
	}
	if (rc == TJ_OK)
		rc = open_traces(r, dirs, li);
	free(li);
	tj_strvec_release(&dirs);
	return rc;
}

/* Build the graph of the next group of a collection (borrowing the trace
 * paths).  Its traces' stream counts are counted again by priming, from
 * the probe's figure to the same one. */
static int open_group(struct tj_reader *r)
{
	struct tj_chunks *k = r->chunks;
	size_t g = k->next_group++;
	size_t first = k->starts[g], end = g + 1 < k->ngroups ? k->starts[g + 1] : r->ntraces;
	struct tj_strvec dirs = {.v = calloc(end - first, sizeof(char *)), .n = end - first};
	int64_t *li = calloc(end - first, sizeof(*li));
	int rc = TJ_ENOMEM;
	if (dirs.v && li) {
		for (size_t i = first; i < end; i++) {
			dirs.v[i - first] = r->traces[i].path;
			li[i - first] = (int64_t)i;
			r->traces[i].desc.nstreams = 0;
			/* the graph's own metadata serves from now on */
			if (k->decls)
				tj_trace_decl_release(&k->decls[i]);
		}
		rc = open_traces(r, dirs, li);
	}
	free(dirs.v);
	free(li);
	return rc;
}

/* Let go of the ended chunk's graph; the stream and class tables forget
 * its libbabeltrace2 objects (their addresses may come back). */
static int close_chunk(struct tj_reader *r)
{
	for (size_t i = 0; i < r->nups; i++) {
		struct upstream *up = &r->ups[i];
		for (uint64_t j = up->pos; j < up->count; j++)
			bt_message_put_ref(up->msgs[j]);
		bt_message_iterator_put_ref(up->it);
		bt_message_iterator_put_ref(up->la_it);
		free(up->c.port_name);
	}
	free(r->ups);
	r->ups = NULL;
	r->nups = 0;
	tj_merge_release(&r->merge);
	/* the plugins keep the classes: what they may still ask is copied
	 * into them, and the metadata goes with the graph */
	struct tj_classes *cs = &r->streams.classes;
	for (uint32_t i = 0; i < cs->n; i++)
		if (tj_class_detach(cs->all[i]))
			return TJ_ENOMEM; /* the graph stays, so nothing dangles */
	bt_graph_put_ref(r->graph);
	r->graph = NULL;
	for (size_t i = 0; i < r->streams.n; i++)
		r->streams.v[i]->bt = NULL;
	for (size_t i = 0; i < r->streams.classes.nscs; i++)
		r->streams.classes.scs[i]->bt = NULL;
	return TJ_OK;
}

int tj_chunks_open(struct tj_reader *r)
{
	struct tj_chunks *k = calloc(1, sizeof(*k));
	char p[PATH_MAX];
	int rc;
	if (!k)
		return TJ_ENOMEM;
	k->inotify_fd = -1;
	r->chunks = k;
	snprintf(p, sizeof(p), "%s/archives", r->input);
	if (!(k->archives = strdup(p)))
		return TJ_ENOMEM;
	if ((rc = scan(k)) || (rc = find_logical(r, k)) || (rc = tj_graph_find_ctf(&r->ctf_plugin)))
		return rc;
	/* the first chunk with a trace */
	while (k->next < k->todo.n) {
		rc = open_chunk(r, k->todo.v[k->next++]);
		if (rc || r->graph)
			break;
	}
	return rc;
}

/* --follow: wait until archives/ gets a new entry, or a stop request. */
static int wait_for_chunk(struct tj_reader *r, struct tj_chunks *k)
{
	/* what the chunks so far gave reaches the output before the wait */
	if (r->live_flush)
		r->live_flush(r->live_flush_ud);
	if (k->inotify_fd < 0) {
		k->inotify_fd = inotify_init1(IN_CLOEXEC | IN_NONBLOCK);
		if (k->inotify_fd < 0 ||
		    inotify_add_watch(k->inotify_fd, k->archives, IN_CREATE | IN_MOVED_TO) < 0) {
			tj_error_append_errno(errno, "cannot watch '%s' for new chunks", k->archives);
			return TJ_EIO;
		}
		/* a chunk archived before the watch began */
		int rc = scan(k);
		if (rc || k->next < k->todo.n)
			return rc;
	}
	while (!tj_live_stop_requested()) {
		struct pollfd pfd = {.fd = k->inotify_fd, .events = POLLIN};
		/* the timeout only bounds how late a stop request is seen */
		int n = poll(&pfd, 1, 200);
		if (n < 0 && errno != EINTR) {
			tj_error_append_errno(errno, "cannot watch '%s' for new chunks", k->archives);
			return TJ_EIO;
		}
		if (n > 0) {
			char buf[4096];
			while (read(k->inotify_fd, buf, sizeof(buf)) > 0)
				;
			int rc = scan(k);
			if (rc || k->next < k->todo.n)
				return rc;
		}
	}
	return TJ_OK;
}

int tj_chunks_next(struct tj_reader *r)
{
	struct tj_chunks *k = r->chunks;
	int rc = close_chunk(r);
	if (rc)
		return rc;
	if (k->starts) {
		if (k->next_group >= k->ngroups)
			return 0;
		rc = open_group(r);
		return rc ? rc : 1;
	}
	for (;;) {
		if (k->next >= k->todo.n && (rc = scan(k)))
			return rc;
		if (k->next >= k->todo.n && k->follow && (rc = wait_for_chunk(r, k)))
			return rc;
		if (k->next >= k->todo.n)
			return 0;
		rc = open_chunk(r, k->todo.v[k->next++]);
		if (rc)
			return rc;
		if (r->graph)
			return 1;
	}
}

void tj_chunks_free(struct tj_reader *r)
{
	struct tj_chunks *k = r->chunks;
	if (!k)
		return;
	if (k->inotify_fd >= 0)
		close(k->inotify_fd);
	for (size_t i = 0; k->decls && i < r->ntraces; i++)
		tj_trace_decl_release(&k->decls[i]);
	free(k->decls);
	free(k->starts);
	free(k->ranges);
	for (size_t i = 0; i < k->nrel; i++)
		free(k->rel[i]);
	free(k->rel);
	tj_strvec_release(&k->seen);
	tj_strvec_release(&k->todo);
	free(k->archives);
	free(k);
	r->chunks = NULL;
}

void tj_reader_set_follow(struct tj_reader *r, int follow)
{
	if (r->chunks)
		r->chunks->follow = follow;
}

/* ------------------------------------------------------------------ */
/* a collection of traces that follow each other in time               */

/* Split by the ranges (through r->xf under --sync); the groups after the
 * first get their environment now, for the plugins' begin. */
static int make_groups(struct tj_reader *r, struct tj_chunks *k)
{
	struct tj_trace_range *rg = malloc(r->ntraces * sizeof(*rg));
	if (!rg)
		return TJ_ENOMEM;
	for (size_t i = 0; i < r->ntraces; i++) {
		rg[i] = k->ranges[i];
		if (r->xf) {
			rg[i].begin = tj_clock_xform_apply(&r->xf[i], rg[i].begin);
			rg[i].end = tj_clock_xform_apply(&r->xf[i], rg[i].end);
		}
	}
	k->ngroups = tj_trace_groups_split(rg, r->ntraces, k->starts);
	free(rg);
	k->next_group = 0;
	int rc = TJ_OK;
	for (size_t i = k->ngroups > 1 ? k->starts[1] : r->ntraces; rc == TJ_OK && i < r->ntraces; i++)
		rc = tj_trace_probe_env(r->ctf_plugin, r->traces[i].path, i, &r->traces[i], &k->decls[i]);
	return rc;
}

int tj_chunks_try_groups(struct tj_reader *r)
{
	struct tj_trace_range *ranges = r->ntraces > 1 ? calloc(r->ntraces, sizeof(*ranges)) : NULL;
	if (!ranges)
		return r->ntraces > 1 ? TJ_ENOMEM : 0;
	for (size_t i = 0; i < r->ntraces; i++)
		if (tj_trace_range_query(r->ctf_plugin, r->traces[i].path, &ranges[i])) {
			/* a trace with no readable range: all of them at once */
			free(ranges);
			return 0;
		}
	size_t *starts = malloc(r->ntraces * sizeof(*starts));
	if (!starts) {
		free(ranges);
		return TJ_ENOMEM;
	}
	if (tj_trace_groups_split(ranges, r->ntraces, starts) < 2) {
		free(starts);
		free(ranges);
		return 0;
	}
	struct tj_chunks *k = calloc(1, sizeof(*k));
	if (!k) {
		free(starts);
		free(ranges);
		return TJ_ENOMEM;
	}
	k->inotify_fd = -1;
	k->starts = starts;
	k->ranges = ranges;
	r->chunks = k;
	if (!(k->decls = calloc(r->ntraces, sizeof(*k->decls))))
		return TJ_ENOMEM;
	int rc = make_groups(r, k);
	if (rc == TJ_OK)
		rc = open_group(r);
	tj_log(TJ_LOG_DEBUG, NULL, "%zu traces in %zu groups that follow each other in time",
	       r->ntraces, k->ngroups);
	return rc ? rc : 1;
}

int tj_chunks_regroup(struct tj_reader *r)
{
	struct tj_chunks *k = r->chunks;
	if (!k || !k->starts)
		return TJ_OK;
	int rc = close_chunk(r);
	if (rc == TJ_OK)
		rc = make_groups(r, k);
	if (rc == TJ_OK)
		rc = open_group(r);
	return rc;
}

const struct tj_trace_decl *tj_chunks_borrow_decl(const struct tj_reader *r, uint32_t ti)
{
	const struct tj_chunks *k = r->chunks;
	return k && k->decls && ti < r->ntraces && k->decls[ti].known ? &k->decls[ti] : NULL;
}
