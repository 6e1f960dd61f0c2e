/* lease.c: the lease item in "<prefix>fugue-lease": a standby's reads and take, the holder's
 * renewals and release (PutItem conditional on the version), on the lease's own HTTP client;
 * the holder's identity (host, boot, pid namespace, pid and start time), so that a Conductor
 * restarted on the machine of a holder that died takes the lease at once. */
#include "config.h"

#include <errno.h>
#include <inttypes.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "aws.h"
#include "lease.h"
#include "store.h"

#define LEASE_PK "conductor"
#define LEASE_SK "lease"
#define RELEASE_TIMEOUT_MS 2000

enum lease_state { L_IDLE, L_STANDBY, L_HOLDER, L_LOST, L_RELEASING, L_DONE };

struct lease {
	struct fg_loop *loop;
	struct fg_http_client *http;
	struct fg_aws *aws;
	char *table;
	char *region;
	char *owner;                  /* "<host>:<pid>:<random>" */
	char host[256];
	char *hostkey;                /* boot id and pid namespace; "" when unknown */
	int64_t pid;
	int64_t pstart;               /* our start time in clock ticks since boot; -1 unknown */
	int64_t since_ms;             /* when we took it (wall clock) */
	struct lease_sm sm;
	enum lease_state state;
	struct fg_timer *timer;
	struct fg_timer *later;       /* callbacks from the loop */
	struct fg_aws_call *call;
	uint64_t call_sent;
	int64_t call_ver;             /* the version the write in flight writes */
	char *seen_owner;             /* the holder last read, for the standby's log */
	void (*held)(void *, int);
	void *held_arg;
	void (*lost)(void *, uint64_t);
	void *lost_arg;
	void (*released)(void *);
	void *released_arg;
	int held_due;                 /* later: held(arg, held_value) */
	int held_value;
	int lost_due;                 /* later: lost(arg, lost_within) */
	uint64_t lost_within;
	struct log_limit lim;
};

static void lease_tick(void *);
static void lease_read(struct lease *);

/* Reads a small file's first line into out (NUL-terminated, newline cut); -1 when absent. */
static int
read_line(const char *path, char *out, size_t size)
{
	FILE *f = fopen(path, "re");
	size_t n;

	if (f == NULL)
		return -1;
	n = fread(out, 1, size - 1, f);
	fclose(f);
	out[n] = '\0';
	out[strcspn(out, "\n")] = '\0';
	return n > 0 ? 0 : -1;
}

/* The start time (clock ticks since boot) of a running process, or -1 when it does not run
 * (or is a zombie) or /proc cannot tell. */
static int64_t
proc_start(int64_t pid)
{
	char path[64], buf[1024], *p, *end;
	int field;
	long long v;

	snprintf(path, sizeof(path), "/proc/%" PRId64 "/stat", pid);
	if (read_line(path, buf, sizeof(buf)) < 0 || (p = strrchr(buf, ')')) == NULL)
		return -1;
	/* After "pid (comm)": field 3 is the state, field 22 the start time. */
	p++;
	for (field = 3; field < 22 && p != NULL; field++) {
		while (*p == ' ')
			p++;
		if (field == 3 && (*p == 'Z' || *p == 'X'))
			return -1;
		p = strchr(p, ' ');
	}
	if (p == NULL)
		return -1;
	errno = 0;
	v = strtoll(p, &end, 10);
	return errno == 0 && end != p ? (int64_t)v : -1;
}

