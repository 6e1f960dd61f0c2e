/* ec2.h: the EC2 plugin's shared machinery: chains of EC2 query calls on one resource, plans
 * (the calls an update or a delete makes, run in order), create/read/update/delete built on a
 * per-type description (struct ekind), the batched sweep, and tag and XML-to-JSON helpers.
 *
 * CONTRACT between ec2.c, chain.c, sweep.c and the network types (helper ec2net) and
 * security_group.c / instance.c (helper ec2sg):
 *  - ec2.c holds the broker table of the six types; it calls sg_create ... sg_sweep and
 *    instance_create ... instance_sweep declared below, which security_group.c and
 *    instance.c define (plain functions, not static). plugins/Makefile.am builds the module
 *    from ec2.c and those two files, with the rest in libec2net.la (unit tests link it).
 *  - The simplest type is a `const struct ekind` plus five one-line callbacks:
 *        void sg_create(const struct fugue_host *h, struct fugue_op *op)
 *        { ec2_op_create(h, op, &sg_kind); }
 *    and likewise ec2_op_read, ec2_op_update, ec2_op_delete, ec2_op_sweep.
 *  - kind->observe turns one described item (XML, EC2's lowerCamel names) into the observed
 *    JSON (schema names); write Tags with ec2_write_tags. The machinery opens and ends the
 *    object and writes Region (the operation's or sweep's region) after observe.
 *  - kind->create sends the create call (add ec2_tag_spec for TagSpecifications and, where
 *    the API has one, ClientToken = op_token) and, with the new id, calls ec2_created(e, id)
 *    (records the physical id, then converges: read, plan, run the plan, read again). Before
 *    kind->create the machinery looks the resource up by its fugue:fid/fugue:id tags and
 *    adopts it when a crashed create left it.
 *  - kind->plan adds the calls (ec2_plan_add/ec2_plan_param) that turn e->have (the observed
 *    JSON as a value) into ec2_desired(e); the machinery adds CreateTags/DeleteTags itself.
 *  - kind->plan_delete adds the calls that delete e->id (e->have is set); NotFound answers of
 *    steps flagged EC2_GONE_OK count as done; DependencyViolation is waited out a few times
 *    in the operation, then reported as FUGUE_E_RETRYABLE.
 *  - Optional hooks: live (a described item that counts as gone: a terminated instance),
 *    complete (more reads after observe, e.g. DescribeVpcAttribute; ends with ec2_read_end or
 *    ec2_fail), settle (a wait after the plan: poll with op_after until the resource is
 *    ready, then ec2_read_op).
 *  - Anything beyond this (stop/start around ModifyInstanceAttribute, ...) may be written in
 *    the type's own file with ec2_call/ec2_send and the ec2_* helpers; ask before changing
 *    this header, and keep changes additive. */
#ifndef FUGUE_PLUGIN_EC2_H
#define FUGUE_PLUGIN_EC2_H

#include <stddef.h>

#include "../util.h"

#define EC2_VERSION "2016-11-15"

struct echain;
struct esweep;

/* Flags of a plan step (struct pplan_step, util.h): a NotFound answer means the step is done
 * already (detach, delete). */
#define EC2_GONE_OK PPLAN_GONE_OK
#define EC2_DEP_WAIT 2 /* DependencyViolation: wait and try again (children still going) */

/* How the machinery handles one type. */
struct ekind {
	const char *type;          /* "AWS.EC2.Vpc" */
	const char *resource_type; /* TagSpecification.N.ResourceType: "vpc" */
	const char *describe;      /* "DescribeVpcs" */
	const char *id_filter;     /* the filter of the resource's own id: "vpc-id" */
	const char *set;           /* the items of a describe reply: "vpcSet/item" */
	const char *inner;         /* NULL, or the items inside each set item ("instancesSet/item") */
	const char *id_field;      /* the id in an item: "vpcId" */
	/* Writes the properties and read-only attributes of one described item into w, an open
	 * object (the caller writes Region and ends it). */
	void (*observe)(const struct fugue_host *, struct fugue_json *w,
	    const struct fugue_xml *item);
	/* Optional: 0 when a described item counts as gone (a terminated instance). */
	int (*live)(const struct fugue_host *, const struct fugue_xml *item);
	/* Optional: more reads that complete e->w (open object, observe written) for e->id; ends
	 * with ec2_read_end(e) or ec2_fail/e->done. */
	void (*complete)(struct echain *);
	/* Sends the create call; on success calls ec2_created(e, new_id) (ec2_send_create does). */
	void (*create)(struct echain *);
	/* Where a create reply names the new id, for ec2_send_create: "vpc/vpcId". */
	const char *created_id;
	/* Adds to e->plan what turns e->have into ec2_desired(e), tags aside. May be NULL. */
	void (*plan)(struct echain *);
	/* Adds to e->plan the calls that delete e->id, from e->have. */
	void (*plan_delete)(struct echain *);
	/* Optional: after a create's or update's plan ran, waits until the resource is ready
	 * (op_after polling), then calls ec2_read_op(e). */
	void (*settle)(struct echain *);
	/* Optional: after a delete's plan ran, waits until the resource is gone (op_after
	 * polling), then ends the operation itself (op_done FUGUE_OK). */
	void (*settle_delete)(struct echain *);
	/* Optional: the describe's largest MaxResults, when below 1000 ("100" for
	 * DescribeRouteTables). */
	const char *max_results;
};

