/* ec2.c: the EC2 broker plugin: AWS.EC2.Vpc, Subnet, InternetGateway, RouteTable,
 * SecurityGroup and Instance over EC2's query protocol (API 2016-11-15). The types share the
 * machinery of ec2.h (chain.c, sweep.c); each has its own file. */
#include "ec2.h"

static const struct fugue_type types[] = {
	{
		.name = "AWS.EC2.Instance",
		.create = instance_create,
		.read = instance_read,
		.update = instance_update,
		.delete = instance_delete,
		.sweep = instance_sweep,
	},
	{
		.name = "AWS.EC2.InternetGateway",
		.create = igw_create,
		.read = igw_read,
		.update = igw_update,
		.delete = igw_delete,
		.sweep = igw_sweep,
	},
	{
		.name = "AWS.EC2.RouteTable",
		.create = rtb_create,
		.read = rtb_read,
		.update = rtb_update,
		.delete = rtb_delete,
		.sweep = rtb_sweep,
	},
	{
		.name = "AWS.EC2.SecurityGroup",
		.create = sg_create,
		.read = sg_read,
		.update = sg_update,
		.delete = sg_delete,
		.sweep = sg_sweep,
	},
	{
		.name = "AWS.EC2.Subnet",
		.create = subnet_create,
		.read = subnet_read,
		.update = subnet_update,
		.delete = subnet_delete,
		.sweep = subnet_sweep,
	},
	{
		.name = "AWS.EC2.Vpc",
		.create = vpc_create,
		.read = vpc_read,
		.update = vpc_update,
		.delete = vpc_delete,
		.sweep = vpc_sweep,
	},
};

const struct fugue_broker ec2_LTX_fugue_broker = {
	.abi_major = FUGUE_BROKER_ABI_MAJOR,
	.abi_minor = FUGUE_BROKER_ABI_MINOR,
	.name = "ec2",
	.description = "Amazon EC2 networks (VPCs, subnets, internet gateways, route tables), "
	    "security groups and instances",
	.types = types,
	.ntypes = sizeof(types) / sizeof(types[0]),
};
