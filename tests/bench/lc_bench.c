/* lc_bench.c: the load driver of the fugue-localcloud benchmarks (see lc_bench.h). */
#include "config.h"

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "lc_bench.h"

#define MAX_CONC 256

struct phase {
	struct lcb *b;
	lcb_build_fn build;
	void *arg;
	unsigned sent, done, failed, want;
	uint64_t *lat;
};

struct slot {
	struct phase *ph;
	uint64_t t0;
};

/* Microseconds on the monotonic clock. */
static uint64_t
now_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000 + (uint64_t)ts.tv_nsec / 1000;
}

static void issue(struct phase *, struct slot *);

/* Records a response and keeps the slot busy. */
static void
on_response(enum fg_http_err err, const char *msg, struct fg_http_response *resp, void *arg)
{
	struct slot *s = arg;
	struct phase *ph = s->ph;

	if (err != FG_HTTP_OK || resp->status != 200) {
		if (ph->failed++ < 3)
			fprintf(stderr, "bench: %s\n", err != FG_HTTP_OK ? msg :
			    resp->body.data ? resp->body.data : "(no body)");
	}
	ph->lat[ph->done++] = now_us() - s->t0;
	if (ph->done == ph->want)
		fg_loop_exit(ph->b->loop);
	else if (ph->sent < ph->want)
		issue(ph, s);
}

/* Builds, signs and sends the next call of the phase. */
static void
issue(struct phase *ph, struct slot *s)
{
	static const struct fg_creds creds = { "AKIDLOCALCLOUD", "localcloud-secret", NULL, 0,
		"bench" };
	struct lcb_call c = { 0 };
	struct fg_sigv4_params p = { .region = "us-east-1", .normalize_path = 1,
		.double_encode_path = 1, .payload = FG_PAYLOAD_SIGNED };
	struct fg_sigv4_request sr;
	struct fg_http_request req;
	char host[32], *url, *err = NULL;

	ph->build(ph->sent++, &c, ph->arg);
	snprintf(host, sizeof(host), "127.0.0.1:%d", ph->b->port);
	fg_http_request_init(&req);
	fg_headers_add(&req.headers, "Host", host);
	if (c.target)
		fg_headers_add(&req.headers, "X-Amz-Target", c.target);
	if (c.content_type)
		fg_headers_add(&req.headers, "Content-Type", c.content_type);
	req.method = c.method;
	req.body = c.body;
	req.body_len = c.body ? strlen(c.body) : 0;
	p.service = c.service;
	p.when = fg_wall_time();
	sr = (struct fg_sigv4_request){ req.method, c.path, NULL, &req.headers, req.body,
		req.body_len };
	if (fg_sigv4_sign(&creds, &p, &sr, NULL, &err) < 0)
		fatalx("signing: %s", err);
	url = fg_printf("http://%s%s", host, c.path);
	req.url = url;
	s->t0 = now_us();
	fg_http_send(ph->b->cl, &req, on_response, s);
	fg_http_request_free(&req);
	free(url);
	free(c.path);
	free(c.body);
}

/* Orders latencies. */
static int
u64_cmp(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return (x > y) - (x < y);
}

/* Runs one phase and prints its figures. */
unsigned
lcb_phase(struct lcb *b, lcb_build_fn build, void *arg, unsigned want, unsigned conc,
    const char *name)
{
	struct phase ph = { b, build, arg, 0, 0, 0, want, fg_calloc(want, sizeof(uint64_t)) };
	struct slot slots[MAX_CONC];
	uint64_t t0 = now_us();
	double secs;

	for (unsigned i = 0; i < conc && i < want && i < MAX_CONC; i++) {
		slots[i].ph = &ph;
		issue(&ph, &slots[i]);
	}
	fg_loop_run(b->loop);
	secs = (double)(now_us() - t0) / 1e6;
	qsort(ph.lat, want, sizeof(*ph.lat), u64_cmp);
	if (name)
		printf("%-30s %6u requests  %8.0f req/s  p50 %5.2f ms  p99 %5.2f ms  failed %u\n",
		    name, want, want / secs, ph.lat[want / 2] / 1000.0,
		    ph.lat[want * 99 / 100] / 1000.0, ph.failed);
	free(ph.lat);
	return ph.failed;
}

/* Starts the server and reads its port from the first line it prints. */
void
lcb_start(struct lcb *b, const char *bin, const char *dir, unsigned conns)
{
	struct fg_http_opts o;
	char line[128];
	int fds[2];
	FILE *f;

	signal(SIGPIPE, SIG_IGN);
	if (pipe(fds) < 0 || (b->pid = fork()) < 0)
		fatal("pipe/fork");
	if (b->pid == 0) {
		dup2(fds[1], 1);
		close(fds[0]);
		if (dir)
			execl(bin, bin, "--port", "0", "--data", dir, (char *)NULL);
		else
			execl(bin, bin, "--port", "0", "--memory", (char *)NULL);
		_exit(127);
	}
	close(fds[1]);
	f = fdopen(fds[0], "r");
	if (fgets(line, sizeof(line), f) == NULL ||
	    sscanf(line, "listening on 127.0.0.1:%d", &b->port) != 1)
		fatalx("%s did not start", bin);
	fclose(f);
	b->loop = fg_loop_new();
	fg_http_opts_default(&o);
	o.max_conns_per_host = conns;
	b->cl = fg_http_client_new(b->loop, &o);
}

/* Stops the client and the server. */
void
lcb_stop(struct lcb *b)
{
	int status;

	fg_http_client_free(b->cl);
	fg_loop_free(b->loop);
	kill(b->pid, SIGTERM);
	waitpid(b->pid, &status, 0);
}

/* Starts the server for "NAME [--data]": in a new temporary directory with --data. */
const char *
lcb_start_args(struct lcb *b, int argc, char **argv, const char *bin, char *tmpl,
    unsigned conns)
{
	const char *dir = argc > 1 && strcmp(argv[1], "--data") == 0 ? tmpl : NULL;

	if (dir && mkdtemp(tmpl) == NULL)
		fatal("mkdtemp");
	lcb_start(b, bin, dir, conns);
	return dir;
}

/* Stops the server and removes its temporary directory. */
unsigned
lcb_finish(struct lcb *b, const char *dir)
{
	unsigned failed = 0;

	lcb_stop(b);
	if (dir) {
		char *cmd = fg_printf("rm -rf '%s'", dir);

		if (system(cmd) != 0)
			failed++;
		free(cmd);
	}
	return failed;
}

/* The server's resident set size in KiB. */
long
lcb_rss_kib(const struct lcb *b)
{
	char path[64], line[256];
	long kib = -1;
	FILE *f;

	snprintf(path, sizeof(path), "/proc/%d/status", (int)b->pid);
	if ((f = fopen(path, "r")) == NULL)
		return -1;
	while (fgets(line, sizeof(line), f))
		if (sscanf(line, "VmRSS: %ld", &kib) == 1)
			break;
	fclose(f);
	return kib;
}
