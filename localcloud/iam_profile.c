/* iam_profile.c: IAM instance profiles: create, read, list, delete, tags, and their one role. */
#include "config.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "iam.h"
#include "services.h"
#include "xml.h"

/* Creates an instance profile (not yet listed). */
struct iam_profile *
iam_profile_new(const char *account, const char *path, const char *name, const char *id,
    int64_t created_ms)
{
	struct iam_profile *p = fg_calloc(1, sizeof(*p));

	iam_entity_init(&p->e, "instance-profile", "AIPA", account, path, name, id, created_ms);
	return p;
}

/* Frees an instance profile. */
void
iam_profile_free(struct iam_profile *p)
{
	iam_entity_clear(&p->e);
	free(p->role);
	free(p);
}

/* The instance profile named by InstanceProfileName, visible to req; NULL after replying. */
static struct iam_profile *
profile_of(struct lc_request *req, struct iam_state *st, fg_json in)
{
	const char *name = fg_json_str(fg_json_get(in, "InstanceProfileName"));
	struct iam_entity *e = iam_list_visible(req, &st->profiles, name);

	if (e == NULL)
		iam_error(req, IAM_E_NO_SUCH, "Instance Profile %s cannot be found.", name);
	return (struct iam_profile *)e;
}

/* Writes an instance profile with its role as element elem. */
static void
profile_write(struct fg_buf *b, const struct iam_state *st, const struct iam_profile *p,
    const char *elem)
{
	const struct iam_entity *r = p->role ? iam_list_find(&st->roles, p->e.account, p->role) :
	    NULL;

	fg_buf_addf(b, "<%s>", elem);
	iam_entity_write(b, &p->e, "InstanceProfileName", "InstanceProfileId");
	fg_buf_addstr(b, "<Roles>");
	if (r)
		iam_role_write(b, (const struct iam_role *)r, "member", 0);
	fg_buf_addstr(b, "</Roles>");
	if (p->e.ntags)
		iam_tags_write(b, p->e.tags, p->e.ntags);
	fg_buf_addf(b, "</%s>", elem);
}

/* Replies with one <InstanceProfile>. */
static enum lc_result
reply_profile(struct lc_request *req, const struct iam_state *st, const struct iam_profile *p)
{
	profile_write(lc_query_begin(req, 1), st, p, "InstanceProfile");
	lc_query_end(req, 1);
	return LC_DONE;
}

/* CreateInstanceProfile. */
enum lc_result
iam_create_profile(struct lc_request *req, struct iam_state *st, fg_json in)
{
	const char *name = fg_json_str(fg_json_get(in, "InstanceProfileName"));
	const char *path = fg_json_str(fg_json_get(in, "Path"));
	struct iam_profile *p;

	if (iam_list_find(&st->profiles, req->who.account, name)) {
		iam_error(req, IAM_E_EXISTS, "Instance Profile %s already exists.", name);
		return LC_DONE;
	}
	p = iam_profile_new(req->who.account, path ? path : "/", name, NULL, fg_wall_ms());
	if (iam_tags_add(req, &p->e, fg_json_get(in, "Tags")) != 0) {
		iam_profile_free(p);
		return LC_DONE;
	}
	iam_list_add(&st->profiles, &p->e);
	lc_changed(st->srv, &lc_svc_iam);
	return reply_profile(req, st, p);
}

/* GetInstanceProfile. */
enum lc_result
iam_get_profile(struct lc_request *req, struct iam_state *st, fg_json in)
{
	struct iam_profile *p = profile_of(req, st, in);

	return p ? reply_profile(req, st, p) : LC_DONE;
}

/* Lists the account's instance profiles with a path prefix, or those holding a role. */
static enum lc_result
list(struct lc_request *req, struct iam_state *st, fg_json in, const char *prefix,
    const struct iam_role *role)
{
	struct iam_pager pg;
	struct fg_buf *b;

	if (iam_pager_init(&pg, req, in, strcasecmp) != 0)
		return LC_DONE;
	b = lc_query_begin(req, 1);
	fg_buf_addstr(b, "<InstanceProfiles>");
	for (size_t i = 0; i < st->profiles.n; i++) {
		const struct iam_profile *p = (const struct iam_profile *)st->profiles.v[i];

		if (strcmp(p->e.account, req->who.account) == 0 && lc_visible(req, p->e.created_ms) &&
		    (prefix == NULL || strncmp(p->e.path, prefix, strlen(prefix)) == 0) &&
		    (role == NULL || (p->role && strcasecmp(p->role, role->e.name) == 0)) &&
		    iam_pager_take(&pg, p->e.name))
			profile_write(b, st, p, "member");
	}
	fg_buf_addstr(b, "</InstanceProfiles>");
	iam_pager_end(&pg, b);
	lc_query_end(req, 1);
	return LC_DONE;
}

