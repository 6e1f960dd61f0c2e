/* check_sigv4.c: SigV4 against every file of the AWS test suite, then S3 payload rules, session
 * tokens, the signing-key cache, verification and the parsing of Authorization headers. */
#include "config.h"

#include <check.h>
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <yajl/yajl_tree.h>

#include "base.h"
#include "file_text.h"
#include "sigv4.h"

#define SUITE_DIR SHARED_DIR "/testdata/aws-sigv4-suite"
#define SUITE_CASES 38
#define SECRET "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY"
#define WHEN ((time_t)1440938160) /* 2015-08-30T12:36:00Z, the suite's time */

/* Case folder names of the suite, sorted; read by main before the tests run. */
static char **cases;
static size_t ncases;

/* One case of the suite: its context and its parsed request.txt. */
struct suite_case {
	struct fg_creds creds;
	struct fg_sigv4_params params;
	char *region;
	char *service;
	int sign_body;
	char *method;
	char *target; /* path and query as in the request line */
	char *path;
	char *query;  /* NULL when there is none */
	struct fg_headers headers;
	char *body;
	size_t body_len;
};

/* Reads a file of a case folder (NULL when it cannot). */
static char *
read_case_file(const char *name, const char *file, size_t *len)
{
	char *path = fg_printf("%s/%s/%s", SUITE_DIR, name, file);
	FILE *f = fopen(path, "rb");
	struct fg_buf b;
	char chunk[4096];
	size_t n;

	free(path);
	if (f == NULL)
		return NULL;
	fg_buf_init(&b);
	while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0)
		fg_buf_add(&b, chunk, n);
	fclose(f);
	if (len != NULL)
		*len = b.len;
	return fg_buf_detach(&b);
}

/* Returns a string member at path in the context, or NULL. */
static const char *
ctx_str(yajl_val root, const char *a, const char *b)
{
	const char *path[] = { a, b, NULL };
	yajl_val v = yajl_tree_get(root, path, yajl_t_string);

	return v != NULL ? YAJL_GET_STRING(v) : NULL;
}

/* Returns a boolean member of the context (false when absent). */
static int
ctx_bool(yajl_val root, const char *key)
{
	const char *path[] = { key, NULL };

	return YAJL_IS_TRUE(yajl_tree_get(root, path, yajl_t_true));
}

/* Reads context.json into c. */
static void
load_context(const char *name, struct suite_case *c)
{
	char *text = read_case_file(name, "context.json", NULL), errbuf[256];
	const char *expires[] = { "expiration_in_seconds", NULL };
	yajl_val root, v;
	struct tm tm;
	const char *ts;

	ck_assert_msg(text != NULL, "%s: no context.json", name);
	root = yajl_tree_parse(text, errbuf, sizeof(errbuf));
	ck_assert_msg(root != NULL, "%s: context.json: %s", name, errbuf);
	memset(c, 0, sizeof(*c));
	ck_assert_ptr_nonnull(ctx_str(root, "credentials", "access_key_id"));
	ck_assert_ptr_nonnull(ctx_str(root, "credentials", "secret_access_key"));
	ck_assert_ptr_nonnull(ctx_str(root, "region", NULL));
	ck_assert_ptr_nonnull(ctx_str(root, "service", NULL));
	c->creds.access_key = fg_strdup(ctx_str(root, "credentials", "access_key_id"));
	c->creds.secret_key = fg_strdup(ctx_str(root, "credentials", "secret_access_key"));
	if (ctx_str(root, "credentials", "token") != NULL)
		c->creds.session_token = fg_strdup(ctx_str(root, "credentials", "token"));
	c->region = fg_strdup(ctx_str(root, "region", NULL));
	c->service = fg_strdup(ctx_str(root, "service", NULL));
	ts = ctx_str(root, "timestamp", NULL);
	memset(&tm, 0, sizeof(tm));
	ck_assert_msg(ts != NULL && sscanf(ts, "%4d-%2d-%2dT%2d:%2d:%2dZ", &tm.tm_year, &tm.tm_mon,
	    &tm.tm_mday, &tm.tm_hour, &tm.tm_min, &tm.tm_sec) == 6, "%s: bad timestamp", name);
	tm.tm_year -= 1900;
	tm.tm_mon -= 1;
	v = yajl_tree_get(root, expires, yajl_t_number);
	ck_assert_msg(v != NULL && YAJL_IS_INTEGER(v), "%s: no expiration_in_seconds", name);
	c->params.region = c->region;
	c->params.service = c->service;
	c->params.when = timegm(&tm);
	c->params.normalize_path = ctx_bool(root, "normalize");
	c->params.double_encode_path = 1;
	c->sign_body = ctx_bool(root, "sign_body");
	c->params.content_sha256_header = c->sign_body;
	c->params.payload = FG_PAYLOAD_SIGNED;
	c->params.expires = (unsigned)YAJL_GET_INTEGER(v);
	c->params.omit_session_token = ctx_bool(root, "omit_session_token");
	yajl_tree_free(root);
	free(text);
}

/* Parses request.txt: request line, headers (a line starting with a blank continues the
 * previous value), an empty line, the body. */
