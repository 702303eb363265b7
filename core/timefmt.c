/*
 * Timestamps as text: parsing --begin/--end values in the forms babeltrace2's
 * trimmer accepts, resolving them to ns since the epoch (UTC or local time),
 * and formatting ns stamps, with a per-second cache for the text exporter's
 * hot path.  All arithmetic is on integer nanoseconds.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "timefmt.h"

#define NS_PER_S INT64_C(1000000000)
#define S_PER_DAY INT64_C(86400)
#define NS_PER_DAY (S_PER_DAY * NS_PER_S)

/* Broken-down time; year is wide so no input can overflow it. */
struct tj_civil {
	int64_t year;
	int mon;  /* 1..12 */
	int mday; /* 1..31 */
	int hour, min, sec;
};

/* Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's method). */
static int64_t days_from_civil(int64_t y, int m, int d)
{
	int64_t era, yoe, doy, doe;

	y -= m <= 2;
	era = (y >= 0 ? y : y - 399) / 400;
	yoe = y - era * 400;
	doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
	doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + doe - 719468;
}

static void civil_from_days(int64_t z, struct tj_civil *c)
{
	int64_t era, doe, yoe, doy, mp;

	z += 719468;
	era = (z >= 0 ? z : z - 146096) / 146097;
	doe = z - era * 146097;
	yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	mp = (5 * doy + 2) / 153;
	c->mday = (int)(doy - (153 * mp + 2) / 5 + 1);
	c->mon = (int)(mp < 10 ? mp + 3 : mp - 9);
	c->year = yoe + era * 400 + (c->mon <= 2);
}

static int is_leap(int64_t y)
{
	return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

static int days_in_month(int64_t y, int m)
{
	static const int mdays[12] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };

	return m == 2 && is_leap(y) ? 29 : mdays[m - 1];
}

/* Floor division of ts into seconds and a non-negative ns remainder. */
static void split_ns(int64_t ts, int64_t *sec, int64_t *ns)
{
	int64_t s = ts / NS_PER_S, r = ts % NS_PER_S;

	if (r < 0) {
		r += NS_PER_S;
		s--;
	}
	*sec = s;
	*ns = r;
}

/* Calendar fields of a second since the epoch, in UTC or local time. */
static void civil_from_sec(int64_t sec, int gmt, struct tj_civil *c)
{
	int64_t days, rem;
	time_t t;
	struct tm tm;

	if (!gmt) {
		t = (time_t)sec;
		if ((int64_t)t == sec && localtime_r(&t, &tm)) {
			c->year = (int64_t)tm.tm_year + 1900;
			c->mon = tm.tm_mon + 1;
			c->mday = tm.tm_mday;
			c->hour = tm.tm_hour;
			c->min = tm.tm_min;
			c->sec = tm.tm_sec;
			return;
		}
		/* Not representable as local time: show UTC rather than garbage. */
	}
	days = sec / S_PER_DAY;
	rem = sec % S_PER_DAY;
	if (rem < 0) {
		rem += S_PER_DAY;
		days--;
	}
	civil_from_days(days, c);
	c->hour = (int)(rem / 3600);
	c->min = (int)(rem / 60 % 60);
	c->sec = (int)(rem % 60);
}

/* ---- parsing ------------------------------------------------------------ */

/* Exactly n decimal digits at p. */
static int take_digits(const char *p, int n, int *out)
{
	int v = 0, i;

	for (i = 0; i < n; i++) {
		if (p[i] < '0' || p[i] > '9')
			return -1;
		v = v * 10 + (p[i] - '0');
	}
	*out = v;
	return 0;
}

/* ".N" with 1 to 9 digits, meaning a fraction of a second (".43" is 430 ms).
 * Returns the number of chars consumed after the dot, or -1. */
