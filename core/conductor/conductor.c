/* conductor.c: the daemon: settings, the loop and its clients, signals, start-up, shutdown. */
#include "config.h"

#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>

#include "conductor.h"
#include "fugue/broker.h"
#include "lease.h"

#define STOP_WITHIN_MS 9500  /* SIGTERM: exit at the latest after this (systemd waits 10 s) */
#define DRAIN_CHECK_MS 50
#define RECEIVE_STOP_MS 1500 /* a receive that ends within this is let end */
#define STOP_MARGIN_MS 300   /* kept after the engine's share, for the store's last writes */

/* Prefix + base: the name of one of the Conductor's queues, topics or tables. */
char *
conductor_name(const struct conductor *c, const char *base)
{
	return fg_printf("%s%s", c->cfg->prefix, base);
}

/* The deadline of a shutdown passed: exit with what is persisted. */
static void
on_deadline(void *arg)
{
	struct conductor *c = arg;

	log_warnx("shutdown: work still in flight at the deadline; exiting (the next boot "
	    "resolves it)");
	fg_loop_exit(c->loop);
}

/* The engine let its calls end (or gave up). */
static void
on_engine_stopped(void *arg, int ok, const char *message, fg_json plan)
{
	struct conductor *c = arg;

	(void)plan;
	if (!ok)
		log_warnx("shutdown: engine: %s", message ? message : "calls still in flight");
	c->engine_stopped = 1;
	fg_timer_add(c->drain, 0);
}

/* The lease is given up (or was not held). */
static void
on_lease_released(void *arg)
{
	struct conductor *c = arg;

	fg_timer_add(c->drain, 0);
}

/* Shutdown: waits for requests, then the engine, then the store's writes, gives the lease up,
 * then exits. */
static void
on_drain(void *arg)
{
	struct conductor *c = arg;

	if (c->nreqs > 0 || poller_busy(c->poller)) {
		fg_timer_add(c->drain, DRAIN_CHECK_MS);
		return;
	}
	if (c->engine && !c->engine_stopped) {
		if (!c->engine_stopping) {
			uint64_t now = fg_mono_ms(), left = c->stop_at_ms > now + STOP_MARGIN_MS ?
			    c->stop_at_ms - now - STOP_MARGIN_MS : 0;

			c->engine_stopping = 1;
			engine_shutdown(c->engine, (unsigned)left, on_engine_stopped, c);
		}
		return;
	}
	if (store_pending(c->store) > 0) {
		fg_timer_add(c->drain, DRAIN_CHECK_MS);
		return;
	}
	if (c->lease && !c->lease_done) {
		/* Everything is persisted: a standby may take over at once. */
		c->lease_done = 1;
		lease_release(c->lease, on_lease_released, c);
		return;
	}
	log_info("stopped");
	fg_loop_exit(c->loop);
}

/* Stops taking requests and exits once the work in flight is persisted. */
void
conductor_stop(struct conductor *c, int exit_code)
{
	conductor_stop_within(c, exit_code, STOP_WITHIN_MS);
}

/* The same, within within_ms. */
void
conductor_stop_within(struct conductor *c, int exit_code, uint64_t within_ms)
{
	uint64_t at = fg_mono_ms() + within_ms;

	if (c->stopping) {
		if (exit_code != 0)
			c->exit_code = exit_code;
		if (at < c->stop_at_ms) {
			c->stop_at_ms = at;
			fg_timer_add(c->deadline, within_ms);
			if (c->poller)
				poller_stop(c->poller, 0);
		}
		return;
	}
	c->stopping = 1;
	c->exit_code = exit_code;
	if (c->poller)
		poller_stop(c->poller, within_ms >= STOP_WITHIN_MS ? RECEIVE_STOP_MS : 0);
	c->stop_at_ms = at;
	c->deadline = fg_timer_new(c->loop, on_deadline, c);
	fg_timer_add(c->deadline, within_ms);
	c->drain = fg_timer_new(c->loop, on_drain, c);
	fg_timer_add(c->drain, 0);
}

/* The lease must go: stop the work before it expires, and exit with 3 (systemd's restart
 * brings the Conductor back as a standby). */
void
conductor_lease_lost(void *arg, uint64_t within_ms)
{
	struct conductor *c = arg;

	log_warnx("lost the lease: stopping within %llu ms; exit status 3",
	    (unsigned long long)within_ms);
	c->lease_done = 1;
	conductor_stop_within(c, 3, within_ms);
}

/* SIGTERM and SIGINT. */
static void
on_stop_signal(int signo, void *arg)
{
	struct conductor *c = arg;

	log_info("%s: stopping: no new requests; letting the work in flight persist",
	    signo == SIGTERM ? "SIGTERM" : "SIGINT");
	conductor_stop(c, 0);
}

