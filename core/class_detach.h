/*
 * Letting a finished trace's metadata go while the plugins keep its classes
 * (chunks.c, when a group of traces or a rotated chunk ended): what they may
 * still ask of a class (its payload member names, borrowed for the whole
 * run, and count) is copied into the class, and the class forgets its
 * libbabeltrace2 event class.  Paths already looked up stay valid handles;
 * a new lookup on a detached class finds nothing (no event of it can come).
 */
#ifndef TJ_CORE_CLASS_DETACH_H
#define TJ_CORE_CLASS_DETACH_H

#include <stdint.h>

#include "core.h"

/* host.field_count / field_name (fields.c): from the copy, made on first
 * use (so that a name handed out stays the same pointer after detach). */
uint32_t tj_class_field_count(struct tj_class *cls);
const char *tj_class_field_name(struct tj_class *cls, uint32_t index);
/* Copy what plugins may ask, drop the text layouts, forget bt_class.
 * TJ_ENOMEM leaves the class attached. */
int tj_class_detach(struct tj_class *cls);
/* Free the copy (tj_classes_release). */
void tj_class_release_names(struct tj_class *cls);

#endif
