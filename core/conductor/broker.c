/* broker.c: the Broker. Observes a process's resources through the plugins (one batched sweep
 * per type and region where the plugin has one, else one read per resource; intents left
 * without a result are resolved first by a read that finds the resource by physical id, tags or
 * name), then runs the Manager's plan: each step starts when the steps it depends on ended,
 * writes its intent to the resources table before the mutating call, and its result after. */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "engine_int.h"

/* --- helpers --- */

/* A fresh idempotency token (UUIDv4 text). */
static char *
new_token(void)
{
	unsigned char b[16];
	char hex[33];

	fg_random_bytes(b, sizeof(b));
	b[6] = (unsigned char)((b[6] & 0x0f) | 0x40);
	b[8] = (unsigned char)((b[8] & 0x3f) | 0x80);
	for (size_t i = 0; i < 16; i++)
		snprintf(hex + 2 * i, 3, "%02x", b[i]);
	return fg_printf("%.8s-%.4s-%.4s-%.4s-%.12s", hex, hex + 8, hex + 12, hex + 16, hex + 20);
}

/* An operation's common settings. */
static void
spec_init(struct op_spec *s, const struct job *j, const struct rrec *r, enum prio prio)
{
	memset(s, 0, sizeof(*s));
	s->account = j->p->account;
	s->fid = j->p->fid;
	s->lid = r->lid;
	s->region = r->region;
	s->physical = r->physical;
	s->token = r->token;
	s->prio = prio;
}

/* Notes a failure for the job's message. */
static void
note_failure(struct job *j, const char *lid, const char *msg)
{
	j->failed++;
	if (j->failures.len < 4096)
		fg_buf_addf(&j->failures, "%s%s: %s", j->failures.len ? "; " : "", lid, msg);
}

/* 1 when an error leaves it open whether the call took effect. */
static int
ambiguous(enum fugue_status st)
{
	return st == FUGUE_E_RETRYABLE || st == FUGUE_E_THROTTLED;
}

/* The value a reference names: a resource's observed attribute, or an external's. */
fg_json
job_ref(void *arg, const char *lid, const char *attr)
{
	struct job *j = arg;
	const struct comp *c = j->comp ? j->comp : j->p->comp;
	struct rrec *r;

	if (c != NULL) {
		for (size_t i = 0; i < c->next; i++)
			if (strcmp(c->ext[i].lid, lid) == 0)
				return i < j->next_obs ? fg_json_get(j->ext_obs[i], attr) : NULL;
	}
	r = eproc_rec(j->p, lid);
	if (r == NULL || r->gone || r->physical == NULL)
		return NULL;
	return fg_json_get(rrec_obs(r), attr);
}

/* --- observation --- */

/* One observation ended. */
static void
observe_done(struct job *j)
{
	if (--j->pending == 0)
		job_observed(j);
}

/* A read that resolves an intent, or observes one resource or external. */
struct oread {
	struct job *j;
	struct rrec *rec;     /* NULL for an external */
	size_t ext;
	fg_json desired;
};

/* A write of a record that no step waits for: when the table refused it, the next pass
 * writes the record again (its hash no longer matches) rather than trust the copy in memory. */
static void
on_unwaited_saved(struct rrec *r, int ok, const char *err, void *arg)
{
	(void)err;
	(void)arg;
	if (!ok)
		r->hash[0] = '\0';
}

/* An intent's read ended: the resource exists (physical id and observation) or not. */
static void
on_resolved(struct fugue_op *op, enum fugue_status st, const char *observed, const char *msg,
    void *arg)
{
	struct oread *o = arg;
	struct rrec *r = o->rec;
	struct job *j = o->j;
	char *err = NULL;

	(void)op;
	if (st == FUGUE_OK && rrec_set_observed(r, observed, &err) == 0) {
		log_info("%s %s: the %s intent was resolved: the resource exists (%s)", r->fid,
		    r->lid, r->intent, r->physical ? r->physical : "?");
		r->status = RS_READY;
		r->seen = 1;
		r->gone = 0;
		rrec_set(&r->intent, NULL);
		j->resolved++;
		rrec_save(j->e->rs, r, on_unwaited_saved, NULL);
	} else if (st == FUGUE_E_NOT_FOUND) {
		log_info("%s %s: the %s intent was resolved: no such resource", r->fid, r->lid,
		    r->intent);
		j->resolved++;
		if (strcmp(r->intent, "delete") == 0 || r->retiring == NULL) {
			r->gone = 1;
			rrec_set(&r->physical, NULL);
		}
		r->status = RS_PENDING;
		rrec_set(&r->intent, NULL);
		rrec_save(j->e->rs, r, on_unwaited_saved, NULL);
	} else {
		note_failure(j, r->lid, err ? err : msg);
		log_warnx("%s %s: the %s intent cannot be resolved yet: %s", r->fid, r->lid,
		    r->intent, err ? err : msg);
	}
	free(err);
	fg_json_free(o->desired);
	free(o);
	observe_done(j);
}

