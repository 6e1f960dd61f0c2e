/* cmd-run.c: fugue run: compiles a composition and runs it as a new process. */
#include "config.h"

#include "cmd.h"

static const struct cmd_opt run_opts[] = {
	{ "alias", 'a', "ALIAS", "name the process ALIAS (1 to 64 letters, digits, '.', '_', '-')" },
	{ "dry-run", 0, NULL, "show what the Conductor would create, and create nothing" },
	{ "werror", 0, NULL, "make compiler warnings errors" },
	CMD_OPT_END,
};

/* Compiles, uploads, runs; shows the new process. */
static int
run_exec(struct cmd_ctx *ctx)
{
	return compose_send(ctx, "run", ctx->args->argv[0], NULL, args_get(ctx->args, "alias"));
}

const struct cmd_entry cmd_run_entry = {
	.name = "run",
	.args = "FILE.lw",
	.summary = "compile a composition and run it as a new process",
	.help = "Compiles FILE.lw (as lwc does), uploads the compiled composition to the\n"
	    "Conductor's bucket and asks the Conductor to run it. The Conductor creates the\n"
	    "resources and then keeps them as declared (enforcement). Shows the new process.",
	.opts = run_opts,
	.min_args = 1,
	.max_args = 1,
	.exec = run_exec,
};
