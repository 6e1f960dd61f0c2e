/* http_parse.c: the incremental HTTP/1.1 response parser (pure: no I/O) and the message types. */
#include "config.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "http.h"

#define HP_MAX_HEAD 65536     /* status line and header fields (or trailers), in bytes */
#define HP_MAX_FIELDS 256     /* header fields per response */
#define HP_MAX_CHUNK_LINE 256 /* chunk-size line with its extensions */

enum hp_state {
	HP_STATUS,     /* status line (blank lines before it are skipped) */
	HP_HEADER,     /* header field lines up to the empty line */
	HP_BODY_LEN,   /* Content-Length body */
	HP_BODY_CLOSE, /* body delimited by the peer closing */
	HP_CHUNK_SIZE, /* chunk-size line */
	HP_CHUNK_DATA, /* chunk data */
	HP_CHUNK_END,  /* CRLF after chunk data */
	HP_TRAILER,    /* trailer fields after the last chunk */
	HP_DONE,
	HP_ERROR,
};

struct fg_http_parser {
	enum hp_state state;
	int head;              /* response to a HEAD request: never a body */
	size_t max_body;
	struct fg_buf line;    /* the line being assembled */
	size_t head_bytes;     /* bytes of the current header section or trailer */
	uint64_t remaining;    /* body or chunk bytes still expected */
	uint64_t consumed;     /* bytes taken so far, for messages */
	int minor;             /* HTTP/1.minor of the status line */
	int keepalive;
	struct fg_http_response resp;
	enum fg_http_err err;
	char *errmsg;
};

/* Returns a printable, bounded rendering of s for error messages (caller frees). */
static char *
quote(const char *s, size_t len)
{
	static const char hex[] = "0123456789abcdef";
	struct fg_buf b;
	size_t n = len > 64 ? 64 : len;

	fg_buf_init(&b);
	fg_buf_addc(&b, '"');
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];

		if (c >= 0x20 && c < 0x7f && c != '"' && c != '\\')
			fg_buf_addc(&b, (char)c);
		else {
			char e[4] = { '\\', 'x', hex[c >> 4], hex[c & 15] };
			fg_buf_add(&b, e, 4);
		}
	}
	fg_buf_addstr(&b, n < len ? "\"..." : "\"");
	return fg_buf_detach(&b);
}

/* Records an error; returns FG_HP_ERROR. */
static enum fg_http_parse_state
fail(struct fg_http_parser *p, enum fg_http_err err, const char *fmt, ...) FG_PRINTF(3, 4);

static enum fg_http_parse_state
fail(struct fg_http_parser *p, enum fg_http_err err, const char *fmt, ...)
{
	va_list ap;

	free(p->errmsg);
	va_start(ap, fmt);
	p->errmsg = fg_vprintf(fmt, ap);
	va_end(ap);
	p->err = err;
	p->state = HP_ERROR;
	return FG_HP_ERROR;
}

/* Records an error about a whole line, quoting it. */
static enum fg_http_parse_state
fail_line(struct fg_http_parser *p, const char *what, const char *s, size_t len)
{
	char *q = quote(s, len);

	fail(p, FG_HTTP_EPROTO, "%s %s (at byte %llu of the response)", what, q,
	    (unsigned long long)p->consumed);
	free(q);
	return FG_HP_ERROR;
}

/* Says whether c may appear in a header field name (an RFC 9110 token). */
static int
is_tchar(unsigned char c)
{
	return isalnum(c) || (c != 0 && strchr("!#$%&'*+-.^_`|~", c) != NULL);
}

/* Says whether s holds a control character other than HTAB (NUL, CR, DEL, ...). */
static int
has_ctl(const char *s, size_t len)
{
	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)s[i];

		if ((c < 0x20 && c != '\t') || c == 0x7f)
			return 1;
	}
	return 0;
}

/* Creates a parser for one response; head_request: the request was HEAD (no body). */
struct fg_http_parser *
fg_http_parser_new(int head_request, size_t max_body)
{
	struct fg_http_parser *p = fg_calloc(1, sizeof(*p));

	p->head = head_request;
	p->max_body = max_body;
	p->state = HP_STATUS;
	fg_buf_init(&p->line);
	fg_headers_init(&p->resp.headers);
	fg_buf_init(&p->resp.body);
	return p;
}

