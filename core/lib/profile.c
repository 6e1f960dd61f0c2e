/* profile.c: the shared AWS config and credentials files and the profile chosen in them. */
#include "config.h"

#include <pwd.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "base.h"
#include "creds.h"

/* An environment variable's value, or NULL when unset or empty. */
const char *
fg_aws_getenv(const char *name)
{
	const char *v = getenv(name);

	return v && *v ? v : NULL;
}

/* The home directory: $HOME, else the password database's. */
static const char *
home_dir(void)
{
	const char *h = fg_aws_getenv("HOME");
	struct passwd *pw;

	if (h == NULL && (pw = getpwuid(getuid())) != NULL)
		h = pw->pw_dir;
	return h ? h : "/";
}

/* The path a variable names ("~/" expanded, as the CLI does), else ~/.aws/<file>. */
static char *
shared_path(const char *var, const char *file)
{
	const char *v = fg_aws_getenv(var);

	if (v == NULL)
		return fg_printf("%s/.aws/%s", home_dir(), file);
	if (v[0] == '~' && (v[1] == '/' || v[1] == '\0'))
		return fg_printf("%s%s", home_dir(), v + 1);
	return fg_strdup(v);
}

/* Case-insensitive "true". */
int
fg_aws_true(const char *s)
{
	return s != NULL && strcasecmp(s, "true") == 0;
}

/* Frees a profile. */
void
fg_aws_profile_free(struct fg_aws_profile *p)
{
	if (p == NULL)
		return;
	free(p->name);
	fg_ini_free(p->credentials);
	fg_ini_free(p->config);
	free(p);
}

/* Reads the shared files and finds the profile AWS_PROFILE names. */
struct fg_aws_profile *
fg_aws_profile_load(char **err)
{
	struct fg_aws_profile *p = fg_calloc(1, sizeof(*p));
	const char *var = "AWS_PROFILE", *name = fg_aws_getenv(var);
	char *path;

	if (name == NULL)
		name = fg_aws_getenv(var = "AWS_DEFAULT_PROFILE");
	p->named = name != NULL;
	p->name = fg_strdup(name ? name : "default");
	path = shared_path("AWS_SHARED_CREDENTIALS_FILE", "credentials");
	p->credentials = fg_ini_load(path, err);
	free(path);
	if (p->credentials == NULL)
		goto fail;
	path = shared_path("AWS_CONFIG_FILE", "config");
	p->config = fg_ini_load(path, err);
	free(path);
	if (p->config == NULL)
		goto fail;
	p->cred_sect = fg_ini_section(p->credentials, p->name);
	p->conf_sect = fg_ini_section_kind(p->config, "profile", p->name);
	if (p->conf_sect == NULL && strcmp(p->name, "default") == 0)
		p->conf_sect = fg_ini_section(p->config, "default");
	if (p->named && p->cred_sect == NULL && p->conf_sect == NULL &&
	    strcmp(p->name, "default") != 0) {
		*err = fg_printf("profile \"%s\" (%s) not found: no [%s] in %s, no [profile %s] in %s",
		    p->name, var, p->name, p->credentials->path, p->name, p->config->path);
		goto fail;
	}
	return p;
fail:
	fg_aws_profile_free(p);
	return NULL;
}

/* A setting of the profile in the config file. */
const char *
fg_aws_profile_get(const struct fg_aws_profile *p, const char *key)
{
	return p ? fg_ini_get(p->conf_sect, key) : NULL;
}

/* The environment variable, else the profile's setting. */
const char *
fg_aws_setting(const struct fg_aws_profile *p, const char *var, const char *key)
{
	const char *v = fg_aws_getenv(var);

	return v ? v : fg_aws_profile_get(p, key);
}
