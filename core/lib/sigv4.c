/* sigv4.c: AWS Signature Version 4: canonical requests, the signing-key cache, signing with
 * the Authorization header or a presigned query, and verifying both (localcloud). */
#include "config.h"

#include <ctype.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include <openssl/crypto.h>

#include "sigv4.h"
#include "sigv4_int.h"

#define UNSIGNED_PAYLOAD "UNSIGNED-PAYLOAD"
#define MAX_SKEW_SECONDS (15 * 60)   /* AWS's RequestTimeTooSkewed limit */
#define KEY_CACHE_SIZE 8
#define EXCERPT_MAX 64               /* bytes of untrusted input quoted in a message */

/* Headers the signer leaves unsigned: hop-by-hop, or rewritten on the way by proxies. */
static const char *const unsigned_headers[] = {
	"authorization", "connection", "expect", "transfer-encoding", "upgrade", "user-agent",
	"x-amzn-trace-id",
};

/* Query parameters of a presigned request, canonical (encoded) key and value. */
struct qparam {
	char *key;
	char *value;
};
struct qlist {
	struct qparam *v;
	size_t n;
	size_t cap;
};

/* Lower-case header names, sorted (when built by the signer). */
struct names {
	char **v;
	size_t n;
	size_t cap;
};

/* One derived signing key. */
struct key_entry {
	char secret[128];
	char date[9];
	char region[64];
	char service[64];
	unsigned char key[32];
};

static struct key_entry key_cache[KEY_CACHE_SIZE];
static size_t key_cache_used, key_cache_next;
static unsigned long key_cache_hits, key_cache_misses;

/* Sets *err (when err is not NULL) to a formatted message. */
void
sigv4_seterr(char **err, const char *fmt, ...)
{
	va_list ap;

	if (err == NULL)
		return;
	va_start(ap, fmt);
	*err = fg_vprintf(fmt, ap);
	va_end(ap);
}

/* Quotes up to max bytes of s for a message, escaping what is not printable; caller frees. */
static char *
quoted(const char *s, size_t len, size_t max)
{
	struct fg_buf b;

	fg_buf_init(&b);
	fg_buf_addc(&b, '"');
	for (size_t i = 0; i < len && i < max; i++) {
		unsigned char c = (unsigned char)s[i];

		if (c == '\n')
			fg_buf_addstr(&b, "\\n");
		else if (c < 0x20 || c >= 0x7f || c == '"' || c == '\\')
			fg_buf_addf(&b, "\\x%02x", c);
		else
			fg_buf_addc(&b, (char)c);
	}
	fg_buf_addc(&b, '"');
	if (len > max)
		fg_buf_addstr(&b, "...");
	return fg_buf_detach(&b);
}

/* Quotes a bounded excerpt of untrusted input; caller frees. */
char *
sigv4_excerpt(const char *s, size_t len)
{
	return quoted(s, len, EXCERPT_MAX);
}

/* Frees s after overwriting it, for secrets. */
static void
free_secret(char *s)
{
	if (s != NULL) {
		OPENSSL_cleanse(s, strlen(s));
		free(s);
	}
}

/* Frees the credentials, wiping the secret parts first. */
void
fg_creds_clear(struct fg_creds *c)
{
	free(c->access_key);
	free_secret(c->secret_key);
	free_secret(c->session_token);
	free(c->source);
	memset(c, 0, sizeof(*c));
}

/* Duplicates s, or returns NULL for NULL. */
static char *
dup_or_null(const char *s)
{
	return s != NULL ? fg_strdup(s) : NULL;
}

/* Copies every field of src into dst. */
void
fg_creds_copy(struct fg_creds *dst, const struct fg_creds *src)
{
	dst->access_key = dup_or_null(src->access_key);
	dst->secret_key = dup_or_null(src->secret_key);
	dst->session_token = dup_or_null(src->session_token);
	dst->expiration = src->expiration;
	dst->source = dup_or_null(src->source);
}

/* Frees what a signing left in d. */
void
fg_sigv4_debug_free(struct fg_sigv4_debug *d)
{
	free(d->canonical_request);
	free(d->string_to_sign);
	free(d->signature);
	free(d->presigned_query);
	memset(d, 0, sizeof(*d));
}

/* Derives the signing key: HMAC chain over date, region, service and "aws4_request". */
static void
derive_key(const char *secret, const char *date, const char *region, const char *service,
    unsigned char out[32])
{
	char *k = fg_printf("AWS4%s", secret);
	unsigned char a[32], b[32];

	fg_hmac_sha256(k, strlen(k), date, strlen(date), a);
	fg_hmac_sha256(a, sizeof(a), region, strlen(region), b);
	fg_hmac_sha256(b, sizeof(b), service, strlen(service), a);
	fg_hmac_sha256(a, sizeof(a), SCOPE_END, strlen(SCOPE_END), out);
	free_secret(k);
	OPENSSL_cleanse(a, sizeof(a));
	OPENSSL_cleanse(b, sizeof(b));
}

