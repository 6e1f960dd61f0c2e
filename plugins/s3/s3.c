/* s3.c: the S3 broker plugin. AWS.S3.Bucket over REST-XML:
 * create = CreateBucket (LocationConstraint, none for us-east-1; BucketAlreadyOwnedByYou counts
 * as created, which makes a retried create idempotent), then the settings that differ from a
 * new bucket's: PutBucketOwnershipControls, PutBucketAcl, PutBucketVersioning,
 * PutBucketTagging, PutBucketPolicy;
 * read = GetBucketLocation, GetBucketVersioning, GetBucketTagging, GetBucketPolicy,
 * GetBucketOwnershipControls, GetBucketAcl;
 * update = the same Put calls for the settings that differ from what was observed;
 * delete = DeleteBucket (a bucket that still holds objects is a conflict: Fugue never empties
 * one);
 * sweep = ListBuckets (one call for every bucket of the account: a managed bucket not listed
 * is deleted), then the reads of each managed bucket that is listed. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../util.h"

#define S3_NS "http://s3.amazonaws.com/doc/2006-03-01/"
#define ALL_USERS "http://acs.amazonaws.com/groups/global/AllUsers"
#define AUTH_USERS "http://acs.amazonaws.com/groups/global/AuthenticatedUsers"
#define DEFAULT_ACL "private"
#define DEFAULT_OWNERSHIP "BucketOwnerEnforced"

struct bsweep;

/* One chain of calls on one bucket. */
struct bop {
	struct preq r;
	char *bucket;
	const char *region;
	struct fugue_json *w; /* the observed bucket being written */
	size_t step;
	void (*done)(struct bop *, enum fugue_status, const char *observed, const char *msg);
	struct bsweep *sweep;
};

/* A sweep: the buckets listed, then one reader per managed bucket among them. */
struct bsweep {
	struct preq r;
	struct bop *readers;
	size_t n;
	struct plist listed;
	struct ptally tally;
};

static void read_next(struct bop *);
static void put_next(struct bop *);

/* Frees a chain's contents. */
static void
bop_clear(struct bop *b)
{
	if (b->w != NULL)
		b->r.h->j_free(b->w);
	free(b->bucket);
	b->w = NULL;
	b->bucket = NULL;
}

/* free_fn of an operation's chain. */
static void
bop_free(void *p)
{
	bop_clear(p);
	free(p);
}

/* A new S3 call on the chain's bucket. */
static struct fugue_call *
s3_call(struct bop *b, const char *method, const char *query)
{
	struct fugue_call *c = preq_call(&b->r, "s3", FUGUE_PROTO_REST_XML, NULL);

	b->r.h->call_rest(c, method, b->bucket, NULL, query);
	return c;
}

/* Ends the chain with the reply's error. */
static void
bop_fail(struct bop *b, const struct fugue_reply *rep, const char *what)
{
	char *msg = pfail(b->r.h, rep, what);

	b->done(b, b->r.h->r_status(rep), NULL, msg);
	free(msg);
}

/* The canned ACL that a bucket's grants amount to. */
static const char *
canned_acl(const struct fugue_host *h, const struct fugue_xml *acp)
{
	int all_read = 0, all_write = 0, auth_read = 0;
	const struct fugue_xml *g;

	for (g = h->x_find(acp, "AccessControlList/Grant"); g; g = h->x_next(g)) {
		const char *uri = h->x_text(g, "Grantee/URI"), *perm = h->x_text(g, "Permission");

		if (uri == NULL || perm == NULL)
			continue;
		if (strcmp(uri, ALL_USERS) == 0) {
			all_read |= strcmp(perm, "READ") == 0;
			all_write |= strcmp(perm, "WRITE") == 0;
		} else if (strcmp(uri, AUTH_USERS) == 0)
			auth_read |= strcmp(perm, "READ") == 0;
	}
	if (all_read && all_write)
		return "public-read-write";
	if (all_read)
		return "public-read";
	if (auth_read)
		return "authenticated-read";
	return "private";
}

/* --- reading a bucket: one call per setting, in the order of rsteps --- */

