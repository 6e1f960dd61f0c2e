/* ec2_store.c: the EC2 state as JSON in the state directory: every resource with its kind's
 * members. */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ec2.h"

#define EC2_STATE_VERSION 2 /* bump when the layout below changes */

/* Writes a CIDR block member. */
static void
kcidr(struct fg_jw *jw, const char *key, const struct ec2_cidr *c)
{
	char s[EC2_CIDR_MAX];

	ec2_cidr_format(c, s);
	fg_jw_kstr(jw, key, s);
}

/* Writes the members of a VPC, subnet, gateway or route table. */
static void
save_network(struct fg_jw *jw, const struct ec2_res *r)
{
	const struct ec2_vpc *v = (const struct ec2_vpc *)r;
	const struct ec2_subnet *s = (const struct ec2_subnet *)r;
	const struct ec2_rtb *t = (const struct ec2_rtb *)r;

	switch (r->kind) {
	case EC2_VPC:
		kcidr(jw, "cidr", &v->cidr);
		fg_jw_kstr(jw, "assoc", v->assoc);
		fg_jw_kstr(jw, "main_rtb", v->main_rtb);
		fg_jw_kstr(jw, "default_sg", v->default_sg);
		fg_jw_kstr(jw, "tenancy", v->tenancy);
		fg_jw_kbool(jw, "dns_support", v->dns_support);
		fg_jw_kbool(jw, "dns_hostnames", v->dns_hostnames);
		fg_jw_kbool(jw, "nau_metrics", v->nau_metrics);
		break;
	case EC2_SUBNET:
		fg_jw_kstr(jw, "vpc", s->vpc);
		kcidr(jw, "cidr", &s->cidr);
		fg_jw_kstr(jw, "zone", s->zone);
		fg_jw_kbool(jw, "map_public_ip", s->map_public_ip);
		break;
	case EC2_IGW:
		fg_jw_kstr(jw, "vpc", ((const struct ec2_igw *)r)->vpc);
		break;
	default:
		fg_jw_kstr(jw, "vpc", t->vpc);
		fg_jw_key(jw, "routes");
		fg_jw_arr(jw);
		for (size_t i = 0; i < t->nroutes; i++) {
			fg_jw_obj(jw);
			kcidr(jw, "dest", &t->routes[i].dest);
			fg_jw_kstr(jw, "target", t->routes[i].target);
			fg_jw_end_obj(jw);
		}
		fg_jw_end_arr(jw);
		fg_jw_key(jw, "assocs");
		fg_jw_arr(jw);
		for (size_t i = 0; i < t->nassocs; i++) {
			fg_jw_obj(jw);
			fg_jw_kstr(jw, "id", t->assocs[i].id);
			fg_jw_kstr(jw, "subnet", t->assocs[i].subnet);
			fg_jw_end_obj(jw);
		}
		fg_jw_end_arr(jw);
		break;
	}
}

/* Writes the members of a security group. */
static void
save_sg(struct fg_jw *jw, const struct ec2_sg *g)
{
	fg_jw_kstr(jw, "vpc", g->vpc);
	fg_jw_kstr(jw, "name", g->name);
	fg_jw_kstr(jw, "desc", g->desc);
	fg_jw_key(jw, "rules");
	fg_jw_arr(jw);
	for (size_t i = 0; i < g->nrules; i++) {
		const struct ec2_rule *r = &g->rules[i];

		fg_jw_obj(jw);
		fg_jw_kstr(jw, "id", r->id);
		fg_jw_kbool(jw, "egress", r->egress);
		fg_jw_kstr(jw, "proto", r->proto);
		fg_jw_kint(jw, "from", r->from);
		fg_jw_kint(jw, "to", r->to);
		if (*r->group)
			fg_jw_kstr(jw, "group", r->group);
		else
			kcidr(jw, "cidr", &r->cidr);
		if (r->desc)
			fg_jw_kstr(jw, "desc", r->desc);
		fg_jw_end_obj(jw);
	}
	fg_jw_end_arr(jw);
}

