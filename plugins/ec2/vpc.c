/* vpc.c: AWS.EC2.Vpc.
 * create = CreateVpc (CidrBlock, InstanceTenancy, TagSpecifications), then the update plan for
 *   the DNS attributes;
 * read = DescribeVpcs (filter vpc-id), then DescribeVpcAttribute for enableDnsSupport and
 *   enableDnsHostnames (DescribeVpcs reports neither);
 * update = ModifyVpcAttribute, one attribute a call as EC2 requires (support turned on before
 *   hostnames, hostnames turned off before support), CreateTags/DeleteTags;
 * delete = DeleteVpc (a DependencyViolation while subnets, gateways or groups are still going
 *   is waited out, then retryable);
 * sweep = the batched DescribeVpcs, then the two attribute reads of each managed VPC. */
#include <stdint.h>
#include <stdio.h>

#include "ec2.h"

static void vpc_observe(const struct fugue_host *, struct fugue_json *,
    const struct fugue_xml *);
static void vpc_complete(struct echain *);
static void vpc_create_call(struct echain *);
static void vpc_plan(struct echain *);
static void vpc_plan_delete(struct echain *);

const struct ekind vpc_kind = {
	.type = "AWS.EC2.Vpc",
	.resource_type = "vpc",
	.describe = "DescribeVpcs",
	.id_filter = "vpc-id",
	.set = "vpcSet/item",
	.id_field = "vpcId",
	.observe = vpc_observe,
	.complete = vpc_complete,
	.created_id = "vpc/vpcId",
	.create = vpc_create_call,
	.plan = vpc_plan,
	.plan_delete = vpc_plan_delete,
};

/* The DNS attributes: DescribeVpcAttribute's name, the property. */
static const char *const attrs[][2] = {
	{ "enableDnsSupport", "EnableDnsSupport" },
	{ "enableDnsHostnames", "EnableDnsHostnames" },
};

/* Writes a described VPC. */
static void
vpc_observe(const struct fugue_host *h, struct fugue_json *w, const struct fugue_xml *x)
{
	ec2_write_str(h, w, "VpcId", x, "vpcId");
	ec2_write_str(h, w, "CidrBlock", x, "cidrBlock");
	ec2_write_str(h, w, "InstanceTenancy", x, "instanceTenancy");
	ec2_write_str(h, w, "OwnerId", x, "ownerId");
	ec2_write_tags(h, w, x);
}

static void next_attr(struct echain *, size_t);

/* A DescribeVpcAttribute answered. */
static void
on_attr(struct echain *e, const struct fugue_reply *rep)
{
	const struct fugue_host *h = e->r.h;
	size_t i = (size_t)(uintptr_t)e->data;
	char path[64];

	if (h->r_status(rep) != FUGUE_OK) {
		ec2_fail(e, rep, "DescribeVpcAttribute");
		return;
	}
	snprintf(path, sizeof(path), "%s/value", attrs[i][0]);
	ec2_write_bool(h, e->w, attrs[i][1], h->r_xml(rep), path);
	next_attr(e, i + 1);
}

/* Asks for attribute i, or ends the read. */
static void
next_attr(struct echain *e, size_t i)
{
	struct fugue_call *c;

	if (i == sizeof(attrs) / sizeof(attrs[0])) {
		e->data = NULL;
		ec2_read_end(e);
		return;
	}
	/* e->data holds the attribute's index while the call runs (no free function). */
	e->data = (void *)(uintptr_t)i;
	c = ec2_call(e, "DescribeVpcAttribute");
	e->r.h->call_param(c, "VpcId", e->id);
	e->r.h->call_param(c, "Attribute", attrs[i][0]);
	e->r.h->call_read_only(c);
	ec2_send(e, c, on_attr);
}

/* Reads the DNS attributes. */
static void
vpc_complete(struct echain *e)
{
	next_attr(e, 0);
}

/* Sends CreateVpc. */
static void
vpc_create_call(struct echain *e)
{
	const struct fugue_host *h = e->r.h;
	const struct fugue_value *d = ec2_desired(e);
	struct fugue_call *c = ec2_call(e, "CreateVpc");
	const char *tenancy = h->v_str(d, "InstanceTenancy");

	h->call_param(c, "CidrBlock", h->v_str(d, "CidrBlock"));
	if (tenancy != NULL)
		h->call_param(c, "InstanceTenancy", tenancy);
	ec2_tag_spec(h, c, "vpc", h->v_get(d, "Tags"));
	ec2_send_create(e, c, "CreateVpc");
}

/* Adds ModifyVpcAttribute for the property when the desired value differs. */
static void
plan_attr(struct echain *e, const char *prop, int want_on)
{
	const struct fugue_host *h = e->r.h;
	int want, have;

	if (h->v_bool(ec2_desired(e), prop, &want) != 0 || want != want_on)
		return;
	if (h->v_bool(e->have, prop, &have) == 0 && have == want)
		return;
	ec2_plan_add(e, "ModifyVpcAttribute", 0);
	ec2_plan_param(e, "VpcId", e->id);
	ec2_plan_paramf(e, want ? "true" : "false", "%s.Value", prop);
}

/* The attribute changes: what turns on first (support before hostnames), then what turns off
 * (hostnames before support). */
static void
vpc_plan(struct echain *e)
{
	plan_attr(e, "EnableDnsSupport", 1);
	plan_attr(e, "EnableDnsHostnames", 1);
	plan_attr(e, "EnableDnsHostnames", 0);
	plan_attr(e, "EnableDnsSupport", 0);
}

/* Deletes the VPC. */
static void
vpc_plan_delete(struct echain *e)
{
	ec2_plan_add(e, "DeleteVpc", EC2_GONE_OK | EC2_DEP_WAIT);
	ec2_plan_param(e, "VpcId", e->id);
}

/* Creates a VPC. */
void
vpc_create(const struct fugue_host *h, struct fugue_op *op)
{
	ec2_op_create(h, op, &vpc_kind);
}

/* Reads a VPC. */
void
vpc_read(const struct fugue_host *h, struct fugue_op *op)
{
	ec2_op_read(h, op, &vpc_kind);
}

/* Updates a VPC. */
void
vpc_update(const struct fugue_host *h, struct fugue_op *op)
{
	ec2_op_update(h, op, &vpc_kind);
}

/* Deletes a VPC. */
void
vpc_delete(const struct fugue_host *h, struct fugue_op *op)
{
	ec2_op_delete(h, op, &vpc_kind);
}

/* Sweeps the VPCs of a region. */
void
vpc_sweep(const struct fugue_host *h, struct fugue_sweep *sw)
{
	ec2_op_sweep(h, sw, &vpc_kind);
}
