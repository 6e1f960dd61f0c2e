/* config.c: the Conductor's settings: one table gives each setting's name, type, range,
 * default and help; the config file (YAML), FUGUE_CONDUCTOR_* variables and flags set them. */
#include "config.h"

#include <errno.h>
#include <getopt.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <yaml.h>

#include "conductor.h"

#ifndef CONDUCTOR_CONFIG
#define CONDUCTOR_CONFIG "/etc/fugue/conductor.yaml"
#endif
#ifndef CONDUCTOR_PLUGIN_DIR
#define CONDUCTOR_PLUGIN_DIR "/usr/lib/fugue/plugins"
#endif
#define CONFIG_MAX_SIZE (1024 * 1024)

enum opt_type {
	OPT_STRING,   /* any text ("" allowed) */
	OPT_WORD,     /* one of the words in choices */
	OPT_INT,      /* an integer in [min, max] */
	OPT_LIST,     /* repeated flag, or a YAML sequence */
};

struct opt {
	const char *name;     /* YAML key and --flag */
	enum opt_type type;
	int64_t min, max;
	const char *choices;  /* OPT_WORD: "a|b|c" */
	const char *def;      /* NULL: unset */
	size_t off;           /* in struct config */
	const char *arg;      /* the flag's argument in --help */
	const char *help;
};

#define OFF(f) offsetof(struct config, f)

static const struct opt opts[] = {
	{ "debug", OPT_STRING, 0, 0, NULL, NULL, OFF(debug), "SUBSYS",
	    "debug lines for these comma-separated subsystems, or \"all\"" },
	{ "endpoint", OPT_STRING, 0, 0, NULL, NULL, OFF(endpoint), "URL",
	    "AWS endpoint for every service (default: AWS_ENDPOINT_URL, else AWS's own)" },
	{ "enforcement-interval", OPT_INT, 10, 86400, NULL, "60", OFF(enforcement_interval),
	    "SECONDS", "default enforcement-interval of new processes" },
	{ "lease-duration", OPT_INT, 4, 600, NULL, "15", OFF(lease_duration), "SECONDS",
	    "a lease not renewed this long passes to a standby Conductor" },
	{ "lease-renew", OPT_INT, 1, 200, NULL, "5", OFF(lease_renew), "SECONDS",
	    "the leading Conductor renews its lease this often (lease-duration / 3 at most)" },
	{ "limit", OPT_LIST, 0, 0, NULL, NULL, OFF(limits), "SVC.RW=RATE[/BURST]",
	    "token bucket size, e.g. sqs.write=50 (repeatable)" },
	{ "log-format", OPT_WORD, 0, 0, "auto|text|json", "auto", OFF(log_format), "FORMAT",
	    "log lines as text or JSON (auto: text on a tty)" },
	{ "log-level", OPT_WORD, 0, 0, "warn|info|debug", "info", OFF(log_level), "LEVEL",
	    "least important messages logged (debug: every subsystem unless --debug)" },
	{ "max-connections", OPT_INT, 1, 65536, NULL, "512", OFF(max_connections), "N",
	    "HTTP connections open at once to each AWS endpoint (more calls wait)" },
	{ "max-requests", OPT_INT, 1, 10000, NULL, "100", OFF(max_requests), "N",
	    "requests handled at once before polling pauses" },
	{ "plugin-dir", OPT_STRING, 0, 0, NULL, CONDUCTOR_PLUGIN_DIR, OFF(plugin_dir), "DIRS",
	    "':'-separated directories of broker plugins" },
	{ "poll-wait", OPT_INT, 0, 20, NULL, "20", OFF(poll_wait), "SECONDS",
	    "long-poll wait of the request queue" },
	{ "prefix", OPT_STRING, 0, 0, NULL, "", OFF(prefix), "TEXT",
	    "prepended to every queue, topic, table and bucket name" },
	{ "region", OPT_STRING, 0, 0, NULL, NULL, OFF(region), "REGION",
	    "AWS region (default: AWS_REGION, the profile, instance metadata)" },
	{ "root-secret-file", OPT_STRING, 0, 0, NULL, NULL, OFF(root_secret_file), "FILE",
	    "also write the root user's secret here (mode 0600) at boot" },
	{ "schema-dir", OPT_STRING, 0, 0, NULL, NULL, OFF(schema_dir), "DIR",
	    "read plugin schemas from DIR/<plugin>/schemas (a build tree)" },
};

/* The table entry of a setting name. */
static const struct opt *
opt_find(const char *name)
{
	size_t i;

	for (i = 0; i < FG_ARRAY_LEN(opts); i++)
		if (strcmp(opts[i].name, name) == 0)
			return &opts[i];
	return NULL;
}

