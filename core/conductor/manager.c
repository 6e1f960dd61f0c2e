/* manager.c: the Manager. Reads a compiled composition (schemas/composition.schema.json),
 * builds the dependency DAG from its references, and plans: make each resource match (create,
 * update in place, or replace), delete what the composition dropped, parents created first and
 * children deleted first.
 *
 * Replacement: a resource identified by a name the user chooses (x-fugue-identifier is a
 * property: Bucket, TableName) cannot exist twice under one name, so when that name stays the
 * same the old resource is deleted before its replacement is created; otherwise (ids AWS
 * assigns, or a new name) the replacement is created first and the old one is deleted ("retired")
 * once every resource that referred to it has moved to the new one. */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "engine_int.h"

/* The name of a planned action. */
const char *
pact_name(enum pact a)
{
	static const char *const names[] = { "none", "create", "update", "replace", "delete" };

	return names[a];
}

/* 1 when v is a {"ref": ..., "attr": ...} placeholder. */
static int
is_ref(fg_json v)
{
	return v != NULL && v->type == yajl_t_object && fg_json_len(v) == 2 &&
	    fg_json_str(fg_json_get(v, "ref")) != NULL && fg_json_str(fg_json_get(v, "attr")) != NULL;
}

/* Adds lid to the resource's references (once). */
static void
add_ref(struct dres *r, const char *lid)
{
	for (size_t i = 0; i < r->nrefs; i++)
		if (strcmp(r->refs[i], lid) == 0)
			return;
	r->refs = fg_realloc(r->refs, (r->nrefs + 1) * sizeof(char *));
	r->refs[r->nrefs++] = fg_strdup(lid);
}

/* Adds the logical id of every placeholder under v to the resource's references. */
static void
collect_refs(struct dres *r, fg_json v)
{
	if (is_ref(v)) {
		add_ref(r, fg_json_str(fg_json_get(v, "ref")));
		return;
	}
	for (size_t i = 0; v != NULL && (v->type == yajl_t_object || v->type == yajl_t_array) &&
	    i < fg_json_len(v); i++)
		collect_refs(r, fg_json_at(v, i));
}

/* Writes v with its placeholders replaced; 0, or -1 with *missing. */
static int
fill(struct fg_jw *w, fg_json v, ref_fn fn, void *arg, char **missing)
{
	if (is_ref(v)) {
		const char *lid = fg_json_str(fg_json_get(v, "ref"));
		const char *attr = fg_json_str(fg_json_get(v, "attr"));
		fg_json val = fn(arg, lid, attr);

		if (val == NULL) {
			*missing = fg_printf("%s.%s", lid, attr);
			return -1;
		}
		fg_jw_value(w, val);
		return 0;
	}
	if (v != NULL && v->type == yajl_t_object) {
		fg_jw_obj(w);
		for (size_t i = 0; i < fg_json_len(v); i++) {
			fg_jw_key(w, fg_json_key(v, i));
			if (fill(w, fg_json_at(v, i), fn, arg, missing) < 0)
				return -1;
		}
		fg_jw_end_obj(w);
	} else if (v != NULL && v->type == yajl_t_array) {
		fg_jw_arr(w);
		for (size_t i = 0; i < fg_json_len(v); i++)
			if (fill(w, fg_json_at(v, i), fn, arg, missing) < 0)
				return -1;
		fg_jw_end_arr(w);
	} else if (v == NULL)
		fg_jw_null(w);
	else
		fg_jw_value(w, v);
	return 0;
}

/* props with its placeholders replaced by live values. */
fg_json
refs_fill(fg_json props, ref_fn fn, void *arg, char **missing)
{
	struct fg_jw w;
	fg_json v = NULL;

	*missing = NULL;
	fg_jw_init(&w, 0);
	if (fill(&w, props, fn, arg, missing) == 0)
		v = json_from_writer(&w);
	fg_jw_free(&w);
	return v;
}

