/* xml_write.c: escaping text for XML documents so that what is written is always well-formed. */
#include "config.h"

#include <string.h>

#include "utf8.h"
#include "xml.h"

/* Returns whether the character of n bytes at p may appear in an XML 1.0 document: not a C0
 * control other than tab, new line and carriage return, and not U+FFFE or U+FFFF. */
static int
xml_char_allowed(const unsigned char *p, size_t n)
{
	if (n == 1)
		return p[0] >= 0x20 || p[0] == '\t' || p[0] == '\n' || p[0] == '\r';
	return !(n == 3 && p[0] == 0xEF && p[1] == 0xBF && (p[2] == 0xBE || p[2] == 0xBF));
}

/* Appends s with markup characters escaped. Carriage returns are written as &#13; so a parser
 * gives them back instead of folding them into new lines; characters XML cannot hold and
 * ill-formed UTF-8 become U+FFFD. */
void
fg_xml_escape(struct fg_buf *b, const char *s)
{
	size_t len = strlen(s), i = 0;

	while (i < len) {
		size_t n = fg_utf8_char(s + i, len - i);

		if (n == 0 || !xml_char_allowed((const unsigned char *)s + i, n)) {
			fg_buf_addstr(b, "\xEF\xBF\xBD");
			i += n ? n : 1;
			continue;
		}
		switch (s[i]) {
		case '&':
			fg_buf_addstr(b, "&amp;");
			break;
		case '<':
			fg_buf_addstr(b, "&lt;");
			break;
		case '>':
			fg_buf_addstr(b, "&gt;");
			break;
		case '"':
			fg_buf_addstr(b, "&quot;");
			break;
		case '\'':
			fg_buf_addstr(b, "&apos;");
			break;
		case '\r':
			fg_buf_addstr(b, "&#13;");
			break;
		default:
			fg_buf_add(b, s + i, n);
			break;
		}
		i += n;
	}
}

/* Appends <name>escaped text</name>, or <name/> when text is NULL. */
void
fg_xml_elem(struct fg_buf *b, const char *name, const char *text)
{
	if (text == NULL) {
		fg_buf_addf(b, "<%s/>", name);
		return;
	}
	fg_buf_addf(b, "<%s>", name);
	fg_xml_escape(b, text);
	fg_buf_addf(b, "</%s>", name);
}
