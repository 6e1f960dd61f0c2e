/* creds.c: the AWS credential and region chain (environment, shared files, instance metadata)
 * and the background refresh of expiring credentials. */
#include "config.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "base.h"
#include "creds.h"
#include "json.h"

#define REFRESH_MARGIN_MS (5 * 60 * 1000) /* refresh this long before expiry */
#define REFRESH_MIN_MS 1000               /* never sooner than this after the last try */
#define ROLE_PATH "/latest/meta-data/iam/security-credentials/"
#define REGION_PATH "/latest/meta-data/placement/region"

struct env_waiter {
	fg_aws_env_cb cb;
	void *arg;
};

struct fg_aws_env {
	struct fg_http_client *http;
	struct fg_aws_profile *profile;
	struct fg_imds *imds;
	struct fg_creds creds;          /* access_key NULL while none is known */
	char *role;                     /* instance role, when credentials come from metadata */
	char *region;
	char *region_source;
	int resolving;                  /* a lookup is under way */
	int resolved;                   /* the last lookup found credentials and region */
	char *err;                      /* the last lookup's error */
	struct fg_buf creds_why;        /* places looked for credentials, ", "-separated */
	struct fg_buf region_why;       /* places looked for a region */
	/* What follows a credential fetch from instance metadata (lookup or refresh). */
	void (*creds_done)(struct fg_aws_env *, const char *err);
	struct env_waiter *waiters;
	size_t nwaiters;
	struct fg_timer *notify;        /* calls the waiters back from the loop */
	struct fg_timer *refresh;       /* refreshes credentials from instance metadata */
	struct log_limit refresh_limit;
	int notifying;                  /* inside the waiters' callbacks */
	int freed;                      /* fg_aws_env_free was called from a callback */
};

static void fetch_creds(struct fg_aws_env *);

/* Adds a place looked to a ", "-separated list. */
static void FG_PRINTF(2, 3)
why_add(struct fg_buf *b, const char *fmt, ...)
{
	va_list ap;

	if (b->len > 0)
		fg_buf_addstr(b, ", ");
	va_start(ap, fmt);
	fg_buf_vaddf(b, fmt, ap);
	va_end(ap);
}

/* Replaces the current credentials. */
static void
creds_set(struct fg_aws_env *env, const char *ak, const char *sk, const char *token,
    time_t expiration, char *source)
{
	fg_creds_clear(&env->creds);
	env->creds.access_key = fg_strdup(ak);
	env->creds.secret_key = fg_strdup(sk);
	env->creds.session_token = token && *token ? fg_strdup(token) : NULL;
	env->creds.expiration = expiration;
	env->creds.source = source;
}

/* Step 1: AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY; -1 with *err when only one is set. */
static int
creds_from_environment(struct fg_aws_env *env, char **err)
{
	const char *ak = fg_aws_getenv("AWS_ACCESS_KEY_ID");
	const char *sk = fg_aws_getenv("AWS_SECRET_ACCESS_KEY");
	const char *token = fg_aws_getenv("AWS_SESSION_TOKEN");

	if (token == NULL)
		token = fg_aws_getenv("AWS_SECURITY_TOKEN");
	if (ak && sk) {
		creds_set(env, ak, sk, token, 0, fg_strdup("environment"));
		return 0;
	}
	if (ak || sk) {
		*err = fg_printf("%s is set but %s is not", ak ? "AWS_ACCESS_KEY_ID" :
		    "AWS_SECRET_ACCESS_KEY", ak ? "AWS_SECRET_ACCESS_KEY" : "AWS_ACCESS_KEY_ID");
		return -1;
	}
	why_add(&env->creds_why, "not in environment (AWS_ACCESS_KEY_ID)");
	return 0;
}

/* Fails for a profile section that gets credentials in a way Fugue does not support. */
static int
check_supported(const struct fg_ini *ini, const struct fg_ini_section *s, char **err)
{
	static const char *const other[] = { "role_arn", "credential_process", "sso_session",
	    "sso_start_url", "web_identity_token_file" };
	const struct fg_ini_prop *p;

	for (size_t i = 0; i < FG_ARRAY_LEN(other); i++) {
		if ((p = fg_ini_prop(s, other[i])) != NULL) {
			*err = fg_printf("%s:%d: [%s] gets credentials through %s, which Fugue does "
			    "not support: give aws_access_key_id and aws_secret_access_key, or run "
			    "with an instance role", ini->path, p->line, s->name, other[i]);
			return -1;
		}
	}
	return 0;
}

