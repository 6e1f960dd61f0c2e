/* check_schemas.c: every resource type schema (plugins/<service>/schemas/<Type>.json) keeps the
 * rules of schemas/resource-type.schema.json that lwc, the Conductor and the plugins rely on,
 * including those a JSON Schema validator cannot see (names that must exist, references between
 * types). */
#include "config.h"

#include <check.h>
#include <ctype.h>
#include <dirent.h>
#include <regex.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "base.h"
#include "json.h"

#define PLUGINS_DIR TESTS_SRCDIR "/../../plugins"
#define DRAFT "https://json-schema.org/draft/2020-12/schema"

/* One schema file. */
struct schema {
	char *service; /* its plugin directory */
	char *type;    /* its base name */
	char *where;   /* for messages */
	fg_json doc;
};

struct registry {
	struct schema *v;
	size_t n;
};

/* What is being checked, and where the complaints go. */
struct ctx {
	const struct registry *reg;
	const struct schema *s;
	struct fg_buf *errs;
};

/* The optional member naming the properties AWS does not report back. */
#define WRITE_ONLY "x-fugue-write-only"

/* JSON kinds a member may have. */
enum kind { K_ANY, K_STRING, K_INT, K_NUMBER, K_BOOL, K_FALSE, K_ARRAY, K_OBJECT };

/* The members of a schema file. */
static const struct member {
	const char *key;
	enum kind kind;
} top_members[] = {
    {"$schema", K_STRING},
    {"$id", K_STRING},
    {"title", K_STRING},
    {"description", K_STRING},
    {"x-fugue-service", K_STRING},
    {"x-fugue-tags", K_BOOL},
    {"type", K_STRING},
    {"properties", K_OBJECT},
    {"required", K_ARRAY},
    {"additionalProperties", K_FALSE},
    {"x-fugue-replace-on-change", K_ARRAY},
    {"x-fugue-read-only", K_OBJECT},
    {"x-fugue-identifier", K_STRING},
};

/* Property types, as bits so a keyword can list the types it applies to. */
enum { T_STRING = 1, T_INTEGER = 2, T_NUMBER = 4, T_BOOLEAN = 8, T_ARRAY = 16, T_OBJECT = 32 };
#define T_SCALAR (T_STRING | T_INTEGER | T_NUMBER)
#define T_ALL 63

static const struct type_name {
	const char *name;
	unsigned bit;
} type_names[] = {
    {"string", T_STRING},   {"integer", T_INTEGER}, {"number", T_NUMBER},
    {"boolean", T_BOOLEAN}, {"array", T_ARRAY},     {"object", T_OBJECT},
};

/* The keywords a property schema may use, and for which types. */
static const struct keyword {
	const char *key;
	enum kind kind;
	unsigned types;
} keywords[] = {
    {"type", K_STRING, T_ALL},
    {"description", K_STRING, T_ALL},
    {"default", K_ANY, T_ALL},
    {"enum", K_ARRAY, T_SCALAR},
    {"pattern", K_STRING, T_STRING},
    {"minLength", K_INT, T_STRING},
    {"maxLength", K_INT, T_STRING},
    {"contentMediaType", K_STRING, T_STRING},
    {"x-fugue-ref", K_OBJECT, T_STRING},
    {"minimum", K_NUMBER, T_INTEGER | T_NUMBER},
    {"maximum", K_NUMBER, T_INTEGER | T_NUMBER},
    {"items", K_OBJECT, T_ARRAY},
    {"minItems", K_INT, T_ARRAY},
    {"maxItems", K_INT, T_ARRAY},
    {"uniqueItems", K_BOOL, T_ARRAY},
    {"properties", K_OBJECT, T_OBJECT},
    {"required", K_ARRAY, T_OBJECT},
    {"additionalProperties", K_FALSE, T_OBJECT},
    {"oneOf", K_ARRAY, T_OBJECT},
};

/* Lower and upper bounds that must be in order. */
static const struct bounds {
	const char *lo, *hi;
} bounds[] = {
    {"minLength", "maxLength"},
    {"minimum", "maximum"},
    {"minItems", "maxItems"},
};

/* Plugins whose types are global: they have no Region property; all others have one. */
static const char *const global_services[] = {"iam"};

/* The types the first plugins own; none may go missing. */
static const char *const expected_types[] = {
    "AWS.SQS.Queue",      "AWS.S3.Bucket",         "AWS.DynamoDB.Table",
    "AWS.IAM.Role",       "AWS.IAM.Policy",        "AWS.IAM.InstanceProfile",
    "AWS.EC2.Vpc",        "AWS.EC2.Subnet",        "AWS.EC2.InternetGateway",
    "AWS.EC2.RouteTable", "AWS.EC2.SecurityGroup", "AWS.EC2.Instance",
};

