/* lease.h: the Conductor's lease, so that of several Conductors on one account, region and prefix
 * exactly one does work: an item in the DynamoDB table "<prefix>fugue-lease" taken and renewed
 * with conditional writes on its version (doc/conductor-engine.md, "Two Conductors").
 *
 * lease_sm.c holds the decisions (no I/O, the clock through fg_mono_ms); lease.c the calls,
 * the timers and the holder's identity. */
#ifndef FUGUE_CONDUCTOR_LEASE_H
#define FUGUE_CONDUCTOR_LEASE_H

#include <stdint.h>

#include "base.h"
#include "json.h"

struct fg_aws_env;
struct fg_http_client;

/* lease_sm.c: the state machine.
 *
 * A standby reads the item and takes it (a write conditional on the version it read) when
 * there is none, when its holder released it, when its holder is a process of this machine
 * that is gone, or when its version stayed the same for duration_ms by the standby's own
 * monotonic clock (no clock is compared between machines). The holder counts its lease valid
 * until duration_ms after it sent the last write that succeeded, renews every renew_ms (again
 * after a failure every LEASE_RETRY_MS at most) and must stop its work when a quarter of the
 * duration is left: a standby cannot take the lease before the holder's validity ends. */
#define LEASE_POLL_MS 1000   /* a standby reads the item this often (at most renew_ms) */
#define LEASE_RETRY_MS 1000  /* a failed renewal is tried again this soon (at most renew/2) */

struct lease_sm {
	uint64_t duration_ms;
	uint64_t renew_ms;
	/* Standby. */
	int64_t seen_ver;       /* the version last read, -1 before the first read */
	uint64_t seen_at;       /* when that version was first read */
	/* Holder. */
	int held;
	int64_t ver;            /* the version this holder wrote last */
	uint64_t valid_until;   /* the send time of that write + duration_ms */
	uint64_t next_renew;    /* when to send the next renewal */
};

/* What a read of the item found. */
struct lease_seen {
	int exists;
	int64_t ver;
	int released;           /* no holder: it was given up */
	int holder_gone;        /* its holder was a process of this machine that no longer runs */
};

enum lease_verdict { LEASE_WAIT, LEASE_TAKE };
enum lease_duty { LEASE_IDLE, LEASE_RENEW, LEASE_STOP };

void lease_sm_init(struct lease_sm *, uint64_t duration_ms, uint64_t renew_ms);
/* Standby, after a read: LEASE_TAKE with *why ("nobody held it", "released", "its holder is
 * gone", "not renewed"), or LEASE_WAIT with *wait_ms until the next read. */
enum lease_verdict lease_sm_standby(struct lease_sm *, const struct lease_seen *,
    const char **why, uint64_t *wait_ms);
/* A read failed, or a take lost its condition: the next read after *wait_ms. */
uint64_t lease_sm_poll_ms(const struct lease_sm *);
/* A take or a renewal sent at sent_ms wrote version ver. */
void lease_sm_won(struct lease_sm *, int64_t ver, uint64_t sent_ms);
/* A renewal failed (not a lost condition: that is lease_sm_lost). */
void lease_sm_renew_failed(struct lease_sm *);
/* The holder lost the lease (or gave it up). */
void lease_sm_lost(struct lease_sm *);
/* Holder: what is due now; *wait_ms until the next duty (LEASE_IDLE and LEASE_RENEW). */
enum lease_duty lease_sm_holder(const struct lease_sm *, uint64_t *wait_ms);
/* When the holder must stop its work (monotonic ms), and how long it has left then to end
 * it before the lease expires. */
uint64_t lease_sm_stop_at(const struct lease_sm *);
uint64_t lease_sm_stop_within(const struct lease_sm *);
/* The timeout of a renewal sent now: it must end before the holder has to stop. */
uint64_t lease_sm_call_timeout(const struct lease_sm *);

/* lease.c: the lease item and its calls, on their own HTTP client (a pool busy with the
 * engine's calls must not delay a renewal). */
struct lease;
/* The lease in table (full name) of region; owner id "<host>:<pid>:<random>". */
struct lease *lease_new(struct fg_loop *, struct fg_aws_env *, const char *table,
    const char *region, uint64_t duration_ms, uint64_t renew_ms);
/* Cancels every call and timer without callbacks. */
void lease_free(struct lease *);
/* Waits for the lease: held(held_arg, 1) once it is taken (held(held_arg, 0) when
 * lease_release ends the wait); after that, lost(lost_arg, within_ms) when the holder must stop
 * its work within within_ms (0: at once, someone else holds it). Callbacks never run inside
 * the call. */
void lease_acquire(struct lease *, void (*held)(void *, int), void *held_arg,
    void (*lost)(void *, uint64_t), void *lost_arg);
/* Gives the lease up so that a standby takes it at once (a standby stops waiting); done(arg)
 * after, whatever the write's outcome. */
void lease_release(struct lease *, void (*done)(void *), void *arg);
int lease_held(const struct lease *);
const char *lease_owner(const struct lease *);
/* {"owner", "host", "pid", "version", "table", "duration_s"}: for the ready marker. */
void lease_write_json(const struct lease *, struct fg_jw *);

#endif
