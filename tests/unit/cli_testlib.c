/* cli_testlib.c: helpers for the fugue CLI's unit tests: a command line run with its output. */
#include "config.h"

#include <check.h>
#include <stdio.h>
#include <stdlib.h>

#include "cli_testlib.h"
#include "cmd.h"

#define MAX_WORDS 24

/* Reads what was written to f back into a new string. */
static char *
captured(FILE *f)
{
	long n = ftell(f);
	char *s = fg_calloc((size_t)n + 1, 1);

	rewind(f);
	ck_assert_int_eq(fread(s, 1, (size_t)n, f), n);
	fclose(f);
	return s;
}

/* Runs a whole command line; captures stdout and stderr. */
int
clit_run(struct fg_loop *loop, char **out, char **errtext, const char *const *words)
{
	char *argv[MAX_WORDS];
	FILE *o = tmpfile(), *e = tmpfile();
	int argc = 0, rc;

	while (words[argc] != NULL) {
		ck_assert_int_lt(argc, MAX_WORDS - 1);
		argv[argc] = (char *)words[argc];
		argc++;
	}
	argv[argc] = NULL;
	ck_assert_ptr_nonnull(o);
	ck_assert_ptr_nonnull(e);
	rc = cmd_exec(argc, argv, loop, o, e);
	*out = captured(o);
	*errtext = captured(e);
	return rc;
}
