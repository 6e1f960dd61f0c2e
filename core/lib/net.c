/* net.c: event glue for client connections: evdns, non-blocking connect, bufferevents, OpenSSL. */
#include "config.h"

#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <event2/buffer.h>
#include <event2/bufferevent.h>
#include <event2/bufferevent_ssl.h>
#include <event2/dns.h>
#include <event2/event.h>
#include <event2/util.h>
#include <openssl/err.h>
#include <openssl/ssl.h>
#include <openssl/x509v3.h>

#include "net.h"

struct fg_net_tls {
	SSL_CTX *ctx;
	int insecure;
};

enum phase {
	PH_RESOLVE,   /* waiting to start, or for evdns */
	PH_CONNECT,   /* TCP connect in progress */
	PH_HANDSHAKE, /* TLS handshake in progress */
	PH_OPEN,      /* bytes flow */
	PH_CLOSED,    /* closed() was reported */
};

struct fg_net_conn {
	struct fg_loop *loop;
	char *host;
	char *name; /* "host:port", for messages */
	int port;
	int numeric; /* host is an IP address literal */
	struct fg_net_tls *tls;
	uint32_t connect_timeout_ms;
	struct fg_net_cbs cbs;
	void *arg;
	enum phase phase;
	struct event *step;  /* the start, then the wait for each connect attempt */
	struct event *timer; /* connect timeout */
	struct event *later; /* replays what libevent reported while the owner was calling us */
	int in_api;          /* the owner is inside fg_net_write */
	int later_read;
	short later_what;
	int later_errno;
	struct evdns_getaddrinfo_request *dns;
	int dns_pending;     /* evdns will still call back, even after fg_net_close */
	struct evutil_addrinfo *addrs, *next_addr;
	int fd;              /* the socket until a bufferevent owns it */
	int last_errno;
	struct bufferevent *bev;
	uint32_t idle_ms;
	int busy;            /* depth of net.c callbacks running for this connection */
	int freed;           /* fg_net_close was called */
};

/* Marks the start of a callback: the connection stays allocated until leave(). */
static void
enter(struct fg_net_conn *c)
{
	c->busy++;
}

/* Ends a callback; frees the connection if it was closed meanwhile. */
static void
leave(struct fg_net_conn *c)
{
	if (--c->busy > 0 || !c->freed || c->dns_pending)
		return;
	free(c->host);
	free(c->name);
	free(c);
}

/* Reports the end of the connection to the owner, once. */
static void
report(struct fg_net_conn *c, enum fg_http_err err, const char *msg)
{
	if (c->phase == PH_CLOSED || c->freed)
		return;
	c->phase = PH_CLOSED;
	event_del(c->timer);
	if (c->step)
		event_del(c->step);
	if (c->bev)
		bufferevent_disable(c->bev, EV_READ | EV_WRITE);
	if (err == FG_HTTP_OK)
		log_debug("http", "%s: closed by the peer", c->name);
	else
		log_debug("http", "%s: %s", c->name, msg);
	c->cbs.closed(c->arg, err, msg);
}

/* Reports a formatted error. */
static void
reportf(struct fg_net_conn *c, enum fg_http_err err, const char *fmt, ...) FG_PRINTF(3, 4);

static void
reportf(struct fg_net_conn *c, enum fg_http_err err, const char *fmt, ...)
{
	va_list ap;
	char *msg;

	va_start(ap, fmt);
	msg = fg_vprintf(fmt, ap);
	va_end(ap);
	report(c, err, msg);
	free(msg);
}

