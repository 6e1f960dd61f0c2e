/* cmd-kill.c: fugue kill: deletes a process's resources, then the process. */
#include "config.h"

#include "cmd.h"

static const struct cmd_opt kill_opts[] = {
	{ "dry-run", 0, NULL, "show what the Conductor would delete, and delete nothing" },
	CMD_OPT_END,
};

/* Asks on a terminal (unless -y), kills; shows the process (Killing). */
static int
kill_exec(struct cmd_ctx *ctx)
{
	const char *name = ctx->args->argv[0];
	int dry_run = args_has(ctx->args, "dry-run");

	if (!dry_run && !ctx->args->yes && ctx->interactive &&
	    !cmd_confirm(ctx, "Kill process %s? The Conductor deletes every resource it created "
	    "for it.", name)) {
		cmd_error(ctx, "kill: not confirmed; nothing done");
		return EXIT_ERROR;
	}
	return show_process_command(ctx, "kill", dry_run);
}

const struct cmd_entry cmd_kill_entry = {
	.name = "kill",
	.args = "ALIAS|FID",
	.summary = "delete a process's resources, then the process",
	.help = "The process becomes Killing: the Conductor deletes its resources, children\n"
	    "first, and then forgets the process (its history stays). On a terminal, fugue asks\n"
	    "first unless -y is given.",
	.opts = kill_opts,
	.min_args = 1,
	.max_args = 1,
	.exec = kill_exec,
};
