/* ddb_av.c: DynamoDB attribute values: wire JSON in and out, copies, equality, order, sizes. */
#include <stdlib.h>
#include <string.h>

#include "ddb.h"
#include "sigv4.h"

#define DDB_MAX_NESTING 32

static const char *const type_names[] = {
	[DDB_S] = "S", [DDB_N] = "N", [DDB_B] = "B", [DDB_BOOL] = "BOOL", [DDB_NULL] = "NULL",
	[DDB_M] = "M", [DDB_L] = "L", [DDB_SS] = "SS", [DDB_NS] = "NS", [DDB_BS] = "BS",
	[DDB_GAP] = "GAP",
};

/* The wire name of a type ("S", "NS", ...). */
const char *
ddb_type_name(enum ddb_type t)
{
	return type_names[t];
}

/* The type named by a wire name, or -1. */
int
ddb_type_from_name(const char *s)
{
	for (int t = DDB_S; t < DDB_GAP; t++)
		if (strcmp(type_names[t], s) == 0)
			return t;
	return -1;
}

/* Tells whether t is a set type. */
int
ddb_av_is_set(enum ddb_type t)
{
	return t == DDB_SS || t == DDB_NS || t == DDB_BS;
}

/* Makes an empty value of type t. */
void
ddb_av_init(struct ddb_av *av, enum ddb_type t)
{
	memset(av, 0, sizeof(*av));
	av->type = t;
	if (t == DDB_NULL)
		av->boolean = 1;
}

/* Sets a scalar (S, N or B) to a copy of len bytes. */
void
ddb_av_set_str(struct ddb_av *av, enum ddb_type t, const char *s, size_t len)
{
	ddb_av_init(av, t);
	av->str = fg_malloc(len + 1);
	memcpy(av->str, s, len);
	av->str[len] = 0;
	av->len = len;
}

/* Frees what av holds; av becomes an empty NULL value. */
void
ddb_av_free(struct ddb_av *av)
{
	for (size_t i = 0; i < av->n; i++) {
		ddb_av_free(&av->v[i]);
		if (av->names)
			free(av->names[i]);
	}
	free(av->v);
	free(av->names);
	free(av->str);
	ddb_av_init(av, DDB_NULL);
}

/* Deep copy of src into dst (which holds nothing). */
void
ddb_av_copy(struct ddb_av *dst, const struct ddb_av *src)
{
	*dst = *src;
	dst->str = NULL;
	dst->v = NULL;
	dst->names = NULL;
	dst->n = dst->cap = 0;
	if (src->str)
		ddb_av_set_str(dst, src->type, src->str, src->len);
	for (size_t i = 0; i < src->n; i++)
		ddb_av_copy(ddb_av_push(dst, src->names ? src->names[i] : NULL), &src->v[i]);
}

/* Moves src into dst (which holds nothing); src is left empty. */
void
ddb_av_move(struct ddb_av *dst, struct ddb_av *src)
{
	*dst = *src;
	ddb_av_init(src, DDB_NULL);
}

/* Appends an empty slot to an M (named), L or set and returns it. */
struct ddb_av *
ddb_av_push(struct ddb_av *av, const char *name)
{
	if (av->n == av->cap) {
		av->cap = av->cap ? av->cap * 2 : 4;
		av->v = fg_realloc(av->v, av->cap * sizeof(*av->v));
		if (av->type == DDB_M)
			av->names = fg_realloc(av->names, av->cap * sizeof(*av->names));
	}
	if (av->type == DDB_M)
		av->names[av->n] = fg_strdup(name ? name : "");
	ddb_av_init(&av->v[av->n], DDB_NULL);
	return &av->v[av->n++];
}

/* Removes item i of an M, L or set. */
void
ddb_av_remove_at(struct ddb_av *av, size_t i)
{
	ddb_av_free(&av->v[i]);
	memmove(&av->v[i], &av->v[i + 1], (av->n - i - 1) * sizeof(*av->v));
	if (av->names) {
		free(av->names[i]);
		memmove(&av->names[i], &av->names[i + 1], (av->n - i - 1) * sizeof(*av->names));
	}
	av->n--;
}

/* The member called name of an M, or NULL. */
struct ddb_av *
ddb_map_get(const struct ddb_av *m, const char *name)
{
	if (m == NULL || m->type != DDB_M)
		return NULL;
	for (size_t i = 0; i < m->n; i++)
		if (strcmp(m->names[i], name) == 0)
			return &m->v[i];
	return NULL;
}

