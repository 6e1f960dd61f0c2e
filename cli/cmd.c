/* cmd.c: the fugue command table, generic option parsing, usage and help, and the program. */
#include "config.h"

#include <signal.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <termios.h>
#include <unistd.h>

#include "cmd.h"

#ifndef FUGUE_SYSCONFDIR
#define FUGUE_SYSCONFDIR "/etc/fugue"
#endif

/* Every command, in the order `fugue --help` lists them. */
const struct cmd_entry *const cmd_table[] = {
	&cmd_init_entry,
	&cmd_run_entry,
	&cmd_status_entry,
	&cmd_update_entry,
	&cmd_suspend_entry,
	&cmd_resume_entry,
	&cmd_kill_entry,
	&cmd_history_entry,
	&cmd_property_entry,
	&cmd_version_entry,
	&cmd_help_entry,
	NULL,
};

/* The options every command takes (also before the command). */
const struct cmd_opt cmd_common_opts[] = {
	{ "config", 0, "FILE", "read settings from FILE instead of the first fugue.yaml found" },
	{ "help", 'h', NULL, "print help and exit" },
	{ "json", 0, NULL, "print the result as JSON" },
	{ "verbose", 'v', NULL, "print debug lines on stderr" },
	{ "yes", 'y', NULL, "answer yes to every question (no prompts)" },
	CMD_OPT_END,
};

/* Only before the command. */
static const struct cmd_opt global_opts[] = {
	{ "version", 'V', NULL, "print the version and exit" },
	CMD_OPT_END,
};

/* The exit codes, for `fugue --help` (fugue(1) says the same). */
static const char exit_help[] =
    "Exit status:\n"
    "  0    success\n"
    "  1    an error reply from the Conductor, or another failure (settings, AWS)\n"
    "  2    usage error\n"
    "  3    no such process\n"
    "  4    no reply from the Conductor in time, or no Conductor (no request queue)\n"
    "  5    the composition does not compile\n"
    "  130  interrupted (Ctrl-C)\n";

/* The command named name, or NULL. */
const struct cmd_entry *
cmd_find(const char *name)
{
	size_t i;

	for (i = 0; cmd_table[i] != NULL; i++)
		if (strcmp(cmd_table[i]->name, name) == 0)
			return cmd_table[i];
	return NULL;
}

/* The option of a table by long name (len bytes) or letter; NULL when none. */
static const struct cmd_opt *
opt_find(const struct cmd_opt *t, const char *name, size_t len, char letter)
{
	for (; t != NULL && t->name != NULL; t++) {
		if (name && strlen(t->name) == len && strncmp(t->name, name, len) == 0)
			return t;
		if (!name && letter && t->letter == letter)
			return t;
	}
	return NULL;
}

/* The tables an option is looked up in, in order. */
struct opt_tables {
	const struct cmd_opt *t[3];
};

/* Finds an option in the tables; *which gets the table's index. */
static const struct cmd_opt *
tables_find(const struct opt_tables *ts, const char *name, size_t len, char letter, int *which)
{
	const struct cmd_opt *o;
	int i;

	for (i = 0; i < 3; i++)
		if ((o = opt_find(ts->t[i], name, len, letter)) != NULL) {
			*which = i;
			return o;
		}
	return NULL;
}

/* Records option o (of table which: 0 the command's, else common or global) with value. */
static void
opt_record(struct cmd_args *a, const struct opt_tables *ts, int which, const struct cmd_opt *o,
    const char *value)
{
	if (which == 0) {
		a->values[o - ts->t[0]] = value ? value : "";
		return;
	}
	if (strcmp(o->name, "config") == 0)
		a->config = value;
	else if (strcmp(o->name, "help") == 0)
		a->help = 1;
	else if (strcmp(o->name, "json") == 0)
		a->json = 1;
	else if (strcmp(o->name, "verbose") == 0)
		a->verbose = 1;
	else if (strcmp(o->name, "yes") == 0)
		a->yes = 1;
	else if (strcmp(o->name, "version") == 0)
		a->version = 1;
}

/* Parses options and positionals; stop_first ends at the first positional (the command). *used
 * gets the number of words read. */
