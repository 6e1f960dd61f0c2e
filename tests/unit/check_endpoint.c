/* check_endpoint.c: unit tests for standard AWS endpoints and their configured overrides. */
#include "config.h"

#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "awsenv.h"
#include "base.h"
#include "endpoint.h"

/* Resolves and checks url, signing region and path style. */
static void
expect(const char *service, const char *region, const struct fg_aws_profile *p,
    const char *url, const char *signing_region, int path_style)
{
	struct fg_endpoint ep;
	char *err = NULL;

	ck_assert_msg(fg_endpoint_resolve(service, region, p, &ep, &err) == 0, "%s %s: %s",
	    service, region, err ? err : "");
	ck_assert_str_eq(ep.url, url);
	ck_assert_str_eq(ep.signing_region, signing_region);
	ck_assert_int_eq(ep.s3_path_style, path_style);
	fg_endpoint_free(&ep);
}

/* Resolves and checks where the endpoint came from. */
static void
expect_source(const char *service, const struct fg_aws_profile *p, const char *url,
    const char *source)
{
	struct fg_endpoint ep;
	char *err = NULL;

	ck_assert_msg(fg_endpoint_resolve(service, "eu-west-1", p, &ep, &err) == 0, "%s", err);
	ck_assert_str_eq(ep.url, url);
	ck_assert_str_eq(ep.source, source);
	fg_endpoint_free(&ep);
}

/* Resolution must fail with exactly want. */
static void
expect_error(const char *service, const char *region, const struct fg_aws_profile *p,
    const char *want)
{
	struct fg_endpoint ep;
	char *err = NULL;

	ck_assert_int_eq(fg_endpoint_resolve(service, region, p, &ep, &err), -1);
	ck_assert_str_eq(err, want);
	free(err);
}

/* Loads the profile from the scratch HOME. */
static struct fg_aws_profile *
load_profile(void)
{
	char *err = NULL;
	struct fg_aws_profile *p = fg_aws_profile_load(&err);

	ck_assert_msg(p != NULL, "%s", err);
	return p;
}

START_TEST(standard_endpoints_per_partition)
{
	struct fg_endpoint ep;
	char *err = NULL;

	expect("sqs", "us-west-2", NULL, "https://sqs.us-west-2.amazonaws.com", "us-west-2", 0);
	expect("DynamoDB", "eu-central-1", NULL, "https://dynamodb.eu-central-1.amazonaws.com",
	    "eu-central-1", 0);
	expect("s3", "us-east-1", NULL, "https://s3.us-east-1.amazonaws.com", "us-east-1", 0);
	expect("sts", "ap-southeast-2", NULL, "https://sts.ap-southeast-2.amazonaws.com",
	    "ap-southeast-2", 0);
	expect("cloudformation", "sa-east-1", NULL, "https://cloudformation.sa-east-1.amazonaws.com",
	    "sa-east-1", 0);
	expect("autoscaling", "eu-west-3", NULL, "https://autoscaling.eu-west-3.amazonaws.com",
	    "eu-west-3", 0);
	expect("ec2", "cn-north-1", NULL, "https://ec2.cn-north-1.amazonaws.com.cn", "cn-north-1",
	    0);
	expect("s3", "cn-northwest-1", NULL, "https://s3.cn-northwest-1.amazonaws.com.cn",
	    "cn-northwest-1", 0);
	expect("sns", "us-gov-west-1", NULL, "https://sns.us-gov-west-1.amazonaws.com",
	    "us-gov-west-1", 0);
	/* IAM is global per partition. */
	expect("iam", "eu-west-1", NULL, "https://iam.amazonaws.com", "us-east-1", 0);
	expect("iam", "cn-northwest-1", NULL, "https://iam.cn-north-1.amazonaws.com.cn",
	    "cn-north-1", 0);
	expect("iam", "us-gov-east-1", NULL, "https://iam.us-gov.amazonaws.com", "us-gov-west-1",
	    0);
	ck_assert_str_eq(fg_endpoint_partition("cn-north-1"), "aws-cn");
	ck_assert_str_eq(fg_endpoint_partition("us-gov-east-1"), "aws-us-gov");
	ck_assert_str_eq(fg_endpoint_partition("us-east-1"), "aws");

	ck_assert_int_eq(fg_endpoint_resolve("sqs", "eu-north-1", NULL, &ep, &err), 0);
	ck_assert_str_eq(ep.signing_name, "sqs");
	ck_assert_str_eq(ep.source, "standard (aws)");
	fg_endpoint_free(&ep);
	ck_assert_int_eq(fg_endpoint_resolve("iam", "cn-north-1", NULL, &ep, &err), 0);
	ck_assert_str_eq(ep.signing_name, "iam");
	ck_assert_str_eq(ep.source, "standard (aws-cn, global)");
	fg_endpoint_free(&ep);
}
END_TEST

START_TEST(bad_service_and_region)
{
	expect_error("lambda", "us-east-1", NULL, "no endpoint known for service \"lambda\"");
	expect_error("sqs", "US East", NULL, "\"US East\" is not a valid AWS region name");
	expect_error("sqs", "evil.com/x", NULL, "\"evil.com/x\" is not a valid AWS region name");
	expect_error("sqs", "", NULL, "\"\" is not a valid AWS region name");
	expect_error("sqs", NULL, NULL, "no region to find the SQS endpoint in");
}
END_TEST

