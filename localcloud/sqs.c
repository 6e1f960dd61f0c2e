/* sqs.c: the SQS service: dispatch of both protocols, and the queue actions (create, look up,
 * list, attributes, tags, purge, delete). */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "services.h"
#include "sigv4.h"
#include "sqs.h"

#define NO_QUEUE_QUERY "The specified queue does not exist for this wsdl version."
#define NO_QUEUE_JSON "The specified queue does not exist."
#define MAX_TAGS 50

/* Reads an integer member within [lo, hi]. */
int
sqs_int_param(struct lc_request *req, fg_json in, const char *name, int64_t lo, int64_t hi,
    int64_t *out)
{
	fg_json v = fg_json_get(in, name);
	int64_t n;

	if (v == NULL || YAJL_IS_NULL(v))
		return 1;
	if (fg_json_int(v, &n) != 0) {
		sqs_error(req, SQS_E_PARAM, "Value for parameter %s is invalid. Reason: must be an "
		    "integer.", name);
		return -1;
	}
	if (n < lo || n > hi) {
		sqs_error(req, SQS_E_PARAM, "Value %lld for parameter %s is invalid. Reason: Must be "
		    "between %lld and %lld, if provided.", (long long)n, name, (long long)lo,
		    (long long)hi);
		return -1;
	}
	*out = n;
	return 0;
}

/* The URL of a queue, with the host the client addressed. */
char *
sqs_queue_url(const struct lc_request *req, const struct sqs_queue *q)
{
	return fg_printf("http://%s/%s/%s", req->host, q->account, q->name);
}

/* Replies that the queue does not exist. */
static void
no_queue(struct lc_request *req)
{
	sqs_error(req, SQS_E_NO_QUEUE, "%s", req->proto == LC_PROTO_JSON ? NO_QUEUE_JSON :
	    NO_QUEUE_QUERY);
}

/* Says whether a queue name follows SQS's rules. */
static int
name_ok(const char *n)
{
	size_t len = strlen(n);

	return len >= 1 && len <= 80 && strspn(n, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
	    "0123456789-_") == len;
}

/* The queue a request's QueueUrl (or, as older clients send it, its path) names; NULL after
 * replying with an error. */
static struct sqs_queue *
queue_of(struct lc_request *req, struct sqs_state *st, fg_json in)
{
	const char *url = fg_json_str(fg_json_get(in, "QueueUrl")), *p, *slash;
	char account[13];
	struct sqs_queue *q;

	if (url == NULL && strcmp(req->path, "/") != 0)
		url = req->path;
	if (url == NULL || *url == '\0') {
		sqs_error(req, SQS_E_MISSING, "The request must contain the parameter QueueUrl.");
		return NULL;
	}
	p = strstr(url, "://");
	p = p ? strchr(p + 3, '/') : url;
	if (p == NULL || p[0] != '/' || strlen(p) < 15 || strspn(p + 1, "0123456789") != 12 ||
	    p[13] != '/' || (slash = strchr(p + 14, '/')) != NULL) {
		sqs_error(req, SQS_E_ADDRESS, "The address %.200s is not valid for this endpoint.", url);
		return NULL;
	}
	memcpy(account, p + 1, 12);
	account[12] = '\0';
	q = sqs_queue_find(st, account, p + 14);
	if (q == NULL || !lc_visible(req, q->created_ms)) {
		no_queue(req);
		return NULL;
	}
	return q;
}

