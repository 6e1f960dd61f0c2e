/* check_expr.c: typing expressions: literals, names, fields, records, calls, operators,
 * if and case (with exhaustiveness), let blocks and lambdas. */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "lwc.h"

#define MAX_FRAMES 256

struct cctx {
	struct lwc *c;
	struct module *m;
	struct ty **frames[MAX_FRAMES]; /* slot types of each open frame */
	int nframes;
};

static struct ty *infer(struct cctx *, struct expr *, struct ty *hint);

/* The type inside an Optional hint (hints pass through Optional lifting). */
static struct ty *
unopt(struct ty *t)
{
	return t != NULL && t->kind == TY_OPTIONAL ? t->elem : t;
}

/* Infers e with expected type want and reports a mismatch; ctx names what is checked
 * ("field size of Tier"), or NULL. Returns the expected type (or the inferred one). */
static struct ty *
expect_ty(struct cctx *x, struct expr *e, struct ty *want, const char *ctx)
{
	struct ty *got = infer(x, e, want);

	if (ty_assignable(got, want))
		return want;
	if (ctx != NULL)
		lwc_error(x->c, &e->sp, "wrong type for %s: expected %s, got %s", ctx,
		    ty_str(x->c, want), ty_str(x->c, got));
	else
		lwc_error(x->c, &e->sp, "type mismatch: expected %s, got %s", ty_str(x->c, want),
		    ty_str(x->c, got));
	if (got->kind == TY_OPTIONAL && ty_assignable(got->elem, want))
		lwc_hint(x->c, "the value may be missing: give a default with ?| or use case");
	else if (got->kind == TY_INT && want->kind == TY_STRING)
		lwc_hint(x->c, "convert it with Int.toString");
	return &ty_error;
}

/* Hints the closest field of r (and attributes of rt) to name. */
static void
hint_field(struct lwc *c, const char *name, const struct rec *r, const struct restype *rt)
{
	const char **cands;
	const char *best;
	size_t i, n = 0;

	cands = fg_malloc((r->n + (rt ? rt->nattrs : 0) + 1) * sizeof(*cands));
	for (i = 0; i < r->n; i++)
		cands[n++] = r->fields[i].name;
	for (i = 0; rt != NULL && i < rt->nattrs; i++)
		cands[n++] = rt->attrs[i].name;
	best = lwc_suggest(name, cands, n);
	free(cands);
	if (best != NULL)
		lwc_hint(c, "did you mean %s?", best);
}

/* How a callee is named in messages: its path, or "the function". */
static const char *
callee_name(struct lwc *c, const struct expr *fn)
{
	if (fn->kind == E_PATH)
		return path_join(c, fn->u.path.segs, 0, fn->u.path.n);
	if (fn->kind == E_FIELD)
		return arena_printf(&c->arena, "%s.%s", callee_name(c, fn->u.field.obj),
		    fn->u.field.name);
	return "the function";
}

/* Checks a record literal against record type r; warns about deprecated fields. */
static void
check_record_fields(struct cctx *x, struct expr *e, const struct rec *r, const char *what)
{
	struct lwc *c = x->c;
	size_t i, j;

	for (i = 0; i < e->u.record.n; i++) {
		struct field_init *fi = &e->u.record.fields[i];
		struct field *f = rec_field(r, fi->name);

		for (j = 0; j < i; j++)
			if (strcmp(e->u.record.fields[j].name, fi->name) == 0)
				lwc_error(c, &fi->sp, "field %s is given twice", fi->name);
		if (f == NULL) {
			lwc_error(c, &fi->sp, "unknown field %s in %s", fi->name, what);
			hint_field(c, fi->name, r, NULL);
			infer(x, fi->value, NULL);
			continue;
		}
		if (f->deprecated) {
			lwc_warn(c, &fi->sp, "field %s of %s is deprecated", fi->name, what);
			if (f->schema != NULL && f->schema->desc != NULL)
				lwc_hint(c, "%s", f->schema->desc);
		}
		expect_ty(x, fi->value, f->ty, arena_printf(&c->arena, "field %s of %s", fi->name,
		    what));
	}
	for (i = 0; i < r->n; i++) {
		int given = 0;

		for (j = 0; j < e->u.record.n; j++)
			if (strcmp(e->u.record.fields[j].name, r->fields[i].name) == 0)
				given = 1;
		if (!given && r->fields[i].ty->kind != TY_OPTIONAL) {
			lwc_error(c, &e->sp, "missing field %s (%s) in %s", r->fields[i].name,
			    ty_str(c, r->fields[i].ty), what);
			if (r->fields[i].schema != NULL && r->fields[i].schema->desc != NULL)
				lwc_hint(c, "%s: %s", r->fields[i].name, r->fields[i].schema->desc);
		}
	}
}

