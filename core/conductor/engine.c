/* engine.c: the engine's face to the runtime (engine.h): processes, their job queues and
 * enforcement timers, recovery at boot and shutdown. Jobs observe (broker.c), plan
 * (manager.c) and execute (broker.c). */
#include "config.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "engine_int.h"
#include "http.h"
#include "store.h"

#ifndef CONDUCTOR_PLUGIN_DIR
#define CONDUCTOR_PLUGIN_DIR "/usr/lib/fugue/plugins"
#endif
#define DEFAULT_INTERVAL_S 60
#define STOP_POLL_MS 20

static void proc_next_job(struct eproc *);
static void on_job_start(void *);
static void proc_arm(struct eproc *);

/* Reports something the runtime records (history, events topic). */
void
engine_emit(struct engine *e, const char *fid, const char *kind, const char *fmt, ...)
{
	struct fg_buf b;
	va_list ap;

	fg_buf_init(&b);
	va_start(ap, fmt);
	fg_buf_vaddf(&b, fmt, ap);
	va_end(ap);
	log_debug("engine", "%s %s: %s", fid, kind, b.data);
	if (e->event != NULL)
		e->event(e->event_arg, fid, kind, b.data);
	fg_buf_free(&b);
}

/* Logs what the engine did since it started: AWS calls, table writes, the most at once. */
static void
log_stats(const struct engine *e)
{
	struct host_stats hs;
	struct sched_stats ss;
	uint64_t writes, wpeak;

	host_stats(e->host, &hs);
	sched_stats(e->sched, &ss);
	rstore_stats(e->rs, &writes, &wpeak);
	log_info("engine: %llu AWS calls (%llu retries, %llu throttled), at most %llu in flight; "
	    "%llu table writes, at most %llu in flight", (unsigned long long)hs.calls,
	    (unsigned long long)hs.retries, (unsigned long long)ss.throttled,
	    (unsigned long long)hs.peak, (unsigned long long)writes, (unsigned long long)wpeak);
}

/* --- processes --- */

/* The process fid, or NULL. */
static struct eproc *
proc_find(const struct engine *e, const char *fid)
{
	for (struct eproc *p = e->procs; p != NULL; p = p->next)
		if (strcmp(p->fid, fid) == 0)
			return p;
	return NULL;
}

/* The enforcement timer fired. */
static void
on_enforce_timer(void *arg)
{
	struct eproc *p = arg;
	struct job *j;

	if (!p->enforce || p->comp == NULL || p->e->stopping)
		return;
	for (j = p->queue; j != NULL; j = j->next)
		if (j->kind == J_ENFORCE)
			return;
	j = fg_calloc(1, sizeof(*j));
	j->e = p->e;
	j->p = p;
	j->kind = J_ENFORCE;
	j->prio_read = PRIO_SWEEP;
	j->prio_write = PRIO_REMEDY;
	fg_buf_init(&j->failures);
	/* Enforcement goes behind user commands. */
	{
		struct job **tail = &p->queue;

		while (*tail != NULL)
			tail = &(*tail)->next;
		*tail = j;
	}
	proc_next_job(p);
}

/* The process fid, made when new. */
static struct eproc *
proc_get(struct engine *e, const char *fid, const char *account)
{
	struct eproc *p = proc_find(e, fid);

	if (p != NULL) {
		if (account != NULL && *account && strcmp(p->account, account) != 0)
			rrec_set(&p->account, account);
		return p;
	}
	p = fg_calloc(1, sizeof(*p));
	p->e = e;
	p->fid = fg_strdup(fid);
	p->account = fg_strdup(account ? account : "");
	p->interval_s = DEFAULT_INTERVAL_S;
	p->timer = fg_timer_new(e->loop, on_enforce_timer, p);
	p->start = fg_timer_new(e->loop, on_job_start, p);
	p->next = e->procs;
	e->procs = p;
	return p;
}

/* Forgets a process (no job may be running or queued). */
static void
proc_free(struct engine *e, struct eproc *p)
{
	struct eproc **pp;

	for (pp = &e->procs; *pp != NULL; pp = &(*pp)->next)
		if (*pp == p) {
			*pp = p->next;
			break;
		}
	for (size_t i = 0; i < p->nrecs; i++)
		rrec_free(p->recs[i]);
	free(p->recs);
	comp_free(p->comp);
	fg_timer_free(p->timer);
	fg_timer_free(p->start);
	free(p->fid);
	free(p->account);
	free(p);
}

