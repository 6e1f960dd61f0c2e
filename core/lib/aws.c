/* aws.c: one AWS API call end to end: the environment, the endpoint, the protocol's HTTP
 * request, SigV4, the standard retry mode on timers, clock-skew correction, the parsed reply. */
#include "config.h"

#include <stdarg.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/queue.h>

#include "aws.h"
#include "endpoint.h"

#define USER_AGENT PACKAGE_NAME "/" PACKAGE_VERSION

enum call_state {
	CS_START, /* its timer starts it: environment, endpoint, first attempt */
	CS_ENV,   /* waiting for the environment to resolve */
	CS_HTTP,  /* an attempt is in flight */
	CS_RETRY, /* its timer starts the next attempt */
	CS_DONE,  /* its callback is running */
};

struct fg_aws_call {
	struct fg_aws *aws;
	TAILQ_ENTRY(fg_aws_call) link;  /* aws->calls, until the callback */
	TAILQ_ENTRY(fg_aws_call) wlink; /* aws->waiting, in CS_ENV */
	enum call_state state;
	fg_aws_cb cb;
	void *arg;
	/* The request, copied. */
	enum fg_aws_proto proto;
	char *service;
	char *region;                   /* NULL: the environment's */
	char *what;                     /* action, target or bucket/key, for the log */
	char *method;
	char *bucket;
	char *key;
	char *query;                    /* REST-XML raw query, NULL for none */
	char *target;
	char *json_version;
	int raw_reply;
	struct fg_headers extra;
	struct fg_buf body;
	uint32_t timeout_ms;
	/* Built once the endpoint is known, signed again for every attempt. */
	const struct fg_endpoint *ep;   /* in aws->endpoints */
	char *path;                     /* as sent */
	char *url;
	struct fg_http_request hreq;
	/* Progress. */
	int env_waited;                 /* the environment was resolved for this call */
	char *env_err;                  /* and said this */
	unsigned attempts;
	struct fg_retry_state rs;
	struct fg_timer *timer;
	struct fg_http_call *hc;
};

/* A resolved endpoint, cached per (service, region). */
struct endpoint_entry {
	struct endpoint_entry *next;
	char *service;
	char *region;
	struct fg_endpoint ep;
};

struct fg_aws {
	LIST_ENTRY(fg_aws) live;
	struct fg_loop *loop;
	struct fg_http_client *http;
	struct fg_aws_env *env;
	struct fg_retry_config retry;
	struct fg_retry_quota quota;
	struct fg_aws_stats stats;
	struct endpoint_entry *endpoints;
	TAILQ_HEAD(, fg_aws_call) calls;   /* every call not yet ended */
	TAILQ_HEAD(, fg_aws_call) waiting; /* calls waiting for the environment */
	uintptr_t resolve_id;              /* the pending fg_aws_env_resolve, 0 for none */
};

/* Every fg_aws alive. An fg_aws_env_resolve cannot be withdrawn, so its answer names the
 * client by resolve id rather than by pointer: an answer for a freed client finds nothing. */
static LIST_HEAD(, fg_aws) live_clients = LIST_HEAD_INITIALIZER(live_clients);
static uintptr_t last_resolve_id;

static void call_attempt(struct fg_aws_call *);

/* Copies s, keeping NULL (and "" as NULL when empty_null). */
static char *
dup_opt(const char *s, int empty_null)
{
	return s == NULL || (empty_null && *s == '\0') ? NULL : fg_strdup(s);
}

/* Frees a call that is in no list and has nothing in flight. */
static void
call_free(struct fg_aws_call *call)
{
	fg_timer_free(call->timer);
	free(call->service);
	free(call->region);
	free(call->what);
	free(call->method);
	free(call->bucket);
	free(call->key);
	free(call->query);
	free(call->target);
	free(call->json_version);
	fg_headers_free(&call->extra);
	fg_buf_free(&call->body);
	free(call->path);
	free(call->url);
	fg_http_request_free(&call->hreq);
	free(call->env_err);
	free(call);
}

/* Takes a call out of its client's lists. */
static void
call_unlink(struct fg_aws_call *call)
{
	TAILQ_REMOVE(&call->aws->calls, call, link);
	if (call->state == CS_ENV)
		TAILQ_REMOVE(&call->aws->waiting, call, wlink);
}

