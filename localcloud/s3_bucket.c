/* s3_bucket.c: S3 bucket actions: ListBuckets, Create/Head/DeleteBucket, and the location,
 * tagging, versioning and policy sub-resources. */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "s3.h"
#include "xml.h"

/* Starts an XML reply body with its root element. */
static struct fg_buf *
xml_begin(struct fg_buf *b, const char *root)
{
	fg_buf_init(b);
	fg_buf_addf(b, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<%s xmlns=\"%s\">", root, S3_XMLNS);
	return b;
}

/* Closes the root element and sends the body with status 200. */
static void
xml_end(struct lc_request *req, struct fg_buf *b, const char *root)
{
	fg_buf_addf(b, "</%s>", root);
	lc_reply_xml(req, 200, b);
}

/* Replies with no body. */
static void
reply_status(struct lc_request *req, int status)
{
	lc_reply_raw(req, status, NULL, "", 0);
}

/* ListBuckets. */
void
s3_list_buckets(struct lc_request *req, struct s3_state *st, const char *bucket)
{
	struct fg_buf b;

	(void)bucket;
	xml_begin(&b, "ListAllMyBucketsResult");
	fg_buf_addstr(&b, "<Owner>");
	fg_xml_elem(&b, "ID", req->who.account);
	fg_xml_elem(&b, "DisplayName", "localcloud");
	fg_buf_addstr(&b, "</Owner><Buckets>");
	for (size_t i = 0; i < st->n; i++) {
		if (!lc_visible(req, st->b[i]->created_ms))
			continue;
		fg_buf_addstr(&b, "<Bucket>");
		fg_xml_elem(&b, "Name", st->b[i]->name);
		s3_xml_time(&b, "CreationDate", st->b[i]->created_ms);
		fg_buf_addstr(&b, "</Bucket>");
	}
	fg_buf_addstr(&b, "</Buckets>");
	xml_end(req, &b, "ListAllMyBucketsResult");
}

/* Parses an XML request body; NULL after replying MalformedXML. */
static struct fg_xml *
xml_body(struct lc_request *req, const char *body, size_t len)
{
	char *err = NULL;
	struct fg_xml *x = fg_xml_parse(body, len, &err);

	if (x == NULL) {
		s3_error(req, 400, "MalformedXML", NULL, NULL, "The XML you provided was not well-formed "
		    "or did not validate against our published schema (%s)", err);
		free(err);
	}
	return x;
}

/* CreateBucket. */
void
s3_create_bucket(struct lc_request *req, struct s3_state *st, const char *name)
{
	const char *region = req->who.region ? req->who.region : LC_DEFAULT_REGION, *body;
	struct fg_buf dec;
	struct fg_xml *x = NULL;
	size_t len;
	char *loc;

	fg_buf_init(&dec);
	if (!s3_bucket_name_ok(name)) {
		s3_error(req, 400, "InvalidBucketName", name, NULL, "The specified bucket is not valid.");
		goto out;
	}
	if (s3_payload(req, &dec, &body, &len) < 0)
		goto out;
	if (len > 0) {
		const char *lc;

		if ((x = xml_body(req, body, len)) == NULL)
			goto out;
		lc = fg_xml_text(x, "LocationConstraint");
		if (lc && *lc && strcmp(lc, region) != 0) {
			s3_error(req, 400, "IllegalLocationConstraintException", name, NULL, "The %s "
			    "location constraint is incompatible for the region specific endpoint this "
			    "request was sent to.", lc);
			goto out;
		}
		if (lc && *lc)
			region = lc;
	}
	if (s3_bucket_find(st, name) != NULL) {
		s3_error(req, 409, "BucketAlreadyOwnedByYou", name, NULL, "Your previous request to "
		    "create the named bucket succeeded and you already own it.");
		goto out;
	}
	s3_bucket_add(st, name, region);
	lc_changed(req->srv, req->svc);
	loc = fg_printf("/%s", name);
	lc_reply_header(req, "Location", loc);
	free(loc);
	reply_status(req, 200);
out:
	fg_xml_free(x);
	fg_buf_free(&dec);
}

/* HeadBucket. */
void
s3_head_bucket(struct lc_request *req, struct s3_state *st, const char *name)
{
	struct s3_bucket *b = s3_bucket_find(st, name);

	if (b == NULL || !lc_visible(req, b->created_ms)) {
		s3_error(req, 404, "NoSuchBucket", name, NULL, "The specified bucket does not exist");
		return;
	}
	lc_reply_header(req, "x-amz-bucket-region", b->region);
	reply_status(req, 200);
}

/* DeleteBucket: only an empty one. */
void
s3_delete_bucket(struct lc_request *req, struct s3_state *st, const char *name)
{
	struct s3_bucket *b = s3_need_bucket(req, st, name);

	if (b == NULL)
		return;
	if (b->nobj > 0) {
		s3_error(req, 409, "BucketNotEmpty", name, NULL, "The bucket you tried to delete is not "
		    "empty");
		return;
	}
	s3_bucket_remove(st, b);
	lc_changed(req->srv, req->svc);
	reply_status(req, 204);
}

