/* check_engine_scheduler.c: token buckets (burst, rate, a burst's refill behind AWS's),
 * priorities, fairness between processes, gates, AIMD on throttling, and the parsing of
 * bucket sizes. */
#include "config.h"

#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "engine_int.h"

/* What the waits granted, in order. */
struct log {
	char order[64][16];
	size_t n;
	uint64_t at_ms[64];
};

struct grant {
	struct log *log;
	char name[16];
};

/* A wait was granted. */
static void
on_grant(void *arg)
{
	struct grant *g = arg;

	strcpy(g->log->order[g->log->n], g->name);
	g->log->at_ms[g->log->n++] = fg_mono_ms();
}

START_TEST(test_priorities_and_fairness)
{
	struct fg_loop *loop = fg_loop_new();
	struct engine_limit l = { "sqs", 1, 10, 100 };
	struct sched *s = sched_new(loop, &l, 1);
	struct sched_bucket *b = sched_bucket(s, "acct", "us-east-1", "sqs", 1);
	struct grant g[9];
	struct log log = { .n = 0 };
	static const struct {
		enum prio prio;
		const char *flow;
		const char *name;
	} waits[] = {
		{ PRIO_SWEEP, "p1", "sweep1" }, { PRIO_REMEDY, "p1", "fix1" },
		{ PRIO_USER, "p1", "a1" }, { PRIO_USER, "p1", "a2" }, { PRIO_USER, "p1", "a3" },
		{ PRIO_USER, "p2", "b1" }, { PRIO_USER, "p2", "b2" }, { PRIO_SWEEP, "p2", "sweep2" },
		{ PRIO_USER, "p3", "c1" },
	};
	const char *want[] = { "a1", "b1", "c1", "a2", "b2", "a3", "fix1", "sweep1", "sweep2" };

	for (size_t i = 0; i < FG_ARRAY_LEN(waits); i++) {
		g[i].log = &log;
		strcpy(g[i].name, waits[i].name);
		sched_acquire(b, waits[i].prio, waits[i].flow, on_grant, &g[i]);
	}
	/* Granted from the loop only. */
	ck_assert_uint_eq(log.n, 0);
	fg_loop_run(loop);
	ck_assert_uint_eq(log.n, FG_ARRAY_LEN(want));
	for (size_t i = 0; i < FG_ARRAY_LEN(want); i++)
		ck_assert_str_eq(log.order[i], want[i]);
	sched_free(s);
	fg_loop_free(loop);
}
END_TEST

START_TEST(test_rate_and_cancel)
{
	struct fg_loop *loop = fg_loop_new();
	struct engine_limit l = { "s3", 0, 50, 2 };
	struct sched *s = sched_new(loop, &l, 1);
	struct sched_bucket *b = sched_bucket(s, "acct", "eu-west-1", "s3", 0);
	struct grant g[8];
	struct log log = { .n = 0 };
	struct sched_wait *w[8];
	struct sched_stats st;
	uint64_t t0 = fg_mono_ms();

	for (int i = 0; i < 8; i++) {
		g[i].log = &log;
		snprintf(g[i].name, sizeof(g[i].name), "w%d", i);
		w[i] = sched_acquire(b, PRIO_USER, "p", on_grant, &g[i]);
	}
	sched_cancel(w[7]);
	fg_loop_run(loop);
	/* Burst of 2 at once, then one every 20 ms: 7 grants take about 100 ms. */
	ck_assert_uint_eq(log.n, 7);
	ck_assert_uint_le(log.at_ms[1] - t0, 15);
	ck_assert_uint_ge(log.at_ms[6] - t0, 90);
	ck_assert_uint_le(log.at_ms[6] - t0, 1000);
	for (int i = 0; i < 7; i++)
		ck_assert_str_eq(log.order[i], g[i].name);
	sched_stats(s, &st);
	ck_assert_uint_eq(st.granted, 7);
	ck_assert_uint_eq(st.waiting, 0);
	/* Buckets are per account, region, service and kind. */
	ck_assert_ptr_eq(sched_bucket(s, "acct", "eu-west-1", "s3", 0), b);
	ck_assert_ptr_ne(sched_bucket(s, "acct", "eu-west-1", "s3", 1), b);
	ck_assert_ptr_ne(sched_bucket(s, "other", "eu-west-1", "s3", 0), b);
	ck_assert_ptr_ne(sched_bucket(s, "acct", "us-east-1", "s3", 0), b);
	sched_free(s);
	fg_loop_free(loop);
}
END_TEST

