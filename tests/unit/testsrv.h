/* testsrv.h: loopback helpers for unit tests: a local test server (evhttp) on a free port, and
 * a port where nothing listens. */
#ifndef FUGUE_TEST_TESTSRV_H
#define FUGUE_TEST_TESTSRV_H

struct evhttp;

/* Binds http to a free port on 127.0.0.1 and returns the port; fails the test when it cannot. */
int testsrv_bind(struct evhttp *http);
/* A port on 127.0.0.1 where nothing listens. */
int testsrv_closed_port(void);

#endif
