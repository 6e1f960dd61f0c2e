/* check.c: the type checker: written types, type declarations, and every expression
 * (bidirectional: an expected type flows into literals, records and lambdas). */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "lwc.h"

/* A written type in module m (NULL: builtin signatures, where a, b are type variables). */
struct ty *
ty_from_texpr(struct lwc *c, struct module *m, struct texpr *t, struct vec *vars)
{
	struct ty *r;
	struct decl *d;
	size_t i;

	switch (t->kind) {
	case TE_NAME:
		if (strcmp(t->name, "Int") == 0)
			return &ty_int;
		if (strcmp(t->name, "Float") == 0)
			return &ty_float;
		if (strcmp(t->name, "Bool") == 0)
			return &ty_bool;
		if (strcmp(t->name, "String") == 0)
			return &ty_string;
		if (strcmp(t->name, "Validation") == 0)
			return &ty_validation;
		if (strcmp(t->name, "List") == 0 || strcmp(t->name, "Optional") == 0) {
			lwc_error(c, &t->sp, "%s needs a type argument", t->name);
			lwc_hint(c, "write %s<String>", t->name);
			return &ty_error;
		}
		if (m == NULL) {
			/* a type variable of a builtin signature */
			for (i = 0; i < vars->n; i++)
				if (strcmp(vars->v[i], t->name) == 0)
					break;
			if (i == vars->n)
				vec_push(&c->arena, vars, (void *)t->name);
			r = ty_new(c, TY_VAR);
			r->var = (int)i;
			return r;
		}
		if ((d = lookup_type(c, m, t->name, &t->sp)) == NULL)
			return &ty_error;
		return d->ty;
	case TE_APP:
		if ((strcmp(t->name, "List") == 0 || strcmp(t->name, "Optional") == 0) && t->n == 1) {
			struct ty *e = ty_from_texpr(c, m, t->args[0], vars);

			if (t->name[0] == 'L')
				return ty_list(c, e);
			if (e->kind == TY_OPTIONAL) {
				lwc_error(c, &t->sp, "Optional<Optional<...>> is not a type");
				lwc_hint(c, "a value is either missing or present: use one Optional");
				return &ty_error;
			}
			return ty_optional(c, e);
		}
		lwc_error(c, &t->sp, "%s takes %s", t->name,
		    strcmp(t->name, "List") == 0 || strcmp(t->name, "Optional") == 0 ?
		    "one type argument" : "no type arguments");
		return &ty_error;
	case TE_TUPLE:
	case TE_FUN:
		r = ty_new(c, t->kind == TE_TUPLE ? TY_TUPLE : TY_FUN);
		r->n = t->n;
		r->items = arena_alloc(&c->arena, (t->n + 1) * sizeof(*r->items));
		for (i = 0; i < t->n; i++)
			r->items[i] = ty_from_texpr(c, m, t->args[i], vars);
		if (t->kind == TE_FUN)
			r->ret = ty_from_texpr(c, m, t->ret, vars);
		return r;
	case TE_RECORD:
		r = ty_new(c, TY_RECORD);
		r->rec = arena_zalloc(&c->arena, sizeof(*r->rec));
		r->rec->structural = 1;
		r->rec->n = t->nfields;
		r->rec->fields = arena_zalloc(&c->arena, (t->nfields + 1) * sizeof(struct field));
		for (i = 0; i < t->nfields; i++) {
			r->rec->fields[i].name = t->fields[i].name;
			r->rec->fields[i].sp = t->fields[i].sp;
			r->rec->fields[i].ty = ty_from_texpr(c, m, t->fields[i].type, vars);
		}
		return r;
	}
	return &ty_error;
}

