/*
 * TSDL metadata for a tjgen trace: the text-form `metadata` file describing
 * the layout ctf_writer.c produces and the event classes a scenario emits.
 */
#ifndef TJGEN_METADATA_H
#define TJGEN_METADATA_H

#include <stdbool.h>
#include <stdint.h>

#include "catalog.h"

/* Clock "monotonic" runs at 1 GHz; its value 0 is this many ns after the Epoch. */
struct tjg_metadata_info {
	const uint8_t *uuid;       /* 16 bytes, also in every packet header */
	const char *trace_name;    /* env.trace_name */
	uint64_t clock_offset_ns;  /* clock.offset */
	tjg_event_set events;      /* classes to declare */
	bool with_context;         /* declare the procname/vtid/vpid/prio event context */
	const char *kernel_release; /* env.kernel_release; NULL: "6.2.0-tjgen" */
	const char *hostname;      /* env.hostname; NULL: "tjgen-host" */
	const char *clock_uuid;    /* clock.uuid (the boot id); NULL: a fixed one */
	/* Classes outside the catalog (tc-xml input), ids from extra_first_id. */
	const struct tjg_event_class *extra;
	unsigned nextra;
	unsigned extra_first_id;
};

/* Write dir/metadata. */
int tjg_metadata_write(const char *dir, const struct tjg_metadata_info *info);

/* Format a 16-byte UUID as 8-4-4-4-12 lowercase hex into out (37 bytes). */
void tjg_uuid_format(const uint8_t *uuid, char out[37]);

#endif /* TJGEN_METADATA_H */
