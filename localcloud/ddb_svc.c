/* ddb_svc.c: localcloud's DynamoDB service (JSON 1.0): dispatch, the helpers every action
 * uses, and the table actions (Create/Describe/List/Update/DeleteTable, tags). */
#include "config.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "ddb.h"
#include "lc.h"
#include "services.h"

/* Replies a DynamoDB error (status 400). */
void
ddb_error(struct lc_request *req, const char *code, const char *fmt, ...)
{
	va_list ap;
	char *msg;

	va_start(ap, fmt);
	msg = fg_vprintf(fmt, ap);
	va_end(ap);
	lc_error(req, 400, code, "%s", msg);
	free(msg);
}

/* The table called name, visible to this request. */
struct ddb_table *
ddb_req_table(struct lc_request *req, const char *name)
{
	struct ddb_table *t = ddb_table_find(req->state, name);

	if (name == NULL) {
		ddb_error(req, DDB_VALIDATION, "1 validation error detected: Value null at 'tableName' "
		    "failed to satisfy constraint: Member must not be null");
		return NULL;
	}
	if (t == NULL || !ddb_table_active(t) || !lc_visible(req, t->created_ms)) {
		ddb_error(req, DDB_NOT_FOUND, "Requested resource not found");
		return NULL;
	}
	return t;
}

/* Reads an item or key map. */
int
ddb_req_item(struct lc_request *req, fg_json j, const char *what, struct ddb_av *out)
{
	char *err = NULL;
	int serial = 0;

	if (j == NULL) {
		ddb_error(req, DDB_VALIDATION, "1 validation error detected: Value null at '%s' failed "
		    "to satisfy constraint: Member must not be null", what);
		return -1;
	}
	if (ddb_item_from_json(j, out, &serial, &err) < 0) {
		ddb_error(req, serial ? DDB_SERIALIZATION : DDB_VALIDATION, "%s", err);
		free(err);
		return -1;
	}
	return 0;
}

/* Replies SerializationException for a member of the wrong JSON type. */
static int
wrong_type(struct lc_request *req, const char *key, fg_json v, const char *want)
{
	ddb_error(req, DDB_SERIALIZATION, "Unexpected value type in payload: %s is a %s, expected %s",
	    key, fg_json_type_name(v), want);
	return -1;
}

/* An optional string member. */
int
ddb_opt_str(struct lc_request *req, fg_json obj, const char *key, const char **out)
{
	fg_json v = fg_json_get(obj, key);

	*out = NULL;
	if (v == NULL || YAJL_IS_NULL(v))
		return 0;
	if ((*out = fg_json_str(v)) == NULL)
		return wrong_type(req, key, v, "a string");
	return 0;
}

/* An optional integer member. */
int
ddb_opt_int(struct lc_request *req, fg_json obj, const char *key, int64_t *out, int *present)
{
	fg_json v = fg_json_get(obj, key);

	*present = 0;
	if (v == NULL || YAJL_IS_NULL(v))
		return 0;
	if (fg_json_int(v, out) < 0)
		return wrong_type(req, key, v, "an integer");
	*present = 1;
	return 0;
}

/* An optional boolean member (absent: false). */
int
ddb_opt_bool(struct lc_request *req, fg_json obj, const char *key, int *out)
{
	fg_json v = fg_json_get(obj, key);

	*out = 0;
	if (v == NULL || YAJL_IS_NULL(v))
		return 0;
	if (fg_json_bool(v, out) < 0)
		return wrong_type(req, key, v, "a boolean");
	return 0;
}

/* Frees parsed expressions. */
void
ddb_exprs_free(struct ddb_exprs *ex)
{
	ddb_node_free(ex->cond);
	ddb_node_free(ex->filter);
	ddb_node_free(ex->keycond);
	ddb_update_free(ex->update);
	ddb_proj_free(ex->proj);
	ddb_ctx_free(ex->ctx);
	memset(ex, 0, sizeof(*ex));
}

static const struct {
	unsigned flag;
	const char *param;
} expr_params[] = {
	{ DDB_X_UPDATE, "UpdateExpression" },
	{ DDB_X_COND, "ConditionExpression" },
	{ DDB_X_KEYCOND, "KeyConditionExpression" },
	{ DDB_X_FILTER, "FilterExpression" },
	{ DDB_X_PROJ, "ProjectionExpression" },
};

