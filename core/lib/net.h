/* net.h: client connections on an fg_loop (DNS, non-blocking connect, TLS), for http.c. */
#ifndef FUGUE_NET_H
#define FUGUE_NET_H

#include <stddef.h>
#include <stdint.h>

#include "base.h"
#include "http.h"

struct fg_net_conn;
struct fg_net_tls;

/* What a connection reports to its owner. After closed() nothing more is reported; the owner
 * still calls fg_net_close. Any callback may call fg_net_close on its own connection. */
struct fg_net_cbs {
	void (*connected)(void *arg);                    /* TCP (and TLS) is up */
	void (*data)(void *arg, const char *, size_t);   /* bytes arrived */
	/* The peer closed (err FG_HTTP_OK, msg NULL) or the connection failed: FG_HTTP_EDNS,
	 * ECONNECT, ETIMEOUT (connect or idle), ETLS or ERESET, with msg saying what happened. */
	void (*closed)(void *arg, enum fg_http_err err, const char *msg);
};

/* net.c */
/* A TLS client context: verification against ca_file (NULL: AWS_CA_BUNDLE, else the system
 * store) unless insecure. NULL with *err set (caller frees) when the CA file cannot be used. */
struct fg_net_tls *fg_net_tls_new(const char *ca_file, int insecure, char **err);
void fg_net_tls_free(struct fg_net_tls *);
/* Starts connecting to host:port (TLS when tls is not NULL); the connect timeout covers DNS,
 * TCP and the TLS handshake. Never calls back before it returns. */
struct fg_net_conn *fg_net_connect(struct fg_loop *, const char *host, int port,
    struct fg_net_tls *tls, uint32_t connect_timeout_ms, const struct fg_net_cbs *, void *arg);
/* Queues bytes to send (after connected()). */
void fg_net_write(struct fg_net_conn *, const void *, size_t);
/* Fails the connection with ETIMEOUT when no byte moves for ms (0: never). */
void fg_net_set_idle_timeout(struct fg_net_conn *, uint32_t ms);
/* Closes and frees the connection; no callback runs after this. */
void fg_net_close(struct fg_net_conn *);

#endif
