/* s3_list.c: ListObjects (V1 and V2: prefix, delimiter and common prefixes, max-keys,
 * continuation) and DeleteObjects. */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "s3.h"
#include "sigv4.h"
#include "xml.h"

/* Appends <name>text</name>, URL-encoded when the client asked for encoding-type=url. */
static void
elem(struct fg_buf *b, const char *name, const char *text, int url)
{
	struct fg_buf enc;

	if (!url || text == NULL) {
		fg_xml_elem(b, name, text);
		return;
	}
	fg_buf_init(&enc);
	fg_uri_encode(&enc, text, strlen(text), 1);
	fg_xml_elem(b, name, enc.data ? enc.data : "");
	fg_buf_free(&enc);
}

/* The continuation token of a resume point: 'K' key or 'P' common prefix, base64. */
static char *
token_make(const char *resume, int is_prefix)
{
	char *raw = fg_printf("%c%s", is_prefix ? 'P' : 'K', resume);
	char *t = fg_base64(raw, strlen(raw));

	free(raw);
	return t;
}

/* Decodes a continuation token; NULL when it is not one of ours. */
static char *
token_read(const char *t, int *is_prefix)
{
	size_t n;
	unsigned char *raw = fg_base64_decode(t, &n);
	char *s;

	if (raw == NULL || n < 1 || (raw[0] != 'K' && raw[0] != 'P') || memchr(raw, 0, n)) {
		free(raw);
		return NULL;
	}
	*is_prefix = raw[0] == 'P';
	s = fg_strndup((const char *)raw + 1, n - 1);
	free(raw);
	return s;
}

/* ListObjects and ListObjectsV2. */
void
s3_list_objects(struct lc_request *req, struct s3_state *st, const char *name)
{
	struct s3_bucket *b = s3_need_bucket(req, st, name);
	int v2 = strcmp(req->action, "ListObjectsV2") == 0, after_prefix = 0, truncated = 0;
	const char *prefix = lc_qparam(req, "prefix"), *delim = lc_qparam(req, "delimiter");
	const char *mk = lc_qparam(req, "max-keys"), *enc = lc_qparam(req, "encoding-type");
	const char *token = lc_qparam(req, "continuation-token");
	const char *start = lc_qparam(req, v2 ? "start-after" : "marker");
	char *resume = NULL, *last_cp = NULL, *next = NULL, *endp;
	long max = S3_MAX_KEYS;
	size_t at = 0, count = 0, plen;
	int url = enc && strcmp(enc, "url") == 0, next_is_prefix = 0;
	struct fg_buf x, items;

	if (b == NULL)
		return;
	if (enc && !url) {
		s3_error(req, 400, "InvalidArgument", NULL, NULL, "Invalid Encoding Method specified in "
		    "Request");
		return;
	}
	if (mk) {
		max = strtol(mk, &endp, 10);
		if (*mk == 0 || *endp || max < 0) {
			s3_error(req, 400, "InvalidArgument", NULL, NULL, "Provided max-keys not an integer "
			    "or within integer range");
			return;
		}
		if (max > S3_MAX_KEYS)
			max = S3_MAX_KEYS;
	}
	if (v2 && token && (resume = token_read(token, &after_prefix)) == NULL) {
		s3_error(req, 400, "InvalidArgument", NULL, NULL, "The continuation token provided is "
		    "incorrect");
		return;
	}
	if (resume == NULL && start)
		resume = fg_strdup(start);
	prefix = prefix ? prefix : "";
	plen = strlen(prefix);
	/* Start at the later of the resume point and the prefix. */
	s3_object_find(b, resume && strcmp(resume, prefix) > 0 ? resume : prefix, &at);
	fg_buf_init(&items);
	for (; at < b->nobj; at++) {
		const char *key = b->obj[at]->key, *d;

		if (resume && (strcmp(key, resume) <= 0 || (after_prefix &&
		    strncmp(key, resume, strlen(resume)) == 0)))
			continue;
		if (strncmp(key, prefix, plen) != 0) {
			if (strcmp(key, prefix) > 0)
				break;
			continue;
		}
		d = delim && *delim ? strstr(key + plen, delim) : NULL;
		if (d) {
			size_t cl = (size_t)(d - key) + strlen(delim);

			if (last_cp && strlen(last_cp) == cl && strncmp(last_cp, key, cl) == 0)
				continue;
			if (count == (size_t)max) {
				truncated = 1;
				break;
			}
			free(last_cp);
			last_cp = fg_strndup(key, cl);
			fg_buf_addstr(&items, "<CommonPrefixes>");
			elem(&items, "Prefix", last_cp, url);
			fg_buf_addstr(&items, "</CommonPrefixes>");
			free(next);
			next = fg_strdup(last_cp);
			next_is_prefix = 1;
			count++;
			continue;
		}
		if (count == (size_t)max) {
			truncated = 1;
			break;
		}
		if (!lc_visible(req, b->obj[at]->mtime_ms))
			continue;
		fg_buf_addstr(&items, "<Contents>");
		elem(&items, "Key", key, url);
		s3_xml_time(&items, "LastModified", b->obj[at]->mtime_ms);
		fg_xml_elem(&items, "ETag", b->obj[at]->etag);
		fg_buf_addf(&items, "<Size>%llu</Size>", (unsigned long long)b->obj[at]->size);
		if (!v2) {
			fg_buf_addstr(&items, "<Owner>");
			fg_xml_elem(&items, "ID", req->who.account);
			fg_xml_elem(&items, "DisplayName", "localcloud");
			fg_buf_addstr(&items, "</Owner>");
		}
		fg_xml_elem(&items, "StorageClass", "STANDARD");
		fg_buf_addstr(&items, "</Contents>");
		free(next);
		next = fg_strdup(key);
		next_is_prefix = 0;
		count++;
	}
	fg_buf_init(&x);
	fg_buf_addf(&x, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<ListBucketResult xmlns=\"%s\">",
	    S3_XMLNS);
	fg_xml_elem(&x, "Name", b->name);
	elem(&x, "Prefix", prefix, url);
	if (!v2)
		elem(&x, "Marker", start ? start : "", url);
	if (v2 && start)
		elem(&x, "StartAfter", start, url);
	if (v2 && token)
		fg_xml_elem(&x, "ContinuationToken", token);
	if (delim)
		elem(&x, "Delimiter", delim, url);
	fg_buf_addf(&x, "<MaxKeys>%ld</MaxKeys>", max);
	if (url)
		fg_xml_elem(&x, "EncodingType", "url");
	if (v2)
		fg_buf_addf(&x, "<KeyCount>%zu</KeyCount>", count);
	fg_xml_elem(&x, "IsTruncated", truncated ? "true" : "false");
	if (truncated && next && v2) {
		char *t = token_make(next, next_is_prefix);

		fg_xml_elem(&x, "NextContinuationToken", t);
		free(t);
	} else if (truncated && next && delim) {
		elem(&x, "NextMarker", next, url);
	}
	fg_buf_add(&x, items.data ? items.data : "", items.len);
	fg_buf_addstr(&x, "</ListBucketResult>");
	lc_reply_xml(req, 200, &x);
	fg_buf_free(&items);
	free(resume);
	free(last_cp);
	free(next);
}

