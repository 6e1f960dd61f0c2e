/* ec2_sg.c: security groups: creation rules, the VPC's default group, deletion with its
 * dependencies, and describing them with their rules grouped as IpPermissions. */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "ec2.h"
#include "xml.h"

#define SG(item) ((const struct ec2_sg *)(item))
#define MAX_TEXT 255
/* Characters of group names and descriptions in a VPC. */
#define SG_CHARS "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789" \
	" ._-:/()#,@[]+=&;{}!$*"

/* Frees a group's parts. */
void
ec2_sg_clear(struct ec2_res *r)
{
	struct ec2_sg *g = (struct ec2_sg *)r;

	for (size_t i = 0; i < g->nrules; i++)
		free(g->rules[i].desc);
	free(g->rules);
	free(g->name);
	free(g->desc);
}

/* Adds a rule to a group all traffic from a peer (group id, or NULL for 0.0.0.0/0). */
static void
add_all_rule(struct ec2_state *st, struct ec2_sg *g, int egress, const char *group)
{
	struct ec2_rule *r;

	g->rules = fg_realloc(g->rules, (g->nrules + 1) * sizeof(*g->rules));
	r = &g->rules[g->nrules++];
	memset(r, 0, sizeof(*r));
	ec2_new_id(st, "sgr", r->id);
	r->egress = egress;
	strcpy(r->proto, "-1");
	r->from = r->to = -1;
	if (group)
		strcpy(r->group, group);
}

/* A new group of a VPC with the rule that lets all traffic out. */
static struct ec2_sg *
sg_new(struct ec2_state *st, const struct lc_request *req, const char *vpc, const char *name,
    const char *desc)
{
	struct ec2_sg *g = ec2_res_new(st, req, EC2_SG, sizeof(*g));

	strcpy(g->vpc, vpc);
	g->name = fg_strdup(name);
	g->desc = fg_strdup(desc);
	add_all_rule(st, g, 1, NULL);
	return g;
}

/* The default group of a new VPC: all traffic out, and in from its own members. */
struct ec2_sg *
ec2_sg_default(struct ec2_state *st, const struct lc_request *req, const struct ec2_vpc *v)
{
	struct ec2_sg *g = sg_new(st, req, v->r.id, "default", "default VPC security group");

	add_all_rule(st, g, 0, g->r.id);
	return g;
}

/* Says whether another group's rule names a group, or an instance not terminated uses it. */
int
ec2_sg_in_use(const struct ec2_state *st, const struct ec2_sg *g)
{
	int64_t now = fg_wall_ms();

	EC2_EACH(st, EC2_SG, i) {
		const struct ec2_sg *o = SG(st->res[i]);

		for (size_t j = 0; o != g && j < o->nrules; j++)
			if (strcmp(o->rules[j].group, g->r.id) == 0)
				return 1;
	}
	EC2_EACH(st, EC2_INSTANCE, i) {
		const struct ec2_instance *in = (const struct ec2_instance *)st->res[i];

		if (ec2_instance_state(in, now) == EC2_TERMINATED)
			continue;
		for (size_t j = 0; j < in->ngroups; j++)
			if (strcmp(in->groups[j], g->r.id) == 0)
				return 1;
	}
	return 0;
}

/* Writes the rules of one direction as IpPermissions: one item per protocol and port range. */
static void
perms_write(struct fg_buf *b, const struct ec2_sg *g, int egress)
{
	char cidr[EC2_CIDR_MAX];

	for (size_t i = 0; i < g->nrules; i++) {
		const struct ec2_rule *r = &g->rules[i];
		size_t first;

		if (r->egress != egress)
			continue;
		for (first = 0; first < i; first++) {
			const struct ec2_rule *o = &g->rules[first];

			if (o->egress == egress && strcmp(o->proto, r->proto) == 0 &&
			    o->from == r->from && o->to == r->to)
				break;
		}
		if (first < i)
			continue;
		fg_buf_addstr(b, "<item>");
		fg_xml_elem(b, "ipProtocol", r->proto);
		if (strcmp(r->proto, "-1") != 0)
			fg_buf_addf(b, "<fromPort>%d</fromPort><toPort>%d</toPort>", r->from, r->to);
		for (int pass = 0; pass < 2; pass++) {
			fg_buf_addstr(b, pass ? "<ipRanges>" : "<groups>");
			for (size_t j = i; j < g->nrules; j++) {
				const struct ec2_rule *o = &g->rules[j];

				if (o->egress != egress || strcmp(o->proto, r->proto) != 0 ||
				    o->from != r->from || o->to != r->to || (*o->group != '\0') == pass)
					continue;
				fg_buf_addstr(b, "<item>");
				if (pass) {
					ec2_cidr_format(&o->cidr, cidr);
					fg_xml_elem(b, "cidrIp", cidr);
				} else {
					fg_xml_elem(b, "userId", g->r.account);
					fg_xml_elem(b, "groupId", o->group);
				}
				if (o->desc)
					fg_xml_elem(b, "description", o->desc);
				fg_buf_addstr(b, "</item>");
			}
			fg_buf_addstr(b, pass ? "</ipRanges>" : "</groups>");
		}
		fg_buf_addstr(b, "<ipv6Ranges/><prefixListIds/></item>");
	}
}

