/* check_ini.c: unit tests for the AWS shared config/credentials file parser. */
#include "config.h"

#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base.h"
#include "ini.h"

/* Parses text that must be valid. */
static struct fg_ini *
parse_ok(const char *text)
{
	char *err = NULL;
	struct fg_ini *ini = fg_ini_parse(text, strlen(text), "test.ini", &err);

	ck_assert_msg(ini != NULL, "unexpected error: %s", err ? err : "");
	return ini;
}

/* Parses text that must be rejected with exactly want. */
static void
parse_fails(const char *text, const char *want)
{
	char *err = NULL;
	struct fg_ini *ini = fg_ini_parse(text, strlen(text), "/h/.aws/config", &err);

	ck_assert_ptr_null(ini);
	ck_assert_ptr_nonnull(err);
	ck_assert_str_eq(err, want);
	free(err);
}

START_TEST(sections_keys_and_comments)
{
	struct fg_ini *ini = parse_ok(
	    "# leading comment\n"
	    "; another\n"
	    "\n"
	    "[default]\r\n"
	    "  output : json\n"
	    "aws_access_key_id = AKIDEXAMPLE\r\n"
	    "Region=eu-west-1   \n"
	    "empty =\n"
	    "[ profile  dev ]   # trailing comment\n"
	    "secret = a#b;c = d\n"
	    "[profile \"quoted name\"]\n"
	    "x = 1\n");
	const struct fg_ini_section *d, *dev;

	ck_assert_uint_eq(ini->nsections, 3);
	ck_assert_int_eq(ini->exists, 1);
	d = fg_ini_section(ini, "default");
	ck_assert_ptr_nonnull(d);
	ck_assert_int_eq(d->line, 4);
	ck_assert_str_eq(fg_ini_get(d, "aws_access_key_id"), "AKIDEXAMPLE");
	ck_assert_str_eq(fg_ini_get(d, "region"), "eu-west-1");
	ck_assert_str_eq(fg_ini_get(d, "REGION"), "eu-west-1");
	ck_assert_str_eq(d->props[2].key, "region");
	ck_assert_str_eq(fg_ini_get(d, "output"), "json");
	ck_assert_str_eq(fg_ini_get(d, "empty"), "");
	ck_assert_ptr_null(fg_ini_get(d, "missing"));
	ck_assert_int_eq(fg_ini_prop(d, "output")->line, 5);

	dev = fg_ini_section_kind(ini, "profile", "dev");
	ck_assert_ptr_nonnull(dev);
	ck_assert_str_eq(dev->name, "profile  dev");
	ck_assert_str_eq(fg_ini_get(dev, "secret"), "a#b;c = d");
	ck_assert_ptr_null(fg_ini_section(ini, "profile dev"));
	ck_assert_ptr_null(fg_ini_section_kind(ini, "profile", "de"));
	ck_assert_ptr_null(fg_ini_section_kind(ini, "prof", "dev"));
	ck_assert_ptr_nonnull(fg_ini_section_kind(ini, "profile", "quoted name"));
	ck_assert_ptr_null(fg_ini_get(NULL, "x"));
	fg_ini_free(ini);
}
END_TEST

START_TEST(nested_subsections_and_continuations)
{
	struct fg_ini *ini = parse_ok(
	    "\xef\xbb\xbf[profile dev]\n"
	    "services = local\n"
	    "s3 =\n"
	    "  addressing_style = path\n"
	    "  # a comment inside\n"
	    "\n"
	    "  Max_Concurrent_Requests = 20\n"
	    "  addressing_style = virtual\n"
	    "region = us-east-1\n"
	    "note = first\n"
	    "    second line\n"
	    "[services local]\n"
	    "sqs =\n"
	    "\tendpoint_url = http://127.0.0.1:4566/\n");
	const struct fg_ini_section *dev = fg_ini_section_kind(ini, "profile", "dev");
	const struct fg_ini_prop *s3 = fg_ini_prop(dev, "s3");

	ck_assert_ptr_nonnull(s3);
	ck_assert_uint_eq(s3->nsub, 3);
	ck_assert_ptr_null(fg_ini_get(dev, "s3"));
	/* The last of repeated nested keys wins, as in the CLI. */
	ck_assert_str_eq(fg_ini_sub_get(s3, "addressing_style"), "virtual");
	ck_assert_str_eq(fg_ini_sub_get(s3, "max_concurrent_requests"), "20");
	ck_assert_int_eq(s3->sub[1].line, 7);
	ck_assert_str_eq(fg_ini_get(dev, "region"), "us-east-1");
	ck_assert_str_eq(fg_ini_get(dev, "note"), "first\nsecond line");
	ck_assert_ptr_null(fg_ini_sub_get(NULL, "x"));
	ck_assert_str_eq(fg_ini_sub_get(fg_ini_prop(fg_ini_section_kind(ini, "services", "local"),
	    "sqs"), "endpoint_url"), "http://127.0.0.1:4566/");
	fg_ini_free(ini);
}
END_TEST

