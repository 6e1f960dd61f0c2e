/* check_lc_route.c: unit tests for localcloud's router: service and protocol selection, SigV4
 * verification and its per-protocol errors, parameters, the admin path and the config file. */
#include "config.h"

#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "lc_testlib.h"

static struct fg_loop *loop;
static struct lc_server *srv;

/* Starts a server. */
static void
setup(void)
{
	loop = fg_loop_new();
	srv = lct_server(loop, NULL, NULL);
}

/* Stops it. */
static void
teardown(void)
{
	lc_server_free(srv);
	fg_loop_free(loop);
}

/* Dispatches a request built by lct_request; returns the reply. */
static struct lct_reply *
call(const char *method, const char *uri, const char *ctype, const char *target,
    const char *body, const char *signing, const char *ak, const char *secret, long skew)
{
	struct lct_reply *r = fg_calloc(1, sizeof(*r));

	lc_dispatch(lct_request(srv, r, method, uri, ctype, target, body, signing, ak, secret,
	    skew));
	ck_assert(r->done);
	return r;
}

#define FORM "application/x-www-form-urlencoded"
#define AMZ_JSON "application/x-amz-json-1.0"

/* Asserts status and that the body holds want. */
static void
expect(struct lct_reply *r, int status, const char *want)
{
	ck_assert_msg(r->status == status && strstr(r->body, want) != NULL,
	    "status %d (want %d), body %s (want %s)", r->status, status, r->body, want);
	lct_reply_free(r);
}

START_TEST(sts_get_caller_identity)
{
	struct lct_reply *r = lct_query(srv, "sts", "Action=GetCallerIdentity&Version=2011-06-15");

	ck_assert_int_eq(r->status, 200);
	ck_assert_str_eq(fg_headers_get(&r->headers, "Content-Type"), "text/xml");
	ck_assert_ptr_nonnull(fg_headers_get(&r->headers, "x-amzn-RequestId"));
	ck_assert_ptr_nonnull(strstr(r->body, "<GetCallerIdentityResponse xmlns=\"https://sts."
	    "amazonaws.com/doc/2011-06-15/\"><GetCallerIdentityResult><Arn>arn:aws:iam::"
	    "000000000000:user/localcloud</Arn><UserId>AIDALOCALCLOUD0000000</UserId><Account>"
	    "000000000000</Account></GetCallerIdentityResult><ResponseMetadata><RequestId>"));
	lct_reply_free(r);
	expect(lct_query(srv, "sts", "Action=AssumeRole"), 400, "<Code>InvalidAction</Code>");
}
END_TEST

START_TEST(routes_by_scope_target_and_action)
{
	/* The same SQS action over both protocols. */
	expect(lct_query(srv, "sqs", "Action=ListQueues"), 200, "<ListQueuesResponse");
	expect(lct_json(srv, "sqs", "AmazonSQS.ListQueues", "{}"), 200, "{}");
	/* A signing name nobody serves. */
	expect(lct_query(srv, "lambda", "Action=ListFunctions"), 400,
	    "localcloud does not implement the service &quot;lambda&quot;");
	/* A target of another service than the scope's. */
	expect(lct_json(srv, "sqs", "DynamoDB_20120810.ListTables", "{}"), 400,
	    "UnknownOperationException");
	expect(lct_query(srv, "sqs", "Version=2012-11-05"), 400, "<Code>MissingAction</Code>");
	expect(call("POST", "/", FORM, NULL, "Action=ListQueues&Bad=%zz", "sqs", NULL, NULL, 0),
	    400, "<Code>MalformedQueryString</Code>");
	/* The query string counts for the query protocol too. */
	expect(call("GET", "/?Action=ListQueues", NULL, NULL, NULL, "sqs", NULL, NULL, 0), 200,
	    "<ListQueuesResult>");
	expect(lct_json(srv, "sqs", "AmazonSQS.ListQueues", "[1]"), 400,
	    "the JSON body must be an object, not array");
}
END_TEST

