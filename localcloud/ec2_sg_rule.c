/* ec2_sg_rule.c: security group rules: IpPermissions (or the flat CidrIp/IpProtocol form) read
 * into one rule per source, AuthorizeSecurityGroupIngress/Egress and their Revoke twins. */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "ec2.h"
#include "xml.h"

#define MAX_RULES 60 /* rules of one direction of a group (AWS's default quota) */

struct rules {
	struct ec2_rule *v;
	size_t n;
};

/* Frees a rule list. */
static void
rules_free(struct rules *rs)
{
	for (size_t i = 0; i < rs->n; i++)
		free(rs->v[i].desc);
	free(rs->v);
	rs->v = NULL;
	rs->n = 0;
}

/* Normalizes a protocol: -1 (all), a name for those with one, else its number; -1 when it is
 * not a protocol. */
static int
proto_norm(const char *p, char out[8])
{
	static const struct {
		const char *name, *num;
	} names[] = { { "tcp", "6" }, { "udp", "17" }, { "icmp", "1" }, { "icmpv6", "58" } };
	size_t n = p ? strlen(p) : 0;

	if (p && (strcmp(p, "-1") == 0 || strcasecmp(p, "all") == 0)) {
		strcpy(out, "-1");
		return 0;
	}
	for (size_t i = 0; p && i < FG_ARRAY_LEN(names); i++)
		if (strcasecmp(p, names[i].name) == 0 || strcmp(p, names[i].num) == 0) {
			strcpy(out, names[i].name);
			return 0;
		}
	if (n == 0 || n > 3 || strspn(p, "0123456789") != n || (n > 1 && p[0] == '0') ||
	    atoi(p) > 255)
		return -1;
	strcpy(out, p);
	return 0;
}

/* Reads a permission's protocol and ports into r; -1 after replying. */
static int
perm_ports(struct lc_request *req, fg_json perm, struct ec2_rule *r)
{
	const char *p = ec2_str(perm, "IpProtocol");
	int64_t from = -1, to = -1;
	int has_from = fg_json_int(fg_json_get(perm, "FromPort"), &from) == 0;
	int has_to = fg_json_int(fg_json_get(perm, "ToPort"), &to) == 0;

	if (proto_norm(p, r->proto) != 0) {
		ec2_error(req, "InvalidParameterValue", "Invalid value '%.40s' for IP protocol. "
		    "Unknown protocol.", p ? p : "");
		return -1;
	}
	if (strcmp(r->proto, "tcp") == 0 || strcmp(r->proto, "udp") == 0) {
		if (!has_from || !has_to || from < 0 || to > 65535 || from > to) {
			ec2_error(req, "InvalidParameterValue", "Invalid value for portRange: %s needs "
			    "FromPort and ToPort with 0 <= FromPort <= ToPort <= 65535", r->proto);
			return -1;
		}
	} else if (strncmp(r->proto, "icmp", 4) == 0) {
		if (from < -1 || from > 255 || to < -1 || to > 255) {
			ec2_error(req, "InvalidParameterValue", "Invalid value for portRange: the ICMP "
			    "type (FromPort) and code (ToPort) are -1 to 255");
			return -1;
		}
	} else
		from = to = -1;
	r->from = (int)from;
	r->to = (int)to;
	return 0;
}

/* Adds a rule for one source of a permission (the description checked); -1 after replying. */
static int
add_source(struct lc_request *req, struct rules *rs, const struct ec2_rule *base, fg_json src)
{
	const char *desc = ec2_str(src, "Description");
	struct ec2_rule *r;

	if (desc && ec2_sg_text_check(req, "Description", desc, 0) != 0)
		return -1;
	rs->v = fg_realloc(rs->v, (rs->n + 1) * sizeof(*rs->v));
	r = &rs->v[rs->n++];
	*r = *base;
	r->desc = desc ? fg_strdup(desc) : NULL;
	return 0;
}

