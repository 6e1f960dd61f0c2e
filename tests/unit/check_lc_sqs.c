/* check_lc_sqs.c: unit tests for localcloud's SQS: request parsing of both protocols, message
 * attribute rules and MD5s, receipt handles, and the actions end to end through the router
 * (visibility, redrive, pagination, batches, long polling, errors, persistence). */
#include "config.h"

#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "lc_testlib.h"
#include "sqs.h"

/* Parses test JSON. */
static fg_json
jparse(const char *text)
{
	char *err = NULL;
	fg_json j = fg_json_parse(text, strlen(text), &err);

	ck_assert_msg(j != NULL, "bad test JSON: %s", err);
	return j;
}

/* Converts a form body with an action's shape to compact JSON text (caller frees), or the
 * error prefixed with "ERR ". */
static char *
form_json(const char *action, const char *form)
{
	struct lc_params p = { 0 };
	char *err = NULL, *out;
	struct fg_jw jw;
	fg_json v;

	ck_assert_int_eq(lc_params_parse(&p, form, strlen(form), &err), 0);
	v = sqs_query_to_json(&p, sqs_action_shape(action), &err);
	lc_params_free(&p);
	if (v == NULL) {
		out = fg_printf("ERR %s", err);
		free(err);
		return out;
	}
	fg_jw_init(&jw, 0);
	fg_jw_value(&jw, v);
	out = fg_jw_detach(&jw);
	fg_jw_free(&jw);
	fg_json_free(v);
	return out;
}

START_TEST(query_flattened_maps_and_lists)
{
	char *s = form_json("CreateQueue", "Action=CreateQueue&QueueName=q1&Attribute.2.Name="
	    "DelaySeconds&Attribute.2.Value=5&Attribute.1.Name=VisibilityTimeout&Attribute.1.Value="
	    "60&Tag.1.Key=team&Tag.1.Value=a%20b&Version=2012-11-05");

	ck_assert_str_eq(s, "{\"QueueName\":\"q1\",\"Attributes\":{\"VisibilityTimeout\":\"60\","
	    "\"DelaySeconds\":\"5\"},\"tags\":{\"team\":\"a b\"}}");
	free(s);
	s = form_json("ReceiveMessage", "QueueUrl=u&AttributeName.1=All&MessageAttributeName.1=a"
	    "&MessageAttributeName.2=b.*&MaxNumberOfMessages=10&WaitTimeSeconds=20");
	ck_assert_str_eq(s, "{\"QueueUrl\":\"u\",\"AttributeNames\":[\"All\"],"
	    "\"MessageAttributeNames\":[\"a\",\"b.*\"],\"MaxNumberOfMessages\":10,"
	    "\"WaitTimeSeconds\":20}");
	free(s);
	/* TagQueue reads both names the query protocol has been seen to use. */
	s = form_json("TagQueue", "QueueUrl=u&Tag.1.Key=k&Tag.1.Value=v");
	ck_assert_str_eq(s, "{\"QueueUrl\":\"u\",\"Tags\":{\"k\":\"v\"}}");
	free(s);
	s = form_json("TagQueue", "QueueUrl=u&Tags.1.Key=k&Tags.1.Value=v");
	ck_assert_str_eq(s, "{\"QueueUrl\":\"u\",\"Tags\":{\"k\":\"v\"}}");
	free(s);
}
END_TEST

START_TEST(query_batch_entries_in_index_order)
{
	char *s = form_json("SendMessageBatch", "QueueUrl=u"
	    "&SendMessageBatchRequestEntry.10.Id=ten&SendMessageBatchRequestEntry.10.MessageBody=x"
	    "&SendMessageBatchRequestEntry.2.Id=two&SendMessageBatchRequestEntry.2.MessageBody=y"
	    "&SendMessageBatchRequestEntry.2.DelaySeconds=3"
	    "&SendMessageBatchRequestEntry.2.MessageAttribute.1.Name=n"
	    "&SendMessageBatchRequestEntry.2.MessageAttribute.1.Value.DataType=Number"
	    "&SendMessageBatchRequestEntry.2.MessageAttribute.1.Value.StringValue=1.5");

	ck_assert_str_eq(s, "{\"QueueUrl\":\"u\",\"Entries\":[{\"Id\":\"two\",\"MessageBody\":"
	    "\"y\",\"DelaySeconds\":3,\"MessageAttributes\":{\"n\":{\"StringValue\":\"1.5\","
	    "\"DataType\":\"Number\"}}},{\"Id\":\"ten\",\"MessageBody\":\"x\"}]}");
	free(s);
}
END_TEST

START_TEST(query_rejects_bad_values)
{
	char *s = form_json("ReceiveMessage", "QueueUrl=u&MaxNumberOfMessages=ten");

	ck_assert_msg(strstr(s, "ERR Value ten for parameter MaxNumberOfMessages is invalid") == s,
	    "%s", s);
	free(s);
	s = form_json("CreateQueue", "QueueName=q&Attribute.1.Value=5");
	ck_assert_str_eq(s, "ERR The request must contain the parameter Attribute.1.Name.");
	free(s);
	s = form_json("SendMessage", "QueueUrl=u&MessageBody=%FF%FE");
	ck_assert_str_eq(s, "ERR Value for parameter MessageBody is invalid. Reason: not UTF-8.");
	free(s);
}
END_TEST