/* Frees a composition. */
void
comp_free(struct comp *c)
{
	if (c == NULL)
		return;
	for (size_t i = 0; i < c->n; i++) {
		struct dres *r = &c->res[i];

		free(r->lid);
		free(r->region);
		free(r->deps);
		for (size_t j = 0; j < r->nrefs; j++)
			free(r->refs[j]);
		free(r->refs);
	}
	for (size_t i = 0; i < c->next; i++) {
		free(c->ext[i].lid);
		free(c->ext[i].physical);
		free(c->ext[i].region);
	}
	free(c->res);
	free(c->ext);
	free(c->hash);
	fg_json_free(c->root);
	free(c);
}

/* The index of resource lid, or -1. */
long
comp_find(const struct comp *c, const char *lid)
{
	for (size_t i = 0; i < c->n; i++)
		if (strcmp(c->res[i].lid, lid) == 0)
			return (long)i;
	return -1;
}

/* The external resource lid, or NULL. */
const struct dext *
comp_external(const struct comp *c, const char *lid)
{
	for (size_t i = 0; i < c->next; i++)
		if (strcmp(c->ext[i].lid, lid) == 0)
			return &c->ext[i];
	return NULL;
}

/* A copy of what the engine reads of a composition: its hash, resources and externals,
 * without their source locations (kept for as long as the process lives, they would be a
 * third of it). */
static fg_json
comp_copy(fg_json v)
{
	static const char *const keep[] = { "hash", "resources", "externals" };
	struct fg_jw w;
	fg_json c;

	fg_jw_init(&w, 0);
	fg_jw_obj(&w);
	for (size_t k = 0; k < FG_ARRAY_LEN(keep); k++) {
		fg_json m = fg_json_get(v, keep[k]);

		if (m == NULL)
			continue;
		fg_jw_key(&w, keep[k]);
		if (m->type != yajl_t_array) {
			fg_jw_value(&w, m);
			continue;
		}
		fg_jw_arr(&w);
		for (size_t i = 0; i < fg_json_len(m); i++) {
			fg_json item = fg_json_at(m, i);

			if (item == NULL || item->type != yajl_t_object) {
				fg_jw_value(&w, item);
				continue;
			}
			fg_jw_obj(&w);
			for (size_t j = 0; j < fg_json_len(item); j++)
				if (strcmp(fg_json_key(item, j), "location") != 0) {
					fg_jw_key(&w, fg_json_key(item, j));
					fg_jw_value(&w, fg_json_at(item, j));
				}
			fg_jw_end_obj(&w);
		}
		fg_jw_end_arr(&w);
	}
	fg_jw_end_obj(&w);
	c = json_from_writer(&w);
	fg_jw_free(&w);
	return c;
}

/* Reads one member of "resources"; -1 with *err. */
static int
read_resource(const struct plugins *ps, struct comp *c, size_t i, fg_json v, char **err)
{
	struct dres *r = &c->res[i];
	const char *lid = fg_json_str(fg_json_get(v, "id"));
	const char *type = fg_json_str(fg_json_get(v, "type"));
	fg_json region;

	if (lid == NULL || *lid == '\0' || type == NULL) {
		*err = fg_printf("resources[%zu]: no \"id\" or \"type\" string", i);
		return -1;
	}
	r->lid = fg_strdup(lid);
	r->props = fg_json_get(v, "properties");
	if (r->props == NULL || r->props->type != yajl_t_object) {
		*err = fg_printf("resource %s: \"properties\" is not an object", lid);
		return -1;
	}
	if ((r->pt = plugins_type(ps, type)) == NULL) {
		*err = fg_printf("resource %s: no plugin provides type %s", lid, type);
		return -1;
	}
	region = fg_json_get(r->props, "Region");
	if (r->pt->regional) {
		if (fg_json_str(region) == NULL) {
			*err = fg_printf("resource %s: %s needs a literal Region", lid, type);
			return -1;
		}
		r->region = fg_strdup(fg_json_str(region));
	}
	collect_refs(r, r->props);
	/* dependsOn lists the same ids; one it adds is an ordering wish: honoured. */
	for (size_t j = 0; j < fg_json_len(fg_json_get(v, "dependsOn")); j++) {
		const char *d = fg_json_str(fg_json_at(fg_json_get(v, "dependsOn"), j));

		if (d != NULL)
			add_ref(r, d);
	}
	return 0;
}

