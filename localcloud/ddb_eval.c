/* ddb_eval.c: evaluating checked DynamoDB expressions: conditions against an item, updates
 * applied to an item (all or nothing), and projections. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ddb.h"

#define BAD_OPERAND "An operand in the update expression has an incorrect data type"
#define BAD_PATH "The document path provided in the update expression is invalid for update"
#define NO_ATTRIBUTE "The provided expression refers to an attribute that does not exist in the item"

/* The value at a document path, or NULL. */
const struct ddb_av *
ddb_path_get(const struct ddb_av *item, const struct ddb_path *path)
{
	const struct ddb_av *v = item;

	for (size_t i = 0; i < path->n && v != NULL; i++) {
		const struct ddb_path_elem *e = &path->e[i];

		if (e->name != NULL)
			v = ddb_map_get(v, e->name);
		else if (v->type == DDB_L && e->index >= 0 && (size_t)e->index < v->n)
			v = &v->v[e->index];
		else
			v = NULL;
		if (v != NULL && v->type == DDB_GAP)
			v = NULL;
	}
	return v;
}

/* Tells whether needle occurs in hay (byte strings). */
static int
bytes_contain(const char *hay, size_t hlen, const char *needle, size_t nlen)
{
	if (nlen == 0)
		return 1;
	for (size_t i = 0; i + nlen <= hlen; i++)
		if (memcmp(hay + i, needle, nlen) == 0)
			return 1;
	return 0;
}

/* Evaluates an operand of a condition; tmp holds a computed size(). */
static const struct ddb_av *
operand(const struct ddb_node *n, const struct ddb_av *item, struct ddb_av *tmp)
{
	const struct ddb_av *v;
	char num[32];
	size_t len;

	switch (n->op) {
	case DDB_OP_PATH:
		return ddb_path_get(item, &n->path);
	case DDB_OP_VALUE:
		return n->value;
	case DDB_OP_SIZE:
		if ((v = operand(n->args[0], item, tmp)) == NULL)
			return NULL;
		if (v->type == DDB_S || v->type == DDB_B)
			len = v->len;
		else if (v->type == DDB_N || v->type == DDB_BOOL || v->type == DDB_NULL)
			return NULL;
		else
			len = v->n;
		ddb_av_free(tmp);
		snprintf(num, sizeof(num), "%zu", len);
		ddb_av_set_str(tmp, DDB_N, num, strlen(num));
		return tmp;
	default:
		return NULL;
	}
}

/* Tells whether two values are scalars of one type that can be ordered. */
static int
orderable(const struct ddb_av *a, const struct ddb_av *b)
{
	return a != NULL && b != NULL && a->type == b->type &&
	    (a->type == DDB_S || a->type == DDB_N || a->type == DDB_B);
}

/* contains(a, b): substring, set member or list element. */
static int
contains(const struct ddb_av *a, const struct ddb_av *b)
{
	if (a == NULL || b == NULL)
		return 0;
	switch (a->type) {
	case DDB_S:
	case DDB_B:
		return b->type == a->type && bytes_contain(a->str, a->len, b->str, b->len);
	case DDB_SS:
	case DDB_NS:
	case DDB_BS:
		return ddb_set_has(a, b);
	case DDB_L:
		for (size_t i = 0; i < a->n; i++)
			if (ddb_av_equal(&a->v[i], b))
				return 1;
		return 0;
	default:
		return 0;
	}
}

