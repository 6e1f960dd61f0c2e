/* output.c: the output layer of the fugue CLI: commands emit a tree of objects, lists and
 * values; the JSON writer prints the tree, the text writer prints the tables the views ask for
 * (aligned columns), in the order they were opened, and lines of text between them. */
#include "config.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cmd.h"

#define OUT_MAX_DEPTH 64
#define LAST_MIN 20 /* a cut last column keeps at least this many characters */

/* A text table being filled: rows of ncols cells. */
struct table {
	const struct out_view *view;
	size_t ncols;
	char **cells;  /* nrows * ncols, NULL for an empty cell */
	size_t nrows;
	size_t cap;
};

/* What the text writer prints, in order: a table or a line. */
struct block {
	struct table *table;
	char *line;
};

/* An open container of the text writer. */
struct frame {
	char *path;
	int list;
	struct table *table; /* the table this container fills, or NULL */
	long row;            /* the row its values go to, -1 for none */
};

/* The writer interface: one implementation per format. */
struct writer {
	void (*begin)(struct out *, const char *key, int list);
	void (*end)(struct out *);
	void (*str)(struct out *, const char *key, const char *);
	void (*num)(struct out *, const char *key, fg_json, int64_t);
	void (*finish)(struct out *);
};

struct out {
	const struct writer *w;
	FILE *f;
	struct out_view *views;
	size_t nviews;
	/* JSON writer */
	struct fg_jw jw;
	struct fg_buf kinds; /* '{' or '[' per open container */
	int any;
	/* text writer */
	struct frame stack[OUT_MAX_DEPTH];
	int depth;
	int skipped; /* containers opened beyond OUT_MAX_DEPTH */
	unsigned width; /* 0: lines of any length */
	struct block *blocks;
	size_t nblocks;
};

/* --- JSON writer */

/* Opens an object or a list. */
static void
json_begin(struct out *o, const char *key, int list)
{
	if (key)
		fg_jw_key(&o->jw, key);
	if (list)
		fg_jw_arr(&o->jw);
	else
		fg_jw_obj(&o->jw);
	fg_buf_addc(&o->kinds, list ? '[' : '{');
	o->any = 1;
}

/* Closes the innermost container. */
static void
json_end(struct out *o)
{
	if (o->kinds.len == 0)
		return;
	if (o->kinds.data[--o->kinds.len] == '[')
		fg_jw_end_arr(&o->jw);
	else
		fg_jw_end_obj(&o->jw);
}

/* A string member or item. */
static void
json_str(struct out *o, const char *key, const char *s)
{
	if (key)
		fg_jw_key(&o->jw, key);
	fg_jw_str(&o->jw, s);
	o->any = 1;
}

/* A number, boolean or null: copied from the parsed value (or an integer when v is NULL). */
static void
json_num(struct out *o, const char *key, fg_json v, int64_t i)
{
	if (key)
		fg_jw_key(&o->jw, key);
	if (v)
		fg_jw_value(&o->jw, v);
	else
		fg_jw_int(&o->jw, i);
	o->any = 1;
}

/* Prints the document. */
static void
json_finish(struct out *o)
{
	const char *t = fg_jw_text(&o->jw);
	size_t n = strlen(t);

	if (o->any)
		fprintf(o->f, "%s%s", t, n && t[n - 1] == '\n' ? "" : "\n");
}

static const struct writer json_writer = {
	json_begin, json_end, json_str, json_num, json_finish,
};

/* --- text writer */

/* The view of a container at path (lists: OUT_ROWS; objects: OUT_ROW or OUT_PAIRS). */
static const struct out_view *
view_find(const struct out *o, const char *path, int list)
{
	size_t i;

	for (i = 0; i < o->nviews; i++)
		if (strcmp(o->views[i].path, path) == 0 && (o->views[i].shape == OUT_ROWS) == list)
			return &o->views[i];
	return NULL;
}

/* Adds a block (a table or a line) at the end. */
static struct block *
block_add(struct out *o)
{
	o->blocks = fg_realloc(o->blocks, (o->nblocks + 1) * sizeof(*o->blocks));
	memset(&o->blocks[o->nblocks], 0, sizeof(*o->blocks));
	return &o->blocks[o->nblocks++];
}

/* A new empty row of a table; returns its index. */
static long
table_row(struct table *t)
{
	size_t need = (t->nrows + 1) * t->ncols;

	if (need > t->cap) {
		t->cap = need * 2;
		t->cells = fg_realloc(t->cells, t->cap * sizeof(*t->cells));
	}
	memset(&t->cells[t->nrows * t->ncols], 0, t->ncols * sizeof(*t->cells));
	return (long)t->nrows++;
}