/* Returns the signing key, from the cache when the same four inputs were seen recently. */
void
fg_sigv4_signing_key(const char *secret, const char *date, const char *region,
    const char *service, unsigned char out[32])
{
	struct key_entry *e;
	int cacheable = strlen(secret) < sizeof(e->secret) && strlen(date) < sizeof(e->date) &&
	    strlen(region) < sizeof(e->region) && strlen(service) < sizeof(e->service);

	if (cacheable) {
		for (size_t i = 0; i < key_cache_used; i++) {
			e = &key_cache[i];
			if (strcmp(e->date, date) == 0 && strcmp(e->region, region) == 0 &&
			    strcmp(e->service, service) == 0 && strcmp(e->secret, secret) == 0) {
				memcpy(out, e->key, sizeof(e->key));
				key_cache_hits++;
				return;
			}
		}
	}
	key_cache_misses++;
	derive_key(secret, date, region, service, out);
	if (!cacheable)
		return;
	/* Round robin: a client uses a handful of (region, service) pairs at a time. */
	e = &key_cache[key_cache_next];
	key_cache_next = (key_cache_next + 1) % KEY_CACHE_SIZE;
	if (key_cache_used < KEY_CACHE_SIZE)
		key_cache_used++;
	strcpy(e->secret, secret);
	strcpy(e->date, date);
	strcpy(e->region, region);
	strcpy(e->service, service);
	memcpy(e->key, out, sizeof(e->key));
}

/* Reports the key cache's hit and miss counts. */
void
fg_sigv4_key_cache_stats(unsigned long *hits, unsigned long *misses)
{
	*hits = key_cache_hits;
	*misses = key_cache_misses;
}

/* Formats t as yyyymmddThhmmssZ; -1 when it cannot be. */
int
sigv4_format_date(time_t t, char out[17])
{
	struct tm tm;

	if (gmtime_r(&t, &tm) == NULL || tm.tm_year < 1000 - 1900 || tm.tm_year > 9999 - 1900)
		return -1;
	return strftime(out, 17, "%Y%m%dT%H%M%SZ", &tm) == 16 ? 0 : -1;
}

/* Reads n decimal digits. */
static int
digits(const char *s, int n)
{
	int v = 0;

	for (int i = 0; i < n; i++)
		v = v * 10 + (s[i] - '0');
	return v;
}

/* Parses yyyymmddThhmmssZ; -1 when s is not exactly a valid one. */
int
sigv4_parse_date(const char *s, time_t *t)
{
	struct tm tm;
	char again[17];

	if (strlen(s) != 16 || s[8] != 'T' || s[15] != 'Z')
		return -1;
	for (int i = 0; i < 15; i++)
		if (i != 8 && !isdigit((unsigned char)s[i]))
			return -1;
	memset(&tm, 0, sizeof(tm));
	tm.tm_year = digits(s, 4) - 1900;
	tm.tm_mon = digits(s + 4, 2) - 1;
	tm.tm_mday = digits(s + 6, 2);
	tm.tm_hour = digits(s + 9, 2);
	tm.tm_min = digits(s + 11, 2);
	tm.tm_sec = digits(s + 13, 2);
	*t = timegm(&tm);
	/* timegm folds out-of-range fields (month 13, day 32): a round trip catches them. */
	if (sigv4_format_date(*t, again) < 0 || strcmp(again, s) != 0)
		return -1;
	return 0;
}

/* Value of a hex digit, or -1. */
static int
hexdigit(char c)
{
	if (!isxdigit((unsigned char)c))
		return -1;
	return isdigit((unsigned char)c) ? c - '0' : tolower((unsigned char)c) - 'a' + 10;
}

/* Appends len bytes of s in canonical query encoding: escapes decoded, then everything but
 * the RFC 3986 unreserved characters encoded again. -1 on a malformed escape. */
static int
recode(struct fg_buf *b, const char *s, size_t len)
{
	for (size_t i = 0; i < len; i++) {
		char c = s[i];

		if (c == '%') {
			int hi, lo;

			if (len - i < 3 || (hi = hexdigit(s[i + 1])) < 0 ||
			    (lo = hexdigit(s[i + 2])) < 0)
				return -1;
			c = (char)(hi << 4 | lo);
			i += 2;
		}
		fg_uri_encode(b, &c, 1, 0);
	}
	return 0;
}

