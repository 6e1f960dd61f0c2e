/* iam.h: the IAM service of localcloud (query protocol, global): roles with inline policies,
 * tags and permissions boundaries, managed policies with versions, tags and role attachments,
 * instance profiles with tags. */
#ifndef FUGUE_LC_IAM_H
#define FUGUE_LC_IAM_H

#include <stddef.h>
#include <stdint.h>

#include "lc.h"
#include "sqs.h" /* struct sqs_kv and its sorted-list functions (tags, inline policies) */

#define IAM_MAX_VERSIONS 5          /* versions of one managed policy */
#define IAM_MAX_ATTACHED 10         /* managed policies attached to one role (default quota) */
#define IAM_MAX_TAGS 50             /* tags of one entity */
#define IAM_MAX_ROLE_INLINE 10240   /* characters of a role's inline policies together */
#define IAM_MAX_MANAGED_DOC 6144    /* characters of a managed policy version, white space excluded */
#define IAM_MAX_TRUST_DOC 2048      /* characters of a trust policy, white space excluded */
#define IAM_DEFAULT_SESSION 3600    /* MaxSessionDuration when not given */
#define IAM_PAGE 100                /* MaxItems when not given */

/* What roles, managed policies and instance profiles have in common (their first member). */
struct iam_entity {
	char *account;
	char *name;
	char *path;
	char *id;                   /* AROA..., ANPA..., AIPA... */
	char *arn;
	int64_t created_ms;
	struct sqs_kv *tags;        /* sorted by key */
	size_t ntags;
};
/* Entities of one kind, sorted by account, then name case-insensitively (IAM names are
 * unique regardless of case). */
struct iam_list {
	struct iam_entity **v;
	size_t n;
};

struct iam_role {
	struct iam_entity e;
	char *trust;                /* the assume-role policy document */
	char *description;          /* NULL when none */
	int64_t max_session;        /* seconds */
	struct sqs_kv *inline_pols; /* inline policies: name -> document, sorted by name */
	size_t ninline;
	char **attached;            /* ARNs of the attached managed policies, sorted */
	size_t nattached;
	char *boundary;             /* ARN of the permissions boundary policy, or NULL */
};
struct iam_version {
	int num;                    /* the N of "vN" */
	char *doc;
	int64_t created_ms;
};
struct iam_policy {
	struct iam_entity e;
	char *description;          /* NULL when none */
	int64_t updated_ms;
	struct iam_version *versions; /* oldest first */
	size_t nversions;
	int default_num;
	int next_num;               /* the number the next version gets (numbers are not reused) */
};
struct iam_profile {
	struct iam_entity e;
	char *role;                 /* the name of its one role, or NULL */
};

struct iam_state {
	struct lc_server *srv;
	struct iam_list roles;
	struct iam_list policies;
	struct iam_list profiles;
};

/* iam_valid.c: parameter constraints as IAM states them, with its ValidationError wording. */
enum iam_pat {
	IAM_P_NONE,         /* length only */
	IAM_P_NAME,         /* [\w+=,.@-]+ */
	IAM_P_PATH,         /* (\u002F)|(\u002F[\u0021-\u007F]+\u002F) */
	IAM_P_PATH_PREFIX,  /* \u002F[\u0021-\u007F]* */
	IAM_P_POLICY_PATH,  /* ((/[A-Za-z0-9\.,\+@=_-]+)*)/ */
	IAM_P_DOC,          /* [\u0009\u000A\u000D\u0020-\u00FF]+ */
	IAM_P_TEXT,         /* [\p{L}\p{M}\p{Z}\p{S}\p{N}\p{P}]*: no control characters */
	IAM_P_VERSION,      /* v[1-9][0-9]*(\.[A-Za-z0-9-]*)? */
	IAM_P_MARKER,       /* [\u0020-\u00FF]+ */
	IAM_P_TAG_KEY,      /* [\p{L}\p{Z}\p{N}_.:/=+\-@]+ */
	IAM_P_TAG_VALUE,    /* [\p{L}\p{Z}\p{N}_.:/=+\-@]* */
	IAM_P_SCOPE,        /* All | AWS | Local */
	IAM_P_USAGE,        /* PermissionsPolicy | PermissionsBoundary */
	IAM_P_ENTITY,       /* User | Role | Group | LocalManagedPolicy | AWSManagedPolicy */
	IAM_P_INT,          /* an integer in [min, max] */
	IAM_P_BOOL,
	IAM_P_TAGS,         /* a list of {Key, Value}: at most max items */
	IAM_P_TAG_KEYS,     /* a list of tag keys: at most max items */
};
/* One input parameter of an action: its constraint (lengths in characters, or the range). */
struct iam_field {
	const char *name;           /* "RoleName"; NULL ends a list */
	int required;
	enum iam_pat pat;
	int64_t min, max;
};
/* Checks a parameter's value (NULL when absent); -1 and *msg, AWS's ValidationError message
 * ("1 validation error detected: Value 'a b' at 'roleName' failed to satisfy constraint:
 * Member must satisfy regular expression pattern: [\w+=,.@-]+"). */
