/* cmd.h: the fugue CLI's private header: the command table and option parsing, exit codes, the
 * output layer, settings and credentials, the request/reply path to the Conductor, and
 * compositions. Prototypes are grouped by the file that defines them. */
#ifndef FUGUE_CLI_CMD_H
#define FUGUE_CLI_CMD_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "base.h"
#include "json.h"

struct cli_config;
struct client;

/* The version of the CLI <-> Conductor protocol this CLI speaks (doc/protocol.md).
 * BUMP IT with core/conductor/protocol.h and schemas/{request,reply}.schema.json for any
 * incompatible change. */
#define CLI_PROTO_VERSION 1
#define CLI_MAX_MESSAGE (256 * 1024) /* bytes of an envelope or a reply (SQS's limit) */

/* Exit codes, documented in `fugue --help` and fugue(1). */
enum {
	EXIT_OK = 0,
	EXIT_ERROR = 1,       /* an error reply from the Conductor, or any other failure */
	EXIT_USAGE = 2,       /* bad command line */
	EXIT_NOT_FOUND = 3,   /* no such process (NotFound) */
	EXIT_NO_REPLY = 4,    /* no Conductor answered: timeout, or no request queue */
	EXIT_COMPILE = 5,     /* the composition does not compile */
	EXIT_INTERRUPTED = 130, /* Ctrl-C (SIGINT) or SIGTERM */
};

struct out;
struct cmd_ctx;

/* cmd.c: the command table, generic option parsing, usage and help. */
struct cmd_opt {
	const char *name; /* long name, "dry-run" */
	char letter;      /* short name, or 0 */
	const char *arg;  /* the argument's name in help ("ALIAS"), NULL for a flag */
	const char *help;
};
#define CMD_OPT_END { NULL, 0, NULL, NULL }

struct cmd_entry {
	const char *name;
	const char *args;           /* positionals in the usage line: "ALIAS|FID FILE.lw" */
	const char *summary;        /* one line for `fugue --help` */
	const char *help;           /* what `fugue CMD --help` explains, after the usage line */
	const struct cmd_opt *opts; /* the command's own options, ending with CMD_OPT_END */
	int min_args, max_args;     /* positionals; max -1: any number */
	int (*exec)(struct cmd_ctx *);
};

/* What a command line said: the command's options by name, the common ones, positionals. */
struct cmd_args {
	const struct cmd_entry *entry;
	const char **values; /* per entry->opts: the value, "" for a flag, NULL when absent */
	char **argv;         /* positionals */
	int argc;
	int json, yes, help, verbose, version;
	const char *config;  /* --config FILE */
};

/* What a command runs with. */
struct cmd_ctx {
	struct cmd_args *args;
	struct out *out;
	FILE *outf;                /* help text (stdout); results go through out */
	FILE *err;                 /* messages (stderr) */
	int interactive;           /* stdin and stderr are terminals: prompts are allowed */
	struct fg_loop *loop;      /* NULL: the client makes its own */
	struct cli_config *cfg;    /* loaded by cmd_client */
	struct client *client;     /* made by cmd_client, freed after the command */
};

extern const struct cmd_entry *const cmd_table[];
extern const struct cmd_opt cmd_common_opts[];
const struct cmd_entry *cmd_find(const char *name);
/* Parses argv (argv[0] is the first word after the command) against e's options and the
 * common ones, options and positionals in any order ("--" ends options). -1 with *err
 * (caller frees) on a usage error. */
int cmd_parse(const struct cmd_entry *e, int argc, char **argv, struct cmd_args *, char **err);
void cmd_args_free(struct cmd_args *);
/* The value of option name (NULL when absent; "" for a flag given). */
const char *args_get(const struct cmd_args *, const char *name);
int args_has(const struct cmd_args *, const char *name);
void cmd_usage(FILE *, const struct cmd_entry *);
void cmd_help(FILE *, const struct cmd_entry *);
void cmd_main_help(FILE *);
/* The whole program: global options, the command, its exit code. */
int cmd_main(int argc, char **argv);
/* The same with the streams and the loop given (tests). */
int cmd_exec(int argc, char **argv, struct fg_loop *, FILE *out, FILE *err);
/* The settings, credentials and a client for the Conductor (made once per command); the exit
 * code of a failure, after its message. */
int cmd_client(struct cmd_ctx *, struct client **);
/* An error message on ctx->err: "fugue: ...". */
void cmd_error(struct cmd_ctx *, const char *fmt, ...) FG_PRINTF(2, 3);
/* Asks a yes/no question on the terminal; 1 for yes. */
int cmd_confirm(struct cmd_ctx *, const char *fmt, ...) FG_PRINTF(2, 3);
/* Asks for a value on the terminal (without echo when secret); the default def (may be NULL)
 * for an empty answer. NULL at end of input. Caller frees. */