/* Evaluates a comparison, BETWEEN, IN or function on resolved operands. */
static int
compare(const struct ddb_node *n, const struct ddb_av **v)
{
	const struct ddb_av *a = v[0], *b = n->nargs > 1 ? v[1] : NULL;

	switch (n->op) {
	case DDB_OP_EQ:
		return a && b && ddb_av_equal(a, b);
	case DDB_OP_NE:
		return !(a && b && ddb_av_equal(a, b));
	case DDB_OP_LT:
		return orderable(a, b) && ddb_av_cmp(a, b) < 0;
	case DDB_OP_LE:
		return orderable(a, b) && ddb_av_cmp(a, b) <= 0;
	case DDB_OP_GT:
		return orderable(a, b) && ddb_av_cmp(a, b) > 0;
	case DDB_OP_GE:
		return orderable(a, b) && ddb_av_cmp(a, b) >= 0;
	case DDB_OP_BETWEEN:
		return orderable(a, b) && orderable(a, v[2]) && ddb_av_cmp(a, b) >= 0 &&
		    ddb_av_cmp(a, v[2]) <= 0;
	case DDB_OP_IN:
		for (size_t i = 1; a && i < n->nargs; i++)
			if (v[i] && ddb_av_equal(a, v[i]))
				return 1;
		return 0;
	case DDB_OP_EXISTS:
		return a != NULL;
	case DDB_OP_NOT_EXISTS:
		return a == NULL;
	case DDB_OP_TYPE:
		return a && b && b->type == DDB_S && strcmp(ddb_type_name(a->type), b->str) == 0;
	case DDB_OP_BEGINS:
		return a && b && a->type == b->type && (a->type == DDB_S || a->type == DDB_B) &&
		    a->len >= b->len && memcmp(a->str, b->str, b->len) == 0;
	case DDB_OP_CONTAINS:
		return contains(a, b);
	default:
		return 0;
	}
}

/* Tells whether a condition holds for item (NULL: no item). */
int
ddb_condition_true(const struct ddb_node *n, const struct ddb_av *item)
{
	const struct ddb_av *small[3], **v;
	struct ddb_av tmp_small[3], *tmp;
	int r;

	switch (n->op) {
	case DDB_OP_AND:
		return ddb_condition_true(n->args[0], item) && ddb_condition_true(n->args[1], item);
	case DDB_OP_OR:
		return ddb_condition_true(n->args[0], item) || ddb_condition_true(n->args[1], item);
	case DDB_OP_NOT:
		return !ddb_condition_true(n->args[0], item);
	default:
		break;
	}
	v = n->nargs <= 3 ? small : fg_malloc(n->nargs * sizeof(*v));
	tmp = n->nargs <= 3 ? tmp_small : fg_malloc(n->nargs * sizeof(*tmp));
	for (size_t i = 0; i < n->nargs; i++) {
		ddb_av_init(&tmp[i], DDB_NULL);
		v[i] = operand(n->args[i], item, &tmp[i]);
	}
	r = compare(n, v);
	for (size_t i = 0; i < n->nargs; i++)
		ddb_av_free(&tmp[i]);
	if (v != small) {
		free(v);
		free(tmp);
	}
	return r;
}

/* Computes the value of a SET action from the item as it was before the update. */
static int
set_value(const struct ddb_node *n, const struct ddb_av *item, struct ddb_av *out, char **err)
{
	const struct ddb_av *v;
	struct ddb_av a, b;
	char *sum;

	ddb_av_init(out, DDB_NULL);
	switch (n->op) {
	case DDB_OP_PATH:
		if ((v = ddb_path_get(item, &n->path)) == NULL) {
			*err = fg_strdup(NO_ATTRIBUTE);
			return -1;
		}
		ddb_av_copy(out, v);
		return 0;
	case DDB_OP_VALUE:
		ddb_av_copy(out, n->value);
		return 0;
	case DDB_OP_IF_NOT_EXISTS:
		if ((v = ddb_path_get(item, &n->args[0]->path)) != NULL) {
			ddb_av_copy(out, v);
			return 0;
		}
		return set_value(n->args[1], item, out, err);
	default:
		break;
	}
	if (set_value(n->args[0], item, &a, err) < 0)
		return -1;
	if (set_value(n->args[1], item, &b, err) < 0) {
		ddb_av_free(&a);
		return -1;
	}
	if (n->op == DDB_OP_LIST_APPEND ? a.type != DDB_L || b.type != DDB_L :
	    a.type != DDB_N || b.type != DDB_N) {
		*err = fg_strdup(BAD_OPERAND);
		goto fail;
	}
	if (n->op == DDB_OP_LIST_APPEND) {
		ddb_av_move(out, &a);
		for (size_t i = 0; i < b.n; i++)
			ddb_av_move(ddb_av_push(out, NULL), &b.v[i]);
		ddb_av_free(&b);
		return 0;
	}
	if (ddb_num_add(a.str, b.str, n->op == DDB_OP_MINUS, &sum, err) < 0)
		goto fail;
	ddb_av_free(&a);
	ddb_av_free(&b);
	ddb_av_init(out, DDB_N);
	out->str = sum;
	out->len = strlen(sum);
	return 0;
fail:
	ddb_av_free(&a);
	ddb_av_free(&b);
	return -1;
}