static void complain(struct ctx *, const char *, const char *, ...) FG_PRINTF(3, 4);

/* Records one complaint about the schema being checked. */
static void
complain(struct ctx *c, const char *path, const char *fmt, ...)
{
	va_list ap;

	fg_buf_addf(c->errs, "%s: %s: ", c->s->where, *path != '\0' ? path : "(top)");
	va_start(ap, fmt);
	fg_buf_vaddf(c->errs, fmt, ap);
	va_end(ap);
	fg_buf_addc(c->errs, '\n');
}

/* Whether v has the given kind. */
static int
is_kind(fg_json v, enum kind k)
{
	int64_t i;
	double d;
	int b;

	switch (k) {
	case K_ANY:
		return v != NULL;
	case K_STRING:
		return fg_json_str(v) != NULL;
	case K_INT:
		return fg_json_int(v, &i) == 0 && i >= 0;
	case K_NUMBER:
		return fg_json_double(v, &d) == 0;
	case K_BOOL:
		return fg_json_bool(v, &b) == 0;
	case K_FALSE:
		return fg_json_bool(v, &b) == 0 && !b;
	case K_ARRAY:
		return v != NULL && YAJL_IS_ARRAY(v);
	case K_OBJECT:
		return v != NULL && YAJL_IS_OBJECT(v);
	}
	return 0;
}

/* Whether value v is of property type t (one T_ bit). */
static int
fits_type(fg_json v, unsigned t)
{
	switch (t) {
	case T_STRING:
		return is_kind(v, K_STRING);
	case T_INTEGER:
		return v != NULL && YAJL_IS_INTEGER(v);
	case T_NUMBER:
		return is_kind(v, K_NUMBER);
	case T_BOOLEAN:
		return is_kind(v, K_BOOL);
	case T_ARRAY:
		return is_kind(v, K_ARRAY);
	case T_OBJECT:
		return is_kind(v, K_OBJECT);
	}
	return 0;
}

/* Whether two scalars are equal. */
static int
scalar_eq(fg_json a, fg_json b)
{
	double x, y;

	if (fg_json_str(a) != NULL && fg_json_str(b) != NULL)
		return strcmp(fg_json_str(a), fg_json_str(b)) == 0;
	return fg_json_double(a, &x) == 0 && fg_json_double(b, &y) == 0 && x == y;
}

/* Whether s is a property name: a letter, then letters and digits. */
static int
is_name(const char *s)
{
	if (s == NULL || !isalpha((unsigned char)*s))
		return 0;
	while (isalnum((unsigned char)*s))
		s++;
	return *s == '\0';
}

/* Whether list (an array) holds the string name. */
static int
list_has(fg_json list, const char *name)
{
	for (size_t i = 0; i < fg_json_len(list); i++)
		if (fg_json_str(fg_json_at(list, i)) != NULL &&
		    strcmp(fg_json_str(fg_json_at(list, i)), name) == 0)
			return 1;
	return 0;
}

/* The schema whose title is title, or NULL. */
static const struct schema *
registry_find(const struct registry *reg, const char *title)
{
	for (size_t i = 0; i < reg->n; i++)
		if (fg_json_str(fg_json_get(reg->v[i].doc, "title")) != NULL &&
		    strcmp(fg_json_str(fg_json_get(reg->v[i].doc, "title")), title) == 0)
			return &reg->v[i];
	return NULL;
}

/* Checks a list of names: strings, each a member of props, no repeats. */
static void
check_names(struct ctx *c, const char *path, fg_json list, fg_json props)
{
	for (size_t i = 0; i < fg_json_len(list); i++) {
		const char *n = fg_json_str(fg_json_at(list, i));

		if (n == NULL)
			complain(c, path, "item %zu is not a string", i);
		else if (fg_json_get(props, n) == NULL)
			complain(c, path, "%s is not a property", n);
		else
			for (size_t j = 0; j < i; j++)
				if (scalar_eq(fg_json_at(list, i), fg_json_at(list, j)))
					complain(c, path, "%s is listed twice", n);
	}
}

/* Checks that a pattern is anchored, portable between ECMA-262 and POSIX ERE, and compiles it
 * into re (0; the caller frees re), or returns -1 when it does not compile. */