/* The legacy (non-expression) parameters localcloud does not take. */
static const char *const legacy_params[] = {
	"AttributeUpdates", "Expected", "KeyConditions", "QueryFilter", "ScanFilter",
	"AttributesToGet", "ConditionalOperator",
};

/* Parses the request's expressions. */
int
ddb_exprs_parse(struct lc_request *req, fg_json j, unsigned allowed, struct ddb_exprs *ex)
{
	const char *src[FG_ARRAY_LEN(expr_params)];
	char *err = NULL;
	int serial, any = 0;

	memset(ex, 0, sizeof(*ex));
	for (size_t i = 0; i < FG_ARRAY_LEN(legacy_params); i++)
		if (fg_json_get(j, legacy_params[i]) != NULL) {
			ddb_error(req, DDB_VALIDATION, "%s is a legacy parameter that localcloud does not "
			    "support: use the expression parameters", legacy_params[i]);
			return -1;
		}
	for (size_t i = 0; i < FG_ARRAY_LEN(expr_params); i++) {
		if (ddb_opt_str(req, j, expr_params[i].param, &src[i]) < 0)
			return -1;
		if (!(allowed & expr_params[i].flag))
			src[i] = NULL;
		any |= src[i] != NULL;
	}
	if (fg_json_get(j, "ExpressionAttributeNames") && !any) {
		ddb_error(req, DDB_VALIDATION, "ExpressionAttributeNames can only be specified when "
		    "using expressions");
		return -1;
	}
	if (fg_json_get(j, "ExpressionAttributeValues") && !any) {
		ddb_error(req, DDB_VALIDATION, "ExpressionAttributeValues can only be specified when "
		    "using expressions");
		return -1;
	}
	ex->ctx = ddb_ctx_new(fg_json_get(j, "ExpressionAttributeNames"),
	    fg_json_get(j, "ExpressionAttributeValues"), &serial, &err);
	if (ex->ctx == NULL)
		goto fail;
	if ((src[0] && (ex->update = ddb_parse_update(ex->ctx, src[0], &err)) == NULL) ||
	    (src[1] && (ex->cond = ddb_parse_condition(ex->ctx, "ConditionExpression", src[1],
	    &err)) == NULL) ||
	    (src[2] && (ex->keycond = ddb_parse_condition(ex->ctx, "KeyConditionExpression",
	    src[2], &err)) == NULL) ||
	    (src[3] && (ex->filter = ddb_parse_condition(ex->ctx, "FilterExpression", src[3],
	    &err)) == NULL) ||
	    (src[4] && (ex->proj = ddb_parse_projection(ex->ctx, src[4], &err)) == NULL) ||
	    ddb_ctx_check_unused(ex->ctx, &err) < 0) {
		serial = 0;
		goto fail;
	}
	return 0;
fail:
	ddb_error(req, serial ? DDB_SERIALIZATION : DDB_VALIDATION, "%s", err);
	free(err);
	ddb_exprs_free(ex);
	return -1;
}

/* Capacity units of an item. */
double
ddb_units(const struct ddb_av *item, int write, int consistent)
{
	size_t size = item ? ddb_item_size(item) : 0;
	double u = (double)((size + (write ? 1023 : 4095)) / (write ? 1024 : 4096));

	if (u < 1)
		u = 1;
	return write || consistent ? u : u / 2;
}

/* Adds ConsumedCapacity when ReturnConsumedCapacity is TOTAL or INDEXES. */
void
ddb_capacity(struct fg_jw *w, fg_json j, const struct ddb_table *t, double units)
{
	const char *rcc = fg_json_str(fg_json_get(j, "ReturnConsumedCapacity"));

	if (rcc == NULL || strcmp(rcc, "NONE") == 0)
		return;
	fg_jw_key(w, "ConsumedCapacity");
	fg_jw_obj(w);
	fg_jw_kstr(w, "TableName", t->name);
	fg_jw_key(w, "CapacityUnits");
	fg_jw_double(w, units);
	if (strcmp(rcc, "INDEXES") == 0) {
		fg_jw_key(w, "Table");
		fg_jw_obj(w);
		fg_jw_key(w, "CapacityUnits");
		fg_jw_double(w, units);
		fg_jw_end_obj(w);
	}
	fg_jw_end_obj(w);
}

