/* ec2_testlib.c: the ec2 plugin's unit-test helpers: described items, observed JSON, plans. */
#include "config.h"

#include <check.h>
#include <string.h>

#include "ec2_testlib.h"

static const struct fugue_host *H = &host_api;

/* The first described item of a reply for kind k (inside its set item when k has inner). */
const struct fugue_xml *
ec2t_item(const struct ekind *k, const char *reply)
{
	const struct fugue_xml *item = H->x_find(ptl_xml(reply), k->set);

	if (item != NULL && k->inner != NULL)
		item = H->x_find(item, k->inner);
	ck_assert_ptr_nonnull(item);
	return item;
}

/* Checks that kind k observes the first item of reply (region us-east-1) as want (JSON). */
void
ec2t_observed(const struct ekind *k, const char *reply, const char *want)
{
	struct fugue_json *w = NULL;
	const char *got;

	ec2_observe(H, k, &w, ec2t_item(k, reply), "us-east-1");
	H->j_end_obj(w);
	got = H->j_text(w);
	ck_assert_msg(json_equal(ptl_json(got), ptl_json(want)), "got %s\nwant %s", got, want);
	H->j_free(w);
}

/* A chain of no operation on id with desired and observed properties, for plans. */
void
ec2t_chain(struct echain *e, const struct ekind *k, const char *id, const char *want,
    const char *have)
{
	memset(e, 0, sizeof(*e));
	preq_init(&e->r, H, NULL, NULL);
	e->k = k;
	e->id = (char *)id;
	e->want = (const struct fugue_value *)ptl_json(want);
	e->have = (const struct fugue_value *)ptl_json(have);
}

/* Checks the chain's plan: each "Action k=v k=v ..." of ap in order, then NULL; clears it. */
void
ec2t_steps(struct echain *e, va_list ap)
{
	struct pbuf got = { 0 };
	const char *want;
	size_t i = 0;

	while ((want = va_arg(ap, const char *)) != NULL) {
		ck_assert_msg(i < e->plan.n, "step %zu missing: %s", i, want);
		pbuf_free(&got);
		pbuf_add(&got, e->plan.v[i].action);
		for (size_t j = 0; j + 1 < e->plan.v[i].nkv; j += 2)
			pbuf_addf(&got, " %s=%s", e->plan.v[i].kv[j], e->plan.v[i].kv[j + 1]);
		ck_assert_str_eq(got.s, want);
		i++;
	}
	pbuf_free(&got);
	ck_assert_msg(i == e->plan.n, "%zu steps more than expected", e->plan.n - i);
	pplan_clear(&e->plan);
}
