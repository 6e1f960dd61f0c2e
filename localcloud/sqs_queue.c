/* sqs_queue.c: SQS queues: lookup by name and ARN, attributes and their rules, tags. */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "sqs.h"

const struct sqs_attr_def sqs_attr_defs[] = {
	{ "ApproximateNumberOfMessages", SQS_A_RO, NULL, 0, 0 },
	{ "ApproximateNumberOfMessagesDelayed", SQS_A_RO, NULL, 0, 0 },
	{ "ApproximateNumberOfMessagesNotVisible", SQS_A_RO, NULL, 0, 0 },
	{ "ContentBasedDeduplication", SQS_A_BOOL, NULL, 0, 0 },
	{ "CreatedTimestamp", SQS_A_RO, NULL, 0, 0 },
	{ "DeduplicationScope", SQS_A_STR, NULL, 0, 0 },
	{ "DelaySeconds", SQS_A_INT, "0", 0, 900 },
	{ "FifoQueue", SQS_A_BOOL, NULL, 0, 0 },
	{ "FifoThroughputLimit", SQS_A_STR, NULL, 0, 0 },
	{ "KmsDataKeyReusePeriodSeconds", SQS_A_INT, NULL, 60, 86400 },
	{ "KmsMasterKeyId", SQS_A_STR, NULL, 0, 0 },
	{ "LastModifiedTimestamp", SQS_A_RO, NULL, 0, 0 },
	{ "MaximumMessageSize", SQS_A_INT, "1048576", 1024, SQS_MAX_MESSAGE_BYTES },
	{ "MessageRetentionPeriod", SQS_A_INT, "345600", 60, 1209600 },
	{ "Policy", SQS_A_JSON, NULL, 0, 0 },
	{ "QueueArn", SQS_A_RO, NULL, 0, 0 },
	{ "ReceiveMessageWaitTimeSeconds", SQS_A_INT, "0", 0, 20 },
	{ "RedriveAllowPolicy", SQS_A_JSON, NULL, 0, 0 },
	{ "RedrivePolicy", SQS_A_JSON, NULL, 0, 0 },
	{ "SqsManagedSseEnabled", SQS_A_BOOL, "true", 0, 0 },
	{ "VisibilityTimeout", SQS_A_INT, "30", 0, 43200 },
};
const size_t sqs_nattr_defs = FG_ARRAY_LEN(sqs_attr_defs);

/* The definition of a queue attribute, or NULL. */
const struct sqs_attr_def *
sqs_attr_def(const char *name)
{
	for (size_t i = 0; i < sqs_nattr_defs; i++)
		if (strcmp(sqs_attr_defs[i].name, name) == 0)
			return &sqs_attr_defs[i];
	return NULL;
}

/* Compares a queue with (account, name). */
static int
queue_cmp(const struct sqs_queue *q, const char *account, const char *name)
{
	int c = strcmp(q->account, account);

	return c ? c : strcmp(q->name, name);
}

