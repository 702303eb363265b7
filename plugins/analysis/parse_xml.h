/*
 * Shared by the two halves of the Trace Compass XML reader: parse_xml.c
 * (attributes, values, conditions, actions) and parse_xml_top.c (the
 * document, state providers, patterns, FSMs).
 */
#ifndef TJ_ANALYSIS_PARSE_XML_H
#define TJ_ANALYSIS_PARSE_XML_H

#include <libxml/tree.h>

#include "model.h"

struct px {
	struct an_err *err;
	const char *file;
	struct an_analysis *a;
	xmlNode *defined; /* the <stateProvider> or <pattern>: definedValues, locations */
};

#define PX_IS(n, s) (xmlStrcmp((n)->name, (const xmlChar *)(s)) == 0)
#define PX_EACH(c, parent) \
	for (xmlNode *c = (parent)->children; c; c = c->next) \
		if (c->type == XML_ELEMENT_NODE)

int px_line(xmlNode *n);
int px_fail(struct px *p, xmlNode *n, const char *what);
int px_unsupported(struct px *p, xmlNode *n, const char *inside);
char *px_attr(xmlNode *n, const char *name);
int px_attr_is(xmlNode *n, const char *name, const char *value);
char *px_resolved(struct px *p, xmlNode *n, const char *name);
int px_dup(struct px *p, xmlNode *n, const char *name, char **out, int required);
int px_path(struct px *p, xmlNode *parent, struct an_path *path);
int px_value(struct px *p, xmlNode *n, struct an_value *v);
int px_condition(struct px *p, xmlNode *n, struct an_cond *c);
int px_state_change(struct px *p, xmlNode *n, struct an_action *a);
int px_segment(struct px *p, xmlNode *n, struct an_action *a);

#endif