START_TEST(json_types_checked_with_path)
{
	const struct sqs_shape *sh = sqs_action_shape("SendMessageBatch");
	fg_json v = jparse("{\"QueueUrl\":\"u\",\"Entries\":[{\"Id\":\"a\",\"MessageBody\":\"b\","
	    "\"DelaySeconds\":\"5\"}]}");
	char *err = NULL;

	ck_assert_int_eq(sqs_json_check(v, sh, &err), -1);
	ck_assert_str_eq(err, "Entries[0].DelaySeconds must be an integer, not string");
	free(err);
	fg_json_free(v);
	v = jparse("{\"QueueUrl\":\"u\",\"Entries\":[{\"Id\":\"a\",\"MessageBody\":\"b\","
	    "\"Unknown\":[1],\"MessageAttributes\":{\"x\":{\"DataType\":\"String\"}}}]}");
	ck_assert_int_eq(sqs_json_check(v, sh, &err), 0);
	fg_json_free(v);
	v = jparse("{\"Attributes\":{\"VisibilityTimeout\":30}}");
	ck_assert_int_eq(sqs_json_check(v, sqs_action_shape("CreateQueue"), &err), -1);
	ck_assert_str_eq(err, "Attributes.VisibilityTimeout must be a string, not number");
	free(err);
	fg_json_free(v);
	ck_assert_ptr_null(sqs_action_shape("SendMessages"));
}
END_TEST

/* The MD5 of attributes given as JSON. */
static void
check_md5(const char *json, const char *want)
{
	fg_json v = jparse(json);
	char md5[33];

	sqs_attrs_md5(v, md5);
	ck_assert_str_eq(md5, want);
	fg_json_free(v);
}

START_TEST(md5_of_attributes_matches_aws)
{
	/* Vectors that other SQS implementations' tests pin as AWS's own answers. */
	check_md5("{\"timestamp\":{\"StringValue\":\"1493147359900\",\"DataType\":\"Number\"}}",
	    "235c5c510d26fb653d073faed50ae77c");
	check_md5("{\"timestamp\":{\"StringValue\":\"1493147359901\",\"DataType\":\"Number\"}}",
	    "994258b45346a2cc3f9cbb611aa7af30");
	check_md5("{\"SOME_Valid.attribute-Name\":{\"StringValue\":\"1493147359900\","
	    "\"DataType\":\"Number\"}}", "36655e7e9d7c0e8479fa3f3f42247ae7");
	/* Several attributes (one binary, one non-ASCII name) digest in byte order of name. */
	check_md5("{\"ccc\":{\"StringValue\":\"testjunk\",\"DataType\":\"String\"},"
	    "\"aaa\":{\"BinaryValue\":\"AgME\",\"DataType\":\"Binary\"},"
	    "\"zzz\":{\"DataType\":\"Number\",\"StringValue\":\"0230.01\"},"
	    "\"\xc3\xb6ther_encodings\":{\"DataType\":\"String\",\"StringValue\":\"T\xc3\xbcst\"}}",
	    "8ae21a7957029ef04146b42aeaa18a22");
	check_md5("{}", "");
}
END_TEST

/* Checks a MessageAttributes object; returns the error (caller frees) or NULL. */
static char *
attrs_err(const char *json, int sys)
{
	fg_json v = jparse(json);
	char *err = NULL;
	size_t bytes = 0;

	if (sqs_attrs_check(v, sys, &bytes, &err) == 0)
		ck_assert_ptr_null(err);
	fg_json_free(v);
	return err;
}

START_TEST(attribute_rules)
{
	char *e;

	ck_assert_ptr_null(attrs_err("{\"a.b-c_d\":{\"DataType\":\"Number.int\","
	    "\"StringValue\":\"-1.5e3\"},\"bin\":{\"DataType\":\"Binary\",\"BinaryValue\":\"AQI=\"}}",
	    0));
	e = attrs_err("{\"AWS.x\":{\"DataType\":\"String\",\"StringValue\":\"v\"}}", 0);
	ck_assert_str_eq(e, "Message (user) attribute name 'AWS.x' is invalid.");
	free(e);
	e = attrs_err("{\"a..b\":{\"DataType\":\"String\",\"StringValue\":\"v\"}}", 0);
	ck_assert_ptr_nonnull(e);
	free(e);
	e = attrs_err("{\"a\":{\"DataType\":\"Text\",\"StringValue\":\"v\"}}", 0);
	ck_assert_msg(strstr(e, "is invalid. You must use only the following supported type "
	    "prefixes: Binary, Number, String.") != NULL, "%s", e);
	free(e);
	e = attrs_err("{\"a\":{\"DataType\":\"String\",\"StringValue\":\"\"}}", 0);
	ck_assert_str_eq(e, "The message attribute 'a' must contain non-empty message attribute "
	    "value for message attribute type 'String'.");
	free(e);
	e = attrs_err("{\"n\":{\"DataType\":\"Number\",\"StringValue\":\"12abc\"}}", 0);
	ck_assert_str_eq(e, "Can't cast the value of message (user) attribute 'n' to a number.");
	free(e);
	e = attrs_err("{\"b\":{\"DataType\":\"Binary\",\"BinaryValue\":\"not base64!\"}}", 0);
	ck_assert_ptr_nonnull(e);
	free(e);
	e = attrs_err("{\"a1\":{\"DataType\":\"String\",\"StringValue\":\"v\"},\"a2\":{\"DataType\":"
	    "\"String\",\"StringValue\":\"v\"},\"a3\":{\"DataType\":\"String\",\"StringValue\":\"v\"},"
	    "\"a4\":{\"DataType\":\"String\",\"StringValue\":\"v\"},\"a5\":{\"DataType\":\"String\","
	    "\"StringValue\":\"v\"},\"a6\":{\"DataType\":\"String\",\"StringValue\":\"v\"},\"a7\":"
	    "{\"DataType\":\"String\",\"StringValue\":\"v\"},\"a8\":{\"DataType\":\"String\","
	    "\"StringValue\":\"v\"},\"a9\":{\"DataType\":\"String\",\"StringValue\":\"v\"},\"a10\":"
	    "{\"DataType\":\"String\",\"StringValue\":\"v\"},\"a11\":{\"DataType\":\"String\","
	    "\"StringValue\":\"v\"}}", 0);
	ck_assert_str_eq(e, "Number of message attributes [11] exceeds the allowed maximum [10].");
	free(e);
	ck_assert_ptr_null(attrs_err("{\"AWSTraceHeader\":{\"DataType\":\"String\","
	    "\"StringValue\":\"Root=1-5759e988-bd862e3fe1be46a994272793\"}}", 1));
	e = attrs_err("{\"Other\":{\"DataType\":\"String\",\"StringValue\":\"v\"}}", 1);
	ck_assert_str_eq(e, "Message system attribute name 'Other' is invalid.");
	free(e);
}
END_TEST

