/* check_creds.c: unit tests for the credential and region chain: environment, shared files in a
 * scratch HOME, and a fake EC2 instance metadata server (IMDSv2) on 127.0.0.1. */
#include "config.h"

#include <check.h>
#include <event2/buffer.h>
#include <event2/event.h>
#include <event2/http.h>
#include <event2/keyvalq_struct.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "awsenv.h"
#include "base.h"
#include "creds.h"
#include "endpoint.h"
#include "http.h"
#include "testsrv.h"

#define ROLE_PATH "/latest/meta-data/iam/security-credentials/"

/* The fake metadata server and what it saw. */
struct fake_imds {
	struct evhttp *http;
	char url[64];
	int v1_only;      /* refuse tokens (403) and answer GETs without one */
	int hang;         /* accept requests but never answer */
	int fail_creds;   /* answer 500 for the role's credentials */
	int expiry_s;     /* credentials expire this long after they are served */
	int requests;     /* every request received */
	int tokens;       /* session tokens issued */
	int rejected;     /* GETs refused for a missing or unknown token */
	int role_gets;
	int creds_gets;
	int region_gets;
	int served;       /* credential documents served */
};

static struct fg_loop *loop;
static struct fg_http_client *http;
static struct fg_timer *guard;
static struct fake_imds fake;

/* Sends a reply with a text body. */
static void
fake_reply(struct evhttp_request *req, int code, const char *reason, const char *body)
{
	struct evbuffer *b = evbuffer_new();

	evbuffer_add(b, body, strlen(body));
	evhttp_send_reply(req, code, reason, b);
	evbuffer_free(b);
}

/* Answers a GET of a metadata path. */
static void
fake_get(struct evhttp_request *req, const char *path)
{
	char body[512], exp[32];
	time_t t;

	if (strcmp(path, ROLE_PATH) == 0) {
		fake.role_gets++;
		fake_reply(req, 200, "OK", "fugue-role\n");
	} else if (strcmp(path, ROLE_PATH "fugue-role") == 0) {
		fake.creds_gets++;
		if (fake.fail_creds) {
			fake_reply(req, 500, "Internal Server Error", "");
			return;
		}
		fake.served++;
		t = time(NULL) + fake.expiry_s;
		strftime(exp, sizeof(exp), "%Y-%m-%dT%H:%M:%SZ", gmtime(&t));
		snprintf(body, sizeof(body), "{\n  \"Code\" : \"Success\",\n  \"LastUpdated\" : "
		    "\"2024-01-01T00:00:00Z\",\n  \"Type\" : \"AWS-HMAC\",\n  \"AccessKeyId\" : "
		    "\"ASIA%d\",\n  \"SecretAccessKey\" : \"secret%d\",\n  \"Token\" : \"token%d\","
		    "\n  \"Expiration\" : \"%s\"\n}", fake.served, fake.served, fake.served, exp);
		fake_reply(req, 200, "OK", body);
	} else if (strcmp(path, "/latest/meta-data/placement/region") == 0) {
		fake.region_gets++;
		fake_reply(req, 200, "OK", "ap-northeast-1");
	} else
		fake_reply(req, 404, "Not Found", "");
}

/* The server's request handler: the IMDSv2 token flow, then the metadata paths. */
static void
fake_handle(struct evhttp_request *req, void *arg)
{
	struct evkeyvalq *h = evhttp_request_get_input_headers(req);
	const char *path = evhttp_request_get_uri(req), *tok;
	char body[32];

	(void)arg;
	fake.requests++;
	if (fake.hang)
		return;
	if (evhttp_request_get_command(req) == EVHTTP_REQ_PUT) {
		if (strcmp(path, "/latest/api/token") != 0)
			fake_reply(req, 404, "Not Found", "");
		else if (fake.v1_only)
			fake_reply(req, 403, "Forbidden", "");
		else if (evhttp_find_header(h, "X-aws-ec2-metadata-token-ttl-seconds") == NULL)
			fake_reply(req, 400, "Bad Request", "");
		else {
			snprintf(body, sizeof(body), "TOKEN-%d", ++fake.tokens);
			fake_reply(req, 200, "OK", body);
		}
		return;
	}
	tok = evhttp_find_header(h, "X-aws-ec2-metadata-token");
	if (!fake.v1_only && (tok == NULL || strncmp(tok, "TOKEN-", 6) != 0 ||
	    atoi(tok + 6) < 1 || atoi(tok + 6) > fake.tokens)) {
		fake.rejected++;
		fake_reply(req, 401, "Unauthorized", "");
		return;
	}
	fake_get(req, path);
}

