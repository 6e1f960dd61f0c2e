/* imds.c: a client for EC2 instance metadata (IMDSv2 session tokens, retries, IMDSv1 fallback). */
#include "config.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "base.h"
#include "creds.h"
#include "http.h"

#define IMDS_ENDPOINT_V4 "http://169.254.169.254"
#define IMDS_ENDPOINT_V6 "http://[fd00:ec2::254]"
#define IMDS_TOKEN_PATH "/latest/api/token"
#define IMDS_TOKEN_TTL_S 21600 /* what the CLI asks for: 6 hours */

struct imds_call {
	struct fg_imds *im;
	char *path;
	int token_phase;        /* 1 while the PUT for a session token is out */
	int token_renewed;      /* a 401 already made us fetch a fresh token */
	unsigned attempt;       /* attempts made in the current phase */
	struct fg_http_call *http;
	fg_imds_cb cb;
	void *arg;
	struct imds_call *prev, *next;
};

struct fg_imds {
	struct fg_http_client *http;
	char *endpoint;         /* without a trailing '/' */
	unsigned timeout_ms;
	unsigned attempts;
	int v1_disabled;
	int v1;                 /* the service refused tokens: use IMDSv1 */
	char *token;
	uint64_t token_expires; /* fg_mono_ms() */
	struct imds_call *calls;
};

static void imds_send(struct imds_call *);

/* Fills opts from the environment and the profile. */
void
fg_imds_opts_from_env(struct fg_imds_opts *o, const struct fg_aws_profile *p)
{
	const char *v;

	memset(o, 0, sizeof(*o));
	o->endpoint = fg_aws_setting(p, "AWS_EC2_METADATA_SERVICE_ENDPOINT",
	    "ec2_metadata_service_endpoint");
	v = fg_aws_setting(p, "AWS_EC2_METADATA_SERVICE_ENDPOINT_MODE",
	    "ec2_metadata_service_endpoint_mode");
	if (o->endpoint == NULL)
		o->endpoint = v && strcasecmp(v, "IPv6") == 0 ? IMDS_ENDPOINT_V6 : IMDS_ENDPOINT_V4;
	v = fg_aws_setting(p, "AWS_METADATA_SERVICE_TIMEOUT", "metadata_service_timeout");
	if (v != NULL && strtod(v, NULL) > 0 && strtod(v, NULL) < 3600)
		o->timeout_ms = (unsigned)(strtod(v, NULL) * 1000);
	v = fg_aws_setting(p, "AWS_METADATA_SERVICE_NUM_ATTEMPTS", "metadata_service_num_attempts");
	if (v != NULL && atoi(v) > 0 && atoi(v) <= 10)
		o->attempts = (unsigned)atoi(v);
	o->v1_disabled = fg_aws_true(fg_aws_setting(p, "AWS_EC2_METADATA_V1_DISABLED",
	    "ec2_metadata_v1_disabled"));
}

/* Creates a client; zero fields of opts take their defaults. */
struct fg_imds *
fg_imds_new(struct fg_http_client *http, const struct fg_imds_opts *o)
{
	struct fg_imds *im = fg_calloc(1, sizeof(*im));
	size_t len;

	im->http = http;
	im->endpoint = fg_strdup(o && o->endpoint ? o->endpoint : IMDS_ENDPOINT_V4);
	len = strlen(im->endpoint);
	while (len > 0 && im->endpoint[len - 1] == '/')
		im->endpoint[--len] = '\0';
	im->timeout_ms = o && o->timeout_ms ? o->timeout_ms : 1000;
	im->attempts = o && o->attempts ? o->attempts : 2;
	im->v1_disabled = o ? o->v1_disabled : 0;
	return im;
}

/* Unlinks and frees a call. */
static void
call_free(struct imds_call *c)
{
	if (c->prev)
		c->prev->next = c->next;
	else
		c->im->calls = c->next;
	if (c->next)
		c->next->prev = c->prev;
	free(c->path);
	free(c);
}

/* Cancels every pending call and frees the client. */
void
fg_imds_free(struct fg_imds *im)
{
	if (im == NULL)
		return;
	while (im->calls) {
		if (im->calls->http)
			fg_http_cancel(im->calls->http);
		call_free(im->calls);
	}
	free(im->endpoint);
	free(im->token);
	free(im);
}

/* The endpoint in use, for messages. */
const char *
fg_imds_endpoint(const struct fg_imds *im)
{
	return im->endpoint;
}

/* Ends a call with an answer or an error (printf-style, NULL for success). */
static void FG_PRINTF(4, 5)
call_done(struct imds_call *c, const char *body, size_t len, const char *fmt, ...)
{
	fg_imds_cb cb = c->cb;
	void *arg = c->arg;
	char *err = NULL;
	va_list ap;

	if (fmt != NULL) {
		va_start(ap, fmt);
		err = fg_vprintf(fmt, ap);
		va_end(ap);
	}
	call_free(c);
	cb(err, body, len, arg);
	free(err);
}

