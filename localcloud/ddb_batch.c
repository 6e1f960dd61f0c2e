/* ddb_batch.c: BatchGetItem, BatchWriteItem, and the all-or-nothing TransactWriteItems and
 * TransactGetItems. */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "ddb.h"
#include "lc.h"

#define BATCH_GET_MAX 100
#define BATCH_WRITE_MAX 25
#define TRANSACT_MAX 100

/* Tells whether two writes target the same item. */
static int
same_item(const struct ddb_write *a, const struct ddb_write *b)
{
	return a->t == b->t && ddb_av_equal(&a->key, &b->key);
}

/* Frees n writes. */
static void
writes_free(struct ddb_write *w, size_t n)
{
	for (size_t i = 0; i < n; i++)
		ddb_write_free(&w[i]);
	free(w);
}

/* Applies n checked writes in order and tells the server the state changed. */
static void
writes_commit(struct lc_request *req, struct ddb_write *w, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		struct ddb_av *old = ddb_write_commit(&w[i]);

		if (old) {
			ddb_av_free(old);
			free(old);
		}
	}
	lc_changed(req->srv, req->svc);
}

/* BatchWriteItem: every request is checked before any is applied. */
void
ddb_batch_write(struct lc_request *req, struct ddb_state *st)
{
	fg_json ri = fg_json_get(req->json, "RequestItems");
	struct ddb_write *w = NULL;
	size_t n = 0, total = 0;
	struct fg_jw jw;

	(void)st;
	for (size_t i = 0; ri && i < fg_json_len(ri); i++)
		total += fg_json_len(fg_json_at(ri, i));
	if (ri == NULL || !YAJL_IS_OBJECT(ri) || total == 0 || total > BATCH_WRITE_MAX) {
		ddb_error(req, DDB_VALIDATION, total > BATCH_WRITE_MAX ? "Too many items requested for "
		    "the BatchWriteItem call" : "1 validation error detected: Value null at "
		    "'requestItems' failed to satisfy constraint: Member must have length greater than "
		    "or equal to 1");
		return;
	}
	w = fg_calloc(total, sizeof(*w));
	for (size_t i = 0; i < fg_json_len(ri); i++) {
		fg_json list = fg_json_at(ri, i);

		for (size_t k = 0; k < fg_json_len(list); k++) {
			fg_json put = fg_json_get(fg_json_at(list, k), "PutRequest");
			fg_json del = fg_json_get(fg_json_at(list, k), "DeleteRequest");

			if ((put == NULL) == (del == NULL)) {
				ddb_error(req, DDB_VALIDATION, "1 validation error detected: Value at "
				    "'requestItems.%s.member.%zu' failed to satisfy constraint: Member must "
				    "have exactly one of PutRequest or DeleteRequest", fg_json_key(ri, i), k + 1);
				goto out;
			}
			if (ddb_write_parse(req, put ? put : del, fg_json_key(ri, i), put ? DDB_W_PUT :
			    DDB_W_DELETE, 0, &w[n++]) < 0)
				goto out;
			for (size_t m = 0; m + 1 < n; m++)
				if (same_item(&w[m], &w[n - 1])) {
					ddb_error(req, DDB_VALIDATION, "Provided list of item keys contains "
					    "duplicates");
					goto out;
				}
		}
	}
	writes_commit(req, w, n);
	fg_jw_init(&jw, 0);
	fg_jw_obj(&jw);
	fg_jw_key(&jw, "UnprocessedItems");
	fg_jw_obj(&jw);
	fg_jw_end_obj(&jw);
	fg_jw_end_obj(&jw);
	lc_reply_json(req, &jw);
	fg_jw_free(&jw);
out:
	writes_free(w, total);
}

/* Writes an item, projected when the request asked for it. */
static void
write_projected(struct fg_jw *jw, const struct ddb_proj *proj, const struct ddb_av *item)
{
	struct ddb_av out;

	if (proj == NULL) {
		ddb_item_write(jw, item);
		return;
	}
	ddb_project(proj, item, &out);
	ddb_item_write(jw, &out);
	ddb_av_free(&out);
}

/* One table of a BatchGetItem: its projection and keys. */
struct get_table {
	struct ddb_table *t;
	struct ddb_exprs ex;
	struct ddb_av *keys;
	size_t nkeys;
};

/* Frees the tables of a BatchGetItem. */
static void
get_tables_free(struct get_table *g, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		for (size_t k = 0; k < g[i].nkeys; k++)
			ddb_av_free(&g[i].keys[k]);
		free(g[i].keys);
		ddb_exprs_free(&g[i].ex);
	}
	free(g);
}

