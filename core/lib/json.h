/* json.h: reading JSON into a tree (yajl_tree) and writing JSON into an fg_buf (yajl_gen). */
#ifndef FUGUE_JSON_H
#define FUGUE_JSON_H

#include <stddef.h>
#include <stdint.h>
#include <yajl/yajl_tree.h>

#include "base.h"

typedef yajl_val fg_json;

/* json_read.c */
/* Parses len bytes (need not be NUL-terminated). Rejects invalid UTF-8, nesting of
 * FG_JSON_MAX_DEPTH levels or more (yajl_gen writes at most 127), \u0000 in strings and
 * trailing garbage. On failure returns NULL and sets *err (caller frees)
 * to a message that says what and where: "line 3, column 14: unexpected '}'". */
#define FG_JSON_MAX_DEPTH 128
fg_json fg_json_parse(const char *text, size_t len, char **err);
void fg_json_free(fg_json);
fg_json fg_json_get(fg_json obj, const char *key);  /* member of an object, or NULL */
fg_json fg_json_path(fg_json, const char *path);    /* "a/b/0/c": members and array indexes */
const char *fg_json_str(fg_json);                   /* the string, or NULL if not a string */
int fg_json_int(fg_json, int64_t *out);             /* 0 when an integer number, else -1 */
int fg_json_double(fg_json, double *out);           /* 0 when a number, else -1 */
int fg_json_bool(fg_json, int *out);                /* 0 when true/false, else -1 */
size_t fg_json_len(fg_json);                        /* members of an object, items of an array */
fg_json fg_json_at(fg_json, size_t i);              /* i-th item or member value */
const char *fg_json_key(fg_json obj, size_t i);     /* i-th member name */
const char *fg_json_type_name(fg_json);             /* "string", "object", ... for messages */

/* json_write.c: a writer that always produces valid JSON; keys in the order written. */
struct fg_jw {
	void *gen; /* yajl_gen */
	struct fg_buf out;
};
void fg_jw_init(struct fg_jw *, int pretty);
void fg_jw_free(struct fg_jw *);
void fg_jw_obj(struct fg_jw *);   /* { */
void fg_jw_end_obj(struct fg_jw *);
void fg_jw_arr(struct fg_jw *);   /* [ */
void fg_jw_end_arr(struct fg_jw *);
void fg_jw_key(struct fg_jw *, const char *);
void fg_jw_str(struct fg_jw *, const char *);
void fg_jw_strn(struct fg_jw *, const char *, size_t);
void fg_jw_int(struct fg_jw *, int64_t);
void fg_jw_double(struct fg_jw *, double);
void fg_jw_bool(struct fg_jw *, int);
void fg_jw_null(struct fg_jw *);
void fg_jw_value(struct fg_jw *, fg_json); /* copies a parsed value */
/* Convenience for objects: key then value. */
void fg_jw_kstr(struct fg_jw *, const char *key, const char *val); /* NULL val writes null */
void fg_jw_kint(struct fg_jw *, const char *key, int64_t);
void fg_jw_kbool(struct fg_jw *, const char *key, int);
const char *fg_jw_text(struct fg_jw *); /* the JSON so far, NUL-terminated */
char *fg_jw_detach(struct fg_jw *);     /* the JSON, caller frees; the writer is reset */

#endif
