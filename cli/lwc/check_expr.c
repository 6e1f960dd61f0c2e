/* check_expr.c: typing expressions: literals, names, fields, records, operators, if and case
 * (with exhaustiveness), let blocks and lambdas (calls are in check_call.c). */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "lwc.h"


/* The type inside an Optional hint (hints pass through Optional lifting). */
static struct ty *
unopt(struct ty *t)
{
	return t != NULL && t->kind == TY_OPTIONAL ? t->elem : t;
}

/* Infers e with expected type want and reports a mismatch; ctx names what is checked
 * ("field size of Tier"), or NULL. Returns the expected type (or the inferred one). */
struct ty *
ck_expect(struct cctx *x, struct expr *e, struct ty *want, const char *ctx)
{
	struct ty *got = ck_infer(x, e, want);

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
const char *
ck_callee(struct lwc *c, const struct expr *fn)
{
	if (fn->kind == E_PATH)
		return path_join(c, fn->u.path.segs, 0, fn->u.path.n);
	if (fn->kind == E_FIELD)
		return arena_printf(&c->arena, "%s.%s", ck_callee(c, fn->u.field.obj),
		    fn->u.field.name);
	return "the function";
}

/* Checks a record literal against record type r; warns about deprecated fields. */
static void
check_record_fields(struct cctx *x, struct expr *e, const struct rec *r, const char *what)
{
	struct lwc *c = x->c;
	size_t i, j;
	int unknown = 0;

	for (i = 0; i < e->u.record.n; i++) {
		struct field_init *fi = &e->u.record.fields[i];
		struct field *f = rec_field(r, fi->name);

		for (j = 0; j < i; j++)
			if (strcmp(e->u.record.fields[j].name, fi->name) == 0)
				lwc_error(c, &fi->sp, "field %s is given twice", fi->name);
		if (f == NULL) {
			lwc_error(c, &fi->sp, "unknown field %s in %s", fi->name, what);
			hint_field(c, fi->name, r, NULL);
			ck_infer(x, fi->value, NULL);
			unknown = 1;
			continue;
		}
		if (f->deprecated) {
			lwc_warn(c, &fi->sp, "field %s of %s is deprecated", fi->name, what);
			if (f->schema != NULL && f->schema->desc != NULL)
				lwc_hint(c, "%s", f->schema->desc);
		}
		ck_expect(x, fi->value, f->ty, arena_printf(&c->arena, "field %s of %s", fi->name,
		    what));
	}
	for (i = 0; !unknown && i < r->n; i++) {
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
struct ty *
ck_record(struct cctx *x, struct expr *e, struct ty *hint)
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
		r->fields[i].ty = ck_infer(x, fi->value, NULL);
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
	case REF_TYPE:
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
	struct ty *t = ck_infer(x, e->u.field.obj, NULL);
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
		    ck_callee(c, e->u.field.obj), ty_str(c, t));
		lwc_hint(c, "get the value first with case or ?|");
		return &ty_error;
	default:
		lwc_error(c, &e->u.field.namesp, "%s has no fields (its type is %s)",
		    ck_callee(c, e->u.field.obj), ty_str(c, t));
		return &ty_error;
	}
}

/* r with {a.b: v, ...}: each path must reach a field of the record. */
static struct ty *
infer_with(struct cctx *x, struct expr *e)
{
	struct lwc *c = x->c;
	struct ty *t = ck_infer(x, e->u.with.obj, NULL);
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
			ck_expect(x, fi->value, cur, arena_printf(&c->arena, "field %s", fi->name));
		else
			ck_infer(x, fi->value, NULL);
	}
	return t;
}

/* if c then a else b */
static struct ty *
infer_if(struct cctx *x, struct expr *e, struct ty *hint)
{
	struct ty *a, *b, *j;

	ck_expect(x, e->u.cond.cond, &ty_bool, "the condition of if");
	a = ck_infer(x, e->u.cond.then, hint);
	b = ck_infer(x, e->u.cond.els, hint);
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
	struct ty *s = ck_infer(x, e->u.kase.subject, NULL), *r = NULL;
	size_t i;
	int bad = 0;

	for (i = 0; i < e->u.kase.n; i++) {
		struct alt *a = &e->u.kase.alts[i];
		struct ty *t, *j;

		if (check_pattern(x, &a->pat, s) < 0) {
			bad = 1;
			continue;
		}
		t = ck_infer(x, a->body, hint);
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
		ck_expect(x, e->u.bin.l, &ty_bool, NULL);
		ck_expect(x, e->u.bin.r, &ty_bool, NULL);
		return &ty_bool;
	case T_DEFAULT:
		l = ck_infer(x, e->u.bin.l, hint ? ty_optional(c, hint) : NULL);
		if (l->kind == TY_ERROR)
			return l;
		if (l->kind != TY_OPTIONAL) {
			lwc_error(c, &e->u.bin.l->sp, "?| needs an Optional on its left, not %s",
			    ty_str(c, l));
			lwc_hint(c, "the value is always present: drop the ?| default");
			return &ty_error;
		}
		if (l->elem->kind == TY_NEVER)
			return ck_infer(x, e->u.bin.r, hint);
		return ck_expect(x, e->u.bin.r, l->elem, "the default of ?|");
	case T_PLUSPLUS:
		l = ck_infer(x, e->u.bin.l, hint);
		if (l->kind == TY_ERROR)
			return l;
		if (l->kind != TY_STRING && l->kind != TY_LIST) {
			lwc_error(c, &e->u.bin.l->sp, "++ joins strings or lists, not %s", ty_str(c, l));
			if (l->kind == TY_INT)
				lwc_hint(c, "convert it with Int.toString");
			return &ty_error;
		}
		r = ck_infer(x, e->u.bin.r, l);
		if ((j = ty_join(c, l, r)) == NULL || j->kind == TY_OPTIONAL) {
			lwc_error(c, &e->u.bin.r->sp, "++ needs two values of the same type: %s and %s",
			    ty_str(c, l), ty_str(c, r));
			if (l->kind == TY_STRING && (r->kind == TY_INT || r->kind == TY_FLOAT))
				lwc_hint(c, "convert it with %s.toString", r->kind == TY_INT ? "Int" :
				    "Float");
			else if (r->kind == TY_OPTIONAL)
				lwc_hint(c, "the value may be missing: give a default with ?| or use case");
			return &ty_error;
		}
		return j;
	default:
		break;
	}
	l = ck_infer(x, e->u.bin.l, NULL);
	r = ck_infer(x, e->u.bin.r, l);
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
		else if (l->kind == TY_OPTIONAL || r->kind == TY_OPTIONAL)
			lwc_hint(c, "the value may be missing: give a default with ?| or use case");
		else if (l->kind != r->kind && (l->kind == TY_INT || l->kind == TY_FLOAT))
			lwc_hint(c, "convert with Int.toFloat");
		return op >= T_LT && op <= T_GE ? &ty_bool : &ty_error;
	}
	return op >= T_LT && op <= T_GE ? &ty_bool : l;
}