/* Writes a security group. */
static void
sg_write(struct fg_buf *b, const struct ec2_state *st, const struct ec2_res *res)
{
	const struct ec2_sg *g = SG(res);

	(void)st;
	fg_xml_elem(b, "ownerId", g->r.account);
	fg_xml_elem(b, "groupId", g->r.id);
	fg_xml_elem(b, "groupName", g->name);
	fg_xml_elem(b, "groupDescription", g->desc);
	fg_xml_elem(b, "vpcId", g->vpc);
	fg_buf_addstr(b, "<ipPermissions>");
	perms_write(b, g, 0);
	fg_buf_addstr(b, "</ipPermissions><ipPermissionsEgress>");
	perms_write(b, g, 1);
	fg_buf_addstr(b, "</ipPermissionsEgress>");
	ec2_tags_write(b, &g->r);
}

/* Offers a value of each rule of one direction: what 0 CIDR, 1 group, 2 protocol, 3 from
 * port, 4 to port. */
static void
rule_values(struct ec2_match *m, const struct ec2_sg *g, int egress, int what)
{
	for (size_t i = 0; i < g->nrules && !m->hit; i++) {
		const struct ec2_rule *r = &g->rules[i];

		if (r->egress != egress)
			continue;
		if (what == 0 && *r->group == '\0')
			ec2_emit_cidr(m, &r->cidr);
		else if (what == 1 && *r->group)
			ec2_emit(m, r->group);
		else if (what == 2)
			ec2_emit(m, r->proto);
		else if (what >= 3 && strcmp(r->proto, "-1") != 0)
			ec2_emit_int(m, what == 3 ? r->from : r->to);
	}
}

/* Security group filter values. */
#define RULE_FILTER(fn, egress, what) \
	static void \
	fn(struct ec2_match *m, const void *item) \
	{ \
		rule_values(m, SG(item), egress, what); \
	}
RULE_FILTER(f_in_cidr, 0, 0)
RULE_FILTER(f_in_group, 0, 1)
RULE_FILTER(f_in_proto, 0, 2)
RULE_FILTER(f_in_from, 0, 3)
RULE_FILTER(f_in_to, 0, 4)
RULE_FILTER(f_out_cidr, 1, 0)
RULE_FILTER(f_out_group, 1, 1)
RULE_FILTER(f_out_proto, 1, 2)
RULE_FILTER(f_out_from, 1, 3)
RULE_FILTER(f_out_to, 1, 4)

static void
f_desc(struct ec2_match *m, const void *item)
{
	ec2_emit(m, SG(item)->desc);
}

static void
f_name(struct ec2_match *m, const void *item)
{
	ec2_emit(m, SG(item)->name);
}

static void
f_vpc(struct ec2_match *m, const void *item)
{
	ec2_emit(m, SG(item)->vpc);
}

static const struct ec2_filter sg_filters[] = {
	{ "description", f_desc },
	{ "egress.ip-permission.cidr", f_out_cidr },
	{ "egress.ip-permission.from-port", f_out_from },
	{ "egress.ip-permission.group-id", f_out_group },
	{ "egress.ip-permission.protocol", f_out_proto },
	{ "egress.ip-permission.to-port", f_out_to },
	{ "group-id", ec2_f_id },
	{ "group-name", f_name },
	{ "ip-permission.cidr", f_in_cidr },
	{ "ip-permission.from-port", f_in_from },
	{ "ip-permission.group-id", f_in_group },
	{ "ip-permission.protocol", f_in_proto },
	{ "ip-permission.to-port", f_in_to },
	{ "vpc-id", f_vpc },
	{ NULL, NULL },
};

static const struct ec2_query sg_query = {
	EC2_SG, "GroupIds", sg_filters, "securityGroupInfo", sg_write, 1000, 0,
};

