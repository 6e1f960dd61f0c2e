/* lexer.c: Ludwig source text into tokens (names, literals, keywords, operators). */
#include "config.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "lwc.h"

struct lexer {
	struct lwc *c;
	const struct source *src;
	const char *s;
	size_t len;
	size_t pos;
	uint32_t line;
	size_t linestart;
	size_t coloff; /* offset whose column is col */
	uint32_t col;
	int bol;
	struct tokens *out;
};

static const struct {
	const char *word;
	enum tok kind;
} keywords[] = {
	{ "as", T_AS },
	{ "case", T_CASE },
	{ "composition", T_COMPOSITION },
	{ "else", T_ELSE },
	{ "False", T_FALSE },
	{ "fun", T_FUN },
	{ "if", T_IF },
	{ "import", T_IMPORT },
	{ "let", T_LET },
	{ "None", T_NONE },
	{ "of", T_OF },
	{ "then", T_THEN },
	{ "True", T_TRUE },
	{ "type", T_TYPE },
	{ "validate", T_VALIDATE },
	{ "with", T_WITH },
};

static const struct {
	const char *text;
	enum tok kind;
} puncts[] = {
	/* two characters first: longest match wins */
	{ "++", T_PLUSPLUS },
	{ "->", T_ARROW },
	{ "==", T_EQ },
	{ "!=", T_NE },
	{ "<=", T_LE },
	{ ">=", T_GE },
	{ "&&", T_AND },
	{ "||", T_OR },
	{ "?|", T_DEFAULT },
	{ "(", T_LPAREN },
	{ ")", T_RPAREN },
	{ "[", T_LBRACKET },
	{ "]", T_RBRACKET },
	{ "{", T_LBRACE },
	{ "}", T_RBRACE },
	{ ",", T_COMMA },
	{ ":", T_COLON },
	{ ".", T_DOT },
	{ "|", T_BAR },
	{ "+", T_PLUS },
	{ "-", T_MINUS },
	{ "*", T_STAR },
	{ "/", T_SLASH },
	{ "%", T_PERCENT },
	{ "<", T_LT },
	{ ">", T_GT },
	{ "!", T_NOT },
};

/* How a token kind is shown in messages. */
const char *
tok_name(enum tok k)
{
	size_t i;

	switch (k) {
	case T_EOF:
		return "end of file";
	case T_NEWLINE:
		return "end of line";
	case T_INDENT:
		return "indented block";
	case T_DEDENT:
		return "end of block";
	case T_LOWER:
		return "name";
	case T_UPPER:
		return "capitalised name";
	case T_INT:
		return "integer";
	case T_FLOAT:
		return "number";
	case T_STRING:
		return "string";
	default:
		break;
	}
	for (i = 0; i < FG_ARRAY_LEN(keywords); i++)
		if (keywords[i].kind == k)
			return keywords[i].word;
	for (i = 0; i < FG_ARRAY_LEN(puncts); i++)
		if (puncts[i].kind == k)
			return puncts[i].text;
	return "?";
}

/* The span of bytes [off, off+len) on the current line. */
static struct span
mkspan(struct lexer *lx, size_t off, size_t len)
{
	struct span sp;
	size_t i;

	if (off < lx->coloff) {
		lx->coloff = lx->linestart;
		lx->col = 1;
	}
	for (i = lx->coloff; i < off; i++)
		if (((unsigned char)lx->s[i] & 0xc0) != 0x80)
			lx->col++;
	lx->coloff = off;
	sp.src = lx->src;
	sp.off = (uint32_t)off;
	sp.len = (uint32_t)len;
	sp.line = lx->line;
	sp.col = lx->col;
	return sp;
}

/* Appends a token. */
static struct token *
push(struct lexer *lx, enum tok kind, size_t off, size_t len)
{
	struct tokens *t = lx->out;
	struct token *tk;

	if (t->n == t->cap) {
		t->cap = t->cap ? t->cap * 2 : 256;
		t->v = fg_realloc(t->v, t->cap * sizeof(*t->v));
	}
	tk = &t->v[t->n++];
	memset(tk, 0, sizeof(*tk));
	tk->kind = kind;
	tk->bol = lx->bol;
	tk->sp = mkspan(lx, off, len);
	lx->bol = 0;
	return tk;
}

/* Reports an error at [off, off+len). */
static int
lex_error(struct lexer *lx, size_t off, size_t len, const char *msg, const char *hint)
{
	struct span sp = mkspan(lx, off, len);

	lwc_error(lx->c, &sp, "%s", msg);
	if (hint != NULL)
		lwc_hint(lx->c, "%s", hint);
	return -1;
}