static int
parse(const struct opt_tables *ts, int argc, char **argv, struct cmd_args *a, int stop_first,
    int *used, char **err)
{
	const struct cmd_opt *o;
	const char *s, *eq, *value;
	int i, which, only_pos = 0;
	size_t j;

	for (i = 0; i < argc; i++) {
		s = argv[i];
		if (only_pos || s[0] != '-' || s[1] == '\0') {
			if (stop_first)
				break;
			a->argv[a->argc++] = argv[i];
			continue;
		}
		if (strcmp(s, "--") == 0) {
			only_pos = 1;
			if (stop_first) {
				i++;
				break;
			}
			continue;
		}
		if (s[1] == '-') {
			eq = strchr(s + 2, '=');
			j = eq ? (size_t)(eq - s - 2) : strlen(s + 2);
			if ((o = tables_find(ts, s + 2, j, 0, &which)) == NULL) {
				*err = fg_printf("unknown option --%.*s", (int)j, s + 2);
				return -1;
			}
			if (o->arg == NULL && eq) {
				*err = fg_printf("option --%s takes no value", o->name);
				return -1;
			}
			value = eq ? eq + 1 : NULL;
			if (o->arg && value == NULL) {
				if (i + 1 >= argc) {
					*err = fg_printf("option --%s needs %s", o->name, o->arg);
					return -1;
				}
				value = argv[++i];
			}
			opt_record(a, ts, which, o, value);
			continue;
		}
		for (j = 1; s[j] != '\0'; j++) {
			if ((o = tables_find(ts, NULL, 0, s[j], &which)) == NULL) {
				*err = fg_printf("unknown option -%c", s[j]);
				return -1;
			}
			if (o->arg == NULL) {
				opt_record(a, ts, which, o, NULL);
				continue;
			}
			if (s[j + 1] != '\0')
				value = s + j + 1;
			else if (i + 1 < argc)
				value = argv[++i];
			else {
				*err = fg_printf("option -%c needs %s", o->letter, o->arg);
				return -1;
			}
			opt_record(a, ts, which, o, value);
			break;
		}
	}
	*used = i;
	return 0;
}

/* Parses a command's words. */
int
cmd_parse(const struct cmd_entry *e, int argc, char **argv, struct cmd_args *a, char **err)
{
	struct opt_tables ts = { { e->opts, cmd_common_opts, NULL } };
	const struct cmd_opt *o;
	size_t n = 0;
	int used;

	memset(a, 0, sizeof(*a));
	a->entry = e;
	for (o = e->opts; o && o->name; o++)
		n++;
	a->values = fg_calloc(n + 1, sizeof(*a->values));
	a->argv = fg_calloc((size_t)argc + 1, sizeof(*a->argv));
	if (parse(&ts, argc, argv, a, 0, &used, err) < 0)
		return -1;
	if (a->help)
		return 0;
	if (a->argc < e->min_args) {
		*err = fg_printf("%s: missing %s", e->name, e->args);
		return -1;
	}
	if (e->max_args >= 0 && a->argc > e->max_args) {
		*err = fg_printf("%s: unexpected argument '%s'", e->name, a->argv[e->max_args]);
		return -1;
	}
	return 0;
}

/* Frees what cmd_parse allocated. */
void
cmd_args_free(struct cmd_args *a)
{
	free(a->values);
	free(a->argv);
	memset(a, 0, sizeof(*a));
}

/* The value of a command option by long name. */
const char *
args_get(const struct cmd_args *a, const char *name)
{
	const struct cmd_opt *o = opt_find(a->entry->opts, name, strlen(name), 0);

	return o ? a->values[o - a->entry->opts] : NULL;
}

/* Whether a command option was given. */
int
args_has(const struct cmd_args *a, const char *name)
{
	return args_get(a, name) != NULL;
}

/* Writes the usage line of a command. */
void
cmd_usage(FILE *f, const struct cmd_entry *e)
{
	const struct cmd_opt *o;

	fprintf(f, "usage: fugue %s", e->name);
	for (o = e->opts; o && o->name; o++) {
		if (o->letter)
			fprintf(f, " [-%c%s%s]", o->letter, o->arg ? " " : "", o->arg ? o->arg : "");
		else
			fprintf(f, " [--%s%s%s]", o->name, o->arg ? " " : "", o->arg ? o->arg : "");
	}
	fprintf(f, "%s%s\n", *e->args ? " " : "", e->args);
}

/* Writes the lines of an option table. */
static void
opts_help(FILE *f, const struct cmd_opt *o)
{
	char left[64];

	for (; o && o->name; o++) {
		snprintf(left, sizeof(left), "%c%c%c --%s%s%s", o->letter ? '-' : ' ',
		    o->letter ? o->letter : ' ', o->letter ? ',' : ' ', o->name, o->arg ? " " : "",
		    o->arg ? o->arg : "");
		fprintf(f, "  %-22s %s\n", left, o->help);
	}
}

