/* check_cli_output.c: unit tests for the CLI's output layer (cli/output.c) and the views of
 * the Conductor's results (cli/show.c): text tables and JSON from the same tree. */
#include "config.h"

#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cmd.h"

/* The status of two processes, as the Conductor answers it. */
static const char status_all[] =
    "{\"processes\":["
    "{\"fid\":\"3f0c8a52-1b2c-4d5e-8f90-a1b2c3d4e5f6\",\"alias\":\"web\",\"state\":\"Running\","
    "\"account\":\"000000000000\",\"region\":\"us-east-1\","
    "\"created\":\"2026-11-27T05:40:00.123Z\",\"updated\":\"2026-11-27T05:41:02.000Z\","
    "\"composition\":\"ab\",\"properties\":{\"alias\":\"web\",\"enforcement\":\"on\"},"
    "\"last_message\":\"created 5\",\"resources\":{\"ready\":5,\"failed\":0}},"
    "{\"fid\":\"0a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d\",\"alias\":\"\",\"state\":\"Suspended\","
    "\"account\":\"000000000000\",\"region\":\"us-east-1\","
    "\"created\":\"2026-11-26T23:00:00Z\",\"updated\":\"2026-11-27T00:00:00+01:00\","
    "\"composition\":\"cd\",\"properties\":{},\"last_message\":\"line one\\nline two\","
    "\"resources\":{}}]}";

/* One process with its resources. */
static const char status_one[] =
    "{\"fid\":\"3f0c8a52-1b2c-4d5e-8f90-a1b2c3d4e5f6\",\"alias\":\"web\",\"state\":\"Running\","
    "\"account\":\"000000000000\",\"region\":\"us-east-1\","
    "\"created\":\"2026-11-27T05:40:00.123Z\",\"updated\":\"2026-11-27T05:41:02.000Z\","
    "\"composition\":\"ab\",\"properties\":{\"alias\":\"web\"},\"last_message\":\"ok\","
    "\"resources\":{\"ready\":2},\"resource_list\":["
    "{\"logical_id\":\"jobs\",\"type\":\"AWS.SQS.Queue\",\"physical_id\":\"http://q/jobs\","
    "\"status\":\"ready\",\"attempts\":1,\"last_error\":\"\",\"attributes\":{\"QueueArn\":\"a\"}},"
    "{\"logical_id\":\"uploads\",\"type\":\"AWS.S3.Bucket\",\"physical_id\":\"up-1\","
    "\"status\":\"creating\",\"attempts\":2,\"last_error\":\"\",\"attributes\":{}}]}";

/* Writes the tree of json through an output with views; returns what was printed. */
static char *
render(enum out_format fmt, const char *json, const struct out_view *views, size_t n)
{
	char *err = NULL, *text;
	fg_json doc = fg_json_parse(json, strlen(json), &err);
	FILE *f = tmpfile();
	struct out *o = out_new(fmt, f);
	long len;

	ck_assert_msg(doc != NULL, "%s", err);
	out_views(o, views, n);
	out_value(o, NULL, doc);
	out_free(o);
	fg_json_free(doc);
	len = ftell(f);
	text = fg_calloc((size_t)len + 1, 1);
	rewind(f);
	ck_assert_int_eq(fread(text, 1, (size_t)len, f), len);
	fclose(f);
	return text;
}

/* Times in the tests are shown in UTC. */
static void
utc(void)
{
	setenv("TZ", "UTC", 1);
	tzset();
}

START_TEST(status_table)
{
	static const struct out_view v = {
		"processes", OUT_ROWS, show_process_cols, SHOW_PROCESS_NCOLS, "No processes.",
	};
	char *t = render(OUT_TEXT, status_all, &v, 1);

	ck_assert_str_eq(t,
	    "State      Updated              Created              Account       FID                "
	    "                   Alias  Last Message\n"
	    "Running    2026-11-27 05:41:02  2026-11-27 05:40:00  000000000000  3f0c8a52-1b2c-4d5e-"
	    "8f90-a1b2c3d4e5f6  web    created 5\n"
	    "Suspended  2026-11-26 23:00:00  2026-11-26 23:00:00  000000000000  0a1b2c3d-4e5f-4a6b-"
	    "8c7d-9e0f1a2b3c4d         line one line two\n");
	free(t);
	t = render(OUT_TEXT, "{\"processes\":[]}", &v, 1);
	ck_assert_str_eq(t, "No processes.\n");
	free(t);
}
END_TEST

