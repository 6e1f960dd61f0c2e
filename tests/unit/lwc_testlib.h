/* lwc_testlib.h: helpers for lwc unit tests. */
#ifndef FUGUE_LWC_TESTLIB_H
#define FUGUE_LWC_TESTLIB_H

/* Type checks text as "t.lw" (no include or schema path, no colour); returns the diagnostics
 * (caller frees) and sets *rc to lwc_compile_text's result. */
char *lwct_typecheck(const char *text, int *rc);

#endif
