/* policy.c: AWS.IAM.Policy, a customer managed policy, identified by its ARN.
 * create = CreatePolicy (document, path, description, tags); EntityAlreadyExists: the policy
 *   of that name is found with ListPolicies and adopted when its tags make it this resource;
 * read = GetPolicy (description and tags included) and GetPolicyVersion of the default
 *   version; without an ARN, ListPolicies (Scope=Local) finds it by name and path;
 * update = a new document is a new default version: CreatePolicyVersion with SetAsDefault,
 *   after DeletePolicyVersion of the oldest non-default version when IAM's five are there
 *   (ListPolicyVersions); then UntagPolicy / TagPolicy;
 * delete = DeletePolicyVersion of every non-default version, DeletePolicy. When the policy is
 *   still attached (DeleteConflict), ListEntitiesForPolicy names the roles, users and groups:
 *   it is detached from each (DetachRolePolicy, DetachUserPolicy, DetachGroupPolicy) and
 *   DeletePolicy runs again;
 * sweep = ListPolicies with Scope=Local (paginated: a managed policy not listed is deleted).
 *   ListPolicies carries neither the description, the tags nor the document, so each managed
 *   policy listed is then read as above. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "iam.h"

#define MAX_VERSIONS 5

static void policy_read_fn(struct ient *);
static void policy_gather(struct ient *);
static void policy_plan(struct ient *);

static const struct ikind policy_kind = {
	.type = "AWS.IAM.Policy",
	.tag_action = "TagPolicy",
	.untag_action = "UntagPolicy",
	.id_param = "PolicyArn",
	.list_action = "ListPolicies",
	.list_scope = "Local",
	.list_items = "ListPoliciesResult/Policies/member",
	.list_id = "Arn",
	.read = policy_read_fn,
	.gather = policy_gather,
	.plan = policy_plan,
};

/* --- read --- */

/* GetPolicyVersion answered: the document ends the observed policy. */
static void
on_version(struct ient *e, const struct fugue_reply *rep)
{
	const struct fugue_host *h = e->r.h;

	if (!read_ok(e, rep, "GetPolicyVersion"))
		return;
	write_doc(h, e->w, "PolicyDocument",
	    h->x_text(h->r_xml(rep), "GetPolicyVersionResult/PolicyVersion/Document"));
	h->j_end_obj(e->w);
	e->done(e, FUGUE_OK, h->j_text(e->w), NULL);
}

/* GetPolicy answered: the policy; then its default version. */
static void
on_policy(struct ient *e, const struct fugue_reply *rep)
{
	const struct fugue_host *h = e->r.h;
	const struct fugue_xml *x = h->x_find(h->r_xml(rep), "GetPolicyResult/Policy");
	static const char *const members[] = { "PolicyName", "Path", "Description", "Arn",
		"PolicyId", "DefaultVersionId" };
	struct fugue_call *c;

	if (!read_ok(e, rep, "GetPolicy"))
		return;
	ient_observe(e);
	for (size_t i = 0; i < sizeof(members) / sizeof(members[0]); i++)
		if (h->x_text(x, members[i]) != NULL) {
			h->j_key(e->w, members[i]);
			h->j_str(e->w, h->x_text(x, members[i]));
		}
	write_tags(h, e->w, x);
	c = iam_call(e, "GetPolicyVersion");
	h->call_param(c, "PolicyArn", e->id);
	h->call_param(c, "VersionId", h->x_text(x, "DefaultVersionId"));
	h->call_read_only(c);
	ient_send(e, c, on_version);
}

/* Reads the policy e->id. */
static void
policy_read_fn(struct ient *e)
{
	struct fugue_call *c = iam_call(e, "GetPolicy");

	e->r.h->call_param(c, "PolicyArn", e->id);
	e->r.h->call_read_only(c);
	ient_send(e, c, on_policy);
}

/* ListPolicies gathered the ARNs: the one with the desired path and name is the policy. */
static void
found_listed(struct ient *e)
{
	const struct fugue_host *h = e->r.h;
	const struct fugue_value *d = ient_desired(e);
	struct pbuf tail = { 0 }, m = { 0 };

	pbuf_addf(&tail, ":policy%s%s", h->v_str(d, "Path") ? h->v_str(d, "Path") : "/",
	    h->v_str(d, "PolicyName") ? h->v_str(d, "PolicyName") : "");
	for (size_t i = 0; i < e->names.n; i++) {
		size_t n = strlen(e->names.v[i]);

		if (n > tail.len && strcmp(e->names.v[i] + n - tail.len, tail.s) == 0) {
			free(e->id);
			e->id = pdup(e->names.v[i]);
			pbuf_free(&tail);
			e->next(e);
			return;
		}
	}
	pbuf_addf(&m, "no customer managed policy %s", tail.s + sizeof(":policy") - 1);
	e->done(e, FUGUE_E_NOT_FOUND, NULL, m.s);
	pbuf_free(&m);
	pbuf_free(&tail);
}

/* Finds the policy's ARN by its desired path and name, then runs next. */
static void
policy_find(struct ient *e, void (*next)(struct ient *))
{
	e->next = next;
	ilist_all(e, "ListPolicies", "Scope", "Local", "ListPoliciesResult/Policies/member", "Arn",
	    found_listed);
}

