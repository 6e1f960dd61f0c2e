/* store.c: DynamoDB operations of the Conductor's store: get, conditional put/update/delete
 * with versions, paginated query and scan, and the AttributeValue helpers. */
#include "config.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/queue.h>

#include "store.h"

/* Each table's name (without the prefix) and key attributes. */
static const struct {
	const char *base, *hash, *range;
} tables[STORE_NTABLES] = {
	[STORE_PROCESSES] = { "fugue-processes", "pk", "sk" },
	[STORE_RESOURCES] = { "fugue-resources", "fid", "lid" },
	[STORE_HISTORY] = { "fugue-history", "pk", "sk" },
	[STORE_REQUESTS] = { "fugue-requests", "pk", "sk" },
	[STORE_USERS] = { "fugue-users", "pk", "sk" },
	[STORE_LEASE] = { "fugue-lease", "pk", "sk" },
};

enum op_kind { OP_GET, OP_WRITE, OP_QUERY };

struct store_op {
	TAILQ_ENTRY(store_op) link;
	struct store *st;
	struct fg_aws_call *call;
	enum op_kind kind;
	enum store_table table;
	int64_t new_ver;          /* write: the version written, or -1 */
	store_cb cb;
	void *arg;
	/* Query: the request without its ExclusiveStartKey, and what came back so far. */
	struct store_query q;
	char *pk, *sk_min, *sk_max;
	fg_json *pages;
	size_t npages;
	fg_json *items;
	size_t nitems, items_cap;
};

struct store {
	struct fg_aws *aws;
	char *region;
	char *names[STORE_NTABLES];
	TAILQ_HEAD(, store_op) ops;
	size_t pending;
};

/* Creates a store over aws with the given name prefix. */
struct store *
store_new(struct fg_aws *aws, const char *prefix, const char *region)
{
	struct store *st = fg_calloc(1, sizeof(*st));
	size_t i;

	st->aws = aws;
	st->region = region ? fg_strdup(region) : NULL;
	for (i = 0; i < STORE_NTABLES; i++)
		st->names[i] = fg_printf("%s%s", prefix, tables[i].base);
	TAILQ_INIT(&st->ops);
	return st;
}

/* Frees an operation and what it collected. */
static void
op_free(struct store_op *op)
{
	size_t i;

	for (i = 0; i < op->npages; i++)
		fg_json_free(op->pages[i]);
	free(op->pages);
	free(op->items);
	free(op->pk);
	free(op->sk_min);
	free(op->sk_max);
	free(op);
}

/* Cancels every pending operation silently and frees the store. */
void
store_free(struct store *st)
{
	struct store_op *op;
	size_t i;

	if (st == NULL)
		return;
	while ((op = TAILQ_FIRST(&st->ops)) != NULL) {
		TAILQ_REMOVE(&st->ops, op, link);
		if (op->call)
			fg_aws_cancel(op->call);
		op_free(op);
	}
	for (i = 0; i < STORE_NTABLES; i++)
		free(st->names[i]);
	free(st->region);
	free(st);
}

/* The full name of a table. */
const char *
store_table_name(const struct store *st, enum store_table t)
{
	return st->names[t];
}

/* The unprefixed name of a table. */
const char *
store_table_base(enum store_table t)
{
	return tables[t].base;
}

/* The partition and sort key attribute names of a table. */
void
store_table_keys(enum store_table t, const char **hash, const char **range)
{
	*hash = tables[t].hash;
	*range = tables[t].range;
}

/* Operations in flight. */
size_t
store_pending(const struct store *st)
{
	return st->pending;
}

/* Writes "key": {"S": val}. */
void
av_s(struct fg_jw *w, const char *key, const char *val)
{
	if (val == NULL)
		return;
	fg_jw_key(w, key);
	fg_jw_obj(w);
	fg_jw_kstr(w, "S", val);
	fg_jw_end_obj(w);
}