/* Reads one permission into a rule per source; -1 after replying. */
static int
perm_rules(struct lc_request *req, struct ec2_state *st, const struct ec2_sg *g, fg_json perm,
    int egress, struct rules *rs)
{
	fg_json ranges = fg_json_get(perm, "IpRanges"), pairs = fg_json_get(perm, "UserIdGroupPairs");
	struct ec2_rule base;

	memset(&base, 0, sizeof(base));
	base.egress = egress;
	if (perm_ports(req, perm, &base) != 0)
		return -1;
	if (fg_json_len(fg_json_get(perm, "Ipv6Ranges")) || fg_json_len(fg_json_get(perm,
	    "PrefixListIds"))) {
		ec2_error(req, "UnsupportedOperation", "localcloud does not implement IPv6 ranges "
		    "and prefix lists in security group rules");
		return -1;
	}
	if (fg_json_len(ranges) + fg_json_len(pairs) == 0) {
		ec2_error(req, "MissingParameter", "Each permission must have a source or "
		    "destination: IpRanges or UserIdGroupPairs");
		return -1;
	}
	for (size_t i = 0; i < fg_json_len(ranges); i++) {
		fg_json src = fg_json_at(ranges, i);

		if (ec2_cidr_parse(ec2_str(src, "CidrIp"), &base.cidr) != 0) {
			ec2_error(req, "InvalidParameterValue", "CIDR block %.60s is malformed",
			    ec2_str(src, "CidrIp") ? ec2_str(src, "CidrIp") : "");
			return -1;
		}
		if (add_source(req, rs, &base, src) != 0)
			return -1;
	}
	memset(&base.cidr, 0, sizeof(base.cidr));
	for (size_t i = 0; i < fg_json_len(pairs); i++) {
		fg_json src = fg_json_at(pairs, i);
		const char *id = ec2_str(src, "GroupId");
		const struct ec2_sg *peer;

		if (id == NULL) {
			ec2_error(req, "InvalidGroup.NotFound", "The security group '%.100s' does not "
			    "exist in default VPC 'none'", ec2_str(src, "GroupName") ?
			    ec2_str(src, "GroupName") : "");
			return -1;
		}
		if ((peer = ec2_get(req, st, EC2_SG, id, "GroupId")) == NULL)
			return -1;
		if (strcmp(peer->vpc, g->vpc) != 0) {
			ec2_error(req, "InvalidParameterValue", "You have specified two resources that "
			    "belong to different networks: %s and %s", g->r.id, peer->r.id);
			return -1;
		}
		strcpy(base.group, id);
		if (add_source(req, rs, &base, src) != 0)
			return -1;
	}
	return 0;
}

/* The permission of the flat parameters (IpProtocol, FromPort, ToPort, CidrIp,
 * SourceSecurityGroupName) as an IpPermissions item, or NULL when there are none. */
static fg_json
flat_perm(fg_json in)
{
	const char *cidr = ec2_str(in, "CidrIp"), *proto = ec2_str(in, "IpProtocol");
	const char *group = ec2_str(in, "SourceSecurityGroupName");
	struct fg_jw jw;
	char *err = NULL;
	fg_json v;

	if (cidr == NULL && proto == NULL && group == NULL)
		return NULL;
	fg_jw_init(&jw, 0);
	fg_jw_obj(&jw);
	fg_jw_kstr(&jw, "IpProtocol", proto ? proto : "-1");
	if (fg_json_get(in, "FromPort")) {
		fg_jw_key(&jw, "FromPort");
		fg_jw_value(&jw, fg_json_get(in, "FromPort"));
	}
	if (fg_json_get(in, "ToPort")) {
		fg_jw_key(&jw, "ToPort");
		fg_jw_value(&jw, fg_json_get(in, "ToPort"));
	}
	if (cidr || group) {
		fg_jw_key(&jw, cidr ? "IpRanges" : "UserIdGroupPairs");
		fg_jw_arr(&jw);
		fg_jw_obj(&jw);
		fg_jw_kstr(&jw, cidr ? "CidrIp" : "GroupName", cidr ? cidr : group);
		fg_jw_end_obj(&jw);
		fg_jw_end_arr(&jw);
	}
	fg_jw_end_obj(&jw);
	v = fg_json_parse(fg_jw_text(&jw), strlen(fg_jw_text(&jw)), &err);
	free(err);
	fg_jw_free(&jw);
	return v;
}

/* Reads the rules a request names; -1 after replying. */
static int
request_rules(struct lc_request *req, struct ec2_state *st, const struct ec2_sg *g, fg_json in,
    int egress, struct rules *rs)
{
	fg_json perms = fg_json_get(in, "IpPermissions"), flat = flat_perm(in);
	int rc = 0;

	if (perms && flat) {
		ec2_error(req, "InvalidParameterCombination", "IpPermissions cannot be used with "
		    "CidrIp, IpProtocol, FromPort, ToPort or SourceSecurityGroupName");
		rc = -1;
	} else if (flat)
		rc = perm_rules(req, st, g, flat, egress, rs);
	else if (fg_json_len(perms) == 0) {
		ec2_error(req, "MissingParameter", "The request must contain the parameter "
		    "IpPermissions");
		rc = -1;
	}
	for (size_t i = 0; rc == 0 && i < fg_json_len(perms); i++)
		rc = perm_rules(req, st, g, fg_json_at(perms, i), egress, rs);
	fg_json_free(flat);
	if (rc != 0)
		rules_free(rs);
	return rc;
}

