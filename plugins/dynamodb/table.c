/* table.c: AWS.DynamoDB.Table's properties on the DynamoDB wire (see table.h). Property names
 * are the API's, so requests copy desired values; what DynamoDB leaves out of a
 * TableDescription when it is at its default (billing mode, streams, encryption, table class,
 * deletion protection) is reported at that default. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../util.h"
#include "table.h"

#define PROVISIONED "PROVISIONED"

/* The string at path of v, or dflt. */
static const char *
str_or(const struct fugue_host *h, const struct fugue_value *v, const char *path,
    const char *dflt)
{
	const char *s = v ? h->v_str(v, path) : NULL;

	return s ? s : dflt;
}

/* The boolean at path of v, or dflt. */
static int
bool_or(const struct fugue_host *h, const struct fugue_value *v, const char *path, int dflt)
{
	int b;

	return v != NULL && h->v_bool(v, path, &b) == 0 ? b : dflt;
}

/* 1 when two strings (NULL allowed) are equal. */
static int
same(const char *a, const char *b)
{
	return a == b || (a != NULL && b != NULL && strcmp(a, b) == 0);
}

/* "a b c" for what a step does (caller frees). */
static char *
say(const char *a, const char *b, const char *c)
{
	struct pbuf p = { 0 };

	pbuf_add(&p, a);
	pbuf_add(&p, b ? b : "");
	pbuf_add(&p, c);
	return p.s;
}

/* The billing mode of a TableDescription (DynamoDB leaves it out for provisioned tables). */
static const char *
billing_of(const struct fugue_host *h, const struct fugue_value *d)
{
	return str_or(h, d, "BillingModeSummary/BillingMode", PROVISIONED);
}

/* Copies member key of v into w when it is present. */
static void
copy_member(const struct fugue_host *h, struct fugue_json *w, const struct fugue_value *v,
    const char *key)
{
	const struct fugue_value *m = h->v_get(v, key);

	if (m == NULL || h->v_type(m, "") == FUGUE_V_NULL)
		return;
	h->j_key(w, key);
	h->j_value(w, m);
}

/* Writes ProvisionedThroughput {ReadCapacityUnits, WriteCapacityUnits} of v, if it has one. */
static void
write_throughput(const struct fugue_host *h, struct fugue_json *w, const struct fugue_value *v)
{
	int64_t r, wr;

	if (h->v_int(v, "ProvisionedThroughput/ReadCapacityUnits", &r) < 0 ||
	    h->v_int(v, "ProvisionedThroughput/WriteCapacityUnits", &wr) < 0)
		return;
	h->j_key(w, "ProvisionedThroughput");
	h->j_obj(w);
	h->j_key(w, "ReadCapacityUnits");
	h->j_int(w, r);
	h->j_key(w, "WriteCapacityUnits");
	h->j_int(w, wr);
	h->j_end_obj(w);
}

/* Writes a KeySchema array (AttributeName, KeyType of each element). */
static void
write_keys(const struct fugue_host *h, struct fugue_json *w, const struct fugue_value *ks)
{
	size_t n = h->v_len(ks, "");

	h->j_arr(w);
	for (size_t i = 0; i < n; i++) {
		const struct fugue_value *k = h->v_at(ks, i);

		h->j_obj(w);
		h->j_key(w, "AttributeName");
		h->j_str(w, h->v_str(k, "AttributeName"));
		h->j_key(w, "KeyType");
		h->j_str(w, h->v_str(k, "KeyType"));
		h->j_end_obj(w);
	}
	h->j_end_arr(w);
}

/* Writes one index of a TableDescription as the schema has it; throughput: with its
 * ProvisionedThroughput (global indexes of a provisioned table). */
static void
write_index(const struct fugue_host *h, struct fugue_json *w, const struct fugue_value *ix,
    int throughput)
{
	const struct fugue_value *nka = h->v_get(ix, "Projection/NonKeyAttributes");

	h->j_obj(w);
	h->j_key(w, "IndexName");
	h->j_str(w, h->v_str(ix, "IndexName"));
	h->j_key(w, "KeySchema");
	write_keys(h, w, h->v_get(ix, "KeySchema"));
	h->j_key(w, "Projection");
	h->j_obj(w);
	h->j_key(w, "ProjectionType");
	h->j_str(w, str_or(h, ix, "Projection/ProjectionType", "ALL"));
	if (h->v_len(nka, "") > 0) {
		h->j_key(w, "NonKeyAttributes");
		h->j_value(w, nka);
	}
	h->j_end_obj(w);
	if (throughput)
		write_throughput(h, w, ix);
	h->j_end_obj(w);
}

