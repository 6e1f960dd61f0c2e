/* fuzz_composition.c: compiled compositions (and resources-table items) as the Conductor reads
 * them: comp_new, the plan, completed desired properties, which must equal themselves. */
#include "config.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include "engine_int.h"

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static struct plugins *ps;
static const struct fugue_type queue = { .name = "AWS.SQS.Queue" };
static const struct fugue_type bucket = { .name = "AWS.S3.Bucket" };

/* Reads a schema of the source tree. */
static fg_json
schema(const char *rel)
{
	char *path = fg_printf("%s/%s", SCHEMA_DIR, rel), *err = NULL;
	FILE *f = fopen(path, "rb");
	static char buf[1 << 16];
	size_t n;
	fg_json v;

	if (f == NULL)
		fatal("%s", path);
	n = fread(buf, 1, sizeof(buf), f);
	fclose(f);
	if ((v = fg_json_parse(buf, n, &err)) == NULL)
		fatalx("%s: %s", path, err);
	free(path);
	return v;
}

/* Loads the types of the first plugins. */
int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	char *err = NULL;

	(void)argc;
	(void)argv;
	ps = plugins_new();
	if (plugins_add_type(ps, "sqs", &queue, schema("sqs/schemas/Queue.json"), &err) < 0 ||
	    plugins_add_type(ps, "s3", &bucket, schema("s3/schemas/Bucket.json"), &err) < 0)
		fatalx("%s", err);
	return 0;
}

/* References resolve to nothing: every resource is new. */
static fg_json
no_ref(void *arg, const char *lid, const char *attr)
{
	(void)arg;
	(void)lid;
	(void)attr;
	return NULL;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *err = NULL;
	fg_json v = fg_json_parse((const char *)data, size, &err);
	struct comp *c;
	struct plan p;
	struct rrec *r;

	free(err);
	if (v == NULL)
		return 0;
	if ((r = rrec_read(v, &err)) != NULL) {
		struct fg_jw w;

		fg_jw_init(&w, 0);
		fg_jw_obj(&w);
		rrec_write(&w, r);
		fg_jw_end_obj(&w);
		fg_jw_free(&w);
		rrec_free(r);
	}
	free(err);
	err = NULL;
	c = comp_new(ps, v, &err);
	free(err);
	err = NULL;
	if (c != NULL) {
		for (size_t i = 0; i < c->n; i++) {
			fg_json want = desired_complete(c->res[i].pt, c->res[i].props, "fid", "lid");
			char h[65];
			int replace;

			json_hash(want, h);
			if (props_diff(c->res[i].pt, want, want, want, NULL, &replace) != 0)
				abort(); /* a value that differs from itself */
			fg_json_free(want);
		}
		if (plan_build(&p, c, NULL, 0, "fid", no_ref, NULL, &err) == 0) {
			struct fg_jw w;

			fg_jw_init(&w, 0);
			plan_write(&p, c, &w);
			fg_jw_free(&w);
			plan_free(&p);
		}
		free(err);
		comp_free(c);
	}
	fg_json_free(v);
	return 0;
}