/* GetBucketLocation: starts the observed bucket with its name and region. */
static void
on_location(struct bop *b, const struct fugue_reply *rep)
{
	const struct fugue_host *h = b->r.h;
	const char *loc = h->x_text(h->r_xml(rep), "");

	if (loc == NULL || *loc == '\0')
		loc = "us-east-1";
	else if (strcmp(loc, "EU") == 0)
		loc = "eu-west-1";
	h->j_key(b->w, "Bucket");
	h->j_str(b->w, b->bucket);
	h->j_key(b->w, "Region");
	h->j_str(b->w, loc);
}

/* GetBucketVersioning: the status, absent for a bucket never versioned. */
static void
on_versioning(struct bop *b, const struct fugue_reply *rep)
{
	const struct fugue_host *h = b->r.h;
	const char *st = h->x_text(h->r_xml(rep), "Status");

	if (st == NULL || *st == '\0')
		return;
	h->j_key(b->w, "VersioningConfiguration");
	h->j_obj(b->w);
	h->j_key(b->w, "Status");
	h->j_str(b->w, st);
	h->j_end_obj(b->w);
}

/* GetBucketTagging: the tag set (NULL reply: NoSuchTagSet, none). */
static void
on_tagging(struct bop *b, const struct fugue_reply *rep)
{
	const struct fugue_host *h = b->r.h;
	const struct fugue_xml *t = rep ? h->x_find(h->r_xml(rep), "TagSet/Tag") : NULL;

	h->j_key(b->w, "Tags");
	h->j_arr(b->w);
	for (; t != NULL; t = h->x_next(t)) {
		const char *v = h->x_text(t, "Value");

		h->j_obj(b->w);
		h->j_key(b->w, "Key");
		h->j_str(b->w, h->x_text(t, "Key"));
		h->j_key(b->w, "Value");
		h->j_str(b->w, v ? v : "");
		h->j_end_obj(b->w);
	}
	h->j_end_arr(b->w);
}

/* GetBucketPolicy: the policy document as text. */
static void
on_policy(struct bop *b, const struct fugue_reply *rep)
{
	const struct fugue_host *h = b->r.h;
	size_t len;
	const char *body = h->r_body(rep, &len);
	struct pbuf p = { 0 };

	if (body == NULL || len == 0)
		return;
	pbuf_addf(&p, "%.*s", (int)len, body);
	h->j_key(b->w, "Policy");
	h->j_str(b->w, p.s);
	pbuf_free(&p);
}

/* GetBucketOwnershipControls: the object ownership rule. */
static void
on_ownership(struct bop *b, const struct fugue_reply *rep)
{
	const struct fugue_host *h = b->r.h;
	const char *o = h->x_text(h->r_xml(rep), "Rule/ObjectOwnership");

	if (o == NULL)
		return;
	h->j_key(b->w, "ObjectOwnership");
	h->j_str(b->w, o);
}

/* GetBucketAcl: the grants as a canned ACL. */
static void
on_acl(struct bop *b, const struct fugue_reply *rep)
{
	const struct fugue_host *h = b->r.h;

	h->j_key(b->w, "ACL");
	h->j_str(b->w, canned_acl(h, h->r_xml(rep)));
}

/* The reads of a bucket. absent: the error code that means "not set" (the handler then gets
 * a NULL reply, or nothing is written when it does not accept one). */
static const struct rstep {
	const char *query;
	const char *what;
	int raw;
	const char *absent;
	int null_ok;
	void (*fn)(struct bop *, const struct fugue_reply *);
} rsteps[] = {
	{ "location", "GetBucketLocation", 0, NULL, 0, on_location },
	{ "versioning", "GetBucketVersioning", 0, NULL, 0, on_versioning },
	{ "tagging", "GetBucketTagging", 0, "NoSuchTagSet", 1, on_tagging },
	{ "policy", "GetBucketPolicy", 1, "NoSuchBucketPolicy", 0, on_policy },
	{ "ownershipControls", "GetBucketOwnershipControls", 0, "OwnershipControlsNotFoundError",
	    0, on_ownership },
	{ "acl", "GetBucketAcl", 0, NULL, 0, on_acl },
};
#define NRSTEPS (sizeof(rsteps) / sizeof(rsteps[0]))