int iam_field_check(const struct iam_field *, fg_json value, char **msg);
/* Says whether a string matches a pattern (IAM_P_NONE: any). */
int iam_pat_match(enum iam_pat, const char *);

/* iam_doc.c: policy documents. */
enum iam_doc_kind {
	IAM_DOC_IDENTITY, /* inline and managed policies: Resource required, no Principal */
	IAM_DOC_TRUST,    /* a role's assume-role policy: Principal required, no Resource */
};
/* Checks a policy document: JSON with Version and Statement, each statement with Effect,
 * Action or NotAction and what the kind needs; -1 and *err (what and where) when malformed. */
int iam_doc_check(const char *doc, enum iam_doc_kind, char **err);
/* The size of a document as IAM counts it for quotas: characters other than white space. */
size_t iam_doc_size(const char *doc);
/* Appends <name>document</name> with the document URL-encoded, as IAM returns documents. */
void iam_doc_elem(struct fg_buf *, const char *name, const char *doc);

/* iam.c: the service, entities, errors, pagination and shared reply parts. */
enum iam_error {
	IAM_E_NO_SUCH,      /* NoSuchEntity, 404 */
	IAM_E_EXISTS,       /* EntityAlreadyExists, 409 */
	IAM_E_CONFLICT,     /* DeleteConflict, 409 */
	IAM_E_LIMIT,        /* LimitExceeded, 409 */
	IAM_E_MALFORMED,    /* MalformedPolicyDocument, 400 */
	IAM_E_VALIDATION,   /* ValidationError, 400 */
	IAM_E_INPUT,        /* InvalidInput, 400 */
};
void iam_error(struct lc_request *, enum iam_error, const char *fmt, ...) FG_PRINTF(3, 4);
/* Fills an entity: its ARN is arn:aws:iam::ACCOUNT:KIND PATH NAME; id NULL makes a new one
 * with the prefix ("AROA"). */
void iam_entity_init(struct iam_entity *, const char *kind, const char *prefix,
    const char *account, const char *path, const char *name, const char *id, int64_t created_ms);
void iam_entity_clear(struct iam_entity *);
struct iam_entity *iam_list_find(const struct iam_list *, const char *account, const char *name);
void iam_list_add(struct iam_list *, struct iam_entity *);
void iam_list_del(struct iam_list *, const struct iam_entity *); /* does not free it */
/* The entity of req's account with this name (in any case), if req may see it yet, or NULL. */
struct iam_entity *iam_list_visible(struct lc_request *, const struct iam_list *,
    const char *name);
/* Checks a policy document parameter of the kind with its size quota; -1 after replying. */
int iam_doc_param(struct lc_request *, const char *doc, enum iam_doc_kind, size_t quota,
    const char *quota_name);
