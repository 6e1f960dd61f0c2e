/* check_lc_fault.c: unit tests for localcloud's fault rules: parsing, throttling codes per
 * service and protocol, 5xx, dropped connections, token buckets, latency, eventual
 * consistency, "times", and the per-action counters. */
#include "config.h"

#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lc_testlib.h"

static struct fg_loop *loop;
static struct lc_server *srv;

/* Randomness that always draws 0 bytes: fg_random_unit() is 0, so any error_rate > 0 fires. */
static void
zero_random(void *arg, void *buf, size_t len)
{
	(void)arg;
	memset(buf, 0, len);
}

/* A server on the fake clock. */
static void
setup(void)
{
	lct_fake_clock(zero_random);
	loop = fg_loop_new();
	srv = lct_server(loop, NULL, NULL);
}

/* Stops it. */
static void
teardown(void)
{
	lc_server_free(srv);
	fg_loop_free(loop);
	fg_clock_set(NULL);
}

/* Adds rules from JSON text; returns the error (caller frees) or NULL. */
static char *
rules(const char *json)
{
	char *err = NULL;
	fg_json v = fg_json_parse(json, strlen(json), &err);

	ck_assert_ptr_nonnull(v);
	if (lc_faults_add(srv, v, &err) == 0)
		err = NULL;
	fg_json_free(v);
	return err;
}

/* Asserts a reply's status and that its body holds want, and frees it. */
static void
expect(struct lct_reply *r, int status, const char *want)
{
	ck_assert(r->done);
	ck_assert_msg(r->status == status && strstr(r->body, want) != NULL,
	    "status %d (want %d), body %s (want %s)", r->status, status, r->body, want);
	lct_reply_free(r);
}

START_TEST(rules_parse_strictly)
{
	char *e;

	e = rules("{\"service\":\"sqs\",\"error\":\"teapot\"}");
	ck_assert_str_eq(e, "fault rule 0: \"error\" must be \"throttle\", \"500\", \"503\" or "
	    "\"drop\"");
	free(e);
	e = rules("[{\"service\":\"sqs\"},{\"error_rate\":1.5}]");
	ck_assert_str_eq(e, "fault rule 1: \"error_rate\" must be a number from 0 to 1, not "
	    "this value");
	free(e);
	ck_assert_uint_eq(srv->nrules, 0);
	e = rules("{\"latency_ms\":\"5\"}");
	ck_assert_str_eq(e, "fault rule 0: \"latency_ms\" must be a number from 0 to 600000, not "
	    "string");
	free(e);
	e = rules("[7]");
	ck_assert_str_eq(e, "fault rule 0 must be an object, not number");
	free(e);
	ck_assert_ptr_null(rules("{\"rules\":[{\"service\":\"*\",\"action\":\"*\",\"error\":500,"
	    "\"rate\":2}]}"));
	ck_assert_uint_eq(srv->nrules, 1);
	ck_assert(srv->rules[0].service == NULL && srv->rules[0].action == NULL);
	ck_assert(srv->rules[0].error == LC_FAULT_500);
	/* The bucket holds max(1, rate) by default. */
	ck_assert(srv->rules[0].burst == 2.0);
}
END_TEST

START_TEST(throttling_uses_each_service_code)
{
	struct lct_reply *r;

	ck_assert_ptr_null(rules("{\"error_rate\":1}"));
	expect(lct_query(srv, "sqs", "Action=ListQueues"), 400,
	    "<Type>Sender</Type><Code>Throttling</Code><Message>Rate exceeded</Message>");
	expect(lct_query(srv, "sts", "Action=GetCallerIdentity"), 400, "<Code>Throttling</Code>");
	expect(lct_query(srv, "sns", "Action=ListTopics"), 429, "<Code>Throttled</Code>");
	r = lct_json(srv, "sqs", "AmazonSQS.ListQueues", "{}");
	ck_assert_str_eq(fg_headers_get(&r->headers, "x-amzn-query-error"), "Throttling;Sender");
	expect(r, 400, "\"__type\":\"com.amazonaws.sqs#ThrottlingException\"");
}
END_TEST