static int
check_pattern(struct ctx *c, const char *path, const char *p, regex_t *re)
{
	size_t len = strlen(p);
	int in_bracket = 0;
	int rc;

	if (len < 2 || p[0] != '^' || p[len - 1] != '$')
		complain(c, path, "pattern %s is not anchored with ^...$", p);
	for (size_t i = 0; i < len; i++) {
		if (in_bracket) {
			if (p[i] == '\\' ||
			    (p[i] == '[' && p[i + 1] != '\0' && strchr(":.=", p[i + 1]) != NULL))
				complain(c, path, "pattern %s: no backslash or [: inside [...]", p);
			if (p[i] == ']')
				in_bracket = 0;
		} else if (p[i] == '\\') {
			if (isalnum((unsigned char)p[i + 1]))
				complain(c, path, "pattern %s: \\%c is not POSIX ERE", p, p[i + 1]);
			i++;
		} else if (p[i] == '[') {
			in_bracket = 1;
			if (p[i + 1] == '^')
				i++;
			if (p[i + 1] == ']')
				complain(c, path,
				         "pattern %s: ] first in [...] differs in ECMA-262", p);
		} else if (p[i] == '(' && p[i + 1] == '?')
			complain(c, path, "pattern %s: (? groups are not POSIX ERE", p);
		else if (strchr("*+?}", p[i]) != NULL && p[i + 1] == '?')
			complain(c, path, "pattern %s: lazy quantifiers are not POSIX ERE", p);
	}
	if ((rc = regcomp(re, p, REG_EXTENDED | REG_NOSUB)) != 0) {
		char msg[128];

		regerror(rc, re, msg, sizeof(msg));
		complain(c, path, "pattern %s does not compile: %s", p, msg);
		return -1;
	}
	return 0;
}

/* Checks a default value against the property's own type, enum, bounds and pattern. */
static void
check_default(struct ctx *c, const char *path, fg_json prop, unsigned t, const regex_t *re)
{
	fg_json def = fg_json_get(prop, "default"), en = fg_json_get(prop, "enum");
	double d, lo, hi;
	size_t i;

	if (!fits_type(def, t)) {
		complain(c, path, "default is a %s, not of the property's type",
		         fg_json_type_name(def));
		return;
	}
	for (i = 0; i < fg_json_len(en) && !scalar_eq(def, fg_json_at(en, i)); i++)
		;
	if (en != NULL && i == fg_json_len(en))
		complain(c, path, "default is not in enum");
	if (fg_json_double(def, &d) == 0 &&
	    ((fg_json_double(fg_json_get(prop, "minimum"), &lo) == 0 && d < lo) ||
	     (fg_json_double(fg_json_get(prop, "maximum"), &hi) == 0 && d > hi)))
		complain(c, path, "default is outside minimum..maximum");
	if (fg_json_str(def) != NULL && re != NULL &&
	    regexec(re, fg_json_str(def), 0, NULL, 0) != 0)
		complain(c, path, "default does not match the pattern");
}

/* Checks an x-fugue-ref: an existing type and one of its attributes, of the property's type. */
static void
check_ref(struct ctx *c, const char *path, fg_json ref, const char *type)
{
	const char *rt = fg_json_str(fg_json_get(ref, "type"));
	const char *attr = fg_json_str(fg_json_get(ref, "attr"));
	const struct schema *target;
	fg_json a;

	if (rt == NULL || attr == NULL || fg_json_len(ref) != 2) {
		complain(c, path, "x-fugue-ref must be {\"type\": ..., \"attr\": ...}");
		return;
	}
	if ((target = registry_find(c->reg, rt)) == NULL) {
		complain(c, path, "x-fugue-ref names unknown type %s", rt);
		return;
	}
	a = fg_json_get(fg_json_get(target->doc, "x-fugue-read-only"), attr);
	if (a == NULL)
		a = fg_json_get(fg_json_get(target->doc, "properties"), attr);
	if (a == NULL)
		complain(c, path, "x-fugue-ref: %s has no attribute %s", rt, attr);
	else if (fg_json_str(fg_json_get(a, "type")) == NULL ||
	         strcmp(fg_json_str(fg_json_get(a, "type")), type) != 0)
		complain(c, path, "x-fugue-ref: %s.%s is not a %s", rt, attr, type);
}

static void check_property(struct ctx *, const char *, fg_json);

