/* parser.c: laid-out tokens into declarations and types (recursive descent); the token helpers
 * that parse_expr.c shares. */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "lwc.h"

#define MAX_DEPTH 200


/* The token k places ahead (clamped to EOF). */
const struct token *
ps_peek_at(struct parser *p, size_t k)
{
	size_t i = p->pos + k;

	return &p->t->v[i < p->t->n ? i : p->t->n - 1];
}

/* The current token. */
const struct token *
ps_peek(struct parser *p)
{
	return ps_peek_at(p, 0);
}

/* The kind of the token k places ahead. */
enum tok
ps_kind(struct parser *p, size_t k)
{
	return ps_peek_at(p, k)->kind;
}

/* Consumes and returns the current token (EOF stays). */
const struct token *
ps_next(struct parser *p)
{
	const struct token *t = ps_peek(p);

	if (t->kind != T_EOF)
		p->pos++;
	return t;
}

/* The token just consumed. */
const struct token *
ps_prev(struct parser *p)
{
	return &p->t->v[p->pos > 0 ? p->pos - 1 : 0];
}

/* Consumes the current token when it is of kind k. */
int
ps_accept(struct parser *p, enum tok k)
{
	if (ps_kind(p, 0) != k)
		return 0;
	ps_next(p);
	return 1;
}

/* How the token is described in "found ..." messages. */
static const char *
describe(struct parser *p, const struct token *t)
{
	switch (t->kind) {
	case T_LOWER:
	case T_UPPER:
		return arena_printf(&p->c->arena, "name '%s'", t->text);
	case T_INT:
	case T_FLOAT:
		return arena_printf(&p->c->arena, "number %s", t->text);
	case T_STRING:
		return "a string";
	case T_EOF:
	case T_NEWLINE:
	case T_INDENT:
	case T_DEDENT:
		return tok_name(t->kind);
	default:
		return arena_printf(&p->c->arena, "'%s'", tok_name(t->kind));
	}
}

/* Reports "expected WHAT, found ..." at the current token; returns NULL. */
void *
ps_expected(struct parser *p, const char *what)
{
	const struct token *t = ps_peek(p);

	lwc_error(p->c, &t->sp, "expected %s, found %s", what, describe(p, t));
	if (t->kind == T_INDENT)
		lwc_hint(p->c, "this line is indented more than the line before it");
	return NULL;
}

/* Consumes a token of kind k or reports what was expected. */
const struct token *
ps_expect(struct parser *p, enum tok k, const char *what)
{
	if (ps_kind(p, 0) != k)
		return ps_expected(p, what);
	return ps_next(p);
}

/* The end of a line: a NEWLINE, or nothing after a nested block that just closed. */
int
ps_end_line(struct parser *p)
{
	if (ps_accept(p, T_NEWLINE) || ps_kind(p, 0) == T_EOF ||
	    (p->pos > 0 && ps_prev(p)->kind == T_DEDENT))
		return 0;
	ps_expected(p, "end of line");
	return -1;
}

/* 1 when the next tokens are NEWLINE INDENT (an indented block follows). */
int
ps_block_follows(struct parser *p)
{
	return ps_kind(p, 0) == T_NEWLINE && ps_kind(p, 1) == T_INDENT;
}

/* Guards the recursion against deeply nested input. */
int
ps_enter(struct parser *p)
{
	if (++p->depth > MAX_DEPTH) {
		lwc_error(p->c, &ps_peek(p)->sp, "expression nested too deeply");
		return -1;
	}
	return 0;
}