START_TEST(unsigned_requests_are_refused)
{
	expect(call("POST", "/", FORM, NULL, "Action=ListQueues", NULL, NULL, NULL, 0), 403,
	    "<Code>MissingAuthenticationToken</Code>");
	expect(call("POST", "/", AMZ_JSON, "AmazonSQS.ListQueues", "{}", NULL, NULL, NULL, 0), 400,
	    "MissingAuthenticationTokenException");
}
END_TEST

START_TEST(signature_errors_per_protocol)
{
	struct lct_reply *r;

	expect(call("POST", "/", FORM, NULL, "Action=ListQueues", "sqs", NULL, "wrong", 0), 403,
	    "<Code>SignatureDoesNotMatch</Code><Message>The request signature we calculated does "
	    "not match");
	expect(call("POST", "/", FORM, NULL, "Action=GetCallerIdentity", "sts", "AKIDNOBODY", NULL,
	    0), 403, "<Code>InvalidClientTokenId</Code><Message>The security token included in "
	    "the request is invalid.</Message>");
	expect(call("POST", "/", FORM, NULL, "Action=ListQueues", "sqs", NULL, NULL, -20 * 60), 403,
	    "<Code>SignatureDoesNotMatch</Code><Message>Signature expired: ");
	expect(call("POST", "/", FORM, NULL, "Action=ListQueues", "sqs", NULL, NULL, 20 * 60), 403,
	    "<Message>Signature not yet current: ");
	/* Within 15 minutes is fine. */
	expect(call("POST", "/", FORM, NULL, "Action=ListQueues", "sqs", NULL, NULL, 14 * 60), 200,
	    "<ListQueuesResponse");
	r = call("POST", "/", AMZ_JSON, "AmazonSQS.ListQueues", "{}", "sqs", "AKIDNOBODY", NULL, 0);
	ck_assert_str_eq(fg_headers_get(&r->headers, "x-amzn-query-error"),
	    "InvalidClientTokenId;Sender");
	expect(r, 400, "{\"__type\":\"com.amazon.coral.service#UnrecognizedClientException\","
	    "\"message\":\"The security token included in the request is invalid.\"}");
	expect(call("POST", "/", AMZ_JSON, "AmazonSQS.ListQueues", "{}", "sqs", NULL, "wrong", 0),
	    400, "com.amazon.coral.service#InvalidSignatureException");
	expect(call("POST", "/", AMZ_JSON, "AmazonSQS.ListQueues", "{}", "sqs", NULL, NULL, 3600),
	    400, "Signature not yet current");
}
END_TEST

START_TEST(tampered_requests_are_refused)
{
	struct lct_reply *r = fg_calloc(1, sizeof(*r));
	struct lc_request *req = lct_request(srv, r, "POST", "/", FORM, NULL,
	    "Action=ListQueues", "sqs", NULL, NULL, 0);

	/* The body changes after signing. */
	fg_buf_reset(&req->body);
	fg_buf_addstr(&req->body, "Action=ListQueues&QueueNamePrefix=x");
	lc_dispatch(req);
	expect(r, 403, "<Code>SignatureDoesNotMatch</Code>");
	r = fg_calloc(1, sizeof(*r));
	req = lct_request(srv, r, "POST", "/", FORM, NULL, "Action=ListQueues", "sqs", NULL, NULL,
	    0);
	fg_headers_set(&req->headers, "Authorization", "AWS4-HMAC-SHA256 Credential=AKIDLOCALCLOUD/"
	    "20240101/us-east-1/sqs/aws4_request, Signature=00");
	lc_dispatch(req);
	expect(r, 400, "<Code>IncompleteSignature</Code>");
}
END_TEST

