/*
 * tjgen error chain: failing functions append a cause and return a negative
 * status; main prints the chain once and picks the exit code.
 */
#include "tjgen.h"

#include <stdarg.h>
#include <stdio.h>

#define TJG_ERROR_MAX 8
#define TJG_ERROR_LEN 512

static char tjg_errors[TJG_ERROR_MAX][TJG_ERROR_LEN];
static int tjg_error_count;

void tjg_error_append(const char *fmt, ...)
{
	va_list ap;

	if (tjg_error_count >= TJG_ERROR_MAX)
		return;
	va_start(ap, fmt);
	vsnprintf(tjg_errors[tjg_error_count], TJG_ERROR_LEN, fmt, ap);
	va_end(ap);
	tjg_error_count++;
}

void tjg_error_print(void)
{
	int i;

	if (tjg_error_count == 0) {
		fprintf(stderr, "tjgen: unknown error\n");
		return;
	}
	/* Outermost context was appended last. */
	fprintf(stderr, "tjgen: %s\n", tjg_errors[tjg_error_count - 1]);
	for (i = tjg_error_count - 2; i >= 0; i--)
		fprintf(stderr, "  caused by: %s\n", tjg_errors[i]);
}