/* Checks the object keywords of a property: members, required names, oneOf alternatives. */
static void
check_object(struct ctx *c, const char *path, fg_json prop)
{
	fg_json props = fg_json_get(prop, "properties"), one = fg_json_get(prop, "oneOf");

	if (props == NULL || fg_json_get(prop, "additionalProperties") == NULL) {
		complain(c, path, "an object needs properties and \"additionalProperties\": false");
		return;
	}
	for (size_t i = 0; i < fg_json_len(props); i++) {
		char *sub = fg_printf("%s/properties/%s", path, fg_json_key(props, i));

		if (!is_name(fg_json_key(props, i)))
			complain(c, sub, "not a property name");
		check_property(c, sub, fg_json_at(props, i));
		free(sub);
	}
	check_names(c, path, fg_json_get(prop, "required"), props);
	for (size_t i = 0; i < fg_json_len(one); i++) {
		fg_json alt = fg_json_at(one, i), req = fg_json_get(alt, "required");

		if (fg_json_len(alt) != 1 || fg_json_len(req) != 1)
			complain(c, path, "oneOf items must be {\"required\": [NAME]}");
		else
			check_names(c, path, req, props);
	}
}

/* Checks one property schema and, recursively, its items and members. */
static void
check_property(struct ctx *c, const char *path, fg_json prop)
{
	const char *tname = fg_json_str(fg_json_get(prop, "type"));
	const char *p = fg_json_str(fg_json_get(prop, "pattern"));
	fg_json en = fg_json_get(prop, "enum");
	unsigned t = 0;
	regex_t re;
	int have_re = 0;
	double lo, hi;

	if (!is_kind(prop, K_OBJECT)) {
		complain(c, path, "a property schema must be an object");
		return;
	}
	for (size_t i = 0; tname != NULL && i < FG_ARRAY_LEN(type_names); i++)
		if (strcmp(tname, type_names[i].name) == 0)
			t = type_names[i].bit;
	if (t == 0) {
		complain(c, path,
		         "type must be one of string, integer, number, boolean, array, object");
		return;
	}
	for (size_t i = 0; i < fg_json_len(prop); i++) {
		const char *k = fg_json_key(prop, i);
		size_t j;

		for (j = 0; j < FG_ARRAY_LEN(keywords) && strcmp(k, keywords[j].key) != 0; j++)
			;
		if (j == FG_ARRAY_LEN(keywords))
			complain(c, path, "keyword %s is not in the resource schema subset", k);
		else if (!(keywords[j].types & t))
			complain(c, path, "keyword %s does not apply to type %s", k, tname);
		else if (!is_kind(fg_json_at(prop, i), keywords[j].kind))
			complain(c, path, "%s has the wrong kind of value (%s)", k,
			         fg_json_type_name(fg_json_at(prop, i)));
	}
	for (size_t i = 0; i < FG_ARRAY_LEN(bounds); i++)
		if (fg_json_double(fg_json_get(prop, bounds[i].lo), &lo) == 0 &&
		    fg_json_double(fg_json_get(prop, bounds[i].hi), &hi) == 0 && lo > hi)
			complain(c, path, "%s is above %s", bounds[i].lo, bounds[i].hi);
	if (en != NULL && fg_json_len(en) == 0)
		complain(c, path, "enum is empty");
	for (size_t i = 0; i < fg_json_len(en); i++) {
		if (!fits_type(fg_json_at(en, i), t))
			complain(c, path, "enum item %zu is not a %s", i, tname);
		for (size_t j = 0; j < i; j++)
			if (scalar_eq(fg_json_at(en, i), fg_json_at(en, j)))
				complain(c, path, "enum item %zu repeats item %zu", i, j);
	}
	if (p != NULL && t == T_STRING)
		have_re = check_pattern(c, path, p, &re) == 0;
	if (fg_json_get(prop, "default") != NULL)
		check_default(c, path, prop, t, have_re ? &re : NULL);
	if (have_re)
		regfree(&re);
	if (fg_json_get(prop, "x-fugue-ref") != NULL && t == T_STRING)
		check_ref(c, path, fg_json_get(prop, "x-fugue-ref"), tname);
	if (t == T_ARRAY) {
		char *sub = fg_printf("%s/items", path);

		if (fg_json_get(prop, "items") == NULL)
			complain(c, path, "an array needs items");
		else
			check_property(c, sub, fg_json_get(prop, "items"));
		free(sub);
	}
	if (t == T_OBJECT)
		check_object(c, path, prop);
}

/* Checks the title, $id and x-fugue-service against the file's place:
 * plugins/<svc>/schemas/<T>.json holds AWS.<Svc>.<T> where <Svc> in lower case is <svc>. */
