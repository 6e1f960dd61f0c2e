/* conductor.h: the Conductor runtime's private structures and prototypes, grouped by file
 * (the engine's are in engine.h and engine_int.h, the store's in store.h). */
#ifndef FUGUE_CONDUCTOR_H
#define FUGUE_CONDUCTOR_H

#include <stdint.h>
#include <stdio.h>
#include <sys/queue.h>

#include "aws.h"
#include "engine.h"
#include "protocol.h"
#include "store.h"

struct req;
struct proc;

/* config.c: settings from the config file, the environment and flags, driven by one table. */
struct config {
	char *file;                   /* the file read, NULL when none */
	char *region;                 /* NULL: the environment's (AWS_REGION, profile, IMDS) */
	char *endpoint;               /* NULL: AWS_ENDPOINT_URL and the rest of core/lib's chain */
	char *plugin_dir;
	char *schema_dir;             /* NULL: schemas beside the modules */
	char *prefix;                 /* in front of every queue, topic, table and bucket name */
	char *root_secret_file;       /* NULL: the root secret is only in S3 */
	char *log_level;              /* "warn", "info" or "debug" */
	char *log_format;             /* "auto", "text" or "json" */
	char *debug;                  /* debug subsystems, NULL for none */
	int64_t enforcement_interval; /* default of the property, seconds */
	int64_t poll_wait;            /* WaitTimeSeconds of the request queue's long poll */
	int64_t max_requests;         /* requests handled at once before polling pauses */
	int64_t max_connections;      /* HTTP connections per endpoint (the pool cap) */
	int64_t lease_duration;       /* seconds a lease lasts unless renewed (lease.c) */
	int64_t lease_renew;          /* seconds between the holder's renewals */
	char **limits;                /* token bucket sizes, "sqs.write=50" */
	size_t nlimits;
};
/* What the command line said: --config, --help, --version and settings in order. */
struct config_cli {
	char *file;
	int help;
	int version;
	char **names;
	char **values;
	size_t n;
};
int config_cli_parse(struct config_cli *, int argc, char **argv, char **err);
void config_cli_free(struct config_cli *);
/* Defaults, then the file (the default path may be missing, a --config file may not), then
 * FUGUE_CONDUCTOR_<NAME> variables, then flags. NULL with *err (caller frees). */
struct config *config_load(const struct config_cli *, char **err);
/* The settings of a YAML document; path is for messages ("file:line:column: ..."). */
int config_read_yaml(struct config *, const char *path, const char *text, size_t len,
    char **err);
/* One setting by name from text; where says where it came from, for messages. */
int config_set(struct config *, const char *name, const char *value, const char *where,
    char **err);
void config_free(struct config *);
void config_usage(FILE *);
/* Sets the log format, level and debug subsystems. */
void config_apply_log(const struct config *);

/* conductor.c: the daemon: loop, signals, start-up and shutdown. */
struct conductor {
	struct fg_loop *loop;
	struct config_cli cli;
	struct config *cfg;
	struct fg_http_client *http;
	struct fg_aws_env *env;
	struct fg_aws *aws;
	struct store *store;
	struct engine *engine;
	struct lease *lease;          /* made at boot once the region is known */
	struct fg_signal *sig_term, *sig_int, *sig_hup;
	struct fg_timer *deadline;    /* shutdown: exit at the latest then */
	struct fg_timer *drain;       /* shutdown: checks whether the work in flight ended */
	uint64_t stop_at_ms;          /* shutdown: the deadline */
	/* Learnt at boot. */
	char *account;
	char *region;
	char *bucket;
	char *queue_url;
	char *dlq_url;
	char *topic_arn;
	struct poller *poller;
	struct users *users;
	struct procs *procs;
	TAILQ_HEAD(, req) reqs;       /* requests being handled */
	size_t nreqs;
	int stopping;
	int engine_stopping;
	int engine_stopped;
	int lease_done;               /* shutdown: the lease is given up */
	int exit_code;
};
int conductor_main(int argc, char **argv);
/* Stops taking requests, lets the work in flight persist, exits the loop (within 10 s). */
void conductor_stop(struct conductor *, int exit_code);
/* The same within within_ms (sooner when a stop is already under way with a later deadline);
 * a receive in flight is cancelled unless the 10 s of conductor_stop are given. */
