/* libFuzzer target: the YAML --config reader (core/config.c on
 * core/yaml_nodes.c) on any file content. */
#include <stdint.h>
#include <stdio.h>
#include <unistd.h>

#include "error.h"
#include "log.h"
#include "options.h"

int tj_config_load(struct tj_options *o, const char *path);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static char path[64];
	struct tj_options o;
	if (!path[0]) {
		snprintf(path, sizeof(path), "/tmp/tjconv-fuzz-config-%ld.yaml", (long)getpid());
		tj_log_setup("fuzz", 1);
	}
	FILE *f = fopen(path, "wb");
	if (!f)
		return 0;
	fwrite(data, 1, size, f);
	fclose(f);
	tj_options_init(&o);
	tj_config_load(&o, path);
	tj_error_clear();
	tj_options_release(&o);
	unlink(path);
	return 0;
}
