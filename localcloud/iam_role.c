/* iam_role.c: IAM roles: create, read, list, update, delete, their tags, their inline
 * policies and their permissions boundary. */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "iam.h"
#include "services.h"
#include "xml.h"

/* Creates a role (not yet listed). */
struct iam_role *
iam_role_new(const char *account, const char *path, const char *name, const char *id,
    int64_t created_ms, const char *trust)
{
	struct iam_role *r = fg_calloc(1, sizeof(*r));

	iam_entity_init(&r->e, "role", "AROA", account, path, name, id, created_ms);
	r->trust = fg_strdup(trust);
	r->max_session = IAM_DEFAULT_SESSION;
	return r;
}

/* Frees a role. */
void
iam_role_free(struct iam_role *r)
{
	iam_entity_clear(&r->e);
	free(r->trust);
	free(r->description);
	free(r->boundary);
	sqs_kv_free(r->inline_pols, r->ninline);
	for (size_t i = 0; i < r->nattached; i++)
		free(r->attached[i]);
	free(r->attached);
	free(r);
}

/* The role named by RoleName, visible to req; NULL after replying. */
struct iam_role *
iam_role_of(struct lc_request *req, struct iam_state *st, fg_json in)
{
	const char *name = fg_json_str(fg_json_get(in, "RoleName"));
	struct iam_entity *e = iam_list_visible(req, &st->roles, name);

	if (e == NULL)
		iam_error(req, IAM_E_NO_SUCH, "The role with name %s cannot be found.", name);
	return (struct iam_role *)e;
}

/* Writes a role. */
void
iam_role_write(struct fg_buf *b, const struct iam_role *r, const char *elem, int detail)
{
	char num[24];

	fg_buf_addf(b, "<%s>", elem);
	iam_entity_write(b, &r->e, "RoleName", "RoleId");
	iam_doc_elem(b, "AssumeRolePolicyDocument", r->trust);
	if (r->description)
		fg_xml_elem(b, "Description", r->description);
	snprintf(num, sizeof(num), "%lld", (long long)r->max_session);
	fg_xml_elem(b, "MaxSessionDuration", num);
	if (detail & IAM_ROLE_BOUNDARY && r->boundary) {
		fg_buf_addstr(b, "<PermissionsBoundary>");
		fg_xml_elem(b, "PermissionsBoundaryType", "PermissionsBoundaryPolicy");
		fg_xml_elem(b, "PermissionsBoundaryArn", r->boundary);
		fg_buf_addstr(b, "</PermissionsBoundary>");
	}
	if (detail & IAM_ROLE_TAGS && r->e.ntags)
		iam_tags_write(b, r->e.tags, r->e.ntags);
	if (detail & IAM_ROLE_LAST_USED)
		fg_buf_addstr(b, "<RoleLastUsed/>");
	fg_buf_addf(b, "</%s>", elem);
}

/* Writes a one-role result (<Role>) and closes the reply. */
static enum lc_result
reply_role(struct lc_request *req, const struct iam_role *r, int detail)
{
	iam_role_write(lc_query_begin(req, 1), r, "Role", detail);
	lc_query_end(req, 1);
	return LC_DONE;
}

/* CreateRole (with a permissions boundary when PermissionsBoundary names a managed policy). */
enum lc_result
iam_create_role(struct lc_request *req, struct iam_state *st, fg_json in)
{
	const char *name = fg_json_str(fg_json_get(in, "RoleName"));
	const char *path = fg_json_str(fg_json_get(in, "Path"));
	const char *trust = fg_json_str(fg_json_get(in, "AssumeRolePolicyDocument"));
	const char *desc = fg_json_str(fg_json_get(in, "Description"));
	const char *boundary = fg_json_str(fg_json_get(in, "PermissionsBoundary"));
	struct iam_policy *bp = NULL;
	struct iam_role *r;

	if (boundary && (bp = iam_policy_find(req, st, boundary, "Scope")) == NULL)
		return LC_DONE;
	if (iam_list_find(&st->roles, req->who.account, name)) {
		iam_error(req, IAM_E_EXISTS, "Role with name %s already exists.", name);
		return LC_DONE;
	}
	if (iam_doc_param(req, trust, IAM_DOC_TRUST, IAM_MAX_TRUST_DOC, "ACLSizePerRole") != 0)
		return LC_DONE;
	r = iam_role_new(req->who.account, path ? path : "/", name, NULL, fg_wall_ms(), trust);
	if (iam_tags_add(req, &r->e, fg_json_get(in, "Tags")) != 0) {
		iam_role_free(r);
		return LC_DONE;
	}
	if (desc && *desc)
		r->description = fg_strdup(desc);
	if (fg_json_int(fg_json_get(in, "MaxSessionDuration"), &r->max_session) != 0)
		r->max_session = IAM_DEFAULT_SESSION;
	if (bp)
		r->boundary = fg_strdup(bp->e.arn);
	iam_list_add(&st->roles, &r->e);
	lc_changed(st->srv, &lc_svc_iam);
	return reply_role(req, r, IAM_ROLE_TAGS | IAM_ROLE_BOUNDARY);
}

