/* endpoint.h: where to send a request for an AWS service in a region, and how to sign it.
 *
 * Standard endpoints follow the partition of the region: https://{prefix}.{region}.amazonaws.com
 * ("aws"), ...amazonaws.com.cn for cn-* ("aws-cn"), ...amazonaws.com for us-gov-* ("aws-us-gov").
 * IAM is global per partition (iam.amazonaws.com signed for us-east-1,
 * iam.cn-north-1.amazonaws.com.cn for cn-north-1, iam.us-gov.amazonaws.com for us-gov-west-1).
 * STS is regional (the current SDK default). S3 in us-east-1 is s3.us-east-1.amazonaws.com, as
 * the SDKs' endpoint rules give it (the legacy global s3.amazonaws.com serves it too).
 *
 * Configured endpoints override the standard one, first found wins, as in the AWS SDKs and CLI:
 *   1. AWS_ENDPOINT_URL_<SERVICE> (the SDK service id upper-cased, spaces to underscores:
 *      AWS_ENDPOINT_URL_S3, ..._SQS, ..._DYNAMODB, ..._CLOUDFORMATION, ..._AUTO_SCALING);
 *   2. AWS_ENDPOINT_URL;
 *   3. endpoint_url of the service in the [services NAME] section that the profile's "services"
 *      setting names (the service id lower-cased, spaces to underscores: "s3 =\n endpoint_url =");
 *   4. the profile's endpoint_url.
 * AWS_IGNORE_CONFIGURED_ENDPOINT_URLS=true (or the profile's ignore_configured_endpoint_urls)
 * turns all of them off. A configured endpoint is signed for the configured region and means
 * path-style S3 addressing; the profile's "s3 =\n addressing_style = path|virtual" overrides
 * the addressing either way.
 */
#ifndef FUGUE_ENDPOINT_H
#define FUGUE_ENDPOINT_H

#include "creds.h"

struct fg_endpoint {
	char *url;            /* scheme://host[:port][/path], no trailing '/' */
	char *signing_region;
	char *signing_name;   /* SigV4 service name: "s3", "sqs", "dynamodb", ... */
	int s3_path_style;    /* 1: bucket in the path; 0: bucket as a host name prefix */
	char *source;         /* where the URL came from, for debug logs: "AWS_ENDPOINT_URL_SQS",
	                       * "/root/.aws/config [profile dev] endpoint_url", "standard (aws)" */
};

/* endpoint.c */
/* Resolves service ("s3", "sqs", "sns", "dynamodb", "ec2", "iam", "sts", "cloudformation",
 * "autoscaling"; case-insensitive) in region for the profile (NULL: environment only). Returns
 * 0, or -1 with *err set (caller frees) for an unknown service, a bad region, a configured URL
 * that does not parse, or a profile naming a services section that does not exist. */
int fg_endpoint_resolve(const char *service, const char *region, const struct fg_aws_profile *,
    struct fg_endpoint *, char **err);
/* The same for the region and profile an fg_aws_env resolved. */
int fg_aws_env_endpoint(const struct fg_aws_env *, const char *service, struct fg_endpoint *,
    char **err);
void fg_endpoint_free(struct fg_endpoint *);
/* The partition of a region: "aws", "aws-cn" or "aws-us-gov". */
const char *fg_endpoint_partition(const char *region);

#endif
