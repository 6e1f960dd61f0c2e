/* check_json.c: unit tests for the JSON reader and writer (json_read.c, json_write.c). */
#include "config.h"

#include <check.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "json.h"
#include "replies.h"

/* Parses text (a C string) expecting success. */
static fg_json
parse_ok(const char *text)
{
	char *err = NULL;
	fg_json v = fg_json_parse(text, strlen(text), &err);

	ck_assert_msg(v != NULL, "rejected %s: %s", text, err);
	ck_assert_ptr_null(err);
	return v;
}

/* Parses len bytes expecting failure with a message that starts with want. */
static void
parse_bad(const char *text, size_t len, const char *want)
{
	char *err = NULL;
	fg_json v = fg_json_parse(text, len, &err);

	ck_assert_msg(v == NULL, "accepted %.*s", (int)len, text);
	ck_assert_ptr_nonnull(err);
	ck_assert_msg(strncmp(err, want, strlen(want)) == 0, "got \"%s\", want \"%s...\"", err,
	    want);
	free(err);
}

START_TEST(dynamodb_describe_table_sample)
{
	size_t len;
	char *text = replies_read("dynamodb-describe-table.json", &len);
	char *err = NULL;
	fg_json v = fg_json_parse(text, len, &err), t;
	int64_t i;
	double d;

	ck_assert_msg(v != NULL, "%s", err);
	t = fg_json_get(v, "Table");
	ck_assert_str_eq(fg_json_type_name(t), "object");
	ck_assert_str_eq(fg_json_key(t, 0), "TableArn");
	ck_assert_str_eq(fg_json_str(fg_json_path(v, "Table/TableName")), "Thread");
	ck_assert_str_eq(fg_json_str(fg_json_path(v, "Table/KeySchema/1/KeyType")), "RANGE");
	ck_assert_uint_eq(fg_json_len(fg_json_path(v, "Table/AttributeDefinitions")), 3);
	ck_assert_str_eq(fg_json_str(fg_json_path(v,
	    "Table/LocalSecondaryIndexes/0/Projection/ProjectionType")), "KEYS_ONLY");
	ck_assert_int_eq(fg_json_double(fg_json_path(v, "Table/CreationDateTime"), &d), 0);
	ck_assert(fabs(d - 1363729002.358) < 1e-6);
	ck_assert_int_eq(fg_json_int(fg_json_path(v, "Table/CreationDateTime"), &i), -1);
	ck_assert_int_eq(fg_json_int(fg_json_path(v,
	    "Table/ProvisionedThroughput/ReadCapacityUnits"), &i), 0);
	ck_assert_int_eq(i, 5);
	ck_assert_ptr_null(fg_json_path(v, "Table/KeySchema/2"));
	ck_assert_ptr_null(fg_json_path(v, "Table/KeySchema/x"));
	ck_assert_ptr_null(fg_json_path(v, "Table/KeySchema/-1"));
	ck_assert_ptr_null(fg_json_path(v, "Table/TableName/deeper"));
	ck_assert_ptr_null(fg_json_str(fg_json_path(v, "Table/ItemCount")));
	ck_assert_str_eq(fg_json_type_name(fg_json_path(v, "Table/nothing")), "missing");
	fg_json_free(v);
	free(text);
}
END_TEST

START_TEST(error_samples_parse)
{
	static const char *const files[] = { "dynamodb-error.json", "sqs-json-error.json" };

	for (size_t f = 0; f < FG_ARRAY_LEN(files); f++) {
		size_t len;
		char *text = replies_read(files[f], &len), *err = NULL;
		fg_json v = fg_json_parse(text, len, &err);

		ck_assert_msg(v != NULL, "%s: %s", files[f], err);
		ck_assert(strstr(fg_json_str(fg_json_get(v, "__type")), "#") != NULL);
		ck_assert(strlen(fg_json_str(fg_json_get(v, "message"))) > 10);
		fg_json_free(v);
		free(text);
	}
}
END_TEST