/* Appends a parameter to l, taking key and value. */
static void
qlist_take(struct qlist *l, char *key, char *value)
{
	if (l->n == l->cap) {
		l->cap = l->cap ? l->cap * 2 : 16;
		l->v = fg_realloc(l->v, l->cap * sizeof(*l->v));
	}
	l->v[l->n].key = key;
	l->v[l->n].value = value;
	l->n++;
}

/* Appends key and value percent-encoded to l. */
static void
qlist_add_encoded(struct qlist *l, const char *key, const char *value)
{
	struct fg_buf v;

	fg_buf_init(&v);
	fg_uri_encode(&v, value, strlen(value), 0);
	qlist_take(l, fg_strdup(key), fg_buf_detach(&v));
}

/* Frees the parameters and the list. */
static void
qlist_free(struct qlist *l)
{
	for (size_t i = 0; i < l->n; i++) {
		free(l->v[i].key);
		free(l->v[i].value);
	}
	free(l->v);
	memset(l, 0, sizeof(*l));
}

/* Appends "k=v&k=v..." in list order. */
static void
qlist_join(struct fg_buf *b, const struct qlist *l)
{
	for (size_t i = 0; i < l->n; i++)
		fg_buf_addf(b, "%s%s=%s", i ? "&" : "", l->v[i].key, l->v[i].value);
}

/* Orders parameters by encoded key, then encoded value. */
static int
qparam_cmp(const void *a, const void *b)
{
	const struct qparam *x = a, *y = b;
	int c = strcmp(x->key, y->key);

	return c != 0 ? c : strcmp(x->value, y->value);
}

/* Tells whether key is in the NULL-terminated list (which may be NULL). */
static int
in_list(const char *const *list, const char *key)
{
	for (; list != NULL && *list != NULL; list++)
		if (strcmp(*list, key) == 0)
			return 1;
	return 0;
}

/* Adds the parameters of a raw query string to l in canonical encoding, leaving out those
 * named in skip. A parameter without '=' has an empty value; empty parameters are ignored. */
static int
qlist_parse(struct qlist *l, const char *query, const char *const *skip, char **err)
{
	for (const char *p = query; *p != '\0';) {
		size_t n = strcspn(p, "&");

		if (n > 0) {
			const char *eq = memchr(p, '=', n);
			size_t kl = eq != NULL ? (size_t)(eq - p) : n;
			struct fg_buf k, v;

			fg_buf_init(&k);
			fg_buf_init(&v);
			if (recode(&k, p, kl) < 0 ||
			    (eq != NULL && recode(&v, eq + 1, n - kl - 1) < 0)) {
				char *x = sigv4_excerpt(p, n);

				sigv4_seterr(err, "query parameter %s at offset %zu has a "
				    "malformed percent-escape", x, (size_t)(p - query));
				free(x);
				fg_buf_free(&k);
				fg_buf_free(&v);
				return -1;
			}
			if (in_list(skip, fg_buf_cstr(&k))) {
				fg_buf_free(&k);
				fg_buf_free(&v);
			} else
				qlist_take(l, fg_buf_detach(&k), fg_buf_detach(&v));
		}
		p += n;
		if (*p == '&')
			p++;
	}
	return 0;
}

/* Appends a name to the list. */
static void
names_add(struct names *nm, char *name)
{
	if (nm->n == nm->cap) {
		nm->cap = nm->cap ? nm->cap * 2 : 16;
		nm->v = fg_realloc(nm->v, nm->cap * sizeof(*nm->v));
	}
	nm->v[nm->n++] = name;
}

/* Frees the names and the list. */
static void
names_free(struct names *nm)
{
	for (size_t i = 0; i < nm->n; i++)
		free(nm->v[i]);
	free(nm->v);
	memset(nm, 0, sizeof(*nm));
}

/* Tells whether a header name of len bytes is well-formed, lower case when lower. */
int
sigv4_header_name_ok(const char *s, size_t len, int lower)
{
	if (len == 0)
		return 0;
	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)s[i];

		if (c <= 0x20 || c >= 0x7f || c == ':' || c == ';' || c == ',' ||
		    (lower && isupper(c)))
			return 0;
	}
	return 1;
}

