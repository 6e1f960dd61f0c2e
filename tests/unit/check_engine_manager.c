/* check_engine_manager.c: the Manager (compositions, references, plans) and the comparison of
 * desired with observed properties, on the real schemas of AWS.SQS.Queue and AWS.S3.Bucket. */
#include "config.h"

#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "engine_int.h"

static struct plugins *ps;
static const struct fugue_type queue_type = { .name = "AWS.SQS.Queue" };
static const struct fugue_type bucket_type = { .name = "AWS.S3.Bucket" };
static const struct fugue_type instance_type = { .name = "AWS.EC2.Instance" };

/* Parses JSON text or fails the test. */
static fg_json
J(const char *text)
{
	char *err = NULL;
	fg_json v = fg_json_parse(text, strlen(text), &err);

	ck_assert_msg(v != NULL, "%s: %s", text, err);
	return v;
}

/* Reads a schema of the source tree. */
static fg_json
schema(const char *rel)
{
	char *path = fg_printf("%s/../../plugins/%s", TESTS_SRCDIR, rel);
	FILE *f = fopen(path, "rb");
	char buf[65536];
	size_t n;

	ck_assert_msg(f != NULL, "%s", path);
	n = fread(buf, 1, sizeof(buf) - 1, f);
	fclose(f);
	buf[n] = '\0';
	free(path);
	return J(buf);
}

/* The types, loaded once per test. */
static void
setup(void)
{
	char *err = NULL;

	ps = plugins_new();
	ck_assert_int_eq(plugins_add_type(ps, "sqs", &queue_type, schema("sqs/schemas/Queue.json"),
	    &err), 0);
	ck_assert_int_eq(plugins_add_type(ps, "s3", &bucket_type, schema("s3/schemas/Bucket.json"),
	    &err), 0);
	ck_assert_int_eq(plugins_add_type(ps, "ec2", &instance_type,
	    schema("ec2/schemas/Instance.json"), &err), 0);
}

/* Frees the types. */
static void
teardown(void)
{
	plugins_free(ps);
}

/* A composition of resources given as JSON text. */
static struct comp *
comp_of(const char *resources, char **err)
{
	char *text = fg_printf("{\"version\": 1, \"externals\": [], \"resources\": [%s]}",
	    resources);
	fg_json v = J(text);
	struct comp *c = comp_new(ps, v, err);

	fg_json_free(v);
	free(text);
	return c;
}

/* A queue resource. */
static char *
queue(const char *lid, const char *extra, const char *deps)
{
	return fg_printf("{\"id\": \"%s\", \"type\": \"AWS.SQS.Queue\", \"dependsOn\": [%s], "
	    "\"properties\": {\"QueueName\": \"%s\", \"Region\": \"us-east-1\"%s%s}}", lid,
	    deps ? deps : "", lid, extra ? ", " : "", extra ? extra : "");
}

/* A record as a job would have it after observing the resource. */
static struct rrec *
record(const char *lid, const char *type, const char *observed, const char *deps)
{
	struct rrec *r = rrec_new("fid-1", lid, type, "123456789012");
	char *err = NULL;

	rrec_set(&r->physical, lid);
	r->status = RS_READY;
	if (observed != NULL)
		ck_assert_msg(rrec_set_observed(r, observed, &err) == 0, "%s", err);
	if (deps != NULL) {
		r->deps = fg_calloc(1, sizeof(char *));
		r->deps[0] = fg_strdup(deps);
		r->ndeps = 1;
	}
	return r;
}

/* The observed queue matching queue(lid, NULL, NULL) with the defaults AWS reports (and an
 * AWS tag), plus extra members; tags replaces the tag list when not NULL. */
