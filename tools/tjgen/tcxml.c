/*
 * Input format "tc-xml": Trace Compass's XML stub traces (the event lists its
 * own kernel-analysis tests are written in, TmfXmlKernelTraceStub) turned
 * into a real CTF trace.  Each <event timestamp="T" name="N"> with its
 * <field name value type> children becomes one event of class N at clock
 * value TJG_CLOCK_T0 + T (T in ns) on the stream of its CPU: the event's
 * "cpu" field, else the one <set_aspects> gave.  Classes are declared from
 * the fields of their first event, in order: type "int" as a 32-bit signed
 * integer, "long" as 64-bit, "string" as a string.  "cpu" is the CPU, not a
 * payload field, except in lttng_statedump_process_state, which declares it
 * since LTTng 2.10.  The stub has no context fields, so the trace has none
 * (as without `lttng add-context`); its kernel_release is 4.4.0, because
 * the stubs use the 4.x prev_state encoding (64 TASK_DEAD, 2048 preempted).
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "catalog.h"
#include "ctf_writer.h"
#include "metadata.h"
#include "tcxml.h"

#define TCX_MAX_FIELDS 24
#define TCX_MAX_CLASSES 64
#define TCX_NAME 64
#define TCX_VALUE 256
#define TCX_MAX_CPUS 128

enum tcx_type { TCX_INT, TCX_LONG, TCX_STRING };

struct tcx_field {
	char name[TCX_NAME];
	char value[TCX_VALUE];
	uint8_t type;
};

struct tcx_event {
	uint64_t ts;
	unsigned cls;
	unsigned cpu;
	unsigned nfields;
	struct tcx_field fields[TCX_MAX_FIELDS];
};

struct tcx_class {
	char name[TCX_NAME];
	unsigned nfields;
	char fields[TCX_MAX_FIELDS][TCX_NAME];
	uint8_t types[TCX_MAX_FIELDS];
	char *tsdl;
	struct tjg_event_class pub;
};

struct tcx {
	const char *path;
	struct tcx_event *ev;
	size_t nev, cap;
	struct tcx_class cls[TCX_MAX_CLASSES];
	unsigned ncls;
	unsigned default_cpu;
	unsigned ncpus;
};

/* Copy attribute `key` of the tag text [p, end) into out, entities decoded. */
static int tcx_attr(const char *p, const char *end, const char *key, char *out, size_t cap)
{
	size_t klen = strlen(key);
	for (const char *q = p; q + klen + 2 < end; q++) {
		if (strncmp(q, key, klen) != 0 || q[klen] != '=' || (q[klen + 1] != '"' && q[klen + 1] != '\'') ||
		    (q > p && q[-1] != ' ' && q[-1] != '\t' && q[-1] != '\n'))
			continue;
		char quote = q[klen + 1];
		const char *v = q + klen + 2;
		size_t n = 0;
		while (v < end && *v != quote) {
			char c = *v++;
			if (c == '&') {
				static const struct { const char *ent; char c; } ents[] = {
					{"amp;", '&'}, {"lt;", '<'}, {"gt;", '>'}, {"quot;", '"'}, {"apos;", '\''},
				};
				for (size_t i = 0; i < sizeof(ents) / sizeof(ents[0]); i++)
					if (strncmp(v, ents[i].ent, strlen(ents[i].ent)) == 0) {
						c = ents[i].c;
						v += strlen(ents[i].ent);
						break;
					}
			}
			if (n + 1 < cap)
				out[n++] = c;
		}
		out[n] = '\0';
		return v < end;
	}
	return 0;
}

static int tcx_parse_u64(const struct tcx *x, const char *what, const char *s, uint64_t *out)
{
	char *end;
	errno = 0;
	unsigned long long v = strtoull(s, &end, 10);
	if (errno || end == s || *end || s[0] == '-') {
		tjg_error_append("%s: invalid %s '%s'", x->path, what, s);
		return TJG_ERR;
	}
	*out = v;
	return TJG_OK;
}

