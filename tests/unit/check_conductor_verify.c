/* check_conductor_verify.c: the Conductor's request checks 1 to 6 (core/conductor/verify.c),
 * every check in order, with a fixed clock. */
#include "config.h"

#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "conductor.h"
#include "fixed_clock.h"

#define SECRET "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"
#define NOW_MS INT64_C(1795758000000) /* 2026-11-27T05:40:00.000Z */
#define NOW "2026-11-27T05:40:00.000Z"
#define REPLY_TO "http://127.0.0.1:4566/000000000000/t1-fugue-reply-ab12"
#define ID "7f0c2a4e-8c1b-4d2f-9a6e-3b5c7d9e1f20"

static const struct verify_ctx ctx = { "000000000000", "t1-fugue-reply-" };

/* Installs the fixed clock. */
static void
setup(void)
{
	fixed_clock_set(NOW_MS);
}

/* Restores the real clock. */
static void
teardown(void)
{
	fg_clock_set(NULL);
}

/* A body with the given time, command and extra members (JSON text without braces). */
static char *
body_text(const char *time, const char *extra)
{
	return fg_printf("{\"id\":\"%s\",\"time\":\"%s\",\"reply_to\":\"%s\",\"command\":\"status\""
	    "%s%s}", ID, time, REPLY_TO, extra ? "," : "", extra ? extra : "");
}

/* The text of a writer, which is freed (caller frees the text). */
static char *
jw_text(struct fg_jw *w)
{
	char *s = fg_jw_detach(w);

	fg_jw_free(w);
	return s;
}

/* An envelope of body signed with secret (v 1, user root). */
static char *
envelope_of(const char *body, const char *secret, int v, const char *user)
{
	struct fg_jw w;
	char mac[65];

	envelope_sign(secret, body, strlen(body), mac);
	fg_jw_init(&w, 0);
	fg_jw_obj(&w);
	fg_jw_kint(&w, "v", v);
	fg_jw_kstr(&w, "user", user);
	fg_jw_kstr(&w, "body", body);
	fg_jw_kstr(&w, "hmac", mac);
	fg_jw_end_obj(&w);
	return jw_text(&w);
}

/* Runs checks 1 to 6 on text with the user's secret; msg (caller frees) says why. */
static enum req_check
check(const char *text, const char *secret, struct req_body *b, char **msg)
{
	struct envelope e;
	enum req_check rc;

	*msg = NULL;
	memset(b, 0, sizeof(*b));
	rc = envelope_parse(text, strlen(text), &e, msg);
	if (rc != RC_OK)
		return rc;
	rc = envelope_verify(&e, secret, &ctx, b, msg);
	envelope_free(&e);
	return rc;
}

/* Expects check() to fail with rc and a message containing want. */
static void
expect_fail(const char *text, const char *secret, enum req_check want_rc, const char *want)
{
	struct req_body b;
	char *msg;
	enum req_check rc = check(text, secret, &b, &msg);

	ck_assert_int_eq(rc, want_rc);
	ck_assert_ptr_nonnull(msg);
	ck_assert_msg(strstr(msg, want) != NULL, "\"%s\" not in \"%s\"", want, msg);
	free(msg);
	req_body_free(&b);
}

/* Expects a signed body to fail check want_rc. */
static void
expect_body_fail(const char *body, enum req_check want_rc, const char *want)
{
	char *env = envelope_of(body, SECRET, 1, "root");

	expect_fail(env, SECRET, want_rc, want);
	free(env);
}

START_TEST(test_valid)
{
	char *body = body_text(NOW, "\"dry_run\":true,\"args\":{\"process\":\"web\"}");
	char *env = envelope_of(body, SECRET, 1, "root"), *msg;
	struct req_body b;

	ck_assert_int_eq(check(env, SECRET, &b, &msg), RC_OK);
	ck_assert_ptr_null(msg);
	ck_assert_str_eq(b.id, ID);
	ck_assert_str_eq(b.command, "status");
	ck_assert_str_eq(b.reply_to, REPLY_TO);
	ck_assert_int_eq(b.time_ms, NOW_MS);
	ck_assert_int_eq(b.dry_run, 1);
	ck_assert_str_eq(fg_json_str(fg_json_get(b.args, "process")), "web");
	req_body_free(&b);
	free(env);
	free(body);
}
END_TEST

