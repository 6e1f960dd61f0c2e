/* check_conductor_ddb.c: the Conductor store's DynamoDB calls (core/conductor/store.c) against
 * a fake DynamoDB on 127.0.0.1 that records each request and answers from a script:
 * conditional writes with versions, gets, paginated queries and scans, errors. */
#include "config.h"

#include <check.h>
#include <event2/buffer.h>
#include <event2/http.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "aws.h"
#include "awsenv.h"
#include "store.h"
#include "testsrv.h"

#define MAX_SCRIPT 8

/* The fake endpoint: its script of replies and what it was sent. */
struct fake {
	struct evhttp *http;
	int status[MAX_SCRIPT];
	const char *reply[MAX_SCRIPT];
	int nscript;
	int requests;
	char *target[MAX_SCRIPT];
	fg_json body[MAX_SCRIPT];
};

static struct fg_loop *loop;
static struct fg_http_client *http;
static struct fg_aws_env *env;
static struct fg_aws *aws;
static struct store *st;
static struct fake fake;

/* What a store callback saw. */
static struct {
	int calls;
	enum store_status status;
	int retryable;
	char *message;
	char *item;     /* the item of a get, as JSON text */
	size_t nitems;
	char *first;    /* the sk of the first and last items of a query */
	char *last;
	int64_t ver;
} out;

/* Answers a request from the script and records it. */
static void
fake_handle(struct evhttp_request *req, void *arg)
{
	struct evbuffer *in = evhttp_request_get_input_buffer(req), *b = evbuffer_new();
	const char *t = evhttp_find_header(evhttp_request_get_input_headers(req), "X-Amz-Target");
	size_t len = evbuffer_get_length(in);
	char *text = fg_malloc(len + 1), *err = NULL;
	int i = fake.requests++;

	(void)arg;
	evbuffer_remove(in, text, len);
	text[len] = '\0';
	ck_assert_int_lt(i, fake.nscript);
	fake.target[i] = fg_strdup(t ? t : "");
	fake.body[i] = fg_json_parse(text, len, &err);
	ck_assert_msg(fake.body[i] != NULL, "%s", err);
	free(text);
	evhttp_add_header(evhttp_request_get_output_headers(req), "Content-Type",
	    "application/x-amz-json-1.0");
	evbuffer_add(b, fake.reply[i], strlen(fake.reply[i]));
	evhttp_send_reply(req, fake.status[i], fake.status[i] < 300 ? "OK" : "Error", b);
	evbuffer_free(b);
}

/* Adds a reply to the script. */
static void
script(int status, const char *reply)
{
	fake.status[fake.nscript] = status;
	fake.reply[fake.nscript++] = reply;
}

/* Writes a JSON value as text (caller frees). */
static char *
json_text(fg_json v)
{
	struct fg_jw w;
	char *s;

	fg_jw_init(&w, 0);
	fg_jw_value(&w, v);
	s = fg_jw_detach(&w);
	fg_jw_free(&w);
	return s;
}

/* Records what a store operation answered, and stops the loop. */
static void
on_done(const struct store_reply *r, void *arg)
{
	(void)arg;
	out.calls++;
	out.status = r->status;
	out.retryable = r->retryable;
	out.message = r->message ? fg_strdup(r->message) : NULL;
	out.item = r->item ? json_text(r->item) : NULL;
	out.nitems = r->nitems;
	if (r->nitems) {
		out.first = fg_strdup(av_get_s(r->items[0], "sk"));
		out.last = fg_strdup(av_get_s(r->items[r->nitems - 1], "sk"));
	}
	out.ver = r->ver;
	fg_loop_exit(loop);
}

/* Stops the loop. */
static void
stop(void *arg)
{
	fg_loop_exit(arg);
}

/* Runs the loop for at most ms (a callback may stop it sooner). */
static void
run_for(uint64_t ms)
{
	struct fg_timer *t = fg_timer_new(loop, stop, loop);

	fg_timer_add(t, ms);
	fg_loop_run(loop);
	fg_timer_free(t);
}

/* Runs the loop until the operation's callback (at most 5 s). */
static void
wait_done(void)
{
	run_for(5000);
	ck_assert_int_eq(out.calls, 1);
}

/* A member of request i's body, as JSON text (caller frees), or NULL. */
static char *
sent(int i, const char *path)
{
	fg_json v = fg_json_path(fake.body[i], path);

	return v ? json_text(v) : NULL;
}

/* Expects request i's member at path to be the JSON text want. */
static void
expect_sent(int i, const char *path, const char *want)
{
	char *s = sent(i, path);

	ck_assert_msg(s != NULL, "request %d has no %s", i, path);
	ck_assert_str_eq(s, want);
	free(s);
}

