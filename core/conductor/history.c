/* history.c: history records (every job, transition and engine event) written to the history
 * table, and their JSON form in replies. */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "conductor.h"

/* A history write ended. */
static void
on_written(const struct store_reply *sr, void *arg)
{
	char *what = arg;

	if (sr->status != STORE_OK)
		log_warnx("history record %s: %s", what, sr->message);
	free(what);
}

/* A copy of s, "" for NULL. */
static char *
dup0(const char *s)
{
	return fg_strdup(s ? s : "");
}

/* Writes one history record (fire and forget: a failure is logged). */
void
history_add(struct conductor *c, const struct hist_entry *e)
{
	struct hist_rec h;
	struct fg_jw w;

	memset(&h, 0, sizeof(h));
	h.fid = dup0(e->fid);
	h.kind = dup0(e->kind);
	h.what = dup0(e->what);
	h.from = dup0(e->from);
	h.to = dup0(e->to);
	h.user = dup0(e->user);
	h.request = dup0(e->request);
	h.result = dup0(e->result);
	h.message = dup0(e->message);
	h.composition = dup0(e->composition);
	hist_rec_key(&h);
	store_item_begin(&w);
	hist_rec_write(&w, &h);
	/* The caller's detail is written here, not kept in h (which owns what it holds). */
	if (e->detail)
		av_json(&w, "detail", e->detail);
	store_put(c->store, STORE_HISTORY, &w, -1, on_written,
	    fg_printf("%s %s %s", h.fid, h.kind, h.what));
	hist_rec_free(&h);
}

/* Writes a record as the protocol's history entry. */
void
history_write_json(struct fg_jw *w, const struct hist_rec *h)
{
	char when[32];

	rfc3339_format(h->time_ms, when);
	fg_jw_obj(w);
	fg_jw_kstr(w, "time", when);
	fg_jw_kstr(w, "fid", h->fid);
	fg_jw_kstr(w, "kind", h->kind);
	fg_jw_kstr(w, "what", h->what);
	if (*h->from || *h->to) {
		fg_jw_kstr(w, "from", h->from);
		fg_jw_kstr(w, "to", h->to);
	}
	fg_jw_kstr(w, "user", h->user);
	fg_jw_kstr(w, "request", h->request);
	fg_jw_kstr(w, "result", h->result);
	fg_jw_kstr(w, "message", h->message);
	fg_jw_kstr(w, "composition", h->composition);
	if (h->detail) {
		fg_jw_key(w, "detail");
		fg_jw_value(w, h->detail);
	}
	fg_jw_end_obj(w);
}
