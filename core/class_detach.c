/*
 * Detaching interned classes from libbabeltrace2 (see class_detach.h): the
 * payload member names are copied once per class, on the first question,
 * so that the pointers plugins keep (syscalls keeps argument names for the
 * run) outlive the trace's metadata.
 */
#include <stdlib.h>
#include <string.h>

#include <babeltrace2/babeltrace.h>

#include "class_detach.h"
#include "fields.h"

/* The copy of the payload member names; 0 or TJ_ENOMEM. */
static int copy_names(struct tj_class *cls)
{
	if (cls->names_done || !cls->bt_class)
		return TJ_OK;
	const bt_field_class *fc = bt_event_class_borrow_payload_field_class_const(cls->bt_class);
	uint32_t n = fc && bt_field_class_get_type(fc) == BT_FIELD_CLASS_TYPE_STRUCTURE
			     ? (uint32_t)bt_field_class_structure_get_member_count(fc)
			     : 0;
	char **v = n ? calloc(n, sizeof(*v)) : NULL;
	if (n && !v)
		return TJ_ENOMEM;
	for (uint32_t i = 0; i < n; i++) {
		const char *name = bt_field_class_structure_member_get_name(
			bt_field_class_structure_borrow_member_by_index_const(fc, i));
		if (!(v[i] = strdup(name ? name : ""))) {
			while (i--)
				free(v[i]);
			free(v);
			return TJ_ENOMEM;
		}
	}
	cls->field_names = v;
	cls->nfield_names = n;
	cls->names_done = 1;
	return TJ_OK;
}

uint32_t tj_class_field_count(struct tj_class *cls)
{
	return copy_names(cls) ? 0 : cls->nfield_names;
}

const char *tj_class_field_name(struct tj_class *cls, uint32_t index)
{
	if (copy_names(cls) || index >= cls->nfield_names)
		return NULL;
	return cls->field_names[index];
}

int tj_class_detach(struct tj_class *cls)
{
	if (!cls->bt_class)
		return TJ_OK;
	int rc = copy_names(cls);
	if (rc)
		return rc;
	/* keyed by the metadata's addresses, which may come back */
	tj_fields_format_release(cls);
	cls->bt_class = NULL;
	return TJ_OK;
}

void tj_class_release_names(struct tj_class *cls)
{
	for (uint32_t i = 0; i < cls->nfield_names; i++)
		free(cls->field_names[i]);
	free(cls->field_names);
	cls->field_names = NULL;
	cls->nfield_names = 0;
	cls->names_done = 0;
}
