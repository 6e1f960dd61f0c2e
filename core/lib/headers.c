/* headers.c: ordered HTTP header lists with case-insensitive names. */
#include "config.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "base.h"

/* Makes h an empty list. */
void
fg_headers_init(struct fg_headers *h)
{
	h->v = NULL;
	h->n = h->cap = 0;
}

/* Frees every field and the list. */
void
fg_headers_free(struct fg_headers *h)
{
	for (size_t i = 0; i < h->n; i++) {
		free(h->v[i].name);
		free(h->v[i].value);
	}
	free(h->v);
	fg_headers_init(h);
}

/* Appends a field, keeping any of the same name. */
void
fg_headers_add(struct fg_headers *h, const char *name, const char *value)
{
	if (h->n == h->cap) {
		h->cap = h->cap ? h->cap * 2 : 8;
		h->v = fg_realloc(h->v, h->cap * sizeof(*h->v));
	}
	h->v[h->n].name = fg_strdup(name);
	h->v[h->n].value = fg_strdup(value);
	h->n++;
}

/* Removes every field named name. */
void
fg_headers_del(struct fg_headers *h, const char *name)
{
	size_t j = 0;

	for (size_t i = 0; i < h->n; i++) {
		if (strcasecmp(h->v[i].name, name) == 0) {
			free(h->v[i].name);
			free(h->v[i].value);
		} else
			h->v[j++] = h->v[i];
	}
	h->n = j;
}

/* Replaces every field named name by one with this value. */
void
fg_headers_set(struct fg_headers *h, const char *name, const char *value)
{
	fg_headers_del(h, name);
	fg_headers_add(h, name, value);
}

/* Returns the first value of name, or NULL. */
const char *
fg_headers_get(const struct fg_headers *h, const char *name)
{
	for (size_t i = 0; i < h->n; i++)
		if (strcasecmp(h->v[i].name, name) == 0)
			return h->v[i].value;
	return NULL;
}

/* Appends a copy of every field of src to dst. */
void
fg_headers_copy(struct fg_headers *dst, const struct fg_headers *src)
{
	for (size_t i = 0; i < src->n; i++)
		fg_headers_add(dst, src->v[i].name, src->v[i].value);
}