/* A record literal: checked against the expected record type, or given its own type. */
static struct ty *
infer_record(struct cctx *x, struct expr *e, struct ty *hint)
{
	struct lwc *c = x->c;
	struct ty *t;
	struct rec *r;
	size_t i, j;

	hint = unopt(hint);
	if (hint != NULL && hint->kind == TY_RECORD) {
		check_record_fields(x, e, hint->rec, ty_str(c, hint));
		e->u.record.rec = hint->rec;
		return hint;
	}
	r = arena_zalloc(&c->arena, sizeof(*r));
	r->structural = 1;
	r->n = e->u.record.n;
	r->fields = arena_zalloc(&c->arena, (r->n + 1) * sizeof(*r->fields));
	for (i = 0; i < r->n; i++) {
		struct field_init *fi = &e->u.record.fields[i];

		for (j = 0; j < i; j++)
			if (strcmp(e->u.record.fields[j].name, fi->name) == 0)
				lwc_error(c, &fi->sp, "field %s is given twice", fi->name);
		r->fields[i].name = fi->name;
		r->fields[i].sp = fi->sp;
		r->fields[i].ty = infer(x, fi->value, NULL);
	}
	e->u.record.rec = r;
	t = ty_new(c, TY_RECORD);
	t->rec = r;
	return t;
}

/* The type of a name. */
static struct ty *
infer_path(struct cctx *x, struct expr *e)
{
	struct lwc *c = x->c;

	switch (e->u.path.ref) {
	case REF_NONE:
		return &ty_error;
	case REF_LOCAL:
		return x->frames[x->nframes - 1 - e->u.path.depth][e->u.path.slot];
	case REF_GLOBAL:
		return e->u.path.decl->ty ? e->u.path.decl->ty : &ty_error;
	case REF_CTOR: {
		struct ctor *ct = e->u.path.ctor;
		struct ty *t;

		if (ct->payload == NULL)
			return ct->sum->decl->ty;
		t = ty_new(c, TY_FUN);
		t->n = 1;
		t->items = arena_alloc(&c->arena, sizeof(*t->items));
		t->items[0] = ct->payload;
		t->ret = ct->sum->decl->ty;
		return t;
	}
	case REF_BUILTIN:
		if (e->u.path.bi->nvars > 0) {
			lwc_error(c, &e->sp, "%s must be called here", e->u.path.bi->name);
			lwc_hint(c, "to pass it on, wrap it: fun(x: T): %s(x)", e->u.path.bi->name);
			return &ty_error;
		}
		return e->u.path.bi->ty;
	}
	return &ty_error;
}

/* The type of obj.name: a record field, a resource property or read-only attribute. */
static struct ty *
infer_field(struct cctx *x, struct expr *e)
{
	struct lwc *c = x->c;
	struct ty *t = infer(x, e->u.field.obj, NULL);
	const char *name = e->u.field.name;
	struct field *f;
	const struct attr *a;

	switch (t->kind) {
	case TY_ERROR:
		return &ty_error;
	case TY_RECORD:
		if ((f = rec_field(t->rec, name)) != NULL)
			return f->ty;
		lwc_error(c, &e->u.field.namesp, "no field %s in %s", name, ty_str(c, t));
		hint_field(c, name, t->rec, NULL);
		return &ty_error;
	case TY_RESOURCE:
		if ((f = rec_field(t->rt->props, name)) != NULL)
			return f->ty;
		if ((a = restype_attr(t->rt, name)) != NULL) {
			e->u.field.attr = (int)(a - t->rt->attrs);
			return a->ty;
		}
		lwc_error(c, &e->u.field.namesp, "no property or attribute %s in %s", name,
		    ty_str(c, t));
		hint_field(c, name, t->rt->props, t->rt);
		return &ty_error;
	case TY_OPTIONAL:
		lwc_error(c, &e->u.field.obj->sp, "%s may be missing (its type is %s)",
		    callee_name(c, e->u.field.obj), ty_str(c, t));
		lwc_hint(c, "get the value first with case or ?|");
		return &ty_error;
	default:
		lwc_error(c, &e->u.field.namesp, "%s has no fields (its type is %s)",
		    callee_name(c, e->u.field.obj), ty_str(c, t));
		return &ty_error;
	}
}

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

