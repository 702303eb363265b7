/*
 * Flat event records (layout in flat_event.h): the encoding of an event's
 * fields on a --jobs worker, and the few reads the main thread walks them
 * with.  The encoder is the one place a worker reads field values; it runs
 * on the core that just decoded them, while they are still in its cache.
 */
#include <stdlib.h>

#include "flat_event.h"

/* The slow path of reserve: out of line, so the fast one inlines. */
static __attribute__((noinline)) int grow(struct tj_flat_arena *a, size_t extra)
{
	size_t cap = a->cap ? a->cap : 16384;
	while (cap < a->len + extra)
		cap *= 2;
	uint8_t *d = realloc(a->data, cap);
	if (!d)
		return -1;
	a->data = d;
	a->cap = cap;
	return 0;
}

static inline int reserve(struct tj_flat_arena *a, size_t extra)
{
	return a->len + extra <= a->cap ? 0 : grow(a, extra);
}

static inline int put(struct tj_flat_arena *a, const void *p, size_t n)
{
	if (reserve(a, n))
		return -1;
	memcpy(a->data + a->len, p, n);
	a->len += n;
	return 0;
}

static inline int put_u8(struct tj_flat_arena *a, uint8_t v)
{
	if (reserve(a, 1))
		return -1;
	a->data[a->len++] = v;
	return 0;
}

static inline int put_u32(struct tj_flat_arena *a, uint32_t v)
{
	if (reserve(a, 4))
		return -1;
	memcpy(a->data + a->len, &v, 4);
	a->len += 4;
	return 0;
}

static inline int put_tagged64(struct tj_flat_arena *a, uint8_t tag, uint64_t v)
{
	if (reserve(a, 9))
		return -1;
	a->data[a->len] = tag;
	memcpy(a->data + a->len + 1, &v, 8);
	a->len += 9;
	return 0;
}

/* Open a composite: tag, a size to patch, and a u32 (count, index...);
 * *at: where the size goes. */
static int open_composite(struct tj_flat_arena *a, uint8_t tag, uint32_t second, size_t *at)
{
	if (put_u8(a, tag))
		return -1;
	*at = a->len;
	return put_u32(a, 0) || put_u32(a, second);
}

static void close_composite(struct tj_flat_arena *a, size_t at)
{
	uint32_t size = (uint32_t)(a->len - at - 4);
	memcpy(a->data + at, &size, 4);
}

static int encode(struct tj_flat_arena *a, const bt_field *f)
{
	bt_field_class_type t = bt_field_get_class_type(f);
	size_t at;

	/* the common case first: plain integers and enumerations */
	if (t == BT_FIELD_CLASS_TYPE_UNSIGNED_INTEGER || t == BT_FIELD_CLASS_TYPE_UNSIGNED_ENUMERATION)
		return put_tagged64(a, TJ_FLAT_U64, bt_field_integer_unsigned_get_value(f));
	if (t == BT_FIELD_CLASS_TYPE_SIGNED_INTEGER || t == BT_FIELD_CLASS_TYPE_SIGNED_ENUMERATION)
		return put_tagged64(a, TJ_FLAT_S64, (uint64_t)bt_field_integer_signed_get_value(f));

	if (bt_field_class_type_is(t, BT_FIELD_CLASS_TYPE_SIGNED_INTEGER))
		return put_tagged64(a, TJ_FLAT_S64, (uint64_t)bt_field_integer_signed_get_value(f));
	if (bt_field_class_type_is(t, BT_FIELD_CLASS_TYPE_UNSIGNED_INTEGER))
		return put_tagged64(a, TJ_FLAT_U64, bt_field_integer_unsigned_get_value(f));
	if (t == BT_FIELD_CLASS_TYPE_STRING) {
		/* The length, not the NUL: libbabeltrace2 2.0 leaves the previous
		 * event's text in an emptied string field. */
		uint64_t n = bt_field_string_get_length(f);
		const char *s = n ? bt_field_string_get_value(f) : "";
		if (n > UINT32_MAX - 64 || reserve(a, 1 + 4 + n + 1))
			return -1;
		put_u8(a, TJ_FLAT_STR);
		put_u32(a, (uint32_t)n);
		put(a, s, n);
		return put_u8(a, 0);
	}
	if (t == BT_FIELD_CLASS_TYPE_STRUCTURE) {
		uint64_t n = bt_field_class_structure_get_member_count(bt_field_borrow_class_const(f));
		if (n > UINT16_MAX || open_composite(a, TJ_FLAT_STRUCT, (uint32_t)n, &at) ||
		    reserve(a, 4 * n))
			return -1;
		/* the member offsets, filled as the members are written */
		size_t table = a->len;
		a->len += 4 * n;
		for (uint64_t i = 0; i < n; i++) {
			uint32_t rel = (uint32_t)(a->len - table - 4 * n);
			memcpy(a->data + table + 4 * i, &rel, 4);
			if (encode(a, bt_field_structure_borrow_member_field_by_index_const(f, i)))
				return -1;
		}
		close_composite(a, at);
		return 0;
	}
	if (bt_field_class_type_is(t, BT_FIELD_CLASS_TYPE_VARIANT)) {
		if (open_composite(a, TJ_FLAT_VARIANT,
				   (uint32_t)bt_field_variant_get_selected_option_index(f), &at) ||
		    encode(a, bt_field_variant_borrow_selected_option_field_const(f)))
			return -1;
		close_composite(a, at);
		return 0;
	}
	if (bt_field_class_type_is(t, BT_FIELD_CLASS_TYPE_ARRAY)) {
		uint64_t n = bt_field_array_get_length(f);
		if (n > UINT32_MAX || open_composite(a, TJ_FLAT_ARRAY, (uint32_t)n, &at))
			return -1;
		for (uint64_t i = 0; i < n; i++)
			if (encode(a, bt_field_array_borrow_element_field_by_index_const(f, i)))
				return -1;
		close_composite(a, at);
		return 0;
	}
	if (bt_field_class_type_is(t, BT_FIELD_CLASS_TYPE_OPTION)) {
		const bt_field *inner = bt_field_option_borrow_field_const(f);
		if (put_u8(a, TJ_FLAT_OPTION))
			return -1;
		at = a->len;
		if (put_u32(a, 0))
			return -1;
		if (put_u8(a, inner != NULL) || (inner && encode(a, inner)))
			return -1;
		close_composite(a, at);
		return 0;
	}
	if (t == BT_FIELD_CLASS_TYPE_BOOL)
		return put_tagged64(a, TJ_FLAT_BOOL, bt_field_bool_get_value(f) ? 1 : 0);
	if (t == BT_FIELD_CLASS_TYPE_BIT_ARRAY)
		return put_tagged64(a, TJ_FLAT_BITS, bt_field_bit_array_get_value_as_integer(f));
	if (t == BT_FIELD_CLASS_TYPE_SINGLE_PRECISION_REAL ||
	    t == BT_FIELD_CLASS_TYPE_DOUBLE_PRECISION_REAL) {
		double d = t == BT_FIELD_CLASS_TYPE_SINGLE_PRECISION_REAL
				   ? (double)bt_field_real_single_precision_get_value(f)
				   : bt_field_real_double_precision_get_value(f);
		uint64_t bits;
		memcpy(&bits, &d, 8);
		return put_tagged64(a, TJ_FLAT_REAL, bits);
	}
	return put_u8(a, TJ_FLAT_UNKNOWN);
}

