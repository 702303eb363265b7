/*
 * A small TSDL reader (see tsdl_layout.h): tokens, integer typealiases,
 * named and inline structures, the trace block's byte_order and
 * packet.header, each stream block's id and packet.context.  Enumerations,
 * variants, strings and sequences are understood only well enough to be
 * skipped; one of them before a field we need makes the layout unknown.
 * Recursion is bounded (TJ_TSDL_MAX_DEPTH) so hostile metadata cannot
 * exhaust the stack.
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tsdl_layout.h"

#define TJ_TSDL_MAX_DEPTH 32
#define TOK_MAX 256

enum { T_END, T_IDENT, T_NUM, T_STR, T_PUNCT, T_ASSIGN_TYPE /* := */ };
enum { BO_NATIVE, BO_LE, BO_BE };
enum { K_INT, K_STRUCT, K_OTHER };

struct fld;
struct ty {
	int kind;
	unsigned size, align; /* K_INT: bits */
	int bo;
	unsigned explicit_align;
	struct fld *fields;
	size_t nfields;
	struct ty *next_alloc;
};

struct fld {
	char name[TOK_MAX];
	struct ty *t;
	uint64_t count;
};

struct named {
	char name[TOK_MAX];
	struct ty *t;
};

struct parser {
	const char *p, *end;
	int kind;
	char tok[TOK_MAX];
	uint64_t num;
	int failed;
	struct ty *allocs;
	struct named *aliases;
	size_t naliases;
	struct named *structs;
	size_t nstructs;
	int trace_bo;
	struct ty *header;
	struct { uint64_t id; struct ty *ctx; } *streams;
	size_t nstreams;
};

/* ------------------------------------------------------------------ */
/* tokens                                                              */

static void next(struct parser *ps)
{
	const char *p = ps->p;
	for (;;) {
		while (p < ps->end && isspace((unsigned char)*p))
			p++;
		if (p + 1 < ps->end && p[0] == '/' && p[1] == '*') {
			const char *e = p + 2;
			while (e + 1 < ps->end && !(e[0] == '*' && e[1] == '/'))
				e++;
			p = e + 1 < ps->end ? e + 2 : ps->end;
			continue;
		}
		if (p + 1 < ps->end && p[0] == '/' && p[1] == '/') {
			while (p < ps->end && *p != '\n')
				p++;
			continue;
		}
		break;
	}
	ps->tok[0] = '\0';
	if (p >= ps->end) {
		ps->kind = T_END;
		ps->p = p;
		return;
	}
	size_t n = 0;
	if (isalpha((unsigned char)*p) || *p == '_') {
		while (p < ps->end && (isalnum((unsigned char)*p) || *p == '_' || *p == '.')) {
			if (n + 1 < TOK_MAX)
				ps->tok[n++] = *p;
			p++;
		}
		ps->tok[n] = '\0';
		ps->kind = T_IDENT;
	} else if (isdigit((unsigned char)*p) || (*p == '-' && p + 1 < ps->end && isdigit((unsigned char)p[1]))) {
		char buf[40];
		while (p < ps->end && (isalnum((unsigned char)*p) || *p == '-') && n + 1 < sizeof(buf))
			buf[n++] = *p++;
		buf[n] = '\0';
		ps->num = strtoull(buf, NULL, 0);
		ps->kind = T_NUM;
	} else if (*p == '"') {
		p++;
		while (p < ps->end && *p != '"') {
			if (*p == '\\' && p + 1 < ps->end)
				p++;
			p++;
		}
		p = p < ps->end ? p + 1 : p;
		ps->kind = T_STR;
	} else if (*p == ':' && p + 1 < ps->end && p[1] == '=') {
		p += 2;
		ps->kind = T_ASSIGN_TYPE;
	} else {
		ps->tok[0] = *p++;
		ps->tok[1] = '\0';
		ps->kind = T_PUNCT;
	}
	ps->p = p;
}

static int is_punct(const struct parser *ps, char c)
{
	return ps->kind == T_PUNCT && ps->tok[0] == c;
}

