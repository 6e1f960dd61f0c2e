/* ec2_run.c: RunInstances: its parameters, addresses in the subnet, MinCount/MaxCount, and
 * ClientToken idempotency (the same token and parameters give the same reservation). */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ec2.h"
#include "iam.h"
#include "sigv4.h"

#define MAX_TOKEN 64
#define MAX_GROUPS 5                /* security groups of an instance */
#define MAX_USER_DATA 16384         /* bytes, decoded */
#define DEFAULT_TYPE "m1.small"
#define FIRST_HOST 4                /* the first address of a subnet an instance can have */

static const char *const other_tag_types[] = { "volume", "network-interface", NULL };

/* What RunInstances launches, once its parameters are checked. */
struct launch {
	const struct ec2_subnet *subnet;
	const char *groups[MAX_GROUPS];
	size_t ngroups;
	char *profile_arn, *profile_id;
	fg_json tags;
	uint32_t ip;                    /* a PrivateIpAddress asked for, or 0 */
};

/* The SHA-256 (hex) of the parameters other than ClientToken and DryRun. */
static void
fingerprint(fg_json in, char out[65])
{
	struct fg_jw jw;

	fg_jw_init(&jw, 0);
	fg_jw_obj(&jw);
	for (size_t i = 0; i < fg_json_len(in); i++) {
		const char *k = fg_json_key(in, i);

		if (strcmp(k, "ClientToken") == 0 || strcmp(k, "DryRun") == 0)
			continue;
		fg_jw_key(&jw, k);
		fg_jw_value(&jw, fg_json_at(in, i));
	}
	fg_jw_end_obj(&jw);
	fg_sha256_hex(fg_jw_text(&jw), strlen(fg_jw_text(&jw)), out);
	fg_jw_free(&jw);
}

/* Replies with a reservation. */
static enum lc_result
reservation_reply(struct lc_request *req, struct ec2_state *st, const struct ec2_instance *first)
{
	struct ec2_res **v = fg_calloc(st->n + 1, sizeof(*v));
	struct fg_buf *b = ec2_begin(req);
	size_t n = 0;

	EC2_EACH(st, EC2_INSTANCE, i)
		if (strcmp(((struct ec2_instance *)st->res[i])->reservation, first->reservation) == 0)
			v[n++] = st->res[i];
	ec2_reservation_write(b, st, first, v, n);
	free(v);
	return ec2_end(req);
}

/* An earlier launch with the token: 1 after replying with it (or with a mismatch error when
 * its parameters' fingerprint differs), 0 when there is none. */
static int
idempotent(struct lc_request *req, struct ec2_state *st, const char *token, const char *print)
{
	EC2_EACH(st, EC2_INSTANCE, i) {
		const struct ec2_instance *inst = (const struct ec2_instance *)st->res[i];

		if (!ec2_mine(req, &inst->r) || inst->client_token == NULL ||
		    strcmp(inst->client_token, token) != 0)
			continue;
		if (strcmp(inst->fingerprint, print) != 0)
			ec2_error(req, "IdempotentParameterMismatch", "Arguments on this idempotent "
			    "request are inconsistent with arguments used in previous request(s).");
		else
			reservation_reply(req, st, inst);
		return 1;
	}
	return 0;
}

/* Checks an instance type's form ("t3.micro"); -1 after replying. */
int
ec2_type_check(struct lc_request *req, const char *type)
{
	const char *dot = strchr(type, '.');
	size_t n = strlen(type);

	if (n < 3 || n >= 32 || dot == NULL || dot == type || dot[1] == '\0' ||
	    strspn(type, "abcdefghijklmnopqrstuvwxyz0123456789-.") != n || strchr(dot + 1, '.')) {
		ec2_error(req, "InvalidParameterValue", "Invalid value '%.40s' for InstanceType.",
		    type);
		return -1;
	}
	return 0;
}

/* Resolves IamInstanceProfile (Arn or Name) through localcloud's IAM; -1 after replying. */
static int
profile_param(struct lc_request *req, struct ec2_state *st, fg_json in, struct launch *l)
{
	fg_json p = fg_json_get(in, "IamInstanceProfile");
	const char *arn = ec2_str(p, "Arn"), *name = ec2_str(p, "Name");
	struct iam_state *iam = lc_service_state(st->srv, "iam");
	const struct iam_entity *e = NULL;

	if (p == NULL)
		return 0;
	if (arn && strrchr(arn, '/'))
		name = strrchr(arn, '/') + 1;
	if (iam && name)
		e = iam_list_find(&iam->profiles, req->who.account, name);
	if (e == NULL || (arn && strcmp(e->arn, arn) != 0)) {
		ec2_error(req, "InvalidParameterValue", "Value (%.100s) for parameter "
		    "iamInstanceProfile.%s is invalid. Invalid IAM Instance Profile %s",
		    arn ? arn : name ? name : "", arn ? "arn" : "name", arn ? "ARN" : "name");
		return -1;
	}
	l->profile_arn = fg_strdup(e->arn);
	l->profile_id = fg_strdup(e->id);
	return 0;
}

