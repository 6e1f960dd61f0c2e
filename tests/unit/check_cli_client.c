/* check_cli_client.c: unit tests for the CLI's request/reply path (cli/client.c) and commands
 * end to end, against an in-process localcloud and a fake Conductor on the same loop: the
 * Conductor side reads the request queue, checks the HMAC, and answers as a test scenario says
 * (a result, an error, strays first, garbage, nothing). */
#include "config.h"

#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "aws.h"
#include "cli_testlib.h"
#include "cmd.h"
#include "lc_testlib.h"
#include "sigv4.h"

#define SECRET "0123456789abcdef-test"

/* What the fake Conductor does with a request (SWALLOW_FIRST: nothing with the first one, as
 * when a Conductor killed during its long poll took it). */
enum scenario { ANSWER, STRAYS_FIRST, SILENT, SWALLOW_FIRST };

struct fake {
	struct fg_loop *loop;
	struct lc_server *srv;
	struct fg_http_client *http;
	struct fg_aws_env *env;
	struct fg_aws *aws;
	char *prefix;
	char *queue_url;          /* the request queue */
	struct fg_aws_call *poll;
	enum scenario scenario;
	const char *result;       /* the result to answer, JSON */
	const char *error_code;   /* or an error */
	/* What it saw. */
	int requests;
	int bad_hmac;
	char *command;
	char *args;               /* JSON text */
	char *reply_to;
	int dry_run;
	char *ids[2];             /* the ids of the first two requests */
	/* Replies to send, one after the other. */
	char *outbox[4];
	int nout;
	char *out_to;
	int sending;
};

static struct fake fk;
static char tmp[] = "/tmp/fugue-cliclient.XXXXXX";
static char *cwd_saved;

/* --- synchronous calls of the test itself */

struct sync {
	int done;
	int ok;
	char *body;
	char *code;
};

/* A call of the test ended. */
static void
on_sync(const struct fg_aws_reply *rep, void *arg)
{
	struct sync *s = arg;

	s->done = 1;
	s->ok = rep->err.cls == FG_ERR_NONE;
	s->body = fg_strndup(rep->body ? rep->body : "", rep->body_len);
	s->code = rep->err.code ? fg_strdup(rep->err.code) : NULL;
	fg_loop_exit(fk.loop);
}

/* Sends a call and runs the loop until it ends; returns the body (caller frees). */
static char *
sync_call(const struct fg_aws_req *req, int *ok)
{
	struct sync s = { 0 };

	fg_aws_send(fk.aws, req, on_sync, &s);
	while (!s.done)
		fg_loop_run(fk.loop);
	if (ok)
		*ok = s.ok;
	free(s.code);
	return s.body;
}

/* An SQS call of the test (JSON protocol). */
static char *
sqs(const char *action, const char *body, int *ok)
{
	struct fg_aws_req req;
	char *target = fg_printf("AmazonSQS.%s", action), *r;

	memset(&req, 0, sizeof(req));
	req.service = "sqs";
	req.proto = FG_PROTO_JSON;
	req.target = target;
	req.body = body;
	req.body_len = strlen(body);
	r = sync_call(&req, ok);
	free(target);
	return r;
}

/* An S3 call of the test. */
static char *
s3(const char *method, const char *bucket, const char *key, const char *body, int *ok)
{
	struct fg_aws_req req;

	memset(&req, 0, sizeof(req));
	req.service = "s3";
	req.proto = FG_PROTO_REST_XML;
	req.method = method;
	req.bucket = bucket;
	req.key = key;
	req.body = body;
	req.body_len = body ? strlen(body) : 0;
	req.raw_reply = strcmp(method, "GET") == 0;
	return sync_call(&req, ok);
}

/* The reply queues that exist now. */
static int
reply_queues(void)
{
	char *q = fg_printf("{\"QueueNamePrefix\":\"%sfugue-reply-\"}", fk.prefix), *err = NULL;
	char *body = sqs("ListQueues", q, NULL);
	fg_json doc = fg_json_parse(body, strlen(body), &err);
	int n = (int)fg_json_len(fg_json_get(doc, "QueueUrls"));

	fg_json_free(doc);
	free(body);
	free(q);
	return n;
}