/* The plugin learned the physical id while resolving an intent. */
static void
on_resolved_physical(struct fugue_op *op, const char *physical, void *arg)
{
	struct oread *o = arg;

	(void)op;
	rrec_set(&o->rec->physical, physical);
}

/* Starts the read that resolves r's intent. */
static void
resolve_intent(struct job *j, struct rrec *r, const struct ptype *pt)
{
	struct oread *o = fg_calloc(1, sizeof(*o));
	struct op_spec s;
	char *err = NULL;

	o->j = j;
	o->rec = r;
	if (r->props != NULL && (o->desired = fg_json_parse(r->props, strlen(r->props), &err)) ==
	    NULL) {
		log_warnx("%s %s: stored properties: %s", r->fid, r->lid, err);
		free(err);
	}
	spec_init(&s, j, r, j->prio_read);
	s.desired = o->desired;
	s.observed = rrec_obs(r);
	j->pending++;
	host_op_start(j->e->host, pt, OPK_READ, &s, on_resolved, on_resolved_physical, o);
}

/* A read of one resource (no sweep for its type) ended. */
static void
on_read(struct fugue_op *op, enum fugue_status st, const char *observed, const char *msg,
    void *arg)
{
	struct oread *o = arg;
	struct job *j = o->j;
	char *err = NULL;

	(void)op;
	if (o->rec == NULL) {
		fg_json v;

		if (st == FUGUE_OK && (v = fg_json_parse(observed, strlen(observed), &err)) != NULL) {
			fg_json_free(j->ext_obs[o->ext]);
			j->ext_obs[o->ext] = v;
		} else {
			const struct comp *c = j->comp ? j->comp : j->p->comp;

			log_warnx("%s: external %s cannot be read: %s", j->p->fid,
			    c->ext[o->ext].lid, err ? err : msg);
		}
	} else if (st == FUGUE_OK && rrec_set_observed(o->rec, observed, &err) == 0) {
		o->rec->seen = 1;
	} else if (st == FUGUE_E_NOT_FOUND) {
		o->rec->gone = 1;
		o->rec->seen = 1;
	} else
		log_warnx("%s %s: cannot be observed: %s", j->p->fid, o->rec->lid,
		    err ? err : msg);
	free(err);
	free(o);
	observe_done(j);
}

/* Starts a plain read of a resource or an external. */
static void
read_one(struct job *j, const struct ptype *pt, struct rrec *r, size_t ext)
{
	struct oread *o = fg_calloc(1, sizeof(*o));
	struct op_spec s;

	o->j = j;
	o->rec = r;
	o->ext = ext;
	if (r != NULL)
		spec_init(&s, j, r, j->prio_read);
	else {
		const struct dext *x = &(j->comp ? j->comp : j->p->comp)->ext[ext];

		memset(&s, 0, sizeof(s));
		s.account = j->p->account;
		s.fid = j->p->fid;
		s.lid = x->lid;
		s.region = x->region;
		s.physical = x->physical;
		s.prio = j->prio_read;
	}
	if (r != NULL)
		s.observed = rrec_obs(r);
	j->pending++;
	host_op_start(j->e->host, pt, OPK_READ, &s, on_read, NULL, o);
}

/* The resources of one type and region swept together. */
struct sgroup {
	struct job *j;
	struct rrec **recs;
	size_t n;
};

/* A sweep reported a resource. */
static void
on_found(struct fugue_sweep *sw, const char *physical, const char *observed, void *arg)
{
	struct sgroup *g = arg;
	char *err = NULL;

	(void)sw;
	for (size_t i = 0; i < g->n; i++)
		if (g->recs[i]->physical && strcmp(g->recs[i]->physical, physical) == 0) {
			if (rrec_set_observed(g->recs[i], observed, &err) < 0) {
				log_warnx("%s %s: the sweep's observation: %s", g->recs[i]->fid,
				    g->recs[i]->lid, err);
				free(err);
				err = NULL;
				continue;
			}
			g->recs[i]->seen = 1;
			g->recs[i]->gone = 0;
		}
}

