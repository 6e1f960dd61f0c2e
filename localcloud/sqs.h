/* sqs.h: the SQS service of localcloud (query and JSON protocols): request shapes, the reply
 * writer for both protocols, queues, messages and long polling. */
#ifndef FUGUE_LC_SQS_H
#define FUGUE_LC_SQS_H

#include <stddef.h>
#include <stdint.h>

#include "lc.h"

#define SQS_MAX_BATCH 10
#define SQS_MAX_WAIT_S 20
#define SQS_MAX_MESSAGE_BYTES 1048576 /* 1 MiB since August 2025 (was 256 KiB) */
#define SQS_MAX_ATTRIBUTES 10
#define SQS_MAX_LIST 1000

/* sqs_shape.c: request shapes, reading either protocol into one JSON object. */
enum sqs_type { SQS_T_STR, SQS_T_INT, SQS_T_BOOL, SQS_T_BLOB, SQS_T_LIST, SQS_T_MAP, SQS_T_STRUCT };
struct sqs_shape;
struct sqs_member {
	const char *name;              /* JSON member name */
	const char *qname;             /* query name when it differs ("Attribute"), else NULL */
	const struct sqs_shape *shape;
};
struct sqs_shape {
	enum sqs_type type;
	const struct sqs_member *members; /* structure, NULL-name terminated */
	const struct sqs_shape *item;     /* list item, map value */
	const char *kname, *vname;        /* map entry suffixes in the query protocol */
};
/* The input shape of an action, or NULL for an action SQS does not have. */
const struct sqs_shape *sqs_action_shape(const char *action);
/* Query protocol: the flattened parameters as a JSON object of the shape (caller frees). */
fg_json sqs_query_to_json(const struct lc_params *, const struct sqs_shape *, char **err);
/* JSON protocol: checks the members the shape knows have the right types. */
int sqs_json_check(fg_json, const struct sqs_shape *, char **err);

/* sqs_attr.c: message attributes: validation and their MD5 digest. */
/* Checks a MessageAttributes (or MessageSystemAttributes when sys) object; -1 and *err. */
int sqs_attrs_check(fg_json attrs, int sys, size_t *bytes, char **err);
/* The MD5 (hex) of a set of attributes, AWS's algorithm: for each attribute sorted by name,
 * 4-byte big-endian length + name, length + data type, one transport byte (1 string/number,
 * 2 binary), length + value. A NULL or empty set gives "". */
void sqs_attrs_md5(fg_json attrs, char out[33]);
/* Says whether name is selected by a MessageAttributeNames list (All, .*, prefix.*, name). */
int sqs_attr_selected(fg_json names, const char *name);
/* Says whether text holds only characters SQS allows (XML 1.0 characters, valid UTF-8). */
int sqs_text_ok(const char *, size_t);

/* sqs_out.c: one reply writer for both protocols: XML (query) and JSON. */
struct sqs_out {
	struct lc_request *req;
	int json;
	int with_result;
	struct fg_jw jw;
	struct fg_buf *xml;
	struct sqs_out_ctx {
		int kind;           /* 0 struct, 1 list, 2 map */
		const char *item;   /* list: XML item element; map: XML entry element */
		const char *kname, *vname;
	} st[8];
	int depth;
};
void sqs_out_begin(struct sqs_out *, struct lc_request *, int with_result);
void sqs_out_end(struct sqs_out *); /* completes the reply */
void sqs_out_str(struct sqs_out *, const char *name, const char *value);
void sqs_out_int(struct sqs_out *, const char *name, int64_t);
void sqs_out_bool(struct sqs_out *, const char *name, int);
/* Lists: JSON array member json_name; in XML, flattened items named xml_item. */
void sqs_out_list(struct sqs_out *, const char *json_name, const char *xml_item);
void sqs_out_item_str(struct sqs_out *, const char *value);
void sqs_out_item_obj(struct sqs_out *);
/* Maps: JSON object member json_name; in XML, flattened <entry><k>key</k><v>value</v></entry>. */
void sqs_out_map(struct sqs_out *, const char *json_name, const char *xml_entry,
    const char *kname, const char *vname);
void sqs_out_entry_str(struct sqs_out *, const char *key, const char *value);
void sqs_out_entry_obj(struct sqs_out *, const char *key);
void sqs_out_close(struct sqs_out *); /* ends the innermost list, map, item or entry object */