/* Frees the parser and anything not taken from it. */
void
fg_http_parser_free(struct fg_http_parser *p)
{
	if (p == NULL)
		return;
	fg_buf_free(&p->line);
	fg_http_response_free(&p->resp);
	free(p->errmsg);
	free(p);
}

/* Parses "HTTP/1.x NNN reason". */
static enum fg_http_parse_state
parse_status(struct fg_http_parser *p, const char *s, size_t len)
{
	size_t i;

	if (len < 12 || memcmp(s, "HTTP/1.", 7) != 0 || !isdigit((unsigned char)s[7]) ||
	    s[8] != ' ')
		return fail_line(p, "bad status line", s, len);
	p->minor = s[7] - '0';
	for (i = 9; i < 12; i++)
		if (!isdigit((unsigned char)s[i]))
			return fail_line(p, "bad status code in", s, len);
	p->resp.status = (s[9] - '0') * 100 + (s[10] - '0') * 10 + (s[11] - '0');
	if (p->resp.status < 100)
		return fail_line(p, "bad status code in", s, len);
	if (len > 12 && s[12] != ' ')
		return fail_line(p, "bad status line", s, len);
	if (has_ctl(s, len))
		return fail_line(p, "control character in status line", s, len);
	free(p->resp.reason);
	p->resp.reason = len > 13 ? fg_strndup(s + 13, len - 13) : fg_strdup("");
	p->state = HP_HEADER;
	return FG_HP_MORE;
}

/* Adds one "Name: value" line (or an obsolete folded continuation) to the headers. */
static enum fg_http_parse_state
parse_field(struct fg_http_parser *p, const char *s, size_t len)
{
	struct fg_headers *h = &p->resp.headers;
	const char *colon, *v, *end = s + len;
	char *name, *value;

	if (has_ctl(s, len))
		return fail_line(p, "control character in header field", s, len);
	if (s[0] == ' ' || s[0] == '\t') {
		if (h->n == 0)
			return fail_line(p, "continuation line before any header field", s, len);
		for (v = s; v < end && (*v == ' ' || *v == '\t'); v++)
			;
		while (end > v && (end[-1] == ' ' || end[-1] == '\t'))
			end--;
		value = fg_printf("%s %.*s", h->v[h->n - 1].value, (int)(end - v), v);
		free(h->v[h->n - 1].value);
		h->v[h->n - 1].value = value;
		return FG_HP_MORE;
	}
	colon = memchr(s, ':', len);
	if (colon == NULL)
		return fail_line(p, "header line without ':'", s, len);
	if (colon == s)
		return fail_line(p, "empty header field name in", s, len);
	for (const char *c = s; c < colon; c++)
		if (!is_tchar((unsigned char)*c))
			return fail_line(p, "bad header field name in", s, len);
	if (h->n >= HP_MAX_FIELDS)
		return fail(p, FG_HTTP_EPROTO, "more than %d header fields", HP_MAX_FIELDS);
	for (v = colon + 1; v < end && (*v == ' ' || *v == '\t'); v++)
		;
	while (end > v && (end[-1] == ' ' || end[-1] == '\t'))
		end--;
	name = fg_strndup(s, (size_t)(colon - s));
	value = fg_strndup(v, (size_t)(end - v));
	fg_headers_add(h, name, value);
	free(name);
	free(value);
	return FG_HP_MORE;
}

/* Calls fn on each comma-separated, trimmed element of every field named name; stops when fn
 * returns nonzero and returns that. */
static int
each_element(const struct fg_headers *h, const char *name,
    int (*fn)(const char *, size_t, void *), void *arg)
{
	for (size_t i = 0; i < h->n; i++) {
		const char *s = h->v[i].value;

		if (strcasecmp(h->v[i].name, name) != 0)
			continue;
		for (;;) {
			size_t n = strcspn(s, ","), len = n;
			const char *e = s;
			int r;

			while (len && (*e == ' ' || *e == '\t'))
				e++, len--;
			while (len && (e[len - 1] == ' ' || e[len - 1] == '\t'))
				len--;
			if (len && (r = fn(e, len, arg)) != 0)
				return r;
			if (s[n] == '\0')
				break;
			s += n + 1;
		}
	}
	return 0;
}

