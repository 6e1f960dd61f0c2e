/* sqs.c: the SQS broker plugin. AWS.SQS.Queue over the query protocol (API 2012-11-05):
 * create = CreateQueue with attributes and tags (idempotent by name); read = GetQueueUrl when
 * the URL is unknown, GetQueueAttributes(All), ListQueueTags; update = SetQueueAttributes,
 * UntagQueue, TagQueue; delete = DeleteQueue.
 *
 * Sweep: SQS has no batched describe. ListQueues returns URLs only and is eventually
 * consistent (a queue deleted a minute ago may still be listed, a new one missing), so it can
 * settle neither drift nor deletion; the sweep therefore reads every managed queue
 * (GetQueueAttributes and ListQueueTags) at once, and a queue that answers NonExistentQueue
 * is left unreported, i.e. deleted. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../util.h"

#define API_VERSION "2012-11-05"

enum akind { A_INT, A_BOOL, A_STR, A_DOC };

/* The queue attributes that are properties, and how each travels as a string. */
static const struct attr {
	const char *name;
	enum akind kind;
	int fifo_only;   /* sent only for FIFO queues */
	int create_only; /* sent only by CreateQueue */
} attrs[] = {
	{ "DelaySeconds", A_INT, 0, 0 },
	{ "MaximumMessageSize", A_INT, 0, 0 },
	{ "MessageRetentionPeriod", A_INT, 0, 0 },
	{ "Policy", A_STR, 0, 0 },
	{ "ReceiveMessageWaitTimeSeconds", A_INT, 0, 0 },
	{ "VisibilityTimeout", A_INT, 0, 0 },
	{ "RedrivePolicy", A_DOC, 0, 0 },
	{ "RedriveAllowPolicy", A_DOC, 0, 0 },
	{ "FifoQueue", A_BOOL, 1, 1 },
	{ "ContentBasedDeduplication", A_BOOL, 1, 0 },
	{ "DeduplicationScope", A_STR, 1, 0 },
	{ "FifoThroughputLimit", A_STR, 1, 0 },
	{ "KmsMasterKeyId", A_STR, 0, 0 },
	{ "KmsDataKeyReusePeriodSeconds", A_INT, 0, 0 },
	{ "SqsManagedSseEnabled", A_BOOL, 0, 0 },
};

/* Reading one queue: attributes, then tags; then done. */
struct qread {
	struct preq r;
	char *url;
	const char *region;
	struct fugue_json *w;
	char *arn;
	void (*done)(struct qread *, enum fugue_status, const char *observed, const char *msg);
	struct qsweep *sweep; /* the sweep this reader belongs to, or NULL */
};

/* A sweep: one reader per managed queue. */
struct qsweep {
	const struct fugue_host *h;
	struct fugue_sweep *sw;
	struct qread *readers;
	size_t n;
	size_t pending;
	char *error;
	enum fugue_status error_st;
};

/* Frees a reader's contents. */
static void
qread_clear(struct qread *q)
{
	if (q->w != NULL)
		q->r.h->j_free(q->w);
	free(q->url);
	free(q->arn);
	q->w = NULL;
	q->url = q->arn = NULL;
}

/* free_fn of an operation's reader. */
static void
qread_free(void *p)
{
	qread_clear(p);
	free(p);
}

/* The attribute called name, or NULL. */
static const struct attr *
attr_find(const char *name)
{
	for (size_t i = 0; i < sizeof(attrs) / sizeof(attrs[0]); i++)
		if (strcmp(attrs[i].name, name) == 0)
			return &attrs[i];
	return NULL;
}