START_TEST(scalars_and_accessors)
{
	fg_json v = parse_ok("[9223372036854775807, 9223372036854775808, -0.5, 1e400, true, "
	    "false, null, \"\\u00e9\\ud83d\\ude00\", {}, []]");
	int64_t i;
	double d;
	int b;

	ck_assert_uint_eq(fg_json_len(v), 10);
	ck_assert_int_eq(fg_json_int(fg_json_at(v, 0), &i), 0);
	ck_assert(i == INT64_MAX);
	ck_assert_int_eq(fg_json_int(fg_json_at(v, 1), &i), -1);
	ck_assert_int_eq(fg_json_double(fg_json_at(v, 1), &d), 0);
	ck_assert_int_eq(fg_json_double(fg_json_at(v, 2), &d), 0);
	ck_assert(d == -0.5);
	ck_assert_int_eq(fg_json_double(fg_json_at(v, 3), &d), -1);
	ck_assert_int_eq(fg_json_bool(fg_json_at(v, 4), &b), 0);
	ck_assert_int_eq(b, 1);
	ck_assert_int_eq(fg_json_bool(fg_json_at(v, 5), &b), 0);
	ck_assert_int_eq(b, 0);
	ck_assert_int_eq(fg_json_bool(fg_json_at(v, 6), &b), -1);
	ck_assert_str_eq(fg_json_type_name(fg_json_at(v, 6)), "null");
	ck_assert_str_eq(fg_json_str(fg_json_at(v, 7)), "\xC3\xA9\xF0\x9F\x98\x80");
	ck_assert_str_eq(fg_json_type_name(fg_json_at(v, 8)), "object");
	ck_assert_str_eq(fg_json_type_name(fg_json_at(v, 9)), "array");
	ck_assert_ptr_null(fg_json_at(v, 10));
	ck_assert_ptr_null(fg_json_get(v, "x"));
	ck_assert_ptr_null(fg_json_key(v, 0));
	ck_assert_ptr_eq(fg_json_path(v, ""), v);
	fg_json_free(v);

	v = parse_ok("[1e-400, 5e-324]");
	ck_assert_int_eq(fg_json_double(fg_json_at(v, 0), &d), 0);
	ck_assert(d == 0);
	ck_assert_int_eq(fg_json_double(fg_json_at(v, 1), &d), 0);
	ck_assert(d > 0);
	fg_json_free(v);
	v = parse_ok("  \"top\"  ");
	ck_assert_str_eq(fg_json_str(v), "top");
	fg_json_free(v);
	v = parse_ok("{\"a\": 1, \"a\": 2}");
	ck_assert_int_eq(fg_json_int(fg_json_get(v, "a"), &i), 0);
	ck_assert_int_eq(i, 1);
	fg_json_free(v);
}
END_TEST

START_TEST(input_need_not_be_terminated)
{
	static const char text[] = "{\"a\":[1,2]}GARBAGE";
	char *err = NULL;
	fg_json v = fg_json_parse(text, 11, &err);

	ck_assert_ptr_nonnull(v);
	ck_assert_uint_eq(fg_json_len(fg_json_get(v, "a")), 2);
	fg_json_free(v);
	parse_bad(text, 12, "line 1, column 12:");
}
END_TEST

START_TEST(errors_say_line_and_column)
{
	const char *t = "{\n  \"a\": 1,\n  \"b\": }";

	parse_bad(t, strlen(t), "line 3, column 8: unallowed token at this point in JSON text "
	    "(at '}')");
	t = "{\"a\": [1, 2";
	parse_bad(t, strlen(t), "line 1, column 12: premature EOF");
	parse_bad("", 0, "line 1, column 1:");
	parse_bad(" \n ", 3, "line 2, column 2:");
	t = "[1, 2,]";
	parse_bad(t, strlen(t), "line 1, column 7:");
	t = "{'a': 1}";
	parse_bad(t, strlen(t), "line 1, column 2:");
	t = "[1] [2]";
	parse_bad(t, strlen(t), "line 1, column 5: trailing garbage (at '[')");
	t = "[tru]";
	parse_bad(t, strlen(t), "line 1, column");
	t = "/* comment */ 1";
	parse_bad(t, strlen(t), "line 1, column 1:");
	t = "[\"a\tb\"]";
	parse_bad(t, strlen(t), "line 1, column");
	t = "[\"\\x\"]";
	parse_bad(t, strlen(t), "line 1, column");
}
END_TEST

