/* fuzz_conductor_config.c: the Conductor's config file (YAML through libyaml, then the settings
 * table) read over the defaults: nothing may crash or leak, a refusal says where and why, and
 * what was accepted stays in each setting's range. */
#include "config.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "conductor.h"

int LLVMFuzzerTestOneInput(const uint8_t *, size_t);

/* Reads the input as a config file over the defaults. */
int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static char file[] = "/dev/null";
	struct config_cli cli = { .file = file };
	struct config *cfg;
	char *err = NULL;

	if ((cfg = config_load(&cli, &err)) == NULL)
		abort(); /* the defaults */
	if (config_read_yaml(cfg, "fuzz.yaml", (const char *)data, size, &err) != 0) {
		if (err == NULL || strncmp(err, "fuzz.yaml:", 10) != 0)
			abort();
		free(err);
	} else {
		struct engine_limit l;

		if (cfg->enforcement_interval < 10 || cfg->enforcement_interval > 86400 ||
		    cfg->poll_wait < 0 || cfg->poll_wait > 20 || cfg->max_requests < 1 ||
		    cfg->max_connections < 1 || cfg->log_level == NULL || cfg->log_format == NULL)
			abort();
		for (size_t i = 0; i < cfg->nlimits; i++)
			if (engine_limit_parse(cfg->limits[i], &l, &err) != 0)
				abort(); /* the Conductor would stop at boot */
	}
	config_free(cfg);
	return 0;
}
