/* plugin.c: the plugin loader (the only user of libltdl): finds broker modules, checks their
 * ABI version and name before anything else, and loads the JSON Schema of each of their types. */
#include "config.h"

#include <dirent.h>
#include <errno.h>
#include <ltdl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "engine_int.h"

#define SYMBOL_SUFFIX "_LTX_fugue_broker"
#define MAX_SCHEMA_SIZE (1u << 20)

struct plugin {
	struct plugin *next;
	char *name;
	char *file;     /* the file lt_dlopenext found, for messages */
	lt_dlhandle handle;
	const struct fugue_broker *b;
	struct ptype *types;
	size_t ntypes;
};

struct plugins {
	struct plugin *list;
	size_t count;
};

static int ltdl_users;

/* A new, empty set of plugins (initialises libltdl). */
struct plugins *
plugins_new(void)
{
	if (ltdl_users++ == 0 && lt_dlinit() != 0)
		fatalx("libltdl cannot initialise: %s", lt_dlerror());
	return fg_calloc(1, sizeof(struct plugins));
}

/* Unloads one plugin and frees its types. */
static void
plugin_free(struct plugin *p)
{
	for (size_t i = 0; i < p->ntypes; i++)
		fg_json_free(p->types[i].schema);
	free(p->types);
	if (p->handle != NULL)
		lt_dlclose(p->handle);
	free(p->name);
	free(p->file);
	free(p);
}

/* Unloads every plugin. */
void
plugins_free(struct plugins *ps)
{
	struct plugin *p;

	if (ps == NULL)
		return;
	while ((p = ps->list) != NULL) {
		ps->list = p->next;
		plugin_free(p);
	}
	free(ps);
	if (--ltdl_users == 0)
		lt_dlexit();
}

/* The plugin's name ("sqs"). */
const char *
plugin_name(const struct plugin *p)
{
	return p->name;
}

/* How many plugins are loaded. */
size_t
plugins_count(const struct plugins *ps)
{
	return ps->count;
}

/* The type called name, or NULL. */
const struct ptype *
plugins_type(const struct plugins *ps, const char *name)
{
	for (const struct plugin *p = ps->list; p != NULL; p = p->next)
		for (size_t i = 0; i < p->ntypes; i++)
			if (strcmp(p->types[i].name, name) == 0)
				return &p->types[i];
	return NULL;
}

/* 1 when s is a plugin name: a C identifier in lower case, digits and '_'. */
static int
valid_name(const char *s, size_t len)
{
	if (len == 0 || len > 64 || (s[0] >= '0' && s[0] <= '9'))
		return 0;
	for (size_t i = 0; i < len; i++)
		if (!((s[i] >= 'a' && s[i] <= 'z') || (s[i] >= '0' && s[i] <= '9') || s[i] == '_'))
			return 0;
	return 1;
}

/* 1 when path names a regular file. */
static int
is_file(const char *path)
{
	struct stat st;

	return stat(path, &st) == 0 && S_ISREG(st.st_mode);
}

/* Reads a whole (small) file; NULL with *err. */
static char *
read_file(const char *path, size_t *len, char **err)
{
	FILE *f = fopen(path, "rb");
	struct fg_buf b;
	char chunk[8192];
	size_t n;

	if (f == NULL) {
		*err = fg_printf("%s: %s", path, strerror(errno));
		return NULL;
	}
	fg_buf_init(&b);
	while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0) {
		fg_buf_add(&b, chunk, n);
		if (b.len > MAX_SCHEMA_SIZE) {
			fclose(f);
			fg_buf_free(&b);
			*err = fg_printf("%s: larger than %u bytes", path, MAX_SCHEMA_SIZE);
			return NULL;
		}
	}
	if (ferror(f)) {
		*err = fg_printf("%s: %s", path, strerror(errno));
		fclose(f);
		fg_buf_free(&b);
		return NULL;
	}
	fclose(f);
	*len = b.len;
	if (b.data == NULL)
		fg_buf_addstr(&b, "");
	return fg_buf_detach(&b);
}

