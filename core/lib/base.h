/* base.h: the basics every part of libfugue-core uses: memory, buffers, headers, URLs, logging,
 * the event-loop facade, and the clock and randomness seams. */
#ifndef FUGUE_BASE_H
#define FUGUE_BASE_H

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

#define FG_PRINTF(f, a) __attribute__((format(printf, f, a)))
#define FG_NORETURN __attribute__((noreturn))
#define FG_ARRAY_LEN(a) (sizeof(a) / sizeof((a)[0]))

/* alloc.c */
void *fg_malloc(size_t);
void *fg_calloc(size_t, size_t);
void *fg_realloc(void *, size_t);
char *fg_strdup(const char *);
char *fg_strndup(const char *, size_t);
char *fg_printf(const char *, ...) FG_PRINTF(1, 2);
char *fg_vprintf(const char *, va_list) FG_PRINTF(1, 0);

/* buf.c */
struct fg_buf {
	char *data; /* always NUL-terminated once anything was added */
	size_t len;
	size_t cap;
};
void fg_buf_init(struct fg_buf *);
void fg_buf_free(struct fg_buf *);
void fg_buf_reset(struct fg_buf *);
void fg_buf_add(struct fg_buf *, const void *, size_t);
void fg_buf_addstr(struct fg_buf *, const char *);
void fg_buf_addc(struct fg_buf *, char);
void fg_buf_addf(struct fg_buf *, const char *, ...) FG_PRINTF(2, 3);
void fg_buf_vaddf(struct fg_buf *, const char *, va_list) FG_PRINTF(2, 0);
const char *fg_buf_cstr(struct fg_buf *);
char *fg_buf_detach(struct fg_buf *);

/* headers.c: an ordered list of HTTP header fields; names compare case-insensitively. */
struct fg_header {
	char *name;
	char *value;
};
struct fg_headers {
	struct fg_header *v;
	size_t n;
	size_t cap;
};
void fg_headers_init(struct fg_headers *);
void fg_headers_free(struct fg_headers *);
void fg_headers_add(struct fg_headers *, const char *, const char *);
void fg_headers_set(struct fg_headers *, const char *, const char *);
void fg_headers_del(struct fg_headers *, const char *);
const char *fg_headers_get(const struct fg_headers *, const char *);
void fg_headers_copy(struct fg_headers *, const struct fg_headers *);

/* url.c: absolute http(s) URLs and RFC 3986 percent-encoding. */
struct fg_url {
	char *scheme; /* "http" or "https", lower case */
	char *host;   /* without brackets for IPv6 */
	int port;     /* explicit or the scheme's default */
	char *path;   /* raw, starts with '/' */
	char *query;  /* raw, without '?', NULL when absent */
};
int fg_url_parse(const char *, struct fg_url *, char **err);
void fg_url_free(struct fg_url *);
int fg_url_default_port(const struct fg_url *);
/* Appends s percent-encoded: unreserved characters kept, '/' kept when keep_slash. */
void fg_uri_encode(struct fg_buf *, const char *s, size_t len, int keep_slash);
/* Decodes %XX (and '+' as space when plus_space); returns NULL on a bad escape. */
char *fg_uri_decode(const char *s, size_t len, int plus_space);
/* The value of one hex digit (either case), or -1. */
int fg_hexval(char c);

/* log.c: text on a tty, JSON lines otherwise; debug per subsystem. */
enum fg_log_format { FG_LOG_AUTO, FG_LOG_TEXT, FG_LOG_JSON };
void log_init(const char *progname, enum fg_log_format, int verbose);
/* Comma-separated subsystems ("http,sigv4"), "all" or NULL for none. */
void log_set_debug(const char *);
int log_debug_enabled(const char *subsystem);
void log_warn(const char *, ...) FG_PRINTF(1, 2);
void log_warnx(const char *, ...) FG_PRINTF(1, 2);
void log_info(const char *, ...) FG_PRINTF(1, 2);
void log_debug(const char *subsystem, const char *, ...) FG_PRINTF(2, 3);
void fatal(const char *, ...) FG_PRINTF(1, 2) FG_NORETURN;
void fatalx(const char *, ...) FG_PRINTF(1, 2) FG_NORETURN;
/* Rate-limited warning: at most one line per interval per limiter, with a count of the rest. */
struct log_limit {
	uint64_t last_ms;
	unsigned suppressed;
	unsigned interval_ms;
};
#define LOG_LIMIT_INIT(ms) { 0, 0, (ms) }
void log_warnx_limited(struct log_limit *, const char *, ...) FG_PRINTF(2, 3);
/* Where lines go (default stderr); tests point it at a file. */
void log_set_stream(void *FILE_stream);

/* clock.c: the clock and randomness seams; tests replace them. */
struct fg_clock_ops {
	uint64_t (*mono_ms)(void *); /* monotonic milliseconds */
	int64_t (*wall_ms)(void *);  /* Unix time in milliseconds */
	void (*random)(void *, void *buf, size_t len);
	void *arg;
};
void fg_clock_set(const struct fg_clock_ops *); /* NULL restores the real ones */
uint64_t fg_mono_ms(void);
int64_t fg_wall_ms(void);
time_t fg_wall_time(void);
void fg_random_bytes(void *, size_t);
uint32_t fg_random_u32(void);
double fg_random_unit(void); /* [0, 1) */

/* event.c: the facade over libevent; only event glue files include <event2/...>. */
struct fg_loop;
struct fg_timer;
struct fg_signal;
struct fg_loop *fg_loop_new(void);
void fg_loop_free(struct fg_loop *);
int fg_loop_run(struct fg_loop *); /* until no events are left or fg_loop_exit */
void fg_loop_exit(struct fg_loop *);
void *fg_loop_event_base(struct fg_loop *); /* struct event_base *, for event glue */
void *fg_loop_dns_base(struct fg_loop *);   /* struct evdns_base *, created on first use */
struct fg_timer *fg_timer_new(struct fg_loop *, void (*)(void *), void *);
void fg_timer_add(struct fg_timer *, uint64_t ms);
void fg_timer_del(struct fg_timer *);
int fg_timer_pending(const struct fg_timer *);
void fg_timer_free(struct fg_timer *);
struct fg_signal *fg_signal_new(struct fg_loop *, int signo, void (*)(int, void *), void *);
void fg_signal_free(struct fg_signal *);

#endif