/* Adds the desired attributes as Attribute.N.Name/Value; returns how many. */
static unsigned
add_attributes(const struct fugue_host *h, struct fugue_call *c, const struct fugue_value *d,
    int creating)
{
	int fifo = 0;
	unsigned n = 0;
	char k[48];

	if (h->v_bool(d, "FifoQueue", &fifo) < 0)
		fifo = 0;
	for (size_t i = 0; i < sizeof(attrs) / sizeof(attrs[0]); i++) {
		const struct attr *a = &attrs[i];
		const struct fugue_value *v = h->v_get(d, a->name);
		const char *text = NULL;
		int b = 0;

		if (v == NULL || (a->fifo_only && !fifo) || (a->create_only && !creating))
			continue;
		switch (a->kind) {
		case A_INT:
		case A_STR:
			text = h->v_str(v, "");
			break;
		case A_BOOL:
			if (h->v_bool(v, "", &b) == 0)
				text = b ? "true" : "false";
			/* FifoQueue is sent only when true. */
			if (strcmp(a->name, "FifoQueue") == 0 && !b)
				text = NULL;
			break;
		case A_DOC:
			text = h->v_json(v);
			break;
		}
		if (text == NULL)
			continue;
		n++;
		snprintf(k, sizeof(k), "Attribute.%u.Name", n);
		h->call_param(c, k, a->name);
		snprintf(k, sizeof(k), "Attribute.%u.Value", n);
		h->call_param(c, k, text);
	}
	return n;
}

/* Adds tags as prefix.N.Key/Value; returns how many. */
static unsigned
add_tags(const struct fugue_host *h, struct fugue_call *c, const char *prefix,
    const struct fugue_value *tags, const struct fugue_value *skip_same)
{
	size_t len = h->v_len(tags, "");
	unsigned n = 0;
	char k[48];

	for (size_t i = 0; i < len; i++) {
		const struct fugue_value *t = h->v_at(tags, i);
		const char *key = h->v_str(t, "Key"), *val = h->v_str(t, "Value");

		if (key == NULL || val == NULL ||
		    (skip_same != NULL && ptag_has(h, skip_same, key, val)))
			continue;
		n++;
		snprintf(k, sizeof(k), "%s.%u.Key", prefix, n);
		h->call_param(c, k, key);
		snprintf(k, sizeof(k), "%s.%u.Value", prefix, n);
		h->call_param(c, k, val);
	}
	return n;
}

/* A new SQS call of a chain. */
static struct fugue_call *
sqs_call(struct preq *r, const char *action, const char *url)
{
	struct fugue_call *c = preq_call(r, "sqs", FUGUE_PROTO_QUERY, action);

	r->h->call_param(c, "Version", API_VERSION);
	if (url != NULL)
		r->h->call_param(c, "QueueUrl", url);
	return c;
}

/* Writes one attribute of GetQueueAttributes as its property. */
static void
write_attr(const struct fugue_host *h, struct fugue_json *w, const struct attr *a,
    const char *val)
{
	const struct fugue_value *doc;
	int64_t mrc;
	char *end;

	switch (a->kind) {
	case A_INT:
		h->j_key(w, a->name);
		h->j_int(w, strtoll(val, &end, 10));
		break;
	case A_BOOL:
		h->j_key(w, a->name);
		h->j_bool(w, strcmp(val, "true") == 0);
		break;
	case A_STR:
		h->j_key(w, a->name);
		h->j_str(w, val);
		break;
	case A_DOC:
		doc = h->v_parse(val, strlen(val));
		if (doc == NULL || h->v_type(doc, "") != FUGUE_V_OBJECT)
			break;
		h->j_key(w, a->name);
		if (strcmp(a->name, "RedrivePolicy") != 0) {
			h->j_value(w, doc);
			break;
		}
		/* maxReceiveCount comes back as a number or as a string. */
		h->j_obj(w);
		h->j_key(w, "deadLetterTargetArn");
		h->j_str(w, h->v_str(doc, "deadLetterTargetArn"));
		h->j_key(w, "maxReceiveCount");
		if (h->v_int(doc, "maxReceiveCount", &mrc) < 0) {
			const char *s = h->v_str(doc, "maxReceiveCount");

			mrc = s ? strtoll(s, &end, 10) : 0;
		}
		h->j_int(w, mrc);
		h->j_end_obj(w);
		break;
	}
}