/* Writes an index list of a TableDescription (absent: none). */
static void
write_indexes(const struct fugue_host *h, struct fugue_json *w, const struct fugue_value *d,
    const char *key, int throughput)
{
	const struct fugue_value *list = h->v_get(d, key);
	size_t n = h->v_len(list, "");

	h->j_key(w, key);
	h->j_arr(w);
	for (size_t i = 0; i < n; i++)
		write_index(h, w, h->v_at(list, i), throughput);
	h->j_end_arr(w);
}

/* 1 when key names KMS key arn: the ARN itself, or the key id at its end. An alias cannot
 * be resolved without KMS and is taken at its word. */
static int
key_names(const char *key, const char *arn)
{
	size_t lk, la;

	if (key == NULL || arn == NULL)
		return 0;
	if (strncmp(key, "alias/", 6) == 0 || strstr(key, ":alias/") != NULL)
		return 1;
	lk = strlen(key);
	la = strlen(arn);
	return strcmp(key, arn) == 0 || (la > lk && arn[la - lk - 1] == '/' &&
	    strcmp(arn + la - lk, key) == 0);
}

/* 1 when server-side encryption with a KMS key is on (or being turned on). */
static int
sse_enabled(const struct fugue_host *h, const struct fugue_value *d)
{
	const char *st = str_or(h, d, "SSEDescription/Status", "DISABLED");

	return strcmp(st, "ENABLED") == 0 || strcmp(st, "ENABLING") == 0 ||
	    strcmp(st, "UPDATING") == 0;
}

/* The KMS key of the table as the composition names it when it names that key, else the
 * key's ARN (NULL without one). */
static const char *
sse_key(const struct fugue_host *h, const struct fugue_value *d,
    const struct fugue_value *desired)
{
	const char *arn = str_or(h, d, "SSEDescription/KMSMasterKeyArn", NULL);
	const char *want = str_or(h, desired, "SSESpecification/KMSMasterKeyId", NULL);

	return key_names(want, arn) ? want : arn;
}