/* Connection header: 1 for "close", 2 for "keep-alive". */
static int
conn_token(const char *s, size_t len, void *arg)
{
	int *v = arg;

	if (len == 5 && strncasecmp(s, "close", 5) == 0)
		*v = 1;
	else if (len == 10 && strncasecmp(s, "keep-alive", 10) == 0 && *v == 0)
		*v = 2;
	return 0;
}

/* Transfer-Encoding: remembers whether the last coding is chunked and whether any is not. */
struct te_state {
	int codings;
	int last_chunked;
};

/* Collects one transfer coding. */
static int
te_token(const char *s, size_t len, void *arg)
{
	struct te_state *t = arg;

	t->codings++;
	t->last_chunked = len == 7 && strncasecmp(s, "chunked", 7) == 0;
	return 0;
}

/* Content-Length: every element must be the same decimal number. */
struct cl_state {
	int seen;
	uint64_t value;
	const char *bad;
	size_t badlen;
	int conflict;
};

/* Checks one Content-Length element; nonzero stops the walk on a bad one. */
static int
cl_token(const char *s, size_t len, void *arg)
{
	struct cl_state *c = arg;
	uint64_t v = 0;

	for (size_t i = 0; i < len; i++) {
		if (!isdigit((unsigned char)s[i]) || v > (UINT64_MAX - 9) / 10) {
			c->bad = s;
			c->badlen = len;
			return 1;
		}
		v = v * 10 + (uint64_t)(s[i] - '0');
	}
	if (c->seen && v != c->value) {
		c->conflict = 1;
		return 1;
	}
	c->seen = 1;
	c->value = v;
	return 0;
}

/* The header section ended: skips 1xx responses and chooses how the body is delimited. */
static enum fg_http_parse_state
end_of_head(struct fg_http_parser *p)
{
	const struct fg_headers *h = &p->resp.headers;
	struct te_state te = { 0, 0 };
	struct cl_state cl = { 0, 0, NULL, 0, 0 };
	int conn = 0;
	int status = p->resp.status;

	if (status == 101)
		return fail(p, FG_HTTP_EPROTO, "unexpected 101 Switching Protocols");
	if (status < 200) {
		/* An interim response: forget it and read the next status line. */
		fg_headers_free(&p->resp.headers);
		p->head_bytes = 0;
		p->state = HP_STATUS;
		return FG_HP_MORE;
	}
	each_element(h, "Connection", conn_token, &conn);
	p->keepalive = conn == 1 ? 0 : (p->minor >= 1 || conn == 2);
	if (p->head || status == 204 || status == 304) {
		p->state = HP_DONE;
		return FG_HP_DONE;
	}
	each_element(h, "Transfer-Encoding", te_token, &te);
	if (te.codings) {
		if (te.codings != 1 || !te.last_chunked) {
			const char *v = fg_headers_get(h, "Transfer-Encoding");
			char *q = quote(v, strlen(v));

			fail(p, FG_HTTP_EPROTO, "unsupported Transfer-Encoding %s", q);
			free(q);
			return FG_HP_ERROR;
		}
		/* Chunked wins over Content-Length, but such a peer is not trusted again. */
		if (fg_headers_get(h, "Content-Length") != NULL)
			p->keepalive = 0;
		p->state = HP_CHUNK_SIZE;
		return FG_HP_MORE;
	}
	if (each_element(h, "Content-Length", cl_token, &cl) != 0) {
		if (cl.conflict)
			return fail(p, FG_HTTP_EPROTO, "conflicting Content-Length values");
		return fail_line(p, "bad Content-Length", cl.bad, cl.badlen);
	}
	if (fg_headers_get(h, "Content-Length") != NULL && !cl.seen)
		return fail(p, FG_HTTP_EPROTO, "empty Content-Length");
	if (cl.seen) {
		if (cl.value > p->max_body)
			return fail(p, FG_HTTP_ETOOBIG,
			    "response body of %llu bytes exceeds the cap of %zu bytes",
			    (unsigned long long)cl.value, p->max_body);
		p->remaining = cl.value;
		p->state = cl.value ? HP_BODY_LEN : HP_DONE;
		return cl.value ? FG_HP_MORE : FG_HP_DONE;
	}
	p->keepalive = 0;
	p->state = HP_BODY_CLOSE;
	return FG_HP_MORE;
}