/* sqs_err.c: SQS errors in both protocols. */
enum sqs_error {
	SQS_E_NO_QUEUE, SQS_E_QUEUE_EXISTS, SQS_E_ATTR_NAME, SQS_E_ATTR_VALUE, SQS_E_PARAM,
	SQS_E_MISSING, SQS_E_RECEIPT, SQS_E_NOT_INFLIGHT, SQS_E_EMPTY_BATCH, SQS_E_BATCH_MANY,
	SQS_E_BATCH_IDS, SQS_E_BATCH_ID, SQS_E_BATCH_LONG, SQS_E_CONTENTS, SQS_E_UNSUPPORTED,
	SQS_E_ACTION, SQS_E_ADDRESS, SQS_E_OVER_LIMIT,
};
void sqs_error(struct lc_request *, enum sqs_error, const char *fmt, ...) FG_PRINTF(3, 4);
/* The codes of an error for batch result entries (the query code). */
const char *sqs_error_code(const struct lc_request *, enum sqs_error);

/* sqs_queue.c: queues and messages. */
struct sqs_kv {
	char *key;
	char *value;
};
struct sqs_msg {
	struct sqs_msg *next, *prev; /* the ready list, while visible */
	struct sqs_msg *hnext;       /* id hash chain */
	long heap_idx;               /* index in the hidden heap, -1 while visible */
	char id[37];
	char *body;
	size_t body_len;
	char md5_body[33];
	char md5_attrs[33];          /* "" without attributes */
	char md5_sys[33];
	char *attrs;                 /* MessageAttributes as JSON text, or NULL */
	char *sys_attrs;             /* MessageSystemAttributes as JSON text, or NULL */
	char *sender;
	int64_t sent_ms;
	int64_t first_recv_ms;       /* 0 before the first receive */
	int64_t visible_ms;          /* hidden (delayed or in flight) until then */
	uint32_t recv_count;
	uint32_t receipt;            /* receive number the current receipt handle carries */
};
struct sqs_queue {
	struct sqs_state *st;
	char *account;
	char *name;
	char *region;
	char *arn;
	int64_t created_ms;
	int64_t modified_ms;
	struct sqs_kv *attrs;        /* settable attributes, sorted by name */
	size_t nattrs;
	struct sqs_kv *tags;
	size_t ntags;
	/* Messages: visible ones in a list (oldest first), hidden ones (delayed or in flight) in a
	 * heap by the time they become visible, and all of them in a hash by id. */
	struct sqs_msg *ready, *ready_tail;
	size_t nready;
	struct sqs_msg **heap;
	size_t nheap, heapcap;
	size_t nmsgs;
	struct sqs_msg **hash;
	size_t hcap;
	struct sqs_waiter *waiters;  /* long polls, oldest first */
	struct fg_timer *wake;       /* next message that becomes visible, while polls wait */
	char *dlq_arn;               /* from RedrivePolicy, or NULL */
	int64_t max_receive;
};
struct sqs_state {
	struct lc_server *srv;
	struct sqs_queue **queues;   /* sorted by account, then name */
	size_t nqueues;
};
/* Queue attributes SQS knows: settable ones with their default and range, and read-only ones. */
enum sqs_attr_kind { SQS_A_INT, SQS_A_BOOL, SQS_A_JSON, SQS_A_STR, SQS_A_RO };
struct sqs_attr_def {
	const char *name;
	enum sqs_attr_kind kind;
	const char *def;             /* reported when not set; NULL: not reported */
	int64_t lo, hi;
};
const struct sqs_attr_def *sqs_attr_def(const char *name);
extern const struct sqs_attr_def sqs_attr_defs[];
extern const size_t sqs_nattr_defs;
struct sqs_queue *sqs_queue_find(struct sqs_state *, const char *account, const char *name);
struct sqs_queue *sqs_queue_by_arn(struct sqs_state *, const char *arn);
struct sqs_queue *sqs_queue_add(struct sqs_state *, const char *account, const char *name,
    const char *region, int64_t now);
void sqs_queue_delete(struct sqs_state *, struct sqs_queue *);
const char *sqs_queue_attr(const struct sqs_queue *, const char *name);
void sqs_queue_set_attr(struct sqs_queue *, const char *name, const char *value);
int64_t sqs_queue_int(const struct sqs_queue *, const char *name);
void sqs_kv_set(struct sqs_kv **, size_t *, const char *key, const char *value);
void sqs_kv_del(struct sqs_kv **, size_t *, const char *key);
void sqs_kv_free(struct sqs_kv *, size_t);

