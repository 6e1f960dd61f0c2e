/* fuzz_ini.c: libFuzzer target for the AWS shared config/credentials file parser (fg_ini_parse)
 * and the lookups the credential chain makes in what it parsed. */
#include "config.h"

#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include "base.h"
#include "ini.h"

int LLVMFuzzerTestOneInput(const uint8_t *, size_t);

/* Parses the input; a malformed one must yield an error, never a crash or a leak. */
int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t len)
{
	char *err = NULL;
	struct fg_ini *ini = fg_ini_parse((const char *)data, len, "fuzz", &err);
	const struct fg_ini_section *s;

	if (ini == NULL) {
		if (err == NULL)
			abort();
		free(err);
		return 0;
	}
	s = fg_ini_section_kind(ini, "profile", "dev");
	if (s == NULL)
		s = fg_ini_section(ini, "default");
	(void)fg_ini_get(s, "aws_access_key_id");
	(void)fg_ini_sub_get(fg_ini_prop(s, "s3"), "addressing_style");
	(void)fg_ini_section_kind(ini, "services", "local");
	fg_ini_free(ini);
	return 0;
}