/* Orders two header names. */
static int
name_cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Collects the sorted, unique lower-case names of the headers the signer signs. */
static int
names_from_headers(struct names *nm, const struct fg_headers *h, int skip_token, char **err)
{
	size_t j = 0;

	for (size_t i = 0; i < h->n; i++) {
		const char *name = h->v[i].name;
		char *lower;
		int skip = skip_token && strcasecmp(name, "x-amz-security-token") == 0;

		if (!sigv4_header_name_ok(name, strlen(name), 0)) {
			char *x = sigv4_excerpt(name, strlen(name));

			sigv4_seterr(err, "header name %s cannot be signed", x);
			free(x);
			return -1;
		}
		for (size_t k = 0; k < FG_ARRAY_LEN(unsigned_headers); k++)
			skip |= strcasecmp(name, unsigned_headers[k]) == 0;
		if (skip)
			continue;
		lower = fg_strdup(name);
		for (char *c = lower; *c != '\0'; c++)
			*c = (char)tolower((unsigned char)*c);
		names_add(nm, lower);
	}
	if (nm->n > 0)
		qsort(nm->v, nm->n, sizeof(*nm->v), name_cmp);
	for (size_t i = 0; i < nm->n; i++) {
		if (j > 0 && strcmp(nm->v[j - 1], nm->v[i]) == 0)
			free(nm->v[i]);
		else
			nm->v[j++] = nm->v[i];
	}
	nm->n = j;
	return 0;
}

/* Splits a SignedHeaders list ("host;x-amz-date") into names. */
static int
names_from_list(struct names *nm, const char *list, char **err)
{
	for (const char *p = list;; p++) {
		size_t n = strcspn(p, ";");

		if (!sigv4_header_name_ok(p, n, 1)) {
			char *x = sigv4_excerpt(list, strlen(list));

			sigv4_seterr(err, "SignedHeaders %s: bad header name at offset %zu", x,
			    (size_t)(p - list));
			free(x);
			return -1;
		}
		names_add(nm, fg_strndup(p, n));
		p += n;
		if (*p == '\0')
			return 0;
	}
}

/* Appends the names joined by ';'. */
static void
names_join(struct fg_buf *b, const struct names *nm)
{
	for (size_t i = 0; i < nm->n; i++)
		fg_buf_addf(b, "%s%s", i ? ";" : "", nm->v[i]);
}

/* Tells whether name is in the list. */
static int
names_has(const struct names *nm, const char *name)
{
	for (size_t i = 0; i < nm->n; i++)
		if (strcmp(nm->v[i], name) == 0)
			return 1;
	return 0;
}

/* Appends a header value trimmed, each run of blanks and line breaks folded to one space. */
static void
add_header_value(struct fg_buf *b, const char *v)
{
	int any = 0, blank = 0;

	for (; *v != '\0'; v++) {
		if (*v == ' ' || *v == '\t' || *v == '\r' || *v == '\n') {
			blank = any;
			continue;
		}
		if (blank)
			fg_buf_addc(b, ' ');
		fg_buf_addc(b, *v);
		any = 1;
		blank = 0;
	}
}

/* Appends "name:value\n" per name; the values of same-named headers are joined by ','. */
static int
add_canonical_headers(struct fg_buf *b, const struct fg_headers *h, const struct names *nm,
    char **err)
{
	for (size_t i = 0; i < nm->n; i++) {
		int found = 0;

		fg_buf_addf(b, "%s:", nm->v[i]);
		for (size_t j = 0; j < h->n; j++) {
			if (strcasecmp(h->v[j].name, nm->v[i]) != 0)
				continue;
			if (found)
				fg_buf_addc(b, ',');
			add_header_value(b, h->v[j].value);
			found = 1;
		}
		if (!found) {
			sigv4_seterr(err, "signed header \"%s\" is not in the request", nm->v[i]);
			return -1;
		}
		fg_buf_addc(b, '\n');
	}
	return 0;
}

/* Appends the path with dot segments removed and runs of '/' collapsed, keeping a trailing
 * '/' (the rules of the AWS SDKs). */
static void
add_normalized_path(struct fg_buf *b, const char *path)
{
	size_t start = b->len, len = strlen(path);

	for (const char *p = path; *p != '\0';) {
		size_t n = strcspn(p, "/");

		if (n == 2 && p[0] == '.' && p[1] == '.') {
			while (b->len > start && b->data[b->len - 1] != '/')
				b->len--;
			if (b->len > start)
				b->len--;
			if (b->data != NULL)
				b->data[b->len] = '\0';
		} else if (n > 0 && !(n == 1 && p[0] == '.')) {
			fg_buf_addc(b, '/');
			fg_buf_add(b, p, n);
		}
		p += n;
		if (*p == '/')
			p++;
	}
	if (b->len == start || (len > 0 && path[len - 1] == '/'))
		fg_buf_addc(b, '/');
}

/* Appends the canonical URI: normalised and encoded once more unless the service (S3) takes
 * the path as sent. */
