/* verify.c: checks 1 to 6 of a request (doc/protocol.md, "Checks, in order"): envelope,
 * version, user, HMAC, body fields, staleness. No I/O; the clock comes through the seam. */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "conductor.h"
#include "sigv4.h"

#define ID_MAX 64
#define QUEUE_NAME_MAX 80

/* The same text for an unknown user and a bad signature: no user enumeration. */
#define AUTH_TEXT "authentication failed: unknown user or bad signature"

/* The error code of a failed check. */
const char *
req_check_code(enum req_check rc)
{
	switch (rc) {
	case RC_OK:
		return "";
	case RC_MALFORMED:
		return E_MALFORMED;
	case RC_VERSION:
		return E_VERSION;
	case RC_AUTH:
		return E_AUTH;
	case RC_STALE:
		return E_STALE;
	}
	return E_MALFORMED;
}

/* A string member that must be present; -1 with *msg naming it. */
static int
need_str(fg_json obj, const char *what, const char *key, const char **out, char **msg)
{
	fg_json v = fg_json_get(obj, key);

	if (v == NULL) {
		*msg = fg_printf("%s: \"%s\" is missing", what, key);
		return -1;
	}
	if ((*out = fg_json_str(v)) == NULL) {
		*msg = fg_printf("%s: \"%s\" must be a string, not %s", what, key,
		    fg_json_type_name(v));
		return -1;
	}
	return 0;
}

/* Checks 1 and 2: the envelope is JSON with v, user, body and hmac, and v is spoken here. */
enum req_check
envelope_parse(const char *text, size_t len, struct envelope *e, char **msg)
{
	const char *what = "envelope";
	char *perr = NULL;
	fg_json v;
	int64_t ver;

	memset(e, 0, sizeof(*e));
	if (len > PROTO_MAX_MESSAGE) {
		*msg = fg_printf("message of %zu bytes is larger than the limit of %d", len,
		    PROTO_MAX_MESSAGE);
		return RC_MALFORMED;
	}
	if ((e->doc = fg_json_parse(text, len, &perr)) == NULL) {
		*msg = fg_printf("envelope is not JSON: %s", perr);
		free(perr);
		return RC_MALFORMED;
	}
	if (!YAJL_IS_OBJECT(e->doc)) {
		*msg = fg_printf("envelope must be an object, not %s", fg_json_type_name(e->doc));
		goto bad;
	}
	if ((v = fg_json_get(e->doc, "v")) == NULL) {
		*msg = fg_printf("envelope: \"v\" is missing");
		goto bad;
	}
	if (fg_json_int(v, &ver) < 0) {
		*msg =
		    fg_printf("envelope: \"v\" must be an integer, not %s", fg_json_type_name(v));
		goto bad;
	}
	if (need_str(e->doc, what, "user", &e->user, msg) < 0 ||
	    need_str(e->doc, what, "body", &e->body, msg) < 0 ||
	    need_str(e->doc, what, "hmac", &e->hmac, msg) < 0)
		goto bad;
	e->body_len = strlen(e->body);
	if (ver != PROTO_VERSION) {
		*msg = fg_printf("protocol version %lld is not spoken here (versions: %s)",
		    (long long)ver, PROTO_VERSIONS);
		envelope_free(e);
		return RC_VERSION;
	}
	return RC_OK;
bad:
	envelope_free(e);
	return RC_MALFORMED;
}

/* Frees a parsed envelope. */
void
envelope_free(struct envelope *e)
{
	fg_json_free(e->doc);
	memset(e, 0, sizeof(*e));
}

/* The HMAC-SHA256 of body under secret, as hex. */
void
envelope_sign(const char *secret, const char *body, size_t len, char out[65])
{
	unsigned char mac[32];

	fg_hmac_sha256(secret, strlen(secret), body, len, mac);
	fg_hex(mac, sizeof(mac), out);
}

/* Whether id is a usable request id: 1 to 64 of [A-Za-z0-9-]. */
static int
id_ok(const char *id)
{
	size_t n = strlen(id);

	return n > 0 && n <= ID_MAX && strspn(id, "abcdefghijklmnopqrstuvwxyz"
	    "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-") == n;
}

/* Whether a user name can exist: 1 to 64 of [A-Za-z0-9._-] (others are unknown users). */
int
user_name_ok(const char *name)
{
	size_t n = strlen(name);

	return n > 0 && n <= ID_MAX && strspn(name, "abcdefghijklmnopqrstuvwxyz"
	    "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._-") == n;
}