/* A sweep ended: what it did not report is gone (when it succeeded). */
static void
on_swept(struct fugue_sweep *sw, enum fugue_status st, const char *msg, void *arg)
{
	struct sgroup *g = arg;

	(void)sw;
	for (size_t i = 0; i < g->n; i++)
		if (st == FUGUE_OK && !g->recs[i]->seen) {
			g->recs[i]->gone = 1;
			g->recs[i]->seen = 1;
		}
	if (st != FUGUE_OK && g->n > 0)
		log_warnx("%s: sweep of %s failed, nothing concluded: %s", g->j->p->fid,
		    g->recs[0]->type, msg);
	free(g->recs);
	observe_done(g->j);
	free(g);
}

/* Observes the records that have a physical id, grouped by type and region. */
static void
observe_records(struct job *j)
{
	struct eproc *p = j->p;
	unsigned char *done = fg_calloc(p->nrecs + 1, 1);

	for (size_t i = 0; i < p->nrecs; i++) {
		struct rrec *r = p->recs[i];
		const struct ptype *pt = plugins_type(j->e->plugins, r->type);
		struct sgroup *g;
		const char **phys;

		if (done[i] || r->intent != NULL || r->physical == NULL || pt == NULL)
			continue;
		if (pt->t->sweep == NULL) {
			done[i] = 1;
			read_one(j, pt, r, 0);
			continue;
		}
		g = fg_calloc(1, sizeof(*g));
		g->j = j;
		g->recs = fg_calloc(p->nrecs, sizeof(struct rrec *));
		for (size_t k = i; k < p->nrecs; k++) {
			struct rrec *o = p->recs[k];

			if (!done[k] && o->intent == NULL && o->physical != NULL &&
			    strcmp(o->type, r->type) == 0 &&
			    (o->region ? r->region && strcmp(o->region, r->region) == 0 : !r->region)) {
				done[k] = 1;
				g->recs[g->n++] = o;
			}
		}
		phys = fg_calloc(g->n, sizeof(char *));
		for (size_t k = 0; k < g->n; k++)
			phys[k] = g->recs[k]->physical;
		j->pending++;
		host_sweep_start(j->e->host, pt, p->account, r->region, p->fid, phys, g->n, on_found,
		    on_swept, g);
		free(phys);
	}
	free(done);
}

/* Starts the observation of the job's process; job_observed follows. */
void
job_observe(struct job *j)
{
	struct eproc *p = j->p;
	const struct comp *c = j->comp ? j->comp : p->comp;

	j->pending = 1; /* held until everything is started */
	for (size_t i = 0; i < p->nrecs; i++) {
		struct rrec *r = p->recs[i];
		const struct ptype *pt = plugins_type(j->e->plugins, r->type);

		r->seen = 0;
		if (pt == NULL) {
			log_warnx("%s %s: no plugin provides %s: it is left alone", p->fid, r->lid,
			    r->type);
			continue;
		}
		if (r->intent != NULL)
			resolve_intent(j, r, pt);
	}
	if (j->kind == J_APPLY || j->kind == J_ENFORCE) {
		observe_records(j);
		if (c != NULL) {
			j->ext_obs = fg_calloc(c->next + 1, sizeof(fg_json));
			j->next_obs = c->next;
			for (size_t i = 0; i < c->next; i++) {
				struct fg_jw w;

				fg_jw_init(&w, 0);
				fg_jw_obj(&w);
				fg_jw_kstr(&w, c->ext[i].pt->identifier, c->ext[i].physical);
				fg_jw_end_obj(&w);
				j->ext_obs[i] = json_from_writer(&w);
				fg_jw_free(&w);
				if (c->ext[i].pt->t->read != NULL)
					read_one(j, c->ext[i].pt, NULL, i);
			}
		}
	}
	observe_done(j);
}

/* --- execution --- */

/* What one step is doing. */
struct step {
	struct job *j;
	size_t idx;
	struct pnode *n;
	struct rrec *rec;
	const struct dres *want_res;
	const struct ptype *pt;
	fg_json want;       /* complete desired properties */
	char hash[65];
	int read_first;     /* observed before deciding */
	int changed;        /* a mutating call succeeded: compare again, fix up once */
	int fixups;         /* updates made because AWS did not take everything at once */
	int retire_then;    /* a delete step that first retires the old copy */
	struct sched_bucket *gate; /* the place it holds, NULL for none */
};