/* Parses a chunk-size line: hex digits, optional whitespace and ";extensions". */
static enum fg_http_parse_state
parse_chunk_size(struct fg_http_parser *p, const char *s, size_t len)
{
	uint64_t v = 0;
	size_t i;

	for (i = 0; i < len && isxdigit((unsigned char)s[i]); i++) {
		if (v >> 60)
			return fail_line(p, "chunk size overflows in", s, len);
		v = v * 16 + (uint64_t)(isdigit((unsigned char)s[i]) ? s[i] - '0' :
		    tolower((unsigned char)s[i]) - 'a' + 10);
	}
	if (i == 0)
		return fail_line(p, "bad chunk size line", s, len);
	while (i < len && (s[i] == ' ' || s[i] == '\t'))
		i++;
	if (i < len && s[i] != ';')
		return fail_line(p, "bad chunk size line", s, len);
	if (has_ctl(s, len))
		return fail_line(p, "control character in chunk size line", s, len);
	if (v > p->max_body - p->resp.body.len)
		return fail(p, FG_HTTP_ETOOBIG, "chunked response body exceeds the cap of %zu bytes",
		    p->max_body);
	p->remaining = v;
	if (v == 0) {
		p->head_bytes = 0;
		p->state = HP_TRAILER;
	} else
		p->state = HP_CHUNK_DATA;
	return FG_HP_MORE;
}

/* Handles one complete line (without its line ending) in the current state. */
static enum fg_http_parse_state
parse_line(struct fg_http_parser *p, const char *s, size_t len)
{
	if (memchr(s, '\r', len) != NULL)
		return fail_line(p, "bare CR in line", s, len);
	switch (p->state) {
	case HP_STATUS:
		return len == 0 ? FG_HP_MORE : parse_status(p, s, len);
	case HP_HEADER:
		return len == 0 ? end_of_head(p) : parse_field(p, s, len);
	case HP_CHUNK_SIZE:
		return parse_chunk_size(p, s, len);
	case HP_CHUNK_END:
		if (len != 0)
			return fail_line(p, "chunk data not followed by CRLF, got", s, len);
		p->state = HP_CHUNK_SIZE;
		return FG_HP_MORE;
	case HP_TRAILER:
		if (len == 0) {
			p->state = HP_DONE;
			return FG_HP_DONE;
		}
		if (memchr(s, ':', len) == NULL || has_ctl(s, len))
			return fail_line(p, "bad trailer field", s, len);
		return FG_HP_MORE;
	default:
		return fail(p, FG_HTTP_EPROTO, "internal: line in state %d", (int)p->state);
	}
}

/* The most bytes a line may have in the current state, its ending included. */
static size_t
line_limit(const struct fg_http_parser *p)
{
	switch (p->state) {
	case HP_CHUNK_SIZE:
		return HP_MAX_CHUNK_LINE;
	case HP_CHUNK_END:
		return 2;
	default:
		return HP_MAX_HEAD - p->head_bytes;
	}
}

/* Takes bytes of a line-oriented state up to and including one '\n'; returns bytes used. */
static size_t
feed_line(struct fg_http_parser *p, const char *s, size_t len, enum fg_http_parse_state *st)
{
	const char *nl = memchr(s, '\n', len);
	size_t take = nl ? (size_t)(nl - s) + 1 : len;
	size_t limit = line_limit(p);

	*st = FG_HP_MORE;
	if (p->line.len + take > limit) {
		if (p->state == HP_CHUNK_SIZE)
			*st = fail(p, FG_HTTP_EPROTO, "chunk size line longer than %zu bytes",
			    limit);
		else if (p->state == HP_CHUNK_END)
			*st = fail(p, FG_HTTP_EPROTO, "chunk data not followed by CRLF (at byte "
			    "%llu of the response)", (unsigned long long)(p->consumed - p->line.len));
		else
			*st = fail(p, FG_HTTP_EPROTO, "response %s larger than %d bytes",
			    p->state == HP_TRAILER ? "trailer" : "header section", HP_MAX_HEAD);
		return 0;
	}
	if (p->state == HP_STATUS || p->state == HP_HEADER || p->state == HP_TRAILER)
		p->head_bytes += take;
	p->consumed += take;
	if (nl == NULL) {
		fg_buf_add(&p->line, s, take);
		return take;
	}
	fg_buf_add(&p->line, s, take - 1);
	if (p->line.len && p->line.data[p->line.len - 1] == '\r')
		p->line.len--;
	*st = parse_line(p, p->line.data ? p->line.data : "", p->line.len);
	fg_buf_reset(&p->line);
	return take;
}