/* Step 2, per file: the keys of one profile section; label names it in messages. */
static int
creds_from_section(struct fg_aws_env *env, const struct fg_ini *ini,
    const struct fg_ini_section *s, const char *label, char **err)
{
	const char *ak = fg_ini_get(s, "aws_access_key_id");
	const char *sk = fg_ini_get(s, "aws_secret_access_key");
	const char *token = fg_ini_get(s, "aws_session_token");

	if (token == NULL)
		token = fg_ini_get(s, "aws_security_token");
	if (ak && *ak && sk && *sk) {
		creds_set(env, ak, sk, token, 0, fg_printf("profile %s in %s", env->profile->name,
		    ini->path));
		return 0;
	}
	if ((ak && *ak) || (sk && *sk)) {
		const struct fg_ini_prop *p = fg_ini_prop(s, ak && *ak ? "aws_access_key_id" :
		    "aws_secret_access_key");

		*err = fg_printf("%s:%d: [%s] has %s but no %s", ini->path, p->line, s->name,
		    p->key, ak && *ak ? "aws_secret_access_key" : "aws_access_key_id");
		return -1;
	}
	why_add(&env->creds_why, "not in %s [%s]%s", ini->path, label,
	    ini->exists ? "" : " (no such file)");
	return 0;
}

/* Step 2: the profile in the credentials file, then in the config file. */
static int
creds_from_profile(struct fg_aws_env *env, char **err)
{
	struct fg_aws_profile *p = env->profile;
	char *label;
	int rc;

	if (check_supported(p->credentials, p->cred_sect, err) < 0 ||
	    check_supported(p->config, p->conf_sect, err) < 0)
		return -1;
	if (creds_from_section(env, p->credentials, p->cred_sect, p->name, err) < 0)
		return -1;
	if (env->creds.access_key != NULL)
		return 0;
	label = p->conf_sect ? fg_strdup(p->conf_sect->name) : fg_printf("profile %s", p->name);
	rc = creds_from_section(env, p->config, p->conf_sect, label, err);
	free(label);
	return rc;
}

/* The region from the environment or the profile, noting where it looked. */
static void
region_from_config(struct fg_aws_env *env)
{
	static const char *const vars[] = { "AWS_REGION", "AWS_DEFAULT_REGION" };
	struct fg_aws_profile *p = env->profile;
	const char *v;

	for (size_t i = 0; i < FG_ARRAY_LEN(vars); i++) {
		if ((v = fg_aws_getenv(vars[i])) != NULL) {
			env->region = fg_strdup(v);
			env->region_source = fg_strdup(vars[i]);
			return;
		}
	}
	why_add(&env->region_why, "not in environment (AWS_REGION, AWS_DEFAULT_REGION)");
	if ((v = fg_aws_profile_get(p, "region")) != NULL && *v) {
		env->region = fg_strdup(v);
		env->region_source = fg_printf("profile %s in %s", p->name, p->config->path);
		return;
	}
	if (p->conf_sect)
		why_add(&env->region_why, "not in %s [%s]", p->config->path, p->conf_sect->name);
	else
		why_add(&env->region_why, "not in %s [profile %s]%s", p->config->path, p->name,
		    p->config->exists ? "" : " (no such file)");
}

/* The error naming every place looked for what is missing, or NULL when nothing is. */
static char *
missing_error(struct fg_aws_env *env)
{
	struct fg_buf b;

	if (env->creds.access_key != NULL && env->region != NULL)
		return NULL;
	fg_buf_init(&b);
	if (env->creds.access_key == NULL)
		fg_buf_addf(&b, "no AWS credentials: %s", fg_buf_cstr(&env->creds_why));
	if (env->region == NULL)
		fg_buf_addf(&b, "%sno AWS region: %s", b.len ? "; " : "",
		    fg_buf_cstr(&env->region_why));
	return fg_buf_detach(&b);
}

/* When to refresh credentials: REFRESH_MARGIN_MS before they expire, or halfway to expiry when
 * that is closer, and never sooner than REFRESH_MIN_MS. */
