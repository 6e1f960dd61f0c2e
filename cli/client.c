/* client.c: the CLI's request/reply path to the Conductor (doc/protocol.md): a reply queue per
 * invocation, the signed envelope sent to the request queue, the long poll of the reply
 * queue matched by request id, the reply queue deleted on exit and on Ctrl-C, a spinner while
 * waiting on a terminal. The CLI may block: each step runs the loop until its calls end. */
#include "config.h"

#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "aws.h"
#include "cmd.h"
#include "endpoint.h"
#include "sigv4.h"

#define RECEIVE_MAX_WAIT 20  /* SQS's longest long poll, seconds */
#define RECEIVE_SLACK_MS 5000
/* A request unanswered for a quarter of the timeout (1 to 10 s) is sent again (same id, fresh
 * time and HMAC): a Conductor killed during a long poll may have taken it, and SQS then hides
 * it for the visibility timeout of the request queue (60 s). The id makes the copies one
 * request. */
#define RESEND_MIN_MS 1000
#define RESEND_MAX_MS 10000
#define AWAIT_LATER (-1)     /* await_reply: nothing came before its deadline */
#define CLEANUP_TIMEOUT_MS 5000
#define SPINNER_MS 100
#define SPINNER_AFTER_MS 250
#define ACCOUNT_MAX 20

/* One AWS call waited for. */
struct call {
	struct client *cl;
	struct fg_aws_call *h;  /* in flight; NULL once done */
	int done;
	int ok;
	char *code;             /* the error code, when !ok */
	char *desc;             /* the error described, when !ok */
	char *body;             /* the reply body */
	size_t len;
	fg_json json;           /* a JSON reply body, parsed */
	struct call *next;      /* in the client's list of calls in flight */
};

struct client {
	struct fg_loop *loop;
	int own_loop;
	const struct cli_config *cfg;
	struct fg_http_client *http;
	struct fg_aws_env *env;
	struct fg_aws *aws;
	struct fg_signal *sigint, *sigterm;
	struct call *inflight;
	unsigned npending;
	int interrupted;
	/* Progress on a terminal. */
	FILE *progress;
	struct fg_timer *tick;
	const char *phase;
	uint64_t t0;
	unsigned frame;
	int drawn;
	/* Learnt on the way. */
	int resolving;          /* fg_aws_env_resolve in progress */
	int resolved;
	char *resolve_err;
	char *region;
	char *account;
	char *request_url;
	char *reply_url;
};

/* --- calls */

/* A call ended: copies what the caller needs from the reply. */
static void
on_call(const struct fg_aws_reply *rep, void *arg)
{
	struct call *c = arg;
	struct client *cl = c->cl;
	struct call **pp;
	char *perr = NULL;

	c->h = NULL;
	c->done = 1;
	for (pp = &cl->inflight; *pp; pp = &(*pp)->next)
		if (*pp == c) {
			*pp = c->next;
			break;
		}
	c->body = fg_strndup(rep->body ? rep->body : "", rep->body_len);
	c->len = rep->body_len;
	if (rep->err.cls != FG_ERR_NONE) {
		c->code = fg_strdup(rep->err.code ? rep->err.code : "");
		c->desc = fg_awserr_describe(&rep->err);
	} else {
		c->ok = 1;
		if (rep->json && (c->json = fg_json_parse(c->body, c->len, &perr)) == NULL)
			free(perr);
	}
	if (--cl->npending == 0)
		fg_loop_exit(cl->loop);
}

/* Starts a call. */
static void
call_start(struct client *cl, struct call *c, const struct fg_aws_req *req)
{
	memset(c, 0, sizeof(*c));
	c->cl = cl;
	c->next = cl->inflight;
	cl->inflight = c;
	cl->npending++;
	c->h = fg_aws_send(cl->aws, req, on_call, c);
}

/* Frees what a call kept. */
static void
call_free(struct call *c)
{
	free(c->code);
	free(c->desc);
	free(c->body);
	fg_json_free(c->json);
	memset(c, 0, sizeof(*c));
}

/* Runs the loop until every call started has ended; -1 when interrupted (calls cancelled). */
static int
client_wait(struct client *cl)
{
	struct call *c;

	while (cl->npending > 0 && !cl->interrupted)
		if (fg_loop_run(cl->loop) == 1 && cl->npending > 0)
			fatalx("event loop ran dry with %u calls in flight", cl->npending);
	if (!cl->interrupted)
		return 0;
	cl->resolving = 0;
	while ((c = cl->inflight) != NULL) {
		cl->inflight = c->next;
		fg_aws_cancel(c->h);
		c->h = NULL;
		c->done = 1;
	}
	cl->npending = 0;
	return -1;
}