/* Replies {"TableDescription": ...}. */
static void
reply_description(struct lc_request *req, const char *key, const struct ddb_table *t,
    const char *status)
{
	struct fg_jw w;

	fg_jw_init(&w, 0);
	fg_jw_obj(&w);
	fg_jw_key(&w, key);
	ddb_table_describe(&w, t, status);
	fg_jw_end_obj(&w);
	lc_reply_json(req, &w);
	fg_jw_free(&w);
}

/* The ARN prefix of tables for this caller: arn:aws:dynamodb:REGION:ACCOUNT:table/. */
static char *
arn_prefix(struct lc_request *req)
{
	return fg_printf("arn:aws:dynamodb:%s:%s:table/", req->who.region ? req->who.region :
	    LC_DEFAULT_REGION, req->who.account ? req->who.account : LC_DEFAULT_ACCOUNT);
}

/* Sets a table's tag (replacing a tag with the same key). */
static void
tag_set(struct ddb_table *t, const char *k, const char *v)
{
	for (size_t i = 0; i < t->ntags; i++)
		if (strcmp(t->tag_keys[i], k) == 0) {
			free(t->tag_vals[i]);
			t->tag_vals[i] = fg_strdup(v);
			return;
		}
	t->tag_keys = fg_realloc(t->tag_keys, (t->ntags + 1) * sizeof(*t->tag_keys));
	t->tag_vals = fg_realloc(t->tag_vals, (t->ntags + 1) * sizeof(*t->tag_vals));
	t->tag_keys[t->ntags] = fg_strdup(k);
	t->tag_vals[t->ntags++] = fg_strdup(v);
}

/* Reads a Tags list [{Key, Value}] into t; -1 after replying. */
static int
tags_read(struct lc_request *req, fg_json tags, struct ddb_table *t)
{
	for (size_t i = 0; i < fg_json_len(tags); i++) {
		const char *k = fg_json_str(fg_json_get(fg_json_at(tags, i), "Key"));
		const char *v = fg_json_str(fg_json_get(fg_json_at(tags, i), "Value"));

		if (k == NULL || v == NULL || strlen(k) == 0 || strlen(k) > 128 || strlen(v) > 256) {
			ddb_error(req, DDB_VALIDATION, "One or more parameter values were invalid: "
			    "invalid tag key or value at index %zu", i);
			return -1;
		}
		tag_set(t, k, v);
	}
	return 0;
}

/* CreateTable. */
static void
create_table(struct lc_request *req, struct ddb_state *st)
{
	char *prefix = arn_prefix(req), *err = NULL;
	struct ddb_table *t = ddb_table_new(req->json, prefix, &err);

	free(prefix);
	if (t == NULL) {
		ddb_error(req, DDB_VALIDATION, "%s", err);
		free(err);
		return;
	}
	if (ddb_table_find(st, t->name) != NULL) {
		ddb_error(req, "ResourceInUseException", "Table already exists: %s", t->name);
		ddb_table_free(t);
		return;
	}
	if (fg_json_get(req->json, "Tags") && tags_read(req, fg_json_get(req->json, "Tags"), t) < 0) {
		ddb_table_free(t);
		return;
	}
	st->t = fg_realloc(st->t, (st->n + 1) * sizeof(*st->t));
	st->t[st->n++] = t;
	lc_changed(req->srv, req->svc);
	reply_description(req, "TableDescription", t, "CREATING");
}

/* The table named in the request (any status), or NULL after replying. */
static struct ddb_table *
named_table(struct lc_request *req, struct ddb_state *st)
{
	const char *name = NULL;
	struct ddb_table *t;

	if (ddb_opt_str(req, req->json, "TableName", &name) < 0)
		return NULL;
	t = ddb_table_find(st, name);
	if (name == NULL)
		ddb_error(req, DDB_VALIDATION, "1 validation error detected: Value null at 'tableName' "
		    "failed to satisfy constraint: Member must not be null");
	else if (t == NULL || !lc_visible(req, t->created_ms))
		ddb_error(req, DDB_NOT_FOUND, "Requested resource not found: Table: %s not found", name);
	else
		return t;
	return NULL;
}

/* DescribeTable. */
static void
describe_table(struct lc_request *req, struct ddb_state *st)
{
	struct ddb_table *t = named_table(req, st);

	if (t != NULL)
		reply_description(req, "Table", t, NULL);
}

