/* boot.c: start-up: learn the account (STS), find (or create) the tables, take the lease (a
 * standby waits here), create what else is missing (the request queue and its dead-letter
 * queue, the events topic, the bucket), the root user, recovery of the engine and the
 * processes, then the ready marker. Every step is asynchronous; calls of one phase run at
 * once. */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "conductor.h"
#include "lease.h"

#define TABLE_POLL_MS 500
#define TABLE_WAIT_MS 120000
#define MAX_RECEIVES "5"          /* receives before SQS moves a request to the DLQ */
#define VISIBILITY_S "60"         /* a request is answered well within this */
#define DLQ_RETENTION_S "1209600" /* 14 days: time to look at what failed */

struct boot {
	struct conductor *c;
	int pending;                  /* calls of the current phase still in flight */
	int failed;
	void (*next)(struct boot *);  /* the phase after the current one */
};

/* One call (or chain of calls) of a phase. */
struct boot_call {
	struct boot *b;
	void (*done)(struct boot_call *, const struct fg_aws_reply *);
	int step;                     /* queues: where in the chain */
	enum store_table table;       /* tables: which one */
	struct fg_timer *timer;       /* tables: the next DescribeTable */
	uint64_t since_ms;
	char *arn;                    /* queues: the dead-letter queue's ARN */
	int by_url;                   /* queues: this step asked GetQueueUrl instead */
};

static void phase_tables(struct boot *);
static void phase_lease(struct boot *);
static void phase_resources(struct boot *);
static void phase_root(struct boot *);
static void phase_recover(struct boot *);
static void phase_ready(struct boot *);

/* Boot failed: say why and stop with exit code 1. */
static void FG_PRINTF(2, 3)
boot_fail(struct boot *b, const char *fmt, ...)
{
	va_list ap;
	struct fg_buf m;

	fg_buf_init(&m);
	va_start(ap, fmt);
	fg_buf_vaddf(&m, fmt, ap);
	va_end(ap);
	log_warnx("boot failed: %s", m.data);
	fg_buf_free(&m);
	if (!b->failed) {
		b->failed = 1;
		conductor_stop(b->c, 1);
	}
}

/* One call of the current phase ended: after the last one, the next phase starts. */
static void
phase_step(struct boot *b)
{
	if (--b->pending > 0)
		return;
	if (b->failed || b->c->stopping) {
		free(b);
		return;
	}
	b->next(b);
}

/* Receives every AWS reply of the boot. */
static void
on_call(const struct fg_aws_reply *rep, void *arg)
{
	struct boot_call *bc = arg;

	bc->done(bc, rep);
}

/* A call record of the current phase. */
static struct boot_call *
call_new(struct boot *b, void (*done)(struct boot_call *, const struct fg_aws_reply *))
{
	struct boot_call *bc = fg_calloc(1, sizeof(*bc));

	bc->b = b;
	bc->done = done;
	b->pending++;
	return bc;
}

/* Ends a call of a phase. */
static void
call_end(struct boot_call *bc)
{
	struct boot *b = bc->b;

	if (bc->timer)
		fg_timer_free(bc->timer);
	free(bc->arn);
	free(bc);
	phase_step(b);
}

/* A failed call: fails the boot with AWS's error. */
static void
call_fail(struct boot_call *bc, const char *what, const struct fg_aws_reply *rep)
{
	char *d = fg_awserr_describe(&rep->err);

	boot_fail(bc->b, "%s: %s", what, d);
	free(d);
	call_end(bc);
}

/* A reply without what it must hold. */
static void
call_bad_reply(struct boot_call *bc, const char *what, const char *missing)
{
	boot_fail(bc->b, "%s: no %s in the reply", what, missing);
	call_end(bc);
}

/* Sends a JSON-protocol call (SQS, DynamoDB); frees the writer's contents. */
static void
json_call(struct boot_call *bc, const char *service, const char *target, struct fg_jw *w)
{
	struct fg_aws_req req;

	memset(&req, 0, sizeof(req));
	req.service = service;
	req.region = bc->b->c->region;
	req.proto = FG_PROTO_JSON;
	req.target = target;
	req.body = fg_jw_text(w);
	req.body_len = strlen(req.body);
	fg_aws_send(bc->b->c->aws, &req, on_call, bc);
	fg_jw_free(w);
}

