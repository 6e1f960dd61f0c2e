/* check_conductor_store.c: the Conductor store's records as DynamoDB items
 * (core/conductor/store_rec.c), the AttributeValue helpers and RFC 3339 times. */
#include "config.h"

#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "store.h"

/* Writes an item with fn and parses it back (caller frees). */
#define ITEM(doc, fn, rec)                                              \
	do {                                                            \
		struct fg_jw w_;                                        \
		char *e_ = NULL;                                        \
		fg_jw_init(&w_, 0);                                     \
		fg_jw_obj(&w_);                                         \
		fn(&w_, rec);                                           \
		fg_jw_end_obj(&w_);                                     \
		(doc) = fg_json_parse(fg_jw_text(&w_), strlen(fg_jw_text(&w_)), &e_); \
		ck_assert_msg((doc) != NULL, "%s", e_);                 \
		fg_jw_free(&w_);                                        \
	} while (0)

/* Parses JSON text that must parse. */
static fg_json
parse(const char *text)
{
	char *err = NULL;
	fg_json v = fg_json_parse(text, strlen(text), &err);

	ck_assert_msg(v != NULL, "%s", err);
	return v;
}

START_TEST(test_av)
{
	struct fg_jw w;
	fg_json doc, m;
	int64_t n;
	int b;

	fg_jw_init(&w, 0);
	fg_jw_obj(&w);
	av_s(&w, "s", "text");
	av_s(&w, "absent", NULL);
	av_n(&w, "n", -42);
	av_bool(&w, "b", 1);
	av_map_begin(&w, "m");
	av_s(&w, "inner", "x");
	av_map_end(&w);
	doc = parse("{\"a\":[1,{\"b\":null}]}");
	av_json(&w, "j", doc);
	fg_json_free(doc);
	fg_jw_end_obj(&w);
	ck_assert_str_eq(fg_jw_text(&w), "{\"s\":{\"S\":\"text\"},\"n\":{\"N\":\"-42\"},"
	    "\"b\":{\"BOOL\":true},\"m\":{\"M\":{\"inner\":{\"S\":\"x\"}}},"
	    "\"j\":{\"S\":\"{\\\"a\\\":[1,{\\\"b\\\":null}]}\"}}");
	doc = parse(fg_jw_text(&w));
	fg_jw_free(&w);
	ck_assert_str_eq(av_get_s(doc, "s"), "text");
	ck_assert_ptr_null(av_get_s(doc, "absent"));
	ck_assert_ptr_null(av_get_s(doc, "n"));
	ck_assert_int_eq(av_get_n(doc, "n", &n), 0);
	ck_assert_int_eq(n, -42);
	ck_assert_int_eq(av_get_n(doc, "s", &n), -1);
	ck_assert_int_eq(av_get_bool(doc, "b", &b), 0);
	ck_assert_int_eq(b, 1);
	ck_assert_int_eq(av_get_bool(doc, "s", &b), -1);
	m = av_get_map(doc, "m");
	ck_assert_str_eq(av_get_s(m, "inner"), "x");
	ck_assert_ptr_null(av_get_map(doc, "s"));
	fg_json_free(doc);
	/* Numbers DynamoDB could send that are not integers of ours. */
	doc = parse(
	    "{\"a\":{\"N\":\"1.5\"},\"b\":{\"N\":\"\"},\"c\":{\"N\":\"99999999999999999999\"}}");
	ck_assert_int_eq(av_get_n(doc, "a", &n), -1);
	ck_assert_int_eq(av_get_n(doc, "b", &n), -1);
	ck_assert_int_eq(av_get_n(doc, "c", &n), -1);
	fg_json_free(doc);
}
END_TEST

