/* cmd-suspend.c: fugue suspend: stops enforcing a process (its resources stay). */
#include "config.h"

#include "cmd.h"

/* Suspends; shows the process. */
static int
suspend_exec(struct cmd_ctx *ctx)
{
	return show_process_command(ctx, "suspend", 0);
}

const struct cmd_entry cmd_suspend_entry = {
	.name = "suspend",
	.args = "ALIAS|FID",
	.summary = "stop enforcing a process; its resources stay as they are",
	.help = "The process becomes Suspended: the Conductor no longer puts back what drifts,\n"
	    "and leaves the resources alone until fugue resume.",
	.opts = NULL,
	.min_args = 1,
	.max_args = 1,
	.exec = suspend_exec,
};