START_TEST(invalid_utf8_rejected)
{
	static const char *const bad[] = {
		"[\"\xC3\x28" "ab\"]",     /* bad continuation */
		"[\"\xC0\xAF\"]",           /* overlong '/' */
		"[\"\xE0\x80\xAF\"]",       /* overlong */
		"[\"\xED\xA0\x80\"]",       /* surrogate */
		"[\"\xF4\x90\x80\x80\"]",   /* above U+10FFFF */
		"[\"\xF8\x88\x80\x80\x80\"]",
		"[\"\xE2\x82\"]",           /* truncated */
		"[\"\x80\"]",
	};

	for (size_t i = 0; i < FG_ARRAY_LEN(bad); i++)
		parse_bad(bad[i], strlen(bad[i]), "line 1, column 3: invalid UTF-8");
	parse_bad("{\n\"\xFF\": 1}", 9, "line 2, column 2: invalid UTF-8");
}
END_TEST

START_TEST(nul_rejected)
{
	static const char raw[] = "[\"a\0b\"]";

	parse_bad("[\"a\\u0000b\"]", 12, "line 1, column");
	parse_bad("{\"a\\u0000\": 1}", 14, "line 1, column");
	parse_bad(raw, sizeof(raw) - 1, "line 1, column");
}
END_TEST

START_TEST(depth_limited)
{
	size_t n = 100000;
	char *deep = fg_malloc(2 * n);
	char *err = NULL;
	fg_json v;

	for (size_t i = 0; i < FG_JSON_MAX_DEPTH - 1; i++) {
		deep[i] = '[';
		deep[2 * (FG_JSON_MAX_DEPTH - 1) - 1 - i] = ']';
	}
	v = fg_json_parse(deep, 2 * (FG_JSON_MAX_DEPTH - 1), &err);
	ck_assert_msg(v != NULL, "%s", err);
	fg_json_free(v);
	for (size_t i = 0; i < FG_JSON_MAX_DEPTH; i++) {
		deep[i] = '[';
		deep[2 * FG_JSON_MAX_DEPTH - 1 - i] = ']';
	}
	parse_bad(deep, 2 * FG_JSON_MAX_DEPTH, "line 1, column 128: objects and arrays nested 128");
	memset(deep, '[', n);
	parse_bad(deep, n, "line 1, column 128:");
	for (size_t i = 0; i < n; i += 6)
		memcpy(deep + i, "{\"a\":", 5), deep[i + 5] = '[';
	parse_bad(deep, n, "line 1, column");
	free(deep);
}
END_TEST

START_TEST(writer_compact)
{
	struct fg_jw w;
	char *s;

	fg_jw_init(&w, 0);
	fg_jw_obj(&w);
	fg_jw_kstr(&w, "a", "x\"y\\z\n\x01/");
	fg_jw_kint(&w, "n", -5);
	fg_jw_kbool(&w, "t", 1);
	fg_jw_kstr(&w, "z", NULL);
	fg_jw_key(&w, "d");
	fg_jw_double(&w, 0.1);
	fg_jw_key(&w, "arr");
	fg_jw_arr(&w);
	fg_jw_int(&w, INT64_MIN);
	fg_jw_double(&w, 2.5);
	fg_jw_double(&w, NAN);
	fg_jw_double(&w, 1e300);
	fg_jw_strn(&w, "ab\0c", 4);
	fg_jw_bool(&w, 0);
	fg_jw_null(&w);
	fg_jw_end_arr(&w);
	fg_jw_end_obj(&w);
	ck_assert_str_eq(fg_jw_text(&w),
	    "{\"a\":\"x\\\"y\\\\z\\n\\u0001/\",\"n\":-5,\"t\":true,\"z\":null,\"d\":0.1,"
	    "\"arr\":[-9223372036854775808,2.5,null,1e+300,\"ab\\u0000c\",false,null]}");
	s = fg_jw_detach(&w);
	ck_assert_str_eq(fg_jw_text(&w), "");
	fg_jw_arr(&w);
	fg_jw_end_arr(&w);
	ck_assert_str_eq(fg_jw_text(&w), "[]");
	fg_jw_free(&w);
	free(s);
}
END_TEST