/* Scratch environment, loop, client, fake endpoint, store with prefix "t1-". */
static void
setup(void)
{
	char url[64];
	int port;

	awsenv_setup();
	setenv("AWS_ACCESS_KEY_ID", "AKIDTEST", 1);
	setenv("AWS_SECRET_ACCESS_KEY", "secret", 1);
	setenv("AWS_REGION", "us-east-1", 1);
	setenv("AWS_EC2_METADATA_DISABLED", "true", 1);
	setenv("AWS_MAX_ATTEMPTS", "1", 1);
	memset(&fake, 0, sizeof(fake));
	memset(&out, 0, sizeof(out));
	loop = fg_loop_new();
	fake.http = evhttp_new(fg_loop_event_base(loop));
	port = testsrv_bind(fake.http);
	evhttp_set_gencb(fake.http, fake_handle, NULL);
	snprintf(url, sizeof(url), "http://127.0.0.1:%d", port);
	setenv("AWS_ENDPOINT_URL", url, 1);
	http = fg_http_client_new(loop, NULL);
	env = fg_aws_env_new(loop, http);
	aws = fg_aws_new(loop, http, env, NULL);
	st = store_new(aws, "t1-", NULL);
}

/* Frees what setup made. */
static void
teardown(void)
{
	int i;

	store_free(st);
	fg_aws_free(aws);
	fg_aws_env_free(env);
	fg_http_client_free(http);
	evhttp_free(fake.http);
	fg_loop_free(loop);
	for (i = 0; i < fake.requests; i++) {
		free(fake.target[i]);
		fg_json_free(fake.body[i]);
	}
	free(out.message);
	free(out.item);
	free(out.first);
	free(out.last);
	awsenv_teardown();
}

START_TEST(test_names)
{
	const char *h, *r;

	ck_assert_str_eq(store_table_name(st, STORE_PROCESSES), "t1-fugue-processes");
	ck_assert_str_eq(store_table_name(st, STORE_REQUESTS), "t1-fugue-requests");
	ck_assert_str_eq(store_table_base(STORE_HISTORY), "fugue-history");
	store_table_keys(STORE_USERS, &h, &r);
	ck_assert_str_eq(h, "pk");
	ck_assert_str_eq(r, "sk");
	store_table_keys(STORE_RESOURCES, &h, &r);
	ck_assert_str_eq(h, "fid");
	ck_assert_str_eq(r, "lid");
}
END_TEST

START_TEST(test_put_versioned)
{
	struct fg_jw w;

	script(200, "{}");
	store_item_begin(&w);
	av_s(&w, "pk", "process");
	av_s(&w, "sk", "f1");
	store_put(st, STORE_PROCESSES, &w, 3, on_done, NULL);
	ck_assert_int_eq(store_pending(st), 1);
	wait_done();
	ck_assert_int_eq(out.status, STORE_OK);
	ck_assert_int_eq(out.ver, 4);
	ck_assert_int_eq(store_pending(st), 0);
	ck_assert_str_eq(fake.target[0], "DynamoDB_20120810.PutItem");
	expect_sent(0, "TableName", "\"t1-fugue-processes\"");
	expect_sent(0, "Item", "{\"pk\":{\"S\":\"process\"},\"sk\":{\"S\":\"f1\"},"
	    "\"ver\":{\"N\":\"4\"}}");
	/* A known item: its version, never its absence (a late put must not bring it back). */
	expect_sent(0, "ConditionExpression", "\"ver = :ver\"");
	expect_sent(0, "ExpressionAttributeValues", "{\":ver\":{\"N\":\"3\"}}");
}
END_TEST

START_TEST(test_put_conflict)
{
	struct fg_jw w;

	script(400, "{\"__type\":\"com.amazonaws.dynamodb.v20120810#"
	    "ConditionalCheckFailedException\",\"message\":\"The conditional request failed\"}");
	store_item_begin(&w);
	av_s(&w, "fid", "f1");
	av_s(&w, "lid", "q");
	store_put(st, STORE_RESOURCES, &w, 0, on_done, NULL);
	wait_done();
	ck_assert_int_eq(out.status, STORE_CONFLICT);
	ck_assert_int_eq(out.retryable, 0);
	ck_assert_ptr_nonnull(strstr(out.message, "ConditionalCheckFailedException"));
	/* The resources table's key names the condition. */
	expect_sent(0, "ConditionExpression", "\"attribute_not_exists(fid)\"");
	ck_assert_ptr_null(fg_json_get(fake.body[0], "ExpressionAttributeValues"));
	expect_sent(0, "Item/ver", "{\"N\":\"1\"}");
}
END_TEST

