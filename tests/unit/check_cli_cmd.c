/* check_cli_cmd.c: unit tests for the fugue CLI's command table, option parsing, usage errors,
 * help and exit codes (cli/cmd.c). */
#include "config.h"

#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli_testlib.h"
#include "cmd.h"

/* Parses words for a command; returns 0 or -1 and the error (caller frees). */
static int
parse(const char *cmd, struct cmd_args *a, char **err, const char *const *words)
{
	char *argv[16];
	int n = 0;

	while (words[n] != NULL) {
		argv[n] = (char *)words[n];
		n++;
	}
	argv[n] = NULL;
	*err = NULL;
	return cmd_parse(cmd_find(cmd), n, argv, a, err);
}

#define PARSE(cmd, a, err, ...) parse(cmd, a, err, (const char *const[]){ __VA_ARGS__, NULL })

/* Whether s starts with prefix. */
static int
starts(const char *s, const char *prefix)
{
	return strncmp(s, prefix, strlen(prefix)) == 0;
}

#define RUN(out, err, ...) \
	clit_run(NULL, out, err, (const char *const[]){ "fugue", __VA_ARGS__, NULL })

START_TEST(table_is_complete_and_unique)
{
	static const char *const want[] = { "init", "run", "status", "update", "suspend",
		"resume", "kill", "history", "property", "version", "help" };
	size_t i, j;

	for (i = 0; i < FG_ARRAY_LEN(want); i++) {
		ck_assert_ptr_nonnull(cmd_find(want[i]));
		ck_assert_str_eq(cmd_find(want[i])->name, want[i]);
	}
	for (i = 0; cmd_table[i]; i++) {
		ck_assert_ptr_nonnull(cmd_table[i]->exec);
		ck_assert_ptr_nonnull(cmd_table[i]->summary);
		ck_assert_ptr_nonnull(cmd_table[i]->help);
		for (j = i + 1; cmd_table[j]; j++)
			ck_assert_str_ne(cmd_table[i]->name, cmd_table[j]->name);
	}
	ck_assert_int_eq(i, FG_ARRAY_LEN(want));
	/* Later issues' commands are not in the table. */
	ck_assert_ptr_null(cmd_find("install"));
	ck_assert_ptr_null(cmd_find("policy"));
	ck_assert_ptr_null(cmd_find("sta"));
}
END_TEST

START_TEST(options_in_any_order)
{
	struct cmd_args a;
	char *err;

	ck_assert_int_eq(PARSE("run", &a, &err, "-a", "web", "net.lw", "--dry-run", "--json"), 0);
	ck_assert_str_eq(args_get(&a, "alias"), "web");
	ck_assert(args_has(&a, "dry-run"));
	ck_assert(!args_has(&a, "werror"));
	ck_assert_int_eq(a.json, 1);
	ck_assert_int_eq(a.argc, 1);
	ck_assert_str_eq(a.argv[0], "net.lw");
	cmd_args_free(&a);

	/* --name=value, -aVALUE, bundled flags, and "--" ending the options. */
	ck_assert_int_eq(PARSE("run", &a, &err, "--alias=x", "-yv", "--", "-odd.lw"), 0);
	ck_assert_str_eq(args_get(&a, "alias"), "x");
	ck_assert_int_eq(a.yes, 1);
	ck_assert_int_eq(a.verbose, 1);
	ck_assert_str_eq(a.argv[0], "-odd.lw");
	cmd_args_free(&a);

	ck_assert_int_eq(PARSE("run", &a, &err, "-aweb", "f.lw", "--config", "c.yaml"), 0);
	ck_assert_str_eq(args_get(&a, "alias"), "web");
	ck_assert_str_eq(a.config, "c.yaml");
	cmd_args_free(&a);

	/* The last of a repeated option wins. */
	ck_assert_int_eq(PARSE("history", &a, &err, "-s", "1h", "--start", "2h"), 0);
	ck_assert_str_eq(args_get(&a, "start"), "2h");
	ck_assert_int_eq(a.argc, 0);
	cmd_args_free(&a);

	/* "-" alone is a positional. */
	ck_assert_int_eq(PARSE("status", &a, &err, "-"), 0);
	ck_assert_str_eq(a.argv[0], "-");
	cmd_args_free(&a);
}
END_TEST

/* A parse that must fail with exactly want. */
static void
parse_fails(const char *cmd, const char *want, const char *const *words)
{
	struct cmd_args a;
	char *err;

	ck_assert_int_eq(parse(cmd, &a, &err, words), -1);
	ck_assert_str_eq(err, want);
	free(err);
	cmd_args_free(&a);
}

#define FAILS(cmd, want, ...) parse_fails(cmd, want, (const char *const[]){ __VA_ARGS__, NULL })

START_TEST(usage_errors_say_what)
{
	FAILS("run", "unknown option --bogus", "--bogus", "f.lw");
	FAILS("run", "unknown option -z", "-z", "f.lw");
	FAILS("run", "option --alias needs ALIAS", "f.lw", "--alias");
	FAILS("run", "option -a needs ALIAS", "f.lw", "-a");
	FAILS("run", "option --dry-run takes no value", "--dry-run=yes", "f.lw");
	FAILS("run", "run: missing FILE.lw", "--dry-run");
	FAILS("run", "run: unexpected argument 'b.lw'", "a.lw", "b.lw");
	FAILS("update", "update: missing ALIAS|FID FILE.lw", "web");
	FAILS("status", "unknown option --alias", "--alias", "x");
	FAILS("kill", "kill: missing ALIAS|FID", "-y");
	FAILS("property", "option --set needs VALUE", "web", "lock", "--set");
}
END_TEST

