/* ddb_items.c: DynamoDB single-item actions (PutItem, GetItem, UpdateItem, DeleteItem), built
 * on a parse / evaluate / commit write that batches and transactions reuse. */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "ddb.h"
#include "lc.h"

/* Frees a write. */
void
ddb_write_free(struct ddb_write *w)
{
	ddb_av_free(&w->key);
	if (w->item) {
		ddb_av_free(w->item);
		free(w->item);
	}
	ddb_exprs_free(&w->ex);
	memset(w, 0, sizeof(*w));
}

/* Flags an update that changes a key attribute; -1 after replying. */
static int
check_update_keys(struct lc_request *req, const struct ddb_table *t, const struct ddb_update *u)
{
	for (size_t i = 0; u && i < u->n; i++)
		for (int k = 0; k < t->nkey; k++)
			if (strcmp(u->a[i].path.e[0].name ? u->a[i].path.e[0].name : "",
			    t->key[k].name) == 0) {
				ddb_error(req, DDB_VALIDATION, "One or more parameter values were invalid: "
				    "Cannot update attribute %s. This attribute is part of the key",
				    t->key[k].name);
				return -1;
			}
	return 0;
}

/* Parses one write. */
int
ddb_write_parse(struct lc_request *req, fg_json j, const char *table, enum ddb_write_kind kind,
    unsigned allowed, struct ddb_write *w)
{
	const char *name = table;
	char *err = NULL;

	memset(w, 0, sizeof(*w));
	w->kind = kind;
	ddb_av_init(&w->key, DDB_M);
	if ((table == NULL && ddb_opt_str(req, j, "TableName", &name) < 0) ||
	    ddb_exprs_parse(req, j, allowed, &w->ex) < 0)
		return -1;
	if (kind == DDB_W_CHECK && w->ex.cond == NULL) {
		ddb_error(req, DDB_VALIDATION, "1 validation error detected: Value null at "
		    "'conditionExpression' failed to satisfy constraint: Member must not be null");
		return -1;
	}
	if ((w->t = ddb_req_table(req, name)) == NULL)
		return -1;
	if (kind == DDB_W_PUT) {
		w->item = fg_malloc(sizeof(*w->item));
		if (ddb_req_item(req, fg_json_get(j, "Item"), "item", w->item) < 0)
			return -1;
		if (ddb_check_item(w->t, w->item, &err) < 0)
			goto invalid;
		if (ddb_item_size(w->item) > DDB_MAX_ITEM_SIZE) {
			ddb_error(req, DDB_VALIDATION, "Item size has exceeded the maximum allowed size");
			return -1;
		}
		ddb_key_of(w->t, NULL, w->item, &w->key);
		return 0;
	}
	ddb_av_free(&w->key);
	if (ddb_req_item(req, fg_json_get(j, "Key"), "key", &w->key) < 0)
		return -1;
	if (ddb_check_key(w->t, &w->key, &err) < 0)
		goto invalid;
	return check_update_keys(req, w->t, w->ex.update);
invalid:
	ddb_error(req, DDB_VALIDATION, "%s", err);
	free(err);
	return -1;
}

/* Checks the condition and computes an update's new item. */
int
ddb_write_eval(struct ddb_write *w, char **err)
{
	const struct ddb_av *old = ddb_table_get(w->t, &w->key);

	if (w->ex.cond && !ddb_condition_true(w->ex.cond, old))
		return 1;
	if (w->kind != DDB_W_UPDATE)
		return 0;
	if (w->item) {
		ddb_av_free(w->item);
		free(w->item);
	}
	w->item = fg_malloc(sizeof(*w->item));
	ddb_av_copy(w->item, old ? old : &w->key);
	if (w->ex.update && ddb_update_apply(w->ex.update, w->item, err) < 0)
		return -1;
	if (ddb_check_item(w->t, w->item, err) < 0)
		return -1;
	if (ddb_item_size(w->item) > DDB_MAX_ITEM_SIZE) {
		*err = fg_strdup("Item size to update has exceeded the maximum allowed size");
		return -1;
	}
	return 0;
}

/* Applies an evaluated write. */
struct ddb_av *
ddb_write_commit(struct ddb_write *w)
{
	struct ddb_av *old = NULL;

	switch (w->kind) {
	case DDB_W_PUT:
	case DDB_W_UPDATE:
		old = ddb_table_put(w->t, w->item);
		w->item = NULL;
		break;
	case DDB_W_DELETE:
		old = ddb_table_delete(w->t, &w->key);
		break;
	case DDB_W_CHECK:
		break;
	}
	return old;
}

/* Frees a heap item. */
static void
item_free(struct ddb_av *item)
{
	if (item) {
		ddb_av_free(item);
		free(item);
	}
}

