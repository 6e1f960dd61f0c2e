/* check_call.c: typing calls: functions, builtins (whose type variables are matched against the
 * arguments), constructors, named arguments, and Fugue.Core's resource and external. */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "lwc.h"

/* Matches an argument type against a builtin's parameter type, binding type variables. */
static int
unify(struct lwc *c, struct ty *pat, struct ty *got, struct ty **vars)
{
	size_t i;

	if (got->kind == TY_ERROR)
		return 1;
	switch (pat->kind) {
	case TY_VAR:
		if (vars[pat->var] == NULL) {
			vars[pat->var] = got;
			return 1;
		}
		if ((got = ty_join(c, vars[pat->var], got)) == NULL)
			return 0;
		vars[pat->var] = got;
		return 1;
	case TY_LIST:
		if (got->kind == TY_NEVER)
			return 1;
		return got->kind == TY_LIST && unify(c, pat->elem, got->elem, vars);
	case TY_OPTIONAL:
		return unify(c, pat->elem, got->kind == TY_OPTIONAL ? got->elem : got, vars);
	case TY_TUPLE:
	case TY_FUN:
		if (got->kind != pat->kind || got->n != pat->n)
			return 0;
		for (i = 0; i < pat->n; i++)
			if (!unify(c, pat->items[i], got->items[i], vars))
				return 0;
		return pat->kind == TY_TUPLE || unify(c, pat->ret, got->ret, vars);
	default:
		return ty_assignable(got, pat);
	}
}

/* pat with its bound type variables replaced (unbound ones by NULL when strict). */
static struct ty *
subst(struct lwc *c, struct ty *pat, struct ty **vars, int strict)
{
	struct ty *t;
	size_t i;

	switch (pat->kind) {
	case TY_VAR:
		return vars[pat->var] ? vars[pat->var] : strict ? NULL : &ty_never;
	case TY_LIST:
	case TY_OPTIONAL:
		if ((t = subst(c, pat->elem, vars, strict)) == NULL)
			return NULL;
		return pat->kind == TY_LIST ? ty_list(c, t) : ty_optional(c, t);
	case TY_TUPLE:
	case TY_FUN:
		t = ty_new(c, pat->kind);
		*t = *pat;
		t->items = arena_alloc(&c->arena, (pat->n + 1) * sizeof(*t->items));
		for (i = 0; i < pat->n; i++)
			if ((t->items[i] = subst(c, pat->items[i], vars, strict)) == NULL)
				return NULL;
		if (pat->kind == TY_FUN && (t->ret = subst(c, pat->ret, vars, strict)) == NULL)
			return NULL;
		return t;
	default:
		return pat;
	}
}

/* 1 when e is a lambda with a parameter whose type is not written. */
static int
untyped_lambda(const struct expr *e)
{
	size_t i;

	for (i = 0; e->kind == E_LAMBDA && i < e->u.lambda.n; i++)
		if (e->u.lambda.params[i].type == NULL)
			return 1;
	return 0;
}

/* The expected type of a lambda argument: its parameter types as far as they are known. */
static struct ty *
lambda_hint(struct lwc *c, struct ty *pat, struct ty **vars)
{
	struct ty *t;
	size_t i;

	if (pat->kind != TY_FUN)
		return NULL;
	t = ty_new(c, TY_FUN);
	t->n = pat->n;
	t->items = arena_zalloc(&c->arena, (pat->n + 1) * sizeof(*t->items));
	for (i = 0; i < pat->n; i++)
		t->items[i] = subst(c, pat->items[i], vars, 1);
	return t;
}

