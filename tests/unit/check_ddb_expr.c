/* check_ddb_expr.c: unit tests for DynamoDB numbers, attribute values and the expression
 * language (parsing, errors as DynamoDB words them, evaluation, updates, projections). */
#include "config.h"

#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "ddb.h"

/* Parses test JSON (NULL gives NULL). */
static fg_json
jparse(const char *text)
{
	char *err = NULL;
	fg_json j;

	if (text == NULL)
		return NULL;
	j = fg_json_parse(text, strlen(text), &err);
	ck_assert_msg(j != NULL, "bad test JSON: %s", err);
	return j;
}

/* Parses an item or attribute-value map written in wire JSON. */
static void
item(const char *json, struct ddb_av *out)
{
	char *err = NULL;
	int serial;
	fg_json j = fg_json_parse(json, strlen(json), &err);

	ck_assert_msg(j != NULL, "bad test JSON: %s", err);
	ck_assert_msg(ddb_item_from_json(j, out, &serial, &err) == 0, "bad test item: %s", err);
	fg_json_free(j);
}

/* The wire JSON of an item. */
static char *
item_text(const struct ddb_av *m)
{
	struct fg_jw w;
	char *s;

	fg_jw_init(&w, 0);
	ddb_item_write(&w, m);
	s = fg_jw_detach(&w);
	fg_jw_free(&w);
	return s;
}

/* A context from names and values JSON (either may be NULL). */
static struct ddb_ctx *
ctx_of(const char *names, const char *values)
{
	fg_json n = jparse(names), v = jparse(values);
	char *err = NULL;
	int serial;
	struct ddb_ctx *ctx = ddb_ctx_new(n, v, &serial, &err);

	ck_assert_msg(ctx != NULL, "context: %s", err);
	fg_json_free(n);
	fg_json_free(v);
	return ctx;
}

/* Evaluates a condition on an item; fails the test on a parse error. */
static int
cond(const char *expr, const char *names, const char *values, const char *itm)
{
	struct ddb_ctx *ctx = ctx_of(names, values);
	struct ddb_av it;
	char *err = NULL;
	struct ddb_node *n = ddb_parse_condition(ctx, "ConditionExpression", expr, &err);
	int r;

	ck_assert_msg(n != NULL, "%s: %s", expr, err);
	item(itm, &it);
	r = ddb_condition_true(n, &it);
	ddb_av_free(&it);
	ddb_node_free(n);
	ddb_ctx_free(ctx);
	return r;
}

/* The error a condition gets (including unused names and values); NULL when it parses. */
static char *
cond_err(const char *expr, const char *names, const char *values)
{
	struct ddb_ctx *ctx = ctx_of(names, values);
	char *err = NULL;
	struct ddb_node *n = ddb_parse_condition(ctx, "ConditionExpression", expr, &err);

	if (n != NULL && ddb_ctx_check_unused(ctx, &err) == 0)
		err = NULL;
	ddb_node_free(n);
	ddb_ctx_free(ctx);
	return err;
}

#define ck_err(got, want) do { \
	char *got_ = (got); \
	ck_assert_msg(got_ != NULL, "no error, wanted %s", (want)); \
	ck_assert_str_eq(got_, (want)); \
	free(got_); \
} while (0)

/* Applies an update to an item; returns the new item's JSON, or the error. */
static char *
update(const char *expr, const char *names, const char *values, const char *itm)
{
	struct ddb_ctx *ctx = ctx_of(names, values);
	struct ddb_av it;
	char *err = NULL, *out;
	struct ddb_update *u = ddb_parse_update(ctx, expr, &err);

	if (u == NULL) {
		ddb_ctx_free(ctx);
		return err;
	}
	item(itm, &it);
	out = ddb_update_apply(u, &it, &err) == 0 ? item_text(&it) : err;
	ddb_av_free(&it);
	ddb_update_free(u);
	ddb_ctx_free(ctx);
	return out;
}