/* Writes the help of a command. */
void
cmd_help(FILE *f, const struct cmd_entry *e)
{
	cmd_usage(f, e);
	fprintf(f, "\n%s\n", e->help);
	if (e->opts && e->opts->name) {
		fprintf(f, "\nOptions:\n");
		opts_help(f, e->opts);
	}
	fprintf(f, "\nCommon options:\n");
	opts_help(f, cmd_common_opts);
	fprintf(f, "\n%s", exit_help);
}

/* Writes the help of the program. */
void
cmd_main_help(FILE *f)
{
	size_t i;

	fprintf(f, "usage: fugue [--config FILE] [-v] [--json] [-y] COMMAND [ARGS...]\n"
	    "       fugue --help | --version | COMMAND --help\n\n"
	    "Runs Ludwig compositions as processes of the Fugue Conductor in your AWS account and\n"
	    "manages them. The Conductor creates the resources and keeps them as declared.\n\n"
	    "Commands:\n");
	for (i = 0; cmd_table[i] != NULL; i++)
		fprintf(f, "  %-10s %s\n", cmd_table[i]->name, cmd_table[i]->summary);
	fprintf(f, "\nOptions (before or after the command):\n");
	opts_help(f, cmd_common_opts);
	opts_help(f, global_opts);
	fprintf(f, "\nFiles, the first found in ./, ~/.fugue/ and " FUGUE_SYSCONFDIR "/:\n"
	    "  " CLI_CONFIG_NAME "         settings: region, endpoint, profile, prefix, timeout\n"
	    "  " CLI_CREDENTIALS_NAME "  the Fugue user and secret (written by fugue init)\n\n"
	    "Environment: FUGUE_REGION, FUGUE_ENDPOINT, FUGUE_PROFILE, FUGUE_PREFIX and\n"
	    "FUGUE_TIMEOUT override the settings; the AWS_* variables give AWS credentials and\n"
	    "endpoints; LUDWIG_PATH and FUGUE_SCHEMA_PATH are read by the compiler. See fugue(1).\n\n"
	    "%s", exit_help);
}

/* Writes an error line. */
void
cmd_error(struct cmd_ctx *ctx, const char *fmt, ...)
{
	va_list ap;

	fputs("fugue: ", ctx->err);
	va_start(ap, fmt);
	vfprintf(ctx->err, fmt, ap);
	va_end(ap);
	fputc('\n', ctx->err);
	fflush(ctx->err);
}

/* Asks a question on the terminal; yes for "y" or "yes". */
int
cmd_confirm(struct cmd_ctx *ctx, const char *fmt, ...)
{
	char line[64];
	va_list ap;

	va_start(ap, fmt);
	vfprintf(ctx->err, fmt, ap);
	va_end(ap);
	fputs(" [y/N] ", ctx->err);
	fflush(ctx->err);
	if (fgets(line, sizeof(line), stdin) == NULL) {
		fputc('\n', ctx->err);
		return 0;
	}
	line[strcspn(line, "\r\n")] = '\0';
	return strcmp(line, "y") == 0 || strcmp(line, "Y") == 0 || strcmp(line, "yes") == 0 ||
	    strcmp(line, "YES") == 0 || strcmp(line, "Yes") == 0;
}

/* The terminal settings a secret prompt changed, restored on Ctrl-C. */
static struct termios saved_tty;

/* Ctrl-C during a secret prompt: echo back on, then die of the signal. */
static void
on_prompt_signal(int signo)
{
	tcsetattr(STDIN_FILENO, TCSAFLUSH, &saved_tty);
	signal(signo, SIG_DFL);
	raise(signo);
}

/* Asks for a value on the terminal. */
char *
cmd_prompt(struct cmd_ctx *ctx, const char *question, const char *def, int secret)
{
	struct sigaction sa, old_int, old_term;
	struct termios noecho;
	char *line = NULL, *p;
	size_t cap = 0;
	ssize_t n;
	int hidden = 0, trapped = 0;

	if (def && *def)
		fprintf(ctx->err, "%s [%s]: ", question, def);
	else
		fprintf(ctx->err, "%s: ", question);
	fflush(ctx->err);
	if (secret && tcgetattr(STDIN_FILENO, &saved_tty) == 0) {
		memset(&sa, 0, sizeof(sa));
		sa.sa_handler = on_prompt_signal;
		sigaction(SIGINT, &sa, &old_int);
		sigaction(SIGTERM, &sa, &old_term);
		trapped = 1;
		noecho = saved_tty;
		noecho.c_lflag &= ~(tcflag_t)ECHO;
		hidden = tcsetattr(STDIN_FILENO, TCSAFLUSH, &noecho) == 0;
	}
	n = getline(&line, &cap, stdin);
	if (hidden) {
		tcsetattr(STDIN_FILENO, TCSAFLUSH, &saved_tty);
		fputc('\n', ctx->err);
	}
	if (trapped) {
		sigaction(SIGINT, &old_int, NULL);
		sigaction(SIGTERM, &old_term, NULL);
	}
	if (n < 0) {
		free(line);
		return NULL;
	}
	line[strcspn(line, "\r\n")] = '\0';
	for (p = line + strlen(line); p > line && (p[-1] == ' ' || p[-1] == '\t'); p--)
		p[-1] = '\0';
	for (p = line; *p == ' ' || *p == '\t'; p++)
		;
	memmove(line, p, strlen(p) + 1);
	if (*line == '\0' && def) {
		free(line);
		return fg_strdup(def);
	}
	return line;
}

