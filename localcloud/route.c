/* route.c: picks the service, protocol and action of a request as AWS does, then runs
 * authentication, counters, faults and the service's handler. */
#include "config.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "lc.h"

/* The signing name of the credential scope (Authorization header or presigned query). */
static char *
scope_service(const struct lc_request *req)
{
	const char *cred = NULL, *authz = lc_header(req, "Authorization");
	const char *p;
	size_t n;

	if (authz && (p = strstr(authz, "Credential=")) != NULL)
		cred = p + strlen("Credential=");
	else if ((p = lc_qparam(req, "X-Amz-Credential")) != NULL)
		cred = p;
	if (cred == NULL)
		return NULL;
	/* AKID/yyyymmdd/region/service/aws4_request */
	for (int i = 0; i < 3; i++) {
		if ((p = strchr(cred, '/')) == NULL)
			return NULL;
		cred = p + 1;
	}
	n = strcspn(cred, "/, ");
	return n ? fg_strndup(cred, n) : NULL;
}

/* The service with this signing name, or NULL. */
static const struct lc_service *
by_signing_name(const char *name)
{
	for (size_t i = 0; i < lc_nservices; i++)
		if (strcmp(lc_services[i]->signing_name, name) == 0)
			return lc_services[i];
	return NULL;
}

/* The service whose X-Amz-Target prefix starts target ("Prefix.Action"), or NULL. */
static const struct lc_service *
by_target(const char *target)
{
	const char *dot = strrchr(target, '.');

	if (dot == NULL)
		return NULL;
	for (size_t i = 0; i < lc_nservices; i++) {
		const char *tp = lc_services[i]->target_prefix;

		if (tp && strlen(tp) == (size_t)(dot - target) && strncmp(tp, target, dot - target) == 0)
			return lc_services[i];
	}
	return NULL;
}

/* The first service speaking REST-XML (S3), or NULL. */
static const struct lc_service *
rest_service(void)
{
	for (size_t i = 0; i < lc_nservices; i++)
		if (lc_services[i]->protocols & LC_PROTO_REST_XML)
			return lc_services[i];
	return NULL;
}

/* Says whether the body is a form (query protocol). */
static int
is_form(const struct lc_request *req)
{
	const char *ct = lc_header(req, "Content-Type");

	return ct && strncasecmp(ct, "application/x-www-form-urlencoded", 33) == 0;
}

/* Adds the form body to req->params (after the query-string ones); -1 after replying. */
static int
parse_form(struct lc_request *req)
{
	char *err = NULL;

	if (!is_form(req) || req->body.len == 0)
		return 0;
	if (lc_params_parse(&req->params, req->body.data, req->body.len, &err) != 0) {
		lc_error(req, 400, "MalformedQueryString", "The request body is not a valid form: %s",
		    err);
		free(err);
		return -1;
	}
	return 0;
}

/* Copies the query-string parameters into req->params. */
static void
copy_qparams(struct lc_request *req)
{
	for (size_t i = 0; i < req->qparams.n; i++) {
		struct lc_param *p = &req->qparams.v[i];

		lc_params_add(&req->params, p->name, strlen(p->name), p->value, p->len);
	}
}

/* Sets req->svc, req->proto and req->action; -1 after replying with an error. */
static int
route(struct lc_request *req)
{
	const char *target = lc_header(req, "X-Amz-Target");
	char *signing = scope_service(req);
	const struct lc_service *svc;

	copy_qparams(req);
	if (signing)
		svc = by_signing_name(signing);
	else if (target)
		svc = by_target(target);
	else if (lc_param(req, "Action") || is_form(req))
		svc = NULL;
	else
		svc = rest_service();
	req->svc = svc;
	if (target && (svc == NULL || (svc->protocols & LC_PROTO_JSON)))
		req->proto = LC_PROTO_JSON;
	else if (svc && !(svc->protocols & (LC_PROTO_QUERY | LC_PROTO_JSON)))
		req->proto = LC_PROTO_REST_XML;
	else if (svc || lc_param(req, "Action") || is_form(req))
		req->proto = LC_PROTO_QUERY;
	else
		req->proto = LC_PROTO_REST_XML;
	if (svc == NULL) {
		if (signing == NULL && (target || req->proto == LC_PROTO_QUERY))
			lc_error(req, req->proto == LC_PROTO_JSON ? 400 : 403,
			    req->proto == LC_PROTO_JSON ? "MissingAuthenticationTokenException" :
			    "MissingAuthenticationToken", "Request is missing Authentication Token");
		else
			lc_error(req, 400, req->proto == LC_PROTO_JSON ? "UnknownOperationException" :
			    "InvalidAction", "localcloud does not implement the service \"%s\"",
			    signing ? signing : target ? target : "s3");
		free(signing);
		return -1;
	}
	free(signing);
	if (req->proto == LC_PROTO_JSON) {
		const char *dot = strrchr(target, '.');
		size_t plen = dot ? (size_t)(dot - target) : 0;

		if (dot == NULL || svc->target_prefix == NULL || strlen(svc->target_prefix) != plen ||
		    strncmp(target, svc->target_prefix, plen) != 0) {
			lc_error(req, 400, "UnknownOperationException", "Target %s is not an operation "
			    "of this service", target);
			return -1;
		}
		lc_set_action(req, dot + 1);
	} else if (req->proto == LC_PROTO_QUERY) {
		if (parse_form(req) != 0)
			return -1;
		if (lc_param(req, "Action") == NULL || *lc_param(req, "Action") == '\0') {
			lc_error(req, 400, "MissingAction", "Could not find operation: the request has "
			    "no Action parameter");
			return -1;
		}
		lc_set_action(req, lc_param(req, "Action"));
	}
	return 0;
}