static int
add_canonical_path(struct fg_buf *b, const struct fg_sigv4_params *p, const char *path,
    char **err)
{
	struct fg_buf n;

	if (path == NULL || *path == '\0')
		path = "/";
	if (path[0] != '/') {
		char *x = sigv4_excerpt(path, strlen(path));

		sigv4_seterr(err, "request path %s does not start with '/'", x);
		free(x);
		return -1;
	}
	fg_buf_init(&n);
	if (p->normalize_path)
		add_normalized_path(&n, path);
	else
		fg_buf_addstr(&n, path);
	if (p->double_encode_path)
		fg_uri_encode(b, n.data, n.len, 1);
	else
		fg_buf_add(b, n.data, n.len);
	fg_buf_free(&n);
	return 0;
}

/* What a canonical request is made of besides the parameters. */
struct canon {
	const struct fg_sigv4_request *req;
	const struct names *names;  /* signed headers */
	struct qlist *params;       /* extra query parameters (presign); sorted in place */
	const char *const *skip;    /* query parameters left out (presigned verification) */
	const char *payload_hash;
};

/* Builds the canonical request into b. */
static int
canonical_request(struct fg_buf *b, const struct fg_sigv4_params *p, const struct canon *c,
    char **err)
{
	const struct fg_sigv4_request *r = c->req;

	fg_buf_addf(b, "%s\n", r->method);
	if (add_canonical_path(b, p, r->path, err) < 0)
		return -1;
	fg_buf_addc(b, '\n');
	if (r->query != NULL && qlist_parse(c->params, r->query, c->skip, err) < 0)
		return -1;
	if (c->params->n > 0)
		qsort(c->params->v, c->params->n, sizeof(*c->params->v), qparam_cmp);
	qlist_join(b, c->params);
	fg_buf_addc(b, '\n');
	if (add_canonical_headers(b, r->headers, c->names, err) < 0)
		return -1;
	fg_buf_addc(b, '\n');
	names_join(b, c->names);
	fg_buf_addf(b, "\n%s", c->payload_hash);
	return 0;
}

/* Appends a canonical request with the session token's value (a credential) replaced by
 * "<redacted>": the x-amz-security-token header line and the X-Amz-Security-Token parameter. */
static void
add_redacted(struct fg_buf *b, const char *creq)
{
	static const char *const marks[] = { "\nx-amz-security-token:", "X-Amz-Security-Token=" };
	const char *p = creq, *hit, *first, *end;
	size_t i;

	for (;;) {
		first = NULL;
		for (i = 0; i < FG_ARRAY_LEN(marks); i++)
			if ((hit = strstr(p, marks[i])) != NULL && (first == NULL || hit < first))
				first = hit + strlen(marks[i]);
		if (first == NULL)
			break;
		fg_buf_add(b, p, (size_t)(first - p));
		fg_buf_addstr(b, "<redacted>");
		end = first + strcspn(first, "&\n");
		p = end;
	}
	fg_buf_addstr(b, p);
}

/* Builds the string to sign for a canonical request and signs it (hex into sig). */
static void
sign_canonical(const char *secret, const char *amz_date, const char *date, const char *region,
    const char *service, const struct fg_buf *creq, struct fg_buf *sts, char sig[65])
{
	char h[65];
	unsigned char key[32], mac[32];

	fg_sha256_hex(creq->data, creq->len, h);
	fg_buf_addf(sts, ALGORITHM "\n%s\n%s/%s/%s/" SCOPE_END "\n%s", amz_date, date, region,
	    service, h);
	fg_sigv4_signing_key(secret, date, region, service, key);
	fg_hmac_sha256(key, sizeof(key), sts->data, sts->len, mac);
	fg_hex(mac, sizeof(mac), sig);
	OPENSSL_cleanse(key, sizeof(key));
	if (log_debug_enabled("sigv4")) {
		struct fg_buf shown;

		fg_buf_init(&shown);
		add_redacted(&shown, creq->data);
		log_debug("sigv4", "canonical request:\n%s\nstring to sign:\n%s", shown.data,
		    sts->data);
		fg_buf_free(&shown);
	}
}

/* Hex SHA-256 of the body, or UNSIGNED-PAYLOAD. */
static void
payload_hash(const struct fg_sigv4_params *p, const struct fg_sigv4_request *r, char out[65])
{
	if (p->payload == FG_PAYLOAD_UNSIGNED)
		strcpy(out, UNSIGNED_PAYLOAD);
	else
		fg_sha256_hex(r->body != NULL ? r->body : "", r->body_len, out);
}

/* Tells whether s is non-empty and has no '/' (it goes into the credential scope). */
static int
scope_part_ok(const char *s)
{
	return s != NULL && *s != '\0' && strchr(s, '/') == NULL;
}