/* Creates the (empty) types of m's record and sum declarations. */
static void
declare_types(struct lwc *c, struct module *m)
{
	size_t i;

	for (i = 0; i < m->decls.n; i++) {
		struct decl *d = m->decls.v[i];

		if (d->kind == D_RECORD) {
			d->ty = ty_new(c, TY_RECORD);
			d->ty->rec = arena_zalloc(&c->arena, sizeof(struct rec));
			d->ty->rec->decl = d;
		} else if (d->kind == D_SUM) {
			d->ty = ty_new(c, TY_SUM);
			d->ty->sum = arena_zalloc(&c->arena, sizeof(struct sum));
			d->ty->sum->decl = d;
			d->ty->sum->name = d->name;
			d->ty->sum->n = d->u.sum.n;
			d->ty->sum->ctors = arena_zalloc(&c->arena, (d->u.sum.n + 1) *
			    sizeof(struct ctor *));
		} else if (d->kind == D_RESOURCE) {
			d->ty = d->u.res.rt->ty;
		}
	}
}

/* Fills in the fields of m's records and the payloads of its constructors. */
static void
define_types(struct lwc *c, struct module *m)
{
	size_t i, j, k;

	for (i = 0; i < m->decls.n; i++) {
		struct decl *d = m->decls.v[i];

		if (d->kind == D_RECORD) {
			struct rec *r = d->ty->rec;

			r->n = d->u.rec.n;
			r->fields = arena_zalloc(&c->arena, (r->n + 1) * sizeof(*r->fields));
			for (j = 0; j < r->n; j++) {
				struct field_decl *fd = &d->u.rec.fields[j];

				for (k = 0; k < j; k++)
					if (strcmp(d->u.rec.fields[k].name, fd->name) == 0)
						lwc_error(c, &fd->sp, "field %s is declared twice",
						    fd->name);
				r->fields[j].name = fd->name;
				r->fields[j].sp = fd->sp;
				r->fields[j].ty = ty_from_texpr(c, m, fd->type, NULL);
			}
		} else if (d->kind == D_SUM) {
			for (j = 0; j < d->u.sum.n; j++) {
				struct ctor_decl *cd = &d->u.sum.ctors[j];
				const char *dot = strrchr(d->name, '.');
				const char *key = dot ? arena_printf(&c->arena, "%.*s.%s",
				    (int)(dot - d->name), d->name, cd->name) : cd->name;
				struct ctor *ct = symtab_get(&m->ctors, key);

				ct->sum = d->ty->sum;
				if (cd->payload != NULL)
					ct->payload = ty_from_texpr(c, m, cd->payload, NULL);
				d->ty->sum->ctors[j] = ct;
			}
		}
	}
}

/* Checks every declaration (in dependency order) and every validate line. */
int
check(struct lwc *c)
{
	size_t i, j;

	for (i = 0; i < c->modules.n; i++)
		declare_types(c, c->modules.v[i]);
	for (i = 0; i < c->modules.n; i++)
		define_types(c, c->modules.v[i]);
	if (c->errors)
		return -1;
	for (i = 0; i < c->order.n; i++)
		check_decl(c, c->order.v[i]);
	for (i = 0; i < c->modules.n; i++) {
		struct module *m = c->modules.v[i];

		for (j = 0; j < m->decls.n; j++) {
			struct decl *d = m->decls.v[j];
			struct ty *f;

			if (d->kind != D_VALIDATE || d->u.validate.fn->kind != E_PATH)
				continue;
			f = d->u.validate.fn->u.path.decl->ty;
			if (f == NULL || f->kind != TY_FUN)
				continue;
			if (f->n != 1 || f->ret->kind != TY_SUM || f->ret->sum != &validation_sum ||
			    (f->items[0]->kind != TY_RECORD && f->items[0]->kind != TY_SUM &&
			    f->items[0]->kind != TY_RESOURCE) ||
			    (f->items[0]->kind == TY_RECORD && f->items[0]->rec->decl == NULL)) {
				lwc_error(c, &d->u.validate.fn->sp, "%s cannot be a validation: its type "
				    "is %s", d->name, ty_str(c, f));
				lwc_hint(c, "a validation takes one value of a record, sum or resource "
				    "type and returns Validation");
				continue;
			}
			d->ty = f->items[0];
		}
	}
	if (c->errors == 0)
		warn_unused_imports(c);
	return c->errors ? -1 : 0;
}
