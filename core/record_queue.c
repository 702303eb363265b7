/*
 * The per-event record queue (see record_queue.h).  Strings are copied into
 * one buffer and referred to by offset, since the buffer may move as it
 * grows; pointers are rebuilt only when the records are delivered.  A
 * string in a read-only segment (a plugin's literal: categories, names,
 * arg keys — most of them) cannot change before delivery and is kept by
 * pointer: copying them was most of the cost of queueing a record.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "record_queue.h"

#define NO_STRING SIZE_MAX

/* A string of a queued record: static (kept by pointer) or an offset into
 * q->strings, NO_STRING for NULL. */
struct qstr {
	const char *ptr;
	size_t off;
};

struct tj_queued_record {
	struct tj_record rec;  /* string pointers unused until delivery */
	struct qstr category, name;
	size_t first_arg;
	const char *origin;
};

struct tj_queued_arg {
	uint32_t type;
	struct qstr key;
	union {
		int64_t i;
		uint64_t u;
		double d;
		struct qstr s;
	} v;
};

static struct qstr keep_string(struct tj_record_queue *q, const char *s, int *failed)
{
	struct qstr k = {NULL, NO_STRING};
	if (!s)
		return k;
	if ((uintptr_t)s - q->cur.lo < q->cur.hi - q->cur.lo) {
		k.ptr = s;
		return k;
	}
	k.off = q->strings.len;
	if (tj_sbuf_append(&q->strings, s, strlen(s) + 1))
		*failed = 1;
	return k;
}

/* Literals are looked for in the emitting plugin's own read-only segment
 * only (where its origin name lives): two compares a string, where a search
 * over every mapped object cost more than the copy it saved. */
static void select_origin(struct tj_record_queue *q, const char *origin)
{
	for (unsigned i = 0; i < q->nhot; i++)
		if (q->hot[i].origin == origin) {
			q->cur = q->hot[i].r;
			return;
		}
	const struct tj_text_range *r = origin ? tj_static_text_find(&q->text, origin) : NULL;
	q->cur.lo = r ? r->lo : 0;
	q->cur.hi = r ? r->hi : 0;
	unsigned slot = q->nhot < 8 ? q->nhot++ : 7;
	q->hot[slot].origin = origin;
	q->hot[slot].r = q->cur;
}

static const char *string_at(const struct tj_record_queue *q, struct qstr k)
{
	return k.ptr ? k.ptr : k.off == NO_STRING ? NULL : q->strings.data + k.off;
}

int tj_record_queue_push(struct tj_record_queue *q, const struct tj_record *rec, uint32_t trace,
			 const char *origin)
{
	int failed = 0;
	if (!q->text.ready)
		tj_static_text_init(&q->text); /* failing: every string is copied */
	select_origin(q, origin);
	if (q->nrecs == q->cap_recs) {
		size_t cap = q->cap_recs ? q->cap_recs * 2 : 16;
		struct tj_queued_record *v = realloc(q->recs, cap * sizeof(*v));
		if (!v)
			return TJ_ENOMEM;
		q->recs = v;
		q->cap_recs = cap;
	}
	struct tj_queued_record *qr = &q->recs[q->nrecs];
	if (rec->size >= sizeof(qr->rec)) {
		qr->rec = *rec;
	} else {
		/* A plugin built against an older header knows a shorter record:
		 * what it does not know is 0. */
		memset(&qr->rec, 0, sizeof(qr->rec));
		memcpy(&qr->rec, rec, rec->size);
	}
	qr->rec.size = sizeof(qr->rec);
	if (!qr->rec.trace)
		qr->rec.trace = trace;
	qr->origin = origin;
	/* From here on only what the copy holds: fields past rec->size are 0. */
	rec = &qr->rec;
	qr->category = keep_string(q, rec->category, &failed);
	qr->name = keep_string(q, rec->name, &failed);
	qr->first_arg = q->nargs;
	uint32_t nargs = rec->args ? rec->nargs : 0;
	size_t stride = nargs && rec->args[0].size ? rec->args[0].size : sizeof(struct tj_arg);
	if (q->nargs + nargs > q->cap_args) {
		size_t cap = q->cap_args ? q->cap_args : 32;
		while (cap < q->nargs + nargs)
			cap *= 2;
		struct tj_queued_arg *v = realloc(q->args, cap * sizeof(*v));
		if (!v)
			return TJ_ENOMEM;
		q->args = v;
		q->cap_args = cap;
	}
	for (uint32_t i = 0; i < nargs; i++) {
		const struct tj_arg *a = (const struct tj_arg *)((const char *)rec->args + i * stride);
		struct tj_queued_arg *qa = &q->args[q->nargs++];
		qa->type = a->type;
		qa->key = keep_string(q, a->key, &failed);
		if (a->type == TJ_ARG_STR)
			qa->v.s = keep_string(q, a->v.s, &failed);
		else
			qa->v.u = a->v.u; /* the union's widest integer member */
		if (a->type == TJ_ARG_DOUBLE)
			qa->v.d = a->v.d;
	}
	qr->rec.nargs = nargs;
	if (failed)
		return TJ_ENOMEM;
	q->nrecs++;
	return TJ_OK;
}

int tj_record_queue_drain(struct tj_record_queue *q,
			  int (*deliver)(void *ud, const struct tj_record *rec), void *ud)
{
	int rc = TJ_OK;
	for (size_t i = 0; rc == TJ_OK && i < q->nrecs; i++) {
		struct tj_queued_record *qr = &q->recs[i];
		struct tj_record r = qr->rec;
		r.category = string_at(q, qr->category);
		r.name = string_at(q, qr->name);
		r.origin = qr->origin;
		r.args = NULL;
		if (r.nargs) {
			if (r.nargs > q->cap_view) {
				struct tj_arg *v = realloc(q->view, r.nargs * sizeof(*v));
				if (!v) {
					rc = TJ_ENOMEM;
					break;
				}
				q->view = v;
				q->cap_view = r.nargs;
			}
			for (uint32_t k = 0; k < r.nargs; k++) {
				const struct tj_queued_arg *qa = &q->args[qr->first_arg + k];
				struct tj_arg *a = &q->view[k];
				a->size = sizeof(*a);
				a->type = qa->type;
				a->key = string_at(q, qa->key);
				if (qa->type == TJ_ARG_STR)
					a->v.s = string_at(q, qa->v.s);
				else if (qa->type == TJ_ARG_DOUBLE)
					a->v.d = qa->v.d;
				else
					a->v.u = qa->v.u;
			}
			r.args = q->view;
		}
		rc = deliver(ud, &r);
	}
	q->nrecs = q->nargs = 0;
	tj_sbuf_reset(&q->strings);
	return rc;
}

void tj_record_queue_release(struct tj_record_queue *q)
{
	tj_sbuf_release(&q->strings);
	free(q->recs);
	free(q->args);
	free(q->view);
	tj_static_text_release(&q->text);
	memset(q, 0, sizeof(*q));
}
