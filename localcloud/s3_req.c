/* s3_req.c: what an S3 request says: bucket names, path-style paths, the action, Range
 * headers, aws-chunked bodies and copy sources. No state: unit-tested and fuzzed alone. */
#include "config.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "s3.h"

/* Tells whether name follows S3's bucket naming rules. */
int
s3_bucket_name_ok(const char *name)
{
	size_t n = strlen(name);
	int dots = 0, digits_only = 1;

	if (n < 3 || n > 63 || !isalnum((unsigned char)name[0]) || !isalnum((unsigned char)name[n - 1]))
		return 0;
	for (size_t i = 0; i < n; i++) {
		char c = name[i];

		if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '.' || c == '-'))
			return 0;
		if (c == '.' && (name[i + 1] == '.' || name[i + 1] == '-' || (i && name[i - 1] == '-')))
			return 0;
		dots += c == '.';
		if (c != '.' && !(c >= '0' && c <= '9'))
			digits_only = 0;
	}
	if (dots == 3 && digits_only)
		return 0; /* formatted as an IP address */
	if (strncmp(name, "xn--", 4) == 0 || (n > 8 && strcmp(name + n - 8, "-s3alias") == 0))
		return 0;
	return 1;
}

/* Splits "/bucket/key" into the bucket and the decoded key. */
int
s3_split_path(const char *raw, char **bucket, char **key, char **err)
{
	const char *p = raw[0] == '/' ? raw + 1 : raw, *slash = strchr(p, '/');
	size_t blen = slash ? (size_t)(slash - p) : strlen(p);

	*bucket = *key = NULL;
	if (blen > 0 && (*bucket = fg_uri_decode(p, blen, 0)) == NULL)
		goto bad;
	if (slash && slash[1] && (*key = fg_uri_decode(slash + 1, strlen(slash + 1), 0)) == NULL)
		goto bad;
	return 0;
bad:
	free(*bucket);
	*bucket = NULL;
	*err = fg_printf("bad percent-encoding in the path %.200s", raw);
	return -1;
}

/* Tells whether the query has a parameter called name. */
int
s3_has_param(const struct lc_params *q, const char *name)
{
	for (size_t i = 0; q && i < q->n; i++)
		if (strcmp(q->v[i].name, name) == 0)
			return 1;
	return 0;
}

/* Bucket sub-resources localcloud serves, each with the actions by method. */
static const struct {
	const char *param;
	const char *get, *put, *del, *post;
} subresources[] = {
	{ "delete", NULL, NULL, NULL, "DeleteObjects" },
	{ "location", "GetBucketLocation", NULL, NULL, NULL },
	{ "policy", "GetBucketPolicy", "PutBucketPolicy", "DeleteBucketPolicy", NULL },
	{ "tagging", "GetBucketTagging", "PutBucketTagging", "DeleteBucketTagging", NULL },
	{ "versioning", "GetBucketVersioning", "PutBucketVersioning", NULL, NULL },
};

/* Sub-resources S3 has that localcloud does not serve (answered NotImplemented). */
static const char *const unserved[] = {
	"accelerate", "acl", "analytics", "cors", "encryption", "intelligent-tiering", "inventory",
	"lifecycle", "logging", "metrics", "notification", "object-lock", "ownershipControls",
	"policyStatus", "publicAccessBlock", "replication", "requestPayment", "retention",
	"legal-hold", "restore", "select", "torrent", "uploads", "uploadId", "versions", "website",
	"attributes",
};

/* Names the action of a request. */
const char *
s3_action_for(const char *method, int has_bucket, int has_key, const struct lc_params *q,
    int copy_source)
{
	int get = strcmp(method, "GET") == 0, head = strcmp(method, "HEAD") == 0;
	int put = strcmp(method, "PUT") == 0, del = strcmp(method, "DELETE") == 0;
	int post = strcmp(method, "POST") == 0;

	for (size_t i = 0; i < FG_ARRAY_LEN(unserved); i++)
		if (s3_has_param(q, unserved[i]))
			return "NotImplemented";
	if (!has_bucket)
		return get ? "ListBuckets" : NULL;
	if (has_key) {
		if (get)
			return "GetObject";
		if (head)
			return "HeadObject";
		if (put)
			return copy_source ? "CopyObject" : "PutObject";
		if (del)
			return "DeleteObject";
		return NULL;
	}
	for (size_t i = 0; i < FG_ARRAY_LEN(subresources); i++)
		if (s3_has_param(q, subresources[i].param))
			return get ? subresources[i].get : put ? subresources[i].put :
			    del ? subresources[i].del : post ? subresources[i].post : NULL;
	if (get)
		return s3_has_param(q, "list-type") ? "ListObjectsV2" : "ListObjects";
	if (head)
		return "HeadBucket";
	if (put)
		return "CreateBucket";
	if (del)
		return "DeleteBucket";
	return NULL;
}

