/* check_plugin_ec2.c: the ec2 plugin's network types (plugins/ec2: vpc.c, subnet.c,
 * internet_gateway.c, route_table.c, chain.c) through the Conductor's own host: the observed
 * JSON of described items (what is left out: the local and propagated routes, the main
 * association, aws: tags, a detached gateway's VPC) and the plans that bring a resource to its
 * desired properties (tags, DNS attributes in the order EC2 accepts, the gateway's VPC,
 * routes and associations), including a NAT-instance route localcloud cannot make. */
#include "config.h"

#include <check.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "../../plugins/ec2/ec2.h"
#include "engine_int.h"
#include "xml.h"

static const struct fugue_host *H = &host_api;

static fg_json trees[64];
static size_t ntrees;
static struct fg_xml *docs[16];
static size_t ndocs;

/* Parses JSON text (freed by teardown) or fails the test. */
static const struct fugue_value *
J(const char *text)
{
	char *err = NULL;
	fg_json v = fg_json_parse(text, strlen(text), &err);

	ck_assert_msg(v != NULL, "%s: %s", text, err);
	ck_assert_uint_lt(ntrees, sizeof(trees) / sizeof(trees[0]));
	trees[ntrees++] = v;
	return (const struct fugue_value *)v;
}

/* Parses an XML reply (freed by teardown): its root element. */
static const struct fugue_xml *
X(const char *text)
{
	char *err = NULL;
	struct fg_xml *x = fg_xml_parse(text, strlen(text), &err);

	ck_assert_msg(x != NULL, "%s: %s", text, err);
	ck_assert_uint_lt(ndocs, sizeof(docs) / sizeof(docs[0]));
	docs[ndocs++] = x;
	return (const struct fugue_xml *)x;
}

/* Frees what the test parsed. */
static void
teardown(void)
{
	while (ntrees > 0)
		fg_json_free(trees[--ntrees]);
	while (ndocs > 0)
		fg_xml_free(docs[--ndocs]);
}

/* Observes the first item of a describe reply with kind k (region us-east-1) and checks the
 * result equals want (as JSON). */
static void
assert_observed(const struct ekind *k, const char *reply, const char *want)
{
	const struct fugue_xml *item = H->x_find(X(reply), k->set);
	struct fugue_json *w = NULL;
	const char *got;

	ck_assert_ptr_nonnull(item);
	ec2_observe(H, k, &w, item, "us-east-1");
	H->j_end_obj(w);
	got = H->j_text(w);
	ck_assert_msg(json_equal((fg_json)J(got), (fg_json)J(want)), "got %s\nwant %s", got, want);
	H->j_free(w);
}

/* A chain of no operation on id with desired and observed properties, for plans. */
static void
chain_init(struct echain *e, const struct ekind *k, const char *id, const char *want,
    const char *have)
{
	memset(e, 0, sizeof(*e));
	preq_init(&e->r, H, NULL, NULL);
	e->k = k;
	e->id = (char *)id;
	e->want = J(want);
	e->have = J(have);
}

/* Checks the plan's steps: each "Action k=v k=v ..." in order, then NULL. */
static void
assert_plan(struct echain *e, ...)
{
	struct pbuf got = { 0 };
	const char *want;
	va_list ap;
	size_t i = 0;

	va_start(ap, e);
	while ((want = va_arg(ap, const char *)) != NULL) {
		ck_assert_msg(i < e->plan.n, "step %zu missing: %s", i, want);
		pbuf_free(&got);
		pbuf_add(&got, e->plan.v[i].action);
		for (size_t j = 0; j + 1 < e->plan.v[i].nkv; j += 2)
			pbuf_addf(&got, " %s=%s", e->plan.v[i].kv[j], e->plan.v[i].kv[j + 1]);
		ck_assert_str_eq(got.s, want);
		i++;
	}
	va_end(ap);
	pbuf_free(&got);
	ck_assert_msg(i == e->plan.n, "%zu steps more than expected", e->plan.n - i);
	ec2_plan_clear(&e->plan);
}

#define TAGS(x) "<tagSet><item><key>fugue:id</key><value>" x "</value></item>" \
	"<item><key>aws:cloudformation:stack-name</key><value>s</value></item></tagSet>"

START_TEST(test_observe_vpc)
{
	assert_observed(&vpc_kind, "<DescribeVpcsResponse><vpcSet><item><vpcId>vpc-1</vpcId>"
	    "<ownerId>000000000000</ownerId><state>available</state><cidrBlock>10.0.0.0/16"
	    "</cidrBlock><instanceTenancy>default</instanceTenancy><isDefault>false</isDefault>"
	    TAGS("v") "</item></vpcSet></DescribeVpcsResponse>",
	    "{\"VpcId\": \"vpc-1\", \"CidrBlock\": \"10.0.0.0/16\", \"InstanceTenancy\": "
	    "\"default\", \"OwnerId\": \"000000000000\", \"Region\": \"us-east-1\", \"Tags\": "
	    "[{\"Key\": \"fugue:id\", \"Value\": \"v\"}]}");
}
END_TEST

