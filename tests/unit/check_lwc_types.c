/* check_lwc_types.c: unit tests for lwc's types (assignability, joins), the type checker on
 * small programs, schema names, CIDR blocks and "did you mean". */
#include "config.h"

#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lwc/lwc.h"
#include "lwc_testlib.h"

START_TEST(assignability)
{
	struct lwc c;
	struct lwc_options o = { 0 };
	struct ty *opt_int, *list_never, *list_str, *rec_a, *rec_b, *tagrec, *j;
	struct field fa[2], fb[2];
	struct rec ra = { 0 }, rb = { 0 };

	memset(&c, 0, sizeof(c));
	c.opt = &o;
	opt_int = ty_optional(&c, &ty_int);
	list_never = ty_list(&c, &ty_never);
	list_str = ty_list(&c, &ty_string);
	ck_assert(ty_assignable(&ty_int, opt_int));     /* lifting */
	ck_assert(!ty_assignable(opt_int, &ty_int));
	ck_assert(ty_assignable(list_never, list_str)); /* [] */
	ck_assert(!ty_assignable(list_str, ty_list(&c, &ty_int)));
	ck_assert(ty_assignable(ty_optional(&c, &ty_never), opt_int)); /* None */
	ck_assert(ty_optional(&c, opt_int) == opt_int);

	/* a record fits a structural one with the same or fewer (optional) fields */
	memset(fa, 0, sizeof(fa));
	memset(fb, 0, sizeof(fb));
	fa[0].name = "key";
	fa[0].ty = &ty_string;
	fb[0].name = "key";
	fb[0].ty = &ty_string;
	fb[1].name = "note";
	fb[1].ty = ty_optional(&c, &ty_string);
	ra.fields = fa;
	ra.n = 1;
	rb.fields = fb;
	rb.n = 2;
	rb.structural = 1;
	rec_a = ty_new(&c, TY_RECORD);
	rec_a->rec = &ra;
	rec_b = ty_new(&c, TY_RECORD);
	rec_b->rec = &rb;
	ck_assert(ty_assignable(rec_a, rec_b));
	ck_assert(!ty_assignable(rec_b, rec_a)); /* ra is nominal */
	fa[0].ty = &ty_int;
	ck_assert(!ty_assignable(rec_a, rec_b));
	tagrec = ty_new(&c, TY_RECORD);
	tagrec->rec = &ra;
	ck_assert(ty_equal(tagrec, rec_a));

	/* joins: branches of if and case, list items */
	j = ty_join(&c, ty_optional(&c, &ty_never), &ty_int);
	ck_assert_int_eq(j->kind, TY_OPTIONAL);
	ck_assert_int_eq(j->elem->kind, TY_INT);
	ck_assert_ptr_null(ty_join(&c, &ty_int, &ty_string));
	ck_assert_str_eq(ty_str(&c, ty_list(&c, opt_int)), "List<Optional<Int>>");
	arena_free(&c.arena);
}
END_TEST

START_TEST(programs)
{
	static const struct {
		const char *text;
		int rc;
		const char *want; /* the start of the diagnostics */
	} cases[] = {
		{ "type T:\n  a: Int\n  b: Optional<String>\nx: T {a: 1}\ny: x.b ?| \"none\"\n", 0,
		  "" },
		{ "fun f(g: (Int) -> String, n: Int) -> String:\n  g(n)\nx: f(Int.toString, 3)\n", 0,
		  "" },
		{ "x: List.map(fun(n): n + 1, [1, 2])\ny: x ++ [3]\n", 0, "" },
		{ "x: if True then None else 3\ny: x ?| 4\n", 0, "" },
		{ "x: [1] ++ [\"a\"]\n", 1,
		  "t.lw:1:12: error: wrong type for a list item: expected Int, got String" },
		{ "x: \"a\" ++ [1]\n", 1,
		  "t.lw:1:11: error: ++ needs two values of the same type: String and List<Int>" },
		{ "type E:\n  | A\n  | B Int\nf: case A of | A -> 1\n", 1,
		  "t.lw:4:4: error: non-exhaustive case: missing B" },
		{ "type E: | A | B\nf: case A of | A -> 1 | B x -> x\n", 1,
		  "t.lw:2:27: error: B carries no value to bind" },
		{ "x: {a: 1}.b\n", 1, "t.lw:1:11: error: no field b in {a: Int}" },
		{ "x: 1.0 + 1\n", 0, "" }, /* an Int literal where a Float is expected */
		{ "y: 1\nx: 1.0 + y\n", 1,
		  "t.lw:2:4: error: '+' needs two Ints or two Floats, not Float and Int" },
		{ "fun f(x: Int) -> String:\n  x\n", 1,
		  "t.lw:2:3: error: wrong type for the result of f: expected String, got Int" },
		{ "x: fun(n): n\n", 1, "t.lw:1:8: error: the type of n cannot be inferred here" },
		{ "x: List.length\n", 1, "t.lw:1:4: error: List.length must be called here" },
	};
	size_t i;

	for (i = 0; i < FG_ARRAY_LEN(cases); i++) {
		int rc;
		char *d = lwct_typecheck(cases[i].text, &rc);

		ck_assert_msg(rc == cases[i].rc, "case %zu: rc %d: %s", i, rc, d);
		ck_assert_msg(strncmp(d, cases[i].want, strlen(cases[i].want)) == 0,
		    "case %zu: got %s", i, d);
		free(d);
	}
}
END_TEST

