/* iam_store.c: IAM state as JSON in the state directory: roles, managed policies with their
 * versions, instance profiles. */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "iam.h"

#define IAM_STATE_VERSION 1 /* bump when the layout below changes */

/* Opens an entity's object with its common members. */
static void
entity_save(struct fg_jw *jw, const struct iam_entity *e)
{
	fg_jw_obj(jw);
	fg_jw_kstr(jw, "account", e->account);
	fg_jw_kstr(jw, "name", e->name);
	fg_jw_kstr(jw, "path", e->path);
	fg_jw_kstr(jw, "id", e->id);
	fg_jw_kint(jw, "created_ms", e->created_ms);
	sqs_kv_write(jw, "tags", e->tags, e->ntags);
}

/* Writes a role. */
static void
role_save(struct fg_jw *jw, const struct iam_role *r)
{
	entity_save(jw, &r->e);
	fg_jw_kstr(jw, "trust", r->trust);
	if (r->description)
		fg_jw_kstr(jw, "description", r->description);
	fg_jw_kint(jw, "max_session", r->max_session);
	if (r->boundary)
		fg_jw_kstr(jw, "boundary", r->boundary);
	sqs_kv_write(jw, "inline", r->inline_pols, r->ninline);
	fg_jw_key(jw, "attached");
	fg_jw_arr(jw);
	for (size_t i = 0; i < r->nattached; i++)
		fg_jw_str(jw, r->attached[i]);
	fg_jw_end_arr(jw);
	fg_jw_end_obj(jw);
}

/* Writes a managed policy. */
static void
policy_save(struct fg_jw *jw, const struct iam_policy *p)
{
	entity_save(jw, &p->e);
	if (p->description)
		fg_jw_kstr(jw, "description", p->description);
	fg_jw_kint(jw, "updated_ms", p->updated_ms);
	fg_jw_kint(jw, "default", p->default_num);
	fg_jw_kint(jw, "next", p->next_num);
	fg_jw_key(jw, "versions");
	fg_jw_arr(jw);
	for (size_t i = 0; i < p->nversions; i++) {
		fg_jw_obj(jw);
		fg_jw_kint(jw, "num", p->versions[i].num);
		fg_jw_kstr(jw, "doc", p->versions[i].doc);
		fg_jw_kint(jw, "created_ms", p->versions[i].created_ms);
		fg_jw_end_obj(jw);
	}
	fg_jw_end_arr(jw);
	fg_jw_end_obj(jw);
}

/* Writes the whole IAM state. */
void
iam_state_save(void *arg, struct fg_jw *jw)
{
	struct iam_state *st = arg;

	fg_jw_obj(jw);
	fg_jw_kint(jw, "version", IAM_STATE_VERSION);
	fg_jw_key(jw, "roles");
	fg_jw_arr(jw);
	for (size_t i = 0; i < st->roles.n; i++)
		role_save(jw, (const struct iam_role *)st->roles.v[i]);
	fg_jw_end_arr(jw);
	fg_jw_key(jw, "policies");
	fg_jw_arr(jw);
	for (size_t i = 0; i < st->policies.n; i++)
		policy_save(jw, (const struct iam_policy *)st->policies.v[i]);
	fg_jw_end_arr(jw);
	fg_jw_key(jw, "profiles");
	fg_jw_arr(jw);
	for (size_t i = 0; i < st->profiles.n; i++) {
		const struct iam_profile *p = (const struct iam_profile *)st->profiles.v[i];

		entity_save(jw, &p->e);
		if (p->role)
			fg_jw_kstr(jw, "role", p->role);
		fg_jw_end_obj(jw);
	}
	fg_jw_end_arr(jw);
	fg_jw_end_obj(jw);
}

/* Reads the string member key of o; NULL and *err when it is not a string. */
static const char *
str_load(fg_json o, const char *key, const char *where, char **err)
{
	const char *s = fg_json_str(fg_json_get(o, key));

	if (s == NULL)
		*err = fg_printf("%s: \"%s\" must be a string", where, key);
	return s;
}

/* Reads the integer member key of o; -1 and *err when it is not an integer. */
static int
int_load(fg_json o, const char *key, int64_t *out, const char *where, char **err)
{
	if (fg_json_int(fg_json_get(o, key), out) == 0)
		return 0;
	*err = fg_printf("%s: \"%s\" must be an integer", where, key);
	return -1;
}

/* The common members of a saved entity. */
struct saved {
	const char *account, *name, *path, *id;
	int64_t created_ms;
};

/* Reads the common members of an entity of a list; -1 and *err when one is wrong, or when
 * the list already has that name. */
static int
entity_load(fg_json o, const struct iam_list *l, struct saved *s, const char *where, char **err)
{
	if ((s->account = str_load(o, "account", where, err)) == NULL ||
	    (s->name = str_load(o, "name", where, err)) == NULL ||
	    (s->path = str_load(o, "path", where, err)) == NULL ||
	    (s->id = str_load(o, "id", where, err)) == NULL ||
	    int_load(o, "created_ms", &s->created_ms, where, err) != 0)
		return -1;
	if (iam_list_find(l, s->account, s->name)) {
		*err = fg_printf("%s: a second entity named %s", where, s->name);
		return -1;
	}
	return 0;
}