/* Creates a TLS client context; see net.h. */
struct fg_net_tls *
fg_net_tls_new(const char *ca_file, int insecure, char **err)
{
	struct fg_net_tls *t = fg_calloc(1, sizeof(*t));
	const char *env = getenv("AWS_CA_BUNDLE");
	char ebuf[256];

	t->insecure = insecure;
	t->ctx = SSL_CTX_new(TLS_client_method());
	if (t->ctx == NULL)
		fatalx("SSL_CTX_new failed");
	SSL_CTX_set_min_proto_version(t->ctx, TLS1_2_VERSION);
	if (insecure) {
		SSL_CTX_set_verify(t->ctx, SSL_VERIFY_NONE, NULL);
		return t;
	}
	SSL_CTX_set_verify(t->ctx, SSL_VERIFY_PEER, NULL);
	if (ca_file == NULL && env != NULL && *env != '\0')
		ca_file = env;
	if (ca_file ? SSL_CTX_load_verify_locations(t->ctx, ca_file, NULL) == 1 :
	    SSL_CTX_set_default_verify_paths(t->ctx) == 1) {
		log_debug("http", "TLS: trusting %s", ca_file ? ca_file : "the system CA store");
		return t;
	}
	ERR_error_string_n(ERR_get_error(), ebuf, sizeof(ebuf));
	ERR_clear_error();
	*err = ca_file ? fg_printf("cannot load the CA bundle %s: %s", ca_file, ebuf) :
	    fg_printf("cannot load the system CA store: %s", ebuf);
	fg_net_tls_free(t);
	return NULL;
}

/* Frees a TLS context; connections made with it must be closed. */
void
fg_net_tls_free(struct fg_net_tls *t)
{
	if (t == NULL)
		return;
	SSL_CTX_free(t->ctx);
	free(t);
}

/* Describes why a TLS handshake failed (caller frees). */
static char *
tls_error(struct fg_net_conn *c, short what, int sockerr)
{
	SSL *ssl = bufferevent_openssl_get_ssl(c->bev);
	unsigned long e, last = 0;
	long vr = SSL_get_verify_result(ssl);
	char buf[256];

	while ((e = bufferevent_get_openssl_error(c->bev)) != 0)
		last = e;
	if (vr != X509_V_OK)
		return fg_printf("TLS handshake with %s failed: certificate verification: %s",
		    c->name, X509_verify_cert_error_string(vr));
	if (last) {
		ERR_error_string_n(last, buf, sizeof(buf));
		return fg_printf("TLS handshake with %s failed: %s", c->name, buf);
	}
	if ((what & BEV_EVENT_EOF) || sockerr == 0)
		return fg_printf("TLS handshake with %s failed: connection closed by the peer",
		    c->name);
	return fg_printf("TLS handshake with %s failed: %s", c->name, strerror(sockerr));
}

/* Bytes arrived: hands all of them to the owner as one piece. */
static void
on_read(struct bufferevent *bev, void *arg)
{
	struct fg_net_conn *c = arg;
	struct evbuffer *in = bufferevent_get_input(bev);
	size_t n = evbuffer_get_length(in);

	if (c->in_api) {
		c->later_read = 1;
		event_active(c->later, EV_TIMEOUT, 0);
		return;
	}
	if (n == 0 || c->phase != PH_OPEN)
		return;
	enter(c);
	/* One contiguous piece: the owner sees everything that arrived (a read is a few KiB). */
	c->cbs.data(c->arg, (const char *)evbuffer_pullup(in, -1), n);
	if (!c->freed)
		evbuffer_drain(in, n);
	leave(c);
}

/* The handshake finished, the peer closed, a timeout hit or the socket failed. */
static void
on_event(struct bufferevent *bev, short what, void *arg)
{
	struct fg_net_conn *c = arg;
	int sockerr = EVUTIL_SOCKET_ERROR();

	(void)bev;
	if (c->in_api) {
		c->later_what |= what;
		c->later_errno = sockerr;
		event_active(c->later, EV_TIMEOUT, 0);
		return;
	}
	enter(c);
	if (c->phase == PH_HANDSHAKE && (what & BEV_EVENT_CONNECTED)) {
		c->phase = PH_OPEN;
		event_del(c->timer);
		log_debug("http", "%s: TLS established (%s)", c->name,
		    SSL_get_version(bufferevent_openssl_get_ssl(c->bev)));
		c->cbs.connected(c->arg);
	} else if (c->phase == PH_HANDSHAKE && (what & (BEV_EVENT_ERROR | BEV_EVENT_EOF))) {
		char *msg = tls_error(c, what, sockerr);

		report(c, FG_HTTP_ETLS, msg);
		free(msg);
	} else if (what & BEV_EVENT_TIMEOUT) {
		reportf(c, FG_HTTP_ETIMEOUT, "%s %s for %u ms", (what & BEV_EVENT_WRITING) ?
		    "could not send to" : "no data from", c->name, c->idle_ms);
	} else if (what & BEV_EVENT_EOF)
		report(c, FG_HTTP_OK, NULL);
	else if (what & BEV_EVENT_ERROR) {
		unsigned long e, last = 0;
		char buf[256];

		while (c->tls && (e = bufferevent_get_openssl_error(c->bev)) != 0)
			last = e;
		if (last) {
			ERR_error_string_n(last, buf, sizeof(buf));
			reportf(c, FG_HTTP_ERESET, "TLS error on %s: %s", c->name, buf);
		} else
			reportf(c, FG_HTTP_ERESET, "connection to %s failed: %s", c->name,
			    sockerr ? strerror(sockerr) : "reset");
	}
	leave(c);
}