/* A dotted name a.b.C: consecutive names joined by dots; sets *sp to its span. */
const char *
ps_dotted(struct parser *p, struct span *sp, int upper_only)
{
	struct fg_buf b;
	const char *s;
	const struct token *t = ps_peek(p);

	if (t->kind != T_UPPER && (upper_only || t->kind != T_LOWER))
		return ps_expected(p, upper_only ? "a capitalised name" : "a name");
	fg_buf_init(&b);
	*sp = t->sp;
	fg_buf_addstr(&b, ps_next(p)->text);
	while (ps_kind(p, 0) == T_DOT &&
	    (ps_kind(p, 1) == T_UPPER || (!upper_only && ps_kind(p, 1) == T_LOWER))) {
		ps_next(p);
		fg_buf_addc(&b, '.');
		fg_buf_addstr(&b, ps_peek(p)->text);
		*sp = span_join(sp, &ps_next(p)->sp);
	}
	s = arena_strndup(&p->c->arena, b.data, b.len);
	fg_buf_free(&b);
	return s;
}

/* Type arguments or tuple items: types separated by commas up to close. */
static int
parse_type_list(struct parser *p, enum tok close, struct texpr ***out, size_t *n)
{
	struct vec v = { 0 };

	while (ps_kind(p, 0) != close) {
		struct texpr *t = ps_type(p);

		if (t == NULL)
			return -1;
		vec_push(&p->c->arena, &v, t);
		if (!ps_accept(p, T_COMMA))
			break;
	}
	if (ps_expect(p, close, close == T_GT ? "'>' or ','" : "')' or ','") == NULL)
		return -1;
	*out = (struct texpr **)v.v;
	*n = v.n;
	return 0;
}

/* A record type written inline: {name: Type, ...}. */
static struct texpr *
parse_record_type(struct parser *p)
{
	struct texpr *t = texpr_new(p->c, TE_RECORD, &ps_next(p)->sp);
	struct vec v = { 0 };

	while (ps_kind(p, 0) != T_RBRACE) {
		struct field_decl *f = arena_zalloc(&p->c->arena, sizeof(*f));
		const struct token *n = ps_expect(p, T_LOWER, "a field name");

		if (n == NULL || ps_expect(p, T_COLON, "':' after the field name") == NULL)
			return NULL;
		f->name = n->text;
		f->sp = n->sp;
		if ((f->type = ps_type(p)) == NULL)
			return NULL;
		vec_push(&p->c->arena, &v, f);
		if (!ps_accept(p, T_COMMA))
			break;
	}
	if (ps_expect(p, T_RBRACE, "'}' or ','") == NULL)
		return NULL;
	t->fields = vec_flatten(p->c, &v, sizeof(struct field_decl));
	t->nfields = v.n;
	t->sp = span_join(&t->sp, &ps_prev(p)->sp);
	return t;
}

/* A type: Name, Mod.Name, Name<T, ...>, (A, B), (A) -> B or {f: T}. */
static struct texpr *
parse_type1(struct parser *p)
{
	struct texpr *t;
	struct span sp;

	if (ps_kind(p, 0) == T_LBRACE)
		return parse_record_type(p);
	if (ps_kind(p, 0) == T_LPAREN) {
		struct texpr **items;
		size_t n;

		sp = ps_next(p)->sp;
		if (parse_type_list(p, T_RPAREN, &items, &n) < 0)
			return NULL;
		sp = span_join(&sp, &ps_prev(p)->sp);
		if (ps_accept(p, T_ARROW)) {
			t = texpr_new(p->c, TE_FUN, &sp);
			t->args = items;
			t->n = n;
			if ((t->ret = ps_type(p)) == NULL)
				return NULL;
			t->sp = span_join(&sp, &t->ret->sp);
			return t;
		}
		if (n == 1)
			return items[0];
		if (n == 0) {
			lwc_error(p->c, &sp, "() is not a type");
			lwc_hint(p->c, "a tuple type has at least two items: (Int, String)");
			return NULL;
		}
		t = texpr_new(p->c, TE_TUPLE, &sp);
		t->args = items;
		t->n = n;
		return t;
	}
	if (ps_kind(p, 0) != T_UPPER && ps_kind(p, 0) != T_LOWER)
		return ps_expected(p, "a type");
	t = texpr_new(p->c, TE_NAME, &ps_peek(p)->sp);
	if ((t->name = ps_dotted(p, &sp, ps_kind(p, 0) == T_UPPER)) == NULL)
		return NULL;
	t->sp = sp;
	if (ps_accept(p, T_LT)) {
		t->kind = TE_APP;
		if (parse_type_list(p, T_GT, &t->args, &t->n) < 0)
			return NULL;
		t->sp = span_join(&t->sp, &ps_prev(p)->sp);
	}
	return t;
}

