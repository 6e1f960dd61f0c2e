/* store.h: the Conductor's persistent store on DynamoDB: AttributeValue helpers, asynchronous
 * get, conditional put/update/delete with optimistic versions, paginated query and scan, and
 * the typed records of the processes, history, requests and users tables.
 *
 * Tables (doc/protocol.md). Every name gets the configured prefix in front ("test1-" makes
 * "test1-fugue-processes"). boot.c creates every table with a string partition key and a string
 * sort key, on-demand billing; the key attributes are "pk" and "sk" except in the resources
 * table (engine.h): "fid" and "lid". Every helper below names the table's own key attributes.
 *
 *   table            partition key       sort key                        record
 *   fugue-processes  "process"           FID                             struct proc_rec
 *   fugue-resources  FID                 logical id                      cond-engine's records
 *   fugue-history    FID                 RFC 3339 time "#" 8 hex digits  struct hist_rec
 *   fugue-requests   request id          "reply"                         struct req_rec
 *   fugue-users      "user"              user name                       struct user_rec
 *   fugue-lease      "conductor"         "lease"                         lease.c's item
 *
 * All processes live in one partition so that one paginated Query lists them. One Conductor
 * writes them and keeps them all in memory, where aliases are kept unique.
 *
 * Versions: a versioned record carries the number attribute "ver" (1 on creation, +1 on each
 * write). store_put and store_update with expect >= 0 write only when the stored item is absent
 * or has ver == expect ("attribute_not_exists(<partition key>) OR ver = :ver"; versions start at 1,
 * so expect 0 means "create, fail if it exists"), and set ver = expect + 1. A lost race ends with
 * STORE_CONFLICT: re-read and retry. expect < 0 writes unconditionally and leaves ver alone.
 *
 * Adding a table's records (cond-engine's resources: store_resources.c): write the item with
 * store_item_begin, the av_* writers for its attributes and store_put; read items back with the
 * av_get_* readers; list a process's resources with store_query (pk = the FID); add its prototypes
 * under a "store_resources.c" banner in conductor.h. Nothing here needs to change.
 *
 * Every operation is asynchronous on the loop; its callback runs exactly once, never from
 * inside the call that started it. Replies are valid only during the callback.
 */
#ifndef FUGUE_CONDUCTOR_STORE_H
#define FUGUE_CONDUCTOR_STORE_H

#include <stddef.h>
#include <stdint.h>

#include "aws.h"
#include "json.h"

enum store_table {
	STORE_PROCESSES,
	STORE_RESOURCES,
	STORE_HISTORY,
	STORE_REQUESTS,
	STORE_USERS,
	STORE_LEASE,
	STORE_NTABLES
};

enum store_status {
	STORE_OK = 0,
	STORE_NOT_FOUND, /* get: no such item */
	STORE_CONFLICT,  /* the condition failed: the version moved on, or the item exists */
	STORE_ERROR,     /* DynamoDB or the transport failed; message says how */
};

struct store_reply {
	enum store_status status;
	int retryable;          /* STORE_ERROR: throttling or a transient failure */
	const char *message;    /* NULL on STORE_OK */
	fg_json item;           /* get: the item (an object of AttributeValues), else NULL */
	const fg_json *items;   /* query and scan: the items, in order */
	size_t nitems;
	int64_t ver;            /* put and update with a version: the version written */
};
typedef void (*store_cb)(const struct store_reply *, void *arg);

struct store;

/* store.c */
/* The store uses aws but does not own it. prefix may be "" (not NULL); region NULL means the
 * environment's. */
struct store *store_new(struct fg_aws *aws, const char *prefix, const char *region);
/* Cancels pending operations without calling their callbacks. */
void store_free(struct store *);
/* The full name of a table ("test1-fugue-history"). */
const char *store_table_name(const struct store *, enum store_table);
/* The suffix of a table ("fugue-history"). */
const char *store_table_base(enum store_table);
/* The partition and sort key attribute names of a table ("pk" and "sk", "fid" and "lid"). */
void store_table_keys(enum store_table, const char **hash, const char **range);
/* Operations in flight. */
size_t store_pending(const struct store *);

/* AttributeValue writers: "key": {"S": "val"} etc., inside an object being written. */
void av_s(struct fg_jw *, const char *key, const char *val); /* NULL val writes nothing */
void av_n(struct fg_jw *, const char *key, int64_t);
void av_bool(struct fg_jw *, const char *key, int);
void av_map_begin(struct fg_jw *, const char *key); /* "key": {"M": { ... */
void av_map_end(struct fg_jw *);
/* "key": {"S": "<v as compact JSON text>"}: a JSON document kept as one string attribute. */
void av_json(struct fg_jw *, const char *key, fg_json v);

/* AttributeValue readers of an item (or of the value of av_get_map). */
const char *av_get_s(fg_json item, const char *key);           /* NULL when absent or not S */
int av_get_n(fg_json item, const char *key, int64_t *out);     /* 0, or -1 when absent/not N */
int av_get_bool(fg_json item, const char *key, int *out);      /* 0, or -1 */
fg_json av_get_map(fg_json item, const char *key);             /* the inner object, or NULL */