/* --- the fake Conductor */

static void fake_poll(void);

/* Sends the next reply of the outbox. */
static void
on_sent(const struct fg_aws_reply *rep, void *arg)
{
	struct fg_aws_req req;
	struct fg_jw w;
	int i;

	(void)rep;
	(void)arg;
	if (fk.nout == 0) {
		fk.sending = 0;
		return;
	}
	fg_jw_init(&w, 0);
	fg_jw_obj(&w);
	fg_jw_kstr(&w, "QueueUrl", fk.out_to);
	fg_jw_kstr(&w, "MessageBody", fk.outbox[0]);
	fg_jw_end_obj(&w);
	free(fk.outbox[0]);
	for (i = 1; i < fk.nout; i++)
		fk.outbox[i - 1] = fk.outbox[i];
	fk.nout--;
	memset(&req, 0, sizeof(req));
	req.service = "sqs";
	req.proto = FG_PROTO_JSON;
	req.target = "AmazonSQS.SendMessage";
	req.body = fg_jw_text(&w);
	req.body_len = strlen(req.body);
	fk.sending = 1;
	fg_aws_send(fk.aws, &req, on_sent, NULL);
	fg_jw_free(&w);
}

/* A request message was deleted. */
static void
on_deleted(const struct fg_aws_reply *rep, void *arg)
{
	(void)rep;
	(void)arg;
}

/* A reply for request id: the scenario's result or error. */
static char *
reply_for(const char *id)
{
	if (fk.error_code)
		return fg_printf("{\"v\":1,\"id\":\"%s\",\"ok\":false,\"error\":{\"code\":\"%s\","
		    "\"message\":\"no process with alias \\\"web\\\"\"}}", id, fk.error_code);
	return fg_printf("{\"v\":1,\"id\":\"%s\",\"ok\":true,\"result\":%s}", id, fk.result);
}

/* Handles one request message as a Conductor would (the checks that matter here). */
static void
fake_handle(const char *text)
{
	char *err = NULL, mac[65], *a;
	fg_json env = fg_json_parse(text, strlen(text), &err), body;
	const char *b, *id;
	struct fg_jw w;

	ck_assert_msg(env != NULL, "%s", err);
	b = fg_json_str(fg_json_get(env, "body"));
	ck_assert_ptr_nonnull(b);
	envelope_hmac(SECRET, b, strlen(b), mac);
	fk.bad_hmac += strcmp(mac, fg_json_str(fg_json_get(env, "hmac"))) != 0;
	ck_assert_str_eq(fg_json_str(fg_json_get(env, "user")), "tester");
	body = fg_json_parse(b, strlen(b), &err);
	ck_assert_ptr_nonnull(body);
	fk.requests++;
	free(fk.command);
	free(fk.args);
	free(fk.reply_to);
	fk.command = fg_strdup(fg_json_str(fg_json_get(body, "command")));
	fk.reply_to = fg_strdup(fg_json_str(fg_json_get(body, "reply_to")));
	fg_json_bool(fg_json_get(body, "dry_run"), &fk.dry_run);
	fg_jw_init(&w, 0);
	fg_jw_value(&w, fg_json_get(body, "args"));
	fk.args = fg_jw_detach(&w);
	fg_jw_free(&w);
	id = fg_json_str(fg_json_get(body, "id"));
	if (fk.requests <= 2)
		fk.ids[fk.requests - 1] = fg_strdup(id);
	if (fk.scenario != SILENT && (fk.scenario != SWALLOW_FIRST || fk.requests > 1)) {
		free(fk.out_to);
		fk.out_to = fg_strdup(fk.reply_to);
		if (fk.scenario == STRAYS_FIRST) {
			fk.outbox[fk.nout++] = fg_strdup("{\"v\":1,\"id\":\"someone-else\",\"ok\":true,"
			    "\"result\":{}}");
			fk.outbox[fk.nout++] = fg_strdup("garbage, not JSON");
		}
		a = reply_for(id);
		fk.outbox[fk.nout++] = a;
		if (!fk.sending)
			on_sent(NULL, NULL);
	}
	fg_json_free(body);
	fg_json_free(env);
}

