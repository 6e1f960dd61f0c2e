/* minor.c: a test plugin built against a newer minor version of the broker ABI. */
#include "fugue/broker.h"

const struct fugue_broker minor_LTX_fugue_broker = {
	.abi_major = FUGUE_BROKER_ABI_MAJOR,
	.abi_minor = FUGUE_BROKER_ABI_MINOR + 1,
	.name = "minor",
};