/* Reads one member of "externals"; -1 with *err. */
static int
read_external(const struct plugins *ps, struct comp *c, size_t i, fg_json v, char **err)
{
	struct dext *x = &c->ext[i];
	const char *lid = fg_json_str(fg_json_get(v, "id"));
	const char *type = fg_json_str(fg_json_get(v, "type"));
	const char *phys = fg_json_str(fg_json_get(v, "physicalId"));
	const char *region = fg_json_str(fg_json_get(v, "region"));

	if (lid == NULL || type == NULL || phys == NULL) {
		*err = fg_printf("externals[%zu]: no \"id\", \"type\" or \"physicalId\" string", i);
		return -1;
	}
	if ((x->pt = plugins_type(ps, type)) == NULL) {
		*err = fg_printf("external %s: no plugin provides type %s", lid, type);
		return -1;
	}
	x->lid = fg_strdup(lid);
	x->physical = fg_strdup(phys);
	x->region = region ? fg_strdup(region) : NULL;
	return 0;
}

/* Links references to resource indexes and rejects unknown ids and cycles; -1 with *err. */
static int
link_refs(struct comp *c, char **err)
{
	unsigned char *state; /* 0 new, 1 on the path, 2 done */
	size_t *stack, *next, sp = 0;
	int rc = 0;

	for (size_t i = 0; i < c->n; i++) {
		struct dres *r = &c->res[i];

		r->deps = fg_calloc(r->nrefs ? r->nrefs : 1, sizeof(size_t));
		for (size_t j = 0; j < r->nrefs; j++) {
			long k = comp_find(c, r->refs[j]);

			if (k >= 0)
				r->deps[r->ndeps++] = (size_t)k;
			else if (comp_external(c, r->refs[j]) == NULL) {
				*err = fg_printf("resource %s refers to %s, which the composition does "
				    "not define", r->lid, r->refs[j]);
				return -1;
			}
		}
	}
	/* Depth-first search without recursion: the path on a stack, next dependency to try. */
	state = fg_calloc(c->n ? c->n : 1, 1);
	stack = fg_calloc(c->n ? c->n : 1, sizeof(size_t));
	next = fg_calloc(c->n ? c->n : 1, sizeof(size_t));
	for (size_t root = 0; root < c->n && rc == 0; root++) {
		if (state[root])
			continue;
		stack[sp++] = root;
		state[root] = 1;
		next[root] = 0;
		while (sp > 0 && rc == 0) {
			size_t u = stack[sp - 1];
			struct dres *r = &c->res[u];

			if (next[u] == r->ndeps) {
				state[u] = 2;
				sp--;
				continue;
			}
			size_t d = r->deps[next[u]++];

			if (state[d] == 1) {
				struct fg_buf b;
				size_t s = sp;

				fg_buf_init(&b);
				while (s > 0 && stack[s - 1] != d)
					s--;
				for (size_t k = s - 1; k < sp; k++)
					fg_buf_addf(&b, "%s -> ", c->res[stack[k]].lid);
				fg_buf_addstr(&b, c->res[d].lid);
				*err = fg_printf("the references form a cycle: %s", b.data);
				fg_buf_free(&b);
				rc = -1;
			} else if (state[d] == 0) {
				state[d] = 1;
				next[d] = 0;
				stack[sp++] = d;
			}
		}
	}
	free(state);
	free(stack);
	free(next);
	return rc;
}

