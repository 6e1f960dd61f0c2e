/* ddb_expr.c: the syntax of DynamoDB expressions: a lexer and recursive-descent parsers for
 * condition (also filter and key condition), update and projection expressions. The trees
 * they build are checked and resolved against the request's names and values in ddb_check.c. */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "ddb.h"

enum tok_kind {
	T_EOF, T_IDENT, T_NAME, T_VALUE, T_NUMBER, T_LPAREN, T_RPAREN, T_LBRACK, T_RBRACK,
	T_DOT, T_COMMA, T_EQ, T_NE, T_LT, T_LE, T_GT, T_GE, T_PLUS, T_MINUS, T_OTHER,
};

struct tok {
	enum tok_kind k;
	size_t start, end;
};

struct parser {
	const char *src;
	size_t len;
	struct tok *t;
	size_t nt;
	size_t pos;
	size_t fail;          /* furthest token a syntax error was found at */
	int depth;
	enum { MODE_CONDITION, MODE_UPDATE, MODE_PROJECTION } mode; /* which words are keywords */
};

/* Tells whether c may continue an identifier, #name or :value. */
static int
ident_char(int c)
{
	return isalnum(c) || c == '_';
}

/* Splits the source into tokens (the last one is T_EOF). */
static void
lex(struct parser *p)
{
	size_t i = 0, cap = 16;

	p->t = fg_malloc(cap * sizeof(*p->t));
	p->nt = 0;
	for (;;) {
		struct tok tk;
		unsigned char c;

		while (i < p->len && (p->src[i] == ' ' || p->src[i] == '\t' || p->src[i] == '\r' ||
		    p->src[i] == '\n'))
			i++;
		tk.start = i;
		if (p->nt == cap) {
			cap *= 2;
			p->t = fg_realloc(p->t, cap * sizeof(*p->t));
		}
		if (i >= p->len) {
			tk.k = T_EOF;
			tk.end = i;
			p->t[p->nt++] = tk;
			return;
		}
		c = (unsigned char)p->src[i++];
		if (isalpha(c) || c == '_') {
			tk.k = T_IDENT;
			while (i < p->len && ident_char((unsigned char)p->src[i]))
				i++;
		} else if (c == '#' || c == ':') {
			tk.k = c == '#' ? T_NAME : T_VALUE;
			while (i < p->len && ident_char((unsigned char)p->src[i]))
				i++;
		} else if (isdigit(c)) {
			tk.k = T_NUMBER;
			while (i < p->len && isdigit((unsigned char)p->src[i]))
				i++;
		} else if (c == '<' && i < p->len && (p->src[i] == '=' || p->src[i] == '>')) {
			tk.k = p->src[i++] == '=' ? T_LE : T_NE;
		} else if (c == '>' && i < p->len && p->src[i] == '=') {
			tk.k = T_GE;
			i++;
		} else {
			const char *ops = "()[].,=<>+-";
			const char *at = c ? strchr(ops, c) : NULL;
			static const enum tok_kind kinds[] = { T_LPAREN, T_RPAREN, T_LBRACK, T_RBRACK,
				T_DOT, T_COMMA, T_EQ, T_LT, T_GT, T_PLUS, T_MINUS };

			tk.k = at ? kinds[at - ops] : T_OTHER;
			/* A non-ASCII character is one token, all its UTF-8 bytes. */
			while (c >= 0x80 && i < p->len && ((unsigned char)p->src[i] & 0xc0) == 0x80)
				i++;
		}
		tk.end = i;
		p->t[p->nt++] = tk;
	}
}

/* The current token. */
static const struct tok *
cur(struct parser *p)
{
	return &p->t[p->pos];
}

/* Records a syntax error at the current token; returns NULL for the caller to pass up. */
static void *
fail(struct parser *p)
{
	if (p->pos > p->fail)
		p->fail = p->pos;
	return NULL;
}

/* Consumes the current token if it has kind k. */
static int
accept(struct parser *p, enum tok_kind k)
{
	if (cur(p)->k != k)
		return 0;
	p->pos++;
	return 1;
}

/* Tells whether the token is the identifier kw (case-insensitively). */
static int
tok_is(struct parser *p, const struct tok *t, const char *kw)
{
	size_t n = strlen(kw);

	return t->k == T_IDENT && t->end - t->start == n && strncasecmp(p->src + t->start, kw, n) == 0;
}

