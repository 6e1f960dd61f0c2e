/* check_http_parse.c: table-driven tests of the incremental HTTP/1.1 response parser, each case
 * fed whole, split at every byte boundary, and byte by byte. */
#include "config.h"

#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "http.h"

#define BIG 100000

struct pcase {
	const char *name;
	const char *in;
	int eof;                      /* the peer closes after the input */
	int head;                     /* response to HEAD */
	size_t max_body;              /* 0: BIG */
	enum fg_http_parse_state want;
	enum fg_http_err err;         /* when want is FG_HP_ERROR */
	const char *msg;              /* a substring of the error message */
	int status;
	const char *body;
	int keepalive;
	size_t used;                  /* bytes consumed when DONE; 0: all of in */
	const char *hname, *hval;     /* a header to check */
};

#define OK200 "HTTP/1.1 200 OK\r\n"
#define CHUNKED OK200 "Transfer-Encoding: chunked\r\n\r\n"

static const struct pcase cases[] = {
	{ "content-length", OK200 "Content-Length: 5\r\nX-A: b\r\n\r\nhello", 0, 0, 0, FG_HP_DONE,
	  0, NULL, 200, "hello", 1, 0, "x-a", "b" },
	{ "reason kept", "HTTP/1.1 404 Not Found Here\r\nContent-Length: 0\r\n\r\n", 0, 0, 0,
	  FG_HP_DONE, 0, NULL, 404, "", 1, 0, NULL, NULL },
	{ "no reason", "HTTP/1.1 503\r\nContent-Length: 1\r\n\r\nx", 0, 0, 0, FG_HP_DONE, 0, NULL,
	  503, "x", 1, 0, NULL, NULL },
	{ "chunked", CHUNKED "5\r\nhello\r\n6;ext=1\r\n world\r\n0\r\nX-T: a\r\n\r\n", 0, 0, 0,
	  FG_HP_DONE, 0, NULL, 200, "hello world", 1, 0, NULL, NULL },
	{ "chunked hex and blanks", CHUNKED "A \r\n0123456789\r\na;x=\"y\"\r\nabcdefghij\r\n000\r\n\r\n",
	  0, 0, 0, FG_HP_DONE, 0, NULL, 200, "0123456789abcdefghij", 1, 0, NULL, NULL },
	{ "close-delimited", OK200 "X: y\r\n\r\nabc\r\ndef", 1, 0, 0, FG_HP_DONE, 0, NULL, 200,
	  "abc\r\ndef", 0, 0, NULL, NULL },
	{ "close-delimited empty", OK200 "\r\n", 1, 0, 0, FG_HP_DONE, 0, NULL, 200, "", 0, 0,
	  NULL, NULL },
	{ "1.0 closes", "HTTP/1.0 200 OK\r\nContent-Length: 2\r\n\r\nok", 0, 0, 0, FG_HP_DONE, 0,
	  NULL, 200, "ok", 0, 0, NULL, NULL },
	{ "1.0 keep-alive", "HTTP/1.0 200 OK\r\nConnection: Keep-Alive\r\nContent-Length: 2\r\n\r\nok",
	  0, 0, 0, FG_HP_DONE, 0, NULL, 200, "ok", 1, 0, NULL, NULL },
	{ "connection close", OK200 "Connection: foo, close\r\nContent-Length: 2\r\n\r\nok", 0, 0, 0,
	  FG_HP_DONE, 0, NULL, 200, "ok", 0, 0, NULL, NULL },
	{ "head has no body", OK200 "Content-Length: 100\r\n\r\n", 0, 1, 0, FG_HP_DONE, 0, NULL,
	  200, "", 1, 0, "content-length", "100" },
	{ "204 has no body", "HTTP/1.1 204 No Content\r\n\r\n", 0, 0, 0, FG_HP_DONE, 0, NULL, 204,
	  "", 1, 0, NULL, NULL },
	{ "304 has no body", "HTTP/1.1 304 Not Modified\r\nContent-Length: 9\r\n\r\n", 0, 0, 0,
	  FG_HP_DONE, 0, NULL, 304, "", 1, 0, NULL, NULL },
	{ "1xx skipped", "HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 102 Processing\r\nX: 1\r\n\r\n"
	  OK200 "Content-Length: 1\r\n\r\nx", 0, 0, 0, FG_HP_DONE, 0, NULL, 200, "x", 1, 0, NULL, NULL },
	{ "bare LF", "HTTP/1.1 200 OK\nContent-Length: 1\n\nx", 0, 0, 0, FG_HP_DONE, 0, NULL, 200,
	  "x", 1, 0, NULL, NULL },
	{ "blank lines before status", "\r\n\r\n" OK200 "Content-Length: 1\r\n\r\nx", 0, 0, 0,
	  FG_HP_DONE, 0, NULL, 200, "x", 1, 0, NULL, NULL },
	{ "bytes after the response", OK200 "Content-Length: 2\r\n\r\nokHTTP/1.1 200", 0, 0, 0,
	  FG_HP_DONE, 0, NULL, 200, "ok", 1, sizeof(OK200 "Content-Length: 2\r\n\r\nok") - 1,
	  NULL, NULL },
	{ "folded header", OK200 "X-F: a\r\n \t b \r\nContent-Length: 0\r\n\r\n", 0, 0, 0,
	  FG_HP_DONE, 0, NULL, 200, "", 1, 0, "X-F", "a b" },
	{ "value trimmed", OK200 "X-V:   v w  \t\r\nContent-Length: 0\r\n\r\n", 0, 0, 0, FG_HP_DONE,
	  0, NULL, 200, "", 1, 0, "x-v", "v w" },
	{ "equal content-lengths", OK200 "Content-Length: 3, 3\r\nContent-Length: 3\r\n\r\nabc", 0,
	  0, 0, FG_HP_DONE, 0, NULL, 200, "abc", 1, 0, NULL, NULL },
	{ "chunked wins over length", OK200 "Content-Length: 99\r\nTransfer-Encoding: chunked\r\n\r\n"
	  "1\r\nz\r\n0\r\n\r\n", 0, 0, 0, FG_HP_DONE, 0, NULL, 200, "z", 0, 0, NULL, NULL },
	{ "body at the cap", OK200 "Content-Length: 4\r\n\r\nabcd", 0, 0, 4, FG_HP_DONE, 0, NULL, 200,
	  "abcd", 1, 0, NULL, NULL },
	{ "incomplete", OK200 "Content-Length: 10\r\n\r\nabc", 0, 0, 0, FG_HP_MORE, 0, NULL, 0, NULL,
	  0, 0, NULL, NULL },

	{ "http/2", "HTTP/2 200 OK\r\n\r\n", 0, 0, 0, FG_HP_ERROR, FG_HTTP_EPROTO,
	  "bad status line \"HTTP/2 200 OK\"", 0, NULL, 0, 0, NULL, NULL },
	{ "garbage", "FOO BAR BAZ\r\n\r\n", 0, 0, 0, FG_HP_ERROR, FG_HTTP_EPROTO, "bad status line",
	  0, NULL, 0, 0, NULL, NULL },
	{ "binary garbage", "\x01\x02\x03\xff\n", 0, 0, 0, FG_HP_ERROR, FG_HTTP_EPROTO,
	  "\\x01\\x02\\x03\\xff", 0, NULL, 0, 0, NULL, NULL },
	{ "short status", "HTTP/1.1 20 OK\r\n", 0, 0, 0, FG_HP_ERROR, FG_HTTP_EPROTO,
	  "bad status code", 0, NULL, 0, 0, NULL, NULL },
	{ "letters in status", "HTTP/1.1 2x0 OK\r\n", 0, 0, 0, FG_HP_ERROR, FG_HTTP_EPROTO,
	  "bad status code", 0, NULL, 0, 0, NULL, NULL },
	{ "status below 100", "HTTP/1.1 099 Odd\r\n", 0, 0, 0, FG_HP_ERROR, FG_HTTP_EPROTO,
	  "bad status code", 0, NULL, 0, 0, NULL, NULL },
	{ "no space after code", "HTTP/1.1 2000\r\n", 0, 0, 0, FG_HP_ERROR, FG_HTTP_EPROTO,
	  "bad status line", 0, NULL, 0, 0, NULL, NULL },
	{ "ctl in reason", "HTTP/1.1 200 O\x01K\r\n", 0, 0, 0, FG_HP_ERROR, FG_HTTP_EPROTO,
	  "control character in status line", 0, NULL, 0, 0, NULL, NULL },
	{ "101", "HTTP/1.1 101 Switching Protocols\r\nUpgrade: h2c\r\n\r\n", 0, 0, 0, FG_HP_ERROR,
	  FG_HTTP_EPROTO, "101", 0, NULL, 0, 0, NULL, NULL },
	{ "no colon", OK200 "NoColonHere\r\n\r\n", 0, 0, 0, FG_HP_ERROR, FG_HTTP_EPROTO,
	  "header line without ':'", 0, NULL, 0, 0, NULL, NULL },
	{ "space before colon", OK200 "Content-Length : 5\r\n\r\n", 0, 0, 0, FG_HP_ERROR,
	  FG_HTTP_EPROTO, "bad header field name", 0, NULL, 0, 0, NULL, NULL },
	{ "empty name", OK200 ": x\r\n\r\n", 0, 0, 0, FG_HP_ERROR, FG_HTTP_EPROTO,
	  "empty header field name", 0, NULL, 0, 0, NULL, NULL },
	{ "ctl in value", OK200 "X: a\x01" "b\r\n\r\n", 0, 0, 0, FG_HP_ERROR, FG_HTTP_EPROTO,
	  "control character in header field", 0, NULL, 0, 0, NULL, NULL },
	{ "bare CR", OK200 "X: a\rb\r\n\r\n", 0, 0, 0, FG_HP_ERROR, FG_HTTP_EPROTO, "bare CR", 0,
	  NULL, 0, 0, NULL, NULL },
	{ "fold first", OK200 " folded\r\n\r\n", 0, 0, 0, FG_HP_ERROR, FG_HTTP_EPROTO,
	  "continuation line before any header field", 0, NULL, 0, 0, NULL, NULL },
	{ "conflicting lengths", OK200 "Content-Length: 5\r\nContent-Length: 6\r\n\r\nhello", 0, 0,
	  0, FG_HP_ERROR, FG_HTTP_EPROTO, "conflicting Content-Length", 0, NULL, 0, 0, NULL, NULL },
	{ "conflicting list", OK200 "Content-Length: 5, 6\r\n\r\nhello", 0, 0, 0, FG_HP_ERROR,
	  FG_HTTP_EPROTO, "conflicting Content-Length", 0, NULL, 0, 0, NULL, NULL },
	{ "bad length", OK200 "Content-Length: 5a\r\n\r\nhello", 0, 0, 0, FG_HP_ERROR,
	  FG_HTTP_EPROTO, "bad Content-Length \"5a\"", 0, NULL, 0, 0, NULL, NULL },
	{ "negative length", OK200 "Content-Length: -1\r\n\r\n", 0, 0, 0, FG_HP_ERROR,
	  FG_HTTP_EPROTO, "bad Content-Length", 0, NULL, 0, 0, NULL, NULL },
	{ "empty length", OK200 "Content-Length: \r\n\r\n", 0, 0, 0, FG_HP_ERROR, FG_HTTP_EPROTO,
	  "empty Content-Length", 0, NULL, 0, 0, NULL, NULL },
	{ "huge length", OK200 "Content-Length: 99999999999999999999999\r\n\r\n", 0, 0, 0,
	  FG_HP_ERROR, FG_HTTP_EPROTO, "bad Content-Length", 0, NULL, 0, 0, NULL, NULL },
	{ "length over cap", OK200 "Content-Length: 11\r\n\r\n", 0, 0, 10, FG_HP_ERROR,
	  FG_HTTP_ETOOBIG, "11 bytes exceeds the cap of 10", 0, NULL, 0, 0, NULL, NULL },
	{ "chunks over cap", CHUNKED "6\r\nabcdef\r\n5\r\nghijk\r\n0\r\n\r\n", 0, 0, 10,
	  FG_HP_ERROR, FG_HTTP_ETOOBIG, "exceeds the cap of 10", 0, NULL, 0, 0, NULL, NULL },
	{ "close body over cap", OK200 "\r\n0123456789A", 1, 0, 10, FG_HP_ERROR, FG_HTTP_ETOOBIG,
	  "exceeds the cap of 10", 0, NULL, 0, 0, NULL, NULL },
	{ "gzip coding", OK200 "Transfer-Encoding: gzip, chunked\r\n\r\n", 0, 0, 0, FG_HP_ERROR,
	  FG_HTTP_EPROTO, "unsupported Transfer-Encoding \"gzip, chunked\"", 0, NULL, 0, 0, NULL,
	  NULL },
	{ "bad chunk size", CHUNKED "zz\r\n", 0, 0, 0, FG_HP_ERROR, FG_HTTP_EPROTO,
	  "bad chunk size line \"zz\"", 0, NULL, 0, 0, NULL, NULL },
	{ "empty chunk size", CHUNKED "\r\n", 0, 0, 0, FG_HP_ERROR, FG_HTTP_EPROTO,
	  "bad chunk size line", 0, NULL, 0, 0, NULL, NULL },
	{ "negative chunk size", CHUNKED "-5\r\nhello\r\n", 0, 0, 0, FG_HP_ERROR, FG_HTTP_EPROTO,
	  "bad chunk size line", 0, NULL, 0, 0, NULL, NULL },
	{ "chunk size junk", CHUNKED "5 x\r\nhello\r\n", 0, 0, 0, FG_HP_ERROR, FG_HTTP_EPROTO,
	  "bad chunk size line", 0, NULL, 0, 0, NULL, NULL },
	{ "chunk size overflow", CHUNKED "10000000000000000\r\n", 0, 0, 0, FG_HP_ERROR,
	  FG_HTTP_EPROTO, "chunk size overflows", 0, NULL, 0, 0, NULL, NULL },
	{ "chunk longer than size", CHUNKED "5\r\nhelloXY\r\n0\r\n\r\n", 0, 0, 0, FG_HP_ERROR,
	  FG_HTTP_EPROTO, "chunk data not followed by CRLF", 0, NULL, 0, 0, NULL, NULL },
	{ "bad trailer", CHUNKED "0\r\nnot a trailer\r\n\r\n", 0, 0, 0, FG_HP_ERROR, FG_HTTP_EPROTO,
	  "bad trailer field", 0, NULL, 0, 0, NULL, NULL },
	{ "closed at once", "", 1, 0, 0, FG_HP_ERROR, FG_HTTP_ERESET,
	  "closed before any response byte", 0, NULL, 0, 0, NULL, NULL },
	{ "closed in status", "HTTP/1.1 2", 1, 0, 0, FG_HP_ERROR, FG_HTTP_ERESET,
	  "closed in the status line", 0, NULL, 0, 0, NULL, NULL },
	{ "closed in headers", OK200 "Content-Le", 1, 0, 0, FG_HP_ERROR, FG_HTTP_ERESET,
	  "closed in the response headers", 0, NULL, 0, 0, NULL, NULL },
	{ "closed in body", OK200 "Content-Length: 10\r\n\r\nabc", 1, 0, 0, FG_HP_ERROR,
	  FG_HTTP_ERESET, "7 body bytes still expected (got 3)", 0, NULL, 0, 0, NULL, NULL },
	{ "closed in chunks", CHUNKED "5\r\nhel", 1, 0, 0, FG_HP_ERROR, FG_HTTP_ERESET,
	  "closed in the chunked body", 0, NULL, 0, 0, NULL, NULL },
	{ "closed before last chunk", CHUNKED "5\r\nhello\r\n", 1, 0, 0, FG_HP_ERROR, FG_HTTP_ERESET,
	  "closed in the chunked body (after 5 body bytes)", 0, NULL, 0, 0, NULL, NULL },
};

