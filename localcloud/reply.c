/* reply.c: building replies in each AWS protocol, errors included, and sending them. */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "lc.h"
#include "xml.h"

#define JSON_CT "application/x-amz-json-1.0"

/* Sets the status of the reply. */
void
lc_reply_status(struct lc_request *req, int status)
{
	req->reply.status = status;
}

/* Sets (replaces) a header of the reply. */
void
lc_reply_header(struct lc_request *req, const char *name, const char *value)
{
	fg_headers_set(&req->reply.headers, name, value);
}

/* Sets status, content type and a copy of the body. */
void
lc_reply_raw(struct lc_request *req, int status, const char *ct, const void *body, size_t len)
{
	req->reply.status = status;
	if (ct)
		lc_reply_header(req, "Content-Type", ct);
	fg_buf_reset(&req->reply.body);
	fg_buf_add(&req->reply.body, body, len);
}

/* Opens the query-protocol envelope of req->action and returns the body. */
struct fg_buf *
lc_query_begin(struct lc_request *req, int with_result)
{
	struct fg_buf *b = &req->reply.body;

	fg_buf_reset(b);
	req->reply.status = 200;
	lc_reply_header(req, "Content-Type", "text/xml");
	fg_buf_addf(b, "<?xml version=\"1.0\"?>\n<%sResponse xmlns=\"%s\">", req->action,
	    req->svc && req->svc->xmlns ? req->svc->xmlns : "");
	if (with_result)
		fg_buf_addf(b, "<%sResult>", req->action);
	return b;
}

/* Closes the query-protocol envelope with the response metadata. */
void
lc_query_end(struct lc_request *req, int with_result)
{
	struct fg_buf *b = &req->reply.body;

	if (with_result)
		fg_buf_addf(b, "</%sResult>", req->action);
	fg_buf_addf(b, "<ResponseMetadata><RequestId>%s</RequestId></ResponseMetadata></%sResponse>",
	    req->id, req->action);
}

/* Makes the writer's JSON the 200 reply. */
void
lc_reply_json(struct lc_request *req, struct fg_jw *jw)
{
	char *text = fg_jw_detach(jw);

	lc_reply_raw(req, 200, JSON_CT, text, strlen(text));
	free(text);
}

/* Makes an XML buffer the reply body (the buffer is emptied). */
void
lc_reply_xml(struct lc_request *req, int status, struct fg_buf *b)
{
	req->reply.status = status;
	lc_reply_header(req, "Content-Type", "application/xml");
	fg_buf_free(&req->reply.body);
	req->reply.body = *b;
	fg_buf_init(b);
}