/* A composition from its compiled JSON (copied); NULL with *err saying what is wrong. */
struct comp *
comp_new(const struct plugins *ps, fg_json composition, char **err)
{
	struct comp *c;
	fg_json res, ext;
	int64_t version;

	*err = NULL;
	if (composition == NULL || composition->type != yajl_t_object) {
		*err = fg_strdup("the composition is not a JSON object");
		return NULL;
	}
	if (fg_json_int(fg_json_get(composition, "version"), &version) < 0 || version != 1) {
		*err = fg_strdup("the composition has no \"version\" 1: compile it with this "
		    "release's lwc");
		return NULL;
	}
	c = fg_calloc(1, sizeof(*c));
	c->root = comp_copy(composition);
	if (fg_json_str(fg_json_get(c->root, "hash")) != NULL)
		c->hash = fg_strdup(fg_json_str(fg_json_get(c->root, "hash")));
	res = fg_json_get(c->root, "resources");
	ext = fg_json_get(c->root, "externals");
	if (res == NULL || res->type != yajl_t_array ||
	    (ext != NULL && ext->type != yajl_t_array)) {
		*err = fg_strdup("the composition's \"resources\" (or \"externals\") is not an array");
		comp_free(c);
		return NULL;
	}
	c->res = fg_calloc(fg_json_len(res) + 1, sizeof(struct dres));
	c->ext = fg_calloc(fg_json_len(ext) + 1, sizeof(struct dext));
	for (size_t i = 0; i < fg_json_len(res) && *err == NULL; i++) {
		c->n++;
		if (read_resource(ps, c, i, fg_json_at(res, i), err) == 0 &&
		    comp_find(c, c->res[i].lid) != (long)i)
			*err = fg_printf("logical id %s is defined twice", c->res[i].lid);
	}
	for (size_t i = 0; i < fg_json_len(ext) && *err == NULL; i++) {
		c->next++;
		if (read_external(ps, c, i, fg_json_at(ext, i), err) == 0 &&
		    comp_find(c, c->ext[i].lid) >= 0)
			*err = fg_printf("logical id %s is both a resource and an external",
			    c->ext[i].lid);
	}
	if (*err == NULL)
		link_refs(c, err);
	if (*err != NULL) {
		comp_free(c);
		return NULL;
	}
	return c;
}

/* --- plans --- */

/* Adds the edge a -> b (b waits for a). */
static void
edge(struct plan *p, size_t a, size_t b)
{
	struct pnode *n = &p->v[a];

	for (size_t i = 0; i < n->nsucc; i++)
		if (n->succ[i] == b)
			return;
	if (n->nsucc == n->capsucc) {
		n->capsucc = n->capsucc ? 2 * n->capsucc : 4;
		n->succ = fg_realloc(n->succ, n->capsucc * sizeof(size_t));
	}
	n->succ[n->nsucc++] = b;
	p->v[b].nwait++;
}

/* Frees a plan. */
void
plan_free(struct plan *p)
{
	for (size_t i = 0; i < p->n; i++) {
		free(p->v[i].succ);
		free(p->v[i].why);
	}
	free(p->v);
	free(p->order);
	memset(p, 0, sizeof(*p));
}

/* The record of lid among recs, or NULL. */
static struct rrec *
rec_find(struct rrec *const *recs, size_t n, const char *lid)
{
	for (size_t i = 0; i < n; i++)
		if (strcmp(recs[i]->lid, lid) == 0)
			return recs[i];
	return NULL;
}

/* 1 when the record referenced lid when it was last applied. */
static int
rec_refers(const struct rrec *r, const char *lid)
{
	for (size_t i = 0; r != NULL && i < r->ndeps; i++)
		if (strcmp(r->deps[i], lid) == 0)
			return 1;
	return 0;
}

/* What planning needs to resolve references: the caller's resolver and the predictions. */
struct predict {
	const struct comp *c;
	const struct plan *p;
	ref_fn obs;
	void *arg;
};