START_TEST(numbers_canonical)
{
	static const char *const cases[][2] = {
		{ "1.50", "1.5" }, { "1e2", "100" }, { "-0", "0" }, { "0.00100", "0.001" },
		{ "+7", "7" }, { "1.5E-3", "0.0015" }, { "-12.340e1", "-123.4" }, { ".5", "0.5" },
		{ "12345678901234567890123456789012345678", "12345678901234567890123456789012345678" },
		{ "1e125", "1" "0000000000" "0000000000" "0000000000" "0000000000" "0000000000"
		    "0000000000" "0000000000" "0000000000" "0000000000" "0000000000" "0000000000"
		    "0000000000" "00000" },
	};
	for (size_t i = 0; i < FG_ARRAY_LEN(cases); i++) {
		char *out = NULL, *err = NULL;

		ck_assert_msg(ddb_num_canon(cases[i][0], strlen(cases[i][0]), &out, &err) == 0, "%s: %s",
		    cases[i][0], err);
		ck_assert_str_eq(out, cases[i][1]);
		free(out);
	}
}
END_TEST

START_TEST(numbers_rejected)
{
	static const char *const cases[][2] = {
		{ "abc", "The parameter cannot be converted to a numeric value: abc" },
		{ "", "The parameter cannot be converted to a numeric value" },
		{ "1e", "The parameter cannot be converted to a numeric value: 1e" },
		{ "1.2.3", "The parameter cannot be converted to a numeric value: 1.2.3" },
		{ "1e126", "Number overflow. Attempting to store a number with magnitude larger than "
		    "supported range" },
		{ "1e-131", "Number underflow. Attempting to store a number with magnitude smaller than "
		    "supported range" },
		{ "1234567890123456789012345678901234567891",
		    "Attempting to store more than 38 significant digits in a Number" },
	};
	for (size_t i = 0; i < FG_ARRAY_LEN(cases); i++) {
		char *out = NULL, *err = NULL;

		ck_assert_int_eq(ddb_num_canon(cases[i][0], strlen(cases[i][0]), &out, &err), -1);
		ck_err(err, cases[i][1]);
	}
}
END_TEST

START_TEST(numbers_compare_and_add_exactly)
{
	char *out, *err = NULL;

	/* These differ only in the 38th digit: a double cannot tell them apart. */
	ck_assert_int_lt(ddb_num_cmp("12345678901234567890123456789012345678",
	    "12345678901234567890123456789012345679"), 0);
	ck_assert_int_lt(ddb_num_cmp("-1", "0.5"), 0);
	ck_assert_int_gt(ddb_num_cmp("0.000000000000000000000000000000000000000000001", "0"), 0);
	ck_assert_int_lt(ddb_num_cmp("-100", "-99.5"), 0);
	ck_assert_int_eq(ddb_num_cmp("1e3", "1000"), 0);
	ck_assert_int_eq(ddb_num_add("0.1", "0.2", 0, &out, &err), 0);
	ck_assert_str_eq(out, "0.3");
	free(out);
	ck_assert_int_eq(ddb_num_add("5", "7.25", 1, &out, &err), 0);
	ck_assert_str_eq(out, "-2.25");
	free(out);
	ck_assert_int_eq(ddb_num_add("-3", "3", 0, &out, &err), 0);
	ck_assert_str_eq(out, "0");
	free(out);
	ck_assert_int_eq(ddb_num_add("99999999999999999999999999999999999999", "1", 0, &out, &err),
	    0);
	ck_assert_str_eq(out, "100000000000000000000000000000000000000");
	free(out);
	ck_assert_int_eq(ddb_num_add("10000000000000000000000000000000000000", "0.1", 0, &out,
	    &err), -1);
	ck_err(err, "Attempting to store more than 38 significant digits in a Number");
	ck_assert_int_eq(ddb_num_add("9.9e125", "1e125", 0, &out, &err), -1);
	ck_err(err, "Number overflow. Attempting to store a number with magnitude larger than "
	    "supported range");
}
END_TEST