/* Checks one attribute of CreateQueue or SetQueueAttributes; -1 after replying. */
static int
attr_check(struct lc_request *req, struct sqs_state *st, const char *name, const char *value)
{
	const struct sqs_attr_def *d = sqs_attr_def(name);
	char *end = NULL, *err = NULL;
	long long n;

	if (d == NULL || d->kind == SQS_A_RO) {
		sqs_error(req, SQS_E_ATTR_NAME, "Unknown Attribute %s.", name);
		return -1;
	}
	switch (d->kind) {
	case SQS_A_INT:
		n = strtoll(value, &end, 10);
		if (*value == '\0' || *end != '\0' || n < d->lo || n > d->hi) {
			sqs_error(req, SQS_E_ATTR_VALUE, "Invalid value for the parameter %s.", name);
			return -1;
		}
		return 0;
	case SQS_A_BOOL:
		if (strcmp(value, "true") != 0 && strcmp(value, "false") != 0) {
			sqs_error(req, SQS_E_ATTR_VALUE, "Invalid value for the parameter %s.", name);
			return -1;
		}
		if (strcmp(name, "FifoQueue") == 0 && strcmp(value, "true") == 0) {
			sqs_error(req, SQS_E_UNSUPPORTED, "localcloud does not implement FIFO queues.");
			return -1;
		}
		return 0;
	case SQS_A_JSON: {
		fg_json v, arn, mrc;
		int64_t cnt = 0;
		int rc = 0;

		if (*value == '\0')
			return 0;
		v = fg_json_parse(value, strlen(value), &err);
		if (v == NULL || !YAJL_IS_OBJECT(v)) {
			sqs_error(req, SQS_E_ATTR_VALUE, "Invalid value for the parameter %s: %s", name,
			    err ? err : "not a JSON object");
			free(err);
			fg_json_free(v);
			return -1;
		}
		if (strcmp(name, "RedrivePolicy") == 0) {
			arn = fg_json_get(v, "deadLetterTargetArn");
			mrc = fg_json_get(v, "maxReceiveCount");
			if (fg_json_int(mrc, &cnt) != 0 && fg_json_str(mrc))
				cnt = strtoll(fg_json_str(mrc), NULL, 10);
			if (cnt < 1 || cnt > 1000) {
				sqs_error(req, SQS_E_PARAM, "Value %s for parameter RedrivePolicy is "
				    "invalid. Reason: Invalid value for maxReceiveCount: %lld, valid values "
				    "are from 1 to 1000 both inclusive.", value, (long long)cnt);
				rc = -1;
			} else if (sqs_queue_by_arn(st, fg_json_str(arn)) == NULL) {
				sqs_error(req, SQS_E_PARAM, "Value %s for parameter RedrivePolicy is "
				    "invalid. Reason: Dead letter target does not exist.", value);
				rc = -1;
			}
		}
		fg_json_free(v);
		return rc;
	}
	default:
		return 0;
	}
}

/* Checks a whole Attributes map; -1 after replying. */
static int
attrs_check(struct lc_request *req, struct sqs_state *st, fg_json attrs)
{
	for (size_t i = 0; i < fg_json_len(attrs); i++) {
		const char *v = fg_json_str(fg_json_at(attrs, i));

		if (v == NULL) {
			sqs_error(req, SQS_E_ATTR_VALUE, "Invalid value for the parameter %s.",
			    fg_json_key(attrs, i));
			return -1;
		}
		if (attr_check(req, st, fg_json_key(attrs, i), v) != 0)
			return -1;
	}
	return 0;
}

/* Checks and applies tags; -1 after replying. */
static int
tags_apply(struct lc_request *req, struct sqs_queue *q, fg_json tags)
{
	size_t n = q ? q->ntags : 0;

	for (size_t i = 0; i < fg_json_len(tags); i++) {
		const char *k = fg_json_key(tags, i), *v = fg_json_str(fg_json_at(tags, i));

		if (*k == '\0' || strlen(k) > 128 || v == NULL || strlen(v) > 256 ||
		    strncmp(k, "aws:", 4) == 0) {
			sqs_error(req, SQS_E_PARAM, "Tag key %.128s or its value is not valid.", k);
			return -1;
		}
		n++;
	}
	if (n > MAX_TAGS) {
		sqs_error(req, SQS_E_PARAM, "Too many tags added for queue. Maximum is %d.", MAX_TAGS);
		return -1;
	}
	for (size_t i = 0; q && i < fg_json_len(tags); i++)
		sqs_kv_set(&q->tags, &q->ntags, fg_json_key(tags, i), fg_json_str(fg_json_at(tags, i)));
	return 0;
}

/* Replies with a queue's URL. */
static enum lc_result
reply_url(struct lc_request *req, struct sqs_queue *q)
{
	struct sqs_out o;
	char *url = sqs_queue_url(req, q);

	sqs_out_begin(&o, req, 1);
	sqs_out_str(&o, "QueueUrl", url);
	sqs_out_end(&o);
	free(url);
	return LC_DONE;
}

