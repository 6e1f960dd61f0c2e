/* awsenv.h: test helpers for the AWS environment: a scratch HOME with crafted ~/.aws files and
 * AWS_* variables cleared, all restored afterwards (also under CK_FORK=no). */
#ifndef FUGUE_TEST_AWSENV_H
#define FUGUE_TEST_AWSENV_H

/* Saves and clears HOME and every AWS_* variable, then points HOME at a new temporary dir. */
void awsenv_setup(void);
/* Removes the files written and the directory, and restores the saved variables. */
void awsenv_teardown(void);
/* The temporary HOME. */
const char *awsenv_home(void);
/* Writes text to a path under HOME ("~/.aws/config" is ".aws/config"); returns the full path,
 * valid until awsenv_teardown. */
const char *awsenv_write(const char *rel, const char *text);

#endif