START_TEST(help_skips_argument_checks)
{
	struct cmd_args a;
	char *err;

	ck_assert_int_eq(PARSE("update", &a, &err, "--help"), 0);
	ck_assert_int_eq(a.help, 1);
	cmd_args_free(&a);
	ck_assert_int_eq(PARSE("kill", &a, &err, "-h"), 0);
	ck_assert_int_eq(a.help, 1);
	cmd_args_free(&a);
}
END_TEST

START_TEST(program_exit_codes_and_help)
{
	char *out, *err;
	size_t i;

	ck_assert_int_eq(RUN(&out, &err, "--help"), EXIT_OK);
	for (i = 0; cmd_table[i]; i++)
		ck_assert_msg(strstr(out, cmd_table[i]->name) != NULL, "%s", cmd_table[i]->name);
	ck_assert_ptr_nonnull(strstr(out, "Exit status:"));
	ck_assert_ptr_nonnull(strstr(out, "5    the composition does not compile"));
	ck_assert_str_eq(err, "");
	free(out);
	free(err);

	ck_assert_int_eq(RUN(&out, &err, "run", "--help"), EXIT_OK);
	ck_assert(starts(out, "usage: fugue run [-a ALIAS] [--dry-run] [--werror] FILE.lw\n"));
	ck_assert_ptr_nonnull(strstr(out, "Common options:"));
	free(out);
	free(err);

	ck_assert_int_eq(RUN(&out, &err, "help", "kill"), EXIT_OK);
	ck_assert(starts(out, "usage: fugue kill [--dry-run] ALIAS|FID\n"));
	free(out);
	free(err);

	ck_assert_int_eq(RUN(&out, &err, "--version"), EXIT_OK);
	ck_assert_str_eq(out, "fugue " PACKAGE_VERSION " (protocol 1)\n");
	free(out);
	free(err);

	ck_assert_int_eq(RUN(&out, &err, "--json", "version"), EXIT_OK);
	ck_assert_str_eq(out, "{\n  \"version\": \"" PACKAGE_VERSION "\",\n  \"protocol\": 1\n}\n");
	free(out);
	free(err);

	ck_assert_int_eq(RUN(&out, &err, "frobnicate"), EXIT_USAGE);
	ck_assert_str_eq(err, "fugue: unknown command 'frobnicate' (see fugue --help)\n");
	free(out);
	free(err);

	ck_assert_int_eq(RUN(&out, &err, "--nope"), EXIT_USAGE);
	ck_assert(starts(err, "fugue: unknown option --nope\n"));
	free(out);
	free(err);

	ck_assert_int_eq(RUN(&out, &err, "-v"), EXIT_USAGE);
	ck_assert(starts(err, "fugue: no command\n"));
	free(out);
	free(err);

	ck_assert_int_eq(RUN(&out, &err, "kill"), EXIT_USAGE);
	ck_assert_str_eq(err, "fugue: kill: missing ALIAS|FID\n"
	    "usage: fugue kill [--dry-run] ALIAS|FID\n");
	ck_assert_str_eq(out, "");
	free(out);
	free(err);

	ck_assert_int_eq(RUN(&out, &err, "history", "-n", "0"), EXIT_USAGE);
	ck_assert_str_eq(err, "fugue: history: --limit takes a number from 1 to 1000, not \"0\"\n");
	free(out);
	free(err);

	ck_assert_int_eq(RUN(&out, &err, "history", "-e", "yesterday"), EXIT_USAGE);
	ck_assert_ptr_nonnull(strstr(err, "--end takes an RFC 3339 time"));
	free(out);
	free(err);

	ck_assert_int_eq(RUN(&out, &err, "property", "web", "--set", "on"), EXIT_USAGE);
	ck_assert(starts(err, "fugue: property: --set needs the KEY to set\n"));
	free(out);
	free(err);

	ck_assert_int_eq(RUN(&out, &err, "help", "nope"), EXIT_USAGE);
	free(out);
	free(err);
}
END_TEST

START_TEST(run_of_a_bad_file_is_a_compile_error)
{
	char *out, *err;

	ck_assert_int_eq(RUN(&out, &err, "run", "/nonexistent/x.lw"), EXIT_COMPILE);
	ck_assert_ptr_nonnull(strstr(err, "fugue: /nonexistent/x.lw: does not compile"));
	free(out);
	free(err);
}
END_TEST

static Suite *
cli_cmd_suite(void)
{
	Suite *s = suite_create("cli_cmd");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, table_is_complete_and_unique);
	tcase_add_test(tc, options_in_any_order);
	tcase_add_test(tc, usage_errors_say_what);
	tcase_add_test(tc, help_skips_argument_checks);
	tcase_add_test(tc, program_exit_codes_and_help);
	tcase_add_test(tc, run_of_a_bad_file_is_a_compile_error);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	SRunner *sr = srunner_create(cli_cmd_suite());
	int failed;

	srunner_run_all(sr, CK_ENV);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? 1 : 0;
}
