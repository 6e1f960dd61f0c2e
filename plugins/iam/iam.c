/* iam.c: the IAM broker plugin: AWS.IAM.Role, AWS.IAM.Policy and AWS.IAM.InstanceProfile over
 * the query protocol (API 2010-05-08), and the machinery they share (iam.h): chains of calls,
 * paged lists, plans, convergence, adoption, deletes and sweeps. Documents come back
 * URL-encoded; they are decoded and compared as JSON. Errors keep the host's classes
 * (NoSuchEntity: not-found, EntityAlreadyExists and DeleteConflict: conflict,
 * MalformedPolicyDocument: invalid, LimitExceeded: fatal), except where a step expects them:
 * NoSuchEntity from a detach or delete means it is done, EntityAlreadyExists from a create is
 * an adoption when the tags make the entity this resource. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "iam.h"

/* Reads of a just-created entity that IAM does not show yet, and the wait between them. */
#define FRESH_TRIES 5
#define FRESH_WAIT_MS 400

/* IAM's query API. */
static const struct papi iam_api = { "iam", FUGUE_PROTO_QUERY, IAM_VERSION };

/* A sweep: the physical ids listed, then one reader per managed entity among them. */
struct isweep {
	struct ient lister;
	struct ient *readers;
	size_t n;
	struct ptally tally;
};

/* --- chains --- */

/* Frees a chain's contents. */
static void
ient_clear(struct ient *e)
{
	if (e->w != NULL)
		e->r.h->j_free(e->w);
	e->w = NULL;
	free(e->id);
	e->id = NULL;
	plist_clear(&e->names);
	pplan_clear(&e->plan);
}

/* free_fn of an operation's chain. */
static void
ient_free(void *p)
{
	ient_clear(p);
	free(p);
}

/* An operation's chain ended: so does the operation. */
static void
op_chain_done(struct ient *e, enum fugue_status st, const char *observed, const char *msg)
{
	e->r.h->op_done(e->r.op, st, observed, msg);
}

/* A chain for an operation on the entity id (may be NULL), attached to the operation. */
struct ient *
ient_op(const struct fugue_host *h, struct fugue_op *op, const struct ikind *k, const char *id)
{
	struct ient *e = calloc(1, sizeof(*e));

	if (e == NULL)
		abort();
	preq_init(&e->r, h, op, NULL);
	e->k = k;
	e->id = pdup(id);
	e->done = op_chain_done;
	h->op_set_data(op, e, ient_free);
	return e;
}

/* A new IAM call of the chain. */
struct fugue_call *
iam_call(struct ient *e, const char *action)
{
	return preq_action(&e->r, &iam_api, action);
}

/* Ends the chain with the reply's error. */
void
ient_fail(struct ient *e, const struct fugue_reply *rep, const char *what)
{
	char *msg = pfail(e->r.h, rep, what);

	e->done(e, e->r.h->r_status(rep), NULL, msg);
	free(msg);
}

/* Hands a reply to the chain's handler. */
static void
ient_reply(struct preq *r, const struct fugue_reply *rep)
{
	struct ient *e = (struct ient *)r;

	e->on_reply(e, rep);
}

/* Sends c; next runs with its reply. */
void
ient_send(struct ient *e, struct fugue_call *c,
    void (*next)(struct ient *, const struct fugue_reply *))
{
	e->on_reply = next;
	preq_send(&e->r, c, ient_reply);
}

/* The desired properties (NULL in a sweep). */
const struct fugue_value *
ient_desired(struct ient *e)
{
	return e->r.op ? e->r.h->op_desired(e->r.op) : NULL;
}

/* op_after's callback: read the just-created entity again. */
static void
reread(const struct fugue_host *h, struct fugue_op *op, void *arg)
{
	struct ient *e = arg;

	(void)h;
	(void)op;
	e->k->read(e);
}

