/*
 * engine.h — the Conductor's engine: plugins, Manager (planner), Scheduler (timers, token
 * buckets, priorities), Broker (dispatch to plugins, observation) and the resources table.
 * The runtime (config, boot, request handling, the process state machine, store.c) drives it
 * through this interface only.
 *
 * Model. The runtime owns processes and their states; the engine owns resources. A process is
 * known to the engine by its FID from the first engine_apply (or from the resources table after
 * engine_recover) until engine_kill succeeds. Every call below runs on the loop and returns at
 * once; completion callbacks run later on the loop, never from inside the call.
 *
 * Jobs. engine_apply, engine_kill and engine_enforce each start one job for the process; a
 * process has at most one job at a time: a new one waits for the running one to end (a user
 * command is queued ahead of an enforcement pass, and an enforcement pass already queued is
 * merged into it). Jobs of different processes run at once, paced only by the token buckets
 * (and the gates that follow them: doc/conductor-engine.md).
 *
 * Enforcement. After a successful engine_apply with enforce on, the Scheduler runs an
 * enforcement job for the process every interval_s seconds (+/- 10 % jitter): observe (batched
 * sweep per type and region where the plugin has one, else reads), then put back what drifted
 * (update or replace) and re-create what was deleted. engine_set_enforcement switches it
 * (suspend: off; resume: engine_apply then on).
 *
 * Crash safety. Before every mutating AWS call the engine writes the intent (action, token,
 * desired properties) to the resources table, and the result after it. engine_recover, at boot,
 * loads the table and resolves every intent without a result through the plugin's read (by
 * physical id, else by tags fugue:fid/fugue:id or the deterministic name), so that a following
 * engine_apply neither duplicates nor loses a resource.
 *
 * The resources table (DynamoDB, created by the runtime at boot; default name
 * "fugue-resources"): partition key "fid" (S), sort key "lid" (S, the logical id); on-demand.
 * doc/conductor-engine.md records the engine's decisions.
 */
#ifndef FUGUE_ENGINE_H
#define FUGUE_ENGINE_H

#include <stddef.h>

#include "base.h"
#include "json.h"

struct fg_aws_env;
struct fg_http_client;
struct store;
struct engine;

/* A token-bucket size for one (service, read|write) pair in every account and region:
 * sustained calls per second and burst. Defaults follow AWS's documented or observed limits;
 * see scheduler.c. */
struct engine_limit {
	char service[32];    /* "sqs", "s3", ... */
	int write;           /* 1: mutating calls; 0: reads */
	double rate;         /* calls per second, > 0 */
	double burst;        /* bucket capacity, >= 1 */
};

/* Something the runtime records in history and publishes on the events topic. kind:
 * "job-started" and "job-finished" (of enforcement passes only: the runtime knows its own
 * jobs), "drift-fixed" (message "<logical id>: <action> <properties>"), "resource-failed"
 * ("<logical id>: <why>"). */
typedef void (*engine_event_fn)(void *arg, const char *fid, const char *kind,
    const char *message);

struct engine_config {
	/* Directories (':'-separated) of the plugin modules (<name>.la / <name>.so) with
	 * schemas/<Type>.json beside them; NULL: the installed $(pkglibdir)/plugins. */
	const char *plugin_dir;
	/* When set, schemas are read from <schema_dir>/<name>/schemas/<Type>.json instead (a
	 * build tree: $(top_srcdir)/plugins). */
	const char *schema_dir;
	const char *resources_table;       /* for messages when store is NULL (tests); the store
	                                    * names its own tables */
	const struct engine_limit *limits; /* overrides of the default bucket sizes */
	size_t nlimits;
	engine_event_fn event;             /* may be NULL */
	void *event_arg;
};

/* What the engine needs to know of a process. Strings are copied. */
struct engine_process {
	const char *fid;
	const char *account;   /* the account its resources live in (for the token buckets) */
	int enforce;           /* 1: Running with property enforcement=on */
	unsigned interval_s;   /* enforcement-interval; 0: 60 */
};

