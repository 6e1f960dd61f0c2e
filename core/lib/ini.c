/* ini.c: parsing the AWS shared config and credentials file format (see ini.h). */
#include "config.h"

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "base.h"
#include "ini.h"

#define INI_MAX_FILE (1024 * 1024)

struct ini_parser {
	struct fg_ini *ini;
	const char *path;
	int lineno;
	struct fg_ini_section *sect; /* current section */
	struct fg_ini_prop *prop;    /* property indented lines continue */
	size_t prop_indent;
	char *err;
};

/* Appends an empty element to a growable array of elements of size sz. */
static void *
grow(void *v, size_t *n, size_t sz)
{
	char *p = fg_realloc(v, (*n + 1) * sz);

	memset(p + *n * sz, 0, sz);
	(*n)++;
	return p;
}

/* Returns s[0..len) with leading and trailing blanks removed, as a new string. */
static char *
trim_dup(const char *s, size_t len)
{
	while (len > 0 && isspace((unsigned char)*s)) {
		s++;
		len--;
	}
	while (len > 0 && isspace((unsigned char)s[len - 1]))
		len--;
	return fg_strndup(s, len);
}

/* Lower-cases s in place. */
static void
lower(char *s)
{
	for (; *s; s++)
		*s = (char)tolower((unsigned char)*s);
}

/* Records an error at the current line; returns -1. */
static int FG_PRINTF(2, 3)
ini_error(struct ini_parser *p, const char *fmt, ...)
{
	va_list ap;
	struct fg_buf b;

	fg_buf_init(&b);
	fg_buf_addf(&b, "%s:%d: ", p->path, p->lineno);
	va_start(ap, fmt);
	fg_buf_vaddf(&b, fmt, ap);
	va_end(ap);
	p->err = fg_buf_detach(&b);
	return -1;
}

/* Splits "key = value" (first '=' or ':' when colon_ok) into trimmed parts; -1 if malformed. */
static int
split_prop(struct ini_parser *p, const char *s, size_t len, int colon_ok, char **key, char **value)
{
	size_t eq = 0;

	while (eq < len && s[eq] != '=' && !(colon_ok && s[eq] == ':'))
		eq++;
	if (eq == len)
		return ini_error(p, "expected \"key = value\", \"[section]\" or a comment, got \"%.*s\"",
		    (int)len, s);
	*key = trim_dup(s, eq);
	if (**key == '\0') {
		free(*key);
		return ini_error(p, "property with an empty name: \"%.*s\"", (int)len, s);
	}
	lower(*key);
	*value = trim_dup(s + eq + 1, len - eq - 1);
	return 0;
}

/* Handles "[name]" (s points at '[', len reaches the end of the line). */
static int
parse_header(struct ini_parser *p, const char *s, size_t len)
{
	const char *close = memchr(s, ']', len);
	const char *rest;
	char *name;

	if (close == NULL)
		return ini_error(p, "section header without a closing ']': \"%.*s\"", (int)len, s);
	for (rest = close + 1; rest < s + len && isspace((unsigned char)*rest); rest++)
		;
	if (rest < s + len && *rest != '#' && *rest != ';')
		return ini_error(p, "unexpected text after section header: \"%.*s\"",
		    (int)(s + len - rest), rest);
	name = trim_dup(s + 1, (size_t)(close - s - 1));
	if (*name == '\0') {
		free(name);
		return ini_error(p, "section header with an empty name");
	}
	for (size_t i = 0; i < p->ini->nsections; i++) {
		if (strcmp(p->ini->sections[i].name, name) == 0) {
			ini_error(p, "duplicate section [%s] (first at line %d)", name,
			    p->ini->sections[i].line);
			free(name);
			return -1;
		}
	}
	p->ini->sections = grow(p->ini->sections, &p->ini->nsections, sizeof(*p->sect));
	p->sect = &p->ini->sections[p->ini->nsections - 1];
	p->sect->name = name;
	p->sect->line = p->lineno;
	p->prop = NULL;
	return 0;
}

