/* http.c: the asynchronous HTTP/1.1 client: per-endpoint keep-alive pools, FIFO queueing,
 * timeouts, one retry of a request that a reused connection lost, cancel and stats. */
#include "config.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/queue.h>

#include "http.h"
#include "net.h"

struct conn;

/* The connections and waiting requests of one (scheme, host, port). */
struct pool {
	TAILQ_ENTRY(pool) link;
	struct fg_http_client *client;
	char *scheme;
	char *host;
	int port;
	TAILQ_HEAD(conn_list, conn) idle; /* most recently used first */
	TAILQ_HEAD(, fg_http_call) queue;  /* waiting for a connection, oldest first */
	unsigned nconns;                   /* open or opening */
};

struct conn {
	TAILQ_ENTRY(conn) link; /* in pool->idle while idle */
	struct pool *pool;
	struct fg_net_conn *net;
	struct fg_http_call *call; /* the request it carries; NULL when idle */
	struct fg_timer *expire;   /* keep-alive expiry while idle */
	unsigned served;           /* requests sent on it */
	int idle;
};

struct fg_http_call {
	TAILQ_ENTRY(fg_http_call) all;   /* client->calls */
	TAILQ_ENTRY(fg_http_call) qlink; /* pool->queue while queued */
	struct fg_http_client *client;
	struct pool *pool;
	struct conn *conn;
	char *label;              /* "GET http://host:port/path", for messages (no query) */
	struct fg_buf wire;       /* the serialized request */
	int head;
	int queued;
	int fresh;                /* needs a new connection (the retry) */
	int retried;
	int done;                 /* the callback is running */
	uint64_t received;        /* response bytes on the current attempt */
	uint64_t start_ms;
	uint32_t timeout_ms;
	struct fg_http_parser *parser;
	struct fg_timer *timer;   /* total timeout, or delivery of an early error */
	enum fg_http_err early;   /* error found before queueing (FG_HTTP_OK: none) */
	char *early_msg;
	fg_http_cb cb;
	void *arg;
};

struct fg_http_client {
	struct fg_loop *loop;
	struct fg_http_opts opts;
	char *ca_file;
	struct fg_net_tls *tls;
	char *tls_err;            /* why TLS cannot be used, once tried */
	TAILQ_HEAD(, pool) pools;
	TAILQ_HEAD(, fg_http_call) calls; /* every call whose callback has not run */
	struct fg_http_stats stats;
	int freeing;
};

static void pool_dispatch(struct pool *);

/* Names an error code. */
const char *
fg_http_err_name(enum fg_http_err e)
{
	static const char *const names[] = { "ok", "bad URL or request", "DNS failure",
		"connection failed", "timeout", "connection reset", "TLS failure",
		"malformed response", "response too large", "cancelled" };

	return (unsigned)e < FG_ARRAY_LEN(names) ? names[e] : "unknown error";
}

/* Says whether a transport error is worth retrying. */
int
fg_http_err_retryable(enum fg_http_err e)
{
	return e == FG_HTTP_ETIMEOUT || e == FG_HTTP_ERESET || e == FG_HTTP_ECONNECT;
}

/* Fills in the defaults. */
void
fg_http_opts_default(struct fg_http_opts *o)
{
	memset(o, 0, sizeof(*o));
	o->max_conns_per_host = 64;
	o->connect_timeout_ms = 5000;
	o->idle_timeout_ms = 30000;
	o->total_timeout_ms = 60000;
	o->keepalive_ms = 20000;
	o->max_response = 64 * 1024 * 1024;
}

/* Creates a client; opts NULL means the defaults. A zero pool cap or response cap means the
 * default; a zero timeout means none. */
struct fg_http_client *
fg_http_client_new(struct fg_loop *loop, const struct fg_http_opts *opts)
{
	struct fg_http_client *cl = fg_calloc(1, sizeof(*cl));
	struct fg_http_opts def;

	fg_http_opts_default(&def);
	cl->loop = loop;
	cl->opts = opts ? *opts : def;
	if (cl->opts.max_conns_per_host == 0)
		cl->opts.max_conns_per_host = def.max_conns_per_host;
	if (cl->opts.max_response == 0)
		cl->opts.max_response = def.max_response;
	cl->ca_file = cl->opts.ca_file ? fg_strdup(cl->opts.ca_file) : NULL;
	cl->opts.ca_file = cl->ca_file;
	TAILQ_INIT(&cl->pools);
	TAILQ_INIT(&cl->calls);
	return cl;
}

