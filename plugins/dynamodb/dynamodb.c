/* dynamodb.c: the DynamoDB broker plugin. AWS.DynamoDB.Table over JSON 1.0 (DynamoDB_20120810):
 * create = CreateTable with every property and the tags, then the update loop (which waits for
 *   ACTIVE). ResourceInUseException for a table tagged with this resource's fugue:fid and
 *   fugue:id is a create retried after a crash: the table is adopted; any other is a conflict;
 * read = DescribeTable and ListTagsOfResource, by the physical id or, when it was lost, by the
 *   deterministic name;
 * update = a loop: DescribeTable; wait while the table or an index is not ACTIVE; send the next
 *   UpdateTable (table.h: DynamoDB takes one index creation or deletion per call) until nothing
 *   differs; then UntagResource and TagResource; then read;
 * delete = DescribeTable; deletion protection turned off when on; DeleteTable; then wait until
 *   DescribeTable answers ResourceNotFoundException, so that the name is free for a
 *   replacement. Without a physical id, only a table tagged as this resource's is deleted;
 * sweep = ListTables (paginated; a managed table not listed is deleted), then DescribeTable and
 *   ListTagsOfResource of each managed table listed. DynamoDB has no batched describe:
 *   ListTables returns names only, DescribeTable takes one name, and tags come per ARN.
 * Waits never block: the next DescribeTable is scheduled with the host's op_after, 200 ms
 * first, doubling up to 10 s, for at most 15 minutes per operation (then RETRYABLE: the next
 * attempt resumes where the table is). */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../util.h"
#include "table.h"

#define TARGET_PREFIX "DynamoDB_20120810."
#define FIRST_POLL_MS 200u
#define MAX_POLL_MS 10000u
#define MAX_WAIT_MS (15u * 60u * 1000u)
#define MAX_UPDATES 64u
#define LIST_LIMIT 100

enum phase {
	PH_READ,     /* describe once and report */
	PH_ADOPT,    /* CreateTable found the name taken: is that table this resource? */
	PH_CONVERGE, /* describe, wait, UpdateTable, until the table matches */
	PH_DELETE,   /* describe, wait, DeleteTable, until the table is gone */
};

struct tsweep;

/* One chain of calls on one table, for an operation or a sweep. */
struct tbl {
	struct preq r;
	enum phase phase;
	char *name;
	char *arn;
	const char *region;
	int check_owner;             /* delete without a physical id: only a table tagged ours */
	unsigned delay_ms;           /* the next wait */
	unsigned waited_ms;
	unsigned updates;            /* UpdateTable calls sent */
	char *last;                  /* what the last UpdateTable was to change */
	struct fugue_json *w;        /* the observed table */
	struct fugue_json *tags;     /* the tags of ListTagsOfResource pages so far */
	const struct fugue_value *have_tags;
	void (*tags_next)(struct tbl *, const struct fugue_value *tags);
	void (*done)(struct tbl *, enum fugue_status, const char *observed, const char *msg);
	struct tsweep *sweep;
};

/* A sweep: the tables listed, then one reader per managed table among them. */
struct tsweep {
	struct preq r;
	struct plist listed;
	struct tbl *readers;
	size_t n;
	struct ptally tally;
};

static void describe(struct tbl *);

/* Frees a chain's contents. */
static void
tbl_clear(struct tbl *t)
{
	if (t->w != NULL)
		t->r.h->j_free(t->w);
	if (t->tags != NULL)
		t->r.h->j_free(t->tags);
	free(t->name);
	free(t->arn);
	free(t->last);
	t->w = t->tags = NULL;
	t->name = t->arn = t->last = NULL;
}

/* free_fn of an operation's chain. */
static void
tbl_free(void *p)
{
	tbl_clear(p);
	free(p);
}

/* A DynamoDB call whose JSON request is body (freed here). */
static struct fugue_call *
ddb_call(struct tbl *t, const char *action, struct fugue_json *body)
{
	const struct fugue_host *h = t->r.h;
	char target[64];
	struct fugue_call *c;
	const char *text = h->j_text(body);

	snprintf(target, sizeof(target), TARGET_PREFIX "%s", action);
	c = preq_call(&t->r, "dynamodb", FUGUE_PROTO_JSON10, target);
	h->call_body(c, text, strlen(text));
	h->j_free(body);
	return c;
}

