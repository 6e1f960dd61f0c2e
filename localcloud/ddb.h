/* ddb.h: the private header of localcloud's DynamoDB: attribute values, exact decimal numbers,
 * the expression language, tables with ordered items, and the service's actions. */
#ifndef FUGUE_LC_DDB_H
#define FUGUE_LC_DDB_H

#include <stddef.h>
#include <stdint.h>

#include "base.h"
#include "json.h"

#define DDB_MAX_ITEM_SIZE 409600   /* 400 KB, counted as DynamoDB counts (ddb_item_size) */
#define DDB_MAX_EXPR_LEN 4096      /* bytes of one expression string */
#define DDB_MAX_EXPR_DEPTH 100     /* nesting of parentheses, NOT and function calls */
#define DDB_NUM_MAX_DIGITS 38
#define DDB_NUM_MAX_EXP 125        /* largest decimal exponent of the first digit */
#define DDB_NUM_MIN_EXP (-130)

/* ddb_av.c: attribute values. */
enum ddb_type {
	DDB_S, DDB_N, DDB_B, DDB_BOOL, DDB_NULL, DDB_M, DDB_L, DDB_SS, DDB_NS, DDB_BS,
	DDB_GAP, /* internal: a hole in a list being built, removed by ddb_av_squash */
};
struct ddb_av {
	enum ddb_type type;
	int boolean;          /* BOOL */
	char *str;            /* S (UTF-8), N (canonical decimal), B (raw bytes); NUL-terminated */
	size_t len;
	struct ddb_av *v;     /* M values, L items, set members (S, N or B values) */
	char **names;         /* M: names[i] names v[i] */
	size_t n;
	size_t cap;
};
const char *ddb_type_name(enum ddb_type);
int ddb_type_from_name(const char *); /* -1 when unknown */
/* Reads a wire AttributeValue ({"S": "x"}, ...), validating it as DynamoDB does. On error
 * returns -1, *err the message and *serial 1 when the JSON shape is wrong (SerializationException)
 * rather than the value (ValidationException). */
int ddb_av_from_json(fg_json, struct ddb_av *, int *serial, char **err);
/* Reads a map of attribute name to AttributeValue (an item or a key) into an M value. */
int ddb_item_from_json(fg_json, struct ddb_av *, int *serial, char **err);
void ddb_av_write(struct fg_jw *, const struct ddb_av *);
void ddb_item_write(struct fg_jw *, const struct ddb_av *); /* an M as {"name": AV, ...} */
void ddb_av_init(struct ddb_av *, enum ddb_type);
void ddb_av_set_str(struct ddb_av *, enum ddb_type, const char *, size_t);
void ddb_av_free(struct ddb_av *);
void ddb_av_copy(struct ddb_av *dst, const struct ddb_av *src);
void ddb_av_move(struct ddb_av *dst, struct ddb_av *src); /* src becomes NULL-typed, empty */
/* Appends a copy (or, with _move, the value itself) to an L, a set, or (named) an M. */
struct ddb_av *ddb_av_push(struct ddb_av *, const char *name);
int ddb_av_equal(const struct ddb_av *, const struct ddb_av *);
/* Orders two scalars (S, N or B) of the same type: bytes for S and B, value for N. */
int ddb_av_cmp(const struct ddb_av *, const struct ddb_av *);
int ddb_av_is_set(enum ddb_type);
int ddb_set_has(const struct ddb_av *set, const struct ddb_av *member);
struct ddb_av *ddb_map_get(const struct ddb_av *, const char *name);
/* Sets name to v (moved in), replacing an old value. */
void ddb_map_put(struct ddb_av *, const char *name, struct ddb_av *v);
int ddb_map_del(struct ddb_av *, const char *name);
void ddb_av_remove_at(struct ddb_av *, size_t i);
/* Drops DDB_GAP entries from lists, recursively. */
void ddb_av_squash(struct ddb_av *);
/* Sizes as DynamoDB counts them for the 400 KB limit. */
size_t ddb_av_size(const struct ddb_av *);
size_t ddb_item_size(const struct ddb_av *);

/* ddb_num.c: DynamoDB numbers, exact: up to 38 significant digits, 1E-130 to 9.99...E+125. */
struct ddb_num {
	int neg;
	int exp;              /* decimal exponent of the first digit (value = d.ddd x 10^exp) */
	int nd;               /* significant digits; 0 for zero */
	char d[DDB_NUM_MAX_DIGITS + 1];
};
/* Parses text as DynamoDB does; -1 and *err with DynamoDB's message. */
int ddb_num_parse(const char *, size_t, struct ddb_num *, char **err);
/* The canonical decimal text (no exponent, no trailing zeros); caller frees. */
char *ddb_num_format(const struct ddb_num *);
/* Canonicalises text in place of an N value: 0, or -1 with *err. */
int ddb_num_canon(const char *, size_t, char **out, char **err);
int ddb_num_cmp(const char *a, const char *b); /* on canonical texts */
/* a + b or a - b on canonical texts into *out; -1 with *err on overflow or lost digits. */
int ddb_num_add(const char *a, const char *b, int subtract, char **out, char **err);
size_t ddb_num_size(const char *);

