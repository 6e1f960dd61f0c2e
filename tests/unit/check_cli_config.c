/* check_cli_config.c: unit tests for the CLI's settings and credentials (cli/config.c): the
 * lookup order ./, ~/.fugue/, SYSCONFDIR/fugue/ with a scratch HOME and working directory,
 * --config, FUGUE_* variables, YAML errors with their place, and files written by init. */
#include "config.h"

#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cmd.h"

static char top[] = "/tmp/fugue-cliconf.XXXXXX";
static char *cwd_saved;
static char *home_saved;

/* Writes text to top/rel (directories made as needed). */
static void
put(const char *rel, const char *text)
{
	char *path = fg_printf("%s/%s", top, rel), *slash;
	FILE *f;

	for (slash = strchr(path + strlen(top) + 1, '/'); slash; slash = strchr(slash + 1, '/')) {
		*slash = '\0';
		mkdir(path, 0700);
		*slash = '/';
	}
	ck_assert_ptr_nonnull(f = fopen(path, "w"));
	fputs(text, f);
	fclose(f);
	chmod(path, 0600);
	free(path);
}

/* A scratch tree: top/home (HOME) and top/work (the working directory). */
static void
setup(void)
{
	static const char *const vars[] = { "FUGUE_REGION", "FUGUE_ENDPOINT", "FUGUE_PROFILE",
		"FUGUE_PREFIX", "FUGUE_TIMEOUT" };
	size_t i;
	char *p;

	strcpy(top, "/tmp/fugue-cliconf.XXXXXX");
	ck_assert_ptr_nonnull(mkdtemp(top));
	cwd_saved = getcwd(NULL, 0);
	home_saved = getenv("HOME") ? fg_strdup(getenv("HOME")) : NULL;
	p = fg_printf("%s/home", top);
	mkdir(p, 0700);
	setenv("HOME", p, 1);
	free(p);
	p = fg_printf("%s/work", top);
	mkdir(p, 0700);
	ck_assert_int_eq(chdir(p), 0);
	free(p);
	for (i = 0; i < FG_ARRAY_LEN(vars); i++)
		unsetenv(vars[i]);
}

/* Back to where the test started; the scratch tree removed. */
static void
teardown(void)
{
	char *cmd = fg_printf("rm -rf '%s'", top);

	ck_assert_int_eq(chdir(cwd_saved), 0);
	free(cwd_saved);
	if (home_saved)
		setenv("HOME", home_saved, 1);
	else
		unsetenv("HOME");
	free(home_saved);
	ck_assert_int_eq(system(cmd), 0);
	free(cmd);
}

START_TEST(defaults_without_any_file)
{
	char *err = NULL;
	struct cli_config *c = config_load(NULL, &err);

	ck_assert_ptr_nonnull(c);
	ck_assert_ptr_null(c->file);
	ck_assert_ptr_null(c->region);
	ck_assert_ptr_null(c->endpoint);
	ck_assert_str_eq(c->prefix, "");
	ck_assert_int_eq(c->timeout, CLI_DEFAULT_TIMEOUT);
	config_free(c);
}
END_TEST

START_TEST(lookup_order_cwd_then_home)
{
	char *err = NULL;
	struct cli_config *c;

	put("home/.fugue/fugue.yaml", "region: eu-west-1\nendpoint: http://127.0.0.1:9\n");
	c = config_load(NULL, &err);
	ck_assert_msg(c != NULL, "%s", err);
	ck_assert_str_eq(c->region, "eu-west-1");
	ck_assert_str_eq(c->endpoint, "http://127.0.0.1:9");
	ck_assert(strstr(c->file, "/home/.fugue/fugue.yaml") != NULL);
	config_free(c);

	/* ./fugue.yaml wins, and is the only one read (no merging). */
	put("work/fugue.yaml", "# here\nregion: us-west-2\nprefix: t1-\ntimeout: 5\n");
	c = config_load(NULL, &err);
	ck_assert_str_eq(c->file, "./fugue.yaml");
	ck_assert_str_eq(c->region, "us-west-2");
	ck_assert_ptr_null(c->endpoint);
	ck_assert_str_eq(c->prefix, "t1-");
	ck_assert_int_eq(c->timeout, 5);
	config_free(c);
}
END_TEST

