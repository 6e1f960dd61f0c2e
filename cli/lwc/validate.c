/* validate.c: design-time validations: the plugin schemas' constraints on every property
 * (enums, patterns, ranges, lengths, CIDR blocks, JSON documents, oneOf), then the
 * composition's own `validate` functions on every value of their type. */
#include "config.h"

#include <regex.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "json.h"
#include "lwc.h"

struct vctx {
	struct lwc *c;
	const struct resource *r;
	char path[1024]; /* API path of the property being checked: IpPermissions.0.FromPort */
	size_t len;
};

/* 1 when s is an IPv4 CIDR block in canonical form; otherwise 0 with the reason in why. */
int
cidr_check(const char *s, char *why, size_t whylen)
{
	unsigned long oct[4], prefix;
	uint32_t addr = 0, mask;
	const char *p = s;
	char *end;
	int i;

	for (i = 0; i < 4; i++) {
		if (*p < '0' || *p > '9' || (p[0] == '0' && p[1] >= '0' && p[1] <= '9') ||
		    (oct[i] = strtoul(p, &end, 10), end - p > 3)) {
			snprintf(why, whylen, "it is not of the form a.b.c.d/n");
			return 0;
		}
		if (oct[i] > 255) {
			snprintf(why, whylen, "%lu is larger than 255", oct[i]);
			return 0;
		}
		addr = (addr << 8) | (uint32_t)oct[i];
		p = end;
		if (*p != (i < 3 ? '.' : '/')) {
			snprintf(why, whylen, "%s", i < 3 || *p != '\0' ?
			    "it is not of the form a.b.c.d/n" : "the prefix length (/n) is missing");
			return 0;
		}
		p++;
	}
	if (*p < '0' || *p > '9' || (p[0] == '0' && p[1] != '\0') ||
	    (prefix = strtoul(p, &end, 10), *end != '\0') || end - p > 2) {
		snprintf(why, whylen, "it is not of the form a.b.c.d/n");
		return 0;
	}
	if (prefix > 32) {
		snprintf(why, whylen, "the prefix length /%lu is larger than /32", prefix);
		return 0;
	}
	mask = prefix == 0 ? 0 : 0xffffffffu << (32 - prefix);
	if (addr & ~mask) {
		uint32_t net = addr & mask;

		snprintf(why, whylen, "it has host bits set; the block is %u.%u.%u.%u/%lu",
		    net >> 24, (net >> 16) & 0xff, (net >> 8) & 0xff, net & 0xff, prefix);
		return 0;
	}
	return 1;
}

/* Reports a property value that breaks its schema; the schema's description is the hint. */
static void
bad(struct vctx *x, const struct value *v, const struct snode *s, const char *fmt, ...)
	FG_PRINTF(4, 5);

