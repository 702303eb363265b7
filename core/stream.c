/*
 * From libbabeltrace2 messages to the reader's callbacks (see stream.h):
 * stream beginnings make the stream's state (and fill its trace's
 * environment), packet beginnings set its CPU, events get their thread
 * identity from the contexts resolved once per stream class (classes.c),
 * discard reports are counted per stream.
 */
#include <stdlib.h>
#include <string.h>

#include "error.h"
#include "fields.h"
#include "reader_jobs.h"
#include "stream.h"

/* The stream a flat event belongs to: its beginning came earlier on the
 * same upstream (as a message), so it is known; the pointer is only
 * compared. */
static struct tj_stream_state *stream_find(struct tj_streams *ss, struct tj_stream_cursor *up,
					   const bt_stream *s)
{
	if (up->cur && up->cur->bt == s)
		return up->cur;
	for (size_t i = 0; i < ss->n; i++)
		if (ss->v[i]->bt == s)
			return up->cur = ss->v[i];
	return NULL;
}

static struct tj_stream_state *stream_get(struct tj_streams *ss, struct tj_stream_cursor *up,
					  const bt_stream *s)
{
	struct tj_stream_state *known = stream_find(ss, up, s);
	if (known)
		return known;
	if (up->split && up->cur) {
		/* the next window of a cut stream, read by another graph */
		up->cur->bt = s;
		return up->cur;
	}
	struct tj_stream_state **v = realloc(ss->v, (ss->n + 1) * sizeof(*v));
	struct tj_stream_state *st = calloc(1, sizeof(*st));
	if (!v || !st) {
		if (v)
			ss->v = v;
		free(st);
		return NULL;
	}
	ss->v = v;
	st->bt = s;
	st->sc = tj_classes_sclass(&ss->classes, bt_stream_borrow_class_const(s), up->trace_index);
	st->name = strdup(up->port_name);
	if (!st->sc || !st->name) {
		free(st->name);
		free(st);
		return NULL;
	}
	st->stats.name = st->name;
	st->salvaged = tj_salvage_dropped(ss->salvage, up->trace_index,
					  bt_stream_class_get_id(bt_stream_borrow_class_const(s)),
					  bt_stream_get_id(s), st->name);
	st->stats.trace_index = up->trace_index;
	st->stats.cpu = -1;
	st->last_ts = TJ_TS_NONE;
	tj_trace_slot_fill_env(&ss->traces[up->trace_index], bt_stream_borrow_trace_const(s));
	ss->traces[up->trace_index].desc.nstreams++;
	ss->descs[up->trace_index] = ss->traces[up->trace_index].desc;
	st->index = (uint32_t)ss->n;
	ss->v[ss->n++] = st;
	up->tie_key = (bt_stream_class_get_id(bt_stream_borrow_class_const(s)) << 32) |
		      (bt_stream_get_id(s) & 0xffffffffu);
	return up->cur = st;
}

static int64_t snapshot_ns(const bt_clock_snapshot *cs)
{
	int64_t ns;
	if (!cs || bt_clock_snapshot_get_ns_from_origin(cs, &ns) != BT_CLOCK_SNAPSHOT_GET_NS_FROM_ORIGIN_STATUS_OK)
		return TJ_TS_NONE;
	return ns;
}

static int handle_packet_beginning(struct tj_streams *ss, struct tj_stream_cursor *up,
				   const bt_message *m)
{
	const bt_packet *pkt = bt_message_packet_beginning_borrow_packet_const(m);
	struct tj_stream_state *st = stream_get(ss, up, bt_packet_borrow_stream_const(pkt));
	if (!st)
		return TJ_ENOMEM;
	if (st->sc->pkt_cpu >= 0) {
		const bt_field *ctx = bt_packet_borrow_context_field_const(pkt);
		const bt_field *f = ctx ? bt_field_structure_borrow_member_field_by_index_const(
						  ctx, (uint64_t)st->sc->pkt_cpu)
					: NULL;
		if (f)
			st->stats.cpu = (int32_t)bt_field_integer_unsigned_get_value(f);
	}
	return TJ_OK;
}

static struct tj_held *held_add(struct tj_streams *ss, struct tj_stream_cursor *up)
{
	if (ss->nheld == ss->cap_held) {
		size_t cap = ss->cap_held ? 2 * ss->cap_held : 16;
		struct tj_held *v = realloc(ss->held, cap * sizeof(*v));
		if (!v)
			return NULL;
		ss->held = v;
		ss->cap_held = cap;
	}
	struct tj_held *h = &ss->held[ss->nheld++];
	memset(h, 0, sizeof(*h));
	h->c = up;
	return h;
}

static int report_discard(struct tj_streams *ss, struct tj_stream_cursor *up,
			  struct tj_stream_state *st, struct tj_discard *dp);