/* Starts an SQS call (JSON protocol); w holds the request object and is freed. */
static void
sqs_start(struct client *cl, struct call *c, const char *action, struct fg_jw *w,
    uint32_t timeout_ms)
{
	struct fg_aws_req req;
	char *target = fg_printf("AmazonSQS.%s", action);

	memset(&req, 0, sizeof(req));
	req.service = "sqs";
	req.region = cl->region;
	req.proto = FG_PROTO_JSON;
	req.target = target;
	req.body = fg_jw_text(w);
	req.body_len = strlen(req.body);
	req.timeout_ms = timeout_ms;
	call_start(cl, c, &req);
	fg_jw_free(w);
	free(target);
}

/* A JSON object with one string member, for SQS requests. */
static void
obj1(struct fg_jw *w, const char *key, const char *val)
{
	fg_jw_init(w, 0);
	fg_jw_obj(w);
	fg_jw_kstr(w, key, val);
}

/* --- progress and signals */

/* Draws the spinner. */
static void
on_tick(void *arg)
{
	static const char frames[] = "|/-\\";
	struct client *cl = arg;
	uint64_t ms = fg_mono_ms() - cl->t0;

	if (ms >= SPINNER_AFTER_MS) {
		fprintf(cl->progress, "\r%c %s (%.1f s)\033[K", frames[cl->frame++ % 4], cl->phase,
		    (double)ms / 1000);
		fflush(cl->progress);
		cl->drawn = 1;
	}
	fg_timer_add(cl->tick, SPINNER_MS);
}

/* Starts (phase set) or stops (NULL) the spinner. */
static void
progress(struct client *cl, const char *phase)
{
	if (cl->progress == NULL)
		return;
	if (phase && cl->phase == NULL) {
		cl->t0 = fg_mono_ms();
		fg_timer_add(cl->tick, SPINNER_MS);
	}
	cl->phase = phase;
	if (phase == NULL) {
		fg_timer_del(cl->tick);
		if (cl->drawn)
			fprintf(cl->progress, "\r\033[K");
		fflush(cl->progress);
		cl->drawn = 0;
	}
}

/* Ctrl-C or SIGTERM: stop waiting (the reply queue is deleted by client_free). */
static void
on_signal(int signo, void *arg)
{
	struct client *cl = arg;

	(void)signo;
	cl->interrupted = 1;
	fg_loop_exit(cl->loop);
}

/* --- the client */

/* A client; the AWS settings go to the environment that core/lib's chains read. */
struct client *
client_new(struct fg_loop *loop, const struct cli_config *cfg, FILE *progress_to)
{
	struct client *cl = fg_calloc(1, sizeof(*cl));
	struct fg_http_opts ho;

	if (cfg->endpoint)
		setenv("AWS_ENDPOINT_URL", cfg->endpoint, 1);
	if (cfg->region)
		setenv("AWS_REGION", cfg->region, 1);
	if (cfg->profile)
		setenv("AWS_PROFILE", cfg->profile, 1);
	cl->cfg = cfg;
	cl->own_loop = loop == NULL;
	cl->loop = loop ? loop : fg_loop_new();
	fg_http_opts_default(&ho);
	cl->http = fg_http_client_new(cl->loop, &ho);
	cl->env = fg_aws_env_new(cl->loop, cl->http);
	cl->aws = fg_aws_new(cl->loop, cl->http, cl->env, NULL);
	cl->sigint = fg_signal_new(cl->loop, SIGINT, on_signal, cl);
	cl->sigterm = fg_signal_new(cl->loop, SIGTERM, on_signal, cl);
	cl->progress = progress_to;
	cl->tick = fg_timer_new(cl->loop, on_tick, cl);
	return cl;
}

