/* http_glue.c: the evhttp listener of localcloud: turns HTTP requests into lc_requests and
 * writes their replies (the only localcloud file that includes <event2/...>). */
#include "config.h"

#include <event2/buffer.h>
#include <event2/bufferevent.h>
#include <event2/event.h>
#include <event2/http.h>
#include <event2/keyvalq_struct.h>
#include <event2/util.h>
#include <netinet/in.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "lc.h"

#define IO_TIMEOUT_S 120 /* longer than the longest long poll (20 s) plus any latency fault */

struct lc_http {
	struct lc_server *srv;
	struct evhttp *http;
	struct evhttp_bound_socket *sock;
	int port;
};

/* Writes req's reply on its connection (the body is dropped for HEAD). */
static void
glue_send(struct lc_request *req)
{
	struct evhttp_request *er = req->conn;
	struct evkeyvalq *out = evhttp_request_get_output_headers(er);
	struct evbuffer *body = evbuffer_new();
	int head = strcmp(req->method, "HEAD") == 0;
	char len[32];

	for (size_t i = 0; i < req->reply.headers.n; i++)
		evhttp_add_header(out, req->reply.headers.v[i].name, req->reply.headers.v[i].value);
	if (fg_headers_get(&req->reply.headers, "Content-Length") == NULL) {
		snprintf(len, sizeof(len), "%zu", req->reply.body.len);
		evhttp_add_header(out, "Content-Length", len);
	}
	if (fg_headers_get(&req->reply.headers, "Content-Type") == NULL)
		evhttp_add_header(out, "Content-Type", "application/octet-stream");
	if (!head && req->reply.body.len)
		evbuffer_add(body, req->reply.body.data, req->reply.body.len);
	evhttp_send_reply(er, req->reply.status, NULL, body);
	evbuffer_free(body);
}

/* Closes the connection without a reply: the socket is shut down, then evhttp fails the write
 * of an empty reply and frees the connection. */
static void
glue_drop(struct lc_request *req)
{
	struct evhttp_request *er = req->conn;
	struct evhttp_connection *ec = evhttp_request_get_connection(er);

	if (ec != NULL) {
		struct bufferevent *bev = evhttp_connection_get_bufferevent(ec);
		evutil_socket_t fd = bev ? bufferevent_getfd(bev) : -1;
		struct linger lg = { 1, 0 };

		if (fd >= 0) {
			/* A reset, as a load balancer dropping the connection would send. */
			setsockopt(fd, SOL_SOCKET, SO_LINGER, &lg, sizeof(lg));
			shutdown(fd, SHUT_RDWR);
		}
	}
	evhttp_send_reply(er, 500, NULL, NULL);
}

/* evhttp: the client closed a connection whose request is deferred. */
static void
conn_closed(struct evhttp_connection *ec, void *arg)
{
	struct lc_request *req = arg;

	(void)ec;
	lc_request_aborted(req);
}

/* Watches (or stops watching) the connection of a deferred request for a close. */
static void
glue_watch(struct lc_request *req, int on)
{
	struct evhttp_connection *ec = evhttp_request_get_connection(req->conn);

	if (ec != NULL)
		evhttp_connection_set_closecb(ec, on ? conn_closed : NULL, on ? req : NULL);
}

static const struct lc_conn_ops glue_ops = { glue_send, glue_drop, glue_watch };

/* The method name of an evhttp request. */
static const char *
method_name(enum evhttp_cmd_type t)
{
	switch (t) {
	case EVHTTP_REQ_GET: return "GET";
	case EVHTTP_REQ_POST: return "POST";
	case EVHTTP_REQ_HEAD: return "HEAD";
	case EVHTTP_REQ_PUT: return "PUT";
	case EVHTTP_REQ_DELETE: return "DELETE";
	case EVHTTP_REQ_OPTIONS: return "OPTIONS";
	case EVHTTP_REQ_PATCH: return "PATCH";
	default: return "GET";
	}
}

