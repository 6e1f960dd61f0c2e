/* check_retry.c: unit tests for the AWS standard retry mode (retry.c). */
#include "config.h"

#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "retry.h"

static uint32_t next_random; /* what the fake randomness hands out */

/* Fake randomness: every 32-bit draw is next_random. */
static void
fake_random(void *arg, void *buf, size_t len)
{
	(void)arg;
	ck_assert_uint_eq(len, sizeof(next_random));
	memcpy(buf, &next_random, len);
}

/* Fake monotonic clock (unused). */
static uint64_t
fake_mono(void *arg)
{
	(void)arg;
	return 0;
}

/* Fake wall clock (unused). */
static int64_t
fake_wall(void *arg)
{
	(void)arg;
	return 0;
}

static const struct fg_clock_ops fake_clock = { fake_mono, fake_wall, fake_random, NULL };

/* Installs the fake randomness. */
static void
setup(void)
{
	next_random = 0x80000000u; /* 0.5 */
	fg_clock_set(&fake_clock);
}

/* Restores the real clock and randomness. */
static void
teardown(void)
{
	fg_clock_set(NULL);
}

/* An error of class cls from a reply (transport FG_HTTP_OK) or a transport failure. */
static struct fg_awserr
err_of(enum fg_err_class cls, enum fg_http_err transport)
{
	struct fg_awserr e;

	memset(&e, 0, sizeof(e));
	e.cls = cls;
	e.transport = transport;
	e.status = transport == FG_HTTP_OK ? 400 : 0;
	return e;
}

START_TEST(defaults)
{
	struct fg_retry_config c;
	struct fg_retry_quota q;

	fg_retry_config_default(&c);
	ck_assert_int_eq(c.mode, FG_RETRY_STANDARD);
	ck_assert_uint_eq(c.max_attempts, 3);
	ck_assert_uint_eq(c.base_ms, 1000);
	ck_assert_uint_eq(c.max_backoff_ms, 20000);
	fg_retry_quota_init(&q);
	ck_assert_uint_eq(q.tokens, 500);
	ck_assert_uint_eq(q.max, 500);
}
END_TEST

START_TEST(throttled_request_gets_three_attempts)
{
	struct fg_retry_config c;
	struct fg_retry_quota q;
	struct fg_retry_state s;
	struct fg_awserr e = err_of(FG_ERR_THROTTLING, FG_HTTP_OK);
	uint64_t delay;
	const char *why;

	fg_retry_config_default(&c);
	fg_retry_quota_init(&q);
	fg_retry_begin(&s);
	ck_assert_int_eq(fg_retry_next(&c, &q, &s, &e, &delay, &why), 1);
	ck_assert_uint_eq(delay, 500);  /* 0.5 * min(1 s, 20 s) */
	ck_assert_uint_eq(q.tokens, 495);
	ck_assert_int_eq(fg_retry_next(&c, &q, &s, &e, &delay, &why), 1);
	ck_assert_uint_eq(delay, 1000); /* 0.5 * min(2 s, 20 s) */
	ck_assert_uint_eq(q.tokens, 490);
	ck_assert_int_eq(fg_retry_next(&c, &q, &s, &e, &delay, &why), 0);
	ck_assert_str_eq(why, "maximum attempts reached");
	ck_assert_uint_eq(s.attempts, 3);
	ck_assert_uint_eq(q.tokens, 490);
}
END_TEST

