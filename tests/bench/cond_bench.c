/* cond_bench.c: the harness of the Conductor's benchmarks (see cond_bench.h). */
#include "config.h"

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "cond_bench.h"

#define PREFIX "bench-"
#define READY_TRIES 600 /* of 100 ms */
#define MAX_FLAGS 32

static struct cb *running; /* stopped at exit when a benchmark fails */

static const char *const status_names[] = { "pending", "creating", "ready", "updating",
	"deleting", "failed" };

/* Microseconds on the monotonic clock. */
uint64_t
cb_now_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000 + (uint64_t)ts.tv_nsec / 1000;
}

/* Writes text to path with mode. */
static void
put(const char *path, const char *text, mode_t mode)
{
	FILE *f = fopen(path, "w");

	if (f == NULL || fputs(text, f) < 0 || fclose(f) != 0)
		fatal("%s", path);
	chmod(path, mode);
}

/* Appends the space-separated words of the variable var to argv (at most max in all). */
static char *
add_words(const char **argv, size_t *n, size_t max, const char *var)
{
	char *text = getenv(var) ? fg_strdup(getenv(var)) : NULL, *save = NULL;

	for (char *w = text ? strtok_r(text, " ", &save) : NULL; w != NULL && *n < max;
	    w = strtok_r(NULL, " ", &save))
		argv[(*n)++] = w;
	return text;
}

/* Starts fugue-conductor with its log in conductor.log. */
static void
conductor_spawn(struct cb *b, const char *const *flags)
{
	const char *argv[2 * MAX_FLAGS + 24];
	char *wrap, *more;
	size_t n = 0;

	/* A command to run it under (heaptrack, valgrind). */
	wrap = add_words(argv, &n, MAX_FLAGS, "BENCH_CONDUCTOR_WRAPPER");
	argv[n++] = CONDUCTOR_BIN;
	argv[n++] = "--config";
	argv[n++] = "/dev/null";
	argv[n++] = "--prefix";
	argv[n++] = PREFIX;
	argv[n++] = "--root-secret-file";
	argv[n++] = "root.secret";
	argv[n++] = "--plugin-dir";
	argv[n++] = PLUGIN_DIR;
	argv[n++] = "--schema-dir";
	argv[n++] = SCHEMA_DIR;
	argv[n++] = "--log-level";
	argv[n++] = "info";
	argv[n++] = "--log-format";
	argv[n++] = "json";
	for (size_t i = 0; flags != NULL && flags[i] != NULL && i < MAX_FLAGS; i++)
		argv[n++] = flags[i];
	/* More flags for an experiment. */
	more = add_words(argv, &n, 2 * MAX_FLAGS + 23, "BENCH_CONDUCTOR_FLAGS");
	argv[n] = NULL;
	if ((b->cond = fork()) < 0)
		fatal("fork");
	if (b->cond == 0) {
		if (freopen("conductor.log", "w", stdout) == NULL || dup2(1, 2) < 0)
			_exit(127);
		execvp(argv[0], (char *const *)(uintptr_t)argv);
		_exit(127);
	}
	free(wrap);
	free(more);
}

/* Once the root secret is written: the credentials file, the settings and the client. */
static int
client_ready(struct cb *b)
{
	char secret[128], *text, *err = NULL;
	struct reply rep;
	FILE *f;

	if (b->cl == NULL) {
		if ((f = fopen("root.secret", "r")) == NULL)
			return 0;
		if (fgets(secret, sizeof(secret), f) == NULL || strlen(secret) < 10) {
			fclose(f);
			return 0;
		}
		fclose(f);
		secret[strcspn(secret, "\n")] = '\0';
		text = fg_printf("user: root\nsecret: %s\n", secret);
		put("fugue-credentials", text, 0600);
		free(text);
		b->cfg = config_load(NULL, &err);
		if (b->cfg == NULL || config_load_credentials(b->cfg, &err) < 0)
			fatalx("%s", err);
		b->cl = client_new(NULL, b->cfg, NULL);
	}
	if (client_request(b->cl, "status", 0, NULL, &rep, &err) != EXIT_OK) {
		free(err);
		return 0;
	}
	reply_free(&rep);
	return 1;
}

