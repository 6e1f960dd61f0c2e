/* scheduler.c: pacing of AWS calls. A token bucket per (account, region, service, read|write),
 * sized like AWS's own limits, with additive-increase/multiplicative-decrease on throttling;
 * waiting calls leave in priority order (user commands, remediation, sweeps) and round-robin
 * between processes within a priority. There is no worker pool: every call the buckets allow
 * is in flight at once. Gates, with the same order, bound the steps of plans in progress per
 * service to what its buckets can take, so that the steps waiting for calls do not pile up. */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/queue.h>

#include "engine_int.h"

#define DECREASE_EVERY_MS 1000 /* at most one halving per second: replies in flight count once */
#define INCREASE_PER_S 0.1     /* of the configured rate, per second without throttling */
#define MIN_RATE_SHARE 0.02    /* the rate never drops below 2 % of the configured one... */
#define MIN_RATE 0.5           /* ...nor below one call every 2 s */

/*
 * Default bucket sizes (calls per second, burst). AWS publishes few control-plane limits:
 * EC2's are documented (API request throttling: mutating actions refill 5/s with a bucket of
 * 200; describes refill 20/s with 100), IAM's are low (about 20 mutations a second per
 * account), S3's bucket-level APIs are not published but run to a few hundred a second, and
 * SQS and DynamoDB's control calls allow far more than a Conductor makes. Override with
 * engine_config.limits ("sqs.write=50").
 */
static const struct engine_limit defaults[] = {
	{ "dynamodb", 0, 100, 200 },
	{ "dynamodb", 1, 50, 100 },
	{ "ec2", 0, 20, 100 },
	{ "ec2", 1, 5, 200 },
	{ "iam", 0, 20, 40 },
	{ "iam", 1, 10, 20 },
	{ "s3", 0, 200, 400 },
	{ "s3", 1, 100, 200 },
	{ "sns", 0, 100, 200 },
	{ "sns", 1, 100, 200 },
	{ "sqs", 0, 1000, 1000 },
	{ "sqs", 1, 1000, 1000 },
};
static const struct engine_limit fallback = { "", 0, 50, 100 };

struct sched_wait {
	TAILQ_ENTRY(sched_wait) link;
	struct flow *flow;
	void (*fn)(void *);
	void *arg;
};

/* One process's waits at one priority of one bucket. */
struct flow {
	TAILQ_ENTRY(flow) link;
	char *name;
	TAILQ_HEAD(, sched_wait) waits;
	struct sched_bucket *b;
	int prio;
};

struct sched_bucket {
	struct sched_bucket *next;
	struct sched *s;
	char *key;
	size_t cap;           /* a gate: at most cap granted and not released; no tokens */
	size_t inuse;
	double cfg_rate;
	double burst;
	double rate;
	double tokens;
	uint64_t last_ms;     /* when tokens were last refilled (ahead: when refill starts) */
	int bursting;         /* a burst left a full bucket: its first reply starts the refill */
	uint64_t decrease_ms; /* when the rate was last halved */
	uint64_t increase_ms; /* when the rate was last raised */
	TAILQ_HEAD(, flow) ring[PRIO_N]; /* flows with waits, served in turn */
	struct fg_timer *timer;
};

struct sched {
	struct fg_loop *loop;
	struct engine_limit *limits;
	size_t nlimits;
	struct sched_bucket *buckets;
	struct sched_stats stats;
};

/* The built-in size of (service, kind), or NULL. */
const struct engine_limit *
sched_default_limit(const char *service, int write)
{
	for (size_t i = 0; i < FG_ARRAY_LEN(defaults); i++)
		if (strcmp(defaults[i].service, service) == 0 && defaults[i].write == write)
			return &defaults[i];
	return NULL;
}

/* ms +/- 10 %. */
uint64_t
sched_jitter(uint64_t ms)
{
	return (uint64_t)((double)ms * (0.9 + 0.2 * fg_random_unit()));
}

