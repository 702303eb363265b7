/*
 * Opening and closing a reader: finding the traces below a path
 * (discovery.c), one source.ctf.fs per trace, our sink (graph.c) for the
 * single-threaded reader or one graph per --jobs worker (reader_jobs.c,
 * with big streams cut into windows: stream_split.c), the upstream table;
 * and freeing all of it.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bt_errors.h"
#include "chunks.h"
#include "discovery.h"
#include "error.h"
#include "fields.h"
#include "jobs_auto.h"
#include "live.h"
#include "log.h"
#include "reader_impl.h"
#include "signals.h"
#include "stream_split.h"
#include "strvec.h"

/* ------------------------------------------------------------------ */
/* setup                                                               */

/* One graph: our sink pulls every port of comps[0 .. ncomps - 1] itself
 * (jobs = 1), upstream k being the k-th port in that order; a NULL source
 * has no ports.  chunks.c builds each chunk's graph with it too. */
int tj_reader_setup_sink(struct tj_reader *r, const bt_component_source *const *comps,
			 size_t ncomps)
{
	const bt_component_sink *sink;
	r->sink = (struct tj_sink_ops){.ud = r, .nports = (uint32_t)r->nups,
				       .iterator_slot = tj_reader_iterator_slot,
				       .lookahead_slot = tj_reader_lookahead_slot,
				       .consume = tj_reader_consume};
	if (tj_graph_add_sink(r->graph, "merge", &r->sink, &sink)) {
		tj_bt_error_take();
		tj_error_append("cannot set up the reading graph");
		return TJ_ERROR;
	}
	size_t k = 0;
	for (size_t i = 0; i < ncomps; i++) {
		uint64_t n = comps[i] ? bt_component_source_get_output_port_count(comps[i]) : 0;
		for (uint64_t j = 0; j < n; j++, k++) {
			int rc = tj_graph_connect(
				r->graph, bt_component_source_borrow_output_port_by_index_const(comps[i], j),
				sink, k, r->ups[k].c.port_name);
			if (rc)
				return rc;
		}
	}
	return TJ_OK;
}

static int setup_sink(struct tj_reader *r)
{
	return tj_reader_setup_sink(r, r->comps, r->ntraces);
}

/* --jobs: which streams to cut into windows (stream_split.h); r->split
 * stays NULL when none is. */
static int plan_split(struct tj_reader *r, uint32_t jobs, uint32_t *nsplit)
{
	struct tj_split *sp;
	int rc = tj_split_new(&sp, jobs, (uint32_t)r->nups);
	size_t k = 0;
	*nsplit = 0;
	for (size_t i = 0; rc == TJ_OK && i < r->ntraces; i++) {
		uint64_t n = bt_component_source_get_output_port_count(r->comps[i]);
		const char **names = calloc(n ? n : 1, sizeof(*names));
		if (!names) {
			rc = TJ_ENOMEM;
			break;
		}
		for (uint64_t j = 0; j < n; j++)
			names[j] = bt_port_get_name(bt_port_output_as_port_const(
				bt_component_source_borrow_output_port_by_index_const(r->comps[i], j)));
		/* a salvaged trace is read through its own view, whole */
		if (tj_salvage_borrow_source(r->salvage, i, r->traces[i].path) == r->traces[i].path)
			rc = tj_split_add_trace(sp, i, r->traces[i].path, names, (uint32_t)n, (uint32_t)k);
		free(names);
		k += n;
	}
	if (rc == TJ_OK)
		rc = tj_split_decide(sp, nsplit);
	if (rc == TJ_OK && *nsplit) {
		rc = tj_split_make_views(sp);
		if (rc == TJ_EIO && !tj_signal_caught()) {
			/* an unwritable TMPDIR costs the windows, not the run */
			char why[512];
			tj_error_format(why, sizeof(why));
			tj_error_clear();
			tj_log(TJ_LOG_WARNING, NULL, "%s: streams are read whole", why);
			*nsplit = 0;
			rc = TJ_OK;
		}
	}
	if (rc || !*nsplit) {
		tj_split_free(sp);
		*nsplit = 0;
		return rc;
	}
	r->split = sp;
	return TJ_OK;
}

/* The links reading the windows of trace i in worker graphs: one view
 * source per worker, its ports matched by stream class and instance. */
