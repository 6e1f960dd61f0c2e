/* config.c: the CLI's settings (fugue.yaml, FUGUE_* variables) from one table, and the Fugue
 * credentials file, found in ./, ~/.fugue/ and SYSCONFDIR/fugue/; YAML through libyaml. */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <yaml.h>

#include "cmd.h"

#ifndef FUGUE_SYSCONFDIR
#define FUGUE_SYSCONFDIR "/etc/fugue"
#endif
#define FILE_MAX (64 * 1024)
#define PREFIX_MAX 24
#define USER_MAX 64

enum setting_type {
	SET_STRING, /* text; "" means unset */
	SET_PREFIX, /* lower-case letters, digits and '-', "" allowed */
	SET_REGION, /* an AWS region name */
	SET_URL,    /* an absolute http(s) URL */
	SET_SECONDS,
};

struct setting {
	const char *name; /* key in fugue.yaml */
	const char *env;  /* the variable that overrides it */
	enum setting_type type;
	size_t off;       /* in struct cli_config */
	int64_t min, max; /* SET_SECONDS */
	const char *help;
};

#define OFF(f) offsetof(struct cli_config, f)

static const struct setting settings[] = {
	{ "endpoint", "FUGUE_ENDPOINT", SET_URL, OFF(endpoint), 0, 0,
	    "AWS endpoint URL for every service (default: AWS_ENDPOINT_URL, else AWS's own)" },
	{ "prefix", "FUGUE_PREFIX", SET_PREFIX, OFF(prefix), 0, 0,
	    "prepended to the Conductor's queue and bucket names, as its --prefix" },
	{ "profile", "FUGUE_PROFILE", SET_STRING, OFF(profile), 0, 0,
	    "AWS profile of ~/.aws/config and ~/.aws/credentials (default: AWS_PROFILE)" },
	{ "region", "FUGUE_REGION", SET_REGION, OFF(region), 0, 0,
	    "AWS region of the Conductor (default: AWS_REGION, the profile's)" },
	{ "timeout", "FUGUE_TIMEOUT", SET_SECONDS, OFF(timeout), 1, 3600,
	    "seconds to wait for the Conductor's reply (default 60)" },
};

/* The directories searched, in order. */
size_t
config_dirs(char *dirs[3])
{
	const char *home = getenv("HOME");
	size_t n = 0;

	dirs[n++] = fg_strdup(".");
	if (home && *home)
		dirs[n++] = fg_printf("%s/.fugue", home);
	dirs[n++] = fg_strdup(FUGUE_SYSCONFDIR);
	return n;
}

/* Reads a whole (small) file; NULL with *err, errno kept for ENOENT. */
static char *
read_file(const char *path, size_t *len, char **err)
{
	struct fg_buf b;
	char chunk[4096];
	size_t n;
	FILE *f;
	int e;

	if ((f = fopen(path, "r")) == NULL) {
		e = errno;
		*err = fg_printf("%s: %s", path, strerror(e));
		errno = e;
		return NULL;
	}
	fg_buf_init(&b);
	while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0) {
		fg_buf_add(&b, chunk, n);
		if (b.len > FILE_MAX) {
			*err = fg_printf("%s: larger than %d bytes", path, FILE_MAX);
			goto fail;
		}
	}
	if (ferror(f)) {
		*err = fg_printf("%s: %s", path, strerror(errno));
		goto fail;
	}
	fclose(f);
	*len = b.len;
	errno = 0;
	return fg_buf_detach(&b);
fail:
	fclose(f);
	fg_buf_free(&b);
	errno = EIO;
	return NULL;
}

/* "path:line:column" of a libyaml mark (1-based). */
static char *
where_of(const char *path, yaml_mark_t m)
{
	return fg_printf("%s:%zu:%zu", path, m.line + 1, m.column + 1);
}