/* --- update --- */

/* ListPolicyVersions answered: e->names holds the non-default versions, e->at counts all. */
static void
on_versions(struct ient *e, const struct fugue_reply *rep)
{
	const struct fugue_host *h = e->r.h;
	const struct fugue_xml *v;
	struct plist keep = { 0 };

	if (!read_ok(e, rep, "ListPolicyVersions"))
		return;
	plist_clear(&e->names);
	e->at = 0;
	for (v = h->x_find(h->r_xml(rep), "ListPolicyVersionsResult/Versions/member"); v != NULL;
	    v = h->x_next(v)) {
		const char *id = h->x_text(v, "VersionId"), *def = h->x_text(v, "IsDefaultVersion");

		e->at++;
		if (id == NULL || (def != NULL && strcmp(def, "true") == 0))
			continue;
		plist_add(&keep, id);
	}
	e->names = keep;
	e->then(e);
}

/* Lists the policy's versions (IAM keeps at most five: one page), then runs next. */
static void
list_versions(struct ient *e, void (*next)(struct ient *))
{
	struct fugue_call *c = iam_call(e, "ListPolicyVersions");

	e->then = next;
	e->r.h->call_param(c, "PolicyArn", e->id);
	e->r.h->call_read_only(c);
	ient_send(e, c, on_versions);
}

/* 1 when the desired document differs from the default version's. */
static int
document_changed(struct ient *e)
{
	const struct fugue_host *h = e->r.h;

	return !doc_equal(h, h->v_str(ient_desired(e), "PolicyDocument"),
	    h->v_str(e->have, "PolicyDocument"));
}

/* A new document needs the versions (to prune one); then plan. */
static void
policy_gather(struct ient *e)
{
	plist_clear(&e->names);
	e->at = 0;
	if (document_changed(e))
		list_versions(e, ient_plan);
	else
		ient_plan(e);
}

/* The number in a version id ("v12": 12). */
static long
version_number(const char *id)
{
	return strtol(id[0] == 'v' ? id + 1 : id, NULL, 10);
}

/* A new default version (room made first), then the tags. */
static void
policy_plan(struct ient *e)
{
	const struct fugue_host *h = e->r.h;
	const char *oldest = NULL;

	if (document_changed(e)) {
		for (size_t i = 0; i < e->names.n; i++) {
			const char *v = e->names.v[i];

			if (oldest == NULL || version_number(v) < version_number(oldest))
				oldest = v;
		}
		if (e->at >= MAX_VERSIONS && oldest != NULL) {
			plan_add(e, "DeletePolicyVersion", 1);
			plan_param(e, "PolicyArn", e->id);
			plan_param(e, "VersionId", oldest);
		}
		plan_add(e, "CreatePolicyVersion", 0);
		plan_param(e, "PolicyArn", e->id);
		plan_param(e, "PolicyDocument", h->v_str(ient_desired(e), "PolicyDocument"));
		plan_param(e, "SetAsDefault", "true");
	}
	plan_tags(e, h->v_get(ient_desired(e), "Tags"), h->v_get(e->have, "Tags"));
}

/* --- operations --- */

/* A chain for an operation on the policy with the physical id (NULL: not known). */
static struct ient *
policy_chain(const struct fugue_host *h, struct fugue_op *op)
{
	return ient_op(h, op, &policy_kind, h->op_physical_id(op));
}

/* CreatePolicy answered. */
static void
on_created(struct ient *e, const struct fugue_reply *rep)
{
	const struct fugue_host *h = e->r.h;
	const char *code = h->r_code(rep);
	const char *arn = h->x_text(h->r_xml(rep), "CreatePolicyResult/Policy/Arn");

	if (h->r_status(rep) == FUGUE_OK && arn != NULL)
		ient_created(e, arn);
	else if (h->r_status(rep) == FUGUE_OK)
		h->op_done(e->r.op, FUGUE_E_RETRYABLE, NULL, "CreatePolicy: no Arn in the reply");
	else if (code != NULL && strcmp(code, "EntityAlreadyExists") == 0)
		policy_find(e, ient_adopt);
	else
		ient_fail(e, rep, "CreatePolicy");
}

/* create: CreatePolicy. */
void
policy_create(const struct fugue_host *h, struct fugue_op *op)
{
	struct ient *e = policy_chain(h, op);
	const struct fugue_value *d = h->op_desired(op), *tags = h->v_get(d, "Tags");
	static const char *const members[] = { "PolicyName", "Path", "PolicyDocument",
		"Description" };
	struct fugue_call *c = iam_call(e, "CreatePolicy");

	for (size_t i = 0; i < sizeof(members) / sizeof(members[0]); i++)
		if (h->v_str(d, members[i]) != NULL)
			h->call_param(c, members[i], h->v_str(d, members[i]));
	ient_call_tags(e, c, tags);
	ient_send(e, c, on_created);
}

/* The ARN was found by name: read, recording it. */
static void
read_found(struct ient *e)
{
	e->r.h->op_set_physical_id(e->r.op, e->id);
	ient_read_op(e);
}

