/* check_cli_proto.c: unit tests for the CLI's side of the protocol (cli/client.c): the request
 * body, the HMAC-signed envelope (checked against known values and python3's hmac), request
 * ids and times, and reply parsing. */
#include "config.h"

#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cmd.h"
#include "json.h"

START_TEST(hmac_known_values)
{
	char mac[65];
	const char *fox = "The quick brown fox jumps over the lazy dog";
	const char *body = "{\"id\":\"1\"}";

	/* RFC 2104 HMAC-SHA256 of the classic sentence under "key". */
	envelope_hmac("key", fox, strlen(fox), mac);
	ck_assert_str_eq(mac, "f7bc83f430538424b13298e6aa6fb143ef4d59a14946175997479dbc2d1a3cd8");
	/* Computed with python3: hmac.new(b"fugue-test-secret", body, hashlib.sha256). */
	envelope_hmac("fugue-test-secret", body, strlen(body), mac);
	ck_assert_str_eq(mac, "fef7e60bfaee0940ad429308c35f8ce58383098f916e79a11198f4867eb709eb");
}
END_TEST

START_TEST(envelope_signs_the_exact_body)
{
	const char *body = "{\"id\":\"1\"}";
	char *env = envelope_build("alice", "fugue-test-secret", body), *err = NULL;
	fg_json doc = fg_json_parse(env, strlen(env), &err);
	int64_t v;

	ck_assert_ptr_nonnull(doc);
	ck_assert_int_eq(fg_json_len(doc), 4);
	ck_assert_int_eq(fg_json_int(fg_json_get(doc, "v"), &v), 0);
	ck_assert_int_eq(v, 1);
	ck_assert_str_eq(fg_json_str(fg_json_get(doc, "user")), "alice");
	ck_assert_str_eq(fg_json_str(fg_json_get(doc, "body")), body);
	ck_assert_str_eq(fg_json_str(fg_json_get(doc, "hmac")),
	    "fef7e60bfaee0940ad429308c35f8ce58383098f916e79a11198f4867eb709eb");
	fg_json_free(doc);
	free(env);
}
END_TEST

START_TEST(envelope_verifies_with_python_hmac)
{
	char *body = request_body("0b7e6f2a-9c1d-4e8f-a2b3-c4d5e6f70819", "2026-11-27T05:40:00.123Z",
	    "http://127.0.0.1:4566/000000000000/fugue-reply-ab", "status", 0,
	    "{\"process\":\"caf\\u00e9 \\\"q\\\"\"}");
	char *env = envelope_build("root", "s3cr\"et\\x", body), *cmd, path[] = "/tmp/fugue-env.XXXXXX";
	FILE *f;
	int fd, rc;

	if (access("/usr/bin/python3", X_OK) != 0) {
		free(body);
		free(env);
		return; /* python3 is in scripts/deps; without it this cross-check is skipped */
	}
	ck_assert_int_ge(fd = mkstemp(path), 0);
	ck_assert_ptr_nonnull(f = fdopen(fd, "w"));
	fputs(env, f);
	fclose(f);
	cmd = fg_printf("/usr/bin/python3 -c 'import hmac, hashlib, json, sys\n"
	    "e = json.load(open(sys.argv[1]))\n"
	    "m = hmac.new(sys.argv[2].encode(), e[\"body\"].encode(), hashlib.sha256).hexdigest()\n"
	    "b = json.loads(e[\"body\"])\n"
	    "sys.exit(0 if hmac.compare_digest(m, e[\"hmac\"]) and e[\"v\"] == 1 and "
	    "b[\"args\"][\"process\"] == \"caf\\u00e9 \\\"q\\\"\" else 1)' %s 's3cr\"et\\x'", path);
	rc = system(cmd);
	unlink(path);
	ck_assert_int_eq(rc, 0);
	free(cmd);
	free(body);
	free(env);
}
END_TEST

START_TEST(request_body_fields)
{
	char *body = request_body("id-1", "2026-11-27T05:40:00.123Z", "http://q/fugue-reply-1", "kill",
	    1, "{\"process\":\"web\"}"), *err = NULL;
	fg_json doc = fg_json_parse(body, strlen(body), &err);
	int dry;

	ck_assert_ptr_nonnull(doc);
	ck_assert_str_eq(fg_json_str(fg_json_get(doc, "id")), "id-1");
	ck_assert_str_eq(fg_json_str(fg_json_get(doc, "time")), "2026-11-27T05:40:00.123Z");
	ck_assert_str_eq(fg_json_str(fg_json_get(doc, "reply_to")), "http://q/fugue-reply-1");
	ck_assert_str_eq(fg_json_str(fg_json_get(doc, "command")), "kill");
	ck_assert_int_eq(fg_json_bool(fg_json_get(doc, "dry_run"), &dry), 0);
	ck_assert_int_eq(dry, 1);
	ck_assert_str_eq(fg_json_str(fg_json_path(doc, "args/process")), "web");
	fg_json_free(doc);
	free(body);

	/* No args: an empty object. */
	body = request_body("i", "t", "r", "status", 0, NULL);
	ck_assert_str_eq(body, "{\"id\":\"i\",\"time\":\"t\",\"reply_to\":\"r\",\"command\":\"status\","
	    "\"dry_run\":false,\"args\":{}}");
	free(body);
}
END_TEST

