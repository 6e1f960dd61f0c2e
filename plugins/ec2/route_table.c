/* route_table.c: AWS.EC2.RouteTable with its routes and subnet associations.
 * create = CreateRouteTable (VpcId, TagSpecifications), then the update plan (routes and
 *   associations);
 * read = DescribeRouteTables (filter route-table-id). Routes leave out the local route and
 *   propagated ones (AWS's, not the table's); associations leave out the main one and carry
 *   their AssociationId beside the SubnetId (the Conductor compares schema members only);
 * update = DisassociateRouteTable for subnets no longer listed, DeleteRoute for destinations
 *   no longer listed, ReplaceRoute for a destination whose target changed, CreateRoute for a
 *   new one (so a route deleted outside Fugue is put back), AssociateRouteTable, CreateTags /
 *   DeleteTags;
 * delete = DisassociateRouteTable for each association, DeleteRouteTable;
 * sweep = the batched DescribeRouteTables (100 tables a page: its largest MaxResults). */
#include "ec2.h"

static void rtb_observe(const struct fugue_host *, struct fugue_json *,
    const struct fugue_xml *);
static void rtb_create_call(struct echain *);
static void rtb_plan(struct echain *);
static void rtb_plan_delete(struct echain *);

const struct ekind rtb_kind = {
	.type = "AWS.EC2.RouteTable",
	.resource_type = "route-table",
	.describe = "DescribeRouteTables",
	.id_filter = "route-table-id",
	.set = "routeTableSet/item",
	.id_field = "routeTableId",
	.observe = rtb_observe,
	.created_id = "routeTable/routeTableId",
	.create = rtb_create_call,
	.plan = rtb_plan,
	.plan_delete = rtb_plan_delete,
	.max_results = "100",
};

/* The route targets of the schema: property, element of a described route. */
static const char *const targets[][2] = {
	{ "GatewayId", "gatewayId" },
	{ "NatGatewayId", "natGatewayId" },
	{ "InstanceId", "instanceId" },
};
#define NTARGETS (sizeof(targets) / sizeof(targets[0]))

/* Writes the routes the table's owner made. */
static void
write_routes(const struct fugue_host *h, struct fugue_json *w, const struct fugue_xml *x)
{
	h->j_key(w, "Routes");
	h->j_arr(w);
	for (const struct fugue_xml *r = h->x_find(x, "routeSet/item"); r; r = h->x_next(r)) {
		if (h->x_text(r, "destinationCidrBlock") == NULL ||
		    ec2_same(h->x_text(r, "gatewayId"), "local") ||
		    ec2_same(h->x_text(r, "origin"), "EnableVgwRoutePropagation"))
			continue;
		h->j_obj(w);
		ec2_write_str(h, w, "DestinationCidrBlock", r, "destinationCidrBlock");
		for (size_t i = 0; i < NTARGETS; i++)
			if (h->x_text(r, targets[i][1]) != NULL) {
				ec2_write_str(h, w, targets[i][0], r, targets[i][1]);
				break;
			}
		h->j_end_obj(w);
	}
	h->j_end_arr(w);
}

/* Writes the subnet associations. */
static void
write_assocs(const struct fugue_host *h, struct fugue_json *w, const struct fugue_xml *x)
{
	h->j_key(w, "Associations");
	h->j_arr(w);
	for (const struct fugue_xml *a = h->x_find(x, "associationSet/item"); a;
	    a = h->x_next(a)) {
		const char *state = h->x_text(a, "associationState/state");

		if (ec2_same(h->x_text(a, "main"), "true") || h->x_text(a, "subnetId") == NULL ||
		    (state != NULL && !ec2_same(state, "associated") &&
		    !ec2_same(state, "associating")))
			continue;
		h->j_obj(w);
		ec2_write_str(h, w, "SubnetId", a, "subnetId");
		ec2_write_str(h, w, "AssociationId", a, "routeTableAssociationId");
		h->j_end_obj(w);
	}
	h->j_end_arr(w);
}

/* Writes a described route table. */
static void
rtb_observe(const struct fugue_host *h, struct fugue_json *w, const struct fugue_xml *x)
{
	ec2_write_str(h, w, "RouteTableId", x, "routeTableId");
	ec2_write_str(h, w, "VpcId", x, "vpcId");
	ec2_write_str(h, w, "OwnerId", x, "ownerId");
	write_routes(h, w, x);
	write_assocs(h, w, x);
	ec2_write_tags(h, w, x);
}

/* Sends CreateRouteTable. */
static void
rtb_create_call(struct echain *e)
{
	const struct fugue_host *h = e->r.h;
	const struct fugue_value *d = ec2_desired(e);
	struct fugue_call *c = ec2_call(e, "CreateRouteTable");

	h->call_param(c, "VpcId", h->v_str(d, "VpcId"));
	ec2_tag_spec(h, c, "route-table", h->v_get(d, "Tags"));
	ec2_send_create(e, c, "CreateRouteTable");
}

