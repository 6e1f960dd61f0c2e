/* alloc.c: allocation that never returns NULL: running out of memory is fatal. */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base.h"

/* Allocates n bytes or dies. */
void *
fg_malloc(size_t n)
{
	void *p = malloc(n ? n : 1);

	if (p == NULL)
		fatal("malloc %zu", n);
	return p;
}

/* Allocates n zeroed elements of size bytes or dies. */
void *
fg_calloc(size_t n, size_t size)
{
	void *p = calloc(n ? n : 1, size ? size : 1);

	if (p == NULL)
		fatal("calloc %zu x %zu", n, size);
	return p;
}

/* Resizes p to n bytes or dies. */
void *
fg_realloc(void *p, size_t n)
{
	void *q = realloc(p, n ? n : 1);

	if (q == NULL)
		fatal("realloc %zu", n);
	return q;
}

/* Copies a string; NULL stays NULL. */
char *
fg_strdup(const char *s)
{
	return s ? fg_strndup(s, strlen(s)) : NULL;
}

/* Copies the first n bytes of s and terminates them. */
char *
fg_strndup(const char *s, size_t n)
{
	char *p = fg_malloc(n + 1);

	memcpy(p, s, n);
	p[n] = '\0';
	return p;
}

/* Formats into a new string. */
char *
fg_printf(const char *fmt, ...)
{
	va_list ap;
	char *s;

	va_start(ap, fmt);
	s = fg_vprintf(fmt, ap);
	va_end(ap);
	return s;
}

/* Formats a va_list into a new string. */
char *
fg_vprintf(const char *fmt, va_list ap)
{
	struct fg_buf b;

	fg_buf_init(&b);
	fg_buf_vaddf(&b, fmt, ap);
	return fg_buf_detach(&b);
}
