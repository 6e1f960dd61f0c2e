/* plugin_testlib.c: JSON and XML texts parsed for a plugin unit test, freed by its teardown. */
#include "config.h"

#include <check.h>
#include <string.h>

#include "plugin_testlib.h"

static fg_json trees[128];
static size_t ntrees;
static struct fg_xml *docs[16];
static size_t ndocs;

/* Parses JSON text (freed by ptl_free) or fails the test. */
fg_json
ptl_json(const char *text)
{
	char *err = NULL;
	fg_json v = fg_json_parse(text, strlen(text), &err);

	ck_assert_msg(v != NULL, "%s: %s", text, err);
	ck_assert_uint_lt(ntrees, sizeof(trees) / sizeof(trees[0]));
	trees[ntrees++] = v;
	return v;
}

/* Parses an XML text (freed by ptl_free) or fails the test: its root element. */
const struct fugue_xml *
ptl_xml(const char *text)
{
	char *err = NULL;
	struct fg_xml *x = fg_xml_parse(text, strlen(text), &err);

	ck_assert_msg(x != NULL, "%s: %s", text, err);
	ck_assert_uint_lt(ndocs, sizeof(docs) / sizeof(docs[0]));
	docs[ndocs++] = x;
	return (const struct fugue_xml *)x;
}

/* Frees what the test parsed. */
void
ptl_free(void)
{
	while (ntrees > 0)
		fg_json_free(trees[--ntrees]);
	while (ndocs > 0)
		fg_xml_free(docs[--ndocs]);
}
