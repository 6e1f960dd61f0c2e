/* fuzz_lc_services.c: localcloud's request path for the services fuzz_lc_request leaves out:
 * DynamoDB (JSON 1.0), IAM and EC2 (query) and S3 (REST: method, path, query, headers, body),
 * each signed as a client would and dispatched through the router like a request the HTTP glue
 * read. Input: a byte choosing the service; for DynamoDB the action on the first line; for S3 a
 * byte choosing the method, the request target ("/bucket/key?query") on the first line, then
 * "Name: value" header lines up to an empty line; then the body. One server lives across runs
 * (its state grows as a client's would) and is made anew every RENEW runs. */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "lc_fuzzlib.h"

#define RENEW 2000
#define HOST "127.0.0.1:4566"

int LLVMFuzzerTestOneInput(const uint8_t *, size_t);

static struct fg_loop *loop;
static struct lc_server *srv;
static unsigned runs;

/* S3: the request target, then header lines up to an empty line; 0, or -1 when the query is
 * not a form the glue would pass on. */
static int
rest_request(struct lc_request *req, const uint8_t **data, size_t *len)
{
	static const char *const methods[] = { "GET", "PUT", "HEAD", "DELETE", "POST" };
	char *target, *q, *err = NULL;

	if (*len < 1)
		return -1;
	req->method = fg_strdup(methods[**data % FG_ARRAY_LEN(methods)]);
	(*data)++;
	(*len)--;
	target = lcf_take_line(data, len, 512);
	if ((q = strchr(target, '?')) != NULL)
		*q++ = '\0';
	req->path = fg_printf("/%s", target[0] == '/' ? target + 1 : target);
	if (q != NULL) {
		req->query = fg_strdup(q);
		if (lc_params_parse(&req->qparams, q, strlen(q), &err) != 0) {
			free(err);
			free(target);
			return -1;
		}
	}
	free(target);
	for (int i = 0; i < 8 && *len > 0; i++) {
		char *line = lcf_take_line(data, len, 256), *colon = strchr(line, ':');

		if (*line == '\0') {
			free(line);
			break;
		}
		if (colon != NULL && colon != line) {
			*colon++ = '\0';
			colon += strspn(colon, " ");
			fg_headers_add(&req->headers, line, colon);
		}
		free(line);
	}
	return 0;
}

/* Makes the server (again). */
static void
server(void)
{
	struct lc_config cfg = { .bind = "127.0.0.1", .memory = 1 };
	char *err = NULL;

	if (srv != NULL)
		lc_server_free(srv);
	if ((srv = lc_server_new(loop, &cfg, &err)) == NULL)
		abort();
}

/* Signs and dispatches one request built from the input. */
int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t len)
{
	static const char *const signing[] = { "dynamodb", "iam", "ec2", "s3" };
	struct fg_sigv4_params p = { .region = "us-east-1", .payload = FG_PAYLOAD_SIGNED };
	struct lc_request *req;
	char *err = NULL, *target = NULL;
	size_t k;

	if (loop == NULL) {
		log_init("fuzz", FG_LOG_TEXT, 0);
		loop = fg_loop_new();
	}
	if (srv == NULL || ++runs % RENEW == 0)
		server();
	if (len < 1)
		return 0;
	k = data[0] % FG_ARRAY_LEN(signing);
	data++;
	len--;
	req = lc_request_new(srv, &lcf_ops, NULL);
	req->host = fg_strdup(HOST);
	fg_headers_add(&req->headers, "Host", HOST);
	p.service = signing[k];
	if (k == 3) {
		if (rest_request(req, &data, &len) != 0) {
			lc_request_free(req);
			return 0;
		}
		p.content_sha256_header = 1;
	} else {
		req->method = fg_strdup("POST");
		req->path = fg_strdup("/");
		p.normalize_path = p.double_encode_path = 1;
		if (k == 0) {
			char *action = lcf_take_line(&data, &len, 64);

			target = fg_printf("DynamoDB_20120810.%s", action);
			free(action);
			fg_headers_add(&req->headers, "X-Amz-Target", target);
			fg_headers_add(&req->headers, "Content-Type", "application/x-amz-json-1.0");
		} else
			fg_headers_add(&req->headers, "Content-Type",
			    "application/x-www-form-urlencoded; charset=utf-8");
	}
	fg_buf_add(&req->body, data, len);
	if (lcf_sign(req, &p, &err) != 0) {
		/* A header the signer refuses (the input's own): not a request a client sends. */
		free(err);
		free(target);
		lc_request_free(req);
		return 0;
	}
	free(target);
	lc_dispatch(req);
	return 0;
}
