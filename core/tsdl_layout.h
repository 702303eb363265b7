/*
 * Just enough of a CTF 1.8 metadata (TSDL) reader to find where each packet
 * of a stream file ends: the trace's packet header (magic, stream_id) and
 * each stream class's packet context (content_size, packet_size), as bit
 * offsets.  Used by salvage.c to find a stream file's torn tail without
 * libbabeltrace2, which refuses the whole trace in that case.  Anything it
 * does not understand makes it give up (the trace is then read as before).
 */
#ifndef TJ_CORE_TSDL_LAYOUT_H
#define TJ_CORE_TSDL_LAYOUT_H

#include <stddef.h>
#include <stdint.h>

/* An unsigned integer field at a fixed bit offset from the packet start. */
struct tj_tsdl_field {
	int present;
	uint64_t offset;  /* bits */
	unsigned size;    /* bits, at most 64 */
	int big_endian;
};

struct tj_tsdl_stream {
	uint64_t id;
	struct tj_tsdl_field content_size, packet_size;
	uint64_t end_bits; /* header + context: the least a packet holds */
};

struct tj_tsdl_layout {
	struct tj_tsdl_field magic, stream_id, stream_instance_id;
	uint64_t header_bits;
	struct tj_tsdl_stream *streams;
	size_t nstreams;
};

/* Parse the metadata file of trace_dir (text or packetized).  Returns 0
 * and fills *out, or -1 when the file cannot be read or holds something
 * this reader does not handle (*out is then empty). */
int tj_tsdl_layout_load(const char *metadata_path, struct tj_tsdl_layout *out);
/* The layout of stream class id, or NULL. */
const struct tj_tsdl_stream *tj_tsdl_layout_stream(const struct tj_tsdl_layout *l, uint64_t id);
void tj_tsdl_layout_release(struct tj_tsdl_layout *l);
/* Read field f from a packet's first n bytes; 0, or -1 if it lies past n. */
int tj_tsdl_read(const struct tj_tsdl_field *f, const unsigned char *p, size_t n, uint64_t *v);

/* Parse TSDL text (exposed for the fuzz target). */
int tj_tsdl_layout_parse(const char *text, size_t len, struct tj_tsdl_layout *out);

#endif
