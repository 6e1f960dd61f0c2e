/* profile.c: AWS.IAM.InstanceProfile.
 * create = CreateInstanceProfile (path, tags), then AddRoleToInstanceProfile for its role;
 * read = GetInstanceProfile (role and tags included);
 * update = RemoveRoleFromInstanceProfile / AddRoleToInstanceProfile (the role is swapped:
 *   removed first, an instance profile holds one), UntagInstanceProfile / TagInstanceProfile;
 * delete = RemoveRoleFromInstanceProfile for its role, DeleteInstanceProfile;
 * sweep = ListInstanceProfiles (paginated: a managed profile not listed is deleted). It lists
 *   the roles but not the tags, so each managed profile listed is then read as above. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "iam.h"

static void profile_read_fn(struct ient *);
static void profile_plan(struct ient *);

static const struct ikind profile_kind = {
	.type = "AWS.IAM.InstanceProfile",
	.tag_action = "TagInstanceProfile",
	.untag_action = "UntagInstanceProfile",
	.id_param = "InstanceProfileName",
	.list_action = "ListInstanceProfiles",
	.list_items = "ListInstanceProfilesResult/InstanceProfiles/member",
	.list_id = "InstanceProfileName",
	.read = profile_read_fn,
	.plan = profile_plan,
};

/* GetInstanceProfile answered. */
static void
on_profile(struct ient *e, const struct fugue_reply *rep)
{
	const struct fugue_host *h = e->r.h;
	const struct fugue_xml *x = h->x_find(h->r_xml(rep),
	    "GetInstanceProfileResult/InstanceProfile"), *r;

	if (!read_ok(e, rep, "GetInstanceProfile"))
		return;
	ient_observe(e);
	h->j_key(e->w, "InstanceProfileName");
	h->j_str(e->w, h->x_text(x, "InstanceProfileName"));
	h->j_key(e->w, "Path");
	h->j_str(e->w, h->x_text(x, "Path"));
	h->j_key(e->w, "Roles");
	h->j_arr(e->w);
	for (r = h->x_find(x, "Roles/member"); r != NULL; r = h->x_next(r))
		h->j_str(e->w, h->x_text(r, "RoleName"));
	h->j_end_arr(e->w);
	write_tags(h, e->w, x);
	h->j_key(e->w, "Arn");
	h->j_str(e->w, h->x_text(x, "Arn"));
	h->j_key(e->w, "InstanceProfileId");
	h->j_str(e->w, h->x_text(x, "InstanceProfileId"));
	h->j_end_obj(e->w);
	e->done(e, FUGUE_OK, h->j_text(e->w), NULL);
}

/* Reads the instance profile e->id. */
static void
profile_read_fn(struct ient *e)
{
	struct fugue_call *c = iam_call(e, "GetInstanceProfile");

	e->r.h->call_param(c, "InstanceProfileName", e->id);
	e->r.h->call_read_only(c);
	ient_send(e, c, on_profile);
}

/* Adds a step on the profile and one role. */
static void
plan_role(struct ient *e, const char *action, int gone_ok, const char *role)
{
	plan_add(e, action, gone_ok);
	plan_param(e, "InstanceProfileName", e->id);
	plan_param(e, "RoleName", role);
}

/* The role swapped (removed first), then the tags. */
static void
profile_plan(struct ient *e)
{
	const struct fugue_host *h = e->r.h;
	const struct fugue_value *want = h->v_get(ient_desired(e), "Roles");
	const struct fugue_value *have = h->v_get(e->have, "Roles");

	for (size_t i = 0; i < h->v_len(have, ""); i++) {
		const char *role = h->v_str(h->v_at(have, i), "");

		if (!holds(h, want, role))
			plan_role(e, "RemoveRoleFromInstanceProfile", 1, role);
	}
	for (size_t i = 0; i < h->v_len(want, ""); i++) {
		const char *role = h->v_str(h->v_at(want, i), "");

		if (!holds(h, have, role))
			plan_role(e, "AddRoleToInstanceProfile", 0, role);
	}
	plan_tags(e, h->v_get(ient_desired(e), "Tags"), h->v_get(e->have, "Tags"));
}

/* A chain for an operation on the profile named by the physical id or the desired name. */
static struct ient *
profile_chain(const struct fugue_host *h, struct fugue_op *op)
{
	const char *id = h->op_physical_id(op);

	return ient_op(h, op, &profile_kind,
	    id ? id : h->v_str(h->op_desired(op), "InstanceProfileName"));
}

/* CreateInstanceProfile answered. */
static void
on_created(struct ient *e, const struct fugue_reply *rep)
{
	const char *code = e->r.h->r_code(rep);

	if (e->r.h->r_status(rep) == FUGUE_OK)
		ient_created(e, e->id);
	else if (code != NULL && strcmp(code, "EntityAlreadyExists") == 0)
		ient_adopt(e);
	else
		ient_fail(e, rep, "CreateInstanceProfile");
}

/* create: CreateInstanceProfile, then its role. */
void
profile_create(const struct fugue_host *h, struct fugue_op *op)
{
	struct ient *e = profile_chain(h, op);
	const struct fugue_value *d = h->op_desired(op), *tags = h->v_get(d, "Tags");
	struct fugue_call *c;

	if (e->id == NULL) {
		h->op_done(op, FUGUE_E_INVALID, NULL, "no InstanceProfileName");
		return;
	}
	c = iam_call(e, "CreateInstanceProfile");
	h->call_param(c, "InstanceProfileName", e->id);
	if (h->v_str(d, "Path") != NULL)
		h->call_param(c, "Path", h->v_str(d, "Path"));
	ient_call_tags(e, c, tags);
	ient_send(e, c, on_created);
}

/* read: GetInstanceProfile. */
void
profile_read(const struct fugue_host *h, struct fugue_op *op)
{
	ient_op_read(profile_chain(h, op));
}

/* update: the role and the tags. */
void
profile_update(const struct fugue_host *h, struct fugue_op *op)
{
	ient_op_update(profile_chain(h, op));
}

/* The profile was read: remove its role, delete it. */
static void
profile_read_for_delete(struct ient *e, enum fugue_status st, const char *observed,
    const char *msg)
{
	const struct fugue_host *h = e->r.h;
	const struct fugue_value *roles;

	if (st != FUGUE_OK) {
		ient_delete_end(e, st, NULL, msg);
		return;
	}
	e->done = ient_delete_end;
	roles = h->v_get(h->v_parse(observed, strlen(observed)), "Roles");
	pplan_clear(&e->plan);
	for (size_t i = 0; i < h->v_len(roles, ""); i++)
		plan_role(e, "RemoveRoleFromInstanceProfile", 1, h->v_str(h->v_at(roles, i), ""));
	plan_add(e, "DeleteInstanceProfile", 1);
	plan_param(e, "InstanceProfileName", e->id);
	plan_run(e, ient_deleted);
}

/* Reads the profile to find its role, then deletes. */
static void
profile_delete_start(struct ient *e)
{
	e->done = profile_read_for_delete;
	profile_read_fn(e);
}

/* delete: the role out, then DeleteInstanceProfile. */
void
profile_delete(const struct fugue_host *h, struct fugue_op *op)
{
	ient_delete(profile_chain(h, op), profile_delete_start);
}

/* sweep: ListInstanceProfiles, then the reads of the managed profiles it lists. */
void
profile_sweep(const struct fugue_host *h, struct fugue_sweep *sw)
{
	ient_sweep(h, sw, &profile_kind);
}
