/* aws.h: one AWS API call end to end: endpoint, credentials, SigV4, transport, the standard
 * retry mode with its backoff timers, clock-skew correction, and the reply parsed by protocol.
 * Everything runs on the fg_loop; nothing blocks. */
#ifndef FUGUE_AWS_H
#define FUGUE_AWS_H

#include <stddef.h>
#include <stdint.h>

#include "awserr.h"
#include "creds.h"
#include "http.h"
#include "json.h"
#include "query.h"
#include "retry.h"
#include "xml.h"

struct fg_aws;
struct fg_aws_call;

/* What to call. Only the fields of the protocol in use are read; all are copied by fg_aws_send. */
struct fg_aws_req {
	const char *service;              /* endpoint id: "sqs", "s3", "dynamodb", "ec2", ... */
	const char *region;               /* NULL: the environment's region */
	enum fg_aws_proto proto;
	const struct fg_query *params;    /* query and EC2: every parameter incl. Action, Version */
	const char *target;               /* JSON: X-Amz-Target, "DynamoDB_20120810.GetItem" */
	const char *json_version;         /* JSON: "1.0" (default) or "1.1" */
	const char *method;               /* REST-XML: GET, PUT, ...; the others always POST */
	const char *bucket;               /* REST-XML: path- or virtual-hosted per the endpoint;
	                                   * path-style anyway for a name that is not a DNS label
	                                   * (dots, capitals) and for an endpoint at an IP address */
	const char *key;                  /* REST-XML: object key, percent-encoded here */
	const char *query;                /* REST-XML: raw query string ("versioning", "list-type=2") */
	const struct fg_headers *headers; /* extra headers (Content-Type, x-amz-meta-*, ...) */
	const void *body;                 /* JSON and REST-XML bodies */
	size_t body_len;
	uint32_t timeout_ms;              /* per attempt; 0: the HTTP client's */
	int raw_reply;                    /* REST-XML: the reply body is data (GetObject): it is
	                                   * never parsed. Otherwise a REST-XML body is parsed
	                                   * when its Content-Type is XML (or absent). */
};

/* What came back. Valid only during the callback.
 *
 * Errors that are not AWS's own replies (err.transport == FG_HTTP_OK, status 0 unless said):
 *   NoCredentials, NoRegion  FG_ERR_FATAL: the credential and region chain found none; the
 *                            message is the chain's own, naming every place looked;
 *   NoEndpoint               FG_ERR_FATAL: no endpoint for the service in the region, or a
 *                            configured endpoint URL that does not parse;
 *   SigningError             FG_ERR_INVALID: the request cannot be signed (bad header);
 *   MalformedReply           FG_ERR_FATAL, with the reply's status and body: a 2xx reply whose
 *                            XML or JSON body does not parse (the message gives the parser's
 *                            error). It is not retried: the call may have taken effect.
 * Query, EC2 and JSON replies are always parsed when the body is not blank. */
struct fg_aws_reply {
	int status;                       /* 0 when no reply arrived */
	const struct fg_headers *headers; /* NULL when no reply arrived */
	const char *body;
	size_t body_len;
	struct fg_xml *xml;               /* an XML reply body, parsed (NULL when none or JSON) */
	fg_json json;                     /* a JSON reply body, parsed (NULL when none or XML) */
	struct fg_awserr err;             /* err.cls == FG_ERR_NONE on success */
	unsigned attempts;
};
typedef void (*fg_aws_cb)(const struct fg_aws_reply *, void *arg);

struct fg_aws_stats {
	uint64_t calls;     /* fg_aws_send calls */
	uint64_t attempts;  /* requests sent */
	uint64_t retries;
	uint64_t throttled; /* attempts answered with a throttling error */
	uint64_t failed;    /* calls that ended in an error */
	int64_t skew_ms;    /* the clock correction in force */
};

/* aws.c */
/* The fg_aws uses env and http but does not own them: free it before them. retry NULL: the
 * standard mode as AWS_RETRY_MODE and AWS_MAX_ATTEMPTS set it. */
struct fg_aws *fg_aws_new(struct fg_loop *, struct fg_http_client *, struct fg_aws_env *,
    const struct fg_retry_config *retry);
/* Calls waiting for credentials or a retry are dropped without callbacks; calls in flight are
 * cancelled (fg_http_cancel) likewise. May be called from a callback. */
void fg_aws_free(struct fg_aws *);
/* Starts a call; cb runs exactly once, on the loop, never from inside fg_aws_send. When the
 * environment holds credentials and a region (the request's region counts), the call uses
 * them; otherwise it waits for one fg_aws_env_resolve (shared by the calls then waiting) and
 * ends with NoCredentials or NoRegion if that finds none. Each attempt is signed with a copy
 * of the credentials current then, at the clock corrected by the last clock-skew error. */
struct fg_aws_call *fg_aws_send(struct fg_aws *, const struct fg_aws_req *, fg_aws_cb, void *);
/* Cancels without calling the callback. */
void fg_aws_cancel(struct fg_aws_call *);
void fg_aws_stats(const struct fg_aws *, struct fg_aws_stats *);

#endif
