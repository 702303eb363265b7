/*
 * Field access for plugins: names resolved to paths once per event class,
 * then read by index per event; and the babeltrace2-style text of an event's
 * fields for the text exporter.
 */
#ifndef TJ_CORE_FIELDS_H
#define TJ_CORE_FIELDS_H

#include "core.h"

struct tj_flat_event;

/* What struct tj_event.host_private points to. */
struct tj_event_impl {
	const void *bt;            /* const bt_event *, or NULL: */
	const struct tj_flat_event *flat; /* a flat record (--jobs, flat_event.h) */
	struct tj_class *cls;      /* not const: tj_fields_format caches layouts in it */
};

tj_field tj_fields_lookup(const struct tj_event_class *cls, const char *path);
int tj_fields_int(const struct tj_event *ev, tj_field f, int64_t *out);
int tj_fields_uint(const struct tj_event *ev, tj_field f, uint64_t *out);
const char *tj_fields_str(const struct tj_event *ev, tj_field f);
int64_t tj_fields_len(const struct tj_event *ev, tj_field f);
int tj_fields_elem_uint(const struct tj_event *ev, tj_field f, uint64_t i, uint64_t *out);
uint32_t tj_fields_count(const struct tj_event_class *cls);
const char *tj_fields_name(const struct tj_event_class *cls, uint32_t index);
int tj_fields_format(const struct tj_event *ev, struct tj_sbuf *sb);
/* Free the text layouts tj_fields_format cached in cls (tj_class_release_fields
 * does it). */
void tj_fields_format_release(struct tj_class *cls);
void tj_class_release_fields(struct tj_class *cls);

#endif