START_TEST(test_proc)
{
	struct proc_rec p, q;
	fg_json doc;
	char *err = NULL;

	memset(&p, 0, sizeof(p));
	p.fid = "0f8e2c1a-7b3d-4e5f-9a8b-1c2d3e4f5a6b";
	p.account = "000000000000";
	p.region = "us-east-1";
	p.state = PROC_SUSPENDED;
	p.composition = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";
	p.props.alias = "web";
	p.props.enforcement = 0;
	p.props.interval_s = 300;
	p.props.lock = 1;
	p.created_ms = 1795758000000;
	p.updated_ms = 1795758000123;
	p.last_message = "created 3";
	ITEM(doc, proc_rec_write, &p);
	/* The version is store_put's: an item read back carries one. */
	ck_assert_int_eq(proc_rec_read(doc, &q, &err), -1);
	ck_assert_str_eq(err, "process item: attribute \"ver\" is missing or not an integer");
	free(err);
	fg_json_free(doc);
	{
		struct fg_jw w;

		fg_jw_init(&w, 0);
		fg_jw_obj(&w);
		proc_rec_write(&w, &p);
		av_n(&w, "ver", 7);
		fg_jw_end_obj(&w);
		ck_assert_ptr_nonnull(strstr(fg_jw_text(&w), "\"pk\":{\"S\":\"process\"},"
		    "\"sk\":{\"S\":\"0f8e2c1a-7b3d-4e5f-9a8b-1c2d3e4f5a6b\"}"));
		doc = parse(fg_jw_text(&w));
		fg_jw_free(&w);
	}
	ck_assert_int_eq(proc_rec_read(doc, &q, &err), 0);
	ck_assert_str_eq(q.fid, p.fid);
	ck_assert_str_eq(q.account, p.account);
	ck_assert_str_eq(q.region, p.region);
	ck_assert_int_eq(q.state, PROC_SUSPENDED);
	ck_assert_str_eq(q.composition, p.composition);
	ck_assert_str_eq(q.props.alias, "web");
	ck_assert_int_eq(q.props.enforcement, 0);
	ck_assert_int_eq(q.props.interval_s, 300);
	ck_assert_int_eq(q.props.lock, 1);
	ck_assert_int_eq(q.created_ms, p.created_ms);
	ck_assert_int_eq(q.updated_ms, p.updated_ms);
	ck_assert_str_eq(q.last_message, "created 3");
	ck_assert_int_eq(q.ver, 7);
	{
		struct proc_rec c;

		proc_rec_copy(&c, &q);
		ck_assert_ptr_ne(c.fid, q.fid);
		ck_assert_str_eq(c.props.alias, "web");
		proc_rec_free(&c);
	}
	proc_rec_free(&q);
	fg_json_free(doc);
	/* No alias and no message are absent attributes, read back as none. */
	doc = parse("{\"pk\":{\"S\":\"process\"},\"sk\":{\"S\":\"f\"},\"account\":{\"S\":\"a\"},"
	    "\"region\":{\"S\":\"r\"},\"state\":{\"S\":\"Running\"},\"composition\":{\"S\":\"h\"},"
	    "\"enforcement\":{\"BOOL\":true},\"interval\":{\"N\":\"60\"},\"lock\":{\"BOOL\":false},"
	    "\"created\":{\"N\":\"1\"},\"updated\":{\"N\":\"2\"},\"ver\":{\"N\":\"1\"}}");
	ck_assert_int_eq(proc_rec_read(doc, &q, &err), 0);
	ck_assert_ptr_null(q.props.alias);
	ck_assert_str_eq(q.last_message, "");
	ck_assert_int_eq(q.state, PROC_RUNNING);
	proc_rec_free(&q);
	fg_json_free(doc);
	/* A state that is none of ours. */
	doc = parse("{\"sk\":{\"S\":\"f\"},\"account\":{\"S\":\"a\"},"
	    "\"region\":{\"S\":\"r\"},\"state\":{\"S\":\"Asleep\"},\"composition\":{\"S\":\"h\"},"
	    "\"enforcement\":{\"BOOL\":true},\"interval\":{\"N\":\"60\"},\"lock\":{\"BOOL\":false},"
	    "\"created\":{\"N\":\"1\"},\"updated\":{\"N\":\"2\"},\"ver\":{\"N\":\"1\"}}");
	ck_assert_int_eq(proc_rec_read(doc, &q, &err), -1);
	ck_assert_str_eq(err, "process item f: attribute \"state\" is not Running, Suspended or "
	    "Killing");
	free(err);
	fg_json_free(doc);
	doc = parse("{\"sk\":{\"S\":\"f\"},\"account\":{\"N\":\"1\"}}");
	ck_assert_int_eq(proc_rec_read(doc, &q, &err), -1);
	ck_assert_str_eq(err, "process item: attribute \"account\" is missing or not a non-empty "
	    "string");
	free(err);
	fg_json_free(doc);
}
END_TEST

