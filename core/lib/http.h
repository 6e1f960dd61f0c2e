/* http.h: the asynchronous HTTP/1.1 client (keep-alive pool, TLS, timeouts) on one fg_loop,
 * and its incremental response parser. */
#ifndef FUGUE_HTTP_H
#define FUGUE_HTTP_H

#include <stddef.h>
#include <stdint.h>

#include "base.h"

/* Transport-level outcomes; FG_HTTP_OK means a complete response arrived (any status). */
enum fg_http_err {
	FG_HTTP_OK = 0,
	FG_HTTP_EURL,      /* bad URL, method or request header */
	FG_HTTP_EDNS,      /* name did not resolve */
	FG_HTTP_ECONNECT,  /* connection refused or unreachable */
	FG_HTTP_ETIMEOUT,  /* connect, idle or total timeout */
	FG_HTTP_ERESET,    /* connection closed or reset before the response was complete */
	FG_HTTP_ETLS,      /* handshake or certificate verification failed */
	FG_HTTP_EPROTO,    /* malformed response */
	FG_HTTP_ETOOBIG,   /* response larger than the cap */
	FG_HTTP_ECANCEL,   /* cancelled by the caller or by freeing the client */
};
const char *fg_http_err_name(enum fg_http_err);
/* Retrying a failed transport is safe for these (timeouts, resets, refused connections). */
int fg_http_err_retryable(enum fg_http_err);

/* A zero pool cap or response cap means the default; a zero timeout means none. */
struct fg_http_opts {
	unsigned max_conns_per_host; /* pool cap per (scheme, host, port); default 64 */
	uint32_t connect_timeout_ms; /* default 5000 */
	uint32_t idle_timeout_ms;    /* no byte for this long fails the request; default 30000 */
	uint32_t total_timeout_ms;   /* whole request; default 60000; per-request override */
	uint32_t keepalive_ms;       /* idle pooled connections close after this; default 20000 */
	size_t max_response;         /* body cap; default 64 MiB */
	const char *ca_file;         /* default: AWS_CA_BUNDLE, else the system store */
	int insecure;                /* 1 turns off certificate and host-name checks (tests only) */
};
void fg_http_opts_default(struct fg_http_opts *);

struct fg_http_request {
	const char *method;
	const char *url;            /* absolute http(s) URL */
	/* Content-Length, Connection and Transfer-Encoding are set by the client; so is Host unless
	 * the caller gives one (kept as given, so a signed Host goes out as signed). */
	struct fg_headers headers;
	const void *body;
	size_t body_len;
	uint32_t timeout_ms;        /* 0: the client's total timeout */
};

struct fg_http_response {
	int status;
	char *reason;
	struct fg_headers headers;
	struct fg_buf body;
};

/* Called exactly once per request, on the loop. resp is valid only during the call; err is
 * FG_HTTP_OK with resp set, or an error with resp NULL and errmsg saying what happened. */
typedef void (*fg_http_cb)(enum fg_http_err err, const char *errmsg,
    struct fg_http_response *resp, void *arg);

struct fg_http_client;
struct fg_http_call;

struct fg_http_stats {
	uint64_t requests;      /* sent */
	uint64_t connects;      /* new connections */
	uint64_t reuses;        /* requests on a pooled connection */
	unsigned in_flight;
	unsigned open_conns;
};

/* http.c */
struct fg_http_client *fg_http_client_new(struct fg_loop *, const struct fg_http_opts *);
/* Fails every pending request with FG_HTTP_ECANCEL (callbacks run) and closes connections. */
void fg_http_client_free(struct fg_http_client *);
/* Copies what it needs from req; never blocks. Requests beyond the pool cap wait in a queue.
 * The callback never runs before this returns (a bad URL fails from the loop). A request that
 * a kept-alive connection loses before any response byte is resent once on a new connection. */
struct fg_http_call *fg_http_send(struct fg_http_client *, const struct fg_http_request *,
    fg_http_cb, void *arg);
/* Cancels without calling the callback; the handle is valid until the callback starts. */
void fg_http_cancel(struct fg_http_call *);
void fg_http_client_stats(const struct fg_http_client *, struct fg_http_stats *);

/* http_parse.c: incremental HTTP/1.1 response parser (pure: no I/O), fuzzed. */
enum fg_http_parse_state { FG_HP_MORE, FG_HP_DONE, FG_HP_ERROR };
struct fg_http_parser;
struct fg_http_parser *fg_http_parser_new(int head_request, size_t max_body);
void fg_http_parser_free(struct fg_http_parser *);
/* Feeds bytes; *used tells how many were consumed (the rest belong to the next response).
 * eof=1 tells the peer closed (ends a close-delimited body, or is an error). */
enum fg_http_parse_state fg_http_parser_feed(struct fg_http_parser *, const char *, size_t len,
    size_t *used, int eof);
/* After FG_HP_DONE: moves the response out; after FG_HP_ERROR: the error and its text. */
void fg_http_parser_take(struct fg_http_parser *, struct fg_http_response *);
enum fg_http_err fg_http_parser_error(const struct fg_http_parser *, const char **msg);
int fg_http_parser_keepalive(const struct fg_http_parser *); /* connection reusable after DONE */
void fg_http_response_free(struct fg_http_response *);
void fg_http_request_init(struct fg_http_request *);
void fg_http_request_free(struct fg_http_request *); /* frees headers only */

#endif
