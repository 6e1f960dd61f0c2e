/* lc_bench.h: a load driver for fugue-localcloud benchmarks: starts the server on a free port,
 * keeps N signed keep-alive requests in flight, and reports requests/s, latency and RSS. */
#ifndef FUGUE_LC_BENCH_H
#define FUGUE_LC_BENCH_H

#include <sys/types.h>

#include "http.h"
#include "sigv4.h"

struct lcb_call {
	const char *method;
	char *path;                  /* raw path (caller allocates; freed by the driver) */
	char *body;                  /* freed by the driver; may be NULL */
	const char *service;         /* signing name */
	const char *target;          /* X-Amz-Target, or NULL */
	const char *content_type;
};
/* Fills call number n of a phase. */
typedef void (*lcb_build_fn)(unsigned n, struct lcb_call *, void *arg);

struct lcb {
	struct fg_loop *loop;
	struct fg_http_client *cl;
	pid_t pid;
	int port;
};
/* Starts bin (--port 0, then --data DIR, or --memory when dir is NULL) and a client. */
void lcb_start(struct lcb *, const char *bin, const char *dir, unsigned conns);
void lcb_stop(struct lcb *);
/* lcb_start for a benchmark run as "NAME [--data]": with --data in argv[1], a new directory made
 * from the mkdtemp template tmpl, which it returns; NULL (--memory) without. */
const char *lcb_start_args(struct lcb *, int argc, char **argv, const char *bin, char *tmpl,
    unsigned conns);
/* lcb_stop, then removes dir unless NULL; returns 1 when that fails, else 0. */
unsigned lcb_finish(struct lcb *, const char *dir);
/* Runs want calls with conc in flight; prints a line of figures under name (none when NULL).
 * Returns the number of failed calls (transport errors or a status other than 200). */
unsigned lcb_phase(struct lcb *, lcb_build_fn, void *arg, unsigned want, unsigned conc,
    const char *name);
long lcb_rss_kib(const struct lcb *);

#endif