/* Checks what signing needs and formats the signing time; -1 with *err when something lacks. */
static int
check_inputs(const struct fg_creds *c, const struct fg_sigv4_params *p,
    const struct fg_sigv4_request *r, char amz_date[17], char **err)
{
	if (c == NULL || c->access_key == NULL || *c->access_key == '\0' ||
	    c->secret_key == NULL || *c->secret_key == '\0') {
		sigv4_seterr(err,
		    "cannot sign: the credentials%s%s have no access key or secret key",
		    c != NULL && c->source != NULL ? " from " : "",
		    c != NULL && c->source != NULL ? c->source : "");
		return -1;
	}
	if (!scope_part_ok(p->region) || !scope_part_ok(p->service)) {
		sigv4_seterr(err, "cannot sign: region \"%s\" and service \"%s\" must be non-empty "
		    "without '/'", p->region ? p->region : "", p->service ? p->service : "");
		return -1;
	}
	if (r->method == NULL || *r->method == '\0' || r->headers == NULL ||
	    fg_headers_get(r->headers, "host") == NULL) {
		sigv4_seterr(err, "cannot sign: the request needs a method and a Host header");
		return -1;
	}
	if (sigv4_format_date(p->when, amz_date) < 0) {
		sigv4_seterr(err, "cannot sign: time %lld is out of range", (long long)p->when);
		return -1;
	}
	return 0;
}

/* Removes the headers the signer adds (an earlier signing's, or those of a failed one). */
static void
remove_signer_headers(struct fg_headers *h, const struct fg_sigv4_params *p)
{
	fg_headers_del(h, "Authorization");
	fg_headers_del(h, "X-Amz-Date");
	fg_headers_del(h, "X-Amz-Security-Token");
	if (p->content_sha256_header)
		fg_headers_del(h, "x-amz-content-sha256");
}

/* Hands the intermediate results to dbg (when not NULL). */
static void
debug_fill(struct fg_sigv4_debug *dbg, struct fg_buf *creq, struct fg_buf *sts,
    const char *sig, char *presigned)
{
	if (dbg == NULL) {
		free(presigned);
		return;
	}
	dbg->canonical_request = fg_buf_detach(creq);
	dbg->string_to_sign = fg_buf_detach(sts);
	dbg->signature = fg_strdup(sig);
	dbg->presigned_query = presigned;
}

/* Signs with an Authorization header. */
int
fg_sigv4_sign(const struct fg_creds *c, const struct fg_sigv4_params *p,
    struct fg_sigv4_request *r, struct fg_sigv4_debug *dbg, char **err)
{
	char amz_date[17], date[9], phash[65], sig[65];
	struct names nm = { 0 };
	struct qlist params = { 0 };
	struct fg_buf creq, sts, auth;
	struct canon canon = { r, &nm, &params, NULL, phash };
	int rc = -1;

	if (check_inputs(c, p, r, amz_date, err) < 0)
		return -1;
	snprintf(date, sizeof(date), "%.8s", amz_date);
	payload_hash(p, r, phash);
	remove_signer_headers(r->headers, p);
	if (c->session_token != NULL)
		fg_headers_add(r->headers, "X-Amz-Security-Token", c->session_token);
	fg_headers_add(r->headers, "X-Amz-Date", amz_date);
	if (p->content_sha256_header)
		fg_headers_add(r->headers, "x-amz-content-sha256", phash);
	fg_buf_init(&creq);
	fg_buf_init(&sts);
	fg_buf_init(&auth);
	if (names_from_headers(&nm, r->headers, p->omit_session_token, err) < 0 ||
	    canonical_request(&creq, p, &canon, err) < 0) {
		remove_signer_headers(r->headers, p);
		goto out;
	}
	sign_canonical(c->secret_key, amz_date, date, p->region, p->service, &creq, &sts, sig);
	fg_buf_addf(&auth, ALGORITHM " Credential=%s/%s/%s/%s/" SCOPE_END ", SignedHeaders=",
	    c->access_key, date, p->region, p->service);
	names_join(&auth, &nm);
	fg_buf_addf(&auth, ", Signature=%s", sig);
	fg_headers_add(r->headers, "Authorization", auth.data);
	debug_fill(dbg, &creq, &sts, sig, NULL);
	rc = 0;
out:
	names_free(&nm);
	qlist_free(&params);
	fg_buf_free(&creq);
	fg_buf_free(&sts);
	fg_buf_free(&auth);
	return rc;
}