static void
bad(struct vctx *x, const struct value *v, const struct snode *s, const char *fmt, ...)
{
	char msg[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	lwc_error(x->c, v->sp, "bad value for %s of %s: %s", x->path, x->r->rt->name, msg);
	if (s->desc != NULL)
		lwc_hint(x->c, "%s: %s", x->path, s->desc);
}

/* Number of characters (code points) in a UTF-8 string. */
static size_t
chars(const char *s, size_t len)
{
	size_t i, n = 0;

	for (i = 0; i < len; i++)
		if (((unsigned char)s[i] & 0xc0) != 0x80)
			n++;
	return n;
}

/* Checks a string against enum, length, CIDR, pattern and JSON document constraints. */
static void
check_string(struct vctx *x, const struct value *v, const struct snode *s)
{
	const char *str = v->u.str.s;
	size_t i, n = chars(str, v->u.str.len);
	char why[128];

	if (s->enums != NULL) {
		for (i = 0; i < s->nenums; i++)
			if (strcmp(s->enums[i], str) == 0)
				break;
		if (i == s->nenums) {
			const char *best = lwc_suggest(str, s->enums, s->nenums);

			lwc_error(x->c, v->sp, "bad value for %s of %s: \"%s\" is not one of its %zu "
			    "values", x->path, x->r->rt->name, str, s->nenums);
			if (best != NULL)
				lwc_hint(x->c, "did you mean \"%s\"?", best);
			else if (s->nenums <= 12) {
				struct fg_buf b;

				fg_buf_init(&b);
				for (i = 0; i < s->nenums; i++)
					fg_buf_addf(&b, "%s%s", i ? ", " : "", s->enums[i]);
				lwc_hint(x->c, "the values are %s", b.data);
				fg_buf_free(&b);
			}
			return;
		}
	}
	if (s->minlen >= 0 && n < (size_t)s->minlen) {
		bad(x, v, s, "\"%s\" is shorter than %lld characters", str, (long long)s->minlen);
		return;
	}
	if (s->maxlen >= 0 && n > (size_t)s->maxlen) {
		bad(x, v, s, "it is longer than %lld characters", (long long)s->maxlen);
		return;
	}
	if (s->cidr && !cidr_check(str, why, sizeof(why))) {
		lwc_error(x->c, v->sp, "bad CIDR literal \"%s\": %s", str, why);
		lwc_hint(x->c, "%s of %s is an IPv4 block such as 10.0.0.0/16", x->path,
		    x->r->rt->name);
		return;
	}
	if (s->re != NULL && regexec(s->re, str, 0, NULL, 0) != 0) {
		bad(x, v, s, "\"%s\" does not match the required pattern", str);
		lwc_hint(x->c, "the pattern is %s", s->pattern);
		return;
	}
	if (s->json_doc) {
		char *err = NULL;
		fg_json doc = fg_json_parse(str, v->u.str.len, &err);

		if (doc == NULL) {
			bad(x, v, s, "it is not a JSON document (%s)", err);
			free(err);
			return;
		}
		fg_json_free(doc);
	}
}

/* Appends ".name" (or "name" at the start) to the path; returns the old length. */
static size_t
push_path(struct vctx *x, const char *fmt, ...) FG_PRINTF(2, 3);

static size_t
push_path(struct vctx *x, const char *fmt, ...)
{
	size_t old = x->len;
	va_list ap;
	int n;

	if (x->len > 0 && x->len < sizeof(x->path) - 1)
		x->path[x->len++] = '.';
	va_start(ap, fmt);
	n = vsnprintf(x->path + x->len, sizeof(x->path) - x->len, fmt, ap);
	va_end(ap);
	if (n > 0)
		x->len = x->len + (size_t)n < sizeof(x->path) ? x->len + (size_t)n :
		    sizeof(x->path) - 1;
	return old;
}

/* Restores the path to length old. */
static void
pop_path(struct vctx *x, size_t old)
{
	x->len = old;
	x->path[old] = '\0';
}

static void check_value(struct vctx *, const struct value *, const struct snode *);

/* Checks each field of a record value against its schema, and oneOf. */
static void
check_object(struct vctx *x, const struct value *v, const struct rec *r)
{
	struct fg_buf names;
	size_t i, present = 0;

	for (i = 0; i < r->n; i++) {
		const struct field *f = &r->fields[i];
		const struct value *fv = NULL;
		size_t j, old;

		for (j = 0; j < v->u.rec.rec->n; j++)
			if (strcmp(v->u.rec.rec->fields[j].name, f->name) == 0)
				fv = v->u.rec.vals[j];
		if (fv == NULL || fv->kind == V_NONE)
			continue;
		if (f->schema->oneof_group)
			present++;
		old = push_path(x, "%s", f->api);
		check_value(x, fv, f->schema);
		pop_path(x, old);
	}
	if (!r->oneof || present == 1)
		return;
	fg_buf_init(&names);
	for (i = 0; i < r->n; i++)
		if (r->fields[i].schema->oneof_group)
			fg_buf_addf(&names, "%s%s", names.len ? ", " : "", r->fields[i].name);
	lwc_error(x->c, v->sp, "%s of %s needs exactly one of %s, not %zu", x->len ? x->path :
	    "the properties", x->r->rt->name, names.data, present);
	fg_buf_free(&names);
}

/* Checks one property value against its schema node. */
static void
check_value(struct vctx *x, const struct value *v, const struct snode *s)
{
	size_t i, j, old;

	if (v->kind == V_REF || v->kind == V_RESOURCE)
		return; /* known only once the resource exists */
	switch (s->kind) {
	case S_STRING:
		check_string(x, v, s);
		break;
	case S_INT:
	case S_NUMBER: {
		double d = v->kind == V_INT ? (double)v->u.i : v->u.f;

		if (s->has_min && d < s->min)
			bad(x, v, s, "%.17g is less than the minimum %.17g", d, s->min);
		else if (s->has_max && d > s->max)
			bad(x, v, s, "%.17g is more than the maximum %.17g", d, s->max);
		break;
	}
	case S_ARRAY:
		if (s->minitems >= 0 && v->u.list.n < (size_t)s->minitems)
			bad(x, v, s, "it has %zu items; at least %lld are needed", v->u.list.n,
			    (long long)s->minitems);
		else if (s->maxitems >= 0 && v->u.list.n > (size_t)s->maxitems)
			bad(x, v, s, "it has %zu items; at most %lld are allowed", v->u.list.n,
			    (long long)s->maxitems);
		for (i = 0; s->unique && i < v->u.list.n; i++)
			for (j = 0; j < i; j++)
				if (val_equal(NULL, v->u.list.items[i], v->u.list.items[j], NULL) == 1) {
					old = push_path(x, "%zu", i);
					lwc_error(x->c, v->u.list.items[i]->sp, "%s of %s repeats item %zu",
					    x->path, x->r->rt->name, j);
					lwc_hint(x->c, "the items of %.*s must be different", (int)old,
					    x->path);
					pop_path(x, old);
					i = v->u.list.n;
					break;
				}
		for (i = 0; i < v->u.list.n; i++) {
			old = push_path(x, "%zu", i);
			check_value(x, v->u.list.items[i], s->items);
			pop_path(x, old);
		}
		break;
	case S_OBJECT:
		check_object(x, v, s->rec);
		break;
	default:
		break;
	}
}

/* Rejects tag keys that Fugue (fugue:) or AWS (aws:) reserve, on types Fugue tags. */
static void
check_tags(struct lwc *c, const struct resource *r)
{
	const struct value *tags = NULL;
	size_t i, j;

	for (i = 0; i < r->props->u.rec.rec->n; i++)
		if (strcmp(r->props->u.rec.rec->fields[i].name, "tags") == 0)
			tags = r->props->u.rec.vals[i];
	if (!r->rt->tags || tags == NULL || tags->kind != V_LIST)
		return;
	for (i = 0; i < tags->u.list.n; i++) {
		const struct value *t = tags->u.list.items[i], *key = NULL;

		for (j = 0; t->kind == V_RECORD && j < t->u.rec.rec->n; j++)
			if (strcmp(t->u.rec.rec->fields[j].name, "key") == 0)
				key = t->u.rec.vals[j];
		if (key == NULL || key->kind != V_STRING)
			continue;
		if (strncmp(key->u.str.s, "fugue:", 6) == 0 || strncmp(key->u.str.s, "aws:", 4) == 0) {
			lwc_error(c, key->sp, "tag key %s of %s is reserved", key->u.str.s, r->rt->name);
			lwc_hint(c, "%s", key->u.str.s[0] == 'f' ? "Fugue tags every resource with "
			    "fugue:fid and fugue:id itself" : "keys starting with aws: belong to AWS");
		}
	}
}

/* What a validation applies to: 1 when v is a value of type t. */
static int
of_type(const struct value *v, const struct ty *t)
{
	switch (t->kind) {
	case TY_RECORD:
		return v->kind == V_RECORD && v->u.rec.rec == t->rec;
	case TY_SUM:
		return v->kind == V_CTOR && v->u.ctor.ctor->sum == t->sum;
	case TY_RESOURCE:
		return v->kind == V_RESOURCE && v->u.res->rt == t->rt;
	default:
		return 0;
	}
}

/* Runs every validation that applies to v, then walks into v. */
static void
run_validations(struct lwc *c, struct evalctx *ex, const struct value *v, struct vec *vals,
    struct ptrset *seen)
{
	size_t i;

	if (v->kind == V_LIST || v->kind == V_TUPLE || v->kind == V_RECORD ||
	    v->kind == V_RESOURCE || v->kind == V_CTOR) {
		if (!ptrset_add(seen, v->kind == V_RESOURCE ? (const void *)v->u.res : v))
			return;
	}
	for (i = 0; i < vals->n; i++) {
		struct decl *d = vals->v[i];
		struct value *fn, *r;

		if (!of_type(v, d->ty))
			continue;
		fn = d->u.validate.fn->u.path.decl->val;
		if (fn == NULL) {
			fn = arena_zalloc(&c->arena, sizeof(*fn));
			fn->kind = V_FUN;
			fn->u.fun.decl = d->u.validate.fn->u.path.decl;
			fn->u.fun.mod = fn->u.fun.decl->mod;
		}
		ex->site = v->sp;
		r = call_value(ex, fn, (struct value **)&v, 1, v->sp);
		if (r != NULL && r->u.ctor.ctor->index == 1) {
			lwc_error(c, v->sp, "validation %s failed: %.*s", d->name,
			    (int)r->u.ctor.payload->u.str.len, r->u.ctor.payload->u.str.s);
			lwc_hint(c, "%s is registered at %s:%u", d->name, d->sp.src->path, d->sp.line);
		}
	}
	switch (v->kind) {
	case V_LIST:
	case V_TUPLE:
		for (i = 0; i < v->u.list.n; i++)
			run_validations(c, ex, v->u.list.items[i], vals, seen);
		break;
	case V_RECORD:
		for (i = 0; i < v->u.rec.rec->n; i++)
			if (v->u.rec.vals[i] != NULL)
				run_validations(c, ex, v->u.rec.vals[i], vals, seen);
		break;
	case V_CTOR:
		if (v->u.ctor.payload != NULL)
			run_validations(c, ex, v->u.ctor.payload, vals, seen);
		break;
	case V_RESOURCE:
		if (v->u.res->props != NULL)
			run_validations(c, ex, v->u.res->props, vals, seen);
		break;
	default:
		break;
	}
}

/* Checks every resource against its schema, then runs the validate declarations. */
int
validate_all(struct lwc *c)
{
	struct evalctx ex = { c, NULL, 0, 0, NULL };
	struct vec vals = { 0 };
	struct ptrset seen = { 0 };
	size_t i, j;

	for (i = 0; i < c->resources.n; i++) {
		struct vctx x;

		x.c = c;
		x.r = c->resources.v[i];
		x.len = 0;
		x.path[0] = '\0';
		check_object(&x, x.r->props, x.r->rt->props);
		check_tags(c, x.r);
	}
	if (c->errors)
		return -1;
	for (i = 0; i < c->modules.n; i++) {
		struct module *m = c->modules.v[i];

		for (j = 0; j < m->decls.n; j++) {
			struct decl *d = m->decls.v[j];

			if (d->kind == D_VALIDATE && d->ty != NULL)
				vec_push(&c->arena, &vals, d);
		}
	}
	for (i = 0; vals.n > 0 && i < c->root->decls.n; i++) {
		struct decl *d = c->root->decls.v[i];

		if (d->kind == D_BINDING && d->val != NULL)
			run_validations(c, &ex, d->val, &vals, &seen);
	}
	ptrset_free(&seen);
	return c->errors ? -1 : 0;
}