/* A request naming the chain's table. */
static struct fugue_json *
name_body(struct tbl *t)
{
	const struct fugue_host *h = t->r.h;
	struct fugue_json *w = h->j_new();

	h->j_obj(w);
	h->j_key(w, "TableName");
	h->j_str(w, t->name);
	h->j_end_obj(w);
	return w;
}

/* Ends the chain with the reply's error. */
static void
tfail(struct tbl *t, const struct fugue_reply *rep, const char *what)
{
	char *msg = pfail(t->r.h, rep, what);

	t->done(t, t->r.h->r_status(rep), NULL, msg);
	free(msg);
}

/* The desired properties (NULL in a sweep). */
static const struct fugue_value *
desired(struct tbl *t)
{
	return t->r.op ? t->r.h->op_desired(t->r.op) : NULL;
}

/* --- tags --- */

static void list_tags(struct tbl *, const char *token);

/* A ListTagsOfResource page: its tags are kept; the last page hands them all on. */
static void
on_tags(struct preq *r, const struct fugue_reply *rep)
{
	struct tbl *t = (struct tbl *)r;
	const struct fugue_host *h = r->h;
	const struct fugue_value *v = h->r_json(rep), *list;
	const char *text;

	if (h->r_status(rep) != FUGUE_OK) {
		tfail(t, rep, "ListTagsOfResource");
		return;
	}
	list = h->v_get(v, "Tags");
	for (size_t i = 0; i < h->v_len(list, ""); i++) {
		const struct fugue_value *tag = h->v_at(list, i);

		h->j_obj(t->tags);
		h->j_key(t->tags, "Key");
		h->j_str(t->tags, h->v_str(tag, "Key"));
		h->j_key(t->tags, "Value");
		h->j_str(t->tags, h->v_str(tag, "Value") ? h->v_str(tag, "Value") : "");
		h->j_end_obj(t->tags);
	}
	if (h->v_str(v, "NextToken") != NULL) {
		list_tags(t, h->v_str(v, "NextToken"));
		return;
	}
	h->j_end_arr(t->tags);
	text = h->j_text(t->tags);
	t->tags_next(t, h->v_parse(text, strlen(text)));
}

/* Asks for a page of the table's tags (token NULL: the first). */
static void
list_tags(struct tbl *t, const char *token)
{
	const struct fugue_host *h = t->r.h;
	struct fugue_json *w = h->j_new();
	struct fugue_call *c;

	if (token == NULL) {
		if (t->tags != NULL)
			h->j_free(t->tags);
		t->tags = h->j_new();
		h->j_arr(t->tags);
	}
	h->j_obj(w);
	h->j_key(w, "ResourceArn");
	h->j_str(w, t->arn);
	if (token != NULL) {
		h->j_key(w, "NextToken");
		h->j_str(w, token);
	}
	h->j_end_obj(w);
	c = ddb_call(t, "ListTagsOfResource", w);
	h->call_read_only(c);
	preq_send(&t->r, c, on_tags);
}

/* The tags end the observed table, and the chain. */
static void
observed_tags(struct tbl *t, const struct fugue_value *tags)
{
	const struct fugue_host *h = t->r.h;

	h->j_key(t->w, "Tags");
	h->j_value(t->w, tags);
	h->j_end_obj(t->w);
	t->done(t, FUGUE_OK, h->j_text(t->w), NULL);
}

/* 1 when the tags say the table is this operation's resource. */
static int
ours(struct tbl *t, const struct fugue_value *tags)
{
	const struct fugue_host *h = t->r.h;

	return ptag_has(h, tags, "fugue:fid", h->op_fid(t->r.op)) &&
	    ptag_has(h, tags, "fugue:id", h->op_logical_id(t->r.op));
}

/* TagResource answered: read the table back. */
static void
on_tagged(struct preq *r, const struct fugue_reply *rep)
{
	struct tbl *t = (struct tbl *)r;

	if (r->h->r_status(rep) != FUGUE_OK) {
		tfail(t, rep, "TagResource");
		return;
	}
	t->phase = PH_READ;
	describe(t);
}