static void
check_names_match_path(struct ctx *c, fg_json doc)
{
	const char *title = fg_json_str(fg_json_get(doc, "title"));
	const char *id = fg_json_str(fg_json_get(doc, "$id"));
	const char *svc = fg_json_str(fg_json_get(doc, "x-fugue-service"));
	const char *dot =
	    title != NULL && strncmp(title, "AWS.", 4) == 0 ? strchr(title + 4, '.') : NULL;

	if (dot == NULL || (size_t)(dot - title - 4) != strlen(c->s->service) ||
	    strncasecmp(title + 4, c->s->service, strlen(c->s->service)) != 0 ||
	    strcmp(dot + 1, c->s->type) != 0)
		complain(c, "title", "%s does not match the file: want AWS.<%s>.%s",
		         title ? title : "(none)", c->s->service, c->s->type);
	if (id == NULL || title == NULL || strncmp(id, "fugue:", 6) != 0 ||
	    strcmp(id + 6, title) != 0)
		complain(c, "$id", "must be fugue:<title>");
	if (svc == NULL || strcmp(svc, c->s->service) != 0)
		complain(c, "x-fugue-service", "must be %s, the plugin directory", c->s->service);
}

/* Checks the read-only attributes and the identifier. */
static void
check_read_only(struct ctx *c, fg_json doc, fg_json props)
{
	fg_json ro = fg_json_get(doc, "x-fugue-read-only");
	const char *ident = fg_json_str(fg_json_get(doc, "x-fugue-identifier"));

	for (size_t i = 0; i < fg_json_len(ro); i++) {
		const char *name = fg_json_key(ro, i),
		           *t = fg_json_str(fg_json_get(fg_json_at(ro, i), "type"));
		char *path = fg_printf("x-fugue-read-only/%s", name);

		if (!is_name(name))
			complain(c, path, "not an attribute name");
		if (fg_json_get(props, name) != NULL)
			complain(
			    c, path,
			    "also a property; read-only names must differ from property names");
		if (t == NULL || strcmp(t, "object") == 0 || strcmp(t, "array") == 0 ||
		    fg_json_str(fg_json_get(fg_json_at(ro, i), "description")) == NULL ||
		    fg_json_len(fg_json_at(ro, i)) != 2)
			complain(c, path,
			         "must be {\"type\": <scalar type>, \"description\": ...}");
		free(path);
	}
	if (ident != NULL && fg_json_get(ro, ident) == NULL &&
	    !(fg_json_get(props, ident) != NULL && list_has(fg_json_get(doc, "required"), ident) &&
	      list_has(fg_json_get(doc, "x-fugue-replace-on-change"), ident)))
		complain(c, "x-fugue-identifier",
		         "%s is neither a read-only attribute nor a required, "
		         "replace-on-change property",
		         ident);
}

/* Checks the Region and Tags conventions. */
static void
check_conventions(struct ctx *c, fg_json doc, fg_json props)
{
	fg_json region = fg_json_get(props, "Region"), tags = fg_json_get(props, "Tags");
	fg_json tag = fg_json_get(tags, "items");
	int global = 0, tagged = 0;

	for (size_t i = 0; i < FG_ARRAY_LEN(global_services); i++)
		global |= strcmp(c->s->service, global_services[i]) == 0;
	if (global && region != NULL)
		complain(c, "properties/Region", "the types of %s are global and have no Region",
		         c->s->service);
	if (!global && (region == NULL || fg_json_get(region, "enum") == NULL ||
	                !list_has(fg_json_get(doc, "required"), "Region") ||
	                !list_has(fg_json_get(doc, "x-fugue-replace-on-change"), "Region")))
		complain(c, "properties/Region",
		         "a regional type needs a required, replace-on-change Region "
		         "with an enum");
	fg_json_bool(fg_json_get(doc, "x-fugue-tags"), &tagged);
	if (tagged != (tags != NULL))
		complain(c, "x-fugue-tags", "must be true exactly when there is a Tags property");
	if (tags != NULL && (fg_json_get(fg_json_get(tag, "properties"), "Key") == NULL ||
	                     fg_json_get(fg_json_get(tag, "properties"), "Value") == NULL ||
	                     !list_has(fg_json_get(tag, "required"), "Key") ||
	                     !list_has(fg_json_get(tag, "required"), "Value")))
		complain(c, "properties/Tags", "must be an array of {Key, Value}, both required");
}

