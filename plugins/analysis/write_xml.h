/*
 * write_xml.c: an analysis model back as one Trace Compass <stateProvider>
 * or <pattern> element (what tj_model.tmfxml carries to the exporter).
 */
#ifndef TJ_ANALYSIS_WRITE_XML_H
#define TJ_ANALYSIS_WRITE_XML_H

#include "model.h"

#define WX_TRACE_TYPE "org.eclipse.linuxtools.lttng2.kernel.tracetype"

/* The element as a malloc'ed string; NULL if it cannot be written (out of
 * memory, or a name list longer than 1 KiB). */
char *wx_analysis(const struct an_analysis *a);

#endif
