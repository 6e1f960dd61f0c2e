/* fuzz_query.c: libFuzzer target for the form decoder (fg_query_decode): what it accepts
 * must encode and decode back to the same parameters. */
#include "config.h"

#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "base.h"
#include "query.h"

int LLVMFuzzerTestOneInput(const uint8_t *, size_t);

/* Decodes the input; re-encodes and decodes again to check the round trip. */
int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t len)
{
	struct fg_query q, back;
	struct fg_buf once, twice;
	char *err = NULL;

	fg_query_init(&q);
	if (fg_query_decode(&q, (const char *)data, len, &err) != 0) {
		if (err == NULL || q.n != 0)
			abort();
		free(err);
		fg_query_free(&q);
		return 0;
	}
	fg_buf_init(&once);
	fg_query_encode(&q, &once);
	fg_query_init(&back);
	if (fg_query_decode(&back, fg_buf_cstr(&once), once.len, &err) != 0 || back.n != q.n)
		abort();
	fg_buf_init(&twice);
	fg_query_encode(&back, &twice);
	if (strcmp(fg_buf_cstr(&once), fg_buf_cstr(&twice)) != 0)
		abort();
	for (size_t i = 0; i < q.n; i++)
		if (fg_query_get(&back, q.v[i].key) == NULL)
			abort();
	fg_buf_free(&once);
	fg_buf_free(&twice);
	fg_query_free(&q);
	fg_query_free(&back);
	return 0;
}
