/* check_plugin_ddb_table.c: the dynamodb plugin's table logic (plugins/dynamodb/table.c) through
 * the Conductor's own host: CreateTable requests, observed properties of TableDescriptions,
 * when a table has settled, and each step of the UpdateTable plan, including those
 * fugue-localcloud cannot show (streams, encryption, table class, deletion protection). */
#include "config.h"

#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "../../plugins/dynamodb/table.h"
#include "plugin_testlib.h"

static const struct fugue_host *H = &host_api;

/* A table of the tests: provisioned 5/5, key pk, one index by-g (1/1, KEYS_ONLY). */
#define KEY_MEMBERS \
	"\"TableName\": \"t\", \"KeySchema\": [{\"AttributeName\": \"pk\", \"KeyType\": " \
	"\"HASH\"}], \"AttributeDefinitions\": [{\"AttributeName\": \"pk\", \"AttributeType\": " \
	"\"S\"}, {\"AttributeName\": \"g\", \"AttributeType\": \"S\"}]"
#define TABLE_MEMBERS \
	KEY_MEMBERS ", \"TableArn\": \"arn:aws:dynamodb:us-east-1:1:table/t\", " \
	"\"TableId\": \"id-1\""
#define INDEX_G(pt) \
	"{\"IndexName\": \"by-g\", \"KeySchema\": [{\"AttributeName\": \"g\", \"KeyType\": " \
	"\"HASH\"}], \"Projection\": {\"ProjectionType\": \"KEYS_ONLY\"}, " \
	"\"ProvisionedThroughput\": " pt "}"
#define PT(r, w) "{\"ReadCapacityUnits\": " #r ", \"WriteCapacityUnits\": " #w "}"
#define DESCRIBED \
	"{" TABLE_MEMBERS ", \"TableStatus\": \"ACTIVE\", \"ProvisionedThroughput\": " \
	"{\"NumberOfDecreasesToday\": 0, \"ReadCapacityUnits\": 5, \"WriteCapacityUnits\": 5}, " \
	"\"GlobalSecondaryIndexes\": [" INDEX_G(PT(1, 1)) "]}"
#define DESIRED \
	"{" KEY_MEMBERS ", \"Region\": \"us-east-1\", \"BillingMode\": \"PROVISIONED\", " \
	"\"ProvisionedThroughput\": " PT(5, 5) ", \"GlobalSecondaryIndexes\": [" INDEX_G(PT(1, 1)) \
	"], \"LocalSecondaryIndexes\": [], \"TableClass\": \"STANDARD\", " \
	"\"DeletionProtectionEnabled\": false, \"Tags\": [{\"Key\": \"fugue:id\", \"Value\": " \
	"\"x\"}]}"

/* The value behind a tree. */
static const struct fugue_value *
V(fg_json j)
{
	return (const struct fugue_value *)j;
}

/* Checks that the writer holds want (compared as JSON). */
static void
assert_json(struct fugue_json *w, const char *want)
{
	const char *got = H->j_text(w);

	ck_assert_msg(json_equal(ptl_json(got), ptl_json(want)), "got %s\nwant %s", got, want);
}

/* The next UpdateTable for desired and described: its code, body and what it does. */
static int
next_update(const char *desired, const char *described, struct fugue_json **w, char **what)
{
	*w = H->j_new();
	return table_next_update(H, *w, V(ptl_json(desired)), V(ptl_json(described)), what);
}

/* base (an object) with member key set to value (JSON text), or removed (value NULL). */
static char *
with(const char *base, const char *key, const char *value)
{
	fg_json j = ptl_json(base);
	struct fg_jw w;
	char *text;

	fg_jw_init(&w, 0);
	fg_jw_obj(&w);
	for (size_t i = 0; i < fg_json_len(j); i++) {
		if (strcmp(fg_json_key(j, i), key) == 0)
			continue;
		fg_jw_key(&w, fg_json_key(j, i));
		fg_jw_value(&w, fg_json_at(j, i));
	}
	if (value != NULL) {
		fg_jw_key(&w, key);
		fg_jw_value(&w, ptl_json(value));
	}
	fg_jw_end_obj(&w);
	text = fg_jw_detach(&w);
	fg_jw_free(&w);
	return text;
}

