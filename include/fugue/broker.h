/*
 * fugue/broker.h — the Fugue broker plugin ABI.
 *
 * A broker plugin owns the AWS API calls of one service. It is a libtool module
 * (`<name>.la`/`<name>.so`, linked with `-module -avoid-version
 * -export-symbols-regex '^<name>_LTX_fugue_broker$'`) that exports exactly one symbol:
 *
 *     const struct fugue_broker <name>_LTX_fugue_broker = {
 *             .abi_major = FUGUE_BROKER_ABI_MAJOR,
 *             .abi_minor = FUGUE_BROKER_ABI_MINOR,
 *             .name = "<name>",
 *             ...
 *     };
 *
 * The Conductor's loader checks, before it reads anything else, that abi_major equals the
 * host's major, that abi_minor is not above the host's minor, and that name equals the
 * module's file name. Next to the module, `schemas/<Type>.json` holds the JSON Schema of each
 * resource type (doc/resource-schemas.md), the single source of truth for lwc, the Conductor
 * and the plugin.
 *
 * The contract (doc/plugin-guide.md tells it step by step):
 *   - Every callback is asynchronous. It starts AWS calls through the host (call_new ...
 *     call_send) and returns at once; the reply arrives later in the callback given to
 *     call_send. An operation ends with exactly one call of op_done (or sweep_done).
 *   - A plugin never blocks, never sleeps, never opens sockets or files, never starts threads,
 *     never signs requests and never keeps mutable global state: the host owns transport,
 *     signing, credentials, rate limits, retries (transient errors and throttling are retried
 *     by the host before a reply reaches the plugin) and persistence. State an operation
 *     needs across calls lives in memory the plugin allocates per operation (op_set_data).
 *   - Strings the host returns are valid until the operation ends unless said otherwise.
 *     Strings the plugin passes are copied by the host.
 *   - Errors are reported with a class (enum fugue_status) and a message for the operator.
 *     A failing plugin call fails one resource, never the Conductor.
 *
 * ABI CHANGELOG — any change to this file is an ABI change. Additions at the END of a struct
 * or enum bump FUGUE_BROKER_ABI_MINOR; anything else (a removal, a reorder, a changed type)
 * bumps FUGUE_BROKER_ABI_MAJOR and resets the minor to 0. Record every change here:
 *   1.0  2026-11  First version: types with create/read/update/delete/sweep, the host's value,
 *                 call and reply API.
 *   1.1  2026-11  fugue_host: v_parse (JSON documents that APIs pass in strings: redrive
 *                 policies, policy documents) and call_raw_reply (replies whose body is not
 *                 XML: GetBucketPolicy). A 1.0 plugin runs unchanged on a 1.1 host.
 *   1.2  2026-11  fugue_host: op_after (wait without blocking, to poll a resource until it
 *                 settles: a DynamoDB table becoming ACTIVE). A 1.1 plugin runs unchanged.
 */
#ifndef FUGUE_BROKER_H
#define FUGUE_BROKER_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#define FUGUE_BROKER_ABI_MAJOR 1
#define FUGUE_BROKER_ABI_MINOR 2

/* How an operation ended. The Scheduler and Manager decide what to do next from the class. */
enum fugue_status {
	FUGUE_OK = 0,
	FUGUE_E_RETRYABLE, /* transient: try the operation again later */
	FUGUE_E_THROTTLED, /* the service said slow down (the host also lowers its rate) */
	FUGUE_E_NOT_FOUND, /* the resource does not exist (read/delete: it is gone) */
	FUGUE_E_CONFLICT,  /* the resource's state forbids it now (in use, being deleted, ...) */
	FUGUE_E_INVALID,   /* the desired properties are wrong: no retry until they change */
	FUGUE_E_FATAL,     /* permissions, quotas, credentials: an operator must act */
};

/* The wire protocols of AWS services, as the host speaks them. */
enum fugue_proto {
	FUGUE_PROTO_QUERY,    /* SQS, SNS, IAM, STS: form-encoded Action, XML reply */
	FUGUE_PROTO_EC2,      /* EC2's variant of query */
	FUGUE_PROTO_REST_XML, /* S3 */
	FUGUE_PROTO_JSON10,   /* DynamoDB, SQS's JSON protocol: X-Amz-Target, JSON 1.0 */
	FUGUE_PROTO_JSON11,
};

/* Levels of op_log. */
enum fugue_log_level { FUGUE_LOG_DEBUG, FUGUE_LOG_INFO, FUGUE_LOG_WARN };

/* Opaque, owned by the host. */
struct fugue_op;    /* one operation (create, read, update, delete) on one resource */
struct fugue_sweep; /* one batched observation of many resources of one type in one region */
struct fugue_call;  /* one AWS API call being built */
struct fugue_reply; /* the reply of a call */
struct fugue_value; /* a read-only JSON value: properties, JSON replies */
struct fugue_xml;   /* a read-only XML element of a reply */
struct fugue_json;  /* a JSON writer, for observed properties and JSON request bodies */