/* The first reply to a burst, after REPLY_MS. */
#define REPLY_MS 30
struct reply_at {
	struct sched_bucket *b;
	struct fg_timer *t;
};

/* Reports a reply that was not throttled. */
static void
on_reply_at(void *arg)
{
	struct reply_at *r = arg;

	sched_feedback(r->b, 0);
}

/* A burst of 2 then 2 more calls at 50/s; with_reply: the first reply comes after REPLY_MS. */
static void
burst(int with_reply, struct log *log, uint64_t *t0)
{
	struct fg_loop *loop = fg_loop_new();
	struct engine_limit l = { "sqs", 1, 50, 2 };
	struct sched *s = sched_new(loop, &l, 1);
	struct sched_bucket *b = sched_bucket(s, "acct", "us-east-1", "sqs", 1);
	struct reply_at r = { b, fg_timer_new(loop, on_reply_at, &r) };
	struct grant g[4];

	*t0 = fg_mono_ms();
	for (int i = 0; i < 4; i++) {
		g[i].log = log;
		snprintf(g[i].name, sizeof(g[i].name), "w%d", i);
		sched_acquire(b, PRIO_USER, "p", on_grant, &g[i]);
	}
	if (with_reply)
		fg_timer_add(r.t, REPLY_MS);
	fg_loop_run(loop);
	fg_timer_free(r.t);
	sched_free(s);
	fg_loop_free(loop);
}

START_TEST(test_burst_stays_behind_aws)
{
	struct log log = { .n = 0 };
	uint64_t t0;

	/* The burst leaves at once; the refill starts with the first reply (AWS's bucket starts
	 * when the first call arrives), then one call every 20 ms. */
	burst(1, &log, &t0);
	ck_assert_uint_eq(log.n, 4);
	ck_assert_uint_ge(log.at_ms[2] - t0, REPLY_MS + 20 - 1);
	/* (A bucket's rate, not a fixed gap: a grant its timer made late leaves less to wait.) */
	ck_assert_uint_ge(log.at_ms[3] - t0, REPLY_MS + 2 * 20 - 1);
	/* Without a reply, SCHED_REFILL_WAIT_MS after the burst at the latest. */
	log.n = 0;
	burst(0, &log, &t0);
	ck_assert_uint_eq(log.n, 4);
	ck_assert_uint_ge(log.at_ms[2] - t0, SCHED_REFILL_WAIT_MS + 20 - 1);
	ck_assert_uint_le(log.at_ms[2] - t0, 10 * SCHED_REFILL_WAIT_MS);
}
END_TEST

/* Stops the loop once n grants were logged. */
struct until {
	struct log *log;
	size_t n;
	struct fg_loop *loop;
	struct fg_timer *t;
};

/* Polls the log. */
static void
on_until(void *arg)
{
	struct until *u = arg;

	if (u->log->n >= u->n)
		fg_loop_exit(u->loop);
	else
		fg_timer_add(u->t, 1);
}

/* Runs the loop until the log has n grants. */
static void
run_until(struct fg_loop *loop, struct log *log, size_t n)
{
	struct until u = { log, n, loop, NULL };

	u.t = fg_timer_new(loop, on_until, &u);
	fg_timer_add(u.t, 0);
	fg_loop_run(loop);
	fg_timer_free(u.t);
}

