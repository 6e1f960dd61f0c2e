/* retry.c: the AWS "standard" retry mode: retryable errors, full-jitter backoff, retry quota. */
#include "config.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "retry.h"

/* Fills in the standard mode's defaults. */
void
fg_retry_config_default(struct fg_retry_config *c)
{
	c->mode = FG_RETRY_STANDARD;
	c->max_attempts = FG_RETRY_MAX_ATTEMPTS;
	c->base_ms = FG_RETRY_BASE_MS;
	c->max_backoff_ms = FG_RETRY_MAX_BACKOFF_MS;
}

/* Applies a retry mode and a maximum number of attempts given as text. */
int
fg_retry_config_set(struct fg_retry_config *c, const char *mode, const char *max_attempts,
    char **err)
{
	enum fg_retry_mode m = c->mode;
	unsigned long n = c->max_attempts;

	*err = NULL;
	if (mode != NULL) {
		if (strcmp(mode, "standard") == 0)
			m = FG_RETRY_STANDARD;
		else if (strcmp(mode, "adaptive") == 0)
			m = FG_RETRY_ADAPTIVE;
		else if (strcmp(mode, "legacy") == 0)
			m = FG_RETRY_LEGACY;
		else {
			*err = fg_printf("retry mode \"%s\" is not one of standard, adaptive, "
			    "legacy", mode);
			return -1;
		}
	}
	if (max_attempts != NULL) {
		char *end;

		errno = 0;
		n = strtoul(max_attempts, &end, 10);
		if (max_attempts[0] < '0' || max_attempts[0] > '9' || *end != '\0' ||
		    errno != 0 || n < 1 || n > 1000) {
			*err = fg_printf("max attempts \"%s\" is not a number from 1 to 1000",
			    max_attempts);
			return -1;
		}
	}
	c->mode = m;
	c->max_attempts = (unsigned)n;
	return 0;
}

/* Applies AWS_RETRY_MODE and AWS_MAX_ATTEMPTS; an error names the variable. */
int
fg_retry_config_from_env(struct fg_retry_config *c, char **err)
{
	static const char *const vars[] = { "AWS_RETRY_MODE", "AWS_MAX_ATTEMPTS" };
	struct fg_retry_config t = *c;

	for (size_t i = 0; i < FG_ARRAY_LEN(vars); i++) {
		const char *v = getenv(vars[i]);
		char *why;

		if (v == NULL || *v == '\0')
			continue;
		if (fg_retry_config_set(&t, i == 0 ? v : NULL, i == 1 ? v : NULL, &why) != 0) {
			*err = fg_printf("%s: %s", vars[i], why);
			free(why);
			return -1;
		}
	}
	*c = t;
	*err = NULL;
	return 0;
}

/* Fills a fresh quota. */
void
fg_retry_quota_init(struct fg_retry_quota *q)
{
	q->tokens = q->max = FG_RETRY_QUOTA;
}

/* Prepares the state of a new request. */
void
fg_retry_begin(struct fg_retry_state *s)
{
	s->attempts = 0;
	s->last_cost = 0;
}

/* Throttling, transient and clock-skew errors are retried. */
int
fg_retry_is_retryable(const struct fg_awserr *e)
{
	return e->cls == FG_ERR_THROTTLING || e->cls == FG_ERR_RETRYABLE ||
	    e->cls == FG_ERR_CLOCK_SKEW;
}

/* Decides on another attempt after a failure and computes its delay. */
int
fg_retry_next(const struct fg_retry_config *c, struct fg_retry_quota *q,
    struct fg_retry_state *s, const struct fg_awserr *e, uint64_t *delay_ms, const char **why)
{
	unsigned cost = e->transport == FG_HTTP_ETIMEOUT ? FG_RETRY_TIMEOUT_COST : FG_RETRY_COST;
	uint64_t cap;

	s->attempts++;
	*delay_ms = 0;
	if (!fg_retry_is_retryable(e)) {
		*why = "not retryable";
		return 0;
	}
	if (s->attempts >= c->max_attempts) {
		*why = "maximum attempts reached";
		return 0;
	}
	if (q->tokens < cost) {
		*why = "retry quota exhausted";
		return 0;
	}
	q->tokens -= cost;
	s->last_cost = cost;
	/* t_i = rand[0, 1) * min(base * 2^i, MAX_BACKOFF), i = 0 for the first retry. */
	cap = c->max_backoff_ms;
	if (s->attempts - 1 < 32 && (uint64_t)c->base_ms << (s->attempts - 1) < cap)
		cap = (uint64_t)c->base_ms << (s->attempts - 1);
	*delay_ms = (uint64_t)(fg_random_unit() * (double)cap);
	*why = NULL;
	return 1;
}

/* Refunds the quota after a success. */
void
fg_retry_success(struct fg_retry_quota *q, const struct fg_retry_state *s)
{
	unsigned back = s->last_cost ? s->last_cost : FG_RETRY_NO_RETRY_INCREMENT;

	q->tokens = q->max - q->tokens < back ? q->max : q->tokens + back;
}