START_TEST(server_errors_and_drops)
{
	struct lct_reply *r;

	ck_assert_ptr_null(rules("[{\"action\":\"ListQueues\",\"error_rate\":1,\"error\":\"500\"},"
	    "{\"action\":\"GetCallerIdentity\",\"error_rate\":1,\"error\":\"503\"},"
	    "{\"action\":\"ListTopics\",\"error_rate\":1,\"error\":\"drop\"}]"));
	expect(lct_query(srv, "sqs", "Action=ListQueues"), 500,
	    "<Type>Receiver</Type><Code>InternalFailure</Code>");
	expect(lct_json(srv, "sqs", "AmazonSQS.ListQueues", "{}"), 500, "InternalServerError");
	expect(lct_query(srv, "sts", "Action=GetCallerIdentity"), 503,
	    "<Code>ServiceUnavailable</Code>");
	r = lct_query(srv, "sns", "Action=ListTopics");
	ck_assert(r->done && r->dropped);
	lct_reply_free(r);
}
END_TEST

START_TEST(times_limits_a_rule)
{
	ck_assert_ptr_null(rules("{\"service\":\"sqs\",\"action\":\"ListQueues\",\"error_rate\":1,"
	    "\"times\":2}"));
	expect(lct_query(srv, "sqs", "Action=ListQueues"), 400, "Throttling");
	/* Another action does not use the rule up. */
	expect(lct_query(srv, "sqs", "Action=GetQueueUrl&QueueName=x"), 400, "NonExistentQueue");
	expect(lct_query(srv, "sqs", "Action=ListQueues"), 400, "Throttling");
	ck_assert_uint_eq(srv->nrules, 0);
	expect(lct_query(srv, "sqs", "Action=ListQueues"), 200, "ListQueuesResult");
}
END_TEST

START_TEST(token_bucket_refills)
{
	ck_assert_ptr_null(rules("{\"service\":\"sqs\",\"rate\":2,\"burst\":2}"));
	expect(lct_query(srv, "sqs", "Action=ListQueues"), 200, "ListQueuesResult");
	expect(lct_query(srv, "sqs", "Action=ListQueues"), 200, "ListQueuesResult");
	expect(lct_query(srv, "sqs", "Action=ListQueues"), 400, "Throttling");
	/* Other services are not limited by it. */
	expect(lct_query(srv, "sts", "Action=GetCallerIdentity"), 200, "GetCallerIdentityResult");
	lct_fake_ms += 500;
	expect(lct_query(srv, "sqs", "Action=ListQueues"), 200, "ListQueuesResult");
	expect(lct_query(srv, "sqs", "Action=ListQueues"), 400, "Throttling");
	lct_fake_ms += 5000;
	expect(lct_query(srv, "sqs", "Action=ListQueues"), 200, "ListQueuesResult");
	expect(lct_query(srv, "sqs", "Action=ListQueues"), 200, "ListQueuesResult");
	expect(lct_query(srv, "sqs", "Action=ListQueues"), 400, "Throttling");
}
END_TEST

START_TEST(eventual_consistency_hides_new_resources)
{
	ck_assert_ptr_null(rules("{\"service\":\"sqs\",\"consistency_ms\":1000}"));
	expect(lct_query(srv, "sqs", "Action=CreateQueue&QueueName=ec"), 200, "/000000000000/ec");
	expect(lct_query(srv, "sqs", "Action=GetQueueUrl&QueueName=ec"), 400, "NonExistentQueue");
	expect(lct_query(srv, "sqs", "Action=SendMessage&QueueUrl=%2F000000000000%2Fec"
	    "&MessageBody=x"), 400, "NonExistentQueue");
	lct_fake_ms += 1000;
	expect(lct_query(srv, "sqs", "Action=GetQueueUrl&QueueName=ec"), 200, "/000000000000/ec");
	ck_assert_ptr_null(rules("{\"service\":\"sns\",\"consistency_ms\":1000}"));
	expect(lct_query(srv, "sns", "Action=CreateTopic&Name=t"), 200, "TopicArn");
	expect(lct_query(srv, "sns", "Action=GetTopicAttributes&TopicArn=arn%3Aaws%3Asns%3A"
	    "us-east-1%3A000000000000%3At"), 404, "<Code>NotFound</Code>");
}
END_TEST

