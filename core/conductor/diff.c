/* diff.c: desired properties made complete (schema defaults, fugue tags) and compared with
 * what AWS reports, the way doc/resource-schemas.md says: omitted properties with a default
 * are managed, without one they are not; tags and unique lists are sets; JSON documents in
 * strings compare parsed; aws: tags are AWS's own. */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "engine_int.h"
#include "sigv4.h"

/* 1 when two JSON values are equal: numbers by value, object members in any order. */
int
json_equal(fg_json a, fg_json b)
{
	double x, y;

	if (a == NULL || b == NULL)
		return a == b;
	if (a->type == yajl_t_number && b->type == yajl_t_number)
		return fg_json_double(a, &x) == 0 && fg_json_double(b, &y) == 0 && x == y;
	if (a->type != b->type)
		return 0;
	switch (a->type) {
	case yajl_t_string:
		return strcmp(a->u.string, b->u.string) == 0;
	case yajl_t_array:
		if (a->u.array.len != b->u.array.len)
			return 0;
		for (size_t i = 0; i < a->u.array.len; i++)
			if (!json_equal(a->u.array.values[i], b->u.array.values[i]))
				return 0;
		return 1;
	case yajl_t_object:
		if (a->u.object.len != b->u.object.len)
			return 0;
		for (size_t i = 0; i < a->u.object.len; i++)
			if (!json_equal(a->u.object.values[i], fg_json_get(b, a->u.object.keys[i])))
				return 0;
		return 1;
	default:
		return 1; /* true, false, null: same type */
	}
}