START_TEST(values_validated)
{
	static const char *const bad[][2] = {
		{ "{\"a\": {}}", "Supplied AttributeValue is empty, must contain exactly one of the "
		    "supported datatypes" },
		{ "{\"a\": {\"S\": \"x\", \"N\": \"1\"}}", "Supplied AttributeValue has more than one "
		    "datatypes set, must contain exactly one of the supported datatypes" },
		{ "{\"a\": {\"SS\": []}}", "One or more parameter values were invalid: An string set  "
		    "may not be empty" },
		{ "{\"a\": {\"NS\": [\"1\", \"1.0\"]}}", "Input collection contains duplicates" },
		{ "{\"a\": {\"NULL\": false}}", "One or more parameter values were invalid: Null "
		    "attribute value types must have the value of true" },
		{ "{\"a\": {\"L\": [{\"N\": \"x\"}]}}", "The parameter cannot be converted to a "
		    "numeric value: x" },
	};
	for (size_t i = 0; i < FG_ARRAY_LEN(bad); i++) {
		fg_json j = jparse(bad[i][0]);
		struct ddb_av av;
		char *err = NULL;
		int serial = -1;

		ck_assert_int_eq(ddb_item_from_json(j, &av, &serial, &err), -1);
		ck_assert_int_eq(serial, 0);
		ck_err(err, bad[i][1]);
		fg_json_free(j);
	}
}
END_TEST

START_TEST(values_roundtrip_and_size)
{
	struct ddb_av it;
	char *s;

	item("{\"s\":{\"S\":\"xyz\"},\"n\":{\"N\":\"01.50\"},\"b\":{\"B\":\"AAEC\"},"
	    "\"t\":{\"BOOL\":true},\"z\":{\"NULL\":true},\"m\":{\"M\":{\"k\":{\"SS\":[\"a\",\"b\"]}}},"
	    "\"l\":{\"L\":[{\"NS\":[\"2\",\"1\"]},{\"BS\":[\"AQ==\"]}]}}", &it);
	s = item_text(&it);
	ck_assert_str_eq(s, "{\"s\":{\"S\":\"xyz\"},\"n\":{\"N\":\"1.5\"},\"b\":{\"B\":\"AAEC\"},"
	    "\"t\":{\"BOOL\":true},\"z\":{\"NULL\":true},\"m\":{\"M\":{\"k\":{\"SS\":[\"a\",\"b\"]}}},"
	    "\"l\":{\"L\":[{\"NS\":[\"2\",\"1\"]},{\"BS\":[\"AQ==\"]}]}}");
	free(s);
	ck_assert_uint_eq(ddb_item_size(&it),
	    (1 + 3) + (1 + 3) + (1 + 3) + (1 + 1) + (1 + 1) +
	    (1 + 3 + 1 + (1 + 2)) + (1 + 3 + (1 + 4) + (1 + 1)));
	ddb_av_free(&it);
}
END_TEST

START_TEST(conditions_compare)
{
	const char *it = "{\"a\":{\"N\":\"10\"},\"s\":{\"S\":\"banana\"},"
	    "\"m\":{\"M\":{\"l\":{\"L\":[{\"N\":\"1\"},{\"M\":{\"c\":{\"S\":\"deep\"}}}]}}},"
	    "\"ss\":{\"SS\":[\"x\",\"y\"]},\"big\":{\"N\":\"12345678901234567890123456789012345678\"}}";

	ck_assert(cond("a = :ten", NULL, "{\":ten\":{\"N\":\"10.0\"}}", it));
	ck_assert(cond("a > :nine AND a <= :ten", NULL, "{\":ten\":{\"N\":\"1e1\"},"
	    "\":nine\":{\"N\":\"9\"}}", it));
	ck_assert(!cond("a < :nine", NULL, "{\":nine\":{\"N\":\"9\"}}", it));
	ck_assert(cond("big < :big", NULL, "{\":big\":{\"N\":"
	    "\"12345678901234567890123456789012345679\"}}", it));
	ck_assert(cond("a BETWEEN :nine AND :ten", NULL, "{\":ten\":{\"N\":\"1e1\"},"
	    "\":nine\":{\"N\":\"9\"}}", it));
	ck_assert(cond("a IN (:nine, :ten)", NULL, "{\":ten\":{\"N\":\"1e1\"},"
	    "\":nine\":{\"N\":\"9\"}}", it));
	ck_assert(cond("begins_with(s, :s) AND contains(s, :s)", NULL, "{\":s\":{\"S\":\"ban\"}}", it));
	ck_assert(cond("m.l[1].c = :deep", NULL, "{\":deep\":{\"S\":\"deep\"}}", it));
	ck_assert(cond("#m.#l[1].c = :deep", "{\"#m\":\"m\",\"#l\":\"l\"}",
	    "{\":deep\":{\"S\":\"deep\"}}", it));
	ck_assert(cond("contains(ss, :y) AND attribute_type(ss, :t)", NULL,
	    "{\":y\":{\"S\":\"y\"},\":t\":{\"S\":\"SS\"}}", it));
	ck_assert(cond("size(s) = :six AND size(m.l) < :six", NULL, "{\":six\":{\"N\":\"6\"}}", it));
	ck_assert(cond("attribute_exists(m.l[0]) AND attribute_not_exists(m.l[2])", NULL, NULL, it));
	ck_assert(cond("a <> :s", NULL, "{\":s\":{\"S\":\"10\"}}", it));
	/* A missing attribute compares as false, except for <>. */
	ck_assert(!cond("nope = :s", NULL, "{\":s\":{\"S\":\"x\"}}", it));
	ck_assert(cond("nope <> :s", NULL, "{\":s\":{\"S\":\"x\"}}", it));
	/* Values of different types do not order. */
	ck_assert(!cond("s > :nine", NULL, "{\":nine\":{\"N\":\"9\"}}", it));
}
END_TEST

