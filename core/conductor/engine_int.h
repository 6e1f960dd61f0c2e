/* engine_int.h: the engine's private structures and prototypes, grouped by file. */
#ifndef FUGUE_ENGINE_INT_H
#define FUGUE_ENGINE_INT_H

#include <stddef.h>
#include <stdint.h>

#include "aws.h"
#include "engine.h"
#include "fugue/broker.h"

/* plugin.c: the plugin loader, the only user of libltdl. */
struct plugin;
/* A resource type: its plugin's callbacks and what its schema says. */
struct ptype {
	const struct fugue_type *t;
	const struct plugin *plugin;
	const char *name;       /* "AWS.SQS.Queue" */
	fg_json schema;
	fg_json props;          /* the schema's "properties" */
	const char *service;    /* x-fugue-service: the plugin's name */
	const char *identifier; /* x-fugue-identifier */
	int tags;               /* x-fugue-tags */
	int regional;           /* has a Region property */
	int id_is_prop;         /* the identifier is a property (a name the user chooses) */
};
struct plugins;
struct plugins *plugins_new(void);
void plugins_free(struct plugins *);
/* Loads every module <name>.la or <name>.so in the ':'-separated directories. With schema_dir,
 * schemas are read from <schema_dir>/<name>/schemas, else from schemas/ beside the module. */
int plugins_load_dirs(struct plugins *, const char *dirs, const char *schema_dir, char **err);
/* Loads one module, path without extension ("dir/sqs"). */
int plugins_load(struct plugins *, const char *path, const char *schema_dir, char **err);
const struct ptype *plugins_type(const struct plugins *, const char *name);
size_t plugins_count(const struct plugins *);
const char *plugin_name(const struct plugin *);

/* scheduler.c: token buckets with AIMD, priorities, fairness; enforcement timers. */
enum prio { PRIO_USER, PRIO_REMEDY, PRIO_SWEEP }; /* user commands > remediation > sweeps */
#define PRIO_N 3
/* A burst from a full bucket starts its refill when the first reply to it arrives, at the
 * latest this long after it: AWS's bucket, full too, starts refilling only when the first call
 * arrives (after a connection, a TLS handshake, and however long the Conductor took to send
 * it), and a bucket refilling ahead of AWS's sees the calls it paces at the full rate
 * throttled. */
#define SCHED_REFILL_WAIT_MS 500
struct sched;
struct sched_bucket;
struct sched_wait;
struct sched_stats {
	uint64_t granted;   /* tokens handed out */
	uint64_t throttled; /* throttling replies reported */
	uint64_t waiting;   /* waits queued now */
};
struct sched *sched_new(struct fg_loop *, const struct engine_limit *, size_t nlimits);
void sched_free(struct sched *);
/* The bucket of (account, region, service, read|write), made on first use. */
struct sched_bucket *sched_bucket(struct sched *, const char *account, const char *region,
    const char *service, int write);
/* Runs fn(arg) from the loop once the bucket grants a token: higher priorities first, and
 * round-robin between flows (processes) of one priority. */
struct sched_wait *sched_acquire(struct sched_bucket *, enum prio, const char *flow,
    void (*fn)(void *), void *arg);
void sched_cancel(struct sched_wait *);
/* The gate of the plan steps that call service in (account, region): sched_acquire on it
 * runs fn once fewer than its capacity (the service's read and write bursts) hold a place;
 * sched_release gives the place back. */
struct sched_bucket *sched_gate(struct sched *, const char *account, const char *region,
    const char *service);
void sched_release(struct sched_bucket *);
size_t sched_gate_inuse(const struct sched_bucket *);
/* After each attempt: a throttling reply halves the bucket's rate (at most once a second);
 * other replies raise it again by a tenth of its configured rate per second. The first reply
 * after a burst from a full bucket starts its refill. */
void sched_feedback(struct sched_bucket *, int throttled);
double sched_bucket_rate(const struct sched_bucket *);
void sched_stats(const struct sched *, struct sched_stats *);
/* Built-in bucket sizes: the engine_limit of service and kind, or NULL. */
const struct engine_limit *sched_default_limit(const char *service, int write);
/* A delay of ms +/- 10 % for timers that must not fire in step. */
uint64_t sched_jitter(uint64_t ms);