/* ListInstanceProfiles (PathPrefix). */
enum lc_result
iam_list_profiles(struct lc_request *req, struct iam_state *st, fg_json in)
{
	return list(req, st, in, fg_json_str(fg_json_get(in, "PathPrefix")), NULL);
}

/* ListInstanceProfilesForRole. */
enum lc_result
iam_list_profiles_for_role(struct lc_request *req, struct iam_state *st, fg_json in)
{
	struct iam_role *r = iam_role_of(req, st, in);

	return r ? list(req, st, in, NULL, r) : LC_DONE;
}

/* DeleteInstanceProfile: only without a role. */
enum lc_result
iam_delete_profile(struct lc_request *req, struct iam_state *st, fg_json in)
{
	struct iam_profile *p = profile_of(req, st, in);

	if (p == NULL)
		return LC_DONE;
	if (p->role) {
		iam_error(req, IAM_E_CONFLICT, "Cannot delete entity, must remove roles from instance "
		    "profile first.");
		return LC_DONE;
	}
	iam_list_del(&st->profiles, &p->e);
	iam_profile_free(p);
	lc_changed(st->srv, &lc_svc_iam);
	return iam_reply_empty(req, 0);
}

/* AddRoleToInstanceProfile: a profile holds one role at most. */
enum lc_result
iam_add_role_to_profile(struct lc_request *req, struct iam_state *st, fg_json in)
{
	struct iam_profile *p = profile_of(req, st, in);
	struct iam_role *r = p ? iam_role_of(req, st, in) : NULL;

	if (r == NULL)
		return LC_DONE;
	if (p->role) {
		iam_error(req, IAM_E_LIMIT, "Cannot exceed quota for "
		    "InstanceSessionsPerInstanceProfile: 1");
		return LC_DONE;
	}
	p->role = fg_strdup(r->e.name);
	lc_changed(st->srv, &lc_svc_iam);
	return iam_reply_empty(req, 0);
}

/* RemoveRoleFromInstanceProfile. */
enum lc_result
iam_remove_role_from_profile(struct lc_request *req, struct iam_state *st, fg_json in)
{
	struct iam_profile *p = profile_of(req, st, in);
	struct iam_role *r = p ? iam_role_of(req, st, in) : NULL;

	if (r == NULL)
		return LC_DONE;
	if (p->role == NULL || strcasecmp(p->role, r->e.name) != 0) {
		iam_error(req, IAM_E_NO_SUCH, "The role with name %s is not in instance profile %s.",
		    r->e.name, p->e.name);
		return LC_DONE;
	}
	free(p->role);
	p->role = NULL;
	lc_changed(st->srv, &lc_svc_iam);
	return iam_reply_empty(req, 0);
}

/* The entity of the instance profile named by InstanceProfileName; NULL after replying. */
static struct iam_entity *
profile_entity(struct lc_request *req, struct iam_state *st, fg_json in)
{
	struct iam_profile *p = profile_of(req, st, in);

	return p ? &p->e : NULL;
}

/* TagInstanceProfile. */
enum lc_result
iam_tag_profile(struct lc_request *req, struct iam_state *st, fg_json in)
{
	return iam_tag_entity(req, st, profile_entity(req, st, in), in);
}

/* UntagInstanceProfile. */
enum lc_result
iam_untag_profile(struct lc_request *req, struct iam_state *st, fg_json in)
{
	return iam_untag_entity(req, st, profile_entity(req, st, in), in);
}

/* ListInstanceProfileTags. */
enum lc_result
iam_list_profile_tags(struct lc_request *req, struct iam_state *st, fg_json in)
{
	return iam_list_entity_tags(req, profile_entity(req, st, in), in);
}
