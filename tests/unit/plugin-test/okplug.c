/* okplug.c: a well-formed test plugin with one type and no callbacks but read. */
#include "fugue/broker.h"

/* read: reports the resource with its physical id. */
static void
thing_read(const struct fugue_host *h, struct fugue_op *op)
{
	h->op_done(op, FUGUE_OK, "{\"Name\": \"x\"}", NULL);
}

static const struct fugue_type types[] = { { .name = "AWS.Test.Thing", .read = thing_read } };

const struct fugue_broker okplug_LTX_fugue_broker = {
	.abi_major = FUGUE_BROKER_ABI_MAJOR,
	.abi_minor = FUGUE_BROKER_ABI_MINOR,
	.name = "okplug",
	.description = "a test plugin",
	.types = types,
	.ntypes = 1,
};