/* Tells whether an identifier is a keyword of the expression being parsed. */
static int
is_keyword(struct parser *p, const struct tok *t)
{
	static const char *const cond[] = { "AND", "OR", "NOT", "BETWEEN", "IN" };
	static const char *const upd[] = { "SET", "REMOVE", "ADD", "DELETE" };

	for (size_t i = 0; i < FG_ARRAY_LEN(cond); i++)
		if (p->mode == MODE_CONDITION && tok_is(p, t, cond[i]))
			return 1;
	for (size_t i = 0; i < FG_ARRAY_LEN(upd); i++)
		if (p->mode == MODE_UPDATE && tok_is(p, t, upd[i]))
			return 1;
	return 0;
}

/* A copy of the token's text. */
static char *
tok_text(struct parser *p, const struct tok *t)
{
	return fg_strndup(p->src + t->start, t->end - t->start);
}

/* Frees a path's elements. */
void
ddb_path_free(struct ddb_path *path)
{
	for (size_t i = 0; i < path->n; i++)
		free(path->e[i].name);
	free(path->e);
	path->e = NULL;
	path->n = 0;
}

/* Frees a node tree. */
void
ddb_node_free(struct ddb_node *n)
{
	if (n == NULL)
		return;
	for (size_t i = 0; i < n->nargs; i++)
		ddb_node_free(n->args[i]);
	free(n->args);
	free(n->name);
	ddb_path_free(&n->path);
	free(n);
}

/* A new node of kind op. */
static struct ddb_node *
node_new(enum ddb_op op)
{
	struct ddb_node *n = fg_calloc(1, sizeof(*n));

	n->op = op;
	return n;
}

/* Appends an argument to a node. */
static void
node_add(struct ddb_node *n, struct ddb_node *arg)
{
	n->args = fg_realloc(n->args, (n->nargs + 1) * sizeof(*n->args));
	n->args[n->nargs++] = arg;
}

/* A node with two or three arguments. */
static struct ddb_node *
node_op(enum ddb_op op, struct ddb_node *a, struct ddb_node *b, struct ddb_node *c)
{
	struct ddb_node *n = node_new(op);

	node_add(n, a);
	if (b)
		node_add(n, b);
	if (c)
		node_add(n, c);
	return n;
}

/* Appends an element to a path. */
static void
path_add(struct ddb_path *path, char *name, long index)
{
	path->e = fg_realloc(path->e, (path->n + 1) * sizeof(*path->e));
	path->e[path->n].name = name;
	path->e[path->n].index = index;
	path->n++;
}

/* path := (ident | #name) ('.' (ident | #name) | '[' digits ']')* */
static int
parse_path(struct parser *p, struct ddb_path *path)
{
	memset(path, 0, sizeof(*path));
	if ((cur(p)->k != T_IDENT || is_keyword(p, cur(p))) && cur(p)->k != T_NAME) {
		fail(p);
		return -1;
	}
	path_add(path, tok_text(p, cur(p)), 0);
	p->pos++;
	for (;;) {
		if (accept(p, T_DOT)) {
			if ((cur(p)->k != T_IDENT || is_keyword(p, cur(p))) && cur(p)->k != T_NAME)
				break;
			path_add(path, tok_text(p, cur(p)), 0);
			p->pos++;
		} else if (accept(p, T_LBRACK)) {
			const struct tok *t = cur(p);
			long ix = 0;

			if (t->k != T_NUMBER)
				break;
			for (size_t i = t->start; i < t->end; i++)
				ix = ix > 100000000 ? ix : ix * 10 + (p->src[i] - '0');
			p->pos++;
			if (!accept(p, T_RBRACK))
				break;
			path_add(path, NULL, ix);
		} else {
			return 0;
		}
	}
	fail(p);
	ddb_path_free(path);
	return -1;
}

static struct ddb_node *parse_operand(struct parser *);

/* Enters one level of nesting; fails past the limit. */
static int
enter(struct parser *p)
{
	if (++p->depth > DDB_MAX_EXPR_DEPTH) {
		p->depth--;
		fail(p);
		return -1;
	}
	return 0;
}

/* args := operand (',' operand)* ')' ; appended to n. */
static int
parse_args(struct parser *p, struct ddb_node *n)
{
	do {
		struct ddb_node *a = parse_operand(p);

		if (a == NULL)
			return -1;
		node_add(n, a);
	} while (accept(p, T_COMMA));
	if (!accept(p, T_RPAREN)) {
		fail(p);
		return -1;
	}
	return 0;
}

