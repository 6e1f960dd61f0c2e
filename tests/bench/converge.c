/* converge.c: bench-converge: how fast a real fugue-conductor converges on fugue-localcloud.
 *   latency  1,000 independent queues, 100 ms of latency on every SQS call: wall time from the
 *            run request to all 1,000 ready (target <= 3 s; a sequential client needs >= 100 s,
 *            Terraform's default parallelism of 10 >= 10 s).
 *   rate     300 queues, localcloud throttling CreateQueue at 50/s and the Conductor's bucket
 *            set to the same (--limit sqs.write=50): achieved create rate (target >= 45/s) and
 *            the share of throttled calls (target <= 1 %).
 *   rss      10,000 queues in 100 processes, no latency: the Conductor's VmRSS and VmHWM once
 *            converged, and after an enforcement pass of every process (target <= 64 MB).
 * Usage: bench-converge [latency|rate|rss ...] (all three by default). Prints figures; asserts
 * nothing (the machine may be shared: times are noisy). BENCH_VERBOSE prints every status
 * poll; see cond_bench.h for BENCH_KEEP, BENCH_HOLD, BENCH_CONDUCTOR_FLAGS and
 * BENCH_CONDUCTOR_WRAPPER. */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cond_bench.h"

#define LAT_QUEUES 1000
#define LAT_MS 100
#define RATE_QUEUES 300
#define RATE 50
#define RSS_PROCS 100
#define RSS_QUEUES 100
#define RSS_INTERVAL "10"
#define POLL_MS 20
#define GIVE_UP_S 600

/* When a run converged, as seen by polling status. */
struct conv {
	double ready_s;     /* request to the first poll with every resource ready (or failed) */
	double mark_s;      /* ... with at least mark resources ready */
	double job_s;       /* request to the end of the last job (its process's Updated time) */
	unsigned polls;
	struct cb_status st;
};

/* Polls status until want resources of the processes under prefix are ready (or failed) and
 * each process's job reported; times are from t0 (the request). */
static void
wait_ready(struct cb *b, const char *prefix, int64_t want, int64_t mark, uint64_t t0,
    struct conv *cv)
{
	int64_t wall0 = fg_wall_ms() - (int64_t)(cb_now_us() - t0) / 1000;
	double secs;

	memset(cv, 0, sizeof(*cv));
	cv->ready_s = cv->mark_s = -1;
	for (;;) {
		cb_status(b, prefix, &cv->st);
		cv->polls++;
		secs = (double)(cb_now_us() - t0) / 1e6;
		if (getenv("BENCH_VERBOSE") != NULL)
			printf("  %7.3f s: %lld pending, %lld creating, %lld ready, %lld failed\n",
			    secs, (long long)cv->st.n[0], (long long)cv->st.n[1],
			    (long long)cv->st.n[2], (long long)cv->st.n[5]);
		if (cv->mark_s < 0 && cv->st.n[2] >= mark)
			cv->mark_s = secs;
		if (cv->ready_s < 0 && cv->st.n[2] + cv->st.n[5] >= want)
			cv->ready_s = secs;
		if (cv->ready_s >= 0 && cv->st.reported == cv->st.procs)
			break;
		if (secs > GIVE_UP_S)
			fatalx("not converged after %d s: %lld of %lld ready (see %s/conductor.log)",
			    GIVE_UP_S, (long long)cv->st.n[2], (long long)want, b->dir);
		usleep(POLL_MS * 1000);
	}
	cv->job_s = (double)(cv->st.updated_ms - wall0) / 1000;
	if (cv->st.n[5] > 0)
		printf("  %lld resources FAILED (see %s/conductor.log)\n", (long long)cv->st.n[5],
		    b->dir);
}

/* The engine's figures from the Conductor's log (its last "engine:" line) and the CPU time
 * the Conductor and localcloud used since cpu0 was taken. */