START_TEST(conditions_precedence)
{
	const char *it = "{\"a\":{\"N\":\"1\"},\"b\":{\"N\":\"2\"},\"c\":{\"N\":\"3\"}}";
	const char *v = "{\":1\":{\"N\":\"1\"},\":0\":{\"N\":\"0\"}}";

	/* AND binds tighter than OR, NOT tighter than AND. */
	ck_assert(cond("a = :1 OR b = :0 AND c = :0", NULL, v, it));
	ck_assert(!cond("(a = :1 OR b = :0) AND c = :0", NULL, v, it));
	ck_assert(!cond("NOT a = :1 AND b > :0", NULL, v, it));
	ck_assert(cond("NOT (a = :1 AND b = :0)", NULL, v, it));
	ck_assert(cond("(a) = :1", NULL, v, it));
	ck_assert(cond("size(a) > :0 or (size(a) > :0)", NULL, "{\":0\":{\"N\":\"0\"}}",
	    "{\"a\":{\"S\":\"x\"}}"));
	ck_assert(cond("a=:1 and not b=:1", NULL, v, it));
}
END_TEST

START_TEST(conditions_errors)
{
	const char *v1 = "{\":v\":{\"N\":\"1\"}}";

	ck_err(cond_err("a = ", NULL, NULL),
	    "Invalid ConditionExpression: Syntax error; token: \"<EOF>\", near: \"= \"");
	ck_err(cond_err("a = :v AND", NULL, v1),
	    "Invalid ConditionExpression: Syntax error; token: \"<EOF>\", near: \"AND\"");
	ck_err(cond_err("attribute_type()", NULL, NULL),
	    "Invalid ConditionExpression: Syntax error; token: \")\", near: \"()\"");
	ck_err(cond_err("a == :v", NULL, v1),
	    "Invalid ConditionExpression: Syntax error; token: \"=\", near: \"== :v\"");
	ck_err(cond_err("a = :v $", NULL, v1),
	    "Invalid ConditionExpression: Syntax error; token: \"$\", near: \":v $\"");
	ck_err(cond_err("", NULL, NULL), "Invalid ConditionExpression: The expression can not be "
	    "empty;");
	ck_err(cond_err("#n = :v", NULL, v1), "Invalid ConditionExpression: An expression attribute "
	    "name used in the document path is not defined; attribute name: #n");
	ck_err(cond_err("a = :w", NULL, v1), "Invalid ConditionExpression: An expression attribute "
	    "value used in expression is not defined; attribute value: :w");
	ck_err(cond_err("a = :v", "{\"#x\":\"x\"}", v1), "Value provided in "
	    "ExpressionAttributeNames unused in expressions: keys: {#x}");
	ck_err(cond_err("attribute_exists(a)", NULL, v1), "Value provided in "
	    "ExpressionAttributeValues unused in expressions: keys: {:v}");
	ck_err(cond_err("name = :v", NULL, v1), "Invalid ConditionExpression: Attribute name is a "
	    "reserved keyword; reserved keyword: name");
	ck_err(cond_err("frob(a)", NULL, NULL), "Invalid ConditionExpression: Invalid function name; "
	    "function: frob");
	ck_err(cond_err("begins_with(a)", NULL, NULL), "Invalid ConditionExpression: Incorrect number "
	    "of operands for operator or function; operator or function: begins_with, number of "
	    "operands: 1");
	ck_err(cond_err("((a = :v))", NULL, v1), "Invalid ConditionExpression: The expression has "
	    "redundant parentheses;");
	ck_err(cond_err("a = a", NULL, NULL), "Invalid ConditionExpression: The first operand must be "
	    "distinct from the remaining operands for this operator or function; operator: =, first "
	    "operand: [a]");
	ck_err(cond_err("size(a)", NULL, NULL), "Invalid ConditionExpression: The function is not "
	    "allowed to be used this way in an expression; function: size");
	ck_err(cond_err("attribute_exists(a) = :v", NULL, v1), "Invalid ConditionExpression: The "
	    "function is not allowed to be used this way in an expression; function: attribute_exists");
	ck_err(cond_err("begins_with(a, :v)", NULL, v1), "Invalid ConditionExpression: Incorrect "
	    "operand type for operator or function; operator or function: begins_with, operand type: N");
	ck_err(cond_err("a BETWEEN :hi AND :lo", NULL, "{\":lo\":{\"N\":\"1\"},\":hi\":{\"N\":\"5\"}}"),
	    "Invalid ConditionExpression: The BETWEEN operator requires upper bound to be greater "
	    "than or equal to lower bound; lower bound operand: AttributeValue: {N:5}, upper bound "
	    "operand: AttributeValue: {N:1}");
	ck_err(cond_err("attribute_type(a, :t)", NULL, "{\":t\":{\"S\":\"STRING\"}}"),
	    "Invalid ConditionExpression: Invalid attribute type name found; type: STRING, valid "
	    "types: {B,NULL,SS,BOOL,L,BS,N,NS,S,M}");
	ck_err(cond_err("l[a] = :v", NULL, v1),
	    "Invalid ConditionExpression: Syntax error; token: \"a\", near: \"[a]\"");
}
END_TEST

