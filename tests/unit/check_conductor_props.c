/* check_conductor_props.c: process properties (core/conductor/props.c), aliases, FIDs. */
#include "config.h"

#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "conductor.h"

/* Expects prop_set to fail with a message containing want. */
static void
expect_bad(struct proc_props *p, const char *name, const char *value, const char *want)
{
	char *err = NULL;

	ck_assert_int_eq(prop_set(p, name, value, &err), -1);
	ck_assert_msg(strstr(err, want) != NULL, "\"%s\" not in \"%s\"", want, err);
	free(err);
}

/* The properties as JSON text (caller frees). */
static char *
props_json(const struct proc_props *p, const char *name)
{
	struct fg_jw w;
	char *s;

	fg_jw_init(&w, 0);
	props_write(&w, p, name);
	s = fg_jw_detach(&w);
	fg_jw_free(&w);
	return s;
}

START_TEST(test_set)
{
	struct proc_props p;
	char *err = NULL, *s;

	props_default(&p, 60);
	s = props_json(&p, NULL);
	ck_assert_str_eq(s, "{\"alias\":\"\",\"enforcement\":\"on\",\"enforcement-interval\":60,"
	    "\"lock\":\"off\"}");
	free(s);
	ck_assert_int_eq(prop_set(&p, "alias", "web-1.prod_eu", &err), 0);
	ck_assert_int_eq(prop_set(&p, "enforcement", "off", &err), 0);
	ck_assert_int_eq(prop_set(&p, "enforcement-interval", "10", &err), 0);
	ck_assert_int_eq(prop_set(&p, "lock", "on", &err), 0);
	s = props_json(&p, NULL);
	ck_assert_str_eq(s, "{\"alias\":\"web-1.prod_eu\",\"enforcement\":\"off\","
	    "\"enforcement-interval\":10,\"lock\":\"on\"}");
	free(s);
	s = props_json(&p, "lock");
	ck_assert_str_eq(s, "{\"lock\":\"on\"}");
	free(s);
	ck_assert_int_eq(prop_set(&p, "enforcement-interval", "86400", &err), 0);
	ck_assert_int_eq(p.interval_s, 86400);
	/* "" removes the alias. */
	ck_assert_int_eq(prop_set(&p, "alias", "", &err), 0);
	ck_assert_ptr_null(p.alias);
	/* The table's ranges and types. */
	expect_bad(&p, "enforcement-interval", "9", "from 10 to 86400, not \"9\"");
	expect_bad(&p, "enforcement-interval", "86401", "from 10 to 86400");
	expect_bad(&p, "enforcement-interval", "1m", "a number of seconds");
	expect_bad(&p, "enforcement", "yes", "enforcement must be on or off, not \"yes\"");
	expect_bad(&p, "lock", "", "lock must be on or off");
	expect_bad(&p, "alias", "a b", "want 1 to 64 letters");
	expect_bad(&p, "alias", "0f8e2c1a-7b3d-4e5f-9a8b-1c2d3e4f5a6b", "looks like a FID");
	expect_bad(&p, "color", "red", "unknown property \"color\" (properties: alias, "
	    "enforcement, enforcement-interval, lock)");
	ck_assert_int_eq(p.interval_s, 86400);
	free(p.alias);
}
END_TEST

START_TEST(test_table)
{
	size_t i;

	/* Every property has a definition with help, and lookups find each. */
	ck_assert_int_eq(prop_ndefs, 4);
	for (i = 0; i < prop_ndefs; i++) {
		ck_assert_ptr_eq(prop_find(prop_defs[i].name), &prop_defs[i]);
		ck_assert_int_gt(strlen(prop_defs[i].help), 10);
	}
	ck_assert_ptr_null(prop_find("Lock"));
}
END_TEST

START_TEST(test_fid)
{
	char a[37], b[37], c[37];

	fid_from_request("7f0c2a4e-8c1b-4d2f-9a6e-3b5c7d9e1f20", a);
	fid_from_request("7f0c2a4e-8c1b-4d2f-9a6e-3b5c7d9e1f20", b);
	fid_from_request("7f0c2a4e-8c1b-4d2f-9a6e-3b5c7d9e1f21", c);
	/* Stable per request id, different across ids, shaped as a UUIDv4. */
	ck_assert_str_eq(a, b);
	ck_assert_str_ne(a, c);
	ck_assert(fid_like(a));
	ck_assert_int_eq(a[14], '4');
	ck_assert_ptr_nonnull(strchr("89ab", a[19]));
	ck_assert(!fid_like("0f8e2c1a-7b3d-4e5f-9a8b-1c2d3e4f5a6"));
	ck_assert(!fid_like("0f8e2c1a-7b3d-4e5f-9a8b-1c2d3e4f5a6bb"));
	ck_assert(!fid_like("0f8e2c1a+7b3d-4e5f-9a8b-1c2d3e4f5a6b"));
	ck_assert(!fid_like("0f8e2c1a-7b3d-4e5f-9a8b-1c2d3e4f5a6g"));
	ck_assert(fid_like("0F8E2C1A-7B3D-4E5F-9A8B-1C2D3E4F5A6B"));
}
END_TEST

START_TEST(test_commands)
{
	static const char *const names[] = { "run", "update", "status", "suspend", "resume",
		"kill", "history", "property-get", "property-set" };
	size_t i;

	/* The protocol's commands, and which of them have dry runs (doc/protocol.md). */
	for (i = 0; i < FG_ARRAY_LEN(names); i++)
		ck_assert_ptr_nonnull(command_find(names[i]));
	ck_assert_ptr_null(command_find("reboot"));
	ck_assert_int_eq(command_find("run")->dry_run, 1);
	ck_assert_int_eq(command_find("update")->dry_run, 1);
	ck_assert_int_eq(command_find("resume")->dry_run, 1);
	ck_assert_int_eq(command_find("kill")->dry_run, 1);
	ck_assert_int_eq(command_find("suspend")->dry_run, 0);
	ck_assert_int_eq(command_find("status")->needs_process, 0);
	ck_assert_int_eq(command_find("property-set")->mutates, 0);
	ck_assert_int_eq(command_find("kill")->mutates, 1);
}
END_TEST

/* The suite. */
static Suite *
props_suite(void)
{
	Suite *s = suite_create("conductor_props");
	TCase *tc = tcase_create("properties");

	tcase_add_test(tc, test_set);
	tcase_add_test(tc, test_table);
	tcase_add_test(tc, test_fid);
	tcase_add_test(tc, test_commands);
	suite_add_tcase(s, tc);
	return s;
}

/* Runs the suite. */
int
main(void)
{
	SRunner *sr = srunner_create(props_suite());
	int failed;

	srunner_run_all(sr, CK_ENV);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed != 0;
}
