/* libbabeltrace2 errors and error logs into tjconv's error chain. */
#ifndef TJ_CORE_BT_ERRORS_H
#define TJ_CORE_BT_ERRORS_H

#include <stddef.h>
#include <stdio.h>

#include <babeltrace2/babeltrace.h>

/* Append the root cause libbabeltrace2 recorded on this thread, trimmed to
 * one line, and clear it. */
void tj_bt_error_take(void);
/* Drop babeltrace2's debugging suffix ("...: msg-it-addr=0x..., ...") and
 * the final full stop, in place. */
void tj_bt_message_trim(char *m);

/* Adding source component `name` of class fs with params, reading
 * trace_dir, failed: append why (bad metadata and where, the stream file
 * that cannot be read, an unsupported CTF version).  Failure path only: it
 * tries again in a throwaway graph with the error log captured. */
void tj_bt_diagnose_source(const bt_component_class_source *fs, const char *name,
			   const bt_value *params, const char *trace_dir);

/* stderr redirected to a temporary file while a babeltrace2 call runs. */
struct tj_log_capture {
	int saved_fd;
	FILE *tmp;
};

void tj_log_capture_begin(struct tj_log_capture *c);
/* Restore stderr and forget what was logged. */
void tj_log_capture_discard(struct tj_log_capture *c);
/* Restore stderr; msg gets the first (root) error message, file the first
 * stream file below trace_dir named in the log, *from_metadata whether the
 * root message came from the metadata parser. */
void tj_log_capture_end(struct tj_log_capture *c, const char *trace_dir, char *msg, size_t cap,
			char *file, size_t fcap, int *from_metadata);

#endif
