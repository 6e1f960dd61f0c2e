/* check_engine_plugin.c: the plugin loader: ABI version and name checks first, with the exact
 * messages an operator sees; schemas; the real sqs and s3 modules of the build tree. */
#include "config.h"

#include <check.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "engine_int.h"

#define TEST_DIR TESTS_BUILDDIR "/plugin-test"
#define SCHEMA_DIR TESTS_SRCDIR "/plugin-test"

/* Loads one test module and returns the error (caller frees), or NULL. */
static char *
load_error(const char *name, const char *schema_dir)
{
	struct plugins *ps = plugins_new();
	char *path = fg_printf("%s/%s", TEST_DIR, name), *err = NULL;
	int rc = plugins_load(ps, path, schema_dir, &err);

	ck_assert_int_eq(rc, err ? -1 : 0);
	plugins_free(ps);
	free(path);
	return err;
}

START_TEST(test_abi_major)
{
	char *err = load_error("abi2", SCHEMA_DIR);
	char *want = fg_printf("plugin %s/abi2.la: built for broker ABI %d.0, this Conductor "
	    "speaks %d.%d: rebuild the plugin against fugue/broker.h %d.x", TEST_DIR,
	    FUGUE_BROKER_ABI_MAJOR + 1, FUGUE_BROKER_ABI_MAJOR, FUGUE_BROKER_ABI_MINOR,
	    FUGUE_BROKER_ABI_MAJOR);

	ck_assert_str_eq(err, want);
	free(err);
	free(want);
}
END_TEST

START_TEST(test_abi_minor)
{
	char *err = load_error("minor", SCHEMA_DIR);
	char *want = fg_printf("plugin %s/minor.la: built for broker ABI %d.%d, this Conductor "
	    "speaks %d.%d: upgrade the Conductor, or rebuild the plugin against fugue/broker.h %d.x",
	    TEST_DIR, FUGUE_BROKER_ABI_MAJOR, FUGUE_BROKER_ABI_MINOR + 1, FUGUE_BROKER_ABI_MAJOR,
	    FUGUE_BROKER_ABI_MINOR, FUGUE_BROKER_ABI_MAJOR);

	ck_assert_str_eq(err, want);
	free(err);
	free(want);
}
END_TEST

START_TEST(test_name_and_symbol)
{
	char *err = load_error("misnamed", SCHEMA_DIR);
	char *want = fg_printf("plugin %s/misnamed.la: names itself \"other\", but a plugin's name "
	    "must be its file name \"misnamed\": rename the file or fix .name", TEST_DIR);

	ck_assert_str_eq(err, want);
	free(err);
	free(want);
	err = load_error("nosym", SCHEMA_DIR);
	want = fg_printf("plugin %s/nosym.la: does not export nosym_LTX_fugue_broker: a Fugue "
	    "plugin defines \"const struct fugue_broker nosym_LTX_fugue_broker\" (fugue/broker.h)",
	    TEST_DIR);
	ck_assert_str_eq(err, want);
	free(err);
	free(want);
	err = load_error("absent", SCHEMA_DIR);
	want = fg_printf("plugin %s/absent.so: cannot be loaded (", TEST_DIR);
	ck_assert_msg(strncmp(err, want, strlen(want)) == 0, "%s", err);
	ck_assert_ptr_nonnull(strstr(err, "it must be a libtool module built for this system"));
	free(err);
	free(want);
	err = load_error("Bad-Name", SCHEMA_DIR);
	ck_assert_ptr_nonnull(strstr(err, "is not a plugin name"));
	free(err);
}
END_TEST

START_TEST(test_schema)
{
	struct plugins *ps = plugins_new();
	char *err = NULL, *want;
	const struct ptype *pt;

	/* Without its schema a plugin is refused, naming the file to install. */
	err = load_error("okplug", TESTS_SRCDIR "/data");
	want = fg_printf("plugin %s/okplug.la: the schema of AWS.Test.Thing cannot be read (%s/data/"
	    "okplug/schemas/Thing.json: No such file or directory): install schemas/Thing.json "
	    "beside the module", TEST_DIR, TESTS_SRCDIR);
	ck_assert_str_eq(err, want);
	free(err);
	free(want);
	ck_assert_int_eq(plugins_load(ps, TEST_DIR "/okplug", SCHEMA_DIR, &err), 0);
	pt = plugins_type(ps, "AWS.Test.Thing");
	ck_assert_ptr_nonnull(pt);
	ck_assert_str_eq(pt->identifier, "Name");
	ck_assert_int_eq(pt->id_is_prop, 1);
	ck_assert_int_eq(pt->tags, 0);
	ck_assert_int_eq(pt->regional, 0);
	ck_assert_ptr_nonnull(pt->t->read);
	ck_assert_ptr_null(pt->t->create);
	ck_assert_str_eq(plugin_name(pt->plugin), "okplug");
	/* The same name twice is refused. */
	ck_assert_int_eq(plugins_load(ps, TEST_DIR "/okplug", SCHEMA_DIR, &err), -1);
	ck_assert_ptr_nonnull(strstr(err, "a plugin named okplug is already loaded"));
	free(err);
	plugins_free(ps);
}
END_TEST

