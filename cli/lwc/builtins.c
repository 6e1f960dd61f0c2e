/* builtins.c: the prelude (Int, Float, String, List, Validation) and Fugue.Core. */
#include "config.h"

#include <ctype.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lwc.h"

static struct ctor validation_ctors[2] = {
	{ .name = "Success", .index = 0, .sum = &validation_sum },
	{ .name = "Error", .payload = &ty_string, .index = 1, .sum = &validation_sum },
};
static struct ctor *validation_list[2] = { &validation_ctors[0], &validation_ctors[1] };
struct sum validation_sum = { "Validation", validation_list, 2, NULL };
struct ty ty_validation = { .kind = TY_SUM, .sum = &validation_sum };

/* The shortest text that reads back as f, always with a point or an exponent ("3.0"). */
void
format_float(double f, char *buf, size_t len)
{
	int prec, fixed = f == 0 || (fabs(f) >= 1e-4 && fabs(f) < 1e16);

	for (prec = fixed ? 0 : 1; prec <= 17; prec++) {
		snprintf(buf, len, fixed ? "%.*f" : "%.*g", prec, f);
		if (strtod(buf, NULL) == f)
			break;
	}
	if (strpbrk(buf, ".en") == NULL && strlen(buf) + 3 <= len)
		strcat(buf, ".0");
}

/* A Validation value: Success, or Error with a message. */
static struct value *
validation(struct evalctx *x, const char *msg, size_t len, const struct span *sp)
{
	struct value *v = val_new(x, V_CTOR, sp);

	v->u.ctor.ctor = &validation_ctors[msg != NULL];
	if (msg != NULL)
		v->u.ctor.payload = val_string(x, msg, len, sp);
	return v;
}

/* Int.toString(i) */
static struct value *
bi_int_tostring(struct evalctx *x, struct value **a, const struct span *sp)
{
	char buf[32];

	snprintf(buf, sizeof(buf), "%lld", (long long)a[0]->u.i);
	return val_string(x, buf, strlen(buf), sp);
}

/* Int.toFloat(i) */
static struct value *
bi_int_tofloat(struct evalctx *x, struct value **a, const struct span *sp)
{
	struct value *v = val_new(x, V_FLOAT, sp);

	v->u.f = (double)a[0]->u.i;
	return v;
}

/* Float.toString(f): the shortest text that reads back as f, with a point or exponent. */
static struct value *
bi_float_tostring(struct evalctx *x, struct value **a, const struct span *sp)
{
	char buf[48];

	format_float(a[0]->u.f, buf, sizeof(buf));
	return val_string(x, buf, strlen(buf), sp);
}

/* String.length(s), in bytes. */
static struct value *
bi_string_length(struct evalctx *x, struct value **a, const struct span *sp)
{
	struct value *v = val_new(x, V_INT, sp);

	v->u.i = (int64_t)a[0]->u.str.len;
	return v;
}

/* String.lower(s) / String.upper(s) over ASCII letters. */
static struct value *
change_case(struct evalctx *x, struct value *s, int upper, const struct span *sp)
{
	struct value *v = val_string(x, s->u.str.s, s->u.str.len, sp);
	char *p = (char *)v->u.str.s;
	size_t i;

	for (i = 0; i < v->u.str.len; i++)
		p[i] = (char)(upper ? toupper((unsigned char)p[i]) : tolower((unsigned char)p[i]));
	return v;
}

/* String.lower(s) */
static struct value *
bi_string_lower(struct evalctx *x, struct value **a, const struct span *sp)
{
	return change_case(x, a[0], 0, sp);
}

/* String.upper(s) */
static struct value *
bi_string_upper(struct evalctx *x, struct value **a, const struct span *sp)
{
	return change_case(x, a[0], 1, sp);
}

/* String.join(separator, items) */
static struct value *
bi_string_join(struct evalctx *x, struct value **a, const struct span *sp)
{
	struct fg_buf b;
	struct value *v;
	size_t i;

	fg_buf_init(&b);
	fg_buf_addstr(&b, "");
	for (i = 0; i < a[1]->u.list.n; i++) {
		if (i)
			fg_buf_add(&b, a[0]->u.str.s, a[0]->u.str.len);
		fg_buf_add(&b, a[1]->u.list.items[i]->u.str.s, a[1]->u.list.items[i]->u.str.len);
	}
	v = val_string(x, b.data, b.len, sp);
	fg_buf_free(&b);
	return v;
}