static int handle_discard(struct tj_streams *ss, struct tj_stream_cursor *up, const bt_message *m,
			  int packets)
{
	const bt_stream *s = packets ? bt_message_discarded_packets_borrow_stream_const(m)
				     : bt_message_discarded_events_borrow_stream_const(m);
	struct tj_stream_state *st = stream_get(ss, up, s);
	struct tj_discard d = {.size = sizeof(d), .is_packets = (uint32_t)packets};
	uint64_t count = UINT64_MAX;

	if (!st)
		return TJ_ENOMEM;
	const bt_stream_class *sc = bt_stream_borrow_class_const(s);
	if (packets) {
		if (bt_message_discarded_packets_get_count(m, &count) != BT_PROPERTY_AVAILABILITY_AVAILABLE)
			count = UINT64_MAX;
		if (bt_stream_class_discarded_packets_have_default_clock_snapshots(sc)) {
			d.begin_ts = snapshot_ns(bt_message_discarded_packets_borrow_beginning_default_clock_snapshot_const(m));
			d.end_ts = snapshot_ns(bt_message_discarded_packets_borrow_end_default_clock_snapshot_const(m));
		} else {
			d.begin_ts = d.end_ts = TJ_TS_NONE;
		}
		st->stats.discarded_packets += count == UINT64_MAX ? 1 : count;
	} else {
		if (bt_message_discarded_events_get_count(m, &count) != BT_PROPERTY_AVAILABILITY_AVAILABLE)
			count = UINT64_MAX;
		if (bt_stream_class_discarded_events_have_default_clock_snapshots(sc)) {
			d.begin_ts = snapshot_ns(bt_message_discarded_events_borrow_beginning_default_clock_snapshot_const(m));
			d.end_ts = snapshot_ns(bt_message_discarded_events_borrow_end_default_clock_snapshot_const(m));
		} else {
			d.begin_ts = d.end_ts = TJ_TS_NONE;
		}
		st->stats.discarded_event_reports++;
		if (count != UINT64_MAX)
			st->stats.discarded_events += count;
	}
	if (ss->xf) {
		d.begin_ts = tj_clock_xform_apply(&ss->xf[up->trace_index], d.begin_ts);
		d.end_ts = tj_clock_xform_apply(&ss->xf[up->trace_index], d.end_ts);
	}
	/* A report is a point in the stream's time too, at the beginning of the
	 * range (as babeltrace2's muxer orders it): an event earlier than that
	 * is time going backwards (what makes the muxer stop on tc-hello-lost). */
	if (d.begin_ts != TJ_TS_NONE && (st->last_ts == TJ_TS_NONE || d.begin_ts > st->last_ts))
		st->last_ts = d.begin_ts;
	d.count = count;
	return report_discard(ss, up, st, &d);
}

/* Hand a discard on (or hold it while priming). */
static int report_discard(struct tj_streams *ss, struct tj_stream_cursor *up,
			  struct tj_stream_state *st, struct tj_discard *dp)
{
	struct tj_discard d = *dp;
	d.cpu = st->stats.cpu;
	d.stream_index = st->index;
	d.stream_name = st->name;
	if (ss->priming) {
		/* Counted now, reported by tj_reader_run. */
		struct tj_held *h = held_add(ss, up);
		if (!h)
			return TJ_ENOMEM;
		h->d = d;
		return TJ_OK;
	}
	if (ss->cb && ss->cb->on_discard)
		return ss->cb->on_discard(ss->cb->ud, &d);
	return TJ_OK;
}

/* The end of a stream whose file lost its torn tail (salvage.c): that tail
 * is reported like the tracer's discarded packets, one packet lost after
 * the stream's last event, so every exporter and the summary count it. */
static int handle_stream_end(struct tj_streams *ss, struct tj_stream_cursor *up, const bt_message *m)
{
	struct tj_stream_state *st = stream_get(ss, up, bt_message_stream_end_borrow_stream_const(m));
	if (!st)
		return TJ_ENOMEM;
	if (!st->salvaged)
		return TJ_OK;
	struct tj_discard d = {.size = sizeof(d), .is_packets = 1, .count = 1,
			       .begin_ts = st->last_ts, .end_ts = TJ_TS_NONE};
	st->salvaged = 0;
	st->stats.discarded_packets++;
	return report_discard(ss, up, st, &d);
}

static int read_ctx_int(const bt_field *ctx, int idx, int is_signed, int32_t *out)
{
	if (idx < 0 || !ctx)
		return 0;
	const bt_field *f = bt_field_structure_borrow_member_field_by_index_const(ctx, (uint64_t)idx);
	*out = is_signed ? (int32_t)bt_field_integer_signed_get_value(f)
			 : (int32_t)bt_field_integer_unsigned_get_value(f);
	return 1;
}