/* TCP is up: wraps the socket in a bufferevent (TLS or plain). */
static void
start_stream(struct fg_net_conn *c)
{
	struct event_base *base = fg_loop_event_base(c->loop);
	int one = 1;

	setsockopt(c->fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
	if (c->tls) {
		SSL *ssl = SSL_new(c->tls->ctx);

		if (ssl == NULL)
			fatalx("SSL_new failed");
		if (!c->numeric)
			SSL_set_tlsext_host_name(ssl, c->host);
		if (!c->tls->insecure) {
			SSL_set_hostflags(ssl, X509_CHECK_FLAG_NO_PARTIAL_WILDCARDS);
			if (c->numeric ? !X509_VERIFY_PARAM_set1_ip_asc(SSL_get0_param(ssl), c->host) :
			    !SSL_set1_host(ssl, c->host))
				fatalx("cannot set the TLS peer name %s", c->host);
		}
		c->bev = bufferevent_openssl_socket_new(base, c->fd, ssl,
		    BUFFEREVENT_SSL_CONNECTING, BEV_OPT_CLOSE_ON_FREE);
		if (c->bev == NULL)
			fatalx("bufferevent_openssl_socket_new failed");
		/* Servers often close without close_notify; the body framing tells truncation. */
		bufferevent_openssl_set_allow_dirty_shutdown(c->bev, 1);
		c->phase = PH_HANDSHAKE;
	} else {
		c->bev = bufferevent_socket_new(base, c->fd, BEV_OPT_CLOSE_ON_FREE);
		if (c->bev == NULL)
			fatalx("bufferevent_socket_new failed");
		c->phase = PH_OPEN;
	}
	c->fd = -1;
	bufferevent_setcb(c->bev, on_read, NULL, on_event, c);
	bufferevent_enable(c->bev, EV_READ | EV_WRITE);
	if (c->phase == PH_OPEN) {
		event_del(c->timer);
		c->cbs.connected(c->arg);
	}
}

/* Delivers what libevent reported while the owner was inside fg_net_write (an OpenSSL write
 * can fail at once), so the owner is never called back from its own call. */
static void
on_later(evutil_socket_t fd, short what, void *arg)
{
	struct fg_net_conn *c = arg;

	(void)fd;
	(void)what;
	enter(c);
	if (c->later_read && !c->freed) {
		c->later_read = 0;
		on_read(c->bev, c);
	}
	if (c->later_what && !c->freed) {
		short w = c->later_what;

		c->later_what = 0;
		EVUTIL_SET_SOCKET_ERROR(c->later_errno);
		on_event(c->bev, w, c);
	}
	leave(c);
}

static void try_connect(struct fg_net_conn *);

/* A non-blocking connect finished: on to the stream, or to the next address. */
static void
on_connect_ready(evutil_socket_t fd, short what, void *arg)
{
	struct fg_net_conn *c = arg;
	int err = 0;
	socklen_t len = sizeof(err);

	(void)what;
	enter(c);
	event_free(c->step);
	c->step = NULL;
	if (getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &len) != 0)
		err = errno;
	if (err == 0) {
		log_debug("http", "%s: connected", c->name);
		start_stream(c);
	} else {
		close(c->fd);
		c->fd = -1;
		c->last_errno = err;
		try_connect(c);
	}
	leave(c);
}