/* host.c: the struct fugue_host plugins get; operations, sweeps and calls. */
struct host;
struct strpool {
	char **v;
	size_t n;
	size_t cap;
	fg_json *trees; /* v_parse's values */
	size_t ntrees;
	size_t treecap;
};
enum op_kind { OPK_CREATE, OPK_READ, OPK_UPDATE, OPK_DELETE };
/* What an operation is about; strings are copied, values must outlive the operation. */
struct op_spec {
	const char *account;
	const char *fid;
	const char *lid;
	const char *region;   /* NULL for global types */
	const char *physical; /* NULL when unknown */
	const char *token;
	fg_json desired;
	fg_json observed;
	enum prio prio;
};
/* The end of an operation: status, observed JSON (NULL unless OK after create, read or
 * update), message (NULL when OK). */
typedef void (*op_end_fn)(struct fugue_op *, enum fugue_status, const char *observed,
    const char *message, void *arg);
typedef void (*op_physical_fn)(struct fugue_op *, const char *physical, void *arg);
typedef void (*sweep_found_fn)(struct fugue_sweep *, const char *physical, const char *observed,
    void *arg);
typedef void (*sweep_end_fn)(struct fugue_sweep *, enum fugue_status, const char *message,
    void *arg);
struct host_stats {
	uint64_t calls;   /* AWS calls sent by plugins */
	uint64_t retries;
	uint64_t inflight;
	uint64_t peak;    /* the most calls in flight at once */
	uint64_t ops;     /* operations in progress */
};
extern const struct fugue_host host_api;
struct host *host_new(struct fg_loop *, struct fg_aws *, struct sched *);
/* Ends every operation and sweep still open with FUGUE_E_RETRYABLE (callbacks run). */
void host_cancel_all(struct host *);
void host_free(struct host *);
/* Starts an operation: the type's callback runs from the loop; end runs exactly once. */
struct fugue_op *host_op_start(struct host *, const struct ptype *, enum op_kind,
    const struct op_spec *, op_end_fn end, op_physical_fn phys, void *arg);
/* Starts a sweep of the resources with these physical ids. */
struct fugue_sweep *host_sweep_start(struct host *, const struct ptype *, const char *account,
    const char *region, const char *flow, const char *const *physical, size_t n,
    sweep_found_fn found, sweep_end_fn end, void *arg);
/* Ends an operation or sweep at once (shutdown) with FUGUE_E_RETRYABLE "cancelled". */
void host_op_cancel(struct fugue_op *);
void host_sweep_cancel(struct fugue_sweep *);
void host_stats(const struct host *, struct host_stats *);
/* Strings that live until the pool is freed (v_json's results). */
void strpool_free(struct strpool *);
/* Makes pool the one v_json allocates in, for the duration of a plugin callback (NULL: none);
 * returns the one before. */
struct strpool *host_pool_enter(struct strpool *);

/* plugin.c (tests and built-in types): adds a type with the given callbacks and schema (taken)
 * under a module-less plugin called name. */
int plugins_add_type(struct plugins *, const char *name, const struct fugue_type *, fg_json schema,
    char **err);

/* diff.c: desired versus observed properties. */
int json_equal(fg_json, fg_json);
void json_write_sorted(struct fg_jw *, fg_json);
fg_json json_from_writer(struct fg_jw *);
void json_hash(fg_json, char out[65]);
fg_json desired_complete(const struct ptype *, fg_json props, const char *fid, const char *lid);
int ptype_replaces(const struct ptype *, const char *name);
size_t props_diff(const struct ptype *, fg_json want, fg_json have, fg_json last, char **names,
    int *replace);
fg_json props_applied(const struct ptype *, const char *props);

