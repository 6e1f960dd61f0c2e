/* iam_valid.c: IAM's parameter constraints (lengths, patterns, ranges, list sizes) and the
 * wording of its ValidationError messages. */
#include "config.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "iam.h"
#include "utf8.h"

#define VALUE_SHOWN 256 /* bytes of a bad value quoted in a message */

/* Patterns as IAM's API reference writes them, for messages. */
static const char *const pat_text[] = {
	[IAM_P_NAME] = "[\\w+=,.@-]+",
	[IAM_P_PATH] = "(\\u002F)|(\\u002F[\\u0021-\\u007F]+\\u002F)",
	[IAM_P_PATH_PREFIX] = "\\u002F[\\u0021-\\u007F]*",
	[IAM_P_POLICY_PATH] = "((/[A-Za-z0-9\\.,\\+@=_-]+)*)/",
	[IAM_P_DOC] = "[\\u0009\\u000A\\u000D\\u0020-\\u00FF]+",
	[IAM_P_TEXT] = "[\\p{L}\\p{M}\\p{Z}\\p{S}\\p{N}\\p{P}]*",
	[IAM_P_VERSION] = "v[1-9][0-9]*(\\.[A-Za-z0-9-]*)?",
	[IAM_P_MARKER] = "[\\u0020-\\u00FF]+",
	[IAM_P_TAG_KEY] = "[\\p{L}\\p{Z}\\p{N}_.:/=+\\-@]+",
	[IAM_P_TAG_VALUE] = "[\\p{L}\\p{Z}\\p{N}_.:/=+\\-@]*",
};

/* The values of enumerations, for messages. */
static const char *const enum_text[] = {
	[IAM_P_SCOPE] = "All, AWS, Local",
	[IAM_P_USAGE] = "PermissionsPolicy, PermissionsBoundary",
	[IAM_P_ENTITY] = "User, Role, Group, LocalManagedPolicy, AWSManagedPolicy",
};

/* The code point of the well-formed UTF-8 character at s; *adv is its length. */
static uint32_t
decode(const char *s, size_t len, size_t *adv)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t n = fg_utf8_char(s, len);
	uint32_t c;

	if (n == 0) {
		*adv = 1;
		return 0xFFFD;
	}
	*adv = n;
	if (n == 1)
		return p[0];
	c = p[0] & (0x7Fu >> n);
	for (size_t i = 1; i < n; i++)
		c = (c << 6) | (p[i] & 0x3Fu);
	return c;
}

/* The length of s in characters. */
static size_t
chars(const char *s)
{
	size_t len = strlen(s), n = 0, adv;

	for (size_t i = 0; i < len; i += adv, n++)
		decode(s + i, len - i, &adv);
	return n;
}

/* Says whether every character of s passes ok (and, with nonempty, that there is one). */
static int
all_chars(const char *s, int (*ok)(uint32_t), int nonempty)
{
	size_t len = strlen(s), adv;

	for (size_t i = 0; i < len; i += adv)
		if (!ok(decode(s + i, len - i, &adv)))
			return 0;
	return !nonempty || len > 0;
}

/* \w and +=,.@- */
static int
name_char(uint32_t c)
{
	return c < 0x80 && (isalnum((int)c) || strchr("_+=,.@-", (int)c));
}

/* Tab, line feed, carriage return and U+0020 to U+00FF. */
static int
doc_char(uint32_t c)
{
	return c == 0x09 || c == 0x0A || c == 0x0D || (c >= 0x20 && c <= 0xFF);
}

/* U+0020 to U+00FF. */
static int
marker_char(uint32_t c)
{
	return c >= 0x20 && c <= 0xFF;
}

/* Letters, marks, separators, symbols, numbers and punctuation: everything but control and
 * format characters and private use (unassigned code points are not told apart). */