static void
load_request(const char *name, struct suite_case *c)
{
	size_t len;
	char *text = read_case_file(name, "request.txt", &len), *q;
	const char *p, *end, *nl, *sp1, *sp2;
	char *hname = NULL;
	struct fg_buf value;

	ck_assert_msg(text != NULL, "%s: no request.txt", name);
	end = text + len;
	nl = memchr(text, '\n', len);
	ck_assert_msg(nl != NULL, "%s: request.txt has no request line", name);
	sp1 = memchr(text, ' ', (size_t)(nl - text));
	for (sp2 = nl; sp2 > text && sp2[-1] != ' '; sp2--)
		;
	ck_assert_msg(sp1 != NULL && sp2 - 1 > sp1, "%s: bad request line", name);
	c->method = fg_strndup(text, (size_t)(sp1 - text));
	c->target = fg_strndup(sp1 + 1, (size_t)(sp2 - 1 - sp1 - 1));
	q = strchr(c->target, '?');
	c->path = q != NULL ? fg_strndup(c->target, (size_t)(q - c->target)) : fg_strdup(c->target);
	c->query = q != NULL ? fg_strdup(q + 1) : NULL;
	fg_headers_init(&c->headers);
	fg_buf_init(&value);
	for (p = nl + 1; p < end;) {
		size_t ll;

		nl = memchr(p, '\n', (size_t)(end - p));
		ll = nl != NULL ? (size_t)(nl - p) : (size_t)(end - p);
		if (ll == 0) {
			p++;
			break;
		}
		if (*p == ' ' || *p == '\t') {
			ck_assert_msg(hname != NULL, "%s: continuation before any header", name);
			fg_buf_addc(&value, '\n');
			fg_buf_add(&value, p, ll);
		} else {
			const char *colon = memchr(p, ':', ll);

			ck_assert_msg(colon != NULL, "%s: header line without ':'", name);
			if (hname != NULL)
				fg_headers_add(&c->headers, hname, fg_buf_cstr(&value));
			free(hname);
			hname = fg_strndup(p, (size_t)(colon - p));
			fg_buf_reset(&value);
			fg_buf_add(&value, colon + 1, ll - (size_t)(colon + 1 - p));
		}
		p = nl != NULL ? nl + 1 : end;
	}
	if (hname != NULL)
		fg_headers_add(&c->headers, hname, fg_buf_cstr(&value));
	free(hname);
	fg_buf_free(&value);
	c->body_len = p < end ? (size_t)(end - p) : 0;
	c->body = fg_strndup(p < end ? p : "", c->body_len);
	free(text);
}

/* Frees a loaded case. */
static void
case_free(struct suite_case *c)
{
	fg_creds_clear(&c->creds);
	free(c->region);
	free(c->service);
	free(c->method);
	free(c->target);
	free(c->path);
	free(c->query);
	fg_headers_free(&c->headers);
	free(c->body);
}

/* Compares what we produced with a suite file; prints both on a mismatch; 1 when they differ. */
static int
differs(const char *name, const char *file, const char *got)
{
	char *want = read_case_file(name, file, NULL);
	int bad = want == NULL || got == NULL || strcmp(want, got) != 0;

	if (bad)
		fprintf(stderr, "sigv4 suite: %s/%s differs\n--- expected\n%s\n--- got\n%s\n---\n",
		    name, file, want ? want : "(missing)", got ? got : "(nothing)");
	free(want);
	return bad;
}

/* Writes a request as the suite's signed-request files show it. */
static char *
request_text(const char *method, const char *target, const char *query,
    const struct fg_headers *h, const char *body)
{
	struct fg_buf b;

	fg_buf_init(&b);
	fg_buf_addf(&b, "%s %s%s%s HTTP/1.1\n", method, target, query ? "?" : "",
	    query ? query : "");
	for (size_t i = 0; i < h->n; i++)
		fg_buf_addf(&b, "%s:%s\n", h->v[i].name, h->v[i].value);
	fg_buf_addf(&b, "\n%s", body);
	return fg_buf_detach(&b);
}

/* Signs a case with the Authorization header, compares the four header-* files, and checks
 * that verification accepts the result; returns the number of mismatches. */
static int
run_header_variant(const char *name, struct suite_case *c)
{
	struct fg_sigv4_request req = { c->method, c->path, c->query, NULL, c->body, c->body_len };
	struct fg_sigv4_debug dbg = { 0 };
	struct fg_sigv4_auth auth;
	struct fg_headers h;
	char *err = NULL, *text;
	int bad = 0;

	fg_headers_init(&h);
	fg_headers_copy(&h, &c->headers);
	req.headers = &h;
	ck_assert_msg(fg_sigv4_sign(&c->creds, &c->params, &req, &dbg, &err) == 0, "%s: %s",
	    name, err);
	text = request_text(c->method, c->target, NULL, &h, c->body);
	bad += differs(name, "header-canonical-request.txt", dbg.canonical_request);
	bad += differs(name, "header-string-to-sign.txt", dbg.string_to_sign);
	bad += differs(name, "header-signature.txt", dbg.signature);
	bad += differs(name, "header-signed-request.txt", text);
	ck_assert_msg(fg_sigv4_parse_auth(fg_headers_get(&h, "authorization"), &auth, &err) == 0,
	    "%s: %s", name, err);
	if (fg_sigv4_verify(SECRET, &auth, &c->params, &req, &err) != 0) {
		fprintf(stderr, "sigv4 suite: %s: verification failed: %s\n", name, err);
		free(err);
		bad++;
	}
	fg_sigv4_auth_free(&auth);
	free(text);
	fg_sigv4_debug_free(&dbg);
	fg_headers_free(&h);
	return bad;
}

/* Presigns a case, compares the four query-* files, and checks that query verification
 * accepts the result; returns the number of mismatches. */
static int
run_query_variant(const char *name, struct suite_case *c)
{
	struct fg_sigv4_request req = { c->method, c->path, c->query, &c->headers, c->body,
		c->body_len };
	struct fg_sigv4_debug dbg = { 0 };
	struct fg_sigv4_auth auth;
	char *err = NULL, *text;
	int bad = 0;

	ck_assert_msg(fg_sigv4_presign(&c->creds, &c->params, &req, &dbg, &err) == 0, "%s: %s",
	    name, err);
	text = request_text(c->method, c->path, dbg.presigned_query, &c->headers, c->body);
	bad += differs(name, "query-canonical-request.txt", dbg.canonical_request);
	bad += differs(name, "query-string-to-sign.txt", dbg.string_to_sign);
	bad += differs(name, "query-signature.txt", dbg.signature);
	bad += differs(name, "query-signed-request.txt", text);
	ck_assert_msg(fg_sigv4_parse_query(dbg.presigned_query, &auth, &err) == 0, "%s: %s", name,
	    err);
	req.query = dbg.presigned_query;
	if (fg_sigv4_verify_query(SECRET, &auth, &c->params, &req, &err) != 0) {
		fprintf(stderr, "sigv4 suite: %s: query verification failed: %s\n", name, err);
		free(err);
		bad++;
	}
	fg_sigv4_auth_free(&auth);
	free(text);
	fg_sigv4_debug_free(&dbg);
	return bad;
}

