/* ec2.c: the EC2 service (query protocol, API 2016-11-15): the action table, dispatch,
 * replies and errors in EC2's shapes (<requestId> first; <Response><Errors>), parameters. */
#include "config.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "ec2.h"
#include "services.h"
#include "xml.h"

static const struct ec2_action {
	const char *name;
	ec2_handler fn;
	int mutates;                /* a success changes the state */
	const char *required[3];
} actions[] = {
	{ "AssociateRouteTable", ec2_associate_rtb, 1, { "RouteTableId" } },
	{ "AttachInternetGateway", ec2_attach_igw, 1, { "InternetGatewayId", "VpcId" } },
	{ "AuthorizeSecurityGroupEgress", ec2_authorize_egress, 1, { "GroupId" } },
	{ "AuthorizeSecurityGroupIngress", ec2_authorize_ingress, 1, { NULL } },
	{ "CreateInternetGateway", ec2_create_igw, 1, { NULL } },
	{ "CreateRoute", ec2_create_route, 1, { "RouteTableId", "DestinationCidrBlock" } },
	{ "CreateRouteTable", ec2_create_rtb, 1, { "VpcId" } },
	{ "CreateSecurityGroup", ec2_create_sg, 1, { "GroupName", "Description" } },
	{ "CreateSubnet", ec2_create_subnet, 1, { "VpcId", "CidrBlock" } },
	{ "CreateTags", ec2_create_tags, 1, { "Resources", "Tags" } },
	{ "CreateVpc", ec2_create_vpc, 1, { "CidrBlock" } },
	{ "DeleteInternetGateway", ec2_delete_igw, 1, { "InternetGatewayId" } },
	{ "DeleteRoute", ec2_delete_route, 1, { "RouteTableId", "DestinationCidrBlock" } },
	{ "DeleteRouteTable", ec2_delete_rtb, 1, { "RouteTableId" } },
	{ "DeleteSecurityGroup", ec2_delete_sg, 1, { NULL } },
	{ "DeleteSubnet", ec2_delete_subnet, 1, { "SubnetId" } },
	{ "DeleteTags", ec2_delete_tags, 1, { "Resources" } },
	{ "DeleteVpc", ec2_delete_vpc, 1, { "VpcId" } },
	{ "DescribeAvailabilityZones", ec2_describe_azs, 0, { NULL } },
	{ "DescribeImages", ec2_describe_images, 0, { NULL } },
	{ "DescribeInstanceAttribute", ec2_describe_instance_attr, 0,
	    { "Attribute", "InstanceId" } },
	{ "DescribeInstances", ec2_describe_instances, 0, { NULL } },
	{ "DescribeInternetGateways", ec2_describe_igws, 0, { NULL } },
	{ "DescribeRegions", ec2_describe_regions, 0, { NULL } },
	{ "DescribeRouteTables", ec2_describe_rtbs, 0, { NULL } },
	{ "DescribeSecurityGroups", ec2_describe_sgs, 0, { NULL } },
	{ "DescribeSubnets", ec2_describe_subnets, 0, { NULL } },
	{ "DescribeTags", ec2_describe_tags, 0, { NULL } },
	{ "DescribeVpcAttribute", ec2_describe_vpc_attr, 0, { "Attribute", "VpcId" } },
	{ "DescribeVpcs", ec2_describe_vpcs, 0, { NULL } },
	{ "DetachInternetGateway", ec2_detach_igw, 1, { "InternetGatewayId", "VpcId" } },
	{ "DisassociateRouteTable", ec2_disassociate_rtb, 1, { "AssociationId" } },
	{ "ModifyInstanceAttribute", ec2_modify_instance_attr, 1, { "InstanceId" } },
	{ "ModifySubnetAttribute", ec2_modify_subnet_attr, 1, { "SubnetId" } },
	{ "ModifyVpcAttribute", ec2_modify_vpc_attr, 1, { "VpcId" } },
	{ "MonitorInstances", ec2_monitor_instances, 1, { "InstanceIds" } },
	{ "ReplaceRoute", ec2_replace_route, 1, { "RouteTableId", "DestinationCidrBlock" } },
	{ "RevokeSecurityGroupEgress", ec2_revoke_egress, 1, { "GroupId" } },
	{ "RevokeSecurityGroupIngress", ec2_revoke_ingress, 1, { NULL } },
	{ "RunInstances", ec2_run_instances, 1, { "MaxCount", "MinCount" } },
	{ "StartInstances", ec2_start_instances, 1, { "InstanceIds" } },
	{ "StopInstances", ec2_stop_instances, 1, { "InstanceIds" } },
	{ "TerminateInstances", ec2_terminate_instances, 1, { "InstanceIds" } },
	{ "UnmonitorInstances", ec2_unmonitor_instances, 1, { "InstanceIds" } },
};