/* The text of a cell: control characters become spaces. */
static char *
cell_text(const char *s)
{
	char *c = fg_strdup(s), *p;

	for (p = c; *p; p++)
		if ((unsigned char)*p < 0x20 || *p == 0x7f)
			*p = ' ';
	return c;
}

/* Sets a cell of the row of the innermost frame, when key is one of the table's columns. */
static void
cell_set(struct frame *fr, const char *key, const char *s)
{
	const struct out_view *v = fr->table->view;
	size_t c;

	if (v->shape == OUT_PAIRS) {
		long r = table_row(fr->table);

		fr->table->cells[r * 2] = cell_text(key ? key : "");
		fr->table->cells[r * 2 + 1] = cell_text(s);
		return;
	}
	for (c = 0; key && c < v->ncols; c++) {
		if (strcmp(v->cols[c].key, key) != 0)
			continue;
		free(fr->table->cells[fr->row * (long)fr->table->ncols + (long)c]);
		fr->table->cells[fr->row * (long)fr->table->ncols + (long)c] =
		    v->cols[c].time ? out_time_text(s) : cell_text(s);
		return;
	}
}

/* The frame whose values fill table cells, or NULL. */
static struct frame *
row_frame(struct out *o)
{
	struct frame *fr;

	if (o->depth == 0 || o->skipped)
		return NULL;
	fr = &o->stack[o->depth - 1];
	if (fr->table == NULL || fr->list)
		return NULL;
	if (fr->row < 0 && fr->table->view->shape != OUT_PAIRS)
		return NULL;
	return fr;
}

/* Opens a container: finds its path and view, and starts a table or a row. */
static void
text_begin(struct out *o, const char *key, int list)
{
	struct frame *parent = o->depth ? &o->stack[o->depth - 1] : NULL, *fr;
	const struct out_view *v;
	struct block *b;

	if (o->skipped || o->depth == OUT_MAX_DEPTH) {
		o->skipped++;
		return;
	}
	fr = &o->stack[o->depth++];
	memset(fr, 0, sizeof(*fr));
	fr->list = list;
	fr->row = -1;
	if (parent == NULL || parent->list || key == NULL)
		fr->path = fg_strdup(parent ? parent->path : "");
	else
		fr->path = *parent->path ? fg_printf("%s/%s", parent->path, key) : fg_strdup(key);
	/* An object in a list of rows is a row of that table. */
	if (!list && parent && parent->list && parent->table) {
		fr->table = parent->table;
		fr->row = table_row(fr->table);
		return;
	}
	if ((v = view_find(o, fr->path, list)) == NULL)
		return;
	b = block_add(o);
	b->table = fg_calloc(1, sizeof(*b->table));
	b->table->view = v;
	b->table->ncols = v->shape == OUT_PAIRS ? 2 : v->ncols;
	fr->table = b->table;
	if (v->shape == OUT_ROW)
		fr->row = table_row(fr->table);
}

/* Closes the innermost container. */
static void
text_end(struct out *o)
{
	if (o->skipped) {
		o->skipped--;
		return;
	}
	if (o->depth > 0) {
		free(o->stack[o->depth - 1].path);
		o->depth--;
	}
}

/* A string value: a cell when its container is a row. */
static void
text_str(struct out *o, const char *key, const char *s)
{
	struct frame *fr = row_frame(o);

	if (fr)
		cell_set(fr, key, s);
}

/* A number, boolean or null value. */
static void
text_num(struct out *o, const char *key, fg_json v, int64_t i)
{
	char buf[64];
	const char *s = buf;

	if (v == NULL)
		snprintf(buf, sizeof(buf), "%lld", (long long)i);
	else if (YAJL_IS_TRUE(v))
		s = "true";
	else if (YAJL_IS_FALSE(v))
		s = "false";
	else if (YAJL_IS_NUMBER(v))
		s = YAJL_GET_NUMBER(v);
	else
		s = "";
	text_str(o, key, s);
}

/* The display width of UTF-8 text (code points). */
static size_t
width(const char *s)
{
	size_t n = 0;

	for (; *s; s++)
		if (((unsigned char)*s & 0xc0) != 0x80)
			n++;
	return n;
}

/* Appends s cut to at most max code points ("..." marking the cut; max >= 4). */
static void
add_cut(struct fg_buf *b, const char *s, size_t max)
{
	size_t n = 0;
	const char *p;

	if (width(s) <= max) {
		fg_buf_addstr(b, s);
		return;
	}
	for (p = s; *p; p++) {
		if (((unsigned char)*p & 0xc0) != 0x80 && n++ == max - 3)
			break;
	}
	fg_buf_add(b, s, (size_t)(p - s));
	fg_buf_addstr(b, "...");
}

