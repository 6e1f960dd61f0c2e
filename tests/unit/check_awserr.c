/* check_awserr.c: unit tests for AWS error replies of each protocol and their classification. */
#include "config.h"

#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "awserr.h"
#include "replies.h"

/* Tue, 26 Jan 2016 21:57:47 GMT, the Date of the STS GetCallerIdentity sample. */
#define SAMPLE_DATE_MS 1453845467000LL

static int64_t fake_wall = SAMPLE_DATE_MS;

/* Fake wall clock for the skew tests. */
static int64_t
fake_wall_ms(void *arg)
{
	(void)arg;
	return fake_wall;
}

/* Fake monotonic clock. */
static uint64_t
fake_mono_ms(void *arg)
{
	(void)arg;
	return 0;
}

/* Fake randomness (unused here). */
static void
fake_random(void *arg, void *buf, size_t len)
{
	(void)arg;
	memset(buf, 0, len);
}

static const struct fg_clock_ops fake_clock = { fake_mono_ms, fake_wall_ms, fake_random, NULL };

/* Parses body (a C string, NULL for none) with the given status and one optional header. */
static void
parse(struct fg_awserr *e, enum fg_aws_proto proto, int status, const char *hname,
    const char *hvalue, const char *body)
{
	struct fg_headers h;

	fg_headers_init(&h);
	if (hname != NULL)
		fg_headers_add(&h, hname, hvalue);
	fg_awserr_parse(e, proto, status, &h, body, body != NULL ? strlen(body) : 0);
	fg_headers_free(&h);
}

/* Classifies a JSON error with only a code. */
static enum fg_err_class
class_of(const char *code, int status)
{
	struct fg_awserr e;
	enum fg_err_class c;
	char *body = fg_printf("{\"__type\": \"%s\", \"message\": \"m\"}", code);

	parse(&e, FG_PROTO_JSON, status, NULL, NULL, body);
	ck_assert_str_eq(e.code, code);
	c = e.cls;
	fg_awserr_free(&e);
	free(body);
	return c;
}

/* Asserts the class of every code in a NULL-terminated list. */
static void
assert_classes(const char *const *codes, int status, enum fg_err_class want)
{
	for (; *codes != NULL; codes++)
		ck_assert_msg(class_of(*codes, status) == want, "%s (%d) is %s, not %s", *codes,
		    status, fg_err_class_name(class_of(*codes, status)), fg_err_class_name(want));
}

START_TEST(query_xml_sample)
{
	size_t len;
	char *body = replies_read("sqs-error.xml", &len), *d;
	struct fg_awserr e;

	fg_awserr_parse(&e, FG_PROTO_QUERY, 400, NULL, body, len);
	ck_assert_str_eq(e.code, "InvalidParameterValue");
	ck_assert(strncmp(e.message, "Value (quename_nonalpha) for parameter QueueName", 48) == 0);
	ck_assert_str_eq(e.request_id, "42d59b56-7407-4c4a-be0f-4c88daeea257");
	ck_assert_int_eq(e.fault, FG_FAULT_SENDER);
	ck_assert_int_eq(e.status, 400);
	ck_assert_int_eq(e.cls, FG_ERR_INVALID);
	d = fg_awserr_describe(&e);
	ck_assert(strncmp(d, "InvalidParameterValue: Value (quename_nonalpha)", 47) == 0);
	ck_assert(strstr(d, "in length. (HTTP 400, invalid, request ID 42d59b56-") != NULL);
	free(d);
	fg_awserr_free(&e);
	free(body);
}
END_TEST

START_TEST(ec2_sample)
{
	size_t len;
	char *body = replies_read("ec2-error.xml", &len);
	struct fg_awserr e;

	fg_awserr_parse(&e, FG_PROTO_EC2, 400, NULL, body, len);
	ck_assert_str_eq(e.code, "InvalidInstanceID.NotFound");
	ck_assert_str_eq(e.message, "The instance ID 'i-1a2b3c4d' does not exist");
	ck_assert_str_eq(e.request_id, "ea966190-f9aa-478e-9ede-example");
	ck_assert_int_eq(e.fault, FG_FAULT_SENDER);
	ck_assert_int_eq(e.cls, FG_ERR_NOT_FOUND);
	fg_awserr_free(&e);
	free(body);
}
END_TEST

