/* cmd-property.c: fugue property: reads or sets the properties of a process. */
#include "config.h"

#include <stdlib.h>

#include "cmd.h"

static const struct cmd_opt property_opts[] = {
	{ "set", 0, "VALUE", "set KEY to VALUE" },
	CMD_OPT_END,
};

/* Gets or sets; shows the properties. */
static int
property_exec(struct cmd_ctx *ctx)
{
	struct cmd_args *a = ctx->args;
	const char *key = a->argc > 1 ? a->argv[1] : NULL, *value = args_get(a, "set");
	char *args;
	int rc;

	if (value && key == NULL) {
		cmd_error(ctx, "property: --set needs the KEY to set");
		cmd_usage(ctx->err, a->entry);
		return EXIT_USAGE;
	}
	args = request_args("process", a->argv[0], "key", key, "value", value, NULL);
	rc = show_request(ctx, value ? "property-set" : "property-get", 0, args,
	    &show_properties_view, 1);
	free(args);
	return rc;
}

const struct cmd_entry cmd_property_entry = {
	.name = "property",
	.args = "ALIAS|FID [KEY]",
	.summary = "show or set the properties of a process",
	.help = "Shows every property of the process, or KEY only; with --set, sets KEY.\n"
	    "Properties: alias (a name), enforcement (on or off), enforcement-interval\n"
	    "(seconds, 10 to 86400) and lock (on or off: a locked process refuses update,\n"
	    "suspend, resume and kill).",
	.opts = property_opts,
	.min_args = 1,
	.max_args = 2,
	.exec = property_exec,
};