START_TEST(test_observe_subnet)
{
	assert_observed(&subnet_kind, "<DescribeSubnetsResponse><subnetSet><item>"
	    "<subnetId>subnet-1</subnetId><subnetArn>arn:aws:ec2:us-east-1:0:subnet/subnet-1"
	    "</subnetArn><vpcId>vpc-1</vpcId><cidrBlock>10.0.1.0/24</cidrBlock>"
	    "<availabilityZone>us-east-1a</availabilityZone><availabilityZoneId>use1-az1"
	    "</availabilityZoneId><mapPublicIpOnLaunch>true</mapPublicIpOnLaunch><tagSet/>"
	    "</item></subnetSet></DescribeSubnetsResponse>",
	    "{\"SubnetId\": \"subnet-1\", \"SubnetArn\": \"arn:aws:ec2:us-east-1:0:subnet/"
	    "subnet-1\", \"VpcId\": \"vpc-1\", \"CidrBlock\": \"10.0.1.0/24\", "
	    "\"AvailabilityZone\": \"us-east-1a\", \"AvailabilityZoneId\": \"use1-az1\", "
	    "\"MapPublicIpOnLaunch\": true, \"Region\": \"us-east-1\", \"Tags\": []}");
}
END_TEST

START_TEST(test_observe_igw)
{
	/* attached ("available" is how EC2 says it), then detached (no VpcId at all) */
	assert_observed(&igw_kind, "<DescribeInternetGatewaysResponse><internetGatewaySet><item>"
	    "<internetGatewayId>igw-1</internetGatewayId><ownerId>0</ownerId><attachmentSet>"
	    "<item><vpcId>vpc-1</vpcId><state>available</state></item></attachmentSet>"
	    TAGS("g") "</item></internetGatewaySet></DescribeInternetGatewaysResponse>",
	    "{\"InternetGatewayId\": \"igw-1\", \"OwnerId\": \"0\", \"VpcId\": \"vpc-1\", "
	    "\"Region\": \"us-east-1\", \"Tags\": [{\"Key\": \"fugue:id\", \"Value\": \"g\"}]}");
	assert_observed(&igw_kind, "<DescribeInternetGatewaysResponse><internetGatewaySet><item>"
	    "<internetGatewayId>igw-1</internetGatewayId><ownerId>0</ownerId><attachmentSet>"
	    "<item><vpcId>vpc-1</vpcId><state>detaching</state></item></attachmentSet>"
	    "</item></internetGatewaySet></DescribeInternetGatewaysResponse>",
	    "{\"InternetGatewayId\": \"igw-1\", \"OwnerId\": \"0\", \"Region\": \"us-east-1\", "
	    "\"Tags\": []}");
}
END_TEST

START_TEST(test_observe_rtb)
{
	assert_observed(&rtb_kind, "<DescribeRouteTablesResponse><routeTableSet><item>"
	    "<routeTableId>rtb-1</routeTableId><vpcId>vpc-1</vpcId><ownerId>0</ownerId><routeSet>"
	    "<item><destinationCidrBlock>10.0.0.0/16</destinationCidrBlock><gatewayId>local"
	    "</gatewayId><origin>CreateRouteTable</origin></item>"
	    "<item><destinationCidrBlock>0.0.0.0/0</destinationCidrBlock><gatewayId>igw-1"
	    "</gatewayId><state>blackhole</state><origin>CreateRoute</origin></item>"
	    "<item><destinationCidrBlock>10.9.0.0/16</destinationCidrBlock><instanceId>i-1"
	    "</instanceId><networkInterfaceId>eni-1</networkInterfaceId><origin>CreateRoute"
	    "</origin></item>"
	    "<item><destinationCidrBlock>172.16.0.0/12</destinationCidrBlock><gatewayId>vgw-1"
	    "</gatewayId><origin>EnableVgwRoutePropagation</origin></item>"
	    "<item><destinationIpv6CidrBlock>::/0</destinationIpv6CidrBlock><gatewayId>igw-1"
	    "</gatewayId><origin>CreateRoute</origin></item></routeSet><associationSet>"
	    "<item><routeTableAssociationId>rtbassoc-m</routeTableAssociationId><main>true"
	    "</main></item>"
	    "<item><routeTableAssociationId>rtbassoc-1</routeTableAssociationId><main>false"
	    "</main><subnetId>subnet-1</subnetId><associationState><state>associated</state>"
	    "</associationState></item>"
	    "<item><routeTableAssociationId>rtbassoc-2</routeTableAssociationId><main>false"
	    "</main><subnetId>subnet-2</subnetId><associationState><state>disassociated</state>"
	    "</associationState></item></associationSet></item></routeTableSet>"
	    "</DescribeRouteTablesResponse>",
	    "{\"RouteTableId\": \"rtb-1\", \"VpcId\": \"vpc-1\", \"OwnerId\": \"0\", \"Routes\": "
	    "[{\"DestinationCidrBlock\": \"0.0.0.0/0\", \"GatewayId\": \"igw-1\"}, "
	    "{\"DestinationCidrBlock\": \"10.9.0.0/16\", \"InstanceId\": \"i-1\"}], "
	    "\"Associations\": [{\"SubnetId\": \"subnet-1\", \"AssociationId\": \"rtbassoc-1\"}], "
	    "\"Region\": \"us-east-1\", \"Tags\": []}");
}
END_TEST