/* Writes the members of an instance. */
static void
save_instance(struct fg_jw *jw, const struct ec2_instance *in)
{
	char ip[16];

	ec2_ip_format(in->ip, ip);
	fg_jw_kstr(jw, "reservation", in->reservation);
	fg_jw_kstr(jw, "image", in->image);
	fg_jw_kstr(jw, "subnet", in->subnet);
	fg_jw_kstr(jw, "vpc", in->vpc);
	fg_jw_kstr(jw, "zone", in->zone);
	fg_jw_kstr(jw, "type", in->type);
	fg_jw_kstr(jw, "shutdown", in->shutdown);
	fg_jw_kstr(jw, "ip", ip);
	fg_jw_kint(jw, "launch_index", in->launch_index);
	fg_jw_key(jw, "groups");
	fg_jw_arr(jw);
	for (size_t i = 0; i < in->ngroups; i++)
		fg_jw_str(jw, in->groups[i]);
	fg_jw_end_arr(jw);
	if (in->key_name)
		fg_jw_kstr(jw, "key_name", in->key_name);
	if (in->user_data)
		fg_jw_kstr(jw, "user_data", in->user_data);
	if (in->profile_arn) {
		fg_jw_kstr(jw, "profile_arn", in->profile_arn);
		fg_jw_kstr(jw, "profile_id", in->profile_id);
	}
	if (in->client_token)
		fg_jw_kstr(jw, "client_token", in->client_token);
	fg_jw_kstr(jw, "fingerprint", in->fingerprint);
	fg_jw_kint(jw, "start_ms", in->start_ms);
	fg_jw_kint(jw, "stop_ms", in->stop_ms);
	fg_jw_kint(jw, "terminate_ms", in->terminate_ms);
	fg_jw_kint(jw, "monitor_ms", in->monitor_ms);
	fg_jw_kbool(jw, "monitoring", in->monitoring);
	fg_jw_kbool(jw, "no_terminate", in->no_terminate);
	fg_jw_kbool(jw, "source_dest_check", in->source_dest_check);
	fg_jw_kbool(jw, "ebs_optimized", in->ebs_optimized);
}

/* Writes the whole EC2 state. */
void
ec2_state_save(void *arg, struct fg_jw *jw)
{
	struct ec2_state *st = arg;

	fg_jw_obj(jw);
	fg_jw_kint(jw, "version", EC2_STATE_VERSION);
	fg_jw_key(jw, "resources");
	fg_jw_arr(jw);
	for (size_t i = 0; i < st->n; i++) {
		const struct ec2_res *r = st->res[i];

		fg_jw_obj(jw);
		fg_jw_kstr(jw, "kind", ec2_kinds[r->kind].type);
		fg_jw_kstr(jw, "id", r->id);
		fg_jw_kstr(jw, "account", r->account);
		fg_jw_kstr(jw, "region", r->region);
		fg_jw_kint(jw, "created_ms", r->created_ms);
		fg_jw_key(jw, "tags");
		fg_jw_obj(jw);
		for (size_t j = 0; j < r->ntags; j++)
			fg_jw_kstr(jw, r->tags[j].key, r->tags[j].value);
		fg_jw_end_obj(jw);
		if (r->kind == EC2_SG)
			save_sg(jw, (const struct ec2_sg *)r);
		else if (r->kind == EC2_INSTANCE)
			save_instance(jw, (const struct ec2_instance *)r);
		else
			save_network(jw, r);
		fg_jw_end_obj(jw);
	}
	fg_jw_end_arr(jw);
	fg_jw_end_obj(jw);
}

/* A reader of one object of the file: the first problem is kept in *err. */
struct rd {
	fg_json o;
	const char *where;          /* "resource 3" */
	char **err;
};

/* Notes a problem with a member (the first one only). */
static void
rd_fail(struct rd *rd, const char *key, const char *what)
{
	if (*rd->err == NULL)
		*rd->err = fg_printf("%s: \"%s\" must be %s", rd->where, key, what);
}

/* A string member; optional ones may be absent (NULL). */
static const char *
rd_str(struct rd *rd, const char *key, int optional)
{
	fg_json v = fg_json_get(rd->o, key);

	if (v == NULL && optional)
		return NULL;
	if (fg_json_str(v) == NULL) {
		rd_fail(rd, key, "a string");
		return NULL;
	}
	return fg_json_str(v);
}

/* A copy of an optional string member, or NULL. */
static char *
rd_dup(struct rd *rd, const char *key)
{
	const char *s = rd_str(rd, key, 1);

	return s ? fg_strdup(s) : NULL;
}