/* UntagResource answered (or was not needed): add the missing or changed tags. */
static void
on_untagged(struct preq *r, const struct fugue_reply *rep)
{
	struct tbl *t = (struct tbl *)r;
	const struct fugue_host *h = r->h;
	const struct fugue_value *want = h->v_get(desired(t), "Tags");
	struct fugue_json *w;
	unsigned n = 0;

	if (rep != NULL && h->r_status(rep) != FUGUE_OK) {
		tfail(t, rep, "UntagResource");
		return;
	}
	w = h->j_new();
	h->j_obj(w);
	h->j_key(w, "ResourceArn");
	h->j_str(w, t->arn);
	h->j_key(w, "Tags");
	h->j_arr(w);
	for (size_t i = 0; i < h->v_len(want, ""); i++) {
		const struct fugue_value *tag = h->v_at(want, i);

		if (ptag_has(h, t->have_tags, h->v_str(tag, "Key"), h->v_str(tag, "Value")))
			continue;
		h->j_value(w, tag);
		n++;
	}
	h->j_end_arr(w);
	h->j_end_obj(w);
	if (n == 0) {
		h->j_free(w);
		t->phase = PH_READ;
		describe(t);
		return;
	}
	preq_send(&t->r, ddb_call(t, "TagResource", w), on_tagged);
}

/* The table's tags are known: remove those not desired (aws: tags are AWS's). */
static void
retag(struct tbl *t, const struct fugue_value *have)
{
	const struct fugue_host *h = t->r.h;
	const struct fugue_value *want = h->v_get(desired(t), "Tags");
	struct fugue_json *w = h->j_new();
	unsigned n = 0;

	t->have_tags = have;
	h->j_obj(w);
	h->j_key(w, "ResourceArn");
	h->j_str(w, t->arn);
	h->j_key(w, "TagKeys");
	h->j_arr(w);
	for (size_t i = 0; i < h->v_len(have, ""); i++) {
		const char *k = h->v_str(h->v_at(have, i), "Key");

		if (k == NULL || strncmp(k, "aws:", 4) == 0 || ptag_has(h, want, k, NULL))
			continue;
		h->j_str(w, k);
		n++;
	}
	h->j_end_arr(w);
	h->j_end_obj(w);
	if (n == 0) {
		h->j_free(w);
		on_untagged(&t->r, NULL);
		return;
	}
	preq_send(&t->r, ddb_call(t, "UntagResource", w), on_untagged);
}

/* CreateTable found the name taken: adopt the table when it is this resource. */
static void
adopt(struct tbl *t, const struct fugue_value *tags)
{
	const struct fugue_host *h = t->r.h;
	struct pbuf m = { 0 };

	if (!ours(t, tags)) {
		pbuf_addf(&m, "CreateTable: a table named %s already exists and its fugue:fid and "
		    "fugue:id tags do not make it this resource", t->name);
		t->done(t, FUGUE_E_CONFLICT, NULL, m.s);
		pbuf_free(&m);
		return;
	}
	h->op_log(t->r.op, FUGUE_LOG_INFO, "table %s exists and is tagged as this resource: "
	    "adopted", t->name);
	h->op_set_physical_id(t->r.op, t->name);
	t->phase = PH_CONVERGE;
	describe(t);
}

/* Delete without a physical id: only a table tagged as this resource is deleted. */
static void
delete_if_ours(struct tbl *t, const struct fugue_value *tags)
{
	if (!ours(t, tags)) {
		t->r.h->op_log(t->r.op, FUGUE_LOG_INFO, "table %s is not tagged as this resource: "
		    "left alone", t->name);
		t->done(t, FUGUE_OK, NULL, NULL);
		return;
	}
	t->check_owner = 0;
	describe(t);
}

/* --- the describe loop --- */

/* op_after's callback: the wait is over. */
static void
on_wait_over(const struct fugue_host *h, struct fugue_op *op, void *arg)
{
	(void)h;
	(void)op;
	describe(arg);
}

/* Describes the table again after a wait (state: why), or gives up after MAX_WAIT_MS. */
static void
wait_then_describe(struct tbl *t, const char *state)
{
	struct pbuf m = { 0 };
	unsigned d = t->delay_ms ? t->delay_ms : FIRST_POLL_MS;

	if (t->waited_ms >= MAX_WAIT_MS) {
		pbuf_addf(&m, "table %s is still %s after %u s", t->name, state,
		    t->waited_ms / 1000);
		t->done(t, FUGUE_E_RETRYABLE, NULL, m.s);
		pbuf_free(&m);
		return;
	}
	t->waited_ms += d;
	t->delay_ms = 2 * d < MAX_POLL_MS ? 2 * d : MAX_POLL_MS;
	t->r.h->op_after(t->r.op, d, on_wait_over, t);
}

/* UpdateTable answered: describe again (and wait for the change to finish). */
static void
on_updated(struct preq *r, const struct fugue_reply *rep)
{
	struct tbl *t = (struct tbl *)r;
	struct pbuf m = { 0 };

	if (r->h->r_status(rep) != FUGUE_OK) {
		pbuf_addf(&m, "UpdateTable (%s)", t->last ? t->last : "update");
		tfail(t, rep, m.s);
		pbuf_free(&m);
		return;
	}
	t->delay_ms = 0;
	describe(t);
}