/* One read answered. */
static void
on_read(struct preq *r, const struct fugue_reply *rep)
{
	struct bop *b = (struct bop *)r;
	const struct rstep *s = &rsteps[b->step];
	const char *code = r->h->r_code(rep);

	if (r->h->r_status(rep) == FUGUE_OK)
		s->fn(b, rep);
	else if (code != NULL && strcmp(code, "NoSuchBucket") == 0) {
		b->done(b, FUGUE_E_NOT_FOUND, NULL, "the bucket does not exist");
		return;
	} else if (code != NULL && s->absent != NULL && strcmp(code, s->absent) == 0) {
		if (s->null_ok)
			s->fn(b, NULL);
	} else if (code == NULL || strcmp(code, "NotImplemented") != 0) {
		/* An S3-compatible store without the API reports the setting as unknown. */
		bop_fail(b, rep, s->what);
		return;
	}
	b->step++;
	read_next(b);
}

/* Sends the next read, or ends with the observed bucket. */
static void
read_next(struct bop *b)
{
	const struct fugue_host *h = b->r.h;
	struct fugue_call *c;
	char *arn;

	if (b->step == NRSTEPS) {
		arn = calloc(1, strlen(b->bucket) + sizeof("arn:aws:s3:::"));
		if (arn == NULL)
			abort();
		strcat(strcpy(arn, "arn:aws:s3:::"), b->bucket);
		h->j_key(b->w, "BucketArn");
		h->j_str(b->w, arn);
		free(arn);
		h->j_end_obj(b->w);
		b->done(b, FUGUE_OK, h->j_text(b->w), NULL);
		return;
	}
	c = s3_call(b, "GET", rsteps[b->step].query);
	h->call_read_only(c);
	if (rsteps[b->step].raw)
		h->call_raw_reply(c);
	preq_send(&b->r, c, on_read);
}

/* Starts reading the bucket. */
static void
read_start(struct bop *b)
{
	const struct fugue_host *h = b->r.h;

	if (b->w != NULL)
		h->j_free(b->w);
	b->w = h->j_new();
	h->j_obj(b->w);
	b->step = 0;
	read_next(b);
}

/* --- settings: Put calls for what differs from the observed (or a new) bucket --- */

/* The string at path of v, or dflt. */
static const char *
str_or(const struct fugue_host *h, const struct fugue_value *v, const char *path,
    const char *dflt)
{
	const char *s = v ? h->v_str(v, path) : NULL;

	return s ? s : dflt;
}

/* 1 when the desired and observed tag sets differ (aws: tags aside). */
static int
tags_differ(const struct fugue_host *h, const struct fugue_value *want,
    const struct fugue_value *have)
{
	size_t nw = h->v_len(want, ""), nh = h->v_len(have, ""), counted = 0;

	for (size_t i = 0; i < nw; i++) {
		const struct fugue_value *t = h->v_at(want, i);

		if (!ptag_has(h, have, h->v_str(t, "Key"), h->v_str(t, "Value")))
			return 1;
	}
	for (size_t i = 0; i < nh; i++) {
		const char *k = h->v_str(h->v_at(have, i), "Key");

		counted += k != NULL && strncmp(k, "aws:", 4) != 0;
	}
	return counted != nw;
}

/* The operation's desired and observed values. */
#define WANT(b) ((b)->r.h->op_desired((b)->r.op))
#define HAVE(b) ((b)->r.h->op_observed((b)->r.op))

/* PutBucketOwnershipControls when the rule differs. */
static struct fugue_call *
put_ownership(struct bop *b)
{
	const struct fugue_host *h = b->r.h;
	const char *want = str_or(h, WANT(b), "ObjectOwnership", DEFAULT_OWNERSHIP);
	struct fugue_call *c;
	struct pbuf p = { 0 };

	if (strcmp(want, str_or(h, HAVE(b), "ObjectOwnership", DEFAULT_OWNERSHIP)) == 0)
		return NULL;
	c = s3_call(b, "PUT", "ownershipControls");
	pbuf_add(&p, "<OwnershipControls xmlns=\"" S3_NS "\"><Rule><ObjectOwnership>");
	pbuf_xml(&p, want);
	pbuf_add(&p, "</ObjectOwnership></Rule></OwnershipControls>");
	h->call_header(c, "Content-Type", "application/xml");
	h->call_body(c, p.s, p.len);
	pbuf_free(&p);
	return c;
}

