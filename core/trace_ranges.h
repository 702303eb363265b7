/*
 * Traces that follow each other in time (a session rotated into a trace per
 * hour, a folder of daily traces): learning each trace's time range before
 * reading it, so that the reader opens a trace only when the merge reaches
 * its begin time and lets it go when it ends (chunks.c reads the groups one
 * after the other).  Peak memory is then that of the traces that overlap in
 * time, not of all of them.
 */
#ifndef TJ_CORE_TRACE_RANGES_H
#define TJ_CORE_TRACE_RANGES_H

#include <stddef.h>
#include <stdint.h>

#include <babeltrace2/babeltrace.h>

#include "classes.h"
#include "strvec.h"

/* A trace's first and last time (ns from origin, packet bounds). */
struct tj_trace_range {
	int64_t begin, end;
};

/*
 * The time range of trace_dir, from source.ctf.fs's own packet index (its
 * "babeltrace.trace-infos" query: LTTng's index files, else the packet
 * headers).  TJ_OK and *out; TJ_EINVAL when it has none (streams without
 * a clock, several traces in one folder) or the query fails (no message:
 * the trace is then opened at once, as any other).
 */
int tj_trace_range_query(const bt_plugin *ctf, const char *trace_dir, struct tj_trace_range *out);

/*
 * Split traces 0..n-1 (in their reading order) into groups of consecutive
 * indexes such that every trace of a group ends before any trace of a later
 * group begins.  starts[g] is group g's first trace; returns the number of
 * groups (1: nothing to gain, read them together).  starts holds n.
 */
size_t tj_trace_groups_split(const struct tj_trace_range *rg, size_t n, size_t *starts);

/* What a trace not read yet declares, for tj_reader_trace_declares and
 * tj_reader_trace_clock_uuid (--sync's hosts): its event class names and
 * its clock's uuid, copied, so that its metadata need not stay. */
struct tj_trace_decl {
	int known;
	struct tj_strvec names;
	char clock_uuid[40]; /* "" when its clocks have none */
};

void tj_trace_decl_release(struct tj_trace_decl *d);

/*
 * What the plugins learn of a trace before the run (its environment and
 * stream count, tj_trace_desc) without keeping it open: a graph of its own
 * reads the first message of its first stream, then goes.  ti names the
 * component.  decl gets what the trace declares.  Errors name the trace.
 */
int tj_trace_probe_env(const bt_plugin *ctf, const char *trace_dir, size_t ti,
		       struct tj_trace_slot *slot, struct tj_trace_decl *decl);

#endif