static int is_ident(const struct parser *ps, const char *s)
{
	return ps->kind == T_IDENT && strcmp(ps->tok, s) == 0;
}

static int expect(struct parser *ps, char c)
{
	if (!is_punct(ps, c)) {
		ps->failed = 1;
		return -1;
	}
	next(ps);
	return 0;
}

/* Skip a balanced {...} (the current token is '{'). */
static void skip_block(struct parser *ps)
{
	int depth = 0;
	do {
		if (is_punct(ps, '{'))
			depth++;
		else if (is_punct(ps, '}'))
			depth--;
		next(ps);
	} while (depth > 0 && ps->kind != T_END);
}

/* ------------------------------------------------------------------ */
/* types                                                               */

static struct ty *ty_new(struct parser *ps, int kind)
{
	struct ty *t = calloc(1, sizeof(*t));
	if (!t) {
		ps->failed = 1;
		return NULL;
	}
	t->kind = kind;
	t->next_alloc = ps->allocs;
	ps->allocs = t;
	return t;
}

static struct ty *lookup(struct named *v, size_t n, const char *name)
{
	for (size_t i = n; i-- > 0;)
		if (strcmp(v[i].name, name) == 0)
			return v[i].t;
	return NULL;
}

static int add_named(struct parser *ps, struct named **v, size_t *n, const char *name, struct ty *t)
{
	struct named *nv = realloc(*v, (*n + 1) * sizeof(**v));
	if (!nv) {
		ps->failed = 1;
		return -1;
	}
	*v = nv;
	snprintf(nv[*n].name, sizeof(nv[*n].name), "%s", name);
	nv[*n].t = t;
	(*n)++;
	return 0;
}

static struct ty *parse_integer(struct parser *ps)
{
	struct ty *t = ty_new(ps, K_INT);
	int align_set = 0;
	next(ps);
	if (!t || expect(ps, '{'))
		return NULL;
	while (!is_punct(ps, '}') && ps->kind != T_END && !ps->failed) {
		char key[TOK_MAX];
		snprintf(key, sizeof(key), "%s", ps->tok);
		next(ps);
		if (expect(ps, '='))
			return NULL;
		if (strcmp(key, "size") == 0 && ps->kind == T_NUM)
			t->size = ps->num > 64 ? 65 : (unsigned)ps->num;
		else if (strcmp(key, "align") == 0 && ps->kind == T_NUM) {
			t->align = ps->num > 4096 ? 0 : (unsigned)ps->num;
			align_set = 1;
		} else if (strcmp(key, "byte_order") == 0)
			t->bo = strcmp(ps->tok, "be") == 0 || strcmp(ps->tok, "network") == 0 ? BO_BE
				: strcmp(ps->tok, "le") == 0 ? BO_LE : BO_NATIVE;
		while (!is_punct(ps, ';') && !is_punct(ps, '}') && ps->kind != T_END)
			next(ps);
		if (is_punct(ps, ';'))
			next(ps);
	}
	if (expect(ps, '}'))
		return NULL;
	if (!align_set)
		t->align = t->size % 8 == 0 ? 8 : 1;
	if (t->size == 0 || t->size > 64 || t->align == 0 || (t->align & (t->align - 1))) {
		ps->failed = 1;
		return NULL;
	}
	return t;
}

static struct ty *parse_type(struct parser *ps, int depth, char *name_out);