/* The item of list whose member key is value, or NULL. */
static const struct fugue_value *
find_by(const struct fugue_host *h, const struct fugue_value *list, const char *key,
    const char *value)
{
	for (size_t i = 0; i < h->v_len(list, ""); i++)
		if (ec2_same(h->v_str(h->v_at(list, i), key), value))
			return h->v_at(list, i);
	return NULL;
}

/* 1 when two routes send to the same target. */
static int
same_target(const struct fugue_host *h, const struct fugue_value *a,
    const struct fugue_value *b)
{
	for (size_t i = 0; i < NTARGETS; i++)
		if (!ec2_same(h->v_str(a, targets[i][0]), h->v_str(b, targets[i][0])))
			return 0;
	return 1;
}

/* Adds CreateRoute or ReplaceRoute for route r. */
static void
plan_route(struct echain *e, const char *action, const struct fugue_value *r)
{
	const struct fugue_host *h = e->r.h;

	ec2_plan_add(e, action, 0);
	ec2_plan_param(e, "RouteTableId", e->id);
	ec2_plan_param(e, "DestinationCidrBlock", h->v_str(r, "DestinationCidrBlock"));
	for (size_t i = 0; i < NTARGETS; i++)
		if (h->v_str(r, targets[i][0]) != NULL)
			ec2_plan_param(e, targets[i][0], h->v_str(r, targets[i][0]));
}

/* Adds DisassociateRouteTable for an observed association. */
static void
plan_disassociate(struct echain *e, const struct fugue_value *a)
{
	ec2_plan_add(e, "DisassociateRouteTable", EC2_GONE_OK);
	ec2_plan_param(e, "AssociationId", e->r.h->v_str(a, "AssociationId"));
}

/* Associations and routes: what goes first, then what changes, then what comes. */
static void
rtb_plan(struct echain *e)
{
	const struct fugue_host *h = e->r.h;
	const struct fugue_value *d = ec2_desired(e);
	const struct fugue_value *wr = h->v_get(d, "Routes"), *hr = h->v_get(e->have, "Routes");
	const struct fugue_value *wa = h->v_get(d, "Associations");
	const struct fugue_value *ha = h->v_get(e->have, "Associations");

	if (wa != NULL)
		for (size_t i = 0; i < h->v_len(ha, ""); i++)
			if (!find_by(h, wa, "SubnetId", h->v_str(h->v_at(ha, i), "SubnetId")))
				plan_disassociate(e, h->v_at(ha, i));
	for (size_t i = 0; wr != NULL && i < h->v_len(hr, ""); i++) {
		const char *dest = h->v_str(h->v_at(hr, i), "DestinationCidrBlock");

		if (find_by(h, wr, "DestinationCidrBlock", dest) == NULL) {
			ec2_plan_add(e, "DeleteRoute", EC2_GONE_OK);
			ec2_plan_param(e, "RouteTableId", e->id);
			ec2_plan_param(e, "DestinationCidrBlock", dest);
		}
	}
	for (size_t i = 0; i < h->v_len(wr, ""); i++) {
		const struct fugue_value *r = h->v_at(wr, i), *old;

		old = find_by(h, hr, "DestinationCidrBlock", h->v_str(r, "DestinationCidrBlock"));
		if (old == NULL)
			plan_route(e, "CreateRoute", r);
		else if (!same_target(h, r, old))
			plan_route(e, "ReplaceRoute", r);
	}
	for (size_t i = 0; i < h->v_len(wa, ""); i++) {
		const char *subnet = h->v_str(h->v_at(wa, i), "SubnetId");

		if (find_by(h, ha, "SubnetId", subnet) == NULL) {
			ec2_plan_add(e, "AssociateRouteTable", 0);
			ec2_plan_param(e, "RouteTableId", e->id);
			ec2_plan_param(e, "SubnetId", subnet);
		}
	}
}

/* Disassociates every subnet, then deletes the table (its routes go with it). */
static void
rtb_plan_delete(struct echain *e)
{
	const struct fugue_host *h = e->r.h;
	const struct fugue_value *ha = h->v_get(e->have, "Associations");

	for (size_t i = 0; i < h->v_len(ha, ""); i++)
		plan_disassociate(e, h->v_at(ha, i));
	ec2_plan_add(e, "DeleteRouteTable", EC2_GONE_OK | EC2_DEP_WAIT);
	ec2_plan_param(e, "RouteTableId", e->id);
}

/* Creates a route table. */
void
rtb_create(const struct fugue_host *h, struct fugue_op *op)
{
	ec2_op_create(h, op, &rtb_kind);
}

/* Reads a route table. */
void
rtb_read(const struct fugue_host *h, struct fugue_op *op)
{
	ec2_op_read(h, op, &rtb_kind);
}

/* Updates a route table. */
void
rtb_update(const struct fugue_host *h, struct fugue_op *op)
{
	ec2_op_update(h, op, &rtb_kind);
}

/* Deletes a route table. */
void
rtb_delete(const struct fugue_host *h, struct fugue_op *op)
{
	ec2_op_delete(h, op, &rtb_kind);
}

/* Sweeps the route tables of a region. */
void
rtb_sweep(const struct fugue_host *h, struct fugue_sweep *sw)
{
	ec2_op_sweep(h, sw, &rtb_kind);
}