/* Checks args (in parameter order; NULL: an omitted Optional) against function type f. */
static struct ty *
check_args(struct cctx *x, struct expr *call, struct ty *f, struct expr **args, size_t n,
    const char *name)
{
	struct lwc *c = x->c;
	struct ty *vars[8] = { 0 };
	size_t i;
	int pass;

	if (n != f->n) {
		lwc_error(c, &call->sp, "%s takes %zu argument%s, not %zu", name, f->n,
		    f->n == 1 ? "" : "s", n);
		for (i = 0; i < n; i++)
			ck_infer(x, args[i], NULL);
		return &ty_error;
	}
	for (pass = 0; pass < 2; pass++) {
		/* lambdas whose parameter types come from the other arguments go second */
		for (i = 0; i < n; i++) {
			struct ty *want, *got;
			const char *what;

			if (args[i] == NULL || untyped_lambda(args[i]) != pass)
				continue;
			what = f->pnames ? arena_printf(&c->arena, "argument %s of %s", f->pnames[i],
			    name) : arena_printf(&c->arena, "argument %zu of %s", i + 1, name);
			want = subst(c, f->items[i], vars, 1);
			if (want != NULL && want == f->items[i]) {
				ck_expect(x, args[i], want, what);
				continue;
			}
			if (want == NULL && pass == 1)
				want = lambda_hint(c, f->items[i], vars);
			got = ck_infer(x, args[i], want);
			if (!unify(c, f->items[i], got, vars)) {
				lwc_error(c, &args[i]->sp, "wrong type for %s: expected %s, got %s", what,
				    ty_str(c, subst(c, f->items[i], vars, 0)), ty_str(c, got));
				return &ty_error;
			}
		}
	}
	return subst(c, f->ret, vars, 0);
}

/* Fugue.Core.resource(TYPE, PROPERTIES) and Fugue.Core.external(TYPE, ID, REGION): the type
 * must be a string literal naming a plugin schema; the result is that resource type. */
static struct ty *
check_core(struct cctx *x, struct expr *e, const struct builtin *bi)
{
	struct lwc *c = x->c;
	struct expr *t = e->u.call.n > 0 ? e->u.call.args[0] : NULL;
	struct restype *rt;

	if (e->kind != E_CALL || t == NULL || t->kind != E_STRING) {
		lwc_error(c, t ? &t->sp : &e->sp, "Fugue.Core.%s needs the resource type as a string "
		    "literal, such as \"AWS.EC2.Vpc\"", bi->name);
		return &ty_error;
	}
	if (schemas_load(c) < 0)
		return &ty_error;
	if ((rt = schema_find(c, t->u.str.s)) == NULL) {
		const char **names = fg_malloc((c->restypes.n + 1) * sizeof(*names));
		const char *best;
		size_t i;

		for (i = 0; i < c->restypes.n; i++)
			names[i] = ((struct restype *)c->restypes.v[i])->name;
		lwc_error(c, &t->sp, "no plugin schema defines resource type %s", t->u.str.s);
		best = lwc_suggest(t->u.str.s, names, c->restypes.n);
		free(names);
		if (best != NULL)
			lwc_hint(c, "did you mean %s?", best);
		else
			lwc_hint(c, "schemas are read from -S DIRS, FUGUE_SCHEMA_PATH and the "
			    "installed schema directory");
		return &ty_error;
	}
	t->ty = &ty_string;
	if (builtin_special(bi) == BI_RESOURCE) {
		if (e->u.call.n != 2) {
			lwc_error(c, &e->sp, "Fugue.Core.resource takes 2 arguments, not %zu",
			    e->u.call.n);
			return &ty_error;
		}
		ck_expect(x, e->u.call.args[1], rt->props_ty,
		    arena_printf(&c->arena, "the properties of %s", rt->name));
		return rt->ty;
	}
	if (e->u.call.n != 3) {
		lwc_error(c, &e->sp, "Fugue.Core.external takes 3 arguments, not %zu", e->u.call.n);
		return &ty_error;
	}
	ck_expect(x, e->u.call.args[1], &ty_string, "the id of an external resource");
	ck_expect(x, e->u.call.args[2], ty_optional(c, &ty_string),
	    "the region of an external resource");
	return rt->ty;
}