/* ddb_reserved.c */
int ddb_reserved(const char *word, size_t len);

/* ddb_expr.c: parsing expressions. */
struct ddb_path_elem {
	char *name;           /* NULL for a list index */
	long index;
};
struct ddb_path {
	struct ddb_path_elem *e;
	size_t n;
};
enum ddb_op {
	/* conditions */
	DDB_OP_EQ, DDB_OP_NE, DDB_OP_LT, DDB_OP_LE, DDB_OP_GT, DDB_OP_GE,
	DDB_OP_BETWEEN, DDB_OP_IN, DDB_OP_AND, DDB_OP_OR, DDB_OP_NOT,
	DDB_OP_EXISTS, DDB_OP_NOT_EXISTS, DDB_OP_TYPE, DDB_OP_BEGINS, DDB_OP_CONTAINS,
	/* operands */
	DDB_OP_PATH, DDB_OP_VALUE, DDB_OP_SIZE,
	DDB_OP_PLUS, DDB_OP_MINUS, DDB_OP_IF_NOT_EXISTS, DDB_OP_LIST_APPEND,
	DDB_OP_CALL,                   /* parse time only: a function not yet checked */
};
struct ddb_node {
	enum ddb_op op;
	struct ddb_path path;          /* DDB_OP_PATH */
	const struct ddb_av *value;    /* DDB_OP_VALUE: owned by the context */
	char *name;                    /* parse time: the ":value" or the function name */
	struct ddb_node **args;
	size_t nargs;
	int parens;                    /* parse time: written in parentheses */
};
enum ddb_action_kind { DDB_SET, DDB_REMOVE, DDB_ADD, DDB_DELETE };
struct ddb_action {
	enum ddb_action_kind kind;
	struct ddb_path path;
	struct ddb_node *value;        /* NULL for REMOVE */
};
struct ddb_update {
	struct ddb_action *a;
	size_t n;
	const char *dup_section;       /* parse time: a section keyword used twice */
};
struct ddb_proj {
	struct ddb_path *p;
	size_t n;
};
/* The ExpressionAttributeNames and ExpressionAttributeValues of one request. */
struct ddb_ctx;
/* Either may be NULL (absent). -1 and *err (DynamoDB's message) on bad keys or values. */
struct ddb_ctx *ddb_ctx_new(fg_json names, fg_json values, int *serial, char **err);
void ddb_ctx_free(struct ddb_ctx *);
/* After every expression of the request was parsed: unused names or values are an error. */
int ddb_ctx_check_unused(struct ddb_ctx *, char **err);
/* what names the parameter for messages: "ConditionExpression", "FilterExpression", ... */
struct ddb_node *ddb_parse_condition(struct ddb_ctx *, const char *what, const char *, char **err);
struct ddb_update *ddb_parse_update(struct ddb_ctx *, const char *, char **err);
struct ddb_proj *ddb_parse_projection(struct ddb_ctx *, const char *, char **err);
void ddb_node_free(struct ddb_node *);
void ddb_update_free(struct ddb_update *);
void ddb_proj_free(struct ddb_proj *);
void ddb_path_free(struct ddb_path *);
/* "[a, b, [2]]" as DynamoDB prints paths in messages. */
char *ddb_path_str(const struct ddb_path *);

/* ddb_check.c: resolving #names and :values of parsed expressions and checking them. */
int ddb_check_condition(struct ddb_ctx *, const char *what, struct ddb_node *, char **err);
int ddb_check_update(struct ddb_ctx *, struct ddb_update *, char **err);
int ddb_check_projection(struct ddb_ctx *, struct ddb_proj *, char **err);

/* ddb_eval.c: evaluating expressions against an item (an M value, or NULL for no item). */
const struct ddb_av *ddb_path_get(const struct ddb_av *item, const struct ddb_path *);
int ddb_condition_true(const struct ddb_node *, const struct ddb_av *item);
/* Applies the update to item (in place, all or nothing): -1 and *err on a runtime error. */
int ddb_update_apply(const struct ddb_update *, struct ddb_av *item, char **err);
/* Copies the projected paths of item into out (an M). */
void ddb_project(const struct ddb_proj *, const struct ddb_av *item, struct ddb_av *out);
/* Copies the paths an update touches (ReturnValues UPDATED_OLD/UPDATED_NEW) into out. */
void ddb_project_update(const struct ddb_update *, const struct ddb_av *item, struct ddb_av *out);

