/* iam_policy.c: IAM managed policies: create, read, list, delete, tags, their versions (at most
 * five, the default one cannot be deleted), their attachment to roles and their use as roles'
 * permissions boundaries. */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "iam.h"
#include "services.h"
#include "xml.h"

/* Creates a policy without versions (not yet listed). */
struct iam_policy *
iam_policy_new(const char *account, const char *path, const char *name, const char *id,
    int64_t created_ms)
{
	struct iam_policy *p = fg_calloc(1, sizeof(*p));

	iam_entity_init(&p->e, "policy", "ANPA", account, path, name, id, created_ms);
	p->updated_ms = created_ms;
	p->next_num = 1;
	return p;
}

/* Frees a policy. */
void
iam_policy_free(struct iam_policy *p)
{
	iam_entity_clear(&p->e);
	free(p->description);
	for (size_t i = 0; i < p->nversions; i++)
		free(p->versions[i].doc);
	free(p->versions);
	free(p);
}

/* Adds a version. */
void
iam_policy_add_version(struct iam_policy *p, int num, const char *doc, int64_t created_ms)
{
	p->versions = fg_realloc(p->versions, (p->nversions + 1) * sizeof(*p->versions));
	p->versions[p->nversions].num = num;
	p->versions[p->nversions].doc = fg_strdup(doc);
	p->versions[p->nversions].created_ms = created_ms;
	p->nversions++;
	if (num >= p->next_num)
		p->next_num = num + 1;
}

/* Says whether a policy ARN is well formed; replies InvalidInput when not. */
static int
arn_ok(struct lc_request *req, const char *arn)
{
	if (strncmp(arn, "arn:aws:iam::", 13) == 0 && strstr(arn + 13, ":policy/") != NULL)
		return 1;
	iam_error(req, IAM_E_INPUT, "ARN %s is not valid.", arn);
	return 0;
}

/* The policy with this ARN, visible to req; NULL after replying. */
struct iam_policy *
iam_policy_find(struct lc_request *req, struct iam_state *st, const char *arn,
    const char *scope)
{
	if (!arn_ok(req, arn))
		return NULL;
	for (size_t i = 0; i < st->policies.n; i++) {
		struct iam_entity *e = st->policies.v[i];

		if (strcmp(e->account, req->who.account) == 0 && strcasecmp(e->arn, arn) == 0 &&
		    lc_visible(req, e->created_ms))
			return (struct iam_policy *)e;
	}
	iam_error(req, IAM_E_NO_SUCH, "%s%s%s does not exist or is not attachable.",
	    scope ? scope : "Policy", scope ? " ARN: " : " ", arn);
	return NULL;
}

/* The policy named by PolicyArn, visible to req; NULL after replying. */
static struct iam_policy *
policy_of(struct lc_request *req, struct iam_state *st, fg_json in)
{
	return iam_policy_find(req, st, fg_json_str(fg_json_get(in, "PolicyArn")), NULL);
}

/* Says whether a role uses a policy as a permissions policy (attached) or, with boundary, as
 * its permissions boundary. */
static int
role_uses(const struct iam_role *r, const struct iam_policy *p, int boundary)
{
	if (boundary)
		return r->boundary != NULL && strcmp(r->boundary, p->e.arn) == 0;
	for (size_t j = 0; j < r->nattached; j++)
		if (strcmp(r->attached[j], p->e.arn) == 0)
			return 1;
	return 0;
}

/* The number of roles that use a policy as a permissions policy or, with boundary, as their
 * permissions boundary. */
static size_t
uses(const struct iam_state *st, const struct iam_policy *p, int boundary)
{
	size_t n = 0;

	for (size_t i = 0; i < st->roles.n; i++)
		n += role_uses((const struct iam_role *)st->roles.v[i], p, boundary);
	return n;
}

/* Writes a policy as element elem; detail adds Description and Tags (GetPolicy). */
static void
policy_write(struct fg_buf *b, const struct iam_state *st, const struct iam_policy *p,
    const char *elem, int detail)
{
	char num[24], date[32];

	fg_buf_addf(b, "<%s>", elem);
	iam_entity_write(b, &p->e, "PolicyName", "PolicyId");
	snprintf(num, sizeof(num), "v%d", p->default_num);
	fg_xml_elem(b, "DefaultVersionId", num);
	snprintf(num, sizeof(num), "%zu", uses(st, p, 0));
	fg_xml_elem(b, "AttachmentCount", num);
	snprintf(num, sizeof(num), "%zu", uses(st, p, 1));
	fg_xml_elem(b, "PermissionsBoundaryUsageCount", num);
	fg_xml_elem(b, "IsAttachable", "true");
	lc_iso8601(p->updated_ms, date);
	fg_xml_elem(b, "UpdateDate", date);
	if (detail && p->description)
		fg_xml_elem(b, "Description", p->description);
	if (detail && p->e.ntags)
		iam_tags_write(b, p->e.tags, p->e.ntags);
	fg_buf_addf(b, "</%s>", elem);
}