/* The class of an event of stream st (interned on first sight) with the
 * stream's counts updated, or NULL with *rc set. */
static struct tj_class *event_class(struct tj_streams *ss, struct tj_stream_state *st,
				    const bt_event_class *ec, uint64_t class_id, int64_t ts, int *rc)
{
	struct tj_sclass *sc = st->sc;
	struct tj_class *cls = tj_sclass_borrow_class(sc, class_id);
	*rc = TJ_OK;
	if (!cls) {
		/* ec is an immutable class: reading it from any thread is safe */
		cls = tj_classes_intern(&ss->classes, sc, ec);
		if (!cls) {
			*rc = TJ_ENOMEM;
			return NULL;
		}
		if (ss->cb && ss->cb->on_class && (*rc = ss->cb->on_class(ss->cb->ud, cls)))
			return NULL;
	}
	st->stats.events++;
	if (ts != TJ_TS_NONE) {
		if (st->last_ts != TJ_TS_NONE && ts < st->last_ts)
			st->stats.backwards++;
		st->last_ts = ts;
	}
	return cls;
}

static struct tj_event event_init(struct tj_stream_state *st, struct tj_class *cls, int64_t ts,
				  int32_t cpu, struct tj_event_impl *impl)
{
	return (struct tj_event){
		.size = sizeof(struct tj_event),
		.cls = &cls->pub,
		.ts = ts,
		.cpu = cpu != INT32_MIN ? cpu : st->stats.cpu,
		.tid = -1,
		.pid = -1,
		.prio = INT32_MIN,
		.comm = NULL,
		.stream_index = st->index,
		.host_private = impl,
	};
}

/* cpu: the stream's CPU when the event was read (a held event is handled
 * after later packets were), or INT32_MIN for the current one. */
static int handle_event(struct tj_streams *ss, struct tj_stream_cursor *up, const bt_message *m,
			int64_t ts, int32_t cpu)
{
	const bt_event *e = bt_message_event_borrow_event_const(m);
	struct tj_stream_state *st = up->cur;
	int rc;

	if (!st || st->bt != bt_event_borrow_stream_const(e)) {
		st = stream_get(ss, up, bt_event_borrow_stream_const(e));
		if (!st)
			return TJ_ENOMEM;
	}
	const bt_event_class *ec = bt_event_borrow_class_const(e);
	struct tj_class *cls = event_class(ss, st, ec, bt_event_class_get_id(ec), ts, &rc);
	if (!cls)
		return rc;
	struct tj_sclass *sc = st->sc;
	struct tj_event_impl impl = {.bt = e, .cls = cls};
	struct tj_event ev = event_init(st, cls, ts, cpu, &impl);
	if (sc->ctx_tid >= 0 || sc->ctx_pid >= 0 || sc->ctx_procname >= 0 || sc->ctx_prio >= 0) {
		const bt_field *ctx = bt_event_borrow_common_context_field_const(e);
		read_ctx_int(ctx, sc->ctx_tid, sc->ctx_tid_signed, &ev.tid);
		read_ctx_int(ctx, sc->ctx_pid, sc->ctx_pid_signed, &ev.pid);
		read_ctx_int(ctx, sc->ctx_prio, sc->ctx_prio_signed, &ev.prio);
		if (sc->ctx_procname >= 0 && ctx) {
			/* By length: an emptied string field keeps stale text (fields.c). */
			const bt_field *pn = bt_field_structure_borrow_member_field_by_index_const(
				ctx, (uint64_t)sc->ctx_procname);
			ev.comm = bt_field_string_get_length(pn) ? bt_field_string_get_value(pn) : "";
		}
	}
	return ss->cb->on_event(ss->cb->ud, cls, &ev);
}

/* A member of a flat common context read as read_ctx_int does. */
static void flat_ctx_int(const uint8_t *ctx, int idx, int32_t *out)
{
	const uint8_t *f = idx >= 0 && ctx ? tj_flat_member(ctx, (uint32_t)idx) : NULL;
	int64_t v;
	if (f && tj_flat_int(f, &v))
		*out = (int32_t)v;
}

