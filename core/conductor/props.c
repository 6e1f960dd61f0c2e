/* props.c: process properties, from one table: name, type, range and help; defaults,
 * validation, and their JSON form. */
#include "config.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "conductor.h"

#define ALIAS_CHARS "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._-"

const struct prop_def prop_defs[] = {
	{ "alias", PROP_STRING, 0, 64,
	    "a name for the process: up to 64 letters, digits, '.', '_' and '-', not a FID; "
	    "\"\" removes it" },
	{ "enforcement", PROP_ONOFF, 0, 1,
	    "on: drift is reverted every enforcement-interval; off: it is left alone" },
	{ "enforcement-interval", PROP_SECONDS, 10, 86400,
	    "seconds between two enforcement passes" },
	{ "lock", PROP_ONOFF, 0, 1, "on: update, suspend, resume and kill are refused" },
};
const size_t prop_ndefs = FG_ARRAY_LEN(prop_defs);

/* The table entry of a property. */
const struct prop_def *
prop_find(const char *name)
{
	size_t i;

	for (i = 0; i < prop_ndefs; i++)
		if (strcmp(prop_defs[i].name, name) == 0)
			return &prop_defs[i];
	return NULL;
}

/* The properties of a new process. */
void
props_default(struct proc_props *p, int64_t interval_s)
{
	memset(p, 0, sizeof(*p));
	p->enforcement = 1;
	p->interval_s = interval_s;
}

/* Whether s has the shape of a UUID (8-4-4-4-12 hex digits). */
int
fid_like(const char *s)
{
	size_t i;

	if (strlen(s) != 36)
		return 0;
	for (i = 0; i < 36; i++) {
		if (i == 8 || i == 13 || i == 18 || i == 23) {
			if (s[i] != '-')
				return 0;
		} else if (!strchr("0123456789abcdefABCDEF", s[i]))
			return 0;
	}
	return 1;
}

/* Checks an alias (non-empty). */
int
alias_check(const char *s, char **err)
{
	size_t n = strlen(s);

	if (n == 0 || n > 64 || strspn(s, ALIAS_CHARS) != n) {
		*err =
		    fg_printf("alias \"%.64s\": want 1 to 64 letters, digits, '.', '_' and '-'", s);
		return -1;
	}
	if (fid_like(s)) {
		*err = fg_printf("alias \"%s\" looks like a FID", s);
		return -1;
	}
	return 0;
}

/* The message for a property that does not exist, naming those that do (caller frees). */
char *
prop_unknown(const char *name)
{
	struct fg_buf names;
	char *msg;
	size_t i;

	fg_buf_init(&names);
	for (i = 0; i < prop_ndefs; i++)
		fg_buf_addf(&names, "%s%s", i ? ", " : "", prop_defs[i].name);
	msg = fg_printf("unknown property \"%.64s\" (properties: %s)", name, names.data);
	fg_buf_free(&names);
	return msg;
}

/* Sets one property from its text form. */
int
prop_set(struct proc_props *p, const char *name, const char *value, char **err)
{
	const struct prop_def *d = prop_find(name);
	char *end;
	long long v;

	if (d == NULL) {
		*err = prop_unknown(name);
		return -1;
	}
	switch (d->type) {
	case PROP_STRING:
		if (*value && alias_check(value, err) < 0)
			return -1;
		free(p->alias);
		p->alias = *value ? fg_strdup(value) : NULL;
		return 0;
	case PROP_ONOFF:
		if (strcmp(value, "on") != 0 && strcmp(value, "off") != 0) {
			*err = fg_printf("%s must be on or off, not \"%.64s\"", name, value);
			return -1;
		}
		*(strcmp(name, "lock") == 0 ? &p->lock : &p->enforcement) = value[1] == 'n';
		return 0;
	case PROP_SECONDS:
		errno = 0;
		v = strtoll(value, &end, 10);
		if (*value == '\0' || *end != '\0' || errno != 0 || v < d->min || v > d->max) {
			*err = fg_printf("%s must be a number of seconds from %lld to %lld, not "
			    "\"%.64s\"", name, (long long)d->min, (long long)d->max, value);
			return -1;
		}
		p->interval_s = v;
		return 0;
	}
	return -1;
}

/* Writes one property's value. */
static void
prop_value(struct fg_jw *w, const struct proc_props *p, const struct prop_def *d)
{
	if (strcmp(d->name, "alias") == 0)
		fg_jw_str(w, p->alias ? p->alias : "");
	else if (strcmp(d->name, "enforcement") == 0)
		fg_jw_str(w, p->enforcement ? "on" : "off");
	else if (strcmp(d->name, "lock") == 0)
		fg_jw_str(w, p->lock ? "on" : "off");
	else
		fg_jw_int(w, p->interval_s);
}

/* Writes {"alias": ..., "enforcement": "on", ...}, or only the named property. */
void
props_write(struct fg_jw *w, const struct proc_props *p, const char *name)
{
	size_t i;

	fg_jw_obj(w);
	for (i = 0; i < prop_ndefs; i++) {
		if (name && strcmp(name, prop_defs[i].name) != 0)
			continue;
		fg_jw_key(w, prop_defs[i].name);
		prop_value(w, p, &prop_defs[i]);
	}
	fg_jw_end_obj(w);
}