/* Writes an error in req->proto. */
static void
error_write(struct lc_request *req, const struct lc_err *e, const char *msg)
{
	const char *type = e->status >= 500 ? "Receiver" : "Sender";
	const char *qcode = e->query_code ? e->query_code : e->code;
	struct fg_buf *b = &req->reply.body;

	fg_buf_reset(b);
	req->reply.status = e->status;
	if (req->proto == LC_PROTO_JSON) {
		struct fg_jw jw;
		char *t;

		fg_jw_init(&jw, 0);
		fg_jw_obj(&jw);
		if (strchr(e->code, '#') || req->svc == NULL || req->svc->json_type_prefix == NULL)
			fg_jw_kstr(&jw, "__type", e->code);
		else {
			t = fg_printf("%s%s", req->svc->json_type_prefix, e->code);
			fg_jw_kstr(&jw, "__type", t);
			free(t);
		}
		fg_jw_kstr(&jw, "message", msg);
		fg_jw_end_obj(&jw);
		t = fg_jw_detach(&jw);
		fg_buf_addstr(b, t);
		free(t);
		fg_jw_free(&jw);
		lc_reply_header(req, "Content-Type", JSON_CT);
		if (e->query_code) {
			t = fg_printf("%s;%s", e->query_code, type);
			lc_reply_header(req, "x-amzn-query-error", t);
			free(t);
		}
	} else if (req->proto == LC_PROTO_REST_XML) {
		fg_buf_addstr(b, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<Error>");
		fg_xml_elem(b, "Code", e->code);
		fg_xml_elem(b, "Message", msg);
		if (e->extra_xml)
			fg_buf_addstr(b, e->extra_xml);
		fg_xml_elem(b, "RequestId", req->id);
		fg_xml_elem(b, "HostId", req->id);
		fg_buf_addstr(b, "</Error>");
		lc_reply_header(req, "Content-Type", "application/xml");
	} else if (req->svc && req->svc->query_error) {
		req->svc->query_error(req, qcode, msg);
		lc_reply_header(req, "Content-Type", "text/xml");
	} else {
		fg_buf_addf(b, "<?xml version=\"1.0\"?>\n<ErrorResponse xmlns=\"%s\"><Error>",
		    req->svc && req->svc->xmlns ? req->svc->xmlns : "");
		fg_xml_elem(b, "Type", type);
		fg_xml_elem(b, "Code", qcode);
		fg_xml_elem(b, "Message", msg);
		if (e->extra_xml)
			fg_buf_addstr(b, e->extra_xml);
		fg_buf_addstr(b, "<Detail/></Error>");
		fg_xml_elem(b, "RequestId", req->id);
		fg_buf_addstr(b, "</ErrorResponse>");
		lc_reply_header(req, "Content-Type", "text/xml");
	}
}

/* Replies with an AWS-shaped error. */
void
lc_error_ex(struct lc_request *req, const struct lc_err *e, const char *fmt, ...)
{
	struct fg_buf msg;
	va_list ap;

	fg_buf_init(&msg);
	va_start(ap, fmt);
	fg_buf_vaddf(&msg, fmt, ap);
	va_end(ap);
	error_write(req, e, fg_buf_cstr(&msg));
	fg_buf_free(&msg);
}

/* Replies with an AWS-shaped error with one code for every protocol. */
void
lc_error(struct lc_request *req, int status, const char *code, const char *fmt, ...)
{
	struct lc_err e = { .status = status, .code = code };
	struct fg_buf msg;
	va_list ap;

	fg_buf_init(&msg);
	va_start(ap, fmt);
	fg_buf_vaddf(&msg, fmt, ap);
	va_end(ap);
	error_write(req, &e, fg_buf_cstr(&msg));
	fg_buf_free(&msg);
}

/* Adds the request-id headers of the protocol. */
static void
add_request_id(struct lc_request *req)
{
	if (req->proto == LC_PROTO_REST_XML) {
		lc_reply_header(req, "x-amz-request-id", req->id);
		lc_reply_header(req, "x-amz-id-2", req->id);
	} else
		lc_reply_header(req, "x-amzn-RequestId", req->id);
}

/* Sends the reply (or drops the connection when a fault says so) and frees req. */
void
lc_reply_send(struct lc_request *req)
{
	if (req->deferred && req->ops->watch)
		req->ops->watch(req, 0);
	if (req->drop)
		req->ops->drop(req);
	else {
		add_request_id(req);
		req->ops->send(req);
	}
	lc_request_free(req);
}

/* Writes a random (version 4) UUID. */
void
lc_uuid(char out[37])
{
	unsigned char r[16];

	fg_random_bytes(r, sizeof(r));
	r[6] = (unsigned char)((r[6] & 0x0f) | 0x40);
	r[8] = (unsigned char)((r[8] & 0x3f) | 0x80);
	snprintf(out, 37, "%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-%02x%02x%02x%02x%02x%02x",
	    r[0], r[1], r[2], r[3], r[4], r[5], r[6], r[7], r[8], r[9], r[10], r[11], r[12], r[13],
	    r[14], r[15]);
}

/* Formats Unix milliseconds as ISO 8601 UTC with milliseconds. */
void
lc_iso8601(int64_t ms, char out[32])
{
	time_t t = (time_t)(ms / 1000);
	struct tm tm;
	char s[24];

	gmtime_r(&t, &tm);
	strftime(s, sizeof(s), "%Y-%m-%dT%H:%M:%S", &tm);
	snprintf(out, 32, "%s.%03dZ", s, (int)(ms % 1000));
}

/* Formats Unix milliseconds as an RFC 1123 HTTP date. */
void
lc_http_date(int64_t ms, char out[32])
{
	time_t t = (time_t)(ms / 1000);
	struct tm tm;

	gmtime_r(&t, &tm);
	strftime(out, 32, "%a, %d %b %Y %H:%M:%S GMT", &tm);
}
