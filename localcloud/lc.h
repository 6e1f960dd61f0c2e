/* lc.h: the private header of fugue-localcloud: requests, replies, the service table, faults,
 * eventual consistency and the store.
 *
 * HOW A SERVICE PLUGS IN
 *
 * A service is one `const struct lc_service` (designated initializers; optional callbacks may be
 * NULL) listed in the table in services.c. The core owns everything around it:
 *
 *  1. The HTTP glue (http.c, the only file here that includes <event2/...>) turns each HTTP
 *     request into a `struct lc_request`: method, raw path and query, decoded query parameters,
 *     headers and body.
 *  2. The router (route.c) answers /_localcloud/... itself (admin.c), then picks the service as
 *     AWS does: the SigV4 credential scope (Authorization header or presigned X-Amz-Credential)
 *     names the signing name; X-Amz-Target "<target_prefix>.<Action>" selects the JSON protocol,
 *     an Action parameter (query string or form body) the query protocol, anything else is REST
 *     (S3, path style). It sets req->svc, req->proto and req->action; for REST services it calls
 *     svc->classify to name the action. For the query protocol req->params holds the query string
 *     and the form body; for the JSON protocol req->json is the parsed body (an object; malformed
 *     JSON is answered with SerializationException before the service sees it).
 *  3. The router verifies the signature (auth.c) against the configured keys and fills
 *     req->who (account, user ARN, access key, region). Missing, unknown, wrong and expired
 *     signatures are answered with each protocol's own AWS error codes; services never see them.
 *  4. The router counts the call (service, action), then applies the fault rules (fault.c):
 *     latency (the request waits on a timer, never a sleep), token-bucket rate limits and
 *     error rates answered with svc->throttle_code, 500/503, dropped connections. It sets
 *     req->consistency_ms from the matching rules.
 *  5. It calls svc->handle(req). The handler fills req->reply through the helpers below and
 *     returns LC_DONE; the core sends it and frees req. Or the handler keeps req and returns
 *     LC_DEFER, then later calls lc_reply_send(req) exactly once (long polling). While deferred,
 *     lc_request_on_abort tells the handler if the client goes away (the core then still expects
 *     lc_reply_send, which discards the reply).
 *  6. Mutating handlers call lc_changed(req->srv, req->svc) after a change; the store (store.c)
 *     calls svc->save at most every LC_SAVE_DEBOUNCE_MS (longer, up to LC_SAVE_MAX_DELAY_MS,
 *     when saving is slow) and at shutdown, and writes
 *     DIR/<name>.json atomically (temp file, fsync, rename, fsync of the directory). At start
 *     it calls svc->load with the parsed file. With --memory nothing is written.
 *  7. Read paths call lc_visible(req, created_ms) on resources they find: a resource created less
 *     than req->consistency_ms ago is treated as not existing yet (eventual consistency fault).
 *
 * The per-server state of a service comes from svc->create(srv) and is in req->state; a service
 * reaches another one's state with lc_service_state(srv, "sqs"). Everything runs on one loop:
 * handlers never block; they use fg_timer on lc_server_loop(srv) for anything that waits.
 *
 * This header is a contract between the services: change it additively only.
 */
#ifndef FUGUE_LC_H
#define FUGUE_LC_H

#include <stddef.h>
#include <stdint.h>

#include "base.h"
#include "json.h"

#define LC_DEFAULT_PORT 4566
#define LC_DEFAULT_ACCESS_KEY "AKIDLOCALCLOUD"
#define LC_DEFAULT_SECRET_KEY "localcloud-secret"
#define LC_DEFAULT_ACCOUNT "000000000000"
#define LC_DEFAULT_USER_ARN "arn:aws:iam::000000000000:user/localcloud"
#define LC_DEFAULT_USER_ID "AIDALOCALCLOUD0000000"
#define LC_DEFAULT_REGION "us-east-1"
#define LC_MAX_BODY (64u << 20)      /* larger requests are refused by the HTTP layer */
#define LC_MAX_SKEW_S (15 * 60)      /* X-Amz-Date further than this from now is refused */
#define LC_SAVE_DEBOUNCE_MS 100
#define LC_SAVE_MAX_DELAY_MS 5000    /* state saves stretch up to this when they are slow */
#define LC_ADMIN_PREFIX "/_localcloud/"

struct lc_server;
struct lc_request;

/* The wire protocol of one request (also used as bits in lc_service.protocols). */
enum lc_proto {
	LC_PROTO_NONE = 0,
	LC_PROTO_QUERY = 1,    /* form-encoded Action=..., XML replies (SQS, SNS, STS) */
	LC_PROTO_JSON = 2,     /* X-Amz-Target, application/x-amz-json-1.0 (DynamoDB, SQS) */
	LC_PROTO_REST_XML = 4, /* method + path + headers, XML replies (S3) */
};