START_TEST(s3_samples_and_head)
{
	size_t len;
	char *body = replies_read("s3-error.xml", &len);
	struct fg_awserr e;
	struct fg_http_response resp;

	fg_awserr_parse(&e, FG_PROTO_REST_XML, 404, NULL, body, len);
	ck_assert_str_eq(e.code, "NoSuchKey");
	ck_assert_str_eq(e.message, "The resource you requested does not exist");
	ck_assert_str_eq(e.request_id, "4442587FB7D0A2F9");
	ck_assert_int_eq(e.cls, FG_ERR_NOT_FOUND);
	fg_awserr_free(&e);
	free(body);

	/* HEAD: no body, the code comes from the status. */
	parse(&e, FG_PROTO_REST_XML, 404, "x-amz-request-id", "318BC8BC148832E5", NULL);
	ck_assert_str_eq(e.code, "NotFound");
	ck_assert_str_eq(e.message, "Not Found");
	ck_assert_str_eq(e.request_id, "318BC8BC148832E5");
	ck_assert_int_eq(e.cls, FG_ERR_NOT_FOUND);
	fg_awserr_free(&e);
	parse(&e, FG_PROTO_REST_XML, 403, NULL, NULL, "");
	ck_assert_str_eq(e.code, "Forbidden");
	ck_assert_int_eq(e.cls, FG_ERR_FATAL);
	ck_assert_ptr_null(e.request_id);
	fg_awserr_free(&e);
	parse(&e, FG_PROTO_REST_XML, 301, NULL, NULL, NULL);
	ck_assert_str_eq(e.code, "PermanentRedirect");
	ck_assert_int_eq(e.cls, FG_ERR_FATAL);
	ck_assert_int_eq(e.fault, FG_FAULT_UNKNOWN);
	fg_awserr_free(&e);
	parse(&e, FG_PROTO_REST_XML, 418, NULL, NULL, " \n");
	ck_assert_str_eq(e.code, "Http418");
	ck_assert_str_eq(e.message, "");
	ck_assert_int_eq(e.cls, FG_ERR_INVALID);
	fg_awserr_free(&e);
	parse(&e, FG_PROTO_REST_XML, 503, NULL, NULL,
	    "<Error><Code>SlowDown</Code><Message>Please reduce your request rate.</Message>"
	    "</Error>");
	ck_assert_int_eq(e.cls, FG_ERR_THROTTLING);
	ck_assert_int_eq(e.fault, FG_FAULT_RECEIVER);
	fg_awserr_free(&e);

	/* A 200 reply that carries an <Error> is an error; a plain 200 is not. */
	memset(&resp, 0, sizeof(resp));
	resp.status = 200;
	fg_headers_init(&resp.headers);
	fg_buf_init(&resp.body);
	fg_buf_addstr(&resp.body, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n\n<Error>"
	    "<Code>InternalError</Code><Message>We encountered an internal error. Please try "
	    "again.</Message><RequestId>656c76696e6727732072657175657374</RequestId></Error>");
	ck_assert_int_eq(fg_awserr_from_reply(&e, FG_PROTO_REST_XML, FG_HTTP_OK, NULL, &resp), 1);
	ck_assert_str_eq(e.code, "InternalError");
	ck_assert_int_eq(e.cls, FG_ERR_RETRYABLE);
	ck_assert_int_eq(e.status, 200);
	fg_awserr_free(&e);
	ck_assert_int_eq(fg_awserr_from_reply(&e, FG_PROTO_QUERY, FG_HTTP_OK, NULL, &resp), 0);
	ck_assert_int_eq(e.cls, FG_ERR_NONE);
	fg_buf_reset(&resp.body);
	body = replies_read("s3-list-objects-v2.xml", &len);
	fg_buf_add(&resp.body, body, len);
	ck_assert_int_eq(fg_awserr_from_reply(&e, FG_PROTO_REST_XML, FG_HTTP_OK, NULL, &resp), 0);
	ck_assert_ptr_null(e.code);
	free(body);
	fg_buf_free(&resp.body);
	fg_headers_free(&resp.headers);
}
END_TEST