/* A ready step waiting for a place at its service's gate. */
struct admission {
	struct job *j;
	size_t idx;
	struct sched_bucket *gate;
	struct sched_wait *wait;
};

static void step_end(struct step *, int ok);
static void dispatch(struct job *);
static void converge_decide(struct step *);
static void delete_main(struct step *);

/* The step failed with msg; the record keeps its intent when the call may have happened. */
static void
step_fail(struct step *s, enum fugue_status st, const char *msg)
{
	struct rrec *r = s->rec;

	note_failure(s->j, r ? r->lid : s->want_res->lid, msg);
	if (r == NULL) {
		step_end(s, 0);
		return;
	}
	engine_emit(s->j->e, r->fid, "resource-failed", "%s: %s", r->lid, msg);
	r->attempts++;
	r->status = RS_FAILED;
	rrec_set(&r->last_error, msg);
	if (!ambiguous(st))
		rrec_set(&r->intent, NULL);
	rrec_save(s->j->e->rs, r, on_unwaited_saved, NULL);
	step_end(s, 0);
}

/* The result write of a step reached the table. */
static void
on_result_saved(struct rrec *r, int ok, const char *err, void *arg)
{
	struct step *s = arg;

	(void)r;
	if (!ok) {
		/* The table keeps what it had (an intent, maybe): the next pass writes the
		 * result again rather than trust the record in memory. */
		s->rec->hash[0] = '\0';
		note_failure(s->j, s->rec->lid, err ? err : "the resources table refused the result");
		step_end(s, 0);
		return;
	}
	step_end(s, 1);
}

/* Records a success: the resource matches its desired state and has no intent. */
static void
record_success(struct step *s)
{
	struct rrec *r = s->rec;

	r->status = RS_READY;
	r->gone = 0;
	r->seen = 1;
	r->attempts = 0;
	rrec_set(&r->intent, NULL);
	rrec_set(&r->token, NULL);
	rrec_set(&r->last_error, NULL);
	rrec_save(s->j->e->rs, r, on_result_saved, s);
}

/* Fills the record's desired side from the step (before an intent is written). */
static void
record_desired(struct step *s)
{
	struct rrec *r = s->rec;
	const struct dres *d = s->want_res;
	struct fg_jw w;

	fg_jw_init(&w, 0);
	fg_jw_value(&w, s->want);
	free(r->props);
	r->props = fg_strdup(fg_jw_text(&w)); /* kept: no slack of the writer's buffer */
	fg_jw_free(&w);
	memcpy(r->hash, s->hash, sizeof(r->hash));
	rrec_set(&r->region, d->region);
	for (size_t i = 0; i < r->ndeps; i++)
		free(r->deps[i]);
	free(r->deps);
	r->deps = fg_calloc(d->nrefs + 1, sizeof(char *));
	for (size_t i = 0; i < d->nrefs; i++)
		r->deps[i] = fg_strdup(d->refs[i]);
	r->ndeps = d->nrefs;
}

/* The intent reached the table: the call may go. */
static void
on_intent_saved(struct rrec *r, int ok, const char *err, void *arg)
{
	struct step *s = arg;

	(void)r;
	if (!ok) {
		/* The call was not made: nothing is ambiguous. */
		step_fail(s, FUGUE_E_FATAL, err ? err : "the resources table refused the intent");
		return;
	}
	converge_decide(s);
}

/* Writes an intent (action, token) and continues with the decision it announced. */
static void
write_intent(struct step *s, const char *action, enum rstatus status)
{
	struct rrec *r = s->rec;

	if (strcmp(action, "create") != 0 || r->token == NULL)
		rrec_set(&r->token, NULL);
	if (r->token == NULL)
		r->token = new_token();
	rrec_set(&r->intent, action);
	r->status = status;
	rrec_save(s->j->e->rs, r, on_intent_saved, s);
}

/* The plugin knows the new resource's physical id: keep it at once. */
static void
on_physical(struct fugue_op *op, const char *physical, void *arg)
{
	struct step *s = arg;

	(void)op;
	rrec_set(&s->rec->physical, physical);
	rrec_save(s->j->e->rs, s->rec, on_unwaited_saved, NULL);
}