/* operand := '(' operand ')' | :value | name '(' args | path */
static struct ddb_node *
parse_operand(struct parser *p)
{
	struct ddb_node *n;

	if (cur(p)->k == T_LPAREN) {
		if (enter(p) < 0)
			return NULL;
		p->pos++;
		n = parse_operand(p);
		p->depth--;
		if (n == NULL)
			return NULL;
		if (!accept(p, T_RPAREN)) {
			ddb_node_free(n);
			return fail(p);
		}
		n->parens++;
		return n;
	}
	if (cur(p)->k == T_VALUE) {
		n = node_new(DDB_OP_VALUE);
		n->name = tok_text(p, cur(p));
		p->pos++;
		return n;
	}
	if (cur(p)->k == T_IDENT && !is_keyword(p, cur(p)) && p->t[p->pos + 1].k == T_LPAREN) {
		if (enter(p) < 0)
			return NULL;
		n = node_new(DDB_OP_CALL);
		n->name = tok_text(p, cur(p));
		p->pos += 2;
		if (parse_args(p, n) < 0) {
			p->depth--;
			ddb_node_free(n);
			return NULL;
		}
		p->depth--;
		return n;
	}
	n = node_new(DDB_OP_PATH);
	if (parse_path(p, &n->path) < 0) {
		ddb_node_free(n);
		return NULL;
	}
	return n;
}

/* The comparison operator of the current token, or -1. */
static int
comparator(struct parser *p)
{
	switch (cur(p)->k) {
	case T_EQ: return DDB_OP_EQ;
	case T_NE: return DDB_OP_NE;
	case T_LT: return DDB_OP_LT;
	case T_LE: return DDB_OP_LE;
	case T_GT: return DDB_OP_GT;
	case T_GE: return DDB_OP_GE;
	default: return -1;
	}
}

/* Tells whether the current token continues an operand into a comparison. */
static int
at_comparison(struct parser *p)
{
	return comparator(p) >= 0 || tok_is(p, cur(p), "BETWEEN") || tok_is(p, cur(p), "IN");
}

/* comparison := operand (cmp operand | BETWEEN operand AND operand | IN '(' args) | call */
static struct ddb_node *
parse_comparison(struct parser *p)
{
	struct ddb_node *a, *b, *c, *n;
	int op;

	if ((a = parse_operand(p)) == NULL)
		return NULL;
	if ((op = comparator(p)) >= 0) {
		p->pos++;
		if ((b = parse_operand(p)) == NULL) {
			ddb_node_free(a);
			return NULL;
		}
		return node_op((enum ddb_op)op, a, b, NULL);
	}
	if (tok_is(p, cur(p), "BETWEEN")) {
		p->pos++;
		if ((b = parse_operand(p)) == NULL) {
			ddb_node_free(a);
			return NULL;
		}
		if (!tok_is(p, cur(p), "AND")) {
			fail(p);
			ddb_node_free(a);
			ddb_node_free(b);
			return NULL;
		}
		p->pos++;
		if ((c = parse_operand(p)) == NULL) {
			ddb_node_free(a);
			ddb_node_free(b);
			return NULL;
		}
		return node_op(DDB_OP_BETWEEN, a, b, c);
	}
	if (tok_is(p, cur(p), "IN")) {
		p->pos++;
		n = node_op(DDB_OP_IN, a, NULL, NULL);
		if (!accept(p, T_LPAREN) || parse_args(p, n) < 0) {
			fail(p);
			ddb_node_free(n);
			return NULL;
		}
		return n;
	}
	if (a->op == DDB_OP_CALL)
		return a; /* a function used as a condition: checked later */
	ddb_node_free(a);
	return fail(p);
}

static struct ddb_node *parse_or(struct parser *);

/* primary := '(' or ')' | comparison; a parenthesised operand is tried when the first fails. */
static struct ddb_node *
parse_primary(struct parser *p)
{
	size_t start = p->pos;
	struct ddb_node *n;

	if (cur(p)->k == T_LPAREN) {
		if (enter(p) < 0)
			return NULL;
		p->pos++;
		n = parse_or(p);
		p->depth--;
		if (n != NULL && accept(p, T_RPAREN) && !at_comparison(p)) {
			n->parens++;
			return n;
		}
		ddb_node_free(n);
		p->pos = start;
	}
	return parse_comparison(p);
}

/* not := NOT not | primary */
static struct ddb_node *
parse_not(struct parser *p)
{
	struct ddb_node *n;

	if (!tok_is(p, cur(p), "NOT"))
		return parse_primary(p);
	if (enter(p) < 0)
		return NULL;
	p->pos++;
	n = parse_not(p);
	p->depth--;
	return n ? node_op(DDB_OP_NOT, n, NULL, NULL) : NULL;
}