/* Starts a connect to the next address; reports ECONNECT when none is left. */
static void
try_connect(struct fg_net_conn *c)
{
	for (; c->next_addr; c->next_addr = c->next_addr->ai_next) {
		struct evutil_addrinfo *a = c->next_addr;
		int fd = socket(a->ai_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);

		if (fd < 0) {
			c->last_errno = errno;
			continue;
		}
		if (connect(fd, a->ai_addr, a->ai_addrlen) == 0 || errno == EINPROGRESS) {
			c->fd = fd;
			c->next_addr = a->ai_next;
			c->phase = PH_CONNECT;
			c->step = event_new(fg_loop_event_base(c->loop), fd, EV_WRITE,
			    on_connect_ready, c);
			if (c->step == NULL)
				fatalx("event_new failed");
			event_add(c->step, NULL);
			return;
		}
		c->last_errno = errno;
		close(fd);
	}
	reportf(c, FG_HTTP_ECONNECT, "cannot connect to %s: %s", c->name,
	    strerror(c->last_errno ? c->last_errno : ENETUNREACH));
}

/* evdns answered (or the lookup was cancelled by fg_net_close). */
static void
on_resolved(int result, struct evutil_addrinfo *res, void *arg)
{
	struct fg_net_conn *c = arg;

	enter(c);
	c->dns_pending = 0;
	c->dns = NULL;
	if (c->freed || c->phase != PH_RESOLVE) {
		if (res)
			evutil_freeaddrinfo(res);
	} else if (result != 0)
		reportf(c, FG_HTTP_EDNS, "cannot resolve %s: %s", c->host,
		    evutil_gai_strerror(result));
	else {
		log_debug("http", "%s: resolved", c->name);
		c->addrs = c->next_addr = res;
		try_connect(c);
	}
	leave(c);
}

/* First step, run from the loop: resolves (numeric hosts without DNS) and connects. */
static void
on_start(evutil_socket_t fd, short what, void *arg)
{
	struct fg_net_conn *c = arg;
	struct evutil_addrinfo hints;
	struct evdns_getaddrinfo_request *req;
	char port[16];

	(void)fd;
	(void)what;
	enter(c);
	event_free(c->step);
	c->step = NULL;
	memset(&hints, 0, sizeof(hints));
	hints.ai_family = AF_UNSPEC;
	hints.ai_socktype = SOCK_STREAM;
	hints.ai_protocol = IPPROTO_TCP;
	snprintf(port, sizeof(port), "%d", c->port);
	if (c->numeric) {
		hints.ai_flags = EVUTIL_AI_NUMERICHOST | EVUTIL_AI_NUMERICSERV;
		if (evutil_getaddrinfo(c->host, port, &hints, &c->addrs) != 0)
			reportf(c, FG_HTTP_EDNS, "bad address %s", c->host);
		else {
			c->next_addr = c->addrs;
			try_connect(c);
		}
	} else {
		/* evdns may answer at once (hosts file) and call back before returning. */
		c->dns_pending = 1;
		req = evdns_getaddrinfo(fg_loop_dns_base(c->loop), c->host, port, &hints,
		    on_resolved, c);
		if (c->dns_pending)
			c->dns = req;
	}
	leave(c);
}

/* The connect timeout fired. */
static void
on_connect_timeout(evutil_socket_t fd, short what, void *arg)
{
	struct fg_net_conn *c = arg;
	static const char *const what_phase[] = { "resolving", "connecting", "in the TLS handshake",
		"", "" };

	(void)fd;
	(void)what;
	enter(c);
	reportf(c, FG_HTTP_ETIMEOUT, "connecting to %s timed out after %u ms (%s)", c->name,
	    c->connect_timeout_ms, what_phase[c->phase]);
	leave(c);
}

