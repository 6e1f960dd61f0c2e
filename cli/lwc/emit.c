/* emit.c: the compiled composition (canonical JSON with a content hash, see
 * schemas/composition.schema.json) and the evaluated bindings as text (-s tree). */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "json.h"
#include "lwc.h"
#include "sigv4.h"

/* Bump with any change to the compiled composition's form (and its schema). */
#define COMPOSITION_VERSION 1

static void emit_value(struct lwc *, struct fg_jw *, const struct value *, const struct snode *);

/* The field order of r by API name (JSON members are written sorted). */
static const size_t *
by_api(struct lwc *c, struct rec *r)
{
	size_t i, j;

	if (r->by_api != NULL)
		return r->by_api;
	r->by_api = arena_alloc(&c->arena, (r->n + 1) * sizeof(*r->by_api));
	for (i = 0; i < r->n; i++) {
		size_t k = i;

		for (j = i; j > 0 && strcmp(r->fields[r->by_api[j - 1]].api, r->fields[k].api) > 0;
		    j--)
			r->by_api[j] = r->by_api[j - 1];
		r->by_api[j] = k;
	}
	return r->by_api;
}

/* {"attr": ..., "ref": ...}: a placeholder the Conductor fills with a live attribute. */
static void
emit_ref(struct fg_jw *w, const struct resource *r, const char *attr)
{
	fg_jw_obj(w);
	fg_jw_kstr(w, "attr", attr);
	fg_jw_kstr(w, "ref", r->id);
	fg_jw_end_obj(w);
}

/* A record value as the object of schema record r (API names, sorted). */
static void
emit_object(struct lwc *c, struct fg_jw *w, const struct value *v, struct rec *r)
{
	const size_t *order = by_api(c, r);
	size_t i, j;

	fg_jw_obj(w);
	for (i = 0; i < r->n; i++) {
		const struct field *f = &r->fields[order[i]];
		const struct value *fv = NULL;

		for (j = 0; j < v->u.rec.rec->n; j++)
			if (strcmp(v->u.rec.rec->fields[j].name, f->name) == 0)
				fv = v->u.rec.vals[j];
		if (fv == NULL || fv->kind == V_NONE)
			continue;
		fg_jw_key(w, f->api);
		emit_value(c, w, fv, f->schema);
	}
	fg_jw_end_obj(w);
}

/* A property value, shaped by its schema node. */
static void
emit_value(struct lwc *c, struct fg_jw *w, const struct value *v, const struct snode *s)
{
	size_t i;

	switch (v->kind) {
	case V_STRING:
		fg_jw_strn(w, v->u.str.s, v->u.str.len);
		break;
	case V_INT:
		fg_jw_int(w, v->u.i);
		break;
	case V_FLOAT:
		fg_jw_double(w, v->u.f);
		break;
	case V_BOOL:
		fg_jw_bool(w, v->u.b);
		break;
	case V_LIST:
		fg_jw_arr(w);
		for (i = 0; i < v->u.list.n; i++)
			emit_value(c, w, v->u.list.items[i], s->items);
		fg_jw_end_arr(w);
		break;
	case V_RECORD:
		emit_object(c, w, v, s->rec);
		break;
	case V_RESOURCE:
		emit_ref(w, v->u.res, s->ref_attr);
		break;
	case V_REF:
		emit_ref(w, v->u.ref.res->u.res, v->u.ref.attr);
		break;
	default:
		fg_jw_null(w);
		break;
	}
}

/* {"column": .., "file": .., "line": ..} */
static void
emit_location(struct fg_jw *w, const struct span *sp)
{
	fg_jw_key(w, "location");
	fg_jw_obj(w);
	fg_jw_kint(w, "column", sp ? sp->col : 0);
	fg_jw_kstr(w, "file", sp && sp->src ? sp->src->path : "");
	fg_jw_kint(w, "line", sp ? sp->line : 0);
	fg_jw_end_obj(w);
}

/* One managed resource. */
static void
emit_resource(struct lwc *c, struct fg_jw *w, const struct resource *r, int meta)
{
	size_t i;

	fg_jw_obj(w);
	fg_jw_key(w, "dependsOn");
	fg_jw_arr(w);
	for (i = 0; i < r->deps.n; i++)
		fg_jw_str(w, ((struct resource *)r->deps.v[i])->id);
	fg_jw_end_arr(w);
	fg_jw_kstr(w, "id", r->id);
	if (meta)
		emit_location(w, r->sp);
	fg_jw_key(w, "properties");
	emit_object(c, w, r->props, r->rt->props);
	fg_jw_kstr(w, "type", r->rt->name);
	fg_jw_end_obj(w);
}