/* One chain of calls on one resource, for an operation or a sweep. */
struct echain {
	struct preq r;
	const struct ekind *k;
	char *id;                       /* the physical id, or NULL */
	struct fugue_json *w;           /* the observed resource being written */
	const struct fugue_value *have; /* the resource as read before a plan */
	struct pplan plan;
	unsigned tries;     /* rereads left of a just-created resource EC2 does not show yet */
	unsigned dep_tries; /* waits left for a DependencyViolation */
	/* Ends the chain (an error, or what a read observed). */
	void (*done)(struct echain *, enum fugue_status, const char *observed, const char *msg);
	void (*then)(struct echain *);  /* after a plan */
	void (*on_reply)(struct echain *, const struct fugue_reply *);
	struct esweep *sweep;           /* the sweep this chain reads for, or NULL */
	void *data;                     /* the type's own state, freed with data_free */
	void (*data_free)(void *);
	const char *creating;           /* the action of ec2_send_create */
	const struct fugue_value *want; /* the desired properties (op_desired; NULL in a sweep) */
};

/* --- calls (chain.c) --- */
/* A new EC2 call of the chain, Version set. */
struct fugue_call *ec2_call(struct echain *, const char *action);
/* Sends c; next runs with its reply. */
void ec2_send(struct echain *, struct fugue_call *,
    void (*next)(struct echain *, const struct fugue_reply *));
/* Ends the chain with the reply's error ("what: message"). */
void ec2_fail(struct echain *, const struct fugue_reply *, const char *what);
/* The desired properties (NULL in a sweep). */
const struct fugue_value *ec2_desired(struct echain *);
/* call_param with a printf-formatted key ("Filter.%u.Name"). */
void ec2_paramf(const struct fugue_host *, struct fugue_call *, const char *value,
    const char *keyfmt, ...) __attribute__((format(printf, 4, 5)));
/* Adds TagSpecification.1 (ResourceType rtype) with the Tags array tags (skipped when empty). */
void ec2_tag_spec(const struct fugue_host *, struct fugue_call *, const char *rtype,
    const struct fugue_value *tags);
/* Adds Filter.n (name, one value); returns n + 1. */
unsigned ec2_filter(const struct fugue_host *, struct fugue_call *, unsigned n,
    const char *name, const char *value);

/* --- observed JSON (chain.c) --- */
/* Writes the tagSet of item as the Tags member (aws: keys left out: nobody can change them). */
void ec2_write_tags(const struct fugue_host *, struct fugue_json *, const struct fugue_xml *item);
/* Writes key: the text at path of x as a string / an integer / a boolean ("true"); nothing when
 * absent. */
void ec2_write_str(const struct fugue_host *, struct fugue_json *, const char *key,
    const struct fugue_xml *x, const char *path);
void ec2_write_int(const struct fugue_host *, struct fugue_json *, const char *key,
    const struct fugue_xml *x, const char *path);
void ec2_write_bool(const struct fugue_host *, struct fugue_json *, const char *key,
    const struct fugue_xml *x, const char *path);
/* Opens a new object in *w (freeing what *w held), writes kind k's observation of item and
 * "Region": region into it, and leaves it open. */
void ec2_observe(const struct fugue_host *, const struct ekind *k, struct fugue_json **w,
    const struct fugue_xml *item, const char *region);
/* 1 when two strings (NULL allowed) are equal. */
int ec2_same(const char *, const char *);

/* --- plans (chain.c) --- */
void ec2_plan_add(struct echain *, const char *action, int flags);
void ec2_plan_param(struct echain *, const char *key, const char *value);
void ec2_plan_paramf(struct echain *, const char *value, const char *keyfmt, ...)
    __attribute__((format(printf, 3, 4)));
/* DeleteTags and CreateTags steps that turn the have tags into the want tags. */
void ec2_plan_tags(struct echain *, const struct fugue_value *want,
    const struct fugue_value *have);