/* DeleteTable: the table is gone at once; the reply says DELETING. */
static void
delete_table(struct lc_request *req, struct ddb_state *st)
{
	struct ddb_table *t = named_table(req, st);

	if (t == NULL)
		return;
	reply_description(req, "TableDescription", t, "DELETING");
	for (size_t i = 0; i < st->n; i++)
		if (st->t[i] == t) {
			memmove(&st->t[i], &st->t[i + 1], (st->n - i - 1) * sizeof(*st->t));
			st->n--;
			break;
		}
	ddb_table_free(t);
	lc_changed(req->srv, req->svc);
}

/* Orders tables by name. */
static int
table_cmp(const void *a, const void *b)
{
	return strcmp((*(struct ddb_table *const *)a)->name, (*(struct ddb_table *const *)b)->name);
}

/* ListTables: names in order, paged by ExclusiveStartTableName and Limit. */
static void
list_tables(struct lc_request *req, struct ddb_state *st)
{
	const char *start = NULL;
	int64_t limit = 100;
	int has_limit;
	size_t i, n = 0;
	struct fg_jw w;

	if (ddb_opt_str(req, req->json, "ExclusiveStartTableName", &start) < 0 ||
	    ddb_opt_int(req, req->json, "Limit", &limit, &has_limit) < 0)
		return;
	if (limit < 1 || limit > 100) {
		ddb_error(req, DDB_VALIDATION, "1 validation error detected: Value '%lld' at 'limit' "
		    "failed to satisfy constraint: Member must have value %s", (long long)limit,
		    limit < 1 ? "greater than or equal to 1" : "less than or equal to 100");
		return;
	}
	qsort(st->t, st->n, sizeof(*st->t), table_cmp);
	fg_jw_init(&w, 0);
	fg_jw_obj(&w);
	fg_jw_key(&w, "TableNames");
	fg_jw_arr(&w);
	for (i = 0; i < st->n && n < (size_t)limit; i++) {
		if (start && strcmp(st->t[i]->name, start) <= 0)
			continue;
		if (!lc_visible(req, st->t[i]->created_ms))
			continue;
		fg_jw_str(&w, st->t[i]->name);
		n++;
		if (n == (size_t)limit && i + 1 < st->n) {
			fg_jw_end_arr(&w);
			fg_jw_kstr(&w, "LastEvaluatedTableName", st->t[i]->name);
			goto done;
		}
	}
	fg_jw_end_arr(&w);
done:
	fg_jw_end_obj(&w);
	lc_reply_json(req, &w);
	fg_jw_free(&w);
}

/* Applies one GlobalSecondaryIndexUpdates entry; -1 after replying. */
static int
gsi_update(struct lc_request *req, struct ddb_table *t, fg_json u)
{
	fg_json c = fg_json_get(u, "Create"), d = fg_json_get(u, "Delete"), up = fg_json_get(u, "Update");
	fg_json target = c ? c : d ? d : up;
	const char *name = fg_json_str(fg_json_get(target, "IndexName"));
	size_t i;
	char *err = NULL;

	for (i = 0; name && i < t->nidx && strcmp(t->idx[i].name, name) != 0; i++)
		;
	if (target == NULL || name == NULL) {
		ddb_error(req, DDB_VALIDATION, "One or more parameter values were invalid: "
		    "GlobalSecondaryIndexUpdates entry needs Create, Update or Delete with an IndexName");
		return -1;
	}
	if (c != NULL) {
		struct ddb_index ix;

		if (i < t->nidx) {
			ddb_error(req, DDB_VALIDATION, "One or more parameter values were invalid: Index "
			    "already exists: %s", name);
			return -1;
		}
		if (ddb_index_parse(t, c, 1, &ix, &err) < 0) {
			ddb_error(req, DDB_VALIDATION, "%s", err);
			free(err);
			ddb_index_free(&ix);
			return -1;
		}
		ix.created_ms = fg_wall_ms();
		t->idx = fg_realloc(t->idx, (t->nidx + 1) * sizeof(*t->idx));
		t->idx[t->nidx] = ix;
		ddb_index_fill(t, &t->idx[t->nidx++]);
		return 0;
	}
	if (i == t->nidx || !t->idx[i].global) {
		ddb_error(req, DDB_NOT_FOUND, "Requested resource not found: Index: %s not found", name);
		return -1;
	}
	if (d != NULL) {
		ddb_index_free(&t->idx[i]);
		memmove(&t->idx[i], &t->idx[i + 1], (t->nidx - i - 1) * sizeof(*t->idx));
		t->nidx--;
		return 0;
	}
	if (fg_json_int(fg_json_path(up, "ProvisionedThroughput/ReadCapacityUnits"),
	    &t->idx[i].rcu) < 0 || fg_json_int(fg_json_path(up,
	    "ProvisionedThroughput/WriteCapacityUnits"), &t->idx[i].wcu) < 0) {
		ddb_error(req, DDB_VALIDATION, "One or more parameter values were invalid: "
		    "ProvisionedThroughput must be specified for index: %s", name);
		return -1;
	}
	return 0;
}

