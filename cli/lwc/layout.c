/* layout.c: indentation into NEWLINE, INDENT and DEDENT tokens; brackets suspend it. */
#include "config.h"

#include <string.h>

#include "lwc.h"

#define MAX_NEST 256

/* Appends a copy of t, or a synthetic token of kind k: a NEWLINE sits just after the previous
 * token (where "expected ..., found end of line" should point), INDENT and DEDENT at t. */
static void
emit(struct tokens *out, const struct token *t, enum tok k)
{
	struct token *n;

	if (out->n == out->cap) {
		out->cap = out->cap ? out->cap * 2 : 256;
		out->v = fg_realloc(out->v, out->cap * sizeof(*out->v));
	}
	n = &out->v[out->n++];
	*n = *t;
	if (k == t->kind)
		return;
	n->kind = k;
	n->text = NULL;
	n->sp.len = 0;
	if (k == T_NEWLINE && out->n > 1) {
		const struct token *prev = &out->v[out->n - 2];
		const char *s = prev->sp.src->text + prev->sp.off;
		uint32_t i;

		n->sp = prev->sp;
		n->sp.off += prev->sp.len;
		n->sp.len = 0;
		for (i = 0; i < prev->sp.len; i++)
			if (((unsigned char)s[i] & 0xc0) != 0x80)
				n->sp.col++;
	}
}

/* 1 when the line so far ends with a binary operator: the next line continues it. (Not < and
 * >, which also close type arguments: Optional<Int>.) */
static int
continues_line(const struct tokens *out)
{
	if (out->n == 0)
		return 0;
	switch (out->v[out->n - 1].kind) {
	case T_PLUSPLUS:
	case T_PLUS:
	case T_MINUS:
	case T_STAR:
	case T_SLASH:
	case T_PERCENT:
	case T_EQ:
	case T_NE:
	case T_LE:
	case T_GE:
	case T_AND:
	case T_OR:
	case T_DEFAULT:
		return 1;
	default:
		return 0;
	}
}

/* 1 when col is the column of one of the open blocks. */
static int
known_level(const uint32_t *stack, size_t depth, uint32_t col)
{
	size_t i;

	for (i = 0; i < depth; i++)
		if (stack[i] == col)
			return 1;
	return 0;
}

/* Rewrites the lexer's tokens with layout tokens. */
int
layout(struct lwc *c, const struct tokens *in, struct tokens *out)
{
	uint32_t stack[MAX_NEST];
	const struct token *open[MAX_NEST];
	size_t depth = 1, nopen = 0, i;

	stack[0] = 1;
	for (i = 0; i < in->n; i++) {
		const struct token *t = &in->v[i];
		uint32_t col = t->kind == T_EOF ? 1 : t->sp.col;

		if (t->bol && nopen == 0 && !continues_line(out)) {
			if (out->n == 0 && col != 1 && t->kind != T_EOF) {
				lwc_error(c, &t->sp, "the first line of a file must not be indented");
				return -1;
			}
			if (out->n > 0 && out->v[out->n - 1].kind != T_NEWLINE)
				emit(out, t, T_NEWLINE);
			if (col > stack[depth - 1]) {
				if (depth == MAX_NEST) {
					lwc_error(c, &t->sp, "blocks nested too deeply");
					return -1;
				}
				stack[depth++] = col;
				emit(out, t, T_INDENT);
			}
			if (col < stack[depth - 1] && !known_level(stack, depth, col)) {
				struct fg_buf b;
				size_t k;

				fg_buf_init(&b);
				for (k = 0; k < depth; k++)
					fg_buf_addf(&b, "%s%u", k == 0 ? "" : k + 1 == depth ?
					    " or " : ", ", stack[k]);
				lwc_error(c, &t->sp, "inconsistent indentation");
				lwc_hint(c, "this line starts in column %u; the enclosing blocks "
				    "start in column %s", col, b.data);
				fg_buf_free(&b);
				return -1;
			}
			while (col < stack[depth - 1]) {
				depth--;
				emit(out, t, T_DEDENT);
			}
		}
		switch (t->kind) {
		case T_LPAREN:
		case T_LBRACKET:
		case T_LBRACE:
			if (nopen == MAX_NEST) {
				lwc_error(c, &t->sp, "brackets nested too deeply");
				return -1;
			}
			open[nopen++] = t;
			break;
		case T_RPAREN:
		case T_RBRACKET:
		case T_RBRACE:
			if (nopen > 0)
				nopen--;
			break;
		case T_EOF:
			if (nopen > 0) {
				lwc_error(c, &open[nopen - 1]->sp, "unclosed '%s'",
				    tok_name(open[nopen - 1]->kind));
				lwc_hint(c, "the file ends before the matching bracket");
				return -1;
			}
			break;
		default:
			break;
		}
		emit(out, t, t->kind);
	}
	return 0;
}
