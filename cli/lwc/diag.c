/* diag.c: diagnostics: file:line:col, the quoted line with a caret under the span, hints. */
#include "config.h"

#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "lwc.h"

#define C_BOLD "\033[1m"
#define C_ERROR "\033[1;31m"
#define C_WARN "\033[1;35m"
#define C_CARET "\033[1;32m"
#define C_HINT "\033[1;36m"
#define C_RESET "\033[0m"

/* Registers a source file and indexes its lines; text must be NUL-terminated at len. */
struct source *
source_new(struct lwc *c, const char *path, char *text, size_t len)
{
	struct source *s = arena_zalloc(&c->arena, sizeof(*s));
	size_t i, n = 1;

	s->path = arena_strdup(&c->arena, path);
	s->text = text;
	s->len = len;
	for (i = 0; i < len; i++)
		if (text[i] == '\n')
			n++;
	s->lines = arena_alloc(&c->arena, n * sizeof(*s->lines));
	s->lines[0] = 0;
	s->nlines = 1;
	for (i = 0; i < len; i++)
		if (text[i] == '\n')
			s->lines[s->nlines++] = i + 1;
	vec_push(&c->arena, &c->sources, s);
	return s;
}

/* A span covering a through b (same file). */
struct span
span_join(const struct span *a, const struct span *b)
{
	struct span r = *a;

	if (b->src == a->src && b->off + b->len > a->off)
		r.len = b->off + b->len - a->off;
	return r;
}

/* Number of UTF-8 characters in s[0..n). */
static size_t
utf8_chars(const char *s, size_t n)
{
	size_t i, k = 0;

	for (i = 0; i < n; i++)
		if (((unsigned char)s[i] & 0xc0) != 0x80)
			k++;
	return k;
}

/* Prints the line of sp with a caret line under the span. */
static void
quote(struct lwc *c, const struct span *sp)
{
	const struct source *s = sp->src;
	const char *line, *end;
	size_t start, width, pad, i, n;
	char num[24];

	if (sp->line == 0 || sp->line > s->nlines)
		return;
	start = s->lines[sp->line - 1];
	line = s->text + start;
	end = memchr(line, '\n', s->len - start);
	if (end == NULL)
		end = s->text + s->len;
	if (end > line && end[-1] == '\r')
		end--;
	snprintf(num, sizeof(num), "%u", sp->line);
	width = strlen(num) > 5 ? strlen(num) : 5;
	fprintf(c->diag, "%*s | ", (int)width, num);
	for (i = 0; line + i < end; i++)
		fputc(line[i] == '\t' ? ' ' : line[i], c->diag);
	fputc('\n', c->diag);
	pad = sp->off >= start ? utf8_chars(line, sp->off - start) : 0;
	if (sp->off + sp->len <= (size_t)(end - s->text))
		n = utf8_chars(s->text + sp->off, sp->len);
	else
		n = sp->off < (size_t)(end - s->text) ? utf8_chars(s->text + sp->off,
		    (size_t)(end - s->text) - sp->off) : 0;
	if (n == 0)
		n = 1;
	fprintf(c->diag, "%*s | %*s%s", (int)width, "", (int)pad, "", c->color ? C_CARET : "");
	for (i = 0; i < n; i++)
		fputc('^', c->diag);
	fprintf(c->diag, "%s\n", c->color ? C_RESET : "");
}

/* Prints one diagnostic: location, label, message and the quoted line. */
static void report(struct lwc *, const struct span *, const char *, const char *, const char *,
    va_list) FG_PRINTF(5, 0);

static void
report(struct lwc *c, const struct span *sp, const char *label, const char *color,
    const char *fmt, va_list ap)
{
	if (sp != NULL && sp->src != NULL)
		fprintf(c->diag, "%s%s:%u:%u:%s ", c->color ? C_BOLD : "", sp->src->path, sp->line,
		    sp->col, c->color ? C_RESET : "");
	else
		fprintf(c->diag, "%slwc:%s ", c->color ? C_BOLD : "", c->color ? C_RESET : "");
	fprintf(c->diag, "%s%s:%s ", c->color ? color : "", label, c->color ? C_RESET : "");
	vfprintf(c->diag, fmt, ap);
	fputc('\n', c->diag);
	if (sp != NULL && sp->src != NULL)
		quote(c, sp);
}

