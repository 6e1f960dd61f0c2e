/* creds.h: the AWS credential and region chain, found as the AWS CLI finds them, and the
 * instance metadata (IMDSv2) client it uses.
 *
 * Credentials, first found wins:
 *   1. the environment: AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY (both, non-empty), with
 *      AWS_SESSION_TOKEN (or the older AWS_SECURITY_TOKEN) when set;
 *   2. the profile: AWS_PROFILE (or the older AWS_DEFAULT_PROFILE), "default" when unset:
 *      aws_access_key_id, aws_secret_access_key and aws_session_token in section [name] of the
 *      shared credentials file (AWS_SHARED_CREDENTIALS_FILE, default ~/.aws/credentials), then
 *      in [profile name] ([default] also for "default") of the shared config file
 *      (AWS_CONFIG_FILE, default ~/.aws/config);
 *   3. EC2 instance metadata (IMDSv2), unless AWS_EC2_METADATA_DISABLED=true: a session token
 *      from PUT /latest/api/token, the role name from /latest/meta-data/iam/security-credentials/,
 *      then the role's JSON credentials. Such credentials expire; they are refreshed in the
 *      background before they do (see fg_aws_env_resolve).
 * Region, first found wins: AWS_REGION, AWS_DEFAULT_REGION, the profile's "region" in the config
 * file, then instance metadata (/latest/meta-data/placement/region).
 *
 * A profile named by AWS_PROFILE that exists in neither file is an error, as are malformed
 * files and half-given keys (an access key without its secret). Profiles that get credentials
 * another way (role_arn, credential_process, sso_session, sso_start_url, web_identity_token_file)
 * are reported as unsupported rather than skipped. Container credentials (ECS) and web identity
 * from the environment are not consulted.
 */
#ifndef FUGUE_CREDS_H
#define FUGUE_CREDS_H

#include "base.h"
#include "http.h"
#include "ini.h"
#include "sigv4.h"

/* profile.c: the shared config and credentials files and the profile chosen in them. */
struct fg_aws_profile {
	char *name;                             /* "default" unless AWS_PROFILE names another */
	int named;                              /* 1 when AWS_PROFILE (or AWS_DEFAULT_PROFILE) set it */
	struct fg_ini *credentials;             /* shared credentials file, possibly empty */
	struct fg_ini *config;                  /* shared config file, possibly empty */
	const struct fg_ini_section *cred_sect; /* [name] in credentials, or NULL */
	const struct fg_ini_section *conf_sect; /* [profile name] (or [default]) in config, or NULL */
};
/* Reads both files and finds the profile. Returns NULL with *err set (caller frees) when a file
 * is malformed or unreadable, or the named profile exists in neither file. */
struct fg_aws_profile *fg_aws_profile_load(char **err);
void fg_aws_profile_free(struct fg_aws_profile *);
/* A setting of the profile in the config file ("region", "endpoint_url"), or NULL. */
const char *fg_aws_profile_get(const struct fg_aws_profile *, const char *key);
/* An environment variable's value, or NULL when unset or empty (the AWS tools ignore empty ones). */
const char *fg_aws_getenv(const char *name);
/* A setting as the CLI reads it: the environment variable when set, else the profile's key in the
 * config file, else NULL (profile may be NULL). */
const char *fg_aws_setting(const struct fg_aws_profile *, const char *var, const char *key);
/* Case-insensitive "true" test for boolean settings and variables (NULL is false). */
int fg_aws_true(const char *);

/* imds.c: a client for EC2 instance metadata, IMDSv2 with the CLI's fallback to IMDSv1 when the
 * token request is refused with 403, 404 or 405 (unless AWS_EC2_METADATA_V1_DISABLED=true or the
 * profile's ec2_metadata_v1_disabled). */