/* evhttp: a complete request arrived. */
static void
on_request(struct evhttp_request *er, void *arg)
{
	struct lc_http *h = arg;
	struct lc_request *req = lc_request_new(h->srv, &glue_ops, er);
	const char *uri = evhttp_request_get_uri(er);
	const char *q = strchr(uri, '?');
	struct evkeyvalq *in = evhttp_request_get_input_headers(er);
	struct evbuffer *body = evhttp_request_get_input_buffer(er);
	struct evkeyval *kv;
	char *err = NULL;
	size_t n;

	req->method = fg_strdup(method_name(evhttp_request_get_command(er)));
	req->path = q ? fg_strndup(uri, (size_t)(q - uri)) : fg_strdup(uri);
	req->query = q ? fg_strdup(q + 1) : NULL;
	for (kv = in->tqh_first; kv != NULL; kv = kv->next.tqe_next)
		fg_headers_add(&req->headers, kv->key, kv->value);
	req->host = fg_strdup(fg_headers_get(&req->headers, "Host") ?
	    fg_headers_get(&req->headers, "Host") : "");
	if (*req->host == '\0') {
		free(req->host);
		req->host = fg_printf("127.0.0.1:%d", h->port);
	}
	n = evbuffer_get_length(body);
	if (n) {
		fg_buf_add(&req->body, evbuffer_pullup(body, -1), n);
	}
	if (req->path[0] != '/') {
		lc_error(req, 400, "InvalidURI", "the request target must start with '/'");
		lc_reply_send(req);
		return;
	}
	if (req->query && lc_params_parse(&req->qparams, req->query, strlen(req->query), &err)) {
		req->proto = LC_PROTO_QUERY;
		lc_error(req, 400, "MalformedQueryString", "%s", err);
		free(err);
		lc_reply_send(req);
		return;
	}
	lc_dispatch(req);
}

/* Listens on bind:port (0 picks a free port). */
struct lc_http *
lc_http_new(struct lc_server *srv, const char *bind, int port, char **err)
{
	struct lc_http *h = fg_calloc(1, sizeof(*h));
	struct event_base *base = fg_loop_event_base(lc_server_loop(srv));
	struct sockaddr_storage ss;
	ev_socklen_t sl = sizeof(ss);
	evutil_socket_t fd;

	h->srv = srv;
	h->http = evhttp_new(base);
	if (h->http == NULL)
		fatalx("evhttp_new failed");
	evhttp_set_allowed_methods(h->http, EVHTTP_REQ_GET | EVHTTP_REQ_POST | EVHTTP_REQ_HEAD |
	    EVHTTP_REQ_PUT | EVHTTP_REQ_DELETE | EVHTTP_REQ_OPTIONS | EVHTTP_REQ_PATCH);
	evhttp_set_max_body_size(h->http, LC_MAX_BODY);
	evhttp_set_timeout(h->http, IO_TIMEOUT_S);
	evhttp_set_gencb(h->http, on_request, h);
	h->sock = evhttp_bind_socket_with_handle(h->http, bind, (ev_uint16_t)port);
	if (h->sock == NULL) {
		*err = fg_printf("cannot listen on %s:%d: %s", bind, port,
		    evutil_socket_error_to_string(EVUTIL_SOCKET_ERROR()));
		evhttp_free(h->http);
		free(h);
		return NULL;
	}
	fd = evhttp_bound_socket_get_fd(h->sock);
	if (getsockname(fd, (struct sockaddr *)&ss, &sl) == 0)
		h->port = ss.ss_family == AF_INET6 ?
		    ntohs(((struct sockaddr_in6 *)&ss)->sin6_port) :
		    ntohs(((struct sockaddr_in *)&ss)->sin_port);
	return h;
}

/* The port listened on. */
int
lc_http_port(const struct lc_http *h)
{
	return h->port;
}

/* Closes the listener and every connection. */
void
lc_http_free(struct lc_http *h)
{
	if (h == NULL)
		return;
	evhttp_free(h->http);
	free(h);
}