/* Sets member name of an M to v (moved in). */
void
ddb_map_put(struct ddb_av *m, const char *name, struct ddb_av *v)
{
	struct ddb_av *slot = ddb_map_get(m, name);

	if (slot)
		ddb_av_free(slot);
	else
		slot = ddb_av_push(m, name);
	ddb_av_move(slot, v);
}

/* Removes member name of an M; 1 when it was there. */
int
ddb_map_del(struct ddb_av *m, const char *name)
{
	for (size_t i = 0; i < m->n; i++)
		if (strcmp(m->names[i], name) == 0) {
			ddb_av_remove_at(m, i);
			return 1;
		}
	return 0;
}

/* Drops list holes left by updates and projections, at every level. */
void
ddb_av_squash(struct ddb_av *av)
{
	for (size_t i = 0; i < av->n;) {
		if (av->v[i].type == DDB_GAP) {
			ddb_av_remove_at(av, i);
			continue;
		}
		ddb_av_squash(&av->v[i]);
		i++;
	}
}

/* Tells whether a set holds member (compared by value). */
int
ddb_set_has(const struct ddb_av *set, const struct ddb_av *m)
{
	for (size_t i = 0; i < set->n; i++)
		if (ddb_av_equal(&set->v[i], m))
			return 1;
	return 0;
}

/* Deep equality; sets compare as sets, numbers by value. */
int
ddb_av_equal(const struct ddb_av *a, const struct ddb_av *b)
{
	if (a->type != b->type)
		return 0;
	switch (a->type) {
	case DDB_S:
	case DDB_B:
		return a->len == b->len && memcmp(a->str, b->str, a->len) == 0;
	case DDB_N:
		return ddb_num_cmp(a->str, b->str) == 0;
	case DDB_BOOL:
		return a->boolean == b->boolean;
	case DDB_NULL:
	case DDB_GAP:
		return 1;
	case DDB_SS:
	case DDB_NS:
	case DDB_BS:
		if (a->n != b->n)
			return 0;
		for (size_t i = 0; i < a->n; i++)
			if (!ddb_set_has(b, &a->v[i]))
				return 0;
		return 1;
	case DDB_L:
		if (a->n != b->n)
			return 0;
		for (size_t i = 0; i < a->n; i++)
			if (!ddb_av_equal(&a->v[i], &b->v[i]))
				return 0;
		return 1;
	case DDB_M:
		if (a->n != b->n)
			return 0;
		for (size_t i = 0; i < a->n; i++) {
			const struct ddb_av *o = ddb_map_get(b, a->names[i]);

			if (o == NULL || !ddb_av_equal(&a->v[i], o))
				return 0;
		}
		return 1;
	}
	return 0;
}

/* Orders scalars of one type: S and B byte-wise (unsigned), N by value. */
int
ddb_av_cmp(const struct ddb_av *a, const struct ddb_av *b)
{
	size_t n;
	int r;

	if (a->type == DDB_N)
		return ddb_num_cmp(a->str, b->str);
	n = a->len < b->len ? a->len : b->len;
	r = memcmp(a->str, b->str, n);
	if (r != 0)
		return r < 0 ? -1 : 1;
	return (a->len > b->len) - (a->len < b->len);
}

/* Sets a parse error and returns -1. */
static int
av_error(int *serial, int is_serial, char **err, char *msg)
{
	*serial = is_serial;
	*err = msg;
	return -1;
}

/* Reads a scalar of type t from a JSON string. */
static int
scalar_from_json(fg_json j, enum ddb_type t, struct ddb_av *out, int *serial, char **err)
{
	const char *s = fg_json_str(j);
	unsigned char *bin;
	size_t len;
	char *canon;

	if (s == NULL)
		return av_error(serial, 1, err, fg_printf("Unexpected value type in payload: "
		    "%s where a string was expected for %s", fg_json_type_name(j), ddb_type_name(t)));
	switch (t) {
	case DDB_N:
		if (ddb_num_canon(s, strlen(s), &canon, err) < 0) {
			*serial = 0;
			return -1;
		}
		ddb_av_init(out, DDB_N);
		out->str = canon;
		out->len = strlen(canon);
		return 0;
	case DDB_B:
		bin = fg_base64_decode(s, &len);
		if (bin == NULL)
			return av_error(serial, 1, err, fg_strdup("Invalid Base64 value in a B AttributeValue"));
		ddb_av_set_str(out, DDB_B, (const char *)bin, len);
		free(bin);
		return 0;
	default:
		ddb_av_set_str(out, DDB_S, s, strlen(s));
		return 0;
	}
}

