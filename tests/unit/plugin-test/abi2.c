/* abi2.c: a test plugin built for a broker ABI major this Conductor does not speak. */
#include "fugue/broker.h"

const struct fugue_broker abi2_LTX_fugue_broker = {
	.abi_major = FUGUE_BROKER_ABI_MAJOR + 1,
	.abi_minor = 0,
	.name = "abi2",
};