START_TEST(suite_case)
{
	const char *name = cases[_i];
	struct suite_case c;
	int bad;

	load_context(name, &c);
	load_request(name, &c);
	ck_assert_str_eq(c.creds.secret_key, SECRET);
	bad = run_header_variant(name, &c) + run_query_variant(name, &c);
	fprintf(stderr, "sigv4 suite: %-42s %s\n", name, bad ? "FAIL" : "ok (8 files, 2 verified)");
	case_free(&c);
	ck_assert_msg(bad == 0, "sigv4 suite case %s: %d mismatch(es)", name, bad);
}
END_TEST

START_TEST(suite_is_complete)
{
	ck_assert_msg(ncases >= SUITE_CASES, "found %zu SigV4 suite cases in %s, expected %d",
	    ncases, SUITE_DIR, SUITE_CASES);
}
END_TEST

/* Test fixture: a signable request. */
struct fixture {
	struct fg_creds creds;
	struct fg_sigv4_params params;
	struct fg_headers h;
	struct fg_sigv4_request req;
	struct fg_sigv4_debug dbg;
};

/* Sets up f with an SQS-like POST and non-S3 parameters. */
static void
fixture_init(struct fixture *f, const char *body)
{
	memset(f, 0, sizeof(*f));
	f->creds.access_key = fg_strdup("AKIDEXAMPLE");
	f->creds.secret_key = fg_strdup(SECRET);
	f->params.region = "us-east-1";
	f->params.service = "sqs";
	f->params.when = WHEN;
	f->params.normalize_path = 1;
	f->params.double_encode_path = 1;
	fg_headers_init(&f->h);
	fg_headers_add(&f->h, "Host", "sqs.us-east-1.amazonaws.com");
	fg_headers_add(&f->h, "Content-Type", "application/x-www-form-urlencoded");
	fg_headers_add(&f->h, "X-Custom", "  a \t  b  ");
	f->req.method = "POST";
	f->req.path = "/123456789012/queue";
	f->req.query = NULL;
	f->req.headers = &f->h;
	f->req.body = body;
	f->req.body_len = strlen(body);
}

/* Frees what f holds. */
static void
fixture_free(struct fixture *f)
{
	fg_creds_clear(&f->creds);
	fg_headers_free(&f->h);
	fg_sigv4_debug_free(&f->dbg);
}

/* Signs f (with a fresh debug record). */
static void
fixture_sign(struct fixture *f)
{
	char *err = NULL;

	fg_sigv4_debug_free(&f->dbg);
	ck_assert_msg(fg_sigv4_sign(&f->creds, &f->params, &f->req, &f->dbg, &err) == 0, "%s", err);
}

/* Counts the headers named name. */
static size_t
header_count(const struct fg_headers *h, const char *name)
{
	size_t n = 0;

	for (size_t i = 0; i < h->n; i++)
		n += strcasecmp(h->v[i].name, name) == 0;
	return n;
}

/* Returns the n-th line (from 0) of s, in a static buffer. */
static const char *
line_of(const char *s, int n)
{
	static char line[1024];

	for (; n > 0 && s != NULL; n--) {
		s = strchr(s, '\n');
		s = s != NULL ? s + 1 : NULL;
	}
	ck_assert_ptr_nonnull(s);
	snprintf(line, sizeof(line), "%.*s", (int)strcspn(s, "\n"), s);
	return line;
}

START_TEST(s3_payload_modes)
{
	struct fixture f;
	char hash[65];
	const char *creq;

	fixture_init(&f, "hello");
	f.params.service = "s3";
	f.params.normalize_path = 0;
	f.params.double_encode_path = 0;
	f.params.content_sha256_header = 1;
	f.params.payload = FG_PAYLOAD_UNSIGNED;
	f.req.method = "PUT";
	f.req.path = "/bucket/a%20b//c/../key";
	f.req.query = "uploads";
	fixture_sign(&f);
	creq = f.dbg.canonical_request;
	ck_assert_str_eq(fg_headers_get(&f.h, "x-amz-content-sha256"), "UNSIGNED-PAYLOAD");
	ck_assert_str_eq(line_of(creq, 1), "/bucket/a%20b//c/../key");
	ck_assert_str_eq(line_of(creq, 2), "uploads=");
	ck_assert_ptr_nonnull(strstr(creq, "\nx-amz-content-sha256:UNSIGNED-PAYLOAD\n"));
	ck_assert_ptr_nonnull(strstr(creq,
	    ";x-amz-content-sha256;x-amz-date;x-custom\nUNSIGNED-PAYLOAD"));

	/* Signed payload: the body's hash, in the header and the canonical request; signing
	 * again replaces the header instead of adding a second one. */
	f.params.payload = FG_PAYLOAD_SIGNED;
	fixture_sign(&f);
	fg_sha256_hex("hello", 5, hash);
	ck_assert_str_eq(fg_headers_get(&f.h, "x-amz-content-sha256"), hash);
	ck_assert_uint_eq(header_count(&f.h, "x-amz-content-sha256"), 1);
	ck_assert_str_eq(line_of(f.dbg.canonical_request, 10), hash);

	/* Other services: the path is normalised and encoded a second time. */
	f.params.service = "sqs";
	f.params.normalize_path = 1;
	f.params.double_encode_path = 1;
	fixture_sign(&f);
	ck_assert_str_eq(line_of(f.dbg.canonical_request, 1), "/bucket/a%2520b/key");
	fixture_free(&f);
}
END_TEST