/* A string member into a fixed buffer of size n. */
static void
rd_fixed(struct rd *rd, const char *key, char *out, size_t n)
{
	const char *s = rd_str(rd, key, 0);

	if (s && strlen(s) >= n)
		rd_fail(rd, key, "shorter");
	else if (s)
		strcpy(out, s);
}

/* An integer member. */
static int64_t
rd_int(struct rd *rd, const char *key)
{
	int64_t v = 0;

	if (fg_json_int(fg_json_get(rd->o, key), &v) != 0)
		rd_fail(rd, key, "an integer");
	return v;
}

/* A boolean member. */
static int
rd_bool(struct rd *rd, const char *key)
{
	int v = 0;

	if (fg_json_bool(fg_json_get(rd->o, key), &v) != 0)
		rd_fail(rd, key, "true or false");
	return v;
}

/* A CIDR block member. */
static void
rd_cidr(struct rd *rd, const char *key, struct ec2_cidr *c)
{
	const char *s = rd_str(rd, key, 0);

	if (s && ec2_cidr_parse(s, c) != 0)
		rd_fail(rd, key, "a CIDR block");
}

/* An array member (its items read with item(rd of the item, i, arg)). */
static void
rd_arr(struct rd *rd, const char *key, void (*item)(struct rd *, size_t, void *), void *arg)
{
	fg_json a = fg_json_get(rd->o, key);

	if (!YAJL_IS_ARRAY(a)) {
		rd_fail(rd, key, "an array");
		return;
	}
	for (size_t i = 0; i < fg_json_len(a) && *rd->err == NULL; i++) {
		struct rd sub = { fg_json_at(a, i), rd->where, rd->err };

		if (!YAJL_IS_OBJECT(sub.o))
			rd_fail(rd, key, "an array of objects");
		else
			item(&sub, i, arg);
	}
}

/* Array items. */
static void
rd_route(struct rd *rd, size_t i, void *arg)
{
	struct ec2_rtb *t = arg;

	(void)i;
	t->routes = fg_realloc(t->routes, (t->nroutes + 1) * sizeof(*t->routes));
	memset(&t->routes[t->nroutes], 0, sizeof(*t->routes));
	rd_cidr(rd, "dest", &t->routes[t->nroutes].dest);
	rd_fixed(rd, "target", t->routes[t->nroutes].target, EC2_ID_MAX);
	t->nroutes++;
}

static void
rd_assoc(struct rd *rd, size_t i, void *arg)
{
	struct ec2_rtb *t = arg;

	(void)i;
	t->assocs = fg_realloc(t->assocs, (t->nassocs + 1) * sizeof(*t->assocs));
	memset(&t->assocs[t->nassocs], 0, sizeof(*t->assocs));
	rd_fixed(rd, "id", t->assocs[t->nassocs].id, EC2_ID_MAX);
	rd_fixed(rd, "subnet", t->assocs[t->nassocs].subnet, EC2_ID_MAX);
	t->nassocs++;
}

static void
rd_rule(struct rd *rd, size_t i, void *arg)
{
	struct ec2_sg *g = arg;
	struct ec2_rule *r;

	(void)i;
	g->rules = fg_realloc(g->rules, (g->nrules + 1) * sizeof(*g->rules));
	r = memset(&g->rules[g->nrules++], 0, sizeof(*r));
	rd_fixed(rd, "id", r->id, EC2_ID_MAX);
	r->egress = rd_bool(rd, "egress");
	rd_fixed(rd, "proto", r->proto, sizeof(r->proto));
	r->from = (int)rd_int(rd, "from");
	r->to = (int)rd_int(rd, "to");
	if (fg_json_get(rd->o, "group"))
		rd_fixed(rd, "group", r->group, EC2_ID_MAX);
	else
		rd_cidr(rd, "cidr", &r->cidr);
	r->desc = rd_dup(rd, "desc");
}