/* A scheduler with the given overrides of the default sizes. */
struct sched *
sched_new(struct fg_loop *loop, const struct engine_limit *limits, size_t n)
{
	struct sched *s = fg_calloc(1, sizeof(*s));

	s->loop = loop;
	if (n > 0) {
		s->limits = fg_calloc(n, sizeof(*limits));
		memcpy(s->limits, limits, n * sizeof(*limits));
		s->nlimits = n;
	}
	return s;
}

/* Frees the scheduler; waits still queued are dropped without their callbacks. */
void
sched_free(struct sched *s)
{
	struct sched_bucket *b;

	if (s == NULL)
		return;
	while ((b = s->buckets) != NULL) {
		s->buckets = b->next;
		for (int p = 0; p < PRIO_N; p++) {
			struct flow *f;

			while ((f = TAILQ_FIRST(&b->ring[p])) != NULL) {
				struct sched_wait *w;

				while ((w = TAILQ_FIRST(&f->waits)) != NULL) {
					TAILQ_REMOVE(&f->waits, w, link);
					free(w);
				}
				TAILQ_REMOVE(&b->ring[p], f, link);
				free(f->name);
				free(f);
			}
		}
		fg_timer_free(b->timer);
		free(b->key);
		free(b);
	}
	free(s->limits);
	free(s);
}

/* The size of (service, kind): an override, the default, or the fallback. */
static const struct engine_limit *
limit_for(const struct sched *s, const char *service, int write)
{
	const struct engine_limit *l;

	for (size_t i = 0; i < s->nlimits; i++)
		if (strcmp(s->limits[i].service, service) == 0 && s->limits[i].write == write)
			return &s->limits[i];
	l = sched_default_limit(service, write);
	return l ? l : &fallback;
}

static void bucket_run(void *);

/* The bucket of (account, region, service, kind), made on first use. */
struct sched_bucket *
sched_bucket(struct sched *s, const char *account, const char *region, const char *service,
    int write)
{
	char *key = fg_printf("%s/%s/%s/%s", account, region, service, write ? "write" : "read");
	struct sched_bucket *b;
	const struct engine_limit *l;

	for (b = s->buckets; b != NULL; b = b->next)
		if (strcmp(b->key, key) == 0) {
			free(key);
			return b;
		}
	l = limit_for(s, service, write);
	b = fg_calloc(1, sizeof(*b));
	b->s = s;
	b->key = key;
	b->cfg_rate = b->rate = l->rate;
	b->burst = l->burst < 1 ? 1 : l->burst;
	b->tokens = b->burst;
	b->last_ms = b->increase_ms = fg_mono_ms();
	for (int p = 0; p < PRIO_N; p++)
		TAILQ_INIT(&b->ring[p]);
	b->timer = fg_timer_new(s->loop, bucket_run, b);
	b->next = s->buckets;
	s->buckets = b;
	log_debug("sched", "bucket %s: %.1f/s, burst %.0f", key, b->rate, b->burst);
	return b;
}

/* Adds the tokens earned since the last refill (none before last_ms, which may be ahead). */
static void
refill(struct sched_bucket *b)
{
	uint64_t now = fg_mono_ms();

	if (now <= b->last_ms)
		return;
	b->tokens += (double)(now - b->last_ms) * b->rate / 1000.0;
	if (b->tokens > b->burst)
		b->tokens = b->burst;
	b->last_ms = now;
}

/* The first wait to serve: the highest priority, the next flow in turn. */
static struct sched_wait *
next_wait(struct sched_bucket *b)
{
	for (int p = 0; p < PRIO_N; p++) {
		struct flow *f = TAILQ_FIRST(&b->ring[p]);

		if (f != NULL)
			return TAILQ_FIRST(&f->waits);
	}
	return NULL;
}

/* Takes w off its flow; the flow goes to the back of its ring, or away when empty. */
static void
unlink_wait(struct sched_wait *w)
{
	struct flow *f = w->flow;
	struct sched_bucket *b = f->b;

	TAILQ_REMOVE(&f->waits, w, link);
	TAILQ_REMOVE(&b->ring[f->prio], f, link);
	if (TAILQ_EMPTY(&f->waits)) {
		free(f->name);
		free(f);
	} else
		TAILQ_INSERT_TAIL(&b->ring[f->prio], f, link);
	b->s->stats.waiting--;
}

