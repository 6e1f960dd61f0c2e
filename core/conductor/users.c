/* users.c: Fugue users (the users table) and their secrets (objects users/<name>.secret in the
 * bucket), cached for a minute; the bootstrap root user. */
#include "config.h"

#include <stdlib.h>
#include <string.h>
#include <sys/queue.h>

#include "conductor.h"
#include "sigv4.h"

#define USER_TTL_MS 60000     /* a known user's secret is looked up again after this */
#define UNKNOWN_TTL_MS 5000   /* an unknown user is looked up again after this */
#define SECRET_BYTES 32
#define ROOT USER_ROOT

struct user {
	LIST_ENTRY(user) link;
	char *name;
	char *secret;             /* NULL: no such user */
	uint64_t expires_ms;
};

struct users {
	struct conductor *c;
	LIST_HEAD(, user) cache;
};

/* One lookup (or the root user's creation) in progress. */
struct lookup {
	struct users *u;
	char *name;
	char *key;                /* the secret's object key */
	char *secret;             /* root: the secret being created */
	users_cb cb;
	void *arg;
};

/* Makes the user cache. */
struct users *
users_new(struct conductor *c)
{
	struct users *u = fg_calloc(1, sizeof(*u));

	u->c = c;
	LIST_INIT(&u->cache);
	return u;
}

/* Drops one cache entry. */
static void
user_drop(struct user *e)
{
	LIST_REMOVE(e, link);
	if (e->secret)
		memset(e->secret, 0, strlen(e->secret));
	free(e->secret);
	free(e->name);
	free(e);
}

/* Frees the cache. */
void
users_free(struct users *u)
{
	if (u == NULL)
		return;
	while (!LIST_EMPTY(&u->cache))
		user_drop(LIST_FIRST(&u->cache));
	free(u);
}

/* Remembers what a lookup found (secret NULL: no such user). */
static void
cache_put(struct users *u, const char *name, const char *secret)
{
	struct user *e;

	LIST_FOREACH(e, &u->cache, link)
		if (strcmp(e->name, name) == 0) {
			user_drop(e);
			break;
		}
	e = fg_calloc(1, sizeof(*e));
	e->name = fg_strdup(name);
	e->secret = secret ? fg_strdup(secret) : NULL;
	e->expires_ms = fg_mono_ms() + (secret ? USER_TTL_MS : UNKNOWN_TTL_MS);
	LIST_INSERT_HEAD(&u->cache, e, link);
}

/* Ends a lookup. */
static void
lookup_end(struct lookup *l, const char *secret, const char *err)
{
	if (err == NULL)
		cache_put(l->u, l->name, secret);
	l->cb(secret, err, l->arg);
	free(l->name);
	free(l->key);
	if (l->secret)
		memset(l->secret, 0, strlen(l->secret));
	free(l->secret);
	free(l);
}

/* A secret object's text without surrounding white space (caller frees), or NULL if empty. */
static char *
secret_text(const char *body, size_t len)
{
	while (len > 0 && strchr(" \t\r\n", body[len - 1]))
		len--;
	while (len > 0 && strchr(" \t\r\n", *body)) {
		body++;
		len--;
	}
	return len > 0 && memchr(body, '\0', len) == NULL ? fg_strndup(body, len) : NULL;
}

/* The secret object of a user arrived. */
static void
on_secret(const char *err, int notfound, const char *body, size_t len, void *arg)
{
	struct lookup *l = arg;
	char *secret, *msg;

	if (err) {
		msg = fg_printf("user %s: secret %s: %s", l->name, l->key, err);
		/* A user whose secret is gone cannot sign: treat it as unknown. */
		lookup_end(l, NULL, notfound ? NULL : msg);
		free(msg);
		return;
	}
	secret = secret_text(body, len);
	if (secret == NULL)
		log_warnx("user %s: secret object %s is empty", l->name, l->key);
	lookup_end(l, secret, NULL);
	free(secret);
}

/* The user's record arrived: fetch its secret. */
static void
on_user(const struct store_reply *r, void *arg)
{
	struct lookup *l = arg;
	struct user_rec rec;
	char *err = NULL, *msg;

	if (r->status == STORE_NOT_FOUND) {
		lookup_end(l, NULL, NULL);
		return;
	}
	if (r->status != STORE_OK) {
		msg = fg_printf("user %s: %s", l->name, r->message);
		lookup_end(l, NULL, msg);
		free(msg);
		return;
	}
	if (user_rec_read(r->item, &rec, &err) < 0) {
		log_warnx("%s", err);
		free(err);
		lookup_end(l, NULL, NULL);
		return;
	}
	free(l->key);
	l->key = fg_strdup(rec.secret_key);
	user_rec_free(&rec);
	obj_get(l->u->c, l->key, on_secret, l);
}