static uint64_t
refresh_delay_ms(time_t expiration)
{
	int64_t left = (int64_t)expiration * 1000 - fg_wall_ms();
	int64_t d = left > 2 * REFRESH_MARGIN_MS ? left - REFRESH_MARGIN_MS : left / 2;

	return d < REFRESH_MIN_MS ? REFRESH_MIN_MS : (uint64_t)d;
}

/* Arms the refresh timer for credentials from instance metadata. */
static void
schedule_refresh(struct fg_aws_env *env)
{
	uint64_t ms;

	if (env->role == NULL || env->creds.access_key == NULL || env->creds.expiration == 0)
		return;
	ms = refresh_delay_ms(env->creds.expiration);
	log_debug("creds", "credentials of role %s expire at %lld: refreshing in %llu ms",
	    env->role, (long long)env->creds.expiration, (unsigned long long)ms);
	fg_timer_add(env->refresh, ms);
}

/* Ends a lookup (err owned, NULL for success) and calls the waiters back from the loop. */
static void
lookup_end(struct fg_aws_env *env, char *err)
{
	free(env->err);
	env->err = err;
	env->resolving = 0;
	env->resolved = err == NULL;
	if (err == NULL)
		log_debug("creds", "credentials from %s, region %s from %s", env->creds.source,
		    env->region, env->region_source);
	schedule_refresh(env);
	fg_timer_add(env->notify, 0);
}

/* Calls every waiter with the outcome of the lookup. */
static void
notify_fire(void *arg)
{
	struct fg_aws_env *env = arg;
	struct env_waiter *w = env->waiters;
	size_t n = env->nwaiters;
	char *err;

	if (env->resolving)
		return;
	err = env->err ? fg_strdup(env->err) : NULL;
	env->waiters = NULL;
	env->nwaiters = 0;
	env->notifying = 1;
	for (size_t i = 0; i < n && !env->freed; i++)
		w[i].cb(env, err, w[i].arg);
	env->notifying = 0;
	free(w);
	free(err);
	if (env->freed)
		fg_aws_env_free(env);
}

/* The region from instance metadata has come (or not): the lookup ends. */
static void
region_answer(const char *err, const char *body, size_t len, void *arg)
{
	struct fg_aws_env *env = arg;

	while (len > 0 && isspace((unsigned char)body[len - 1]))
		len--;
	if (err != NULL)
		why_add(&env->region_why, "instance metadata at %s %s", fg_imds_endpoint(env->imds),
		    err);
	else if (len == 0)
		why_add(&env->region_why, "instance metadata at %s answered an empty region",
		    fg_imds_endpoint(env->imds));
	else {
		env->region = fg_strndup(body, len);
		env->region_source = fg_strdup("instance metadata");
	}
	lookup_end(env, missing_error(env));
}

/* A lookup's credential fetch from instance metadata ended: the region next, if missing. */
static void
lookup_creds_done(struct fg_aws_env *env, const char *err)
{
	if (err != NULL) {
		why_add(&env->creds_why, "instance metadata at %s %s", fg_imds_endpoint(env->imds),
		    err);
		if (env->region == NULL)
			why_add(&env->region_why, "instance metadata at %s %s",
			    fg_imds_endpoint(env->imds), err);
	} else if (env->region == NULL) {
		fg_imds_get(env->imds, REGION_PATH, region_answer, env);
		return;
	}
	lookup_end(env, missing_error(env));
}

/* A background refresh ended: keep the old credentials on failure, and plan the next one. */
static void
refresh_done(struct fg_aws_env *env, const char *err)
{
	char when[32];
	struct tm tm;

	if (err != NULL) {
		strftime(when, sizeof(when), "%Y-%m-%dT%H:%M:%SZ",
		    gmtime_r(&env->creds.expiration, &tm));
		log_warnx_limited(&env->refresh_limit, "cannot refresh AWS credentials of role %s: "
		    "instance metadata at %s %s; the current ones expire at %s", env->role,
		    fg_imds_endpoint(env->imds), err, when);
	} else
		log_debug("creds", "refreshed credentials of role %s", env->role);
	schedule_refresh(env);
}