/* Writes "key": {"N": "n"}. */
void
av_n(struct fg_jw *w, const char *key, int64_t n)
{
	char num[24];

	snprintf(num, sizeof(num), "%" PRId64, n);
	fg_jw_key(w, key);
	fg_jw_obj(w);
	fg_jw_kstr(w, "N", num);
	fg_jw_end_obj(w);
}

/* Writes "key": {"BOOL": b}. */
void
av_bool(struct fg_jw *w, const char *key, int b)
{
	fg_jw_key(w, key);
	fg_jw_obj(w);
	fg_jw_kbool(w, "BOOL", b);
	fg_jw_end_obj(w);
}

/* Opens "key": {"M": { . */
void
av_map_begin(struct fg_jw *w, const char *key)
{
	fg_jw_key(w, key);
	fg_jw_obj(w);
	fg_jw_key(w, "M");
	fg_jw_obj(w);
}

/* Closes what av_map_begin opened. */
void
av_map_end(struct fg_jw *w)
{
	fg_jw_end_obj(w);
	fg_jw_end_obj(w);
}

/* Writes a JSON value as one string attribute holding its compact text. */
void
av_json(struct fg_jw *w, const char *key, fg_json v)
{
	struct fg_jw inner;

	if (v == NULL)
		return;
	fg_jw_init(&inner, 0);
	fg_jw_value(&inner, v);
	av_s(w, key, fg_jw_text(&inner));
	fg_jw_free(&inner);
}

/* The typed member ("S", "N", ...) of an item's attribute, or NULL. */
static fg_json
av_typed(fg_json item, const char *key, const char *type)
{
	return fg_json_get(fg_json_get(item, key), type);
}

/* The string of an S attribute. */
const char *
av_get_s(fg_json item, const char *key)
{
	return fg_json_str(av_typed(item, key, "S"));
}

/* The integer of an N attribute. */
int
av_get_n(fg_json item, const char *key, int64_t *out)
{
	const char *s = fg_json_str(av_typed(item, key, "N"));
	char *end;
	long long v;

	if (s == NULL || *s == '\0')
		return -1;
	errno = 0;
	v = strtoll(s, &end, 10);
	if (errno != 0 || *end != '\0')
		return -1;
	*out = v;
	return 0;
}

/* The truth value of a BOOL attribute. */
int
av_get_bool(fg_json item, const char *key, int *out)
{
	return fg_json_bool(av_typed(item, key, "BOOL"), out);
}

/* The object inside an M attribute. */
fg_json
av_get_map(fg_json item, const char *key)
{
	fg_json m = av_typed(item, key, "M");

	return YAJL_IS_OBJECT(m) ? m : NULL;
}

/* Writes the key of an item of table t: "Key": {"pk": ..., "sk": ...}. */
static void
write_key(struct fg_jw *w, enum store_table t, const char *pk, const char *sk)
{
	fg_jw_key(w, "Key");
	fg_jw_obj(w);
	av_s(w, tables[t].hash, pk);
	av_s(w, tables[t].range, sk);
	fg_jw_end_obj(w);
}

/* Starts an operation record. */
static struct store_op *
op_new(struct store *st, enum op_kind kind, enum store_table t, store_cb cb, void *arg)
{
	struct store_op *op = fg_calloc(1, sizeof(*op));

	op->st = st;
	op->kind = kind;
	op->table = t;
	op->new_ver = -1;
	op->cb = cb;
	op->arg = arg;
	TAILQ_INSERT_TAIL(&st->ops, op, link);
	st->pending++;
	return op;
}

static void on_reply(const struct fg_aws_reply *, void *);

/* Sends one DynamoDB call for op with a JSON body. */
static void
op_send(struct store_op *op, const char *action, const char *body)
{
	struct fg_aws_req req;
	char target[64];

	snprintf(target, sizeof(target), "DynamoDB_20120810.%s", action);
	memset(&req, 0, sizeof(req));
	req.service = "dynamodb";
	req.region = op->st->region;
	req.proto = FG_PROTO_JSON;
	req.target = target;
	req.json_version = "1.0";
	req.body = body;
	req.body_len = strlen(body);
	op->call = fg_aws_send(op->st->aws, &req, on_reply, op);
}