/* Reads a role's own members. */
static int
role_load(fg_json o, struct iam_role *r, const char *where, char **err)
{
	const char *desc = fg_json_str(fg_json_get(o, "description"));
	const char *boundary = fg_json_str(fg_json_get(o, "boundary"));
	fg_json att = fg_json_get(o, "attached");

	if (int_load(o, "max_session", &r->max_session, where, err) != 0 ||
	    sqs_kv_read(o, "inline", &r->inline_pols, &r->ninline, where, err) != 0)
		return -1;
	if (desc)
		r->description = fg_strdup(desc);
	if (boundary)
		r->boundary = fg_strdup(boundary);
	if (!YAJL_IS_ARRAY(att)) {
		*err = fg_printf("%s: \"attached\" must be a list", where);
		return -1;
	}
	for (size_t i = 0; i < fg_json_len(att); i++) {
		if (fg_json_str(fg_json_at(att, i)) == NULL) {
			*err = fg_printf("%s: attached[%zu] must be a string", where, i);
			return -1;
		}
		r->attached = fg_realloc(r->attached, (r->nattached + 1) * sizeof(*r->attached));
		r->attached[r->nattached++] = fg_strdup(fg_json_str(fg_json_at(att, i)));
	}
	return 0;
}

/* Reads a policy's own members: versions, the default among them. */
static int
policy_load(fg_json o, struct iam_policy *p, const char *where, char **err)
{
	const char *desc = fg_json_str(fg_json_get(o, "description"));
	fg_json vs = fg_json_get(o, "versions");
	int64_t def, next;

	if (int_load(o, "updated_ms", &p->updated_ms, where, err) != 0 ||
	    int_load(o, "default", &def, where, err) != 0 ||
	    int_load(o, "next", &next, where, err) != 0)
		return -1;
	if (desc)
		p->description = fg_strdup(desc);
	if (!YAJL_IS_ARRAY(vs) || fg_json_len(vs) == 0 || fg_json_len(vs) > IAM_MAX_VERSIONS) {
		*err = fg_printf("%s: \"versions\" must be a list of 1 to %d versions", where,
		    IAM_MAX_VERSIONS);
		return -1;
	}
	for (size_t i = 0; i < fg_json_len(vs); i++) {
		fg_json v = fg_json_at(vs, i);
		int64_t num, created;
		const char *doc;

		if (int_load(v, "num", &num, where, err) != 0 ||
		    int_load(v, "created_ms", &created, where, err) != 0 ||
		    (doc = str_load(v, "doc", where, err)) == NULL)
			return -1;
		if (num < 1 || num >= next) {
			*err = fg_printf("%s: version number %lld is not in [1, next)", where,
			    (long long)num);
			return -1;
		}
		iam_policy_add_version(p, (int)num, doc, created);
		p->default_num = num == def ? (int)num : p->default_num;
	}
	p->next_num = (int)next;
	if (p->default_num == 0) {
		*err = fg_printf("%s: the default version v%lld is not among the versions", where,
		    (long long)def);
		return -1;
	}
	return 0;
}

/* Makes a role from a saved object (into *out, also when reading its members fails). */
static int
role_make(fg_json o, const struct saved *s, struct iam_entity **out, const char *where,
    char **err)
{
	const char *trust = str_load(o, "trust", where, err);
	struct iam_role *r;

	if (trust == NULL)
		return -1;
	r = iam_role_new(s->account, s->path, s->name, s->id, s->created_ms, trust);
	*out = &r->e;
	return role_load(o, r, where, err);
}

/* Makes a managed policy from a saved object. */
static int
policy_make(fg_json o, const struct saved *s, struct iam_entity **out, const char *where,
    char **err)
{
	struct iam_policy *p = iam_policy_new(s->account, s->path, s->name, s->id, s->created_ms);

	*out = &p->e;
	return policy_load(o, p, where, err);
}

/* Makes an instance profile from a saved object. */
static int
profile_make(fg_json o, const struct saved *s, struct iam_entity **out, const char *where,
    char **err)
{
	struct iam_profile *p = iam_profile_new(s->account, s->path, s->name, s->id, s->created_ms);
	const char *role = fg_json_str(fg_json_get(o, "role"));

	(void)where;
	(void)err;
	if (role)
		p->role = fg_strdup(role);
	*out = &p->e;
	return 0;
}

/* Loads one list of entities (named name in the file), each made by make. */
static int
list_load(fg_json root, const char *name, struct iam_list *l,
    int (*make)(fg_json, const struct saved *, struct iam_entity **, const char *, char **),
    char **err)
{
	fg_json arr = fg_json_get(root, name);

	if (!YAJL_IS_ARRAY(arr)) {
		*err = fg_printf("\"%s\" must be a list", name);
		return -1;
	}
	for (size_t i = 0; i < fg_json_len(arr); i++) {
		fg_json o = fg_json_at(arr, i);
		char *where = fg_printf("%s[%zu]", name, i);
		struct iam_entity *e = NULL;
		struct saved s;
		int rc = entity_load(o, l, &s, where, err) == 0 ? make(o, &s, &e, where, err) : -1;

		if (e) {
			iam_list_add(l, e);
			if (rc == 0)
				rc = sqs_kv_read(o, "tags", &e->tags, &e->ntags, where, err);
		}
		free(where);
		if (rc != 0)
			return -1;
	}
	return 0;
}

/* Loads the IAM state written by iam_state_save. */
int
iam_state_load(void *arg, fg_json root, char **err)
{
	struct iam_state *st = arg;
	int64_t version = 0;

	if (fg_json_int(fg_json_get(root, "version"), &version) != 0 ||
	    version != IAM_STATE_VERSION) {
		*err = fg_printf("not IAM state version %d (needs \"version\", \"roles\", "
		    "\"policies\" and \"profiles\")", IAM_STATE_VERSION);
		return -1;
	}
	return list_load(root, "roles", &st->roles, role_make, err) == 0 &&
	    list_load(root, "policies", &st->policies, policy_make, err) == 0 &&
	    list_load(root, "profiles", &st->profiles, profile_make, err) == 0 ? 0 : -1;
}
