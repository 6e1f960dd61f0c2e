/* endpoint.c: standard AWS endpoints per service and region, and the configured overrides. */
#include "config.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "base.h"
#include "endpoint.h"

struct service {
	const char *name;     /* what callers ask for, and the SigV4 signing name */
	const char *sdk_id;   /* the SDK service id, which names the configuration keys */
	const char *prefix;   /* host name prefix of the standard endpoint */
	int global;           /* IAM: one endpoint per partition (partition.iam_host) */
};

static const struct service services[] = {
	{ "autoscaling", "Auto Scaling", "autoscaling", 0 },
	{ "cloudformation", "CloudFormation", "cloudformation", 0 },
	{ "dynamodb", "DynamoDB", "dynamodb", 0 },
	{ "ec2", "EC2", "ec2", 0 },
	{ "iam", "IAM", "iam", 1 },
	{ "s3", "S3", "s3", 0 },
	{ "sns", "SNS", "sns", 0 },
	{ "sqs", "SQS", "sqs", 0 },
	{ "sts", "STS", "sts", 0 },
};

struct partition {
	const char *name;
	const char *region_prefix;  /* regions starting with this belong to it */
	const char *suffix;         /* DNS suffix */
	const char *global_region;  /* where global services are signed */
	const char *iam_host;
};

/* The last entry catches every other region. */
static const struct partition partitions[] = {
	{ "aws-cn", "cn-", "amazonaws.com.cn", "cn-north-1", "iam.cn-north-1.amazonaws.com.cn" },
	{ "aws-us-gov", "us-gov-", "amazonaws.com", "us-gov-west-1", "iam.us-gov.amazonaws.com" },
	{ "aws", "", "amazonaws.com", "us-east-1", "iam.amazonaws.com" },
};

/* The partition a region belongs to. */
static const struct partition *
partition_of(const char *region)
{
	size_t i;

	for (i = 0; i < FG_ARRAY_LEN(partitions) - 1; i++)
		if (strncmp(region, partitions[i].region_prefix,
		    strlen(partitions[i].region_prefix)) == 0)
			break;
	return &partitions[i];
}

/* The partition name of a region. */
const char *
fg_endpoint_partition(const char *region)
{
	return partition_of(region)->name;
}

/* A region must be a valid host label: lower-case letters, digits and inner hyphens. */
static int
region_ok(const char *r)
{
	size_t len = strlen(r);

	if (len == 0 || len > 63 || r[0] == '-' || r[len - 1] == '-')
		return 0;
	for (; *r; r++)
		if (!islower((unsigned char)*r) && !isdigit((unsigned char)*r) && *r != '-')
			return 0;
	return 1;
}

/* The SDK id turned into a configuration key: spaces to underscores, in the given case. */
static char *
config_key(const char *sdk_id, int upper)
{
	char *k = fg_strdup(sdk_id);

	for (char *c = k; *c; c++)
		*c = *c == ' ' ? '_' : (char)(upper ? toupper((unsigned char)*c) :
		    tolower((unsigned char)*c));
	return k;
}

/* Step 3: the service's endpoint_url in the profile's services section; -1 when that section
 * is named but missing. */
static int
services_url(const struct service *svc, const struct fg_aws_profile *p, const char **url,
    char **source, char **err)
{
	const char *name = fg_aws_profile_get(p, "services");
	const struct fg_ini_section *s;
	char *key;

	if (name == NULL)
		return 0;
	if ((s = fg_ini_section_kind(p->config, "services", name)) == NULL) {
		*err = fg_printf("%s: [%s] names services section \"%s\", but there is no "
		    "[services %s]", p->config->path, p->conf_sect->name, name, name);
		return -1;
	}
	key = config_key(svc->sdk_id, 0);
	*url = fg_ini_sub_get(fg_ini_prop(s, key), "endpoint_url");
	if (*url != NULL)
		*source = fg_printf("%s [%s] %s endpoint_url", p->config->path, s->name, key);
	free(key);
	return 0;
}