/* --- Account. */

/* GetCallerIdentity answered: the account, the region, the bucket's name. */
static void
on_identity(struct boot_call *bc, const struct fg_aws_reply *rep)
{
	struct conductor *c = bc->b->c;
	const char *what = "STS GetCallerIdentity", *acct, *region;

	if (rep->err.cls != FG_ERR_NONE) {
		call_fail(bc, what, rep);
		return;
	}
	acct = fg_xml_text(rep->xml, "GetCallerIdentityResult/Account");
	region = c->cfg->region ? c->cfg->region : fg_aws_env_region(c->env);
	if (acct == NULL || *acct == '\0') {
		call_bad_reply(bc, what, "Account");
		return;
	}
	if (region == NULL) {
		boot_fail(bc->b, "no AWS region: set region in the config file or AWS_REGION");
		call_end(bc);
		return;
	}
	c->account = fg_strdup(acct);
	c->region = fg_strdup(region);
	c->bucket = fg_printf("%sfugue-%s-%s", c->cfg->prefix, c->account, c->region);
	log_info("account %s, region %s", c->account, c->region);
	call_end(bc);
}

/* First phase: who are we? */
static void
phase_identity(struct boot *b)
{
	struct boot_call *bc = call_new(b, on_identity);
	struct fg_query q;
	struct fg_aws_req req;

	b->next = phase_tables;
	fg_query_init(&q);
	fg_query_add(&q, "Action", "GetCallerIdentity");
	fg_query_add(&q, "Version", "2011-06-15");
	memset(&req, 0, sizeof(req));
	req.service = "sts";
	req.region = b->c->cfg->region;
	req.proto = FG_PROTO_QUERY;
	req.params = &q;
	fg_aws_send(b->c->aws, &req, on_call, bc);
	fg_query_free(&q);
}

/* --- Queues: the dead-letter queue, its ARN, then the request queue redriving to it. Each
 * queue is created by name and then given its attributes, so that an existing queue with
 * other attributes converges too. */

enum {
	Q_DLQ_CREATE, Q_DLQ_ATTRS, Q_DLQ_ARN, Q_REQ_CREATE, Q_REQ_ATTRS, Q_DONE
};

/* Writes {"QueueUrl": url, "Attributes": { then the caller's attributes. */
static void
attrs_begin(struct fg_jw *w, const char *url)
{
	fg_jw_init(w, 0);
	fg_jw_obj(w);
	fg_jw_kstr(w, "QueueUrl", url);
	fg_jw_key(w, "Attributes");
	fg_jw_obj(w);
}

/* Sends CreateQueue for a name. */
static void
queue_create(struct boot_call *bc, const char *base)
{
	struct fg_jw w;
	char *name = conductor_name(bc->b->c, base);

	fg_jw_init(&w, 0);
	fg_jw_obj(&w);
	fg_jw_kstr(&w, "QueueName", name);
	fg_jw_end_obj(&w);
	free(name);
	json_call(bc, "sqs", "AmazonSQS.CreateQueue", &w);
}

/* Sends GetQueueUrl for a name (a queue that exists with other attributes). */
static void
queue_url(struct boot_call *bc, const char *base)
{
	struct fg_jw w;
	char *name = conductor_name(bc->b->c, base);

	fg_jw_init(&w, 0);
	fg_jw_obj(&w);
	fg_jw_kstr(&w, "QueueName", name);
	fg_jw_end_obj(&w);
	free(name);
	json_call(bc, "sqs", "AmazonSQS.GetQueueUrl", &w);
}

