/* ddb_query.c: Query (key conditions on a table or index, in sort-key order either way) and
 * Scan (with segments), both paged by Limit, the 1 MB page size and ExclusiveStartKey. */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "ddb.h"
#include "lc.h"

#define PAGE_BYTES (1024 * 1024)

/* The key condition of a Query: hash = value, and an optional sort-key condition. */
struct keycond {
	const struct ddb_av *hash;
	int has_range;
	enum ddb_op op;
	const struct ddb_av *v1, *v2;
	const char *names[2];          /* attributes conditioned on, for duplicates */
	const struct ddb_av *vals[2][2];
	enum ddb_op ops[2];
	int n;
};

/* Mirrors a comparison written value-first (":v < k" is "k > :v"). */
static enum ddb_op
flip(enum ddb_op op)
{
	switch (op) {
	case DDB_OP_LT: return DDB_OP_GT;
	case DDB_OP_LE: return DDB_OP_GE;
	case DDB_OP_GT: return DDB_OP_LT;
	case DDB_OP_GE: return DDB_OP_LE;
	default: return op;
	}
}

/* Collects the leaf conditions of a key condition expression; NULL or the error message. */
static const char *
collect(const struct ddb_node *n, struct keycond *kc)
{
	static const char *const opname[] = { [DDB_OP_NE] = "<>", [DDB_OP_IN] = "IN",
		[DDB_OP_OR] = "OR", [DDB_OP_NOT] = "NOT", [DDB_OP_EXISTS] = "attribute_exists",
		[DDB_OP_NOT_EXISTS] = "attribute_not_exists", [DDB_OP_TYPE] = "attribute_type",
		[DDB_OP_CONTAINS] = "contains" };
	const struct ddb_node *path = NULL;
	size_t pathix = 0;
	const char *err;

	switch (n->op) {
	case DDB_OP_AND:
		if ((err = collect(n->args[0], kc)) != NULL)
			return err;
		return collect(n->args[1], kc);
	case DDB_OP_NE: case DDB_OP_IN: case DDB_OP_OR: case DDB_OP_NOT: case DDB_OP_EXISTS:
	case DDB_OP_NOT_EXISTS: case DDB_OP_TYPE: case DDB_OP_CONTAINS:
		return opname[n->op];
	default:
		break;
	}
	for (size_t i = 0; i < n->nargs; i++) {
		if (n->args[i]->op == DDB_OP_SIZE)
			return "KeyConditionExpressions cannot contain nested operations";
		if (n->args[i]->op != DDB_OP_PATH)
			continue;
		if (path != NULL)
			return "Invalid condition in KeyConditionExpression: Multiple attribute names used "
			    "in one condition";
		if (n->args[i]->path.n > 1)
			return "KeyConditionExpressions cannot have conditions on nested attributes";
		path = n->args[i];
		pathix = i;
	}
	if (path == NULL)
		return "Invalid condition in KeyConditionExpression: No key attribute specified";
	if (pathix != 0 && (n->op == DDB_OP_BETWEEN || n->op == DDB_OP_BEGINS))
		return n->op == DDB_OP_BETWEEN ? "Invalid condition in KeyConditionExpression: BETWEEN "
		    "operator must have the key attribute as its first operand" : "Invalid condition in "
		    "KeyConditionExpression: begins_with operator must have the key attribute as its "
		    "first operand";
	for (int i = 0; i < kc->n; i++)
		if (strcmp(kc->names[i], path->path.e[0].name) == 0)
			return "KeyConditionExpressions must only contain one condition per key";
	if (kc->n == 2)
		return "Conditions can be of length 1 or 2 only";
	kc->names[kc->n] = path->path.e[0].name;
	kc->ops[kc->n] = pathix ? flip(n->op) : n->op;
	kc->vals[kc->n][0] = n->args[pathix ? 0 : 1]->value;
	kc->vals[kc->n][1] = n->nargs > 2 ? n->args[2]->value : NULL;
	kc->n++;
	return NULL;
}

