/* status.c: bench-status: the `fugue status` round trip against fugue-localcloud and a real
 * fugue-conductor: p50 and p99 of the whole command (a process per call, which makes and deletes
 * its reply queue) and of the request/reply alone (one client, its reply queue reused), with
 * PROCS processes running. Target: p50 <= 50 ms. Prints figures; not a timed test. */
#include "config.h"

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "cmd.h"
#include "lc_bench.h"

#define CALLS 200
#define PROCS 10
#define PREFIX "bench-"

/* Microseconds on the monotonic clock. */
static uint64_t
now_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000 + (uint64_t)ts.tv_nsec / 1000;
}

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

/* Writes text to path. */
static void
put(const char *path, const char *text, mode_t mode)
{
	FILE *f = fopen(path, "w");

	if (f == NULL || fputs(text, f) < 0 || fclose(f) != 0)
		fatal("%s", path);
	chmod(path, mode);
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
	char dir[] = "/tmp/fugue-bench-status.XXXXXX", *url, *secret_file, *text;
	char *fugue_status[] = { FUGUE_BIN, "status", NULL };
	uint64_t lat[CALLS], t0;
	struct cli_config *cfg;
	struct client *cl;
	struct reply rep;
	struct lcb lc;
	pid_t cond;
	char *err = NULL, secret[128];
	FILE *f;
	int i, rc;

	if (mkdtemp(dir) == NULL || chdir(dir) < 0)
		fatal("%s", dir);
	lcb_start(&lc, LOCALCLOUD_BIN, NULL, 1);
	url = fg_printf("http://127.0.0.1:%d", lc.port);
	setenv("AWS_ENDPOINT_URL", url, 1);
	setenv("AWS_ACCESS_KEY_ID", "AKIDLOCALCLOUD", 1);
	setenv("AWS_SECRET_ACCESS_KEY", "localcloud-secret", 1);
	setenv("AWS_REGION", "us-east-1", 1);
	setenv("AWS_EC2_METADATA_DISABLED", "true", 1);
	setenv("AWS_CONFIG_FILE", "/dev/null", 1);
	setenv("AWS_SHARED_CREDENTIALS_FILE", "/dev/null", 1);
	setenv("HOME", dir, 1);
	secret_file = fg_printf("%s/root.secret", dir);
	if ((cond = fork()) == 0) {
		if (freopen("conductor.log", "w", stdout) == NULL || dup2(1, 2) < 0)
			_exit(127);
		execl(CONDUCTOR_BIN, CONDUCTOR_BIN, "--config", "/dev/null", "--prefix", PREFIX,
		    "--root-secret-file", secret_file, "--plugin-dir", PLUGIN_DIR, "--schema-dir",
		    SCHEMA_DIR, "--log-level", "warn", (char *)NULL);
		_exit(127);
	}
	/* Ready once the root secret is written and a status answers. */
	put("fugue.yaml", "prefix: " PREFIX "\ntimeout: 10\n", 0644);
	for (i = 0; i < 300; i++) {
		if ((f = fopen(secret_file, "r")) != NULL) {
			if (fgets(secret, sizeof(secret), f) != NULL && strlen(secret) > 10) {
				fclose(f);
				secret[strcspn(secret, "\n")] = '\0';
				text = fg_printf("user: root\nsecret: %s\n", secret);
				put("fugue-credentials", text, 0600);
				free(text);
				if (run(fugue_status, NULL) == 0)
					break;
			} else
				fclose(f);
		}
		usleep(100000);
	}
	if (i == 300)
		fatalx("the Conductor did not answer within 30 s (see %s/conductor.log)", dir);

	/* Processes to list: each a run of an empty composition. */
	cfg = config_load(NULL, &err);
	if (cfg == NULL || config_load_credentials(cfg, &err) < 0)
		fatalx("%s", err);
	cl = client_new(NULL, cfg, NULL);
	run_processes(cl);

	for (i = 0; i < CALLS; i++) {
		t0 = now_us();
		if ((rc = run(fugue_status, NULL)) != 0)
			fatalx("fugue status exited %d", rc);
		lat[i] = now_us() - t0;
	}
	printf("bench-status: localcloud + fugue-conductor, %d processes\n", PROCS);
	figures("fugue status (a process per call, own reply queue)", lat, CALLS);
	for (i = 0; i < CALLS; i++) {
		t0 = now_us();
		if (client_request(cl, "status", 0, NULL, &rep, &err) != EXIT_OK || !rep.ok)
			fatalx("status: %s", err ? err : rep.message);
		lat[i] = now_us() - t0;
		reply_free(&rep);
	}
	figures("request/reply on one client (reply queue reused)", lat, CALLS);
	printf("target: p50 <= 50 ms for fugue status\n");
	client_free(cl);
	config_free(cfg);
	kill(cond, SIGTERM);
	waitpid(cond, &rc, 0);
	lcb_stop(&lc);
	text = fg_printf("rm -rf '%s'", dir);
	if (system(text) != 0)
		log_warnx("could not remove %s", dir);
	free(text);
	free(secret_file);
	free(url);
	return 0;
}
