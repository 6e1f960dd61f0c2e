/* check_s3_req.c: unit tests for parsing S3 requests: bucket names, paths, actions, Range
 * headers, aws-chunked bodies and copy sources. */
#include "config.h"

#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "s3.h"

START_TEST(bucket_names)
{
	static const char *const good[] = { "abc", "my-bucket", "a.b.c", "0bucket", "fugue-000-us-east-1",
		"a23456789012345678901234567890123456789012345678901234567890123" };
	static const char *const bad[] = { "ab", "Upper", "under_score", "-start", "end-", "a..b",
		"a.-b", "a-.b", "192.168.1.1", "xn--abc", "my-s3alias-s3alias", "sp ace",
		"a234567890123456789012345678901234567890123456789012345678901234" };

	for (size_t i = 0; i < FG_ARRAY_LEN(good); i++)
		ck_assert_msg(s3_bucket_name_ok(good[i]), "%s should be valid", good[i]);
	for (size_t i = 0; i < FG_ARRAY_LEN(bad); i++)
		ck_assert_msg(!s3_bucket_name_ok(bad[i]), "%s should be invalid", bad[i]);
}
END_TEST

START_TEST(paths_split)
{
	char *b, *k, *err = NULL;

	ck_assert_int_eq(s3_split_path("/", &b, &k, &err), 0);
	ck_assert_ptr_null(b);
	ck_assert_ptr_null(k);
	ck_assert_int_eq(s3_split_path("/bkt/", &b, &k, &err), 0);
	ck_assert_str_eq(b, "bkt");
	ck_assert_ptr_null(k);
	free(b);
	ck_assert_int_eq(s3_split_path("/bkt/dir/a%20b%2Bc%C3%BC.txt", &b, &k, &err), 0);
	ck_assert_str_eq(b, "bkt");
	ck_assert_str_eq(k, "dir/a b+c\xc3\xbc.txt");
	free(b);
	free(k);
	ck_assert_int_eq(s3_split_path("/bkt/bad%zz", &b, &k, &err), -1);
	ck_assert_ptr_nonnull(strstr(err, "percent-encoding"));
	free(err);
}
END_TEST

/* The action of method on path?query. */
static const char *
action(const char *method, const char *path, const char *query, int copy)
{
	struct lc_params q = { 0 };
	char *b = NULL, *k = NULL, *err = NULL;
	const char *a;

	ck_assert_int_eq(lc_params_parse(&q, query, strlen(query), &err), 0);
	ck_assert_int_eq(s3_split_path(path, &b, &k, &err), 0);
	a = s3_action_for(method, b != NULL, k != NULL, &q, copy);
	lc_params_free(&q);
	free(b);
	free(k);
	return a;
}

START_TEST(actions_named)
{
	ck_assert_str_eq(action("GET", "/", "", 0), "ListBuckets");
	ck_assert_str_eq(action("PUT", "/b", "", 0), "CreateBucket");
	ck_assert_str_eq(action("HEAD", "/b", "", 0), "HeadBucket");
	ck_assert_str_eq(action("DELETE", "/b/", "", 0), "DeleteBucket");
	ck_assert_str_eq(action("GET", "/b", "list-type=2&prefix=a", 0), "ListObjectsV2");
	ck_assert_str_eq(action("GET", "/b", "prefix=a", 0), "ListObjects");
	ck_assert_str_eq(action("POST", "/b", "delete", 0), "DeleteObjects");
	ck_assert_str_eq(action("PUT", "/b", "tagging", 0), "PutBucketTagging");
	ck_assert_str_eq(action("DELETE", "/b", "policy", 0), "DeleteBucketPolicy");
	ck_assert_str_eq(action("GET", "/b", "versioning", 0), "GetBucketVersioning");
	ck_assert_str_eq(action("GET", "/b", "location", 0), "GetBucketLocation");
	ck_assert_str_eq(action("PUT", "/b/k", "", 0), "PutObject");
	ck_assert_str_eq(action("PUT", "/b/k", "", 1), "CopyObject");
	ck_assert_str_eq(action("GET", "/b/k/l", "", 0), "GetObject");
	ck_assert_str_eq(action("HEAD", "/b/k", "", 0), "HeadObject");
	ck_assert_str_eq(action("DELETE", "/b/k", "", 0), "DeleteObject");
	ck_assert_str_eq(action("GET", "/b", "acl", 0), "NotImplemented");
	ck_assert_ptr_null(action("POST", "/b/k", "", 0));
	ck_assert_ptr_null(action("PUT", "/", "", 0));
	ck_assert_ptr_null(action("DELETE", "/b", "versioning", 0));
}
END_TEST

