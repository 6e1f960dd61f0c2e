/* check_http.c: the HTTP client against local servers on the same loop: an evhttp server (plain
 * and TLS) and a raw socket server that misbehaves on purpose. TLS fixtures: data/http/gen.sh. */
#include "config.h"

#include <check.h>
#include <dirent.h>
#include <event2/buffer.h>
#include <event2/bufferevent.h>
#include <event2/bufferevent_ssl.h>
#include <event2/event.h>
#include <event2/http.h>
#include <event2/keyvalq_struct.h>
#include <event2/listener.h>
#include <netinet/in.h>
#include <openssl/ssl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "http.h"
#include "testsrv.h"

#define DATA TESTS_SRCDIR "/data/http/"

/* The loop, the client under test, and how many callbacks are still expected. */
static struct {
	struct fg_loop *loop;
	struct fg_http_client *cl;
	int pending;
	int timed_out;
} E;

/* What one request's callback saw. */
struct reply {
	int calls;
	enum fg_http_err err;
	char *msg;
	int status;
	struct fg_buf body;
	char *x_host;   /* the Host header the server got (X-Host) */
	char *x_method;
	uint64_t at_ms; /* when the callback ran */
};

/* ---- the evhttp server ---- */

struct web {
	struct evhttp *http;
	SSL_CTX *tls;
	int port;
	int requests;
};

/* Makes an SSL bufferevent for each accepted connection of the TLS server. */
static struct bufferevent *
web_tls_bev(struct event_base *base, void *arg)
{
	struct web *w = arg;

	return bufferevent_openssl_socket_new(base, -1, SSL_new(w->tls), BUFFEREVENT_SSL_ACCEPTING,
	    BEV_OPT_CLOSE_ON_FREE);
}

/* Serves /hello, /chunked, /big?n=N, /echo and /never (which never answers). */
static void
web_handle(struct evhttp_request *req, void *arg)
{
	struct web *w = arg;
	const char *uri = evhttp_request_get_uri(req);
	struct evkeyvalq *out = evhttp_request_get_output_headers(req);
	struct evbuffer *b = evbuffer_new();

	w->requests++;
	if (strcmp(uri, "/hello") == 0) {
		evbuffer_add_printf(b, "hello");
		evhttp_send_reply(req, 200, "OK", b);
	} else if (strcmp(uri, "/chunked") == 0) {
		evhttp_send_reply_start(req, 200, "OK");
		for (int i = 0; i < 3; i++) {
			evbuffer_add_printf(b, "%s", i == 0 ? "one," : i == 1 ? "two," : "three");
			evhttp_send_reply_chunk(req, b);
		}
		evhttp_send_reply_end(req);
	} else if (strncmp(uri, "/big?n=", 7) == 0) {
		size_t n = strtoul(uri + 7, NULL, 10);
		char *p = malloc(n);

		for (size_t i = 0; i < n; i++)
			p[i] = (char)('a' + i % 26);
		evbuffer_add(b, p, n);
		free(p);
		evhttp_send_reply(req, 200, "OK", b);
	} else if (strcmp(uri, "/echo") == 0) {
		const char *host = evhttp_find_header(evhttp_request_get_input_headers(req), "Host");

		evhttp_add_header(out, "X-Host", host ? host : "(none)");
		evhttp_add_header(out, "X-Method",
		    evhttp_request_get_command(req) == EVHTTP_REQ_POST ? "POST" : "other");
		evbuffer_add_buffer(b, evhttp_request_get_input_buffer(req));
		evhttp_send_reply(req, 200, "OK", b);
	} else if (strcmp(uri, "/never") != 0)
		evhttp_send_reply(req, 404, "Not Found", NULL);
	evbuffer_free(b);
}

/* Starts the evhttp server on 127.0.0.1 and a free port; TLS with cert/key when not NULL. */
static void
web_start(struct web *w, const char *cert, const char *key)
{
	memset(w, 0, sizeof(*w));
	w->http = evhttp_new(fg_loop_event_base(E.loop));
	ck_assert_ptr_nonnull(w->http);
	evhttp_set_allowed_methods(w->http, EVHTTP_REQ_GET | EVHTTP_REQ_POST | EVHTTP_REQ_HEAD);
	evhttp_set_gencb(w->http, web_handle, w);
	if (cert) {
		w->tls = SSL_CTX_new(TLS_server_method());
		ck_assert_int_eq(SSL_CTX_use_certificate_chain_file(w->tls, cert), 1);
		ck_assert_int_eq(SSL_CTX_use_PrivateKey_file(w->tls, key, SSL_FILETYPE_PEM), 1);
		evhttp_set_bevcb(w->http, web_tls_bev, w);
	}
	w->port = testsrv_bind(w->http);
}

/* Stops the server. */
static void
web_stop(struct web *w)
{
	evhttp_free(w->http);
	SSL_CTX_free(w->tls);
}

/* ---- the raw server ---- */

enum raw_mode {
	RAW_REPLY,       /* answers each request with reply, then closes if close_after */
	RAW_SILENT,      /* reads and never answers */
	RAW_TRICKLE,     /* starts a response and sends one body byte every 30 ms */
	RAW_DROP_SECOND, /* answers the first request of a connection, closes on the second */
};

