/* cli_testlib.h: helpers for the fugue CLI's unit tests. */
#ifndef FUGUE_CLI_TESTLIB_H
#define FUGUE_CLI_TESTLIB_H

struct fg_loop;

/* Runs the command line words (NULL-terminated, "fugue" first) through cmd_exec with loop (may
 * be NULL); captures stdout and stderr in *out and *errtext (caller frees); returns its exit
 * status. */
int clit_run(struct fg_loop *loop, char **out, char **errtext, const char *const *words);

#endif