struct result {
	enum fg_http_parse_state st;
	enum fg_http_err err;
	char *msg;
	size_t used;
	int keepalive;
	struct fg_http_response resp;
};

/* Feeds in as the pieces cut at the given offsets (sorted, ending with len), then eof. */
static void
run(const struct pcase *c, const char *in, size_t len, const size_t *cuts, size_t ncuts,
    struct result *r)
{
	struct fg_http_parser *p = fg_http_parser_new(c->head, c->max_body ? c->max_body : BIG);
	size_t at = 0, used;
	const char *msg;

	memset(r, 0, sizeof(*r));
	r->st = FG_HP_MORE;
	for (size_t i = 0; i < ncuts && r->st == FG_HP_MORE; i++) {
		r->st = fg_http_parser_feed(p, in + at, cuts[i] - at, &used, 0);
		ck_assert_uint_le(used, cuts[i] - at);
		if (r->st == FG_HP_MORE)
			ck_assert_uint_eq(used, cuts[i] - at);
		r->used += used;
		at = cuts[i];
	}
	if (r->st == FG_HP_MORE && c->eof) {
		r->st = fg_http_parser_feed(p, "", 0, &used, 1);
		ck_assert_uint_eq(used, 0);
	}
	r->keepalive = fg_http_parser_keepalive(p);
	if (r->st == FG_HP_DONE) {
		/* A finished parser takes nothing more. */
		ck_assert_int_eq(fg_http_parser_feed(p, "x", 1, &used, 0), FG_HP_DONE);
		ck_assert_uint_eq(used, 0);
		fg_http_parser_take(p, &r->resp);
	}
	if (r->st == FG_HP_ERROR) {
		r->err = fg_http_parser_error(p, &msg);
		r->msg = strdup(msg);
		ck_assert_int_eq(fg_http_parser_feed(p, "x", 1, &used, 0), FG_HP_ERROR);
		ck_assert_int_eq(r->keepalive, 0);
	}
	fg_http_parser_free(p);
}