/* A string member of the schema, or NULL. */
static const char *
schema_str(fg_json schema, const char *key)
{
	return fg_json_str(fg_json_get(schema, key));
}

/* Takes schema s for type pt of plugin p (path names it in messages); -1 with *err. */
static int
use_schema(struct plugin *p, struct ptype *pt, fg_json s, const char *path, char **err)
{
	const char *title, *svc, *ident;
	fg_json tags;
	int b;

	pt->schema = s;
	title = schema_str(s, "title");
	svc = schema_str(s, "x-fugue-service");
	ident = schema_str(s, "x-fugue-identifier");
	pt->props = fg_json_get(s, "properties");
	if (title == NULL || strcmp(title, pt->name) != 0)
		*err = fg_printf("plugin %s: schema %s has title \"%s\", not the type's name %s",
		    p->file, path, title ? title : "", pt->name);
	else if (svc == NULL || strcmp(svc, p->name) != 0)
		*err = fg_printf("plugin %s: schema %s names x-fugue-service \"%s\", not %s",
		    p->file, path, svc ? svc : "", p->name);
	else if (pt->props == NULL || pt->props->type != yajl_t_object)
		*err = fg_printf("plugin %s: schema %s has no \"properties\" object", p->file, path);
	else if (ident == NULL)
		*err = fg_printf("plugin %s: schema %s has no x-fugue-identifier", p->file, path);
	if (*err != NULL)
		return -1;
	pt->service = svc;
	pt->identifier = ident;
	tags = fg_json_get(s, "x-fugue-tags");
	pt->tags = tags != NULL && fg_json_bool(tags, &b) == 0 && b;
	pt->regional = fg_json_get(pt->props, "Region") != NULL;
	pt->id_is_prop = fg_json_get(pt->props, ident) != NULL;
	return 0;
}

/* Loads and checks the schema of type pt of plugin p from dir; -1 with *err. */
static int
load_schema(struct plugin *p, struct ptype *pt, const char *dir, char **err)
{
	const char *base = strrchr(pt->name, '.');
	char *path, *text, *perr = NULL;
	size_t len;
	fg_json s;
	int rc;

	if (base == NULL || base[1] == '\0') {
		*err = fg_printf("plugin %s: type \"%s\" is not named AWS.<Service>.<Type>",
		    p->file, pt->name);
		return -1;
	}
	path = fg_printf("%s/%s.json", dir, base + 1);
	text = read_file(path, &len, &perr);
	if (text == NULL) {
		*err = fg_printf("plugin %s: the schema of %s cannot be read (%s): install "
		    "schemas/%s.json beside the module", p->file, pt->name, perr, base + 1);
		free(perr);
		free(path);
		return -1;
	}
	s = fg_json_parse(text, len, &perr);
	free(text);
	if (s == NULL) {
		*err = fg_printf("plugin %s: schema %s: %s", p->file, path, perr);
		free(perr);
		free(path);
		return -1;
	}
	rc = use_schema(p, pt, s, path, err);
	free(path);
	return rc;
}

/* Adds a type without a module (tests, built-ins) under plugin name; takes schema. */
int
plugins_add_type(struct plugins *ps, const char *name, const struct fugue_type *t,
    fg_json schema, char **err)
{
	struct plugin *p;
	struct ptype *pt;

	*err = NULL;
	if (plugins_type(ps, t->name) != NULL) {
		*err = fg_printf("type %s is already provided by another plugin", t->name);
		fg_json_free(schema);
		return -1;
	}
	for (p = ps->list; p != NULL; p = p->next)
		if (strcmp(p->name, name) == 0)
			break;
	if (p == NULL) {
		p = fg_calloc(1, sizeof(*p));
		p->name = fg_strdup(name);
		p->file = fg_printf("(built-in %s)", name);
		p->next = ps->list;
		ps->list = p;
		ps->count++;
	}
	/* Types are reached by pointer from elsewhere only after loading ends: growing is safe. */
	p->types = fg_realloc(p->types, (p->ntypes + 1) * sizeof(struct ptype));
	pt = &p->types[p->ntypes];
	memset(pt, 0, sizeof(*pt));
	pt->t = t;
	pt->plugin = p;
	pt->name = t->name;
	if (use_schema(p, pt, schema, t->name, err) < 0) {
		fg_json_free(schema);
		return -1;
	}
	p->ntypes++;
	return 0;
}

