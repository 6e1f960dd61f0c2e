/* iam.c: the IAM service (query protocol): the action table with each action's parameter
 * constraints, dispatch, errors, the entities' common parts, tags and pagination. */
#include "config.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "iam.h"
#include "services.h"
#include "sigv4.h"
#include "xml.h"

#define ID_CHARS "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567"
#define ID_RANDOM 17 /* characters after the four-letter prefix, as AWS's ids */

static const struct sqs_shape s_str = { SQS_T_STR, NULL, NULL, NULL, NULL };
static const struct sqs_shape s_int = { SQS_T_INT, NULL, NULL, NULL, NULL };
static const struct sqs_shape s_bool = { SQS_T_BOOL, NULL, NULL, NULL, NULL };
static const struct sqs_member m_tag[] = {
	{ "Key", NULL, &s_str }, { "Value", NULL, &s_str }, { NULL, NULL, NULL },
};
static const struct sqs_shape s_tag = { SQS_T_STRUCT, m_tag, NULL, NULL, NULL };
static const struct sqs_shape s_tags = { SQS_T_LIST, NULL, &s_tag, NULL, NULL };
static const struct sqs_shape s_keys = { SQS_T_LIST, NULL, &s_str, NULL, NULL };
/* Every IAM parameter this service reads (a name has one type across actions). */
static const struct sqs_member m_input[] = {
	{ "AssumeRolePolicyDocument", NULL, &s_str },
	{ "Description", NULL, &s_str },
	{ "EntityFilter", NULL, &s_str },
	{ "InstanceProfileName", NULL, &s_str },
	{ "Marker", NULL, &s_str },
	{ "MaxItems", NULL, &s_int },
	{ "MaxSessionDuration", NULL, &s_int },
	{ "OnlyAttached", NULL, &s_bool },
	{ "Path", NULL, &s_str },
	{ "PathPrefix", NULL, &s_str },
	{ "PermissionsBoundary", NULL, &s_str },
	{ "PolicyArn", NULL, &s_str },
	{ "PolicyDocument", NULL, &s_str },
	{ "PolicyName", NULL, &s_str },
	{ "PolicyUsageFilter", NULL, &s_str },
	{ "RoleName", NULL, &s_str },
	{ "Scope", NULL, &s_str },
	{ "SetAsDefault", NULL, &s_bool },
	{ "TagKeys", "TagKeys.member", &s_keys },
	{ "Tags", "Tags.member", &s_tags },
	{ "VersionId", NULL, &s_str },
	{ NULL, NULL, NULL },
};
static const struct sqs_shape s_input = { SQS_T_STRUCT, m_input, NULL, NULL, NULL };

/* Parameter constraints from IAM's API reference. */
#define ROLE_NAME { "RoleName", 1, IAM_P_NAME, 1, 64 }
#define ROLE_PATH { "Path", 0, IAM_P_PATH, 1, 512 }
#define ROLE_DESC { "Description", 0, IAM_P_TEXT, 0, 1000 }
#define MAX_SESSION { "MaxSessionDuration", 0, IAM_P_INT, 3600, 43200 }
#define BOUNDARY(req) { "PermissionsBoundary", req, IAM_P_NONE, 20, 2048 }
#define POLICY_NAME { "PolicyName", 1, IAM_P_NAME, 1, 128 }
#define POLICY_PATH { "Path", 0, IAM_P_POLICY_PATH, 1, 512 }
#define POLICY_DESC { "Description", 0, IAM_P_NONE, 0, 1000 }
#define POLICY_ARN { "PolicyArn", 1, IAM_P_NONE, 20, 2048 }
#define DOC(name) { name, 1, IAM_P_DOC, 1, 131072 }
#define VERSION_ID { "VersionId", 1, IAM_P_VERSION, 0, 0 }
#define PROFILE_NAME { "InstanceProfileName", 1, IAM_P_NAME, 1, 128 }
#define PATH_PREFIX { "PathPrefix", 0, IAM_P_PATH_PREFIX, 1, 512 }
#define POLICY_PATH_PREFIX { "PathPrefix", 0, IAM_P_POLICY_PATH, 1, 512 }
#define PAGE { "Marker", 0, IAM_P_MARKER, 1, 320 }, { "MaxItems", 0, IAM_P_INT, 1, 1000 }
#define TAGS(req) { "Tags", req, IAM_P_TAGS, 0, IAM_MAX_TAGS }
#define TAG_KEYS { "TagKeys", 1, IAM_P_TAG_KEYS, 0, IAM_MAX_TAGS }
#define USAGE { "PolicyUsageFilter", 0, IAM_P_USAGE, 0, 0 }

