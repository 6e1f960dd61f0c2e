/* json_read.c: JSON text parsed with yajl's event parser into a yajl_val tree, with limits and
 * error messages that say line and column. */
#include "config.h"

#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <yajl/yajl_parse.h>

#include "json.h"
#include "utf8.h"

#define JREAD_STR(x) #x
#define JREAD_XSTR(x) JREAD_STR(x)

/* The state of one parse: the open containers and the member name waiting for its value. */
struct jread {
	yajl_val root;
	yajl_val open[FG_JSON_MAX_DEPTH]; /* open objects and arrays, outermost first */
	size_t cap[FG_JSON_MAX_DEPTH];    /* allocated slots of each */
	char *key[FG_JSON_MAX_DEPTH];     /* member name waiting for its value, per open object */
	size_t depth;
	const char *why; /* set when a callback stops the parse */
};

/* Allocates an empty value of type t. */
static yajl_val
jval_new(yajl_type t)
{
	yajl_val v = fg_calloc(1, sizeof(*v));

	v->type = t;
	return v;
}

/* Stores v as the root, the next array item or the value of the waiting member name. */
static int
jread_add(struct jread *r, yajl_val v)
{
	yajl_val c;
	size_t d = r->depth;

	if (d == 0) {
		r->root = v;
		return 1;
	}
	c = r->open[d - 1];
	if (c->type == yajl_t_object) {
		if (c->u.object.len == r->cap[d - 1]) {
			r->cap[d - 1] = r->cap[d - 1] ? r->cap[d - 1] * 2 : 4;
			c->u.object.keys = fg_realloc(c->u.object.keys,
			    r->cap[d - 1] * sizeof(*c->u.object.keys));
			c->u.object.values = fg_realloc(c->u.object.values,
			    r->cap[d - 1] * sizeof(*c->u.object.values));
		}
		c->u.object.keys[c->u.object.len] = r->key[d - 1];
		c->u.object.values[c->u.object.len++] = v;
		r->key[d - 1] = NULL;
	} else {
		if (c->u.array.len == r->cap[d - 1]) {
			r->cap[d - 1] = r->cap[d - 1] ? r->cap[d - 1] * 2 : 4;
			c->u.array.values = fg_realloc(c->u.array.values,
			    r->cap[d - 1] * sizeof(*c->u.array.values));
		}
		c->u.array.values[c->u.array.len++] = v;
	}
	return 1;
}

/* Opens an object or array, refusing FG_JSON_MAX_DEPTH levels: yajl_gen cannot write them. */
static int
jread_open(struct jread *r, yajl_type t)
{
	yajl_val v;

	if (r->depth + 1 >= FG_JSON_MAX_DEPTH) {
		r->why = "objects and arrays nested " JREAD_XSTR(FG_JSON_MAX_DEPTH) " levels deep";
		return 0;
	}
	v = jval_new(t);
	jread_add(r, v);
	r->cap[r->depth] = 0;
	r->key[r->depth] = NULL;
	r->open[r->depth++] = v;
	return 1;
}

/* yajl callback: null. */
static int
on_null(void *ctx)
{
	return jread_add(ctx, jval_new(yajl_t_null));
}

/* yajl callback: true or false. */
static int
on_bool(void *ctx, int b)
{
	return jread_add(ctx, jval_new(b ? yajl_t_true : yajl_t_false));
}

/* yajl callback: a number, kept as text and converted as yajl_tree does. */
static int
on_number(void *ctx, const char *s, size_t len)
{
	yajl_val v = jval_new(yajl_t_number);
	char *end;

	v->u.number.r = fg_strndup(s, len);
	errno = 0;
	v->u.number.i = strtoll(v->u.number.r, &end, 10);
	if (errno == 0 && *end == '\0')
		v->u.number.flags |= YAJL_NUMBER_INT_VALID;
	/* Underflow gives the nearest double (0 or subnormal); overflow gives none. */
	errno = 0;
	v->u.number.d = strtod(v->u.number.r, &end);
	if (*end == '\0' && !(errno == ERANGE && isinf(v->u.number.d)))
		v->u.number.flags |= YAJL_NUMBER_DOUBLE_VALID;
	return jread_add(ctx, v);
}