/* SIGHUP: reads the settings again; applies those that can change while running. */
static void
on_hup(int signo, void *arg)
{
	struct conductor *c = arg;
	struct config *n, *o = c->cfg;
	char *err = NULL, *t;

	(void)signo;
	if ((n = config_load(&c->cli, &err)) == NULL) {
		log_warnx("SIGHUP: settings not reloaded: %s", err);
		free(err);
		return;
	}
	t = o->log_level, o->log_level = n->log_level, n->log_level = t;
	t = o->log_format, o->log_format = n->log_format, n->log_format = t;
	t = o->debug, o->debug = n->debug, n->debug = t;
	o->enforcement_interval = n->enforcement_interval;
	o->poll_wait = n->poll_wait;
	o->max_requests = n->max_requests;
	config_apply_log(o);
	if (strcmp(n->prefix, o->prefix) != 0 || strcmp(n->plugin_dir, o->plugin_dir) != 0 ||
	    (n->region == NULL) != (o->region == NULL) ||
	    (n->region && strcmp(n->region, o->region) != 0) ||
	    (n->endpoint == NULL) != (o->endpoint == NULL) ||
	    (n->endpoint && strcmp(n->endpoint, o->endpoint) != 0) ||
	    n->max_connections != o->max_connections)
		log_warnx("SIGHUP: region, endpoint, prefix, plugin-dir and max-connections change "
		    "only at a restart");
	config_free(n);
	log_info("SIGHUP: settings reloaded from %s", o->file ? o->file : "defaults");
	poller_wake(c->poller);
}

/* boot.c is done: take requests. */
void
conductor_booted(struct conductor *c)
{
	if (!c->stopping)
		poller_start(c->poller);
}

/* A request ended. */
void
conductor_req_done(struct conductor *c, struct req *r)
{
	TAILQ_REMOVE(&c->reqs, r, link);
	c->nreqs--;
	req_free(r);
	if (!c->stopping)
		poller_wake(c->poller);
}

/* Makes the engine from the settings; -1 after logging why. */
static int
engine_setup(struct conductor *c)
{
	struct engine_config ec;
	struct engine_limit *limits = NULL;
	char *err = NULL, *table;
	size_t i;
	int rc = 0;

	memset(&ec, 0, sizeof(ec));
	if (c->cfg->nlimits)
		limits = fg_calloc(c->cfg->nlimits, sizeof(*limits));
	for (i = 0; i < c->cfg->nlimits; i++)
		if (engine_limit_parse(c->cfg->limits[i], &limits[i], &err) < 0)
			fatalx("limit %s: %s", c->cfg->limits[i], err); /* config.c checked it */
	table = conductor_name(c, store_table_base(STORE_RESOURCES));
	ec.plugin_dir = c->cfg->plugin_dir;
	ec.schema_dir = c->cfg->schema_dir;
	ec.resources_table = table;
	ec.limits = limits;
	ec.nlimits = c->cfg->nlimits;
	ec.event = jobs_event;
	ec.event_arg = c;
	c->engine = engine_new(c->loop, c->http, c->env, c->store, &ec, &err);
	if (c->engine == NULL) {
		log_warnx("%s", err);
		free(err);
		rc = -1;
	}
	free(table);
	free(limits);
	return rc;
}

/* Frees whatever start-up made. */
static void
conductor_free(struct conductor *c)
{
	struct req *r;

	while ((r = TAILQ_FIRST(&c->reqs)) != NULL) {
		TAILQ_REMOVE(&c->reqs, r, link);
		req_free(r);
	}
	engine_free(c->engine);
	lease_free(c->lease);
	poller_free(c->poller);
	procs_free(c->procs);
	users_free(c->users);
	store_free(c->store);
	if (c->aws)
		fg_aws_free(c->aws);
	if (c->env)
		fg_aws_env_free(c->env);
	if (c->http)
		fg_http_client_free(c->http);
	if (c->sig_term)
		fg_signal_free(c->sig_term);
	if (c->sig_int)
		fg_signal_free(c->sig_int);
	if (c->sig_hup)
		fg_signal_free(c->sig_hup);
	if (c->deadline)
		fg_timer_free(c->deadline);
	if (c->drain)
		fg_timer_free(c->drain);
	if (c->loop)
		fg_loop_free(c->loop);
	free(c->account);
	free(c->region);
	free(c->bucket);
	free(c->queue_url);
	free(c->dlq_url);
	free(c->topic_arn);
	config_free(c->cfg);
	config_cli_free(&c->cli);
}

