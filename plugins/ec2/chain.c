/* chain.c: the EC2 plugin's machinery (ec2.h): chains of EC2 query calls, plans, reads by id
 * or by tags, create (adopting what a crashed create left, found by its fugue:fid/fugue:id
 * tags), converge, delete, and the helpers that turn described items into observed JSON.
 * Errors keep the host's classes (InvalidXxx.NotFound: not-found, DependencyViolation:
 * conflict), except where a step expects them: NotFound from a detach or delete means it is
 * done; a DependencyViolation (children still going) is waited out a few times, then
 * retryable; a just-created resource EC2 does not show yet is described again after a wait. */
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ec2.h"

/* Reads of a just-created resource that EC2 does not show yet, and the wait between them. */
#define FRESH_TRIES 8
#define FRESH_WAIT_MS 500
/* Waits for a DependencyViolation to clear within one operation. */
#define DEP_TRIES 6
#define DEP_WAIT_MS 1000

/* --- chains --- */

/* EC2's query API. */
static const struct papi ec2_api = { "ec2", FUGUE_PROTO_EC2, EC2_VERSION };

/* free_fn of a chain. */
void
ec2_chain_free(void *p)
{
	struct echain *e = p;

	if (e->w != NULL)
		e->r.h->j_free(e->w);
	if (e->data_free != NULL)
		e->data_free(e->data);
	free(e->id);
	pplan_clear(&e->plan);
	free(e);
}

/* An operation's chain ended: so does the operation. */
static void
op_chain_done(struct echain *e, enum fugue_status st, const char *observed, const char *msg)
{
	e->r.h->op_done(e->r.op, st, observed, msg);
}

/* A chain for an operation, attached to it, on its physical id. */
static struct echain *
echain_op(const struct fugue_host *h, struct fugue_op *op, const struct ekind *k)
{
	struct echain *e = calloc(1, sizeof(*e));

	if (e == NULL)
		abort();
	preq_init(&e->r, h, op, NULL);
	e->k = k;
	e->id = pdup(h->op_physical_id(op));
	e->want = h->op_desired(op);
	e->done = op_chain_done;
	e->dep_tries = DEP_TRIES;
	h->op_set_data(op, e, ec2_chain_free);
	return e;
}

/* A new EC2 call of the chain. */
struct fugue_call *
ec2_call(struct echain *e, const char *action)
{
	return preq_action(&e->r, &ec2_api, action);
}

/* Hands a reply to the chain's handler. */
static void
echain_reply(struct preq *r, const struct fugue_reply *rep)
{
	struct echain *e = (struct echain *)r;

	e->on_reply(e, rep);
}

/* Sends c; next runs with its reply. */
void
ec2_send(struct echain *e, struct fugue_call *c,
    void (*next)(struct echain *, const struct fugue_reply *))
{
	e->on_reply = next;
	preq_send(&e->r, c, echain_reply);
}

/* Ends the chain with the reply's error. */
void
ec2_fail(struct echain *e, const struct fugue_reply *rep, const char *what)
{
	char *msg = pfail(e->r.h, rep, what);

	e->done(e, e->r.h->r_status(rep), NULL, msg);
	free(msg);
}

/* The desired properties (NULL in a sweep). */
const struct fugue_value *
ec2_desired(struct echain *e)
{
	return e->want;
}

/* call_param with a formatted key. */
void
ec2_paramf(const struct fugue_host *h, struct fugue_call *c, const char *value,
    const char *keyfmt, ...)
{
	char key[96];
	va_list ap;

	va_start(ap, keyfmt);
	vsnprintf(key, sizeof(key), keyfmt, ap);
	va_end(ap);
	h->call_param(c, key, value);
}

/* Adds TagSpecification.1 with the tags. */
void
ec2_tag_spec(const struct fugue_host *h, struct fugue_call *c, const char *rtype,
    const struct fugue_value *tags)
{
	unsigned n = 0;

	for (size_t i = 0; i < h->v_len(tags, ""); i++) {
		const struct fugue_value *t = h->v_at(tags, i);
		const char *k = h->v_str(t, "Key"), *v = h->v_str(t, "Value");

		if (k == NULL)
			continue;
		if (n++ == 0)
			h->call_param(c, "TagSpecification.1.ResourceType", rtype);
		ec2_paramf(h, c, k, "TagSpecification.1.Tag.%u.Key", n);
		ec2_paramf(h, c, v ? v : "", "TagSpecification.1.Tag.%u.Value", n);
	}
}

