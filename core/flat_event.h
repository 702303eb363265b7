/*
 * Flat event records: what a --jobs worker hands the main thread instead
 * of a libbabeltrace2 event message.  A worker copies each event into its
 * batch's byte arena and releases the message at once, on its own thread;
 * the main thread reads the copy (fields.c, field_format.c) without
 * touching a libbabeltrace2 event, field or packet object.
 *
 * Layout of one record in the arena (8-byte aligned, native byte order):
 *
 *   struct tj_flat_event   header below (class, stream, time, scopes)
 *   common context field   \
 *   specific context field  } each one encoded field, or absent (offset 0)
 *   payload field          /
 *
 * The packet context is not repeated per event: it is encoded once per
 * packet and batch, as a record of its own (struct tj_flat_packet then one
 * field) before the first event that needs it; an event points back to it
 * (pkt_back bytes before the event's header).
 *
 * One encoded field, depth-first, so that a path can be walked: a
 * structure member in O(1) by its offset, other siblings skipped in O(1)
 * each by their sizes (unaligned: read with memcpy):
 *
 *   u8 tag, then by tag:
 *   TJ_FLAT_S64, TJ_FLAT_U64, TJ_FLAT_BOOL, TJ_FLAT_BITS: 8-byte value
 *   TJ_FLAT_REAL     8-byte double (a single-precision real widened)
 *   TJ_FLAT_STR      u32 length, the bytes, a NUL
 *   TJ_FLAT_STRUCT   u32 content size, u32 member count n, n u32 offsets of
 *                    the members (from the end of the offsets), the members
 *   TJ_FLAT_VARIANT  u32 content size, u32 selected option index, the option
 *   TJ_FLAT_ARRAY    u32 content size, u32 length, the elements
 *                    (static and dynamic arrays alike)
 *   TJ_FLAT_OPTION   u32 content size, u8 has-value, the value if it has one
 *
 * Enumerations are integers here: their labels come from the (immutable)
 * field class when the text is written.  Class objects (event class, field
 * classes) are borrowed read-only by the main thread; the stream pointer is
 * only compared, never dereferenced there.
 */
#ifndef TJ_CORE_FLAT_EVENT_H
#define TJ_CORE_FLAT_EVENT_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <babeltrace2/babeltrace.h>

enum {
	TJ_FLAT_S64 = 1,
	TJ_FLAT_U64,
	TJ_FLAT_BOOL,
	TJ_FLAT_BITS,
	TJ_FLAT_REAL,
	TJ_FLAT_STR,
	TJ_FLAT_STRUCT,
	TJ_FLAT_VARIANT,
	TJ_FLAT_ARRAY,
	TJ_FLAT_OPTION,
	TJ_FLAT_UNKNOWN,  /* a field type this format does not carry: no content */
};

struct tj_flat_event {
	uint32_t size;          /* whole record, header included, padded to 8 */
	uint32_t pkt_back;      /* bytes back to its packet's tj_flat_packet, 0: none */
	const bt_stream *stream;          /* compared only */
	const bt_event_class *event_class; /* borrowed, immutable */
	uint64_t class_id;
	uint32_t off_common, off_specific, off_payload; /* from the header, 0: absent */
	uint32_t pad;
};

struct tj_flat_packet {
	uint32_t size;          /* whole record, padded to 8 */
	uint32_t has_context;   /* 0: the packet has no context field */
};

/* A growable byte arena (a worker's batch owns one; reused). */
struct tj_flat_arena {
	uint8_t *data;
	size_t len, cap;
};

/* Worker: append the packet context of pkt; its offset in *off. */
int tj_flat_add_packet(struct tj_flat_arena *a, const bt_packet *pkt, size_t *off);
/* Worker: append event e of message m; pkt_off: offset of its packet's
 * record in the same arena or SIZE_MAX; its offset in *off. */
int tj_flat_add_event(struct tj_flat_arena *a, const bt_event *e, size_t pkt_off, size_t *off);
void tj_flat_arena_release(struct tj_flat_arena *a);

/* Main thread: an encoded field's scopes (NULL when absent). */
const uint8_t *tj_flat_scope(const struct tj_flat_event *fe, int which); /* 0 common, 1 specific, 2 payload */
const uint8_t *tj_flat_packet_context(const struct tj_flat_event *fe);

static inline uint32_t tj_flat_u32(const uint8_t *p)
{
	uint32_t v;
	memcpy(&v, p, sizeof(v));
	return v;
}

static inline uint64_t tj_flat_u64(const uint8_t *p)
{
	uint64_t v;
	memcpy(&v, p, sizeof(v));
	return v;
}

/* Bytes of the encoded field at p, tag included. */
static inline size_t tj_flat_field_size(const uint8_t *p)
{
	switch (p[0]) {
	case TJ_FLAT_STR:
		return 1 + 4 + (size_t)tj_flat_u32(p + 1) + 1;
	case TJ_FLAT_STRUCT:
	case TJ_FLAT_VARIANT:
	case TJ_FLAT_ARRAY:
	case TJ_FLAT_OPTION:
		return 1 + 4 + (size_t)tj_flat_u32(p + 1);
	case TJ_FLAT_UNKNOWN:
		return 1;
	default:
		return 9;
	}
}

/* Member i of the structure at p, or NULL. */
const uint8_t *tj_flat_member(const uint8_t *p, uint32_t i);
/* Element i of the array at p, or NULL. */
const uint8_t *tj_flat_element(const uint8_t *p, uint64_t i);
/* Integer value of a S64/U64/BOOL field: 1, or 0 for another type. */
static inline int tj_flat_int(const uint8_t *p, int64_t *out)
{
	if (p[0] != TJ_FLAT_S64 && p[0] != TJ_FLAT_U64 && p[0] != TJ_FLAT_BOOL)
		return 0;
	*out = (int64_t)tj_flat_u64(p + 1);
	return 1;
}

#endif
