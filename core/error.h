/*
 * Error chain: a failing function appends a cause and returns a negative
 * tj_status; only main() prints the chain (outermost first, joined by ": "
 * on one line, git style) and picks the exit code.
 */
#ifndef TJ_CORE_ERROR_H
#define TJ_CORE_ERROR_H

#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include "tjconv/plugin.h"

/* Append a cause (lowercase, no full stop, subjects in quotes). Innermost
 * causes are appended first; tj_error_print shows them outermost first. */
void tj_error_append(const char *fmt, ...) TJ_PRINTF(1, 2);
void tj_error_vappend(const char *fmt, va_list ap) TJ_PRINTF(1, 0);
int tj_error_has(void);
/* Print "PROG: error: outer: ...: inner\n" and clear the chain. */
void tj_error_print(FILE *f, const char *prog);
void tj_error_clear(void);

/* Append "WHAT: strerror(errnum)", WHAT formatted from fmt (truncated at 511
 * chars): tj_error_append_errno(errno, "cannot create '%s'", path). */
void tj_error_append_errno(int errnum, const char *fmt, ...) TJ_PRINTF(2, 3);
/* Thread-safe strerror; returns buf or a static string. */
const char *tj_strerror(int errnum, char *buf, size_t len);
/* The chain as tj_error_print would show it after "error: ", without
 * clearing it; returns the length written (truncated to cap - 1). */
size_t tj_error_format(char *buf, size_t cap);

#endif
