/* s3_object.c: S3 object actions: PutObject, GetObject and HeadObject (ranges, conditions,
 * response overrides), DeleteObject and CopyObject. */
#include "config.h"

#include <ctype.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "s3.h"
#include "xml.h"

/* Request headers an object keeps and returns. */
static const char *const kept_headers[] = {
	"Cache-Control", "Content-Disposition", "Content-Encoding", "Content-Language",
	"Content-Type", "Expires", "x-amz-website-redirect-location",
};

/* Collects the headers to store with an object from the request. */
static void
object_headers(struct lc_request *req, struct fg_headers *out)
{
	fg_headers_init(out);
	for (size_t i = 0; i < FG_ARRAY_LEN(kept_headers); i++) {
		const char *v = lc_header(req, kept_headers[i]);

		if (v == NULL)
			continue;
		if (strcasecmp(kept_headers[i], "Content-Encoding") == 0) {
			/* aws-chunked is the transfer framing, not the object's encoding. */
			if (strncmp(v, "aws-chunked", 11) == 0) {
				v += 11;
				while (*v == ',' || *v == ' ')
					v++;
			}
			if (*v == 0)
				continue;
		}
		fg_headers_add(out, kept_headers[i], v);
	}
	if (fg_headers_get(out, "Content-Type") == NULL)
		fg_headers_add(out, "Content-Type", S3_DEFAULT_TYPE);
	for (size_t i = 0; i < req->headers.n; i++)
		if (strncasecmp(req->headers.v[i].name, "x-amz-meta-", 11) == 0) {
			char *lower = fg_strdup(req->headers.v[i].name);

			for (char *c = lower; *c; c++)
				*c = (char)tolower((unsigned char)*c);
			fg_headers_add(out, lower, req->headers.v[i].value);
			free(lower);
		}
}

/* PutObject. */
void
s3_put_object(struct lc_request *req, struct s3_state *st, const char *bucket, const char *key)
{
	struct s3_bucket *b = s3_need_bucket(req, st, bucket);
	struct fg_headers h;
	struct fg_buf dec;
	struct s3_object *o;
	const char *body;
	size_t len;
	char *err = NULL;

	if (b == NULL)
		return;
	fg_buf_init(&dec);
	if (s3_payload(req, &dec, &body, &len) < 0) {
		fg_buf_free(&dec);
		return;
	}
	object_headers(req, &h);
	o = s3_object_put(st, b, key, body, len, &h, &err);
	fg_headers_free(&h);
	fg_buf_free(&dec);
	if (o == NULL) {
		log_warnx("s3: %s", err);
		s3_error(req, 500, "InternalError", bucket, key, "We encountered an internal error. "
		    "Please try again.");
		free(err);
		return;
	}
	lc_changed(req->srv, req->svc);
	lc_reply_header(req, "ETag", o->etag);
	lc_reply_raw(req, 200, NULL, "", 0);
}

/* Tells whether an If-Match / If-None-Match list names etag ("*" matches any). */
static int
etag_listed(const char *list, const char *etag)
{
	size_t n = strlen(etag) - 2;

	if (strstr(list, "*") != NULL)
		return 1;
	for (const char *p = list; (p = strstr(p, etag + 1)) != NULL; p++)
		if (strncmp(p, etag + 1, n) == 0)
			return 1;
	return 0;
}

/* The headers of a GET or HEAD reply for o. */
static void
reply_object_headers(struct lc_request *req, const struct s3_object *o)
{
	static const char *const overrides[][2] = {
		{ "response-cache-control", "Cache-Control" },
		{ "response-content-disposition", "Content-Disposition" },
		{ "response-content-encoding", "Content-Encoding" },
		{ "response-content-language", "Content-Language" },
		{ "response-content-type", "Content-Type" },
		{ "response-expires", "Expires" },
	};
	char date[32];

	lc_http_date(o->mtime_ms, date);
	lc_reply_header(req, "Last-Modified", date);
	lc_reply_header(req, "ETag", o->etag);
	lc_reply_header(req, "Accept-Ranges", "bytes");
	for (size_t i = 0; i < o->headers.n; i++)
		lc_reply_header(req, o->headers.v[i].name, o->headers.v[i].value);
	for (size_t i = 0; i < FG_ARRAY_LEN(overrides); i++) {
		const char *v = lc_qparam(req, overrides[i][0]);

		if (v)
			lc_reply_header(req, overrides[i][1], v);
	}
}