static const struct iam_action {
	const char *name;
	enum lc_result (*fn)(struct lc_request *, struct iam_state *, fg_json);
	struct iam_field in[8];
} actions[] = {
	{ "AddRoleToInstanceProfile", iam_add_role_to_profile, { PROFILE_NAME, ROLE_NAME } },
	{ "AttachRolePolicy", iam_attach_role_policy, { ROLE_NAME, POLICY_ARN } },
	{ "CreateInstanceProfile", iam_create_profile, { PROFILE_NAME, ROLE_PATH, TAGS(0) } },
	{ "CreatePolicy", iam_create_policy, { POLICY_NAME, POLICY_PATH, DOC("PolicyDocument"),
	    POLICY_DESC, TAGS(0) } },
	{ "CreatePolicyVersion", iam_create_version, { POLICY_ARN, DOC("PolicyDocument"),
	    { "SetAsDefault", 0, IAM_P_BOOL, 0, 0 } } },
	{ "CreateRole", iam_create_role, { ROLE_NAME, ROLE_PATH, DOC("AssumeRolePolicyDocument"),
	    ROLE_DESC, MAX_SESSION, BOUNDARY(0), TAGS(0) } },
	{ "DeleteInstanceProfile", iam_delete_profile, { PROFILE_NAME } },
	{ "DeletePolicy", iam_delete_policy, { POLICY_ARN } },
	{ "DeletePolicyVersion", iam_delete_version, { POLICY_ARN, VERSION_ID } },
	{ "DeleteRole", iam_delete_role, { ROLE_NAME } },
	{ "DeleteRolePermissionsBoundary", iam_delete_role_boundary, { ROLE_NAME } },
	{ "DeleteRolePolicy", iam_delete_role_policy, { ROLE_NAME, POLICY_NAME } },
	{ "DetachRolePolicy", iam_detach_role_policy, { ROLE_NAME, POLICY_ARN } },
	{ "GetInstanceProfile", iam_get_profile, { PROFILE_NAME } },
	{ "GetPolicy", iam_get_policy, { POLICY_ARN } },
	{ "GetPolicyVersion", iam_get_version, { POLICY_ARN, VERSION_ID } },
	{ "GetRole", iam_get_role, { ROLE_NAME } },
	{ "GetRolePolicy", iam_get_role_policy, { ROLE_NAME, POLICY_NAME } },
	{ "ListAttachedRolePolicies", iam_list_attached, { ROLE_NAME, POLICY_PATH_PREFIX, PAGE } },
	{ "ListEntitiesForPolicy", iam_list_entities_for_policy, { POLICY_ARN,
	    { "EntityFilter", 0, IAM_P_ENTITY, 0, 0 }, PATH_PREFIX, USAGE, PAGE } },
	{ "ListInstanceProfileTags", iam_list_profile_tags, { PROFILE_NAME, PAGE } },
	{ "ListInstanceProfiles", iam_list_profiles, { PATH_PREFIX, PAGE } },
	{ "ListInstanceProfilesForRole", iam_list_profiles_for_role, { ROLE_NAME, PAGE } },
	{ "ListPolicies", iam_list_policies, { { "Scope", 0, IAM_P_SCOPE, 0, 0 },
	    { "OnlyAttached", 0, IAM_P_BOOL, 0, 0 }, POLICY_PATH_PREFIX,
	    USAGE, PAGE } },
	{ "ListPolicyTags", iam_list_policy_tags, { POLICY_ARN, PAGE } },
	{ "ListPolicyVersions", iam_list_versions, { POLICY_ARN, PAGE } },
	{ "ListRolePolicies", iam_list_role_policies, { ROLE_NAME, PAGE } },
	{ "ListRoleTags", iam_list_role_tags, { ROLE_NAME, PAGE } },
	{ "ListRoles", iam_list_roles, { PATH_PREFIX, PAGE } },
	{ "PutRolePermissionsBoundary", iam_put_role_boundary, { ROLE_NAME, BOUNDARY(1) } },
	{ "PutRolePolicy", iam_put_role_policy, { ROLE_NAME, POLICY_NAME, DOC("PolicyDocument") } },
	{ "RemoveRoleFromInstanceProfile", iam_remove_role_from_profile, { PROFILE_NAME,
	    ROLE_NAME } },
	{ "SetDefaultPolicyVersion", iam_set_default_version, { POLICY_ARN, VERSION_ID } },
	{ "TagInstanceProfile", iam_tag_profile, { PROFILE_NAME, TAGS(1) } },
	{ "TagPolicy", iam_tag_policy, { POLICY_ARN, TAGS(1) } },
	{ "TagRole", iam_tag_role, { ROLE_NAME, TAGS(1) } },
	{ "UntagInstanceProfile", iam_untag_profile, { PROFILE_NAME, TAG_KEYS } },
	{ "UntagPolicy", iam_untag_policy, { POLICY_ARN, TAG_KEYS } },
	{ "UntagRole", iam_untag_role, { ROLE_NAME, TAG_KEYS } },
	{ "UpdateAssumeRolePolicy", iam_update_trust, { ROLE_NAME, DOC("PolicyDocument") } },
	{ "UpdateRole", iam_update_role, { ROLE_NAME, ROLE_DESC, MAX_SESSION } },
};