START_TEST(one_process_with_resources)
{
	char *t = render(OUT_TEXT, status_one, show_process_views, show_process_nviews);

	ck_assert_str_eq(t,
	    "State    Updated              Created              Account       FID                  "
	    "                 Alias  Last Message\n"
	    "Running  2026-11-27 05:41:02  2026-11-27 05:40:00  000000000000  3f0c8a52-1b2c-4d5e-8f9"
	    "0-a1b2c3d4e5f6  web    ok\n"
	    "\n"
	    "Logical ID  Type           Physical ID    Status\n"
	    "jobs        AWS.SQS.Queue  http://q/jobs  ready\n"
	    "uploads     AWS.S3.Bucket  up-1           creating\n");
	free(t);
}
END_TEST

START_TEST(json_is_the_result_itself)
{
	char *t = render(OUT_JSON, status_one, show_process_views, show_process_nviews), *err = NULL;
	fg_json got = fg_json_parse(t, strlen(t), &err), want;
	struct fg_jw a, b;

	ck_assert_msg(got != NULL, "%s", err);
	want = fg_json_parse(status_one, strlen(status_one), &err);
	fg_jw_init(&a, 0);
	fg_jw_init(&b, 0);
	fg_jw_value(&a, got);
	fg_jw_value(&b, want);
	ck_assert_str_eq(fg_jw_text(&a), fg_jw_text(&b));
	ck_assert(t[strlen(t) - 1] == '\n' && t[strlen(t) - 2] == '}');
	fg_jw_free(&a);
	fg_jw_free(&b);
	fg_json_free(got);
	fg_json_free(want);
	free(t);
}
END_TEST

START_TEST(pairs_plans_and_lines)
{
	char *t = render(OUT_TEXT, "{\"properties\":{\"alias\":\"web\",\"enforcement\":\"on\","
	    "\"enforcement-interval\":60,\"lock\":\"off\"}}", &show_properties_view, 1);
	FILE *f;
	struct out *o;
	char buf[256];
	size_t n;

	ck_assert_str_eq(t, "Property              Value\n"
	    "alias                 web\n"
	    "enforcement           on\n"
	    "enforcement-interval  60\n"
	    "lock                  off\n");
	free(t);
	t = render(OUT_TEXT, "{\"fid\":\"x\",\"plan\":[{\"action\":\"create\",\"logical_id\":\"jobs\","
	    "\"type\":\"AWS.SQS.Queue\"},{\"action\":\"delete\",\"logical_id\":\"old-bucket\","
	    "\"type\":\"AWS.S3.Bucket\"}]}", &show_plan_view, 1);
	ck_assert_str_eq(t, "Action  Logical ID  Type\n"
	    "create  jobs        AWS.SQS.Queue\n"
	    "delete  old-bucket  AWS.S3.Bucket\n");
	free(t);
	t = render(OUT_TEXT, "{\"plan\":[]}", &show_plan_view, 1);
	ck_assert_str_eq(t, "Nothing to do: no changes.\n");
	free(t);

	/* Lines and tables print in order; lines are for text only. */
	f = tmpfile();
	o = out_new(OUT_TEXT, f);
	out_line(o, "first %d", 1);
	out_views(o, &show_properties_view, 1);
	out_begin_obj(o, NULL);
	out_begin_obj(o, "properties");
	out_str(o, "lock", "on");
	out_end(o);
	out_end(o);
	out_line(o, "last");
	out_free(o);
	rewind(f);
	n = fread(buf, 1, sizeof(buf) - 1, f);
	buf[n] = '\0';
	fclose(f);
	ck_assert_str_eq(buf, "first 1\n\nProperty  Value\nlock      on\nlast\n");

	f = tmpfile();
	o = out_new(OUT_JSON, f);
	out_line(o, "not in JSON");
	out_begin_obj(o, NULL);
	out_str(o, "k", "v\"");
	out_int(o, "n", -3);
	out_begin_list(o, "l");
	out_str(o, NULL, "a");
	out_end(o);
	/* Left open on purpose: out_free closes it. */
	out_free(o);
	rewind(f);
	n = fread(buf, 1, sizeof(buf) - 1, f);
	buf[n] = '\0';
	fclose(f);
	ck_assert_str_eq(buf, "{\n  \"k\": \"v\\\"\",\n  \"n\": -3,\n  \"l\": [\n    \"a\"\n  ]\n}\n");
}
END_TEST

