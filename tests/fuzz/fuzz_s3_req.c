/* fuzz_s3_req.c: the S3 request parsers: aws-chunked bodies, Range headers, path-style paths
 * with their actions, copy sources and bucket names. The first byte picks the parser. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "s3.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char *const methods[] = { "GET", "PUT", "HEAD", "DELETE", "POST" };
	char *text, *b = NULL, *k = NULL, *err = NULL, *q;
	struct fg_buf out;
	struct lc_params params = { 0 };
	uint64_t first, last;

	if (size < 1)
		return 0;
	text = fg_strndup((const char *)data + 1, size - 1);
	switch (data[0] % 5) {
	case 0:
		fg_buf_init(&out);
		if (s3_chunked_decode((const char *)data + 1, size - 1, &out, &err) == 0 &&
		    out.len > size)
			abort(); /* decoding never grows the body */
		fg_buf_free(&out);
		break;
	case 1:
		if (s3_range_parse(text, 1000, &first, &last) == S3_RANGE_OK &&
		    (first > last || last >= 1000))
			abort();
		break;
	case 2:
		q = strchr(text, '?');
		if (q)
			*q++ = 0;
		if (s3_split_path(text, &b, &k, &err) == 0 &&
		    (q == NULL || lc_params_parse(&params, q, strlen(q), &err) == 0))
			(void)s3_action_for(methods[(size - 1) % FG_ARRAY_LEN(methods)], b != NULL,
			    k != NULL, &params, (int)(size & 1));
		lc_params_free(&params);
		break;
	case 3:
		(void)s3_copy_source(text, &b, &k, &err);
		break;
	default:
		(void)s3_bucket_name_ok(text);
		break;
	}
	free(b);
	free(k);
	free(err);
	free(text);
	return 0;
}