/* Replies with one <Policy>. */
static enum lc_result
reply_policy(struct lc_request *req, const struct iam_state *st, const struct iam_policy *p)
{
	policy_write(lc_query_begin(req, 1), st, p, "Policy", 1);
	lc_query_end(req, 1);
	return LC_DONE;
}

/* CreatePolicy: the document becomes version v1, the default. */
enum lc_result
iam_create_policy(struct lc_request *req, struct iam_state *st, fg_json in)
{
	const char *name = fg_json_str(fg_json_get(in, "PolicyName"));
	const char *path = fg_json_str(fg_json_get(in, "Path"));
	const char *doc = fg_json_str(fg_json_get(in, "PolicyDocument"));
	const char *desc = fg_json_str(fg_json_get(in, "Description"));
	int64_t now = fg_wall_ms();
	struct iam_policy *p;

	if (iam_list_find(&st->policies, req->who.account, name)) {
		iam_error(req, IAM_E_EXISTS, "A policy called %s already exists. Duplicate names are "
		    "not allowed.", name);
		return LC_DONE;
	}
	if (iam_doc_param(req, doc, IAM_DOC_IDENTITY, IAM_MAX_MANAGED_DOC, "PolicySize") != 0)
		return LC_DONE;
	p = iam_policy_new(req->who.account, path ? path : "/", name, NULL, now);
	if (iam_tags_add(req, &p->e, fg_json_get(in, "Tags")) != 0) {
		iam_policy_free(p);
		return LC_DONE;
	}
	if (desc && *desc)
		p->description = fg_strdup(desc);
	iam_policy_add_version(p, 1, doc, now);
	p->default_num = 1;
	iam_list_add(&st->policies, &p->e);
	lc_changed(st->srv, &lc_svc_iam);
	return reply_policy(req, st, p);
}

/* GetPolicy. */
enum lc_result
iam_get_policy(struct lc_request *req, struct iam_state *st, fg_json in)
{
	struct iam_policy *p = policy_of(req, st, in);

	return p ? reply_policy(req, st, p) : LC_DONE;
}

/* ListPolicies: the account's own (Local); localcloud has no AWS-managed policies, so Scope AWS
 * lists none. PolicyUsageFilter PermissionsBoundary lists the policies some role uses as its
 * permissions boundary (PermissionsPolicy: any, as every managed policy can be attached). */
enum lc_result
iam_list_policies(struct lc_request *req, struct iam_state *st, fg_json in)
{
	const char *scope = fg_json_str(fg_json_get(in, "Scope"));
	const char *usage = fg_json_str(fg_json_get(in, "PolicyUsageFilter"));
	const char *prefix = fg_json_str(fg_json_get(in, "PathPrefix"));
	int only_attached = 0, none, boundaries;
	struct iam_pager pg;
	struct fg_buf *b;

	if (iam_pager_init(&pg, req, in, strcasecmp) != 0)
		return LC_DONE;
	fg_json_bool(fg_json_get(in, "OnlyAttached"), &only_attached);
	none = scope && strcmp(scope, "AWS") == 0;
	boundaries = usage && strcmp(usage, "PermissionsBoundary") == 0;
	b = lc_query_begin(req, 1);
	fg_buf_addstr(b, "<Policies>");
	for (size_t i = 0; !none && i < st->policies.n; i++) {
		const struct iam_policy *p = (const struct iam_policy *)st->policies.v[i];

		if (strcmp(p->e.account, req->who.account) == 0 && lc_visible(req, p->e.created_ms) &&
		    (prefix == NULL || strncmp(p->e.path, prefix, strlen(prefix)) == 0) &&
		    (!only_attached || uses(st, p, 0) > 0) && (!boundaries || uses(st, p, 1) > 0) &&
		    iam_pager_take(&pg, p->e.name))
			policy_write(b, st, p, "member", 0);
	}
	fg_buf_addstr(b, "</Policies>");
	iam_pager_end(&pg, b);
	lc_query_end(req, 1);
	return LC_DONE;
}

/* DeletePolicy: only when attached nowhere, no role's boundary, and left with its default
 * version alone. */