static int tcx_add_field(struct tcx *x, struct tcx_event *e, const char *p, const char *end,
			 unsigned *cpu_out)
{
	struct tcx_field f;
	char type[16];
	if (!tcx_attr(p, end, "name", f.name, sizeof(f.name)) ||
	    !tcx_attr(p, end, "value", f.value, sizeof(f.value)) ||
	    !tcx_attr(p, end, "type", type, sizeof(type))) {
		tjg_error_append("%s: <field> needs name, value and type", x->path);
		return TJG_ERR;
	}
	if (strcmp(type, "int") == 0)
		f.type = TCX_INT;
	else if (strcmp(type, "long") == 0)
		f.type = TCX_LONG;
	else if (strcmp(type, "string") == 0)
		f.type = TCX_STRING;
	else {
		tjg_error_append("%s: field '%s' has unsupported type '%s'", x->path, f.name, type);
		return TJG_ERR;
	}
	if (strcmp(f.name, "cpu") == 0 && f.type != TCX_STRING) {
		uint64_t v;
		if (tcx_parse_u64(x, "cpu", f.value, &v))
			return TJG_ERR;
		if (v >= TCX_MAX_CPUS) {
			tjg_error_append("%s: cpu %" PRIu64 " out of range", x->path, v);
			return TJG_ERR;
		}
		*cpu_out = (unsigned)v;
		if (!e)
			return TJG_OK;
	}
	if (!e)
		return TJG_OK; /* other aspects do not matter to a CTF trace */
	if (e->nfields == TCX_MAX_FIELDS) {
		tjg_error_append("%s: more than %d fields in an event", x->path, TCX_MAX_FIELDS);
		return TJG_ERR;
	}
	e->fields[e->nfields++] = f;
	return TJG_OK;
}

static int tcx_class_of(struct tcx *x, struct tcx_event *e, const char *name)
{
	unsigned i;
	int keep_cpu = strcmp(name, "lttng_statedump_process_state") == 0;
	unsigned n = 0;
	/* Drop "cpu" from the payload where LTTng does not declare it. */
	for (unsigned k = 0; k < e->nfields; k++)
		if (keep_cpu || strcmp(e->fields[k].name, "cpu") != 0)
			e->fields[n++] = e->fields[k];
	e->nfields = n;
	for (i = 0; i < x->ncls && strcmp(x->cls[i].name, name) != 0; i++)
		;
	if (i == x->ncls) {
		if (x->ncls == TCX_MAX_CLASSES) {
			tjg_error_append("%s: more than %d event names", x->path, TCX_MAX_CLASSES);
			return TJG_ERR;
		}
		struct tcx_class *c = &x->cls[x->ncls++];
		snprintf(c->name, sizeof(c->name), "%s", name);
		c->nfields = e->nfields;
		for (unsigned k = 0; k < e->nfields; k++) {
			snprintf(c->fields[k], sizeof(c->fields[k]), "%s", e->fields[k].name);
			c->types[k] = e->fields[k].type;
		}
	}
	struct tcx_class *c = &x->cls[i];
	int same = c->nfields == e->nfields;
	for (unsigned k = 0; same && k < e->nfields; k++)
		same = strcmp(c->fields[k], e->fields[k].name) == 0 && c->types[k] == e->fields[k].type;
	if (!same) {
		tjg_error_append("%s: event '%s' at %" PRIu64 " has other fields than its first one",
				 x->path, name, e->ts);
		return TJG_ERR;
	}
	e->cls = i;
	return TJG_OK;
}

