/* util.h: small helpers the in-tree plugins share; built into each module, they use nothing
 * but fugue/broker.h and the C library, as an out-of-tree plugin would. */
#ifndef FUGUE_PLUGIN_UTIL_H
#define FUGUE_PLUGIN_UTIL_H

#include <stddef.h>

#include "fugue/broker.h"

struct pplan;

/* A chain of calls made for an operation or a sweep, one call in flight at a time: embed it
 * in the state of each chain. */
struct preq {
	const struct fugue_host *h;
	struct fugue_op *op;      /* exactly one of op and sw */
	struct fugue_sweep *sw;
	void (*next)(struct preq *, const struct fugue_reply *);
	struct pplan *plan;       /* the plan pplan_run runs, or NULL */
};
void preq_init(struct preq *, const struct fugue_host *, struct fugue_op *,
    struct fugue_sweep *);
struct fugue_call *preq_call(struct preq *, const char *service, enum fugue_proto,
    const char *target);

/* A query API (EC2's, IAM's): where its calls go and the Version they carry. */
struct papi {
	const char *service;
	enum fugue_proto proto;
	const char *version;
};
/* A new call of action, its Version parameter set. */
struct fugue_call *preq_action(struct preq *, const struct papi *, const char *action);
/* Sends c; next(r, reply) runs with the reply. */
void preq_send(struct preq *, struct fugue_call *c,
    void (*next)(struct preq *, const struct fugue_reply *));
/* Records physical as the operation's physical id, a copy of it in *id (freeing the old). */
void preq_set_physical(struct preq *, char **id, const char *physical);
/* Ends a delete operation with st (and msg): "not found" is deleted already, so FUGUE_OK. */
void preq_delete_end(struct preq *, enum fugue_status st, const char *msg);

/* A growable string. */
struct pbuf {
	char *s;
	size_t len;
	size_t cap;
};
void pbuf_add(struct pbuf *, const char *);
void pbuf_addf(struct pbuf *, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Adds s with XML's five special characters escaped. */
void pbuf_xml(struct pbuf *, const char *s);
void pbuf_free(struct pbuf *);

/* strdup that returns NULL for NULL (and aborts on OOM). */
char *pdup(const char *);
/* "what failed: <the reply's message>", for op_done and sweep_done; caller frees. */
char *pfail(const struct fugue_host *, const struct fugue_reply *, const char *what);

/* A tag list [{"Key", "Value"}] being compared. */
/* 1 when tags (a Tags array) has key with value (value NULL: any value). */
int ptag_has(const struct fugue_host *, const struct fugue_value *tags, const char *key,
    const char *value);

/* A list of strings (names a paged list gathered). */
struct plist {
	char **v;
	size_t n;
};
/* Adds a copy of s. */
void plist_add(struct plist *, const char *s);
/* 1 when the list holds s (never for NULL). */
int plist_has(const struct plist *, const char *s);
void plist_clear(struct plist *);

/* A plan: the calls an update or a delete makes, run one at a time in an operation's chain. */
#define PPLAN_GONE_OK 1 /* a "not found" answer means the step is done already */
struct pplan_step {
	char *action;
	char **kv;  /* key, value, key, value, ... */
	size_t nkv;
	int flags;  /* PPLAN_GONE_OK, and the plugin's own flags above it */
};
struct pplan {
	struct pplan_step *v;
	size_t n;
	size_t next; /* the step in flight */
	/* Set by pplan_run: */
	const struct papi *api;
	const char *id; /* what the steps act on, for the log */
	void (*then)(struct preq *);
	void (*fail)(struct preq *, const struct pplan_step *, const struct fugue_reply *);
};
/* Adds a step (flags: PPLAN_GONE_OK, ...). */
void pplan_add(struct pplan *, const char *action, int flags);
/* Adds a parameter to the last step (value NULL: ""). */
void pplan_param(struct pplan *, const char *key, const char *value);
/* Runs the steps of p in r's operation, one call of api at a time; a step is done when it
 * succeeds or, flagged PPLAN_GONE_OK, answers "not found". After the last, p is cleared and
 * then runs; a step's other answer goes to fail (which ends the chain, or waits and resends
 * the step with pplan_next). */
void pplan_run(struct preq *r, struct pplan *p, const struct papi *api, const char *id,
    void (*then)(struct preq *),
    void (*fail)(struct preq *, const struct pplan_step *, const struct fugue_reply *));
/* Sends the step in flight of r's plan, or, all done, clears the plan and runs its then. */
void pplan_next(struct preq *r);
void pplan_clear(struct pplan *);

/* The reads of a sweep's resources, in flight at once: each ends with ptally_read, and the
 * last one ends the sweep (with the first failure; "not found" is no failure: the host then
 * takes the resource as gone). */
struct ptally {
	const struct fugue_host *h;
	struct fugue_sweep *sw;
	size_t pending;
	char *error;
	enum fugue_status error_st;
};
/* Expects n reads; with none, ends the sweep at once (returns 0 then, else 1). */
int ptally_start(struct ptally *, const struct fugue_host *, struct fugue_sweep *, size_t n);
/* One read ended: physical was found (observed) or not, or the read failed. */
void ptally_read(struct ptally *, const char *physical, enum fugue_status,
    const char *observed, const char *msg);
void ptally_clear(struct ptally *);

#endif
