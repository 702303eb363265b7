/*
 * Field access by resolved path.  A tj_field handle packs the class id
 * (upper bits) and an index into the class's path table (low 8 bits), so a
 * handle used on an event of another class reads nothing instead of walking
 * a wrong field tree.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <babeltrace2/babeltrace.h>

#include "class_detach.h"
#include "fields.h"
#include "flat_event.h"
#include "sbuf.h"

#define MAX_DEPTH 8
#define MAX_PATHS 255

enum scope { SCOPE_PAYLOAD, SCOPE_SPECIFIC, SCOPE_COMMON, SCOPE_PACKET, NSCOPES };

struct tj_field_path {
	char *text;
	uint8_t scope;
	uint8_t depth;
	uint8_t is_variant[MAX_DEPTH];
	uint32_t index[MAX_DEPTH];
};

static const bt_field_class *scope_class(const bt_event_class *ec, int scope)
{
	const bt_stream_class *sc = bt_event_class_borrow_stream_class_const(ec);
	switch (scope) {
	case SCOPE_PAYLOAD:
		return bt_event_class_borrow_payload_field_class_const(ec);
	case SCOPE_SPECIFIC:
		return bt_event_class_borrow_specific_context_field_class_const(ec);
	case SCOPE_COMMON:
		return bt_stream_class_borrow_event_common_context_field_class_const(sc);
	default:
		return bt_stream_class_borrow_packet_context_field_class_const(sc);
	}
}

static const bt_field *scope_field(const bt_event *e, int scope)
{
	switch (scope) {
	case SCOPE_PAYLOAD:
		return bt_event_borrow_payload_field_const(e);
	case SCOPE_SPECIFIC:
		return bt_event_borrow_specific_context_field_const(e);
	case SCOPE_COMMON:
		return bt_event_borrow_common_context_field_const(e);
	default: {
		const bt_packet *p = bt_event_borrow_packet_const(e);
		return p ? bt_packet_borrow_context_field_const(p) : NULL;
	}
	}
}

/* Walk the dotted path through structures and variants; 0 when found. */
static int resolve_in(const bt_field_class *fc, const char *path, struct tj_field_path *out)
{
	const char *p = path;
	out->depth = 0;
	while (fc && *p) {
		const char *dot = strchr(p, '.');
		size_t len = dot ? (size_t)(dot - p) : strlen(p);
		bt_field_class_type t = bt_field_class_get_type(fc);
		int found = 0;
		if (out->depth == MAX_DEPTH)
			return -1;
		if (bt_field_class_type_is(t, BT_FIELD_CLASS_TYPE_STRUCTURE)) {
			uint64_t n = bt_field_class_structure_get_member_count(fc);
			for (uint64_t i = 0; i < n; i++) {
				const bt_field_class_structure_member *m =
					bt_field_class_structure_borrow_member_by_index_const(fc, i);
				const char *name = bt_field_class_structure_member_get_name(m);
				if (strlen(name) == len && memcmp(name, p, len) == 0) {
					out->index[out->depth] = (uint32_t)i;
					out->is_variant[out->depth++] = 0;
					fc = bt_field_class_structure_member_borrow_field_class_const(m);
					found = 1;
					break;
				}
			}
		} else if (bt_field_class_type_is(t, BT_FIELD_CLASS_TYPE_VARIANT)) {
			uint64_t n = bt_field_class_variant_get_option_count(fc);
			for (uint64_t i = 0; i < n; i++) {
				const bt_field_class_variant_option *o =
					bt_field_class_variant_borrow_option_by_index_const(fc, i);
				const char *name = bt_field_class_variant_option_get_name(o);
				if (strlen(name) == len && memcmp(name, p, len) == 0) {
					out->index[out->depth] = (uint32_t)i;
					out->is_variant[out->depth++] = 1;
					fc = bt_field_class_variant_option_borrow_field_class_const(o);
					found = 1;
					break;
				}
			}
		}
		if (!found)
			return -1;
		p = dot ? dot + 1 : p + len;
	}
	return out->depth > 0 && !*p ? 0 : -1;
}

