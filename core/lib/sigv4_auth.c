/* sigv4_auth.c: parsing what carries a SigV4 signature: the Authorization header and the
 * X-Amz-* parameters of a presigned query (localcloud; both face untrusted input). */
#include "config.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "sigv4.h"
#include "sigv4_int.h"

/* Frees the parsed parts of an Authorization header or presigned query. */
void
fg_sigv4_auth_free(struct fg_sigv4_auth *a)
{
	free(a->access_key);
	free(a->date);
	free(a->region);
	free(a->service);
	free(a->signed_headers);
	free(a->signature);
	free(a->amz_date);
	memset(a, 0, sizeof(*a));
}

/* Parses "AKID/yyyymmdd/region/service/aws4_request" (len bytes) into a. */
static int
parse_credential(const char *s, size_t len, struct fg_sigv4_auth *a, const char *what,
    char **err)
{
	const char *part[5];
	size_t plen[5], n = 0;
	char *x = NULL;

	for (size_t i = 0, start = 0; i <= len; i++) {
		if (i < len && ((unsigned char)s[i] <= 0x20 || (unsigned char)s[i] >= 0x7f)) {
			x = sigv4_excerpt(s, len);
			sigv4_seterr(err,
			    "%s: Credential %s has a blank or control character at offset %zu",
			    what, x, i);
			goto fail;
		}
		if (i < len && s[i] != '/')
			continue;
		if (n == 5 || i == start) {
			n = 6;
			break;
		}
		part[n] = s + start;
		plen[n++] = i - start;
		start = i + 1;
	}
	if (n != 5) {
		x = sigv4_excerpt(s, len);
		sigv4_seterr(err,
		    "%s: Credential %s is not <access key>/<yyyymmdd>/<region>/<service>/"
		    SCOPE_END, what, x);
		goto fail;
	}
	if (plen[1] != 8 || strspn(part[1], "0123456789") < 8) {
		x = sigv4_excerpt(part[1], plen[1]);
		sigv4_seterr(err, "%s: Credential date %s is not yyyymmdd", what, x);
		goto fail;
	}
	if (plen[4] != strlen(SCOPE_END) || memcmp(part[4], SCOPE_END, plen[4]) != 0) {
		x = sigv4_excerpt(part[4], plen[4]);
		sigv4_seterr(err, "%s: Credential scope ends with %s, not " SCOPE_END, what, x);
		goto fail;
	}
	a->access_key = fg_strndup(part[0], plen[0]);
	a->date = fg_strndup(part[1], plen[1]);
	a->region = fg_strndup(part[2], plen[2]);
	a->service = fg_strndup(part[3], plen[3]);
	return 0;
fail:
	free(x);
	return -1;
}

/* Checks a SignedHeaders value of len bytes: lower-case names separated by ';'. */
static int
check_signed_headers(const char *s, size_t len, const char *what, char **err)
{
	for (size_t i = 0, start = 0; i <= len; i++) {
		if (i < len && s[i] != ';')
			continue;
		if (!sigv4_header_name_ok(s + start, i - start, 1)) {
			char *x = sigv4_excerpt(s, len);

			sigv4_seterr(err,
			    "%s: SignedHeaders %s has a bad header name at offset %zu (names "
			    "are lower case, separated by ';')", what, x, start);
			free(x);
			return -1;
		}
		start = i + 1;
	}
	return 0;
}

/* Checks a Signature value of len bytes: 64 lower-case hex digits. */
static int
check_signature(const char *s, size_t len, const char *what, char **err)
{
	if (len != 64 || strspn(s, "0123456789abcdef") < 64) {
		char *x = sigv4_excerpt(s, len);

		sigv4_seterr(err, "%s: Signature %s is not 64 lower-case hex digits", what, x);
		free(x);
		return -1;
	}
	return 0;
}

/* Tells whether the n bytes at p are name. */
static int
is_name(const char *p, size_t n, const char *name)
{
	return n == strlen(name) && memcmp(p, name, n) == 0;
}