START_TEST(schema_names)
{
	struct lwc c;
	static const char *const pairs[][2] = {
		{ "CidrBlock", "cidrBlock" }, { "VpcId", "vpcId" }, { "ACL", "acl" },
		{ "SSESpecification", "sseSpecification" }, { "KMSMasterKeyId", "kmsMasterKeyId" },
		{ "deadLetterTargetArn", "deadLetterTargetArn" }, { "Ipv6Ranges", "ipv6Ranges" },
	};
	size_t i;

	memset(&c, 0, sizeof(c));
	for (i = 0; i < FG_ARRAY_LEN(pairs); i++)
		ck_assert_str_eq(lower_camel(&c, pairs[i][0]), pairs[i][1]);
	arena_free(&c.arena);
}
END_TEST

START_TEST(cidr_blocks)
{
	static const struct {
		const char *s;
		int ok;
		const char *why;
	} cases[] = {
		{ "10.0.0.0/16", 1, "" },
		{ "0.0.0.0/0", 1, "" },
		{ "192.168.1.7/32", 1, "" },
		{ "10.0.0.0/33", 0, "the prefix length /33 is larger than /32" },
		{ "10.0.1.0/16", 0, "it has host bits set; the block is 10.0.0.0/16" },
		{ "10.0.256.0/24", 0, "256 is larger than 255" },
		{ "10.0.0/24", 0, "it is not of the form a.b.c.d/n" },
		{ "10.0.0.0", 0, "the prefix length (/n) is missing" },
		{ "010.0.0.0/8", 0, "it is not of the form a.b.c.d/n" },
		{ "10.0.0.0/8x", 0, "it is not of the form a.b.c.d/n" },
	};
	char why[128];
	size_t i;

	for (i = 0; i < FG_ARRAY_LEN(cases); i++) {
		why[0] = '\0';
		ck_assert_msg(cidr_check(cases[i].s, why, sizeof(why)) == cases[i].ok, "%s",
		    cases[i].s);
		ck_assert_str_eq(why, cases[i].why);
	}
}
END_TEST

START_TEST(suggestions)
{
	static const char *const names[] = { "cidrBlock", "height", "region", "size", "width" };

	ck_assert_str_eq(lwc_suggest("heigth", names, 5), "height"); /* swapped letters */
	ck_assert_str_eq(lwc_suggest("szie", names, 5), "size");
	ck_assert_str_eq(lwc_suggest("Region", names, 5), "region");
	ck_assert_str_eq(lwc_suggest("cidr", names, 5), "cidrBlock"); /* cut short */
	ck_assert_ptr_null(lwc_suggest("tags", names, 5));
	ck_assert_ptr_null(lwc_suggest("x", names, 5));
}
END_TEST

/* The suite of this unit. */
static Suite *
lwc_types_suite(void)
{
	Suite *s = suite_create("lwc_types");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, assignability);
	tcase_add_test(tc, programs);
	tcase_add_test(tc, schema_names);
	tcase_add_test(tc, cidr_blocks);
	tcase_add_test(tc, suggestions);
	suite_add_tcase(s, tc);
	return s;
}

/* Runs the suite. */
int
main(void)
{
	SRunner *sr = srunner_create(lwc_types_suite());
	int failed;

	srunner_run_all(sr, CK_ENV);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed != 0;
}