/* The configured endpoint URL, if any, and where it came from; -1 on a broken configuration. */
static int
configured_url(const struct service *svc, const struct fg_aws_profile *p, const char **url,
    char **source, char **err)
{
	char *upper = config_key(svc->sdk_id, 1);
	char *var = fg_printf("AWS_ENDPOINT_URL_%s", upper);

	free(upper);
	*url = NULL;
	if (fg_aws_true(fg_aws_setting(p, "AWS_IGNORE_CONFIGURED_ENDPOINT_URLS",
	    "ignore_configured_endpoint_urls"))) {
		free(var);
		return 0;
	}
	if ((*url = fg_aws_getenv(var)) != NULL) {
		*source = var;
		return 0;
	}
	free(var);
	if ((*url = fg_aws_getenv("AWS_ENDPOINT_URL")) != NULL) {
		*source = fg_strdup("AWS_ENDPOINT_URL");
		return 0;
	}
	if (services_url(svc, p, url, source, err) < 0)
		return -1;
	if (*url != NULL)
		return 0;
	if ((*url = fg_aws_profile_get(p, "endpoint_url")) != NULL && **url != '\0')
		*source = fg_printf("%s [%s] endpoint_url", p->config->path, p->conf_sect->name);
	else
		*url = NULL;
	return 0;
}

/* Resolves a service's endpoint in a region. */
int
fg_endpoint_resolve(const char *service, const char *region, const struct fg_aws_profile *p,
    struct fg_endpoint *ep, char **err)
{
	const struct service *svc = NULL;
	const struct partition *part;
	const char *url, *style;
	struct fg_url u;
	char *uerr = NULL;

	memset(ep, 0, sizeof(*ep));
	for (size_t i = 0; i < FG_ARRAY_LEN(services); i++)
		if (strcasecmp(services[i].name, service) == 0)
			svc = &services[i];
	if (svc == NULL) {
		*err = fg_printf("no endpoint known for service \"%s\"", service);
		return -1;
	}
	if (region == NULL || !region_ok(region)) {
		*err = region ? fg_printf("\"%s\" is not a valid AWS region name", region) :
		    fg_printf("no region to find the %s endpoint in", svc->sdk_id);
		return -1;
	}
	if (configured_url(svc, p, &url, &ep->source, err) < 0)
		return -1;
	part = partition_of(region);
	ep->signing_name = fg_strdup(svc->name);
	if (url != NULL) {
		if (fg_url_parse(url, &u, &uerr) < 0) {
			*err = fg_printf("%s: %s", ep->source, uerr);
			free(uerr);
			fg_endpoint_free(ep);
			return -1;
		}
		fg_url_free(&u);
		ep->url = fg_strdup(url);
		for (size_t len = strlen(ep->url); len > 0 && ep->url[len - 1] == '/'; )
			ep->url[--len] = '\0';
		ep->signing_region = fg_strdup(region);
		ep->s3_path_style = 1;
	} else if (svc->global) {
		ep->url = fg_printf("https://%s", part->iam_host);
		ep->signing_region = fg_strdup(part->global_region);
		ep->source = fg_printf("standard (%s, global)", part->name);
	} else {
		ep->url = fg_printf("https://%s.%s.%s", svc->prefix, region, part->suffix);
		ep->signing_region = fg_strdup(region);
		ep->source = fg_printf("standard (%s)", part->name);
	}
	style = p ? fg_ini_sub_get(fg_ini_prop(p->conf_sect, "s3"), "addressing_style") : NULL;
	if (style != NULL && strcasecmp(style, "path") == 0)
		ep->s3_path_style = 1;
	else if (style != NULL && strcasecmp(style, "virtual") == 0)
		ep->s3_path_style = 0;
	if (strcmp(svc->name, "s3") != 0)
		ep->s3_path_style = 0;
	return 0;
}

/* Resolves for the region and profile an environment found. */
int
fg_aws_env_endpoint(const struct fg_aws_env *env, const char *service, struct fg_endpoint *ep,
    char **err)
{
	return fg_endpoint_resolve(service, fg_aws_env_region(env), fg_aws_env_profile(env), ep,
	    err);
}

/* Frees an endpoint's strings. */
void
fg_endpoint_free(struct fg_endpoint *ep)
{
	free(ep->url);
	free(ep->signing_region);
	free(ep->signing_name);
	free(ep->source);
	memset(ep, 0, sizeof(*ep));
}