/* Reads a YAML mapping of scalars and calls fn for each pair. */
int
config_read_map(const char *path, const char *text, size_t len,
    int (*fn)(void *, const char *, const char *, const char *, char **), void *arg, char **err)
{
	yaml_parser_t p;
	yaml_event_t ev;
	char *key = NULL, *where = NULL;
	int rc = -1, depth = 0, done = 0, seen_map = 0;

	if (!yaml_parser_initialize(&p))
		fatalx("libyaml: out of memory");
	yaml_parser_set_input_string(&p, (const unsigned char *)text, len);
	while (!done) {
		if (!yaml_parser_parse(&p, &ev)) {
			*err = fg_printf("%s:%zu:%zu: %s", path, p.problem_mark.line + 1,
			    p.problem_mark.column + 1, p.problem ? p.problem : "malformed YAML");
			goto out;
		}
		switch (ev.type) {
		case YAML_STREAM_END_EVENT:
			done = 1;
			break;
		case YAML_DOCUMENT_START_EVENT:
			if (seen_map) {
				*err = fg_printf("%s: one YAML document only", path);
				goto bad;
			}
			break;
		case YAML_MAPPING_START_EVENT:
			if (depth++ == 0 && !seen_map && key == NULL) {
				seen_map = 1;
				break;
			}
			/* FALLTHROUGH */
		case YAML_SEQUENCE_START_EVENT:
			where = where_of(path, ev.start_mark);
			*err = key ? fg_printf("%s: %s must be a string", where, key) :
			    fg_printf("%s: expected a mapping of settings (key: value)", where);
			goto bad;
		case YAML_ALIAS_EVENT:
			where = where_of(path, ev.start_mark);
			*err = fg_printf("%s: aliases are not allowed here", where);
			goto bad;
		case YAML_SCALAR_EVENT:
			if (depth == 0 && ev.data.scalar.length == 0 && ev.data.scalar.plain_implicit)
				break; /* an empty document */
			if (depth == 0) {
				where = where_of(path, ev.start_mark);
				*err = fg_printf("%s: expected a mapping of settings (key: value)",
				    where);
				goto bad;
			}
			if (key == NULL) {
				key = fg_strdup((const char *)ev.data.scalar.value);
				break;
			}
			where = where_of(path, ev.start_mark);
			if (fn(arg, key, (const char *)ev.data.scalar.value, where, err) < 0)
				goto bad;
			free(where);
			where = NULL;
			free(key);
			key = NULL;
			break;
		case YAML_MAPPING_END_EVENT:
			depth--;
			break;
		default:
			break;
		}
		yaml_event_delete(&ev);
	}
	rc = 0;
	goto out;
bad:
	yaml_event_delete(&ev);
out:
	free(key);
	free(where);
	yaml_parser_delete(&p);
	return rc;
}

/* The setting called name, or NULL. */
static const struct setting *
setting_find(const char *name)
{
	size_t i;

	for (i = 0; i < FG_ARRAY_LEN(settings); i++)
		if (strcmp(settings[i].name, name) == 0)
			return &settings[i];
	return NULL;
}

/* Whether s is made of the characters in set only. */
static int
only(const char *s, const char *set)
{
	return strspn(s, set) == strlen(s);
}

#define LOWER_DIGITS "abcdefghijklmnopqrstuvwxyz0123456789-"

/* Checks and stores one setting. */
int
config_set(struct cli_config *cfg, const char *name, const char *value, const char *where,
    char **err)
{
	const struct setting *s = setting_find(name);
	char **str, *end, *uerr = NULL;
	struct fg_url u;
	long long v;
	size_t i;

	if (s == NULL) {
		struct fg_buf names;

		fg_buf_init(&names);
		for (i = 0; i < FG_ARRAY_LEN(settings); i++)
			fg_buf_addf(&names, "%s%s", i ? ", " : "", settings[i].name);
		*err = fg_printf("%s: unknown setting \"%s\" (settings: %s)", where, name,
		    names.data);
		fg_buf_free(&names);
		return -1;
	}
	if (s->type == SET_SECONDS) {
		errno = 0;
		v = strtoll(value, &end, 10);
		if (errno || end == value || *end || v < s->min || v > s->max) {
			*err = fg_printf("%s: %s must be a number of seconds from %lld to %lld, not "
			    "\"%s\"", where, name, (long long)s->min, (long long)s->max, value);
			return -1;
		}
		*(int64_t *)(void *)((char *)cfg + s->off) = v;
		return 0;
	}
	switch (s->type) {
	case SET_PREFIX:
		if (strlen(value) > PREFIX_MAX || !only(value, LOWER_DIGITS)) {
			*err = fg_printf("%s: prefix must be at most %d lower-case letters, digits "
			    "and '-', not \"%s\"", where, PREFIX_MAX, value);
			return -1;
		}
		break;
	case SET_REGION:
		if (strlen(value) > 32 || !only(value, LOWER_DIGITS)) {
			*err = fg_printf("%s: region must be an AWS region name (us-east-1), not "
			    "\"%s\"", where, value);
			return -1;
		}
		break;
	case SET_URL:
		if (*value && fg_url_parse(value, &u, &uerr) < 0) {
			*err = fg_printf("%s: endpoint: %s", where, uerr);
			free(uerr);
			return -1;
		}
		if (*value)
			fg_url_free(&u);
		break;
	default:
		break;
	}
	str = (char **)(void *)((char *)cfg + s->off);
	free(*str);
	*str = *value || s->type == SET_PREFIX ? fg_strdup(value) : NULL;
	return 0;
}

