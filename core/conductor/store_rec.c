/* store_rec.c: the typed records of the processes, history, requests and users tables, as
 * DynamoDB items. */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "sigv4.h"
#include "store.h"

static const char *const state_names[] = {
	[PROC_RUNNING] = "Running",
	[PROC_SUSPENDED] = "Suspended",
	[PROC_KILLING] = "Killing",
};

/* The name of a process state. */
const char *
proc_state_name(enum proc_state s)
{
	return state_names[s];
}

/* Parses a process state name. */
int
proc_state_parse(const char *s, enum proc_state *out)
{
	size_t i;

	for (i = 0; s && i < FG_ARRAY_LEN(state_names); i++)
		if (strcmp(s, state_names[i]) == 0) {
			*out = (enum proc_state)i;
			return 0;
		}
	return -1;
}

/* Writes a string attribute unless it is NULL or empty (absent reads back as ""). */
static void
av_opt(struct fg_jw *w, const char *key, const char *val)
{
	if (val && *val)
		av_s(w, key, val);
}

/* A required string attribute, copied; -1 with *err when missing. */
static int
need_s(fg_json item, const char *what, const char *key, char **out, char **err)
{
	const char *s = av_get_s(item, key);

	if (s == NULL || *s == '\0') {
		*err = fg_printf("%s item: attribute \"%s\" is missing or not a non-empty string",
		    what, key);
		return -1;
	}
	*out = fg_strdup(s);
	return 0;
}

/* An optional string attribute, copied ("" when absent). */
static char *
opt_s(fg_json item, const char *key)
{
	const char *s = av_get_s(item, key);

	return fg_strdup(s ? s : "");
}

/* A required number attribute; -1 with *err when missing. */
static int
need_n(fg_json item, const char *what, const char *key, int64_t *out, char **err)
{
	if (av_get_n(item, key, out) < 0) {
		*err =
		    fg_printf("%s item: attribute \"%s\" is missing or not an integer", what, key);
		return -1;
	}
	return 0;
}

/* A required BOOL attribute; -1 with *err when missing. */
static int
need_bool(fg_json item, const char *what, const char *key, int *out, char **err)
{
	if (av_get_bool(item, key, out) < 0) {
		*err = fg_printf("%s item: attribute \"%s\" is missing or not a BOOL", what, key);
		return -1;
	}
	return 0;
}

/* Frees a process record's strings. */
void
proc_rec_free(struct proc_rec *p)
{
	free(p->fid);
	free(p->account);
	free(p->region);
	free(p->composition);
	free(p->props.alias);
	free(p->last_message);
	free(p->owner);
	memset(p, 0, sizeof(*p));
}

/* Duplicates a string that may be NULL. */
static char *
dup_opt(const char *s)
{
	return s ? fg_strdup(s) : NULL;
}

/* Deep copy of a process record. */
void
proc_rec_copy(struct proc_rec *dst, const struct proc_rec *src)
{
	*dst = *src;
	dst->fid = dup_opt(src->fid);
	dst->account = dup_opt(src->account);
	dst->region = dup_opt(src->region);
	dst->composition = dup_opt(src->composition);
	dst->props.alias = dup_opt(src->props.alias);
	dst->last_message = dup_opt(src->last_message);
	dst->owner = dup_opt(src->owner);
}

/* Writes a process item's attributes (not ver). */
void
proc_rec_write(struct fg_jw *w, const struct proc_rec *p)
{
	av_s(w, "pk", "process");
	av_s(w, "sk", p->fid);
	av_s(w, "account", p->account);
	av_s(w, "region", p->region);
	av_s(w, "state", proc_state_name(p->state));
	av_s(w, "composition", p->composition);
	av_opt(w, "alias", p->props.alias);
	av_bool(w, "enforcement", p->props.enforcement);
	av_n(w, "interval", p->props.interval_s);
	av_bool(w, "lock", p->props.lock);
	av_n(w, "created", p->created_ms);
	av_n(w, "updated", p->updated_ms);
	av_opt(w, "last_message", p->last_message);
	av_opt(w, "owner", p->owner);
}

/* Reads a process item. */
int
proc_rec_read(fg_json item, struct proc_rec *p, char **err)
{
	const char *what = "process", *s;

	memset(p, 0, sizeof(*p));
	if (need_s(item, what, "sk", &p->fid, err) < 0 ||
	    need_s(item, what, "account", &p->account, err) < 0 ||
	    need_s(item, what, "region", &p->region, err) < 0 ||
	    need_s(item, what, "composition", &p->composition, err) < 0 ||
	    need_bool(item, what, "enforcement", &p->props.enforcement, err) < 0 ||
	    need_n(item, what, "interval", &p->props.interval_s, err) < 0 ||
	    need_bool(item, what, "lock", &p->props.lock, err) < 0 ||
	    need_n(item, what, "created", &p->created_ms, err) < 0 ||
	    need_n(item, what, "updated", &p->updated_ms, err) < 0 ||
	    need_n(item, what, "ver", &p->ver, err) < 0)
		goto bad;
	if (proc_state_parse(av_get_s(item, "state"), &p->state) < 0) {
		*err =
		    fg_printf("process item %s: attribute \"state\" is not Running, Suspended or "
		              "Killing",
		              p->fid);
		goto bad;
	}
	s = av_get_s(item, "alias");
	p->props.alias = s && *s ? fg_strdup(s) : NULL;
	p->last_message = opt_s(item, "last_message");
	p->owner = opt_s(item, "owner");
	return 0;
bad:
	proc_rec_free(p);
	return -1;
}