START_TEST(test_put_plain)
{
	struct fg_jw w;

	script(200, "{}");
	store_item_begin(&w);
	av_s(&w, "pk", "f1");
	av_s(&w, "sk", "2026-11-27T05:40:00.000Z#00000000");
	store_put(st, STORE_HISTORY, &w, -1, on_done, NULL);
	wait_done();
	ck_assert_int_eq(out.status, STORE_OK);
	ck_assert_int_eq(out.ver, -1);
	ck_assert_ptr_null(fg_json_get(fake.body[0], "ConditionExpression"));
	ck_assert_ptr_null(fg_json_path(fake.body[0], "Item/ver"));
}
END_TEST

START_TEST(test_get)
{
	script(200, "{\"Item\":{\"pk\":{\"S\":\"user\"},\"sk\":{\"S\":\"root\"}}}");
	store_get(st, STORE_USERS, "user", "root", on_done, NULL);
	wait_done();
	ck_assert_int_eq(out.status, STORE_OK);
	ck_assert_str_eq(out.item, "{\"pk\":{\"S\":\"user\"},\"sk\":{\"S\":\"root\"}}");
	ck_assert_str_eq(fake.target[0], "DynamoDB_20120810.GetItem");
	expect_sent(0, "Key", "{\"pk\":{\"S\":\"user\"},\"sk\":{\"S\":\"root\"}}");
	expect_sent(0, "ConsistentRead", "true");
	expect_sent(0, "TableName", "\"t1-fugue-users\"");
}
END_TEST

START_TEST(test_get_missing)
{
	script(200, "{}");
	store_get(st, STORE_REQUESTS, "id1", "reply", on_done, NULL);
	wait_done();
	ck_assert_int_eq(out.status, STORE_NOT_FOUND);
	ck_assert_ptr_null(out.item);
}
END_TEST

START_TEST(test_error)
{
	script(500, "{\"__type\":\"com.amazonaws.dynamodb.v20120810#InternalServerError\","
	    "\"message\":\"boom\"}");
	store_get(st, STORE_USERS, "user", "root", on_done, NULL);
	wait_done();
	ck_assert_int_eq(out.status, STORE_ERROR);
	ck_assert_int_eq(out.retryable, 1);
	ck_assert_ptr_nonnull(strstr(out.message, "boom"));
}
END_TEST

START_TEST(test_delete_update)
{
	struct fg_jw w;

	script(200, "{}");
	store_delete(st, STORE_PROCESSES, "process", "f1", 2, on_done, NULL);
	wait_done();
	ck_assert_str_eq(fake.target[0], "DynamoDB_20120810.DeleteItem");
	expect_sent(0, "Key", "{\"pk\":{\"S\":\"process\"},\"sk\":{\"S\":\"f1\"}}");
	expect_sent(0, "ExpressionAttributeValues", "{\":ver\":{\"N\":\"2\"}}");
	out.calls = 0;
	script(200, "{}");
	store_values_begin(&w);
	av_s(&w, ":s", "ready");
	store_update(st, STORE_RESOURCES, "f1", "q", "#s = :s", &w, 5, on_done, NULL);
	wait_done();
	ck_assert_int_eq(out.status, STORE_OK);
	ck_assert_int_eq(out.ver, 6);
	ck_assert_str_eq(fake.target[1], "DynamoDB_20120810.UpdateItem");
	expect_sent(1, "Key", "{\"fid\":{\"S\":\"f1\"},\"lid\":{\"S\":\"q\"}}");
	expect_sent(1, "UpdateExpression", "\"SET #s = :s, ver = :newver\"");
	expect_sent(1, "ConditionExpression", "\"attribute_exists(fid) AND ver = :ver\"");
	expect_sent(1, "ExpressionAttributeValues", "{\":s\":{\"S\":\"ready\"},"
	    "\":ver\":{\"N\":\"5\"},\":newver\":{\"N\":\"6\"}}");
}
END_TEST

START_TEST(test_query_pages)
{
	struct store_query q = { .pk = "f1", .sk_min = "a", .sk_max = "z", .backward = 1 };

	script(200, "{\"Items\":[{\"sk\":{\"S\":\"y\"}},{\"sk\":{\"S\":\"x\"}}],"
	    "\"LastEvaluatedKey\":{\"pk\":{\"S\":\"f1\"},\"sk\":{\"S\":\"x\"}}}");
	script(200, "{\"Items\":[{\"sk\":{\"S\":\"w\"}}],"
	    "\"LastEvaluatedKey\":{\"pk\":{\"S\":\"f1\"},\"sk\":{\"S\":\"w\"}}}");
	script(200, "{\"Items\":[{\"sk\":{\"S\":\"b\"}}]}");
	store_query(st, STORE_HISTORY, &q, on_done, NULL);
	wait_done();
	ck_assert_int_eq(out.status, STORE_OK);
	ck_assert_int_eq(out.nitems, 4);
	ck_assert_str_eq(out.first, "y");
	ck_assert_str_eq(out.last, "b");
	ck_assert_int_eq(fake.requests, 3);
	ck_assert_str_eq(fake.target[0], "DynamoDB_20120810.Query");
	expect_sent(0, "KeyConditionExpression", "\"pk = :pk AND sk BETWEEN :skmin AND :skmax\"");
	expect_sent(0, "ExpressionAttributeValues", "{\":pk\":{\"S\":\"f1\"},"
	    "\":skmin\":{\"S\":\"a\"},\":skmax\":{\"S\":\"z\"}}");
	expect_sent(0, "ScanIndexForward", "false");
	ck_assert_ptr_null(fg_json_get(fake.body[0], "ExclusiveStartKey"));
	expect_sent(1, "ExclusiveStartKey", "{\"pk\":{\"S\":\"f1\"},\"sk\":{\"S\":\"x\"}}");
	expect_sent(2, "ExclusiveStartKey", "{\"pk\":{\"S\":\"f1\"},\"sk\":{\"S\":\"w\"}}");
}
END_TEST