/* The end of a job. ok is 1 when every operation succeeded. message says what happened, for
 * the process's last message ("created 3, updated 1", "2 of 5 failed: q1: ..."). plan is the
 * list of operations [{"action": "create|update|replace|delete", "logical_id", "type"}]
 * (what would be done on a dry run, what was done otherwise), or NULL when there was none
 * (the job could not start); both are valid only during the callback. */
typedef void (*engine_done_fn)(void *arg, int ok, const char *message, fg_json plan);

/* engine.c */
/* Loads every plugin in the plugin directory and its schemas. NULL with *err (caller frees)
 * when the directory cannot be read or a plugin cannot be loaded (wrong ABI, bad schema): the
 * message says which file and what to do. The engine makes its own fg_aws over http and env
 * for the plugins' calls, with fg_aws's retries off: it retries itself, through its token
 * buckets, so that every attempt is paced. It uses http, env and store (the resources table)
 * but does not own them; free the engine first. */
struct engine *engine_new(struct fg_loop *, struct fg_http_client *, struct fg_aws_env *,
    struct store *, const struct engine_config *, char **err);
void engine_free(struct engine *);

/* At boot, before any other job: loads the resources table and resolves intents without a
 * result. cb's plan is NULL; message counts what was resolved. */
void engine_recover(struct engine *, engine_done_fn cb, void *arg);

/* run, update, resume: makes the process's resources match composition (a parsed compiled
 * composition, schemas/composition.schema.json; copied, the caller keeps it). On a dry run
 * only plans; otherwise plans, executes and, when p->enforce, keeps enforcing. A composition
 * that names an unknown type or a reference to an unknown logical id ends the job at once
 * with ok 0 and nothing done. */
void engine_apply(struct engine *, const struct engine_process *p, fg_json composition,
    int dry_run, engine_done_fn cb, void *arg);

/* kill: deletes every resource of the process, children first. On success the engine forgets
 * the process; on failure (ok 0) the resources left stay recorded and a later engine_kill
 * tries again. */
void engine_kill(struct engine *, const char *fid, int dry_run, engine_done_fn cb, void *arg);

/* One enforcement pass now (as the timer would), for a process engine_apply made known. */
void engine_enforce(struct engine *, const char *fid, engine_done_fn cb, void *arg);

/* Suspend (on 0), resume or a property change: starts or stops the enforcement timer and sets
 * its interval (0: 60 s). A job in progress finishes. */
void engine_set_enforcement(struct engine *, const char *fid, int on, unsigned interval_s);

/* status: writes the process's resources as a JSON array of
 * {"logical_id", "type", "physical_id", "status", "attempts", "last_error", "attributes"};
 * returns -1 (and writes nothing) when the engine does not know the process. */
int engine_status(struct engine *, const char *fid, struct fg_jw *);
/* Writes {"pending": n, "creating": n, "ready": n, "updating": n, "deleting": n,
 * "failed": n} for the process record (all 0 for an unknown process). */
void engine_counts(struct engine *, const char *fid, struct fg_jw *);

/* SIGTERM: starts no further AWS call; cancels the calls in flight (their intents stay in the
 * table), which ends the running jobs (their callbacks run, ok 0); answers the queued jobs at
 * once (ok 0); then calls cb (ok 1) once every write reached the resources table, at the
 * latest after timeout_ms (ok 0: engine_recover resolves what is left at the next boot). */
void engine_shutdown(struct engine *, unsigned timeout_ms, engine_done_fn cb, void *arg);

/* Parses a bucket size "sqs.write=50" or "s3.read=100/200" (rate/burst; burst defaults to the
 * rate) for flags and the config file. -1 with *err (caller frees) otherwise. */
int engine_limit_parse(const char *s, struct engine_limit *l, char **err);

#endif