/* Writes the properties and attributes of a TableDescription (Tags aside). */
void
table_observe(const struct fugue_host *h, struct fugue_json *w, const struct fugue_value *d,
    const char *region, const struct fugue_value *desired)
{
	const char *billing = billing_of(h, d);
	int provisioned = strcmp(billing, PROVISIONED) == 0;
	int stream = bool_or(h, d, "StreamSpecification/StreamEnabled", 0);
	const char *key;

	h->j_key(w, "TableName");
	h->j_str(w, h->v_str(d, "TableName"));
	if (region != NULL) {
		h->j_key(w, "Region");
		h->j_str(w, region);
	}
	h->j_key(w, "AttributeDefinitions");
	h->j_arr(w);
	for (size_t i = 0; i < h->v_len(d, "AttributeDefinitions"); i++) {
		const struct fugue_value *a = h->v_at(h->v_get(d, "AttributeDefinitions"), i);

		h->j_obj(w);
		h->j_key(w, "AttributeName");
		h->j_str(w, h->v_str(a, "AttributeName"));
		h->j_key(w, "AttributeType");
		h->j_str(w, h->v_str(a, "AttributeType"));
		h->j_end_obj(w);
	}
	h->j_end_arr(w);
	h->j_key(w, "KeySchema");
	write_keys(h, w, h->v_get(d, "KeySchema"));
	h->j_key(w, "BillingMode");
	h->j_str(w, billing);
	/* A PAY_PER_REQUEST table reports zero units: not a throughput anyone set. */
	if (provisioned)
		write_throughput(h, w, d);
	write_indexes(h, w, d, "GlobalSecondaryIndexes", provisioned);
	write_indexes(h, w, d, "LocalSecondaryIndexes", 0);
	h->j_key(w, "StreamSpecification");
	h->j_obj(w);
	h->j_key(w, "StreamEnabled");
	h->j_bool(w, stream);
	if (stream && h->v_str(d, "StreamSpecification/StreamViewType") != NULL) {
		h->j_key(w, "StreamViewType");
		h->j_str(w, h->v_str(d, "StreamSpecification/StreamViewType"));
	}
	h->j_end_obj(w);
	h->j_key(w, "SSESpecification");
	h->j_obj(w);
	h->j_key(w, "Enabled");
	h->j_bool(w, sse_enabled(h, d));
	if (sse_enabled(h, d)) {
		h->j_key(w, "SSEType");
		h->j_str(w, str_or(h, d, "SSEDescription/SSEType", "KMS"));
		if ((key = sse_key(h, d, desired)) != NULL) {
			h->j_key(w, "KMSMasterKeyId");
			h->j_str(w, key);
		}
	}
	h->j_end_obj(w);
	h->j_key(w, "TableClass");
	h->j_str(w, str_or(h, d, "TableClassSummary/TableClass", "STANDARD"));
	h->j_key(w, "DeletionProtectionEnabled");
	h->j_bool(w, bool_or(h, d, "DeletionProtectionEnabled", 0));
	h->j_key(w, "TableArn");
	h->j_str(w, h->v_str(d, "TableArn"));
	h->j_key(w, "TableId");
	h->j_str(w, h->v_str(d, "TableId"));
	if (h->v_str(d, "LatestStreamArn") != NULL) {
		h->j_key(w, "LatestStreamArn");
		h->j_str(w, h->v_str(d, "LatestStreamArn"));
	}
}

/* Whether the table and its global indexes are ACTIVE. */
int
table_settled(const struct fugue_host *h, const struct fugue_value *d, const char **state)
{
	static const char *const passing[] = { "CREATING", "UPDATING", "DELETING" };
	const struct fugue_value *gsis = h->v_get(d, "GlobalSecondaryIndexes");
	size_t n = h->v_len(gsis, "");

	*state = str_or(h, d, "TableStatus", "ACTIVE");
	for (size_t i = 0; strcmp(*state, "ACTIVE") == 0 && i < n; i++)
		*state = str_or(h, h->v_at(gsis, i), "IndexStatus", "ACTIVE");
	if (strcmp(*state, "ACTIVE") == 0)
		return 1;
	for (size_t i = 0; i < sizeof(passing) / sizeof(passing[0]); i++)
		if (strcmp(*state, passing[i]) == 0)
			return 0;
	return -1;
}

/* Writes the CreateTable request. */
void
table_create_body(const struct fugue_host *h, struct fugue_json *w,
    const struct fugue_value *desired)
{
	/* DynamoDB itself refuses ProvisionedThroughput without PROVISIONED, and the reverse. */
	static const char *const members[] = { "TableName", "AttributeDefinitions", "KeySchema",
		"BillingMode", "ProvisionedThroughput", "StreamSpecification", "SSESpecification",
		"TableClass", "DeletionProtectionEnabled", "Tags" };

	h->j_obj(w);
	for (size_t i = 0; i < sizeof(members) / sizeof(members[0]); i++)
		copy_member(h, w, desired, members[i]);
	/* DynamoDB refuses an empty index list. */
	if (h->v_len(desired, "GlobalSecondaryIndexes") > 0)
		copy_member(h, w, desired, "GlobalSecondaryIndexes");
	if (h->v_len(desired, "LocalSecondaryIndexes") > 0)
		copy_member(h, w, desired, "LocalSecondaryIndexes");
	h->j_end_obj(w);
}

/* --- the next UpdateTable --- */

/* The item of index list (or NULL) whose IndexName is name. */
static const struct fugue_value *
index_named(const struct fugue_host *h, const struct fugue_value *list, const char *name)
{
	size_t n = h->v_len(list, "");

	for (size_t i = 0; name != NULL && i < n; i++)
		if (same(h->v_str(h->v_at(list, i), "IndexName"), name))
			return h->v_at(list, i);
	return NULL;
}