static int
text_char(uint32_t c)
{
	return !(c < 0x20 || (c >= 0x7F && c <= 0x9F) || c == 0xAD || (c >= 0x200B && c <= 0x200F) ||
	    (c >= 0x202A && c <= 0x202E) || (c >= 0x2060 && c <= 0x2064) || c == 0xFEFF ||
	    (c >= 0xE000 && c <= 0xF8FF) || c >= 0xF0000);
}

/* Letters, separators, numbers and _.:/=+-@ (outside ASCII: what text_char allows, as
 * letters are not told apart from symbols there). */
static int
tag_char(uint32_t c)
{
	if (c < 0x80)
		return isalnum((int)c) || strchr(" _.:/=+-@", (int)c);
	return c >= 0xA0 && text_char(c);
}

/* ((/[A-Za-z0-9\.,\+@=_-]+)*)/ */
static int
policy_path(const char *s)
{
	size_t n = strlen(s);

	if (n == 0 || s[0] != '/' || s[n - 1] != '/')
		return 0;
	for (size_t i = 1; i < n; i++) {
		size_t seg = strspn(s + i, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
		    "0123456789.,+@=_-");

		if (seg == 0 || s[i + seg] != '/')
			return 0;
		i += seg;
	}
	return 1;
}

/* Says whether c is in U+0021 to U+007F. */
static int
path_char(uint32_t c)
{
	return c >= 0x21 && c <= 0x7F;
}