/* Grants what the tokens (a gate: its free places) allow, then sleeps until the next token. */
static void
bucket_run(void *arg)
{
	struct sched_bucket *b = arg;
	struct sched_wait *w;

	if (b->cap > 0) {
		while (b->inuse < b->cap && (w = next_wait(b)) != NULL) {
			b->inuse++;
			unlink_wait(w);
			w->fn(w->arg);
			free(w);
		}
		return; /* sched_release runs it again */
	}
	refill(b);
	while ((w = next_wait(b)) != NULL && b->tokens >= 1.0) {
		b->tokens -= 1.0;
		b->s->stats.granted++;
		unlink_wait(w);
		w->fn(w->arg);
		free(w);
	}
	if (next_wait(b) != NULL && !fg_timer_pending(b->timer)) {
		uint64_t now = fg_mono_ms();
		double ms = (1.0 - b->tokens) * 1000.0 / b->rate +
		    (double)(b->last_ms > now ? b->last_ms - now : 0);

		fg_timer_add(b->timer, ms < 1 ? 1 : (uint64_t)ms);
	}
}

/* Queues fn(arg) until the bucket grants a token; it always runs from the loop. */
struct sched_wait *
sched_acquire(struct sched_bucket *b, enum prio prio, const char *flow, void (*fn)(void *),
    void *arg)
{
	struct sched_wait *w = fg_calloc(1, sizeof(*w));
	struct flow *f;

	if ((int)prio < 0 || prio >= PRIO_N)
		prio = PRIO_SWEEP;
	if (b->cap == 0 && next_wait(b) == NULL) {
		/* The bucket was idle: when it is full, AWS's is too, and a burst starts now. */
		refill(b);
		if (b->tokens >= b->burst) {
			b->last_ms = fg_mono_ms() + SCHED_REFILL_WAIT_MS;
			b->bursting = 1;
		}
	}
	TAILQ_FOREACH(f, &b->ring[prio], link)
		if (strcmp(f->name, flow) == 0)
			break;
	if (f == NULL) {
		f = fg_calloc(1, sizeof(*f));
		f->name = fg_strdup(flow);
		f->b = b;
		f->prio = prio;
		TAILQ_INIT(&f->waits);
		TAILQ_INSERT_TAIL(&b->ring[prio], f, link);
	}
	w->flow = f;
	w->fn = fn;
	w->arg = arg;
	TAILQ_INSERT_TAIL(&f->waits, w, link);
	b->s->stats.waiting++;
	if (!fg_timer_pending(b->timer))
		fg_timer_add(b->timer, 0);
	return w;
}

/* Drops a wait that has not run. */
void
sched_cancel(struct sched_wait *w)
{
	if (w == NULL)
		return;
	unlink_wait(w);
	free(w);
}

/* The gate of the steps that call service in (account, region), made on first use: as
 * many at once as the service's buckets hold (read and write bursts). */
struct sched_bucket *
sched_gate(struct sched *s, const char *account, const char *region, const char *service)
{
	char *key = fg_printf("gate/%s/%s/%s", account, region, service);
	struct sched_bucket *b;

	for (b = s->buckets; b != NULL; b = b->next)
		if (strcmp(b->key, key) == 0) {
			free(key);
			return b;
		}
	b = fg_calloc(1, sizeof(*b));
	b->s = s;
	b->key = key;
	b->cap = (size_t)(limit_for(s, service, 0)->burst + limit_for(s, service, 1)->burst);
	b->cfg_rate = b->rate = 1;
	for (int p = 0; p < PRIO_N; p++)
		TAILQ_INIT(&b->ring[p]);
	b->timer = fg_timer_new(s->loop, bucket_run, b);
	b->next = s->buckets;
	s->buckets = b;
	log_debug("sched", "%s: %zu at once", key, b->cap);
	return b;
}

