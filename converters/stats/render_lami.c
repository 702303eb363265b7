/*
 * LAMI 1.0 rendering of the "stats" tables (the protocol of lttng-analyses'
 * --mi commands, which Trace Compass runs as External Analyses): the
 * metadata object (--metadata) and the results object, every cell a typed
 * value object ({"class": "duration", "value": N}, ...), empty cells null.
 */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "stats.h"

static void js(struct stats *s, const char *str)
{
	const struct tj_host *h = s->h;
	h->sbuf_append(s->sb, "\"", 1);
	for (const unsigned char *p = (const unsigned char *)(str ? str : ""); *p; p++) {
		if (*p == '"' || *p == '\\')
			h->sbuf_printf(s->sb, "\\%c", *p);
		else if (*p < 0x20)
			h->sbuf_printf(s->sb, "\\u%04x", *p);
		else
			h->sbuf_append(s->sb, (const char *)p, 1);
	}
	h->sbuf_append(s->sb, "\"", 1);
}

static const char *lami_class(int kind)
{
	static const char *const names[] = {
		[C_INT] = "number", [C_REAL] = "number", [C_DUR] = "duration",
		[C_TS] = "timestamp", [C_RATIO] = "ratio", [C_SIZE] = "size",
		[C_STR] = "string", [C_SYSCALL] = "syscall", [C_PROCESS] = "process",
		[C_IRQ] = "irq", [C_CPU] = "cpu", [C_NETIF] = "netif", [C_PATH] = "path",
	};
	return kind > 0 && kind <= C_PATH ? names[kind] : "unknown";
}

static void cell(struct stats *s, const struct cell *c)
{
	const struct tj_host *h = s->h;
	struct tj_sbuf *sb = s->sb;
	if (c->kind == C_EMPTY) {
		h->sbuf_printf(sb, "null");
		return;
	}
	h->sbuf_printf(sb, "{\"class\": \"%s\", ", lami_class(c->kind));
	switch (c->kind) {
	case C_INT:
	case C_SIZE:
	case C_TS:
		h->sbuf_printf(sb, "\"value\": %" PRId64, c->i);
		break;
	case C_DUR:
		if (c->d != (double)c->i)
			h->sbuf_printf(sb, "\"value\": %.3f", c->d);
		else
			h->sbuf_printf(sb, "\"value\": %" PRId64, c->i);
		break;
	case C_REAL:
	case C_RATIO:
		h->sbuf_printf(sb, "\"value\": %.6f", c->d);
		break;
	case C_STR:
		h->sbuf_printf(sb, "\"value\": ");
		js(s, c->s);
		break;
	case C_SYSCALL:
	case C_NETIF:
		h->sbuf_printf(sb, "\"name\": ");
		js(s, c->s);
		break;
	case C_PATH:
		h->sbuf_printf(sb, "\"path\": ");
		js(s, c->s);
		break;
	case C_PROCESS:
		h->sbuf_printf(sb, "\"name\": ");
		js(s, c->s && *c->s ? c->s : "?");
		if (c->pid >= 0)
			h->sbuf_printf(sb, ", \"pid\": %d", (int)c->pid);
		h->sbuf_printf(sb, ", \"tid\": %d", (int)c->tid);
		break;
	case C_IRQ:
		h->sbuf_printf(sb, "\"hard\": %s, \"nr\": %" PRId64, c->hard ? "true" : "false", c->i);
		if (c->s) {
			h->sbuf_printf(sb, ", \"name\": ");
			js(s, c->s);
		}
		break;
	case C_CPU:
		h->sbuf_printf(sb, "\"id\": %" PRId64, c->i);
		break;
	default:
		break;
	}
	h->sbuf_printf(sb, "}");
}

static int flush(struct stats *s)
{
	const struct tj_host *h = s->h;
	int rc = h->write(s->self, h->sbuf_data(s->sb), h->sbuf_len(s->sb));
	h->sbuf_truncate(s->sb, 0);
	return rc;
}

static void ts_obj(struct stats *s, int64_t ts)
{
	s->h->sbuf_printf(s->sb, "{\"class\": \"timestamp\", \"value\": %" PRId64 "}",
			  ts == TJ_TS_NONE ? 0 : ts);
}

int render_lami(struct stats *s, struct table *const *t, uint32_t n)
{
	const struct tj_host *h = s->h;
	h->sbuf_printf(s->sb, "{\"results\": [");
	for (uint32_t i = 0; i < n; i++) {
		const struct table *tb = t[i];
		int64_t b = tb->begin, e = tb->end;
		h->sbuf_printf(s->sb, "%s\n{\"time-range\": {\"class\": \"time-range\", \"begin\": ",
			       i ? "," : "");
		ts_obj(s, b);
		h->sbuf_printf(s->sb, ", \"end\": ");
		ts_obj(s, e);
		h->sbuf_printf(s->sb, "}, \"class\": \"%s\", \"data\": [", tb->cls->name);
		for (uint32_t r = 0; r < tb->nrows; r++) {
			h->sbuf_printf(s->sb, "%s\n [", r ? "," : "");
			for (uint32_t j = 0; j < tb->cls->ncols; j++) {
				if (j)
					h->sbuf_printf(s->sb, ", ");
				cell(s, table_cell(tb, r, j));
			}
			h->sbuf_printf(s->sb, "]");
			if (h->sbuf_len(s->sb) > 65536 && flush(s))
				return -1;
		}
		h->sbuf_printf(s->sb, "]}");
	}
	h->sbuf_printf(s->sb, "\n]}\n");
	return flush(s);
}

int render_lami_metadata(struct stats *s)
{
	const struct tj_host *h = s->h;
	int first = 1;
	h->sbuf_printf(s->sb,
		       "{\"mi-version\": {\"major\": 1, \"minor\": 0},\n"
		       " \"version\": {\"major\": 1, \"minor\": 0, \"patch\": 0, \"extra\": \"\"},\n"
		       " \"title\": \"tjconv statistics\",\n"
		       " \"description\": \"System call, scheduling, interrupt, I/O and network "
		       "statistics of an LTTng kernel trace, computed by tjconv\",\n"
		       " \"authors\": [\"the tjconv authors\"],\n"
		       " \"url\": \"https://github.com/tjconv/tjconv\",\n"
		       " \"tags\": [\"syscall\", \"sched\", \"interrupt\", \"io\", \"stats\", \"top\", "
		       "\"freq\", \"linux-kernel\"],\n"
		       " \"table-classes\": {");
	for (const struct table_class *const *c = stats_table_classes; *c; c++) {
		if (!((*c)->what & s->what))
			continue;
		h->sbuf_printf(s->sb, "%s\n  \"%s\": {\"title\": ", first ? "" : ",", (*c)->name);
		js(s, (*c)->title);
		h->sbuf_printf(s->sb, ", \"column-descriptions\": [");
		for (uint32_t j = 0; j < (*c)->ncols; j++) {
			const struct col *col = &(*c)->cols[j];
			h->sbuf_printf(s->sb, "%s{\"title\": ", j ? ", " : "");
			js(s, col->title);
			h->sbuf_printf(s->sb, ", \"class\": \"%s\"", lami_class(col->kind));
			if (col->unit) {
				h->sbuf_printf(s->sb, ", \"unit\": ");
				js(s, col->unit);
			}
			h->sbuf_printf(s->sb, "}");
		}
		h->sbuf_printf(s->sb, "]}");
		first = 0;
	}
	h->sbuf_printf(s->sb, "\n }\n}\n");
	return flush(s);
}
