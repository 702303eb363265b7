/*
 * The log facility (see log.h): one place decides what reaches stderr, so
 * -q means the same for the core and for every plugin.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "log.h"

static const char *log_prog = "tjconv";
static int log_quiet;
static int log_debug = -1;

void tj_log_setup(const char *prog, int quiet)
{
	log_prog = prog ? prog : "tjconv";
	log_quiet = quiet == 1;
}

static int shown(enum tj_log_level level)
{
	if (level >= TJ_LOG_WARNING)
		return 1;
	if (level == TJ_LOG_NOTICE)
		return !log_quiet;
	if (log_debug < 0) {
		const char *d = getenv("TJCONV_DEBUG");
		log_debug = d && strcmp(d, "1") == 0;
	}
	return log_debug;
}

void tj_vlog(enum tj_log_level level, const char *who, const char *fmt, va_list ap)
{
	static const char *const names[] = {"debug", "info", "notice", "warning", "error"};
	if (!shown(level))
		return;
	if (who)
		fprintf(stderr, "%s: %s: %s: ", log_prog, who,
			names[level <= TJ_LOG_ERROR ? level : TJ_LOG_ERROR]);
	else
		fprintf(stderr, "%s: %s: ", log_prog, names[level <= TJ_LOG_ERROR ? level : TJ_LOG_ERROR]);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
}

void tj_log(enum tj_log_level level, const char *who, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	tj_vlog(level, who, fmt, ap);
	va_end(ap);
}

void tj_vlog_summary(const char *fmt, va_list ap)
{
	fflush(stderr);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
}

void tj_log_summary(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	tj_vlog_summary(fmt, ap);
	va_end(ap);
}

void tj_log_more(enum tj_log_level level, const char *fmt, ...)
{
	va_list ap;
	if (!shown(level))
		return;
	fprintf(stderr, "%s:   ", log_prog);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}
