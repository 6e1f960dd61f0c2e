/* resolve.c: names to their definitions (locals, globals, constructors, builtins), with
 * "did you mean" hints; unused and shadowing warnings; definition cycles and order. */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "lwc.h"

struct var {
	const char *name;
	struct span sp;
	int depth; /* frame */
	int slot;
	int *used;
};

struct rctx {
	struct lwc *c;
	struct module *m;
	struct decl *d;       /* whose body is being resolved */
	struct vec vars;      /* struct var *, innermost last */
	int depth;            /* current frame */
	int *nslots;          /* slot counter of the current frame */
};

static void resolve_expr(struct rctx *, struct expr *);

/* The import declaration of m whose alias is name, or NULL. */
static struct decl *
find_import(struct module *m, const char *name)
{
	struct decl *d = symtab_get(&m->names, name);

	return d != NULL && d->kind == D_IMPORT ? d : NULL;
}

/* Looks up the longest prefix segs[from..k) naming a declaration or constructor of m. */
static size_t
longest(struct lwc *c, struct module *m, const char *const *segs, size_t from, size_t n,
    struct decl **d, struct ctor **ct, const struct builtin **bi)
{
	size_t k;

	for (k = n; k > from; k--) {
		const char *name = path_join(c, segs, from, k);

		if (m == NULL) {
			if ((*bi = builtin_find(name, 0)) != NULL)
				return k;
		} else if (m->builtin) {
			if ((*bi = builtin_find(name, 1)) != NULL)
				return k;
		} else if ((*d = symtab_get(&m->names, name)) != NULL && (*d)->kind != D_IMPORT) {
			return k;
		} else if ((*ct = symtab_get(&m->ctors, name)) != NULL) {
			*d = NULL;
			return k;
		}
		*d = NULL;
	}
	return 0;
}

/* Finds what segs[0..n) names from module m: *used segments name it, the rest are fields. */
static int
lookup(struct lwc *c, struct module *m, const char *const *segs, size_t n, size_t *used,
    struct decl **d, struct ctor **ct, const struct builtin **bi, struct decl **via)
{
	struct decl *imp;

	*d = NULL;
	*ct = NULL;
	*bi = NULL;
	*via = NULL;
	if ((*used = longest(c, m, segs, 0, n, d, ct, bi)) > 0)
		return 0;
	if (n > 1 && (imp = find_import(m, segs[0])) != NULL && imp->u.import.target != NULL) {
		*via = imp;
		if ((*used = longest(c, imp->u.import.target, segs, 1, n, d, ct, bi)) > 0)
			return 0;
		return -1;
	}
	if ((*used = longest(c, NULL, segs, 0, n, d, ct, bi)) > 0)
		return 0;
	return -1;
}

/* Collects the names of m that are of the same kind as want (upper: types/constructors). */
static void
module_names(struct lwc *c, struct module *m, int upper, struct vec *out, const char *prefix)
{
	size_t i;

	if (m->builtin) {
		const char *names[64];
		size_t n = builtin_names(names, FG_ARRAY_LEN(names), "", 1);

		for (i = 0; i < n; i++)
			vec_push(&c->arena, out, arena_printf(&c->arena, "%s%s", prefix, names[i]));
		return;
	}
	for (i = 0; i < m->names.cap; i++)
		if (m->names.keys[i] != NULL && is_upper_name(m->names.keys[i]) == upper &&
		    ((struct decl *)m->names.vals[i])->kind != D_IMPORT)
			vec_push(&c->arena, out, arena_printf(&c->arena, "%s%s", prefix,
			    m->names.keys[i]));
	for (i = 0; upper && i < m->ctors.cap; i++)
		if (m->ctors.keys[i] != NULL)
			vec_push(&c->arena, out, arena_printf(&c->arena, "%s%s", prefix,
			    m->ctors.keys[i]));
}

