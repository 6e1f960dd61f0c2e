/* ec2_vpc.c: VPCs (with their main route table and default security group) and their
 * attributes. */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ec2.h"
#include "xml.h"

#define MIN_PREFIX 16 /* VPC and subnet blocks are /16 to /28 */
#define MAX_PREFIX 28

static const char *const vpc_attrs[] = {
	"enableDnsSupport", "enableDnsHostnames", "enableNetworkAddressUsageMetrics",
};

/* Reads a CIDR block parameter. */
int
ec2_cidr_param(struct lc_request *req, fg_json in, const char *name, struct ec2_cidr *c)
{
	const char *s = ec2_str(in, name);

	if (ec2_cidr_parse(s, c) == 0)
		return 0;
	ec2_error(req, "InvalidParameterValue", "Value (%.60s) for parameter %c%s is invalid. "
	    "This is not a valid CIDR block.", s ? s : "", name[0] - 'A' + 'a', name + 1);
	return -1;
}

/* The attribute flag of a VPC by its name (an entry of vpc_attrs). */
static int *
attr_flag(struct ec2_vpc *v, const char *name)
{
	if (strcmp(name, vpc_attrs[0]) == 0)
		return &v->dns_support;
	if (strcmp(name, vpc_attrs[1]) == 0)
		return &v->dns_hostnames;
	if (strcmp(name, vpc_attrs[2]) == 0)
		return &v->nau_metrics;
	return NULL;
}

/* Writes a VPC's members in a given state. */
static void
vpc_write_state(struct fg_buf *b, const struct ec2_vpc *v, const char *state)
{
	char cidr[EC2_CIDR_MAX];

	ec2_cidr_format(&v->cidr, cidr);
	fg_xml_elem(b, "vpcId", v->r.id);
	fg_xml_elem(b, "ownerId", v->r.account);
	fg_xml_elem(b, "state", state);
	fg_xml_elem(b, "cidrBlock", cidr);
	fg_buf_addstr(b, "<cidrBlockAssociationSet><item>");
	fg_xml_elem(b, "cidrBlock", cidr);
	fg_xml_elem(b, "associationId", v->assoc);
	fg_buf_addstr(b, "<cidrBlockState><state>associated</state></cidrBlockState>");
	fg_buf_addstr(b, "</item></cidrBlockAssociationSet>");
	fg_buf_addstr(b, "<ipv6CidrBlockAssociationSet/>");
	fg_xml_elem(b, "dhcpOptionsId", "default");
	fg_xml_elem(b, "instanceTenancy", v->tenancy);
	fg_xml_elem(b, "isDefault", "false");
	ec2_tags_write(b, &v->r);
}

/* Writes a VPC as DescribeVpcs lists it. */
static void
vpc_write(struct fg_buf *b, const struct ec2_state *st, const struct ec2_res *r)
{
	(void)st;
	vpc_write_state(b, (const struct ec2_vpc *)r, "available");
}

/* VPC filter values. */
static void
f_cidr(struct ec2_match *m, const void *item)
{
	ec2_emit_cidr(m, &((const struct ec2_vpc *)item)->cidr);
}

static void
f_assoc_id(struct ec2_match *m, const void *item)
{
	ec2_emit(m, ((const struct ec2_vpc *)item)->assoc);
}

static void
f_assoc_state(struct ec2_match *m, const void *item)
{
	(void)item;
	ec2_emit(m, "associated");
}

static void
f_dhcp(struct ec2_match *m, const void *item)
{
	(void)item;
	ec2_emit(m, "default");
}

static void
f_is_default(struct ec2_match *m, const void *item)
{
	(void)item;
	ec2_emit_bool(m, 0);
}

static void
f_state(struct ec2_match *m, const void *item)
{
	(void)item;
	ec2_emit(m, "available");
}

static const struct ec2_filter vpc_filters[] = {
	{ "cidr", f_cidr },
	{ "cidr-block-association.association-id", f_assoc_id },
	{ "cidr-block-association.cidr-block", f_cidr },
	{ "cidr-block-association.state", f_assoc_state },
	{ "dhcp-options-id", f_dhcp },
	{ "is-default", f_is_default },
	{ "state", f_state },
	{ "vpc-id", ec2_f_id },
	{ NULL, NULL },
};

static const struct ec2_query vpc_query = {
	EC2_VPC, "VpcIds", vpc_filters, "vpcSet", vpc_write, 1000, 0,
};

/* CreateVpc: a VPC with its main route table and default security group. */
enum lc_result
ec2_create_vpc(struct lc_request *req, struct ec2_state *st, fg_json in)
{
	const char *tenancy = ec2_str(in, "InstanceTenancy");
	static const char *const ipv6[] = { "AmazonProvidedIpv6CidrBlock", "Ipv6CidrBlock",
		"Ipv4IpamPoolId" };
	struct ec2_cidr cidr;
	struct ec2_vpc *v;
	struct fg_buf *b;
	fg_json tags;

	if (ec2_cidr_param(req, in, "CidrBlock", &cidr) != 0)
		return LC_DONE;
	if (cidr.len < MIN_PREFIX || cidr.len > MAX_PREFIX) {
		ec2_error(req, "InvalidVpc.Range", "The CIDR '%s' is invalid.",
		    ec2_str(in, "CidrBlock"));
		return LC_DONE;
	}
	for (size_t i = 0; i < FG_ARRAY_LEN(ipv6); i++)
		if (fg_json_get(in, ipv6[i])) {
			ec2_error(req, "UnsupportedOperation", "localcloud does not implement %s",
			    ipv6[i]);
			return LC_DONE;
		}
	if (tenancy && strcmp(tenancy, "default") != 0 && strcmp(tenancy, "dedicated") != 0) {
		ec2_error(req, "InvalidParameterValue", "Value (%.40s) for parameter "
		    "instanceTenancy is invalid. Expected: default | dedicated.", tenancy);
		return LC_DONE;
	}
	if (ec2_tagspec(req, in, "vpc", NULL, &tags) != 0)
		return LC_DONE;
	v = ec2_res_new(st, req, EC2_VPC, sizeof(*v));
	v->cidr = cidr;
	ec2_new_id(st, "vpc-cidr-assoc", v->assoc);
	snprintf(v->tenancy, sizeof(v->tenancy), "%s", tenancy ? tenancy : "default");
	v->dns_support = 1;
	ec2_tags_apply(&v->r, tags);
	strcpy(v->main_rtb, ec2_rtb_main(st, req, v)->r.id);
	strcpy(v->default_sg, ec2_sg_default(st, req, v)->r.id);
	b = ec2_begin(req);
	fg_buf_addstr(b, "<vpc>");
	vpc_write_state(b, v, "pending");
	fg_buf_addstr(b, "</vpc>");
	return ec2_end(req);
}

