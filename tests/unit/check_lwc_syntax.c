/* check_lwc_syntax.c: unit tests for lwc's lexer, layout and parser. */
#include "config.h"

#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lwc/lwc.h"
#include "lwc_testlib.h"

static struct lwc_options opts;

/* A compiler state whose diagnostics go to a memory stream. */
static void
ctx_init(struct lwc *c, char **diag, size_t *diaglen)
{
	memset(c, 0, sizeof(*c));
	opts.color = LWC_COLOR_NEVER;
	c->opt = &opts;
	c->diag = open_memstream(diag, diaglen);
	ck_assert_ptr_nonnull(c->diag);
}

/* Releases what ctx_init and the stages made (diag: the memory stream's buffer). */
static void
ctx_free(struct lwc *c, char **diag)
{
	size_t i;

	fclose(c->diag);
	free(*diag);
	for (i = 0; i < c->modules.n; i++) {
		symtab_free(&((struct module *)c->modules.v[i])->names);
		symtab_free(&((struct module *)c->modules.v[i])->ctors);
	}
	symtab_free(&c->modtab);
	arena_free(&c->arena);
}

/* Lexes (and lays out when laid) text; returns the kinds as a string of tok_name()s. */
static char *
kinds(const char *text, int laid)
{
	struct lwc c;
	struct tokens raw = { 0 }, out = { 0 };
	struct fg_buf b;
	char *diag = NULL;
	size_t diaglen, i;
	struct source *src;

	ctx_init(&c, &diag, &diaglen);
	src = source_new(&c, "t.lw", arena_strdup(&c.arena, text), strlen(text));
	ck_assert_int_eq(lex(&c, src, &raw), 0);
	if (laid)
		ck_assert_int_eq(layout(&c, &raw, &out), 0);
	fg_buf_init(&b);
	for (i = 0; i < (laid ? out.n : raw.n); i++) {
		const struct token *t = laid ? &out.v[i] : &raw.v[i];

		fg_buf_addf(&b, "%s%s", i ? " " : "", t->kind == T_NEWLINE ? "NL" :
		    t->kind == T_INDENT ? "IN" : t->kind == T_DEDENT ? "DE" : t->kind == T_EOF ? "EOF" :
		    t->text ? t->text : tok_name(t->kind));
	}
	free(raw.v);
	free(out.v);
	ctx_free(&c, &diag);
	return fg_buf_detach(&b);
}

/* Parses text as the root module and returns its first declaration's value. */
static struct expr *
first_value(struct lwc *c, char **diag, const char *text)
{
	struct tokens raw = { 0 }, out = { 0 };
	struct module *m;
	size_t len;
	struct decl *d;

	ctx_init(c, diag, &len);
	m = module_new(c, "");
	m->src = source_new(c, "t.lw", arena_strdup(&c->arena, text), strlen(text));
	ck_assert_int_eq(lex(c, m->src, &raw), 0);
	ck_assert_int_eq(layout(c, &raw, &out), 0);
	ck_assert_int_eq(parse(c, &out, m), 0);
	free(raw.v);
	free(out.v);
	d = m->decls.v[0];
	ck_assert_int_eq(d->kind, D_BINDING);
	return d->u.bind.value;
}

START_TEST(names_numbers_strings)
{
	char *k = kinds("Us-east-1 x-1 a-b->c t.0.1 1.5 2e3 \"a\\tb\" 'it\\'s' # note\n", 0);

	ck_assert_str_eq(k, "Us-east-1 x-1 a-b -> c t . 0 . 1 1.5 2e3 a\tb it's EOF");
	free(k);
	k = kinds("fun f(x: Int) -> Int: x ++ \"y\" ?| z != 1 && !w", 0);
	ck_assert_str_eq(k, "fun f ( x : Int ) -> Int : x ++ y ?| z != 1 && ! w EOF");
	free(k);
}
END_TEST

START_TEST(layout_blocks)
{
	char *k = kinds("a:\n  b: 1\n  c:\n    d\n\n# comment\ne: 2\n", 1);

	ck_assert_str_eq(k, "a : NL IN b : 1 NL c : NL IN d NL DE DE e : 2 NL EOF");
	free(k);
	/* brackets suspend layout; a trailing operator continues the line */
	k = kinds("x: [1,\n      2]\ny: 1 +\n     2\n", 1);
	ck_assert_str_eq(k, "x : [ 1 , 2 ] NL y : 1 + 2 NL EOF");
	free(k);
}
END_TEST