/* One "TYPE NAME[N]...;" of a struct body. */
static int parse_field(struct parser *ps, struct ty *st, int depth)
{
	char name[TOK_MAX] = "";
	struct ty *t = parse_type(ps, depth, name);
	if (!t)
		return -1;
	if (!name[0]) {
		if (ps->kind != T_IDENT) {
			ps->failed = 1;
			return -1;
		}
		snprintf(name, sizeof(name), "%s", ps->tok);
		next(ps);
	}
	uint64_t count = 1;
	while (is_punct(ps, '[')) {
		next(ps);
		if (ps->kind == T_NUM && ps->num <= (1u << 24))
			count *= ps->num;
		else
			t = ty_new(ps, K_OTHER); /* a sequence: its length is in the data */
		while (!is_punct(ps, ']') && ps->kind != T_END)
			next(ps);
		if (expect(ps, ']') || !t)
			return -1;
	}
	if (expect(ps, ';'))
		return -1;
	struct fld *v = realloc(st->fields, (st->nfields + 1) * sizeof(*v));
	if (!v) {
		ps->failed = 1;
		return -1;
	}
	st->fields = v;
	snprintf(v[st->nfields].name, sizeof(v[st->nfields].name), "%s", name);
	v[st->nfields].t = t;
	v[st->nfields].count = count;
	st->nfields++;
	return 0;
}

static struct ty *parse_struct(struct parser *ps, int depth)
{
	char name[TOK_MAX] = "";
	struct ty *t = NULL;
	next(ps);
	if (ps->kind == T_IDENT && !is_ident(ps, "align")) {
		snprintf(name, sizeof(name), "%s", ps->tok);
		next(ps);
	}
	if (is_punct(ps, '{')) {
		t = ty_new(ps, K_STRUCT);
		next(ps);
		while (t && !is_punct(ps, '}') && ps->kind != T_END && !ps->failed)
			if (parse_field(ps, t, depth + 1))
				return NULL;
		if (expect(ps, '}'))
			return NULL;
		if (is_ident(ps, "align")) {
			next(ps);
			if (expect(ps, '(') || ps->kind != T_NUM)
				return ps->failed = 1, NULL;
			t->explicit_align = ps->num > 4096 ? 4096 : (unsigned)ps->num;
			next(ps);
			if (expect(ps, ')'))
				return NULL;
		}
		if (name[0] && add_named(ps, &ps->structs, &ps->nstructs, name, t))
			return NULL;
		return t;
	}
	t = name[0] ? lookup(ps->structs, ps->nstructs, name) : NULL;
	if (!t)
		ps->failed = 1;
	return t;
}

/* A type specifier.  name_out (when not NULL) receives the declared name
 * when the type was a typealias name (the last of a run of identifiers). */
static struct ty *parse_type(struct parser *ps, int depth, char *name_out)
{
	if (depth > TJ_TSDL_MAX_DEPTH || ps->failed) {
		ps->failed = 1;
		return NULL;
	}
	if (is_ident(ps, "integer"))
		return parse_integer(ps);
	if (is_ident(ps, "struct"))
		return parse_struct(ps, depth);
	if (is_ident(ps, "enum") || is_ident(ps, "variant") || is_ident(ps, "floating_point") ||
	    is_ident(ps, "string")) {
		/* Skipped: up to the end of its {...} (if any) and a '<tag>'. */
		int is_string = is_ident(ps, "string");
		next(ps);
		while (!is_punct(ps, '{') && ps->kind != T_END && !is_punct(ps, ';') &&
		       !(is_string && ps->kind == T_IDENT))
			next(ps);
		if (is_punct(ps, '{'))
			skip_block(ps);
		return ty_new(ps, K_OTHER);
	}
	if (ps->kind != T_IDENT) {
		ps->failed = 1;
		return NULL;
	}
	/* "uint32_t", "unsigned long": an alias, maybe followed by a name. */
	char words[8][TOK_MAX];
	int n = 0;
	while (ps->kind == T_IDENT && n < 8) {
		snprintf(words[n++], TOK_MAX, "%s", ps->tok);
		next(ps);
	}
	if (name_out && n > 1 && !is_punct(ps, ':') && ps->kind != T_ASSIGN_TYPE) {
		snprintf(name_out, TOK_MAX, "%s", words[n - 1]);
		n--;
	}
	char full[TOK_MAX] = "";
	size_t len = 0;
	for (int i = 0; i < n; i++)
		len += (size_t)snprintf(full + len, len < sizeof(full) ? sizeof(full) - len : 0, "%s%s",
					i ? " " : "", words[i]);
	struct ty *t = lookup(ps->aliases, ps->naliases, full);
	return t ? t : ty_new(ps, K_OTHER);
}