static void pad8(struct tj_flat_arena *a)
{
	static const uint8_t zero[8];
	size_t n = (8 - (a->len & 7)) & 7;
	if (n)
		put(a, zero, n); /* room was reserved by the caller */
}

int tj_flat_add_packet(struct tj_flat_arena *a, const bt_packet *pkt, size_t *off)
{
	const bt_field *ctx = pkt ? bt_packet_borrow_context_field_const(pkt) : NULL;
	size_t start = a->len;
	struct tj_flat_packet h = {.has_context = ctx != NULL};
	if (put(a, &h, sizeof(h)) || (ctx && encode(a, ctx)) || reserve(a, 8))
		return -1;
	pad8(a);
	h.size = (uint32_t)(a->len - start);
	memcpy(a->data + start, &h, sizeof(h));
	*off = start;
	return 0;
}

int tj_flat_add_event(struct tj_flat_arena *a, const bt_event *e, size_t pkt_off, size_t *off)
{
	size_t start = a->len;
	struct tj_flat_event h = {0};
	const bt_event_class *ec = bt_event_borrow_class_const(e);
	const bt_field *scopes[3] = {bt_event_borrow_common_context_field_const(e),
				     bt_event_borrow_specific_context_field_const(e),
				     bt_event_borrow_payload_field_const(e)};
	uint32_t offs[3] = {0, 0, 0};

	h.stream = bt_event_borrow_stream_const(e);
	h.event_class = ec;
	h.class_id = bt_event_class_get_id(ec);
	h.pkt_back = pkt_off != SIZE_MAX ? (uint32_t)(start - pkt_off) : 0;
	if (put(a, &h, sizeof(h)))
		return -1;
	for (int s = 0; s < 3; s++) {
		if (!scopes[s])
			continue;
		offs[s] = (uint32_t)(a->len - start);
		if (encode(a, scopes[s]))
			return -1;
	}
	if (reserve(a, 8))
		return -1;
	pad8(a);
	h.size = (uint32_t)(a->len - start);
	h.off_common = offs[0];
	h.off_specific = offs[1];
	h.off_payload = offs[2];
	memcpy(a->data + start, &h, sizeof(h));
	*off = start;
	return 0;
}

void tj_flat_arena_release(struct tj_flat_arena *a)
{
	free(a->data);
	a->data = NULL;
	a->len = a->cap = 0;
}

const uint8_t *tj_flat_scope(const struct tj_flat_event *fe, int which)
{
	uint32_t off = which == 0 ? fe->off_common : which == 1 ? fe->off_specific : fe->off_payload;
	return off ? (const uint8_t *)fe + off : NULL;
}

const uint8_t *tj_flat_packet_context(const struct tj_flat_event *fe)
{
	if (!fe->pkt_back)
		return NULL;
	const struct tj_flat_packet *p =
		(const struct tj_flat_packet *)((const uint8_t *)fe - fe->pkt_back);
	return p->has_context ? (const uint8_t *)(p + 1) : NULL;
}

const uint8_t *tj_flat_member(const uint8_t *p, uint32_t i)
{
	uint32_t n;
	if (p[0] != TJ_FLAT_STRUCT || i >= (n = tj_flat_u32(p + 5)))
		return NULL;
	return p + 9 + 4 * (size_t)n + tj_flat_u32(p + 9 + 4 * (size_t)i);
}

const uint8_t *tj_flat_element(const uint8_t *p, uint64_t i)
{
	if (p[0] != TJ_FLAT_ARRAY || i >= tj_flat_u32(p + 5))
		return NULL;
	p += 9;
	/* Elements share one class: fixed-size scalars are indexed directly. */
	size_t first = tj_flat_field_size(p);
	if (p[0] != TJ_FLAT_STR && p[0] < TJ_FLAT_STRUCT)
		return p + first * i;
	while (i--)
		p += tj_flat_field_size(p);
	return p;
}