/* Checks ReturnValues against the values an action allows; -1 after replying. */
static int
return_values(struct lc_request *req, const char *const *allowed, const char **out)
{
	const char *rv = NULL;

	if (ddb_opt_str(req, req->json, "ReturnValues", &rv) < 0)
		return -1;
	*out = rv ? rv : "NONE";
	for (size_t i = 0; allowed[i]; i++)
		if (strcmp(allowed[i], *out) == 0)
			return 0;
	ddb_error(req, DDB_VALIDATION, "ReturnValues can only be %s", allowed[2] ?
	    "NONE, ALL_OLD, UPDATED_OLD, ALL_NEW or UPDATED_NEW" : "ALL_OLD or NONE");
	return -1;
}

/* Runs a single write: condition, commit, reply with the attributes ReturnValues asks for. */
static void
single_write(struct lc_request *req, enum ddb_write_kind kind, const char *const *allowed)
{
	struct ddb_write w;
	struct ddb_av *old = NULL, part;
	const struct ddb_av *shown = NULL;
	const char *rv;
	char *err = NULL;
	struct fg_jw jw;
	int rc;
	double units;

	if (return_values(req, allowed, &rv) < 0)
		return;
	if (ddb_write_parse(req, req->json, NULL, kind, DDB_X_COND | (kind == DDB_W_UPDATE ?
	    DDB_X_UPDATE : 0), &w) < 0) {
		ddb_write_free(&w);
		return;
	}
	if ((rc = ddb_write_eval(&w, &err)) != 0) {
		if (rc > 0)
			ddb_error(req, DDB_CONDITION, "The conditional request failed");
		else
			ddb_error(req, DDB_VALIDATION, "%s", err);
		free(err);
		ddb_write_free(&w);
		return;
	}
	units = ddb_units(w.item ? w.item : ddb_table_get(w.t, &w.key), 1, 1);
	old = ddb_write_commit(&w);
	lc_changed(req->srv, req->svc);
	ddb_av_init(&part, DDB_NULL);
	if (strcmp(rv, "ALL_OLD") == 0) {
		shown = old;
	} else if (strcmp(rv, "ALL_NEW") == 0) {
		shown = ddb_table_get(w.t, &w.key);
	} else if (strcmp(rv, "UPDATED_OLD") == 0 || strcmp(rv, "UPDATED_NEW") == 0) {
		const struct ddb_av *src = rv[8] == 'O' ? old : ddb_table_get(w.t, &w.key);

		if (src && w.ex.update) {
			ddb_project_update(w.ex.update, src, &part);
			shown = part.n ? &part : NULL;
		}
	}
	fg_jw_init(&jw, 0);
	fg_jw_obj(&jw);
	if (shown != NULL) {
		fg_jw_key(&jw, "Attributes");
		ddb_item_write(&jw, shown);
	}
	ddb_capacity(&jw, req->json, w.t, units);
	fg_jw_end_obj(&jw);
	lc_reply_json(req, &jw);
	fg_jw_free(&jw);
	ddb_av_free(&part);
	item_free(old);
	ddb_write_free(&w);
}

/* PutItem. */
void
ddb_put_item(struct lc_request *req, struct ddb_state *st)
{
	static const char *const rv[] = { "NONE", "ALL_OLD", NULL };

	(void)st;
	single_write(req, DDB_W_PUT, rv);
}

/* UpdateItem. */
void
ddb_update_item(struct lc_request *req, struct ddb_state *st)
{
	static const char *const rv[] = { "NONE", "ALL_OLD", "UPDATED_OLD", "ALL_NEW",
		"UPDATED_NEW", NULL };

	(void)st;
	single_write(req, DDB_W_UPDATE, rv);
}

/* DeleteItem. */
void
ddb_delete_item(struct lc_request *req, struct ddb_state *st)
{
	static const char *const rv[] = { "NONE", "ALL_OLD", NULL };

	(void)st;
	single_write(req, DDB_W_DELETE, rv);
}

/* GetItem. */
void
ddb_get_item(struct lc_request *req, struct ddb_state *st)
{
	struct ddb_write w;
	const struct ddb_av *item;
	struct ddb_av proj;
	struct fg_jw jw;
	int consistent;

	(void)st;
	if (ddb_opt_bool(req, req->json, "ConsistentRead", &consistent) < 0)
		return;
	if (ddb_write_parse(req, req->json, NULL, DDB_W_DELETE, DDB_X_PROJ, &w) < 0) {
		ddb_write_free(&w);
		return;
	}
	item = ddb_table_get(w.t, &w.key);
	fg_jw_init(&jw, 0);
	fg_jw_obj(&jw);
	if (item != NULL) {
		fg_jw_key(&jw, "Item");
		if (w.ex.proj) {
			ddb_project(w.ex.proj, item, &proj);
			ddb_item_write(&jw, &proj);
			ddb_av_free(&proj);
		} else {
			ddb_item_write(&jw, item);
		}
	}
	ddb_capacity(&jw, req->json, w.t, ddb_units(item, 0, consistent));
	fg_jw_end_obj(&jw);
	lc_reply_json(req, &jw);
	fg_jw_free(&jw);
	ddb_write_free(&w);
}