/* Each step of the queue chain. */
static void
on_queue(struct boot_call *bc, const struct fg_aws_reply *rep)
{
	static const char *const what[] = {
		"SQS CreateQueue (dead-letter queue)", "SQS SetQueueAttributes (dead-letter queue)",
		"SQS GetQueueAttributes (dead-letter queue)", "SQS CreateQueue (requests)",
		"SQS SetQueueAttributes (requests)",
	};
	struct conductor *c = bc->b->c;
	struct fg_jw w, rp;
	const char *s;

	if (rep->err.cls != FG_ERR_NONE && (bc->step == Q_DLQ_CREATE || bc->step == Q_REQ_CREATE) &&
	    rep->err.code && strcmp(rep->err.code, "QueueAlreadyExists") == 0 && !bc->by_url) {
		/* It exists with other attributes: find it; SetQueueAttributes follows. */
		bc->by_url = 1;
		queue_url(bc, bc->step == Q_DLQ_CREATE ? "fugue-requests-dlq" : "fugue-requests");
		return;
	}
	if (rep->err.cls != FG_ERR_NONE) {
		call_fail(bc, what[bc->step], rep);
		return;
	}
	bc->by_url = 0;
	switch (bc->step++) {
	case Q_DLQ_CREATE:
		if ((s = fg_json_str(fg_json_get(rep->json, "QueueUrl"))) == NULL) {
			call_bad_reply(bc, what[Q_DLQ_CREATE], "QueueUrl");
			return;
		}
		c->dlq_url = fg_strdup(s);
		attrs_begin(&w, s);
		fg_jw_kstr(&w, "MessageRetentionPeriod", DLQ_RETENTION_S);
		fg_jw_end_obj(&w);
		fg_jw_end_obj(&w);
		json_call(bc, "sqs", "AmazonSQS.SetQueueAttributes", &w);
		return;
	case Q_DLQ_ATTRS:
		fg_jw_init(&w, 0);
		fg_jw_obj(&w);
		fg_jw_kstr(&w, "QueueUrl", c->dlq_url);
		fg_jw_key(&w, "AttributeNames");
		fg_jw_arr(&w);
		fg_jw_str(&w, "QueueArn");
		fg_jw_end_arr(&w);
		fg_jw_end_obj(&w);
		json_call(bc, "sqs", "AmazonSQS.GetQueueAttributes", &w);
		return;
	case Q_DLQ_ARN:
		if ((s = fg_json_str(fg_json_path(rep->json, "Attributes/QueueArn"))) == NULL) {
			call_bad_reply(bc, what[Q_DLQ_ARN], "QueueArn");
			return;
		}
		bc->arn = fg_strdup(s);
		queue_create(bc, "fugue-requests");
		return;
	case Q_REQ_CREATE:
		if ((s = fg_json_str(fg_json_get(rep->json, "QueueUrl"))) == NULL) {
			call_bad_reply(bc, what[Q_REQ_CREATE], "QueueUrl");
			return;
		}
		c->queue_url = fg_strdup(s);
		fg_jw_init(&rp, 0);
		fg_jw_obj(&rp);
		fg_jw_kstr(&rp, "deadLetterTargetArn", bc->arn);
		fg_jw_kstr(&rp, "maxReceiveCount", MAX_RECEIVES);
		fg_jw_end_obj(&rp);
		attrs_begin(&w, s);
		fg_jw_kstr(&w, "RedrivePolicy", fg_jw_text(&rp));
		fg_jw_kstr(&w, "VisibilityTimeout", VISIBILITY_S);
		fg_jw_kstr(&w, "MaximumMessageSize", "262144");
		fg_jw_end_obj(&w);
		fg_jw_end_obj(&w);
		fg_jw_free(&rp);
		json_call(bc, "sqs", "AmazonSQS.SetQueueAttributes", &w);
		return;
	default:
		log_info("request queue %s (dead letters: %s)", c->queue_url, c->dlq_url);
		call_end(bc);
		return;
	}
}

/* --- The events topic. */

/* CreateTopic answered (it is idempotent). */
static void
on_topic(struct boot_call *bc, const struct fg_aws_reply *rep)
{
	const char *what = "SNS CreateTopic (events)", *arn;

	if (rep->err.cls != FG_ERR_NONE) {
		call_fail(bc, what, rep);
		return;
	}
	if ((arn = fg_xml_text(rep->xml, "CreateTopicResult/TopicArn")) == NULL) {
		call_bad_reply(bc, what, "TopicArn");
		return;
	}
	bc->b->c->topic_arn = fg_strdup(arn);
	call_end(bc);
}