START_TEST(request_args_leave_out_nulls)
{
	char *a = request_args("process", "web", "key", NULL, "value", "on", NULL);

	ck_assert_str_eq(a, "{\"process\":\"web\",\"value\":\"on\"}");
	free(a);
	a = request_args(NULL);
	ck_assert_str_eq(a, "{}");
	free(a);
}
END_TEST

/* A fixed clock and random source. */
static uint64_t
t_mono(void *arg)
{
	(void)arg;
	return 1;
}

static int64_t
t_wall(void *arg)
{
	(void)arg;
	return 1795758000123LL; /* 2026-11-27T05:40:00.123Z */
}

static void
t_random(void *arg, void *buf, size_t len)
{
	(void)arg;
	memset(buf, 0xff, len);
}

START_TEST(ids_and_times)
{
	static const struct fg_clock_ops ops = { t_mono, t_wall, t_random, NULL };
	char id[37], when[32], id2[37];
	size_t i;

	fg_clock_set(&ops);
	request_id(id);
	request_time(when);
	fg_clock_set(NULL);
	ck_assert_str_eq(id, "ffffffff-ffff-4fff-bfff-ffffffffffff");
	ck_assert_str_eq(when, "2026-11-27T05:40:00.123Z");
	request_id(id);
	request_id(id2);
	ck_assert_str_ne(id, id2);
	for (i = 0; i < 36; i++)
		ck_assert(i == 8 || i == 13 || i == 18 || i == 23 ? id[i] == '-' :
		    strchr("0123456789abcdef", id[i]) != NULL);
	ck_assert_int_eq(id[14], '4');
}
END_TEST

/* A reply that must be rejected with a message containing want. */
static void
bad_reply(const char *text, const char *want)
{
	struct reply r;
	char *err = NULL;

	ck_assert_int_eq(reply_parse(text, strlen(text), "r1", &r, &err), -1);
	ck_assert_msg(strstr(err, want) != NULL, "%s: got %s", text, err);
	ck_assert_ptr_null(r.doc);
	free(err);
}

START_TEST(replies)
{
	const char *ok = "{\"v\":1,\"id\":\"r1\",\"ok\":true,\"result\":{\"processes\":[]}}";
	const char *no = "{\"v\":1,\"id\":\"r1\",\"ok\":false,\"error\":{\"code\":\"NotFound\","
	    "\"message\":\"no process with alias \\\"web\\\"\"}}";
	const char *other = "{\"v\":1,\"id\":\"r2\",\"ok\":true,\"result\":{}}";
	struct reply r;
	char *err = NULL;

	ck_assert_int_eq(reply_parse(ok, strlen(ok), "r1", &r, &err), 0);
	ck_assert_int_eq(r.ok, 1);
	ck_assert(YAJL_IS_ARRAY(fg_json_get(r.result, "processes")));
	reply_free(&r);

	ck_assert_int_eq(reply_parse(no, strlen(no), "r1", &r, &err), 0);
	ck_assert_int_eq(r.ok, 0);
	ck_assert_str_eq(r.code, "NotFound");
	ck_assert_str_eq(r.message, "no process with alias \"web\"");
	ck_assert_int_eq(show_error_code(r.code), EXIT_NOT_FOUND);
	ck_assert_int_eq(show_error_code("Locked"), EXIT_ERROR);
	reply_free(&r);

	/* Another request's reply is not an error: it is skipped. */
	ck_assert_int_eq(reply_parse(other, strlen(other), "r1", &r, &err), 1);
	ck_assert_ptr_null(r.doc);

	bad_reply("nope", "reply is not JSON");
	bad_reply("[1]", "reply must be an object, not array");
	bad_reply("{\"id\":\"r1\",\"ok\":true,\"result\":1}", "\"v\" is missing");
	bad_reply("{\"v\":1,\"ok\":true}", "\"id\" is missing");
	bad_reply("{\"v\":2,\"id\":\"r1\",\"ok\":true,\"result\":1}",
	    "reply of protocol version 2; this fugue speaks version 1");
	bad_reply("{\"v\":1,\"id\":\"r1\",\"result\":1}", "\"ok\" is missing");
	bad_reply("{\"v\":1,\"id\":\"r1\",\"ok\":true}", "\"result\" is missing");
	bad_reply("{\"v\":1,\"id\":\"r1\",\"ok\":false,\"error\":{\"code\":\"X\"}}",
	    "must have a \"code\" and a \"message\"");
}
END_TEST

START_TEST(huge_reply_is_refused)
{
	size_t n = CLI_MAX_MESSAGE + 1;
	char *text = fg_malloc(n + 1);
	struct reply r;
	char *err = NULL;

	memset(text, ' ', n);
	text[n] = '\0';
	ck_assert_int_eq(reply_parse(text, n, "r1", &r, &err), -1);
	ck_assert_ptr_nonnull(strstr(err, "larger than the limit"));
	free(err);
	free(text);
}
END_TEST

static Suite *
cli_proto_suite(void)
{
	Suite *s = suite_create("cli_proto");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, hmac_known_values);
	tcase_add_test(tc, envelope_signs_the_exact_body);
	tcase_add_test(tc, envelope_verifies_with_python_hmac);
	tcase_add_test(tc, request_body_fields);
	tcase_add_test(tc, request_args_leave_out_nulls);
	tcase_add_test(tc, ids_and_times);
	tcase_add_test(tc, replies);
	tcase_add_test(tc, huge_reply_is_refused);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	SRunner *sr = srunner_create(cli_proto_suite());
	int failed;

	srunner_run_all(sr, CK_ENV);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? 1 : 0;
}