/* Checks one schema; complaints go to errs. */
static void
check_schema(const struct registry *reg, const struct schema *s, struct fg_buf *errs)
{
	struct ctx c = {reg, s, errs};
	fg_json doc = s->doc, props = fg_json_get(doc, "properties");

	for (size_t i = 0; i < fg_json_len(doc); i++) {
		size_t j;

		for (j = 0; j < FG_ARRAY_LEN(top_members) &&
		            strcmp(fg_json_key(doc, i), top_members[j].key) != 0;
		     j++)
			;
		if (j == FG_ARRAY_LEN(top_members) &&
		    strcmp(fg_json_key(doc, i), WRITE_ONLY) != 0)
			complain(&c, fg_json_key(doc, i), "not a member of a resource schema");
	}
	for (size_t i = 0; i < FG_ARRAY_LEN(top_members); i++)
		if (!is_kind(fg_json_get(doc, top_members[i].key), top_members[i].kind)) {
			complain(&c, top_members[i].key, "missing or of the wrong kind (%s)",
			         fg_json_type_name(fg_json_get(doc, top_members[i].key)));
			return;
		}
	if (strcmp(fg_json_str(fg_json_get(doc, "$schema")), DRAFT) != 0)
		complain(&c, "$schema", "must be %s", DRAFT);
	if (strcmp(fg_json_str(fg_json_get(doc, "type")), "object") != 0)
		complain(&c, "type", "must be object");
	check_names_match_path(&c, doc);
	for (size_t i = 0; i < fg_json_len(props); i++) {
		char *path = fg_printf("properties/%s", fg_json_key(props, i));

		if (!is_name(fg_json_key(props, i)))
			complain(&c, path, "not a property name");
		if (fg_json_str(fg_json_get(fg_json_at(props, i), "description")) == NULL)
			complain(&c, path, "a property needs a description");
		check_property(&c, path, fg_json_at(props, i));
		free(path);
	}
	check_names(&c, "required", fg_json_get(doc, "required"), props);
	check_names(&c, "x-fugue-replace-on-change", fg_json_get(doc, "x-fugue-replace-on-change"),
	            props);
	if (fg_json_get(doc, WRITE_ONLY) != NULL) {
		if (!is_kind(fg_json_get(doc, WRITE_ONLY), K_ARRAY))
			complain(&c, WRITE_ONLY, "must be a list of property names");
		else
			check_names(&c, WRITE_ONLY, fg_json_get(doc, WRITE_ONLY), props);
	}
	check_read_only(&c, doc, props);
	check_conventions(&c, doc, props);
}

/* Adds a schema from text; a parse error goes to errs and adds nothing. */
static void
registry_add(struct registry *reg, const char *service, const char *type, const char *text,
             struct fg_buf *errs)
{
	char *where = fg_printf("plugins/%s/schemas/%s.json", service, type), *err = NULL;
	fg_json doc = fg_json_parse(text, strlen(text), &err);

	if (doc == NULL) {
		fg_buf_addf(errs, "%s: %s\n", where, err);
		free(err);
		free(where);
		return;
	}
	reg->v = fg_realloc(reg->v, (reg->n + 1) * sizeof(*reg->v));
	reg->v[reg->n++] = (struct schema){fg_strdup(service), fg_strdup(type), where, doc};
}

/* Reads a whole file, or returns NULL. */
static char *
read_file(const char *path)
{
	struct fg_buf b;
	char chunk[4096];
	size_t n;
	FILE *f = fopen(path, "r");

	if (f == NULL)
		return NULL;
	fg_buf_init(&b);
	fg_buf_addstr(&b, "");
	while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0)
		fg_buf_add(&b, chunk, n);
	fclose(f);
	return fg_buf_detach(&b);
}

/* Loads every plugins/<svc>/schemas/<Type>.json under top; unreadable files go to errs. */
static void
registry_load(struct registry *reg, const char *top, struct fg_buf *errs)
{
	struct dirent **svcs = NULL;
	int nsvc = scandir(top, &svcs, NULL, alphasort);

	for (int i = 0; i < nsvc; i++) {
		char *dir = fg_printf("%s/%s/schemas", top, svcs[i]->d_name);
		struct dirent **files = NULL;
		int nf = svcs[i]->d_name[0] == '.' ? -1 : scandir(dir, &files, NULL, alphasort);

		for (int j = 0; j < nf; j++) {
			size_t len = strlen(files[j]->d_name);

			if (len > 5 && files[j]->d_name[0] != '.' &&
			    strcmp(files[j]->d_name + len - 5, ".json") == 0) {
				char *path = fg_printf("%s/%s", dir, files[j]->d_name);
				char *type = fg_strndup(files[j]->d_name, len - 5);
				char *text = read_file(path);

				if (text == NULL)
					fg_buf_addf(errs, "%s: cannot read\n", path);
				else
					registry_add(reg, svcs[i]->d_name, type, text, errs);
				free(text);
				free(type);
				free(path);
			}
			free(files[j]);
		}
		free(files);
		free(dir);
		free(svcs[i]);
	}
	free(svcs);
}

/* Frees every schema. */
static void
registry_free(struct registry *reg)
{
	for (size_t i = 0; i < reg->n; i++) {
		free(reg->v[i].service);
		free(reg->v[i].type);
		free(reg->v[i].where);
		fg_json_free(reg->v[i].doc);
	}
	free(reg->v);
	reg->v = NULL;
	reg->n = 0;
}