/* Adds tags to an entity's, at most IAM_MAX_TAGS in all; -1 after replying LimitExceeded. */
int iam_tags_add(struct lc_request *, struct iam_entity *, fg_json tags);
/* Removes the tags with these keys (in any case). */
void iam_tags_del(struct iam_entity *, fg_json keys);
/* TagRole, TagPolicy, TagInstanceProfile of an entity the caller found (NULL: it replied). */
enum lc_result iam_tag_entity(struct lc_request *, struct iam_state *, struct iam_entity *,
    fg_json in);
/* UntagRole, UntagPolicy, UntagInstanceProfile. */
enum lc_result iam_untag_entity(struct lc_request *, struct iam_state *, struct iam_entity *,
    fg_json in);
/* ListRoleTags, ListPolicyTags, ListInstanceProfileTags (pages in key order). */
enum lc_result iam_list_entity_tags(struct lc_request *, struct iam_entity *, fg_json in);
/* Writes <Tags> with a member for each tag. */
void iam_tags_write(struct fg_buf *, const struct sqs_kv *, size_t n);
/* Writes an entity's Path, name (as name_elem), id (as id_elem), Arn and CreateDate. */
void iam_entity_write(struct fg_buf *, const struct iam_entity *, const char *name_elem,
    const char *id_elem);
/* Replies with an empty result (with_result: an empty <ActionResult/>). */
enum lc_result iam_reply_empty(struct lc_request *, int with_result);
/* Pagination with Marker and MaxItems: items are offered in list order with their key; the
 * marker is the (base64) key of the first item of the next page. */
struct iam_pager {
	char *marker;               /* decoded, or NULL for the first page */
	int64_t max;
	size_t shown;
	char *next;                 /* key of the first item left out */
	int (*cmp)(const char *, const char *);
};
/* Reads Marker and MaxItems; -1 after replying. cmp orders the keys as the list does. */
int iam_pager_init(struct iam_pager *, struct lc_request *, fg_json in,
    int (*cmp)(const char *, const char *));
/* Says whether the next item (with key) goes on this page. */
int iam_pager_take(struct iam_pager *, const char *key);
/* Writes <IsTruncated> and <Marker> and frees the pager's parts. */
void iam_pager_end(struct iam_pager *, struct fg_buf *);
void iam_state_free(struct iam_state *);

/* iam_role.c: roles, their tags and inline policies. */
struct iam_role *iam_role_new(const char *account, const char *path, const char *name,
    const char *id, int64_t created_ms, const char *trust);
void iam_role_free(struct iam_role *);
/* The role named by the RoleName parameter, visible to req; NULL after replying NoSuchEntity. */
struct iam_role *iam_role_of(struct lc_request *, struct iam_state *, fg_json in);
/* Writes a role as element elem; detail adds its tags (when it has some), RoleLastUsed and its
 * PermissionsBoundary (when it has one). */
#define IAM_ROLE_TAGS 1
#define IAM_ROLE_LAST_USED 2
#define IAM_ROLE_BOUNDARY 4
void iam_role_write(struct fg_buf *, const struct iam_role *, const char *elem, int detail);
enum lc_result iam_create_role(struct lc_request *, struct iam_state *, fg_json);
enum lc_result iam_get_role(struct lc_request *, struct iam_state *, fg_json);
enum lc_result iam_list_roles(struct lc_request *, struct iam_state *, fg_json);
enum lc_result iam_delete_role(struct lc_request *, struct iam_state *, fg_json);
enum lc_result iam_update_trust(struct lc_request *, struct iam_state *, fg_json);
enum lc_result iam_update_role(struct lc_request *, struct iam_state *, fg_json);
enum lc_result iam_tag_role(struct lc_request *, struct iam_state *, fg_json);
enum lc_result iam_untag_role(struct lc_request *, struct iam_state *, fg_json);
enum lc_result iam_list_role_tags(struct lc_request *, struct iam_state *, fg_json);
enum lc_result iam_put_role_policy(struct lc_request *, struct iam_state *, fg_json);
enum lc_result iam_get_role_policy(struct lc_request *, struct iam_state *, fg_json);
enum lc_result iam_delete_role_policy(struct lc_request *, struct iam_state *, fg_json);
enum lc_result iam_list_role_policies(struct lc_request *, struct iam_state *, fg_json);
enum lc_result iam_put_role_boundary(struct lc_request *, struct iam_state *, fg_json);
enum lc_result iam_delete_role_boundary(struct lc_request *, struct iam_state *, fg_json);