/* PutBucketAcl (canned, in x-amz-acl) when it differs. */
static struct fugue_call *
put_acl(struct bop *b)
{
	const struct fugue_host *h = b->r.h;
	const char *want = str_or(h, WANT(b), "ACL", DEFAULT_ACL);
	struct fugue_call *c;

	if (strcmp(want, str_or(h, HAVE(b), "ACL", DEFAULT_ACL)) == 0)
		return NULL;
	c = s3_call(b, "PUT", "acl");
	h->call_header(c, "x-amz-acl", want);
	return c;
}

/* PutBucketVersioning when a status is desired and differs. */
static struct fugue_call *
put_versioning(struct bop *b)
{
	const struct fugue_host *h = b->r.h;
	const char *want = str_or(h, WANT(b), "VersioningConfiguration/Status", NULL);
	const char *have = str_or(h, HAVE(b), "VersioningConfiguration/Status", NULL);
	struct fugue_call *c;
	struct pbuf p = { 0 };

	if (want == NULL || (have != NULL && strcmp(want, have) == 0))
		return NULL;
	c = s3_call(b, "PUT", "versioning");
	pbuf_add(&p, "<VersioningConfiguration xmlns=\"" S3_NS "\"><Status>");
	pbuf_xml(&p, want);
	pbuf_add(&p, "</Status></VersioningConfiguration>");
	h->call_header(c, "Content-Type", "application/xml");
	h->call_body(c, p.s, p.len);
	pbuf_free(&p);
	return c;
}

/* PutBucketTagging (DeleteBucketTagging for none) when the tag set differs. */
static struct fugue_call *
put_tagging(struct bop *b)
{
	const struct fugue_host *h = b->r.h;
	const struct fugue_value *want = h->v_get(WANT(b), "Tags");
	size_t n = h->v_len(want, "");
	struct fugue_call *c;
	struct pbuf p = { 0 };

	if (!tags_differ(h, want, h->v_get(HAVE(b), "Tags")))
		return NULL;
	if (n == 0)
		return s3_call(b, "DELETE", "tagging");
	c = s3_call(b, "PUT", "tagging");
	pbuf_add(&p, "<Tagging xmlns=\"" S3_NS "\"><TagSet>");
	for (size_t i = 0; i < n; i++) {
		const struct fugue_value *t = h->v_at(want, i);

		pbuf_add(&p, "<Tag><Key>");
		pbuf_xml(&p, str_or(h, t, "Key", ""));
		pbuf_add(&p, "</Key><Value>");
		pbuf_xml(&p, str_or(h, t, "Value", ""));
		pbuf_add(&p, "</Value></Tag>");
	}
	pbuf_add(&p, "</TagSet></Tagging>");
	h->call_header(c, "Content-Type", "application/xml");
	h->call_body(c, p.s, p.len);
	pbuf_free(&p);
	return c;
}

/* PutBucketPolicy when a policy is desired and its text differs. */
static struct fugue_call *
put_policy(struct bop *b)
{
	const struct fugue_host *h = b->r.h;
	const char *want = str_or(h, WANT(b), "Policy", NULL);
	const char *have = str_or(h, HAVE(b), "Policy", NULL);
	struct fugue_call *c;

	if (want == NULL || (have != NULL && strcmp(want, have) == 0))
		return NULL;
	c = s3_call(b, "PUT", "policy");
	h->call_header(c, "Content-Type", "application/json");
	h->call_body(c, want, strlen(want));
	return c;
}

/* The settings, in the order they must be applied (ownership before ACLs). */
static const struct pstep {
	const char *what;
	struct fugue_call *(*make)(struct bop *);
} psteps[] = {
	{ "PutBucketOwnershipControls", put_ownership },
	{ "PutBucketAcl", put_acl },
	{ "PutBucketVersioning", put_versioning },
	{ "PutBucketTagging", put_tagging },
	{ "PutBucketPolicy", put_policy },
};
#define NPSTEPS (sizeof(psteps) / sizeof(psteps[0]))