/* A mutating operation of a converge step ended. */
static void
on_mutated(struct fugue_op *op, enum fugue_status st, const char *observed, const char *msg,
    void *arg)
{
	struct step *s = arg;
	struct rrec *r = s->rec;
	const char *intent = r->intent ? r->intent : "";
	char *err = NULL;

	(void)op;
	if (st == FUGUE_E_NOT_FOUND && strcmp(intent, "update") == 0) {
		/* Deleted behind our back: create it again. */
		r->gone = 1;
		rrec_set(&r->physical, NULL);
		rrec_set(&r->intent, NULL);
		s->n->act = PA_CREATE;
		converge_decide(s);
		return;
	}
	if (strcmp(intent, "delete") == 0 && (st == FUGUE_OK || st == FUGUE_E_NOT_FOUND)) {
		/* The old copy of a replaced resource is gone: now its replacement. */
		rrec_set(&r->physical, NULL);
		rrec_set(&r->intent, NULL);
		r->gone = 1;
		converge_decide(s);
		return;
	}
	if (st != FUGUE_OK) {
		step_fail(s, st, msg);
		return;
	}
	if (rrec_set_observed(r, observed, &err) < 0) {
		/* The call happened; what AWS has now is not known. */
		char *m = fg_printf("plugin %s returned observed JSON that does not parse: %s",
		    plugin_name(s->pt->plugin), err);

		step_fail(s, FUGUE_E_FATAL, m);
		free(m);
		free(err);
		return;
	}
	/* The call took effect: compare again before declaring it done. */
	rrec_set(&r->intent, NULL);
	r->gone = 0;
	r->seen = 1;
	s->changed = 1;
	converge_decide(s);
}

/* Starts the operation of the record's intent. */
static void
start_intent_op(struct step *s)
{
	struct rrec *r = s->rec;
	struct op_spec sp;
	enum op_kind k = strcmp(r->intent, "create") == 0 ? OPK_CREATE :
	    strcmp(r->intent, "update") == 0 ? OPK_UPDATE : OPK_DELETE;

	spec_init(&sp, s->j, r, s->j->prio_write);
	sp.desired = s->want;
	sp.observed = k == OPK_CREATE ? NULL : rrec_obs(r);
	if (k == OPK_CREATE)
		sp.physical = NULL;
	host_op_start(s->j->e->host, s->pt, k, &sp, on_mutated, on_physical, s);
}

/* The read before deciding ended. */
static void
on_read_first(struct fugue_op *op, enum fugue_status st, const char *observed, const char *msg,
    void *arg)
{
	struct step *s = arg;
	char *err = NULL;

	(void)op;
	if (st == FUGUE_OK && rrec_set_observed(s->rec, observed, &err) == 0)
		s->rec->seen = 1;
	else if (st == FUGUE_E_NOT_FOUND)
		s->rec->gone = 1;
	else {
		step_fail(s, st, err ? err : msg);
		free(err);
		return;
	}
	converge_decide(s);
}

/* Decides (again) what a converge step does, and does it: the intent is written first, the
 * call follows in on_intent_saved, which calls back here with the intent set. */