START_TEST(session_token_header)
{
	struct fixture f;

	fixture_init(&f, "");
	f.creds.session_token = fg_strdup("TOKEN/+=");
	fixture_sign(&f);
	ck_assert_str_eq(fg_headers_get(&f.h, "X-Amz-Security-Token"), "TOKEN/+=");
	ck_assert_ptr_nonnull(strstr(f.dbg.canonical_request, "\nx-amz-security-token:TOKEN/+=\n"));
	ck_assert_ptr_nonnull(strstr(fg_headers_get(&f.h, "Authorization"),
	    "SignedHeaders=content-type;host;x-amz-date;x-amz-security-token;x-custom, "));
	/* The canonical value is trimmed with inner blanks folded. */
	ck_assert_ptr_nonnull(strstr(f.dbg.canonical_request, "\nx-custom:a b\n"));

	/* omit_session_token: the header is sent but not signed. */
	f.params.omit_session_token = 1;
	fixture_sign(&f);
	ck_assert_str_eq(fg_headers_get(&f.h, "X-Amz-Security-Token"), "TOKEN/+=");
	ck_assert_uint_eq(header_count(&f.h, "X-Amz-Security-Token"), 1);
	ck_assert_ptr_null(strstr(f.dbg.canonical_request, "x-amz-security-token"));
	fixture_free(&f);
}
END_TEST

START_TEST(presign_token_and_payload)
{
	struct fixture f;
	char *err = NULL;

	fixture_init(&f, "body");
	f.creds.session_token = fg_strdup("TOK/EN");
	f.params.expires = 300;
	f.req.method = "GET";
	f.req.query = "b=2&a=1";
	ck_assert_int_eq(fg_sigv4_presign(&f.creds, &f.params, &f.req, &f.dbg, &err), 0);
	ck_assert_str_eq(line_of(f.dbg.canonical_request, 2), "X-Amz-Algorithm=AWS4-HMAC-SHA256&"
	    "X-Amz-Credential=AKIDEXAMPLE%2F20150830%2Fus-east-1%2Fsqs%2Faws4_request&"
	    "X-Amz-Date=20150830T123600Z&X-Amz-Expires=300&X-Amz-Security-Token=TOK%2FEN&"
	    "X-Amz-SignedHeaders=content-type%3Bhost%3Bx-custom&a=1&b=2");
	ck_assert(strncmp(f.dbg.presigned_query, "b=2&a=1&X-Amz-Algorithm=", 24) == 0);
	ck_assert_ptr_nonnull(strstr(f.dbg.presigned_query, "&X-Amz-Security-Token=TOK%2FEN&"));
	ck_assert_uint_eq(f.h.n, 3); /* presigning leaves the headers alone */

	/* Omitted from the signature, still sent; S3's unsigned payload. */
	fg_sigv4_debug_free(&f.dbg);
	f.params.omit_session_token = 1;
	f.params.payload = FG_PAYLOAD_UNSIGNED;
	ck_assert_int_eq(fg_sigv4_presign(&f.creds, &f.params, &f.req, &f.dbg, &err), 0);
	ck_assert_ptr_null(strstr(f.dbg.canonical_request, "Security-Token"));
	ck_assert_ptr_nonnull(strstr(f.dbg.presigned_query, "&X-Amz-Security-Token=TOK%2FEN&"));
	ck_assert_str_eq(line_of(f.dbg.canonical_request, 8), "UNSIGNED-PAYLOAD");

	fg_sigv4_debug_free(&f.dbg);
	f.params.expires = 0;
	ck_assert_int_eq(fg_sigv4_presign(&f.creds, &f.params, &f.req, &f.dbg, &err), -1);
	ck_assert_ptr_nonnull(strstr(err, "expiry"));
	free(err);
	fixture_free(&f);
}
END_TEST

START_TEST(debug_log_redacts_the_session_token)
{
	struct fixture f;
	FILE *out = tmpfile();
	char *err = NULL, *text;

	ck_assert_ptr_nonnull(out);
	log_set_stream(out);
	log_set_debug("sigv4");
	fixture_init(&f, "");
	f.creds.session_token = fg_strdup("SECRET/TOKEN+1=");
	fixture_sign(&f);
	f.params.expires = 300;
	f.req.query = "a=1";
	fg_sigv4_debug_free(&f.dbg);
	ck_assert_msg(fg_sigv4_presign(&f.creds, &f.params, &f.req, &f.dbg, &err) == 0, "%s", err);
	log_set_debug(NULL);
	log_set_stream(stderr);
	text = file_text(out);
	fclose(out);
	/* The header line and the presigned query's parameter are both shown, redacted. */
	ck_assert_ptr_nonnull(strstr(text, "x-amz-security-token:<redacted>"));
	ck_assert_ptr_nonnull(strstr(text, "X-Amz-Security-Token=<redacted>&X-Amz-SignedHeaders="));
	ck_assert_ptr_null(strstr(text, "SECRET"));
	ck_assert_ptr_nonnull(strstr(text, "x-custom:a b"));
	free(text);
	fixture_free(&f);
}
END_TEST

START_TEST(canonical_query_rules)
{
	struct fixture f;
	char *err = NULL;

	fixture_init(&f, "");
	f.req.query = "b=2&a=3&a=1&c&=x&%7e=%7E&sp=a+b%20c&&u=%e1%88%b4";
	fixture_sign(&f);
	ck_assert_str_eq(line_of(f.dbg.canonical_request, 2),
	    "=x&a=1&a=3&b=2&c=&sp=a%2Bb%20c&u=%E1%88%B4&~=~");

	f.req.query = "a=%zz";
	ck_assert_int_eq(fg_sigv4_sign(&f.creds, &f.params, &f.req, NULL, &err), -1);
	ck_assert_str_eq(err,
	    "query parameter \"a=%zz\" at offset 0 has a malformed percent-escape");
	ck_assert_ptr_null(fg_headers_get(&f.h, "Authorization"));
	free(err);
	fixture_free(&f);
}
END_TEST

START_TEST(path_normalisation)
{
	static const char *const cases_[][2] = {
		{ "/a/b/../c/./d", "/a/c/d" },
		{ "/a/b/..", "/a" },
		{ "/a/b/../", "/a/" },
		{ "/../..", "/" },
		{ "", "/" },
		{ "/a//b///", "/a/b/" },
		{ "/%2E%2E/x y", "/%252E%252E/x%20y" },
	};
	struct fixture f;

	fixture_init(&f, "");
	for (size_t i = 0; i < FG_ARRAY_LEN(cases_); i++) {
		f.req.path = cases_[i][0];
		fixture_sign(&f);
		ck_assert_str_eq(line_of(f.dbg.canonical_request, 1), cases_[i][1]);
	}
	fixture_free(&f);
}
END_TEST