START_TEST(test_gate)
{
	struct fg_loop *loop = fg_loop_new();
	/* The gate holds the service's read and write bursts: 2 + 1 places. */
	struct engine_limit l[] = { { "sqs", 0, 1000, 2 }, { "sqs", 1, 1000, 1 } };
	struct sched *s = sched_new(loop, l, 2);
	struct sched_bucket *g = sched_gate(s, "acct", "us-east-1", "sqs");
	struct grant gr[6];
	struct log log = { .n = 0 };
	static const struct {
		enum prio prio;
		const char *flow;
		const char *name;
	} waits[] = {
		{ PRIO_REMEDY, "p1", "fix1" }, { PRIO_REMEDY, "p1", "fix2" },
		{ PRIO_REMEDY, "p1", "fix3" }, { PRIO_REMEDY, "p1", "fix4" },
		{ PRIO_USER, "p2", "b1" }, { PRIO_REMEDY, "p3", "c1" },
	};

	ck_assert_ptr_eq(sched_gate(s, "acct", "us-east-1", "sqs"), g);
	ck_assert_ptr_ne(sched_gate(s, "acct", "eu-west-1", "sqs"), g);
	ck_assert_ptr_ne(sched_bucket(s, "acct", "us-east-1", "sqs", 1), g);
	for (size_t i = 0; i < FG_ARRAY_LEN(waits); i++) {
		gr[i].log = &log;
		strcpy(gr[i].name, waits[i].name);
		sched_acquire(g, waits[i].prio, waits[i].flow, on_grant, &gr[i]);
	}
	/* A user command first, then the processes in turn; three places. */
	run_until(loop, &log, 3);
	ck_assert_uint_eq(log.n, 3);
	ck_assert_str_eq(log.order[0], "b1");
	ck_assert_str_eq(log.order[1], "fix1");
	ck_assert_str_eq(log.order[2], "c1");
	ck_assert_uint_eq(sched_gate_inuse(g), 3);
	/* Nothing more until a place is given back: no tokens, no timer. */
	fg_loop_run(loop);
	ck_assert_uint_eq(log.n, 3);
	sched_release(g);
	run_until(loop, &log, 4);
	ck_assert_str_eq(log.order[3], "fix2");
	ck_assert_uint_eq(sched_gate_inuse(g), 3);
	sched_release(g);
	sched_release(g);
	run_until(loop, &log, 6);
	ck_assert_str_eq(log.order[4], "fix3");
	ck_assert_str_eq(log.order[5], "fix4");
	sched_free(s);
	fg_loop_free(loop);
}
END_TEST

static uint64_t fake_now = 1000000;

/* The test's monotonic clock. */
static uint64_t
fake_mono(void *arg)
{
	(void)arg;
	return fake_now;
}

/* Wall time is the real one. */
static int64_t
real_wall(void *arg)
{
	(void)arg;
	return 1700000000000;
}

/* Randomness is zeros. */
static void
zero_random(void *arg, void *buf, size_t len)
{
	(void)arg;
	memset(buf, 0, len);
}

