/* cmd_status.c: status (one process with its resources, or every process) and history. */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "conductor.h"

#define HISTORY_DEFAULT 100
#define HISTORY_MAX 1000

/* status: args.process (optional). */
void
cmd_status(struct req *r)
{
	struct fg_jw *w;
	const char *name;
	struct proc *p;

	if (arg_str(r, "process", 0, &name) < 0)
		return;
	if (name) {
		if ((r->proc = proc_find(r->c, name)) == NULL) {
			reply_error(r, E_NOT_FOUND, "no process with %s \"%.64s\"",
			    fid_like(name) ? "FID" : "alias", name);
			return;
		}
		if (req_may(r, r->proc, 1))
			reply_process(r, 1, NULL);
		return;
	}
	w = reply_begin(r);
	fg_jw_obj(w);
	fg_jw_key(w, "processes");
	fg_jw_arr(w);
	for (p = procs_first(r->c); p != NULL; p = proc_next(p))
		if (req_may(r, p, 0))
			proc_write_json(r->c, w, p, 0, NULL);
	fg_jw_end_arr(w);
	fg_jw_end_obj(w);
	reply_end(r);
}

/* Newest first. */
static int
by_time_desc(const void *a, const void *b)
{
	const struct hist_rec *x = a, *y = b;

	return strcmp(y->sk, x->sk) != 0 ? strcmp(y->sk, x->sk) : strcmp(y->fid, x->fid);
}

/* The history records arrived. */
static void
on_history(const struct store_reply *sr, void *arg)
{
	struct req *r = arg;
	struct hist_rec *recs;
	struct fg_jw *w;
	size_t i, n = 0;
	char *err = NULL;

	if (sr->status != STORE_OK) {
		reply_error(r, E_INTERNAL, "history: %s", sr->message);
		return;
	}
	recs = fg_calloc(sr->nitems + 1, sizeof(*recs));
	for (i = 0; i < sr->nitems; i++) {
		if (hist_rec_read(sr->items[i], &recs[n], &err) < 0) {
			log_warnx("%s: skipped", err);
			free(err);
			err = NULL;
			continue;
		}
		n++;
	}
	qsort(recs, n, sizeof(*recs), by_time_desc);
	w = reply_begin(r);
	fg_jw_obj(w);
	fg_jw_key(w, "records");
	fg_jw_arr(w);
	for (i = 0; i < n; i++) {
		if ((int64_t)i < r->limit)
			history_write_json(w, &recs[i]);
		hist_rec_free(&recs[i]);
	}
	fg_jw_end_arr(w);
	fg_jw_end_obj(w);
	free(recs);
	reply_end(r);
}

/* A time argument as a sort-key bound (NULL when absent); -1 after replying. */
static int
arg_time(struct req *r, const char *name, const char *suffix, char **out)
{
	const char *s;
	int64_t ms;
	char when[32];

	*out = NULL;
	if (arg_str(r, name, 0, &s) < 0)
		return -1;
	if (s == NULL)
		return 0;
	if (rfc3339_parse(s, &ms) < 0) {
		reply_error(r, E_INVALID,
		            "history: args.%s must be an RFC 3339 time, not \"%.40s\"", name, s);
		return -1;
	}
	rfc3339_format(ms, when);
	*out = fg_printf("%s%s", when, suffix);
	return 0;
}

/* history: args process, start, end (optional), limit. */
void
cmd_history(struct req *r)
{
	struct store_query q;
	const char *name;
	char *start = NULL, *end = NULL;
	struct proc *p;

	memset(&q, 0, sizeof(q));
	if (arg_str(r, "process", 0, &name) < 0 ||
	    arg_int(r, "limit", HISTORY_DEFAULT, 1, HISTORY_MAX, &r->limit) < 0 ||
	    arg_time(r, "start", "", &start) < 0 || arg_time(r, "end", "~", &end) < 0)
		goto out;
	if (name) {
		/* A killed process keeps its history: its FID still finds it. */
		if ((p = proc_find(r->c, name)) != NULL) {
			if (!req_may(r, p, 1))
				goto out;
			q.pk = p->rec.fid;
		} else if (fid_like(name))
			q.pk = name;
		else {
			reply_error(r, E_NOT_FOUND, "no process with alias \"%.64s\"", name);
			goto out;
		}
		q.limit = (size_t)r->limit;
		q.backward = 1;
	} else
		q.scan = 1;
	q.sk_min = start;
	q.sk_max = end;
	store_query(r->c->store, STORE_HISTORY, &q, on_history, r);
out:
	free(start);
	free(end);
}