/* yajl callback: a string (escapes decoded). C strings cannot hold U+0000. */
static int
on_string(void *ctx, const unsigned char *s, size_t len)
{
	struct jread *r = ctx;
	yajl_val v;

	if (memchr(s, '\0', len) != NULL) {
		r->why = "string contains \\u0000, which is not supported";
		return 0;
	}
	v = jval_new(yajl_t_string);
	v->u.string = fg_strndup((const char *)s, len);
	return jread_add(r, v);
}

/* yajl callback: {. */
static int
on_start_map(void *ctx)
{
	return jread_open(ctx, yajl_t_object);
}

/* yajl callback: a member name. */
static int
on_key(void *ctx, const unsigned char *s, size_t len)
{
	struct jread *r = ctx;

	if (memchr(s, '\0', len) != NULL) {
		r->why = "member name contains \\u0000, which is not supported";
		return 0;
	}
	r->key[r->depth - 1] = fg_strndup((const char *)s, len);
	return 1;
}

/* yajl callback: } or ]. */
static int
on_end(void *ctx)
{
	((struct jread *)ctx)->depth--;
	return 1;
}

/* yajl callback: [. */
static int
on_start_array(void *ctx)
{
	return jread_open(ctx, yajl_t_array);
}

static const yajl_callbacks jread_callbacks = {
	.yajl_null = on_null,
	.yajl_boolean = on_bool,
	.yajl_number = on_number,
	.yajl_string = on_string,
	.yajl_start_map = on_start_map,
	.yajl_map_key = on_key,
	.yajl_end_map = on_end,
	.yajl_start_array = on_start_array,
	.yajl_end_array = on_end,
};

/* Formats "line L, column C: what" for byte offset off of text. */
static char *
jread_error(const char *text, size_t off, const char *what)
{
	unsigned long line, col;

	fg_text_pos(text, off, &line, &col);
	return fg_printf("line %lu, column %lu: %s", line, col, what);
}

/* Turns yajl's own message into ours: no "parse error:" prefix, no trailing new line or full
 * stop, and the character it stopped at when that is printable. */
static char *
jread_yajl_error(yajl_handle h, const char *text, size_t len, size_t off)
{
	unsigned char *msg = yajl_get_error(h, 0, NULL, 0);
	char *m = (char *)msg, *what, *err;
	size_t n;

	if (strncmp(m, "parse error: ", 13) == 0)
		m += 13;
	n = strlen(m);
	while (n > 0 && (isspace((unsigned char)m[n - 1]) || m[n - 1] == '.'))
		n--;
	m[n] = '\0';
	/* A lexical error points at the start of its token, not at the culprit. */
	if (off < len && isgraph((unsigned char)text[off]) && strncmp(m, "lexical", 7) != 0)
		what = fg_printf("%s (at '%c')", m, text[off]);
	else
		what = fg_strdup(m);
	err = jread_error(text, off, what);
	free(what);
	yajl_free_error(h, msg);
	return err;
}

/* Parses len bytes of JSON into a tree; NULL and *err on failure. */
fg_json
fg_json_parse(const char *text, size_t len, char **err)
{
	struct jread r;
	yajl_handle h;
	yajl_status st;
	size_t bad = fg_utf8_invalid(text, len);

	*err = NULL;
	if (bad < len) {
		*err = jread_error(text, bad, "invalid UTF-8");
		return NULL;
	}
	memset(&r, 0, sizeof(r));
	h = yajl_alloc(&jread_callbacks, NULL, &r);
	if (h == NULL)
		fatalx("yajl_alloc failed");
	st = yajl_parse(h, (const unsigned char *)text, len);
	if (st == yajl_status_ok) {
		st = yajl_complete_parse(h);
		if (st == yajl_status_error)
			*err = jread_yajl_error(h, text, len, len);
	} else {
		/* yajl counts bytes up to and including the token it stopped at. */
		size_t off = yajl_get_bytes_consumed(h);

		off = off > 0 ? off - 1 : 0;
		*err = st == yajl_status_client_canceled ? jread_error(text, off, r.why) :
		    jread_yajl_error(h, text, len, off);
	}
	yajl_free(h);
	if (*err == NULL)
		return r.root;
	for (size_t d = 0; d < r.depth; d++)
		free(r.key[d]);
	yajl_tree_free(r.root);
	return NULL;
}