/* Handles an indented line that continues p->prop. */
static int
parse_continuation(struct ini_parser *p, const char *s, size_t len)
{
	struct fg_ini_prop *sub;
	char *key, *value, *joined;

	if (p->prop->value[0] == '\0') {
		if (split_prop(p, s, len, 0, &key, &value) < 0)
			return -1;
		p->prop->sub = grow(p->prop->sub, &p->prop->nsub, sizeof(*sub));
		sub = &p->prop->sub[p->prop->nsub - 1];
		sub->key = key;
		sub->value = value;
		sub->line = p->lineno;
		return 0;
	}
	value = trim_dup(s, len);
	joined = fg_printf("%s\n%s", p->prop->value, value);
	free(value);
	free(p->prop->value);
	p->prop->value = joined;
	return 0;
}

/* Handles "key = value" at the top level of a section. */
static int
parse_prop(struct ini_parser *p, const char *s, size_t len, size_t indent)
{
	char *key, *value;

	if (split_prop(p, s, len, 1, &key, &value) < 0)
		return -1;
	if (p->sect == NULL) {
		ini_error(p, "property \"%s\" outside any [section]", key);
		free(key);
		free(value);
		return -1;
	}
	for (size_t i = 0; i < p->sect->nprops; i++) {
		if (strcmp(p->sect->props[i].key, key) == 0) {
			ini_error(p, "duplicate property \"%s\" in [%s] (first at line %d)", key,
			    p->sect->name, p->sect->props[i].line);
			free(key);
			free(value);
			return -1;
		}
	}
	p->sect->props = grow(p->sect->props, &p->sect->nprops, sizeof(*p->prop));
	p->prop = &p->sect->props[p->sect->nprops - 1];
	p->prop->key = key;
	p->prop->value = value;
	p->prop->line = p->lineno;
	p->prop_indent = indent;
	return 0;
}

/* Handles one line (without its line ending). */
static int
parse_line(struct ini_parser *p, const char *s, size_t len)
{
	size_t indent = 0;

	while (indent < len && (s[indent] == ' ' || s[indent] == '\t'))
		indent++;
	s += indent;
	len -= indent;
	if (len == 0 || *s == '#' || *s == ';')
		return 0;
	if (p->prop != NULL && indent > p->prop_indent)
		return parse_continuation(p, s, len);
	if (*s == '[')
		return parse_header(p, s, len);
	return parse_prop(p, s, len, indent);
}

/* Frees a property list. */
static void
free_props(struct fg_ini_prop *v, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		free(v[i].key);
		free(v[i].value);
		free_props(v[i].sub, v[i].nsub);
	}
	free(v);
}

/* Frees a parsed file. */
void
fg_ini_free(struct fg_ini *ini)
{
	if (ini == NULL)
		return;
	for (size_t i = 0; i < ini->nsections; i++) {
		free(ini->sections[i].name);
		free_props(ini->sections[i].props, ini->sections[i].nprops);
	}
	free(ini->sections);
	free(ini->path);
	free(ini);
}

/* Parses the text of a config or credentials file. */
struct fg_ini *
fg_ini_parse(const char *text, size_t len, const char *path, char **err)
{
	struct ini_parser p;
	const char *end = text + len, *s = text, *nl;

	memset(&p, 0, sizeof(p));
	p.path = path;
	p.ini = fg_calloc(1, sizeof(*p.ini));
	p.ini->path = fg_strdup(path);
	p.ini->exists = 1;
	if (len >= 3 && memcmp(s, "\xef\xbb\xbf", 3) == 0)
		s += 3;
	while (s < end) {
		p.lineno++;
		nl = memchr(s, '\n', (size_t)(end - s));
		if (nl == NULL)
			nl = end;
		size_t l = (size_t)(nl - s);
		if (l > 0 && s[l - 1] == '\r')
			l--;
		if (memchr(s, '\0', l) != NULL) {
			ini_error(&p, "NUL byte in the file");
			break;
		}
		if (parse_line(&p, s, l) < 0)
			break;
		s = nl + 1;
	}
	if (p.err != NULL) {
		fg_ini_free(p.ini);
		*err = p.err;
		return NULL;
	}
	return p.ini;
}