enum lc_result {
	LC_DONE = 0,  /* req->reply is complete: the core sends it and frees req */
	LC_DEFER = 1, /* the handler keeps req and calls lc_reply_send later */
};

/* One decoded name=value pair (a value may hold NUL bytes: use len). */
struct lc_param {
	char *name;
	char *value;
	size_t len;
};
struct lc_params {
	struct lc_param *v;
	size_t n;
	size_t cap;
};

/* The caller, from the verified SigV4 credential. */
struct lc_identity {
	const char *access_key;
	const char *account;  /* 12 digits */
	const char *user_arn;
	const char *user_id;
	char *region;         /* from the credential scope */
};

struct lc_reply {
	int status;                 /* 200 unless set */
	struct fg_headers headers;  /* Content-Length is computed; a handler may set it for HEAD */
	struct fg_buf body;
};

/* Connection operations, a seam: the HTTP glue implements them, unit tests capture replies. */
struct lc_conn_ops {
	void (*send)(struct lc_request *);      /* writes req->reply on the connection */
	void (*drop)(struct lc_request *);      /* closes the connection without a reply */
	void (*watch)(struct lc_request *, int on); /* report a client close (lc_request_aborted) */
};

struct lc_request {
	struct lc_server *srv;
	/* What arrived. */
	char *method;               /* "GET", "POST", ... */
	char *path;                 /* raw path as sent (percent-encoded), starts with '/' */
	char *query;                /* raw query string without '?', NULL when none */
	struct lc_params qparams;   /* decoded query-string parameters, in order */
	struct lc_params params;    /* query protocol: query string then form body; else = qparams */
	struct fg_headers headers;
	struct fg_buf body;
	char *host;                 /* Host header ("127.0.0.1:4566"), or ours when absent */
	/* Routing. */
	const struct lc_service *svc;
	enum lc_proto proto;
	char *action;               /* "SendMessage", "PutObject", ... */
	fg_json json;               /* LC_PROTO_JSON: the body, an object */
	void *state;                /* svc's state (from svc->create) */
	struct lc_identity who;
	char id[37];                /* request id (UUID), sent as x-amzn-RequestId / x-amz-request-id */
	int64_t consistency_ms;     /* eventual-consistency window from the fault rules */
	struct lc_reply reply;
	/* Core-private. */
	const struct lc_conn_ops *ops;
	void *conn;                 /* the glue's request handle */
	void (*abort_cb)(struct lc_request *, void *);
	void *abort_arg;
	struct fg_timer *delay;     /* latency fault */
	int deferred;
	int aborted;
	int drop;
	int decided;                /* a fault already filled the reply */
	struct lc_request *dnext;   /* srv->delayed list while a latency fault holds it */
	struct lc_request **dprev;
};

/* One service: a const table entry. */
struct lc_service {
	const char *name;           /* "sqs": fault rules, counters, DIR/<name>.json */
	const char *signing_name;   /* SigV4 credential-scope service: "sqs", "s3", "dynamodb" */
	unsigned protocols;         /* LC_PROTO_* bits */
	const char *target_prefix;  /* JSON: X-Amz-Target prefix, "AmazonSQS", "DynamoDB_20120810" */
	const char *json_type_prefix; /* JSON errors: "com.amazonaws.sqs#" */
	const char *xmlns;          /* query replies: "http://queue.amazonaws.com/doc/2012-11-05/" */
	const char *throttle_code;  /* "Throttling", "ThrottlingException", "SlowDown", ... */
	int throttle_status;        /* 400, 503, ... */
	int query_compatible;       /* JSON errors also carry the query code (x-amzn-query-error) */
	/* The service's per-server state (NULL when absent) and its release. */
	void *(*create)(struct lc_server *);
	void (*destroy)(void *state);
	/* REST services: set req->action (lc_set_action) from method, path and query; return 0, or
	 * reply with an error and return -1. Runs after authentication, before faults. */
	int (*classify)(struct lc_request *);
	/* Required. */
	enum lc_result (*handle)(struct lc_request *);
	/* Persistence: load from the parsed DIR/<name>.json (return -1 and *err on bad content);
	 * save writes one JSON value of the whole state. */
	int (*load)(void *state, fg_json, char **err);
	void (*save)(void *state, struct fg_jw *);
	/* Query protocol: writes the body of an error (code, message) when the service's shape is
	 * not <ErrorResponse> (EC2: <Response><Errors>...); NULL for <ErrorResponse>. The core
	 * sets the status and Content-Type. */
	void (*query_error)(struct lc_request *, const char *code, const char *msg);
};

/* services.c: the table of services, in routing order. */
extern const struct lc_service *const lc_services[];
extern const size_t lc_nservices;

