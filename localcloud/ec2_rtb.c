/* ec2_rtb.c: route tables: the local route, routes to internet gateways (blackholed when the
 * gateway is gone or detached), and associations with subnets and the VPC (main). */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "ec2.h"
#include "xml.h"

#define RTB(item) ((const struct ec2_rtb *)(item))

/* Unsupported route targets and destinations, refused by name. */
static const char *const other_targets[] = {
	"DestinationIpv6CidrBlock", "DestinationPrefixListId", "NatGatewayId", "InstanceId",
	"NetworkInterfaceId", "VpcPeeringConnectionId", "TransitGatewayId",
	"EgressOnlyInternetGatewayId", "VpcEndpointId", "LocalGatewayId", "CarrierGatewayId",
	"CoreNetworkArn", "LocalTarget",
};

/* Frees a route table's routes and associations. */
void
ec2_rtb_clear(struct ec2_res *r)
{
	struct ec2_rtb *t = (struct ec2_rtb *)r;

	free(t->routes);
	free(t->assocs);
}

/* Adds a route. */
static void
add_route(struct ec2_rtb *t, const struct ec2_cidr *dest, const char *target)
{
	t->routes = fg_realloc(t->routes, (t->nroutes + 1) * sizeof(*t->routes));
	t->routes[t->nroutes].dest = *dest;
	strcpy(t->routes[t->nroutes].target, target);
	t->nroutes++;
}

/* Adds an association (subnet "" for the main one); returns it. */
static struct ec2_assoc *
add_assoc(struct ec2_state *st, struct ec2_rtb *t, const char *subnet)
{
	struct ec2_assoc *a;

	t->assocs = fg_realloc(t->assocs, (t->nassocs + 1) * sizeof(*t->assocs));
	a = &t->assocs[t->nassocs++];
	ec2_new_id(st, "rtbassoc", a->id);
	strcpy(a->subnet, subnet);
	return a;
}

/* A new route table of a VPC with its local route. */
static struct ec2_rtb *
rtb_new(struct ec2_state *st, const struct lc_request *req, const struct ec2_vpc *v)
{
	struct ec2_rtb *t = ec2_res_new(st, req, EC2_RTB, sizeof(*t));

	strcpy(t->vpc, v->r.id);
	add_route(t, &v->cidr, "local");
	return t;
}

/* The main route table of a new VPC. */
struct ec2_rtb *
ec2_rtb_main(struct ec2_state *st, const struct lc_request *req, const struct ec2_vpc *v)
{
	struct ec2_rtb *t = rtb_new(st, req, v);

	add_assoc(st, t, "");
	return t;
}

/* The state of a route: a gateway route is active while its gateway is attached to the VPC. */
static const char *
route_state(const struct ec2_state *st, const struct ec2_rtb *t, const struct ec2_route *rt)
{
	const struct ec2_igw *g;

	if (strcmp(rt->target, "local") == 0)
		return "active";
	g = ec2_sibling(st, &t->r, EC2_IGW, rt->target);
	return g && strcmp(g->vpc, t->vpc) == 0 ? "active" : "blackhole";
}

/* Writes an association. */
static void
assoc_write(struct fg_buf *b, const struct ec2_rtb *t, const struct ec2_assoc *a)
{
	fg_xml_elem(b, "routeTableAssociationId", a->id);
	fg_xml_elem(b, "routeTableId", t->r.id);
	fg_xml_elem(b, "main", *a->subnet ? "false" : "true");
	if (*a->subnet)
		fg_xml_elem(b, "subnetId", a->subnet);
	fg_buf_addstr(b, "<associationState><state>associated</state></associationState>");
}

/* Writes a route table. */
static void
rtb_write(struct fg_buf *b, const struct ec2_state *st, const struct ec2_res *r)
{
	const struct ec2_rtb *t = RTB(r);
	char cidr[EC2_CIDR_MAX];

	fg_xml_elem(b, "routeTableId", t->r.id);
	fg_xml_elem(b, "vpcId", t->vpc);
	fg_xml_elem(b, "ownerId", t->r.account);
	fg_buf_addstr(b, "<routeSet>");
	for (size_t i = 0; i < t->nroutes; i++) {
		const struct ec2_route *rt = &t->routes[i];

		ec2_cidr_format(&rt->dest, cidr);
		fg_buf_addstr(b, "<item>");
		fg_xml_elem(b, "destinationCidrBlock", cidr);
		fg_xml_elem(b, "gatewayId", rt->target);
		fg_xml_elem(b, "state", route_state(st, t, rt));
		fg_xml_elem(b, "origin", i == 0 ? "CreateRouteTable" : "CreateRoute");
		fg_buf_addstr(b, "</item>");
	}
	fg_buf_addstr(b, "</routeSet><associationSet>");
	for (size_t i = 0; i < t->nassocs; i++) {
		fg_buf_addstr(b, "<item>");
		assoc_write(b, t, &t->assocs[i]);
		fg_buf_addstr(b, "</item>");
	}
	fg_buf_addstr(b, "</associationSet><propagatingVgwSet/>");
	ec2_tags_write(b, &t->r);
}

