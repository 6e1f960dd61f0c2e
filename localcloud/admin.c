/* admin.c: per-action call counters and the /_localcloud/ admin path (health, counters,
 * fault rules, saving state). */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "lc.h"

#define MAX_COUNTERS 1024 /* distinct (service, action) pairs; beyond, calls count as "(other)" */

/* Counts one call of (svc, action); past MAX_COUNTERS pairs, as (unrouted, "(other)"). */
void
lc_count(struct lc_server *srv, const struct lc_service *svc, const char *action)
{
	const char *a = action ? action : "(none)";
	size_t i;

	for (i = 0; i < srv->ncounters; i++) {
		struct lc_counter *c = &srv->counters[i];

		if (c->svc == svc && strcmp(c->action, a) == 0) {
			c->calls++;
			return;
		}
	}
	/* The entry after the last distinct pair is "(other)". */
	if (srv->ncounters > MAX_COUNTERS) {
		srv->counters[MAX_COUNTERS].calls++;
		return;
	}
	if (srv->ncounters == MAX_COUNTERS) {
		svc = NULL;
		a = "(other)";
	}
	srv->counters = fg_realloc(srv->counters, (srv->ncounters + 1) * sizeof(*srv->counters));
	srv->counters[srv->ncounters].svc = svc;
	srv->counters[srv->ncounters].action = fg_strdup(a);
	srv->counters[srv->ncounters].calls = 1;
	srv->ncounters++;
}

/* Forgets every counter. */
void
lc_counters_free(struct lc_server *srv)
{
	for (size_t i = 0; i < srv->ncounters; i++)
		free(srv->counters[i].action);
	free(srv->counters);
	srv->counters = NULL;
	srv->ncounters = 0;
}

/* Writes {"total": n, "calls": {"service": {"Action": n}}}. */
static void
counters_write(struct lc_server *srv, struct fg_jw *jw)
{
	uint64_t total = 0;

	for (size_t i = 0; i < srv->ncounters; i++)
		total += srv->counters[i].calls;
	fg_jw_obj(jw);
	fg_jw_kint(jw, "total", (int64_t)total);
	fg_jw_key(jw, "calls");
	fg_jw_obj(jw);
	for (size_t s = 0; s <= lc_nservices; s++) {
		const struct lc_service *svc = s < lc_nservices ? lc_services[s] : NULL;
		int open = 0;

		for (size_t i = 0; i < srv->ncounters; i++) {
			if (srv->counters[i].svc != svc)
				continue;
			if (!open) {
				fg_jw_key(jw, svc ? svc->name : "(unrouted)");
				fg_jw_obj(jw);
				open = 1;
			}
			fg_jw_kint(jw, srv->counters[i].action, (int64_t)srv->counters[i].calls);
		}
		if (open)
			fg_jw_end_obj(jw);
	}
	fg_jw_end_obj(jw);
	fg_jw_end_obj(jw);
}

/* Writes the health document. */
static void
health_write(struct lc_server *srv, struct fg_jw *jw)
{
	fg_jw_obj(jw);
	fg_jw_kstr(jw, "status", "ok");
	fg_jw_kstr(jw, "version", PACKAGE_VERSION);
	fg_jw_kint(jw, "port", srv->port);
	fg_jw_kint(jw, "uptime_ms", fg_wall_ms() - srv->started_ms);
	fg_jw_kstr(jw, "data_dir", srv->dir);
	fg_jw_key(jw, "services");
	fg_jw_arr(jw);
	for (size_t i = 0; i < lc_nservices; i++)
		fg_jw_str(jw, lc_services[i]->name);
	fg_jw_end_arr(jw);
	fg_jw_end_obj(jw);
}

/* Replies with an admin error. */
static void
admin_error(struct lc_request *req, int status, const char *msg)
{
	struct fg_jw jw;

	fg_jw_init(&jw, 0);
	fg_jw_obj(&jw);
	fg_jw_kstr(&jw, "error", msg);
	fg_jw_end_obj(&jw);
	lc_reply_json(req, &jw);
	req->reply.status = status;
	fg_jw_free(&jw);
}

/* Handles /_localcloud/faults. */
static void
admin_faults(struct lc_request *req, struct fg_jw *jw)
{
	const char *m = req->method;

	if (strcmp(m, "POST") == 0 || strcmp(m, "PUT") == 0) {
		struct lc_server *srv = req->srv;
		size_t before = srv->nrules;
		char *err = NULL;
		fg_json v = fg_json_parse(req->body.data ? req->body.data : "", req->body.len, &err);

		if (v == NULL || lc_faults_add(srv, v, &err) != 0) {
			char *msg = fg_printf("bad fault rules: %s", err);

			admin_error(req, 400, msg);
			free(msg);
			free(err);
			fg_json_free(v);
			return;
		}
		fg_json_free(v);
		if (strcmp(m, "PUT") == 0)
			lc_faults_drop_first(srv, before);
	} else if (strcmp(m, "DELETE") == 0)
		lc_faults_clear(req->srv);
	else if (strcmp(m, "GET") != 0) {
		admin_error(req, 405, "use GET, POST (add), PUT (replace) or DELETE (clear)");
		return;
	}
	fg_jw_obj(jw);
	fg_jw_key(jw, "rules");
	lc_faults_write(req->srv, jw);
	fg_jw_end_obj(jw);
	lc_reply_json(req, jw);
}

/* Answers a request under /_localcloud/. */
void
lc_admin(struct lc_request *req)
{
	const char *what = req->path + strlen("/_localcloud");
	const char *m = req->method;
	struct fg_jw jw;

	req->proto = LC_PROTO_NONE;
	fg_jw_init(&jw, 0);
	if (*what == '/')
		what++;
	if (strcmp(what, "health") == 0 && strcmp(m, "GET") == 0) {
		health_write(req->srv, &jw);
		lc_reply_json(req, &jw);
	} else if (strcmp(what, "counters") == 0 && strcmp(m, "GET") == 0) {
		counters_write(req->srv, &jw);
		lc_reply_json(req, &jw);
	} else if (strcmp(what, "counters") == 0 && strcmp(m, "DELETE") == 0) {
		lc_counters_free(req->srv);
		counters_write(req->srv, &jw);
		lc_reply_json(req, &jw);
	} else if (strcmp(what, "faults") == 0)
		admin_faults(req, &jw);
	else if (strcmp(what, "save") == 0 && strcmp(m, "POST") == 0) {
		lc_store_flush(req->srv);
		fg_jw_obj(&jw);
		fg_jw_kstr(&jw, "saved", req->srv->dir);
		fg_jw_end_obj(&jw);
		lc_reply_json(req, &jw);
	} else
		admin_error(req, 404, "unknown admin path: use GET health, GET|DELETE counters, "
		    "GET|POST|PUT|DELETE faults, POST save");
	lc_reply_header(req, "Content-Type", "application/json");
	fg_jw_free(&jw);
}