static char *
queue_obs_tags(const char *lid, const char *extra, const char *tags)
{
	char *dflt = fg_printf("[{\"Key\": \"aws:cloudformation:x\", \"Value\": \"y\"}, "
	    "{\"Key\": \"fugue:id\", \"Value\": \"%s\"}, {\"Key\": \"fugue:fid\", \"Value\": "
	    "\"fid-1\"}]", lid);
	char *s = fg_printf("{\"QueueName\": \"%s\", \"Region\": \"us-east-1\", \"DelaySeconds\": "
	    "0, \"MaximumMessageSize\": 1048576, \"MessageRetentionPeriod\": 345600, "
	    "\"VisibilityTimeout\": 30, \"ReceiveMessageWaitTimeSeconds\": 0, "
	    "\"QueueUrl\": \"http://q/%s\", \"QueueArn\": \"arn:aws:sqs:us-east-1:123456789012:%s\", "
	    "\"Tags\": %s%s%s}", lid, lid, lid, tags ? tags : dflt, extra ? ", " : "",
	    extra ? extra : "");

	free(dflt);
	return s;
}

/* The same with the default tags. */
static char *
queue_obs(const char *lid, const char *extra)
{
	return queue_obs_tags(lid, extra, NULL);
}

/* References resolve to what records observed. */
struct world {
	struct rrec **recs;
	size_t n;
};

/* ref_fn over a world's records. */
static fg_json
world_ref(void *arg, const char *lid, const char *attr)
{
	struct world *w = arg;

	for (size_t i = 0; i < w->n; i++)
		if (strcmp(w->recs[i]->lid, lid) == 0)
			return fg_json_get(rrec_obs(w->recs[i]), attr);
	return NULL;
}

/* The plan as compact JSON text (caller frees). */
static char *
plan_text(const struct plan *p, const struct comp *c)
{
	struct fg_jw w;
	char *text;

	fg_jw_init(&w, 0);
	plan_write(p, c, &w);
	text = fg_jw_detach(&w);
	fg_jw_free(&w);
	return text;
}

/* The position of step kind/lid in the plan's order. */
static size_t
pos(const struct plan *p, const struct comp *c, enum nkind kind, const char *lid)
{
	for (size_t i = 0; i < p->n; i++) {
		const struct pnode *n = &p->v[p->order[i]];
		const char *l = n->res >= 0 ? c->res[n->res].lid : n->rec->lid;

		if (n->kind == kind && strcmp(l, lid) == 0)
			return i;
	}
	ck_abort_msg("no step %d for %s", kind, lid);
	return 0;
}

START_TEST(test_comp_errors)
{
	char *err = NULL, *a = queue("a", "\"VisibilityTimeout\": {\"ref\": \"b\", \"attr\": \"X\"}",
	    "\"b\""), *b = queue("b", "\"DelaySeconds\": {\"ref\": \"a\", \"attr\": \"Y\"}", "\"a\"");
	char *both = fg_printf("%s, %s", a, b), *ghost = queue("g", "\"Policy\": {\"attr\": "
	    "\"QueueArn\", \"ref\": \"nowhere\"}", NULL), *twice = fg_printf("%s, %s", a, a);
	struct comp *c;
	fg_json v;

	ck_assert_ptr_null(comp_of(both, &err));
	ck_assert_str_eq(err, "the references form a cycle: a -> b -> a");
	free(err);
	ck_assert_ptr_null(comp_of(ghost, &err));
	ck_assert_str_eq(err, "resource g refers to nowhere, which the composition does not define");
	free(err);
	ck_assert_ptr_null(comp_of(twice, &err));
	ck_assert_str_eq(err, "logical id a is defined twice");
	free(err);
	ck_assert_ptr_null(comp_of("{\"id\": \"x\", \"type\": \"AWS.EC2.Nope\", \"properties\": {}}",
	    &err));
	ck_assert_str_eq(err, "resource x: no plugin provides type AWS.EC2.Nope");
	free(err);
	ck_assert_ptr_null(comp_of("{\"id\": \"x\", \"type\": \"AWS.SQS.Queue\", \"properties\": "
	    "{\"QueueName\": \"x\"}}", &err));
	ck_assert_str_eq(err, "resource x: AWS.SQS.Queue needs a literal Region");
	free(err);
	v = J("{\"version\": 2, \"resources\": []}");
	ck_assert_ptr_null(comp_new(ps, v, &err));
	ck_assert_ptr_nonnull(strstr(err, "\"version\" 1"));
	free(err);
	fg_json_free(v);
	/* A self-reference is a cycle too. */
	free(a);
	a = queue("a", "\"VisibilityTimeout\": {\"ref\": \"a\", \"attr\": \"X\"}", NULL);
	ck_assert_ptr_null(comp_of(a, &err));
	ck_assert_str_eq(err, "the references form a cycle: a -> a");
	free(err);
	/* Externals satisfy references. */
	v = J("{\"version\": 1, \"externals\": [{\"id\": \"ext\", \"type\": \"AWS.SQS.Queue\", "
	    "\"physicalId\": \"http://q/ext\"}], \"resources\": [{\"id\": \"q\", \"type\": "
	    "\"AWS.SQS.Queue\", \"properties\": {\"QueueName\": \"q\", \"Region\": \"us-east-1\", "
	    "\"RedrivePolicy\": {\"deadLetterTargetArn\": {\"ref\": \"ext\", \"attr\": "
	    "\"QueueArn\"}, \"maxReceiveCount\": 3}}}]}");
	c = comp_new(ps, v, &err);
	ck_assert_msg(c != NULL, "%s", err);
	ck_assert_int_eq(c->res[0].ndeps, 0);
	ck_assert_int_eq(c->res[0].nrefs, 1);
	ck_assert_str_eq(comp_external(c, "ext")->physical, "http://q/ext");
	comp_free(c);
	fg_json_free(v);
	free(a);
	free(b);
	free(both);
	free(ghost);
	free(twice);
}
END_TEST