START_TEST(explicit_file_and_environment)
{
	char *err = NULL, *path = fg_printf("%s/other.yaml", top);
	struct cli_config *c;

	put("work/fugue.yaml", "region: us-west-2\n");
	put("other.yaml", "region: ap-south-1\nprofile: dev\n");
	c = config_load(path, &err);
	ck_assert_msg(c != NULL, "%s", err);
	ck_assert_str_eq(c->region, "ap-south-1");
	ck_assert_str_eq(c->profile, "dev");
	config_free(c);

	/* A named file must exist. */
	ck_assert_ptr_null(config_load("/nonexistent/f.yaml", &err));
	ck_assert_str_eq(err, "/nonexistent/f.yaml: No such file or directory");
	free(err);
	err = NULL;

	/* Variables override the file; an empty one unsets. */
	setenv("FUGUE_REGION", "ca-central-1", 1);
	setenv("FUGUE_PROFILE", "", 1);
	setenv("FUGUE_TIMEOUT", "7", 1);
	c = config_load(path, &err);
	ck_assert_str_eq(c->region, "ca-central-1");
	ck_assert_ptr_null(c->profile);
	ck_assert_int_eq(c->timeout, 7);
	config_free(c);

	setenv("FUGUE_TIMEOUT", "0", 1);
	ck_assert_ptr_null(config_load(path, &err));
	ck_assert_str_eq(err, "environment variable FUGUE_TIMEOUT: timeout must be a number of "
	    "seconds from 1 to 3600, not \"0\"");
	free(err);
	free(path);
}
END_TEST

/* A fugue.yaml that must be rejected with exactly want. */
static void
bad_config(const char *text, const char *want)
{
	char *err = NULL;

	put("work/fugue.yaml", text);
	ck_assert_ptr_null(config_load(NULL, &err));
	ck_assert_str_eq(err, want);
	free(err);
}

START_TEST(malformed_settings_say_where)
{
	bad_config("region: us-east-1\nregoin: x\n", "./fugue.yaml:2:9: unknown setting \"regoin\" "
	    "(settings: endpoint, prefix, profile, region, timeout)");
	bad_config("region: [a, b]\n", "./fugue.yaml:1:9: region must be a string");
	bad_config("- region\n", "./fugue.yaml:1:1: expected a mapping of settings (key: value)");
	bad_config("just text\n", "./fugue.yaml:1:1: expected a mapping of settings (key: value)");
	bad_config("region: \"x\n", "./fugue.yaml:2:1: found unexpected end of stream");
	bad_config("region: US_EAST\n", "./fugue.yaml:1:9: region must be an AWS region name "
	    "(us-east-1), not \"US_EAST\"");
	bad_config("endpoint: ftp://x\n", "./fugue.yaml:1:11: endpoint: URL \"ftp://x\": "
	    "unsupported scheme \"ftp\"");
	bad_config("prefix: Big\n", "./fugue.yaml:1:9: prefix must be at most 24 lower-case "
	    "letters, digits and '-', not \"Big\"");
	bad_config("timeout: 1h\n", "./fugue.yaml:1:10: timeout must be a number of seconds from 1 "
	    "to 3600, not \"1h\"");
	bad_config("region: a\n---\nregion: b\n", "./fugue.yaml: one YAML document only");
}
END_TEST

START_TEST(empty_files_are_fine)
{
	char *err = NULL;
	struct cli_config *c;

	put("work/fugue.yaml", "");
	ck_assert_ptr_nonnull(c = config_load(NULL, &err));
	config_free(c);
	put("work/fugue.yaml", "---\n# nothing\n");
	ck_assert_ptr_nonnull(c = config_load(NULL, &err));
	config_free(c);
}
END_TEST

