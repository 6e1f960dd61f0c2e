/* fuzz_aws_reply.c: an AWS reply as the client reads it off the wire: the HTTP response parser,
 * then the error reader of every protocol with the reply's headers (Date for clock skew,
 * x-amzn-ErrorType, x-amz-request-id...), its classification, the retry decision and the body
 * parse of a success. Input: the raw response. */
#include "config.h"

#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "awserr.h"
#include "http.h"
#include "json.h"
#include "retry.h"
#include "xml.h"

int LLVMFuzzerTestOneInput(const uint8_t *, size_t);

/* Reads a success body as the client does for its protocol. */
static void
success_body(enum fg_aws_proto proto, const struct fg_http_response *resp)
{
	char *err = NULL;

	if (resp->body.len == 0 || fg_awserr_blank(resp->body.data, resp->body.len))
		return;
	if (proto == FG_PROTO_JSON) {
		fg_json v = fg_json_parse(resp->body.data, resp->body.len, &err);

		if ((v == NULL) == (err == NULL))
			abort();
		fg_json_free(v);
	} else {
		struct fg_xml *x = fg_xml_parse(resp->body.data, resp->body.len, &err);

		if ((x == NULL) == (err == NULL))
			abort();
		fg_xml_free(x);
	}
	free(err);
}

/* Parses the response, then reads it in each protocol. */
int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const enum fg_aws_proto protos[] = { FG_PROTO_QUERY, FG_PROTO_EC2,
		FG_PROTO_REST_XML, FG_PROTO_JSON };
	struct fg_http_parser *p = fg_http_parser_new(0, 1u << 20);
	struct fg_http_response resp;
	enum fg_http_parse_state st;
	size_t used;

	st = fg_http_parser_feed(p, (const char *)data, size, &used, 0);
	if (st == FG_HP_MORE)
		st = fg_http_parser_feed(p, "", 0, &used, 1);
	if (st != FG_HP_DONE) {
		fg_http_parser_free(p);
		return 0;
	}
	fg_http_parser_take(p, &resp);
	fg_http_parser_free(p);
	for (size_t i = 0; i < FG_ARRAY_LEN(protos); i++) {
		struct fg_retry_config rc;
		struct fg_retry_quota q;
		struct fg_retry_state rs;
		struct fg_awserr e;
		uint64_t delay;
		const char *why;
		char *d;

		if (fg_awserr_from_reply(&e, protos[i], FG_HTTP_OK, NULL, &resp) == 0) {
			if (resp.status < 200 || resp.status > 299)
				abort(); /* only a 2xx can be a success */
			success_body(protos[i], &resp);
			continue;
		}
		/* (A 2xx error whose code says nothing is retried, as S3 advises.) */
		if (e.code == NULL || e.message == NULL || e.cls == FG_ERR_NONE ||
		    (e.cls != fg_awserr_classify(&e) && resp.status / 100 != 2))
			abort();
		d = fg_awserr_describe(&e);
		free(d);
		fg_retry_config_default(&rc);
		fg_retry_quota_init(&q);
		fg_retry_begin(&rs);
		rs.attempts = 1;
		if (fg_retry_next(&rc, &q, &rs, &e, &delay, &why)) {
			if (!fg_retry_is_retryable(&e) || delay > FG_RETRY_MAX_BACKOFF_MS)
				abort();
		} else if (why == NULL)
			abort();
		fg_awserr_free(&e);
	}
	fg_http_response_free(&resp);
	return 0;
}