/* Adds a record to the process. */
void
eproc_add_rec(struct eproc *p, struct rrec *r)
{
	if (p->nrecs == p->caprecs) {
		p->caprecs = p->caprecs ? 2 * p->caprecs : 16;
		p->recs = fg_realloc(p->recs, p->caprecs * sizeof(struct rrec *));
	}
	p->recs[p->nrecs++] = r;
}

/* Takes a record out of the process (the caller frees it). */
void
eproc_drop_rec(struct eproc *p, struct rrec *r)
{
	for (size_t i = 0; i < p->nrecs; i++)
		if (p->recs[i] == r) {
			p->recs[i] = p->recs[--p->nrecs];
			return;
		}
}

/* The record of lid, or NULL. */
struct rrec *
eproc_rec(const struct eproc *p, const char *lid)
{
	for (size_t i = 0; i < p->nrecs; i++)
		if (strcmp(p->recs[i]->lid, lid) == 0)
			return p->recs[i];
	return NULL;
}

/* Arms the enforcement timer when the process is enforced and idle. */
static void
proc_arm(struct eproc *p)
{
	if (!p->enforce || p->comp == NULL || p->e->stopping || p->job != NULL) {
		fg_timer_del(p->timer);
		return;
	}
	if (!fg_timer_pending(p->timer))
		fg_timer_add(p->timer, sched_jitter((uint64_t)p->interval_s * 1000));
}

/* --- jobs --- */

/* A new job, queued behind the other user commands (ahead of enforcement). */
static struct job *
job_new(struct engine *e, struct eproc *p, enum jkind kind, int dry_run, engine_done_fn cb,
    void *arg)
{
	struct job *j = fg_calloc(1, sizeof(*j)), **tail;

	j->e = e;
	j->p = p;
	j->kind = kind;
	j->dry_run = dry_run;
	j->cb = cb;
	j->arg = arg;
	j->prio_read = j->prio_write = PRIO_USER;
	fg_buf_init(&j->failures);
	for (tail = &p->queue; *tail != NULL && (*tail)->kind != J_ENFORCE; tail = &(*tail)->next)
		;
	j->next = *tail;
	*tail = j;
	return j;
}

/* Takes r out of the process; the job frees it when it ends. */
void
job_bury(struct job *j, struct rrec *r)
{
	eproc_drop_rec(j->p, r);
	j->dead = fg_realloc(j->dead, (j->ndead + 1) * sizeof(struct rrec *));
	j->dead[j->ndead++] = r;
}

/* Frees a job. */
static void
job_free(struct job *j)
{
	job_unpark(j);
	plan_free(&j->plan);
	comp_free(j->comp);
	for (size_t i = 0; i < j->next_obs; i++)
		fg_json_free(j->ext_obs[i]);
	free(j->ext_obs);
	for (size_t i = 0; i < j->ndead; i++)
		rrec_free(j->dead[i]);
	free(j->dead);
	free(j->ready);
	fg_buf_free(&j->failures);
	free(j);
}

/* The job's summary for the process's last message: "created 2, deleted 1; 1 failed: ...". */
static char *
job_message(const struct job *j, const char *stop_reason)
{
	static const char *const verbs[] = { "", "created", "updated", "replaced", "deleted" };
	struct fg_buf b;
	size_t parts = 0;

	fg_buf_init(&b);
	if (j->dry_run)
		fg_buf_addstr(&b, "dry run: would have ");
	for (int a = PA_CREATE; a <= PA_DELETE; a++) {
		unsigned n = j->counts[a];

		if (j->dry_run) {
			n = 0;
			for (size_t i = 0; i < j->plan.n; i++)
				n += j->plan.v[i].kind != N_RETIRE && j->plan.v[i].act == (enum pact)a;
		}
		if (n > 0)
			fg_buf_addf(&b, "%s%s %u", parts++ ? ", " : "", verbs[a], n);
	}
	if (j->resolved > 0)
		fg_buf_addf(&b, "%sresolved %u intents", parts++ ? ", " : "", j->resolved);
	if (parts == 0)
		fg_buf_addstr(&b, j->dry_run ? "changed nothing" : "no changes");
	if (stop_reason != NULL)
		fg_buf_addf(&b, "; %s", stop_reason);
	if (j->failed > 0)
		fg_buf_addf(&b, "; %u failed: %s", j->failed, j->failures.data);
	return fg_buf_detach(&b);
}