/* "typealias TYPE := NAME;" and "typedef TYPE NAME;" */
static void parse_alias(struct parser *ps, int is_typedef)
{
	char name[TOK_MAX] = "";
	next(ps);
	struct ty *t = parse_type(ps, 0, is_typedef ? name : NULL);
	if (!t)
		return;
	if (!is_typedef) {
		if (ps->kind != T_ASSIGN_TYPE) {
			ps->failed = 1;
			return;
		}
		next(ps);
		size_t len = 0;
		while (ps->kind == T_IDENT) {
			len += (size_t)snprintf(name + len, len < sizeof(name) ? sizeof(name) - len : 0,
						"%s%s", len ? " " : "", ps->tok);
			next(ps);
		}
	} else if (!name[0] && ps->kind == T_IDENT) {
		snprintf(name, sizeof(name), "%s", ps->tok);
		next(ps);
	}
	if (name[0])
		add_named(ps, &ps->aliases, &ps->naliases, name, t);
	expect(ps, ';');
}

/* trace { ... } and stream { ... } */
static void parse_block(struct parser *ps, int is_trace)
{
	uint64_t id = 0;
	struct ty *ctx = NULL;
	next(ps);
	if (expect(ps, '{'))
		return;
	while (!is_punct(ps, '}') && ps->kind != T_END && !ps->failed) {
		char key[TOK_MAX];
		snprintf(key, sizeof(key), "%s", ps->tok);
		next(ps);
		if (ps->kind == T_ASSIGN_TYPE) {
			next(ps);
			struct ty *t = parse_type(ps, 0, NULL);
			if (is_trace && strcmp(key, "packet.header") == 0)
				ps->header = t;
			else if (!is_trace && strcmp(key, "packet.context") == 0)
				ctx = t;
		} else if (is_punct(ps, '=')) {
			next(ps);
			if (is_trace && strcmp(key, "byte_order") == 0)
				ps->trace_bo = strcmp(ps->tok, "be") == 0 || strcmp(ps->tok, "network") == 0
						       ? BO_BE : BO_LE;
			if (!is_trace && strcmp(key, "id") == 0 && ps->kind == T_NUM)
				id = ps->num;
			while (!is_punct(ps, ';') && ps->kind != T_END)
				next(ps);
		} else {
			ps->failed = 1;
		}
		if (expect(ps, ';'))
			return;
	}
	if (expect(ps, '}'))
		return;
	if (is_punct(ps, ';'))
		next(ps);
	if (!is_trace) {
		void *v = realloc(ps->streams, (ps->nstreams + 1) * sizeof(*ps->streams));
		if (!v) {
			ps->failed = 1;
			return;
		}
		ps->streams = v;
		ps->streams[ps->nstreams].id = id;
		ps->streams[ps->nstreams].ctx = ctx;
		ps->nstreams++;
	}
}

/* ------------------------------------------------------------------ */
/* layout                                                              */

static uint64_t align_up(uint64_t v, unsigned a)
{
	return a > 1 ? (v + a - 1) / a * a : v;
}

static unsigned align_of(const struct ty *t, int depth)
{
	if (t->kind == K_INT)
		return t->align;
	if (t->kind != K_STRUCT || depth > TJ_TSDL_MAX_DEPTH)
		return 8;
	unsigned a = t->explicit_align ? t->explicit_align : 1;
	for (size_t i = 0; i < t->nfields; i++) {
		unsigned fa = align_of(t->fields[i].t, depth + 1);
		a = fa > a ? fa : a;
	}
	return a;
}

/* Size in bits, or UINT64_MAX when it depends on the data. */
static uint64_t size_of(const struct ty *t, int depth)
{
	if (t->kind == K_INT)
		return t->size;
	if (t->kind != K_STRUCT || depth > TJ_TSDL_MAX_DEPTH)
		return UINT64_MAX;
	uint64_t off = 0;
	for (size_t i = 0; i < t->nfields; i++) {
		uint64_t s = size_of(t->fields[i].t, depth + 1);
		if (s == UINT64_MAX || t->fields[i].count > UINT64_MAX / 2 / (s ? s : 1))
			return UINT64_MAX;
		off = align_up(off, align_of(t->fields[i].t, depth + 1)) + s * t->fields[i].count;
	}
	return off;
}