/* One setting applied. */
static void
on_put(struct preq *r, const struct fugue_reply *rep)
{
	struct bop *b = (struct bop *)r;

	if (r->h->r_status(rep) != FUGUE_OK) {
		bop_fail(b, rep, psteps[b->step].what);
		return;
	}
	b->step++;
	put_next(b);
}

/* Applies the next setting that differs; then reads the bucket back. */
static void
put_next(struct bop *b)
{
	for (; b->step < NPSTEPS; b->step++) {
		struct fugue_call *c = psteps[b->step].make(b);

		if (c != NULL) {
			preq_send(&b->r, c, on_put);
			return;
		}
	}
	read_start(b);
}

/* --- operations --- */

/* An operation's chain ended: so does the operation. */
static void
op_chain_done(struct bop *b, enum fugue_status st, const char *observed, const char *msg)
{
	b->r.h->op_done(b->r.op, st, observed, msg);
}

/* A chain for an operation on the bucket named by the physical id or the desired Bucket. */
static struct bop *
op_chain(const struct fugue_host *h, struct fugue_op *op)
{
	struct bop *b = calloc(1, sizeof(*b));
	const char *name = h->op_physical_id(op);

	if (b == NULL)
		abort();
	preq_init(&b->r, h, op, NULL);
	b->bucket = pdup(name ? name : h->v_str(h->op_desired(op), "Bucket"));
	b->region = h->op_region(op);
	b->done = op_chain_done;
	h->op_set_data(op, b, bop_free);
	return b;
}

/* CreateBucket answered: apply the settings. */
static void
on_created(struct preq *r, const struct fugue_reply *rep)
{
	struct bop *b = (struct bop *)r;
	const char *code = r->h->r_code(rep);

	if (r->h->r_status(rep) != FUGUE_OK &&
	    (code == NULL || strcmp(code, "BucketAlreadyOwnedByYou") != 0)) {
		bop_fail(b, rep, "CreateBucket");
		return;
	}
	r->h->op_set_physical_id(r->op, b->bucket);
	b->step = 0;
	put_next(b);
}

/* create: CreateBucket in the desired region, then the settings. */
static void
bucket_create(const struct fugue_host *h, struct fugue_op *op)
{
	struct bop *b = op_chain(h, op);
	struct fugue_call *c;
	struct pbuf p = { 0 };

	if (b->bucket == NULL) {
		h->op_done(op, FUGUE_E_INVALID, NULL, "no Bucket name");
		return;
	}
	c = s3_call(b, "PUT", NULL);
	if (b->region != NULL && strcmp(b->region, "us-east-1") != 0) {
		pbuf_add(&p, "<CreateBucketConfiguration xmlns=\"" S3_NS "\"><LocationConstraint>");
		pbuf_xml(&p, b->region);
		pbuf_add(&p, "</LocationConstraint></CreateBucketConfiguration>");
		h->call_header(c, "Content-Type", "application/xml");
		h->call_body(c, p.s, p.len);
		pbuf_free(&p);
	}
	preq_send(&b->r, c, on_created);
}

/* A read by the desired name (the Conductor lost the physical id) ended: when the bucket
 * exists, its name is the physical id. */
static void
read_by_name_done(struct bop *b, enum fugue_status st, const char *observed, const char *msg)
{
	if (st == FUGUE_OK)
		b->r.h->op_set_physical_id(b->r.op, b->bucket);
	op_chain_done(b, st, observed, msg);
}

/* read: every setting of the bucket. */
static void
bucket_read(const struct fugue_host *h, struct fugue_op *op)
{
	struct bop *b = op_chain(h, op);

	if (b->bucket == NULL) {
		h->op_done(op, FUGUE_E_NOT_FOUND, NULL, "no bucket name");
		return;
	}
	if (h->op_physical_id(op) == NULL)
		b->done = read_by_name_done;
	read_start(b);
}

/* update: the settings that differ. */
static void
bucket_update(const struct fugue_host *h, struct fugue_op *op)
{
	struct bop *b = op_chain(h, op);

	if (b->bucket == NULL) {
		h->op_done(op, FUGUE_E_NOT_FOUND, NULL, "no bucket name");
		return;
	}
	b->step = 0;
	put_next(b);
}

