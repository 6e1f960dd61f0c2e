/* fuzz_conductor_request.c: a request message as the Conductor's poller hands it over: checks 1
 * to 6 (envelope, version, user, HMAC, body, time), the id and reply_to read for error
 * replies, and the property arguments checked without I/O. The first byte's bit 0 picks what
 * the rest is: a whole message, or a body that gets signed with root's secret (so the fuzzer
 * reaches the body checks past the HMAC). The clock is fixed at 2026-11-27T05:40:00Z. */
#include "config.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "conductor.h"
#include "fixed_clock.h"

#define SECRET "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"
#define NOW_MS INT64_C(1795758000000)

int LLVMFuzzerTestOneInput(const uint8_t *, size_t);

static const struct verify_ctx ctx = { "000000000000", "t1-fugue-reply-" };

/* A message of body signed with root's secret; caller frees. */
static char *
signed_message(const char *body, size_t len)
{
	struct fg_jw w;
	char mac[65], *text;

	envelope_sign(SECRET, body, len, mac);
	fg_jw_init(&w, 0);
	fg_jw_obj(&w);
	fg_jw_key(&w, "v");
	fg_jw_int(&w, 1);
	fg_jw_kstr(&w, "user", "root");
	fg_jw_key(&w, "body");
	fg_jw_strn(&w, body, len);
	fg_jw_kstr(&w, "hmac", mac);
	fg_jw_end_obj(&w);
	text = fg_jw_detach(&w);
	fg_jw_free(&w);
	return text;
}

/* What a property command checks in its arguments before it needs the process. */
static void
property_args(fg_json args)
{
	const char *key = fg_json_str(fg_json_get(args, "key"));
	const char *value = fg_json_str(fg_json_get(args, "value"));
	struct proc_props props;
	char *err = NULL;

	if (key == NULL)
		return;
	props_default(&props, 60);
	if (value != NULL && prop_set(&props, key, value, &err) < 0 && err == NULL)
		abort(); /* a refusal without a reason */
	free(err);
	err = NULL;
	if (prop_find(key) == NULL) {
		err = prop_unknown(key);
		if (err == NULL || *err == '\0')
			abort();
	}
	free(err);
	free(props.alias);
}

/* Runs checks 1 to 6 on the message, then peeks at it as an error reply does. */
int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct envelope e;
	struct req_body b;
	enum req_check rc;
	char *msg = NULL, *text, *id, *reply_to;
	size_t len;

	if (size < 1)
		return 0;
	fixed_clock_set(NOW_MS);
	if (data[0] & 1) {
		text = signed_message((const char *)data + 1, size - 1);
		len = strlen(text);
	} else {
		text = fg_strndup((const char *)data + 1, size - 1);
		len = size - 1;
	}
	rc = envelope_parse(text, len, &e, &msg);
	if (rc == RC_OK) {
		if (msg != NULL || e.user == NULL || e.body == NULL || e.hmac == NULL)
			abort();
		rc = envelope_verify(&e, user_name_ok(e.user) && strcmp(e.user, "root") == 0 ?
		    SECRET : NULL, &ctx, &b, &msg);
		if (rc == RC_OK) {
			if (msg != NULL || b.command == NULL || !user_name_ok(e.user))
				abort();
			if (strncmp(b.command, "property-", 9) == 0)
				property_args(b.args);
			req_body_free(&b);
		}
		envelope_free(&e);
	}
	if (rc != RC_OK && (msg == NULL || *req_check_code(rc) == '\0'))
		abort(); /* a failed check must say what failed */
	free(msg);
	envelope_peek(text, len, &ctx, &id, &reply_to);
	if (reply_to != NULL && reply_to_check(reply_to, &ctx, &msg) != 0)
		abort();
	free(id);
	free(reply_to);
	free(text);
	return 0;
}
