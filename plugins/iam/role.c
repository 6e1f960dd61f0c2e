/* role.c: AWS.IAM.Role.
 * create = CreateRole (trust policy, path, description, session length, boundary, tags), then
 *   the update plan for the inline and managed policies;
 * read = GetRole (everything but the policies: tags and boundary included), ListRolePolicies
 *   and GetRolePolicy for each inline policy, ListAttachedRolePolicies;
 * update = UpdateAssumeRolePolicy, UpdateRole, PutRolePermissionsBoundary, DeleteRolePolicy /
 *   PutRolePolicy, DetachRolePolicy / AttachRolePolicy, UntagRole / TagRole, for what differs;
 * delete = DetachRolePolicy for each managed policy, DeleteRolePolicy for each inline one,
 *   RemoveRoleFromInstanceProfile for each instance profile, DeleteRole;
 * sweep = ListRoles (paginated: a managed role not listed is deleted). ListRoles carries
 *   neither tags, the permissions boundary nor the policies, so each managed role listed is
 *   then read as above. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "iam.h"

static void role_read_fn(struct ient *);
static void role_plan(struct ient *);

static const struct ikind role_kind = {
	.type = "AWS.IAM.Role",
	.tag_action = "TagRole",
	.untag_action = "UntagRole",
	.id_param = "RoleName",
	.list_action = "ListRoles",
	.list_items = "ListRolesResult/Roles/member",
	.list_id = "RoleName",
	.read = role_read_fn,
	.plan = role_plan,
};

/* --- read --- */

/* ListAttachedRolePolicies gathered: the managed policies end the observed role. */
static void
attached_listed(struct ient *e)
{
	const struct fugue_host *h = e->r.h;

	h->j_key(e->w, "ManagedPolicyArns");
	h->j_arr(e->w);
	for (size_t i = 0; i < e->names.n; i++)
		h->j_str(e->w, e->names.v[i]);
	h->j_end_arr(e->w);
	h->j_end_obj(e->w);
	e->done(e, FUGUE_OK, h->j_text(e->w), NULL);
}

static void next_inline(struct ient *);

/* GetRolePolicy answered: one inline policy. */
static void
on_inline(struct ient *e, const struct fugue_reply *rep)
{
	const struct fugue_host *h = e->r.h;
	const struct fugue_xml *x = h->x_find(h->r_xml(rep), "GetRolePolicyResult");

	if (!read_ok(e, rep, "GetRolePolicy"))
		return;
	h->j_obj(e->w);
	h->j_key(e->w, "PolicyName");
	h->j_str(e->w, e->names.v[e->at]);
	write_doc(h, e->w, "PolicyDocument", h->x_text(x, "PolicyDocument"));
	h->j_end_obj(e->w);
	e->at++;
	next_inline(e);
}

/* Reads the next inline policy, or goes on to the managed ones. */
static void
next_inline(struct ient *e)
{
	const struct fugue_host *h = e->r.h;
	struct fugue_call *c;

	if (e->at == e->names.n) {
		h->j_end_arr(e->w);
		ilist_all(e, "ListAttachedRolePolicies", "RoleName", e->id,
		    "ListAttachedRolePoliciesResult/AttachedPolicies/member", "PolicyArn",
		    attached_listed);
		return;
	}
	c = iam_call(e, "GetRolePolicy");
	h->call_param(c, "RoleName", e->id);
	h->call_param(c, "PolicyName", e->names.v[e->at]);
	h->call_read_only(c);
	ient_send(e, c, on_inline);
}

/* ListRolePolicies gathered: read each inline policy. */
static void
inline_listed(struct ient *e)
{
	e->r.h->j_key(e->w, "Policies");
	e->r.h->j_arr(e->w);
	e->at = 0;
	next_inline(e);
}

/* GetRole answered: the role itself. */
static void
on_role(struct ient *e, const struct fugue_reply *rep)
{
	const struct fugue_host *h = e->r.h;
	const struct fugue_xml *x = h->x_find(h->r_xml(rep), "GetRoleResult/Role");
	const char *s;

	if (!read_ok(e, rep, "GetRole"))
		return;
	ient_observe(e);
	h->j_key(e->w, "RoleName");
	h->j_str(e->w, h->x_text(x, "RoleName"));
	h->j_key(e->w, "Path");
	h->j_str(e->w, h->x_text(x, "Path"));
	write_doc(h, e->w, "AssumeRolePolicyDocument", h->x_text(x, "AssumeRolePolicyDocument"));
	if ((s = h->x_text(x, "Description")) != NULL) {
		h->j_key(e->w, "Description");
		h->j_str(e->w, s);
	}
	h->j_key(e->w, "MaxSessionDuration");
	h->j_int(e->w, strtoll(h->x_text(x, "MaxSessionDuration") ?
	    h->x_text(x, "MaxSessionDuration") : "3600", NULL, 10));
	if ((s = h->x_text(x, "PermissionsBoundary/PermissionsBoundaryArn")) != NULL) {
		h->j_key(e->w, "PermissionsBoundary");
		h->j_str(e->w, s);
	}
	write_tags(h, e->w, x);
	h->j_key(e->w, "Arn");
	h->j_str(e->w, h->x_text(x, "Arn"));
	h->j_key(e->w, "RoleId");
	h->j_str(e->w, h->x_text(x, "RoleId"));
	ilist_all(e, "ListRolePolicies", "RoleName", e->id,
	    "ListRolePoliciesResult/PolicyNames/member", NULL, inline_listed);
}