/* Ends an operation: unlinks it, calls back, frees it. */
static void
op_finish(struct store_op *op, struct store_reply *r)
{
	struct store *st = op->st;

	TAILQ_REMOVE(&st->ops, op, link);
	st->pending--;
	op->call = NULL;
	op->cb(r, op->arg);
	op_free(op);
}

/* Ends an operation with an error reply of DynamoDB or the transport. */
static void
op_fail(struct store_op *op, const struct fg_aws_reply *rep)
{
	struct store_reply r;
	char *msg = fg_awserr_describe(&rep->err);

	memset(&r, 0, sizeof(r));
	if (rep->err.code && strcmp(rep->err.code, "ConditionalCheckFailedException") == 0)
		r.status = STORE_CONFLICT;
	else if (rep->err.code && strcmp(rep->err.code, "TransactionConflictException") == 0)
		r.status = STORE_CONFLICT;
	else
		r.status = STORE_ERROR;
	r.retryable = rep->err.cls == FG_ERR_THROTTLING || rep->err.cls == FG_ERR_RETRYABLE;
	r.message = msg;
	r.ver = -1;
	op_finish(op, &r);
	free(msg);
}

/* Ends an operation with a message of our own (a reply that makes no sense). */
static void
op_fail_msg(struct store_op *op, const char *msg)
{
	struct store_reply r;

	memset(&r, 0, sizeof(r));
	r.status = STORE_ERROR;
	r.message = msg;
	r.ver = -1;
	op_finish(op, &r);
}

static void query_send(struct store_op *, fg_json start_key);

/* Takes one page of a query or scan; asks for the next one or ends the operation. */
static void
query_page(struct store_op *op, const struct fg_aws_reply *rep)
{
	struct store_reply r;
	char *err = NULL;
	fg_json doc, items, last;
	size_t i, n;

	doc = fg_json_parse(rep->body, rep->body_len, &err);
	if (doc == NULL) {
		char *msg = fg_printf("%s: reply does not parse: %s",
		    store_table_name(op->st, op->table), err);

		op_fail_msg(op, msg);
		free(msg);
		free(err);
		return;
	}
	op->pages = fg_realloc(op->pages, (op->npages + 1) * sizeof(*op->pages));
	op->pages[op->npages++] = doc;
	items = fg_json_get(doc, "Items");
	n = YAJL_IS_ARRAY(items) ? fg_json_len(items) : 0;
	for (i = 0; i < n; i++) {
		if (op->q.limit && op->nitems == op->q.limit)
			break;
		if (op->nitems == op->items_cap) {
			op->items_cap = op->items_cap ? op->items_cap * 2 : 16;
			op->items = fg_realloc(op->items, op->items_cap * sizeof(*op->items));
		}
		op->items[op->nitems++] = fg_json_at(items, i);
	}
	last = fg_json_get(doc, "LastEvaluatedKey");
	if (YAJL_IS_OBJECT(last) && (op->q.limit == 0 || op->nitems < op->q.limit)) {
		query_send(op, last);
		return;
	}
	memset(&r, 0, sizeof(r));
	r.status = STORE_OK;
	r.items = op->items;
	r.nitems = op->nitems;
	r.ver = -1;
	op_finish(op, &r);
}

/* Receives every DynamoDB reply of the store. */
static void
on_reply(const struct fg_aws_reply *rep, void *arg)
{
	struct store_op *op = arg;
	struct store_reply r;

	op->call = NULL;
	if (rep->err.cls != FG_ERR_NONE) {
		op_fail(op, rep);
		return;
	}
	if (op->kind == OP_QUERY) {
		query_page(op, rep);
		return;
	}
	memset(&r, 0, sizeof(r));
	r.ver = op->new_ver;
	if (op->kind == OP_GET) {
		r.item = fg_json_get(rep->json, "Item");
		r.status = YAJL_IS_OBJECT(r.item) ? STORE_OK : STORE_NOT_FOUND;
		if (r.status != STORE_OK)
			r.item = NULL;
	}
	op_finish(op, &r);
}