/* Length of the valid UTF-8 sequence at s (at most n bytes), or 0 when invalid. */
static size_t
utf8_seq(const unsigned char *s, size_t n)
{
	size_t need, i;
	uint32_t cp;

	if (s[0] < 0x80)
		return 1;
	if ((s[0] & 0xe0) == 0xc0) {
		need = 2;
		cp = s[0] & 0x1f;
	} else if ((s[0] & 0xf0) == 0xe0) {
		need = 3;
		cp = s[0] & 0x0f;
	} else if ((s[0] & 0xf8) == 0xf0) {
		need = 4;
		cp = s[0] & 0x07;
	} else
		return 0;
	if (n < need)
		return 0;
	for (i = 1; i < need; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		cp = (cp << 6) | (s[i] & 0x3f);
	}
	if ((need == 2 && cp < 0x80) || (need == 3 && cp < 0x800) || (need == 4 && cp < 0x10000) ||
	    cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
		return 0;
	return need;
}

/* Checks that the whole source is UTF-8 without NUL bytes. */
static int
check_encoding(struct lexer *lx)
{
	size_t i = 0, k;

	while (i < lx->len) {
		if (lx->s[i] == '\n') {
			lx->line++;
			lx->linestart = lx->coloff = i + 1;
			lx->col = 1;
			i++;
			continue;
		}
		if (lx->s[i] == '\0')
			return lex_error(lx, i, 1, "NUL byte in source", NULL);
		k = utf8_seq((const unsigned char *)lx->s + i, lx->len - i);
		if (k == 0)
			return lex_error(lx, i, 1, "invalid UTF-8 in source", "save the file as UTF-8");
		i += k;
	}
	lx->line = 1;
	lx->linestart = lx->coloff = 0;
	lx->col = 1;
	return 0;
}

/* 1 when ch can continue a name. */
static int
name_char(char ch)
{
	return (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9') ||
	    ch == '_';
}

/* Lexes a name or keyword at pos. Names may contain '-' when a letter or digit follows it. */
static void
lex_name(struct lexer *lx)
{
	size_t start = lx->pos, n, i;
	struct token *tk;
	enum tok kind;

	lx->pos++;
	for (;;) {
		if (lx->pos < lx->len && name_char(lx->s[lx->pos]))
			lx->pos++;
		else if (lx->pos + 1 < lx->len && lx->s[lx->pos] == '-' &&
		    name_char(lx->s[lx->pos + 1]) && lx->s[lx->pos + 1] != '_')
			lx->pos += 2;
		else
			break;
	}
	n = lx->pos - start;
	kind = (lx->s[start] >= 'A' && lx->s[start] <= 'Z') ? T_UPPER : T_LOWER;
	for (i = 0; i < FG_ARRAY_LEN(keywords); i++)
		if (strlen(keywords[i].word) == n && memcmp(keywords[i].word, lx->s + start, n) == 0)
			kind = keywords[i].kind;
	tk = push(lx, kind, start, n);
	tk->text = arena_strndup(&lx->c->arena, lx->s + start, n);
}

/* Lexes a number at pos; after a '.', only digits (tuple positions such as t.0.1). */
static int
lex_number(struct lexer *lx, int after_dot)
{
	size_t start = lx->pos;
	int is_float = 0;
	struct token *tk;
	char *tmp;

	while (lx->pos < lx->len && lx->s[lx->pos] >= '0' && lx->s[lx->pos] <= '9')
		lx->pos++;
	if (!after_dot && lx->pos + 1 < lx->len && lx->s[lx->pos] == '.' &&
	    lx->s[lx->pos + 1] >= '0' && lx->s[lx->pos + 1] <= '9') {
		is_float = 1;
		lx->pos++;
		while (lx->pos < lx->len && lx->s[lx->pos] >= '0' && lx->s[lx->pos] <= '9')
			lx->pos++;
	}
	if (!after_dot && lx->pos < lx->len && (lx->s[lx->pos] == 'e' || lx->s[lx->pos] == 'E')) {
		size_t p = lx->pos + 1;

		if (p < lx->len && (lx->s[p] == '+' || lx->s[p] == '-'))
			p++;
		if (p < lx->len && lx->s[p] >= '0' && lx->s[p] <= '9') {
			is_float = 1;
			lx->pos = p;
			while (lx->pos < lx->len && lx->s[lx->pos] >= '0' && lx->s[lx->pos] <= '9')
				lx->pos++;
		}
	}
	if (lx->pos < lx->len && name_char(lx->s[lx->pos])) {
		while (lx->pos < lx->len && name_char(lx->s[lx->pos]))
			lx->pos++;
		return lex_error(lx, start, lx->pos - start, "malformed number",
		    "names start with a letter; numbers are digits such as 42 or 0.5");
	}
	tmp = arena_strndup(&lx->c->arena, lx->s + start, lx->pos - start);
	tk = push(lx, is_float ? T_FLOAT : T_INT, start, lx->pos - start);
	tk->text = tmp;
	errno = 0;
	if (is_float)
		tk->fval = strtod(tmp, NULL);
	else
		tk->ival = strtoll(tmp, NULL, 10);
	if (errno == ERANGE)
		return lex_error(lx, start, lx->pos - start, "number out of range",
		    is_float ? NULL : "integers are 64-bit: -9223372036854775808 to 9223372036854775807");
	return 0;
}

/* Lexes a string literal in double or single quotes, decoding escapes. */
static int
lex_string(struct lexer *lx)
{
	size_t start = lx->pos;
	char q = lx->s[lx->pos++];
	struct fg_buf b;
	struct token *tk;

	fg_buf_init(&b);
	fg_buf_addstr(&b, "");
	for (;;) {
		char ch;

		if (lx->pos >= lx->len || lx->s[lx->pos] == '\n') {
			fg_buf_free(&b);
			return lex_error(lx, start, lx->pos - start, "unterminated string",
			    "close the string on the same line; use \\n for a line break");
		}
		ch = lx->s[lx->pos];
		if (ch == q) {
			lx->pos++;
			break;
		}
		if (ch != '\\') {
			fg_buf_addc(&b, ch);
			lx->pos++;
			continue;
		}
		if (lx->pos + 1 >= lx->len || lx->s[lx->pos + 1] == '\n') {
			fg_buf_free(&b);
			return lex_error(lx, start, lx->pos + 1 - start, "unterminated string", NULL);
		}
		switch (lx->s[lx->pos + 1]) {
		case 'n':
			fg_buf_addc(&b, '\n');
			break;
		case 't':
			fg_buf_addc(&b, '\t');
			break;
		case '"':
		case '\'':
		case '\\':
			fg_buf_addc(&b, lx->s[lx->pos + 1]);
			break;
		default:
			fg_buf_free(&b);
			return lex_error(lx, lx->pos, 2, "unknown escape in string",
			    "the escapes are \\n \\t \\\" \\' and \\\\");
		}
		lx->pos += 2;
	}
	tk = push(lx, T_STRING, start, lx->pos - start);
	tk->text = arena_strndup(&lx->c->arena, b.data, b.len);
	tk->len = b.len;
	fg_buf_free(&b);
	return 0;
}

/* Lexes an operator or bracket at pos. */
static int
lex_punct(struct lexer *lx)
{
	size_t i, n;
	char msg[64];

	for (i = 0; i < FG_ARRAY_LEN(puncts); i++) {
		n = strlen(puncts[i].text);
		if (lx->len - lx->pos >= n && memcmp(lx->s + lx->pos, puncts[i].text, n) == 0) {
			push(lx, puncts[i].kind, lx->pos, n);
			lx->pos += n;
			return 0;
		}
	}
	if (lx->s[lx->pos] == '=')
		return lex_error(lx, lx->pos, 1, "unexpected '='",
		    "bindings are written name: value; equality is ==");
	if ((unsigned char)lx->s[lx->pos] < 0x20 || lx->s[lx->pos] == 0x7f)
		snprintf(msg, sizeof(msg), "unexpected control character 0x%02x",
		    (unsigned char)lx->s[lx->pos]);
	else if ((unsigned char)lx->s[lx->pos] >= 0x80)
		snprintf(msg, sizeof(msg), "unexpected character outside a string");
	else
		snprintf(msg, sizeof(msg), "unexpected character '%c'", lx->s[lx->pos]);
	n = utf8_seq((const unsigned char *)lx->s + lx->pos, lx->len - lx->pos);
	return lex_error(lx, lx->pos, n ? n : 1, msg, NULL);
}

/* Splits the source into tokens, ending with T_EOF. */
int
lex(struct lwc *c, const struct source *src, struct tokens *out)
{
	struct lexer lx = { c, src, src->text, src->len, 0, 1, 0, 0, 1, 1, out };

	if (check_encoding(&lx) < 0)
		return -1;
	while (lx.pos < lx.len) {
		char ch = lx.s[lx.pos];

		if (ch == ' ' || ch == '\r') {
			lx.pos++;
		} else if (ch == '\n') {
			lx.pos++;
			lx.line++;
			lx.linestart = lx.coloff = lx.pos;
			lx.col = 1;
			lx.bol = 1;
		} else if (ch == '\t') {
			return lex_error(&lx, lx.pos, 1, "tab character in source",
			    "Ludwig indents with spaces only; replace the tab with spaces");
		} else if (ch == '#') {
			while (lx.pos < lx.len && lx.s[lx.pos] != '\n')
				lx.pos++;
		} else if ((ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || ch == '_') {
			lex_name(&lx);
		} else if (ch >= '0' && ch <= '9') {
			int after_dot = out->n > 0 && out->v[out->n - 1].kind == T_DOT &&
			    out->v[out->n - 1].sp.off + 1 == lx.pos;

			if (lex_number(&lx, after_dot) < 0)
				return -1;
		} else if (ch == '"' || ch == '\'') {
			if (lex_string(&lx) < 0)
				return -1;
		} else if (lex_punct(&lx) < 0) {
			return -1;
		}
	}
	lx.bol = 1;
	push(&lx, T_EOF, lx.len, 0);
	return 0;
}