/* Writing: w is initialised by store_item_begin, which opens {"Item": { ; the caller adds the
 * attributes (including both key attributes) with the av_* writers; store_put closes the item, adds
 * the table and the condition, sends, and frees the writer's contents. */
void store_item_begin(struct fg_jw *w);
void store_put(struct store *, enum store_table, struct fg_jw *w, int64_t expect, store_cb,
    void *arg);
/* Reads one item; STORE_NOT_FOUND when absent. Strongly consistent. */
void store_get(struct store *, enum store_table, const char *pk, const char *sk, store_cb,
    void *arg);
/* Deletes one item, conditionally on its version when expect >= 0 (an absent item is then
 * not a conflict). */
void store_delete(struct store *, enum store_table, const char *pk, const char *sk,
    int64_t expect, store_cb, void *arg);
/* Updates an item with "SET ..." expression text (its values named :a, :b ... are written by
 * the caller into w, begun with store_values_begin); the version clause is added when
 * expect >= 0. The item must exist or it is STORE_CONFLICT. The writer's contents are freed. */
void store_values_begin(struct fg_jw *w);
void store_update(struct store *, enum store_table, const char *pk, const char *sk,
    const char *set_expr, struct fg_jw *w, int64_t expect, store_cb, void *arg);

/* Query of one partition (or, with scan, the whole table), every page until limit items. */
struct store_query {
	const char *pk;     /* the partition; ignored by a scan */
	const char *sk_min; /* sk >= sk_min, when not NULL */
	const char *sk_max; /* sk <= sk_max, when not NULL */
	size_t limit;       /* 0: every item */
	int backward;       /* descending sort key (query only) */
	int scan;           /* scan the table, sk range as a filter */
};
void store_query(struct store *, enum store_table, const struct store_query *, store_cb,
    void *arg);

/* store_rec.c: the typed records. Strings are owned by the record. */
enum proc_state { PROC_RUNNING, PROC_SUSPENDED, PROC_KILLING };
const char *proc_state_name(enum proc_state);   /* "Running", "Suspended", "Killing" */
int proc_state_parse(const char *, enum proc_state *);

struct proc_props {
	char *alias;            /* NULL: none */
	int enforcement;        /* 1: on */
	int64_t interval_s;     /* enforcement-interval */
	int lock;               /* 1: on */
};

struct proc_rec {
	char *fid;              /* UUIDv4 */
	char *account;
	char *region;
	enum proc_state state;
	char *composition;      /* sha256 hex of the compiled composition */
	struct proc_props props;
	int64_t created_ms;
	int64_t updated_ms;
	char *last_message;     /* "" when none */
	char *owner;            /* the user who ran it (NULL in items written before owners) */
	int64_t ver;
};
void proc_rec_free(struct proc_rec *);
void proc_rec_copy(struct proc_rec *dst, const struct proc_rec *src);
/* Writes a whole process item (pk, sk and every attribute but ver) for store_put. */
void proc_rec_write(struct fg_jw *, const struct proc_rec *);
/* Reads a process item; -1 with *err (caller frees) naming the bad attribute. */
int proc_rec_read(fg_json item, struct proc_rec *, char **err);

/* One history record: a job or a transition. */
struct hist_rec {
	char *fid;
	char *sk;               /* "<RFC 3339 time>#<8 hex>", made by hist_rec_key */
	int64_t time_ms;
	char *kind;             /* "job" or "transition" */
	char *what; /* job: "run", "update", "enforce", "kill"...; transition: command */
	char *from;             /* transition: the old state ("" for none) */
	char *to;               /* transition: the new state ("" when gone) */
	char *user;             /* who asked ("" for the Conductor itself) */
	char *request;          /* the request id, "" for none */
	char *result;           /* "started", "ok", "failed" */
	char *message;          /* "" when none */
	char *composition;      /* the hash the job worked on, "" for none */
	fg_json detail;         /* job: counts or plan, as the engine reports them; may be NULL */
};
void hist_rec_free(struct hist_rec *);
/* Sets time_ms (now) and sk. */
void hist_rec_key(struct hist_rec *);
void hist_rec_write(struct fg_jw *, const struct hist_rec *);
int hist_rec_read(fg_json item, struct hist_rec *, char **err);

/* A request id seen, with the first reply. */
struct req_rec {
	char *id;
	char *user;
	char *command;
	int64_t time_ms;        /* when it was handled */
	char *reply;            /* the reply's JSON text */
};
void req_rec_free(struct req_rec *);
void req_rec_write(struct fg_jw *, const struct req_rec *);
int req_rec_read(fg_json item, struct req_rec *, char **err);

/* A Fugue user: where its secret is. */
struct user_rec {
	char *name;
	char *secret_key;       /* S3 key in the Conductor's bucket: "users/<name>.secret" */
	int64_t created_ms;
	int64_t ver;
};
void user_rec_free(struct user_rec *);
void user_rec_write(struct fg_jw *, const struct user_rec *);
int user_rec_read(fg_json item, struct user_rec *, char **err);

/* rfc3339.c */
/* Writes "2026-11-27T05:40:00.123Z" (always milliseconds, UTC). */
void rfc3339_format(int64_t ms, char out[32]);
/* Parses RFC 3339 with optional fraction and a Z or ±hh:mm offset; -1 when malformed. */
int rfc3339_parse(const char *, int64_t *ms);

#endif