/* Sends the next UpdateTable of the convergence, or goes on to the tags. */
static void
converge(struct tbl *t, const struct fugue_value *d)
{
	const struct fugue_host *h = t->r.h;
	struct fugue_json *w = h->j_new();
	char *what = NULL;
	struct pbuf m = { 0 };
	int rc = table_next_update(h, w, desired(t), d, &what);

	if (rc <= 0) {
		h->j_free(w);
		if (rc < 0)
			t->done(t, FUGUE_E_INVALID, NULL, what);
		else
			list_tags(t, NULL);
		free(what);
		return;
	}
	if ((t->last != NULL && strcmp(t->last, what) == 0) || t->updates >= MAX_UPDATES) {
		/* DynamoDB took the change but the table does not show it. */
		pbuf_addf(&m, "UpdateTable (%s) was accepted but table %s still differs", what,
		    t->name);
		t->done(t, FUGUE_E_RETRYABLE, NULL, m.s);
		pbuf_free(&m);
		h->j_free(w);
		free(what);
		return;
	}
	h->op_log(t->r.op, FUGUE_LOG_DEBUG, "table %s: UpdateTable to %s", t->name, what);
	free(t->last);
	t->last = what;
	t->updates++;
	preq_send(&t->r, ddb_call(t, "UpdateTable", w), on_updated);
}

/* DeleteTable answered: describe until the table is gone. */
static void
on_delete_sent(struct preq *r, const struct fugue_reply *rep)
{
	struct tbl *t = (struct tbl *)r;
	enum fugue_status st = r->h->r_status(rep);

	if (st != FUGUE_OK && st != FUGUE_E_NOT_FOUND) {
		tfail(t, rep, "DeleteTable");
		return;
	}
	t->delay_ms = 0;
	describe(t);
}

/* The next step of a delete, with the table described as d. */
static void
delete_step(struct tbl *t, const struct fugue_value *d)
{
	const struct fugue_host *h = t->r.h;
	const char *state;
	struct fugue_json *w;
	int prot = 0;

	if (table_settled(h, d, &state) == 0) {
		wait_then_describe(t, state);
		return;
	}
	if (t->check_owner) {
		t->tags_next = delete_if_ours;
		list_tags(t, NULL);
		return;
	}
	if (h->v_bool(d, "DeletionProtectionEnabled", &prot) == 0 && prot) {
		w = h->j_new();
		h->j_obj(w);
		h->j_key(w, "TableName");
		h->j_str(w, t->name);
		h->j_key(w, "DeletionProtectionEnabled");
		h->j_bool(w, 0);
		h->j_end_obj(w);
		free(t->last);
		t->last = pdup("turn deletion protection off to delete the table");
		preq_send(&t->r, ddb_call(t, "UpdateTable", w), on_updated);
		return;
	}
	preq_send(&t->r, ddb_call(t, "DeleteTable", name_body(t)), on_delete_sent);
}

/* DescribeTable answered: the phase decides what comes next. */
static void
on_described(struct preq *r, const struct fugue_reply *rep)
{
	struct tbl *t = (struct tbl *)r;
	const struct fugue_host *h = r->h;
	const struct fugue_value *d = h->v_get(h->r_json(rep), "Table");
	enum fugue_status st = h->r_status(rep);
	const char *state = NULL;
	int settled;

	if (st == FUGUE_E_NOT_FOUND && t->phase == PH_DELETE) {
		t->done(t, FUGUE_OK, NULL, NULL);
		return;
	}
	if (st != FUGUE_OK) {
		tfail(t, rep, "DescribeTable");
		return;
	}
	if (d == NULL || h->v_str(d, "TableArn") == NULL) {
		t->done(t, FUGUE_E_RETRYABLE, NULL, "DescribeTable: no Table in the reply");
		return;
	}
	free(t->arn);
	t->arn = pdup(h->v_str(d, "TableArn"));
	settled = table_settled(h, d, &state);
	switch (t->phase) {
	case PH_READ:
		if (strcmp(h->v_str(d, "TableStatus") ? h->v_str(d, "TableStatus") : "",
		    "DELETING") == 0) {
			t->done(t, FUGUE_E_NOT_FOUND, NULL, "the table is being deleted");
			return;
		}
		if (t->r.op != NULL)
			h->op_set_physical_id(t->r.op, t->name);
		if (t->w != NULL)
			h->j_free(t->w);
		t->w = h->j_new();
		h->j_obj(t->w);
		table_observe(h, t->w, d, t->region, desired(t));
		t->tags_next = observed_tags;
		list_tags(t, NULL);
		return;
	case PH_ADOPT:
		t->tags_next = adopt;
		list_tags(t, NULL);
		return;
	case PH_CONVERGE:
		if (settled == 0)
			wait_then_describe(t, state);
		else if (settled < 0) {
			struct pbuf m = { 0 };

			pbuf_addf(&m, "table %s is %s: it cannot be updated", t->name, state);
			t->done(t, FUGUE_E_FATAL, NULL, m.s);
			pbuf_free(&m);
		} else {
			t->tags_next = retag;
			converge(t, d);
		}
		return;
	case PH_DELETE:
		delete_step(t, d);
		return;
	}
}