/* handle_event for a flat event (--jobs). */
static int handle_flat_event(struct tj_streams *ss, struct tj_stream_cursor *up,
			     const struct tj_flat_event *fe, int64_t ts, int32_t cpu)
{
	struct tj_stream_state *st = stream_find(ss, up, fe->stream);
	int rc;
	if (!st) {
		tj_error_append("an event of stream '%s' came before its stream beginning",
				up->port_name);
		return TJ_EIO;
	}
	struct tj_class *cls = event_class(ss, st, fe->event_class, fe->class_id, ts, &rc);
	if (!cls)
		return rc;
	struct tj_sclass *sc = st->sc;
	struct tj_event_impl impl = {.bt = NULL, .flat = fe, .cls = cls};
	struct tj_event ev = event_init(st, cls, ts, cpu, &impl);
	if (sc->ctx_tid >= 0 || sc->ctx_pid >= 0 || sc->ctx_procname >= 0 || sc->ctx_prio >= 0) {
		const uint8_t *ctx = tj_flat_scope(fe, 0);
		flat_ctx_int(ctx, sc->ctx_tid, &ev.tid);
		flat_ctx_int(ctx, sc->ctx_pid, &ev.pid);
		flat_ctx_int(ctx, sc->ctx_prio, &ev.prio);
		const uint8_t *pn = sc->ctx_procname >= 0 && ctx
					    ? tj_flat_member(ctx, (uint32_t)sc->ctx_procname)
					    : NULL;
		if (pn && pn[0] == TJ_FLAT_STR)
			ev.comm = (const char *)pn + 5;
	}
	return ss->cb->on_event(ss->cb->ud, cls, &ev);
}

int tj_streams_handle_flat(struct tj_streams *ss, struct tj_stream_cursor *up,
			   const struct tj_flat_event *fe, int64_t ts, int *kept)
{
	if (ss->priming) {
		struct tj_stream_state *st = stream_find(ss, up, fe->stream);
		struct tj_held *h = st ? held_add(ss, up) : NULL;
		if (!h)
			return st ? TJ_ENOMEM : TJ_EIO;
		h->flat = fe;
		h->cpu = st->stats.cpu;
		*kept = 1;
		return TJ_OK;
	}
	return handle_flat_event(ss, up, fe, ts, INT32_MIN);
}

/* Handle one message of an upstream.  Returns a tj_status, or a callback's
 * positive TJ_DONE.  *kept: the message went to ss->held (do not put it). */
static int handle_message(struct tj_streams *ss, struct tj_stream_cursor *up, const bt_message *m,
			  int64_t ts, int *kept)
{
	switch (bt_message_get_type(m)) {
	case BT_MESSAGE_TYPE_EVENT:
		if (ss->priming) {
			struct tj_stream_state *st = stream_get(
				ss, up, bt_event_borrow_stream_const(bt_message_event_borrow_event_const(m)));
			struct tj_held *h = st ? held_add(ss, up) : NULL;
			if (!h)
				return TJ_ENOMEM;
			h->msg = m;
			h->cpu = st->stats.cpu;
			*kept = 1;
			return TJ_OK;
		}
		return handle_event(ss, up, m, ts, INT32_MIN);
	case BT_MESSAGE_TYPE_PACKET_BEGINNING:
		return handle_packet_beginning(ss, up, m);
	case BT_MESSAGE_TYPE_STREAM_BEGINNING:
		return stream_get(ss, up, bt_message_stream_beginning_borrow_stream_const(m)) ? TJ_OK
											  : TJ_ENOMEM;
	case BT_MESSAGE_TYPE_STREAM_END:
		return handle_stream_end(ss, up, m);
	case BT_MESSAGE_TYPE_DISCARDED_EVENTS:
		return handle_discard(ss, up, m, 0);
	case BT_MESSAGE_TYPE_DISCARDED_PACKETS:
		return handle_discard(ss, up, m, 1);
	default:
		return TJ_OK;
	}
}

int tj_streams_handle(struct tj_streams *s, struct tj_stream_cursor *c, const bt_message *m,
		      int64_t ts, int *kept)
{
	return handle_message(s, c, m, ts, kept);
}

int tj_streams_deliver_held(struct tj_streams *s, int put_refs)
{
	while (s->held_pos < s->nheld) {
		struct tj_held *h = &s->held[s->held_pos++];
		int rc = TJ_OK;
		if (h->flat) {
			rc = handle_flat_event(s, h->c, h->flat, TJ_TS_NONE, h->cpu);
			h->flat = NULL;
		} else if (h->msg) {
			rc = handle_event(s, h->c, h->msg, TJ_TS_NONE, h->cpu);
			if (put_refs)
				bt_message_put_ref(h->msg);
			h->msg = NULL;
		} else if (s->cb && s->cb->on_discard) {
			rc = s->cb->on_discard(s->cb->ud, &h->d);
		}
		if (rc)
			return rc;
	}
	return TJ_OK;
}

size_t tj_streams_count(const struct tj_streams *s)
{
	return s->n;
}

void tj_streams_release(struct tj_streams *s, int put_refs)
{
	for (size_t i = s->held_pos; put_refs && i < s->nheld; i++)
		bt_message_put_ref(s->held[i].msg);
	free(s->held);
	tj_classes_release(&s->classes);
	for (size_t i = 0; i < s->n; i++) {
		free(s->v[i]->name);
		free(s->v[i]);
	}
	free(s->v);
	memset(s, 0, sizeof(*s));
}