char *cmd_prompt(struct cmd_ctx *, const char *question, const char *def, int secret);

/* The commands (cmd-<verb>.c). */
extern const struct cmd_entry cmd_help_entry;
extern const struct cmd_entry cmd_history_entry;
extern const struct cmd_entry cmd_init_entry;
extern const struct cmd_entry cmd_kill_entry;
extern const struct cmd_entry cmd_property_entry;
extern const struct cmd_entry cmd_resume_entry;
extern const struct cmd_entry cmd_run_entry;
extern const struct cmd_entry cmd_status_entry;
extern const struct cmd_entry cmd_suspend_entry;
extern const struct cmd_entry cmd_update_entry;
extern const struct cmd_entry cmd_version_entry;

/* output.c: one output layer, two writers. A command emits a tree (objects, lists, values);
 * the JSON writer prints it as JSON, the text writer prints the tables a view asks for. */
enum out_format { OUT_TEXT, OUT_JSON };
enum out_shape {
	OUT_ROWS,  /* a list of objects: one row each */
	OUT_ROW,   /* an object: one row */
	OUT_PAIRS, /* an object: one row per member, name and value */
};
struct out_col {
	const char *key;
	const char *title;
	int time; /* an RFC 3339 time, shown as local "YYYY-MM-DD HH:MM:SS" */
};
struct out_view {
	const char *path;          /* where in the tree: "" the top, "processes", "a/b" */
	enum out_shape shape;
	const struct out_col *cols; /* OUT_PAIRS: two titles, or NULL for no header */
	size_t ncols;
	const char *empty;         /* text for an empty table, or NULL for none */
};
struct out *out_new(enum out_format, FILE *);
/* Prints what is pending and frees. */
void out_free(struct out *);
/* Text: cut the last column of table rows so that lines fit in cols (a terminal's width; 0,
 * the default: no limit). */
void out_set_width(struct out *, unsigned cols);
/* Views apply to the containers opened after this call (copied; may be NULL). */
void out_views(struct out *, const struct out_view *, size_t);
void out_begin_obj(struct out *, const char *key); /* key NULL at the top or in a list */
void out_begin_list(struct out *, const char *key);
void out_end(struct out *);
void out_str(struct out *, const char *key, const char *);
void out_int(struct out *, const char *key, int64_t);
/* A parsed value, as a tree (objects and lists open views of their own). */
void out_value(struct out *, const char *key, fg_json);
/* A line of text (text writer only), printed in order with the tables. */
void out_line(struct out *, const char *fmt, ...) FG_PRINTF(2, 3);
/* The text of a time cell: RFC 3339 shown in local time; other text unchanged (caller frees). */
char *out_time_text(const char *);

/* config.c: settings (fugue.yaml) and credentials, found in ./, ~/.fugue/, SYSCONFDIR/fugue/. */
struct cli_config {
	char *file;          /* the fugue.yaml read, or NULL */
	char *region;        /* NULL: the AWS chain's */
	char *endpoint;      /* NULL: the AWS chain's */
	char *profile;       /* NULL: the AWS chain's */
	char *prefix;        /* in front of every queue and bucket name ("" by default) */
	int64_t timeout;     /* seconds to wait for the Conductor's reply */
	char *cred_file;     /* the credentials file read, or NULL */
	char *user;
	char *secret;
};
#define CLI_CONFIG_NAME "fugue.yaml"
#define CLI_CREDENTIALS_NAME "fugue-credentials"
#define CLI_DEFAULT_TIMEOUT 60
/* The directories searched, in order: "." , $HOME/.fugue (left out without HOME) and
 * SYSCONFDIR/fugue; returns their count (caller frees each). */
size_t config_dirs(char *dirs[3]);
/* Settings: defaults, then the file (file, or the first fugue.yaml found; none is fine), then
 * FUGUE_* variables. NULL with *err (caller frees). */
struct cli_config *config_load(const char *file, char **err);
/* The credentials file (user and secret): the first one found; -1 with *err otherwise. */
int config_load_credentials(struct cli_config *, char **err);
void config_free(struct cli_config *);
/* One setting by name ("region"); where is for messages. */
int config_set(struct cli_config *, const char *name, const char *value, const char *where,
    char **err);
