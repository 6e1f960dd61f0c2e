/* schema.c: plugin JSON Schemas (plugins/<svc>/schemas/<Type>.json) as Ludwig record types. */
#include "config.h"

#include <dirent.h>
#include <errno.h>
#include <regex.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "json.h"
#include "lwc.h"

#define MAX_SCHEMA (4 * 1024 * 1024)

struct loadctx {
	struct lwc *c;
	const char *file;
	const char *title;
};

static struct snode *snode_from(struct loadctx *, fg_json, const char *path);

/* Reports a problem with a schema file; returns -1 (or NULL through the callers). */
static int
schema_error(struct loadctx *l, const char *what, const char *path)
{
	lwc_error(l->c, NULL, "schema %s: %s%s%s", l->file, path ? path : "", path ? ": " : "",
	    what);
	return -1;
}

/* The Ludwig spelling of an API name: CidrBlock -> cidrBlock, SSEType -> sseType, ACL -> acl. */
const char *
lower_camel(struct lwc *c, const char *api)
{
	char *s = arena_strdup(&c->arena, api);
	size_t run = 0, len = strlen(s), i, n;

	while (run < len && s[run] >= 'A' && s[run] <= 'Z')
		run++;
	if (run == 0)
		return s;
	n = run;
	if (run > 1 && run < len && s[run] >= 'a' && s[run] <= 'z')
		n = run - 1; /* the last capital starts the next word */
	for (i = 0; i < n; i++)
		s[i] = (char)(s[i] - 'A' + 'a');
	return s;
}

/* A string member, copied into the arena, or NULL. */
static const char *
jstr(struct lwc *c, fg_json o, const char *key)
{
	const char *s = fg_json_str(fg_json_get(o, key));

	return s ? arena_strdup(&c->arena, s) : NULL;
}

/* A number member into *out; 1 when present. */
static int
jnum(fg_json o, const char *key, double *out)
{
	return fg_json_double(fg_json_get(o, key), out) == 0;
}

/* An integer member, or -1 when absent. */
static int64_t
jcount(fg_json o, const char *key)
{
	int64_t v;

	return fg_json_int(fg_json_get(o, key), &v) == 0 ? v : -1;
}

/* 1 when a string property holds an IPv4 CIDR block (CidrBlock, CidrIp, DestinationCidrBlock). */
static int
is_cidr_name(const char *api)
{
	return api != NULL && strstr(api, "Cidr") != NULL && strstr(api, "Ipv6") == NULL;
}

/* The record type of an object schema: its properties become fields. */
static struct rec *
rec_from(struct loadctx *l, fg_json o, const char *name, const char *path)
{
	struct lwc *c = l->c;
	fg_json props = fg_json_get(o, "properties"), req = fg_json_get(o, "required");
	fg_json oneof = fg_json_get(o, "oneOf");
	struct rec *r = arena_zalloc(&c->arena, sizeof(*r));
	size_t i, j, n = fg_json_len(props);

	if (props == NULL || !YAJL_IS_OBJECT(props)) {
		schema_error(l, "an object needs \"properties\"", path);
		return NULL;
	}
	r->name = name;
	r->structural = 1;
	r->fields = arena_zalloc(&c->arena, (n + 1) * sizeof(*r->fields));
	r->n = n;
	for (i = 0; i < n; i++) {
		struct field *f = &r->fields[i];
		const char *api = fg_json_key(props, i);
		fg_json p = fg_json_at(props, i);
		int required = 0, dep = 0;
		const char *sub = arena_printf(&c->arena, "%s%s%s", path ? path : "", path ? "." : "",
		    api);

		f->api = arena_strdup(&c->arena, api);
		f->name = lower_camel(c, api);
		for (j = 0; j < i; j++)
			if (strcmp(r->fields[j].name, f->name) == 0) {
				schema_error(l, arena_printf(&c->arena, "properties %s and %s are "
				    "both called %s in Ludwig", r->fields[j].api, api, f->name), path);
				return NULL;
			}
		for (j = 0; j < fg_json_len(req); j++)
			if (fg_json_str(fg_json_at(req, j)) != NULL &&
			    strcmp(fg_json_str(fg_json_at(req, j)), api) == 0)
				required = 1;
		if ((f->schema = snode_from(l, p, sub)) == NULL)
			return NULL;
		if (is_cidr_name(api) && f->schema->kind == S_STRING)
			f->schema->cidr = 1;
		if (fg_json_bool(fg_json_get(p, "deprecated"), &dep) == 0)
			f->deprecated = dep;
		f->ty = required ? f->schema->ty : ty_optional(c, f->schema->ty);
	}
	for (i = 0; i < fg_json_len(oneof); i++) {
		fg_json names = fg_json_get(fg_json_at(oneof, i), "required");

		for (j = 0; j < fg_json_len(names); j++) {
			const char *api = fg_json_str(fg_json_at(names, j));
			size_t k;

			for (k = 0; api != NULL && k < n; k++)
				if (strcmp(r->fields[k].api, api) == 0)
					r->fields[k].schema->oneof_group = (int)i + 1;
		}
	}
	r->oneof = fg_json_len(oneof) > 0;
	return r;
}