START_TEST(sign_rejects_what_it_cannot_sign)
{
	struct fixture f;
	char *err = NULL;

	fixture_init(&f, "");
	fg_headers_del(&f.h, "Host");
	ck_assert_int_eq(fg_sigv4_sign(&f.creds, &f.params, &f.req, NULL, &err), -1);
	ck_assert_ptr_nonnull(strstr(err, "Host header"));
	free(err);
	fg_headers_add(&f.h, "Host", "example.com");

	f.params.region = "us/east";
	ck_assert_int_eq(fg_sigv4_sign(&f.creds, &f.params, &f.req, NULL, &err), -1);
	ck_assert_ptr_nonnull(strstr(err, "region \"us/east\""));
	free(err);
	f.params.region = "us-east-1";

	free(f.creds.secret_key);
	f.creds.secret_key = NULL;
	f.creds.source = fg_strdup("profile dev");
	ck_assert_int_eq(fg_sigv4_sign(&f.creds, &f.params, &f.req, NULL, &err), -1);
	ck_assert_str_eq(err, "cannot sign: the credentials from profile dev have no access key "
	    "or secret key");
	free(err);
	f.creds.secret_key = fg_strdup(SECRET);

	fg_headers_add(&f.h, "Bad Name", "x");
	ck_assert_int_eq(fg_sigv4_sign(&f.creds, &f.params, &f.req, NULL, &err), -1);
	ck_assert_str_eq(err, "header name \"Bad Name\" cannot be signed");
	free(err);
	fixture_free(&f);
}
END_TEST

/* The signature by the textbook derivation, without the cache. */
static void
manual_signature(const char *secret, const char *date, const char *region, const char *service,
    const char *sts, char out[65])
{
	char *k = fg_printf("AWS4%s", secret);
	unsigned char a[32], b[32];

	fg_hmac_sha256(k, strlen(k), date, strlen(date), a);
	fg_hmac_sha256(a, 32, region, strlen(region), b);
	fg_hmac_sha256(b, 32, service, strlen(service), a);
	fg_hmac_sha256(a, 32, "aws4_request", 12, b);
	fg_hmac_sha256(b, 32, sts, strlen(sts), a);
	fg_hex(a, 32, out);
	free(k);
}

START_TEST(key_cache_follows_every_input)
{
	static const struct {
		const char *secret, *region, *service;
		time_t when;
	} steps[] = {
		{ SECRET, "us-east-1", "sqs", WHEN },
		{ SECRET, "us-east-1", "sqs", WHEN + 60 },         /* same day: cached key */
		{ SECRET, "us-east-1", "sqs", WHEN + 86400 },      /* next day */
		{ SECRET, "eu-west-1", "sqs", WHEN + 86400 },      /* other region */
		{ SECRET, "eu-west-1", "ec2", WHEN + 86400 },      /* other service */
		{ "other-secret", "eu-west-1", "ec2", WHEN + 86400 },
		{ SECRET, "us-east-1", "sqs", WHEN },              /* back to the first */
	};
	unsigned long hits0, misses0, hits, misses;
	struct fixture f;
	char want[65], date[9], *region;

	fixture_init(&f, "x");
	/* Push out what earlier tests cached (they share the process under CK_FORK=no). */
	for (int i = 0; i < 16; i++) {
		unsigned char key[32];

		region = fg_printf("flush-%d", i);
		fg_sigv4_signing_key("flush", "20000101", region, "sqs", key);
		free(region);
	}
	fg_sigv4_key_cache_stats(&hits0, &misses0);
	for (size_t i = 0; i < FG_ARRAY_LEN(steps); i++) {
		free(f.creds.secret_key);
		f.creds.secret_key = fg_strdup(steps[i].secret);
		f.params.region = steps[i].region;
		f.params.service = steps[i].service;
		f.params.when = steps[i].when;
		fixture_sign(&f);
		snprintf(date, sizeof(date), "%s", line_of(f.dbg.string_to_sign, 1));
		manual_signature(steps[i].secret, date, steps[i].region, steps[i].service,
		    f.dbg.string_to_sign, want);
		ck_assert_msg(strcmp(f.dbg.signature, want) == 0, "step %zu: cached key is stale",
		    i);
	}
	fg_sigv4_key_cache_stats(&hits, &misses);
	ck_assert_uint_eq(misses - misses0, 5);
	ck_assert_uint_eq(hits - hits0, 2);

	/* More combinations than the cache holds: still right, and bounded. */
	for (int i = 0; i < 40; i++) {
		region = fg_printf("region-%d", i % 20);
		f.params.region = region;
		fixture_sign(&f);
		snprintf(date, sizeof(date), "%s", line_of(f.dbg.string_to_sign, 1));
		manual_signature(f.creds.secret_key, date, region, f.params.service,
		    f.dbg.string_to_sign, want);
		ck_assert_str_eq(f.dbg.signature, want);
		free(region);
	}
	fixture_free(&f);
}
END_TEST

START_TEST(signing_key_matches_the_derivation)
{
	/* The key from the AWS documentation's example (secret, 20120215, us-east-1, iam). */
	unsigned char key[32];
	char hex[65], *long_secret = fg_malloc(301);

	fg_sigv4_signing_key("wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY", "20120215", "us-east-1",
	    "iam", key);
	fg_hex(key, 32, hex);
	ck_assert_str_eq(hex, "f4780e2d9f65fa895f9c67b32ce1baf0b0d8a43505a000a1a9e090d414db404d");
	/* Inputs too long for the cache take the uncached path and give the same key. */
	memset(long_secret, 'k', 300);
	long_secret[300] = '\0';
	for (int i = 0; i < 2; i++) {
		char want[65], got[65];
		unsigned char k2[32];

		fg_sigv4_signing_key(long_secret, "20150830", "us-east-1", "s3", k2);
		fg_hmac_sha256(k2, 32, "sts", 3, key);
		fg_hex(key, 32, got);
		manual_signature(long_secret, "20150830", "us-east-1", "s3", "sts", want);
		ck_assert_str_eq(got, want);
	}
	free(long_secret);
}
END_TEST

