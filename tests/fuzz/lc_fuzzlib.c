/* lc_fuzzlib.c: helpers of the localcloud fuzz targets: reply checks, input lines, signing. */
#include "config.h"

#include <stdlib.h>

#include "lc_fuzzlib.h"

/* Replies are only checked for a sane status. */
static void
t_send(struct lc_request *req)
{
	if (req->reply.status < 200 || req->reply.status > 599)
		abort();
}

/* Dropped connections need nothing. */
static void
t_drop(struct lc_request *req)
{
	(void)req;
}

const struct lc_conn_ops lcf_ops = { t_send, t_drop, NULL };

/* One line of the input (without its '\n'), at most max bytes; advances past it. */
char *
lcf_take_line(const uint8_t **data, size_t *len, size_t max)
{
	size_t n = 0;
	char *line;

	while (n < *len && n < max && (*data)[n] != '\n')
		n++;
	line = fg_strndup((const char *)*data, n);
	if (n < *len)
		n++;
	*data += n;
	*len -= n;
	return line;
}

/* Signs req with the default key, now, under p; 0, or -1 and *err. */
int
lcf_sign(struct lc_request *req, struct fg_sigv4_params *p, char **err)
{
	struct fg_creds c = { .access_key = LC_DEFAULT_ACCESS_KEY, .secret_key =
		LC_DEFAULT_SECRET_KEY };
	struct fg_sigv4_request sr = { 0 };

	p->when = fg_wall_time();
	sr.method = req->method;
	sr.path = req->path;
	sr.query = req->query;
	sr.headers = &req->headers;
	sr.body = req->body.data;
	sr.body_len = req->body.len;
	return fg_sigv4_sign(&c, p, &sr, NULL, err) != 0 ? -1 : 0;
}