/* ListQueueTags answered: the tags end the observed queue. */
static void
on_tags(struct preq *r, const struct fugue_reply *rep)
{
	struct qread *q = (struct qread *)r;
	const struct fugue_host *h = r->h;
	const struct fugue_xml *t;
	char *msg;

	if (h->r_status(rep) != FUGUE_OK) {
		msg = pfail(h, rep, "ListQueueTags");
		q->done(q, h->r_status(rep), NULL, msg);
		free(msg);
		return;
	}
	h->j_key(q->w, "Tags");
	h->j_arr(q->w);
	for (t = h->x_find(h->r_xml(rep), "ListQueueTagsResult/Tag"); t; t = h->x_next(t)) {
		h->j_obj(q->w);
		h->j_key(q->w, "Key");
		h->j_str(q->w, h->x_text(t, "Key"));
		h->j_key(q->w, "Value");
		h->j_str(q->w, h->x_text(t, "Value") ? h->x_text(t, "Value") : "");
		h->j_end_obj(q->w);
	}
	h->j_end_arr(q->w);
	h->j_key(q->w, "QueueUrl");
	h->j_str(q->w, q->url);
	h->j_key(q->w, "QueueArn");
	h->j_str(q->w, q->arn);
	h->j_end_obj(q->w);
	q->done(q, FUGUE_OK, h->j_text(q->w), NULL);
}

/* GetQueueAttributes answered: the attributes start the observed queue. */
static void
on_attributes(struct preq *r, const struct fugue_reply *rep)
{
	struct qread *q = (struct qread *)r;
	const struct fugue_host *h = r->h;
	const struct fugue_xml *a;
	const char *name = strrchr(q->url, '/');
	struct fugue_call *c;
	char *msg;

	if (h->r_status(rep) != FUGUE_OK) {
		msg = pfail(h, rep, "GetQueueAttributes");
		q->done(q, h->r_status(rep), NULL, msg);
		free(msg);
		return;
	}
	if (q->w != NULL)
		h->j_free(q->w);
	q->w = h->j_new();
	h->j_obj(q->w);
	h->j_key(q->w, "QueueName");
	h->j_str(q->w, name ? name + 1 : q->url);
	if (q->region != NULL) {
		h->j_key(q->w, "Region");
		h->j_str(q->w, q->region);
	}
	for (a = h->x_find(h->r_xml(rep), "GetQueueAttributesResult/Attribute"); a;
	    a = h->x_next(a)) {
		const char *n = h->x_text(a, "Name"), *v = h->x_text(a, "Value");
		const struct attr *at;

		if (n == NULL)
			continue;
		if (v == NULL)
			v = "";
		if (strcmp(n, "QueueArn") == 0) {
			free(q->arn);
			q->arn = pdup(v);
		} else if ((at = attr_find(n)) != NULL)
			write_attr(h, q->w, at, v);
	}
	c = sqs_call(r, "ListQueueTags", q->url);
	h->call_read_only(c);
	preq_send(r, c, on_tags);
}

/* Starts reading the queue at q->url. */
static void
qread_start(struct qread *q)
{
	struct fugue_call *c = sqs_call(&q->r, "GetQueueAttributes", q->url);

	q->r.h->call_param(c, "AttributeName.1", "All");
	q->r.h->call_read_only(c);
	preq_send(&q->r, c, on_attributes);
}

/* An operation's reader finished: the operation ends with it. */
static void
op_read_done(struct qread *q, enum fugue_status st, const char *observed, const char *msg)
{
	q->r.h->op_done(q->r.op, st, observed, msg);
}

/* A reader for an operation, attached to it. */
static struct qread *
op_reader(const struct fugue_host *h, struct fugue_op *op)
{
	struct qread *q = calloc(1, sizeof(*q));

	if (q == NULL)
		abort();
	preq_init(&q->r, h, op, NULL);
	q->region = h->op_region(op);
	q->url = pdup(h->op_physical_id(op));
	q->done = op_read_done;
	h->op_set_data(op, q, qread_free);
	return q;
}

/* Ends the operation with the reply's error. */
static void
op_fail(struct qread *q, const struct fugue_reply *rep, const char *what)
{
	char *msg = pfail(q->r.h, rep, what);

	q->r.h->op_done(q->r.op, q->r.h->r_status(rep), NULL, msg);
	free(msg);
}

/* CreateQueue answered: record the URL, then read the queue back. */
static void
on_created(struct preq *r, const struct fugue_reply *rep)
{
	struct qread *q = (struct qread *)r;
	const char *url;

	if (r->h->r_status(rep) != FUGUE_OK) {
		op_fail(q, rep, "CreateQueue");
		return;
	}
	url = r->h->x_text(r->h->r_xml(rep), "CreateQueueResult/QueueUrl");
	if (url == NULL) {
		r->h->op_done(r->op, FUGUE_E_RETRYABLE, NULL, "CreateQueue: no QueueUrl in the reply");
		return;
	}
	free(q->url);
	q->url = pdup(url);
	r->h->op_set_physical_id(r->op, url);
	qread_start(q);
}

