/* fuzz_http_response.c: the HTTP response parser on arbitrary bytes, fed whole, in two pieces
 * and byte by byte; all three must agree (and nothing may crash or leak). */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "http.h"

struct outcome {
	enum fg_http_parse_state st;
	enum fg_http_err err;
	size_t used;
	int keepalive;
	struct fg_http_response resp;
};

/* Feeds data in pieces of at most step bytes (the first piece: first bytes), then eof. */
static void
feed(const char *data, size_t len, size_t first, size_t step, int head, size_t max_body, int eof,
    struct outcome *o)
{
	struct fg_http_parser *p = fg_http_parser_new(head, max_body);
	size_t at = 0, used;

	memset(o, 0, sizeof(*o));
	o->st = FG_HP_MORE;
	while (at < len && o->st == FG_HP_MORE) {
		size_t n = at == 0 && first ? first : step;

		if (n > len - at)
			n = len - at;
		o->st = fg_http_parser_feed(p, data + at, n, &used, 0);
		if (used > n || (o->st == FG_HP_MORE && used != n))
			abort();
		o->used += used;
		at += n;
	}
	if (o->st == FG_HP_MORE && eof)
		o->st = fg_http_parser_feed(p, "", 0, &used, 1);
	o->keepalive = fg_http_parser_keepalive(p);
	if (o->st == FG_HP_DONE)
		fg_http_parser_take(p, &o->resp);
	if (o->st == FG_HP_ERROR) {
		const char *msg = NULL;

		o->err = fg_http_parser_error(p, &msg);
		if (msg == NULL || *msg == '\0' || o->err == FG_HTTP_OK)
			abort();
	}
	fg_http_parser_free(p);
}

/* Aborts unless two outcomes are the same. */
static void
same(const struct outcome *a, const struct outcome *b)
{
	if (a->st != b->st || a->err != b->err || a->keepalive != b->keepalive)
		abort();
	if (a->st != FG_HP_DONE)
		return;
	if (a->used != b->used || a->resp.status != b->resp.status ||
	    a->resp.body.len != b->resp.body.len || a->resp.headers.n != b->resp.headers.n ||
	    (a->resp.body.len && memcmp(a->resp.body.data, b->resp.body.data, a->resp.body.len)) ||
	    strcmp(a->resp.reason, b->resp.reason) != 0)
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *, size_t);

/* First byte: bit 0 HEAD, bit 1 eof, bit 2 a 64-byte body cap; second byte: where to split. */
int
LLVMFuzzerTestOneInput(const uint8_t *in, size_t size)
{
	struct outcome whole, two, bytes;
	const char *data = (const char *)in + 2;
	size_t len, cut;
	int head, eof;
	size_t cap;

	if (size < 2)
		return 0;
	head = in[0] & 1;
	eof = (in[0] >> 1) & 1;
	cap = (in[0] & 4) ? 64 : 1u << 20;
	len = size - 2;
	cut = len ? in[1] % (len + 1) : 0;
	feed(data, len, 0, len ? len : 1, head, cap, eof, &whole);
	feed(data, len, cut, len ? len : 1, head, cap, eof, &two);
	feed(data, len, 0, 1, head, cap, eof, &bytes);
	same(&whole, &two);
	same(&whole, &bytes);
	if (whole.st == FG_HP_DONE && whole.used > len)
		abort();
	fg_http_response_free(&whole.resp);
	fg_http_response_free(&two.resp);
	fg_http_response_free(&bytes.resp);
	return 0;
}