/* Matches the collected conditions to the key schema; -1 after replying. */
static int
key_condition(struct lc_request *req, const struct ddb_node *n, const struct ddb_keydef *key,
    int nkey, struct keycond *kc)
{
	const char *err;
	int hash = -1, range = -1;

	memset(kc, 0, sizeof(*kc));
	if ((err = collect(n, kc)) != NULL) {
		if (strchr(err, ' ') == NULL)
			ddb_error(req, DDB_VALIDATION, "Invalid operator used in KeyConditionExpression: %s",
			    err);
		else
			ddb_error(req, DDB_VALIDATION, "%s", err);
		return -1;
	}
	for (int i = 0; i < kc->n; i++) {
		if (strcmp(kc->names[i], key[0].name) == 0)
			hash = i;
		else if (nkey == 2 && strcmp(kc->names[i], key[1].name) == 0)
			range = i;
		else {
			ddb_error(req, DDB_VALIDATION, "Query condition missed key schema element: %s",
			    hash < 0 ? key[0].name : key[nkey - 1].name);
			return -1;
		}
	}
	if (hash < 0) {
		ddb_error(req, DDB_VALIDATION, "Query condition missed key schema element: %s",
		    key[0].name);
		return -1;
	}
	if (kc->ops[hash] != DDB_OP_EQ || (range >= 0 && kc->ops[range] == DDB_OP_BEGINS &&
	    key[1].type == DDB_N)) {
		ddb_error(req, DDB_VALIDATION, "Query key condition not supported");
		return -1;
	}
	kc->hash = kc->vals[hash][0];
	if (kc->hash->type != key[0].type)
		goto mismatch;
	if (range >= 0) {
		kc->has_range = 1;
		kc->op = kc->ops[range];
		kc->v1 = kc->vals[range][0];
		kc->v2 = kc->vals[range][1];
		if (kc->v1->type != key[1].type || (kc->v2 && kc->v2->type != key[1].type))
			goto mismatch;
	}
	return 0;
mismatch:
	ddb_error(req, DDB_VALIDATION, "One or more parameter values were invalid: Condition "
	    "parameter type does not match schema type");
	return -1;
}

/* Tells whether a sort-key value meets the range condition. */
static int
range_ok(const struct keycond *kc, const struct ddb_av *r)
{
	int c = ddb_av_cmp(r, kc->v1);

	switch (kc->op) {
	case DDB_OP_EQ: return c == 0;
	case DDB_OP_LT: return c < 0;
	case DDB_OP_LE: return c <= 0;
	case DDB_OP_GT: return c > 0;
	case DDB_OP_GE: return c >= 0;
	case DDB_OP_BETWEEN: return c >= 0 && ddb_av_cmp(r, kc->v2) <= 0;
	case DDB_OP_BEGINS:
		return r->len >= kc->v1->len && memcmp(r->str, kc->v1->str, kc->v1->len) == 0;
	default: return 0;
	}
}

/* One page of results being written. */
struct page {
	struct lc_request *req;
	struct ddb_table *t;
	struct ddb_index *ix;
	struct ddb_exprs ex;
	struct fg_jw w;
	int64_t limit;
	int has_limit;
	int count_only;
	int consistent;
	size_t scanned, count, bytes;
	double units;
	struct ddb_sl_node *last;
};

/* Writes an item as the index projects it (or as ProjectionExpression asks). */
static void
write_item(struct page *p, const struct ddb_av *item)
{
	struct ddb_av out;

	if (p->ex.proj) {
		ddb_project(p->ex.proj, item, &out);
	} else if (p->ix && p->ix->proj != DDB_PROJ_ALL) {
		ddb_key_of(p->t, p->ix, item, &out);
		for (size_t i = 0; i < p->ix->ninclude; i++) {
			const struct ddb_av *v = ddb_map_get(item, p->ix->include[i]);

			if (v && !ddb_map_get(&out, p->ix->include[i]))
				ddb_av_copy(ddb_av_push(&out, p->ix->include[i]), v);
		}
	} else {
		ddb_item_write(&p->w, item);
		return;
	}
	ddb_item_write(&p->w, &out);
	ddb_av_free(&out);
}

/* Evaluates one item for the page; returns 1 when the page is full. */
static int
page_add(struct page *p, struct ddb_sl_node *n)
{
	size_t size = ddb_item_size(n->item);

	p->scanned++;
	p->bytes += size;
	p->units += ddb_units(n->item, 0, p->consistent);
	p->last = n;
	if (p->ex.filter == NULL || ddb_condition_true(p->ex.filter, n->item)) {
		p->count++;
		if (!p->count_only)
			write_item(p, n->item);
	}
	return (p->has_limit && p->scanned >= (size_t)p->limit) || p->bytes >= PAGE_BYTES;
}