/* The request queue answered a long poll. */
static void
on_poll(const struct fg_aws_reply *rep, void *arg)
{
	fg_json msgs = fg_json_get(rep->json, "Messages");
	struct fg_aws_req req;
	struct fg_jw w;
	size_t i;

	(void)arg;
	fk.poll = NULL;
	for (i = 0; i < fg_json_len(msgs); i++) {
		fake_handle(fg_json_str(fg_json_get(fg_json_at(msgs, i), "Body")));
		fg_jw_init(&w, 0);
		fg_jw_obj(&w);
		fg_jw_kstr(&w, "QueueUrl", fk.queue_url);
		fg_jw_kstr(&w, "ReceiptHandle",
		    fg_json_str(fg_json_get(fg_json_at(msgs, i), "ReceiptHandle")));
		fg_jw_end_obj(&w);
		memset(&req, 0, sizeof(req));
		req.service = "sqs";
		req.proto = FG_PROTO_JSON;
		req.target = "AmazonSQS.DeleteMessage";
		req.body = fg_jw_text(&w);
		req.body_len = strlen(req.body);
		fg_aws_send(fk.aws, &req, on_deleted, NULL);
		fg_jw_free(&w);
	}
	fake_poll();
}

/* Long-polls the request queue. */
static void
fake_poll(void)
{
	struct fg_aws_req req;
	char *body = fg_printf("{\"QueueUrl\":\"%s\",\"WaitTimeSeconds\":1,"
	    "\"MaxNumberOfMessages\":10}", fk.queue_url);

	memset(&req, 0, sizeof(req));
	req.service = "sqs";
	req.proto = FG_PROTO_JSON;
	req.target = "AmazonSQS.ReceiveMessage";
	req.body = body;
	req.body_len = strlen(body);
	fk.poll = fg_aws_send(fk.aws, &req, on_poll, NULL);
	free(body);
}

/* Starts the fake Conductor with a name prefix: its request queue, then its long poll. */
static void
fake_start(const char *prefix)
{
	char *q = fg_printf("{\"QueueName\":\"%sfugue-requests\"}", prefix), *body, *err = NULL;
	fg_json doc;
	int ok;

	free(fk.prefix);
	fk.prefix = fg_strdup(prefix);
	body = sqs("CreateQueue", q, &ok);
	ck_assert_msg(ok, "%s", body);
	doc = fg_json_parse(body, strlen(body), &err);
	free(fk.queue_url);
	fk.queue_url = fg_strdup(fg_json_str(fg_json_get(doc, "QueueUrl")));
	fg_json_free(doc);
	free(body);
	free(q);
	fake_poll();
}

/* --- fixture */

/* A scratch directory (HOME, the working directory), localcloud in-process, the test's client. */
static void
setup(void)
{
	char *url, *p;

	memset(&fk, 0, sizeof(fk));
	strcpy(tmp, "/tmp/fugue-cliclient.XXXXXX");
	ck_assert_ptr_nonnull(mkdtemp(tmp));
	cwd_saved = getcwd(NULL, 0);
	ck_assert_int_eq(chdir(tmp), 0);
	setenv("HOME", tmp, 1);
	p = fg_printf("%s/cache", tmp);
	setenv("XDG_CACHE_HOME", p, 1);
	free(p);
	fk.loop = fg_loop_new();
	fk.srv = lct_server(fk.loop, NULL, NULL);
	url = fg_printf("http://127.0.0.1:%d", lc_server_port(fk.srv));
	setenv("AWS_ENDPOINT_URL", url, 1);
	free(url);
	setenv("AWS_ACCESS_KEY_ID", LC_DEFAULT_ACCESS_KEY, 1);
	setenv("AWS_SECRET_ACCESS_KEY", LC_DEFAULT_SECRET_KEY, 1);
	setenv("AWS_REGION", "us-east-1", 1);
	setenv("AWS_EC2_METADATA_DISABLED", "true", 1);
	setenv("AWS_CONFIG_FILE", "/dev/null", 1);
	setenv("AWS_SHARED_CREDENTIALS_FILE", "/dev/null", 1);
	unsetenv("AWS_PROFILE");
	unsetenv("FUGUE_PREFIX");
	unsetenv("FUGUE_TIMEOUT");
	setenv("TZ", "UTC", 1);
	fk.http = fg_http_client_new(fk.loop, NULL);
	fk.env = fg_aws_env_new(fk.loop, fk.http);
	fk.aws = fg_aws_new(fk.loop, fk.http, fk.env, NULL);
	fk.result = "{\"processes\":[]}";
}

