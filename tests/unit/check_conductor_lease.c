/* check_conductor_lease.c: the lease's state machine (core/conductor/lease_sm.c) on a clock the
 * test moves: when a standby takes the lease, when the holder renews and when it must stop. */
#include "config.h"

#include <check.h>
#include <string.h>

#include "lease.h"

#define D 15000  /* lease-duration and lease-renew, ms */
#define R 5000

static uint64_t now_ms;

/* The test's monotonic clock. */
static uint64_t
test_mono(void *arg)
{
	(void)arg;
	return now_ms;
}

/* Wall time follows it. */
static int64_t
test_wall(void *arg)
{
	(void)arg;
	return 1795000000000 + (int64_t)now_ms;
}

/* Randomness is not used by the state machine. */
static void
test_random(void *arg, void *buf, size_t len)
{
	(void)arg;
	memset(buf, 7, len);
}

static const struct fg_clock_ops test_clock = { test_mono, test_wall, test_random, NULL };

/* Starts every test at 1000 s on the test clock. */
static void
setup(void)
{
	now_ms = 1000000;
	fg_clock_set(&test_clock);
}

/* Restores the real clock. */
static void
teardown(void)
{
	fg_clock_set(NULL);
}

/* A read that found the item held at version ver. */
static struct lease_seen
held_at(int64_t ver)
{
	struct lease_seen s = { 1, ver, 0, 0 };

	return s;
}

START_TEST(standby_takes_at_once_when_free)
{
	struct lease_sm sm;
	struct lease_seen none = { 0, 0, 0, 0 }, released = { 1, 4, 1, 0 }, gone = { 1, 9, 0, 1 };
	const char *why;
	uint64_t wait;

	lease_sm_init(&sm, D, R);
	ck_assert_int_eq(lease_sm_standby(&sm, &none, &why, &wait), LEASE_TAKE);
	ck_assert_str_eq(why, "nobody held it");
	ck_assert_int_eq(lease_sm_standby(&sm, &released, &why, &wait), LEASE_TAKE);
	ck_assert_str_eq(why, "released");
	ck_assert_int_eq(lease_sm_standby(&sm, &gone, &why, &wait), LEASE_TAKE);
	ck_assert_str_eq(why, "its holder is gone");
}
END_TEST

START_TEST(standby_waits_a_full_duration_from_the_last_version_seen)
{
	struct lease_sm sm;
	struct lease_seen s = held_at(3);
	const char *why;
	uint64_t wait;

	lease_sm_init(&sm, D, R);
	ck_assert_int_eq(lease_sm_standby(&sm, &s, &why, &wait), LEASE_WAIT);
	ck_assert_ptr_null(why);
	ck_assert_uint_eq(wait, LEASE_POLL_MS);
	/* Renewed at 10 s: the duration counts again from when the new version was seen. */
	now_ms += 10000;
	s = held_at(4);
	ck_assert_int_eq(lease_sm_standby(&sm, &s, &why, &wait), LEASE_WAIT);
	now_ms += D - 1;
	ck_assert_int_eq(lease_sm_standby(&sm, &s, &why, &wait), LEASE_WAIT);
	ck_assert_uint_eq(wait, 1); /* read again exactly when it may be taken */
	now_ms += 1;
	ck_assert_int_eq(lease_sm_standby(&sm, &s, &why, &wait), LEASE_TAKE);
	ck_assert_str_eq(why, "not renewed");
}
END_TEST

START_TEST(standby_polls_no_slower_than_the_renewals)
{
	struct lease_sm sm;
	struct lease_seen s = held_at(1);
	const char *why;
	uint64_t wait;

	lease_sm_init(&sm, 3000, 500);
	ck_assert_uint_eq(lease_sm_poll_ms(&sm), 500);
	ck_assert_int_eq(lease_sm_standby(&sm, &s, &why, &wait), LEASE_WAIT);
	ck_assert_uint_eq(wait, 500);
}
END_TEST