START_TEST(environment_overrides)
{
	setenv("AWS_ENDPOINT_URL", "http://127.0.0.1:4566/", 1);
	setenv("AWS_ENDPOINT_URL_SQS", "http://localhost:9324", 1);
	setenv("AWS_ENDPOINT_URL_DYNAMODB", "http://127.0.0.1:8000/", 1);
	setenv("AWS_ENDPOINT_URL_AUTO_SCALING", "http://127.0.0.1:4567", 1);
	setenv("AWS_ENDPOINT_URL_IAM", "", 1); /* empty: ignored */
	expect_source("sqs", NULL, "http://localhost:9324", "AWS_ENDPOINT_URL_SQS");
	expect_source("dynamodb", NULL, "http://127.0.0.1:8000", "AWS_ENDPOINT_URL_DYNAMODB");
	expect_source("autoscaling", NULL, "http://127.0.0.1:4567",
	    "AWS_ENDPOINT_URL_AUTO_SCALING");
	expect_source("iam", NULL, "http://127.0.0.1:4566", "AWS_ENDPOINT_URL");
	/* A configured endpoint is signed for the configured region, S3 in path style. */
	expect("iam", "eu-west-1", NULL, "http://127.0.0.1:4566", "eu-west-1", 0);
	expect("s3", "us-east-1", NULL, "http://127.0.0.1:4566", "us-east-1", 1);

	setenv("AWS_ENDPOINT_URL_S3", "localhost:4566", 1);
	expect_error("s3", "us-east-1", NULL, "AWS_ENDPOINT_URL_S3: URL \"localhost:4566\" has no "
	    "scheme (expected http:// or https://)");

	setenv("AWS_IGNORE_CONFIGURED_ENDPOINT_URLS", "TRUE", 1);
	expect("s3", "us-east-1", NULL, "https://s3.us-east-1.amazonaws.com", "us-east-1", 0);
	expect_source("sqs", NULL, "https://sqs.eu-west-1.amazonaws.com", "standard (aws)");
}
END_TEST

START_TEST(profile_services_section_and_endpoint_url)
{
	const char *cfg = awsenv_write(".aws/config",
	    "[default]\n"
	    "region = eu-west-1\n"
	    "endpoint_url = http://127.0.0.1:4566\n"
	    "services = local\n"
	    "s3 =\n"
	    "  addressing_style = virtual\n"
	    "[services local]\n"
	    "sqs =\n"
	    "  endpoint_url = http://127.0.0.1:9324\n"
	    "dynamodb =\n"
	    "  endpoint_url = http://127.0.0.1:8000\n"
	    "[profile plain]\n"
	    "endpoint_url = http://127.0.0.1:5000/\n"
	    "s3 =\n"
	    "  addressing_style = path\n"
	    "[profile broken]\n"
	    "services = nowhere\n"
	    "[profile ignoring]\n"
	    "endpoint_url = http://127.0.0.1:5000\n"
	    "ignore_configured_endpoint_urls = true\n");
	struct fg_aws_profile *p = load_profile();
	char *src, *want;

	src = fg_printf("%s [services local] sqs endpoint_url", cfg);
	expect_source("sqs", p, "http://127.0.0.1:9324", src);
	free(src);
	src = fg_printf("%s [default] endpoint_url", cfg);
	expect_source("sns", p, "http://127.0.0.1:4566", src);
	free(src);
	/* addressing_style = virtual wins over the path style of a configured endpoint. */
	expect("s3", "eu-west-1", p, "http://127.0.0.1:4566", "eu-west-1", 0);
	/* The environment wins over the profile. */
	setenv("AWS_ENDPOINT_URL", "http://127.0.0.1:7000", 1);
	expect_source("sqs", p, "http://127.0.0.1:7000", "AWS_ENDPOINT_URL");
	unsetenv("AWS_ENDPOINT_URL");
	fg_aws_profile_free(p);

	setenv("AWS_PROFILE", "plain", 1);
	p = load_profile();
	expect("sqs", "eu-west-1", p, "http://127.0.0.1:5000", "eu-west-1", 0);
	setenv("AWS_IGNORE_CONFIGURED_ENDPOINT_URLS", "true", 1);
	/* addressing_style = path applies to the standard endpoint too. */
	expect("s3", "eu-west-1", p, "https://s3.eu-west-1.amazonaws.com", "eu-west-1", 1);
	unsetenv("AWS_IGNORE_CONFIGURED_ENDPOINT_URLS");
	fg_aws_profile_free(p);

	setenv("AWS_PROFILE", "ignoring", 1);
	p = load_profile();
	expect("sqs", "eu-west-1", p, "https://sqs.eu-west-1.amazonaws.com", "eu-west-1", 0);
	fg_aws_profile_free(p);

	setenv("AWS_PROFILE", "broken", 1);
	p = load_profile();
	want = fg_printf("%s: [profile broken] names services section \"nowhere\", but there is no "
	    "[services nowhere]", cfg);
	expect_error("sqs", "eu-west-1", p, want);
	free(want);
	/* The environment does not need the broken section. */
	setenv("AWS_ENDPOINT_URL_SQS", "http://127.0.0.1:1", 1);
	expect("sqs", "eu-west-1", p, "http://127.0.0.1:1", "eu-west-1", 0);
	fg_aws_profile_free(p);
}
END_TEST

static Suite *
endpoint_suite(void)
{
	Suite *s = suite_create("endpoint");
	TCase *tc = tcase_create("core");

	tcase_add_checked_fixture(tc, awsenv_setup, awsenv_teardown);
	tcase_add_test(tc, standard_endpoints_per_partition);
	tcase_add_test(tc, bad_service_and_region);
	tcase_add_test(tc, environment_overrides);
	tcase_add_test(tc, profile_services_section_and_endpoint_url);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	SRunner *sr = srunner_create(endpoint_suite());
	int failed;

	srunner_run_all(sr, CK_ENV);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? 1 : 0;
}
