/* jobs.c: the jobs the runtime starts on the engine (apply for run, update, resume and boot;
 * kill), their history records, compositions from S3, and the engine's events. */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "conductor.h"
#include "sigv4.h"

#define KILL_RETRY_MS 30000

struct job {
	struct conductor *c;
	struct proc *p;
	char *what;
	char *user;
	char *request;
	char *composition;
};

/* A job record; the process lives until the job ends. */
static struct job *
job_new(struct conductor *c, struct proc *p, const char *what, const char *user,
    const char *request)
{
	struct job *j = fg_calloc(1, sizeof(*j));

	j->c = c;
	j->p = p;
	j->what = fg_strdup(what);
	j->user = fg_strdup(user);
	j->request = fg_strdup(request);
	j->composition = fg_strdup(p->rec.composition);
	proc_job_begin(p);
	log_info("process %s: %s job started", p->rec.fid, what);
	events_publish(c, p->rec.fid, "job-started", what, NULL);
	return j;
}

/* Frees a job record (and maybe its gone process: do not touch it after). */
static void
job_free(struct job *j)
{
	proc_job_end(j->p);
	free(j->what);
	free(j->user);
	free(j->request);
	free(j->composition);
	free(j);
}

/* Records the end of a job in the history and on the events topic. */
static void
job_record(struct job *j, int ok, const char *message, fg_json plan)
{
	struct hist_entry h = {
		.fid = j->p->rec.fid, .kind = "job", .what = j->what, .user = j->user,
		.request = j->request, .result = ok ? "ok" : "failed", .message = message,
		.composition = j->composition, .detail = plan,
	};

	char *text = fg_printf("%s %s%s%s", j->what, ok ? "done" : "failed",
	    message && *message ? ": " : "", message ? message : "");

	log_info("process %s: %s job %s", j->p->rec.fid, j->what, text + strlen(j->what) + 1);
	history_add(j->c, &h);
	events_publish(j->c, j->p->rec.fid, "job-finished", text, plan);
	free(text);
}

/* --- Apply. */

/* The engine applied the composition. */
static void
on_applied(void *arg, int ok, const char *message, fg_json plan)
{
	struct job *j = arg;

	job_record(j, ok, message, plan);
	if (!j->p->gone)
		proc_set_message(j->c, j->p, message);
	job_free(j);
}

/* Hands the composition to the engine. */
static void
apply_with(struct job *j, fg_json comp)
{
	struct engine_process ep;

	if (j->p->gone) {
		job_free(j);
		return;
	}
	proc_engine(&j->p->rec, &ep);
	engine_apply(j->c->engine, &ep, comp, 0, on_applied, j);
}

/* The composition of an apply job arrived. */
static void
on_comp(struct conductor *c, fg_json comp, const char *err, int transient, void *arg)
{
	struct job *j = arg;
	char *msg;

	(void)c;
	(void)transient; /* the job is recorded as failed either way; the next one fetches again */
	if (err) {
		msg = fg_printf("composition: %s", err);
		job_record(j, 0, msg, NULL);
		if (!j->p->gone)
			proc_set_message(j->c, j->p, msg);
		free(msg);
		job_free(j);
		return;
	}
	apply_with(j, comp);
	fg_json_free(comp);
}

/* Makes the process's resources match its composition. */
void
job_apply(struct conductor *c, struct proc *p, fg_json comp, const char *what,
    const char *user, const char *request)
{
	struct job *j = job_new(c, p, what, user, request);

	if (comp)
		apply_with(j, comp);
	else
		composition_fetch(c, j->composition, on_comp, j);
}

/* --- Kill. */

/* The retry timer of a process that could not be killed yet. */
static void
on_kill_retry(void *arg)
{
	struct proc *p = arg;

	if (!p->c->stopping && !p->gone)
		job_kill(p->c, p, "", "");
}

/* Tries the kill again later. */
static void
kill_later(struct conductor *c, struct proc *p)
{
	if (p->retry == NULL)
		p->retry = fg_timer_new(c->loop, on_kill_retry, p);
	fg_timer_add(p->retry, KILL_RETRY_MS);
}

