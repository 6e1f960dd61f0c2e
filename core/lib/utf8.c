/* utf8.c: strict UTF-8 (RFC 3629) checks and line/column positions for parser messages. */
#include "config.h"

#include "utf8.h"

/* Length of the well-formed character at s, or 0. */
size_t
fg_utf8_char(const char *s, size_t len)
{
	const unsigned char *p = (const unsigned char *)s;
	unsigned char lo = 0x80, hi = 0xBF;
	size_t n;

	if (len == 0)
		return 0;
	if (p[0] < 0x80)
		return 1;
	if (p[0] >= 0xC2 && p[0] <= 0xDF)
		n = 2;
	else if (p[0] >= 0xE0 && p[0] <= 0xEF) {
		n = 3;
		if (p[0] == 0xE0)
			lo = 0xA0; /* overlong */
		else if (p[0] == 0xED)
			hi = 0x9F; /* surrogates */
	} else if (p[0] >= 0xF0 && p[0] <= 0xF4) {
		n = 4;
		if (p[0] == 0xF0)
			lo = 0x90; /* overlong */
		else if (p[0] == 0xF4)
			hi = 0x8F; /* above U+10FFFF */
	} else
		return 0;
	if (len < n || p[1] < lo || p[1] > hi)
		return 0;
	for (size_t i = 2; i < n; i++)
		if (p[i] < 0x80 || p[i] > 0xBF)
			return 0;
	return n;
}

/* Offset of the first ill-formed byte, or len. */
size_t
fg_utf8_invalid(const char *s, size_t len)
{
	size_t i = 0;

	while (i < len) {
		size_t n = fg_utf8_char(s + i, len - i);

		if (n == 0)
			return i;
		i += n;
	}
	return len;
}

/* Appends s, replacing ill-formed bytes by U+FFFD. */
void
fg_utf8_sanitize(struct fg_buf *b, const char *s, size_t len)
{
	size_t i = 0;

	while (i < len) {
		size_t good = fg_utf8_invalid(s + i, len - i);

		fg_buf_add(b, s + i, good);
		i += good;
		if (i < len) {
			fg_buf_addstr(b, "\xEF\xBF\xBD");
			i++;
		}
	}
}

/* Line and column of byte off; continuation bytes do not count as columns. */
void
fg_text_pos(const char *s, size_t off, unsigned long *line, unsigned long *col)
{
	*line = 1;
	*col = 1;
	for (size_t i = 0; i < off; i++) {
		unsigned char c = (unsigned char)s[i];

		if (c == '\n') {
			(*line)++;
			*col = 1;
		} else if ((c & 0xC0) != 0x80)
			(*col)++;
	}
}