/* Describes the table. */
static void
describe(struct tbl *t)
{
	struct fugue_call *c = ddb_call(t, "DescribeTable", name_body(t));

	t->r.h->call_read_only(c);
	preq_send(&t->r, c, on_described);
}

/* --- operations --- */

/* An operation's chain ended: so does the operation. */
static void
op_chain_done(struct tbl *t, enum fugue_status st, const char *observed, const char *msg)
{
	t->r.h->op_done(t->r.op, st, observed, msg);
}

/* A chain for an operation on the table named by the physical id or the desired name. */
static struct tbl *
op_chain(const struct fugue_host *h, struct fugue_op *op, enum phase phase)
{
	struct tbl *t = calloc(1, sizeof(*t));
	const char *name = h->op_physical_id(op);

	if (t == NULL)
		abort();
	preq_init(&t->r, h, op, NULL);
	t->phase = phase;
	t->name = pdup(name ? name : h->v_str(h->op_desired(op), "TableName"));
	t->region = h->op_region(op);
	t->done = op_chain_done;
	h->op_set_data(op, t, tbl_free);
	return t;
}

/* CreateTable answered: wait for ACTIVE through the update loop (or see whose table holds
 * the name). */
static void
on_created(struct preq *r, const struct fugue_reply *rep)
{
	struct tbl *t = (struct tbl *)r;
	const struct fugue_host *h = r->h;
	const char *code = h->r_code(rep);

	if (h->r_status(rep) == FUGUE_OK) {
		h->op_set_physical_id(r->op, t->name);
		t->phase = PH_CONVERGE;
	} else if (code != NULL && strcmp(code, "ResourceInUseException") == 0)
		t->phase = PH_ADOPT;
	else {
		tfail(t, rep, "CreateTable");
		return;
	}
	describe(t);
}

/* create: CreateTable with every property and tag. */
static void
table_create(const struct fugue_host *h, struct fugue_op *op)
{
	struct tbl *t = op_chain(h, op, PH_CONVERGE);
	struct fugue_json *w;

	if (t->name == NULL) {
		h->op_done(op, FUGUE_E_INVALID, NULL, "no TableName");
		return;
	}
	w = h->j_new();
	table_create_body(h, w, h->op_desired(op));
	preq_send(&t->r, ddb_call(t, "CreateTable", w), on_created);
}

/* read: DescribeTable and the tags. */
static void
table_read(const struct fugue_host *h, struct fugue_op *op)
{
	struct tbl *t = op_chain(h, op, PH_READ);

	if (t->name == NULL) {
		h->op_done(op, FUGUE_E_NOT_FOUND, NULL, "no table name");
		return;
	}
	describe(t);
}

/* update: the describe/UpdateTable loop, then the tags. */
static void
table_update(const struct fugue_host *h, struct fugue_op *op)
{
	struct tbl *t = op_chain(h, op, PH_CONVERGE);

	if (t->name == NULL) {
		h->op_done(op, FUGUE_E_NOT_FOUND, NULL, "no table name");
		return;
	}
	describe(t);
}

/* delete: DeleteTable once nothing stands in the way, then wait until it is gone. */
static void
table_delete(const struct fugue_host *h, struct fugue_op *op)
{
	struct tbl *t = op_chain(h, op, PH_DELETE);

	if (t->name == NULL) {
		h->op_done(op, FUGUE_OK, NULL, NULL);
		return;
	}
	t->check_owner = h->op_physical_id(op) == NULL;
	describe(t);
}

/* --- sweep --- */