START_TEST(context_errors)
{
	struct {
		const char *names, *values, *want;
	} cases[] = {
		{ "{}", NULL, "ExpressionAttributeNames must not be empty" },
		{ "{\"n\":\"x\"}", NULL, "ExpressionAttributeNames contains invalid key: Syntax error; "
		    "key: \"n\"" },
		{ NULL, "{\":a-b\":{\"S\":\"x\"}}", "ExpressionAttributeValues contains invalid key: "
		    "Syntax error; key: \":a-b\"" },
		{ NULL, "{\":a\":{\"N\":\"x\"}}", "ExpressionAttributeValues contains invalid value: The "
		    "parameter cannot be converted to a numeric value: x for key :a" },
	};
	for (size_t i = 0; i < FG_ARRAY_LEN(cases); i++) {
		fg_json n = jparse(cases[i].names), v = jparse(cases[i].values);
		char *err = NULL;
		int serial;

		ck_assert_ptr_null(ddb_ctx_new(n, v, &serial, &err));
		ck_err(err, cases[i].want);
		fg_json_free(n);
		fg_json_free(v);
	}
}
END_TEST

START_TEST(updates_apply)
{
	const char *it = "{\"id\":{\"S\":\"k\"},\"n\":{\"N\":\"5\"},\"l\":{\"L\":[{\"S\":\"a\"},"
	    "{\"S\":\"b\"},{\"S\":\"c\"}]},\"ss\":{\"SS\":[\"x\",\"y\"]},\"m\":{\"M\":{}}}";

	ck_err(update("SET n = n + :d, m.k = :s, newn = if_not_exists(nope, :d)", NULL,
	    "{\":d\":{\"N\":\"0.5\"},\":s\":{\"S\":\"v\"}}", it),
	    "{\"id\":{\"S\":\"k\"},\"n\":{\"N\":\"5.5\"},\"l\":{\"L\":[{\"S\":\"a\"},{\"S\":\"b\"},"
	    "{\"S\":\"c\"}]},\"ss\":{\"SS\":[\"x\",\"y\"]},\"m\":{\"M\":{\"k\":{\"S\":\"v\"}}},"
	    "\"newn\":{\"N\":\"0.5\"}}");
	/* REMOVE uses the list's original indexes; SET past the end appends. */
	ck_err(update("REMOVE l[0], l[2], ss SET l[7] = :s", NULL, "{\":s\":{\"S\":\"z\"}}", it),
	    "{\"id\":{\"S\":\"k\"},\"n\":{\"N\":\"5\"},\"l\":{\"L\":[{\"S\":\"b\"},{\"S\":\"z\"}]},"
	    "\"m\":{\"M\":{}}}");
	ck_err(update("SET l = list_append(l, :more), n = :one - n", NULL,
	    "{\":more\":{\"L\":[{\"N\":\"1\"}]},\":one\":{\"N\":\"1\"}}", it),
	    "{\"id\":{\"S\":\"k\"},\"n\":{\"N\":\"-4\"},\"l\":{\"L\":[{\"S\":\"a\"},{\"S\":\"b\"},"
	    "{\"S\":\"c\"},{\"N\":\"1\"}]},\"ss\":{\"SS\":[\"x\",\"y\"]},\"m\":{\"M\":{}}}");
	ck_err(update("ADD ss :s, cnt :one DELETE #n :n", "{\"#n\":\"nset\"}",
	    "{\":s\":{\"SS\":[\"y\",\"z\"]},\":one\":{\"N\":\"1\"},\":n\":{\"NS\":[\"2\"]}}",
	    "{\"ss\":{\"SS\":[\"x\",\"y\"]},\"nset\":{\"NS\":[\"2\"]}}"),
	    "{\"ss\":{\"SS\":[\"x\",\"y\",\"z\"]},\"cnt\":{\"N\":\"1\"}}");
	ck_err(update("SET a = b + :one", NULL, "{\":one\":{\"N\":\"1\"}}", it),
	    "The provided expression refers to an attribute that does not exist in the item");
	ck_err(update("SET nope.x = :one", NULL, "{\":one\":{\"N\":\"1\"}}", it),
	    "The document path provided in the update expression is invalid for update");
	ck_err(update("ADD ss :one", NULL, "{\":one\":{\"N\":\"1\"}}", it),
	    "An operand in the update expression has an incorrect data type");
}
END_TEST