/* config_read_map callback for fugue.yaml. */
static int
on_setting(void *arg, const char *key, const char *value, const char *where, char **err)
{
	return config_set(arg, key, value, where, err);
}

/* Settings from defaults, a file and the environment. */
struct cli_config *
config_load(const char *file, char **err)
{
	struct cli_config *cfg = fg_calloc(1, sizeof(*cfg));
	char *dirs[3], *path = NULL, *text = NULL, *where;
	size_t n, i, len;
	const char *v;

	cfg->prefix = fg_strdup("");
	cfg->timeout = CLI_DEFAULT_TIMEOUT;
	if (file) {
		if ((text = read_file(file, &len, err)) == NULL)
			goto fail;
		path = fg_strdup(file);
	} else {
		n = config_dirs(dirs);
		for (i = 0; i < n; i++) {
			if (text == NULL) {
				path = fg_printf("%s/" CLI_CONFIG_NAME, dirs[i]);
				if ((text = read_file(path, &len, err)) == NULL) {
					if (errno != ENOENT) {
						while (i < n)
							free(dirs[i++]);
						goto fail;
					}
					free(*err);
					*err = NULL;
					free(path);
					path = NULL;
				}
			}
			free(dirs[i]);
		}
	}
	if (text) {
		cfg->file = path;
		path = NULL;
		if (config_read_map(cfg->file, text, len, on_setting, cfg, err) < 0)
			goto fail;
	}
	for (i = 0; i < FG_ARRAY_LEN(settings); i++) {
		if ((v = getenv(settings[i].env)) == NULL)
			continue;
		where = fg_printf("environment variable %s", settings[i].env);
		if (config_set(cfg, settings[i].name, v, where, err) < 0) {
			free(where);
			goto fail;
		}
		free(where);
	}
	free(text);
	return cfg;
fail:
	free(text);
	free(path);
	config_free(cfg);
	return NULL;
}

/* A Fugue user name: 1 to 64 letters, digits and "_.@-". */
int
config_check_user(const char *s, char **err)
{
	if (*s == '\0' || strlen(s) > USER_MAX || !only(s, "abcdefghijklmnopqrstuvwxyz"
	    "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_.@-")) {
		*err = fg_printf("user must be 1 to %d letters, digits and \"_.@-\", not \"%.80s\"",
		    USER_MAX, s);
		return -1;
	}
	return 0;
}

/* A secret: printable ASCII without blanks. */
int
config_check_secret(const char *s, char **err)
{
	const char *p;

	if (*s == '\0') {
		*err = fg_strdup("the secret is empty");
		return -1;
	}
	for (p = s; *p; p++)
		if (*p <= ' ' || *p >= 0x7f) {
			*err = fg_strdup("the secret must be printable ASCII without blanks");
			return -1;
		}
	return 0;
}

/* config_read_map callback for the credentials file. */
static int
on_credential(void *arg, const char *key, const char *value, const char *where, char **err)
{
	struct cli_config *cfg = arg;
	char *cerr = NULL;

	if (strcmp(key, "user") == 0 && config_check_user(value, &cerr) == 0) {
		free(cfg->user);
		cfg->user = fg_strdup(value);
		return 0;
	}
	if (strcmp(key, "secret") == 0 && config_check_secret(value, &cerr) == 0) {
		free(cfg->secret);
		cfg->secret = fg_strdup(value);
		return 0;
	}
	*err = cerr ? fg_printf("%s: %s", where, cerr) :
	    fg_printf("%s: unknown key \"%s\" (keys: user, secret)", where, key);
	free(cerr);
	return -1;
}

/* The first credentials file found: user and secret. */
int
config_load_credentials(struct cli_config *cfg, char **err)
{
	char *dirs[3], *path = NULL, *text = NULL;
	struct fg_buf tried;
	size_t n, i, len = 0;
	struct stat st;
	int rc = -1;

	fg_buf_init(&tried);
	n = config_dirs(dirs);
	for (i = 0; i < n && text == NULL; i++) {
		free(path);
		path = fg_printf("%s/" CLI_CREDENTIALS_NAME, dirs[i]);
		fg_buf_addf(&tried, "%s%s", i ? ", " : "", path);
		if ((text = read_file(path, &len, err)) == NULL) {
			if (errno != ENOENT)
				goto out;
			free(*err);
			*err = NULL;
		}
	}
	if (text == NULL) {
		*err = fg_printf("no Fugue credentials: none of %s exists (fugue init writes one)",
		    tried.data);
		goto out;
	}
	if (stat(path, &st) == 0 && (st.st_mode & 077))
		log_warnx("warning: %s can be read by others: chmod 600 %s", path, path);
	if (config_read_map(path, text, len, on_credential, cfg, err) < 0)
		goto out;
	if (cfg->user == NULL || cfg->secret == NULL) {
		*err = fg_printf("%s: %s is missing", path, cfg->user ? "secret" : "user");
		goto out;
	}
	free(cfg->cred_file);
	cfg->cred_file = path;
	path = NULL;
	rc = 0;
out:
	for (i = 0; i < n; i++)
		free(dirs[i]);
	free(path);
	free(text);
	fg_buf_free(&tried);
	return rc;
}

