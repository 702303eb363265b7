/*
 * Cutting big streams into packet windows for --jobs, so that a trace with
 * fewer streams than jobs (a single-stream trace, or one stream much bigger
 * than the others) still keeps every worker busy.
 *
 * Why views and not seeking: source.ctf.fs (libbabeltrace2 2.0) can only
 * seek to the beginning; seeking to a time decodes and drops every message
 * before it.  What it does honour is the LTTng packet index: it reads the
 * packets an index/FILE.idx lists, and only those.  So each worker reading
 * windows of a stream gets a view of the trace (a temporary folder of
 * symbolic links to the metadata and the stream file) whose index lists the
 * packets of its windows, each window led by the packet before it (the
 * primer: decoded and dropped, it gives the decoder the previous packet's
 * discarded-events counter and sequence number, so the discard reports of
 * the window's first packet are exactly those of a whole read).
 *
 * The windows of a stream are segments of one upstream: the main thread
 * reads them one after the other (reader_jobs.c) and sees one stream.
 */
#ifndef TJ_CORE_STREAM_SPLIT_H
#define TJ_CORE_STREAM_SPLIT_H

#include <stddef.h>
#include <stdint.h>

#include "reader_jobs.h"

struct tj_split;

/* One worker's reading of some windows of one stream (upstream up). */
struct tj_split_link {
	uint32_t up, worker;
	size_t view;                 /* the folder it reads (tj_split_view) */
	uint64_t class_id, instance_id; /* which port of the view's source */
	struct tj_split_route route; /* which segment each of its packets feeds */
};

/* A planner for nworkers workers over nups upstreams. */
int tj_split_new(struct tj_split **out, uint32_t nworkers, uint32_t nups);
/* Look at trace ti (folder dir), whose source's nports ports (upstreams
 * first_up ...) are named ports[]: which stream file each port reads and
 * where its packets are.  A trace this cannot read is simply not split;
 * the only error is TJ_ENOMEM. */
int tj_split_add_trace(struct tj_split *s, size_t ti, const char *dir, const char *const *ports,
		       uint32_t nports, uint32_t first_up);
/* Choose the streams to cut, their windows and the worker of each;
 * *nsplit: how many streams are cut (0: read every stream whole, as
 * before).  TJ_OK or TJ_ENOMEM. */
int tj_split_decide(struct tj_split *s, uint32_t *nsplit);
/* Write the views: TJ_OK, or an error with a cause. */
int tj_split_make_views(struct tj_split *s);

int tj_split_is_split(const struct tj_split *s, uint32_t up);
size_t tj_split_nviews(const struct tj_split *s);
/* The folder of view v, and the trace and worker it is for. */
const char *tj_split_view(const struct tj_split *s, size_t v, size_t *ti, uint32_t *worker);
size_t tj_split_nlinks(const struct tj_split *s);
const struct tj_split_link *tj_split_borrow_link(const struct tj_split *s, size_t i);
/* Segments: 0 .. nups - 1 are the upstreams' first ones; next[seg] is the
 * segment of the same upstream after seg, or -1. */
uint32_t tj_split_nsegments(const struct tj_split *s);
const int32_t *tj_split_borrow_next(const struct tj_split *s);

/* "... | CLASS | ID" (a ctf.fs port name): 0 and the two ids, or -1. */
int tj_split_port_ids(const char *port, uint64_t *class_id, uint64_t *instance_id);

/* Remove the views and free s (NULL is fine). */
void tj_split_free(struct tj_split *s);

#endif