/* String.startsWith(s, prefix) */
static struct value *
bi_string_startswith(struct evalctx *x, struct value **a, const struct span *sp)
{
	struct value *v = val_new(x, V_BOOL, sp);

	v->u.b = a[1]->u.str.len <= a[0]->u.str.len &&
	    memcmp(a[0]->u.str.s, a[1]->u.str.s, a[1]->u.str.len) == 0;
	return v;
}

/* A list value with room for n items. */
static struct value *
new_list(struct evalctx *x, size_t n, const struct span *sp)
{
	struct value *v = val_new(x, V_LIST, sp);

	v->u.list.items = arena_alloc(&x->c->arena, (n ? n : 1) * sizeof(*v->u.list.items));
	v->u.list.n = 0;
	return v;
}

/* List.map(f, items) */
static struct value *
bi_list_map(struct evalctx *x, struct value **a, const struct span *sp)
{
	struct value *v = new_list(x, a[1]->u.list.n, sp);
	size_t i;

	for (i = 0; i < a[1]->u.list.n; i++) {
		struct value *r = call_value(x, a[0], &a[1]->u.list.items[i], 1, sp);

		if (r == NULL || val_nest(x, v, r) < 0)
			return NULL;
		v->u.list.items[v->u.list.n++] = r;
	}
	return v;
}

/* List.filter(f, items) */
static struct value *
bi_list_filter(struct evalctx *x, struct value **a, const struct span *sp)
{
	struct value *v = new_list(x, a[1]->u.list.n, sp);
	size_t i;

	for (i = 0; i < a[1]->u.list.n; i++) {
		struct value *r = call_value(x, a[0], &a[1]->u.list.items[i], 1, sp);

		if (r == NULL)
			return NULL;
		if (r->u.b)
			v->u.list.items[v->u.list.n++] = a[1]->u.list.items[i];
	}
	v->depth = a[1]->depth;
	return v;
}

/* List.any(f, items) and List.all(f, items). */
static struct value *
quantify(struct evalctx *x, struct value **a, int all, const struct span *sp)
{
	struct value *v = val_new(x, V_BOOL, sp);
	size_t i;

	v->u.b = all;
	for (i = 0; i < a[1]->u.list.n; i++) {
		struct value *r = call_value(x, a[0], &a[1]->u.list.items[i], 1, sp);

		if (r == NULL)
			return NULL;
		if (r->u.b != all) {
			v->u.b = !all;
			break;
		}
	}
	return v;
}

/* List.any(f, items) */
static struct value *
bi_list_any(struct evalctx *x, struct value **a, const struct span *sp)
{
	return quantify(x, a, 0, sp);
}

/* List.all(f, items) */
static struct value *
bi_list_all(struct evalctx *x, struct value **a, const struct span *sp)
{
	return quantify(x, a, 1, sp);
}

/* List.length(items) */
static struct value *
bi_list_length(struct evalctx *x, struct value **a, const struct span *sp)
{
	struct value *v = val_new(x, V_INT, sp);

	v->u.i = (int64_t)a[0]->u.list.n;
	return v;
}

/* List.contains(item, items) */
static struct value *
bi_list_contains(struct evalctx *x, struct value **a, const struct span *sp)
{
	struct value *v = val_new(x, V_BOOL, sp);
	size_t i;

	v->u.b = 0;
	for (i = 0; i < a[1]->u.list.n && !v->u.b; i++) {
		int eq = val_equal(x, a[0], a[1]->u.list.items[i], sp);

		if (eq < 0)
			return NULL;
		v->u.b = eq;
	}
	return v;
}

/* List.concat(lists) */
static struct value *
bi_list_concat(struct evalctx *x, struct value **a, const struct span *sp)
{
	size_t i, j, n = 0;
	struct value *v;

	for (i = 0; i < a[0]->u.list.n; i++)
		n += a[0]->u.list.items[i]->u.list.n;
	v = new_list(x, n, sp);
	for (i = 0; i < a[0]->u.list.n; i++)
		for (j = 0; j < a[0]->u.list.items[i]->u.list.n; j++)
			v->u.list.items[v->u.list.n++] = a[0]->u.list.items[i]->u.list.items[j];
	v->depth = a[0]->depth;
	return v;
}

/* List.range(from, to): from, from+1, ..., to-1. */
static struct value *
bi_list_range(struct evalctx *x, struct value **a, const struct span *sp)
{
	int64_t from = a[0]->u.i, to = a[1]->u.i, i;
	struct value *v;

	if (to > from && to - from > 1000000) {
		return eval_error(x, sp, "List.range(%lld, %lld) is too long (the limit is 1000000 "
		    "items)", (long long)from, (long long)to);
	}
	v = new_list(x, to > from ? (size_t)(to - from) : 0, sp);
	for (i = from; i < to; i++) {
		struct value *n = val_new(x, V_INT, sp);

		n->u.i = i;
		v->u.list.items[v->u.list.n++] = n;
	}
	return v;
}

