/* security_group.c: AWS.EC2.SecurityGroup, its inbound and outbound rules part of the resource.
 * create = CreateSecurityGroup (name, description, VPC, TagSpecifications), then the rules;
 * read = DescribeSecurityGroups by group-id; the rules are observed one peer (CIDR, IPv6 CIDR
 *   or group) per IpPermissions item, the shape Fugue.AWS.EC2 writes them in;
 * update = RevokeSecurityGroupIngress/Egress for each rule EC2 has that is not desired (one
 *   added outside Fugue), then AuthorizeSecurityGroupIngress/Egress for each desired rule
 *   missing, then CreateTags/DeleteTags. Egress is managed only when IpPermissionsEgress is
 *   given: left out, the allow-all rule EC2 adds to a new group stays, as in AWS; given, it is
 *   the complete set (an empty list revokes the allow-all rule);
 * delete = DeleteSecurityGroup; DependencyViolation (an instance or another group's rule still
 *   uses it) is waited out a few times, then retryable;
 * sweep = the batched DescribeSecurityGroups of ec2_op_sweep.
 * GroupName, GroupDescription and VpcId cannot change: the schema makes a change a
 * replacement. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "ec2.h"

/* The kinds of peer a rule names. */
enum peer { P_CIDR, P_CIDR6, P_GROUP };

/* One rule: a protocol and port range for one peer (strings point into the values). */
struct rule {
	const char *proto;
	int64_t from, to;
	int ports;          /* from and to apply: tcp, udp, icmp, icmpv6 */
	int has_from, has_to;
	enum peer kind;
	const char *peer;
	const char *desc;   /* NULL: none */
};

/* A set of rules. */
struct rules {
	struct rule *v;
	size_t n;
};

/* Per peer kind: the member of an IpPermissions item, its field and the wire's names. */
static const struct {
	const char *member, *field, *wire, *wire_field;
	const char *xml, *xml_field;
} peers[] = {
	[P_CIDR] = { "IpRanges", "CidrIp", "IpRanges", "CidrIp", "ipRanges/item", "cidrIp" },
	[P_CIDR6] = { "Ipv6Ranges", "CidrIpv6", "Ipv6Ranges", "CidrIpv6", "ipv6Ranges/item",
		"cidrIpv6" },
	[P_GROUP] = { "UserIdGroupPairs", "GroupId", "Groups", "GroupId", "groups/item",
		"groupId" },
};

/* The protocol's canonical name: the numbers of tcp, udp, icmp and icmpv6 as their names. */
static const char *
proto_name(const char *p)
{
	static const char *const names[][2] = {
		{ "6", "tcp" }, { "17", "udp" }, { "1", "icmp" }, { "58", "icmpv6" },
	};

	for (size_t i = 0; p != NULL && i < sizeof(names) / sizeof(names[0]); i++)
		if (strcmp(p, names[i][0]) == 0 || strcasecmp(p, names[i][1]) == 0)
			return names[i][1];
	return p ? p : "";
}

/* 1 when the protocol has ports (or ICMP type and code). */
static int
has_ports(const char *proto)
{
	const char *p = proto_name(proto);

	return strcmp(p, "tcp") == 0 || strcmp(p, "udp") == 0 || strcmp(p, "icmp") == 0 ||
	    strcmp(p, "icmpv6") == 0;
}

/* Adds a rule. */
static void
rules_add(struct rules *s, const struct rule *r)
{
	s->v = realloc(s->v, (s->n + 1) * sizeof(*s->v));
	if (s->v == NULL)
		abort();
	s->v[s->n++] = *r;
}

/* Splits the IpPermissions array perms into one rule per peer. */
static void
rules_of(const struct fugue_host *h, const struct fugue_value *perms, struct rules *out)
{
	for (size_t i = 0; i < h->v_len(perms, ""); i++) {
		const struct fugue_value *p = h->v_at(perms, i);
		struct rule r = { 0 };

		r.proto = h->v_str(p, "IpProtocol");
		r.has_from = h->v_int(p, "FromPort", &r.from) == 0;
		r.has_to = h->v_int(p, "ToPort", &r.to) == 0;
		r.ports = has_ports(r.proto);
		for (enum peer k = P_CIDR; k <= P_GROUP; k++) {
			const struct fugue_value *list = h->v_get(p, peers[k].member);

			for (size_t j = 0; j < h->v_len(list, ""); j++) {
				r.kind = k;
				r.peer = h->v_str(h->v_at(list, j), peers[k].field);
				r.desc = h->v_str(h->v_at(list, j), "Description");
				if (r.peer != NULL)
					rules_add(out, &r);
			}
		}
	}
}

