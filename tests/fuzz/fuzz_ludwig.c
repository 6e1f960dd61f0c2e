/* fuzz_ludwig.c: Ludwig source through lwc (lexer, layout, parser, and when that succeeds the
 * later stages): no input may crash it, and every rejected input gets a located error. */
#include "config.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include "lwc/lwc.h"

int LLVMFuzzerTestOneInput(const uint8_t *, size_t);

/* Compiles one input as a composition. */
int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static FILE *devnull;
	struct lwc_options o = { 0 };
	char *out = NULL;
	int rc;

	if (devnull == NULL && (devnull = fopen("/dev/null", "w")) == NULL)
		abort();
	o.file = "fuzz.lw";
	o.include = "/nonexistent";
	o.schema_path = "/nonexistent";
	o.output = LWC_OUT_SIMPLE;
	o.color = LWC_COLOR_NEVER;
	o.diag = devnull;
	rc = lwc_compile_text(&o, (const char *)data, size, &out);
	if (rc < 0)
		abort(); /* an error without file:line:col */
	if ((rc == 0) != (out != NULL))
		abort();
	free(out);
	return 0;
}