/* Walk the tags of the document: <set_aspects>, <event>, <field>. */
static int tcx_parse(struct tcx *x, const char *doc)
{
	const char *p = doc;
	struct tcx_event *cur = NULL;
	int in_aspects = 0;
	char name[TCX_NAME], tsbuf[32];

	while ((p = strchr(p, '<'))) {
		if (strncmp(p, "<!--", 4) == 0) {
			const char *e = strstr(p + 4, "-->");
			if (!e)
				break;
			p = e + 3;
			continue;
		}
		const char *end = strchr(p, '>');
		if (!end) {
			tjg_error_append("%s: unterminated tag", x->path);
			return TJG_ERR;
		}
		if (strncmp(p, "<set_aspects", 12) == 0) {
			in_aspects = 1;
		} else if (strncmp(p, "</set_aspects", 13) == 0) {
			in_aspects = 0;
		} else if (strncmp(p, "<event", 6) == 0 && (p[6] == ' ' || p[6] == '>')) {
			if (x->nev == x->cap) {
				size_t ncap = x->cap ? 2 * x->cap : 64;
				struct tcx_event *v = realloc(x->ev, ncap * sizeof(*v));
				if (!v) {
					tjg_error_append("out of memory");
					return TJG_ERR;
				}
				x->ev = v;
				x->cap = ncap;
			}
			cur = &x->ev[x->nev];
			memset(cur, 0, sizeof(*cur));
			cur->cpu = x->default_cpu;
			if (!tcx_attr(p, end, "timestamp", tsbuf, sizeof(tsbuf)) ||
			    !tcx_attr(p, end, "name", name, sizeof(name))) {
				tjg_error_append("%s: <event> needs timestamp and name", x->path);
				return TJG_ERR;
			}
			if (tcx_parse_u64(x, "timestamp", tsbuf, &cur->ts))
				return TJG_ERR;
			if (x->nev > 0 && cur->ts < x->ev[x->nev - 1].ts) {
				tjg_error_append("%s: timestamp %" PRIu64 " goes back in time", x->path, cur->ts);
				return TJG_ERR;
			}
		} else if (strncmp(p, "</event", 7) == 0 && cur) {
			if (tcx_class_of(x, cur, name))
				return TJG_ERR;
			if (cur->cpu + 1 > x->ncpus)
				x->ncpus = cur->cpu + 1;
			x->nev++;
			cur = NULL;
		} else if (strncmp(p, "<field", 6) == 0) {
			unsigned cpu = 0;
			if (cur) {
				cpu = cur->cpu;
				if (tcx_add_field(x, cur, p, end, &cpu))
					return TJG_ERR;
				cur->cpu = cpu;
			} else if (in_aspects) {
				cpu = x->default_cpu;
				if (tcx_add_field(x, NULL, p, end, &cpu))
					return TJG_ERR;
				x->default_cpu = cpu;
			}
		}
		p = end + 1;
	}
	if (x->nev == 0) {
		tjg_error_append("%s: no <event> found", x->path);
		return TJG_ERR;
	}
	return TJG_OK;
}

static int tcx_read_file(const char *path, char **out)
{
	FILE *f = fopen(path, "rb");
	if (!f) {
		tjg_error_append("cannot open '%s': %s", path, strerror(errno));
		return TJG_ERR;
	}
	size_t cap = 1 << 16, n = 0, r;
	char *buf = malloc(cap);
	while (buf && (r = fread(buf + n, 1, cap - n - 1, f)) > 0) {
		n += r;
		if (n + 1 == cap) {
			char *b = cap < (64u << 20) ? realloc(buf, cap * 2) : NULL;
			if (!b) {
				free(buf);
				buf = NULL;
				break;
			}
			buf = b;
			cap *= 2;
		}
	}
	int bad = ferror(f);
	fclose(f);
	if (!buf || bad) {
		free(buf);
		tjg_error_append("cannot read '%s'", path);
		return TJG_ERR;
	}
	buf[n] = '\0';
	*out = buf;
	return TJG_OK;
}

/* TSDL of each class; ids follow the catalog's. */
static int tcx_declare(struct tcx *x, struct tjg_event_class *decl)
{
	static const char *const tsdl[] = {
		[TCX_INT] = "integer { size = 32; align = 8; signed = 1; encoding = none; base = 10; }",
		[TCX_LONG] = "integer { size = 64; align = 8; signed = 1; encoding = none; base = 10; }",
		[TCX_STRING] = "string",
	};
	for (unsigned i = 0; i < x->ncls; i++) {
		struct tcx_class *c = &x->cls[i];
		size_t cap = 1 + c->nfields * (TCX_NAME + 96), n = 0;
		c->tsdl = malloc(cap);
		if (!c->tsdl) {
			tjg_error_append("out of memory");
			return TJG_ERR;
		}
		c->tsdl[0] = '\0';
		for (unsigned k = 0; k < c->nfields; k++)
			n += (size_t)snprintf(c->tsdl + n, cap - n, "\t\t%s _%s;\n", tsdl[c->types[k]],
					      c->fields[k]);
		decl[i].name = c->name;
		decl[i].fields = c->tsdl;
	}
	return TJG_OK;
}