struct raw_conn;

struct raw {
	struct evconnlistener *lis;
	int port;
	enum raw_mode mode;
	const char *reply;
	int close_after;
	int accepted;
	struct raw_conn *conns;
};

struct raw_conn {
	struct raw *srv;
	struct bufferevent *bev;
	struct event *tick;
	int requests;
	struct raw_conn *next;
};

/* Closes one raw connection. */
static void
raw_conn_free(struct raw_conn *c)
{
	struct raw_conn **pp;

	for (pp = &c->srv->conns; *pp != c; pp = &(*pp)->next)
		;
	*pp = c->next;
	if (c->tick)
		event_free(c->tick);
	bufferevent_free(c->bev);
	free(c);
}

/* Sends one more byte of a trickled body. */
static void
raw_tick(evutil_socket_t fd, short what, void *arg)
{
	struct raw_conn *c = arg;

	(void)fd;
	(void)what;
	bufferevent_write(c->bev, "x", 1);
}

/* Closes once everything queued was sent. */
static void
raw_drained(struct bufferevent *bev, void *arg)
{
	(void)bev;
	raw_conn_free(arg);
}

/* Acts on each complete request head. */
static void
raw_read(struct bufferevent *bev, void *arg)
{
	struct raw_conn *c = arg;
	struct evbuffer *in = bufferevent_get_input(bev);
	struct evbuffer_ptr end;

	while ((end = evbuffer_search(in, "\r\n\r\n", 4, NULL)).pos >= 0) {
		evbuffer_drain(in, (size_t)end.pos + 4);
		c->requests++;
		switch (c->srv->mode) {
		case RAW_REPLY:
			bufferevent_write(bev, c->srv->reply, strlen(c->srv->reply));
			if (!c->srv->close_after)
				break;
			if (evbuffer_get_length(bufferevent_get_output(bev)) == 0)
				raw_conn_free(c);
			else
				bufferevent_setcb(bev, NULL, raw_drained, NULL, c);
			return;
		case RAW_SILENT:
			break;
		case RAW_TRICKLE: {
			struct timeval tv = { 0, 30000 };
			static const char head[] = "HTTP/1.1 200 OK\r\nContent-Length: 1000\r\n\r\n";

			bufferevent_write(bev, head, sizeof(head) - 1);
			c->tick = event_new(bufferevent_get_base(bev), -1, EV_PERSIST, raw_tick, c);
			event_add(c->tick, &tv);
			break;
		}
		case RAW_DROP_SECOND:
			if (c->requests > 1) {
				raw_conn_free(c);
				return;
			}
			bufferevent_write(bev, "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok", 40);
			break;
		}
	}
}

/* The client closed. */
static void
raw_event(struct bufferevent *bev, short what, void *arg)
{
	(void)bev;
	(void)what;
	raw_conn_free(arg);
}

/* Accepts a connection. */
static void
raw_accept(struct evconnlistener *lis, evutil_socket_t fd, struct sockaddr *sa, int len, void *arg)
{
	struct raw *r = arg;
	struct raw_conn *c = calloc(1, sizeof(*c));

	(void)sa;
	(void)len;
	c->srv = r;
	c->bev = bufferevent_socket_new(evconnlistener_get_base(lis), fd, BEV_OPT_CLOSE_ON_FREE);
	bufferevent_setcb(c->bev, raw_read, NULL, raw_event, c);
	bufferevent_enable(c->bev, EV_READ | EV_WRITE);
	c->next = r->conns;
	r->conns = c;
	r->accepted++;
}

/* Starts the raw server on 127.0.0.1 and a free port. */
static void
raw_start(struct raw *r, enum raw_mode mode, const char *reply, int close_after)
{
	struct sockaddr_in sin;
	socklen_t len = sizeof(sin);

	memset(r, 0, sizeof(*r));
	r->mode = mode;
	r->reply = reply;
	r->close_after = close_after;
	memset(&sin, 0, sizeof(sin));
	sin.sin_family = AF_INET;
	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	r->lis = evconnlistener_new_bind(fg_loop_event_base(E.loop), raw_accept, r,
	    LEV_OPT_CLOSE_ON_FREE | LEV_OPT_REUSEABLE, 16, (struct sockaddr *)&sin, sizeof(sin));
	ck_assert_ptr_nonnull(r->lis);
	getsockname(evconnlistener_get_fd(r->lis), (struct sockaddr *)&sin, &len);
	r->port = ntohs(sin.sin_port);
}

/* Stops the raw server and closes its connections. */
static void
raw_stop(struct raw *r)
{
	while (r->conns)
		raw_conn_free(r->conns);
	evconnlistener_free(r->lis);
}

/* ---- the client side ---- */