/* A 2-tuple value. */
static struct value *
pair(struct evalctx *x, struct value *a, struct value *b, const struct span *sp)
{
	struct value *t = val_new(x, V_TUPLE, sp);

	t->u.list.items = arena_alloc(&x->c->arena, 2 * sizeof(*t->u.list.items));
	t->u.list.items[0] = a;
	t->u.list.items[1] = b;
	t->u.list.n = 2;
	t->depth = (a->depth > b->depth ? a->depth : b->depth) + 1;
	return t;
}

/* List.indexed(items): (0, first), (1, second), ... */
static struct value *
bi_list_indexed(struct evalctx *x, struct value **a, const struct span *sp)
{
	struct value *v = new_list(x, a[0]->u.list.n, sp);
	size_t i;

	for (i = 0; i < a[0]->u.list.n; i++) {
		struct value *n = val_new(x, V_INT, sp);

		n->u.i = (int64_t)i;
		v->u.list.items[v->u.list.n++] = pair(x, n, a[0]->u.list.items[i], sp);
		if (val_nest(x, v, v->u.list.items[v->u.list.n - 1]) < 0)
			return NULL;
	}
	return v;
}

/* List.zip(a, b): pairs up to the shorter length. */
static struct value *
bi_list_zip(struct evalctx *x, struct value **a, const struct span *sp)
{
	size_t n = a[0]->u.list.n < a[1]->u.list.n ? a[0]->u.list.n : a[1]->u.list.n, i;
	struct value *v = new_list(x, n, sp);

	for (i = 0; i < n; i++) {
		v->u.list.items[v->u.list.n++] = pair(x, a[0]->u.list.items[i],
		    a[1]->u.list.items[i], sp);
		if (val_nest(x, v, v->u.list.items[v->u.list.n - 1]) < 0)
			return NULL;
	}
	return v;
}

/* List.first(items) */
static struct value *
bi_list_first(struct evalctx *x, struct value **a, const struct span *sp)
{
	return a[0]->u.list.n ? a[0]->u.list.items[0] : val_new(x, V_NONE, sp);
}

/* Validation.success */
static struct value *
bi_valid_success(struct evalctx *x, struct value **a, const struct span *sp)
{
	return validation(x, NULL, 0, sp);
}

/* Validation.error {message} */
static struct value *
bi_valid_error(struct evalctx *x, struct value **a, const struct span *sp)
{
	return validation(x, a[0]->u.str.s, a[0]->u.str.len, sp);
}

/* Validation.assert(message, ok) */
static struct value *
bi_valid_assert(struct evalctx *x, struct value **a, const struct span *sp)
{
	return a[1]->u.b ? validation(x, NULL, 0, sp) :
	    validation(x, a[0]->u.str.s, a[0]->u.str.len, sp);
}

/* Validation.all(checks): the first error, or success. */
static struct value *
bi_valid_all(struct evalctx *x, struct value **a, const struct span *sp)
{
	size_t i;

	for (i = 0; i < a[0]->u.list.n; i++)
		if (a[0]->u.list.items[i]->u.ctor.ctor->index == 1)
			return a[0]->u.list.items[i];
	return validation(x, NULL, 0, sp);
}

/* Fugue.Core.resource and Fugue.Core.external are evaluated by eval.c (they make resources);
 * their entries carry the signature the checker starts from. */
