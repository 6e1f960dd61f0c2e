/* process.c: the processes in memory, their lock, their persistence (conditional writes on the
 * version), and their protocol record. */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "conductor.h"
#include "sigv4.h"

struct proc_waiter {
	TAILQ_ENTRY(proc_waiter) link;
	proc_held_fn fn;
	void *arg;
};

struct procs {
	struct conductor *c;
	TAILQ_HEAD(, proc) list;
	size_t n;
};

/* One write in progress. */
struct proc_write {
	struct conductor *c;
	struct proc *p;
	struct proc_rec rec;
	proc_cb cb;
	void *arg;
};

/* The process list. */
struct procs *
procs_new(struct conductor *c)
{
	struct procs *ps = fg_calloc(1, sizeof(*ps));

	ps->c = c;
	TAILQ_INIT(&ps->list);
	return ps;
}

/* Frees a process (nothing may wait for it). */
static void
proc_free(struct proc *p)
{
	if (p->retry)
		fg_timer_free(p->retry);
	proc_rec_free(&p->rec);
	free(p);
}

/* Frees the list. */
void
procs_free(struct procs *ps)
{
	struct proc *p;
	struct proc_waiter *w;

	if (ps == NULL)
		return;
	while ((p = TAILQ_FIRST(&ps->list)) != NULL) {
		TAILQ_REMOVE(&ps->list, p, link);
		while ((w = TAILQ_FIRST(&p->waiting)) != NULL) {
			TAILQ_REMOVE(&p->waiting, w, link);
			free(w);
		}
		proc_free(p);
	}
	free(ps);
}

/* A new process in memory, moving rec into it. */
static struct proc *
proc_add(struct conductor *c, struct proc_rec *rec)
{
	struct proc *p = fg_calloc(1, sizeof(*p));

	p->c = c;
	p->rec = *rec;
	memset(rec, 0, sizeof(*rec));
	TAILQ_INIT(&p->waiting);
	TAILQ_INSERT_TAIL(&c->procs->list, p, link);
	c->procs->n++;
	return p;
}

/* A process by FID or alias. */
struct proc *
proc_find(struct conductor *c, const char *key)
{
	struct proc *p;

	TAILQ_FOREACH(p, &c->procs->list, link)
		if (strcmp(p->rec.fid, key) == 0 ||
		    (p->rec.props.alias && strcmp(p->rec.props.alias, key) == 0))
			return p;
	return NULL;
}

/* Iteration over the processes. */
struct proc *
procs_first(struct conductor *c)
{
	return TAILQ_FIRST(&c->procs->list);
}

/* The process after p. */
struct proc *
proc_next(struct proc *p)
{
	return TAILQ_NEXT(p, link);
}

/* How many processes there are. */
size_t
procs_count(struct conductor *c)
{
	return c->procs->n;
}

/* Holds p for fn, now or after those before it. */
void
proc_acquire(struct conductor *c, struct proc *p, proc_held_fn fn, void *arg)
{
	struct proc_waiter *w;

	if (!p->busy) {
		p->busy = 1;
		fn(c, p, arg);
		return;
	}
	w = fg_calloc(1, sizeof(*w));
	w->fn = fn;
	w->arg = arg;
	TAILQ_INSERT_TAIL(&p->waiting, w, link);
}

/* Lets the next waiter hold p; frees a gone process nothing waits for. */
void
proc_release(struct conductor *c, struct proc *p)
{
	struct proc_waiter *w = TAILQ_FIRST(&p->waiting);
	proc_held_fn fn;
	void *arg;

	if (w == NULL) {
		p->busy = 0;
		if (p->gone && p->jobs == 0)
			proc_free(p);
		return;
	}
	TAILQ_REMOVE(&p->waiting, w, link);
	fn = w->fn;
	arg = w->arg;
	free(w);
	fn(c, p, arg);
}