/* Adds AttributeDefinitions of an UpdateTable that creates indexes. */
static void
add_definitions(struct ddb_table *t, fg_json defs)
{
	for (size_t i = 0; i < fg_json_len(defs); i++) {
		const char *n = fg_json_str(fg_json_get(fg_json_at(defs, i), "AttributeName"));
		const char *ty = fg_json_str(fg_json_get(fg_json_at(defs, i), "AttributeType"));
		int known = 0;

		if (n == NULL || ty == NULL || ddb_type_from_name(ty) < 0)
			continue;
		for (size_t k = 0; k < t->nattrs; k++)
			known |= strcmp(t->attrs[k].name, n) == 0;
		if (known)
			continue;
		t->attrs = fg_realloc(t->attrs, (t->nattrs + 1) * sizeof(*t->attrs));
		t->attrs[t->nattrs].name = fg_strdup(n);
		t->attrs[t->nattrs++].type = (enum ddb_type)ddb_type_from_name(ty);
	}
}

/* UpdateTable: billing mode, throughput and global secondary indexes. */
static void
update_table(struct lc_request *req, struct ddb_state *st)
{
	struct ddb_table *t = named_table(req, st);
	fg_json pt, gu;
	const char *bm = NULL;

	if (t == NULL || ddb_opt_str(req, req->json, "BillingMode", &bm) < 0)
		return;
	if (bm != NULL)
		t->on_demand = strcmp(bm, "PAY_PER_REQUEST") == 0;
	if ((pt = fg_json_get(req->json, "ProvisionedThroughput")) != NULL) {
		if (t->on_demand) {
			ddb_error(req, DDB_VALIDATION, "One or more parameter values were invalid: "
			    "Neither ReadCapacityUnits nor WriteCapacityUnits can be specified when "
			    "BillingMode is PAY_PER_REQUEST");
			return;
		}
		fg_json_int(fg_json_get(pt, "ReadCapacityUnits"), &t->rcu);
		fg_json_int(fg_json_get(pt, "WriteCapacityUnits"), &t->wcu);
	}
	add_definitions(t, fg_json_get(req->json, "AttributeDefinitions"));
	gu = fg_json_get(req->json, "GlobalSecondaryIndexUpdates");
	for (size_t i = 0; gu && i < fg_json_len(gu); i++)
		if (gsi_update(req, t, fg_json_at(gu, i)) < 0)
			return;
	lc_changed(req->srv, req->svc);
	reply_description(req, "TableDescription", t, "UPDATING");
}

/* The table whose ARN is ResourceArn, or NULL after replying. */
static struct ddb_table *
arn_table(struct lc_request *req, struct ddb_state *st)
{
	const char *arn = NULL;

	if (ddb_opt_str(req, req->json, "ResourceArn", &arn) < 0)
		return NULL;
	for (size_t i = 0; arn && i < st->n; i++)
		if (strcmp(st->t[i]->arn, arn) == 0)
			return st->t[i];
	if (arn == NULL)
		ddb_error(req, DDB_VALIDATION, "1 validation error detected: Value null at "
		    "'resourceArn' failed to satisfy constraint: Member must not be null");
	else
		ddb_error(req, DDB_NOT_FOUND, "Requested resource not found: ResourcArn: %s not found",
		    arn);
	return NULL;
}

/* Replies {} . */
static void
reply_empty(struct lc_request *req)
{
	lc_reply_raw(req, 200, "application/x-amz-json-1.0", "{}", 2);
}

