/* bad.c: a broker module that breaks the ABI rules on purpose, so that selftest.py can show
 * that the conformance suite catches each: a minor version above the host's, a name that is
 * not the file name, a type named outside AWS.<Service>.<Type>, a type without delete, and a
 * second exported symbol. Never installed. */
#include "fugue/broker.h"

int bad_second_export(void);

/* Ends every operation at once (never called: the module fails before it is driven). */
static void
op_any(const struct fugue_host *h, struct fugue_op *op)
{
	h->op_done(op, FUGUE_E_FATAL, NULL, "bad module");
}

/* Exported on purpose: a plugin exports nothing but its entry symbol. */
int
bad_second_export(void)
{
	return 0;
}

static const struct fugue_type types[] = {
	{ .name = "AWS.Bad.Thing", .create = op_any, .read = op_any, .update = op_any },
	{ .name = "Thing", .create = op_any, .read = op_any, .delete = op_any },
};

const struct fugue_broker bad_LTX_fugue_broker = {
	.abi_major = FUGUE_BROKER_ABI_MAJOR,
	.abi_minor = FUGUE_BROKER_ABI_MINOR + 1,
	.name = "not_bad",
	.description = "breaks the rules on purpose",
	.types = types,
	.ntypes = sizeof(types) / sizeof(types[0]),
};
