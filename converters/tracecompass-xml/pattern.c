/*
 * A model's latency segments as one Trace Compass <pattern>: per segment a
 * finite state machine with multiple scenarios (a new one waits at each
 * start event), whose start action stores the keys and the name in the
 * scenario (#CurrentScenario/...), and whose end transition, guarded by a
 * test that the keys are the same, emits a <segment>.  Trace Compass then
 * offers its latency table, scatter chart, density and statistics views.
 * A pattern has its own state system: when a key is the event's thread and
 * the trace has no vtid context, the pattern follows sched_switch itself
 * (as Trace Compass's IRQ analysis does).
 */
#include <stdio.h>
#include <string.h>

#include "tcxml.h"

#define X(s) ((const xmlChar *)(s))


/* Whether every name of a NULL-terminated list the trace has carries vtid,
 * and whether it has any. */
static struct tcxml_match list_match(const struct tcxml *x, const char *const *names)
{
	struct tcxml_match all = {0, 1};
	for (; names && *names; names++) {
		struct tcxml_match m = tcxml_match(x, *names);
		if (m.seen) {
			all.seen = 1;
			all.all_vtid &= m.all_vtid;
		}
	}
	return all;
}

/* A key template ("{cpu}", TJ_MODEL_THREAD) as a value of the event now. */
static int key_value(xmlTextWriterPtr w, const char *key, int vtid)
{
	struct tj_mvalue v = {.type = TJ_MV_QUERY, .s = key};
	char field[64];
	size_t n = strlen(key);
	if (strcmp(key, TJ_MODEL_THREAD) == 0 && !vtid) {
		v.s = "CPUs/{cpu}/Current_thread";
	} else if (strcmp(key, TJ_MODEL_THREAD) == 0) {
		v = (struct tj_mvalue){.type = TJ_MV_FIELD, .s = "context._vtid"};
	} else if (n > 2 && key[0] == '{' && key[n - 1] == '}' && n - 2 < sizeof(field)) {
		memcpy(field, key + 1, n - 2);
		field[n - 2] = '\0';
		v = (struct tj_mvalue){.type = TJ_MV_FIELD, .s = field};
	} else {
		v = (struct tj_mvalue){.type = TJ_MV_STR, .s = key};
	}
	return tcxml_write_value(w, "stateValue", &v, vtid, 0);
}

static int scenario_attr(xmlTextWriterPtr w, const char *name)
{
	int rc = tcxml_empty(w, "stateAttribute", "type", "constant", "value", "#CurrentScenario");
	if (rc >= 0)
		rc = tcxml_empty(w, "stateAttribute", "type", "constant", "value", name);
	return rc;
}

static int write_test(xmlTextWriterPtr w, const char *id, const struct tj_msegment *s, int vtid)
{
	uint32_t nkeys = 0;
	char k[16];
	while (s->keys && s->keys[nkeys])
		nkeys++;
	int rc = xmlTextWriterStartElement(w, X("test"));
	if (rc >= 0)
		rc = tcxml_attr(w, "id", id);
	if (rc >= 0)
		rc = xmlTextWriterStartElement(w, X("if"));
	if (rc >= 0 && nkeys > 1)
		rc = xmlTextWriterStartElement(w, X("and"));
	for (uint32_t i = 0; rc >= 0 && i < nkeys; i++) {
		snprintf(k, sizeof(k), "key%u", (unsigned)i);
		rc = xmlTextWriterStartElement(w, X("condition"));
		if (rc >= 0)
			rc = xmlTextWriterStartElement(w, X("stateValue"));
		if (rc >= 0)
			rc = tcxml_attr(w, "type", "query");
		if (rc >= 0)
			rc = scenario_attr(w, k);
		if (rc >= 0)
			rc = xmlTextWriterEndElement(w);
		if (rc >= 0)
			rc = key_value(w, s->keys[i], vtid);
		if (rc >= 0)
			rc = xmlTextWriterEndElement(w);
	}
	if (rc >= 0 && nkeys > 1)
		rc = xmlTextWriterEndElement(w);
	if (rc >= 0)
		rc = xmlTextWriterEndElement(w); /* if */
	if (rc >= 0)
		rc = xmlTextWriterEndElement(w);
	return rc;
}

