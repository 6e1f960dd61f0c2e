/* retry.h: the AWS SDKs' "standard" retry mode (SDKs and Tools Reference Guide, "Retry
 * behavior"): which classified errors to retry, the backoff before each retry (truncated
 * binary exponential with full jitter) and the retry quota shared by a client's requests.
 * Pure logic: the caller owns the timers. Randomness comes from fg_random_unit(). */
#ifndef FUGUE_RETRY_H
#define FUGUE_RETRY_H

#include <stdint.h>

#include "awserr.h"

#define FG_RETRY_MAX_ATTEMPTS 3          /* default, first attempt included */
#define FG_RETRY_BASE_MS 1000            /* the first retry waits up to 1 s, then 2 s, 4 s... */
#define FG_RETRY_MAX_BACKOFF_MS 20000    /* ...never more than 20 s */
#define FG_RETRY_QUOTA 500               /* tokens in a fresh quota */
#define FG_RETRY_COST 5                  /* tokens a retry takes */
#define FG_RETRY_TIMEOUT_COST 10         /* tokens a retry after a timeout takes */
#define FG_RETRY_NO_RETRY_INCREMENT 1    /* tokens a first-attempt success gives back */

/* retry.c */
/* "legacy" behaves as standard here; "adaptive" adds client-side rate limiting, which the
 * Conductor's Scheduler does with its own token buckets. */
enum fg_retry_mode { FG_RETRY_STANDARD, FG_RETRY_ADAPTIVE, FG_RETRY_LEGACY };

struct fg_retry_config {
	enum fg_retry_mode mode;
	unsigned max_attempts;   /* >= 1 */
	uint32_t base_ms;
	uint32_t max_backoff_ms;
};

/* One per client (per service endpoint and credentials), shared by all its requests. */
struct fg_retry_quota {
	unsigned tokens;
	unsigned max;
};

/* One per request, across its attempts. */
struct fg_retry_state {
	unsigned attempts;  /* attempts made so far */
	unsigned last_cost; /* tokens taken for the last retry, 0 if none */
};

void fg_retry_config_default(struct fg_retry_config *);
/* Applies settings in the form of AWS_RETRY_MODE / retry_mode ("standard", "adaptive",
 * "legacy") and AWS_MAX_ATTEMPTS / max_attempts (an integer >= 1); NULL leaves a setting as it
 * is. On a bad value returns -1 with *err (caller frees) and changes nothing. */
int fg_retry_config_set(struct fg_retry_config *, const char *mode, const char *max_attempts,
    char **err);
/* fg_retry_config_set with AWS_RETRY_MODE and AWS_MAX_ATTEMPTS from the environment. */
int fg_retry_config_from_env(struct fg_retry_config *, char **err);

void fg_retry_quota_init(struct fg_retry_quota *);
void fg_retry_begin(struct fg_retry_state *); /* before the first attempt */

/* Whether an error of this class and transport is worth another attempt: throttling,
 * transient and clock-skew errors (sign again with the corrected clock). */
int fg_retry_is_retryable(const struct fg_awserr *);
/* After a failed attempt: 1 when the request should be tried again after *delay_ms (the
 * quota then holds the retry's cost); 0 when not, with *why ("not retryable", "maximum attempts
 * reached", "retry quota exhausted") for the log. */
int fg_retry_next(const struct fg_retry_config *, struct fg_retry_quota *,
    struct fg_retry_state *, const struct fg_awserr *, uint64_t *delay_ms, const char **why);
/* After a 2xx reply: gives back the last retry's cost, or FG_RETRY_NO_RETRY_INCREMENT when
 * the first attempt succeeded, up to the quota's maximum. */
void fg_retry_success(struct fg_retry_quota *, const struct fg_retry_state *);

#endif