/* v[1-9][0-9]*(\.[A-Za-z0-9-]*)? */
static int
version_id(const char *s)
{
	size_t n;

	if (s[0] != 'v' || s[1] < '1' || s[1] > '9')
		return 0;
	s += 2;
	s += strspn(s, "0123456789");
	if (*s == '\0')
		return 1;
	if (*s++ != '.')
		return 0;
	n = strspn(s, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-");
	return s[n] == '\0';
}

/* Says whether a string matches a pattern. */
int
iam_pat_match(enum iam_pat pat, const char *s)
{
	size_t n = strlen(s);

	switch (pat) {
	case IAM_P_NAME:
		return all_chars(s, name_char, 1);
	case IAM_P_PATH:
		return strcmp(s, "/") == 0 || (n >= 3 && s[0] == '/' && s[n - 1] == '/' &&
		    all_chars(s, path_char, 1));
	case IAM_P_PATH_PREFIX:
		return s[0] == '/' && all_chars(s, path_char, 1);
	case IAM_P_POLICY_PATH:
		return policy_path(s);
	case IAM_P_DOC:
		return all_chars(s, doc_char, 1);
	case IAM_P_TEXT:
		return all_chars(s, text_char, 0);
	case IAM_P_VERSION:
		return version_id(s);
	case IAM_P_MARKER:
		return all_chars(s, marker_char, 1);
	case IAM_P_TAG_KEY:
		return all_chars(s, tag_char, 1);
	case IAM_P_TAG_VALUE:
		return all_chars(s, tag_char, 0);
	case IAM_P_SCOPE:
		return strcmp(s, "All") == 0 || strcmp(s, "AWS") == 0 || strcmp(s, "Local") == 0;
	case IAM_P_USAGE:
		return strcmp(s, "PermissionsPolicy") == 0 || strcmp(s, "PermissionsBoundary") == 0;
	case IAM_P_ENTITY:
		return strcmp(s, "User") == 0 || strcmp(s, "Role") == 0 || strcmp(s, "Group") == 0 ||
		    strcmp(s, "LocalManagedPolicy") == 0 || strcmp(s, "AWSManagedPolicy") == 0;
	default:
		return 1;
	}
}

/* AWS's ValidationError message about one member. */
static char *
invalid(const char *value, const char *member, const char *constraint)
{
	if (value == NULL)
		return fg_printf("1 validation error detected: Value null at '%s' failed to satisfy "
		    "constraint: %s", member, constraint);
	return fg_printf("1 validation error detected: Value '%.*s%s' at '%s' failed to satisfy "
	    "constraint: %s", VALUE_SHOWN, value, strlen(value) > VALUE_SHOWN ? "..." : "", member,
	    constraint);
}

/* Checks a string against length limits and a pattern; -1 and *msg. */
static int
check_str(const char *s, const char *member, enum iam_pat pat, int64_t min, int64_t max,
    char **msg)
{
	size_t n = chars(s);
	char *c;

	if ((int64_t)n < min)
		c = fg_printf("Member must have length greater than or equal to %lld", (long long)min);
	else if (max > 0 && (int64_t)n > max)
		c = fg_printf("Member must have length less than or equal to %lld", (long long)max);
	else if (!iam_pat_match(pat, s))
		c = (size_t)pat < FG_ARRAY_LEN(enum_text) && enum_text[pat] ?
		    fg_printf("Member must satisfy enum value set: [%s]", enum_text[pat]) :
		    fg_printf("Member must satisfy regular expression pattern: %s", pat_text[pat]);
	else
		return 0;
	*msg = invalid(s, member, c);
	free(c);
	return -1;
}

/* Checks a list's size and each item (tags or tag keys); -1 and *msg. */
static int
check_list(fg_json v, const char *member, enum iam_pat pat, int64_t max, char **msg)
{
	size_t n = fg_json_len(v);
	int rc = 0;

	if ((int64_t)n > max) {
		char *shown = fg_printf("[%zu items]", n), *c = fg_printf("Member must have length "
		    "less than or equal to %lld", (long long)max);

		*msg = invalid(shown, member, c);
		free(shown);
		free(c);
		return -1;
	}
	for (size_t i = 0; i < n && rc == 0; i++) {
		fg_json item = fg_json_at(v, i);
		char *m;

		if (pat == IAM_P_TAG_KEYS) {
			m = fg_printf("%s.%zu.member", member, i + 1);
			if (fg_json_str(item) == NULL) {
				*msg = invalid(NULL, m, "Member must not be null");
				rc = -1;
			} else
				rc = check_str(fg_json_str(item), m, IAM_P_TAG_KEY, 1, 128, msg);
			free(m);
			continue;
		}
		for (int kv = 0; kv < 2 && rc == 0; kv++) {
			const char *s = fg_json_str(fg_json_get(item, kv ? "Value" : "Key"));

			m = fg_printf("%s.%zu.member.%s", member, i + 1, kv ? "value" : "key");
			if (s == NULL) {
				*msg = invalid(NULL, m, "Member must not be null");
				rc = -1;
			} else
				rc = check_str(s, m, kv ? IAM_P_TAG_VALUE : IAM_P_TAG_KEY, kv ? 0 : 1,
				    kv ? 256 : 128, msg);
			free(m);
		}
	}
	return rc;
}

/* Checks a parameter against its constraint. */
int
iam_field_check(const struct iam_field *f, fg_json v, char **msg)
{
	char *member = fg_strdup(f->name);
	int64_t n;
	int rc = 0;

	member[0] = (char)tolower((unsigned char)member[0]);
	if (v == NULL || YAJL_IS_NULL(v)) {
		if (f->required) {
			*msg = invalid(NULL, member, "Member must not be null");
			rc = -1;
		}
	} else if (f->pat == IAM_P_INT) {
		if (fg_json_int(v, &n) == 0 && (n < f->min || n > f->max)) {
			char *c = fg_printf("Member must have value %s than or equal to %lld",
			    n < f->min ? "greater" : "less", (long long)(n < f->min ? f->min : f->max));
			char *shown = fg_printf("%lld", (long long)n);

			*msg = invalid(shown, member, c);
			free(shown);
			free(c);
			rc = -1;
		}
	} else if (f->pat == IAM_P_TAGS || f->pat == IAM_P_TAG_KEYS)
		rc = check_list(v, member, f->pat, f->max, msg);
	else if (f->pat != IAM_P_BOOL && fg_json_str(v) != NULL)
		rc = check_str(fg_json_str(v), member, f->pat, f->min, f->max, msg);
	free(member);
	return rc;
}