static int add_window_links(struct tj_reader *r, size_t i, struct tj_link_spec *specs,
			    uint32_t *nspecs)
{
	for (size_t v = 0; v < tj_split_nviews(r->split); v++) {
		size_t ti;
		uint32_t w;
		const char *dir = tj_split_view(r->split, v, &ti, &w);
		const bt_component_source *vc;
		if (ti != i)
			continue;
		int rc = tj_graph_add_source(r->wgraphs[w], r->ctf_plugin, dir, r->ntraces + i, &vc);
		if (rc)
			return rc;
		uint64_t n = bt_component_source_get_output_port_count(vc);
		for (size_t li = 0; li < tj_split_nlinks(r->split); li++) {
			const struct tj_split_link *l = tj_split_borrow_link(r->split, li);
			const bt_port_output *port = NULL;
			if (l->view != v)
				continue;
			if (n == 1)
				port = bt_component_source_borrow_output_port_by_index_const(vc, 0);
			for (uint64_t j = 0; j < n && !port; j++) {
				const bt_port_output *op = bt_component_source_borrow_output_port_by_index_const(vc, j);
				uint64_t sc, id;
				if (tj_split_port_ids(bt_port_get_name(bt_port_output_as_port_const(op)), &sc,
						      &id) == 0 &&
				    sc == l->class_id && id == l->instance_id)
					port = op;
			}
			if (!port) {
				tj_error_append("trace '%s' changed while opening it", r->traces[i].path);
				return TJ_EIO;
			}
			specs[(*nspecs)++] = (struct tj_link_spec){
				.port = port, .worker = w, .up = l->up,
				.name = r->ups[l->up].c.port_name, .route = &l->route};
			r->ups[l->up].c.split = 1;
		}
	}
	return TJ_OK;
}

/* --jobs N: one graph per worker, each with its own sources (metadata is
 * parsed once per worker), stream k decoded by worker k % N, or, when a
 * stream is cut into windows, its windows by several workers. */
static int setup_workers(struct tj_reader *r, uint32_t jobs, int chosen_by_auto)
{
	uint32_t nsplit;
	int rc = plan_split(r, jobs, &nsplit);
	if (rc)
		return rc;
	uint32_t nw = nsplit ? jobs : jobs < r->nups ? jobs : (uint32_t)r->nups;
	if (nw < 2) {
		/* a stream that could not be cut (stream_split.h says which) */
		if (chosen_by_auto)
			snprintf(r->jobs_why, sizeof(r->jobs_why), "auto: 1 stream, not cut");
		else
			snprintf(r->jobs_why, sizeof(r->jobs_why), "--jobs %u, 1 stream", (unsigned)jobs);
		return setup_sink(r);
	}
	size_t maxspecs = r->nups + tj_split_nlinks(r->split);
	struct tj_link_spec *specs = calloc(maxspecs ? maxspecs : 1, sizeof(*specs));
	uint32_t nspecs = 0;

	r->wgraphs = calloc(nw, sizeof(*r->wgraphs));
	if (!specs || !r->wgraphs) {
		rc = TJ_ENOMEM;
		goto out;
	}
	r->nwgraphs = nw;
	r->wgraphs[0] = r->graph;
	bt_graph_get_ref(r->graph);
	for (uint32_t w = 1; w < nw && rc == TJ_OK; w++) {
		r->wgraphs[w] = bt_graph_create(0);
		if (!r->wgraphs[w])
			rc = TJ_ENOMEM;
	}
	size_t k = 0;
	for (size_t i = 0; rc == TJ_OK && i < r->ntraces; i++) {
		const bt_component_source *comps[64] = {0};
		uint32_t ncomps = nw < 64 ? nw : 64;
		comps[0] = r->comps[i];
		uint64_t n = bt_component_source_get_output_port_count(comps[0]);
		for (uint64_t j = 0; rc == TJ_OK && j < n; j++, k++) {
			if (tj_split_is_split(r->split, (uint32_t)k))
				continue;
			uint32_t owner = (uint32_t)(k % ncomps);
			/* a worker gets the trace's source when it reads one of its
			 * streams whole */
			if (!comps[owner])
				rc = tj_graph_add_source(r->wgraphs[owner], r->ctf_plugin,
							 tj_salvage_borrow_source(r->salvage, i, r->traces[i].path),
							 i, &comps[owner]);
			if (rc)
				break;
			if (bt_component_source_get_output_port_count(comps[owner]) != n) {
				tj_error_append("trace '%s' changed while opening it", r->traces[i].path);
				rc = TJ_EIO;
				break;
			}
			specs[nspecs++] = (struct tj_link_spec){
				.port = bt_component_source_borrow_output_port_by_index_const(comps[owner], j),
				.worker = owner, .up = (uint32_t)k, .name = r->ups[k].c.port_name};
		}
		if (rc == TJ_OK && r->split)
			rc = add_window_links(r, i, specs, &nspecs);
	}
	if (rc == TJ_OK)
		rc = tj_workers_create(&r->workers, r->wgraphs, nw, specs, nspecs, (uint32_t)r->nups,
				       r->split ? tj_split_nsegments(r->split) : (uint32_t)r->nups,
				       r->split ? tj_split_borrow_next(r->split) : NULL);
out:
	free(specs);
	return rc;
}