static void
converge_decide(struct step *s)
{
	struct rrec *r = s->rec;
	char *names = NULL;
	int replace = 0;
	size_t ndiff;
	fg_json last;

	if (s->j->e->stopping) {
		step_fail(s, FUGUE_E_RETRYABLE, "stopped: the Conductor is shutting down");
		return;
	}
	if (r->intent != NULL) {
		/* The intent is written: make the call. */
		start_intent_op(s);
		return;
	}
	if (r->physical == NULL || r->gone) {
		if (s->n->act != PA_REPLACE)
			s->n->act = PA_CREATE;
		record_desired(s);
		rrec_set(&r->physical, NULL);
		write_intent(s, "create", RS_CREATING);
		return;
	}
	if (r->obs_text == NULL && !s->read_first) {
		struct op_spec sp;

		s->read_first = 1;
		spec_init(&sp, s->j, r, s->j->prio_read);
		sp.desired = s->want;
		host_op_start(s->j->e->host, s->pt, OPK_READ, &sp, on_read_first, NULL, s);
		return;
	}
	last = props_applied(s->pt, r->props);
	ndiff = props_diff(s->pt, s->want, rrec_obs(r), last, &names, &replace);
	fg_json_free(last);
	if (ndiff == 0) {
		if (s->n->act == PA_NONE) {
			s->j->unchanged++;
			if (strcmp(r->hash, s->hash) == 0 && r->status == RS_READY) {
				step_end(s, 1);
				return;
			}
			record_desired(s);
		}
		record_success(s);
		return;
	}
	if (s->changed && (s->fixups > 0 || replace || s->pt->t->update == NULL)) {
		/* Still different right after a change: AWS did not take it. */
		char *msg = fg_printf("after the %s, AWS still reports different %s",
		    pact_name(s->n->act), names);

		free(names);
		step_fail(s, FUGUE_E_INVALID, msg);
		free(msg);
		return;
	}
	if (s->changed) {
		/* A create that AWS did not apply in full (an existing queue of that name keeps
		 * its tags, say): one update finishes it. */
		s->fixups++;
		free(names);
		record_desired(s);
		write_intent(s, "update", RS_UPDATING);
		return;
	}
	free(s->n->why);
	s->n->why = names;
	if (replace || s->pt->t->update == NULL) {
		const char *id = s->pt->identifier;

		s->n->act = PA_REPLACE;
		record_desired(s);
		if (s->pt->id_is_prop &&
		    json_equal(fg_json_get(s->want, id), fg_json_get(rrec_obs(r), id))) {
			/* The same name cannot exist twice: delete first. */
			write_intent(s, "delete", RS_DELETING);
			return;
		}
		rrec_set(&r->retiring, r->physical);
		rrec_set(&r->retiring_region, r->region);
		rrec_set(&r->physical, NULL);
		write_intent(s, "create", RS_CREATING);
		return;
	}
	if (s->n->act == PA_NONE)
		s->n->act = PA_UPDATE;
	record_desired(s);
	write_intent(s, "update", RS_UPDATING);
}

/* Starts converging one resource of the composition. */
static void
converge_start(struct step *s)
{
	struct job *j = s->j;
	const struct dres *d = &j->p->comp->res[s->n->res];
	char *missing = NULL;
	fg_json filled;

	s->want_res = d;
	s->pt = d->pt;
	s->rec = eproc_rec(j->p, d->lid);
	if (s->rec == NULL) {
		s->rec = rrec_new(j->p->fid, d->lid, d->pt->name, j->p->account);
		rrec_set(&s->rec->region, d->region);
		eproc_add_rec(j->p, s->rec);
	}
	s->n->rec = s->rec;
	filled = refs_fill(d->props, job_ref, j, &missing);
	if (filled == NULL) {
		char *msg = fg_printf("the value of %s is not available", missing);

		free(missing);
		step_fail(s, FUGUE_E_INVALID, msg);
		free(msg);
		return;
	}
	s->want = desired_complete(d->pt, filled, j->p->fid, d->lid);
	fg_json_free(filled);
	json_hash(s->want, s->hash);
	/* The plan's prediction is re-made here with live values. */
	s->n->act = PA_NONE;
	converge_decide(s);
}

/* The record of a deleted resource left the table, or the table refused: then the record
 * stays with the process and the next job deletes it again (a record gone from the process
 * but not from the table would outlive the process). */
static void
on_removed(struct rrec *r, int ok, const char *err, void *arg)
{
	struct step *s = arg;

	if (!ok) {
		note_failure(s->j, r->lid, err ? err : "the resources table refused the removal");
		step_end(s, 0);
		return;
	}
	job_bury(s->j, r);
	step_end(s, 1);
}

/* A delete of a record (or of a replaced copy) ended. */
static void
on_deleted(struct fugue_op *op, enum fugue_status st, const char *observed, const char *msg,
    void *arg)
{
	struct step *s = arg;
	struct rrec *r = s->rec;

	(void)op;
	(void)observed;
	if (st != FUGUE_OK && st != FUGUE_E_NOT_FOUND) {
		step_fail(s, st, msg);
		return;
	}
	if (s->retire_then) {
		/* The old copy is gone. */
		s->retire_then = 0;
		rrec_set(&r->retiring, NULL);
		rrec_set(&r->retiring_region, NULL);
		if (s->n->kind == N_DELETE && s->j->e->stopping) {
			step_fail(s, FUGUE_E_RETRYABLE, "stopped: the Conductor is shutting down");
			return;
		}
		if (s->n->kind == N_DELETE) {
			delete_main(s);
			return;
		}
		rrec_save(s->j->e->rs, r, on_result_saved, s);
		return;
	}
	/* The resource is gone: so is its record. */
	rrec_set(&r->intent, NULL);
	rrec_remove(s->j->e->rs, r, on_removed, s);
}