/* Adds Filter.n with one value. */
unsigned
ec2_filter(const struct fugue_host *h, struct fugue_call *c, unsigned n, const char *name,
    const char *value)
{
	ec2_paramf(h, c, name, "Filter.%u.Name", n);
	ec2_paramf(h, c, value, "Filter.%u.Value.1", n);
	return n + 1;
}

/* --- observed JSON --- */

/* Writes the Tags of item. */
void
ec2_write_tags(const struct fugue_host *h, struct fugue_json *w, const struct fugue_xml *item)
{
	const struct fugue_xml *t;

	h->j_key(w, "Tags");
	h->j_arr(w);
	for (t = h->x_find(item, "tagSet/item"); t != NULL; t = h->x_next(t)) {
		const char *k = h->x_text(t, "key"), *v = h->x_text(t, "value");

		if (k == NULL || strncmp(k, "aws:", 4) == 0)
			continue;
		h->j_obj(w);
		h->j_key(w, "Key");
		h->j_str(w, k);
		h->j_key(w, "Value");
		h->j_str(w, v ? v : "");
		h->j_end_obj(w);
	}
	h->j_end_arr(w);
}

/* Writes key: the text at path as a string. */
void
ec2_write_str(const struct fugue_host *h, struct fugue_json *w, const char *key,
    const struct fugue_xml *x, const char *path)
{
	const char *s = h->x_text(x, path);

	if (s == NULL)
		return;
	h->j_key(w, key);
	h->j_str(w, s);
}

/* Writes key: the text at path as an integer (nothing when it is not one). */
void
ec2_write_int(const struct fugue_host *h, struct fugue_json *w, const char *key,
    const struct fugue_xml *x, const char *path)
{
	const char *s = h->x_text(x, path);
	char *end;
	long long v;

	if (s == NULL || *s == '\0')
		return;
	v = strtoll(s, &end, 10);
	if (*end != '\0')
		return;
	h->j_key(w, key);
	h->j_int(w, v);
}

/* Writes key: the text at path as a boolean. */
void
ec2_write_bool(const struct fugue_host *h, struct fugue_json *w, const char *key,
    const struct fugue_xml *x, const char *path)
{
	const char *s = h->x_text(x, path);

	if (s == NULL)
		return;
	h->j_key(w, key);
	h->j_bool(w, strcmp(s, "true") == 0);
}

/* Starts an observed resource from its described item. */
void
ec2_observe(const struct fugue_host *h, const struct ekind *k, struct fugue_json **w,
    const struct fugue_xml *item, const char *region)
{
	if (*w != NULL)
		h->j_free(*w);
	*w = h->j_new();
	h->j_obj(*w);
	k->observe(h, *w, item);
	if (region != NULL) {
		h->j_key(*w, "Region");
		h->j_str(*w, region);
	}
}

/* 1 when two strings (NULL allowed) are equal. */
int
ec2_same(const char *a, const char *b)
{
	return a == b || (a != NULL && b != NULL && strcmp(a, b) == 0);
}

/* --- plans --- */

/* Adds a step. */
void
ec2_plan_add(struct echain *e, const char *action, int flags)
{
	pplan_add(&e->plan, action, flags);
}

/* Adds a parameter to the last step. */
void
ec2_plan_param(struct echain *e, const char *key, const char *value)
{
	pplan_param(&e->plan, key, value);
}

/* Adds a parameter with a formatted key to the last step. */
void
ec2_plan_paramf(struct echain *e, const char *value, const char *keyfmt, ...)
{
	char key[96];
	va_list ap;

	va_start(ap, keyfmt);
	vsnprintf(key, sizeof(key), keyfmt, ap);
	va_end(ap);
	ec2_plan_param(e, key, value);
}