/* Who we are: host name, owner id, and the key of this kernel and pid namespace. */
static void
identity(struct lease *l)
{
	char boot[64], ns[64], hex[9];
	ssize_t n;
	uint32_t r = fg_random_u32();

	if (gethostname(l->host, sizeof(l->host) - 1) < 0 || l->host[0] == '\0')
		snprintf(l->host, sizeof(l->host), "unknown");
	l->pid = (int64_t)getpid();
	l->pstart = proc_start(l->pid);
	snprintf(hex, sizeof(hex), "%08" PRIx32, r);
	l->owner = fg_printf("%s:%" PRId64 ":%s", l->host, l->pid, hex);
	n = readlink("/proc/self/ns/pid", ns, sizeof(ns) - 1);
	if (read_line("/proc/sys/kernel/random/boot_id", boot, sizeof(boot)) == 0 && n > 0 &&
	    l->pstart >= 0) {
		ns[n] = '\0';
		l->hostkey = fg_printf("%s/%s", boot, ns);
	} else
		l->hostkey = fg_strdup("");
}

/* Makes the lease (it does nothing before lease_acquire). */
struct lease *
lease_new(struct fg_loop *loop, struct fg_aws_env *env, const char *table, const char *region,
    uint64_t duration_ms, uint64_t renew_ms)
{
	struct lease *l = fg_calloc(1, sizeof(*l));
	struct fg_http_opts ho;
	struct fg_retry_config rc;

	l->loop = loop;
	fg_http_opts_default(&ho);
	ho.max_conns_per_host = 2;
	l->http = fg_http_client_new(loop, &ho);
	/* One attempt per call: the lease retries on its own timers, before its deadline. */
	fg_retry_config_default(&rc);
	rc.max_attempts = 1;
	l->aws = fg_aws_new(loop, l->http, env, &rc);
	l->table = fg_strdup(table);
	l->region = region ? fg_strdup(region) : NULL;
	l->timer = fg_timer_new(loop, lease_tick, l);
	l->lim = (struct log_limit)LOG_LIMIT_INIT(10000);
	lease_sm_init(&l->sm, duration_ms, renew_ms);
	identity(l);
	return l;
}

/* Cancels everything silently and frees the lease. */
void
lease_free(struct lease *l)
{
	if (l == NULL)
		return;
	if (l->call)
		fg_aws_cancel(l->call);
	fg_timer_free(l->timer);
	if (l->later)
		fg_timer_free(l->later);
	fg_aws_free(l->aws);
	fg_http_client_free(l->http);
	free(l->table);
	free(l->region);
	free(l->owner);
	free(l->hostkey);
	free(l->seen_owner);
	free(l);
}

/* Whether we hold the lease. */
int
lease_held(const struct lease *l)
{
	return l->state == L_HOLDER;
}

/* Our owner id. */
const char *
lease_owner(const struct lease *l)
{
	return l->owner;
}

/* The holder, for the ready marker. */
void
lease_write_json(const struct lease *l, struct fg_jw *w)
{
	fg_jw_obj(w);
	fg_jw_kstr(w, "owner", l->owner);
	fg_jw_kstr(w, "host", l->host);
	fg_jw_kint(w, "pid", l->pid);
	fg_jw_kint(w, "version", l->sm.ver);
	fg_jw_kstr(w, "table", l->table);
	fg_jw_kint(w, "duration_s", (int64_t)(l->sm.duration_ms / 1000));
	fg_jw_end_obj(w);
}

/* Runs the callbacks that are due, from the loop. */
static void
on_later(void *arg)
{
	struct lease *l = arg;
	void (*done)(void *) = NULL;
	void *done_arg = NULL;

	if (l->state == L_DONE && l->released) {
		done = l->released;
		done_arg = l->released_arg;
		l->released = NULL;
	}
	if (l->held_due) {
		l->held_due = 0;
		l->held(l->held_arg, l->held_value);
	}
	if (l->lost_due) {
		l->lost_due = 0;
		l->lost(l->lost_arg, l->lost_within);
	}
	if (done)
		done(done_arg);
}

/* Schedules on_later. */
static void
later(struct lease *l)
{
	if (l->later == NULL)
		l->later = fg_timer_new(l->loop, on_later, l);
	fg_timer_add(l->later, 0);
}

