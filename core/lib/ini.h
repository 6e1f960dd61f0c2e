/* ini.h: the AWS shared config and credentials file format (~/.aws/config, ~/.aws/credentials).
 *
 * The format is what the AWS CLI reads (Python's configparser as botocore uses it):
 *   - "[name]" starts a section; the name is kept as written, trimmed ("default", "profile dev",
 *     "services local", "sso-session x"); text after the closing ']' must be a comment.
 *   - "key = value" (or "key: value") sets a property; keys are lower-cased, values trimmed.
 *     A value runs to the end of the line: '#' and ';' inside a value are part of it.
 *   - Lines starting with '#' or ';' (after optional blanks) are comments; blank lines are ignored.
 *   - An indented line continues the property above it. When that property's value is empty on
 *     its own line, the indented lines are a nested sub-section of "key = value" pairs:
 *         s3 =
 *           addressing_style = path
 *     otherwise each indented line is appended to the value after a newline.
 *   - Malformed lines, properties outside any section, duplicate sections and duplicate keys in a
 *     section are errors naming the file and line: "/root/.aws/config:7: ...".
 */
#ifndef FUGUE_INI_H
#define FUGUE_INI_H

#include <stddef.h>

struct fg_ini_prop {
	char *key;                 /* lower case */
	char *value;               /* "" for a nested sub-section */
	int line;
	struct fg_ini_prop *sub;   /* nested sub-section properties, in file order */
	size_t nsub;
};

struct fg_ini_section {
	char *name;                /* between the brackets, trimmed, case kept */
	int line;
	struct fg_ini_prop *props; /* in file order */
	size_t nprops;
};

struct fg_ini {
	char *path;                /* as given, for messages */
	int exists;                /* 0 when loaded from a file that does not exist */
	struct fg_ini_section *sections;
	size_t nsections;
};

/* ini.c */
/* Parses len bytes of text; path names the source in messages. Returns NULL and sets *err
 * (caller frees) on malformed input. */
struct fg_ini *fg_ini_parse(const char *text, size_t len, const char *path, char **err);
/* Reads and parses a file. A file that does not exist yields an empty fg_ini with exists = 0
 * (the AWS tools treat a missing file as empty); an unreadable or malformed one yields NULL
 * with *err set. */
struct fg_ini *fg_ini_load(const char *path, char **err);
void fg_ini_free(struct fg_ini *);

/* The section named exactly name, or NULL. */
const struct fg_ini_section *fg_ini_section(const struct fg_ini *, const char *name);
/* The section "<kind> <name>" (blanks between the words, name optionally in double quotes, as
 * in "[profile dev]" or "[services \"local\"]"), or NULL. */
const struct fg_ini_section *fg_ini_section_kind(const struct fg_ini *, const char *kind,
    const char *name);
/* The property of a section (key compared case-insensitively), or NULL; s may be NULL. */
const struct fg_ini_prop *fg_ini_prop(const struct fg_ini_section *s, const char *key);
/* The property's value, or NULL when absent or a nested sub-section; s may be NULL. */
const char *fg_ini_get(const struct fg_ini_section *s, const char *key);
/* The value of key in the nested sub-section of p, or NULL; p may be NULL. */
const char *fg_ini_sub_get(const struct fg_ini_prop *p, const char *key);

#endif