/* Checks args (in parameter order; NULL: an omitted Optional) against function type f. */
static struct ty *
check_args(struct cctx *x, struct expr *call, struct ty *f, struct expr **args, size_t n,
    const char *name)
{
	struct lwc *c = x->c;
	struct ty *vars[8] = { 0 };
	size_t i;

	if (n != f->n) {
		lwc_error(c, &call->sp, "%s takes %zu argument%s, not %zu", name, f->n,
		    f->n == 1 ? "" : "s", n);
		for (i = 0; i < n; i++)
			infer(x, args[i], NULL);
		return &ty_error;
	}
	for (i = 0; i < n; i++) {
		struct ty *want, *got;
		const char *what = f->pnames ? arena_printf(&c->arena, "argument %s of %s",
		    f->pnames[i], name) : arena_printf(&c->arena, "argument %zu of %s", i + 1, name);

		if (args[i] == NULL)
			continue;
		want = subst(c, f->items[i], vars, 1);
		if (want != NULL && want == f->items[i]) {
			expect_ty(x, args[i], want, what);
			continue;
		}
		got = infer(x, args[i], want);
		if (!unify(c, f->items[i], got, vars)) {
			lwc_error(c, &args[i]->sp, "wrong type for %s: expected %s, got %s", what,
			    ty_str(c, subst(c, f->items[i], vars, 0)), ty_str(c, got));
			return &ty_error;
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
		expect_ty(x, e->u.call.args[1], rt->props->ty ? rt->props->ty : rt->ty,
		    arena_printf(&c->arena, "the properties of %s", rt->name));
		return rt->ty;
	}
	if (e->u.call.n != 3) {
		lwc_error(c, &e->sp, "Fugue.Core.external takes 3 arguments, not %zu", e->u.call.n);
		return &ty_error;
	}
	expect_ty(x, e->u.call.args[1], &ty_string, "the id of an external resource");
	expect_ty(x, e->u.call.args[2], ty_optional(c, &ty_string),
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
	expect_ty(x, arg, ct->payload, arena_printf(&c->arena, "the value of %s", ct->name));
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
	int bad = 0;

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
			infer(x, fi->value, NULL);
			bad = 1;
		} else if (ordered[j] != NULL) {
			lwc_error(c, &fi->sp, "argument %s is given twice", fi->name);
			bad = 1;
		} else {
			ordered[j] = fi->value;
		}
	}
	for (j = 0; j < f->n; j++)
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
				infer(x, ordered[j], NULL);
		return &ty_error;
	}
	return check_args(x, e, f, ordered, f->n, name);
}