/* Runs the plan, then then; a failure ends the chain (pplan_clear frees a plan). */
void ec2_plan_run(struct echain *, void (*then)(struct echain *));

/* --- reads and operations (chain.c) --- */
/* Describes e->id (kind->id_filter) and observes it; e->done gets the observed JSON, or
 * NOT_FOUND (after the rereads e->tries allows: EC2 is eventually consistent). */
void ec2_read(struct echain *);
/* Ends a read: closes e->w and hands its text to e->done. */
void ec2_read_end(struct echain *);
/* Reads and ends the operation with what it saw. */
void ec2_read_op(struct echain *);
/* A create call answered with id: records it and converges. */
void ec2_created(struct echain *, const char *id);
/* Sends the create call c of action (a string that lives as long as the plugin: a literal);
 * its reply's text at kind->created_id is the new id, given to ec2_created. */
void ec2_send_create(struct echain *, struct fugue_call *c, const char *action);
/* The operations of kind k: create (adopting what a crash left), read (by id, or by tags when
 * the id was lost), update (converge), delete (plan_delete; missing is deleted), sweep. */
void ec2_op_create(const struct fugue_host *, struct fugue_op *, const struct ekind *);
void ec2_op_read(const struct fugue_host *, struct fugue_op *, const struct ekind *);
void ec2_op_update(const struct fugue_host *, struct fugue_op *, const struct ekind *);
void ec2_op_delete(const struct fugue_host *, struct fugue_op *, const struct ekind *);

/* free_fn of a chain (its contents and itself). */
void ec2_chain_free(void *);

/* --- the batched sweep (sweep.c) --- */
/* One paginated (MaxResults 1000 or kind->max_results, NextToken) Describe filtered on
 * tag-key fugue:fid covers every managed resource of the type and region; the managed ids it
 * did not list (their fugue:fid tag removed by hand) are described by id filter, 200 to a
 * call; kind->complete, when set, runs for each managed resource found. */
void ec2_op_sweep(const struct fugue_host *, struct fugue_sweep *, const struct ekind *);

/* --- the types --- */
/* The descriptions of the network types (tests/unit/check_plugin_ec2.c uses them). */
extern const struct ekind vpc_kind, subnet_kind, igw_kind, rtb_kind;
/* vpc.c */
void vpc_create(const struct fugue_host *, struct fugue_op *);
void vpc_read(const struct fugue_host *, struct fugue_op *);
void vpc_update(const struct fugue_host *, struct fugue_op *);
void vpc_delete(const struct fugue_host *, struct fugue_op *);
void vpc_sweep(const struct fugue_host *, struct fugue_sweep *);
/* subnet.c */
void subnet_create(const struct fugue_host *, struct fugue_op *);
void subnet_read(const struct fugue_host *, struct fugue_op *);
void subnet_update(const struct fugue_host *, struct fugue_op *);
void subnet_delete(const struct fugue_host *, struct fugue_op *);
void subnet_sweep(const struct fugue_host *, struct fugue_sweep *);
/* internet_gateway.c */
void igw_create(const struct fugue_host *, struct fugue_op *);
void igw_read(const struct fugue_host *, struct fugue_op *);
void igw_update(const struct fugue_host *, struct fugue_op *);
void igw_delete(const struct fugue_host *, struct fugue_op *);
void igw_sweep(const struct fugue_host *, struct fugue_sweep *);
/* route_table.c */
void rtb_create(const struct fugue_host *, struct fugue_op *);
void rtb_read(const struct fugue_host *, struct fugue_op *);
void rtb_update(const struct fugue_host *, struct fugue_op *);
void rtb_delete(const struct fugue_host *, struct fugue_op *);
void rtb_sweep(const struct fugue_host *, struct fugue_sweep *);
/* security_group.c (ec2sg); its description is for tests/unit/check_plugin_ec2_sg.c */
extern const struct ekind sg_kind;
void sg_create(const struct fugue_host *, struct fugue_op *);
void sg_read(const struct fugue_host *, struct fugue_op *);
void sg_update(const struct fugue_host *, struct fugue_op *);
void sg_delete(const struct fugue_host *, struct fugue_op *);
void sg_sweep(const struct fugue_host *, struct fugue_sweep *);
/* instance.c (ec2sg) */
extern const struct ekind instance_kind;
void instance_create(const struct fugue_host *, struct fugue_op *);
void instance_read(const struct fugue_host *, struct fugue_op *);
void instance_update(const struct fugue_host *, struct fugue_op *);
void instance_delete(const struct fugue_host *, struct fugue_op *);
void instance_sweep(const struct fugue_host *, struct fugue_sweep *);

#endif
