/* ddb_table.c: DynamoDB tables: CreateTable's schema (validated as DynamoDB does), the
 * TableDescription, key checks, and items kept in key order with their secondary indexes. */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "ddb.h"
#include "lc.h"

#define INVALID "One or more parameter values were invalid: "

/* The string member key of obj, or NULL. */
static const char *
jstr(fg_json obj, const char *key)
{
	return fg_json_str(fg_json_get(obj, key));
}

/* Checks a table or index name: 3 to 255 of [a-zA-Z0-9_.-]. */
static int
check_name(const char *name, const char *field, char **err)
{
	if (name == NULL) {
		*err = fg_printf("1 validation error detected: Value null at '%s' failed to satisfy "
		    "constraint: Member must not be null", field);
		return -1;
	}
	if (strlen(name) < 3 || strlen(name) > 255) {
		*err = fg_printf("1 validation error detected: Value '%s' at '%s' failed to satisfy "
		    "constraint: Member must have length %s", name, field, strlen(name) < 3 ?
		    "greater than or equal to 3" : "less than or equal to 255");
		return -1;
	}
	for (const char *s = name; *s; s++)
		if (!((*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z') || (*s >= '0' && *s <= '9') ||
		    *s == '_' || *s == '.' || *s == '-')) {
			*err = fg_printf("1 validation error detected: Value '%s' at '%s' failed to "
			    "satisfy constraint: Member must satisfy regular expression pattern: "
			    "[a-zA-Z0-9_.-]+", name, field);
			return -1;
		}
	return 0;
}

/* The type of a defined attribute, or -1. */
static int
attr_type(const struct ddb_table *t, const char *name)
{
	for (size_t i = 0; i < t->nattrs; i++)
		if (strcmp(t->attrs[i].name, name) == 0)
			return (int)t->attrs[i].type;
	return -1;
}

/* Reads a KeySchema into key[]; what names it in messages. */
static int
parse_key_schema(const struct ddb_table *t, fg_json ks, struct ddb_keydef *key, int *nkey,
    char **err)
{
	size_t n = fg_json_len(ks);
	struct fg_buf names;

	if (ks == NULL || !YAJL_IS_ARRAY(ks) || n < 1 || n > 2) {
		*err = fg_strdup(ks == NULL ? "1 validation error detected: Value null at 'keySchema' "
		    "failed to satisfy constraint: Member must not be null" : "1 validation error "
		    "detected: Value at 'keySchema' failed to satisfy constraint: Member must have "
		    "length less than or equal to 2 and greater than or equal to 1");
		return -1;
	}
	for (size_t i = 0; i < n; i++) {
		const char *name = jstr(fg_json_at(ks, i), "AttributeName");
		const char *type = jstr(fg_json_at(ks, i), "KeyType");

		if (name == NULL || type == NULL || (strcmp(type, "HASH") && strcmp(type, "RANGE"))) {
			*err = fg_strdup("1 validation error detected: Value at 'keySchema' failed to "
			    "satisfy constraint: Member must satisfy enum value set: [HASH, RANGE]");
			return -1;
		}
		if (strcmp(type, i == 0 ? "HASH" : "RANGE") != 0) {
			*err = fg_printf("Invalid KeySchema: The %s KeySchemaElement is not a %s key type",
			    i == 0 ? "first" : "second", i == 0 ? "HASH" : "RANGE");
			return -1;
		}
	}
	if (n == 2 && strcmp(jstr(fg_json_at(ks, 0), "AttributeName"),
	    jstr(fg_json_at(ks, 1), "AttributeName")) == 0) {
		*err = fg_strdup("Both the Hash Key and the Range Key element in the KeySchema have the "
		    "same name");
		return -1;
	}
	for (size_t i = 0; i < n; i++) {
		const char *name = jstr(fg_json_at(ks, i), "AttributeName");

		if (attr_type(t, name) < 0) {
			fg_buf_init(&names);
			for (size_t j = 0; j < n; j++)
				fg_buf_addf(&names, "%s%s", j ? ", " : "", jstr(fg_json_at(ks, j),
				    "AttributeName"));
			fg_buf_addstr(&names, "], AttributeDefinitions: [");
			for (size_t j = 0; j < t->nattrs; j++)
				fg_buf_addf(&names, "%s%s", j ? ", " : "", t->attrs[j].name);
			*err = fg_printf(INVALID "Some index key attributes are not defined in "
			    "AttributeDefinitions. Keys: [%s]", names.data);
			fg_buf_free(&names);
			return -1;
		}
		key[i].name = fg_strdup(name);
		key[i].type = (enum ddb_type)attr_type(t, name);
	}
	*nkey = (int)n;
	return 0;
}

/* Reads ProvisionedThroughput (required unless on demand). */
static int
parse_throughput(fg_json pt, int on_demand, int64_t *rcu, int64_t *wcu, char **err)
{
	if (on_demand) {
		if (pt != NULL) {
			*err = fg_strdup(INVALID "Neither ReadCapacityUnits nor WriteCapacityUnits can be "
			    "specified when BillingMode is PAY_PER_REQUEST");
			return -1;
		}
		*rcu = *wcu = 0;
		return 0;
	}
	if (pt == NULL || fg_json_int(fg_json_get(pt, "ReadCapacityUnits"), rcu) < 0 ||
	    fg_json_int(fg_json_get(pt, "WriteCapacityUnits"), wcu) < 0) {
		*err = fg_strdup(INVALID "ReadCapacityUnits and WriteCapacityUnits must both be "
		    "specified when BillingMode is PROVISIONED");
		return -1;
	}
	if (*rcu < 1 || *wcu < 1) {
		*err = fg_printf("1 validation error detected: Value '%lld' at "
		    "'provisionedThroughput.%s' failed to satisfy constraint: Member must have value "
		    "greater than or equal to 1", (long long)(*rcu < 1 ? *rcu : *wcu),
		    *rcu < 1 ? "readCapacityUnits" : "writeCapacityUnits");
		return -1;
	}
	return 0;
}

/* Reads one secondary index definition. */
int
ddb_index_parse(struct ddb_table *t, fg_json j, int global, struct ddb_index *ix, char **err)
{
	fg_json proj = fg_json_get(j, "Projection"), nka;
	const char *pt;

	memset(ix, 0, sizeof(*ix));
	ix->global = global;
	ix->name = fg_strdup(jstr(j, "IndexName") ? jstr(j, "IndexName") : "");
	if (check_name(jstr(j, "IndexName"), "indexName", err) < 0 ||
	    parse_key_schema(t, fg_json_get(j, "KeySchema"), ix->key, &ix->nkey, err) < 0)
		return -1;
	if (!global && (strcmp(ix->key[0].name, t->key[0].name) != 0 || ix->nkey != 2)) {
		*err = fg_printf(INVALID "Index KeySchema does not have a range key for index: %s",
		    ix->name);
		return -1;
	}
	pt = proj ? jstr(proj, "ProjectionType") : NULL;
	if (proj == NULL || pt == NULL) {
		*err = fg_printf(INVALID "Unknown ProjectionType: null");
		return -1;
	}
	ix->proj = strcmp(pt, "ALL") == 0 ? DDB_PROJ_ALL : strcmp(pt, "KEYS_ONLY") == 0 ?
	    DDB_PROJ_KEYS_ONLY : DDB_PROJ_INCLUDE;
	if (ix->proj == DDB_PROJ_INCLUDE && strcmp(pt, "INCLUDE") != 0) {
		*err = fg_printf(INVALID "Unknown ProjectionType: %s", pt);
		return -1;
	}
	nka = fg_json_get(proj, "NonKeyAttributes");
	if ((ix->proj == DDB_PROJ_INCLUDE) != (nka != NULL && fg_json_len(nka) > 0)) {
		*err = fg_strdup(ix->proj == DDB_PROJ_INCLUDE ? INVALID "ProjectionType is INCLUDE, "
		    "but NonKeyAttributes is not specified" : INVALID "ProjectionType is " "not "
		    "INCLUDE, but NonKeyAttributes is specified");
		return -1;
	}
	for (size_t i = 0; nka && i < fg_json_len(nka); i++) {
		const char *a = fg_json_str(fg_json_at(nka, i));

		ix->include = fg_realloc(ix->include, (ix->ninclude + 1) * sizeof(*ix->include));
		ix->include[ix->ninclude++] = fg_strdup(a ? a : "");
	}
	if (global && parse_throughput(fg_json_get(j, "ProvisionedThroughput"), t->on_demand,
	    &ix->rcu, &ix->wcu, err) < 0)
		return -1;
	ix->sl = ddb_sl_new((size_t)(ix->nkey + t->nkey));
	return 0;
}

/* Frees an index's definition and entries (not the items). */
void
ddb_index_free(struct ddb_index *ix)
{
	free(ix->name);
	for (int i = 0; i < ix->nkey; i++)
		free(ix->key[i].name);
	for (size_t i = 0; i < ix->ninclude; i++)
		free(ix->include[i]);
	free(ix->include);
	ddb_sl_free(ix->sl, 0);
}

/* Reads the secondary indexes of a CreateTable request. */
static int
parse_indexes(struct ddb_table *t, fg_json list, int global, char **err)
{
	if (list == NULL)
		return 0;
	if (fg_json_len(list) == 0) {
		*err = fg_printf(INVALID "List of %s is empty", global ? "GlobalSecondaryIndexes" :
		    "LocalSecondaryIndexes");
		return -1;
	}
	if (!global && t->nkey != 2) {
		*err = fg_strdup(INVALID "Table KeySchema does not have a range key, which is required "
		    "when specifying a LocalSecondaryIndex");
		return -1;
	}
	for (size_t i = 0; i < fg_json_len(list); i++) {
		struct ddb_index ix;

		if (ddb_index_parse(t, fg_json_at(list, i), global, &ix, err) < 0) {
			ddb_index_free(&ix);
			return -1;
		}
		for (size_t k = 0; k < t->nidx; k++)
			if (strcmp(t->idx[k].name, ix.name) == 0) {
				*err = fg_printf(INVALID "Duplicate index name: %s", ix.name);
				ddb_index_free(&ix);
				return -1;
			}
		t->idx = fg_realloc(t->idx, (t->nidx + 1) * sizeof(*t->idx));
		t->idx[t->nidx++] = ix;
	}
	return 0;
}

/* Builds a table from a CreateTable request. */
struct ddb_table *
ddb_table_new(fg_json req, const char *arn_prefix, char **err)
{
	struct ddb_table *t = fg_calloc(1, sizeof(*t));
	fg_json defs = fg_json_get(req, "AttributeDefinitions");
	const char *bm = jstr(req, "BillingMode");

	t->name = fg_strdup(jstr(req, "TableName") ? jstr(req, "TableName") : "");
	t->items = ddb_sl_new(1);
	if (check_name(jstr(req, "TableName"), "tableName", err) < 0)
		goto fail;
	if (defs == NULL || !YAJL_IS_ARRAY(defs)) {
		*err = fg_strdup("1 validation error detected: Value null at 'attributeDefinitions' "
		    "failed to satisfy constraint: Member must not be null");
		goto fail;
	}
	t->attrs = fg_calloc(fg_json_len(defs) + 1, sizeof(*t->attrs));
	for (size_t i = 0; i < fg_json_len(defs); i++) {
		const char *n = jstr(fg_json_at(defs, i), "AttributeName");
		const char *ty = jstr(fg_json_at(defs, i), "AttributeType");

		if (n == NULL || ty == NULL || (strcmp(ty, "S") && strcmp(ty, "N") && strcmp(ty, "B"))) {
			*err = fg_printf("1 validation error detected: Value '%s' at "
			    "'attributeDefinitions.%zu.member.attributeType' failed to satisfy "
			    "constraint: Member must satisfy enum value set: [B, N, S]", ty ? ty : "null",
			    i + 1);
			goto fail;
		}
		if (attr_type(t, n) >= 0) {
			*err = fg_printf("Cannot have two attributes with the same name: %s", n);
			goto fail;
		}
		t->attrs[t->nattrs].name = fg_strdup(n);
		t->attrs[t->nattrs++].type = (enum ddb_type)ddb_type_from_name(ty);
	}
	if (bm && strcmp(bm, "PROVISIONED") && strcmp(bm, "PAY_PER_REQUEST")) {
		*err = fg_printf("1 validation error detected: Value '%s' at 'billingMode' failed to "
		    "satisfy constraint: Member must satisfy enum value set: [PROVISIONED, "
		    "PAY_PER_REQUEST]", bm);
		goto fail;
	}
	t->on_demand = bm && strcmp(bm, "PAY_PER_REQUEST") == 0;
	if (parse_key_schema(t, fg_json_get(req, "KeySchema"), t->key, &t->nkey, err) < 0 ||
	    parse_throughput(fg_json_get(req, "ProvisionedThroughput"), t->on_demand, &t->rcu,
	    &t->wcu, err) < 0)
		goto fail;
	ddb_sl_free(t->items, 1);
	t->items = ddb_sl_new((size_t)t->nkey);
	if (parse_indexes(t, fg_json_get(req, "LocalSecondaryIndexes"), 0, err) < 0 ||
	    parse_indexes(t, fg_json_get(req, "GlobalSecondaryIndexes"), 1, err) < 0)
		goto fail;
	lc_uuid(t->id);
	t->created_ms = fg_wall_ms();
	t->arn = fg_printf("%s%s", arn_prefix, t->name);
	for (size_t i = 0; i < t->nidx; i++)
		t->idx[i].created_ms = t->created_ms;
	return t;
fail:
	ddb_table_free(t);
	return NULL;
}

/* Frees a table and its items. */
void
ddb_table_free(struct ddb_table *t)
{
	if (t == NULL)
		return;
	for (size_t i = 0; i < t->nidx; i++)
		ddb_index_free(&t->idx[i]);
	free(t->idx);
	for (int i = 0; i < t->nkey; i++)
		free(t->key[i].name);
	for (size_t i = 0; i < t->nattrs; i++)
		free(t->attrs[i].name);
	free(t->attrs);
	for (size_t i = 0; i < t->ntags; i++) {
		free(t->tag_keys[i]);
		free(t->tag_vals[i]);
	}
	free(t->tag_keys);
	free(t->tag_vals);
	ddb_sl_free(t->items, 1);
	free(t->name);
	free(t->arn);
	free(t);
}

/* The table called name, or NULL. */
struct ddb_table *
ddb_table_find(struct ddb_state *st, const char *name)
{
	for (size_t i = 0; name && i < st->n; i++)
		if (strcmp(st->t[i]->name, name) == 0)
			return st->t[i];
	return NULL;
}

/* Tells whether a table finished CREATING. */
int
ddb_table_active(const struct ddb_table *t)
{
	return fg_wall_ms() >= t->created_ms + DDB_STATUS_DELAY_MS;
}

/* Writes the member KeySchema. */
void
ddb_write_key_schema(struct fg_jw *w, const struct ddb_keydef *key, int nkey)
{
	fg_jw_key(w, "KeySchema");
	fg_jw_arr(w);
	for (int i = 0; i < nkey; i++) {
		fg_jw_obj(w);
		fg_jw_kstr(w, "AttributeName", key[i].name);
		fg_jw_kstr(w, "KeyType", i == 0 ? "HASH" : "RANGE");
		fg_jw_end_obj(w);
	}
	fg_jw_end_arr(w);
}

/* Writes the member AttributeDefinitions of t. */
void
ddb_write_attr_defs(struct fg_jw *w, const struct ddb_table *t)
{
	fg_jw_key(w, "AttributeDefinitions");
	fg_jw_arr(w);
	for (size_t i = 0; i < t->nattrs; i++) {
		fg_jw_obj(w);
		fg_jw_kstr(w, "AttributeName", t->attrs[i].name);
		fg_jw_kstr(w, "AttributeType", ddb_type_name(t->attrs[i].type));
		fg_jw_end_obj(w);
	}
	fg_jw_end_arr(w);
}

/* Writes the member Projection of an index. */
void
ddb_write_projection(struct fg_jw *w, const struct ddb_index *ix)
{
	static const char *const proj[] = { "ALL", "KEYS_ONLY", "INCLUDE" };

	fg_jw_key(w, "Projection");
	fg_jw_obj(w);
	fg_jw_kstr(w, "ProjectionType", proj[ix->proj]);
	if (ix->ninclude) {
		fg_jw_key(w, "NonKeyAttributes");
		fg_jw_arr(w);
		for (size_t i = 0; i < ix->ninclude; i++)
			fg_jw_str(w, ix->include[i]);
		fg_jw_end_arr(w);
	}
	fg_jw_end_obj(w);
}

/* Writes LocalSecondaryIndexes then GlobalSecondaryIndexes, each only when t has one, every
 * index by one. */
void
ddb_write_indexes(struct fg_jw *w, const struct ddb_table *t,
    void (*one)(struct fg_jw *, const struct ddb_table *, const struct ddb_index *))
{
	for (int global = 0; global < 2; global++) {
		int any = 0;

		for (size_t i = 0; i < t->nidx; i++) {
			if (t->idx[i].global != global)
				continue;
			if (!any++) {
				fg_jw_key(w, global ? "GlobalSecondaryIndexes" : "LocalSecondaryIndexes");
				fg_jw_arr(w);
			}
			one(w, t, &t->idx[i]);
		}
		if (any)
			fg_jw_end_arr(w);
	}
}

/* Writes ProvisionedThroughput. */
static void
write_throughput(struct fg_jw *w, int64_t rcu, int64_t wcu)
{
	fg_jw_key(w, "ProvisionedThroughput");
	fg_jw_obj(w);
	fg_jw_kint(w, "NumberOfDecreasesToday", 0);
	fg_jw_kint(w, "ReadCapacityUnits", rcu);
	fg_jw_kint(w, "WriteCapacityUnits", wcu);
	fg_jw_end_obj(w);
}

/* Writes the description of one secondary index. */
static void
write_index(struct fg_jw *w, const struct ddb_table *t, const struct ddb_index *ix)
{
	size_t bytes = 0;
	char *arn;

	fg_jw_obj(w);
	fg_jw_kstr(w, "IndexName", ix->name);
	ddb_write_key_schema(w, ix->key, ix->nkey);
	ddb_write_projection(w, ix);
	if (ix->global) {
		fg_jw_kstr(w, "IndexStatus", fg_wall_ms() >= ix->created_ms + DDB_STATUS_DELAY_MS ?
		    "ACTIVE" : "CREATING");
		write_throughput(w, ix->rcu, ix->wcu);
	}
	for (struct ddb_sl_node *n = ddb_sl_first(ix->sl); n; n = n->next[0])
		bytes += ddb_item_size(n->item);
	fg_jw_kint(w, "IndexSizeBytes", (int64_t)bytes);
	fg_jw_kint(w, "ItemCount", (int64_t)ix->sl->n);
	arn = fg_printf("%s/index/%s", t->arn, ix->name);
	fg_jw_kstr(w, "IndexArn", arn);
	free(arn);
	fg_jw_end_obj(w);
}

/* Writes a TableDescription (status NULL: from the clock). */
void
ddb_table_describe(struct fg_jw *w, const struct ddb_table *t, const char *status)
{
	fg_jw_obj(w);
	ddb_write_attr_defs(w, t);
	fg_jw_kstr(w, "TableName", t->name);
	ddb_write_key_schema(w, t->key, t->nkey);
	fg_jw_kstr(w, "TableStatus", status ? status : ddb_table_active(t) ? "ACTIVE" : "CREATING");
	fg_jw_key(w, "CreationDateTime");
	fg_jw_double(w, (double)t->created_ms / 1000.0);
	write_throughput(w, t->rcu, t->wcu);
	fg_jw_kint(w, "TableSizeBytes", (int64_t)t->bytes);
	fg_jw_kint(w, "ItemCount", (int64_t)t->items->n);
	fg_jw_kstr(w, "TableArn", t->arn);
	fg_jw_kstr(w, "TableId", t->id);
	if (t->on_demand) {
		fg_jw_key(w, "BillingModeSummary");
		fg_jw_obj(w);
		fg_jw_kstr(w, "BillingMode", "PAY_PER_REQUEST");
		fg_jw_end_obj(w);
	}
	ddb_write_indexes(w, t, write_index);
	fg_jw_end_obj(w);
}

/* Fills k with the values of the key attributes (kd) of item; -1 when one is absent. */
static int
keyvec(const struct ddb_keydef *kd, int n, const struct ddb_av *item, const struct ddb_av **k)
{
	for (int i = 0; i < n; i++) {
		k[i] = ddb_map_get(item, kd[i].name);
		if (k[i] == NULL || k[i]->type != kd[i].type)
			return -1;
	}
	return 0;
}

/* The table key vector of item. */
int
ddb_table_keyvec(const struct ddb_table *t, const struct ddb_av *item, const struct ddb_av **k)
{
	return keyvec(t->key, t->nkey, item, k);
}

/* The index key vector of item: index keys then table keys; -1 when item is not indexed. */
int
ddb_index_keyvec(const struct ddb_table *t, const struct ddb_index *ix, const struct ddb_av *item,
    const struct ddb_av **k)
{
	if (keyvec(ix->key, ix->nkey, item, k) < 0)
		return -1;
	return keyvec(t->key, t->nkey, item, k + ix->nkey);
}

/* Checks the size of a key value (hash 2048 bytes, range 1024). */
static int
check_key_size(const struct ddb_av *v, int hash, char **err)
{
	if (v->type == DDB_N || v->len <= (hash ? 2048u : 1024u))
		return 0;
	*err = fg_strdup(hash ? INVALID "Size of hashkey has exceeded the maximum size limit of2048 "
	    "bytes" : INVALID "Aggregated size of all range keys has exceeded the size limit of 1024 "
	    "bytes");
	return -1;
}

/* Checks a Key parameter: exactly the key attributes, with the right types. */
int
ddb_check_key(const struct ddb_table *t, const struct ddb_av *key, char **err)
{
	if (key->n != (size_t)t->nkey)
		goto bad;
	for (int i = 0; i < t->nkey; i++) {
		const struct ddb_av *v = ddb_map_get(key, t->key[i].name);

		if (v == NULL || v->type != t->key[i].type)
			goto bad;
		if ((v->type == DDB_S || v->type == DDB_B) && v->len == 0) {
			*err = fg_printf(INVALID "The AttributeValue for a key attribute cannot contain "
			    "an empty %s value. Key: %s", v->type == DDB_S ? "string" : "binary",
			    t->key[i].name);
			return -1;
		}
		if (check_key_size(v, i == 0, err) < 0)
			return -1;
	}
	return 0;
bad:
	*err = fg_strdup("The provided key element does not match the schema");
	return -1;
}

/* Checks the key (and index key) attributes of an item to store. */
int
ddb_check_item(const struct ddb_table *t, const struct ddb_av *item, char **err)
{
	for (int i = 0; i < t->nkey; i++) {
		const struct ddb_av *v = ddb_map_get(item, t->key[i].name);

		if (v == NULL) {
			*err = fg_printf(INVALID "Missing the key %s in the item", t->key[i].name);
			return -1;
		}
		if (v->type != t->key[i].type) {
			*err = fg_printf(INVALID "Type mismatch for key %s expected: %s actual: %s",
			    t->key[i].name, ddb_type_name(t->key[i].type), ddb_type_name(v->type));
			return -1;
		}
		if ((v->type == DDB_S || v->type == DDB_B) && v->len == 0) {
			*err = fg_printf("One or more parameter values are not valid. The AttributeValue "
			    "for a key attribute cannot contain an empty %s value. Key: %s",
			    v->type == DDB_S ? "string" : "binary", t->key[i].name);
			return -1;
		}
		if (check_key_size(v, i == 0, err) < 0)
			return -1;
	}
	for (size_t x = 0; x < t->nidx; x++)
		for (int i = 0; i < t->idx[x].nkey; i++) {
			const struct ddb_keydef *kd = &t->idx[x].key[i];
			const struct ddb_av *v = ddb_map_get(item, kd->name);

			if (v != NULL && v->type != kd->type) {
				*err = fg_printf(INVALID "Type mismatch for Index Key %s Expected: %s Actual: "
				    "%s IndexName: %s", kd->name, ddb_type_name(kd->type),
				    ddb_type_name(v->type), t->idx[x].name);
				return -1;
			}
			if (v != NULL && (v->type == DDB_S || v->type == DDB_B) && v->len == 0) {
				*err = fg_printf("One or more parameter values are not valid. A value "
				    "specified for a secondary index key is not supported. The AttributeValue "
				    "for a key attribute cannot contain an empty %s value. IndexName: %s, "
				    "IndexKey: %s", v->type == DDB_S ? "string" : "binary", t->idx[x].name,
				    kd->name);
				return -1;
			}
		}
	return 0;
}

/* The stored item with the key of key (an item or a Key), or NULL. */
struct ddb_av *
ddb_table_get(struct ddb_table *t, const struct ddb_av *key)
{
	const struct ddb_av *k[DDB_SL_MAXK];
	struct ddb_sl_node *n;

	if (ddb_table_keyvec(t, key, k) < 0)
		return NULL;
	n = ddb_sl_find(t->items, k);
	return n ? n->item : NULL;
}

/* Drops item's entries from the secondary indexes. */
static void
unindex(struct ddb_table *t, const struct ddb_av *item)
{
	const struct ddb_av *k[DDB_SL_MAXK];

	for (size_t i = 0; i < t->nidx; i++)
		if (ddb_index_keyvec(t, &t->idx[i], item, k) == 0)
			ddb_sl_remove(t->idx[i].sl, k);
}

/* Adds item's entries to the secondary indexes. */
static void
index_item(struct ddb_table *t, struct ddb_av *item)
{
	const struct ddb_av *k[DDB_SL_MAXK];

	for (size_t i = 0; i < t->nidx; i++)
		if (ddb_index_keyvec(t, &t->idx[i], item, k) == 0)
			ddb_sl_insert(t->idx[i].sl, item, k);
}

/* Removes and returns the item with key, or NULL. */
struct ddb_av *
ddb_table_delete(struct ddb_table *t, const struct ddb_av *key)
{
	const struct ddb_av *k[DDB_SL_MAXK];
	struct ddb_sl_node *n;
	struct ddb_av *old;

	if (ddb_table_keyvec(t, key, k) < 0 || (n = ddb_sl_find(t->items, k)) == NULL)
		return NULL;
	old = n->item;
	unindex(t, old);
	ddb_table_keyvec(t, old, k);
	ddb_sl_remove(t->items, k);
	t->bytes -= ddb_item_size(old);
	return old;
}

/* Stores item, replacing the one with its key; returns the old item (caller frees). */
struct ddb_av *
ddb_table_put(struct ddb_table *t, struct ddb_av *item)
{
	const struct ddb_av *k[DDB_SL_MAXK];
	struct ddb_av *old = ddb_table_delete(t, item);

	ddb_table_keyvec(t, item, k);
	ddb_sl_insert(t->items, item, k);
	index_item(t, item);
	t->bytes += ddb_item_size(item);
	return old;
}

/* Fills a new index from the table's items. */
void
ddb_index_fill(struct ddb_table *t, struct ddb_index *ix)
{
	const struct ddb_av *k[DDB_SL_MAXK];

	for (struct ddb_sl_node *n = ddb_sl_first(t->items); n; n = n->next[0])
		if (ddb_index_keyvec(t, ix, n->item, k) == 0)
			ddb_sl_insert(ix->sl, n->item, k);
}

/* Copies the key attributes of the table (and index) from item into out (an M). */
void
ddb_key_of(const struct ddb_table *t, const struct ddb_index *ix, const struct ddb_av *item,
    struct ddb_av *out)
{
	ddb_av_init(out, DDB_M);
	for (int pass = 0; pass < 2; pass++) {
		const struct ddb_keydef *kd = pass ? t->key : ix ? ix->key : NULL;
		int n = pass ? t->nkey : ix ? ix->nkey : 0;

		for (int i = 0; i < n; i++) {
			const struct ddb_av *v = ddb_map_get(item, kd[i].name);

			if (v != NULL && ddb_map_get(out, kd[i].name) == NULL)
				ddb_av_copy(ddb_av_push(out, kd[i].name), v);
		}
	}
}