/* Ends a job: reports, frees it, starts the process's next one. */
void
job_finish(struct job *j, const char *stop_reason)
{
	struct eproc *p = j->p;
	struct engine *e = j->e;
	int ok = j->failed == 0 && stop_reason == NULL;
	char *msg = job_message(j, stop_reason);
	fg_json plan = NULL;

	if (j->plan.v != NULL) {
		struct fg_jw w;
		const struct comp *c = j->dry_run && j->comp ? j->comp : p->comp;

		fg_jw_init(&w, 0);
		plan_write(&j->plan, c, &w);
		plan = json_from_writer(&w);
		fg_jw_free(&w);
	}
	if (j->kind == J_ENFORCE)
		engine_emit(e, p->fid, "job-finished", "enforce: %s", msg);
	log_info("%s: %s: %s", p->fid, j->kind == J_APPLY ? "apply" : j->kind == J_KILL ? "kill" :
	    j->kind == J_ENFORCE ? "enforce" : "recover", msg);
	if (j->kind != J_ENFORCE)
		log_stats(e);
	if (p->job == j)
		p->job = NULL;
	/* Between jobs the records keep their observations as text only. */
	for (size_t i = 0; i < p->nrecs; i++)
		rrec_obs_drop(p->recs[i]);
	if (j->kind == J_KILL && ok && !j->dry_run && p->nrecs == 0) {
		/* Killed: nothing of the process is left to enforce. */
		comp_free(p->comp);
		p->comp = NULL;
	}
	if (j->cb != NULL)
		j->cb(j->arg, ok, msg, plan);
	fg_json_free(plan);
	free(msg);
	job_free(j);
	if (p->job == NULL && p->queue == NULL && p->nrecs == 0 && p->comp == NULL) {
		/* Killed, or known only for a dry run: forget it. */
		proc_free(e, p);
		return;
	}
	proc_next_job(p);
}

/* The observation ended: plan, then execute (or report the plan of a dry run). */
void
job_observed(struct job *j)
{
	struct eproc *p = j->p;
	const struct comp *c;
	char *err = NULL;

	if (j->kind == J_RECOVER) {
		job_finish(j, NULL);
		return;
	}
	if (j->kind == J_APPLY && !j->dry_run) {
		/* From now on this composition is the one enforced. */
		comp_free(p->comp);
		p->comp = j->comp;
		j->comp = NULL;
	}
	c = j->kind == J_KILL ? NULL : j->comp ? j->comp : p->comp;
	if (c == NULL && j->kind != J_KILL)
		err = fg_strdup("the process has no composition");
	else
		plan_build(&j->plan, c, p->recs, p->nrecs, p->fid, job_ref, j, &err);
	if (err != NULL) {
		j->failed++;
		fg_buf_addstr(&j->failures, err);
		free(err);
		job_finish(j, NULL);
		return;
	}
	if (j->dry_run) {
		job_finish(j, NULL);
		return;
	}
	job_execute(j);
}

/* Starts the process's next job when it is idle. */
static void
proc_next_job(struct eproc *p)
{
	struct job *j;

	if (p->job != NULL || (j = p->queue) == NULL) {
		proc_arm(p);
		return;
	}
	if (p->e->stopping) {
		while ((j = p->queue) != NULL) {
			p->queue = j->next;
			if (j->cb != NULL)
				j->cb(j->arg, 0, "the Conductor is shutting down", NULL);
			job_free(j);
		}
		return;
	}
	p->queue = j->next;
	p->job = j;
	fg_timer_del(p->timer);
	/* From the loop: a job may end at once, and callbacks never run inside the call. */
	fg_timer_add(p->start, 0);
}

/* Starts the process's current job. */
static void
on_job_start(void *arg)
{
	struct eproc *p = arg;

	if (p->job == NULL)
		return;
	if (p->job->kind == J_ENFORCE)
		engine_emit(p->e, p->fid, "job-started", "enforce");
	job_observe(p->job);
}

/* --- the interface --- */