START_TEST(backoff_is_full_jitter_capped_at_20s)
{
	static const uint64_t want[] = { 999, 1999, 3999, 7999, 15999, 19999, 19999, 19999 };
	struct fg_retry_config c;
	struct fg_retry_quota q;
	struct fg_retry_state s;
	struct fg_awserr e = err_of(FG_ERR_RETRYABLE, FG_HTTP_OK);
	uint64_t delay;
	const char *why;

	fg_retry_config_default(&c);
	c.max_attempts = 100;
	fg_retry_quota_init(&q);
	fg_retry_begin(&s);
	next_random = 0xFFFFFFFFu; /* just under 1 */
	for (size_t i = 0; i < FG_ARRAY_LEN(want); i++) {
		ck_assert_int_eq(fg_retry_next(&c, &q, &s, &e, &delay, &why), 1);
		ck_assert_uint_eq(delay, want[i]);
	}
	next_random = 0;
	ck_assert_int_eq(fg_retry_next(&c, &q, &s, &e, &delay, &why), 1);
	ck_assert_uint_eq(delay, 0);
	/* Past 32 doublings the shift would overflow: the cap still holds. */
	s.attempts = 80;
	next_random = 0x40000000u;
	ck_assert_int_eq(fg_retry_next(&c, &q, &s, &e, &delay, &why), 1);
	ck_assert_uint_eq(delay, 5000);
}
END_TEST

START_TEST(what_is_retried)
{
	static const enum fg_err_class yes[] = { FG_ERR_THROTTLING, FG_ERR_RETRYABLE,
		FG_ERR_CLOCK_SKEW };
	static const enum fg_err_class no[] = { FG_ERR_NONE, FG_ERR_NOT_FOUND, FG_ERR_CONFLICT,
		FG_ERR_INVALID, FG_ERR_FATAL };
	struct fg_retry_config c;
	struct fg_retry_quota q;

	fg_retry_config_default(&c);
	fg_retry_quota_init(&q);
	for (size_t i = 0; i < FG_ARRAY_LEN(yes); i++) {
		struct fg_awserr e = err_of(yes[i], FG_HTTP_OK);

		ck_assert(fg_retry_is_retryable(&e));
	}
	for (size_t i = 0; i < FG_ARRAY_LEN(no); i++) {
		struct fg_awserr e = err_of(no[i], FG_HTTP_OK);
		struct fg_retry_state s;
		uint64_t delay = 7;
		const char *why;

		ck_assert(!fg_retry_is_retryable(&e));
		fg_retry_begin(&s);
		ck_assert_int_eq(fg_retry_next(&c, &q, &s, &e, &delay, &why), 0);
		ck_assert_str_eq(why, "not retryable");
		ck_assert_uint_eq(delay, 0);
	}
	ck_assert_uint_eq(q.tokens, 500);
}
END_TEST

START_TEST(quota_costs_and_refunds)
{
	struct fg_retry_config c;
	struct fg_retry_quota q;
	struct fg_retry_state s;
	struct fg_awserr timeout = err_of(FG_ERR_RETRYABLE, FG_HTTP_ETIMEOUT);
	struct fg_awserr reset = err_of(FG_ERR_RETRYABLE, FG_HTTP_ERESET);
	uint64_t delay;
	const char *why;

	fg_retry_config_default(&c);
	fg_retry_quota_init(&q);
	fg_retry_begin(&s);
	ck_assert_int_eq(fg_retry_next(&c, &q, &s, &timeout, &delay, &why), 1);
	ck_assert_uint_eq(q.tokens, 490);
	ck_assert_int_eq(fg_retry_next(&c, &q, &s, &reset, &delay, &why), 1);
	ck_assert_uint_eq(q.tokens, 485);
	fg_retry_success(&q, &s); /* the last retry's cost comes back */
	ck_assert_uint_eq(q.tokens, 490);

	fg_retry_begin(&s);
	fg_retry_success(&q, &s); /* first-attempt success: one token */
	ck_assert_uint_eq(q.tokens, 491);
	for (int i = 0; i < 20; i++)
		fg_retry_success(&q, &s);
	ck_assert_uint_eq(q.tokens, 500);

	/* Many failing requests drain the quota: 100 retries at 5 tokens. */
	for (int i = 0; i < 100; i++) {
		fg_retry_begin(&s);
		ck_assert_int_eq(fg_retry_next(&c, &q, &s, &reset, &delay, &why), 1);
	}
	ck_assert_uint_eq(q.tokens, 0);
	fg_retry_begin(&s);
	ck_assert_int_eq(fg_retry_next(&c, &q, &s, &reset, &delay, &why), 0);
	ck_assert_str_eq(why, "retry quota exhausted");
	q.tokens = 7;
	fg_retry_begin(&s);
	ck_assert_int_eq(fg_retry_next(&c, &q, &s, &timeout, &delay, &why), 0);
	ck_assert_int_eq(fg_retry_next(&c, &q, &s, &reset, &delay, &why), 1);
	ck_assert_uint_eq(q.tokens, 2);
}
END_TEST