/* 1 when string array b holds every string of a (both as sets). */
static int
strings_within(const struct fugue_host *h, const struct fugue_value *a,
    const struct fugue_value *b)
{
	for (size_t i = 0; i < h->v_len(a, ""); i++) {
		const char *s = h->v_str(h->v_at(a, i), "");
		int found = 0;

		for (size_t j = 0; j < h->v_len(b, "") && !found; j++)
			found = same(s, h->v_str(h->v_at(b, j), ""));
		if (!found)
			return 0;
	}
	return 1;
}

/* 1 when two indexes have the same key schema and projection (what only a new index
 * changes). */
static int
index_shape_equal(const struct fugue_host *h, const struct fugue_value *a,
    const struct fugue_value *b)
{
	const struct fugue_value *ka = h->v_get(a, "KeySchema"), *kb = h->v_get(b, "KeySchema");
	const struct fugue_value *na = h->v_get(a, "Projection/NonKeyAttributes");
	const struct fugue_value *nb = h->v_get(b, "Projection/NonKeyAttributes");
	size_t n = h->v_len(ka, "");

	if (n != h->v_len(kb, "") || h->v_len(na, "") != h->v_len(nb, "") ||
	    !strings_within(h, na, nb) ||
	    !same(str_or(h, a, "Projection/ProjectionType", "ALL"),
	    str_or(h, b, "Projection/ProjectionType", "ALL")))
		return 0;
	for (size_t i = 0; i < n; i++) {
		const struct fugue_value *x = h->v_at(ka, i), *y = h->v_at(kb, i);

		if (!same(h->v_str(x, "AttributeName"), h->v_str(y, "AttributeName")) ||
		    !same(h->v_str(x, "KeyType"), h->v_str(y, "KeyType")))
			return 0;
	}
	return 1;
}

/* 1 when want sets a ProvisionedThroughput that have does not have. */
static int
throughput_differs(const struct fugue_host *h, const struct fugue_value *want,
    const struct fugue_value *have)
{
	int64_t wr, ww, hr = -1, hw = -1;

	if (h->v_int(want, "ProvisionedThroughput/ReadCapacityUnits", &wr) < 0 ||
	    h->v_int(want, "ProvisionedThroughput/WriteCapacityUnits", &ww) < 0)
		return 0;
	h->v_int(have, "ProvisionedThroughput/ReadCapacityUnits", &hr);
	h->v_int(have, "ProvisionedThroughput/WriteCapacityUnits", &hw);
	return wr != hr || ww != hw;
}

/* Starts an UpdateTable request for table name. */
static void
update_begin(const struct fugue_host *h, struct fugue_json *w, const struct fugue_value *d)
{
	h->j_obj(w);
	h->j_key(w, "TableName");
	h->j_str(w, h->v_str(d, "TableName"));
}

/* An index of the table that is not desired as it is: UpdateTable deletes it. */
static int
step_delete_index(const struct fugue_host *h, struct fugue_json *w,
    const struct fugue_value *desired, const struct fugue_value *d, char **what)
{
	const struct fugue_value *have = h->v_get(d, "GlobalSecondaryIndexes");
	const struct fugue_value *want = h->v_get(desired, "GlobalSecondaryIndexes");

	for (size_t i = 0; i < h->v_len(have, ""); i++) {
		const struct fugue_value *ix = h->v_at(have, i), *wx;
		const char *name = h->v_str(ix, "IndexName");

		wx = index_named(h, want, name);
		if (wx != NULL && index_shape_equal(h, wx, ix))
			continue;
		update_begin(h, w, d);
		h->j_key(w, "GlobalSecondaryIndexUpdates");
		h->j_arr(w);
		h->j_obj(w);
		h->j_key(w, "Delete");
		h->j_obj(w);
		h->j_key(w, "IndexName");
		h->j_str(w, name);
		h->j_end_obj(w);
		h->j_end_obj(w);
		h->j_end_arr(w);
		h->j_end_obj(w);
		*what = say("delete index ", name, wx ? " to re-create it with its new keys or "
		    "projection" : "");
		return 1;
	}
	return 0;
}

