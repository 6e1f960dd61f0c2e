/* poller.c: the long poll of the request queue: a new receive the moment one returns, a pause
 * while too many requests are in flight, backoff on errors; and request deletion. */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "conductor.h"

#define BATCH 10                /* MaxNumberOfMessages */
#define BACKOFF_MIN_MS 500
#define BACKOFF_MAX_MS 30000
#define RECEIVE_SLACK_MS 15000  /* on top of the wait, before a receive counts as lost */
#define RECEIVE_END_MS 500      /* on top of the wait, when a receive normally ended */

struct poller {
	struct conductor *c;
	struct fg_aws_call *call;   /* the receive in flight */
	uint64_t call_ends_ms;      /* when it ends at the latest (its wait is over) */
	struct fg_timer *timer;     /* the next receive after an error */
	int running;
	unsigned releasing;         /* messages being made visible again (shutdown) */
	unsigned failures;
	struct log_limit lim;
};

static void poll_now(struct poller *);

/* Makes the poller (it starts with poller_start). */
struct poller *
poller_new(struct conductor *c)
{
	struct poller *p = fg_calloc(1, sizeof(*p));

	p->c = c;
	p->lim = (struct log_limit)LOG_LIMIT_INIT(60000);
	return p;
}

/* Cancels the receive in flight and frees the poller. */
void
poller_free(struct poller *p)
{
	if (p == NULL)
		return;
	poller_stop(p, 0);
	if (p->timer)
		fg_timer_free(p->timer);
	free(p);
}

/* The backoff timer fired. */
static void
on_timer(void *arg)
{
	poll_now(arg);
}

/* Starts polling. */
void
poller_start(struct poller *p)
{
	p->running = 1;
	poll_now(p);
}

/* Stops polling. A receive in flight that ends within budget_ms is let end (what it brings is
 * made visible again at once); a longer one is cancelled: a long poll abandoned mid-way may
 * still take a message, which SQS then hides for the visibility timeout. */
void
poller_stop(struct poller *p, uint64_t budget_ms)
{
	p->running = 0;
	if (p->call && p->call_ends_ms > fg_mono_ms() + budget_ms) {
		fg_aws_cancel(p->call);
		p->call = NULL;
	}
	if (p->timer)
		fg_timer_del(p->timer);
}

/* Whether a receive, or the release of what it brought, is in flight. */
int
poller_busy(const struct poller *p)
{
	return p->call != NULL || p->releasing > 0;
}

/* ChangeMessageVisibility answered. */
static void
on_released(const struct fg_aws_reply *rep, void *arg)
{
	struct poller *p = arg;
	char *d;

	if (rep->err.cls != FG_ERR_NONE) {
		d = fg_awserr_describe(&rep->err);
		log_warnx("shutdown: a request comes back after its visibility timeout: %s", d);
		free(d);
	}
	p->releasing--;
}

/* Makes a message received while stopping visible again for the next Conductor. */
static void
release(struct poller *p, const char *receipt)
{
	struct conductor *c = p->c;
	struct fg_aws_req req;
	struct fg_jw w;

	fg_jw_init(&w, 0);
	fg_jw_obj(&w);
	fg_jw_kstr(&w, "QueueUrl", c->queue_url);
	fg_jw_kstr(&w, "ReceiptHandle", receipt);
	fg_jw_kint(&w, "VisibilityTimeout", 0);
	fg_jw_end_obj(&w);
	memset(&req, 0, sizeof(req));
	req.service = "sqs";
	req.region = c->region;
	req.proto = FG_PROTO_JSON;
	req.target = "AmazonSQS.ChangeMessageVisibility";
	req.body = fg_jw_text(&w);
	req.body_len = strlen(req.body);
	p->releasing++;
	fg_aws_send(c->aws, &req, on_released, p);
	fg_jw_free(&w);
}

/* Polls again after a pause for requests in flight. */
void
poller_wake(struct poller *p)
{
	if (p->running && (p->timer == NULL || !fg_timer_pending(p->timer)))
		poll_now(p);
}