START_TEST(json_samples)
{
	size_t len;
	char *body = replies_read("dynamodb-error.json", &len);
	struct fg_awserr e;
	struct fg_headers h;

	fg_headers_init(&h);
	fg_headers_add(&h, "x-amzn-RequestId", "LDM6CJP8RMQ1FHKSC1RBVJFPNVV4KQNSO5AEMF66Q9ASUAAJG");
	fg_headers_add(&h, "Content-Type", "application/x-amz-json-1.0");
	fg_awserr_parse(&e, FG_PROTO_JSON, 400, &h, body, len);
	ck_assert_str_eq(e.code, "ResourceNotFoundException");
	ck_assert_str_eq(e.message, "Requested resource not found: Table: tablename not found");
	ck_assert_str_eq(e.request_id, "LDM6CJP8RMQ1FHKSC1RBVJFPNVV4KQNSO5AEMF66Q9ASUAAJG");
	ck_assert_int_eq(e.cls, FG_ERR_NOT_FOUND);
	fg_awserr_free(&e);
	fg_headers_free(&h);
	free(body);

	body = replies_read("sqs-json-error.json", &len);
	fg_headers_init(&h);
	fg_headers_add(&h, "x-amzn-RequestId", "66916324-67ca-54bb-a410-3f567a7a0571");
	fg_headers_add(&h, "x-amzn-query-error", "AWS.SimpleQueueService.NonExistentQueue;Sender");
	fg_awserr_parse(&e, FG_PROTO_JSON, 400, &h, body, len);
	ck_assert_str_eq(e.code, "AWS.SimpleQueueService.NonExistentQueue");
	ck_assert_str_eq(e.message, "The specified queue does not exist.");
	ck_assert_str_eq(e.request_id, "66916324-67ca-54bb-a410-3f567a7a0571");
	ck_assert_int_eq(e.fault, FG_FAULT_SENDER);
	ck_assert_int_eq(e.cls, FG_ERR_NOT_FOUND);
	fg_awserr_free(&e);
	fg_awserr_parse(&e, FG_PROTO_JSON, 400, NULL, body, len);
	ck_assert_str_eq(e.code, "QueueDoesNotExist");
	ck_assert_int_eq(e.cls, FG_ERR_NOT_FOUND);
	fg_awserr_free(&e);
	fg_headers_free(&h);
	free(body);
}
END_TEST

START_TEST(json_variants)
{
	struct fg_awserr e;

	parse(&e, FG_PROTO_JSON, 400, NULL, NULL, "{\"__type\": "
	    "\"ValidationException:http://internal.amazon.com/coral/com.amazon.coral.validate/\", "
	    "\"Message\": \"1 validation error detected\"}");
	ck_assert_str_eq(e.code, "ValidationException");
	ck_assert_str_eq(e.message, "1 validation error detected");
	ck_assert_int_eq(e.cls, FG_ERR_INVALID);
	fg_awserr_free(&e);
	parse(&e, FG_PROTO_JSON, 400, "x-amzn-ErrorType",
	    "ResourceConflictException:http://internal.amazon.com/coral/com.amazonaws.lambda/",
	    "{\"Type\": \"User\", \"message\": \"exists\"}");
	ck_assert_str_eq(e.code, "ResourceConflictException");
	ck_assert_int_eq(e.cls, FG_ERR_CONFLICT);
	fg_awserr_free(&e);
	parse(&e, FG_PROTO_JSON, 409, NULL, NULL, "{\"code\": \"ConflictException\"}");
	ck_assert_str_eq(e.code, "ConflictException");
	ck_assert_str_eq(e.message, "Conflict");
	ck_assert_int_eq(e.cls, FG_ERR_CONFLICT);
	fg_awserr_free(&e);
	parse(&e, FG_PROTO_JSON, 500, "x-amzn-query-error", ";Receiver", "{}");
	ck_assert_str_eq(e.code, "InternalError");
	ck_assert_int_eq(e.cls, FG_ERR_RETRYABLE);
	fg_awserr_free(&e);
}
END_TEST

