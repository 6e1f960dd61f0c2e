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

#include "ec2_testlib.h"

/* Checks the plan's steps: each "Action k=v k=v ..." in order, then NULL. */
static void
assert_plan(struct echain *e, ...)
{
	va_list ap;

	va_start(ap, e);
	ec2t_steps(e, ap);
	va_end(ap);
}

#define TAGS(x) "<tagSet><item><key>fugue:id</key><value>" x "</value></item>" \
	"<item><key>aws:cloudformation:stack-name</key><value>s</value></item></tagSet>"

START_TEST(test_observe_vpc)
{
	ec2t_observed(&vpc_kind, "<DescribeVpcsResponse><vpcSet><item><vpcId>vpc-1</vpcId>"
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
	ec2t_observed(&subnet_kind, "<DescribeSubnetsResponse><subnetSet><item>"
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
	ec2t_observed(&igw_kind, "<DescribeInternetGatewaysResponse><internetGatewaySet><item>"
	    "<internetGatewayId>igw-1</internetGatewayId><ownerId>0</ownerId><attachmentSet>"
	    "<item><vpcId>vpc-1</vpcId><state>available</state></item></attachmentSet>"
	    TAGS("g") "</item></internetGatewaySet></DescribeInternetGatewaysResponse>",
	    "{\"InternetGatewayId\": \"igw-1\", \"OwnerId\": \"0\", \"VpcId\": \"vpc-1\", "
	    "\"Region\": \"us-east-1\", \"Tags\": [{\"Key\": \"fugue:id\", \"Value\": \"g\"}]}");
	ec2t_observed(&igw_kind, "<DescribeInternetGatewaysResponse><internetGatewaySet><item>"
	    "<internetGatewayId>igw-1</internetGatewayId><ownerId>0</ownerId><attachmentSet>"
	    "<item><vpcId>vpc-1</vpcId><state>detaching</state></item></attachmentSet>"
	    "</item></internetGatewaySet></DescribeInternetGatewaysResponse>",
	    "{\"InternetGatewayId\": \"igw-1\", \"OwnerId\": \"0\", \"Region\": \"us-east-1\", "
	    "\"Tags\": []}");
}
END_TEST

START_TEST(test_observe_rtb)
{
	ec2t_observed(&rtb_kind, "<DescribeRouteTablesResponse><routeTableSet><item>"
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

	ec2t_chain(&e, &vpc_kind, "vpc-1", "[{\"Key\": \"a\", \"Value\": \"1\"}, {\"Key\": "
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
	ec2t_chain(&e, &vpc_kind, "vpc-1", "{\"EnableDnsSupport\": true, \"EnableDnsHostnames\": "
	    "true}", "{\"EnableDnsSupport\": false, \"EnableDnsHostnames\": false}");
	vpc_kind.plan(&e);
	assert_plan(&e, "ModifyVpcAttribute VpcId=vpc-1 EnableDnsSupport.Value=true",
	    "ModifyVpcAttribute VpcId=vpc-1 EnableDnsHostnames.Value=true", NULL);
	/* turning off: hostnames before support */
	ec2t_chain(&e, &vpc_kind, "vpc-1", "{\"EnableDnsSupport\": false, \"EnableDnsHostnames\": "
	    "false}", "{\"EnableDnsSupport\": true, \"EnableDnsHostnames\": true}");
	vpc_kind.plan(&e);
	assert_plan(&e, "ModifyVpcAttribute VpcId=vpc-1 EnableDnsHostnames.Value=false",
	    "ModifyVpcAttribute VpcId=vpc-1 EnableDnsSupport.Value=false", NULL);
	ec2t_chain(&e, &vpc_kind, "vpc-1", "{\"EnableDnsSupport\": true}",
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

	ec2t_chain(&e, &subnet_kind, "subnet-1", "{\"MapPublicIpOnLaunch\": true}",
	    "{\"MapPublicIpOnLaunch\": false}");
	subnet_kind.plan(&e);
	assert_plan(&e, "ModifySubnetAttribute SubnetId=subnet-1 MapPublicIpOnLaunch.Value=true",
	    NULL);
	ec2t_chain(&e, &subnet_kind, "subnet-1", "{}", "{\"MapPublicIpOnLaunch\": false}");
	subnet_kind.plan(&e);
	assert_plan(&e, NULL);
}
END_TEST

START_TEST(test_plan_igw)
{
	struct echain e;

	/* detached by hand: attach again */
	ec2t_chain(&e, &igw_kind, "igw-1", "{\"VpcId\": \"vpc-1\"}", "{}");
	igw_kind.plan(&e);
	assert_plan(&e, "AttachInternetGateway InternetGatewayId=igw-1 VpcId=vpc-1", NULL);
	/* moved: off the old VPC, onto the new one */
	ec2t_chain(&e, &igw_kind, "igw-1", "{\"VpcId\": \"vpc-2\"}", "{\"VpcId\": \"vpc-1\"}");
	igw_kind.plan(&e);
	assert_plan(&e, "DetachInternetGateway InternetGatewayId=igw-1 VpcId=vpc-1",
	    "AttachInternetGateway InternetGatewayId=igw-1 VpcId=vpc-2", NULL);
	/* no VpcId desired: the attachment is not managed; a delete detaches first */
	ec2t_chain(&e, &igw_kind, "igw-1", "{}", "{\"VpcId\": \"vpc-1\"}");
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

	ec2t_chain(&e, &rtb_kind, "rtb-1",
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
	ec2t_chain(&e, &rtb_kind, "rtb-1", "{\"Routes\": [{\"DestinationCidrBlock\": "
	    "\"0.0.0.0/0\", \"GatewayId\": \"igw-1\"}], \"Associations\": []}",
	    "{\"Routes\": [], \"Associations\": []}");
	rtb_kind.plan(&e);
	assert_plan(&e, "CreateRoute RouteTableId=rtb-1 DestinationCidrBlock=0.0.0.0/0 "
	    "GatewayId=igw-1", NULL);
	/* a delete disassociates every subnet first */
	ec2t_chain(&e, &rtb_kind, "rtb-1", "{}", "{\"Routes\": [], \"Associations\": "
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

	tcase_add_checked_fixture(tc, NULL, ptl_free);
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