START_TEST(test_refs_fill)
{
	fg_json props = J("{\"A\": {\"ref\": \"dlq\", \"attr\": \"QueueArn\"}, \"B\": [1, {\"x\": "
	    "{\"attr\": \"QueueUrl\", \"ref\": \"dlq\"}}], \"C\": {\"ref\": \"dlq\", \"attr\": "
	    "\"QueueArn\", \"extra\": 1}}");
	char *obs = queue_obs("dlq", NULL), *missing = NULL;
	struct rrec *r = record("dlq", "AWS.SQS.Queue", obs, NULL);
	struct world w = { &r, 1 };
	fg_json filled = refs_fill(props, world_ref, &w, &missing);
	struct fg_jw jw;

	ck_assert_ptr_nonnull(filled);
	fg_jw_init(&jw, 0);
	fg_jw_value(&jw, filled);
	/* An object with more members than ref and attr is a value, not a reference. */
	ck_assert_str_eq(fg_jw_text(&jw), "{\"A\":\"arn:aws:sqs:us-east-1:123456789012:dlq\","
	    "\"B\":[1,{\"x\":\"http://q/dlq\"}],\"C\":{\"ref\":\"dlq\",\"attr\":\"QueueArn\","
	    "\"extra\":1}}");
	fg_jw_free(&jw);
	fg_json_free(filled);
	/* Unknown attribute: NULL and which one. */
	fg_json_free(props);
	props = J("{\"A\": {\"ref\": \"dlq\", \"attr\": \"Nope\"}}");
	ck_assert_ptr_null(refs_fill(props, world_ref, &w, &missing));
	ck_assert_str_eq(missing, "dlq.Nope");
	free(missing);
	fg_json_free(props);
	rrec_free(r);
	free(obs);
}
END_TEST

