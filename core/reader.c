/*
 * Trace reader on libbabeltrace2.  One source.ctf.fs component per trace
 * directory; every output port is connected to one input port of our own
 * sink component, whose consume method merges the message iterators with a
 * binary heap keyed by each stream's next timestamp.  A stream whose time
 * goes backwards is not an error: its events are delivered in stream order
 * and counted.  Event classes are interned once; per event the work is an
 * array lookup and a few field reads (see fields.c for payload access).
 */
#include <dlfcn.h>
#include <errno.h>
#include <ftw.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <babeltrace2/babeltrace.h>

#include "error.h"
#include "fields.h"
#include "reader.h"
#include "reader_jobs.h"
#include "bt_errors.h"
#include "strvec.h"

/* Per stream class: interned event classes by id and context field indices. */
struct sclass_cache {
	const bt_stream_class *bt;
	uint32_t trace_index;
	int has_clock;
	int ctx_tid, ctx_pid, ctx_procname, ctx_prio; /* common context member index or -1 */
	int ctx_tid_signed, ctx_pid_signed, ctx_prio_signed;
	int pkt_cpu;                                  /* packet context member index or -1 */
	struct tj_class **by_id;
	uint64_t nby_id;
};

struct stream_state {
	const bt_stream *bt;
	struct sclass_cache *sc;
	struct tj_stream_stats stats;
	uint32_t index;     /* position in tj_reader.streams */
	char *name;
	int64_t last_ts;
};

/* One connected output port of a ctf.fs component. */
struct upstream {
	bt_message_iterator *it;
	bt_message_array_const msgs;
	uint64_t count, pos;
	int ended;
	int64_t head_ts;       /* timestamp of msgs[pos] */
	struct tj_batch *batch; /* --jobs: the worker batch msgs points into */
	uint64_t tie_key;       /* stream class id << 32 | stream id */
	uint32_t trace_index;
	char *port_name;
	struct stream_state *cur;
};

struct trace_slot {
	struct tj_trace_desc desc;
	char *path;
	char *hostname, *domain, *tracer_name, *kernel_release, *uuid;
	int env_done;
	const bt_component_source *comp;
};

struct tj_reader {
	char *input;
	bt_graph *graph;
	const bt_plugin *ctf_plugin;
	bt_component_class_sink *sink_class;
	struct trace_slot *traces;
	size_t ntraces;
	struct tj_trace_desc *descs;
	struct tj_trace_info info;

	struct upstream *ups;
	size_t nups;
	uint32_t *heap;        /* indices into ups */
	size_t nheap;
	int primed;

	struct sclass_cache **scs;
	size_t nscs;
	struct stream_state **streams;
	size_t nstreams;
	struct tj_class **classes;  /* by pub.id */
	uint32_t nclasses;

	/* --jobs N: worker graphs (wgraphs[0] is graph) and their threads */
	bt_graph **wgraphs;
	uint32_t nwgraphs;
	struct tj_workers *workers;
	int workers_started;

	/* run state */
	const struct tj_reader_callbacks *cb;
	int64_t stop_ts;
	int cb_status;          /* our own failure inside consume */
	int done;
};

/* ------------------------------------------------------------------ */
/* finding traces                                                      */

static struct tj_strvec *g_found; /* nftw has no user pointer */