/* Creates (or finds) the events topic. */
static void
topic_create(struct boot *b)
{
	struct boot_call *bc = call_new(b, on_topic);
	struct fg_query q;
	struct fg_aws_req req;
	char *name = conductor_name(b->c, "fugue-events");

	fg_query_init(&q);
	fg_query_add(&q, "Action", "CreateTopic");
	fg_query_add(&q, "Version", "2010-03-31");
	fg_query_add(&q, "Name", name);
	memset(&req, 0, sizeof(req));
	req.service = "sns";
	req.region = b->c->region;
	req.proto = FG_PROTO_QUERY;
	req.params = &q;
	fg_aws_send(b->c->aws, &req, on_call, bc);
	fg_query_free(&q);
	free(name);
}

/* --- Tables: DescribeTable; CreateTable when missing; DescribeTable until ACTIVE. */

static void table_describe(struct boot_call *);

/* The table poll timer. */
static void
on_table_timer(void *arg)
{
	table_describe(arg);
}

/* Writes {"TableName": name of bc's table. */
static void
table_body(struct boot_call *bc, struct fg_jw *w)
{
	fg_jw_init(w, 0);
	fg_jw_obj(w);
	fg_jw_kstr(w, "TableName", store_table_name(bc->b->c->store, bc->table));
}

/* Sends CreateTable: string partition and sort keys, on-demand. */
static void
table_create(struct boot_call *bc)
{
	const char *keys[2], *types[2] = { "HASH", "RANGE" };
	struct fg_jw w;
	int i;

	store_table_keys(bc->table, &keys[0], &keys[1]);
	table_body(bc, &w);
	fg_jw_key(&w, "AttributeDefinitions");
	fg_jw_arr(&w);
	for (i = 0; i < 2; i++) {
		fg_jw_obj(&w);
		fg_jw_kstr(&w, "AttributeName", keys[i]);
		fg_jw_kstr(&w, "AttributeType", "S");
		fg_jw_end_obj(&w);
	}
	fg_jw_end_arr(&w);
	fg_jw_key(&w, "KeySchema");
	fg_jw_arr(&w);
	for (i = 0; i < 2; i++) {
		fg_jw_obj(&w);
		fg_jw_kstr(&w, "AttributeName", keys[i]);
		fg_jw_kstr(&w, "KeyType", types[i]);
		fg_jw_end_obj(&w);
	}
	fg_jw_end_arr(&w);
	fg_jw_kstr(&w, "BillingMode", "PAY_PER_REQUEST");
	fg_jw_end_obj(&w);
	log_info("creating table %s", store_table_name(bc->b->c->store, bc->table));
	json_call(bc, "dynamodb", "DynamoDB_20120810.CreateTable", &w);
}

/* DescribeTable or CreateTable answered. */
static void
on_table(struct boot_call *bc, const struct fg_aws_reply *rep)
{
	const char *name = store_table_name(bc->b->c->store, bc->table), *status;
	char *what;

	if (rep->err.cls == FG_ERR_NOT_FOUND && bc->step == 0) {
		bc->step = 1;
		table_create(bc);
		return;
	}
	/* Created meanwhile by someone else: wait for it like for ours. */
	if (rep->err.cls != FG_ERR_NONE &&
	    !(rep->err.code && strcmp(rep->err.code, "ResourceInUseException") == 0)) {
		what = fg_printf("DynamoDB table %s", name);
		call_fail(bc, what, rep);
		free(what);
		return;
	}
	status = fg_json_str(fg_json_path(rep->json, "Table/TableStatus"));
	if (status && strcmp(status, "ACTIVE") == 0) {
		call_end(bc);
		return;
	}
	if (fg_mono_ms() - bc->since_ms > TABLE_WAIT_MS) {
		boot_fail(bc->b, "DynamoDB table %s is still %s after %d s", name,
		    status ? status : "not ACTIVE", TABLE_WAIT_MS / 1000);
		call_end(bc);
		return;
	}
	if (bc->timer == NULL)
		bc->timer = fg_timer_new(bc->b->c->loop, on_table_timer, bc);
	fg_timer_add(bc->timer, TABLE_POLL_MS);
}