static void
print_engine_line(const struct cb *b, const double cpu0[2])
{
	char path[512], line[2048], *last = NULL;
	FILE *f;

	snprintf(path, sizeof(path), "%s/conductor.log", b->dir);
	if ((f = fopen(path, "r")) == NULL)
		return;
	while (fgets(line, sizeof(line), f)) {
		char *err = NULL;
		fg_json v = fg_json_parse(line, strlen(line), &err);
		const char *msg = fg_json_str(fg_json_get(v, "msg"));

		free(err);
		if (msg != NULL && strncmp(msg, "engine: ", 8) == 0 && strstr(msg, "in flight")) {
			free(last);
			last = fg_strdup(msg);
		}
		fg_json_free(v);
	}
	fclose(f);
	if (last != NULL)
		printf("  conductor: %s\n", last);
	free(last);
	printf("  CPU time: conductor %.2f s, localcloud %.2f s\n", cb_cpu_s(b->cond) - cpu0[0],
	    cb_cpu_s(b->lc.pid) - cpu0[1]);
}

/* The CPU time used so far by the Conductor and localcloud. */
static void
cpu_mark(const struct cb *b, double cpu[2])
{
	cpu[0] = cb_cpu_s(b->cond);
	cpu[1] = cb_cpu_s(b->lc.pid);
}

/* How the convergence was seen. */
static void
print_conv(const struct conv *cv)
{
	printf("  request to all ready: %.2f s (seen by %u status polls, each a round trip "
	    "through SQS); the job ended %.2f s after the request (its process's Updated time)\n",
	    cv->ready_s, cv->polls, cv->job_s);
}

/* 1,000 queues with 100 ms per SQS call. */
static void
phase_latency(void)
{
	struct cb b;
	char hash[65], *key, rule[128];
	struct conv cv;
	uint64_t t0;
	double cpu0[2];
	fg_json c;

	cb_start(&b, "converge", NULL);
	cb_queues_composition(&b, "queues.lw", "lat-", LAT_QUEUES, &key, hash);
	snprintf(rule, sizeof(rule), "{\"service\": \"sqs\", \"latency_ms\": %d}", LAT_MS);
	fg_json_free(cb_admin(&b, "POST", "faults", rule));
	fg_json_free(cb_admin(&b, "DELETE", "counters", NULL));
	cpu_mark(&b, cpu0);
	t0 = cb_now_us();
	cb_run(&b, "converge", key, hash);
	wait_ready(&b, "converge", LAT_QUEUES, LAT_QUEUES / 2, t0, &cv);
	c = cb_admin(&b, "GET", "counters", NULL);
	printf("bench-converge latency: %d independent queues, %d ms per SQS call\n", LAT_QUEUES,
	    LAT_MS);
	print_conv(&cv);
	printf("  target <= 3 s; a sequential client >= %.0f s, 10 at a time >= %.0f s\n",
	    (double)LAT_QUEUES * LAT_MS / 1000, (double)LAT_QUEUES * LAT_MS / 10000);
	cb_print_counters(c);
	print_engine_line(&b, cpu0);
	printf("  conductor VmRSS %ld KiB, VmHWM %ld KiB\n", cb_proc_kib(&b, "VmRSS"),
	    cb_proc_kib(&b, "VmHWM"));
	fg_json_free(c);
	free(key);
	cb_stop(&b);
}

/* 300 queues against localcloud's 50/s bucket, the Conductor's set to the same. */
static void
phase_rate(void)
{
	static const char *const flags[] = { "--limit", "sqs.write=50", NULL };
	struct cb b;
	char hash[65], *key, rule[128];
	int64_t creates, throttled, mark = RATE_QUEUES / 3;
	struct conv cv;
	uint64_t t0;
	double cpu0[2];
	fg_json c;

	cb_start(&b, "converge-rate", flags);
	cb_queues_composition(&b, "queues.lw", "rate-", RATE_QUEUES, &key, hash);
	snprintf(rule, sizeof(rule), "{\"service\": \"sqs\", \"action\": \"CreateQueue\", "
	    "\"rate\": %d, \"burst\": %d}", RATE, RATE);
	fg_json_free(cb_admin(&b, "POST", "faults", rule));
	fg_json_free(cb_admin(&b, "DELETE", "counters", NULL));
	cpu_mark(&b, cpu0);
	t0 = cb_now_us();
	cb_run(&b, "converge", key, hash);
	wait_ready(&b, "converge", RATE_QUEUES, mark, t0, &cv);
	c = cb_admin(&b, "GET", "counters", NULL);
	creates = cb_count(c, "sqs", "CreateQueue");
	/* Each queue is made by one CreateQueue that succeeds; every other one was throttled. */
	throttled = creates - RATE_QUEUES;
	printf("bench-converge rate: %d queues, localcloud limits CreateQueue to %d/s (burst %d), "
	    "--limit sqs.write=%d\n", RATE_QUEUES, RATE, RATE, RATE);
	print_conv(&cv);
	printf("  %.1f creates/s overall", RATE_QUEUES / cv.ready_s);
	if (cv.ready_s > cv.mark_s)
		printf(", %.1f/s after the first third (the burst spent)",
		    (double)(RATE_QUEUES - mark) / (cv.ready_s - cv.mark_s));
	printf("\n  CreateQueue calls %lld for %d queues: %lld throttled (%.2f %%)\n",
	    (long long)creates, RATE_QUEUES, (long long)throttled,
	    creates ? 100.0 * (double)throttled / (double)creates : 0.0);
	printf("  target >= 45/s with <= 1 %% throttled\n");
	cb_print_counters(c);
	print_engine_line(&b, cpu0);
	fg_json_free(c);
	free(key);
	cb_stop(&b);
}