typedef void (*fugue_reply_fn)(struct fugue_op *, struct fugue_call *, const struct fugue_reply *,
    void *arg);
typedef void (*fugue_sweep_reply_fn)(struct fugue_sweep *, struct fugue_call *,
    const struct fugue_reply *, void *arg);

enum fugue_vtype {
	FUGUE_V_NONE = 0, /* absent (a path that leads nowhere) */
	FUGUE_V_NULL,
	FUGUE_V_BOOL,
	FUGUE_V_NUMBER,
	FUGUE_V_STRING,
	FUGUE_V_ARRAY,
	FUGUE_V_OBJECT,
};

/*
 * What the host offers a plugin. Paths are '/'-separated member names and array indexes for
 * values ("RedrivePolicy/maxReceiveCount", "Tags/0/Key") and local element names for XML
 * ("GetQueueUrlResult/QueueUrl"); "" is the value or element itself.
 */
struct fugue_host {
	unsigned abi_major;
	unsigned abi_minor;

	/* Values. */
	const struct fugue_value *(*v_get)(const struct fugue_value *, const char *path);
	enum fugue_vtype (*v_type)(const struct fugue_value *, const char *path);
	/* The text of a string or number (numbers as written), or NULL. */
	const char *(*v_str)(const struct fugue_value *, const char *path);
	/* 0 and *out when an integer, else -1. */
	int (*v_int)(const struct fugue_value *, const char *path, int64_t *out);
	/* 0 and *out when true/false, else -1. */
	int (*v_bool)(const struct fugue_value *, const char *path, int *out);
	/* Items of an array, members of an object, 0 otherwise. */
	size_t (*v_len)(const struct fugue_value *, const char *path);
	const struct fugue_value *(*v_at)(const struct fugue_value *, size_t i);
	const char *(*v_key)(const struct fugue_value *, size_t i);
	/* The value as compact JSON text, valid until the operation ends. */
	const char *(*v_json)(const struct fugue_value *);

	/* XML of replies. */
	const struct fugue_xml *(*x_find)(const struct fugue_xml *, const char *path);
	const char *(*x_text)(const struct fugue_xml *, const char *path);
	/* The next sibling element with the same name (to walk <member> and <item> lists). */
	const struct fugue_xml *(*x_next)(const struct fugue_xml *);
	const char *(*x_name)(const struct fugue_xml *);

	/* The operation. */
	const char *(*op_type)(struct fugue_op *);        /* "AWS.SQS.Queue" */
	const char *(*op_region)(struct fugue_op *);      /* "us-east-1"; NULL for global types */
	const char *(*op_fid)(struct fugue_op *);         /* the process, for the fugue:fid tag */
	const char *(*op_logical_id)(struct fugue_op *);  /* for the fugue:id tag */
	/* The physical id known so far (NULL on create, and on read when the host lost it: then
	 * find the resource by its fugue:fid/fugue:id tags or its deterministic name). */
	const char *(*op_physical_id)(struct fugue_op *);
	/* A token unique to this intent, stable across a crash and retry: pass it as ClientToken
	 * (or the like) where the API has one. */
	const char *(*op_token)(struct fugue_op *);
	/* Desired properties with every reference filled with its live attribute, every omitted
	 * property that has a default given its default (nested objects too), and, for types with
	 * x-fugue-tags, the tags fugue:fid and fugue:id added to Tags. */
	const struct fugue_value *(*op_desired)(struct fugue_op *);
	/* What the last read or sweep saw (update, delete), or NULL. */
	const struct fugue_value *(*op_observed)(struct fugue_op *);
	void (*op_set_data)(struct fugue_op *, void *data, void (*free_fn)(void *));
	void *(*op_data)(struct fugue_op *);
	void (*op_log)(struct fugue_op *, enum fugue_log_level, const char *fmt, ...)
	    __attribute__((format(printf, 3, 4)));
	/* Records the physical id as soon as it is known (before op_done). */
	void (*op_set_physical_id)(struct fugue_op *, const char *);
	/* Ends the operation. On FUGUE_OK after create, read or update, observed is the resource as
	 * AWS now has it: its properties (schema names) and read-only attributes, as JSON text
	 * (NULL after delete). The message explains an error to the operator. */
	void (*op_done)(struct fugue_op *, enum fugue_status, const char *observed_json,
	    const char *message);

	/* AWS calls, for an operation or a sweep (exactly one of op and sweep is not NULL).
	 * target is the Action (query, EC2), the X-Amz-Target (JSON) or NULL (REST-XML). The host
	 * adds Action; the plugin adds every other parameter, Version included. The host adds
	 * Content-MD5 to REST-XML bodies. */
	struct fugue_call *(*call_new)(struct fugue_op *, struct fugue_sweep *, const char *service,
	    enum fugue_proto, const char *target);
	void (*call_param)(struct fugue_call *, const char *key, const char *value);
	void (*call_rest)(struct fugue_call *, const char *method, const char *bucket,
	    const char *key, const char *query);
	void (*call_header)(struct fugue_call *, const char *name, const char *value);
	void (*call_body)(struct fugue_call *, const char *body, size_t len);
	/* A call that reads (describe, get, list) rather than writes: paced on the read bucket. */
	void (*call_read_only)(struct fugue_call *);
	/* Sends; the call is freed after its callback returns. */
	void (*call_send)(struct fugue_call *, fugue_reply_fn, void *arg);
	void (*call_send_sweep)(struct fugue_call *, fugue_sweep_reply_fn, void *arg);

