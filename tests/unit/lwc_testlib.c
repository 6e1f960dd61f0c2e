/* lwc_testlib.c: helpers for lwc unit tests: type checking a text with its diagnostics. */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lwc/lwc.h"
#include "lwc_testlib.h"

/* Type checks text; returns the diagnostics (caller frees) and sets *rc. */
char *
lwct_typecheck(const char *text, int *rc)
{
	struct lwc_options o = { 0 };
	char *diag = NULL, *out = NULL;
	size_t len;
	FILE *f = open_memstream(&diag, &len);

	o.file = "t.lw";
	o.typecheck_only = 1;
	o.color = LWC_COLOR_NEVER;
	o.diag = f;
	o.include = "/nonexistent";
	o.schema_path = "/nonexistent";
	*rc = lwc_compile_text(&o, text, strlen(text), &out);
	fclose(f);
	free(out);
	return diag;
}