/* Reads the role e->id. */
static void
role_read_fn(struct ient *e)
{
	struct fugue_call *c = iam_call(e, "GetRole");

	e->r.h->call_param(c, "RoleName", e->id);
	e->r.h->call_read_only(c);
	ient_send(e, c, on_role);
}

/* --- update --- */

/* The inline policy called name in a Policies array, or NULL. */
static const struct fugue_value *
inline_named(const struct fugue_host *h, const struct fugue_value *list, const char *name)
{
	for (size_t i = 0; i < h->v_len(list, ""); i++)
		if (same(h->v_str(h->v_at(list, i), "PolicyName"), name))
			return h->v_at(list, i);
	return NULL;
}

/* The calls of the role's settings: trust policy, description and session, boundary. */
static void
plan_settings(struct ient *e, const struct fugue_value *want, const struct fugue_value *have)
{
	const struct fugue_host *h = e->r.h;
	const char *desc = h->v_str(want, "Description");
	const char *msd = h->v_str(want, "MaxSessionDuration");
	const char *pb = h->v_str(want, "PermissionsBoundary");

	if (!doc_equal(h, h->v_str(want, "AssumeRolePolicyDocument"),
	    h->v_str(have, "AssumeRolePolicyDocument"))) {
		plan_add(e, "UpdateAssumeRolePolicy", 0);
		plan_param(e, "RoleName", e->id);
		plan_param(e, "PolicyDocument", h->v_str(want, "AssumeRolePolicyDocument"));
	}
	if ((desc != NULL && !same(desc, h->v_str(have, "Description"))) ||
	    (msd != NULL && !same(msd, h->v_str(have, "MaxSessionDuration")))) {
		plan_add(e, "UpdateRole", 0);
		plan_param(e, "RoleName", e->id);
		if (desc != NULL)
			plan_param(e, "Description", desc);
		if (msd != NULL)
			plan_param(e, "MaxSessionDuration", msd);
	}
	if (pb != NULL && !same(pb, h->v_str(have, "PermissionsBoundary"))) {
		plan_add(e, "PutRolePermissionsBoundary", 0);
		plan_param(e, "RoleName", e->id);
		plan_param(e, "PermissionsBoundary", pb);
	}
}

/* The calls for what differs; removals first (quotas count what is attached). */
static void
role_plan(struct ient *e)
{
	const struct fugue_host *h = e->r.h;
	const struct fugue_value *want = ient_desired(e), *have = e->have;
	const struct fugue_value *wp = h->v_get(want, "Policies"), *hp = h->v_get(have, "Policies");
	const struct fugue_value *wm = h->v_get(want, "ManagedPolicyArns");
	const struct fugue_value *hm = h->v_get(have, "ManagedPolicyArns");

	plan_settings(e, want, have);
	for (size_t i = 0; i < h->v_len(hp, ""); i++) {
		const char *name = h->v_str(h->v_at(hp, i), "PolicyName");

		if (inline_named(h, wp, name) != NULL)
			continue;
		plan_add(e, "DeleteRolePolicy", 1);
		plan_param(e, "RoleName", e->id);
		plan_param(e, "PolicyName", name);
	}
	for (size_t i = 0; i < h->v_len(wp, ""); i++) {
		const struct fugue_value *p = h->v_at(wp, i), *had;

		had = inline_named(h, hp, h->v_str(p, "PolicyName"));
		if (had != NULL && doc_equal(h, h->v_str(p, "PolicyDocument"),
		    h->v_str(had, "PolicyDocument")))
			continue;
		plan_add(e, "PutRolePolicy", 0);
		plan_param(e, "RoleName", e->id);
		plan_param(e, "PolicyName", h->v_str(p, "PolicyName"));
		plan_param(e, "PolicyDocument", h->v_str(p, "PolicyDocument"));
	}
	for (size_t i = 0; i < h->v_len(hm, ""); i++) {
		const char *arn = h->v_str(h->v_at(hm, i), "");

		if (holds(h, wm, arn))
			continue;
		plan_add(e, "DetachRolePolicy", 1);
		plan_param(e, "RoleName", e->id);
		plan_param(e, "PolicyArn", arn);
	}
	for (size_t i = 0; i < h->v_len(wm, ""); i++) {
		const char *arn = h->v_str(h->v_at(wm, i), "");

		if (holds(h, hm, arn))
			continue;
		plan_add(e, "AttachRolePolicy", 0);
		plan_param(e, "RoleName", e->id);
		plan_param(e, "PolicyArn", arn);
	}
	plan_tags(e, h->v_get(want, "Tags"), h->v_get(have, "Tags"));
}

