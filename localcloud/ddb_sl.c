/* ddb_sl.c: an ordered index of items (a skip list with back links) keyed by a vector of up to
 * DDB_SL_MAXK attribute values: a table's (hash, range), an index's (hash, range, table keys). */
#include <stdlib.h>
#include <string.h>

#include "ddb.h"

#define SL_MAX_LEVEL 24

/* Compares the first n key values of a and b. */
static int
vec_cmp(const struct ddb_av *const *a, const struct ddb_av *const *b, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		int r = ddb_av_cmp(a[i], b[i]);

		if (r != 0)
			return r;
	}
	return 0;
}

/* A new empty list whose keys have nk values. */
struct ddb_sl *
ddb_sl_new(size_t nk)
{
	struct ddb_sl *sl = fg_calloc(1, sizeof(*sl));

	sl->nk = nk;
	sl->level = 1;
	sl->rng = 0x9e3779b9u;
	sl->head = fg_calloc(1, sizeof(*sl->head) + SL_MAX_LEVEL * sizeof(sl->head->next[0]));
	sl->head->level = SL_MAX_LEVEL;
	return sl;
}

/* Frees the list; with owner, the items too. */
void
ddb_sl_free(struct ddb_sl *sl, int owner)
{
	struct ddb_sl_node *n, *next;

	if (sl == NULL)
		return;
	for (n = sl->head->next[0]; n; n = next) {
		next = n->next[0];
		if (owner) {
			ddb_av_free(n->item);
			free(n->item);
		}
		free(n);
	}
	free(sl->head);
	free(sl);
}

/* A random level with p = 1/4 (xorshift: the list needs no real randomness). */
static int
random_level(struct ddb_sl *sl)
{
	int lv = 1;

	for (;;) {
		sl->rng ^= sl->rng << 13;
		sl->rng ^= sl->rng >> 17;
		sl->rng ^= sl->rng << 5;
		if ((sl->rng & 3) != 0 || lv >= SL_MAX_LEVEL)
			return lv;
		lv++;
	}
}

/* Fills upd[] with the last node before key at each level (after: the last node <= key). */
static struct ddb_sl_node *
find_preds(struct ddb_sl *sl, const struct ddb_av *const *k, size_t nk, int after,
    struct ddb_sl_node **upd)
{
	struct ddb_sl_node *x = sl->head;

	for (int i = sl->level - 1; i >= 0; i--) {
		for (;;) {
			struct ddb_sl_node *nx = x->next[i];
			int r;

			if (nx == NULL)
				break;
			r = vec_cmp(nx->k, k, nk);
			if (r < 0 || (after && r == 0))
				x = nx;
			else
				break;
		}
		if (upd)
			upd[i] = x;
	}
	return x;
}

/* The node whose full key equals k, or NULL. */
struct ddb_sl_node *
ddb_sl_find(struct ddb_sl *sl, const struct ddb_av *const *k)
{
	struct ddb_sl_node *x = find_preds(sl, k, sl->nk, 0, NULL)->next[0];

	return x && vec_cmp(x->k, k, sl->nk) == 0 ? x : NULL;
}

/* The first node whose key prefix of np values is >= probe (after: > probe), or NULL. */
struct ddb_sl_node *
ddb_sl_seek(struct ddb_sl *sl, const struct ddb_av *const *probe, size_t np, int after)
{
	return find_preds(sl, probe, np, after, NULL)->next[0];
}

/* The first node, or NULL. */
struct ddb_sl_node *
ddb_sl_first(struct ddb_sl *sl)
{
	return sl->head->next[0];
}

/* Inserts item under key k (its values must live in item); the key must be new. */
struct ddb_sl_node *
ddb_sl_insert(struct ddb_sl *sl, struct ddb_av *item, const struct ddb_av *const *k)
{
	struct ddb_sl_node *upd[SL_MAX_LEVEL], *n;
	int lv = random_level(sl);

	find_preds(sl, k, sl->nk, 0, upd);
	if (lv > sl->level) {
		for (int i = sl->level; i < lv; i++)
			upd[i] = sl->head;
		sl->level = lv;
	}
	n = fg_calloc(1, sizeof(*n) + (size_t)lv * sizeof(n->next[0]));
	n->item = item;
	n->level = lv;
	memcpy(n->k, k, sl->nk * sizeof(*k));
	for (int i = 0; i < lv; i++) {
		n->next[i] = upd[i]->next[i];
		upd[i]->next[i] = n;
	}
	n->prev = upd[0] == sl->head ? NULL : upd[0];
	if (n->next[0])
		n->next[0]->prev = n;
	sl->n++;
	return n;
}

/* Unlinks the node with key k and returns its item (NULL when absent). */
struct ddb_av *
ddb_sl_remove(struct ddb_sl *sl, const struct ddb_av *const *k)
{
	struct ddb_sl_node *upd[SL_MAX_LEVEL], *n;
	struct ddb_av *item;

	n = find_preds(sl, k, sl->nk, 0, upd)->next[0];
	if (n == NULL || vec_cmp(n->k, k, sl->nk) != 0)
		return NULL;
	for (int i = 0; i < n->level; i++)
		upd[i]->next[i] = n->next[i];
	if (n->next[0])
		n->next[0]->prev = n->prev;
	while (sl->level > 1 && sl->head->next[sl->level - 1] == NULL)
		sl->level--;
	item = n->item;
	free(n);
	sl->n--;
	return item;
}