START_TEST(test_create_body)
{
	struct fugue_json *w = H->j_new();
	char *d = with(DESIRED, "GlobalSecondaryIndexes", "[]");

	table_create_body(H, w, V(ptl_json(d)));
	/* No empty index lists (DynamoDB refuses them); everything else as desired. */
	assert_json(w, "{" KEY_MEMBERS ", \"BillingMode\": \"PROVISIONED\", "
	    "\"ProvisionedThroughput\": " PT(5, 5) ", \"TableClass\": \"STANDARD\", "
	    "\"DeletionProtectionEnabled\": false, \"Tags\": [{\"Key\": \"fugue:id\", "
	    "\"Value\": \"x\"}]}");
	H->j_free(w);
	free(d);
}
END_TEST

START_TEST(test_observe)
{
	struct fugue_json *w = H->j_new();
	const char *on_demand = "{" TABLE_MEMBERS ", \"TableStatus\": \"ACTIVE\", "
	    "\"BillingModeSummary\": {\"BillingMode\": \"PAY_PER_REQUEST\"}, "
	    "\"ProvisionedThroughput\": " PT(0, 0) ", \"GlobalSecondaryIndexes\": ["
	    INDEX_G(PT(0, 0)) "], \"StreamSpecification\": {\"StreamEnabled\": true, "
	    "\"StreamViewType\": \"KEYS_ONLY\"}, \"LatestStreamArn\": \"arn:s\", "
	    "\"SSEDescription\": {\"Status\": \"ENABLED\", \"SSEType\": \"KMS\", "
	    "\"KMSMasterKeyArn\": \"arn:aws:kms:us-east-1:1:key/k-1\"}, \"TableClassSummary\": "
	    "{\"TableClass\": \"STANDARD_INFREQUENT_ACCESS\"}, "
	    "\"DeletionProtectionEnabled\": true}";
	const char *desired = "{\"SSESpecification\": {\"Enabled\": true, \"KMSMasterKeyId\": "
	    "\"k-1\"}}";

	H->j_obj(w);
	table_observe(H, w, V(ptl_json(on_demand)), "eu-west-1", V(ptl_json(desired)));
	H->j_end_obj(w);
	/* On demand: no throughput anywhere; the key named as the composition names it. */
	assert_json(w, "{" TABLE_MEMBERS ", \"Region\": \"eu-west-1\", \"BillingMode\": "
	    "\"PAY_PER_REQUEST\", \"GlobalSecondaryIndexes\": [{\"IndexName\": \"by-g\", "
	    "\"KeySchema\": [{\"AttributeName\": \"g\", \"KeyType\": \"HASH\"}], \"Projection\": "
	    "{\"ProjectionType\": \"KEYS_ONLY\"}}], \"LocalSecondaryIndexes\": [], "
	    "\"StreamSpecification\": {\"StreamEnabled\": true, "
	    "\"StreamViewType\": \"KEYS_ONLY\"}, \"SSESpecification\": {\"Enabled\": true, "
	    "\"SSEType\": \"KMS\", \"KMSMasterKeyId\": \"k-1\"}, "
	    "\"TableClass\": \"STANDARD_INFREQUENT_ACCESS\", \"DeletionProtectionEnabled\": true, "
	    "\"LatestStreamArn\": \"arn:s\"}");
	H->j_free(w);
	/* What DynamoDB leaves out is at its default. */
	w = H->j_new();
	H->j_obj(w);
	table_observe(H, w, V(ptl_json(DESCRIBED)), NULL, NULL);
	H->j_end_obj(w);
	assert_json(w, "{" TABLE_MEMBERS ", \"BillingMode\": \"PROVISIONED\", "
	    "\"ProvisionedThroughput\": " PT(5, 5) ", \"GlobalSecondaryIndexes\": ["
	    INDEX_G(PT(1, 1)) "], \"LocalSecondaryIndexes\": [], \"StreamSpecification\": "
	    "{\"StreamEnabled\": false}, \"SSESpecification\": {\"Enabled\": false}, "
	    "\"TableClass\": \"STANDARD\", \"DeletionProtectionEnabled\": false}");
	H->j_free(w);
}
END_TEST

START_TEST(test_settled)
{
	const char *state;

	ck_assert_int_eq(table_settled(H, V(ptl_json(DESCRIBED)), &state), 1);
	ck_assert_int_eq(table_settled(H, V(ptl_json("{\"TableStatus\": \"CREATING\"}")), &state), 0);
	ck_assert_str_eq(state, "CREATING");
	ck_assert_int_eq(table_settled(H, V(ptl_json("{\"TableStatus\": \"ACTIVE\", "
	    "\"GlobalSecondaryIndexes\": [{\"IndexStatus\": \"ACTIVE\"}, {\"IndexStatus\": "
	    "\"CREATING\"}]}")), &state), 0);
	ck_assert_str_eq(state, "CREATING");
	ck_assert_int_eq(table_settled(H, V(ptl_json("{\"TableStatus\": \"ARCHIVED\"}")), &state), -1);
	ck_assert_str_eq(state, "ARCHIVED");
}
END_TEST