static int take_fraction(const char *p, int64_t *ns)
{
	int64_t v = 0;
	int n = 0;

	while (p[n] >= '0' && p[n] <= '9') {
		if (n == 9)
			return -1;
		v = v * 10 + (p[n] - '0');
		n++;
	}
	if (n == 0)
		return -1;
	for (int i = n; i < 9; i++)
		v *= 10;
	*ns = v;
	return n;
}

/* "HH:MM[:SS[.N]]" up to the end of the string, as ns since midnight. */
static int parse_time_of_day(const char *p, int64_t *ns_out)
{
	int hh, mm, ss = 0, n;
	int64_t frac = 0;

	if (take_digits(p, 2, &hh) || p[2] != ':' || take_digits(p + 3, 2, &mm))
		return -1;
	p += 5;
	if (*p == ':') {
		if (take_digits(p + 1, 2, &ss))
			return -1;
		p += 3;
		if (*p == '.') {
			n = take_fraction(p + 1, &frac);
			if (n < 0)
				return -1;
			p += 1 + n;
		}
	}
	if (*p != '\0' || hh > 23 || mm > 59 || ss > 59)
		return -1;
	*ns_out = ((int64_t)hh * 3600 + mm * 60 + ss) * NS_PER_S + frac;
	return 0;
}

/* "[-]SECONDS[.N]" as ns since the epoch. */
static int parse_seconds(const char *p, int64_t *ns_out)
{
	uint64_t sec = 0, total, limit;
	int64_t frac = 0;
	int neg = 0, ndigits = 0, n;

	if (*p == '-') {
		neg = 1;
		p++;
	}
	while (*p >= '0' && *p <= '9') {
		sec = sec * 10 + (uint64_t)(*p - '0');
		if (sec > (uint64_t)(INT64_MAX / NS_PER_S) + 1)
			return -1;
		p++;
		ndigits++;
	}
	if (ndigits == 0)
		return -1;
	if (*p == '.') {
		n = take_fraction(p + 1, &frac);
		if (n < 0)
			return -1;
		p += 1 + n;
	}
	if (*p != '\0')
		return -1;
	total = sec * (uint64_t)NS_PER_S + (uint64_t)frac;
	limit = neg ? (uint64_t)INT64_MAX + 1 : (uint64_t)INT64_MAX;
	if (total > limit)
		return -1;
	*ns_out = neg ? (int64_t)(0 - total) : (int64_t)total;
	return 0;
}

int tj_time_spec_parse(const char *text, struct tj_time_spec *out)
{
	struct tj_time_spec s;
	int y, m, d;

	if (!text || !out)
		return -1;
	memset(&s, 0, sizeof(s));
	if (take_digits(text, 4, &y) == 0 && text[4] == '-') {
		/* YYYY-MM-DD[ HH:MM[:SS[.N]]] */
		if (take_digits(text + 5, 2, &m) || text[7] != '-' ||
		    take_digits(text + 8, 2, &d))
			return -1;
		if (m < 1 || m > 12 || d < 1 || d > days_in_month(y, m))
			return -1;
		if (text[10] == ' ') {
			if (parse_time_of_day(text + 11, &s.ns))
				return -1;
		} else if (text[10] != '\0') {
			return -1;
		}
		s.kind = TJ_TIME_SPEC_ABSOLUTE;
		s.has_date = 1;
		s.year = y;
		s.month = m;
		s.day = d;
	} else if (take_digits(text, 2, &y) == 0 && text[2] == ':') {
		if (parse_time_of_day(text, &s.ns))
			return -1;
		s.kind = TJ_TIME_SPEC_TIME_OF_DAY;
	} else {
		if (parse_seconds(text, &s.ns))
			return -1;
		s.kind = TJ_TIME_SPEC_ABSOLUTE;
	}
	*out = s;
	return 0;
}

/* ---- resolving ---------------------------------------------------------- */

