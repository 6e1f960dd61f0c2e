/* proto.c: the CLI's side of the CLI <-> Conductor protocol (doc/protocol.md), with no I/O:
 * request bodies and their HMAC-signed envelopes, request ids and times, replies parsed. */
#include "config.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cmd.h"
#include "sigv4.h"

/* The text of a finished writer, which is freed. */
static char *
jw_take(struct fg_jw *w)
{
	char *text = fg_jw_detach(w);

	fg_jw_free(w);
	return text;
}

/* The HMAC-SHA256 of a body under a secret, as lower-case hex. */
void
envelope_hmac(const char *secret, const char *body, size_t len, char out[65])
{
	unsigned char mac[32];

	fg_hmac_sha256(secret, strlen(secret), body, len, mac);
	fg_hex(mac, sizeof(mac), out);
}

/* The envelope of a body: {"v", "user", "body", "hmac"}. */
char *
envelope_build(const char *user, const char *secret, const char *body)
{
	struct fg_jw w;
	char mac[65];

	envelope_hmac(secret, body, strlen(body), mac);
	fg_jw_init(&w, 0);
	fg_jw_obj(&w);
	fg_jw_kint(&w, "v", CLI_PROTO_VERSION);
	fg_jw_kstr(&w, "user", user);
	fg_jw_kstr(&w, "body", body);
	fg_jw_kstr(&w, "hmac", mac);
	fg_jw_end_obj(&w);
	return jw_take(&w);
}

/* The request body; args is the text of a JSON object, or NULL for none. */
char *
request_body(const char *id, const char *when, const char *reply_to, const char *command,
    int dry_run, const char *args)
{
	struct fg_jw w;
	fg_json a = NULL;
	char *err = NULL;

	if (args && (a = fg_json_parse(args, strlen(args), &err)) == NULL)
		fatalx("request args are not JSON: %s", err);
	fg_jw_init(&w, 0);
	fg_jw_obj(&w);
	fg_jw_kstr(&w, "id", id);
	fg_jw_kstr(&w, "time", when);
	fg_jw_kstr(&w, "reply_to", reply_to);
	fg_jw_kstr(&w, "command", command);
	fg_jw_kbool(&w, "dry_run", dry_run);
	fg_jw_key(&w, "args");
	if (a)
		fg_jw_value(&w, a);
	else {
		fg_jw_obj(&w);
		fg_jw_end_obj(&w);
	}
	fg_jw_end_obj(&w);
	fg_json_free(a);
	return jw_take(&w);
}

/* The args object of a request from name/value pairs. */
char *
request_args(const char *name, ...)
{
	struct fg_jw w;
	const char *val;
	va_list ap;

	fg_jw_init(&w, 0);
	fg_jw_obj(&w);
	va_start(ap, name);
	for (; name != NULL; name = va_arg(ap, const char *)) {
		val = va_arg(ap, const char *);
		if (val)
			fg_jw_kstr(&w, name, val);
	}
	va_end(ap);
	fg_jw_end_obj(&w);
	return jw_take(&w);
}

/* A random UUIDv4. */
void
request_id(char out[37])
{
	unsigned char b[16];
	char hex[33];

	fg_random_bytes(b, sizeof(b));
	b[6] = (unsigned char)((b[6] & 0x0f) | 0x40);
	b[8] = (unsigned char)((b[8] & 0x3f) | 0x80);
	fg_hex(b, sizeof(b), hex);
	snprintf(out, 37, "%.8s-%.4s-%.4s-%.4s-%.12s", hex, hex + 8, hex + 12, hex + 16, hex + 20);
}

/* The time now as "YYYY-MM-DDTHH:MM:SS.mmmZ". */
void
request_time(char out[32])
{
	int64_t ms = fg_wall_ms();
	time_t t = (time_t)(ms / 1000);
	struct tm tm;
	size_t n;

	gmtime_r(&t, &tm);
	n = strftime(out, 24, "%Y-%m-%dT%H:%M:%S", &tm);
	snprintf(out + n, 32 - n, ".%03dZ", (int)(ms % 1000));
}

/* Frees a reply. */
void
reply_free(struct reply *r)
{
	fg_json_free(r->doc);
	memset(r, 0, sizeof(*r));
}

/* Parses a reply: 0 when it answers id, 1 when it answers another request, -1 when malformed. */
int
reply_parse(const char *text, size_t len, const char *id, struct reply *r, char **err)
{
	char *perr = NULL;
	const char *rid;
	fg_json v, e;
	int64_t ver;

	memset(r, 0, sizeof(*r));
	if (len > CLI_MAX_MESSAGE) {
		*err = fg_printf("reply of %zu bytes is larger than the limit of %d", len,
		    CLI_MAX_MESSAGE);
		return -1;
	}
	if ((r->doc = fg_json_parse(text, len, &perr)) == NULL) {
		*err = fg_printf("reply is not JSON: %s", perr);
		free(perr);
		return -1;
	}
	if (!YAJL_IS_OBJECT(r->doc)) {
		*err = fg_printf("reply must be an object, not %s", fg_json_type_name(r->doc));
		goto bad;
	}
	if (fg_json_int(fg_json_get(r->doc, "v"), &ver) < 0) {
		*err = fg_strdup("reply: \"v\" is missing or not an integer");
		goto bad;
	}
	if ((rid = fg_json_str(fg_json_get(r->doc, "id"))) == NULL) {
		*err = fg_strdup("reply: \"id\" is missing or not a string");
		goto bad;
	}
	if (strcmp(rid, id) != 0) {
		reply_free(r);
		return 1;
	}
	if (ver != CLI_PROTO_VERSION) {
		*err = fg_printf("reply of protocol version %lld; this fugue speaks version %d",
		    (long long)ver, CLI_PROTO_VERSION);
		goto bad;
	}
	if (fg_json_bool(fg_json_get(r->doc, "ok"), &r->ok) < 0) {
		*err = fg_strdup("reply: \"ok\" is missing or not true/false");
		goto bad;
	}
	if (r->ok) {
		if ((r->result = fg_json_get(r->doc, "result")) == NULL) {
			*err = fg_strdup("reply: \"result\" is missing");
			goto bad;
		}
		return 0;
	}
	e = fg_json_get(r->doc, "error");
	if ((r->code = fg_json_str(fg_json_get(e, "code"))) == NULL ||
	    (v = fg_json_get(e, "message")) == NULL || (r->message = fg_json_str(v)) == NULL) {
		*err = fg_strdup("reply: \"error\" must have a \"code\" and a \"message\"");
		goto bad;
	}
	return 0;
bad:
	reply_free(r);
	return -1;
}