START_TEST(test_nothing_to_do)
{
	struct fugue_json *w;
	char *what;

	ck_assert_int_eq(next_update(DESIRED, DESCRIBED, &w, &what), 0);
	ck_assert_ptr_null(what);
	H->j_free(w);
}
END_TEST

START_TEST(test_indexes)
{
	struct fugue_json *w;
	char *what, *d;

	/* An index not desired is deleted, one per call. */
	d = with(DESIRED, "GlobalSecondaryIndexes", "[]");
	ck_assert_int_eq(next_update(d, DESCRIBED, &w, &what), 1);
	ck_assert_str_eq(what, "delete index by-g");
	assert_json(w, "{\"TableName\": \"t\", \"GlobalSecondaryIndexUpdates\": [{\"Delete\": "
	    "{\"IndexName\": \"by-g\"}}]}");
	H->j_free(w);
	free(what);
	free(d);
	/* Other keys: deleted to be created again. */
	d = with(DESIRED, "GlobalSecondaryIndexes", "[{\"IndexName\": \"by-g\", \"KeySchema\": "
	    "[{\"AttributeName\": \"pk\", \"KeyType\": \"HASH\"}], \"Projection\": "
	    "{\"ProjectionType\": \"KEYS_ONLY\"}}]");
	ck_assert_int_eq(next_update(d, DESCRIBED, &w, &what), 1);
	ck_assert_str_eq(what, "delete index by-g to re-create it with its new keys or projection");
	H->j_free(w);
	free(what);
	/* ... and once gone, created with the attribute definitions. */
	ck_assert_int_eq(next_update(d, "{" TABLE_MEMBERS ", \"ProvisionedThroughput\": "
	    PT(5, 5) "}", &w, &what), 1);
	ck_assert_str_eq(what, "create index by-g");
	assert_json(w, "{\"TableName\": \"t\", \"AttributeDefinitions\": [{\"AttributeName\": "
	    "\"pk\", \"AttributeType\": \"S\"}, {\"AttributeName\": \"g\", \"AttributeType\": "
	    "\"S\"}], \"GlobalSecondaryIndexUpdates\": [{\"Create\": {\"IndexName\": \"by-g\", "
	    "\"KeySchema\": [{\"AttributeName\": \"pk\", \"KeyType\": \"HASH\"}], \"Projection\": "
	    "{\"ProjectionType\": \"KEYS_ONLY\"}}}]}");
	H->j_free(w);
	free(what);
	free(d);
}
END_TEST

START_TEST(test_billing)
{
	struct fugue_json *w;
	char *what, *d, *d2;

	/* Table and index throughput in one call. */
	d = with(DESIRED, "ProvisionedThroughput", PT(7, 3));
	d2 = with(d, "GlobalSecondaryIndexes", "[" INDEX_G(PT(2, 2)) "]");
	ck_assert_int_eq(next_update(d2, DESCRIBED, &w, &what), 1);
	ck_assert_str_eq(what, "change the provisioned throughput");
	assert_json(w, "{\"TableName\": \"t\", \"ProvisionedThroughput\": " PT(7, 3) ", "
	    "\"GlobalSecondaryIndexUpdates\": [{\"Update\": {\"IndexName\": \"by-g\", "
	    "\"ProvisionedThroughput\": " PT(2, 2) "}}]}");
	H->j_free(w);
	free(what);
	free(d);
	free(d2);
	/* On demand: the billing mode alone; throughput then is an error. */
	d = with(DESIRED, "BillingMode", "\"PAY_PER_REQUEST\"");
	ck_assert_int_eq(next_update(d, DESCRIBED, &w, &what), -1);
	ck_assert_str_eq(what, "ProvisionedThroughput goes with BillingMode PROVISIONED only");
	H->j_free(w);
	free(what);
	d2 = with(d, "ProvisionedThroughput", NULL);
	ck_assert_int_eq(next_update(d2, DESCRIBED, &w, &what), 1);
	assert_json(w, "{\"TableName\": \"t\", \"BillingMode\": \"PAY_PER_REQUEST\"}");
	H->j_free(w);
	free(what);
	free(d);
	free(d2);
}
END_TEST