/* ddb_sl.c: ordered items (a skip list with back links). */
#define DDB_SL_MAXK 4
struct ddb_sl_node {
	struct ddb_av *item;
	const struct ddb_av *k[DDB_SL_MAXK]; /* the key values, pointing into item */
	struct ddb_sl_node *prev;
	int level;
	struct ddb_sl_node *next[];
};
struct ddb_sl {
	struct ddb_sl_node *head;
	int level;
	size_t n;
	size_t nk;
	uint32_t rng;
};
struct ddb_sl *ddb_sl_new(size_t nk);
void ddb_sl_free(struct ddb_sl *, int owner);
struct ddb_sl_node *ddb_sl_find(struct ddb_sl *, const struct ddb_av *const *k);
struct ddb_sl_node *ddb_sl_seek(struct ddb_sl *, const struct ddb_av *const *probe, size_t np,
    int after);
struct ddb_sl_node *ddb_sl_first(struct ddb_sl *);
struct ddb_sl_node *ddb_sl_insert(struct ddb_sl *, struct ddb_av *item,
    const struct ddb_av *const *k);
struct ddb_av *ddb_sl_remove(struct ddb_sl *, const struct ddb_av *const *k);

/* ddb_table.c: tables, their secondary indexes and items. */
#define DDB_STATUS_DELAY_MS 300   /* CREATING (and index CREATING) before ACTIVE */
struct ddb_keydef {
	char *name;
	enum ddb_type type;           /* S, N or B */
};
enum ddb_projection { DDB_PROJ_ALL, DDB_PROJ_KEYS_ONLY, DDB_PROJ_INCLUDE };
struct ddb_index {
	char *name;
	int global;
	struct ddb_keydef key[2];
	int nkey;
	enum ddb_projection proj;
	char **include;
	size_t ninclude;
	int64_t rcu, wcu;
	int64_t created_ms;
	struct ddb_sl *sl;            /* (index keys, table keys) -> the table's items */
};
struct ddb_table {
	char *name;
	char *arn;
	char id[37];
	int64_t created_ms;
	struct ddb_keydef key[2];     /* HASH, then RANGE when nkey == 2 */
	int nkey;
	struct ddb_keydef *attrs;     /* AttributeDefinitions */
	size_t nattrs;
	int on_demand;                /* BillingMode PAY_PER_REQUEST */
	int64_t rcu, wcu;
	struct ddb_index *idx;
	size_t nidx;
	char **tag_keys, **tag_vals;
	size_t ntags;
	struct ddb_sl *items;         /* owns the items */
	size_t bytes;
};
struct ddb_state {
	struct ddb_table **t;
	size_t n;
};
/* Builds a table from a CreateTable request (also the saved form). -1 and *err (a
 * ValidationException message) when invalid. */
struct ddb_table *ddb_table_new(fg_json req, const char *arn_prefix, char **err);
void ddb_table_free(struct ddb_table *);
struct ddb_table *ddb_table_find(struct ddb_state *, const char *name);
int ddb_table_active(const struct ddb_table *);
/* TableDescription. */
void ddb_table_describe(struct fg_jw *, const struct ddb_table *, const char *status);
/* Members shared by TableDescription and the saved CreateTable form: KeySchema,
 * AttributeDefinitions, an index's Projection, and the Local- then GlobalSecondaryIndexes lists
 * (each only when not empty), every index written by one. */
void ddb_write_key_schema(struct fg_jw *, const struct ddb_keydef *, int nkey);
void ddb_write_attr_defs(struct fg_jw *, const struct ddb_table *);
void ddb_write_projection(struct fg_jw *, const struct ddb_index *);
void ddb_write_indexes(struct fg_jw *, const struct ddb_table *,
    void (*one)(struct fg_jw *, const struct ddb_table *, const struct ddb_index *));
/* The key vector of item in the table; -1 when an attribute is missing or mistyped. */
int ddb_table_keyvec(const struct ddb_table *, const struct ddb_av *item, const struct ddb_av **k);
int ddb_index_keyvec(const struct ddb_table *, const struct ddb_index *, const struct ddb_av *item,
    const struct ddb_av **k);
/* Validates a Key parameter / the keys of an item to put (DynamoDB's messages). */
int ddb_check_key(const struct ddb_table *, const struct ddb_av *key, char **err);
int ddb_check_item(const struct ddb_table *, const struct ddb_av *item, char **err);
struct ddb_av *ddb_table_get(struct ddb_table *, const struct ddb_av *key);
/* Stores item (heap, moved in), replacing an item with its key; returns the old one or NULL. */
struct ddb_av *ddb_table_put(struct ddb_table *, struct ddb_av *item);
/* Removes and returns the item with key, or NULL. */
struct ddb_av *ddb_table_delete(struct ddb_table *, const struct ddb_av *key);
/* Reads one secondary index definition (CreateTable, UpdateTable); frees with ddb_index_free. */
int ddb_index_parse(struct ddb_table *, fg_json, int global, struct ddb_index *, char **err);
void ddb_index_free(struct ddb_index *);
/* Fills a new secondary index from the items. */
void ddb_index_fill(struct ddb_table *, struct ddb_index *);
/* The key attributes of the table (and, with idx, the index) copied from item into out. */
void ddb_key_of(const struct ddb_table *, const struct ddb_index *, const struct ddb_av *item,
    struct ddb_av *out);