/* Reads one table of a BatchGetItem; -1 after replying. */
static int
get_table_parse(struct lc_request *req, const char *name, fg_json tj, struct get_table *g)
{
	fg_json keys = fg_json_get(tj, "Keys");
	char *err = NULL;

	if (ddb_exprs_parse(req, tj, DDB_X_PROJ, &g->ex) < 0 || (g->t = ddb_req_table(req, name)) ==
	    NULL)
		return -1;
	g->keys = fg_calloc(fg_json_len(keys) + 1, sizeof(*g->keys));
	for (size_t k = 0; k < fg_json_len(keys); k++) {
		struct ddb_av *key = &g->keys[g->nkeys];

		if (ddb_req_item(req, fg_json_at(keys, k), "keys", key) < 0)
			return -1;
		g->nkeys++;
		if (ddb_check_key(g->t, key, &err) < 0) {
			ddb_error(req, DDB_VALIDATION, "%s", err);
			free(err);
			return -1;
		}
		for (size_t m = 0; m < k; m++)
			if (ddb_av_equal(&g->keys[m], key)) {
				ddb_error(req, DDB_VALIDATION, "Provided list of item keys contains "
				    "duplicates");
				return -1;
			}
	}
	return 0;
}

/* BatchGetItem. */
void
ddb_batch_get(struct lc_request *req, struct ddb_state *st)
{
	fg_json ri = fg_json_get(req->json, "RequestItems");
	struct get_table *g;
	size_t total = 0, nt = fg_json_len(ri);
	struct fg_jw jw;

	(void)st;
	for (size_t i = 0; ri && i < nt; i++)
		total += fg_json_len(fg_json_get(fg_json_at(ri, i), "Keys"));
	if (ri == NULL || !YAJL_IS_OBJECT(ri) || total == 0 || total > BATCH_GET_MAX) {
		ddb_error(req, DDB_VALIDATION, total > BATCH_GET_MAX ? "Too many items requested for "
		    "the BatchGetItem call" : "1 validation error detected: Value null at "
		    "'requestItems' failed to satisfy constraint: Member must have length greater than "
		    "or equal to 1");
		return;
	}
	g = fg_calloc(nt, sizeof(*g));
	for (size_t i = 0; i < nt; i++)
		if (get_table_parse(req, fg_json_key(ri, i), fg_json_at(ri, i), &g[i]) < 0)
			goto out;
	fg_jw_init(&jw, 0);
	fg_jw_obj(&jw);
	fg_jw_key(&jw, "Responses");
	fg_jw_obj(&jw);
	for (size_t i = 0; i < nt; i++) {
		fg_jw_key(&jw, fg_json_key(ri, i));
		fg_jw_arr(&jw);
		for (size_t k = 0; k < g[i].nkeys; k++) {
			const struct ddb_av *item = ddb_table_get(g[i].t, &g[i].keys[k]);

			if (item)
				write_projected(&jw, g[i].ex.proj, item);
		}
		fg_jw_end_arr(&jw);
	}
	fg_jw_end_obj(&jw);
	fg_jw_key(&jw, "UnprocessedKeys");
	fg_jw_obj(&jw);
	fg_jw_end_obj(&jw);
	fg_jw_end_obj(&jw);
	lc_reply_json(req, &jw);
	fg_jw_free(&jw);
out:
	get_tables_free(g, nt);
}

static const struct {
	const char *member;
	enum ddb_write_kind kind;
	unsigned exprs;
} transact_kinds[] = {
	{ "ConditionCheck", DDB_W_CHECK, DDB_X_COND },
	{ "Put", DDB_W_PUT, DDB_X_COND },
	{ "Delete", DDB_W_DELETE, DDB_X_COND },
	{ "Update", DDB_W_UPDATE, DDB_X_COND | DDB_X_UPDATE },
};

/* Replies TransactionCanceledException with one reason per item. */
static void
cancel(struct lc_request *req, const char **codes, char **msgs, size_t n)
{
	struct fg_jw jw;
	struct fg_buf m;
	char *body;

	fg_buf_init(&m);
	fg_buf_addstr(&m, "Transaction cancelled, please refer cancellation reasons for specific "
	    "reasons [");
	for (size_t i = 0; i < n; i++)
		fg_buf_addf(&m, "%s%s", i ? ", " : "", codes[i]);
	fg_buf_addc(&m, ']');
	fg_jw_init(&jw, 0);
	fg_jw_obj(&jw);
	fg_jw_kstr(&jw, "__type", "com.amazonaws.dynamodb.v20120810#TransactionCanceledException");
	fg_jw_kstr(&jw, "message", m.data);
	fg_jw_key(&jw, "CancellationReasons");
	fg_jw_arr(&jw);
	for (size_t i = 0; i < n; i++) {
		fg_jw_obj(&jw);
		fg_jw_kstr(&jw, "Code", codes[i]);
		if (msgs[i])
			fg_jw_kstr(&jw, "Message", msgs[i]);
		fg_jw_end_obj(&jw);
	}
	fg_jw_end_arr(&jw);
	fg_jw_end_obj(&jw);
	body = fg_jw_detach(&jw);
	lc_reply_raw(req, 400, "application/x-amz-json-1.0", body, strlen(body));
	free(body);
	fg_jw_free(&jw);
	fg_buf_free(&m);
}

