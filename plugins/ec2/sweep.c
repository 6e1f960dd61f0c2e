/* sweep.c: the EC2 plugin's batched sweep. One paginated Describe (MaxResults 1000, or the
 * type's largest, and NextToken) filtered on tag-key fugue:fid lists every resource of the
 * type in the region that any Fugue process manages; each managed one it lists is observed
 * from its item. Managed ids the tagged pass did not list (their fugue:fid tag removed by
 * hand) are described by their id filter, 200 ids to a call, so that only a resource EC2
 * really lacks is taken as deleted. A kind with a complete hook (a VPC's DNS attributes)
 * reads on for each resource found. */
#include <stdlib.h>
#include <string.h>

#include "ec2.h"

#define PAGE_SIZE "1000"
#define IDS_PER_CALL 200

/* One managed resource of the sweep. */
struct managed {
	const char *id;
	int seen; /* listed by a describe (reported, or gone when not live) */
};

struct esweep {
	struct echain lister;
	const struct ekind *k;
	struct managed *m; /* sorted by id */
	size_t n;
	const char **ask; /* the id pass: ids still unseen */
	size_t nask, asked;
	size_t batch;        /* ids in the id pass's current call */
	char *token;         /* NextToken of the current describe */
	struct echain **readers; /* complete hooks in progress */
	size_t nreaders;
	struct ptally tally;
};

/* free_fn of the sweep. */
static void
esweep_free(void *p)
{
	struct esweep *s = p;

	for (size_t i = 0; i < s->nreaders; i++)
		ec2_chain_free(s->readers[i]);
	free(s->readers);
	free(s->m);
	free(s->ask);
	free(s->token);
	ptally_clear(&s->tally);
	free(s);
}

/* Orders managed resources by id. */
static int
managed_cmp(const void *a, const void *b)
{
	return strcmp(((const struct managed *)a)->id, ((const struct managed *)b)->id);
}

/* The managed resource with id, or NULL. */
static struct managed *
managed_find(struct esweep *s, const char *id)
{
	struct managed key = { id, 0 };

	if (id == NULL)
		return NULL;
	return bsearch(&key, s->m, s->n, sizeof(*s->m), managed_cmp);
}

/* A complete hook ended for one resource. */
static void
reader_done(struct echain *e, enum fugue_status st, const char *observed, const char *msg)
{
	ptally_read(&e->sweep->tally, e->id, st, observed, msg);
}

/* Observes one listed item of a managed resource. */
static void
found(struct esweep *s, struct managed *m, const struct fugue_xml *item)
{
	const struct fugue_host *h = s->lister.r.h;
	struct fugue_json *w = NULL;
	struct echain *e;

	m->seen = 1;
	if (s->k->live != NULL && !s->k->live(h, item))
		return;
	ec2_observe(h, s->k, &w, item, h->sweep_region(s->lister.r.sw));
	if (s->k->complete == NULL) {
		h->j_end_obj(w);
		h->sweep_found(s->lister.r.sw, m->id, h->j_text(w));
		h->j_free(w);
		return;
	}
	e = calloc(1, sizeof(*e));
	s->readers = realloc(s->readers, (s->nreaders + 1) * sizeof(*s->readers));
	if (e == NULL || s->readers == NULL)
		abort();
	s->readers[s->nreaders++] = e;
	preq_init(&e->r, h, NULL, s->lister.r.sw);
	e->k = s->k;
	e->id = pdup(m->id);
	e->w = w;
	e->sweep = s;
	e->done = reader_done;
}

/* Every describe is in: run the complete hooks, or end. */
static void
listed_all(struct esweep *s)
{
	if (ptally_start(&s->tally, s->lister.r.h, s->lister.r.sw, s->nreaders))
		for (size_t i = 0; i < s->nreaders; i++)
			s->k->complete(s->readers[i]);
}

static void describe_page(struct esweep *);

/* Starts the id pass's next call, or ends the listing. */
static void
next_ids(struct esweep *s)
{
	s->asked += s->batch;
	s->batch = 0;
	free(s->token);
	s->token = NULL;
	if (s->asked >= s->nask) {
		listed_all(s);
		return;
	}
	s->batch = s->nask - s->asked < IDS_PER_CALL ? s->nask - s->asked : IDS_PER_CALL;
	describe_page(s);
}