/* Whether word is one of the '|'-separated choices. */
static int
word_ok(const char *choices, const char *word)
{
	size_t n = strlen(word);
	const char *p = choices;

	while (p) {
		const char *bar = strchr(p, '|');
		size_t len = bar ? (size_t)(bar - p) : strlen(p);

		if (n > 0 && len == n && strncmp(p, word, n) == 0)
			return 1;
		p = bar ? bar + 1 : NULL;
	}
	return 0;
}

/* Stores value into the setting of o; -1 with *err (prefixed with where). */
static int
opt_store(struct config *cfg, const struct opt *o, const char *value, const char *where,
    char **err)
{
	char *base = (char *)cfg;
	char *end;
	long long v;

	switch (o->type) {
	case OPT_WORD:
		if (!word_ok(o->choices, value)) {
			*err = fg_printf("%s: %s must be one of %s, not \"%s\"", where, o->name,
			    o->choices, value);
			return -1;
		}
		/* FALLTHROUGH */
	case OPT_STRING: {
		char **s = (char **)(void *)(base + o->off);

		free(*s);
		*s = fg_strdup(value);
		return 0;
	}
	case OPT_INT:
		errno = 0;
		v = strtoll(value, &end, 10);
		if (*value == '\0' || *end != '\0' || errno != 0 || v < o->min || v > o->max) {
			*err = fg_printf("%s: %s must be an integer from %lld to %lld, not \"%s\"",
			    where, o->name, (long long)o->min, (long long)o->max, value);
			return -1;
		}
		*(int64_t *)(void *)(base + o->off) = v;
		return 0;
	case OPT_LIST: {
		/* The one list: token bucket sizes, checked by the engine's parser. */
		struct engine_limit l;
		char *lerr = NULL;

		if (engine_limit_parse(value, &l, &lerr) < 0) {
			*err = fg_printf("%s: %s: %s", where, o->name, lerr);
			free(lerr);
			return -1;
		}
		cfg->limits = fg_realloc(cfg->limits, (cfg->nlimits + 1) * sizeof(char *));
		cfg->limits[cfg->nlimits++] = fg_strdup(value);
		return 0;
	}
	}
	return -1;
}

/* Sets one setting by name. */
int
config_set(struct config *cfg, const char *name, const char *value, const char *where,
    char **err)
{
	const struct opt *o = opt_find(name);

	if (o == NULL) {
		*err = fg_printf("%s: unknown setting \"%s\" (see fugue-conductor --help)", where,
		    name);
		return -1;
	}
	return opt_store(cfg, o, value, where, err);
}

/* Frees a configuration. */
void
config_free(struct config *cfg)
{
	size_t i;

	if (cfg == NULL)
		return;
	for (i = 0; i < FG_ARRAY_LEN(opts); i++) {
		char *base = (char *)cfg;

		if (opts[i].type == OPT_STRING || opts[i].type == OPT_WORD)
			free(*(char **)(void *)(base + opts[i].off));
	}
	for (i = 0; i < cfg->nlimits; i++)
		free(cfg->limits[i]);
	free(cfg->limits);
	free(cfg->file);
	free(cfg);
}

/* A configuration with every default. */
static struct config *
config_defaults(void)
{
	struct config *cfg = fg_calloc(1, sizeof(*cfg));
	char *err = NULL;
	size_t i;

	for (i = 0; i < FG_ARRAY_LEN(opts); i++)
		if (opts[i].def && opt_store(cfg, &opts[i], opts[i].def, "default", &err) < 0)
			fatalx("%s", err);
	return cfg;
}

/* "file:line:column" of a YAML node, for messages (caller frees). */
static char *
node_where(const char *path, const yaml_node_t *n)
{
	return fg_printf("%s:%zu:%zu", path, n->start_mark.line + 1, n->start_mark.column + 1);
}

/* Applies one key: value pair of the top-level mapping. */
static int
yaml_pair(struct config *cfg, yaml_document_t *doc, const char *path, yaml_node_pair_t *pair,
    char **err)
{
	yaml_node_t *k = yaml_document_get_node(doc, pair->key);
	yaml_node_t *v = yaml_document_get_node(doc, pair->value);
	char *where = node_where(path, v);
	const struct opt *o;
	yaml_node_item_t *it;
	int rc = -1;

	if (k->type != YAML_SCALAR_NODE) {
		free(where);
		where = node_where(path, k);
		*err = fg_printf("%s: a key must be a setting name", where);
		goto out;
	}
	o = opt_find((const char *)k->data.scalar.value);
	if (o == NULL) {
		free(where);
		where = node_where(path, k);
		*err = fg_printf("%s: unknown setting \"%s\" (see fugue-conductor --help)", where,
		    (const char *)k->data.scalar.value);
		goto out;
	}
	if (v->type == YAML_SCALAR_NODE) {
		rc = opt_store(cfg, o, (const char *)v->data.scalar.value, where, err);
		goto out;
	}
	if (v->type != YAML_SEQUENCE_NODE || o->type != OPT_LIST) {
		*err = fg_printf("%s: %s must be %s", where, o->name,
		    o->type == OPT_LIST ? "a list" : "a single value");
		goto out;
	}
	for (it = v->data.sequence.items.start; it < v->data.sequence.items.top; it++) {
		yaml_node_t *e = yaml_document_get_node(doc, *it);

		free(where);
		where = node_where(path, e);
		if (e->type != YAML_SCALAR_NODE) {
			*err = fg_printf("%s: %s items must be single values", where, o->name);
			goto out;
		}
		if (opt_store(cfg, o, (const char *)e->data.scalar.value, where, err) < 0)
			goto out;
	}
	rc = 0;
out:
	free(where);
	return rc;
}

