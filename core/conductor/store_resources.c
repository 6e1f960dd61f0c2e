/* store_resources.c: the resources table (store.h, partition key "fid", sort key "lid"): one
 * versioned item per resource of a process. Writes of one record go out one at a time, in
 * order; a write asked for while another is in flight is sent after it with the record's
 * state at that moment, so intents always reach the table before the call they announce. */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "engine_int.h"
#include "store.h"

/* A callback waiting for a write. */
struct rwaiter {
	struct rwaiter *next;
	rrec_cb cb;
	void *arg;
};

/* One write of a record (a put or a delete) and who waits for it. */
struct rwrite {
	struct rstore *rs;
	struct rrec *rec;     /* NULL once the record was freed: the reply is dropped */
	int remove;
	int tries;            /* conditional writes lost to a late write */
	struct rwaiter *waiters;
	struct fg_timer *timer; /* memory-only store */
};

struct rstore {
	struct fg_loop *loop;
	struct store *store;
	size_t pending;
	uint64_t writes;
	uint64_t peak;
};

/* The name of a status. */
const char *
rstatus_name(enum rstatus s)
{
	static const char *const names[] = { "pending", "creating", "ready", "updating",
		"deleting", "failed" };

	return names[s];
}

/* A resources table over store (NULL: in memory only). */
struct rstore *
rstore_new(struct fg_loop *loop, struct store *store)
{
	struct rstore *rs = fg_calloc(1, sizeof(*rs));

	rs->loop = loop;
	rs->store = store;
	return rs;
}

/* Frees the table handle (records and their writes are the engine's). */
void
rstore_free(struct rstore *rs)
{
	free(rs);
}

/* Writes in flight. */
size_t
rstore_pending(const struct rstore *rs)
{
	return rs->pending;
}

/* Counters of the writes. */
void
rstore_stats(const struct rstore *rs, uint64_t *writes, uint64_t *peak)
{
	*writes = rs->writes;
	*peak = rs->peak;
}

/* Sets a string field to a copy of value (NULL clears it). */
void
rrec_set(char **field, const char *value)
{
	char *v = value ? fg_strdup(value) : NULL;

	free(*field);
	*field = v;
}

/* A new record. */
struct rrec *
rrec_new(const char *fid, const char *lid, const char *type, const char *account)
{
	struct rrec *r = fg_calloc(1, sizeof(*r));

	r->fid = fg_strdup(fid);
	r->lid = fg_strdup(lid);
	r->type = fg_strdup(type);
	r->account = fg_strdup(account ? account : "");
	r->status = RS_PENDING;
	return r;
}

/* Detaches a write from its record. */
static void
write_detach(struct rwrite *w)
{
	if (w != NULL)
		w->rec = NULL;
}

/* Frees a record; replies to its writes still in flight are dropped. */
void
rrec_free(struct rrec *r)
{
	if (r == NULL)
		return;
	write_detach(r->inflight);
	write_detach(r->notifying);
	if (r->queued != NULL) {
		struct rwaiter *wt;

		while ((wt = r->queued->waiters) != NULL) {
			r->queued->waiters = wt->next;
			free(wt);
		}
		free(r->queued);
	}
	free(r->fid);
	free(r->lid);
	free(r->type);
	free(r->account);
	free(r->region);
	free(r->physical);
	free(r->intent);
	free(r->token);
	free(r->last_error);
	free(r->props);
	free(r->obs_text);
	fg_json_free(r->obs);
	for (size_t i = 0; i < r->ndeps; i++)
		free(r->deps[i]);
	free(r->deps);
	free(r->retiring);
	free(r->retiring_region);
	free(r);
}

/* Keeps the observation's text; -1 with *err when it is not JSON. */
int
rrec_set_observed(struct rrec *r, const char *json, char **err)
{
	fg_json v = NULL;

	*err = NULL;
	if (json != NULL && (v = fg_json_parse(json, strlen(json), err)) == NULL)
		return -1;
	/* Parsed again when a step needs it: thousands of observations arrive together. */
	fg_json_free(v);
	rrec_obs_drop(r);
	rrec_set(&r->obs_text, json);
	return 0;
}