START_TEST(ranges)
{
	uint64_t a, b;

	ck_assert_int_eq(s3_range_parse("bytes=2-5", 10, &a, &b), S3_RANGE_OK);
	ck_assert(a == 2 && b == 5);
	ck_assert_int_eq(s3_range_parse("bytes=7-", 10, &a, &b), S3_RANGE_OK);
	ck_assert(a == 7 && b == 9);
	ck_assert_int_eq(s3_range_parse("bytes=-3", 10, &a, &b), S3_RANGE_OK);
	ck_assert(a == 7 && b == 9);
	ck_assert_int_eq(s3_range_parse("bytes=-30", 10, &a, &b), S3_RANGE_OK);
	ck_assert(a == 0 && b == 9);
	ck_assert_int_eq(s3_range_parse("bytes=5-100", 10, &a, &b), S3_RANGE_OK);
	ck_assert(a == 5 && b == 9);
	ck_assert_int_eq(s3_range_parse("bytes=10-", 10, &a, &b), S3_RANGE_UNSATISFIABLE);
	ck_assert_int_eq(s3_range_parse("bytes=0-0", 0, &a, &b), S3_RANGE_UNSATISFIABLE);
	ck_assert_int_eq(s3_range_parse("bytes=-0", 10, &a, &b), S3_RANGE_UNSATISFIABLE);
	/* Malformed or multiple ranges are ignored: the whole object is sent. */
	ck_assert_int_eq(s3_range_parse("bytes=5-2", 10, &a, &b), S3_RANGE_NONE);
	ck_assert_int_eq(s3_range_parse("bytes=1-2,4-5", 10, &a, &b), S3_RANGE_NONE);
	ck_assert_int_eq(s3_range_parse("items=1-2", 10, &a, &b), S3_RANGE_NONE);
	ck_assert_int_eq(s3_range_parse("bytes=-", 10, &a, &b), S3_RANGE_NONE);
	ck_assert_int_eq(s3_range_parse("bytes=99999999999999999999-", 10, &a, &b), S3_RANGE_NONE);
	ck_assert_int_eq(s3_range_parse(NULL, 10, &a, &b), S3_RANGE_NONE);
}
END_TEST

START_TEST(chunked_bodies)
{
	static const char body[] =
	    "5;chunk-signature=0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef\r\n"
	    "hello\r\n"
	    "a;chunk-signature=aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\r\n"
	    ", chunked!\r\n"
	    "0;chunk-signature=bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb\r\n"
	    "\r\n";
	static const char trailer[] = "3\r\nabc\r\n0\r\nx-amz-checksum-crc32:NSRBwg==\r\n\r\n";
	static const char *const bad[] = {
		"", "zz\r\n", "5;sig\r\nhel", "5;sig\r\nhelloXX0;sig\r\n\r\n", "5x\r\nhello\r\n",
		"ffffffffffffffff;s\r\nabc\r\n",
	};
	struct fg_buf out;
	char *err = NULL;

	fg_buf_init(&out);
	ck_assert_int_eq(s3_chunked_decode(body, strlen(body), &out, &err), 0);
	ck_assert_str_eq(out.data, "hello, chunked!");
	fg_buf_reset(&out);
	ck_assert_int_eq(s3_chunked_decode(trailer, strlen(trailer), &out, &err), 0);
	ck_assert_str_eq(out.data, "abc");
	for (size_t i = 0; i < FG_ARRAY_LEN(bad); i++) {
		fg_buf_reset(&out);
		ck_assert_msg(s3_chunked_decode(bad[i], strlen(bad[i]), &out, &err) == -1, "%s", bad[i]);
		ck_assert_ptr_nonnull(strstr(err, "aws-chunked body"));
		free(err);
	}
	fg_buf_free(&out);
}
END_TEST

START_TEST(copy_sources)
{
	char *b, *k, *err = NULL;

	ck_assert_int_eq(s3_copy_source("src/dir/a%20b?versionId=null", &b, &k, &err), 0);
	ck_assert_str_eq(b, "src");
	ck_assert_str_eq(k, "dir/a b");
	free(b);
	free(k);
	ck_assert_int_eq(s3_copy_source("/src/k", &b, &k, &err), 0);
	ck_assert_str_eq(b, "src");
	ck_assert_str_eq(k, "k");
	free(b);
	free(k);
	ck_assert_int_eq(s3_copy_source("/just-a-bucket", &b, &k, &err), -1);
	ck_assert_ptr_nonnull(strstr(err, "sourcebucket/sourcekey"));
	free(err);
}
END_TEST

static Suite *
s3_req_suite(void)
{
	Suite *s = suite_create("s3_req");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, bucket_names);
	tcase_add_test(tc, paths_split);
	tcase_add_test(tc, actions_named);
	tcase_add_test(tc, ranges);
	tcase_add_test(tc, chunked_bodies);
	tcase_add_test(tc, copy_sources);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	SRunner *sr = srunner_create(s3_req_suite());
	int failed;

	srunner_run_all(sr, CK_ENV);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? 1 : 0;
}
