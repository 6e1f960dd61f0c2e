/* ec2_subnet.c: subnets: CIDR rules within their VPC, availability zones, addresses left. */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ec2.h"
#include "xml.h"

#define MIN_PREFIX 16
#define MAX_PREFIX 28
/* Addresses AWS keeps in every subnet: network, router, DNS, future use, broadcast. */
#define RESERVED 5

static const char *const unsupported_attrs[] = {
	"AssignIpv6AddressOnCreation", "EnableDns64", "MapCustomerOwnedIpOnLaunch",
	"EnableResourceNameDnsARecordOnLaunch", "EnableResourceNameDnsAAAARecordOnLaunch",
};

/* The addresses of a subnet left for instances. */
static int64_t
available(const struct ec2_state *st, const struct ec2_subnet *s)
{
	return (int64_t)ec2_cidr_size(&s->cidr) - RESERVED -
	    (int64_t)ec2_instances_in(st, s->vpc, s->r.id);
}

/* Writes a subnet's members in a given state. */
static void
subnet_write_state(struct fg_buf *b, const struct ec2_state *st, const struct ec2_subnet *s,
    const char *state)
{
	char cidr[EC2_CIDR_MAX], zone_id[32], *arn;

	ec2_cidr_format(&s->cidr, cidr);
	ec2_zone_id(s->zone, zone_id);
	arn = fg_printf("arn:aws:ec2:%s:%s:subnet/%s", s->r.region, s->r.account, s->r.id);
	fg_xml_elem(b, "subnetId", s->r.id);
	fg_xml_elem(b, "subnetArn", arn);
	fg_xml_elem(b, "state", state);
	fg_xml_elem(b, "ownerId", s->r.account);
	fg_xml_elem(b, "vpcId", s->vpc);
	fg_xml_elem(b, "cidrBlock", cidr);
	fg_buf_addstr(b, "<ipv6CidrBlockAssociationSet/>");
	fg_buf_addf(b, "<availableIpAddressCount>%lld</availableIpAddressCount>",
	    (long long)available(st, s));
	fg_xml_elem(b, "availabilityZone", s->zone);
	fg_xml_elem(b, "availabilityZoneId", zone_id);
	fg_xml_elem(b, "defaultForAz", "false");
	fg_xml_elem(b, "mapPublicIpOnLaunch", s->map_public_ip ? "true" : "false");
	fg_xml_elem(b, "assignIpv6AddressOnCreation", "false");
	fg_xml_elem(b, "mapCustomerOwnedIpOnLaunch", "false");
	ec2_tags_write(b, &s->r);
	free(arn);
}

/* Writes a subnet as DescribeSubnets lists it. */
static void
subnet_write(struct fg_buf *b, const struct ec2_state *st, const struct ec2_res *r)
{
	subnet_write_state(b, st, (const struct ec2_subnet *)r, "available");
}

#define SUBNET(item) ((const struct ec2_subnet *)(item))

/* Subnet filter values. */
static void
f_zone(struct ec2_match *m, const void *item)
{
	ec2_emit(m, SUBNET(item)->zone);
}

static void
f_zone_id(struct ec2_match *m, const void *item)
{
	char id[32];

	ec2_zone_id(SUBNET(item)->zone, id);
	ec2_emit(m, id);
}

static void
f_available(struct ec2_match *m, const void *item)
{
	ec2_emit_int(m, available(m->st, SUBNET(item)));
}

static void
f_cidr(struct ec2_match *m, const void *item)
{
	ec2_emit_cidr(m, &SUBNET(item)->cidr);
}

static void
f_false(struct ec2_match *m, const void *item)
{
	(void)item;
	ec2_emit_bool(m, 0);
}

static void
f_map_public(struct ec2_match *m, const void *item)
{
	ec2_emit_bool(m, SUBNET(item)->map_public_ip);
}

static void
f_state(struct ec2_match *m, const void *item)
{
	(void)item;
	ec2_emit(m, "available");
}

static void
f_arn(struct ec2_match *m, const void *item)
{
	const struct ec2_subnet *s = item;
	char *arn = fg_printf("arn:aws:ec2:%s:%s:subnet/%s", s->r.region, s->r.account, s->r.id);

	ec2_emit(m, arn);
	free(arn);
}

static void
f_vpc(struct ec2_match *m, const void *item)
{
	ec2_emit(m, SUBNET(item)->vpc);
}

static const struct ec2_filter subnet_filters[] = {
	{ "availability-zone", f_zone },
	{ "availability-zone-id", f_zone_id },
	{ "available-ip-address-count", f_available },
	{ "cidr", f_cidr },
	{ "cidr-block", f_cidr },
	{ "cidrBlock", f_cidr },
	{ "default-for-az", f_false },
	{ "map-public-ip-on-launch", f_map_public },
	{ "state", f_state },
	{ "subnet-arn", f_arn },
	{ "subnet-id", ec2_f_id },
	{ "vpc-id", f_vpc },
	{ NULL, NULL },
};

static const struct ec2_query subnet_query = {
	EC2_SUBNET, "SubnetIds", subnet_filters, "subnetSet", subnet_write, 1000, 0,
};