/* Compares C strings for qsort. */
static int
cmp_key(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* Writes v with object members sorted by name (a canonical form for hashing). */
void
json_write_sorted(struct fg_jw *w, fg_json v)
{
	const char **keys;
	size_t n;

	if (v == NULL || v->type != yajl_t_object) {
		if (v != NULL && v->type == yajl_t_array) {
			fg_jw_arr(w);
			for (size_t i = 0; i < v->u.array.len; i++)
				json_write_sorted(w, v->u.array.values[i]);
			fg_jw_end_arr(w);
		} else if (v == NULL)
			fg_jw_null(w);
		else
			fg_jw_value(w, v);
		return;
	}
	n = v->u.object.len;
	keys = fg_calloc(n ? n : 1, sizeof(char *));
	if (n > 0)
		memcpy(keys, v->u.object.keys, n * sizeof(char *));
	qsort(keys, n, sizeof(char *), cmp_key);
	fg_jw_obj(w);
	for (size_t i = 0; i < n; i++) {
		fg_jw_key(w, keys[i]);
		json_write_sorted(w, fg_json_get(v, keys[i]));
	}
	fg_jw_end_obj(w);
	free(keys);
}

/* Parses the writer's text (always valid JSON) into a tree. */
fg_json
json_from_writer(struct fg_jw *w)
{
	char *err = NULL;
	fg_json v = fg_json_parse(w->out.data ? w->out.data : "null",
	    w->out.data ? w->out.len : 4, &err);

	if (v == NULL)
		fatalx("the JSON writer produced what does not parse: %s", err);
	return v;
}

/* The object schema's "properties", or NULL. */
static fg_json
schema_props(fg_json node)
{
	fg_json p = fg_json_get(node, "properties");

	return p && p->type == yajl_t_object ? p : NULL;
}

/* Writes v (an object) with the defaults of schema node filled in, recursively. */
static void
write_completed(struct fg_jw *w, fg_json v, fg_json node)
{
	fg_json props = schema_props(node);
	const char **keys;
	size_t n = 0, cap;

	if (props == NULL || v == NULL || v->type != yajl_t_object) {
		json_write_sorted(w, v);
		return;
	}
	/* The members set and the properties with a default, sorted and without repeats. */
	cap = v->u.object.len + props->u.object.len;
	keys = fg_calloc(cap ? cap : 1, sizeof(char *));
	for (size_t i = 0; i < v->u.object.len; i++)
		keys[n++] = v->u.object.keys[i];
	for (size_t i = 0; i < props->u.object.len; i++)
		if (fg_json_get(props->u.object.values[i], "default") != NULL &&
		    fg_json_get(v, props->u.object.keys[i]) == NULL)
			keys[n++] = props->u.object.keys[i];
	qsort(keys, n, sizeof(char *), cmp_key);
	fg_jw_obj(w);
	for (size_t i = 0; i < n; i++) {
		fg_json sub = fg_json_get(props, keys[i]);
		fg_json val = fg_json_get(v, keys[i]);

		fg_jw_key(w, keys[i]);
		if (val == NULL)
			json_write_sorted(w, fg_json_get(sub, "default"));
		else
			write_completed(w, val, sub);
	}
	fg_jw_end_obj(w);
	free(keys);
}

/* Writes the Tags array with fugue:fid and fugue:id in place of any fugue: tags given. */
static void
write_tags(struct fg_jw *w, fg_json tags, const char *fid, const char *lid)
{
	fg_jw_arr(w);
	for (size_t i = 0; i < fg_json_len(tags); i++) {
		fg_json t = fg_json_at(tags, i);
		const char *k = fg_json_str(fg_json_get(t, "Key"));

		if (k != NULL && strncmp(k, "fugue:", 6) == 0)
			continue;
		json_write_sorted(w, t);
	}
	fg_jw_obj(w);
	fg_jw_kstr(w, "Key", "fugue:fid");
	fg_jw_kstr(w, "Value", fid);
	fg_jw_end_obj(w);
	fg_jw_obj(w);
	fg_jw_kstr(w, "Key", "fugue:id");
	fg_jw_kstr(w, "Value", lid);
	fg_jw_end_obj(w);
	fg_jw_end_arr(w);
}

/* The desired properties as a plugin gets them: defaults filled in (nested objects too),
 * members sorted, and for tagged types the fugue:fid and fugue:id tags added. A new tree. */
fg_json
desired_complete(const struct ptype *pt, fg_json props, const char *fid, const char *lid)
{
	struct fg_jw w;
	fg_json done, v;

	fg_jw_init(&w, 0);
	write_completed(&w, props, pt->schema);
	done = json_from_writer(&w);
	fg_jw_free(&w);
	if (!pt->tags)
		return done;
	/* Rewrite with the Tags member replaced. */
	fg_jw_init(&w, 0);
	fg_jw_obj(&w);
	for (size_t i = 0; i < fg_json_len(done); i++) {
		const char *k = fg_json_key(done, i);

		fg_jw_key(&w, k);
		if (strcmp(k, "Tags") == 0)
			write_tags(&w, fg_json_at(done, i), fid, lid);
		else
			fg_jw_value(&w, fg_json_at(done, i));
	}
	if (fg_json_get(done, "Tags") == NULL) {
		fg_jw_key(&w, "Tags");
		write_tags(&w, NULL, fid, lid);
	}
	fg_jw_end_obj(&w);
	v = json_from_writer(&w);
	fg_jw_free(&w);
	fg_json_free(done);
	return v;
}

/* The sha256 (hex) of the canonical text of v. */
void
json_hash(fg_json v, char out[65])
{
	struct fg_jw w;

	fg_jw_init(&w, 0);
	json_write_sorted(&w, v);
	fg_sha256_hex(w.out.data ? w.out.data : "", w.out.len, out);
	fg_jw_free(&w);
}

static int value_equal(fg_json node, fg_json want, fg_json have, int tags);

/* 1 when a JSON document in a string equals another, compared parsed. */
static int
document_equal(const char *a, const char *b)
{
	char *err = NULL;
	fg_json x = fg_json_parse(a, strlen(a), &err), y;
	int eq;

	free(err);
	err = NULL;
	y = fg_json_parse(b, strlen(b), &err);
	free(err);
	eq = x != NULL && y != NULL ? json_equal(x, y) : strcmp(a, b) == 0;
	fg_json_free(x);
	fg_json_free(y);
	return eq;
}

/* 1 when a tag is AWS's own (aws:), never compared. */
static int
aws_tag(fg_json t)
{
	const char *k = fg_json_str(fg_json_get(t, "Key"));

	return k != NULL && strncmp(k, "aws:", 4) == 0;
}

/* 1 when two arrays hold the same items in any order (tags: aws: tags aside). */
static int
set_equal(fg_json items, fg_json want, fg_json have, int tags)
{
	size_t nw = 0, nh = 0;

	for (size_t i = 0; i < fg_json_len(have); i++)
		nh += !(tags && aws_tag(fg_json_at(have, i)));
	for (size_t i = 0; i < fg_json_len(want); i++) {
		fg_json a = fg_json_at(want, i);
		int found = 0;

		if (tags && aws_tag(a))
			continue;
		nw++;
		for (size_t j = 0; j < fg_json_len(have) && !found; j++)
			found = value_equal(items, a, fg_json_at(have, j), 0);
		if (!found)
			return 0;
	}
	return nw == nh;
}

/* 1 when the observed value matches the desired one under schema node. */
static int
value_equal(fg_json node, fg_json want, fg_json have, int tags)
{
	const char *type = fg_json_str(fg_json_get(node, "type"));
	fg_json props;
	int unique = 0;

	if (want == NULL)
		return 1; /* not managed */
	if (have == NULL) {
		/* AWS leaves out what is at its default. */
		have = fg_json_get(node, "default");
		if (have == NULL)
			return 0;
	}
	if (type == NULL)
		return json_equal(want, have);
	if (strcmp(type, "string") == 0) {
		const char *cmt = fg_json_str(fg_json_get(node, "contentMediaType"));

		if (fg_json_str(want) && fg_json_str(have) && cmt &&
		    strcmp(cmt, "application/json") == 0)
			return document_equal(fg_json_str(want), fg_json_str(have));
		return json_equal(want, have);
	}
	if (strcmp(type, "array") == 0) {
		fg_json items = fg_json_get(node, "items");

		if (want->type != yajl_t_array || have->type != yajl_t_array)
			return json_equal(want, have);
		fg_json_bool(fg_json_get(node, "uniqueItems"), &unique);
		if (unique || tags)
			return set_equal(items, want, have, tags);
		if (fg_json_len(want) != fg_json_len(have))
			return 0;
		for (size_t i = 0; i < fg_json_len(want); i++)
			if (!value_equal(items, fg_json_at(want, i), fg_json_at(have, i), 0))
				return 0;
		return 1;
	}
	if (strcmp(type, "object") == 0 && (props = schema_props(node)) != NULL) {
		if (want->type != yajl_t_object || have->type != yajl_t_object)
			return json_equal(want, have);
		for (size_t i = 0; i < fg_json_len(props); i++) {
			const char *k = fg_json_key(props, i);

			if (!value_equal(fg_json_at(props, i), fg_json_get(want, k),
			    fg_json_get(have, k), 0))
				return 0;
		}
		return 1;
	}
	return json_equal(want, have);
}

/* 1 when name is listed in the schema's member key (a list of property names). */
static int
schema_lists(const struct ptype *pt, const char *key, const char *name)
{
	fg_json list = fg_json_get(pt->schema, key);

	for (size_t i = 0; i < fg_json_len(list); i++) {
		const char *s = fg_json_str(fg_json_at(list, i));

		if (s != NULL && strcmp(s, name) == 0)
			return 1;
	}
	return 0;
}

/* The desired properties last applied (props: their JSON text, may be NULL), parsed when the
 * type has write-only properties to compare with them; else NULL. Caller frees. */
fg_json
props_applied(const struct ptype *pt, const char *props)
{
	char *err = NULL;
	fg_json v;

	if (props == NULL || fg_json_get(pt->schema, "x-fugue-write-only") == NULL)
		return NULL;
	v = fg_json_parse(props, strlen(props), &err);
	free(err); /* the engine wrote it: unreadable only if the table was edited by hand */
	return v;
}

/* 1 when name is listed in the schema's x-fugue-replace-on-change. */
int
ptype_replaces(const struct ptype *pt, const char *name)
{
	return schema_lists(pt, "x-fugue-replace-on-change", name);
}

/* Compares complete desired properties with observed ones (and the write-only ones, which AWS
 * does not report, with last: the desired properties last applied; NULL when unknown): the
 * number of managed properties that differ, their names in *names (comma-separated, caller
 * frees; may be NULL), and *replace = 1 when one of them cannot change in place. */
size_t
props_diff(const struct ptype *pt, fg_json want, fg_json have, fg_json last, char **names,
    int *replace)
{
	struct fg_buf b;
	size_t n = 0;

	fg_buf_init(&b);
	*replace = 0;
	for (size_t i = 0; i < fg_json_len(want); i++) {
		const char *k = fg_json_key(want, i);
		fg_json node = fg_json_get(pt->props, k);

		if (node == NULL)
			continue; /* not a property (a composition is checked against the schema) */
		if (schema_lists(pt, "x-fugue-write-only", k)) {
			if (last == NULL || value_equal(node, fg_json_at(want, i), fg_json_get(last, k),
			    0))
				continue;
		} else if (value_equal(node, fg_json_at(want, i), fg_json_get(have, k),
		    pt->tags && strcmp(k, "Tags") == 0))
			continue;
		n++;
		if (ptype_replaces(pt, k))
			*replace = 1;
		fg_buf_addf(&b, "%s%s", b.len ? ", " : "", k);
	}
	if (names != NULL)
		*names = n ? fg_buf_detach(&b) : NULL;
	fg_buf_free(&b);
	return n;
}
