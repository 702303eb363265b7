/*
 * Salvaging traces whose stream files end in a torn packet (the machine lost
 * power, the disk filled): libbabeltrace2 refuses such a trace whole.  Each
 * stream file's packets are walked with the sizes their headers claim
 * (tsdl_layout.h); a file whose last packet is incomplete is read through a
 * private view of its trace (a temporary folder of symbolic links, with a
 * copy of the complete packets in place of the torn file), removed by
 * tj_salvage_free (and, on a second signal, by the signal handler).
 */
#ifndef TJ_CORE_SALVAGE_H
#define TJ_CORE_SALVAGE_H

#include <stddef.h>
#include <stdint.h>

struct tj_salvage;

enum {
	TJ_SALVAGE_STRICT = 1, /* a torn file is an error (--strict) */
	TJ_SALVAGE_QUIET = 2,  /* no warnings (a second reader of the same input) */
};

/* Look at the ntraces trace folders; returns TJ_OK (with *out NULL when
 * nothing is torn), or an error with a cause (--strict, or the view could
 * not be made). */
int tj_salvage_prepare(struct tj_salvage **out, char *const *trace_dirs, size_t ntraces,
		       unsigned flags);
/* The folder to hand libbabeltrace2 for trace ti (the view, or dir). */
const char *tj_salvage_borrow_source(const struct tj_salvage *s, size_t ti, const char *dir);
/* A port name with the view's folder replaced by trace_dir (malloc'd), or
 * NULL when port does not name a file of a view. */
char *tj_salvage_port_name(const struct tj_salvage *s, size_t ti, const char *port,
			   const char *trace_dir);
/* Bytes dropped from the stream file of stream (class_id, instance_id) of
 * trace ti, or, when its packets carry no instance id, of the file
 * stream_name (a path ending in the file's name) names; 0 if it was whole. */
uint64_t tj_salvage_dropped(const struct tj_salvage *s, size_t ti, uint64_t class_id,
			    uint64_t instance_id, const char *stream_name);
/* Remove the views and free s (NULL is fine). */
void tj_salvage_free(struct tj_salvage *s);

#endif