/* Opens {"Item": { in a fresh writer. */
void
store_item_begin(struct fg_jw *w)
{
	fg_jw_init(w, 0);
	fg_jw_obj(w);
	fg_jw_key(w, "Item");
	fg_jw_obj(w);
}

/* Adds the version condition of a write ("ConditionExpression" and the :ver value). A put of
 * a new item (expect 0) needs the item absent, a put of a known one its version: a put sent by
 * a Conductor killed before it landed never brings back an item deleted since. A delete also
 * succeeds when the item is already gone. */
static void
write_version_cond(struct fg_jw *w, enum store_table t, int64_t expect, int remove)
{
	char *cond;

	if (expect == 0 && !remove) {
		cond = fg_printf("attribute_not_exists(%s)", tables[t].hash);
		fg_jw_kstr(w, "ConditionExpression", cond);
		free(cond);
		return;
	}
	cond = remove ? fg_printf("attribute_not_exists(%s) OR ver = :ver", tables[t].hash) :
	    fg_strdup("ver = :ver");
	fg_jw_kstr(w, "ConditionExpression", cond);
	fg_jw_key(w, "ExpressionAttributeValues");
	fg_jw_obj(w);
	av_n(w, ":ver", expect);
	fg_jw_end_obj(w);
	free(cond);
}

/* Closes the item, adds table and condition, and sends PutItem. */
void
store_put(struct store *st, enum store_table t, struct fg_jw *w, int64_t expect, store_cb cb,
    void *arg)
{
	struct store_op *op = op_new(st, OP_WRITE, t, cb, arg);

	if (expect >= 0) {
		op->new_ver = expect + 1;
		av_n(w, "ver", op->new_ver);
	}
	fg_jw_end_obj(w);
	fg_jw_kstr(w, "TableName", st->names[t]);
	if (expect >= 0)
		write_version_cond(w, t, expect, 0);
	fg_jw_end_obj(w);
	op_send(op, "PutItem", fg_jw_text(w));
	fg_jw_free(w);
}

/* Sends GetItem (strongly consistent). */
void
store_get(struct store *st, enum store_table t, const char *pk, const char *sk, store_cb cb,
    void *arg)
{
	struct store_op *op = op_new(st, OP_GET, t, cb, arg);
	struct fg_jw w;

	fg_jw_init(&w, 0);
	fg_jw_obj(&w);
	fg_jw_kstr(&w, "TableName", st->names[t]);
	write_key(&w, t, pk, sk);
	fg_jw_kbool(&w, "ConsistentRead", 1);
	fg_jw_end_obj(&w);
	op_send(op, "GetItem", fg_jw_text(&w));
	fg_jw_free(&w);
}

/* Sends DeleteItem, conditional on the version when expect >= 0. */
void
store_delete(struct store *st, enum store_table t, const char *pk, const char *sk,
    int64_t expect, store_cb cb, void *arg)
{
	struct store_op *op = op_new(st, OP_WRITE, t, cb, arg);
	struct fg_jw w;

	fg_jw_init(&w, 0);
	fg_jw_obj(&w);
	fg_jw_kstr(&w, "TableName", st->names[t]);
	write_key(&w, t, pk, sk);
	if (expect >= 0)
		write_version_cond(&w, t, expect, 1);
	fg_jw_end_obj(&w);
	op_send(op, "DeleteItem", fg_jw_text(&w));
	fg_jw_free(&w);
}

/* Opens {"ExpressionAttributeValues": { in a fresh writer, for store_update. */
void
store_values_begin(struct fg_jw *w)
{
	fg_jw_init(w, 0);
	fg_jw_obj(w);
	fg_jw_key(w, "ExpressionAttributeValues");
	fg_jw_obj(w);
}