/* Checks that url is an SQS queue URL named "<reply_prefix>..." in the account. */
int
reply_to_check(const char *url, const struct verify_ctx *ctx, char **msg)
{
	struct fg_url u;
	char *perr = NULL, *name, *acct;
	size_t pl = strlen(ctx->reply_prefix), nl;
	int rc = -1;

	if (fg_url_parse(url, &u, &perr) < 0) {
		*msg = fg_printf("body: \"reply_to\" is not a URL: %s", perr);
		free(perr);
		return -1;
	}
	name = strrchr(u.path, '/') + 1;
	nl = strlen(name);
	if (u.query != NULL || nl <= pl || nl > QUEUE_NAME_MAX ||
	    strncmp(name, ctx->reply_prefix, pl) != 0 ||
	    strspn(name, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_-") !=
	        nl) {
		*msg = fg_printf("body: \"reply_to\" must be the URL of a queue named %s...",
		    ctx->reply_prefix);
		goto out;
	}
	if (ctx->account) {
		/* ".../ACCOUNT/NAME": the segment before the name. */
		name[-1] = '\0';
		acct = strrchr(u.path, '/');
		if (acct == NULL || strcmp(acct + 1, ctx->account) != 0) {
			*msg = fg_printf("body: \"reply_to\" must be a queue of account %s",
			    ctx->account);
			goto out;
		}
	}
	rc = 0;
out:
	fg_url_free(&u);
	return rc;
}

/* Check 5: the body parses and has every field. */
static enum req_check
body_parse(const struct envelope *e, const struct verify_ctx *ctx, struct req_body *b,
    char **msg)
{
	const char *what = "body";
	char *perr = NULL;
	fg_json v;

	if ((b->doc = fg_json_parse(e->body, e->body_len, &perr)) == NULL) {
		*msg = fg_printf("body is not JSON: %s", perr);
		free(perr);
		return RC_MALFORMED;
	}
	if (!YAJL_IS_OBJECT(b->doc)) {
		*msg = fg_printf("body must be an object, not %s", fg_json_type_name(b->doc));
		return RC_MALFORMED;
	}
	if (need_str(b->doc, what, "id", &b->id, msg) < 0 ||
	    need_str(b->doc, what, "time", &b->time, msg) < 0 ||
	    need_str(b->doc, what, "reply_to", &b->reply_to, msg) < 0 ||
	    need_str(b->doc, what, "command", &b->command, msg) < 0)
		return RC_MALFORMED;
	if (!id_ok(b->id)) {
		*msg = fg_printf("body: \"id\" must be 1 to %d letters, digits and '-' (a UUID)",
		    ID_MAX);
		return RC_MALFORMED;
	}
	if (rfc3339_parse(b->time, &b->time_ms) < 0) {
		*msg = fg_printf("body: \"time\" must be an RFC 3339 time "
		    "(2026-11-27T05:40:00.123Z), not \"%.40s\"", b->time);
		return RC_MALFORMED;
	}
	if (reply_to_check(b->reply_to, ctx, msg) < 0)
		return RC_MALFORMED;
	if ((v = fg_json_get(b->doc, "dry_run")) != NULL && fg_json_bool(v, &b->dry_run) < 0) {
		*msg = fg_printf("body: \"dry_run\" must be true or false, not %s",
		    fg_json_type_name(v));
		return RC_MALFORMED;
	}
	b->args = fg_json_get(b->doc, "args");
	if (b->args != NULL && !YAJL_IS_OBJECT(b->args)) {
		*msg = fg_printf("body: \"args\" must be an object, not %s",
		    fg_json_type_name(b->args));
		return RC_MALFORMED;
	}
	return RC_OK;
}

/* Checks 3 to 6: user, HMAC (constant time), body fields, time. */
enum req_check
envelope_verify(const struct envelope *e, const char *secret, const struct verify_ctx *ctx,
    struct req_body *b, char **msg)
{
	char want[65], got[65];
	size_t i, n = strlen(e->hmac);
	int64_t skew;
	enum req_check rc;

	memset(b, 0, sizeof(*b));
	/* An unknown user costs the same HMAC as a known one. */
	envelope_sign(secret ? secret : "", e->body, e->body_len, want);
	memset(got, 0, sizeof(got));
	for (i = 0; i < n && i < 64; i++)
		got[i] =
		    (char)(e->hmac[i] >= 'A' && e->hmac[i] <= 'F' ? e->hmac[i] + 32 : e->hmac[i]);
	if (fg_ct_memcmp(want, got, 64) != 0 || n != 64 || secret == NULL) {
		*msg = fg_strdup(AUTH_TEXT);
		return RC_AUTH;
	}
	if ((rc = body_parse(e, ctx, b, msg)) != RC_OK) {
		req_body_free(b);
		return rc;
	}
	skew = b->time_ms - fg_wall_ms();
	if (skew > PROTO_MAX_SKEW_MS || skew < -PROTO_MAX_SKEW_MS) {
		*msg = fg_printf("request time %s is %lld s %s the Conductor's clock (the limit is "
		    "%d s)", b->time, (long long)((skew < 0 ? -skew : skew) / 1000),
		    skew < 0 ? "behind" : "ahead of", PROTO_MAX_SKEW_MS / 1000);
		req_body_free(b);
		return RC_STALE;
	}
	return RC_OK;
}

/* Frees a parsed body. */
void
req_body_free(struct req_body *b)
{
	fg_json_free(b->doc);
	memset(b, 0, sizeof(*b));
}

/* The id and reply_to a message's body claims, for error replies. */
void
envelope_peek(const char *text, size_t len, const struct verify_ctx *ctx, char **id,
    char **reply_to)
{
	fg_json env, body = NULL;
	const char *s;
	char *msg = NULL;

	*id = *reply_to = NULL;
	if (len > PROTO_MAX_MESSAGE || (env = fg_json_parse(text, len, &msg)) == NULL) {
		free(msg);
		return;
	}
	if ((s = fg_json_str(fg_json_get(env, "body"))) != NULL &&
	    (body = fg_json_parse(s, strlen(s), &msg)) == NULL) {
		free(msg);
		msg = NULL;
	}
	if ((s = fg_json_str(fg_json_get(body, "id"))) != NULL && id_ok(s))
		*id = fg_strdup(s);
	if ((s = fg_json_str(fg_json_get(body, "reply_to"))) != NULL) {
		if (reply_to_check(s, ctx, &msg) == 0)
			*reply_to = fg_strdup(s);
		free(msg);
	}
	fg_json_free(body);
	fg_json_free(env);
}
