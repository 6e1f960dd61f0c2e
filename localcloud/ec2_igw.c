/* ec2_igw.c: internet gateways and their attachment to one VPC. */
#include "config.h"

#include <string.h>

#include "ec2.h"
#include "xml.h"

#define IGW(item) ((const struct ec2_igw *)(item))

/* Writes an internet gateway. */
static void
igw_write(struct fg_buf *b, const struct ec2_state *st, const struct ec2_res *r)
{
	const struct ec2_igw *g = IGW(r);

	(void)st;
	fg_xml_elem(b, "internetGatewayId", g->r.id);
	fg_xml_elem(b, "ownerId", g->r.account);
	fg_buf_addstr(b, "<attachmentSet>");
	if (*g->vpc) {
		fg_buf_addstr(b, "<item>");
		fg_xml_elem(b, "vpcId", g->vpc);
		fg_xml_elem(b, "state", "available");
		fg_buf_addstr(b, "</item>");
	}
	fg_buf_addstr(b, "</attachmentSet>");
	ec2_tags_write(b, &g->r);
}

/* Internet gateway filter values. */
static void
f_attach_state(struct ec2_match *m, const void *item)
{
	if (*IGW(item)->vpc)
		ec2_emit(m, "available");
}

static void
f_attach_vpc(struct ec2_match *m, const void *item)
{
	if (*IGW(item)->vpc)
		ec2_emit(m, IGW(item)->vpc);
}

static const struct ec2_filter igw_filters[] = {
	{ "attachment.state", f_attach_state },
	{ "attachment.vpc-id", f_attach_vpc },
	{ "internet-gateway-id", ec2_f_id },
	{ NULL, NULL },
};

static const struct ec2_query igw_query = {
	EC2_IGW, "InternetGatewayIds", igw_filters, "internetGatewaySet", igw_write, 1000, 0,
};

/* CreateInternetGateway: a detached gateway. */
enum lc_result
ec2_create_igw(struct lc_request *req, struct ec2_state *st, fg_json in)
{
	struct ec2_igw *g;
	struct fg_buf *b;
	fg_json tags;

	if (ec2_tagspec(req, in, "internet-gateway", NULL, &tags) != 0)
		return LC_DONE;
	g = ec2_res_new(st, req, EC2_IGW, sizeof(*g));
	ec2_tags_apply(&g->r, tags);
	b = ec2_begin(req);
	fg_buf_addstr(b, "<internetGateway>");
	igw_write(b, st, &g->r);
	fg_buf_addstr(b, "</internetGateway>");
	return ec2_end(req);
}

/* DeleteInternetGateway: only a detached one. */
enum lc_result
ec2_delete_igw(struct lc_request *req, struct ec2_state *st, fg_json in)
{
	struct ec2_igw *g = ec2_get(req, st, EC2_IGW, ec2_str(in, "InternetGatewayId"),
	    "InternetGatewayId");

	if (g == NULL)
		return LC_DONE;
	if (*g->vpc) {
		ec2_error(req, "DependencyViolation", "The internetGateway '%s' has dependencies and "
		    "cannot be deleted.", g->r.id);
		return LC_DONE;
	}
	ec2_res_delete(st, &g->r);
	return ec2_ok(req);
}

/* DescribeInternetGateways. */
enum lc_result
ec2_describe_igws(struct lc_request *req, struct ec2_state *st, fg_json in)
{
	return ec2_describe(req, st, in, &igw_query);
}

/* AttachInternetGateway: one gateway per VPC, one VPC per gateway. */
enum lc_result
ec2_attach_igw(struct lc_request *req, struct ec2_state *st, fg_json in)
{
	struct ec2_igw *g = ec2_get(req, st, EC2_IGW, ec2_str(in, "InternetGatewayId"),
	    "InternetGatewayId");
	struct ec2_vpc *v;

	if (g == NULL || (v = ec2_get(req, st, EC2_VPC, ec2_str(in, "VpcId"), "VpcId")) == NULL)
		return LC_DONE;
	if (*g->vpc) {
		ec2_error(req, "Resource.AlreadyAssociated", "resource %s is already attached to "
		    "network %s", g->r.id, g->vpc);
		return LC_DONE;
	}
	EC2_EACH(st, EC2_IGW, i)
		if (strcmp(IGW(st->res[i])->vpc, v->r.id) == 0) {
			ec2_error(req, "Resource.AlreadyAssociated", "network %s already has an "
			    "internet gateway attached (%s)", v->r.id, st->res[i]->id);
			return LC_DONE;
		}
	strcpy(g->vpc, v->r.id);
	return ec2_ok(req);
}

/* DetachInternetGateway. */
enum lc_result
ec2_detach_igw(struct lc_request *req, struct ec2_state *st, fg_json in)
{
	struct ec2_igw *g = ec2_get(req, st, EC2_IGW, ec2_str(in, "InternetGatewayId"),
	    "InternetGatewayId");
	struct ec2_vpc *v;

	if (g == NULL || (v = ec2_get(req, st, EC2_VPC, ec2_str(in, "VpcId"), "VpcId")) == NULL)
		return LC_DONE;
	if (strcmp(g->vpc, v->r.id) != 0) {
		ec2_error(req, "Gateway.NotAttached", "resource %s is not attached to network %s",
		    g->r.id, v->r.id);
		return LC_DONE;
	}
	g->vpc[0] = '\0';
	return ec2_ok(req);
}