void conductor_stop_within(struct conductor *, int exit_code, uint64_t within_ms);
/* The lease's lost callback (lease.h): stops within within_ms, exit status 3. */
void conductor_lease_lost(void *conductor, uint64_t within_ms);
/* boot.c calls this when everything exists: starts the poller. */
void conductor_booted(struct conductor *);
/* The full name of a queue, topic or table: the prefix, then base. Caller frees. */
char *conductor_name(const struct conductor *, const char *base);
/* A request ended (its message deleted or left): lets polling and shutdown go on. */
void conductor_req_done(struct conductor *, struct req *);

/* boot.c: learns the account, creates what is missing, writes the ready marker. */
void boot_start(struct conductor *);

/* objects.c: objects of the Conductor's bucket. */
/* err NULL and the body on success; notfound set when the object does not exist. */
typedef void (*obj_cb)(const char *err, int notfound, const char *body, size_t len, void *arg);
void obj_get(struct conductor *, const char *key, obj_cb, void *arg);
void obj_put(struct conductor *, const char *key, const char *content_type, const void *body,
    size_t len, obj_cb, void *arg);

/* users.c: Fugue users and their secrets, cached. */
struct users *users_new(struct conductor *);
void users_free(struct users *);
/* secret NULL with err NULL: no such user; err: the lookup failed (try again later). A cached
 * answer calls back at once, from inside users_secret. */
typedef void (*users_cb)(const char *secret, const char *err, void *arg);
void users_secret(struct users *, const char *name, users_cb, void *arg);
/* Boot: makes sure the root user exists (a secret generated at first boot). */
void users_boot_root(struct users *, users_cb, void *arg);

/* poller.c: the long poll of the request queue. */
struct poller *poller_new(struct conductor *);
void poller_free(struct poller *);
void poller_start(struct poller *);
/* Stops polling; a receive in flight is let end when it ends within budget_ms (what it brings
 * is made visible again), else cancelled. */
void poller_stop(struct poller *, uint64_t budget_ms);
/* Whether a receive or the release of its messages is in flight. */
int poller_busy(const struct poller *);
/* Polls again if it paused for too many requests in flight. */
void poller_wake(struct poller *);
/* Deletes a request message, and calls done(arg) after. */
void poller_delete(struct poller *, const char *receipt, void (*done)(void *), void *arg);

/* verify.c: checks 1 to 6 of doc/protocol.md, with no I/O (the clock through the seam). */
enum req_check { RC_OK, RC_MALFORMED, RC_VERSION, RC_AUTH, RC_STALE };
const char *req_check_code(enum req_check); /* E_MALFORMED ... */
struct envelope {
	fg_json doc;
	const char *user;
	const char *body;
	size_t body_len;
	const char *hmac;
};
struct req_body {
	fg_json doc;
	const char *id;
	const char *time;
	const char *reply_to;
	const char *command;
	int64_t time_ms;
	int dry_run;
	fg_json args;          /* an object */
};
struct verify_ctx {
	const char *account;   /* reply queues must be in this account (NULL: any) */
	const char *reply_prefix; /* and named like this: "<prefix>fugue-reply-" */
};
/* Checks 1 and 2. */
enum req_check envelope_parse(const char *text, size_t len, struct envelope *, char **msg);
void envelope_free(struct envelope *);
/* Checks 3 to 6; secret NULL means the user does not exist. */
enum req_check envelope_verify(const struct envelope *, const char *secret,
    const struct verify_ctx *, struct req_body *, char **msg);
void req_body_free(struct req_body *);
/* For error replies to requests that fail a check: the id and reply_to the body claims, when
 * it parses and reply_to is acceptable; NULL otherwise (caller frees). */
void envelope_peek(const char *text, size_t len, const struct verify_ctx *, char **id,
    char **reply_to);
/* Whether url names a reply queue of this Conductor; -1 with *msg otherwise. */
int reply_to_check(const char *url, const struct verify_ctx *, char **msg);
/* Whether a user name can exist (1 to 64 of [A-Za-z0-9._-]): others are not looked up. */
int user_name_ok(const char *);
/* The HMAC of a body under a secret, as lower-case hex. */
void envelope_sign(const char *secret, const char *body, size_t len, char out[65]);

