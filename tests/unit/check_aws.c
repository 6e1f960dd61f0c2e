/* check_aws.c: unit tests for fg_aws, end to end against a fake AWS endpoint on 127.0.0.1
 * that verifies the SigV4 signature of every request (query, JSON 1.0 and REST-XML). */
#include "config.h"

#include <check.h>
#include <event2/buffer.h>
#include <event2/event.h>
#include <event2/http.h>
#include <event2/keyvalq_struct.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/queue.h>
#include <time.h>

#include "aws.h"
#include "awsenv.h"
#include "base.h"
#include "creds.h"
#include "file_text.h"
#include "testsrv.h"

#define ACCESS_KEY "AKIDTESTFUGUE"
#define SECRET_KEY "wJalrXUtnFEMI/K7MDENG+bPxRfiCYTESTKEY"
#define REGION "eu-west-1"
#define SQS_XMLNS "http://queue.amazonaws.com/doc/2012-11-05/"
#define FORM_TYPE "application/x-www-form-urlencoded; charset=utf-8"
#define BUCKET "fugue-bucket"
#define S3_KEY "dir/a key with spaces/x+y.txt"
#define S3_PATH "/fugue-bucket/dir/a%20key%20with%20spaces/x%2By.txt"

enum kind { KIND_QUERY, KIND_JSON, KIND_S3 };

/* The fake endpoint and what it saw. */
struct fake {
	struct evhttp *http;
	char url[64];
	int offset_s;         /* the server's clock runs this far ahead of the real one */
	int fail_n;           /* answer the next fail_n requests with this error */
	int fail_status;
	const char *fail_code;
	int hang;             /* take every request, answer none */
	int requests;
	int bad;              /* requests that failed a check */
	char *bad_why;        /* the first such failure */
	int skewed;           /* requests refused as RequestTimeTooSkewed */
	char *token;          /* X-Amz-Security-Token of the last signed request */
	char *meta;           /* x-amz-meta-owner of the last PUT */
	char *object_path;    /* the object stored by PUT */
	struct fg_buf object;
};

static struct fg_loop *loop;
static struct fg_http_client *http;
static struct fg_timer *guard;
static struct fg_aws_env *env;
static struct fg_aws *aws;
static struct fake fake;

/* Records the first failed check of the fake server. */
static void FG_PRINTF(1, 2)
fake_bad(const char *fmt, ...)
{
	va_list ap;

	fake.bad++;
	if (fake.bad_why != NULL)
		return;
	va_start(ap, fmt);
	fake.bad_why = fg_vprintf(fmt, ap);
	va_end(ap);
}

/* The server's clock. */
static time_t
fake_now(void)
{
	return time(NULL) + fake.offset_s;
}

/* Sends a reply with a body and a Content-Type (NULL for none). */
static void
fake_reply(struct evhttp_request *req, int code, const char *type, const char *body, size_t len)
{
	struct evbuffer *b = evbuffer_new();

	if (type != NULL)
		evhttp_add_header(evhttp_request_get_output_headers(req), "Content-Type", type);
	evbuffer_add(b, body, len);
	evhttp_send_reply(req, code, code < 300 ? "OK" : "Error", b);
	evbuffer_free(b);
}

/* Sends an error reply in the format of the request's protocol. */
static void
fake_error(struct evhttp_request *req, enum kind k, int status, const char *code)
{
	char body[512];

	if (k == KIND_JSON)
		snprintf(body, sizeof(body), "{\"__type\":\"com.amazonaws.dynamodb.v20120810#%s\","
		    "\"message\":\"fake %s\"}", code, code);
	else if (k == KIND_QUERY)
		snprintf(body, sizeof(body), "<ErrorResponse xmlns=\"" SQS_XMLNS "\"><Error>"
		    "<Type>Sender</Type><Code>%s</Code><Message>fake %s</Message><Detail/></Error>"
		    "<RequestId>req-%d</RequestId></ErrorResponse>", code, code, fake.requests);
	else
		snprintf(body, sizeof(body), "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<Error>"
		    "<Code>%s</Code><Message>fake %s</Message><RequestId>req-%d</RequestId></Error>",
		    code, code, fake.requests);
	fake_reply(req, status, k == KIND_JSON ? "application/x-amz-json-1.0" : "text/xml", body,
	    strlen(body));
}

/* Parses an X-Amz-Date ("20240101T000000Z"). */
static int
amz_time(const char *s, time_t *t)
{
	struct tm tm;

	memset(&tm, 0, sizeof(tm));
	if (s == NULL || strlen(s) != 16 || sscanf(s, "%4d%2d%2dT%2d%2d%2dZ", &tm.tm_year,
	    &tm.tm_mon, &tm.tm_mday, &tm.tm_hour, &tm.tm_min, &tm.tm_sec) != 6)
		return -1;
	tm.tm_year -= 1900;
	tm.tm_mon -= 1;
	*t = timegm(&tm);
	return 0;
}

/* Checks the request's date against the server's clock and its signature; 0 when both are
 * good, else the error has been sent. */
