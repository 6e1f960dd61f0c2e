/* subnet.c: AWS.EC2.Subnet.
 * create = CreateSubnet (VpcId, CidrBlock, AvailabilityZone, TagSpecifications), then the
 *   update plan for MapPublicIpOnLaunch;
 * read = DescribeSubnets (filter subnet-id);
 * update = ModifySubnetAttribute (MapPublicIpOnLaunch), CreateTags/DeleteTags;
 * delete = DeleteSubnet (a DependencyViolation while instances are still going is waited out,
 *   then retryable);
 * sweep = the batched DescribeSubnets: one call for up to 1,000 subnets. */
#include "ec2.h"

static void subnet_observe(const struct fugue_host *, struct fugue_json *,
    const struct fugue_xml *);
static void subnet_create_call(struct echain *);
static void subnet_plan(struct echain *);
static void subnet_plan_delete(struct echain *);

const struct ekind subnet_kind = {
	.type = "AWS.EC2.Subnet",
	.resource_type = "subnet",
	.describe = "DescribeSubnets",
	.id_filter = "subnet-id",
	.set = "subnetSet/item",
	.id_field = "subnetId",
	.observe = subnet_observe,
	.created_id = "subnet/subnetId",
	.create = subnet_create_call,
	.plan = subnet_plan,
	.plan_delete = subnet_plan_delete,
};

/* Writes a described subnet. */
static void
subnet_observe(const struct fugue_host *h, struct fugue_json *w, const struct fugue_xml *x)
{
	ec2_write_str(h, w, "SubnetId", x, "subnetId");
	ec2_write_str(h, w, "SubnetArn", x, "subnetArn");
	ec2_write_str(h, w, "VpcId", x, "vpcId");
	ec2_write_str(h, w, "CidrBlock", x, "cidrBlock");
	ec2_write_str(h, w, "AvailabilityZone", x, "availabilityZone");
	ec2_write_str(h, w, "AvailabilityZoneId", x, "availabilityZoneId");
	ec2_write_bool(h, w, "MapPublicIpOnLaunch", x, "mapPublicIpOnLaunch");
	ec2_write_tags(h, w, x);
}

/* Sends CreateSubnet. */
static void
subnet_create_call(struct echain *e)
{
	const struct fugue_host *h = e->r.h;
	const struct fugue_value *d = ec2_desired(e);
	struct fugue_call *c = ec2_call(e, "CreateSubnet");
	const char *az = h->v_str(d, "AvailabilityZone");

	h->call_param(c, "VpcId", h->v_str(d, "VpcId"));
	h->call_param(c, "CidrBlock", h->v_str(d, "CidrBlock"));
	if (az != NULL)
		h->call_param(c, "AvailabilityZone", az);
	ec2_tag_spec(h, c, "subnet", h->v_get(d, "Tags"));
	ec2_send_create(e, c, "CreateSubnet");
}

/* ModifySubnetAttribute when MapPublicIpOnLaunch differs. */
static void
subnet_plan(struct echain *e)
{
	const struct fugue_host *h = e->r.h;
	int want, have;

	if (h->v_bool(ec2_desired(e), "MapPublicIpOnLaunch", &want) != 0)
		return;
	if (h->v_bool(e->have, "MapPublicIpOnLaunch", &have) == 0 && have == want)
		return;
	ec2_plan_add(e, "ModifySubnetAttribute", 0);
	ec2_plan_param(e, "SubnetId", e->id);
	ec2_plan_param(e, "MapPublicIpOnLaunch.Value", want ? "true" : "false");
}

/* Deletes the subnet. */
static void
subnet_plan_delete(struct echain *e)
{
	ec2_plan_add(e, "DeleteSubnet", EC2_GONE_OK | EC2_DEP_WAIT);
	ec2_plan_param(e, "SubnetId", e->id);
}

/* Creates a subnet. */
void
subnet_create(const struct fugue_host *h, struct fugue_op *op)
{
	ec2_op_create(h, op, &subnet_kind);
}

/* Reads a subnet. */
void
subnet_read(const struct fugue_host *h, struct fugue_op *op)
{
	ec2_op_read(h, op, &subnet_kind);
}

/* Updates a subnet. */
void
subnet_update(const struct fugue_host *h, struct fugue_op *op)
{
	ec2_op_update(h, op, &subnet_kind);
}

/* Deletes a subnet. */
void
subnet_delete(const struct fugue_host *h, struct fugue_op *op)
{
	ec2_op_delete(h, op, &subnet_kind);
}

/* Sweeps the subnets of a region. */
void
subnet_sweep(const struct fugue_host *h, struct fugue_sweep *sw)
{
	ec2_op_sweep(h, sw, &subnet_kind);
}
