/* fuzz_json.c: libFuzzer target for the JSON reader (fg_json_parse): what it accepts must
 * survive a round trip through the writer unchanged, and error replies must still classify. */
#include "config.h"

#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "awserr.h"
#include "base.h"
#include "json.h"

int LLVMFuzzerTestOneInput(const uint8_t *, size_t);

/* Writes v compactly; caller frees. */
static char *
write_value(fg_json v)
{
	struct fg_jw w;
	char *s;

	fg_jw_init(&w, 0);
	fg_jw_value(&w, v);
	s = fg_jw_detach(&w);
	fg_jw_free(&w);
	return s;
}

/* Parses the input, writes it back, reads that and writes it again: both writes must agree. */
int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t len)
{
	char *err = NULL, *once, *twice;
	fg_json v = fg_json_parse((const char *)data, len, &err), again;
	struct fg_awserr e;
	int64_t i;
	double d;

	fg_awserr_parse(&e, FG_PROTO_JSON, 400, NULL, (const char *)data, len);
	if (e.code == NULL || e.message == NULL)
		abort();
	fg_awserr_free(&e);
	if (v == NULL) {
		if (err == NULL)
			abort();
		free(err);
		return 0;
	}
	(void)fg_json_int(fg_json_path(v, "0/a"), &i);
	(void)fg_json_double(fg_json_at(v, 0), &d);
	(void)fg_json_str(fg_json_get(v, fg_json_key(v, 0) ? fg_json_key(v, 0) : ""));
	once = write_value(v);
	again = fg_json_parse(once, strlen(once), &err);
	if (again == NULL)
		abort();
	twice = write_value(again);
	if (strcmp(once, twice) != 0)
		abort();
	free(once);
	free(twice);
	fg_json_free(again);
	fg_json_free(v);
	return 0;
}