START_TEST(parameters_decode)
{
	struct lc_params p = { 0 };
	char *err = NULL;

	ck_assert_int_eq(lc_params_parse(&p, "a=1&b&&c=%41+B&d=%00x", 21, &err), 0);
	ck_assert_uint_eq(p.n, 4);
	ck_assert_str_eq(p.v[0].name, "a");
	ck_assert_str_eq(p.v[0].value, "1");
	ck_assert_str_eq(p.v[1].name, "b");
	ck_assert_str_eq(p.v[1].value, "");
	ck_assert_str_eq(p.v[2].value, "A B");
	ck_assert_uint_eq(p.v[3].len, 2);
	lc_params_free(&p);
	ck_assert_int_eq(lc_params_parse(&p, "ok=1&bad=%4", 11, &err), -1);
	ck_assert_str_eq(err, "malformed percent-escape at offset 9");
	free(err);
	lc_params_free(&p);
}
END_TEST

START_TEST(admin_health_counters_faults)
{
	struct lct_reply *r;
	char *want;

	lct_reply_free(lct_query(srv, "sqs", "Action=ListQueues"));
	r = call("GET", "/_localcloud/health", NULL, NULL, NULL, NULL, NULL, NULL, 0);
	want = fg_printf("\"port\":%d", lc_server_port(srv));
	ck_assert_ptr_nonnull(strstr(r->body, want));
	free(want);
	expect(r, 200, "\"services\":[");
	r = call("GET", "/_localcloud/counters", NULL, NULL, NULL, NULL, NULL, NULL, 0);
	expect(r, 200, "\"sqs\":{\"ListQueues\":1}");
	expect(call("DELETE", "/_localcloud/counters", NULL, NULL, NULL, NULL, NULL, NULL, 0), 200,
	    "{\"total\":0,\"calls\":{}}");
	expect(call("POST", "/_localcloud/faults", NULL, NULL, "{\"rules\":[{\"service\":\"sqs\","
	    "\"latency_ms\":5}]}", NULL, NULL, NULL, 0), 200, "\"latency_ms\":5");
	expect(call("PUT", "/_localcloud/faults", NULL, NULL, "[{\"service\":\"sns\"}]", NULL, NULL,
	    NULL, 0), 200, "{\"rules\":[{\"service\":\"sns\"");
	expect(call("POST", "/_localcloud/faults", NULL, NULL, "{\"service\":", NULL, NULL, NULL, 0),
	    400, "bad fault rules: ");
	expect(call("GET", "/_localcloud/faults", NULL, NULL, NULL, NULL, NULL, NULL, 0), 200,
	    "\"service\":\"sns\"");
	expect(call("DELETE", "/_localcloud/faults", NULL, NULL, NULL, NULL, NULL, NULL, 0), 200,
	    "{\"rules\":[]}");
	expect(call("GET", "/_localcloud/nothing", NULL, NULL, NULL, NULL, NULL, NULL, 0), 404,
	    "unknown admin path");
	expect(call("PATCH", "/_localcloud/faults", NULL, NULL, NULL, NULL, NULL, NULL, 0), 405,
	    "use GET");
}
END_TEST

/* Writes a config file; returns its path (caller frees and unlinks). */
static char *
config_file(const char *text)
{
	char *path = fg_printf("/tmp/check_lc_route.%d.yaml", (int)getpid()), *err = NULL;

	ck_assert_int_eq(lc_write_atomic(path, text, strlen(text), &err), 0);
	return path;
}

START_TEST(config_file_adds_keys_and_faults)
{
	char *path = config_file("# keys and faults\n"
	    "keys:\n"
	    "  - access_key: AKIDALICE\n"
	    "    secret_key: alice-secret\n"
	    "    account: \"111111111111\"\n"
	    "default_key: false\n"
	    "faults:\n"
	    "  - {service: sts, action: GetCallerIdentity, latency_ms: 0, error_rate: 0.0}\n");

	lc_server_free(srv);
	srv = lct_server(loop, NULL, path);
	expect(call("POST", "/", FORM, NULL, "Action=GetCallerIdentity", "sts", "AKIDALICE",
	    "alice-secret", 0), 200, "<Arn>arn:aws:iam::111111111111:user/AKIDALICE</Arn>"
	    "<UserId>AIDAAKIDALICE</UserId><Account>111111111111</Account>");
	expect(call("POST", "/", FORM, NULL, "Action=GetCallerIdentity", "sts", NULL, NULL, 0), 403,
	    "InvalidClientTokenId");
	expect(call("GET", "/_localcloud/faults", NULL, NULL, NULL, NULL, NULL, NULL, 0), 200,
	    "\"action\":\"GetCallerIdentity\"");
	unlink(path);
	free(path);
}
END_TEST