/* Starts the fake server on a free port and points AWS_EC2_METADATA_SERVICE_ENDPOINT at it. */
static void
fake_start(void)
{
	int port;


	fake.http = evhttp_new(fg_loop_event_base(loop));
	port = testsrv_bind(fake.http);
	evhttp_set_allowed_methods(fake.http, EVHTTP_REQ_GET | EVHTTP_REQ_PUT);
	evhttp_set_gencb(fake.http, fake_handle, NULL);
	snprintf(fake.url, sizeof(fake.url), "http://127.0.0.1:%d/", port);
	setenv("AWS_EC2_METADATA_SERVICE_ENDPOINT", fake.url, 1);
	fake.url[strlen(fake.url) - 1] = '\0';
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

struct outcome {
	int calls;
	char *err;
};

/* Records a resolve callback and stops the loop. */
static void
on_resolved(struct fg_aws_env *env, const char *err, void *arg)
{
	struct outcome *o = arg;

	(void)env;
	o->calls++;
	free(o->err);
	o->err = err ? fg_strdup(err) : NULL;
	fg_loop_exit(loop);
}

/* Resolves, checking the callback comes from the loop exactly once; returns its error. */
static char *
resolve(struct fg_aws_env *env)
{
	struct outcome o = { 0, NULL };

	fg_aws_env_resolve(env, on_resolved, &o);
	ck_assert_int_eq(o.calls, 0);
	run_for(5000);
	ck_assert_int_eq(o.calls, 1);
	return o.err;
}

/* Resolves in a new environment that must fail with exactly want, where "~" stands for HOME. */
static void
resolve_fails(const char *want)
{
	struct fg_aws_env *env = fg_aws_env_new(loop, http);
	char *err = resolve(env);
	struct fg_buf w;

	fg_buf_init(&w);
	for (const char *p = want; *p; p++)
		if (*p == '~')
			fg_buf_addstr(&w, awsenv_home());
		else
			fg_buf_addc(&w, *p);
	ck_assert_ptr_nonnull(err);
	ck_assert_str_eq(err, fg_buf_cstr(&w));
	fg_buf_free(&w);
	free(err);
	fg_aws_env_free(env);
}

/* Resolves in a new environment that must succeed with the given key and region. */
static struct fg_aws_env *
resolve_ok(const char *access_key, const char *region)
{
	struct fg_aws_env *env = fg_aws_env_new(loop, http);
	char *err = resolve(env);

	ck_assert_msg(err == NULL, "%s", err);
	ck_assert_str_eq(fg_aws_env_creds(env)->access_key, access_key);
	ck_assert_str_eq(fg_aws_env_region(env), region);
	return env;
}

/* Per test: scratch HOME and environment, a loop and an HTTP client. */
static void
setup(void)
{
	awsenv_setup();
	memset(&fake, 0, sizeof(fake));
	loop = fg_loop_new();
	http = fg_http_client_new(loop, NULL);
	guard = fg_timer_new(loop, guard_fire, NULL);
}

/* Frees what setup made. */
static void
teardown(void)
{
	fg_timer_free(guard);
	fg_http_client_free(http);
	if (fake.http)
		evhttp_free(fake.http);
	fg_loop_free(loop);
	awsenv_teardown();
}

START_TEST(environment_credentials_answer_from_the_loop)
{
	struct fg_aws_env *env;
	const struct fg_creds *c;
	struct fg_endpoint ep;
	char *err = NULL;

	awsenv_write(".aws/credentials", "[default]\naws_access_key_id = AKIDFILE\n"
	    "aws_secret_access_key = file\n");
	setenv("AWS_ACCESS_KEY_ID", "AKIDENV", 1);
	setenv("AWS_SECRET_ACCESS_KEY", "envsecret", 1);
	setenv("AWS_SESSION_TOKEN", "envtoken", 1);
	setenv("AWS_REGION", "eu-west-1", 1);
	setenv("AWS_DEFAULT_REGION", "us-west-1", 1);
	env = resolve_ok("AKIDENV", "eu-west-1");
	c = fg_aws_env_creds(env);
	ck_assert_str_eq(c->secret_key, "envsecret");
	ck_assert_str_eq(c->session_token, "envtoken");
	ck_assert_str_eq(c->source, "environment");
	ck_assert_int_eq(c->expiration, 0);
	ck_assert_str_eq(fg_aws_env_region_source(env), "AWS_REGION");
	ck_assert_int_eq(fg_aws_env_endpoint(env, "sqs", &ep, &err), 0);
	ck_assert_str_eq(ep.url, "https://sqs.eu-west-1.amazonaws.com");
	fg_endpoint_free(&ep);
	/* Once resolved, later calls answer at once, still from the loop. */
	err = resolve(env);
	ck_assert_ptr_null(err);
	ck_assert_ptr_eq(fg_aws_env_creds(env), c);
	fg_aws_env_free(env);

	unsetenv("AWS_REGION");
	unsetenv("AWS_SESSION_TOKEN");
	env = resolve_ok("AKIDENV", "us-west-1");
	ck_assert_ptr_null(fg_aws_env_creds(env)->session_token);
	ck_assert_str_eq(fg_aws_env_region_source(env), "AWS_DEFAULT_REGION");
	fg_aws_env_free(env);

	unsetenv("AWS_ACCESS_KEY_ID");
	resolve_fails("AWS_SECRET_ACCESS_KEY is set but AWS_ACCESS_KEY_ID is not");
	setenv("AWS_ACCESS_KEY_ID", "AKIDENV", 1);
	setenv("AWS_SECRET_ACCESS_KEY", "", 1);
	resolve_fails("AWS_ACCESS_KEY_ID is set but AWS_SECRET_ACCESS_KEY is not");
}
END_TEST

START_TEST(profile_files_credentials_file_wins)
{
	const char *cred = awsenv_write(".aws/credentials",
	    "[default]\n"
	    "aws_access_key_id = AKIDCRED\n"
	    "aws_secret_access_key = credsecret\n"
	    "[dev]\n"
	    "aws_access_key_id = AKIDDEV\n"
	    "aws_secret_access_key = devsecret\n"
	    "aws_session_token = devtoken\n");
	const char *conf = awsenv_write(".aws/config",
	    "[default]\n"
	    "region = us-east-2\n"
	    "aws_access_key_id = AKIDCONF\n"
	    "aws_secret_access_key = confsecret\n"
	    "[profile dev]\n"
	    "region = eu-central-1\n"
	    "[profile conf-only]\n"
	    "aws_access_key_id = AKIDCONFONLY\n"
	    "aws_secret_access_key = confonly\n"
	    "region = ap-south-1\n");
	struct fg_aws_env *env;
	char *want;

	env = resolve_ok("AKIDCRED", "us-east-2");
	want = fg_printf("profile default in %s", cred);
	ck_assert_str_eq(fg_aws_env_creds(env)->source, want);
	free(want);
	want = fg_printf("profile default in %s", conf);
	ck_assert_str_eq(fg_aws_env_region_source(env), want);
	free(want);
	ck_assert_str_eq(fg_aws_env_profile(env)->name, "default");
	fg_aws_env_free(env);

	setenv("AWS_PROFILE", "dev", 1);
	env = resolve_ok("AKIDDEV", "eu-central-1");
	ck_assert_str_eq(fg_aws_env_creds(env)->session_token, "devtoken");
	fg_aws_env_free(env);

	setenv("AWS_PROFILE", "conf-only", 1);
	env = resolve_ok("AKIDCONFONLY", "ap-south-1");
	want = fg_printf("profile conf-only in %s", conf);
	ck_assert_str_eq(fg_aws_env_creds(env)->source, want);
	free(want);
	fg_aws_env_free(env);

	/* The older AWS_DEFAULT_PROFILE, and the environment's region over the profile's. */
	unsetenv("AWS_PROFILE");
	setenv("AWS_DEFAULT_PROFILE", "dev", 1);
	setenv("AWS_DEFAULT_REGION", "sa-east-1", 1);
	env = resolve_ok("AKIDDEV", "sa-east-1");
	fg_aws_env_free(env);
}
END_TEST

START_TEST(profile_paths_from_environment)
{
	struct fg_aws_env *env;

	awsenv_write(".aws/credentials", "[default]\naws_access_key_id = AKIDIGNORED\n"
	    "aws_secret_access_key = x\n");
	awsenv_write("elsewhere/creds", "[default]\naws_access_key_id = AKIDELSEWHERE\n"
	    "aws_secret_access_key = x\n");
	setenv("AWS_CONFIG_FILE", awsenv_write("elsewhere/conf", "[default]\nregion = eu-north-1\n"),
	    1);
	setenv("AWS_SHARED_CREDENTIALS_FILE", "~/elsewhere/creds", 1);
	env = resolve_ok("AKIDELSEWHERE", "eu-north-1");
	fg_aws_env_free(env);
}
END_TEST

START_TEST(profile_errors_name_file_line_and_profile)
{
	setenv("AWS_EC2_METADATA_DISABLED", "true", 1);
	setenv("AWS_PROFILE", "nope", 1);
	resolve_fails("profile \"nope\" (AWS_PROFILE) not found: no [nope] in ~/.aws/credentials, "
	    "no [profile nope] in ~/.aws/config");

	awsenv_write(".aws/credentials", "[default]\naws_access_key_id = AKID\n");
	unsetenv("AWS_PROFILE");
	resolve_fails("~/.aws/credentials:2: [default] has aws_access_key_id but no "
	    "aws_secret_access_key");

	awsenv_write(".aws/credentials", "[dev]\naws_access_key_id = AKID\n"
	    "aws_secret_access_key = s\n");
	awsenv_write(".aws/config", "[profile dev]\nregion = eu-west-1\n"
	    "role_arn = arn:aws:iam::123456789012:role/x\nsource_profile = default\n");
	setenv("AWS_PROFILE", "dev", 1);
	resolve_fails("~/.aws/config:3: [profile dev] gets credentials through role_arn, which "
	    "Fugue does not support: give aws_access_key_id and aws_secret_access_key, or run "
	    "with an instance role");

	awsenv_write(".aws/config", "[profile dev]\nregion\n");
	resolve_fails("~/.aws/config:2: expected \"key = value\", \"[section]\" or a comment, got "
	    "\"region\"");
}
END_TEST

START_TEST(nothing_found_names_every_place_looked)
{
	struct fg_aws_env *env;
	char *err;

	setenv("AWS_EC2_METADATA_DISABLED", "True", 1);
	resolve_fails("no AWS credentials: not in environment (AWS_ACCESS_KEY_ID), "
	    "not in ~/.aws/credentials [default] (no such file), "
	    "not in ~/.aws/config [profile default] (no such file), "
	    "instance metadata disabled (AWS_EC2_METADATA_DISABLED=true); "
	    "no AWS region: not in environment (AWS_REGION, AWS_DEFAULT_REGION), "
	    "not in ~/.aws/config [profile default] (no such file), "
	    "instance metadata disabled (AWS_EC2_METADATA_DISABLED=true)");

	/* Files that exist without the profile; AWS_PROFILE=default need not exist. */
	awsenv_write(".aws/credentials", "[other]\naws_access_key_id = A\naws_secret_access_key = "
	    "B\n");
	awsenv_write(".aws/config", "[default]\noutput = json\n");
	setenv("AWS_PROFILE", "default", 1);
	setenv("AWS_REGION", "eu-west-1", 1);
	resolve_fails("no AWS credentials: not in environment (AWS_ACCESS_KEY_ID), "
	    "not in ~/.aws/credentials [default], not in ~/.aws/config [default], "
	    "instance metadata disabled (AWS_EC2_METADATA_DISABLED=true)");

	/* Without an HTTP client instance metadata is left out; what was found stays readable. */
	unsetenv("AWS_EC2_METADATA_DISABLED");
	env = fg_aws_env_new(loop, NULL);
	err = resolve(env);
	ck_assert_ptr_nonnull(strstr(err, "[default], instance metadata not consulted (no HTTP "
	    "client)"));
	ck_assert_ptr_null(fg_aws_env_creds(env));
	ck_assert_str_eq(fg_aws_env_region(env), "eu-west-1");
	free(err);
	fg_aws_env_free(env);
}
END_TEST

START_TEST(unreachable_metadata_is_named)
{
	char *url = fg_printf("http://127.0.0.1:%d", testsrv_closed_port());
	char *want = fg_printf("no AWS credentials: not in environment (AWS_ACCESS_KEY_ID), "
	    "not in %s/.aws/credentials [default] (no such file), "
	    "not in %s/.aws/config [profile default] (no such file), "
	    "instance metadata at %s did not answer: ", awsenv_home(), awsenv_home(), url);
	struct fg_aws_env *env = fg_aws_env_new(loop, http);
	char *err;

	setenv("AWS_EC2_METADATA_SERVICE_ENDPOINT", url, 1);
	setenv("AWS_REGION", "us-east-1", 1);
	err = resolve(env);
	ck_assert_ptr_nonnull(err);
	ck_assert_msg(strncmp(err, want, strlen(want)) == 0, "%s", err);
	ck_assert_msg(strstr(err, "Connection refused") != NULL, "%s", err);
	ck_assert_ptr_null(strstr(err, "no AWS region"));
	free(err);
	free(want);
	free(url);
	fg_aws_env_free(env);
}
END_TEST

/* The answer to a plain GET, for checking the fake server itself. */
static void
on_plain_get(enum fg_http_err err, const char *msg, struct fg_http_response *r, void *arg)
{
	(void)msg;
	*(int *)arg = err == FG_HTTP_OK ? r->status : -1;
	fg_loop_exit(loop);
}

START_TEST(metadata_v2_credentials_and_region)
{
	struct fg_http_request req;
	struct fg_aws_env *env;
	const struct fg_creds *c;
	int status = 0;
	char *url;
	time_t now = time(NULL);

	fake_start();
	fake.expiry_s = 6 * 3600;
	/* The fake refuses GETs without a session token, as IMDSv2-only instances do. */
	fg_http_request_init(&req);
	req.method = "GET";
	url = fg_printf("%s%s", fake.url, ROLE_PATH);
	req.url = url;
	fg_http_send(http, &req, on_plain_get, &status);
	run_for(5000);
	ck_assert_int_eq(status, 401);
	ck_assert_int_eq(fake.rejected, 1);
	fg_http_request_free(&req);
	free(url);

	env = resolve_ok("ASIA1", "ap-northeast-1");
	c = fg_aws_env_creds(env);
	ck_assert_str_eq(c->secret_key, "secret1");
	ck_assert_str_eq(c->session_token, "token1");
	ck_assert_str_eq(c->source, "instance metadata (role fugue-role)");
	ck_assert_int_ge(c->expiration, now + 6 * 3600);
	ck_assert_int_le(c->expiration, time(NULL) + 6 * 3600);
	ck_assert_str_eq(fg_aws_env_region_source(env), "instance metadata");
	/* One token served the role listing, the credentials and the region. */
	ck_assert_int_eq(fake.tokens, 1);
	ck_assert_int_eq(fake.rejected, 1);
	ck_assert_int_eq(fake.role_gets, 1);
	ck_assert_int_eq(fake.creds_gets, 1);
	ck_assert_int_eq(fake.region_gets, 1);
	fg_aws_env_free(env);

	/* Credentials from the environment: only the region comes from metadata. */
	setenv("AWS_ACCESS_KEY_ID", "AKIDENV", 1);
	setenv("AWS_SECRET_ACCESS_KEY", "s", 1);
	env = resolve_ok("AKIDENV", "ap-northeast-1");
	ck_assert_int_eq(fake.role_gets, 1);
	ck_assert_int_eq(fake.region_gets, 2);
	fg_aws_env_free(env);
}
END_TEST

START_TEST(metadata_credentials_refresh_in_the_background)
{
	struct outcome o = { 0, NULL };
	struct fg_aws_env *env;
	const struct fg_creds *c;
	char line[1024] = "";
	FILE *logf = tmpfile();
	int gets;

	fake_start();
	fake.expiry_s = 2;
	setenv("AWS_REGION", "us-east-1", 1);
	env = fg_aws_env_new(loop, http);
	fg_aws_env_resolve(env, on_resolved, &o);
	run_for(5000);
	ck_assert_int_eq(o.calls, 1);
	ck_assert_ptr_null(o.err);
	c = fg_aws_env_creds(env);
	ck_assert_str_eq(c->access_key, "ASIA1");

	/* Halfway to expiry (1 s) new credentials replace the old, without any call. */
	run_for(1600);
	ck_assert_int_eq(fake.served, 2);
	ck_assert_ptr_eq(fg_aws_env_creds(env), c);
	ck_assert_str_eq(c->access_key, "ASIA2");
	ck_assert_str_eq(c->session_token, "token2");
	ck_assert_int_eq(o.calls, 1);

	/* A failed refresh (two attempts) keeps the current credentials, with a warning. */
	fake.fail_creds = 1;
	gets = fake.creds_gets;
	log_set_stream(logf);
	run_for(1000);
	log_set_stream(stderr);
	ck_assert_int_ge(fake.creds_gets, gets + 2);
	ck_assert_str_eq(fg_aws_env_creds(env)->access_key, "ASIA2");
	ck_assert_int_eq(o.calls, 1);
	rewind(logf);
	ck_assert_uint_gt(fread(line, 1, sizeof(line) - 1, logf), 0);
	ck_assert_msg(strstr(line, "cannot refresh AWS credentials of role fugue-role: instance "
	    "metadata at http://127.0.0.1:") != NULL, "%s", line);
	ck_assert_ptr_nonnull(strstr(line, "answered 500 Internal Server Error to GET " ROLE_PATH
	    "fugue-role; the current ones expire at "));
	fclose(logf);
	fg_aws_env_free(env);
}
END_TEST

START_TEST(metadata_v1_fallback_unless_disabled)
{
	struct fg_aws_env *env;
	char *err, *want;

	fake_start();
	fake.v1_only = 1;
	fake.expiry_s = 3600;
	setenv("AWS_REGION", "us-east-1", 1);
	env = resolve_ok("ASIA1", "us-east-1");
	ck_assert_int_eq(fake.tokens, 0);
	fg_aws_env_free(env);

	setenv("AWS_EC2_METADATA_V1_DISABLED", "true", 1);
	env = fg_aws_env_new(loop, http);
	err = resolve(env);
	want = fg_printf("instance metadata at %s refused a session token (403 Forbidden "
	    "to PUT /latest/api/token) and IMDSv1 is disabled", fake.url);
	ck_assert_ptr_nonnull(err);
	ck_assert_msg(strstr(err, want) != NULL, "%s", err);
	free(want);
	free(err);
	fg_aws_env_free(env);
}
END_TEST

START_TEST(metadata_timeout_is_short_with_one_retry)
{
	struct fg_aws_env *env;
	uint64_t start;
	char *err, *want;

	fake_start();
	fake.hang = 1;
	setenv("AWS_REGION", "us-east-1", 1);
	env = fg_aws_env_new(loop, http);
	start = fg_mono_ms();
	err = resolve(env);
	ck_assert_uint_ge(fg_mono_ms() - start, 1900);
	ck_assert_uint_lt(fg_mono_ms() - start, 4000);
	ck_assert_int_eq(fake.requests, 2);
	want = fg_printf("instance metadata at %s did not answer: ", fake.url);
	ck_assert_msg(strstr(err, want) != NULL, "%s", err);
	free(want);
	free(err);
	fg_aws_env_free(env);
}
END_TEST

START_TEST(metadata_settings_from_environment_and_profile)
{
	struct fg_aws_profile *p;
	struct fg_imds_opts o;
	char *err = NULL;

	fg_imds_opts_from_env(&o, NULL);
	ck_assert_str_eq(o.endpoint, "http://169.254.169.254");
	ck_assert_uint_eq(o.timeout_ms, 0);
	ck_assert_uint_eq(o.attempts, 0);
	ck_assert_int_eq(o.v1_disabled, 0);

	awsenv_write(".aws/config", "[default]\nec2_metadata_service_endpoint_mode = IPv6\n"
	    "metadata_service_timeout = 2.5\nmetadata_service_num_attempts = 3\n"
	    "ec2_metadata_v1_disabled = true\n");
	p = fg_aws_profile_load(&err);
	ck_assert_ptr_nonnull(p);
	fg_imds_opts_from_env(&o, p);
	ck_assert_str_eq(o.endpoint, "http://[fd00:ec2::254]");
	ck_assert_uint_eq(o.timeout_ms, 2500);
	ck_assert_uint_eq(o.attempts, 3);
	ck_assert_int_eq(o.v1_disabled, 1);

	/* The environment wins over the profile. */
	setenv("AWS_EC2_METADATA_SERVICE_ENDPOINT", "http://127.0.0.1:1338", 1);
	setenv("AWS_METADATA_SERVICE_TIMEOUT", "1", 1);
	setenv("AWS_METADATA_SERVICE_NUM_ATTEMPTS", "junk", 1);
	setenv("AWS_EC2_METADATA_V1_DISABLED", "false", 1);
	fg_imds_opts_from_env(&o, p);
	ck_assert_str_eq(o.endpoint, "http://127.0.0.1:1338");
	ck_assert_uint_eq(o.timeout_ms, 1000);
	ck_assert_uint_eq(o.attempts, 0);
	ck_assert_int_eq(o.v1_disabled, 0);
	fg_aws_profile_free(p);
}
END_TEST

/* A resolve callback that frees the environment. */
static void
free_in_callback(struct fg_aws_env *env, const char *err, void *arg)
{
	(void)err;
	(*(int *)arg)++;
	fg_aws_env_free(env);
	fg_loop_exit(loop);
}

START_TEST(concurrent_resolves_share_one_lookup)
{
	struct outcome a = { 0, NULL }, b = { 0, NULL };
	struct fg_aws_env *env;
	int freed = 0;

	fake_start();
	fake.expiry_s = 3600;
	env = fg_aws_env_new(loop, http);
	fg_aws_env_resolve(env, on_resolved, &a);
	fg_aws_env_resolve(env, on_resolved, &b);
	run_for(5000);
	ck_assert_int_eq(a.calls, 1);
	ck_assert_int_eq(b.calls, 1);
	ck_assert_ptr_null(a.err);
	ck_assert_int_eq(fake.role_gets, 1);
	ck_assert_int_eq(fake.region_gets, 1);
	fg_aws_env_free(env);

	/* Freeing from a callback is deferred; the other callbacks are dropped. */
	env = fg_aws_env_new(loop, http);
	fg_aws_env_resolve(env, free_in_callback, &freed);
	fg_aws_env_resolve(env, free_in_callback, &freed);
	run_for(2000);
	ck_assert_int_eq(freed, 1);

	/* Freeing while metadata requests are out cancels them. */
	env = fg_aws_env_new(loop, http);
	fg_aws_env_resolve(env, on_resolved, &a);
	fg_aws_env_free(env);
	run_for(200);
	ck_assert_int_eq(a.calls, 1);
}
END_TEST

static Suite *
creds_suite(void)
{
	Suite *s = suite_create("creds");
	TCase *tc = tcase_create("core");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_set_timeout(tc, 30);
	tcase_add_test(tc, environment_credentials_answer_from_the_loop);
	tcase_add_test(tc, profile_files_credentials_file_wins);
	tcase_add_test(tc, profile_paths_from_environment);
	tcase_add_test(tc, profile_errors_name_file_line_and_profile);
	tcase_add_test(tc, nothing_found_names_every_place_looked);
	tcase_add_test(tc, unreachable_metadata_is_named);
	tcase_add_test(tc, metadata_v2_credentials_and_region);
	tcase_add_test(tc, metadata_credentials_refresh_in_the_background);
	tcase_add_test(tc, metadata_v1_fallback_unless_disabled);
	tcase_add_test(tc, metadata_timeout_is_short_with_one_retry);
	tcase_add_test(tc, metadata_settings_from_environment_and_profile);
	tcase_add_test(tc, concurrent_resolves_share_one_lookup);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	SRunner *sr = srunner_create(creds_suite());
	int failed;

	srunner_run_all(sr, CK_ENV);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? 1 : 0;
}