START_TEST(test_plan_create_order)
{
	char *dlq = queue("dlq", NULL, NULL), *src = queue("src", "\"RedrivePolicy\": "
	    "{\"deadLetterTargetArn\": {\"ref\": \"dlq\", \"attr\": \"QueueArn\"}, "
	    "\"maxReceiveCount\": 5}", "\"dlq\""), *solo = queue("solo", NULL, NULL);
	char *all = fg_printf("%s, %s, %s", src, solo, dlq), *err = NULL, *text;
	struct comp *c = comp_of(all, &err);
	struct world w = { NULL, 0 };
	struct plan p;

	ck_assert_msg(c != NULL, "%s", err);
	ck_assert_int_eq(plan_build(&p, c, NULL, 0, "fid-1", world_ref, &w, &err), 0);
	/* Parents first, whatever the composition's order. */
	ck_assert_uint_lt(pos(&p, c, N_CONVERGE, "dlq"), pos(&p, c, N_CONVERGE, "src"));
	ck_assert_uint_lt(pos(&p, c, N_CONVERGE, "src"), pos(&p, c, N_RETIRE, "dlq"));
	text = plan_text(&p, c);
	ck_assert_ptr_nonnull(strstr(text, "{\"action\":\"create\",\"logical_id\":\"dlq\","
	    "\"type\":\"AWS.SQS.Queue\"}"));
	ck_assert_ptr_nonnull(strstr(text, "\"logical_id\":\"src\""));
	ck_assert_ptr_nonnull(strstr(text, "\"logical_id\":\"solo\""));
	ck_assert_ptr_null(strstr(text, "retire"));
	/* Independent resources wait for nothing: they all start at once. */
	ck_assert_uint_eq(p.v[comp_find(c, "solo")].nwait, 0);
	ck_assert_uint_eq(p.v[comp_find(c, "dlq")].nwait, 0);
	ck_assert_uint_eq(p.v[comp_find(c, "src")].nwait, 1);
	free(text);
	plan_free(&p);
	comp_free(c);
	free(dlq);
	free(src);
	free(solo);
	free(all);
}
END_TEST

/* Plans one queue against one observed record; returns the action and the changes. */
static enum pact
plan_one_tags(const char *extra, const char *observed_extra, const char *tags, char **why)
{
	char *q = queue("q", extra, NULL), *err = NULL;
	char *obs = queue_obs_tags("q", observed_extra, tags);
	struct comp *c = comp_of(q, &err);
	struct rrec *r = record("q", "AWS.SQS.Queue", obs, NULL);
	struct world w = { &r, 1 };
	struct plan p;
	enum pact a;

	ck_assert_msg(c != NULL, "%s", err);
	ck_assert_int_eq(plan_build(&p, c, &r, 1, "fid-1", world_ref, &w, &err), 0);
	a = p.v[0].act;
	*why = p.v[0].why ? fg_strdup(p.v[0].why) : NULL;
	plan_free(&p);
	comp_free(c);
	rrec_free(r);
	free(q);
	free(obs);
	return a;
}

/* The same with the default observed tags. */
static enum pact
plan_one(const char *extra, const char *observed_extra, char **why)
{
	return plan_one_tags(extra, observed_extra, NULL, why);
}

START_TEST(test_plan_update_replace)
{
	char *why = NULL;

	/* Nothing differs: AWS's own tags and the defaults it reports do not count. */
	ck_assert_int_eq(plan_one(NULL, NULL, &why), PA_NONE);
	ck_assert_ptr_null(why);
	ck_assert_int_eq(plan_one("\"VisibilityTimeout\": 60", NULL, &why), PA_UPDATE);
	ck_assert_str_eq(why, "VisibilityTimeout");
	free(why);
	/* FifoQueue cannot change in place. */
	ck_assert_int_eq(plan_one("\"FifoQueue\": true", NULL, &why), PA_REPLACE);
	ck_assert_str_eq(why, "FifoQueue");
	free(why);
	/* Tags are a set, compared with the fugue: tags Fugue adds. */
	ck_assert_int_eq(plan_one("\"Tags\": [{\"Key\": \"team\", \"Value\": \"a\"}]",
	    NULL, &why), PA_UPDATE);
	ck_assert_str_eq(why, "Tags");
	free(why);
	ck_assert_int_eq(plan_one_tags("\"Tags\": [{\"Key\": \"team\", \"Value\": \"a\"}]", NULL,
	    "[{\"Key\": \"fugue:fid\", \"Value\": \"fid-1\"}, {\"Key\": \"team\", "
	    "\"Value\": \"a\"}, {\"Key\": \"fugue:id\", \"Value\": \"q\"}]", &why), PA_NONE);
	/* Someone removed Fugue's own tag: put back. */
	ck_assert_int_eq(plan_one_tags(NULL, NULL, "[{\"Key\": \"fugue:fid\", \"Value\": "
	    "\"fid-1\"}]", &why), PA_UPDATE);
	ck_assert_str_eq(why, "Tags");
	free(why);
	/* A policy document compares parsed. */
	ck_assert_int_eq(plan_one("\"Policy\": \"{\\\"a\\\": 1, \\\"b\\\": [2]}\"",
	    "\"Policy\": \"{\\\"b\\\":[2],\\\"a\\\":1}\"", &why), PA_NONE);
	ck_assert_int_eq(plan_one("\"Policy\": \"{\\\"a\\\": 1}\"", NULL, &why), PA_UPDATE);
	free(why);
	/* A property without a default that the composition omits is not managed. */
	ck_assert_int_eq(plan_one(NULL, "\"Policy\": \"{}\"", &why), PA_NONE);
}
END_TEST