static int
fake_verify(struct evhttp_request *req, enum kind k, struct fg_sigv4_request *sr)
{
	static const char *const services[] = { "sqs", "dynamodb", "s3" };
	const char *auth = fg_headers_get(sr->headers, "Authorization");
	struct fg_sigv4_params p;
	struct fg_sigv4_auth a;
	char *err = NULL, date[64];
	time_t t, now = fake_now();
	struct tm tm;

	if (amz_time(fg_headers_get(sr->headers, "X-Amz-Date"), &t) < 0 || t > now + 300 ||
	    t < now - 300) {
		fake.skewed++;
		strftime(date, sizeof(date), "%a, %d %b %Y %H:%M:%S GMT", gmtime_r(&now, &tm));
		evhttp_add_header(evhttp_request_get_output_headers(req), "Date", date);
		fake_error(req, k, 403, "RequestTimeTooSkewed");
		return -1;
	}
	memset(&p, 0, sizeof(p));
	p.region = REGION;
	p.service = services[k];
	p.when = now;
	p.normalize_path = k != KIND_S3;
	p.double_encode_path = k != KIND_S3;
	p.payload = FG_PAYLOAD_SIGNED;
	memset(&a, 0, sizeof(a));
	if (auth == NULL || fg_sigv4_parse_auth(auth, &a, &err) < 0 ||
	    strcmp(a.access_key, ACCESS_KEY) != 0 ||
	    fg_sigv4_verify(SECRET_KEY, &a, &p, sr, &err) < 0 ||
	    (k == KIND_S3 && fg_headers_get(sr->headers, "x-amz-content-sha256") == NULL) ||
	    strcmp(fg_headers_get(sr->headers, "Host"), fake.url + 7) != 0) {
		fake_bad("%s %s: bad signature: %s", sr->method, sr->path, err ? err :
		    "no Authorization or x-amz-content-sha256, wrong access key or Host");
		free(err);
		fg_sigv4_auth_free(&a);
		fake_error(req, k, 403, "SignatureDoesNotMatch");
		return -1;
	}
	fg_sigv4_auth_free(&a);
	free(fake.token);
	fake.token = fg_headers_get(sr->headers, "X-Amz-Security-Token") ?
	    fg_strdup(fg_headers_get(sr->headers, "X-Amz-Security-Token")) : NULL;
	return 0;
}

/* SQS: GetQueueUrl. Queue "missing" does not exist, "busy" always answers 503, "garbled"
 * answers 200 with a broken body, "hang" never answers. */
static void
fake_sqs(struct evhttp_request *req, const struct fg_sigv4_request *sr)
{
	struct fg_query q;
	const char *name;
	char *err = NULL, body[512];

	fg_query_init(&q);
	if (strcmp(sr->method, "POST") != 0 || strcmp(sr->path, "/") != 0 ||
	    strcmp(fg_headers_get(sr->headers, "Content-Type"), FORM_TYPE) != 0 ||
	    fg_query_decode(&q, sr->body, sr->body_len, &err) < 0 ||
	    fg_query_get(&q, "Action") == NULL || strcmp(fg_query_get(&q, "Action"),
	    "GetQueueUrl") != 0 || fg_query_get(&q, "Version") == NULL ||
	    strcmp(fg_query_get(&q, "Version"), "2012-11-05") != 0 ||
	    (name = fg_query_get(&q, "QueueName")) == NULL) {
		fake_bad("bad SQS request %s %s: %.*s %s", sr->method, sr->path,
		    (int)sr->body_len, (const char *)sr->body, err ? err : "");
		free(err);
		fake_error(req, KIND_QUERY, 400, "InvalidParameterValue");
	} else if (strcmp(name, "missing") == 0)
		fake_error(req, KIND_QUERY, 400, "AWS.SimpleQueueService.NonExistentQueue");
	else if (strcmp(name, "busy") == 0)
		fake_error(req, KIND_QUERY, 503, "ServiceUnavailable");
	else if (strcmp(name, "garbled") == 0)
		fake_reply(req, 200, "text/xml", "<GetQueueUrlResponse><GetQueueUrlResult>", 40);
	else if (strcmp(name, "hang") != 0) {
		snprintf(body, sizeof(body), "<?xml version=\"1.0\"?><GetQueueUrlResponse xmlns=\""
		    SQS_XMLNS "\"><GetQueueUrlResult><QueueUrl>https://sqs." REGION ".amazonaws.com/"
		    "%s/%s</QueueUrl></GetQueueUrlResult><ResponseMetadata><RequestId>req-%d"
		    "</RequestId></ResponseMetadata></GetQueueUrlResponse>",
		    fg_query_get(&q, "QueueOwnerAWSAccountId"), name, fake.requests);
		fake_reply(req, 200, "text/xml", body, strlen(body));
	}
	fg_query_free(&q);
}

/* DynamoDB: GetItem on table "fugue". */
static void
fake_dynamodb(struct evhttp_request *req, const struct fg_sigv4_request *sr)
{
	static const char item[] = "{\"Item\":{\"id\":{\"S\":\"1\"},\"size\":{\"N\":\"42\"}}}";
	const char *type = fg_headers_get(sr->headers, "Content-Type");
	const char *target = fg_headers_get(sr->headers, "X-Amz-Target");
	char *err = NULL;
	fg_json doc = fg_json_parse(sr->body, sr->body_len, &err);

	if (strcmp(sr->method, "POST") != 0 || strcmp(sr->path, "/") != 0 || type == NULL ||
	    strcmp(type, "application/x-amz-json-1.0") != 0 ||
	    strcmp(target, "DynamoDB_20120810.GetItem") != 0 || doc == NULL ||
	    fg_json_str(fg_json_get(doc, "TableName")) == NULL ||
	    strcmp(fg_json_str(fg_json_get(doc, "TableName")), "fugue") != 0) {
		fake_bad("bad DynamoDB request %s %s (%s, %s): %s", sr->method, sr->path, type,
		    target, err ? err : "");
		fake_error(req, KIND_JSON, 400, "SerializationException");
	} else
		fake_reply(req, 200, "application/x-amz-json-1.0", item, strlen(item));
	free(err);
	fg_json_free(doc);
}

