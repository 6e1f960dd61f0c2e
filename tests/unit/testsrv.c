/* testsrv.c: loopback helpers for unit tests: a local test server on a free port, a dead port. */
#include "config.h"

#include <arpa/inet.h>
#include <check.h>
#include <event2/http.h>
#include <netinet/in.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "testsrv.h"

/* Binds http to a free port on 127.0.0.1 and returns the port. */
int
testsrv_bind(struct evhttp *http)
{
	struct evhttp_bound_socket *s;
	struct sockaddr_in sin;
	socklen_t len = sizeof(sin);

	ck_assert_ptr_nonnull(http);
	s = evhttp_bind_socket_with_handle(http, "127.0.0.1", 0);
	ck_assert_ptr_nonnull(s);
	ck_assert_int_eq(getsockname(evhttp_bound_socket_get_fd(s), (struct sockaddr *)&sin, &len),
	    0);
	return ntohs(sin.sin_port);
}

/* A port on 127.0.0.1 where nothing listens: bound, read back, then closed. */
int
testsrv_closed_port(void)
{
	struct sockaddr_in sin;
	socklen_t len = sizeof(sin);
	int fd = socket(AF_INET, SOCK_STREAM, 0);

	memset(&sin, 0, sizeof(sin));
	sin.sin_family = AF_INET;
	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	ck_assert_int_eq(bind(fd, (struct sockaddr *)&sin, sizeof(sin)), 0);
	ck_assert_int_eq(getsockname(fd, (struct sockaddr *)&sin, &len), 0);
	close(fd);
	return ntohs(sin.sin_port);
}
