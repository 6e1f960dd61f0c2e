/* check_base.c: unit tests for buffers, header lists, URLs, percent-encoding and logging. */
#include "config.h"

#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base.h"

START_TEST(buf_grows_and_formats)
{
	struct fg_buf b;

	fg_buf_init(&b);
	ck_assert_str_eq(fg_buf_cstr(&b), "");
	for (int i = 0; i < 1000; i++)
		fg_buf_addf(&b, "%d,", i);
	ck_assert_uint_eq(b.len, strlen(b.data));
	ck_assert(strncmp(b.data, "0,1,2,", 6) == 0);
	ck_assert(strstr(b.data, "999,") != NULL);
	fg_buf_reset(&b);
	ck_assert_uint_eq(b.len, 0);
	fg_buf_add(&b, "a\0b", 3);
	ck_assert_uint_eq(b.len, 3);
	char *s = fg_buf_detach(&b);
	ck_assert_int_eq(s[2], 'b');
	ck_assert_ptr_null(b.data);
	free(s);
}
END_TEST

START_TEST(headers_are_case_insensitive)
{
	struct fg_headers h, c;

	fg_headers_init(&h);
	fg_headers_add(&h, "Content-Type", "text/xml");
	fg_headers_add(&h, "X-Amz-Meta-A", "1");
	fg_headers_add(&h, "x-amz-meta-a", "2");
	ck_assert_str_eq(fg_headers_get(&h, "content-type"), "text/xml");
	ck_assert_str_eq(fg_headers_get(&h, "X-AMZ-META-A"), "1");
	fg_headers_set(&h, "x-amz-meta-a", "3");
	ck_assert_uint_eq(h.n, 2);
	ck_assert_str_eq(fg_headers_get(&h, "X-Amz-Meta-A"), "3");
	fg_headers_init(&c);
	fg_headers_copy(&c, &h);
	fg_headers_del(&h, "CONTENT-TYPE");
	ck_assert_ptr_null(fg_headers_get(&h, "Content-Type"));
	ck_assert_str_eq(fg_headers_get(&c, "Content-Type"), "text/xml");
	fg_headers_free(&h);
	fg_headers_free(&c);
}
END_TEST

START_TEST(url_parses_parts)
{
	struct fg_url u;
	char *err = NULL;

	ck_assert_int_eq(fg_url_parse("HTTPS://sqs.us-east-1.amazonaws.com/123/q?Action=X#f", &u, &err), 0);
	ck_assert_str_eq(u.scheme, "https");
	ck_assert_str_eq(u.host, "sqs.us-east-1.amazonaws.com");
	ck_assert_int_eq(u.port, 443);
	ck_assert_str_eq(u.path, "/123/q");
	ck_assert_str_eq(u.query, "Action=X");
	fg_url_free(&u);

	ck_assert_int_eq(fg_url_parse("http://127.0.0.1:4566", &u, &err), 0);
	ck_assert_int_eq(u.port, 4566);
	ck_assert_str_eq(u.path, "/");
	ck_assert_ptr_null(u.query);
	fg_url_free(&u);

	ck_assert_int_eq(fg_url_parse("http://[::1]:8080/x", &u, &err), 0);
	ck_assert_str_eq(u.host, "::1");
	ck_assert_int_eq(u.port, 8080);
	fg_url_free(&u);
}
END_TEST

START_TEST(url_rejects_bad_input)
{
	static const char *bad[] = { "localhost:4566", "ftp://x/", "http://", "http://h:0/",
		"http://h:99999/", "http://h:12x/", "http://[::1/", "http://user@h/", "http://h:/" };
	struct fg_url u;

	for (size_t i = 0; i < FG_ARRAY_LEN(bad); i++) {
		char *err = NULL;

		ck_assert_msg(fg_url_parse(bad[i], &u, &err) == -1, "accepted %s", bad[i]);
		ck_assert_ptr_nonnull(err);
		free(err);
	}
}
END_TEST

