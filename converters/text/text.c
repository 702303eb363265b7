/*
 * Exporter "text": one line per trace event, like babeltrace2's default
 * output, plus the thread that ran it and what analyzers attached:
 *
 *   [11:44:41.210000500] (+0.000000500) tjgen-host cpu0 ncat/2150 syscall_exit_accept4: \
 *       { cpu_id = 0 }, { ... }, { ret = 4, ... } => ret 4 = new socket from ...
 *
 * Event lines always start with '['.  Other lines (lost events now, captured
 * packets later) start with '#', so `grep -c '^\['` counts events and
 * `grep -v '^#'` leaves exactly the events.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tjconv/plugin.h"

enum clock_mode { CLOCK_TIME, CLOCK_DATE, CLOCK_SECONDS, CLOCK_RELATIVE };

struct text {
	const struct tj_host *host;
	struct tj_plugin *self;
	unsigned gmt;              /* TJ_TIME_GMT or 0 */
	int mode;
	int annotations;
	int show_host;
	int64_t first_ts;
	int64_t last_ts;
	const struct tj_trace_info *info; /* valid until fini (ABI) */
	struct tj_sbuf *line;
};

static enum tj_status text_init(const struct tj_host *host, struct tj_plugin *self, void **state)
{
	struct text *t = calloc(1, sizeof(*t));
	if (!t)
		return TJ_ENOMEM;
	t->host = host;
	t->self = self;
	t->line = host->sbuf_new();
	if (!t->line) {
		free(t);
		return TJ_ENOMEM;
	}
	t->gmt = tj_param_bool(host, self, "clock-gmt", 0) ? TJ_TIME_GMT : 0;
	t->mode = tj_param_bool(host, self, "clock-seconds", 0)    ? CLOCK_SECONDS
		  : tj_param_bool(host, self, "clock-relative", 0) ? CLOCK_RELATIVE
		  : tj_param_bool(host, self, "clock-date", 0)     ? CLOCK_DATE
								  : CLOCK_TIME;
	t->annotations = tj_param_bool(host, self, "annotations", 1);
	t->show_host = tj_param_bool(host, self, "hostname", 1);
	t->last_ts = TJ_TS_NONE;
	*state = t;
	return TJ_OK;
}

static enum tj_status text_begin(void *state, const struct tj_trace_info *info)
{
	struct text *t = state;
	t->info = info;
	t->first_ts = info->first_ts;
	return TJ_OK;
}

static void put(struct text *t, const char *s)
{
	t->host->sbuf_append(t->line, s, strlen(s));
}

static size_t format_ts(struct text *t, char *buf, size_t cap, int64_t ts);

static void put_ts(struct text *t, int64_t ts)
{
	char buf[64];
	format_ts(t, buf, sizeof(buf), ts);
	put(t, buf);
}

static enum tj_status flush_line(struct text *t)
{
	const struct tj_host *h = t->host;
	h->sbuf_append(t->line, "\n", 1);
	enum tj_status rc = h->write(t->self, h->sbuf_data(t->line), h->sbuf_len(t->line));
	h->sbuf_truncate(t->line, 0);
	return rc;
}

/* Append s to a fixed line-prefix buffer, truncating (prefix only). */
static size_t cat(char *buf, size_t len, size_t cap, const char *s)
{
	size_t n = strlen(s);
	if (len + n >= cap)
		n = len < cap - 1 ? cap - 1 - len : 0;
	memcpy(buf + len, s, n);
	return len + n;
}

/* Length of the valid UTF-8 sequence at p (at most e - p), 0 if invalid. */
static size_t utf8_len(const unsigned char *p, const unsigned char *e)
{
	size_t n = *p >= 0xc2 && *p <= 0xdf ? 2 : *p >= 0xe0 && *p <= 0xef ? 3
		   : *p >= 0xf0 && *p <= 0xf4 ? 4 : 0;
	if (n == 0 || (size_t)(e - p) < n)
		return 0;
	for (size_t i = 1; i < n; i++)
		if ((p[i] & 0xc0) != 0x80)
			return 0;
	return n;
}

/*
 * A name from the trace (thread name, host name, event name, an analyzer's
 * text quoting them) made safe for one line: control bytes get the escapes
 * the fields column uses (\n, \t, ... else \xNN), and bytes that are not
 * valid UTF-8 become \xNN, so one event is always one line and a terminal
 * shows what is there.  Writes at most cap - 1 bytes and a NUL.
 */