tj_field tj_fields_lookup(const struct tj_event_class *pub, const char *path)
{
	struct tj_class *cls = (struct tj_class *)((char *)pub - offsetof(struct tj_class, pub));
	const bt_event_class *ec = cls->bt_class;
	static const char *const prefixes[NSCOPES] = {"payload:", "context:", "common:", "packet:"};
	int first = 0, last = NSCOPES - 1;
	const char *rel = path;
	struct tj_field_path fp = {0};

	if (!path || !*path)
		return -1;
	for (int s = 0; s < NSCOPES; s++) {
		size_t n = strlen(prefixes[s]);
		if (strncmp(path, prefixes[s], n) == 0) {
			first = last = s;
			rel = path + n;
		}
	}
	for (uint32_t i = 0; i < cls->npaths; i++)
		if (strcmp(cls->paths[i].text, path) == 0)
			return (tj_field)((cls->pub.id << 8) | i);
	if (!ec)
		return -1; /* detached: its trace has ended (class_detach.h) */
	int s;
	for (s = first; s <= last; s++)
		if (resolve_in(scope_class(ec, s), rel, &fp) == 0)
			break;
	if (s > last || cls->npaths >= MAX_PATHS || cls->pub.id > (INT32_MAX >> 8))
		return -1;
	if (cls->npaths == cls->cap_paths) {
		uint32_t cap = cls->cap_paths ? cls->cap_paths * 2 : 8;
		struct tj_field_path *v = realloc(cls->paths, cap * sizeof(*v));
		if (!v)
			return -1;
		cls->paths = v;
		cls->cap_paths = cap;
	}
	fp.scope = (uint8_t)s;
	fp.text = strdup(path);
	if (!fp.text)
		return -1;
	cls->paths[cls->npaths] = fp;
	return (tj_field)((cls->pub.id << 8) | cls->npaths++);
}

static const struct tj_field_path *path_of(const struct tj_event_impl *impl, tj_field f)
{
	const struct tj_class *cls = impl->cls;
	if (f < 0 || ((uint32_t)f >> 8) != cls->pub.id || ((uint32_t)f & 0xff) >= cls->npaths)
		return NULL;
	return &cls->paths[f & 0xff];
}

static const bt_field *resolve(const struct tj_event_impl *impl, const struct tj_field_path *p)
{
	const bt_field *cur = scope_field(impl->bt, p->scope);
	for (uint8_t d = 0; cur && d < p->depth; d++) {
		if (p->is_variant[d]) {
			if (bt_field_variant_get_selected_option_index(cur) != p->index[d])
				return NULL;
			cur = bt_field_variant_borrow_selected_option_field_const(cur);
		} else {
			cur = bt_field_structure_borrow_member_field_by_index_const(cur, p->index[d]);
		}
	}
	return cur;
}

/* The same walk through a flat record (flat_event.h). */
static const uint8_t *resolve_flat(const struct tj_flat_event *fe, const struct tj_field_path *p)
{
	const uint8_t *cur;
	switch (p->scope) {
	case SCOPE_PAYLOAD: cur = tj_flat_scope(fe, 2); break;
	case SCOPE_SPECIFIC: cur = tj_flat_scope(fe, 1); break;
	case SCOPE_COMMON: cur = tj_flat_scope(fe, 0); break;
	default: cur = tj_flat_packet_context(fe); break;
	}
	for (uint8_t d = 0; cur && d < p->depth; d++) {
		if (p->is_variant[d]) {
			if (cur[0] != TJ_FLAT_VARIANT || tj_flat_u32(cur + 5) != p->index[d])
				return NULL;
			cur += 9;
		} else {
			cur = tj_flat_member(cur, p->index[d]);
		}
	}
	return cur;
}

static int read_int(const bt_field *f, int64_t *out)
{
	bt_field_class_type t = bt_field_get_class_type(f);
	if (bt_field_class_type_is(t, BT_FIELD_CLASS_TYPE_SIGNED_INTEGER))
		*out = bt_field_integer_signed_get_value(f);
	else if (bt_field_class_type_is(t, BT_FIELD_CLASS_TYPE_UNSIGNED_INTEGER))
		*out = (int64_t)bt_field_integer_unsigned_get_value(f);
	else if (t == BT_FIELD_CLASS_TYPE_BOOL)
		*out = bt_field_bool_get_value(f);
	else
		return 0;
	return 1;
}

