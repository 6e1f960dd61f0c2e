/* ec2_shape.c: the input shapes of the EC2 actions localcloud serves, with EC2's query names
 * (lists flattened as Name.N, structures as Name.Member). */
#include "config.h"

#include <string.h>

#include "ec2.h"

static const struct sqs_shape s_str = { SQS_T_STR, NULL, NULL, NULL, NULL };
static const struct sqs_shape s_int = { SQS_T_INT, NULL, NULL, NULL, NULL };
static const struct sqs_shape s_bool = { SQS_T_BOOL, NULL, NULL, NULL, NULL };
static const struct sqs_shape s_strs = { SQS_T_LIST, NULL, &s_str, NULL, NULL };

#define M_END { NULL, NULL, NULL }
#define STRUCT(n, ...) \
	static const struct sqs_member m_##n[] = { __VA_ARGS__, M_END }; \
	static const struct sqs_shape s_##n = { SQS_T_STRUCT, m_##n, NULL, NULL, NULL }
#define LIST(n, item) static const struct sqs_shape s_##n = { SQS_T_LIST, NULL, &s_##item, NULL, \
	NULL }

STRUCT(tag, { "Key", NULL, &s_str }, { "Value", NULL, &s_str });
LIST(tags, tag);
STRUCT(tagspec, { "ResourceType", NULL, &s_str }, { "Tags", "Tag", &s_tags });
LIST(tagspecs, tagspec);
STRUCT(filter, { "Name", NULL, &s_str }, { "Values", "Value", &s_strs });
LIST(filters, filter);
STRUCT(attr_bool, { "Value", NULL, &s_bool });
STRUCT(attr_str, { "Value", NULL, &s_str });
STRUCT(pair, { "GroupId", NULL, &s_str }, { "GroupName", NULL, &s_str },
    { "UserId", NULL, &s_str }, { "VpcId", NULL, &s_str }, { "Description", NULL, &s_str },
    { "VpcPeeringConnectionId", NULL, &s_str });
LIST(pairs, pair);
STRUCT(range, { "CidrIp", NULL, &s_str }, { "Description", NULL, &s_str });
LIST(ranges, range);
STRUCT(range6, { "CidrIpv6", NULL, &s_str }, { "Description", NULL, &s_str });
LIST(ranges6, range6);
STRUCT(prefix_list, { "PrefixListId", NULL, &s_str }, { "Description", NULL, &s_str });
LIST(prefix_lists, prefix_list);
STRUCT(perm, { "IpProtocol", NULL, &s_str }, { "FromPort", NULL, &s_int },
    { "ToPort", NULL, &s_int }, { "IpRanges", NULL, &s_ranges },
    { "UserIdGroupPairs", "Groups", &s_pairs }, { "Ipv6Ranges", NULL, &s_ranges6 },
    { "PrefixListIds", NULL, &s_prefix_lists });
LIST(perms, perm);
STRUCT(profile, { "Arn", NULL, &s_str }, { "Name", NULL, &s_str });
STRUCT(placement, { "AvailabilityZone", NULL, &s_str }, { "GroupName", NULL, &s_str },
    { "Tenancy", NULL, &s_str });
STRUCT(monitoring, { "Enabled", NULL, &s_bool });
STRUCT(eni, { "DeviceIndex", NULL, &s_int }, { "SubnetId", NULL, &s_str },
    { "NetworkInterfaceId", NULL, &s_str });
LIST(enis, eni);

#define DRY { "DryRun", NULL, &s_bool }
#define TAGSPEC { "TagSpecifications", "TagSpecification", &s_tagspecs }
#define FILTERS { "Filters", "Filter", &s_filters }
#define PAGE { "NextToken", NULL, &s_str }, { "MaxResults", NULL, &s_int }
#define STR(n) { n, NULL, &s_str }
#define IDS(n, q) { n, q, &s_strs }
#define ATTR_BOOL(n) { n, NULL, &s_attr_bool }
#define ATTR_STR(n) { n, NULL, &s_attr_str }

STRUCT(create_vpc, STR("CidrBlock"), STR("InstanceTenancy"),
    { "AmazonProvidedIpv6CidrBlock", NULL, &s_bool }, STR("Ipv6CidrBlock"),
    STR("Ipv4IpamPoolId"), TAGSPEC, DRY);
STRUCT(vpc_id, STR("VpcId"), DRY);
STRUCT(describe_vpcs, FILTERS, IDS("VpcIds", "VpcId"), PAGE, DRY);
STRUCT(modify_vpc_attr, STR("VpcId"), ATTR_BOOL("EnableDnsHostnames"),
    ATTR_BOOL("EnableDnsSupport"), ATTR_BOOL("EnableNetworkAddressUsageMetrics"), DRY);