/* A place of a gate is free again. */
void
sched_release(struct sched_bucket *b)
{
	if (b->inuse > 0)
		b->inuse--;
	if (next_wait(b) != NULL && !fg_timer_pending(b->timer))
		fg_timer_add(b->timer, 0);
}

/* Places of a gate granted and not released. */
size_t
sched_gate_inuse(const struct sched_bucket *b)
{
	return b->inuse;
}

/* AIMD: halve on throttling (once a second at most), else climb back linearly. */
void
sched_feedback(struct sched_bucket *b, int throttled)
{
	uint64_t now = fg_mono_ms();
	double floor = b->cfg_rate * MIN_RATE_SHARE;

	if (floor < MIN_RATE)
		floor = MIN_RATE;
	if (floor > b->cfg_rate)
		floor = b->cfg_rate;
	if (b->bursting) {
		/* The first reply: AWS has taken the burst's first call; refill from now. */
		b->bursting = 0;
		if (now < b->last_ms) {
			b->last_ms = now;
			if (next_wait(b) != NULL) {
				fg_timer_del(b->timer);
				fg_timer_add(b->timer, 0);
			}
		}
	}
	if (throttled) {
		b->s->stats.throttled++;
		if (now - b->decrease_ms >= DECREASE_EVERY_MS || b->decrease_ms == 0) {
			refill(b);
			b->rate = b->rate / 2 < floor ? floor : b->rate / 2;
			if (b->tokens > 0)
				b->tokens = 0;
			b->decrease_ms = b->increase_ms = now;
			log_debug("sched", "bucket %s throttled: %.1f/s", b->key, b->rate);
		}
		return;
	}
	if (b->rate < b->cfg_rate && now > b->increase_ms) {
		refill(b);
		b->rate += b->cfg_rate * INCREASE_PER_S * (double)(now - b->increase_ms) / 1000.0;
		if (b->rate > b->cfg_rate)
			b->rate = b->cfg_rate;
	}
	b->increase_ms = now;
}

/* The bucket's current rate. */
double
sched_bucket_rate(const struct sched_bucket *b)
{
	return b->rate;
}

/* Counters. */
void
sched_stats(const struct sched *s, struct sched_stats *st)
{
	*st = s->stats;
}

/* Parses "service.read=rate[/burst]" or "service.write=...". */
int
engine_limit_parse(const char *s, struct engine_limit *l, char **err)
{
	const char *dot = strchr(s, '.'), *eq = strchr(s, '=');
	char *end;

	memset(l, 0, sizeof(*l));
	if (dot == NULL || eq == NULL || dot > eq || dot == s ||
	    (size_t)(dot - s) >= sizeof(l->service)) {
		*err = fg_printf("limit \"%s\": expected SERVICE.read=RATE[/BURST] or "
		    "SERVICE.write=RATE[/BURST]", s);
		return -1;
	}
	memcpy(l->service, s, (size_t)(dot - s));
	if ((size_t)(eq - dot - 1) == 4 && strncmp(dot + 1, "read", 4) == 0)
		l->write = 0;
	else if ((size_t)(eq - dot - 1) == 5 && strncmp(dot + 1, "write", 5) == 0)
		l->write = 1;
	else {
		*err = fg_printf("limit \"%s\": the kind is read or write, not \"%.*s\"", s,
		    (int)(eq - dot - 1), dot + 1);
		return -1;
	}
	l->rate = strtod(eq + 1, &end);
	if (end == eq + 1 || !(l->rate > 0) || l->rate > 1e6) {
		*err = fg_printf("limit \"%s\": the rate is a number of calls per second above 0", s);
		return -1;
	}
	l->burst = l->rate;
	if (*end == '/') {
		const char *b = end + 1;

		l->burst = strtod(b, &end);
		if (end == b || !(l->burst >= 1) || l->burst > 1e6) {
			*err = fg_printf("limit \"%s\": the burst is a number of calls of at least 1", s);
			return -1;
		}
	}
	if (*end != '\0') {
		*err = fg_printf("limit \"%s\": unexpected \"%s\" after the number", s, end);
		return -1;
	}
	return 0;
}