/* Reads the settings of a YAML document: a mapping of setting names to values. */
int
config_read_yaml(struct config *cfg, const char *path, const char *text, size_t len,
    char **err)
{
	yaml_parser_t parser;
	yaml_document_t doc;
	yaml_node_t *root;
	yaml_node_pair_t *pair;
	int rc = -1;

	if (!yaml_parser_initialize(&parser))
		fatalx("yaml_parser_initialize failed");
	yaml_parser_set_input_string(&parser, (const unsigned char *)text, len);
	if (!yaml_parser_load(&parser, &doc)) {
		yaml_mark_t m = parser.problem ? parser.problem_mark : parser.context_mark;

		*err = fg_printf("%s:%zu:%zu: %s%s%s", path, m.line + 1, m.column + 1,
		    parser.problem ? parser.problem : "malformed YAML",
		    parser.context ? " " : "", parser.context ? parser.context : "");
		yaml_parser_delete(&parser);
		return -1;
	}
	root = yaml_document_get_root_node(&doc);
	if (root == NULL || (root->type == YAML_SCALAR_NODE && root->data.scalar.length == 0)) {
		rc = 0; /* an empty file sets nothing */
		goto out;
	}
	if (root->type != YAML_MAPPING_NODE) {
		char *where = node_where(path, root);

		*err = fg_printf("%s: the file must be a mapping of settings (name: value)", where);
		free(where);
		goto out;
	}
	for (pair = root->data.mapping.pairs.start; pair < root->data.mapping.pairs.top; pair++)
		if (yaml_pair(cfg, &doc, path, pair, err) < 0)
			goto out;
	rc = 0;
out:
	yaml_document_delete(&doc);
	yaml_parser_delete(&parser);
	return rc;
}

/* Reads a config file; a missing file is fine unless must_exist. */
static int
config_read_file(struct config *cfg, const char *path, int must_exist, char **err)
{
	FILE *f = fopen(path, "rb");
	struct fg_buf b;
	char chunk[8192];
	size_t n;
	int rc;

	if (f == NULL) {
		if (errno == ENOENT && !must_exist)
			return 0;
		*err = fg_printf("%s: %s", path, strerror(errno));
		return -1;
	}
	fg_buf_init(&b);
	while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0) {
		fg_buf_add(&b, chunk, n);
		if (b.len > CONFIG_MAX_SIZE) {
			*err = fg_printf("%s: larger than %d bytes", path, CONFIG_MAX_SIZE);
			fclose(f);
			fg_buf_free(&b);
			return -1;
		}
	}
	if (ferror(f)) {
		*err = fg_printf("%s: %s", path, strerror(errno));
		fclose(f);
		fg_buf_free(&b);
		return -1;
	}
	fclose(f);
	rc = config_read_yaml(cfg, path, b.data ? b.data : "", b.len, err);
	fg_buf_free(&b);
	if (rc == 0) {
		free(cfg->file);
		cfg->file = fg_strdup(path);
	}
	return rc;
}

/* FUGUE_CONDUCTOR_<NAME> for a setting name (caller frees). */
static char *
env_name(const char *name)
{
	char *v = fg_printf("FUGUE_CONDUCTOR_%s", name), *p;

	for (p = v; *p; p++)
		*p = *p == '-' ? '_' : (char)(*p >= 'a' && *p <= 'z' ? *p - 'a' + 'A' : *p);
	return v;
}