START_TEST(config_from_text)
{
	static const char *const bad_attempts[] = { "0", "-1", "3x", "", " 3", "1001",
		"99999999999999999999" };
	struct fg_retry_config c;
	char *err = NULL;

	fg_retry_config_default(&c);
	ck_assert_int_eq(fg_retry_config_set(&c, "adaptive", "7", &err), 0);
	ck_assert_int_eq(c.mode, FG_RETRY_ADAPTIVE);
	ck_assert_uint_eq(c.max_attempts, 7);
	ck_assert_int_eq(fg_retry_config_set(&c, "legacy", NULL, &err), 0);
	ck_assert_int_eq(c.mode, FG_RETRY_LEGACY);
	ck_assert_uint_eq(c.max_attempts, 7);
	ck_assert_int_eq(fg_retry_config_set(&c, "fast", "2", &err), -1);
	ck_assert_str_eq(err, "retry mode \"fast\" is not one of standard, adaptive, legacy");
	free(err);
	ck_assert_uint_eq(c.max_attempts, 7);
	for (size_t i = 0; i < FG_ARRAY_LEN(bad_attempts); i++) {
		ck_assert_int_eq(fg_retry_config_set(&c, "standard", bad_attempts[i], &err), -1);
		ck_assert_ptr_nonnull(strstr(err, "is not a number from 1 to 1000"));
		free(err);
		ck_assert_int_eq(c.mode, FG_RETRY_LEGACY);
	}
}
END_TEST

START_TEST(config_from_env)
{
	struct fg_retry_config c;
	char *err = NULL;

	fg_retry_config_default(&c);
	unsetenv("AWS_RETRY_MODE");
	unsetenv("AWS_MAX_ATTEMPTS");
	ck_assert_int_eq(fg_retry_config_from_env(&c, &err), 0);
	ck_assert_uint_eq(c.max_attempts, 3);
	setenv("AWS_RETRY_MODE", "standard", 1);
	setenv("AWS_MAX_ATTEMPTS", "5", 1);
	ck_assert_int_eq(fg_retry_config_from_env(&c, &err), 0);
	ck_assert_uint_eq(c.max_attempts, 5);
	setenv("AWS_RETRY_MODE", "adaptive", 1);
	setenv("AWS_MAX_ATTEMPTS", "zero", 1);
	ck_assert_int_eq(fg_retry_config_from_env(&c, &err), -1);
	ck_assert_str_eq(err,
	    "AWS_MAX_ATTEMPTS: max attempts \"zero\" is not a number from 1 to 1000");
	free(err);
	ck_assert_int_eq(c.mode, FG_RETRY_STANDARD);
	setenv("AWS_RETRY_MODE", "slow", 1);
	ck_assert_int_eq(fg_retry_config_from_env(&c, &err), -1);
	ck_assert(strncmp(err, "AWS_RETRY_MODE: ", 16) == 0);
	free(err);
	unsetenv("AWS_RETRY_MODE");
	unsetenv("AWS_MAX_ATTEMPTS");
}
END_TEST

static Suite *
retry_suite(void)
{
	Suite *s = suite_create("retry");
	TCase *tc = tcase_create("core");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, defaults);
	tcase_add_test(tc, throttled_request_gets_three_attempts);
	tcase_add_test(tc, backoff_is_full_jitter_capped_at_20s);
	tcase_add_test(tc, what_is_retried);
	tcase_add_test(tc, quota_costs_and_refunds);
	tcase_add_test(tc, config_from_text);
	tcase_add_test(tc, config_from_env);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	SRunner *sr = srunner_create(retry_suite());
	int failed;

	srunner_run_all(sr, CK_ENV);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? 1 : 0;
}
