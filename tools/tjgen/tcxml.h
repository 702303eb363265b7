/*
 * tjgen's "tc-xml" input: a Trace Compass XML stub trace (event list) written
 * as a real CTF trace (see tcxml.c and doc/tjgen.md).
 */
#ifndef TJGEN_TCXML_H
#define TJGEN_TCXML_H

#include "tjgen.h"

/* Read `input`, write the trace into opts->outdir (already prepared). */
int tjg_tcxml_generate(const char *input, const struct tjg_options *opts);

#endif /* TJGEN_TCXML_H */