/* Parses "2024-05-01T12:34:56Z" (fractions of a second allowed). */
static int
parse_iso8601(const char *s, time_t *out)
{
	struct tm tm;
	int n = 0;

	memset(&tm, 0, sizeof(tm));
	if (sscanf(s, "%4d-%2d-%2dT%2d:%2d:%2d%n", &tm.tm_year, &tm.tm_mon, &tm.tm_mday,
	    &tm.tm_hour, &tm.tm_min, &tm.tm_sec, &n) != 6 || n != 19)
		return -1;
	s += n;
	if (*s == '.')
		for (s++; isdigit((unsigned char)*s); s++)
			;
	if (strcmp(s, "Z") != 0 && strcmp(s, "+00:00") != 0)
		return -1;
	if (tm.tm_mon < 1 || tm.tm_mon > 12 || tm.tm_mday < 1 || tm.tm_mday > 31 ||
	    tm.tm_hour > 23 || tm.tm_min > 59 || tm.tm_sec > 60)
		return -1;
	tm.tm_year -= 1900;
	tm.tm_mon -= 1;
	*out = timegm(&tm);
	return 0;
}

/* Installs the role's credentials from their JSON document; NULL or an error message. */
static char *
install_role_creds(struct fg_aws_env *env, const char *body, size_t len)
{
	static const char *const keys[] = { "AccessKeyId", "SecretAccessKey", "Token",
	    "Expiration" };
	const char *v[FG_ARRAY_LEN(keys)], *code;
	char *jerr = NULL, *err = NULL;
	time_t expiration;
	fg_json doc = fg_json_parse(body, len, &jerr);

	if (doc == NULL) {
		err = fg_printf("answered bad JSON for role %s: %s", env->role, jerr);
		free(jerr);
		return err;
	}
	code = fg_json_str(fg_json_get(doc, "Code"));
	if (code != NULL && strcmp(code, "Success") != 0) {
		err = fg_printf("answered Code \"%s\" for the credentials of role %s", code,
		    env->role);
		goto done;
	}
	for (size_t i = 0; i < FG_ARRAY_LEN(keys); i++) {
		if ((v[i] = fg_json_str(fg_json_get(doc, keys[i]))) == NULL || *v[i] == '\0') {
			err = fg_printf("answered credentials for role %s without a string %s",
			    env->role, keys[i]);
			goto done;
		}
	}
	if (parse_iso8601(v[3], &expiration) < 0) {
		err = fg_printf("answered credentials for role %s with a bad Expiration \"%s\"",
		    env->role, v[3]);
		goto done;
	}
	creds_set(env, v[0], v[1], v[2], expiration, fg_printf("instance metadata (role %s)",
	    env->role));
done:
	fg_json_free(doc);
	return err;
}

/* The role's credentials have come (or not). */
static void
role_creds_answer(const char *err, const char *body, size_t len, void *arg)
{
	struct fg_aws_env *env = arg;
	char *ierr;

	if (err != NULL) {
		env->creds_done(env, err);
		return;
	}
	ierr = install_role_creds(env, body, len);
	env->creds_done(env, ierr);
	free(ierr);
}

/* The role name has come (or not): fetch its credentials. */
static void
role_answer(const char *err, const char *body, size_t len, void *arg)
{
	struct fg_aws_env *env = arg;
	size_t n = 0;
	char *path;

	if (err != NULL) {
		env->creds_done(env, err);
		return;
	}
	while (n < len && !isspace((unsigned char)body[n]))
		n++;
	if (n == 0) {
		env->creds_done(env, "has no IAM role (empty answer to GET " ROLE_PATH ")");
		return;
	}
	free(env->role);
	env->role = fg_strndup(body, n);
	path = fg_printf("%s%s", ROLE_PATH, env->role);
	fg_imds_get(env->imds, path, role_creds_answer, env);
	free(path);
}

/* Starts fetching the instance role's credentials; env->creds_done tells what follows. */
static void
fetch_creds(struct fg_aws_env *env)
{
	fg_imds_get(env->imds, ROLE_PATH, role_answer, env);
}

/* The refresh timer fired. */
static void
refresh_fire(void *arg)
{
	struct fg_aws_env *env = arg;

	env->creds_done = refresh_done;
	fetch_creds(env);
}