/* Replies with an empty result. */
static enum lc_result
reply_empty(struct lc_request *req)
{
	struct sqs_out o;

	sqs_out_begin(&o, req, 0);
	sqs_out_end(&o);
	return LC_DONE;
}

/* CreateQueue: creates, or returns the existing queue when its attributes are the same. */
static enum lc_result
create_queue(struct lc_request *req, struct sqs_state *st, fg_json in)
{
	const char *name = fg_json_str(fg_json_get(in, "QueueName"));
	fg_json attrs = fg_json_get(in, "Attributes"), tags = fg_json_get(in, "tags");
	struct sqs_queue *q;

	if (name == NULL) {
		sqs_error(req, SQS_E_MISSING, "The request must contain the parameter QueueName.");
		return LC_DONE;
	}
	if (strlen(name) > 5 && strcmp(name + strlen(name) - 5, ".fifo") == 0) {
		sqs_error(req, SQS_E_UNSUPPORTED, "localcloud does not implement FIFO queues.");
		return LC_DONE;
	}
	if (!name_ok(name)) {
		sqs_error(req, SQS_E_PARAM, "Can only include alphanumeric characters, hyphens, or "
		    "underscores. 1 to 80 in length");
		return LC_DONE;
	}
	if (attrs_check(req, st, attrs) != 0 || tags_apply(req, NULL, tags) != 0)
		return LC_DONE;
	if ((q = sqs_queue_find(st, req->who.account, name)) != NULL) {
		for (size_t i = 0; i < sqs_nattr_defs; i++) {
			const struct sqs_attr_def *d = &sqs_attr_defs[i];
			const char *want = fg_json_str(fg_json_get(attrs, d->name));
			const char *have = sqs_queue_attr(q, d->name);

			if (d->kind == SQS_A_RO)
				continue;
			if (want == NULL || *want == '\0')
				want = d->def;
			if ((want == NULL) != (have == NULL) || (want && strcmp(want, have) != 0)) {
				sqs_error(req, SQS_E_QUEUE_EXISTS, "A queue already exists with the same "
				    "name and a different value for attribute %s", d->name);
				return LC_DONE;
			}
		}
		return reply_url(req, q);
	}
	q = sqs_queue_add(st, req->who.account, name, req->who.region, fg_wall_ms());
	for (size_t i = 0; i < fg_json_len(attrs); i++)
		sqs_queue_set_attr(q, fg_json_key(attrs, i), fg_json_str(fg_json_at(attrs, i)));
	tags_apply(req, q, tags);
	lc_changed(st->srv, &lc_svc_sqs);
	return reply_url(req, q);
}

/* GetQueueUrl. */
static enum lc_result
get_queue_url(struct lc_request *req, struct sqs_state *st, fg_json in)
{
	const char *name = fg_json_str(fg_json_get(in, "QueueName"));
	const char *owner = fg_json_str(fg_json_get(in, "QueueOwnerAWSAccountId"));
	struct sqs_queue *q;

	if (name == NULL) {
		sqs_error(req, SQS_E_MISSING, "The request must contain the parameter QueueName.");
		return LC_DONE;
	}
	q = sqs_queue_find(st, owner ? owner : req->who.account, name);
	if (q == NULL || !lc_visible(req, q->created_ms)) {
		no_queue(req);
		return LC_DONE;
	}
	return reply_url(req, q);
}

/* Reads MaxResults and NextToken of a paginated list; -1 after replying. */
static int
page_params(struct lc_request *req, fg_json in, int64_t *max, int *paged, char **after)
{
	const char *tok = fg_json_str(fg_json_get(in, "NextToken"));
	size_t n;

	*max = SQS_MAX_LIST;
	*after = NULL;
	if (sqs_int_param(req, in, "MaxResults", 1, SQS_MAX_LIST, max) < 0)
		return -1;
	*paged = fg_json_get(in, "MaxResults") != NULL;
	if (tok && *tok) {
		unsigned char *raw = fg_base64_decode(tok, &n);

		if (raw == NULL || n == 0 || memchr(raw, '\0', n)) {
			free(raw);
			sqs_error(req, SQS_E_PARAM, "Invalid NextToken value.");
			return -1;
		}
		*after = fg_strndup((char *)raw, n);
		free(raw);
	}
	return 0;
}

