/* reply.c: a request's reply: written, recorded under the request id (the first reply is the
 * answer to every later delivery of the id), sent to reply_to, then the request deleted. */
#include "config.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "conductor.h"

static void reply_send(struct req *);

/* Opens a success reply; the command writes the result. */
struct fg_jw *
reply_begin(struct req *r)
{
	fg_jw_free(&r->out);
	fg_jw_init(&r->out, 0);
	fg_jw_obj(&r->out);
	fg_jw_kint(&r->out, "v", PROTO_VERSION);
	fg_jw_kstr(&r->out, "id", r->id);
	fg_jw_kbool(&r->out, "ok", 1);
	fg_jw_key(&r->out, "result");
	return &r->out;
}

/* Closes the success reply and sends it. */
void
reply_end(struct req *r)
{
	fg_jw_end_obj(&r->out);
	free(r->reply);
	r->reply = fg_jw_detach(&r->out);
	fg_jw_free(&r->out);
	reply_send(r);
}

/* Writes an error reply into r->reply. */
static void
error_text(struct req *r, const char *code, const char *msg)
{
	struct fg_jw w;

	fg_jw_init(&w, 0);
	fg_jw_obj(&w);
	fg_jw_kint(&w, "v", PROTO_VERSION);
	fg_jw_kstr(&w, "id", r->id ? r->id : "");
	fg_jw_kbool(&w, "ok", 0);
	fg_jw_key(&w, "error");
	fg_jw_obj(&w);
	fg_jw_kstr(&w, "code", code);
	fg_jw_kstr(&w, "message", msg);
	fg_jw_end_obj(&w);
	fg_jw_end_obj(&w);
	free(r->reply);
	r->reply = fg_jw_detach(&w);
	fg_jw_free(&w);
}

/* Sends an error reply. */
void
reply_error(struct req *r, const char *code, const char *fmt, ...)
{
	struct fg_buf m;
	va_list ap;

	fg_buf_init(&m);
	va_start(ap, fmt);
	fg_buf_vaddf(&m, fmt, ap);
	va_end(ap);
	log_info("request %s%s%s: %s: %s", r->id && *r->id ? r->id : "(no id)",
	    r->cmd ? " " : "", r->cmd ? r->cmd->name : "", code, m.data);
	error_text(r, code, m.data);
	fg_buf_free(&m);
	/* A failure of ours is not the request's answer: the same id may try again. */
	if (strcmp(code, E_INTERNAL) == 0)
		r->authenticated = 0;
	reply_send(r);
}

/* Sends the recorded first reply of a request id again. */
void
reply_again(struct req *r, const char *text)
{
	free(r->reply);
	r->reply = fg_strdup(text);
	r->replayed = 1;
	reply_send(r);
}

/* The request message is deleted (or could not be): the request is done. */
static void
on_deleted(void *arg)
{
	struct req *r = arg;

	conductor_req_done(r->c, r);
}

/* The request ends: its message is deleted when the reply was recorded or sent, else left in
 * the queue for another try (and the dead-letter queue after 5 receives). */
static void
req_finish(struct req *r, int delete)
{
	if (!delete) {
		log_warnx("request %s (receive %u) left in the queue: no reply could be %s",
		    r->id && *r->id ? r->id : "(no id)", r->receives,
		    r->reply_to ? "recorded or sent" : "sent (no usable reply_to)");
		conductor_req_done(r->c, r);
		return;
	}
	poller_delete(r->c->poller, r->receipt, on_deleted, r);
}

/* SendMessage to reply_to answered. */
static void
on_sent(const struct fg_aws_reply *rep, void *arg)
{
	struct req *r = arg;
	char *d;

	if (rep->err.cls != FG_ERR_NONE) {
		d = fg_awserr_describe(&rep->err);
		log_warnx("request %s: sending the reply to %s: %s", r->id, r->reply_to, d);
		free(d);
	}
	req_finish(r, rep->err.cls == FG_ERR_NONE || r->recorded);
}

/* Sends r->reply to reply_to. */
static void
send_reply(struct req *r)
{
	struct fg_aws_req req;
	struct fg_jw w;

	if (r->reply_to == NULL) {
		req_finish(r, r->recorded);
		return;
	}
	fg_jw_init(&w, 0);
	fg_jw_obj(&w);
	fg_jw_kstr(&w, "QueueUrl", r->reply_to);
	fg_jw_kstr(&w, "MessageBody", r->reply);
	fg_jw_end_obj(&w);
	memset(&req, 0, sizeof(req));
	req.service = "sqs";
	req.region = r->c->region;
	req.proto = FG_PROTO_JSON;
	req.target = "AmazonSQS.SendMessage";
	req.body = fg_jw_text(&w);
	req.body_len = strlen(req.body);
	fg_aws_send(r->c->aws, &req, on_sent, r);
	fg_jw_free(&w);
}

/* The reply another delivery of the id recorded first: that one is the answer. */
static void
on_recorded_again(const struct store_reply *sr, void *arg)
{
	struct req *r = arg;
	struct req_rec rec;
	char *err = NULL;

	if (sr->status == STORE_OK && req_rec_read(sr->item, &rec, &err) == 0) {
		free(r->reply);
		r->reply = rec.reply;
		rec.reply = NULL;
		req_rec_free(&rec);
		r->recorded = 1;
	} else {
		log_warnx("request %s: reading its recorded reply: %s", r->id,
		    err ? err : sr->message ? sr->message : "not found");
		free(err);
	}
	send_reply(r);
}

/* The first reply was recorded (or another delivery recorded one first). */
static void
on_recorded(const struct store_reply *sr, void *arg)
{
	struct req *r = arg;

	if (sr->status == STORE_CONFLICT) {
		store_get(r->c->store, STORE_REQUESTS, r->id, "reply", on_recorded_again, r);
		return;
	}
	if (sr->status != STORE_OK)
		log_warnx("request %s: recording its reply: %s", r->id, sr->message);
	else
		r->recorded = 1;
	send_reply(r);
}

/* Writes the reply where it goes: recorded first when the request was authenticated. */
static void
reply_send(struct req *r)
{
	struct req_rec rec;
	struct fg_jw w;

	if (r->proc && r->holds) {
		r->holds = 0;
		proc_release(r->c, r->proc);
	}
	if (strlen(r->reply) > PROTO_MAX_MESSAGE) {
		char *msg = fg_printf("the reply of %zu bytes is larger than the limit of %d: ask "
		    "for less", strlen(r->reply), PROTO_MAX_MESSAGE);

		error_text(r, E_INVALID, msg);
		free(msg);
	}
	if (!r->authenticated || r->replayed) {
		r->recorded = r->replayed;
		send_reply(r);
		return;
	}
	memset(&rec, 0, sizeof(rec));
	rec.id = r->id;
	rec.user = (char *)r->env.user;
	rec.command = (char *)r->body.command;
	rec.time_ms = fg_wall_ms();
	rec.reply = r->reply;
	store_item_begin(&w);
	req_rec_write(&w, &rec);
	store_put(r->c->store, STORE_REQUESTS, &w, 0, on_recorded, r);
}