/* Says whether two rules allow the same traffic (descriptions aside). */
static int
same_rule(const struct ec2_rule *a, const struct ec2_rule *b)
{
	return a->egress == b->egress && strcmp(a->proto, b->proto) == 0 && a->from == b->from &&
	    a->to == b->to && strcmp(a->group, b->group) == 0 && (*a->group ||
	    (a->cidr.net == b->cidr.net && a->cidr.len == b->cidr.len));
}

/* The index of a group's rule allowing the same traffic, or -1. */
static long
rule_index(const struct ec2_sg *g, const struct ec2_rule *r)
{
	for (size_t i = 0; i < g->nrules; i++)
		if (same_rule(&g->rules[i], r))
			return (long)i;
	return -1;
}

/* Replies InvalidPermission.Duplicate for a rule. */
static void
duplicate(struct lc_request *req, const struct ec2_rule *r)
{
	char peer[EC2_ID_MAX], ports[64] = "";

	if (*r->group)
		snprintf(peer, sizeof(peer), "%s", r->group);
	else
		ec2_cidr_format(&r->cidr, peer);
	if (strcmp(r->proto, "-1") != 0)
		snprintf(ports, sizeof(ports), ", from port: %d, to port: %d", r->from, r->to);
	ec2_error(req, "InvalidPermission.Duplicate", "the specified rule \"peer: %s, %s%s, "
	    "ALLOW\" already exists", peer, strcmp(r->proto, "-1") == 0 ? "ALL" : r->proto, ports);
}

/* Writes a rule as a SecurityGroupRule. */
static void
rule_write(struct fg_buf *b, const struct ec2_sg *g, const struct ec2_rule *r)
{
	char cidr[EC2_CIDR_MAX];

	fg_xml_elem(b, "securityGroupRuleId", r->id);
	fg_xml_elem(b, "groupId", g->r.id);
	fg_xml_elem(b, "groupOwnerId", g->r.account);
	fg_xml_elem(b, "isEgress", r->egress ? "true" : "false");
	fg_xml_elem(b, "ipProtocol", r->proto);
	fg_buf_addf(b, "<fromPort>%d</fromPort><toPort>%d</toPort>", r->from, r->to);
	if (*r->group) {
		fg_buf_addstr(b, "<referencedGroupInfo>");
		fg_xml_elem(b, "groupId", r->group);
		fg_xml_elem(b, "userId", g->r.account);
		fg_buf_addstr(b, "</referencedGroupInfo>");
	} else {
		ec2_cidr_format(&r->cidr, cidr);
		fg_xml_elem(b, "cidrIpv4", cidr);
	}
	if (r->desc)
		fg_xml_elem(b, "description", r->desc);
	fg_buf_addstr(b, "<tagSet/>");
}

/* Authorize...: adds rules none of which the group has yet. */
static enum lc_result
authorize(struct lc_request *req, struct ec2_state *st, fg_json in, int egress)
{
	struct ec2_sg *g = ec2_sg_param(req, st, in);
	struct rules rs = { NULL, 0 };
	size_t have = 0, first;
	struct fg_buf *b;

	if (g == NULL)
		return LC_DONE;
	if (fg_json_get(in, "TagSpecifications")) {
		ec2_error(req, "UnsupportedOperation", "localcloud does not tag security group rules");
		return LC_DONE;
	}
	if (request_rules(req, st, g, in, egress, &rs) != 0)
		return LC_DONE;
	for (size_t i = 0; i < rs.n; i++) {
		for (size_t j = 0; j < i; j++)
			if (same_rule(&rs.v[i], &rs.v[j])) {
				duplicate(req, &rs.v[i]);
				rules_free(&rs);
				return LC_DONE;
			}
		if (rule_index(g, &rs.v[i]) >= 0) {
			duplicate(req, &rs.v[i]);
			rules_free(&rs);
			return LC_DONE;
		}
	}
	for (size_t i = 0; i < g->nrules; i++)
		have += g->rules[i].egress == egress;
	if (have + rs.n > MAX_RULES) {
		ec2_error(req, "RulesPerSecurityGroupLimitExceeded", "The maximum number of rules "
		    "per security group (%d) has been reached.", MAX_RULES);
		rules_free(&rs);
		return LC_DONE;
	}
	first = g->nrules;
	g->rules = fg_realloc(g->rules, (g->nrules + rs.n) * sizeof(*g->rules));
	for (size_t i = 0; i < rs.n; i++) {
		ec2_new_id(st, "sgr", rs.v[i].id);
		g->rules[g->nrules++] = rs.v[i];
	}
	free(rs.v);
	b = ec2_begin(req);
	fg_buf_addstr(b, "<return>true</return><securityGroupRuleSet>");
	for (size_t i = first; i < g->nrules; i++) {
		fg_buf_addstr(b, "<item>");
		rule_write(b, g, &g->rules[i]);
		fg_buf_addstr(b, "</item>");
	}
	fg_buf_addstr(b, "</securityGroupRuleSet>");
	return ec2_end(req);
}