/* Loads the plugins and sets up the Scheduler, the host and the resources table. */
struct engine *
engine_new(struct fg_loop *loop, struct fg_http_client *http, struct fg_aws_env *env,
    struct store *store, const struct engine_config *cfg, char **err)
{
	struct engine *e = fg_calloc(1, sizeof(*e));
	struct fg_retry_config rc;

	*err = NULL;
	e->loop = loop;
	e->plugins = plugins_new();
	if (plugins_load_dirs(e->plugins, cfg->plugin_dir && *cfg->plugin_dir ? cfg->plugin_dir :
	    CONDUCTOR_PLUGIN_DIR, cfg->schema_dir && *cfg->schema_dir ? cfg->schema_dir : NULL,
	    err) < 0) {
		plugins_free(e->plugins);
		free(e);
		return NULL;
	}
	/* One attempt per fg_aws call: the host retries through the buckets. */
	fg_retry_config_default(&rc);
	rc.max_attempts = 1;
	e->aws = fg_aws_new(loop, http, env, &rc);
	e->sched = sched_new(loop, cfg->limits, cfg->nlimits);
	e->host = host_new(loop, e->aws, e->sched);
	e->rs = rstore_new(loop, store);
	e->table = fg_strdup(store ? store_table_name(store, STORE_RESOURCES) :
	    cfg->resources_table ? cfg->resources_table : "fugue-resources");
	e->event = cfg->event;
	e->event_arg = cfg->event_arg;
	e->stop_timer = fg_timer_new(loop, NULL, NULL);
	log_info("engine: %zu plugins loaded, resources in %s%s", plugins_count(e->plugins),
	    e->table, store ? "" : " (in memory only)");
	return e;
}

/* Frees the engine; jobs still running end without their callbacks. */
void
engine_free(struct engine *e)
{
	if (e == NULL)
		return;
	e->stopping = 1;
	for (struct eproc *p = e->procs; p != NULL; p = p->next) {
		if (p->job != NULL)
			p->job->cb = NULL;
		for (struct job *j = p->queue; j != NULL; j = j->next)
			j->cb = NULL;
	}
	/* Ends every operation: steps fail, jobs finish (or wait for writes: freed below). */
	host_cancel_all(e->host);
	while (e->procs != NULL) {
		struct eproc *p = e->procs;
		struct job *j;

		while ((j = p->queue) != NULL) {
			p->queue = j->next;
			job_free(j);
		}
		if (p->job != NULL)
			job_free(p->job);
		p->job = NULL;
		proc_free(e, p);
	}
	host_free(e->host);
	sched_free(e->sched);
	fg_aws_free(e->aws);
	rstore_free(e->rs);
	plugins_free(e->plugins);
	fg_timer_free(e->stop_timer);
	free(e->table);
	free(e);
}

/* What recovery is doing. */
struct recovery {
	struct engine *e;
	engine_done_fn cb;
	void *arg;
	size_t pending;
	size_t records;
	int failed;
	struct fg_buf msg;
};

/* One process's recovery job ended. */
static void
on_recovered(void *arg, int ok, const char *message, fg_json plan)
{
	struct recovery *r = arg;
	size_t nprocs = 0;
	char *m;

	(void)plan;
	if (!ok) {
		r->failed = 1;
		fg_buf_addf(&r->msg, "; %s", message);
	}
	if (--r->pending > 0)
		return;
	for (struct eproc *p = r->e->procs; p != NULL; p = p->next)
		nprocs++;
	m = fg_printf("%zu resources of %zu processes loaded%s", r->records, nprocs,
	    r->msg.data ? r->msg.data : "");
	r->cb(r->arg, !r->failed, m, NULL);
	free(m);
	fg_buf_free(&r->msg);
	free(r);
}

/* The resources table was read: group the records by process and resolve their intents. */
static void
on_loaded(struct rrec **recs, size_t n, const char *err, void *arg)
{
	struct recovery *r = arg;
	struct engine *e = r->e;

	if (err != NULL) {
		char *m = fg_printf("the resources table %s cannot be read: %s", e->table, err);

		r->cb(r->arg, 0, m, NULL);
		free(m);
		free(r);
		return;
	}
	r->records = n;
	for (size_t i = 0; i < n; i++) {
		struct eproc *p = proc_get(e, recs[i]->fid, recs[i]->account);

		if (eproc_rec(p, recs[i]->lid) != NULL) {
			rrec_free(recs[i]);
			continue;
		}
		eproc_add_rec(p, recs[i]);
	}
	free(recs);
	r->pending = 1;
	for (struct eproc *p = e->procs; p != NULL; p = p->next) {
		r->pending++;
		job_new(e, p, J_RECOVER, 0, on_recovered, r);
		proc_next_job(p);
	}
	on_recovered(r, 1, NULL, NULL);
}