/* Closes a connection and forgets it. */
static void
conn_destroy(struct conn *c)
{
	struct pool *p = c->pool;

	if (c->idle)
		TAILQ_REMOVE(&p->idle, c, link);
	fg_net_close(c->net);
	fg_timer_free(c->expire);
	p->nconns--;
	p->client->stats.open_conns--;
	free(c);
}

/* Takes a call out of every list and timer and releases its connection (kept in the pool
 * when keep says the response ended cleanly). */
static void
call_detach(struct fg_http_call *call, int keep)
{
	struct fg_http_client *cl = call->client;
	struct conn *c = call->conn;

	TAILQ_REMOVE(&cl->calls, call, all);
	cl->stats.in_flight--;
	if (call->queued)
		TAILQ_REMOVE(&call->pool->queue, call, qlink);
	call->queued = 0;
	fg_timer_free(call->timer);
	call->timer = NULL;
	call->conn = NULL;
	if (c == NULL)
		return;
	c->call = NULL;
	if (!keep) {
		conn_destroy(c);
		return;
	}
	c->idle = 1;
	TAILQ_INSERT_HEAD(&c->pool->idle, c, link);
	fg_net_set_idle_timeout(c->net, 0);
	if (cl->opts.keepalive_ms)
		fg_timer_add(c->expire, cl->opts.keepalive_ms);
}

/* Frees a detached call. */
static void
call_free(struct fg_http_call *call)
{
	fg_http_parser_free(call->parser);
	fg_buf_free(&call->wire);
	free(call->label);
	free(call->early_msg);
	free(call);
}

/* Finishes a call: detaches it, lets queued calls move, then runs the callback (which may
 * do anything, including freeing the client) and frees the call. */
static void
call_finish(struct fg_http_call *call, enum fg_http_err err, const char *msg,
    struct fg_http_response *resp, int keep)
{
	struct pool *p = call->pool;
	char *full = NULL;

	call_detach(call, keep);
	if (p)
		pool_dispatch(p);
	call->done = 1;
	if (err != FG_HTTP_OK) {
		full = fg_printf("%s: %s", call->label, msg);
		log_debug("http", "%s", full);
	} else
		log_debug("http", "%s: %d in %llu ms, %zu body bytes", call->label, resp->status,
		    (unsigned long long)(fg_mono_ms() - call->start_ms), resp->body.len);
	call->cb(err, full, resp, call->arg);
	free(full);
	call_free(call);
}

/* Finishes a call with the parser's error. */
static void
call_fail_parse(struct fg_http_call *call)
{
	const char *msg;
	enum fg_http_err err = fg_http_parser_error(call->parser, &msg);

	call_finish(call, err, msg, NULL, 0);
}

/* Sends the call's request on its connection. */
static void
conn_send(struct conn *c)
{
	struct fg_http_call *call = c->call;
	struct fg_http_client *cl = c->pool->client;

	fg_http_parser_free(call->parser);
	call->parser = fg_http_parser_new(call->head, cl->opts.max_response);
	call->received = 0;
	fg_net_set_idle_timeout(c->net, cl->opts.idle_timeout_ms);
	fg_net_write(c->net, call->wire.data, call->wire.len);
	cl->stats.requests++;
	if (c->served++ > 0) {
		cl->stats.reuses++;
		log_debug("http", "%s: sent on a kept-alive connection (request %u on it)",
		    call->label, c->served);
	} else
		log_debug("http", "%s: sent", call->label);
}

/* TCP (and TLS) is up: sends the request it was opened for. */
static void
on_connected(void *arg)
{
	struct conn *c = arg;

	conn_send(c);
}

/* Response bytes arrived. */
static void
on_data(void *arg, const char *s, size_t n)
{
	struct conn *c = arg;
	struct fg_http_call *call = c->call;
	struct fg_http_response resp;
	enum fg_http_parse_state st;
	size_t used;
	int keep;

	if (call == NULL) {
		struct pool *p = c->pool;

		log_debug("http", "%s:%d: %zu unexpected bytes on an idle connection, closing",
		    p->host, p->port, n);
		conn_destroy(c);
		pool_dispatch(p);
		return;
	}
	call->received += n;
	st = fg_http_parser_feed(call->parser, s, n, &used, 0);
	if (st == FG_HP_MORE)
		return;
	if (st == FG_HP_ERROR) {
		call_fail_parse(call);
		return;
	}
	/* Bytes past the response mean the peer is out of step: do not reuse. */
	keep = fg_http_parser_keepalive(call->parser) && used == n;
	fg_http_parser_take(call->parser, &resp);
	call_finish(call, FG_HTTP_OK, NULL, &resp, keep);
	fg_http_response_free(&resp);
}