START_TEST(credentials_lookup_order)
{
	char *err = NULL, *want;
	struct cli_config *c = config_load(NULL, &err);

	ck_assert_int_eq(config_load_credentials(c, &err), -1);
	want = fg_printf("no Fugue credentials: none of ./fugue-credentials, %s/home/.fugue/"
	    "fugue-credentials, %s/fugue-credentials exists (fugue init writes one)", top,
	    FUGUE_SYSCONFDIR_FOR_TESTS);
	ck_assert_str_eq(err, want);
	free(want);
	free(err);
	err = NULL;

	put("home/.fugue/fugue-credentials", "user: alice\nsecret: s1\n");
	ck_assert_int_eq(config_load_credentials(c, &err), 0);
	ck_assert_str_eq(c->user, "alice");
	ck_assert_str_eq(c->secret, "s1");
	ck_assert(strstr(c->cred_file, "/home/.fugue/fugue-credentials") != NULL);

	put("work/fugue-credentials", "user: bob\nsecret: s2\n");
	ck_assert_int_eq(config_load_credentials(c, &err), 0);
	ck_assert_str_eq(c->user, "bob");
	ck_assert_str_eq(c->secret, "s2");
	ck_assert_str_eq(c->cred_file, "./fugue-credentials");
	config_free(c);
}
END_TEST

/* A credentials file that must be rejected with exactly want. */
static void
bad_credentials(const char *text, const char *want)
{
	char *err = NULL;
	struct cli_config *c = config_load(NULL, &err);

	put("work/fugue-credentials", text);
	ck_assert_int_eq(config_load_credentials(c, &err), -1);
	ck_assert_str_eq(err, want);
	free(err);
	config_free(c);
}

START_TEST(malformed_credentials)
{
	bad_credentials("user: root\n", "./fugue-credentials: secret is missing");
	bad_credentials("secret: x\n", "./fugue-credentials: user is missing");
	bad_credentials("user: root\nsecret: x\npassword: y\n",
	    "./fugue-credentials:3:11: unknown key \"password\" (keys: user, secret)");
	bad_credentials("user: a b\nsecret: x\n", "./fugue-credentials:1:7: user must be 1 to 64 "
	    "letters, digits and \"_.@-\", not \"a b\"");
	bad_credentials("user: root\nsecret: \"a b\"\n", "./fugue-credentials:2:9: the secret must "
	    "be printable ASCII without blanks");
}
END_TEST

START_TEST(written_files_read_back)
{
	static const char *const keys[] = { "region", "endpoint", "prefix" };
	static const char *const vals[] = { "us-east-1", "http://127.0.0.1:4566", "" };
	static const char *const ckeys[] = { "user", "secret" };
	static const char *const cvals[] = { "root", "#not-a-comment:x" };
	char *err = NULL;
	struct cli_config *c;
	struct stat st;
	mode_t mask = umask(0);

	umask(mask);
	ck_assert_int_eq(config_write("fugue.yaml", keys, vals, 3, 0, &err), 0);
	ck_assert_int_eq(config_write("fugue-credentials", ckeys, cvals, 2, 1, &err), 0);
	ck_assert_int_eq(stat("fugue-credentials", &st), 0);
	ck_assert_int_eq(st.st_mode & 0777, 0600);
	ck_assert_int_eq(stat("fugue.yaml", &st), 0);
	ck_assert_int_eq(st.st_mode & 0777, 0644 & ~mask);
	c = config_load(NULL, &err);
	ck_assert_msg(c != NULL, "%s", err);
	ck_assert_str_eq(c->region, "us-east-1");
	ck_assert_str_eq(c->endpoint, "http://127.0.0.1:4566");
	ck_assert_str_eq(c->prefix, "");
	ck_assert_int_eq(config_load_credentials(c, &err), 0);
	ck_assert_str_eq(c->user, "root");
	ck_assert_str_eq(c->secret, "#not-a-comment:x");
	config_free(c);
	ck_assert_int_eq(config_write("/nonexistent/dir/f", keys, vals, 1, 0, &err), -1);
	ck_assert_ptr_nonnull(strstr(err, "cannot write /nonexistent/dir/f.tmp"));
	free(err);
}
END_TEST

