/* request.c: one request from its message to its command: the checks of doc/protocol.md in
 * order (verify.c does 1 to 6 without I/O), the request id seen before, dispatch. */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "conductor.h"

/* The context of the reply_to checks. */
static void
verify_ctx(struct conductor *c, struct verify_ctx *ctx, char **prefix)
{
	*prefix = conductor_name(c, "fugue-reply-");
	ctx->account = c->account;
	ctx->reply_prefix = *prefix;
}

/* Frees a request. */
void
req_free(struct req *r)
{
	envelope_free(&r->env);
	req_body_free(&r->body);
	fg_jw_free(&r->out);
	fg_json_free(r->composition);
	proc_rec_free(&r->next);
	free(r->receipt);
	free(r->text);
	free(r->id);
	free(r->reply_to);
	free(r->reply);
	free(r->change);
	free(r);
}

/* A check failed: an error reply when the body names where to send it. */
static void
check_failed(struct req *r, enum req_check rc, char *msg)
{
	struct verify_ctx ctx;
	char *prefix;

	verify_ctx(r->c, &ctx, &prefix);
	free(r->id);
	free(r->reply_to);
	envelope_peek(r->text, r->len, &ctx, &r->id, &r->reply_to);
	free(prefix);
	if (r->id == NULL)
		r->id = fg_strdup("");
	reply_error(r, req_check_code(rc), "%s", msg);
	free(msg);
}

/* Leaves a request's message in the queue: it comes back after the visibility timeout (and goes
 * to the dead-letter queue after 5 receives). */
static void
leave(struct req *r, const char *why)
{
	log_warnx("request (receive %u) left in the queue: %s", r->receives, why);
	conductor_req_done(r->c, r);
}

/* 1 when the request's user may see and act on p: root, or the user who ran it. */
int
req_may(struct req *r, const struct proc *p, int answer)
{
	if (strcmp(r->env.user, USER_ROOT) == 0 || p->rec.owner == NULL ||
	    strcmp(r->env.user, p->rec.owner) == 0)
		return 1;
	if (answer)
		reply_error(r, E_FORBIDDEN, "user %s may not act on process %s: it belongs to %s",
		    r->env.user, p->rec.fid, p->rec.owner);
	return 0;
}

/* The lock check, then the command, once the request holds its process. */
static void
run_held(struct conductor *c, struct proc *p, void *arg)
{
	struct req *r = arg;

	(void)c;
	r->proc = p;
	r->holds = 1;
	if (p->gone) {
		reply_error(r, E_NOT_FOUND, "process %s was killed meanwhile", p->rec.fid);
		return;
	}
	if (!req_may(r, p, 1))
		return;
	if (r->cmd->mutates && r->proc->rec.props.lock) {
		reply_error(r, E_LOCKED, "process %s is locked (property lock is on): %s refused",
		    r->proc->rec.fid, r->cmd->name);
		return;
	}
	r->cmd->exec(r);
}

/* Check 8 starts: the command and its process. */
static void
dispatch(struct req *r)
{
	const char *name;
	struct proc *p;

	r->cmd = command_find(r->body.command);
	if (r->cmd == NULL) {
		reply_error(r, E_INVALID,
		            "unknown command \"%.64s\" (run, update, status, suspend, "
		            "resume, kill, history, property-get, property-set)",
		            r->body.command);
		return;
	}
	if (r->body.dry_run && !r->cmd->dry_run) {
		reply_error(r, E_INVALID, "%s has no dry run", r->cmd->name);
		return;
	}
	if (!r->cmd->needs_process) {
		r->cmd->exec(r);
		return;
	}
	if (arg_str(r, "process", 1, &name) < 0)
		return;
	if ((p = proc_find(r->c, name)) == NULL) {
		reply_error(r, E_NOT_FOUND, "no process with %s \"%.64s\"",
		    fid_like(name) ? "FID" : "alias", name);
		return;
	}
	proc_acquire(r->c, p, run_held, r);
}

/* Check 7: a request id seen before gets its first reply again. */
static void
on_seen(const struct store_reply *sr, void *arg)
{
	struct req *r = arg;
	struct req_rec rec;
	char *err = NULL;

	if (sr->status == STORE_NOT_FOUND) {
		dispatch(r);
		return;
	}
	if (sr->status != STORE_OK) {
		err = fg_printf("looking up request id %s: %s", r->id, sr->message);
		leave(r, err);
		free(err);
		return;
	}
	if (req_rec_read(sr->item, &rec, &err) < 0) {
		log_warnx("request id %s: %s", r->id, err);
		free(err);
		r->authenticated = 0; /* never overwrite the record */
		reply_error(r, E_INTERNAL, "request id %s was seen before but its reply is "
		    "unreadable", r->id);
		return;
	}
	if (strcmp(rec.user, r->env.user) != 0) {
		r->authenticated = 0;
		reply_error(r, E_CONFLICT, "request id %s was used before: use a new id", r->id);
	} else {
		log_info("request %s (%s) seen before: its first reply again", r->id, rec.command);
		reply_again(r, rec.reply);
	}
	req_rec_free(&rec);
}

/* Whether another request with the same id is in progress. */
static int
in_progress(struct conductor *c, const struct req *r)
{
	struct req *o;

	TAILQ_FOREACH(o, &c->reqs, link)
		if (o != r && o->authenticated && strcmp(o->id, r->id) == 0)
			return 1;
	return 0;
}

/* Checks 3 to 6 once the user's secret is known. */
static void
on_secret(const char *secret, const char *err, void *arg)
{
	struct req *r = arg;
	struct verify_ctx ctx;
	enum req_check rc;
	char *prefix, *msg = NULL;

	if (err) {
		msg = fg_printf("user lookup: %s", err);
		leave(r, msg);
		free(msg);
		return;
	}
	verify_ctx(r->c, &ctx, &prefix);
	rc = envelope_verify(&r->env, secret, &ctx, &r->body, &msg);
	free(prefix);
	if (rc != RC_OK) {
		if (rc == RC_AUTH)
			log_warnx("request from user \"%.64s\": authentication failed",
			          r->env.user);
		check_failed(r, rc, msg);
		return;
	}
	r->id = fg_strdup(r->body.id);
	r->reply_to = fg_strdup(r->body.reply_to);
	if (in_progress(r->c, r)) {
		leave(r, "the same request id is being handled");
		return;
	}
	r->authenticated = 1;
	log_debug("request", "request %s: %s from %s", r->id, r->body.command, r->env.user);
	store_get(r->c->store, STORE_REQUESTS, r->id, "reply", on_seen, r);
}

/* Takes one message of the request queue. */
void
request_handle(struct conductor *c, const char *receipt, unsigned receives, const char *text,
    size_t len)
{
	struct req *r = fg_calloc(1, sizeof(*r));
	enum req_check rc;
	char *msg = NULL;

	r->c = c;
	r->receipt = fg_strdup(receipt);
	r->text = fg_strndup(text, len);
	r->len = len;
	r->receives = receives;
	TAILQ_INSERT_TAIL(&c->reqs, r, link);
	c->nreqs++;
	if ((rc = envelope_parse(text, len, &r->env, &msg)) != RC_OK) {
		check_failed(r, rc, msg);
		return;
	}
	if (user_name_ok(r->env.user))
		users_secret(c->users, r->env.user, on_secret, r);
	else
		on_secret(NULL, NULL, r);
}