/* Builds the configuration: defaults, file, environment, flags. */
struct config *
config_load(const struct config_cli *cli, char **err)
{
	struct config *cfg = config_defaults();
	size_t i;

	if (config_read_file(cfg, cli->file ? cli->file : CONDUCTOR_CONFIG, cli->file != NULL,
	    err) < 0)
		goto bad;
	for (i = 0; i < FG_ARRAY_LEN(opts); i++) {
		char *var = env_name(opts[i].name);
		const char *val = getenv(var);
		int rc = 0;

		if (val && *val)
			rc = opt_store(cfg, &opts[i], val, var, err);
		free(var);
		if (rc < 0)
			goto bad;
	}
	for (i = 0; i < cli->n; i++) {
		char *where = fg_printf("--%s", cli->names[i]);
		int rc = config_set(cfg, cli->names[i], cli->values[i], where, err);

		free(where);
		if (rc < 0)
			goto bad;
	}
	if (cfg->lease_renew * 3 > cfg->lease_duration) {
		*err = fg_printf("lease-renew (%lld s) must be at most a third of lease-duration "
		    "(%lld s)", (long long)cfg->lease_renew, (long long)cfg->lease_duration);
		goto bad;
	}
	return cfg;
bad:
	config_free(cfg);
	return NULL;
}

/* Parses the command line into cli; -1 with *err on a bad flag. */
int
config_cli_parse(struct config_cli *cli, int argc, char **argv, char **err)
{
	struct option lopts[FG_ARRAY_LEN(opts) + 4];
	size_t i, n = 0;
	int c, idx;

	memset(cli, 0, sizeof(*cli));
	for (i = 0; i < FG_ARRAY_LEN(opts); i++)
		lopts[n++] = (struct option){ opts[i].name, required_argument, NULL, 0 };
	lopts[n++] = (struct option){ "config", required_argument, NULL, 'c' };
	lopts[n++] = (struct option){ "help", no_argument, NULL, 'h' };
	lopts[n++] = (struct option){ "version", no_argument, NULL, 'V' };
	lopts[n] = (struct option){ NULL, 0, NULL, 0 };
	optind = 1;
	opterr = 0;
	while ((c = getopt_long(argc, argv, "c:hV", lopts, &idx)) != -1) {
		switch (c) {
		case 0:
			cli->names = fg_realloc(cli->names, (cli->n + 1) * sizeof(char *));
			cli->values = fg_realloc(cli->values, (cli->n + 1) * sizeof(char *));
			cli->names[cli->n] = fg_strdup(lopts[idx].name);
			cli->values[cli->n++] = fg_strdup(optarg);
			break;
		case 'c':
			free(cli->file);
			cli->file = fg_strdup(optarg);
			break;
		case 'h':
			cli->help = 1;
			break;
		case 'V':
			cli->version = 1;
			break;
		default:
			*err = fg_printf("%s: unknown option or missing argument (see --help)",
			    argv[optind - 1]);
			config_cli_free(cli);
			return -1;
		}
	}
	if (optind < argc) {
		*err = fg_printf("unexpected argument \"%s\"", argv[optind]);
		config_cli_free(cli);
		return -1;
	}
	return 0;
}

/* Frees what config_cli_parse kept. */
void
config_cli_free(struct config_cli *cli)
{
	size_t i;

	for (i = 0; i < cli->n; i++) {
		free(cli->names[i]);
		free(cli->values[i]);
	}
	free(cli->names);
	free(cli->values);
	free(cli->file);
	memset(cli, 0, sizeof(*cli));
}

/* Prints the usage and every setting with its default. */
void
config_usage(FILE *f)
{
	size_t i;

	fprintf(f, "usage: fugue-conductor [--config FILE] [--SETTING VALUE ...]\n"
	    "       fugue-conductor --help | --version\n\n"
	    "Runs the Fugue Conductor in the foreground. Settings come from the config file\n"
	    "(default %s), FUGUE_CONDUCTOR_<SETTING> variables, then flags.\n\n"
	    "  -c, --config FILE                   read settings from FILE\n"
	    "  -h, --help                          show this help\n"
	    "  -V, --version                       show the version\n", CONDUCTOR_CONFIG);
	for (i = 0; i < FG_ARRAY_LEN(opts); i++) {
		const struct opt *o = &opts[i];
		char *flag = fg_printf("--%s %s", o->name, o->arg);

		fprintf(f, "      %-30s  %s", flag, o->help);
		if (o->type == OPT_INT)
			fprintf(f, " [%lld-%lld]", (long long)o->min, (long long)o->max);
		if (o->def && *o->def)
			fprintf(f, " (default %s)", o->def);
		fputc('\n', f);
		free(flag);
	}
}

/* Sets up logging from the settings. */
void
config_apply_log(const struct config *cfg)
{
	enum fg_log_format fmt = FG_LOG_AUTO;

	if (strcmp(cfg->log_format, "text") == 0)
		fmt = FG_LOG_TEXT;
	else if (strcmp(cfg->log_format, "json") == 0)
		fmt = FG_LOG_JSON;
	log_init("fugue-conductor", fmt, strcmp(cfg->log_level, "warn") != 0);
	if (cfg->debug && *cfg->debug)
		log_set_debug(cfg->debug);
	else
		log_set_debug(strcmp(cfg->log_level, "debug") == 0 ? "all" : NULL);
}