/* Ends a call: runs its callback with the reply (resp may be NULL), then frees it all. */
static void
call_finish(struct fg_aws_call *call, const struct fg_http_response *resp, struct fg_awserr *e,
    struct fg_xml *xml, fg_json json)
{
	struct fg_aws_reply r;

	memset(&r, 0, sizeof(r));
	if (resp != NULL) {
		r.status = resp->status;
		r.headers = &resp->headers;
		r.body = resp->body.data != NULL ? resp->body.data : "";
		r.body_len = resp->body.len;
	}
	r.xml = xml;
	r.json = json;
	r.err = *e;
	r.attempts = call->attempts;
	if (e->cls != FG_ERR_NONE)
		call->aws->stats.failed++;
	call_unlink(call);
	call->state = CS_DONE;
	/* The callback may free the client: nothing below touches it. */
	call->cb(&r, call->arg);
	fg_xml_free(xml);
	fg_json_free(json);
	fg_awserr_free(e);
	call_free(call);
}

/* Ends a call with an error of our own (no reply). */
static void FG_PRINTF(4, 5)
call_fail(struct fg_aws_call *call, enum fg_err_class cls, const char *code, const char *fmt,
    ...)
{
	struct fg_awserr e;
	va_list ap;

	memset(&e, 0, sizeof(e));
	e.cls = cls;
	e.fault = FG_FAULT_SENDER;
	e.code = fg_strdup(code);
	va_start(ap, fmt);
	e.message = fg_vprintf(fmt, ap);
	va_end(ap);
	log_debug("aws", "%s %s %s: %s: %s", call->method, call->service, call->what, code,
	    e.message);
	call_finish(call, NULL, &e, NULL, NULL);
}

/* Warns about a configured plain-HTTP endpoint off this machine: TLS is off for it, so the
 * signed requests, their session token and every secret they carry travel in clear. Plain HTTP
 * to loopback is how localcloud is reached. */
static void
warn_plain_http(const struct fg_endpoint *ep)
{
	struct fg_url u;
	char *err = NULL;

	if (fg_url_parse(ep->url, &u, &err) < 0) {
		free(err);
		return;
	}
	if (strcmp(u.scheme, "http") == 0 && strcmp(u.host, "localhost") != 0 &&
	    strncmp(u.host, "127.", 4) != 0 && strcmp(u.host, "::1") != 0)
		log_warnx("AWS endpoint %s (%s) is plain HTTP to another machine: requests and the "
		    "secrets they carry are not encrypted", ep->url, ep->source);
	fg_url_free(&u);
}

/* The endpoint of (service, region), from the cache or resolved now; NULL with *err. */
static const struct fg_endpoint *
endpoint_get(struct fg_aws *aws, const char *service, const char *region, char **err)
{
	struct endpoint_entry *e;

	for (e = aws->endpoints; e != NULL; e = e->next)
		if (strcasecmp(e->service, service) == 0 && strcmp(e->region, region) == 0)
			return &e->ep;
	e = fg_calloc(1, sizeof(*e));
	if (fg_endpoint_resolve(service, region, fg_aws_env_profile(aws->env), &e->ep, err) < 0) {
		free(e);
		return NULL;
	}
	e->service = fg_strdup(service);
	e->region = fg_strdup(region);
	e->next = aws->endpoints;
	aws->endpoints = e;
	warn_plain_http(&e->ep);
	log_debug("aws", "%s in %s: %s, signed for %s (%s%s)", service, region, e->ep.url,
	    e->ep.signing_region, e->ep.source, strcasecmp(service, "s3") != 0 ? "" :
	    e->ep.s3_path_style ? ", path-style" : ", virtual-hosted");
	return &e->ep;
}

/* Says whether a bucket name can be a host name label (else S3 goes path-style, as the SDKs
 * do for names with dots, capitals or underscores). */
static int
dns_bucket(const char *b)
{
	size_t n = strlen(b);

	if (n < 3 || n > 63 || b[0] == '-' || b[n - 1] == '-')
		return 0;
	for (size_t i = 0; i < n; i++)
		if (!((b[i] >= 'a' && b[i] <= 'z') || (b[i] >= '0' && b[i] <= '9') || b[i] == '-'))
			return 0;
	return 1;
}

/* Says whether a host is an IP address, which cannot take a bucket as a prefix. */
static int
ip_host(const char *h)
{
	return strchr(h, ':') != NULL || strspn(h, "0123456789.") == strlen(h);
}