/* Verifies f's request as a server would; returns the error (NULL when it verifies). */
static char *
verify_fixture(struct fixture *f, const char *secret)
{
	struct fg_sigv4_auth auth;
	char *err = NULL;

	ck_assert_msg(fg_sigv4_parse_auth(fg_headers_get(&f->h, "Authorization"), &auth, &err) == 0,
	    "%s", err);
	if (fg_sigv4_verify(secret, &auth, &f->params, &f->req, &err) == 0)
		err = NULL;
	else
		ck_assert_ptr_nonnull(err);
	fg_sigv4_auth_free(&auth);
	return err;
}

/* Asserts that verification fails with a message containing what. */
static void
assert_verify_fails(struct fixture *f, const char *secret, const char *what)
{
	char *err = verify_fixture(f, secret);

	ck_assert_msg(err != NULL, "verification passed, expected \"%s\"", what);
	ck_assert_msg(strstr(err, what) != NULL, "error \"%s\" lacks \"%s\"", err, what);
	free(err);
}

START_TEST(verify_accepts_and_detects_changes)
{
	struct fixture f;
	char *err;

	fixture_init(&f, "Action=SendMessage&MessageBody=hi");
	f.req.query = "x=1";
	fixture_sign(&f);
	err = verify_fixture(&f, SECRET);
	ck_assert_msg(err == NULL, "%s", err);
	f.params.when = WHEN + 300; /* the server's clock, a little ahead */
	err = verify_fixture(&f, SECRET);
	ck_assert_msg(err == NULL, "%s", err);
	/* Headers added after signing are not covered and do not matter. */
	fg_headers_add(&f.h, "User-Agent", "test");
	err = verify_fixture(&f, SECRET);
	ck_assert_msg(err == NULL, "%s", err);

	f.req.method = "PUT";
	assert_verify_fails(&f, SECRET, "signature does not match");
	f.req.method = "POST";
	f.req.path = "/123456789012/other";
	assert_verify_fails(&f, SECRET, "signature does not match");
	f.req.path = "/123456789012/queue";
	f.req.query = "x=2";
	assert_verify_fails(&f, SECRET, "signature does not match");
	f.req.query = "x=1";
	fg_headers_set(&f.h, "X-Custom", "changed");
	assert_verify_fails(&f, SECRET, "signature does not match (computed over canonical "
	    "request \"POST\\n/123456789012/queue\\nx=1\\n");
	fg_headers_del(&f.h, "X-Custom");
	assert_verify_fails(&f, SECRET, "signed header \"x-custom\" is not in the request");
	fg_headers_add(&f.h, "X-Custom", "  a \t  b  ");
	f.req.body = "Action=SendMessage&MessageBody=ho";
	assert_verify_fails(&f, SECRET, "signature does not match");
	f.req.body = "Action=SendMessage&MessageBody=hi";
	assert_verify_fails(&f, "wrong-secret", "signature does not match");
	err = verify_fixture(&f, SECRET);
	ck_assert_msg(err == NULL, "%s", err);

	f.params.region = "eu-west-1";
	assert_verify_fails(&f, SECRET, "credential scope us-east-1/sqs does not name region "
	    "\"eu-west-1\"");
	f.params.region = "us-east-1";
	f.params.when = WHEN + 3600;
	assert_verify_fails(&f, SECRET, "request time 20150830T123600Z is more than 15 minutes "
	    "from the server's time 20150830T133600Z");
	f.params.when = 0;
	fg_headers_set(&f.h, "X-Amz-Date", "20150831T123600Z");
	assert_verify_fails(&f, SECRET, "request date 20150831T123600Z is not the credential "
	    "scope's date 20150830");
	fg_headers_set(&f.h, "X-Amz-Date", "2015-08-30");
	assert_verify_fails(&f, SECRET, "request has a bad X-Amz-Date header \"2015-08-30\"");
	fg_headers_del(&f.h, "X-Amz-Date");
	assert_verify_fails(&f, SECRET, "request has no X-Amz-Date header");
	fixture_free(&f);
}
END_TEST

START_TEST(verify_checks_the_payload_hash)
{
	struct fixture f;
	char *err;

	fixture_init(&f, "data");
	f.params.content_sha256_header = 1;
	fixture_sign(&f);
	err = verify_fixture(&f, SECRET);
	ck_assert_msg(err == NULL, "%s", err);
	f.req.body = "dat4";
	assert_verify_fails(&f, SECRET, "x-amz-content-sha256 "
	    "3a6eb0790f39ac87c94f3856b2dd2c5d110e6811602261a9a923d3bb23adc8b7 does not match the "
	    "body's SHA-256");

	/* UNSIGNED-PAYLOAD: the body is not covered. */
	f.params.payload = FG_PAYLOAD_UNSIGNED;
	fixture_sign(&f);
	err = verify_fixture(&f, SECRET);
	ck_assert_msg(err == NULL, "%s", err);
	fixture_free(&f);
}
END_TEST

