/* fuzz_xml.c: libFuzzer target for the XML reply parser (fg_xml_parse), the lookups made in
 * what it parsed, the writer's escaping of the texts read, and the error reply reader. */
#include "config.h"

#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "awserr.h"
#include "base.h"
#include "xml.h"

int LLVMFuzzerTestOneInput(const uint8_t *, size_t);

/* Writes the text of every element as <v>escaped</v> and reads it back: it must be the same. */
static void
round_trip_texts(const struct fg_xml *n)
{
	for (; n != NULL; n = n->next) {
		struct fg_buf b;
		struct fg_xml *back;
		char *err = NULL;

		fg_buf_init(&b);
		fg_xml_elem(&b, "v", n->text);
		back = fg_xml_parse(b.data, b.len, &err);
		if (back == NULL || strcmp(back->text, n->text) != 0)
			abort();
		fg_xml_free(back);
		fg_buf_free(&b);
		round_trip_texts(n->child);
	}
}

/* Parses the input as a reply and as an error reply of each XML protocol. */
int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t len)
{
	static const enum fg_aws_proto protos[] = { FG_PROTO_QUERY, FG_PROTO_EC2,
		FG_PROTO_REST_XML };
	char *err = NULL;
	struct fg_xml *x = fg_xml_parse((const char *)data, len, &err);

	if (x == NULL) {
		if (err == NULL)
			abort();
		free(err);
	} else {
		struct fg_xml *m;

		for (m = fg_xml_find(x, "Error"); m != NULL; m = fg_xml_next_named(m))
			(void)fg_xml_text(m, "Code");
		(void)fg_xml_text(x, "Errors/Error/Message");
		round_trip_texts(x);
		fg_xml_free(x);
	}
	for (size_t i = 0; i < FG_ARRAY_LEN(protos); i++) {
		struct fg_awserr e;
		char *d;

		int status = 400 + (int)(len % 200);

		fg_awserr_parse(&e, protos[i], status, NULL, (const char *)data, len);
		if (e.code == NULL || e.message == NULL)
			abort();
		d = fg_awserr_describe(&e);
		free(d);
		fg_awserr_free(&e);
	}
	return 0;
}