START_TEST(attribute_name_selection)
{
	fg_json all = jparse("[\"All\"]"), some = jparse("[\"a\",\"pre.*\"]");

	ck_assert(sqs_attr_selected(all, "x"));
	ck_assert(sqs_attr_selected(some, "a"));
	ck_assert(sqs_attr_selected(some, "pre.x"));
	ck_assert(!sqs_attr_selected(some, "prex"));
	ck_assert(!sqs_attr_selected(some, "b"));
	ck_assert(!sqs_attr_selected(NULL, "a"));
	fg_json_free(all);
	fg_json_free(some);
}
END_TEST

START_TEST(text_rules)
{
	ck_assert(sqs_text_ok("tab\tok \xe2\x82\xac \xf0\x9f\x98\x80", 15));
	ck_assert(!sqs_text_ok("bell\a", 5));
	ck_assert(!sqs_text_ok("\xef\xbf\xbf", 3));
	ck_assert(!sqs_text_ok("\xc3", 1));
}
END_TEST

START_TEST(receipt_handles_round_trip)
{
	struct sqs_queue q = { .arn = "arn:aws:sqs:us-east-1:000000000000:q" };
	struct sqs_msg m = { .id = "0d6c2a4e-8b4b-4bd1-9a55-0f5e4a8e2b11", .receipt = 7 };
	char *h = sqs_receipt(&q, &m), *arn = NULL, id[37];
	uint32_t r;

	ck_assert_int_eq(sqs_receipt_parse(h, &arn, id, &r), 0);
	ck_assert_str_eq(arn, q.arn);
	ck_assert_str_eq(id, m.id);
	ck_assert_uint_eq(r, 7);
	free(arn);
	free(h);
	ck_assert_int_eq(sqs_receipt_parse("garbage", &arn, id, &r), -1);
	ck_assert_int_eq(sqs_receipt_parse("", &arn, id, &r), -1);
	/* "a|short|1" */
	ck_assert_int_eq(sqs_receipt_parse("YXxzaG9ydHwx", &arn, id, &r), -1);
}
END_TEST

static uint32_t fake_seed = 1;

/* Deterministic randomness (xorshift). */
static void
fake_random(void *arg, void *buf, size_t len)
{
	unsigned char *p = buf;

	(void)arg;
	for (size_t i = 0; i < len; i++) {
		fake_seed ^= fake_seed << 13;
		fake_seed ^= fake_seed >> 17;
		fake_seed ^= fake_seed << 5;
		p[i] = (unsigned char)fake_seed;
	}
}

static struct fg_loop *loop;
static struct lc_server *srv;

/* A server on a fake clock. */
static void
setup_fake(void)
{
	lct_fake_clock(fake_random);
	loop = fg_loop_new();
	srv = lct_server(loop, NULL, NULL);
}

/* A server on the real clock. */
static void
setup_real(void)
{
	fg_clock_set(NULL);
	loop = fg_loop_new();
	srv = lct_server(loop, NULL, NULL);
}

/* Stops the server. */
static void
teardown(void)
{
	lc_server_free(srv);
	fg_loop_free(loop);
	fg_clock_set(NULL);
}

/* A query call; asserts its status; returns the body (caller frees). */
static char *
q(int status, const char *body)
{
	struct lct_reply *r = lct_query(srv, "sqs", body);
	char *out;

	ck_assert_msg(r->done, "no reply to %s", body);
	ck_assert_msg(r->status == status, "%s: status %d, want %d: %s", body, r->status, status,
	    r->body);
	out = r->body;
	r->body = NULL;
	lct_reply_free(r);
	return out;
}

/* The queue URL of a queue on the test server (caller frees). */
static char *
url_of(const char *name)
{
	return fg_printf("http%%3A%%2F%%2F127.0.0.1%%3A%d%%2F000000000000%%2F%s",
	    lc_server_port(srv), name);
}

/* The first <name> text of a query call's reply (caller frees). */
static char *
q_text(const char *body, const char *name)
{
	char *reply = q(200, body), *t = lct_xml_text(reply, name);

	ck_assert_msg(t != NULL, "no <%s> in %s", name, reply);
	free(reply);
	return t;
}