/* The holder must stop its work within ms: tells the runtime once. */
static void
lease_lose(struct lease *l, uint64_t within_ms)
{
	if (l->state != L_HOLDER)
		return;
	l->state = L_LOST;
	lease_sm_lost(&l->sm);
	fg_timer_del(l->timer);
	l->lost_due = 1;
	l->lost_within = within_ms;
	later(l);
}

/* Sends a DynamoDB call of the lease. */
static void
lease_send(struct lease *l, const char *action, struct fg_jw *w, uint64_t timeout_ms,
    fg_aws_cb cb)
{
	struct fg_aws_req req;
	char target[64];

	snprintf(target, sizeof(target), "DynamoDB_20120810.%s", action);
	memset(&req, 0, sizeof(req));
	req.service = "dynamodb";
	req.region = l->region;
	req.proto = FG_PROTO_JSON;
	req.target = target;
	req.json_version = "1.0";
	req.body = fg_jw_text(w);
	req.body_len = strlen(req.body);
	req.timeout_ms = (uint32_t)timeout_ms;
	l->call_sent = fg_mono_ms();
	l->call = fg_aws_send(l->aws, &req, cb, l);
	fg_jw_free(w);
}

/* Writes the item with version ver: ours (owner set) or released (owner ""); conditional on
 * the version read (expect >= 1) or on there being none (expect 0). */
static void
lease_write(struct lease *l, int64_t expect, int release, uint64_t timeout_ms, fg_aws_cb cb)
{
	struct fg_jw w;
	char now[32], until[32], since[32];
	int64_t wall = fg_wall_ms();

	rfc3339_format(wall, now);
	rfc3339_format(wall + (int64_t)l->sm.duration_ms, until);
	l->call_ver = expect + 1;
	fg_jw_init(&w, 0);
	fg_jw_obj(&w);
	fg_jw_kstr(&w, "TableName", l->table);
	fg_jw_key(&w, "Item");
	fg_jw_obj(&w);
	av_s(&w, "pk", LEASE_PK);
	av_s(&w, "sk", LEASE_SK);
	av_n(&w, "ver", l->call_ver);
	av_s(&w, "owner", release ? "" : l->owner);
	if (!release) {
		av_s(&w, "host", l->host);
		av_s(&w, "hostkey", l->hostkey);
		av_n(&w, "pid", l->pid);
		av_n(&w, "pstart", l->pstart);
		rfc3339_format(l->since_ms ? l->since_ms : wall, since);
		av_s(&w, "since", since);
		av_s(&w, "expires", until);
		av_n(&w, "duration_ms", (int64_t)l->sm.duration_ms);
	}
	av_s(&w, "written", now);
	fg_jw_end_obj(&w);
	if (expect > 0) {
		fg_jw_kstr(&w, "ConditionExpression", "ver = :ver");
		fg_jw_key(&w, "ExpressionAttributeValues");
		fg_jw_obj(&w);
		av_n(&w, ":ver", expect);
		fg_jw_end_obj(&w);
	} else
		fg_jw_kstr(&w, "ConditionExpression", "attribute_not_exists(pk)");
	fg_jw_end_obj(&w);
	lease_send(l, "PutItem", &w, timeout_ms, cb);
}

/* Whether a reply is a lost condition. */
static int
lost_condition(const struct fg_aws_reply *rep)
{
	return rep->err.code && strcmp(rep->err.code, "ConditionalCheckFailedException") == 0;
}

/* --- Standby. */

/* Reads the item again after ms. */
static void
standby_wait(struct lease *l, uint64_t ms)
{
	fg_timer_add(l->timer, ms);
}