/* DeleteTags and CreateTags steps. */
void
ec2_plan_tags(struct echain *e, const struct fugue_value *want, const struct fugue_value *have)
{
	const struct fugue_host *h = e->r.h;
	unsigned n = 0;

	for (size_t i = 0; i < h->v_len(have, ""); i++) {
		const char *k = h->v_str(h->v_at(have, i), "Key");

		if (k == NULL || strncmp(k, "aws:", 4) == 0 || ptag_has(h, want, k, NULL))
			continue;
		if (n == 0) {
			ec2_plan_add(e, "DeleteTags", 0);
			ec2_plan_param(e, "ResourceId.1", e->id);
		}
		ec2_plan_paramf(e, k, "Tag.%u.Key", ++n);
	}
	n = 0;
	for (size_t i = 0; i < h->v_len(want, ""); i++) {
		const struct fugue_value *t = h->v_at(want, i);
		const char *k = h->v_str(t, "Key"), *v = h->v_str(t, "Value");

		if (k == NULL || v == NULL || ptag_has(h, have, k, v))
			continue;
		if (n == 0) {
			ec2_plan_add(e, "CreateTags", 0);
			ec2_plan_param(e, "ResourceId.1", e->id);
		}
		n++;
		ec2_plan_paramf(e, k, "Tag.%u.Key", n);
		ec2_plan_paramf(e, v, "Tag.%u.Value", n);
	}
}

/* op_after's callback: send the step again. */
static void
step_again(const struct fugue_host *h, struct fugue_op *op, void *arg)
{
	struct echain *e = arg;

	(void)h;
	(void)op;
	pplan_next(&e->r);
}

/* A step failed: a DependencyViolation is waited out (when the step allows) or retryable. */
static void
step_failed(struct preq *r, const struct pplan_step *s, const struct fugue_reply *rep)
{
	struct echain *e = (struct echain *)r;
	const struct fugue_host *h = e->r.h;
	char *msg;

	if (ec2_same(h->r_code(rep), "DependencyViolation")) {
		if ((s->flags & EC2_DEP_WAIT) && e->dep_tries > 0) {
			e->dep_tries--;
			h->op_log(e->r.op, FUGUE_LOG_DEBUG, "%s %s: dependencies remain, waiting",
			    s->action, e->id);
			h->op_after(e->r.op, DEP_WAIT_MS, step_again, e);
			return;
		}
		msg = pfail(h, rep, s->action);
		e->done(e, FUGUE_E_RETRYABLE, NULL, msg);
		free(msg);
		return;
	}
	ec2_fail(e, rep, s->action);
}

/* The plan ran: on to the chain's then. */
static void
plan_ran(struct preq *r)
{
	struct echain *e = (struct echain *)r;

	e->then(e);
}

/* Runs the plan, then then. */
void
ec2_plan_run(struct echain *e, void (*then)(struct echain *))
{
	e->then = then;
	pplan_run(&e->r, &e->plan, &ec2_api, e->id, plan_ran, step_failed);
}

/* --- reads --- */

/* The described item whose id is id (live ones only), or NULL. */
static const struct fugue_xml *
find_item(const struct fugue_host *h, const struct ekind *k, const struct fugue_xml *root,
    const char *id)
{
	for (const struct fugue_xml *x = h->x_find(root, k->set); x; x = h->x_next(x)) {
		const struct fugue_xml *y = k->inner ? h->x_find(x, k->inner) : x;

		for (; y != NULL; y = k->inner ? h->x_next(y) : NULL)
			if ((id == NULL || ec2_same(h->x_text(y, k->id_field), id)) &&
			    (k->live == NULL || k->live(h, y)))
				return y;
	}
	return NULL;
}

/* op_after's callback: describe the just-created resource again. */
static void
reread(const struct fugue_host *h, struct fugue_op *op, void *arg)
{
	(void)h;
	(void)op;
	ec2_read(arg);
}

/* Not found: wait and describe again while a just-created resource may still appear. */
static void
read_missing(struct echain *e, const char *msg)
{
	if (e->tries > 0 && e->r.op != NULL) {
		e->tries--;
		e->r.h->op_after(e->r.op, FRESH_WAIT_MS, reread, e);
		return;
	}
	e->done(e, FUGUE_E_NOT_FOUND, NULL, msg);
}

