/*
 * Rotated sessions (lttng rotate, --schedule): a session folder with an
 * archives/ folder of completed trace chunks is read chunk after chunk, in
 * chunk order, as one logical trace: the traces of every chunk ("kernel",
 * "ust/uid/1000/64-bit") keep one trace index for the whole run, so the
 * analyzers see one trace whose events go on across the boundaries.  With
 * --follow, once the last chunk is read, the reader waits for the next one
 * to be archived (inotify) until the stop request (SIGINT/SIGTERM).
 *
 * A collection of traces that follow each other in time (trace_ranges.h)
 * is read the same way, a group of overlapping traces per graph, each
 * trace keeping its own index.
 */
#ifndef TJ_CORE_CHUNKS_H
#define TJ_CORE_CHUNKS_H


#include <stdint.h>

struct tj_reader;
struct tj_trace_decl;

/* path is a folder holding an archives/ folder. */
int tj_chunks_wanted(const char *path);
/* reader_open.c: list the chunks and their traces, build the graph of the
 * first chunk (ups, merge, sink).  Errors name the path. */
int tj_chunks_open(struct tj_reader *r);
/* reader.c, when a chunk's graph ended: 1 when the next chunk's graph is
 * ready (not yet primed), 0 when there is none (or a stop was requested
 * while following), < 0 on error. */
int tj_chunks_next(struct tj_reader *r);
void tj_chunks_free(struct tj_reader *r);
/* reader_open.c, traces found and r->ctf_plugin set: when the traces
 * follow each other in time (trace_ranges.h), read them group by group like
 * chunks (the first group's graph built, the others' environment read): 1;
 * 0 when they do not (or a range is unknown): build the graph as usual. */
int tj_chunks_try_groups(struct tj_reader *r);
/* After --sync's clock transforms are set: group again by the times the
 * merge will see (the first group's graph, not yet run, is rebuilt). */
int tj_chunks_regroup(struct tj_reader *r);
/* A collection's trace ti not opened yet: what it declares (NULL: none). */
const struct tj_trace_decl *tj_chunks_borrow_decl(const struct tj_reader *r, uint32_t ti);
/* Before tj_reader_run: wait for new chunks instead of ending. */
void tj_reader_set_follow(struct tj_reader *r, int follow);

#endif