/* The observation parsed, from the text when the tree was dropped. */
fg_json
rrec_obs(struct rrec *r)
{
	char *err = NULL;

	if (r->obs == NULL && r->obs_text != NULL &&
	    (r->obs = fg_json_parse(r->obs_text, strlen(r->obs_text), &err)) == NULL) {
		/* rrec_set_observed checked it: not reached. */
		log_warnx("%s %s: observed: %s", r->fid, r->lid, err);
		free(err);
	}
	return r->obs;
}

/* Frees the parsed observation (the text stays). */
void
rrec_obs_drop(struct rrec *r)
{
	fg_json_free(r->obs);
	r->obs = NULL;
}

/* Writes the record's item attributes (without ver). */
void
rrec_write(struct fg_jw *w, const struct rrec *r)
{
	av_s(w, "fid", r->fid);
	av_s(w, "lid", r->lid);
	av_s(w, "type", r->type);
	av_s(w, "account", r->account);
	av_s(w, "region", r->region);
	av_s(w, "physical", r->physical);
	av_s(w, "hash", r->hash[0] ? r->hash : NULL);
	av_s(w, "status", rstatus_name(r->status));
	av_s(w, "intent", r->intent);
	av_s(w, "token", r->token);
	av_n(w, "attempts", r->attempts);
	av_s(w, "last_error", r->last_error);
	av_s(w, "props", r->props);
	av_s(w, "observed", r->obs_text);
	av_s(w, "retiring", r->retiring);
	av_s(w, "retiring_region", r->retiring_region);
	if (r->ndeps > 0) {
		struct fg_jw d;

		fg_jw_init(&d, 0);
		fg_jw_arr(&d);
		for (size_t i = 0; i < r->ndeps; i++)
			fg_jw_str(&d, r->deps[i]);
		fg_jw_end_arr(&d);
		av_s(w, "deps", fg_jw_text(&d));
		fg_jw_free(&d);
	}
}

/* A record from its item; NULL with *err naming what is wrong. */
struct rrec *
rrec_read(fg_json item, char **err)
{
	const char *fid = av_get_s(item, "fid"), *lid = av_get_s(item, "lid");
	const char *type = av_get_s(item, "type"), *status = av_get_s(item, "status");
	const char *hash = av_get_s(item, "hash"), *deps = av_get_s(item, "deps");
	struct rrec *r;
	char *perr = NULL;
	size_t i;

	*err = NULL;
	if (fid == NULL || lid == NULL || type == NULL || status == NULL) {
		*err = fg_printf("resource item %s/%s: no fid, lid, type or status", fid ? fid : "?",
		    lid ? lid : "?");
		return NULL;
	}
	r = rrec_new(fid, lid, type, av_get_s(item, "account"));
	for (i = 0; i < RS_N && strcmp(rstatus_name((enum rstatus)i), status) != 0; i++)
		;
	if (i == RS_N)
		*err = fg_printf("resource %s/%s: unknown status \"%s\"", fid, lid, status);
	r->status = (enum rstatus)(i % RS_N);
	rrec_set(&r->region, av_get_s(item, "region"));
	rrec_set(&r->physical, av_get_s(item, "physical"));
	if (hash != NULL && strlen(hash) == 64)
		memcpy(r->hash, hash, 65);
	rrec_set(&r->intent, av_get_s(item, "intent"));
	rrec_set(&r->token, av_get_s(item, "token"));
	if (av_get_n(item, "attempts", &r->attempts) < 0)
		r->attempts = 0;
	rrec_set(&r->last_error, av_get_s(item, "last_error"));
	rrec_set(&r->props, av_get_s(item, "props"));
	rrec_set(&r->retiring, av_get_s(item, "retiring"));
	rrec_set(&r->retiring_region, av_get_s(item, "retiring_region"));
	if (av_get_n(item, "ver", &r->ver) < 0)
		r->ver = 0;
	if (*err == NULL && rrec_set_observed(r, av_get_s(item, "observed"), &perr) < 0) {
		*err = fg_printf("resource %s/%s: observed: %s", fid, lid, perr);
		free(perr);
	}
	if (*err == NULL && deps != NULL) {
		fg_json d = fg_json_parse(deps, strlen(deps), &perr);

		if (d == NULL || d->type != yajl_t_array) {
			*err = fg_printf("resource %s/%s: deps: %s", fid, lid, perr ? perr :
			    "not an array");
			free(perr);
		} else {
			r->deps = fg_calloc(fg_json_len(d) + 1, sizeof(char *));
			for (i = 0; i < fg_json_len(d); i++)
				if (fg_json_str(fg_json_at(d, i)) != NULL)
					r->deps[r->ndeps++] = fg_strdup(fg_json_str(fg_json_at(d, i)));
		}
		fg_json_free(d);
	}
	if (*err != NULL) {
		rrec_free(r);
		return NULL;
	}
	return r;
}