STRUCT(describe_vpc_attr, STR("Attribute"), STR("VpcId"), DRY);
STRUCT(create_subnet, STR("VpcId"), STR("CidrBlock"), STR("AvailabilityZone"),
    STR("AvailabilityZoneId"), STR("Ipv6CidrBlock"), TAGSPEC, DRY);
STRUCT(subnet_id, STR("SubnetId"), DRY);
STRUCT(describe_subnets, FILTERS, IDS("SubnetIds", "SubnetId"), PAGE, DRY);
STRUCT(modify_subnet_attr, STR("SubnetId"), ATTR_BOOL("MapPublicIpOnLaunch"),
    ATTR_BOOL("AssignIpv6AddressOnCreation"), ATTR_BOOL("EnableDns64"),
    ATTR_BOOL("MapCustomerOwnedIpOnLaunch"), ATTR_BOOL("EnableResourceNameDnsARecordOnLaunch"),
    ATTR_BOOL("EnableResourceNameDnsAAAARecordOnLaunch"), DRY);
STRUCT(tagspec_only, TAGSPEC, DRY);
STRUCT(igw_id, STR("InternetGatewayId"), DRY);
STRUCT(describe_igws, FILTERS, IDS("InternetGatewayIds", "InternetGatewayId"), PAGE, DRY);
STRUCT(igw_vpc, STR("InternetGatewayId"), STR("VpcId"), DRY);
STRUCT(create_rtb, STR("VpcId"), TAGSPEC, DRY);
STRUCT(rtb_id, STR("RouteTableId"), DRY);
STRUCT(describe_rtbs, FILTERS, IDS("RouteTableIds", "RouteTableId"), PAGE, DRY);
/* Route targets besides GatewayId are read only to be refused by name. */
STRUCT(route, STR("RouteTableId"), STR("DestinationCidrBlock"), STR("GatewayId"),
    STR("DestinationIpv6CidrBlock"), STR("DestinationPrefixListId"), STR("NatGatewayId"),
    STR("InstanceId"), STR("NetworkInterfaceId"), STR("VpcPeeringConnectionId"),
    STR("TransitGatewayId"), STR("EgressOnlyInternetGatewayId"), STR("VpcEndpointId"),
    STR("LocalGatewayId"), STR("CarrierGatewayId"), STR("CoreNetworkArn"),
    { "LocalTarget", NULL, &s_bool }, DRY);
STRUCT(associate_rtb, STR("RouteTableId"), STR("SubnetId"), STR("GatewayId"), DRY);
STRUCT(disassociate_rtb, STR("AssociationId"), DRY);
STRUCT(create_sg, { "Description", "GroupDescription", &s_str }, STR("GroupName"),
    STR("VpcId"), TAGSPEC, DRY);
STRUCT(delete_sg, STR("GroupId"), STR("GroupName"), DRY);
STRUCT(describe_sgs, FILTERS, IDS("GroupIds", "GroupId"), IDS("GroupNames", "GroupName"), PAGE,
    DRY);
STRUCT(sg_rules, STR("GroupId"), STR("GroupName"), { "IpPermissions", NULL, &s_perms },
    STR("CidrIp"), STR("IpProtocol"), { "FromPort", NULL, &s_int }, { "ToPort", NULL, &s_int },
    STR("SourceSecurityGroupName"), STR("SourceSecurityGroupOwnerId"),
    IDS("SecurityGroupRuleIds", "SecurityGroupRuleId"), TAGSPEC, DRY);
STRUCT(run_instances, STR("ImageId"), STR("InstanceType"), STR("KeyName"),
    { "MaxCount", NULL, &s_int }, { "MinCount", NULL, &s_int },
    IDS("SecurityGroupIds", "SecurityGroupId"), IDS("SecurityGroups", "SecurityGroup"),
    STR("SubnetId"), STR("UserData"), STR("ClientToken"),
    { "DisableApiTermination", NULL, &s_bool }, { "IamInstanceProfile", NULL, &s_profile },
    STR("InstanceInitiatedShutdownBehavior"), STR("PrivateIpAddress"),
    { "Placement", NULL, &s_placement }, { "Monitoring", NULL, &s_monitoring },
    { "EbsOptimized", NULL, &s_bool }, { "NetworkInterfaces", "NetworkInterface", &s_enis },
    TAGSPEC, DRY);
STRUCT(describe_instances, FILTERS, IDS("InstanceIds", "InstanceId"), PAGE, DRY);
STRUCT(instance_ids, IDS("InstanceIds", "InstanceId"), DRY);
STRUCT(stop_instances, IDS("InstanceIds", "InstanceId"), { "Hibernate", NULL, &s_bool },
    { "Force", NULL, &s_bool }, { "SkipOsShutdown", NULL, &s_bool }, DRY);