/* Reads the validation keywords common to strings, numbers and arrays. */
static int
constraints(struct loadctx *l, struct snode *s, fg_json p, const char *path)
{
	struct lwc *c = l->c;
	fg_json en = fg_json_get(p, "enum");
	const char *pattern = jstr(c, p, "pattern");
	const char *media = fg_json_str(fg_json_get(p, "contentMediaType"));
	size_t i;

	s->minlen = jcount(p, "minLength");
	s->maxlen = jcount(p, "maxLength");
	s->minitems = jcount(p, "minItems");
	s->maxitems = jcount(p, "maxItems");
	s->has_min = jnum(p, "minimum", &s->min);
	s->has_max = jnum(p, "maximum", &s->max);
	fg_json_bool(fg_json_get(p, "uniqueItems"), &s->unique);
	s->desc = jstr(c, p, "description");
	s->json_doc = media != NULL && strcmp(media, "application/json") == 0;
	if (en != NULL) {
		s->nenums = fg_json_len(en);
		s->enums = arena_zalloc(&c->arena, (s->nenums + 1) * sizeof(*s->enums));
		for (i = 0; i < s->nenums; i++) {
			fg_json v = fg_json_at(en, i);
			double d;

			if (fg_json_str(v) != NULL)
				s->enums[i] = arena_strdup(&c->arena, fg_json_str(v));
			else if (fg_json_double(v, &d) == 0)
				s->enums[i] = arena_printf(&c->arena, "%.17g", d);
			else
				return schema_error(l, "enum values are strings or numbers", path);
		}
	}
	if (pattern != NULL) {
		regex_t *re = fg_malloc(sizeof(*re));

		if (regcomp(re, pattern, REG_EXTENDED | REG_NOSUB) != 0) {
			free(re);
			return schema_error(l, arena_printf(&c->arena, "pattern %s is not a POSIX "
			    "extended regular expression", pattern), path);
		}
		vec_push(&c->arena, &c->regexes, re);
		s->pattern = pattern;
		s->re = re;
	}
	return 0;
}

/* The schema node of one property: its kind, constraints and Ludwig type. */
static struct snode *
snode_from(struct loadctx *l, fg_json p, const char *path)
{
	struct lwc *c = l->c;
	struct snode *s = arena_zalloc(&c->arena, sizeof(*s));
	const char *type = fg_json_str(fg_json_get(p, "type"));
	fg_json ref = fg_json_get(p, "x-fugue-ref");

	if (p == NULL || !YAJL_IS_OBJECT(p) || type == NULL) {
		schema_error(l, "a property needs a \"type\"", path);
		return NULL;
	}
	if (constraints(l, s, p, path) < 0)
		return NULL;
	if (strcmp(type, "string") == 0) {
		s->kind = S_STRING;
		s->ty = &ty_string;
	} else if (strcmp(type, "integer") == 0) {
		s->kind = S_INT;
		s->ty = &ty_int;
	} else if (strcmp(type, "number") == 0) {
		s->kind = S_NUMBER;
		s->ty = &ty_float;
	} else if (strcmp(type, "boolean") == 0) {
		s->kind = S_BOOL;
		s->ty = &ty_bool;
	} else if (strcmp(type, "array") == 0) {
		s->kind = S_ARRAY;
		if ((s->items = snode_from(l, fg_json_get(p, "items"),
		    arena_printf(&c->arena, "%s[]", path))) == NULL)
			return NULL;
		if (is_cidr_name(last_segment(path)) && s->items->kind == S_STRING)
			s->items->cidr = 1;
		s->ty = ty_list(c, s->items->ty);
	} else if (strcmp(type, "object") == 0) {
		s->kind = S_OBJECT;
		if ((s->rec = rec_from(l, p, arena_printf(&c->arena, "%s of %s", path, l->title),
		    path)) == NULL)
			return NULL;
		s->ty = ty_new(c, TY_RECORD);
		s->ty->rec = s->rec;
	} else {
		schema_error(l, arena_printf(&c->arena, "unsupported type \"%s\"", type), path);
		return NULL;
	}
	if (ref != NULL) {
		if (s->kind != S_STRING) {
			schema_error(l, "x-fugue-ref is only allowed on strings", path);
			return NULL;
		}
		s->ref_name = jstr(c, ref, "type");
		s->ref_attr = jstr(c, ref, "attr");
		if (s->ref_name == NULL || s->ref_attr == NULL) {
			schema_error(l, "x-fugue-ref needs \"type\" and \"attr\"", path);
			return NULL;
		}
		s->ty = ty_new(c, TY_REF); /* its resource type is filled in once all are loaded */
	}
	return s;
}