/* request.c: one request from its message to its reply. */
struct req {
	TAILQ_ENTRY(req) link;
	struct conductor *c;
	char *receipt;
	char *text;                   /* the message body */
	size_t len;
	unsigned receives;
	struct envelope env;
	struct req_body body;
	char *id;                     /* for the reply; "" when unknown */
	char *reply_to;               /* NULL: the request cannot be answered */
	int authenticated;            /* checks 1 to 6 passed: the reply is recorded */
	int replayed;                 /* the reply is the recorded first one */
	int recorded;                 /* the reply is in the requests table */
	int holds;                    /* the request holds proc (proc_acquire) */
	struct fg_jw out;             /* the reply being written */
	char *reply;                  /* the finished reply */
	/* Command state. */
	const struct command *cmd;
	struct proc *proc;
	fg_json composition;          /* the composition a command works on */
	char *change;                 /* property-set: "key = value" */
	int64_t limit;                /* history: records wanted */
	struct proc_rec next;         /* the record a transition writes */
	const char *from;             /* the state a transition leaves */
};
void request_handle(struct conductor *, const char *receipt, unsigned receives,
    const char *body, size_t len);
void req_free(struct req *);

/* reply.c: the reply: written, recorded, sent, then the request deleted. */
/* Opens {"v":1,"id":...,"ok":true,"result": ; the command writes the result value. */
struct fg_jw *reply_begin(struct req *);
/* Closes the reply begun and sends it. */
void reply_end(struct req *);
void reply_error(struct req *, const char *code, const char *fmt, ...) FG_PRINTF(3, 4);
/* Sends a recorded reply again (a request id seen before). */
void reply_again(struct req *, const char *text);

/* commands.c: the table of commands. */
struct command {
	const char *name;
	int dry_run;                  /* accepts dry_run */
	int needs_process;            /* args.process names an existing process */
	int mutates;                  /* refused on a locked process (lock itself aside) */
	void (*exec)(struct req *);
};
const struct command *command_find(const char *);
/* Argument helpers: a string member of args; -1 after replying InvalidArgument. */
int arg_str(struct req *, const char *name, int required, const char **out);
/* 1 when the request's user may see and act on p (root, or the user who ran it); else 0, and
 * when answer is set the request is answered Forbidden. */
int req_may(struct req *, const struct proc *p, int answer);
/* An integer member of args in [min, max], def when absent; -1 after replying. */
int arg_int(struct req *, const char *name, int64_t def, int64_t min, int64_t max,
    int64_t *out);
/* args.composition and args.hash: the key must be compositions/<hash>.json. */
int arg_composition(struct req *, const char **hash);
/* Replies the process record (r->proc, else the would-be process in r->next). */
void reply_process(struct req *, int with_resources, fg_json plan);
/* The end of a dry run: the plan, or the reason there is none. */
void cmd_on_plan(void *req, int ok, const char *message, fg_json plan);
/* Records the transition of r's process from a state to its current one. */
void cmd_transition(struct req *, const char *from);

/* cmd_run.c */
void cmd_run(struct req *);
void cmd_update(struct req *);
/* cmd_state.c */
void cmd_suspend(struct req *);
void cmd_resume(struct req *);
void cmd_kill(struct req *);
/* cmd_status.c */
void cmd_status(struct req *);
void cmd_history(struct req *);
/* cmd_property.c */
void cmd_property_get(struct req *);
void cmd_property_set(struct req *);

/* props.c: the process properties, from one table. */
enum prop_type { PROP_STRING, PROP_ONOFF, PROP_SECONDS };
struct prop_def {
	const char *name;
	enum prop_type type;
	int64_t min, max;             /* PROP_SECONDS: range; PROP_STRING: length */
	const char *help;
};
extern const struct prop_def prop_defs[];
extern const size_t prop_ndefs;
const struct prop_def *prop_find(const char *name);
/* "unknown property ... (properties: alias, ...)"; caller frees. */
char *prop_unknown(const char *name);
void props_default(struct proc_props *, int64_t interval_s);
/* Sets one property from text after checking it; -1 with *err (caller frees). */
int prop_set(struct proc_props *, const char *name, const char *value, char **err);
/* Writes {"name": value, ...} (one property when name is not NULL). */
void props_write(struct fg_jw *, const struct proc_props *, const char *name);
int alias_check(const char *, char **err);
/* Whether s looks like a FID (a UUID). */
int fid_like(const char *);