/* A receive answered: hands each message to request.c and polls again. */
static void
on_receive(const struct fg_aws_reply *rep, void *arg)
{
	struct poller *p = arg;
	struct conductor *c = p->c;
	fg_json msgs, m;
	size_t i, n;
	uint64_t delay;
	char *d;

	p->call = NULL;
	if (rep->err.cls != FG_ERR_NONE) {
		p->failures++;
		delay = BACKOFF_MIN_MS << (p->failures < 7 ? p->failures - 1 : 6);
		if (delay > BACKOFF_MAX_MS)
			delay = BACKOFF_MAX_MS;
		delay = delay / 2 + (uint64_t)(fg_random_unit() * (double)(delay / 2));
		d = fg_awserr_describe(&rep->err);
		log_warnx_limited(&p->lim, "receiving requests from %s: %s (again in %llu ms)",
		    c->queue_url, d, (unsigned long long)delay);
		free(d);
		if (p->timer == NULL)
			p->timer = fg_timer_new(c->loop, on_timer, p);
		fg_timer_add(p->timer, delay);
		return;
	}
	p->failures = 0;
	msgs = fg_json_get(rep->json, "Messages");
	n = YAJL_IS_ARRAY(msgs) ? fg_json_len(msgs) : 0;
	log_debug("poller", "received %zu requests", n);
	for (i = 0; i < n; i++) {
		const char *receipt, *body, *count;
		unsigned long receives = 1;

		m = fg_json_at(msgs, i);
		receipt = fg_json_str(fg_json_get(m, "ReceiptHandle"));
		body = fg_json_str(fg_json_get(m, "Body"));
		count = fg_json_str(fg_json_path(m, "Attributes/ApproximateReceiveCount"));
		if (count)
			receives = strtoul(count, NULL, 10);
		if (receipt == NULL || body == NULL) {
			log_warnx(
			    "request queue: a message without ReceiptHandle or Body: ignored");
			continue;
		}
		if (!p->running) {
			release(p, receipt);
			continue;
		}
		request_handle(c, receipt, (unsigned)receives, body, strlen(body));
	}
	poll_now(p);
}

/* Sends a ReceiveMessage unless one is in flight, polling is off, or too much is going on. */
static void
poll_now(struct poller *p)
{
	struct conductor *c = p->c;
	struct fg_aws_req req;
	struct fg_jw w;
	int64_t room = c->cfg->max_requests - (int64_t)c->nreqs;

	if (!p->running || p->call || room <= 0)
		return;
	fg_jw_init(&w, 0);
	fg_jw_obj(&w);
	fg_jw_kstr(&w, "QueueUrl", c->queue_url);
	fg_jw_kint(&w, "MaxNumberOfMessages", room < BATCH ? room : BATCH);
	fg_jw_kint(&w, "WaitTimeSeconds", c->cfg->poll_wait);
	fg_jw_key(&w, "MessageSystemAttributeNames");
	fg_jw_arr(&w);
	fg_jw_str(&w, "ApproximateReceiveCount");
	fg_jw_end_arr(&w);
	fg_jw_key(&w, "AttributeNames");
	fg_jw_arr(&w);
	fg_jw_str(&w, "ApproximateReceiveCount");
	fg_jw_end_arr(&w);
	fg_jw_end_obj(&w);
	memset(&req, 0, sizeof(req));
	req.service = "sqs";
	req.region = c->region;
	req.proto = FG_PROTO_JSON;
	req.target = "AmazonSQS.ReceiveMessage";
	req.body = fg_jw_text(&w);
	req.body_len = strlen(req.body);
	req.timeout_ms = (uint32_t)(c->cfg->poll_wait * 1000 + RECEIVE_SLACK_MS);
	p->call_ends_ms = fg_mono_ms() + (uint64_t)c->cfg->poll_wait * 1000 + RECEIVE_END_MS;
	p->call = fg_aws_send(c->aws, &req, on_receive, p);
	fg_jw_free(&w);
}

struct deletion {
	void (*done)(void *);
	void *arg;
};

/* DeleteMessage answered. */
static void
on_delete(const struct fg_aws_reply *rep, void *arg)
{
	struct deletion *d = arg;
	char *msg;

	if (rep->err.cls != FG_ERR_NONE) {
		/* The message comes back after its visibility timeout; its id is recorded. */
		msg = fg_awserr_describe(&rep->err);
		log_warnx("deleting a handled request: %s", msg);
		free(msg);
	}
	d->done(d->arg);
	free(d);
}

/* Deletes a request message. */
void
poller_delete(struct poller *p, const char *receipt, void (*done)(void *), void *arg)
{
	struct conductor *c = p->c;
	struct deletion *d = fg_calloc(1, sizeof(*d));
	struct fg_aws_req req;
	struct fg_jw w;

	d->done = done;
	d->arg = arg;
	fg_jw_init(&w, 0);
	fg_jw_obj(&w);
	fg_jw_kstr(&w, "QueueUrl", c->queue_url);
	fg_jw_kstr(&w, "ReceiptHandle", receipt);
	fg_jw_end_obj(&w);
	memset(&req, 0, sizeof(req));
	req.service = "sqs";
	req.region = c->region;
	req.proto = FG_PROTO_JSON;
	req.target = "AmazonSQS.DeleteMessage";
	req.body = fg_jw_text(&w);
	req.body_len = strlen(req.body);
	fg_aws_send(c->aws, &req, on_delete, d);
	fg_jw_free(&w);
}
