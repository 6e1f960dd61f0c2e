/* commands.c: the table of commands and the helpers that read their arguments. */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "conductor.h"

static const struct command commands[] = {
	/* name, dry run, needs a process, refused when locked */
	{ "history", 0, 0, 0, cmd_history },
	{ "kill", 1, 1, 1, cmd_kill },
	{ "property-get", 0, 1, 0, cmd_property_get },
	{ "property-set", 0, 1, 0, cmd_property_set },
	{ "resume", 1, 1, 1, cmd_resume },
	{ "run", 1, 0, 0, cmd_run },
	{ "status", 0, 0, 0, cmd_status },
	{ "suspend", 0, 1, 1, cmd_suspend },
	{ "update", 1, 1, 1, cmd_update },
};

/* The command of a name. */
const struct command *
command_find(const char *name)
{
	size_t i;

	for (i = 0; i < FG_ARRAY_LEN(commands); i++)
		if (strcmp(commands[i].name, name) == 0)
			return &commands[i];
	return NULL;
}

/* A string argument; replies InvalidArgument when required and absent, or not a string. */
int
arg_str(struct req *r, const char *name, int required, const char **out)
{
	fg_json v = fg_json_get(r->body.args, name);

	*out = NULL;
	if (v == NULL && !required)
		return 0;
	if (v == NULL) {
		reply_error(r, E_INVALID, "%s: args.%s is missing", r->body.command, name);
		return -1;
	}
	if ((*out = fg_json_str(v)) == NULL) {
		reply_error(r, E_INVALID, "%s: args.%s must be a string, not %s", r->body.command,
		    name, fg_json_type_name(v));
		return -1;
	}
	return 0;
}

/* An integer argument in [min, max]. */
int
arg_int(struct req *r, const char *name, int64_t def, int64_t min, int64_t max, int64_t *out)
{
	fg_json v = fg_json_get(r->body.args, name);

	*out = def;
	if (v == NULL)
		return 0;
	if (fg_json_int(v, out) < 0 || *out < min || *out > max) {
		reply_error(r, E_INVALID, "%s: args.%s must be an integer from %lld to %lld",
		    r->body.command, name, (long long)min, (long long)max);
		return -1;
	}
	return 0;
}

/* args.composition and args.hash. */
int
arg_composition(struct req *r, const char **hash)
{
	const char *key;
	char *want;
	int rc = 0;

	if (arg_str(r, "composition", 1, &key) < 0 || arg_str(r, "hash", 1, hash) < 0)
		return -1;
	if (strlen(*hash) != 64 || strspn(*hash, "0123456789abcdef") != 64) {
		reply_error(r, E_INVALID, "%s: args.hash must be the SHA-256 of the composition in "
		    "64 lower-case hex digits", r->body.command);
		return -1;
	}
	want = fg_printf("compositions/%s.json", *hash);
	if (strcmp(key, want) != 0) {
		reply_error(r, E_INVALID, "%s: args.composition must be \"%s\"", r->body.command,
		    want);
		rc = -1;
	}
	free(want);
	return rc;
}

/* Replies the process record. */
void
reply_process(struct req *r, int with_resources, fg_json plan)
{
	struct fg_jw *w = reply_begin(r);
	struct proc tmp;

	if (r->proc) {
		proc_write_json(r->c, w, r->proc, with_resources, plan);
	} else {
		memset(&tmp, 0, sizeof(tmp));
		tmp.rec = r->next;
		proc_write_json(r->c, w, &tmp, with_resources, plan);
	}
	reply_end(r);
}

/* The end of a dry run. */
void
cmd_on_plan(void *arg, int ok, const char *message, fg_json plan)
{
	struct req *r = arg;

	if (!ok && plan == NULL) {
		reply_error(r, E_INVALID, "%s: dry run: %s", r->cmd->name,
		    message ? message : "no plan");
		return;
	}
	reply_process(r, 0, plan);
}

/* Records a transition of r's process in the history and on the events topic. */
void
cmd_transition(struct req *r, const char *from)
{
	const struct proc_rec *p = &r->proc->rec;
	const char *to = proc_state_name(p->state);
	struct hist_entry h = {
		.fid = p->fid, .kind = "transition", .what = r->cmd->name, .from = from, .to = to,
		.user = r->env.user, .request = r->id, .result = "ok",
		.composition = p->composition,
	};
	char *msg = fg_printf("%s: %s -> %s", r->cmd->name, *from ? from : "(new)", to);

	history_add(r->c, &h);
	events_publish(r->c, p->fid, "transition", msg, NULL);
	log_info("process %s: %s (request %s from %s)", p->fid, msg, r->id, r->env.user);
	free(msg);
}