/* Frees a tree from fg_json_parse. */
void
fg_json_free(fg_json v)
{
	yajl_tree_free(v);
}

/* The value of member key of an object, or NULL. */
fg_json
fg_json_get(fg_json obj, const char *key)
{
	if (obj == NULL || obj->type != yajl_t_object)
		return NULL;
	for (size_t i = 0; i < obj->u.object.len; i++)
		if (strcmp(obj->u.object.keys[i], key) == 0)
			return obj->u.object.values[i];
	return NULL;
}

/* Follows a path of member names and array indexes separated by '/'. */
fg_json
fg_json_path(fg_json v, const char *path)
{
	while (v != NULL && *path != '\0') {
		size_t n = strcspn(path, "/");
		char *seg = fg_strndup(path, n);

		if (v->type == yajl_t_array) {
			char *end;
			unsigned long i;

			errno = 0;
			i = strtoul(seg, &end, 10);
			v = n > 0 && isdigit((unsigned char)seg[0]) && *end == '\0' && errno == 0 ?
			    fg_json_at(v, i) : NULL;
		} else
			v = fg_json_get(v, seg);
		free(seg);
		path += n;
		if (*path == '/')
			path++;
	}
	return v;
}

/* The string, or NULL for any other type. */
const char *
fg_json_str(fg_json v)
{
	return v != NULL && v->type == yajl_t_string ? v->u.string : NULL;
}

/* Stores an integer number; -1 for other types and non-integers. */
int
fg_json_int(fg_json v, int64_t *out)
{
	if (v == NULL || v->type != yajl_t_number || !(v->u.number.flags & YAJL_NUMBER_INT_VALID))
		return -1;
	*out = v->u.number.i;
	return 0;
}

/* Stores any number as a double; -1 for other types and out-of-range numbers. */
int
fg_json_double(fg_json v, double *out)
{
	if (v == NULL || v->type != yajl_t_number ||
	    !(v->u.number.flags & YAJL_NUMBER_DOUBLE_VALID))
		return -1;
	*out = v->u.number.d;
	return 0;
}

/* Stores true (1) or false (0); -1 for other types. */
int
fg_json_bool(fg_json v, int *out)
{
	if (v == NULL || (v->type != yajl_t_true && v->type != yajl_t_false))
		return -1;
	*out = v->type == yajl_t_true;
	return 0;
}

/* Members of an object, items of an array, 0 for anything else. */
size_t
fg_json_len(fg_json v)
{
	if (v != NULL && v->type == yajl_t_object)
		return v->u.object.len;
	if (v != NULL && v->type == yajl_t_array)
		return v->u.array.len;
	return 0;
}

/* The i-th array item or member value, or NULL. */
fg_json
fg_json_at(fg_json v, size_t i)
{
	if (i >= fg_json_len(v))
		return NULL;
	return v->type == yajl_t_object ? v->u.object.values[i] : v->u.array.values[i];
}

/* The i-th member name of an object, or NULL. */
const char *
fg_json_key(fg_json obj, size_t i)
{
	if (obj == NULL || obj->type != yajl_t_object || i >= obj->u.object.len)
		return NULL;
	return obj->u.object.keys[i];
}

/* A name for the type of v, for messages ("missing" for NULL). */
const char *
fg_json_type_name(fg_json v)
{
	if (v == NULL)
		return "missing";
	switch (v->type) {
	case yajl_t_string:
		return "string";
	case yajl_t_number:
		return "number";
	case yajl_t_object:
		return "object";
	case yajl_t_array:
		return "array";
	case yajl_t_true:
	case yajl_t_false:
		return "boolean";
	case yajl_t_null:
		return "null";
	default:
		return "unknown";
	}
}