/* process.c: the processes in memory (one Conductor writes them: memory is authoritative and
 * every write is conditional on the version), their persistence, and their lock: whatever
 * writes a process (a command, the end of a job) holds it first. */
struct proc_waiter;
struct proc {
	TAILQ_ENTRY(proc) link;
	struct conductor *c;
	struct proc_rec rec;
	int busy;                     /* held */
	int gone;                     /* killed: freed once nothing waits for it */
	unsigned jobs;                /* runtime jobs (apply, kill) in progress */
	TAILQ_HEAD(, proc_waiter) waiting;
	struct fg_timer *retry;       /* Killing: the next attempt */
};
struct procs *procs_new(struct conductor *);
void procs_free(struct procs *);
/* Boot: loads every process; Running ones are applied again, Killing ones killed again. */
void procs_load(struct conductor *, void (*done)(void *arg, const char *err), void *arg);
struct proc *proc_find(struct conductor *, const char *fid_or_alias);
struct proc *procs_first(struct conductor *);
struct proc *proc_next(struct proc *);
size_t procs_count(struct conductor *);
/* Runs fn once p is held (at once when it is free); fn must end with proc_release. A process
 * killed meanwhile is still passed, with gone set. */
typedef void (*proc_held_fn)(struct conductor *, struct proc *, void *arg);
void proc_acquire(struct conductor *, struct proc *, proc_held_fn, void *arg);
void proc_release(struct conductor *, struct proc *);
/* Persists rec (a changed copy of p->rec, p held) with a conditional write; on success p->rec
 * becomes rec (moved: rec is left empty). cb's status is STORE_OK, STORE_CONFLICT or
 * STORE_ERROR; p is NULL when proc_create failed. */
typedef void (*proc_cb)(struct conductor *, struct proc *, const struct store_reply *, void *);
void proc_save(struct conductor *, struct proc *, struct proc_rec *rec, proc_cb, void *arg);
/* Persists a new process (rec is moved) and adds it. */
void proc_create(struct conductor *, struct proc_rec *rec, proc_cb, void *arg);
/* Deletes a killed process's item (p held) and marks it gone. */
void proc_forget(struct conductor *, struct proc *, proc_cb, void *arg);
/* The protocol's process record; with_resources adds the engine's resource list, plan (when
 * not NULL) the plan of a dry run. */
void proc_write_json(struct conductor *, struct fg_jw *, const struct proc *, int with_resources,
    fg_json plan);
/* The FID of the process a run request creates: derived from the request id, so a run that is
 * delivered again after a crash finds its process instead of making a second one. */
void fid_from_request(const char *id, char out[37]);
/* What the engine needs of a process. */
void proc_engine(const struct proc_rec *, struct engine_process *);
/* Sets a process's last message (held or not: it waits for the process). */
void proc_set_message(struct conductor *, struct proc *, const char *message);
/* A runtime job on p starts or ends (a gone process lives until its jobs end). */
void proc_job_begin(struct proc *);
void proc_job_end(struct proc *);

/* jobs.c: the jobs the runtime starts on the engine, and their records. */
/* Applies the process's composition with the engine (comp NULL: fetched from S3 first). */
void job_apply(struct conductor *, struct proc *, fg_json comp, const char *what,
    const char *user, const char *request);
/* Deletes the process's resources, then the process. */
void job_kill(struct conductor *, struct proc *, const char *user, const char *request);
/* Fetches compositions/<hash>.json, checks its hash, parses it; comp is the callback's to
 * free (NULL with err on failure). */
/* A fetched composition, or err (transient: S3 failed, the same request may succeed later). */
typedef void (*comp_cb)(struct conductor *, fg_json comp, const char *err, int transient,
    void *arg);
void composition_fetch(struct conductor *, const char *hash, comp_cb, void *arg);
/* The engine's events: history and the events topic. */
void jobs_event(void *conductor, const char *fid, const char *kind, const char *message);

/* history.c */
struct hist_entry {
	const char *fid, *kind, *what, *from, *to, *user, *request, *result, *message;
	const char *composition;
	fg_json detail;
};
void history_add(struct conductor *, const struct hist_entry *);
void history_write_json(struct fg_jw *, const struct hist_rec *);

/* events.c: the SNS events topic. */
void events_publish(struct conductor *, const char *fid, const char *kind, const char *message,
    fg_json detail);

#endif