/* The take answered. */
static void
on_take(const struct fg_aws_reply *rep, void *arg)
{
	struct lease *l = arg;
	char *d;

	l->call = NULL;
	if (rep->err.cls != FG_ERR_NONE) {
		if (lost_condition(rep))
			log_info("lease: another Conductor took %s first; standing by", l->table);
		else {
			d = fg_awserr_describe(&rep->err);
			log_warnx_limited(&l->lim, "lease: taking %s: %s", l->table, d);
			free(d);
		}
		standby_wait(l, lease_sm_poll_ms(&l->sm));
		return;
	}
	lease_sm_won(&l->sm, l->call_ver, l->call_sent);
	l->state = L_HOLDER;
	l->since_ms = fg_wall_ms();
	log_info("lease: taken: %s leads (version %" PRId64 " of %s)", l->owner, l->sm.ver,
	    l->table);
	l->held_due = 1;
	l->held_value = 1;
	later(l);
	lease_tick(l);
}

/* Whether the holder of item is a process of this machine that no longer runs. */
static int
holder_gone(const struct lease *l, fg_json item)
{
	const char *key = av_get_s(item, "hostkey");
	int64_t pid, pstart;

	if (key == NULL || *key == '\0' || *l->hostkey == '\0' || strcmp(key, l->hostkey) != 0 ||
	    av_get_n(item, "pid", &pid) < 0 || av_get_n(item, "pstart", &pstart) < 0 || pid <= 0)
		return 0;
	if (pid == l->pid)
		return pstart != l->pstart;
	/* A pid that runs with another start time is another process: the holder is gone. */
	return proc_start(pid) != pstart;
}

/* The item was read: take it or wait. */
static void
on_read(const struct fg_aws_reply *rep, void *arg)
{
	struct lease *l = arg;
	struct lease_seen s;
	fg_json item;
	const char *owner, *why;
	uint64_t wait;
	char *d;

	l->call = NULL;
	if (rep->err.cls != FG_ERR_NONE) {
		d = fg_awserr_describe(&rep->err);
		log_warnx_limited(&l->lim, "lease: reading %s: %s", l->table, d);
		free(d);
		standby_wait(l, lease_sm_poll_ms(&l->sm));
		return;
	}
	memset(&s, 0, sizeof(s));
	item = fg_json_get(rep->json, "Item");
	owner = NULL;
	if (YAJL_IS_OBJECT(item)) {
		s.exists = 1;
		if (av_get_n(item, "ver", &s.ver) < 0)
			s.ver = 0;
		owner = av_get_s(item, "owner");
		s.released = owner == NULL || *owner == '\0';
		s.holder_gone = !s.released && holder_gone(l, item);
	}
	if (lease_sm_standby(&l->sm, &s, &why, &wait) == LEASE_WAIT) {
		if (l->seen_owner == NULL || strcmp(l->seen_owner, owner) != 0) {
			log_info("lease: %s holds %s (version %" PRId64 "); standing by", owner,
			    l->table, s.ver);
			free(l->seen_owner);
			l->seen_owner = fg_strdup(owner);
		}
		standby_wait(l, wait);
		return;
	}
	log_info("lease: taking %s (%s%s%s)", l->table, why, owner && *owner ? ": " : "",
	    owner && *owner ? owner : "");
	lease_write(l, s.exists ? s.ver : 0, 0, l->sm.renew_ms, on_take);
}

/* Sends the standby's read. */
static void
lease_read(struct lease *l)
{
	struct fg_jw w;

	fg_jw_init(&w, 0);
	fg_jw_obj(&w);
	fg_jw_kstr(&w, "TableName", l->table);
	fg_jw_key(&w, "Key");
	fg_jw_obj(&w);
	av_s(&w, "pk", LEASE_PK);
	av_s(&w, "sk", LEASE_SK);
	fg_jw_end_obj(&w);
	fg_jw_kbool(&w, "ConsistentRead", 1);
	fg_jw_end_obj(&w);
	lease_send(l, "GetItem", &w, l->sm.renew_ms, on_read);
}

/* --- Holder. */

static void release_write(struct lease *);

