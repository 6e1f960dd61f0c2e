/* check_engine_host.c: what the host offers plugins: value, XML and JSON accessors, and the
 * life of an operation (start from the loop, end exactly once, plugin bugs contained). */
#include "config.h"

#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "engine_int.h"

static const struct fugue_host *H = &host_api;

/* Parses JSON text or fails the test. */
static fg_json
J(const char *text)
{
	char *err = NULL;
	fg_json v = fg_json_parse(text, strlen(text), &err);

	ck_assert_msg(v != NULL, "%s: %s", text, err);
	return v;
}

START_TEST(test_values)
{
	fg_json j = J("{\"Name\": \"q\", \"Size\": 1.50, \"Big\": 12345678901, \"On\": true, "
	    "\"Nothing\": null, \"Tags\": [{\"Key\": \"a\", \"Value\": \"1\"}, {\"Key\": \"b\", "
	    "\"Value\": \"2\"}], \"Redrive\": {\"maxReceiveCount\": 5}}");
	const struct fugue_value *v = (const struct fugue_value *)j, *t;
	struct strpool pool = { 0 }, *old;
	const char *redrive = "{\"deadLetterTargetArn\": \"arn\", \"maxReceiveCount\": \"10\"}";
	int64_t i;
	int b;

	ck_assert_int_eq(H->v_type(v, ""), FUGUE_V_OBJECT);
	ck_assert_int_eq(H->v_type(v, "Tags"), FUGUE_V_ARRAY);
	ck_assert_int_eq(H->v_type(v, "Nothing"), FUGUE_V_NULL);
	ck_assert_int_eq(H->v_type(v, "On"), FUGUE_V_BOOL);
	ck_assert_int_eq(H->v_type(v, "Size"), FUGUE_V_NUMBER);
	ck_assert_int_eq(H->v_type(v, "Tags/1/Key"), FUGUE_V_STRING);
	ck_assert_int_eq(H->v_type(v, "Tags/2/Key"), FUGUE_V_NONE);
	ck_assert_int_eq(H->v_type(NULL, ""), FUGUE_V_NONE);
	ck_assert_str_eq(H->v_str(v, "Name"), "q");
	ck_assert_str_eq(H->v_str(v, "Size"), "1.50"); /* numbers as written */
	ck_assert_str_eq(H->v_str(v, "Tags/1/Value"), "2");
	ck_assert_ptr_null(H->v_str(v, "Tags"));
	ck_assert_int_eq(H->v_int(v, "Big", &i), 0);
	ck_assert(i == 12345678901LL);
	ck_assert_int_eq(H->v_int(v, "Redrive/maxReceiveCount", &i), 0);
	ck_assert(i == 5);
	ck_assert_int_eq(H->v_int(v, "Size", &i), -1);
	ck_assert_int_eq(H->v_int(v, "Name", &i), -1);
	ck_assert_int_eq(H->v_bool(v, "On", &b), 0);
	ck_assert_int_eq(b, 1);
	ck_assert_int_eq(H->v_bool(v, "Name", &b), -1);
	ck_assert_uint_eq(H->v_len(v, "Tags"), 2);
	ck_assert_uint_eq(H->v_len(v, ""), 7);
	ck_assert_uint_eq(H->v_len(v, "Name"), 0);
	t = H->v_get(v, "Tags");
	ck_assert_str_eq(H->v_str(H->v_at(t, 0), "Key"), "a");
	ck_assert_ptr_null(H->v_at(t, 2));
	ck_assert_str_eq(H->v_key(v, 0), "Name");
	ck_assert_ptr_null(H->v_get(v, "Nope/x"));
	/* v_json and v_parse live in the operation's pool. */
	old = host_pool_enter(&pool);
	ck_assert_str_eq(H->v_json(H->v_get(v, "Redrive")), "{\"maxReceiveCount\":5}");
	t = H->v_parse(redrive, strlen(redrive));
	ck_assert_ptr_nonnull(t);
	ck_assert_str_eq(H->v_str(t, "maxReceiveCount"), "10");
	ck_assert_ptr_null(H->v_parse("{not json", 9));
	host_pool_enter(old);
	ck_assert_uint_eq(pool.n, 1);
	ck_assert_uint_eq(pool.ntrees, 1);
	strpool_free(&pool);
	fg_json_free(j);
}
END_TEST

