/* fuzz_lc_config.c: localcloud's configuration file (YAML to JSON, then access keys and fault
 * rules) and the fault rules the admin path takes as JSON: nothing may crash or leak, a refusal
 * says why, and the rules taken are reported as JSON (GET /_localcloud/faults). */
#include "config.h"

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "lc.h"

int LLVMFuzzerTestOneInput(const uint8_t *, size_t);

static char *path;

/* The rules of srv as JSON text; caller frees. */
static char *
rules_text(const struct lc_server *srv)
{
	struct fg_jw w;
	char *s;

	fg_jw_init(&w, 0);
	lc_faults_write(srv, &w);
	s = fg_jw_detach(&w);
	fg_jw_free(&w);
	return s;
}

/* Frees what a configuration added to a bare server. */
static void
bare_free(struct lc_server *srv)
{
	lc_keys_free(srv);
	lc_faults_free(srv);
}

/* The rules the admin path reports must be a JSON array of one object per rule. */
static void
rules_report(const struct lc_server *srv)
{
	char *text = rules_text(srv), *err = NULL;
	fg_json v = fg_json_parse(text, strlen(text), &err);

	if (v == NULL || !YAJL_IS_ARRAY(v) || fg_json_len(v) != srv->nrules)
		abort();
	free(text);
	fg_json_free(v);
}

/* Reads the input as a configuration file, and as the JSON of the admin path. */
int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct lc_server srv = { 0 };
	char *err = NULL;
	FILE *f;
	fg_json v;

	if (path == NULL)
		path = fg_printf("/tmp/fuzz_lc_config.%ld.yaml", (long)getpid());
	if ((f = fopen(path, "wb")) == NULL || fwrite(data, 1, size, f) != size || fclose(f) != 0)
		abort();
	lc_key_add(&srv, LC_DEFAULT_ACCESS_KEY, LC_DEFAULT_SECRET_KEY, LC_DEFAULT_ACCOUNT,
	    LC_DEFAULT_USER_ARN, LC_DEFAULT_USER_ID);
	if (lc_config_load(&srv, path, &err) != 0) {
		if (err == NULL)
			abort();
		free(err);
		err = NULL;
	} else
		rules_report(&srv);
	bare_free(&srv);
	unlink(path);
	memset(&srv, 0, sizeof(srv));
	if ((v = fg_json_parse((const char *)data, size, &err)) != NULL &&
	    lc_faults_add(&srv, v, &err) == 0)
		rules_report(&srv);
	else if (err == NULL)
		abort();
	free(err);
	fg_json_free(v);
	lc_faults_free(&srv);
	return 0;
}
