/* event.c: the facade over libevent's event_base: loop, timers, signals and DNS. */
#include "config.h"

#include <event2/dns.h>
#include <event2/event.h>
#include <stdlib.h>

#include "base.h"

struct fg_loop {
	struct event_base *base;
	struct evdns_base *dns;
};

struct fg_timer {
	struct event *ev;
	void (*cb)(void *);
	void *arg;
};

struct fg_signal {
	struct event *ev;
	void (*cb)(int, void *);
	void *arg;
};

/* Routes libevent's own messages into our log. */
static void
libevent_log(int severity, const char *msg)
{
	if (severity >= EVENT_LOG_WARN)
		log_warnx("libevent: %s", msg);
	else
		log_debug("event", "%s", msg);
}

/* Creates a loop. */
struct fg_loop *
fg_loop_new(void)
{
	struct fg_loop *l = fg_calloc(1, sizeof(*l));

	event_set_log_callback(libevent_log);
	l->base = event_base_new();
	if (l->base == NULL)
		fatalx("event_base_new failed");
	return l;
}

/* Frees the loop; every timer, signal and connection on it must be gone. */
void
fg_loop_free(struct fg_loop *l)
{
	if (l == NULL)
		return;
	if (l->dns)
		evdns_base_free(l->dns, 1);
	event_base_free(l->base);
	free(l);
}

/* Runs until no event is left or fg_loop_exit is called. */
int
fg_loop_run(struct fg_loop *l)
{
	return event_base_dispatch(l->base);
}

/* Makes fg_loop_run return after the current callbacks. */
void
fg_loop_exit(struct fg_loop *l)
{
	event_base_loopbreak(l->base);
}

/* The struct event_base, for event glue files. */
void *
fg_loop_event_base(struct fg_loop *l)
{
	return l->base;
}

/* The struct evdns_base, created with the system resolver settings on first use. */
void *
fg_loop_dns_base(struct fg_loop *l)
{
	if (l->dns == NULL) {
		l->dns = evdns_base_new(l->base, EVDNS_BASE_INITIALIZE_NAMESERVERS |
		    EVDNS_BASE_DISABLE_WHEN_INACTIVE);
		if (l->dns == NULL)
			fatalx("evdns_base_new failed: cannot read /etc/resolv.conf");
	}
	return l->dns;
}

/* Calls the timer's callback. */
static void
timer_fire(evutil_socket_t fd, short what, void *arg)
{
	struct fg_timer *t = arg;

	(void)fd;
	(void)what;
	t->cb(t->arg);
}

/* Creates an unarmed timer. */
struct fg_timer *
fg_timer_new(struct fg_loop *l, void (*cb)(void *), void *arg)
{
	struct fg_timer *t = fg_calloc(1, sizeof(*t));

	t->cb = cb;
	t->arg = arg;
	t->ev = evtimer_new(l->base, timer_fire, t);
	if (t->ev == NULL)
		fatalx("evtimer_new failed");
	return t;
}

/* Arms (or re-arms) the timer to fire once after ms milliseconds. */
void
fg_timer_add(struct fg_timer *t, uint64_t ms)
{
	struct timeval tv = { (time_t)(ms / 1000), (suseconds_t)(ms % 1000) * 1000 };

	evtimer_add(t->ev, &tv);
}

/* Disarms the timer. */
void
fg_timer_del(struct fg_timer *t)
{
	evtimer_del(t->ev);
}

/* Says whether the timer is armed. */
int
fg_timer_pending(const struct fg_timer *t)
{
	return evtimer_pending(t->ev, NULL);
}

/* Disarms and frees the timer; NULL is allowed. */
void
fg_timer_free(struct fg_timer *t)
{
	if (t == NULL)
		return;
	event_free(t->ev);
	free(t);
}

/* Calls the signal's callback. */
static void
signal_fire(evutil_socket_t fd, short what, void *arg)
{
	struct fg_signal *s = arg;

	(void)what;
	s->cb((int)fd, s->arg);
}

/* Watches a signal as an event until freed. */
struct fg_signal *
fg_signal_new(struct fg_loop *l, int signo, void (*cb)(int, void *), void *arg)
{
	struct fg_signal *s = fg_calloc(1, sizeof(*s));

	s->cb = cb;
	s->arg = arg;
	s->ev = evsignal_new(l->base, signo, signal_fire, s);
	if (s->ev == NULL || evsignal_add(s->ev, NULL) != 0)
		fatalx("cannot watch signal %d", signo);
	return s;
}

/* Stops watching and frees; NULL is allowed. */
void
fg_signal_free(struct fg_signal *s)
{
	if (s == NULL)
		return;
	event_free(s->ev);
	free(s);
}
