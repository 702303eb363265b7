/*
 * Opening and closing a reader: finding the traces below a path
 * (discovery.c), one source.ctf.fs per trace, our sink (graph.c) for the
 * single-threaded reader or one graph per --jobs worker (reader_jobs.c),
 * the upstream table; and freeing all of it.
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
#include "reader_impl.h"
#include "strvec.h"

/* ------------------------------------------------------------------ */
/* setup                                                               */

/* One graph: our sink pulls every port itself (jobs = 1). */
static int setup_sink(struct tj_reader *r)
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
	for (size_t i = 0; i < r->ntraces; i++) {
		uint64_t n = bt_component_source_get_output_port_count(r->comps[i]);
		for (uint64_t j = 0; j < n; j++, k++) {
			int rc = tj_graph_connect(
				r->graph, bt_component_source_borrow_output_port_by_index_const(r->comps[i], j),
				sink, k, r->ups[k].c.port_name);
			if (rc)
				return rc;
		}
	}
	return TJ_OK;
}

/* --jobs N: one graph per worker, each with its own sources (metadata is
 * parsed once per worker), stream k decoded by worker k % N. */
static int setup_workers(struct tj_reader *r, uint32_t jobs)
{
	uint32_t nw = jobs < r->nups ? jobs : (uint32_t)r->nups;
	const bt_port_output **ports = calloc(r->nups, sizeof(*ports));
	uint32_t *owner = calloc(r->nups, sizeof(*owner));
	const char **names = calloc(r->nups, sizeof(*names));
	int rc = TJ_OK;

	r->wgraphs = calloc(nw, sizeof(*r->wgraphs));
	if (!ports || !owner || !names || !r->wgraphs) {
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
		const bt_component_source *comps[64];
		uint32_t ncomps = nw < 64 ? nw : 64;
		comps[0] = r->comps[i];
		for (uint32_t w = 1; rc == TJ_OK && w < ncomps; w++)
			rc = tj_graph_add_source(r->wgraphs[w], r->ctf_plugin,
						 tj_salvage_borrow_source(r->salvage, i, r->traces[i].path),
						 i, &comps[w]);
		if (rc)
			break;
		uint64_t n = bt_component_source_get_output_port_count(comps[0]);
		for (uint64_t j = 0; j < n; j++, k++) {
			owner[k] = (uint32_t)(k % ncomps);
			if (bt_component_source_get_output_port_count(comps[owner[k]]) != n) {
				tj_error_append("trace '%s' changed while opening it", r->traces[i].path);
				rc = TJ_EIO;
				break;
			}
			ports[k] = bt_component_source_borrow_output_port_by_index_const(comps[owner[k]], j);
			names[k] = r->ups[k].c.port_name;
		}
	}
	if (rc == TJ_OK)
		rc = tj_workers_create(&r->workers, r->wgraphs, nw, ports, owner, names,
				       (uint32_t)r->nups);
out:
	free(ports);
	free(owner);
	free(names);
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
	if (jobs == 0 && r->live) {
		jobs = 1;
	} else if (jobs == 0) {
		uint64_t bytes = 0;
		for (size_t i = 0; i < r->ntraces; i++)
			bytes += tj_jobs_stream_bytes(r->traces[i].path);
		jobs = tj_jobs_auto((uint32_t)r->nups, bytes, r->jobs_why, sizeof(r->jobs_why));
	} else if (jobs > 1 && r->nups < 2) {
		snprintf(r->jobs_why, sizeof(r->jobs_why), "--jobs %u, 1 stream", (unsigned)jobs);
	}
	rc = jobs > 1 && r->nups > 1 ? setup_workers(r, jobs) : setup_sink(r);
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