STRUCT(start_instances, IDS("InstanceIds", "InstanceId"), STR("AdditionalInfo"), DRY);
STRUCT(describe_instance_attr, STR("InstanceId"), STR("Attribute"), DRY);
STRUCT(modify_instance_attr, STR("InstanceId"), STR("Attribute"), STR("Value"),
    ATTR_BOOL("SourceDestCheck"), ATTR_BOOL("DisableApiTermination"), ATTR_STR("InstanceType"),
    ATTR_STR("InstanceInitiatedShutdownBehavior"), ATTR_STR("UserData"),
    IDS("Groups", "GroupId"), ATTR_BOOL("EbsOptimized"), ATTR_BOOL("EnaSupport"),
    ATTR_STR("SriovNetSupport"), ATTR_STR("Kernel"), ATTR_STR("Ramdisk"),
    ATTR_BOOL("DisableApiStop"), DRY);
STRUCT(tags_op, IDS("Resources", "ResourceId"), { "Tags", "Tag", &s_tags }, DRY);
STRUCT(describe_tags, FILTERS, PAGE, DRY);
STRUCT(describe_azs, FILTERS, IDS("ZoneNames", "ZoneName"), IDS("ZoneIds", "ZoneId"),
    { "AllAvailabilityZones", NULL, &s_bool }, DRY);
STRUCT(describe_regions, FILTERS, IDS("RegionNames", "RegionName"),
    { "AllRegions", NULL, &s_bool }, DRY);
STRUCT(describe_images, FILTERS, IDS("ImageIds", "ImageId"), IDS("Owners", "Owner"),
    IDS("ExecutableUsers", "ExecutableBy"), { "IncludeDeprecated", NULL, &s_bool }, DRY);

static const struct {
	const char *action;
	const struct sqs_shape *shape;
} shapes[] = {
	{ "AssociateRouteTable", &s_associate_rtb },
	{ "AttachInternetGateway", &s_igw_vpc },
	{ "AuthorizeSecurityGroupEgress", &s_sg_rules },
	{ "AuthorizeSecurityGroupIngress", &s_sg_rules },
	{ "CreateInternetGateway", &s_tagspec_only },
	{ "CreateRoute", &s_route },
	{ "CreateRouteTable", &s_create_rtb },
	{ "CreateSecurityGroup", &s_create_sg },
	{ "CreateSubnet", &s_create_subnet },
	{ "CreateTags", &s_tags_op },
	{ "CreateVpc", &s_create_vpc },
	{ "DeleteInternetGateway", &s_igw_id },
	{ "DeleteRoute", &s_route },
	{ "DeleteRouteTable", &s_rtb_id },
	{ "DeleteSecurityGroup", &s_delete_sg },
	{ "DeleteSubnet", &s_subnet_id },
	{ "DeleteTags", &s_tags_op },
	{ "DeleteVpc", &s_vpc_id },
	{ "DescribeAvailabilityZones", &s_describe_azs },
	{ "DescribeImages", &s_describe_images },
	{ "DescribeInstanceAttribute", &s_describe_instance_attr },
	{ "DescribeInstances", &s_describe_instances },
	{ "DescribeInternetGateways", &s_describe_igws },
	{ "DescribeRegions", &s_describe_regions },
	{ "DescribeRouteTables", &s_describe_rtbs },
	{ "DescribeSecurityGroups", &s_describe_sgs },
	{ "DescribeSubnets", &s_describe_subnets },
	{ "DescribeTags", &s_describe_tags },
	{ "DescribeVpcAttribute", &s_describe_vpc_attr },
	{ "DescribeVpcs", &s_describe_vpcs },
	{ "DetachInternetGateway", &s_igw_vpc },
	{ "DisassociateRouteTable", &s_disassociate_rtb },
	{ "ModifyInstanceAttribute", &s_modify_instance_attr },
	{ "ModifySubnetAttribute", &s_modify_subnet_attr },
	{ "ModifyVpcAttribute", &s_modify_vpc_attr },
	{ "MonitorInstances", &s_instance_ids },
	{ "ReplaceRoute", &s_route },
	{ "RevokeSecurityGroupEgress", &s_sg_rules },
	{ "RevokeSecurityGroupIngress", &s_sg_rules },
	{ "RunInstances", &s_run_instances },
	{ "StartInstances", &s_start_instances },
	{ "StopInstances", &s_stop_instances },
	{ "TerminateInstances", &s_instance_ids },
	{ "UnmonitorInstances", &s_instance_ids },
};

/* The input shape of an action, or NULL. */
const struct sqs_shape *
ec2_action_shape(const char *action)
{
	for (size_t i = 0; action && i < FG_ARRAY_LEN(shapes); i++)
		if (strcmp(shapes[i].action, action) == 0)
			return shapes[i].shape;
	return NULL;
}