START_TEST(verify_presigned_query)
{
	struct fixture f;
	struct fg_sigv4_auth auth;
	struct fg_sigv4_request req;
	char *err = NULL, *q;

	fixture_init(&f, "");
	f.req.method = "GET";
	f.req.query = "list-type=2";
	f.params.expires = 600;
	f.params.payload = FG_PAYLOAD_UNSIGNED;
	ck_assert_int_eq(fg_sigv4_presign(&f.creds, &f.params, &f.req, &f.dbg, &err), 0);
	ck_assert_int_eq(fg_sigv4_parse_query(f.dbg.presigned_query, &auth, &err), 0);
	ck_assert_str_eq(auth.access_key, "AKIDEXAMPLE");
	ck_assert_str_eq(auth.amz_date, "20150830T123600Z");
	ck_assert_uint_eq(auth.expires, 600);
	req = f.req;
	req.query = f.dbg.presigned_query;
	f.params.when = WHEN + 599;
	ck_assert_msg(fg_sigv4_verify_query(SECRET, &auth, &f.params, &req, &err) == 0, "%s", err);

	f.params.when = WHEN + 601;
	ck_assert_int_eq(fg_sigv4_verify_query(SECRET, &auth, &f.params, &req, &err), -1);
	ck_assert_str_eq(err, "presigned request expired at 20150830T124600Z");
	free(err);
	f.params.when = 0;
	q = fg_printf("%s&extra=1", f.dbg.presigned_query);
	req.query = q;
	ck_assert_int_eq(fg_sigv4_verify_query(SECRET, &auth, &f.params, &req, &err), -1);
	ck_assert_ptr_nonnull(strstr(err, "signature does not match"));
	free(err);
	req.query = f.dbg.presigned_query;
	ck_assert_int_eq(fg_sigv4_verify_query("bad", &auth, &f.params, &req, &err), -1);
	ck_assert_ptr_nonnull(strstr(err, "signature does not match"));
	free(err);
	free(q);
	fg_sigv4_auth_free(&auth);
	fixture_free(&f);
}
END_TEST

#define CRED "Credential=AKID/20150830/us-east-1/sqs/aws4_request"
#define SH "SignedHeaders=host;x-amz-date"
#define HEX64 "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"
#define HEX64_UPPER "0123456789ABCDEF0123456789abcdef0123456789abcdef0123456789abcdef"
#define SIG "Signature=" HEX64
#define QCRED "X-Amz-Credential=AKID%2F20150830%2Fus-east-1%2Fs3%2Faws4_request"
#define QREST "X-Amz-SignedHeaders=host&X-Amz-Signature=" HEX64

START_TEST(parse_auth_reads_the_parts)
{
	struct fg_sigv4_auth a;
	char *err = NULL;

	ck_assert_int_eq(fg_sigv4_parse_auth("AWS4-HMAC-SHA256 Credential=AKID/20150830/us-east-1/"
	    "sqs/aws4_request,SignedHeaders=host;x-amz-date ,  " SIG, &a, &err), 0);
	ck_assert_str_eq(a.access_key, "AKID");
	ck_assert_str_eq(a.date, "20150830");
	ck_assert_str_eq(a.region, "us-east-1");
	ck_assert_str_eq(a.service, "sqs");
	ck_assert_str_eq(a.signed_headers, "host;x-amz-date");
	ck_assert_str_eq(a.signature, HEX64);
	ck_assert_ptr_null(a.amz_date);
	fg_sigv4_auth_free(&a);
}
END_TEST

START_TEST(parse_auth_rejects_malformed)
{
	static const char *const bad[][2] = {
		{ "", "Authorization header is missing or empty" },
		{ "AWS AKID:c2ln", "Authorization: algorithm \"AWS\" is not AWS4-HMAC-SHA256" },
		{ "AWS4-HMAC-SHA256", "Authorization: algorithm \"AWS4-HMAC-SHA256\" is not" },
		{ "AWS4-HMAC-SHA256   ", "Authorization: nothing after AWS4-HMAC-SHA256" },
		{ "AWS4-HMAC-SHA256 " SH ", " SIG, "Authorization: no Credential" },
		{ "AWS4-HMAC-SHA256 " CRED ", " SIG, "Authorization: no SignedHeaders" },
		{ "AWS4-HMAC-SHA256 " CRED ", " SH, "Authorization: no Signature" },
		{ "AWS4-HMAC-SHA256 " CRED ", " SH ", " SIG ",", "Authorization: trailing ','" },
		{ "AWS4-HMAC-SHA256 " CRED ", " CRED ", " SH ", " SIG,
		  "Authorization: Credential appears twice (offset 70)" },
		{ "AWS4-HMAC-SHA256 " CRED ", Foo=bar, " SH ", " SIG,
		  "Authorization: unknown component \"Foo\" at offset 70" },
		{ "AWS4-HMAC-SHA256 " CRED ", junk, " SH ", " SIG,
		  "Authorization: component \"junk\" at offset 70 is not Name=value" },
		{ "AWS4-HMAC-SHA256 Credential=AKID/20150830/us-east-1/aws4_request, " SH ", " SIG,
		  "is not <access key>/<yyyymmdd>/<region>/<service>/aws4_request" },
		{ "AWS4-HMAC-SHA256 Credential=AKID//us-east-1/sqs/aws4_request, " SH ", " SIG,
		  "is not <access key>/<yyyymmdd>" },
		{ "AWS4-HMAC-SHA256 Credential=AKID/2015-08-30/us-east-1/sqs/aws4_request, " SH ", "
		  SIG, "Credential date \"2015-08-30\" is not yyyymmdd" },
		{ "AWS4-HMAC-SHA256 Credential=AKID/20150830/us-east-1/sqs/aws5_request, " SH ", "
		  SIG, "Credential scope ends with \"aws5_request\", not aws4_request" },
		{ "AWS4-HMAC-SHA256 Credential=AK\001D/20150830/us-east-1/sqs/aws4_request, " SH
		  ", " SIG, "Credential \"AK\\x01D/20150830/us-east-1/sqs/aws4_request\" has a "
		  "blank or control character at offset 2" },
		{ "AWS4-HMAC-SHA256 " CRED ", SignedHeaders=host;;x-amz-date, " SIG,
		  "SignedHeaders \"host;;x-amz-date\" has a bad header name at offset 5" },
		{ "AWS4-HMAC-SHA256 " CRED ", SignedHeaders=Host, " SIG,
		  "SignedHeaders \"Host\" has a bad header name at offset 0" },
		{ "AWS4-HMAC-SHA256 " CRED ", SignedHeaders=, " SIG, "bad header name" },
		{ "AWS4-HMAC-SHA256 " CRED ", " SH ", Signature=abc",
		  "Signature \"abc\" is not 64 lower-case hex digits" },
		{ "AWS4-HMAC-SHA256 " CRED ", " SH ", Signature=" HEX64_UPPER,
		  "is not 64 lower-case hex digits" },
	};
	struct fg_sigv4_auth a;

	for (size_t i = 0; i < FG_ARRAY_LEN(bad); i++) {
		char *err = NULL;

		ck_assert_msg(fg_sigv4_parse_auth(bad[i][0], &a, &err) == -1, "accepted: %s",
		    bad[i][0]);
		ck_assert_msg(err != NULL && strstr(err, bad[i][1]) != NULL,
		    "for %s: got \"%s\", expected \"%s\"", bad[i][0], err, bad[i][1]);
		ck_assert_ptr_null(a.access_key);
		free(err);
	}
}
END_TEST