/* Frees a history record. */
void
hist_rec_free(struct hist_rec *h)
{
	free(h->fid);
	free(h->sk);
	free(h->kind);
	free(h->what);
	free(h->from);
	free(h->to);
	free(h->user);
	free(h->request);
	free(h->result);
	free(h->message);
	free(h->composition);
	fg_json_free(h->detail);
	memset(h, 0, sizeof(*h));
}

/* Stamps a history record with the time and a sort key unique within its process. */
void
hist_rec_key(struct hist_rec *h)
{
	unsigned char rnd[4];
	char when[32], hex[9];

	h->time_ms = fg_wall_ms();
	rfc3339_format(h->time_ms, when);
	fg_random_bytes(rnd, sizeof(rnd));
	fg_hex(rnd, sizeof(rnd), hex);
	free(h->sk);
	h->sk = fg_printf("%s#%s", when, hex);
}

/* Writes a history item's attributes. */
void
hist_rec_write(struct fg_jw *w, const struct hist_rec *h)
{
	av_s(w, "pk", h->fid);
	av_s(w, "sk", h->sk);
	av_n(w, "time", h->time_ms);
	av_s(w, "kind", h->kind);
	av_s(w, "what", h->what);
	av_opt(w, "from", h->from);
	av_opt(w, "to", h->to);
	av_opt(w, "user", h->user);
	av_opt(w, "request", h->request);
	av_s(w, "result", h->result);
	av_opt(w, "message", h->message);
	av_opt(w, "composition", h->composition);
	av_json(w, "detail", h->detail);
}

/* Reads a history item. */
int
hist_rec_read(fg_json item, struct hist_rec *h, char **err)
{
	const char *what = "history", *detail;

	memset(h, 0, sizeof(*h));
	if (need_s(item, what, "pk", &h->fid, err) < 0 ||
	    need_s(item, what, "sk", &h->sk, err) < 0 ||
	    need_n(item, what, "time", &h->time_ms, err) < 0 ||
	    need_s(item, what, "kind", &h->kind, err) < 0 ||
	    need_s(item, what, "what", &h->what, err) < 0 ||
	    need_s(item, what, "result", &h->result, err) < 0)
		goto bad;
	detail = av_get_s(item, "detail");
	if (detail) {
		char *perr = NULL;

		h->detail = fg_json_parse(detail, strlen(detail), &perr);
		if (h->detail == NULL) {
			*err = fg_printf("history item %s %s: attribute \"detail\": %s", h->fid,
			                 h->sk, perr);
			free(perr);
			goto bad;
		}
	}
	h->from = opt_s(item, "from");
	h->to = opt_s(item, "to");
	h->user = opt_s(item, "user");
	h->request = opt_s(item, "request");
	h->message = opt_s(item, "message");
	h->composition = opt_s(item, "composition");
	return 0;
bad:
	hist_rec_free(h);
	return -1;
}

/* Frees a request record. */
void
req_rec_free(struct req_rec *r)
{
	free(r->id);
	free(r->user);
	free(r->command);
	free(r->reply);
	memset(r, 0, sizeof(*r));
}

/* Writes a request item's attributes. */
void
req_rec_write(struct fg_jw *w, const struct req_rec *r)
{
	av_s(w, "pk", r->id);
	av_s(w, "sk", "reply");
	av_s(w, "user", r->user);
	av_s(w, "command", r->command);
	av_n(w, "time", r->time_ms);
	av_s(w, "reply", r->reply);
}

/* Reads a request item. */
int
req_rec_read(fg_json item, struct req_rec *r, char **err)
{
	const char *what = "request";

	memset(r, 0, sizeof(*r));
	if (need_s(item, what, "pk", &r->id, err) < 0 ||
	    need_s(item, what, "user", &r->user, err) < 0 ||
	    need_s(item, what, "command", &r->command, err) < 0 ||
	    need_n(item, what, "time", &r->time_ms, err) < 0 ||
	    need_s(item, what, "reply", &r->reply, err) < 0) {
		req_rec_free(r);
		return -1;
	}
	return 0;
}

/* Frees a user record. */
void
user_rec_free(struct user_rec *u)
{
	free(u->name);
	free(u->secret_key);
	memset(u, 0, sizeof(*u));
}

/* Writes a user item's attributes (not ver). */
void
user_rec_write(struct fg_jw *w, const struct user_rec *u)
{
	av_s(w, "pk", "user");
	av_s(w, "sk", u->name);
	av_s(w, "secret", u->secret_key);
	av_n(w, "created", u->created_ms);
}

/* Reads a user item. */
int
user_rec_read(fg_json item, struct user_rec *u, char **err)
{
	const char *what = "user";

	memset(u, 0, sizeof(*u));
	if (need_s(item, what, "sk", &u->name, err) < 0 ||
	    need_s(item, what, "secret", &u->secret_key, err) < 0 ||
	    need_n(item, what, "created", &u->created_ms, err) < 0 ||
	    need_n(item, what, "ver", &u->ver, err) < 0) {
		user_rec_free(u);
		return -1;
	}
	return 0;
}
