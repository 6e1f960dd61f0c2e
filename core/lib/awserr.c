/* awserr.c: AWS error replies of each protocol (query XML, EC2 XML, S3 REST-XML, JSON) and
 * transport failures read into a struct fg_awserr. */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "awserr.h"
#include "json.h"
#include "xml.h"

/* Codes and texts for replies whose body says nothing (HEAD requests, proxies). */
static const struct {
	int status;
	const char *code;
	const char *text;
} status_names[] = {
	{ 301, "PermanentRedirect", "Moved Permanently" },
	{ 304, "NotModified", "Not Modified" },
	{ 307, "TemporaryRedirect", "Temporary Redirect" },
	{ 400, "BadRequest", "Bad Request" },
	{ 401, "Unauthorized", "Unauthorized" },
	{ 403, "Forbidden", "Forbidden" },
	{ 404, "NotFound", "Not Found" },
	{ 405, "MethodNotAllowed", "Method Not Allowed" },
	{ 409, "Conflict", "Conflict" },
	{ 411, "MissingContentLength", "Length Required" },
	{ 412, "PreconditionFailed", "Precondition Failed" },
	{ 413, "EntityTooLarge", "Payload Too Large" },
	{ 416, "InvalidRange", "Range Not Satisfiable" },
	{ 429, "TooManyRequests", "Too Many Requests" },
	{ 500, "InternalError", "Internal Server Error" },
	{ 501, "NotImplemented", "Not Implemented" },
	{ 502, "BadGateway", "Bad Gateway" },
	{ 503, "ServiceUnavailable", "Service Unavailable" },
	{ 504, "GatewayTimeout", "Gateway Timeout" },
};

/* Codes for transport failures, in enum fg_http_err order. */
static const char *const transport_codes[] = {
	"OK", "BadUrl", "DnsFailure", "ConnectionFailed", "Timeout", "ConnectionReset",
	"TlsFailure", "MalformedResponse", "ResponseTooLarge", "Cancelled",
};

/* Returns whether len bytes of s are only white space. */
int
fg_awserr_blank(const char *s, size_t len)
{
	for (size_t i = 0; i < len; i++)
		if (s[i] != ' ' && s[i] != '\t' && s[i] != '\r' && s[i] != '\n')
			return 0;
	return 1;
}

/* Copies s unless it is NULL or empty. */
static char *
dup_nonempty(const char *s)
{
	return s != NULL && *s != '\0' ? fg_strdup(s) : NULL;
}

/* Reads Sender/Receiver (any case). */
static enum fg_err_fault
fault_from(const char *s)
{
	if (s != NULL && strncasecmp(s, "sender", 6) == 0)
		return FG_FAULT_SENDER;
	if (s != NULL && strncasecmp(s, "receiver", 8) == 0)
		return FG_FAULT_RECEIVER;
	return FG_FAULT_UNKNOWN;
}

/* Reads an XML error body: <ErrorResponse><Error>, <Response><Errors><Error> or <Error>. */
static void
parse_xml(struct fg_awserr *e, const char *body, size_t len, char **perr)
{
	struct fg_xml *root = fg_xml_parse(body, len, perr), *err;

	if (root == NULL)
		return;
	err = strcmp(root->name, "Error") == 0 ? root : fg_xml_find(root, "Error");
	if (err == NULL)
		err = fg_xml_find(root, "Errors/Error");
	if (err == NULL) {
		*perr = fg_printf("no <Error> element in <%s>", root->name);
		fg_xml_free(root);
		return;
	}
	e->code = dup_nonempty(fg_xml_text(err, "Code"));
	e->message = dup_nonempty(fg_xml_text(err, "Message"));
	e->fault = fault_from(fg_xml_text(err, "Type"));
	e->request_id = dup_nonempty(fg_xml_text(root, "RequestId"));
	if (e->request_id == NULL)
		e->request_id = dup_nonempty(fg_xml_text(root, "RequestID"));
	if (e->request_id == NULL)
		e->request_id = dup_nonempty(fg_xml_text(err, "RequestId"));
	fg_xml_free(root);
}

/* Keeps the error name of a JSON type: "aws.prefix#Name:http://..." gives "Name". */
static char *
json_code(const char *type)
{
	const char *hash = strrchr(type, '#');

	if (hash != NULL)
		type = hash + 1;
	return fg_strndup(type, strcspn(type, ":"));
}

