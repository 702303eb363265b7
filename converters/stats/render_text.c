/*
 * Text rendering of the "stats" tables: one titled block per table, columns
 * sized to their widest cell, numbers right-aligned, durations in
 * microseconds with nanosecond digits, timestamps as the text exporter
 * shows them.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "stats.h"

#define CELL_TEXT 256

static void dur_text(int64_t ns, char *buf, size_t cap)
{
	const char *sign = ns < 0 ? "-" : "";
	uint64_t a = ns < 0 ? (uint64_t)-(ns + 1) + 1 : (uint64_t)ns;
	snprintf(buf, cap, "%s%" PRIu64 ".%03u", sign, a / 1000, (unsigned)(a % 1000));
}

static void cell_text(struct stats *s, const struct cell *c, char *buf, size_t cap)
{
	switch (c->kind) {
	case C_INT:
	case C_SIZE:
		snprintf(buf, cap, "%" PRId64, c->i);
		break;
	case C_CPU:
		snprintf(buf, cap, "cpu%" PRId64, c->i);
		break;
	case C_REAL:
		snprintf(buf, cap, "%.3f", c->d);
		break;
	case C_DUR:
		if (c->d != (double)c->i)
			snprintf(buf, cap, "%.3f", c->d / 1000.0);
		else
			dur_text(c->i, buf, cap);
		break;
	case C_TS:
		s->h->format_time(s->self, c->i, TJ_TIME_CLOCK | s->gmt, buf, cap);
		break;
	case C_RATIO:
		snprintf(buf, cap, "%.2f%%", c->d * 100.0);
		break;
	case C_PROCESS:
		if (c->pid >= 0 && c->pid != c->tid)
			snprintf(buf, cap, "%s/%d (pid %d)", c->s && *c->s ? c->s : "?", (int)c->tid,
				 (int)c->pid);
		else
			snprintf(buf, cap, "%s/%d", c->s && *c->s ? c->s : "?", (int)c->tid);
		break;
	case C_IRQ:
		snprintf(buf, cap, "%s %" PRId64 "%s%s", c->hard ? "irq" : "softirq", c->i,
			 c->s ? " " : "", c->s ? c->s : "");
		break;
	case C_EMPTY:
		snprintf(buf, cap, "-");
		break;
	default:
		snprintf(buf, cap, "%s", c->s ? c->s : "");
		break;
	}
}

static int right_aligned(int kind)
{
	return kind != C_STR && kind != C_SYSCALL && kind != C_PROCESS && kind != C_IRQ &&
	       kind != C_NETIF && kind != C_PATH;
}

/* "min_duration" -> "min (us)", "read_bytes" -> "read bytes". */
static void header_text(const struct col *col, char *buf, size_t cap)
{
	char key[64];
	snprintf(key, sizeof(key), "%s", col->key);
	char *u = strstr(key, "_duration");
	if (!u)
		u = strstr(key, "_latency");
	if (u && u != key)
		*u = 0;
	for (char *p = key; *p; p++)
		if (*p == '_')
			*p = ' ';
	snprintf(buf, cap, "%s%s", key, col->kind == C_DUR ? " (us)" : "");
}

/* No trailing blanks at the end of a line. */
static void trim(struct stats *s)
{
	const char *d = s->h->sbuf_data(s->sb);
	size_t n = s->h->sbuf_len(s->sb);
	while (n && d[n - 1] == ' ')
		n--;
	s->h->sbuf_truncate(s->sb, n);
}

static int emit(struct stats *s)
{
	const struct tj_host *h = s->h;
	int rc = h->write(s->self, h->sbuf_data(s->sb), h->sbuf_len(s->sb));
	h->sbuf_truncate(s->sb, 0);
	return rc;
}

static int render_one(struct stats *s, const struct table *t)
{
	const struct tj_host *h = s->h;
	uint32_t nc = t->cls->ncols;
	size_t w[32] = {0};
	char buf[CELL_TEXT];
	if (nc > 32)
		return -1;
	for (uint32_t j = 0; j < nc; j++) {
		header_text(&t->cls->cols[j], buf, sizeof(buf));
		w[j] = strlen(buf);
	}
	for (uint32_t r = 0; r < t->nrows; r++)
		for (uint32_t j = 0; j < nc; j++) {
			cell_text(s, table_cell(t, r, j), buf, sizeof(buf));
			if (strlen(buf) > w[j])
				w[j] = strlen(buf);
		}
	h->sbuf_printf(s->sb, "\n%s\n", t->cls->title);
	for (uint32_t j = 0; j < nc; j++) {
		int ra = right_aligned(t->cls->cols[j].kind);
		header_text(&t->cls->cols[j], buf, sizeof(buf));
		if (j + 1 == nc && !ra)
			h->sbuf_printf(s->sb, "%s", buf);
		else
			h->sbuf_printf(s->sb, ra ? "%*s  " : "%-*s  ", (int)w[j], buf);
	}
	trim(s);
	h->sbuf_printf(s->sb, "\n");
	for (uint32_t r = 0; r < t->nrows; r++) {
		for (uint32_t j = 0; j < nc; j++) {
			int ra = right_aligned(t->cls->cols[j].kind);
			cell_text(s, table_cell(t, r, j), buf, sizeof(buf));
			if (j + 1 == nc && !ra)
				h->sbuf_printf(s->sb, "%s", buf);
			else
				h->sbuf_printf(s->sb, ra ? "%*s  " : "%-*s  ", (int)w[j], buf);
		}
		trim(s);
		h->sbuf_printf(s->sb, "\n");
		if (h->sbuf_len(s->sb) > 65536 && emit(s))
			return -1;
	}
	if (!t->nrows)
		h->sbuf_printf(s->sb, "(none)\n");
	return emit(s);
}

int render_text(struct stats *s, struct table *const *t, uint32_t n)
{
	const struct tj_host *h = s->h;
	char b[64], e[64], d[64];
	int64_t begin, end;
	stats_window(s, &begin, &end);
	if (begin == TJ_TS_NONE) {
		h->sbuf_printf(s->sb, "no event of the chosen kinds inside the window\n");
	} else {
		h->format_time(s->self, begin, TJ_TIME_DATE | s->gmt, b, sizeof(b));
		h->format_time(s->self, end, TJ_TIME_DATE | s->gmt, e, sizeof(e));
		h->format_time(s->self, end - begin, TJ_TIME_DELTA, d, sizeof(d));
		h->sbuf_printf(s->sb, "Timerange: [%s, %s] (%s s)\n", b, e, d + (d[0] == '+'));
	}
	if (emit(s))
		return -1;
	for (uint32_t i = 0; i < n; i++)
		if (render_one(s, t[i]))
			return -1;
	return 0;
}
