/* compose.c: compositions for run and update: compiled with liblwc (the compiler lwc is),
 * named by the SHA-256 of the compiled text, uploaded to the Conductor's bucket. */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "cmd.h"
#include "lwc/lwc.h"
#include "sigv4.h"

/* Compiles file into a composition. */
int
compose_compile(const char *file, int werror, FILE *diag, struct composition *comp)
{
	struct lwc_options o;
	char *text = NULL;

	memset(comp, 0, sizeof(*comp));
	memset(&o, 0, sizeof(o));
	o.file = file;
	o.output = LWC_OUT_SIMPLE;
	o.werror = werror;
	o.color = LWC_COLOR_AUTO;
	o.diag = diag;
	if (lwc_compile(&o, &text) != 0 || text == NULL) {
		free(text);
		return EXIT_COMPILE;
	}
	comp->text = text;
	fg_sha256_hex(text, strlen(text), comp->hash);
	comp->key = fg_printf("compositions/%s.json", comp->hash);
	return EXIT_OK;
}

/* Uploads the compiled composition under its content address. */
int
compose_upload(struct client *cl, const struct composition *comp, char **err)
{
	return client_put(cl, comp->key, "application/json", comp->text, strlen(comp->text), err);
}

/* Frees a composition. */
void
compose_free(struct composition *comp)
{
	free(comp->text);
	free(comp->key);
	memset(comp, 0, sizeof(*comp));
}

/* run and update: compile, upload, request, show. */
int
compose_send(struct cmd_ctx *ctx, const char *command, const char *file, const char *process,
    const char *alias)
{
	struct cmd_args *a = ctx->args;
	int dry_run = args_has(a, "dry-run"), rc;
	struct composition comp;
	struct client *cl;
	char *args, *err = NULL;

	if ((rc = compose_compile(file, args_has(a, "werror"), ctx->err, &comp)) != EXIT_OK) {
		cmd_error(ctx, "%s: does not compile", file);
		return rc;
	}
	if ((rc = cmd_client(ctx, &cl)) != EXIT_OK)
		goto out;
	if ((rc = compose_upload(cl, &comp, &err)) != EXIT_OK) {
		cmd_error(ctx, "%s", err);
		free(err);
		goto out;
	}
	args = request_args("process", process, "composition", comp.key, "hash", comp.hash,
	    "alias", alias, NULL);
	if (dry_run)
		rc = show_request(ctx, command, 1, args, &show_plan_view, 1);
	else
		rc = show_request(ctx, command, 0, args, show_process_views, show_process_nviews);
	free(args);
out:
	compose_free(&comp);
	return rc;
}
