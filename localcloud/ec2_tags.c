/* ec2_tags.c: EC2 tags: their rules, TagSpecifications of the create actions, and the
 * CreateTags, DeleteTags and DescribeTags actions. */
#include "config.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "ec2.h"
#include "utf8.h"
#include "xml.h"

#define MAX_KEY 128
#define MAX_VALUE 256

/* The number of characters of a UTF-8 string (an invalid byte counts as one). */
static size_t
chars(const char *s)
{
	size_t n = 0, len = strlen(s);

	for (size_t i = 0, step; i < len; i += step ? step : 1, n++)
		step = fg_utf8_char(s + i, len - i);
	return n;
}

/* Says whether a resource has a tag key. */
static int
has_key(const struct ec2_res *r, const char *key)
{
	for (size_t i = 0; r && i < r->ntags; i++)
		if (strcmp(r->tags[i].key, key) == 0)
			return 1;
	return 0;
}

/* Checks a tag list for a resource (existing: its current tags, or NULL). */
int
ec2_tags_check(struct lc_request *req, fg_json tags, const struct ec2_res *existing)
{
	size_t n = existing ? existing->ntags : 0;

	for (size_t i = 0; i < fg_json_len(tags); i++) {
		fg_json t = fg_json_at(tags, i);
		const char *k = ec2_str(t, "Key"), *v = ec2_str(t, "Value");
		int again = 0;

		if (k == NULL || *k == '\0') {
			ec2_error(req, "InvalidParameterValue", "Tag %zu: the tag key must not be "
			    "empty", i + 1);
			return -1;
		}
		if (chars(k) > MAX_KEY || (v && chars(v) > MAX_VALUE)) {
			ec2_error(req, "InvalidParameterValue", "Tag %zu: the tag %s exceeds the maximum "
			    "length of %d characters", i + 1, chars(k) > MAX_KEY ? "key" : "value",
			    chars(k) > MAX_KEY ? MAX_KEY : MAX_VALUE);
			return -1;
		}
		if (strncasecmp(k, "aws:", 4) == 0) {
			ec2_error(req, "InvalidParameterValue", "Tag keys starting with 'aws:' are "
			    "reserved for internal use");
			return -1;
		}
		for (size_t j = 0; j < i && !again; j++)
			again = strcmp(k, ec2_str(fg_json_at(tags, j), "Key")) == 0;
		n += !again && !has_key(existing, k);
	}
	if (n > EC2_MAX_TAGS) {
		ec2_error(req, "TagLimitExceeded", "The maximum number of tags (%d) for a resource "
		    "has been reached", EC2_MAX_TAGS);
		return -1;
	}
	return 0;
}

/* Sets tags on a resource. */
void
ec2_tags_apply(struct ec2_res *r, fg_json tags)
{
	for (size_t i = 0; i < fg_json_len(tags); i++) {
		fg_json t = fg_json_at(tags, i);
		const char *v = ec2_str(t, "Value");

		sqs_kv_set(&r->tags, &r->ntags, ec2_str(t, "Key"), v ? v : "");
	}
}

/* Reads the TagSpecifications of a create action. */
int
ec2_tagspec(struct lc_request *req, fg_json in, const char *type, const char *const *others,
    fg_json *tags)
{
	fg_json specs = fg_json_get(in, "TagSpecifications");

	*tags = NULL;
	for (size_t i = 0; i < fg_json_len(specs); i++) {
		fg_json s = fg_json_at(specs, i);
		const char *rt = ec2_str(s, "ResourceType");
		int ok = rt && strcmp(rt, type) == 0;

		for (size_t j = 0; rt && !ok && others && others[j]; j++)
			ok = strcmp(rt, others[j]) == 0;
		if (!ok) {
			ec2_error(req, "InvalidParameterValue", "'%.100s' is not a valid taggable "
			    "resource type for this operation.", rt ? rt : "null");
			return -1;
		}
		for (size_t j = 0; j < i; j++)
			if (strcmp(rt, ec2_str(fg_json_at(specs, j), "ResourceType")) == 0) {
				ec2_error(req, "InvalidParameterValue", "The resource type '%s' is in the "
				    "tag specifications more than once", rt);
				return -1;
			}
		if (ec2_tags_check(req, fg_json_get(s, "Tags"), NULL) != 0)
			return -1;
		if (strcmp(rt, type) == 0)
			*tags = fg_json_get(s, "Tags");
	}
	return 0;
}

/* The caller's resource a tag action names; NULL after replying. */
static struct ec2_res *
tag_target(struct lc_request *req, struct ec2_state *st, const char *id)
{
	for (int k = 0; k < EC2_NKINDS; k++)
		if (ec2_id_ok(id, ec2_kinds[k].prefix))
			return ec2_get(req, st, (enum ec2_kind)k, id, "ResourceId");
	ec2_error(req, "InvalidID", "The ID '%.100s' is not valid", id ? id : "");
	return NULL;
}

/* CreateTags: adds or replaces tags of resources. */
enum lc_result
ec2_create_tags(struct lc_request *req, struct ec2_state *st, fg_json in)
{
	fg_json ids = fg_json_get(in, "Resources"), tags = fg_json_get(in, "Tags");

	for (size_t i = 0; i < fg_json_len(ids); i++) {
		struct ec2_res *r = tag_target(req, st, fg_json_str(fg_json_at(ids, i)));

		if (r == NULL || ec2_tags_check(req, tags, r) != 0)
			return LC_DONE;
	}
	for (size_t i = 0; i < fg_json_len(ids); i++)
		ec2_tags_apply(ec2_find(st, fg_json_str(fg_json_at(ids, i))), tags);
	return ec2_ok(req);
}

