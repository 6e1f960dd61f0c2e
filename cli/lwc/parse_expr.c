/* parse_expr.c: expressions: literals, names, records, lists, calls, `with`, if, case, lambdas,
 * operators by precedence, and bodies (let lines, record blocks). */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "lwc.h"

static struct expr *parse_postfix(struct parser *, struct expr *);

/* One `name: value` of a record (braces, or a line of a block when in_block). */
static struct field_init *
parse_field_init(struct parser *p, int dotted, int in_block)
{
	struct field_init *f = arena_zalloc(&p->c->arena, sizeof(*f));

	if (ps_kind(p, 0) != T_LOWER)
		return ps_expected(p, "a field name");
	if (dotted) {
		if ((f->name = ps_dotted(p, &f->sp, 0)) == NULL)
			return NULL;
	} else {
		f->name = ps_peek(p)->text;
		f->sp = ps_next(p)->sp;
	}
	if (ps_expect(p, T_COLON, "':' after the field name") == NULL)
		return NULL;
	f->value = in_block ? ps_body(p) : ps_expr(p);
	return f->value ? f : NULL;
}

/* The fields of an indented block, one `name: value` a line, up to its DEDENT. */
static int
parse_field_lines(struct parser *p, int dotted, struct field_init **out, size_t *n)
{
	struct vec v = { 0 };

	ps_next(p); /* NEWLINE */
	ps_next(p); /* INDENT */
	while (!ps_accept(p, T_DEDENT)) {
		struct field_init *f = parse_field_init(p, dotted, 1);

		if (f == NULL || ps_end_line(p) < 0)
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

	while (ps_kind(p, 0) != T_RBRACE) {
		struct field_init *f = parse_field_init(p, 0, 0);

		if (f == NULL)
			return NULL;
		vec_push(&p->c->arena, &v, f);
		if (!ps_accept(p, T_COMMA))
			break;
	}
	if (ps_expect(p, T_RBRACE, "'}' or ','") == NULL)
		return NULL;
	e->u.record.fields = vec_flatten(p->c, &v, sizeof(struct field_init));
	e->u.record.n = v.n;
	e->sp = span_join(open, &ps_prev(p)->sp);
	return e;
}

/* A record written as an indented block of `name: value` lines. */
static struct expr *
parse_record_block(struct parser *p)
{
	struct expr *e = expr_new(p->c, E_RECORD, &ps_peek_at(p, 2)->sp);

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

	while (ps_kind(p, 0) != close) {
		struct expr *e = ps_expr(p);

		if (e == NULL)
			return -1;
		vec_push(&p->c->arena, &v, e);
		if (!ps_accept(p, T_COMMA))
			break;
	}
	if (ps_expect(p, close, close == T_RBRACKET ? "']' or ','" : "')' or ','") == NULL)
		return -1;
	*out = (struct expr **)v.v;
	*n = v.n;
	return 0;
}

/* A name path a.b.C.d (names only; .0 and calls are postfix). */
struct expr *
ps_path(struct parser *p)
{
	struct expr *e = expr_new(p->c, E_PATH, &ps_peek(p)->sp);
	struct vec segs = { 0 }, sps = { 0 };

	for (;;) {
		const struct token *t = ps_next(p);
		struct span *sp = arena_alloc(&p->c->arena, sizeof(*sp));

		*sp = t->sp;
		vec_push(&p->c->arena, &segs, (void *)t->text);
		vec_push(&p->c->arena, &sps, sp);
		if (ps_kind(p, 0) != T_DOT || (ps_kind(p, 1) != T_LOWER && ps_kind(p, 1) != T_UPPER))
			break;
		ps_next(p);
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
	switch (ps_kind(p, 0)) {
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
	const struct token *t = ps_peek(p);
	struct expr *e;

	switch (t->kind) {
	case T_INT:
		e = expr_new(p->c, E_INT, &ps_next(p)->sp);
		e->u.ival = t->ival;
		return e;
	case T_FLOAT:
		e = expr_new(p->c, E_FLOAT, &ps_next(p)->sp);
		e->u.fval = t->fval;
		return e;
	case T_STRING:
		e = expr_new(p->c, E_STRING, &ps_next(p)->sp);
		e->u.str.s = t->text;
		e->u.str.len = t->len;
		return e;
	case T_TRUE:
	case T_FALSE:
		e = expr_new(p->c, E_BOOL, &ps_next(p)->sp);
		e->u.bval = t->kind == T_TRUE;
		return e;
	case T_NONE:
		return expr_new(p->c, E_NONE, &ps_next(p)->sp);
	case T_LOWER:
	case T_UPPER:
		e = ps_path(p);
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
		e = expr_new(p->c, E_LIST, &ps_next(p)->sp);
		if (parse_items(p, T_RBRACKET, &e->u.list.items, &e->u.list.n) < 0)
			return NULL;
		e->sp = span_join(&e->sp, &ps_prev(p)->sp);
		return e;
	case T_LPAREN:
		e = expr_new(p->c, E_TUPLE, &ps_next(p)->sp);
		if (ps_kind(p, 0) == T_RPAREN) {
			struct span sp = span_join(&e->sp, &ps_peek(p)->sp);

			lwc_error(p->c, &sp, "empty parentheses");
			lwc_hint(p->c, "Ludwig has no unit value; a tuple has at least two items");
			return NULL;
		}
		if (parse_items(p, T_RPAREN, &e->u.list.items, &e->u.list.n) < 0)
			return NULL;
		e->sp = span_join(&e->sp, &ps_prev(p)->sp);
		if (e->u.list.n == 1 && p->t->v[p->pos - 2].kind != T_COMMA)
			return e->u.list.items[0]; /* (e) */
		if (e->u.list.n == 1) {
			lwc_error(p->c, &e->sp, "a tuple needs at least two items");
			return NULL;
		}
		return e;
	case T_LBRACE:
		ps_next(p);
		return parse_record(p, &t->sp);
	default:
		return ps_expected(p, "an expression");
	}
}

/* `with` after a record: {f: v}, a single `a.b: v`, or an indented block of them. */
static struct expr *
parse_with(struct parser *p, struct expr *obj)
{
	struct expr *e = expr_new(p->c, E_WITH, &ps_next(p)->sp);

	e->u.with.obj = obj;
	if (ps_kind(p, 0) == T_LBRACE) {
		struct expr *r = parse_record(p, &ps_next(p)->sp);

		if (r == NULL)
			return NULL;
		e->u.with.fields = r->u.record.fields;
		e->u.with.n = r->u.record.n;
	} else if (ps_block_follows(p)) {
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

		if (ps_kind(p, 0) == T_DOT && (ps_kind(p, 1) == T_LOWER || ps_kind(p, 1) == T_UPPER)) {
			ps_next(p);
			n = expr_new(p->c, E_FIELD, &e->sp);
			n->u.field.obj = e;
			n->u.field.name = ps_peek(p)->text;
			n->u.field.namesp = ps_next(p)->sp;
			n->sp = span_join(&e->sp, &n->u.field.namesp);
		} else if (ps_kind(p, 0) == T_DOT && ps_kind(p, 1) == T_INT) {
			ps_next(p);
			n = expr_new(p->c, E_INDEX, &e->sp);
			n->u.index.obj = e;
			n->u.index.index = (size_t)ps_peek(p)->ival;
			n->sp = span_join(&e->sp, &ps_next(p)->sp);
		} else if (ps_kind(p, 0) == T_LPAREN) {
			ps_next(p);
			n = expr_new(p->c, E_CALL, &e->sp);
			n->u.call.fn = e;
			if (parse_items(p, T_RPAREN, &n->u.call.args, &n->u.call.n) < 0)
				return NULL;
			n->sp = span_join(&e->sp, &ps_prev(p)->sp);
		} else if (ps_kind(p, 0) == T_LBRACE) {
			n = expr_new(p->c, E_NAMED, &e->sp);
			n->u.call.fn = e;
			if ((n->u.call.record = parse_record(p, &ps_next(p)->sp)) == NULL)
				return NULL;
			n->sp = span_join(&e->sp, &n->u.call.record->sp);
		} else if (ps_kind(p, 0) == T_WITH) {
			if ((n = parse_with(p, e)) == NULL)
				return NULL;
		} else if (ps_block_follows(p) && ps_kind(p, 2) == T_LOWER && ps_kind(p, 3) == T_COLON &&
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
	const struct token *t = ps_peek(p);

	memset(pat, 0, sizeof(*pat));
	pat->sp = t->sp;
	switch (t->kind) {
	case T_LOWER:
		ps_next(p);
		pat->kind = strcmp(t->text, "_") == 0 ? P_WILD : P_BIND;
		pat->name = t->text;
		return 0;
	case T_NONE:
		ps_next(p);
		pat->kind = P_NONE;
		return 0;
	case T_TRUE:
	case T_FALSE:
		ps_next(p);
		pat->kind = P_BOOL;
		pat->ival = t->kind == T_TRUE;
		return 0;
	case T_MINUS:
	case T_INT:
		if (t->kind == T_MINUS) {
			ps_next(p);
			if (ps_kind(p, 0) != T_INT) {
				ps_expected(p, "a number after '-'");
				return -1;
			}
		}
		pat->kind = P_INT;
		pat->ival = t->kind == T_MINUS ? -ps_peek(p)->ival : ps_peek(p)->ival;
		pat->sp = span_join(&t->sp, &ps_next(p)->sp);
		return 0;
	case T_STRING:
		ps_next(p);
		pat->kind = P_STRING;
		pat->sval = t->text;
		pat->slen = t->len;
		return 0;
	case T_UPPER:
		if ((pat->name = ps_dotted(p, &pat->sp, 1)) == NULL)
			return -1;
		pat->kind = strcmp(pat->name, "Optional") == 0 ? P_SOME : P_CTOR;
		if (ps_kind(p, 0) == T_LOWER) {
			pat->binder = ps_peek(p)->text;
			pat->binder_sp = ps_next(p)->sp;
			if (strcmp(pat->binder, "_") == 0)
				pat->binder = NULL;
		} else if (pat->kind == P_SOME) {
			ps_expected(p, "a name for the value inside the Optional");
			return -1;
		}
		return 0;
	default:
		ps_expected(p, "a pattern (a constructor, literal, name or _)");
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
	if (ps_expect(p, T_ARROW, "'->' after the pattern") == NULL)
		return -1;
	if ((a->body = ps_body(p)) == NULL)
		return -1;
	vec_push(&p->c->arena, alts, a);
	return 0;
}

/* case e of | p -> e ... (alternatives on one line or one a line in a block). */
static struct expr *
parse_case(struct parser *p)
{
	struct expr *e = expr_new(p->c, E_CASE, &ps_next(p)->sp);
	struct vec alts = { 0 };

	if ((e->u.kase.subject = ps_expr(p)) == NULL)
		return NULL;
	if (ps_expect(p, T_OF, "'of' after the case subject") == NULL)
		return NULL;
	if (ps_block_follows(p)) {
		ps_next(p);
		ps_next(p);
		while (!ps_accept(p, T_DEDENT)) {
			if (ps_expect(p, T_BAR, "'|' and an alternative") == NULL)
				return NULL;
			if (parse_alt(p, &alts) < 0 || ps_end_line(p) < 0)
				return NULL;
		}
	} else {
		if (ps_kind(p, 0) != T_BAR)
			return ps_expected(p, "'|' and an alternative");
		while (ps_accept(p, T_BAR))
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
	if (ps_accept(p, k))
		return 1;
	if (ps_kind(p, 0) == T_NEWLINE && ps_kind(p, 1) == k) {
		ps_next(p);
		ps_next(p);
		return 1;
	}
	if (!*indented && ps_block_follows(p) && ps_kind(p, 2) == k) {
		ps_next(p);
		ps_next(p);
		ps_next(p);
		*indented = 1;
		return 1;
	}
	return 0;
}

/* if c then a else b (then/else may start continuation lines). */
static struct expr *
parse_if(struct parser *p)
{
	struct expr *e = expr_new(p->c, E_IF, &ps_next(p)->sp);
	int indented = 0;

	if ((e->u.cond.cond = ps_expr(p)) == NULL)
		return NULL;
	if (!continues(p, T_THEN, &indented))
		return ps_expected(p, "'then'");
	if ((e->u.cond.then = ps_body(p)) == NULL)
		return NULL;
	if (!continues(p, T_ELSE, &indented))
		return ps_expected(p, "'else'");
	if ((e->u.cond.els = ps_body(p)) == NULL)
		return NULL;
	if (indented && (ps_end_line(p) < 0 || ps_expect(p, T_DEDENT, "the end of the block") == NULL))
		return NULL;
	e->sp = span_join(&e->sp, &e->u.cond.els->sp);
	return e;
}

/* fun(x: T) -> R: body */
static struct expr *
parse_lambda(struct parser *p)
{
	struct expr *e = expr_new(p->c, E_LAMBDA, &ps_next(p)->sp);

	if (ps_params(p, &e->u.lambda.params, &e->u.lambda.n, 1) < 0)
		return NULL;
	if (ps_accept(p, T_ARROW) && (e->u.lambda.ret = ps_type(p)) == NULL)
		return NULL;
	if (ps_expect(p, T_COLON, "':' and the function's body") == NULL)
		return NULL;
	if ((e->u.lambda.body = ps_body(p)) == NULL)
		return NULL;
	e->sp = span_join(&e->sp, &e->u.lambda.body->sp);
	return e;
}

/* Prefix operators, if, case and fun, then an atom with its postfix forms. */
static struct expr *
parse_unary(struct parser *p)
{
	const struct token *t = ps_peek(p);
	struct expr *e, *inner;

	if (ps_enter(p) < 0)
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
		ps_next(p);
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

	while (l != NULL && (prec = precedence(ps_kind(p, 0), &right)) >= min) {
		const struct token *op = ps_next(p);
		struct expr *r, *e;

		if (ps_enter(p) < 0)
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
		if (prec == 3 && precedence(ps_kind(p, 0), &right) == 3) {
			lwc_error(p->c, &ps_peek(p)->sp, "comparisons do not chain");
			lwc_hint(p->c, "write a < b && b < c");
			return NULL;
		}
	}
	return l;
}

/* An expression. */
struct expr *
ps_expr(struct parser *p)
{
	return parse_binary(p, 1);
}

/* `let [Type] name: value` inside a block. */
static int
parse_let(struct parser *p, struct vec *lets)
{
	struct let *l = arena_zalloc(&p->c->arena, sizeof(*l));

	ps_next(p);
	if (ps_kind(p, 0) != T_LOWER || ps_kind(p, 1) != T_COLON)
		if ((l->annot = ps_type(p)) == NULL)
			return -1;
	if (ps_kind(p, 0) != T_LOWER) {
		ps_expected(p, "the name to bind");
		return -1;
	}
	l->name = ps_peek(p)->text;
	l->sp = ps_next(p)->sp;
	if (ps_expect(p, T_COLON, "':' after the name") == NULL)
		return -1;
	if ((l->value = ps_body(p)) == NULL || ps_end_line(p) < 0)
		return -1;
	vec_push(&p->c->arena, lets, l);
	return 0;
}

/* A value: an expression on this line, or an indented block holding either `name: value` lines
 * (a record) or `let` lines followed by the result. */
struct expr *
ps_body(struct parser *p)
{
	struct vec lets = { 0 };
	struct expr *e, *r;

	if (!ps_block_follows(p))
		return ps_expr(p);
	if (ps_kind(p, 2) == T_LOWER && ps_kind(p, 3) == T_COLON)
		return parse_record_block(p);
	ps_next(p);
	ps_next(p);
	while (ps_kind(p, 0) == T_LET)
		if (parse_let(p, &lets) < 0)
			return NULL;
	if ((r = ps_expr(p)) == NULL || ps_end_line(p) < 0)
		return NULL;
	if (ps_expect(p, T_DEDENT, "the end of the block (the result is its last line)") == NULL)
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