/* A type, guarding the recursion. */
struct texpr *
ps_type(struct parser *p)
{
	struct texpr *t;

	if (ps_enter(p) < 0)
		return NULL;
	t = parse_type1(p);
	p->depth--;
	return t;
}

/* Parameters: (name: Type, ...); a lambda's may leave their types to be inferred. */
int
ps_params(struct parser *p, struct param **out, size_t *n, int untyped_ok)
{
	struct vec v = { 0 };

	if (ps_expect(p, T_LPAREN, "'(' and the parameters") == NULL)
		return -1;
	while (ps_kind(p, 0) != T_RPAREN) {
		struct param *pa = arena_zalloc(&p->c->arena, sizeof(*pa));
		const struct token *t = ps_expect(p, T_LOWER, "a parameter name");

		if (t == NULL)
			return -1;
		pa->name = t->text;
		pa->sp = t->sp;
		if (untyped_ok && (ps_kind(p, 0) == T_COMMA || ps_kind(p, 0) == T_RPAREN)) {
			vec_push(&p->c->arena, &v, pa);
			ps_accept(p, T_COMMA);
			continue;
		}
		if (ps_expect(p, T_COLON, "':' and the parameter's type") == NULL)
			return -1;
		if ((pa->type = ps_type(p)) == NULL)
			return -1;
		vec_push(&p->c->arena, &v, pa);
		if (!ps_accept(p, T_COMMA))
			break;
	}
	if (ps_expect(p, T_RPAREN, "')' or ','") == NULL)
		return -1;
	*out = vec_flatten(p->c, &v, sizeof(struct param));
	*n = v.n;
	return 0;
}

/* Adds d to the module. */
static void
add_decl(struct parser *p, struct decl *d)
{
	vec_push(&p->c->arena, &p->m->decls, d);
}

/* import A.B.C [as X] */
static int
parse_import(struct parser *p)
{
	struct span sp;
	const char *path;

	ps_next(p);
	path = ps_dotted(p, &sp, 1);
	const char *alias;
	struct decl *d;

	if (path == NULL)
		return -1;
	alias = last_segment(path);
	if (ps_accept(p, T_AS)) {
		const struct token *t = ps_expect(p, T_UPPER, "a capitalised name after 'as'");

		if (t == NULL)
			return -1;
		alias = t->text;
		sp = span_join(&sp, &t->sp);
	}
	d = decl_new(p->c, D_IMPORT, alias, &sp, p->m);
	d->u.import.path = path;
	add_decl(p, d);
	return ps_end_line(p);
}

/* One constructor line or item: | Name [PayloadType] */
static int
parse_ctor(struct parser *p, struct vec *ctors)
{
	struct ctor_decl *cd = arena_zalloc(&p->c->arena, sizeof(*cd));
	const struct token *t = ps_expect(p, T_UPPER, "a constructor name (capitalised)");

	if (t == NULL)
		return -1;
	cd->name = t->text;
	cd->sp = t->sp;
	if (ps_kind(p, 0) != T_NEWLINE && ps_kind(p, 0) != T_BAR && ps_kind(p, 0) != T_EOF)
		if ((cd->payload = ps_type(p)) == NULL)
			return -1;
	vec_push(&p->c->arena, ctors, cd);
	return 0;
}