START_TEST(malformed_bodies_still_classified)
{
	static const struct {
		enum fg_aws_proto proto;
		int status;
		const char *body;
		const char *code;
		const char *msg;
		enum fg_err_class cls;
	} cases[] = {
		{ FG_PROTO_JSON, 400, "{\"__type\": \"Thrott", "BadRequest",
		  "HTTP 400 with an unreadable error body: line 1, column 19: premature EOF",
		  FG_ERR_INVALID },
		{ FG_PROTO_JSON, 500, "[1, 2]", "InternalError",
		  "HTTP 500 with an unreadable error body: the body is a JSON array, not an object",
		  FG_ERR_RETRYABLE },
		{ FG_PROTO_QUERY, 503, "<html><body>Service Unavailable</body></html>",
		  "ServiceUnavailable",
		  "HTTP 503 with an unreadable error body: no <Error> element in <html>",
		  FG_ERR_RETRYABLE },
		{ FG_PROTO_EC2, 502, "<Response><Errors><Error><Code>Unav", "BadGateway",
		  "HTTP 502 with an unreadable error body: line 1, column 36: no element found",
		  FG_ERR_RETRYABLE },
		{ FG_PROTO_REST_XML, 404, "<Error><Code></Code></Error>", "NotFound", "Not Found",
		  FG_ERR_NOT_FOUND },
		{ FG_PROTO_QUERY, 429, "<a>\xC3\x28</a>", "TooManyRequests",
		  "HTTP 429 with an unreadable error body: line 1, column 4: not well-formed",
		  FG_ERR_THROTTLING },
		{ FG_PROTO_JSON, 504, "{\"message\": \"\\ud800\"}", "GatewayTimeout", "?",
		  FG_ERR_RETRYABLE },
	};

	for (size_t i = 0; i < FG_ARRAY_LEN(cases); i++) {
		struct fg_awserr e;

		parse(&e, cases[i].proto, cases[i].status, NULL, NULL, cases[i].body);
		ck_assert_str_eq(e.code, cases[i].code);
		ck_assert_msg(strncmp(e.message, cases[i].msg, strlen(cases[i].msg)) == 0,
		    "case %zu: %s", i, e.message);
		ck_assert_int_eq(e.cls, cases[i].cls);
		fg_awserr_free(&e);
	}
}
END_TEST

START_TEST(transport_errors)
{
	struct fg_awserr e;
	char *d;

	fg_awserr_transport(&e, FG_HTTP_ETIMEOUT, "total timeout of 60000 ms");
	ck_assert_str_eq(e.code, "Timeout");
	ck_assert_int_eq(e.cls, FG_ERR_RETRYABLE);
	ck_assert_int_eq(e.status, 0);
	d = fg_awserr_describe(&e);
	ck_assert_str_eq(d, "Timeout: total timeout of 60000 ms (no reply, retryable)");
	free(d);
	fg_awserr_free(&e);
	ck_assert_int_eq(fg_awserr_from_reply(&e, FG_PROTO_JSON, FG_HTTP_ERESET, "reset", NULL), 1);
	ck_assert_str_eq(e.code, "ConnectionReset");
	ck_assert_int_eq(e.cls, FG_ERR_RETRYABLE);
	fg_awserr_free(&e);
	ck_assert_int_eq(fg_awserr_from_reply(&e, FG_PROTO_JSON, FG_HTTP_ECONNECT, NULL, NULL), 1);
	ck_assert_int_eq(e.cls, FG_ERR_RETRYABLE);
	ck_assert(strlen(e.message) > 0);
	fg_awserr_free(&e);
	fg_awserr_transport(&e, FG_HTTP_ETLS, "certificate verify failed");
	ck_assert_str_eq(e.code, "TlsFailure");
	ck_assert_int_eq(e.cls, FG_ERR_FATAL);
	fg_awserr_free(&e);
	fg_awserr_transport(&e, FG_HTTP_ECANCEL, NULL);
	ck_assert_int_eq(e.cls, FG_ERR_FATAL);
	fg_awserr_free(&e);
}
END_TEST

