/* ddb_store.c: DynamoDB's saved state: each table as the CreateTable request that makes it
 * again, plus its identity, tags and items in wire form. */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "ddb.h"

/* Writes ProvisionedThroughput as CreateTable takes it. */
static void
save_throughput(struct fg_jw *w, int64_t rcu, int64_t wcu)
{
	fg_jw_key(w, "ProvisionedThroughput");
	fg_jw_obj(w);
	fg_jw_kint(w, "ReadCapacityUnits", rcu);
	fg_jw_kint(w, "WriteCapacityUnits", wcu);
	fg_jw_end_obj(w);
}

/* Writes one secondary index definition. */
static void
save_index(struct fg_jw *w, const struct ddb_table *t, const struct ddb_index *ix)
{
	fg_jw_obj(w);
	fg_jw_kstr(w, "IndexName", ix->name);
	ddb_write_key_schema(w, ix->key, ix->nkey);
	ddb_write_projection(w, ix);
	if (ix->global && !t->on_demand)
		save_throughput(w, ix->rcu, ix->wcu);
	fg_jw_kint(w, "CreatedMs", ix->created_ms);
	fg_jw_end_obj(w);
}

/* Writes one table. */
static void
save_table(struct fg_jw *w, const struct ddb_table *t)
{
	fg_jw_obj(w);
	fg_jw_kstr(w, "TableName", t->name);
	fg_jw_kstr(w, "TableArn", t->arn);
	fg_jw_kstr(w, "TableId", t->id);
	fg_jw_kint(w, "CreatedMs", t->created_ms);
	ddb_write_attr_defs(w, t);
	ddb_write_key_schema(w, t->key, t->nkey);
	fg_jw_kstr(w, "BillingMode", t->on_demand ? "PAY_PER_REQUEST" : "PROVISIONED");
	if (!t->on_demand)
		save_throughput(w, t->rcu, t->wcu);
	ddb_write_indexes(w, t, save_index);
	fg_jw_key(w, "Tags");
	fg_jw_arr(w);
	for (size_t i = 0; i < t->ntags; i++) {
		fg_jw_obj(w);
		fg_jw_kstr(w, "Key", t->tag_keys[i]);
		fg_jw_kstr(w, "Value", t->tag_vals[i]);
		fg_jw_end_obj(w);
	}
	fg_jw_end_arr(w);
	fg_jw_key(w, "Items");
	fg_jw_arr(w);
	for (struct ddb_sl_node *n = ddb_sl_first(t->items); n; n = n->next[0])
		ddb_item_write(w, n->item);
	fg_jw_end_arr(w);
	fg_jw_end_obj(w);
}

/* Saves every table. */
void
ddb_state_save(void *state, struct fg_jw *w)
{
	struct ddb_state *st = state;

	fg_jw_obj(w);
	fg_jw_key(w, "tables");
	fg_jw_arr(w);
	for (size_t i = 0; i < st->n; i++)
		save_table(w, st->t[i]);
	fg_jw_end_arr(w);
	fg_jw_end_obj(w);
}

/* Restores a table's identity, tags and items from its saved form; -1 and *err on bad data. */
static int
load_table(struct ddb_table *t, fg_json j, char **err)
{
	const char *arn = fg_json_str(fg_json_get(j, "TableArn"));
	const char *id = fg_json_str(fg_json_get(j, "TableId"));
	fg_json tags = fg_json_get(j, "Tags"), items = fg_json_get(j, "Items"), ix;
	int64_t ms;
	int serial;

	if (arn == NULL || id == NULL || strlen(id) >= sizeof(t->id) ||
	    fg_json_int(fg_json_get(j, "CreatedMs"), &ms) < 0) {
		*err = fg_printf("table %s: TableArn, TableId or CreatedMs missing", t->name);
		return -1;
	}
	free(t->arn);
	t->arn = fg_strdup(arn);
	strcpy(t->id, id);
	t->created_ms = ms;
	for (int global = 0, at = 0; global < 2; global++) {
		ix = fg_json_get(j, global ? "GlobalSecondaryIndexes" : "LocalSecondaryIndexes");
		for (size_t i = 0; i < fg_json_len(ix); i++, at++)
			if (fg_json_int(fg_json_get(fg_json_at(ix, i), "CreatedMs"), &ms) == 0)
				t->idx[at].created_ms = ms;
	}
	for (size_t i = 0; i < fg_json_len(tags); i++) {
		const char *k = fg_json_str(fg_json_get(fg_json_at(tags, i), "Key"));
		const char *v = fg_json_str(fg_json_get(fg_json_at(tags, i), "Value"));

		if (k == NULL || v == NULL)
			continue;
		t->tag_keys = fg_realloc(t->tag_keys, (t->ntags + 1) * sizeof(*t->tag_keys));
		t->tag_vals = fg_realloc(t->tag_vals, (t->ntags + 1) * sizeof(*t->tag_vals));
		t->tag_keys[t->ntags] = fg_strdup(k);
		t->tag_vals[t->ntags++] = fg_strdup(v);
	}
	for (size_t i = 0; i < fg_json_len(items); i++) {
		struct ddb_av *item = fg_malloc(sizeof(*item)), *old;
		char *msg = NULL;

		if (ddb_item_from_json(fg_json_at(items, i), item, &serial, &msg) < 0 ||
		    ddb_check_item(t, item, &msg) < 0) {
			*err = fg_printf("table %s, item %zu: %s", t->name, i, msg);
			free(msg);
			ddb_av_free(item);
			free(item);
			return -1;
		}
		if ((old = ddb_table_put(t, item)) != NULL) {
			ddb_av_free(old);
			free(old);
		}
	}
	return 0;
}

/* Loads the tables saved by ddb_state_save. */
int
ddb_state_load(void *state, fg_json j, char **err)
{
	struct ddb_state *st = state;
	fg_json tables = fg_json_get(j, "tables");

	if (tables == NULL || !YAJL_IS_ARRAY(tables)) {
		*err = fg_strdup("no \"tables\" array");
		return -1;
	}
	for (size_t i = 0; i < fg_json_len(tables); i++) {
		char *msg = NULL;
		struct ddb_table *t = ddb_table_new(fg_json_at(tables, i), "", &msg);

		if (t == NULL || load_table(t, fg_json_at(tables, i), &msg) < 0) {
			*err = fg_printf("table %zu: %s", i, msg);
			free(msg);
			ddb_table_free(t);
			return -1;
		}
		st->t = fg_realloc(st->t, (st->n + 1) * sizeof(*st->t));
		st->t[st->n++] = t;
	}
	return 0;
}
