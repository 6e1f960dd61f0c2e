/* request.c: the request object of localcloud and its decoded parameters. */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "lc.h"

/* Creates an empty request on a connection. */
struct lc_request *
lc_request_new(struct lc_server *srv, const struct lc_conn_ops *ops, void *conn)
{
	struct lc_request *req = fg_calloc(1, sizeof(*req));

	req->srv = srv;
	req->ops = ops;
	req->conn = conn;
	fg_headers_init(&req->headers);
	fg_buf_init(&req->body);
	fg_headers_init(&req->reply.headers);
	fg_buf_init(&req->reply.body);
	req->reply.status = 200;
	lc_uuid(req->id);
	return req;
}

/* Frees a request and everything it holds. */
void
lc_request_free(struct lc_request *req)
{
	if (req == NULL)
		return;
	free(req->method);
	free(req->path);
	free(req->query);
	lc_params_free(&req->qparams);
	lc_params_free(&req->params);
	fg_headers_free(&req->headers);
	fg_buf_free(&req->body);
	free(req->host);
	free(req->action);
	fg_json_free(req->json);
	free(req->who.region);
	fg_headers_free(&req->reply.headers);
	fg_buf_free(&req->reply.body);
	fg_timer_free(req->delay);
	free(req);
}

/* Appends one pair (copied). */
void
lc_params_add(struct lc_params *p, const char *name, size_t nlen, const char *val, size_t vlen)
{
	if (p->n == p->cap) {
		p->cap = p->cap ? p->cap * 2 : 16;
		p->v = fg_realloc(p->v, p->cap * sizeof(*p->v));
	}
	p->v[p->n].name = fg_strndup(name, nlen);
	p->v[p->n].value = fg_malloc(vlen + 1);
	memcpy(p->v[p->n].value, val, vlen);
	p->v[p->n].value[vlen] = '\0';
	p->v[p->n].len = vlen;
	p->n++;
}

/* Frees every pair. */
void
lc_params_free(struct lc_params *p)
{
	for (size_t i = 0; i < p->n; i++) {
		free(p->v[i].name);
		free(p->v[i].value);
	}
	free(p->v);
	p->v = NULL;
	p->n = p->cap = 0;
}

/* Decodes one form component into b; -1 on a bad %-escape (its offset in *bad). */
static int
form_decode(struct fg_buf *b, const char *s, size_t len, size_t *bad)
{
	fg_buf_reset(b);
	fg_buf_add(b, "", 0);
	for (size_t i = 0; i < len; i++) {
		if (s[i] == '%') {
			int hi = len - i >= 3 ? fg_hexval(s[i + 1]) : -1;
			int lo = len - i >= 3 ? fg_hexval(s[i + 2]) : -1;

			if (hi < 0 || lo < 0) {
				*bad = i;
				return -1;
			}
			fg_buf_addc(b, (char)(hi << 4 | lo));
			i += 2;
		} else
			fg_buf_addc(b, s[i] == '+' ? ' ' : s[i]);
	}
	return 0;
}

/* Parses name=value pairs separated by '&' (a name without '=' gets an empty value). */
int
lc_params_parse(struct lc_params *p, const char *text, size_t len, char **err)
{
	struct fg_buf name, val;
	size_t pos = 0, bad;
	int rc = 0;

	fg_buf_init(&name);
	fg_buf_init(&val);
	while (pos < len) {
		const char *amp = memchr(text + pos, '&', len - pos);
		size_t end = amp ? (size_t)(amp - text) : len;
		const char *eq = memchr(text + pos, '=', end - pos);
		size_t nend = eq ? (size_t)(eq - text) : end;

		if (end > pos) {
			size_t off = 0;

			if (form_decode(&name, text + pos, nend - pos, &bad) != 0)
				off = pos + bad + 1;
			else if (eq && form_decode(&val, eq + 1, end - nend - 1, &bad) != 0)
				off = nend + 1 + bad + 1;
			if (off) {
				*err = fg_printf("malformed percent-escape at offset %zu", off - 1);
				rc = -1;
				break;
			}
			if (!eq)
				fg_buf_reset(&val);
			lc_params_add(p, name.data, name.len, val.data ? val.data : "", val.len);
		}
		pos = end + 1;
	}
	fg_buf_free(&name);
	fg_buf_free(&val);
	return rc;
}

/* The first value of name in a parameter list, or NULL. */
static const char *
params_get(const struct lc_params *p, const char *name)
{
	for (size_t i = 0; i < p->n; i++)
		if (strcmp(p->v[i].name, name) == 0)
			return p->v[i].value;
	return NULL;
}

/* A parameter of the request (query string or form body), or NULL. */
const char *
lc_param(const struct lc_request *req, const char *name)
{
	return params_get(&req->params, name);
}

/* A query-string parameter, or NULL. */
const char *
lc_qparam(const struct lc_request *req, const char *name)
{
	return params_get(&req->qparams, name);
}

/* A request header, or NULL. */
const char *
lc_header(const struct lc_request *req, const char *name)
{
	return fg_headers_get(&req->headers, name);
}

/* Names the action of the request. */
void
lc_set_action(struct lc_request *req, const char *action)
{
	free(req->action);
	req->action = action ? fg_strdup(action) : NULL;
}

/* Registers the callback for a client that goes away while req is deferred. */
void
lc_request_on_abort(struct lc_request *req, void (*cb)(struct lc_request *, void *), void *arg)
{
	req->abort_cb = cb;
	req->abort_arg = arg;
}

/* The glue saw the client close while req waited: tells the handler once. */
void
lc_request_aborted(struct lc_request *req)
{
	void (*cb)(struct lc_request *, void *) = req->abort_cb;

	if (req->aborted)
		return;
	req->aborted = 1;
	req->abort_cb = NULL;
	if (cb)
		cb(req, req->abort_arg);
}