/* Puts a call that a reused connection lost back at the head of the queue, once. */
static int
call_retry(struct conn *c)
{
	struct fg_http_call *call = c->call;
	struct pool *p = c->pool;

	if (c->served < 2 || call->received > 0 || call->retried)
		return 0;
	log_debug("http", "%s: kept-alive connection closed before any response byte, retrying "
	    "on a fresh connection", call->label);
	call->conn = NULL;
	c->call = NULL;
	conn_destroy(c);
	call->retried = 1;
	call->fresh = 1;
	call->queued = 1;
	TAILQ_INSERT_HEAD(&p->queue, call, qlink);
	pool_dispatch(p);
	return 1;
}

/* The connection ended: completes a close-delimited response, retries, or fails the call. */
static void
on_closed(void *arg, enum fg_http_err err, const char *msg)
{
	struct conn *c = arg;
	struct fg_http_call *call = c->call;
	struct fg_http_response resp;
	size_t used;

	if (call == NULL) {
		struct pool *p = c->pool;

		conn_destroy(c);
		pool_dispatch(p);
		return;
	}
	if ((err == FG_HTTP_OK || err == FG_HTTP_ERESET) && call_retry(c))
		return;
	if (err != FG_HTTP_OK) {
		call_finish(call, err, msg, NULL, 0);
		return;
	}
	if (fg_http_parser_feed(call->parser, "", 0, &used, 1) != FG_HP_DONE) {
		call_fail_parse(call);
		return;
	}
	fg_http_parser_take(call->parser, &resp);
	call_finish(call, FG_HTTP_OK, NULL, &resp, 0);
	fg_http_response_free(&resp);
}

static const struct fg_net_cbs conn_cbs = {
	.connected = on_connected,
	.data = on_data,
	.closed = on_closed,
};

/* A kept-alive connection was idle for keepalive_ms. */
static void
on_expire(void *arg)
{
	struct conn *c = arg;
	struct pool *p = c->pool;

	log_debug("http", "%s:%d: closing a connection idle for %u ms", p->host, p->port,
	    p->client->opts.keepalive_ms);
	conn_destroy(c);
	pool_dispatch(p);
}

/* Opens a new connection for call. */
static void
conn_open(struct pool *p, struct fg_http_call *call)
{
	struct fg_http_client *cl = p->client;
	struct conn *c = fg_calloc(1, sizeof(*c));

	c->pool = p;
	c->call = call;
	call->conn = c;
	c->expire = fg_timer_new(cl->loop, on_expire, c);
	p->nconns++;
	cl->stats.open_conns++;
	cl->stats.connects++;
	c->net = fg_net_connect(cl->loop, p->host, p->port,
	    strcmp(p->scheme, "https") == 0 ? cl->tls : NULL, cl->opts.connect_timeout_ms,
	    &conn_cbs, c);
}

/* Gives queued calls connections: an idle one, or a new one while under the cap. A call
 * being retried gets a new one, closing an idle one if the cap is reached. */
static void
pool_dispatch(struct pool *p)
{
	struct fg_http_call *call;
	struct conn *c;

	while ((call = TAILQ_FIRST(&p->queue)) != NULL) {
		c = call->fresh ? NULL : TAILQ_FIRST(&p->idle);
		if (c == NULL && p->nconns >= p->client->opts.max_conns_per_host) {
			if (!call->fresh || TAILQ_EMPTY(&p->idle))
				return;
			conn_destroy(TAILQ_LAST(&p->idle, conn_list));
		}
		TAILQ_REMOVE(&p->queue, call, qlink);
		call->queued = 0;
		if (c == NULL) {
			conn_open(p, call);
			continue;
		}
		TAILQ_REMOVE(&p->idle, c, link);
		c->idle = 0;
		fg_timer_del(c->expire);
		c->call = call;
		call->conn = c;
		conn_send(c);
	}
}

