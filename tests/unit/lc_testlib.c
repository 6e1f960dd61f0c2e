/* lc_testlib.c: helpers for localcloud unit tests (see lc_testlib.h). */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "lc_testlib.h"
#include "sigv4.h"

/* Captures a reply. */
static void
t_send(struct lc_request *req)
{
	struct lct_reply *r = req->conn;

	r->done = 1;
	r->status = req->reply.status;
	r->body = fg_strndup(req->reply.body.data ? req->reply.body.data : "", req->reply.body.len);
	fg_headers_copy(&r->headers, &req->reply.headers);
}

/* Captures a dropped connection. */
static void
t_drop(struct lc_request *req)
{
	struct lct_reply *r = req->conn;

	r->done = 1;
	r->dropped = 1;
}

static const struct lc_conn_ops test_ops = { t_send, t_drop, NULL };

/* A server on a free port. */
struct lc_server *
lct_server(struct fg_loop *loop, const char *data_dir, const char *config_file)
{
	struct lc_config cfg = { .bind = "127.0.0.1", .port = 0, .data_dir = data_dir,
		.memory = data_dir == NULL, .config_file = config_file };
	char *err = NULL;
	struct lc_server *srv = lc_server_new(loop, &cfg, &err);

	if (srv == NULL)
		fatalx("test server: %s", err);
	return srv;
}

/* Builds a (signed) request as the HTTP glue would. */
struct lc_request *
lct_request(struct lc_server *srv, struct lct_reply *r, const char *method, const char *uri,
    const char *ctype, const char *target, const char *body, const char *signing,
    const char *ak, const char *secret, long skew_s)
{
	struct lc_request *req = lc_request_new(srv, &test_ops, r);
	const char *q = strchr(uri, '?');
	char *host = fg_printf("127.0.0.1:%d", lc_server_port(srv)), *err = NULL;

	fg_headers_init(&r->headers);
	req->method = fg_strdup(method);
	req->path = q ? fg_strndup(uri, (size_t)(q - uri)) : fg_strdup(uri);
	req->query = q ? fg_strdup(q + 1) : NULL;
	if (req->query && lc_params_parse(&req->qparams, req->query, strlen(req->query), &err))
		fatalx("test query: %s", err);
	req->host = fg_strdup(host);
	fg_headers_add(&req->headers, "Host", host);
	if (ctype)
		fg_headers_add(&req->headers, "Content-Type", ctype);
	if (target)
		fg_headers_add(&req->headers, "X-Amz-Target", target);
	if (body)
		fg_buf_add(&req->body, body, strlen(body));
	if (signing) {
		struct fg_creds c = { .access_key = (char *)(ak ? ak : LC_DEFAULT_ACCESS_KEY),
			.secret_key = (char *)(secret ? secret : LC_DEFAULT_SECRET_KEY) };
		struct fg_sigv4_params p = { .region = "us-east-1", .service = signing,
			.when = fg_wall_time() + skew_s, .normalize_path = 1, .double_encode_path = 1,
			.payload = FG_PAYLOAD_SIGNED };
		struct fg_sigv4_request sr = { method, req->path, req->query, &req->headers,
			body, body ? strlen(body) : 0 };

		if (fg_sigv4_sign(&c, &p, &sr, NULL, &err) != 0)
			fatalx("test signing: %s", err);
	}
	free(host);
	return req;
}

/* Dispatches a request and returns its captured reply. */
static struct lct_reply *
dispatch(struct lc_server *srv, const char *ctype, const char *target, const char *signing,
    const char *body)
{
	struct lct_reply *r = fg_calloc(1, sizeof(*r));

	lc_dispatch(lct_request(srv, r, "POST", "/", ctype, target, body, signing, NULL, NULL, 0));
	return r;
}

/* A signed query-protocol call. */
struct lct_reply *
lct_query(struct lc_server *srv, const char *signing, const char *body)
{
	return dispatch(srv, "application/x-www-form-urlencoded; charset=utf-8", NULL, signing,
	    body);
}

/* A signed JSON-protocol call. */
struct lct_reply *
lct_json(struct lc_server *srv, const char *signing, const char *target, const char *body)
{
	return dispatch(srv, "application/x-amz-json-1.0", target, signing, body);
}

/* Frees a captured reply. */
void
lct_reply_free(struct lct_reply *r)
{
	if (r == NULL)
		return;
	free(r->body);
	fg_headers_free(&r->headers);
	free(r);
}

/* The text of the first <name> element of an XML document. */
char *
lct_xml_text(const char *xml, const char *name)
{
	char *open = fg_printf("<%s>", name), *close = fg_printf("</%s>", name), *out = NULL;
	const char *a = xml ? strstr(xml, open) : NULL, *b;

	if (a && (b = strstr(a, close)) != NULL)
		out = fg_strndup(a + strlen(open), (size_t)(b - a - strlen(open)));
	free(open);
	free(close);
	return out;
}

int64_t lct_fake_ms;

/* The fake monotonic clock. */
static uint64_t
fake_mono(void *arg)
{
	(void)arg;
	return (uint64_t)lct_fake_ms;
}

/* The fake wall clock. */
static int64_t
fake_wall(void *arg)
{
	(void)arg;
	return lct_fake_ms;
}

/* Installs the fake clock at 1700000000000 ms with the given randomness. */
void
lct_fake_clock(void (*rnd)(void *arg, void *buf, size_t len))
{
	static struct fg_clock_ops ops;

	ops = (struct fg_clock_ops){ fake_mono, fake_wall, rnd, NULL };
	lct_fake_ms = 1700000000000;
	fg_clock_set(&ops);
}
