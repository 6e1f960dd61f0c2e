/* resources.c: the resources of a composition: logical ids (binding paths), the references
 * between them (dependencies) and the order they are written in. */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "lwc.h"

struct xctx {
	struct lwc *c;
	struct vec found;     /* struct resource *, in the order their ids were given */
	struct symtab ids;    /* id -> struct resource * */
	struct ptrset seen;   /* values already walked (shared parts are walked once) */
	int failed;
};

/* Gives r the logical id path (first path wins); queues it for its own references. */
static void
name_resource(struct xctx *x, struct resource *r, const char *path, const struct value *v)
{
	struct resource *other;

	if (r->id != NULL)
		return;
	if ((other = symtab_get(&x->ids, path)) != NULL) {
		lwc_error(x->c, v->sp, "two resources would both be called %s", path);
		lwc_hint(x->c, "rename the binding %s or the field that holds the other one",
		    path);
		x->failed = 1;
		return;
	}
	r->id = path;
	symtab_put(&x->ids, r->id, r);
	vec_push(&x->c->arena, &x->found, r);
}

/* Adds dep to the dependencies of r once. */
static void
add_dep(struct xctx *x, struct resource *r, struct resource *dep)
{
	size_t i;

	for (i = 0; i < r->deps.n; i++)
		if (r->deps.v[i] == dep)
			return;
	vec_push(&x->c->arena, &r->deps, dep);
}

/* 1 when v may hold a resource or an attribute reference. */
static int
may_hold(const struct value *v)
{
	return v->kind == V_RESOURCE || v->kind == V_REF || v->kind == V_LIST ||
	    v->kind == V_TUPLE || v->kind == V_RECORD || (v->kind == V_CTOR && v->u.ctor.payload);
}

/* Walks v at path: resources found get ids; inside a resource's properties (owner set) every
 * resource or attribute reached is a dependency of the owner. */
static void
walk(struct xctx *x, const struct value *v, const char *path, struct resource *owner)
{
	struct lwc *c = x->c;
	size_t i;

	switch (v->kind) {
	case V_RESOURCE:
		name_resource(x, v->u.res, path, v);
		if (owner != NULL && owner != v->u.res)
			add_dep(x, owner, v->u.res);
		return;
	case V_REF:
		name_resource(x, v->u.ref.res->u.res, path, v);
		if (owner != NULL)
			add_dep(x, owner, v->u.ref.res->u.res);
		return;
	case V_LIST:
	case V_TUPLE:
		if (owner == NULL && !ptrset_add(&x->seen, v))
			return;
		for (i = 0; i < v->u.list.n; i++)
			if (may_hold(v->u.list.items[i]))
				walk(x, v->u.list.items[i], arena_printf(&c->arena, "%s.%zu", path, i),
				    owner);
		return;
	case V_RECORD:
		if (owner == NULL && !ptrset_add(&x->seen, v))
			return;
		for (i = 0; i < v->u.rec.rec->n; i++)
			if (v->u.rec.vals[i] != NULL && may_hold(v->u.rec.vals[i]))
				walk(x, v->u.rec.vals[i], arena_printf(&c->arena, "%s.%s", path,
				    v->u.rec.rec->fields[i].name), owner);
		return;
	case V_CTOR:
		if (v->u.ctor.payload != NULL && may_hold(v->u.ctor.payload))
			walk(x, v->u.ctor.payload, arena_printf(&c->arena, "%s.%s", path,
			    v->u.ctor.ctor->name), owner);
		return;
	default:
		return;
	}
}

/* Orders resources by logical id. */
static int
cmp_resource(const void *a, const void *b)
{
	return strcmp((*(struct resource *const *)a)->id, (*(struct resource *const *)b)->id);
}

/* Finds every resource reachable from the root's bindings, names it, and records its
 * dependencies. References only point at values made before the referrer, so the graph
 * is acyclic by construction (cycles between definitions are rejected by resolve). */
int
resources_extract(struct lwc *c)
{
	struct xctx x = { c, { 0 }, { 0 }, { 0 }, 0 };
	size_t i;

	for (i = 0; i < c->root->decls.n; i++) {
		struct decl *d = c->root->decls.v[i];

		if (d->kind == D_BINDING && d->val != NULL)
			walk(&x, d->val, d->name, NULL);
	}
	/* the properties of each resource, including those found on the way */
	for (i = 0; i < x.found.n; i++) {
		struct resource *r = x.found.v[i];

		if (r->props != NULL)
			walk(&x, r->props, r->id, r);
	}
	for (i = 0; i < x.found.n; i++) {
		struct resource *r = x.found.v[i];

		vec_sort(&r->deps, cmp_resource);
		vec_push(&c->arena, r->props != NULL ? &c->resources : &c->externals, r);
	}
	vec_sort(&c->resources, cmp_resource);
	vec_sort(&c->externals, cmp_resource);
	symtab_free(&x.ids);
	ptrset_free(&x.seen);
	return x.failed ? -1 : 0;
}