/* Writes a list of queue URLs with pagination (ListQueues, ListDeadLetterSourceQueues). */
static void
write_url_page(struct lc_request *req, struct sqs_queue **qs, size_t n, int64_t max,
    int paged, const char *json_name)
{
	struct sqs_out o;
	size_t i;

	sqs_out_begin(&o, req, 1);
	if (n) {
		sqs_out_list(&o, json_name, "QueueUrl");
		for (i = 0; i < n && (int64_t)i < max; i++) {
			char *url = sqs_queue_url(req, qs[i]);

			sqs_out_item_str(&o, url);
			free(url);
		}
		sqs_out_close(&o);
	}
	if (paged && (int64_t)n > max) {
		char *tok = fg_base64(qs[max - 1]->name, strlen(qs[max - 1]->name));

		sqs_out_str(&o, "NextToken", tok);
		free(tok);
	}
	sqs_out_end(&o);
}

/* ListQueues (with QueueNamePrefix and pagination). */
static enum lc_result
list_queues(struct lc_request *req, struct sqs_state *st, fg_json in)
{
	const char *prefix = fg_json_str(fg_json_get(in, "QueueNamePrefix"));
	struct sqs_queue **qs = fg_calloc(st->nqueues + 1, sizeof(*qs));
	char *after;
	int64_t max;
	size_t n = 0;
	int paged;

	if (page_params(req, in, &max, &paged, &after) == 0) {
		for (size_t i = 0; i < st->nqueues; i++) {
			struct sqs_queue *q = st->queues[i];

			if (strcmp(q->account, req->who.account) != 0 ||
			    (prefix && strncmp(q->name, prefix, strlen(prefix)) != 0) ||
			    (after && strcmp(q->name, after) <= 0) || !lc_visible(req, q->created_ms))
				continue;
			qs[n++] = q;
		}
		write_url_page(req, qs, n, max, paged, "QueueUrls");
	}
	free(after);
	free(qs);
	return LC_DONE;
}

/* ListDeadLetterSourceQueues. */
static enum lc_result
dl_sources(struct lc_request *req, struct sqs_queue *dlq, fg_json in)
{
	struct sqs_state *st = dlq->st;
	struct sqs_queue **qs = fg_calloc(st->nqueues + 1, sizeof(*qs));
	char *after;
	int64_t max;
	size_t n = 0;
	int paged;

	if (page_params(req, in, &max, &paged, &after) == 0) {
		for (size_t i = 0; i < st->nqueues; i++) {
			struct sqs_queue *q = st->queues[i];

			if (q->dlq_arn && strcmp(q->dlq_arn, dlq->arn) == 0 &&
			    (after == NULL || strcmp(q->name, after) > 0))
				qs[n++] = q;
		}
		write_url_page(req, qs, n, max, paged, "queueUrls");
	}
	free(after);
	free(qs);
	return LC_DONE;
}

/* The value of any attribute of q, into buf when computed; NULL when it has none. */
static const char *
attr_value(struct sqs_queue *q, const char *name, char *buf, size_t len)
{
	size_t vis, inflight, delayed;
	int64_t now = fg_wall_ms();

	sqs_queue_counts(q, now, &vis, &inflight, &delayed);
	if (strcmp(name, "ApproximateNumberOfMessages") == 0)
		snprintf(buf, len, "%zu", vis);
	else if (strcmp(name, "ApproximateNumberOfMessagesNotVisible") == 0)
		snprintf(buf, len, "%zu", inflight);
	else if (strcmp(name, "ApproximateNumberOfMessagesDelayed") == 0)
		snprintf(buf, len, "%zu", delayed);
	else if (strcmp(name, "CreatedTimestamp") == 0)
		snprintf(buf, len, "%lld", (long long)(q->created_ms / 1000));
	else if (strcmp(name, "LastModifiedTimestamp") == 0)
		snprintf(buf, len, "%lld", (long long)(q->modified_ms / 1000));
	else if (strcmp(name, "QueueArn") == 0)
		return q->arn;
	else
		return sqs_queue_attr(q, name);
	return buf;
}