/* The container holding the last element of path (an M for a name, an L for an index). */
static struct ddb_av *
parent_of(struct ddb_av *item, const struct ddb_path *path, char **err)
{
	struct ddb_av *v = item;
	const struct ddb_path_elem *last = &path->e[path->n - 1];

	for (size_t i = 0; i + 1 < path->n && v != NULL; i++) {
		const struct ddb_path_elem *e = &path->e[i];

		if (e->name != NULL)
			v = ddb_map_get(v, e->name);
		else if (v->type == DDB_L && (size_t)e->index < v->n && v->v[e->index].type != DDB_GAP)
			v = &v->v[e->index];
		else
			v = NULL;
	}
	if (v == NULL || v->type != (last->name ? DDB_M : DDB_L)) {
		*err = fg_strdup(BAD_PATH);
		return NULL;
	}
	return v;
}

/* The existing value at the last element of path inside parent, or NULL. */
static struct ddb_av *
child_of(struct ddb_av *parent, const struct ddb_path_elem *e)
{
	if (e->name)
		return ddb_map_get(parent, e->name);
	if ((size_t)e->index < parent->n && parent->v[e->index].type != DDB_GAP)
		return &parent->v[e->index];
	return NULL;
}

/* Stores v (moved) at the last element of path inside parent; past a list's end appends. */
static void
put_child(struct ddb_av *parent, const struct ddb_path_elem *e, struct ddb_av *v)
{
	if (e->name) {
		ddb_map_put(parent, e->name, v);
		return;
	}
	if ((size_t)e->index >= parent->n) {
		/* Appends after the holes: squashing keeps the order of the indexes. */
		size_t want = (size_t)e->index < parent->n + 64 ? (size_t)e->index : parent->n;

		while (parent->n < want)
			ddb_av_init(ddb_av_push(parent, NULL), DDB_GAP);
		ddb_av_move(ddb_av_push(parent, NULL), v);
		return;
	}
	ddb_av_free(&parent->v[e->index]);
	ddb_av_move(&parent->v[e->index], v);
}

/* Removes the last element of path inside parent (a list item becomes a hole until squash). */
static void
remove_child(struct ddb_av *parent, const struct ddb_path_elem *e)
{
	if (e->name) {
		ddb_map_del(parent, e->name);
	} else if ((size_t)e->index < parent->n) {
		ddb_av_free(&parent->v[e->index]);
		ddb_av_init(&parent->v[e->index], DDB_GAP);
	}
}

/* ADD to a number or a set, or DELETE from a set. */
static int
add_or_delete(struct ddb_av *parent, const struct ddb_action *a, char **err)
{
	const struct ddb_path_elem *e = &a->path.e[a->path.n - 1];
	struct ddb_av *old = child_of(parent, e), nv;
	const struct ddb_av *val = a->value->value;
	char *sum;

	if (old == NULL) {
		if (a->kind == DDB_ADD) {
			ddb_av_copy(&nv, val);
			put_child(parent, e, &nv);
		}
		return 0;
	}
	if (old->type != val->type) {
		*err = fg_strdup(BAD_OPERAND);
		return -1;
	}
	if (old->type == DDB_N) {
		if (ddb_num_add(old->str, val->str, 0, &sum, err) < 0)
			return -1;
		free(old->str);
		old->str = sum;
		old->len = strlen(sum);
		return 0;
	}
	for (size_t i = 0; i < val->n; i++) {
		if (a->kind == DDB_ADD && !ddb_set_has(old, &val->v[i])) {
			ddb_av_copy(ddb_av_push(old, NULL), &val->v[i]);
		} else if (a->kind == DDB_DELETE) {
			for (size_t j = 0; j < old->n; j++)
				if (ddb_av_equal(&old->v[j], &val->v[i])) {
					ddb_av_remove_at(old, j);
					break;
				}
		}
	}
	if (old->n == 0)
		remove_child(parent, e);
	return 0;
}