/* 1 when two rules are the same (descriptions included: EC2 keeps one rule per peer). */
static int
rule_equal(const struct rule *a, const struct rule *b)
{
	const char *da = a->desc ? a->desc : "", *db = b->desc ? b->desc : "";

	if (strcmp(proto_name(a->proto), proto_name(b->proto)) != 0 || a->kind != b->kind ||
	    strcmp(da, db) != 0)
		return 0;
	if (a->ports && (a->has_from != b->has_from || a->has_to != b->has_to ||
	    (a->has_from && a->from != b->from) || (a->has_to && a->to != b->to)))
		return 0;
	return a->kind == P_CIDR6 ? strcasecmp(a->peer, b->peer) == 0 :
	    strcmp(a->peer, b->peer) == 0;
}

/* 1 when the set holds the rule. */
static int
rules_hold(const struct rules *s, const struct rule *r)
{
	for (size_t i = 0; i < s->n; i++)
		if (rule_equal(&s->v[i], r))
			return 1;
	return 0;
}

/* Adds IpPermissions.n of a rule to the plan's last step (descriptions only to authorize). */
static void
plan_rule(struct echain *e, unsigned n, const struct rule *r, int authorize)
{
	char num[24];

	ec2_plan_paramf(e, r->proto, "IpPermissions.%u.IpProtocol", n);
	if (r->has_from) {
		snprintf(num, sizeof(num), "%lld", (long long)r->from);
		ec2_plan_paramf(e, num, "IpPermissions.%u.FromPort", n);
	}
	if (r->has_to) {
		snprintf(num, sizeof(num), "%lld", (long long)r->to);
		ec2_plan_paramf(e, num, "IpPermissions.%u.ToPort", n);
	}
	ec2_plan_paramf(e, r->peer, "IpPermissions.%u.%s.1.%s", n, peers[r->kind].wire,
	    peers[r->kind].wire_field);
	if (authorize && r->desc != NULL)
		ec2_plan_paramf(e, r->desc, "IpPermissions.%u.%s.1.Description", n,
		    peers[r->kind].wire);
}

/* Adds one step (action) with the rules of from that to lacks; none when there are none. */
static void
plan_difference(struct echain *e, const char *action, int flags, const struct rules *from,
    const struct rules *to, int authorize)
{
	unsigned n = 0;

	for (size_t i = 0; i < from->n; i++) {
		if (rules_hold(to, &from->v[i]))
			continue;
		if (n == 0) {
			ec2_plan_add(e, action, flags);
			ec2_plan_param(e, "GroupId", e->id);
		}
		plan_rule(e, ++n, &from->v[i], authorize);
	}
}

/* The steps that turn the rules of one direction (member) into the desired ones: revoke
 * first (a rule whose description changed is revoked and authorized again). */
static void
plan_direction(struct echain *e, const char *member, const char *revoke, const char *authorize)
{
	const struct fugue_host *h = e->r.h;
	struct rules want = { 0 }, have = { 0 };

	rules_of(h, h->v_get(ec2_desired(e), member), &want);
	rules_of(h, h->v_get(e->have, member), &have);
	plan_difference(e, revoke, EC2_GONE_OK, &have, &want, 0);
	plan_difference(e, authorize, 0, &want, &have, 1);
	free(want.v);
	free(have.v);
}

/* The rule calls of an update (tags are the machinery's). */
static void
sg_plan(struct echain *e)
{
	const struct fugue_host *h = e->r.h;

	plan_direction(e, "IpPermissions", "RevokeSecurityGroupIngress",
	    "AuthorizeSecurityGroupIngress");
	if (h->v_type(ec2_desired(e), "IpPermissionsEgress") != FUGUE_V_NONE)
		plan_direction(e, "IpPermissionsEgress", "RevokeSecurityGroupEgress",
		    "AuthorizeSecurityGroupEgress");
}

/* The deletion. */
static void
sg_plan_delete(struct echain *e)
{
	ec2_plan_add(e, "DeleteSecurityGroup", EC2_GONE_OK | EC2_DEP_WAIT);
	ec2_plan_param(e, "GroupId", e->id);
}