/* The describe of e->id answered. */
static void
on_read(struct echain *e, const struct fugue_reply *rep)
{
	const struct fugue_host *h = e->r.h;
	const struct fugue_xml *item;
	struct pbuf m = { 0 };

	if (h->r_status(rep) == FUGUE_E_NOT_FOUND) {
		char *msg = pfail(h, rep, e->k->describe);

		read_missing(e, msg);
		free(msg);
		return;
	}
	if (h->r_status(rep) != FUGUE_OK) {
		ec2_fail(e, rep, e->k->describe);
		return;
	}
	item = find_item(h, e->k, h->r_xml(rep), e->id);
	if (item == NULL) {
		pbuf_addf(&m, "%s %s does not exist", e->k->type, e->id);
		read_missing(e, m.s);
		pbuf_free(&m);
		return;
	}
	ec2_observe(h, e->k, &e->w, item, h->op_region(e->r.op));
	if (e->k->complete != NULL)
		e->k->complete(e);
	else
		ec2_read_end(e);
}

/* Describes e->id. */
void
ec2_read(struct echain *e)
{
	struct fugue_call *c = ec2_call(e, e->k->describe);

	ec2_filter(e->r.h, c, 1, e->k->id_filter, e->id);
	e->r.h->call_read_only(c);
	ec2_send(e, c, on_read);
}

/* Ends a read with what e->w holds. */
void
ec2_read_end(struct echain *e)
{
	e->r.h->j_end_obj(e->w);
	e->done(e, FUGUE_OK, e->r.h->j_text(e->w), NULL);
}

/* Reads and ends the operation. */
void
ec2_read_op(struct echain *e)
{
	e->done = op_chain_done;
	ec2_read(e);
}

/* The lookup by tags answered: e->then runs with e->id set, or NULL when nothing matched. */
static void
on_lookup(struct echain *e, const struct fugue_reply *rep)
{
	const struct fugue_host *h = e->r.h;
	const struct fugue_xml *item;

	if (h->r_status(rep) != FUGUE_OK) {
		ec2_fail(e, rep, e->k->describe);
		return;
	}
	item = find_item(h, e->k, h->r_xml(rep), NULL);
	free(e->id);
	e->id = item ? pdup(h->x_text(item, e->k->id_field)) : NULL;
	if (e->id != NULL) {
		h->op_log(e->r.op, FUGUE_LOG_INFO, "%s is tagged as this resource: adopted", e->id);
		h->op_set_physical_id(e->r.op, e->id);
	}
	e->then(e);
}

/* Finds the resource by its fugue:fid and fugue:id tags (a crash lost its id). */
static void
lookup(struct echain *e, void (*then)(struct echain *))
{
	const struct fugue_host *h = e->r.h;
	struct fugue_call *c = ec2_call(e, e->k->describe);
	unsigned n = 1;

	n = ec2_filter(h, c, n, "tag:fugue:fid", h->op_fid(e->r.op));
	ec2_filter(h, c, n, "tag:fugue:id", h->op_logical_id(e->r.op));
	h->call_read_only(c);
	e->then = then;
	ec2_send(e, c, on_lookup);
}

/* --- operations --- */

/* The resource as it is: plan what brings it to the desired properties, and run it. */
static void
converge_have(struct echain *e, enum fugue_status st, const char *observed, const char *msg)
{
	const struct fugue_host *h = e->r.h;
	const struct fugue_value *want = ec2_desired(e);

	if (st != FUGUE_OK) {
		h->op_done(e->r.op, st, NULL, msg);
		return;
	}
	e->have = h->v_parse(observed, strlen(observed));
	pplan_clear(&e->plan);
	if (e->k->plan != NULL)
		e->k->plan(e);
	ec2_plan_tags(e, h->v_get(want, "Tags"), h->v_get(e->have, "Tags"));
	if (e->plan.n > 0) {
		ec2_plan_run(e, e->k->settle ? e->k->settle : ec2_read_op);
		return;
	}
	if (e->k->settle != NULL)
		e->k->settle(e);
	else
		h->op_done(e->r.op, FUGUE_OK, observed, NULL);
}

/* Brings the resource to the desired properties. */
static void
converge(struct echain *e)
{
	e->done = converge_have;
	ec2_read(e);
}