START_TEST(holder_renews_on_time_and_keeps_its_lease)
{
	struct lease_sm sm;
	uint64_t wait, sent;

	lease_sm_init(&sm, D, R);
	lease_sm_won(&sm, 1, now_ms);
	ck_assert_int_eq(lease_sm_holder(&sm, &wait), LEASE_IDLE);
	ck_assert_uint_eq(wait, R);
	for (int i = 0; i < 100; i++) {
		now_ms += wait;
		ck_assert_int_eq(lease_sm_holder(&sm, &wait), LEASE_RENEW);
		sent = now_ms;
		now_ms += 40; /* the round trip */
		lease_sm_won(&sm, sm.ver + 1, sent);
		ck_assert_int_eq(lease_sm_holder(&sm, &wait), LEASE_IDLE);
		ck_assert_uint_eq(wait, R - 40);
	}
	ck_assert_int_eq(sm.ver, 101);
	ck_assert_uint_eq(sm.valid_until, sent + D);
}
END_TEST

START_TEST(holder_that_cannot_renew_stops_before_expiry)
{
	struct lease_sm sm;
	uint64_t wait, taken = now_ms, tries = 0;
	enum lease_duty duty;

	lease_sm_init(&sm, D, R);
	lease_sm_won(&sm, 1, taken);
	/* Every renewal fails from now on; each call ends at its timeout. */
	for (;;) {
		duty = lease_sm_holder(&sm, &wait);
		if (duty == LEASE_STOP)
			break;
		if (duty == LEASE_RENEW) {
			uint64_t t = lease_sm_call_timeout(&sm);

			ck_assert_uint_le(now_ms + t, lease_sm_stop_at(&sm));
			tries++;
			now_ms += t < 300 ? t : 300;
			lease_sm_renew_failed(&sm);
			continue;
		}
		ck_assert_uint_gt(wait, 0);
		now_ms += wait;
	}
	/* Stopped a quarter of the duration before the end, with time to spare for the work. */
	ck_assert_uint_eq(now_ms, taken + D - D / 4);
	ck_assert_uint_lt(now_ms + lease_sm_stop_within(&sm), taken + D);
	ck_assert_uint_ge(tries, 5);
	/* A standby that saw the holder's last write only once it was sent cannot take the
	 * lease before the holder's validity ended. */
	ck_assert_uint_ge(taken + D, sm.valid_until);
}
END_TEST

START_TEST(a_late_success_counts_from_its_send)
{
	struct lease_sm sm;
	uint64_t wait, sent;

	lease_sm_init(&sm, D, R);
	lease_sm_won(&sm, 1, now_ms);
	now_ms += R;
	ck_assert_int_eq(lease_sm_holder(&sm, &wait), LEASE_RENEW);
	sent = now_ms;
	now_ms += 4000; /* a slow reply */
	lease_sm_won(&sm, 2, sent);
	ck_assert_uint_eq(sm.valid_until, sent + D);
	ck_assert_int_eq(lease_sm_holder(&sm, &wait), LEASE_IDLE);
	ck_assert_uint_eq(wait, R - 4000);
}
END_TEST

START_TEST(lost_lease_means_stop)
{
	struct lease_sm sm;
	uint64_t wait;

	lease_sm_init(&sm, D, R);
	lease_sm_won(&sm, 1, now_ms);
	lease_sm_lost(&sm);
	ck_assert_int_eq(lease_sm_holder(&sm, &wait), LEASE_STOP);
	ck_assert_int_eq(sm.seen_ver, -1);
}
END_TEST

/* The suite. */
static Suite *
lease_suite(void)
{
	Suite *s = suite_create("conductor_lease");
	TCase *tc = tcase_create("state machine");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, standby_takes_at_once_when_free);
	tcase_add_test(tc, standby_waits_a_full_duration_from_the_last_version_seen);
	tcase_add_test(tc, standby_polls_no_slower_than_the_renewals);
	tcase_add_test(tc, holder_renews_on_time_and_keeps_its_lease);
	tcase_add_test(tc, holder_that_cannot_renew_stops_before_expiry);
	tcase_add_test(tc, a_late_success_counts_from_its_send);
	tcase_add_test(tc, lost_lease_means_stop);
	suite_add_tcase(s, tc);
	return s;
}

/* Runs the suite. */
int
main(void)
{
	SRunner *sr = srunner_create(lease_suite());
	int failed;

	srunner_run_all(sr, CK_ENV);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed != 0;
}