START_TEST(test_real_plugins)
{
	struct plugins *ps = plugins_new();
	char *err = NULL;
	const struct ptype *q, *b;

	ck_assert_msg(plugins_load_dirs(ps, TOP_BUILDDIR "/plugins/sqs:" TOP_BUILDDIR "/plugins/s3",
	    TOP_SRCDIR "/plugins", &err) == 0, "%s", err);
	ck_assert_uint_eq(plugins_count(ps), 2);
	q = plugins_type(ps, "AWS.SQS.Queue");
	b = plugins_type(ps, "AWS.S3.Bucket");
	ck_assert_ptr_nonnull(q);
	ck_assert_ptr_nonnull(b);
	ck_assert_str_eq(q->identifier, "QueueUrl");
	ck_assert_str_eq(q->service, "sqs");
	ck_assert_int_eq(q->tags, 1);
	ck_assert_int_eq(q->regional, 1);
	ck_assert_int_eq(q->id_is_prop, 0);
	ck_assert_str_eq(b->identifier, "Bucket");
	ck_assert_int_eq(b->id_is_prop, 1);
	ck_assert_ptr_nonnull(q->t->sweep);
	ck_assert_ptr_nonnull(b->t->update);
	plugins_free(ps);
	/* A directory that does not exist, and one without plugins. */
	ps = plugins_new();
	ck_assert_int_eq(plugins_load_dirs(ps, TESTS_BUILDDIR "/no-such-dir", NULL, &err), -1);
	ck_assert_str_eq(err, "plugin directory " TESTS_BUILDDIR "/no-such-dir: No such file or "
	    "directory");
	free(err);
	ck_assert_int_eq(plugins_load_dirs(ps, TESTS_SRCDIR "/data", NULL, &err), -1);
	ck_assert_str_eq(err, "no plugins in " TESTS_SRCDIR "/data: install the Fugue plugins "
	    "(sqs.so, s3.so, ...) there or point plugin_dir at them");
	free(err);
	plugins_free(ps);
}
END_TEST

START_TEST(test_installed_layout)
{
	/* An installed directory: okplug.la (libtool's installed form) beside okplug.so. */
	char dir[] = "/tmp/check_engine_plugin.XXXXXX", *la, *so, *cmd, *err = NULL;
	struct plugins *ps = plugins_new();

	ck_assert_ptr_nonnull(mkdtemp(dir));
	la = fg_printf("%s/okplug.la", dir);
	so = fg_printf("%s/okplug.so", dir);
	cmd = fg_printf("cp %s/.libs/okplug.lai %s", TEST_DIR, la);
	ck_assert_int_eq(system(cmd), 0);
	ck_assert_int_eq(symlink(TEST_DIR "/.libs/okplug.so", so), 0);
	ck_assert_msg(plugins_load_dirs(ps, dir, SCHEMA_DIR, &err) == 0, "%s", err);
	ck_assert_uint_eq(plugins_count(ps), 1);
	ck_assert_ptr_nonnull(plugins_type(ps, "AWS.Test.Thing"));
	plugins_free(ps);
	unlink(la);
	unlink(so);
	rmdir(dir);
	free(la);
	free(so);
	free(cmd);
}
END_TEST

/* The suite. */
static Suite *
engine_plugin_suite(void)
{
	Suite *s = suite_create("engine_plugin");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, test_abi_major);
	tcase_add_test(tc, test_abi_minor);
	tcase_add_test(tc, test_name_and_symbol);
	tcase_add_test(tc, test_schema);
	tcase_add_test(tc, test_real_plugins);
	tcase_add_test(tc, test_installed_layout);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	SRunner *sr = srunner_create(engine_plugin_suite());
	int failed;

	srunner_run_all(sr, CK_ENV);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed != 0;
}