START_TEST(throttling_codes)
{
	static const char *const codes[] = { "Throttling", "ThrottlingException",
		"ThrottledException", "RequestThrottledException", "TooManyRequestsException",
		"ProvisionedThroughputExceededException", "TransactionInProgressException",
		"RequestLimitExceeded", "BandwidthLimitExceeded", "LimitExceededException",
		"RequestThrottled", "SlowDown", "PriorRequestNotComplete", "EC2ThrottledException",
		NULL };
	static const char *const unknown[] = { "WhateverCode", NULL };

	assert_classes(codes, 400, FG_ERR_THROTTLING);
	assert_classes(codes, 503, FG_ERR_THROTTLING);
	assert_classes(unknown, 429, FG_ERR_THROTTLING);
}
END_TEST

START_TEST(retryable_codes)
{
	static const char *const codes[] = { "RequestTimeout", "RequestTimeoutException",
		"InternalError", "InternalFailure", "ServiceUnavailable", "ServiceFailure",
		"IDPCommunicationError", NULL };
	static const char *const unknown[] = { "WhateverCode", NULL };

	assert_classes(codes, 400, FG_ERR_RETRYABLE);
	assert_classes(unknown, 500, FG_ERR_RETRYABLE);
	assert_classes(unknown, 502, FG_ERR_RETRYABLE);
	assert_classes(unknown, 503, FG_ERR_RETRYABLE);
	assert_classes(unknown, 504, FG_ERR_RETRYABLE);
	assert_classes(unknown, 501, FG_ERR_FATAL);
}
END_TEST

START_TEST(not_found_conflict_invalid_fatal)
{
	static const char *const missing[] = { "NoSuchEntity", "NoSuchBucket", "NoSuchKey",
		"ResourceNotFoundException", "AWS.SimpleQueueService.NonExistentQueue",
		"QueueDoesNotExist", "InvalidVpcID.NotFound", "InvalidGroup.NotFound",
		"InvalidRouteTableID.NotFound", "NotFound", NULL };
	static const char *const conflicts[] = { "ConditionalCheckFailedException",
		"EntityAlreadyExists", "BucketAlreadyOwnedByYou", "BucketAlreadyExists",
		"ResourceInUseException", "DependencyViolation", "DeleteConflict",
		"QueueAlreadyExists", "IdempotentParameterMismatch", "InvalidGroup.Duplicate",
		"InvalidIPAddress.InUse", "AWS.SimpleQueueService.QueueDeletedRecently",
		"TransactionConflictException", NULL };
	static const char *const invalid[] = { "ValidationException", "ValidationError",
		"InvalidParameterValue", "InvalidParameterCombination", "MalformedPolicyDocument",
		"MissingParameter", "InvalidInstanceID.Malformed", "SerializationException", NULL };
	static const char *const fatal[] = { "AccessDenied", "AccessDeniedException",
		"UnrecognizedClientException", "InvalidClientTokenId", "ExpiredToken",
		"UnauthorizedOperation", "MissingAuthenticationToken", "OptInRequired",
		"LimitExceeded", "VpcLimitExceeded", "SignatureDoesNotMatch", "AuthFailure", NULL };
	static const char *const unknown[] = { "SomethingOdd", NULL };

	assert_classes(missing, 400, FG_ERR_NOT_FOUND);
	assert_classes(unknown, 404, FG_ERR_NOT_FOUND);
	assert_classes(conflicts, 400, FG_ERR_CONFLICT);
	assert_classes(unknown, 409, FG_ERR_CONFLICT);
	assert_classes(unknown, 412, FG_ERR_CONFLICT);
	assert_classes(invalid, 400, FG_ERR_INVALID);
	assert_classes(unknown, 400, FG_ERR_INVALID);
	assert_classes(fatal, 403, FG_ERR_FATAL);
	assert_classes(unknown, 403, FG_ERR_FATAL);
	assert_classes(unknown, 401, FG_ERR_FATAL);
	assert_classes(unknown, 200, FG_ERR_NONE);
}
END_TEST