START_TEST(uri_encode_roundtrip)
{
	struct fg_buf b;
	char *d;

	fg_buf_init(&b);
	fg_uri_encode(&b, "a b/c~d*é", strlen("a b/c~d*é"), 0);
	ck_assert_str_eq(b.data, "a%20b%2Fc~d%2A%C3%A9");
	d = fg_uri_decode(b.data, b.len, 0);
	ck_assert_str_eq(d, "a b/c~d*é");
	free(d);
	fg_buf_reset(&b);
	fg_uri_encode(&b, "/x y/", 5, 1);
	ck_assert_str_eq(b.data, "/x%20y/");
	fg_buf_free(&b);
	d = fg_uri_decode("a+b%41", 6, 1);
	ck_assert_str_eq(d, "a bA");
	free(d);
	ck_assert_ptr_null(fg_uri_decode("%4", 2, 0));
	ck_assert_ptr_null(fg_uri_decode("%zz", 3, 0));
	ck_assert_ptr_null(fg_uri_decode("ab%", 3, 0));
}
END_TEST

START_TEST(log_json_lines_and_debug_filter)
{
	char *text = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&text, &len);

	log_set_stream(f);
	log_init("test", FG_LOG_JSON, 1);
	log_set_debug("http,sigv4");
	ck_assert(log_debug_enabled("http"));
	ck_assert(!log_debug_enabled("htt"));
	ck_assert(!log_debug_enabled("xml"));
	log_debug("xml", "hidden");
	log_debug("sigv4", "shown \"quoted\"\n");
	log_warnx("plain %d", 7);
	fclose(f);
	ck_assert_ptr_null(strstr(text, "hidden"));
	ck_assert_ptr_nonnull(strstr(text, "\"subsystem\":\"sigv4\",\"msg\":\"shown \\\"quoted\\\"\\n\"}"));
	ck_assert_ptr_nonnull(strstr(text, "\"level\":\"warning\",\"prog\":\"test\",\"msg\":\"plain 7\"}"));
	free(text);
	log_set_stream(NULL);
	log_set_debug(NULL);
	ck_assert(!log_debug_enabled("http"));
}
END_TEST

START_TEST(log_limited_suppresses_repeats)
{
	char *text = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&text, &len);
	struct log_limit lim = LOG_LIMIT_INIT(60000);
	int lines = 0;

	log_set_stream(f);
	log_init("test", FG_LOG_TEXT, 0);
	for (int i = 0; i < 50; i++)
		log_warnx_limited(&lim, "flaky %d", i);
	fclose(f);
	for (char *p = text; *p; p++)
		lines += *p == '\n';
	ck_assert_int_eq(lines, 1);
	ck_assert_uint_eq(lim.suppressed, 49);
	free(text);
	log_set_stream(NULL);
}
END_TEST

static void
fire(void *arg)
{
	(*(int *)arg)++;
}

START_TEST(loop_runs_timers)
{
	struct fg_loop *l = fg_loop_new();
	int fired = 0;
	struct fg_timer *t = fg_timer_new(l, fire, &fired);
	uint64_t start = fg_mono_ms();

	fg_timer_add(t, 20);
	ck_assert(fg_timer_pending(t));
	fg_loop_run(l);
	ck_assert_int_eq(fired, 1);
	ck_assert(fg_mono_ms() - start >= 19);
	ck_assert(!fg_timer_pending(t));
	fg_timer_free(t);
	fg_loop_free(l);
}
END_TEST

static Suite *
base_suite(void)
{
	Suite *s = suite_create("base");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, buf_grows_and_formats);
	tcase_add_test(tc, headers_are_case_insensitive);
	tcase_add_test(tc, url_parses_parts);
	tcase_add_test(tc, url_rejects_bad_input);
	tcase_add_test(tc, uri_encode_roundtrip);
	tcase_add_test(tc, log_json_lines_and_debug_filter);
	tcase_add_test(tc, log_limited_suppresses_repeats);
	tcase_add_test(tc, loop_runs_timers);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	SRunner *sr = srunner_create(base_suite());
	int failed;

	srunner_run_all(sr, CK_ENV);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? 1 : 0;
}