static int store(xmlTextWriterPtr w, const char *name, int (*value)(xmlTextWriterPtr, const char *,
								    int),
		 const char *arg, int vtid)
{
	int rc = xmlTextWriterStartElement(w, X("stateChange"));
	if (rc >= 0)
		rc = scenario_attr(w, name);
	if (rc >= 0)
		rc = value(w, arg, vtid);
	if (rc >= 0)
		rc = xmlTextWriterEndElement(w);
	return rc;
}

static int name_value(xmlTextWriterPtr w, const char *field, int vtid)
{
	struct tj_mvalue v = {.type = field ? TJ_MV_FIELD : TJ_MV_EVENT_NAME, .s = field};
	return tcxml_write_value(w, "stateValue", &v, vtid, 0);
}

static int write_actions(xmlTextWriterPtr w, const char *id, const struct tj_msegment *s, int vtid)
{
	char name[256], k[16];
	snprintf(name, sizeof(name), "%s.begin", id);
	int rc = xmlTextWriterStartElement(w, X("action"));
	if (rc >= 0)
		rc = tcxml_attr(w, "id", name);
	for (uint32_t i = 0; rc >= 0 && s->keys && s->keys[i]; i++) {
		snprintf(k, sizeof(k), "key%u", (unsigned)i);
		rc = store(w, k, key_value, s->keys[i], vtid);
	}
	if (rc >= 0)
		rc = store(w, "name", name_value, s->name_field, vtid);
	if (rc >= 0)
		rc = xmlTextWriterEndElement(w);

	snprintf(name, sizeof(name), "%s.end", id);
	if (rc >= 0)
		rc = xmlTextWriterStartElement(w, X("action"));
	if (rc >= 0)
		rc = tcxml_attr(w, "id", name);
	if (rc >= 0)
		rc = xmlTextWriterStartElement(w, X("segment"));
	if (rc >= 0)
		rc = xmlTextWriterStartElement(w, X("segType"));
	if (rc >= 0)
		rc = xmlTextWriterStartElement(w, X("segName"));
	if (rc >= 0)
		rc = xmlTextWriterStartElement(w, X("stateValue"));
	if (rc >= 0)
		rc = tcxml_attr(w, "type", "query");
	if (rc >= 0)
		rc = scenario_attr(w, "name");
	for (int i = 0; rc >= 0 && i < 3; i++)
		rc = xmlTextWriterEndElement(w); /* stateValue, segName, segType */
	if (rc >= 0)
		rc = xmlTextWriterStartElement(w, X("segContent"));
	for (uint32_t i = 0; rc >= 0 && s->keys && s->keys[i]; i++) {
		/* The key by its name: "cpu", "vec", "tid". */
		char field[48];
		const char *key = s->keys[i];
		size_t n = strlen(key);
		if (strcmp(key, TJ_MODEL_THREAD) == 0)
			snprintf(field, sizeof(field), "tid");
		else
			snprintf(field, sizeof(field), "%.*s", n > 2 ? (int)(n - 2) : 0, key + 1);
		snprintf(k, sizeof(k), "key%u", (unsigned)i);
		rc = xmlTextWriterStartElement(w, X("segField"));
		if (rc >= 0)
			rc = tcxml_attr(w, "name", field);
		if (rc >= 0)
			rc = tcxml_attr(w, "type", "long");
		if (rc >= 0)
			rc = xmlTextWriterStartElement(w, X("stateValue"));
		if (rc >= 0)
			rc = tcxml_attr(w, "type", "query");
		if (rc >= 0)
			rc = scenario_attr(w, k);
		if (rc >= 0)
			rc = xmlTextWriterEndElement(w);
		if (rc >= 0)
			rc = xmlTextWriterEndElement(w);
	}
	for (int i = 0; rc >= 0 && i < 3; i++)
		rc = xmlTextWriterEndElement(w); /* segContent, segment, action */
	return rc;
}