/* Builds the path as sent: the endpoint's base path, then "/" or S3's "/bucket/key". */
static char *
build_path(const struct fg_aws_call *call, const char *base, int vhost)
{
	struct fg_buf p;

	fg_buf_init(&p);
	fg_buf_addstr(&p, base);
	if (call->proto == FG_PROTO_REST_XML) {
		if (call->bucket != NULL && !vhost) {
			fg_buf_addc(&p, '/');
			fg_uri_encode(&p, call->bucket, strlen(call->bucket), 0);
		}
		if (call->key != NULL) {
			fg_buf_addc(&p, '/');
			fg_uri_encode(&p, call->key, strlen(call->key), 1);
		}
	}
	if (p.len == 0 || call->proto != FG_PROTO_REST_XML)
		fg_buf_addc(&p, '/');
	return fg_buf_detach(&p);
}

/* Sets the headers of the HTTP request: the caller's, Host, User-Agent and the protocol's. */
static void
build_headers(struct fg_aws_call *call, const char *authority)
{
	static const char *const ours[] = { "Host", "Content-Length", "Connection",
	    "Transfer-Encoding", "Authorization", "X-Amz-Date", "X-Amz-Security-Token" };
	struct fg_headers *h = &call->hreq.headers;
	char *ct;

	fg_headers_copy(h, &call->extra);
	for (size_t i = 0; i < FG_ARRAY_LEN(ours); i++)
		fg_headers_del(h, ours[i]);
	fg_headers_set(h, "Host", authority);
	if (fg_headers_get(h, "User-Agent") == NULL)
		fg_headers_set(h, "User-Agent", USER_AGENT);
	switch (call->proto) {
	case FG_PROTO_QUERY:
	case FG_PROTO_EC2:
		fg_headers_set(h, "Content-Type",
		    "application/x-www-form-urlencoded; charset=utf-8");
		break;
	case FG_PROTO_JSON:
		ct = fg_printf("application/x-amz-json-%s", call->json_version);
		fg_headers_set(h, "Content-Type", ct);
		free(ct);
		if (call->target != NULL)
			fg_headers_set(h, "X-Amz-Target", call->target);
		break;
	case FG_PROTO_REST_XML:
		break;
	}
}

/* Finds the endpoint and builds the HTTP request; -1 when the call ended. */
static int
call_prepare(struct fg_aws_call *call, const char *region)
{
	struct fg_url u;
	struct fg_buf authority;
	char *err = NULL;
	int vhost;

	call->ep = endpoint_get(call->aws, call->service, region, &err);
	if (call->ep == NULL || fg_url_parse(call->ep->url, &u, &err) < 0) {
		call_fail(call, FG_ERR_FATAL, "NoEndpoint", "%s", err);
		free(err);
		return -1;
	}
	vhost = call->proto == FG_PROTO_REST_XML && call->bucket != NULL &&
	    !call->ep->s3_path_style && dns_bucket(call->bucket) && !ip_host(u.host);
	fg_buf_init(&authority);
	if (vhost)
		fg_buf_addf(&authority, "%s.", call->bucket);
	if (strchr(u.host, ':') != NULL)
		fg_buf_addf(&authority, "[%s]", u.host);
	else
		fg_buf_addstr(&authority, u.host);
	if (u.port != fg_url_default_port(&u))
		fg_buf_addf(&authority, ":%d", u.port);
	call->path = build_path(call, strcmp(u.path, "/") == 0 ? "" : u.path, vhost);
	call->url = fg_printf("%s://%s%s%s%s", u.scheme, fg_buf_cstr(&authority), call->path,
	    call->query != NULL ? "?" : "", call->query != NULL ? call->query : "");
	build_headers(call, fg_buf_cstr(&authority));
	call->hreq.method = call->method;
	call->hreq.url = call->url;
	call->hreq.body = call->body.data;
	call->hreq.body_len = call->body.len;
	call->hreq.timeout_ms = call->timeout_ms;
	fg_buf_free(&authority);
	fg_url_free(&u);
	return 0;
}

/* Parses a successful reply's body by protocol; on a body that does not parse, turns *e into
 * a MalformedReply error. */
static void
parse_reply(const struct fg_aws_call *call, const struct fg_http_response *resp,
    struct fg_awserr *e, struct fg_xml **xml, fg_json *json)
{
	const char *ct = fg_headers_get(&resp->headers, "Content-Type");
	char *perr = NULL;