/* Prints a table with aligned columns (the last one unpadded, cut to fit cols when not 0). */
static void
table_print(FILE *f, const struct table *t, unsigned cols)
{
	const struct out_view *v = t->view;
	size_t *w = fg_calloc(t->ncols + 1, sizeof(*w)), r, c, n;
	int header = v->shape != OUT_PAIRS || v->cols != NULL;
	struct fg_buf line;
	const char *s;

	if (t->nrows == 0 && v->empty) {
		fprintf(f, "%s\n", v->empty);
		free(w);
		return;
	}
	for (c = 0; c < t->ncols; c++) {
		w[c] = header ? width(v->cols[c].title) : 0;
		for (r = 0; r < t->nrows; r++)
			if ((s = t->cells[r * t->ncols + c]) != NULL && (n = width(s)) > w[c])
				w[c] = n;
	}
	fg_buf_init(&line);
	for (r = header ? 0 : 1; r <= t->nrows; r++) {
		fg_buf_reset(&line);
		for (c = 0; c < t->ncols; c++) {
			s = r == 0 ? v->cols[c].title : t->cells[(r - 1) * t->ncols + c];
			if (s == NULL)
				s = "";
			if (c + 1 == t->ncols && r > 0 && cols > 0)
				add_cut(&line, s, width(fg_buf_cstr(&line)) + LAST_MIN < cols ?
				    cols - width(fg_buf_cstr(&line)) : LAST_MIN);
			else
				fg_buf_addstr(&line, s);
			if (c + 1 < t->ncols)
				fg_buf_addf(&line, "%*s", (int)(w[c] - width(s) + 2), "");
		}
		while (line.len > 0 && line.data[line.len - 1] == ' ')
			line.data[--line.len] = '\0';
		fprintf(f, "%s\n", fg_buf_cstr(&line));
	}
	fg_buf_free(&line);
	free(w);
}

/* Prints the blocks: a blank line before each table that follows something. */
static void
text_finish(struct out *o)
{
	size_t i;

	for (i = 0; i < o->nblocks; i++) {
		if (o->blocks[i].line) {
			fprintf(o->f, "%s\n", o->blocks[i].line);
			continue;
		}
		if (i > 0)
			fputc('\n', o->f);
		table_print(o->f, o->blocks[i].table, o->width);
	}
}

static const struct writer text_writer = {
	text_begin, text_end, text_str, text_num, text_finish,
};

/* --- the layer */

/* An output in a format on a stream. */
struct out *
out_new(enum out_format fmt, FILE *f)
{
	struct out *o = fg_calloc(1, sizeof(*o));

	o->w = fmt == OUT_JSON ? &json_writer : &text_writer;
	o->f = f;
	fg_jw_init(&o->jw, 1);
	fg_buf_init(&o->kinds);
	return o;
}

/* Prints and frees. */
void
out_free(struct out *o)
{
	size_t i, n;

	while (o->kinds.len > 0)
		json_end(o);
	o->w->finish(o);
	fflush(o->f);
	while (o->depth > 0)
		text_end(o);
	for (i = 0; i < o->nblocks; i++) {
		if (o->blocks[i].table) {
			n = o->blocks[i].table->nrows * o->blocks[i].table->ncols;
			while (n > 0)
				free(o->blocks[i].table->cells[--n]);
			free(o->blocks[i].table->cells);
			free(o->blocks[i].table);
		}
		free(o->blocks[i].line);
	}
	free(o->blocks);
	free(o->views);
	fg_jw_free(&o->jw);
	fg_buf_free(&o->kinds);
	free(o);
}

/* Sets the terminal width the text writer fits rows in. */
void
out_set_width(struct out *o, unsigned cols)
{
	o->width = cols;
}

/* Sets the views (the array is copied; its strings are not). */
void
out_views(struct out *o, const struct out_view *v, size_t n)
{
	free(o->views);
	o->views = n ? fg_calloc(n, sizeof(*v)) : NULL;
	if (n)
		memcpy(o->views, v, n * sizeof(*v));
	o->nviews = n;
}

/* Opens an object. */
void
out_begin_obj(struct out *o, const char *key)
{
	o->w->begin(o, key, 0);
}

/* Opens a list. */
void
out_begin_list(struct out *o, const char *key)
{
	o->w->begin(o, key, 1);
}

/* Closes the innermost object or list. */
void
out_end(struct out *o)
{
	o->w->end(o);
}

/* A string. */
void
out_str(struct out *o, const char *key, const char *s)
{
	o->w->str(o, key, s ? s : "");
}

