/* check_query.c: unit tests for AWS query parameters: flattening, encoding, decoding. */
#include "config.h"

#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "query.h"

/* Encodes q and compares with want. */
static void
assert_encoded(const struct fg_query *q, const char *want)
{
	struct fg_buf b;

	fg_buf_init(&b);
	fg_query_encode(q, &b);
	ck_assert_str_eq(fg_buf_cstr(&b), want);
	fg_buf_free(&b);
}

START_TEST(sqs_create_queue)
{
	static const char *const names[] = { "VisibilityTimeout", "Policy" };
	static const char *const values[] = { "40", "{\"Version\": \"2012-10-17\"}" };
	static const char *const tk[] = { "team" }, *const tv[] = { "a b" };
	struct fg_query q;

	fg_query_init(&q);
	fg_query_add(&q, "Action", "CreateQueue");
	fg_query_add(&q, "QueueName", "fugue-requests");
	fg_query_add_map(&q, "Attribute", "Name", "Value", names, values, 2);
	fg_query_add_map(&q, "Tag", "Key", "Value", tk, tv, 1);
	fg_query_add(&q, "Version", "2012-11-05");
	ck_assert_str_eq(fg_query_get(&q, "Attribute.2.Name"), "Policy");
	ck_assert_str_eq(fg_query_getf(&q, "Attribute.%u.Value", 1u), "40");
	ck_assert_ptr_null(fg_query_get(&q, "Attribute.3.Name"));
	assert_encoded(&q, "Action=CreateQueue"
	    "&Attribute.1.Name=VisibilityTimeout&Attribute.1.Value=40&Attribute.2.Name=Policy"
	    "&Attribute.2.Value=%7B%22Version%22%3A%20%222012-10-17%22%7D"
	    "&QueueName=fugue-requests&Tag.1.Key=team&Tag.1.Value=a%20b&Version=2012-11-05");
	fg_query_free(&q);
	ck_assert_uint_eq(q.n, 0);
}
END_TEST

START_TEST(lists_continue_numbering)
{
	static const char *const ids[] = { "i-1", "i-2" }, *const more[] = { "i-3" };
	static const char *const k[] = { "fugue:fid", "Name" }, *const v[] = { "f-1", "web" };
	struct fg_query q;

	fg_query_init(&q);
	fg_query_add_list(&q, "InstanceId", ids, 2);
	fg_query_add_list(&q, "InstanceId", more, 1);
	fg_query_add_list(&q, "AttributeNames.member", more, 1);
	fg_query_add_map(&q, "Tags.member", "Key", "Value", k, v, 2);
	fg_query_add_map(&q, "Attributes.entry", "key", "value", k, v, 1);
	fg_query_add_list(&q, "Empty", NULL, 0);
	ck_assert_str_eq(fg_query_get(&q, "InstanceId.3"), "i-3");
	ck_assert_str_eq(fg_query_get(&q, "AttributeNames.member.1"), "i-3");
	ck_assert_str_eq(fg_query_get(&q, "Tags.member.2.Key"), "Name");
	ck_assert_str_eq(fg_query_get(&q, "Tags.member.2.Value"), "web");
	ck_assert_str_eq(fg_query_get(&q, "Attributes.entry.1.key"), "fugue:fid");
	ck_assert_uint_eq(q.n, 10);
	fg_query_free(&q);
}
END_TEST

START_TEST(ec2_filters_and_tag_specs)
{
	static const char *const fid[] = { "f-1" }, *const states[] = { "pending", "running" };
	static const char *const k[] = { "fugue:fid", "fugue:id" };
	static const char *const v[] = { "f-1", "net.vpc" };
	struct fg_query q;

	fg_query_init(&q);
	fg_query_add(&q, "Action", "DescribeInstances");
	fg_query_add_filter(&q, "tag:fugue:fid", fid, 1);
	fg_query_add_filter(&q, "instance-state-name", states, 2);
	fg_query_add_tag_spec(&q, "vpc", k, v, 2);
	fg_query_add_tag_spec(&q, "subnet", k, v, 1);
	assert_encoded(&q, "Action=DescribeInstances"
	    "&Filter.1.Name=tag%3Afugue%3Afid&Filter.1.Value.1=f-1"
	    "&Filter.2.Name=instance-state-name&Filter.2.Value.1=pending&Filter.2.Value.2=running"
	    "&TagSpecification.1.ResourceType=vpc"
	    "&TagSpecification.1.Tag.1.Key=fugue%3Afid&TagSpecification.1.Tag.1.Value=f-1"
	    "&TagSpecification.1.Tag.2.Key=fugue%3Aid&TagSpecification.1.Tag.2.Value=net.vpc"
	    "&TagSpecification.2.ResourceType=subnet"
	    "&TagSpecification.2.Tag.1.Key=fugue%3Afid&TagSpecification.2.Tag.1.Value=f-1");
	fg_query_free(&q);
}
END_TEST

START_TEST(scalars_and_encoding)
{
	struct fg_query q;

	fg_query_init(&q);
	fg_query_add_int(&q, "MaxNumberOfMessages", 10);
	fg_query_add_int(&q, "Neg", -9000000000LL);
	fg_query_add_bool(&q, "DryRun", 1);
	fg_query_add_bool(&q, "IsDefault", 0);
	fg_query_addf(&q, "Text", "%s-%d", "x", 7);
	fg_query_add_at(&q, "SendMessageBatchRequestEntry", 1, "MessageBody",
	    "a b+c/d~e*f=&\xC3\xA9\n");
	fg_query_add(&q, "Dup", "second-added-first");
	fg_query_add(&q, "Dup", "added-second");
	fg_query_add(&q, "Filter.10.Name", "x");
	fg_query_add(&q, "Filter.2.Name", "y");
	ck_assert_str_eq(fg_query_get(&q, "Dup"), "second-added-first");
	assert_encoded(&q, "DryRun=true&Dup=second-added-first&Dup=added-second&Filter.10.Name=x"
	    "&Filter.2.Name=y&IsDefault=false&MaxNumberOfMessages=10&Neg=-9000000000"
	    "&SendMessageBatchRequestEntry.1.MessageBody=a%20b%2Bc%2Fd~e%2Af%3D%26%C3%A9%0A"
	    "&Text=x-7");
	fg_query_free(&q);
	fg_query_init(&q);
	assert_encoded(&q, "");
	fg_query_free(&q);
}
END_TEST