/* Tries the current phase again, or ends the call when its attempts are used up. */
static void
call_retry(struct imds_call *c, const char *why)
{
	if (++c->attempt < c->im->attempts) {
		log_debug("imds", "%s %s: %s, retrying", c->token_phase ? "PUT" : "GET",
		    c->token_phase ? IMDS_TOKEN_PATH : c->path, why);
		imds_send(c);
		return;
	}
	call_done(c, NULL, 0, "%s", why);
}

/* Handles the answer to a token request. */
static void
token_answer(struct imds_call *c, struct fg_http_response *r)
{
	struct fg_imds *im = c->im;
	const char *t = r->body.data ? r->body.data : "";
	size_t len = r->body.len;

	if (r->status == 403 || r->status == 404 || r->status == 405) {
		if (im->v1_disabled) {
			call_done(c, NULL, 0, "refused a session token (%d %s to PUT %s) and IMDSv1 "
			    "is disabled", r->status, r->reason ? r->reason : "", IMDS_TOKEN_PATH);
			return;
		}
		log_debug("imds", "%s refused a session token (%d): using IMDSv1", im->endpoint,
		    r->status);
		im->v1 = 1;
	} else if (r->status == 200) {
		while (len > 0 && isspace((unsigned char)t[len - 1]))
			len--;
		if (len == 0) {
			call_done(c, NULL, 0, "answered an empty session token");
			return;
		}
		free(im->token);
		im->token = fg_strndup(t, len);
		im->token_expires = fg_mono_ms() + (uint64_t)(IMDS_TOKEN_TTL_S - 60) * 1000;
	} else {
		call_done(c, NULL, 0, "answered %d %s to PUT %s", r->status,
		    r->reason ? r->reason : "", IMDS_TOKEN_PATH);
		return;
	}
	c->token_phase = 0;
	c->attempt = 0;
	imds_send(c);
}

/* Handles the HTTP outcome of either phase. */
static void
imds_answer(enum fg_http_err err, const char *errmsg, struct fg_http_response *r, void *arg)
{
	struct imds_call *c = arg;
	struct fg_imds *im = c->im;
	char *why;

	c->http = NULL;
	if (err != FG_HTTP_OK) {
		why = fg_printf("did not answer: %s", errmsg ? errmsg : fg_http_err_name(err));
		call_retry(c, why);
		free(why);
		return;
	}
	if (r->status >= 500) {
		why = fg_printf("answered %d %s to %s %s", r->status, r->reason ? r->reason : "",
		    c->token_phase ? "PUT" : "GET", c->token_phase ? IMDS_TOKEN_PATH : c->path);
		call_retry(c, why);
		free(why);
		return;
	}
	if (c->token_phase) {
		token_answer(c, r);
		return;
	}
	if (r->status == 401 && im->token != NULL && !c->token_renewed) {
		/* The token expired or was revoked: fetch a new one once. */
		free(im->token);
		im->token = NULL;
		c->token_renewed = 1;
		c->attempt = 0;
		imds_send(c);
		return;
	}
	if (r->status != 200) {
		call_done(c, NULL, 0, "answered %d %s to GET %s", r->status,
		    r->reason ? r->reason : "", c->path);
		return;
	}
	call_done(c, r->body.data ? r->body.data : "", r->body.len, NULL);
}

/* Sends the call's current request: a token PUT when one is needed, else the GET. */
static void
imds_send(struct imds_call *c)
{
	struct fg_imds *im = c->im;
	struct fg_http_request req;
	char *url, ttl[16];

	if (!im->v1 && (im->token == NULL || fg_mono_ms() >= im->token_expires))
		c->token_phase = 1;
	fg_http_request_init(&req);
	req.timeout_ms = im->timeout_ms;
	if (c->token_phase) {
		req.method = "PUT";
		url = fg_printf("%s%s", im->endpoint, IMDS_TOKEN_PATH);
		snprintf(ttl, sizeof(ttl), "%d", IMDS_TOKEN_TTL_S);
		fg_headers_add(&req.headers, "X-aws-ec2-metadata-token-ttl-seconds", ttl);
	} else {
		req.method = "GET";
		url = fg_printf("%s%s", im->endpoint, c->path);
		if (!im->v1)
			fg_headers_add(&req.headers, "X-aws-ec2-metadata-token", im->token);
	}
	req.url = url;
	log_debug("imds", "%s %s", req.method, url);
	c->http = fg_http_send(im->http, &req, imds_answer, c);
	fg_http_request_free(&req);
	free(url);
}

/* Starts a GET of a metadata path. */
void
fg_imds_get(struct fg_imds *im, const char *path, fg_imds_cb cb, void *arg)
{
	struct imds_call *c = fg_calloc(1, sizeof(*c));

	c->im = im;
	c->path = fg_strdup(path);
	c->cb = cb;
	c->arg = arg;
	c->next = im->calls;
	if (im->calls)
		im->calls->prev = c;
	im->calls = c;
	imds_send(c);
}