/* sqs_msgq.c: the messages of a queue. */
void sqs_msgq_init(struct sqs_queue *);
/* Adds a message (visible or hidden by its visible_ms); the caller fills all but the links. */
void sqs_msg_add(struct sqs_queue *, struct sqs_msg *);
struct sqs_msg *sqs_msg_find(struct sqs_queue *, const char *id);
void sqs_msg_remove(struct sqs_queue *, struct sqs_msg *);
void sqs_msg_free(struct sqs_msg *);
/* Changes when a hidden message becomes visible. */
void sqs_msg_hide_until(struct sqs_queue *, struct sqs_msg *, int64_t visible_ms);
/* Iterates over every message: NULL starts; returns NULL after the last. */
struct sqs_msg *sqs_msg_next(const struct sqs_queue *, const struct sqs_msg *);
void sqs_queue_purge(struct sqs_queue *);
/* Counts of visible, in-flight and delayed messages now. */
void sqs_queue_counts(struct sqs_queue *, int64_t now, size_t *visible, size_t *inflight,
    size_t *delayed);
/* Takes up to max visible messages: makes them in flight for vis seconds, moves those over the
 * redrive policy's maxReceiveCount to the dead-letter queue, drops expired ones. */
size_t sqs_queue_take(struct sqs_queue *, int64_t now, size_t max, int64_t vis_s,
    struct sqs_msg **out);
/* The earliest time a hidden message becomes visible, or 0 when none is hidden. */
int64_t sqs_queue_next_visible(const struct sqs_queue *);
/* Receipt handles: "<queue arn>|<message id>|<receive number>" base64-encoded. */
char *sqs_receipt(const struct sqs_queue *, const struct sqs_msg *);
int sqs_receipt_parse(const char *handle, char **arn, char *id, uint32_t *receipt);
/* Persistence. */
void sqs_state_save(void *, struct fg_jw *);
int sqs_state_load(void *, fg_json, char **err);
/* A key/value list as the object member key (also for the SNS and IAM state). */
void sqs_kv_write(struct fg_jw *, const char *key, const struct sqs_kv *, size_t n);
/* Reads the object member key of strings into a key/value list; -1 and *err naming where when
 * it is not one. */
int sqs_kv_read(fg_json, const char *key, struct sqs_kv **, size_t *, const char *where,
    char **err);

/* sqs_poll.c: long polling. */
struct sqs_waiter;
/* Parks req (a ReceiveMessage with nothing to return) for up to wait_s seconds. */
void sqs_wait(struct sqs_queue *, struct lc_request *, fg_json in, int64_t wait_s);
/* Something may have become visible: answers the waiters that can now receive. */
void sqs_kick(struct sqs_queue *);
/* Answers every waiter with no messages (queue deleted, server shutting down). */
void sqs_waiters_flush(struct sqs_queue *);

/* sqs_msg.c: message actions. */
enum lc_result sqs_send(struct lc_request *, struct sqs_queue *, fg_json in);
enum lc_result sqs_send_batch(struct lc_request *, struct sqs_queue *, fg_json in);
enum lc_result sqs_receive(struct lc_request *, struct sqs_queue *, fg_json in);
/* Writes a ReceiveMessage reply with the messages taken (for the poller too). */
void sqs_receive_reply(struct lc_request *, struct sqs_queue *, fg_json in, struct sqs_msg **,
    size_t n);
/* Takes what a ReceiveMessage asks for; returns how many. */
size_t sqs_receive_take(struct sqs_queue *, fg_json in, struct sqs_msg **out);
enum lc_result sqs_delete_msg(struct lc_request *, struct sqs_queue *, fg_json in);
enum lc_result sqs_delete_batch(struct lc_request *, struct sqs_queue *, fg_json in);
enum lc_result sqs_change_vis(struct lc_request *, struct sqs_queue *, fg_json in);
enum lc_result sqs_change_vis_batch(struct lc_request *, struct sqs_queue *, fg_json in);
/* Sends a message from inside localcloud (SNS fan-out); -1 and *err when it cannot. */
int sqs_deliver(struct lc_server *, const char *queue_arn, const char *body, fg_json attrs,
    const char *sender, char **err);

/* sqs.c */
/* Reads an integer member within [lo, hi]; 1 when absent, 0 when read, -1 after replying. */
int sqs_int_param(struct lc_request *, fg_json in, const char *name, int64_t lo, int64_t hi,
    int64_t *out);
/* The queue URL of q as the client addressed us. */
char *sqs_queue_url(const struct lc_request *, const struct sqs_queue *);

#endif