START_TEST(test_plan_default_drift)
{
	/* Omitted DelaySeconds is managed at its default 0: an observed 5 is drift. */
	char *q = queue("q", NULL, NULL), *err = NULL;
	struct comp *c = comp_of(q, &err);
	struct rrec *r = record("q", "AWS.SQS.Queue", "{\"QueueName\": \"q\", \"Region\": "
	    "\"us-east-1\", \"DelaySeconds\": 5, \"Tags\": [{\"Key\": \"fugue:fid\", \"Value\": "
	    "\"fid-1\"}, {\"Key\": \"fugue:id\", \"Value\": \"q\"}]}", NULL);
	struct world w = { &r, 1 };
	struct plan p;

	ck_assert_int_eq(plan_build(&p, c, &r, 1, "fid-1", world_ref, &w, &err), 0);
	ck_assert_int_eq(p.v[0].act, PA_UPDATE);
	ck_assert_str_eq(p.v[0].why, "DelaySeconds");
	plan_free(&p);
	comp_free(c);
	rrec_free(r);
	free(q);
}
END_TEST

START_TEST(test_plan_replace_dependents)
{
	char *dlq = queue("dlq", "\"FifoQueue\": true", NULL), *src = queue("src",
	    "\"RedrivePolicy\": {\"deadLetterTargetArn\": {\"ref\": \"dlq\", \"attr\": "
	    "\"QueueArn\"}, \"maxReceiveCount\": 5}", "\"dlq\"");
	char *all = fg_printf("%s, %s", dlq, src), *err = NULL, *o1 = queue_obs("dlq", NULL);
	char *o2 = queue_obs("src", "\"RedrivePolicy\": {\"deadLetterTargetArn\": "
	    "\"arn:aws:sqs:us-east-1:123456789012:dlq\", \"maxReceiveCount\": 5}");
	struct comp *c = comp_of(all, &err);
	struct rrec *recs[2] = { record("dlq", "AWS.SQS.Queue", o1, NULL),
		record("src", "AWS.SQS.Queue", o2, "dlq") };
	struct world w = { recs, 2 };
	struct plan p;
	char *text;

	ck_assert_int_eq(plan_build(&p, c, recs, 2, "fid-1", world_ref, &w, &err), 0);
	/* The DLQ is replaced: its ARN changes, so the source queue's redrive is updated, and
	 * the old DLQ goes only after that. */
	ck_assert_int_eq(p.v[comp_find(c, "dlq")].act, PA_REPLACE);
	ck_assert_int_eq(p.v[comp_find(c, "src")].act, PA_UPDATE);
	ck_assert_str_eq(p.v[comp_find(c, "src")].why, "RedrivePolicy");
	ck_assert_uint_lt(pos(&p, c, N_CONVERGE, "dlq"), pos(&p, c, N_CONVERGE, "src"));
	ck_assert_uint_lt(pos(&p, c, N_CONVERGE, "src"), pos(&p, c, N_RETIRE, "dlq"));
	text = plan_text(&p, c);
	ck_assert_str_eq(text, "[{\"action\":\"replace\",\"logical_id\":\"dlq\",\"type\":"
	    "\"AWS.SQS.Queue\",\"changes\":\"FifoQueue\"},{\"action\":\"update\",\"logical_id\":"
	    "\"src\",\"type\":\"AWS.SQS.Queue\",\"changes\":\"RedrivePolicy\"}]");
	free(text);
	plan_free(&p);
	comp_free(c);
	rrec_free(recs[0]);
	rrec_free(recs[1]);
	free(dlq);
	free(src);
	free(all);
	free(o1);
	free(o2);
}
END_TEST