START_TEST(test_query_limit)
{
	struct store_query q = { .pk = "process", .limit = 2 };

	/* The limit stops paging and trims the page. */
	script(200,
	       "{\"Items\":[{\"sk\":{\"S\":\"a\"}},{\"sk\":{\"S\":\"b\"}},{\"sk\":{\"S\":\"c\"}}],"
	       "\"LastEvaluatedKey\":{\"pk\":{\"S\":\"process\"},\"sk\":{\"S\":\"c\"}}}");
	store_query(st, STORE_PROCESSES, &q, on_done, NULL);
	wait_done();
	ck_assert_int_eq(out.nitems, 2);
	ck_assert_str_eq(out.last, "b");
	ck_assert_int_eq(fake.requests, 1);
	expect_sent(0, "Limit", "2");
	expect_sent(0, "KeyConditionExpression", "\"pk = :pk\"");
}
END_TEST

START_TEST(test_scan)
{
	struct store_query q = { .sk_min = "2026", .scan = 1 };

	script(200,
	       "{\"Items\":[],\"LastEvaluatedKey\":{\"pk\":{\"S\":\"f\"},\"sk\":{\"S\":\"s\"}}}");
	script(200, "{\"Items\":[{\"sk\":{\"S\":\"2027\"}}]}");
	store_query(st, STORE_HISTORY, &q, on_done, NULL);
	wait_done();
	ck_assert_int_eq(out.nitems, 1);
	ck_assert_str_eq(fake.target[0], "DynamoDB_20120810.Scan");
	expect_sent(0, "FilterExpression", "\"sk >= :skmin\"");
	expect_sent(0, "ExpressionAttributeValues", "{\":skmin\":{\"S\":\"2026\"}}");
	ck_assert_ptr_null(fg_json_get(fake.body[0], "KeyConditionExpression"));
	expect_sent(1, "ExclusiveStartKey", "{\"pk\":{\"S\":\"f\"},\"sk\":{\"S\":\"s\"}}");
}
END_TEST

START_TEST(test_bad_page)
{
	struct store_query q = { .pk = "process" };

	script(200, "{\"Items\":[}");
	store_query(st, STORE_PROCESSES, &q, on_done, NULL);
	wait_done();
	ck_assert_int_eq(out.status, STORE_ERROR);
	ck_assert_ptr_nonnull(out.message);
}
END_TEST

START_TEST(test_free_pending)
{
	struct fg_jw w;

	/* Freeing the store cancels what is in flight without calling back. */
	script(200, "{}");
	store_item_begin(&w);
	av_s(&w, "pk", "a");
	av_s(&w, "sk", "b");
	store_put(st, STORE_USERS, &w, 0, on_done, NULL);
	store_free(st);
	st = NULL;
	run_for(200);
	ck_assert_int_eq(out.calls, 0);
}
END_TEST

/* The suite. */
static Suite *
ddb_suite(void)
{
	Suite *s = suite_create("conductor_ddb");
	TCase *tc = tcase_create("dynamodb");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_names);
	tcase_add_test(tc, test_put_versioned);
	tcase_add_test(tc, test_put_conflict);
	tcase_add_test(tc, test_put_plain);
	tcase_add_test(tc, test_get);
	tcase_add_test(tc, test_get_missing);
	tcase_add_test(tc, test_error);
	tcase_add_test(tc, test_delete_update);
	tcase_add_test(tc, test_query_pages);
	tcase_add_test(tc, test_query_limit);
	tcase_add_test(tc, test_scan);
	tcase_add_test(tc, test_bad_page);
	tcase_add_test(tc, test_free_pending);
	suite_add_tcase(s, tc);
	return s;
}

/* Runs the suite. */
int
main(void)
{
	SRunner *sr = srunner_create(ddb_suite());
	int failed;

	srunner_run_all(sr, CK_ENV);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed != 0;
}