/* S3, path-style: PUT and GET of one object, ListObjectsV2 of the bucket. */
static void
fake_s3(struct evhttp_request *req, const struct fg_sigv4_request *sr)
{
	const char *meta = fg_headers_get(sr->headers, "x-amz-meta-owner");
	char body[512];

	if (strcmp(sr->method, "PUT") == 0) {
		free(fake.object_path);
		free(fake.meta);
		fake.object_path = fg_strdup(sr->path);
		fake.meta = meta ? fg_strdup(meta) : NULL;
		fg_buf_reset(&fake.object);
		fg_buf_add(&fake.object, sr->body, sr->body_len);
		evhttp_add_header(evhttp_request_get_output_headers(req), "ETag", "\"1\"");
		fake_reply(req, 200, NULL, "", 0);
	} else if (strcmp(sr->method, "GET") == 0 && fake.object_path != NULL &&
	    strcmp(sr->path, fake.object_path) == 0 && sr->query == NULL)
		fake_reply(req, 200, "application/xml", fake.object.data, fake.object.len);
	else if (strcmp(sr->method, "GET") == 0 && strcmp(sr->path, "/" BUCKET) == 0 &&
	    sr->query != NULL && strcmp(sr->query, "list-type=2") == 0) {
		snprintf(body, sizeof(body), "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
		    "<ListBucketResult xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\"><Name>"
		    BUCKET "</Name><KeyCount>1</KeyCount><Contents><Key>%s</Key><Size>%zu</Size>"
		    "</Contents></ListBucketResult>", S3_KEY, fake.object.len);
		fake_reply(req, 200, "application/xml", body, strlen(body));
	} else
		fake_error(req, KIND_S3, 404, "NoSuchKey");
}

/* Reads a request into an fg_sigv4_request (path, query and headers allocated). */
static void
read_request(struct evhttp_request *req, struct fg_sigv4_request *sr, struct fg_headers *h)
{
	static const char *const methods[] = { "GET", "POST", "HEAD", "PUT", "DELETE" };
	static const enum evhttp_cmd_type cmds[] = { EVHTTP_REQ_GET, EVHTTP_REQ_POST,
	    EVHTTP_REQ_HEAD, EVHTTP_REQ_PUT, EVHTTP_REQ_DELETE };
	struct evbuffer *in = evhttp_request_get_input_buffer(req);
	const char *uri = evhttp_request_get_uri(req), *q = strchr(uri, '?');
	struct evkeyval *kv;

	memset(sr, 0, sizeof(*sr));
	for (size_t i = 0; i < FG_ARRAY_LEN(cmds); i++)
		if (evhttp_request_get_command(req) == cmds[i])
			sr->method = methods[i];
	sr->path = q ? fg_strndup(uri, (size_t)(q - uri)) : fg_strdup(uri);
	sr->query = q ? fg_strdup(q + 1) : NULL;
	fg_headers_init(h);
	TAILQ_FOREACH(kv, evhttp_request_get_input_headers(req), next)
		fg_headers_add(h, kv->key, kv->value);
	sr->headers = h;
	sr->body_len = evbuffer_get_length(in);
	sr->body = evbuffer_pullup(in, -1);
}

/* The server's request handler: verification, injected failures, then the services. */
static void
fake_handle(struct evhttp_request *req, void *arg)
{
	struct fg_sigv4_request sr;
	struct fg_headers h;
	enum kind k;

	(void)arg;
	fake.requests++;
	if (fake.hang)
		return;
	read_request(req, &sr, &h);
	if (fg_headers_get(&h, "X-Amz-Target") != NULL)
		k = KIND_JSON;
	else if (fg_headers_get(&h, "Content-Type") != NULL &&
	    strncmp(fg_headers_get(&h, "Content-Type"), "application/x-www-form", 22) == 0)
		k = KIND_QUERY;
	else
		k = KIND_S3;
	if (fake_verify(req, k, &sr) < 0)
		;
	else if (fake.fail_n > 0) {
		fake.fail_n--;
		fake_error(req, k, fake.fail_status, fake.fail_code);
	} else if (k == KIND_QUERY)
		fake_sqs(req, &sr);
	else if (k == KIND_JSON)
		fake_dynamodb(req, &sr);
	else
		fake_s3(req, &sr);
	free((char *)sr.path);
	free((char *)sr.query);
	fg_headers_free(&h);
}

/* Starts the fake server on a free port and points AWS_ENDPOINT_URL at it. */
static void
fake_start(void)
{
	int port;


	fake.http = evhttp_new(fg_loop_event_base(loop));
	port = testsrv_bind(fake.http);
	evhttp_set_allowed_methods(fake.http, EVHTTP_REQ_GET | EVHTTP_REQ_PUT | EVHTTP_REQ_POST |
	    EVHTTP_REQ_HEAD | EVHTTP_REQ_DELETE);
	evhttp_set_gencb(fake.http, fake_handle, NULL);
	snprintf(fake.url, sizeof(fake.url), "http://127.0.0.1:%d", port);
	setenv("AWS_ENDPOINT_URL", fake.url, 1);
}

/* Makes fg_loop_run return. */
static void
guard_fire(void *arg)
{
	(void)arg;
	fg_loop_exit(loop);
}

/* Runs the loop for ms, or until something calls fg_loop_exit. */
static void
run_for(uint64_t ms)
{
	fg_timer_add(guard, ms);
	fg_loop_run(loop);
	fg_timer_del(guard);
}