/* Parses the body of a JSON-protocol request; -1 after replying. */
static int
parse_json_body(struct lc_request *req)
{
	char *err = NULL;

	if (req->body.len == 0) {
		req->json = fg_json_parse("{}", 2, &err);
		return 0;
	}
	req->json = fg_json_parse(req->body.data, req->body.len, &err);
	if (req->json == NULL || !YAJL_IS_OBJECT(req->json)) {
		lc_error(req, 400, "SerializationException", "%s%s", err ? "malformed JSON body: " :
		    "the JSON body must be an object, not ", err ? err :
		    fg_json_type_name(req->json));
		free(err);
		return -1;
	}
	return 0;
}

/* Index of svc in the service table. */
static size_t
svc_index(const struct lc_service *svc)
{
	size_t i;

	for (i = 0; i < lc_nservices; i++)
		if (lc_services[i] == svc)
			break;
	return i;
}

/* Runs the handler (or sends a reply a fault decided). */
static void
run(struct lc_request *req)
{
	enum lc_result r;

	if (req->decided || req->drop) {
		lc_reply_send(req);
		return;
	}
	req->state = req->srv->states[svc_index(req->svc)];
	r = req->svc->handle(req);
	if (r == LC_DONE) {
		lc_reply_send(req);
		return;
	}
	req->deferred = 1;
	if (req->ops->watch)
		req->ops->watch(req, 1);
}

/* Takes req off the delayed list. */
static void
undelay(struct lc_request *req)
{
	if (req->dnext)
		req->dnext->dprev = req->dprev;
	*req->dprev = req->dnext;
	req->dprev = NULL;
	fg_timer_free(req->delay);
	req->delay = NULL;
}

/* Latency fault timer: runs the request. */
static void
delayed(void *arg)
{
	struct lc_request *req = arg;

	undelay(req);
	run(req);
}

/* Runs every request a latency fault holds now (at shutdown). */
void
lc_run_delayed(struct lc_server *srv)
{
	while (srv->delayed)
		delayed(srv->delayed);
}

/* Routes, authenticates, counts, applies faults and dispatches a fully read request. */
void
lc_dispatch(struct lc_request *req)
{
	uint64_t delay = 0;

	if (strncmp(req->path, LC_ADMIN_PREFIX, strlen(LC_ADMIN_PREFIX)) == 0 ||
	    strcmp(req->path, "/_localcloud") == 0) {
		lc_admin(req);
		lc_reply_send(req);
		return;
	}
	if (route(req) != 0 || lc_auth(req) != 0 ||
	    (req->proto == LC_PROTO_JSON && parse_json_body(req) != 0) ||
	    (req->svc->classify && req->svc->classify(req) != 0)) {
		lc_count(req->srv, req->svc, req->action);
		lc_reply_send(req);
		return;
	}
	lc_count(req->srv, req->svc, req->action);
	req->decided = lc_faults_apply(req, &delay);
	if (delay == 0) {
		run(req);
		return;
	}
	req->delay = fg_timer_new(req->srv->loop, delayed, req);
	fg_timer_add(req->delay, delay);
	req->dnext = req->srv->delayed;
	if (req->dnext)
		req->dnext->dprev = &req->dnext;
	req->srv->delayed = req;
	req->dprev = &req->srv->delayed;
}
