/* parser.c: laid-out tokens into declarations and expressions (recursive descent). */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "lwc.h"

#define MAX_DEPTH 200

struct parser {
	struct lwc *c;
	const struct tokens *t;
	size_t pos;
	struct module *m;
	int depth;
};

static struct expr *parse_expr(struct parser *);
static struct expr *parse_body(struct parser *);
static struct texpr *parse_type(struct parser *);
static struct expr *parse_postfix(struct parser *, struct expr *);

/* The token k places ahead (clamped to EOF). */
static const struct token *
peek_at(struct parser *p, size_t k)
{
	size_t i = p->pos + k;

	return &p->t->v[i < p->t->n ? i : p->t->n - 1];
}

/* The current token. */
static const struct token *
peek(struct parser *p)
{
	return peek_at(p, 0);
}

/* The kind of the token k places ahead. */
static enum tok
kind_at(struct parser *p, size_t k)
{
	return peek_at(p, k)->kind;
}

/* Consumes and returns the current token (EOF stays). */
static const struct token *
next(struct parser *p)
{
	const struct token *t = peek(p);

	if (t->kind != T_EOF)
		p->pos++;
	return t;
}

/* The token just consumed. */
static const struct token *
prev(struct parser *p)
{
	return &p->t->v[p->pos > 0 ? p->pos - 1 : 0];
}