/* Whether a read's reply succeeded (see iam.h). */
int
read_ok(struct ient *e, const struct fugue_reply *rep, const char *what)
{
	enum fugue_status st = e->r.h->r_status(rep);

	if (st == FUGUE_OK)
		return 1;
	if (st == FUGUE_E_NOT_FOUND && e->tries > 0 && e->r.op != NULL) {
		e->tries--;
		e->r.h->op_after(e->r.op, FRESH_WAIT_MS, reread, e);
		return 0;
	}
	ient_fail(e, rep, what);
	return 0;
}

/* Starts the observed entity. */
void
ient_observe(struct ient *e)
{
	const struct fugue_host *h = e->r.h;

	if (e->w != NULL)
		h->j_free(e->w);
	e->w = h->j_new();
	h->j_obj(e->w);
}

/* --- paged lists --- */

static void ilist_page(struct ient *, const char *marker);

/* The text of the reply's <XResult>/name, for the list's XResult element. */
static const char *
result_text(struct ient *e, const struct fugue_xml *root, const char *name)
{
	struct pbuf p = { 0 };
	const char *slash = strchr(e->l_items, '/'), *text;

	pbuf_addf(&p, "%.*s/%s", (int)(slash ? slash - e->l_items : 0), e->l_items, name);
	text = e->r.h->x_text(root, p.s);
	pbuf_free(&p);
	return text;
}

/* A page of the list. */
static void
on_page(struct ient *e, const struct fugue_reply *rep)
{
	const struct fugue_host *h = e->r.h;
	const struct fugue_xml *root = h->r_xml(rep), *x;
	const char *trunc, *marker;

	if (!read_ok(e, rep, e->l_action))
		return;
	for (x = h->x_find(root, e->l_items); x != NULL; x = h->x_next(x)) {
		const char *s = h->x_text(x, e->l_field ? e->l_field : "");

		if (s != NULL)
			plist_add(&e->names, s);
	}
	trunc = result_text(e, root, "IsTruncated");
	marker = result_text(e, root, "Marker");
	if (trunc != NULL && strcmp(trunc, "true") == 0 && marker != NULL) {
		ilist_page(e, marker);
		return;
	}
	e->then(e);
}

/* Asks for a page (marker NULL: the first). */
static void
ilist_page(struct ient *e, const char *marker)
{
	const struct fugue_host *h = e->r.h;
	struct fugue_call *c = iam_call(e, e->l_action);

	if (e->l_param != NULL)
		h->call_param(c, e->l_param, e->l_value);
	if (marker != NULL)
		h->call_param(c, "Marker", marker);
	h->call_read_only(c);
	ient_send(e, c, on_page);
}

/* Gathers a whole paged list into e->names (see iam.h). */
void
ilist_all(struct ient *e, const char *action, const char *param, const char *value,
    const char *item_path, const char *field, void (*then)(struct ient *))
{
	plist_clear(&e->names);
	e->l_action = action;
	e->l_param = param;
	e->l_value = value;
	e->l_items = item_path;
	e->l_field = field;
	e->then = then;
	ilist_page(e, NULL);
}

/* --- plans --- */

/* Adds a step. */
void
plan_add(struct ient *e, const char *action, int gone_ok)
{
	pplan_add(&e->plan, action, gone_ok ? PPLAN_GONE_OK : 0);
}

/* Adds a parameter to the last step. */
void
plan_param(struct ient *e, const char *key, const char *value)
{
	pplan_param(&e->plan, key, value);
}

