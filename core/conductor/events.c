/* events.c: events on the SNS topic (job started and finished, drift fixed, transitions), as
 * JSON: {"v":1,"time":...,"fid":...,"kind":...,"message":...,"detail":...}. */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "conductor.h"

static struct log_limit publish_limit = LOG_LIMIT_INIT(60000);

/* Publish answered. */
static void
on_published(const struct fg_aws_reply *rep, void *arg)
{
	char *d;

	(void)arg;
	if (rep->err.cls != FG_ERR_NONE) {
		d = fg_awserr_describe(&rep->err);
		log_warnx_limited(&publish_limit, "publishing an event: %s", d);
		free(d);
	}
}

/* Publishes one event (fire and forget: a failure is logged). */
void
events_publish(struct conductor *c, const char *fid, const char *kind, const char *message,
    fg_json detail)
{
	struct fg_query q;
	struct fg_aws_req req;
	struct fg_jw w;
	char when[32];

	if (c->topic_arn == NULL)
		return;
	rfc3339_format(fg_wall_ms(), when);
	fg_jw_init(&w, 0);
	fg_jw_obj(&w);
	fg_jw_kint(&w, "v", PROTO_VERSION);
	fg_jw_kstr(&w, "time", when);
	fg_jw_kstr(&w, "fid", fid);
	fg_jw_kstr(&w, "kind", kind);
	fg_jw_kstr(&w, "message", message ? message : "");
	if (detail) {
		fg_jw_key(&w, "detail");
		fg_jw_value(&w, detail);
	}
	fg_jw_end_obj(&w);
	fg_query_init(&q);
	fg_query_add(&q, "Action", "Publish");
	fg_query_add(&q, "Version", "2010-03-31");
	fg_query_add(&q, "TopicArn", c->topic_arn);
	fg_query_add(&q, "Subject", kind);
	fg_query_add(&q, "Message", fg_jw_text(&w));
	memset(&req, 0, sizeof(req));
	req.service = "sns";
	req.region = c->region;
	req.proto = FG_PROTO_QUERY;
	req.params = &q;
	fg_aws_send(c->aws, &req, on_published, NULL);
	fg_query_free(&q);
	fg_jw_free(&w);
}
