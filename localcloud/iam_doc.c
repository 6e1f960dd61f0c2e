/* iam_doc.c: IAM policy documents: the checks IAM makes before storing one (the grammar of the
 * policy language), their size as IAM's quotas count it, and their URL-encoded form in replies. */
#include "config.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "iam.h"
#include "xml.h"

static const char *const top_keys[] = { "Version", "Id", "Statement" };
static const char *const stmt_keys[] = { "Sid", "Effect", "Principal", "NotPrincipal", "Action",
	"NotAction", "Resource", "NotResource", "Condition" };
static const char *const principal_keys[] = { "AWS", "Service", "Federated", "CanonicalUser" };

/* Says whether name is in a list. */
static int
known(const char *const *list, size_t n, const char *name)
{
	for (size_t i = 0; i < n; i++)
		if (strcmp(list[i], name) == 0)
			return 1;
	return 0;
}

/* Says whether v is a string or a non-empty list of strings. */
static int
strings(fg_json v)
{
	if (fg_json_str(v))
		return 1;
	if (!YAJL_IS_ARRAY(v) || fg_json_len(v) == 0)
		return 0;
	for (size_t i = 0; i < fg_json_len(v); i++)
		if (fg_json_str(fg_json_at(v, i)) == NULL)
			return 0;
	return 1;
}

/* The i-th string of a string or list of strings. */
static const char *
string_at(fg_json v, size_t i)
{
	return fg_json_str(v) ? fg_json_str(v) : fg_json_str(fg_json_at(v, i));
}

/* The number of strings in a string or list of strings. */
static size_t
string_count(fg_json v)
{
	return fg_json_str(v) ? 1 : fg_json_len(v);
}

