/* sqs_msgq.c: the messages of an SQS queue: visible ones in a list, hidden ones (delayed or in
 * flight) in a min-heap by the time they become visible, all of them in a hash by id; receiving
 * with visibility timeouts, retention and redrive; receipt handles. */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "sigv4.h"
#include "sqs.h"

/* Makes the queue's message containers empty. */
void
sqs_msgq_init(struct sqs_queue *q)
{
	q->hcap = 64;
	q->hash = fg_calloc(q->hcap, sizeof(*q->hash));
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

/* Puts a message in the id hash. */
static void
hash_put(struct sqs_msg **h, size_t cap, struct sqs_msg *m)
{
	size_t b = id_hash(m->id, cap);

	m->hnext = h[b];
	h[b] = m;
}

/* Doubles the id hash table. */
static void
rehash(struct sqs_queue *q)
{
	size_t cap = q->hcap * 2;
	struct sqs_msg **h = fg_calloc(cap, sizeof(*h));

	for (size_t i = 0; i < q->hcap; i++) {
		struct sqs_msg *m = q->hash[i], *next;

		for (; m; m = next) {
			next = m->hnext;
			hash_put(h, cap, m);
		}
	}
	free(q->hash);
	q->hash = h;
	q->hcap = cap;
}

/* Appends a message to the ready list. */
static void
ready_append(struct sqs_queue *q, struct sqs_msg *m)
{
	m->heap_idx = -1;
	m->next = NULL;
	m->prev = q->ready_tail;
	if (q->ready_tail)
		q->ready_tail->next = m;
	else
		q->ready = m;
	q->ready_tail = m;
	q->nready++;
}

/* Unlinks a message from the ready list. */
static void
ready_unlink(struct sqs_queue *q, struct sqs_msg *m)
{
	if (m->prev)
		m->prev->next = m->next;
	else
		q->ready = m->next;
	if (m->next)
		m->next->prev = m->prev;
	else
		q->ready_tail = m->prev;
	m->next = m->prev = NULL;
	q->nready--;
}

/* Places m at heap index i. */
static void
heap_set(struct sqs_queue *q, size_t i, struct sqs_msg *m)
{
	q->heap[i] = m;
	m->heap_idx = (long)i;
}

/* Moves the entry at i up while it is earlier than its parent. */
static void
sift_up(struct sqs_queue *q, size_t i)
{
	struct sqs_msg *m = q->heap[i];

	while (i > 0 && q->heap[(i - 1) / 2]->visible_ms > m->visible_ms) {
		heap_set(q, i, q->heap[(i - 1) / 2]);
		i = (i - 1) / 2;
	}
	heap_set(q, i, m);
}

/* Moves the entry at i down while a child is earlier. */
static void
sift_down(struct sqs_queue *q, size_t i)
{
	struct sqs_msg *m = q->heap[i];

	for (;;) {
		size_t c = 2 * i + 1;

		if (c >= q->nheap)
			break;
		if (c + 1 < q->nheap && q->heap[c + 1]->visible_ms < q->heap[c]->visible_ms)
			c++;
		if (q->heap[c]->visible_ms >= m->visible_ms)
			break;
		heap_set(q, i, q->heap[c]);
		i = c;
	}
	heap_set(q, i, m);
}

/* Adds a message to the hidden heap. */
static void
heap_push(struct sqs_queue *q, struct sqs_msg *m)
{
	if (q->nheap == q->heapcap) {
		q->heapcap = q->heapcap ? q->heapcap * 2 : 16;
		q->heap = fg_realloc(q->heap, q->heapcap * sizeof(*q->heap));
	}
	heap_set(q, q->nheap++, m);
	sift_up(q, q->nheap - 1);
}

/* Removes the message at heap index i. */
static void
heap_remove(struct sqs_queue *q, size_t i)
{
	struct sqs_msg *last = q->heap[--q->nheap];

	q->heap[i]->heap_idx = -1;
	if (i == q->nheap)
		return;
	heap_set(q, i, last);
	sift_down(q, i);
	sift_up(q, (size_t)last->heap_idx);
}

/* Moves hidden messages whose time has come to the ready list. */
static void
promote(struct sqs_queue *q, int64_t now)
{
	while (q->nheap > 0 && q->heap[0]->visible_ms <= now) {
		struct sqs_msg *m = q->heap[0];

		heap_remove(q, 0);
		ready_append(q, m);
	}
}

/* Adds a message: visible ones to the ready list, the others to the heap. */
void
sqs_msg_add(struct sqs_queue *q, struct sqs_msg *m)
{
	if (m->visible_ms <= fg_wall_ms())
		ready_append(q, m);
	else
		heap_push(q, m);
	if (++q->nmsgs > q->hcap)
		rehash(q);
	else
		hash_put(q->hash, q->hcap, m);
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
	m->hnext = NULL;
	if (m->heap_idx >= 0)
		heap_remove(q, (size_t)m->heap_idx);
	else
		ready_unlink(q, m);
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

/* Hides a message until visible_ms (it may already be hidden). */
void
sqs_msg_hide_until(struct sqs_queue *q, struct sqs_msg *m, int64_t visible_ms)
{
	m->visible_ms = visible_ms;
	if (m->heap_idx < 0) {
		ready_unlink(q, m);
		heap_push(q, m);
		return;
	}
	sift_down(q, (size_t)m->heap_idx);
	sift_up(q, (size_t)m->heap_idx);
}

/* The message after m (the first for NULL): the ready list, then the heap. */
struct sqs_msg *
sqs_msg_next(const struct sqs_queue *q, const struct sqs_msg *m)
{
	if (m == NULL)
		return q->ready ? q->ready : q->nheap ? q->heap[0] : NULL;
	if (m->heap_idx < 0)
		return m->next ? m->next : q->nheap ? q->heap[0] : NULL;
	return (size_t)m->heap_idx + 1 < q->nheap ? q->heap[m->heap_idx + 1] : NULL;
}

/* Deletes every message. */
void
sqs_queue_purge(struct sqs_queue *q)
{
	struct sqs_msg *m, *next;

	for (m = q->ready; m; m = next) {
		next = m->next;
		sqs_msg_free(m);
	}
	for (size_t i = 0; i < q->nheap; i++)
		sqs_msg_free(q->heap[i]);
	q->ready = q->ready_tail = NULL;
	q->nready = q->nheap = q->nmsgs = 0;
	memset(q->hash, 0, q->hcap * sizeof(*q->hash));
}

/* Counts visible, in-flight and delayed messages. */
void
sqs_queue_counts(struct sqs_queue *q, int64_t now, size_t *visible, size_t *inflight,
    size_t *delayed)
{
	promote(q, now);
	*visible = q->nready;
	*inflight = *delayed = 0;
	for (size_t i = 0; i < q->nheap; i++) {
		if (q->heap[i]->recv_count > 0)
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
	promote(q, now);
	for (m = q->ready; m && n < max; m = next) {
		next = m->next;
		if (m->sent_ms + keep_ms <= now) {
			sqs_msg_remove(q, m);
			sqs_msg_free(m);
			continue;
		}
		if (dlq && dlq != q && m->recv_count >= (uint32_t)q->max_receive) {
			redrive(q, dlq, m, now);
			moved_to = dlq;
			continue;
		}
		m->recv_count++;
		if (m->first_recv_ms == 0)
			m->first_recv_ms = now;
		m->receipt++;
		/* Even with a timeout of 0 it waits in the heap, so one receive takes it once. */
		sqs_msg_hide_until(q, m, now + vis_s * 1000);
		out[n++] = m;
	}
	if (moved_to)
		sqs_kick(moved_to);
	return n;
}

/* The earliest time a hidden message becomes visible, or 0 when none is hidden. */
int64_t
sqs_queue_next_visible(const struct sqs_queue *q)
{
	return q->nheap ? q->heap[0]->visible_ms : 0;
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