/* type Name: a block of fields (record) or of | constructors (sum), or | A | B on one line. */
static int
parse_typedecl(struct parser *p)
{
	struct span sp;
	const char *name;
	struct vec items = { 0 };
	struct decl *d;

	ps_next(p);
	if ((name = ps_dotted(p, &sp, 1)) == NULL)
		return -1;
	if (ps_expect(p, T_COLON, "':' after the type's name") == NULL)
		return -1;
	if (ps_kind(p, 0) == T_BAR) {
		d = decl_new(p->c, D_SUM, name, &sp, p->m);
		while (ps_accept(p, T_BAR))
			if (parse_ctor(p, &items) < 0)
				return -1;
		if (ps_end_line(p) < 0)
			return -1;
	} else if (!ps_block_follows(p)) {
		ps_expected(p, "an indented block of fields or '|' constructors");
		return -1;
	} else if (ps_kind(p, 2) == T_BAR) {
		d = decl_new(p->c, D_SUM, name, &sp, p->m);
		ps_next(p);
		ps_next(p);
		while (!ps_accept(p, T_DEDENT)) {
			if (ps_expect(p, T_BAR, "'|' and a constructor") == NULL)
				return -1;
			if (parse_ctor(p, &items) < 0 || ps_end_line(p) < 0)
				return -1;
		}
	} else {
		d = decl_new(p->c, D_RECORD, name, &sp, p->m);
		ps_next(p);
		ps_next(p);
		while (!ps_accept(p, T_DEDENT)) {
			struct field_decl *f = arena_zalloc(&p->c->arena, sizeof(*f));
			const struct token *t = ps_expect(p, T_LOWER, "a field name");

			if (t == NULL || ps_expect(p, T_COLON, "':' and the field's type") == NULL)
				return -1;
			f->name = t->text;
			f->sp = t->sp;
			if ((f->type = ps_type(p)) == NULL || ps_end_line(p) < 0)
				return -1;
			vec_push(&p->c->arena, &items, f);
		}
	}
	if (d->kind == D_SUM) {
		d->u.sum.ctors = vec_flatten(p->c, &items, sizeof(struct ctor_decl));
		d->u.sum.n = items.n;
	} else {
		d->u.rec.fields = vec_flatten(p->c, &items, sizeof(struct field_decl));
		d->u.rec.n = items.n;
	}
	add_decl(p, d);
	return 0;
}

/* A value name that may sit in a namespace: a.b, Vpc.new, IpPermission.Target.all. */
static const char *
parse_value_name(struct parser *p, struct span *sp)
{
	const char *name;

	if ((name = ps_dotted(p, sp, 0)) == NULL)
		return NULL;
	if (is_upper_name(name)) {
		lwc_error(p->c, sp, "'%s' is capitalised: only types and constructors are", name);
		lwc_hint(p->c, "names of values and functions start with a lower-case letter");
		return NULL;
	}
	return name;
}

/* fun name(params) [-> Type]: body */
static int
parse_fun(struct parser *p)
{
	struct span sp;
	const char *name;
	struct decl *d;

	ps_next(p);
	if ((name = parse_value_name(p, &sp)) == NULL)
		return -1;
	d = decl_new(p->c, D_FUN, name, &sp, p->m);
	if (ps_params(p, &d->u.fun.params, &d->u.fun.n, 0) < 0)
		return -1;
	if (ps_accept(p, T_ARROW) && (d->u.fun.ret = ps_type(p)) == NULL)
		return -1;
	if (ps_expect(p, T_COLON, "':' and the function's body") == NULL)
		return -1;
	if ((d->u.fun.body = ps_body(p)) == NULL)
		return -1;
	add_decl(p, d);
	return ps_end_line(p);
}

/* validate f */
static int
parse_validate(struct parser *p)
{
	struct decl *d;
	struct expr *e;

	ps_next(p);
	if (ps_kind(p, 0) != T_LOWER && ps_kind(p, 0) != T_UPPER) {
		ps_expected(p, "the name of a validation function");
		return -1;
	}
	e = ps_path(p);
	d = decl_new(p->c, D_VALIDATE, e->u.path.segs[e->u.path.n - 1], &e->sp, p->m);
	d->u.validate.fn = e;
	add_decl(p, d);
	return ps_end_line(p);
}