/* free_fn of a sweep. */
static void
tsweep_free(void *p)
{
	struct tsweep *s = p;

	for (size_t i = 0; i < s->n; i++)
		tbl_clear(&s->readers[i]);
	plist_clear(&s->listed);
	ptally_clear(&s->tally);
	free(s->readers);
	free(s);
}

/* One table of the sweep was read. */
static void
sweep_read_done(struct tbl *t, enum fugue_status st, const char *observed, const char *msg)
{
	ptally_read(&t->sweep->tally, t->name, st, observed, msg);
}

/* Every page is in: read each managed table that is listed. */
static void
read_listed(struct tsweep *s)
{
	const struct fugue_host *h = s->r.h;
	struct fugue_sweep *sw = s->r.sw;
	size_t n = h->sweep_count(sw);

	s->readers = calloc(n ? n : 1, sizeof(struct tbl));
	if (s->readers == NULL)
		abort();
	for (size_t i = 0; i < n; i++) {
		struct tbl *t;

		if (!plist_has(&s->listed, h->sweep_physical_id(sw, i)))
			continue;
		t = &s->readers[s->n++];
		preq_init(&t->r, h, NULL, sw);
		t->phase = PH_READ;
		t->name = pdup(h->sweep_physical_id(sw, i));
		t->region = h->sweep_region(sw);
		t->done = sweep_read_done;
		t->sweep = s;
	}
	if (ptally_start(&s->tally, h, sw, s->n))
		for (size_t i = 0; i < s->n; i++)
			describe(&s->readers[i]);
}

static void list_tables(struct tsweep *, const char *start);

/* A ListTables page. */
static void
on_list(struct preq *r, const struct fugue_reply *rep)
{
	struct tsweep *s = (struct tsweep *)r;
	const struct fugue_host *h = r->h;
	const struct fugue_value *v = h->r_json(rep), *names;
	char *msg;

	if (h->r_status(rep) != FUGUE_OK) {
		msg = pfail(h, rep, "ListTables");
		h->sweep_done(r->sw, h->r_status(rep), msg);
		free(msg);
		return;
	}
	names = h->v_get(v, "TableNames");
	for (size_t i = 0; i < h->v_len(names, ""); i++) {
		const char *name = h->v_str(h->v_at(names, i), "");

		if (name != NULL)
			plist_add(&s->listed, name);
	}
	if (h->v_str(v, "LastEvaluatedTableName") != NULL)
		list_tables(s, h->v_str(v, "LastEvaluatedTableName"));
	else
		read_listed(s);
}

/* Asks for a page of table names (start NULL: the first). */
static void
list_tables(struct tsweep *s, const char *start)
{
	const struct fugue_host *h = s->r.h;
	struct fugue_json *w = h->j_new();
	struct fugue_call *c = preq_call(&s->r, "dynamodb", FUGUE_PROTO_JSON10,
	    TARGET_PREFIX "ListTables");
	const char *text;

	h->j_obj(w);
	h->j_key(w, "Limit");
	h->j_int(w, LIST_LIMIT);
	if (start != NULL) {
		h->j_key(w, "ExclusiveStartTableName");
		h->j_str(w, start);
	}
	h->j_end_obj(w);
	text = h->j_text(w);
	h->call_body(c, text, strlen(text));
	h->j_free(w);
	h->call_read_only(c);
	preq_send(&s->r, c, on_list);
}

/* sweep: ListTables, then the reads of the managed tables it lists. */
static void
table_sweep(const struct fugue_host *h, struct fugue_sweep *sw)
{
	struct tsweep *s = calloc(1, sizeof(*s));

	if (s == NULL)
		abort();
	preq_init(&s->r, h, NULL, sw);
	h->sweep_set_data(sw, s, tsweep_free);
	if (h->sweep_count(sw) == 0) {
		h->sweep_done(sw, FUGUE_OK, NULL);
		return;
	}
	list_tables(s, NULL);
}

static const struct fugue_type types[] = {
	{
		.name = "AWS.DynamoDB.Table",
		.create = table_create,
		.read = table_read,
		.update = table_update,
		.delete = table_delete,
		.sweep = table_sweep,
	},
};

const struct fugue_broker dynamodb_LTX_fugue_broker = {
	.abi_major = FUGUE_BROKER_ABI_MAJOR,
	.abi_minor = FUGUE_BROKER_ABI_MINOR,
	.name = "dynamodb",
	.description = "Amazon DynamoDB tables",
	.types = types,
	.ntypes = sizeof(types) / sizeof(types[0]),
};