static size_t escape(const char *s, char *out, size_t cap)
{
	static const char hex[] = "0123456789abcdef";
	const unsigned char *p = (const unsigned char *)s, *e = p + strlen(s);
	size_t n = 0;
	while (p < e && n + 5 < cap) {
		const char *esc = NULL;
		size_t u;
		switch (*p) {
		case '\n': esc = "\\n"; break;
		case '\t': esc = "\\t"; break;
		case '\r': esc = "\\r"; break;
		case '\a': esc = "\\a"; break;
		case '\b': esc = "\\b"; break;
		case '\f': esc = "\\f"; break;
		case '\v': esc = "\\v"; break;
		case 0x1b: esc = "\\e"; break;
		case '\\': esc = "\\\\"; break;
		default: break;
		}
		if (esc) {
			out[n++] = esc[0];
			out[n++] = esc[1];
			p++;
		} else if (*p < 0x20 || *p == 0x7f || (*p >= 0x80 && !(u = utf8_len(p, e)))) {
			out[n++] = '\\';
			out[n++] = 'x';
			out[n++] = hex[*p >> 4];
			out[n++] = hex[*p & 0xf];
			p++;
		} else if (*p >= 0x80) {
			if (n + u + 1 >= cap)
				break;
			memcpy(out + n, p, u);
			n += u;
			p += u;
		} else {
			out[n++] = (char)*p++;
		}
	}
	out[n] = '\0';
	return n;
}

/* Does s need escape()?  (The common case is plain ASCII: no copy.) */
static int needs_escape(const char *s)
{
	for (const unsigned char *p = (const unsigned char *)s; *p; p++)
		if (*p < 0x20 || *p >= 0x7f || *p == '\\')
			return 1;
	return 0;
}

/* cat() of a name from the trace, escaped. */
static size_t cat_name(char *buf, size_t len, size_t cap, const char *s)
{
	/* One pass for the usual printable name (three per event line); the
	 * escaped copy only when a byte needs it. */
	size_t n = len;
	for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
		if (*p < 0x20 || *p >= 0x7f || *p == '\\') {
			char tmp[256];
			escape(s, tmp, sizeof(tmp));
			return cat(buf, len, cap, tmp);
		}
		if (n + 1 < cap)
			buf[n++] = (char)*p;
	}
	return n;
}

/* put() of a text that may hold anything, escaped whatever its length. */
static void put_name(struct text *t, const char *s)
{
	char tmp[256];
	size_t len = strlen(s);
	if (!needs_escape(s)) {
		put(t, s);
		return;
	}
	/* In pieces: each piece ends on a byte boundary escape() copied whole. */
	while (len > 0) {
		size_t take = len < 48 ? len : 48;
		char piece[52];
		/* Do not split a UTF-8 sequence between pieces. */
		while (take < len && take > 44 && ((unsigned char)s[take] & 0xc0) == 0x80)
			take--;
		memcpy(piece, s, take);
		piece[take] = '\0';
		escape(piece, tmp, sizeof(tmp));
		put(t, tmp);
		s += take;
		len -= take;
	}
}

static size_t cat_int(char *buf, size_t len, size_t cap, int64_t v)
{
	char tmp[24];
	size_t i = sizeof(tmp);
	uint64_t m = v < 0 ? 0 - (uint64_t)v : (uint64_t)v;
	tmp[--i] = '\0';
	do {
		tmp[--i] = (char)('0' + m % 10);
		m /= 10;
	} while (m);
	if (v < 0)
		tmp[--i] = '-';
	return cat(buf, len, cap, tmp + i);
}

static size_t format_ts(struct text *t, char *buf, size_t cap, int64_t ts)
{
	const struct tj_host *h = t->host;
	if (ts == TJ_TS_NONE)
		return (size_t)snprintf(buf, cap, "??:??:??.?????????");
	switch (t->mode) {
	case CLOCK_SECONDS:
		return h->format_time(t->self, ts, TJ_TIME_SECONDS, buf, cap);
	case CLOCK_RELATIVE:
		return h->format_time(t->self, ts - (t->first_ts != TJ_TS_NONE ? t->first_ts : ts),
				      TJ_TIME_DELTA, buf, cap);
	default:
		return h->format_time(t->self, ts,
				      (t->mode == CLOCK_DATE ? TJ_TIME_DATE : TJ_TIME_CLOCK) | t->gmt,
				      buf, cap);
	}
}

/* The line is built in a stack buffer up to the event name (one append),
 * then the host appends the fields: no printf on this path. */
static enum tj_status text_event(void *state, const struct tj_event *ev, void *class_data)
{
	struct text *t = state;
	char pre[512];
	size_t n = 0;
	(void)class_data;

