/* json_write.c: a JSON writer over yajl_gen that appends to an fg_buf and always produces valid
 * JSON: strings that are not UTF-8 are repaired, numbers that JSON cannot hold become null. */
#include "config.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <yajl/yajl_gen.h>

#include "json.h"
#include "utf8.h"

/* yajl print callback: appends to the writer's buffer. */
static void
jw_print(void *ctx, const char *s, size_t len)
{
	fg_buf_add(ctx, s, len);
}

/* Dies on a misuse of the writer (a key outside an object, a second top-level value...). */
static void
jw_check(yajl_gen_status st, const char *what)
{
	static const char *const why[] = {
		[yajl_gen_keys_must_be_strings] = "a key that is not a string",
		[yajl_max_depth_exceeded] = "nesting too deep",
		[yajl_gen_in_error_state] = "an earlier error",
		[yajl_gen_generation_complete] = "a second top-level value",
		[yajl_gen_invalid_number] = "an invalid number",
		[yajl_gen_no_buf] = "no buffer",
		[yajl_gen_invalid_string] = "an invalid string",
	};

	if (st == yajl_gen_status_ok)
		return;
	fatalx("JSON writer: %s: %s", what,
	    (size_t)st < FG_ARRAY_LEN(why) && why[st] ? why[st] : "error");
}

/* Starts a writer; pretty indents by two spaces. The writer must not move once started. */
void
fg_jw_init(struct fg_jw *w, int pretty)
{
	yajl_gen g = yajl_gen_alloc(NULL);

	if (g == NULL)
		fatalx("yajl_gen_alloc failed");
	fg_buf_init(&w->out);
	yajl_gen_config(g, yajl_gen_print_callback, jw_print, &w->out);
	yajl_gen_config(g, yajl_gen_validate_utf8, 1);
	if (pretty) {
		yajl_gen_config(g, yajl_gen_beautify, 1);
		yajl_gen_config(g, yajl_gen_indent_string, "  ");
	}
	w->gen = g;
}

/* Releases the writer and its text. */
void
fg_jw_free(struct fg_jw *w)
{
	if (w->gen != NULL)
		yajl_gen_free(w->gen);
	w->gen = NULL;
	fg_buf_free(&w->out);
}

/* Writes {. */
void
fg_jw_obj(struct fg_jw *w)
{
	jw_check(yajl_gen_map_open(w->gen), "{");
}

/* Writes }. */
void
fg_jw_end_obj(struct fg_jw *w)
{
	jw_check(yajl_gen_map_close(w->gen), "}");
}

/* Writes [. */
void
fg_jw_arr(struct fg_jw *w)
{
	jw_check(yajl_gen_array_open(w->gen), "[");
}

/* Writes ]. */
void
fg_jw_end_arr(struct fg_jw *w)
{
	jw_check(yajl_gen_array_close(w->gen), "]");
}

/* Writes a string of len bytes; ill-formed UTF-8 becomes U+FFFD. */
void
fg_jw_strn(struct fg_jw *w, const char *s, size_t len)
{
	struct fg_buf fixed;

	if (fg_utf8_invalid(s, len) == len) {
		jw_check(yajl_gen_string(w->gen, (const unsigned char *)s, len), "string");
		return;
	}
	fg_buf_init(&fixed);
	fg_utf8_sanitize(&fixed, s, len);
	jw_check(yajl_gen_string(w->gen, (const unsigned char *)fixed.data, fixed.len), "string");
	fg_buf_free(&fixed);
}

/* Writes a string. */
void
fg_jw_str(struct fg_jw *w, const char *s)
{
	fg_jw_strn(w, s, strlen(s));
}

/* Writes a member name. */
void
fg_jw_key(struct fg_jw *w, const char *key)
{
	fg_jw_str(w, key);
}

/* Writes an integer. */
void
fg_jw_int(struct fg_jw *w, int64_t v)
{
	jw_check(yajl_gen_integer(w->gen, (long long)v), "integer");
}

/* Writes the shortest text that reads back as exactly d; null when d is not finite. */
void
fg_jw_double(struct fg_jw *w, double d)
{
	char text[32];
	int n = 0;

	if (!isfinite(d)) {
		fg_jw_null(w);
		return;
	}
	for (int prec = 15; prec <= 17; prec++) {
		n = snprintf(text, sizeof(text), "%.*g", prec, d);
		if (strtod(text, NULL) == d)
			break;
	}
	jw_check(yajl_gen_number(w->gen, text, (size_t)n), "number");
}

/* Writes true or false. */
void
fg_jw_bool(struct fg_jw *w, int b)
{
	jw_check(yajl_gen_bool(w->gen, b != 0), "boolean");
}

/* Writes null. */
void
fg_jw_null(struct fg_jw *w)
{
	jw_check(yajl_gen_null(w->gen), "null");
}

/* Writes a copy of a parsed value (NULL writes null); numbers keep their original text. */
void
fg_jw_value(struct fg_jw *w, fg_json v)
{
	if (v == NULL) {
		fg_jw_null(w);
		return;
	}
	switch (v->type) {
	case yajl_t_string:
		fg_jw_str(w, v->u.string);
		break;
	case yajl_t_number:
		jw_check(yajl_gen_number(w->gen, v->u.number.r, strlen(v->u.number.r)), "number");
		break;
	case yajl_t_object:
		fg_jw_obj(w);
		for (size_t i = 0; i < v->u.object.len; i++) {
			fg_jw_key(w, v->u.object.keys[i]);
			fg_jw_value(w, v->u.object.values[i]);
		}
		fg_jw_end_obj(w);
		break;
	case yajl_t_array:
		fg_jw_arr(w);
		for (size_t i = 0; i < v->u.array.len; i++)
			fg_jw_value(w, v->u.array.values[i]);
		fg_jw_end_arr(w);
		break;
	case yajl_t_true:
	case yajl_t_false:
		fg_jw_bool(w, v->type == yajl_t_true);
		break;
	default:
		fg_jw_null(w);
		break;
	}
}

/* Writes "key": "val" (null when val is NULL). */
void
fg_jw_kstr(struct fg_jw *w, const char *key, const char *val)
{
	fg_jw_key(w, key);
	if (val != NULL)
		fg_jw_str(w, val);
	else
		fg_jw_null(w);
}

/* Writes "key": integer. */
void
fg_jw_kint(struct fg_jw *w, const char *key, int64_t v)
{
	fg_jw_key(w, key);
	fg_jw_int(w, v);
}

/* Writes "key": true|false. */
void
fg_jw_kbool(struct fg_jw *w, const char *key, int b)
{
	fg_jw_key(w, key);
	fg_jw_bool(w, b);
}

/* The text written so far. */
const char *
fg_jw_text(struct fg_jw *w)
{
	return fg_buf_cstr(&w->out);
}

/* Hands the text to the caller and makes the writer ready for a new document. */
char *
fg_jw_detach(struct fg_jw *w)
{
	yajl_gen_reset(w->gen, NULL);
	return fg_buf_detach(&w->out);
}