/* --- operations --- */

/* A chain for an operation on the role named by the physical id or the desired name. */
static struct ient *
role_chain(const struct fugue_host *h, struct fugue_op *op)
{
	const char *id = h->op_physical_id(op);

	return ient_op(h, op, &role_kind, id ? id : h->v_str(h->op_desired(op), "RoleName"));
}

/* CreateRole answered. */
static void
on_created(struct ient *e, const struct fugue_reply *rep)
{
	const char *code = e->r.h->r_code(rep);

	if (e->r.h->r_status(rep) == FUGUE_OK)
		ient_created(e, e->id);
	else if (code != NULL && strcmp(code, "EntityAlreadyExists") == 0)
		ient_adopt(e);
	else
		ient_fail(e, rep, "CreateRole");
}

/* create: CreateRole, then the policies. */
void
role_create(const struct fugue_host *h, struct fugue_op *op)
{
	struct ient *e = role_chain(h, op);
	const struct fugue_value *d = h->op_desired(op), *tags = h->v_get(d, "Tags");
	static const char *const optional[] = { "Path", "Description", "MaxSessionDuration",
		"PermissionsBoundary" };
	struct fugue_call *c;

	if (e->id == NULL) {
		h->op_done(op, FUGUE_E_INVALID, NULL, "no RoleName");
		return;
	}
	c = iam_call(e, "CreateRole");
	h->call_param(c, "RoleName", e->id);
	h->call_param(c, "AssumeRolePolicyDocument", h->v_str(d, "AssumeRolePolicyDocument"));
	for (size_t i = 0; i < sizeof(optional) / sizeof(optional[0]); i++)
		if (h->v_str(d, optional[i]) != NULL)
			h->call_param(c, optional[i], h->v_str(d, optional[i]));
	ient_call_tags(e, c, tags);
	ient_send(e, c, on_created);
}

/* read: the role and its policies. */
void
role_read(const struct fugue_host *h, struct fugue_op *op)
{
	ient_op_read(role_chain(h, op));
}

/* update: the calls for what differs. */
void
role_update(const struct fugue_host *h, struct fugue_op *op)
{
	ient_op_update(role_chain(h, op));
}

/* The instance profiles holding the role are known: remove it from them, delete it. */
static void
profiles_listed(struct ient *e)
{
	for (size_t i = 0; i < e->names.n; i++) {
		plan_add(e, "RemoveRoleFromInstanceProfile", 1);
		plan_param(e, "InstanceProfileName", e->names.v[i]);
		plan_param(e, "RoleName", e->id);
	}
	plan_add(e, "DeleteRole", 1);
	plan_param(e, "RoleName", e->id);
	plan_run(e, ient_deleted);
}

/* The inline policies are known: delete them; then the instance profiles. */
static void
inline_gone_listed(struct ient *e)
{
	for (size_t i = 0; i < e->names.n; i++) {
		plan_add(e, "DeleteRolePolicy", 1);
		plan_param(e, "RoleName", e->id);
		plan_param(e, "PolicyName", e->names.v[i]);
	}
	ilist_all(e, "ListInstanceProfilesForRole", "RoleName", e->id,
	    "ListInstanceProfilesForRoleResult/InstanceProfiles/member", "InstanceProfileName",
	    profiles_listed);
}

/* The managed policies are known: detach them; then the inline policies. */
static void
attached_gone_listed(struct ient *e)
{
	for (size_t i = 0; i < e->names.n; i++) {
		plan_add(e, "DetachRolePolicy", 1);
		plan_param(e, "RoleName", e->id);
		plan_param(e, "PolicyArn", e->names.v[i]);
	}
	ilist_all(e, "ListRolePolicies", "RoleName", e->id,
	    "ListRolePoliciesResult/PolicyNames/member", NULL, inline_gone_listed);
}

/* Gathers what holds the role, then deletes it all. */
static void
role_delete_start(struct ient *e)
{
	pplan_clear(&e->plan);
	ilist_all(e, "ListAttachedRolePolicies", "RoleName", e->id,
	    "ListAttachedRolePoliciesResult/AttachedPolicies/member", "PolicyArn",
	    attached_gone_listed);
}

/* delete: detach, delete inline policies, leave instance profiles, DeleteRole. */
void
role_delete(const struct fugue_host *h, struct fugue_op *op)
{
	ient_delete(role_chain(h, op), role_delete_start);
}

/* sweep: ListRoles, then the reads of the managed roles it lists. */
void
role_sweep(const struct fugue_host *h, struct fugue_sweep *sw)
{
	ient_sweep(h, sw, &role_kind);
}