/* Route table filter values. */
static void
f_assoc_id(struct ec2_match *m, const void *item)
{
	for (size_t i = 0; i < RTB(item)->nassocs; i++)
		ec2_emit(m, RTB(item)->assocs[i].id);
}

static void
f_assoc_rtb(struct ec2_match *m, const void *item)
{
	if (RTB(item)->nassocs)
		ec2_emit(m, RTB(item)->r.id);
}

static void
f_assoc_subnet(struct ec2_match *m, const void *item)
{
	for (size_t i = 0; i < RTB(item)->nassocs; i++)
		if (*RTB(item)->assocs[i].subnet)
			ec2_emit(m, RTB(item)->assocs[i].subnet);
}

static void
f_assoc_main(struct ec2_match *m, const void *item)
{
	for (size_t i = 0; i < RTB(item)->nassocs; i++)
		ec2_emit_bool(m, *RTB(item)->assocs[i].subnet == '\0');
}

static void
f_dest(struct ec2_match *m, const void *item)
{
	for (size_t i = 0; i < RTB(item)->nroutes; i++)
		ec2_emit_cidr(m, &RTB(item)->routes[i].dest);
}

static void
f_gateway(struct ec2_match *m, const void *item)
{
	for (size_t i = 0; i < RTB(item)->nroutes; i++)
		ec2_emit(m, RTB(item)->routes[i].target);
}

static void
f_origin(struct ec2_match *m, const void *item)
{
	for (size_t i = 0; i < RTB(item)->nroutes; i++)
		ec2_emit(m, i == 0 ? "CreateRouteTable" : "CreateRoute");
}

static void
f_route_state(struct ec2_match *m, const void *item)
{
	for (size_t i = 0; i < RTB(item)->nroutes; i++)
		ec2_emit(m, route_state(m->st, RTB(item), &RTB(item)->routes[i]));
}

static void
f_vpc(struct ec2_match *m, const void *item)
{
	ec2_emit(m, RTB(item)->vpc);
}

static const struct ec2_filter rtb_filters[] = {
	{ "association.main", f_assoc_main },
	{ "association.route-table-association-id", f_assoc_id },
	{ "association.route-table-id", f_assoc_rtb },
	{ "association.subnet-id", f_assoc_subnet },
	{ "route-table-id", ec2_f_id },
	{ "route.destination-cidr-block", f_dest },
	{ "route.gateway-id", f_gateway },
	{ "route.origin", f_origin },
	{ "route.state", f_route_state },
	{ "vpc-id", f_vpc },
	{ NULL, NULL },
};

static const struct ec2_query rtb_query = {
	EC2_RTB, "RouteTableIds", rtb_filters, "routeTableSet", rtb_write, 100, 0,
};

/* CreateRouteTable: a table of a VPC with its local route. */
enum lc_result
ec2_create_rtb(struct lc_request *req, struct ec2_state *st, fg_json in)
{
	struct ec2_rtb *t;
	struct ec2_vpc *v;
	struct fg_buf *b;
	fg_json tags;

	if ((v = ec2_get(req, st, EC2_VPC, ec2_str(in, "VpcId"), "VpcId")) == NULL ||
	    ec2_tagspec(req, in, "route-table", NULL, &tags) != 0)
		return LC_DONE;
	t = rtb_new(st, req, v);
	ec2_tags_apply(&t->r, tags);
	b = ec2_begin(req);
	fg_buf_addstr(b, "<routeTable>");
	rtb_write(b, st, &t->r);
	fg_buf_addstr(b, "</routeTable>");
	return ec2_end(req);
}

/* DeleteRouteTable: a table without associations. */
enum lc_result
ec2_delete_rtb(struct lc_request *req, struct ec2_state *st, fg_json in)
{
	struct ec2_rtb *t = ec2_get(req, st, EC2_RTB, ec2_str(in, "RouteTableId"), "RouteTableId");

	if (t == NULL)
		return LC_DONE;
	if (t->nassocs) {
		ec2_error(req, "DependencyViolation", "The routeTable '%s' has dependencies and "
		    "cannot be deleted.", t->r.id);
		return LC_DONE;
	}
	ec2_res_delete(st, &t->r);
	return ec2_ok(req);
}