/* Checks the exported struct: version first, then the name, then the types. */
static int
check_broker(struct plugin *p, const struct fugue_broker *b, char **err)
{
	if (b->abi_major != FUGUE_BROKER_ABI_MAJOR || b->abi_minor > FUGUE_BROKER_ABI_MINOR) {
		const char *fix = b->abi_major != FUGUE_BROKER_ABI_MAJOR ?
		    "rebuild the plugin against fugue/broker.h" :
		    "upgrade the Conductor, or rebuild the plugin against fugue/broker.h";

		*err = fg_printf("plugin %s: built for broker ABI %u.%u, this Conductor speaks "
		    "%u.%u: %s %u.x", p->file, b->abi_major, b->abi_minor, FUGUE_BROKER_ABI_MAJOR,
		    FUGUE_BROKER_ABI_MINOR, fix, FUGUE_BROKER_ABI_MAJOR);
		return -1;
	}
	if (b->name == NULL || strcmp(b->name, p->name) != 0) {
		*err = fg_printf("plugin %s: names itself \"%s\", but a plugin's name must be its "
		    "file name \"%s\": rename the file or fix .name", p->file,
		    b->name ? b->name : "(null)", p->name);
		return -1;
	}
	if (b->ntypes == 0 || b->types == NULL) {
		*err = fg_printf("plugin %s: declares no resource types", p->file);
		return -1;
	}
	for (size_t i = 0; i < b->ntypes; i++)
		if (b->types[i].name == NULL) {
			*err = fg_printf("plugin %s: resource type %zu has no name", p->file, i);
			return -1;
		}
	return 0;
}

/* Opens the module at path (no extension) and finds its symbol; -1 with *err. */
static int
open_module(struct plugin *p, const char *path, char **err)
{
	lt_dladvise adv;
	char *sym;
	const struct fugue_broker *b;

	if (lt_dladvise_init(&adv) != 0 || lt_dladvise_ext(&adv) != 0 ||
	    lt_dladvise_local(&adv) != 0)
		fatalx("libltdl: %s", lt_dlerror());
	p->handle = lt_dlopenadvise(path, adv);
	lt_dladvise_destroy(&adv);
	if (p->handle == NULL) {
		*err = fg_printf("plugin %s: cannot be loaded (%s): it must be a libtool module "
		    "built for this system, with the libraries it needs installed", p->file,
		    lt_dlerror());
		return -1;
	}
	sym = fg_printf("%s" SYMBOL_SUFFIX, p->name);
	b = lt_dlsym(p->handle, sym);
	if (b == NULL) {
		*err = fg_printf("plugin %s: does not export %s: a Fugue plugin defines "
		    "\"const struct fugue_broker %s\" (fugue/broker.h)", p->file, sym, sym);
		free(sym);
		return -1;
	}
	free(sym);
	if (check_broker(p, b, err) < 0)
		return -1;
	p->b = b;
	return 0;
}

