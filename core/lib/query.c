/* query.c: AWS query protocol parameters: building, flattening, form encoding and decoding. */
#include "config.h"

#include <ctype.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "query.h"
#include "utf8.h"

/* Makes q empty. */
void
fg_query_init(struct fg_query *q)
{
	q->v = NULL;
	q->n = q->cap = 0;
}

/* Frees every parameter. */
void
fg_query_free(struct fg_query *q)
{
	for (size_t i = 0; i < q->n; i++) {
		free(q->v[i].key);
		free(q->v[i].value);
	}
	free(q->v);
	fg_query_init(q);
}

/* Appends a parameter, taking ownership of key and value. */
static void
query_take(struct fg_query *q, char *key, char *value)
{
	if (q->n == q->cap) {
		q->cap = q->cap ? q->cap * 2 : 16;
		q->v = fg_realloc(q->v, q->cap * sizeof(*q->v));
	}
	q->v[q->n].key = key;
	q->v[q->n++].value = value;
}

/* Appends key=value. */
void
fg_query_add(struct fg_query *q, const char *key, const char *value)
{
	query_take(q, fg_strdup(key), fg_strdup(value));
}

/* Appends key with a formatted value. */
void
fg_query_addf(struct fg_query *q, const char *key, const char *fmt, ...)
{
	va_list ap;
	char *v;

	va_start(ap, fmt);
	v = fg_vprintf(fmt, ap);
	va_end(ap);
	query_take(q, fg_strdup(key), v);
}

/* Appends key with an integer value. */
void
fg_query_add_int(struct fg_query *q, const char *key, int64_t v)
{
	fg_query_addf(q, key, "%" PRId64, v);
}

/* Appends key with "true" or "false". */
void
fg_query_add_bool(struct fg_query *q, const char *key, int b)
{
	fg_query_add(q, key, b ? "true" : "false");
}

/* Appends prefix.index.field=value. */
void
fg_query_add_at(struct fg_query *q, const char *prefix, unsigned index, const char *field,
    const char *value)
{
	query_take(q, fg_printf("%s.%u.%s", prefix, index, field), fg_strdup(value));
}

/* Returns the first value whose key is key, or NULL. */
const char *
fg_query_get(const struct fg_query *q, const char *key)
{
	for (size_t i = 0; i < q->n; i++)
		if (strcmp(q->v[i].key, key) == 0)
			return q->v[i].value;
	return NULL;
}

/* Returns the first value whose key is the formatted text, or NULL. */
const char *
fg_query_getf(const struct fg_query *q, const char *fmt, ...)
{
	const char *v;
	va_list ap;
	char *key;

	va_start(ap, fmt);
	key = fg_vprintf(fmt, ap);
	va_end(ap);
	v = fg_query_get(q, key);
	free(key);
	return v;
}

/* The first free index N of "prefix.N" + suffix ("" or ".Name"). */
static unsigned
query_next_index(const struct fg_query *q, const char *prefix, const char *suffix)
{
	unsigned i = 1;

	while (fg_query_getf(q, "%s.%u%s", prefix, i, suffix) != NULL)
		i++;
	return i;
}

/* Appends prefix.N for each value. */
void
fg_query_add_list(struct fg_query *q, const char *prefix, const char *const *vals, size_t n)
{
	unsigned first = query_next_index(q, prefix, "");

	for (size_t i = 0; i < n; i++)
		query_take(q, fg_printf("%s.%zu", prefix, first + i), fg_strdup(vals[i]));
}

/* Appends prefix.N.kname and prefix.N.vname for each pair. */
void
fg_query_add_map(struct fg_query *q, const char *prefix, const char *kname, const char *vname,
    const char *const *keys, const char *const *vals, size_t n)
{
	char *ksuffix = fg_printf(".%s", kname);
	unsigned first = query_next_index(q, prefix, ksuffix);

	for (size_t i = 0; i < n; i++) {
		fg_query_add_at(q, prefix, first + (unsigned)i, kname, keys[i]);
		fg_query_add_at(q, prefix, first + (unsigned)i, vname, vals[i]);
	}
	free(ksuffix);
}

/* Appends Filter.N.Name and Filter.N.Value.M. */
void
fg_query_add_filter(struct fg_query *q, const char *name, const char *const *vals, size_t n)
{
	unsigned f = query_next_index(q, "Filter", ".Name");
	char *prefix = fg_printf("Filter.%u.Value", f);

	fg_query_add_at(q, "Filter", f, "Name", name);
	fg_query_add_list(q, prefix, vals, n);
	free(prefix);
}

