/*
 * `tjconv stats TRACE [--what LIST] [--format text|lami] [--top N] ...`:
 * the subcommand is the ordinary run with the "stats" exporter alone (no
 * analyzer: it computes its tables from the events), so it is rewritten
 * into that command line before the generic parser sees it.  The LAMI
 * flags Trace Compass passes to an External Analysis are handled here too:
 *   --mi-version        print the LAMI version ("1.0") and stop
 *   --metadata          the exporter prints its table classes (no trace)
 *   --test-compatibility TRACE  nothing (compatible) or an error object
 *   --output-progress   LAMI progress lines on stdout before the results
 *                       ("0.420 420000 events"), as --progress=lami
 *   --limit N|unlimited rows of the top tables (lttng-analyses' --limit)
 *   --begin/--end NS    a bare integer of 12 digits or more is nanoseconds
 *                       since the epoch, as Trace Compass passes them
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "error.h"
#include "stats_cmd.h"

/* Trace Compass passes raw nanoseconds; tjconv's SECONDS[.N] takes the rest. */
static int ns_to_seconds(const char *v, char *buf, size_t cap)
{
	size_t n = strlen(v);
	if (n < 12 || strspn(v, "0123456789") != n)
		return 0;
	errno = 0;
	unsigned long long ns = strtoull(v, NULL, 10);
	if (errno)
		return 0;
	snprintf(buf, cap, "%llu.%09llu", ns / 1000000000ull, ns % 1000000000ull);
	return 1;
}

static int takes_value(const char *a)
{
	static const char *const opts[] = {"--what", "--format", "--top", "--limit", "--begin", "--end",
					   "-o", "--output", "--pid", "--tid", "--comm",
					   "--jobs", "--param", "--plugin-path", "--config", NULL};
	for (const char *const *o = opts; *o; o++)
		if (strcmp(a, *o) == 0)
			return 1;
	return 0;
}

static int push_param(struct tj_strvec *out, const char *key, const char *value)
{
	char buf[512];
	snprintf(buf, sizeof(buf), "stats.%s=%s", key, value);
	return tj_strvec_push(out, "--param") || tj_strvec_push(out, buf) ? -1 : 0;
}

/* The trace must be a directory we can read; LAMI wants the answer on stdout. */
static int test_compatibility(const char *path)
{
	struct stat st;
	if (path && stat(path, &st) == 0 && S_ISDIR(st.st_mode))
		return TJ_STATS_DONE;
	printf("{\"error-message\": \"cannot read trace '");
	for (const char *p = path ? path : ""; *p; p++)
		printf(*p == '"' || *p == '\\' ? "\\%c" : "%c", *p);
	printf("'\"}\n");
	return TJ_STATS_FAILED;
}

int tj_stats_rewrite(int argc, char **argv, struct tj_strvec *out, int *describe)
{
	const char *trace = NULL;
	int test = 0;
	*describe = 0;
	if (tj_strvec_push(out, argv[0]) || tj_strvec_push(out, "--to") ||
	    tj_strvec_push(out, "stats"))
		return TJ_STATS_ENOMEM;
	for (int i = 2; i < argc; i++) {
		const char *a = argv[i];
		const char *eq = strchr(a, '=');
		char name[64], buf[64];
		const char *val = NULL;
		if (a[0] == '-' && a[1] == '-' && eq && (size_t)(eq - a) < sizeof(name)) {
			snprintf(name, sizeof(name), "%.*s", (int)(eq - a), a);
			val = eq + 1;
		} else {
			snprintf(name, sizeof(name), "%s", a);
		}
		if (strcmp(name, "--mi-version") == 0) {
			printf("1.0\n");
			return TJ_STATS_DONE;
		}
		if (strcmp(name, "--metadata") == 0) {
			*describe = 1;
			if (push_param(out, "metadata", "true") || push_param(out, "format", "lami"))
				return TJ_STATS_ENOMEM;
			continue;
		}
		if (strcmp(name, "--test-compatibility") == 0) {
			test = 1;
			continue;
		}
		if (strcmp(name, "--output-progress") == 0) {
			if (tj_strvec_push(out, "--progress=lami"))
				return TJ_STATS_ENOMEM;
			continue;
		}
		if (takes_value(name) && !val) {
			if (i + 1 >= argc) {
				tj_error_append("option '%s' needs a value", name);
				return TJ_STATS_USAGE;
			}
			val = argv[++i];
		}
		if (strcmp(name, "--limit") == 0) {
			if (push_param(out, "top", strcmp(val, "unlimited") == 0 ? "1000" : val))
				return TJ_STATS_ENOMEM;
			continue;
		}
		if (strcmp(name, "--what") == 0 || strcmp(name, "--format") == 0 ||
		    strcmp(name, "--top") == 0) {
			if (push_param(out, name + 2, val))
				return TJ_STATS_ENOMEM;
			continue;
		}
		if ((strcmp(name, "--begin") == 0 || strcmp(name, "--end") == 0) &&
		    ns_to_seconds(val, buf, sizeof(buf)))
			val = buf;
		if (name[0] != '-' && !val)
			trace = a;
		if (!takes_value(name)) { /* passed on as written (--progress=lami, -q, ...) */
			if (tj_strvec_push(out, a))
				return TJ_STATS_ENOMEM;
			continue;
		}
		if (tj_strvec_push(out, name) || tj_strvec_push(out, val))
			return TJ_STATS_ENOMEM;
	}
	if (test)
		return test_compatibility(trace);
	/* argv ends with NULL (getopt's contract): an element the vector owns as "" */
	if (tj_strvec_push(out, ""))
		return TJ_STATS_ENOMEM;
	free(out->v[out->n - 1]);
	out->v[out->n - 1] = NULL;
	return TJ_STATS_RUN;
}