/* Settings, credentials and a client, once per command. */
int
cmd_client(struct cmd_ctx *ctx, struct client **out)
{
	char *err = NULL;

	if (ctx->client == NULL) {
		if (ctx->cfg == NULL && (ctx->cfg = config_load(ctx->args->config, &err)) == NULL)
			goto fail;
		if (ctx->cfg->user == NULL && config_load_credentials(ctx->cfg, &err) < 0)
			goto fail;
		ctx->client = client_new(ctx->loop, ctx->cfg, isatty(fileno(ctx->err)) ? ctx->err :
		    NULL);
	}
	*out = ctx->client;
	return EXIT_OK;
fail:
	cmd_error(ctx, "%s", err);
	free(err);
	return EXIT_ERROR;
}

/* Runs one command line with the given streams and loop. */
int
cmd_exec(int argc, char **argv, struct fg_loop *loop, FILE *outf, FILE *errf)
{
	struct opt_tables gt = { { NULL, cmd_common_opts, global_opts } };
	struct cmd_args global, args;
	const struct cmd_entry *e;
	struct winsize ws;
	struct cmd_ctx ctx;
	char *err = NULL;
	int used, rc;

	memset(&global, 0, sizeof(global));
	memset(&ctx, 0, sizeof(ctx));
	ctx.outf = outf;
	ctx.err = errf;
	argc--;
	argv++;
	if (parse(&gt, argc, argv, &global, 1, &used, &err) < 0) {
		fprintf(errf, "fugue: %s\n", err);
		free(err);
		fprintf(errf, "usage: fugue [options] COMMAND [ARGS...] (see fugue --help)\n");
		return EXIT_USAGE;
	}
	if (global.version)
		return cmd_exec(2, (char *[]){ "fugue", "version", NULL }, loop, outf, errf);
	if (global.help) {
		cmd_main_help(outf);
		return EXIT_OK;
	}
	if (used >= argc) {
		fprintf(errf, "fugue: no command\n");
		fprintf(errf, "usage: fugue [options] COMMAND [ARGS...] (see fugue --help)\n");
		return EXIT_USAGE;
	}
	if ((e = cmd_find(argv[used])) == NULL) {
		fprintf(errf, "fugue: unknown command '%s' (see fugue --help)\n", argv[used]);
		return EXIT_USAGE;
	}
	if (cmd_parse(e, argc - used - 1, argv + used + 1, &args, &err) < 0) {
		fprintf(errf, "fugue: %s\n", err);
		free(err);
		cmd_usage(errf, e);
		cmd_args_free(&args);
		return EXIT_USAGE;
	}
	if (args.help) {
		cmd_help(outf, e);
		cmd_args_free(&args);
		return EXIT_OK;
	}
	args.json |= global.json;
	args.yes |= global.yes;
	args.verbose |= global.verbose;
	if (args.config == NULL)
		args.config = global.config;
	log_init("fugue", FG_LOG_TEXT, args.verbose);
	log_set_debug(args.verbose ? "all" : NULL);
	ctx.args = &args;
	ctx.loop = loop;
	ctx.interactive = isatty(STDIN_FILENO) && isatty(fileno(errf));
	ctx.out = out_new(args.json ? OUT_JSON : OUT_TEXT, outf);
	if (isatty(fileno(outf)) && ioctl(fileno(outf), TIOCGWINSZ, &ws) == 0)
		out_set_width(ctx.out, ws.ws_col);
	rc = e->exec(&ctx);
	/* The output first: deleting the reply queue need not delay it. */
	out_free(ctx.out);
	fflush(outf);
	if (ctx.client)
		client_free(ctx.client);
	if (ctx.cfg)
		config_free(ctx.cfg);
	log_set_debug(NULL);
	cmd_args_free(&args);
	return rc;
}

/* The program. */
int
cmd_main(int argc, char **argv)
{
	return cmd_exec(argc, argv, NULL, stdout, stderr);
}