/* Signs into a presigned query string (dbg->presigned_query). */
int
fg_sigv4_presign(const struct fg_creds *c, const struct fg_sigv4_params *p,
    const struct fg_sigv4_request *r, struct fg_sigv4_debug *dbg, char **err)
{
	char amz_date[17], date[9], phash[65], sig[65], *s;
	struct names nm = { 0 };
	struct qlist params = { 0 }, wire = { 0 };
	struct fg_buf creq, sts, out;
	struct canon canon = { r, &nm, &params, NULL, phash };
	int rc = -1;

	if (dbg == NULL) {
		sigv4_seterr(err, "cannot presign without a struct fg_sigv4_debug for the result");
		return -1;
	}
	if (check_inputs(c, p, r, amz_date, err) < 0)
		return -1;
	if (p->expires < 1 || p->expires > MAX_EXPIRES) {
		sigv4_seterr(err, "cannot presign: expiry %u s is not within 1..%d", p->expires,
		    MAX_EXPIRES);
		return -1;
	}
	snprintf(date, sizeof(date), "%.8s", amz_date);
	payload_hash(p, r, phash);
	fg_buf_init(&creq);
	fg_buf_init(&sts);
	fg_buf_init(&out);
	if (names_from_headers(&nm, r->headers, 0, err) < 0)
		goto fail;
	/* The parameters in the order the AWS SDKs send them. */
	qlist_add_encoded(&wire, "X-Amz-Algorithm", ALGORITHM);
	s = fg_printf("%s/%s/%s/%s/" SCOPE_END, c->access_key, date, p->region, p->service);
	qlist_add_encoded(&wire, "X-Amz-Credential", s);
	free(s);
	qlist_add_encoded(&wire, "X-Amz-Date", amz_date);
	names_join(&out, &nm);
	qlist_add_encoded(&wire, "X-Amz-SignedHeaders", fg_buf_cstr(&out));
	fg_buf_reset(&out);
	s = fg_printf("%u", p->expires);
	qlist_add_encoded(&wire, "X-Amz-Expires", s);
	free(s);
	if (c->session_token != NULL)
		qlist_add_encoded(&wire, "X-Amz-Security-Token", c->session_token);
	for (size_t i = 0; i < wire.n; i++)
		if (!(p->omit_session_token && strcmp(wire.v[i].key, "X-Amz-Security-Token") == 0))
			qlist_take(&params, fg_strdup(wire.v[i].key), fg_strdup(wire.v[i].value));
	if (canonical_request(&creq, p, &canon, err) < 0)
		goto fail;
	sign_canonical(c->secret_key, amz_date, date, p->region, p->service, &creq, &sts, sig);
	if (r->query != NULL && *r->query != '\0')
		fg_buf_addf(&out, "%s&", r->query);
	qlist_join(&out, &wire);
	fg_buf_addf(&out, "&X-Amz-Signature=%s", sig);
	debug_fill(dbg, &creq, &sts, sig, fg_buf_detach(&out));
	rc = 0;
fail:
	names_free(&nm);
	qlist_free(&params);
	qlist_free(&wire);
	fg_buf_free(&creq);
	fg_buf_free(&sts);
	fg_buf_free(&out);
	return rc;
}

/* Recomputes the signature of a received request and compares it with a->signature. */
static int
verify_signature(const char *secret, const struct fg_sigv4_auth *a, const char *amz_date,
    const struct fg_sigv4_params *p, const struct fg_sigv4_request *r, const char *phash,
    const char *const *skip, char **err)
{
	struct names nm = { 0 };
	struct qlist params = { 0 };
	struct fg_buf creq, sts;
	struct canon canon = { r, &nm, &params, skip, phash };
	char sig[65];
	int rc = -1;

	if (a->access_key == NULL || a->date == NULL || a->region == NULL || a->service == NULL ||
	    a->signed_headers == NULL || a->signature == NULL || strlen(a->signature) != 64) {
		sigv4_seterr(err,
		    "incomplete signature (parse it with fg_sigv4_parse_auth or _query)");
		return -1;
	}
	if (secret == NULL || *secret == '\0') {
		sigv4_seterr(err, "no secret key for access key \"%s\"", a->access_key);
		return -1;
	}
	if (strlen(a->date) != 8 || strncmp(amz_date, a->date, 8) != 0) {
		sigv4_seterr(err, "request date %s is not the credential scope's date %s",
		    amz_date, a->date);
		return -1;
	}
	if ((p->region != NULL && strcmp(a->region, p->region) != 0) ||
	    (p->service != NULL && strcmp(a->service, p->service) != 0)) {
		sigv4_seterr(err,
		    "credential scope %s/%s does not name region \"%s\" and service \"%s\"",
		    a->region, a->service, p->region ? p->region : a->region,
		    p->service ? p->service : a->service);
		return -1;
	}
	if (r->method == NULL || *r->method == '\0') {
		sigv4_seterr(err, "request has no method");
		return -1;
	}
	if (names_from_list(&nm, a->signed_headers, err) < 0)
		goto out;
	if (!names_has(&nm, "host")) {
		sigv4_seterr(err, "SignedHeaders %s does not include host", a->signed_headers);
		goto out;
	}
	fg_buf_init(&creq);
	fg_buf_init(&sts);
	if (canonical_request(&creq, p, &canon, err) == 0) {
		sign_canonical(secret, amz_date, a->date, a->region, a->service, &creq, &sts, sig);
		if (fg_ct_memcmp(sig, a->signature, 64) == 0)
			rc = 0;
		else {
			struct fg_buf shown;
			char *x;

			fg_buf_init(&shown);
			add_redacted(&shown, creq.data);
			x = quoted(shown.data, shown.len, SIZE_MAX);
			sigv4_seterr(err,
			    "signature does not match (computed over canonical request %s)", x);
			free(x);
			fg_buf_free(&shown);
		}
	}
	fg_buf_free(&creq);
	fg_buf_free(&sts);
out:
	names_free(&nm);
	qlist_free(&params);
	return rc;
}