/* server.c */
struct lc_key {
	char *access_key;
	char *secret_key;
	char *account;
	char *user_arn;
	char *user_id;
};
struct lc_config {
	const char *bind;           /* "127.0.0.1" */
	int port;                   /* 0 picks a free one */
	const char *data_dir;       /* NULL with memory */
	int memory;
	const char *config_file;    /* keys and fault rules (YAML or JSON), or NULL */
};
struct lc_server *lc_server_new(struct fg_loop *, const struct lc_config *, char **err);
/* Writes any unsaved state and frees everything; deferred requests are answered first. */
void lc_server_free(struct lc_server *);
int lc_server_port(const struct lc_server *);
struct fg_loop *lc_server_loop(struct lc_server *);
const char *lc_data_dir(const struct lc_server *); /* NULL with --memory */
void *lc_service_state(struct lc_server *, const char *name);
/* The key record of an access key, or NULL. */
const struct lc_key *lc_find_key(const struct lc_server *, const char *access_key);

/* request.c */
struct lc_request *lc_request_new(struct lc_server *, const struct lc_conn_ops *, void *conn);
void lc_request_free(struct lc_request *);
void lc_params_add(struct lc_params *, const char *name, size_t nlen, const char *val, size_t vlen);
void lc_params_free(struct lc_params *);
/* Parses a&b=c form/query text into p (with '+' as space); -1 and *err on a bad escape. */
int lc_params_parse(struct lc_params *, const char *text, size_t len, char **err);
/* The first value of name, or NULL. */
const char *lc_param(const struct lc_request *, const char *name);
const char *lc_qparam(const struct lc_request *, const char *name);
const char *lc_header(const struct lc_request *, const char *name);
void lc_set_action(struct lc_request *, const char *);
/* Called by the glue when the client closed while req was deferred. */
void lc_request_aborted(struct lc_request *);
/* While deferred: cb runs once if the client goes away (req stays valid until lc_reply_send). */
void lc_request_on_abort(struct lc_request *, void (*cb)(struct lc_request *, void *), void *);

/* route.c */
/* Routes, authenticates, applies faults and dispatches a fully read request. */
void lc_dispatch(struct lc_request *);
/* Runs every request a latency fault holds now (at shutdown). */
void lc_run_delayed(struct lc_server *);

/* reply.c: building replies. */
void lc_reply_status(struct lc_request *, int status);
void lc_reply_header(struct lc_request *, const char *name, const char *value);
/* Sets status, Content-Type and the body (copied). */
void lc_reply_raw(struct lc_request *, int status, const char *content_type, const void *, size_t);
/* Query protocol: opens <ActionResponse xmlns=...> and, with result, <ActionResult>; returns
 * the body to append the result elements to. lc_query_end closes them and adds
 * <ResponseMetadata><RequestId>. */
struct fg_buf *lc_query_begin(struct lc_request *, int with_result);
void lc_query_end(struct lc_request *, int with_result);
/* JSON 1.0: the writer's text becomes the 200 reply body. */
void lc_reply_json(struct lc_request *, struct fg_jw *);
/* An XML body with status (REST-XML): the buffer becomes the body. */
void lc_reply_xml(struct lc_request *, int status, struct fg_buf *);
/* An AWS-shaped error in req->proto: query <ErrorResponse>, JSON {"__type","message"}, REST-XML
 * <Error>. Type is Receiver for 5xx, else Sender. */
void lc_error(struct lc_request *, int status, const char *code, const char *fmt, ...)
    FG_PRINTF(4, 5);
/* The full form. query_code: the code in the query protocol when it differs from the JSON one
 * (AWS's awsQueryCompatible services, SQS: sent in x-amzn-query-error on JSON replies); a code
 * holding '#' is a full JSON __type. extra_xml: escaped elements added inside <Error> (S3
 * <BucketName>, <Key>, ...). Either may be NULL. */
struct lc_err {
	int status;
	const char *code;
	const char *query_code;
	const char *extra_xml;
};
void lc_error_ex(struct lc_request *, const struct lc_err *, const char *fmt, ...) FG_PRINTF(3, 4);
/* Sends a deferred request's reply (or discards it when the client went away) and frees req. */
void lc_reply_send(struct lc_request *);
/* A new UUIDv4 text into out[37]. */
void lc_uuid(char out[37]);
/* RFC 3339 / ISO 8601 UTC with milliseconds ("2024-01-02T03:04:05.678Z") into out[32]. */
void lc_iso8601(int64_t ms, char out[32]);
/* RFC 1123 ("Tue, 02 Jan 2024 03:04:05 GMT") into out[32]. */
void lc_http_date(int64_t ms, char out[32]);

