/* plugin_testlib.h: helpers for plugin unit tests driven through the Conductor's host: JSON
 * and XML texts parsed for a test and freed by its teardown. */
#ifndef FUGUE_PLUGIN_TESTLIB_H
#define FUGUE_PLUGIN_TESTLIB_H

#include "engine_int.h"
#include "xml.h"

/* Parses JSON text (freed by ptl_free) or fails the test. */
fg_json ptl_json(const char *text);
/* Parses an XML text (freed by ptl_free) or fails the test: its root element. */
const struct fugue_xml *ptl_xml(const char *text);
/* Frees what the test parsed (a teardown). */
void ptl_free(void);

#endif