/* Deletes the retiring copy of the step's record. */
static void
retire(struct step *s)
{
	struct rrec *r = s->rec;
	struct op_spec sp;

	s->retire_then = 1;
	spec_init(&sp, s->j, r, s->j->prio_write);
	sp.physical = r->retiring;
	sp.region = r->retiring_region;
	host_op_start(s->j->e->host, s->pt, OPK_DELETE, &sp, on_deleted, NULL, s);
}

/* The delete intent reached the table. */
static void
on_delete_intent(struct rrec *r, int ok, const char *err, void *arg)
{
	struct step *s = arg;
	struct op_spec sp;

	if (!ok) {
		step_fail(s, FUGUE_E_FATAL, err ? err : "the resources table refused the intent");
		return;
	}
	if (s->j->e->stopping) {
		step_fail(s, FUGUE_E_RETRYABLE, "stopped: the Conductor is shutting down");
		return;
	}
	spec_init(&sp, s->j, r, s->j->prio_write);
	sp.observed = rrec_obs(r);
	host_op_start(s->j->e->host, s->pt, OPK_DELETE, &sp, on_deleted, NULL, s);
}

/* Deletes the record's resource, intent first. */
static void
delete_main(struct step *s)
{
	struct rrec *r = s->rec;

	if (r->physical == NULL) {
		/* Never made (a create that failed): only the record goes. */
		s->n->act = PA_NONE;
		rrec_remove(s->j->e->rs, r, on_removed, s);
		return;
	}
	rrec_set(&r->intent, "delete");
	r->status = RS_DELETING;
	rrec_save(s->j->e->rs, r, on_delete_intent, s);
}

/* The record a retire or delete step works on: a retire's is its converge step's (plan_build
 * puts converge steps first, in composition order). */
static struct rrec *
step_rec(const struct job *j, const struct pnode *n)
{
	return n->kind == N_RETIRE ? j->plan.v[n->res].rec : n->rec;
}

/* Starts one step, holding a place of gate (or none). */
static void
step_start(struct job *j, size_t idx, struct sched_bucket *gate)
{
	struct step *s = fg_calloc(1, sizeof(*s));
	struct pnode *n = &j->plan.v[idx];

	s->j = j;
	s->idx = idx;
	s->n = n;
	s->gate = gate;
	n->state = NS_RUN;
	j->pending++;
	if (n->kind == N_CONVERGE) {
		converge_start(s);
		return;
	}
	s->rec = step_rec(j, n);
	s->pt = s->rec ? plugins_type(j->e->plugins, s->rec->type) : NULL;
	if (s->rec == NULL || (n->kind == N_RETIRE && s->rec->retiring == NULL)) {
		step_end(s, 1);
		return;
	}
	if (s->pt == NULL) {
		char *msg = fg_printf("no plugin provides %s", s->rec->type);

		step_fail(s, FUGUE_E_FATAL, msg);
		free(msg);
		return;
	}
	if (s->rec->retiring != NULL)
		retire(s);
	else
		delete_main(s);
}

/* Marks the steps after idx skipped (a step they depend on failed). */
static void
skip_after(struct job *j, size_t idx)
{
	struct pnode *n = &j->plan.v[idx];

	for (size_t k = 0; k < n->nsucc; k++) {
		struct pnode *m = &j->plan.v[n->succ[k]];

		if (m->state != NS_WAIT)
			continue;
		m->state = NS_SKIPPED;
		j->left--;
		if (m->kind == N_CONVERGE)
			note_failure(j, j->p->comp->res[m->res].lid,
			    "skipped: a resource it depends on failed");
		skip_after(j, n->succ[k]);
	}
}