/* ddb_store.c: the state saved to and loaded from DIR/dynamodb.json. */
void ddb_state_save(void *state, struct fg_jw *);
int ddb_state_load(void *state, fg_json, char **err);

/* ddb_svc.c: the service: dispatch and the helpers every action uses. */
struct lc_request;
#define DDB_VALIDATION "com.amazon.coral.validate#ValidationException"
#define DDB_SERIALIZATION "com.amazon.coral.service#SerializationException"
#define DDB_NOT_FOUND "ResourceNotFoundException"
#define DDB_CONDITION "ConditionalCheckFailedException"
void ddb_error(struct lc_request *, const char *code, const char *fmt, ...) FG_PRINTF(3, 4);
/* The table called name; replies ResourceNotFoundException (NULL) when there is none yet. */
struct ddb_table *ddb_req_table(struct lc_request *, const char *name);
/* Reads an item or key map; replies SerializationException or ValidationException on error. */
int ddb_req_item(struct lc_request *, fg_json, const char *what, struct ddb_av *out);
/* Optional members of the right JSON type; -1 after replying SerializationException. */
int ddb_opt_str(struct lc_request *, fg_json obj, const char *key, const char **out);
int ddb_opt_int(struct lc_request *, fg_json obj, const char *key, int64_t *out, int *present);
int ddb_opt_bool(struct lc_request *, fg_json obj, const char *key, int *out);
/* The expressions of one request (or one transaction item). */
#define DDB_X_COND 1u
#define DDB_X_UPDATE 2u
#define DDB_X_FILTER 4u
#define DDB_X_KEYCOND 8u
#define DDB_X_PROJ 16u
struct ddb_exprs {
	struct ddb_ctx *ctx;
	struct ddb_node *cond, *filter, *keycond;
	struct ddb_update *update;
	struct ddb_proj *proj;
};
/* Parses the allowed expressions of j; -1 after replying ValidationException. */
int ddb_exprs_parse(struct lc_request *, fg_json j, unsigned allowed, struct ddb_exprs *);
void ddb_exprs_free(struct ddb_exprs *);
/* Adds "ConsumedCapacity" when the request asked for it. */
void ddb_capacity(struct fg_jw *, fg_json j, const struct ddb_table *, double units);
/* Capacity units of an item: writes per KB, reads per 4 KB (halved when eventually consistent). */
double ddb_units(const struct ddb_av *item, int write, int consistent);

/* ddb_items.c: single-item writes (also the steps of batches and transactions). */
enum ddb_write_kind { DDB_W_PUT, DDB_W_UPDATE, DDB_W_DELETE, DDB_W_CHECK };
struct ddb_write {
	enum ddb_write_kind kind;
	struct ddb_table *t;
	struct ddb_av key;            /* the item's key (an M) */
	struct ddb_av *item;          /* PUT: the item; after eval of UPDATE: the new item */
	struct ddb_exprs ex;
};
/* Parses one write (j holds Item or Key, and TableName unless table is given); -1 after
 * replying an error. */
int ddb_write_parse(struct lc_request *, fg_json j, const char *table, enum ddb_write_kind,
    unsigned allowed, struct ddb_write *);
/* Checks the condition and computes the new item: 0, 1 when the condition failed, -1 and
 * *err (a ValidationException message) on an error. */
int ddb_write_eval(struct ddb_write *, char **err);
/* Applies an evaluated write; returns the replaced or deleted item (caller frees) or NULL. */
struct ddb_av *ddb_write_commit(struct ddb_write *);
void ddb_write_free(struct ddb_write *);
void ddb_put_item(struct lc_request *, struct ddb_state *);
void ddb_get_item(struct lc_request *, struct ddb_state *);
void ddb_update_item(struct lc_request *, struct ddb_state *);
void ddb_delete_item(struct lc_request *, struct ddb_state *);

/* ddb_query.c */
void ddb_query(struct lc_request *, struct ddb_state *);
void ddb_scan(struct lc_request *, struct ddb_state *);

/* ddb_batch.c */
void ddb_batch_get(struct lc_request *, struct ddb_state *);
void ddb_batch_write(struct lc_request *, struct ddb_state *);
void ddb_transact_write(struct lc_request *, struct ddb_state *);
void ddb_transact_get(struct lc_request *, struct ddb_state *);

#endif