/* and := not (AND not)* */
static struct ddb_node *
parse_and(struct parser *p)
{
	struct ddb_node *l = parse_not(p), *r;

	while (l != NULL && tok_is(p, cur(p), "AND")) {
		p->pos++;
		if ((r = parse_not(p)) == NULL) {
			ddb_node_free(l);
			return NULL;
		}
		l = node_op(DDB_OP_AND, l, r, NULL);
	}
	return l;
}

/* or := and (OR and)* */
static struct ddb_node *
parse_or(struct parser *p)
{
	struct ddb_node *l = parse_and(p), *r;

	while (l != NULL && tok_is(p, cur(p), "OR")) {
		p->pos++;
		if ((r = parse_and(p)) == NULL) {
			ddb_node_free(l);
			return NULL;
		}
		l = node_op(DDB_OP_OR, l, r, NULL);
	}
	return l;
}

/* Sets up a parser over src; -1 with the message for an empty or oversized expression. */
static int
parser_init(struct parser *p, const char *what, const char *src, int mode, char **err)
{
	memset(p, 0, sizeof(*p));
	p->src = src;
	p->len = strlen(src);
	p->mode = mode;
	if (p->len == 0) {
		*err = fg_printf("Invalid %s: The expression can not be empty;", what);
		return -1;
	}
	if (p->len > DDB_MAX_EXPR_LEN) {
		*err = fg_printf("Invalid %s: Expression size has exceeded the maximum allowed size; "
		    "expression size: %zu", what, p->len);
		return -1;
	}
	lex(p);
	return 0;
}

/* The DynamoDB syntax error message: the token, and the text from the previous token to the
 * next one. */
static char *
syntax_error(struct parser *p, const char *what)
{
	const struct tok *t = &p->t[p->fail];
	size_t from = p->fail > 0 ? p->t[p->fail - 1].start : t->start;
	size_t to = p->fail + 1 < p->nt ? p->t[p->fail + 1].end : t->end;
	char *tok = t->k == T_EOF ? fg_strdup("<EOF>") : tok_text(p, t);
	char *msg;

	if (t->k == T_EOF)
		to = t->end;
	msg = fg_printf("Invalid %s: Syntax error; token: \"%s\", near: \"%.*s\"", what, tok,
	    (int)(to - from), p->src + from);
	free(tok);
	return msg;
}

/* Parses a condition; checks and resolves it against the context. */
struct ddb_node *
ddb_parse_condition(struct ddb_ctx *ctx, const char *what, const char *src, char **err)
{
	struct parser p;
	struct ddb_node *n;

	if (parser_init(&p, what, src, MODE_CONDITION, err) < 0)
		return NULL;
	n = parse_or(&p);
	if (n != NULL && cur(&p)->k != T_EOF) {
		fail(&p);
		ddb_node_free(n);
		n = NULL;
	}
	if (n == NULL)
		*err = syntax_error(&p, what);
	free(p.t);
	if (n != NULL && ddb_check_condition(ctx, what, n, err) < 0) {
		ddb_node_free(n);
		return NULL;
	}
	return n;
}

/* Frees an update expression. */
void
ddb_update_free(struct ddb_update *u)
{
	if (u == NULL)
		return;
	for (size_t i = 0; i < u->n; i++) {
		ddb_path_free(&u->a[i].path);
		ddb_node_free(u->a[i].value);
	}
	free(u->a);
	free(u);
}

/* set-value := '(' operand (+|-) operand ')' | operand ((+|-) operand)? */
static struct ddb_node *
parse_set_value(struct parser *p)
{
	size_t start = p->pos;
	struct ddb_node *a, *b;
	enum ddb_op op;

	if (cur(p)->k == T_LPAREN) {
		if (enter(p) < 0)
			return NULL;
		p->pos++;
		a = parse_set_value(p);
		p->depth--;
		if (a != NULL && (a->op == DDB_OP_PLUS || a->op == DDB_OP_MINUS) && accept(p, T_RPAREN))
			return a;
		ddb_node_free(a);
		p->pos = start;
	}
	if ((a = parse_operand(p)) == NULL)
		return NULL;
	if (cur(p)->k != T_PLUS && cur(p)->k != T_MINUS)
		return a;
	op = cur(p)->k == T_PLUS ? DDB_OP_PLUS : DDB_OP_MINUS;
	p->pos++;
	if ((b = parse_operand(p)) == NULL) {
		ddb_node_free(a);
		return NULL;
	}
	return node_op(op, a, b, NULL);
}