/* Removes the tags a DeleteTags list names from a resource (all of them without a list). */
static void
untag(struct ec2_res *r, fg_json tags)
{
	if (tags == NULL) {
		sqs_kv_free(r->tags, r->ntags);
		r->tags = NULL;
		r->ntags = 0;
		return;
	}
	for (size_t i = 0; i < fg_json_len(tags); i++) {
		fg_json t = fg_json_at(tags, i);
		const char *k = ec2_str(t, "Key"), *v = ec2_str(t, "Value");

		for (size_t j = 0; k && j < r->ntags; j++)
			if (strcmp(r->tags[j].key, k) == 0 && (v == NULL ||
			    strcmp(r->tags[j].value, v) == 0)) {
				sqs_kv_del(&r->tags, &r->ntags, k);
				break;
			}
	}
}

/* DeleteTags: removes tags (only those with the value, when one is given). */
enum lc_result
ec2_delete_tags(struct lc_request *req, struct ec2_state *st, fg_json in)
{
	fg_json ids = fg_json_get(in, "Resources"), tags = fg_json_get(in, "Tags");

	for (size_t i = 0; i < fg_json_len(tags); i++)
		if (ec2_str(fg_json_at(tags, i), "Key") == NULL) {
			ec2_error(req, "InvalidParameterValue", "Tag %zu: the tag key must not be "
			    "empty", i + 1);
			return LC_DONE;
		}
	for (size_t i = 0; i < fg_json_len(ids); i++)
		if (tag_target(req, st, fg_json_str(fg_json_at(ids, i))) == NULL)
			return LC_DONE;
	for (size_t i = 0; i < fg_json_len(ids); i++)
		untag(ec2_find(st, fg_json_str(fg_json_at(ids, i))), tags);
	return ec2_ok(req);
}

/* One tag of one resource, as DescribeTags lists them. */
struct tagref {
	const struct ec2_res *r;
	const struct sqs_kv *t;
};

/* DescribeTags filter values. */
static void
f_key(struct ec2_match *m, const void *item)
{
	ec2_emit(m, ((const struct tagref *)item)->t->key);
}

static void
f_value(struct ec2_match *m, const void *item)
{
	ec2_emit(m, ((const struct tagref *)item)->t->value);
}

static void
f_resource_id(struct ec2_match *m, const void *item)
{
	ec2_emit(m, ((const struct tagref *)item)->r->id);
}

static void
f_resource_type(struct ec2_match *m, const void *item)
{
	ec2_emit(m, ec2_kinds[((const struct tagref *)item)->r->kind].type);
}

static const struct ec2_filter tag_filters[] = {
	{ "key", f_key },
	{ "resource-id", f_resource_id },
	{ "resource-type", f_resource_type },
	{ "value", f_value },
	{ NULL, NULL },
};

/* Says whether (id, key) comes after the page token's "id key". */
static int
after(const char *tok, const char *id, const char *key)
{
	size_t n = strcspn(tok, " ");
	int c = strncmp(id, tok, n);

	if (c == 0 && id[n] != '\0')
		c = 1;
	return c > 0 || (c == 0 && tok[n] == ' ' && strcmp(key, tok + n + 1) > 0);
}

/* DescribeTags: the tags of the caller's resources, by resource id and key. */
enum lc_result
ec2_describe_tags(struct lc_request *req, struct ec2_state *st, fg_json in)
{
	fg_json filters = fg_json_get(in, "Filters");
	struct tagref last = { NULL, NULL };
	struct ec2_page pg;
	struct fg_buf *b;
	int64_t shown = 0;
	char *next = NULL;

	if (ec2_filters_check(req, filters, tag_filters, 1) != 0 ||
	    ec2_page_init(req, in, 1000, req->action, &pg) != 0)
		return LC_DONE;
	b = ec2_begin(req);
	fg_buf_addstr(b, "<tagSet>");
	for (size_t i = 0; i < st->n && next == NULL; i++) {
		const struct ec2_res *r = st->res[i];

		if (!ec2_mine(req, r) || !lc_visible(req, r->created_ms))
			continue;
		for (size_t j = 0; j < r->ntags && next == NULL; j++) {
			struct tagref ref = { r, &r->tags[j] };

			if ((pg.after && !after(pg.after, r->id, r->tags[j].key)) ||
			    !ec2_filters_pass(st, filters, tag_filters, &ref, r))
				continue;
			if (pg.max && shown == pg.max) {
				char *key = fg_printf("%s %s", last.r->id, last.t->key);

				next = ec2_page_token(&pg, key);
				free(key);
				break;
			}
			fg_buf_addstr(b, "<item>");
			fg_xml_elem(b, "resourceId", r->id);
			fg_xml_elem(b, "resourceType", ec2_kinds[r->kind].type);
			fg_xml_elem(b, "key", r->tags[j].key);
			fg_xml_elem(b, "value", r->tags[j].value);
			fg_buf_addstr(b, "</item>");
			last = ref;
			shown++;
		}
	}
	fg_buf_addstr(b, "</tagSet>");
	if (next)
		fg_xml_elem(b, "nextToken", next);
	free(next);
	ec2_page_free(&pg);
	return ec2_end(req);
}