/* The fixed clock of the history key test. */
static int64_t
fixed_wall(void *arg)
{
	(void)arg;
	return 1795758000042;
}

/* Fixed random bytes. */
static void
fixed_random(void *arg, void *buf, size_t len)
{
	(void)arg;
	memset(buf, 0xab, len);
}

/* Monotonic time is not used here. */
static uint64_t
fixed_mono(void *arg)
{
	(void)arg;
	return 0;
}

START_TEST(test_hist)
{
	static const struct fg_clock_ops fixed = { fixed_mono, fixed_wall, fixed_random, NULL };
	struct hist_rec h, g;
	fg_json doc;
	char *err = NULL;

	memset(&h, 0, sizeof(h));
	h.fid = fg_strdup("f1");
	h.kind = fg_strdup("job");
	h.what = fg_strdup("run");
	h.from = fg_strdup("");
	h.to = fg_strdup("");
	h.user = fg_strdup("root");
	h.request = fg_strdup("r1");
	h.result = fg_strdup("ok");
	h.message = fg_strdup("created 2");
	h.composition = fg_strdup("abc");
	h.detail = parse("[{\"action\":\"create\",\"logical_id\":\"q\"}]");
	fg_clock_set(&fixed);
	hist_rec_key(&h);
	fg_clock_set(NULL);
	ck_assert_str_eq(h.sk, "2026-11-27T05:40:00.042Z#abababab");
	ck_assert_int_eq(h.time_ms, 1795758000042);
	ITEM(doc, hist_rec_write, &h);
	ck_assert_int_eq(hist_rec_read(doc, &g, &err), 0);
	ck_assert_str_eq(g.fid, "f1");
	ck_assert_str_eq(g.sk, h.sk);
	ck_assert_str_eq(g.kind, "job");
	ck_assert_str_eq(g.what, "run");
	ck_assert_str_eq(g.from, "");
	ck_assert_str_eq(g.user, "root");
	ck_assert_str_eq(g.request, "r1");
	ck_assert_str_eq(g.result, "ok");
	ck_assert_str_eq(g.message, "created 2");
	ck_assert_str_eq(g.composition, "abc");
	ck_assert_str_eq(fg_json_str(fg_json_path(g.detail, "0/logical_id")), "q");
	hist_rec_free(&g);
	hist_rec_free(&h);
	fg_json_free(doc);
	doc = parse("{\"pk\":{\"S\":\"f\"},\"sk\":{\"S\":\"s\"},\"time\":{\"N\":\"1\"},"
	    "\"kind\":{\"S\":\"job\"},\"what\":{\"S\":\"run\"},\"result\":{\"S\":\"ok\"},"
	    "\"detail\":{\"S\":\"{bad\"}}");
	ck_assert_int_eq(hist_rec_read(doc, &g, &err), -1);
	ck_assert_ptr_nonnull(strstr(err, "history item f s: attribute \"detail\": line 1"));
	free(err);
	fg_json_free(doc);
}
END_TEST

START_TEST(test_req_user)
{
	struct req_rec r = { "id1", "root", "status", 5, "{\"v\":1}" }, s;
	struct user_rec u = { "root", "users/root.secret", 9, 0 }, v;
	fg_json doc;
	char *err = NULL;

	ITEM(doc, req_rec_write, &r);
	ck_assert_str_eq(av_get_s(doc, "pk"), "id1");
	ck_assert_str_eq(av_get_s(doc, "sk"), "reply");
	ck_assert_int_eq(req_rec_read(doc, &s, &err), 0);
	ck_assert_str_eq(s.user, "root");
	ck_assert_str_eq(s.command, "status");
	ck_assert_int_eq(s.time_ms, 5);
	ck_assert_str_eq(s.reply, "{\"v\":1}");
	req_rec_free(&s);
	fg_json_free(doc);
	doc = parse("{\"pk\":{\"S\":\"id1\"}}");
	ck_assert_int_eq(req_rec_read(doc, &s, &err), -1);
	ck_assert_str_eq(err, "request item: attribute \"user\" is missing or not a non-empty "
	    "string");
	free(err);
	fg_json_free(doc);

	{
		struct fg_jw w;

		fg_jw_init(&w, 0);
		fg_jw_obj(&w);
		user_rec_write(&w, &u);
		av_n(&w, "ver", 1);
		fg_jw_end_obj(&w);
		doc = parse(fg_jw_text(&w));
		fg_jw_free(&w);
	}
	ck_assert_str_eq(av_get_s(doc, "pk"), "user");
	ck_assert_int_eq(user_rec_read(doc, &v, &err), 0);
	ck_assert_str_eq(v.name, "root");
	ck_assert_str_eq(v.secret_key, "users/root.secret");
	ck_assert_int_eq(v.created_ms, 9);
	ck_assert_int_eq(v.ver, 1);
	user_rec_free(&v);
	fg_json_free(doc);
}
END_TEST