/* Checks of values that init writes too. */
int config_check_user(const char *, char **err);
int config_check_secret(const char *, char **err);
/* Writes a YAML mapping of keys to strings (mode 0600 when secret), atomically. */
int config_write(const char *path, const char *const *keys, const char *const *vals, size_t n,
    int secret, char **err);
/* Calls fn for each key: value of a YAML mapping of scalars; -1 with *err (caller frees). */
int config_read_map(const char *path, const char *text, size_t len,
    int (*fn)(void *arg, const char *key, const char *value, const char *where, char **err),
    void *arg, char **err);

/* client.c: the request/reply path to the Conductor over SQS (doc/protocol.md). */
struct reply {
	fg_json doc;         /* the whole reply */
	int ok;
	fg_json result;      /* ok: the result */
	const char *code;    /* !ok: the error */
	const char *message;
};
/* The loop NULL: the client makes its own. progress: draw a spinner on this terminal (NULL:
 * none). The settings are used, not copied. */
struct client *client_new(struct fg_loop *, const struct cli_config *, FILE *progress);
/* Deletes the reply queue (if one was made), then frees. */
void client_free(struct client *);
/* Sends command with args (a JSON object's text, or NULL) and waits for its reply. Returns
 * EXIT_OK with *rep filled (the reply may be an error), or another exit code with *err. */
int client_request(struct client *, const char *command, int dry_run, const char *args,
    struct reply *rep, char **err);
/* The account (STS GetCallerIdentity, cached per access key and endpoint) and region. */
int client_account(struct client *, const char **account, const char **region, char **err);
/* Puts an object into the Conductor's bucket. */
int client_put(struct client *, const char *key, const char *content_type, const char *body,
    size_t len, char **err);

/* proto.c: the protocol's messages, with no I/O. */
void reply_free(struct reply *);
/* Parses a reply: 0 when it answers id, 1 when it answers another request (skip it), -1 with
 * *err when malformed. */
int reply_parse(const char *text, size_t len, const char *id, struct reply *, char **err);
/* The request body (doc/protocol.md) and its envelope, signed with secret. */
char *request_body(const char *id, const char *time, const char *reply_to, const char *command,
    int dry_run, const char *args);
char *envelope_build(const char *user, const char *secret, const char *body);
void envelope_hmac(const char *secret, const char *body, size_t len, char out[65]);
/* The args object of a request from name/value pairs ending with NULL; a NULL value leaves its
 * name out (caller frees). */
char *request_args(const char *name, ...);
/* A new request id (UUIDv4) and the time now (RFC 3339 with milliseconds). */
void request_id(char out[37]);
void request_time(char out[32]);

/* compose.c: compositions for run and update. */
struct composition {
	char *text;      /* the compiled composition (JSON), exactly as uploaded */
	char hash[65];   /* SHA-256 of text, hex */
	char *key;       /* compositions/<hash>.json */
};
/* Compiles file with liblwc; EXIT_OK, or EXIT_COMPILE after the diagnostics were printed on
 * diag. */
int compose_compile(const char *file, int werror, FILE *diag, struct composition *);
/* Uploads it to the Conductor's bucket. */
int compose_upload(struct client *, const struct composition *, char **err);
void compose_free(struct composition *);
/* run and update: compiles file (--werror), uploads it and sends command with the
 * composition, the process (update) or the alias (run); shows the process, or the plan of a
 * dry run (--dry-run). */
int compose_send(struct cmd_ctx *, const char *command, const char *file, const char *process,
    const char *alias);

/* show.c: how the Conductor's results are shown, shared by the commands. */
#define SHOW_PROCESS_NCOLS 7
extern const struct out_col show_process_cols[SHOW_PROCESS_NCOLS];
/* The exit code of an error reply: EXIT_NOT_FOUND for NotFound, else EXIT_ERROR. */
int show_error_code(const char *code);
/* Shows a reply: a result with the views of a command, or an error (exit code returned). */
int show_reply(struct cmd_ctx *, const struct reply *, const struct out_view *, size_t nviews);
/* One request to the Conductor and its reply shown: the common path of most commands. */
int show_request(struct cmd_ctx *, const char *command, int dry_run, const char *args,
    const struct out_view *, size_t nviews);
/* suspend, resume, kill: command on the process argv[0]; shows the process, or the plan of a
 * dry run. */
int show_process_command(struct cmd_ctx *, const char *command, int dry_run);
/* The views of a process record (a row, with its resources when listed), of a dry run's
 * plan, of a process's properties. */
extern const struct out_view show_process_views[];
extern const size_t show_process_nviews;
extern const struct out_view show_plan_view;
extern const struct out_view show_properties_view;

#endif