START_TEST(test_plan_delete_order)
{
	char *err = NULL, *text, *o = queue_obs("x", NULL);
	struct rrec *recs[3] = { record("a", "AWS.SQS.Queue", o, NULL),
		record("b", "AWS.SQS.Queue", o, "a"), record("c", "AWS.SQS.Queue", o, "b") };
	char *keep = queue("c", NULL, NULL);
	struct comp *c = comp_of(keep, &err);
	struct world w = { recs, 3 };
	struct plan p;

	/* Kill: children first. */
	ck_assert_int_eq(plan_build(&p, NULL, recs, 3, "fid-1", world_ref, &w, &err), 0);
	text = plan_text(&p, NULL);
	ck_assert_str_eq(text, "[{\"action\":\"delete\",\"logical_id\":\"c\",\"type\":"
	    "\"AWS.SQS.Queue\"},{\"action\":\"delete\",\"logical_id\":\"b\",\"type\":"
	    "\"AWS.SQS.Queue\"},{\"action\":\"delete\",\"logical_id\":\"a\",\"type\":"
	    "\"AWS.SQS.Queue\"}]");
	free(text);
	plan_free(&p);
	/* c stays but drops its reference to b: c changes before b and a go. */
	ck_assert_int_eq(plan_build(&p, c, recs, 3, "fid-1", world_ref, &w, &err), 0);
	ck_assert_uint_lt(pos(&p, c, N_CONVERGE, "c"), pos(&p, c, N_DELETE, "b"));
	ck_assert_uint_lt(pos(&p, c, N_DELETE, "b"), pos(&p, c, N_DELETE, "a"));
	plan_free(&p);
	comp_free(c);
	for (int i = 0; i < 3; i++)
		rrec_free(recs[i]);
	free(o);
	free(keep);
}
END_TEST

START_TEST(test_plan_cycle_in_records)
{
	/* Records that reference each other (a corrupt table) cannot be ordered: refused. */
	char *err = NULL, *o = queue_obs("x", NULL);
	struct rrec *recs[2] = { record("a", "AWS.SQS.Queue", o, "b"),
		record("b", "AWS.SQS.Queue", o, "a") };
	struct world w = { recs, 2 };
	struct plan p;

	ck_assert_int_eq(plan_build(&p, NULL, recs, 2, "fid-1", world_ref, &w, &err), -1);
	ck_assert_str_eq(err, "the resources' references form a cycle (a, b)");
	free(err);
	rrec_free(recs[0]);
	rrec_free(recs[1]);
	free(o);
}
END_TEST

START_TEST(test_desired_complete)
{
	const struct ptype *pt = plugins_type(ps, "AWS.SQS.Queue");
	fg_json props = J("{\"QueueName\": \"q\", \"Region\": \"us-east-1\", \"RedrivePolicy\": "
	    "{\"deadLetterTargetArn\": \"arn\"}, \"Tags\": [{\"Key\": \"fugue:id\", \"Value\": "
	    "\"forged\"}, {\"Key\": \"k\", \"Value\": \"v\"}]}");
	fg_json d = desired_complete(pt, props, "F", "L");
	struct fg_jw w;
	char h1[65], h2[65];

	fg_jw_init(&w, 0);
	fg_jw_value(&w, d);
	/* Sorted, defaults in (nested too), fugue tags Fugue's own. */
	ck_assert_str_eq(fg_jw_text(&w), "{\"ContentBasedDeduplication\":false,\"DelaySeconds\":0,"
	    "\"FifoQueue\":false,\"KmsDataKeyReusePeriodSeconds\":300,\"MaximumMessageSize\":"
	    "1048576,\"MessageRetentionPeriod\":345600,\"QueueName\":\"q\","
	    "\"ReceiveMessageWaitTimeSeconds\":0,\"RedrivePolicy\":{\"deadLetterTargetArn\":\"arn\","
	    "\"maxReceiveCount\":10},\"Region\":\"us-east-1\",\"Tags\":[{\"Key\":\"k\",\"Value\":"
	    "\"v\"},{\"Key\":\"fugue:fid\",\"Value\":\"F\"},{\"Key\":\"fugue:id\",\"Value\":\"L\"}],"
	    "\"VisibilityTimeout\":30}");
	fg_jw_free(&w);
	json_hash(d, h1);
	json_hash(d, h2);
	ck_assert_str_eq(h1, h2);
	ck_assert_uint_eq(strlen(h1), 64);
	fg_json_free(d);
	fg_json_free(props);
	/* Bucket: the identifier is a property (a name), so a same-name replace deletes first. */
	pt = plugins_type(ps, "AWS.S3.Bucket");
	ck_assert_int_eq(pt->id_is_prop, 1);
	ck_assert_int_eq(plugins_type(ps, "AWS.SQS.Queue")->id_is_prop, 0);
	ck_assert_int_eq(ptype_replaces(pt, "Region"), 1);
	ck_assert_int_eq(ptype_replaces(pt, "Policy"), 0);
}
END_TEST