/* GetRole. */
enum lc_result
iam_get_role(struct lc_request *req, struct iam_state *st, fg_json in)
{
	struct iam_role *r = iam_role_of(req, st, in);

	return r ? reply_role(req, r, IAM_ROLE_TAGS | IAM_ROLE_LAST_USED | IAM_ROLE_BOUNDARY) :
	    LC_DONE;
}

/* ListRoles (PathPrefix, pages in name order). */
enum lc_result
iam_list_roles(struct lc_request *req, struct iam_state *st, fg_json in)
{
	const char *prefix = fg_json_str(fg_json_get(in, "PathPrefix"));
	struct iam_pager pg;
	struct fg_buf *b;

	if (iam_pager_init(&pg, req, in, strcasecmp) != 0)
		return LC_DONE;
	b = lc_query_begin(req, 1);
	fg_buf_addstr(b, "<Roles>");
	for (size_t i = 0; i < st->roles.n; i++) {
		const struct iam_role *r = (const struct iam_role *)st->roles.v[i];

		if (strcmp(r->e.account, req->who.account) == 0 && lc_visible(req, r->e.created_ms) &&
		    (prefix == NULL || strncmp(r->e.path, prefix, strlen(prefix)) == 0) &&
		    iam_pager_take(&pg, r->e.name))
			iam_role_write(b, r, "member", 0);
	}
	fg_buf_addstr(b, "</Roles>");
	iam_pager_end(&pg, b);
	lc_query_end(req, 1);
	return LC_DONE;
}

/* DeleteRole: only once it is in no instance profile and has no policies. */
enum lc_result
iam_delete_role(struct lc_request *req, struct iam_state *st, fg_json in)
{
	struct iam_role *r = iam_role_of(req, st, in);

	if (r == NULL)
		return LC_DONE;
	for (size_t i = 0; i < st->profiles.n; i++) {
		const struct iam_profile *p = (const struct iam_profile *)st->profiles.v[i];

		if (p->role && strcmp(p->e.account, r->e.account) == 0 &&
		    strcasecmp(p->role, r->e.name) == 0) {
			iam_error(req, IAM_E_CONFLICT, "Cannot delete entity, must remove roles from "
			    "instance profile first.");
			return LC_DONE;
		}
	}
	if (r->nattached) {
		iam_error(req, IAM_E_CONFLICT, "Cannot delete entity, must detach all policies "
		    "first.");
		return LC_DONE;
	}
	if (r->ninline) {
		iam_error(req, IAM_E_CONFLICT, "Cannot delete entity, must delete policies first.");
		return LC_DONE;
	}
	iam_list_del(&st->roles, &r->e);
	iam_role_free(r);
	lc_changed(st->srv, &lc_svc_iam);
	return iam_reply_empty(req, 0);
}

/* UpdateAssumeRolePolicy. */
enum lc_result
iam_update_trust(struct lc_request *req, struct iam_state *st, fg_json in)
{
	struct iam_role *r = iam_role_of(req, st, in);
	const char *doc = fg_json_str(fg_json_get(in, "PolicyDocument"));

	if (r == NULL ||
	    iam_doc_param(req, doc, IAM_DOC_TRUST, IAM_MAX_TRUST_DOC, "ACLSizePerRole") != 0)
		return LC_DONE;
	free(r->trust);
	r->trust = fg_strdup(doc);
	lc_changed(st->srv, &lc_svc_iam);
	return iam_reply_empty(req, 0);
}

/* UpdateRole: Description and MaxSessionDuration. */
enum lc_result
iam_update_role(struct lc_request *req, struct iam_state *st, fg_json in)
{
	struct iam_role *r = iam_role_of(req, st, in);
	const char *desc = fg_json_str(fg_json_get(in, "Description"));
	int64_t max;

	if (r == NULL)
		return LC_DONE;
	if (desc) {
		free(r->description);
		r->description = *desc ? fg_strdup(desc) : NULL;
	}
	if (fg_json_int(fg_json_get(in, "MaxSessionDuration"), &max) == 0)
		r->max_session = max;
	lc_changed(st->srv, &lc_svc_iam);
	return iam_reply_empty(req, 1);
}

/* The entity of the role named by RoleName; NULL after replying. */
static struct iam_entity *
role_entity(struct lc_request *req, struct iam_state *st, fg_json in)
{
	struct iam_role *r = iam_role_of(req, st, in);

	return r ? &r->e : NULL;
}

/* TagRole. */
enum lc_result
iam_tag_role(struct lc_request *req, struct iam_state *st, fg_json in)
{
	return iam_tag_entity(req, st, role_entity(req, st, in), in);
}

/* UntagRole. */
enum lc_result
iam_untag_role(struct lc_request *req, struct iam_state *st, fg_json in)
{
	return iam_untag_entity(req, st, role_entity(req, st, in), in);
}

/* ListRoleTags. */
enum lc_result
iam_list_role_tags(struct lc_request *req, struct iam_state *st, fg_json in)
{
	return iam_list_entity_tags(req, role_entity(req, st, in), in);
}