int tj_reader_open(struct tj_reader **out, const char *path)
{
	return tj_reader_open_jobs(out, path, 1);
}

int tj_reader_open_jobs(struct tj_reader **out, const char *path, uint32_t jobs)
{
	return tj_reader_open_salvage(out, path, jobs, TJ_SALVAGE_QUIET);
}

int tj_reader_open_salvage(struct tj_reader **out, const char *path, uint32_t jobs,
			   unsigned salvage_flags)
{
	struct tj_strvec dirs = {0};
	struct tj_reader *r = calloc(1, sizeof(*r));
	int rc;

	*out = NULL;
	if (!r)
		return TJ_ENOMEM;
	r->input = strdup(path);
	r->stop_ts = TJ_TS_NONE;
	r->refill = -1;
	if (!r->input) {
		free(r);
		return TJ_ENOMEM;
	}
	r->jobs = 1;
	snprintf(r->jobs_why, sizeof(r->jobs_why), "--jobs %u", (unsigned)jobs);
	if (tj_live_is_url(path)) {
		/* lttng-relayd's sessions instead of trace folders (live.c) */
		jobs = 1;
		snprintf(r->jobs_why, sizeof(r->jobs_why), "live session");
		rc = tj_live_open_sources(r);
		if (rc)
			goto fail;
		goto sources_added;
	}
	if (tj_chunks_wanted(path)) {
		/* archives/ of a rotated session: one chunk's graph at a time */
		snprintf(r->jobs_why, sizeof(r->jobs_why), "rotated session");
		rc = tj_chunks_open(r);
		if (rc)
			goto fail;
		goto graph_ready;
	}
	rc = tj_discover_traces(path, &dirs);
	if (rc)
		goto fail;
	r->traces = calloc(dirs.n, sizeof(*r->traces));
	r->comps = calloc(dirs.n, sizeof(*r->comps));
	r->descs = calloc(dirs.n, sizeof(*r->descs));
	if (!r->traces || !r->comps || !r->descs) {
		rc = TJ_ENOMEM;
		goto fail;
	}
	r->ntraces = dirs.n;
	r->streams.traces = r->traces;
	r->streams.descs = r->descs;
	for (size_t i = 0; i < dirs.n; i++) {
		tj_trace_slot_init(&r->traces[i], dirs.v[i]);
		dirs.v[i] = NULL;
	}
	for (size_t i = 0; i < dirs.n; i++)
		dirs.v[i] = r->traces[i].path; /* borrowed for the salvage scan */
	rc = tj_salvage_prepare(&r->salvage, dirs.v, dirs.n, salvage_flags);
	for (size_t i = 0; i < dirs.n; i++)
		dirs.v[i] = NULL;
	if (rc)
		goto fail;
	r->streams.salvage = r->salvage;
	rc = tj_graph_find_ctf(&r->ctf_plugin);
	if (rc)
		goto fail;
	if (!r->salvage) {
		/* traces that follow each other in time: one group at a time,
		 * on this thread (chunks.c) */
		rc = tj_chunks_try_groups(r);
		if (rc < 0)
			goto fail;
		if (rc > 0)
			goto graph_ready;
	}
	r->graph = bt_graph_create(0);
	if (!r->graph) {
		rc = TJ_ENOMEM;
		goto fail;
	}
	for (size_t i = 0; i < r->ntraces; i++) {
		rc = tj_graph_add_source(r->graph, r->ctf_plugin,
					 tj_salvage_borrow_source(r->salvage, i, r->traces[i].path), i,
					 &r->comps[i]);
		if (rc)
			goto fail;
		r->nups += bt_component_source_get_output_port_count(r->comps[i]);
	}
sources_added:
	r->ups = calloc(r->nups ? r->nups : 1, sizeof(*r->ups));
	if (!r->ups || tj_merge_init(&r->merge, r->nups)) {
		rc = TJ_ENOMEM;
		goto fail;
	}
	size_t k = 0;
	for (size_t i = 0; i < r->ntraces; i++) {
		uint64_t n = bt_component_source_get_output_port_count(r->comps[i]);
		for (uint64_t j = 0; j < n; j++, k++) {
			const bt_port_output *op =
				bt_component_source_borrow_output_port_by_index_const(r->comps[i], j);
			const char *pname = bt_port_get_name(bt_port_output_as_port_const(op));
			r->ups[k].c.trace_index = (uint32_t)i;
			char *unviewed = tj_salvage_port_name(r->salvage, i, pname, r->traces[i].path);
			r->ups[k].c.port_name = tj_graph_stream_name(r->input, r->traces[i].path,
								     unviewed ? unviewed : pname);
			free(unviewed);
			if (!r->ups[k].c.port_name) {
				rc = TJ_ENOMEM;
				goto fail;
			}
		}
	}
	int chosen_by_auto = jobs == 0 && !r->live;
	if (jobs == 0 && r->live) {
		jobs = 1;
	} else if (jobs == 0) {
		uint64_t bytes = 0, metadata = 0;
		for (size_t i = 0; i < r->ntraces; i++)
			bytes += tj_jobs_stream_bytes(r->traces[i].path, &metadata);
		jobs = tj_jobs_auto((uint32_t)r->nups, bytes, metadata, r->jobs_why,
				    sizeof(r->jobs_why));
	}
	/* one stream too: stream_split.c cuts it into packet windows */
	rc = jobs > 1 && r->nups > 0 ? setup_workers(r, jobs, chosen_by_auto) : setup_sink(r);
	if (r->workers)
		r->jobs = r->nwgraphs;
	if (rc)
		goto fail;
graph_ready:
	for (size_t i = 0; i < r->ntraces; i++)
		r->descs[i] = r->traces[i].desc;
	r->info.size = sizeof(r->info);
	r->info.ntraces = (uint32_t)r->ntraces;
	r->info.traces = r->descs;
	r->info.first_ts = TJ_TS_NONE;
	r->info.begin_ts = r->info.end_ts = TJ_TS_NONE;
	r->info.input_path = r->input;
	r->info.host_version = TJ_VERSION;
	tj_strvec_release(&dirs);
	*out = r;
	return TJ_OK;
fail:
	tj_strvec_release(&dirs);
	tj_reader_free(r);
	return rc;
}