/* TagResource. */
static void
tag_resource(struct lc_request *req, struct ddb_state *st)
{
	struct ddb_table *t = arn_table(req, st);

	if (t == NULL || tags_read(req, fg_json_get(req->json, "Tags"), t) < 0)
		return;
	lc_changed(req->srv, req->svc);
	reply_empty(req);
}

/* UntagResource. */
static void
untag_resource(struct lc_request *req, struct ddb_state *st)
{
	struct ddb_table *t = arn_table(req, st);
	fg_json keys = fg_json_get(req->json, "TagKeys");

	if (t == NULL)
		return;
	for (size_t k = 0; k < fg_json_len(keys); k++) {
		const char *key = fg_json_str(fg_json_at(keys, k));

		for (size_t i = 0; key && i < t->ntags; i++)
			if (strcmp(t->tag_keys[i], key) == 0) {
				free(t->tag_keys[i]);
				free(t->tag_vals[i]);
				t->ntags--;
				t->tag_keys[i] = t->tag_keys[t->ntags];
				t->tag_vals[i] = t->tag_vals[t->ntags];
				break;
			}
	}
	lc_changed(req->srv, req->svc);
	reply_empty(req);
}

/* ListTagsOfResource. */
static void
list_tags(struct lc_request *req, struct ddb_state *st)
{
	struct ddb_table *t = arn_table(req, st);
	struct fg_jw w;

	if (t == NULL)
		return;
	fg_jw_init(&w, 0);
	fg_jw_obj(&w);
	fg_jw_key(&w, "Tags");
	fg_jw_arr(&w);
	for (size_t i = 0; i < t->ntags; i++) {
		fg_jw_obj(&w);
		fg_jw_kstr(&w, "Key", t->tag_keys[i]);
		fg_jw_kstr(&w, "Value", t->tag_vals[i]);
		fg_jw_end_obj(&w);
	}
	fg_jw_end_arr(&w);
	fg_jw_end_obj(&w);
	lc_reply_json(req, &w);
	fg_jw_free(&w);
}

static const struct {
	const char *name;
	void (*fn)(struct lc_request *, struct ddb_state *);
} actions[] = {
	{ "BatchGetItem", ddb_batch_get },
	{ "BatchWriteItem", ddb_batch_write },
	{ "CreateTable", create_table },
	{ "DeleteItem", ddb_delete_item },
	{ "DeleteTable", delete_table },
	{ "DescribeTable", describe_table },
	{ "GetItem", ddb_get_item },
	{ "ListTables", list_tables },
	{ "ListTagsOfResource", list_tags },
	{ "PutItem", ddb_put_item },
	{ "Query", ddb_query },
	{ "Scan", ddb_scan },
	{ "TagResource", tag_resource },
	{ "TransactGetItems", ddb_transact_get },
	{ "TransactWriteItems", ddb_transact_write },
	{ "UntagResource", untag_resource },
	{ "UpdateItem", ddb_update_item },
	{ "UpdateTable", update_table },
};

/* Dispatches a DynamoDB request to its action. */
static enum lc_result
ddb_handle(struct lc_request *req)
{
	for (size_t i = 0; i < FG_ARRAY_LEN(actions); i++)
		if (strcmp(actions[i].name, req->action) == 0) {
			actions[i].fn(req, req->state);
			return LC_DONE;
		}
	lc_error(req, 400, "com.amazon.coral.service#UnknownOperationException",
	    "Unknown operation %s", req->action);
	return LC_DONE;
}

/* The service's state: no tables. */
static void *
ddb_create(struct lc_server *srv)
{
	(void)srv;
	return fg_calloc(1, sizeof(struct ddb_state));
}

/* Frees every table. */
static void
ddb_destroy(void *state)
{
	struct ddb_state *st = state;

	for (size_t i = 0; i < st->n; i++)
		ddb_table_free(st->t[i]);
	free(st->t);
	free(st);
}

const struct lc_service lc_svc_dynamodb = {
	.name = "dynamodb",
	.signing_name = "dynamodb",
	.protocols = LC_PROTO_JSON,
	.target_prefix = "DynamoDB_20120810",
	.json_type_prefix = "com.amazonaws.dynamodb.v20120810#",
	.throttle_code = "ThrottlingException",
	.throttle_status = 400,
	.create = ddb_create,
	.destroy = ddb_destroy,
	.handle = ddb_handle,
	.load = ddb_state_load,
	.save = ddb_state_save,
};
