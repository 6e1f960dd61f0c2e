/* cmd-help.c: fugue help: the help of the program or of a command. */
#include "config.h"

#include "cmd.h"

/* Prints the help asked for. */
static int
help_exec(struct cmd_ctx *ctx)
{
	const struct cmd_entry *e;

	if (ctx->args->argc == 0) {
		cmd_main_help(ctx->outf);
		return EXIT_OK;
	}
	if ((e = cmd_find(ctx->args->argv[0])) == NULL) {
		cmd_error(ctx, "help: unknown command '%s' (see fugue --help)", ctx->args->argv[0]);
		return EXIT_USAGE;
	}
	cmd_help(ctx->outf, e);
	return EXIT_OK;
}

const struct cmd_entry cmd_help_entry = {
	.name = "help",
	.args = "[COMMAND]",
	.summary = "show the help of fugue or of a command",
	.help = "The same as fugue --help, or fugue COMMAND --help.",
	.opts = NULL,
	.min_args = 0,
	.max_args = 1,
	.exec = help_exec,
};