/* Sends DescribeTable. */
static void
table_describe(struct boot_call *bc)
{
	struct fg_jw w;

	table_body(bc, &w);
	fg_jw_end_obj(&w);
	json_call(bc, "dynamodb", "DynamoDB_20120810.DescribeTable", &w);
}

/* --- The bucket. */

/* CreateBucket answered; one we own already is fine. */
static void
on_bucket(struct boot_call *bc, const struct fg_aws_reply *rep)
{
	char *what;

	if (rep->err.cls != FG_ERR_NONE &&
	    !(rep->err.code && strcmp(rep->err.code, "BucketAlreadyOwnedByYou") == 0)) {
		what = fg_printf("S3 CreateBucket %s", bc->b->c->bucket);
		call_fail(bc, what, rep);
		free(what);
		return;
	}
	call_end(bc);
}

/* Creates (or finds) the bucket. */
static void
bucket_create(struct boot *b)
{
	struct boot_call *bc = call_new(b, on_bucket);
	struct fg_aws_req req;
	struct fg_buf body;

	fg_buf_init(&body);
	if (strcmp(b->c->region, "us-east-1") != 0) {
		fg_buf_addstr(&body, "<CreateBucketConfiguration xmlns=\"http://s3.amazonaws.com/"
		    "doc/2006-03-01/\">");
		fg_xml_elem(&body, "LocationConstraint", b->c->region);
		fg_buf_addstr(&body, "</CreateBucketConfiguration>");
	}
	memset(&req, 0, sizeof(req));
	req.service = "s3";
	req.region = b->c->region;
	req.proto = FG_PROTO_REST_XML;
	req.method = "PUT";
	req.bucket = b->c->bucket;
	req.body = body.data;
	req.body_len = body.len;
	fg_aws_send(b->c->aws, &req, on_call, bc);
	fg_buf_free(&body);
}

/* Finds (or creates) a table: one call of the current phase. */
static void
table_ensure(struct boot *b, enum store_table t)
{
	struct boot_call *bc = call_new(b, on_table);

	bc->table = t;
	bc->since_ms = fg_mono_ms();
	table_describe(bc);
}

/* --- The lease (lease.h): before it is held, the tables are only described (and created at
 * the first start, as the lease's table must be), nothing else is touched. */

/* Second phase: the tables, all at once. */
static void
phase_tables(struct boot *b)
{
	struct conductor *c = b->c;
	int t;

	b->next = phase_lease;
	c->lease = lease_new(c->loop, c->env, store_table_name(c->store, STORE_LEASE), c->region,
	    (uint64_t)c->cfg->lease_duration * 1000, (uint64_t)c->cfg->lease_renew * 1000);
	b->pending++; /* held while the calls start */
	for (t = 0; t < STORE_NTABLES; t++)
		table_ensure(b, (enum store_table)t);
	phase_step(b);
}

/* The lease is held (or the wait ended with a stop). */
static void
on_lease(void *arg, int held)
{
	struct boot *b = arg;

	(void)held;
	phase_step(b);
}

/* Third phase: wait for the lease; a standby stays here until the holder goes. */
static void
phase_lease(struct boot *b)
{
	b->next = phase_resources;
	b->pending++;
	lease_acquire(b->c->lease, on_lease, b, conductor_lease_lost, b->c);
}

/* Fourth phase: queues, topic and bucket, all at once. */
static void
phase_resources(struct boot *b)
{
	b->next = phase_root;
	b->pending++; /* held while the calls start */
	queue_create(call_new(b, on_queue), "fugue-requests-dlq");
	topic_create(b);
	bucket_create(b);
	phase_step(b);
}

/* --- The root user. */

/* Writes the root secret to the file the settings name (mode 0600, replaced atomically). The
 * temporary file is made anew: one left there (or planted) would keep its mode or be a link. */
