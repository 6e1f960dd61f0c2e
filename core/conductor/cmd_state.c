/* cmd_state.c: suspend, resume and kill: the transitions of the process state machine, each
 * persisted before it is answered; resume and kill have dry runs. */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "conductor.h"

/* Persists r->proc in a new state; cb continues once it is stored. */
static void
transition(struct req *r, enum proc_state to, proc_cb cb)
{
	proc_rec_copy(&r->next, &r->proc->rec);
	r->next.state = to;
	proc_save(r->c, r->proc, &r->next, cb, r);
}

/* Whether a transition write failed (after replying). */
static int
save_failed(struct req *r, const struct store_reply *sr)
{
	if (sr->status == STORE_OK)
		return 0;
	reply_error(r, E_INTERNAL, "%s: storing the process: %s", r->cmd->name, sr->message);
	return 1;
}

/* Suspended: stop enforcing, record, answer. */
static void
on_suspended(struct conductor *c, struct proc *p, const struct store_reply *sr, void *arg)
{
	struct req *r = arg;

	if (save_failed(r, sr))
		return;
	engine_set_enforcement(c->engine, p->rec.fid, 0, (unsigned)p->rec.props.interval_s);
	cmd_transition(r, proc_state_name(PROC_RUNNING));
	reply_process(r, 0, NULL);
}

/* suspend: Running -> Suspended (already Suspended: nothing to do). */
void
cmd_suspend(struct req *r)
{
	switch (r->proc->rec.state) {
	case PROC_RUNNING:
		transition(r, PROC_SUSPENDED, on_suspended);
		return;
	case PROC_SUSPENDED:
		reply_process(r, 0, NULL);
		return;
	case PROC_KILLING:
		reply_error(r, E_CONFLICT, "suspend: process %s is being killed", r->proc->rec.fid);
		return;
	}
}

/* Running again: record, apply (which restarts enforcement), answer. */
static void
on_resumed(struct conductor *c, struct proc *p, const struct store_reply *sr, void *arg)
{
	struct req *r = arg;

	if (save_failed(r, sr))
		return;
	cmd_transition(r, proc_state_name(PROC_SUSPENDED));
	job_apply(c, p, NULL, "resume", r->env.user, r->id);
	reply_process(r, 0, NULL);
}

/* The composition of a resume dry run arrived: plan. */
static void
resume_comp(struct conductor *c, fg_json comp, const char *err, int transient,
    void *arg)
{
	struct req *r = arg;
	struct engine_process ep;

	(void)transient; /* the process's own composition: any failure is ours */
	if (err) {
		reply_error(r, E_INTERNAL, "resume: %s", err);
		return;
	}
	r->composition = comp;
	proc_engine(&r->proc->rec, &ep);
	engine_apply(c->engine, &ep, comp, 1, cmd_on_plan, r);
}

/* resume: Suspended -> Running (already Running: nothing to do). */
void
cmd_resume(struct req *r)
{
	if (r->proc->rec.state == PROC_KILLING) {
		reply_error(r, E_CONFLICT, "resume: process %s is being killed", r->proc->rec.fid);
		return;
	}
	if (r->body.dry_run) {
		composition_fetch(r->c, r->proc->rec.composition, resume_comp, r);
		return;
	}
	if (r->proc->rec.state == PROC_RUNNING) {
		reply_process(r, 0, NULL);
		return;
	}
	transition(r, PROC_RUNNING, on_resumed);
}

/* Killing: stop enforcing, record, start deleting, answer. */
static void
on_killing(struct conductor *c, struct proc *p, const struct store_reply *sr, void *arg)
{
	struct req *r = arg;

	if (save_failed(r, sr))
		return;
	engine_set_enforcement(c->engine, p->rec.fid, 0, (unsigned)p->rec.props.interval_s);
	cmd_transition(r, r->from);
	job_kill(c, p, r->env.user, r->id);
	reply_process(r, 0, NULL);
}

/* kill: Running or Suspended -> Killing -> gone (already Killing: nothing more to do). */
void
cmd_kill(struct req *r)
{
	if (r->body.dry_run) {
		engine_kill(r->c->engine, r->proc->rec.fid, 1, cmd_on_plan, r);
		return;
	}
	if (r->proc->rec.state == PROC_KILLING) {
		reply_process(r, 0, NULL);
		return;
	}
	r->from = proc_state_name(r->proc->rec.state);
	transition(r, PROC_KILLING, on_killing);
}