/* Forgets everything a previous lookup found. */
static void
lookup_reset(struct fg_aws_env *env)
{
	fg_timer_del(env->refresh);
	fg_imds_free(env->imds);
	env->imds = NULL;
	fg_aws_profile_free(env->profile);
	env->profile = NULL;
	fg_creds_clear(&env->creds);
	free(env->role);
	free(env->region);
	free(env->region_source);
	free(env->err);
	env->role = env->region = env->region_source = env->err = NULL;
	fg_buf_reset(&env->creds_why);
	fg_buf_reset(&env->region_why);
}

/* Runs the chain: environment and files at once, instance metadata asynchronously. */
static void
lookup_start(struct fg_aws_env *env)
{
	struct fg_imds_opts o;
	char *err = NULL;

	lookup_reset(env);
	env->resolving = 1;
	if ((env->profile = fg_aws_profile_load(&err)) == NULL ||
	    creds_from_environment(env, &err) < 0 ||
	    (env->creds.access_key == NULL && creds_from_profile(env, &err) < 0)) {
		lookup_end(env, err);
		return;
	}
	region_from_config(env);
	if (env->creds.access_key != NULL && env->region != NULL) {
		lookup_end(env, NULL);
		return;
	}
	if (env->http == NULL || fg_aws_true(fg_aws_getenv("AWS_EC2_METADATA_DISABLED"))) {
		const char *why = env->http == NULL ? "instance metadata not consulted (no HTTP "
		    "client)" : "instance metadata disabled (AWS_EC2_METADATA_DISABLED=true)";

		if (env->creds.access_key == NULL)
			why_add(&env->creds_why, "%s", why);
		if (env->region == NULL)
			why_add(&env->region_why, "%s", why);
		lookup_end(env, missing_error(env));
		return;
	}
	fg_imds_opts_from_env(&o, env->profile);
	env->imds = fg_imds_new(env->http, &o);
	if (env->creds.access_key == NULL) {
		env->creds_done = lookup_creds_done;
		fetch_creds(env);
	} else
		fg_imds_get(env->imds, REGION_PATH, region_answer, env);
}

/* Creates an environment; nothing is read until fg_aws_env_resolve. */
struct fg_aws_env *
fg_aws_env_new(struct fg_loop *loop, struct fg_http_client *http)
{
	struct fg_aws_env *env = fg_calloc(1, sizeof(*env));

	env->http = http;
	fg_buf_init(&env->creds_why);
	fg_buf_init(&env->region_why);
	env->notify = fg_timer_new(loop, notify_fire, env);
	env->refresh = fg_timer_new(loop, refresh_fire, env);
	env->refresh_limit.interval_ms = 60 * 1000;
	return env;
}

/* Frees an environment (deferred to the end of the callbacks when called from one). */
void
fg_aws_env_free(struct fg_aws_env *env)
{
	if (env == NULL)
		return;
	if (env->notifying) {
		env->freed = 1;
		return;
	}
	lookup_reset(env);
	fg_timer_free(env->notify);
	fg_timer_free(env->refresh);
	fg_buf_free(&env->creds_why);
	fg_buf_free(&env->region_why);
	free(env->waiters);
	free(env);
}

/* Finds credentials and region; cb runs from the loop when they are known. */
void
fg_aws_env_resolve(struct fg_aws_env *env, fg_aws_env_cb cb, void *arg)
{
	env->waiters = fg_realloc(env->waiters, (env->nwaiters + 1) * sizeof(*env->waiters));
	env->waiters[env->nwaiters].cb = cb;
	env->waiters[env->nwaiters].arg = arg;
	env->nwaiters++;
	if (env->resolving)
		return;
	if (env->resolved)
		fg_timer_add(env->notify, 0);
	else
		lookup_start(env);
}

/* The current credentials, or NULL. */
const struct fg_creds *
fg_aws_env_creds(const struct fg_aws_env *env)
{
	return env->creds.access_key ? &env->creds : NULL;
}

/* The region, or NULL. */
const char *
fg_aws_env_region(const struct fg_aws_env *env)
{
	return env->region;
}

/* Where the region came from, or NULL. */
const char *
fg_aws_env_region_source(const struct fg_aws_env *env)
{
	return env->region_source;
}

/* The profile the last lookup read, or NULL. */
const struct fg_aws_profile *
fg_aws_env_profile(const struct fg_aws_env *env)
{
	return env->profile;
}