/* Runs the loop until cond() holds, for at most ms; returns cond(). */
static int
run_until(int (*cond)(void), uint64_t ms)
{
	uint64_t end = fg_mono_ms() + ms;

	while (!cond() && fg_mono_ms() < end)
		run_for(5);
	return cond();
}

/* What a callback saw (copied: the reply is valid only during the callback). */
struct outcome {
	int calls;
	int status;
	enum fg_err_class cls;
	enum fg_http_err transport;
	char *code;
	char *message;
	char *request_id;
	unsigned attempts;
	const char *xml_path;  /* read this from reply->xml into text */
	const char *json_path; /* or this from reply->json */
	char *text;
	char *body;
	int had_xml;
	int had_json;
	int free_client;       /* fg_aws_free the client from the callback */
};

/* Records a reply and stops the loop. */
static void
on_reply(const struct fg_aws_reply *r, void *arg)
{
	struct outcome *o = arg;
	const char *t = NULL;

	o->calls++;
	o->status = r->status;
	o->cls = r->err.cls;
	o->transport = r->err.transport;
	o->code = r->err.code ? fg_strdup(r->err.code) : NULL;
	o->message = r->err.message ? fg_strdup(r->err.message) : NULL;
	o->request_id = r->err.request_id ? fg_strdup(r->err.request_id) : NULL;
	o->attempts = r->attempts;
	o->had_xml = r->xml != NULL;
	o->had_json = r->json != NULL;
	if (o->xml_path != NULL)
		t = fg_xml_text(r->xml, o->xml_path);
	else if (o->json_path != NULL)
		t = fg_json_str(fg_json_path(r->json, o->json_path));
	o->text = t ? fg_strdup(t) : NULL;
	o->body = r->body ? fg_strndup(r->body, r->body_len) : NULL;
	if (o->free_client) {
		fg_aws_free(aws);
		aws = NULL;
	}
	fg_loop_exit(loop);
}

/* Frees what an outcome copied and clears it. */
static void
outcome_clear(struct outcome *o)
{
	free(o->code);
	free(o->message);
	free(o->request_id);
	free(o->text);
	free(o->body);
	memset(o, 0, sizeof(*o));
}

/* Sends req and runs the loop until its callback, which must come from the loop once. */
static void
call(const struct fg_aws_req *req, struct outcome *o)
{
	ck_assert_ptr_nonnull(fg_aws_send(aws, req, on_reply, o));
	ck_assert_int_eq(o->calls, 0);
	run_for(10000);
	ck_assert_int_eq(o->calls, 1);
}

/* A ListQueues request in us-west-2; q holds its parameters (the caller frees them). */
static void
list_queues(struct fg_aws_req *req, struct fg_query *q)
{
	fg_query_init(q);
	fg_query_add(q, "Action", "ListQueues");
	memset(req, 0, sizeof(*req));
	req->service = "sqs";
	req->region = "us-west-2";
	req->proto = FG_PROTO_QUERY;
	req->params = q;
}

/* Calls SQS GetQueueUrl for a queue, reading the QueueUrl of the reply. */
static void
get_queue_url(const char *name, struct outcome *o)
{
	struct fg_query q;
	struct fg_aws_req req;

	fg_query_init(&q);
	fg_query_add(&q, "Action", "GetQueueUrl");
	fg_query_add(&q, "QueueName", name);
	fg_query_add(&q, "QueueOwnerAWSAccountId", "123456789012");
	fg_query_add(&q, "Version", "2012-11-05");
	memset(&req, 0, sizeof(req));
	req.service = "sqs";
	req.proto = FG_PROTO_QUERY;
	req.params = &q;
	o->xml_path = "GetQueueUrlResult/QueueUrl";
	call(&req, o);
	fg_query_free(&q);
}

/* Checks that the fake server found nothing wrong. */
static void
fake_all_good(void)
{
	ck_assert_msg(fake.bad == 0, "%d bad requests, first: %s", fake.bad, fake.bad_why);
}

/* Per test: scratch HOME and AWS environment, a loop, an HTTP client, the fake endpoint and a
 * client with fast retries (3 attempts, backoff under 5 then 10 ms). */
static void
setup(void)
{
	struct fg_retry_config rc;

	log_set_debug(getenv("FUGUE_TEST_DEBUG"));
	awsenv_setup();
	setenv("AWS_ACCESS_KEY_ID", ACCESS_KEY, 1);
	setenv("AWS_SECRET_ACCESS_KEY", SECRET_KEY, 1);
	setenv("AWS_REGION", REGION, 1);
	setenv("AWS_EC2_METADATA_DISABLED", "true", 1);
	memset(&fake, 0, sizeof(fake));
	fg_buf_init(&fake.object);
	loop = fg_loop_new();
	http = fg_http_client_new(loop, NULL);
	guard = fg_timer_new(loop, guard_fire, NULL);
	fake_start();
	env = fg_aws_env_new(loop, http);
	fg_retry_config_default(&rc);
	rc.base_ms = 5;
	rc.max_backoff_ms = 50;
	aws = fg_aws_new(loop, http, env, &rc);
}

/* Frees what setup made. */
static void
teardown(void)
{
	fg_clock_set(NULL);
	fg_aws_free(aws);
	fg_aws_env_free(env);
	fg_timer_free(guard);
	fg_http_client_free(http);
	evhttp_free(fake.http);
	fg_loop_free(loop);
	free(fake.bad_why);
	free(fake.token);
	free(fake.meta);
	free(fake.object_path);
	fg_buf_free(&fake.object);
	awsenv_teardown();
}