/* Everything setup made, freed and removed. */
static void
teardown(void)
{
	char *cmd = fg_printf("rm -rf '%s'", tmp);
	int i;

	fg_aws_free(fk.aws);
	fg_aws_env_free(fk.env);
	fg_http_client_free(fk.http);
	lc_server_free(fk.srv);
	fg_loop_free(fk.loop);
	for (i = 0; i < fk.nout; i++)
		free(fk.outbox[i]);
	free(fk.prefix);
	free(fk.queue_url);
	free(fk.command);
	free(fk.args);
	free(fk.reply_to);
	free(fk.out_to);
	free(fk.ids[0]);
	free(fk.ids[1]);
	ck_assert_int_eq(chdir(cwd_saved), 0);
	free(cwd_saved);
	ck_assert_int_eq(system(cmd), 0);
	free(cmd);
}

/* Settings as fugue.yaml and the credentials file would give them. */
static struct cli_config *
settings(const char *prefix, int64_t timeout)
{
	struct cli_config *c = fg_calloc(1, sizeof(*c));

	c->prefix = fg_strdup(prefix);
	c->timeout = timeout;
	c->user = fg_strdup("tester");
	c->secret = fg_strdup(SECRET);
	return c;
}

START_TEST(round_trip)
{
	struct cli_config *cfg = settings("", 10);
	struct client *cl;
	struct reply rep;
	char *err = NULL;

	fake_start("");
	cl = client_new(fk.loop, cfg, NULL);
	ck_assert_int_eq(client_request(cl, "status", 0, "{\"process\":\"web\"}", &rep, &err),
	    EXIT_OK);
	ck_assert_int_eq(rep.ok, 1);
	ck_assert(YAJL_IS_ARRAY(fg_json_get(rep.result, "processes")));
	reply_free(&rep);
	ck_assert_int_eq(fk.requests, 1);
	ck_assert_int_eq(fk.bad_hmac, 0);
	ck_assert_str_eq(fk.command, "status");
	ck_assert_str_eq(fk.args, "{\"process\":\"web\"}");
	ck_assert_ptr_nonnull(strstr(fk.reply_to, "/000000000000/fugue-reply-"));
	ck_assert_int_eq(strlen(strstr(fk.reply_to, "fugue-reply-")), 12 + 32);
	/* A second request reuses the reply queue. */
	ck_assert_int_eq(client_request(cl, "status", 0, NULL, &rep, &err), EXIT_OK);
	reply_free(&rep);
	ck_assert_int_eq(fk.requests, 2);
	ck_assert_int_eq(reply_queues(), 1);
	client_free(cl);
	ck_assert_int_eq(reply_queues(), 0);
	config_free(cfg);
}
END_TEST

START_TEST(error_reply)
{
	struct cli_config *cfg = settings("", 10);
	struct client *cl;
	struct reply rep;
	char *err = NULL;

	fake_start("");
	fk.error_code = "NotFound";
	cl = client_new(fk.loop, cfg, NULL);
	ck_assert_int_eq(client_request(cl, "status", 0, NULL, &rep, &err), EXIT_OK);
	ck_assert_int_eq(rep.ok, 0);
	ck_assert_str_eq(rep.code, "NotFound");
	reply_free(&rep);
	client_free(cl);
	config_free(cfg);
}
END_TEST