START_TEST(malformed_lines_name_file_and_line)
{
	char *err = NULL;

	parse_fails("[default]\nregion us-east-1\n",
	    "/h/.aws/config:2: expected \"key = value\", \"[section]\" or a comment, "
	    "got \"region us-east-1\"");
	parse_fails("region = x\n[default]\n",
	    "/h/.aws/config:1: property \"region\" outside any [section]");
	parse_fails("[default\n", "/h/.aws/config:1: section header without a closing ']': "
	    "\"[default\"");
	parse_fails("[default] x\n", "/h/.aws/config:1: unexpected text after section header: \"x\"");
	parse_fails("[ ]\n", "/h/.aws/config:1: section header with an empty name");
	parse_fails("[a]\n = v\n", "/h/.aws/config:2: property with an empty name: \"= v\"");
	parse_fails("[a]\nk = 1\n[b]\n[a]\n",
	    "/h/.aws/config:4: duplicate section [a] (first at line 1)");
	parse_fails("[a]\nk = 1\nK = 2\n",
	    "/h/.aws/config:3: duplicate property \"k\" in [a] (first at line 2)");
	parse_fails("[a]\ns3 =\n  addressing_style: path\n",
	    "/h/.aws/config:3: expected \"key = value\", \"[section]\" or a comment, "
	    "got \"addressing_style: path\"");
	ck_assert_ptr_null(fg_ini_parse("[a]\nk = 1\nx\0y\n", 12, "f", &err));
	ck_assert_str_eq(err, "f:3: NUL byte in the file");
	free(err);
}
END_TEST

START_TEST(load_reads_files_and_tolerates_missing)
{
	char dir[] = "/tmp/check_ini.XXXXXX";
	char *path, *err = NULL;
	struct fg_ini *ini;
	FILE *f;

	ck_assert_ptr_nonnull(mkdtemp(dir));
	path = fg_printf("%s/credentials", dir);
	ini = fg_ini_load(path, &err);
	ck_assert_ptr_nonnull(ini);
	ck_assert_int_eq(ini->exists, 0);
	ck_assert_uint_eq(ini->nsections, 0);
	ck_assert_str_eq(ini->path, path);
	fg_ini_free(ini);

	f = fopen(path, "w");
	ck_assert_ptr_nonnull(f);
	fputs("[default]\naws_access_key_id = AKID\n[bad\n", f);
	fclose(f);
	ck_assert_ptr_null(fg_ini_load(path, &err));
	ck_assert(strncmp(err, path, strlen(path)) == 0);
	ck_assert_ptr_nonnull(strstr(err, ":3: section header without a closing ']'"));
	free(err);
	err = NULL;

	f = fopen(path, "w");
	fputs("[default]\naws_access_key_id = AKID", f); /* no final newline */
	fclose(f);
	ini = fg_ini_load(path, &err);
	ck_assert_ptr_nonnull(ini);
	ck_assert_str_eq(fg_ini_get(fg_ini_section(ini, "default"), "aws_access_key_id"), "AKID");
	fg_ini_free(ini);

	/* A directory where a file should be is an error, not "missing". */
	ck_assert_ptr_null(fg_ini_load(dir, &err));
	ck_assert_ptr_nonnull(err);
	free(err);
	unlink(path);
	rmdir(dir);
	free(path);
}
END_TEST

static Suite *
ini_suite(void)
{
	Suite *s = suite_create("ini");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, sections_keys_and_comments);
	tcase_add_test(tc, nested_subsections_and_continuations);
	tcase_add_test(tc, malformed_lines_name_file_and_line);
	tcase_add_test(tc, load_reads_files_and_tolerates_missing);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	SRunner *sr = srunner_create(ini_suite());
	int failed;

	srunner_run_all(sr, CK_ENV);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? 1 : 0;
}