/* fault.c: the router applies the rules; services only call lc_visible. */
/* Says whether a resource created at created_ms (wall clock) is visible to this request. */
int lc_visible(const struct lc_request *, int64_t created_ms);

/* store.c */
/* Marks svc's state as changed: it is saved after LC_SAVE_DEBOUNCE_MS (longer when saves are
 * slow, at most LC_SAVE_MAX_DELAY_MS). */
void lc_changed(struct lc_server *, const struct lc_service *);
/* Writes a whole file atomically (temp in the same directory, fsync, rename, fsync dir). */
int lc_write_atomic(const char *path, const void *, size_t, char **err);
/* Reads a whole file; 1 when it does not exist, 0 when read, -1 and *err on error. */
int lc_read_file(const char *path, struct fg_buf *, char **err);

/*
 * Core internals: the server, the HTTP glue, authentication, faults, counters, the admin path,
 * the store and the configuration file. Services do not use these.
 */

/* fault.c */
enum lc_fault_kind {
	LC_FAULT_THROTTLE, /* the service's throttling error */
	LC_FAULT_500,
	LC_FAULT_503,
	LC_FAULT_DROP,     /* close the connection without a reply */
};
struct lc_rule {
	char *service;            /* NULL: any */
	char *action;             /* NULL: any */
	uint32_t latency_ms;      /* added before the handler runs */
	uint32_t jitter_ms;       /* plus uniform [0, jitter_ms] */
	double error_rate;        /* probability of the error */
	enum lc_fault_kind error;
	double rate;              /* token bucket: requests per second (0: no limit) */
	double burst;             /* bucket size (default: max(1, rate)) */
	double tokens;
	uint64_t refilled_ms;
	int64_t consistency_ms;   /* new resources invisible to reads for this long */
	int64_t times;            /* matching calls it still applies to; -1: unlimited */
};
/* Appends rules from JSON (one rule object, an array of them, or {"rules": [...]}). */
int lc_faults_add(struct lc_server *, fg_json, char **err);
void lc_faults_clear(struct lc_server *);
void lc_faults_drop_first(struct lc_server *, size_t n);
void lc_faults_write(const struct lc_server *, struct fg_jw *);
/* Applies the rules to a routed request: returns 1 when an error reply or a drop was decided,
 * else 0 with *delay_ms to wait before the handler runs; sets req->consistency_ms. */
int lc_faults_apply(struct lc_request *, uint64_t *delay_ms);
void lc_faults_free(struct lc_server *);

/* admin.c */
void lc_count(struct lc_server *, const struct lc_service *, const char *action);
void lc_counters_free(struct lc_server *);
/* Answers a request under LC_ADMIN_PREFIX (JSON). */
void lc_admin(struct lc_request *);

/* auth.c: verifies SigV4 and fills req->who; -1 after replying with the AWS error. */
int lc_auth(struct lc_request *);

/* http_glue.c: the evhttp listener. */
struct lc_http;
struct lc_http *lc_http_new(struct lc_server *, const char *bind, int port, char **err);
int lc_http_port(const struct lc_http *);
void lc_http_free(struct lc_http *);

/* store.c */
/* Locks and reads DIR (creating it), loading each service's file. */
int lc_store_open(struct lc_server *, char **err);
/* Saves every changed service now. */
void lc_store_flush(struct lc_server *);
void lc_store_close(struct lc_server *);

/* cli.c: the program (main.c calls it); returns the exit status. */
int lc_main(int argc, char **argv);

/* config.c: the configuration file (YAML, of which JSON is a subset). */
int lc_config_load(struct lc_server *, const char *path, char **err);
/* Adds an access key. */
void lc_key_add(struct lc_server *, const char *ak, const char *sk, const char *account,
    const char *user_arn, const char *user_id);
/* Frees the access keys. */
void lc_keys_free(struct lc_server *);

/* yaml.c: converts a YAML document to JSON text (caller frees); NULL and *err on bad YAML. */
char *lc_yaml_to_json(const char *text, size_t len, char **err);

struct lc_counter {
	const struct lc_service *svc; /* NULL for requests no service took */
	char *action;
	uint64_t calls;
};

struct lc_server {
	struct fg_loop *loop;
	char *bind;
	int port;
	char *dir;                  /* NULL with --memory */
	int lockfd;
	struct lc_key *keys;
	size_t nkeys;
	void **states;              /* per lc_services entry */
	unsigned char *dirty;       /* per lc_services entry */
	struct fg_timer *save_timer;
	uint64_t save_cost_ms;      /* how long the last save took */
	struct lc_http *http;
	struct lc_rule *rules;
	size_t nrules;
	struct lc_counter *counters;
	size_t ncounters;
	int64_t started_ms;
	struct lc_request *delayed;  /* requests waiting on a latency fault */
};

#endif