/* Reports an error; returns -1. */
int
lwc_error(struct lwc *c, const struct span *sp, const char *fmt, ...)
{
	va_list ap;

	c->errors++;
	c->suppressed = 0;
	if (sp == NULL || sp->src == NULL)
		c->unlocated++;
	va_start(ap, fmt);
	report(c, sp, "error", C_ERROR, fmt, ap);
	va_end(ap);
	return -1;
}

/* Reports a warning, or an error under --werror; nothing under -w. */
void
lwc_warn(struct lwc *c, const struct span *sp, const char *fmt, ...)
{
	va_list ap;

	if (c->opt->no_warnings) {
		c->suppressed = 1;
		return;
	}
	c->suppressed = 0;
	va_start(ap, fmt);
	if (c->opt->werror) {
		char msg[512];

		c->errors++;
		vsnprintf(msg, sizeof(msg), fmt, ap);
		lwc_error(c, sp, "%s [--werror]", msg);
	} else {
		report(c, sp, "warning", C_WARN, fmt, ap);
	}
	va_end(ap);
}

/* Adds a hint to the last diagnostic. */
void
lwc_hint(struct lwc *c, const char *fmt, ...)
{
	va_list ap;

	if (c->suppressed)
		return;
	fprintf(c->diag, "  %shint:%s ", c->color ? C_HINT : "", c->color ? C_RESET : "");
	va_start(ap, fmt);
	vfprintf(c->diag, fmt, ap);
	va_end(ap);
	fputc('\n', c->diag);
}

/* Edit distance between a and b (both at most 64 characters), ignoring case; swapping two
 * neighbours counts as one edit. */
static size_t
distance(const char *a, const char *b)
{
	size_t la = strlen(a), lb = strlen(b), i, j, d[65][65];

	for (i = 0; i <= la; i++)
		d[i][0] = i;
	for (j = 0; j <= lb; j++)
		d[0][j] = j;
	for (i = 1; i <= la; i++)
		for (j = 1; j <= lb; j++) {
			int same = tolower((unsigned char)a[i - 1]) == tolower((unsigned char)b[j - 1]);
			size_t best = d[i - 1][j - 1] + !same;

			if (d[i - 1][j] + 1 < best)
				best = d[i - 1][j] + 1;
			if (d[i][j - 1] + 1 < best)
				best = d[i][j - 1] + 1;
			if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] &&
			    d[i - 2][j - 2] + 1 < best)
				best = d[i - 2][j - 2] + 1;
			d[i][j] = best;
		}
	if (d[la][lb] == 0 && strcmp(a, b) != 0)
		return 1;
	return d[la][lb];
}

/* The closest candidate to name, when it is close enough to be a likely typo. */
const char *
lwc_suggest(const char *name, const char *const *cands, size_t n)
{
	size_t len = strlen(name), limit = len / 3 > 1 ? len / 3 : 1, best = (size_t)-1, i;
	const char *pick = NULL, *prefix = NULL;

	if (len > 64)
		return NULL;
	for (i = 0; i < n; i++) {
		size_t d;

		if (strcmp(cands[i], name) == 0 || strlen(cands[i]) > 64)
			continue;
		d = distance(name, cands[i]);
		if (d <= limit && d < len && d < best) {
			best = d;
			pick = cands[i];
		}
	}
	for (i = 0; pick == NULL && len >= 3 && i < n; i++)
		if (strncasecmp(cands[i], name, len) == 0 && (prefix == NULL ||
		    strlen(cands[i]) < strlen(prefix)))
			prefix = cands[i]; /* a name cut short: cidr for cidrBlock */
	return pick ? pick : prefix;
}