/* Resolves a reference at planning time: unknown when its target is created or replaced. */
static fg_json
predict_ref(void *arg, const char *lid, const char *attr)
{
	struct predict *pr = arg;
	long k = comp_find(pr->c, lid);

	/* Converge steps come first in the plan, in composition order. */
	if (k >= 0 && (pr->p->v[k].act == PA_CREATE || pr->p->v[k].act == PA_REPLACE))
		return NULL;
	return pr->obs(pr->arg, lid, attr);
}

/* The top-level property of props whose value refers to lid, or NULL. */
static const char *
prop_referring(fg_json props, const char *lid)
{
	for (size_t i = 0; i < fg_json_len(props); i++) {
		struct dres tmp = { 0 };
		int hit = 0;

		collect_refs(&tmp, fg_json_at(props, i));
		for (size_t j = 0; j < tmp.nrefs; j++) {
			hit |= strcmp(tmp.refs[j], lid) == 0;
			free(tmp.refs[j]);
		}
		free(tmp.refs);
		if (hit)
			return fg_json_key(props, i);
	}
	return NULL;
}

/* Predicts what converging resource i will do. */
static void
predict(struct plan *p, const struct comp *c, size_t i, const char *fid, ref_fn obs, void *arg)
{
	struct pnode *n = &p->v[i];
	const struct dres *r = &c->res[i];
	struct predict pr = { c, p, obs, arg };
	char *missing = NULL, *names = NULL;
	fg_json filled, want, last;
	int replace = 0;

	if (n->rec == NULL || n->rec->physical == NULL || n->rec->gone) {
		n->act = PA_CREATE;
		return;
	}
	filled = refs_fill(r->props, predict_ref, &pr, &missing);
	if (filled == NULL) {
		/* A value that will change, or one not observed yet: the property changes. */
		char *lid = fg_strndup(missing, strcspn(missing, "."));
		const char *prop = prop_referring(r->props, lid);

		free(lid);
		n->act = prop != NULL && ptype_replaces(r->pt, prop) ? PA_REPLACE : PA_UPDATE;
		n->why = fg_strdup(prop ? prop : missing);
		free(missing);
		return;
	}
	if (n->rec->obs_text == NULL) {
		/* Never observed: the executor reads it first; nothing is known to change. */
		fg_json_free(filled);
		n->act = PA_NONE;
		return;
	}
	want = desired_complete(r->pt, filled, fid, r->lid);
	last = props_applied(r->pt, n->rec->props);
	if (props_diff(r->pt, want, rrec_obs(n->rec), last, &names, &replace) > 0) {
		n->act = replace ? PA_REPLACE : PA_UPDATE;
		n->why = names;
	}
	fg_json_free(last);
	fg_json_free(want);
	fg_json_free(filled);
}

/* Orders the steps (Kahn); -1 with *err naming the steps caught in a cycle. */
static int
plan_order(struct plan *p, const struct comp *c, char **err)
{
	size_t *wait = fg_calloc(p->n ? p->n : 1, sizeof(size_t));
	size_t head = 0, tail = 0;

	p->order = fg_calloc(p->n ? p->n : 1, sizeof(size_t));
	for (size_t i = 0; i < p->n; i++)
		if ((wait[i] = p->v[i].nwait) == 0)
			p->order[tail++] = i;
	while (head < tail) {
		struct pnode *n = &p->v[p->order[head++]];

		for (size_t j = 0; j < n->nsucc; j++)
			if (--wait[n->succ[j]] == 0)
				p->order[tail++] = n->succ[j];
	}
	if (tail < p->n) {
		struct fg_buf b;

		fg_buf_init(&b);
		for (size_t i = 0; i < p->n; i++)
			if (wait[i] > 0)
				fg_buf_addf(&b, "%s%s", b.len ? ", " : "", p->v[i].rec ?
				    p->v[i].rec->lid : c->res[p->v[i].res].lid);
		*err = fg_printf("the resources' references form a cycle (%s)", b.data);
		fg_buf_free(&b);
	}
	free(wait);
	return tail < p->n ? -1 : 0;
}