START_TEST(test_state_names)
{
	enum proc_state s;

	ck_assert_str_eq(proc_state_name(PROC_RUNNING), "Running");
	ck_assert_str_eq(proc_state_name(PROC_SUSPENDED), "Suspended");
	ck_assert_str_eq(proc_state_name(PROC_KILLING), "Killing");
	ck_assert_int_eq(proc_state_parse("Killing", &s), 0);
	ck_assert_int_eq(s, PROC_KILLING);
	ck_assert_int_eq(proc_state_parse("running", &s), -1);
	ck_assert_int_eq(proc_state_parse(NULL, &s), -1);
}
END_TEST

START_TEST(test_rfc3339)
{
	char out[32];
	int64_t ms;

	rfc3339_format(1795758000123, out);
	ck_assert_str_eq(out, "2026-11-27T05:40:00.123Z");
	rfc3339_format(0, out);
	ck_assert_str_eq(out, "1970-01-01T00:00:00.000Z");
	rfc3339_format(-1, out);
	ck_assert_str_eq(out, "1969-12-31T23:59:59.999Z");
	ck_assert_int_eq(rfc3339_parse("2026-11-27T05:40:00.123Z", &ms), 0);
	ck_assert_int_eq(ms, 1795758000123);
	ck_assert_int_eq(rfc3339_parse("2026-11-27T05:40:00Z", &ms), 0);
	ck_assert_int_eq(ms, 1795758000000);
	ck_assert_int_eq(rfc3339_parse("2026-11-27t05:40:00.5z", &ms), 0);
	ck_assert_int_eq(ms, 1795758000500);
	ck_assert_int_eq(rfc3339_parse("2026-11-27T06:40:00.123456+01:00", &ms), 0);
	ck_assert_int_eq(ms, 1795758000123);
	ck_assert_int_eq(rfc3339_parse("2026-11-27T00:10:00-05:30", &ms), 0);
	ck_assert_int_eq(ms, 1795758000000);
	ck_assert_int_eq(rfc3339_parse("2026-02-30T00:00:00Z", &ms), -1);
	ck_assert_int_eq(rfc3339_parse("2026-11-27 05:40:00Z", &ms), -1);
	ck_assert_int_eq(rfc3339_parse("2026-11-27T05:40:00", &ms), -1);
	ck_assert_int_eq(rfc3339_parse("2026-11-27T05:40:00.Z", &ms), -1);
	ck_assert_int_eq(rfc3339_parse("2026-11-27T05:40:00Zjunk", &ms), -1);
	ck_assert_int_eq(rfc3339_parse("2026-11-27T25:40:00Z", &ms), -1);
	ck_assert_int_eq(rfc3339_parse("2026-11-27T05:40:00+0100", &ms), -1);
	ck_assert_int_eq(rfc3339_parse("", &ms), -1);
	ck_assert_int_eq(rfc3339_parse(NULL, &ms), -1);
}
END_TEST

/* The suite. */
static Suite *
store_suite(void)
{
	Suite *s = suite_create("conductor_store");
	TCase *tc = tcase_create("records");

	tcase_add_test(tc, test_av);
	tcase_add_test(tc, test_proc);
	tcase_add_test(tc, test_hist);
	tcase_add_test(tc, test_req_user);
	tcase_add_test(tc, test_state_names);
	tcase_add_test(tc, test_rfc3339);
	suite_add_tcase(s, tc);
	return s;
}

/* Runs the suite. */
int
main(void)
{
	SRunner *sr = srunner_create(store_suite());
	int failed;

	srunner_run_all(sr, CK_ENV);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed != 0;
}