/* Reads a decimal number of at most 19 digits at *s; -1 when there is none. */
static int
read_u64(const char **s, uint64_t *out)
{
	const char *p = *s;
	uint64_t v = 0;

	if (!isdigit((unsigned char)*p))
		return -1;
	for (; isdigit((unsigned char)*p); p++) {
		if (p - *s >= 19)
			return -1;
		v = v * 10 + (uint64_t)(*p - '0');
	}
	*s = p;
	*out = v;
	return 0;
}

/* Parses "bytes=first-last", "bytes=first-" or "bytes=-suffix" (one range; others ignored). */
enum s3_range
s3_range_parse(const char *h, uint64_t size, uint64_t *first, uint64_t *last)
{
	uint64_t a = 0, b = 0;
	int has_a, has_b;

	if (h == NULL || strncmp(h, "bytes=", 6) != 0)
		return S3_RANGE_NONE;
	h += 6;
	has_a = read_u64(&h, &a) == 0;
	if (*h++ != '-')
		return S3_RANGE_NONE;
	has_b = read_u64(&h, &b) == 0;
	if (*h != 0 || (!has_a && !has_b) || (has_a && has_b && b < a))
		return S3_RANGE_NONE;
	if (!has_a) {
		/* The last b bytes. */
		if (b == 0 || size == 0)
			return S3_RANGE_UNSATISFIABLE;
		*first = b >= size ? 0 : size - b;
		*last = size - 1;
		return S3_RANGE_OK;
	}
	if (a >= size)
		return S3_RANGE_UNSATISFIABLE;
	*first = a;
	*last = has_b && b < size ? b : size - 1;
	return S3_RANGE_OK;
}

/* Decodes aws-chunked framing. The chunk signatures are not checked: the seed signature of
 * the request was. */
int
s3_chunked_decode(const char *in, size_t len, struct fg_buf *out, char **err)
{
	size_t i = 0;

	for (;;) {
		size_t size = 0, digits = 0, eol;

		while (i < len && isxdigit((unsigned char)in[i]) && digits < 16) {
			char c = (char)tolower((unsigned char)in[i++]);

			size = size * 16 + (size_t)(c <= '9' ? c - '0' : c - 'a' + 10);
			digits++;
		}
		if (digits == 0) {
			*err = fg_printf("aws-chunked body: no chunk size at byte %zu", i);
			return -1;
		}
		for (eol = i; eol + 1 < len && !(in[eol] == '\r' && in[eol + 1] == '\n'); eol++)
			;
		if (eol + 1 >= len || (eol > i && in[i] != ';')) {
			*err = fg_printf("aws-chunked body: bad chunk header at byte %zu", i);
			return -1;
		}
		i = eol + 2;
		if (size == 0)
			break;
		if (size > len - i || len - i - size < 2 || in[i + size] != '\r' ||
		    in[i + size + 1] != '\n') {
			*err = fg_printf("aws-chunked body: chunk of %zu bytes at byte %zu is truncated",
			    size, i);
			return -1;
		}
		fg_buf_add(out, in + i, size);
		i += size + 2;
	}
	/* Trailers (x-amz-checksum-...: ...\r\n) and the final CRLF may follow; they are ignored. */
	if (out->data == NULL)
		fg_buf_add(out, "", 0);
	return 0;
}

/* Parses x-amz-copy-source. */
int
s3_copy_source(const char *h, char **bucket, char **key, char **err)
{
	const char *q = strchr(h, '?');
	char *path = fg_strndup(h, q ? (size_t)(q - h) : strlen(h));
	int rc = -1;

	*bucket = *key = NULL;
	if (s3_split_path(path, bucket, key, err) < 0)
		goto out;
	if (*bucket == NULL || *key == NULL) {
		free(*bucket);
		free(*key);
		*bucket = *key = NULL;
		*err = fg_strdup("Copy Source must mention the source bucket and key: "
		    "sourcebucket/sourcekey");
		goto out;
	}
	rc = 0;
out:
	free(path);
	return rc;
}
