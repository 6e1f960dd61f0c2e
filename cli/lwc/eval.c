/* eval.c: the pure evaluator: every binding to a value; resources are values too. */
#include "config.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lwc.h"

#define MAX_CALL_DEPTH 200
#define MAX_NEST 1000

struct value val_none = { .kind = V_NONE };

static struct value *eval(struct evalctx *, struct expr *, struct frame *);

/* A new value of kind k, made at sp (or at the user's call site while library code runs). */
struct value *
val_new(struct evalctx *x, enum val_kind k, const struct span *sp)
{
	struct value *v = arena_alloc(&x->c->arena, sizeof(*v));

	v->kind = k;
	v->depth = 0;
	v->sp = x->lib && x->site != NULL ? x->site : sp;
	return v;
}

/* Records that parent holds child; -1 after an error when values nest too deeply. */
int
val_nest(struct evalctx *x, struct value *parent, const struct value *child)
{
	if (child->depth + 1 > parent->depth)
		parent->depth = child->depth + 1;
	if (parent->depth <= MAX_NEST)
		return 0;
	eval_error(x, parent->sp, "values nested more than %d levels deep", MAX_NEST);
	return -1;
}

/* A new string value (copied). */
struct value *
val_string(struct evalctx *x, const char *s, size_t len, const struct span *sp)
{
	struct value *v = val_new(x, V_STRING, sp);

	v->u.str.s = arena_strndup(&x->c->arena, s, len);
	v->u.str.len = len;
	return v;
}

/* Reports an evaluation error at sp, or, while library code runs, at the user's call into it
 * (with the library's own location as a hint). Returns NULL. */