/* A renewal answered. */
static void
on_renew(const struct fg_aws_reply *rep, void *arg)
{
	struct lease *l = arg;
	uint64_t now, stop;
	char *d;

	l->call = NULL;
	if (rep->err.cls == FG_ERR_NONE)
		lease_sm_won(&l->sm, l->call_ver, l->call_sent);
	if (l->state == L_RELEASING) {
		/* lease_release waited for this renewal: the release writes the version after. */
		release_write(l);
		return;
	}
	if (rep->err.cls == FG_ERR_NONE)
		log_debug("lease", "renewed (version %" PRId64 ")", l->sm.ver);
	else if (lost_condition(rep)) {
		log_warnx("lease: %s was taken by another Conductor: stopping at once", l->table);
		lease_lose(l, 0);
		return;
	} else {
		lease_sm_renew_failed(&l->sm);
		now = fg_mono_ms();
		stop = lease_sm_stop_at(&l->sm);
		d = fg_awserr_describe(&rep->err);
		log_warnx("lease: renewing %s: %s (trying again; work must stop in %" PRIu64
		    " ms)", l->table, d, stop > now ? stop - now : 0);
		free(d);
	}
	lease_tick(l);
}

/* The holder's timer (and a standby's): renew, stop, or read. */
static void
lease_tick(void *arg)
{
	struct lease *l = arg;
	uint64_t wait;

	switch (l->state) {
	case L_STANDBY:
		if (l->call == NULL)
			lease_read(l);
		return;
	case L_HOLDER:
		break;
	default:
		return;
	}
	switch (lease_sm_holder(&l->sm, &wait)) {
	case LEASE_STOP:
		log_warnx("lease: not renewed for %" PRIu64 " ms: stopping work within %" PRIu64
		    " ms, before the lease expires", fg_mono_ms() + l->sm.duration_ms -
		    l->sm.valid_until, lease_sm_stop_within(&l->sm));
		if (l->call) {
			fg_aws_cancel(l->call);
			l->call = NULL;
		}
		lease_lose(l, lease_sm_stop_within(&l->sm));
		return;
	case LEASE_RENEW:
		if (l->call == NULL)
			lease_write(l, l->sm.ver, 0, lease_sm_call_timeout(&l->sm), on_renew);
		break;
	case LEASE_IDLE:
		break;
	}
	fg_timer_add(l->timer, wait);
}

/* Starts waiting for the lease. */
void
lease_acquire(struct lease *l, void (*held)(void *, int), void *held_arg,
    void (*lost)(void *, uint64_t), void *lost_arg)
{
	l->held = held;
	l->held_arg = held_arg;
	l->lost = lost;
	l->lost_arg = lost_arg;
	l->state = L_STANDBY;
	lease_read(l);
}

/* The release answered. */
static void
on_release(const struct fg_aws_reply *rep, void *arg)
{
	struct lease *l = arg;
	char *d;

	l->call = NULL;
	if (rep->err.cls == FG_ERR_NONE)
		log_info("lease: released %s (version %" PRId64 ")", l->table, l->call_ver);
	else {
		d = fg_awserr_describe(&rep->err);
		log_warnx("lease: releasing %s: %s (a standby takes it when it expires)", l->table,
		    d);
		free(d);
	}
	l->state = L_DONE;
	later(l);
}

/* Writes the release (no renewal in flight). */
static void
release_write(struct lease *l)
{
	lease_sm_lost(&l->sm);
	lease_write(l, l->sm.ver, 1, RELEASE_TIMEOUT_MS, on_release);
}

/* Gives the lease up (or stops waiting for it). */
void
lease_release(struct lease *l, void (*done)(void *), void *arg)
{
	enum lease_state was = l->state;

	l->released = done;
	l->released_arg = arg;
	fg_timer_del(l->timer);
	if (was == L_HOLDER) {
		l->state = L_RELEASING;
		/* A renewal in flight ends first (on_renew), so the release follows its version. */
		if (l->call == NULL)
			release_write(l);
		return;
	}
	if (l->call) {
		fg_aws_cancel(l->call);
		l->call = NULL;
	}
	if (was == L_STANDBY) {
		l->held_due = 1;
		l->held_value = 0;
	}
	l->state = L_DONE;
	later(l);
}
