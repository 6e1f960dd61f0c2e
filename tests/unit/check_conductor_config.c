/* check_conductor_config.c: the Conductor's settings (core/conductor/config.c): the YAML file,
 * the command line, the environment, precedence and error messages. */
#include "config.h"

#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "conductor.h"

static char path[] = "/tmp/fugue-conductor-config.XXXXXX";

/* Writes text to a fresh temporary file (path). */
static void
write_file(const char *text)
{
	int fd;

	strcpy(path, "/tmp/fugue-conductor-config.XXXXXX");
	fd = mkstemp(path);
	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(write(fd, text, strlen(text)), (ssize_t)strlen(text));
	close(fd);
}

/* Loads settings from argv (NULL-terminated); *err on failure. */
static struct config *
load(const char **argv, char **err)
{
	struct config_cli cli;
	struct config *cfg;
	int argc = 0;

	while (argv[argc])
		argc++;
	*err = NULL;
	if (config_cli_parse(&cli, argc, (char **)argv, err) < 0)
		return NULL;
	cfg = config_load(&cli, err);
	config_cli_free(&cli);
	return cfg;
}

/* Reads YAML text into a default configuration; returns the message of a failure or NULL. */
static char *
yaml_error(const char *text)
{
	const char *argv[] = { "fugue-conductor", "--config", "/dev/null", NULL };
	char *err = NULL;
	struct config *cfg = load(argv, &err);

	ck_assert_ptr_nonnull(cfg);
	if (config_read_yaml(cfg, "c.yaml", text, strlen(text), &err) == 0)
		err = NULL;
	config_free(cfg);
	return err;
}

/* Expects text to fail with a message that contains want. */
static void
expect_yaml_error(const char *text, const char *want)
{
	char *err = yaml_error(text);

	ck_assert_msg(err != NULL, "no error for %s", text);
	ck_assert_msg(strstr(err, want) != NULL, "\"%s\" not in \"%s\"", want, err);
	free(err);
}

/* Clears the variables the tests set. */
static void
teardown(void)
{
	unsetenv("FUGUE_CONDUCTOR_POLL_WAIT");
	unsetenv("FUGUE_CONDUCTOR_PREFIX");
}

START_TEST(test_defaults)
{
	const char *argv[] = { "fugue-conductor", "--config", "/dev/null", NULL };
	char *err;
	struct config *cfg = load(argv, &err);

	ck_assert_ptr_nonnull(cfg);
	ck_assert_str_eq(cfg->prefix, "");
	ck_assert_str_eq(cfg->log_level, "info");
	ck_assert_str_eq(cfg->log_format, "auto");
	ck_assert_int_eq(cfg->enforcement_interval, 60);
	ck_assert_int_eq(cfg->poll_wait, 20);
	ck_assert_int_eq(cfg->max_requests, 100);
	ck_assert_ptr_null(cfg->region);
	ck_assert_ptr_null(cfg->endpoint);
	ck_assert_ptr_null(cfg->root_secret_file);
	ck_assert_ptr_nonnull(cfg->plugin_dir);
	ck_assert_int_eq(cfg->nlimits, 0);
	config_free(cfg);
}
END_TEST

START_TEST(test_file)
{
	const char *argv[] = { "fugue-conductor", "-c", path, NULL };
	char *err;
	struct config *cfg;

	write_file("# the Conductor\n"
	    "region: eu-west-1\n"
	    "endpoint: http://127.0.0.1:4566\n"
	    "prefix: t1-\n"
	    "log-level: debug\n"
	    "enforcement-interval: 30\n"
	    "poll-wait: 1\n"
	    "root-secret-file: /run/fugue/root.secret\n"
	    "limit:\n"
	    "  - sqs.write=50\n"
	    "  - s3.read=100/200\n");
	cfg = load(argv, &err);
	unlink(path);
	ck_assert_msg(cfg != NULL, "%s", err);
	ck_assert_str_eq(cfg->file, path);
	ck_assert_str_eq(cfg->region, "eu-west-1");
	ck_assert_str_eq(cfg->endpoint, "http://127.0.0.1:4566");
	ck_assert_str_eq(cfg->prefix, "t1-");
	ck_assert_str_eq(cfg->log_level, "debug");
	ck_assert_int_eq(cfg->enforcement_interval, 30);
	ck_assert_int_eq(cfg->poll_wait, 1);
	ck_assert_str_eq(cfg->root_secret_file, "/run/fugue/root.secret");
	ck_assert_int_eq(cfg->nlimits, 2);
	ck_assert_str_eq(cfg->limits[1], "s3.read=100/200");
	config_free(cfg);
}
END_TEST

START_TEST(test_precedence)
{
	const char *argv[] = { "fugue-conductor", "--config", path, "--poll-wait", "3",
		"--limit", "sqs.read=10", NULL };
	char *err;
	struct config *cfg;

	/* File < environment < flags. */
	write_file("poll-wait: 1\nprefix: file-\nenforcement-interval: 20\nlimit: sqs.write=5\n");
	setenv("FUGUE_CONDUCTOR_POLL_WAIT", "2", 1);
	setenv("FUGUE_CONDUCTOR_PREFIX", "env-", 1);
	cfg = load(argv, &err);
	unlink(path);
	ck_assert_msg(cfg != NULL, "%s", err);
	ck_assert_int_eq(cfg->poll_wait, 3);
	ck_assert_str_eq(cfg->prefix, "env-");
	ck_assert_int_eq(cfg->enforcement_interval, 20);
	ck_assert_int_eq(cfg->nlimits, 2);
	config_free(cfg);
	/* A bad variable names itself. */
	setenv("FUGUE_CONDUCTOR_POLL_WAIT", "soon", 1);
	write_file("");
	cfg = load(argv, &err);
	unlink(path);
	ck_assert_ptr_null(cfg);
	ck_assert_str_eq(err, "FUGUE_CONDUCTOR_POLL_WAIT: poll-wait must be an integer from 0 "
	    "to 20, not \"soon\"");
	free(err);
}
END_TEST