/* A step ended. */
static void
step_end(struct step *s, int ok)
{
	struct job *j = s->j;
	struct pnode *n = s->n;

	n->state = ok ? NS_DONE : NS_FAILED;
	if (ok && n->kind == N_CONVERGE && n->act != PA_NONE) {
		j->counts[n->act]++;
		if (j->kind == J_ENFORCE)
			engine_emit(j->e, j->p->fid, "drift-fixed", "%s: %s%s%s", s->rec->lid,
			    pact_name(n->act), n->why ? " " : "", n->why ? n->why : "");
	} else if (ok && n->kind == N_DELETE && n->act == PA_DELETE)
		j->counts[PA_DELETE]++;
	j->left--;
	if (ok) {
		for (size_t k = 0; k < n->nsucc; k++)
			if (--j->plan.v[n->succ[k]].nwait == 0 &&
			    j->plan.v[n->succ[k]].state == NS_WAIT)
				j->ready[j->nready++] = n->succ[k];
	} else
		skip_after(j, s->idx);
	if (s->gate != NULL)
		sched_release(s->gate);
	if (s->rec != NULL)
		rrec_obs_drop(s->rec); /* parsed again if a later step refers to it */
	fg_json_free(s->want);
	free(s);
	j->pending--;
	dispatch(j);
}

/* The gate of the service a step calls, or NULL when it calls none. */
static struct sched_bucket *
step_gate(const struct job *j, const struct pnode *n)
{
	const struct ptype *pt;
	const char *region;

	if (n->kind == N_CONVERGE) {
		pt = j->p->comp->res[n->res].pt;
		region = j->p->comp->res[n->res].region;
	} else {
		const struct rrec *r = step_rec(j, n);

		if (r == NULL || (n->kind == N_RETIRE && r->retiring == NULL))
			return NULL;
		pt = plugins_type(j->e->plugins, r->type);
		region = r->retiring != NULL ? r->retiring_region : r->region;
	}
	if (pt == NULL || pt->service == NULL)
		return NULL;
	return sched_gate(j->e->sched, j->p->account, region ? region : "", pt->service);
}

/* A step got its place. */
static void
on_admitted(void *arg)
{
	struct admission *a = arg;
	struct job *j = a->j;
	struct sched_bucket *gate = a->gate;
	size_t idx = a->idx;

	j->plan.v[idx].adm = NULL;
	j->parked--;
	free(a);
	if (j->e->stopping) {
		sched_release(gate);
		dispatch(j);
		return;
	}
	step_start(j, idx, gate);
}

/* Starts a ready step once its service's gate has a place: the steps of all jobs that wait
 * for calls of one service stay within what its buckets can take, and their intents are
 * written shortly before their calls. */
static void
step_admit(struct job *j, size_t idx)
{
	struct sched_bucket *gate = step_gate(j, &j->plan.v[idx]);
	struct admission *a;

	if (gate == NULL) {
		step_start(j, idx, NULL);
		return;
	}
	a = fg_calloc(1, sizeof(*a));
	a->j = j;
	a->idx = idx;
	a->gate = gate;
	j->plan.v[idx].adm = a;
	j->parked++;
	a->wait = sched_acquire(gate, j->prio_write, j->p->fid, on_admitted, a);
}

/* Drops the job's waits for places. */
void
job_unpark(struct job *j)
{
	for (size_t i = 0; i < j->plan.n && j->parked > 0; i++) {
		struct admission *a = j->plan.v[i].adm;

		if (a == NULL)
			continue;
		sched_cancel(a->wait);
		free(a);
		j->plan.v[i].adm = NULL;
		j->parked--;
	}
}

/* Starts the steps that are ready; finishes the job when every step ended. Steps that end at
 * once call back in here: the outermost call does the work. */
static void
dispatch(struct job *j)
{
	if (j->dispatching)
		return;
	j->dispatching = 1;
	while (j->nready > 0 && !j->e->stopping) {
		size_t idx = j->ready[--j->nready];

		if (j->plan.v[idx].state == NS_WAIT && j->plan.v[idx].adm == NULL)
			step_admit(j, idx);
	}
	j->dispatching = 0;
	if (j->e->stopping)
		job_unpark(j);
	if (j->pending > 0 || j->parked > 0)
		return;
	if (j->e->stopping && j->left > 0)
		job_finish(j, "stopped: the Conductor is shutting down");
	else if (j->left == 0)
		job_finish(j, NULL);
}

/* Starts what is ready (or ends a stopped job). */
void
job_dispatch(struct job *j)
{
	dispatch(j);
}

/* Runs the plan: the steps without dependencies first, in plan order. */
void
job_execute(struct job *j)
{
	j->left = j->plan.n;
	j->ready = fg_calloc(j->plan.n + 1, sizeof(size_t));
	for (size_t i = j->plan.n; i-- > 0;)
		if (j->plan.v[j->plan.order[i]].nwait == 0)
			j->ready[j->nready++] = j->plan.order[i];
	dispatch(j);
}
