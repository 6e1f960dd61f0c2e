/* cmd-version.c: fugue version: the CLI's version and protocol. */
#include "config.h"

#include "cmd.h"

/* Shows the version. */
static int
version_exec(struct cmd_ctx *ctx)
{
	out_line(ctx->out, "fugue %s (protocol %d)", PACKAGE_VERSION, CLI_PROTO_VERSION);
	out_begin_obj(ctx->out, NULL);
	out_str(ctx->out, "version", PACKAGE_VERSION);
	out_int(ctx->out, "protocol", CLI_PROTO_VERSION);
	out_end(ctx->out);
	return EXIT_OK;
}

const struct cmd_entry cmd_version_entry = {
	.name = "version",
	.args = "",
	.summary = "show the version of fugue and of its protocol",
	.help = "Prints the version of this fugue and of the CLI/Conductor protocol it speaks\n"
	    "(the same as fugue --version).",
	.opts = NULL,
	.min_args = 0,
	.max_args = 0,
	.exec = version_exec,
};