/* A constructor applied to its payload: Ctor(x), Ctor x, Ctor {record}. */
static struct ty *
check_ctor_call(struct cctx *x, struct expr *e, struct ctor *ct)
{
	struct lwc *c = x->c;
	struct expr *arg;

	if (ct->payload == NULL) {
		lwc_error(c, &e->sp, "constructor %s carries no value", ct->name);
		return &ty_error;
	}
	if (e->kind == E_NAMED) {
		arg = e->u.call.record;
	} else if (e->u.call.n == 1) {
		arg = e->u.call.args[0];
	} else {
		lwc_error(c, &e->sp, "constructor %s carries one value, not %zu", ct->name,
		    e->u.call.n);
		return &ty_error;
	}
	ck_expect(x, arg, ct->payload, arena_printf(&c->arena, "the value of %s", ct->name));
	return ct->sum->decl->ty;
}

/* f {name: value, ...}: arguments by parameter name; omitted Optionals are None. */
static struct ty *
check_named(struct cctx *x, struct expr *e, struct ty *f, const char *name)
{
	struct lwc *c = x->c;
	struct expr *r = e->u.call.record;
	struct expr **ordered;
	size_t i, j;
	int bad = 0, unknown = 0;

	if (f->pnames == NULL) {
		lwc_error(c, &e->sp, "%s takes positional arguments: call it as %s(...)", name,
		    name);
		return &ty_error;
	}
	ordered = arena_zalloc(&c->arena, (f->n + 1) * sizeof(*ordered));
	for (i = 0; i < r->u.record.n; i++) {
		struct field_init *fi = &r->u.record.fields[i];

		for (j = 0; j < f->n; j++)
			if (strcmp(f->pnames[j], fi->name) == 0)
				break;
		if (j == f->n) {
			const char *best = lwc_suggest(fi->name, f->pnames, f->n);

			lwc_error(c, &fi->sp, "unknown argument %s of %s", fi->name, name);
			if (best != NULL)
				lwc_hint(c, "did you mean %s?", best);
			ck_infer(x, fi->value, NULL);
			bad = unknown = 1;
		} else if (ordered[j] != NULL) {
			lwc_error(c, &fi->sp, "argument %s is given twice", fi->name);
			bad = 1;
		} else {
			ordered[j] = fi->value;
		}
	}
	for (j = 0; !unknown && j < f->n; j++)
		if (ordered[j] == NULL && f->items[j]->kind != TY_OPTIONAL &&
		    f->items[j]->kind != TY_VAR) {
			lwc_error(c, &e->u.call.fn->sp, "missing argument %s (%s) in the call to %s",
			    f->pnames[j], ty_str(c, f->items[j]), name);
			bad = 1;
		}
	e->u.call.ordered = ordered;
	if (bad) {
		for (j = 0; j < f->n; j++)
			if (ordered[j] != NULL)
				ck_infer(x, ordered[j], NULL);
		return &ty_error;
	}
	return check_args(x, e, f, ordered, f->n, name);
}

/* A call: positional (E_CALL) or named (E_NAMED). */
struct ty *
ck_call(struct cctx *x, struct expr *e)
{
	struct lwc *c = x->c;
	struct expr *fn = e->u.call.fn;
	const char *name = ck_callee(c, fn);
	struct ty *f;
	size_t i;

	if (fn->kind == E_PATH && fn->u.path.ref == REF_CTOR)
		return check_ctor_call(x, e, fn->u.path.ctor);
	if (fn->kind == E_PATH && fn->u.path.ref == REF_TYPE)
		return ck_record(x, e->u.call.record, fn->u.path.decl->ty);
	if (fn->kind == E_PATH && fn->u.path.ref == REF_BUILTIN) {
		const struct builtin *bi = fn->u.path.bi;

		if (builtin_special(bi) != BI_PLAIN)
			return check_core(x, e, bi);
		f = bi->ty;
		name = bi->name;
	} else {
		f = ck_infer(x, fn, NULL);
	}
	if (f->kind == TY_ERROR) {
		for (i = 0; e->kind == E_CALL && i < e->u.call.n; i++)
			ck_infer(x, e->u.call.args[i], NULL);
		return &ty_error;
	}
	if (f->kind != TY_FUN) {
		lwc_error(c, &fn->sp, "%s is not a function (its type is %s)", name, ty_str(c, f));
		return &ty_error;
	}
	if (e->kind == E_NAMED)
		return check_named(x, e, f, name);
	return check_args(x, e, f, e->u.call.args, e->u.call.n, name);
}

