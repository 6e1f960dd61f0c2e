/* s3_svc.c: localcloud's S3 service (REST-XML, path style): naming the action, payload
 * checks (aws-chunked, x-amz-content-sha256, Content-MD5), errors, and dispatch. */
#include "config.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "s3.h"
#include "services.h"
#include "sigv4.h"
#include "xml.h"

/* Replies an S3 error with <BucketName> and <Key> when given. */
void
s3_error(struct lc_request *req, int status, const char *code, const char *bucket,
    const char *key, const char *fmt, ...)
{
	struct lc_err e = { .status = status, .code = code };
	struct fg_buf extra, msg;
	va_list ap;

	fg_buf_init(&extra);
	fg_buf_init(&msg);
	if (bucket)
		fg_xml_elem(&extra, "BucketName", bucket);
	if (key)
		fg_xml_elem(&extra, "Key", key);
	e.extra_xml = extra.data;
	va_start(ap, fmt);
	fg_buf_vaddf(&msg, fmt, ap);
	va_end(ap);
	lc_error_ex(req, &e, "%s", msg.data);
	if (strcmp(req->method, "HEAD") == 0)
		fg_buf_reset(&req->reply.body); /* HEAD errors have no body */
	fg_buf_free(&extra);
	fg_buf_free(&msg);
}

/* The bucket, or NULL after replying NoSuchBucket. */
struct s3_bucket *
s3_need_bucket(struct lc_request *req, struct s3_state *st, const char *name)
{
	struct s3_bucket *b = s3_bucket_find(st, name);

	if (b == NULL)
		s3_error(req, 404, "NoSuchBucket", name, NULL, "The specified bucket does not exist");
	return b;
}

/* Appends <elem>2024-01-02T03:04:05.678Z</elem>. */
void
s3_xml_time(struct fg_buf *b, const char *elem, int64_t ms)
{
	char t[32];

	lc_iso8601(ms, t);
	fg_xml_elem(b, elem, t);
}

/* Checks the payload of a request. */
int
s3_payload(struct lc_request *req, struct fg_buf *decoded, const char **body, size_t *len)
{
	const char *sha = lc_header(req, "x-amz-content-sha256");
	const char *md5 = lc_header(req, "Content-MD5");
	const char *dlen = lc_header(req, "x-amz-decoded-content-length");
	char *err = NULL;

	*body = req->body.data ? req->body.data : "";
	*len = req->body.len;
	if (sha && strncmp(sha, "STREAMING-", 10) == 0) {
		if (s3_chunked_decode(*body, *len, decoded, &err) < 0) {
			s3_error(req, 400, "IncompleteBody", NULL, NULL, "%s", err);
			free(err);
			return -1;
		}
		*body = decoded->data;
		*len = decoded->len;
		if (dlen && strtoull(dlen, NULL, 10) != *len) {
			s3_error(req, 400, "IncompleteBody", NULL, NULL, "You did not provide the number "
			    "of bytes specified by the x-amz-decoded-content-length HTTP header");
			return -1;
		}
	} else if (sha && strcmp(sha, "UNSIGNED-PAYLOAD") != 0) {
		char hex[65];

		fg_sha256_hex(*body, *len, hex);
		if (strcmp(hex, sha) != 0) {
			s3_error(req, 400, "XAmzContentSHA256Mismatch", NULL, NULL, "The provided "
			    "'x-amz-content-sha256' header does not match what was computed.");
			return -1;
		}
	}
	if (md5) {
		size_t n = 0;
		unsigned char *want = fg_base64_decode(md5, &n), got[16];

		if (want == NULL || n != 16) {
			free(want);
			s3_error(req, 400, "InvalidDigest", NULL, NULL, "The Content-MD5 you specified "
			    "was invalid.");
			return -1;
		}
		fg_md5(*body, *len, got);
		if (memcmp(want, got, 16) != 0) {
			free(want);
			s3_error(req, 400, "BadDigest", NULL, NULL, "The Content-MD5 you specified did not "
			    "match what we received.");
			return -1;
		}
		free(want);
	}
	return 0;
}

/* Names the action of a request from its method, path and query. */
static int
s3_classify(struct lc_request *req)
{
	char *bucket = NULL, *key = NULL, *err = NULL;
	const char *action;

	if (s3_split_path(req->path, &bucket, &key, &err) < 0) {
		lc_set_action(req, "Unknown");
		s3_error(req, 400, "InvalidURI", NULL, NULL, "Couldn't parse the specified URI: %s", err);
		free(err);
		return -1;
	}
	action = s3_action_for(req->method, bucket != NULL, key != NULL, &req->qparams,
	    lc_header(req, "x-amz-copy-source") != NULL);
	lc_set_action(req, action ? action : "Unknown");
	if (action == NULL)
		s3_error(req, 405, "MethodNotAllowed", NULL, NULL, "The specified method is not "
		    "allowed against this resource.");
	else if (strcmp(action, "NotImplemented") == 0)
		s3_error(req, 501, "NotImplemented", NULL, NULL, "A header you provided implies "
		    "functionality that is not implemented");
	else if (key && strlen(key) > S3_MAX_KEY)
		s3_error(req, 400, "KeyTooLongError", bucket, NULL, "Your key is too long");
	free(bucket);
	free(key);
	return action == NULL || strcmp(action, "NotImplemented") == 0 ||
	    req->reply.status >= 400 ? -1 : 0;
}

/* Dispatches an S3 request. */
static enum lc_result
s3_handle(struct lc_request *req)
{
	static const struct {
		const char *name;
		void (*bucket_fn)(struct lc_request *, struct s3_state *, const char *);
		void (*object_fn)(struct lc_request *, struct s3_state *, const char *, const char *);
	} actions[] = {
		{ "CopyObject", NULL, s3_copy_object },
		{ "CreateBucket", s3_create_bucket, NULL },
		{ "DeleteBucket", s3_delete_bucket, NULL },
		{ "DeleteObject", NULL, s3_delete_object },
		{ "DeleteObjects", s3_delete_objects, NULL },
		{ "GetObject", NULL, s3_get_object },
		{ "HeadBucket", s3_head_bucket, NULL },
		{ "HeadObject", NULL, s3_get_object },
		{ "ListBuckets", s3_list_buckets, NULL },
		{ "ListObjects", s3_list_objects, NULL },
		{ "ListObjectsV2", s3_list_objects, NULL },
		{ "PutObject", NULL, s3_put_object },
	};
	char *bucket = NULL, *key = NULL, *err = NULL;

	if (s3_split_path(req->path, &bucket, &key, &err) < 0) {
		s3_error(req, 400, "InvalidURI", NULL, NULL, "Couldn't parse the specified URI: %s", err);
		free(err);
		return LC_DONE;
	}
	for (size_t i = 0; i < FG_ARRAY_LEN(actions); i++)
		if (strcmp(actions[i].name, req->action) == 0) {
			if (actions[i].bucket_fn)
				actions[i].bucket_fn(req, req->state, bucket);
			else
				actions[i].object_fn(req, req->state, bucket, key);
			goto out;
		}
	s3_bucket_subresource(req, req->state, bucket);
out:
	free(bucket);
	free(key);
	return LC_DONE;
}

const struct lc_service lc_svc_s3 = {
	.name = "s3",
	.signing_name = "s3",
	.protocols = LC_PROTO_REST_XML,
	.throttle_code = "SlowDown",
	.throttle_status = 503,
	.create = s3_state_new,
	.destroy = s3_state_free,
	.classify = s3_classify,
	.handle = s3_handle,
	.load = s3_state_load,
	.save = s3_state_save,
};