START_TEST(query_call_is_signed_and_its_xml_parsed)
{
	struct outcome o = { 0 };
	struct fg_aws_stats st;

	get_queue_url("fugue-test", &o);
	fake_all_good();
	ck_assert_int_eq(o.cls, FG_ERR_NONE);
	ck_assert_int_eq(o.status, 200);
	ck_assert_uint_eq(o.attempts, 1);
	ck_assert_int_eq(o.had_xml, 1);
	ck_assert_str_eq(o.text, "https://sqs." REGION ".amazonaws.com/123456789012/fugue-test");
	ck_assert_ptr_null(fake.token);
	fg_aws_stats(aws, &st);
	ck_assert_uint_eq(st.calls, 1);
	ck_assert_uint_eq(st.attempts, 1);
	ck_assert_uint_eq(st.retries, 0);
	ck_assert_uint_eq(st.failed, 0);
	ck_assert_int_eq(st.skew_ms, 0);
	outcome_clear(&o);
}
END_TEST

START_TEST(json_call_with_session_token)
{
	static const char body[] = "{\"TableName\":\"fugue\",\"Key\":{\"id\":{\"S\":\"1\"}}}";
	struct fg_aws_req req;
	struct outcome o = { 0 };

	setenv("AWS_SESSION_TOKEN", "session-token-1", 1);
	memset(&req, 0, sizeof(req));
	req.service = "dynamodb";
	req.proto = FG_PROTO_JSON;
	req.target = "DynamoDB_20120810.GetItem";
	req.body = body;
	req.body_len = strlen(body);
	/* One throttled attempt first: the retry is signed again and verified again. */
	fake.fail_n = 1;
	fake.fail_status = 400;
	fake.fail_code = "ProvisionedThroughputExceededException";
	o.json_path = "Item/id/S";
	call(&req, &o);
	fake_all_good();
	ck_assert_int_eq(o.cls, FG_ERR_NONE);
	ck_assert_uint_eq(o.attempts, 2);
	ck_assert_int_eq(o.had_json, 1);
	ck_assert_int_eq(o.had_xml, 0);
	ck_assert_str_eq(o.text, "1");
	ck_assert_str_eq(fake.token, "session-token-1");
	outcome_clear(&o);

	/* JSON 1.1 is sent as such (the fake serves only 1.0 and refuses it). */
	req.json_version = "1.1";
	call(&req, &o);
	ck_assert_int_eq(o.cls, FG_ERR_INVALID);
	ck_assert_str_eq(o.code, "SerializationException");
	ck_assert_int_eq(fake.bad, 1);
	ck_assert_msg(strstr(fake.bad_why, "application/x-amz-json-1.1") != NULL, "%s",
	    fake.bad_why);
	outcome_clear(&o);
}
END_TEST

START_TEST(s3_put_get_list_path_style)
{
	static const char data[] = "<not xml, but sent as application/xml";
	struct fg_headers h;
	struct fg_aws_req req;
	struct outcome o = { 0 };

	fg_headers_init(&h);
	fg_headers_add(&h, "Content-Type", "application/xml");
	fg_headers_add(&h, "x-amz-meta-owner", "fugue");
	memset(&req, 0, sizeof(req));
	req.service = "s3";
	req.proto = FG_PROTO_REST_XML;
	req.method = "PUT";
	req.bucket = BUCKET;
	req.key = S3_KEY;
	req.headers = &h;
	req.body = data;
	req.body_len = strlen(data);
	fake.fail_n = 1;
	fake.fail_status = 500;
	fake.fail_code = "InternalError";
	call(&req, &o);
	fake_all_good();
	ck_assert_int_eq(o.cls, FG_ERR_NONE);
	ck_assert_uint_eq(o.attempts, 2);
	ck_assert_str_eq(fake.object_path, S3_PATH);
	ck_assert_str_eq(fake.meta, "fugue");
	ck_assert_str_eq(fake.object.data, data);
	outcome_clear(&o);

	/* GetObject: raw data, never parsed even when it claims to be XML. */
	req.method = "GET";
	req.headers = NULL;
	req.body = NULL;
	req.body_len = 0;
	req.raw_reply = 1;
	call(&req, &o);
	fake_all_good();
	ck_assert_int_eq(o.cls, FG_ERR_NONE);
	ck_assert_int_eq(o.had_xml, 0);
	ck_assert_str_eq(o.body, data);
	outcome_clear(&o);

	/* The same without raw_reply: the XML-typed body must parse, and does not. */
	req.raw_reply = 0;
	call(&req, &o);
	ck_assert_int_eq(o.cls, FG_ERR_FATAL);
	ck_assert_str_eq(o.code, "MalformedReply");
	ck_assert_int_eq(o.status, 200);
	ck_assert_str_eq(o.body, data);
	outcome_clear(&o);

	/* ListObjectsV2: bucket only, raw query, XML reply. */
	req.key = NULL;
	req.query = "list-type=2";
	o.xml_path = "Contents/Key";
	call(&req, &o);
	fake_all_good();
	ck_assert_int_eq(o.cls, FG_ERR_NONE);
	ck_assert_str_eq(o.text, S3_KEY);
	outcome_clear(&o);

	/* A missing key: REST-XML error parsed and classified. */
	req.key = "nothing/here";
	req.query = NULL;
	o.xml_path = NULL;
	call(&req, &o);
	ck_assert_int_eq(o.cls, FG_ERR_NOT_FOUND);
	ck_assert_str_eq(o.code, "NoSuchKey");
	ck_assert_int_eq(o.status, 404);
	ck_assert_uint_eq(o.attempts, 1);
	outcome_clear(&o);
	fg_headers_free(&h);
}
END_TEST