/* Verifies a request signed with an Authorization header. */
int
fg_sigv4_verify(const char *secret, const struct fg_sigv4_auth *a,
    const struct fg_sigv4_params *p, const struct fg_sigv4_request *r, char **err)
{
	const char *amz_date = fg_headers_get(r->headers, "x-amz-date");
	const char *sent = fg_headers_get(r->headers, "x-amz-content-sha256");
	char body[65];
	time_t t;

	if (amz_date == NULL || sigv4_parse_date(amz_date, &t) < 0) {
		char *x = amz_date != NULL ? sigv4_excerpt(amz_date, strlen(amz_date)) : NULL;

		sigv4_seterr(err, "request has %s%s",
		    x != NULL ? "a bad X-Amz-Date header " : "no X-Amz-Date header", x ? x : "");
		free(x);
		return -1;
	}
	if (p->when != 0 && (t > p->when + MAX_SKEW_SECONDS || t < p->when - MAX_SKEW_SECONDS)) {
		char now[17] = "?";

		sigv4_format_date(p->when, now);
		sigv4_seterr(err,
		    "request time %s is more than %d minutes from the server's time %s",
		    amz_date, MAX_SKEW_SECONDS / 60, now);
		return -1;
	}
	fg_sha256_hex(r->body != NULL ? r->body : "", r->body_len, body);
	/* A hash in x-amz-content-sha256 is signed in place of the body: it must be the body's.
	 * Other values (UNSIGNED-PAYLOAD, STREAMING-...) are signed as they are. */
	if (sent != NULL && strlen(sent) == 64 && strspn(sent, "0123456789abcdef") == 64 &&
	    strcmp(sent, body) != 0) {
		sigv4_seterr(err, "x-amz-content-sha256 %s does not match the body's SHA-256 %s",
		    sent, body);
		return -1;
	}
	return verify_signature(secret, a, amz_date, p, r, sent != NULL ? sent : body, NULL, err);
}

/* Verifies a presigned request, including its expiry when p->when is set. */
int
fg_sigv4_verify_query(const char *secret, const struct fg_sigv4_auth *a,
    const struct fg_sigv4_params *p, const struct fg_sigv4_request *r, char **err)
{
	static const char *const skip[] = { "X-Amz-Signature", NULL };
	static const char *const skip_token[] = { "X-Amz-Signature", "X-Amz-Security-Token", NULL };
	char phash[65];
	time_t t;

	if (a->amz_date == NULL || sigv4_parse_date(a->amz_date, &t) < 0 || a->expires == 0) {
		sigv4_seterr(err, "presigned request has no valid X-Amz-Date and X-Amz-Expires "
		    "(parse it with fg_sigv4_parse_query)");
		return -1;
	}
	if (p->when != 0 && t > p->when + MAX_SKEW_SECONDS) {
		sigv4_seterr(err, "presigned request is dated %s, in the future", a->amz_date);
		return -1;
	}
	if (p->when != 0 && p->when > t + (time_t)a->expires) {
		char end[17] = "?";

		sigv4_format_date(t + (time_t)a->expires, end);
		sigv4_seterr(err, "presigned request expired at %s", end);
		return -1;
	}
	payload_hash(p, r, phash);
	return verify_signature(secret, a, a->amz_date, p, r, phash,
	    p->omit_session_token ? skip_token : skip, err);
}
