/*
 * The reader's lookahead (see lookahead.h): a small k-way merge of its own
 * over the extra iterators, reading only what identities need from each
 * event (its class name, whether it has a pid context, and the payload of
 * statedump process lines).
 */
#include <stdlib.h>
#include <string.h>

#include "bt_errors.h"
#include "error.h"
#include "lookahead.h"
#include "merge.h"
#include "reader_jobs.h"

struct la_stream {
	bt_message_iterator *it;
	bt_message_array_const msgs;
	uint64_t count, pos;
	int ended;
};

/* Advance to the next event message (others are dropped); 0 or < 0. */
static int la_fill(struct la_stream *s)
{
	for (;;) {
		while (s->pos < s->count) {
			const bt_message *m = s->msgs[s->pos];
			if (bt_message_get_type(m) == BT_MESSAGE_TYPE_EVENT)
				return TJ_OK;
			bt_message_put_ref(m);
			s->pos++;
		}
		s->pos = s->count = 0;
		switch (bt_message_iterator_next(s->it, &s->msgs, &s->count)) {
		case BT_MESSAGE_ITERATOR_NEXT_STATUS_OK:
			break;
		case BT_MESSAGE_ITERATOR_NEXT_STATUS_END:
			s->ended = 1;
			s->count = 0;
			return TJ_OK;
		case BT_MESSAGE_ITERATOR_NEXT_STATUS_AGAIN:
			s->count = 0;
			break;
		case BT_MESSAGE_ITERATOR_NEXT_STATUS_MEMORY_ERROR:
			s->count = 0;
			return TJ_ENOMEM;
		default:
			/* The main pass meets the same error and reports it with
			 * the stream's name: stop looking ahead here, quietly. */
			bt_current_thread_clear_error();
			s->ended = 1;
			s->count = 0;
			return TJ_OK;
		}
	}
}

static int64_t member_int(const bt_field *st, const char *name)
{
	const bt_field *f = st ? bt_field_structure_borrow_member_field_by_name_const(st, name) : NULL;
	if (!f)
		return -1;
	bt_field_class_type t = bt_field_get_class_type(f);
	if (bt_field_class_type_is(t, BT_FIELD_CLASS_TYPE_SIGNED_INTEGER))
		return bt_field_integer_signed_get_value(f);
	if (bt_field_class_type_is(t, BT_FIELD_CLASS_TYPE_UNSIGNED_INTEGER))
		return (int64_t)bt_field_integer_unsigned_get_value(f);
	return -1;
}

static void describe(const bt_message *m, struct tj_lookahead_event *ev)
{
	const bt_event *e = bt_message_event_borrow_event_const(m);
	const bt_field *ctx = bt_event_borrow_common_context_field_const(e);
	memset(ev, 0, sizeof(*ev));
	ev->name = bt_event_class_get_name(bt_event_borrow_class_const(e));
	if (!ev->name)
		ev->name = "";
	ev->ts = tj_message_ts(m);
	ev->has_pid_context =
		ctx && (bt_field_structure_borrow_member_field_by_name_const(ctx, "vpid") ||
			bt_field_structure_borrow_member_field_by_name_const(ctx, "pid"));
	ev->tid = ev->pid = ev->cpu = -1;
	if (strcmp(ev->name, "lttng_statedump_process_state") == 0) {
		const bt_field *p = bt_event_borrow_payload_field_const(e);
		const bt_field *name = p ? bt_field_structure_borrow_member_field_by_name_const(p, "name")
					 : NULL;
		ev->tid = member_int(p, "tid");
		ev->pid = member_int(p, "pid");
		ev->cpu = member_int(p, "cpu");
		if (name && bt_field_get_class_type(name) == BT_FIELD_CLASS_TYPE_STRING &&
		    bt_field_string_get_length(name))
			ev->comm = bt_field_string_get_value(name);
	}
}

static void la_release(struct la_stream *s)
{
	for (uint64_t i = s->pos; i < s->count; i++)
		bt_message_put_ref(s->msgs[i]);
	s->pos = s->count = 0;
}

int tj_lookahead_run(bt_message_iterator **its, size_t n, tj_lookahead_fn fn, void *ud)
{
	struct la_stream *s = calloc(n ? n : 1, sizeof(*s));
	struct tj_merge merge;
	int rc = TJ_OK;

	if (!s || tj_merge_init(&merge, n)) {
		free(s);
		return TJ_ENOMEM;
	}
	for (size_t i = 0; rc == TJ_OK && i < n; i++) {
		s[i].it = its[i];
		if (!s[i].it) {
			s[i].ended = 1;
			continue;
		}
		rc = la_fill(&s[i]);
		if (rc == TJ_OK && !s[i].ended)
			tj_merge_push(&merge, (uint32_t)i,
				      (struct tj_merge_key){.ts = tj_message_ts(s[i].msgs[s[i].pos])});
	}
	while (rc == TJ_OK) {
		int64_t h = tj_merge_peek(&merge);
		if (h < 0)
			break;
		struct la_stream *st = &s[h];
		const bt_message *m = st->msgs[st->pos];
		struct tj_lookahead_event ev;
		describe(m, &ev);
		rc = fn(ud, &ev);
		bt_message_put_ref(m);
		st->pos++;
		if (rc)
			break;
		rc = la_fill(st);
		if (rc)
			break;
		if (st->ended)
			tj_merge_pop(&merge);
		else
			tj_merge_update(&merge, (struct tj_merge_key){.ts = tj_message_ts(st->msgs[st->pos])});
	}
	for (size_t i = 0; i < n; i++) {
		la_release(&s[i]);
		bt_message_iterator_put_ref(its[i]);
		its[i] = NULL;
	}
	tj_merge_release(&merge);
	free(s);
	return rc < 0 ? rc : TJ_OK;
}