/* Consumes the current token when it is of kind k. */
static int
accept(struct parser *p, enum tok k)
{
	if (kind_at(p, 0) != k)
		return 0;
	next(p);
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
static void *
expected(struct parser *p, const char *what)
{
	const struct token *t = peek(p);

	lwc_error(p->c, &t->sp, "expected %s, found %s", what, describe(p, t));
	if (t->kind == T_INDENT)
		lwc_hint(p->c, "this line is indented more than the line before it");
	return NULL;
}

/* Consumes a token of kind k or reports what was expected. */
static const struct token *
expect(struct parser *p, enum tok k, const char *what)
{
	if (kind_at(p, 0) != k)
		return expected(p, what);
	return next(p);
}

/* The end of a line: a NEWLINE, or nothing after a nested block that just closed. */
static int
end_line(struct parser *p)
{
	if (accept(p, T_NEWLINE) || kind_at(p, 0) == T_EOF ||
	    (p->pos > 0 && prev(p)->kind == T_DEDENT))
		return 0;
	expected(p, "end of line");
	return -1;
}

/* 1 when the next tokens are NEWLINE INDENT (an indented block follows). */
static int
block_follows(struct parser *p)
{
	return kind_at(p, 0) == T_NEWLINE && kind_at(p, 1) == T_INDENT;
}

/* Guards the recursion against deeply nested input. */
static int
enter(struct parser *p)
{
	if (++p->depth > MAX_DEPTH) {
		lwc_error(p->c, &peek(p)->sp, "expression nested too deeply");
		return -1;
	}
	return 0;
}

/* A dotted name a.b.C: consecutive names joined by dots; sets *sp to its span. */
static const char *
parse_dotted(struct parser *p, struct span *sp, int upper_only)
{
	struct fg_buf b;
	const char *s;
	const struct token *t = peek(p);

	if (t->kind != T_UPPER && (upper_only || t->kind != T_LOWER))
		return expected(p, upper_only ? "a capitalised name" : "a name");
	fg_buf_init(&b);
	*sp = t->sp;
	fg_buf_addstr(&b, next(p)->text);
	while (kind_at(p, 0) == T_DOT &&
	    (kind_at(p, 1) == T_UPPER || (!upper_only && kind_at(p, 1) == T_LOWER))) {
		next(p);
		fg_buf_addc(&b, '.');
		fg_buf_addstr(&b, peek(p)->text);
		*sp = span_join(sp, &next(p)->sp);
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

	while (kind_at(p, 0) != close) {
		struct texpr *t = parse_type(p);

		if (t == NULL)
			return -1;
		vec_push(&p->c->arena, &v, t);
		if (!accept(p, T_COMMA))
			break;
	}
	if (expect(p, close, close == T_GT ? "'>' or ','" : "')' or ','") == NULL)
		return -1;
	*out = (struct texpr **)v.v;
	*n = v.n;
	return 0;
}

/* A record type written inline: {name: Type, ...}. */
static struct texpr *
parse_record_type(struct parser *p)
{
	struct texpr *t = texpr_new(p->c, TE_RECORD, &next(p)->sp);
	struct vec v = { 0 };

	while (kind_at(p, 0) != T_RBRACE) {
		struct field_decl *f = arena_zalloc(&p->c->arena, sizeof(*f));
		const struct token *n = expect(p, T_LOWER, "a field name");

		if (n == NULL || expect(p, T_COLON, "':' after the field name") == NULL)
			return NULL;
		f->name = n->text;
		f->sp = n->sp;
		if ((f->type = parse_type(p)) == NULL)
			return NULL;
		vec_push(&p->c->arena, &v, f);
		if (!accept(p, T_COMMA))
			break;
	}
	if (expect(p, T_RBRACE, "'}' or ','") == NULL)
		return NULL;
	t->fields = vec_flatten(p->c, &v, sizeof(struct field_decl));
	t->nfields = v.n;
	t->sp = span_join(&t->sp, &prev(p)->sp);
	return t;
}

/* A type: Name, Mod.Name, Name<T, ...>, (A, B), (A) -> B or {f: T}. */
static struct texpr *
parse_type1(struct parser *p)
{
	struct texpr *t;
	struct span sp;

	if (kind_at(p, 0) == T_LBRACE)
		return parse_record_type(p);
	if (kind_at(p, 0) == T_LPAREN) {
		struct texpr **items;
		size_t n;

		sp = next(p)->sp;
		if (parse_type_list(p, T_RPAREN, &items, &n) < 0)
			return NULL;
		sp = span_join(&sp, &prev(p)->sp);
		if (accept(p, T_ARROW)) {
			t = texpr_new(p->c, TE_FUN, &sp);
			t->args = items;
			t->n = n;
			if ((t->ret = parse_type(p)) == NULL)
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
	if (kind_at(p, 0) != T_UPPER && kind_at(p, 0) != T_LOWER)
		return expected(p, "a type");
	t = texpr_new(p->c, TE_NAME, &peek(p)->sp);
	if ((t->name = parse_dotted(p, &sp, kind_at(p, 0) == T_UPPER)) == NULL)
		return NULL;
	t->sp = sp;
	if (accept(p, T_LT)) {
		t->kind = TE_APP;
		if (parse_type_list(p, T_GT, &t->args, &t->n) < 0)
			return NULL;
		t->sp = span_join(&t->sp, &prev(p)->sp);
	}
	return t;
}

/* A type, guarding the recursion. */
static struct texpr *
parse_type(struct parser *p)
{
	struct texpr *t;

	if (enter(p) < 0)
		return NULL;
	t = parse_type1(p);
	p->depth--;
	return t;
}

/* Parameters: (name: Type, ...). */
static int
parse_params(struct parser *p, struct param **out, size_t *n)
{
	struct vec v = { 0 };

	if (expect(p, T_LPAREN, "'(' and the parameters") == NULL)
		return -1;
	while (kind_at(p, 0) != T_RPAREN) {
		struct param *pa = arena_zalloc(&p->c->arena, sizeof(*pa));
		const struct token *t = expect(p, T_LOWER, "a parameter name");

		if (t == NULL)
			return -1;
		pa->name = t->text;
		pa->sp = t->sp;
		if (expect(p, T_COLON, "':' and the parameter's type") == NULL)
			return -1;
		if ((pa->type = parse_type(p)) == NULL)
			return -1;
		vec_push(&p->c->arena, &v, pa);
		if (!accept(p, T_COMMA))
			break;
	}
	if (expect(p, T_RPAREN, "')' or ','") == NULL)
		return -1;
	*out = vec_flatten(p->c, &v, sizeof(struct param));
	*n = v.n;
	return 0;
}

/* One `name: value` of a record (braces, or a line of a block when in_block). */
static struct field_init *
parse_field_init(struct parser *p, int dotted, int in_block)
{
	struct field_init *f = arena_zalloc(&p->c->arena, sizeof(*f));

	if (kind_at(p, 0) != T_LOWER)
		return expected(p, "a field name");
	if (dotted) {
		if ((f->name = parse_dotted(p, &f->sp, 0)) == NULL)
			return NULL;
	} else {
		f->name = peek(p)->text;
		f->sp = next(p)->sp;
	}
	if (expect(p, T_COLON, "':' after the field name") == NULL)
		return NULL;
	f->value = in_block ? parse_body(p) : parse_expr(p);
	return f->value ? f : NULL;
}

/* The fields of an indented block, one `name: value` a line, up to its DEDENT. */
static int
parse_field_lines(struct parser *p, int dotted, struct field_init **out, size_t *n)
{
	struct vec v = { 0 };

	next(p); /* NEWLINE */
	next(p); /* INDENT */
	while (!accept(p, T_DEDENT)) {
		struct field_init *f = parse_field_init(p, dotted, 1);

		if (f == NULL || end_line(p) < 0)
			return -1;
		vec_push(&p->c->arena, &v, f);
	}
	*out = vec_flatten(p->c, &v, sizeof(struct field_init));
	*n = v.n;
	return 0;
}

/* A record literal in braces, after '{'. */
static struct expr *
parse_record(struct parser *p, const struct span *open)
{
	struct expr *e = expr_new(p->c, E_RECORD, open);
	struct vec v = { 0 };

	while (kind_at(p, 0) != T_RBRACE) {
		struct field_init *f = parse_field_init(p, 0, 0);

		if (f == NULL)
			return NULL;
		vec_push(&p->c->arena, &v, f);
		if (!accept(p, T_COMMA))
			break;
	}
	if (expect(p, T_RBRACE, "'}' or ','") == NULL)
		return NULL;
	e->u.record.fields = vec_flatten(p->c, &v, sizeof(struct field_init));
	e->u.record.n = v.n;
	e->sp = span_join(open, &prev(p)->sp);
	return e;
}

/* A record written as an indented block of `name: value` lines. */
static struct expr *
parse_record_block(struct parser *p)
{
	struct expr *e = expr_new(p->c, E_RECORD, &peek_at(p, 2)->sp);

	if (parse_field_lines(p, 0, &e->u.record.fields, &e->u.record.n) < 0)
		return NULL;
	if (e->u.record.n > 0)
		e->sp = span_join(&e->u.record.fields[0].sp,
		    &e->u.record.fields[e->u.record.n - 1].value->sp);
	return e;
}

/* Items separated by commas up to close (trailing comma allowed). */
static int
parse_items(struct parser *p, enum tok close, struct expr ***out, size_t *n)
{
	struct vec v = { 0 };

	while (kind_at(p, 0) != close) {
		struct expr *e = parse_expr(p);

		if (e == NULL)
			return -1;
		vec_push(&p->c->arena, &v, e);
		if (!accept(p, T_COMMA))
			break;
	}
	if (expect(p, close, close == T_RBRACKET ? "']' or ','" : "')' or ','") == NULL)
		return -1;
	*out = (struct expr **)v.v;
	*n = v.n;
	return 0;
}

/* A name path a.b.C.d (names only; .0 and calls are postfix). */
static struct expr *
parse_path(struct parser *p)
{
	struct expr *e = expr_new(p->c, E_PATH, &peek(p)->sp);
	struct vec segs = { 0 }, sps = { 0 };

	for (;;) {
		const struct token *t = next(p);
		struct span *sp = arena_alloc(&p->c->arena, sizeof(*sp));

		*sp = t->sp;
		vec_push(&p->c->arena, &segs, (void *)t->text);
		vec_push(&p->c->arena, &sps, sp);
		if (kind_at(p, 0) != T_DOT || (kind_at(p, 1) != T_LOWER && kind_at(p, 1) != T_UPPER))
			break;
		next(p);
	}
	e->u.path.segs = (const char **)segs.v;
	e->u.path.segsp = vec_flatten(p->c, &sps, sizeof(struct span));
	e->u.path.n = segs.n;
	e->sp = span_join(&e->u.path.segsp[0], &e->u.path.segsp[segs.n - 1]);
	return e;
}

/* 1 when the current token can start a constructor's payload written after it. */
static int
starts_payload(struct parser *p)
{
	switch (kind_at(p, 0)) {
	case T_INT:
	case T_FLOAT:
	case T_STRING:
	case T_TRUE:
	case T_FALSE:
	case T_NONE:
	case T_LOWER:
	case T_UPPER:
	case T_LBRACKET:
		return 1;
	default:
		return 0;
	}
}

/* An atom: literal, name, list, tuple or parenthesised expression, or record. */
static struct expr *
parse_primary(struct parser *p)
{
	const struct token *t = peek(p);
	struct expr *e;

	switch (t->kind) {
	case T_INT:
		e = expr_new(p->c, E_INT, &next(p)->sp);
		e->u.ival = t->ival;
		return e;
	case T_FLOAT:
		e = expr_new(p->c, E_FLOAT, &next(p)->sp);
		e->u.fval = t->fval;
		return e;
	case T_STRING:
		e = expr_new(p->c, E_STRING, &next(p)->sp);
		e->u.str.s = t->text;
		e->u.str.len = t->len;
		return e;
	case T_TRUE:
	case T_FALSE:
		e = expr_new(p->c, E_BOOL, &next(p)->sp);
		e->u.bval = t->kind == T_TRUE;
		return e;
	case T_NONE:
		return expr_new(p->c, E_NONE, &next(p)->sp);
	case T_LOWER:
	case T_UPPER:
		e = parse_path(p);
		if (is_upper_name(e->u.path.segs[e->u.path.n - 1]) && starts_payload(p)) {
			struct expr *call = expr_new(p->c, E_CALL, &e->sp);
			struct expr *arg = parse_primary(p);

			if (arg == NULL || (arg = parse_postfix(p, arg)) == NULL)
				return NULL;
			call->u.call.fn = e;
			call->u.call.args = arena_alloc(&p->c->arena, sizeof(struct expr *));
			call->u.call.args[0] = arg;
			call->u.call.n = 1;
			call->sp = span_join(&e->sp, &arg->sp);
			return call;
		}
		return e;
	case T_LBRACKET:
		e = expr_new(p->c, E_LIST, &next(p)->sp);
		if (parse_items(p, T_RBRACKET, &e->u.list.items, &e->u.list.n) < 0)
			return NULL;
		e->sp = span_join(&e->sp, &prev(p)->sp);
		return e;
	case T_LPAREN:
		e = expr_new(p->c, E_TUPLE, &next(p)->sp);
		if (kind_at(p, 0) == T_RPAREN) {
			struct span sp = span_join(&e->sp, &peek(p)->sp);

			lwc_error(p->c, &sp, "empty parentheses");
			lwc_hint(p->c, "Ludwig has no unit value; a tuple has at least two items");
			return NULL;
		}
		if (parse_items(p, T_RPAREN, &e->u.list.items, &e->u.list.n) < 0)
			return NULL;
		e->sp = span_join(&e->sp, &prev(p)->sp);
		if (e->u.list.n == 1 && p->t->v[p->pos - 2].kind != T_COMMA)
			return e->u.list.items[0]; /* (e) */
		if (e->u.list.n == 1) {
			lwc_error(p->c, &e->sp, "a tuple needs at least two items");
			return NULL;
		}
		return e;
	case T_LBRACE:
		next(p);
		return parse_record(p, &t->sp);
	default:
		return expected(p, "an expression");
	}
}

/* `with` after a record: {f: v}, a single `a.b: v`, or an indented block of them. */
static struct expr *
parse_with(struct parser *p, struct expr *obj)
{
	struct expr *e = expr_new(p->c, E_WITH, &next(p)->sp);

	e->u.with.obj = obj;
	if (kind_at(p, 0) == T_LBRACE) {
		struct expr *r = parse_record(p, &next(p)->sp);

		if (r == NULL)
			return NULL;
		e->u.with.fields = r->u.record.fields;
		e->u.with.n = r->u.record.n;
	} else if (block_follows(p)) {
		if (parse_field_lines(p, 1, &e->u.with.fields, &e->u.with.n) < 0)
			return NULL;
	} else {
		struct field_init *f = parse_field_init(p, 1, 0);

		if (f == NULL)
			return NULL;
		e->u.with.fields = f;
		e->u.with.n = 1;
	}
	if (e->u.with.n > 0)
		e->sp = span_join(&obj->sp, &e->u.with.fields[e->u.with.n - 1].value->sp);
	return e;
}

/* Calls, field access, tuple positions, `with` and named arguments after an atom. */
static struct expr *
parse_postfix(struct parser *p, struct expr *e)
{
	for (;;) {
		struct expr *n;

		if (kind_at(p, 0) == T_DOT && (kind_at(p, 1) == T_LOWER || kind_at(p, 1) == T_UPPER)) {
			next(p);
			n = expr_new(p->c, E_FIELD, &e->sp);
			n->u.field.obj = e;
			n->u.field.name = peek(p)->text;
			n->u.field.namesp = next(p)->sp;
			n->sp = span_join(&e->sp, &n->u.field.namesp);
		} else if (kind_at(p, 0) == T_DOT && kind_at(p, 1) == T_INT) {
			next(p);
			n = expr_new(p->c, E_INDEX, &e->sp);
			n->u.index.obj = e;
			n->u.index.index = (size_t)peek(p)->ival;
			n->sp = span_join(&e->sp, &next(p)->sp);
		} else if (kind_at(p, 0) == T_LPAREN) {
			next(p);
			n = expr_new(p->c, E_CALL, &e->sp);
			n->u.call.fn = e;
			if (parse_items(p, T_RPAREN, &n->u.call.args, &n->u.call.n) < 0)
				return NULL;
			n->sp = span_join(&e->sp, &prev(p)->sp);
		} else if (kind_at(p, 0) == T_LBRACE) {
			n = expr_new(p->c, E_NAMED, &e->sp);
			n->u.call.fn = e;
			if ((n->u.call.record = parse_record(p, &next(p)->sp)) == NULL)
				return NULL;
			n->sp = span_join(&e->sp, &n->u.call.record->sp);
		} else if (kind_at(p, 0) == T_WITH) {
			if ((n = parse_with(p, e)) == NULL)
				return NULL;
		} else if (block_follows(p) && kind_at(p, 2) == T_LOWER && kind_at(p, 3) == T_COLON &&
		    (e->kind == E_PATH || e->kind == E_FIELD)) {
			n = expr_new(p->c, E_NAMED, &e->sp);
			n->u.call.fn = e;
			if ((n->u.call.record = parse_record_block(p)) == NULL)
				return NULL;
			return n;
		} else {
			return e;
		}
		e = n;
	}
}

/* A case pattern. */
static int
parse_pattern(struct parser *p, struct pattern *pat)
{
	const struct token *t = peek(p);

	memset(pat, 0, sizeof(*pat));
	pat->sp = t->sp;
	switch (t->kind) {
	case T_LOWER:
		next(p);
		pat->kind = strcmp(t->text, "_") == 0 ? P_WILD : P_BIND;
		pat->name = t->text;
		return 0;
	case T_NONE:
		next(p);
		pat->kind = P_NONE;
		return 0;
	case T_TRUE:
	case T_FALSE:
		next(p);
		pat->kind = P_BOOL;
		pat->ival = t->kind == T_TRUE;
		return 0;
	case T_MINUS:
	case T_INT:
		if (t->kind == T_MINUS) {
			next(p);
			if (kind_at(p, 0) != T_INT) {
				expected(p, "a number after '-'");
				return -1;
			}
		}
		pat->kind = P_INT;
		pat->ival = t->kind == T_MINUS ? -peek(p)->ival : peek(p)->ival;
		pat->sp = span_join(&t->sp, &next(p)->sp);
		return 0;
	case T_STRING:
		next(p);
		pat->kind = P_STRING;
		pat->sval = t->text;
		pat->slen = t->len;
		return 0;
	case T_UPPER:
		if ((pat->name = parse_dotted(p, &pat->sp, 1)) == NULL)
			return -1;
		pat->kind = strcmp(pat->name, "Optional") == 0 ? P_SOME : P_CTOR;
		if (kind_at(p, 0) == T_LOWER) {
			pat->binder = peek(p)->text;
			pat->binder_sp = next(p)->sp;
			if (strcmp(pat->binder, "_") == 0)
				pat->binder = NULL;
		} else if (pat->kind == P_SOME) {
			expected(p, "a name for the value inside the Optional");
			return -1;
		}
		return 0;
	default:
		expected(p, "a pattern (a constructor, literal, name or _)");
		return -1;
	}
}

/* One alternative `| pattern -> body` (after the '|'). */
static int
parse_alt(struct parser *p, struct vec *alts)
{
	struct alt *a = arena_zalloc(&p->c->arena, sizeof(*a));

	if (parse_pattern(p, &a->pat) < 0)
		return -1;
	if (expect(p, T_ARROW, "'->' after the pattern") == NULL)
		return -1;
	if ((a->body = parse_body(p)) == NULL)
		return -1;
	vec_push(&p->c->arena, alts, a);
	return 0;
}

/* case e of | p -> e ... (alternatives on one line or one a line in a block). */
static struct expr *
parse_case(struct parser *p)
{
	struct expr *e = expr_new(p->c, E_CASE, &next(p)->sp);
	struct vec alts = { 0 };

	if ((e->u.kase.subject = parse_expr(p)) == NULL)
		return NULL;
	if (expect(p, T_OF, "'of' after the case subject") == NULL)
		return NULL;
	if (block_follows(p)) {
		next(p);
		next(p);
		while (!accept(p, T_DEDENT)) {
			if (expect(p, T_BAR, "'|' and an alternative") == NULL)
				return NULL;
			if (parse_alt(p, &alts) < 0 || end_line(p) < 0)
				return NULL;
		}
	} else {
		if (kind_at(p, 0) != T_BAR)
			return expected(p, "'|' and an alternative");
		while (accept(p, T_BAR))
			if (parse_alt(p, &alts) < 0)
				return NULL;
	}
	e->u.kase.alts = vec_flatten(p->c, &alts, sizeof(struct alt));
	e->u.kase.n = alts.n;
	e->sp = span_join(&e->sp, &e->u.kase.alts[alts.n - 1].body->sp);
	return e;
}

/* Accepts k on this line, the next line, or an indented continuation line (once). */
static int
continues(struct parser *p, enum tok k, int *indented)
{
	if (accept(p, k))
		return 1;
	if (kind_at(p, 0) == T_NEWLINE && kind_at(p, 1) == k) {
		next(p);
		next(p);
		return 1;
	}
	if (!*indented && block_follows(p) && kind_at(p, 2) == k) {
		next(p);
		next(p);
		next(p);
		*indented = 1;
		return 1;
	}
	return 0;
}

/* if c then a else b (then/else may start continuation lines). */
static struct expr *
parse_if(struct parser *p)
{
	struct expr *e = expr_new(p->c, E_IF, &next(p)->sp);
	int indented = 0;

	if ((e->u.cond.cond = parse_expr(p)) == NULL)
		return NULL;
	if (!continues(p, T_THEN, &indented))
		return expected(p, "'then'");
	if ((e->u.cond.then = parse_body(p)) == NULL)
		return NULL;
	if (!continues(p, T_ELSE, &indented))
		return expected(p, "'else'");
	if ((e->u.cond.els = parse_body(p)) == NULL)
		return NULL;
	if (indented && (end_line(p) < 0 || expect(p, T_DEDENT, "the end of the block") == NULL))
		return NULL;
	e->sp = span_join(&e->sp, &e->u.cond.els->sp);
	return e;
}

/* fun(x: T) -> R: body */
static struct expr *
parse_lambda(struct parser *p)
{
	struct expr *e = expr_new(p->c, E_LAMBDA, &next(p)->sp);

	if (parse_params(p, &e->u.lambda.params, &e->u.lambda.n) < 0)
		return NULL;
	if (accept(p, T_ARROW) && (e->u.lambda.ret = parse_type(p)) == NULL)
		return NULL;
	if (expect(p, T_COLON, "':' and the function's body") == NULL)
		return NULL;
	if ((e->u.lambda.body = parse_body(p)) == NULL)
		return NULL;
	e->sp = span_join(&e->sp, &e->u.lambda.body->sp);
	return e;
}

/* Prefix operators, if, case and fun, then an atom with its postfix forms. */
static struct expr *
parse_unary(struct parser *p)
{
	const struct token *t = peek(p);
	struct expr *e, *inner;

	if (enter(p) < 0)
		return NULL;
	switch (t->kind) {
	case T_IF:
		e = parse_if(p);
		break;
	case T_CASE:
		e = parse_case(p);
		break;
	case T_FUN:
		e = parse_lambda(p);
		break;
	case T_NOT:
	case T_MINUS:
		next(p);
		if ((inner = parse_unary(p)) == NULL) {
			e = NULL;
			break;
		}
		if (t->kind == T_MINUS && (inner->kind == E_INT || inner->kind == E_FLOAT) &&
		    inner->sp.off == t->sp.off + 1) {
			/* a negative literal */
			if (inner->kind == E_INT)
				inner->u.ival = -inner->u.ival;
			else
				inner->u.fval = -inner->u.fval;
			inner->sp = span_join(&t->sp, &inner->sp);
			e = inner;
			break;
		}
		e = expr_new(p->c, E_UNOP, &t->sp);
		e->u.un.op = t->kind;
		e->u.un.e = inner;
		e->sp = span_join(&t->sp, &inner->sp);
		break;
	default:
		e = parse_primary(p);
		if (e != NULL)
			e = parse_postfix(p, e);
		break;
	}
	p->depth--;
	return e;
}

/* Binding strength of a binary operator (0: not one); *right for right associativity. */
static int
precedence(enum tok k, int *right)
{
	*right = 0;
	switch (k) {
	case T_OR:
		return 1;
	case T_AND:
		return 2;
	case T_EQ:
	case T_NE:
	case T_LT:
	case T_LE:
	case T_GT:
	case T_GE:
		return 3;
	case T_DEFAULT:
		*right = 1;
		return 4;
	case T_PLUSPLUS:
		*right = 1;
		return 5;
	case T_PLUS:
	case T_MINUS:
		return 6;
	case T_STAR:
	case T_SLASH:
	case T_PERCENT:
		return 7;
	default:
		return 0;
	}
}

/* Binary operators by precedence climbing; comparisons do not chain. */
static struct expr *
parse_binary(struct parser *p, int min)
{
	struct expr *l = parse_unary(p);
	int right, prec;

	while (l != NULL && (prec = precedence(kind_at(p, 0), &right)) >= min) {
		const struct token *op = next(p);
		struct expr *r, *e;

		if (enter(p) < 0)
			return NULL;
		r = parse_binary(p, right ? prec : prec + 1);
		p->depth--;
		if (r == NULL)
			return NULL;
		e = expr_new(p->c, E_BINOP, &op->sp);
		e->u.bin.op = op->kind;
		e->u.bin.l = l;
		e->u.bin.r = r;
		e->sp = span_join(&l->sp, &r->sp);
		l = e;
		if (prec == 3 && precedence(kind_at(p, 0), &right) == 3) {
			lwc_error(p->c, &peek(p)->sp, "comparisons do not chain");
			lwc_hint(p->c, "write a < b && b < c");
			return NULL;
		}
	}
	return l;
}

/* An expression. */
static struct expr *
parse_expr(struct parser *p)
{
	return parse_binary(p, 1);
}

/* `let [Type] name: value` inside a block. */
static int
parse_let(struct parser *p, struct vec *lets)
{
	struct let *l = arena_zalloc(&p->c->arena, sizeof(*l));

	next(p);
	if (kind_at(p, 0) != T_LOWER || kind_at(p, 1) != T_COLON)
		if ((l->annot = parse_type(p)) == NULL)
			return -1;
	if (kind_at(p, 0) != T_LOWER) {
		expected(p, "the name to bind");
		return -1;
	}
	l->name = peek(p)->text;
	l->sp = next(p)->sp;
	if (expect(p, T_COLON, "':' after the name") == NULL)
		return -1;
	if ((l->value = parse_body(p)) == NULL || end_line(p) < 0)
		return -1;
	vec_push(&p->c->arena, lets, l);
	return 0;
}

/* A value: an expression on this line, or an indented block holding either `name: value` lines
 * (a record) or `let` lines followed by the result. */
static struct expr *
parse_body(struct parser *p)
{
	struct vec lets = { 0 };
	struct expr *e, *r;

	if (!block_follows(p))
		return parse_expr(p);
	if (kind_at(p, 2) == T_LOWER && kind_at(p, 3) == T_COLON)
		return parse_record_block(p);
	next(p);
	next(p);
	while (kind_at(p, 0) == T_LET)
		if (parse_let(p, &lets) < 0)
			return NULL;
	if ((r = parse_expr(p)) == NULL || end_line(p) < 0)
		return NULL;
	if (expect(p, T_DEDENT, "the end of the block (the result is its last line)") == NULL)
		return NULL;
	if (lets.n == 0)
		return r;
	e = expr_new(p->c, E_BLOCK, &((struct let *)lets.v[0])->sp);
	e->u.block.lets = vec_flatten(p->c, &lets, sizeof(struct let));
	e->u.block.n = lets.n;
	e->u.block.result = r;
	e->sp = span_join(&e->sp, &r->sp);
	return e;
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

	next(p);
	path = parse_dotted(p, &sp, 1);
	const char *alias;
	struct decl *d;

	if (path == NULL)
		return -1;
	alias = last_segment(path);
	if (accept(p, T_AS)) {
		const struct token *t = expect(p, T_UPPER, "a capitalised name after 'as'");

		if (t == NULL)
			return -1;
		alias = t->text;
		sp = span_join(&sp, &t->sp);
	}
	d = decl_new(p->c, D_IMPORT, alias, &sp, p->m);
	d->u.import.path = path;
	add_decl(p, d);
	return end_line(p);
}

/* One constructor line or item: | Name [PayloadType] */
static int
parse_ctor(struct parser *p, struct vec *ctors)
{
	struct ctor_decl *cd = arena_zalloc(&p->c->arena, sizeof(*cd));
	const struct token *t = expect(p, T_UPPER, "a constructor name (capitalised)");

	if (t == NULL)
		return -1;
	cd->name = t->text;
	cd->sp = t->sp;
	if (kind_at(p, 0) != T_NEWLINE && kind_at(p, 0) != T_BAR && kind_at(p, 0) != T_EOF)
		if ((cd->payload = parse_type(p)) == NULL)
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

	next(p);
	if ((name = parse_dotted(p, &sp, 1)) == NULL)
		return -1;
	if (expect(p, T_COLON, "':' after the type's name") == NULL)
		return -1;
	if (kind_at(p, 0) == T_BAR) {
		d = decl_new(p->c, D_SUM, name, &sp, p->m);
		while (accept(p, T_BAR))
			if (parse_ctor(p, &items) < 0)
				return -1;
		if (end_line(p) < 0)
			return -1;
	} else if (!block_follows(p)) {
		expected(p, "an indented block of fields or '|' constructors");
		return -1;
	} else if (kind_at(p, 2) == T_BAR) {
		d = decl_new(p->c, D_SUM, name, &sp, p->m);
		next(p);
		next(p);
		while (!accept(p, T_DEDENT)) {
			if (expect(p, T_BAR, "'|' and a constructor") == NULL)
				return -1;
			if (parse_ctor(p, &items) < 0 || end_line(p) < 0)
				return -1;
		}
	} else {
		d = decl_new(p->c, D_RECORD, name, &sp, p->m);
		next(p);
		next(p);
		while (!accept(p, T_DEDENT)) {
			struct field_decl *f = arena_zalloc(&p->c->arena, sizeof(*f));
			const struct token *t = expect(p, T_LOWER, "a field name");

			if (t == NULL || expect(p, T_COLON, "':' and the field's type") == NULL)
				return -1;
			f->name = t->text;
			f->sp = t->sp;
			if ((f->type = parse_type(p)) == NULL || end_line(p) < 0)
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

	if ((name = parse_dotted(p, sp, 0)) == NULL)
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

	next(p);
	if ((name = parse_value_name(p, &sp)) == NULL)
		return -1;
	d = decl_new(p->c, D_FUN, name, &sp, p->m);
	if (parse_params(p, &d->u.fun.params, &d->u.fun.n) < 0)
		return -1;
	if (accept(p, T_ARROW) && (d->u.fun.ret = parse_type(p)) == NULL)
		return -1;
	if (expect(p, T_COLON, "':' and the function's body") == NULL)
		return -1;
	if ((d->u.fun.body = parse_body(p)) == NULL)
		return -1;
	add_decl(p, d);
	return end_line(p);
}

/* validate f */
static int
parse_validate(struct parser *p)
{
	struct decl *d;
	struct expr *e;

	next(p);
	if (kind_at(p, 0) != T_LOWER && kind_at(p, 0) != T_UPPER) {
		expected(p, "the name of a validation function");
		return -1;
	}
	e = parse_path(p);
	d = decl_new(p->c, D_VALIDATE, e->u.path.segs[e->u.path.n - 1], &e->sp, p->m);
	d->u.validate.fn = e;
	add_decl(p, d);
	return end_line(p);
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

	if (kind_at(p, 0) == T_UPPER || kind_at(p, 0) == T_LOWER) {
		/* a (dotted) binding name, unless a type annotation comes first */
		int lower = kind_at(p, 0) == T_LOWER;

		name = parse_dotted(p, &sp, 0);
		if (kind_at(p, 0) != T_COLON || is_upper_name(name)) {
			if (lower) {
				expected(p, "':' after the binding's name");
				return -1;
			}
			name = NULL;
			p->pos = save;
		}
	}
	if (name == NULL) {
		if ((annot = parse_type(p)) == NULL)
			return -1;
		if (kind_at(p, 0) != T_LOWER) {
			expected(p, "a binding name after its type");
			return -1;
		}
		if ((name = parse_value_name(p, &sp)) == NULL)
			return -1;
	}
	if (expect(p, T_COLON, "':' after the binding's name") == NULL)
		return -1;
	d = decl_new(p->c, D_BINDING, name, &sp, p->m);
	d->u.bind.annot = annot;
	if ((d->u.bind.value = parse_body(p)) == NULL)
		return -1;
	add_decl(p, d);
	return end_line(p);
}

/* Parses a whole file into m. */
int
parse(struct lwc *c, const struct tokens *toks, struct module *m)
{
	struct parser p = { c, toks, 0, m, 0 };

	if (kind_at(&p, 0) == T_COMPOSITION) {
		next(&p);
		m->composition = 1;
		if (end_line(&p) < 0)
			return -1;
	}
	while (kind_at(&p, 0) != T_EOF) {
		int rc;

		switch (kind_at(&p, 0)) {
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
			lwc_error(c, &peek(&p)->sp, "'composition' must be the first line of the file");
			return -1;
		case T_INDENT:
			lwc_error(c, &peek(&p)->sp, "unexpected indentation");
			lwc_hint(c, "top-level declarations start in the first column");
			return -1;
		case T_LOWER:
		case T_UPPER:
		case T_LPAREN:
		case T_LBRACE:
			rc = parse_binding(&p);
			break;
		default:
			expected(&p, "a declaration (import, type, fun, validate or a binding)");
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
	if (parse_params(&p, params, n) < 0 || expect(&p, T_ARROW, "'->'") == NULL)
		goto out;
	if ((*ret = parse_type(&p)) == NULL)
		goto out;
	rc = 0;
out:
	free(raw.v);
	free(toks.v);
	return rc;
}