/* Records a callback; stops the loop when the last expected one ran. */
static void
got(enum fg_http_err err, const char *msg, struct fg_http_response *resp, void *arg)
{
	struct reply *r = arg;

	r->calls++;
	r->err = err;
	r->at_ms = fg_mono_ms();
	if (err == FG_HTTP_OK) {
		const char *h;

		ck_assert_ptr_null(msg);
		r->status = resp->status;
		fg_buf_add(&r->body, resp->body.data ? resp->body.data : "", resp->body.len);
		if ((h = fg_headers_get(&resp->headers, "X-Host")) != NULL)
			r->x_host = fg_strdup(h);
		if ((h = fg_headers_get(&resp->headers, "X-Method")) != NULL)
			r->x_method = fg_strdup(h);
	} else {
		ck_assert_ptr_null(resp);
		ck_assert_ptr_nonnull(msg);
		r->msg = fg_strdup(msg);
	}
	if (--E.pending == 0)
		fg_loop_exit(E.loop);
}

/* Frees what a reply kept. */
static void
reply_free(struct reply *r)
{
	free(r->msg);
	free(r->x_host);
	free(r->x_method);
	fg_buf_free(&r->body);
	memset(r, 0, sizeof(*r));
}

/* Sends a request expecting one callback into r. */
static struct fg_http_call *
send_req(const char *method, const char *url, const void *body, size_t len, struct reply *r)
{
	struct fg_http_request req;
	struct fg_http_call *call;

	fg_http_request_init(&req);
	req.method = method;
	req.url = url;
	req.body = body;
	req.body_len = len;
	fg_headers_add(&req.headers, "X-Test", "1");
	E.pending++;
	call = fg_http_send(E.cl, &req, got, r);
	fg_http_request_free(&req);
	return call;
}

/* Sends a GET to http://127.0.0.1:port/path. */
static struct fg_http_call *
get(int port, const char *path, struct reply *r)
{
	char url[128];

	snprintf(url, sizeof(url), "http://127.0.0.1:%d%s", port, path);
	return send_req("GET", url, NULL, 0, r);
}

/* The test took too long. */
static void
on_guard(void *arg)
{
	(void)arg;
	E.timed_out = 1;
	fg_loop_exit(E.loop);
}

/* Runs the loop until every expected callback ran (or 20 s passed). */
static void
wait_all(void)
{
	struct fg_timer *guard = fg_timer_new(E.loop, on_guard, NULL);

	fg_timer_add(guard, 20000);
	if (E.pending > 0)
		fg_loop_run(E.loop);
	fg_timer_free(guard);
	ck_assert_msg(!E.timed_out, "callbacks still pending: %d", E.pending);
}

/* Exits the loop after a pause. */
static void
on_pause(void *arg)
{
	fg_loop_exit(arg);
}

/* Runs the loop for ms milliseconds. */
static void
run_for(uint64_t ms)
{
	struct fg_timer *t = fg_timer_new(E.loop, on_pause, E.loop);

	fg_timer_add(t, ms);
	fg_loop_run(E.loop);
	fg_timer_free(t);
}

/* A loop and a client with opts (NULL: defaults). */
static void
env_start(const struct fg_http_opts *opts)
{
	memset(&E, 0, sizeof(E));
	log_set_debug(getenv("FUGUE_TEST_DEBUG"));
	E.loop = fg_loop_new();
	E.cl = fg_http_client_new(E.loop, opts);
}

/* Frees the client (if still there) and the loop; servers on the loop must be stopped. */
static void
env_stop(void)
{
	fg_http_client_free(E.cl);
	fg_loop_free(E.loop);
	memset(&E, 0, sizeof(E));
}

/* Counts this process's open file descriptors. */
static int
open_fds(void)
{
	DIR *d = opendir("/proc/self/fd");
	int n = 0;

	ck_assert_ptr_nonnull(d);
	while (readdir(d) != NULL)
		n++;
	closedir(d);
	return n;
}

/* ---- tests ---- */

static struct web W;

/* A sequence of requests, each sent from the previous one's callback. */
struct chain {
	int left;
	int port;
	int ok;
};

static void chain_next(enum fg_http_err, const char *, struct fg_http_response *, void *);

/* Sends the next request of the sequence. */
static void
chain_send(struct chain *c)
{
	struct fg_http_request req;
	char url[64];

	snprintf(url, sizeof(url), "http://127.0.0.1:%d/hello", c->port);
	fg_http_request_init(&req);
	req.method = "GET";
	req.url = url;
	fg_http_send(E.cl, &req, chain_next, c);
}

/* One request of the sequence finished: counts it and sends the next. */
static void
chain_next(enum fg_http_err err, const char *msg, struct fg_http_response *resp, void *arg)
{
	struct chain *c = arg;

	(void)msg;
	if (err == FG_HTTP_OK && resp->status == 200 && resp->body.len == 5)
		c->ok++;
	if (--c->left > 0) {
		chain_send(c);
		return;
	}
	E.pending--;
	fg_loop_exit(E.loop);
}

START_TEST(keepalive_reuse)
{
	struct chain c = { 20, 0, 0 };
	struct fg_http_stats st;

	env_start(NULL);
	web_start(&W, NULL, NULL);
	c.port = W.port;
	E.pending = 1;
	chain_send(&c);
	wait_all();
	ck_assert_int_eq(c.ok, 20);
	fg_http_client_stats(E.cl, &st);
	ck_assert_uint_eq(st.requests, 20);
	ck_assert_uint_eq(st.connects, 1);
	ck_assert_uint_eq(st.reuses, 19);
	ck_assert_uint_eq(st.in_flight, 0);
	ck_assert_uint_eq(st.open_conns, 1);
	ck_assert_int_eq(W.requests, 20);
	web_stop(&W);
	env_stop();
}
END_TEST