/* Replies with an EC2 error. */
void
ec2_error(struct lc_request *req, const char *code, const char *fmt, ...)
{
	int status = 400;
	struct fg_buf msg;
	va_list ap;

	if (strcmp(code, "DryRunOperation") == 0)
		status = 412;
	else if (strcmp(code, "RequestLimitExceeded") == 0)
		status = 503;
	fg_buf_init(&msg);
	va_start(ap, fmt);
	fg_buf_vaddf(&msg, fmt, ap);
	va_end(ap);
	lc_error(req, status, code, "%s", fg_buf_cstr(&msg));
	fg_buf_free(&msg);
}

/* Writes an error body in EC2's shape (the service's query_error). */
static void
ec2_query_error(struct lc_request *req, const char *code, const char *msg)
{
	struct fg_buf *b = &req->reply.body;

	fg_buf_addstr(b, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<Response><Errors><Error>");
	fg_xml_elem(b, "Code", code);
	fg_xml_elem(b, "Message", msg);
	fg_buf_addstr(b, "</Error></Errors>");
	fg_xml_elem(b, "RequestID", req->id);
	fg_buf_addstr(b, "</Response>");
}

/* Opens a reply: <ActionResponse xmlns=...><requestId>. */
struct fg_buf *
ec2_begin(struct lc_request *req)
{
	struct fg_buf *b = lc_query_begin(req, 0);

	fg_xml_elem(b, "requestId", req->id);
	return b;
}

/* Closes a reply. */
enum lc_result
ec2_end(struct lc_request *req)
{
	fg_buf_addf(&req->reply.body, "</%sResponse>", req->action);
	return LC_DONE;
}

/* Replies <return>true</return>. */
enum lc_result
ec2_ok(struct lc_request *req)
{
	fg_buf_addstr(ec2_begin(req), "<return>true</return>");
	return ec2_end(req);
}

/* A string member, or NULL. */
const char *
ec2_str(fg_json in, const char *name)
{
	return fg_json_str(fg_json_get(in, name));
}

/* Reads the boolean of an attribute member {"Value": bool}. */
int
ec2_attr_bool(fg_json in, const char *name, int *out)
{
	return fg_json_bool(fg_json_get(fg_json_get(in, name), "Value"), out) == 0 ? 0 : 1;
}

/* Marks the state as changed. */
void
ec2_changed(struct ec2_state *st)
{
	lc_changed(st->srv, &lc_svc_ec2);
}

/* Handles an EC2 request. */
static enum lc_result
ec2_handle(struct lc_request *req)
{
	struct ec2_state *st = req->state;
	const struct ec2_action *a = NULL;
	int64_t now = fg_wall_ms();
	enum lc_result r;
	char *err = NULL;
	int dry = 0;
	fg_json in;

	for (size_t i = 0; i < FG_ARRAY_LEN(actions) && a == NULL; i++)
		if (strcmp(actions[i].name, req->action) == 0)
			a = &actions[i];
	if (a == NULL) {
		ec2_error(req, "InvalidAction", "The action %.100s is not valid for this web service.",
		    req->action);
		return LC_DONE;
	}
	if ((in = sqs_query_to_json(&req->params, ec2_action_shape(a->name), &err)) == NULL) {
		ec2_error(req, "InvalidParameterValue", "%s", err);
		free(err);
		return LC_DONE;
	}
	for (size_t i = 0; i < FG_ARRAY_LEN(a->required) && a->required[i]; i++)
		if (fg_json_get(in, a->required[i]) == NULL) {
			ec2_error(req, "MissingParameter", "The request must contain the parameter %s",
			    a->required[i]);
			fg_json_free(in);
			return LC_DONE;
		}
	if (fg_json_bool(fg_json_get(in, "DryRun"), &dry) == 0 && dry) {
		ec2_error(req, "DryRunOperation", "Request would have succeeded, but DryRun flag is "
		    "set.");
		fg_json_free(in);
		return LC_DONE;
	}
	if (st->purge_ms && now >= st->purge_ms) {
		ec2_instances_purge(st, now);
		ec2_changed(st);
	}
	r = a->fn(req, st, in);
	if (a->mutates && req->reply.status == 200)
		ec2_changed(st);
	fg_json_free(in);
	return r;
}

/* Creates the EC2 state of a server. */
static void *
ec2_create(struct lc_server *srv)
{
	struct ec2_state *st = fg_calloc(1, sizeof(*st));

	st->srv = srv;
	return st;
}

/* Frees the EC2 state (the service's destroy). */
static void
ec2_destroy(void *st)
{
	ec2_state_free(st);
}

const struct lc_service lc_svc_ec2 = {
	.name = "ec2",
	.signing_name = "ec2",
	.protocols = LC_PROTO_QUERY,
	.xmlns = EC2_XMLNS,
	.throttle_code = "RequestLimitExceeded",
	.throttle_status = 503,
	.create = ec2_create,
	.destroy = ec2_destroy,
	.handle = ec2_handle,
	.load = ec2_state_load,
	.save = ec2_state_save,
	.query_error = ec2_query_error,
};