/* Index of (account, name) in the sorted queue list, or where it would go (*found = 0). */
static size_t
queue_index(const struct sqs_state *st, const char *account, const char *name, int *found)
{
	size_t lo = 0, hi = st->nqueues;

	*found = 0;
	while (lo < hi) {
		size_t mid = (lo + hi) / 2;
		int c = queue_cmp(st->queues[mid], account, name);

		if (c == 0) {
			*found = 1;
			return mid;
		}
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

/* The queue (account, name), or NULL. */
struct sqs_queue *
sqs_queue_find(struct sqs_state *st, const char *account, const char *name)
{
	int found;
	size_t i = queue_index(st, account, name, &found);

	return found ? st->queues[i] : NULL;
}

/* The queue with this ARN (arn:aws:sqs:region:account:name), or NULL. */
struct sqs_queue *
sqs_queue_by_arn(struct sqs_state *st, const char *arn)
{
	const char *p = arn;
	char account[13];

	if (arn == NULL || strncmp(p, "arn:", 4) != 0)
		return NULL;
	for (int i = 0; i < 4; i++)
		if ((p = strchr(p, ':')) == NULL)
			return NULL;
		else
			p++;
	if (strlen(p) < 14 || p[12] != ':')
		return NULL;
	memcpy(account, p, 12);
	account[12] = '\0';
	return sqs_queue_find(st, account, p + 13);
}

/* Creates a queue (the caller checked it does not exist). */
struct sqs_queue *
sqs_queue_add(struct sqs_state *st, const char *account, const char *name, const char *region,
    int64_t now)
{
	struct sqs_queue *q = fg_calloc(1, sizeof(*q));
	int found;
	size_t i = queue_index(st, account, name, &found);

	q->st = st;
	q->account = fg_strdup(account);
	q->name = fg_strdup(name);
	q->region = fg_strdup(region);
	q->arn = fg_printf("arn:aws:sqs:%s:%s:%s", region, account, name);
	q->created_ms = q->modified_ms = now;
	sqs_msgq_init(q);
	st->queues = fg_realloc(st->queues, (st->nqueues + 1) * sizeof(*st->queues));
	memmove(st->queues + i + 1, st->queues + i, (st->nqueues - i) * sizeof(*st->queues));
	st->queues[i] = q;
	st->nqueues++;
	return q;
}

/* Removes a queue and frees it with its messages (waiters must be answered first). */
void
sqs_queue_delete(struct sqs_state *st, struct sqs_queue *q)
{
	int found;
	size_t i = queue_index(st, q->account, q->name, &found);

	if (found) {
		memmove(st->queues + i, st->queues + i + 1, (st->nqueues - i - 1) *
		    sizeof(*st->queues));
		st->nqueues--;
	}
	sqs_queue_purge(q);
	free(q->heap);
	fg_timer_free(q->wake);
	sqs_kv_free(q->attrs, q->nattrs);
	sqs_kv_free(q->tags, q->ntags);
	free(q->hash);
	free(q->account);
	free(q->name);
	free(q->region);
	free(q->arn);
	free(q->dlq_arn);
	free(q);
}

/* Sets key to value in a sorted key/value list. */
void
sqs_kv_set(struct sqs_kv **v, size_t *n, const char *key, const char *value)
{
	size_t i;

	for (i = 0; i < *n && strcmp((*v)[i].key, key) < 0; i++)
		;
	if (i < *n && strcmp((*v)[i].key, key) == 0) {
		free((*v)[i].value);
		(*v)[i].value = fg_strdup(value);
		return;
	}
	*v = fg_realloc(*v, (*n + 1) * sizeof(**v));
	memmove(*v + i + 1, *v + i, (*n - i) * sizeof(**v));
	(*v)[i].key = fg_strdup(key);
	(*v)[i].value = fg_strdup(value);
	(*n)++;
}

/* Removes key from a key/value list. */
void
sqs_kv_del(struct sqs_kv **v, size_t *n, const char *key)
{
	for (size_t i = 0; i < *n; i++) {
		if (strcmp((*v)[i].key, key) != 0)
			continue;
		free((*v)[i].key);
		free((*v)[i].value);
		memmove(*v + i, *v + i + 1, (*n - i - 1) * sizeof(**v));
		(*n)--;
		return;
	}
}

/* Frees a key/value list. */
void
sqs_kv_free(struct sqs_kv *v, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		free(v[i].key);
		free(v[i].value);
	}
	free(v);
}

/* A settable attribute's value (or its default), or NULL. */
const char *
sqs_queue_attr(const struct sqs_queue *q, const char *name)
{
	const struct sqs_attr_def *d;

	for (size_t i = 0; i < q->nattrs; i++)
		if (strcmp(q->attrs[i].key, name) == 0)
			return q->attrs[i].value;
	d = sqs_attr_def(name);
	return d ? d->def : NULL;
}

/* An integer attribute's value (or default). */
int64_t
sqs_queue_int(const struct sqs_queue *q, const char *name)
{
	const char *v = sqs_queue_attr(q, name);

	return v ? strtoll(v, NULL, 10) : 0;
}

/* Sets a settable attribute (validated by the caller); "" removes a JSON or string one. */
void
sqs_queue_set_attr(struct sqs_queue *q, const char *name, const char *value)
{
	if (*value == '\0')
		sqs_kv_del(&q->attrs, &q->nattrs, name);
	else
		sqs_kv_set(&q->attrs, &q->nattrs, name, value);
	if (strcmp(name, "RedrivePolicy") == 0) {
		char *err = NULL;
		fg_json rp = *value ? fg_json_parse(value, strlen(value), &err) : NULL;
		const char *arn = fg_json_str(fg_json_get(rp, "deadLetterTargetArn"));
		fg_json mrc = fg_json_get(rp, "maxReceiveCount");
		int64_t n = 0;

		free(err);
		free(q->dlq_arn);
		q->dlq_arn = arn ? fg_strdup(arn) : NULL;
		if (fg_json_int(mrc, &n) != 0 && fg_json_str(mrc))
			n = strtoll(fg_json_str(mrc), NULL, 10);
		q->max_receive = n;
		fg_json_free(rp);
	}
}