/* Says whether host is an IPv4 or IPv6 address literal. */
static int
is_numeric(const char *host)
{
	unsigned char addr[16];

	return evutil_inet_pton(AF_INET, host, addr) == 1 ||
	    evutil_inet_pton(AF_INET6, host, addr) == 1;
}

/* Starts a connection; see net.h. */
struct fg_net_conn *
fg_net_connect(struct fg_loop *loop, const char *host, int port, struct fg_net_tls *tls,
    uint32_t connect_timeout_ms, const struct fg_net_cbs *cbs, void *arg)
{
	struct event_base *base = fg_loop_event_base(loop);
	struct fg_net_conn *c = fg_calloc(1, sizeof(*c));
	static int sigpipe_checked;

	/* A write to a socket the peer closed must fail with EPIPE, not kill the process. */
	if (!sigpipe_checked) {
		struct sigaction sa;

		sigpipe_checked = 1;
		if (sigaction(SIGPIPE, NULL, &sa) == 0 && sa.sa_handler == SIG_DFL) {
			memset(&sa, 0, sizeof(sa));
			sa.sa_handler = SIG_IGN;
			sigaction(SIGPIPE, &sa, NULL);
		}
	}
	c->loop = loop;
	c->host = fg_strdup(host);
	c->port = port;
	c->numeric = is_numeric(host);
	c->name = strchr(host, ':') ? fg_printf("[%s]:%d", host, port) :
	    fg_printf("%s:%d", host, port);
	c->tls = tls;
	c->connect_timeout_ms = connect_timeout_ms;
	c->cbs = *cbs;
	c->arg = arg;
	c->fd = -1;
	c->phase = PH_RESOLVE;
	c->timer = evtimer_new(base, on_connect_timeout, c);
	c->step = evtimer_new(base, on_start, c);
	c->later = evtimer_new(base, on_later, c);
	if (c->timer == NULL || c->step == NULL || c->later == NULL)
		fatalx("evtimer_new failed");
	if (connect_timeout_ms) {
		struct timeval tv = { (time_t)(connect_timeout_ms / 1000),
			(suseconds_t)(connect_timeout_ms % 1000) * 1000 };

		evtimer_add(c->timer, &tv);
	}
	event_active(c->step, EV_TIMEOUT, 0);
	log_debug("http", "%s: connecting%s", c->name, tls ? " (TLS)" : "");
	return c;
}

/* Queues bytes to send. */
void
fg_net_write(struct fg_net_conn *c, const void *p, size_t n)
{
	if (c->phase != PH_OPEN)
		fatalx("fg_net_write on %s before it is open", c->name);
	c->in_api++;
	if (bufferevent_write(c->bev, p, n) != 0)
		fatalx("bufferevent_write failed");
	c->in_api--;
}

/* Sets the read and write inactivity timeout of an open connection. */
void
fg_net_set_idle_timeout(struct fg_net_conn *c, uint32_t ms)
{
	struct timeval tv = { (time_t)(ms / 1000), (suseconds_t)(ms % 1000) * 1000 };

	c->idle_ms = ms;
	if (c->bev == NULL)
		return;
	if (ms)
		bufferevent_set_timeouts(c->bev, &tv, &tv);
	else
		bufferevent_set_timeouts(c->bev, NULL, NULL);
}

/* Closes the connection; the struct goes when no callback of ours runs and evdns let go. */
void
fg_net_close(struct fg_net_conn *c)
{
	if (c == NULL || c->freed)
		return;
	c->freed = 1;
	if (c->bev)
		bufferevent_free(c->bev);
	c->bev = NULL;
	if (c->fd >= 0)
		close(c->fd);
	c->fd = -1;
	if (c->step)
		event_free(c->step);
	c->step = NULL;
	event_free(c->timer);
	c->timer = NULL;
	event_free(c->later);
	c->later = NULL;
	if (c->addrs)
		evutil_freeaddrinfo(c->addrs);
	c->addrs = c->next_addr = NULL;
	if (c->dns) {
		evdns_getaddrinfo_cancel(c->dns);
		c->dns = NULL;
	}
	enter(c);
	leave(c);
}