/* Billing mode and throughput of the table and of the indexes it keeps, in one call. */
static int
step_billing(const struct fugue_host *h, struct fugue_json *w,
    const struct fugue_value *desired, const struct fugue_value *d, char **what)
{
	const char *want = str_or(h, desired, "BillingMode", PROVISIONED);
	int to_prov = strcmp(want, PROVISIONED) == 0;
	int switching = strcmp(want, billing_of(h, d)) != 0;
	const struct fugue_value *have_ix = h->v_get(d, "GlobalSecondaryIndexes");
	const struct fugue_value *want_ix = h->v_get(desired, "GlobalSecondaryIndexes");
	int table_pt = to_prov && (switching || throughput_differs(h, desired, d));
	size_t nix = 0;

	for (size_t i = 0; to_prov && i < h->v_len(have_ix, ""); i++) {
		const struct fugue_value *ix = h->v_at(have_ix, i);
		const struct fugue_value *wx = index_named(h, want_ix, h->v_str(ix, "IndexName"));

		nix += wx != NULL && (switching || throughput_differs(h, wx, ix));
	}
	if (!to_prov && h->v_get(desired, "ProvisionedThroughput") != NULL) {
		*what = pdup("ProvisionedThroughput goes with BillingMode PROVISIONED only");
		return -1;
	}
	if (!switching && !table_pt && nix == 0)
		return 0;
	if (table_pt && h->v_get(desired, "ProvisionedThroughput") == NULL) {
		*what = pdup("BillingMode PROVISIONED needs ProvisionedThroughput");
		return -1;
	}
	update_begin(h, w, d);
	if (switching) {
		h->j_key(w, "BillingMode");
		h->j_str(w, want);
	}
	if (table_pt)
		write_throughput(h, w, desired);
	if (nix > 0) {
		h->j_key(w, "GlobalSecondaryIndexUpdates");
		h->j_arr(w);
		for (size_t i = 0; i < h->v_len(have_ix, ""); i++) {
			const struct fugue_value *ix = h->v_at(have_ix, i);
			const struct fugue_value *wx = index_named(h, want_ix,
			    h->v_str(ix, "IndexName"));

			if (wx == NULL || !(switching || throughput_differs(h, wx, ix)))
				continue;
			h->j_obj(w);
			h->j_key(w, "Update");
			h->j_obj(w);
			h->j_key(w, "IndexName");
			h->j_str(w, h->v_str(wx, "IndexName"));
			write_throughput(h, w, wx);
			h->j_end_obj(w);
			h->j_end_obj(w);
		}
		h->j_end_arr(w);
	}
	h->j_end_obj(w);
	*what = pdup(switching ? "change the billing mode" : "change the provisioned throughput");
	return 1;
}

/* A desired index the table lacks: UpdateTable creates it. */
static int
step_create_index(const struct fugue_host *h, struct fugue_json *w,
    const struct fugue_value *desired, const struct fugue_value *d, char **what)
{
	const struct fugue_value *want = h->v_get(desired, "GlobalSecondaryIndexes");
	const struct fugue_value *have = h->v_get(d, "GlobalSecondaryIndexes");
	int prov = strcmp(str_or(h, desired, "BillingMode", PROVISIONED), PROVISIONED) == 0;

	for (size_t i = 0; i < h->v_len(want, ""); i++) {
		const struct fugue_value *wx = h->v_at(want, i);

		if (index_named(h, have, h->v_str(wx, "IndexName")) != NULL)
			continue;
		update_begin(h, w, d);
		copy_member(h, w, desired, "AttributeDefinitions");
		h->j_key(w, "GlobalSecondaryIndexUpdates");
		h->j_arr(w);
		h->j_obj(w);
		h->j_key(w, "Create");
		h->j_obj(w);
		copy_member(h, w, wx, "IndexName");
		copy_member(h, w, wx, "KeySchema");
		copy_member(h, w, wx, "Projection");
		if (prov)
			copy_member(h, w, wx, "ProvisionedThroughput");
		h->j_end_obj(w);
		h->j_end_obj(w);
		h->j_end_arr(w);
		h->j_end_obj(w);
		*what = say("create index ", h->v_str(wx, "IndexName"), "");
		return 1;
	}
	return 0;
}