/* Compares strings through pointers for deterministic suggestions. */
static int
cmp_str(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* Hints the closest of cands to name; from names the module in the hint. */
static void
suggest(struct lwc *c, const char *name, struct vec *cands, const char *from)
{
	const char *best;

	vec_sort(cands, cmp_str);
	best = lwc_suggest(name, (const char *const *)cands->v, cands->n);
	if (best != NULL && from != NULL)
		lwc_hint(c, "did you mean %s (from %s)?", best, from);
	else if (best != NULL)
		lwc_hint(c, "did you mean %s?", best);
}

/* Reports a path that names nothing, with the likeliest intended name. */
static void
not_in_scope(struct rctx *r, const char *const *segs, size_t n, const struct span *sp,
    struct decl *via)
{
	struct lwc *c = r->c;
	struct vec cands = { 0 };
	size_t i, skip = via ? 1 : 0;
	const char *name = path_join(c, segs, skip, n);
	int upper = is_upper_name(name);
	const char *what = upper ? "constructor" : "name";

	if (via == NULL && n > 1 && is_upper_name(segs[0]) &&
	    builtin_names(NULL, 0, segs[0], 0) == 0) {
		int own = 0;

		for (i = 0; i < r->m->names.cap; i++)
			if (r->m->names.keys[i] != NULL &&
			    strncmp(r->m->names.keys[i], segs[0], strlen(segs[0])) == 0 &&
			    r->m->names.keys[i][strlen(segs[0])] == '.')
				own = 1;
		if (!own) {
			struct span first = sp[0];

			lwc_error(c, &first, "module not in scope: %s", segs[0]);
			for (i = 0; i < r->m->names.cap; i++)
				if (r->m->names.keys[i] != NULL &&
				    ((struct decl *)r->m->names.vals[i])->kind == D_IMPORT)
					vec_push(&c->arena, &cands, (void *)r->m->names.keys[i]);
			suggest(c, segs[0], &cands, NULL);
			if (cands.n == 0)
				lwc_hint(c, "import it first: import Fugue.AWS.%s as %s", segs[0],
				    segs[0]);
			return;
		}
	}
	{
		struct span whole = span_join(&sp[0], &sp[n - 1]);

		lwc_error(c, &whole, "%s not in scope: %s", what, name);
	}
	if (via != NULL) {
		module_names(c, via->u.import.target, upper, &cands,
		    arena_printf(&c->arena, "%s.", via->name));
		suggest(c, path_join(c, segs, 0, n), &cands, via->u.import.target->name);
		return;
	}
	module_names(c, r->m, upper, &cands, "");
	for (i = 0; !upper && i < r->vars.n; i++)
		vec_push(&c->arena, &cands, (void *)((struct var *)r->vars.v[i])->name);
	if (!upper) {
		const char *names[128];
		size_t k = builtin_names(names, FG_ARRAY_LEN(names), "", 0);

		for (i = 0; i < k; i++)
			vec_push(&c->arena, &cands, (void *)names[i]);
	}
	suggest(c, name, &cands, NULL);
}

/* Records that the declaration being resolved uses d (at sp). */
static void
add_dep(struct rctx *r, struct decl *d, const struct span *sp)
{
	struct span *copy;

	if (r->d == NULL || (d->kind != D_BINDING && d->kind != D_FUN))
		return;
	copy = arena_alloc(&r->c->arena, sizeof(*copy));
	*copy = *sp;
	vec_push(&r->c->arena, &r->d->deps, d);
	vec_push(&r->c->arena, &r->d->depsp, copy);
}

/* Wraps e (whose path used only `used` segments) in field accesses for the others. */
static void
split_fields(struct rctx *r, struct expr *e, size_t used)
{
	size_t n = e->u.path.n, i;
	struct expr *inner;

	if (used == n)
		return;
	inner = expr_new(r->c, E_PATH, &e->sp);
	inner->u.path = e->u.path;
	inner->u.path.n = used;
	inner->sp = span_join(&e->u.path.segsp[0], &e->u.path.segsp[used - 1]);
	for (i = used; i < n; i++) {
		struct expr *f = expr_new(r->c, E_FIELD, &e->sp);

		f->u.field.obj = inner;
		f->u.field.name = e->u.path.segs[i];
		f->u.field.namesp = e->u.path.segsp[i];
		f->sp = span_join(&inner->sp, &e->u.path.segsp[i]);
		inner = f;
	}
	*e = *inner;
}

/* The innermost local variable called name, or NULL. */
static struct var *
find_var(struct rctx *r, const char *name)
{
	size_t i;

	for (i = r->vars.n; i > 0; i--) {
		struct var *v = r->vars.v[i - 1];

		if (strcmp(v->name, name) == 0)
			return v;
	}
	return NULL;
}

/* Resolves a name path; a record type is allowed when it is applied to a record. */
static void
resolve_path(struct rctx *r, struct expr *e, int type_ok)
{
	struct lwc *c = r->c;
	const char *const *segs = e->u.path.segs;
	size_t n = e->u.path.n, used;
	struct var *v = find_var(r, segs[0]);
	struct decl *d, *via;
	struct ctor *ct;
	const struct builtin *bi;

	if (v != NULL) {
		e->u.path.ref = REF_LOCAL;
		e->u.path.depth = r->depth - v->depth;
		e->u.path.slot = v->slot;
		if (v->used)
			*v->used = 1;
		split_fields(r, e, 1);
		return;
	}
	if (lookup(c, r->m, segs, n, &used, &d, &ct, &bi, &via) < 0) {
		not_in_scope(r, segs, n, e->u.path.segsp, via);
		e->u.path.ref = REF_NONE;
		return;
	}
	if (via != NULL)
		via->u.import.used = 1;
	if (d != NULL && d->kind == D_RECORD && type_ok && used == n) {
		e->u.path.ref = REF_TYPE;
		e->u.path.decl = d;
		return;
	}
	if (d != NULL && d->kind != D_BINDING && d->kind != D_FUN && used < n) {
		/* a type has no fields: Vpc.nwe is a misspelt Vpc.new */
		not_in_scope(r, segs, n, e->u.path.segsp, via);
		e->u.path.ref = REF_NONE;
		return;
	}
	if (d != NULL && d->kind != D_BINDING && d->kind != D_FUN) {
		struct span whole = span_join(&e->u.path.segsp[0], &e->u.path.segsp[used - 1]);

		lwc_error(c, &whole, "%s is a type, not a value", path_join(c, segs, 0, used));
		if (d->kind == D_RESOURCE)
			lwc_hint(c, "to make one, call a function such as %s.new",
			    path_join(c, segs, 0, used));
		else if (d->kind == D_RECORD)
			lwc_hint(c, "to make one, give its fields: %s {field: value, ...}",
			    path_join(c, segs, 0, used));
		e->u.path.ref = REF_NONE;
		return;
	}
	if (d != NULL) {
		e->u.path.ref = REF_GLOBAL;
		e->u.path.decl = d;
		add_dep(r, d, &e->sp);
	} else if (ct != NULL) {
		e->u.path.ref = REF_CTOR;
		e->u.path.ctor = ct;
	} else {
		e->u.path.ref = REF_BUILTIN;
		e->u.path.bi = bi;
	}
	split_fields(r, e, used);
}

/* Warns when a new local called name hides another local or (unless it is a parameter) a
 * top-level value. */
static void
check_shadow(struct rctx *r, const char *name, const struct span *sp, int param)
{
	struct var *v = find_var(r, name);
	struct decl *d = symtab_get(&r->m->names, name);

	if (name[0] == '_')
		return;
	if (v != NULL) {
		lwc_warn(r->c, sp, "%s shadows an earlier binding", name);
		lwc_hint(r->c, "the earlier %s is at line %u; rename one of them", name, v->sp.line);
	} else if (!param && d != NULL && (d->kind == D_BINDING || d->kind == D_FUN)) {
		lwc_warn(r->c, sp, "%s shadows the top-level %s", name, name);
		lwc_hint(r->c, "the top-level %s is at %s:%u; rename one of them", name,
		    d->sp.src->path, d->sp.line);
	}
}

/* Declares a local variable in the current frame; returns its slot. */
static int
declare(struct rctx *r, const char *name, const struct span *sp, int *used)
{
	struct var *v = arena_zalloc(&r->c->arena, sizeof(*v));

	check_shadow(r, name, sp, used == NULL);
	v->name = name;
	v->sp = *sp;
	v->depth = r->depth;
	v->slot = (*r->nslots)++;
	v->used = used;
	vec_push(&r->c->arena, &r->vars, v);
	return v->slot;
}

/* Warns about a local that nothing uses. */
static void
check_used(struct rctx *r, const char *name, const struct span *sp, int used)
{
	if (!used && name[0] != '_') {
		lwc_warn(r->c, sp, "unused binding %s", name);
		lwc_hint(r->c, "remove it, or start its name with _ to keep it");
	}
}

/* Declares parameters in a fresh frame; returns the previous slot counter. */
static void
declare_params(struct rctx *r, struct param *ps, size_t n)
{
	size_t i, j;

	for (i = 0; i < n; i++) {
		for (j = 0; j < i; j++)
			if (strcmp(ps[i].name, ps[j].name) == 0)
				lwc_error(r->c, &ps[i].sp, "duplicate parameter %s", ps[i].name);
		ps[i].slot = declare(r, ps[i].name, &ps[i].sp, NULL);
	}
}

/* Resolves a case alternative. */
static void
resolve_alt(struct rctx *r, struct alt *a)
{
	struct pattern *p = &a->pat;
	size_t mark = r->vars.n;

	if (p->kind == P_CTOR) {
		const char *segs[16];
		struct span sps[16];
		size_t n = 0, used;
		const char *s = p->name, *dot;
		struct decl *d, *via;
		struct ctor *ct;
		const struct builtin *bi;

		while (n < FG_ARRAY_LEN(segs) - 1 && (dot = strchr(s, '.')) != NULL) {
			segs[n] = arena_strndup(&r->c->arena, s, (size_t)(dot - s));
			sps[n++] = p->sp;
			s = dot + 1;
		}
		segs[n] = s;
		sps[n++] = p->sp;
		if (lookup(r->c, r->m, segs, n, &used, &d, &ct, &bi, &via) < 0 || used != n ||
		    ct == NULL) {
			struct rctx tmp = *r;

			if (used == n && ct == NULL) {
				lwc_error(r->c, &p->sp, "%s is not a constructor", p->name);
			} else {
				tmp.vars.n = 0;
				not_in_scope(&tmp, segs, n, sps, via);
			}
		} else {
			p->ctor = ct;
			if (via != NULL)
				via->u.import.used = 1;
		}
	}
	if (p->binder != NULL)
		p->slot = declare(r, p->binder, &p->binder_sp, &p->used);
	else if (p->kind == P_BIND)
		p->slot = declare(r, p->name, &p->sp, &p->used);
	resolve_expr(r, a->body);
	if (p->binder != NULL)
		check_used(r, p->binder, &p->binder_sp, p->used);
	else if (p->kind == P_BIND)
		check_used(r, p->name, &p->sp, p->used);
	r->vars.n = mark;
}

/* Resolves a lambda in its own frame. */
static void
resolve_lambda(struct rctx *r, struct expr *e)
{
	size_t mark = r->vars.n;
	int *saved = r->nslots;

	r->depth++;
	r->nslots = &e->u.lambda.nslots;
	declare_params(r, e->u.lambda.params, e->u.lambda.n);
	resolve_expr(r, e->u.lambda.body);
	r->vars.n = mark;
	r->nslots = saved;
	r->depth--;
}

/* Resolves every name in e. */
static void
resolve_expr(struct rctx *r, struct expr *e)
{
	size_t i, mark;

	switch (e->kind) {
	case E_INT:
	case E_FLOAT:
	case E_STRING:
	case E_BOOL:
	case E_NONE:
		break;
	case E_PATH:
		resolve_path(r, e, 0);
		break;
	case E_FIELD:
		resolve_expr(r, e->u.field.obj);
		break;
	case E_INDEX:
		resolve_expr(r, e->u.index.obj);
		break;
	case E_LIST:
	case E_TUPLE:
		for (i = 0; i < e->u.list.n; i++)
			resolve_expr(r, e->u.list.items[i]);
		break;
	case E_RECORD:
		for (i = 0; i < e->u.record.n; i++)
			resolve_expr(r, e->u.record.fields[i].value);
		break;
	case E_CALL:
		resolve_expr(r, e->u.call.fn);
		for (i = 0; i < e->u.call.n; i++)
			resolve_expr(r, e->u.call.args[i]);
		break;
	case E_NAMED:
		if (e->u.call.fn->kind == E_PATH)
			resolve_path(r, e->u.call.fn, 1);
		else
			resolve_expr(r, e->u.call.fn);
		resolve_expr(r, e->u.call.record);
		break;
	case E_WITH:
		resolve_expr(r, e->u.with.obj);
		for (i = 0; i < e->u.with.n; i++)
			resolve_expr(r, e->u.with.fields[i].value);
		break;
	case E_IF:
		resolve_expr(r, e->u.cond.cond);
		resolve_expr(r, e->u.cond.then);
		resolve_expr(r, e->u.cond.els);
		break;
	case E_CASE:
		resolve_expr(r, e->u.kase.subject);
		for (i = 0; i < e->u.kase.n; i++)
			resolve_alt(r, &e->u.kase.alts[i]);
		break;
	case E_BLOCK:
		mark = r->vars.n;
		for (i = 0; i < e->u.block.n; i++) {
			struct let *l = &e->u.block.lets[i];

			resolve_expr(r, l->value);
			l->slot = declare(r, l->name, &l->sp, &l->used);
		}
		resolve_expr(r, e->u.block.result);
		for (i = 0; i < e->u.block.n; i++)
			check_used(r, e->u.block.lets[i].name, &e->u.block.lets[i].sp,
			    e->u.block.lets[i].used);
		r->vars.n = mark;
		break;
	case E_BINOP:
		resolve_expr(r, e->u.bin.l);
		resolve_expr(r, e->u.bin.r);
		break;
	case E_UNOP:
		resolve_expr(r, e->u.un.e);
		break;
	case E_LAMBDA:
		resolve_lambda(r, e);
		break;
	}
}

/* Adds m's declarations and constructors to its tables, reporting duplicates. */
static void
declare_module(struct lwc *c, struct module *m)
{
	size_t i, j;

	for (i = 0; i < m->decls.n; i++) {
		struct decl *d = m->decls.v[i], *old;

		if (d->kind == D_VALIDATE)
			continue;
		if ((old = symtab_get(&m->names, d->name)) != NULL) {
			lwc_error(c, d->kind == D_RESOURCE ? &old->sp : &d->sp,
			    "%s is defined twice", d->name);
			if (d->kind == D_RESOURCE || old->kind == D_RESOURCE)
				lwc_hint(c, "the plugin schema %s defines the resource type %s",
				    (d->kind == D_RESOURCE ? d : old)->u.res.rt->file, d->name);
			else
				lwc_hint(c, "the first definition is at %s:%u", old->sp.src->path,
				    old->sp.line);
			continue;
		}
		symtab_put(&m->names, d->name, d);
		if (d->kind != D_SUM)
			continue;
		for (j = 0; j < d->u.sum.n; j++) {
			struct ctor_decl *cd = &d->u.sum.ctors[j];
			const char *dot = strrchr(d->name, '.');
			const char *key = dot ? arena_printf(&c->arena, "%.*s.%s",
			    (int)(dot - d->name), d->name, cd->name) : cd->name;
			struct ctor *ct = arena_zalloc(&c->arena, sizeof(*ct));

			if (symtab_get(&m->ctors, key) != NULL) {
				lwc_error(c, &cd->sp, "constructor %s is defined twice", key);
				continue;
			}
			ct->name = cd->name;
			ct->sp = cd->sp;
			ct->index = j;
			ct->decl = d;
			symtab_put(&m->ctors, key, ct);
		}
	}
}

/* Warns about imports nothing used (once types are resolved too). */
void
warn_unused_imports(struct lwc *c)
{
	size_t i, j;

	for (i = 0; i < c->modules.n; i++) {
		struct module *m = c->modules.v[i];

		for (j = 0; j < m->decls.n; j++) {
			struct decl *d = m->decls.v[j];

			if (d->kind == D_IMPORT && !d->u.import.used) {
				lwc_warn(c, &d->sp, "unused import %s", d->u.import.path);
				lwc_hint(c, "remove the import");
			}
		}
	}
}

/* Resolves the bodies of m's declarations. */
static void
resolve_module(struct lwc *c, struct module *m)
{
	size_t i;

	for (i = 0; i < m->decls.n; i++) {
		struct decl *d = m->decls.v[i];
		struct rctx r = { c, m, d, { 0 }, 0, NULL };

		switch (d->kind) {
		case D_BINDING:
			r.nslots = &d->u.bind.nslots;
			resolve_expr(&r, d->u.bind.value);
			break;
		case D_FUN:
			r.nslots = &d->u.fun.nslots;
			declare_params(&r, d->u.fun.params, d->u.fun.n);
			resolve_expr(&r, d->u.fun.body);
			break;
		case D_VALIDATE: {
			struct expr *fn = d->u.validate.fn;
			int none = 0;

			r.nslots = &none;
			resolve_expr(&r, fn);
			if (fn->kind == E_PATH && fn->u.path.ref == REF_NONE)
				break; /* reported */
			if (fn->kind != E_PATH || fn->u.path.ref != REF_GLOBAL ||
			    fn->u.path.decl->kind != D_FUN)
				lwc_error(c, &fn->sp, "validate needs a function defined with fun");
			break;
		}
		default:
			break;
		}
	}
}

/* Reports the cycle stack[from..n) closed by the reference at sp. */
static void
report_cycle(struct lwc *c, struct decl **stack, size_t from, size_t n, const struct span *sp)
{
	struct fg_buf b;
	size_t i;

	fg_buf_init(&b);
	for (i = from; i < n; i++)
		fg_buf_addf(&b, "%s -> ", stack[i]->name);
	fg_buf_addstr(&b, stack[from]->name);
	lwc_error(c, sp, "cycle in definitions: %s", b.data);
	lwc_hint(c, "a value or function cannot depend on itself (recursion is not supported)");
	fg_buf_free(&b);
}

/* Depth-first search from d (without recursion): appends d's dependencies, then d, to the
 * order; reports the first cycle found. */
static int
visit(struct lwc *c, struct decl *d)
{
	struct decl **stack;
	size_t *next, n = 0, cap = 64;
	int rc = 0;

	if (d->mark == 2)
		return 0;
	stack = fg_malloc(cap * sizeof(*stack));
	next = fg_malloc(cap * sizeof(*next));
	stack[n] = d;
	next[n++] = 0;
	d->mark = 1;
	while (n > 0) {
		struct decl *top = stack[n - 1];
		struct decl *dep;

		if (next[n - 1] == top->deps.n) {
			top->mark = 2;
			vec_push(&c->arena, &c->order, top);
			n--;
			continue;
		}
		dep = top->deps.v[next[n - 1]++];
		if (dep->mark == 2)
			continue;
		if (dep->mark == 1) {
			size_t from = 0;

			while (stack[from] != dep)
				from++;
			report_cycle(c, stack, from, n,
			    top->depsp.v[next[n - 1] - 1]);
			rc = -1;
			break;
		}
		if (n == cap) {
			cap *= 2;
			stack = fg_realloc(stack, cap * sizeof(*stack));
			next = fg_realloc(next, cap * sizeof(*next));
		}
		dep->mark = 1;
		stack[n] = dep;
		next[n++] = 0;
	}
	free(stack);
	free(next);
	return rc;
}

/* Resolves every module, then orders the definitions so each comes after what it uses. */
int
resolve(struct lwc *c)
{
	size_t i, j;

	for (i = 0; i < c->modules.n; i++)
		declare_module(c, c->modules.v[i]);
	if (c->errors)
		return -1;
	for (i = 0; i < c->modules.n; i++)
		resolve_module(c, c->modules.v[i]);
	if (c->errors)
		return -1;
	for (i = 0; i < c->modules.n; i++) {
		struct module *m = c->modules.v[i];

		for (j = 0; j < m->decls.n; j++) {
			struct decl *d = m->decls.v[j];

			if ((d->kind == D_BINDING || d->kind == D_FUN) && visit(c, d) < 0)
				return -1;
		}
	}
	return 0;
}

/* The type declaration that a written type name denotes from module m, or NULL after
 * reporting (with a hint). */
struct decl *
lookup_type(struct lwc *c, struct module *m, const char *name, const struct span *sp)
{
	const char *segs[32];
	size_t n = 0, used;
	const char *s = name, *dot;
	struct decl *d, *via;
	struct ctor *ct;
	const struct builtin *bi;
	struct vec cands = { 0 };

	while (n < FG_ARRAY_LEN(segs) - 1 && (dot = strchr(s, '.')) != NULL) {
		segs[n++] = arena_strndup(&c->arena, s, (size_t)(dot - s));
		s = dot + 1;
	}
	segs[n++] = s;
	if (lookup(c, m, segs, n, &used, &d, &ct, &bi, &via) == 0 && used == n && d != NULL &&
	    (d->kind == D_RECORD || d->kind == D_SUM || d->kind == D_RESOURCE)) {
		if (via != NULL)
			via->u.import.used = 1;
		return d;
	}
	lwc_error(c, sp, "type not in scope: %s", name);
	if (via != NULL) {
		module_names(c, via->u.import.target, 1, &cands,
		    arena_printf(&c->arena, "%s.", via->name));
		suggest(c, name, &cands, via->u.import.target->name);
	} else {
		static const char *const builtin_types[] = { "Bool", "Float", "Int", "List",
			"Optional", "String", "Validation" };
		size_t i;

		module_names(c, m, 1, &cands, "");
		for (i = 0; i < FG_ARRAY_LEN(builtin_types); i++)
			vec_push(&c->arena, &cands, (void *)builtin_types[i]);
		suggest(c, name, &cands, NULL);
	}
	return NULL;
}