/* The suite. */
/* Write-only properties (AWS never reports them) are compared with the value last applied. */
START_TEST(test_write_only)
{
	const struct ptype *pt = plugins_type(ps, "AWS.EC2.Instance");
	fg_json want = J("{\"ImageId\": \"ami-1\", \"InstanceType\": \"t3.micro\", "
	    "\"Region\": \"us-east-1\", \"UserData\": \"aGk=\"}");
	fg_json have = J("{\"ImageId\": \"ami-1\", \"InstanceType\": \"t3.micro\", "
	    "\"Region\": \"us-east-1\"}");
	fg_json same = J("{\"UserData\": \"aGk=\"}"), other = J("{\"UserData\": \"b2xk\"}");
	fg_json text;
	char *names = NULL;
	int replace = 1;

	ck_assert_ptr_nonnull(pt);
	/* Never applied (no record of it): nothing to compare with. */
	ck_assert_uint_eq(props_diff(pt, want, have, NULL, &names, &replace), 0);
	ck_assert_int_eq(replace, 0);
	ck_assert_uint_eq(props_diff(pt, want, have, same, &names, &replace), 0);
	ck_assert_uint_eq(props_diff(pt, want, have, other, &names, &replace), 1);
	ck_assert_str_eq(names, "UserData");
	free(names);
	/* A write-only value AWS happens to report is still compared with the applied one. */
	text = props_applied(pt, "{\"UserData\": \"aGk=\"}");
	ck_assert_ptr_nonnull(text);
	fg_json_free(have);
	have = J("{\"ImageId\": \"ami-1\", \"InstanceType\": \"t3.micro\", "
	    "\"Region\": \"us-east-1\", \"UserData\": \"b2xk\"}");
	ck_assert_uint_eq(props_diff(pt, want, have, text, &names, &replace), 0);
	/* Types without write-only properties parse nothing. */
	ck_assert_ptr_null(props_applied(plugins_type(ps, "AWS.SQS.Queue"), "{}"));
	fg_json_free(text);
	fg_json_free(want);
	fg_json_free(have);
	fg_json_free(same);
	fg_json_free(other);
}
END_TEST

static Suite *
engine_manager_suite(void)
{
	Suite *s = suite_create("engine_manager");
	TCase *tc = tcase_create("core");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_comp_errors);
	tcase_add_test(tc, test_refs_fill);
	tcase_add_test(tc, test_plan_create_order);
	tcase_add_test(tc, test_plan_update_replace);
	tcase_add_test(tc, test_plan_default_drift);
	tcase_add_test(tc, test_plan_replace_dependents);
	tcase_add_test(tc, test_plan_delete_order);
	tcase_add_test(tc, test_plan_cycle_in_records);
	tcase_add_test(tc, test_desired_complete);
	tcase_add_test(tc, test_write_only);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	SRunner *sr = srunner_create(engine_manager_suite());
	int failed;

	srunner_run_all(sr, CK_ENV);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed != 0;
}