static int
root_secret_file(const char *path, const char *secret)
{
	char *tmp = fg_printf("%s.tmp", path);
	size_t len = strlen(secret);
	int fd, rc = -1;

	unlink(tmp);
	fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
	if (fd < 0) {
		log_warn("root secret file %s", tmp);
		goto out;
	}
	if (write(fd, secret, len) != (ssize_t)len || write(fd, "\n", 1) != 1) {
		log_warn("root secret file %s", tmp);
		close(fd);
		unlink(tmp);
		goto out;
	}
	if (close(fd) < 0 || rename(tmp, path) < 0) {
		log_warn("root secret file %s", path);
		unlink(tmp);
		goto out;
	}
	rc = 0;
out:
	free(tmp);
	return rc;
}

/* The root user exists. */
static void
on_root(const char *secret, const char *err, void *arg)
{
	struct boot *b = arg;
	const char *file = b->c->cfg->root_secret_file;

	if (err || secret == NULL)
		boot_fail(b, "root user: %s", err ? err : "its secret object is empty");
	else if (file && root_secret_file(file, secret) < 0)
		boot_fail(b, "cannot write the root secret to %s", file);
	phase_step(b);
}

/* Fifth phase: the bootstrap root user. */
static void
phase_root(struct boot *b)
{
	b->next = phase_recover;
	b->pending++;
	users_boot_root(b->c->users, on_root, b);
}

/* --- Recovery: the engine's intents, then the processes. */

/* The processes are loaded (and their jobs started). */
static void
on_procs(void *arg, const char *err)
{
	struct boot *b = arg;

	if (err)
		boot_fail(b, "processes: %s", err);
	phase_step(b);
}

/* The engine resolved its intents. */
static void
on_recovered(void *arg, int ok, const char *message, fg_json plan)
{
	struct boot *b = arg;

	(void)plan;
	if (!ok) {
		boot_fail(b, "engine recovery: %s", message ? message : "failed");
		phase_step(b);
		return;
	}
	if (message && *message)
		log_info("engine recovery: %s", message);
	procs_load(b->c, on_procs, b);
}

/* Sixth phase: engine recovery, then the processes. */
static void
phase_recover(struct boot *b)
{
	b->next = phase_ready;
	b->pending++;
	engine_recover(b->c->engine, on_recovered, b);
}

/* --- Ready. */

/* The ready marker is written: take requests. */
static void
on_marker(const char *err, int notfound, const char *body, size_t len, void *arg)
{
	struct boot *b = arg;
	struct conductor *c = b->c;

	(void)notfound;
	(void)body;
	(void)len;
	if (err) {
		boot_fail(b, "ready marker s3://%s/conductor/ready.json: %s", c->bucket, err);
		free(b);
		return;
	}
	free(b);
	if (c->stopping)
		return;
	log_info("ready: leading as %s; queue %s, bucket %s, %zu processes",
	    lease_owner(c->lease), c->queue_url, c->bucket, procs_count(c));
	conductor_booted(c);
}

/* Last phase: the ready marker (doc/protocol.md). */
static void
phase_ready(struct boot *b)
{
	struct conductor *c = b->c;
	struct fg_jw w;
	char now[32];

	rfc3339_format(fg_wall_ms(), now);
	fg_jw_init(&w, 0);
	fg_jw_obj(&w);
	fg_jw_kint(&w, "v", PROTO_VERSION);
	fg_jw_kstr(&w, "version", PACKAGE_VERSION);
	fg_jw_kstr(&w, "started", now);
	fg_jw_kstr(&w, "account", c->account);
	fg_jw_kstr(&w, "region", c->region);
	fg_jw_kstr(&w, "queue", c->queue_url);
	fg_jw_kint(&w, "pid", (int64_t)getpid());
	fg_jw_key(&w, "leader");
	lease_write_json(c->lease, &w);
	fg_jw_end_obj(&w);
	obj_put(c, "conductor/ready.json", "application/json", fg_jw_text(&w),
	    strlen(fg_jw_text(&w)), on_marker, b);
	fg_jw_free(&w);
}

/* Starts the boot. */
void
boot_start(struct conductor *c)
{
	struct boot *b = fg_calloc(1, sizeof(*b));

	b->c = c;
	phase_identity(b);
}