START_TEST(create_is_idempotent_for_same_attributes)
{
	char *r, *t, *u1, *u2;

	u1 = q_text("Action=CreateQueue&QueueName=a&Attribute.1.Name=VisibilityTimeout"
	    "&Attribute.1.Value=60", "QueueUrl");
	u2 = q_text("Action=CreateQueue&QueueName=a&Attribute.1.Name=VisibilityTimeout"
	    "&Attribute.1.Value=60", "QueueUrl");
	ck_assert_str_eq(u1, u2);
	t = fg_printf("http://127.0.0.1:%d/000000000000/a", lc_server_port(srv));
	ck_assert_str_eq(u1, t);
	free(t);
	r = q(400, "Action=CreateQueue&QueueName=a");
	t = lct_xml_text(r, "Code");
	ck_assert_str_eq(t, "QueueAlreadyExists");
	ck_assert_ptr_nonnull(strstr(r, "<Type>Sender</Type>"));
	free(t);
	free(r);
	r = q(400, "Action=CreateQueue&QueueName=bad%20name");
	t = lct_xml_text(r, "Code");
	ck_assert_str_eq(t, "InvalidParameterValue");
	free(t);
	free(r);
	r = q(400, "Action=CreateQueue&QueueName=b&Attribute.1.Name=VisibilityTimeout"
	    "&Attribute.1.Value=50000");
	t = lct_xml_text(r, "Code");
	ck_assert_str_eq(t, "InvalidAttributeValue");
	free(t);
	free(r);
	r = q(400, "Action=CreateQueue&QueueName=b&Attribute.1.Name=Colour&Attribute.1.Value=red");
	t = lct_xml_text(r, "Code");
	ck_assert_str_eq(t, "InvalidAttributeName");
	free(t);
	free(r);
	free(u1);
	free(u2);
}
END_TEST

START_TEST(json_protocol_shares_queues_and_errors)
{
	struct lct_reply *r;
	fg_json v;

	r = lct_json(srv, "sqs", "AmazonSQS.CreateQueue", "{\"QueueName\":\"j\",\"Attributes\":"
	    "{\"DelaySeconds\":\"1\"},\"tags\":{\"k\":\"v\"}}");
	ck_assert_int_eq(r->status, 200);
	ck_assert_str_eq(fg_headers_get(&r->headers, "Content-Type"), "application/x-amz-json-1.0");
	v = jparse(r->body);
	ck_assert_ptr_nonnull(strstr(fg_json_str(fg_json_get(v, "QueueUrl")), "/000000000000/j"));
	fg_json_free(v);
	lct_reply_free(r);
	r = lct_json(srv, "sqs", "AmazonSQS.CreateQueue", "{\"QueueName\":\"j\"}");
	ck_assert_int_eq(r->status, 400);
	v = jparse(r->body);
	ck_assert_str_eq(fg_json_str(fg_json_get(v, "__type")), "com.amazonaws.sqs#QueueNameExists");
	ck_assert_str_eq(fg_headers_get(&r->headers, "x-amzn-query-error"),
	    "QueueAlreadyExists;Sender");
	fg_json_free(v);
	lct_reply_free(r);
	r = lct_json(srv, "sqs", "AmazonSQS.GetQueueUrl", "{\"QueueName\":\"nope\"}");
	ck_assert_int_eq(r->status, 400);
	ck_assert_str_eq(fg_headers_get(&r->headers, "x-amzn-query-error"),
	    "AWS.SimpleQueueService.NonExistentQueue;Sender");
	lct_reply_free(r);
	r = lct_json(srv, "sqs", "AmazonSQS.ListQueueTags", "{\"QueueUrl\":\"/000000000000/j\"}");
	ck_assert_str_eq(r->body, "{\"Tags\":{\"k\":\"v\"}}");
	lct_reply_free(r);
	r = lct_json(srv, "sqs", "AmazonSQS.Frobnicate", "{}");
	ck_assert_int_eq(r->status, 400);
	ck_assert_ptr_nonnull(strstr(r->body, "UnknownOperationException"));
	lct_reply_free(r);
	r = lct_json(srv, "sqs", "AmazonSQS.ListQueues", "{\"MaxResults\": ");
	ck_assert_int_eq(r->status, 400);
	ck_assert_ptr_nonnull(strstr(r->body, "SerializationException"));
	lct_reply_free(r);
	r = lct_json(srv, "sqs", "AmazonSQS.ListQueues", "{\"MaxResults\":\"3\"}");
	ck_assert_int_eq(r->status, 400);
	ck_assert_ptr_nonnull(strstr(r->body, "MaxResults must be an integer"));
	lct_reply_free(r);
}
END_TEST