/* PutBucketTagging: replaces the tag set. */
static void
put_tagging(struct lc_request *req, struct s3_state *st, struct s3_bucket *b)
{
	struct fg_buf dec;
	struct fg_headers tags;
	struct fg_xml *x = NULL, *t;
	const char *body;
	size_t len;

	fg_buf_init(&dec);
	fg_headers_init(&tags);
	if (s3_payload(req, &dec, &body, &len) < 0 || (x = xml_body(req, body, len)) == NULL)
		goto out;
	for (t = fg_xml_find(x, "TagSet/Tag"); t; t = fg_xml_next_named(t)) {
		const char *k = fg_xml_text(t, "Key"), *v = fg_xml_text(t, "Value");

		if (k == NULL || !*k || strlen(k) > 128 || (v && strlen(v) > 256)) {
			s3_error(req, 400, "InvalidTag", b->name, NULL, "The TagKey you have provided is "
			    "invalid");
			goto out;
		}
		if (fg_headers_get(&tags, k)) {
			s3_error(req, 400, "InvalidTag", b->name, NULL, "Cannot provide multiple Tags with "
			    "the same key");
			goto out;
		}
		fg_headers_add(&tags, k, v ? v : "");
	}
	fg_headers_free(&b->tags);
	b->tags = tags;
	fg_headers_init(&tags);
	lc_changed(req->srv, req->svc);
	reply_status(req, 204);
out:
	(void)st;
	fg_headers_free(&tags);
	fg_xml_free(x);
	fg_buf_free(&dec);
}

/* GetBucketTagging. */
static void
get_tagging(struct lc_request *req, struct s3_bucket *b)
{
	struct fg_buf x;

	if (b->tags.n == 0) {
		s3_error(req, 404, "NoSuchTagSet", b->name, NULL, "The TagSet does not exist");
		return;
	}
	xml_begin(&x, "Tagging");
	fg_buf_addstr(&x, "<TagSet>");
	for (size_t i = 0; i < b->tags.n; i++) {
		fg_buf_addstr(&x, "<Tag>");
		fg_xml_elem(&x, "Key", b->tags.v[i].name);
		fg_xml_elem(&x, "Value", b->tags.v[i].value);
		fg_buf_addstr(&x, "</Tag>");
	}
	fg_buf_addstr(&x, "</TagSet>");
	xml_end(req, &x, "Tagging");
}

/* PutBucketVersioning: the status is kept (objects keep one version). */
static void
put_versioning(struct lc_request *req, struct s3_bucket *b)
{
	struct fg_buf dec;
	struct fg_xml *x = NULL;
	const char *body, *status;
	size_t len;

	fg_buf_init(&dec);
	if (s3_payload(req, &dec, &body, &len) < 0 || (x = xml_body(req, body, len)) == NULL)
		goto out;
	status = fg_xml_text(x, "Status");
	if (status == NULL || (strcmp(status, "Enabled") && strcmp(status, "Suspended"))) {
		s3_error(req, 400, "MalformedXML", b->name, NULL, "The XML you provided was not "
		    "well-formed or did not validate against our published schema");
		goto out;
	}
	free(b->versioning);
	b->versioning = fg_strdup(status);
	lc_changed(req->srv, req->svc);
	reply_status(req, 200);
out:
	fg_xml_free(x);
	fg_buf_free(&dec);
}

/* PutBucketPolicy: any JSON object is kept as sent. */
static void
put_policy(struct lc_request *req, struct s3_bucket *b)
{
	struct fg_buf dec;
	const char *body;
	size_t len;
	char *err = NULL;
	fg_json j = NULL;

	fg_buf_init(&dec);
	if (s3_payload(req, &dec, &body, &len) < 0)
		goto out;
	if (len == 0 || body[0] != '{' || (j = fg_json_parse(body, len, &err)) == NULL) {
		s3_error(req, 400, "MalformedPolicy", b->name, NULL, "Policies must be valid JSON and "
		    "the first byte must be '{'");
		free(err);
		goto out;
	}
	free(b->policy);
	b->policy = fg_strndup(body, len);
	lc_changed(req->srv, req->svc);
	reply_status(req, 204);
out:
	fg_json_free(j);
	fg_buf_free(&dec);
}

/* Bucket sub-resources: location, tagging, versioning, policy. */
void
s3_bucket_subresource(struct lc_request *req, struct s3_state *st, const char *name)
{
	struct s3_bucket *b = s3_need_bucket(req, st, name);
	const char *a = req->action;
	struct fg_buf x;

	if (b == NULL)
		return;
	if (strcmp(a, "GetBucketLocation") == 0) {
		xml_begin(&x, "LocationConstraint");
		if (strcmp(b->region, "us-east-1") != 0)
			fg_xml_escape(&x, b->region);
		xml_end(req, &x, "LocationConstraint");
	} else if (strcmp(a, "PutBucketTagging") == 0) {
		put_tagging(req, st, b);
	} else if (strcmp(a, "GetBucketTagging") == 0) {
		get_tagging(req, b);
	} else if (strcmp(a, "DeleteBucketTagging") == 0) {
		fg_headers_free(&b->tags);
		fg_headers_init(&b->tags);
		lc_changed(req->srv, req->svc);
		reply_status(req, 204);
	} else if (strcmp(a, "PutBucketVersioning") == 0) {
		put_versioning(req, b);
	} else if (strcmp(a, "GetBucketVersioning") == 0) {
		xml_begin(&x, "VersioningConfiguration");
		if (b->versioning)
			fg_xml_elem(&x, "Status", b->versioning);
		xml_end(req, &x, "VersioningConfiguration");
	} else if (strcmp(a, "PutBucketPolicy") == 0) {
		put_policy(req, b);
	} else if (strcmp(a, "GetBucketPolicy") == 0) {
		if (b->policy == NULL)
			s3_error(req, 404, "NoSuchBucketPolicy", b->name, NULL, "The bucket policy does "
			    "not exist");
		else
			lc_reply_raw(req, 200, "application/json", b->policy, strlen(b->policy));
	} else if (strcmp(a, "DeleteBucketPolicy") == 0) {
		free(b->policy);
		b->policy = NULL;
		lc_changed(req->srv, req->svc);
		reply_status(req, 204);
	} else {
		s3_error(req, 501, "NotImplemented", name, NULL, "A header you provided implies "
		    "functionality that is not implemented");
	}
}