START_TEST(test_file_errors)
{
	const char *argv[] = { "fugue-conductor", "--config", "/nonexistent/conductor.yaml", NULL };
	char *err;

	/* Malformed YAML, wrong shapes, unknown names, values out of range: file:line:column. */
	expect_yaml_error("region: [a\n", "c.yaml:2:1: ");
	expect_yaml_error("region: a\n  b: c\n", "c.yaml:2:4: mapping values are not allowed");
	expect_yaml_error("- region\n", "c.yaml:1:1: the file must be a mapping of settings");
	expect_yaml_error("region: a\nregoin: b\n",
	    "c.yaml:2:1: unknown setting \"regoin\" (see fugue-conductor --help)");
	expect_yaml_error("poll-wait: 21\n",
	    "c.yaml:1:12: poll-wait must be an integer from 0 to 20, not \"21\"");
	expect_yaml_error("enforcement-interval: 1m\n", "c.yaml:1:23: enforcement-interval must");
	expect_yaml_error("log-level: loud\n",
	    "c.yaml:1:12: log-level must be one of warn|info|debug, not \"loud\"");
	expect_yaml_error("region:\n  - a\n", "c.yaml:2:3: region must be a single value");
	expect_yaml_error("limit:\n  - [a]\n", "c.yaml:2:5: limit items must be single values");
	expect_yaml_error("limit: bogus\n", "c.yaml:1:8: limit: ");
	expect_yaml_error("? [a]\n: b\n", "c.yaml:1:3: a key must be a setting name");
	ck_assert_ptr_null(yaml_error(""));
	ck_assert_ptr_null(yaml_error("# nothing\n"));
	/* A --config file must exist; the default one may be missing. */
	ck_assert_ptr_null(load(argv, &err));
	ck_assert_str_eq(err, "/nonexistent/conductor.yaml: No such file or directory");
	free(err);
}
END_TEST

START_TEST(test_cli)
{
	const char *help[] = { "fugue-conductor", "--help", NULL };
	const char *bad[] = { "fugue-conductor", "--bogus", NULL };
	const char *missing[] = { "fugue-conductor", "--prefix", NULL };
	const char *extra[] = { "fugue-conductor", "now", NULL };
	const char *badval[] = { "fugue-conductor", "--config", "/dev/null", "--log-format", "xml",
		NULL };
	struct config_cli cli;
	char *err = NULL;

	ck_assert_int_eq(config_cli_parse(&cli, 2, (char **)help, &err), 0);
	ck_assert_int_eq(cli.help, 1);
	config_cli_free(&cli);
	ck_assert_int_eq(config_cli_parse(&cli, 2, (char **)bad, &err), -1);
	ck_assert_str_eq(err, "--bogus: unknown option or missing argument (see --help)");
	free(err);
	ck_assert_int_eq(config_cli_parse(&cli, 2, (char **)missing, &err), -1);
	ck_assert_str_eq(err, "--prefix: unknown option or missing argument (see --help)");
	free(err);
	ck_assert_int_eq(config_cli_parse(&cli, 2, (char **)extra, &err), -1);
	ck_assert_str_eq(err, "unexpected argument \"now\"");
	free(err);
	ck_assert_ptr_null(load(badval, &err));
	ck_assert_str_eq(err,
	                 "--log-format: log-format must be one of auto|text|json, not \"xml\"");
	free(err);
}
END_TEST

START_TEST(test_usage)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	/* Every setting of the table is in --help, with its range and default. */
	config_usage(f);
	fclose(f);
	ck_assert_ptr_nonnull(strstr(buf, "--poll-wait SECONDS"));
	ck_assert_ptr_nonnull(strstr(buf, "[0-20] (default 20)"));
	ck_assert_ptr_nonnull(strstr(buf, "--enforcement-interval SECONDS"));
	ck_assert_ptr_nonnull(strstr(buf, "--root-secret-file FILE"));
	ck_assert_ptr_nonnull(strstr(buf, "--prefix TEXT"));
	free(buf);
}
END_TEST

/* The suite. */
static Suite *
config_suite(void)
{
	Suite *s = suite_create("conductor_config");
	TCase *tc = tcase_create("settings");

	tcase_add_checked_fixture(tc, NULL, teardown);
	tcase_add_test(tc, test_defaults);
	tcase_add_test(tc, test_file);
	tcase_add_test(tc, test_precedence);
	tcase_add_test(tc, test_file_errors);
	tcase_add_test(tc, test_cli);
	tcase_add_test(tc, test_usage);
	suite_add_tcase(s, tc);
	return s;
}

/* Runs the suite. */
int
main(void)
{
	SRunner *sr = srunner_create(config_suite());
	int failed;

	srunner_run_all(sr, CK_ENV);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed != 0;
}
