/* s3.h: the private header of localcloud's S3 (REST-XML, path style): request parsing,
 * buckets and objects, object bodies on disk, and the actions. */
#ifndef FUGUE_LC_S3_H
#define FUGUE_LC_S3_H

#include <stddef.h>
#include <stdint.h>

#include "base.h"
#include "lc.h"

#define S3_XMLNS "http://s3.amazonaws.com/doc/2006-03-01/"
#define S3_MAX_KEY 1024
#define S3_MAX_KEYS 1000          /* ListObjects page and DeleteObjects batch */
#define S3_DEFAULT_TYPE "binary/octet-stream"

/* s3_req.c: parsing what a request says, without state. */
/* Bucket naming rules: 3-63 of [a-z0-9.-], letter or digit at both ends, no "..", not an IP. */
int s3_bucket_name_ok(const char *);
/* Splits a raw path-style path ("/bucket/a%20key") into the bucket and the decoded key (NULL
 * for none); -1 and *err on a bad escape. */
int s3_split_path(const char *raw, char **bucket, char **key, char **err);
/* The S3 action of a request: from the method, whether a bucket and a key are named, the
 * query's sub-resources and x-amz-copy-source; NULL when S3 has no such action. */
const char *s3_action_for(const char *method, int has_bucket, int has_key,
    const struct lc_params *query, int copy_source);
/* A Range header against an object of size bytes. */
enum s3_range { S3_RANGE_NONE, S3_RANGE_OK, S3_RANGE_UNSATISFIABLE };
enum s3_range s3_range_parse(const char *header, uint64_t size, uint64_t *first, uint64_t *last);
/* Decodes an aws-chunked body ("hex;chunk-signature=...\r\ndata\r\n ... 0;...\r\n" and optional
 * trailers) into out; -1 and *err when malformed. */
int s3_chunked_decode(const char *in, size_t len, struct fg_buf *out, char **err);
/* Parses x-amz-copy-source ("[/]bucket/key[?versionId=...]", percent-encoded). */
int s3_copy_source(const char *header, char **bucket, char **key, char **err);
/* Tells whether the query has a parameter called name. */
int s3_has_param(const struct lc_params *, const char *name);

/* s3_store.c: buckets, objects and their bodies. */
struct s3_object {
	char *key;
	uint64_t size;
	char etag[35];                /* "md5hex", quotes included */
	int64_t mtime_ms;
	struct fg_headers headers;    /* Content-Type, Cache-Control, ..., x-amz-meta-* */
	char *file;                   /* body file name under DIR/s3, or NULL in memory */
	struct fg_buf body;           /* the body when kept in memory */
};
struct s3_bucket {
	char *name;
	int64_t created_ms;
	char *region;
	char *versioning;             /* NULL, "Enabled" or "Suspended" */
	char *policy;
	struct fg_headers tags;
	struct s3_object **obj;       /* sorted by key (bytes) */
	size_t nobj;
};
struct s3_state {
	struct lc_server *srv;
	struct s3_bucket **b;         /* sorted by name */
	size_t n;
	char **garbage;               /* body files to remove once saved state no longer names them */
	size_t ngarbage;
	char **doomed;                /* ... and those, at the next save */
	size_t ndoomed;
};
struct s3_bucket *s3_bucket_find(struct s3_state *, const char *name);
struct s3_bucket *s3_bucket_add(struct s3_state *, const char *name, const char *region);
void s3_bucket_remove(struct s3_state *, struct s3_bucket *);
/* The object called key, or NULL; *at is where it is or would be inserted. */
struct s3_object *s3_object_find(const struct s3_bucket *, const char *key, size_t *at);
/* Stores a new body (copied) under key with headers (copied); replaces an older object. -1
 * and *err when the body cannot be written. */
struct s3_object *s3_object_put(struct s3_state *, struct s3_bucket *, const char *key,
    const void *body, size_t len, const struct fg_headers *headers, char **err);
int s3_object_delete(struct s3_state *, struct s3_bucket *, const char *key);
/* Reads an object's body into out; -1 and *err on a read error. */
int s3_object_body(struct s3_state *, const struct s3_object *, struct fg_buf *out, char **err);
void *s3_state_new(struct lc_server *);
void s3_state_free(void *);
void s3_state_save(void *, struct fg_jw *);
int s3_state_load(void *, fg_json, char **err);

/* s3_bucket.c: bucket actions. */
void s3_list_buckets(struct lc_request *, struct s3_state *, const char *bucket);
void s3_create_bucket(struct lc_request *, struct s3_state *, const char *bucket);
void s3_head_bucket(struct lc_request *, struct s3_state *, const char *bucket);
void s3_delete_bucket(struct lc_request *, struct s3_state *, const char *bucket);
void s3_bucket_subresource(struct lc_request *, struct s3_state *, const char *bucket);
/* s3_list.c */
void s3_list_objects(struct lc_request *, struct s3_state *, const char *bucket);
void s3_delete_objects(struct lc_request *, struct s3_state *, const char *bucket);
/* s3_object.c */
void s3_put_object(struct lc_request *, struct s3_state *, const char *bucket, const char *key);
void s3_get_object(struct lc_request *, struct s3_state *, const char *bucket, const char *key);
void s3_delete_object(struct lc_request *, struct s3_state *, const char *bucket,
    const char *key);
void s3_copy_object(struct lc_request *, struct s3_state *, const char *bucket, const char *key);

/* s3_svc.c: errors with S3's extra elements. */
void s3_error(struct lc_request *, int status, const char *code, const char *bucket,
    const char *key, const char *fmt, ...) FG_PRINTF(6, 7);
/* The bucket, or NULL after replying NoSuchBucket. */
struct s3_bucket *s3_need_bucket(struct lc_request *, struct s3_state *, const char *name);
/* The payload of a request: aws-chunked decoded, x-amz-content-sha256 and Content-MD5
 * checked. Points *body into req->body or decoded; -1 after replying the error. */
int s3_payload(struct lc_request *, struct fg_buf *decoded, const char **body, size_t *len);
/* Appends an ISO 8601 time with milliseconds. */
void s3_xml_time(struct fg_buf *, const char *elem, int64_t ms);

#endif