	pre[n++] = '[';
	n += format_ts(t, pre + n, sizeof(pre) - n, ev->ts);
	n = cat(pre, n, sizeof(pre), "] (");
	if (t->last_ts == TJ_TS_NONE || ev->ts == TJ_TS_NONE)
		n = cat(pre, n, sizeof(pre), "+?.?????????");
	else
		n += t->host->format_time(t->self, ev->ts - t->last_ts, TJ_TIME_DELTA, pre + n,
					  sizeof(pre) - n);
	n = cat(pre, n, sizeof(pre), ") ");
	if (ev->ts != TJ_TS_NONE)
		t->last_ts = ev->ts;
	if (t->show_host && t->info && ev->cls->trace_index < t->info->ntraces) {
		const char *h = t->info->traces[ev->cls->trace_index].hostname;
		if (h) {
			n = cat_name(pre, n, sizeof(pre), h);
			n = cat(pre, n, sizeof(pre), " ");
		}
	}
	if (ev->cpu >= 0) {
		n = cat(pre, n, sizeof(pre), "cpu");
		n = cat_int(pre, n, sizeof(pre), ev->cpu);
		n = cat(pre, n, sizeof(pre), " ");
	}
	if (ev->tid >= 0) {
		if (ev->comm)
			n = cat_name(pre, n, sizeof(pre), ev->comm);
		n = cat(pre, n, sizeof(pre), "/");
		n = cat_int(pre, n, sizeof(pre), ev->tid);
		n = cat(pre, n, sizeof(pre), " ");
	}
	n = cat_name(pre, n, sizeof(pre), ev->cls->name);
	n = cat(pre, n, sizeof(pre), ": ");
	t->host->sbuf_truncate(t->line, 0);
	t->host->sbuf_append(t->line, pre, n);
	t->host->format_fields(ev, t->line);
	if (t->annotations && ev->nannotations) {
		put(t, " =>");
		for (uint32_t i = 0; i < ev->nannotations; i++) {
			put(t, i ? "; " : " ");
			put_name(t, ev->annotations[i].text);
		}
	}
	return flush_line(t);
}

static enum tj_status text_discard(void *state, const struct tj_discard *d)
{
	struct text *t = state;
	char buf[160];

	t->host->sbuf_truncate(t->line, 0);
	put(t, "# [");
	put_ts(t, d->end_ts != TJ_TS_NONE ? d->end_ts : d->begin_ts);
	put(t, "] LOST: ");
	if (d->count == UINT64_MAX)
		snprintf(buf, sizeof(buf), "an unknown number of %s", d->is_packets ? "packets" : "events");
	else
		snprintf(buf, sizeof(buf), "%llu %s", (unsigned long long)d->count,
			 d->is_packets ? "packets" : "events");
	put(t, buf);
	put(t, " discarded by the tracer");
	if (d->cpu >= 0) {
		snprintf(buf, sizeof(buf), " on cpu%d", (int)d->cpu);
		put(t, buf);
	}
	if (d->begin_ts != TJ_TS_NONE && d->end_ts != TJ_TS_NONE) {
		put(t, " between [");
		put_ts(t, d->begin_ts);
		put(t, "] and [");
		put_ts(t, d->end_ts);
		put(t, "]");
	}
	put(t, " (stream ");
	put_name(t, d->stream_name ? d->stream_name : "?");
	put(t, ")");
	return flush_line(t);
}

/* Captured packets (--pcap: records of category "capture" from the packets
 * analyzer) as '#' lines; they arrive just before the first event after
 * their time, so the lines stay in time order. */
static enum tj_status text_record(void *state, const struct tj_record *rec)
{
	struct text *t = state;
	if ((rec->kind != TJ_REC_SPAN && rec->kind != TJ_REC_INSTANT) || !rec->category ||
	    strcmp(rec->category, "capture") != 0 || !rec->name)
		return TJ_OK;
	t->host->sbuf_truncate(t->line, 0);
	put(t, "# [");
	put_ts(t, rec->ts);
	put(t, "] ");
	put(t, rec->name);
	return flush_line(t);
}

static void text_fini(void *state)
{
	struct text *t = state;
	t->host->sbuf_free(t->line);
	free(t);
}

static const char *const subscriptions[] = {"*", NULL};
/* Records: only the capture lines of --pcap (the rest are JSON's). */
static const char *const record_categories[] = {"capture", NULL};
static const char *const param_help[] = {
	"clock-gmt: show times in UTC (--clock-gmt)",
	"clock-seconds: show seconds since the Unix epoch (--clock-seconds)",
	"clock-relative: show times relative to the first event (--clock-relative)",
	"clock-date: show the date too",
	"annotations: show analyzer annotations (default true; --no-annotations)",
	"hostname: show the trace's hostname (default true)",
	NULL,
};

TJ_PLUGIN_DEFINE(.name = "text", .version = "1.0",
		 .description = "annotated text timeline, one line per event (babeltrace2 style)",
		 .kind = TJ_KIND_EXPORTER, .subscriptions = subscriptions, .init = text_init,
		 .begin = text_begin, .on_event = text_event, .on_record = text_record,
		 .on_discard = text_discard, .record_categories = record_categories,
		 .fini = text_fini, .param_help = param_help)