/* Removes rule i of a group. */
static void
rule_remove(struct ec2_sg *g, size_t i)
{
	free(g->rules[i].desc);
	memmove(g->rules + i, g->rules + i + 1, (g->nrules - i - 1) * sizeof(*g->rules));
	g->nrules--;
}

/* Revoke by SecurityGroupRuleIds: every id a rule of the group in this direction. */
static enum lc_result
revoke_ids(struct lc_request *req, struct ec2_sg *g, fg_json ids, int egress)
{
	for (size_t i = 0; i < fg_json_len(ids); i++) {
		const char *id = fg_json_str(fg_json_at(ids, i));
		size_t j;

		for (j = 0; j < g->nrules; j++)
			if (strcmp(g->rules[j].id, id) == 0 && g->rules[j].egress == egress)
				break;
		if (j == g->nrules) {
			ec2_error(req, "InvalidSecurityGroupRuleId.NotFound", "The security group rule "
			    "ID '%.100s' does not exist in %s", id, g->r.id);
			return LC_DONE;
		}
	}
	for (size_t i = 0; i < fg_json_len(ids); i++)
		for (size_t j = 0; j < g->nrules; j++)
			if (strcmp(g->rules[j].id, fg_json_str(fg_json_at(ids, i))) == 0) {
				rule_remove(g, j);
				break;
			}
	return ec2_ok(req);
}

/* Revoke...: removes rules that all exist (outside a default VPC, AWS revokes nothing and
 * answers InvalidPermission.NotFound when one does not). */
static enum lc_result
revoke(struct lc_request *req, struct ec2_state *st, fg_json in, int egress)
{
	struct ec2_sg *g = ec2_sg_param(req, st, in);
	fg_json ids = fg_json_get(in, "SecurityGroupRuleIds");
	struct rules rs = { NULL, 0 };

	if (g == NULL)
		return LC_DONE;
	if (fg_json_len(ids) > 0) {
		if (fg_json_get(in, "IpPermissions") == NULL)
			return revoke_ids(req, g, ids, egress);
		ec2_error(req, "InvalidParameterCombination", "SecurityGroupRuleIds cannot be used "
		    "with IpPermissions");
		return LC_DONE;
	}
	if (request_rules(req, st, g, in, egress, &rs) != 0)
		return LC_DONE;
	for (size_t i = 0; i < rs.n; i++)
		if (rule_index(g, &rs.v[i]) < 0) {
			ec2_error(req, "InvalidPermission.NotFound", "The specified rule does not exist "
			    "in this security group.");
			rules_free(&rs);
			return LC_DONE;
		}
	for (size_t i = 0; i < rs.n; i++) {
		long j = rule_index(g, &rs.v[i]);

		if (j >= 0)
			rule_remove(g, (size_t)j);
	}
	rules_free(&rs);
	return ec2_ok(req);
}

/* AuthorizeSecurityGroupIngress. */
enum lc_result
ec2_authorize_ingress(struct lc_request *req, struct ec2_state *st, fg_json in)
{
	return authorize(req, st, in, 0);
}

/* AuthorizeSecurityGroupEgress. */
enum lc_result
ec2_authorize_egress(struct lc_request *req, struct ec2_state *st, fg_json in)
{
	return authorize(req, st, in, 1);
}

/* RevokeSecurityGroupIngress. */
enum lc_result
ec2_revoke_ingress(struct lc_request *req, struct ec2_state *st, fg_json in)
{
	return revoke(req, st, in, 0);
}

/* RevokeSecurityGroupEgress. */
enum lc_result
ec2_revoke_egress(struct lc_request *req, struct ec2_state *st, fg_json in)
{
	return revoke(req, st, in, 1);
}