START_TEST(syntax_errors)
{
	struct {
		const char *text, *want;
	} cases[] = {
		{ "x:\n\ty: 1\n", "t.lw:2:1: error: tab character in source\n" },
		{ "x:\n    a: 1\n  b: 2\n", "t.lw:3:3: error: inconsistent indentation\n" },
		{ "x: \"abc\n", "t.lw:1:4: error: unterminated string\n" },
		{ "x: (1, 2\n", "t.lw:1:4: error: unclosed '('\n" },
		{ "x: 1 2\n", "t.lw:1:6: error: expected end of line, found number 2\n" },
		{ "type T:\n  | a\n", "t.lw:2:5: error: expected a constructor name (capitalised), "
			"found name 'a'\n" },
	};
	size_t i;

	for (i = 0; i < FG_ARRAY_LEN(cases); i++) {
		int rc;
		char *d = lwct_typecheck(cases[i].text, &rc);

		ck_assert_int_eq(rc, 1);
		ck_assert_msg(strncmp(d, cases[i].want, strlen(cases[i].want)) == 0,
		    "case %zu: got %s", i, d);
		free(d);
	}
}
END_TEST

START_TEST(nesting_limits)
{
	char text[1100], *d;
	int rc;

	/* 300 brackets, then 300 prefix operators: errors, not a blown stack */
	memcpy(text, "x: ", 3);
	memset(text + 3, '(', 300);
	strcpy(text + 303, "1\n");
	d = lwct_typecheck(text, &rc);
	ck_assert_int_eq(rc, 1);
	ck_assert_ptr_nonnull(strstr(d, "t.lw:1:260: error: brackets nested too deeply"));
	free(d);
	memset(text + 3, '-', 300);
	d = lwct_typecheck(text, &rc);
	ck_assert_int_eq(rc, 1);
	ck_assert_ptr_nonnull(strstr(d, "error: expression nested too deeply"));
	free(d);
}
END_TEST

START_TEST(parse_shapes)
{
	struct lwc c;
	char *diag = NULL;
	struct expr *e;

	e = first_value(&c, &diag, "x: 1 + 2 * -3\n");
	ck_assert_int_eq(e->kind, E_BINOP);
	ck_assert_int_eq(e->u.bin.op, T_PLUS);
	ck_assert_int_eq(e->u.bin.r->kind, E_BINOP);
	ck_assert_int_eq(e->u.bin.r->u.bin.op, T_STAR);
	ck_assert_int_eq(e->u.bin.r->u.bin.r->kind, E_INT);
	ck_assert_int_eq(e->u.bin.r->u.bin.r->u.ival, -3);
	ctx_free(&c, &diag);

	e = first_value(&c, &diag, "x: EC2.Vpc.new\n  cidrBlock: \"10.0.0.0/16\"\n  region: r\n");
	ck_assert_int_eq(e->kind, E_NAMED);
	ck_assert_int_eq(e->u.call.fn->kind, E_PATH);
	ck_assert_uint_eq(e->u.call.fn->u.path.n, 3);
	ck_assert_uint_eq(e->u.call.record->u.record.n, 2);
	ck_assert_str_eq(e->u.call.record->u.record.fields[1].name, "region");
	ctx_free(&c, &diag);

	e = first_value(&c, &diag, "x: r with a.b: 1\n");
	ck_assert_int_eq(e->kind, E_WITH);
	ck_assert_str_eq(e->u.with.fields[0].name, "a.b");
	ctx_free(&c, &diag);

	e = first_value(&c, &diag, "x: case y of | A z -> z | None -> 0 | _ -> 1\n");
	ck_assert_int_eq(e->kind, E_CASE);
	ck_assert_uint_eq(e->u.kase.n, 3);
	ck_assert_int_eq(e->u.kase.alts[0].pat.kind, P_CTOR);
	ck_assert_str_eq(e->u.kase.alts[0].pat.binder, "z");
	ck_assert_int_eq(e->u.kase.alts[1].pat.kind, P_NONE);
	ck_assert_int_eq(e->u.kase.alts[2].pat.kind, P_WILD);
	ctx_free(&c, &diag);

	e = first_value(&c, &diag, "x:\n  let a: 1\n  a\n");
	ck_assert_int_eq(e->kind, E_BLOCK);
	ck_assert_uint_eq(e->u.block.n, 1);
	ctx_free(&c, &diag);

	e = first_value(&c, &diag, "x: (1)\n");
	ck_assert_int_eq(e->kind, E_INT);
	ctx_free(&c, &diag);
}
END_TEST

/* The suite of this unit. */
static Suite *
lwc_syntax_suite(void)
{
	Suite *s = suite_create("lwc_syntax");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, names_numbers_strings);
	tcase_add_test(tc, layout_blocks);
	tcase_add_test(tc, syntax_errors);
	tcase_add_test(tc, nesting_limits);
	tcase_add_test(tc, parse_shapes);
	suite_add_tcase(s, tc);
	return s;
}

/* Runs the suite. */
int
main(void)
{
	SRunner *sr = srunner_create(lwc_syntax_suite());
	int failed;

	srunner_run_all(sr, CK_ENV);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed != 0;
}