/* Parses one "Name=value" component of an Authorization header into a. */
static int
parse_auth_part(const char *h, const char *p, size_t n, struct fg_sigv4_auth *a, char **err)
{
	const char *eq = memchr(p, '=', n);
	const char *v = eq != NULL ? eq + 1 : NULL;
	size_t vl = eq != NULL ? n - (size_t)(v - p) : 0, nl = eq != NULL ? (size_t)(eq - p) : 0;
	char *x;

	if (eq == NULL || eq == p) {
		x = sigv4_excerpt(p, n);
		sigv4_seterr(err, "Authorization: component %s at offset %zu is not Name=value", x,
		    (size_t)(p - h));
		free(x);
		return -1;
	}
	if ((is_name(p, nl, "Credential") && a->access_key != NULL) ||
	    (is_name(p, nl, "SignedHeaders") && a->signed_headers != NULL) ||
	    (is_name(p, nl, "Signature") && a->signature != NULL)) {
		sigv4_seterr(err, "Authorization: %.*s appears twice (offset %zu)", (int)nl, p,
		    (size_t)(p - h));
		return -1;
	}
	if (is_name(p, nl, "Credential"))
		return parse_credential(v, vl, a, "Authorization", err);
	if (is_name(p, nl, "SignedHeaders")) {
		if (check_signed_headers(v, vl, "Authorization", err) < 0)
			return -1;
		a->signed_headers = fg_strndup(v, vl);
		return 0;
	}
	if (is_name(p, nl, "Signature")) {
		if (check_signature(v, vl, "Authorization", err) < 0)
			return -1;
		a->signature = fg_strndup(v, vl);
		return 0;
	}
	x = sigv4_excerpt(p, nl);
	sigv4_seterr(err, "Authorization: unknown component %s at offset %zu (expected Credential, "
	    "SignedHeaders, Signature)", x, (size_t)(p - h));
	free(x);
	return -1;
}

/* Parses an Authorization header value. */
int
fg_sigv4_parse_auth(const char *h, struct fg_sigv4_auth *a, char **err)
{
	size_t alen = strlen(ALGORITHM);
	const char *p;

	memset(a, 0, sizeof(*a));
	if (h == NULL || *h == '\0') {
		sigv4_seterr(err, "Authorization header is missing or empty");
		return -1;
	}
	if (strncmp(h, ALGORITHM, alen) != 0 || h[alen] != ' ') {
		char *x = sigv4_excerpt(h, strcspn(h, " "));

		sigv4_seterr(err, "Authorization: algorithm %s is not " ALGORITHM, x);
		free(x);
		return -1;
	}
	p = h + alen + strspn(h + alen, " ");
	if (*p == '\0') {
		sigv4_seterr(err, "Authorization: nothing after " ALGORITHM);
		return -1;
	}
	for (;;) {
		size_t n = strcspn(p, ","), t = n;

		while (t > 0 && p[t - 1] == ' ')
			t--;
		if (parse_auth_part(h, p, t, a, err) < 0)
			goto fail;
		p += n;
		if (*p == '\0')
			break;
		p++;
		p += strspn(p, " ");
		if (*p == '\0') {
			sigv4_seterr(err, "Authorization: trailing ',' at offset %zu",
			    (size_t)(p - h - 1));
			goto fail;
		}
	}
	if (a->access_key == NULL || a->signed_headers == NULL || a->signature == NULL) {
		sigv4_seterr(err, "Authorization: no %s", a->access_key == NULL ? "Credential" :
		    a->signed_headers == NULL ? "SignedHeaders" : "Signature");
		goto fail;
	}
	return 0;
fail:
	fg_sigv4_auth_free(a);
	return -1;
}

/* Parameters of a presigned query, in the order of the vals array below. */
static const char *const presign_params[] = {
	"X-Amz-Algorithm", "X-Amz-Credential", "X-Amz-Date", "X-Amz-Expires",
	"X-Amz-SignedHeaders", "X-Amz-Signature",
};