/* Loads the resources table and resolves intents without a result. */
void
engine_recover(struct engine *e, engine_done_fn cb, void *arg)
{
	struct recovery *r = fg_calloc(1, sizeof(*r));

	r->e = e;
	r->cb = cb;
	r->arg = arg;
	fg_buf_init(&r->msg);
	rstore_load(e->rs, on_loaded, r);
}

/* Answers a job that cannot start, from the loop. */
struct refusal {
	engine_done_fn cb;
	void *arg;
	char *msg;
	struct fg_timer *t;
};

/* Delivers a refusal. */
static void
on_refusal(void *arg)
{
	struct refusal *r = arg;

	r->cb(r->arg, 0, r->msg, NULL);
	fg_timer_free(r->t);
	free(r->msg);
	free(r);
}

/* Refuses a job with msg (taken), never from inside the call. */
static void
refuse(struct engine *e, engine_done_fn cb, void *arg, char *msg)
{
	struct refusal *r = fg_calloc(1, sizeof(*r));

	r->cb = cb;
	r->arg = arg;
	r->msg = msg;
	r->t = fg_timer_new(e->loop, on_refusal, r);
	fg_timer_add(r->t, 0);
}

/* run, update, resume. */
void
engine_apply(struct engine *e, const struct engine_process *ep, fg_json composition,
    int dry_run, engine_done_fn cb, void *arg)
{
	char *err = NULL;
	struct comp *c;
	struct eproc *p;
	struct job *j;

	if (e->stopping) {
		refuse(e, cb, arg, fg_strdup("the Conductor is shutting down"));
		return;
	}
	c = comp_new(e->plugins, composition, &err);
	if (c == NULL) {
		refuse(e, cb, arg, fg_printf("the composition cannot be applied: %s", err));
		free(err);
		return;
	}
	/* A dry run of a new process plans against nothing and leaves nothing behind. */
	p = proc_get(e, ep->fid, ep->account);
	if (!dry_run) {
		rrec_set(&p->account, ep->account ? ep->account : "");
		p->enforce = ep->enforce;
		p->interval_s = ep->interval_s ? ep->interval_s : DEFAULT_INTERVAL_S;
	}
	j = job_new(e, p, J_APPLY, dry_run, cb, arg);
	j->comp = c;
	proc_next_job(p);
}

/* kill. */
void
engine_kill(struct engine *e, const char *fid, int dry_run, engine_done_fn cb, void *arg)
{
	struct eproc *p = proc_find(e, fid);

	if (e->stopping) {
		refuse(e, cb, arg, fg_strdup("the Conductor is shutting down"));
		return;
	}
	if (p == NULL)
		p = proc_get(e, fid, NULL);
	if (!dry_run) {
		p->enforce = 0;
		fg_timer_del(p->timer);
	}
	job_new(e, p, J_KILL, dry_run, cb, arg);
	proc_next_job(p);
}

/* One enforcement pass now. */
void
engine_enforce(struct engine *e, const char *fid, engine_done_fn cb, void *arg)
{
	struct eproc *p = proc_find(e, fid);
	struct job *j;

	if (p == NULL || p->comp == NULL) {
		refuse(e, cb, arg, fg_printf("process %s has no composition here to enforce", fid));
		return;
	}
	j = job_new(e, p, J_ENFORCE, 0, cb, arg);
	j->prio_read = PRIO_SWEEP;
	j->prio_write = PRIO_REMEDY;
	proc_next_job(p);
}

/* Suspend, resume, property changes. */
void
engine_set_enforcement(struct engine *e, const char *fid, int on, unsigned interval_s)
{
	struct eproc *p = proc_find(e, fid);

	if (p == NULL)
		return;
	p->enforce = on;
	if (interval_s != 0 && interval_s != p->interval_s) {
		p->interval_s = interval_s;
		fg_timer_del(p->timer);
	}
	proc_arm(p);
}