enum lc_result
iam_delete_policy(struct lc_request *req, struct iam_state *st, fg_json in)
{
	struct iam_policy *p = policy_of(req, st, in);

	if (p == NULL)
		return LC_DONE;
	if (uses(st, p, 0) > 0 || uses(st, p, 1) > 0) {
		iam_error(req, IAM_E_CONFLICT, "Cannot delete a policy attached to entities.");
		return LC_DONE;
	}
	if (p->nversions > 1) {
		iam_error(req, IAM_E_CONFLICT, "This policy has more than one version. Before you "
		    "delete a policy, you must delete the policy's versions. The default version is "
		    "deleted with the policy.");
		return LC_DONE;
	}
	iam_list_del(&st->policies, &p->e);
	iam_policy_free(p);
	lc_changed(st->srv, &lc_svc_iam);
	return iam_reply_empty(req, 0);
}

/* The index of version "vN" of a policy, or -1. */
static long
version_index(const struct iam_policy *p, const char *vid)
{
	char *end;
	long n;

	if (vid == NULL || vid[0] != 'v')
		return -1;
	n = strtol(vid + 1, &end, 10);
	for (size_t i = 0; *end == '\0' && i < p->nversions; i++)
		if (p->versions[i].num == n)
			return (long)i;
	return -1;
}

/* The index of the version named by VersionId; -1 after replying. */
static long
version_of(struct lc_request *req, const struct iam_policy *p, fg_json in)
{
	const char *vid = fg_json_str(fg_json_get(in, "VersionId"));
	long i = version_index(p, vid);

	if (i < 0)
		iam_error(req, IAM_E_NO_SUCH, "Policy %s version %s does not exist or is not "
		    "attachable.", p->e.arn, vid);
	return i;
}

/* Writes a version as element elem (with its document when with_doc). */
static void
version_write(struct fg_buf *b, const struct iam_policy *p, const struct iam_version *v,
    const char *elem, int with_doc)
{
	char id[24], date[32];

	snprintf(id, sizeof(id), "v%d", v->num);
	lc_iso8601(v->created_ms, date);
	fg_buf_addf(b, "<%s>", elem);
	if (with_doc)
		iam_doc_elem(b, "Document", v->doc);
	fg_xml_elem(b, "VersionId", id);
	fg_xml_elem(b, "IsDefaultVersion", v->num == p->default_num ? "true" : "false");
	fg_xml_elem(b, "CreateDate", date);
	fg_buf_addf(b, "</%s>", elem);
}

/* CreatePolicyVersion (SetAsDefault makes it the default). */
enum lc_result
iam_create_version(struct lc_request *req, struct iam_state *st, fg_json in)
{
	struct iam_policy *p = policy_of(req, st, in);
	const char *doc = fg_json_str(fg_json_get(in, "PolicyDocument"));
	int64_t now = fg_wall_ms();
	int set_default = 0;
	struct fg_buf *b;

	if (p == NULL ||
	    iam_doc_param(req, doc, IAM_DOC_IDENTITY, IAM_MAX_MANAGED_DOC, "PolicySize") != 0)
		return LC_DONE;
	if (p->nversions >= IAM_MAX_VERSIONS) {
		iam_error(req, IAM_E_LIMIT, "A managed policy can have up to %d versions. Before you "
		    "create a new version, you must delete an existing version.", IAM_MAX_VERSIONS);
		return LC_DONE;
	}
	fg_json_bool(fg_json_get(in, "SetAsDefault"), &set_default);
	iam_policy_add_version(p, p->next_num, doc, now);
	if (set_default)
		p->default_num = p->versions[p->nversions - 1].num;
	p->updated_ms = now;
	lc_changed(st->srv, &lc_svc_iam);
	b = lc_query_begin(req, 1);
	version_write(b, p, &p->versions[p->nversions - 1], "PolicyVersion", 0);
	lc_query_end(req, 1);
	return LC_DONE;
}

/* GetPolicyVersion: with the document, URL-encoded. */
enum lc_result
iam_get_version(struct lc_request *req, struct iam_state *st, fg_json in)
{
	struct iam_policy *p = policy_of(req, st, in);
	long i;

	if (p == NULL || (i = version_of(req, p, in)) < 0)
		return LC_DONE;
	version_write(lc_query_begin(req, 1), p, &p->versions[i], "PolicyVersion", 1);
	lc_query_end(req, 1);
	return LC_DONE;
}

/* Orders version ids newest first ("v10" before "v9"). */
static int
newest_first(const char *a, const char *b)
{
	long x = strtol(a + 1, NULL, 10), y = strtol(b + 1, NULL, 10);

	return x > y ? -1 : x < y;
}