START_TEST(test_aimd)
{
	struct fg_clock_ops ops = { fake_mono, real_wall, zero_random, NULL };
	struct fg_loop *loop = fg_loop_new();
	struct engine_limit l = { "sqs", 1, 100, 100 };
	struct sched *s;
	struct sched_bucket *b;

	fg_clock_set(&ops);
	s = sched_new(loop, &l, 1);
	b = sched_bucket(s, "a", "r", "sqs", 1);
	ck_assert(sched_bucket_rate(b) == 100);
	/* Multiplicative decrease... */
	sched_feedback(b, 1);
	ck_assert(sched_bucket_rate(b) == 50);
	/* ...once per second: the other replies of that burst were in flight already. */
	fake_now += 200;
	sched_feedback(b, 1);
	ck_assert(sched_bucket_rate(b) == 50);
	fake_now += 1000;
	sched_feedback(b, 1);
	ck_assert(sched_bucket_rate(b) == 25);
	/* Additive increase: a tenth of the configured rate per second without throttling. */
	fake_now += 1000;
	sched_feedback(b, 0);
	ck_assert(sched_bucket_rate(b) == 35);
	fake_now += 500;
	sched_feedback(b, 0);
	ck_assert(sched_bucket_rate(b) == 40);
	fake_now += 60000;
	sched_feedback(b, 0);
	ck_assert(sched_bucket_rate(b) == 100); /* never above the configured rate */
	/* Never below 2 % of it. */
	for (int i = 0; i < 20; i++) {
		fake_now += 1000;
		sched_feedback(b, 1);
	}
	ck_assert(sched_bucket_rate(b) == 2);
	sched_free(s);
	fg_loop_free(loop);
	fg_clock_set(NULL);
}
END_TEST

START_TEST(test_limit_parse)
{
	struct engine_limit l;
	char *err = NULL;

	ck_assert_int_eq(engine_limit_parse("sqs.write=50", &l, &err), 0);
	ck_assert_str_eq(l.service, "sqs");
	ck_assert_int_eq(l.write, 1);
	ck_assert(l.rate == 50 && l.burst == 50);
	ck_assert_int_eq(engine_limit_parse("s3.read=2.5/10", &l, &err), 0);
	ck_assert_int_eq(l.write, 0);
	ck_assert(l.rate == 2.5 && l.burst == 10);
	ck_assert_int_eq(engine_limit_parse("sqs=5", &l, &err), -1);
	ck_assert_str_eq(err, "limit \"sqs=5\": expected SERVICE.read=RATE[/BURST] or "
	    "SERVICE.write=RATE[/BURST]");
	free(err);
	ck_assert_int_eq(engine_limit_parse("sqs.all=5", &l, &err), -1);
	ck_assert_str_eq(err, "limit \"sqs.all=5\": the kind is read or write, not \"all\"");
	free(err);
	ck_assert_int_eq(engine_limit_parse("sqs.read=0", &l, &err), -1);
	ck_assert_ptr_nonnull(strstr(err, "above 0"));
	free(err);
	ck_assert_int_eq(engine_limit_parse("sqs.read=5/0.5", &l, &err), -1);
	ck_assert_ptr_nonnull(strstr(err, "at least 1"));
	free(err);
	ck_assert_int_eq(engine_limit_parse("sqs.read=5x", &l, &err), -1);
	ck_assert_str_eq(err, "limit \"sqs.read=5x\": unexpected \"x\" after the number");
	free(err);
	/* Defaults exist for the services of the first plugins. */
	ck_assert_ptr_nonnull(sched_default_limit("sqs", 1));
	ck_assert_ptr_nonnull(sched_default_limit("s3", 0));
	ck_assert_ptr_null(sched_default_limit("nope", 0));
}
END_TEST

START_TEST(test_jitter)
{
	for (int i = 0; i < 200; i++) {
		uint64_t j = sched_jitter(60000);

		ck_assert_uint_ge(j, 54000);
		ck_assert_uint_le(j, 66000);
	}
}
END_TEST

/* The suite. */
static Suite *
engine_scheduler_suite(void)
{
	Suite *s = suite_create("engine_scheduler");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, test_priorities_and_fairness);
	tcase_add_test(tc, test_rate_and_cancel);
	tcase_add_test(tc, test_burst_stays_behind_aws);
	tcase_add_test(tc, test_gate);
	tcase_add_test(tc, test_aimd);
	tcase_add_test(tc, test_limit_parse);
	tcase_add_test(tc, test_jitter);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	SRunner *sr = srunner_create(engine_scheduler_suite());
	int failed;

	srunner_run_all(sr, CK_ENV);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed != 0;
}
