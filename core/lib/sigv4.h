/* sigv4.h: AWS Signature Version 4: signing requests (Authorization header or presigned query)
 * and the pieces a server needs to verify them (localcloud). */
#ifndef FUGUE_SIGV4_H
#define FUGUE_SIGV4_H

#include <stddef.h>
#include <time.h>

#include "base.h"

/* crypto.c: hashes, HMAC and encodings over OpenSSL. */
void fg_sha256(const void *, size_t, unsigned char out[32]);
void fg_sha256_hex(const void *, size_t, char out[65]);
void fg_hmac_sha256(const void *key, size_t keylen, const void *, size_t, unsigned char out[32]);
void fg_md5(const void *, size_t, unsigned char out[16]);
void fg_md5_hex(const void *, size_t, char out[33]);
void fg_hex(const unsigned char *, size_t, char *out); /* lower case, NUL-terminated */
char *fg_base64(const void *, size_t);
/* Decodes standard base64 (padding required); NULL on bad input. */
unsigned char *fg_base64_decode(const char *, size_t *outlen);
/* Compares in constant time; 0 when equal. */
int fg_ct_memcmp(const void *, const void *, size_t);

/* sigv4.c */
struct fg_creds {
	char *access_key;
	char *secret_key;
	char *session_token; /* NULL without one */
	time_t expiration;   /* 0: does not expire */
	char *source;        /* where they came from, for messages: "environment", "profile dev", ... */
};
void fg_creds_clear(struct fg_creds *);
/* Copies every field; dst's old contents are not freed (fg_creds_clear it first). */
void fg_creds_copy(struct fg_creds *dst, const struct fg_creds *src);

enum fg_sigv4_payload {
	FG_PAYLOAD_SIGNED,   /* hash of the body in the canonical request */
	FG_PAYLOAD_UNSIGNED, /* "UNSIGNED-PAYLOAD" (S3) */
};

struct fg_sigv4_params {
	const char *region;
	const char *service;          /* signing name: "sqs", "s3", "dynamodb", ... */
	time_t when;                  /* signing time */
	int normalize_path;           /* 1 except for S3 */
	int double_encode_path;       /* 1 except for S3 */
	int content_sha256_header;    /* add x-amz-content-sha256 (S3) */
	enum fg_sigv4_payload payload;
	unsigned expires;             /* presign: X-Amz-Expires seconds */
	int omit_session_token;       /* presign for services that add the token after signing */
	/* (Header signing honours omit_session_token too: the header is added but not signed.)
	 * Verification reads region and service (when not NULL the credential scope must name
	 * them), normalize_path, double_encode_path, payload and omit_session_token (presigned
	 * only) and when: the server's time, 0 to skip the clock-skew and expiry checks. */
};

struct fg_sigv4_request {
	const char *method;
	const char *path;             /* as sent on the wire (already percent-encoded) */
	const char *query;            /* raw query string without '?', NULL for none */
	struct fg_headers *headers;   /* must hold Host; signer adds its headers here */
	const void *body;
	size_t body_len;
};

/* Intermediate results, for tests and debug logging (optional out-parameter; caller frees). */
struct fg_sigv4_debug {
	char *canonical_request;
	char *string_to_sign;
	char *signature;
	char *presigned_query;       /* presign only: the full query string to send */
};
void fg_sigv4_debug_free(struct fg_sigv4_debug *);

/* Adds X-Amz-Date, X-Amz-Security-Token, x-amz-content-sha256 (when asked) and Authorization
 * to req->headers (replacing those from an earlier signing, so a retry can sign again); every
 * other header is signed except hop-by-hop ones and User-Agent. Host must be as sent. dbg's old
 * contents are not freed. Returns 0, or -1 with *err set for a request that cannot be signed. */
int fg_sigv4_sign(const struct fg_creds *, const struct fg_sigv4_params *,
    struct fg_sigv4_request *, struct fg_sigv4_debug *, char **err);
/* Computes a presigned query string (X-Amz-Algorithm ... X-Amz-Signature) into dbg. */
int fg_sigv4_presign(const struct fg_creds *, const struct fg_sigv4_params *,
    const struct fg_sigv4_request *, struct fg_sigv4_debug *dbg, char **err);

/* Verification (localcloud): the parsed Authorization header. */
struct fg_sigv4_auth {
	char *access_key;
	char *date;           /* yyyymmdd from the scope */
	char *region;
	char *service;
	char *signed_headers; /* "host;x-amz-date" */
	char *signature;
	char *amz_date;       /* fg_sigv4_parse_query only: X-Amz-Date, else NULL */
	unsigned expires;     /* fg_sigv4_parse_query only: X-Amz-Expires, else 0 */
};
/* Parses "AWS4-HMAC-SHA256 Credential=.../..., SignedHeaders=..., Signature=...". */
int fg_sigv4_parse_auth(const char *header, struct fg_sigv4_auth *, char **err);
void fg_sigv4_auth_free(struct fg_sigv4_auth *);
/* Recomputes the signature of a received request with the given secret and the request's own
 * X-Amz-Date, signed headers and payload hash; 0 when it matches auth->signature. A hash in
 * x-amz-content-sha256 must also be the body's. */
int fg_sigv4_verify(const char *secret_key, const struct fg_sigv4_auth *,
    const struct fg_sigv4_params *, const struct fg_sigv4_request *, char **err);
/* Presigned requests: parses the X-Amz-* parameters of a raw query string. */
int fg_sigv4_parse_query(const char *query, struct fg_sigv4_auth *, char **err);
/* Recomputes the signature of a presigned request (every query parameter but X-Amz-Signature
 * is signed; the payload hash follows params->payload) and checks its expiry. */
int fg_sigv4_verify_query(const char *secret_key, const struct fg_sigv4_auth *,
    const struct fg_sigv4_params *, const struct fg_sigv4_request *, char **err);

/* The signing key for (secret, yyyymmdd, region, service), from a small cache of recent ones
 * (single-threaded, like the rest of the runtime). */
void fg_sigv4_signing_key(const char *secret_key, const char *date, const char *region,
    const char *service, unsigned char out[32]);
/* How often the key cache answered and missed, for tests and debug output. */
void fg_sigv4_key_cache_stats(unsigned long *hits, unsigned long *misses);

#endif