START_TEST(test_plan_tags)
{
	struct echain e;

	chain_init(&e, &vpc_kind, "vpc-1", "[{\"Key\": \"a\", \"Value\": \"1\"}, {\"Key\": "
	    "\"b\", \"Value\": \"2\"}]", "[{\"Key\": \"a\", \"Value\": \"0\"}, {\"Key\": \"c\", "
	    "\"Value\": \"3\"}, {\"Key\": \"aws:x\", \"Value\": \"4\"}]");
	ec2_plan_tags(&e, e.want, e.have);
	assert_plan(&e, "DeleteTags ResourceId.1=vpc-1 Tag.1.Key=c",
	    "CreateTags ResourceId.1=vpc-1 Tag.1.Key=a Tag.1.Value=1 Tag.2.Key=b Tag.2.Value=2",
	    NULL);
	ec2_plan_tags(&e, e.have, e.have);
	assert_plan(&e, NULL);
}
END_TEST

START_TEST(test_plan_vpc)
{
	struct echain e;

	/* turning on: support before hostnames */
	chain_init(&e, &vpc_kind, "vpc-1", "{\"EnableDnsSupport\": true, \"EnableDnsHostnames\": "
	    "true}", "{\"EnableDnsSupport\": false, \"EnableDnsHostnames\": false}");
	vpc_kind.plan(&e);
	assert_plan(&e, "ModifyVpcAttribute VpcId=vpc-1 EnableDnsSupport.Value=true",
	    "ModifyVpcAttribute VpcId=vpc-1 EnableDnsHostnames.Value=true", NULL);
	/* turning off: hostnames before support */
	chain_init(&e, &vpc_kind, "vpc-1", "{\"EnableDnsSupport\": false, \"EnableDnsHostnames\": "
	    "false}", "{\"EnableDnsSupport\": true, \"EnableDnsHostnames\": true}");
	vpc_kind.plan(&e);
	assert_plan(&e, "ModifyVpcAttribute VpcId=vpc-1 EnableDnsHostnames.Value=false",
	    "ModifyVpcAttribute VpcId=vpc-1 EnableDnsSupport.Value=false", NULL);
	chain_init(&e, &vpc_kind, "vpc-1", "{\"EnableDnsSupport\": true}",
	    "{\"EnableDnsSupport\": true, \"EnableDnsHostnames\": true}");
	vpc_kind.plan(&e);
	assert_plan(&e, NULL);
	vpc_kind.plan_delete(&e);
	ck_assert_int_eq(e.plan.v[0].flags, EC2_GONE_OK | EC2_DEP_WAIT);
	assert_plan(&e, "DeleteVpc VpcId=vpc-1", NULL);
}
END_TEST

START_TEST(test_plan_subnet)
{
	struct echain e;

	chain_init(&e, &subnet_kind, "subnet-1", "{\"MapPublicIpOnLaunch\": true}",
	    "{\"MapPublicIpOnLaunch\": false}");
	subnet_kind.plan(&e);
	assert_plan(&e, "ModifySubnetAttribute SubnetId=subnet-1 MapPublicIpOnLaunch.Value=true",
	    NULL);
	chain_init(&e, &subnet_kind, "subnet-1", "{}", "{\"MapPublicIpOnLaunch\": false}");
	subnet_kind.plan(&e);
	assert_plan(&e, NULL);
}
END_TEST