START_TEST(plugin_schemas_keep_the_rules)
{
	struct registry reg = {NULL, 0};
	struct fg_buf errs;

	fg_buf_init(&errs);
	fg_buf_addstr(&errs, "");
	registry_load(&reg, PLUGINS_DIR, &errs);
	for (size_t i = 0; i < reg.n; i++)
		check_schema(&reg, &reg.v[i], &errs);
	for (size_t i = 0; i < FG_ARRAY_LEN(expected_types); i++)
		if (registry_find(&reg, expected_types[i]) == NULL)
			fg_buf_addf(&errs, "%s: no schema found under %s\n", expected_types[i],
			            PLUGINS_DIR);
	ck_assert_msg(errs.len == 0, "\n%s", errs.data);
	ck_assert_uint_ge(reg.n, FG_ARRAY_LEN(expected_types));
	fg_buf_free(&errs);
	registry_free(&reg);
}
END_TEST

/* A small valid schema of type AWS.X.Thing (plugin x) that the cases below break one way each. */
static const char thing[] =
    "{\"$schema\": \"" DRAFT "\", \"$id\": \"fugue:AWS.X.Thing\", \"title\": \"AWS.X.Thing\",\n"
    " \"description\": \"A thing.\", \"x-fugue-service\": \"x\", \"x-fugue-tags\": true,\n"
    " \"type\": \"object\", \"properties\": {\n"
    "  \"Name\": {\"type\": \"string\", \"pattern\": \"^[a-z]+$\", \"description\": \"N.\"},\n"
    "  \"Region\": {\"type\": \"string\", \"enum\": [\"us-east-1\"], \"description\": \"R.\"},\n"
    "  \"Size\": {\"type\": \"integer\", \"minimum\": 1, \"maximum\": 9, \"default\": 1,"
    " \"description\": \"S.\"},\n"
    "  \"Parent\": {\"type\": \"string\", \"x-fugue-ref\": {\"type\": \"AWS.X.Thing\","
    " \"attr\": \"ThingId\"}, \"description\": \"P.\"},\n"
    "  \"Rules\": {\"type\": \"array\", \"description\": \"Ru.\",\n"
    "   \"items\": {\"type\": \"object\",\n"
    "   \"properties\": {\"A\": {\"type\": \"string\"}, \"B\": {\"type\": \"string\"}},\n"
    "   \"additionalProperties\": false,\n"
    "   \"oneOf\": [{\"required\": [\"A\"]}, {\"required\": [\"B\"]}]}},\n"
    "  \"Tags\": {\"type\": \"array\", \"description\": \"T.\", \"items\": {\"type\": \"object\",\n"
    "   \"properties\": {\"Key\": {\"type\": \"string\"}, \"Value\": {\"type\": \"string\"}},\n"
    "   \"required\": [\"Key\", \"Value\"], \"additionalProperties\": false}}},\n"
    " \"required\": [\"Name\", \"Region\"], \"additionalProperties\": false,\n"
    " \"x-fugue-replace-on-change\": [\"Name\", \"Region\"],\n"
    " \"x-fugue-read-only\": {\"ThingId\": {\"type\": \"string\", \"description\": \"Id.\"}},\n"
    " \"x-fugue-identifier\": \"ThingId\"}\n";

/* Each case replaces the first occurrence of from in thing by to, and expects a complaint
 * containing want (from NULL: thing itself, which must pass). */