/* Builds a resource type from a parsed schema. */
static struct restype *
restype_from(struct loadctx *l, fg_json doc)
{
	struct lwc *c = l->c;
	struct restype *rt = arena_zalloc(&c->arena, sizeof(*rt));
	fg_json ro = fg_json_get(doc, "x-fugue-read-only");
	size_t i;

	rt->name = l->title;
	rt->file = l->file;
	fg_json_bool(fg_json_get(doc, "x-fugue-tags"), &rt->tags);
	if ((rt->props = rec_from(l, doc, arena_printf(&c->arena, "properties of %s", rt->name),
	    NULL)) == NULL)
		return NULL;
	rt->props->rt = rt;
	rt->props_ty = ty_new(c, TY_RECORD);
	rt->props_ty->rec = rt->props;
	rt->nattrs = fg_json_len(ro);
	rt->attrs = arena_zalloc(&c->arena, (rt->nattrs + 1) * sizeof(*rt->attrs));
	for (i = 0; i < rt->nattrs; i++) {
		const char *type = fg_json_str(fg_json_get(fg_json_at(ro, i), "type"));

		rt->attrs[i].api = arena_strdup(&c->arena, fg_json_key(ro, i));
		rt->attrs[i].name = lower_camel(c, rt->attrs[i].api);
		rt->attrs[i].ty = type && strcmp(type, "integer") == 0 ? &ty_int :
		    type && strcmp(type, "number") == 0 ? &ty_float :
		    type && strcmp(type, "boolean") == 0 ? &ty_bool : &ty_string;
	}
	rt->ty = ty_new(c, TY_RESOURCE);
	rt->ty->rt = rt;
	return rt;
}

/* Loads one schema file; a type already loaded from an earlier directory wins. */
static int
load_file(struct lwc *c, const char *path)
{
	struct loadctx l = { c, arena_strdup(&c->arena, path), NULL };
	struct fg_buf b;
	char chunk[65536], *err = NULL;
	size_t n;
	fg_json doc;
	FILE *f = fopen(path, "rb");
	struct restype *rt;

	if (f == NULL)
		return schema_error(&l, strerror(errno), NULL);
	fg_buf_init(&b);
	while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0 && b.len <= MAX_SCHEMA)
		fg_buf_add(&b, chunk, n);
	fclose(f);
	if (b.len > MAX_SCHEMA) {
		fg_buf_free(&b);
		return schema_error(&l, "file too large", NULL);
	}
	doc = fg_json_parse(b.data ? b.data : "", b.len, &err);
	fg_buf_free(&b);
	if (doc == NULL) {
		schema_error(&l, err, NULL);
		free(err);
		return -1;
	}
	l.title = jstr(c, doc, "title");
	if (l.title == NULL) {
		fg_json_free(doc);
		return schema_error(&l, "no \"title\" (the Fugue type name)", NULL);
	}
	if (schema_find(c, l.title) != NULL) {
		fg_json_free(doc);
		return 0;
	}
	rt = restype_from(&l, doc);
	fg_json_free(doc);
	if (rt == NULL)
		return -1;
	symtab_put(&c->schemas, rt->name, rt);
	vec_push(&c->arena, &c->restypes, rt);
	return 0;
}