/* Reads the subnet and security groups; -1 after replying. */
static int
network_params(struct lc_request *req, struct ec2_state *st, fg_json in, struct launch *l)
{
	const char *zone = ec2_str(fg_json_get(in, "Placement"), "AvailabilityZone");
	fg_json ids = fg_json_get(in, "SecurityGroupIds");
	const struct ec2_vpc *v;

	if (fg_json_get(in, "NetworkInterfaces")) {
		ec2_error(req, "UnsupportedOperation", "localcloud does not implement "
		    "NetworkInterfaces: give SubnetId and SecurityGroupIds");
		return -1;
	}
	if (fg_json_len(fg_json_get(in, "SecurityGroups")) > 0 && ec2_str(in, "SubnetId")) {
		ec2_error(req, "InvalidParameterCombination", "The parameter groupName cannot be "
		    "used with the parameter subnet");
		return -1;
	}
	if (ec2_str(in, "SubnetId") == NULL) {
		ec2_error(req, "VPCIdNotSpecified", "No default VPC for this user");
		return -1;
	}
	if ((l->subnet = ec2_get(req, st, EC2_SUBNET, ec2_str(in, "SubnetId"), "SubnetId")) == NULL)
		return -1;
	if (zone && strcmp(zone, l->subnet->zone) != 0) {
		ec2_error(req, "InvalidParameterValue", "Value (%.40s) for parameter availabilityZone "
		    "is invalid: subnet %s is in %s", zone, l->subnet->r.id, l->subnet->zone);
		return -1;
	}
	if (fg_json_len(ids) > MAX_GROUPS) {
		ec2_error(req, "SecurityGroupsPerInterfaceLimitExceeded", "The maximum number of "
		    "security groups per interface (%d) has been reached.", MAX_GROUPS);
		return -1;
	}
	for (size_t i = 0; i < fg_json_len(ids); i++) {
		const struct ec2_sg *g = ec2_get(req, st, EC2_SG, fg_json_str(fg_json_at(ids, i)),
		    "SecurityGroupId");

		if (g == NULL)
			return -1;
		if (strcmp(g->vpc, l->subnet->vpc) != 0) {
			ec2_error(req, "InvalidParameter", "Security group %s and subnet %s belong to "
			    "different networks.", g->r.id, l->subnet->r.id);
			return -1;
		}
		l->groups[l->ngroups++] = g->r.id;
	}
	if (l->ngroups == 0 && (v = ec2_sibling(st, &l->subnet->r, EC2_VPC, l->subnet->vpc)))
		l->groups[l->ngroups++] = v->default_sg;
	return 0;
}

/* Says whether an address of a subnet is taken by an instance not terminated. */
static int
ip_taken(const struct ec2_state *st, const struct ec2_subnet *s, uint32_t ip, int64_t now)
{
	EC2_EACH(st, EC2_INSTANCE, i) {
		const struct ec2_instance *in = (const struct ec2_instance *)st->res[i];

		if (in->ip == ip && strcmp(in->subnet, s->r.id) == 0 &&
		    ec2_instance_state(in, now) != EC2_TERMINATED)
			return 1;
	}
	return 0;
}

/* The lowest free address of a subnet at or above from, or 0 when none is left. */
static uint32_t
free_ip(const struct ec2_state *st, const struct ec2_subnet *s, uint32_t from, int64_t now)
{
	uint32_t last = s->cidr.net + (uint32_t)ec2_cidr_size(&s->cidr) - 2;

	for (uint32_t ip = from; ip <= last; ip++)
		if (!ip_taken(st, s, ip, now))
			return ip;
	return 0;
}

/* Reads PrivateIpAddress; -1 after replying. */
static int
ip_param(struct lc_request *req, struct ec2_state *st, fg_json in, int64_t max,
    struct launch *l)
{
	const char *text = ec2_str(in, "PrivateIpAddress");
	const struct ec2_subnet *s = l->subnet;
	struct ec2_cidr c;
	char *cidr;
	int bad;