/* Deletes the reply queue, then frees. */
void
client_free(struct client *cl)
{
	struct call c;
	struct fg_jw w;

	progress(cl, NULL);
	if (cl->reply_url) {
		/* A second Ctrl-C gives up the clean-up. */
		cl->interrupted = 0;
		obj1(&w, "QueueUrl", cl->reply_url);
		fg_jw_end_obj(&w);
		sqs_start(cl, &c, "DeleteQueue", &w, CLEANUP_TIMEOUT_MS);
		if (client_wait(cl) == 0 && !c.ok)
			log_warnx("could not delete the reply queue %s: %s", cl->reply_url, c.desc);
		else
			log_debug("client", "deleted the reply queue %s", cl->reply_url);
		call_free(&c);
	}
	fg_timer_free(cl->tick);
	fg_signal_free(cl->sigint);
	fg_signal_free(cl->sigterm);
	fg_aws_free(cl->aws);
	fg_aws_env_free(cl->env);
	fg_http_client_free(cl->http);
	if (cl->own_loop)
		fg_loop_free(cl->loop);
	free(cl->resolve_err);
	free(cl->region);
	free(cl->account);
	free(cl->request_url);
	free(cl->reply_url);
	free(cl);
}

/* Credentials and region found (or not). */
static void
on_resolved(struct fg_aws_env *env, const char *err, void *arg)
{
	struct client *cl = arg;

	(void)env;
	if (!cl->resolving)
		return; /* interrupted meanwhile */
	cl->resolving = 0;
	free(cl->resolve_err);
	cl->resolve_err = err ? fg_strdup(err) : NULL;
	if (--cl->npending == 0)
		fg_loop_exit(cl->loop);
}

/* Finds AWS credentials and the region, once. */
static int
client_setup(struct client *cl, char **err)
{
	if (cl->resolved)
		return EXIT_OK;
	if (!cl->resolving) {
		cl->resolving = 1;
		cl->npending++;
		fg_aws_env_resolve(cl->env, on_resolved, cl);
	}
	if (client_wait(cl) < 0) {
		*err = fg_strdup("interrupted");
		return EXIT_INTERRUPTED;
	}
	if (cl->resolve_err) {
		*err = cl->resolve_err;
		cl->resolve_err = NULL;
		return EXIT_ERROR;
	}
	cl->resolved = 1;
	cl->region = fg_strdup(fg_aws_env_region(cl->env));
	return EXIT_OK;
}

/* The endpoint URL of a service, for messages. */
static char *
endpoint_url(struct client *cl, const char *service)
{
	struct fg_endpoint ep;
	char *err = NULL, *url;

	if (fg_aws_env_endpoint(cl->env, service, &ep, &err) < 0) {
		free(err);
		return fg_strdup("(unknown endpoint)");
	}
	url = fg_strdup(ep.url);
	fg_endpoint_free(&ep);
	return url;
}

/* Whether an SQS error says the queue does not exist. */
static int
no_queue(const struct call *c)
{
	return c->code && (strcmp(c->code, "QueueDoesNotExist") == 0 ||
	    strcmp(c->code, "AWS.SimpleQueueService.NonExistentQueue") == 0);
}

/* The QueueUrl of a CreateQueue or GetQueueUrl reply, or NULL. */
static const char *
queue_url(const struct call *c)
{
	const char *s = fg_json_str(fg_json_get(c->json, "QueueUrl"));

	return s && *s ? s : NULL;
}

/* Makes the reply queue and finds the request queue, at once. */
static int
client_queues(struct client *cl, char **err)
{
	struct call create, get;
	unsigned char rnd[16];
	char hex[33], *name, *qname, *url;
	struct fg_jw w;
	int rc = EXIT_OK;

	if (cl->reply_url && cl->request_url)
		return EXIT_OK;
	fg_random_bytes(rnd, sizeof(rnd));
	fg_hex(rnd, sizeof(rnd), hex);
	name = fg_printf("%sfugue-reply-%s", cl->cfg->prefix, hex);
	qname = fg_printf("%sfugue-requests", cl->cfg->prefix);
	obj1(&w, "QueueName", name);
	fg_jw_end_obj(&w);
	sqs_start(cl, &create, "CreateQueue", &w, 0);
	obj1(&w, "QueueName", qname);
	fg_jw_end_obj(&w);
	sqs_start(cl, &get, "GetQueueUrl", &w, 0);
	if (client_wait(cl) < 0) {
		*err = fg_strdup("interrupted");
		rc = EXIT_INTERRUPTED;
		goto out;
	}
	if (create.ok && queue_url(&create))
		cl->reply_url = fg_strdup(queue_url(&create));
	if (get.ok && queue_url(&get))
		cl->request_url = fg_strdup(queue_url(&get));
	if (!create.ok || cl->reply_url == NULL) {
		*err = fg_printf("cannot create the reply queue %s: %s", name,
		    create.ok ? "no QueueUrl in the reply" : create.desc);
		rc = EXIT_ERROR;
	} else if (!get.ok && no_queue(&get)) {
		url = endpoint_url(cl, "sqs");
		*err = fg_printf("no Conductor: the request queue %s does not exist in %s at %s "
		    "(is the Conductor installed and running, with the same prefix?)", qname,
		    cl->region, url);
		free(url);
		rc = EXIT_NO_REPLY;
	} else if (!get.ok || cl->request_url == NULL) {
		*err = fg_printf("cannot find the request queue %s: %s", qname,
		    get.ok ? "no QueueUrl in the reply" : get.desc);
		rc = EXIT_ERROR;
	}
	log_debug("client", "reply queue %s, request queue %s", cl->reply_url ? cl->reply_url :
	    "-", cl->request_url ? cl->request_url : "-");
out:
	call_free(&create);
	call_free(&get);
	free(name);
	free(qname);
	return rc;
}