/* An integer. */
void
out_int(struct out *o, const char *key, int64_t i)
{
	o->w->num(o, key, NULL, i);
}

/* Compact text of a parsed value for a cell: "a=1, b=2" for objects, "x, y" for lists. */
static void
compact(struct fg_buf *b, fg_json v)
{
	size_t i, n = fg_json_len(v);

	if (YAJL_IS_STRING(v))
		fg_buf_addstr(b, YAJL_GET_STRING(v));
	else if (YAJL_IS_NUMBER(v))
		fg_buf_addstr(b, YAJL_GET_NUMBER(v));
	else if (YAJL_IS_TRUE(v) || YAJL_IS_FALSE(v))
		fg_buf_addstr(b, YAJL_IS_TRUE(v) ? "true" : "false");
	for (i = 0; (YAJL_IS_OBJECT(v) || YAJL_IS_ARRAY(v)) && i < n; i++) {
		if (i > 0)
			fg_buf_addstr(b, ", ");
		if (YAJL_IS_OBJECT(v))
			fg_buf_addf(b, "%s=", fg_json_key(v, i));
		compact(b, fg_json_at(v, i));
	}
}

/* A parsed value: scalars as values, objects and lists as containers. */
void
out_value(struct out *o, const char *key, fg_json v)
{
	struct fg_buf b;
	size_t i, n;

	if (YAJL_IS_STRING(v)) {
		out_str(o, key, YAJL_GET_STRING(v));
		return;
	}
	if (!YAJL_IS_OBJECT(v) && !YAJL_IS_ARRAY(v)) {
		o->w->num(o, key, v, 0);
		return;
	}
	/* A container in a text row whose table has a column for it: a compact cell. */
	if (o->w == &text_writer && row_frame(o) && row_frame(o)->table->view->shape != OUT_PAIRS) {
		fg_buf_init(&b);
		compact(&b, v);
		text_str(o, key, b.data ? b.data : "");
		fg_buf_free(&b);
	}
	o->w->begin(o, key, YAJL_IS_ARRAY(v));
	n = fg_json_len(v);
	for (i = 0; i < n; i++)
		out_value(o, YAJL_IS_OBJECT(v) ? fg_json_key(v, i) : NULL, fg_json_at(v, i));
	o->w->end(o);
}

/* A line of text, for the text writer. */
void
out_line(struct out *o, const char *fmt, ...)
{
	va_list ap;

	if (o->w != &text_writer)
		return;
	va_start(ap, fmt);
	block_add(o)->line = fg_vprintf(fmt, ap);
	va_end(ap);
}

/* Reads n digits. */
static int
num(const char *s, int n)
{
	int v = 0, i;

	for (i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -1;
		v = v * 10 + s[i] - '0';
	}
	return v;
}

/* An RFC 3339 time ("2026-11-27T05:40:00.123Z", or with an offset) in local time. */
char *
out_time_text(const char *s)
{
	struct tm tm;
	const char *z;
	time_t t;
	long off = 0;
	char buf[32];

	memset(&tm, 0, sizeof(tm));
	if (strlen(s) < 20 || s[4] != '-' || s[7] != '-' || (s[10] != 'T' && s[10] != 't') ||
	    s[13] != ':' || s[16] != ':' || (tm.tm_year = num(s, 4)) < 0 ||
	    (tm.tm_mon = num(s + 5, 2)) < 1 || (tm.tm_mday = num(s + 8, 2)) < 1 ||
	    (tm.tm_hour = num(s + 11, 2)) < 0 || (tm.tm_min = num(s + 14, 2)) < 0 ||
	    (tm.tm_sec = num(s + 17, 2)) < 0)
		return cell_text(s);
	z = s + 19;
	if (*z == '.')
		for (z++; *z >= '0' && *z <= '9'; z++)
			;
	if ((*z == '+' || *z == '-') && strlen(z) == 6 && z[3] == ':' && num(z + 1, 2) >= 0 &&
	    num(z + 4, 2) >= 0)
		off = (*z == '-' ? -1 : 1) * (num(z + 1, 2) * 3600L + num(z + 4, 2) * 60L);
	else if (strcmp(z, "Z") != 0 && strcmp(z, "z") != 0)
		return cell_text(s);
	tm.tm_year -= 1900;
	tm.tm_mon -= 1;
	t = timegm(&tm) - off;
	if (localtime_r(&t, &tm) == NULL || strftime(buf, sizeof(buf), "%Y-%m-%d %H:%M:%S",
	    &tm) == 0)
		return cell_text(s);
	return fg_strdup(buf);
}