/* DeleteObjects: a <Delete> list of up to 1000 keys; Quiet leaves out the deleted ones. */
void
s3_delete_objects(struct lc_request *req, struct s3_state *st, const char *name)
{
	struct s3_bucket *b = s3_need_bucket(req, st, name);
	struct fg_buf dec, x;
	struct fg_xml *doc = NULL, *o;
	const char *body, *quiet;
	size_t len, n = 0;
	char *err = NULL;
	int changed = 0;

	if (b == NULL)
		return;
	fg_buf_init(&dec);
	if (lc_header(req, "Content-MD5") == NULL && lc_header(req, "x-amz-checksum-crc32") == NULL &&
	    lc_header(req, "x-amz-checksum-sha256") == NULL) {
		s3_error(req, 400, "InvalidRequest", NULL, NULL, "Missing required header for this "
		    "request: Content-MD5");
		goto out;
	}
	if (s3_payload(req, &dec, &body, &len) < 0)
		goto out;
	if ((doc = fg_xml_parse(body, len, &err)) == NULL || strcmp(doc->name, "Delete") != 0) {
		s3_error(req, 400, "MalformedXML", NULL, NULL, "The XML you provided was not well-formed "
		    "or did not validate against our published schema");
		free(err);
		goto out;
	}
	for (o = fg_xml_find(doc, "Object"); o; o = fg_xml_next_named(o))
		n++;
	if (n == 0 || n > S3_MAX_KEYS) {
		s3_error(req, 400, "MalformedXML", NULL, NULL, "The XML you provided was not well-formed "
		    "or did not validate against our published schema");
		goto out;
	}
	quiet = fg_xml_text(doc, "Quiet");
	fg_buf_init(&x);
	fg_buf_addf(&x, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<DeleteResult xmlns=\"%s\">",
	    S3_XMLNS);
	for (o = fg_xml_find(doc, "Object"); o; o = fg_xml_next_named(o)) {
		const char *key = fg_xml_text(o, "Key");

		if (key == NULL || *key == 0 || strlen(key) > S3_MAX_KEY) {
			fg_buf_addstr(&x, "<Error>");
			fg_xml_elem(&x, "Key", key ? key : "");
			fg_xml_elem(&x, "Code", "InvalidArgument");
			fg_xml_elem(&x, "Message", "Invalid key");
			fg_buf_addstr(&x, "</Error>");
			continue;
		}
		changed |= s3_object_delete(st, b, key);
		if (quiet && strcmp(quiet, "true") == 0)
			continue;
		fg_buf_addstr(&x, "<Deleted>");
		fg_xml_elem(&x, "Key", key);
		fg_buf_addstr(&x, "</Deleted>");
	}
	fg_buf_addstr(&x, "</DeleteResult>");
	if (changed)
		lc_changed(req->srv, req->svc);
	lc_reply_xml(req, 200, &x);
out:
	fg_xml_free(doc);
	fg_buf_free(&dec);
}