static void write_start(struct rstore *, struct rrec *);

/* A write ended: send the queued one (with the record as it is now), then tell the waiters,
 * who may free the record. */
static void
write_end(struct rwrite *w, int ok, const char *err)
{
	struct rrec *r = w->rec;
	struct rwaiter *wt;

	w->rs->pending--;
	if (r != NULL) {
		r->inflight = NULL;
		if (r->queued != NULL)
			write_start(w->rs, r);
		r->notifying = w;
	}
	while ((wt = w->waiters) != NULL) {
		w->waiters = wt->next;
		if (w->rec != NULL && wt->cb != NULL)
			wt->cb(w->rec, ok, err, wt->arg);
		free(wt);
	}
	if (w->rec != NULL)
		w->rec->notifying = NULL;
	if (w->timer != NULL)
		fg_timer_free(w->timer);
	free(w);
}

static void write_send(struct rwrite *);

/* The item as it is now, after a lost conditional write: take its version and what it knows
 * that we do not, and write again. */
static void
on_refetch(const struct store_reply *rep, void *arg)
{
	struct rwrite *w = arg;
	struct rrec *r = w->rec;
	int64_t ver = 0;

	if (r == NULL || (rep->status != STORE_OK && rep->status != STORE_NOT_FOUND)) {
		write_end(w, 0, rep->message ? rep->message : "the record cannot be read back");
		return;
	}
	if (rep->status == STORE_OK) {
		const char *phys = av_get_s(rep->item, "physical");

		if (av_get_n(rep->item, "ver", &ver) < 0)
			ver = 0;
		if (r->physical == NULL && phys != NULL && !w->remove)
			rrec_set(&r->physical, phys);
	}
	r->ver = ver;
	write_send(w);
}

/* DynamoDB answered a write. */
static void
on_store(const struct store_reply *rep, void *arg)
{
	struct rwrite *w = arg;

	if (w->rec != NULL && rep->status == STORE_CONFLICT && w->tries++ < 3) {
		/* A write sent by an earlier life of the Conductor (killed with calls in flight)
		 * landed after we read the table. We are the live writer: read it, write again. */
		log_info("resources table: %s/%s was written by an earlier run; merging",
		    w->rec->fid, w->rec->lid);
		store_get(w->rs->store, STORE_RESOURCES, w->rec->fid, w->rec->lid, on_refetch, w);
		return;
	}
	if (w->rec != NULL && rep->status == STORE_OK)
		w->rec->ver = w->remove ? 0 : rep->ver; /* a put after a delete makes a new item */
	if (rep->status == STORE_CONFLICT)
		log_warnx("resources table: %s keeps changing under us (another Conductor?)",
		    w->rec ? w->rec->lid : "a record");
	write_end(w, rep->status == STORE_OK, rep->message);
}

/* The memory-only store "answered". */
static void
on_memory(void *arg)
{
	struct rwrite *w = arg;

	if (w->rec != NULL)
		w->rec->ver = w->remove ? 0 : w->rec->ver + 1;
	write_end(w, 1, NULL);
}