/* Untag and tag steps. */
void
plan_tags(struct ient *e, const struct fugue_value *want, const struct fugue_value *have)
{
	const struct fugue_host *h = e->r.h;
	unsigned n = 0;
	char key[48];

	for (size_t i = 0; i < h->v_len(have, ""); i++) {
		const char *k = h->v_str(h->v_at(have, i), "Key");

		if (k == NULL || strncmp(k, "aws:", 4) == 0 || ptag_has(h, want, k, NULL))
			continue;
		if (n == 0) {
			plan_add(e, e->k->untag_action, 0);
			plan_param(e, e->k->id_param, e->id);
		}
		snprintf(key, sizeof(key), "TagKeys.member.%u", ++n);
		plan_param(e, key, k);
	}
	n = 0;
	for (size_t i = 0; i < h->v_len(want, ""); i++) {
		const struct fugue_value *t = h->v_at(want, i);
		const char *k = h->v_str(t, "Key"), *v = h->v_str(t, "Value");

		if (k == NULL || v == NULL || ptag_has(h, have, k, v))
			continue;
		if (n == 0) {
			plan_add(e, e->k->tag_action, 0);
			plan_param(e, e->k->id_param, e->id);
		}
		n++;
		snprintf(key, sizeof(key), "Tags.member.%u.Key", n);
		plan_param(e, key, k);
		snprintf(key, sizeof(key), "Tags.member.%u.Value", n);
		plan_param(e, key, v);
	}
}

/* A step failed: the chain ends with its error. */
static void
step_failed(struct preq *r, const struct pplan_step *s, const struct fugue_reply *rep)
{
	ient_fail((struct ient *)r, rep, s->action);
}

/* The plan ran: on to the chain's then. */
static void
plan_ran(struct preq *r)
{
	struct ient *e = (struct ient *)r;

	e->then(e);
}

/* Runs the plan, then then. */
void
plan_run(struct ient *e, void (*then)(struct ient *))
{
	e->then = then;
	pplan_run(&e->r, &e->plan, &iam_api, e->id, plan_ran, step_failed);
}

/* --- operations --- */

/* Reads the entity and ends the operation with it. */
void
ient_read_op(struct ient *e)
{
	e->done = op_chain_done;
	e->k->read(e);
}

/* Plans from e->have; an empty plan ends the operation with what was read. */
void
ient_plan(struct ient *e)
{
	pplan_clear(&e->plan);
	e->k->plan(e);
	if (e->plan.n == 0) {
		e->r.h->op_done(e->r.op, FUGUE_OK, e->r.h->j_text(e->w), NULL);
		return;
	}
	plan_run(e, ient_read_op);
}

/* The entity as it is: plan what brings it to the desired properties. */
static void
converge_have(struct ient *e, enum fugue_status st, const char *observed, const char *msg)
{
	const struct fugue_host *h = e->r.h;

	if (st != FUGUE_OK) {
		h->op_done(e->r.op, st, NULL, msg);
		return;
	}
	e->have = h->v_parse(observed, strlen(observed));
	if (e->k->gather != NULL)
		e->k->gather(e);
	else
		ient_plan(e);
}

/* Brings the entity to the desired properties. */
void
ient_converge(struct ient *e)
{
	e->done = converge_have;
	e->k->read(e);
}

/* 1 when the operation knows its entity's physical id; else ends it with "not found". */
static int
id_known(struct ient *e)
{
	char msg[96];

	if (e->id != NULL)
		return 1;
	snprintf(msg, sizeof(msg), "no %s is known", e->k->id_param);
	e->r.h->op_done(e->r.op, FUGUE_E_NOT_FOUND, NULL, msg);
	return 0;
}

/* A read by the desired name (the Conductor lost the physical id) ended: when the entity
 * exists, its name is the physical id. */
static void
read_by_name_done(struct ient *e, enum fugue_status st, const char *observed, const char *msg)
{
	if (st == FUGUE_OK)
		e->r.h->op_set_physical_id(e->r.op, e->id);
	op_chain_done(e, st, observed, msg);
}

/* read: the entity named by the physical id, or by the desired name. */
void
ient_op_read(struct ient *e)
{
	if (!id_known(e))
		return;
	e->done = e->r.h->op_physical_id(e->r.op) == NULL ? read_by_name_done : op_chain_done;
	e->k->read(e);
}

