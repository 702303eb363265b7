/*
 * The thread-local error chain: failing functions append causes (innermost
 * first) and main() prints them on one line, outermost first, git style:
 * "tjconv: error: cannot write 'out.txt': No space left on device".
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "error.h"

/* A runaway loop appending causes must not eat the memory. */
#define TJ_ERROR_MAX_CAUSES 64

struct tj_error_chain {
	char *causes[TJ_ERROR_MAX_CAUSES];
	size_t n;
	size_t dropped; /* causes lost to the cap or to allocation failures */
};

static _Thread_local struct tj_error_chain chain;

void tj_error_vappend(const char *fmt, va_list ap)
{
	va_list ap2;
	char small[256];
	char *msg;
	int len;

	if (chain.n >= TJ_ERROR_MAX_CAUSES) {
		chain.dropped++;
		return;
	}
	va_copy(ap2, ap);
	len = vsnprintf(small, sizeof(small), fmt, ap2);
	va_end(ap2);
	if (len < 0) {
		chain.dropped++;
		return;
	}
	msg = malloc((size_t)len + 1);
	if (!msg) {
		chain.dropped++;
		return;
	}
	if ((size_t)len < sizeof(small))
		memcpy(msg, small, (size_t)len + 1);
	else
		vsnprintf(msg, (size_t)len + 1, fmt, ap);
	chain.causes[chain.n++] = msg;
}

void tj_error_append(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	tj_error_vappend(fmt, ap);
	va_end(ap);
}

const char *tj_strerror(int errnum, char *buf, size_t len)
{
#if defined(__GLIBC__) && defined(_GNU_SOURCE)
	return strerror_r(errnum, buf, len); /* GNU flavour: returns the text */
#else
	if (strerror_r(errnum, buf, len) != 0)
		snprintf(buf, len, "error %d", errnum);
	return buf;
#endif
}

void tj_error_append_errno(int errnum, const char *fmt, ...)
{
	char what[512];
	char ebuf[128];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(what, sizeof(what), fmt, ap);
	va_end(ap);
	tj_error_append("%s: %s", what, tj_strerror(errnum, ebuf, sizeof(ebuf)));
}

int tj_error_has(void)
{
	return chain.n > 0 || chain.dropped > 0;
}

void tj_error_print(FILE *f, const char *prog)
{
	size_t i;

	if (prog)
		fprintf(f, "%s: ", prog);
	fputs("error", f);
	if (chain.n == 0 && chain.dropped == 0)
		fputs(": unknown error", f);
	/* The root cause leads; what was being done when it happened follows,
	 * outermost first: "error: cannot write 'x': No space left on device
	 * (exporter 'text' failed on event 'sched_switch')". */
	if (chain.n)
		fprintf(f, ": %s", chain.causes[0]);
	for (i = chain.n; i > 1; i--)
		fprintf(f, "%s%s", i == chain.n ? " (" : ": ", chain.causes[i - 1]);
	if (chain.n > 1)
		fputc(')', f);
	if (chain.dropped)
		fprintf(f, " (%zu more %s not recorded)", chain.dropped,
			chain.dropped == 1 ? "cause" : "causes");
	fputc('\n', f);
	fflush(f);
	tj_error_clear();
}

size_t tj_error_format(char *buf, size_t cap)
{
	size_t used = 0, i;
	int k;

	if (cap == 0)
		return 0;
	buf[0] = '\0';
	/* Same order as tj_error_print: the root cause first. */
	for (i = 0; i < chain.n && used < cap; i++) {
		k = snprintf(buf + used, cap - used, "%s%s%s", i == 0 ? "" : i == 1 ? " (" : ": ",
			     chain.causes[i == 0 ? 0 : chain.n - i], i > 0 && i == chain.n - 1 ? ")" : "");
		if (k < 0)
			break;
		used += (size_t)k;
	}
	return used < cap ? used : cap - 1;
}

void tj_error_clear(void)
{
	size_t i;

	for (i = 0; i < chain.n; i++) {
		free(chain.causes[i]);
		chain.causes[i] = NULL;
	}
	chain.n = 0;
	chain.dropped = 0;
}
