/* cmd-update.c: fugue update: gives a running process a new composition. */
#include "config.h"

#include "cmd.h"

static const struct cmd_opt update_opts[] = {
	{ "dry-run", 0, NULL, "show what the Conductor would change, and change nothing" },
	{ "werror", 0, NULL, "make compiler warnings errors" },
	CMD_OPT_END,
};

/* Compiles, uploads, updates; shows the process. */
static int
update_exec(struct cmd_ctx *ctx)
{
	return compose_send(ctx, "update", ctx->args->argv[1], ctx->args->argv[0], NULL);
}

const struct cmd_entry cmd_update_entry = {
	.name = "update",
	.args = "ALIAS|FID FILE.lw",
	.summary = "give a running process a new composition",
	.help = "Compiles FILE.lw, uploads it and asks the Conductor to make the process's\n"
	    "resources match it: new ones are created, changed ones updated (or replaced when a\n"
	    "property cannot change in place), and those no longer declared deleted.",
	.opts = update_opts,
	.min_args = 2,
	.max_args = 2,
	.exec = update_exec,
};