/* Finds or makes the pool of a URL's endpoint. */
static struct pool *
pool_get(struct fg_http_client *cl, const struct fg_url *u)
{
	struct pool *p;

	TAILQ_FOREACH(p, &cl->pools, link)
		if (p->port == u->port && strcmp(p->scheme, u->scheme) == 0 &&
		    strcasecmp(p->host, u->host) == 0)
			return p;
	p = fg_calloc(1, sizeof(*p));
	p->client = cl;
	p->scheme = fg_strdup(u->scheme);
	p->host = fg_strdup(u->host);
	p->port = u->port;
	TAILQ_INIT(&p->idle);
	TAILQ_INIT(&p->queue);
	TAILQ_INSERT_TAIL(&cl->pools, p, link);
	return p;
}

/* Says whether s is a non-empty token (method or header name). */
static int
is_token(const char *s)
{
	if (*s == '\0')
		return 0;
	for (; *s; s++)
		if (!((*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z') ||
		    (*s >= '0' && *s <= '9') || strchr("!#$%&'*+-.^_`|~", *s) != NULL))
			return 0;
	return 1;
}

/* Says whether s holds a control character, or a space or tab unless allow_blank. */
static int
has_ctl(const char *s, int allow_blank)
{
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;

		if (allow_blank && (c == ' ' || c == '\t'))
			continue;
		if (c <= 0x20 || c == 0x7f)
			return 1;
	}
	return 0;
}

/* Serializes the request into call->wire; returns an error text (caller frees) or NULL. */
static char *
build_request(struct fg_http_call *call, const struct fg_http_request *req, const struct fg_url *u)
{
	struct fg_buf *w = &call->wire;
	const struct fg_headers *h = &req->headers;
	const char *m = req->method;

	if (!is_token(m))
		return fg_printf("bad method \"%s\"", m);
	if (has_ctl(u->path, 0) || (u->query && has_ctl(u->query, 0)))
		return fg_printf("URL path or query holds a space or control character");
	fg_buf_addf(w, "%s %s%s%s HTTP/1.1\r\n", m, u->path, u->query ? "?" : "",
	    u->query ? u->query : "");
	if (fg_headers_get(h, "Host") == NULL) {
		const char *lb = strchr(u->host, ':') ? "[" : "", *rb = *lb ? "]" : "";

		if (u->port == fg_url_default_port(u))
			fg_buf_addf(w, "Host: %s%s%s\r\n", lb, u->host, rb);
		else
			fg_buf_addf(w, "Host: %s%s%s:%d\r\n", lb, u->host, rb, u->port);
	}
	for (size_t i = 0; i < h->n; i++) {
		const char *n = h->v[i].name;

		if (!is_token(n) || has_ctl(h->v[i].value, 1))
			return fg_printf("bad request header \"%s\"", n);
		if (strcasecmp(n, "Content-Length") == 0 || strcasecmp(n, "Connection") == 0 ||
		    strcasecmp(n, "Transfer-Encoding") == 0)
			continue;
		fg_buf_addf(w, "%s: %s\r\n", n, h->v[i].value);
	}
	if (req->body_len || strcmp(m, "POST") == 0 || strcmp(m, "PUT") == 0 ||
	    strcmp(m, "PATCH") == 0)
		fg_buf_addf(w, "Content-Length: %zu\r\n", req->body_len);
	fg_buf_add(w, "\r\n", 2);
	if (req->body_len)
		fg_buf_add(w, req->body, req->body_len);
	return NULL;
}

/* The call's timer: delivers an early error, or the total timeout. */
static void
on_call_timer(void *arg)
{
	struct fg_http_call *call = arg;
	char *msg;

	if (call->early != FG_HTTP_OK) {
		call_finish(call, call->early, call->early_msg, NULL, 0);
		return;
	}
	msg = fg_printf("no complete response within %u ms", call->timeout_ms);
	call_finish(call, FG_HTTP_ETIMEOUT, msg, NULL, 0);
	free(msg);
}

/* Makes TLS available, once; returns the reason it cannot be, or NULL. */
static const char *
client_tls(struct fg_http_client *cl)
{
	if (cl->tls == NULL && cl->tls_err == NULL)
		cl->tls = fg_net_tls_new(cl->opts.ca_file, cl->opts.insecure, &cl->tls_err);
	return cl->tls_err;
}