/* Parses TransactItems; returns the count or -1 after replying. */
static long
transact_parse(struct lc_request *req, int gets, struct ddb_write **out)
{
	fg_json items = fg_json_get(req->json, "TransactItems");
	size_t n = fg_json_len(items);
	struct ddb_write *w;

	*out = NULL;
	if (items == NULL || !YAJL_IS_ARRAY(items) || n == 0 || n > TRANSACT_MAX) {
		ddb_error(req, DDB_VALIDATION, "1 validation error detected: Value at 'transactItems' "
		    "failed to satisfy constraint: Member must have length less than or equal to %d "
		    "and greater than or equal to 1", TRANSACT_MAX);
		return -1;
	}
	w = *out = fg_calloc(n, sizeof(*w));
	for (size_t i = 0; i < n; i++) {
		fg_json it = fg_json_at(items, i), op = NULL;
		size_t kind = 2, count = 0;

		if (gets && (op = fg_json_get(it, "Get")) != NULL)
			count = 1;
		for (size_t k = 0; !gets && k < FG_ARRAY_LEN(transact_kinds); k++)
			if (fg_json_get(it, transact_kinds[k].member) != NULL) {
				op = fg_json_get(it, transact_kinds[k].member);
				kind = k;
				count++;
			}
		if (count != 1) {
			ddb_error(req, DDB_VALIDATION, "TransactItems can only contain one of "
			    "ConditionCheck, Put, Update or Delete");
			return -1;
		}
		if (ddb_write_parse(req, op, NULL, transact_kinds[kind].kind, gets ? DDB_X_PROJ :
		    transact_kinds[kind].exprs, &w[i]) < 0)
			return -1;
		for (size_t m = 0; !gets && m < i; m++)
			if (same_item(&w[m], &w[i])) {
				ddb_error(req, DDB_VALIDATION, "Transaction request cannot include multiple "
				    "operations on one item");
				return -1;
			}
	}
	return (long)n;
}

/* TransactWriteItems: all conditions hold and every update is valid, or nothing changes. */
void
ddb_transact_write(struct lc_request *req, struct ddb_state *st)
{
	struct ddb_write *w;
	long n = transact_parse(req, 0, &w);
	const char **codes;
	char **msgs;
	int failed = 0;

	(void)st;
	if (n < 0) {
		writes_free(w, w ? fg_json_len(fg_json_get(req->json, "TransactItems")) : 0);
		return;
	}
	codes = fg_calloc((size_t)n, sizeof(*codes));
	msgs = fg_calloc((size_t)n, sizeof(*msgs));
	for (long i = 0; i < n; i++) {
		int rc = ddb_write_eval(&w[i], &msgs[i]);

		codes[i] = rc > 0 ? "ConditionalCheckFailed" : rc < 0 ? "ValidationError" : "None";
		if (rc > 0)
			msgs[i] = fg_strdup("The conditional request failed");
		failed |= rc != 0;
	}
	if (failed) {
		cancel(req, codes, msgs, (size_t)n);
	} else {
		writes_commit(req, w, (size_t)n);
		lc_reply_raw(req, 200, "application/x-amz-json-1.0", "{}", 2);
	}
	for (long i = 0; i < n; i++)
		free(msgs[i]);
	free(msgs);
	free(codes);
	writes_free(w, (size_t)n);
}

/* TransactGetItems. */
void
ddb_transact_get(struct lc_request *req, struct ddb_state *st)
{
	struct ddb_write *w;
	long n = transact_parse(req, 1, &w);
	struct fg_jw jw;

	(void)st;
	if (n < 0) {
		writes_free(w, w ? fg_json_len(fg_json_get(req->json, "TransactItems")) : 0);
		return;
	}
	fg_jw_init(&jw, 0);
	fg_jw_obj(&jw);
	fg_jw_key(&jw, "Responses");
	fg_jw_arr(&jw);
	for (long i = 0; i < n; i++) {
		const struct ddb_av *item = ddb_table_get(w[i].t, &w[i].key);

		fg_jw_obj(&jw);
		if (item) {
			fg_jw_key(&jw, "Item");
			write_projected(&jw, w[i].ex.proj, item);
		}
		fg_jw_end_obj(&jw);
	}
	fg_jw_end_arr(&jw);
	fg_jw_end_obj(&jw);
	lc_reply_json(req, &jw);
	fg_jw_free(&jw);
	writes_free(w, (size_t)n);
}