static const struct {
	const char *code;
	int status;
} errors[] = {
	[IAM_E_NO_SUCH] = { "NoSuchEntity", 404 },
	[IAM_E_EXISTS] = { "EntityAlreadyExists", 409 },
	[IAM_E_CONFLICT] = { "DeleteConflict", 409 },
	[IAM_E_LIMIT] = { "LimitExceeded", 409 },
	[IAM_E_MALFORMED] = { "MalformedPolicyDocument", 400 },
	[IAM_E_VALIDATION] = { "ValidationError", 400 },
	[IAM_E_INPUT] = { "InvalidInput", 400 },
};

/* Replies with an IAM error. */
void
iam_error(struct lc_request *req, enum iam_error e, const char *fmt, ...)
{
	struct fg_buf msg;
	va_list ap;

	fg_buf_init(&msg);
	va_start(ap, fmt);
	fg_buf_vaddf(&msg, fmt, ap);
	va_end(ap);
	lc_error(req, errors[e].status, errors[e].code, "%s", fg_buf_cstr(&msg));
	fg_buf_free(&msg);
}

/* A new id: the prefix and random characters of [A-Z2-7]. */
static char *
new_id(const char *prefix)
{
	unsigned char r[ID_RANDOM];
	char *id = fg_printf("%s%0*d", prefix, ID_RANDOM, 0);
	size_t n = strlen(prefix);

	fg_random_bytes(r, sizeof(r));
	for (size_t i = 0; i < ID_RANDOM; i++)
		id[n + i] = ID_CHARS[r[i] & 31];
	return id;
}

/* Fills an entity. */
void
iam_entity_init(struct iam_entity *e, const char *kind, const char *prefix, const char *account,
    const char *path, const char *name, const char *id, int64_t created_ms)
{
	e->account = fg_strdup(account);
	e->name = fg_strdup(name);
	e->path = fg_strdup(path);
	e->id = id ? fg_strdup(id) : new_id(prefix);
	e->arn = fg_printf("arn:aws:iam::%s:%s%s%s", account, kind, path, name);
	e->created_ms = created_ms;
}

