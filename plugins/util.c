/* util.c: helpers shared by the in-tree plugins (see util.h). */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util.h"

/* Sets up a chain for an operation or a sweep. */
void
preq_init(struct preq *r, const struct fugue_host *h, struct fugue_op *op,
    struct fugue_sweep *sw)
{
	r->h = h;
	r->op = op;
	r->sw = sw;
	r->next = NULL;
	r->plan = NULL;
}

/* A new call of the chain's operation or sweep. */
struct fugue_call *
preq_call(struct preq *r, const char *service, enum fugue_proto proto, const char *target)
{
	return r->h->call_new(r->op, r->sw, service, proto, target);
}

/* A new call of the API's action, with its Version. */
struct fugue_call *
preq_action(struct preq *r, const struct papi *api, const char *action)
{
	struct fugue_call *c = preq_call(r, api->service, api->proto, action);

	r->h->call_param(c, "Version", api->version);
	return c;
}

/* The host's callback for an operation's call. */
static void
op_reply(struct fugue_op *op, struct fugue_call *c, const struct fugue_reply *rep, void *arg)
{
	struct preq *r = arg;

	(void)op;
	(void)c;
	r->next(r, rep);
}

/* The host's callback for a sweep's call. */
static void
sweep_reply(struct fugue_sweep *sw, struct fugue_call *c, const struct fugue_reply *rep,
    void *arg)
{
	struct preq *r = arg;

	(void)sw;
	(void)c;
	r->next(r, rep);
}

/* Sends c and continues with next. */
void
preq_send(struct preq *r, struct fugue_call *c,
    void (*next)(struct preq *, const struct fugue_reply *))
{
	r->next = next;
	if (r->op != NULL)
		r->h->call_send(c, op_reply, r);
	else
		r->h->call_send_sweep(c, sweep_reply, r);
}

/* Records the operation's new physical id. */
void
preq_set_physical(struct preq *r, char **id, const char *physical)
{
	char *copy = pdup(physical);

	free(*id);
	*id = copy;
	r->h->op_set_physical_id(r->op, copy);
}

/* Ends a delete: a missing resource is deleted already. */
void
preq_delete_end(struct preq *r, enum fugue_status st, const char *msg)
{
	if (st == FUGUE_E_NOT_FOUND)
		st = FUGUE_OK;
	r->h->op_done(r->op, st, NULL, st == FUGUE_OK ? NULL : msg);
}

/* Makes room for n more bytes. */
static void
pbuf_grow(struct pbuf *b, size_t n)
{
	if (b->len + n + 1 <= b->cap)
		return;
	while (b->len + n + 1 > b->cap)
		b->cap = b->cap ? 2 * b->cap : 256;
	b->s = realloc(b->s, b->cap);
	if (b->s == NULL)
		abort();
}

/* Appends s. */
void
pbuf_add(struct pbuf *b, const char *s)
{
	size_t n = strlen(s);

	pbuf_grow(b, n);
	memcpy(b->s + b->len, s, n + 1);
	b->len += n;
}

/* Appends formatted text. */
void
pbuf_addf(struct pbuf *b, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (n < 0)
		abort();
	pbuf_grow(b, (size_t)n);
	va_start(ap, fmt);
	vsnprintf(b->s + b->len, (size_t)n + 1, fmt, ap);
	va_end(ap);
	b->len += (size_t)n;
}

/* Appends s escaped for XML text. */
void
pbuf_xml(struct pbuf *b, const char *s)
{
	for (; *s; s++) {
		switch (*s) {
		case '&':
			pbuf_add(b, "&amp;");
			break;
		case '<':
			pbuf_add(b, "&lt;");
			break;
		case '>':
			pbuf_add(b, "&gt;");
			break;
		case '"':
			pbuf_add(b, "&quot;");
			break;
		case '\'':
			pbuf_add(b, "&apos;");
			break;
		default: {
			char c[2] = { *s, '\0' };

			pbuf_add(b, c);
		}
		}
	}
}

/* Frees the string. */
void
pbuf_free(struct pbuf *b)
{
	free(b->s);
	memset(b, 0, sizeof(*b));
}

/* A copy of s, or NULL. */
char *
pdup(const char *s)
{
	char *d;

	if (s == NULL)
		return NULL;
	d = strdup(s);
	if (d == NULL)
		abort();
	return d;
}

/* An error message for an operator: what failed and the reply's own words. */
char *
pfail(const struct fugue_host *h, const struct fugue_reply *rep, const char *what)
{
	struct pbuf b = { 0 };
	const char *m = h->r_message(rep);

	pbuf_addf(&b, "%s: %s", what, m ? m : "failed");
	return b.s;
}

/* 1 when the Tags array has key (with value, unless value is NULL). */
int
ptag_has(const struct fugue_host *h, const struct fugue_value *tags, const char *key,
    const char *value)
{
	size_t n = h->v_len(tags, "");

	if (key == NULL)
		return 0;
	for (size_t i = 0; i < n; i++) {
		const struct fugue_value *t = h->v_at(tags, i);
		const char *k = h->v_str(t, "Key"), *v = h->v_str(t, "Value");

		if (k != NULL && strcmp(k, key) == 0)
			return value == NULL || (v != NULL && strcmp(v, value) == 0);
	}
	return 0;
}