/* Appends TagSpecification.N.ResourceType and its TagSpecification.N.Tag.M.Key/Value. */
void
fg_query_add_tag_spec(struct fg_query *q, const char *resource_type, const char *const *keys,
    const char *const *vals, size_t n)
{
	unsigned t = query_next_index(q, "TagSpecification", ".ResourceType");
	char *prefix = fg_printf("TagSpecification.%u.Tag", t);

	fg_query_add_at(q, "TagSpecification", t, "ResourceType", resource_type);
	fg_query_add_map(q, prefix, "Key", "Value", keys, vals, n);
	free(prefix);
}

/* qsort order: by key, then by position so equal keys keep their order. */
static int
query_cmp(const void *a, const void *b)
{
	const struct fg_qparam *const *x = a, *const *y = b;
	int c = strcmp((*x)->key, (*y)->key);

	return c != 0 ? c : (*x < *y ? -1 : *x > *y);
}

/* Appends the form encoding, keys sorted. */
void
fg_query_encode(const struct fg_query *q, struct fg_buf *out)
{
	const struct fg_qparam **sorted = fg_calloc(q->n, sizeof(*sorted));

	for (size_t i = 0; i < q->n; i++)
		sorted[i] = &q->v[i];
	qsort(sorted, q->n, sizeof(*sorted), query_cmp);
	for (size_t i = 0; i < q->n; i++) {
		if (i > 0)
			fg_buf_addc(out, '&');
		fg_uri_encode(out, sorted[i]->key, strlen(sorted[i]->key), 0);
		fg_buf_addc(out, '=');
		fg_uri_encode(out, sorted[i]->value, strlen(sorted[i]->value), 0);
	}
	free(sorted);
}

/* Decodes one name or value of a form; NULL and *err (naming column col) when it is bad. */
static char *
query_decode_part(const char *s, size_t len, size_t col, const char *what, char **err)
{
	char *d;
	size_t dlen, bad;

	for (size_t i = 0; i < len; i++) {
		if (s[i] == '\0') {
			*err = fg_printf("column %zu: NUL byte in %s", col + i + 1, what);
			return NULL;
		}
		if (s[i] != '%')
			continue;
		if (len - i < 3 || !isxdigit((unsigned char)s[i + 1]) ||
		    !isxdigit((unsigned char)s[i + 2])) {
			*err = fg_printf("column %zu: bad percent-escape \"%.*s\" in %s",
			    col + i + 1, (int)(len - i < 3 ? len - i : 3), s + i, what);
			return NULL;
		}
		if (s[i + 1] == '0' && s[i + 2] == '0') {
			*err = fg_printf("column %zu: %%00 (NUL) is not allowed in %s", col + i + 1,
			    what);
			return NULL;
		}
	}
	d = fg_uri_decode(s, len, 1);
	dlen = strlen(d);
	bad = fg_utf8_invalid(d, dlen);
	if (bad < dlen) {
		*err = fg_printf("column %zu: %s is not valid UTF-8 once decoded", col + 1, what);
		free(d);
		return NULL;
	}
	return d;
}

/* Appends the parameters of s; on failure q is left as it was. */
int
fg_query_decode(struct fg_query *q, const char *s, size_t len, char **err)
{
	size_t n0 = q->n, i = 0;

	*err = NULL;
	while (i < len) {
		const char *amp = memchr(s + i, '&', len - i);
		size_t end = amp != NULL ? (size_t)(amp - s) : len;
		const char *eq = memchr(s + i, '=', end - i);
		size_t kend = eq != NULL ? (size_t)(eq - s) : end;
		char *key, *value;

		if (end == i) {
			i++;
			continue;
		}
		if (kend == i) {
			*err = fg_printf("column %zu: parameter with an empty name", i + 1);
			goto fail;
		}
		key = query_decode_part(s + i, kend - i, i, "a parameter name", err);
		if (key == NULL)
			goto fail;
		value = eq == NULL ? fg_strdup("") : query_decode_part(s + kend + 1,
		    end - kend - 1, kend + 1, "a parameter value", err);
		if (value == NULL) {
			free(key);
			goto fail;
		}
		query_take(q, key, value);
		i = end + 1;
	}
	return 0;
fail:
	while (q->n > n0) {
		q->n--;
		free(q->v[q->n].key);
		free(q->v[q->n].value);
	}
	return -1;
}