/* Checks one result against the case. */
static void
check_result(const struct pcase *c, size_t len, const struct result *r, const char *how)
{
	ck_assert_msg(r->st == c->want, "%s (%s): state %d, want %d (%s)", c->name, how,
	    (int)r->st, (int)c->want, r->msg ? r->msg : "");
	if (c->want == FG_HP_ERROR) {
		ck_assert_msg(r->err == c->err, "%s (%s): error %d, want %d (%s)", c->name, how,
		    (int)r->err, (int)c->err, r->msg);
		ck_assert_msg(strstr(r->msg, c->msg) != NULL, "%s (%s): message \"%s\" lacks \"%s\"",
		    c->name, how, r->msg, c->msg);
		return;
	}
	if (c->want != FG_HP_DONE)
		return;
	ck_assert_msg(r->used == (c->used ? c->used : len), "%s (%s): used %zu", c->name, how,
	    r->used);
	ck_assert_int_eq(r->resp.status, c->status);
	ck_assert_uint_eq(r->resp.body.len, strlen(c->body));
	ck_assert(r->resp.body.len == 0 || memcmp(r->resp.body.data, c->body, r->resp.body.len) == 0);
	ck_assert_msg(r->keepalive == c->keepalive, "%s (%s): keepalive %d", c->name, how,
	    r->keepalive);
	ck_assert_ptr_nonnull(r->resp.reason);
	if (c->hname)
		ck_assert_str_eq(fg_headers_get(&r->resp.headers, c->hname), c->hval);
}

