/* arena.c: the compiler's memory (one arena freed at the end) and its small containers. */
#include "config.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lwc.h"

#define CHUNK_SIZE (256 * 1024)

struct arena_chunk {
	struct arena_chunk *next;
	size_t used;
	size_t size;
	max_align_t data[];
};

/* Returns n bytes that live as long as the arena. */
void *
arena_alloc(struct arena *a, size_t n)
{
	struct arena_chunk *c = a->head;
	size_t need = (n + sizeof(max_align_t) - 1) & ~(sizeof(max_align_t) - 1);
	void *p;

	if (need == 0)
		need = sizeof(max_align_t);
	if (c == NULL || c->size - c->used < need) {
		size_t size = need > CHUNK_SIZE / 4 ? need : CHUNK_SIZE;

		c = fg_malloc(sizeof(*c) + size);
		c->size = size;
		c->used = 0;
		if (size == need && a->head != NULL) {
			/* a big block: keep filling the current chunk afterwards */
			c->next = a->head->next;
			a->head->next = c;
		} else {
			c->next = a->head;
			a->head = c;
		}
	}
	p = (char *)c->data + c->used;
	c->used += need;
	return p;
}

/* Returns n zeroed bytes from the arena. */
void *
arena_zalloc(struct arena *a, size_t n)
{
	void *p = arena_alloc(a, n);

	memset(p, 0, n);
	return p;
}

/* Copies n bytes of s into the arena, NUL-terminated. */
char *
arena_strndup(struct arena *a, const char *s, size_t n)
{
	char *p = arena_alloc(a, n + 1);

	memcpy(p, s, n);
	p[n] = '\0';
	return p;
}

/* Copies s into the arena. */
char *
arena_strdup(struct arena *a, const char *s)
{
	return arena_strndup(a, s, strlen(s));
}

/* Formats into the arena. */
char *
arena_printf(struct arena *a, const char *fmt, ...)
{
	va_list ap, ap2;
	char small[256], *p;
	int n;

	va_start(ap, fmt);
	va_copy(ap2, ap);
	n = vsnprintf(small, sizeof(small), fmt, ap);
	va_end(ap);
	if (n < 0)
		fatalx("arena_printf: bad format");
	p = arena_alloc(a, (size_t)n + 1);
	if ((size_t)n < sizeof(small))
		memcpy(p, small, (size_t)n + 1);
	else
		vsnprintf(p, (size_t)n + 1, fmt, ap2);
	va_end(ap2);
	return p;
}

/* Frees every chunk. */
void
arena_free(struct arena *a)
{
	struct arena_chunk *c, *next;

	for (c = a->head; c != NULL; c = next) {
		next = c->next;
		free(c);
	}
	a->head = NULL;
}

/* Appends p to v, growing it in the arena. */
void
vec_push(struct arena *a, struct vec *v, void *p)
{
	if (v->n == v->cap) {
		size_t cap = v->cap ? v->cap * 2 : 4;
		void **nv = arena_alloc(a, cap * sizeof(*nv));

		if (v->n)
			memcpy(nv, v->v, v->n * sizeof(*nv));
		v->v = nv;
		v->cap = cap;
	}
	v->v[v->n++] = p;
}

/* Sorts v's pointers with cmp (qsort comparing pointers to the elements). */
void
vec_sort(struct vec *v, int (*cmp)(const void *, const void *))
{
	if (v->n > 1)
		qsort(v->v, v->n, sizeof(*v->v), cmp);
}

/* FNV-1a over a string. */
static size_t
hash_str(const char *s)
{
	size_t h = 1469598103934665603ULL & (size_t)-1;

	for (; *s; s++)
		h = (h ^ (unsigned char)*s) * (size_t)1099511628211ULL;
	return h;
}

/* The value stored under key, or NULL. */
void *
symtab_get(const struct symtab *t, const char *key)
{
	size_t i;

	if (t->cap == 0)
		return NULL;
	for (i = hash_str(key) & (t->cap - 1); t->keys[i] != NULL; i = (i + 1) & (t->cap - 1))
		if (strcmp(t->keys[i], key) == 0)
			return t->vals[i];
	return NULL;
}

/* Stores val under key, replacing any previous value. */
void
symtab_put(struct symtab *t, const char *key, void *val)
{
	size_t i;

	if ((t->n + 1) * 2 > t->cap) {
		struct symtab bigger = { NULL, NULL, 0, t->cap ? t->cap * 2 : 16 };

		bigger.keys = fg_calloc(bigger.cap, sizeof(*bigger.keys));
		bigger.vals = fg_calloc(bigger.cap, sizeof(*bigger.vals));
		for (i = 0; i < t->cap; i++)
			if (t->keys[i] != NULL)
				symtab_put(&bigger, t->keys[i], t->vals[i]);
		symtab_free(t);
		*t = bigger;
	}
	for (i = hash_str(key) & (t->cap - 1); t->keys[i] != NULL; i = (i + 1) & (t->cap - 1))
		if (strcmp(t->keys[i], key) == 0) {
			t->vals[i] = val;
			return;
		}
	t->keys[i] = key;
	t->vals[i] = val;
	t->n++;
}

/* Frees the table's storage (not the keys or values). */
void
symtab_free(struct symtab *t)
{
	free(t->keys);
	free(t->vals);
	memset(t, 0, sizeof(*t));
}

/* A pointer's slot in a table of cap entries. */
static size_t
hash_ptr(const void *p, size_t cap)
{
	uint64_t x = (uint64_t)(uintptr_t)p;

	x ^= x >> 33;
	x *= 0xff51afd7ed558ccdULL;
	x ^= x >> 33;
	return (size_t)x & (cap - 1);
}

/* Adds p; 1 when it was not there yet. */
int
ptrset_add(struct ptrset *s, const void *p)
{
	size_t i;

	if ((s->n + 1) * 2 > s->cap) {
		struct ptrset bigger = { NULL, 0, s->cap ? s->cap * 2 : 64 };

		bigger.v = fg_calloc(bigger.cap, sizeof(*bigger.v));
		for (i = 0; i < s->cap; i++)
			if (s->v[i] != NULL)
				ptrset_add(&bigger, s->v[i]);
		free(s->v);
		*s = bigger;
	}
	for (i = hash_ptr(p, s->cap); s->v[i] != NULL; i = (i + 1) & (s->cap - 1))
		if (s->v[i] == p)
			return 0;
	s->v[i] = p;
	s->n++;
	return 1;
}

/* Frees the set's storage. */
void
ptrset_free(struct ptrset *s)
{
	free(s->v);
	memset(s, 0, sizeof(*s));
}