/* Deletes the messages read from the reply queue. */
static int
delete_messages(struct client *cl, fg_json msgs, char **err)
{
	size_t i, n = fg_json_len(msgs), k = 0;
	struct call *calls = fg_calloc(n + 1, sizeof(*calls));
	const char *receipt;
	struct fg_jw w;
	int rc = EXIT_OK;

	for (i = 0; i < n; i++) {
		if ((receipt = fg_json_str(fg_json_get(fg_json_at(msgs, i), "ReceiptHandle"))) ==
		    NULL)
			continue;
		obj1(&w, "QueueUrl", cl->reply_url);
		fg_jw_kstr(&w, "ReceiptHandle", receipt);
		fg_jw_end_obj(&w);
		sqs_start(cl, &calls[k++], "DeleteMessage", &w, 0);
	}
	if (client_wait(cl) < 0) {
		*err = fg_strdup("interrupted");
		rc = EXIT_INTERRUPTED;
	}
	for (i = 0; i < k; i++) {
		if (rc == EXIT_OK && !calls[i].ok)
			log_warnx("could not delete a reply message: %s", calls[i].desc);
		call_free(&calls[i]);
	}
	free(calls);
	return rc;
}

/* Reads the reply queue until the reply to id arrives (EXIT_OK), an error, or the deadline
 * passes (AWAIT_LATER). */
static int
await_reply(struct client *cl, const char *id, uint64_t deadline, struct reply *rep,
    char **err)
{
	struct call c;
	struct fg_jw w;
	fg_json msgs;
	const char *text;
	char *perr = NULL;
	uint64_t now;
	int64_t wait;
	size_t i;
	int rc, found = 0;

	while (!found) {
		if ((now = fg_mono_ms()) >= deadline)
			return AWAIT_LATER;
		wait = (int64_t)((deadline - now + 999) / 1000);
		if (wait > RECEIVE_MAX_WAIT)
			wait = RECEIVE_MAX_WAIT;
		obj1(&w, "QueueUrl", cl->reply_url);
		fg_jw_kint(&w, "MaxNumberOfMessages", 10);
		fg_jw_kint(&w, "WaitTimeSeconds", wait);
		fg_jw_end_obj(&w);
		sqs_start(cl, &c, "ReceiveMessage", &w, (uint32_t)(wait * 1000 + RECEIVE_SLACK_MS));
		if (client_wait(cl) < 0) {
			call_free(&c);
			*err = fg_strdup("interrupted");
			return EXIT_INTERRUPTED;
		}
		if (!c.ok) {
			*err = fg_printf("cannot read the reply queue: %s", c.desc);
			call_free(&c);
			return EXIT_ERROR;
		}
		msgs = fg_json_get(c.json, "Messages");
		for (i = 0; i < fg_json_len(msgs); i++) {
			if (found || (text = fg_json_str(fg_json_get(fg_json_at(msgs, i), "Body"))) ==
			    NULL)
				continue;
			rc = reply_parse(text, strlen(text), id, rep, &perr);
			if (rc == 0)
				found = 1;
			else if (rc == 1)
				log_debug("client", "ignored a reply to another request");
			else {
				log_warnx("ignored a malformed message in the reply queue: %s", perr);
				free(perr);
				perr = NULL;
			}
		}
		rc = fg_json_len(msgs) ? delete_messages(cl, msgs, err) : EXIT_OK;
		call_free(&c);
		if (rc != EXIT_OK) {
			if (found)
				reply_free(rep);
			return rc;
		}
	}
	return EXIT_OK;
}

