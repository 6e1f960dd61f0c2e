/* fuzz_lc_request.c: libFuzzer target for localcloud's request path: the router, SigV4
 * verification and the SQS, SNS and STS handlers, fed signed requests of either protocol.
 * Input: one byte choosing service and protocol, then the body; one server lives across runs
 * (its state grows as a client's would). */
#include "config.h"

#include <stdlib.h>

#include "lc_fuzzlib.h"

int LLVMFuzzerTestOneInput(const uint8_t *, size_t);

static struct fg_loop *loop;
static struct lc_server *srv;

static const struct {
	const char *signing;
	const char *target; /* JSON protocol when set */
} kinds[] = {
	{ "sqs", NULL }, { "sqs", "AmazonSQS." }, { "sns", NULL }, { "sts", NULL },
};

/* Signs and dispatches one request built from the input. */
int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t len)
{
	struct fg_sigv4_params p = { .region = "us-east-1", .normalize_path = 1,
		.double_encode_path = 1 };
	struct lc_request *req;
	char *err = NULL, *target = NULL;
	size_t k;

	if (srv == NULL) {
		struct lc_config cfg = { .bind = "127.0.0.1", .memory = 1 };

		log_init("fuzz", FG_LOG_TEXT, 0);
		loop = fg_loop_new();
		if ((srv = lc_server_new(loop, &cfg, &err)) == NULL)
			abort();
	}
	if (len < 1)
		return 0;
	k = data[0] % FG_ARRAY_LEN(kinds);
	data++;
	len--;
	req = lc_request_new(srv, &lcf_ops, NULL);
	req->method = fg_strdup("POST");
	req->path = fg_strdup("/");
	req->host = fg_strdup("127.0.0.1:4566");
	fg_headers_add(&req->headers, "Host", req->host);
	if (kinds[k].target) {
		/* The action name is the input's first line. */
		char *action = lcf_take_line(&data, &len, 64);

		target = fg_printf("%s%s", kinds[k].target, action);
		free(action);
		fg_headers_add(&req->headers, "X-Amz-Target", target);
		fg_headers_add(&req->headers, "Content-Type", "application/x-amz-json-1.0");
	} else
		fg_headers_add(&req->headers, "Content-Type", "application/x-www-form-urlencoded");
	fg_buf_add(&req->body, data, len);
	p.service = kinds[k].signing;
	if (lcf_sign(req, &p, &err) != 0)
		abort();
	free(target);
	lc_dispatch(req);
	return 0;
}
