/* fuzz_sigv4_auth.c: libFuzzer target for what localcloud reads from untrusted requests: the
 * Authorization header (fg_sigv4_parse_auth, then fg_sigv4_verify of whatever parsed) and the
 * X-Amz-* parameters of presigned queries (fg_sigv4_parse_query). */
#include "config.h"

#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "base.h"
#include "sigv4.h"

int LLVMFuzzerTestOneInput(const uint8_t *, size_t);

/* Verifies a parsed signature against a fixed request; it must never crash or leak. */
static void
verify_fixed(const struct fg_sigv4_auth *a)
{
	struct fg_sigv4_params p = { 0 };
	struct fg_headers h;
	struct fg_sigv4_request r = { "GET", "/a/../b", "x=1&X-Amz-Signature=0", &h, "", 0 };
	char *err = NULL;

	p.normalize_path = 1;
	p.double_encode_path = 1;
	fg_headers_init(&h);
	fg_headers_add(&h, "Host", "localhost");
	fg_headers_add(&h, "X-Amz-Date", "20150830T123600Z");
	if (fg_sigv4_verify("secret", a, &p, &r, &err) != 0)
		free(err);
	err = NULL;
	if (a->amz_date != NULL && fg_sigv4_verify_query("secret", a, &p, &r, &err) != 0)
		free(err);
	fg_headers_free(&h);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *s = fg_strndup((const char *)data, size);
	struct fg_sigv4_auth a;
	char *err = NULL;

	if (fg_sigv4_parse_auth(s, &a, &err) == 0) {
		if (strlen(a.date) != 8 || strlen(a.signature) != 64 || a.signed_headers[0] == '\0')
			abort();
		verify_fixed(&a);
		fg_sigv4_auth_free(&a);
	} else {
		if (err == NULL || a.access_key != NULL)
			abort();
		free(err);
	}
	err = NULL;
	if (fg_sigv4_parse_query(s, &a, &err) == 0) {
		if (a.amz_date == NULL || a.expires == 0)
			abort();
		verify_fixed(&a);
		fg_sigv4_auth_free(&a);
	} else
		free(err);
	free(s);
	return 0;
}