/* Takes body bytes; returns bytes used. */
static size_t
feed_body(struct fg_http_parser *p, const char *s, size_t len, enum fg_http_parse_state *st)
{
	size_t take = len;

	*st = FG_HP_MORE;
	if (p->state == HP_BODY_CLOSE) {
		if (len > p->max_body - p->resp.body.len) {
			*st = fail(p, FG_HTTP_ETOOBIG, "response body exceeds the cap of %zu bytes",
			    p->max_body);
			return 0;
		}
	} else if (take > p->remaining)
		take = (size_t)p->remaining;
	fg_buf_add(&p->resp.body, s, take);
	p->consumed += take;
	if (p->state == HP_BODY_CLOSE)
		return take;
	p->remaining -= take;
	if (p->remaining == 0) {
		if (p->state == HP_BODY_LEN) {
			p->state = HP_DONE;
			*st = FG_HP_DONE;
		} else
			p->state = HP_CHUNK_END;
	}
	return take;
}

/* Says what part of the response a truncation happened in. */
static enum fg_http_parse_state
fail_eof(struct fg_http_parser *p)
{
	switch (p->state) {
	case HP_STATUS:
		if (p->consumed == 0)
			return fail(p, FG_HTTP_ERESET, "connection closed before any response byte");
		return fail(p, FG_HTTP_ERESET, "connection closed in the status line");
	case HP_HEADER:
		return fail(p, FG_HTTP_ERESET, "connection closed in the response headers");
	case HP_BODY_LEN:
		return fail(p, FG_HTTP_ERESET,
		    "connection closed with %llu body bytes still expected (got %zu)",
		    (unsigned long long)p->remaining, p->resp.body.len);
	default:
		return fail(p, FG_HTTP_ERESET,
		    "connection closed in the chunked body (after %zu body bytes)",
		    p->resp.body.len);
	}
}

/* Feeds bytes; see http.h. */
enum fg_http_parse_state
fg_http_parser_feed(struct fg_http_parser *p, const char *s, size_t len, size_t *used, int eof)
{
	enum fg_http_parse_state st = FG_HP_MORE;
	size_t i = 0;

	*used = 0;
	if (p->state == HP_DONE)
		return FG_HP_DONE;
	if (p->state == HP_ERROR)
		return FG_HP_ERROR;
	while (i < len && st == FG_HP_MORE) {
		switch (p->state) {
		case HP_BODY_LEN:
		case HP_BODY_CLOSE:
		case HP_CHUNK_DATA:
			i += feed_body(p, s + i, len - i, &st);
			break;
		default:
			i += feed_line(p, s + i, len - i, &st);
			break;
		}
	}
	*used = i;
	if (st != FG_HP_MORE || !eof)
		return st;
	if (p->state == HP_BODY_CLOSE) {
		p->state = HP_DONE;
		return FG_HP_DONE;
	}
	return fail_eof(p);
}

/* Moves the parsed response out (after FG_HP_DONE). */
void
fg_http_parser_take(struct fg_http_parser *p, struct fg_http_response *r)
{
	*r = p->resp;
	memset(&p->resp, 0, sizeof(p->resp));
}

/* The error and its text (after FG_HP_ERROR). */
enum fg_http_err
fg_http_parser_error(const struct fg_http_parser *p, const char **msg)
{
	if (msg)
		*msg = p->errmsg ? p->errmsg : "no error";
	return p->err;
}

/* Says whether the connection may carry another request after this response. */
int
fg_http_parser_keepalive(const struct fg_http_parser *p)
{
	return p->state == HP_DONE && p->keepalive;
}

/* Frees the parts of a response. */
void
fg_http_response_free(struct fg_http_response *r)
{
	free(r->reason);
	r->reason = NULL;
	fg_headers_free(&r->headers);
	fg_buf_free(&r->body);
}

/* Makes an empty request. */
void
fg_http_request_init(struct fg_http_request *r)
{
	memset(r, 0, sizeof(*r));
	fg_headers_init(&r->headers);
}

/* Frees the request's header list (the rest belongs to the caller). */
void
fg_http_request_free(struct fg_http_request *r)
{
	fg_headers_free(&r->headers);
}