/* Parses what Query and Scan share; -1 after replying. */
static int
page_begin(struct lc_request *req, struct page *p, unsigned exprs)
{
	const char *index = NULL, *select = NULL, *name = NULL;

	memset(p, 0, sizeof(*p));
	p->req = req;
	if (ddb_opt_str(req, req->json, "TableName", &name) < 0 ||
	    ddb_opt_str(req, req->json, "IndexName", &index) < 0 ||
	    ddb_opt_str(req, req->json, "Select", &select) < 0 ||
	    ddb_opt_int(req, req->json, "Limit", &p->limit, &p->has_limit) < 0 ||
	    ddb_opt_bool(req, req->json, "ConsistentRead", &p->consistent) < 0 ||
	    ddb_exprs_parse(req, req->json, exprs, &p->ex) < 0)
		return -1;
	if (p->has_limit && p->limit < 1) {
		ddb_error(req, DDB_VALIDATION, "1 validation error detected: Value '%lld' at 'limit' "
		    "failed to satisfy constraint: Member must have value greater than or equal to 1",
		    (long long)p->limit);
		return -1;
	}
	if (select && strcmp(select, "ALL_ATTRIBUTES") && strcmp(select, "ALL_PROJECTED_ATTRIBUTES") &&
	    strcmp(select, "SPECIFIC_ATTRIBUTES") && strcmp(select, "COUNT")) {
		ddb_error(req, DDB_VALIDATION, "1 validation error detected: Value '%s' at 'select' "
		    "failed to satisfy constraint: Member must satisfy enum value set: "
		    "[SPECIFIC_ATTRIBUTES, COUNT, ALL_ATTRIBUTES, ALL_PROJECTED_ATTRIBUTES]", select);
		return -1;
	}
	p->count_only = select && strcmp(select, "COUNT") == 0;
	if (p->ex.proj && select && strcmp(select, "SPECIFIC_ATTRIBUTES") != 0) {
		ddb_error(req, DDB_VALIDATION, "Cannot specify the AttributesToGet when choosing to get "
		    "only the Count");
		return -1;
	}
	if ((p->t = ddb_req_table(req, name)) == NULL)
		return -1;
	if (index != NULL) {
		for (size_t i = 0; i < p->t->nidx; i++)
			if (strcmp(p->t->idx[i].name, index) == 0)
				p->ix = &p->t->idx[i];
		if (p->ix == NULL) {
			ddb_error(req, DDB_VALIDATION, "The table does not have the specified index: %s",
			    index);
			return -1;
		}
		if (p->ix->global && p->consistent) {
			ddb_error(req, DDB_VALIDATION, "Consistent reads are not supported on global "
			    "secondary indexes");
			return -1;
		}
	}
	fg_jw_init(&p->w, 0);
	fg_jw_obj(&p->w);
	if (!p->count_only) {
		fg_jw_key(&p->w, "Items");
		fg_jw_arr(&p->w);
	}
	return 0;
}

/* The ExclusiveStartKey as a key vector of the list being read; 0 when absent, -1 after
 * replying. */
static int
start_key(struct page *p, struct ddb_av *esk, const struct ddb_av **k)
{
	fg_json j = fg_json_get(p->req->json, "ExclusiveStartKey");
	int rc;

	ddb_av_init(esk, DDB_M);
	if (j == NULL)
		return 0;
	if (ddb_req_item(p->req, j, "exclusiveStartKey", esk) < 0)
		return -1;
	rc = p->ix ? ddb_index_keyvec(p->t, p->ix, esk, k) : ddb_table_keyvec(p->t, esk, k);
	if (rc < 0) {
		ddb_error(p->req, DDB_VALIDATION, "The provided starting key is invalid: The provided "
		    "key element does not match the schema");
		return -1;
	}
	return 1;
}

/* Closes the page: counts, LastEvaluatedKey when it stopped early, and sends it. */
static void
page_end(struct page *p, int full)
{
	struct ddb_av lek;

	if (!p->count_only)
		fg_jw_end_arr(&p->w);
	fg_jw_kint(&p->w, "Count", (int64_t)p->count);
	fg_jw_kint(&p->w, "ScannedCount", (int64_t)p->scanned);
	if (full && p->last) {
		ddb_key_of(p->t, p->ix, p->last->item, &lek);
		fg_jw_key(&p->w, "LastEvaluatedKey");
		ddb_item_write(&p->w, &lek);
		ddb_av_free(&lek);
	}
	ddb_capacity(&p->w, p->req->json, p->t, p->units);
	fg_jw_end_obj(&p->w);
	lc_reply_json(p->req, &p->w);
}

/* Frees a page. */
static void
page_free(struct page *p)
{
	fg_jw_free(&p->w);
	ddb_exprs_free(&p->ex);
}