/* DescribeRouteTables. */
enum lc_result
ec2_describe_rtbs(struct lc_request *req, struct ec2_state *st, fg_json in)
{
	return ec2_describe(req, st, in, &rtb_query);
}

/* The route of a table to dest, or NULL. */
static struct ec2_route *
route_find(struct ec2_rtb *t, const struct ec2_cidr *dest)
{
	for (size_t i = 0; i < t->nroutes; i++)
		if (t->routes[i].dest.net == dest->net && t->routes[i].dest.len == dest->len)
			return &t->routes[i];
	return NULL;
}

/* Reads the table, destination and gateway of a route action (the gateway only when
 * with_target); NULL after replying. */
static struct ec2_rtb *
route_params(struct lc_request *req, struct ec2_state *st, fg_json in, int with_target,
    struct ec2_cidr *dest, struct ec2_igw **gw)
{
	struct ec2_rtb *t = ec2_get(req, st, EC2_RTB, ec2_str(in, "RouteTableId"), "RouteTableId");

	if (t == NULL || ec2_cidr_param(req, in, "DestinationCidrBlock", dest) != 0)
		return NULL;
	if (!with_target)
		return t;
	for (size_t i = 0; i < FG_ARRAY_LEN(other_targets); i++)
		if (fg_json_get(in, other_targets[i])) {
			ec2_error(req, "UnsupportedOperation", "localcloud routes only to internet "
			    "gateways (GatewayId), not %s", other_targets[i]);
			return NULL;
		}
	if ((*gw = ec2_get(req, st, EC2_IGW, ec2_str(in, "GatewayId"), "GatewayId")) == NULL)
		return NULL;
	if (strcmp((*gw)->vpc, t->vpc) != 0) {
		ec2_error(req, "InvalidParameterValue", "route table %s and network gateway %s belong "
		    "to different networks", t->r.id, (*gw)->r.id);
		return NULL;
	}
	return t;
}

/* CreateRoute: a route to an internet gateway attached to the table's VPC. */
enum lc_result
ec2_create_route(struct lc_request *req, struct ec2_state *st, fg_json in)
{
	struct ec2_cidr dest;
	struct ec2_igw *gw;
	struct ec2_rtb *t;

	if ((t = route_params(req, st, in, 1, &dest, &gw)) == NULL)
		return LC_DONE;
	if (route_find(t, &dest)) {
		ec2_error(req, "RouteAlreadyExists", "The route identified by %s already exists.",
		    ec2_str(in, "DestinationCidrBlock"));
		return LC_DONE;
	}
	if (ec2_cidr_contains(&t->routes[0].dest, &dest)) {
		ec2_error(req, "InvalidParameterValue", "The destination CIDR block %s is equal to or "
		    "more specific than one of this VPC's CIDR blocks. This route can target only an "
		    "interface or an instance.", ec2_str(in, "DestinationCidrBlock"));
		return LC_DONE;
	}
	add_route(t, &dest, gw->r.id);
	return ec2_ok(req);
}

/* ReplaceRoute: a new gateway for an existing route. */
enum lc_result
ec2_replace_route(struct lc_request *req, struct ec2_state *st, fg_json in)
{
	struct ec2_route *rt;
	struct ec2_cidr dest;
	struct ec2_igw *gw;
	struct ec2_rtb *t;

	if ((t = route_params(req, st, in, 1, &dest, &gw)) == NULL)
		return LC_DONE;
	if ((rt = route_find(t, &dest)) == NULL) {
		ec2_error(req, "InvalidParameterValue", "There is no route defined for '%s' in the "
		    "route table. Use CreateRoute instead.", ec2_str(in, "DestinationCidrBlock"));
		return LC_DONE;
	}
	if (rt == t->routes) {
		ec2_error(req, "InvalidParameterValue", "The local route %s of route table %s can "
		    "only target an interface or an instance", ec2_str(in, "DestinationCidrBlock"),
		    t->r.id);
		return LC_DONE;
	}
	strcpy(rt->target, gw->r.id);
	return ec2_ok(req);
}