/* update: the calls for what differs. */
void
ient_op_update(struct ient *e)
{
	if (id_known(e))
		ient_converge(e);
}

/* Adds the Tags.member.N parameters of a create call. */
void
ient_call_tags(struct ient *e, struct fugue_call *c, const struct fugue_value *tags)
{
	const struct fugue_host *h = e->r.h;
	char key[48];

	for (size_t i = 0; i < h->v_len(tags, ""); i++) {
		snprintf(key, sizeof(key), "Tags.member.%zu.Key", i + 1);
		h->call_param(c, key, h->v_str(h->v_at(tags, i), "Key"));
		snprintf(key, sizeof(key), "Tags.member.%zu.Value", i + 1);
		h->call_param(c, key, h->v_str(h->v_at(tags, i), "Value"));
	}
}

/* A create succeeded: record the physical id, then converge. */
void
ient_created(struct ient *e, const char *id)
{
	preq_set_physical(&e->r, &e->id, id);
	e->tries = FRESH_TRIES;
	ient_converge(e);
}

/* 1 when tags make the entity this operation's resource. */
static int
ours(struct ient *e, const struct fugue_value *tags)
{
	const struct fugue_host *h = e->r.h;

	return ptag_has(h, tags, "fugue:fid", h->op_fid(e->r.op)) &&
	    ptag_has(h, tags, "fugue:id", h->op_logical_id(e->r.op));
}

/* The entity holding the name was read: adopt it when it is this resource. */
static void
adopt_have(struct ient *e, enum fugue_status st, const char *observed, const char *msg)
{
	const struct fugue_host *h = e->r.h;
	struct pbuf m = { 0 };

	if (st != FUGUE_OK) {
		h->op_done(e->r.op, st == FUGUE_E_NOT_FOUND ? FUGUE_E_RETRYABLE : st, NULL, msg);
		return;
	}
	if (!ours(e, h->v_get(h->v_parse(observed, strlen(observed)), "Tags"))) {
		pbuf_addf(&m, "%s %s already exists and its fugue:fid and fugue:id tags do not "
		    "make it this resource", e->k->type, e->id);
		h->op_done(e->r.op, FUGUE_E_CONFLICT, NULL, m.s);
		pbuf_free(&m);
		return;
	}
	h->op_log(e->r.op, FUGUE_LOG_INFO, "%s exists and is tagged as this resource: adopted",
	    e->id);
	h->op_set_physical_id(e->r.op, e->id);
	converge_have(e, st, observed, msg);
}

/* Create found the name taken. */
void
ient_adopt(struct ient *e)
{
	e->done = adopt_have;
	e->k->read(e);
}

/* A delete's chain ended: a missing entity is deleted already. */
void
ient_delete_end(struct ient *e, enum fugue_status st, const char *observed, const char *msg)
{
	(void)observed;
	preq_delete_end(&e->r, st, msg);
}

/* The delete's plan ran. */
void
ient_deleted(struct ient *e)
{
	e->r.h->op_done(e->r.op, FUGUE_OK, NULL, NULL);
}

/* Delete without a physical id: the entity was read; delete it only when it is ours. */
static void
delete_if_ours(struct ient *e, enum fugue_status st, const char *observed, const char *msg)
{
	const struct fugue_host *h = e->r.h;

	if (st != FUGUE_OK) {
		ient_delete_end(e, st, NULL, msg);
		return;
	}
	e->done = ient_delete_end;
	if (!ours(e, h->v_get(h->v_parse(observed, strlen(observed)), "Tags"))) {
		h->op_log(e->r.op, FUGUE_LOG_INFO, "%s is not tagged as this resource: left alone",
		    e->id);
		h->op_done(e->r.op, FUGUE_OK, NULL, NULL);
		return;
	}
	e->next(e);
}