START_TEST(send_receive_delete_with_visibility)
{
	char *u = url_of("v"), *b, *r, *t, *rh, *body;

	free(q(200, "Action=CreateQueue&QueueName=v&Attribute.1.Name=VisibilityTimeout"
	    "&Attribute.1.Value=30"));
	body = fg_printf("Action=SendMessage&QueueUrl=%s&MessageBody=hello%%20%%3C%%26%%3E"
	    "&MessageAttribute.1.Name=timestamp&MessageAttribute.1.Value.DataType=Number"
	    "&MessageAttribute.1.Value.StringValue=1493147359900", u);
	r = q(200, body);
	free(body);
	t = lct_xml_text(r, "MD5OfMessageAttributes");
	ck_assert_str_eq(t, "235c5c510d26fb653d073faed50ae77c");
	free(t);
	t = lct_xml_text(r, "MD5OfMessageBody");
	ck_assert_str_eq(t, "57fbb05fd4e0844445620e20e3ebf1ca");
	free(t);
	free(r);
	lct_fake_ms += 5;
	b = fg_printf("Action=ReceiveMessage&QueueUrl=%s&AttributeName.1=All"
	    "&MessageAttributeName.1=All", u);
	r = q(200, b);
	ck_assert_ptr_nonnull(strstr(r, "<Body>hello &lt;&amp;&gt;</Body>"));
	ck_assert_ptr_nonnull(strstr(r, "<Name>ApproximateReceiveCount</Name><Value>1</Value>"));
	ck_assert_ptr_nonnull(strstr(r, "<Name>SentTimestamp</Name><Value>1700000000000</Value>"));
	ck_assert_ptr_nonnull(strstr(r, "<Name>ApproximateFirstReceiveTimestamp</Name>"
	    "<Value>1700000000005</Value>"));
	ck_assert_ptr_nonnull(strstr(r, "<Name>SenderId</Name><Value>AIDALOCALCLOUD0000000</Value>"));
	ck_assert_ptr_nonnull(strstr(r, "<MessageAttribute><Name>timestamp</Name><Value>"
	    "<StringValue>1493147359900</StringValue><DataType>Number</DataType></Value>"
	    "</MessageAttribute>"));
	free(r);
	/* In flight: invisible until the timeout ends. */
	r = q(200, b);
	ck_assert_ptr_null(strstr(r, "<Message>"));
	free(r);
	lct_fake_ms += 30000;
	r = q(200, b);
	ck_assert_ptr_nonnull(strstr(r, "<Name>ApproximateReceiveCount</Name><Value>2</Value>"));
	rh = lct_xml_text(r, "ReceiptHandle");
	free(r);
	body = fg_printf("Action=ChangeMessageVisibility&QueueUrl=%s&ReceiptHandle=%s"
	    "&VisibilityTimeout=0", u, rh);
	free(q(200, body));
	free(body);
	r = q(200, b);
	free(rh);
	rh = lct_xml_text(r, "ReceiptHandle");
	free(r);
	body = fg_printf("Action=DeleteMessage&QueueUrl=%s&ReceiptHandle=%s", u, rh);
	free(q(200, body));
	/* Deleting again is not an error; a malformed handle is. */
	free(q(200, body));
	free(body);
	body = fg_printf("Action=DeleteMessage&QueueUrl=%s&ReceiptHandle=bogus", u);
	r = q(400, body);
	t = lct_xml_text(r, "Code");
	ck_assert_str_eq(t, "ReceiptHandleIsInvalid");
	free(t);
	free(r);
	free(body);
	body = fg_printf("Action=ChangeMessageVisibility&QueueUrl=%s&ReceiptHandle=%s"
	    "&VisibilityTimeout=5", u, rh);
	r = q(400, body);
	t = lct_xml_text(r, "Code");
	ck_assert_str_eq(t, "AWS.SimpleQueueService.MessageNotInflight");
	free(t);
	free(r);
	free(body);
	lct_fake_ms += 60000;
	r = q(200, b);
	ck_assert_ptr_null(strstr(r, "<Message>"));
	free(r);
	free(rh);
	free(b);
	free(u);
}
END_TEST

START_TEST(redrive_moves_to_dead_letter_queue)
{
	char *u = url_of("src"), *d = url_of("dlq"), *b, *r, *body, *t;

	free(q(200, "Action=CreateQueue&QueueName=dlq"));
	r = q(400, "Action=CreateQueue&QueueName=src&Attribute.1.Name=RedrivePolicy"
	    "&Attribute.1.Value=%7B%22deadLetterTargetArn%22%3A%22arn%3Aaws%3Asqs%3Aus-east-1%3A"
	    "000000000000%3Anone%22%2C%22maxReceiveCount%22%3A%222%22%7D");
	ck_assert_ptr_nonnull(strstr(r, "Dead letter target does not exist"));
	free(r);
	free(q(200, "Action=CreateQueue&QueueName=src&Attribute.1.Name=RedrivePolicy"
	    "&Attribute.1.Value=%7B%22deadLetterTargetArn%22%3A%22arn%3Aaws%3Asqs%3Aus-east-1%3A"
	    "000000000000%3Adlq%22%2C%22maxReceiveCount%22%3A%222%22%7D"
	    "&Attribute.2.Name=VisibilityTimeout&Attribute.2.Value=1"));
	body = fg_printf("Action=SendMessage&QueueUrl=%s&MessageBody=poison", u);
	free(q(200, body));
	free(body);
	b = fg_printf("Action=ReceiveMessage&QueueUrl=%s", u);
	for (int i = 0; i < 2; i++) {
		r = q(200, b);
		ck_assert_ptr_nonnull(strstr(r, "<Body>poison</Body>"));
		free(r);
		lct_fake_ms += 1000;
	}
	r = q(200, b);
	ck_assert_ptr_null(strstr(r, "<Message>"));
	free(r);
	free(b);
	b = fg_printf("Action=ReceiveMessage&QueueUrl=%s&AttributeName.1=ApproximateReceiveCount",
	    d);
	r = q(200, b);
	ck_assert_ptr_nonnull(strstr(r, "<Body>poison</Body>"));
	free(r);
	free(b);
	b = fg_printf("Action=ListDeadLetterSourceQueues&QueueUrl=%s", d);
	t = q_text(b, "QueueUrl");
	ck_assert_ptr_nonnull(strstr(t, "/000000000000/src"));
	free(t);
	free(b);
	free(u);
	free(d);
}
END_TEST

