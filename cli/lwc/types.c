/* types.c: Ludwig types: construction, printing, assignability and written types. */
#include "config.h"

#include <string.h>

#include "lwc.h"

struct ty ty_error = { .kind = TY_ERROR };
struct ty ty_never = { .kind = TY_NEVER };
struct ty ty_int = { .kind = TY_INT };
struct ty ty_float = { .kind = TY_FLOAT };
struct ty ty_bool = { .kind = TY_BOOL };
struct ty ty_string = { .kind = TY_STRING };

/* A new type of kind k. */
struct ty *
ty_new(struct lwc *c, enum ty_kind k)
{
	struct ty *t = arena_zalloc(&c->arena, sizeof(*t));

	t->kind = k;
	return t;
}

/* List<elem>. */
struct ty *
ty_list(struct lwc *c, struct ty *elem)
{
	struct ty *t = ty_new(c, TY_LIST);

	t->elem = elem;
	return t;
}

/* Optional<elem>; an Optional of an Optional is the same Optional. */
struct ty *
ty_optional(struct lwc *c, struct ty *elem)
{
	struct ty *t;

	if (elem->kind == TY_OPTIONAL || elem->kind == TY_ERROR)
		return elem;
	t = ty_new(c, TY_OPTIONAL);
	t->elem = elem;
	return t;
}

/* The name a nominal type is shown with: Module.Name (the module's last component). */
static void
print_nominal(struct fg_buf *b, const struct decl *d, const char *fallback)
{
	if (d == NULL) {
		fg_buf_addstr(b, fallback);
		return;
	}
	if (d->mod != NULL && *d->mod->name)
		fg_buf_addf(b, "%s.", last_segment(d->mod->name));
	fg_buf_addstr(b, d->name);
}

/* Writes t as the user would spell it. */
void
ty_print(struct fg_buf *b, const struct ty *t)
{
	size_t i;

	switch (t->kind) {
	case TY_ERROR:
	case TY_NEVER:
		fg_buf_addstr(b, "?");
		break;
	case TY_INT:
		fg_buf_addstr(b, "Int");
		break;
	case TY_FLOAT:
		fg_buf_addstr(b, "Float");
		break;
	case TY_BOOL:
		fg_buf_addstr(b, "Bool");
		break;
	case TY_STRING:
		fg_buf_addstr(b, "String");
		break;
	case TY_LIST:
	case TY_OPTIONAL:
		fg_buf_addstr(b, t->kind == TY_LIST ? "List<" : "Optional<");
		ty_print(b, t->elem);
		fg_buf_addc(b, '>');
		break;
	case TY_TUPLE:
	case TY_FUN:
		fg_buf_addc(b, '(');
		for (i = 0; i < t->n; i++) {
			if (i)
				fg_buf_addstr(b, ", ");
			ty_print(b, t->items[i]);
		}
		fg_buf_addc(b, ')');
		if (t->kind == TY_FUN) {
			fg_buf_addstr(b, " -> ");
			ty_print(b, t->ret);
		}
		break;
	case TY_RECORD:
		if (t->rec->decl != NULL || t->rec->name != NULL) {
			print_nominal(b, t->rec->decl, t->rec->name);
			break;
		}
		fg_buf_addc(b, '{');
		for (i = 0; i < t->rec->n; i++) {
			fg_buf_addf(b, "%s%s: ", i ? ", " : "", t->rec->fields[i].name);
			ty_print(b, t->rec->fields[i].ty);
		}
		fg_buf_addc(b, '}');
		break;
	case TY_SUM:
		print_nominal(b, t->sum->decl, t->sum->name);
		break;
	case TY_RESOURCE:
		print_nominal(b, t->rt->decl, t->rt->name);
		break;
	case TY_REF:
		fg_buf_addstr(b, "String or ");
		print_nominal(b, t->rt ? t->rt->decl : NULL, t->rt ? t->rt->name : "?");
		break;
	case TY_VAR:
		fg_buf_addc(b, (char)('a' + t->var));
		break;
	}
}

/* t as text, in the arena. */
const char *
ty_str(struct lwc *c, const struct ty *t)
{
	struct fg_buf b;
	const char *s;

	fg_buf_init(&b);
	ty_print(&b, t);
	s = arena_strndup(&c->arena, b.data, b.len);
	fg_buf_free(&b);
	return s;
}