/* Deletes (see iam.h). */
void
ient_delete(struct ient *e, void (*start)(struct ient *))
{
	const struct fugue_host *h = e->r.h;

	if (e->id == NULL) {
		h->op_done(e->r.op, FUGUE_OK, NULL, NULL);
		return;
	}
	if (h->op_physical_id(e->r.op) != NULL) {
		e->done = ient_delete_end;
		start(e);
		return;
	}
	e->done = delete_if_ours;
	e->next = start;
	e->k->read(e);
}

/* --- sweeps --- */

/* free_fn of a sweep. */
static void
isweep_free(void *p)
{
	struct isweep *s = p;

	for (size_t i = 0; i < s->n; i++)
		ient_clear(&s->readers[i]);
	ient_clear(&s->lister);
	ptally_clear(&s->tally);
	free(s->readers);
	free(s);
}

/* The list failed: nothing is concluded. */
static void
sweep_list_failed(struct ient *e, enum fugue_status st, const char *observed, const char *msg)
{
	(void)observed;
	e->r.h->sweep_done(e->r.sw, st, msg);
}

/* One entity of the sweep was read. */
static void
sweep_read_done(struct ient *e, enum fugue_status st, const char *observed, const char *msg)
{
	ptally_read(&e->sweep->tally, e->id, st, observed, msg);
}

/* Every page is in: read each managed entity that is listed. */
static void
sweep_listed(struct ient *lister)
{
	struct isweep *s = lister->sweep;
	const struct fugue_host *h = lister->r.h;
	struct fugue_sweep *sw = lister->r.sw;
	size_t n = h->sweep_count(sw);

	s->readers = calloc(n ? n : 1, sizeof(struct ient));
	if (s->readers == NULL)
		abort();
	for (size_t i = 0; i < n; i++) {
		struct ient *e;

		if (!plist_has(&lister->names, h->sweep_physical_id(sw, i)))
			continue;
		e = &s->readers[s->n++];
		preq_init(&e->r, h, NULL, sw);
		e->k = lister->k;
		e->id = pdup(h->sweep_physical_id(sw, i));
		e->done = sweep_read_done;
		e->sweep = s;
	}
	if (ptally_start(&s->tally, h, sw, s->n))
		for (size_t i = 0; i < s->n; i++)
			s->readers[i].k->read(&s->readers[i]);
}

/* The sweep: the paginated list, then the reads of what it lacks. */
void
ient_sweep(const struct fugue_host *h, struct fugue_sweep *sw, const struct ikind *k)
{
	struct isweep *s = calloc(1, sizeof(*s));

	if (s == NULL)
		abort();
	h->sweep_set_data(sw, s, isweep_free);
	preq_init(&s->lister.r, h, NULL, sw);
	s->lister.k = k;
	s->lister.sweep = s;
	s->lister.done = sweep_list_failed;
	if (h->sweep_count(sw) == 0) {
		h->sweep_done(sw, FUGUE_OK, NULL);
		return;
	}
	ilist_all(&s->lister, k->list_action, k->list_scope ? "Scope" : NULL, k->list_scope,
	    k->list_items, k->list_id, sweep_listed);
}

/* --- values --- */

/* Writes the Tags of element x. */
void
write_tags(const struct fugue_host *h, struct fugue_json *w, const struct fugue_xml *x)
{
	const struct fugue_xml *t;

	h->j_key(w, "Tags");
	h->j_arr(w);
	for (t = h->x_find(x, "Tags/member"); t != NULL; t = h->x_next(t)) {
		const char *v = h->x_text(t, "Value");

		h->j_obj(w);
		h->j_key(w, "Key");
		h->j_str(w, h->x_text(t, "Key"));
		h->j_key(w, "Value");
		h->j_str(w, v ? v : "");
		h->j_end_obj(w);
	}
	h->j_end_arr(w);
}