/* Writes one IpPermissions item of a described permission with one peer. */
static void
write_rule(const struct fugue_host *h, struct fugue_json *w, const struct fugue_xml *perm,
    enum peer k, const struct fugue_xml *peer)
{
	h->j_obj(w);
	ec2_write_str(h, w, "IpProtocol", perm, "ipProtocol");
	ec2_write_int(h, w, "FromPort", perm, "fromPort");
	ec2_write_int(h, w, "ToPort", perm, "toPort");
	h->j_key(w, peers[k].member);
	h->j_arr(w);
	h->j_obj(w);
	ec2_write_str(h, w, peers[k].field, peer, peers[k].xml_field);
	ec2_write_str(h, w, "Description", peer, "description");
	h->j_end_obj(w);
	h->j_end_arr(w);
	h->j_end_obj(w);
}

/* Writes key: the described permissions at path, one item per peer. */
static void
write_rules(const struct fugue_host *h, struct fugue_json *w, const char *key,
    const struct fugue_xml *item, const char *path)
{
	h->j_key(w, key);
	h->j_arr(w);
	for (const struct fugue_xml *p = h->x_find(item, path); p; p = h->x_next(p))
		for (enum peer k = P_CIDR; k <= P_GROUP; k++)
			for (const struct fugue_xml *x = h->x_find(p, peers[k].xml); x;
			    x = h->x_next(x))
				write_rule(h, w, p, k, x);
	h->j_end_arr(w);
}

/* The observed group: properties and read-only attributes. */
static void
sg_observe(const struct fugue_host *h, struct fugue_json *w, const struct fugue_xml *item)
{
	ec2_write_str(h, w, "GroupName", item, "groupName");
	ec2_write_str(h, w, "GroupDescription", item, "groupDescription");
	ec2_write_str(h, w, "VpcId", item, "vpcId");
	write_rules(h, w, "IpPermissions", item, "ipPermissions/item");
	write_rules(h, w, "IpPermissionsEgress", item, "ipPermissionsEgress/item");
	ec2_write_tags(h, w, item);
	ec2_write_str(h, w, "GroupId", item, "groupId");
	ec2_write_str(h, w, "OwnerId", item, "ownerId");
	ec2_write_str(h, w, "SecurityGroupArn", item, "securityGroupArn");
}

/* Sends CreateSecurityGroup with the tags; the rules follow in the converge. */
static void
sg_send_create(struct echain *e)
{
	const struct fugue_host *h = e->r.h;
	const struct fugue_value *d = ec2_desired(e);
	struct fugue_call *c = ec2_call(e, "CreateSecurityGroup");

	h->call_param(c, "GroupName", h->v_str(d, "GroupName"));
	h->call_param(c, "GroupDescription", h->v_str(d, "GroupDescription"));
	if (h->v_str(d, "VpcId") != NULL)
		h->call_param(c, "VpcId", h->v_str(d, "VpcId"));
	ec2_tag_spec(h, c, "security-group", h->v_get(d, "Tags"));
	ec2_send_create(e, c, "CreateSecurityGroup");
}

const struct ekind sg_kind = {
	.type = "AWS.EC2.SecurityGroup",
	.resource_type = "security-group",
	.describe = "DescribeSecurityGroups",
	.id_filter = "group-id",
	.set = "securityGroupInfo/item",
	.id_field = "groupId",
	.created_id = "groupId",
	.observe = sg_observe,
	.create = sg_send_create,
	.plan = sg_plan,
	.plan_delete = sg_plan_delete,
};

/* create: CreateSecurityGroup, then the rules (adopting a group a crashed create left). */
void
sg_create(const struct fugue_host *h, struct fugue_op *op)
{
	ec2_op_create(h, op, &sg_kind);
}

/* read: DescribeSecurityGroups by id (by tags when the id was lost). */
void
sg_read(const struct fugue_host *h, struct fugue_op *op)
{
	ec2_op_read(h, op, &sg_kind);
}

/* update: revoke what is not desired, authorize what is missing, tags. */
void
sg_update(const struct fugue_host *h, struct fugue_op *op)
{
	ec2_op_update(h, op, &sg_kind);
}

/* delete: DeleteSecurityGroup, waiting out what still uses the group. */
void
sg_delete(const struct fugue_host *h, struct fugue_op *op)
{
	ec2_op_delete(h, op, &sg_kind);
}

/* sweep: one paginated, tag-filtered DescribeSecurityGroups for every managed group. */
void
sg_sweep(const struct fugue_host *h, struct fugue_sweep *sw)
{
	ec2_op_sweep(h, sw, &sg_kind);
}