/* Reads and parses a file; a missing file is an empty one. */
struct fg_ini *
fg_ini_load(const char *path, char **err)
{
	struct fg_ini *ini;
	struct fg_buf b;
	char chunk[8192];
	size_t n;
	FILE *f = fopen(path, "rb");

	if (f == NULL) {
		if (errno == ENOENT || errno == ENOTDIR) {
			ini = fg_calloc(1, sizeof(*ini));
			ini->path = fg_strdup(path);
			return ini;
		}
		*err = fg_printf("%s: %s", path, strerror(errno));
		return NULL;
	}
	fg_buf_init(&b);
	while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0) {
		fg_buf_add(&b, chunk, n);
		if (b.len > INI_MAX_FILE)
			break;
	}
	if (ferror(f) || b.len > INI_MAX_FILE) {
		*err = ferror(f) ? fg_printf("%s: %s", path, strerror(errno)) :
		    fg_printf("%s: larger than %d bytes", path, INI_MAX_FILE);
		fclose(f);
		fg_buf_free(&b);
		return NULL;
	}
	fclose(f);
	ini = fg_ini_parse(b.data ? b.data : "", b.len, path, err);
	fg_buf_free(&b);
	return ini;
}

/* Finds a section by its exact name. */
const struct fg_ini_section *
fg_ini_section(const struct fg_ini *ini, const char *name)
{
	for (size_t i = 0; i < ini->nsections; i++)
		if (strcmp(ini->sections[i].name, name) == 0)
			return &ini->sections[i];
	return NULL;
}

/* Finds "[kind name]" or "[kind \"name\"]". */
const struct fg_ini_section *
fg_ini_section_kind(const struct fg_ini *ini, const char *kind, const char *name)
{
	size_t klen = strlen(kind), nlen = strlen(name);

	for (size_t i = 0; i < ini->nsections; i++) {
		const char *s = ini->sections[i].name;
		size_t slen;

		if (strncmp(s, kind, klen) != 0 || !isspace((unsigned char)s[klen]))
			continue;
		for (s += klen; isspace((unsigned char)*s); s++)
			;
		slen = strlen(s);
		if (slen == nlen + 2 && s[0] == '"' && s[slen - 1] == '"')
			s++, slen -= 2;
		if (slen == nlen && strncmp(s, name, nlen) == 0)
			return &ini->sections[i];
	}
	return NULL;
}

/* Finds key in a property list; the last one wins (nested sub-sections may repeat keys). */
static const struct fg_ini_prop *
find_prop(const struct fg_ini_prop *v, size_t n, const char *key)
{
	for (size_t i = n; i > 0; i--)
		if (strcasecmp(v[i - 1].key, key) == 0)
			return &v[i - 1];
	return NULL;
}

/* A section's property, or NULL. */
const struct fg_ini_prop *
fg_ini_prop(const struct fg_ini_section *s, const char *key)
{
	return s ? find_prop(s->props, s->nprops, key) : NULL;
}

/* A section's plain value, or NULL. */
const char *
fg_ini_get(const struct fg_ini_section *s, const char *key)
{
	const struct fg_ini_prop *p = fg_ini_prop(s, key);

	return p && p->nsub == 0 ? p->value : NULL;
}

/* A value inside a nested sub-section, or NULL. */
const char *
fg_ini_sub_get(const struct fg_ini_prop *p, const char *key)
{
	const struct fg_ini_prop *sub = p ? find_prop(p->sub, p->nsub, key) : NULL;

	return sub ? sub->value : NULL;
}