/* Checks the values of a presigned query's parameters and moves them into a. */
static int
presign_values(char *vals[], struct fg_sigv4_auth *a, char **err)
{
	time_t t;
	char *end;
	unsigned long ex;

	if (strcmp(vals[0], ALGORITHM) != 0) {
		char *x = sigv4_excerpt(vals[0], strlen(vals[0]));

		sigv4_seterr(err, "presigned query: X-Amz-Algorithm %s is not " ALGORITHM, x);
		free(x);
		return -1;
	}
	if (parse_credential(vals[1], strlen(vals[1]), a, "presigned query", err) < 0)
		return -1;
	if (sigv4_parse_date(vals[2], &t) < 0) {
		char *x = sigv4_excerpt(vals[2], strlen(vals[2]));

		sigv4_seterr(err, "presigned query: X-Amz-Date %s is not yyyymmddThhmmssZ", x);
		free(x);
		return -1;
	}
	ex = strtoul(vals[3], &end, 10);
	if (!isdigit((unsigned char)vals[3][0]) || *end != '\0' || ex < 1 || ex > MAX_EXPIRES) {
		char *x = sigv4_excerpt(vals[3], strlen(vals[3]));

		sigv4_seterr(err, "presigned query: X-Amz-Expires %s is not within 1..%d", x,
		    MAX_EXPIRES);
		free(x);
		return -1;
	}
	if (check_signed_headers(vals[4], strlen(vals[4]), "presigned query", err) < 0 ||
	    check_signature(vals[5], strlen(vals[5]), "presigned query", err) < 0)
		return -1;
	a->expires = (unsigned)ex;
	a->amz_date = vals[2];
	a->signed_headers = vals[4];
	a->signature = vals[5];
	vals[2] = vals[4] = vals[5] = NULL;
	return 0;
}

/* Tells whether len bytes of s hold the escape of a NUL byte. */
static int
has_nul_escape(const char *s, size_t len)
{
	for (size_t i = 0; i + 2 < len; i++)
		if (s[i] == '%' && s[i + 1] == '0' && s[i + 2] == '0')
			return 1;
	return 0;
}

/* Parses the X-Amz-* parameters of a presigned request's raw query string. */
int
fg_sigv4_parse_query(const char *query, struct fg_sigv4_auth *a, char **err)
{
	char *vals[FG_ARRAY_LEN(presign_params)] = { 0 };
	int rc = -1;

	memset(a, 0, sizeof(*a));
	for (const char *p = query != NULL ? query : ""; *p != '\0';) {
		size_t n = strcspn(p, "&"), kl = strcspn(p, "=&");

		for (size_t i = 0; i < FG_ARRAY_LEN(presign_params); i++) {
			const char *v = p + kl + 1;
			size_t vl = kl < n ? n - kl - 1 : 0;

			if (!is_name(p, kl, presign_params[i]))
				continue;
			if (vals[i] != NULL) {
				sigv4_seterr(err, "presigned query: %s appears twice",
				    presign_params[i]);
				goto out;
			}
			/* A decoded NUL would cut the value short unseen: refuse it. */
			if (has_nul_escape(v, vl) ||
			    (vals[i] = fg_uri_decode(v, vl, 0)) == NULL) {
				char *x = sigv4_excerpt(v, vl);

				sigv4_seterr(err,
				    "presigned query: %s value %s has a bad percent-escape",
				    presign_params[i], x);
				free(x);
				goto out;
			}
		}
		p += n;
		if (*p == '&')
			p++;
	}
	for (size_t i = 0; i < FG_ARRAY_LEN(presign_params); i++) {
		if (vals[i] == NULL) {
			sigv4_seterr(err, "presigned query: no %s parameter", presign_params[i]);
			goto out;
		}
	}
	rc = presign_values(vals, a, err);
out:
	for (size_t i = 0; i < FG_ARRAY_LEN(presign_params); i++)
		free(vals[i]);
	if (rc < 0)
		fg_sigv4_auth_free(a);
	return rc;
}