/* Applies an update: SET values are computed from the item before any change. */
int
ddb_update_apply(const struct ddb_update *u, struct ddb_av *item, char **err)
{
	struct ddb_av work, *vals = fg_calloc(u->n ? u->n : 1, sizeof(*vals));
	int rc = -1;

	for (size_t i = 0; i < u->n; i++)
		if (u->a[i].kind == DDB_SET && set_value(u->a[i].value, item, &vals[i], err) < 0)
			goto out;
	ddb_av_copy(&work, item);
	for (size_t i = 0; i < u->n; i++) {
		const struct ddb_action *a = &u->a[i];
		struct ddb_av *parent = parent_of(&work, &a->path, err);

		if (parent == NULL)
			goto undo;
		if (a->kind == DDB_SET)
			put_child(parent, &a->path.e[a->path.n - 1], &vals[i]);
		else if (a->kind == DDB_REMOVE)
			remove_child(parent, &a->path.e[a->path.n - 1]);
		else if (add_or_delete(parent, a, err) < 0)
			goto undo;
	}
	ddb_av_squash(&work);
	ddb_av_free(item);
	ddb_av_move(item, &work);
	rc = 0;
	goto out;
undo:
	ddb_av_free(&work);
out:
	for (size_t i = 0; i < u->n; i++)
		ddb_av_free(&vals[i]);
	free(vals);
	return rc;
}

/* Copies the value at path in item into the same place in out, creating the containers. */
static void
project_path(const struct ddb_path *path, const struct ddb_av *item, struct ddb_av *out)
{
	const struct ddb_av *src = ddb_path_get(item, path);
	struct ddb_av *dst = out, *next;

	if (src == NULL)
		return;
	for (size_t i = 0; i < path->n; i++) {
		const struct ddb_path_elem *e = &path->e[i];
		enum ddb_type t = i + 1 == path->n ? DDB_NULL : path->e[i + 1].name ? DDB_M : DDB_L;

		if (e->name) {
			if ((next = ddb_map_get(dst, e->name)) == NULL) {
				struct ddb_av fresh;

				ddb_av_init(&fresh, t);
				ddb_map_put(dst, e->name, &fresh);
				next = ddb_map_get(dst, e->name);
			}
		} else {
			while (dst->n <= (size_t)e->index)
				ddb_av_init(ddb_av_push(dst, NULL), DDB_GAP);
			next = &dst->v[e->index];
			if (next->type == DDB_GAP)
				ddb_av_init(next, t);
		}
		dst = next;
	}
	ddb_av_free(dst);
	ddb_av_copy(dst, src);
}

/* Copies the projected paths of item into out. */
void
ddb_project(const struct ddb_proj *pr, const struct ddb_av *item, struct ddb_av *out)
{
	ddb_av_init(out, DDB_M);
	for (size_t i = 0; i < pr->n; i++)
		project_path(&pr->p[i], item, out);
	ddb_av_squash(out);
}

/* Copies the paths an update touches. */
void
ddb_project_update(const struct ddb_update *u, const struct ddb_av *item, struct ddb_av *out)
{
	ddb_av_init(out, DDB_M);
	for (size_t i = 0; i < u->n; i++)
		project_path(&u->a[i].path, item, out);
	ddb_av_squash(out);
}