START_TEST(list_queues_paginates)
{
	char *r, *tok, *b;

	for (int i = 0; i < 5; i++) {
		b = fg_printf("Action=CreateQueue&QueueName=page-%d", i);
		free(q(200, b));
		free(b);
	}
	free(q(200, "Action=CreateQueue&QueueName=other"));
	r = q(200, "Action=ListQueues&QueueNamePrefix=page-&MaxResults=2");
	ck_assert_ptr_nonnull(strstr(r, "page-0</QueueUrl>"));
	ck_assert_ptr_nonnull(strstr(r, "page-1</QueueUrl>"));
	ck_assert_ptr_null(strstr(r, "page-2"));
	tok = lct_xml_text(r, "NextToken");
	free(r);
	b = fg_printf("Action=ListQueues&QueueNamePrefix=page-&MaxResults=3&NextToken=%s", tok);
	free(tok);
	r = q(200, b);
	free(b);
	ck_assert_ptr_nonnull(strstr(r, "page-4</QueueUrl>"));
	ck_assert_ptr_null(strstr(r, "page-1"));
	ck_assert_ptr_null(strstr(r, "NextToken"));
	free(r);
	r = q(200, "Action=ListQueues");
	ck_assert_ptr_nonnull(strstr(r, "other</QueueUrl>"));
	free(r);
	r = q(400, "Action=ListQueues&MaxResults=0");
	free(r);
	r = q(400, "Action=ListQueues&NextToken=%21%21");
	ck_assert_ptr_nonnull(strstr(r, "Invalid NextToken value."));
	free(r);
}
END_TEST

START_TEST(batches_report_each_entry)
{
	char *u = url_of("bq"), *b, *r, *t;

	free(q(200, "Action=CreateQueue&QueueName=bq"));
	b = fg_printf("Action=SendMessageBatch&QueueUrl=%s"
	    "&SendMessageBatchRequestEntry.1.Id=ok&SendMessageBatchRequestEntry.1.MessageBody=a"
	    "&SendMessageBatchRequestEntry.2.Id=bad&SendMessageBatchRequestEntry.2.MessageBody=b"
	    "&SendMessageBatchRequestEntry.2.DelaySeconds=901", u);
	r = q(200, b);
	free(b);
	ck_assert_ptr_nonnull(strstr(r, "<SendMessageBatchResultEntry><Id>ok</Id>"));
	ck_assert_ptr_nonnull(strstr(r, "<BatchResultErrorEntry><Id>bad</Id><SenderFault>true"
	    "</SenderFault><Code>InvalidParameterValue</Code>"));
	free(r);
	b = fg_printf("Action=SendMessageBatch&QueueUrl=%s", u);
	r = q(400, b);
	t = lct_xml_text(r, "Code");
	ck_assert_str_eq(t, "AWS.SimpleQueueService.EmptyBatchRequest");
	free(t);
	free(r);
	free(b);
	b = fg_printf("Action=DeleteMessageBatch&QueueUrl=%s"
	    "&DeleteMessageBatchRequestEntry.1.Id=x&DeleteMessageBatchRequestEntry.1.ReceiptHandle=a"
	    "&DeleteMessageBatchRequestEntry.2.Id=x&DeleteMessageBatchRequestEntry.2.ReceiptHandle=b",
	    u);
	r = q(400, b);
	t = lct_xml_text(r, "Code");
	ck_assert_str_eq(t, "AWS.SimpleQueueService.BatchEntryIdsNotDistinct");
	free(t);
	free(r);
	free(b);
	b = fg_printf("Action=DeleteMessageBatch&QueueUrl=%s"
	    "&DeleteMessageBatchRequestEntry.1.Id=x&DeleteMessageBatchRequestEntry.1.ReceiptHandle=a",
	    u);
	r = q(200, b);
	ck_assert_ptr_nonnull(strstr(r, "<Code>ReceiptHandleIsInvalid</Code>"));
	free(r);
	free(b);
	free(u);
}
END_TEST

