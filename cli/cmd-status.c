/* cmd-status.c: fugue status: every process, or one with its resources. */
#include "config.h"

#include <stdlib.h>

#include "cmd.h"

/* The list of processes. */
static const struct out_view list_view = {
	"processes", OUT_ROWS, show_process_cols, SHOW_PROCESS_NCOLS, "No processes.",
};

/* Asks for the status and shows it. */
static int
status_exec(struct cmd_ctx *ctx)
{
	char *args;
	int rc;

	if (ctx->args->argc == 0)
		return show_request(ctx, "status", 0, NULL, &list_view, 1);
	args = request_args("process", ctx->args->argv[0], NULL);
	rc = show_request(ctx, "status", 0, args, show_process_views, show_process_nviews);
	free(args);
	return rc;
}

const struct cmd_entry cmd_status_entry = {
	.name = "status",
	.args = "[ALIAS|FID]",
	.summary = "show every process, or one process with its resources",
	.help = "Without an argument, lists every process: State, Updated, Created, Account,\n"
	    "FID, Alias and Last Message. With one, shows that process and each of its\n"
	    "resources (logical id, type, physical id, status). An unknown process exits 3.",
	.opts = NULL,
	.min_args = 0,
	.max_args = 1,
	.exec = status_exec,
};