/* Says whether an action is "*" or "vendor:action" (the action part may hold wildcards). */
static int
action_ok(const char *a)
{
	size_t v = strspn(a, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-");

	return strcmp(a, "*") == 0 || (v > 0 && a[v] == ':' && a[v + 1] != '\0');
}

/* Checks Action or NotAction (key) of statement i. */
static int
check_actions(fg_json v, const char *key, size_t i, char **err)
{
	if (!strings(v)) {
		*err = fg_printf("Statement[%zu].%s must be a string or a non-empty list of strings",
		    i, key);
		return -1;
	}
	for (size_t j = 0; j < string_count(v); j++)
		if (!action_ok(string_at(v, j))) {
			*err = fg_printf("Statement[%zu].%s: Actions/Conditions must be prefaced by a "
			    "vendor, e.g., iam, sdb, ec2, etc. (not \"%.100s\")", i, key,
			    string_at(v, j));
			return -1;
		}
	return 0;
}

/* Checks Resource or NotResource (key) of statement i. */
static int
check_resources(fg_json v, const char *key, size_t i, char **err)
{
	if (!strings(v)) {
		*err = fg_printf("Statement[%zu].%s must be a string or a non-empty list of strings",
		    i, key);
		return -1;
	}
	for (size_t j = 0; j < string_count(v); j++) {
		const char *r = string_at(v, j);

		if (strcmp(r, "*") != 0 && strncmp(r, "arn:", 4) != 0) {
			*err = fg_printf("Statement[%zu].%s: Resource %.100s must be in ARN format or "
			    "\"*\".", i, key, r);
			return -1;
		}
	}
	return 0;
}

/* Checks Principal or NotPrincipal (key) of statement i: "*" or {AWS|Service|...: names}. */
static int
check_principal(fg_json v, const char *key, size_t i, char **err)
{
	if (fg_json_str(v) && strcmp(fg_json_str(v), "*") == 0)
		return 0;
	if (!YAJL_IS_OBJECT(v) || fg_json_len(v) == 0) {
		*err = fg_printf("Statement[%zu].%s must be \"*\" or an object such as "
		    "{\"Service\": \"ec2.amazonaws.com\"}", i, key);
		return -1;
	}
	for (size_t j = 0; j < fg_json_len(v); j++) {
		if (!known(principal_keys, FG_ARRAY_LEN(principal_keys), fg_json_key(v, j))) {
			*err = fg_printf("Statement[%zu].%s: Invalid principal type %.100s (AWS, "
			    "Service, Federated or CanonicalUser)", i, key, fg_json_key(v, j));
			return -1;
		}
		if (!strings(fg_json_at(v, j))) {
			*err = fg_printf("Statement[%zu].%s.%s must be a string or a non-empty list of "
			    "strings", i, key, fg_json_key(v, j));
			return -1;
		}
	}
	return 0;
}

/* Says whether a condition value is a string, number, boolean or a list of them. */
static int
condition_value(fg_json v)
{
	if (YAJL_IS_ARRAY(v)) {
		for (size_t i = 0; i < fg_json_len(v); i++)
			if (!condition_value(fg_json_at(v, i)) || YAJL_IS_ARRAY(fg_json_at(v, i)))
				return 0;
		return 1;
	}
	return YAJL_IS_STRING(v) || YAJL_IS_NUMBER(v) || YAJL_IS_TRUE(v) || YAJL_IS_FALSE(v);
}

/* Checks the Condition of statement i: {operator: {key: value(s)}}. */
static int
check_condition(fg_json v, size_t i, char **err)
{
	if (!YAJL_IS_OBJECT(v)) {
		*err = fg_printf("Statement[%zu].Condition must be an object of operators", i);
		return -1;
	}
	for (size_t j = 0; j < fg_json_len(v); j++) {
		fg_json op = fg_json_at(v, j);

		if (!YAJL_IS_OBJECT(op)) {
			*err = fg_printf("Statement[%zu].Condition.%s must be an object of condition "
			    "keys", i, fg_json_key(v, j));
			return -1;
		}
		for (size_t k = 0; k < fg_json_len(op); k++)
			if (!condition_value(fg_json_at(op, k))) {
				*err = fg_printf("Statement[%zu].Condition.%s.%s must be a string, number, "
				    "boolean or a list of them", i, fg_json_key(v, j), fg_json_key(op, k));
				return -1;
			}
	}
	return 0;
}

/* The one of key and its Not form that statement i has; NULL and *err when it has both or
 * neither. */
static const char *
one_of(fg_json s, const char *key, const char *not, size_t i, char **err)
{
	fg_json a = fg_json_get(s, key), b = fg_json_get(s, not);

	if (a && b)
		*err = fg_printf("Statement[%zu] has both %s and %s", i, key, not);
	else if (!a && !b)
		*err = fg_printf("Statement[%zu]: Missing required field %s", i, key);
	else
		return a ? key : not;
	return NULL;
}

/* Checks statement i of a document of the kind. */
static int
check_statement(fg_json s, size_t i, enum iam_doc_kind kind, char **err)
{
	const char *effect = fg_json_str(fg_json_get(s, "Effect")), *sid, *k;

	if (!YAJL_IS_OBJECT(s)) {
		*err = fg_printf("Statement[%zu] must be an object", i);
		return -1;
	}
	for (size_t j = 0; j < fg_json_len(s); j++)
		if (!known(stmt_keys, FG_ARRAY_LEN(stmt_keys), fg_json_key(s, j))) {
			*err = fg_printf("Statement[%zu]: Unknown field %.100s", i, fg_json_key(s, j));
			return -1;
		}
	if (fg_json_get(s, "Sid") && ((sid = fg_json_str(fg_json_get(s, "Sid"))) == NULL ||
	    strspn(sid, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789") !=
	    strlen(sid))) {
		*err = fg_printf("Statement[%zu]: Statement IDs (SID) must be alpha-numeric", i);
		return -1;
	}
	if (effect == NULL || (strcmp(effect, "Allow") != 0 && strcmp(effect, "Deny") != 0)) {
		*err = effect ? fg_printf("Statement[%zu]: Invalid effect: %.40s (Allow or Deny)", i,
		    effect) : fg_printf("Statement[%zu]: Missing required field Effect", i);
		return -1;
	}
	if ((k = one_of(s, "Action", "NotAction", i, err)) == NULL ||
	    check_actions(fg_json_get(s, k), k, i, err) != 0)
		return -1;
	if (kind == IAM_DOC_IDENTITY) {
		if (fg_json_get(s, "Principal") || fg_json_get(s, "NotPrincipal")) {
			*err = fg_printf("Statement[%zu]: Policy document should not specify a "
			    "principal.", i);
			return -1;
		}
		if ((k = one_of(s, "Resource", "NotResource", i, err)) == NULL ||
		    check_resources(fg_json_get(s, k), k, i, err) != 0)
			return -1;
	} else {
		if (fg_json_get(s, "Resource") || fg_json_get(s, "NotResource")) {
			*err = fg_printf("Statement[%zu]: Has prohibited field Resource (a trust policy "
			    "names principals, not resources)", i);
			return -1;
		}
		if ((k = one_of(s, "Principal", "NotPrincipal", i, err)) == NULL ||
		    check_principal(fg_json_get(s, k), k, i, err) != 0)
			return -1;
	}
	if (fg_json_get(s, "Condition") && check_condition(fg_json_get(s, "Condition"), i, err))
		return -1;
	return 0;
}

/* Checks that the statements' Sids are unique. */
static int
check_sids(fg_json list, char **err)
{
	for (size_t i = 0; i < fg_json_len(list); i++) {
		const char *a = fg_json_str(fg_json_get(fg_json_at(list, i), "Sid"));

		for (size_t j = 0; a && *a && j < i; j++) {
			const char *b = fg_json_str(fg_json_get(fg_json_at(list, j), "Sid"));

			if (b && strcmp(a, b) == 0) {
				*err = fg_printf("Statement[%zu]: Statement IDs (SID) in a single policy "
				    "must be unique (%.100s)", i, a);
				return -1;
			}
		}
	}
	return 0;
}

/* Checks the top level and each statement of a parsed document. */
static int
check_root(fg_json root, enum iam_doc_kind kind, char **err)
{
	fg_json st = fg_json_get(root, "Statement");
	const char *version = fg_json_str(fg_json_get(root, "Version"));

	if (!YAJL_IS_OBJECT(root)) {
		*err = fg_printf("The policy must be a JSON object, not %s", fg_json_type_name(root));
		return -1;
	}
	for (size_t i = 0; i < fg_json_len(root); i++)
		if (!known(top_keys, FG_ARRAY_LEN(top_keys), fg_json_key(root, i))) {
			*err = fg_printf("Unknown field %.100s (a policy has Version, Id and "
			    "Statement)", fg_json_key(root, i));
			return -1;
		}
	if (version == NULL) {
		*err = fg_strdup(fg_json_get(root, "Version") ? "Version must be a string" :
		    "Missing required field Version");
		return -1;
	}
	if (strcmp(version, "2012-10-17") != 0 && strcmp(version, "2008-10-17") != 0) {
		*err = fg_printf("The policy failed legacy parsing: Version %.40s is not 2012-10-17 "
		    "or 2008-10-17", version);
		return -1;
	}
	if (fg_json_get(root, "Id") && fg_json_str(fg_json_get(root, "Id")) == NULL) {
		*err = fg_strdup("Id must be a string");
		return -1;
	}
	if (st == NULL) {
		*err = fg_strdup("Missing required field Statement");
		return -1;
	}
	if (YAJL_IS_OBJECT(st))
		return check_statement(st, 0, kind, err);
	if (!YAJL_IS_ARRAY(st) || fg_json_len(st) == 0) {
		*err = fg_strdup("Statement must be an object or a non-empty list of objects");
		return -1;
	}
	for (size_t i = 0; i < fg_json_len(st); i++)
		if (check_statement(fg_json_at(st, i), i, kind, err) != 0)
			return -1;
	return check_sids(st, err);
}

/* Checks a policy document. */
int
iam_doc_check(const char *doc, enum iam_doc_kind kind, char **err)
{
	char *perr = NULL;
	fg_json root = fg_json_parse(doc, strlen(doc), &perr);
	int rc;

	if (root == NULL) {
		*err = fg_printf("Syntax errors in policy: %s", perr);
		free(perr);
		return -1;
	}
	rc = check_root(root, kind, err);
	fg_json_free(root);
	return rc;
}

/* The number of characters other than white space. */
size_t
iam_doc_size(const char *doc)
{
	size_t n = 0;

	for (const unsigned char *p = (const unsigned char *)doc; *p; p++)
		n += !isspace(*p) && (*p & 0xC0) != 0x80;
	return n;
}

/* Appends an element with the document URL-encoded. */
void
iam_doc_elem(struct fg_buf *b, const char *name, const char *doc)
{
	struct fg_buf enc;

	fg_buf_init(&enc);
	fg_uri_encode(&enc, doc, strlen(doc), 0);
	fg_xml_elem(b, name, fg_buf_cstr(&enc));
	fg_buf_free(&enc);
}