START_TEST(updates_errors)
{
	ck_err(update("SET", NULL, NULL, "{}"),
	    "Invalid UpdateExpression: Syntax error; token: \"<EOF>\", near: \"SET\"");
	ck_err(update("SET a = :v REMOVE b SET c = :v", NULL, "{\":v\":{\"N\":\"1\"}}", "{}"),
	    "Invalid UpdateExpression: The \"SET\" section can only be used once in an update "
	    "expression;");
	ck_err(update("SET a = :v, a.b = :v", NULL, "{\":v\":{\"N\":\"1\"}}", "{}"),
	    "Invalid UpdateExpression: Two document paths overlap with each other; must remove or "
	    "rewrite one of these paths; path one: [a], path two: [a, b]");
	ck_err(update("SET a.b = :v REMOVE a[0]", NULL, "{\":v\":{\"N\":\"1\"}}", "{}"),
	    "Invalid UpdateExpression: Two document paths conflict with each other; must remove or "
	    "rewrite one of these paths; path one: [a, b], path two: [a, [0]]");
	ck_err(update("ADD a :v", NULL, "{\":v\":{\"S\":\"x\"}}", "{}"),
	    "Invalid UpdateExpression: Incorrect operand type for operator or function; operator: "
	    "ADD, operand type: STRING");
	ck_err(update("DELETE a :v", NULL, "{\":v\":{\"N\":\"1\"}}", "{}"),
	    "Invalid UpdateExpression: Incorrect operand type for operator or function; operator: "
	    "DELETE, operand type: NUMBER");
	ck_err(update("SET a = :v + :w", NULL, "{\":v\":{\"N\":\"1\"},\":w\":{\"S\":\"x\"}}", "{}"),
	    "Invalid UpdateExpression: Incorrect operand type for operator or function; operator or "
	    "function: +, operand type: S");
	ck_err(update("SET a = size(b)", NULL, NULL, "{}"),
	    "Invalid UpdateExpression: Invalid function name; function: size");
	ck_err(update("SET a = if_not_exists(:v, b)", NULL, "{\":v\":{\"N\":\"1\"}}", "{}"),
	    "Invalid UpdateExpression: Operator or function requires a document path; operator or "
	    "function: if_not_exists");
	ck_err(update("SET a = :v REMOVE", NULL, "{\":v\":{\"N\":\"1\"}}", "{}"),
	    "Invalid UpdateExpression: Syntax error; token: \"<EOF>\", near: \"REMOVE\"");
}
END_TEST