/* A call: positional (E_CALL) or named (E_NAMED). */
static struct ty *
infer_call(struct cctx *x, struct expr *e)
{
	struct lwc *c = x->c;
	struct expr *fn = e->u.call.fn;
	const char *name = callee_name(c, fn);
	struct ty *f;
	size_t i;

	if (fn->kind == E_PATH && fn->u.path.ref == REF_CTOR)
		return check_ctor_call(x, e, fn->u.path.ctor);
	if (fn->kind == E_PATH && fn->u.path.ref == REF_BUILTIN) {
		const struct builtin *bi = fn->u.path.bi;

		if (builtin_special(bi) != BI_PLAIN)
			return check_core(x, e, bi);
		f = bi->ty;
		name = bi->name;
	} else {
		f = infer(x, fn, NULL);
	}
	if (f->kind == TY_ERROR) {
		for (i = 0; e->kind == E_CALL && i < e->u.call.n; i++)
			infer(x, e->u.call.args[i], NULL);
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

/* r with {a.b: v, ...}: each path must reach a field of the record. */
static struct ty *
infer_with(struct cctx *x, struct expr *e)
{
	struct lwc *c = x->c;
	struct ty *t = infer(x, e->u.with.obj, NULL);
	size_t i;

	if (t->kind == TY_ERROR)
		return t;
	if (t->kind != TY_RECORD) {
		lwc_error(c, &e->u.with.obj->sp, "with needs a record, not %s", ty_str(c, t));
		if (t->kind == TY_RESOURCE)
			lwc_hint(c, "a resource cannot be copied; call its constructor again");
		return &ty_error;
	}
	for (i = 0; i < e->u.with.n; i++) {
		struct field_init *fi = &e->u.with.fields[i];
		struct ty *cur = t;
		const char *s = fi->name;

		for (;;) {
			const char *dot = strchr(s, '.');
			const char *seg = dot ? arena_strndup(&c->arena, s, (size_t)(dot - s)) : s;
			struct field *f = rec_field(cur->rec, seg);

			if (f == NULL) {
				lwc_error(c, &fi->sp, "no field %s in %s", seg, ty_str(c, cur));
				hint_field(c, seg, cur->rec, NULL);
				cur = NULL;
				break;
			}
			if (dot == NULL) {
				cur = f->ty;
				break;
			}
			if (f->ty->kind != TY_RECORD) {
				lwc_error(c, &fi->sp, "with cannot reach into %s: its type is %s", seg,
				    ty_str(c, f->ty));
				cur = NULL;
				break;
			}
			cur = f->ty;
			s = dot + 1;
		}
		if (cur != NULL)
			expect_ty(x, fi->value, cur, arena_printf(&c->arena, "field %s", fi->name));
		else
			infer(x, fi->value, NULL);
	}
	return t;
}

/* if c then a else b */
static struct ty *
infer_if(struct cctx *x, struct expr *e, struct ty *hint)
{
	struct ty *a, *b, *j;

	expect_ty(x, e->u.cond.cond, &ty_bool, "the condition of if");
	a = infer(x, e->u.cond.then, hint);
	b = infer(x, e->u.cond.els, hint);
	if ((j = ty_join(x->c, a, b)) == NULL) {
		lwc_error(x->c, &e->u.cond.els->sp, "the branches of if have different types: %s "
		    "and %s", ty_str(x->c, a), ty_str(x->c, b));
		return &ty_error;
	}
	return j;
}

/* Checks a pattern against the subject type s; binds its name. Returns 0 or -1. */
static int
check_pattern(struct cctx *x, struct pattern *p, struct ty *s)
{
	struct lwc *c = x->c;
	struct ty **slots = x->frames[x->nframes - 1];
	const char *want = NULL;

	switch (p->kind) {
	case P_WILD:
		return 0;
	case P_BIND:
		slots[p->slot] = s;
		return 0;
	case P_NONE:
	case P_SOME:
		if (s->kind != TY_OPTIONAL && s->kind != TY_ERROR) {
			want = "an Optional";
			break;
		}
		if (p->kind == P_SOME && p->binder != NULL)
			slots[p->slot] = s->kind == TY_OPTIONAL ? s->elem : s;
		return 0;
	case P_BOOL:
		if (s->kind != TY_BOOL && s->kind != TY_ERROR)
			want = "Bool";
		break;
	case P_INT:
		if (s->kind != TY_INT && s->kind != TY_ERROR)
			want = "Int";
		break;
	case P_STRING:
		if (s->kind != TY_STRING && s->kind != TY_ERROR)
			want = "String";
		break;
	case P_CTOR:
		if (p->ctor == NULL)
			return -1;
		if (s->kind != TY_ERROR && (s->kind != TY_SUM || s->sum != p->ctor->sum)) {
			lwc_error(c, &p->sp, "%s is a constructor of %s, but the value is %s", p->name,
			    ty_str(c, p->ctor->sum->decl->ty), ty_str(c, s));
			return -1;
		}
		if (p->binder != NULL) {
			if (p->ctor->payload == NULL) {
				lwc_error(c, &p->binder_sp, "%s carries no value to bind", p->name);
				return -1;
			}
			slots[p->slot] = p->ctor->payload;
		}
		return 0;
	}
	if (want != NULL) {
		lwc_error(c, &p->sp, "this pattern matches %s, but the value is %s", want,
		    ty_str(c, s));
		return -1;
	}
	return 0;
}

/* Reports the alternatives a case lacks, or an unreachable one. */
static void
check_exhaustive(struct cctx *x, struct expr *e, struct ty *s)
{
	struct lwc *c = x->c;
	size_t n = s->kind == TY_SUM ? s->sum->n : s->kind == TY_OPTIONAL || s->kind == TY_BOOL ?
	    2 : 0;
	char *seen = fg_calloc(n + 1, 1);
	size_t i, k;
	int all = 0;
	struct fg_buf miss;

	for (i = 0; i < e->u.kase.n; i++) {
		struct pattern *p = &e->u.kase.alts[i].pat;
		size_t which = n;

		if (all) {
			lwc_warn(c, &p->sp, "unreachable alternative");
			lwc_hint(c, "an earlier alternative already matches every value");
			break;
		}
		if (p->kind == P_WILD || p->kind == P_BIND)
			all = 1;
		else if (p->kind == P_CTOR && p->ctor != NULL && s->kind == TY_SUM)
			which = p->ctor->index;
		else if (p->kind == P_NONE || (p->kind == P_BOOL && p->ival == 0))
			which = 0;
		else if (p->kind == P_SOME || p->kind == P_BOOL)
			which = 1;
		if (which < n) {
			if (seen[which]) {
				lwc_warn(c, &p->sp, "unreachable alternative");
				lwc_hint(c, "an earlier alternative matches %s already", p->name ?
				    p->name : p->kind == P_NONE ? "None" : "this value");
			}
			seen[which] = 1;
		}
	}
	fg_buf_init(&miss);
	for (k = 0; !all && k < n; k++) {
		const char *name = s->kind == TY_SUM ? s->sum->ctors[k]->name :
		    s->kind == TY_BOOL ? (k ? "True" : "False") : (k ? "Optional x" : "None");

		if (!seen[k])
			fg_buf_addf(&miss, "%s%s", miss.len ? ", " : "", name);
	}
	if (!all && (n == 0 || miss.len > 0)) {
		struct span sp = e->sp;

		if (n == 0) {
			lwc_error(c, &sp, "non-exhaustive case: a value of type %s can match none of "
			    "the alternatives", ty_str(c, s));
			lwc_hint(c, "add | _ -> … for the other values");
		} else {
			lwc_error(c, &sp, "non-exhaustive case: missing %s", miss.data);
			lwc_hint(c, "add | %s -> … or | _ -> …", strchr(miss.data, ',') ?
			    arena_strndup(&c->arena, miss.data,
			    (size_t)(strchr(miss.data, ',') - miss.data)) : miss.data);
		}
	}
	fg_buf_free(&miss);
	free(seen);
}

/* case e of | p -> a ... */
static struct ty *
infer_case(struct cctx *x, struct expr *e, struct ty *hint)
{
	struct ty *s = infer(x, e->u.kase.subject, NULL), *r = NULL;
	size_t i;
	int bad = 0;

	for (i = 0; i < e->u.kase.n; i++) {
		struct alt *a = &e->u.kase.alts[i];
		struct ty *t, *j;

		if (check_pattern(x, &a->pat, s) < 0) {
			bad = 1;
			continue;
		}
		t = infer(x, a->body, hint);
		if (r == NULL) {
			r = t;
		} else if ((j = ty_join(x->c, r, t)) == NULL) {
			lwc_error(x->c, &a->body->sp, "the alternatives of case have different types: "
			    "%s and %s", ty_str(x->c, r), ty_str(x->c, t));
			bad = 1;
		} else {
			r = j;
		}
	}
	if (!bad && s->kind != TY_ERROR)
		check_exhaustive(x, e, s);
	return bad || r == NULL ? &ty_error : r;
}

/* Arithmetic, comparison, logic, ++ and ?|. */
static struct ty *
infer_binop(struct cctx *x, struct expr *e, struct ty *hint)
{
	struct lwc *c = x->c;
	enum tok op = e->u.bin.op;
	struct ty *l, *r, *j;

	switch (op) {
	case T_AND:
	case T_OR:
		expect_ty(x, e->u.bin.l, &ty_bool, NULL);
		expect_ty(x, e->u.bin.r, &ty_bool, NULL);
		return &ty_bool;
	case T_DEFAULT:
		l = infer(x, e->u.bin.l, hint ? ty_optional(c, hint) : NULL);
		if (l->kind == TY_ERROR)
			return l;
		if (l->kind != TY_OPTIONAL) {
			lwc_error(c, &e->u.bin.l->sp, "?| needs an Optional on its left, not %s",
			    ty_str(c, l));
			lwc_hint(c, "the value is always present: drop the ?| default");
			return &ty_error;
		}
		return expect_ty(x, e->u.bin.r, l->elem->kind == TY_NEVER && hint ? hint : l->elem,
		    "the default of ?|");
	case T_PLUSPLUS:
		l = infer(x, e->u.bin.l, hint);
		if (l->kind == TY_ERROR)
			return l;
		if (l->kind != TY_STRING && l->kind != TY_LIST) {
			lwc_error(c, &e->u.bin.l->sp, "++ joins strings or lists, not %s", ty_str(c, l));
			if (l->kind == TY_INT)
				lwc_hint(c, "convert it with Int.toString");
			return &ty_error;
		}
		r = infer(x, e->u.bin.r, l);
		if ((j = ty_join(c, l, r)) == NULL || j->kind == TY_OPTIONAL) {
			lwc_error(c, &e->u.bin.r->sp, "++ needs two values of the same type: %s and %s",
			    ty_str(c, l), ty_str(c, r));
			return &ty_error;
		}
		return j;
	default:
		break;
	}
	l = infer(x, e->u.bin.l, NULL);
	r = infer(x, e->u.bin.r, l);
	if (l->kind == TY_ERROR || r->kind == TY_ERROR)
		return op == T_EQ || op == T_NE || op == T_LT || op == T_LE || op == T_GT ||
		    op == T_GE ? &ty_bool : &ty_error;
	if (op == T_EQ || op == T_NE) {
		if (ty_join(c, l, r) == NULL || l->kind == TY_FUN) {
			lwc_error(c, &e->sp, "cannot compare %s with %s", ty_str(c, l), ty_str(c, r));
			return &ty_bool;
		}
		return &ty_bool;
	}
	if (!ty_equal(l, r) || (l->kind != TY_INT && l->kind != TY_FLOAT &&
	    (l->kind != TY_STRING || op == T_PLUS || op == T_MINUS || op == T_STAR ||
	    op == T_SLASH || op == T_PERCENT))) {
		lwc_error(c, &e->sp, "'%s' needs two Ints or two Floats%s, not %s and %s",
		    tok_name(op), op >= T_LT && op <= T_GE ? " (or two Strings)" : "",
		    ty_str(c, l), ty_str(c, r));
		if (op == T_PLUS && (l->kind == TY_STRING || r->kind == TY_STRING))
			lwc_hint(c, "join strings with ++");
		else if (l->kind != r->kind && (l->kind == TY_INT || l->kind == TY_FLOAT))
			lwc_hint(c, "convert with Int.toFloat");
		return op >= T_LT && op <= T_GE ? &ty_bool : &ty_error;
	}
	return op >= T_LT && op <= T_GE ? &ty_bool : l;
}

/* A lambda: parameters in a new frame; the body against the declared result. */
static struct ty *
infer_lambda(struct cctx *x, struct expr *e)
{
	struct lwc *c = x->c;
	struct ty *t = ty_new(c, TY_FUN);
	size_t i;

	if (x->nframes == MAX_FRAMES) {
		lwc_error(c, &e->sp, "functions nested too deeply");
		return &ty_error;
	}
	x->frames[x->nframes++] = arena_zalloc(&c->arena, (size_t)(e->u.lambda.nslots + 1) *
	    sizeof(struct ty *));
	t->n = e->u.lambda.n;
	t->items = arena_alloc(&c->arena, (t->n + 1) * sizeof(*t->items));
	t->pnames = arena_alloc(&c->arena, (t->n + 1) * sizeof(*t->pnames));
	for (i = 0; i < t->n; i++) {
		struct param *p = &e->u.lambda.params[i];

		p->ty = ty_from_texpr(c, x->m, p->type, NULL);
		t->items[i] = p->ty;
		t->pnames[i] = p->name;
		x->frames[x->nframes - 1][p->slot] = p->ty;
	}
	if (e->u.lambda.ret != NULL) {
		t->ret = ty_from_texpr(c, x->m, e->u.lambda.ret, NULL);
		expect_ty(x, e->u.lambda.body, t->ret, "the result of the function");
	} else {
		t->ret = infer(x, e->u.lambda.body, NULL);
	}
	x->nframes--;
	return t;
}

/* The type of a list literal: the expected item type, or the join of the items. */
static struct ty *
infer_list(struct cctx *x, struct expr *e, struct ty *hint)
{
	struct ty *item = NULL;
	size_t i;

	hint = unopt(hint);
	if (hint != NULL && hint->kind == TY_LIST) {
		for (i = 0; i < e->u.list.n; i++)
			expect_ty(x, e->u.list.items[i], hint->elem, "a list item");
		return hint;
	}
	for (i = 0; i < e->u.list.n; i++) {
		struct ty *t = infer(x, e->u.list.items[i], item), *j;

		if (item == NULL) {
			item = t;
		} else if ((j = ty_join(x->c, item, t)) == NULL) {
			lwc_error(x->c, &e->u.list.items[i]->sp, "list items must have one type: "
			    "expected %s, got %s", ty_str(x->c, item), ty_str(x->c, t));
			return &ty_error;
		} else {
			item = j;
		}
	}
	return ty_list(x->c, item ? item : &ty_never);
}

/* A tuple literal. */
static struct ty *
infer_tuple(struct cctx *x, struct expr *e, struct ty *hint)
{
	struct ty *t = ty_new(x->c, TY_TUPLE);
	size_t i;

	hint = unopt(hint);
	if (hint != NULL && (hint->kind != TY_TUPLE || hint->n != e->u.list.n))
		hint = NULL;
	t->n = e->u.list.n;
	t->items = arena_alloc(&x->c->arena, (t->n + 1) * sizeof(*t->items));
	for (i = 0; i < t->n; i++)
		t->items[i] = hint ? expect_ty(x, e->u.list.items[i], hint->items[i], NULL) :
		    infer(x, e->u.list.items[i], NULL);
	return t;
}

/* let lines, then the result. */
static struct ty *
infer_block(struct cctx *x, struct expr *e, struct ty *hint)
{
	size_t i;

	for (i = 0; i < e->u.block.n; i++) {
		struct let *l = &e->u.block.lets[i];
		struct ty *t = l->annot ? ty_from_texpr(x->c, x->m, l->annot, NULL) : NULL;

		x->frames[x->nframes - 1][l->slot] = t ? expect_ty(x, l->value, t,
		    arena_printf(&x->c->arena, "%s", l->name)) : infer(x, l->value, NULL);
	}
	return infer(x, e->u.block.result, hint);
}

/* The type of e (hint: the type expected there, or NULL); records it on the node. */
static struct ty *
infer(struct cctx *x, struct expr *e, struct ty *hint)
{
	struct ty *t = &ty_error, *h;

	switch (e->kind) {
	case E_INT:
		h = unopt(hint);
		if (h != NULL && h->kind == TY_FLOAT) {
			e->kind = E_FLOAT;
			e->u.fval = (double)e->u.ival;
			t = &ty_float;
		} else {
			t = &ty_int;
		}
		break;
	case E_FLOAT:
		t = &ty_float;
		break;
	case E_STRING:
		t = &ty_string;
		break;
	case E_BOOL:
		t = &ty_bool;
		break;
	case E_NONE:
		t = ty_optional(x->c, &ty_never);
		break;
	case E_PATH:
		t = infer_path(x, e);
		break;
	case E_FIELD:
		t = infer_field(x, e);
		break;
	case E_INDEX:
		t = infer(x, e->u.index.obj, NULL);
		if (t->kind == TY_TUPLE && e->u.index.index < t->n) {
			t = t->items[e->u.index.index];
		} else if (t->kind == TY_TUPLE) {
			lwc_error(x->c, &e->sp, "a tuple of %zu items has no item %zu", t->n,
			    e->u.index.index);
			lwc_hint(x->c, "items are numbered from 0");
			t = &ty_error;
		} else if (t->kind != TY_ERROR) {
			lwc_error(x->c, &e->sp, ".%zu needs a tuple, not %s", e->u.index.index,
			    ty_str(x->c, t));
			t = &ty_error;
		}
		break;
	case E_LIST:
		t = infer_list(x, e, hint);
		break;
	case E_TUPLE:
		t = infer_tuple(x, e, hint);
		break;
	case E_RECORD:
		t = infer_record(x, e, hint);
		break;
	case E_CALL:
	case E_NAMED:
		t = infer_call(x, e);
		break;
	case E_WITH:
		t = infer_with(x, e);
		break;
	case E_IF:
		t = infer_if(x, e, hint);
		break;
	case E_CASE:
		t = infer_case(x, e, hint);
		break;
	case E_BLOCK:
		t = infer_block(x, e, hint);
		break;
	case E_BINOP:
		t = infer_binop(x, e, hint);
		break;
	case E_UNOP:
		if (e->u.un.op == T_NOT) {
			t = expect_ty(x, e->u.un.e, &ty_bool, NULL);
			break;
		}
		t = infer(x, e->u.un.e, hint);
		if (t->kind != TY_INT && t->kind != TY_FLOAT && t->kind != TY_ERROR) {
			lwc_error(x->c, &e->sp, "'-' needs an Int or a Float, not %s", ty_str(x->c, t));
			t = &ty_error;
		}
		break;
	case E_LAMBDA:
		t = infer_lambda(x, e);
		break;
	}
	e->ty = t;
	return t;
}

/* Types one binding or function. */
void
check_decl(struct lwc *c, struct decl *d)
{
	struct cctx x = { c, d->mod, { 0 }, 1 };
	struct ty *t;
	size_t i;

	if (d->kind == D_BINDING) {
		x.frames[0] = arena_zalloc(&c->arena, (size_t)(d->u.bind.nslots + 1) *
		    sizeof(struct ty *));
		if (d->u.bind.annot != NULL) {
			t = ty_from_texpr(c, d->mod, d->u.bind.annot, NULL);
			d->ty = expect_ty(&x, d->u.bind.value, t, d->name);
		} else {
			d->ty = infer(&x, d->u.bind.value, NULL);
		}
		return;
	}
	x.frames[0] = arena_zalloc(&c->arena, (size_t)(d->u.fun.nslots + 1) * sizeof(struct ty *));
	t = ty_new(c, TY_FUN);
	t->n = d->u.fun.n;
	t->items = arena_alloc(&c->arena, (t->n + 1) * sizeof(*t->items));
	t->pnames = arena_alloc(&c->arena, (t->n + 1) * sizeof(*t->pnames));
	for (i = 0; i < t->n; i++) {
		struct param *p = &d->u.fun.params[i];

		p->ty = ty_from_texpr(c, d->mod, p->type, NULL);
		t->items[i] = p->ty;
		t->pnames[i] = p->name;
		x.frames[0][p->slot] = p->ty;
	}
	if (d->u.fun.ret != NULL) {
		t->ret = ty_from_texpr(c, d->mod, d->u.fun.ret, NULL);
		expect_ty(&x, d->u.fun.body, t->ret, arena_printf(&c->arena, "the result of %s",
		    d->name));
	} else {
		t->ret = infer(&x, d->u.fun.body, NULL);
	}
	d->ty = t;
}