/* A create answered with the new id. */
void
ec2_created(struct echain *e, const char *id)
{
	preq_set_physical(&e->r, &e->id, id);
	e->tries = FRESH_TRIES;
	converge(e);
}

/* A create call answered. */
static void
on_create(struct echain *e, const struct fugue_reply *rep)
{
	const struct fugue_host *h = e->r.h;
	const char *id;
	struct pbuf m = { 0 };

	if (h->r_status(rep) != FUGUE_OK) {
		ec2_fail(e, rep, e->creating);
		return;
	}
	id = h->x_text(h->r_xml(rep), e->k->created_id);
	if (id == NULL) {
		pbuf_addf(&m, "%s: the reply has no %s", e->creating, e->k->created_id);
		e->done(e, FUGUE_E_RETRYABLE, NULL, m.s);
		pbuf_free(&m);
		return;
	}
	ec2_created(e, id);
}

/* Sends a create call. */
void
ec2_send_create(struct echain *e, struct fugue_call *c, const char *action)
{
	e->creating = action;
	ec2_send(e, c, on_create);
}

/* The lookup of create: adopt what a crashed create left, or create. */
static void
create_looked_up(struct echain *e)
{
	if (e->id != NULL) {
		e->tries = FRESH_TRIES;
		converge(e);
		return;
	}
	e->k->create(e);
}

/* Creates a resource of kind k. */
void
ec2_op_create(const struct fugue_host *h, struct fugue_op *op, const struct ekind *k)
{
	struct echain *e = echain_op(h, op, k);

	lookup(e, create_looked_up);
}

/* The lookup of a read without a physical id. */
static void
read_looked_up(struct echain *e)
{
	if (e->id == NULL) {
		e->r.h->op_done(e->r.op, FUGUE_E_NOT_FOUND, NULL,
		    "no resource is tagged with this fugue:fid and fugue:id");
		return;
	}
	ec2_read_op(e);
}

/* Reads a resource of kind k. */
void
ec2_op_read(const struct fugue_host *h, struct fugue_op *op, const struct ekind *k)
{
	struct echain *e = echain_op(h, op, k);

	if (e->id == NULL)
		lookup(e, read_looked_up);
	else
		ec2_read_op(e);
}

/* Updates a resource of kind k. */
void
ec2_op_update(const struct fugue_host *h, struct fugue_op *op, const struct ekind *k)
{
	struct echain *e = echain_op(h, op, k);

	if (e->id == NULL) {
		h->op_done(op, FUGUE_E_NOT_FOUND, NULL, "update without a physical id");
		return;
	}
	converge(e);
}

/* A delete's chain ended: a missing resource is deleted already. */
static void
delete_end(struct echain *e, enum fugue_status st, const char *observed, const char *msg)
{
	(void)observed;
	preq_delete_end(&e->r, st, msg);
}

/* The delete's plan ran. */
static void
deleted(struct echain *e)
{
	if (e->k->settle_delete != NULL) {
		e->k->settle_delete(e);
		return;
	}
	e->r.h->op_done(e->r.op, FUGUE_OK, NULL, NULL);
}

/* The resource to delete was read: plan its deletion and run it. */
static void
delete_have(struct echain *e, enum fugue_status st, const char *observed, const char *msg)
{
	const struct fugue_host *h = e->r.h;

	if (st != FUGUE_OK) {
		delete_end(e, st, NULL, msg);
		return;
	}
	e->done = delete_end;
	e->have = h->v_parse(observed, strlen(observed));
	pplan_clear(&e->plan);
	e->k->plan_delete(e);
	ec2_plan_run(e, deleted);
}

/* The lookup of a delete: delete what was found. */
static void
delete_looked_up(struct echain *e)
{
	if (e->id == NULL) {
		e->r.h->op_done(e->r.op, FUGUE_OK, NULL, NULL);
		return;
	}
	e->done = delete_have;
	ec2_read(e);
}

/* Deletes a resource of kind k. */
void
ec2_op_delete(const struct fugue_host *h, struct fugue_op *op, const struct ekind *k)
{
	struct echain *e = echain_op(h, op, k);

	e->done = delete_have;
	if (e->id == NULL)
		lookup(e, delete_looked_up);
	else
		ec2_read(e);
}
