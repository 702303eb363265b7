/*
 * Class interning and trace environments.  Field names are resolved once,
 * when a stream class or event class is first seen, so that per event the
 * reader only indexes arrays: the context members that give an event's
 * thread (vtid/tid, vpid/pid, procname, prio) and the packet's cpu_id, and
 * the tj_class of each event class id.
 */
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "class_detach.h"
#include "classes.h"
#include "fields.h"

/* Index of member name in structure class st, or -1.  With is_signed, the
 * member must be an integer and *is_signed says whether it is signed. */
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

struct tj_sclass *tj_classes_sclass(struct tj_classes *cs, const bt_stream_class *sc,
				    uint32_t trace_index)
{
	for (size_t i = 0; i < cs->nscs; i++)
		if (cs->scs[i]->bt == sc)
			return cs->scs[i];
	struct tj_sclass **v = realloc(cs->scs, (cs->nscs + 1) * sizeof(*v));
	struct tj_sclass *c = calloc(1, sizeof(*c));
	if (!v || !c) {
		if (v)
			cs->scs = v;
		free(c);
		return NULL;
	}
	cs->scs = v;
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
	cs->scs[cs->nscs++] = c;
	return c;
}

struct tj_class *tj_classes_intern(struct tj_classes *cs, struct tj_sclass *sc,
				   const bt_event_class *ec)
{
	uint64_t id = bt_event_class_get_id(ec);
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
	struct tj_class **all = realloc(cs->all, (cs->n + 1) * sizeof(*all));
	struct tj_class *c = calloc(1, sizeof(*c));
	const char *name = bt_event_class_get_name(ec);
	if (!all || !c) {
		if (all)
			cs->all = all;
		free(c);
		return NULL;
	}
	cs->all = all;
	c->pub.size = sizeof(c->pub);
	c->pub.id = cs->n;
	c->pub.trace_index = sc->trace_index;
	c->pub.name = strdup(name ? name : "<unnamed>");
	c->bt_class = ec;
	if (!c->pub.name) {
		free(c);
		return NULL;
	}
	cs->all[cs->n++] = c;
	sc->by_id[id] = c;
	return c;
}

void tj_classes_release(struct tj_classes *cs)
{
	for (uint32_t i = 0; i < cs->n; i++) {
		tj_class_release_fields(cs->all[i]);
		tj_class_release_names(cs->all[i]);
		free((char *)cs->all[i]->pub.name);
		free(cs->all[i]);
	}
	free(cs->all);
	for (size_t i = 0; i < cs->nscs; i++) {
		free(cs->scs[i]->by_id);
		free(cs->scs[i]);
	}
	free(cs->scs);
	memset(cs, 0, sizeof(*cs));
}

void tj_trace_slot_init(struct tj_trace_slot *t, char *path)
{
	memset(t, 0, sizeof(*t));
	t->path = path;
	t->desc.size = sizeof(t->desc);
	t->desc.path = path;
	t->desc.tracer_major = t->desc.tracer_minor = -1;
}

void tj_trace_slot_fill_env(struct tj_trace_slot *t, const bt_trace *trace)
{
	static const struct {
		const char *key;
		size_t off;
	} keys[] = {
		{"hostname", offsetof(struct tj_trace_slot, hostname)},
		{"domain", offsetof(struct tj_trace_slot, domain)},
		{"tracer_name", offsetof(struct tj_trace_slot, tracer_name)},
		{"kernel_release", offsetof(struct tj_trace_slot, kernel_release)},
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

void tj_trace_slot_release(struct tj_trace_slot *t)
{
	free(t->path);
	free(t->hostname);
	free(t->domain);
	free(t->tracer_name);
	free(t->kernel_release);
	free(t->uuid);
	memset(t, 0, sizeof(*t));
}

/* babeltrace2's muxer breaks ties between traces by trace name, which
 * source.ctf.fs makes "HOSTNAME/PATH" (PATH relative to what the user
 * gave): rank the traces the same way, once their environments are read. */
static char *trace_name(const struct tj_trace_slot *t, const char *input)
{
	const char *host = t->hostname ? t->hostname : "";
	size_t in = strlen(input);
	while (in > 1 && input[in - 1] == '/')
		in--;
	const char *rel = strncmp(t->path, input, in) == 0 && (t->path[in] == '/' || !t->path[in])
				  ? t->path + in + (t->path[in] == '/')
				  : t->path;
	size_t n = strlen(host) + strlen(rel) + 2;
	char *name = malloc(n);
	if (name)
		snprintf(name, n, "%s/%s", host, rel);
	return name;
}

uint32_t *tj_trace_slots_rank(const struct tj_trace_slot *traces, size_t n, const char *input)
{
	char **names = calloc(n ? n : 1, sizeof(*names));
	uint32_t *order = calloc(n ? n : 1, sizeof(*order));
	uint32_t *rank = calloc(n ? n : 1, sizeof(*rank));
	int ok = names && order && rank;
	for (size_t i = 0; ok && i < n; i++)
		ok = (names[i] = trace_name(&traces[i], input)) != NULL;
	/* Few traces: insertion sort, stable on directory order. */
	for (size_t i = 0; ok && i < n; i++) {
		size_t j = i;
		while (j > 0 && strcmp(names[order[j - 1]], names[i]) > 0) {
			order[j] = order[j - 1];
			j--;
		}
		order[j] = (uint32_t)i;
	}
	for (size_t k = 0; ok && k < n; k++)
		rank[order[k]] = (uint32_t)k;
	for (size_t i = 0; names && i < n; i++)
		free(names[i]);
	free(names);
	free(order);
	if (!ok) {
		free(rank);
		return NULL;
	}
	return rank;
}