	*xml = NULL;
	*json = NULL;
	if (resp->body.len == 0 || fg_awserr_blank(resp->body.data, resp->body.len))
		return;
	if (call->proto == FG_PROTO_JSON)
		*json = fg_json_parse(resp->body.data, resp->body.len, &perr);
	else if (call->proto != FG_PROTO_REST_XML ||
	    (!call->raw_reply && (ct == NULL || strstr(ct, "xml") != NULL)))
		*xml = fg_xml_parse(resp->body.data, resp->body.len, &perr);
	if (perr == NULL)
		return;
	e->cls = FG_ERR_FATAL;
	e->fault = FG_FAULT_RECEIVER;
	e->code = fg_strdup("MalformedReply");
	e->message = fg_printf("the HTTP %d reply's body is not valid %s: %s", resp->status,
	    call->proto == FG_PROTO_JSON ? "JSON" : "XML", perr);
	e->request_id = dup_opt(fg_headers_get(&resp->headers, "x-amzn-RequestId"), 1);
	if (e->request_id == NULL)
		e->request_id = dup_opt(fg_headers_get(&resp->headers, "x-amz-request-id"), 1);
	free(perr);
}

/* An attempt's HTTP exchange ended: finish the call, or retry it after a delay. */
static void
on_http(enum fg_http_err herr, const char *errmsg, struct fg_http_response *resp, void *arg)
{
	struct fg_aws_call *call = arg;
	struct fg_aws *aws = call->aws;
	struct fg_awserr e;
	struct fg_xml *xml;
	fg_json json;
	const char *why;
	uint64_t delay;

	call->hc = NULL;
	if (fg_awserr_from_reply(&e, call->proto, herr, errmsg, resp) == 0) {
		fg_retry_success(&aws->quota, &call->rs);
		parse_reply(call, resp, &e, &xml, &json);
		log_debug("aws", "%s %s %s: attempt %u: HTTP %d%s%s%s%s", call->method,
		    call->service, call->what, call->attempts, resp->status, e.code ? ", " : "",
		    e.code ? e.code : "", e.code ? ": " : "", e.code ? e.message : "");
		call_finish(call, resp, &e, xml, json);
		return;
	}
	if (e.cls == FG_ERR_THROTTLING)
		aws->stats.throttled++;
	if (e.cls == FG_ERR_CLOCK_SKEW && e.skew_ms != 0) {
		/* e.skew_ms is the server's Date minus our uncorrected clock. */
		log_debug("aws", "clock correction: %lld ms (was %lld ms)", (long long)e.skew_ms,
		    (long long)aws->stats.skew_ms);
		aws->stats.skew_ms = e.skew_ms;
	}
	if (fg_retry_next(&aws->retry, &aws->quota, &call->rs, &e, &delay, &why)) {
		log_debug("aws", "%s %s %s: attempt %u: %s %s (%s), retrying in %llu ms",
		    call->method, call->service, call->what, call->attempts,
		    herr == FG_HTTP_OK ? "HTTP" : "no reply:", herr == FG_HTTP_OK ? e.code :
		    fg_http_err_name(herr), fg_err_class_name(e.cls), (unsigned long long)delay);
		aws->stats.retries++;
		fg_awserr_free(&e);
		call->state = CS_RETRY;
		fg_timer_add(call->timer, delay);
		return;
	}
	log_debug("aws", "%s %s %s: attempt %u: %s %s (%s), %s", call->method, call->service,
	    call->what, call->attempts, herr == FG_HTTP_OK ? "HTTP" : "no reply:",
	    herr == FG_HTTP_OK ? e.code : fg_http_err_name(herr), fg_err_class_name(e.cls), why);
	call_finish(call, resp, &e, NULL, NULL);
}