/* PutRolePermissionsBoundary: sets or replaces the role's boundary (a managed policy). */
enum lc_result
iam_put_role_boundary(struct lc_request *req, struct iam_state *st, fg_json in)
{
	struct iam_role *r = iam_role_of(req, st, in);
	struct iam_policy *p = r ? iam_policy_find(req, st,
	    fg_json_str(fg_json_get(in, "PermissionsBoundary")), NULL) : NULL;

	if (p == NULL)
		return LC_DONE;
	free(r->boundary);
	r->boundary = fg_strdup(p->e.arn);
	lc_changed(st->srv, &lc_svc_iam);
	return iam_reply_empty(req, 0);
}

/* DeleteRolePermissionsBoundary (a role without one is left as it is). */
enum lc_result
iam_delete_role_boundary(struct lc_request *req, struct iam_state *st, fg_json in)
{
	struct iam_role *r = iam_role_of(req, st, in);

	if (r == NULL)
		return LC_DONE;
	free(r->boundary);
	r->boundary = NULL;
	lc_changed(st->srv, &lc_svc_iam);
	return iam_reply_empty(req, 0);
}

/* The index of a role's inline policy, or -1. */
static long
inline_index(const struct iam_role *r, const char *name)
{
	for (size_t i = 0; name && i < r->ninline; i++)
		if (strcmp(r->inline_pols[i].key, name) == 0)
			return (long)i;
	return -1;
}

/* The index of the inline policy named by PolicyName; -1 after replying. */
static long
inline_of(struct lc_request *req, const struct iam_role *r, fg_json in)
{
	const char *name = fg_json_str(fg_json_get(in, "PolicyName"));
	long i = inline_index(r, name);

	if (i < 0)
		iam_error(req, IAM_E_NO_SUCH, "The role policy with name %s cannot be found.", name);
	return i;
}

/* PutRolePolicy: adds or replaces an inline policy (all of a role's together are limited). */
enum lc_result
iam_put_role_policy(struct lc_request *req, struct iam_state *st, fg_json in)
{
	struct iam_role *r = iam_role_of(req, st, in);
	const char *name = fg_json_str(fg_json_get(in, "PolicyName"));
	const char *doc = fg_json_str(fg_json_get(in, "PolicyDocument"));
	size_t total;

	if (r == NULL || iam_doc_param(req, doc, IAM_DOC_IDENTITY, 0, NULL) != 0)
		return LC_DONE;
	total = iam_doc_size(doc);
	for (size_t i = 0; i < r->ninline; i++)
		if (strcmp(r->inline_pols[i].key, name) != 0)
			total += iam_doc_size(r->inline_pols[i].value);
	if (total > IAM_MAX_ROLE_INLINE) {
		iam_error(req, IAM_E_LIMIT, "Maximum policy size of %d bytes exceeded for role %s",
		    IAM_MAX_ROLE_INLINE, r->e.name);
		return LC_DONE;
	}
	sqs_kv_set(&r->inline_pols, &r->ninline, name, doc);
	lc_changed(st->srv, &lc_svc_iam);
	return iam_reply_empty(req, 0);
}

/* GetRolePolicy: the document comes back URL-encoded. */
enum lc_result
iam_get_role_policy(struct lc_request *req, struct iam_state *st, fg_json in)
{
	struct iam_role *r = iam_role_of(req, st, in);
	struct fg_buf *b;
	long i;

	if (r == NULL || (i = inline_of(req, r, in)) < 0)
		return LC_DONE;
	b = lc_query_begin(req, 1);
	fg_xml_elem(b, "RoleName", r->e.name);
	fg_xml_elem(b, "PolicyName", r->inline_pols[i].key);
	iam_doc_elem(b, "PolicyDocument", r->inline_pols[i].value);
	lc_query_end(req, 1);
	return LC_DONE;
}

/* DeleteRolePolicy. */
enum lc_result
iam_delete_role_policy(struct lc_request *req, struct iam_state *st, fg_json in)
{
	struct iam_role *r = iam_role_of(req, st, in);
	long i;

	if (r == NULL || (i = inline_of(req, r, in)) < 0)
		return LC_DONE;
	sqs_kv_del(&r->inline_pols, &r->ninline, r->inline_pols[i].key);
	lc_changed(st->srv, &lc_svc_iam);
	return iam_reply_empty(req, 0);
}

/* ListRolePolicies (names, in order). */
enum lc_result
iam_list_role_policies(struct lc_request *req, struct iam_state *st, fg_json in)
{
	struct iam_role *r = iam_role_of(req, st, in);
	struct iam_pager pg;
	struct fg_buf *b;

	if (r == NULL || iam_pager_init(&pg, req, in, strcmp) != 0)
		return LC_DONE;
	b = lc_query_begin(req, 1);
	fg_buf_addstr(b, "<PolicyNames>");
	for (size_t i = 0; i < r->ninline; i++)
		if (iam_pager_take(&pg, r->inline_pols[i].key))
			fg_xml_elem(b, "member", r->inline_pols[i].key);
	fg_buf_addstr(b, "</PolicyNames>");
	iam_pager_end(&pg, b);
	lc_query_end(req, 1);
	return LC_DONE;
}