/* Reads a JSON 1.0/1.1 error body: {"__type": ..., "message": ...}. */
static void
parse_json(struct fg_awserr *e, const char *body, size_t len, char **perr)
{
	fg_json v = fg_json_parse(body, len, perr);
	const char *type, *msg;

	if (v == NULL)
		return;
	if (v->type != yajl_t_object) {
		*perr = fg_printf("the body is a JSON %s, not an object", fg_json_type_name(v));
		fg_json_free(v);
		return;
	}
	type = fg_json_str(fg_json_get(v, "__type"));
	if (type == NULL)
		type = fg_json_str(fg_json_get(v, "code"));
	if (type == NULL)
		type = fg_json_str(fg_json_get(v, "Code"));
	if (type != NULL && *type != '\0')
		e->code = json_code(type);
	msg = fg_json_str(fg_json_get(v, "message"));
	if (msg == NULL)
		msg = fg_json_str(fg_json_get(v, "Message"));
	if (msg == NULL)
		msg = fg_json_str(fg_json_get(v, "errorMessage"));
	e->message = dup_nonempty(msg);
	fg_json_free(v);
}

/* Takes what the JSON protocols put in headers: the query-compatible code and fault of SQS
 * ("AWS.SimpleQueueService.NonExistentQueue;Sender"), which wins as the SDKs let it, and the
 * error type of REST-JSON replies when the body had none. */
static void
parse_json_headers(struct fg_awserr *e, const struct fg_headers *h)
{
	const char *q = fg_headers_get(h, "x-amzn-query-error");
	const char *t = fg_headers_get(h, "x-amzn-ErrorType");

	if (q != NULL && *q != '\0' && *q != ';') {
		const char *semi = strchr(q, ';');

		free(e->code);
		e->code = fg_strndup(q, semi != NULL ? (size_t)(semi - q) : strlen(q));
		if (semi != NULL)
			e->fault = fault_from(semi + 1);
	}
	if (e->code == NULL && t != NULL && *t != '\0' && *t != ':')
		e->code = json_code(t);
}

/* Reads an HTTP date ("Tue, 26 Jan 2016 21:57:47 GMT") as Unix milliseconds. */
static int
http_date_ms(const char *s, int64_t *ms)
{
	static const char months[] = "JanFebMarAprMayJunJulAugSepOctNovDec";
	struct tm tm;
	char mon[4];
	const char *m;
	time_t t;

	memset(&tm, 0, sizeof(tm));
	if (sscanf(s, "%*3s, %2d %3s %4d %2d:%2d:%2d GMT", &tm.tm_mday, mon, &tm.tm_year,
	    &tm.tm_hour, &tm.tm_min, &tm.tm_sec) != 6)
		return -1;
	m = strstr(months, mon);
	if (m == NULL || strlen(mon) != 3 || (m - months) % 3 != 0)
		return -1;
	tm.tm_mon = (int)(m - months) / 3;
	tm.tm_year -= 1900;
	t = timegm(&tm);
	if (t == (time_t)-1)
		return -1;
	*ms = (int64_t)t * 1000;
	return 0;
}

/* The index of status in status_names, or -1. */
static int
status_index(int status)
{
	for (size_t i = 0; i < FG_ARRAY_LEN(status_names); i++)
		if (status_names[i].status == status)
			return (int)i;
	return -1;
}

/* Fills *e from an error reply. */
void
fg_awserr_parse(struct fg_awserr *e, enum fg_aws_proto proto, int status,
    const struct fg_headers *h, const char *body, size_t len)
{
	static const struct fg_headers none;
	const char *date;
	char *perr = NULL;
	int si = status_index(status);
	int64_t server_ms;

	memset(e, 0, sizeof(*e));
	e->status = status;
	e->transport = FG_HTTP_OK;
	if (h == NULL)
		h = &none;
	if (body != NULL && !fg_awserr_blank(body, len)) {
		if (proto == FG_PROTO_JSON)
			parse_json(e, body, len, &perr);
		else
			parse_xml(e, body, len, &perr);
	}
	if (proto == FG_PROTO_JSON)
		parse_json_headers(e, h);
	if (e->request_id == NULL)
		e->request_id = dup_nonempty(fg_headers_get(h, "x-amzn-RequestId"));
	if (e->request_id == NULL)
		e->request_id = dup_nonempty(fg_headers_get(h, "x-amz-request-id"));
	if (e->code == NULL)
		e->code = si >= 0 ? fg_strdup(status_names[si].code) : fg_printf("Http%d", status);
	if (e->message == NULL && perr != NULL)
		e->message = fg_printf("HTTP %d with an unreadable error body: %s", status, perr);
	else if (e->message == NULL)
		e->message = fg_strdup(si >= 0 ? status_names[si].text : "");
	free(perr);
	if (e->fault == FG_FAULT_UNKNOWN && status >= 400)
		e->fault = status >= 500 ? FG_FAULT_RECEIVER : FG_FAULT_SENDER;
	date = fg_headers_get(h, "Date");
	if (date != NULL && http_date_ms(date, &server_ms) == 0)
		e->skew_ms = server_ms - fg_wall_ms();
	e->cls = fg_awserr_classify(e);
}