START_TEST(test_xml)
{
	static const char reply[] = "<ListQueueTagsResponse xmlns=\"http://queue.amazonaws.com/doc/"
	    "2012-11-05/\"><ListQueueTagsResult><Tag><Key>a</Key><Value>1</Value></Tag><Other/>"
	    "<Tag><Key>b</Key><Value></Value></Tag></ListQueueTagsResult><ResponseMetadata>"
	    "<RequestId>r</RequestId></ResponseMetadata></ListQueueTagsResponse>";
	char *err = NULL;
	struct fg_xml *x = fg_xml_parse(reply, sizeof(reply) - 1, &err);
	const struct fugue_xml *root = (const struct fugue_xml *)x, *t;

	ck_assert_ptr_nonnull(x);
	ck_assert_str_eq(H->x_name(root), "ListQueueTagsResponse");
	t = H->x_find(root, "ListQueueTagsResult/Tag");
	ck_assert_str_eq(H->x_name(t), "Tag");
	ck_assert_str_eq(H->x_text(t, "Key"), "a");
	t = H->x_next(t); /* skips <Other/> */
	ck_assert_ptr_nonnull(t);
	ck_assert_str_eq(H->x_text(t, "Key"), "b");
	ck_assert_str_eq(H->x_text(t, "Value"), "");
	ck_assert_ptr_null(H->x_next(t));
	ck_assert_str_eq(H->x_text(root, "ResponseMetadata/RequestId"), "r");
	ck_assert_ptr_null(H->x_text(root, "Nope"));
	ck_assert_ptr_null(H->x_find(NULL, "Tag"));
	fg_xml_free(x);
}
END_TEST

START_TEST(test_json_writer)
{
	struct fugue_json *w = H->j_new();
	fg_json j = J("{\"x\": [1, \"two\"]}");

	H->j_obj(w);
	H->j_key(w, "s");
	H->j_str(w, "a\"b");
	H->j_key(w, "n");
	H->j_int(w, -7);
	H->j_key(w, "b");
	H->j_bool(w, 0);
	H->j_key(w, "z");
	H->j_null(w);
	H->j_key(w, "missing");
	H->j_str(w, NULL);
	H->j_key(w, "copy");
	H->j_value(w, (const struct fugue_value *)j);
	H->j_key(w, "list");
	H->j_arr(w);
	H->j_end_arr(w);
	H->j_end_obj(w);
	ck_assert_str_eq(H->j_text(w), "{\"s\":\"a\\\"b\",\"n\":-7,\"b\":false,\"z\":null,"
	    "\"missing\":null,\"copy\":{\"x\":[1,\"two\"]},\"list\":[]}");
	H->j_free(w);
	fg_json_free(j);
}
END_TEST

/* What an operation's end reported. */
struct ended {
	int calls;
	enum fugue_status st;
	char observed[256];
	char message[512];
	char physical[64];
	struct fg_loop *loop;
};

/* op_end_fn of the tests. */
static void
on_end(struct fugue_op *op, enum fugue_status st, const char *observed, const char *msg,
    void *arg)
{
	struct ended *e = arg;

	(void)op;
	e->calls++;
	e->st = st;
	snprintf(e->observed, sizeof(e->observed), "%s", observed ? observed : "(null)");
	snprintf(e->message, sizeof(e->message), "%s", msg ? msg : "(null)");
}

/* op_physical_fn of the tests. */
static void
on_phys(struct fugue_op *op, const char *physical, void *arg)
{
	struct ended *e = arg;

	(void)op;
	snprintf(e->physical, sizeof(e->physical), "%s", physical);
}

static int data_freed;

/* free_fn of the plugin data. */
static void
free_data(void *p)
{
	data_freed++;
	free(p);
}