static int transitions(struct tcxml *x, xmlTextWriterPtr w, const char *const *events,
		       const char *target, const char *action, const char *cond)
{
	int rc = 0;
	for (; rc >= 0 && events && *events; events++) {
		if (!tcxml_match(x, *events).seen)
			continue;
		rc = xmlTextWriterStartElement(w, X("transition"));
		if (rc >= 0)
			rc = tcxml_attr(w, "event", *events);
		if (rc >= 0 && cond)
			rc = tcxml_attr(w, "cond", cond);
		if (rc >= 0)
			rc = tcxml_attr(w, "target", target);
		if (rc >= 0)
			rc = tcxml_attr(w, "action", action);
		if (rc >= 0)
			rc = xmlTextWriterEndElement(w);
	}
	return rc;
}

static int write_fsm(struct tcxml *x, xmlTextWriterPtr w, const char *id, const struct tj_msegment *s)
{
	char begin[256], end[256], test[256];
	snprintf(begin, sizeof(begin), "%s.begin", id);
	snprintf(end, sizeof(end), "%s.end", id);
	snprintf(test, sizeof(test), "%s.same", id);
	int rc = xmlTextWriterStartElement(w, X("fsm"));
	if (rc >= 0)
		rc = tcxml_attr(w, "id", id);
	if (rc >= 0)
		rc = tcxml_attr(w, "multiple", "true");
	if (rc >= 0)
		rc = tcxml_attr(w, "initial", "wait_start");
	for (int pass = 0; rc >= 0 && pass < 2; pass++)
		for (const char *const *e = pass ? s->end : s->start; rc >= 0 && e && *e; e++)
			if (tcxml_match(x, *e).seen)
				rc = tcxml_empty(w, "precondition", "event", *e, NULL, NULL);
	if (rc >= 0)
		rc = xmlTextWriterStartElement(w, X("state"));
	if (rc >= 0)
		rc = tcxml_attr(w, "id", "wait_start");
	if (rc >= 0)
		rc = transitions(x, w, s->start, "wait_end", begin, NULL);
	if (rc >= 0)
		rc = xmlTextWriterEndElement(w);
	if (rc >= 0)
		rc = xmlTextWriterStartElement(w, X("state"));
	if (rc >= 0)
		rc = tcxml_attr(w, "id", "wait_end");
	if (rc >= 0)
		rc = transitions(x, w, s->end, "done", end, s->keys && s->keys[0] ? test : NULL);
	if (rc >= 0)
		rc = xmlTextWriterEndElement(w);
	if (rc >= 0)
		rc = tcxml_empty(w, "final", "id", "done", NULL, NULL);
	if (rc >= 0)
		rc = xmlTextWriterEndElement(w);
	return rc;
}

/* CPUs/{cpu}/Current_thread in the pattern's own state system. */
static int write_current_thread(xmlTextWriterPtr w)
{
	int rc = xmlTextWriterStartElement(w, X("action"));
	if (rc >= 0)
		rc = tcxml_attr(w, "id", "tjconv.current_thread");
	if (rc >= 0)
		rc = xmlTextWriterStartElement(w, X("stateChange"));
	if (rc >= 0)
		rc = tcxml_write_path(w, "CPUs/{cpu}/Current_thread", 1);
	struct tj_mvalue v = {.type = TJ_MV_FIELD, .s = "next_tid"};
	if (rc >= 0)
		rc = tcxml_write_value(w, "stateValue", &v, 1, 0);
	for (int i = 0; rc >= 0 && i < 2; i++)
		rc = xmlTextWriterEndElement(w);
	return rc;
}