/* GetQueueAttributes. */
static enum lc_result
get_attrs(struct lc_request *req, struct sqs_queue *q, fg_json in)
{
	fg_json names = fg_json_get(in, "AttributeNames");
	int all = 0;
	struct sqs_out o;
	char buf[32];

	for (size_t i = 0; i < fg_json_len(names); i++) {
		const char *n = fg_json_str(fg_json_at(names, i));

		if (n && strcmp(n, "All") == 0)
			all = 1;
		else if (n == NULL || sqs_attr_def(n) == NULL) {
			sqs_error(req, SQS_E_ATTR_NAME, "Unknown Attribute %s.", n ? n : "");
			return LC_DONE;
		}
	}
	sqs_out_begin(&o, req, 1);
	sqs_out_map(&o, "Attributes", "Attribute", "Name", "Value");
	for (size_t i = 0; i < sqs_nattr_defs; i++) {
		const char *name = sqs_attr_defs[i].name, *v;
		int want = all;

		for (size_t j = 0; !want && j < fg_json_len(names); j++)
			want = strcmp(fg_json_str(fg_json_at(names, j)), name) == 0;
		if (want && (v = attr_value(q, name, buf, sizeof(buf))) != NULL)
			sqs_out_entry_str(&o, name, v);
	}
	sqs_out_close(&o);
	sqs_out_end(&o);
	return LC_DONE;
}

/* SetQueueAttributes. */
static enum lc_result
set_attrs(struct lc_request *req, struct sqs_queue *q, fg_json in)
{
	struct sqs_state *st = q->st;
	fg_json attrs = fg_json_get(in, "Attributes");

	if (attrs_check(req, st, attrs) != 0)
		return LC_DONE;
	for (size_t i = 0; i < fg_json_len(attrs); i++)
		sqs_queue_set_attr(q, fg_json_key(attrs, i), fg_json_str(fg_json_at(attrs, i)));
	q->modified_ms = fg_wall_ms();
	lc_changed(st->srv, &lc_svc_sqs);
	sqs_kick(q);
	return reply_empty(req);
}

/* DeleteQueue. */
static enum lc_result
delete_queue(struct lc_request *req, struct sqs_queue *q, fg_json in)
{
	struct sqs_state *st = q->st;
	(void)in;
	sqs_waiters_flush(q);
	sqs_queue_delete(st, q);
	lc_changed(st->srv, &lc_svc_sqs);
	return reply_empty(req);
}

/* PurgeQueue. */
static enum lc_result
purge_queue(struct lc_request *req, struct sqs_queue *q, fg_json in)
{
	struct sqs_state *st = q->st;
	(void)in;
	sqs_queue_purge(q);
	lc_changed(st->srv, &lc_svc_sqs);
	return reply_empty(req);
}

/* TagQueue. */
static enum lc_result
tag_queue(struct lc_request *req, struct sqs_queue *q, fg_json in)
{
	struct sqs_state *st = q->st;
	fg_json tags = fg_json_get(in, "Tags");

	if (fg_json_len(tags) == 0) {
		sqs_error(req, SQS_E_MISSING, "The request must contain the parameter Tags.");
		return LC_DONE;
	}
	if (tags_apply(req, q, tags) != 0)
		return LC_DONE;
	lc_changed(st->srv, &lc_svc_sqs);
	return reply_empty(req);
}

/* UntagQueue. */
static enum lc_result
untag_queue(struct lc_request *req, struct sqs_queue *q, fg_json in)
{
	struct sqs_state *st = q->st;
	fg_json keys = fg_json_get(in, "TagKeys");

	if (fg_json_len(keys) == 0) {
		sqs_error(req, SQS_E_MISSING, "The request must contain the parameter TagKeys.");
		return LC_DONE;
	}
	for (size_t i = 0; i < fg_json_len(keys); i++)
		if (fg_json_str(fg_json_at(keys, i)))
			sqs_kv_del(&q->tags, &q->ntags, fg_json_str(fg_json_at(keys, i)));
	lc_changed(st->srv, &lc_svc_sqs);
	return reply_empty(req);
}

/* ListQueueTags. */
static enum lc_result
list_tags(struct lc_request *req, struct sqs_queue *q, fg_json in)
{
	struct sqs_out o;

	(void)in;
	sqs_out_begin(&o, req, 1);
	if (q->ntags) {
		sqs_out_map(&o, "Tags", "Tag", "Key", "Value");
		for (size_t i = 0; i < q->ntags; i++)
			sqs_out_entry_str(&o, q->tags[i].key, q->tags[i].value);
		sqs_out_close(&o);
	}
	sqs_out_end(&o);
	return LC_DONE;
}