/* create: reads what the host gives, records an id, ends at once (twice: a bug). */
static void
t_create(const struct fugue_host *h, struct fugue_op *op)
{
	const struct fugue_value *d = h->op_desired(op);
	char *obs = fg_printf("{\"Name\": \"%s\", \"Token\": \"%s\", \"Region\": \"%s\", "
	    "\"Fid\": \"%s\", \"Lid\": \"%s\", \"Type\": \"%s\"}", h->v_str(d, "Name"),
	    h->op_token(op), h->op_region(op), h->op_fid(op), h->op_logical_id(op),
	    h->op_type(op));

	ck_assert_ptr_null(h->op_physical_id(op));
	ck_assert_ptr_null(h->op_observed(op));
	h->op_set_data(op, fg_strdup("state"), free_data);
	ck_assert_str_eq(h->op_data(op), "state");
	h->op_set_physical_id(op, "phys-1");
	ck_assert_str_eq(h->op_physical_id(op), "phys-1");
	h->op_log(op, FUGUE_LOG_DEBUG, "created %d", 1);
	h->op_done(op, FUGUE_OK, obs, NULL);
	h->op_done(op, FUGUE_E_FATAL, NULL, "second end"); /* ignored, logged */
	free(obs);
}

/* read: returns without a call and without ending (a plugin bug). */
static void
t_read(const struct fugue_host *h, struct fugue_op *op)
{
	(void)h;
	(void)op;
}

/* update: ends OK but forgets the observed resource (a plugin bug). */
static void
t_update(const struct fugue_host *h, struct fugue_op *op)
{
	h->op_done(op, FUGUE_OK, NULL, NULL);
}

/* delete: fails with a class and a message. */
static void
t_delete(const struct fugue_host *h, struct fugue_op *op)
{
	h->op_done(op, FUGUE_E_CONFLICT, NULL, "BucketNotEmpty: it holds objects");
}

static int after_calls;

/* op_after's function: ends the operation on the second wait. */
static void
t_waited(const struct fugue_host *h, struct fugue_op *op, void *arg)
{
	after_calls++;
	if (after_calls == 1) {
		h->op_after(op, 5, t_waited, arg);
		return;
	}
	h->op_done(op, FUGUE_OK, "{\"Waited\": 2}", NULL);
}

/* A wait whose operation ends first: never called. */
static void
t_never(const struct fugue_host *h, struct fugue_op *op, void *arg)
{
	(void)h;
	(void)op;
	(void)arg;
	ck_abort_msg("an op_after ran after its operation ended");
}

/* read: waits twice with op_after, with a long wait pending that must never run. */
static void
t_read_waits(const struct fugue_host *h, struct fugue_op *op)
{
	after_calls = 0;
	h->op_after(op, 60000, t_never, NULL);
	h->op_after(op, 10, t_waited, NULL);
}

static const struct fugue_type waiting_type = {
	.name = "AWS.Test.Waiting",
	.read = t_read_waits,
};

static const struct fugue_type test_type = {
	.name = "AWS.Test.Thing",
	.create = t_create,
	.read = t_read,
	.update = t_update,
	.delete = t_delete,
};

/* Runs one operation of the test type to its end. */
static void
run_op(struct ptype *pt, enum op_kind kind, struct ended *e)
{
	struct fg_loop *loop = fg_loop_new();
	struct sched *s = sched_new(loop, NULL, 0);
	struct host *h = host_new(loop, NULL, s);
	fg_json desired = J("{\"Name\": \"thing\"}");
	struct op_spec spec = { "acct", "fid-1", "lid-1", "eu-west-1", NULL, "tok-1", desired,
		NULL, PRIO_USER };
	struct host_stats st;

	memset(e, 0, sizeof(*e));
	host_op_start(h, pt, kind, &spec, on_end, on_phys, e);
	/* Never ends from inside the start. */
	ck_assert_int_eq(e->calls, 0);
	host_stats(h, &st);
	ck_assert_uint_eq(st.ops, 1);
	fg_loop_run(loop);
	host_stats(h, &st);
	ck_assert_uint_eq(st.ops, 0);
	host_free(h);
	sched_free(s);
	fg_loop_free(loop);
	fg_json_free(desired);
}