/* Checks a group name, description or rule description; -1 after replying. */
int
ec2_sg_text_check(struct lc_request *req, const char *param, const char *s, int required)
{
	size_t n = strlen(s);

	if ((n == 0 && required) || n > MAX_TEXT || strspn(s, SG_CHARS) != n) {
		ec2_error(req, "InvalidParameterValue", "Value (%.60s) for parameter %s is invalid: "
		    "it must have %s%d characters of a-z, A-Z, 0-9, spaces and "
		    "._-:/()#,@[]+=&;{}!$*", s, param, required ? "1 to " : "up to ", MAX_TEXT);
		return -1;
	}
	return 0;
}

/* Replies that a group named by name is unknown: names only address the default VPC's groups,
 * and localcloud has no default VPC. */
static void
no_default_vpc_group(struct lc_request *req, const char *name)
{
	ec2_error(req, "InvalidGroup.NotFound", "The security group '%.100s' does not exist in "
	    "default VPC 'none'", name);
}

/* CreateSecurityGroup: a group of a VPC with a unique name. */
enum lc_result
ec2_create_sg(struct lc_request *req, struct ec2_state *st, fg_json in)
{
	const char *name = ec2_str(in, "GroupName"), *desc = ec2_str(in, "Description");
	struct ec2_vpc *v;
	struct ec2_sg *g;
	struct fg_buf *b;
	fg_json tags;

	if (ec2_str(in, "VpcId") == NULL) {
		ec2_error(req, "VPCIdNotSpecified", "No default VPC for this user");
		return LC_DONE;
	}
	if ((v = ec2_get(req, st, EC2_VPC, ec2_str(in, "VpcId"), "VpcId")) == NULL ||
	    ec2_sg_text_check(req, "GroupName", name, 1) != 0 ||
	    ec2_sg_text_check(req, "GroupDescription", desc, 0) != 0)
		return LC_DONE;
	if (strcmp(name, "default") == 0 || strncmp(name, "sg-", 3) == 0) {
		ec2_error(req, "InvalidParameterValue", strcmp(name, "default") == 0 ?
		    "Cannot use reserved security group name: default" :
		    "Group names may not be in the format sg-*");
		return LC_DONE;
	}
	EC2_EACH(st, EC2_SG, i)
		if (strcmp(SG(st->res[i])->vpc, v->r.id) == 0 &&
		    strcmp(SG(st->res[i])->name, name) == 0) {
			ec2_error(req, "InvalidGroup.Duplicate", "The security group '%s' already exists "
			    "for VPC '%s'", name, v->r.id);
			return LC_DONE;
		}
	if (ec2_tagspec(req, in, "security-group", NULL, &tags) != 0)
		return LC_DONE;
	g = sg_new(st, req, v->r.id, name, desc);
	ec2_tags_apply(&g->r, tags);
	b = ec2_begin(req);
	fg_buf_addstr(b, "<return>true</return>");
	fg_xml_elem(b, "groupId", g->r.id);
	if (g->r.ntags)
		ec2_tags_write(b, &g->r);
	return ec2_end(req);
}

/* The group a rule or delete action names by GroupId (GroupName only reaches the default
 * VPC); NULL after replying. */
struct ec2_sg *
ec2_sg_param(struct lc_request *req, struct ec2_state *st, fg_json in)
{
	const char *id = ec2_str(in, "GroupId"), *name = ec2_str(in, "GroupName");

	if (id == NULL && name != NULL) {
		no_default_vpc_group(req, name);
		return NULL;
	}
	return ec2_get(req, st, EC2_SG, id, "GroupId");
}

/* DeleteSecurityGroup: not the default group, nor one in use. */
enum lc_result
ec2_delete_sg(struct lc_request *req, struct ec2_state *st, fg_json in)
{
	struct ec2_sg *g = ec2_sg_param(req, st, in);
	const struct ec2_vpc *v;

	if (g == NULL)
		return LC_DONE;
	v = ec2_sibling(st, &g->r, EC2_VPC, g->vpc);
	if (v && strcmp(v->default_sg, g->r.id) == 0) {
		ec2_error(req, "CannotDelete", "the specified group: \"%s\" name: \"default\" cannot "
		    "be deleted by a user", g->r.id);
		return LC_DONE;
	}
	if (ec2_sg_in_use(st, g)) {
		ec2_error(req, "DependencyViolation", "resource %s has a dependent object", g->r.id);
		return LC_DONE;
	}
	ec2_res_delete(st, &g->r);
	return ec2_ok(req);
}

/* DescribeSecurityGroups. */
enum lc_result
ec2_describe_sgs(struct lc_request *req, struct ec2_state *st, fg_json in)
{
	fg_json names = fg_json_get(in, "GroupNames");

	if (fg_json_len(names) > 0) {
		no_default_vpc_group(req, fg_json_str(fg_json_at(names, 0)));
		return LC_DONE;
	}
	return ec2_describe(req, st, in, &sg_query);
}
