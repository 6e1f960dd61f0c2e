/* http.c (bench-http): the HTTP client against a local evhttp server in a child process:
 * 10,000 sequential requests over keep-alive, then rounds of 500 requests in flight at once;
 * prints requests/s and p50/p99 latency for each. */
#include "config.h"

#include <errno.h>
#include <event2/buffer.h>
#include <event2/event.h>
#include <event2/http.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "http.h"

#define SEQUENTIAL 10000
#define IN_FLIGHT 500
#define ROUNDS 20
#define BODY_LEN 256

/* Microseconds on the monotonic clock (fg_mono_ms is too coarse for this). */
static uint64_t
now_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000 + (uint64_t)ts.tv_nsec / 1000;
}

/* ---- the server (child process) ---- */

/* Answers every request with a small fixed body. */
static void
serve(struct evhttp_request *req, void *arg)
{
	struct evbuffer *b = evbuffer_new();

	evbuffer_add(b, arg, BODY_LEN);
	evhttp_send_reply(req, 200, "OK", b);
	evbuffer_free(b);
}

/* Runs an evhttp server on the listening socket until killed. */
static void
server_main(int fd)
{
	struct event_base *base = event_base_new();
	struct evhttp *http = evhttp_new(base);
	static char body[BODY_LEN];

	memset(body, 'b', sizeof(body));
	evhttp_set_gencb(http, serve, body);
	if (base == NULL || http == NULL || evhttp_accept_socket(http, fd) != 0)
		_exit(2);
	event_base_dispatch(base);
	_exit(0);
}

/* ---- the client ---- */

struct run {
	struct fg_loop *loop;
	struct fg_http_client *cl;
	char url[64];
	uint64_t *lat;    /* latency of each request, microseconds */
	uint64_t *sent;   /* when each request was sent */
	int total;        /* requests in this phase */
	int issued;
	int done;
	int errors;
	int pending;      /* callbacks still expected in this round */
	int sequential;
};

struct slot {
	struct run *r;
	int i;
};

static void issue(struct run *, struct slot *);

/* A response arrived: records its latency, then issues the next request or ends the round. */
static void
on_response(enum fg_http_err err, const char *msg, struct fg_http_response *resp, void *arg)
{
	struct slot *s = arg;
	struct run *r = s->r;

	r->lat[s->i] = now_us() - r->sent[s->i];
	if (err != FG_HTTP_OK || resp->status != 200 || resp->body.len != BODY_LEN) {
		if (r->errors++ < 5)
			fprintf(stderr, "bench-http: request %d: %s\n", s->i,
			    err ? msg : "unexpected response");
	}
	r->done++;
	if (r->sequential && r->issued < r->total) {
		issue(r, s);
		return;
	}
	if (--r->pending == 0)
		fg_loop_exit(r->loop);
}

/* Sends request number r->issued using slot s. */
static void
issue(struct run *r, struct slot *s)
{
	struct fg_http_request req;

	fg_http_request_init(&req);
	req.method = "GET";
	req.url = r->url;
	s->r = r;
	s->i = r->issued++;
	r->sent[s->i] = now_us();
	fg_http_send(r->cl, &req, on_response, s);
}

/* Compares latencies for qsort. */
static int
cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

/* Runs one phase and prints its figures; returns the number of failed requests. */
static int
phase(struct fg_loop *loop, int port, const char *name, unsigned cap, int sequential)
{
	struct fg_http_opts o;
	struct fg_http_stats st;
	struct run r;
	struct slot *slots;
	uint64_t t0, elapsed;
	int total = sequential ? SEQUENTIAL : IN_FLIGHT * ROUNDS;

	fg_http_opts_default(&o);
	o.max_conns_per_host = cap;
	memset(&r, 0, sizeof(r));
	r.loop = loop;
	r.cl = fg_http_client_new(loop, &o);
	r.total = total;
	r.sequential = sequential;
	r.lat = calloc((size_t)total, sizeof(*r.lat));
	r.sent = calloc((size_t)total, sizeof(*r.sent));
	slots = calloc(IN_FLIGHT, sizeof(*slots));
	snprintf(r.url, sizeof(r.url), "http://127.0.0.1:%d/bench", port);
	t0 = now_us();
	if (sequential) {
		r.pending = 1;
		issue(&r, &slots[0]);
		fg_loop_run(loop);
	} else {
		for (int round = 0; round < ROUNDS; round++) {
			r.pending = IN_FLIGHT;
			for (int i = 0; i < IN_FLIGHT; i++)
				issue(&r, &slots[i]);
			fg_loop_run(loop);
		}
	}
	elapsed = now_us() - t0;
	fg_http_client_stats(r.cl, &st);
	qsort(r.lat, (size_t)total, sizeof(*r.lat), cmp_u64);
	printf("%-36s %6d requests  %8.0f req/s  p50 %6.0f us  p99 %6.0f us  (%llu connects)\n",
	    name, r.done, r.done / (elapsed / 1e6), (double)r.lat[total / 2],
	    (double)r.lat[total * 99 / 100], (unsigned long long)st.connects);
	fg_http_client_free(r.cl);
	free(r.lat);
	free(r.sent);
	free(slots);
	return r.errors + (r.done != total);
}

int
main(void)
{
	struct sockaddr_in sin;
	socklen_t len = sizeof(sin);
	struct rlimit rl;
	struct fg_loop *loop;
	pid_t pid;
	int fd, failed = 0, status;

	/* 500 connections on each side need more than the usual 1024 descriptors. */
	if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur < rl.rlim_max) {
		rl.rlim_cur = rl.rlim_max;
		setrlimit(RLIMIT_NOFILE, &rl);
	}
	memset(&sin, 0, sizeof(sin));
	sin.sin_family = AF_INET;
	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	fd = socket(AF_INET, SOCK_STREAM, 0);
	if (fd < 0 || bind(fd, (struct sockaddr *)&sin, sizeof(sin)) != 0 || listen(fd, 1024) != 0 ||
	    getsockname(fd, (struct sockaddr *)&sin, &len) != 0) {
		perror("bench-http: listen");
		return 1;
	}
	evutil_make_socket_nonblocking(fd);
	pid = fork();
	if (pid < 0) {
		perror("bench-http: fork");
		return 1;
	}
	if (pid == 0)
		server_main(fd);
	close(fd);
	printf("bench-http: evhttp server in child process %d on 127.0.0.1:%d, %d-byte bodies\n",
	    (int)pid, ntohs(sin.sin_port), BODY_LEN);
	loop = fg_loop_new();
	failed += phase(loop, ntohs(sin.sin_port), "sequential, keep-alive", 64, 1);
	failed += phase(loop, ntohs(sin.sin_port), "500 in flight, pool cap 64 (default)", 64, 0);
	failed += phase(loop, ntohs(sin.sin_port), "500 in flight, pool cap 500", IN_FLIGHT, 0);
	fg_loop_free(loop);
	kill(pid, SIGTERM);
	while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
		;
	if (failed)
		fprintf(stderr, "bench-http: %d requests failed\n", failed);
	return failed ? 1 : 0;
}
