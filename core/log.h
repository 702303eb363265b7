/*
 * The one log facility: every warning and notice of the core and of plugins
 * goes through tj_log, which main() configures (program name, -q).  Lines
 * look like git's: "tjconv: warning: ..." or, from a plugin,
 * "tjconv: chrome-json: warning: ...".
 */
#ifndef TJ_CORE_LOG_H
#define TJ_CORE_LOG_H

#include <stdarg.h>
#include "tjconv/plugin.h"

/* quiet: 1 hides notices (warnings and errors are always shown).  Info and
 * debug lines are shown only with TJCONV_DEBUG=1 in the environment. */
void tj_log_setup(const char *prog, int quiet);
/* who: the plugin name, or NULL for the core. */
void tj_log(enum tj_log_level level, const char *who, const char *fmt, ...) TJ_PRINTF(3, 4);
void tj_vlog(enum tj_log_level level, const char *who, const char *fmt, va_list ap)
	TJ_PRINTF(3, 0);
/* A continuation line of the previous message ("tjconv:   ..."), shown
 * under the same rule as level. */
void tj_log_more(enum tj_log_level level, const char *fmt, ...) TJ_PRINTF(2, 3);
/* A --summary line scripts read ("sync: ...", "capture: ..."): exactly as
 * given, no prefix, whatever the log level. */
void tj_vlog_summary(const char *fmt, va_list ap);
void tj_log_summary(const char *fmt, ...) TJ_PRINTF(1, 2);

#endif