/* Frees the settings. */
void
config_free(struct cli_config *cfg)
{
	if (cfg == NULL)
		return;
	free(cfg->file);
	free(cfg->region);
	free(cfg->endpoint);
	free(cfg->profile);
	free(cfg->prefix);
	free(cfg->cred_file);
	free(cfg->user);
	if (cfg->secret)
		memset(cfg->secret, 0, strlen(cfg->secret));
	free(cfg->secret);
	free(cfg);
}

/* libyaml's output handler: appends to an fg_buf. */
static int
emit_out(void *arg, unsigned char *buf, size_t len)
{
	fg_buf_add(arg, buf, len);
	return 1;
}

/* Emits one libyaml event; fatal on failure (only memory can fail here). */
static void
emit(yaml_emitter_t *e, yaml_event_t *ev, int ok)
{
	if (!ok || !yaml_emitter_emit(e, ev))
		fatalx("libyaml: %s", e->problem ? e->problem : "cannot emit");
}

/* Writes a YAML mapping of strings to path through a temporary file and a rename. */
int
config_write(const char *path, const char *const *keys, const char *const *vals, size_t n,
    int secret, char **err)
{
	yaml_emitter_t e;
	yaml_event_t ev;
	struct fg_buf b;
	char *tmp;
	size_t i;
	int fd, rc = -1;

	fg_buf_init(&b);
	fg_buf_addstr(&b, secret ? "# Fugue credentials (fugue init): keep this file private.\n" :
	    "# Fugue settings (fugue init); see fugue(1).\n");
	if (!yaml_emitter_initialize(&e))
		fatalx("libyaml: out of memory");
	yaml_emitter_set_output(&e, emit_out, &b);
	yaml_emitter_set_unicode(&e, 1);
	emit(&e, &ev, yaml_stream_start_event_initialize(&ev, YAML_UTF8_ENCODING));
	emit(&e, &ev, yaml_document_start_event_initialize(&ev, NULL, NULL, NULL, 1));
	emit(&e, &ev, yaml_mapping_start_event_initialize(&ev, NULL, NULL, 1,
	    YAML_BLOCK_MAPPING_STYLE));
	for (i = 0; i < n; i++) {
		emit(&e, &ev, yaml_scalar_event_initialize(&ev, NULL, NULL,
		    (yaml_char_t *)keys[i], -1, 1, 1, YAML_PLAIN_SCALAR_STYLE));
		emit(&e, &ev, yaml_scalar_event_initialize(&ev, NULL, NULL,
		    (yaml_char_t *)vals[i], -1, 1, 1, YAML_ANY_SCALAR_STYLE));
	}
	emit(&e, &ev, yaml_mapping_end_event_initialize(&ev));
	emit(&e, &ev, yaml_document_end_event_initialize(&ev, 1));
	emit(&e, &ev, yaml_stream_end_event_initialize(&ev));
	yaml_emitter_delete(&e);
	tmp = fg_printf("%s.tmp%ld", path, (long)getpid());
	/* Made anew: a file left there (or planted) would keep its mode or be a link. */
	unlink(tmp);
	if ((fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, secret ? 0600 : 0644)) < 0) {
		*err = fg_printf("cannot write %s: %s", tmp, strerror(errno));
		goto out;
	}
	if (write(fd, b.data, b.len) != (ssize_t)b.len || fsync(fd) < 0) {
		*err = fg_printf("cannot write %s: %s", tmp, strerror(errno));
		close(fd);
		unlink(tmp);
		goto out;
	}
	if (close(fd) < 0 || rename(tmp, path) < 0) {
		*err = fg_printf("cannot write %s: %s", path, strerror(errno));
		unlink(tmp);
		goto out;
	}
	rc = 0;
out:
	free(tmp);
	if (secret && b.data)
		memset(b.data, 0, b.len);
	fg_buf_free(&b);
	return rc;
}