/* Loads one module, path without extension; -1 with *err (the message names the file). */
int
plugins_load(struct plugins *ps, const char *path, const char *schema_dir, char **err)
{
	const char *slash = strrchr(path, '/');
	const char *name = slash ? slash + 1 : path;
	struct plugin *p;
	char *dir;
	int rc = 0;

	*err = NULL;
	if (!valid_name(name, strlen(name))) {
		*err = fg_printf("plugin %s: \"%s\" is not a plugin name (lower-case letters, digits "
		    "and '_')", path, name);
		return -1;
	}
	for (p = ps->list; p != NULL; p = p->next)
		if (strcmp(p->name, name) == 0) {
			*err = fg_printf("plugin %s: a plugin named %s is already loaded from %s", path,
			    name, p->file);
			return -1;
		}
	p = fg_calloc(1, sizeof(*p));
	p->name = fg_strdup(name);
	p->file = fg_printf("%s.la", path);
	if (!is_file(p->file)) {
		free(p->file);
		p->file = fg_printf("%s.so", path);
	}
	if (open_module(p, path, err) < 0) {
		plugin_free(p);
		return -1;
	}
	p->ntypes = p->b->ntypes;
	p->types = fg_calloc(p->ntypes, sizeof(struct ptype));
	if (schema_dir != NULL)
		dir = fg_printf("%s/%s/schemas", schema_dir, name);
	else
		dir = fg_printf("%.*s%sschemas", (int)(slash ? slash - path : 0), path,
		    slash ? "/" : "");
	for (size_t i = 0; i < p->ntypes && rc == 0; i++) {
		struct ptype *pt = &p->types[i];

		pt->t = &p->b->types[i];
		pt->plugin = p;
		pt->name = pt->t->name;
		if (plugins_type(ps, pt->name) != NULL) {
			*err = fg_printf("plugin %s: type %s is already provided by another plugin",
			    p->file, pt->name);
			rc = -1;
		} else
			rc = load_schema(p, pt, dir, err);
	}
	free(dir);
	if (rc < 0) {
		plugin_free(p);
		return -1;
	}
	p->next = ps->list;
	ps->list = p;
	ps->count++;
	log_debug("plugin", "loaded %s: %s, %zu types", p->file,
	    p->b->description ? p->b->description : p->name, p->ntypes);
	return 0;
}

/* Compares strings for qsort. */
static int
cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Lists the module names (without extension) in dir, sorted and deduplicated. */
static int
scan_dir(const char *dir, char ***names, size_t *n, char **err)
{
	DIR *d = opendir(dir);
	struct dirent *de;
	size_t cap = 0;

	if (d == NULL) {
		*err = fg_printf("plugin directory %s: %s", dir, strerror(errno));
		return -1;
	}
	while ((de = readdir(d)) != NULL) {
		size_t len = strlen(de->d_name);

		if (len < 4 || (strcmp(de->d_name + len - 3, ".la") != 0 &&
		    strcmp(de->d_name + len - 3, ".so") != 0) ||
		    !valid_name(de->d_name, len - 3))
			continue;
		if (*n == cap) {
			cap = cap ? 2 * cap : 8;
			*names = fg_realloc(*names, cap * sizeof(char *));
		}
		(*names)[(*n)++] = fg_strndup(de->d_name, len - 3);
	}
	closedir(d);
	if (*n > 1)
		qsort(*names, *n, sizeof(char *), cmp_str);
	return 0;
}

/* Loads every module of every directory in the ':'-separated list dirs; -1 with *err. */
int
plugins_load_dirs(struct plugins *ps, const char *dirs, const char *schema_dir, char **err)
{
	const char *p = dirs;
	int rc = 0;

	*err = NULL;
	while (rc == 0 && *p) {
		size_t len = strcspn(p, ":");
		char *dir = fg_strndup(p, len);
		char **names = NULL;
		size_t n = 0;

		if (len > 0)
			rc = scan_dir(dir, &names, &n, err);
		for (size_t i = 0; i < n && rc == 0; i++) {
			char *path = fg_printf("%s/%s", dir, names[i]);

			/* sqs.la and sqs.so side by side are one module. */
			if (i == 0 || strcmp(names[i], names[i - 1]) != 0)
				rc = plugins_load(ps, path, schema_dir, err);
			free(path);
		}
		for (size_t i = 0; i < n; i++)
			free(names[i]);
		free(names);
		free(dir);
		p += len;
		if (*p == ':')
			p++;
	}
	if (rc == 0 && ps->count == 0) {
		*err = fg_printf("no plugins in %s: install the Fugue plugins (sqs.so, s3.so, ...) "
		    "there or point plugin_dir at them", dirs);
		rc = -1;
	}
	return rc;
}