/* The process's resources, for status. */
int
engine_status(struct engine *e, const char *fid, struct fg_jw *w)
{
	struct eproc *p = proc_find(e, fid);

	if (p == NULL)
		return -1;
	fg_jw_arr(w);
	for (size_t i = 0; i < p->nrecs; i++) {
		struct rrec *r = p->recs[i];

		fg_jw_obj(w);
		fg_jw_kstr(w, "logical_id", r->lid);
		fg_jw_kstr(w, "type", r->type);
		fg_jw_kstr(w, "physical_id", r->physical);
		fg_jw_kstr(w, "status", rstatus_name(r->status));
		fg_jw_kint(w, "attempts", r->attempts);
		fg_jw_kstr(w, "last_error", r->last_error);
		fg_jw_key(w, "attributes");
		if (r->obs != NULL)
			fg_jw_value(w, r->obs);
		else if (r->obs_text != NULL) {
			/* Parsed for the reply only: idle records keep the text. */
			fg_json v = rrec_obs(r);

			fg_jw_value(w, v);
			rrec_obs_drop(r);
		} else
			fg_jw_null(w);
		fg_jw_end_obj(w);
	}
	fg_jw_end_arr(w);
	return 0;
}

/* Counts of the process's resources by status, those its job has yet to start included. */
void
engine_counts(struct engine *e, const char *fid, struct fg_jw *w)
{
	struct eproc *p = proc_find(e, fid);
	unsigned n[RS_N] = { 0 };

	for (size_t i = 0; p != NULL && i < p->nrecs; i++)
		n[p->recs[i]->status]++;
	/* New resources whose steps have not started (waiting for what they refer to, or for
	 * their service's gate) have no record yet: pending too. */
	for (size_t i = 0; p != NULL && p->job != NULL && !p->job->dry_run &&
	    i < p->job->plan.n; i++) {
		const struct pnode *nd = &p->job->plan.v[i];

		n[RS_PENDING] += nd->kind == N_CONVERGE && nd->state == NS_WAIT && nd->rec == NULL;
	}
	fg_jw_obj(w);
	for (int s = 0; s < RS_N; s++)
		fg_jw_kint(w, rstatus_name((enum rstatus)s), n[s]);
	fg_jw_end_obj(w);
}

/* Waits for the writes in flight to land, or the deadline. */
static void
on_stop_poll(void *arg)
{
	struct engine *e = arg;
	struct host_stats hs;
	int quiet;

	host_stats(e->host, &hs);
	quiet = rstore_pending(e->rs) == 0 && hs.ops == 0;
	if (!quiet && fg_mono_ms() < e->stop_deadline) {
		fg_timer_add(e->stop_timer, STOP_POLL_MS);
		return;
	}
	if (e->stop_cb != NULL) {
		engine_done_fn cb = e->stop_cb;

		e->stop_cb = NULL;
		cb(e->stop_arg, quiet, quiet ? "engine stopped" :
		    "engine stopped with writes still in flight: recovery resolves them at the next "
		    "start", NULL);
	}
}

/* SIGTERM: no new calls; the calls in flight are cancelled and their intents stay written
 * for recovery; returns once the resources table has every result. */
void
engine_shutdown(struct engine *e, unsigned timeout_ms, engine_done_fn cb, void *arg)
{
	e->stopping = 1;
	e->stop_cb = cb;
	e->stop_arg = arg;
	e->stop_deadline = fg_mono_ms() + timeout_ms;
	for (struct eproc *p = e->procs; p != NULL; p = p->next) {
		fg_timer_del(p->timer);
		proc_next_job(p); /* answers the queued jobs */
	}
	host_cancel_all(e->host); /* the steps end, their results are written, jobs finish */
	for (struct eproc *p = e->procs, *next; p != NULL; p = next) {
		next = p->next;
		/* A job whose steps all wait for their gates: nothing else would end it. */
		if (p->job != NULL && p->job->parked > 0)
			job_dispatch(p->job);
	}
	fg_timer_free(e->stop_timer);
	e->stop_timer = fg_timer_new(e->loop, on_stop_poll, e);
	fg_timer_add(e->stop_timer, 0);
}
