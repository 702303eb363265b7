/*
 * Output sink for exporters: stdout or a file, gzip-compressed through zlib
 * when asked (or when the path ends in ".gz").  A file is written under a
 * temporary name in the same directory and renamed only by
 * tj_output_commit(), so a failed run never leaves a half-written file.
 */
#ifndef TJ_CORE_OUTPUT_H
#define TJ_CORE_OUTPUT_H

#include <stddef.h>

struct tj_output;

enum tj_output_compress {
	TJ_OUTPUT_COMPRESS_AUTO = -1, /* gzip iff the path ends in ".gz" */
	TJ_OUTPUT_COMPRESS_NONE = 0,
	TJ_OUTPUT_COMPRESS_GZIP = 1,
};

/* path NULL or "-": stdout.  Creates the temporary file at once, so an
 * unwritable destination fails here ("cannot create 'PATH': REASON").
 * Returns TJ_OK or a negative tj_status with a cause appended. */
int tj_output_open(struct tj_output **out, const char *path, int compress);
/* Buffered write. */
int tj_output_write(struct tj_output *out, const void *data, size_t len);
/* Write out what is buffered (a live run shows what arrived); TJ_OK or
 * the first write failure. */
int tj_output_flush(struct tj_output *out);
/* Flush, close and rename the temporary file into place; frees out. */
int tj_output_commit(struct tj_output *out);
/* Close and remove the temporary file (stdout: flush only); frees out. */
void tj_output_abort(struct tj_output *out);
/* The path the user asked for, or "<stdout>". */
const char *tj_output_borrow_name(const struct tj_output *out);

#endif