/* Plans the work; see engine_int.h. */
int
plan_build(struct plan *p, const struct comp *c, struct rrec *const *recs, size_t nrecs,
    const char *fid, ref_fn obs, void *arg, char **err)
{
	size_t nres = c ? c->n : 0, ndel = 0, k;

	memset(p, 0, sizeof(*p));
	*err = NULL;
	for (size_t i = 0; i < nrecs; i++)
		ndel += c == NULL || comp_find(c, recs[i]->lid) < 0;
	/* Converge steps 0..nres-1, retire steps nres..2nres-1, then deletes. */
	p->n = 2 * nres + ndel;
	p->v = fg_calloc(p->n ? p->n : 1, sizeof(struct pnode));
	for (size_t i = 0; i < nres; i++) {
		struct rrec *r = rec_find(recs, nrecs, c->res[i].lid);

		p->v[i].kind = N_CONVERGE;
		p->v[i].res = (long)i;
		p->v[i].rec = r;
		p->v[nres + i].kind = N_RETIRE;
		p->v[nres + i].res = (long)i;
		p->v[nres + i].rec = r;
	}
	k = 2 * nres;
	for (size_t i = 0; i < nrecs; i++)
		if (c == NULL || comp_find(c, recs[i]->lid) < 0) {
			p->v[k].kind = N_DELETE;
			p->v[k].res = -1;
			p->v[k].rec = recs[i];
			p->v[k].act = PA_DELETE;
			k++;
		}
	/* Edges. Converge: after what it references. Retire: after its own converge and every
	 * converge that refers (or referred) to it. Delete: after every step of a resource that
	 * referred to it. */
	for (size_t i = 0; i < nres; i++) {
		const struct dres *r = &c->res[i];

		for (size_t j = 0; j < r->ndeps; j++) {
			edge(p, r->deps[j], i);
			edge(p, i, nres + r->deps[j]);
		}
		edge(p, i, nres + i);
		for (size_t j = 0; j < nres; j++)
			if (j != i && rec_refers(p->v[i].rec, c->res[j].lid))
				edge(p, i, nres + j);
	}
	for (size_t d = 2 * nres; d < p->n; d++) {
		const char *lid = p->v[d].rec->lid;

		for (size_t i = 0; i < nres; i++)
			if (rec_refers(p->v[i].rec, lid))
				edge(p, i, d);
		for (size_t e = 2 * nres; e < p->n; e++)
			if (e != d && rec_refers(p->v[e].rec, lid))
				edge(p, e, d);
	}
	if (plan_order(p, c, err) < 0) {
		plan_free(p);
		return -1;
	}
	/* Predictions, parents first. */
	for (size_t i = 0; i < p->n; i++)
		if (p->v[p->order[i]].kind == N_CONVERGE)
			predict(p, c, p->order[i], fid, obs, arg);
	return 0;
}

/* The plan as the reply's "plan": each step that does something, in order. */
void
plan_write(const struct plan *p, const struct comp *c, struct fg_jw *w)
{
	fg_jw_arr(w);
	for (size_t i = 0; i < p->n; i++) {
		const struct pnode *n = &p->v[p->order[i]];

		if (n->kind == N_RETIRE || n->act == PA_NONE)
			continue;
		fg_jw_obj(w);
		fg_jw_kstr(w, "action", pact_name(n->act));
		fg_jw_kstr(w, "logical_id", n->kind == N_DELETE ? n->rec->lid : c->res[n->res].lid);
		fg_jw_kstr(w, "type", n->kind == N_DELETE ? n->rec->type : c->res[n->res].pt->name);
		if (n->why != NULL)
			fg_jw_kstr(w, "changes", n->why);
		fg_jw_end_obj(w);
	}
	fg_jw_end_arr(w);
}