/* Runs fugue with words; stdout and stderr into files that are then dropped. */
static int
fugue(const char *const *words)
{
	char *argv[24];
	FILE *o = tmpfile(), *e = tmpfile();
	int argc = 0, rc;

	while (words[argc] != NULL) {
		argv[argc] = (char *)words[argc];
		argc++;
	}
	argv[argc] = NULL;
	rc = cmd_exec(argc, argv, NULL, o, e);
	fclose(o);
	fclose(e);
	return rc;
}

#define FUGUE(...) fugue((const char *const[]){ "fugue", __VA_ARGS__, NULL })

START_TEST(init_writes_both_files)
{
	char *err = NULL, *secret = fg_printf("%s/secret", top);
	struct cli_config *c;
	struct stat st;

	put("secret", "0123abcd\n");
	/* Not on a terminal: the secret must be given. */
	ck_assert_int_eq(FUGUE("init", "--region", "us-east-1"), EXIT_USAGE);
	ck_assert_int_eq(FUGUE("init", "--region", "Bad", "--secret", "x"), EXIT_USAGE);
	ck_assert_int_eq(FUGUE("init", "--secret-file", "/nonexistent"), EXIT_ERROR);
	ck_assert_int_eq(FUGUE("init", "--region", "us-east-1", "--endpoint", "http://127.0.0.1:1",
	    "--prefix", "t-", "--secret-file", secret), EXIT_OK);
	c = config_load(NULL, &err);
	ck_assert_str_eq(c->region, "us-east-1");
	ck_assert_str_eq(c->endpoint, "http://127.0.0.1:1");
	ck_assert_str_eq(c->prefix, "t-");
	ck_assert_int_eq(config_load_credentials(c, &err), 0);
	ck_assert_str_eq(c->user, "root");
	ck_assert_str_eq(c->secret, "0123abcd");
	ck_assert(strstr(c->cred_file, "/home/.fugue/fugue-credentials") != NULL);
	ck_assert_int_eq(stat(c->cred_file, &st), 0);
	ck_assert_int_eq(st.st_mode & 0777, 0600);
	config_free(c);
	/* Existing files stay unless -y. */
	ck_assert_int_eq(FUGUE("init", "--user", "bob", "--secret", "x"), EXIT_ERROR);
	ck_assert_int_eq(FUGUE("init", "-y", "--user", "bob", "--secret", "x", "--credentials",
	    "creds"), EXIT_OK);
	c = config_load(NULL, &err);
	ck_assert_ptr_null(c->region);
	ck_assert_int_eq(config_load_credentials(c, &err), 0);
	ck_assert_str_eq(c->user, "root"); /* --credentials wrote ./creds, not the one found */
	config_free(c);
	free(secret);
}
END_TEST

static Suite *
cli_config_suite(void)
{
	Suite *s = suite_create("cli_config");
	TCase *tc = tcase_create("core");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, defaults_without_any_file);
	tcase_add_test(tc, lookup_order_cwd_then_home);
	tcase_add_test(tc, explicit_file_and_environment);
	tcase_add_test(tc, malformed_settings_say_where);
	tcase_add_test(tc, empty_files_are_fine);
	tcase_add_test(tc, credentials_lookup_order);
	tcase_add_test(tc, malformed_credentials);
	tcase_add_test(tc, written_files_read_back);
	tcase_add_test(tc, init_writes_both_files);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	SRunner *sr = srunner_create(cli_config_suite());
	int failed;

	srunner_run_all(sr, CK_ENV);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? 1 : 0;
}