/* Frees what a run kept. */
static void
result_free(struct result *r)
{
	free(r->msg);
	fg_http_response_free(&r->resp);
}

START_TEST(parser_cases)
{
	const struct pcase *c = &cases[_i];
	size_t len = strlen(c->in);
	size_t *cuts = malloc((len + 1) * sizeof(*cuts));
	struct result r;
	char how[64];

	cuts[0] = len;
	run(c, c->in, len, cuts, 1, &r);
	check_result(c, len, &r, "whole");
	result_free(&r);
	for (size_t k = 0; k <= len; k++) {
		size_t two[2] = { k, len };

		snprintf(how, sizeof(how), "split at %zu", k);
		run(c, c->in, len, two, 2, &r);
		check_result(c, len, &r, how);
		result_free(&r);
	}
	for (size_t k = 0; k < len; k++)
		cuts[k] = k + 1;
	run(c, c->in, len, cuts, len ? len : 1, &r);
	check_result(c, len, &r, "byte by byte");
	result_free(&r);
	free(cuts);
}
END_TEST

/* Feeds a generated input whole and byte by byte; returns the error (FG_HTTP_OK if none). */
static enum fg_http_err
feed_generated(const char *in, size_t len, const char **want_msg)
{
	enum fg_http_err errs[2];

	for (int mode = 0; mode < 2; mode++) {
		struct fg_http_parser *p = fg_http_parser_new(0, BIG);
		enum fg_http_parse_state st = FG_HP_MORE;
		size_t used, step = mode ? 1 : len;
		const char *msg;

		for (size_t at = 0; at < len && st == FG_HP_MORE; at += step)
			st = fg_http_parser_feed(p, in + at, step, &used, 0);
		errs[mode] = st == FG_HP_ERROR ? fg_http_parser_error(p, &msg) : FG_HTTP_OK;
		if (st == FG_HP_ERROR)
			ck_assert_msg(strstr(msg, *want_msg) != NULL, "message \"%s\"", msg);
		fg_http_parser_free(p);
	}
	ck_assert_int_eq(errs[0], errs[1]);
	return errs[0];
}