/* A benchmark that fails exits: its servers go with it. */
static void
kill_running(void)
{
	if (running == NULL)
		return;
	if (running->cond > 0)
		kill(running->cond, SIGKILL);
	if (running->lc.pid > 0)
		kill(running->lc.pid, SIGKILL);
	fprintf(stderr, "bench: stopped; what it left is in %s\n", running->dir);
}

/* Starts localcloud and the Conductor; see cond_bench.h. */
void
cb_start(struct cb *b, const char *name, const char *const *flags)
{
	static int registered;
	char *tmpl = fg_printf("/tmp/fugue-bench-%s.XXXXXX", name);
	int i;

	memset(b, 0, sizeof(*b));
	if (!registered++)
		atexit(kill_running);
	running = b;
	if (mkdtemp(tmpl) == NULL || chdir(tmpl) < 0)
		fatal("%s", tmpl);
	b->dir = tmpl;
	lcb_start(&b->lc, LOCALCLOUD_BIN, NULL, 4);
	b->url = fg_printf("http://127.0.0.1:%d", b->lc.port);
	setenv("AWS_ENDPOINT_URL", b->url, 1);
	setenv("AWS_ACCESS_KEY_ID", "AKIDLOCALCLOUD", 1);
	setenv("AWS_SECRET_ACCESS_KEY", "localcloud-secret", 1);
	setenv("AWS_REGION", "us-east-1", 1);
	setenv("AWS_EC2_METADATA_DISABLED", "true", 1);
	setenv("AWS_CONFIG_FILE", "/dev/null", 1);
	setenv("AWS_SHARED_CREDENTIALS_FILE", "/dev/null", 1);
	setenv("HOME", b->dir, 1);
	setenv("LUDWIG_PATH", LUDWIG_DIR, 1);
	setenv("FUGUE_SCHEMA_PATH", SCHEMA_DIR, 1);
	put("fugue.yaml", "prefix: " PREFIX "\ntimeout: 120\n", 0644);
	conductor_spawn(b, flags);
	for (i = 0; i < READY_TRIES && !client_ready(b); i++) {
		if (waitpid(b->cond, NULL, WNOHANG) == b->cond)
			fatalx("fugue-conductor exited at start (see %s/conductor.log)", b->dir);
		usleep(100000);
	}
	if (i == READY_TRIES)
		fatalx("the Conductor did not answer within 60 s (see %s/conductor.log)", b->dir);
}

/* Stops everything and removes the directory. */
void
cb_stop(struct cb *b)
{
	char *cmd;
	int st;

	if (getenv("BENCH_HOLD") != NULL) {
		/* Time to look at the live processes (gdb, /proc). */
		printf("  holding fugue-conductor %d for %s s (BENCH_HOLD)\n", (int)b->cond,
		    getenv("BENCH_HOLD"));
		sleep((unsigned)atoi(getenv("BENCH_HOLD")));
	}
	if (b->cl)
		client_free(b->cl);
	if (b->cfg)
		config_free(b->cfg);
	kill(b->cond, SIGTERM);
	waitpid(b->cond, &st, 0);
	lcb_stop(&b->lc);
	running = NULL;
	if (chdir("/") < 0)
		fatal("/");
	if (getenv("BENCH_KEEP") != NULL)
		printf("  kept %s (BENCH_KEEP)\n", b->dir);
	else {
		cmd = fg_printf("rm -rf '%s'", b->dir);
		if (system(cmd) != 0)
			log_warnx("could not remove %s", b->dir);
		free(cmd);
	}
	free(b->dir);
	free(b->url);
}

/* What an admin call answered. */
struct admin {
	struct fg_loop *loop;
	int status;
	char *body;
	char *err;
};