/* 100 processes of 100 queues: the Conductor's memory, converged and after enforcement. */
static void
phase_rss(void)
{
	static const char *const flags[] = { "--enforcement-interval", RSS_INTERVAL, NULL };
	struct cb b;
	char hash[65], *key, file[64], prefix[32], alias[32];
	struct cb_status st;
	struct conv cv;
	long rss0;
	uint64_t t0;
	double cpu0[2];
	fg_json c;

	cb_start(&b, "converge-rss", flags);
	fg_json_free(cb_admin(&b, "DELETE", "counters", NULL));
	rss0 = cb_proc_kib(&b, "VmRSS");
	cpu_mark(&b, cpu0);
	t0 = cb_now_us();
	for (int i = 0; i < RSS_PROCS; i++) {
		snprintf(file, sizeof(file), "p%03d.lw", i);
		snprintf(prefix, sizeof(prefix), "p%03d-", i);
		snprintf(alias, sizeof(alias), "rss-%03d", i);
		cb_queues_composition(&b, file, prefix, RSS_QUEUES, &key, hash);
		cb_run(&b, alias, key, hash);
		free(key);
	}
	wait_ready(&b, "rss-", RSS_PROCS * RSS_QUEUES, 0, t0, &cv);
	c = cb_admin(&b, "GET", "counters", NULL);
	printf("bench-converge rss: %d processes of %d queues, no latency, enforcement every %s s\n",
	    RSS_PROCS, RSS_QUEUES, RSS_INTERVAL);
	print_conv(&cv);
	printf("  converged: conductor VmRSS %ld KiB (%ld KiB before the runs), VmHWM %ld KiB; "
	    "target <= 64 MB\n", cb_proc_kib(&b, "VmRSS"), rss0, cb_proc_kib(&b, "VmHWM"));
	cb_print_counters(c);
	print_engine_line(&b, cpu0);
	fg_json_free(c);
	/* Every process enforced once more: sweeps of all 10,000 queues. */
	do {
		usleep(500 * 1000);
		cb_status(&b, "rss-", &st);
	} while (st.enforced < st.procs);
	printf("  after an enforcement pass of every process: VmRSS %ld KiB, VmHWM %ld KiB\n",
	    cb_proc_kib(&b, "VmRSS"), cb_proc_kib(&b, "VmHWM"));
	cb_stop(&b);
}

int
main(int argc, char **argv)
{
	static const struct {
		const char *name;
		void (*fn)(void);
	} phases[] = { { "latency", phase_latency }, { "rate", phase_rate }, { "rss", phase_rss } };
	int i;

	setvbuf(stdout, NULL, _IOLBF, 0);
	for (i = 1; i < argc; i++) {
		size_t k;

		for (k = 0; k < FG_ARRAY_LEN(phases) && strcmp(argv[i], phases[k].name) != 0; k++)
			;
		if (k == FG_ARRAY_LEN(phases)) {
			fprintf(stderr, "usage: bench-converge [latency|rate|rss ...]\n");
			return 2;
		}
		phases[k].fn();
	}
	if (argc == 1)
		for (size_t k = 0; k < FG_ARRAY_LEN(phases); k++)
			phases[k].fn();
	return 0;
}