START_TEST(chunked_and_large_bodies)
{
	struct reply a = { 0 }, b = { 0 }, c = { 0 }, h = { 0 };
	char url[64];
	size_t n = 5u << 20, big = 1u << 20;
	char *body = malloc(big);

	env_start(NULL);
	web_start(&W, NULL, NULL);
	get(W.port, "/chunked", &a);
	snprintf(url, sizeof(url), "/big?n=%zu", n);
	get(W.port, url, &b);
	for (size_t i = 0; i < big; i++)
		body[i] = (char)(i * 7);
	snprintf(url, sizeof(url), "http://127.0.0.1:%d/echo", W.port);
	send_req("POST", url, body, big, &c);
	snprintf(url, sizeof(url), "http://127.0.0.1:%d/big?n=100", W.port);
	send_req("HEAD", url, NULL, 0, &h);
	wait_all();
	ck_assert_int_eq(a.err, FG_HTTP_OK);
	ck_assert_str_eq(a.body.data, "one,two,three");
	ck_assert_int_eq(b.err, FG_HTTP_OK);
	ck_assert_uint_eq(b.body.len, n);
	for (size_t i = 0; i < n; i += 4099)
		ck_assert_int_eq(b.body.data[i], 'a' + i % 26);
	ck_assert_int_eq(c.err, FG_HTTP_OK);
	ck_assert_uint_eq(c.body.len, big);
	ck_assert(memcmp(c.body.data, body, big) == 0);
	ck_assert_str_eq(c.x_method, "POST");
	snprintf(url, sizeof(url), "127.0.0.1:%d", W.port);
	ck_assert_str_eq(c.x_host, url);
	ck_assert_int_eq(h.err, FG_HTTP_OK);
	ck_assert_int_eq(h.status, 200);
	ck_assert_uint_eq(h.body.len, 0);
	reply_free(&a);
	reply_free(&b);
	reply_free(&c);
	reply_free(&h);
	free(body);
	web_stop(&W);
	env_stop();
}
END_TEST

START_TEST(response_size_cap)
{
	struct fg_http_opts o;
	struct reply a = { 0 }, b = { 0 }, c = { 0 };

	fg_http_opts_default(&o);
	o.max_response = 1000;
	env_start(&o);
	web_start(&W, NULL, NULL);
	get(W.port, "/big?n=1001", &a);
	get(W.port, "/big?n=1000", &b);
	get(W.port, "/hello", &c);
	wait_all();
	ck_assert_int_eq(a.err, FG_HTTP_ETOOBIG);
	ck_assert_msg(strstr(a.msg, "1001 bytes exceeds the cap of 1000") != NULL, "%s", a.msg);
	ck_assert_int_eq(b.err, FG_HTTP_OK);
	ck_assert_uint_eq(b.body.len, 1000);
	ck_assert_int_eq(c.err, FG_HTTP_OK);
	reply_free(&a);
	reply_free(&b);
	reply_free(&c);
	web_stop(&W);
	env_stop();
}
END_TEST

START_TEST(connect_refused)
{
	struct reply a = { 0 };
	struct fg_http_stats st;

	env_start(NULL);
	get(testsrv_closed_port(), "/", &a);
	wait_all();
	ck_assert_int_eq(a.err, FG_HTTP_ECONNECT);
	ck_assert_msg(strstr(a.msg, "refused") != NULL, "%s", a.msg);
	fg_http_client_stats(E.cl, &st);
	ck_assert_uint_eq(st.open_conns, 0);
	ck_assert_uint_eq(st.in_flight, 0);
	reply_free(&a);
	env_stop();
}
END_TEST

START_TEST(idle_timeout)
{
	struct fg_http_opts o;
	struct reply a = { 0 };
	struct raw r;
	uint64_t t0;

	fg_http_opts_default(&o);
	o.idle_timeout_ms = 200;
	env_start(&o);
	raw_start(&r, RAW_SILENT, NULL, 0);
	t0 = fg_mono_ms();
	get(r.port, "/", &a);
	wait_all();
	ck_assert_int_eq(a.err, FG_HTTP_ETIMEOUT);
	ck_assert_msg(strstr(a.msg, "no data from 127.0.0.1") != NULL, "%s", a.msg);
	ck_assert_uint_ge(a.at_ms - t0, 190);
	ck_assert_uint_lt(a.at_ms - t0, 2000);
	reply_free(&a);
	raw_stop(&r);
	env_stop();
}
END_TEST

