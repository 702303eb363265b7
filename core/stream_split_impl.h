/*
 * The insides of a stream-window plan, shared by stream_split.c (scanning
 * stream files, choosing windows) and stream_split_views.c (writing the
 * views).  Nothing else includes this.
 */
#ifndef TJ_CORE_STREAM_SPLIT_IMPL_H
#define TJ_CORE_STREAM_SPLIT_IMPL_H

#include <stddef.h>
#include <stdint.h>

#include "stream_split.h"
#include "strvec.h"

struct tj_split_packet {
	uint64_t offset, size, content; /* bytes, bytes, bits */
};

/* A stream file that one upstream reads, as long as it is splittable. */
struct tj_split_file {
	size_t ti;
	uint32_t up;
	char *path, *name;       /* the file, and its name in the trace folder */
	uint64_t class_id, instance_id, fsize;
	struct tj_split_packet *p;
	uint32_t np;
	uint32_t nwin;           /* 0: read whole */
	uint32_t *first;         /* nwin + 1: first packet of each window */
	uint32_t *worker, *seg;  /* by window */
};

struct tj_split_vdir {
	size_t ti;
	uint32_t worker;
	char *dir;
	char *trace_dir;
};

struct tj_split {
	uint32_t nw, nups, nsegs;
	struct tj_split_file *f;
	size_t nf;
	uint64_t *bytes;         /* by upstream (0: unknown) */
	struct tj_split_link *links;
	size_t nlinks;
	struct tj_split_vdir *views;
	size_t nviews;
	int32_t *next;           /* by segment */
	char *top;
	int top_slot;
	struct tj_strvec made;   /* paths made, removed in reverse */
	char **trace_dirs;       /* by trace index, of the traces added */
	size_t ntrace_dirs;
};

/* "a/b", malloc'd. */
char *tj_split_join(const char *a, const char *b);
/* The stream file upstream up reads, or NULL when it is not splittable. */
const struct tj_split_file *tj_split_file_of(const struct tj_split *s, uint32_t up);

#endif