START_TEST(strays_are_read_and_deleted)
{
	struct cli_config *cfg = settings("", 10);
	struct client *cl;
	struct reply rep;
	char *err = NULL, *q, *body;
	int ok;

	fake_start("");
	fk.scenario = STRAYS_FIRST;
	cl = client_new(fk.loop, cfg, NULL);
	ck_assert_int_eq(client_request(cl, "status", 0, NULL, &rep, &err), EXIT_OK);
	ck_assert_int_eq(rep.ok, 1);
	reply_free(&rep);
	/* Nothing is left in the reply queue, visible or in flight. */
	q = fg_printf("{\"QueueUrl\":\"%s\",\"AttributeNames\":[\"All\"]}", fk.reply_to);
	body = sqs("GetQueueAttributes", q, &ok);
	ck_assert_msg(ok, "%s", body);
	ck_assert_msg(strstr(body, "\"ApproximateNumberOfMessages\":\"0\"") != NULL, "%s", body);
	ck_assert_msg(strstr(body, "\"ApproximateNumberOfMessagesNotVisible\":\"0\"") != NULL, "%s",
	    body);
	free(body);
	free(q);
	client_free(cl);
	config_free(cfg);
}
END_TEST

START_TEST(timeout_when_nobody_answers)
{
	struct cli_config *cfg = settings("t1-", 1);
	struct client *cl;
	struct reply rep;
	char *err = NULL, *want;
	uint64_t t0;

	fake_start("t1-");
	fk.scenario = SILENT;
	cl = client_new(fk.loop, cfg, NULL);
	t0 = fg_mono_ms();
	ck_assert_int_eq(client_request(cl, "status", 0, NULL, &rep, &err), EXIT_NO_REPLY);
	ck_assert_uint_ge(fg_mono_ms() - t0, 900);
	ck_assert_uint_lt(fg_mono_ms() - t0, 4000);
	want = fg_printf("no reply from the Conductor in 1 s: is it running? (t1-fugue-requests "
	    "queue at %s)", fk.queue_url);
	ck_assert_str_eq(err, want);
	ck_assert_ptr_nonnull(strstr(fk.reply_to, "/t1-fugue-reply-"));
	free(want);
	free(err);
	client_free(cl);
	ck_assert_int_eq(reply_queues(), 0);
	config_free(cfg);
}
END_TEST

START_TEST(resent_when_unanswered)
{
	struct cli_config *cfg = settings("t2-", 4);
	struct client *cl;
	struct reply rep;
	char *err = NULL;
	uint64_t t0;

	fake_start("t2-");
	fk.scenario = SWALLOW_FIRST;
	cl = client_new(fk.loop, cfg, NULL);
	t0 = fg_mono_ms();
	ck_assert_int_eq(client_request(cl, "status", 0, NULL, &rep, &err), EXIT_OK);
	/* Sent again after a quarter of the timeout, with the same id and a valid HMAC. */
	ck_assert_uint_ge(fg_mono_ms() - t0, 900);
	ck_assert_uint_lt(fg_mono_ms() - t0, 3500);
	ck_assert_int_eq(rep.ok, 1);
	reply_free(&rep);
	ck_assert_int_eq(fk.requests, 2);
	ck_assert_int_eq(fk.bad_hmac, 0);
	ck_assert_str_eq(fk.ids[0], fk.ids[1]);
	client_free(cl);
	ck_assert_int_eq(reply_queues(), 0);
	config_free(cfg);
}
END_TEST

