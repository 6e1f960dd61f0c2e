/* config.c: the configuration file: access keys and fault rules, in YAML (or JSON). */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "lc.h"

/* Adds an access key mapped to an account and IAM user. */
void
lc_key_add(struct lc_server *srv, const char *ak, const char *sk, const char *account,
    const char *user_arn, const char *user_id)
{
	struct lc_key *k;

	srv->keys = fg_realloc(srv->keys, (srv->nkeys + 1) * sizeof(*srv->keys));
	k = &srv->keys[srv->nkeys++];
	k->access_key = fg_strdup(ak);
	k->secret_key = fg_strdup(sk);
	k->account = fg_strdup(account);
	k->user_arn = fg_strdup(user_arn);
	k->user_id = fg_strdup(user_id);
}

/* Frees the access keys. */
void
lc_keys_free(struct lc_server *srv)
{
	for (size_t i = 0; i < srv->nkeys; i++) {
		free(srv->keys[i].access_key);
		free(srv->keys[i].secret_key);
		free(srv->keys[i].account);
		free(srv->keys[i].user_arn);
		free(srv->keys[i].user_id);
	}
	free(srv->keys);
}

/* Says whether s is twelve digits. */
static int
is_account(const char *s)
{
	return s && strlen(s) == 12 && strspn(s, "0123456789") == 12;
}

/* A string member of a key entry, or NULL; *err when present but not a string. */
static const char *
key_str(fg_json o, const char *name, size_t idx, char **err)
{
	fg_json v = fg_json_get(o, name);

	if (v == NULL || *err)
		return NULL;
	if (fg_json_str(v) == NULL || *fg_json_str(v) == '\0')
		*err = fg_printf("keys[%zu].%s must be a non-empty string", idx, name);
	return fg_json_str(v);
}

/* Reads the "keys" list. */
static int
keys_load(struct lc_server *srv, fg_json keys, char **err)
{
	if (!YAJL_IS_ARRAY(keys)) {
		*err = fg_printf("\"keys\" must be a list, not %s", fg_json_type_name(keys));
		return -1;
	}
	for (size_t i = 0; i < fg_json_len(keys); i++) {
		fg_json o = fg_json_at(keys, i);
		const char *ak, *sk, *acct, *arn, *uid;
		char *darn = NULL, *duid = NULL;

		if (!YAJL_IS_OBJECT(o)) {
			*err = fg_printf("keys[%zu] must be a mapping", i);
			return -1;
		}
		for (size_t j = 0; j < fg_json_len(o); j++) {
			const char *k = fg_json_key(o, j);

			if (strcmp(k, "access_key") && strcmp(k, "secret_key") && strcmp(k, "account") &&
			    strcmp(k, "user_arn") && strcmp(k, "user_id")) {
				*err = fg_printf("keys[%zu]: unknown key \"%s\" (known: access_key, "
				    "secret_key, account, user_arn, user_id)", i, k);
				return -1;
			}
		}
		ak = key_str(o, "access_key", i, err);
		sk = key_str(o, "secret_key", i, err);
		acct = key_str(o, "account", i, err);
		arn = key_str(o, "user_arn", i, err);
		uid = key_str(o, "user_id", i, err);
		if (*err)
			return -1;
		if (ak == NULL || sk == NULL) {
			*err = fg_printf("keys[%zu] needs access_key and secret_key", i);
			return -1;
		}
		if (acct == NULL)
			acct = LC_DEFAULT_ACCOUNT;
		if (!is_account(acct)) {
			*err = fg_printf("keys[%zu].account must be 12 digits (quote it in YAML)", i);
			return -1;
		}
		if (lc_find_key(srv, ak)) {
			*err = fg_printf("keys[%zu]: access key %s is listed twice", i, ak);
			return -1;
		}
		if (arn == NULL)
			arn = darn = fg_printf("arn:aws:iam::%s:user/%s", acct, ak);
		if (uid == NULL)
			uid = duid = fg_printf("AIDA%s", ak);
		lc_key_add(srv, ak, sk, acct, arn, uid);
		free(darn);
		free(duid);
	}
	return 0;
}

/* Reads the configuration file: {keys: [...], default_key: bool, faults: [...]}. */
int
lc_config_load(struct lc_server *srv, const char *path, char **err)
{
	struct fg_buf b;
	char *json = NULL, *e = NULL;
	fg_json root = NULL, v;
	int rc = -1;

	fg_buf_init(&b);
	if (lc_read_file(path, &b, &e) != 0) {
		*err = e ? e : fg_printf("%s: no such file", path);
		fg_buf_free(&b);
		return -1;
	}
	if ((json = lc_yaml_to_json(b.data, b.len, &e)) == NULL ||
	    (root = fg_json_parse(json, strlen(json), &e)) == NULL)
		goto out;
	if (YAJL_IS_NULL(root)) {
		rc = 0;
		goto out;
	}
	if (!YAJL_IS_OBJECT(root)) {
		e = fg_printf("the top level must be a mapping, not %s", fg_json_type_name(root));
		goto out;
	}
	for (size_t i = 0; i < fg_json_len(root); i++) {
		const char *k = fg_json_key(root, i);

		if (strcmp(k, "keys") && strcmp(k, "default_key") && strcmp(k, "faults")) {
			e = fg_printf("unknown key \"%s\" (known: keys, default_key, faults)", k);
			goto out;
		}
	}
	if ((v = fg_json_get(root, "default_key")) != NULL) {
		int on;

		if (fg_json_bool(v, &on) != 0) {
			e = fg_printf("\"default_key\" must be true or false");
			goto out;
		}
		if (!on && srv->nkeys > 0 && strcmp(srv->keys[0].access_key,
		    LC_DEFAULT_ACCESS_KEY) == 0) {
			struct lc_key *k = &srv->keys[0];

			free(k->access_key);
			free(k->secret_key);
			free(k->account);
			free(k->user_arn);
			free(k->user_id);
			memmove(srv->keys, srv->keys + 1, (--srv->nkeys) * sizeof(*srv->keys));
		}
	}
	if ((v = fg_json_get(root, "keys")) != NULL && keys_load(srv, v, &e) != 0)
		goto out;
	if ((v = fg_json_get(root, "faults")) != NULL && lc_faults_add(srv, v, &e) != 0)
		goto out;
	rc = 0;
out:
	if (rc != 0)
		*err = fg_printf("%s: %s", path, e);
	free(e);
	free(json);
	fg_json_free(root);
	fg_buf_free(&b);
	return rc;
}
