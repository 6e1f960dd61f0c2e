/* fuzz_sqs_req.c: libFuzzer target for localcloud's SQS request readers: form decoding, the
 * flattened-query to JSON conversion and the JSON shape check of every action, and the message
 * attribute rules and MD5. Input: one byte choosing the action and protocol, then the body. */
#include "config.h"

#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "sqs.h"

int LLVMFuzzerTestOneInput(const uint8_t *, size_t);

static const char *const actions[] = {
	"ChangeMessageVisibilityBatch", "CreateQueue", "DeleteMessageBatch", "GetQueueAttributes",
	"ListQueues", "ReceiveMessage", "SendMessage", "SendMessageBatch", "SetQueueAttributes",
	"TagQueue", "UntagQueue",
};

/* Checks the attributes of a message (or of each batch entry) like SendMessage does. */
static void
attrs(fg_json in)
{
	fg_json entries = fg_json_get(in, "Entries");
	size_t n = entries ? fg_json_len(entries) : 1;

	for (size_t i = 0; i < n; i++) {
		fg_json e = entries ? fg_json_at(entries, i) : in;
		fg_json a = fg_json_get(e, "MessageAttributes");
		char *err = NULL, md5[33];
		size_t bytes = 0;

		if (sqs_attrs_check(a, 0, &bytes, &err) == 0)
			sqs_attrs_md5(a, md5);
		else if (err == NULL)
			abort();
		free(err);
		err = NULL;
		if (sqs_attrs_check(fg_json_get(e, "MessageSystemAttributes"), 1, &bytes, &err) != 0 &&
		    err == NULL)
			abort();
		free(err);
	}
}

/* Reads the body with the chosen action's shape in the chosen protocol. */
int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t len)
{
	const struct sqs_shape *sh;
	struct lc_params p = { 0 };
	char *err = NULL;
	fg_json v;

	if (len < 1)
		return 0;
	sh = sqs_action_shape(actions[(data[0] >> 1) % FG_ARRAY_LEN(actions)]);
	if (data[0] & 1) {
		v = fg_json_parse((const char *)data + 1, len - 1, &err);
		if (v && sqs_json_check(v, sh, &err) == 0) {
			if (err)
				abort();
			attrs(v);
		}
	} else {
		v = NULL;
		if (lc_params_parse(&p, (const char *)data + 1, len - 1, &err) == 0) {
			v = sqs_query_to_json(&p, sh, &err);
			if (v)
				attrs(v);
			else if (err == NULL)
				abort();
		}
		lc_params_free(&p);
	}
	free(err);
	fg_json_free(v);
	return 0;
}