/* A lambda: parameters in a new frame (unwritten parameter types come from the expected
 * function type); the body against the declared result. */
static struct ty *
infer_lambda(struct cctx *x, struct expr *e, struct ty *hint)
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

		if (p->type != NULL) {
			p->ty = ty_from_texpr(c, x->m, p->type, NULL);
		} else if (hint != NULL && hint->kind == TY_FUN && hint->n == t->n &&
		    hint->items[i] != NULL) {
			p->ty = hint->items[i];
		} else {
			lwc_error(c, &p->sp, "the type of %s cannot be inferred here", p->name);
			lwc_hint(c, "write it: fun(%s: Type): ...", p->name);
			p->ty = &ty_error;
		}
		t->items[i] = p->ty;
		t->pnames[i] = p->name;
		x->frames[x->nframes - 1][p->slot] = p->ty;
	}
	if (e->u.lambda.ret != NULL) {
		t->ret = ty_from_texpr(c, x->m, e->u.lambda.ret, NULL);
		ck_expect(x, e->u.lambda.body, t->ret, "the result of the function");
	} else {
		t->ret = ck_infer(x, e->u.lambda.body, NULL);
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
			ck_expect(x, e->u.list.items[i], hint->elem, "a list item");
		return hint;
	}
	for (i = 0; i < e->u.list.n; i++) {
		struct ty *t = ck_infer(x, e->u.list.items[i], item), *j;

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
		t->items[i] = hint ? ck_expect(x, e->u.list.items[i], hint->items[i], NULL) :
		    ck_infer(x, e->u.list.items[i], NULL);
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

		x->frames[x->nframes - 1][l->slot] = t ? ck_expect(x, l->value, t,
		    arena_printf(&x->c->arena, "%s", l->name)) : ck_infer(x, l->value, NULL);
	}
	return ck_infer(x, e->u.block.result, hint);
}

/* The type of e (hint: the type expected there, or NULL); records it on the node. */
struct ty *
ck_infer(struct cctx *x, struct expr *e, struct ty *hint)
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
		t = ck_infer(x, e->u.index.obj, NULL);
		if (t->kind == TY_TUPLE && e->u.index.index < t->n) {
			t = t->items[e->u.index.index];
		} else if (t->kind == TY_LIST) {
			t = t->elem;
		} else if (t->kind == TY_TUPLE) {
			lwc_error(x->c, &e->sp, "a tuple of %zu items has no item %zu", t->n,
			    e->u.index.index);
			lwc_hint(x->c, "items are numbered from 0");
			t = &ty_error;
		} else if (t->kind != TY_ERROR) {
			lwc_error(x->c, &e->sp, ".%zu needs a tuple or a list, not %s", e->u.index.index,
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
		t = ck_record(x, e, hint);
		break;
	case E_CALL:
	case E_NAMED:
		t = ck_call(x, e);
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
			t = ck_expect(x, e->u.un.e, &ty_bool, NULL);
			break;
		}
		t = ck_infer(x, e->u.un.e, hint);
		if (t->kind != TY_INT && t->kind != TY_FLOAT && t->kind != TY_ERROR) {
			lwc_error(x->c, &e->sp, "'-' needs an Int or a Float, not %s", ty_str(x->c, t));
			t = &ty_error;
		}
		break;
	case E_LAMBDA:
		t = infer_lambda(x, e, unopt(hint));
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
			d->ty = ck_expect(&x, d->u.bind.value, t, d->name);
		} else {
			d->ty = ck_infer(&x, d->u.bind.value, NULL);
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
		ck_expect(&x, d->u.fun.body, t->ret, arena_printf(&c->arena, "the result of %s",
		    d->name));
	} else {
		t->ret = ck_infer(&x, d->u.fun.body, NULL);
	}
	d->ty = t;
}