/* Signs the request with the current credentials and corrected clock, and sends it. */
static void
call_attempt(struct fg_aws_call *call)
{
	struct fg_aws *aws = call->aws;
	const struct fg_creds *cur = fg_aws_env_creds(aws->env);
	int s3 = call->proto == FG_PROTO_REST_XML;
	struct fg_sigv4_params p;
	struct fg_sigv4_request sr;
	struct fg_creds c;
	char *err = NULL;
	int rc;

	if (cur == NULL) {
		call_fail(call, FG_ERR_FATAL, "NoCredentials",
		    "the AWS credentials are no longer available");
		return;
	}
	memset(&p, 0, sizeof(p));
	p.region = call->ep->signing_region;
	p.service = call->ep->signing_name;
	p.when = (time_t)((fg_wall_ms() + aws->stats.skew_ms) / 1000);
	p.normalize_path = !s3;
	p.double_encode_path = !s3;
	p.content_sha256_header = s3;
	p.payload = FG_PAYLOAD_SIGNED;
	sr.method = call->method;
	sr.path = call->path;
	sr.query = call->query;
	sr.headers = &call->hreq.headers;
	sr.body = call->body.data;
	sr.body_len = call->body.len;
	/* A refresh may replace the environment's strings: sign with a copy. */
	memset(&c, 0, sizeof(c));
	fg_creds_copy(&c, cur);
	rc = fg_sigv4_sign(&c, &p, &sr, NULL, &err);
	fg_creds_clear(&c);
	if (rc < 0) {
		call_fail(call, FG_ERR_INVALID, "SigningError", "%s", err);
		free(err);
		return;
	}
	call->attempts++;
	aws->stats.attempts++;
	call->state = CS_HTTP;
	call->hc = fg_http_send(aws->http, &call->hreq, on_http, call);
}

/* Ends a call whose environment could not be resolved. */
static void
call_fail_env(struct fg_aws_call *call, int have_creds)
{
	const char *code = have_creds ? "NoRegion" : "NoCredentials";

	if (call->env_err != NULL)
		call_fail(call, FG_ERR_FATAL, code, "%s", call->env_err);
	else
		call_fail(call, FG_ERR_FATAL, code, "%s", have_creds ? "no AWS region" :
		    "no AWS credentials");
}

/* The environment answered: every waiting call starts again from its timer, so that no user
 * callback runs inside the environment's. */
static void
on_env(struct fg_aws_env *env, const char *err, void *arg)
{
	uintptr_t id = (uintptr_t)arg;
	struct fg_aws *aws;
	struct fg_aws_call *call;

	(void)env;
	LIST_FOREACH(aws, &live_clients, live)
		if (aws->resolve_id == id)
			break;
	if (aws == NULL)
		return;
	aws->resolve_id = 0;
	while ((call = TAILQ_FIRST(&aws->waiting)) != NULL) {
		TAILQ_REMOVE(&aws->waiting, call, wlink);
		call->state = CS_START;
		call->env_waited = 1;
		call->env_err = dup_opt(err, 0);
		fg_timer_add(call->timer, 0);
	}
}

/* Starts a call: credentials and region known (else wait for the environment once), then the
 * endpoint and the first attempt. */
static void
call_start(struct fg_aws_call *call)
{
	struct fg_aws *aws = call->aws;
	const struct fg_creds *creds = fg_aws_env_creds(aws->env);
	const char *region = call->region ? call->region : fg_aws_env_region(aws->env);

	if (creds != NULL && region != NULL) {
		if (call_prepare(call, region) == 0)
			call_attempt(call);
		return;
	}
	if (call->env_waited) {
		call_fail_env(call, creds != NULL);
		return;
	}
	call->state = CS_ENV;
	TAILQ_INSERT_TAIL(&aws->waiting, call, wlink);
	if (aws->resolve_id != 0)
		return;
	if (++last_resolve_id == 0)
		last_resolve_id = 1;
	aws->resolve_id = last_resolve_id;
	fg_aws_env_resolve(aws->env, on_env, (void *)aws->resolve_id);
}

/* A call's timer: its start, or its next attempt. */
static void
call_fire(void *arg)
{
	struct fg_aws_call *call = arg;

	if (call->state == CS_START)
		call_start(call);
	else if (call->state == CS_RETRY)
		call_attempt(call);
}

/* Creates a client; see aws.h. */
struct fg_aws *
fg_aws_new(struct fg_loop *loop, struct fg_http_client *http, struct fg_aws_env *env,
    const struct fg_retry_config *retry)
{
	struct fg_aws *aws = fg_calloc(1, sizeof(*aws));
	char *err = NULL;

	aws->loop = loop;
	aws->http = http;
	aws->env = env;
	if (retry != NULL)
		aws->retry = *retry;
	else {
		fg_retry_config_default(&aws->retry);
		if (fg_retry_config_from_env(&aws->retry, &err) < 0) {
			log_warnx("%s; using the standard retry mode's defaults", err);
			free(err);
		}
	}
	if (aws->retry.max_attempts == 0)
		aws->retry.max_attempts = 1;
	fg_retry_quota_init(&aws->quota);
	TAILQ_INIT(&aws->calls);
	TAILQ_INIT(&aws->waiting);
	LIST_INSERT_HEAD(&live_clients, aws, live);
	return aws;
}

