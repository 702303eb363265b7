/*
 * The `tjconv stats` subcommand: its options rewritten into the generic
 * command line that runs the "stats" exporter alone (stats_cmd.c).
 */
#ifndef TJ_CORE_STATS_CMD_H
#define TJ_CORE_STATS_CMD_H

#include "strvec.h"

enum {
	TJ_STATS_RUN = 0,     /* parse out->v as the command line */
	TJ_STATS_DONE = 1,    /* answered (--mi-version, --test-compatibility): exit 0 */
	TJ_STATS_FAILED = 2,  /* answered with an error object: exit 1 */
	TJ_STATS_USAGE = -1,  /* cause appended: exit 2 */
	TJ_STATS_ENOMEM = -2,
};

/* argv[1] is "stats"; on TJ_STATS_RUN out->v is an argv of out->n - 1
 * arguments ending with NULL.  *describe: --metadata was given (no trace needed). */
int tj_stats_rewrite(int argc, char **argv, struct tj_strvec *out, int *describe);

#endif