/* Says whether a VPC has something that keeps it from being deleted. */
static int
vpc_in_use(const struct ec2_state *st, const struct ec2_vpc *v)
{
	EC2_EACH(st, EC2_SUBNET, i)
		if (strcmp(((struct ec2_subnet *)st->res[i])->vpc, v->r.id) == 0)
			return 1;
	EC2_EACH(st, EC2_IGW, i)
		if (strcmp(((struct ec2_igw *)st->res[i])->vpc, v->r.id) == 0)
			return 1;
	EC2_EACH(st, EC2_RTB, i)
		if (strcmp(((struct ec2_rtb *)st->res[i])->vpc, v->r.id) == 0 &&
		    strcmp(st->res[i]->id, v->main_rtb) != 0)
			return 1;
	EC2_EACH(st, EC2_SG, i)
		if (strcmp(((struct ec2_sg *)st->res[i])->vpc, v->r.id) == 0 &&
		    strcmp(st->res[i]->id, v->default_sg) != 0)
			return 1;
	return ec2_instances_in(st, v->r.id, NULL);
}

/* DeleteVpc: only a VPC left with its main route table and default group. */
enum lc_result
ec2_delete_vpc(struct lc_request *req, struct ec2_state *st, fg_json in)
{
	struct ec2_vpc *v = ec2_get(req, st, EC2_VPC, ec2_str(in, "VpcId"), "VpcId");
	struct ec2_res *r;

	if (v == NULL)
		return LC_DONE;
	if (vpc_in_use(st, v)) {
		ec2_error(req, "DependencyViolation", "The vpc '%s' has dependencies and cannot be "
		    "deleted.", v->r.id);
		return LC_DONE;
	}
	if ((r = ec2_sibling(st, &v->r, EC2_RTB, v->main_rtb)) != NULL)
		ec2_res_delete(st, r);
	if ((r = ec2_sibling(st, &v->r, EC2_SG, v->default_sg)) != NULL)
		ec2_res_delete(st, r);
	ec2_res_delete(st, &v->r);
	return ec2_ok(req);
}

/* DescribeVpcs. */
enum lc_result
ec2_describe_vpcs(struct lc_request *req, struct ec2_state *st, fg_json in)
{
	return ec2_describe(req, st, in, &vpc_query);
}

/* ModifyVpcAttribute: one of the DNS and address-usage flags. */
enum lc_result
ec2_modify_vpc_attr(struct lc_request *req, struct ec2_state *st, fg_json in)
{
	struct ec2_vpc *v = ec2_get(req, st, EC2_VPC, ec2_str(in, "VpcId"), "VpcId");
	const char *which = NULL;
	int value = 0, n = 0;

	if (v == NULL)
		return LC_DONE;
	for (size_t i = 0; i < FG_ARRAY_LEN(vpc_attrs); i++) {
		char member[64];
		int on;

		snprintf(member, sizeof(member), "%c%s", vpc_attrs[i][0] - 'a' + 'A',
		    vpc_attrs[i] + 1);
		if (ec2_attr_bool(in, member, &on) == 0) {
			which = vpc_attrs[i];
			value = on;
			n++;
		}
	}
	if (n != 1) {
		ec2_error(req, n ? "InvalidParameterCombination" : "MissingParameter", "Exactly one "
		    "of EnableDnsSupport, EnableDnsHostnames and EnableNetworkAddressUsageMetrics "
		    "must be given, with a Value");
		return LC_DONE;
	}
	*attr_flag(v, which) = value;
	return ec2_ok(req);
}

/* DescribeVpcAttribute. */
enum lc_result
ec2_describe_vpc_attr(struct lc_request *req, struct ec2_state *st, fg_json in)
{
	const char *attr = ec2_str(in, "Attribute");
	struct ec2_vpc *v;
	struct fg_buf *b;
	int *flag;

	if ((v = ec2_get(req, st, EC2_VPC, ec2_str(in, "VpcId"), "VpcId")) == NULL)
		return LC_DONE;
	if ((flag = attr_flag(v, attr)) == NULL) {
		ec2_error(req, "InvalidParameterValue", "Value (%.60s) for parameter attribute is "
		    "invalid. Unknown attribute.", attr);
		return LC_DONE;
	}
	b = ec2_begin(req);
	fg_xml_elem(b, "vpcId", v->r.id);
	fg_buf_addf(b, "<%s><value>%s</value></%s>", attr, *flag ? "true" : "false", attr);
	return ec2_end(req);
}