/* [Type] name: value */
static int
parse_binding(struct parser *p)
{
	size_t save = p->pos;
	struct texpr *annot = NULL;
	struct span sp;
	const char *name = NULL;
	struct decl *d;

	if (ps_kind(p, 0) == T_UPPER || ps_kind(p, 0) == T_LOWER) {
		/* a (dotted) binding name, unless a type annotation comes first */
		int lower = ps_kind(p, 0) == T_LOWER;

		name = ps_dotted(p, &sp, 0);
		if (ps_kind(p, 0) != T_COLON || is_upper_name(name)) {
			if (lower) {
				ps_expected(p, "':' after the binding's name");
				return -1;
			}
			name = NULL;
			p->pos = save;
		}
	}
	if (name == NULL) {
		if ((annot = ps_type(p)) == NULL)
			return -1;
		if (ps_kind(p, 0) != T_LOWER) {
			ps_expected(p, "a binding name after its type");
			return -1;
		}
		if ((name = parse_value_name(p, &sp)) == NULL)
			return -1;
	}
	if (ps_expect(p, T_COLON, "':' after the binding's name") == NULL)
		return -1;
	d = decl_new(p->c, D_BINDING, name, &sp, p->m);
	d->u.bind.annot = annot;
	if ((d->u.bind.value = ps_body(p)) == NULL)
		return -1;
	add_decl(p, d);
	return ps_end_line(p);
}

/* Parses a whole file into m. */
int
parse(struct lwc *c, const struct tokens *toks, struct module *m)
{
	struct parser p = { c, toks, 0, m, 0 };

	if (ps_kind(&p, 0) == T_COMPOSITION) {
		ps_next(&p);
		m->composition = 1;
		if (ps_end_line(&p) < 0)
			return -1;
	}
	while (ps_kind(&p, 0) != T_EOF) {
		int rc;

		switch (ps_kind(&p, 0)) {
		case T_IMPORT:
			rc = parse_import(&p);
			break;
		case T_TYPE:
			rc = parse_typedecl(&p);
			break;
		case T_FUN:
			rc = parse_fun(&p);
			break;
		case T_VALIDATE:
			rc = parse_validate(&p);
			break;
		case T_COMPOSITION:
			lwc_error(c, &ps_peek(&p)->sp, "'composition' must be the first line of the file");
			return -1;
		case T_INDENT:
			lwc_error(c, &ps_peek(&p)->sp, "unexpected indentation");
			lwc_hint(c, "top-level declarations start in the first column");
			return -1;
		case T_LOWER:
		case T_UPPER:
		case T_LPAREN:
		case T_LBRACE:
			rc = parse_binding(&p);
			break;
		default:
			ps_expected(&p, "a declaration (import, type, fun, validate or a binding)");
			return -1;
		}
		if (rc < 0)
			return -1;
	}
	return 0;
}

/* Parses "(name: Type, ...) -> Type", the signature of a builtin. */
int
parse_signature(struct lwc *c, const char *text, struct param **params, size_t *n,
    struct texpr **ret)
{
	struct tokens raw = { 0 }, toks = { 0 };
	struct source *src = source_new(c, "<builtin>", arena_strdup(&c->arena, text), strlen(text));
	struct parser p = { c, &toks, 0, NULL, 0 };
	int rc = -1;

	if (lex(c, src, &raw) < 0 || layout(c, &raw, &toks) < 0)
		goto out;
	if (ps_params(&p, params, n, 0) < 0 || ps_expect(&p, T_ARROW, "'->'") == NULL)
		goto out;
	if ((*ret = ps_type(&p)) == NULL)
		goto out;
	rc = 0;
out:
	free(raw.v);
	free(toks.v);
	return rc;
}
