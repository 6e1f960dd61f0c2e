/* fuzz_ddb_expr.c: the DynamoDB expression parser and evaluator. The first byte picks the
 * kind (condition, update, projection); the rest is the expression, parsed against fixed
 * names and values and evaluated against a fixed item. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "ddb.h"

static const char names_json[] = "{\"#a\":\"a\",\"#b\":\"b\",\"#l\":\"l\",\"#m\":\"m\"}";
static const char values_json[] = "{\":n\":{\"N\":\"1.5\"},\":s\":{\"S\":\"x\"},"
    "\":b\":{\"B\":\"AAE=\"},\":ss\":{\"SS\":[\"x\",\"y\"]},\":ns\":{\"NS\":[\"1\",\"2\"]},"
    "\":l\":{\"L\":[{\"N\":\"1\"}]},\":m\":{\"M\":{\"k\":{\"S\":\"v\"}}},\":t\":{\"S\":\"N\"},"
    "\":big\":{\"N\":\"99999999999999999999999999999999999999\"}}";
static const char item_json[] = "{\"a\":{\"N\":\"3\"},\"b\":{\"S\":\"xyz\"},"
    "\"l\":{\"L\":[{\"S\":\"x\"},{\"M\":{\"c\":{\"N\":\"1\"}}},{\"NS\":[\"1\"]}]},"
    "\"m\":{\"M\":{\"k\":{\"S\":\"v\"},\"ss\":{\"SS\":[\"x\"]}}},\"n\":{\"N\":\"-1e-5\"}}";

/* Parses a fixed JSON text (the fixtures are valid). */
static fg_json
fixture(const char *text)
{
	char *err = NULL;
	fg_json j = fg_json_parse(text, strlen(text), &err);

	if (j == NULL)
		abort();
	return j;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	fg_json names, values, it;
	struct ddb_ctx *ctx;
	struct ddb_av item, out;
	char *src, *err = NULL;
	int serial;

	if (size < 1)
		return 0;
	names = fixture(names_json);
	values = fixture(values_json);
	it = fixture(item_json);
	ctx = ddb_ctx_new(names, values, &serial, &err);
	if (ctx == NULL || ddb_item_from_json(it, &item, &serial, &err) < 0)
		abort();
	src = fg_strndup((const char *)data + 1, size - 1);
	switch (data[0] % 3) {
	case 0: {
		struct ddb_node *n = ddb_parse_condition(ctx, "ConditionExpression", src, &err);

		if (n != NULL) {
			(void)ddb_condition_true(n, &item);
			(void)ddb_condition_true(n, NULL);
		}
		ddb_node_free(n);
		break;
	}
	case 1: {
		struct ddb_update *u = ddb_parse_update(ctx, src, &err);

		if (u != NULL) {
			ddb_project_update(u, &item, &out);
			ddb_av_free(&out);
			(void)ddb_update_apply(u, &item, &err);
		}
		ddb_update_free(u);
		break;
	}
	default: {
		struct ddb_proj *p = ddb_parse_projection(ctx, src, &err);

		if (p != NULL) {
			ddb_project(p, &item, &out);
			ddb_av_free(&out);
		}
		ddb_proj_free(p);
		break;
	}
	}
	if (err == NULL)
		(void)ddb_ctx_check_unused(ctx, &err);
	free(err);
	free(src);
	ddb_av_free(&item);
	ddb_ctx_free(ctx);
	fg_json_free(names);
	fg_json_free(values);
	fg_json_free(it);
	return 0;
}
