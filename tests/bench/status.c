/* status.c: bench-status: the `fugue status` round trip against fugue-localcloud and a real
 * fugue-conductor: p50 and p99 of the whole command (a process per call, which makes and deletes
 * its reply queue) and of the request/reply alone (one client, its reply queue reused), with
 * PROCS processes running. Target: p50 <= 50 ms. Prints figures; not a timed test. */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cond_bench.h"

#define CALLS 200
#define PROCS 10

/* Runs argv with stdout and stderr to /dev/null (stdout to out when given); its exit status. */
static int
run(char *const argv[], const char *out)
{
	pid_t pid;
	int status;

	if ((pid = fork()) < 0)
		fatal("fork");
	if (pid == 0) {
		if (freopen(out ? out : "/dev/null", "w", stdout) == NULL ||
		    freopen("/dev/null", "w", stderr) == NULL)
			_exit(127);
		execv(argv[0], argv);
		_exit(127);
	}
	if (waitpid(pid, &status, 0) < 0)
		fatal("waitpid");
	return WIFEXITED(status) ? WEXITSTATUS(status) : 128;
}

/* Sorts latencies. */
static int
cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

/* Prints p50, p99 and max of n latencies in microseconds. */
static void
figures(const char *what, uint64_t *lat, size_t n)
{
	qsort(lat, n, sizeof(*lat), cmp_u64);
	printf("%-58s p50 %6.1f ms  p99 %6.1f ms  max %6.1f ms  (%zu calls)\n", what,
	    (double)lat[n / 2] / 1000, (double)lat[n * 99 / 100] / 1000,
	    (double)lat[n - 1] / 1000, n);
}

/* Runs PROCS processes of an empty composition (so that status has something to list). */
static void
run_processes(struct client *cl)
{
	struct composition comp;
	struct reply rep;
	char alias[32], *args, *err = NULL;
	int i;

	memset(&comp, 0, sizeof(comp));
	comp.text = fg_strdup("{\"compiler\":\"bench\",\"externals\":[],\"hash\":\"sha256:0\","
	    "\"resources\":[],\"source\":\"bench.lw\",\"version\":1}");
	fg_sha256_hex(comp.text, strlen(comp.text), comp.hash);
	comp.key = fg_printf("compositions/%s.json", comp.hash);
	if (compose_upload(cl, &comp, &err) != EXIT_OK)
		fatalx("upload: %s", err);
	for (i = 0; i < PROCS; i++) {
		snprintf(alias, sizeof(alias), "bench-%d", i);
		args = request_args("composition", comp.key, "hash", comp.hash, "alias", alias, NULL);
		if (client_request(cl, "run", 0, args, &rep, &err) != EXIT_OK || !rep.ok)
			fatalx("run: %s", err ? err : rep.message);
		reply_free(&rep);
		free(args);
	}
	compose_free(&comp);
}

int
main(void)
{
	char *fugue_status[] = { FUGUE_BIN, "status", NULL };
	uint64_t lat[CALLS], t0;
	struct reply rep;
	struct cb b;
	char *err = NULL;
	int i, rc;

	cb_start(&b, "status", NULL);
	/* Processes to list: each a run of an empty composition. */
	run_processes(b.cl);

	for (i = 0; i < CALLS; i++) {
		t0 = cb_now_us();
		if ((rc = run(fugue_status, NULL)) != 0)
			fatalx("fugue status exited %d", rc);
		lat[i] = cb_now_us() - t0;
	}
	printf("bench-status: localcloud + fugue-conductor, %d processes\n", PROCS);
	figures("fugue status (a process per call, own reply queue)", lat, CALLS);
	for (i = 0; i < CALLS; i++) {
		t0 = cb_now_us();
		if (client_request(b.cl, "status", 0, NULL, &rep, &err) != EXIT_OK || !rep.ok)
			fatalx("status: %s", err ? err : rep.message);
		lat[i] = cb_now_us() - t0;
		reply_free(&rep);
	}
	figures("request/reply on one client (reply queue reused)", lat, CALLS);
	printf("target: p50 <= 50 ms for fugue status\n");
	cb_stop(&b);
	return 0;
}