static int find_metadata_cb(const char *fpath, const struct stat *sb, int type, struct FTW *ftw)
{
	(void)sb;
	if (type == FTW_F && strcmp(fpath + ftw->base, "metadata") == 0) {
		char *dir = strndup(fpath, (size_t)ftw->base > 0 ? (size_t)ftw->base - 1 : 0);
		if (!dir || tj_strvec_push(g_found, dir)) {
			free(dir);
			return -1;
		}
		free(dir);
	}
	return 0;
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static int find_traces(const char *path, struct tj_strvec *out)
{
	struct stat st;
	if (stat(path, &st) != 0) {
		tj_error_append("cannot open trace '%s': %s", path, strerror(errno));
		return TJ_EIO;
	}
	if (!S_ISDIR(st.st_mode)) {
		tj_error_append("cannot open trace '%s': not a directory (give the folder that "
				"holds the 'metadata' file)", path);
		return TJ_EINVAL;
	}
	g_found = out;
	if (nftw(path, find_metadata_cb, 16, FTW_PHYS) != 0) {
		tj_error_append("cannot scan '%s': %s", path, strerror(errno));
		return TJ_EIO;
	}
	g_found = NULL;
	if (out->n == 0) {
		tj_error_append("no CTF trace in '%s': no 'metadata' file found below it", path);
		return TJ_EINVAL;
	}
	qsort(out->v, out->n, sizeof(*out->v), cmp_str);
	return TJ_OK;
}

/* ------------------------------------------------------------------ */
/* interning                                                           */

static int member_index(const bt_field_class *st, const char *name, int *is_signed)
{
	if (!st || !bt_field_class_type_is(bt_field_class_get_type(st), BT_FIELD_CLASS_TYPE_STRUCTURE))
		return -1;
	uint64_t n = bt_field_class_structure_get_member_count(st);
	for (uint64_t i = 0; i < n; i++) {
		const bt_field_class_structure_member *m =
			bt_field_class_structure_borrow_member_by_index_const(st, i);
		if (strcmp(bt_field_class_structure_member_get_name(m), name) == 0) {
			if (is_signed) {
				bt_field_class_type t = bt_field_class_get_type(
					bt_field_class_structure_member_borrow_field_class_const(m));
				*is_signed = bt_field_class_type_is(t, BT_FIELD_CLASS_TYPE_SIGNED_INTEGER);
				if (!bt_field_class_type_is(t, BT_FIELD_CLASS_TYPE_INTEGER))
					return -1;
			}
			return (int)i;
		}
	}
	return -1;
}

static int first_member(const bt_field_class *st, const char *a, const char *b, int *is_signed)
{
	int i = member_index(st, a, is_signed);
	return i >= 0 ? i : member_index(st, b, is_signed);
}

static struct sclass_cache *sclass_get(struct tj_reader *r, const bt_stream_class *sc,
				       uint32_t trace_index)
{
	for (size_t i = 0; i < r->nscs; i++)
		if (r->scs[i]->bt == sc)
			return r->scs[i];
	struct sclass_cache **v = realloc(r->scs, (r->nscs + 1) * sizeof(*v));
	struct sclass_cache *c = calloc(1, sizeof(*c));
	if (!v || !c) {
		if (v)
			r->scs = v;
		free(c);
		return NULL;
	}
	r->scs = v;
	c->bt = sc;
	c->trace_index = trace_index;
	c->has_clock = bt_stream_class_borrow_default_clock_class_const(sc) != NULL;
	const bt_field_class *ctx = bt_stream_class_borrow_event_common_context_field_class_const(sc);
	c->ctx_tid = first_member(ctx, "vtid", "tid", &c->ctx_tid_signed);
	c->ctx_pid = first_member(ctx, "vpid", "pid", &c->ctx_pid_signed);
	c->ctx_prio = member_index(ctx, "prio", &c->ctx_prio_signed);
	c->ctx_procname = -1;
	int pi = member_index(ctx, "procname", NULL);
	if (pi >= 0) {
		const bt_field_class_structure_member *m =
			bt_field_class_structure_borrow_member_by_index_const(ctx, (uint64_t)pi);
		if (bt_field_class_get_type(bt_field_class_structure_member_borrow_field_class_const(m)) ==
		    BT_FIELD_CLASS_TYPE_STRING)
			c->ctx_procname = pi;
	}
	c->pkt_cpu = member_index(bt_stream_class_borrow_packet_context_field_class_const(sc),
				  "cpu_id", NULL);
	r->scs[r->nscs++] = c;
	return c;
}

static struct tj_class *class_intern(struct tj_reader *r, struct sclass_cache *sc,
				     const bt_event_class *ec)
{
	uint64_t id = bt_event_class_get_id(ec);
	if (id < sc->nby_id && sc->by_id[id])
		return sc->by_id[id];
	if (id >= sc->nby_id) {
		uint64_t n = sc->nby_id ? sc->nby_id : 64;
		while (n <= id)
			n *= 2;
		struct tj_class **v = realloc(sc->by_id, n * sizeof(*v));
		if (!v)
			return NULL;
		memset(v + sc->nby_id, 0, (n - sc->nby_id) * sizeof(*v));
		sc->by_id = v;
		sc->nby_id = n;
	}
	struct tj_class **all = realloc(r->classes, (r->nclasses + 1) * sizeof(*all));
	struct tj_class *c = calloc(1, sizeof(*c));
	const char *name = bt_event_class_get_name(ec);
	if (!all || !c) {
		if (all)
			r->classes = all;
		free(c);
		return NULL;
	}
	r->classes = all;
	c->pub.id = r->nclasses;
	c->pub.trace_index = sc->trace_index;
	c->pub.name = strdup(name ? name : "<unnamed>");
	c->bt_class = ec;
	if (!c->pub.name) {
		free(c);
		return NULL;
	}
	r->classes[r->nclasses++] = c;
	sc->by_id[id] = c;
	if (r->cb && r->cb->on_class) {
		int rc = r->cb->on_class(r->cb->ud, c);
		if (rc) {
			r->cb_status = rc;
			return NULL;
		}
	}
	return c;
}

/* ------------------------------------------------------------------ */
/* streams                                                             */

static void fill_env(struct trace_slot *t, const bt_trace *trace)
{
	static const struct {
		const char *key;
		size_t off;
	} keys[] = {
		{"hostname", offsetof(struct trace_slot, hostname)},
		{"domain", offsetof(struct trace_slot, domain)},
		{"tracer_name", offsetof(struct trace_slot, tracer_name)},
		{"kernel_release", offsetof(struct trace_slot, kernel_release)},
	};
	if (t->env_done)
		return;
	t->env_done = 1;
	for (size_t i = 0; i < sizeof(keys) / sizeof(keys[0]); i++) {
		const bt_value *v = bt_trace_borrow_environment_entry_value_by_name_const(trace, keys[i].key);
		if (v && bt_value_get_type(v) == BT_VALUE_TYPE_STRING)
			*(char **)((char *)t + keys[i].off) = strdup(bt_value_string_get(v));
	}
	t->desc.hostname = t->hostname;
	t->desc.domain = t->domain;
	t->desc.tracer_name = t->tracer_name;
	t->desc.kernel_release = t->kernel_release;
	const bt_value *maj = bt_trace_borrow_environment_entry_value_by_name_const(trace, "tracer_major");
	const bt_value *min = bt_trace_borrow_environment_entry_value_by_name_const(trace, "tracer_minor");
	if (maj && bt_value_get_type(maj) == BT_VALUE_TYPE_SIGNED_INTEGER)
		t->desc.tracer_major = bt_value_integer_signed_get(maj);
	if (min && bt_value_get_type(min) == BT_VALUE_TYPE_SIGNED_INTEGER)
		t->desc.tracer_minor = bt_value_integer_signed_get(min);
	bt_uuid u = bt_trace_get_uuid(trace);
	if (u) {
		char buf[40];
		snprintf(buf, sizeof(buf),
			 "%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-%02x%02x%02x%02x%02x%02x",
			 u[0], u[1], u[2], u[3], u[4], u[5], u[6], u[7], u[8], u[9], u[10], u[11],
			 u[12], u[13], u[14], u[15]);
		t->uuid = strdup(buf);
		t->desc.uuid = t->uuid;
	}
}

static struct stream_state *stream_get(struct tj_reader *r, struct upstream *up, const bt_stream *s)
{
	if (up->cur && up->cur->bt == s)
		return up->cur;
	for (size_t i = 0; i < r->nstreams; i++)
		if (r->streams[i]->bt == s)
			return up->cur = r->streams[i];
	struct stream_state **v = realloc(r->streams, (r->nstreams + 1) * sizeof(*v));
	struct stream_state *st = calloc(1, sizeof(*st));
	if (!v || !st) {
		if (v)
			r->streams = v;
		free(st);
		return NULL;
	}
	r->streams = v;
	st->bt = s;
	st->sc = sclass_get(r, bt_stream_borrow_class_const(s), up->trace_index);
	st->name = strdup(up->port_name);
	if (!st->sc || !st->name) {
		free(st->name);
		free(st);
		return NULL;
	}
	st->stats.name = st->name;
	st->stats.trace_index = up->trace_index;
	st->stats.cpu = -1;
	st->last_ts = TJ_TS_NONE;
	fill_env(&r->traces[up->trace_index], bt_stream_borrow_trace_const(s));
	r->traces[up->trace_index].desc.nstreams++;
	r->descs[up->trace_index] = r->traces[up->trace_index].desc;
	st->index = (uint32_t)r->nstreams;
	r->streams[r->nstreams++] = st;
	up->tie_key = (bt_stream_class_get_id(bt_stream_borrow_class_const(s)) << 32) |
		      (bt_stream_get_id(s) & 0xffffffffu);
	return up->cur = st;
}

/* ------------------------------------------------------------------ */
/* message handling                                                    */

static int64_t snapshot_ns(const bt_clock_snapshot *cs)
{
	int64_t ns;
	if (!cs || bt_clock_snapshot_get_ns_from_origin(cs, &ns) != BT_CLOCK_SNAPSHOT_GET_NS_FROM_ORIGIN_STATUS_OK)
		return TJ_TS_NONE;
	return ns;
}

static int handle_packet_beginning(struct tj_reader *r, struct upstream *up, const bt_message *m)
{
	const bt_packet *pkt = bt_message_packet_beginning_borrow_packet_const(m);
	struct stream_state *st = stream_get(r, up, bt_packet_borrow_stream_const(pkt));
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

static int handle_discard(struct tj_reader *r, struct upstream *up, const bt_message *m, int packets)
{
	const bt_stream *s = packets ? bt_message_discarded_packets_borrow_stream_const(m)
				     : bt_message_discarded_events_borrow_stream_const(m);
	struct stream_state *st = stream_get(r, up, s);
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
	d.count = count;
	d.cpu = st->stats.cpu;
	d.stream_index = st->index;
	d.stream_name = st->name;
	if (r->cb && r->cb->on_discard)
		return r->cb->on_discard(r->cb->ud, &d);
	return TJ_OK;
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

static int handle_event(struct tj_reader *r, struct upstream *up, const bt_message *m, int64_t ts)
{
	const bt_event *e = bt_message_event_borrow_event_const(m);
	struct stream_state *st = up->cur;

	if (!st || st->bt != bt_event_borrow_stream_const(e)) {
		st = stream_get(r, up, bt_event_borrow_stream_const(e));
		if (!st)
			return TJ_ENOMEM;
	}
	struct sclass_cache *sc = st->sc;
	const bt_event_class *ec = bt_event_borrow_class_const(e);
	uint64_t id = bt_event_class_get_id(ec);
	struct tj_class *cls = id < sc->nby_id ? sc->by_id[id] : NULL;
	if (!cls) {
		cls = class_intern(r, sc, ec);
		if (!cls)
			return r->cb_status ? r->cb_status : TJ_ENOMEM;
	}

	st->stats.events++;
	if (ts != TJ_TS_NONE) {
		if (st->last_ts != TJ_TS_NONE && ts < st->last_ts)
			st->stats.backwards++;
		st->last_ts = ts;
	}

	struct tj_event_impl impl = {.bt = e, .cls = cls};
	struct tj_event ev = {
		.cls = &cls->pub,
		.ts = ts,
		.cpu = st->stats.cpu,
		.tid = -1,
		.pid = -1,
		.prio = INT32_MIN,
		.procname = NULL,
		.stream_index = st->index,
		.host_private = &impl,
	};
	if (sc->ctx_tid >= 0 || sc->ctx_pid >= 0 || sc->ctx_procname >= 0 || sc->ctx_prio >= 0) {
		const bt_field *ctx = bt_event_borrow_common_context_field_const(e);
		read_ctx_int(ctx, sc->ctx_tid, sc->ctx_tid_signed, &ev.tid);
		read_ctx_int(ctx, sc->ctx_pid, sc->ctx_pid_signed, &ev.pid);
		read_ctx_int(ctx, sc->ctx_prio, sc->ctx_prio_signed, &ev.prio);
		if (sc->ctx_procname >= 0 && ctx) {
			/* By length: an emptied string field keeps stale text (fields.c). */
			const bt_field *pn = bt_field_structure_borrow_member_field_by_index_const(
				ctx, (uint64_t)sc->ctx_procname);
			ev.procname = bt_field_string_get_length(pn) ? bt_field_string_get_value(pn) : "";
		}
	}
	return r->cb->on_event(r->cb->ud, cls, &ev);
}

/* Handle message msgs[pos] of an upstream.  Returns a tj_status. */
static int handle_message(struct tj_reader *r, struct upstream *up, const bt_message *m, int64_t ts)
{
	switch (bt_message_get_type(m)) {
	case BT_MESSAGE_TYPE_EVENT:
		return handle_event(r, up, m, ts);
	case BT_MESSAGE_TYPE_PACKET_BEGINNING:
		return handle_packet_beginning(r, up, m);
	case BT_MESSAGE_TYPE_STREAM_BEGINNING:
		return stream_get(r, up, bt_message_stream_beginning_borrow_stream_const(m)) ? TJ_OK
											  : TJ_ENOMEM;
	case BT_MESSAGE_TYPE_DISCARDED_EVENTS:
		return handle_discard(r, up, m, 0);
	case BT_MESSAGE_TYPE_DISCARDED_PACKETS:
		return handle_discard(r, up, m, 1);
	default:
		return TJ_OK;
	}
}

/* ------------------------------------------------------------------ */
/* the merge                                                           */

static void release_batch(struct upstream *up)
{
	for (uint64_t i = up->pos; i < up->count; i++)
		bt_message_put_ref(up->msgs[i]);
	up->count = up->pos = 0;
}

/*
 * Advance an upstream until its head is a timed message (or it ends),
 * handling untimed messages (stream/packet boundaries) on the way.
 * Returns a tj_status; TJ_ERROR with a libbabeltrace2 cause on read errors.
 */
/* --jobs: hand the finished batch back and wait for the next one.  After
 * this, msgs[pos] is the next message (or the upstream ended). */
static int next_worker_batch(struct tj_reader *r, struct upstream *up)
{
	int ended;
	if (up->batch) {
		tj_workers_release(r->workers, up->batch);
		up->batch = NULL;
	}
	struct tj_batch *b = tj_workers_next(r->workers, (uint32_t)(up - r->ups), &ended);
	if (!b) {
		up->count = 0;
		if (ended) {
			up->ended = 1;
			return TJ_OK;
		}
		tj_error_append("cannot read trace '%s'", r->input);
		return TJ_EIO;
	}
	up->batch = b;
	up->msgs = b->msgs;
	up->count = b->count;
	up->pos = 0;
	return TJ_OK;
}

static int fill_head(struct tj_reader *r, struct upstream *up)
{
	for (;;) {
		while (up->pos < up->count) {
			const bt_message *m = up->msgs[up->pos];
			int64_t ts = up->batch ? up->batch->ts[up->pos] : tj_message_ts(m);
			if (ts != TJ_TS_NONE) {
				up->head_ts = ts;
				return TJ_OK;
			}
			int rc = handle_message(r, up, m, TJ_TS_NONE);
			if (!r->workers)
				bt_message_put_ref(m);
			up->pos++;
			if (rc)
				return rc;
		}
		up->pos = up->count = 0;
		if (r->workers) {
			int rc = next_worker_batch(r, up);
			if (rc || up->ended)
				return rc;
			continue;
		}
		bt_message_iterator_next_status st = bt_message_iterator_next(up->it, &up->msgs, &up->count);
		switch (st) {
		case BT_MESSAGE_ITERATOR_NEXT_STATUS_OK:
			break;
		case BT_MESSAGE_ITERATOR_NEXT_STATUS_END:
			up->ended = 1;
			up->count = 0;
			return TJ_OK;
		case BT_MESSAGE_ITERATOR_NEXT_STATUS_AGAIN:
			up->count = 0;
			continue;
		case BT_MESSAGE_ITERATOR_NEXT_STATUS_MEMORY_ERROR:
			up->count = 0;
			return TJ_ENOMEM;
		default:
			up->count = 0;
			tj_bt_error_take();
			tj_error_append("cannot read stream '%s'", up->port_name);
			return TJ_EIO;
		}
	}
}

/* Time order; equal times in (trace, stream class, stream id) order, as
 * babeltrace2's muxer does, so ties do not depend on file-name order
 * (channel0_10 sorts before channel0_3). */
static int heap_less(const struct tj_reader *r, uint32_t a, uint32_t b)
{
	const struct upstream *ua = &r->ups[a], *ub = &r->ups[b];
	if (ua->head_ts != ub->head_ts)
		return ua->head_ts < ub->head_ts;
	if (ua->trace_index != ub->trace_index)
		return ua->trace_index < ub->trace_index;
	if (ua->tie_key != ub->tie_key)
		return ua->tie_key < ub->tie_key;
	return a < b;
}

static void heap_sift_down(struct tj_reader *r, size_t i)
{
	for (;;) {
		size_t l = 2 * i + 1, m = i;
		if (l < r->nheap && heap_less(r, r->heap[l], r->heap[m]))
			m = l;
		if (l + 1 < r->nheap && heap_less(r, r->heap[l + 1], r->heap[m]))
			m = l + 1;
		if (m == i)
			return;
		uint32_t t = r->heap[i];
		r->heap[i] = r->heap[m];
		r->heap[m] = t;
		i = m;
	}
}

static void heap_sift_up(struct tj_reader *r, size_t i)
{
	while (i > 0) {
		size_t p = (i - 1) / 2;
		if (!heap_less(r, r->heap[i], r->heap[p]))
			return;
		uint32_t t = r->heap[i];
		r->heap[i] = r->heap[p];
		r->heap[p] = t;
		i = p;
	}
}

int tj_reader_prime(struct tj_reader *r)
{
	if (r->primed)
		return TJ_OK;
	r->primed = 1;
	for (size_t i = 0; i < r->nups; i++) {
		int rc = fill_head(r, &r->ups[i]);
		if (rc)
			return rc;
		if (!r->ups[i].ended) {
			r->heap[r->nheap++] = (uint32_t)i;
			heap_sift_up(r, r->nheap - 1);
		}
	}
	r->info.first_ts = r->nheap ? r->ups[r->heap[0]].head_ts : TJ_TS_NONE;
	return TJ_OK;
}

/* One step of the merge: handle the earliest message.  Returns 1 when all
 * streams are done or past stop_ts, 0 to continue, < 0 on error. */
static int merge_step(struct tj_reader *r)
{
	if (r->nheap == 0)
		return 1;
	uint32_t ui = r->heap[0];
	struct upstream *up = &r->ups[ui];
	if (r->stop_ts != TJ_TS_NONE && up->head_ts > r->stop_ts)
		return 1;
	const bt_message *m = up->msgs[up->pos];
	int rc = handle_message(r, up, m, up->head_ts);
	if (!r->workers)
		bt_message_put_ref(m);
	up->pos++;
	if (rc)
		return rc;
	rc = fill_head(r, up);
	if (rc)
		return rc;
	if (up->ended) {
		r->heap[0] = r->heap[--r->nheap];
		if (r->nheap)
			heap_sift_down(r, 0);
	} else {
		heap_sift_down(r, 0);
	}
	return 0;
}

/* ------------------------------------------------------------------ */
/* our sink component                                                  */

static bt_component_class_initialize_method_status
sink_init(bt_self_component_sink *self, bt_self_component_sink_configuration *conf,
	  const bt_value *params, void *data)
{
	struct tj_reader *r = data;
	(void)conf;
	(void)params;
	bt_self_component_set_data(bt_self_component_sink_as_self_component(self), r);
	for (size_t i = 0; i < r->nups; i++) {
		char name[32];
		snprintf(name, sizeof(name), "in%zu", i);
		if (bt_self_component_sink_add_input_port(self, name, NULL, NULL) !=
		    BT_SELF_COMPONENT_ADD_PORT_STATUS_OK)
			return BT_COMPONENT_CLASS_INITIALIZE_METHOD_STATUS_ERROR;
	}
	return BT_COMPONENT_CLASS_INITIALIZE_METHOD_STATUS_OK;
}

static bt_component_class_sink_graph_is_configured_method_status
sink_configured(bt_self_component_sink *self)
{
	struct tj_reader *r = bt_self_component_get_data(bt_self_component_sink_as_self_component(self));
	for (size_t i = 0; i < r->nups; i++) {
		bt_self_component_port_input *port = bt_self_component_sink_borrow_input_port_by_index(self, i);
		if (bt_message_iterator_create_from_sink_component(self, port, &r->ups[i].it) !=
		    BT_MESSAGE_ITERATOR_CREATE_FROM_SINK_COMPONENT_STATUS_OK)
			return BT_COMPONENT_CLASS_SINK_GRAPH_IS_CONFIGURED_METHOD_STATUS_ERROR;
	}
	return BT_COMPONENT_CLASS_SINK_GRAPH_IS_CONFIGURED_METHOD_STATUS_OK;
}

static bt_component_class_sink_consume_method_status sink_consume(bt_self_component_sink *self)
{
	struct tj_reader *r = bt_self_component_get_data(bt_self_component_sink_as_self_component(self));
	int rc = tj_reader_prime(r);
	/* Work in batches so the graph stays responsive. */
	for (int i = 0; rc == 0 && i < 65536; i++)
		rc = merge_step(r);
	if (rc < 0) {
		r->cb_status = rc;
		return BT_COMPONENT_CLASS_SINK_CONSUME_METHOD_STATUS_ERROR;
	}
	if (rc == 1) {
		r->done = 1;
		return BT_COMPONENT_CLASS_SINK_CONSUME_METHOD_STATUS_END;
	}
	return BT_COMPONENT_CLASS_SINK_CONSUME_METHOD_STATUS_OK;
}

/* ------------------------------------------------------------------ */
/* setup                                                               */

static int add_source(struct tj_reader *r, size_t ti, bt_graph *g,
		      const bt_component_source **comp)
{
	struct trace_slot *t = &r->traces[ti];
	const bt_component_class_source *fs =
		bt_plugin_borrow_source_component_class_by_name_const(r->ctf_plugin, "fs");
	bt_value *params = bt_value_map_create();
	bt_value *inputs = NULL;
	char name[32];
	int rc = TJ_OK;

	if (!fs || !params)
		return TJ_ENOMEM;
	if (bt_value_map_insert_empty_array_entry(params, "inputs", &inputs) ||
	    bt_value_array_append_string_element(inputs, t->path)) {
		bt_value_put_ref(params);
		return TJ_ENOMEM;
	}
	snprintf(name, sizeof(name), "src%zu", ti);
	/* The TSDL parser logs with the plugin-wide level (see tj_reader_open),
	 * not the component's: keep its lines off our stderr. */
	struct tj_log_capture quiet;
	tj_log_capture_begin(&quiet);
	bt_graph_add_component_status st = bt_graph_add_source_component(
		g, fs, name, params, BT_LOGGING_LEVEL_NONE, comp);
	tj_log_capture_discard(&quiet);
	if (st != BT_GRAPH_ADD_COMPONENT_STATUS_OK) {
		/* Failure path only: ask again in a throwaway graph, with the
		 * error log captured, to learn why. */
		struct tj_log_capture cap;
		char why[512], file[512];
		int from_metadata;
		const bt_component_source *pc;
		bt_current_thread_clear_error();
		bt_graph *probe = bt_graph_create(0);
		tj_log_capture_begin(&cap);
		if (probe)
			bt_graph_add_source_component(probe, fs, name, params, BT_LOGGING_LEVEL_ERROR, &pc);
		tj_log_capture_end(&cap, t->path, why, sizeof(why), file, sizeof(file), &from_metadata);
		bt_graph_put_ref(probe);
		if (why[0]) {
			bt_current_thread_clear_error();
			if (strstr(why, "`major` attribute") || strstr(why, "`minor` attribute"))
				tj_error_append("unsupported CTF version, tjconv reads CTF 1.8 (%s)", why);
			else if (strstr(why, "plain text signature"))
				/* libbabeltrace2 2.0 prints an uninitialized version here. */
				tj_error_append("invalid CTF metadata: neither a packetized metadata "
						"stream nor text starting with '/* CTF 1.8'");
			else if (file[0])
				tj_error_append("stream file '%s': %s", file, why);
			else if (from_metadata)
				tj_error_append("invalid CTF metadata: %s", why);
			else
				tj_error_append("invalid stream data: %s", why);
		} else {
			tj_bt_error_take();
		}
		tj_error_append("cannot read trace '%s'", t->path);
		rc = TJ_EINVAL;
	}
	bt_value_put_ref(params);
	return rc;
}

/* ctf.fs names ports "UUID | STREAM-ID | /path/to/channel0_1"; users want
 * the stream file, relative to what they asked for. */
static char *stream_display_name(const struct tj_reader *r, size_t ti, const char *port)
{
	const char *bar = port ? strrchr(port, '|') : NULL;
	const char *name = bar ? bar + 1 : port ? port : "?";
	size_t in = strlen(r->input);
	while (*name == ' ')
		name++;
	while (in > 1 && r->input[in - 1] == '/')
		in--;
	if (strncmp(name, r->input, in) == 0 && name[in] == '/')
		return strdup(name + in + 1);
	/* libbabeltrace2 names files by their canonical path. */
	char *real_in = realpath(r->input, NULL);
	if (real_in) {
		size_t rn = strlen(real_in);
		if (strncmp(name, real_in, rn) == 0 && name[rn] == '/') {
			char *d = strdup(name + rn + 1);
			free(real_in);
			return d;
		}
		free(real_in);
	}
	/* Streams with an instance id are named by it: say which trace. */
	const char *tp = r->traces[ti].path;
	const char *rel = strncmp(tp, r->input, in) == 0 && tp[in] == '/' ? tp + in + 1 : tp;
	if (strncmp(tp, r->input, in) == 0 && tp[in] == '\0')
		rel = "";
	char buf[PATH_MAX + 64];
	snprintf(buf, sizeof(buf), "%s%sstream %s", rel, *rel ? " " : "", name);
	return strdup(buf);
}

/* One graph: our merge sink pulls every port itself (jobs = 1). */
static int setup_merge_sink(struct tj_reader *r)
{
	const bt_component_sink *sink;
	r->sink_class = bt_component_class_sink_create("tjconv-merge", sink_consume);
	if (!r->sink_class ||
	    bt_component_class_sink_set_initialize_method(r->sink_class, sink_init) ||
	    bt_component_class_sink_set_graph_is_configured_method(r->sink_class, sink_configured))
		return TJ_ENOMEM;
	if (bt_graph_add_sink_component_with_initialize_method_data(
		    r->graph, r->sink_class, "merge", NULL, r, BT_LOGGING_LEVEL_NONE, &sink) !=
	    BT_GRAPH_ADD_COMPONENT_STATUS_OK) {
		tj_bt_error_take();
		tj_error_append("cannot set up the reading graph");
		return TJ_ERROR;
	}
	size_t k = 0;
	for (size_t i = 0; i < r->ntraces; i++) {
		uint64_t n = bt_component_source_get_output_port_count(r->traces[i].comp);
		for (uint64_t j = 0; j < n; j++, k++)
			if (bt_graph_connect_ports(r->graph,
						   bt_component_source_borrow_output_port_by_index_const(
							   r->traces[i].comp, j),
						   bt_component_sink_borrow_input_port_by_index_const(sink, k),
						   NULL) != BT_GRAPH_CONNECT_PORTS_STATUS_OK) {
				tj_bt_error_take();
				tj_error_append("cannot connect stream '%s'", r->ups[k].port_name);
				return TJ_ERROR;
			}
	}
	return TJ_OK;
}

/* --jobs N: one graph per worker, each with its own sources (metadata is
 * parsed once per worker), stream k decoded by worker k % N. */
static int setup_workers(struct tj_reader *r, uint32_t jobs)
{
	uint32_t nw = jobs < r->nups ? jobs : (uint32_t)r->nups;
	const bt_port_output **ports = calloc(r->nups, sizeof(*ports));
	uint32_t *owner = calloc(r->nups, sizeof(*owner));
	const char **names = calloc(r->nups, sizeof(*names));
	int rc = TJ_OK;

	r->wgraphs = calloc(nw, sizeof(*r->wgraphs));
	if (!ports || !owner || !names || !r->wgraphs) {
		rc = TJ_ENOMEM;
		goto out;
	}
	r->nwgraphs = nw;
	r->wgraphs[0] = r->graph;
	bt_graph_get_ref(r->graph);
	for (uint32_t w = 1; w < nw && rc == TJ_OK; w++) {
		r->wgraphs[w] = bt_graph_create(0);
		if (!r->wgraphs[w])
			rc = TJ_ENOMEM;
	}
	size_t k = 0;
	for (size_t i = 0; rc == TJ_OK && i < r->ntraces; i++) {
		const bt_component_source *comps[64];
		uint32_t ncomps = nw < 64 ? nw : 64;
		comps[0] = r->traces[i].comp;
		for (uint32_t w = 1; rc == TJ_OK && w < ncomps; w++)
			rc = add_source(r, i, r->wgraphs[w], &comps[w]);
		if (rc)
			break;
		uint64_t n = bt_component_source_get_output_port_count(comps[0]);
		for (uint64_t j = 0; j < n; j++, k++) {
			owner[k] = (uint32_t)(k % ncomps);
			if (bt_component_source_get_output_port_count(comps[owner[k]]) != n) {
				tj_error_append("trace '%s' changed while opening it", r->traces[i].path);
				rc = TJ_EIO;
				break;
			}
			ports[k] = bt_component_source_borrow_output_port_by_index_const(comps[owner[k]], j);
			names[k] = r->ups[k].port_name;
		}
	}
	if (rc == TJ_OK)
		rc = tj_workers_create(&r->workers, r->wgraphs, nw, ports, owner, names,
				       (uint32_t)r->nups);
out:
	free(ports);
	free(owner);
	free(names);
	return rc;
}

int tj_reader_open(struct tj_reader **out, const char *path)
{
	return tj_reader_open_jobs(out, path, 1);
}

int tj_reader_open_jobs(struct tj_reader **out, const char *path, uint32_t jobs)
{
	struct tj_strvec dirs = {0};
	struct tj_reader *r = calloc(1, sizeof(*r));
	int rc;

	*out = NULL;
	if (!r)
		return TJ_ENOMEM;
	r->input = strdup(path);
	r->stop_ts = TJ_TS_NONE;
	if (!r->input) {
		free(r);
		return TJ_ENOMEM;
	}
	rc = find_traces(path, &dirs);
	if (rc)
		goto fail;

	r->traces = calloc(dirs.n, sizeof(*r->traces));
	r->descs = calloc(dirs.n, sizeof(*r->descs));
	if (!r->traces || !r->descs) {
		rc = TJ_ENOMEM;
		goto fail;
	}
	r->ntraces = dirs.n;
	for (size_t i = 0; i < dirs.n; i++) {
		r->traces[i].path = dirs.v[i];
		dirs.v[i] = NULL;
		r->traces[i].desc.path = r->traces[i].path;
		r->traces[i].desc.tracer_major = r->traces[i].desc.tracer_minor = -1;
	}

	/* The ctf plugin's TSDL parser reports where metadata is invalid ("At
	 * line 9 in metadata stream: ...") only at this plugin-wide log level,
	 * read when the plugin is loaded; the babeltrace2 CLI sets it the same
	 * way.  add_source captures those lines. */
	setenv("BABELTRACE_PLUGIN_CTF_METADATA_LOG_LEVEL", "E", 0);
	if (bt_plugin_find("ctf", BT_FALSE, BT_FALSE, BT_TRUE, BT_TRUE, BT_TRUE, &r->ctf_plugin) !=
	    BT_PLUGIN_FIND_STATUS_OK) {
		tj_bt_error_take();
		tj_error_append("cannot find libbabeltrace2's 'ctf' plugin (is babeltrace2 installed?)");
		rc = TJ_ERROR;
		goto fail;
	}
#ifdef TJ_KEEP_PLUGINS_MAPPED
	/* Sanitizer builds: keep babeltrace2's ctf plugin mapped after it is
	 * released, so LeakSanitizer can name (and tests/lsan.supp suppress)
	 * leaks inside it instead of reporting an unknown module. */
	if (bt_plugin_get_path(r->ctf_plugin))
		dlopen(bt_plugin_get_path(r->ctf_plugin), RTLD_NOW | RTLD_NOLOAD | RTLD_NODELETE);
#endif
	r->graph = bt_graph_create(0);
	if (!r->graph) {
		rc = TJ_ENOMEM;
		goto fail;
	}
	for (size_t i = 0; i < r->ntraces; i++) {
		rc = add_source(r, i, r->graph, &r->traces[i].comp);
		if (rc)
			goto fail;
		r->nups += bt_component_source_get_output_port_count(r->traces[i].comp);
	}
	r->ups = calloc(r->nups ? r->nups : 1, sizeof(*r->ups));
	r->heap = calloc(r->nups ? r->nups : 1, sizeof(*r->heap));
	if (!r->ups || !r->heap) {
		rc = TJ_ENOMEM;
		goto fail;
	}
	size_t k = 0;
	for (size_t i = 0; i < r->ntraces; i++) {
		uint64_t n = bt_component_source_get_output_port_count(r->traces[i].comp);
		for (uint64_t j = 0; j < n; j++, k++) {
			const bt_port_output *op =
				bt_component_source_borrow_output_port_by_index_const(r->traces[i].comp, j);
			const char *pname = bt_port_get_name(bt_port_output_as_port_const(op));
			r->ups[k].trace_index = (uint32_t)i;
			r->ups[k].port_name = stream_display_name(r, i, pname);
			if (!r->ups[k].port_name) {
				rc = TJ_ENOMEM;
				goto fail;
			}
		}
	}
	rc = jobs > 1 && r->nups > 1 ? setup_workers(r, jobs) : setup_merge_sink(r);
	if (rc)
		goto fail;
	for (size_t i = 0; i < r->ntraces; i++)
		r->descs[i] = r->traces[i].desc;
	r->info.size = sizeof(r->info);
	r->info.ntraces = (uint32_t)r->ntraces;
	r->info.traces = r->descs;
	r->info.first_ts = TJ_TS_NONE;
	r->info.begin_ts = r->info.end_ts = TJ_TS_NONE;
	r->info.input_path = r->input;
	tj_strvec_release(&dirs);
	*out = r;
	return TJ_OK;
fail:
	tj_strvec_release(&dirs);
	tj_reader_free(r);
	return rc;
}

/* Priming runs inside the graph (iterators exist only once it runs), so the
 * caller's first tj_reader_run does it; tj_reader_borrow_info is complete
 * from the first on_event/on_class callback on. */
const struct tj_trace_info *tj_reader_borrow_info(const struct tj_reader *r)
{
	return &r->info;
}

static void sync_descs(struct tj_reader *r)
{
	for (size_t i = 0; i < r->ntraces; i++)
		r->descs[i] = r->traces[i].desc;
}

/* --jobs: the workers run the graphs; the merge runs here. */
static int run_with_workers(struct tj_reader *r)
{
	int rc = TJ_OK;
	if (!r->workers_started) {
		r->workers_started = 1;
		rc = tj_workers_start(r->workers);
	}
	if (rc == TJ_OK)
		rc = tj_reader_prime(r);
	while (rc == 0)
		rc = merge_step(r);
	sync_descs(r);
	return rc < 0 ? rc : TJ_OK;
}

int tj_reader_run(struct tj_reader *r, const struct tj_reader_callbacks *cb, int64_t stop_ts)
{
	r->cb = cb;
	r->stop_ts = stop_ts;
	r->cb_status = TJ_OK;
	if (r->workers)
		return run_with_workers(r);
	while (!r->done) {
		bt_graph_run_once_status st = bt_graph_run_once(r->graph);
		sync_descs(r);
		if (st == BT_GRAPH_RUN_ONCE_STATUS_END)
			break;
		if (st == BT_GRAPH_RUN_ONCE_STATUS_AGAIN || st == BT_GRAPH_RUN_ONCE_STATUS_OK)
			continue;
		if (r->cb_status) {
			/* Our own failure: its causes are already in the chain. */
			bt_current_thread_clear_error();
			return r->cb_status;
		}
		tj_bt_error_take();
		tj_error_append("cannot read trace '%s'", r->input);
		return TJ_EIO;
	}
	sync_descs(r);
	return TJ_OK;
}

size_t tj_reader_stream_count(const struct tj_reader *r)
{
	return r->nstreams;
}

const struct tj_stream_stats *tj_reader_borrow_stream_stats(const struct tj_reader *r, size_t i)
{
	return &r->streams[i]->stats;
}

void tj_reader_free(struct tj_reader *r)
{
	if (!r)
		return;
	if (r->workers) {
		/* Batches go back to their workers before those stop. */
		for (size_t i = 0; i < r->nups; i++)
			if (r->ups[i].batch)
				tj_workers_release(r->workers, r->ups[i].batch);
		tj_workers_free(r->workers);
	}
	for (size_t i = 0; i < r->nups; i++) {
		if (!r->workers)
			release_batch(&r->ups[i]);
		bt_message_iterator_put_ref(r->ups[i].it);
		free(r->ups[i].port_name);
	}
	for (uint32_t w = 0; w < r->nwgraphs; w++)
		bt_graph_put_ref(r->wgraphs[w]);
	free(r->wgraphs);
	bt_graph_put_ref(r->graph);
	bt_component_class_sink_put_ref(r->sink_class);
	bt_plugin_put_ref(r->ctf_plugin);
	for (size_t i = 0; i < r->nclasses; i++) {
		tj_class_release_fields(r->classes[i]);
		free((char *)r->classes[i]->pub.name);
		free(r->classes[i]);
	}
	free(r->classes);
	for (size_t i = 0; i < r->nscs; i++) {
		free(r->scs[i]->by_id);
		free(r->scs[i]);
	}
	free(r->scs);
	for (size_t i = 0; i < r->nstreams; i++) {
		free(r->streams[i]->name);
		free(r->streams[i]);
	}
	free(r->streams);
	for (size_t i = 0; i < r->ntraces; i++) {
		struct trace_slot *t = &r->traces[i];
		free(t->path);
		free(t->hostname);
		free(t->domain);
		free(t->tracer_name);
		free(t->kernel_release);
		free(t->uuid);
	}
	free(r->traces);
	free(r->descs);
	free(r->ups);
	free(r->heap);
	free(r->input);
	free(r);
}

void tj_reader_set_stop(struct tj_reader *r, int64_t stop_ts)
{
	r->stop_ts = stop_ts;
}