/* Reads a set (SS, NS or BS): non-empty, without duplicates. */
static int
set_from_json(fg_json j, enum ddb_type t, struct ddb_av *out, int *serial, char **err)
{
	enum ddb_type mt = t == DDB_SS ? DDB_S : t == DDB_NS ? DDB_N : DDB_B;

	if (!YAJL_IS_ARRAY(j))
		return av_error(serial, 1, err, fg_printf("Unexpected value type in payload: "
		    "%s where a list was expected for %s", fg_json_type_name(j), ddb_type_name(t)));
	ddb_av_init(out, t);
	if (fg_json_len(j) == 0)
		return av_error(serial, 0, err, fg_strdup(t == DDB_SS ?
		    "One or more parameter values were invalid: An string set  may not be empty" :
		    t == DDB_NS ? "One or more parameter values were invalid: An number set  may not be empty" :
		    "One or more parameter values were invalid: Binary sets should not be empty"));
	for (size_t i = 0; i < fg_json_len(j); i++) {
		struct ddb_av m;

		if (scalar_from_json(fg_json_at(j, i), mt, &m, serial, err) < 0)
			return -1;
		if (ddb_set_has(out, &m)) {
			const char *s = fg_json_str(fg_json_at(j, i));

			ddb_av_free(&m);
			return av_error(serial, 0, err, t == DDB_NS ?
			    fg_strdup("Input collection contains duplicates") :
			    fg_printf("One or more parameter values were invalid: Input collection "
			    "contains duplicates: %s", s));
		}
		ddb_av_move(ddb_av_push(out, NULL), &m);
	}
	return 0;
}

/* Reads one AttributeValue at nesting depth. */
static int
av_from_json(fg_json j, struct ddb_av *out, int depth, int *serial, char **err)
{
	int t = -1, ntypes = 0;
	fg_json val = NULL;
	int b;

	ddb_av_init(out, DDB_NULL);
	if (!YAJL_IS_OBJECT(j))
		return av_error(serial, 1, err, fg_printf("Unexpected value type in payload: "
		    "%s where an AttributeValue object was expected", fg_json_type_name(j)));
	if (depth > DDB_MAX_NESTING)
		return av_error(serial, 0, err, fg_strdup("Nesting Levels have exceeded supported limits"));
	for (size_t i = 0; i < fg_json_len(j); i++) {
		int ti = ddb_type_from_name(fg_json_key(j, i));

		if (ti < 0 || YAJL_IS_NULL(fg_json_at(j, i)))
			continue;
		ntypes++;
		t = ti;
		val = fg_json_at(j, i);
	}
	if (ntypes == 0)
		return av_error(serial, 0, err, fg_strdup("Supplied AttributeValue is empty, "
		    "must contain exactly one of the supported datatypes"));
	if (ntypes > 1)
		return av_error(serial, 0, err, fg_strdup("Supplied AttributeValue has more than one "
		    "datatypes set, must contain exactly one of the supported datatypes"));
	switch (t) {
	case DDB_S:
	case DDB_N:
	case DDB_B:
		return scalar_from_json(val, t, out, serial, err);
	case DDB_BOOL:
	case DDB_NULL:
		if (fg_json_bool(val, &b) < 0)
			return av_error(serial, 1, err, fg_printf("Unexpected value type in payload: "
			    "%s where a boolean was expected for %s", fg_json_type_name(val),
			    ddb_type_name(t)));
		if (t == DDB_NULL && !b)
			return av_error(serial, 0, err, fg_strdup("One or more parameter values were "
			    "invalid: Null attribute value types must have the value of true"));
		ddb_av_init(out, t);
		out->boolean = b;
		return 0;
	case DDB_SS:
	case DDB_NS:
	case DDB_BS:
		return set_from_json(val, t, out, serial, err);
	case DDB_L:
		if (!YAJL_IS_ARRAY(val))
			return av_error(serial, 1, err, fg_printf("Unexpected value type in payload: "
			    "%s where a list was expected for L", fg_json_type_name(val)));
		ddb_av_init(out, DDB_L);
		for (size_t i = 0; i < fg_json_len(val); i++)
			if (av_from_json(fg_json_at(val, i), ddb_av_push(out, NULL), depth + 1, serial,
			    err) < 0)
				return -1;
		return 0;
	default:
		if (!YAJL_IS_OBJECT(val))
			return av_error(serial, 1, err, fg_printf("Unexpected value type in payload: "
			    "%s where an object was expected for M", fg_json_type_name(val)));
		ddb_av_init(out, DDB_M);
		for (size_t i = 0; i < fg_json_len(val); i++) {
			struct ddb_av m;

			if (av_from_json(fg_json_at(val, i), &m, depth + 1, serial, err) < 0) {
				ddb_av_free(&m);
				return -1;
			}
			ddb_map_put(out, fg_json_key(val, i), &m);
		}
		return 0;
	}
}