START_TEST(test_operations)
{
	struct plugins *ps = plugins_new();
	fg_json schema = J("{\"title\": \"AWS.Test.Thing\", \"x-fugue-service\": \"test\", "
	    "\"properties\": {\"Name\": {\"type\": \"string\"}}, \"x-fugue-identifier\": \"Name\"}");
	struct ptype *pt;
	struct ended e;
	char *err = NULL;

	ck_assert_msg(plugins_add_type(ps, "test", &test_type, schema, &err) == 0, "%s", err);
	pt = (struct ptype *)plugins_type(ps, "AWS.Test.Thing");
	data_freed = 0;
	run_op(pt, OPK_CREATE, &e);
	ck_assert_int_eq(e.calls, 1);
	ck_assert_int_eq(e.st, FUGUE_OK);
	ck_assert_str_eq(e.observed, "{\"Name\": \"thing\", \"Token\": \"tok-1\", \"Region\": "
	    "\"eu-west-1\", \"Fid\": \"fid-1\", \"Lid\": \"lid-1\", \"Type\": \"AWS.Test.Thing\"}");
	ck_assert_str_eq(e.physical, "phys-1");
	ck_assert_int_eq(data_freed, 1);
	run_op(pt, OPK_READ, &e);
	ck_assert_int_eq(e.calls, 1);
	ck_assert_int_eq(e.st, FUGUE_E_FATAL);
	ck_assert_str_eq(e.message, "plugin test returned with no call in flight and without "
	    "ending the operation (a plugin bug)");
	run_op(pt, OPK_UPDATE, &e);
	ck_assert_int_eq(e.st, FUGUE_E_FATAL);
	ck_assert_str_eq(e.message, "plugin test ended the update of a AWS.Test.Thing without the "
	    "observed resource (a plugin bug)");
	run_op(pt, OPK_DELETE, &e);
	ck_assert_int_eq(e.st, FUGUE_E_CONFLICT);
	ck_assert_str_eq(e.message, "BucketNotEmpty: it holds objects");
	ck_assert_str_eq(e.observed, "(null)");
	plugins_free(ps);
}
END_TEST

START_TEST(test_missing_callback)
{
	static const struct fugue_type bare = { .name = "AWS.Test.Bare" };
	struct plugins *ps = plugins_new();
	fg_json schema = J("{\"title\": \"AWS.Test.Bare\", \"x-fugue-service\": \"test\", "
	    "\"properties\": {}, \"x-fugue-identifier\": \"Id\"}");
	struct ended e;
	char *err = NULL;

	ck_assert_msg(plugins_add_type(ps, "test", &bare, schema, &err) == 0, "%s", err);
	run_op((struct ptype *)plugins_type(ps, "AWS.Test.Bare"), OPK_UPDATE, &e);
	ck_assert_int_eq(e.st, FUGUE_E_FATAL);
	ck_assert_str_eq(e.message, "type AWS.Test.Bare has no update");
	plugins_free(ps);
}
END_TEST

START_TEST(test_op_after)
{
	struct plugins *ps = plugins_new();
	fg_json schema = J("{\"title\": \"AWS.Test.Waiting\", \"x-fugue-service\": \"test\", "
	    "\"properties\": {}, \"x-fugue-identifier\": \"Id\"}");
	struct ended e;
	char *err = NULL;

	ck_assert_msg(plugins_add_type(ps, "test", &waiting_type, schema, &err) == 0, "%s", err);
	/* Two waits in a row keep the operation open; the long one is dropped when it ends. */
	run_op((struct ptype *)plugins_type(ps, "AWS.Test.Waiting"), OPK_READ, &e);
	ck_assert_int_eq(after_calls, 2);
	ck_assert_int_eq(e.calls, 1);
	ck_assert_int_eq(e.st, FUGUE_OK);
	ck_assert_str_eq(e.observed, "{\"Waited\": 2}");
	plugins_free(ps);
}
END_TEST

/* The suite. */
static Suite *
engine_host_suite(void)
{
	Suite *s = suite_create("engine_host");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, test_values);
	tcase_add_test(tc, test_xml);
	tcase_add_test(tc, test_json_writer);
	tcase_add_test(tc, test_operations);
	tcase_add_test(tc, test_missing_callback);
	tcase_add_test(tc, test_op_after);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	SRunner *sr = srunner_create(engine_host_suite());
	int failed;

	srunner_run_all(sr, CK_ENV);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed != 0;
}
