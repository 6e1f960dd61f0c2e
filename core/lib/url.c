/* url.c: parsing absolute http(s) URLs and RFC 3986 percent-encoding. */
#include "config.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "base.h"

/* Returns the scheme's default port. */
int
fg_url_default_port(const struct fg_url *u)
{
	return strcmp(u->scheme, "https") == 0 ? 443 : 80;
}

/* Parses "scheme://host[:port][/path][?query]"; on failure sets *err (caller frees). */
int
fg_url_parse(const char *s, struct fg_url *u, char **err)
{
	const char *p, *host, *hend, *pstart;

	memset(u, 0, sizeof(*u));
	p = strstr(s, "://");
	if (p == NULL) {
		*err = fg_printf("URL \"%s\" has no scheme (expected http:// or https://)", s);
		return -1;
	}
	u->scheme = fg_strndup(s, (size_t)(p - s));
	for (char *c = u->scheme; *c; c++)
		*c = (char)tolower((unsigned char)*c);
	if (strcmp(u->scheme, "http") != 0 && strcmp(u->scheme, "https") != 0) {
		*err = fg_printf("URL \"%s\": unsupported scheme \"%s\"", s, u->scheme);
		goto fail;
	}
	host = p + 3;
	pstart = host + strcspn(host, "/?#");
	if (*host == '[') {
		hend = memchr(host, ']', (size_t)(pstart - host));
		if (hend == NULL) {
			*err = fg_printf("URL \"%s\": unterminated IPv6 address", s);
			goto fail;
		}
		u->host = fg_strndup(host + 1, (size_t)(hend - host - 1));
		hend++;
	} else {
		hend = memchr(host, ':', (size_t)(pstart - host));
		if (hend == NULL)
			hend = pstart;
		u->host = fg_strndup(host, (size_t)(hend - host));
	}
	if (u->host[0] == '\0' || strchr(u->host, '@') != NULL) {
		*err = fg_printf("URL \"%s\": bad host", s);
		goto fail;
	}
	u->port = fg_url_default_port(u);
	if (hend < pstart) {
		char *end;
		long port;

		if (*hend != ':' || hend + 1 == pstart) {
			*err = fg_printf("URL \"%s\": bad port", s);
			goto fail;
		}
		port = strtol(hend + 1, &end, 10);
		if (end != pstart || port < 1 || port > 65535) {
			*err = fg_printf("URL \"%s\": bad port", s);
			goto fail;
		}
		u->port = (int)port;
	}
	p = pstart + strcspn(pstart, "?#");
	u->path = p == pstart ? fg_strdup("/") : fg_strndup(pstart, (size_t)(p - pstart));
	if (*p == '?') {
		const char *q = p + 1;
		u->query = fg_strndup(q, strcspn(q, "#"));
	}
	return 0;
fail:
	fg_url_free(u);
	return -1;
}

/* Frees the parts of u. */
void
fg_url_free(struct fg_url *u)
{
	free(u->scheme);
	free(u->host);
	free(u->path);
	free(u->query);
	memset(u, 0, sizeof(*u));
}

/* Appends s percent-encoded as SigV4 and AWS want it. */
void
fg_uri_encode(struct fg_buf *b, const char *s, size_t len, int keep_slash)
{
	static const char hex[] = "0123456789ABCDEF";

	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)s[i];

		if (isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~' ||
		    (keep_slash && c == '/'))
			fg_buf_addc(b, (char)c);
		else {
			char e[3] = { '%', hex[c >> 4], hex[c & 15] };
			fg_buf_add(b, e, 3);
		}
	}
}

/* Returns the value of one hex digit, or -1. */
int
fg_hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* Decodes percent-escapes; NULL when an escape is malformed. */
char *
fg_uri_decode(const char *s, size_t len, int plus_space)
{
	struct fg_buf b;

	fg_buf_init(&b);
	for (size_t i = 0; i < len; i++) {
		if (s[i] == '%') {
			int hi, lo;

			if (len - i < 3) {
				fg_buf_free(&b);
				return NULL;
			}
			hi = fg_hexval(s[i + 1]);
			lo = fg_hexval(s[i + 2]);
			if (hi < 0 || lo < 0) {
				fg_buf_free(&b);
				return NULL;
			}
			fg_buf_addc(&b, (char)(hi << 4 | lo));
			i += 2;
		} else if (plus_space && s[i] == '+')
			fg_buf_addc(&b, ' ');
		else
			fg_buf_addc(&b, s[i]);
	}
	return fg_buf_detach(&b);
}