/* Starts a request; see http.h. */
struct fg_http_call *
fg_http_send(struct fg_http_client *cl, const struct fg_http_request *req, fg_http_cb cb,
    void *arg)
{
	struct fg_http_call *call = fg_calloc(1, sizeof(*call));
	struct fg_url u;
	char *err = NULL;

	if (cl->freeing)
		fatalx("fg_http_send on a client being freed");
	call->client = cl;
	call->cb = cb;
	call->arg = arg;
	call->start_ms = fg_mono_ms();
	call->timeout_ms = req->timeout_ms ? req->timeout_ms : cl->opts.total_timeout_ms;
	call->head = req->method && strcmp(req->method, "HEAD") == 0;
	call->timer = fg_timer_new(cl->loop, on_call_timer, call);
	fg_buf_init(&call->wire);
	TAILQ_INSERT_TAIL(&cl->calls, call, all);
	cl->stats.in_flight++;
	if (req->url == NULL || req->method == NULL) {
		call->label = fg_strdup("request");
		call->early = FG_HTTP_EURL;
		call->early_msg = fg_strdup("no method or URL");
	} else if (fg_url_parse(req->url, &u, &err) != 0) {
		call->label = fg_printf("%s %s", req->method, req->url);
		call->early = FG_HTTP_EURL;
		call->early_msg = err;
	} else {
		call->label = fg_printf("%s %s://%s%s%s:%d%s", req->method, u.scheme,
		    strchr(u.host, ':') ? "[" : "", u.host, strchr(u.host, ':') ? "]" : "",
		    u.port, u.path);
		if ((err = build_request(call, req, &u)) != NULL) {
			call->early = FG_HTTP_EURL;
			call->early_msg = err;
		} else if (strcmp(u.scheme, "https") == 0 && client_tls(cl) != NULL) {
			call->early = FG_HTTP_ETLS;
			call->early_msg = fg_strdup(cl->tls_err);
		} else
			call->pool = pool_get(cl, &u);
		fg_url_free(&u);
	}
	if (call->early != FG_HTTP_OK) {
		fg_timer_add(call->timer, 0);
		return call;
	}
	if (call->timeout_ms)
		fg_timer_add(call->timer, call->timeout_ms);
	call->queued = 1;
	TAILQ_INSERT_TAIL(&call->pool->queue, call, qlink);
	pool_dispatch(call->pool);
	return call;
}

/* Cancels a call without running its callback. */
void
fg_http_cancel(struct fg_http_call *call)
{
	struct pool *p;

	if (call == NULL || call->done)
		return;
	p = call->pool;
	log_debug("http", "%s: cancelled", call->label);
	call_detach(call, 0);
	call_free(call);
	if (p && !p->client->freeing)
		pool_dispatch(p);
}

/* Copies the counters. */
void
fg_http_client_stats(const struct fg_http_client *cl, struct fg_http_stats *s)
{
	*s = cl->stats;
}

/* Fails every pending call with FG_HTTP_ECANCEL, closes every connection, frees the client. */
void
fg_http_client_free(struct fg_http_client *cl)
{
	struct fg_http_call *call;
	struct pool *p;

	if (cl == NULL)
		return;
	cl->freeing = 1;
	/* First let go of every connection, so callbacks below see a quiet client. */
	TAILQ_FOREACH(call, &cl->calls, all) {
		if (call->queued)
			TAILQ_REMOVE(&call->pool->queue, call, qlink);
		call->queued = 0;
		call->pool = NULL;
		if (call->conn) {
			call->conn->call = NULL;
			conn_destroy(call->conn);
			call->conn = NULL;
		}
	}
	while ((p = TAILQ_FIRST(&cl->pools)) != NULL) {
		while (!TAILQ_EMPTY(&p->idle))
			conn_destroy(TAILQ_FIRST(&p->idle));
		TAILQ_REMOVE(&cl->pools, p, link);
		free(p->scheme);
		free(p->host);
		free(p);
	}
	while ((call = TAILQ_FIRST(&cl->calls)) != NULL)
		call_finish(call, FG_HTTP_ECANCEL, "the HTTP client was freed", NULL, 0);
	fg_net_tls_free(cl->tls);
	free(cl->tls_err);
	free(cl->ca_file);
	free(cl);
}