/* Frees an entity's parts. */
void
iam_entity_clear(struct iam_entity *e)
{
	free(e->account);
	free(e->name);
	free(e->path);
	free(e->id);
	free(e->arn);
	sqs_kv_free(e->tags, e->ntags);
}

/* Orders entities by account, then name regardless of case. */
static int
entity_cmp(const struct iam_entity *a, const char *account, const char *name)
{
	int c = strcmp(a->account, account);

	return c ? c : strcasecmp(a->name, name);
}

/* The entity of the account with this name (in any case), or NULL. */
struct iam_entity *
iam_list_find(const struct iam_list *l, const char *account, const char *name)
{
	for (size_t i = 0; name && i < l->n; i++)
		if (entity_cmp(l->v[i], account, name) == 0)
			return l->v[i];
	return NULL;
}

/* Inserts an entity in order. */
void
iam_list_add(struct iam_list *l, struct iam_entity *e)
{
	size_t i;

	for (i = 0; i < l->n && entity_cmp(l->v[i], e->account, e->name) < 0; i++)
		;
	l->v = fg_realloc(l->v, (l->n + 1) * sizeof(*l->v));
	memmove(l->v + i + 1, l->v + i, (l->n - i) * sizeof(*l->v));
	l->v[i] = e;
	l->n++;
}

/* Takes an entity out of a list. */
void
iam_list_del(struct iam_list *l, const struct iam_entity *e)
{
	for (size_t i = 0; i < l->n; i++)
		if (l->v[i] == e) {
			memmove(l->v + i, l->v + i + 1, (l->n - i - 1) * sizeof(*l->v));
			l->n--;
			return;
		}
}

/* The entity of req's account with this name, if req may see it yet. */
struct iam_entity *
iam_list_visible(struct lc_request *req, const struct iam_list *l, const char *name)
{
	struct iam_entity *e = iam_list_find(l, req->who.account, name);

	return e && lc_visible(req, e->created_ms) ? e : NULL;
}

/* Checks a policy document and its size; -1 after replying. */
int
iam_doc_param(struct lc_request *req, const char *doc, enum iam_doc_kind kind, size_t quota,
    const char *quota_name)
{
	char *err = NULL;

	if (iam_doc_check(doc, kind, &err) != 0) {
		iam_error(req, IAM_E_MALFORMED, "%s", err);
		free(err);
		return -1;
	}
	if (quota && iam_doc_size(doc) > quota) {
		iam_error(req, IAM_E_LIMIT, "Cannot exceed quota for %s: %zu", quota_name, quota);
		return -1;
	}
	return 0;
}

/* The index of a tag key (compared regardless of case, as IAM does), or -1. */
static long
tag_index(const struct sqs_kv *tags, size_t n, const char *key)
{
	for (size_t i = 0; i < n; i++)
		if (strcasecmp(tags[i].key, key) == 0)
			return (long)i;
	return -1;
}

/* Adds tags, replacing values of keys already there. */
int
iam_tags_add(struct lc_request *req, struct iam_entity *e, fg_json tags)
{
	size_t n = e->ntags;

	for (size_t i = 0; i < fg_json_len(tags); i++) {
		const char *k = fg_json_str(fg_json_get(fg_json_at(tags, i), "Key"));

		for (size_t j = 0; j < i; j++)
			if (strcasecmp(k, fg_json_str(fg_json_get(fg_json_at(tags, j), "Key"))) == 0) {
				iam_error(req, IAM_E_INPUT, "Duplicate tag keys found. Please note that Tag "
				    "keys are case insensitive.");
				return -1;
			}
		n += tag_index(e->tags, e->ntags, k) < 0;
	}
	if (n > IAM_MAX_TAGS) {
		iam_error(req, IAM_E_LIMIT, "The number of tags has reached the maximum limit of "
		    "%d.", IAM_MAX_TAGS);
		return -1;
	}
	for (size_t i = 0; i < fg_json_len(tags); i++) {
		fg_json t = fg_json_at(tags, i);
		long old = tag_index(e->tags, e->ntags, fg_json_str(fg_json_get(t, "Key")));

		if (old >= 0)
			sqs_kv_del(&e->tags, &e->ntags, e->tags[old].key);
		sqs_kv_set(&e->tags, &e->ntags, fg_json_str(fg_json_get(t, "Key")),
		    fg_json_str(fg_json_get(t, "Value")));
	}
	return 0;
}