	if (text == NULL)
		return 0;
	if (max > 1) {
		ec2_error(req, "InvalidParameterCombination", "PrivateIpAddress can only be given "
		    "when launching one instance (MaxCount 1)");
		return -1;
	}
	cidr = fg_printf("%.20s/32", text);
	bad = ec2_cidr_parse(cidr, &c) != 0;
	free(cidr);
	if (bad || !ec2_cidr_contains(&s->cidr, &c) || c.net < s->cidr.net + FIRST_HOST ||
	    c.net > s->cidr.net + ec2_cidr_size(&s->cidr) - 2) {
		ec2_error(req, "InvalidParameterValue", "Address %.40s does not fall within the "
		    "subnet's address range", text);
		return -1;
	}
	if (ip_taken(st, s, c.net, fg_wall_ms())) {
		ec2_error(req, "InvalidIPAddress.InUse", "Address %s is in use.", text);
		return -1;
	}
	l->ip = c.net;
	return 0;
}

/* Checks UserData (base64, at most MAX_USER_DATA bytes); -1 after replying. */
int
ec2_user_data_check(struct lc_request *req, const char *data)
{
	unsigned char *raw;
	size_t n;

	if (data == NULL)
		return 0;
	if ((raw = fg_base64_decode(data, &n)) == NULL || n > MAX_USER_DATA) {
		ec2_error(req, "InvalidParameterValue", raw ? "User data is limited to %d bytes" :
		    "Invalid BASE64 encoding of user data.", MAX_USER_DATA);
		free(raw);
		return -1;
	}
	free(raw);
	return 0;
}

/* Reads and checks everything but the counts; -1 after replying. */
static int
launch_params(struct lc_request *req, struct ec2_state *st, fg_json in, int64_t max,
    struct launch *l)
{
	const char *image = ec2_str(in, "ImageId"), *type = ec2_str(in, "InstanceType");
	const char *shutdown = ec2_str(in, "InstanceInitiatedShutdownBehavior");

	if (image == NULL) {
		ec2_error(req, "MissingParameter", "The request must contain the parameter ImageId");
		return -1;
	}
	if (!ec2_id_ok(image, "ami")) {
		ec2_error(req, "InvalidAMIID.Malformed", "Invalid id: \"%.100s\" (expecting "
		    "\"ami-...\")", image);
		return -1;
	}
	if (ec2_image_find(image) == NULL) {
		ec2_error(req, "InvalidAMIID.NotFound", "The image id '[%s]' does not exist", image);
		return -1;
	}
	if ((type && ec2_type_check(req, type) != 0) || network_params(req, st, in, l) != 0 ||
	    ip_param(req, st, in, max, l) != 0 || ec2_user_data_check(req, ec2_str(in, "UserData")))
		return -1;
	if (shutdown && strcmp(shutdown, "stop") != 0 && strcmp(shutdown, "terminate") != 0) {
		ec2_error(req, "InvalidParameterValue", "Value (%.40s) for parameter "
		    "instanceInitiatedShutdownBehavior is invalid: stop or terminate", shutdown);
		return -1;
	}
	return profile_param(req, st, in, l) != 0 ||
	    ec2_tagspec(req, in, "instance", other_tag_types, &l->tags) != 0 ? -1 : 0;
}

/* How many instances can be launched (at most max): free addresses and the instance limit;
 * -1 after replying when fewer than min. */
static int64_t
capacity(struct lc_request *req, struct ec2_state *st, const struct launch *l, int64_t min,
    int64_t max)
{
	int64_t now = fg_wall_ms(), live = 0, addresses = 0, n;

	EC2_EACH(st, EC2_INSTANCE, i)
		live += ec2_mine(req, st->res[i]) && ec2_instance_state((const struct ec2_instance *)
		    st->res[i], now) != EC2_TERMINATED;
	for (uint32_t ip = free_ip(st, l->subnet, l->subnet->cidr.net + FIRST_HOST, now);
	    ip && addresses < max; ip = free_ip(st, l->subnet, ip + 1, now))
		addresses++;
	n = addresses < EC2_MAX_INSTANCES - live ? addresses : EC2_MAX_INSTANCES - live;
	n = n < max ? n : max;
	if (n >= min)
		return n;
	if (addresses < min)
		ec2_error(req, "InsufficientFreeAddressesInSubnet", "There are not enough free "
		    "addresses in subnet '%s' to satisfy the requested number of instances.",
		    l->subnet->r.id);
	else
		ec2_error(req, "InstanceLimitExceeded", "You have requested more instances (%lld) "
		    "than your current instance limit of %d allows.", (long long)min,
		    EC2_MAX_INSTANCES);
	return -1;
}