/* store_resources.c: the resources table, one record per resource of a process. */
enum rstatus { RS_PENDING, RS_CREATING, RS_READY, RS_UPDATING, RS_DELETING, RS_FAILED };
#define RS_N 6
struct rstore;
struct rwrite;
struct rrec {
	char *fid;
	char *lid;
	char *type;
	char *account;
	char *region;          /* where the resource lives (NULL: global) */
	char *physical;
	char hash[65];         /* of the complete desired properties last applied ("" none) */
	enum rstatus status;
	char *intent;          /* "create", "update", "delete": a mutating call may be in flight */
	char *token;           /* idempotency token of the intent */
	int64_t attempts;      /* failed attempts since the last success */
	char *last_error;
	char *props;           /* complete desired properties of the last intent (JSON) */
	char *obs_text;        /* the last observation (JSON), NULL when unknown */
	fg_json obs;           /* obs_text parsed: made by rrec_obs, dropped when its step or
	                        * job ends */
	char **deps;           /* logical ids it referenced when last applied */
	size_t ndeps;
	char *retiring;        /* a replaced resource's old physical id, to delete */
	char *retiring_region;
	int64_t ver;
	/* Not stored: what the current job knows. */
	int gone;              /* the last observation found it deleted */
	int seen;              /* observed (or made) by the current job */
	struct rwrite *inflight;
	struct rwrite *queued;
	struct rwrite *notifying; /* a write whose waiters are being called */
};
typedef void (*rrec_cb)(struct rrec *, int ok, const char *err, void *arg);
typedef void (*rstore_load_cb)(struct rrec **, size_t n, const char *err, void *arg);
const char *rstatus_name(enum rstatus);
/* store NULL keeps the records in memory only (tests). */
struct rstore *rstore_new(struct fg_loop *, struct store *);
void rstore_free(struct rstore *);
size_t rstore_pending(const struct rstore *);
/* Writes sent (puts and deletes), and the most in flight at once. */
void rstore_stats(const struct rstore *, uint64_t *writes, uint64_t *peak);
struct rrec *rrec_new(const char *fid, const char *lid, const char *type, const char *account);
void rrec_free(struct rrec *);
void rrec_set(char **field, const char *value);
/* Keeps observed JSON text (NULL: unknown); -1 with *err when it does not parse. */
int rrec_set_observed(struct rrec *, const char *json, char **err);
/* The last observation parsed (kept until rrec_obs_drop or the next rrec_set_observed), or
 * NULL when unknown. Only records being worked on hold a tree: one costs several times the
 * size of its text. */
fg_json rrec_obs(struct rrec *);
void rrec_obs_drop(struct rrec *);
/* Writes the record as it is now; writes of one record are ordered, and a write asked for
 * while one is in flight carries the latest state. cb may be NULL. */
void rrec_save(struct rstore *, struct rrec *, rrec_cb, void *arg);
/* Deletes the record's item (the record itself is the caller's). */
void rrec_remove(struct rstore *, struct rrec *, rrec_cb, void *arg);
/* Every record of the table. */
void rstore_load(struct rstore *, rstore_load_cb, void *arg);
/* The item of a record and back (exposed for tests). */
void rrec_write(struct fg_jw *, const struct rrec *);
struct rrec *rrec_read(fg_json item, char **err);

/* manager.c: compositions, references and plans. */
struct dres {
	char *lid;
	const struct ptype *pt;
	fg_json props;         /* with {"ref", "attr"} placeholders; inside comp->root */
	char *region;          /* NULL for global types */
	size_t *deps;          /* indexes in comp->res of the resources it references */
	size_t ndeps;
	char **refs;           /* every logical id it references, externals included */
	size_t nrefs;
};
struct dext {
	char *lid;
	const struct ptype *pt;
	char *physical;
	char *region;
};
struct comp {
	fg_json root;
	char *hash;
	struct dres *res;
	size_t n;
	struct dext *ext;
	size_t next;
};
struct comp *comp_new(const struct plugins *, fg_json composition, char **err);
void comp_free(struct comp *);
/* Index of the resource lid, or -1. */
long comp_find(const struct comp *, const char *lid);
const struct dext *comp_external(const struct comp *, const char *lid);
/* The live value of attr of the resource lid, or NULL when not known (yet). */
typedef fg_json (*ref_fn)(void *arg, const char *lid, const char *attr);
/* props with every placeholder replaced by its value; NULL and *missing ("lid.attr", caller
 * frees) when one is not known. */
fg_json refs_fill(fg_json props, ref_fn, void *arg, char **missing);

enum pact { PA_NONE, PA_CREATE, PA_UPDATE, PA_REPLACE, PA_DELETE };
enum nkind { N_CONVERGE, N_RETIRE, N_DELETE };
enum nstate { NS_WAIT, NS_RUN, NS_DONE, NS_FAILED, NS_SKIPPED };
/* One step of a plan: make a resource of the composition match (converge), delete the old
 * copy of a replaced one (retire), or delete a resource the composition dropped. */