START_TEST(oversize_header_section)
{
	struct fg_buf b;
	const char *want = "header section larger than 65536 bytes";

	fg_buf_init(&b);
	fg_buf_addstr(&b, OK200 "X-Big: ");
	for (int i = 0; i < 70000; i++)
		fg_buf_addc(&b, 'a');
	fg_buf_addstr(&b, "\r\n\r\n");
	ck_assert_int_eq(feed_generated(b.data, b.len, &want), FG_HTTP_EPROTO);

	/* Many small fields that add up are refused too. */
	fg_buf_reset(&b);
	fg_buf_addstr(&b, OK200);
	for (int i = 0; i < 250; i++)
		fg_buf_addf(&b, "X-%d: %0270d\r\n", i, 0);
	fg_buf_addstr(&b, "\r\n");
	ck_assert_int_eq(feed_generated(b.data, b.len, &want), FG_HTTP_EPROTO);
	fg_buf_free(&b);
}
END_TEST

START_TEST(nul_in_header)
{
	static const char in[] = OK200 "X: a\0b\r\nContent-Length: 0\r\n\r\n";
	const char *want = "control character in header field \"X: a\\x00b\"";

	ck_assert_int_eq(feed_generated(in, sizeof(in) - 1, &want), FG_HTTP_EPROTO);
}
END_TEST

