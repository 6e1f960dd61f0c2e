/* query.h: the request side of the AWS query protocol (SQS, SNS, IAM, STS, EC2): an ordered
 * list of parameters, the list and map flattening conventions AWS services use, form encoding
 * as the SDKs send it, and form decoding (localcloud reads requests with it). */
#ifndef FUGUE_QUERY_H
#define FUGUE_QUERY_H

#include <stddef.h>
#include <stdint.h>

#include "base.h"

/* query.c */
struct fg_qparam {
	char *key;
	char *value;
};
struct fg_query {
	struct fg_qparam *v; /* in the order added (or decoded) */
	size_t n;
	size_t cap;
};
void fg_query_init(struct fg_query *);
void fg_query_free(struct fg_query *);
void fg_query_add(struct fg_query *, const char *key, const char *value);
/* Adds key with a printf-formatted value. */
void fg_query_addf(struct fg_query *, const char *key, const char *fmt, ...) FG_PRINTF(3, 4);
void fg_query_add_int(struct fg_query *, const char *key, int64_t);
void fg_query_add_bool(struct fg_query *, const char *key, int); /* "true" / "false" */
/* Adds "prefix.index.field" = value: one field of the index-th (1-based) structure of a
 * list, e.g. ("SendMessageBatchRequestEntry", 1, "MessageBody", ...). */
void fg_query_add_at(struct fg_query *, const char *prefix, unsigned index, const char *field,
    const char *value);

/* Flattening. Every helper numbers from 1 and continues after the entries already present
 * under the same prefix, so a list can be built in several calls. */
/* prefix.1, prefix.2 ...: EC2's "InstanceId.N", SQS's "AttributeName.N", the query member
 * lists of IAM and SNS with prefix "Names.member". */
void fg_query_add_list(struct fg_query *, const char *prefix, const char *const *vals, size_t n);
/* prefix.N.kname and prefix.N.vname: SQS ("Attribute", "Name", "Value") and its tags ("Tag",
 * "Key", "Value"), IAM and SNS tags ("Tags.member", "Key", "Value"), SNS attribute maps
 * ("Attributes.entry", "key", "value"), EC2 tags ("Tag", "Key", "Value"). */
void fg_query_add_map(struct fg_query *, const char *prefix, const char *kname,
    const char *vname, const char *const *keys, const char *const *vals, size_t n);
/* EC2 filters: Filter.N.Name = name, Filter.N.Value.M = vals[M - 1]. */
void fg_query_add_filter(struct fg_query *, const char *name, const char *const *vals,
    size_t n);
/* EC2 tags on create: TagSpecification.N.ResourceType and TagSpecification.N.Tag.M.Key/Value. */
void fg_query_add_tag_spec(struct fg_query *, const char *resource_type,
    const char *const *keys, const char *const *vals, size_t n);

/* The value of the first parameter named key, or NULL. */
const char *fg_query_get(const struct fg_query *, const char *key);
/* The same with a printf-formatted key: fg_query_getf(q, "Attribute.%u.Name", i). */
const char *fg_query_getf(const struct fg_query *, const char *fmt, ...) FG_PRINTF(2, 3);

/* Appends application/x-www-form-urlencoded text: parameters sorted by key (byte order, equal
 * keys in the order added), names and values percent-encoded as SigV4 wants (RFC 3986
 * unreserved characters kept, everything else %XX in upper case, space as %20). */
void fg_query_encode(const struct fg_query *, struct fg_buf *);
/* Appends the parameters of a form body or a URL query string ("a=1&b=%20x+y"; '+' is a
 * space, a name without '=' has the value ""). Rejects bad percent-escapes, %00, ill-formed
 * UTF-8 and empty names with a message that gives the column; q is unchanged then. */
int fg_query_decode(struct fg_query *, const char *s, size_t len, char **err);

#endif