/* Starts a lookup record. */
static struct lookup *
lookup_new(struct users *u, const char *name, users_cb cb, void *arg)
{
	struct lookup *l = fg_calloc(1, sizeof(*l));

	l->u = u;
	l->name = fg_strdup(name);
	l->cb = cb;
	l->arg = arg;
	return l;
}

/* Finds a user's secret: from the cache (cb runs at once), else the users table and the
 * bucket. */
void
users_secret(struct users *u, const char *name, users_cb cb, void *arg)
{
	struct user *e, *next;
	uint64_t now = fg_mono_ms();

	for (e = LIST_FIRST(&u->cache); e != NULL; e = next) {
		next = LIST_NEXT(e, link);
		if (e->expires_ms <= now)
			user_drop(e);
		else if (strcmp(e->name, name) == 0) {
			cb(e->secret, NULL, arg);
			return;
		}
	}
	store_get(u->c->store, STORE_USERS, "user", name, on_user, lookup_new(u, name, cb, arg));
}

static void root_read(struct lookup *);

/* The root user's record was written: root exists. */
static void
on_root_record(const struct store_reply *r, void *arg)
{
	struct lookup *l = arg;

	if (r->status == STORE_CONFLICT) {
		/* Written meanwhile (another Conductor booting): read what it wrote. */
		root_read(l);
		return;
	}
	if (r->status != STORE_OK) {
		lookup_end(l, NULL, r->message);
		return;
	}
	log_info("created the root user; its secret is in s3://%s/%s", l->u->c->bucket, l->key);
	lookup_end(l, l->secret, NULL);
}

/* Writes the root user's record (creation only). */
static void
root_write_record(struct lookup *l)
{
	struct user_rec rec = { .name = l->name, .secret_key = l->key };
	struct fg_jw w;

	rec.created_ms = fg_wall_ms();
	store_item_begin(&w);
	user_rec_write(&w, &rec);
	store_put(l->u->c->store, STORE_USERS, &w, 0, on_root_record, l);
}

/* The new root secret was stored. */
static void
on_root_secret_put(const char *err, int notfound, const char *body, size_t len, void *arg)
{
	struct lookup *l = arg;

	(void)notfound;
	(void)body;
	(void)len;
	if (err) {
		lookup_end(l, NULL, err);
		return;
	}
	root_write_record(l);
}

/* The root secret object, if any: reuse it (a boot that stopped before the record), or make one. */
static void
on_root_secret(const char *err, int notfound, const char *body, size_t len, void *arg)
{
	struct lookup *l = arg;
	unsigned char rnd[SECRET_BYTES];
	char hex[2 * SECRET_BYTES + 1];

	if (err && !notfound) {
		lookup_end(l, NULL, err);
		return;
	}
	if (!err && (l->secret = secret_text(body, len)) != NULL) {
		root_write_record(l);
		return;
	}
	fg_random_bytes(rnd, sizeof(rnd));
	fg_hex(rnd, sizeof(rnd), hex);
	memset(rnd, 0, sizeof(rnd));
	l->secret = fg_strdup(hex);
	memset(hex, 0, sizeof(hex));
	obj_put(l->u->c, l->key, "text/plain", l->secret, strlen(l->secret), on_root_secret_put, l);
}

/* The root record, if any, arrived. */
static void
on_root(const struct store_reply *r, void *arg)
{
	struct lookup *l = arg;

	if (r->status == STORE_NOT_FOUND) {
		obj_get(l->u->c, l->key, on_root_secret, l);
		return;
	}
	on_user(r, l);
}

/* Reads the root user's record. */
static void
root_read(struct lookup *l)
{
	store_get(l->u->c->store, STORE_USERS, "user", ROOT, on_root, l);
}

/* Makes sure the root user exists; cb gets its secret. */
void
users_boot_root(struct users *u, users_cb cb, void *arg)
{
	struct lookup *l = lookup_new(u, ROOT, cb, arg);

	l->key = fg_strdup("users/" ROOT ".secret");
	root_read(l);
}