/* a * unit + rem for 0 <= rem < unit, or INT64_MIN when it does not fit. */
static int64_t scaled_add(int64_t a, int64_t unit, int64_t rem)
{
	int64_t base;

	if (a > INT64_MAX / unit || a < INT64_MIN / unit - 1)
		return INT64_MIN;
	if (a >= 0) {
		base = a * unit;
		return rem > INT64_MAX - base ? INT64_MIN : base + rem;
	}
	/* (a + 1) * unit cannot overflow; rem - unit is in [-unit, 0). */
	base = (a + 1) * unit;
	return rem - unit < INT64_MIN - base ? INT64_MIN : base + (rem - unit);
}

/* ns since the epoch of a calendar date plus ns since its midnight. */
static int64_t resolve_date(int64_t year, int month, int day, int64_t tod_ns, int gmt)
{
	int64_t days, sec;

	if (gmt) {
		if (year < -1000000 || year > 1000000)
			return INT64_MIN;
		days = days_from_civil(year, month, day);
		return scaled_add(days, NS_PER_DAY, tod_ns);
	} else {
		struct tm tm;
		int64_t tod_s = tod_ns / NS_PER_S;
		time_t t;

		if (year < 1600 || year > 2400)
			return INT64_MIN;
		memset(&tm, 0, sizeof(tm));
		tm.tm_year = (int)(year - 1900);
		tm.tm_mon = month - 1;
		tm.tm_mday = day;
		tm.tm_hour = (int)(tod_s / 3600);
		tm.tm_min = (int)(tod_s / 60 % 60);
		tm.tm_sec = (int)(tod_s % 60);
		tm.tm_isdst = -1;
		errno = 0;
		t = mktime(&tm);
		if (t == (time_t)-1 && errno != 0)
			return INT64_MIN;
		sec = (int64_t)t;
		return scaled_add(sec, NS_PER_S, tod_ns % NS_PER_S);
	}
}

int64_t tj_time_spec_resolve(const struct tj_time_spec *spec, int gmt, int64_t ref_ts)
{
	struct tj_civil c;
	int64_t sec, ns;

	if (spec->has_date)
		return resolve_date(spec->year, spec->month, spec->day, spec->ns, gmt);
	if (spec->kind == TJ_TIME_SPEC_ABSOLUTE)
		return spec->ns;
	if (ref_ts == INT64_MIN)
		return INT64_MIN;
	split_ns(ref_ts, &sec, &ns);
	civil_from_sec(sec, gmt, &c);
	return resolve_date(c.year, c.mon, c.mday, spec->ns, gmt);
}

/* ---- formatting --------------------------------------------------------- */

/* Copy len chars of src into buf (truncating to cap - 1) and NUL-terminate. */
static size_t emit(char *buf, size_t cap, const char *src, size_t len)
{
	if (cap == 0)
		return 0;
	if (len >= cap)
		len = cap - 1;
	memcpy(buf, src, len);
	buf[len] = '\0';
	return len;
}

static size_t emit_snprintf_result(char *buf, size_t cap, const char *tmp, int n)
{
	return emit(buf, cap, tmp, n < 0 ? 0 : (size_t)n);
}

size_t tj_time_format_clock(char *buf, size_t cap, int64_t ts, int gmt)
{
	struct tj_civil c;
	int64_t sec, ns;
	char tmp[64];
	int n;

	split_ns(ts, &sec, &ns);
	civil_from_sec(sec, gmt, &c);
	n = snprintf(tmp, sizeof(tmp), "%02d:%02d:%02d.%09" PRId64, c.hour, c.min, c.sec, ns);
	return emit_snprintf_result(buf, cap, tmp, n);
}

size_t tj_time_format_date(char *buf, size_t cap, int64_t ts, int gmt)
{
	struct tj_civil c;
	int64_t sec, ns;
	char tmp[96];
	int n;

	split_ns(ts, &sec, &ns);
	civil_from_sec(sec, gmt, &c);
	n = snprintf(tmp, sizeof(tmp), "%04" PRId64 "-%02d-%02d %02d:%02d:%02d.%09" PRId64,
		     c.year, c.mon, c.mday, c.hour, c.min, c.sec, ns);
	return emit_snprintf_result(buf, cap, tmp, n);
}