/* A process write ended. */
static void
on_write(const struct store_reply *sr, void *arg)
{
	struct proc_write *pw = arg;

	if (sr->status == STORE_OK) {
		pw->rec.ver = sr->ver;
		if (pw->p == NULL) {
			pw->p = proc_add(pw->c, &pw->rec);
		} else {
			proc_rec_free(&pw->p->rec);
			pw->p->rec = pw->rec;
			memset(&pw->rec, 0, sizeof(pw->rec));
		}
	} else
		log_warnx("process %s: writing its record: %s", pw->rec.fid, sr->message);
	pw->cb(pw->c, pw->p, sr, pw->arg);
	proc_rec_free(&pw->rec);
	free(pw);
}

/* Writes rec conditionally on expect. */
static void
proc_write(struct conductor *c, struct proc *p, struct proc_rec *rec, int64_t expect,
    proc_cb cb, void *arg)
{
	struct proc_write *pw = fg_calloc(1, sizeof(*pw));
	struct fg_jw w;

	pw->c = c;
	pw->p = p;
	pw->rec = *rec;
	memset(rec, 0, sizeof(*rec));
	pw->rec.updated_ms = fg_wall_ms();
	pw->cb = cb;
	pw->arg = arg;
	store_item_begin(&w);
	proc_rec_write(&w, &pw->rec);
	store_put(c->store, STORE_PROCESSES, &w, expect, on_write, pw);
}

/* Persists a changed record of a held process. */
void
proc_save(struct conductor *c, struct proc *p, struct proc_rec *rec, proc_cb cb, void *arg)
{
	proc_write(c, p, rec, p->rec.ver, cb, arg);
}

/* Persists a new process; it is added on success. */
void
proc_create(struct conductor *c, struct proc_rec *rec, proc_cb cb, void *arg)
{
	proc_write(c, NULL, rec, 0, cb, arg);
}

struct forget {
	struct conductor *c;
	struct proc *p;
	proc_cb cb;
	void *arg;
};

/* The killed process's item is deleted. */
static void
on_forgotten(const struct store_reply *sr, void *arg)
{
	struct forget *f = arg;
	struct proc *p = f->p;

	if (sr->status == STORE_OK) {
		TAILQ_REMOVE(&f->c->procs->list, p, link);
		f->c->procs->n--;
		p->gone = 1;
	} else
		log_warnx("process %s: deleting its record: %s", p->rec.fid, sr->message);
	f->cb(f->c, p, sr, f->arg);
	free(f);
}

/* Deletes a killed process's item; the process is gone once released. */
void
proc_forget(struct conductor *c, struct proc *p, proc_cb cb, void *arg)
{
	struct forget *f = fg_calloc(1, sizeof(*f));

	f->c = c;
	f->p = p;
	f->cb = cb;
	f->arg = arg;
	store_delete(c->store, STORE_PROCESSES, "process", p->rec.fid, p->rec.ver, on_forgotten, f);
}

/* Writes the protocol's process record. */
void
proc_write_json(struct conductor *c, struct fg_jw *w, const struct proc *p, int with_resources,
    fg_json plan)
{
	char when[32];

	fg_jw_obj(w);
	fg_jw_kstr(w, "fid", p->rec.fid);
	fg_jw_kstr(w, "alias", p->rec.props.alias ? p->rec.props.alias : "");
	fg_jw_kstr(w, "state", proc_state_name(p->rec.state));
	fg_jw_kstr(w, "account", p->rec.account);
	fg_jw_kstr(w, "region", p->rec.region);
	rfc3339_format(p->rec.created_ms, when);
	fg_jw_kstr(w, "created", when);
	rfc3339_format(p->rec.updated_ms, when);
	fg_jw_kstr(w, "updated", when);
	fg_jw_kstr(w, "composition", p->rec.composition);
	fg_jw_key(w, "properties");
	props_write(w, &p->rec.props, NULL);
	fg_jw_kstr(w, "last_message", p->rec.last_message ? p->rec.last_message : "");
	fg_jw_kstr(w, "owner", p->rec.owner ? p->rec.owner : "");
	fg_jw_key(w, "resources");
	engine_counts(c->engine, p->rec.fid, w);
	if (with_resources) {
		fg_jw_key(w, "resource_list");
		if (engine_status(c->engine, p->rec.fid, w) < 0) {
			fg_jw_arr(w);
			fg_jw_end_arr(w);
		}
	}
	if (plan) {
		fg_jw_key(w, "plan");
		fg_jw_value(w, plan);
	}
	fg_jw_end_obj(w);
}