/* Adds a copy of s. */
void
plist_add(struct plist *l, const char *s)
{
	l->v = realloc(l->v, (l->n + 1) * sizeof(char *));
	if (l->v == NULL)
		abort();
	l->v[l->n++] = pdup(s);
}

/* 1 when the list holds s. */
int
plist_has(const struct plist *l, const char *s)
{
	for (size_t i = 0; s != NULL && i < l->n; i++)
		if (strcmp(l->v[i], s) == 0)
			return 1;
	return 0;
}

/* Frees the strings. */
void
plist_clear(struct plist *l)
{
	for (size_t i = 0; i < l->n; i++)
		free(l->v[i]);
	free(l->v);
	l->v = NULL;
	l->n = 0;
}

/* Expects n reads of the sweep; with none, ends it at once. */
int
ptally_start(struct ptally *t, const struct fugue_host *h, struct fugue_sweep *sw, size_t n)
{
	t->h = h;
	t->sw = sw;
	t->pending = n;
	if (n == 0) {
		h->sweep_done(sw, FUGUE_OK, NULL);
		return 0;
	}
	return 1;
}

/* One read of the sweep ended; the last ends the sweep. */
void
ptally_read(struct ptally *t, const char *physical, enum fugue_status st, const char *observed,
    const char *msg)
{
	if (st == FUGUE_OK)
		t->h->sweep_found(t->sw, physical, observed);
	else if (st != FUGUE_E_NOT_FOUND && t->error == NULL) {
		t->error = pdup(msg);
		t->error_st = st;
	}
	if (--t->pending == 0)
		t->h->sweep_done(t->sw, t->error ? t->error_st : FUGUE_OK, t->error);
}

/* Frees the first failure's text. */
void
ptally_clear(struct ptally *t)
{
	free(t->error);
	t->error = NULL;
}

/* Adds a step. */
void
pplan_add(struct pplan *p, const char *action, int flags)
{
	p->v = realloc(p->v, (p->n + 1) * sizeof(*p->v));
	if (p->v == NULL)
		abort();
	memset(&p->v[p->n], 0, sizeof(p->v[p->n]));
	p->v[p->n].action = pdup(action);
	p->v[p->n].flags = flags;
	p->n++;
}

/* Adds a parameter to the last step. */
void
pplan_param(struct pplan *p, const char *key, const char *value)
{
	struct pplan_step *s = &p->v[p->n - 1];

	s->kv = realloc(s->kv, (s->nkv + 2) * sizeof(char *));
	if (s->kv == NULL)
		abort();
	s->kv[s->nkv++] = pdup(key);
	s->kv[s->nkv++] = pdup(value ? value : "");
}

/* A step answered: done (success, or "not found" where that is fine), or fail decides. */
static void
pplan_answered(struct preq *r, const struct fugue_reply *rep)
{
	struct pplan *p = r->plan;
	const struct pplan_step *s = &p->v[p->next];
	enum fugue_status st = r->h->r_status(rep);

	if (st == FUGUE_OK || (st == FUGUE_E_NOT_FOUND && (s->flags & PPLAN_GONE_OK))) {
		p->next++;
		pplan_next(r);
		return;
	}
	p->fail(r, s, rep);
}

/* Sends the step in flight, or goes on. */
void
pplan_next(struct preq *r)
{
	struct pplan *p = r->plan;
	void (*then)(struct preq *) = p->then;
	const struct pplan_step *s;
	struct fugue_call *c;

	if (p->next == p->n) {
		pplan_clear(p);
		then(r);
		return;
	}
	s = &p->v[p->next];
	r->h->op_log(r->op, FUGUE_LOG_DEBUG, "%s %s", s->action, p->id);
	c = preq_action(r, p->api, s->action);
	for (size_t i = 0; i + 1 < s->nkv; i += 2)
		r->h->call_param(c, s->kv[i], s->kv[i + 1]);
	preq_send(r, c, pplan_answered);
}

/* Runs the plan, then then. */
void
pplan_run(struct preq *r, struct pplan *p, const struct papi *api, const char *id,
    void (*then)(struct preq *),
    void (*fail)(struct preq *, const struct pplan_step *, const struct fugue_reply *))
{
	p->api = api;
	p->id = id;
	p->then = then;
	p->fail = fail;
	p->next = 0;
	r->plan = p;
	pplan_next(r);
}

/* Frees the steps. */
void
pplan_clear(struct pplan *p)
{
	for (size_t i = 0; i < p->n; i++) {
		for (size_t j = 0; j < p->v[i].nkv; j++)
			free(p->v[i].kv[j]);
		free(p->v[i].kv);
		free(p->v[i].action);
	}
	free(p->v);
	memset(p, 0, sizeof(*p));
}
