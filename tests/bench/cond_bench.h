/* cond_bench.h: the harness of the Conductor's benchmarks: fugue-localcloud on a free port,
 * fugue-conductor against it under a private prefix, a CLI client signed as root, localcloud's
 * admin API (fault rules, counters) and the Conductor's /proc figures. */
#ifndef FUGUE_COND_BENCH_H
#define FUGUE_COND_BENCH_H

#include <stdint.h>
#include <sys/types.h>

#include "cmd.h"
#include "lc_bench.h"

struct cb {
	struct lcb lc;
	char *dir;                /* a fresh directory, the working directory while running */
	char *url;                /* localcloud's endpoint */
	pid_t cond;               /* fugue-conductor */
	struct cli_config *cfg;
	struct client *cl;
};

/* Starts localcloud (in memory) and a Conductor with the extra flags (NULL-terminated; may be
 * NULL; BENCH_CONDUCTOR_FLAGS adds more; BENCH_CONDUCTOR_WRAPPER runs it under a command such
 * as "heaptrack -o /tmp/h"), its log as JSON lines in conductor.log; waits until it answers a
 * status, and makes the client. name labels the directory. */
void cb_start(struct cb *, const char *name, const char *const *flags);
/* Stops the Conductor (after BENCH_HOLD seconds when set), localcloud, and removes the
 * directory (kept with BENCH_KEEP set). */
void cb_stop(struct cb *);
/* A request to localcloud's admin API (/_localcloud/<what>): its reply parsed (caller frees);
 * fatal unless it answers 200. */
fg_json cb_admin(struct cb *, const char *method, const char *what, const char *body);
/* The calls localcloud counted for (service, action) in counters (0 when absent). */
int64_t cb_count(fg_json counters, const char *service, const char *action);
/* Prints the counters, one service a line, with its actions. */
void cb_print_counters(fg_json counters);
/* A line of the Conductor's /proc/PID/status ("VmRSS"), in KiB; -1 when absent. */
long cb_proc_kib(const struct cb *, const char *field);
/* The CPU time (user + system) a process used so far, in seconds; -1 when unknown. */
double cb_cpu_s(pid_t);
/* Sends a request; fatal unless the Conductor answers ok. The caller frees rep. */
void cb_request(struct cb *, const char *command, const char *args, struct reply *rep);
/* Writes n queues named <prefix><i> into a Ludwig file, compiles it and uploads the
 * composition; *key and *hash are what run takes (caller frees key). */
void cb_queues_composition(struct cb *, const char *file, const char *prefix, unsigned n,
    char **key, char hash[65]);
/* Runs a process of the composition under alias. */
void cb_run(struct cb *, const char *alias, const char *key, const char *hash);
/* Milliseconds since the epoch of "YYYY-MM-DDTHH:MM:SS[.mmm]Z", or -1. */
int64_t cb_rfc3339_ms(const char *);
/* What status says of the processes whose alias starts with a prefix. */
struct cb_status {
	int64_t n[6];        /* resources: pending, creating, ready, updating, deleting, failed */
	unsigned procs;
	unsigned reported;   /* processes with a last message (a job of theirs ended) */
	unsigned enforced;   /* processes whose last message is an enforcement pass's */
	int64_t updated_ms;  /* the latest Updated time, ms since the epoch (the end of a job
	                      * updates its process's last message) */
};
void cb_status(struct cb *, const char *prefix, struct cb_status *);
/* Microseconds on the monotonic clock. */
uint64_t cb_now_us(void);

#endif
