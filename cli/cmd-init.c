/* cmd-init.c: fugue init: writes fugue.yaml (settings) and the credentials file (the Fugue
 * user and secret), asking on a terminal for what the flags do not give. */
#include "config.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cmd.h"

#define SECRET_MAX 4096

static const struct cmd_opt init_opts[] = {
	{ "credentials", 0, "FILE", "write the credentials to FILE (default: ~/.fugue/"
	    CLI_CREDENTIALS_NAME ")" },
	{ "endpoint", 0, "URL", "AWS endpoint URL (localcloud: http://127.0.0.1:4566)" },
	{ "prefix", 0, "PREFIX", "name prefix of the Conductor's queues and bucket" },
	{ "profile", 0, "NAME", "AWS profile of ~/.aws/config" },
	{ "region", 0, "REGION", "AWS region of the Conductor" },
	{ "secret", 0, "SECRET", "the user's secret (others can see it in ps: prefer --secret-file)" },
	{ "secret-file", 0, "FILE", "read the secret from the first line of FILE (- for stdin)" },
	{ "user", 0, "USER", "the Fugue user (default: root)" },
	CMD_OPT_END,
};

/* The settings init writes, in order; asked for on a terminal when `ask` is set. */
static const struct {
	const char *name;
	const char *question;
	int ask;
} init_settings[] = {
	{ "region", "AWS region", 1 },
	{ "endpoint", "AWS endpoint URL (empty: AWS itself)", 1 },
	{ "profile", NULL, 0 },
	{ "prefix", NULL, 0 },
};

/* The first line of a file (or stdin for "-"), trimmed; NULL with *err. */
static char *
first_line(const char *path, char **err)
{
	FILE *f = strcmp(path, "-") == 0 ? stdin : fopen(path, "r");
	char buf[SECRET_MAX + 2];
	size_t n;

	if (f == NULL) {
		*err = fg_printf("--secret-file %s: %s", path, strerror(errno));
		return NULL;
	}
	if (fgets(buf, sizeof(buf), f) == NULL)
		buf[0] = '\0';
	if (f != stdin)
		fclose(f);
	buf[strcspn(buf, "\r\n")] = '\0';
	n = strlen(buf);
	while (n > 0 && (buf[n - 1] == ' ' || buf[n - 1] == '\t'))
		buf[--n] = '\0';
	return fg_strdup(buf);
}

/* The region a prompt proposes. */
static const char *
default_region(void)
{
	const char *r = getenv("AWS_REGION");

	if (r == NULL || *r == '\0')
		r = getenv("AWS_DEFAULT_REGION");
	return r && *r ? r : "us-east-1";
}

/* Whether path may be written: it does not exist, -y, or the user says yes. */
static int
may_write(struct cmd_ctx *ctx, const char *path)
{
	struct stat st;

	if (stat(path, &st) < 0 || ctx->args->yes)
		return 1;
	if (ctx->interactive) {
		if (cmd_confirm(ctx, "%s exists. Overwrite it?", path))
			return 1;
		cmd_error(ctx, "init: %s kept; nothing written", path);
		return 0;
	}
	cmd_error(ctx, "init: %s exists (-y overwrites it)", path);
	return 0;
}