START_TEST(cells_of_nested_values_and_unicode)
{
	static const struct out_col cols[] = {
		{ "name", "Name", 0 }, { "counts", "Counts", 0 }, { "ok", "OK", 0 },
	};
	static const struct out_view v = { "items", OUT_ROWS, cols, 3, NULL };
	char *t = render(OUT_TEXT, "{\"items\":[{\"name\":\"caf\\u00e9\",\"counts\":{\"ready\":2,"
	    "\"failed\":1},\"ok\":true},{\"name\":\"x\",\"counts\":[\"a\",\"b\"],\"ok\":null}]}",
	    &v, 1);

	ck_assert_str_eq(t, "Name  Counts             OK\n"
	    "caf\xc3\xa9  ready=2, failed=1  true\n"
	    "x     a, b\n");
	free(t);
	t = render(OUT_TEXT, "{\"items\":[]}", &v, 1);
	ck_assert_str_eq(t, "Name  Counts  OK\n");
	free(t);
}
END_TEST

START_TEST(last_column_cut_to_the_terminal)
{
	static const struct out_col cols[] = { { "a", "A", 0 }, { "m", "Message", 0 } };
	static const struct out_view v = { "", OUT_ROW, cols, 2, NULL };
	FILE *f = tmpfile();
	struct out *o = out_new(OUT_TEXT, f);
	char buf[256];
	size_t n;

	out_set_width(o, 30);
	out_views(o, &v, 1);
	out_begin_obj(o, NULL);
	out_str(o, "a", "x");
	out_str(o, "m", "0123456789abcdefghij\xc3\xa9klmnopqrstuvwxyz");
	out_end(o);
	out_free(o);
	rewind(f);
	n = fread(buf, 1, sizeof(buf) - 1, f);
	buf[n] = '\0';
	fclose(f);
	/* 3 columns for "x  ", 27 for the message: 24 of it and "...". */
	ck_assert_str_eq(buf, "A  Message\nx  0123456789abcdefghij\xc3\xa9klm...\n");
}
END_TEST

START_TEST(time_cells)
{
	char *s;

	s = out_time_text("2026-11-27T05:40:00.123Z");
	ck_assert_str_eq(s, "2026-11-27 05:40:00");
	free(s);
	s = out_time_text("2026-11-27T05:40:00-02:30");
	ck_assert_str_eq(s, "2026-11-27 08:10:00");
	free(s);
	s = out_time_text("not a time");
	ck_assert_str_eq(s, "not a time");
	free(s);
	s = out_time_text("2026-11-27T05:40:00+0200");
	ck_assert_str_eq(s, "2026-11-27T05:40:00+0200");
	free(s);
	setenv("TZ", "Asia/Kolkata", 1);
	tzset();
	s = out_time_text("2026-11-27T05:40:00Z");
	ck_assert_str_eq(s, "2026-11-27 11:10:00");
	free(s);
	utc();
}
END_TEST

static Suite *
cli_output_suite(void)
{
	Suite *s = suite_create("cli_output");
	TCase *tc = tcase_create("core");

	tcase_add_unchecked_fixture(tc, utc, NULL);
	tcase_add_test(tc, status_table);
	tcase_add_test(tc, one_process_with_resources);
	tcase_add_test(tc, json_is_the_result_itself);
	tcase_add_test(tc, pairs_plans_and_lines);
	tcase_add_test(tc, cells_of_nested_values_and_unicode);
	tcase_add_test(tc, last_column_cut_to_the_terminal);
	tcase_add_test(tc, time_cells);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	SRunner *sr = srunner_create(cli_output_suite());
	int failed;

	srunner_run_all(sr, CK_ENV);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? 1 : 0;
}