struct fg_imds_opts {
	const char *endpoint;  /* default "http://169.254.169.254" */
	unsigned timeout_ms;   /* per attempt; default 1000 */
	unsigned attempts;     /* per request; default 2 (one retry) */
	int v1_disabled;       /* 1: never fall back to requests without a token */
};
/* Fills opts from the environment and the profile (may be NULL), as the CLI does:
 * AWS_EC2_METADATA_SERVICE_ENDPOINT / ec2_metadata_service_endpoint,
 * AWS_EC2_METADATA_SERVICE_ENDPOINT_MODE / ec2_metadata_service_endpoint_mode (IPv4, IPv6),
 * AWS_METADATA_SERVICE_TIMEOUT / metadata_service_timeout (seconds),
 * AWS_METADATA_SERVICE_NUM_ATTEMPTS / metadata_service_num_attempts,
 * AWS_EC2_METADATA_V1_DISABLED / ec2_metadata_v1_disabled. The endpoint points into the
 * environment, the profile or a constant: fg_imds_new copies it. */
void fg_imds_opts_from_env(struct fg_imds_opts *, const struct fg_aws_profile *);
struct fg_imds;
/* Called once per fg_imds_get, on the loop: err NULL and the body of a 200 answer, or err saying
 * what happened ("did not answer: connection refused", "answered 404 Not Found to GET ..."). */
typedef void (*fg_imds_cb)(const char *err, const char *body, size_t len, void *arg);
struct fg_imds *fg_imds_new(struct fg_http_client *, const struct fg_imds_opts *);
/* Cancels pending requests without calling their callbacks. */
void fg_imds_free(struct fg_imds *);
const char *fg_imds_endpoint(const struct fg_imds *);
/* GETs path ("/latest/meta-data/..."), with a session token fetched (and cached for its
 * lifetime) first; retries transport failures and 5xx answers. */
void fg_imds_get(struct fg_imds *, const char *path, fg_imds_cb, void *arg);

/* creds.c: the chain itself. */
struct fg_aws_env;
/* Called once per fg_aws_env_resolve, always from the loop (never from inside the resolve
 * call). err is NULL when both credentials and region were found; otherwise it names every
 * place looked for what is missing, e.g. "no AWS credentials: not in environment
 * (AWS_ACCESS_KEY_ID), not in /root/.aws/credentials [default], not in /root/.aws/config
 * [profile default], instance metadata at http://169.254.169.254 did not answer: connection
 * refused". What was found is available through the getters even then. */
typedef void (*fg_aws_env_cb)(struct fg_aws_env *, const char *err, void *arg);

/* http is used for instance metadata; NULL leaves instance metadata out of the chain. */
struct fg_aws_env *fg_aws_env_new(struct fg_loop *, struct fg_http_client *http);
/* Stops refreshing and drops pending callbacks without calling them. */
void fg_aws_env_free(struct fg_aws_env *);
/* Finds credentials and region. The environment and files are read at the first call; after a
 * success later calls answer at once (on the loop) with what is known, after a failure they
 * look again. Concurrent calls share one lookup. Credentials from instance metadata are then
 * refreshed on a timer 5 minutes before they expire (halfway to expiry when they live shorter
 * than 10 minutes, at least 1 s apart); until a refresh succeeds the old ones stay current. */
void fg_aws_env_resolve(struct fg_aws_env *, fg_aws_env_cb, void *arg);
/* The current credentials, or NULL when none were found. The struct stays at the same address
 * but a refresh replaces its strings: copy (fg_creds_copy) what must outlive this loop turn. */
const struct fg_creds *fg_aws_env_creds(const struct fg_aws_env *);
/* The region ("eu-west-1"), or NULL when none was found. */
const char *fg_aws_env_region(const struct fg_aws_env *);
/* Where the region came from: "AWS_REGION", "profile dev", "instance metadata", or NULL. */
const char *fg_aws_env_region_source(const struct fg_aws_env *);
/* The profile read by the first resolve (for endpoints and other settings), or NULL before. */
const struct fg_aws_profile *fg_aws_env_profile(const struct fg_aws_env *);

#endif
