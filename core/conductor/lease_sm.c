/* lease_sm.c: the lease's decisions: when a standby takes the lease, when the holder renews it
 * and when it must stop its work (no I/O; the clock through fg_mono_ms). */
#include "config.h"

#include "lease.h"

/* A standby's reads and a holder's retries. */
void
lease_sm_init(struct lease_sm *sm, uint64_t duration_ms, uint64_t renew_ms)
{
	sm->duration_ms = duration_ms;
	sm->renew_ms = renew_ms;
	sm->seen_ver = -1;
	sm->seen_at = 0;
	sm->held = 0;
	sm->ver = 0;
	sm->valid_until = 0;
	sm->next_renew = 0;
}

/* How long a standby waits between reads. */
uint64_t
lease_sm_poll_ms(const struct lease_sm *sm)
{
	return sm->renew_ms < LEASE_POLL_MS ? sm->renew_ms : LEASE_POLL_MS;
}

/* A standby read the item: take it, or read again later. */
enum lease_verdict
lease_sm_standby(struct lease_sm *sm, const struct lease_seen *s, const char **why,
    uint64_t *wait_ms)
{
	uint64_t now = fg_mono_ms(), poll = lease_sm_poll_ms(sm), left;

	*why = NULL;
	*wait_ms = poll;
	if (!s->exists) {
		*why = "nobody held it";
		return LEASE_TAKE;
	}
	if (s->released) {
		*why = "released";
		return LEASE_TAKE;
	}
	if (s->holder_gone) {
		*why = "its holder is gone";
		return LEASE_TAKE;
	}
	if (s->ver != sm->seen_ver) {
		/* Renewed (or first seen): the holder's duration starts again from now, which is
		 * after the holder sent that write. */
		sm->seen_ver = s->ver;
		sm->seen_at = now;
	}
	if (now - sm->seen_at >= sm->duration_ms) {
		*why = "not renewed";
		return LEASE_TAKE;
	}
	left = sm->seen_at + sm->duration_ms - now;
	if (left < *wait_ms)
		*wait_ms = left;
	return LEASE_WAIT;
}

/* A write of ours (take or renewal) sent at sent_ms succeeded with version ver. */
void
lease_sm_won(struct lease_sm *sm, int64_t ver, uint64_t sent_ms)
{
	sm->held = 1;
	sm->ver = ver;
	sm->seen_ver = ver;
	sm->valid_until = sent_ms + sm->duration_ms;
	sm->next_renew = sent_ms + sm->renew_ms;
}

/* A renewal failed: try again soon (lease_sm_holder says when to stop trying). */
void
lease_sm_renew_failed(struct lease_sm *sm)
{
	uint64_t retry = sm->renew_ms / 2 < LEASE_RETRY_MS ? sm->renew_ms / 2 : LEASE_RETRY_MS;

	sm->next_renew = fg_mono_ms() + retry;
}

/* The lease is no longer ours. */
void
lease_sm_lost(struct lease_sm *sm)
{
	sm->held = 0;
	sm->seen_ver = -1;
}

/* When the holder must stop: a quarter of the duration before its validity ends. */
uint64_t
lease_sm_stop_at(const struct lease_sm *sm)
{
	uint64_t margin = sm->duration_ms / 4;

	return sm->valid_until > margin ? sm->valid_until - margin : 0;
}

/* The time the holder gives its work to end once it must stop: half the margin, so that it
 * has stopped a good while before a standby may take over. */
uint64_t
lease_sm_stop_within(const struct lease_sm *sm)
{
	return sm->duration_ms / 8;
}

/* The holder's duty now. */
enum lease_duty
lease_sm_holder(const struct lease_sm *sm, uint64_t *wait_ms)
{
	uint64_t now = fg_mono_ms(), stop = lease_sm_stop_at(sm), next;

	*wait_ms = 0;
	if (!sm->held || now >= stop)
		return LEASE_STOP;
	if (now >= sm->next_renew) {
		*wait_ms = stop - now;
		return LEASE_RENEW;
	}
	next = sm->next_renew < stop ? sm->next_renew : stop;
	*wait_ms = next - now;
	return LEASE_IDLE;
}

/* A renewal sent now must answer before the holder has to stop, and within a renewal
 * interval. */
uint64_t
lease_sm_call_timeout(const struct lease_sm *sm)
{
	uint64_t now = fg_mono_ms(), stop = lease_sm_stop_at(sm), t = sm->renew_ms;

	if (sm->held && stop > now && stop - now < t)
		t = stop - now;
	return t > 0 ? t : 1;
}