START_TEST(total_timeout)
{
	struct fg_http_request req;
	struct reply a = { 0 };
	struct raw r;
	char url[64];
	uint64_t t0;

	env_start(NULL);
	raw_start(&r, RAW_TRICKLE, NULL, 0);
	snprintf(url, sizeof(url), "http://127.0.0.1:%d/", r.port);
	fg_http_request_init(&req);
	req.method = "GET";
	req.url = url;
	req.timeout_ms = 300;
	t0 = fg_mono_ms();
	E.pending = 1;
	fg_http_send(E.cl, &req, got, &a);
	wait_all();
	ck_assert_int_eq(a.err, FG_HTTP_ETIMEOUT);
	ck_assert_msg(strstr(a.msg, "no complete response within 300 ms") != NULL, "%s", a.msg);
	ck_assert_uint_ge(a.at_ms - t0, 290);
	reply_free(&a);
	raw_stop(&r);
	env_stop();
}
END_TEST

/* One raw-server case: the reply, whether it closes, and what the client must say. */
struct raw_case {
	const char *reply;
	int close_after;
	enum fg_http_err err;
	const char *msg;  /* in the error message, or the body when err is FG_HTTP_OK */
};

static const struct raw_case raw_cases[] = {
	{ "HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\nshort", 1, FG_HTTP_ERESET,
	  "95 body bytes still expected" },
	{ "HTTP/1.1 200 OK\r\nContent-Le", 1, FG_HTTP_ERESET, "closed in the response headers" },
	{ "", 1, FG_HTTP_ERESET, "closed before any response byte" },
	{ "SSH-2.0-OpenSSH_9.2\r\n", 0, FG_HTTP_EPROTO, "bad status line \"SSH-2.0" },
	{ "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nxyz\r\n", 0, FG_HTTP_EPROTO,
	  "bad chunk size line" },
	{ "HTTP/1.1 200 OK\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\nab", 0,
	  FG_HTTP_EPROTO, "conflicting Content-Length" },
	{ "HTTP/1.1 200 OK\r\n\r\nuntil close", 1, FG_HTTP_OK, "until close" },
	{ "HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 201 Created\r\nContent-Length: 2\r\n\r\nhi", 0,
	  FG_HTTP_OK, "hi" },
};

START_TEST(misbehaving_servers)
{
	const struct raw_case *rc = &raw_cases[_i];
	struct reply a = { 0 };
	struct fg_http_stats st;
	struct raw r;

	env_start(NULL);
	raw_start(&r, RAW_REPLY, rc->reply, rc->close_after);
	get(r.port, "/", &a);
	wait_all();
	ck_assert_msg(a.err == rc->err, "case %d: %s", _i, a.msg ? a.msg : "ok");
	if (rc->err == FG_HTTP_OK)
		ck_assert_str_eq(a.body.data, rc->msg);
	else
		ck_assert_msg(strstr(a.msg, rc->msg) != NULL, "case %d: %s", _i, a.msg);
	fg_http_client_stats(E.cl, &st);
	ck_assert_uint_eq(st.connects, 1);
	/* Only a complete response on a connection left open is pooled. */
	ck_assert_uint_eq(st.open_conns, rc->err == FG_HTTP_OK && !rc->close_after);
	reply_free(&a);
	raw_stop(&r);
	env_stop();
}
END_TEST

/* Two requests to one URL, the second sent from the first one's callback (so it goes on the
 * pooled connection). */
struct pair {
	char url[64];
	struct reply r[2];
};

/* The first request finished: records it and sends the second. */
static void
then_second(enum fg_http_err err, const char *msg, struct fg_http_response *resp, void *arg)
{
	struct pair *p = arg;

	E.pending++;
	got(err, msg, resp, &p->r[0]);
	fg_http_send(E.cl, &(struct fg_http_request){ .method = "GET", .url = p->url }, got,
	    &p->r[1]);
}

START_TEST(retry_on_stale_connection)
{
	struct pair p = { .url = "" };
	struct fg_http_stats st;
	struct raw r;

	env_start(NULL);
	raw_start(&r, RAW_DROP_SECOND, NULL, 0);
	snprintf(p.url, sizeof(p.url), "http://127.0.0.1:%d/", r.port);
	E.pending = 1;
	fg_http_send(E.cl, &(struct fg_http_request){ .method = "GET", .url = p.url }, then_second,
	    &p);
	wait_all();
	ck_assert_int_eq(p.r[0].err, FG_HTTP_OK);
	ck_assert_msg(p.r[1].err == FG_HTTP_OK, "%s", p.r[1].msg);
	ck_assert_str_eq(p.r[1].body.data, "ok");
	fg_http_client_stats(E.cl, &st);
	ck_assert_uint_eq(st.connects, 2);
	ck_assert_uint_eq(st.requests, 3);
	ck_assert_uint_eq(r.accepted, 2);
	reply_free(&p.r[0]);
	reply_free(&p.r[1]);
	raw_stop(&r);
	env_stop();
}
END_TEST

START_TEST(no_retry_on_fresh_connection)
{
	struct reply a = { 0 };
	struct fg_http_stats st;
	struct raw r;

	env_start(NULL);
	raw_start(&r, RAW_REPLY, "", 1); /* closes every connection without a byte */
	get(r.port, "/", &a);
	wait_all();
	ck_assert_int_eq(a.err, FG_HTTP_ERESET);
	fg_http_client_stats(E.cl, &st);
	ck_assert_uint_eq(st.connects, 1);
	ck_assert_uint_eq(st.requests, 1);
	reply_free(&a);
	raw_stop(&r);
	env_stop();
}
END_TEST

