/* loader.c: reading source files and their imports along the include path. */
#include "config.h"

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "lwc.h"

#define MAX_SOURCE (16 * 1024 * 1024)

static int load_imports(struct lwc *, struct module *);

/* Reads a whole file into the arena; NULL with *why set (errno text) on failure. */
static char *
read_file(struct lwc *c, const char *path, size_t *len, const char **why)
{
	FILE *f = fopen(path, "rb");
	struct fg_buf b;
	char chunk[65536];
	size_t n;
	char *text;

	if (f == NULL) {
		*why = strerror(errno);
		return NULL;
	}
	fg_buf_init(&b);
	fg_buf_addstr(&b, "");
	while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0) {
		if (b.len + n > MAX_SOURCE) {
			*why = "file too large (the limit is 16 MiB)";
			fclose(f);
			fg_buf_free(&b);
			return NULL;
		}
		fg_buf_add(&b, chunk, n);
	}
	if (ferror(f)) {
		*why = strerror(errno);
		fclose(f);
		fg_buf_free(&b);
		return NULL;
	}
	fclose(f);
	text = arena_strndup(&c->arena, b.data, b.len);
	*len = b.len;
	fg_buf_free(&b);
	return text;
}

/* Lexes, lays out and parses one source into m. */
static int
parse_source(struct lwc *c, struct module *m)
{
	struct tokens raw = { 0 }, toks = { 0 };
	int rc = -1;

	if (lex(c, m->src, &raw) == 0 && layout(c, &raw, &toks) == 0)
		rc = parse(c, &toks, m);
	free(raw.v);
	free(toks.v);
	return rc;
}

/* Gives a Fugue.<P> module a declaration for each resource type named <P>.<Name>. */
static int
add_resource_types(struct lwc *c, struct module *m)
{
	struct restype *rts[256];
	size_t n, i;

	if (!m->library)
		return 0;
	if (schemas_load(c) < 0)
		return -1;
	n = schema_types_in(c, m->name + strlen("Fugue."), rts, FG_ARRAY_LEN(rts));
	for (i = 0; i < n; i++) {
		struct decl *d = decl_new(c, D_RESOURCE, last_segment(rts[i]->name), NULL, m);

		d->u.res.rt = rts[i];
		rts[i]->decl = d;
		vec_push(&c->arena, &m->decls, d);
	}
	return 0;
}

/* The file of module name in dir: dir/A/B/C.lw. */
static char *
module_file(struct lwc *c, const char *dir, const char *name)
{
	char *path = arena_printf(&c->arena, "%s/%s.lw", dir, name), *p;

	for (p = path + strlen(dir) + 1; *p; p++)
		if (*p == '.' && strcmp(p, ".lw") != 0)
			*p = '/';
	return path;
}

/* Suggests a module whose file sits in the same directory as name's would, on the path. */
static void
hint_module(struct lwc *c, const char *name)
{
	const char *dot = strrchr(name, '.');
	const char *prefix = dot ? arena_strndup(&c->arena, name, (size_t)(dot - name)) : "";
	struct vec cands = { 0 };
	const char *best;
	size_t i;

	for (i = 0; i < c->incdirs.n; i++) {
		const char *dir = *prefix ? module_file(c, c->incdirs.v[i], prefix) : c->incdirs.v[i];
		char *sub = arena_strdup(&c->arena, dir);
		DIR *d;
		struct dirent *de;

		if (*prefix)
			sub[strlen(sub) - 3] = '\0'; /* drop .lw: the directory */
		if ((d = opendir(sub)) == NULL)
			continue;
		while ((de = readdir(d)) != NULL) {
			size_t len = strlen(de->d_name);

			if (len > 3 && strcmp(de->d_name + len - 3, ".lw") == 0)
				vec_push(&c->arena, &cands, arena_printf(&c->arena, "%s%s%.*s", prefix,
				    *prefix ? "." : "", (int)(len - 3), de->d_name));
		}
		closedir(d);
	}
	best = lwc_suggest(name, (const char *const *)cands.v, cands.n);
	if (best != NULL)
		lwc_hint(c, "did you mean %s?", best);
	else if (c->incdirs.n > 0) {
		struct fg_buf b;

		fg_buf_init(&b);
		for (i = 0; i < c->incdirs.n; i++)
			fg_buf_addf(&b, "%s%s", i ? ", " : "", (const char *)c->incdirs.v[i]);
		lwc_hint(c, "looked for %s in: %s (add directories with -i or LUDWIG_PATH)",
		    module_file(c, ".", name) + 2, b.data);
		fg_buf_free(&b);
	}
}