/* DeleteBucket answered. */
static void
on_deleted(struct preq *r, const struct fugue_reply *rep)
{
	struct bop *b = (struct bop *)r;
	enum fugue_status st = r->h->r_status(rep);

	if (st != FUGUE_OK && st != FUGUE_E_NOT_FOUND) {
		bop_fail(b, rep, "DeleteBucket");
		return;
	}
	r->h->op_done(r->op, FUGUE_OK, NULL, NULL);
}

/* delete: DeleteBucket. */
static void
bucket_delete(const struct fugue_host *h, struct fugue_op *op)
{
	struct bop *b = op_chain(h, op);

	if (b->bucket == NULL) {
		h->op_done(op, FUGUE_OK, NULL, NULL);
		return;
	}
	preq_send(&b->r, s3_call(b, "DELETE", NULL), on_deleted);
}

/* --- sweep --- */

/* free_fn of a sweep. */
static void
bsweep_free(void *p)
{
	struct bsweep *s = p;

	for (size_t i = 0; i < s->n; i++)
		bop_clear(&s->readers[i]);
	plist_clear(&s->listed);
	ptally_clear(&s->tally);
	free(s->readers);
	free(s);
}

/* One bucket of the sweep was read. */
static void
sweep_read_done(struct bop *b, enum fugue_status st, const char *observed, const char *msg)
{
	ptally_read(&b->sweep->tally, b->bucket, st, observed, msg);
}

/* ListBuckets answered: read each managed bucket that is listed. */
static void
on_list(struct preq *r, const struct fugue_reply *rep)
{
	struct bsweep *s = (struct bsweep *)r;
	const struct fugue_host *h = r->h;
	struct fugue_sweep *sw = r->sw;
	const struct fugue_xml *x;
	size_t n = h->sweep_count(sw);
	char *msg;

	if (h->r_status(rep) != FUGUE_OK) {
		msg = pfail(h, rep, "ListBuckets");
		h->sweep_done(sw, h->r_status(rep), msg);
		free(msg);
		return;
	}
	for (x = h->x_find(h->r_xml(rep), "Buckets/Bucket"); x; x = h->x_next(x)) {
		const char *name = h->x_text(x, "Name");

		if (name != NULL)
			plist_add(&s->listed, name);
	}
	s->readers = calloc(n ? n : 1, sizeof(struct bop));
	if (s->readers == NULL)
		abort();
	for (size_t i = 0; i < n; i++)
		if (plist_has(&s->listed, h->sweep_physical_id(sw, i))) {
			struct bop *b = &s->readers[s->n++];

			preq_init(&b->r, h, NULL, sw);
			b->bucket = pdup(h->sweep_physical_id(sw, i));
			b->region = h->sweep_region(sw);
			b->done = sweep_read_done;
			b->sweep = s;
		}
	if (ptally_start(&s->tally, h, sw, s->n))
		for (size_t i = 0; i < s->n; i++)
			read_start(&s->readers[i]);
}

/* sweep: ListBuckets, then the reads of the managed buckets it lists. */
static void
bucket_sweep(const struct fugue_host *h, struct fugue_sweep *sw)
{
	struct bsweep *s = calloc(1, sizeof(*s));
	struct fugue_call *c;

	if (s == NULL)
		abort();
	preq_init(&s->r, h, NULL, sw);
	h->sweep_set_data(sw, s, bsweep_free);
	c = preq_call(&s->r, "s3", FUGUE_PROTO_REST_XML, NULL);
	h->call_rest(c, "GET", NULL, NULL, NULL);
	h->call_read_only(c);
	preq_send(&s->r, c, on_list);
}

static const struct fugue_type types[] = {
	{
		.name = "AWS.S3.Bucket",
		.create = bucket_create,
		.read = bucket_read,
		.update = bucket_update,
		.delete = bucket_delete,
		.sweep = bucket_sweep,
	},
};

const struct fugue_broker s3_LTX_fugue_broker = {
	.abi_major = FUGUE_BROKER_ABI_MAJOR,
	.abi_minor = FUGUE_BROKER_ABI_MINOR,
	.name = "s3",
	.description = "Amazon S3 buckets",
	.types = types,
	.ntypes = sizeof(types) / sizeof(types[0]),
};