/* Launches n instances of a checked request. */
static struct ec2_instance *
launch(struct lc_request *req, struct ec2_state *st, fg_json in, const struct launch *l,
    int64_t n, const char *print)
{
	const char *type = ec2_str(in, "InstanceType"), *shutdown;
	const char *key = ec2_str(in, "KeyName"), *data = ec2_str(in, "UserData");
	const char *token = ec2_str(in, "ClientToken");
	struct ec2_instance *first = NULL;
	int64_t now = fg_wall_ms();
	char reservation[EC2_ID_MAX];
	uint32_t ip = l->subnet->cidr.net + FIRST_HOST;
	int no_terminate = 0, monitoring = 0, ebs = 0;

	shutdown = ec2_str(in, "InstanceInitiatedShutdownBehavior");
	fg_json_bool(fg_json_get(in, "DisableApiTermination"), &no_terminate);
	fg_json_bool(fg_json_get(fg_json_get(in, "Monitoring"), "Enabled"), &monitoring);
	fg_json_bool(fg_json_get(in, "EbsOptimized"), &ebs);
	ec2_new_id(st, "r", reservation);
	for (int64_t k = 0; k < n; k++) {
		struct ec2_instance *inst = ec2_res_new(st, req, EC2_INSTANCE, sizeof(*inst));

		strcpy(inst->reservation, reservation);
		strcpy(inst->image, ec2_str(in, "ImageId"));
		strcpy(inst->subnet, l->subnet->r.id);
		strcpy(inst->vpc, l->subnet->vpc);
		strcpy(inst->zone, l->subnet->zone);
		snprintf(inst->type, sizeof(inst->type), "%s", type ? type : DEFAULT_TYPE);
		snprintf(inst->shutdown, sizeof(inst->shutdown), "%s", shutdown ? shutdown : "stop");
		inst->ip = l->ip ? l->ip : (ip = free_ip(st, l->subnet, ip, now));
		inst->launch_index = (int)k;
		inst->groups = fg_calloc(l->ngroups, sizeof(*inst->groups));
		for (size_t i = 0; i < l->ngroups; i++)
			strcpy(inst->groups[i], l->groups[i]);
		inst->ngroups = l->ngroups;
		inst->key_name = key ? fg_strdup(key) : NULL;
		inst->user_data = data ? fg_strdup(data) : NULL;
		inst->profile_arn = l->profile_arn ? fg_strdup(l->profile_arn) : NULL;
		inst->profile_id = l->profile_id ? fg_strdup(l->profile_id) : NULL;
		inst->client_token = token ? fg_strdup(token) : NULL;
		strcpy(inst->fingerprint, print);
		inst->no_terminate = no_terminate;
		inst->source_dest_check = 1;
		inst->ebs_optimized = ebs;
		inst->monitoring = monitoring;
		inst->monitor_ms = monitoring ? now : 0;
		ec2_tags_apply(&inst->r, l->tags);
		if (first == NULL)
			first = inst;
	}
	return first;
}

/* RunInstances. */
enum lc_result
ec2_run_instances(struct lc_request *req, struct ec2_state *st, fg_json in)
{
	const char *token = ec2_str(in, "ClientToken");
	struct launch l = { 0 };
	enum lc_result r = LC_DONE;
	int64_t min = 0, max = 0, n;
	char print[65];

	fg_json_int(fg_json_get(in, "MinCount"), &min);
	fg_json_int(fg_json_get(in, "MaxCount"), &max);
	if (min < 1 || max < min) {
		ec2_error(req, "InvalidParameterValue", min < 1 ? "Value (%lld) for parameter "
		    "minCount is invalid. Expected a value greater than or equal to 1." : "Value "
		    "(%lld) for parameter maxCount is invalid. Expected a value greater than or equal "
		    "to minCount.", (long long)(min < 1 ? min : max));
		return LC_DONE;
	}
	if (token && (strlen(token) > MAX_TOKEN || *token == '\0')) {
		ec2_error(req, "InvalidParameterValue", "Value for parameter clientToken is invalid: "
		    "1 to %d characters", MAX_TOKEN);
		return LC_DONE;
	}
	fingerprint(in, print);
	if (token && idempotent(req, st, token, print))
		return LC_DONE;
	if (launch_params(req, st, in, max, &l) == 0 && (n = capacity(req, st, &l, min, max)) > 0)
		r = reservation_reply(req, st, launch(req, st, in, &l, n, print));
	free(l.profile_arn);
	free(l.profile_id);
	return r;
}