START_TEST(bad_input_gets_aws_errors)
{
	char *u = url_of("e"), *b, *r, *t, *big;

	free(q(200, "Action=CreateQueue&QueueName=e&Attribute.1.Name=MaximumMessageSize"
	    "&Attribute.1.Value=1024"));
	big = fg_malloc(2001);
	memset(big, 'x', 2000);
	big[2000] = '\0';
	b = fg_printf("Action=SendMessage&QueueUrl=%s&MessageBody=%s", u, big);
	r = q(400, b);
	ck_assert_ptr_nonnull(strstr(r, "Message must be shorter than 1024 bytes."));
	free(r);
	free(b);
	free(big);
	b = fg_printf("Action=SendMessage&QueueUrl=%s&MessageBody=%%07", u);
	r = q(400, b);
	t = lct_xml_text(r, "Code");
	ck_assert_str_eq(t, "InvalidMessageContents");
	free(t);
	free(r);
	free(b);
	b = fg_printf("Action=SendMessage&QueueUrl=%s", u);
	r = q(400, b);
	t = lct_xml_text(r, "Code");
	ck_assert_str_eq(t, "MissingParameter");
	free(t);
	free(r);
	free(b);
	r = q(400, "Action=Frobnicate");
	t = lct_xml_text(r, "Code");
	ck_assert_str_eq(t, "InvalidAction");
	free(t);
	free(r);
	r = q(404, "Action=SendMessage&QueueUrl=http%3A%2F%2Fh%2Fnot-a-queue&MessageBody=x");
	t = lct_xml_text(r, "Code");
	ck_assert_str_eq(t, "InvalidAddress");
	free(t);
	free(r);
	r = q(400, "Action=SendMessage&QueueUrl=http%3A%2F%2Fh%2F000000000000%2Fnone&MessageBody=x");
	t = lct_xml_text(r, "Code");
	ck_assert_str_eq(t, "AWS.SimpleQueueService.NonExistentQueue");
	free(t);
	free(r);
	r = q(400, "Action=ReceiveMessage&QueueUrl=%2F000000000000%2Fe&WaitTimeSeconds=21");
	ck_assert_ptr_nonnull(strstr(r, "Value 21 for parameter WaitTimeSeconds is invalid."));
	free(r);
	free(u);
}
END_TEST

static struct lct_reply *poll_reply;
static struct fg_timer *watcher;

/* Timer: sends a message to the queue a long poll waits on. */
static void
send_later(void *arg)
{
	char *b = fg_printf("Action=SendMessage&QueueUrl=%%2F000000000000%%2F%s&MessageBody=late",
	    (const char *)arg);

	free(q(200, b));
	free(b);
}

/* Timer: stops the loop once the poll has its answer. */
static void
watch_poll(void *arg)
{
	(void)arg;
	if (poll_reply->done)
		fg_loop_exit(loop);
	else
		fg_timer_add(watcher, 5);
}

/* Runs a long poll of wait_s seconds on queue, with a message sent from a timer after send_ms
 * (none when negative), until it is answered; returns how long that took. */
static int64_t
long_poll(const char *queue, int wait_s, int send_ms)
{
	char *b = fg_printf("Action=ReceiveMessage&QueueUrl=%%2F000000000000%%2F%s"
	    "&WaitTimeSeconds=%d", queue, wait_s);
	struct fg_timer *sender = fg_timer_new(loop, send_later, (void *)queue);
	uint64_t start = fg_mono_ms();

	poll_reply = lct_query(srv, "sqs", b);
	ck_assert_msg(!poll_reply->done, "the poll did not wait: %s", poll_reply->body);
	if (send_ms >= 0)
		fg_timer_add(sender, (uint64_t)send_ms);
	watcher = fg_timer_new(loop, watch_poll, NULL);
	fg_timer_add(watcher, 5);
	fg_loop_run(loop);
	fg_timer_free(watcher);
	fg_timer_free(sender);
	free(b);
	return (int64_t)(fg_mono_ms() - start);
}

START_TEST(long_poll_answers_when_a_message_arrives)
{
	int64_t ms;

	free(q(200, "Action=CreateQueue&QueueName=lp"));
	ms = long_poll("lp", 5, 200);
	ck_assert_msg(ms >= 150 && ms < 1500, "answered after %lld ms", (long long)ms);
	ck_assert_int_eq(poll_reply->status, 200);
	ck_assert_ptr_nonnull(strstr(poll_reply->body, "<Body>late</Body>"));
	lct_reply_free(poll_reply);
}
END_TEST

START_TEST(long_poll_times_out_empty)
{
	int64_t ms;

	free(q(200, "Action=CreateQueue&QueueName=lp"));
	ms = long_poll("lp", 1, -1);
	ck_assert_msg(ms >= 950 && ms < 1800, "answered after %lld ms", (long long)ms);
	ck_assert_int_eq(poll_reply->status, 200);
	ck_assert_ptr_null(strstr(poll_reply->body, "<Message>"));
	lct_reply_free(poll_reply);
}
END_TEST

START_TEST(long_poll_of_a_gone_client_takes_nothing)
{
	struct lct_reply *r = fg_calloc(1, sizeof(*r));
	struct lc_request *req = lct_request(srv, r, "POST", "/",
	    "application/x-www-form-urlencoded", NULL, "Action=ReceiveMessage&QueueUrl="
	    "%2F000000000000%2Fgone&WaitTimeSeconds=20", "sqs", NULL, NULL, 0);
	char *body;

	free(q(200, "Action=CreateQueue&QueueName=gone"));
	lc_dispatch(req);
	ck_assert(!r->done);
	lc_request_aborted(req);
	ck_assert(r->done);
	ck_assert_ptr_null(strstr(r->body, "<Message>"));
	lct_reply_free(r);
	send_later("gone");
	body = q(200, "Action=ReceiveMessage&QueueUrl=%2F000000000000%2Fgone");
	ck_assert_ptr_nonnull(strstr(body, "<Body>late</Body>"));
	free(body);
}
END_TEST

START_TEST(long_poll_ends_at_shutdown)
{
	struct lct_reply *r;

	free(q(200, "Action=CreateQueue&QueueName=sd"));
	r = lct_query(srv, "sqs", "Action=ReceiveMessage&QueueUrl=%2F000000000000%2Fsd"
	    "&WaitTimeSeconds=20");
	ck_assert(!r->done);
	lc_server_free(srv);
	srv = NULL;
	ck_assert(r->done);
	ck_assert_int_eq(r->status, 200);
	lct_reply_free(r);
}
END_TEST