static const struct breakage {
	const char *from, *to, *want;
} breakages[] = {
    {NULL, NULL, NULL},
    {"\"title\": \"AWS.X.Thing\"", "\"title\": \"AWS.X.Other\"", "does not match the file"},
    {"\"$id\": \"fugue:AWS.X.Thing\"", "\"$id\": \"AWS.X.Thing\"", "$id"},
    {"\"x-fugue-service\": \"x\"", "\"x-fugue-service\": \"y\"", "plugin directory"},
    {"[\"Name\", \"Region\"], \"add", "[\"Name\", \"Nope\"], \"add", "required: Nope is not"},
    {"[\"Name\", \"Region\"],\n \"x-fugue-read", "[\"Name\", \"Gone\"],\n \"x-fugue-read",
     "replace-on-change: Gone is not"},
    {"\"x-fugue-identifier\": \"ThingId\"", "\"x-fugue-identifier\": \"Size\"", "neither"},
    {"\"attr\": \"ThingId\"", "\"attr\": \"Missing\"", "has no attribute Missing"},
    {"\"attr\": \"ThingId\"", "\"attr\": \"Size\"", "AWS.X.Thing.Size is not a string"},
    {"{\"type\": \"AWS.X.Thing\"", "{\"type\": \"AWS.X.Nothing\"", "unknown type AWS.X.Nothing"},
    {"[\"us-east-1\"]", "[]", "enum is empty"},
    {"[\"us-east-1\"]", "[\"us-east-1\", \"us-east-1\"]", "repeats"},
    {"\"^[a-z]+$\"", "\"[a-z]+\"", "not anchored"},
    {"\"^[a-z]+$\"", "\"^[\\\\w]+$\"", "inside [...]"},
    {"\"^[a-z]+$\"", "\"^\\\\d+$\"", "\\d is not POSIX ERE"},
    {"\"^[a-z]+$\"", "\"^(?!x)[a-z]+$\"", "(? groups"},
    {"\"^[a-z]+$\"", "\"^([a-z]+$\"", "does not compile"},
    {"\"default\": 1", "\"default\": 10", "outside minimum..maximum"},
    {"\"default\": 1", "\"default\": \"1\"", "default is a string"},
    {"\"minimum\": 1", "\"minimum\": 10", "minimum is above maximum"},
    {"\"minimum\": 1", "\"minLength\": 1", "minLength does not apply to type integer"},
    {"\"pattern\": \"^[a-z]+$\",", "\"format\": \"x\",", "keyword format"},
    {"\"type\": \"integer\"", "\"type\": \"int\"", "type must be one of"},
    {"\"description\": \"S.\"", "\"title\": \"S.\"", "needs a description"},
    {"\"x-fugue-tags\": true", "\"x-fugue-tags\": false", "x-fugue-tags: must be true exactly"},
    {"[{\"required\": [\"A\"]}", "[{\"required\": [\"C\"]}", "C is not a property"},
    {"\"additionalProperties\": false,\n   \"oneOf\"", "\"oneOf\"", "needs properties"},
    {"\"items\": {\"type\": \"object\",\n   \"properties\": {\"A\"",
     "\"itemz\": {\"type\": \"object\",\n   \"properties\": {\"A\"", "needs items"},
    {"\"ThingId\": {\"type\": \"string\"", "\"Name\": {\"type\": \"string\"", "also a property"},
    {"\"ThingId\": {\"type\": \"string\"", "\"ThingId\": {\"type\": \"object\"", "scalar type"},
    {"\"required\": [\"Name\", \"Region\"]", "\"required\": [\"Name\"]", "needs a required"},
    {"\"additionalProperties\": false,\n \"x-fugue-rep",
     "\"additionalProperties\": true,\n"
     " \"x-fugue-rep",
     "additionalProperties: missing or of the wrong kind"},
    {"\"x-fugue-identifier\"", "\"x-fugue-ident\"", "not a member"},
    {"\"title\":", "\"title\"", "line 1"},
};

START_TEST(each_broken_rule_is_caught)
{
	const struct breakage *b = &breakages[_i];
	struct registry reg = {NULL, 0};
	struct fg_buf text, errs;
	const char *at = b->from != NULL ? strstr(thing, b->from) : NULL;

	ck_assert_msg(b->from == NULL || at != NULL, "case %d: %s is not in the schema", _i,
	              b->from);
	fg_buf_init(&text);
	fg_buf_init(&errs);
	fg_buf_addstr(&errs, "");
	if (at == NULL)
		fg_buf_addstr(&text, thing);
	else {
		fg_buf_add(&text, thing, (size_t)(at - thing));
		fg_buf_addstr(&text, b->to);
		fg_buf_addstr(&text, at + strlen(b->from));
	}
	registry_add(&reg, "x", "Thing", text.data, &errs);
	if (reg.n == 1)
		check_schema(&reg, &reg.v[0], &errs);
	if (b->want == NULL)
		ck_assert_msg(errs.len == 0, "the valid schema was rejected:\n%s", errs.data);
	else
		ck_assert_msg(strstr(errs.data, b->want) != NULL, "case %d: want \"%s\", got:\n%s",
		              _i, b->want, errs.data);
	fg_buf_free(&text);
	fg_buf_free(&errs);
	registry_free(&reg);
}
END_TEST

static Suite *
schemas_suite(void)
{
	Suite *s = suite_create("schemas");
	TCase *tc = tcase_create("rules");

	tcase_add_test(tc, plugin_schemas_keep_the_rules);
	tcase_add_loop_test(tc, each_broken_rule_is_caught, 0, (int)FG_ARRAY_LEN(breakages));
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	SRunner *sr = srunner_create(schemas_suite());
	int failed;

	srunner_run_all(sr, CK_ENV);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed != 0;
}