/* Lets the process open as many descriptors as its hard limit allows (systemd's soft limit
 * of 1024 is below a few endpoints' worth of max-connections); warns when that is still less
 * than the connections to two endpoints need. */
static void
raise_fd_limit(rlim_t conns)
{
	struct rlimit rl;

	if (getrlimit(RLIMIT_NOFILE, &rl) < 0)
		return;
	if (rl.rlim_cur < rl.rlim_max) {
		rl.rlim_cur = rl.rlim_max;
		if (setrlimit(RLIMIT_NOFILE, &rl) < 0)
			log_warn("raising the limit of open files to %llu",
			    (unsigned long long)rl.rlim_max);
	}
	if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur != RLIM_INFINITY &&
	    rl.rlim_cur < 2 * conns + 64)
		log_warnx("the limit of open files (%llu) is low for max-connections %llu: AWS "
		    "calls may fail to connect (raise LimitNOFILE)", (unsigned long long)rl.rlim_cur,
		    (unsigned long long)conns);
}

/* The retry settings of the Conductor's own calls (its tables, queues, topic and bucket): those
 * of AWS_RETRY_MODE / AWS_MAX_ATTEMPTS, else 10 attempts, DynamoDB's own SDK default, so that
 * throttling of its own state does not fail a user's request. */
static const struct fg_retry_config *
own_retry(struct fg_retry_config *rc)
{
	char *err = NULL;

	fg_retry_config_default(rc);
	if (fg_retry_config_from_env(rc, &err) < 0) {
		log_warnx("%s; using the standard retry mode's defaults", err);
		free(err);
		fg_retry_config_default(rc);
	}
	if (getenv("AWS_MAX_ATTEMPTS") == NULL)
		rc->max_attempts = 10;
	return rc;
}

/* The program: 0 after a clean stop, 1 when boot or the engine failed, 2 on bad settings. */
int
conductor_main(int argc, char **argv)
{
	struct conductor c;
	struct fg_http_opts ho;
	struct fg_retry_config rc;
	char *err = NULL;

	memset(&c, 0, sizeof(c));
	TAILQ_INIT(&c.reqs);
	if (config_cli_parse(&c.cli, argc, argv, &err) < 0) {
		fprintf(stderr, "fugue-conductor: %s\n", err);
		free(err);
		return 2;
	}
	if (c.cli.help || c.cli.version) {
		if (c.cli.help)
			config_usage(stdout);
		else
			printf("fugue-conductor %s (protocol %d, plugin ABI %d.%d)\n",
			       PACKAGE_VERSION, PROTO_VERSION, FUGUE_BROKER_ABI_MAJOR,
			       FUGUE_BROKER_ABI_MINOR);
		config_cli_free(&c.cli);
		return 0;
	}
	if ((c.cfg = config_load(&c.cli, &err)) == NULL) {
		fprintf(stderr, "fugue-conductor: %s\n", err);
		free(err);
		config_cli_free(&c.cli);
		return 2;
	}
	config_apply_log(c.cfg);
	/* core/lib's endpoint and region chains read the environment: settings go first. */
	if (c.cfg->endpoint)
		setenv("AWS_ENDPOINT_URL", c.cfg->endpoint, 1);
	if (c.cfg->region)
		setenv("AWS_REGION", c.cfg->region, 1);
	raise_fd_limit((rlim_t)c.cfg->max_connections);
	c.loop = fg_loop_new();
	fg_http_opts_default(&ho);
	/* Hundreds of calls in flight to one endpoint are the point: the buckets pace them. */
	ho.max_conns_per_host = (unsigned)c.cfg->max_connections;
	c.http = fg_http_client_new(c.loop, &ho);
	c.env = fg_aws_env_new(c.loop, c.http);
	c.aws = fg_aws_new(c.loop, c.http, c.env, own_retry(&rc));
	c.store = store_new(c.aws, c.cfg->prefix, c.cfg->region);
	c.sig_term = fg_signal_new(c.loop, SIGTERM, on_stop_signal, &c);
	c.sig_int = fg_signal_new(c.loop, SIGINT, on_stop_signal, &c);
	c.sig_hup = fg_signal_new(c.loop, SIGHUP, on_hup, &c);
	signal(SIGPIPE, SIG_IGN);
	c.users = users_new(&c);
	c.procs = procs_new(&c);
	c.poller = poller_new(&c);
	if (engine_setup(&c) < 0) {
		conductor_free(&c);
		return 1;
	}
	log_info("starting: prefix \"%s\", settings from %s", c.cfg->prefix,
	    c.cfg->file ? c.cfg->file : "defaults");
	boot_start(&c);
	fg_loop_run(c.loop);
	conductor_free(&c);
	return c.exit_code;
}