START_TEST(pool_expires_idle_connections)
{
	struct fg_http_opts o;
	struct reply a = { 0 }, b = { 0 };
	struct fg_http_stats st;

	fg_http_opts_default(&o);
	o.keepalive_ms = 100;
	env_start(&o);
	web_start(&W, NULL, NULL);
	get(W.port, "/hello", &a);
	wait_all();
	fg_http_client_stats(E.cl, &st);
	ck_assert_uint_eq(st.open_conns, 1);
	run_for(300);
	fg_http_client_stats(E.cl, &st);
	ck_assert_uint_eq(st.open_conns, 0);
	get(W.port, "/hello", &b);
	wait_all();
	ck_assert_int_eq(b.err, FG_HTTP_OK);
	fg_http_client_stats(E.cl, &st);
	ck_assert_uint_eq(st.connects, 2);
	ck_assert_uint_eq(st.reuses, 0);
	reply_free(&a);
	reply_free(&b);
	web_stop(&W);
	env_stop();
}
END_TEST

START_TEST(five_hundred_in_flight)
{
	enum { N = 500 };
	struct reply *rs = calloc(N, sizeof(*rs));
	struct fg_http_stats st;
	int fds, ok = 0;

	env_start(NULL);
	web_start(&W, NULL, NULL);
	fds = open_fds();
	for (int i = 0; i < N; i++)
		get(W.port, i % 2 ? "/hello" : "/chunked", &rs[i]);
	fg_http_client_stats(E.cl, &st);
	ck_assert_uint_eq(st.in_flight, N);
	ck_assert_uint_le(st.open_conns, 64);
	wait_all();
	for (int i = 0; i < N; i++) {
		ok += rs[i].err == FG_HTTP_OK && rs[i].status == 200 &&
		    strcmp(rs[i].body.data, i % 2 ? "hello" : "one,two,three") == 0;
		reply_free(&rs[i]);
	}
	ck_assert_int_eq(ok, N);
	fg_http_client_stats(E.cl, &st);
	ck_assert_uint_eq(st.requests, N);
	ck_assert_uint_le(st.connects, 64);
	ck_assert_uint_eq(st.connects + st.reuses, N);
	ck_assert_uint_eq(st.in_flight, 0);
	fg_http_client_free(E.cl);
	E.cl = NULL;
	run_for(100); /* the server sees the closes */
	ck_assert_int_eq(open_fds(), fds);
	free(rs);
	web_stop(&W);
	env_stop();
}
END_TEST

/* A callback that must never run. */
static void
never(enum fg_http_err err, const char *msg, struct fg_http_response *resp, void *arg)
{
	(void)err;
	(void)msg;
	(void)resp;
	(void)arg;
	ck_abort_msg("a cancelled call's callback ran");
}

START_TEST(cancel)
{
	struct fg_http_opts o;
	struct fg_http_call *c1, *c2;
	struct reply a = { 0 }, b = { 0 };
	struct fg_http_stats st;
	char url[64];

	fg_http_opts_default(&o);
	o.max_conns_per_host = 1;
	env_start(&o);
	web_start(&W, NULL, NULL);
	snprintf(url, sizeof(url), "http://127.0.0.1:%d/never", W.port);
	c1 = fg_http_send(E.cl, &(struct fg_http_request){ .method = "GET", .url = url }, never,
	    NULL);
	get(W.port, "/hello", &a);
	snprintf(url, sizeof(url), "http://127.0.0.1:%d/hello", W.port);
	c2 = fg_http_send(E.cl, &(struct fg_http_request){ .method = "GET", .url = url }, never,
	    NULL);
	get(W.port, "/chunked", &b);
	fg_http_cancel(c2);      /* queued */
	run_for(100);
	fg_http_cancel(c1);      /* sent, waiting for its answer: frees the only slot */
	wait_all();
	ck_assert_int_eq(a.err, FG_HTTP_OK);
	ck_assert_int_eq(b.err, FG_HTTP_OK);
	ck_assert_str_eq(b.body.data, "one,two,three");
	ck_assert_uint_le(a.at_ms, b.at_ms);
	fg_http_client_stats(E.cl, &st);
	ck_assert_uint_eq(st.in_flight, 0);
	ck_assert_uint_eq(st.connects, 2);
	reply_free(&a);
	reply_free(&b);
	web_stop(&W);
	env_stop();
}
END_TEST

/* Frees the client from inside a callback. */
static void
free_client(enum fg_http_err err, const char *msg, struct fg_http_response *resp, void *arg)
{
	got(err, msg, resp, arg);
	fg_http_client_free(E.cl);
	E.cl = NULL;
}