/* ListPolicyVersions (newest first, without documents). */
enum lc_result
iam_list_versions(struct lc_request *req, struct iam_state *st, fg_json in)
{
	struct iam_policy *p = policy_of(req, st, in);
	struct iam_pager pg;
	struct fg_buf *b;

	if (p == NULL || iam_pager_init(&pg, req, in, newest_first) != 0)
		return LC_DONE;
	b = lc_query_begin(req, 1);
	fg_buf_addstr(b, "<Versions>");
	for (size_t i = p->nversions; i-- > 0;) {
		char id[24];

		snprintf(id, sizeof(id), "v%d", p->versions[i].num);
		if (iam_pager_take(&pg, id))
			version_write(b, p, &p->versions[i], "member", 0);
	}
	fg_buf_addstr(b, "</Versions>");
	iam_pager_end(&pg, b);
	lc_query_end(req, 1);
	return LC_DONE;
}

/* DeletePolicyVersion: any but the default. */
enum lc_result
iam_delete_version(struct lc_request *req, struct iam_state *st, fg_json in)
{
	struct iam_policy *p = policy_of(req, st, in);
	long i;

	if (p == NULL || (i = version_of(req, p, in)) < 0)
		return LC_DONE;
	if (p->versions[i].num == p->default_num) {
		iam_error(req, IAM_E_CONFLICT, "Cannot delete the default version of a policy.");
		return LC_DONE;
	}
	free(p->versions[i].doc);
	memmove(p->versions + i, p->versions + i + 1, (p->nversions - (size_t)i - 1) *
	    sizeof(*p->versions));
	p->nversions--;
	lc_changed(st->srv, &lc_svc_iam);
	return iam_reply_empty(req, 0);
}

/* SetDefaultPolicyVersion. */
enum lc_result
iam_set_default_version(struct lc_request *req, struct iam_state *st, fg_json in)
{
	struct iam_policy *p = policy_of(req, st, in);
	long i;

	if (p == NULL || (i = version_of(req, p, in)) < 0)
		return LC_DONE;
	p->default_num = p->versions[i].num;
	lc_changed(st->srv, &lc_svc_iam);
	return iam_reply_empty(req, 0);
}

/* The index of an attached policy ARN (in any case) in a role, or -1. */
static long
attached_index(const struct iam_role *r, const char *arn)
{
	for (size_t i = 0; i < r->nattached; i++)
		if (strcasecmp(r->attached[i], arn) == 0)
			return (long)i;
	return -1;
}

/* AttachRolePolicy (attaching again is not an error). */
enum lc_result
iam_attach_role_policy(struct lc_request *req, struct iam_state *st, fg_json in)
{
	struct iam_role *r = iam_role_of(req, st, in);
	struct iam_policy *p = r ? policy_of(req, st, in) : NULL;
	size_t i;

	if (p == NULL || attached_index(r, p->e.arn) >= 0)
		return p ? iam_reply_empty(req, 0) : LC_DONE;
	if (r->nattached >= IAM_MAX_ATTACHED) {
		iam_error(req, IAM_E_LIMIT, "Cannot exceed quota for PoliciesPerRole: %d",
		    IAM_MAX_ATTACHED);
		return LC_DONE;
	}
	for (i = 0; i < r->nattached && strcmp(r->attached[i], p->e.arn) < 0; i++)
		;
	r->attached = fg_realloc(r->attached, (r->nattached + 1) * sizeof(*r->attached));
	memmove(r->attached + i + 1, r->attached + i, (r->nattached - i) * sizeof(*r->attached));
	r->attached[i] = fg_strdup(p->e.arn);
	r->nattached++;
	lc_changed(st->srv, &lc_svc_iam);
	return iam_reply_empty(req, 0);
}

/* DetachRolePolicy. */
enum lc_result
iam_detach_role_policy(struct lc_request *req, struct iam_state *st, fg_json in)
{
	struct iam_role *r = iam_role_of(req, st, in);
	const char *arn = fg_json_str(fg_json_get(in, "PolicyArn"));
	long i;

	if (r == NULL || !arn_ok(req, arn))
		return LC_DONE;
	if ((i = attached_index(r, arn)) < 0) {
		iam_error(req, IAM_E_NO_SUCH, "Policy %s was not found.", arn);
		return LC_DONE;
	}
	free(r->attached[i]);
	memmove(r->attached + i, r->attached + i + 1, (r->nattached - (size_t)i - 1) *
	    sizeof(*r->attached));
	r->nattached--;
	lc_changed(st->srv, &lc_svc_iam);
	return iam_reply_empty(req, 0);
}