static const struct {
	const char *action;
	enum lc_result (*fn)(struct lc_request *, struct sqs_state *, fg_json);
	enum lc_result (*qfn)(struct lc_request *, struct sqs_queue *, fg_json);
} handlers[] = {
	{ "ChangeMessageVisibility", NULL, sqs_change_vis },
	{ "ChangeMessageVisibilityBatch", NULL, sqs_change_vis_batch },
	{ "CreateQueue", create_queue, NULL },
	{ "DeleteMessage", NULL, sqs_delete_msg },
	{ "DeleteMessageBatch", NULL, sqs_delete_batch },
	{ "DeleteQueue", NULL, delete_queue },
	{ "GetQueueAttributes", NULL, get_attrs },
	{ "GetQueueUrl", get_queue_url, NULL },
	{ "ListDeadLetterSourceQueues", NULL, dl_sources },
	{ "ListQueueTags", NULL, list_tags },
	{ "ListQueues", list_queues, NULL },
	{ "PurgeQueue", NULL, purge_queue },
	{ "ReceiveMessage", NULL, sqs_receive },
	{ "SendMessage", NULL, sqs_send },
	{ "SendMessageBatch", NULL, sqs_send_batch },
	{ "SetQueueAttributes", NULL, set_attrs },
	{ "TagQueue", NULL, tag_queue },
	{ "UntagQueue", NULL, untag_queue },
};

/* Handles an SQS request of either protocol. */
static enum lc_result
sqs_handle(struct lc_request *req)
{
	struct sqs_state *st = req->state;
	const struct sqs_shape *shape = sqs_action_shape(req->action);
	struct sqs_queue *q = NULL;
	enum lc_result r = LC_DONE;
	char *err = NULL;
	fg_json in;
	size_t i;

	for (i = 0; i < FG_ARRAY_LEN(handlers) && strcmp(handlers[i].action, req->action); i++)
		;
	if (shape == NULL || i == FG_ARRAY_LEN(handlers)) {
		sqs_error(req, SQS_E_ACTION, "The action %.100s is not valid for this web service.",
		    req->action);
		return LC_DONE;
	}
	if (req->proto == LC_PROTO_JSON) {
		in = req->json;
		req->json = NULL;
		if (sqs_json_check(in, shape, &err) != 0) {
			fg_json_free(in);
			in = NULL;
		}
	} else
		in = sqs_query_to_json(&req->params, shape, &err);
	if (in == NULL) {
		sqs_error(req, SQS_E_PARAM, "%s", err);
		free(err);
		return LC_DONE;
	}
	if (handlers[i].fn)
		r = handlers[i].fn(req, st, in);
	else if ((q = queue_of(req, st, in)) != NULL)
		r = handlers[i].qfn(req, q, in);
	if (r != LC_DEFER)
		fg_json_free(in);
	return r;
}

/* Creates the SQS state of a server. */
static void *
sqs_create(struct lc_server *srv)
{
	struct sqs_state *st = fg_calloc(1, sizeof(*st));

	st->srv = srv;
	return st;
}

/* Answers waiting polls and frees every queue. */
static void
sqs_destroy(void *arg)
{
	struct sqs_state *st = arg;

	while (st->nqueues) {
		sqs_waiters_flush(st->queues[st->nqueues - 1]);
		sqs_queue_delete(st, st->queues[st->nqueues - 1]);
	}
	free(st->queues);
	free(st);
}

const struct lc_service lc_svc_sqs = {
	.name = "sqs",
	.signing_name = "sqs",
	.protocols = LC_PROTO_QUERY | LC_PROTO_JSON,
	.target_prefix = "AmazonSQS",
	.json_type_prefix = "com.amazonaws.sqs#",
	.xmlns = "http://queue.amazonaws.com/doc/2012-11-05/",
	.throttle_code = "Throttling",
	.throttle_status = 400,
	.query_compatible = 1,
	.create = sqs_create,
	.destroy = sqs_destroy,
	.handle = sqs_handle,
	.load = sqs_state_load,
	.save = sqs_state_save,
};