/* One external resource (referred to, never managed). */
static void
emit_external(struct fg_jw *w, const struct resource *r, int meta)
{
	fg_jw_obj(w);
	fg_jw_kstr(w, "id", r->id);
	if (meta)
		emit_location(w, r->sp);
	fg_jw_kstr(w, "physicalId", r->physical);
	if (r->region != NULL)
		fg_jw_kstr(w, "region", r->region);
	fg_jw_kstr(w, "type", r->rt->name);
	fg_jw_end_obj(w);
}

/* The whole document; without meta it is the canonical text the hash covers. */
static void
emit_doc(struct lwc *c, struct fg_jw *w, int meta, const char *hash)
{
	size_t i;

	fg_jw_obj(w);
	if (meta)
		fg_jw_kstr(w, "compiler", "lwc " PACKAGE_VERSION);
	fg_jw_key(w, "externals");
	fg_jw_arr(w);
	for (i = 0; i < c->externals.n; i++) {
		struct resource *r = c->externals.v[i];

		emit_external(w, r, meta);
	}
	fg_jw_end_arr(w);
	if (meta)
		fg_jw_kstr(w, "hash", hash);
	fg_jw_key(w, "resources");
	fg_jw_arr(w);
	for (i = 0; i < c->resources.n; i++) {
		struct resource *r = c->resources.v[i];

		emit_resource(c, w, r, meta);
	}
	fg_jw_end_arr(w);
	if (meta)
		fg_jw_kstr(w, "source", c->root->src->path);
	fg_jw_kint(w, "version", COMPOSITION_VERSION);
	fg_jw_end_obj(w);
}

/* Indents compact JSON two spaces a level, with empty objects and arrays as {} and []. */
static char *
indent_json(const char *s, size_t len)
{
	struct fg_buf b;
	size_t i = 0, depth = 0;

	fg_buf_init(&b);
	while (i < len) {
		size_t run = i;
		char ch;

		/* copy what needs no new line at once: scalars and whole strings */
		while (run < len && strchr("{}[],:\"", s[run]) == NULL)
			run++;
		if (run < len && s[run] == '"') {
			for (run++; run < len && s[run] != '"'; run++)
				if (s[run] == '\\')
					run++;
			run++;
		}
		if (run > len)
			run = len;
		if (run > i) {
			fg_buf_add(&b, s + i, run - i);
			i = run;
			continue;
		}
		ch = s[i++];
		if ((ch == '{' || ch == '[') && i < len && (s[i] == '}' || s[i] == ']')) {
			fg_buf_addc(&b, ch);
			fg_buf_addc(&b, s[i++]);
		} else if (ch == '{' || ch == '[') {
			fg_buf_addf(&b, "%c\n%*s", ch, (int)(2 * ++depth), "");
		} else if (ch == '}' || ch == ']') {
			fg_buf_addf(&b, "\n%*s%c", (int)(2 * --depth), "", ch);
		} else if (ch == ',') {
			fg_buf_addf(&b, ",\n%*s", (int)(2 * depth), "");
		} else {
			fg_buf_addstr(&b, ": ");
		}
	}
	fg_buf_addc(&b, '\n');
	return fg_buf_detach(&b);
}

/* The compiled composition as indented JSON, ending with a newline (caller frees). */
char *
emit_composition(struct lwc *c)
{
	struct fg_jw w;
	char hex[65], *hash, *text;

	fg_jw_init(&w, 0);
	emit_doc(c, &w, 0, NULL);
	fg_sha256_hex(w.out.data, w.out.len, hex);
	fg_jw_free(&w);
	hash = arena_printf(&c->arena, "sha256:%s", hex);
	fg_jw_init(&w, 0);
	emit_doc(c, &w, 1, hash);
	text = indent_json(w.out.data, w.out.len);
	fg_jw_free(&w);
	return text;
}

/* Writes s as a Ludwig string literal. */
static void
print_string(struct fg_buf *b, const char *s, size_t len)
{
	size_t i;

	fg_buf_addc(b, '"');
	for (i = 0; i < len; i++) {
		switch (s[i]) {
		case '"':
			fg_buf_addstr(b, "\\\"");
			break;
		case '\\':
			fg_buf_addstr(b, "\\\\");
			break;
		case '\n':
			fg_buf_addstr(b, "\\n");
			break;
		case '\t':
			fg_buf_addstr(b, "\\t");
			break;
		default:
			fg_buf_addc(b, s[i]);
		}
	}
	fg_buf_addc(b, '"');
}

/* The name a constructor is shown with: Module.Name, as it is written from the root. */
static void
print_ctor(struct fg_buf *b, const struct ctor *ct)
{
	if (ct->decl != NULL && *ct->decl->mod->name)
		fg_buf_addf(b, "%s.", last_segment(ct->decl->mod->name));
	fg_buf_addstr(b, ct->name);
}