START_TEST(s3_virtual_style_stays_path_style_where_it_must)
{
	struct fg_aws_req req;
	struct outcome o = { 0 };

	/* The profile asks for virtual-hosted addressing; an endpoint at an IP address cannot
	 * take the bucket as a host prefix, so requests stay path-style (and reach the fake). */
	awsenv_write(".aws/config", "[default]\ns3 =\n    addressing_style = virtual\n");
	memset(&req, 0, sizeof(req));
	req.service = "s3";
	req.proto = FG_PROTO_REST_XML;
	req.method = "PUT";
	req.bucket = BUCKET;
	req.key = S3_KEY;
	req.body = "x";
	req.body_len = 1;
	call(&req, &o);
	fake_all_good();
	ck_assert_int_eq(o.cls, FG_ERR_NONE);
	ck_assert_str_eq(fake.object_path, S3_PATH);
	outcome_clear(&o);
}
END_TEST

START_TEST(throttled_twice_then_success)
{
	struct outcome o = { 0 };
	struct fg_aws_stats st;

	fake.fail_n = 2;
	fake.fail_status = 400;
	fake.fail_code = "Throttling";
	get_queue_url("fugue-test", &o);
	fake_all_good();
	ck_assert_int_eq(o.cls, FG_ERR_NONE);
	ck_assert_uint_eq(o.attempts, 3);
	ck_assert_ptr_nonnull(o.text);
	ck_assert_int_eq(fake.requests, 3);
	fg_aws_stats(aws, &st);
	ck_assert_uint_eq(st.calls, 1);
	ck_assert_uint_eq(st.attempts, 3);
	ck_assert_uint_eq(st.retries, 2);
	ck_assert_uint_eq(st.throttled, 2);
	ck_assert_uint_eq(st.failed, 0);
	outcome_clear(&o);
}
END_TEST

START_TEST(non_retryable_error_ends_at_once)
{
	struct outcome o = { 0 };
	struct fg_aws_stats st;

	get_queue_url("missing", &o);
	fake_all_good();
	ck_assert_int_eq(o.cls, FG_ERR_NOT_FOUND);
	ck_assert_str_eq(o.code, "AWS.SimpleQueueService.NonExistentQueue");
	ck_assert_str_eq(o.message, "fake AWS.SimpleQueueService.NonExistentQueue");
	ck_assert_str_eq(o.request_id, "req-1");
	ck_assert_int_eq(o.status, 400);
	ck_assert_uint_eq(o.attempts, 1);
	ck_assert_int_eq(o.had_xml, 0);
	ck_assert_int_eq(fake.requests, 1);
	fg_aws_stats(aws, &st);
	ck_assert_uint_eq(st.retries, 0);
	ck_assert_uint_eq(st.failed, 1);
	outcome_clear(&o);

	/* A 200 whose body does not parse: MalformedReply, not retried. */
	get_queue_url("garbled", &o);
	ck_assert_int_eq(o.cls, FG_ERR_FATAL);
	ck_assert_str_eq(o.code, "MalformedReply");
	ck_assert_msg(strstr(o.message, "not valid XML: line 1") != NULL, "%s", o.message);
	ck_assert_uint_eq(o.attempts, 1);
	outcome_clear(&o);
}
END_TEST

START_TEST(max_attempts_reached)
{
	struct outcome o = { 0 };
	struct fg_aws_stats st;

	get_queue_url("busy", &o);
	fake_all_good();
	ck_assert_int_eq(o.cls, FG_ERR_RETRYABLE);
	ck_assert_str_eq(o.code, "ServiceUnavailable");
	ck_assert_int_eq(o.status, 503);
	ck_assert_uint_eq(o.attempts, 3);
	ck_assert_int_eq(fake.requests, 3);
	fg_aws_stats(aws, &st);
	ck_assert_uint_eq(st.attempts, 3);
	ck_assert_uint_eq(st.retries, 2);
	ck_assert_uint_eq(st.throttled, 0);
	ck_assert_uint_eq(st.failed, 1);
	outcome_clear(&o);
}
END_TEST

START_TEST(clock_skew_corrected_from_the_reply_date)
{
	struct outcome o = { 0 };
	struct fg_aws_stats st;

	fake.offset_s = 3600;
	get_queue_url("fugue-test", &o);
	fake_all_good();
	ck_assert_int_eq(o.cls, FG_ERR_NONE);
	ck_assert_uint_eq(o.attempts, 2);
	ck_assert_int_eq(fake.skewed, 1);
	fg_aws_stats(aws, &st);
	ck_assert_msg(st.skew_ms > 3600000 - 2000 && st.skew_ms <= 3600000 + 1000,
	    "skew %lld", (long long)st.skew_ms);
	outcome_clear(&o);

	/* Later calls are signed with the correction from their first attempt. */
	get_queue_url("fugue-test", &o);
	ck_assert_int_eq(o.cls, FG_ERR_NONE);
	ck_assert_uint_eq(o.attempts, 1);
	ck_assert_int_eq(fake.skewed, 1);
	outcome_clear(&o);
}
END_TEST

START_TEST(transport_error_is_retried)
{
	struct outcome o = { 0 };
	char url[64];

	snprintf(url, sizeof(url), "http://127.0.0.1:%d", testsrv_closed_port());
	setenv("AWS_ENDPOINT_URL", url, 1);
	get_queue_url("fugue-test", &o);
	ck_assert_int_eq(o.cls, FG_ERR_RETRYABLE);
	ck_assert_int_eq(o.transport, FG_HTTP_ECONNECT);
	ck_assert_str_eq(o.code, "ConnectionFailed");
	ck_assert_int_eq(o.status, 0);
	ck_assert_uint_eq(o.attempts, 3);
	ck_assert_int_eq(fake.requests, 0);
	outcome_clear(&o);
}
END_TEST

