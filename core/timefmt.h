/*
 * Timestamps as text: parsing --begin/--end the way babeltrace2's trimmer
 * does, and formatting ns-since-epoch stamps for the text exporter.
 * Everything is integer arithmetic on nanoseconds.
 */
#ifndef TJ_CORE_TIMEFMT_H
#define TJ_CORE_TIMEFMT_H

#include <stddef.h>
#include <stdint.h>

enum tj_time_spec_kind {
	TJ_TIME_SPEC_ABSOLUTE = 0,  /* full date given, or seconds since the epoch */
	TJ_TIME_SPEC_TIME_OF_DAY = 1, /* date taken from the first event */
};

struct tj_time_spec {
	int kind;
	int has_date;     /* "YYYY-MM-DD HH:MM[:SS[.N]]": resolved with gmt/local */
	int year, month, day;
	int64_t ns;       /* ABSOLUTE without date: ns since the epoch (may be < 0);
	                     otherwise ns since midnight */
};

/*
 * Accepted forms (those of `babeltrace2 --begin`):
 *   YYYY-MM-DD HH:MM[:SS[.NNNNNNNNN]]
 *   YYYY-MM-DD                      (midnight)
 *   HH:MM[:SS[.NNNNNNNNN]]          (date of the first event)
 *   [-]SECONDS[.NNNNNNNNN]          (seconds since the Unix epoch)
 * Fields have exactly the digits shown; the fraction has 1 to 9 digits and
 * is a fraction of a second (".43" is 430 ms).  Unlike babeltrace2, values
 * out of range (month 13, "25:00", "12:60", Feb 30) are malformed too.
 * Returns 0 on success, -1 on a malformed value (out untouched).
 */
int tj_time_spec_parse(const char *text, struct tj_time_spec *out);

/* ns since the epoch; gmt selects UTC over local time for dates and times of
 * day; ref_ts (ns since epoch) supplies the date for TIME_OF_DAY (its date in
 * UTC or local time, as gmt says).  Local times go through mktime with
 * tm_isdst = -1, like babeltrace2.  Returns INT64_MIN (TJ_TS_NONE) when the
 * result does not fit in int64 ns (outside 1677..2262) or cannot be computed,
 * and for TIME_OF_DAY when ref_ts is INT64_MIN. */
int64_t tj_time_spec_resolve(const struct tj_time_spec *spec, int gmt, int64_t ref_ts);

/* Writers return the number of chars written (excluding NUL; at most
 * cap - 1, the text being truncated to fit), buf always NUL-terminated when
 * cap > 0.  Negative stamps are floored: -1 ns is 23:59:59.999999999 of
 * 1969-12-31 (UTC). */
/* "HH:MM:SS.nnnnnnnnn" in local time or UTC. */
size_t tj_time_format_clock(char *buf, size_t cap, int64_t ts, int gmt);
/* "YYYY-MM-DD HH:MM:SS.nnnnnnnnn" */
size_t tj_time_format_date(char *buf, size_t cap, int64_t ts, int gmt);
/* "SSSSSSSSSS.nnnnnnnnn" (seconds since the epoch; "-" prefix when negative) */
size_t tj_time_format_seconds(char *buf, size_t cap, int64_t ts);
/* "+S.nnnnnnnnn" or "-S.nnnnnnnnn" */
size_t tj_time_format_delta(char *buf, size_t cap, int64_t delta);

/* Cache for tj_time_format_clock on a hot path: localtime_r only when the
 * second changes.  tj_clock_cache_format writes the same text as
 * tj_time_format_clock (with_date 0) or tj_time_format_date (with_date 1).
 * Init calls tzset() for local time; re-init after changing TZ. */
struct tj_clock_cache {
	int64_t sec;      /* cached second, INT64_MIN when empty */
	int gmt;
	char hms[16];     /* "HH:MM:SS" */
	char date[16];    /* "YYYY-MM-DD" */
};
void tj_clock_cache_init(struct tj_clock_cache *c, int gmt);
size_t tj_clock_cache_format(struct tj_clock_cache *c, char *buf, size_t cap, int64_t ts,
			     int with_date);

#endif
