/* auth.c: SigV4 verification of every request, answered with each protocol's AWS error codes. */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "lc.h"
#include "sigv4.h"

#define SIG_MISMATCH_MSG "The request signature we calculated does not match the signature you " \
	"provided. Check your AWS Secret Access Key and signing method. Consult the service " \
	"documentation for details."
#define BAD_TOKEN_MSG "The security token included in the request is invalid."

/* The kinds of authentication failure. */
enum auth_fail { AF_MISSING, AF_MALFORMED, AF_UNKNOWN_KEY, AF_SKEW, AF_MISMATCH, AF_EXPIRED,
	AF_BODY_HASH };

/* Codes per failure: query protocol, JSON protocol, REST-XML (S3). */
static const struct {
	const char *query, *json, *rest;
	int qstatus, jstatus, rstatus;
} auth_codes[] = {
	[AF_MISSING] = { "MissingAuthenticationToken", "MissingAuthenticationTokenException",
	    "AccessDenied", 403, 400, 403 },
	[AF_MALFORMED] = { "IncompleteSignature", "IncompleteSignatureException",
	    "AuthorizationHeaderMalformed", 400, 400, 400 },
	[AF_UNKNOWN_KEY] = { "InvalidClientTokenId", "UnrecognizedClientException",
	    "InvalidAccessKeyId", 403, 400, 403 },
	[AF_SKEW] = { "SignatureDoesNotMatch", "InvalidSignatureException",
	    "RequestTimeTooSkewed", 403, 400, 403 },
	[AF_MISMATCH] = { "SignatureDoesNotMatch", "InvalidSignatureException",
	    "SignatureDoesNotMatch", 403, 400, 403 },
	[AF_EXPIRED] = { "SignatureDoesNotMatch", "InvalidSignatureException",
	    "AccessDenied", 403, 400, 403 },
	[AF_BODY_HASH] = { "SignatureDoesNotMatch", "InvalidSignatureException",
	    "XAmzContentSHA256Mismatch", 403, 400, 400 },
};

/* Replies with the failure's code in the request's protocol. */
static int
auth_fail(struct lc_request *req, enum auth_fail f, const char *extra, const char *msg)
{
	struct lc_err e = { 0 };
	char code[80];

	switch (req->proto) {
	case LC_PROTO_JSON:
		/* Authentication errors come from the AWS front end, not the service. */
		snprintf(code, sizeof(code), "com.amazon.coral.service#%s", auth_codes[f].json);
		e.status = auth_codes[f].jstatus;
		e.code = code;
		if (req->svc && req->svc->query_compatible)
			e.query_code = auth_codes[f].query;
		break;
	case LC_PROTO_REST_XML:
		e.status = auth_codes[f].rstatus;
		e.code = auth_codes[f].rest;
		e.extra_xml = extra;
		break;
	default:
		e.status = auth_codes[f].qstatus;
		e.code = auth_codes[f].query;
		break;
	}
	lc_error_ex(req, &e, "%s", msg);
	return -1;
}

/* Parses yyyymmddThhmmssZ; -1 when malformed. */
static int
parse_amz_date(const char *s, time_t *out)
{
	struct tm tm = { 0 };
	char back[17];

	if (s == NULL || strlen(s) != 16 || s[8] != 'T' || s[15] != 'Z' ||
	    strspn(s, "0123456789") != 8 || strspn(s + 9, "0123456789") != 6 ||
	    sscanf(s, "%4d%2d%2dT%2d%2d%2dZ", &tm.tm_year, &tm.tm_mon, &tm.tm_mday, &tm.tm_hour,
	    &tm.tm_min, &tm.tm_sec) != 6)
		return -1;
	tm.tm_year -= 1900;
	tm.tm_mon -= 1;
	*out = timegm(&tm);
	/* timegm folds out-of-range fields: a round trip catches them. */
	gmtime_r(out, &tm);
	strftime(back, sizeof(back), "%Y%m%dT%H%M%SZ", &tm);
	return strcmp(back, s) == 0 ? 0 : -1;
}

/* Formats Unix seconds as yyyymmddThhmmssZ. */
static void
format_amz_date(time_t t, char out[17])
{
	struct tm tm;

	gmtime_r(&t, &tm);
	strftime(out, 17, "%Y%m%dT%H%M%SZ", &tm);
}