/* Picks the zone of a new subnet into zone; -1 after replying. */
static int
subnet_zone(struct lc_request *req, fg_json in, char zone[32])
{
	const char *name = ec2_str(in, "AvailabilityZone"), *id = ec2_str(in, "AvailabilityZoneId");

	if (name == NULL && id == NULL) {
		ec2_zone_default(req->who.region, zone);
		return 0;
	}
	if (name ? ec2_zone_ok(req->who.region, name) :
	    ec2_zone_by_id(req->who.region, id, zone) == 0) {
		if (name)
			snprintf(zone, 32, "%s", name);
		return 0;
	}
	ec2_error(req, "InvalidParameterValue", "Value (%.40s) for parameter %s is invalid. "
	    "Subnets can currently only be created in the zones DescribeAvailabilityZones lists "
	    "for %s.", name ? name : id, name ? "availabilityZone" : "availabilityZoneId",
	    req->who.region);
	return -1;
}

/* CreateSubnet: a block within the VPC's that overlaps no other subnet of it. */
enum lc_result
ec2_create_subnet(struct lc_request *req, struct ec2_state *st, fg_json in)
{
	const char *text = ec2_str(in, "CidrBlock");
	struct ec2_subnet *s;
	struct ec2_cidr cidr;
	struct ec2_vpc *v;
	struct fg_buf *b;
	char zone[32];
	fg_json tags;

	if ((v = ec2_get(req, st, EC2_VPC, ec2_str(in, "VpcId"), "VpcId")) == NULL)
		return LC_DONE;
	if (fg_json_get(in, "Ipv6CidrBlock")) {
		ec2_error(req, "UnsupportedOperation", "localcloud does not implement Ipv6CidrBlock");
		return LC_DONE;
	}
	if (ec2_cidr_param(req, in, "CidrBlock", &cidr) != 0)
		return LC_DONE;
	if (cidr.len < MIN_PREFIX || cidr.len > MAX_PREFIX || !ec2_cidr_contains(&v->cidr, &cidr)) {
		ec2_error(req, "InvalidSubnet.Range", "The CIDR '%s' is invalid.", text);
		return LC_DONE;
	}
	EC2_EACH(st, EC2_SUBNET, i) {
		const struct ec2_subnet *o = (const struct ec2_subnet *)st->res[i];

		if (strcmp(o->vpc, v->r.id) == 0 && ec2_cidr_overlap(&o->cidr, &cidr)) {
			ec2_error(req, "InvalidSubnet.Conflict", "The CIDR '%s' conflicts with another "
			    "subnet", text);
			return LC_DONE;
		}
	}
	if (subnet_zone(req, in, zone) != 0 || ec2_tagspec(req, in, "subnet", NULL, &tags) != 0)
		return LC_DONE;
	s = ec2_res_new(st, req, EC2_SUBNET, sizeof(*s));
	strcpy(s->vpc, v->r.id);
	s->cidr = cidr;
	strcpy(s->zone, zone);
	ec2_tags_apply(&s->r, tags);
	b = ec2_begin(req);
	fg_buf_addstr(b, "<subnet>");
	subnet_write_state(b, st, s, "pending");
	fg_buf_addstr(b, "</subnet>");
	return ec2_end(req);
}

/* DeleteSubnet: a subnet without instances (its route table association goes with it). */
enum lc_result
ec2_delete_subnet(struct lc_request *req, struct ec2_state *st, fg_json in)
{
	struct ec2_subnet *s = ec2_get(req, st, EC2_SUBNET, ec2_str(in, "SubnetId"), "SubnetId");

	if (s == NULL)
		return LC_DONE;
	if (ec2_instances_in(st, s->vpc, s->r.id)) {
		ec2_error(req, "DependencyViolation", "The subnet '%s' has dependencies and cannot "
		    "be deleted.", s->r.id);
		return LC_DONE;
	}
	ec2_rtb_unassociate(st, s);
	ec2_res_delete(st, &s->r);
	return ec2_ok(req);
}

/* DescribeSubnets. */
enum lc_result
ec2_describe_subnets(struct lc_request *req, struct ec2_state *st, fg_json in)
{
	return ec2_describe(req, st, in, &subnet_query);
}

/* ModifySubnetAttribute: MapPublicIpOnLaunch. */
enum lc_result
ec2_modify_subnet_attr(struct lc_request *req, struct ec2_state *st, fg_json in)
{
	struct ec2_subnet *s = ec2_get(req, st, EC2_SUBNET, ec2_str(in, "SubnetId"), "SubnetId");
	int on;

	if (s == NULL)
		return LC_DONE;
	for (size_t i = 0; i < FG_ARRAY_LEN(unsupported_attrs); i++)
		if (fg_json_get(in, unsupported_attrs[i])) {
			ec2_error(req, "UnsupportedOperation", "localcloud does not implement the subnet "
			    "attribute %s", unsupported_attrs[i]);
			return LC_DONE;
		}
	if (ec2_attr_bool(in, "MapPublicIpOnLaunch", &on) != 0) {
		ec2_error(req, "MissingParameter", "The request must contain the parameter "
		    "MapPublicIpOnLaunch.Value");
		return LC_DONE;
	}
	s->map_public_ip = on;
	return ec2_ok(req);
}
