/* file_text.c: what a test's scratch file holds, read back as a string. */
#include "config.h"

#include <check.h>

#include "base.h"
#include "file_text.h"

/* Reads back all that was written to f (caller frees); later writes still append. */
char *
file_text(FILE *f)
{
	long n;
	char *text;

	fflush(f);
	n = ftell(f);
	ck_assert_int_ge(n, 0);
	text = fg_malloc((size_t)n + 1);
	rewind(f);
	ck_assert_uint_eq(fread(text, 1, (size_t)n, f), (size_t)n);
	text[n] = '\0';
	fseek(f, 0, SEEK_END);
	return text;
}