START_TEST(free_with_pending_requests)
{
	struct fg_http_opts o;
	struct reply rs[8] = { { 0 } }, first = { 0 };
	struct web other;
	char url[64];

	fg_http_opts_default(&o);
	o.max_conns_per_host = 3;
	env_start(&o);
	web_start(&W, NULL, NULL);
	web_start(&other, NULL, NULL);

	/* Freed directly: every callback runs inside fg_http_client_free. */
	for (int i = 0; i < 4; i++)
		get(W.port, "/never", &rs[i]); /* 3 sent, 1 queued */
	run_for(50);
	fg_http_client_free(E.cl);
	for (int i = 0; i < 4; i++) {
		ck_assert_int_eq(rs[i].calls, 1);
		ck_assert_int_eq(rs[i].err, FG_HTTP_ECANCEL);
		reply_free(&rs[i]);
	}
	ck_assert_int_eq(E.pending, 0);

	/* Freed from a callback of another endpoint's request. */
	E.cl = fg_http_client_new(E.loop, &o);
	for (int i = 0; i < 8; i++)
		get(W.port, "/never", &rs[i]); /* 3 sent, 5 queued */
	snprintf(url, sizeof(url), "http://127.0.0.1:%d/hello", other.port);
	E.pending++;
	fg_http_send(E.cl, &(struct fg_http_request){ .method = "GET", .url = url }, free_client,
	    &first);
	wait_all();
	ck_assert_ptr_null(E.cl);
	ck_assert_int_eq(first.calls, 1);
	ck_assert_int_eq(first.err, FG_HTTP_OK);
	for (int i = 0; i < 8; i++) {
		ck_assert_int_eq(rs[i].calls, 1);
		ck_assert_int_eq(rs[i].err, FG_HTTP_ECANCEL);
		ck_assert_msg(strstr(rs[i].msg, "freed") != NULL, "%s", rs[i].msg);
		reply_free(&rs[i]);
	}
	reply_free(&first);
	web_stop(&other);
	web_stop(&W);
	env_stop();
}
END_TEST

START_TEST(bad_requests_fail_later)
{
	struct fg_http_request req;
	struct reply a = { 0 }, b = { 0 }, c = { 0 };

	env_start(NULL);
	send_req("GET", "ftp://example.com/", NULL, 0, &a);
	send_req("GE T", "http://127.0.0.1:1/", NULL, 0, &b);
	fg_http_request_init(&req);
	req.method = "GET";
	req.url = "http://127.0.0.1:1/";
	fg_headers_add(&req.headers, "X-Evil", "a\r\nInjected: 1");
	E.pending++;
	fg_http_send(E.cl, &req, got, &c);
	fg_http_request_free(&req);
	ck_assert_int_eq(a.calls + b.calls + c.calls, 0); /* never from inside fg_http_send */
	wait_all();
	ck_assert_int_eq(a.err, FG_HTTP_EURL);
	ck_assert_msg(strstr(a.msg, "unsupported scheme") != NULL, "%s", a.msg);
	ck_assert_int_eq(b.err, FG_HTTP_EURL);
	ck_assert_msg(strstr(b.msg, "bad method") != NULL, "%s", b.msg);
	ck_assert_int_eq(c.err, FG_HTTP_EURL);
	ck_assert_msg(strstr(c.msg, "bad request header \"X-Evil\"") != NULL, "%s", c.msg);
	reply_free(&a);
	reply_free(&b);
	reply_free(&c);
	env_stop();
}
END_TEST

/* ---- TLS ---- */

/* Sends one GET over https and returns the reply; with the host name given. */
static void
tls_get(const char *host, int port, struct reply *r)
{
	char url[128];

	snprintf(url, sizeof(url), "https://%s:%d/hello", host, port);
	send_req("GET", url, NULL, 0, r);
	wait_all();
}

START_TEST(tls_self_signed_fails_by_default)
{
	struct fg_http_opts o;
	struct reply a = { 0 };

	unsetenv("AWS_CA_BUNDLE");
	env_start(NULL);
	web_start(&W, DATA "server.pem", DATA "server.key");
	tls_get("127.0.0.1", W.port, &a);
	ck_assert_int_eq(a.err, FG_HTTP_ETLS);
	ck_assert_msg(strstr(a.msg, "certificate verification") != NULL, "%s", a.msg);
	reply_free(&a);
	fg_http_client_free(E.cl);

	/* insecure turns the checks off (tests only). */
	fg_http_opts_default(&o);
	o.insecure = 1;
	E.cl = fg_http_client_new(E.loop, &o);
	tls_get("127.0.0.1", W.port, &a);
	ck_assert_int_eq(a.err, FG_HTTP_OK);
	reply_free(&a);
	web_stop(&W);
	env_stop();
}
END_TEST

START_TEST(tls_passes_with_ca_file)
{
	struct fg_http_opts o;
	struct reply a = { 0 }, b = { 0 }, c = { 0 };
	struct fg_http_stats st;

	unsetenv("AWS_CA_BUNDLE");
	fg_http_opts_default(&o);
	o.ca_file = DATA "ca.pem";
	env_start(&o);
	web_start(&W, DATA "server.pem", DATA "server.key");
	tls_get("127.0.0.1", W.port, &a);
	ck_assert_msg(a.err == FG_HTTP_OK, "%s", a.msg);
	ck_assert_str_eq(a.body.data, "hello");
	tls_get("127.0.0.1", W.port, &b);
	ck_assert_int_eq(b.err, FG_HTTP_OK);
	fg_http_client_stats(E.cl, &st);
	ck_assert_uint_eq(st.connects, 1);
	ck_assert_uint_eq(st.reuses, 1);
	/* By name: evdns (hosts file), SNI and DNS-name verification. */
	tls_get("localhost", W.port, &c);
	ck_assert_msg(c.err == FG_HTTP_OK, "%s", c.msg);
	reply_free(&a);
	reply_free(&b);
	reply_free(&c);
	web_stop(&W);
	env_stop();
}
END_TEST