START_TEST(parse_query_rejects_malformed)
{
	static const char *const bad[][2] = {
		{ "", "presigned query: no X-Amz-Algorithm parameter" },
		{ "X-Amz-Algorithm=AWS4-HMAC-SHA1&" QCRED "&X-Amz-Date=20150830T123600Z&"
		  "X-Amz-Expires=60&" QREST,
		  "X-Amz-Algorithm \"AWS4-HMAC-SHA1\" is not AWS4-HMAC-SHA256" },
		{ "X-Amz-Algorithm=A&X-Amz-Algorithm=B", "X-Amz-Algorithm appears twice" },
		{ "X-Amz-Credential=%zz",
		  "X-Amz-Credential value \"%zz\" has a bad percent-escape" },
		{ "X-Amz-Credential=a%00b", "has a bad percent-escape" },
		{ "X-Amz-Algorithm=AWS4-HMAC-SHA256&" QCRED "&X-Amz-Date=20150830T123600Z&"
		  "X-Amz-Expires=0&" QREST,
		  "X-Amz-Expires \"0\" is not within 1..604800" },
		{ "X-Amz-Algorithm=AWS4-HMAC-SHA256&" QCRED "&X-Amz-Date=20151330T123600Z&"
		  "X-Amz-Expires=60&" QREST,
		  "X-Amz-Date \"20151330T123600Z\" is not yyyymmddThhmmssZ" },
		{ "X-Amz-Algorithm=AWS4-HMAC-SHA256&" QCRED "&X-Amz-Date=20150830T123600Z&"
		  "X-Amz-Expires=60",
		  "no X-Amz-SignedHeaders parameter" },
	};
	struct fg_sigv4_auth a;

	for (size_t i = 0; i < FG_ARRAY_LEN(bad); i++) {
		char *err = NULL;

		ck_assert_msg(fg_sigv4_parse_query(bad[i][0], &a, &err) == -1, "accepted: %s",
		    bad[i][0]);
		ck_assert_msg(err != NULL && strstr(err, bad[i][1]) != NULL,
		    "for %s: got \"%s\", expected \"%s\"", bad[i][0], err, bad[i][1]);
		ck_assert_ptr_null(a.signature);
		free(err);
	}
}
END_TEST

START_TEST(creds_copy_and_clear)
{
	struct fg_creds a = { 0 }, b;

	a.access_key = fg_strdup("AK");
	a.secret_key = fg_strdup("SK");
	a.expiration = 42;
	a.source = fg_strdup("environment");
	fg_creds_copy(&b, &a);
	fg_creds_clear(&a);
	ck_assert_ptr_null(a.access_key);
	ck_assert_str_eq(b.access_key, "AK");
	ck_assert_str_eq(b.secret_key, "SK");
	ck_assert_ptr_null(b.session_token);
	ck_assert_int_eq(b.expiration, 42);
	ck_assert_str_eq(b.source, "environment");
	fg_creds_clear(&b);
}
END_TEST

/* Orders case names. */
static int
case_cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Lists the suite's case folders into cases. */
static void
find_cases(void)
{
	DIR *d = opendir(SUITE_DIR);
	struct dirent *e;

	if (d == NULL)
		return;
	while ((e = readdir(d)) != NULL) {
		char *f = fg_printf("%s/%s/request.txt", SUITE_DIR, e->d_name);
		FILE *fp = fopen(f, "r");

		if (fp != NULL) {
			fclose(fp);
			cases = fg_realloc(cases, (ncases + 1) * sizeof(*cases));
			cases[ncases++] = fg_strdup(e->d_name);
		}
		free(f);
	}
	closedir(d);
	if (ncases > 0)
		qsort(cases, ncases, sizeof(*cases), case_cmp);
}

/* Builds the suite. */
static Suite *
sigv4_suite(void)
{
	Suite *s = suite_create("sigv4");
	TCase *tc = tcase_create("aws-suite");

	tcase_add_test(tc, suite_is_complete);
	tcase_add_loop_test(tc, suite_case, 0, (int)ncases);
	suite_add_tcase(s, tc);
	tc = tcase_create("signer");
	tcase_add_test(tc, s3_payload_modes);
	tcase_add_test(tc, session_token_header);
	tcase_add_test(tc, presign_token_and_payload);
	tcase_add_test(tc, debug_log_redacts_the_session_token);
	tcase_add_test(tc, canonical_query_rules);
	tcase_add_test(tc, path_normalisation);
	tcase_add_test(tc, sign_rejects_what_it_cannot_sign);
	tcase_add_test(tc, key_cache_follows_every_input);
	tcase_add_test(tc, signing_key_matches_the_derivation);
	tcase_add_test(tc, creds_copy_and_clear);
	suite_add_tcase(s, tc);
	tc = tcase_create("verify");
	tcase_add_test(tc, verify_accepts_and_detects_changes);
	tcase_add_test(tc, verify_checks_the_payload_hash);
	tcase_add_test(tc, verify_presigned_query);
	tcase_add_test(tc, parse_auth_reads_the_parts);
	tcase_add_test(tc, parse_auth_rejects_malformed);
	tcase_add_test(tc, parse_query_rejects_malformed);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	SRunner *sr;
	int failed;

	find_cases();
	sr = srunner_create(sigv4_suite());
	srunner_run_all(sr, CK_ENV);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	for (size_t i = 0; i < ncases; i++)
		free(cases[i]);
	free(cases);
	return failed != 0;
}