/* The admin call answered. */
static void
on_admin(enum fg_http_err err, const char *msg, struct fg_http_response *resp, void *arg)
{
	struct admin *a = arg;

	if (err != FG_HTTP_OK)
		a->err = fg_strdup(msg);
	else {
		a->status = resp->status;
		a->body = fg_strdup(resp->body.data ? resp->body.data : "");
	}
	fg_loop_exit(a->loop);
}

/* A call of localcloud's admin API. */
fg_json
cb_admin(struct cb *b, const char *method, const char *what, const char *body)
{
	struct admin a = { b->lc.loop, 0, NULL, NULL };
	struct fg_http_request req;
	char *url = fg_printf("%s/_localcloud/%s", b->url, what), *err = NULL;
	fg_json v;

	fg_http_request_init(&req);
	req.method = method;
	req.url = url;
	req.body = body;
	req.body_len = body ? strlen(body) : 0;
	if (body)
		fg_headers_add(&req.headers, "Content-Type", "application/json");
	fg_http_send(b->lc.cl, &req, on_admin, &a);
	fg_loop_run(b->lc.loop);
	fg_http_request_free(&req);
	if (a.err != NULL || a.status != 200)
		fatalx("%s %s: %s", method, url, a.err ? a.err : a.body);
	if ((v = fg_json_parse(a.body, strlen(a.body), &err)) == NULL)
		fatalx("%s %s: %s", method, url, err);
	free(a.body);
	free(url);
	return v;
}

/* A counter of (service, action). */
int64_t
cb_count(fg_json counters, const char *service, const char *action)
{
	fg_json svc = fg_json_get(fg_json_get(counters, "calls"), service);
	int64_t n = 0;

	if (fg_json_int(fg_json_get(svc, action), &n) < 0)
		return 0;
	return n;
}

/* One line per service: its total and its actions. */
void
cb_print_counters(fg_json counters)
{
	fg_json calls = fg_json_get(counters, "calls");
	int64_t total = 0;

	fg_json_int(fg_json_get(counters, "total"), &total);
	printf("  localcloud counted %lld calls:\n", (long long)total);
	for (size_t i = 0; i < fg_json_len(calls); i++) {
		fg_json svc = fg_json_at(calls, i);
		int64_t sum = 0, n;

		for (size_t k = 0; k < fg_json_len(svc); k++)
			if (fg_json_int(fg_json_at(svc, k), &n) == 0)
				sum += n;
		printf("    %-9s %6lld:", fg_json_key(calls, i), (long long)sum);
		for (size_t k = 0; k < fg_json_len(svc); k++)
			if (fg_json_int(fg_json_at(svc, k), &n) == 0)
				printf(" %s %lld", fg_json_key(svc, k), (long long)n);
		printf("\n");
	}
}

/* A line of /proc/PID/status in KiB. */
long
cb_proc_kib(const struct cb *b, const char *field)
{
	char path[64], line[256];
	size_t len = strlen(field);
	long kib = -1;
	FILE *f;

	snprintf(path, sizeof(path), "/proc/%d/status", (int)b->cond);
	if ((f = fopen(path, "r")) == NULL)
		return -1;
	while (fgets(line, sizeof(line), f))
		if (strncmp(line, field, len) == 0 && line[len] == ':') {
			kib = strtol(line + len + 1, NULL, 10);
			break;
		}
	fclose(f);
	return kib;
}

/* utime + stime of /proc/PID/stat. */
double
cb_cpu_s(pid_t pid)
{
	char path[64], buf[1024], *p;
	unsigned long ut, st;
	size_t n;
	FILE *f;

	snprintf(path, sizeof(path), "/proc/%d/stat", (int)pid);
	if ((f = fopen(path, "r")) == NULL)
		return -1;
	n = fread(buf, 1, sizeof(buf) - 1, f);
	fclose(f);
	buf[n] = '\0';
	/* After "pid (comm) ": state is field 3, utime and stime fields 14 and 15. */
	if ((p = strrchr(buf, ')')) == NULL ||
	    sscanf(p + 2, "%*c %*d %*d %*d %*d %*d %*u %*u %*u %*u %*u %lu %lu", &ut, &st) != 2)
		return -1;
	return (double)(ut + st) / (double)sysconf(_SC_CLK_TCK);
}