/* Lay out struct t from bit `start`: the offsets of the two wanted integer
 * fields, and where the struct ends (or stops being fixed). */
static uint64_t lay_out(const struct ty *t, uint64_t start, int trace_bo, const char *name_a,
			struct tj_tsdl_field *a, const char *name_b, struct tj_tsdl_field *b)
{
	uint64_t off = start;
	if (!t || t->kind != K_STRUCT)
		return start;
	for (size_t i = 0; i < t->nfields; i++) {
		const struct fld *f = &t->fields[i];
		uint64_t s = size_of(f->t, 0);
		off = align_up(off, align_of(f->t, 0));
		struct tj_tsdl_field *want = strcmp(f->name, name_a) == 0 ? a
					     : strcmp(f->name, name_b) == 0 ? b : NULL;
		if (want && f->t->kind == K_INT && f->count == 1) {
			want->present = 1;
			want->offset = off;
			want->size = f->t->size;
			want->big_endian = (f->t->bo == BO_NATIVE ? trace_bo : f->t->bo) == BO_BE;
		}
		if (s == UINT64_MAX || f->count > (UINT64_MAX / 4) / (s ? s : 1))
			return off; /* nothing fixed after this */
		off += s * f->count;
	}
	return off;
}

int tj_tsdl_layout_parse(const char *text, size_t len, struct tj_tsdl_layout *out)
{
	struct parser ps = {.p = text, .end = text + len, .trace_bo = BO_LE};
	int rc = 0;

	memset(out, 0, sizeof(*out));
	next(&ps);
	while (ps.kind != T_END && !ps.failed) {
		if (is_ident(&ps, "typealias") || is_ident(&ps, "typedef")) {
			parse_alias(&ps, is_ident(&ps, "typedef"));
		} else if (is_ident(&ps, "trace") || is_ident(&ps, "stream")) {
			parse_block(&ps, is_ident(&ps, "trace"));
		} else if (is_ident(&ps, "struct")) {
			parse_type(&ps, 0, NULL);
			expect(&ps, ';');
		} else {
			/* env, clock, event, callsite, enum...: not needed */
			while (!is_punct(&ps, '{') && !is_punct(&ps, ';') && ps.kind != T_END)
				next(&ps);
			if (is_punct(&ps, '{'))
				skip_block(&ps);
			if (is_punct(&ps, ';'))
				next(&ps);
		}
	}
	if (ps.failed || ps.nstreams == 0)
		rc = -1;
	if (rc == 0) {
		out->header_bits = lay_out(ps.header, 0, ps.trace_bo, "magic", &out->magic, "stream_id",
					   &out->stream_id);
		lay_out(ps.header, 0, ps.trace_bo, "stream_instance_id", &out->stream_instance_id, "",
			&out->stream_instance_id);
		out->streams = calloc(ps.nstreams, sizeof(*out->streams));
		if (!out->streams)
			rc = -1;
		for (size_t i = 0; rc == 0 && i < ps.nstreams; i++) {
			struct tj_tsdl_stream *s = &out->streams[i];
			const struct ty *ctx = ps.streams[i].ctx;
			uint64_t base = align_up(out->header_bits, ctx ? align_of(ctx, 0) : 1);
			s->id = ps.streams[i].id;
			s->end_bits = lay_out(ctx, base, ps.trace_bo, "content_size", &s->content_size,
					      "packet_size", &s->packet_size);
			out->nstreams++;
		}
	}
	while (ps.allocs) {
		struct ty *t = ps.allocs;
		ps.allocs = t->next_alloc;
		free(t->fields);
		free(t);
	}
	free(ps.aliases);
	free(ps.structs);
	free(ps.streams);
	if (rc)
		tj_tsdl_layout_release(out);
	return rc;
}