/* ListAttachedRolePolicies (PathPrefix on the policies' paths). */
enum lc_result
iam_list_attached(struct lc_request *req, struct iam_state *st, fg_json in)
{
	struct iam_role *r = iam_role_of(req, st, in);
	const char *prefix = fg_json_str(fg_json_get(in, "PathPrefix"));
	struct iam_pager pg;
	struct fg_buf *b;

	if (r == NULL || iam_pager_init(&pg, req, in, strcmp) != 0)
		return LC_DONE;
	b = lc_query_begin(req, 1);
	fg_buf_addstr(b, "<AttachedPolicies>");
	for (size_t i = 0; i < r->nattached; i++) {
		const struct iam_policy *p = NULL;

		for (size_t j = 0; j < st->policies.n && p == NULL; j++)
			if (strcmp(st->policies.v[j]->arn, r->attached[i]) == 0)
				p = (const struct iam_policy *)st->policies.v[j];
		if (p == NULL || (prefix && strncmp(p->e.path, prefix, strlen(prefix)) != 0) ||
		    !iam_pager_take(&pg, r->attached[i]))
			continue;
		fg_buf_addstr(b, "<member>");
		fg_xml_elem(b, "PolicyName", p->e.name);
		fg_xml_elem(b, "PolicyArn", p->e.arn);
		fg_buf_addstr(b, "</member>");
	}
	fg_buf_addstr(b, "</AttachedPolicies>");
	iam_pager_end(&pg, b);
	lc_query_end(req, 1);
	return LC_DONE;
}

/* ListEntitiesForPolicy: the roles that use the policy (as a permissions policy, as their
 * permissions boundary, or either when PolicyUsageFilter is absent), in name order; localcloud
 * has no users or groups, and its policies are all customer managed. */
enum lc_result
iam_list_entities_for_policy(struct lc_request *req, struct iam_state *st, fg_json in)
{
	struct iam_policy *p = policy_of(req, st, in);
	const char *filter = fg_json_str(fg_json_get(in, "EntityFilter"));
	const char *usage = fg_json_str(fg_json_get(in, "PolicyUsageFilter"));
	const char *prefix = fg_json_str(fg_json_get(in, "PathPrefix"));
	int roles = filter == NULL || strcmp(filter, "Role") == 0 ||
	    strcmp(filter, "LocalManagedPolicy") == 0;
	int as_policy = usage == NULL || strcmp(usage, "PermissionsPolicy") == 0;
	int as_boundary = usage == NULL || strcmp(usage, "PermissionsBoundary") == 0;
	struct iam_pager pg;
	struct fg_buf *b;

	if (p == NULL || iam_pager_init(&pg, req, in, strcasecmp) != 0)
		return LC_DONE;
	b = lc_query_begin(req, 1);
	fg_buf_addstr(b, "<PolicyGroups></PolicyGroups><PolicyUsers></PolicyUsers><PolicyRoles>");
	for (size_t i = 0; roles && i < st->roles.n; i++) {
		const struct iam_role *r = (const struct iam_role *)st->roles.v[i];

		if (strcmp(r->e.account, req->who.account) != 0 || !lc_visible(req, r->e.created_ms) ||
		    (prefix && strncmp(r->e.path, prefix, strlen(prefix)) != 0) ||
		    !((as_policy && role_uses(r, p, 0)) || (as_boundary && role_uses(r, p, 1))) ||
		    !iam_pager_take(&pg, r->e.name))
			continue;
		fg_buf_addstr(b, "<member>");
		fg_xml_elem(b, "RoleName", r->e.name);
		fg_xml_elem(b, "RoleId", r->e.id);
		fg_buf_addstr(b, "</member>");
	}
	fg_buf_addstr(b, "</PolicyRoles>");
	iam_pager_end(&pg, b);
	lc_query_end(req, 1);
	return LC_DONE;
}

/* The entity of the policy named by PolicyArn; NULL after replying. */
static struct iam_entity *
policy_entity(struct lc_request *req, struct iam_state *st, fg_json in)
{
	struct iam_policy *p = policy_of(req, st, in);

	return p ? &p->e : NULL;
}

/* TagPolicy. */
enum lc_result
iam_tag_policy(struct lc_request *req, struct iam_state *st, fg_json in)
{
	return iam_tag_entity(req, st, policy_entity(req, st, in), in);
}

/* UntagPolicy. */
enum lc_result
iam_untag_policy(struct lc_request *req, struct iam_state *st, fg_json in)
{
	return iam_untag_entity(req, st, policy_entity(req, st, in), in);
}

/* ListPolicyTags. */
enum lc_result
iam_list_policy_tags(struct lc_request *req, struct iam_state *st, fg_json in)
{
	return iam_list_entity_tags(req, policy_entity(req, st, in), in);
}