START_TEST(too_many_fields)
{
	struct fg_buf b;
	const char *want = "more than 256 header fields";

	fg_buf_init(&b);
	fg_buf_addstr(&b, OK200);
	for (int i = 0; i < 300; i++)
		fg_buf_addf(&b, "X-%d: v\r\n", i);
	fg_buf_addstr(&b, "Content-Length: 0\r\n\r\n");
	ck_assert_int_eq(feed_generated(b.data, b.len, &want), FG_HTTP_EPROTO);
	fg_buf_free(&b);
}
END_TEST

START_TEST(chunk_line_limit)
{
	struct fg_buf b;
	const char *want = "chunk size line longer than";

	fg_buf_init(&b);
	fg_buf_addstr(&b, CHUNKED "5;");
	for (int i = 0; i < 1000; i++)
		fg_buf_addc(&b, 'e');
	fg_buf_addstr(&b, "\r\nhello\r\n0\r\n\r\n");
	ck_assert_int_eq(feed_generated(b.data, b.len, &want), FG_HTTP_EPROTO);
	fg_buf_free(&b);
}
END_TEST

START_TEST(large_body_in_pieces)
{
	struct fg_http_parser *p = fg_http_parser_new(0, 4u << 20);
	struct fg_http_response r;
	char head[64], piece[4096];
	size_t used, total = 3u << 20;
	enum fg_http_parse_state st;

	snprintf(head, sizeof(head), OK200 "Content-Length: %zu\r\n\r\n", total);
	ck_assert_int_eq(fg_http_parser_feed(p, head, strlen(head), &used, 0), FG_HP_MORE);
	memset(piece, 'q', sizeof(piece));
	for (size_t at = 0; at < total; at += sizeof(piece)) {
		st = fg_http_parser_feed(p, piece, sizeof(piece), &used, 0);
		ck_assert_uint_eq(used, sizeof(piece));
		ck_assert_int_eq(st, at + sizeof(piece) == total ? FG_HP_DONE : FG_HP_MORE);
	}
	fg_http_parser_take(p, &r);
	ck_assert_uint_eq(r.body.len, total);
	ck_assert_int_eq(r.body.data[total - 1], 'q');
	fg_http_response_free(&r);
	fg_http_parser_free(p);
}
END_TEST

START_TEST(error_names)
{
	for (int e = FG_HTTP_OK; e <= FG_HTTP_ECANCEL; e++)
		ck_assert_ptr_nonnull(fg_http_err_name(e));
	ck_assert_str_eq(fg_http_err_name(FG_HTTP_ETOOBIG), "response too large");
	ck_assert(fg_http_err_retryable(FG_HTTP_ETIMEOUT));
	ck_assert(fg_http_err_retryable(FG_HTTP_ERESET));
	ck_assert(fg_http_err_retryable(FG_HTTP_ECONNECT));
	ck_assert(!fg_http_err_retryable(FG_HTTP_EPROTO));
	ck_assert(!fg_http_err_retryable(FG_HTTP_ECANCEL));
	ck_assert(!fg_http_err_retryable(FG_HTTP_ETLS));
}
END_TEST

static Suite *
http_parse_suite(void)
{
	Suite *s = suite_create("http_parse");
	TCase *tc = tcase_create("parser");

	tcase_set_timeout(tc, 60);
	tcase_add_loop_test(tc, parser_cases, 0, (int)FG_ARRAY_LEN(cases));
	tcase_add_test(tc, oversize_header_section);
	tcase_add_test(tc, nul_in_header);
	tcase_add_test(tc, too_many_fields);
	tcase_add_test(tc, chunk_line_limit);
	tcase_add_test(tc, large_body_in_pieces);
	tcase_add_test(tc, error_names);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	SRunner *sr = srunner_create(http_parse_suite());
	int failed;

	srunner_run_all(sr, CK_ENV);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? 1 : 0;
}
