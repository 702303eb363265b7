/*
 * Internals of the "tracecompass-xml" exporter: the event classes the trace
 * showed (to keep only the event names it has and to know whether events
 * carry a vtid context) and the writers of each part of the <tmfxml>
 * document, all on one libxml2 xmlTextWriter.
 */
#ifndef TCXML_H
#define TCXML_H

#include <stddef.h>
#include <stdint.h>

#include <libxml/xmlwriter.h>

#include "tjconv/model.h"
#include "tjconv/plugin.h"

#define TCXML_TRACE_TYPE "org.eclipse.linuxtools.lttng2.kernel.tracetype"

struct tcxml_class {
	char *name;
	int has_vtid; /* a vtid context field (Trace Compass: context._vtid) */
};

struct tcxml {
	const struct tj_host *host;
	struct tj_plugin *self;
	const struct tj_trace_info *info;
	struct tcxml_class *classes;
	size_t nclasses, capclasses;
	/* Counts shown at the end: what the trace made us leave out. */
	uint64_t handlers_written, handlers_dropped, segments_written, segments_dropped;
	uint64_t analyses_written; /* models' ready <tmfxml> elements (tj_model.tmfxml) */
};

/* How an event name (exact or "prefix*") fares in this trace. */
struct tcxml_match {
	int seen;     /* some class of the trace matches it */
	int all_vtid; /* every matching class has a vtid context */
};
struct tcxml_match tcxml_match(const struct tcxml *x, const char *pattern);

/* Each returns < 0 when the writer failed. */
/* A path template as <stateAttribute> elements; `vtid`: the event's thread
 * is its context._vtid, else CPUs/{cpu}/Current_thread. */
/* An attribute; an element with up to two attributes and nothing inside
 * (k2 or both keys NULL for fewer).  libxml2's status: < 0 on failure. */
int tcxml_attr(xmlTextWriterPtr w, const char *name, const char *value);
int tcxml_empty(xmlTextWriterPtr w, const char *name, const char *k1, const char *v1,
		const char *k2, const char *v2);
int tcxml_write_path(xmlTextWriterPtr w, const char *path, int vtid);
/* <stateValue> (element name `elem`) for a model value. */
int tcxml_write_value(xmlTextWriterPtr w, const char *elem, const struct tj_mvalue *v, int vtid,
		      int increment);
/* The <stateProvider> of a model and its views; 0 and nothing written when
 * none of its events is in the trace. */
int tcxml_write_provider(struct tcxml *x, xmlTextWriterPtr w, const struct tj_model *m);
/* The <pattern> of a model's latency segments; 0 when it has none here. */
int tcxml_write_pattern(struct tcxml *x, xmlTextWriterPtr w, const struct tj_model *m);

/* Model arrays are strided by their first element's size. */
#define TCXML_AT(arr, i) \
	((const void *)((const char *)(arr) + (size_t)(i) * (arr)[0].size))

#endif