START_TEST(no_conductor)
{
	struct cli_config *cfg = settings("nope-", 10);
	struct client *cl;
	struct reply rep;
	char *err = NULL;

	fake_start("");
	cl = client_new(fk.loop, cfg, NULL);
	ck_assert_int_eq(client_request(cl, "status", 0, NULL, &rep, &err), EXIT_NO_REPLY);
	ck_assert_msg(strncmp(err, "no Conductor: the request queue nope-fugue-requests does not "
	    "exist in us-east-1 at http://127.0.0.1:", 98) == 0, "%s", err);
	free(err);
	client_free(cl);
	free(fk.prefix);
	fk.prefix = fg_strdup("nope-");
	ck_assert_int_eq(reply_queues(), 0);
	config_free(cfg);
}
END_TEST

START_TEST(account_and_upload)
{
	struct cli_config *cfg = settings("", 10);
	const char *acct, *region;
	struct client *cl;
	char *err = NULL, *body, *path;
	struct stat st;
	int ok;

	cl = client_new(fk.loop, cfg, NULL);
	/* No bucket yet: no Conductor. */
	ck_assert_int_eq(client_put(cl, "compositions/x.json", "application/json", "{}", 2, &err),
	    EXIT_NO_REPLY);
	ck_assert_msg(strstr(err, "no Conductor: its bucket fugue-000000000000-us-east-1 does "
	    "not exist") != NULL, "%s", err);
	free(err);
	err = NULL;
	ck_assert_int_eq(client_account(cl, &acct, &region, &err), EXIT_OK);
	ck_assert_str_eq(acct, "000000000000");
	ck_assert_str_eq(region, "us-east-1");
	free(s3("PUT", "fugue-000000000000-us-east-1", NULL, NULL, &ok));
	ck_assert(ok);
	ck_assert_int_eq(client_put(cl, "compositions/x.json", "application/json", "{\"a\":1}", 7,
	    &err), EXIT_OK);
	body = s3("GET", "fugue-000000000000-us-east-1", "compositions/x.json", NULL, &ok);
	ck_assert(ok);
	ck_assert_str_eq(body, "{\"a\":1}");
	free(body);
	client_free(cl);

	/* The account was cached (one file per access key and endpoint); a new client reads it
	 * from there instead of asking STS. */
	path = fg_printf("%s/cache/fugue", tmp);
	ck_assert_int_eq(stat(path, &st), 0);
	ck_assert_int_eq(st.st_mode & 0777, 0700);
	free(path);
	path = fg_printf("for f in %s/cache/fugue/account-*; do test \"$(cat $f)\" = "
	    "000000000000 && echo 123456789012 > $f; done", tmp);
	ck_assert_int_eq(system(path), 0);
	free(path);
	cl = client_new(fk.loop, cfg, NULL);
	ck_assert_int_eq(client_account(cl, &acct, &region, &err), EXIT_OK);
	ck_assert_str_eq(acct, "123456789012");
	client_free(cl);
	/* A damaged cache is ignored. */
	path = fg_printf("for f in %s/cache/fugue/account-*; do echo 'not an account' > $f; done",
	    tmp);
	ck_assert_int_eq(system(path), 0);
	free(path);
	cl = client_new(fk.loop, cfg, NULL);
	ck_assert_int_eq(client_account(cl, &acct, &region, &err), EXIT_OK);
	ck_assert_str_eq(acct, "000000000000");
	client_free(cl);
	config_free(cfg);
}
END_TEST

#define FUGUE(out, err, ...) \
	clit_run(fk.loop, out, err, (const char *const[]){ "fugue", __VA_ARGS__, NULL })

/* fugue.yaml and the credentials file in the working directory. */
static void
write_settings(void)
{
	FILE *f = fopen("fugue.yaml", "w");

	ck_assert_ptr_nonnull(f);
	fprintf(f, "region: us-east-1\ntimeout: 10\n");
	fclose(f);
	ck_assert_ptr_nonnull(f = fopen("fugue-credentials", "w"));
	fprintf(f, "user: tester\nsecret: %s\n", SECRET);
	fclose(f);
	chmod("fugue-credentials", 0600);
}

