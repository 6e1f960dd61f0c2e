/* log.c: logging, as text on a tty and as JSON lines otherwise, with per-subsystem debug. */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base.h"

static const char *log_prog = "fugue";
static int log_json;
static int log_verbose;
static char *log_debug_spec;
static FILE *log_out;

/* Sets the program name, the format (auto: text on a tty) and verbosity (>0 shows info). */
void
log_init(const char *progname, enum fg_log_format fmt, int verbose)
{
	log_prog = progname;
	log_verbose = verbose;
	if (fmt == FG_LOG_AUTO)
		log_json = !isatty(fileno(log_out ? log_out : stderr));
	else
		log_json = fmt == FG_LOG_JSON;
}

/* Directs log lines to another stream (a FILE *). */
void
log_set_stream(void *stream)
{
	log_out = stream;
}

/* Enables debug lines for a comma-separated list of subsystems, "all", or none (NULL). */
void
log_set_debug(const char *spec)
{
	free(log_debug_spec);
	log_debug_spec = spec && *spec ? fg_strdup(spec) : NULL;
}

/* Says whether debug lines of this subsystem are shown. */
int
log_debug_enabled(const char *sub)
{
	const char *p = log_debug_spec;
	size_t n = strlen(sub);

	if (p == NULL)
		return 0;
	while (*p) {
		size_t len = strcspn(p, ",");

		if ((len == 3 && strncmp(p, "all", 3) == 0) || (len == n && strncmp(p, sub, n) == 0))
			return 1;
		p += len;
		if (*p == ',')
			p++;
	}
	return 0;
}

/* Appends s as a JSON string literal. */
static void
json_quote(struct fg_buf *b, const char *s)
{
	fg_buf_addc(b, '"');
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;

		if (c == '"' || c == '\\')
			fg_buf_addf(b, "\\%c", c);
		else if (c == '\n')
			fg_buf_addstr(b, "\\n");
		else if (c < 0x20)
			fg_buf_addf(b, "\\u%04x", c);
		else
			fg_buf_addc(b, (char)c);
	}
	fg_buf_addc(b, '"');
}

static void log_emit(const char *, const char *, int, const char *, va_list) FG_PRINTF(4, 0);

/* Writes one line at a level, with an optional subsystem and errno text. */
static void
log_emit(const char *level, const char *sub, int err, const char *fmt, va_list ap)
{
	struct fg_buf msg, line;
	FILE *out = log_out ? log_out : stderr;

	fg_buf_init(&msg);
	fg_buf_vaddf(&msg, fmt, ap);
	if (err)
		fg_buf_addf(&msg, ": %s", strerror(err));
	fg_buf_init(&line);
	if (log_json) {
		int64_t ms = fg_wall_ms();
		time_t t = (time_t)(ms / 1000);
		struct tm tm;
		char ts[32];

		gmtime_r(&t, &tm);
		strftime(ts, sizeof(ts), "%Y-%m-%dT%H:%M:%S", &tm);
		fg_buf_addf(&line, "{\"time\":\"%s.%03dZ\",\"level\":\"%s\",\"prog\":", ts,
		    (int)(ms % 1000), level);
		json_quote(&line, log_prog);
		if (sub) {
			fg_buf_addstr(&line, ",\"subsystem\":");
			json_quote(&line, sub);
		}
		fg_buf_addstr(&line, ",\"msg\":");
		json_quote(&line, fg_buf_cstr(&msg));
		fg_buf_addstr(&line, "}\n");
	} else {
		fg_buf_addf(&line, "%s: ", log_prog);
		if (strcmp(level, "info") != 0)
			fg_buf_addf(&line, "%s: ", level);
		if (sub)
			fg_buf_addf(&line, "[%s] ", sub);
		fg_buf_addf(&line, "%s\n", fg_buf_cstr(&msg));
	}
	fwrite(line.data, 1, line.len, out);
	fflush(out);
	fg_buf_free(&line);
	fg_buf_free(&msg);
}

#define LOG_BODY(level, sub, err)                \
	do {                                     \
		va_list ap;                      \
		va_start(ap, fmt);               \
		log_emit(level, sub, err, fmt, ap); \
		va_end(ap);                      \
	} while (0)

/* Warns, adding the text of errno. */
void
log_warn(const char *fmt, ...)
{
	int err = errno;

	LOG_BODY("warning", NULL, err);
}

/* Warns. */
void
log_warnx(const char *fmt, ...)
{
	LOG_BODY("warning", NULL, 0);
}

/* Informs, when verbose. */
void
log_info(const char *fmt, ...)
{
	if (log_verbose > 0)
		LOG_BODY("info", NULL, 0);
}

/* Writes a debug line when its subsystem is enabled. */
void
log_debug(const char *sub, const char *fmt, ...)
{
	if (log_debug_enabled(sub))
		LOG_BODY("debug", sub, 0);
}

/* Logs with errno and exits. */
void
fatal(const char *fmt, ...)
{
	int err = errno;

	LOG_BODY("fatal", NULL, err);
	exit(1);
}

/* Logs and exits. */
void
fatalx(const char *fmt, ...)
{
	LOG_BODY("fatal", NULL, 0);
	exit(1);
}

/* Warns at most once per interval, then says how many were held back. */
void
log_warnx_limited(struct log_limit *l, const char *fmt, ...)
{
	uint64_t now = fg_mono_ms();

	if (l->last_ms != 0 && now - l->last_ms < l->interval_ms) {
		l->suppressed++;
		return;
	}
	if (l->suppressed)
		log_warnx("(%u similar messages suppressed)", l->suppressed);
	l->last_ms = now ? now : 1;
	l->suppressed = 0;
	LOG_BODY("warning", NULL, 0);
}