/* Compares two strings through pointers. */
static int
cmp_str(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* The *.json files of dir, sorted, with dir/<name>/schemas searched when plugins is set. */
static int
load_dir(struct lwc *c, const char *dir, int plugins)
{
	DIR *d = opendir(dir);
	struct dirent *de;
	struct vec files = { 0 }, subdirs = { 0 };
	size_t i;

	if (d == NULL)
		return 0;
	while ((de = readdir(d)) != NULL) {
		size_t len = strlen(de->d_name);

		if (de->d_name[0] == '.')
			continue;
		if (len > 5 && strcmp(de->d_name + len - 5, ".json") == 0)
			vec_push(&c->arena, &files, arena_printf(&c->arena, "%s/%s", dir,
			    de->d_name));
		else if (plugins)
			vec_push(&c->arena, &subdirs, arena_printf(&c->arena, "%s/%s/schemas", dir,
			    de->d_name));
	}
	closedir(d);
	vec_sort(&files, cmp_str);
	vec_sort(&subdirs, cmp_str);
	for (i = 0; i < files.n; i++)
		if (load_file(c, files.v[i]) < 0)
			return -1;
	for (i = 0; i < subdirs.n; i++)
		if (load_dir(c, subdirs.v[i], 0) < 0)
			return -1;
	return 0;
}

/* Points every x-fugue-ref type of the schema nodes under r at its resource type. */
static int
link_refs(struct lwc *c, const struct restype *owner, const struct rec *r)
{
	size_t i;

	for (i = 0; i < r->n; i++) {
		struct snode *s = r->fields[i].schema;

		while (s->kind == S_ARRAY)
			s = s->items;
		if (s->kind == S_OBJECT && link_refs(c, owner, s->rec) < 0)
			return -1;
		if (s->ref_name == NULL)
			continue;
		if ((s->ref = schema_find(c, s->ref_name)) == NULL) {
			lwc_error(c, NULL, "schema %s: %s refers to type %s, which no schema "
			    "defines", owner->file, r->fields[i].api, s->ref_name);
			return -1;
		}
		s->ty->rt = s->ref;
	}
	return 0;
}

/* Compares resource types by name. */
static int
cmp_restype(const void *a, const void *b)
{
	return strcmp((*(struct restype *const *)a)->name, (*(struct restype *const *)b)->name);
}

/* Loads every schema on the schema path, once. */
int
schemas_load(struct lwc *c)
{
	size_t i;

	if (c->schemas_loaded)
		return c->schemas_loaded < 0 ? -1 : 0;
	c->schemas_loaded = -1;
	for (i = 0; i < c->schemadirs.n; i++)
		if (load_dir(c, c->schemadirs.v[i], 1) < 0)
			return -1;
	vec_sort(&c->restypes, cmp_restype);
	for (i = 0; i < c->restypes.n; i++) {
		struct restype *rt = c->restypes.v[i];

		if (link_refs(c, rt, rt->props) < 0)
			return -1;
	}
	c->schemas_loaded = 1;
	return 0;
}

/* The resource type called name, or NULL. */
struct restype *
schema_find(struct lwc *c, const char *name)
{
	return symtab_get(&c->schemas, name);
}

/* The resource types called prefix.Name, sorted by name. */
size_t
schema_types_in(struct lwc *c, const char *prefix, struct restype **out, size_t max)
{
	size_t i, n = 0, len = strlen(prefix);

	for (i = 0; i < c->restypes.n && n < max; i++) {
		struct restype *rt = c->restypes.v[i];

		if (strncmp(rt->name, prefix, len) == 0 && rt->name[len] == '.' &&
		    strchr(rt->name + len + 1, '.') == NULL)
			out[n++] = rt;
	}
	return n;
}

/* The read-only attribute of rt called name (Ludwig spelling), or NULL. */
const struct attr *
restype_attr(const struct restype *rt, const char *name)
{
	size_t i;

	for (i = 0; i < rt->nattrs; i++)
		if (strcmp(rt->attrs[i].name, name) == 0)
			return &rt->attrs[i];
	return NULL;
}

/* Frees what the schemas hold outside the arena (compiled patterns). */
void
schemas_free(struct lwc *c)
{
	size_t i;

	for (i = 0; i < c->regexes.n; i++) {
		regfree(c->regexes.v[i]);
		free(c->regexes.v[i]);
	}
	c->regexes.n = 0;
}