/* 1 when v prints on one line. */
static int
is_flat(const struct value *v)
{
	size_t i;

	if (v->kind == V_RECORD || v->kind == V_RESOURCE)
		return 0;
	if (v->kind == V_LIST || v->kind == V_TUPLE)
		for (i = 0; i < v->u.list.n; i++)
			if (!is_flat(v->u.list.items[i]))
				return 0;
	return v->kind != V_CTOR || v->u.ctor.payload == NULL || is_flat(v->u.ctor.payload);
}

static void print_value(struct lwc *, struct fg_buf *, const struct value *, int, const char *);

/* The fields of a record, one a line at indent. */
static void
print_fields(struct lwc *c, struct fg_buf *b, const struct value *v, int indent,
    const char *path)
{
	size_t i;

	fg_buf_addstr(b, "{\n");
	for (i = 0; i < v->u.rec.rec->n; i++) {
		const char *name = v->u.rec.rec->fields[i].name;

		if (v->u.rec.vals[i] == NULL)
			continue;
		fg_buf_addf(b, "%*s%s: ", indent + 2, "", name);
		print_value(c, b, v->u.rec.vals[i], indent + 2, arena_printf(&c->arena, "%s.%s",
		    path, name));
		fg_buf_addc(b, '\n');
	}
	fg_buf_addf(b, "%*s}", indent, "");
}

/* Writes v in Ludwig's notation; a resource's properties are written where it lives (at the
 * path that is its logical id), elsewhere just its type and id. */
static void
print_value(struct lwc *c, struct fg_buf *b, const struct value *v, int indent, const char *path)
{
	const struct resource *r;
	size_t i;

	switch (v->kind) {
	case V_INT:
		fg_buf_addf(b, "%lld", (long long)v->u.i);
		break;
	case V_FLOAT: {
		char buf[48];

		format_float(v->u.f, buf, sizeof(buf));
		fg_buf_addstr(b, buf);
		break;
	}
	case V_BOOL:
		fg_buf_addstr(b, v->u.b ? "True" : "False");
		break;
	case V_STRING:
		print_string(b, v->u.str.s, v->u.str.len);
		break;
	case V_NONE:
		fg_buf_addstr(b, "None");
		break;
	case V_LIST:
	case V_TUPLE:
		fg_buf_addc(b, v->kind == V_LIST ? '[' : '(');
		for (i = 0; i < v->u.list.n; i++) {
			if (is_flat(v))
				fg_buf_addstr(b, i ? ", " : "");
			else
				fg_buf_addf(b, "\n%*s", indent + 2, "");
			print_value(c, b, v->u.list.items[i], indent + 2,
			    arena_printf(&c->arena, "%s.%zu", path, i));
			if (!is_flat(v))
				fg_buf_addc(b, ',');
		}
		if (!is_flat(v))
			fg_buf_addf(b, "\n%*s", indent, "");
		fg_buf_addc(b, v->kind == V_LIST ? ']' : ')');
		break;
	case V_RECORD:
		print_fields(c, b, v, indent, path);
		break;
	case V_CTOR:
		print_ctor(b, v->u.ctor.ctor);
		if (v->u.ctor.payload != NULL) {
			fg_buf_addc(b, '(');
			print_value(c, b, v->u.ctor.payload, indent, path);
			fg_buf_addc(b, ')');
		}
		break;
	case V_FUN:
		fg_buf_addf(b, "<function %s>", v->u.fun.decl ? v->u.fun.decl->name :
		    v->u.fun.bi ? v->u.fun.bi->name : v->u.fun.ctor ? v->u.fun.ctor->name : "");
		break;
	case V_RESOURCE:
		r = v->u.res;
		if (r->props == NULL)
			fg_buf_addf(b, "<%s %s: external %s>", r->rt->name, r->id, r->physical);
		else if (strcmp(r->id, path) != 0)
			fg_buf_addf(b, "<%s %s>", r->rt->name, r->id);
		else {
			fg_buf_addf(b, "%s ", r->rt->name);
			print_fields(c, b, r->props, indent, path);
		}
		break;
	case V_REF:
		fg_buf_addf(b, "<%s.%s>", v->u.ref.res->u.res->id, v->u.ref.attr);
		break;
	}
}

/* The root's bindings and their values, for debugging (caller frees). */
char *
emit_tree(struct lwc *c)
{
	struct fg_buf b;
	size_t i;

	fg_buf_init(&b);
	fg_buf_addstr(&b, "");
	for (i = 0; i < c->root->decls.n; i++) {
		struct decl *d = c->root->decls.v[i];

		if (d->kind != D_BINDING || d->val == NULL)
			continue;
		fg_buf_addf(&b, "%s: ", d->name);
		print_value(c, &b, d->val, 0, d->name);
		fg_buf_addc(&b, '\n');
	}
	return fg_buf_detach(&b);
}