START_TEST(endpoints_cached_per_service_and_region)
{
	struct fg_query q;
	struct fg_aws_req req;
	struct outcome o = { 0 };
	char url[64];

	get_queue_url("fugue-test", &o);
	ck_assert_int_eq(o.cls, FG_ERR_NONE);
	outcome_clear(&o);
	/* The endpoint of (sqs, eu-west-1) is kept; another region resolves anew. */
	snprintf(url, sizeof(url), "http://127.0.0.1:%d", testsrv_closed_port());
	setenv("AWS_ENDPOINT_URL", url, 1);
	get_queue_url("fugue-test", &o);
	ck_assert_int_eq(o.cls, FG_ERR_NONE);
	ck_assert_int_eq(fake.requests, 2);
	outcome_clear(&o);
	list_queues(&req, &q);
	call(&req, &o);
	ck_assert_int_eq(o.transport, FG_HTTP_ECONNECT);
	ck_assert_int_eq(fake.requests, 2);
	outcome_clear(&o);
	/* An unknown service fails without a request. */
	req.service = "nosuchservice";
	call(&req, &o);
	ck_assert_int_eq(o.cls, FG_ERR_FATAL);
	ck_assert_str_eq(o.code, "NoEndpoint");
	ck_assert_str_eq(o.message, "no endpoint known for service \"nosuchservice\"");
	ck_assert_uint_eq(o.attempts, 0);
	outcome_clear(&o);
	fg_query_free(&q);
}
END_TEST

START_TEST(plain_http_off_loopback_is_warned)
{
	struct fg_query q;
	struct fg_aws_req req;
	struct outcome o = { 0 };
	FILE *out = tmpfile();
	char url[64], *text;

	ck_assert_ptr_nonnull(out);
	log_set_stream(out);
	/* Loopback (localcloud): no warning. */
	get_queue_url("fugue-test", &o);
	outcome_clear(&o);
	text = file_text(out);
	ck_assert_ptr_null(strstr(text, "plain HTTP"));
	free(text);
	/* Another host (0.0.0.0 is this machine, but not by a loopback name): a warning. */
	snprintf(url, sizeof(url), "http://0.0.0.0:%s", strrchr(fake.url, ':') + 1);
	setenv("AWS_ENDPOINT_URL", url, 1);
	list_queues(&req, &q);
	call(&req, &o);
	outcome_clear(&o);
	fg_query_free(&q);
	log_set_stream(stderr);
	text = file_text(out);
	fclose(out);
	ck_assert_msg(strstr(text, "AWS endpoint http://0.0.0.0:") != NULL &&
	    strstr(text, "is plain HTTP to another machine") != NULL, "log: %s", text);
	free(text);
}
END_TEST

/* Records what an environment resolve said. */
static void
on_env_resolved(struct fg_aws_env *e, const char *err, void *arg)
{
	char **out = arg;

	(void)e;
	*out = fg_strdup(err ? err : "(none)");
	fg_loop_exit(loop);
}

START_TEST(missing_credentials_fail_with_the_chain_message)
{
	struct fg_aws_env *other;
	struct outcome o = { 0 };
	struct fg_aws_stats st;
	char *want = NULL;

	unsetenv("AWS_ACCESS_KEY_ID");
	unsetenv("AWS_SECRET_ACCESS_KEY");
	get_queue_url("fugue-test", &o);
	ck_assert_int_eq(o.cls, FG_ERR_FATAL);
	ck_assert_str_eq(o.code, "NoCredentials");
	ck_assert_uint_eq(o.attempts, 0);
	ck_assert_int_eq(o.status, 0);
	ck_assert_int_eq(fake.requests, 0);
	other = fg_aws_env_new(loop, http);
	fg_aws_env_resolve(other, on_env_resolved, &want);
	run_for(5000);
	ck_assert_ptr_nonnull(want);
	ck_assert_str_eq(o.message, want);
	ck_assert_msg(strncmp(want, "no AWS credentials: not in environment (AWS_ACCESS_KEY_ID)",
	    58) == 0 && strstr(want, "AWS_EC2_METADATA_DISABLED=true") != NULL, "%s", want);
	fg_aws_stats(aws, &st);
	ck_assert_uint_eq(st.failed, 1);
	ck_assert_uint_eq(st.attempts, 0);
	free(want);
	fg_aws_env_free(other);
	outcome_clear(&o);

	/* Credentials but no region: NoRegion, unless the request names its region. */
	setenv("AWS_ACCESS_KEY_ID", ACCESS_KEY, 1);
	setenv("AWS_SECRET_ACCESS_KEY", SECRET_KEY, 1);
	unsetenv("AWS_REGION");
	get_queue_url("fugue-test", &o);
	ck_assert_int_eq(o.cls, FG_ERR_FATAL);
	ck_assert_str_eq(o.code, "NoRegion");
	ck_assert_msg(strncmp(o.message, "no AWS region: ", 15) == 0, "%s", o.message);
	outcome_clear(&o);
}
END_TEST