START_TEST(clock_skew)
{
	static const char *const always[] = { "RequestTimeTooSkewed", "RequestExpired",
		"RequestInTheFuture", NULL };
	struct fg_awserr e;

	fg_clock_set(&fake_clock);
	assert_classes(always, 403, FG_ERR_CLOCK_SKEW);
	parse(&e, FG_PROTO_JSON, 400, NULL, NULL, "{\"__type\": \"InvalidSignatureException\", "
	    "\"message\": \"Signature expired: 20130524T000000Z is now earlier than "
	    "20130524T000500Z (20130524T001000Z - 5 min.)\"}");
	ck_assert_int_eq(e.cls, FG_ERR_CLOCK_SKEW);
	fg_awserr_free(&e);
	parse(&e, FG_PROTO_QUERY, 403, NULL, NULL, "<ErrorResponse><Error><Type>Sender</Type>"
	    "<Code>SignatureDoesNotMatch</Code><Message>Signature not yet current: "
	    "20240101T001500Z is still later than 20240101T001000Z (20240101T000500Z + 5 min.)"
	    "</Message></Error>"
	    "</ErrorResponse>");
	ck_assert_int_eq(e.cls, FG_ERR_CLOCK_SKEW);
	fg_awserr_free(&e);
	parse(&e, FG_PROTO_QUERY, 403, NULL, NULL, "<ErrorResponse><Error><Type>Sender</Type>"
	    "<Code>SignatureDoesNotMatch</Code><Message>The request signature we calculated does "
	    "not match the signature you provided.</Message></Error></ErrorResponse>");
	ck_assert_int_eq(e.cls, FG_ERR_FATAL);
	fg_awserr_free(&e);

	/* EC2's AuthFailure says nothing of time: the reply's Date tells. */
	fake_wall = SAMPLE_DATE_MS - 10 * 60 * 1000;
	parse(&e, FG_PROTO_EC2, 401, "Date", "Tue, 26 Jan 2016 21:57:47 GMT",
	    "<Response><Errors><Error><Code>AuthFailure</Code><Message>AWS was not able to "
	    "validate the provided access credentials</Message></Error></Errors></Response>");
	ck_assert(e.skew_ms == 10 * 60 * 1000);
	ck_assert_int_eq(e.cls, FG_ERR_CLOCK_SKEW);
	fg_awserr_free(&e);
	fake_wall = SAMPLE_DATE_MS + 2000;
	parse(&e, FG_PROTO_EC2, 401, "Date", "Tue, 26 Jan 2016 21:57:47 GMT",
	    "<Response><Errors><Error><Code>AuthFailure</Code><Message>AWS was not able to "
	    "validate the provided access credentials</Message></Error></Errors></Response>");
	ck_assert(e.skew_ms == -2000);
	ck_assert_int_eq(e.cls, FG_ERR_FATAL);
	fg_awserr_free(&e);
	parse(&e, FG_PROTO_EC2, 401, "Date", "yesterday, more or less", NULL);
	ck_assert(e.skew_ms == 0);
	fg_awserr_free(&e);
	parse(&e, FG_PROTO_EC2, 401, "Date", "Tue, 26 Foo 2016 21:57:47 GMT", NULL);
	ck_assert(e.skew_ms == 0);
	fg_awserr_free(&e);
	fg_clock_set(NULL);
}
END_TEST

START_TEST(class_names)
{
	ck_assert_str_eq(fg_err_class_name(FG_ERR_NONE), "none");
	ck_assert_str_eq(fg_err_class_name(FG_ERR_CLOCK_SKEW), "clock-skew");
	ck_assert_str_eq(fg_err_class_name(FG_ERR_NOT_FOUND), "not-found");
	ck_assert_str_eq(fg_err_class_name(FG_ERR_FATAL), "fatal");
	ck_assert_str_eq(fg_err_class_name((enum fg_err_class)99), "unknown");
}
END_TEST

static Suite *
awserr_suite(void)
{
	Suite *s = suite_create("awserr");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, query_xml_sample);
	tcase_add_test(tc, ec2_sample);
	tcase_add_test(tc, s3_samples_and_head);
	tcase_add_test(tc, json_samples);
	tcase_add_test(tc, json_variants);
	tcase_add_test(tc, malformed_bodies_still_classified);
	tcase_add_test(tc, transport_errors);
	tcase_add_test(tc, throttling_codes);
	tcase_add_test(tc, retryable_codes);
	tcase_add_test(tc, not_found_conflict_invalid_fatal);
	tcase_add_test(tc, clock_skew);
	tcase_add_test(tc, class_names);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	SRunner *sr = srunner_create(awserr_suite());
	int failed;

	srunner_run_all(sr, CK_ENV);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? 1 : 0;
}