/* Removes the tags with these keys (in any case). */
void
iam_tags_del(struct iam_entity *e, fg_json keys)
{
	for (size_t i = 0; i < fg_json_len(keys); i++) {
		long j = tag_index(e->tags, e->ntags, fg_json_str(fg_json_at(keys, i)));

		if (j >= 0)
			sqs_kv_del(&e->tags, &e->ntags, e->tags[j].key);
	}
}

/* Writes one tag as <member>. */
static void
tag_write(struct fg_buf *b, const struct sqs_kv *t)
{
	fg_buf_addstr(b, "<member>");
	fg_xml_elem(b, "Key", t->key);
	fg_xml_elem(b, "Value", t->value);
	fg_buf_addstr(b, "</member>");
}

/* Writes a tag list. */
void
iam_tags_write(struct fg_buf *b, const struct sqs_kv *tags, size_t n)
{
	fg_buf_addstr(b, "<Tags>");
	for (size_t i = 0; i < n; i++)
		tag_write(b, &tags[i]);
	fg_buf_addstr(b, "</Tags>");
}

/* Tags an entity. */
enum lc_result
iam_tag_entity(struct lc_request *req, struct iam_state *st, struct iam_entity *e, fg_json in)
{
	if (e == NULL || iam_tags_add(req, e, fg_json_get(in, "Tags")) != 0)
		return LC_DONE;
	lc_changed(st->srv, &lc_svc_iam);
	return iam_reply_empty(req, 0);
}

/* Untags an entity (keys it does not have are not an error). */
enum lc_result
iam_untag_entity(struct lc_request *req, struct iam_state *st, struct iam_entity *e, fg_json in)
{
	if (e == NULL)
		return LC_DONE;
	iam_tags_del(e, fg_json_get(in, "TagKeys"));
	lc_changed(st->srv, &lc_svc_iam);
	return iam_reply_empty(req, 0);
}

/* Lists an entity's tags, a page in key order. */
enum lc_result
iam_list_entity_tags(struct lc_request *req, struct iam_entity *e, fg_json in)
{
	struct iam_pager pg;
	struct fg_buf *b;

	if (e == NULL || iam_pager_init(&pg, req, in, strcmp) != 0)
		return LC_DONE;
	b = lc_query_begin(req, 1);
	fg_buf_addstr(b, "<Tags>");
	for (size_t i = 0; i < e->ntags; i++)
		if (iam_pager_take(&pg, e->tags[i].key))
			tag_write(b, &e->tags[i]);
	fg_buf_addstr(b, "</Tags>");
	iam_pager_end(&pg, b);
	lc_query_end(req, 1);
	return LC_DONE;
}

/* Writes the common members of an entity. */
void
iam_entity_write(struct fg_buf *b, const struct iam_entity *e, const char *name_elem,
    const char *id_elem)
{
	char date[32];

	lc_iso8601(e->created_ms, date);
	fg_xml_elem(b, "Path", e->path);
	fg_xml_elem(b, name_elem, e->name);
	fg_xml_elem(b, id_elem, e->id);
	fg_xml_elem(b, "Arn", e->arn);
	fg_xml_elem(b, "CreateDate", date);
}

/* Replies with no result. */
enum lc_result
iam_reply_empty(struct lc_request *req, int with_result)
{
	lc_query_begin(req, with_result);
	lc_query_end(req, with_result);
	return LC_DONE;
}