/* Real clocks, and random numbers fixed at 0x80 bytes (fg_random_unit() = 0.502). */
static uint64_t
test_mono_ms(void *arg)
{
	struct timespec ts;

	(void)arg;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

/* The real wall clock. */
static int64_t
test_wall_ms(void *arg)
{
	struct timespec ts;

	(void)arg;
	clock_gettime(CLOCK_REALTIME, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Random bytes that are all 0x80. */
static void
test_random(void *arg, void *buf, size_t len)
{
	(void)arg;
	memset(buf, 0x80, len);
}

static const struct fg_clock_ops fixed_random = { test_mono_ms, test_wall_ms, test_random,
	NULL };

static int want_requests;

/* The fake server has seen want_requests requests. */
static int
fake_saw_enough(void)
{
	return fake.requests >= want_requests;
}

/* One call is waiting to retry. */
static int
one_retry_waiting(void)
{
	struct fg_aws_stats st;

	fg_aws_stats(aws, &st);
	return st.retries == 1;
}

/* Starts GetQueueUrl for a queue without waiting for it. */
static struct fg_aws_call *
start_get_queue_url(const char *name, struct outcome *o)
{
	struct fg_aws_call *c;
	struct fg_query q;
	struct fg_aws_req req;

	fg_query_init(&q);
	fg_query_add(&q, "Action", "GetQueueUrl");
	fg_query_add(&q, "QueueName", name);
	fg_query_add(&q, "Version", "2012-11-05");
	memset(&req, 0, sizeof(req));
	req.service = "sqs";
	req.proto = FG_PROTO_QUERY;
	req.params = &q;
	c = fg_aws_send(aws, &req, on_reply, o);
	fg_query_free(&q);
	return c;
}

START_TEST(cancel_and_free_drop_pending_calls)
{
	struct outcome hang = { 0 }, busy = { 0 }, fresh = { 0 }, cancelled = { 0 };
	struct outcome waiting = { 0 };
	struct fg_retry_config rc;
	struct fg_http_stats hs;
	struct fg_aws_call *c;

	/* A client whose retries wait 30 s (fixed randomness, 60 s backoff cap). */
	fg_aws_free(aws);
	fg_clock_set(&fixed_random);
	fg_retry_config_default(&rc);
	rc.base_ms = rc.max_backoff_ms = 60000;
	aws = fg_aws_new(loop, http, env, &rc);
	c = start_get_queue_url("hang", &hang);
	start_get_queue_url("busy", &busy);
	want_requests = 2;
	ck_assert(run_until(fake_saw_enough, 5000));
	ck_assert(run_until(one_retry_waiting, 5000));
	/* In flight: cancelled, its HTTP request too. */
	fg_aws_cancel(c);
	fg_http_client_stats(http, &hs);
	ck_assert_uint_eq(hs.in_flight, 0);
	/* Not started yet: cancelled before its first turn. */
	fg_aws_cancel(start_get_queue_url("fugue-test", &cancelled));
	/* Not started, waiting to retry: dropped by fg_aws_free. */
	start_get_queue_url("fugue-test", &fresh);
	fg_aws_free(aws);
	aws = NULL;
	run_for(50);
	ck_assert_int_eq(fake.requests, 2);
	ck_assert_int_eq(hang.calls + busy.calls + fresh.calls + cancelled.calls, 0);

	/* Waiting for the environment (instance metadata that never answers): dropped too, and
	 * the environment's late answer finds nothing. */
	fg_aws_env_free(env);
	unsetenv("AWS_ACCESS_KEY_ID");
	unsetenv("AWS_SECRET_ACCESS_KEY");
	unsetenv("AWS_EC2_METADATA_DISABLED");
	setenv("AWS_EC2_METADATA_SERVICE_ENDPOINT", fake.url, 1);
	fake.hang = 1;
	env = fg_aws_env_new(loop, http);
	aws = fg_aws_new(loop, http, env, &rc);
	start_get_queue_url("fugue-test", &waiting);
	want_requests = 3;
	ck_assert(run_until(fake_saw_enough, 5000));
	fg_aws_free(aws);
	aws = NULL;
	run_for(50);
	ck_assert_int_eq(waiting.calls, 0);
}
END_TEST

START_TEST(callback_may_free_the_client)
{
	struct outcome hang = { 0 }, first = { 0 };

	start_get_queue_url("hang", &hang);
	want_requests = 1;
	ck_assert(run_until(fake_saw_enough, 5000));
	first.free_client = 1;
	start_get_queue_url("fugue-test", &first);
	run_for(5000);
	ck_assert_int_eq(first.calls, 1);
	ck_assert_ptr_null(aws);
	run_for(50);
	ck_assert_int_eq(hang.calls, 0);
	outcome_clear(&first);
}
END_TEST

static Suite *
aws_suite(void)
{
	Suite *s = suite_create("aws");
	TCase *tc = tcase_create("core");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_set_timeout(tc, 30);
	tcase_add_test(tc, query_call_is_signed_and_its_xml_parsed);
	tcase_add_test(tc, json_call_with_session_token);
	tcase_add_test(tc, s3_put_get_list_path_style);
	tcase_add_test(tc, s3_virtual_style_stays_path_style_where_it_must);
	tcase_add_test(tc, throttled_twice_then_success);
	tcase_add_test(tc, non_retryable_error_ends_at_once);
	tcase_add_test(tc, max_attempts_reached);
	tcase_add_test(tc, clock_skew_corrected_from_the_reply_date);
	tcase_add_test(tc, transport_error_is_retried);
	tcase_add_test(tc, endpoints_cached_per_service_and_region);
	tcase_add_test(tc, plain_http_off_loopback_is_warned);
	tcase_add_test(tc, missing_credentials_fail_with_the_chain_message);
	tcase_add_test(tc, cancel_and_free_drop_pending_calls);
	tcase_add_test(tc, callback_may_free_the_client);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	SRunner *sr = srunner_create(aws_suite());
	int failed;

	srunner_run_all(sr, CK_ENV);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? 1 : 0;
}