/* The tagged pass is over: gather the managed ids it did not list. */
static void
tagged_done(struct esweep *s)
{
	s->ask = calloc(s->n ? s->n : 1, sizeof(*s->ask));
	if (s->ask == NULL)
		abort();
	for (size_t i = 0; i < s->n; i++)
		if (!s->m[i].seen)
			s->ask[s->nask++] = s->m[i].id;
	if (s->nask > 0)
		s->lister.r.h->sweep_log(s->lister.r.sw, FUGUE_LOG_DEBUG,
		    "%zu managed %s not tagged fugue:fid: described by id", s->nask, s->k->type);
	next_ids(s);
}

/* A page of a describe answered. */
static void
on_page(struct echain *lister, const struct fugue_reply *rep)
{
	struct esweep *s = lister->sweep;
	const struct fugue_host *h = lister->r.h;
	const struct fugue_xml *root = h->r_xml(rep), *x, *y;
	const char *next;

	if (h->r_status(rep) != FUGUE_OK) {
		ec2_fail(lister, rep, s->k->describe);
		return;
	}
	for (x = h->x_find(root, s->k->set); x != NULL; x = h->x_next(x)) {
		y = s->k->inner ? h->x_find(x, s->k->inner) : x;
		for (; y != NULL; y = s->k->inner ? h->x_next(y) : NULL) {
			struct managed *m = managed_find(s, h->x_text(y, s->k->id_field));

			if (m != NULL && !m->seen)
				found(s, m, y);
		}
	}
	next = h->x_text(root, "nextToken");
	free(s->token);
	s->token = next != NULL && *next != '\0' ? pdup(next) : NULL;
	if (s->token != NULL)
		describe_page(s);
	else if (s->ask == NULL)
		tagged_done(s);
	else
		next_ids(s);
}

/* Asks for a page of the current pass. */
static void
describe_page(struct esweep *s)
{
	const struct fugue_host *h = s->lister.r.h;
	struct fugue_call *c = ec2_call(&s->lister, s->k->describe);

	if (s->ask == NULL) {
		ec2_filter(h, c, 1, "tag-key", "fugue:fid");
	} else {
		ec2_paramf(h, c, s->k->id_filter, "Filter.1.Name");
		for (size_t i = 0; i < s->batch; i++)
			ec2_paramf(h, c, s->ask[s->asked + i], "Filter.1.Value.%zu", i + 1);
	}
	h->call_param(c, "MaxResults", s->k->max_results ? s->k->max_results : PAGE_SIZE);
	if (s->token != NULL)
		h->call_param(c, "NextToken", s->token);
	h->call_read_only(c);
	ec2_send(&s->lister, c, on_page);
}

/* The listing failed: nothing is concluded. */
static void
lister_failed(struct echain *e, enum fugue_status st, const char *observed, const char *msg)
{
	(void)observed;
	e->r.h->sweep_done(e->r.sw, st, msg);
}

/* The batched sweep of kind k. */
void
ec2_op_sweep(const struct fugue_host *h, struct fugue_sweep *sw, const struct ekind *k)
{
	struct esweep *s = calloc(1, sizeof(*s));
	size_t n = h->sweep_count(sw);

	if (s == NULL)
		abort();
	h->sweep_set_data(sw, s, esweep_free);
	preq_init(&s->lister.r, h, NULL, sw);
	s->lister.k = k;
	s->lister.sweep = s;
	s->lister.done = lister_failed;
	s->k = k;
	s->m = calloc(n ? n : 1, sizeof(*s->m));
	if (s->m == NULL)
		abort();
	for (size_t i = 0; i < n; i++) {
		const char *id = h->sweep_physical_id(sw, i);

		if (id != NULL)
			s->m[s->n++].id = id;
	}
	if (s->n == 0) {
		h->sweep_done(sw, FUGUE_OK, NULL);
		return;
	}
	qsort(s->m, s->n, sizeof(*s->m), managed_cmp);
	describe_page(s);
}