/* Reads Marker and MaxItems. */
int
iam_pager_init(struct iam_pager *p, struct lc_request *req, fg_json in,
    int (*cmp)(const char *, const char *))
{
	const char *m = fg_json_str(fg_json_get(in, "Marker"));
	unsigned char *raw;
	size_t n;

	memset(p, 0, sizeof(*p));
	p->cmp = cmp;
	if (fg_json_int(fg_json_get(in, "MaxItems"), &p->max) != 0)
		p->max = IAM_PAGE;
	if (m == NULL)
		return 0;
	raw = fg_base64_decode(m, &n);
	if (raw == NULL || n == 0 || memchr(raw, '\0', n)) {
		free(raw);
		iam_error(req, IAM_E_VALIDATION, "Invalid Marker: not one from a previous reply of "
		    "this action");
		return -1;
	}
	p->marker = fg_strndup((char *)raw, n);
	free(raw);
	return 0;
}

/* Says whether the next item goes on this page. */
int
iam_pager_take(struct iam_pager *p, const char *key)
{
	if (p->marker && p->cmp(key, p->marker) < 0)
		return 0;
	if (p->shown == (size_t)p->max) {
		if (p->next == NULL)
			p->next = fg_strdup(key);
		return 0;
	}
	p->shown++;
	return 1;
}

/* Writes IsTruncated and the next Marker. */
void
iam_pager_end(struct iam_pager *p, struct fg_buf *b)
{
	fg_xml_elem(b, "IsTruncated", p->next ? "true" : "false");
	if (p->next) {
		char *tok = fg_base64(p->next, strlen(p->next));

		fg_xml_elem(b, "Marker", tok);
		free(tok);
	}
	free(p->marker);
	free(p->next);
	p->marker = p->next = NULL;
}

/* Handles an IAM request. */
static enum lc_result
iam_handle(struct lc_request *req)
{
	const struct iam_action *a = NULL;
	enum lc_result r;
	char *err = NULL;
	fg_json in;

	for (size_t i = 0; i < FG_ARRAY_LEN(actions) && a == NULL; i++)
		if (strcmp(actions[i].name, req->action) == 0)
			a = &actions[i];
	if (a == NULL) {
		lc_error(req, 400, "InvalidAction", "Could not find operation %.100s for version "
		    "2010-05-08", req->action);
		return LC_DONE;
	}
	if ((in = sqs_query_to_json(&req->params, &s_input, &err)) == NULL) {
		iam_error(req, IAM_E_VALIDATION, "%s", err);
		free(err);
		return LC_DONE;
	}
	for (const struct iam_field *f = a->in; f->name; f++)
		if (iam_field_check(f, fg_json_get(in, f->name), &err) != 0) {
			iam_error(req, IAM_E_VALIDATION, "%s", err);
			free(err);
			fg_json_free(in);
			return LC_DONE;
		}
	r = a->fn(req, req->state, in);
	fg_json_free(in);
	return r;
}

/* Creates the IAM state of a server. */
static void *
iam_create(struct lc_server *srv)
{
	struct iam_state *st = fg_calloc(1, sizeof(*st));

	st->srv = srv;
	return st;
}

/* Frees the whole IAM state. */
void
iam_state_free(struct iam_state *st)
{
	for (size_t i = 0; i < st->roles.n; i++)
		iam_role_free((struct iam_role *)st->roles.v[i]);
	for (size_t i = 0; i < st->policies.n; i++)
		iam_policy_free((struct iam_policy *)st->policies.v[i]);
	for (size_t i = 0; i < st->profiles.n; i++)
		iam_profile_free((struct iam_profile *)st->profiles.v[i]);
	free(st->roles.v);
	free(st->policies.v);
	free(st->profiles.v);
	free(st);
}

/* Frees the IAM state (the service's destroy). */
static void
iam_destroy(void *st)
{
	iam_state_free(st);
}

const struct lc_service lc_svc_iam = {
	.name = "iam",
	.signing_name = "iam",
	.protocols = LC_PROTO_QUERY,
	.xmlns = "https://iam.amazonaws.com/doc/2010-05-08/",
	.throttle_code = "Throttling",
	.throttle_status = 400,
	.create = iam_create,
	.destroy = iam_destroy,
	.handle = iam_handle,
	.load = iam_state_load,
	.save = iam_state_save,
};