/* Closes the values, adds key, expression and condition, and sends UpdateItem. */
void
store_update(struct store *st, enum store_table t, const char *pk, const char *sk,
    const char *set_expr, struct fg_jw *w, int64_t expect, store_cb cb, void *arg)
{
	struct store_op *op = op_new(st, OP_WRITE, t, cb, arg);
	char *expr, *cond;

	if (expect >= 0) {
		op->new_ver = expect + 1;
		av_n(w, ":ver", expect);
		av_n(w, ":newver", op->new_ver);
		expr = fg_printf("SET %s, ver = :newver", set_expr);
	} else
		expr = fg_printf("SET %s", set_expr);
	fg_jw_end_obj(w);
	fg_jw_kstr(w, "TableName", st->names[t]);
	write_key(w, t, pk, sk);
	fg_jw_kstr(w, "UpdateExpression", expr);
	cond = fg_printf("attribute_exists(%s)%s", tables[t].hash,
	    expect >= 0 ? " AND ver = :ver" : "");
	fg_jw_kstr(w, "ConditionExpression", cond);
	fg_jw_end_obj(w);
	op_send(op, "UpdateItem", fg_jw_text(w));
	fg_jw_free(w);
	free(expr);
	free(cond);
}

/* The sort-key condition of a query or the filter of a scan (caller frees), or NULL. */
static char *
sk_condition(enum store_table t, const struct store_query *q)
{
	const char *r = tables[t].range;

	if (q->sk_min && q->sk_max)
		return fg_printf("%s BETWEEN :skmin AND :skmax", r);
	if (q->sk_min)
		return fg_printf("%s >= :skmin", r);
	if (q->sk_max)
		return fg_printf("%s <= :skmax", r);
	return NULL;
}

/* Sends one Query or Scan page, from start_key when not NULL. */
static void
query_send(struct store_op *op, fg_json start_key)
{
	const struct store_query *q = &op->q;
	char *skc = sk_condition(op->table, q);
	struct fg_jw w;

	fg_jw_init(&w, 0);
	fg_jw_obj(&w);
	fg_jw_kstr(&w, "TableName", op->st->names[op->table]);
	fg_jw_kbool(&w, "ConsistentRead", 1);
	if (q->scan) {
		if (skc)
			fg_jw_kstr(&w, "FilterExpression", skc);
	} else {
		const char *h = tables[op->table].hash;
		char *kc = skc ? fg_printf("%s = :pk AND %s", h, skc) : fg_printf("%s = :pk", h);

		fg_jw_kstr(&w, "KeyConditionExpression", kc);
		free(kc);
		if (q->backward)
			fg_jw_kbool(&w, "ScanIndexForward", 0);
	}
	if (!q->scan || skc) {
		fg_jw_key(&w, "ExpressionAttributeValues");
		fg_jw_obj(&w);
		if (!q->scan)
			av_s(&w, ":pk", q->pk);
		av_s(&w, ":skmin", q->sk_min);
		av_s(&w, ":skmax", q->sk_max);
		fg_jw_end_obj(&w);
	}
	if (q->limit && !q->scan)
		fg_jw_kint(&w, "Limit", (int64_t)(q->limit - op->nitems));
	if (start_key) {
		fg_jw_key(&w, "ExclusiveStartKey");
		fg_jw_value(&w, start_key);
	}
	fg_jw_end_obj(&w);
	op_send(op, q->scan ? "Scan" : "Query", fg_jw_text(&w));
	fg_jw_free(&w);
	free(skc);
}

/* Starts a paginated Query (or Scan) that collects up to q->limit items. */
void
store_query(struct store *st, enum store_table t, const struct store_query *q, store_cb cb,
    void *arg)
{
	struct store_op *op = op_new(st, OP_QUERY, t, cb, arg);

	op->q = *q;
	op->pk = q->pk ? fg_strdup(q->pk) : NULL;
	op->sk_min = q->sk_min ? fg_strdup(q->sk_min) : NULL;
	op->sk_max = q->sk_max ? fg_strdup(q->sk_max) : NULL;
	op->q.pk = op->pk;
	op->q.sk_min = op->sk_min;
	op->q.sk_max = op->sk_max;
	query_send(op, NULL);
}
