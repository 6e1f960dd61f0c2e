/* plugin-driver.c: drives broker plugins through the Conductor's real loader and host, and the
 * engine itself (memory-only resources table), one command per line on stdin, for the
 * scenarios in plugins.py. Fields are separated by tabs; every answer is one line (a sweep
 * answers one line per resource, then "done").
 *
 *   op KIND TYPE LID PHYSICAL|- DESIRED [OBSERVED]   KIND: create, read, update, delete
 *       -> ok PHYSICAL|- OBSERVED|-   or   error STATUS MESSAGE
 *   sweep TYPE REGION|- PHYSICAL...  -> found PHYSICAL OBSERVED ..., then done ok|STATUS MESSAGE
 *       (- for global types: IAM)
 *   apply FILE [dry] | enforce | kill [dry] | recover  -> ok|fail MESSAGE PLAN
 *   status -> the process's resources (JSON)
 *
 * The desired properties of op are completed as the engine completes them (defaults, the
 * fugue:fid tag "fid-driver" and fugue:id the logical id).
 * Usage: plugin-driver PLUGIN_DIRS SCHEMA_DIR [STORE_PREFIX]: with a prefix, the resources
 * table is the DynamoDB table STORE_PREFIX"fugue-resources" (it must exist). */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "engine_int.h"
#include "http.h"
#include "store.h"

#define FID "fid-driver"
#define ACCOUNT "000000000000"
#define MAX_FIELDS 1280 /* a sweep line names up to 1,277 resources (tests/bench: 1,200) */

static const char *const status_names[] = { "ok", "retryable", "throttled", "not-found",
	"conflict", "invalid", "fatal" };

struct driver {
	struct fg_loop *loop;
	struct engine *e;
	struct fg_buf out;
};

/* Parses JSON text; NULL (and a message on stdout) when it does not parse. */
static fg_json
parse(const char *text)
{
	char *err = NULL;
	fg_json v = fg_json_parse(text, strlen(text), &err);

	if (v == NULL) {
		printf("error usage bad JSON: %s\n", err);
		free(err);
	}
	return v;
}

/* An operation ended. */
static void
on_op_end(struct fugue_op *op, enum fugue_status st, const char *observed, const char *msg,
    void *arg)
{
	struct driver *d = arg;

	if (st == FUGUE_OK)
		fg_buf_addf(&d->out, "ok\t%s\t%s", host_api.op_physical_id(op) ?
		    host_api.op_physical_id(op) : "-", observed ? observed : "-");
	else
		fg_buf_addf(&d->out, "error\t%s\t%s", status_names[st], msg);
	fg_loop_exit(d->loop);
}

/* op KIND TYPE LID PHYSICAL DESIRED [OBSERVED] */
static void
cmd_op(struct driver *d, char **f, size_t n)
{
	static const char *const kinds[] = { "create", "read", "update", "delete" };
	const struct ptype *pt;
	struct op_spec s;
	fg_json desired, complete, observed = NULL;
	int kind = -1;

	for (int i = 0; i < 4; i++)
		if (n >= 6 && strcmp(f[1], kinds[i]) == 0)
			kind = i;
	if (kind < 0 || (pt = plugins_type(d->e->plugins, f[2])) == NULL) {
		printf("error usage op KIND TYPE LID PHYSICAL DESIRED [OBSERVED]\n");
		return;
	}
	if ((desired = parse(f[5])) == NULL)
		return;
	if (n > 6 && (observed = parse(f[6])) == NULL) {
		fg_json_free(desired);
		return;
	}
	complete = desired_complete(pt, desired, FID, f[3]);
	memset(&s, 0, sizeof(s));
	s.account = ACCOUNT;
	s.fid = FID;
	s.lid = f[3];
	s.region = fg_json_str(fg_json_get(complete, "Region"));
	s.physical = strcmp(f[4], "-") == 0 ? NULL : f[4];
	s.token = "token-driver";
	s.desired = complete;
	s.observed = observed;
	s.prio = PRIO_USER;
	host_op_start(d->e->host, pt, (enum op_kind)kind, &s, on_op_end, NULL, d);
	fg_loop_run(d->loop);
	printf("%s\n", d->out.data);
	fg_json_free(complete);
	fg_json_free(desired);
	fg_json_free(observed);
}

/* A sweep reported a resource. */
static void
on_found(struct fugue_sweep *sw, const char *physical, const char *observed, void *arg)
{
	(void)sw;
	(void)arg;
	printf("found\t%s\t%s\n", physical, observed);
}

/* A sweep ended. */
static void
on_swept(struct fugue_sweep *sw, enum fugue_status st, const char *msg, void *arg)
{
	struct driver *d = arg;

	(void)sw;
	if (st == FUGUE_OK)
		fg_buf_addstr(&d->out, "done\tok");
	else
		fg_buf_addf(&d->out, "done\t%s\t%s", status_names[st], msg);
	fg_loop_exit(d->loop);
}

/* sweep TYPE REGION PHYSICAL... */
static void
cmd_sweep(struct driver *d, char **f, size_t n)
{
	const struct ptype *pt;

	if (n < 3 || (pt = plugins_type(d->e->plugins, f[1])) == NULL || pt->t->sweep == NULL) {
		printf("done\tusage\tsweep TYPE REGION PHYSICAL...\n");
		return;
	}
	host_sweep_start(d->e->host, pt, ACCOUNT, strcmp(f[2], "-") == 0 ? NULL : f[2], FID,
	    (const char *const *)f + 3, n - 3, on_found, on_swept, d);
	fg_loop_run(d->loop);
	printf("%s\n", d->out.data);
}

