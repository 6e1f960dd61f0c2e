/* internet_gateway.c: AWS.EC2.InternetGateway with its attachment to a VPC.
 * create = CreateInternetGateway (TagSpecifications), then the update plan (the attachment);
 * read = DescribeInternetGateways (filter internet-gateway-id); VpcId is the VPC of its
 *   attachment, absent while detached;
 * update = DetachInternetGateway from a VPC it should not be on, AttachInternetGateway to the
 *   desired one (so a gateway detached outside Fugue is attached again), CreateTags/DeleteTags;
 * delete = DetachInternetGateway when attached (a DependencyViolation while instances of the
 *   VPC still have public addresses is waited out), DeleteInternetGateway;
 * sweep = the batched DescribeInternetGateways. */
#include "ec2.h"

static void igw_observe(const struct fugue_host *, struct fugue_json *,
    const struct fugue_xml *);
static void igw_create_call(struct echain *);
static void igw_plan(struct echain *);
static void igw_plan_delete(struct echain *);

const struct ekind igw_kind = {
	.type = "AWS.EC2.InternetGateway",
	.resource_type = "internet-gateway",
	.describe = "DescribeInternetGateways",
	.id_filter = "internet-gateway-id",
	.set = "internetGatewaySet/item",
	.id_field = "internetGatewayId",
	.observe = igw_observe,
	.created_id = "internetGateway/internetGatewayId",
	.create = igw_create_call,
	.plan = igw_plan,
	.plan_delete = igw_plan_delete,
};

/* Writes a described internet gateway. */
static void
igw_observe(const struct fugue_host *h, struct fugue_json *w, const struct fugue_xml *x)
{
	ec2_write_str(h, w, "InternetGatewayId", x, "internetGatewayId");
	ec2_write_str(h, w, "OwnerId", x, "ownerId");
	for (const struct fugue_xml *a = h->x_find(x, "attachmentSet/item"); a; a = h->x_next(a)) {
		const char *state = h->x_text(a, "state");

		/* "available" is how EC2 reports an attached gateway; "attaching" will be. */
		if (ec2_same(state, "available") || ec2_same(state, "attached") ||
		    ec2_same(state, "attaching")) {
			ec2_write_str(h, w, "VpcId", a, "vpcId");
			break;
		}
	}
	ec2_write_tags(h, w, x);
}

/* Sends CreateInternetGateway. */
static void
igw_create_call(struct echain *e)
{
	const struct fugue_host *h = e->r.h;
	struct fugue_call *c = ec2_call(e, "CreateInternetGateway");

	ec2_tag_spec(h, c, "internet-gateway", h->v_get(ec2_desired(e), "Tags"));
	ec2_send_create(e, c, "CreateInternetGateway");
}

/* Adds a step on the gateway and a VPC. */
static void
plan_vpc_step(struct echain *e, const char *action, const char *vpc, int flags)
{
	ec2_plan_add(e, action, flags);
	ec2_plan_param(e, "InternetGatewayId", e->id);
	ec2_plan_param(e, "VpcId", vpc);
}

/* The attachment: off the VPC it should not be on, onto the desired one. A desired
 * attachment is managed only when VpcId is given. */
static void
igw_plan(struct echain *e)
{
	const struct fugue_host *h = e->r.h;
	const char *want = h->v_str(ec2_desired(e), "VpcId");
	const char *have = h->v_str(e->have, "VpcId");

	if (want == NULL || ec2_same(want, have))
		return;
	if (have != NULL)
		plan_vpc_step(e, "DetachInternetGateway", have, EC2_GONE_OK | EC2_DEP_WAIT);
	plan_vpc_step(e, "AttachInternetGateway", want, 0);
}

/* Detaches the gateway, then deletes it. */
static void
igw_plan_delete(struct echain *e)
{
	const char *have = e->r.h->v_str(e->have, "VpcId");

	if (have != NULL)
		plan_vpc_step(e, "DetachInternetGateway", have, EC2_GONE_OK | EC2_DEP_WAIT);
	ec2_plan_add(e, "DeleteInternetGateway", EC2_GONE_OK | EC2_DEP_WAIT);
	ec2_plan_param(e, "InternetGatewayId", e->id);
}

/* Creates an internet gateway. */
void
igw_create(const struct fugue_host *h, struct fugue_op *op)
{
	ec2_op_create(h, op, &igw_kind);
}

/* Reads an internet gateway. */
void
igw_read(const struct fugue_host *h, struct fugue_op *op)
{
	ec2_op_read(h, op, &igw_kind);
}

/* Updates an internet gateway. */
void
igw_update(const struct fugue_host *h, struct fugue_op *op)
{
	ec2_op_update(h, op, &igw_kind);
}

/* Deletes an internet gateway. */
void
igw_delete(const struct fugue_host *h, struct fugue_op *op)
{
	ec2_op_delete(h, op, &igw_kind);
}

/* Sweeps the internet gateways of a region. */
void
igw_sweep(const struct fugue_host *h, struct fugue_sweep *sw)
{
	ec2_op_sweep(h, sw, &igw_kind);
}