/* read: by ARN, or by path and name when the ARN was lost. */
void
policy_read(const struct fugue_host *h, struct fugue_op *op)
{
	struct ient *e = policy_chain(h, op);

	if (e->id != NULL)
		ient_read_op(e);
	else
		policy_find(e, read_found);
}

/* update: a new default version for a new document, and the tags. */
void
policy_update(const struct fugue_host *h, struct fugue_op *op)
{
	ient_op_update(policy_chain(h, op));
}

static void delete_policy(struct ient *);

/* A ListEntitiesForPolicy page: detach the policy from each role, user and group. */
static void
on_entities(struct ient *e, const struct fugue_reply *rep)
{
	static const struct {
		const char *path, *field, *action;
	} kinds[] = {
		{ "ListEntitiesForPolicyResult/PolicyRoles/member", "RoleName",
		    "DetachRolePolicy" },
		{ "ListEntitiesForPolicyResult/PolicyUsers/member", "UserName",
		    "DetachUserPolicy" },
		{ "ListEntitiesForPolicyResult/PolicyGroups/member", "GroupName",
		    "DetachGroupPolicy" },
	};
	const struct fugue_host *h = e->r.h;
	const struct fugue_xml *root = h->r_xml(rep), *x;
	const char *trunc = h->x_text(root, "ListEntitiesForPolicyResult/IsTruncated");
	const char *marker = h->x_text(root, "ListEntitiesForPolicyResult/Marker");
	struct fugue_call *c;

	if (h->r_status(rep) != FUGUE_OK) {
		/* What stands in the way is the attachment: say so, with why it stays. */
		char *msg = pfail(h, rep, "DeletePolicy: the policy is still attached, and "
		    "ListEntitiesForPolicy failed");

		e->done(e, FUGUE_E_CONFLICT, NULL, msg);
		free(msg);
		return;
	}
	for (size_t k = 0; k < sizeof(kinds) / sizeof(kinds[0]); k++)
		for (x = h->x_find(root, kinds[k].path); x != NULL; x = h->x_next(x)) {
			plan_add(e, kinds[k].action, 1);
			plan_param(e, kinds[k].field, h->x_text(x, kinds[k].field));
			plan_param(e, "PolicyArn", e->id);
		}
	if (trunc != NULL && strcmp(trunc, "true") == 0 && marker != NULL) {
		c = iam_call(e, "ListEntitiesForPolicy");
		h->call_param(c, "PolicyArn", e->id);
		h->call_param(c, "Marker", marker);
		h->call_read_only(c);
		ient_send(e, c, on_entities);
		return;
	}
	plan_run(e, delete_policy);
}

/* DeletePolicy answered: done, or detach what holds the policy and try once more. */
static void
on_policy_deleted(struct ient *e, const struct fugue_reply *rep)
{
	const struct fugue_host *h = e->r.h;
	enum fugue_status st = h->r_status(rep);
	const char *code = h->r_code(rep);
	struct fugue_call *c;

	if (st == FUGUE_OK || st == FUGUE_E_NOT_FOUND) {
		ient_deleted(e);
		return;
	}
	if (e->detached || code == NULL || strcmp(code, "DeleteConflict") != 0) {
		ient_fail(e, rep, "DeletePolicy");
		return;
	}
	e->detached = 1;
	pplan_clear(&e->plan);
	c = iam_call(e, "ListEntitiesForPolicy");
	h->call_param(c, "PolicyArn", e->id);
	h->call_read_only(c);
	ient_send(e, c, on_entities);
}

/* DeletePolicy. */
static void
delete_policy(struct ient *e)
{
	struct fugue_call *c = iam_call(e, "DeletePolicy");

	e->r.h->call_param(c, "PolicyArn", e->id);
	ient_send(e, c, on_policy_deleted);
}

/* The non-default versions are known: delete them, then the policy. */
static void
versions_gone_listed(struct ient *e)
{
	pplan_clear(&e->plan);
	for (size_t i = 0; i < e->names.n; i++) {
		plan_add(e, "DeletePolicyVersion", 1);
		plan_param(e, "PolicyArn", e->id);
		plan_param(e, "VersionId", e->names.v[i]);
	}
	plan_run(e, delete_policy);
}

/* Deletes the policy e->id. */
static void
policy_next(struct ient *e)
{
	list_versions(e, versions_gone_listed);
}

/* The ARN was found by name: delete it if it is this resource's. */
static void
delete_found(struct ient *e)
{
	ient_delete(e, policy_next);
}

/* delete: versions, then the policy (detached first when it is still attached). */
void
policy_delete(const struct fugue_host *h, struct fugue_op *op)
{
	struct ient *e = policy_chain(h, op);

	if (e->id != NULL) {
		ient_delete(e, policy_next);
		return;
	}
	e->done = ient_delete_end;
	policy_find(e, delete_found);
}

/* sweep: ListPolicies (Scope=Local), then the reads of the managed policies it lists. */
void
policy_sweep(const struct fugue_host *h, struct fugue_sweep *sw)
{
	ient_sweep(h, sw, &policy_kind);
}