uint32_t tj_reader_jobs(const struct tj_reader *r, const char **why)
{
	*why = r->jobs_why;
	return r->jobs;
}

void tj_reader_free(struct tj_reader *r)
{
	if (!r)
		return;
	/* Messages priming held are put before their iterators. */
	tj_streams_release(&r->streams, !r->workers);
	if (r->workers) {
		/* Batches go back to their workers before those stop. */
		for (size_t i = 0; i < r->nkept; i++)
			tj_workers_release(r->workers, r->kept[i]);
		for (size_t i = 0; i < r->nups; i++)
			if (r->ups[i].batch)
				tj_workers_release(r->workers, r->ups[i].batch);
		tj_workers_free(r->workers);
	}
	free(r->kept);
	free(r->trace_rank);
	free(r->xf);
	tj_chunks_free(r);
	for (size_t i = 0; i < r->nups; i++) {
		struct upstream *up = &r->ups[i];
		for (uint64_t j = up->pos; !r->workers && j < up->count; j++)
			bt_message_put_ref(up->msgs[j]);
		bt_message_iterator_put_ref(up->it);
		bt_message_iterator_put_ref(up->la_it);
		free(up->c.port_name);
	}
	for (uint32_t w = 0; w < r->nwgraphs; w++)
		bt_graph_put_ref(r->wgraphs[w]);
	free(r->wgraphs);
	bt_graph_put_ref(r->graph);
	tj_split_free(r->split);
	bt_plugin_put_ref(r->ctf_plugin);
	for (size_t i = 0; i < r->ntraces; i++)
		tj_trace_slot_release(&r->traces[i]);
	free(r->traces);
	free(r->comps);
	free(r->descs);
	free(r->ups);
	tj_merge_release(&r->merge);
	free(r->input);
	tj_salvage_free(r->salvage);
	free(r);
}