struct pnode {
	enum nkind kind;
	long res;              /* converge, retire: index in comp->res; delete: -1 */
	struct rrec *rec;      /* NULL: none yet */
	enum pact act;         /* predicted, then what was done */
	char *why;             /* the properties that differ, for the plan */
	size_t *succ;          /* steps that wait for this one */
	size_t nsucc;
	size_t capsucc;
	size_t nwait;          /* steps this one still waits for */
	enum nstate state;
	struct admission *adm; /* ready, waiting for a place at its service's gate */
};
struct plan {
	struct pnode *v;
	size_t n;
	size_t *order;         /* a topological order */
};
const char *pact_name(enum pact);
/* Plans making the records (with their latest observation) match comp, or deleting them all
 * when comp is NULL. obs resolves references to what is observed now. -1 with *err on a
 * dependency cycle. */
int plan_build(struct plan *, const struct comp *, struct rrec *const *recs, size_t nrecs,
    const char *fid, ref_fn obs, void *arg, char **err);
void plan_free(struct plan *);
/* [{"action", "logical_id", "type"[, "changes"]}] for every step that does something. */
void plan_write(const struct plan *, const struct comp *, struct fg_jw *);

/* engine.c: processes and their jobs. */
struct job;
struct eproc {
	struct eproc *next;
	struct engine *e;
	char *fid;
	char *account;
	int enforce;
	unsigned interval_s;
	struct comp *comp;     /* the composition enforced; NULL until an apply */
	struct rrec **recs;    /* its resources */
	size_t nrecs;
	size_t caprecs;
	struct job *job;       /* running */
	struct job *queue;     /* waiting, user commands first */
	struct fg_timer *timer; /* the next enforcement */
	struct fg_timer *start; /* starts the job taken from the queue */
};
struct engine {
	struct fg_loop *loop;
	struct fg_aws *aws;
	struct sched *sched;
	struct host *host;
	struct plugins *plugins;
	struct rstore *rs;
	char *table;
	engine_event_fn event;
	void *event_arg;
	struct eproc *procs;
	int stopping;
	engine_done_fn stop_cb;
	void *stop_arg;
	uint64_t stop_deadline;
	struct fg_timer *stop_timer;
};
enum jkind { J_APPLY, J_ENFORCE, J_KILL, J_RECOVER };
struct job {
	struct job *next;
	struct engine *e;
	struct eproc *p;
	enum jkind kind;
	int dry_run;
	struct comp *comp;     /* apply: the new composition until it becomes p->comp */
	engine_done_fn cb;
	void *arg;
	enum prio prio_read;
	enum prio prio_write;
	size_t pending;        /* observations, or steps running */
	size_t parked;         /* steps waiting for their gate (broker.c) */
	int dispatching;
	struct plan plan;
	size_t left;           /* steps not finished */
	size_t *ready;         /* steps whose dependencies ended, not started */
	size_t nready;
	struct rrec **dead;    /* records deleted by the job, freed when it ends */
	size_t ndead;
	fg_json *ext_obs;      /* per external of comp: what is known of it */
	size_t next_obs;
	unsigned counts[5];    /* per enum pact: steps that did it */
	unsigned unchanged;
	unsigned failed;
	unsigned resolved;     /* intents resolved */
	struct fg_buf failures;
};
void eproc_add_rec(struct eproc *, struct rrec *);
void eproc_drop_rec(struct eproc *, struct rrec *);
/* Takes r out of its process; it is freed when the job ends. */
void job_bury(struct job *, struct rrec *);
struct rrec *eproc_rec(const struct eproc *, const char *lid);
/* A job's end: reports, frees it, starts the next. */
void job_finish(struct job *, const char *stop_reason);
void engine_emit(struct engine *, const char *fid, const char *kind, const char *fmt, ...)
    FG_PRINTF(4, 5);

/* broker.c: a job's observation and execution. */
/* Observes the process's resources (resolving intents first), then calls job_observed. */
void job_observe(struct job *);
void job_observed(struct job *);
/* Runs the plan's steps as their dependencies and the gates allow; job_finish when all
 * ended. */
void job_execute(struct job *);
/* Starts what is ready, or finishes the job at shutdown (engine_shutdown: a job whose steps
 * all wait for their gates has nothing else to wake it). */
void job_dispatch(struct job *);
/* Gives up the places the job's steps wait for (shutdown, job_free). */
void job_unpark(struct job *);
/* The value a reference names, as the job knows it now. */
fg_json job_ref(void *job, const char *lid, const char *attr);

#endif