/* DeleteRoute: any route but the local one. */
enum lc_result
ec2_delete_route(struct lc_request *req, struct ec2_state *st, fg_json in)
{
	struct ec2_route *rt;
	struct ec2_cidr dest;
	struct ec2_rtb *t;
	size_t i;

	if ((t = route_params(req, st, in, 0, &dest, NULL)) == NULL)
		return LC_DONE;
	if ((rt = route_find(t, &dest)) == NULL) {
		ec2_error(req, "InvalidRoute.NotFound", "no route with destination-cidr-block %s in "
		    "route table %s", ec2_str(in, "DestinationCidrBlock"), t->r.id);
		return LC_DONE;
	}
	if (rt == t->routes) {
		ec2_error(req, "InvalidParameterValue", "cannot remove local route %s in route table "
		    "%s", ec2_str(in, "DestinationCidrBlock"), t->r.id);
		return LC_DONE;
	}
	i = (size_t)(rt - t->routes);
	memmove(rt, rt + 1, (t->nroutes - i - 1) * sizeof(*rt));
	t->nroutes--;
	return ec2_ok(req);
}

/* AssociateRouteTable: a subnet of the same VPC without an explicit association. */
enum lc_result
ec2_associate_rtb(struct lc_request *req, struct ec2_state *st, fg_json in)
{
	struct ec2_rtb *t = ec2_get(req, st, EC2_RTB, ec2_str(in, "RouteTableId"), "RouteTableId");
	struct ec2_subnet *s;
	struct ec2_assoc *a;
	struct fg_buf *b;

	if (t == NULL)
		return LC_DONE;
	if (fg_json_get(in, "GatewayId")) {
		ec2_error(req, "UnsupportedOperation", "localcloud does not implement gateway route "
		    "table associations");
		return LC_DONE;
	}
	if ((s = ec2_get(req, st, EC2_SUBNET, ec2_str(in, "SubnetId"), "SubnetId")) == NULL)
		return LC_DONE;
	if (strcmp(s->vpc, t->vpc) != 0) {
		ec2_error(req, "InvalidParameterValue", "Route table %s and subnet %s belong to "
		    "different networks", t->r.id, s->r.id);
		return LC_DONE;
	}
	EC2_EACH(st, EC2_RTB, i)
		for (size_t j = 0; j < RTB(st->res[i])->nassocs; j++)
			if (strcmp(RTB(st->res[i])->assocs[j].subnet, s->r.id) == 0) {
				ec2_error(req, "Resource.AlreadyAssociated", "the specified association for "
				    "route table %s conflicts with an existing association", t->r.id);
				return LC_DONE;
			}
	a = add_assoc(st, t, s->r.id);
	b = ec2_begin(req);
	fg_xml_elem(b, "associationId", a->id);
	fg_buf_addstr(b, "<associationState><state>associated</state></associationState>");
	return ec2_end(req);
}

/* Removes association i of a table. */
static void
assoc_remove(struct ec2_rtb *t, size_t i)
{
	memmove(t->assocs + i, t->assocs + i + 1, (t->nassocs - i - 1) * sizeof(*t->assocs));
	t->nassocs--;
}

/* DisassociateRouteTable: any association but a main one. */
enum lc_result
ec2_disassociate_rtb(struct lc_request *req, struct ec2_state *st, fg_json in)
{
	const char *id = ec2_str(in, "AssociationId");

	EC2_EACH(st, EC2_RTB, i) {
		struct ec2_rtb *t = (struct ec2_rtb *)st->res[i];

		if (!ec2_mine(req, &t->r) || !lc_visible(req, t->r.created_ms))
			continue;
		for (size_t j = 0; j < t->nassocs; j++) {
			if (strcmp(t->assocs[j].id, id) != 0)
				continue;
			if (*t->assocs[j].subnet == '\0') {
				ec2_error(req, "InvalidParameterValue", "cannot disassociate the main route "
				    "table association %s", id);
				return LC_DONE;
			}
			assoc_remove(t, j);
			return ec2_ok(req);
		}
	}
	ec2_error(req, "InvalidAssociationID.NotFound", "The association ID '%.100s' does not "
	    "exist", id);
	return LC_DONE;
}

/* Takes a deleted subnet out of its association. */
void
ec2_rtb_unassociate(struct ec2_state *st, const struct ec2_subnet *s)
{
	EC2_EACH(st, EC2_RTB, i) {
		struct ec2_rtb *t = (struct ec2_rtb *)st->res[i];

		for (size_t j = 0; j < t->nassocs; j++)
			if (strcmp(t->assocs[j].subnet, s->r.id) == 0) {
				assoc_remove(t, j);
				return;
			}
	}
}