/* A request the Conductor must answer ok. */
void
cb_request(struct cb *b, const char *command, const char *args, struct reply *rep)
{
	char *err = NULL;

	if (client_request(b->cl, command, 0, args, rep, &err) != EXIT_OK)
		fatalx("%s: %s (see %s/conductor.log)", command, err, b->dir);
	if (!rep->ok)
		fatalx("%s: %s: %s", command, rep->code, rep->message);
}

/* Writes, compiles and uploads a composition of n queues. */
void
cb_queues_composition(struct cb *b, const char *file, const char *prefix, unsigned n,
    char **key, char hash[65])
{
	struct composition comp;
	char *err = NULL;
	FILE *f = fopen(file, "w");

	if (f == NULL)
		fatal("%s", file);
	fprintf(f, "# %u independent queues (bench-converge)\ncomposition\n\n"
	    "import Fugue.AWS as AWS\nimport Fugue.AWS.SQS as SQS\n\n"
	    "region: AWS.Us-east-1\n\n", n);
	for (unsigned i = 0; i < n; i++)
		fprintf(f, "q%05u: SQS.Queue.new {name: \"%s%05u\", region: region}\n", i, prefix, i);
	if (fclose(f) != 0)
		fatal("%s", file);
	if (compose_compile(file, 0, stderr, &comp) != EXIT_OK)
		fatalx("%s does not compile", file);
	if (compose_upload(b->cl, &comp, &err) != EXIT_OK)
		fatalx("upload: %s", err);
	*key = fg_strdup(comp.key);
	memcpy(hash, comp.hash, 65);
	compose_free(&comp);
}

/* Runs a process. */
void
cb_run(struct cb *b, const char *alias, const char *key, const char *hash)
{
	char *args = request_args("composition", key, "hash", hash, "alias", alias, NULL);
	struct reply rep;

	cb_request(b, "run", args, &rep);
	reply_free(&rep);
	free(args);
}

/* Milliseconds since the epoch of "YYYY-MM-DDTHH:MM:SS[.mmm]Z", or -1. */
int64_t
cb_rfc3339_ms(const char *s)
{
	struct tm tm;
	int ms = 0;

	memset(&tm, 0, sizeof(tm));
	if (s == NULL || sscanf(s, "%d-%d-%dT%d:%d:%d.%3d", &tm.tm_year, &tm.tm_mon, &tm.tm_mday,
	    &tm.tm_hour, &tm.tm_min, &tm.tm_sec, &ms) < 6)
		return -1;
	tm.tm_year -= 1900;
	tm.tm_mon--;
	return (int64_t)timegm(&tm) * 1000 + ms;
}

/* Sums up the processes under prefix. */
void
cb_status(struct cb *b, const char *prefix, struct cb_status *st)
{
	struct reply rep;
	fg_json procs;

	memset(st, 0, sizeof(*st));
	cb_request(b, "status", NULL, &rep);
	procs = fg_json_get(rep.result, "processes");
	for (size_t i = 0; i < fg_json_len(procs); i++) {
		fg_json p = fg_json_at(procs, i), res = fg_json_get(p, "resources");
		const char *alias = fg_json_str(fg_json_get(p, "alias"));
		const char *msg = fg_json_str(fg_json_get(p, "last_message"));
		int64_t t = cb_rfc3339_ms(fg_json_str(fg_json_get(p, "updated")));

		if (alias == NULL || strncmp(alias, prefix, strlen(prefix)) != 0)
			continue;
		st->procs++;
		st->reported += msg != NULL && *msg != '\0';
		st->enforced += msg != NULL && strncmp(msg, "enforce:", 8) == 0;
		if (t > st->updated_ms)
			st->updated_ms = t;
		for (int k = 0; k < 6; k++) {
			int64_t n = 0;

			if (fg_json_int(fg_json_get(res, status_names[k]), &n) == 0)
				st->n[k] += n;
		}
	}
	reply_free(&rep);
}