/* Streams: on, off, or another view type (off first: DynamoDB cannot switch it directly). */
static int
step_stream(const struct fugue_host *h, struct fugue_json *w, const struct fugue_value *desired,
    const struct fugue_value *d, char **what)
{
	const struct fugue_value *want = h->v_get(desired, "StreamSpecification");
	int on = bool_or(h, want, "StreamEnabled", 0);
	int was = bool_or(h, d, "StreamSpecification/StreamEnabled", 0);
	const char *view = str_or(h, want, "StreamViewType", NULL);
	const char *had = str_or(h, d, "StreamSpecification/StreamViewType", NULL);

	if (want == NULL || (on == was && (!on || view == NULL || same(view, had))))
		return 0;
	update_begin(h, w, d);
	h->j_key(w, "StreamSpecification");
	if (on && was) {
		h->j_obj(w);
		h->j_key(w, "StreamEnabled");
		h->j_bool(w, 0);
		h->j_end_obj(w);
		*what = pdup("turn the stream off to change its view type");
	} else {
		h->j_value(w, want);
		*what = pdup(on ? "turn the stream on" : "turn the stream off");
	}
	h->j_end_obj(w);
	return 1;
}

/* Server-side encryption: on or off, or another KMS key. */
static int
step_sse(const struct fugue_host *h, struct fugue_json *w, const struct fugue_value *desired,
    const struct fugue_value *d, char **what)
{
	const struct fugue_value *want = h->v_get(desired, "SSESpecification");
	int on = bool_or(h, want, "Enabled", 0);
	const char *key = str_or(h, want, "KMSMasterKeyId", NULL);

	if (want == NULL || (on == sse_enabled(h, d) &&
	    (!on || key == NULL || same(key, sse_key(h, d, desired)))))
		return 0;
	update_begin(h, w, d);
	h->j_key(w, "SSESpecification");
	h->j_obj(w);
	h->j_key(w, "Enabled");
	h->j_bool(w, on);
	if (on) {
		h->j_key(w, "SSEType");
		h->j_str(w, "KMS");
		if (key != NULL) {
			h->j_key(w, "KMSMasterKeyId");
			h->j_str(w, key);
		}
	}
	h->j_end_obj(w);
	h->j_end_obj(w);
	*what = pdup("change the server-side encryption");
	return 1;
}

/* The table class. */
static int
step_class(const struct fugue_host *h, struct fugue_json *w, const struct fugue_value *desired,
    const struct fugue_value *d, char **what)
{
	const char *want = str_or(h, desired, "TableClass", "STANDARD");

	if (same(want, str_or(h, d, "TableClassSummary/TableClass", "STANDARD")))
		return 0;
	update_begin(h, w, d);
	h->j_key(w, "TableClass");
	h->j_str(w, want);
	h->j_end_obj(w);
	*what = pdup("change the table class");
	return 1;
}

/* Deletion protection. */
static int
step_protection(const struct fugue_host *h, struct fugue_json *w,
    const struct fugue_value *desired, const struct fugue_value *d, char **what)
{
	int want = bool_or(h, desired, "DeletionProtectionEnabled", 0);

	if (want == bool_or(h, d, "DeletionProtectionEnabled", 0))
		return 0;
	update_begin(h, w, d);
	h->j_key(w, "DeletionProtectionEnabled");
	h->j_bool(w, want);
	h->j_end_obj(w);
	*what = pdup(want ? "turn deletion protection on" : "turn deletion protection off");
	return 1;
}

/* The next UpdateTable, in the order table.h gives. */
int
table_next_update(const struct fugue_host *h, struct fugue_json *w,
    const struct fugue_value *desired, const struct fugue_value *d, char **what)
{
	static int (*const steps[])(const struct fugue_host *, struct fugue_json *,
	    const struct fugue_value *, const struct fugue_value *, char **) = {
		step_delete_index, step_billing, step_create_index, step_stream, step_sse,
		step_class, step_protection,
	};

	*what = NULL;
	for (size_t i = 0; i < sizeof(steps) / sizeof(steps[0]); i++) {
		int rc = steps[i](h, w, desired, d, what);

		if (rc != 0)
			return rc;
	}
	return 0;
}