int tj_fields_int(const struct tj_event *ev, tj_field f, int64_t *out)
{
	const struct tj_event_impl *impl = ev->host_private;
	const struct tj_field_path *p = path_of(impl, f);
	if (!p)
		return 0;
	if (impl->flat) {
		const uint8_t *fl = resolve_flat(impl->flat, p);
		return fl ? tj_flat_int(fl, out) : 0;
	}
	const bt_field *fl = resolve(impl, p);
	return fl ? read_int(fl, out) : 0;
}

int tj_fields_uint(const struct tj_event *ev, tj_field f, uint64_t *out)
{
	int64_t v;
	if (!tj_fields_int(ev, f, &v))
		return 0;
	*out = (uint64_t)v;
	return 1;
}

const char *tj_fields_str(const struct tj_event *ev, tj_field f)
{
	const struct tj_event_impl *impl = ev->host_private;
	const struct tj_field_path *p = path_of(impl, f);
	if (!p)
		return NULL;
	if (impl->flat) {
		const uint8_t *fl = resolve_flat(impl->flat, p);
		return fl && fl[0] == TJ_FLAT_STR ? (const char *)fl + 5 : NULL;
	}
	const bt_field *fl = resolve(impl, p);
	if (!fl || bt_field_get_class_type(fl) != BT_FIELD_CLASS_TYPE_STRING)
		return NULL;
	/* libbabeltrace2 2.0 leaves the previous event's text in an emptied
	 * string field; only the length says it is empty. */
	return bt_field_string_get_length(fl) ? bt_field_string_get_value(fl) : "";
}

int64_t tj_fields_len(const struct tj_event *ev, tj_field f)
{
	const struct tj_event_impl *impl = ev->host_private;
	const struct tj_field_path *p = path_of(impl, f);
	if (!p)
		return -1;
	if (impl->flat) {
		const uint8_t *fl = resolve_flat(impl->flat, p);
		return fl && fl[0] == TJ_FLAT_ARRAY ? (int64_t)tj_flat_u32(fl + 5) : -1;
	}
	const bt_field *fl = resolve(impl, p);
	if (!fl || !bt_field_class_type_is(bt_field_get_class_type(fl), BT_FIELD_CLASS_TYPE_ARRAY))
		return -1;
	return (int64_t)bt_field_array_get_length(fl);
}

int tj_fields_elem_uint(const struct tj_event *ev, tj_field f, uint64_t i, uint64_t *out)
{
	const struct tj_event_impl *impl = ev->host_private;
	const struct tj_field_path *p = path_of(impl, f);
	int64_t v;
	if (!p)
		return 0;
	if (impl->flat) {
		const uint8_t *fl = resolve_flat(impl->flat, p);
		const uint8_t *el = fl ? tj_flat_element(fl, i) : NULL;
		if (!el || !tj_flat_int(el, &v))
			return 0;
		*out = (uint64_t)v;
		return 1;
	}
	const bt_field *fl = resolve(impl, p);
	if (!fl || !bt_field_class_type_is(bt_field_get_class_type(fl), BT_FIELD_CLASS_TYPE_ARRAY) ||
	    i >= bt_field_array_get_length(fl))
		return 0;
	if (!read_int(bt_field_array_borrow_element_field_by_index_const(fl, i), &v))
		return 0;
	*out = (uint64_t)v;
	return 1;
}

void tj_class_release_fields(struct tj_class *cls)
{
	for (uint32_t i = 0; i < cls->npaths; i++)
		free(cls->paths[i].text);
	free(cls->paths);
	free(cls->subscribers);
	tj_fields_format_release(cls);
	cls->paths = NULL;
	cls->subscribers = NULL;
	cls->npaths = cls->cap_paths = 0;
}

uint32_t tj_fields_count(const struct tj_event_class *pub)
{
	return tj_class_field_count((struct tj_class *)((char *)pub - offsetof(struct tj_class, pub)));
}

const char *tj_fields_name(const struct tj_event_class *pub, uint32_t index)
{
	return tj_class_field_name((struct tj_class *)((char *)pub - offsetof(struct tj_class, pub)),
				   index);
}