/* The field called name in r, or NULL. */
struct field *
rec_field(const struct rec *r, const char *name)
{
	size_t i;

	for (i = 0; i < r->n; i++)
		if (strcmp(r->fields[i].name, name) == 0)
			return &r->fields[i];
	return NULL;
}

/* 1 when a and b are the same type. */
int
ty_equal(const struct ty *a, const struct ty *b)
{
	return ty_assignable(a, b) && ty_assignable(b, a);
}

/* 1 when a record of type a fits the structural record type b. */
static int
rec_fits(const struct rec *a, const struct rec *b)
{
	size_t i;

	for (i = 0; i < a->n; i++) {
		const struct field *fb = rec_field(b, a->fields[i].name);

		if (fb == NULL || !ty_assignable(a->fields[i].ty, fb->ty))
			return 0;
	}
	for (i = 0; i < b->n; i++)
		if (rec_field(a, b->fields[i].name) == NULL && b->fields[i].ty->kind != TY_OPTIONAL)
			return 0;
	return 1;
}

/* 1 when a value of type a may be used where b is expected. */
int
ty_assignable(const struct ty *a, const struct ty *b)
{
	size_t i;

	if (a == b || a->kind == TY_ERROR || b->kind == TY_ERROR || a->kind == TY_NEVER)
		return 1;
	if (b->kind == TY_OPTIONAL)
		return ty_assignable(a->kind == TY_OPTIONAL ? a->elem : a, b->elem);
	if (b->kind == TY_REF)
		return a->kind == TY_STRING || ((a->kind == TY_RESOURCE || a->kind == TY_REF) &&
		    a->rt == b->rt);
	if (a->kind != b->kind)
		return 0;
	switch (a->kind) {
	case TY_LIST:
		return ty_assignable(a->elem, b->elem);
	case TY_TUPLE:
		if (a->n != b->n)
			return 0;
		for (i = 0; i < a->n; i++)
			if (!ty_assignable(a->items[i], b->items[i]))
				return 0;
		return 1;
	case TY_FUN:
		if (a->n != b->n || !ty_assignable(a->ret, b->ret))
			return 0;
		for (i = 0; i < a->n; i++)
			if (!ty_assignable(b->items[i], a->items[i]))
				return 0;
		return 1;
	case TY_RECORD:
		return a->rec == b->rec || (b->rec->structural && rec_fits(a->rec, b->rec));
	case TY_SUM:
		return a->sum == b->sum;
	case TY_RESOURCE:
		return a->rt == b->rt;
	case TY_VAR:
		return a->var == b->var;
	default:
		return 1;
	}
}

/* The smallest type both a and b fit (branches of if and case, list items), or NULL. */
struct ty *
ty_join(struct lwc *c, struct ty *a, struct ty *b)
{
	struct ty *j;
	size_t i;

	if (a->kind == TY_ERROR || b->kind == TY_ERROR)
		return &ty_error;
	if (a->kind == TY_NEVER)
		return b;
	if (b->kind == TY_NEVER)
		return a;
	if (a->kind == TY_OPTIONAL || b->kind == TY_OPTIONAL) {
		j = ty_join(c, a->kind == TY_OPTIONAL ? a->elem : a,
		    b->kind == TY_OPTIONAL ? b->elem : b);
		return j ? ty_optional(c, j) : NULL;
	}
	if (a->kind == TY_LIST && b->kind == TY_LIST) {
		j = ty_join(c, a->elem, b->elem);
		return j ? ty_list(c, j) : NULL;
	}
	if (a->kind == TY_TUPLE && b->kind == TY_TUPLE && a->n == b->n) {
		j = ty_new(c, TY_TUPLE);
		j->n = a->n;
		j->items = arena_alloc(&c->arena, a->n * sizeof(*j->items));
		for (i = 0; i < a->n; i++)
			if ((j->items[i] = ty_join(c, a->items[i], b->items[i])) == NULL)
				return NULL;
		return j;
	}
	if (ty_assignable(a, b))
		return b;
	if (ty_assignable(b, a))
		return a;
	return NULL;
}
