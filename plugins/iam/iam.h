/* iam.h: the IAM plugin's shared machinery: a chain of query calls on one entity (role,
 * policy, instance profile), paged lists, plans (the calls an update or a delete makes, run
 * one after the other), convergence (read, plan, run, read again), adoption of an entity a
 * crashed create left, and the batched sweep (one paginated List* call, then a read of each
 * managed entity listed). IAM is global: calls name no region; the host signs them for the
 * global endpoint. */
#ifndef FUGUE_PLUGIN_IAM_H
#define FUGUE_PLUGIN_IAM_H

#include <stddef.h>

#include "../util.h"

#define IAM_VERSION "2010-05-08"

struct ient;
struct isweep;

/* How the machinery handles one type. */
struct ikind {
	const char *type;         /* "AWS.IAM.Role" */
	const char *tag_action;   /* TagRole */
	const char *untag_action; /* UntagRole */
	const char *id_param;     /* what calls name the entity by: RoleName, PolicyArn, ... */
	const char *list_action;  /* the sweep's list: ListRoles */
	const char *list_scope;   /* its Scope parameter, or NULL */
	const char *list_items;   /* "ListRolesResult/Roles/member" */
	const char *list_id;      /* the physical id in a listed item: "RoleName" */
	/* Reads e->id into e->w (an object it ends), then calls e->read_done. */
	void (*read)(struct ient *);
	/* Optional: gathers what plan needs beyond have (a policy's versions), then calls
	 * ient_plan(e). */
	void (*gather)(struct ient *);
	/* Adds to e->plan the calls that turn e->have into the desired properties. */
	void (*plan)(struct ient *);
};

/* One chain of calls on one entity, for an operation or a sweep. */
struct ient {
	struct preq r;
	const struct ikind *k;
	char *id;                /* the physical id: the name, or a policy's ARN */
	struct fugue_json *w;    /* the observed entity */
	struct plist names;      /* what a paged list gathered */
	size_t at;               /* the next of names to read */
	struct pplan plan;
	const struct fugue_value *have; /* the entity as read before an update */
	unsigned tries;          /* reads of a just-created entity that IAM did not show yet */
	int detached;            /* a delete already detached what stood in its way */
	/* Ends the chain (an error, or what a read observed). */
	void (*done)(struct ient *, enum fugue_status, const char *observed, const char *msg);
	void (*then)(struct ient *);     /* after a paged list or a plan */
	void (*next)(struct ient *);     /* after a lookup by name or an ownership check */
	void (*on_reply)(struct ient *, const struct fugue_reply *);
	/* The paged list in progress. */
	const char *l_action, *l_param, *l_value, *l_items, *l_field;
	struct isweep *sweep;
};

/* iam.c: chains */
struct ient *ient_op(const struct fugue_host *, struct fugue_op *, const struct ikind *,
    const char *id);
struct fugue_call *iam_call(struct ient *, const char *action);
void ient_fail(struct ient *, const struct fugue_reply *, const char *what);
void ient_send(struct ient *, struct fugue_call *,
    void (*next)(struct ient *, const struct fugue_reply *));
/* 1 when a reply of a read succeeded. Otherwise 0, and the chain ended with the error
 * (what failed: what), or, for a just-created entity that IAM does not show yet (it is
 * eventually consistent), the read starts again after a wait. */
int read_ok(struct ient *, const struct fugue_reply *, const char *what);
/* Starts the observed entity: an open object in a new e->w. */
void ient_observe(struct ient *);
const struct fugue_value *ient_desired(struct ient *);
/* Gathers into e->names the text at item_path (of each item_path element: its field, NULL
 * for the element's own text) over every page of action (with param=value), then runs then.
 * A failure ends the chain. */
void ilist_all(struct ient *, const char *action, const char *param, const char *value,
    const char *item_path, const char *field, void (*then)(struct ient *));

/* iam.c: plans */
/* Adds a step (gone_ok: NoSuchEntity means it is already done: detach, remove, delete). */
void plan_add(struct ient *, const char *action, int gone_ok);
void plan_param(struct ient *, const char *key, const char *value);
/* Untag and tag calls that turn the have tags into the want tags (aws: tags aside). */
void plan_tags(struct ient *, const struct fugue_value *want, const struct fugue_value *have);
/* Runs the plan, then then; a failure ends the chain (pplan_clear frees a plan). */
void plan_run(struct ient *, void (*then)(struct ient *));

/* iam.c: operations the types share */
/* Reads the entity and ends the operation with it. */
void ient_read_op(struct ient *);
/* Brings the entity to the desired properties: read, plan, run, read again. */
void ient_converge(struct ient *);
/* The read and update operations: "not found" when the physical id is not known. */
void ient_op_read(struct ient *);
void ient_op_update(struct ient *);
/* Adds the Tags.member.N parameters of a create call. */
void ient_call_tags(struct ient *, struct fugue_call *, const struct fugue_value *tags);
/* Create found the name taken: adopt the entity when its tags make it this resource. */
void ient_adopt(struct ient *);
/* Plans from e->have and runs the plan (after kind->gather). */
void ient_plan(struct ient *);
/* A create succeeded with physical id id: record it, then converge (IAM may not show the
 * entity at once). */
void ient_created(struct ient *, const char *id);
/* Deletes with start (which gathers, plans and runs with then = ient_deleted). Without a
 * physical id, only an entity whose tags make it this resource is deleted. A missing
 * entity is deleted already. */
void ient_delete(struct ient *, void (*start)(struct ient *));
void ient_deleted(struct ient *);
/* Ends a delete's chain: a missing entity is deleted already. */
void ient_delete_end(struct ient *, enum fugue_status, const char *observed, const char *msg);
/* The sweep of kind k. */
void ient_sweep(const struct fugue_host *, struct fugue_sweep *, const struct ikind *);

/* iam.c: values */
/* Writes {"Key", "Value"} objects of the Tags/member elements under x as the Tags member. */
void write_tags(const struct fugue_host *, struct fugue_json *, const struct fugue_xml *x);
/* Writes key: the URL-decoded policy document (IAM returns documents URL-encoded). */
void write_doc(const struct fugue_host *, struct fugue_json *, const char *key,
    const char *encoded);
/* 1 when two JSON documents in strings are equal as JSON (as text when one does not parse). */
int doc_equal(const struct fugue_host *, const char *a, const char *b);
/* 1 when two strings (NULL allowed) are equal. */
int same(const char *, const char *);
/* 1 when the string array list holds s. */
int holds(const struct fugue_host *, const struct fugue_value *list, const char *s);

/* role.c, policy.c, profile.c: the types' callbacks */
void role_create(const struct fugue_host *, struct fugue_op *);
void role_read(const struct fugue_host *, struct fugue_op *);
void role_update(const struct fugue_host *, struct fugue_op *);
void role_delete(const struct fugue_host *, struct fugue_op *);
void role_sweep(const struct fugue_host *, struct fugue_sweep *);
void policy_create(const struct fugue_host *, struct fugue_op *);
void policy_read(const struct fugue_host *, struct fugue_op *);
void policy_update(const struct fugue_host *, struct fugue_op *);
void policy_delete(const struct fugue_host *, struct fugue_op *);
void policy_sweep(const struct fugue_host *, struct fugue_sweep *);
void profile_create(const struct fugue_host *, struct fugue_op *);
void profile_read(const struct fugue_host *, struct fugue_op *);
void profile_update(const struct fugue_host *, struct fugue_op *);
void profile_delete(const struct fugue_host *, struct fugue_op *);
void profile_sweep(const struct fugue_host *, struct fugue_sweep *);

#endif