/* Fills *e for a request that got no reply. */
void
fg_awserr_transport(struct fg_awserr *e, enum fg_http_err err, const char *msg)
{
	memset(e, 0, sizeof(*e));
	e->transport = err;
	e->code = fg_strdup((unsigned)err < FG_ARRAY_LEN(transport_codes) ?
	    transport_codes[err] : "TransportError");
	e->message = fg_strdup(msg != NULL ? msg : fg_http_err_name(err));
	e->cls = fg_awserr_classify(e);
}

/* Says whether a 2xx body is an S3 <Error> document (CopyObject, CompleteMultipartUpload and
 * UploadPartCopy can fail after the 200 status was sent). */
static int
error_in_success(const char *body, size_t len)
{
	size_t i = 0;

	while (i < len && (body[i] == ' ' || body[i] == '\t' || body[i] == '\r' || body[i] == '\n'))
		i++;
	if (len - i >= 5 && memcmp(body + i, "<?xml", 5) == 0) {
		const char *end = memchr(body + i, '>', len - i);

		if (end == NULL)
			return 0;
		i = (size_t)(end - body) + 1;
		while (i < len && (body[i] == ' ' || body[i] == '\r' || body[i] == '\n'))
			i++;
	}
	return len - i >= 7 && memcmp(body + i, "<Error>", 7) == 0;
}

/* Classifies a finished exchange; 0 when it is a success. */
int
fg_awserr_from_reply(struct fg_awserr *e, enum fg_aws_proto proto, enum fg_http_err err,
    const char *errmsg, const struct fg_http_response *resp)
{
	if (err != FG_HTTP_OK || resp == NULL) {
		fg_awserr_transport(e, err != FG_HTTP_OK ? err : FG_HTTP_EPROTO,
		    err != FG_HTTP_OK ? errmsg : "no response");
		return 1;
	}
	if (resp->status >= 200 && resp->status < 300 &&
	    !(proto == FG_PROTO_REST_XML && error_in_success(resp->body.data, resp->body.len))) {
		memset(e, 0, sizeof(*e));
		e->status = resp->status;
		return 0;
	}
	fg_awserr_parse(e, proto, resp->status, &resp->headers, resp->body.data, resp->body.len);
	if (resp->status >= 200 && resp->status < 300 && e->cls == FG_ERR_NONE)
		e->cls = FG_ERR_RETRYABLE; /* S3's advice for these: retry */
	return 1;
}

/* Frees the strings of e. */
void
fg_awserr_free(struct fg_awserr *e)
{
	free(e->code);
	free(e->message);
	free(e->request_id);
	memset(e, 0, sizeof(*e));
}

/* A one-line description for logs and users. */
char *
fg_awserr_describe(const struct fg_awserr *e)
{
	struct fg_buf b;

	fg_buf_init(&b);
	fg_buf_addf(&b, "%s", e->code != NULL ? e->code : "Error");
	if (e->message != NULL && *e->message != '\0')
		fg_buf_addf(&b, ": %s", e->message);
	if (e->transport != FG_HTTP_OK)
		fg_buf_addf(&b, " (no reply, %s)", fg_err_class_name(e->cls));
	else
		fg_buf_addf(&b, " (HTTP %d, %s", e->status, fg_err_class_name(e->cls));
	if (e->transport == FG_HTTP_OK && e->request_id != NULL)
		fg_buf_addf(&b, ", request ID %s", e->request_id);
	if (e->transport == FG_HTTP_OK)
		fg_buf_addc(&b, ')');
	return fg_buf_detach(&b);
}
