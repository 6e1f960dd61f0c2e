/* replies.c: test helper that reads the AWS reply samples in data/aws-replies. */
#include "config.h"

#include <check.h>
#include <stdio.h>
#include <stdlib.h>

#include "base.h"
#include "replies.h"

/* Reads a sample file whole. */
char *
replies_read(const char *name, size_t *len)
{
	char *path = fg_printf("%s/data/aws-replies/%s", TESTS_SRCDIR, name);
	FILE *f = fopen(path, "rb");
	struct fg_buf b;
	char chunk[4096];
	size_t n;

	ck_assert_msg(f != NULL, "cannot open %s", path);
	fg_buf_init(&b);
	while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0)
		fg_buf_add(&b, chunk, n);
	fclose(f);
	free(path);
	*len = b.len;
	return fg_buf_detach(&b);
}
