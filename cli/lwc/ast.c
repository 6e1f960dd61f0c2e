/* ast.c: making syntax tree nodes, modules and declarations. */
#include "config.h"

#include <string.h>

#include "lwc.h"

/* A new expression node. */
struct expr *
expr_new(struct lwc *c, enum ex_kind kind, const struct span *sp)
{
	struct expr *e = arena_zalloc(&c->arena, sizeof(*e));

	e->kind = kind;
	e->sp = *sp;
	if (kind == E_FIELD)
		e->u.field.attr = -1;
	return e;
}

/* A new type expression node. */
struct texpr *
texpr_new(struct lwc *c, int kind, const struct span *sp)
{
	struct texpr *t = arena_zalloc(&c->arena, sizeof(*t));

	t->kind = kind;
	t->sp = *sp;
	return t;
}

/* A new declaration of module m (not yet added to it). */
struct decl *
decl_new(struct lwc *c, enum decl_kind kind, const char *name, const struct span *sp,
    struct module *m)
{
	struct decl *d = arena_zalloc(&c->arena, sizeof(*d));

	d->kind = kind;
	d->name = name;
	if (sp != NULL)
		d->sp = *sp;
	d->mod = m;
	return d;
}

/* A new, empty module registered under name. */
struct module *
module_new(struct lwc *c, const char *name)
{
	struct module *m = arena_zalloc(&c->arena, sizeof(*m));

	m->name = arena_strdup(&c->arena, name);
	m->library = strncmp(name, "Fugue.", 6) == 0;
	vec_push(&c->arena, &c->modules, m);
	symtab_put(&c->modtab, m->name, m);
	return m;
}

/* Copies the n pointers of v into a new array of elements of size sz (v holds pointers to
 * them); used to turn temporary vectors into compact arrays. */
void *
vec_flatten(struct lwc *c, const struct vec *v, size_t sz)
{
	char *out = arena_alloc(&c->arena, v->n * sz + 1);
	size_t i;

	for (i = 0; i < v->n; i++)
		memcpy(out + i * sz, v->v[i], sz);
	return out;
}

/* The segments of a dotted path joined with '.', from index from to to (exclusive). */
const char *
path_join(struct lwc *c, const char *const *segs, size_t from, size_t to)
{
	struct fg_buf b;
	const char *s;
	size_t i;

	fg_buf_init(&b);
	for (i = from; i < to; i++) {
		if (i > from)
			fg_buf_addc(&b, '.');
		fg_buf_addstr(&b, segs[i]);
	}
	s = arena_strndup(&c->arena, b.data ? b.data : "", b.len);
	fg_buf_free(&b);
	return s;
}

/* The last component of a dotted name. */
const char *
last_segment(const char *name)
{
	const char *dot = strrchr(name, '.');

	return dot ? dot + 1 : name;
}

/* 1 when a name is a constructor or type (starts upper case). */
int
is_upper_name(const char *name)
{
	return *last_segment(name) >= 'A' && *last_segment(name) <= 'Z';
}
