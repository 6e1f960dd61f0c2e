/* cmd-history.c: fugue history: the records of jobs and transitions, newest first. */
#include "config.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cmd.h"

#define LIMIT_MAX 1000

static const struct cmd_opt history_opts[] = {
	{ "end", 'e', "END", "only records up to END" },
	{ "limit", 'n', "N", "at most N records (1 to 1000; default 100)" },
	{ "start", 's', "START", "only records from START on" },
	CMD_OPT_END,
};

static const struct out_col history_cols[] = {
	{ "time", "Time", 1 },
	{ "fid", "FID", 0 },
	{ "kind", "Kind", 0 },
	{ "what", "What", 0 },
	{ "from", "From", 0 },
	{ "to", "To", 0 },
	{ "user", "User", 0 },
	{ "result", "Result", 0 },
	{ "message", "Message", 0 },
};

static const struct out_view history_view = {
	"records", OUT_ROWS, history_cols, FG_ARRAY_LEN(history_cols), "No history records.",
};

/* Whether s[0..n) are digits. */
static int
digits(const char *s, size_t n)
{
	return strspn(s, "0123456789") >= n;
}

/* A time option as RFC 3339: as given, a date (midnight UTC), or a duration before now
 * ("30s", "15m", "2h", "7d", "1w"). NULL with *err otherwise. */
static char *
time_arg(const char *opt, const char *s, char **err)
{
	static const struct {
		char unit;
		long secs;
	} units[] = { { 's', 1 }, { 'm', 60 }, { 'h', 3600 }, { 'd', 86400 }, { 'w', 604800 } };
	size_t n = strlen(s), i;
	char *end, out[32];
	struct tm tm;
	long long v;
	time_t t;

	if (n >= 20 && digits(s, 4) && s[4] == '-' && (s[10] == 'T' || s[10] == 't'))
		return fg_strdup(s);
	if (n == 10 && digits(s, 4) && s[4] == '-' && digits(s + 5, 2) && s[7] == '-' &&
	    digits(s + 8, 2))
		return fg_printf("%sT00:00:00Z", s);
	errno = 0;
	v = strtoll(s, &end, 10);
	for (i = 0; n > 1 && !errno && end != s && v >= 0 && v < 100000000LL &&
	    i < FG_ARRAY_LEN(units); i++) {
		if (end[0] != units[i].unit || end[1] != '\0')
			continue;
		t = fg_wall_time() - (time_t)(v * units[i].secs);
		gmtime_r(&t, &tm);
		strftime(out, sizeof(out), "%Y-%m-%dT%H:%M:%SZ", &tm);
		return fg_strdup(out);
	}
	*err = fg_printf("history: --%s takes an RFC 3339 time (2026-11-27T05:40:00Z), a date "
	    "(2026-11-27) or a time ago (30m, 2h, 7d), not \"%s\"", opt, s);
	return NULL;
}

/* Asks for the history and shows it. */
static int
history_exec(struct cmd_ctx *ctx)
{
	struct cmd_args *a = ctx->args;
	const char *lim = args_get(a, "limit");
	char *start = NULL, *end = NULL, *err = NULL, *stop;
	long long limit = 0;
	struct fg_jw w;
	int rc = EXIT_USAGE;

	if (lim) {
		errno = 0;
		limit = strtoll(lim, &stop, 10);
		if (errno || stop == lim || *stop || limit < 1 || limit > LIMIT_MAX) {
			cmd_error(ctx, "history: --limit takes a number from 1 to %d, not \"%s\"",
			    LIMIT_MAX, lim);
			return EXIT_USAGE;
		}
	}
	if ((args_has(a, "start") && (start = time_arg("start", args_get(a, "start"), &err)) ==
	    NULL) || (args_has(a, "end") && (end = time_arg("end", args_get(a, "end"), &err)) ==
	    NULL)) {
		cmd_error(ctx, "%s", err);
		free(err);
		goto out;
	}
	fg_jw_init(&w, 0);
	fg_jw_obj(&w);
	if (a->argc)
		fg_jw_kstr(&w, "process", a->argv[0]);
	if (start)
		fg_jw_kstr(&w, "start", start);
	if (end)
		fg_jw_kstr(&w, "end", end);
	if (limit)
		fg_jw_kint(&w, "limit", limit);
	fg_jw_end_obj(&w);
	rc = show_request(ctx, "history", 0, fg_jw_text(&w), &history_view, 1);
	fg_jw_free(&w);
out:
	free(start);
	free(end);
	return rc;
}

const struct cmd_entry cmd_history_entry = {
	.name = "history",
	.args = "[ALIAS|FID]",
	.summary = "show the history of every process, or of one",
	.help = "Lists the records of jobs, drift fixed and state transitions, newest first.\n"
	    "START and END are RFC 3339 times (2026-11-27T05:40:00Z), dates (2026-11-27, at\n"
	    "midnight UTC) or times ago (30s, 15m, 2h, 7d, 1w). A killed process keeps its\n"
	    "history: name it by FID.",
	.opts = history_opts,
	.min_args = 0,
	.max_args = 1,
	.exec = history_exec,
};