START_TEST(decode_forms_and_query_strings)
{
	static const char body[] = "Action=SendMessage&MessageBody=hello+world%21%0A%C3%A9"
	    "&Empty=&Flag&&QueueUrl=http%3A%2F%2F127.0.0.1%3A4566%2F1%2Fq&Raw=caf\xC3\xA9;x";
	struct fg_query q;
	char *err = NULL;

	fg_query_init(&q);
	ck_assert_int_eq(fg_query_decode(&q, body, strlen(body), &err), 0);
	ck_assert_ptr_null(err);
	ck_assert_uint_eq(q.n, 6);
	ck_assert_str_eq(q.v[0].key, "Action");
	ck_assert_str_eq(fg_query_get(&q, "MessageBody"), "hello world!\n\xC3\xA9");
	ck_assert_str_eq(fg_query_get(&q, "Empty"), "");
	ck_assert_str_eq(fg_query_get(&q, "Flag"), "");
	ck_assert_str_eq(fg_query_get(&q, "QueueUrl"), "http://127.0.0.1:4566/1/q");
	ck_assert_str_eq(fg_query_get(&q, "Raw"), "caf\xC3\xA9;x");
	ck_assert_int_eq(fg_query_decode(&q, "uploads", 7, &err), 0);
	ck_assert_str_eq(fg_query_get(&q, "uploads"), "");
	ck_assert_int_eq(fg_query_decode(&q, "", 0, &err), 0);
	ck_assert_uint_eq(q.n, 7);
	fg_query_free(&q);

	/* Only len bytes are read. */
	fg_query_init(&q);
	ck_assert_int_eq(fg_query_decode(&q, "a=1&b=%zz", 3, &err), 0);
	ck_assert_str_eq(fg_query_get(&q, "a"), "1");
	fg_query_free(&q);
}
END_TEST

START_TEST(decode_rejects_with_column)
{
	static const struct {
		const char *in;
		size_t len;
		const char *want;
	} bad[] = {
		{ "a=1&b=%zz", 9, "column 7: bad percent-escape \"%zz\" in a parameter value" },
		{ "a=%4", 4, "column 3: bad percent-escape \"%4\" in a parameter value" },
		{ "a=1&%=2", 7, "column 5: bad percent-escape \"%\" in a parameter name" },
		{ "a=1&=x", 6, "column 5: parameter with an empty name" },
		{ "a=x%00y", 7, "column 4: %00 (NUL) is not allowed in a parameter value" },
		{ "a=%C3%28", 8, "column 3: a parameter value is not valid UTF-8 once decoded" },
		{ "k\xFF=1", 4, "column 1: a parameter name is not valid UTF-8 once decoded" },
		{ "a=b\0c", 5, "column 4: NUL byte in a parameter value" },
	};

	for (size_t i = 0; i < FG_ARRAY_LEN(bad); i++) {
		struct fg_query q;
		char *err = NULL;

		fg_query_init(&q);
		fg_query_add(&q, "Kept", "1");
		ck_assert_int_eq(fg_query_decode(&q, bad[i].in, bad[i].len, &err), -1);
		ck_assert_ptr_nonnull(err);
		ck_assert_str_eq(err, bad[i].want);
		ck_assert_uint_eq(q.n, 1);
		free(err);
		fg_query_free(&q);
	}
}
END_TEST

START_TEST(encode_decode_round_trip)
{
	static const char *const vals[] = { "plain", "sp ace", "plus+", "pct%25", "amp&eq=",
		"\xE2\x82\xAC\xF0\x9F\x98\x80", "", "~._-", "/?#[]@!$'()*,;" };
	struct fg_query q, back;
	struct fg_buf b;
	char *err = NULL;

	fg_query_init(&q);
	for (size_t i = 0; i < FG_ARRAY_LEN(vals); i++)
		fg_query_add_at(&q, "V", (unsigned)i + 1, vals[i], vals[i]);
	fg_buf_init(&b);
	fg_query_encode(&q, &b);
	fg_query_init(&back);
	ck_assert_int_eq(fg_query_decode(&back, b.data, b.len, &err), 0);
	ck_assert_uint_eq(back.n, q.n);
	for (size_t i = 0; i < q.n; i++)
		ck_assert_str_eq(fg_query_get(&back, q.v[i].key), q.v[i].value);
	fg_buf_free(&b);
	fg_query_free(&q);
	fg_query_free(&back);
}
END_TEST

static Suite *
query_suite(void)
{
	Suite *s = suite_create("query");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, sqs_create_queue);
	tcase_add_test(tc, lists_continue_numbering);
	tcase_add_test(tc, ec2_filters_and_tag_specs);
	tcase_add_test(tc, scalars_and_encoding);
	tcase_add_test(tc, decode_forms_and_query_strings);
	tcase_add_test(tc, decode_rejects_with_column);
	tcase_add_test(tc, encode_decode_round_trip);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	SRunner *sr = srunner_create(query_suite());
	int failed;

	srunner_run_all(sr, CK_ENV);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? 1 : 0;
}