static const char process[] =
    "{\"fid\":\"3f0c8a52-1b2c-4d5e-8f90-a1b2c3d4e5f6\",\"alias\":\"web\",\"state\":\"%s\","
    "\"account\":\"000000000000\",\"region\":\"us-east-1\","
    "\"created\":\"2026-11-27T05:40:00.123Z\",\"updated\":\"2026-11-27T05:41:02.000Z\","
    "\"composition\":\"ab\",\"properties\":{\"alias\":\"web\",\"lock\":\"off\"},"
    "\"last_message\":\"ok\",\"resources\":{}%s}";

START_TEST(commands_end_to_end)
{
	char *out, *err, *res;

	write_settings();
	fake_start("");
	ck_assert_int_eq(FUGUE(&out, &err, "status"), EXIT_OK);
	ck_assert_str_eq(out, "No processes.\n");
	ck_assert_str_eq(err, "");
	free(out);
	free(err);

	res = fg_printf(process, "Killing", "");
	fk.result = res;
	ck_assert_int_eq(FUGUE(&out, &err, "kill", "web", "-y"), EXIT_OK);
	ck_assert_str_eq(fk.command, "kill");
	ck_assert_str_eq(fk.args, "{\"process\":\"web\"}");
	ck_assert_int_eq(fk.dry_run, 0);
	ck_assert_str_eq(out,
	    "State    Updated              Created              Account       FID                  "
	    "                 Alias  Last Message\n"
	    "Killing  2026-11-27 05:41:02  2026-11-27 05:40:00  000000000000  3f0c8a52-1b2c-4d5e-8f9"
	    "0-a1b2c3d4e5f6  web    ok\n");
	free(out);
	free(err);

	ck_assert_int_eq(FUGUE(&out, &err, "property", "web", "lock", "--set", "on"), EXIT_OK);
	ck_assert_str_eq(fk.command, "property-set");
	ck_assert_str_eq(fk.args, "{\"process\":\"web\",\"key\":\"lock\",\"value\":\"on\"}");
	ck_assert_str_eq(out, "Property  Value\nalias     web\nlock      off\n");
	free(out);
	free(err);
	free(res);

	fk.result = "{\"fid\":\"f\",\"plan\":[{\"action\":\"delete\",\"logical_id\":\"jobs\","
	    "\"type\":\"AWS.SQS.Queue\"}]}";
	ck_assert_int_eq(FUGUE(&out, &err, "kill", "--dry-run", "web"), EXIT_OK);
	ck_assert_int_eq(fk.dry_run, 1);
	ck_assert_str_eq(out, "Action  Logical ID  Type\ndelete  jobs        AWS.SQS.Queue\n");
	free(out);
	free(err);

	ck_assert_int_eq(FUGUE(&out, &err, "history", "-s", "2026-11-01", "-n", "5", "web"),
	    EXIT_OK);
	ck_assert_str_eq(fk.command, "history");
	ck_assert_str_eq(fk.args, "{\"process\":\"web\",\"start\":\"2026-11-01T00:00:00Z\","
	    "\"limit\":5}");
	free(out);
	free(err);

	fk.error_code = "NotFound";
	ck_assert_int_eq(FUGUE(&out, &err, "status", "nope", "--json"), EXIT_NOT_FOUND);
	ck_assert_str_eq(err, "fugue: NotFound: no process with alias \"web\"\n");
	ck_assert_str_eq(out, "{\n  \"error\": {\n    \"code\": \"NotFound\",\n    \"message\": "
	    "\"no process with alias \\\"web\\\"\"\n  }\n}\n");
	free(out);
	free(err);
	fk.error_code = "Locked";
	ck_assert_int_eq(FUGUE(&out, &err, "suspend", "web"), EXIT_ERROR);
	ck_assert_str_eq(out, "");
	free(out);
	free(err);
	ck_assert_int_eq(reply_queues(), 0);
}
END_TEST

