/* sqs_queue.c: SQS queues and their messages: lookup, attributes, receiving with visibility
 * timeouts and redrive to a dead-letter queue, receipt handles. */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "sigv4.h"
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
	{ "MaximumMessageSize", SQS_A_INT, "262144", 1024, 262144 },
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
	q->hcap = 64;
	q->hash = fg_calloc(q->hcap, sizeof(*q->hash));
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

/* Hash of a message id. */
static size_t
id_hash(const char *id, size_t cap)
{
	uint32_t h = 2166136261u;

	for (; *id; id++)
		h = (h ^ (unsigned char)*id) * 16777619u;
	return h & (cap - 1);
}

/* Doubles the id hash table. */
static void
rehash(struct sqs_queue *q)
{
	size_t cap = q->hcap * 2;
	struct sqs_msg **h = fg_calloc(cap, sizeof(*h));

	for (struct sqs_msg *m = q->head; m; m = m->next) {
		size_t b = id_hash(m->id, cap);

		m->hnext = h[b];
		h[b] = m;
	}
	free(q->hash);
	q->hash = h;
	q->hcap = cap;
}

/* Appends a message to the queue. */
void
sqs_msg_add(struct sqs_queue *q, struct sqs_msg *m)
{
	size_t b;

	m->next = NULL;
	m->prev = q->tail;
	if (q->tail)
		q->tail->next = m;
	else
		q->head = m;
	q->tail = m;
	q->nmsgs++;
	if (q->nmsgs > q->hcap)
		rehash(q);
	else {
		b = id_hash(m->id, q->hcap);
		m->hnext = q->hash[b];
		q->hash[b] = m;
	}
}

/* The message with this id, or NULL. */
struct sqs_msg *
sqs_msg_find(struct sqs_queue *q, const char *id)
{
	for (struct sqs_msg *m = q->hash[id_hash(id, q->hcap)]; m; m = m->hnext)
		if (strcmp(m->id, id) == 0)
			return m;
	return NULL;
}

/* Unlinks a message from the queue (not freed). */
void
sqs_msg_remove(struct sqs_queue *q, struct sqs_msg *m)
{
	struct sqs_msg **pp = &q->hash[id_hash(m->id, q->hcap)];

	while (*pp && *pp != m)
		pp = &(*pp)->hnext;
	if (*pp)
		*pp = m->hnext;
	if (m->prev)
		m->prev->next = m->next;
	else
		q->head = m->next;
	if (m->next)
		m->next->prev = m->prev;
	else
		q->tail = m->prev;
	m->next = m->prev = m->hnext = NULL;
	q->nmsgs--;
}

/* Frees a message. */
void
sqs_msg_free(struct sqs_msg *m)
{
	if (m == NULL)
		return;
	free(m->body);
	free(m->attrs);
	free(m->sys_attrs);
	free(m->sender);
	free(m);
}

/* Deletes every message. */
void
sqs_queue_purge(struct sqs_queue *q)
{
	struct sqs_msg *m = q->head, *next;

	for (; m; m = next) {
		next = m->next;
		sqs_msg_free(m);
	}
	q->head = q->tail = NULL;
	q->nmsgs = 0;
	memset(q->hash, 0, q->hcap * sizeof(*q->hash));
}

/* Counts visible, in-flight and delayed messages. */
void
sqs_queue_counts(struct sqs_queue *q, int64_t now, size_t *visible, size_t *inflight,
    size_t *delayed)
{
	*visible = *inflight = *delayed = 0;
	for (struct sqs_msg *m = q->head; m; m = m->next) {
		if (m->visible_ms <= now)
			(*visible)++;
		else if (m->recv_count > 0)
			(*inflight)++;
		else
			(*delayed)++;
	}
}

/* Moves a message to the dead-letter queue, as if sent there at its original time. */
static void
redrive(struct sqs_queue *q, struct sqs_queue *dlq, struct sqs_msg *m, int64_t now)
{
	sqs_msg_remove(q, m);
	m->recv_count = 0;
	m->first_recv_ms = 0;
	m->receipt = 0;
	m->visible_ms = now;
	sqs_msg_add(dlq, m);
}

/* Takes up to max visible messages for a receive that hides them for vis_s seconds. */
size_t
sqs_queue_take(struct sqs_queue *q, int64_t now, size_t max, int64_t vis_s,
    struct sqs_msg **out)
{
	int64_t keep_ms = sqs_queue_int(q, "MessageRetentionPeriod") * 1000;
	struct sqs_queue *dlq = NULL, *moved_to = NULL;
	struct sqs_msg *m, *next;
	size_t n = 0;

	if (q->dlq_arn && q->max_receive > 0)
		dlq = sqs_queue_by_arn(q->st, q->dlq_arn);
	for (m = q->head; m && n < max; m = next) {
		next = m->next;
		if (m->sent_ms + keep_ms <= now) {
			sqs_msg_remove(q, m);
			sqs_msg_free(m);
			continue;
		}
		if (m->visible_ms > now)
			continue;
		if (dlq && dlq != q && m->recv_count >= (uint32_t)q->max_receive) {
			redrive(q, dlq, m, now);
			moved_to = dlq;
			continue;
		}
		m->recv_count++;
		if (m->first_recv_ms == 0)
			m->first_recv_ms = now;
		m->receipt++;
		m->visible_ms = now + vis_s * 1000;
		out[n++] = m;
	}
	if (moved_to)
		sqs_kick(moved_to);
	return n;
}

/* The earliest time after now at which a hidden message becomes visible, or 0. */
int64_t
sqs_queue_next_visible(const struct sqs_queue *q, int64_t now)
{
	int64_t t = 0;

	for (const struct sqs_msg *m = q->head; m; m = m->next)
		if (m->visible_ms > now && (t == 0 || m->visible_ms < t))
			t = m->visible_ms;
	return t;
}

/* A receipt handle for the message's current receive. */
char *
sqs_receipt(const struct sqs_queue *q, const struct sqs_msg *m)
{
	char *raw = fg_printf("%s|%s|%u", q->arn, m->id, m->receipt);
	char *h = fg_base64(raw, strlen(raw));

	free(raw);
	return h;
}

/* Splits a receipt handle into queue ARN, message id and receive number; -1 when invalid. */
int
sqs_receipt_parse(const char *handle, char **arn, char *id, uint32_t *receipt)
{
	size_t n;
	unsigned char *raw = handle && *handle ? fg_base64_decode(handle, &n) : NULL;
	char *s, *bar1, *bar2, *end;
	unsigned long r;

	if (raw == NULL)
		return -1;
	s = fg_strndup((char *)raw, n);
	free(raw);
	bar2 = strrchr(s, '|');
	if (strlen(s) != n || bar2 == NULL || bar2 == s) {
		free(s);
		return -1;
	}
	*bar2 = '\0';
	bar1 = strrchr(s, '|');
	r = strtoul(bar2 + 1, &end, 10);
	if (bar1 == NULL || strlen(bar1 + 1) != 36 || *end != '\0' || bar2[1] == '\0' ||
	    r > UINT32_MAX) {
		free(s);
		return -1;
	}
	*bar1 = '\0';
	memcpy(id, bar1 + 1, 37);
	*receipt = (uint32_t)r;
	*arn = s;
	return 0;
}