START_TEST(state_survives_a_restart)
{
	char dir[] = "/tmp/check_lc_sqs.XXXXXX", *path, *r;
	struct lc_server *s2;

	ck_assert_ptr_nonnull(mkdtemp(dir));
	lc_server_free(srv);
	srv = lct_server(loop, dir, NULL);
	free(q(200, "Action=CreateQueue&QueueName=keep&Tag.1.Key=k&Tag.1.Value=v"));
	free(q(200, "Action=SendMessage&QueueUrl=%2F000000000000%2Fkeep&MessageBody=kept"
	    "&MessageAttribute.1.Name=a&MessageAttribute.1.Value.DataType=String"
	    "&MessageAttribute.1.Value.StringValue=b"));
	lc_server_free(srv);
	srv = NULL;
	path = fg_printf("%s/sqs.json", dir);
	ck_assert_int_eq(access(path, R_OK), 0);
	s2 = lct_server(loop, dir, NULL);
	srv = s2;
	r = q(200, "Action=ReceiveMessage&QueueUrl=%2F000000000000%2Fkeep"
	    "&MessageAttributeName.1=All");
	ck_assert_ptr_nonnull(strstr(r, "<Body>kept</Body>"));
	ck_assert_ptr_nonnull(strstr(r, "<StringValue>b</StringValue>"));
	free(r);
	r = q(200, "Action=ListQueueTags&QueueUrl=%2F000000000000%2Fkeep");
	ck_assert_ptr_nonnull(strstr(r, "<Tag><Key>k</Key><Value>v</Value></Tag>"));
	free(r);
	lc_server_free(srv);
	srv = NULL;
	unlink(path);
	free(path);
	path = fg_printf("%s/lock", dir);
	unlink(path);
	free(path);
	rmdir(dir);
}
END_TEST

/* Starts a server on a state directory holding one sqs.json; returns the start-up error. */
static char *
load_error(const char *json)
{
	char dir[] = "/tmp/check_lc_sqs.XXXXXX", *path, *err = NULL, *lock;
	struct lc_config cfg = { .bind = "127.0.0.1" };
	struct lc_server *s;

	ck_assert_ptr_nonnull(mkdtemp(dir));
	path = fg_printf("%s/sqs.json", dir);
	ck_assert_int_eq(lc_write_atomic(path, json, strlen(json), &err), 0);
	cfg.data_dir = dir;
	s = lc_server_new(loop, &cfg, &err);
	ck_assert_ptr_null(s);
	unlink(path);
	lock = fg_printf("%s/lock", dir);
	unlink(lock);
	rmdir(dir);
	free(lock);
	free(path);
	return err;
}

START_TEST(malformed_state_is_reported)
{
	char *e = load_error("{\"version\":1,\"queues\":[{\"account\":\"000000000000\"}");

	ck_assert_msg(strstr(e, "/sqs.json: line 1, column") != NULL, "%s", e);
	free(e);
	e = load_error("{\"version\":1,\"queues\":[{\"account\":\"000000000000\"}]}");
	ck_assert_msg(strstr(e, "/sqs.json: queues[0]: \"name\" must be a string") != NULL, "%s", e);
	free(e);
	e = load_error("[]");
	ck_assert_msg(strstr(e, "not SQS state version 1") != NULL, "%s", e);
	free(e);
}
END_TEST

static Suite *
lc_sqs_suite(void)
{
	Suite *s = suite_create("lc_sqs");
	TCase *tc = tcase_create("parse");

	tcase_add_test(tc, query_flattened_maps_and_lists);
	tcase_add_test(tc, query_batch_entries_in_index_order);
	tcase_add_test(tc, query_rejects_bad_values);
	tcase_add_test(tc, json_types_checked_with_path);
	tcase_add_test(tc, md5_of_attributes_matches_aws);
	tcase_add_test(tc, attribute_rules);
	tcase_add_test(tc, attribute_name_selection);
	tcase_add_test(tc, text_rules);
	tcase_add_test(tc, receipt_handles_round_trip);
	suite_add_tcase(s, tc);
	tc = tcase_create("actions");
	tcase_add_checked_fixture(tc, setup_fake, teardown);
	tcase_add_test(tc, create_is_idempotent_for_same_attributes);
	tcase_add_test(tc, json_protocol_shares_queues_and_errors);
	tcase_add_test(tc, send_receive_delete_with_visibility);
	tcase_add_test(tc, redrive_moves_to_dead_letter_queue);
	tcase_add_test(tc, list_queues_paginates);
	tcase_add_test(tc, batches_report_each_entry);
	tcase_add_test(tc, bad_input_gets_aws_errors);
	suite_add_tcase(s, tc);
	tc = tcase_create("long_poll");
	tcase_add_checked_fixture(tc, setup_real, teardown);
	tcase_add_test(tc, long_poll_answers_when_a_message_arrives);
	tcase_add_test(tc, long_poll_times_out_empty);
	tcase_add_test(tc, long_poll_of_a_gone_client_takes_nothing);
	tcase_add_test(tc, long_poll_ends_at_shutdown);
	tcase_add_test(tc, state_survives_a_restart);
	tcase_add_test(tc, malformed_state_is_reported);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	SRunner *sr = srunner_create(lc_sqs_suite());
	int failed;

	srunner_run_all(sr, CK_ENV);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed != 0;
}