START_TEST(counters_count_every_routed_call)
{
	struct lct_reply *r;

	ck_assert_ptr_null(rules("{\"service\":\"sqs\",\"action\":\"ListQueues\",\"error_rate\":1,"
	    "\"times\":1}"));
	lct_reply_free(lct_query(srv, "sqs", "Action=ListQueues"));
	lct_reply_free(lct_query(srv, "sqs", "Action=ListQueues"));
	lct_reply_free(lct_json(srv, "sqs", "AmazonSQS.CreateQueue", "{\"QueueName\":\"c\"}"));
	lct_reply_free(lct_query(srv, "sts", "Action=GetCallerIdentity"));
	r = fg_calloc(1, sizeof(*r));
	lc_dispatch(lct_request(srv, r, "GET", "/_localcloud/counters", NULL, NULL, NULL, NULL,
	    NULL, NULL, 0));
	expect(r, 200, "{\"total\":4,\"calls\":{\"sqs\":{\"ListQueues\":2,\"CreateQueue\":1},"
	    "\"sts\":{\"GetCallerIdentity\":1}}}");
}
END_TEST

START_TEST(counters_are_bounded)
{
	struct lct_reply *r;
	char body[64];

	for (int i = 0; i < 1100; i++) {
		snprintf(body, sizeof(body), "Action=Made%dUp", i);
		lct_reply_free(lct_query(srv, "sqs", body));
	}
	ck_assert_uint_eq(srv->ncounters, 1025);
	r = fg_calloc(1, sizeof(*r));
	lc_dispatch(lct_request(srv, r, "GET", "/_localcloud/counters", NULL, NULL, NULL, NULL,
	    NULL, NULL, 0));
	expect(r, 200, "\"(unrouted)\":{\"(other)\":76}");
}
END_TEST

static struct lct_reply *pending;
static struct fg_timer *poller;

/* Timer: stops the loop once the delayed request is answered. */
static void
until_answered(void *arg)
{
	(void)arg;
	if (pending->done)
		fg_loop_exit(loop);
	else
		fg_timer_add(poller, 5);
}

START_TEST(latency_delays_without_blocking)
{
	uint64_t start, took;

	fg_clock_set(NULL);
	ck_assert_ptr_null(rules("{\"service\":\"sqs\",\"action\":\"ListQueues\","
	    "\"latency_ms\":150}"));
	start = fg_mono_ms();
	pending = lct_query(srv, "sqs", "Action=ListQueues");
	ck_assert(!pending->done);
	/* Meanwhile other requests are answered at once. */
	expect(lct_query(srv, "sts", "Action=GetCallerIdentity"), 200, "GetCallerIdentityResult");
	poller = fg_timer_new(loop, until_answered, NULL);
	fg_timer_add(poller, 5);
	fg_loop_run(loop);
	took = fg_mono_ms() - start;
	fg_timer_free(poller);
	ck_assert_msg(took >= 140 && took < 1000, "answered after %llu ms",
	    (unsigned long long)took);
	expect(pending, 200, "ListQueuesResult");
}
END_TEST

static Suite *
lc_fault_suite(void)
{
	Suite *s = suite_create("lc_fault");
	TCase *tc = tcase_create("fault");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, rules_parse_strictly);
	tcase_add_test(tc, throttling_uses_each_service_code);
	tcase_add_test(tc, server_errors_and_drops);
	tcase_add_test(tc, times_limits_a_rule);
	tcase_add_test(tc, token_bucket_refills);
	tcase_add_test(tc, eventual_consistency_hides_new_resources);
	tcase_add_test(tc, counters_count_every_routed_call);
	tcase_add_test(tc, counters_are_bounded);
	tcase_add_test(tc, latency_delays_without_blocking);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	SRunner *sr = srunner_create(lc_fault_suite());
	int failed;

	srunner_run_all(sr, CK_ENV);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed != 0;
}