/* sign (when wanted) then |v| as S.nnnnnnnnn, formatted by hand: this runs
 * once per event in the text exporter, where snprintf showed up at 10 %. */
static size_t format_signed(char *buf, size_t cap, int64_t v, const char *plus)
{
	uint64_t mag = v < 0 ? 0 - (uint64_t)v : (uint64_t)v;
	uint64_t whole = mag / (uint64_t)NS_PER_S, frac = mag % (uint64_t)NS_PER_S;
	char tmp[48];
	size_t i = sizeof(tmp);

	for (int d = 0; d < 9; d++) {
		tmp[--i] = (char)('0' + frac % 10);
		frac /= 10;
	}
	tmp[--i] = '.';
	do {
		tmp[--i] = (char)('0' + whole % 10);
		whole /= 10;
	} while (whole);
	if (v < 0)
		tmp[--i] = '-';
	else if (*plus)
		tmp[--i] = *plus;
	return emit(buf, cap, tmp + i, sizeof(tmp) - i);
}

size_t tj_time_format_seconds(char *buf, size_t cap, int64_t ts)
{
	return format_signed(buf, cap, ts, "");
}

size_t tj_time_format_delta(char *buf, size_t cap, int64_t delta)
{
	return format_signed(buf, cap, delta, "+");
}

/* ---- the per-second cache ------------------------------------------------ */

static inline void put2(char *p, int v)
{
	p[0] = (char)('0' + v / 10);
	p[1] = (char)('0' + v % 10);
}

static inline void put9(char *p, uint32_t v)
{
	for (int i = 8; i >= 0; i--) {
		p[i] = (char)('0' + v % 10);
		v /= 10;
	}
}

void tj_clock_cache_init(struct tj_clock_cache *c, int gmt)
{
	memset(c, 0, sizeof(*c));
	c->sec = INT64_MIN;
	c->gmt = gmt;
	if (!gmt)
		tzset();
}

static void clock_cache_fill(struct tj_clock_cache *c, int64_t sec)
{
	struct tj_civil cv;

	civil_from_sec(sec, c->gmt, &cv);
	put2(c->hms, cv.hour);
	c->hms[2] = ':';
	put2(c->hms + 3, cv.min);
	c->hms[5] = ':';
	put2(c->hms + 6, cv.sec);
	c->hms[8] = '\0';
	if (cv.year >= 0 && cv.year <= 9999) {
		put2(c->date, (int)(cv.year / 100));
		put2(c->date + 2, (int)(cv.year % 100));
		c->date[4] = '-';
		put2(c->date + 5, cv.mon);
		c->date[7] = '-';
		put2(c->date + 8, cv.mday);
		c->date[10] = '\0';
	} else {
		/* Unreachable from int64 ns stamps; kept correct anyway. */
		snprintf(c->date, sizeof(c->date), "%04" PRId64 "-%02d-%02d", cv.year % 100000,
			 cv.mon, cv.mday);
	}
	c->sec = sec;
}

size_t tj_clock_cache_format(struct tj_clock_cache *c, char *buf, size_t cap, int64_t ts,
			     int with_date)
{
	char tmp[64];
	char *p;
	int64_t sec, ns;
	size_t dlen, len;

	split_ns(ts, &sec, &ns);
	if (sec != c->sec)
		clock_cache_fill(c, sec);
	/* Write straight into buf when it is big enough (the usual case). */
	p = cap >= sizeof(tmp) ? buf : tmp;
	len = 0;
	if (with_date) {
		dlen = strlen(c->date);
		memcpy(p, c->date, dlen);
		p[dlen] = ' ';
		len = dlen + 1;
	}
	memcpy(p + len, c->hms, 8);
	p[len + 8] = '.';
	put9(p + len + 9, (uint32_t)ns);
	len += 18;
	p[len] = '\0';
	if (p == buf)
		return len;
	return emit(buf, cap, tmp, len);
}