START_TEST(run_compiles_uploads_and_sends)
{
	char *out, *err, *res, *body, *key, hash[65], *cwd, *perr = NULL;
	fg_json args;
	int ok;
	FILE *f;

	write_settings();
	cwd = getcwd(NULL, 0);
	setenv("LUDWIG_PATH", TESTS_SRCDIR "/../../lib/ludwig", 1);
	setenv("FUGUE_SCHEMA_PATH", TESTS_SRCDIR "/../../plugins", 1);
	ck_assert_ptr_nonnull(f = fopen("q.lw", "w"));
	fputs("composition\n\nimport Fugue.AWS as AWS\nimport Fugue.AWS.SQS as SQS\n\n"
	    "q: SQS.Queue.new {name: \"q\", region: AWS.Us-east-1}\n", f);
	fclose(f);
	ck_assert_ptr_nonnull(f = fopen("bad.lw", "w"));
	fputs("composition\n\nq: nope\n", f);
	fclose(f);
	ck_assert_int_eq(FUGUE(&out, &err, "run", "bad.lw"), EXIT_COMPILE);
	ck_assert_msg(strstr(err, "bad.lw:3:") != NULL, "%s", err);
	ck_assert_ptr_nonnull(strstr(err, "fugue: bad.lw: does not compile"));
	free(out);
	free(err);

	fake_start("");
	free(s3("PUT", "fugue-000000000000-us-east-1", NULL, NULL, &ok));
	res = fg_printf(process, "Running", "");
	fk.result = res;
	ck_assert_int_eq(FUGUE(&out, &err, "run", "-a", "web", "q.lw"), EXIT_OK);
	ck_assert_msg(strstr(out, "Running") != NULL, "%s%s", out, err);
	ck_assert_str_eq(fk.command, "run");
	args = fg_json_parse(fk.args, strlen(fk.args), &perr);
	ck_assert_ptr_nonnull(args);
	ck_assert_str_eq(fg_json_str(fg_json_get(args, "alias")), "web");
	key = fg_printf("compositions/%s.json", fg_json_str(fg_json_get(args, "hash")));
	ck_assert_str_eq(fg_json_str(fg_json_get(args, "composition")), key);
	body = s3("GET", "fugue-000000000000-us-east-1", key, NULL, &ok);
	ck_assert(ok);
	fg_sha256_hex(body, strlen(body), hash);
	ck_assert_str_eq(fg_json_str(fg_json_get(args, "hash")), hash);
	ck_assert_ptr_nonnull(strstr(body, "\"QueueName\": \"q\""));
	free(body);
	free(key);
	fg_json_free(args);
	free(out);
	free(err);

	fk.result = "{\"fid\":\"f\",\"plan\":[]}";
	ck_assert_int_eq(FUGUE(&out, &err, "update", "web", "q.lw", "--dry-run"), EXIT_OK);
	ck_assert_str_eq(fk.command, "update");
	ck_assert_int_eq(fk.dry_run, 1);
	ck_assert_ptr_nonnull(strstr(fk.args, "\"process\":\"web\""));
	ck_assert_str_eq(out, "Nothing to do: no changes.\n");
	free(out);
	free(err);
	free(res);
	free(cwd);
	unsetenv("LUDWIG_PATH");
	unsetenv("FUGUE_SCHEMA_PATH");
}
END_TEST

static Suite *
cli_client_suite(void)
{
	Suite *s = suite_create("cli_client");
	TCase *tc = tcase_create("core");

	tcase_set_timeout(tc, 30);
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, round_trip);
	tcase_add_test(tc, error_reply);
	tcase_add_test(tc, strays_are_read_and_deleted);
	tcase_add_test(tc, timeout_when_nobody_answers);
	tcase_add_test(tc, resent_when_unanswered);
	tcase_add_test(tc, no_conductor);
	tcase_add_test(tc, account_and_upload);
	tcase_add_test(tc, commands_end_to_end);
	tcase_add_test(tc, run_compiles_uploads_and_sends);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	SRunner *sr = srunner_create(cli_client_suite());
	int failed;

	srunner_run_all(sr, CK_ENV);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? 1 : 0;
}
