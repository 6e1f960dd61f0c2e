/* ec2_testlib.h: helpers for the ec2 plugin's unit tests: the described item of a reply, the
 * observed JSON of an item, and chains whose plans are checked step by step. */
#ifndef FUGUE_EC2_TESTLIB_H
#define FUGUE_EC2_TESTLIB_H

#include <stdarg.h>

#include "../../plugins/ec2/ec2.h"
#include "plugin_testlib.h"

/* The first described item of a reply for kind k (inside its set item when k has inner). */
const struct fugue_xml *ec2t_item(const struct ekind *k, const char *reply);
/* Checks that kind k observes the first item of reply (region us-east-1) as want (JSON). */
void ec2t_observed(const struct ekind *k, const char *reply, const char *want);
/* A chain of no operation on id with desired and observed properties, for plans. */
void ec2t_chain(struct echain *e, const struct ekind *k, const char *id, const char *want,
    const char *have);
/* Checks the chain's plan: each "Action k=v k=v ..." of ap in order, then NULL; clears it. */
void ec2t_steps(struct echain *e, va_list ap);

#endif
