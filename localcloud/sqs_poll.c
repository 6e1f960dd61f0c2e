/* sqs_poll.c: SQS long polling: a ReceiveMessage with nothing to return waits, without using
 * the CPU, until a message becomes visible or its WaitTimeSeconds run out. */
#include "config.h"

#include <stdlib.h>

#include "sqs.h"

struct sqs_waiter {
	struct sqs_waiter *next;
	struct sqs_queue *q;
	struct lc_request *req;
	fg_json in;
	struct fg_timer *timer;
};

/* Unlinks a waiter from its queue. */
static void
unlink_waiter(struct sqs_waiter *w)
{
	struct sqs_waiter **pp = &w->q->waiters;

	while (*pp && *pp != w)
		pp = &(*pp)->next;
	if (*pp)
		*pp = w->next;
}

/* The wake-up timer fired: a hidden message became visible. */
static void
wake_fired(void *arg)
{
	sqs_kick(arg);
}

/* Arms the queue's wake-up timer for the next hidden message while polls wait. */
static void
arm_wake(struct sqs_queue *q)
{
	int64_t now = fg_wall_ms(), t;

	if (q->waiters == NULL || (t = sqs_queue_next_visible(q)) == 0) {
		if (q->wake)
			fg_timer_del(q->wake);
		return;
	}
	if (q->wake == NULL)
		q->wake = fg_timer_new(lc_server_loop(q->st->srv), wake_fired, q);
	fg_timer_add(q->wake, t > now ? (uint64_t)(t - now) : 0);
}

/* Answers a waiter with the messages given (none: an empty receive) and frees it. */
static void
finish(struct sqs_waiter *w, struct sqs_msg **ms, size_t n)
{
	unlink_waiter(w);
	fg_timer_free(w->timer);
	sqs_receive_reply(w->req, w->q, w->in, ms, n);
	lc_reply_send(w->req);
	fg_json_free(w->in);
	free(w);
}

/* The wait is over: answers with what is there, probably nothing. */
static void
timed_out(void *arg)
{
	struct sqs_waiter *w = arg;
	struct sqs_msg *ms[SQS_MAX_BATCH];
	struct sqs_queue *q = w->q;

	finish(w, ms, sqs_receive_take(q, w->in, ms));
	arm_wake(q);
}

/* The client went away: forgets the waiter (its reply is discarded). */
static void
aborted(struct lc_request *req, void *arg)
{
	struct sqs_waiter *w = arg;
	struct sqs_queue *q = w->q;

	(void)req;
	finish(w, NULL, 0);
	arm_wake(q);
}

/* Parks a ReceiveMessage that found nothing for up to wait_s seconds; takes ownership of in. */
void
sqs_wait(struct sqs_queue *q, struct lc_request *req, fg_json in, int64_t wait_s)
{
	struct sqs_waiter *w = fg_calloc(1, sizeof(*w)), **pp = &q->waiters;

	w->q = q;
	w->req = req;
	w->in = in;
	w->timer = fg_timer_new(lc_server_loop(q->st->srv), timed_out, w);
	fg_timer_add(w->timer, (uint64_t)wait_s * 1000);
	while (*pp)
		pp = &(*pp)->next;
	*pp = w;
	lc_request_on_abort(req, aborted, w);
	arm_wake(q);
}

/* Answers, oldest first, the waiters that can receive something now. */
void
sqs_kick(struct sqs_queue *q)
{
	while (q->waiters) {
		struct sqs_msg *ms[SQS_MAX_BATCH];
		struct sqs_waiter *w = q->waiters;
		size_t n = sqs_receive_take(q, w->in, ms);

		if (n == 0)
			break;
		finish(w, ms, n);
	}
	arm_wake(q);
}

/* Answers every waiter with no messages. */
void
sqs_waiters_flush(struct sqs_queue *q)
{
	while (q->waiters)
		finish(q->waiters, NULL, 0);
	arm_wake(q);
}