/* The start-up error of a server with this config file. */
static char *
config_error(const char *text)
{
	char *path = config_file(text), *err = NULL;
	struct lc_config cfg = { .bind = "127.0.0.1", .memory = 1, .config_file = path };

	ck_assert_ptr_null(lc_server_new(loop, &cfg, &err));
	unlink(path);
	free(path);
	return err;
}

START_TEST(config_file_errors_say_where)
{
	char *e;

	e = config_error("keys:\n  - access_key: [unclosed\n");
	ck_assert_msg(strstr(e, ".yaml: line 3, column 1: ") != NULL, "%s", e);
	free(e);
	e = config_error("colour: blue\n");
	ck_assert_msg(strstr(e, "unknown key \"colour\"") != NULL, "%s", e);
	free(e);
	e = config_error("keys:\n  - access_key: A\n    secret_key: s\n    account: 12\n");
	ck_assert_msg(strstr(e, "keys[0].account must be a non-empty string") != NULL, "%s", e);
	free(e);
	e = config_error("faults:\n  - service: sqs\n    latency: 5\n");
	ck_assert_msg(strstr(e, "fault rule 0: unknown key \"latency\"") != NULL, "%s", e);
	free(e);
	e = config_error("a: &x 1\nb: *x\n");
	ck_assert_msg(strstr(e, "aliases are not supported") != NULL, "%s", e);
	free(e);
}
END_TEST

START_TEST(yaml_to_json_types)
{
	const char *y = "a: 1\nb: -2.5\nc: true\nd: ~\ne: '7'\nf: [x, \"y\"]\ng: {h: null}\n";
	char *err = NULL, *j = lc_yaml_to_json(y, strlen(y), &err);

	ck_assert_str_eq(j, "{\"a\":1,\"b\":-2.5,\"c\":true,\"d\":null,\"e\":\"7\","
	    "\"f\":[\"x\",\"y\"],\"g\":{\"h\":null}}");
	free(j);
	j = lc_yaml_to_json("{\"json\": [1, 2]}", 16, &err);
	ck_assert_str_eq(j, "{\"json\":[1,2]}");
	free(j);
	ck_assert_ptr_null(lc_yaml_to_json("a: b: c\n", 8, &err));
	ck_assert_msg(strncmp(err, "line 1, column 5: ", 18) == 0, "%s", err);
	free(err);
	ck_assert_ptr_null(lc_yaml_to_json("--- 1\n--- 2\n", 12, &err));
	ck_assert_msg(strstr(err, "only one YAML document") != NULL, "%s", err);
	free(err);
}
END_TEST

static Suite *
lc_route_suite(void)
{
	Suite *s = suite_create("lc_route");
	TCase *tc = tcase_create("route");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, sts_get_caller_identity);
	tcase_add_test(tc, routes_by_scope_target_and_action);
	tcase_add_test(tc, unsigned_requests_are_refused);
	tcase_add_test(tc, signature_errors_per_protocol);
	tcase_add_test(tc, tampered_requests_are_refused);
	tcase_add_test(tc, parameters_decode);
	tcase_add_test(tc, admin_health_counters_faults);
	tcase_add_test(tc, config_file_adds_keys_and_faults);
	tcase_add_test(tc, config_file_errors_say_where);
	tcase_add_test(tc, yaml_to_json_types);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	SRunner *sr = srunner_create(lc_route_suite());
	int failed;

	srunner_run_all(sr, CK_ENV);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed != 0;
}