/* Drops every call without callbacks and frees the client. */
void
fg_aws_free(struct fg_aws *aws)
{
	struct endpoint_entry *e;
	struct fg_aws_call *call;

	if (aws == NULL)
		return;
	while ((call = TAILQ_FIRST(&aws->calls)) != NULL)
		fg_aws_cancel(call);
	while ((e = aws->endpoints) != NULL) {
		aws->endpoints = e->next;
		fg_endpoint_free(&e->ep);
		free(e->service);
		free(e->region);
		free(e);
	}
	LIST_REMOVE(aws, live);
	free(aws);
}

/* Describes a call for the log: its action, target or bucket and key. */
static char *
call_what(const struct fg_aws_req *req)
{
	const char *action;

	switch (req->proto) {
	case FG_PROTO_QUERY:
	case FG_PROTO_EC2:
		action = req->params != NULL ? fg_query_get(req->params, "Action") : NULL;
		return fg_strdup(action != NULL ? action : "(no Action)");
	case FG_PROTO_JSON:
		return fg_strdup(req->target != NULL ? req->target : "(no target)");
	case FG_PROTO_REST_XML:
		break;
	}
	return fg_printf("/%s%s%s%s%s", req->bucket ? req->bucket : "", req->key ? "/" : "",
	    req->key ? req->key : "", req->query && *req->query ? "?" : "",
	    req->query ? req->query : "");
}

/* Copies the request and starts the call from the loop. */
struct fg_aws_call *
fg_aws_send(struct fg_aws *aws, const struct fg_aws_req *req, fg_aws_cb cb, void *arg)
{
	struct fg_aws_call *call = fg_calloc(1, sizeof(*call));

	call->aws = aws;
	call->cb = cb;
	call->arg = arg;
	call->proto = req->proto;
	call->service = fg_strdup(req->service);
	call->region = dup_opt(req->region, 1);
	call->what = call_what(req);
	fg_headers_init(&call->extra);
	if (req->headers != NULL)
		fg_headers_copy(&call->extra, req->headers);
	fg_buf_init(&call->body);
	switch (req->proto) {
	case FG_PROTO_QUERY:
	case FG_PROTO_EC2:
		call->method = fg_strdup("POST");
		if (req->params != NULL)
			fg_query_encode(req->params, &call->body);
		break;
	case FG_PROTO_JSON:
		call->method = fg_strdup("POST");
		call->target = dup_opt(req->target, 1);
		call->json_version = fg_strdup(req->json_version ? req->json_version : "1.0");
		if (req->body_len > 0)
			fg_buf_add(&call->body, req->body, req->body_len);
		else
			fg_buf_addstr(&call->body, "{}");
		break;
	case FG_PROTO_REST_XML:
		call->method = fg_strdup(req->method ? req->method : "GET");
		call->bucket = dup_opt(req->bucket, 1);
		call->key = dup_opt(req->key, 0);
		call->query = dup_opt(req->query, 1);
		call->raw_reply = req->raw_reply;
		if (req->body_len > 0)
			fg_buf_add(&call->body, req->body, req->body_len);
		break;
	}
	call->timeout_ms = req->timeout_ms;
	fg_http_request_init(&call->hreq);
	fg_retry_begin(&call->rs);
	call->state = CS_START;
	call->timer = fg_timer_new(aws->loop, call_fire, call);
	TAILQ_INSERT_TAIL(&aws->calls, call, link);
	aws->stats.calls++;
	fg_timer_add(call->timer, 0);
	return call;
}

/* Drops a call without its callback. */
void
fg_aws_cancel(struct fg_aws_call *call)
{
	if (call == NULL || call->state == CS_DONE)
		return;
	call_unlink(call);
	if (call->hc != NULL)
		fg_http_cancel(call->hc);
	log_debug("aws", "%s %s %s: cancelled", call->method, call->service, call->what);
	call_free(call);
}

/* Copies the counters. */
void
fg_aws_stats(const struct fg_aws *aws, struct fg_aws_stats *s)
{
	*s = aws->stats;
}