/* Reads the group ids of an instance (items of an array of strings). */
static void
rd_groups(struct rd *rd, const char *key, struct ec2_instance *in)
{
	fg_json a = fg_json_get(rd->o, key);

	if (!YAJL_IS_ARRAY(a)) {
		rd_fail(rd, key, "an array");
		return;
	}
	in->groups = fg_calloc(fg_json_len(a) + 1, sizeof(*in->groups));
	for (size_t i = 0; i < fg_json_len(a); i++) {
		const char *s = fg_json_str(fg_json_at(a, i));

		if (s == NULL || strlen(s) >= EC2_ID_MAX) {
			rd_fail(rd, key, "an array of group ids");
			return;
		}
		strcpy(in->groups[in->ngroups++], s);
	}
}

/* Reads the members of a resource's kind. */
static void
load_members(struct rd *rd, struct ec2_res *r)
{
	struct ec2_vpc *v = (struct ec2_vpc *)r;
	struct ec2_subnet *s = (struct ec2_subnet *)r;
	struct ec2_sg *g = (struct ec2_sg *)r;
	struct ec2_instance *in = (struct ec2_instance *)r;
	struct ec2_cidr ip;
	char *cidr;

	switch (r->kind) {
	case EC2_VPC:
		rd_cidr(rd, "cidr", &v->cidr);
		rd_fixed(rd, "assoc", v->assoc, EC2_ID_MAX);
		rd_fixed(rd, "main_rtb", v->main_rtb, EC2_ID_MAX);
		rd_fixed(rd, "default_sg", v->default_sg, EC2_ID_MAX);
		rd_fixed(rd, "tenancy", v->tenancy, sizeof(v->tenancy));
		v->dns_support = rd_bool(rd, "dns_support");
		v->dns_hostnames = rd_bool(rd, "dns_hostnames");
		v->nau_metrics = rd_bool(rd, "nau_metrics");
		break;
	case EC2_SUBNET:
		rd_fixed(rd, "vpc", s->vpc, EC2_ID_MAX);
		rd_cidr(rd, "cidr", &s->cidr);
		rd_fixed(rd, "zone", s->zone, sizeof(s->zone));
		s->map_public_ip = rd_bool(rd, "map_public_ip");
		break;
	case EC2_IGW:
		rd_fixed(rd, "vpc", ((struct ec2_igw *)r)->vpc, EC2_ID_MAX);
		break;
	case EC2_RTB:
		rd_fixed(rd, "vpc", ((struct ec2_rtb *)r)->vpc, EC2_ID_MAX);
		rd_arr(rd, "routes", rd_route, r);
		rd_arr(rd, "assocs", rd_assoc, r);
		if (*rd->err == NULL && ((struct ec2_rtb *)r)->nroutes == 0)
			rd_fail(rd, "routes", "a list starting with the local route");
		break;
	case EC2_SG:
		rd_fixed(rd, "vpc", g->vpc, EC2_ID_MAX);
		g->name = rd_dup(rd, "name");
		g->desc = rd_dup(rd, "desc");
		rd_arr(rd, "rules", rd_rule, g);
		break;
	default:
		rd_fixed(rd, "reservation", in->reservation, EC2_ID_MAX);
		rd_fixed(rd, "image", in->image, EC2_ID_MAX);
		rd_fixed(rd, "subnet", in->subnet, EC2_ID_MAX);
		rd_fixed(rd, "vpc", in->vpc, EC2_ID_MAX);
		rd_fixed(rd, "zone", in->zone, sizeof(in->zone));
		rd_fixed(rd, "type", in->type, sizeof(in->type));
		rd_fixed(rd, "shutdown", in->shutdown, sizeof(in->shutdown));
		cidr = fg_printf("%.20s/32", rd_str(rd, "ip", 0) ? rd_str(rd, "ip", 0) : "");
		if (ec2_cidr_parse(cidr, &ip) != 0)
			rd_fail(rd, "ip", "an IPv4 address");
		free(cidr);
		in->ip = ip.net;
		in->launch_index = (int)rd_int(rd, "launch_index");
		rd_groups(rd, "groups", in);
		in->key_name = rd_dup(rd, "key_name");
		in->user_data = rd_dup(rd, "user_data");
		in->profile_arn = rd_dup(rd, "profile_arn");
		in->profile_id = rd_dup(rd, "profile_id");
		in->client_token = rd_dup(rd, "client_token");
		rd_fixed(rd, "fingerprint", in->fingerprint, sizeof(in->fingerprint));
		in->start_ms = rd_int(rd, "start_ms");
		in->stop_ms = rd_int(rd, "stop_ms");
		in->terminate_ms = rd_int(rd, "terminate_ms");
		in->monitor_ms = rd_int(rd, "monitor_ms");
		in->monitoring = rd_bool(rd, "monitoring");
		in->no_terminate = rd_bool(rd, "no_terminate");
		in->source_dest_check = rd_bool(rd, "source_dest_check");
		in->ebs_optimized = rd_bool(rd, "ebs_optimized");
		break;
	}
}

