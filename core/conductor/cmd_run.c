/* cmd_run.c: run (a new process from a composition) and update (a new composition for a
 * Running process), with their dry runs. */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "conductor.h"

/* The new process is stored: record it, start its job, answer. */
static void
on_created(struct conductor *c, struct proc *p, const struct store_reply *sr, void *arg)
{
	struct req *r = arg;

	if (p == NULL) {
		reply_error(r, E_INTERNAL, "storing the new process: %s", sr->message);
		return;
	}
	r->proc = p;
	cmd_transition(r, "");
	job_apply(c, p, r->composition, "run", r->env.user, r->id);
	reply_process(r, 0, NULL);
}

/* The composition of a run arrived. */
static void
run_comp(struct conductor *c, fg_json comp, const char *err, int transient, void *arg)
{
	struct req *r = arg;
	struct engine_process ep;

	if (err) {
		reply_error(r, transient ? E_INTERNAL : E_INVALID, "run: %s", err);
		return;
	}
	r->composition = comp;
	if (r->body.dry_run) {
		proc_engine(&r->next, &ep);
		engine_apply(c->engine, &ep, comp, 1, cmd_on_plan, r);
		return;
	}
	proc_create(c, &r->next, on_created, r);
}

/* run: args composition, hash, alias. */
void
cmd_run(struct req *r)
{
	struct conductor *c = r->c;
	const char *hash, *alias;
	char fid[37], *err = NULL;
	struct proc *p;
	struct proc_rec *rec = &r->next;

	if (arg_composition(r, &hash) < 0 || arg_str(r, "alias", 0, &alias) < 0)
		return;
	if (alias && *alias && alias_check(alias, &err) < 0) {
		reply_error(r, E_INVALID, "run: %s", err);
		free(err);
		return;
	}
	fid_from_request(r->id, fid);
	if (!r->body.dry_run && (p = proc_find(c, fid)) != NULL) {
		/* This run was handled before a crash: its process exists. */
		r->proc = p;
		reply_process(r, 0, NULL);
		return;
	}
	if (alias && *alias && (p = proc_find(c, alias)) != NULL) {
		reply_error(r, E_CONFLICT, "run: alias \"%s\" is taken by process %s", alias,
		    p->rec.fid);
		return;
	}
	rec->fid = fg_strdup(fid);
	rec->account = fg_strdup(c->account);
	rec->region = fg_strdup(c->region);
	rec->state = PROC_RUNNING;
	rec->composition = fg_strdup(hash);
	props_default(&rec->props, c->cfg->enforcement_interval);
	rec->props.alias = alias && *alias ? fg_strdup(alias) : NULL;
	rec->created_ms = rec->updated_ms = fg_wall_ms();
	rec->last_message = fg_strdup("");
	rec->owner = fg_strdup(r->env.user);
	composition_fetch(c, hash, run_comp, r);
}

/* The process has its new composition: record, apply, answer. */
static void
on_updated(struct conductor *c, struct proc *p, const struct store_reply *sr, void *arg)
{
	struct req *r = arg;

	if (sr->status != STORE_OK) {
		reply_error(r, E_INTERNAL, "update: storing the process: %s", sr->message);
		return;
	}
	cmd_transition(r, proc_state_name(PROC_RUNNING));
	job_apply(c, p, r->composition, "update", r->env.user, r->id);
	reply_process(r, 0, NULL);
}

/* The composition of an update arrived. */
static void
update_comp(struct conductor *c, fg_json comp, const char *err, int transient,
    void *arg)
{
	struct req *r = arg;
	struct engine_process ep;
	const char *hash;

	if (err) {
		reply_error(r, transient ? E_INTERNAL : E_INVALID, "update: %s", err);
		return;
	}
	r->composition = comp;
	if (r->body.dry_run) {
		proc_engine(&r->proc->rec, &ep);
		engine_apply(c->engine, &ep, comp, 1, cmd_on_plan, r);
		return;
	}
	hash = fg_json_str(fg_json_path(r->body.args, "hash"));
	proc_rec_copy(&r->next, &r->proc->rec);
	free(r->next.composition);
	r->next.composition = fg_strdup(hash);
	proc_save(c, r->proc, &r->next, on_updated, r);
}

/* update: args process, composition, hash; the process is held. */
void
cmd_update(struct req *r)
{
	const char *hash;

	if (r->proc->rec.state != PROC_RUNNING) {
		reply_error(r, E_CONFLICT,
		            "update: process %s is %s: only a Running process can be "
		            "updated%s",
		            r->proc->rec.fid, proc_state_name(r->proc->rec.state),
		            r->proc->rec.state == PROC_SUSPENDED ? " (resume it first)" : "");
		return;
	}
	if (arg_composition(r, &hash) < 0)
		return;
	composition_fetch(r->c, hash, update_comp, r);
}
