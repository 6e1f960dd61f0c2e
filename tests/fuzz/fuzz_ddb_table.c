/* fuzz_ddb_table.c: the dynamodb plugin's reading of DynamoDB's replies (plugins/dynamodb/table.c)
 * through the Conductor's own host: a TableDescription (bit 0 of the first byte clear) becomes
 * observed properties, a settled state and the next UpdateTable towards a fixed desired table;
 * or desired properties (bit 0 set) become a CreateTable request and the next UpdateTable from
 * a fixed described table. Every request written must be JSON. */
#include "config.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "../../plugins/dynamodb/table.h"
#include "engine_int.h"

int LLVMFuzzerTestOneInput(const uint8_t *, size_t);

static const struct fugue_host *H = &host_api;

static const char desired_json[] =
    "{\"TableName\":\"t\",\"Region\":\"us-east-1\",\"KeySchema\":[{\"AttributeName\":\"pk\","
    "\"KeyType\":\"HASH\"}],\"AttributeDefinitions\":[{\"AttributeName\":\"pk\","
    "\"AttributeType\":\"S\"},{\"AttributeName\":\"g\",\"AttributeType\":\"S\"}],"
    "\"BillingMode\":\"PROVISIONED\",\"ProvisionedThroughput\":{\"ReadCapacityUnits\":5,"
    "\"WriteCapacityUnits\":5},\"GlobalSecondaryIndexes\":[{\"IndexName\":\"by-g\","
    "\"KeySchema\":[{\"AttributeName\":\"g\",\"KeyType\":\"HASH\"}],\"Projection\":"
    "{\"ProjectionType\":\"KEYS_ONLY\"},\"ProvisionedThroughput\":{\"ReadCapacityUnits\":1,"
    "\"WriteCapacityUnits\":1}}],\"LocalSecondaryIndexes\":[],\"TableClass\":\"STANDARD\","
    "\"StreamSpecification\":{\"StreamEnabled\":true,\"StreamViewType\":\"NEW_IMAGE\"},"
    "\"SSESpecification\":{\"Enabled\":true,\"SSEType\":\"KMS\",\"KMSMasterKeyId\":"
    "\"alias/k\"},\"DeletionProtectionEnabled\":true}";
static const char described_json[] =
    "{\"TableName\":\"t\",\"TableArn\":\"arn:aws:dynamodb:us-east-1:1:table/t\","
    "\"TableId\":\"id-1\",\"TableStatus\":\"ACTIVE\",\"KeySchema\":[{\"AttributeName\":\"pk\","
    "\"KeyType\":\"HASH\"}],\"AttributeDefinitions\":[{\"AttributeName\":\"pk\","
    "\"AttributeType\":\"S\"}],\"ProvisionedThroughput\":{\"NumberOfDecreasesToday\":0,"
    "\"ReadCapacityUnits\":1,\"WriteCapacityUnits\":1},\"BillingModeSummary\":"
    "{\"BillingMode\":\"PROVISIONED\"}}";

/* Parses a fixture (they are valid). */
static fg_json
fixture(const char *text)
{
	char *err = NULL;
	fg_json v = fg_json_parse(text, strlen(text), &err);

	if (v == NULL)
		abort();
	return v;
}

/* The writer's text must be JSON; frees the writer. */
static void
check_written(struct fugue_json *w)
{
	const char *text = H->j_text(w);
	char *err = NULL;
	fg_json v = text && *text ? fg_json_parse(text, strlen(text), &err) : NULL;

	if (text && *text && v == NULL)
		abort();
	fg_json_free(v);
	H->j_free(w);
}

/* The next UpdateTable from d towards desired. */
static void
next_update(fg_json desired, fg_json d)
{
	struct fugue_json *w = H->j_new();
	char *what = NULL;
	int rc = table_next_update(H, w, (const struct fugue_value *)desired,
	    (const struct fugue_value *)d, &what);

	if (rc != 0 && (what == NULL || *what == '\0'))
		abort(); /* a step or a refusal without a description */
	free(what);
	check_written(w);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	fg_json in, fixed;
	struct fugue_json *w;
	char *err = NULL;
	const char *state = NULL;

	if (size < 1)
		return 0;
	if ((in = fg_json_parse((const char *)data + 1, size - 1, &err)) == NULL) {
		free(err);
		return 0;
	}
	w = H->j_new();
	if (data[0] & 1) {
		fixed = fixture(described_json);
		table_create_body(H, w, (const struct fugue_value *)in);
		check_written(w);
		next_update(in, fixed);
	} else {
		fixed = fixture(desired_json);
		H->j_obj(w);
		table_observe(H, w, (const struct fugue_value *)in, "us-east-1",
		    (const struct fugue_value *)fixed);
		H->j_end_obj(w);
		check_written(w);
		(void)table_settled(H, (const struct fugue_value *)in, &state);
		next_update(fixed, in);
	}
	fg_json_free(fixed);
	fg_json_free(in);
	return 0;
}
