/* cmd-resume.c: fugue resume: enforces a suspended process again. */
#include "config.h"

#include "cmd.h"

static const struct cmd_opt resume_opts[] = {
	{ "dry-run", 0, NULL, "show what resuming would change, and change nothing" },
	CMD_OPT_END,
};

/* Resumes; shows the process. */
static int
resume_exec(struct cmd_ctx *ctx)
{
	return show_process_command(ctx, "resume", args_has(ctx->args, "dry-run"));
}

const struct cmd_entry cmd_resume_entry = {
	.name = "resume",
	.args = "ALIAS|FID",
	.summary = "enforce a suspended process again",
	.help = "The process becomes Running: the Conductor puts back at once what drifted while\n"
	    "it was suspended, then enforces it every enforcement-interval.",
	.opts = resume_opts,
	.min_args = 1,
	.max_args = 1,
	.exec = resume_exec,
};
