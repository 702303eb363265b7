/*
 * --jobs auto (the default): how many decoding threads a trace gets.
 *
 * The rule, from what a thread costs and what it saves: a worker takes the
 * decoding off the main thread (which then merges, analyzes and exports),
 * but parses the trace's metadata once more and needs a core of its own.
 * So auto is 1 when
 *   - fewer than 2 cores are available (online and in our affinity mask),
 *   - the trace has a single stream of less than TJ_JOBS_AUTO_SPLIT_BYTES
 *     (a bigger one gets 2: a worker decodes it, cut into packet windows
 *     by stream_split.c, while the main thread analyzes and exports),
 *   - its stream files hold less than TJ_JOBS_AUTO_MIN_BYTES (a few
 *     milliseconds of decoding: a thread is not worth its setup),
 *   - its stream files hold less than TJ_JOBS_AUTO_FIXED_BYTES or less than
 *     TJ_JOBS_AUTO_PER_METADATA times its metadata: each worker parses the
 *     metadata again and the identity prescan a third time (a kernel
 *     trace's 300-450 KiB of TSDL cost 50-100 ms a parse), so the decoding
 *     moved off the main thread must outweigh that (make bench: 4-14 MiB
 *     kernel traces ran 10-70 % slower with 2 threads, 50 MiB ones 35-45 %
 *     faster),
 *   - it is a live session, a rotated session or --follow (read as it
 *     comes, chunk by chunk: one thread);
 * otherwise min(streams, max(2, cores - 1), TJ_JOBS_AUTO_MAX): one core is
 * left to the main thread when there are more than two.
 */
#ifndef TJ_CORE_JOBS_AUTO_H
#define TJ_CORE_JOBS_AUTO_H

#include <stddef.h>
#include <stdint.h>

#define TJ_JOBS_AUTO_MIN_BYTES (UINT64_C(1) << 20)
#define TJ_JOBS_AUTO_SPLIT_BYTES (UINT64_C(16) << 20)
#define TJ_JOBS_AUTO_FIXED_BYTES (UINT64_C(16) << 20)
#define TJ_JOBS_AUTO_PER_METADATA 64
#define TJ_JOBS_AUTO_MAX 32

/* Cores this process may run on. */
uint32_t tj_jobs_cores(void);
/* Bytes of a trace folder's stream files (every regular file but
 * metadata); the metadata file's are added to *metadata. */
uint64_t tj_jobs_stream_bytes(const char *dir, uint64_t *metadata);
/* The auto choice for nstreams streams holding bytes; why: a short
 * reason ("auto: 16 streams, 2 cores"), for --summary. */
uint32_t tj_jobs_auto(uint32_t nstreams, uint64_t bytes, uint64_t metadata, char *why,
		      size_t cap);

#endif