/* Reads one wire AttributeValue. */
int
ddb_av_from_json(fg_json j, struct ddb_av *out, int *serial, char **err)
{
	if (av_from_json(j, out, 1, serial, err) < 0) {
		ddb_av_free(out);
		return -1;
	}
	return 0;
}

/* Reads {"name": AttributeValue, ...} into an M. */
int
ddb_item_from_json(fg_json j, struct ddb_av *out, int *serial, char **err)
{
	ddb_av_init(out, DDB_M);
	if (!YAJL_IS_OBJECT(j))
		return av_error(serial, 1, err, fg_printf("Unexpected value type in payload: "
		    "%s where a map of attribute values was expected", fg_json_type_name(j)));
	for (size_t i = 0; i < fg_json_len(j); i++) {
		struct ddb_av m;

		if (av_from_json(fg_json_at(j, i), &m, 1, serial, err) < 0) {
			ddb_av_free(&m);
			ddb_av_free(out);
			return -1;
		}
		ddb_map_put(out, fg_json_key(j, i), &m);
	}
	return 0;
}

/* Writes the wire form of a scalar member (a set member or a value). */
static void
scalar_write(struct fg_jw *w, const struct ddb_av *av)
{
	char *b64;

	if (av->type == DDB_B) {
		b64 = fg_base64(av->str, av->len);
		fg_jw_str(w, b64);
		free(b64);
	} else {
		fg_jw_strn(w, av->str, av->len);
	}
}

/* Writes one AttributeValue in wire form. */
void
ddb_av_write(struct fg_jw *w, const struct ddb_av *av)
{
	fg_jw_obj(w);
	fg_jw_key(w, ddb_type_name(av->type));
	switch (av->type) {
	case DDB_S:
	case DDB_N:
	case DDB_B:
		scalar_write(w, av);
		break;
	case DDB_BOOL:
	case DDB_NULL:
		fg_jw_bool(w, av->boolean);
		break;
	case DDB_M:
		ddb_item_write(w, av);
		break;
	default:
		fg_jw_arr(w);
		for (size_t i = 0; i < av->n; i++) {
			if (av->type == DDB_L)
				ddb_av_write(w, &av->v[i]);
			else
				scalar_write(w, &av->v[i]);
		}
		fg_jw_end_arr(w);
		break;
	}
	fg_jw_end_obj(w);
}

/* Writes an M as a map of attribute name to AttributeValue. */
void
ddb_item_write(struct fg_jw *w, const struct ddb_av *m)
{
	fg_jw_obj(w);
	for (size_t i = 0; i < m->n; i++) {
		fg_jw_key(w, m->names[i]);
		ddb_av_write(w, &m->v[i]);
	}
	fg_jw_end_obj(w);
}

/* The size DynamoDB counts for a value. */
size_t
ddb_av_size(const struct ddb_av *av)
{
	size_t s = 0;

	switch (av->type) {
	case DDB_S:
	case DDB_B:
		return av->len;
	case DDB_N:
		return ddb_num_size(av->str);
	case DDB_BOOL:
	case DDB_NULL:
		return 1;
	case DDB_L:
		for (size_t i = 0; i < av->n; i++)
			s += 1 + ddb_av_size(&av->v[i]);
		return 3 + s;
	case DDB_M:
		return 3 + av->n + ddb_item_size(av);
	case DDB_GAP:
		return 0;
	default:
		for (size_t i = 0; i < av->n; i++)
			s += ddb_av_size(&av->v[i]);
		return s;
	}
}

/* The size of an item: attribute names plus values. */
size_t
ddb_item_size(const struct ddb_av *m)
{
	size_t s = 0;

	for (size_t i = 0; i < m->n; i++)
		s += strlen(m->names[i]) + ddb_av_size(&m->v[i]);
	return s;
}