static void tcx_emit(struct tjg_trace *trace, const struct tcx *x, const struct tcx_event *e)
{
	struct tjg_stream *s = &trace->streams[e->cpu];
	size_t room = 0;
	for (unsigned k = 0; k < e->nfields; k++)
		room += e->fields[k].type == TCX_STRING ? strlen(e->fields[k].value) + 1 : 8;
	uint8_t *p = tjg_ev_begin(s, TJG_CLOCK_T0 + e->ts, TJG_EV_COUNT + e->cls, room);
	for (unsigned k = 0; k < e->nfields; k++) {
		const struct tcx_field *f = &e->fields[k];
		if (f->type == TCX_STRING)
			p = tjg_put_bytes(p, f->value, strlen(f->value) + 1);
		else if (f->type == TCX_INT)
			p = tjg_put_i32(p, (int32_t)strtoll(f->value, NULL, 10));
		else
			p = tjg_put_i64(p, (int64_t)strtoll(f->value, NULL, 10));
	}
	(void)x;
	tjg_ev_commit(s, p);
}

int tjg_tcxml_generate(const char *input, const struct tjg_options *opts)
{
	struct tcx x;
	struct tjg_event_class decl[TCX_MAX_CLASSES];
	struct tjg_options o = *opts;
	struct tjg_trace *trace = NULL;
	char *doc = NULL;
	uint8_t uuid[16];
	int rc;

	memset(&x, 0, sizeof(x));
	x.path = input;
	o.no_context = true;
	rc = tcx_read_file(input, &doc);
	if (rc == TJG_OK)
		rc = tcx_parse(&x, doc);
	if (rc == TJG_OK)
		rc = tcx_declare(&x, decl);
	if (rc == TJG_OK) {
		/* Stable UUID from the input's bytes (FNV-1a). */
		uint64_t h = 0xcbf29ce484222325ull, g;
		for (const char *c = doc; *c; c++)
			h = (h ^ (uint8_t)*c) * 0x100000001b3ull;
		g = (h ^ 0x9e3779b97f4a7c15ull) * 0x100000001b3ull;
		for (int i = 0; i < 8; i++) {
			uuid[i] = (uint8_t)(h >> (56 - 8 * i));
			uuid[8 + i] = (uint8_t)(g >> (56 - 8 * i));
		}
		uuid[6] = (uint8_t)((uuid[6] & 0x0f) | 0x40);
		uuid[8] = (uint8_t)((uuid[8] & 0x3f) | 0x80);
		rc = tjg_trace_open(&trace, o.outdir, x.ncpus, &o, TJG_CLOCK_T0, uuid, UINT64_MAX);
	}
	if (rc == TJG_OK) {
		for (size_t i = 0; i < x.nev; i++)
			tcx_emit(trace, &x, &x.ev[i]);
		rc = tjg_trace_finish(trace);
	}
	if (rc == TJG_OK) {
		struct tjg_metadata_info md = {
			.uuid = uuid,
			.trace_name = "tjgen-tc-xml",
			.clock_offset_ns = TJG_CLOCK_OFFSET,
			.events = 0,
			.with_context = false,
			.kernel_release = "4.4.0-tjgen",
			.extra = decl,
			.nextra = x.ncls,
			.extra_first_id = TJG_EV_COUNT,
		};
		rc = tjg_metadata_write(o.outdir, &md);
	}
	if (rc == TJG_OK && !o.quiet)
		fprintf(stderr, "wrote %" PRIu64 " events to %s\n", trace->nevents, o.outdir);
	if (trace)
		tjg_trace_free(trace);
	for (unsigned i = 0; i < x.ncls; i++)
		free(x.cls[i].tsdl);
	free(x.ev);
	free(doc);
	if (rc != TJG_OK)
		tjg_error_append("cannot convert '%s' into a trace in '%s'", input, o.outdir);
	return rc;
}