/* iam_policy.c: managed policies, their versions and attachments to roles. */
struct iam_policy *iam_policy_new(const char *account, const char *path, const char *name,
    const char *id, int64_t created_ms);
void iam_policy_free(struct iam_policy *);
/* Adds version num (the next number follows it). */
void iam_policy_add_version(struct iam_policy *, int num, const char *doc, int64_t created_ms);
/* The policy with this ARN, visible to req; NULL after replying InvalidInput or NoSuchEntity
 * (scope NULL: "Policy ARN does not exist ..."; else "<scope> ARN: ARN does not exist ..."). */
struct iam_policy *iam_policy_find(struct lc_request *, struct iam_state *, const char *arn,
    const char *scope);
enum lc_result iam_create_policy(struct lc_request *, struct iam_state *, fg_json);
enum lc_result iam_get_policy(struct lc_request *, struct iam_state *, fg_json);
enum lc_result iam_list_policies(struct lc_request *, struct iam_state *, fg_json);
enum lc_result iam_delete_policy(struct lc_request *, struct iam_state *, fg_json);
enum lc_result iam_create_version(struct lc_request *, struct iam_state *, fg_json);
enum lc_result iam_get_version(struct lc_request *, struct iam_state *, fg_json);
enum lc_result iam_list_versions(struct lc_request *, struct iam_state *, fg_json);
enum lc_result iam_delete_version(struct lc_request *, struct iam_state *, fg_json);
enum lc_result iam_set_default_version(struct lc_request *, struct iam_state *, fg_json);
enum lc_result iam_attach_role_policy(struct lc_request *, struct iam_state *, fg_json);
enum lc_result iam_detach_role_policy(struct lc_request *, struct iam_state *, fg_json);
enum lc_result iam_list_attached(struct lc_request *, struct iam_state *, fg_json);
enum lc_result iam_list_entities_for_policy(struct lc_request *, struct iam_state *, fg_json);
enum lc_result iam_tag_policy(struct lc_request *, struct iam_state *, fg_json);
enum lc_result iam_untag_policy(struct lc_request *, struct iam_state *, fg_json);
enum lc_result iam_list_policy_tags(struct lc_request *, struct iam_state *, fg_json);

/* iam_profile.c: instance profiles. */
struct iam_profile *iam_profile_new(const char *account, const char *path, const char *name,
    const char *id, int64_t created_ms);
void iam_profile_free(struct iam_profile *);
enum lc_result iam_create_profile(struct lc_request *, struct iam_state *, fg_json);
enum lc_result iam_get_profile(struct lc_request *, struct iam_state *, fg_json);
enum lc_result iam_list_profiles(struct lc_request *, struct iam_state *, fg_json);
enum lc_result iam_delete_profile(struct lc_request *, struct iam_state *, fg_json);
enum lc_result iam_add_role_to_profile(struct lc_request *, struct iam_state *, fg_json);
enum lc_result iam_remove_role_from_profile(struct lc_request *, struct iam_state *, fg_json);
enum lc_result iam_list_profiles_for_role(struct lc_request *, struct iam_state *, fg_json);
enum lc_result iam_tag_profile(struct lc_request *, struct iam_state *, fg_json);
enum lc_result iam_untag_profile(struct lc_request *, struct iam_state *, fg_json);
enum lc_result iam_list_profile_tags(struct lc_request *, struct iam_state *, fg_json);

/* iam_store.c: the state as JSON in the state directory. */
void iam_state_save(void *, struct fg_jw *);
int iam_state_load(void *, fg_json, char **err);

#endif
