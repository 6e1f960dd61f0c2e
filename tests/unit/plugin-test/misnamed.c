/* misnamed.c: a test plugin whose name field is not its file name. */
#include "fugue/broker.h"

static const struct fugue_type types[] = { { .name = "AWS.Test.Misnamed" } };

const struct fugue_broker misnamed_LTX_fugue_broker = {
	.abi_major = FUGUE_BROKER_ABI_MAJOR,
	.abi_minor = FUGUE_BROKER_ABI_MINOR,
	.name = "other",
	.types = types,
	.ntypes = 1,
};