START_TEST(writer_repairs_utf8)
{
	struct fg_jw w;

	fg_jw_init(&w, 0);
	fg_jw_arr(&w);
	fg_jw_str(&w, "ok\xC3\xA9");
	fg_jw_str(&w, "bad\xC3\x28\xED\xA0\x80");
	fg_jw_end_arr(&w);
	ck_assert_str_eq(fg_jw_text(&w),
	    "[\"ok\xC3\xA9\",\"bad\xEF\xBF\xBD(\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD\"]");
	fg_jw_free(&w);
}
END_TEST

START_TEST(writer_doubles_round_trip)
{
	static const double vals[] = { 0.1, 1.0 / 3, 1363729002.358, -2.2250738585072014e-308,
		1.7976931348623157e308, 123456789.0, 5e-324 };

	for (size_t i = 0; i < FG_ARRAY_LEN(vals); i++) {
		struct fg_jw w;
		char *err = NULL;
		fg_json v;
		double d;

		fg_jw_init(&w, 0);
		fg_jw_double(&w, vals[i]);
		v = fg_json_parse(fg_jw_text(&w), w.out.len, &err);
		ck_assert_msg(v != NULL, "%s: %s", fg_jw_text(&w), err);
		ck_assert_int_eq(fg_json_double(v, &d), 0);
		ck_assert_msg(d == vals[i], "%s read back as %.17g", fg_jw_text(&w), d);
		fg_json_free(v);
		fg_jw_free(&w);
	}
}
END_TEST

START_TEST(round_trip_is_stable)
{
	static const char *const files[] = { "dynamodb-describe-table.json", "dynamodb-error.json",
		"sqs-json-error.json" };

	for (size_t f = 0; f < FG_ARRAY_LEN(files); f++) {
		size_t len;
		char *text = replies_read(files[f], &len), *err = NULL, *once;
		fg_json v = fg_json_parse(text, len, &err), again;
		struct fg_jw w;

		ck_assert_ptr_nonnull(v);
		fg_jw_init(&w, f == 0);
		fg_jw_value(&w, v);
		once = fg_jw_detach(&w);
		again = fg_json_parse(once, strlen(once), &err);
		ck_assert_msg(again != NULL, "%s", err);
		fg_jw_value(&w, again);
		ck_assert_str_eq(fg_jw_text(&w), once);
		if (f == 0) {
			ck_assert(strstr(once, "\n  \"Table\": {\n    \"TableArn\"") != NULL);
			ck_assert(strstr(once, "1.363729002358E9") != NULL);
		}
		fg_jw_free(&w);
		fg_json_free(v);
		fg_json_free(again);
		free(once);
		free(text);
	}
}
END_TEST

static Suite *
json_suite(void)
{
	Suite *s = suite_create("json");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, dynamodb_describe_table_sample);
	tcase_add_test(tc, error_samples_parse);
	tcase_add_test(tc, scalars_and_accessors);
	tcase_add_test(tc, input_need_not_be_terminated);
	tcase_add_test(tc, errors_say_line_and_column);
	tcase_add_test(tc, invalid_utf8_rejected);
	tcase_add_test(tc, nul_rejected);
	tcase_add_test(tc, depth_limited);
	tcase_add_test(tc, writer_compact);
	tcase_add_test(tc, writer_repairs_utf8);
	tcase_add_test(tc, writer_doubles_round_trip);
	tcase_add_test(tc, round_trip_is_stable);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	SRunner *sr = srunner_create(json_suite());
	int failed;

	srunner_run_all(sr, CK_ENV);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? 1 : 0;
}