/* Replies to a request dated too far from now, in the service's words. */
static int
skew_fail(struct lc_request *req, const char *amz_date, time_t t, time_t now)
{
	char nowtxt[17], edge[17], msg[160], extra[300];

	format_amz_date(now, nowtxt);
	if (req->proto == LC_PROTO_REST_XML) {
		char rt[32], st[32];

		lc_http_date((int64_t)t * 1000, rt);
		lc_http_date((int64_t)now * 1000, st);
		snprintf(extra, sizeof(extra), "<RequestTime>%s</RequestTime><ServerTime>%s"
		    "</ServerTime><MaxAllowedSkewMilliseconds>900000</MaxAllowedSkewMilliseconds>",
		    rt, st);
		return auth_fail(req, AF_SKEW, extra, "The difference between the request time and "
		    "the current time is too large.");
	}
	if (t < now) {
		format_amz_date(now - LC_MAX_SKEW_S, edge);
		snprintf(msg, sizeof(msg), "Signature expired: %s is now earlier than %s (%s - 15 min.)",
		    amz_date, edge, nowtxt);
	} else {
		format_amz_date(now + LC_MAX_SKEW_S, edge);
		snprintf(msg, sizeof(msg), "Signature not yet current: %s is still later than %s "
		    "(%s + 15 min.)", amz_date, edge, nowtxt);
	}
	return auth_fail(req, AF_SKEW, NULL, msg);
}

/* Builds the verification input from the request. */
static void
sig_request(struct lc_request *req, struct fg_sigv4_request *r)
{
	r->method = req->method;
	r->path = req->path;
	r->query = req->query;
	r->headers = &req->headers;
	r->body = req->body.data;
	r->body_len = req->body.len;
}

/* Verifies the request's signature and fills req->who; -1 after replying with an error. */
int
lc_auth(struct lc_request *req)
{
	const char *authz = lc_header(req, "Authorization");
	const char *amz_date;
	int presigned = authz == NULL && lc_qparam(req, "X-Amz-Credential") != NULL;
	int s3 = req->proto == LC_PROTO_REST_XML;
	struct fg_sigv4_auth a = { 0 };
	struct fg_sigv4_params p = { 0 };
	struct fg_sigv4_request r = { 0 };
	const struct lc_key *key;
	time_t t, now = (time_t)(fg_wall_ms() / 1000);
	char *err = NULL;
	int rc;

	if (authz == NULL && !presigned)
		return auth_fail(req, AF_MISSING, NULL, s3 ? "Access Denied" :
		    "Request is missing Authentication Token");
	rc = presigned ? fg_sigv4_parse_query(req->query, &a, &err) :
	    fg_sigv4_parse_auth(authz, &a, &err);
	if (rc != 0) {
		auth_fail(req, AF_MALFORMED, NULL, err);
		free(err);
		return -1;
	}
	if ((key = lc_find_key(req->srv, a.access_key)) == NULL) {
		rc = auth_fail(req, AF_UNKNOWN_KEY, NULL, s3 ? "The AWS Access Key Id you provided "
		    "does not exist in our records." : BAD_TOKEN_MSG);
		fg_sigv4_auth_free(&a);
		return rc;
	}
	amz_date = presigned ? a.amz_date : lc_header(req, "X-Amz-Date");
	if (parse_amz_date(amz_date, &t) != 0) {
		fg_sigv4_auth_free(&a);
		return auth_fail(req, AF_MALFORMED, NULL, "Authorization header requires existence of "
		    "a valid 'X-Amz-Date' header.");
	}
	if (!presigned && (t > now + LC_MAX_SKEW_S || t < now - LC_MAX_SKEW_S)) {
		fg_sigv4_auth_free(&a);
		return skew_fail(req, amz_date, t, now);
	}
	if (presigned && now > t + (time_t)a.expires) {
		fg_sigv4_auth_free(&a);
		return auth_fail(req, AF_EXPIRED, NULL, "Request has expired");
	}
	p.service = a.service;
	p.region = a.region;
	p.when = 0; /* skew and expiry were checked above, with our own codes */
	p.normalize_path = !s3;
	p.double_encode_path = !s3;
	p.payload = presigned ? FG_PAYLOAD_UNSIGNED : FG_PAYLOAD_SIGNED;
	sig_request(req, &r);
	if (!presigned) {
		const char *sent = lc_header(req, "x-amz-content-sha256");
		char body[65];

		fg_sha256_hex(r.body ? r.body : "", r.body_len, body);
		if (sent && strlen(sent) == 64 && strspn(sent, "0123456789abcdef") == 64 &&
		    strcmp(sent, body) != 0) {
			fg_sigv4_auth_free(&a);
			return auth_fail(req, AF_BODY_HASH, NULL, "The provided 'x-amz-content-sha256' "
			    "header does not match what was computed.");
		}
	}
	rc = presigned ? fg_sigv4_verify_query(key->secret_key, &a, &p, &r, &err) :
	    fg_sigv4_verify(key->secret_key, &a, &p, &r, &err);
	if (rc != 0) {
		log_debug("auth", "request %s: %s", req->id, err);
		free(err);
		fg_sigv4_auth_free(&a);
		return auth_fail(req, AF_MISMATCH, NULL, SIG_MISMATCH_MSG);
	}
	req->who.access_key = key->access_key;
	req->who.account = key->account;
	req->who.user_arn = key->user_arn;
	req->who.user_id = key->user_id;
	free(req->who.region);
	req->who.region = fg_strdup(a.region);
	fg_sigv4_auth_free(&a);
	return 0;
}
