/* driver.c: one compilation: the search paths, the stages in order, and the output. */
#include "config.h"

#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "lwc.h"

/* Appends the non-empty directories of a colon-separated list. */
static void
add_dirs(struct lwc *c, struct vec *v, const char *list)
{
	const char *p = list, *colon;

	while (p != NULL && *p != '\0') {
		size_t len;

		colon = strchr(p, ':');
		len = colon ? (size_t)(colon - p) : strlen(p);
		while (len > 1 && p[len - 1] == '/')
			len--;
		if (len > 0)
			vec_push(&c->arena, v, arena_strndup(&c->arena, p, len));
		p = colon ? colon + 1 : NULL;
	}
}

/* Whether diagnostics get colours. */
static int
use_color(const struct lwc_options *o, FILE *diag)
{
	const char *term = getenv("TERM");

	switch (o->color) {
	case LWC_COLOR_ALWAYS:
		return 1;
	case LWC_COLOR_NEVER:
		return 0;
	default:
		return isatty(fileno(diag)) && getenv("NO_COLOR") == NULL && term != NULL &&
		    strcmp(term, "dumb") != 0;
	}
}

/* Runs the stages on the root file (or text); 0 when the composition compiled. */
static int
run(struct lwc *c, const char *text, size_t len, char **out)
{
	if (builtins_init(c) < 0 || c->errors)
		return -1;
	if ((text ? load_root_text(c, c->opt->file, text, len) : load_root(c, c->opt->file)) ==
	    NULL || c->errors)
		return -1;
	if (resolve(c) < 0 || c->errors)
		return -1;
	if (check(c) < 0 || c->errors)
		return -1;
	if (c->opt->typecheck_only)
		return 0;
	if (!c->root->composition) {
		struct span first = { c->root->src, 0, 0, 1, 1 };

		lwc_error(c, &first, "%s is a module, not a composition", c->root->src->path);
		lwc_hint(c, "a file meant to be run starts with the line `composition`; "
		    "use --typecheck to check a module");
		return -1;
	}
	if (eval_all(c) < 0 || c->errors)
		return -1;
	if (resources_extract(c) < 0 || c->errors)
		return -1;
	if (validate_all(c) < 0 || c->errors)
		return -1;
	if (c->opt->output == LWC_OUT_SIMPLE)
		*out = emit_composition(c);
	else if (c->opt->output == LWC_OUT_TREE)
		*out = emit_tree(c);
	return 0;
}

/* One compilation of o->file, or of text when it is not NULL. */
static int
compile(const struct lwc_options *o, const char *text, size_t len, char **out)
{
	struct lwc c;
	size_t i;
	int rc;

	memset(&c, 0, sizeof(c));
	c.opt = o;
	c.diag = o->diag ? o->diag : stderr;
	c.color = use_color(o, c.diag);
	*out = NULL;
	add_dirs(&c, &c.incdirs, o->include);
	add_dirs(&c, &c.incdirs, getenv("LUDWIG_PATH"));
	add_dirs(&c, &c.incdirs, LWC_LIBDIR);
	add_dirs(&c, &c.schemadirs, o->schema_path);
	add_dirs(&c, &c.schemadirs, getenv("FUGUE_SCHEMA_PATH"));
	add_dirs(&c, &c.schemadirs, LWC_SCHEMADIR);
	c.core = module_new(&c, "Fugue.Core");
	c.core->builtin = 1;
	rc = run(&c, text, len, out);
	if (rc == 0 && c.errors) {
		free(*out);
		*out = NULL;
		rc = -1;
	}
	if (rc < 0 && c.unlocated > 0 && text != NULL)
		rc = -2;
	for (i = 0; i < c.modules.n; i++) {
		struct module *m = c.modules.v[i];

		symtab_free(&m->names);
		symtab_free(&m->ctors);
	}
	symtab_free(&c.modtab);
	symtab_free(&c.schemas);
	schemas_free(&c);
	arena_free(&c.arena);
	return rc == 0 ? 0 : rc == -2 ? -1 : 1;
}

/* Compiles o->file; 0 on success (with *out set unless the output is null), 1 on errors. */
int
lwc_compile(const struct lwc_options *o, char **out)
{
	return compile(o, NULL, 0, out);
}

/* Compiles text named o->file; 0 on success, 1 on errors, -1 on an error without location. */
int
lwc_compile_text(const struct lwc_options *o, const char *text, size_t len, char **out)
{
	return compile(o, text, len, out);
}