/* An engine job ended. */
static void
on_job(void *arg, int ok, const char *message, fg_json plan)
{
	struct driver *d = arg;
	struct fg_jw w;

	fg_jw_init(&w, 0);
	if (plan != NULL)
		fg_jw_value(&w, plan);
	else
		fg_jw_null(&w);
	fg_buf_addf(&d->out, "%s\t%s\t%s", ok ? "ok" : "fail", message, fg_jw_text(&w));
	fg_jw_free(&w);
	fg_loop_exit(d->loop);
}

/* Reads a whole file; NULL with a message. */
static char *
slurp(const char *path)
{
	FILE *f = fopen(path, "rb");
	struct fg_buf b;
	char chunk[4096];
	size_t n;

	if (f == NULL) {
		printf("fail\tcannot open %s\tnull\n", path);
		return NULL;
	}
	fg_buf_init(&b);
	while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0)
		fg_buf_add(&b, chunk, n);
	fclose(f);
	fg_buf_addstr(&b, "");
	return fg_buf_detach(&b);
}

/* apply FILE [dry], enforce, kill [dry], recover */
static void
cmd_job(struct driver *d, char **f, size_t n)
{
	struct engine_process p = { FID, ACCOUNT, 0, 0 };
	int dry = n > 1 && strcmp(f[n - 1], "dry") == 0;

	if (strcmp(f[0], "apply") == 0) {
		char *text = n > 1 ? slurp(f[1]) : NULL;
		fg_json c;

		if (text == NULL)
			return;
		c = parse(text);
		free(text);
		if (c == NULL)
			return;
		engine_apply(d->e, &p, c, dry, on_job, d);
		fg_json_free(c);
	} else if (strcmp(f[0], "enforce") == 0)
		engine_enforce(d->e, FID, on_job, d);
	else if (strcmp(f[0], "recover") == 0)
		engine_recover(d->e, on_job, d);
	else
		engine_kill(d->e, FID, dry, on_job, d);
	fg_loop_run(d->loop);
	printf("%s\n", d->out.data);
}

/* status */
static void
cmd_status(struct driver *d)
{
	struct fg_jw w;

	fg_jw_init(&w, 0);
	if (engine_status(d->e, FID, &w) < 0)
		fg_jw_null(&w);
	printf("%s\n", fg_jw_text(&w));
	fg_jw_free(&w);
}

/* Splits a line at tabs. */
static size_t
split(char *line, char **f)
{
	size_t n = 0;

	line[strcspn(line, "\r\n")] = '\0';
	while (n < MAX_FIELDS) {
		f[n++] = line;
		line = strchr(line, '\t');
		if (line == NULL)
			break;
		*line++ = '\0';
	}
	return n;
}

int
main(int argc, char **argv)
{
	struct driver d;
	struct engine_config cfg;
	struct fg_http_opts ho;
	struct fg_http_client *http;
	struct fg_aws_env *env;
	struct fg_aws *aws = NULL;
	struct store *store = NULL;
	char *err = NULL, *line = NULL, *f[MAX_FIELDS];
	size_t cap = 0;

	if (argc != 3 && argc != 4) {
		fprintf(stderr, "usage: plugin-driver PLUGIN_DIRS SCHEMA_DIR [STORE_PREFIX]\n");
		return 2;
	}
	log_init("plugin-driver", FG_LOG_TEXT, 0);
	log_set_debug(getenv("DRIVER_DEBUG"));
	memset(&d, 0, sizeof(d));
	d.loop = fg_loop_new();
	fg_http_opts_default(&ho);
	http = fg_http_client_new(d.loop, &ho);
	env = fg_aws_env_new(d.loop, NULL);
	if (argc == 4) {
		aws = fg_aws_new(d.loop, http, env, NULL);
		store = store_new(aws, argv[3], NULL);
	}
	memset(&cfg, 0, sizeof(cfg));
	cfg.plugin_dir = argv[1];
	cfg.schema_dir = argv[2];
	d.e = engine_new(d.loop, http, env, store, &cfg, &err);
	if (d.e == NULL) {
		fprintf(stderr, "plugin-driver: %s\n", err);
		return 1;
	}
	setvbuf(stdout, NULL, _IOLBF, 0);
	printf("ready\n");
	while (getline(&line, &cap, stdin) > 0) {
		size_t n = split(line, f);

		fg_buf_reset(&d.out);
		fg_buf_addstr(&d.out, "");
		if (strcmp(f[0], "op") == 0)
			cmd_op(&d, f, n);
		else if (strcmp(f[0], "sweep") == 0)
			cmd_sweep(&d, f, n);
		else if (strcmp(f[0], "apply") == 0 || strcmp(f[0], "enforce") == 0 ||
		    strcmp(f[0], "kill") == 0 || strcmp(f[0], "recover") == 0)
			cmd_job(&d, f, n);
		else if (strcmp(f[0], "status") == 0)
			cmd_status(&d);
		else if (strcmp(f[0], "quit") == 0)
			break;
		else
			printf("error\tusage\tunknown command %s\n", f[0]);
	}
	free(line);
	fg_buf_free(&d.out);
	engine_free(d.e);
	store_free(store);
	fg_aws_free(aws);
	fg_aws_env_free(env);
	fg_http_client_free(http);
	fg_loop_free(d.loop);
	return 0;
}