	/* Replies. */
	enum fugue_status (*r_status)(const struct fugue_reply *);
	const char *(*r_code)(const struct fugue_reply *);    /* AWS error code, NULL on success */
	const char *(*r_message)(const struct fugue_reply *); /* error text for the operator */
	int (*r_http_status)(const struct fugue_reply *);
	const char *(*r_header)(const struct fugue_reply *, const char *name);
	const struct fugue_xml *(*r_xml)(const struct fugue_reply *);     /* XML body or NULL */
	const struct fugue_value *(*r_json)(const struct fugue_reply *);  /* JSON body or NULL */
	const char *(*r_body)(const struct fugue_reply *, size_t *len);

	/* JSON writer, for observed properties and JSON request bodies. */
	struct fugue_json *(*j_new)(void);
	void (*j_free)(struct fugue_json *);
	void (*j_obj)(struct fugue_json *);
	void (*j_end_obj)(struct fugue_json *);
	void (*j_arr)(struct fugue_json *);
	void (*j_end_arr)(struct fugue_json *);
	void (*j_key)(struct fugue_json *, const char *);
	void (*j_str)(struct fugue_json *, const char *);
	void (*j_int)(struct fugue_json *, int64_t);
	void (*j_bool)(struct fugue_json *, int);
	void (*j_null)(struct fugue_json *);
	void (*j_value)(struct fugue_json *, const struct fugue_value *); /* copies a value */
	const char *(*j_text)(struct fugue_json *);

	/* Sweeps. */
	const char *(*sweep_region)(struct fugue_sweep *);
	/* The resources of this type and region Fugue manages: physical id and, when known,
	 * process and logical id. */
	size_t (*sweep_count)(struct fugue_sweep *);
	const char *(*sweep_physical_id)(struct fugue_sweep *, size_t i);
	void (*sweep_set_data)(struct fugue_sweep *, void *data, void (*free_fn)(void *));
	void *(*sweep_data)(struct fugue_sweep *);
	void (*sweep_log)(struct fugue_sweep *, enum fugue_log_level, const char *fmt, ...)
	    __attribute__((format(printf, 3, 4)));
	/* Reports one resource seen, by physical id, with its observed JSON (as op_done). A
	 * managed resource that the sweep completed without reporting is taken as deleted. */
	void (*sweep_found)(struct fugue_sweep *, const char *physical_id, const char *observed_json);
	/* Ends the sweep; on an error nothing is concluded about unreported resources. */
	void (*sweep_done)(struct fugue_sweep *, enum fugue_status, const char *message);

	/* 1.1 */
	/* Parses JSON text into a value valid until the operation or sweep ends, or NULL when the
	 * text is not JSON. */
	const struct fugue_value *(*v_parse)(const char *json, size_t len);
	/* The reply body is data (a policy document, an object), not XML: r_body gives it. */
	void (*call_raw_reply)(struct fugue_call *);

	/* 1.2 */
	/* Calls fn(host, op, arg) once, from the loop, after ms milliseconds or more (the host
	 * caps ms at 60,000 and may wait longer): a plugin that must poll (DescribeTable until
	 * ACTIVE) waits this way, never by blocking. A pending op_after counts as a call in
	 * flight; when the operation ends first, fn is never called. */
	void (*op_after)(struct fugue_op *, unsigned ms,
	    void (*fn)(const struct fugue_host *, struct fugue_op *, void *arg), void *arg);
};

/* One resource type. Callbacks the type lacks are NULL: the host then falls back (no sweep:
 * one read per resource; no update: a change is a replace). */
struct fugue_type {
	const char *name; /* "AWS.SQS.Queue"; its schema is schemas/Queue.json beside the module */
	void (*create)(const struct fugue_host *, struct fugue_op *);
	void (*read)(const struct fugue_host *, struct fugue_op *);
	void (*update)(const struct fugue_host *, struct fugue_op *);
	void (*delete)(const struct fugue_host *, struct fugue_op *);
	void (*sweep)(const struct fugue_host *, struct fugue_sweep *);
};

/* The one exported symbol: <name>_LTX_fugue_broker. */
struct fugue_broker {
	unsigned abi_major; /* FUGUE_BROKER_ABI_MAJOR: first, always */
	unsigned abi_minor; /* FUGUE_BROKER_ABI_MINOR */
	const char *name;   /* "sqs": the module's file name */
	const char *description;
	const struct fugue_type *types;
	size_t ntypes;
};

#ifdef __cplusplus
}
#endif

#endif