START_TEST(test_plan_igw)
{
	struct echain e;

	/* detached by hand: attach again */
	chain_init(&e, &igw_kind, "igw-1", "{\"VpcId\": \"vpc-1\"}", "{}");
	igw_kind.plan(&e);
	assert_plan(&e, "AttachInternetGateway InternetGatewayId=igw-1 VpcId=vpc-1", NULL);
	/* moved: off the old VPC, onto the new one */
	chain_init(&e, &igw_kind, "igw-1", "{\"VpcId\": \"vpc-2\"}", "{\"VpcId\": \"vpc-1\"}");
	igw_kind.plan(&e);
	assert_plan(&e, "DetachInternetGateway InternetGatewayId=igw-1 VpcId=vpc-1",
	    "AttachInternetGateway InternetGatewayId=igw-1 VpcId=vpc-2", NULL);
	/* no VpcId desired: the attachment is not managed; a delete detaches first */
	chain_init(&e, &igw_kind, "igw-1", "{}", "{\"VpcId\": \"vpc-1\"}");
	igw_kind.plan(&e);
	assert_plan(&e, NULL);
	igw_kind.plan_delete(&e);
	assert_plan(&e, "DetachInternetGateway InternetGatewayId=igw-1 VpcId=vpc-1",
	    "DeleteInternetGateway InternetGatewayId=igw-1", NULL);
}
END_TEST

START_TEST(test_plan_rtb)
{
	struct echain e;

	chain_init(&e, &rtb_kind, "rtb-1",
	    "{\"Routes\": [{\"DestinationCidrBlock\": \"0.0.0.0/0\", \"GatewayId\": \"igw-2\"}, "
	    "{\"DestinationCidrBlock\": \"10.9.0.0/16\", \"InstanceId\": \"i-1\"}, "
	    "{\"DestinationCidrBlock\": \"10.8.0.0/16\", \"NatGatewayId\": \"nat-1\"}], "
	    "\"Associations\": [{\"SubnetId\": \"subnet-2\"}, {\"SubnetId\": \"subnet-3\"}]}",
	    "{\"Routes\": [{\"DestinationCidrBlock\": \"0.0.0.0/0\", \"GatewayId\": \"igw-1\"}, "
	    "{\"DestinationCidrBlock\": \"192.168.0.0/16\", \"GatewayId\": \"igw-1\"}, "
	    "{\"DestinationCidrBlock\": \"10.9.0.0/16\", \"InstanceId\": \"i-1\"}], "
	    "\"Associations\": [{\"SubnetId\": \"subnet-1\", \"AssociationId\": \"rtbassoc-1\"}, "
	    "{\"SubnetId\": \"subnet-2\", \"AssociationId\": \"rtbassoc-2\"}]}");
	rtb_kind.plan(&e);
	assert_plan(&e, "DisassociateRouteTable AssociationId=rtbassoc-1",
	    "DeleteRoute RouteTableId=rtb-1 DestinationCidrBlock=192.168.0.0/16",
	    "ReplaceRoute RouteTableId=rtb-1 DestinationCidrBlock=0.0.0.0/0 GatewayId=igw-2",
	    "CreateRoute RouteTableId=rtb-1 DestinationCidrBlock=10.8.0.0/16 NatGatewayId=nat-1",
	    "AssociateRouteTable RouteTableId=rtb-1 SubnetId=subnet-3", NULL);
	/* a route deleted by hand is put back; nothing else changes */
	chain_init(&e, &rtb_kind, "rtb-1", "{\"Routes\": [{\"DestinationCidrBlock\": "
	    "\"0.0.0.0/0\", \"GatewayId\": \"igw-1\"}], \"Associations\": []}",
	    "{\"Routes\": [], \"Associations\": []}");
	rtb_kind.plan(&e);
	assert_plan(&e, "CreateRoute RouteTableId=rtb-1 DestinationCidrBlock=0.0.0.0/0 "
	    "GatewayId=igw-1", NULL);
	/* a delete disassociates every subnet first */
	chain_init(&e, &rtb_kind, "rtb-1", "{}", "{\"Routes\": [], \"Associations\": "
	    "[{\"SubnetId\": \"subnet-1\", \"AssociationId\": \"rtbassoc-1\"}]}");
	rtb_kind.plan_delete(&e);
	assert_plan(&e, "DisassociateRouteTable AssociationId=rtbassoc-1",
	    "DeleteRouteTable RouteTableId=rtb-1", NULL);
}
END_TEST

/* The suite. */
static Suite *
plugin_ec2_suite(void)
{
	Suite *s = suite_create("plugin_ec2");
	TCase *tc = tcase_create("network");

	tcase_add_checked_fixture(tc, NULL, teardown);
	tcase_add_test(tc, test_observe_vpc);
	tcase_add_test(tc, test_observe_subnet);
	tcase_add_test(tc, test_observe_igw);
	tcase_add_test(tc, test_observe_rtb);
	tcase_add_test(tc, test_plan_tags);
	tcase_add_test(tc, test_plan_vpc);
	tcase_add_test(tc, test_plan_subnet);
	tcase_add_test(tc, test_plan_igw);
	tcase_add_test(tc, test_plan_rtb);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	SRunner *sr = srunner_create(plugin_ec2_suite());
	int failed;

	srunner_run_all(sr, CK_ENV);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed != 0;
}