static struct builtin builtins[] = {
	{ "Float.toString", "(f: Float) -> String", bi_float_tostring, 0, NULL, 0 },
	{ "Int.toFloat", "(i: Int) -> Float", bi_int_tofloat, 0, NULL, 0 },
	{ "Int.toString", "(i: Int) -> String", bi_int_tostring, 0, NULL, 0 },
	{ "List.all", "(f: (a) -> Bool, items: List<a>) -> Bool", bi_list_all, 0, NULL, 0 },
	{ "List.any", "(f: (a) -> Bool, items: List<a>) -> Bool", bi_list_any, 0, NULL, 0 },
	{ "List.concat", "(lists: List<List<a>>) -> List<a>", bi_list_concat, 0, NULL, 0 },
	{ "List.contains", "(item: a, items: List<a>) -> Bool", bi_list_contains, 0, NULL, 0 },
	{ "List.filter", "(f: (a) -> Bool, items: List<a>) -> List<a>", bi_list_filter, 0, NULL,
	    0 },
	{ "List.first", "(items: List<a>) -> Optional<a>", bi_list_first, 0, NULL, 0 },
	{ "List.indexed", "(items: List<a>) -> List<(Int, a)>", bi_list_indexed, 0, NULL, 0 },
	{ "List.length", "(items: List<a>) -> Int", bi_list_length, 0, NULL, 0 },
	{ "List.map", "(f: (a) -> b, items: List<a>) -> List<b>", bi_list_map, 0, NULL, 0 },
	{ "List.range", "(from: Int, to: Int) -> List<Int>", bi_list_range, 0, NULL, 0 },
	{ "List.zip", "(first: List<a>, second: List<b>) -> List<(a, b)>", bi_list_zip, 0, NULL,
	    0 },
	{ "String.join", "(separator: String, items: List<String>) -> String", bi_string_join, 0,
	    NULL, 0 },
	{ "String.length", "(s: String) -> Int", bi_string_length, 0, NULL, 0 },
	{ "String.lower", "(s: String) -> String", bi_string_lower, 0, NULL, 0 },
	{ "String.startsWith", "(s: String, prefix: String) -> Bool", bi_string_startswith, 0,
	    NULL, 0 },
	{ "String.upper", "(s: String) -> String", bi_string_upper, 0, NULL, 0 },
	{ "Validation.all", "(checks: List<Validation>) -> Validation", bi_valid_all, 0, NULL, 0 },
	{ "Validation.assert", "(message: String, ok: Bool) -> Validation", bi_valid_assert, 0,
	    NULL, 0 },
	{ "Validation.error", "(message: String) -> Validation", bi_valid_error, 0, NULL, 0 },
	{ "Validation.success", "Validation", bi_valid_success, 0, NULL, 0 },
	{ "external", "(typeName: String, id: String, region: Optional<String>) -> a", NULL, 1, NULL,
	    0 },
	{ "resource", "(typeName: String, properties: a) -> a", NULL, 1, NULL, 0 },
};

/* The builtin called name (of Fugue.Core when core), or NULL. */
const struct builtin *
builtin_find(const char *name, int core)
{
	size_t i;

	for (i = 0; i < FG_ARRAY_LEN(builtins); i++)
		if (builtins[i].core == core && strcmp(builtins[i].name, name) == 0)
			return &builtins[i];
	return NULL;
}

/* Counts (and lists up to max of) the builtins under namespace prefix ("" for all). */
size_t
builtin_names(const char **out, size_t max, const char *prefix, int core)
{
	size_t i, n = 0, len = strlen(prefix);

	for (i = 0; i < FG_ARRAY_LEN(builtins); i++) {
		if (builtins[i].core != core)
			continue;
		if (len && (strncmp(builtins[i].name, prefix, len) != 0 ||
		    builtins[i].name[len] != '.'))
			continue;
		if (n < max)
			out[n] = builtins[i].name;
		n++;
	}
	return n;
}

/* Whether a builtin makes resources (checked and evaluated specially). */
enum builtin_special
builtin_special(const struct builtin *bi)
{
	if (!bi->core)
		return BI_PLAIN;
	return strcmp(bi->name, "resource") == 0 ? BI_RESOURCE : BI_EXTERNAL;
}

/* Parses every builtin's signature into a type for this compilation. */
int
builtins_init(struct lwc *c)
{
	size_t i;

	for (i = 0; i < FG_ARRAY_LEN(builtins); i++) {
		struct builtin *b = &builtins[i];
		struct vec vars = { 0 };

		if (b->sig[0] == '(') {
			struct param *ps;
			struct texpr *ret;
			size_t n, k;

			if (parse_signature(c, b->sig, &ps, &n, &ret) < 0)
				return -1;
			b->ty = ty_new(c, TY_FUN);
			b->ty->n = n;
			b->ty->items = arena_alloc(&c->arena, (n + 1) * sizeof(*b->ty->items));
			b->ty->pnames = arena_alloc(&c->arena, (n + 1) * sizeof(*b->ty->pnames));
			for (k = 0; k < n; k++) {
				b->ty->items[k] = ty_from_texpr(c, NULL, ps[k].type, &vars);
				b->ty->pnames[k] = ps[k].name;
			}
			b->ty->ret = ty_from_texpr(c, NULL, ret, &vars);
		} else {
			struct texpr t = { .kind = TE_NAME, .name = b->sig };

			b->ty = ty_from_texpr(c, NULL, &t, &vars);
		}
		b->nvars = (int)vars.n;
	}
	return 0;
}
