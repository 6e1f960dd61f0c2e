/* show.c: how the Conductor's results are shown: the columns and views shared by the
 * commands, error replies and their exit codes, and the request-and-show path. */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "cmd.h"

/* The columns of `fugue status`. */
const struct out_col show_process_cols[SHOW_PROCESS_NCOLS] = {
	{ "state", "State", 0 },
	{ "updated", "Updated", 1 },
	{ "created", "Created", 1 },
	{ "account", "Account", 0 },
	{ "fid", "FID", 0 },
	{ "alias", "Alias", 0 },
	{ "last_message", "Last Message", 0 },
};

static const struct out_col resource_cols[] = {
	{ "logical_id", "Logical ID", 0 },
	{ "type", "Type", 0 },
	{ "physical_id", "Physical ID", 0 },
	{ "status", "Status", 0 },
};

static const struct out_col plan_cols[] = {
	{ "action", "Action", 0 },
	{ "logical_id", "Logical ID", 0 },
	{ "type", "Type", 0 },
};

static const struct out_col property_cols[] = {
	{ NULL, "Property", 0 },
	{ NULL, "Value", 0 },
};

/* A process record: one row, then its resources when the record lists them. */
const struct out_view show_process_views[] = {
	{ "", OUT_ROW, show_process_cols, SHOW_PROCESS_NCOLS, NULL },
	{ "resource_list", OUT_ROWS, resource_cols, FG_ARRAY_LEN(resource_cols),
	    "No resources." },
};
const size_t show_process_nviews = FG_ARRAY_LEN(show_process_views);

/* The plan of a dry run. */
const struct out_view show_plan_view = {
	"plan", OUT_ROWS, plan_cols, FG_ARRAY_LEN(plan_cols), "Nothing to do: no changes.",
};

/* The properties of a process (property-get's result, or a record's member). */
const struct out_view show_properties_view = {
	"properties", OUT_PAIRS, property_cols, FG_ARRAY_LEN(property_cols), "No properties.",
};

/* The exit code of an error reply. */
int
show_error_code(const char *code)
{
	return code && strcmp(code, "NotFound") == 0 ? EXIT_NOT_FOUND : EXIT_ERROR;
}

/* Shows a result with views, or an error reply. */
int
show_reply(struct cmd_ctx *ctx, const struct reply *rep, const struct out_view *views,
    size_t nviews)
{
	if (rep->ok) {
		out_views(ctx->out, views, nviews);
		out_value(ctx->out, NULL, rep->result);
		return EXIT_OK;
	}
	cmd_error(ctx, "%s: %s", rep->code, rep->message);
	out_begin_obj(ctx->out, NULL);
	out_begin_obj(ctx->out, "error");
	out_str(ctx->out, "code", rep->code);
	out_str(ctx->out, "message", rep->message);
	out_end(ctx->out);
	out_end(ctx->out);
	return show_error_code(rep->code);
}

/* Sends a request and shows its reply. */
int
show_request(struct cmd_ctx *ctx, const char *command, int dry_run, const char *args,
    const struct out_view *views, size_t nviews)
{
	struct client *cl;
	struct reply rep;
	char *err = NULL;
	int rc;

	if ((rc = cmd_client(ctx, &cl)) != EXIT_OK)
		return rc;
	if ((rc = client_request(cl, command, dry_run, args, &rep, &err)) != EXIT_OK) {
		cmd_error(ctx, "%s", err);
		free(err);
		return rc;
	}
	rc = show_reply(ctx, &rep, views, nviews);
	reply_free(&rep);
	return rc;
}

/* A command on one process. */
int
show_process_command(struct cmd_ctx *ctx, const char *command, int dry_run)
{
	char *args = request_args("process", ctx->args->argv[0], NULL);
	int rc;

	if (dry_run)
		rc = show_request(ctx, command, 1, args, &show_plan_view, 1);
	else
		rc = show_request(ctx, command, 0, args, show_process_views, show_process_nviews);
	free(args);
	return rc;
}