/* The value of a hex digit, or -1. */
static int
hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* Writes key: the percent-decoded document. */
void
write_doc(const struct fugue_host *h, struct fugue_json *w, const char *key, const char *enc)
{
	struct pbuf p = { 0 };

	pbuf_add(&p, "");
	for (const char *s = enc ? enc : ""; *s != '\0'; s++) {
		char c[2] = { *s, '\0' };

		if (*s == '%' && hexval(s[1]) >= 0 && hexval(s[2]) >= 0) {
			c[0] = (char)(hexval(s[1]) * 16 + hexval(s[2]));
			s += 2;
		}
		pbuf_add(&p, c);
	}
	h->j_key(w, key);
	h->j_str(w, p.s);
	pbuf_free(&p);
}

/* 1 when two JSON values are equal (object members in any order, numbers as written). */
static int
value_equal(const struct fugue_host *h, const struct fugue_value *a,
    const struct fugue_value *b)
{
	enum fugue_vtype t = h->v_type(a, "");
	size_t n = h->v_len(a, "");
	int x, y;

	if (t != h->v_type(b, "") || n != h->v_len(b, ""))
		return 0;
	switch (t) {
	case FUGUE_V_STRING:
	case FUGUE_V_NUMBER:
		return same(h->v_str(a, ""), h->v_str(b, ""));
	case FUGUE_V_BOOL:
		return h->v_bool(a, "", &x) == 0 && h->v_bool(b, "", &y) == 0 && x == y;
	case FUGUE_V_ARRAY:
		for (size_t i = 0; i < n; i++)
			if (!value_equal(h, h->v_at(a, i), h->v_at(b, i)))
				return 0;
		return 1;
	case FUGUE_V_OBJECT:
		for (size_t i = 0; i < n; i++) {
			const struct fugue_value *m = NULL;

			for (size_t j = 0; j < n && m == NULL; j++)
				if (same(h->v_key(a, i), h->v_key(b, j)))
					m = h->v_at(b, j);
			if (m == NULL || !value_equal(h, h->v_at(a, i), m))
				return 0;
		}
		return 1;
	default:
		return 1;
	}
}

/* 1 when two documents are equal as JSON. */
int
doc_equal(const struct fugue_host *h, const char *a, const char *b)
{
	const struct fugue_value *x, *y;

	if (a == NULL || b == NULL)
		return a == b;
	x = h->v_parse(a, strlen(a));
	y = h->v_parse(b, strlen(b));
	if (x == NULL || y == NULL)
		return strcmp(a, b) == 0;
	return value_equal(h, x, y);
}

/* 1 when two strings (NULL allowed) are equal. */
int
same(const char *a, const char *b)
{
	return a == b || (a != NULL && b != NULL && strcmp(a, b) == 0);
}

/* 1 when the string array holds s. */
int
holds(const struct fugue_host *h, const struct fugue_value *list, const char *s)
{
	for (size_t i = 0; i < h->v_len(list, ""); i++)
		if (same(h->v_str(h->v_at(list, i), ""), s))
			return 1;
	return 0;
}

static const struct fugue_type types[] = {
	{
		.name = "AWS.IAM.InstanceProfile",
		.create = profile_create,
		.read = profile_read,
		.update = profile_update,
		.delete = profile_delete,
		.sweep = profile_sweep,
	},
	{
		.name = "AWS.IAM.Policy",
		.create = policy_create,
		.read = policy_read,
		.update = policy_update,
		.delete = policy_delete,
		.sweep = policy_sweep,
	},
	{
		.name = "AWS.IAM.Role",
		.create = role_create,
		.read = role_read,
		.update = role_update,
		.delete = role_delete,
		.sweep = role_sweep,
	},
};

const struct fugue_broker iam_LTX_fugue_broker = {
	.abi_major = FUGUE_BROKER_ABI_MAJOR,
	.abi_minor = FUGUE_BROKER_ABI_MINOR,
	.name = "iam",
	.description = "AWS IAM roles, managed policies and instance profiles",
	.types = types,
	.ntypes = sizeof(types) / sizeof(types[0]),
};