START_TEST(projection_paths)
{
	struct ddb_ctx *ctx = ctx_of("{\"#s\":\"status\"}", NULL);
	struct ddb_av it, out;
	char *err = NULL, *s;
	struct ddb_proj *pr = ddb_parse_projection(ctx, "a.b, l[2], l[0], #s, nope", &err);

	ck_assert_msg(pr != NULL, "%s", err);
	item("{\"a\":{\"M\":{\"b\":{\"N\":\"1\"},\"c\":{\"N\":\"2\"}}},\"l\":{\"L\":[{\"S\":\"x\"},"
	    "{\"S\":\"y\"},{\"S\":\"z\"}]},\"status\":{\"BOOL\":false},\"other\":{\"N\":\"3\"}}", &it);
	ddb_project(pr, &it, &out);
	s = item_text(&out);
	ck_assert_str_eq(s, "{\"a\":{\"M\":{\"b\":{\"N\":\"1\"}}},\"l\":{\"L\":[{\"S\":\"x\"},"
	    "{\"S\":\"z\"}]},\"status\":{\"BOOL\":false}}");
	free(s);
	ddb_av_free(&out);
	ddb_av_free(&it);
	ddb_proj_free(pr);
	ck_assert_ptr_null(ddb_parse_projection(ctx, "a, a.b", &err));
	ck_err(err, "Invalid ProjectionExpression: Two document paths overlap with each other; must "
	    "remove or rewrite one of these paths; path one: [a], path two: [a, b]");
	ck_assert_ptr_null(ddb_parse_projection(ctx, "my-attr", &err));
	ck_err(err, "Invalid ProjectionExpression: Syntax error; token: \"-\", near: \"my-attr\"");
	ddb_ctx_free(ctx);
}
END_TEST

START_TEST(deep_nesting_is_refused)
{
	struct fg_buf b;
	char *err = NULL;
	struct ddb_ctx *ctx = ctx_of(NULL, NULL);

	fg_buf_init(&b);
	for (int i = 0; i < 1000; i++)
		fg_buf_addstr(&b, "NOT ");
	fg_buf_addstr(&b, "attribute_exists(a)");
	ck_assert_ptr_null(ddb_parse_condition(ctx, "ConditionExpression", b.data, &err));
	ck_assert_ptr_nonnull(strstr(err, "Syntax error"));
	free(err);
	fg_buf_free(&b);
	ddb_ctx_free(ctx);
}
END_TEST

static Suite *
ddb_expr_suite(void)
{
	Suite *s = suite_create("ddb_expr");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, numbers_canonical);
	tcase_add_test(tc, numbers_rejected);
	tcase_add_test(tc, numbers_compare_and_add_exactly);
	tcase_add_test(tc, values_validated);
	tcase_add_test(tc, values_roundtrip_and_size);
	tcase_add_test(tc, conditions_compare);
	tcase_add_test(tc, conditions_precedence);
	tcase_add_test(tc, conditions_errors);
	tcase_add_test(tc, context_errors);
	tcase_add_test(tc, updates_apply);
	tcase_add_test(tc, updates_errors);
	tcase_add_test(tc, projection_paths);
	tcase_add_test(tc, deep_nesting_is_refused);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	SRunner *sr = srunner_create(ddb_expr_suite());
	int failed;

	srunner_run_all(sr, CK_ENV);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? 1 : 0;
}