START_TEST(test_envelope)
{
	char big[PROTO_MAX_MESSAGE + 2];

	/* 1. Envelope: JSON, an object, with v, user, body and hmac of the right types. */
	expect_fail("{\"v\":1,", SECRET, RC_MALFORMED, "envelope is not JSON: line 1");
	expect_fail("garbage", SECRET, RC_MALFORMED, "not JSON");
	expect_fail("[1,2]", SECRET, RC_MALFORMED, "must be an object, not array");
	expect_fail("{\"user\":\"root\",\"body\":\"{}\",\"hmac\":\"00\"}", SECRET, RC_MALFORMED,
	    "\"v\" is missing");
	expect_fail("{\"v\":\"1\",\"user\":\"root\",\"body\":\"{}\",\"hmac\":\"00\"}", SECRET,
	    RC_MALFORMED, "\"v\" must be an integer, not string");
	expect_fail("{\"v\":1,\"body\":\"{}\",\"hmac\":\"00\"}", SECRET, RC_MALFORMED,
	    "\"user\" is missing");
	expect_fail("{\"v\":1,\"user\":\"root\",\"body\":{},\"hmac\":\"00\"}", SECRET,
	    RC_MALFORMED, "\"body\" must be a string, not object");
	expect_fail("{\"v\":1,\"user\":\"root\",\"body\":\"{}\"}", SECRET, RC_MALFORMED,
	    "\"hmac\" is missing");
	memset(big, ' ', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	expect_fail(big, SECRET, RC_MALFORMED, "larger than the limit of 262144");
}
END_TEST

START_TEST(test_version)
{
	char *body = body_text(NOW, NULL);
	char *env = envelope_of(body, SECRET, 2, "root");

	/* 2. The version: checked after the envelope's shape, before anything else. */
	expect_fail(env, SECRET, RC_VERSION, "protocol version 2 is not spoken here (versions: 1)");
	free(env);
	free(body);
}
END_TEST

/* An envelope of body with a given hmac text. */
static char *
envelope_raw(const char *body, const char *hmac)
{
	struct fg_jw w;

	fg_jw_init(&w, 0);
	fg_jw_obj(&w);
	fg_jw_kint(&w, "v", 1);
	fg_jw_kstr(&w, "user", "root");
	fg_jw_kstr(&w, "body", body);
	fg_jw_kstr(&w, "hmac", hmac);
	fg_jw_end_obj(&w);
	return jw_text(&w);
}

/* Expects body signed with hmac to verify (want_ok) or to fail authentication. */
static void
expect_hmac(const char *body, const char *hmac, int want_ok)
{
	char *env = envelope_raw(body, hmac), *msg;
	struct req_body b;

	if (want_ok) {
		ck_assert_int_eq(check(env, SECRET, &b, &msg), RC_OK);
		req_body_free(&b);
	} else
		expect_fail(env, SECRET, RC_AUTH, "authentication failed");
	free(env);
}

START_TEST(test_auth)
{
	char *body = body_text(NOW, NULL), *spaced;
	char *env = envelope_of(body, SECRET, 1, "root");
	char *forged = envelope_of(body, "another secret", 1, "root");
	char mac[65], other[66], *unknown_msg, *bad_msg;
	struct req_body b;
	size_t i;

	/* 3. Unknown user and 4. bad HMAC: the same answer, word for word. */
	ck_assert_int_eq(check(env, NULL, &b, &unknown_msg), RC_AUTH);
	ck_assert_int_eq(check(forged, SECRET, &b, &bad_msg), RC_AUTH);
	ck_assert_str_eq(unknown_msg, bad_msg);
	free(unknown_msg);
	free(bad_msg);
	envelope_sign(SECRET, body, strlen(body), mac);
	expect_hmac(body, mac, 1);
	/* Upper-case hex is the same signature. */
	memcpy(other, mac, sizeof(mac));
	for (i = 0; i < 64; i++)
		if (other[i] >= 'a' && other[i] <= 'f')
			other[i] = (char)(other[i] - 32);
	expect_hmac(body, other, 1);
	/* One digit off, one digit short, one too many, none. */
	memcpy(other, mac, sizeof(mac));
	other[63] = other[63] == '0' ? '1' : '0';
	expect_hmac(body, other, 0);
	memcpy(other, mac, sizeof(mac));
	other[63] = '\0';
	expect_hmac(body, other, 0);
	memcpy(other, mac, sizeof(mac));
	other[64] = '0';
	other[65] = '\0';
	expect_hmac(body, other, 0);
	expect_hmac(body, "", 0);
	/* The body is signed byte for byte: the same JSON written otherwise does not verify. */
	spaced = fg_printf("{ %s", body + 1);
	expect_hmac(spaced, mac, 0);
	free(spaced);
	free(forged);
	free(env);
	free(body);
}
END_TEST

START_TEST(test_body)
{
	char *b;

	/* 5. The body, once the signature holds: JSON, every field, each well-formed. */
	expect_body_fail("{\"id\":", RC_MALFORMED, "body is not JSON: line 1");
	expect_body_fail("\"text\"", RC_MALFORMED, "body must be an object, not string");
	expect_body_fail("{\"time\":\"" NOW "\",\"reply_to\":\"" REPLY_TO "\",\"command\":\"run\"}",
	    RC_MALFORMED, "body: \"id\" is missing");
	expect_body_fail("{\"id\":\"" ID "\",\"reply_to\":\"" REPLY_TO "\",\"command\":\"run\"}",
	    RC_MALFORMED, "body: \"time\" is missing");
	expect_body_fail("{\"id\":\"" ID "\",\"time\":\"" NOW "\",\"command\":\"run\"}",
	    RC_MALFORMED, "body: \"reply_to\" is missing");
	expect_body_fail("{\"id\":\"" ID "\",\"time\":\"" NOW "\",\"reply_to\":\"" REPLY_TO "\"}",
	    RC_MALFORMED, "body: \"command\" is missing");
	expect_body_fail("{\"id\":7,\"time\":\"" NOW "\",\"reply_to\":\"" REPLY_TO "\","
	    "\"command\":\"run\"}", RC_MALFORMED, "\"id\" must be a string, not number");
	expect_body_fail("{\"id\":\"a b\",\"time\":\"" NOW "\",\"reply_to\":\"" REPLY_TO "\","
	    "\"command\":\"run\"}", RC_MALFORMED, "\"id\" must be 1 to 64");
	expect_body_fail("{\"id\":\"" ID "\",\"time\":\"yesterday\",\"reply_to\":\"" REPLY_TO "\","
	    "\"command\":\"run\"}", RC_MALFORMED, "\"time\" must be an RFC 3339 time");
	b = body_text(NOW, "\"dry_run\":\"yes\"");
	expect_body_fail(b, RC_MALFORMED, "\"dry_run\" must be true or false, not string");
	free(b);
	b = body_text(NOW, "\"args\":[]");
	expect_body_fail(b, RC_MALFORMED, "\"args\" must be an object, not array");
	free(b);
	expect_body_fail("{\"id\":\"" ID "\",\"time\":\"" NOW "\",\"reply_to\":\"not a url\","
	    "\"command\":\"run\"}", RC_MALFORMED, "\"reply_to\" is not a URL");
	expect_body_fail("{\"id\":\"" ID "\",\"time\":\"" NOW "\",\"reply_to\":"
	    "\"http://127.0.0.1/000000000000/fugue-requests\",\"command\":\"run\"}", RC_MALFORMED,
	    "must be the URL of a queue named t1-fugue-reply-");
	expect_body_fail("{\"id\":\"" ID "\",\"time\":\"" NOW "\",\"reply_to\":"
	    "\"http://127.0.0.1/111111111111/t1-fugue-reply-ab\",\"command\":\"run\"}",
	    RC_MALFORMED, "must be a queue of account 000000000000");
}
END_TEST

START_TEST(test_stale)
{
	char *b;
	struct req_body rb;
	char *env, *msg;

	/* 6. Within five minutes either way; one second more is stale. */
	b = body_text("2026-11-27T05:35:00.000Z", NULL);
	env = envelope_of(b, SECRET, 1, "root");
	ck_assert_int_eq(check(env, SECRET, &rb, &msg), RC_OK);
	req_body_free(&rb);
	free(env);
	free(b);
	b = body_text("2026-11-27T05:45:00.000Z", NULL);
	env = envelope_of(b, SECRET, 1, "root");
	ck_assert_int_eq(check(env, SECRET, &rb, &msg), RC_OK);
	req_body_free(&rb);
	free(env);
	free(b);
	b = body_text("2026-11-27T05:34:59.000Z", NULL);
	expect_body_fail(b, RC_STALE, "is 301 s behind the Conductor's clock (the limit is 300 s)");
	free(b);
	b = body_text("2026-11-27T06:45:01+01:00", NULL);
	expect_body_fail(b, RC_STALE, "is 301 s ahead of the Conductor's clock");
	free(b);
}
END_TEST

START_TEST(test_peek)
{
	char *b = body_text(NOW, NULL);
	char *env = envelope_of(b, "forged", 1, "mallory"), *id, *reply_to;

	/* Error replies go where the (unverified) body says, when it says it well. */
	envelope_peek(env, strlen(env), &ctx, &id, &reply_to);
	ck_assert_str_eq(id, ID);
	ck_assert_str_eq(reply_to, REPLY_TO);
	free(id);
	free(reply_to);
	free(env);
	envelope_peek("garbage", 7, &ctx, &id, &reply_to);
	ck_assert_ptr_null(id);
	ck_assert_ptr_null(reply_to);
	env = envelope_of("{\"id\":\"x y\",\"reply_to\":\"http://evil/000000000000/q\"}", "s", 1,
	    "root");
	envelope_peek(env, strlen(env), &ctx, &id, &reply_to);
	ck_assert_ptr_null(id);
	ck_assert_ptr_null(reply_to);
	free(env);
	free(b);
}
END_TEST

START_TEST(test_user_name)
{
	ck_assert(user_name_ok("root"));
	ck_assert(user_name_ok("ops.team_1-a"));
	ck_assert(!user_name_ok(""));
	ck_assert(!user_name_ok("a b"));
	ck_assert(!user_name_ok("users/../root"));
	ck_assert(!user_name_ok("aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"));
}
END_TEST

START_TEST(test_reply_to)
{
	char *msg = NULL;
	struct verify_ctx any = { NULL, "fugue-reply-" };

	ck_assert_int_eq(reply_to_check(REPLY_TO, &ctx, &msg), 0);
	ck_assert_int_eq(reply_to_check("https://sqs.eu-west-1.amazonaws.com/000000000000/"
	    "t1-fugue-reply-0a", &ctx, &msg), 0);
	ck_assert_int_eq(reply_to_check("http://h/1/fugue-reply-x", &any, &msg), 0);
	ck_assert_int_eq(reply_to_check("http://h/000000000000/t1-fugue-reply-", &ctx, &msg), -1);
	free(msg);
	ck_assert_int_eq(reply_to_check("http://h/000000000000/t1-fugue-reply-a?x=1", &ctx, &msg),
	    -1);
	free(msg);
	ck_assert_int_eq(reply_to_check("http://h/000000000000/t1-fugue-reply-a.fifo", &ctx, &msg),
	    -1);
	free(msg);
	ck_assert_int_eq(reply_to_check("http://h/t1-fugue-reply-a", &ctx, &msg), -1);
	free(msg);
	ck_assert_int_eq(reply_to_check("ftp://h/000000000000/t1-fugue-reply-a", &ctx, &msg), -1);
	free(msg);
}
END_TEST

/* The suite. */
static Suite *
verify_suite(void)
{
	Suite *s = suite_create("conductor_verify");
	TCase *tc = tcase_create("checks");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_valid);
	tcase_add_test(tc, test_envelope);
	tcase_add_test(tc, test_version);
	tcase_add_test(tc, test_auth);
	tcase_add_test(tc, test_body);
	tcase_add_test(tc, test_stale);
	tcase_add_test(tc, test_peek);
	tcase_add_test(tc, test_user_name);
	tcase_add_test(tc, test_reply_to);
	suite_add_tcase(s, tc);
	return s;
}

/* Runs the suite. */
int
main(void)
{
	SRunner *sr = srunner_create(verify_suite());
	int failed;

	srunner_run_all(sr, CK_ENV);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed != 0;
}