/* create: CreateQueue with every attribute and tag. */
static void
queue_create(const struct fugue_host *h, struct fugue_op *op)
{
	struct qread *q = op_reader(h, op);
	const struct fugue_value *d = h->op_desired(op);
	struct fugue_call *c = sqs_call(&q->r, "CreateQueue", NULL);

	h->call_param(c, "QueueName", h->v_str(d, "QueueName"));
	add_attributes(h, c, d, 1);
	add_tags(h, c, "Tag", h->v_get(d, "Tags"), NULL);
	preq_send(&q->r, c, on_created);
}

/* GetQueueUrl answered (read without a known URL). */
static void
on_url(struct preq *r, const struct fugue_reply *rep)
{
	struct qread *q = (struct qread *)r;
	const char *url;

	if (r->h->r_status(rep) != FUGUE_OK) {
		op_fail(q, rep, "GetQueueUrl");
		return;
	}
	url = r->h->x_text(r->h->r_xml(rep), "GetQueueUrlResult/QueueUrl");
	if (url == NULL) {
		r->h->op_done(r->op, FUGUE_E_RETRYABLE, NULL, "GetQueueUrl: no QueueUrl in the reply");
		return;
	}
	q->url = pdup(url);
	r->h->op_set_physical_id(r->op, url);
	qread_start(q);
}

/* read: by URL, or by the deterministic name when the URL was lost. */
static void
queue_read(const struct fugue_host *h, struct fugue_op *op)
{
	struct qread *q = op_reader(h, op);
	struct fugue_call *c;

	if (q->url != NULL) {
		qread_start(q);
		return;
	}
	c = sqs_call(&q->r, "GetQueueUrl", NULL);
	h->call_param(c, "QueueName", h->v_str(h->op_desired(op), "QueueName"));
	h->call_read_only(c);
	preq_send(&q->r, c, on_url);
}

/* TagQueue answered: read the result back. */
static void
on_tagged(struct preq *r, const struct fugue_reply *rep)
{
	struct qread *q = (struct qread *)r;

	if (r->h->r_status(rep) != FUGUE_OK) {
		op_fail(q, rep, "TagQueue");
		return;
	}
	qread_start(q);
}

/* UntagQueue answered: add the missing or changed tags. */
static void
on_untagged(struct preq *r, const struct fugue_reply *rep)
{
	struct qread *q = (struct qread *)r;
	const struct fugue_host *h = r->h;
	const struct fugue_value *want = h->v_get(h->op_desired(r->op), "Tags");
	const struct fugue_value *have = h->v_get(h->op_observed(r->op), "Tags");
	size_t n = h->v_len(want, "");
	struct fugue_call *c;
	int missing = 0;

	if (rep != NULL && h->r_status(rep) != FUGUE_OK) {
		op_fail(q, rep, "UntagQueue");
		return;
	}
	for (size_t i = 0; i < n; i++) {
		const struct fugue_value *t = h->v_at(want, i);

		missing |= !ptag_has(h, have, h->v_str(t, "Key"), h->v_str(t, "Value"));
	}
	if (!missing) {
		qread_start(q);
		return;
	}
	c = sqs_call(r, "TagQueue", q->url);
	add_tags(h, c, "Tag", want, have);
	preq_send(r, c, on_tagged);
}

/* SetQueueAttributes answered: remove the tags no longer wanted. */
static void
on_set(struct preq *r, const struct fugue_reply *rep)
{
	struct qread *q = (struct qread *)r;
	const struct fugue_host *h = r->h;
	const struct fugue_value *want = h->v_get(h->op_desired(r->op), "Tags");
	const struct fugue_value *have = h->v_get(h->op_observed(r->op), "Tags");
	size_t n = h->v_len(have, "");
	struct fugue_call *c = NULL;
	unsigned k = 0;
	char key[32];

	if (h->r_status(rep) != FUGUE_OK) {
		op_fail(q, rep, "SetQueueAttributes");
		return;
	}
	for (size_t i = 0; i < n; i++) {
		const char *tk = h->v_str(h->v_at(have, i), "Key");

		if (tk == NULL || strncmp(tk, "aws:", 4) == 0 || ptag_has(h, want, tk, NULL))
			continue;
		if (c == NULL)
			c = sqs_call(r, "UntagQueue", q->url);
		snprintf(key, sizeof(key), "TagKey.%u", ++k);
		h->call_param(c, key, tk);
	}
	if (c == NULL)
		on_untagged(r, NULL);
	else
		preq_send(r, c, on_untagged);
}