START_TEST(test_settings)
{
	static const struct {
		const char *key, *desired, *described, *what, *body;
	} cases[] = {
		{ "StreamSpecification", "{\"StreamEnabled\": true, \"StreamViewType\": "
		    "\"NEW_IMAGE\"}", "\"StreamSpecification\": {\"StreamEnabled\": true, "
		    "\"StreamViewType\": \"KEYS_ONLY\"}",
		    "turn the stream off to change its view type",
		    "\"StreamSpecification\": {\"StreamEnabled\": false}" },
		{ "StreamSpecification", "{\"StreamEnabled\": true, \"StreamViewType\": "
		    "\"NEW_IMAGE\"}", "\"X\": 0", "turn the stream on", "\"StreamSpecification\": "
		    "{\"StreamEnabled\": true, \"StreamViewType\": \"NEW_IMAGE\"}" },
		{ "SSESpecification", "{\"Enabled\": true, \"KMSMasterKeyId\": \"k-2\"}",
		    "\"SSEDescription\": {\"Status\": \"ENABLED\", \"KMSMasterKeyArn\": "
		    "\"arn:aws:kms:us-east-1:1:key/k-1\"}", "change the server-side encryption",
		    "\"SSESpecification\": {\"Enabled\": true, \"SSEType\": \"KMS\", "
		    "\"KMSMasterKeyId\": \"k-2\"}" },
		{ "SSESpecification", "{\"Enabled\": false}", "\"SSEDescription\": {\"Status\": "
		    "\"ENABLED\"}", "change the server-side encryption", "\"SSESpecification\": "
		    "{\"Enabled\": false}" },
		{ "TableClass", "\"STANDARD_INFREQUENT_ACCESS\"", "\"X\": 0",
		    "change the table class", "\"TableClass\": \"STANDARD_INFREQUENT_ACCESS\"" },
		{ "DeletionProtectionEnabled", "true", "\"X\": 0", "turn deletion protection on",
		    "\"DeletionProtectionEnabled\": true" },
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char *d = with(DESIRED, cases[i].key, cases[i].desired), *what;
		char *described = fg_printf("{%.*s, %s}", (int)strlen(DESCRIBED) - 2, DESCRIBED + 1,
		    cases[i].described);
		char *body = fg_printf("{\"TableName\": \"t\", %s}", cases[i].body);
		struct fugue_json *w;

		ck_assert_int_eq(next_update(d, described, &w, &what), 1);
		ck_assert_str_eq(what, cases[i].what);
		assert_json(w, body);
		H->j_free(w);
		free(what);
		free(d);
		free(described);
		free(body);
	}
}
END_TEST

START_TEST(test_kms_key_names)
{
	static const char *const named[] = { "k-1", "arn:aws:kms:us-east-1:1:key/k-1",
		"alias/mine" };
	const char *described = "{" TABLE_MEMBERS ", \"ProvisionedThroughput\": " PT(5, 5) ", "
	    "\"GlobalSecondaryIndexes\": [" INDEX_G(PT(1, 1)) "], \"SSEDescription\": {\"Status\": "
	    "\"ENABLED\", \"KMSMasterKeyArn\": \"arn:aws:kms:us-east-1:1:key/k-1\"}}";

	/* A key id, the ARN or an alias (taken at its word) all name the table's key. */
	for (size_t i = 0; i < sizeof(named) / sizeof(named[0]); i++) {
		char *sse = fg_printf("{\"Enabled\": true, \"KMSMasterKeyId\": \"%s\"}", named[i]);
		char *d = with(DESIRED, "SSESpecification", sse), *what;
		struct fugue_json *w;

		ck_assert_int_eq(next_update(d, described, &w, &what), 0);
		H->j_free(w);
		free(d);
		free(sse);
	}
}
END_TEST

/* The suite. */
static Suite *
plugin_ddb_table_suite(void)
{
	Suite *s = suite_create("plugin_ddb_table");
	TCase *tc = tcase_create("core");

	tcase_add_checked_fixture(tc, NULL, ptl_free);
	tcase_add_test(tc, test_create_body);
	tcase_add_test(tc, test_observe);
	tcase_add_test(tc, test_settled);
	tcase_add_test(tc, test_nothing_to_do);
	tcase_add_test(tc, test_indexes);
	tcase_add_test(tc, test_billing);
	tcase_add_test(tc, test_settings);
	tcase_add_test(tc, test_kms_key_names);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	SRunner *sr = srunner_create(plugin_ddb_table_suite());
	int failed;

	srunner_run_all(sr, CK_ENV);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed != 0;
}
