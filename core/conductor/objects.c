/* objects.c: objects of the Conductor's bucket: compositions, user secrets, the ready marker. */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "conductor.h"

struct obj_call {
	obj_cb cb;
	void *arg;
};

/* Ends a GetObject or PutObject. */
static void
on_obj(const struct fg_aws_reply *rep, void *arg)
{
	struct obj_call *oc = arg;
	char *msg;

	if (rep->err.cls == FG_ERR_NONE) {
		oc->cb(NULL, 0, rep->body ? rep->body : "", rep->body_len, oc->arg);
	} else {
		msg = fg_awserr_describe(&rep->err);
		oc->cb(msg, rep->err.cls == FG_ERR_NOT_FOUND, NULL, 0, oc->arg);
		free(msg);
	}
	free(oc);
}

/* Sends one S3 object call on the Conductor's bucket. */
static void
obj_send(struct conductor *c, const char *method, const char *key, const char *content_type,
    const void *body, size_t len, obj_cb cb, void *arg)
{
	struct obj_call *oc = fg_calloc(1, sizeof(*oc));
	struct fg_headers h;
	struct fg_aws_req req;

	oc->cb = cb;
	oc->arg = arg;
	fg_headers_init(&h);
	if (content_type)
		fg_headers_add(&h, "Content-Type", content_type);
	memset(&req, 0, sizeof(req));
	req.service = "s3";
	req.region = c->region;
	req.proto = FG_PROTO_REST_XML;
	req.method = method;
	req.bucket = c->bucket;
	req.key = key;
	req.headers = &h;
	req.body = body;
	req.body_len = len;
	req.raw_reply = strcmp(method, "GET") == 0;
	fg_aws_send(c->aws, &req, on_obj, oc);
	fg_headers_free(&h);
}

/* Reads an object of the bucket. */
void
obj_get(struct conductor *c, const char *key, obj_cb cb, void *arg)
{
	obj_send(c, "GET", key, NULL, NULL, 0, cb, arg);
}

/* Writes an object of the bucket. */
void
obj_put(struct conductor *c, const char *key, const char *content_type, const void *body,
    size_t len, obj_cb cb, void *arg)
{
	obj_send(c, "PUT", key, content_type, body, len, cb, arg);
}
