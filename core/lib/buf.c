/* buf.c: growable byte buffers, always NUL-terminated. */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base.h"

/* Makes b empty with no storage. */
void
fg_buf_init(struct fg_buf *b)
{
	b->data = NULL;
	b->len = b->cap = 0;
}

/* Releases b's storage and leaves it empty. */
void
fg_buf_free(struct fg_buf *b)
{
	free(b->data);
	fg_buf_init(b);
}

/* Empties b, keeping its storage. */
void
fg_buf_reset(struct fg_buf *b)
{
	b->len = 0;
	if (b->data)
		b->data[0] = '\0';
}

/* Makes room for n more bytes and the terminator. */
static void
buf_grow(struct fg_buf *b, size_t n)
{
	size_t need = b->len + n + 1;

	if (need < n)
		fatalx("buffer size overflow");
	if (need <= b->cap)
		return;
	size_t cap = b->cap ? b->cap : 64;
	while (cap < need)
		cap = cap * 2 > cap ? cap * 2 : need;
	b->data = fg_realloc(b->data, cap);
	b->cap = cap;
}

/* Appends n bytes. */
void
fg_buf_add(struct fg_buf *b, const void *p, size_t n)
{
	buf_grow(b, n);
	if (n)
		memcpy(b->data + b->len, p, n);
	b->len += n;
	b->data[b->len] = '\0';
}

/* Appends a C string. */
void
fg_buf_addstr(struct fg_buf *b, const char *s)
{
	fg_buf_add(b, s, strlen(s));
}

/* Appends one byte. */
void
fg_buf_addc(struct fg_buf *b, char c)
{
	fg_buf_add(b, &c, 1);
}

/* Appends printf-formatted text. */
void
fg_buf_vaddf(struct fg_buf *b, const char *fmt, va_list ap)
{
	va_list ap2;
	int n;

	va_copy(ap2, ap);
	n = vsnprintf(NULL, 0, fmt, ap2);
	va_end(ap2);
	if (n < 0)
		fatalx("bad format string");
	buf_grow(b, (size_t)n);
	vsnprintf(b->data + b->len, (size_t)n + 1, fmt, ap);
	b->len += (size_t)n;
}

/* Appends printf-formatted text. */
void
fg_buf_addf(struct fg_buf *b, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	fg_buf_vaddf(b, fmt, ap);
	va_end(ap);
}

/* Returns the contents as a C string ("" when empty). */
const char *
fg_buf_cstr(struct fg_buf *b)
{
	if (b->data == NULL)
		buf_grow(b, 0), b->data[0] = '\0';
	return b->data;
}

/* Hands the storage to the caller (never NULL) and leaves b empty. */
char *
fg_buf_detach(struct fg_buf *b)
{
	char *p;

	fg_buf_cstr(b);
	p = b->data;
	fg_buf_init(b);
	return p;
}
