/* awserr.h: the error replies of every AWS protocol (query XML, EC2, REST-XML, JSON 1.0/1.1)
 * and transport failures turned into one record, classified the way retries and plugins need:
 * throttling, retryable, clock skew, not found, conflict, invalid, fatal. */
#ifndef FUGUE_AWSERR_H
#define FUGUE_AWSERR_H

#include <stdint.h>

#include "base.h"
#include "http.h"

enum fg_aws_proto {
	FG_PROTO_QUERY,    /* <ErrorResponse><Error><Type/><Code/><Message/></Error><RequestId/> */
	FG_PROTO_EC2,      /* <Response><Errors><Error><Code/>...</Errors><RequestID/></Response> */
	FG_PROTO_REST_XML, /* S3: <Error><Code/><Message/><RequestId/></Error>, or no body (HEAD) */
	FG_PROTO_JSON,     /* {"__type": "prefix#Code", "message": ...}, x-amzn-* headers */
};

enum fg_err_class {
	FG_ERR_NONE = 0,   /* not an error */
	FG_ERR_THROTTLING, /* slow down and retry */
	FG_ERR_RETRYABLE,  /* transient: 500/502/503/504, timeouts, resets, InternalError... */
	FG_ERR_CLOCK_SKEW, /* our clock is off: correct it by skew_ms and sign again */
	FG_ERR_NOT_FOUND,
	FG_ERR_CONFLICT,   /* the resource's state forbids the call now (exists, in use, ...) */
	FG_ERR_INVALID,    /* the request is wrong */
	FG_ERR_FATAL,      /* credentials, permissions, quotas, TLS: retrying will not help */
};

enum fg_err_fault { FG_FAULT_UNKNOWN, FG_FAULT_SENDER, FG_FAULT_RECEIVER };

struct fg_awserr {
	enum fg_err_class cls;
	enum fg_err_fault fault;
	enum fg_http_err transport; /* FG_HTTP_OK when a reply arrived */
	int status;                 /* HTTP status; 0 when no reply arrived */
	char *code;                 /* "NoSuchBucket", never NULL once filled */
	char *message;              /* never NULL ("" when the reply had none) */
	char *request_id;           /* NULL when the reply had none */
	int64_t skew_ms;            /* the reply's Date minus our clock; 0 when unknown */
};

/* awserr.c */
/* From what an fg_http_cb received: returns 0 for a 2xx reply that is not an error (S3 can
 * answer 200 with an <Error> body: that is an error), else 1 with *e filled. Never fails:
 * an empty or malformed body still yields an error classified from the status. */
int fg_awserr_from_reply(struct fg_awserr *e, enum fg_aws_proto, enum fg_http_err err,
    const char *errmsg, const struct fg_http_response *resp);
/* Fills *e from an error reply; headers may be NULL. */
void fg_awserr_parse(struct fg_awserr *e, enum fg_aws_proto, int status,
    const struct fg_headers *headers, const char *body, size_t len);
/* Fills *e for a request that got no reply. */
void fg_awserr_transport(struct fg_awserr *e, enum fg_http_err, const char *msg);
void fg_awserr_free(struct fg_awserr *e);
/* Whether len bytes of a reply body are only white space (nothing to parse). */
int fg_awserr_blank(const char *s, size_t len);
/* "NoSuchBucket: The specified bucket does not exist (HTTP 404, not-found, request ID X)";
 * caller frees. */
char *fg_awserr_describe(const struct fg_awserr *e);

/* awserr_class.c */
/* The class of e's transport, status, code, message and skew (fg_awserr_parse sets e->cls with
 * it; plugins that build errors themselves can use it too). */
enum fg_err_class fg_awserr_classify(const struct fg_awserr *e);
const char *fg_err_class_name(enum fg_err_class); /* "throttling", "not-found", ... */

#endif