/* The process's item is deleted: it is gone. */
static void
on_forgotten(struct conductor *c, struct proc *p, const struct store_reply *sr, void *arg)
{
	struct job *j = arg;
	struct hist_entry h = {
		.fid = p->rec.fid, .kind = "transition", .what = "kill",
		.from = proc_state_name(PROC_KILLING), .to = "", .user = j->user,
		.request = j->request, .result = "ok", .composition = j->composition,
	};

	if (sr->status == STORE_OK) {
		history_add(c, &h);
		events_publish(c, p->rec.fid, "process-killed", "every resource deleted", NULL);
		log_info("process %s: killed", p->rec.fid);
	} else
		kill_later(c, p);
	proc_release(c, p);
	job_free(j);
}

/* Holds the killed process: deletes its item. */
static void
kill_held(struct conductor *c, struct proc *p, void *arg)
{
	struct job *j = arg;

	if (p->gone) {
		proc_release(c, p);
		job_free(j);
		return;
	}
	proc_forget(c, p, on_forgotten, j);
}

/* The engine deleted the resources (or some are left). */
static void
on_killed(void *arg, int ok, const char *message, fg_json plan)
{
	struct job *j = arg;

	job_record(j, ok, message, plan);
	if (ok) {
		proc_acquire(j->c, j->p, kill_held, j);
		return;
	}
	if (!j->p->gone) {
		proc_set_message(j->c, j->p, message);
		kill_later(j->c, j->p);
	}
	job_free(j);
}

/* Deletes every resource of a Killing process, then the process. */
void
job_kill(struct conductor *c, struct proc *p, const char *user, const char *request)
{
	struct job *j = job_new(c, p, "kill", user, request);

	if (p->retry)
		fg_timer_del(p->retry);
	engine_kill(c->engine, p->rec.fid, 0, on_killed, j);
}

/* --- Compositions. */

struct fetch {
	struct conductor *c;
	char *hash;
	char *key;
	comp_cb cb;
	void *arg;
};

/* The composition object arrived: check its hash, parse it. */
static void
on_object(const char *err, int notfound, const char *body, size_t len, void *arg)
{
	struct fetch *f = arg;
	char hex[65], *msg = NULL, *perr = NULL;
	fg_json doc = NULL;

	if (err)
		msg = notfound ? fg_printf("no composition at s3://%s/%s", f->c->bucket, f->key) :
		    fg_printf("s3://%s/%s: %s", f->c->bucket, f->key, err);
	else {
		fg_sha256_hex(body, len, hex);
		if (strcmp(hex, f->hash) != 0)
			msg = fg_printf("s3://%s/%s: its SHA-256 is %s, not the %s it is named for",
			    f->c->bucket, f->key, hex, f->hash);
		else if ((doc = fg_json_parse(body, len, &perr)) == NULL)
			msg = fg_printf("s3://%s/%s is not JSON: %s", f->c->bucket, f->key, perr);
		else if (!YAJL_IS_OBJECT(doc))
			msg = fg_printf("s3://%s/%s is not a compiled composition (not an object)",
			    f->c->bucket, f->key);
	}
	if (msg) {
		fg_json_free(doc);
		doc = NULL;
	}
	f->cb(f->c, doc, msg, err != NULL && !notfound, f->arg);
	free(perr);
	free(msg);
	free(f->hash);
	free(f->key);
	free(f);
}

/* Fetches and checks compositions/<hash>.json. */
void
composition_fetch(struct conductor *c, const char *hash, comp_cb cb, void *arg)
{
	struct fetch *f = fg_calloc(1, sizeof(*f));

	f->c = c;
	f->hash = fg_strdup(hash);
	f->key = fg_printf("compositions/%s.json", hash);
	f->cb = cb;
	f->arg = arg;
	obj_get(c, f->key, on_object, f);
}

/* --- The engine's events. */

/* An engine event: a history record, an SNS event, and the process's last message. */
void
jobs_event(void *arg, const char *fid, const char *kind, const char *message)
{
	struct conductor *c = arg;
	struct proc *p = proc_find(c, fid);
	struct hist_entry h = {
		.fid = fid, .kind = "event", .what = kind, .message = message,
		.result = strcmp(kind, "resource-failed") == 0 ? "failed" : "ok",
		.composition = p ? p->rec.composition : NULL,
	};

	history_add(c, &h);
	events_publish(c, fid, kind, message, NULL);
	if (p && strcmp(kind, "job-started") != 0)
		proc_set_message(c, p, message);
}