/* Query. */
void
ddb_query(struct lc_request *req, struct ddb_state *st)
{
	struct page p;
	struct keycond kc;
	struct ddb_av esk;
	const struct ddb_av *k[DDB_SL_MAXK], *probe[2];
	struct ddb_sl *sl;
	struct ddb_sl_node *n, **match = NULL;
	size_t nmatch = 0, cap = 0;
	int forward = 1, has_esk = 0, full = 0, scan_fwd;
	fg_json sif;

	(void)st;
	ddb_av_init(&esk, DDB_NULL);
	if (page_begin(req, &p, DDB_X_KEYCOND | DDB_X_FILTER | DDB_X_PROJ) < 0)
		goto out;
	if (p.ex.keycond == NULL) {
		ddb_error(req, DDB_VALIDATION, "Either the KeyConditions or KeyConditionExpression "
		    "parameter must be specified in the request.");
		goto out;
	}
	if (key_condition(req, p.ex.keycond, p.ix ? p.ix->key : p.t->key, p.ix ? p.ix->nkey :
	    p.t->nkey, &kc) < 0 || (has_esk = start_key(&p, &esk, k)) < 0)
		goto out;
	if ((sif = fg_json_get(req->json, "ScanIndexForward")) != NULL &&
	    fg_json_bool(sif, &scan_fwd) == 0)
		forward = scan_fwd;
	sl = p.ix ? p.ix->sl : p.t->items;
	probe[0] = kc.hash;
	probe[1] = kc.v1;
	/* Start at the partition, or at the lower bound of the sort key when there is one. */
	if (kc.has_range && (kc.op == DDB_OP_EQ || kc.op == DDB_OP_GE || kc.op == DDB_OP_GT ||
	    kc.op == DDB_OP_BETWEEN || kc.op == DDB_OP_BEGINS))
		n = ddb_sl_seek(sl, probe, 2, kc.op == DDB_OP_GT);
	else
		n = ddb_sl_seek(sl, probe, 1, 0);
	for (; n && ddb_av_equal(n->k[0], kc.hash); n = n->next[0]) {
		if (kc.has_range && !range_ok(&kc, n->k[1])) {
			if (kc.op == DDB_OP_GT || kc.op == DDB_OP_GE)
				continue;
			break;
		}
		if (nmatch == cap) {
			cap = cap ? cap * 2 : 64;
			match = fg_realloc(match, cap * sizeof(*match));
		}
		match[nmatch++] = n;
	}
	for (size_t i = 0; i < nmatch; i++) {
		struct ddb_sl_node *m = match[forward ? i : nmatch - 1 - i];

		if (has_esk) {
			int c = 0;

			for (size_t j = 0; j < sl->nk && c == 0; j++)
				c = ddb_av_cmp(m->k[j], k[j]);
			if (forward ? c <= 0 : c >= 0)
				continue;
		}
		if (page_add(&p, m)) {
			full = 1;
			break;
		}
	}
	page_end(&p, full);
out:
	free(match);
	ddb_av_free(&esk);
	page_free(&p);
}

/* The scan segment of a hash key value (FNV-1a of its bytes). */
static int64_t
segment_of(const struct ddb_av *v, int64_t total)
{
	uint32_t h = 2166136261u;

	for (size_t i = 0; i < v->len; i++)
		h = (h ^ (unsigned char)v->str[i]) * 16777619u;
	return (int64_t)(h % (uint32_t)total);
}

/* Scan. */
void
ddb_scan(struct lc_request *req, struct ddb_state *st)
{
	struct page p;
	struct ddb_av esk;
	const struct ddb_av *k[DDB_SL_MAXK];
	struct ddb_sl *sl;
	struct ddb_sl_node *n;
	int64_t seg = 0, total = 1;
	int has_seg, has_total, has_esk, full = 0;

	(void)st;
	ddb_av_init(&esk, DDB_NULL);
	if (page_begin(req, &p, DDB_X_FILTER | DDB_X_PROJ) < 0 ||
	    ddb_opt_int(req, req->json, "Segment", &seg, &has_seg) < 0 ||
	    ddb_opt_int(req, req->json, "TotalSegments", &total, &has_total) < 0)
		goto out;
	if (has_seg != has_total || total < 1 || total > 1000000 || seg < 0 || seg >= total) {
		ddb_error(req, DDB_VALIDATION, "The Segment parameter is required but was not present "
		    "in the request when parameter TotalSegments is present, and Segment must be less "
		    "than TotalSegments");
		goto out;
	}
	if ((has_esk = start_key(&p, &esk, k)) < 0)
		goto out;
	sl = p.ix ? p.ix->sl : p.t->items;
	n = has_esk ? ddb_sl_seek(sl, k, sl->nk, 1) : ddb_sl_first(sl);
	for (; n; n = n->next[0]) {
		if (has_total && segment_of(n->k[0], total) != seg)
			continue;
		if (page_add(&p, n)) {
			full = n->next[0] != NULL || p.has_limit;
			break;
		}
	}
	page_end(&p, full);
out:
	ddb_av_free(&esk);
	page_free(&p);
}