/* Gathers the values, checks them, writes both files. */
static int
init_exec(struct cmd_ctx *ctx)
{
	struct cmd_args *a = ctx->args;
	int ask = ctx->interactive && !a->yes, rc = EXIT_USAGE;
	struct cli_config *chk = fg_calloc(1, sizeof(*chk));
	const char *keys[FG_ARRAY_LEN(init_settings)], *ckeys[2] = { "user", "secret" };
	char *vals[FG_ARRAY_LEN(init_settings)], *cvals[2] = { NULL, NULL };
	char *cfgpath = NULL, *credpath = NULL, *dir = NULL, *err = NULL, *where;
	const char *home = getenv("HOME"), *v;
	size_t i, n = 0;

	memset(vals, 0, sizeof(vals));
	for (i = 0; i < FG_ARRAY_LEN(init_settings); i++) {
		v = args_get(a, init_settings[i].name);
		if (v)
			vals[n] = fg_strdup(v);
		else if (ask && init_settings[i].ask)
			vals[n] = cmd_prompt(ctx, init_settings[i].question,
			    strcmp(init_settings[i].name, "region") == 0 ? default_region() : NULL, 0);
		if (vals[n] == NULL || (*vals[n] == '\0' && strcmp(init_settings[i].name,
		    "prefix") != 0)) {
			free(vals[n]);
			vals[n] = NULL;
			continue;
		}
		where = fg_printf("init: --%s", init_settings[i].name);
		if (config_set(chk, init_settings[i].name, vals[n], where, &err) < 0) {
			free(where);
			n++;
			goto fail;
		}
		free(where);
		keys[n++] = init_settings[i].name;
	}
	if ((v = args_get(a, "user")) != NULL)
		cvals[0] = fg_strdup(v);
	else
		cvals[0] = ask ? cmd_prompt(ctx, "Fugue user", "root", 0) : fg_strdup("root");
	if (cvals[0] == NULL || config_check_user(cvals[0], &err) < 0)
		goto fail;
	if ((v = args_get(a, "secret")) != NULL)
		cvals[1] = fg_strdup(v);
	else if ((v = args_get(a, "secret-file")) != NULL) {
		if ((cvals[1] = first_line(v, &err)) == NULL) {
			rc = EXIT_ERROR;
			goto fail;
		}
	} else if (ask)
		cvals[1] = cmd_prompt(ctx, "Secret of the Fugue user", NULL, 1);
	else {
		err = fg_strdup("init: no secret: give --secret-file FILE or --secret SECRET");
		goto fail;
	}
	if (cvals[1] == NULL || config_check_secret(cvals[1], &err) < 0)
		goto fail;
	rc = EXIT_ERROR;
	cfgpath = fg_strdup(a->config ? a->config : "./" CLI_CONFIG_NAME);
	if ((v = args_get(a, "credentials")) != NULL)
		credpath = fg_strdup(v);
	else if (home && *home) {
		dir = fg_printf("%s/.fugue", home);
		credpath = fg_printf("%s/" CLI_CREDENTIALS_NAME, dir);
	} else {
		err = fg_strdup("init: HOME is not set: give --credentials FILE");
		goto fail;
	}
	if (!may_write(ctx, cfgpath) || !may_write(ctx, credpath))
		goto out;
	if (dir && mkdir(dir, 0700) < 0 && errno != EEXIST) {
		err = fg_printf("init: cannot create %s: %s", dir, strerror(errno));
		goto fail;
	}
	if (config_write(cfgpath, keys, (const char *const *)vals, n, 0, &err) < 0 ||
	    config_write(credpath, ckeys, (const char *const *)cvals, 2, 1, &err) < 0)
		goto fail;
	out_line(ctx->out, "Wrote %s and %s (user %s).", cfgpath, credpath, cvals[0]);
	out_begin_obj(ctx->out, NULL);
	out_str(ctx->out, "config", cfgpath);
	out_str(ctx->out, "credentials", credpath);
	out_str(ctx->out, "user", cvals[0]);
	out_end(ctx->out);
	rc = EXIT_OK;
	goto out;
fail:
	cmd_error(ctx, "%s", err ? err : "init: no answer");
out:
	free(err);
	for (i = 0; i < n; i++)
		free(vals[i]);
	free(cvals[0]);
	if (cvals[1])
		memset(cvals[1], 0, strlen(cvals[1]));
	free(cvals[1]);
	free(cfgpath);
	free(credpath);
	free(dir);
	config_free(chk);
	return rc;
}

const struct cmd_entry cmd_init_entry = {
	.name = "init",
	.args = "",
	.summary = "write fugue.yaml and the credentials file",
	.help = "Writes the settings to ./" CLI_CONFIG_NAME " (or --config FILE) and the Fugue user\n"
	    "and secret to ~/.fugue/" CLI_CREDENTIALS_NAME " (mode 0600). On a terminal, asks for\n"
	    "what the options do not give, unless -y. Existing files are replaced only after a\n"
	    "yes (or with -y). The Conductor writes the root user's secret at its first boot\n"
	    "(s3://fugue-ACCOUNT-REGION/users/root.secret, or its root-secret-file).",
	.opts = init_opts,
	.min_args = 0,
	.max_args = 0,
	.exec = init_exec,
};