struct value *
eval_error(struct evalctx *x, const struct span *sp, const char *fmt, ...)
{
	char msg[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if (x->lib && x->site != NULL && sp != NULL && sp->src != NULL) {
		lwc_error(x->c, x->site, "%s", msg);
		lwc_hint(x->c, "in %s at %s:%u:%u", x->cur ? x->cur->name : "a library",
		    sp->src->path, sp->line, sp->col);
	} else {
		lwc_error(x->c, sp, "%s", msg);
	}
	return NULL;
}

/* Reports that a run-time attribute was used where its value is needed; returns NULL. */
static struct value *
ref_error(struct evalctx *x, const struct value *ref, const struct span *sp)
{
	const struct resource *r = ref->u.ref.res->u.res;

	eval_error(x, sp, "the %s of this %s is known only once the resource exists",
	    ref->u.ref.attr, r->rt->name);
	lwc_hint(x->c, "pass it to a resource property as it is; it cannot be computed with");
	return NULL;
}

/* v, or NULL after an error when v is a run-time attribute. */
static struct value *
known(struct evalctx *x, struct value *v, const struct span *sp)
{
	if (v != NULL && v->kind == V_REF)
		return ref_error(x, v, sp);
	return v;
}

/* 1 when a and b are equal, 0 when not. Run-time attributes cannot be compared: -1 after an
 * error at sp; without sp they are equal when they are the same attribute of one resource. */
int
val_equal(struct evalctx *x, const struct value *a, const struct value *b, const struct span *sp)
{
	size_t i;
	int eq;

	if ((a->kind == V_REF || b->kind == V_REF) && sp == NULL)
		return a->kind == b->kind && a->u.ref.res->u.res == b->u.ref.res->u.res &&
		    strcmp(a->u.ref.attr, b->u.ref.attr) == 0;
	if (a->kind == V_REF || b->kind == V_REF) {
		ref_error(x, a->kind == V_REF ? a : b, sp);
		return -1;
	}
	if (a->kind != b->kind)
		return 0;
	switch (a->kind) {
	case V_INT:
		return a->u.i == b->u.i;
	case V_FLOAT:
		return a->u.f == b->u.f;
	case V_BOOL:
		return a->u.b == b->u.b;
	case V_STRING:
		return a->u.str.len == b->u.str.len &&
		    memcmp(a->u.str.s, b->u.str.s, a->u.str.len) == 0;
	case V_NONE:
		return 1;
	case V_LIST:
	case V_TUPLE:
		if (a->u.list.n != b->u.list.n)
			return 0;
		for (i = 0; i < a->u.list.n; i++)
			if ((eq = val_equal(x, a->u.list.items[i], b->u.list.items[i], sp)) <= 0)
				return eq;
		return 1;
	case V_RECORD:
		for (i = 0; i < a->u.rec.rec->n; i++) {
			const struct value *av = a->u.rec.vals[i], *bv = NULL;
			size_t j;

			for (j = 0; j < b->u.rec.rec->n; j++)
				if (strcmp(b->u.rec.rec->fields[j].name, a->u.rec.rec->fields[i].name) ==
				    0)
					bv = b->u.rec.vals[j];
			if ((av == NULL) != (bv == NULL))
				return 0;
			if (av != NULL && (eq = val_equal(x, av, bv, sp)) <= 0)
				return eq;
		}
		return 1;
	case V_CTOR:
		if (a->u.ctor.ctor != b->u.ctor.ctor)
			return 0;
		return a->u.ctor.payload == NULL ||
		    val_equal(x, a->u.ctor.payload, b->u.ctor.payload, sp);
	default:
		return a == b || (a->kind == V_RESOURCE && a->u.res == b->u.res);
	}
}

/* The value of field name of record v (val_none when an optional field is missing). */
static struct value *
record_get(struct expr *e, const struct value *v, const char *name)
{
	const struct rec *r = v->u.rec.rec;
	size_t i;

	if (e != NULL && e->u.field.cache_rec == r) {
		i = e->u.field.cache_idx;
	} else {
		for (i = 0; i < r->n; i++)
			if (strcmp(r->fields[i].name, name) == 0)
				break;
		if (i == r->n)
			return &val_none;
		if (e != NULL) {
			e->u.field.cache_rec = r;
			e->u.field.cache_idx = i;
		}
	}
	return v->u.rec.vals[i] ? v->u.rec.vals[i] : &val_none;
}

/* obj.name: a record field, a resource property, or a resource attribute (a reference). */
static struct value *
eval_field(struct evalctx *x, struct expr *e, struct frame *f)
{
	struct value *o = eval(x, e->u.field.obj, f), *v;

	if (o == NULL)
		return NULL;
	if (o->kind == V_RECORD)
		return record_get(e, o, e->u.field.name);
	if (e->u.field.attr >= 0) {
		v = val_new(x, V_REF, &e->sp);
		v->u.ref.res = o;
		v->u.ref.attr = o->u.res->rt->attrs[e->u.field.attr].api;
		return v;
	}
	if (o->u.res->props == NULL) {
		eval_error(x, &e->u.field.namesp, "the properties of an external %s are not known",
		    o->u.res->rt->name);
		lwc_hint(x->c, "only its attributes (such as its id) can be used");
		return NULL;
	}
	return record_get(e, o->u.res->props, e->u.field.name);
}

/* A record literal, its fields in the order of its record type. */
static struct value *
eval_record(struct evalctx *x, struct expr *e, struct frame *f)
{
	const struct rec *r = e->u.record.rec;
	struct value *v = val_new(x, V_RECORD, &e->sp);
	size_t i, j;

	v->u.rec.rec = r;
	v->u.rec.vals = arena_zalloc(&x->c->arena, (r->n + 1) * sizeof(*v->u.rec.vals));
	for (i = 0; i < e->u.record.n; i++) {
		struct value *fv = eval(x, e->u.record.fields[i].value, f);

		if (fv == NULL)
			return NULL;
		for (j = 0; j < r->n; j++)
			if (strcmp(r->fields[j].name, e->u.record.fields[i].name) == 0)
				break;
		v->u.rec.vals[j] = fv->kind == V_NONE ? NULL : fv;
		if (val_nest(x, v, fv) < 0)
			return NULL;
	}
	return v;
}

/* A copy of record v with the field at path (a.b.c) set to nv. */
static struct value *
record_set(struct evalctx *x, const struct value *v, const char *path, struct value *nv,
    const struct span *sp)
{
	const struct rec *r = v->u.rec.rec;
	const char *dot = strchr(path, '.');
	size_t len = dot ? (size_t)(dot - path) : strlen(path), i;
	struct value *copy = val_new(x, V_RECORD, sp);

	copy->u.rec.rec = r;
	copy->depth = v->depth;
	copy->u.rec.vals = arena_alloc(&x->c->arena, (r->n + 1) * sizeof(*copy->u.rec.vals));
	memcpy(copy->u.rec.vals, v->u.rec.vals, r->n * sizeof(*copy->u.rec.vals));
	for (i = 0; i < r->n; i++)
		if (strlen(r->fields[i].name) == len && memcmp(r->fields[i].name, path, len) == 0)
			break;
	if (dot != NULL) {
		if ((nv = record_set(x, v->u.rec.vals[i], dot + 1, nv, sp)) == NULL)
			return NULL;
	}
	copy->u.rec.vals[i] = nv->kind == V_NONE ? NULL : nv;
	return val_nest(x, copy, nv) < 0 ? NULL : copy;
}

/* Calls fn with n arguments. */
struct value *
call_value(struct evalctx *x, struct value *fn, struct value **args, size_t n,
    const struct span *sp)
{
	struct module *cur = x->cur;
	struct frame *fr;
	struct value *r;
	int lib = x->lib;
	size_t i;

	if (fn->u.fun.ctor != NULL) {
		r = val_new(x, V_CTOR, sp);
		r->u.ctor.ctor = fn->u.fun.ctor;
		r->u.ctor.payload = args[0];
		return val_nest(x, r, args[0]) < 0 ? NULL : r;
	}
	if (fn->u.fun.bi != NULL) {
		const struct ty *t = fn->u.fun.bi->ty;

		for (i = 0; i < n; i++) {
			enum ty_kind k = t->items[i]->kind;

			if ((k == TY_INT || k == TY_FLOAT || k == TY_STRING || k == TY_BOOL) &&
			    known(x, args[i], sp) == NULL)
				return NULL;
			if (k == TY_LIST && t->items[i]->elem->kind == TY_STRING) {
				size_t j;

				for (j = 0; j < args[i]->u.list.n; j++)
					if (known(x, args[i]->u.list.items[j], sp) == NULL)
						return NULL;
			}
		}
		return fn->u.fun.bi->fn(x, args, sp);
	}
	if (++x->depth > MAX_CALL_DEPTH) {
		eval_error(x, sp, "calls nested too deeply (more than %d)", MAX_CALL_DEPTH);
		return NULL;
	}
	fr = arena_alloc(&x->c->arena, sizeof(*fr));
	if (fn->u.fun.decl != NULL) {
		struct decl *d = fn->u.fun.decl;

		fr->up = NULL;
		fr->slots = arena_zalloc(&x->c->arena, (size_t)(d->u.fun.nslots + 1) *
		    sizeof(*fr->slots));
		for (i = 0; i < n; i++)
			fr->slots[d->u.fun.params[i].slot] = args[i];
		x->lib = d->mod->library;
		x->cur = d->mod;
		r = eval(x, d->u.fun.body, fr);
	} else {
		struct expr *l = fn->u.fun.lambda;

		fr->up = fn->u.fun.env;
		fr->slots = arena_zalloc(&x->c->arena, (size_t)(l->u.lambda.nslots + 1) *
		    sizeof(*fr->slots));
		for (i = 0; i < n; i++)
			fr->slots[l->u.lambda.params[i].slot] = args[i];
		x->lib = fn->u.fun.mod->library;
		x->cur = fn->u.fun.mod;
		r = eval(x, l->u.lambda.body, fr);
	}
	x->lib = lib;
	x->cur = cur;
	x->depth--;
	return r;
}

/* Fugue.Core.resource(TYPE, PROPERTIES) and Fugue.Core.external(TYPE, ID, REGION). */
static struct value *
eval_core(struct evalctx *x, struct expr *e, const struct builtin *bi, struct frame *f)
{
	struct resource *res = arena_zalloc(&x->c->arena, sizeof(*res));
	struct value *v = val_new(x, V_RESOURCE, &e->sp), *a;

	res->rt = e->ty->rt;
	res->sp = v->sp;
	v->u.res = res;
	if (builtin_special(bi) == BI_RESOURCE) {
		if ((res->props = eval(x, e->u.call.args[1], f)) == NULL)
			return NULL;
		return val_nest(x, v, res->props) < 0 ? NULL : v;
	}
	if ((a = known(x, eval(x, e->u.call.args[1], f), &e->u.call.args[1]->sp)) == NULL)
		return NULL;
	res->physical = a->u.str.s;
	if ((a = known(x, eval(x, e->u.call.args[2], f), &e->u.call.args[2]->sp)) == NULL)
		return NULL;
	res->region = a->kind == V_STRING ? a->u.str.s : NULL;
	return v;
}

/* A call with positional or named arguments. */
static struct value *
eval_call(struct evalctx *x, struct expr *e, struct frame *f)
{
	struct expr *fn = e->u.call.fn;
	struct expr **args = e->kind == E_NAMED ? e->u.call.ordered : e->u.call.args;
	size_t n = e->kind == E_NAMED ? 0 : e->u.call.n, i;
	const struct span *site = x->site;
	struct value *fv, **av, *r;

	if (fn->kind == E_PATH && fn->u.path.ref == REF_BUILTIN &&
	    builtin_special(fn->u.path.bi) != BI_PLAIN)
		return eval_core(x, e, fn->u.path.bi, f);
	if (fn->kind == E_PATH && fn->u.path.ref == REF_TYPE)
		return eval_record(x, e->u.call.record, f);
	if (fn->kind == E_PATH && fn->u.path.ref == REF_CTOR) {
		r = val_new(x, V_CTOR, &e->sp);
		r->u.ctor.ctor = fn->u.path.ctor;
		if ((r->u.ctor.payload = eval(x, e->kind == E_NAMED ? e->u.call.record :
		    e->u.call.args[0], f)) == NULL)
			return NULL;
		return val_nest(x, r, r->u.ctor.payload) < 0 ? NULL : r;
	}
	if ((fv = eval(x, fn, f)) == NULL)
		return NULL;
	if (e->kind == E_NAMED)
		n = fv->u.fun.bi ? fv->u.fun.bi->ty->n : fv->u.fun.decl ? fv->u.fun.decl->u.fun.n :
		    fv->u.fun.lambda->u.lambda.n;
	av = arena_alloc(&x->c->arena, (n + 1) * sizeof(*av));
	for (i = 0; i < n; i++) {
		if (args[i] == NULL)
			av[i] = &val_none;
		else if ((av[i] = eval(x, args[i], f)) == NULL)
			return NULL;
	}
	if (!x->lib)
		x->site = &e->sp;
	r = call_value(x, fv, av, n, &e->sp);
	x->site = site;
	return r;
}

/* 1 when pattern p matches v (binding its names in f). */
static int
match(struct pattern *p, struct value *v, struct frame *f)
{
	switch (p->kind) {
	case P_WILD:
		return 1;
	case P_BIND:
		f->slots[p->slot] = v;
		return 1;
	case P_NONE:
		return v->kind == V_NONE;
	case P_SOME:
		if (v->kind == V_NONE)
			return 0;
		if (p->binder != NULL)
			f->slots[p->slot] = v;
		return 1;
	case P_BOOL:
		return v->u.b == (int)p->ival;
	case P_INT:
		return v->u.i == p->ival;
	case P_STRING:
		return v->u.str.len == p->slen && memcmp(v->u.str.s, p->sval, p->slen) == 0;
	case P_CTOR:
		if (v->u.ctor.ctor != p->ctor)
			return 0;
		if (p->binder != NULL)
			f->slots[p->slot] = v->u.ctor.payload;
		return 1;
	}
	return 0;
}

/* Integer arithmetic with overflow and division checks. */
static struct value *
int_op(struct evalctx *x, struct expr *e, int64_t a, int64_t b)
{
	struct value *v = val_new(x, V_INT, &e->sp);
	int bad = 0;

	switch (e->u.bin.op) {
	case T_PLUS:
		bad = __builtin_add_overflow(a, b, &v->u.i);
		break;
	case T_MINUS:
		bad = __builtin_sub_overflow(a, b, &v->u.i);
		break;
	case T_STAR:
		bad = __builtin_mul_overflow(a, b, &v->u.i);
		break;
	case T_SLASH:
	case T_PERCENT:
		if (b == 0) {
			eval_error(x, &e->sp, "division by zero");
			return NULL;
		}
		if (a == INT64_MIN && b == -1) {
			bad = 1;
			break;
		}
		v->u.i = e->u.bin.op == T_SLASH ? a / b : a % b;
		break;
	default:
		break;
	}
	if (bad) {
		eval_error(x, &e->sp, "integer overflow");
		return NULL;
	}
	return v;
}

/* Compares two ordered values (Int, Float, String): <0, 0, >0. */
static int
order(const struct value *a, const struct value *b)
{
	size_t n;
	int r;

	switch (a->kind) {
	case V_INT:
		return (a->u.i > b->u.i) - (a->u.i < b->u.i);
	case V_FLOAT:
		return (a->u.f > b->u.f) - (a->u.f < b->u.f);
	default:
		n = a->u.str.len < b->u.str.len ? a->u.str.len : b->u.str.len;
		r = memcmp(a->u.str.s, b->u.str.s, n);
		return r ? r : (a->u.str.len > b->u.str.len) - (a->u.str.len < b->u.str.len);
	}
}

/* Binary operators. */
static struct value *
eval_binop(struct evalctx *x, struct expr *e, struct frame *f)
{
	enum tok op = e->u.bin.op;
	struct value *l, *r, *v;
	int eq;

	if ((l = eval(x, e->u.bin.l, f)) == NULL)
		return NULL;
	if (op == T_DEFAULT)
		return l->kind == V_NONE ? eval(x, e->u.bin.r, f) : l;
	if (op == T_AND || op == T_OR) {
		if (known(x, l, &e->u.bin.l->sp) == NULL)
			return NULL;
		if (l->u.b == (op == T_OR))
			return l;
		return known(x, eval(x, e->u.bin.r, f), &e->u.bin.r->sp);
	}
	if ((r = eval(x, e->u.bin.r, f)) == NULL)
		return NULL;
	if (op == T_EQ || op == T_NE) {
		if ((eq = val_equal(x, l, r, &e->sp)) < 0)
			return NULL;
		v = val_new(x, V_BOOL, &e->sp);
		v->u.b = op == T_EQ ? eq : !eq;
		return v;
	}
	if (known(x, l, &e->u.bin.l->sp) == NULL || known(x, r, &e->u.bin.r->sp) == NULL)
		return NULL;
	if (op == T_PLUSPLUS && l->kind == V_STRING) {
		char *s = arena_alloc(&x->c->arena, l->u.str.len + r->u.str.len + 1);

		memcpy(s, l->u.str.s, l->u.str.len);
		memcpy(s + l->u.str.len, r->u.str.s, r->u.str.len);
		s[l->u.str.len + r->u.str.len] = '\0';
		v = val_new(x, V_STRING, &e->sp);
		v->u.str.s = s;
		v->u.str.len = l->u.str.len + r->u.str.len;
		return v;
	}
	if (op == T_PLUSPLUS) {
		v = val_new(x, V_LIST, &e->sp);
		v->u.list.n = l->u.list.n + r->u.list.n;
		v->u.list.items = arena_alloc(&x->c->arena, (v->u.list.n + 1) * sizeof(*v->u.list.items));
		memcpy(v->u.list.items, l->u.list.items, l->u.list.n * sizeof(*v->u.list.items));
		memcpy(v->u.list.items + l->u.list.n, r->u.list.items,
		    r->u.list.n * sizeof(*v->u.list.items));
		v->depth = l->depth > r->depth ? l->depth : r->depth;
		return v;
	}
	if (op >= T_LT && op <= T_GE) {
		int o = order(l, r);

		v = val_new(x, V_BOOL, &e->sp);
		v->u.b = op == T_LT ? o < 0 : op == T_LE ? o <= 0 : op == T_GT ? o > 0 : o >= 0;
		return v;
	}
	if (l->kind == V_INT)
		return int_op(x, e, l->u.i, r->u.i);
	v = val_new(x, V_FLOAT, &e->sp);
	switch (op) {
	case T_PLUS:
		v->u.f = l->u.f + r->u.f;
		break;
	case T_MINUS:
		v->u.f = l->u.f - r->u.f;
		break;
	case T_STAR:
		v->u.f = l->u.f * r->u.f;
		break;
	case T_SLASH:
		v->u.f = l->u.f / r->u.f;
		break;
	default:
		v->u.f = fmod(l->u.f, r->u.f);
		break;
	}
	if (!isfinite(v->u.f)) {
		eval_error(x, &e->sp, "the result is not a finite number");
		return NULL;
	}
	return v;
}

/* A global name: a binding's value, or a function as a value. */
static struct value *
eval_global(struct evalctx *x, struct expr *e)
{
	struct decl *d = e->u.path.decl;
	struct value *v;

	if (d->val != NULL)
		return d->val;
	/* a function: its closure has no environment; bindings were evaluated in order */
	v = val_new(x, V_FUN, &d->sp);
	memset(&v->u.fun, 0, sizeof(v->u.fun));
	v->u.fun.decl = d;
	v->u.fun.mod = d->mod;
	d->val = v;
	return v;
}

/* A name. */
static struct value *
eval_path(struct evalctx *x, struct expr *e, struct frame *f)
{
	struct value *v;
	int up;

	switch (e->u.path.ref) {
	case REF_LOCAL:
		for (up = e->u.path.depth; up > 0; up--)
			f = f->up;
		return f->slots[e->u.path.slot];
	case REF_GLOBAL:
		return eval_global(x, e);
	case REF_CTOR:
		v = val_new(x, e->u.path.ctor->payload ? V_FUN : V_CTOR, &e->sp);
		if (v->kind == V_FUN) {
			memset(&v->u.fun, 0, sizeof(v->u.fun));
			v->u.fun.ctor = e->u.path.ctor;
		} else {
			v->u.ctor.ctor = e->u.path.ctor;
			v->u.ctor.payload = NULL;
		}
		return v;
	case REF_BUILTIN:
		if (e->u.path.bi->ty->kind != TY_FUN)
			return e->u.path.bi->fn(x, NULL, &e->sp);
		v = val_new(x, V_FUN, &e->sp);
		memset(&v->u.fun, 0, sizeof(v->u.fun));
		v->u.fun.bi = e->u.path.bi;
		return v;
	default:
		return NULL;
	}
}

/* A list or tuple literal. */
static struct value *
eval_items(struct evalctx *x, struct expr *e, struct frame *f)
{
	struct value *v = val_new(x, e->kind == E_LIST ? V_LIST : V_TUPLE, &e->sp);
	size_t i;

	v->u.list.n = e->u.list.n;
	v->u.list.items = arena_alloc(&x->c->arena, (e->u.list.n + 1) * sizeof(*v->u.list.items));
	for (i = 0; i < e->u.list.n; i++)
		if ((v->u.list.items[i] = eval(x, e->u.list.items[i], f)) == NULL ||
		    val_nest(x, v, v->u.list.items[i]) < 0)
			return NULL;
	return v;
}

/* case: the first alternative whose pattern matches. */
static struct value *
eval_case(struct evalctx *x, struct expr *e, struct frame *f)
{
	struct value *s = known(x, eval(x, e->u.kase.subject, f), &e->u.kase.subject->sp);
	size_t i;

	if (s == NULL)
		return NULL;
	for (i = 0; i < e->u.kase.n; i++)
		if (match(&e->u.kase.alts[i].pat, s, f))
			return eval(x, e->u.kase.alts[i].body, f);
	return eval_error(x, &e->sp, "internal error: no alternative matches (the checker "
	    "proved the case exhaustive)");
}

/* r with {a.b: v}. */
static struct value *
eval_with(struct evalctx *x, struct expr *e, struct frame *f)
{
	struct value *v = eval(x, e->u.with.obj, f);
	size_t i;

	for (i = 0; v != NULL && i < e->u.with.n; i++) {
		struct value *nv = eval(x, e->u.with.fields[i].value, f);

		if (nv == NULL)
			return NULL;
		v = record_set(x, v, e->u.with.fields[i].name, nv, &e->sp);
	}
	return v;
}

/* Evaluates e in frame f; NULL after reporting an error. */
static struct value *
eval(struct evalctx *x, struct expr *e, struct frame *f)
{
	struct value *v;
	size_t i;

	switch (e->kind) {
	case E_INT:
		v = val_new(x, V_INT, &e->sp);
		v->u.i = e->u.ival;
		return v;
	case E_FLOAT:
		v = val_new(x, V_FLOAT, &e->sp);
		v->u.f = e->u.fval;
		return v;
	case E_STRING:
		v = val_new(x, V_STRING, &e->sp);
		v->u.str.s = e->u.str.s;
		v->u.str.len = e->u.str.len;
		return v;
	case E_BOOL:
		v = val_new(x, V_BOOL, &e->sp);
		v->u.b = e->u.bval;
		return v;
	case E_NONE:
		return &val_none;
	case E_PATH:
		return eval_path(x, e, f);
	case E_FIELD:
		return eval_field(x, e, f);
	case E_INDEX:
		if ((v = eval(x, e->u.index.obj, f)) == NULL)
			return NULL;
		if (e->u.index.index >= v->u.list.n) {
			eval_error(x, &e->sp, "there is no item %zu: the list has %zu", e->u.index.index,
			    v->u.list.n);
			lwc_hint(x->c, "items are numbered from 0");
			return NULL;
		}
		return v->u.list.items[e->u.index.index];
	case E_LIST:
	case E_TUPLE:
		return eval_items(x, e, f);
	case E_RECORD:
		return eval_record(x, e, f);
	case E_CALL:
	case E_NAMED:
		return eval_call(x, e, f);
	case E_WITH:
		return eval_with(x, e, f);
	case E_IF:
		if ((v = known(x, eval(x, e->u.cond.cond, f), &e->u.cond.cond->sp)) == NULL)
			return NULL;
		return eval(x, v->u.b ? e->u.cond.then : e->u.cond.els, f);
	case E_CASE:
		return eval_case(x, e, f);
	case E_BLOCK:
		for (i = 0; i < e->u.block.n; i++)
			if ((f->slots[e->u.block.lets[i].slot] = eval(x, e->u.block.lets[i].value,
			    f)) == NULL)
				return NULL;
		return eval(x, e->u.block.result, f);
	case E_BINOP:
		return eval_binop(x, e, f);
	case E_UNOP:
		if ((v = known(x, eval(x, e->u.un.e, f), &e->u.un.e->sp)) == NULL)
			return NULL;
		if (e->u.un.op == T_NOT) {
			struct value *n = val_new(x, V_BOOL, &e->sp);

			n->u.b = !v->u.b;
			return n;
		}
		if (v->kind == V_INT && v->u.i == INT64_MIN) {
			eval_error(x, &e->sp, "integer overflow");
			return NULL;
		}
		{
			struct value *n = val_new(x, v->kind, &e->sp);

			if (v->kind == V_INT)
				n->u.i = -v->u.i;
			else
				n->u.f = -v->u.f;
			return n;
		}
	case E_LAMBDA:
		v = val_new(x, V_FUN, &e->sp);
		memset(&v->u.fun, 0, sizeof(v->u.fun));
		v->u.fun.lambda = e;
		v->u.fun.env = f;
		v->u.fun.mod = x->cur;
		return v;
	}
	return NULL;
}

/* Evaluates every binding, each after the definitions it uses. */
int
eval_all(struct lwc *c)
{
	struct evalctx x = { c, NULL, 0, 0, NULL };
	size_t i;

	for (i = 0; i < c->order.n; i++) {
		struct decl *d = c->order.v[i];
		struct frame *fr;

		if (d->kind != D_BINDING)
			continue;
		fr = arena_zalloc(&c->arena, sizeof(*fr));
		fr->slots = arena_zalloc(&c->arena, (size_t)(d->u.bind.nslots + 1) *
		    sizeof(*fr->slots));
		x.lib = d->mod->library;
		x.cur = d->mod;
		x.site = NULL;
		if ((d->val = eval(&x, d->u.bind.value, fr)) == NULL)
			return -1;
	}
	return 0;
}