/* Sends the request id (with the time now, signed). */
static int
send_request(struct client *cl, const char *id, const char *command, int dry_run,
    const char *args, char **err)
{
	char when[32], *body, *env;
	struct call c;
	struct fg_jw w;
	int rc = EXIT_OK;

	request_time(when);
	body = request_body(id, when, cl->reply_url, command, dry_run, args);
	env = envelope_build(cl->cfg->user, cl->cfg->secret, body);
	log_debug("client", "request %s: %s", id, body);
	obj1(&w, "QueueUrl", cl->request_url);
	fg_jw_kstr(&w, "MessageBody", env);
	fg_jw_end_obj(&w);
	sqs_start(cl, &c, "SendMessage", &w, 0);
	free(body);
	free(env);
	if (client_wait(cl) < 0) {
		*err = fg_strdup("interrupted");
		rc = EXIT_INTERRUPTED;
	} else if (!c.ok) {
		*err = fg_printf("cannot send the request to %s: %s", cl->request_url, c.desc);
		rc = EXIT_ERROR;
	}
	call_free(&c);
	return rc;
}

/* Sends a request and waits for its reply, sending it again while none comes. */
int
client_request(struct client *cl, const char *command, int dry_run, const char *args,
    struct reply *rep, char **err)
{
	uint64_t timeout_ms = (uint64_t)cl->cfg->timeout * 1000, deadline, next;
	uint64_t every = timeout_ms / 4;
	char id[37];
	int rc;

	memset(rep, 0, sizeof(*rep));
	progress(cl, "sending the request");
	if ((rc = client_setup(cl, err)) != EXIT_OK || (rc = client_queues(cl, err)) != EXIT_OK)
		goto out;
	if (every < RESEND_MIN_MS)
		every = RESEND_MIN_MS;
	if (every > RESEND_MAX_MS)
		every = RESEND_MAX_MS;
	request_id(id);
	deadline = fg_mono_ms() + timeout_ms;
	for (;;) {
		if ((rc = send_request(cl, id, command, dry_run, args, err)) != EXIT_OK)
			goto out;
		progress(cl, "waiting for the Conductor");
		next = fg_mono_ms() + every;
		rc = await_reply(cl, id, next < deadline ? next : deadline, rep, err);
		if (rc != AWAIT_LATER)
			break;
		if (fg_mono_ms() >= deadline) {
			*err = fg_printf("no reply from the Conductor in %lld s: is it running? "
			    "(%sfugue-requests queue at %s)", (long long)cl->cfg->timeout,
			    cl->cfg->prefix, cl->request_url);
			rc = EXIT_NO_REPLY;
			goto out;
		}
		log_debug("client", "no reply to %s yet: sending it again", id);
	}
	if (rc == EXIT_OK)
		log_debug("client", "reply to %s: %s", id, rep->ok ? "ok" : rep->code);
out:
	progress(cl, NULL);
	return rc;
}

/* --- account and bucket */

/* The cache file of the account behind an access key at an STS endpoint. */
static char *
account_cache_path(struct client *cl)
{
	const struct fg_creds *cr = fg_aws_env_creds(cl->env);
	const char *base = getenv("XDG_CACHE_HOME"), *home = getenv("HOME");
	char *url, *key, hex[65];

	if (cr == NULL || cr->access_key == NULL)
		return NULL;
	url = endpoint_url(cl, "sts");
	key = fg_printf("%s\n%s", cr->access_key, url);
	fg_sha256_hex(key, strlen(key), hex);
	free(url);
	free(key);
	if (base && *base)
		return fg_printf("%s/fugue/account-%.16s", base, hex);
	if (home && *home)
		return fg_printf("%s/.cache/fugue/account-%.16s", home, hex);
	return NULL;
}

/* Whether s looks like an account id. */
static int
account_ok(const char *s)
{
	size_t n = strlen(s);

	return n > 0 && n <= ACCOUNT_MAX && strspn(s, "0123456789") == n;
}

/* Reads the cached account, or NULL. */
static char *
account_cached(const char *path)
{
	char buf[ACCOUNT_MAX + 2];
	FILE *f;
	size_t n;

	if (path == NULL || (f = fopen(path, "r")) == NULL)
		return NULL;
	n = fread(buf, 1, sizeof(buf) - 1, f);
	fclose(f);
	buf[n] = '\0';
	buf[strcspn(buf, "\n")] = '\0';
	return account_ok(buf) ? fg_strdup(buf) : NULL;
}