START_TEST(tls_aws_ca_bundle)
{
	struct reply a = { 0 };

	setenv("AWS_CA_BUNDLE", DATA "ca.pem", 1);
	env_start(NULL);
	web_start(&W, DATA "server.pem", DATA "server.key");
	tls_get("127.0.0.1", W.port, &a);
	ck_assert_msg(a.err == FG_HTTP_OK, "%s", a.msg);
	reply_free(&a);
	web_stop(&W);
	env_stop();
	unsetenv("AWS_CA_BUNDLE");
}
END_TEST

START_TEST(tls_host_name_mismatch)
{
	struct fg_http_opts o;
	struct reply a = { 0 }, b = { 0 };

	fg_http_opts_default(&o);
	o.ca_file = DATA "ca.pem";
	env_start(&o);
	web_start(&W, DATA "wronghost.pem", DATA "wronghost.key");
	tls_get("127.0.0.1", W.port, &a);
	ck_assert_int_eq(a.err, FG_HTTP_ETLS);
	ck_assert_msg(strstr(a.msg, "IP address mismatch") != NULL, "%s", a.msg);
	tls_get("localhost", W.port, &b);
	ck_assert_int_eq(b.err, FG_HTTP_ETLS);
	ck_assert_msg(strstr(b.msg, "hostname mismatch") != NULL, "%s", b.msg);
	reply_free(&a);
	reply_free(&b);
	web_stop(&W);
	env_stop();
}
END_TEST

START_TEST(tls_connect_timeout)
{
	struct fg_http_opts o;
	struct reply a = { 0 };
	struct raw r;
	uint64_t t0;

	fg_http_opts_default(&o);
	o.connect_timeout_ms = 200;
	o.insecure = 1;
	env_start(&o);
	raw_start(&r, RAW_SILENT, NULL, 0); /* accepts, never answers the ClientHello */
	t0 = fg_mono_ms();
	tls_get("127.0.0.1", r.port, &a);
	ck_assert_int_eq(a.err, FG_HTTP_ETIMEOUT);
	ck_assert_msg(strstr(a.msg, "timed out after 200 ms (in the TLS handshake)") != NULL, "%s",
	    a.msg);
	ck_assert_uint_ge(a.at_ms - t0, 190);
	reply_free(&a);
	raw_stop(&r);
	env_stop();
}
END_TEST

START_TEST(tls_bad_ca_file)
{
	struct fg_http_opts o;
	struct reply a = { 0 };

	fg_http_opts_default(&o);
	o.ca_file = DATA "no-such-file.pem";
	env_start(&o);
	tls_get("127.0.0.1", 1, &a);
	ck_assert_int_eq(a.err, FG_HTTP_ETLS);
	ck_assert_msg(strstr(a.msg, "cannot load the CA bundle") != NULL, "%s", a.msg);
	reply_free(&a);
	env_stop();
}
END_TEST

static Suite *
http_suite(void)
{
	Suite *s = suite_create("http");
	TCase *tc = tcase_create("client");
	TCase *tls = tcase_create("tls");

	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, keepalive_reuse);
	tcase_add_test(tc, chunked_and_large_bodies);
	tcase_add_test(tc, response_size_cap);
	tcase_add_test(tc, connect_refused);
	tcase_add_test(tc, idle_timeout);
	tcase_add_test(tc, total_timeout);
	tcase_add_loop_test(tc, misbehaving_servers, 0, (int)FG_ARRAY_LEN(raw_cases));
	tcase_add_test(tc, retry_on_stale_connection);
	tcase_add_test(tc, no_retry_on_fresh_connection);
	tcase_add_test(tc, pool_expires_idle_connections);
	tcase_add_test(tc, five_hundred_in_flight);
	tcase_add_test(tc, cancel);
	tcase_add_test(tc, free_with_pending_requests);
	tcase_add_test(tc, bad_requests_fail_later);
	suite_add_tcase(s, tc);
	tcase_set_timeout(tls, 60);
	tcase_add_test(tls, tls_self_signed_fails_by_default);
	tcase_add_test(tls, tls_passes_with_ca_file);
	tcase_add_test(tls, tls_aws_ca_bundle);
	tcase_add_test(tls, tls_host_name_mismatch);
	tcase_add_test(tls, tls_connect_timeout);
	tcase_add_test(tls, tls_bad_ca_file);
	suite_add_tcase(s, tls);
	return s;
}

int
main(void)
{
	SRunner *sr = srunner_create(http_suite());
	int failed;

	srunner_run_all(sr, CK_ENV);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? 1 : 0;
}
