/* awsenv.c: a scratch HOME and AWS environment for the credential and endpoint tests. */
#include "config.h"

#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "awsenv.h"
#include "base.h"

extern char **environ;

static char home[] = "/tmp/fugue-awsenv.XXXXXX";
static char *home_dir;
static char **saved;      /* "NAME=value" strings */
static size_t nsaved;
static char **written;    /* full paths, deepest last */
static size_t nwritten;

/* Unsets every AWS_* variable. */
static void
clear_aws_vars(void)
{
	for (;;) {
		char **e, *name = NULL;

		for (e = environ; *e != NULL; e++)
			if (strncmp(*e, "AWS_", 4) == 0)
				break;
		if (*e == NULL)
			return;
		name = fg_strndup(*e, strcspn(*e, "="));
		unsetenv(name);
		free(name);
	}
}

/* Saves and clears the environment the tests touch, and makes a scratch HOME. */
void
awsenv_setup(void)
{
	for (char **e = environ; *e != NULL; e++) {
		if (strncmp(*e, "AWS_", 4) == 0 || strncmp(*e, "HOME=", 5) == 0) {
			saved = fg_realloc(saved, (nsaved + 1) * sizeof(*saved));
			saved[nsaved++] = fg_strdup(*e);
		}
	}
	clear_aws_vars();
	strcpy(home, "/tmp/fugue-awsenv.XXXXXX");
	home_dir = mkdtemp(home);
	ck_assert_ptr_nonnull(home_dir);
	setenv("HOME", home_dir, 1);
}

/* Removes the scratch files and restores the saved variables. */
void
awsenv_teardown(void)
{
	while (nwritten > 0) {
		char *p = written[--nwritten];
		struct stat st;

		if (stat(p, &st) == 0 && S_ISDIR(st.st_mode))
			rmdir(p);
		else
			unlink(p);
		free(p);
	}
	free(written);
	written = NULL;
	rmdir(home_dir);
	clear_aws_vars();
	unsetenv("HOME");
	for (size_t i = 0; i < nsaved; i++) {
		char *eq = strchr(saved[i], '=');

		*eq = '\0';
		setenv(saved[i], eq + 1, 1);
		free(saved[i]);
	}
	free(saved);
	saved = NULL;
	nsaved = 0;
}

/* The scratch HOME. */
const char *
awsenv_home(void)
{
	return home_dir;
}

/* Remembers a path to remove at teardown. */
static void
remember(char *path)
{
	written = fg_realloc(written, (nwritten + 1) * sizeof(*written));
	written[nwritten++] = path;
}

/* Writes a file under HOME, creating its directory. */
const char *
awsenv_write(const char *rel, const char *text)
{
	char *path = fg_printf("%s/%s", home_dir, rel);
	char *slash = strrchr(path, '/');
	FILE *f;

	*slash = '\0';
	if (mkdir(path, 0700) == 0)
		remember(fg_strdup(path));
	*slash = '/';
	f = fopen(path, "w");
	ck_assert_ptr_nonnull(f);
	fputs(text, f);
	fclose(f);
	for (size_t i = 0; i < nwritten; i++)
		if (strcmp(written[i], path) == 0) {
			free(path);
			return written[i];
		}
	remember(path);
	return path;
}