/* GetObject and HeadObject. */
void
s3_get_object(struct lc_request *req, struct s3_state *st, const char *bucket, const char *key)
{
	struct s3_bucket *b = s3_need_bucket(req, st, bucket);
	const char *im = lc_header(req, "If-Match"), *inm = lc_header(req, "If-None-Match");
	int head = strcmp(req->method, "HEAD") == 0;
	struct s3_object *o;
	struct fg_buf body;
	uint64_t first = 0, last = 0;
	enum s3_range r;
	char *err = NULL, len[32];

	if (b == NULL)
		return;
	if ((o = s3_object_find(b, key, NULL)) == NULL || !lc_visible(req, o->mtime_ms)) {
		s3_error(req, 404, "NoSuchKey", NULL, key, "The specified key does not exist.");
		return;
	}
	if (im && !etag_listed(im, o->etag)) {
		s3_error(req, 412, "PreconditionFailed", NULL, NULL, "At least one of the pre-conditions "
		    "you specified did not hold");
		return;
	}
	if (inm && etag_listed(inm, o->etag)) {
		lc_reply_header(req, "ETag", o->etag);
		lc_reply_raw(req, 304, NULL, "", 0);
		return;
	}
	r = s3_range_parse(lc_header(req, "Range"), o->size, &first, &last);
	if (r == S3_RANGE_UNSATISFIABLE) {
		struct lc_err e = { .status = 416, .code = "InvalidRange" };
		struct fg_buf extra;

		fg_buf_init(&extra);
		fg_xml_elem(&extra, "RangeRequested", lc_header(req, "Range"));
		snprintf(len, sizeof(len), "%" PRIu64, o->size);
		fg_xml_elem(&extra, "ActualObjectSize", len);
		e.extra_xml = extra.data;
		lc_error_ex(req, &e, "The requested range is not satisfiable");
		fg_buf_free(&extra);
		return;
	}
	reply_object_headers(req, o);
	if (r == S3_RANGE_OK) {
		char cr[80];

		snprintf(cr, sizeof(cr), "bytes %" PRIu64 "-%" PRIu64 "/%" PRIu64, first, last, o->size);
		lc_reply_header(req, "Content-Range", cr);
	} else {
		first = 0;
		last = o->size ? o->size - 1 : 0;
	}
	snprintf(len, sizeof(len), "%" PRIu64, o->size ? last - first + 1 : 0);
	lc_reply_header(req, "Content-Length", len);
	if (head) {
		lc_reply_raw(req, r == S3_RANGE_OK ? 206 : 200, NULL, "", 0);
		return;
	}
	fg_buf_init(&body);
	if (s3_object_body(st, o, &body, &err) < 0 || body.len != o->size) {
		log_warnx("s3: %s/%s: %s", bucket, key, err ? err : "the body file has the wrong size");
		free(err);
		fg_buf_free(&body);
		fg_headers_del(&req->reply.headers, "Content-Length");
		s3_error(req, 500, "InternalError", bucket, key, "We encountered an internal error. "
		    "Please try again.");
		return;
	}
	lc_reply_raw(req, r == S3_RANGE_OK ? 206 : 200, NULL, body.data + (o->size ? first : 0),
	    o->size ? (size_t)(last - first + 1) : 0);
	fg_buf_free(&body);
}

/* DeleteObject: 204 whether or not the key existed. */
void
s3_delete_object(struct lc_request *req, struct s3_state *st, const char *bucket,
    const char *key)
{
	struct s3_bucket *b = s3_need_bucket(req, st, bucket);

	if (b == NULL)
		return;
	if (s3_object_delete(st, b, key))
		lc_changed(req->srv, req->svc);
	lc_reply_raw(req, 204, NULL, "", 0);
}

/* CopyObject: the source's body, with its metadata (COPY) or the request's (REPLACE). */
void
s3_copy_object(struct lc_request *req, struct s3_state *st, const char *bucket, const char *key)
{
	struct s3_bucket *b = s3_need_bucket(req, st, bucket), *sb;
	const char *directive = lc_header(req, "x-amz-metadata-directive");
	char *sbucket = NULL, *skey = NULL, *err = NULL;
	struct s3_object *so, *o;
	struct fg_headers h;
	struct fg_buf body, x;
	int replace;

	if (b == NULL)
		return;
	if (s3_copy_source(lc_header(req, "x-amz-copy-source"), &sbucket, &skey, &err) < 0) {
		s3_error(req, 400, "InvalidArgument", NULL, NULL, "%s", err);
		free(err);
		return;
	}
	replace = directive && strcmp(directive, "REPLACE") == 0;
	if (directive && !replace && strcmp(directive, "COPY") != 0) {
		s3_error(req, 400, "InvalidArgument", NULL, NULL, "Unknown metadata directive.");
		goto out;
	}
	if ((sb = s3_need_bucket(req, st, sbucket)) == NULL)
		goto out;
	if ((so = s3_object_find(sb, skey, NULL)) == NULL) {
		s3_error(req, 404, "NoSuchKey", NULL, skey, "The specified key does not exist.");
		goto out;
	}
	if (sb == b && strcmp(skey, key) == 0 && !replace) {
		s3_error(req, 400, "InvalidRequest", NULL, NULL, "This copy request is illegal because "
		    "it is trying to copy an object to itself without changing the object's metadata, "
		    "storage class, website redirect location or encryption attributes.");
		goto out;
	}
	fg_buf_init(&body);
	if (s3_object_body(st, so, &body, &err) < 0) {
		log_warnx("s3: %s", err);
		free(err);
		fg_buf_free(&body);
		s3_error(req, 500, "InternalError", NULL, NULL, "We encountered an internal error. "
		    "Please try again.");
		goto out;
	}
	if (replace)
		object_headers(req, &h);
	else {
		fg_headers_init(&h);
		fg_headers_copy(&h, &so->headers);
	}
	o = s3_object_put(st, b, key, body.data, body.len, &h, &err);
	fg_headers_free(&h);
	fg_buf_free(&body);
	if (o == NULL) {
		log_warnx("s3: %s", err);
		free(err);
		s3_error(req, 500, "InternalError", NULL, NULL, "We encountered an internal error. "
		    "Please try again.");
		goto out;
	}
	lc_changed(req->srv, req->svc);
	fg_buf_init(&x);
	fg_buf_addf(&x, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<CopyObjectResult xmlns=\"%s\">",
	    S3_XMLNS);
	s3_xml_time(&x, "LastModified", o->mtime_ms);
	fg_xml_elem(&x, "ETag", o->etag);
	fg_buf_addstr(&x, "</CopyObjectResult>");
	lc_reply_xml(req, 200, &x);
out:
	free(sbucket);
	free(skey);
}
