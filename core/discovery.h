/* Finding the CTF traces (folders holding a 'metadata' file) below a path. */
#ifndef TJ_CORE_DISCOVERY_H
#define TJ_CORE_DISCOVERY_H

#include "strvec.h"

/* Append to out, sorted, every directory at or below path that holds a
 * regular 'metadata' file.  Symbolic links are not followed (path itself
 * included).  Errors name path: missing, not a directory, nothing found. */
int tj_discover_traces(const char *path, struct tj_strvec *out);

/* Append to names the regular files of the trace folder dir (not hidden
 * ones; 'metadata' only with_metadata), in directory order.  -1 when dir
 * cannot be opened. */
int tj_trace_files(const char *dir, int with_metadata, struct tj_strvec *names);

#endif