static int write_switch_fsm(xmlTextWriterPtr w)
{
	int rc = xmlTextWriterStartElement(w, X("fsm"));
	if (rc >= 0)
		rc = tcxml_attr(w, "id", "tjconv.sched_switch");
	if (rc >= 0)
		rc = tcxml_attr(w, "multiple", "false");
	if (rc >= 0)
		rc = tcxml_empty(w, "precondition", "event", "sched_switch", NULL, NULL);
	if (rc >= 0)
		rc = xmlTextWriterStartElement(w, X("state"));
	if (rc >= 0)
		rc = tcxml_attr(w, "id", "running");
	if (rc >= 0)
		rc = xmlTextWriterStartElement(w, X("transition"));
	if (rc >= 0)
		rc = tcxml_attr(w, "event", "sched_switch");
	if (rc >= 0)
		rc = tcxml_attr(w, "target", "running");
	if (rc >= 0)
		rc = tcxml_attr(w, "action", "tjconv.current_thread");
	for (int i = 0; rc >= 0 && i < 3; i++)
		rc = xmlTextWriterEndElement(w);
	return rc;
}

static int uses_thread(const struct tj_msegment *s)
{
	for (const char *const *k = s->keys; k && *k; k++)
		if (strcmp(*k, TJ_MODEL_THREAD) == 0)
			return 1;
	return 0;
}

int tcxml_write_pattern(struct tcxml *x, xmlTextWriterPtr w, const struct tj_model *m)
{
	/* Which segments this trace can produce: a start and an end event. */
	uint32_t kept = 0;
	int need_switch = 0;
	for (uint32_t i = 0; i < m->nsegments; i++) {
		const struct tj_msegment *s = TCXML_AT(m->segments, i);
		struct tcxml_match a = list_match(x, s->start), b = list_match(x, s->end);
		if (a.seen && b.seen) {
			kept++;
			need_switch |= uses_thread(s) && !(a.all_vtid && b.all_vtid);
		} else {
			x->segments_dropped++;
		}
	}
	if (!kept)
		return 0;
	need_switch &= tcxml_match(x, "sched_switch").seen;
	char id[160], label[200];
	snprintf(id, sizeof(id), "%s.latency", m->id);
	snprintf(label, sizeof(label), "%s: latencies", m->label);
	int rc = xmlTextWriterStartElement(w, X("pattern"));
	if (rc >= 0)
		rc = tcxml_attr(w, "version", "1");
	if (rc >= 0)
		rc = tcxml_attr(w, "id", id);
	if (rc >= 0)
		rc = xmlTextWriterStartElement(w, X("head"));
	if (rc >= 0)
		rc = tcxml_empty(w, "traceType", "id", TCXML_TRACE_TYPE, NULL, NULL);
	if (rc >= 0)
		rc = tcxml_empty(w, "label", "value", label, NULL, NULL);
	if (rc >= 0)
		rc = xmlTextWriterEndElement(w);
	if (rc >= 0)
		rc = xmlTextWriterStartElement(w, X("patternHandler"));
	for (uint32_t i = 0; rc >= 0 && i < m->nsegments; i++) {
		const struct tj_msegment *s = TCXML_AT(m->segments, i);
		struct tcxml_match a = list_match(x, s->start), b = list_match(x, s->end);
		char sid[200], test[210];
		if (!a.seen || !b.seen)
			continue;
		int vtid = a.all_vtid && b.all_vtid;
		snprintf(sid, sizeof(sid), "%s.%s", m->id, s->id);
		snprintf(test, sizeof(test), "%s.same", sid);
		if (s->keys && s->keys[0])
			rc = write_test(w, test, s, vtid);
		if (rc >= 0)
			rc = write_actions(w, sid, s, vtid);
	}
	if (rc >= 0 && need_switch)
		rc = write_current_thread(w);
	for (uint32_t i = 0; rc >= 0 && i < m->nsegments; i++) {
		const struct tj_msegment *s = TCXML_AT(m->segments, i);
		char sid[200];
		if (!list_match(x, s->start).seen || !list_match(x, s->end).seen)
			continue;
		snprintf(sid, sizeof(sid), "%s.%s", m->id, s->id);
		x->segments_written++;
		rc = write_fsm(x, w, sid, s);
	}
	if (rc >= 0 && need_switch)
		rc = write_switch_fsm(w);
	if (rc >= 0)
		rc = xmlTextWriterEndElement(w); /* patternHandler */
	if (rc >= 0)
		rc = xmlTextWriterEndElement(w);
	return rc;
}