/* A UUIDv4-shaped FID from the hash of a request id. */
void
fid_from_request(const char *id, char out[37])
{
	unsigned char h[32];
	char *in = fg_printf("fugue-fid:%s", id), hex[33];

	fg_sha256(in, strlen(in), h);
	free(in);
	h[6] = (unsigned char)((h[6] & 0x0f) | 0x40); /* version 4 */
	h[8] = (unsigned char)((h[8] & 0x3f) | 0x80); /* RFC 4122 variant */
	fg_hex(h, 16, hex);
	snprintf(out, 37, "%.8s-%.4s-%.4s-%.4s-%.12s", hex, hex + 8, hex + 12, hex + 16, hex + 20);
}

/* What the engine needs to know of a process. */
void
proc_engine(const struct proc_rec *rec, struct engine_process *ep)
{
	memset(ep, 0, sizeof(*ep));
	ep->fid = rec->fid;
	ep->account = rec->account;
	ep->enforce = rec->state == PROC_RUNNING && rec->props.enforcement;
	ep->interval_s = (unsigned)rec->props.interval_s;
}

/* The last message is saved. */
static void
on_message_saved(struct conductor *c, struct proc *p, const struct store_reply *sr, void *arg)
{
	(void)sr;
	free(arg);
	proc_release(c, p);
}

/* Holds the process: saves its new last message. */
static void
message_held(struct conductor *c, struct proc *p, void *arg)
{
	char *text = arg;
	struct proc_rec rec;

	if (p->gone || strcmp(p->rec.last_message ? p->rec.last_message : "", text) == 0) {
		free(text);
		proc_release(c, p);
		return;
	}
	proc_rec_copy(&rec, &p->rec);
	free(rec.last_message);
	rec.last_message = text;
	proc_save(c, p, &rec, on_message_saved, NULL);
}

/* A runtime job on p starts. */
void
proc_job_begin(struct proc *p)
{
	p->jobs++;
}

/* A runtime job on p ended: a gone process nothing holds is freed. */
void
proc_job_end(struct proc *p)
{
	if (--p->jobs == 0 && p->gone && !p->busy)
		proc_free(p);
}

/* Sets a process's last message once it is free. */
void
proc_set_message(struct conductor *c, struct proc *p, const char *message)
{
	proc_acquire(c, p, message_held, fg_strdup(message ? message : ""));
}

/* --- Boot. */

struct load {
	struct conductor *c;
	void (*done)(void *, const char *);
	void *arg;
};

/* Every process item arrived: keep them, then start their jobs. */
static void
on_loaded(const struct store_reply *sr, void *arg)
{
	struct load *l = arg;
	struct conductor *c = l->c;
	struct proc_rec rec;
	struct proc *p;
	char *err = NULL;
	size_t i;

	if (sr->status != STORE_OK) {
		l->done(l->arg, sr->message);
		free(l);
		return;
	}
	for (i = 0; i < sr->nitems; i++) {
		if (proc_rec_read(sr->items[i], &rec, &err) < 0) {
			log_warnx("%s: skipped", err);
			free(err);
			err = NULL;
			continue;
		}
		proc_add(c, &rec);
	}
	for (p = procs_first(c); p != NULL; p = proc_next(p)) {
		if (p->rec.state == PROC_RUNNING)
			job_apply(c, p, NULL, "boot", "", "");
		else if (p->rec.state == PROC_KILLING)
			job_kill(c, p, "", "");
	}
	log_info("%zu processes loaded", c->procs->n);
	l->done(l->arg, NULL);
	free(l);
}

/* Loads every process from the store. */
void
procs_load(struct conductor *c, void (*done)(void *arg, const char *err), void *arg)
{
	struct load *l = fg_calloc(1, sizeof(*l));
	struct store_query q = { .pk = "process" };

	l->c = c;
	l->done = done;
	l->arg = arg;
	store_query(c->store, STORE_PROCESSES, &q, on_loaded, l);
}