/* Sends a write with the record's state and version now. */
static void
write_send(struct rwrite *w)
{
	struct rrec *r = w->rec;
	struct fg_jw jw;

	if (w->remove) {
		store_delete(w->rs->store, STORE_RESOURCES, r->fid, r->lid, r->ver, on_store, w);
		return;
	}
	store_item_begin(&jw);
	rrec_write(&jw, r);
	store_put(w->rs->store, STORE_RESOURCES, &jw, r->ver, on_store, w);
}

/* Sends the queued write of r. */
static void
write_start(struct rstore *rs, struct rrec *r)
{
	struct rwrite *w = r->queued;

	r->queued = NULL;
	r->inflight = w;
	rs->writes++;
	if (++rs->pending > rs->peak)
		rs->peak = rs->pending;
	if (rs->store == NULL) {
		w->timer = fg_timer_new(rs->loop, on_memory, w);
		fg_timer_add(w->timer, 0);
		return;
	}
	write_send(w);
}

/* Queues a write of r (put, or delete) with a waiter. */
static void
write_queue(struct rstore *rs, struct rrec *r, int remove, rrec_cb cb, void *arg)
{
	struct rwaiter *wt = fg_calloc(1, sizeof(*wt)), **tail;

	if (r->queued == NULL) {
		r->queued = fg_calloc(1, sizeof(struct rwrite));
		r->queued->rs = rs;
		r->queued->rec = r;
	}
	/* A put queued behind a delete (or the reverse) carries the latest wish. */
	r->queued->remove = remove;
	wt->cb = cb;
	wt->arg = arg;
	for (tail = &r->queued->waiters; *tail != NULL; tail = &(*tail)->next)
		;
	*tail = wt;
	if (r->inflight == NULL)
		write_start(rs, r);
}

/* Writes the record. */
void
rrec_save(struct rstore *rs, struct rrec *r, rrec_cb cb, void *arg)
{
	write_queue(rs, r, 0, cb, arg);
}

/* Deletes the record's item. */
void
rrec_remove(struct rstore *rs, struct rrec *r, rrec_cb cb, void *arg)
{
	write_queue(rs, r, 1, cb, arg);
}

/* What a load is doing. */
struct load {
	struct rstore *rs;
	rstore_load_cb cb;
	void *arg;
	struct fg_timer *timer;
};

/* The scan of the table ended. */
static void
on_scan(const struct store_reply *rep, void *arg)
{
	struct load *l = arg;
	struct rrec **recs = NULL;
	size_t n = 0;
	char *err = NULL;

	if (rep->status != STORE_OK) {
		l->cb(NULL, 0, rep->message ? rep->message : "scan failed", l->arg);
		free(l);
		return;
	}
	recs = fg_calloc(rep->nitems + 1, sizeof(*recs));
	for (size_t i = 0; i < rep->nitems; i++) {
		struct rrec *r = rrec_read(rep->items[i], &err);

		if (r == NULL) {
			/* One bad item must not stop the Conductor: report it and go on. */
			log_warnx("resources table: %s", err);
			free(err);
			continue;
		}
		recs[n++] = r;
	}
	l->cb(recs, n, NULL, l->arg);
	free(l);
}

/* The memory-only store has nothing to load. */
static void
on_empty(void *arg)
{
	struct load *l = arg;
	struct rrec **none = fg_calloc(1, sizeof(*none));

	fg_timer_free(l->timer);
	l->cb(none, 0, NULL, l->arg);
	free(l);
}

/* Reads every record of the table; cb takes the array and the records. */
void
rstore_load(struct rstore *rs, rstore_load_cb cb, void *arg)
{
	struct load *l = fg_calloc(1, sizeof(*l));
	struct store_query q;

	l->rs = rs;
	l->cb = cb;
	l->arg = arg;
	if (rs->store == NULL) {
		l->timer = fg_timer_new(rs->loop, on_empty, l);
		fg_timer_add(l->timer, 0);
		return;
	}
	memset(&q, 0, sizeof(q));
	q.scan = 1;
	store_query(rs->store, STORE_RESOURCES, &q, on_scan, l);
}