/* One action of a section: SET path = value, REMOVE path, ADD/DELETE path :value. */
static int
parse_action(struct parser *p, struct ddb_update *u, enum ddb_action_kind kind)
{
	struct ddb_action a = { .kind = kind };

	if (parse_path(p, &a.path) < 0)
		return -1;
	if (kind == DDB_SET) {
		if (!accept(p, T_EQ) || (a.value = parse_set_value(p)) == NULL) {
			fail(p);
			ddb_path_free(&a.path);
			return -1;
		}
	} else if (kind != DDB_REMOVE) {
		if (cur(p)->k != T_VALUE) {
			fail(p);
			ddb_path_free(&a.path);
			return -1;
		}
		a.value = node_new(DDB_OP_VALUE);
		a.value->name = tok_text(p, cur(p));
		p->pos++;
	}
	u->a = fg_realloc(u->a, (u->n + 1) * sizeof(*u->a));
	u->a[u->n++] = a;
	return 0;
}

/* update := (SET|REMOVE|ADD|DELETE action (',' action)*)+ */
static int
parse_sections(struct parser *p, struct ddb_update *u)
{
	static const char *const kw[] = { [DDB_SET] = "SET", [DDB_REMOVE] = "REMOVE",
		[DDB_ADD] = "ADD", [DDB_DELETE] = "DELETE" };
	int seen[DDB_DELETE + 1] = { 0 };

	do {
		int kind = -1;

		for (int k = DDB_SET; k <= DDB_DELETE; k++)
			if (tok_is(p, cur(p), kw[k]))
				kind = k;
		if (kind < 0) {
			fail(p);
			return -1;
		}
		if (seen[kind]++ && u->dup_section == NULL)
			u->dup_section = kw[kind];
		p->pos++;
		do {
			if (parse_action(p, u, (enum ddb_action_kind)kind) < 0)
				return -1;
		} while (accept(p, T_COMMA));
	} while (cur(p)->k != T_EOF);
	return 0;
}

/* Parses an update expression; checks and resolves it against the context. */
struct ddb_update *
ddb_parse_update(struct ddb_ctx *ctx, const char *src, char **err)
{
	struct parser p;
	struct ddb_update *u;

	if (parser_init(&p, "UpdateExpression", src, MODE_UPDATE, err) < 0)
		return NULL;
	u = fg_calloc(1, sizeof(*u));
	if (parse_sections(&p, u) < 0) {
		*err = syntax_error(&p, "UpdateExpression");
		ddb_update_free(u);
		u = NULL;
	}
	free(p.t);
	if (u != NULL && ddb_check_update(ctx, u, err) < 0) {
		ddb_update_free(u);
		return NULL;
	}
	return u;
}

/* Frees a projection. */
void
ddb_proj_free(struct ddb_proj *pr)
{
	if (pr == NULL)
		return;
	for (size_t i = 0; i < pr->n; i++)
		ddb_path_free(&pr->p[i]);
	free(pr->p);
	free(pr);
}

/* Parses a projection expression: path (',' path)*. */
struct ddb_proj *
ddb_parse_projection(struct ddb_ctx *ctx, const char *src, char **err)
{
	struct parser p;
	struct ddb_proj *pr;
	int ok = 1;

	if (parser_init(&p, "ProjectionExpression", src, MODE_PROJECTION, err) < 0)
		return NULL;
	pr = fg_calloc(1, sizeof(*pr));
	do {
		struct ddb_path path;

		if (parse_path(&p, &path) < 0) {
			ok = 0;
			break;
		}
		pr->p = fg_realloc(pr->p, (pr->n + 1) * sizeof(*pr->p));
		pr->p[pr->n++] = path;
	} while (accept(&p, T_COMMA));
	if (ok && cur(&p)->k != T_EOF) {
		fail(&p);
		ok = 0;
	}
	if (!ok) {
		*err = syntax_error(&p, "ProjectionExpression");
		ddb_proj_free(pr);
		pr = NULL;
	}
	free(p.t);
	if (pr != NULL && ddb_check_projection(ctx, pr, err) < 0) {
		ddb_proj_free(pr);
		return NULL;
	}
	return pr;
}

/* A path as DynamoDB prints it in messages: "[a, b, [2]]". */
char *
ddb_path_str(const struct ddb_path *path)
{
	struct fg_buf b;

	fg_buf_init(&b);
	fg_buf_addc(&b, '[');
	for (size_t i = 0; i < path->n; i++) {
		if (i > 0)
			fg_buf_addstr(&b, ", ");
		if (path->e[i].name)
			fg_buf_addstr(&b, path->e[i].name);
		else
			fg_buf_addf(&b, "[%ld]", path->e[i].index);
	}
	fg_buf_addc(&b, ']');
	return fg_buf_detach(&b);
}
