/* libFuzzer target: the --begin/--end time parser (core/timefmt.c) and
 * resolving what it accepts, in local time and UTC. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "timefmt.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct tj_time_spec spec;
	char *s = malloc(size + 1);
	if (!s)
		return 0;
	memcpy(s, data, size);
	s[size] = '\0';
	if (tj_time_spec_parse(s, &spec) == 0) {
		tj_time_spec_resolve(&spec, 0, 1795607078000000000ll);
		tj_time_spec_resolve(&spec, 1, 0);
		tj_time_spec_resolve(&spec, 1, INT64_MAX);
	}
	free(s);
	return 0;
}