/* update: SetQueueAttributes with every managed attribute, then the tags. */
static void
queue_update(const struct fugue_host *h, struct fugue_op *op)
{
	struct qread *q = op_reader(h, op);
	struct fugue_call *c;

	if (q->url == NULL) {
		h->op_done(op, FUGUE_E_NOT_FOUND, NULL, "the queue's URL is not known");
		return;
	}
	c = sqs_call(&q->r, "SetQueueAttributes", q->url);
	add_attributes(h, c, h->op_desired(op), 0);
	preq_send(&q->r, c, on_set);
}

/* DeleteQueue answered: gone either way. */
static void
on_deleted(struct preq *r, const struct fugue_reply *rep)
{
	struct qread *q = (struct qread *)r;
	enum fugue_status st = r->h->r_status(rep);

	if (st != FUGUE_OK && st != FUGUE_E_NOT_FOUND) {
		op_fail(q, rep, "DeleteQueue");
		return;
	}
	r->h->op_done(r->op, FUGUE_OK, NULL, NULL);
}

/* delete: DeleteQueue. */
static void
queue_delete(const struct fugue_host *h, struct fugue_op *op)
{
	struct qread *q = op_reader(h, op);

	if (q->url == NULL) {
		h->op_done(op, FUGUE_OK, NULL, NULL);
		return;
	}
	preq_send(&q->r, sqs_call(&q->r, "DeleteQueue", q->url), on_deleted);
}

/* free_fn of a sweep. */
static void
qsweep_free(void *p)
{
	struct qsweep *s = p;

	for (size_t i = 0; i < s->n; i++)
		qread_clear(&s->readers[i]);
	free(s->readers);
	free(s->error);
	free(s);
}

/* One queue of the sweep was read. */
static void
sweep_read_done(struct qread *q, enum fugue_status st, const char *observed, const char *msg)
{
	struct qsweep *s = q->sweep;

	if (st == FUGUE_OK)
		s->h->sweep_found(s->sw, q->url, observed);
	else if (st != FUGUE_E_NOT_FOUND && s->error == NULL) {
		s->error = pdup(msg);
		s->error_st = st;
	}
	if (--s->pending == 0)
		s->h->sweep_done(s->sw, s->error ? s->error_st : FUGUE_OK, s->error);
}

/* sweep: reads every managed queue of the region at once. */
static void
queue_sweep(const struct fugue_host *h, struct fugue_sweep *sw)
{
	struct qsweep *s = calloc(1, sizeof(*s));
	size_t n = h->sweep_count(sw);

	if (s == NULL || (s->readers = calloc(n ? n : 1, sizeof(struct qread))) == NULL)
		abort();
	s->h = h;
	s->sw = sw;
	s->n = s->pending = n;
	h->sweep_set_data(sw, s, qsweep_free);
	if (n == 0) {
		h->sweep_done(sw, FUGUE_OK, NULL);
		return;
	}
	for (size_t i = 0; i < n; i++) {
		struct qread *q = &s->readers[i];

		preq_init(&q->r, h, NULL, sw);
		q->url = pdup(h->sweep_physical_id(sw, i));
		q->region = h->sweep_region(sw);
		q->done = sweep_read_done;
		q->sweep = s;
		qread_start(q);
	}
}

static const struct fugue_type types[] = {
	{
		.name = "AWS.SQS.Queue",
		.create = queue_create,
		.read = queue_read,
		.update = queue_update,
		.delete = queue_delete,
		.sweep = queue_sweep,
	},
};

const struct fugue_broker sqs_LTX_fugue_broker = {
	.abi_major = FUGUE_BROKER_ABI_MAJOR,
	.abi_minor = FUGUE_BROKER_ABI_MINOR,
	.name = "sqs",
	.description = "Amazon SQS queues",
	.types = types,
	.ntypes = sizeof(types) / sizeof(types[0]),
};
