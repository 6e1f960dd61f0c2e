/* ec2_res.c: EC2 resources: their kinds, ids, and the registry of every resource sorted by
 * id, with lookups that answer EC2's Malformed and NotFound errors. */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "ec2.h"
#include "sigv4.h"

/* In the order of their prefixes, which is the order of enum ec2_kind. */
const struct ec2_kind_def ec2_kinds[EC2_NKINDS] = {
	[EC2_INSTANCE] = { "i", "instance", "instance ID", "InvalidInstanceID.NotFound",
	    "InvalidInstanceID.Malformed", ec2_instance_clear },
	[EC2_IGW] = { "igw", "internet-gateway", "internetGateway ID",
	    "InvalidInternetGatewayID.NotFound", "InvalidInternetGatewayId.Malformed", NULL },
	[EC2_RTB] = { "rtb", "route-table", "routeTable ID", "InvalidRouteTableID.NotFound",
	    "InvalidRouteTableId.Malformed", ec2_rtb_clear },
	[EC2_SG] = { "sg", "security-group", "security group", "InvalidGroup.NotFound",
	    "InvalidGroupId.Malformed", ec2_sg_clear },
	[EC2_SUBNET] = { "subnet", "subnet", "subnet ID", "InvalidSubnetID.NotFound",
	    "InvalidSubnetID.Malformed", NULL },
	[EC2_VPC] = { "vpc", "vpc", "vpc ID", "InvalidVpcID.NotFound", "InvalidVpcID.Malformed",
	    NULL },
};

/* The index of the first resource whose id is not below key. */
static size_t
lower_bound(const struct ec2_state *st, const char *key)
{
	size_t lo = 0, hi = st->n;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (strcmp(st->res[mid]->id, key) < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

/* Any resource with this id, or NULL. */
struct ec2_res *
ec2_find(const struct ec2_state *st, const char *id)
{
	size_t i;

	if (id == NULL)
		return NULL;
	i = lower_bound(st, id);
	return i < st->n && strcmp(st->res[i]->id, id) == 0 ? st->res[i] : NULL;
}

/* The index of the first resource of a kind. */
size_t
ec2_kind_start(const struct ec2_state *st, enum ec2_kind kind)
{
	char key[EC2_ID_MAX];

	strcpy(key, ec2_kinds[kind].prefix);
	strcat(key, "-");
	return lower_bound(st, key);
}

/* A new id with the prefix that no resource has. */
void
ec2_new_id(const struct ec2_state *st, const char *prefix, char out[EC2_ID_MAX])
{
	unsigned char r[EC2_ID_HEX / 2 + 1];
	char hex[sizeof(r) * 2 + 1];

	do {
		fg_random_bytes(r, sizeof(r));
		fg_hex(r, sizeof(r), hex);
		hex[EC2_ID_HEX] = '\0';
		strcpy(out, prefix);
		strcat(out, "-");
		strcat(out, hex);
	} while (ec2_find(st, out) != NULL);
}

/* Says whether id is the prefix, '-' and 8 or 17 lower-case hex digits. */
int
ec2_id_ok(const char *id, const char *prefix)
{
	size_t n = strlen(prefix), d;

	if (id == NULL || strncmp(id, prefix, n) != 0 || id[n] != '-')
		return 0;
	d = strspn(id + n + 1, "0123456789abcdef");
	return id[n + 1 + d] == '\0' && (d == 8 || d == EC2_ID_HEX);
}

/* Allocates a resource and adds it in order. */
void *
ec2_res_add(struct ec2_state *st, enum ec2_kind kind, size_t size, const char *id,
    const char *account, const char *region, int64_t created_ms)
{
	struct ec2_res *r = fg_calloc(1, size);
	size_t i;

	r->kind = kind;
	if (id)
		strcpy(r->id, id);
	else
		ec2_new_id(st, ec2_kinds[kind].prefix, r->id);
	r->account = fg_strdup(account);
	r->region = fg_strdup(region);
	r->created_ms = created_ms;
	if (st->n == st->cap) {
		st->cap = st->cap ? st->cap * 2 : 64;
		st->res = fg_realloc(st->res, st->cap * sizeof(*st->res));
	}
	i = lower_bound(st, r->id);
	memmove(st->res + i + 1, st->res + i, (st->n - i) * sizeof(*st->res));
	st->res[i] = r;
	st->n++;
	return r;
}

/* A new resource of the caller's. */
void *
ec2_res_new(struct ec2_state *st, const struct lc_request *req, enum ec2_kind kind, size_t size)
{
	return ec2_res_add(st, kind, size, NULL, req->who.account, req->who.region,
	    fg_wall_ms());
}

/* Frees a resource. */
void
ec2_res_free(struct ec2_res *r)
{
	if (ec2_kinds[r->kind].clear)
		ec2_kinds[r->kind].clear(r);
	sqs_kv_free(r->tags, r->ntags);
	free(r->account);
	free(r->region);
	free(r);
}

/* Removes a resource from the registry and frees it. */
void
ec2_res_delete(struct ec2_state *st, struct ec2_res *r)
{
	size_t i = lower_bound(st, r->id);

	memmove(st->res + i, st->res + i + 1, (st->n - i - 1) * sizeof(*st->res));
	st->n--;
	ec2_res_free(r);
}

/* Says whether two resources are in the same account and region. */
static int
same_place(const struct ec2_res *a, const char *account, const char *region)
{
	return strcmp(a->account, account) == 0 && strcmp(a->region, region) == 0;
}

/* A resource of the kind near another one, or NULL. */
void *
ec2_sibling(const struct ec2_state *st, const struct ec2_res *near, enum ec2_kind kind,
    const char *id)
{
	struct ec2_res *r = ec2_find(st, id);

	return r && r->kind == kind && same_place(r, near->account, near->region) ? r : NULL;
}

/* Says whether a resource is the caller's. */
int
ec2_mine(const struct lc_request *req, const struct ec2_res *r)
{
	return same_place(r, req->who.account, req->who.region);
}

/* The caller's visible resource of a kind, or NULL after replying. */
void *
ec2_get(struct lc_request *req, struct ec2_state *st, enum ec2_kind kind, const char *id,
    const char *param)
{
	const struct ec2_kind_def *k = &ec2_kinds[kind];
	struct ec2_res *r;

	if (id == NULL) {
		ec2_error(req, "MissingParameter", "The request must contain the parameter %s",
		    param);
		return NULL;
	}
	if (!ec2_id_ok(id, k->prefix)) {
		ec2_error(req, k->malformed, "Invalid id: \"%.100s\" (expecting \"%s-...\")", id,
		    k->prefix);
		return NULL;
	}
	r = ec2_find(st, id);
	if (r == NULL || r->kind != kind || !ec2_mine(req, r) || !lc_visible(req, r->created_ms)) {
		ec2_error(req, k->not_found, "The %s '%s' does not exist", k->noun, id);
		return NULL;
	}
	return r;
}