/* The struct size of a kind. */
static size_t
kind_size(enum ec2_kind k)
{
	static const size_t sizes[EC2_NKINDS] = {
		[EC2_INSTANCE] = sizeof(struct ec2_instance), [EC2_IGW] = sizeof(struct ec2_igw),
		[EC2_RTB] = sizeof(struct ec2_rtb), [EC2_SG] = sizeof(struct ec2_sg),
		[EC2_SUBNET] = sizeof(struct ec2_subnet), [EC2_VPC] = sizeof(struct ec2_vpc),
	};

	return sizes[k];
}

/* Reads one resource; -1 and *err when it is malformed. */
static int
load_resource(struct ec2_state *st, fg_json o, size_t idx, char **err)
{
	char where[32];
	struct rd rd = { o, where, err };
	const char *kind, *id, *account, *region;
	struct ec2_res *r;
	fg_json tags;
	int64_t created;
	int k;

	snprintf(where, sizeof(where), "resource %zu", idx);
	if (!YAJL_IS_OBJECT(o)) {
		*err = fg_printf("%s must be an object", where);
		return -1;
	}
	kind = rd_str(&rd, "kind", 0);
	for (k = 0; kind && k < EC2_NKINDS && strcmp(ec2_kinds[k].type, kind) != 0; k++)
		;
	id = rd_str(&rd, "id", 0);
	account = rd_str(&rd, "account", 0);
	region = rd_str(&rd, "region", 0);
	created = rd_int(&rd, "created_ms");
	tags = fg_json_get(o, "tags");
	if (*err == NULL && (k == EC2_NKINDS || !ec2_id_ok(id, ec2_kinds[k].prefix)))
		*err = fg_printf("%s: kind \"%s\" and id \"%s\" do not go together", where, kind, id);
	if (*err == NULL && ec2_find(st, id))
		*err = fg_printf("%s: id %s appears twice", where, id);
	if (*err == NULL && !YAJL_IS_OBJECT(tags))
		rd_fail(&rd, "tags", "an object");
	for (size_t i = 0; *err == NULL && i < fg_json_len(tags); i++)
		if (fg_json_str(fg_json_at(tags, i)) == NULL)
			rd_fail(&rd, "tags", "an object of strings");
	if (*err)
		return -1;
	r = ec2_res_add(st, (enum ec2_kind)k, kind_size((enum ec2_kind)k), id, account, region,
	    created);
	for (size_t i = 0; i < fg_json_len(tags); i++)
		sqs_kv_set(&r->tags, &r->ntags, fg_json_key(tags, i), fg_json_str(fg_json_at(tags, i)));
	load_members(&rd, r);
	if (*err) {
		ec2_res_delete(st, r);
		return -1;
	}
	return 0;
}

/* Reads the whole EC2 state. */
int
ec2_state_load(void *arg, fg_json v, char **err)
{
	struct ec2_state *st = arg;
	fg_json res = fg_json_get(v, "resources");
	int64_t version;

	if (fg_json_int(fg_json_get(v, "version"), &version) != 0 || version != EC2_STATE_VERSION) {
		*err = fg_printf("ec2 state: \"version\" must be %d", EC2_STATE_VERSION);
		return -1;
	}
	if (!YAJL_IS_ARRAY(res)) {
		*err = fg_printf("ec2 state: \"resources\" must be an array");
		return -1;
	}
	for (size_t i = 0; i < fg_json_len(res); i++)
		if (load_resource(st, fg_json_at(res, i), i, err) != 0)
			return -1;
	ec2_instances_purge(st, fg_wall_ms());
	return 0;
}

/* Frees the EC2 state. */
void
ec2_state_free(struct ec2_state *st)
{
	for (size_t i = 0; i < st->n; i++)
		ec2_res_free(st->res[i]);
	free(st->res);
	free(st);
}