/* Writes the account to the cache (best effort: the cache is an optimisation). */
static void
account_cache(const char *path, const char *account)
{
	char *dir = fg_strdup(path), *slash, *parent;
	FILE *f;

	slash = strrchr(dir, '/');
	*slash = '\0';
	if ((parent = strrchr(dir, '/')) != NULL) {
		*parent = '\0';
		mkdir(dir, 0700);
		*parent = '/';
	}
	mkdir(dir, 0700);
	if ((f = fopen(path, "w")) != NULL) {
		fprintf(f, "%s\n", account);
		if (fclose(f) != 0)
			unlink(path);
	} else
		log_debug("client", "cannot cache the account in %s: %s", path, strerror(errno));
	free(dir);
}

/* The account of the credentials: cached, else STS GetCallerIdentity. */
int
client_account(struct client *cl, const char **account, const char **region, char **err)
{
	struct fg_aws_req req;
	struct fg_query q;
	struct fg_xml *x;
	struct call c;
	const char *acct;
	char *path, *perr = NULL;
	int rc;

	if ((rc = client_setup(cl, err)) != EXIT_OK)
		return rc;
	path = account_cache_path(cl);
	if (cl->account == NULL && (cl->account = account_cached(path)) == NULL) {
		fg_query_init(&q);
		fg_query_add(&q, "Action", "GetCallerIdentity");
		fg_query_add(&q, "Version", "2011-06-15");
		memset(&req, 0, sizeof(req));
		req.service = "sts";
		req.region = cl->region;
		req.proto = FG_PROTO_QUERY;
		req.params = &q;
		call_start(cl, &c, &req);
		fg_query_free(&q);
		if (client_wait(cl) < 0) {
			*err = fg_strdup("interrupted");
			rc = EXIT_INTERRUPTED;
		} else if (!c.ok) {
			*err = fg_printf("STS GetCallerIdentity: %s", c.desc);
			rc = EXIT_ERROR;
		} else if ((x = fg_xml_parse(c.body, c.len, &perr)) == NULL) {
			*err = fg_printf("STS GetCallerIdentity: %s", perr);
			free(perr);
			rc = EXIT_ERROR;
		} else {
			acct = fg_xml_text(x, "GetCallerIdentityResult/Account");
			if (acct && account_ok(acct)) {
				cl->account = fg_strdup(acct);
				if (path)
					account_cache(path, acct);
			} else {
				*err = fg_strdup("STS GetCallerIdentity: no account in the reply");
				rc = EXIT_ERROR;
			}
			fg_xml_free(x);
		}
		call_free(&c);
	}
	free(path);
	*account = cl->account;
	*region = cl->region;
	return rc;
}

/* Puts an object into the Conductor's bucket. */
int
client_put(struct client *cl, const char *key, const char *content_type, const char *body,
    size_t len, char **err)
{
	const char *account, *region;
	struct fg_aws_req req;
	struct fg_headers h;
	struct call c;
	char *bucket, *url;
	int rc;

	if ((rc = client_account(cl, &account, &region, err)) != EXIT_OK)
		return rc;
	bucket = fg_printf("%sfugue-%s-%s", cl->cfg->prefix, account, region);
	fg_headers_init(&h);
	fg_headers_add(&h, "Content-Type", content_type);
	memset(&req, 0, sizeof(req));
	req.service = "s3";
	req.region = region;
	req.proto = FG_PROTO_REST_XML;
	req.method = "PUT";
	req.bucket = bucket;
	req.key = key;
	req.headers = &h;
	req.body = body;
	req.body_len = len;
	progress(cl, "uploading the composition");
	call_start(cl, &c, &req);
	fg_headers_free(&h);
	if (client_wait(cl) < 0) {
		*err = fg_strdup("interrupted");
		rc = EXIT_INTERRUPTED;
	} else if (!c.ok && c.code && strcmp(c.code, "NoSuchBucket") == 0) {
		url = endpoint_url(cl, "s3");
		*err = fg_printf("no Conductor: its bucket %s does not exist at %s (is the Conductor "
		    "installed and running, with the same prefix?)", bucket, url);
		free(url);
		rc = EXIT_NO_REPLY;
	} else if (!c.ok) {
		*err = fg_printf("cannot upload s3://%s/%s: %s", bucket, key, c.desc);
		rc = EXIT_ERROR;
	}
	progress(cl, NULL);
	call_free(&c);
	free(bucket);
	return rc;
}