/* Reports the import cycle that closes at m (being loaded) when imported at sp. */
static struct module *
import_cycle(struct lwc *c, struct module *m, const struct span *sp)
{
	struct fg_buf b;
	size_t i = 0;

	while (i < c->loading.n && c->loading.v[i] != m)
		i++;
	fg_buf_init(&b);
	for (; i < c->loading.n; i++) {
		struct module *l = c->loading.v[i];

		fg_buf_addf(&b, "%s -> ", *l->name ? l->name : l->src->path);
	}
	fg_buf_addstr(&b, m->name);
	lwc_error(c, sp, "import cycle: %s", b.data);
	lwc_hint(c, "modules cannot import each other; move what both need into a third module");
	fg_buf_free(&b);
	return NULL;
}

/* Parses m's imports with m marked as being loaded. */
static int
load_marked(struct lwc *c, struct module *m)
{
	m->mark = 1;
	vec_push(&c->arena, &c->loading, m);
	if (load_imports(c, m) < 0)
		return -1;
	c->loading.n--;
	m->mark = 2;
	return 0;
}

/* Finds, reads and parses module name (imported at sp), then its own imports. */
static struct module *
load_module(struct lwc *c, const char *name, const struct span *sp)
{
	struct module *m = symtab_get(&c->modtab, name);
	size_t i;

	if (m != NULL) {
		if (m->mark == 1)
			return import_cycle(c, m, sp);
		return m;
	}
	for (i = 0; i < c->incdirs.n; i++) {
		char *path = module_file(c, c->incdirs.v[i], name);
		const char *why;
		struct stat st;
		size_t len;
		char *text;

		if (stat(path, &st) < 0)
			continue;
		if ((text = read_file(c, path, &len, &why)) == NULL) {
			lwc_error(c, sp, "cannot read module %s from %s: %s", name, path, why);
			return NULL;
		}
		m = module_new(c, name);
		m->src = source_new(c, module_file(c, "", name) + 1, text, len);
		if (parse_source(c, m) < 0 || add_resource_types(c, m) < 0 ||
		    load_marked(c, m) < 0)
			return NULL;
		return m;
	}
	lwc_error(c, sp, "module not found: %s", name);
	hint_module(c, name);
	return NULL;
}

/* Loads every module m imports. */
static int
load_imports(struct lwc *c, struct module *m)
{
	size_t i;

	for (i = 0; i < m->decls.n; i++) {
		struct decl *d = m->decls.v[i];

		if (d->kind != D_IMPORT)
			continue;
		if (strcmp(d->u.import.path, "Fugue.Core") == 0)
			d->u.import.target = c->core;
		else if ((d->u.import.target = load_module(c, d->u.import.path, &d->sp)) == NULL)
			return -1;
	}
	return 0;
}

/* The module name of a file that lies on the include path (Fugue/AWS/EC2.lw under an include
 * directory is Fugue.AWS.EC2), or "" for a file elsewhere. */
static const char *
name_of(struct lwc *c, const char *path)
{
	char *real = realpath(path, NULL), *name;
	size_t i;

	for (i = 0; real != NULL && i < c->incdirs.n; i++) {
		char *dir = realpath(c->incdirs.v[i], NULL);
		size_t len = dir ? strlen(dir) : 0, n;

		if (dir != NULL && strncmp(real, dir, len) == 0 && real[len] == '/' &&
		    (n = strlen(real + len + 1)) > 3 && strcmp(real + len + 1 + n - 3, ".lw") == 0) {
			char *p;

			name = arena_strndup(&c->arena, real + len + 1, n - 3);
			for (p = name; *p; p++)
				if (*p == '/')
					*p = '.';
			free(dir);
			free(real);
			return name;
		}
		free(dir);
	}
	free(real);
	return "";
}

/* Parses the root module (called name) from text, then everything it imports. */
static struct module *
load_root_module(struct lwc *c, const char *name, const char *shown, char *text, size_t len)
{
	struct module *m;

	while (strncmp(shown, "./", 2) == 0)
		shown += 2;
	m = module_new(c, name);
	m->src = source_new(c, shown, text, len);
	c->root = m;
	if (parse_source(c, m) < 0 || add_resource_types(c, m) < 0 || load_marked(c, m) < 0)
		return NULL;
	return m;
}

/* Loads the file being compiled and everything it imports. */
struct module *
load_root(struct lwc *c, const char *path)
{
	const char *why;
	size_t len;
	char *text;

	if ((text = read_file(c, path, &len, &why)) == NULL) {
		lwc_error(c, NULL, "cannot read %s: %s", path, why);
		return NULL;
	}
	return load_root_module(c, name_of(c, path), path, text, len);
}

/* Loads a composition given as text (shown as name) and everything it imports. */
struct module *
load_root_text(struct lwc *c, const char *name, const char *text, size_t len)
{
	return load_root_module(c, "", name, arena_strndup(&c->arena, text, len), len);
}
