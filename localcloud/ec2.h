/* ec2.h: the EC2 service of localcloud (query protocol, API 2016-11-15): VPCs, subnets,
 * internet gateways, route tables, security groups, instances and tags, with EC2's filters,
 * pagination, ids and errors. */
#ifndef FUGUE_LC_EC2_H
#define FUGUE_LC_EC2_H

#include <stddef.h>
#include <stdint.h>

#include "lc.h"
#include "sqs.h" /* struct sqs_shape (request shapes) and struct sqs_kv (tags, sorted by key) */

#define EC2_XMLNS "http://ec2.amazonaws.com/doc/2016-11-15/"
#define EC2_ID_HEX 17               /* hex digits after the prefix: vpc-0123456789abcdef0 */
#define EC2_ID_MAX 40               /* room for "vpc-cidr-assoc-" and 17 digits */
#define EC2_CIDR_MAX 19             /* "255.255.255.255/32" */
#define EC2_MAX_TAGS 50             /* tags of one resource */
#define EC2_MAX_FILTER_VALUES 200   /* filter values of one call */
#define EC2_MAX_INSTANCES 1000      /* instances not terminated, per account and region */
#define EC2_BOOT_MS 1000            /* an instance is pending this long, then running */
#define EC2_STOP_MS 1000            /* and shutting-down (or stopping) this long, then
                                     * terminated (or stopped) */
#define EC2_MONITOR_MS 1000         /* monitoring is pending (or disabling) this long */
#define EC2_KEEP_MS (60 * 60 * 1000) /* a terminated instance stays listed this long */

/* ec2_cidr.c: IPv4 CIDR blocks. */
struct ec2_cidr {
	uint32_t net;               /* host order, host bits clear */
	int len;                    /* prefix length, 0..32 */
};
/* Parses "a.b.c.d/n" (decimal octets without leading zeros, n 0..32, host bits clear); -1
 * when it is not such a block. */
int ec2_cidr_parse(const char *, struct ec2_cidr *);
void ec2_cidr_format(const struct ec2_cidr *, char out[EC2_CIDR_MAX]);
int ec2_cidr_contains(const struct ec2_cidr *outer, const struct ec2_cidr *inner);
int ec2_cidr_overlap(const struct ec2_cidr *, const struct ec2_cidr *);
uint64_t ec2_cidr_size(const struct ec2_cidr *);
void ec2_ip_format(uint32_t, char out[16]);

/* ec2_res.c: resources: kinds, ids and the registry of every resource sorted by id (the
 * prefixes keep each kind together). */
enum ec2_kind { EC2_INSTANCE, EC2_IGW, EC2_RTB, EC2_SG, EC2_SUBNET, EC2_VPC, EC2_NKINDS };
struct ec2_res {
	enum ec2_kind kind;
	char id[EC2_ID_MAX];
	char *account;
	char *region;
	int64_t created_ms;
	struct sqs_kv *tags;        /* sorted by key */
	size_t ntags;
};
struct ec2_kind_def {
	const char *prefix;         /* "vpc" */
	const char *type;           /* tag resource type: "internet-gateway" */
	const char *noun;           /* in NotFound messages: "The vpc ID '%s' does not exist" */
	const char *not_found;      /* "InvalidVpcID.NotFound" */
	const char *malformed;      /* "InvalidVpcID.Malformed" */
	void (*clear)(struct ec2_res *); /* frees the kind's own parts, or NULL */
};
extern const struct ec2_kind_def ec2_kinds[EC2_NKINDS];
struct ec2_state {
	struct lc_server *srv;
	struct ec2_res **res;       /* sorted by id */
	size_t n, cap;
	int64_t purge_ms;           /* when the next terminated instance leaves (0: none) */
};
/* A new random id "<prefix>-<17 hex digits>" no resource has. */
void ec2_new_id(const struct ec2_state *, const char *prefix, char out[EC2_ID_MAX]);
/* Says whether id is "<prefix>-" and 8 or 17 lower-case hex digits. */
int ec2_id_ok(const char *id, const char *prefix);
/* Allocates a resource of size bytes (its struct ec2_res first) and adds it; id NULL makes a
 * new one. */
void *ec2_res_add(struct ec2_state *, enum ec2_kind, size_t size, const char *id,
    const char *account, const char *region, int64_t created_ms);
/* A new resource of the caller's, created now. */
void *ec2_res_new(struct ec2_state *, const struct lc_request *, enum ec2_kind, size_t size);
/* Removes a resource and frees it. */
void ec2_res_delete(struct ec2_state *, struct ec2_res *);
void ec2_res_free(struct ec2_res *);
/* Any resource with this id, or NULL. */
struct ec2_res *ec2_find(const struct ec2_state *, const char *id);
/* A resource of this kind in the same account and region as near, or NULL (no visibility
 * rules: for references between resources). */
void *ec2_sibling(const struct ec2_state *, const struct ec2_res *near, enum ec2_kind,
    const char *id);
/* Says whether the resource is the caller's (account and region). */
int ec2_mine(const struct lc_request *, const struct ec2_res *);
/* The caller's resource of the kind named by id, if the caller may see it yet; NULL after
 * replying with the kind's Malformed or NotFound error (MissingParameter when id is NULL). */
void *ec2_get(struct lc_request *, struct ec2_state *, enum ec2_kind, const char *id,
    const char *param);
/* Index of the first resource of a kind (iterate while res[i]->kind matches). */
size_t ec2_kind_start(const struct ec2_state *, enum ec2_kind);
#define EC2_EACH(st, k, i) \
	for (size_t i = ec2_kind_start((st), (k)); i < (st)->n && (st)->res[i]->kind == (k); i++)

/* ec2_filter.c: filters (wildcards * and ?, tag:K, tag-key, tag-value, owner-id) and
 * MaxResults/NextToken pagination. */
/* Matches s against an EC2 filter pattern: '*' any run, '?' zero or one character, '\' quotes. */
int ec2_glob(const char *pattern, const char *s);
struct ec2_match {
	fg_json patterns;           /* the filter's values */
	int hit;
	const struct ec2_state *st;
};
/* One filter name of a kind of item: fn emits the item's values for it. */
struct ec2_filter {
	const char *name;
	void (*fn)(struct ec2_match *, const void *item);
};
void ec2_emit(struct ec2_match *, const char *value);
void ec2_emit_int(struct ec2_match *, int64_t);
void ec2_emit_bool(struct ec2_match *, int);
void ec2_emit_cidr(struct ec2_match *, const struct ec2_cidr *);
/* The filter of a resource's own id ("vpc-id" of VPCs, "group-id" of groups). */
void ec2_f_id(struct ec2_match *, const void *item);
/* Checks the Filters member: names known (defs, and the resource filters when resources),
 * values present, at most EC2_MAX_FILTER_VALUES; -1 after replying. */
int ec2_filters_check(struct lc_request *, fg_json filters, const struct ec2_filter *,
    int resources);
/* Says whether an item passes every filter; res is the item as a resource (tags, owner), or
 * NULL. */
int ec2_filters_pass(const struct ec2_state *, fg_json filters, const struct ec2_filter *,
    const void *item, const struct ec2_res *res);
/* Pagination: items in a stable order, the token names the last one shown. */
struct ec2_page {
	int64_t max;                /* 0: everything */
	char *after;                /* the key of the last item shown before, or NULL */
	const char *what;           /* the token's tag: an action name */
};
/* Reads MaxResults (within [5, cap]) and NextToken; -1 after replying. */
int ec2_page_init(struct lc_request *, fg_json in, int64_t cap, const char *what,
    struct ec2_page *);
/* The NextToken naming the last key shown (caller frees). */
char *ec2_page_token(const struct ec2_page *, const char *last);
void ec2_page_free(struct ec2_page *);

/* ec2_describe.c: Describe actions of resources. */
struct ec2_query {
	enum ec2_kind kind;
	const char *ids;            /* input member of the ids ("VpcIds"), or NULL */
	const struct ec2_filter *filters; /* the kind's, NULL-name terminated */
	const char *set;            /* reply list element ("vpcSet") */
	void (*write)(struct fg_buf *, const struct ec2_state *, const struct ec2_res *);
	int64_t max_results;        /* the largest MaxResults (1000, or 100) */
	int ids_or_max;             /* MaxResults and ids may not come together */
};
/* Selects the page of the caller's resources an input asks for (ids, filters, token); sets
 * *out (caller frees the array) and *next (a token, or NULL); -1 after replying. */
int ec2_select(struct lc_request *, struct ec2_state *, fg_json in, const struct ec2_query *,
    struct ec2_res ***out, size_t *n, char **next);
/* A whole Describe reply: the set of items and nextToken. */
enum lc_result ec2_describe(struct lc_request *, struct ec2_state *, fg_json in,
    const struct ec2_query *);
/* Writes <tagSet> with the resource's tags. */
void ec2_tags_write(struct fg_buf *, const struct ec2_res *);

/* ec2_tags.c: tags, TagSpecifications and the tag actions. */
/* Reads the TagSpecifications of an action creating resources of type (for which the
 * others list more types that are accepted and not kept); *tags is the list to apply or
 * NULL; -1 after replying. */
int ec2_tagspec(struct lc_request *, fg_json in, const char *type, const char *const *others,
    fg_json *tags);
/* Sets tags ({Key, Value} list) on a resource. */
void ec2_tags_apply(struct ec2_res *, fg_json tags);
/* Checks a {Key, Value} list for resources that have existing tags (NULL: none yet);
 * -1 after replying. */
int ec2_tags_check(struct lc_request *, fg_json tags, const struct ec2_res *existing);
enum lc_result ec2_create_tags(struct lc_request *, struct ec2_state *, fg_json);
enum lc_result ec2_delete_tags(struct lc_request *, struct ec2_state *, fg_json);
enum lc_result ec2_describe_tags(struct lc_request *, struct ec2_state *, fg_json);

/* ec2.c: the service: dispatch, replies and errors in EC2's shapes, parameters. */
/* An error with status 400 (DryRunOperation 412, RequestLimitExceeded 503). */
void ec2_error(struct lc_request *, const char *code, const char *fmt, ...) FG_PRINTF(3, 4);
/* Opens <ActionResponse xmlns=...><requestId>; returns the body. */
struct fg_buf *ec2_begin(struct lc_request *);
enum lc_result ec2_end(struct lc_request *);
/* A reply with <return>true</return>. */
enum lc_result ec2_ok(struct lc_request *);
/* Input members. */
const char *ec2_str(fg_json in, const char *name);
/* Reads {"Value": bool} of member name; 1 when absent, 0 when read. */
int ec2_attr_bool(fg_json in, const char *name, int *out);
/* The state is to be saved. */
void ec2_changed(struct ec2_state *);
/* The input shape of an action (ec2_shape.c), or NULL. */
const struct sqs_shape *ec2_action_shape(const char *action);
/* Handlers. */
typedef enum lc_result (*ec2_handler)(struct lc_request *, struct ec2_state *, fg_json);

/* ec2_vpc.c: VPCs and their attributes. */
struct ec2_vpc {
	struct ec2_res r;
	struct ec2_cidr cidr;
	char assoc[EC2_ID_MAX];     /* the CIDR block's association id */
	char main_rtb[EC2_ID_MAX];
	char default_sg[EC2_ID_MAX];
	char tenancy[16];           /* default | dedicated */
	int dns_support, dns_hostnames, nau_metrics;
};
enum lc_result ec2_create_vpc(struct lc_request *, struct ec2_state *, fg_json);
enum lc_result ec2_delete_vpc(struct lc_request *, struct ec2_state *, fg_json);
enum lc_result ec2_describe_vpcs(struct lc_request *, struct ec2_state *, fg_json);
enum lc_result ec2_modify_vpc_attr(struct lc_request *, struct ec2_state *, fg_json);
enum lc_result ec2_describe_vpc_attr(struct lc_request *, struct ec2_state *, fg_json);
/* Reads a CIDR block parameter; -1 after replying InvalidParameterValue. */
int ec2_cidr_param(struct lc_request *, fg_json in, const char *name, struct ec2_cidr *);

/* ec2_subnet.c: subnets. */
struct ec2_subnet {
	struct ec2_res r;
	char vpc[EC2_ID_MAX];
	struct ec2_cidr cidr;
	char zone[32];
	int map_public_ip;
};
enum lc_result ec2_create_subnet(struct lc_request *, struct ec2_state *, fg_json);
enum lc_result ec2_delete_subnet(struct lc_request *, struct ec2_state *, fg_json);
enum lc_result ec2_describe_subnets(struct lc_request *, struct ec2_state *, fg_json);
enum lc_result ec2_modify_subnet_attr(struct lc_request *, struct ec2_state *, fg_json);

/* ec2_igw.c: internet gateways. */
struct ec2_igw {
	struct ec2_res r;
	char vpc[EC2_ID_MAX];       /* "" when detached */
};
enum lc_result ec2_create_igw(struct lc_request *, struct ec2_state *, fg_json);
enum lc_result ec2_delete_igw(struct lc_request *, struct ec2_state *, fg_json);
enum lc_result ec2_describe_igws(struct lc_request *, struct ec2_state *, fg_json);
enum lc_result ec2_attach_igw(struct lc_request *, struct ec2_state *, fg_json);
enum lc_result ec2_detach_igw(struct lc_request *, struct ec2_state *, fg_json);

/* ec2_rtb.c: route tables, routes and associations. */
struct ec2_route {
	struct ec2_cidr dest;
	char target[EC2_ID_MAX];    /* "local" or an internet gateway */
};
struct ec2_assoc {
	char id[EC2_ID_MAX];
	char subnet[EC2_ID_MAX];    /* "" for the main association */
};
struct ec2_rtb {
	struct ec2_res r;
	char vpc[EC2_ID_MAX];
	struct ec2_route *routes;   /* the local route first */
	size_t nroutes;
	struct ec2_assoc *assocs;
	size_t nassocs;
};
/* The main route table of a new VPC, with its local route and main association. */
struct ec2_rtb *ec2_rtb_main(struct ec2_state *, const struct lc_request *,
    const struct ec2_vpc *);
void ec2_rtb_clear(struct ec2_res *);
/* Takes a subnet out of any association. */
void ec2_rtb_unassociate(struct ec2_state *, const struct ec2_subnet *);
enum lc_result ec2_create_rtb(struct lc_request *, struct ec2_state *, fg_json);
enum lc_result ec2_delete_rtb(struct lc_request *, struct ec2_state *, fg_json);
enum lc_result ec2_describe_rtbs(struct lc_request *, struct ec2_state *, fg_json);
enum lc_result ec2_create_route(struct lc_request *, struct ec2_state *, fg_json);
enum lc_result ec2_replace_route(struct lc_request *, struct ec2_state *, fg_json);
enum lc_result ec2_delete_route(struct lc_request *, struct ec2_state *, fg_json);
enum lc_result ec2_associate_rtb(struct lc_request *, struct ec2_state *, fg_json);
enum lc_result ec2_disassociate_rtb(struct lc_request *, struct ec2_state *, fg_json);

/* ec2_sg.c: security groups and their rules. */
struct ec2_rule {
	char id[EC2_ID_MAX];        /* sgr-... */
	int egress;
	char proto[8];              /* "-1", "tcp", "udp", "icmp", "icmpv6" or a number */
	int from, to;               /* -1 with protocol -1 */
	struct ec2_cidr cidr;       /* when group is "" */
	char group[EC2_ID_MAX];     /* the peer group, or "" */
	char *desc;                 /* or NULL */
};
struct ec2_sg {
	struct ec2_res r;
	char vpc[EC2_ID_MAX];
	char *name;
	char *desc;
	struct ec2_rule *rules;
	size_t nrules;
};
/* The default security group of a new VPC. */
struct ec2_sg *ec2_sg_default(struct ec2_state *, const struct lc_request *,
    const struct ec2_vpc *);
void ec2_sg_clear(struct ec2_res *);
/* Says whether a group is named by another group's rule or used by an instance. */
int ec2_sg_in_use(const struct ec2_state *, const struct ec2_sg *);
/* The group named by GroupId (GroupName only reaches the default VPC, which localcloud does
 * not have); NULL after replying. */
struct ec2_sg *ec2_sg_param(struct lc_request *, struct ec2_state *, fg_json in);
/* Checks a group name or description, or a rule's description (param names it); -1 after
 * replying. */
int ec2_sg_text_check(struct lc_request *, const char *param, const char *, int required);
enum lc_result ec2_create_sg(struct lc_request *, struct ec2_state *, fg_json);
enum lc_result ec2_delete_sg(struct lc_request *, struct ec2_state *, fg_json);
enum lc_result ec2_describe_sgs(struct lc_request *, struct ec2_state *, fg_json);

/* ec2_sg_rule.c: security group rules. */
enum lc_result ec2_authorize_ingress(struct lc_request *, struct ec2_state *, fg_json);
enum lc_result ec2_authorize_egress(struct lc_request *, struct ec2_state *, fg_json);
enum lc_result ec2_revoke_ingress(struct lc_request *, struct ec2_state *, fg_json);
enum lc_result ec2_revoke_egress(struct lc_request *, struct ec2_state *, fg_json);

/* ec2_inst.c: instances. Their state follows from the clock: pending for EC2_BOOT_MS after
 * launch (or StartInstances), then running; stopping for EC2_STOP_MS after StopInstances,
 * then stopped; shutting-down for EC2_STOP_MS after TerminateInstances, then terminated, and
 * gone EC2_KEEP_MS later. */
enum ec2_istate {
	EC2_PENDING, EC2_RUNNING, EC2_SHUTTING_DOWN, EC2_TERMINATED, EC2_STOPPING, EC2_STOPPED,
};
struct ec2_instance {
	struct ec2_res r;           /* created_ms is the launch time */
	char reservation[EC2_ID_MAX];
	char image[EC2_ID_MAX];
	char subnet[EC2_ID_MAX];
	char vpc[EC2_ID_MAX];
	char zone[32];
	char type[32];
	char shutdown[16];          /* stop | terminate */
	uint32_t ip;
	int launch_index;
	char (*groups)[EC2_ID_MAX];
	size_t ngroups;
	char *key_name;             /* or NULL */
	char *user_data;            /* base64, or NULL */
	char *profile_arn;          /* the instance profile, or NULL */
	char *profile_id;
	char *client_token;         /* or NULL */
	char fingerprint[65];       /* SHA-256 of the RunInstances parameters */
	int64_t start_ms;           /* the last StartInstances, 0 before any */
	int64_t stop_ms;            /* StopInstances while stopping or stopped, else 0 */
	int64_t terminate_ms;       /* 0 until TerminateInstances */
	int64_t monitor_ms;         /* when monitoring last changed (0: never) */
	int monitoring;             /* detailed monitoring is (being) enabled */
	int no_terminate;           /* disableApiTermination */
	int source_dest_check;
	int ebs_optimized;
};
enum ec2_istate ec2_instance_state(const struct ec2_instance *, int64_t now);
/* Writes an instance (an instancesSet item's members). */
void ec2_instance_write(struct fg_buf *, const struct ec2_state *, const struct ec2_res *);
/* Writes a reservation's members: first's reservation with its instances among v[0..n). */
void ec2_reservation_write(struct fg_buf *, const struct ec2_state *,
    const struct ec2_instance *first, struct ec2_res **v, size_t n);
void ec2_instance_clear(struct ec2_res *);
/* Drops the instances terminated more than EC2_KEEP_MS ago. */
void ec2_instances_purge(struct ec2_state *, int64_t now);
/* The instances not yet terminated in the subnet (or, subnet NULL, in the VPC). */
size_t ec2_instances_in(const struct ec2_state *, const char *vpc, const char *subnet);
/* Writes <elem><code/><name/></elem> for a state. */
void ec2_istate_write(struct fg_buf *, const char *elem, enum ec2_istate);
/* Writes an instance's currentState (now) and previousState (prev). */
void ec2_istate_changed(struct fg_buf *, const struct ec2_instance *, enum ec2_istate prev,
    int64_t now);
/* The monitoring state of an instance now: disabled | disabling | enabled | pending. */
const char *ec2_monitoring_state(const struct ec2_instance *, int64_t now);

/* ec2_run.c: RunInstances, with ClientToken idempotency. */
enum lc_result ec2_run_instances(struct lc_request *, struct ec2_state *, fg_json);
enum lc_result ec2_describe_instances(struct lc_request *, struct ec2_state *, fg_json);
enum lc_result ec2_terminate_instances(struct lc_request *, struct ec2_state *, fg_json);
/* The caller's instances named by InstanceIds (caller frees); NULL after replying. */
struct ec2_res **ec2_instances_named(struct lc_request *, struct ec2_state *, fg_json in,
    size_t *n);
/* Checks an instance type's form ("t3.micro"); -1 after replying. */
int ec2_type_check(struct lc_request *, const char *type);
/* Checks user data (base64, at most 16 KiB decoded; NULL is none); -1 after replying. */
int ec2_user_data_check(struct lc_request *, const char *data);

/* ec2_power.c: StopInstances, StartInstances, MonitorInstances and UnmonitorInstances. */
enum lc_result ec2_stop_instances(struct lc_request *, struct ec2_state *, fg_json);
enum lc_result ec2_start_instances(struct lc_request *, struct ec2_state *, fg_json);
enum lc_result ec2_monitor_instances(struct lc_request *, struct ec2_state *, fg_json);
enum lc_result ec2_unmonitor_instances(struct lc_request *, struct ec2_state *, fg_json);

/* ec2_inst_attr.c: ModifyInstanceAttribute and DescribeInstanceAttribute. */
enum lc_result ec2_modify_instance_attr(struct lc_request *, struct ec2_state *, fg_json);
enum lc_result ec2_describe_instance_attr(struct lc_request *, struct ec2_state *, fg_json);

/* ec2_info.c: regions, availability zones and the fixed images. */
struct ec2_image {
	const char *id;
	const char *name;
	const char *description;
	const char *arch;           /* x86_64 | arm64 */
	const char *owner_alias;
	const char *owner_id;
	const char *created;
	const char *platform_details;
	const char *root_device;
};
const struct ec2_image *ec2_image_find(const char *id);
/* Says whether zone is one of region's; the default zone of a region into out. */
int ec2_zone_ok(const char *region, const char *zone);
void ec2_zone_default(const char *region, char out[32]);
/* The zone of a region with this zone id into out; -1 when there is none. */
int ec2_zone_by_id(const char *region, const char *zone_id, char out[32]);
/* The zone id of a zone ("use1-az1"). */
void ec2_zone_id(const char *zone, char out[32]);
enum lc_result ec2_describe_azs(struct lc_request *, struct ec2_state *, fg_json);
enum lc_result ec2_describe_regions(struct lc_request *, struct ec2_state *, fg_json);
enum lc_result ec2_describe_images(struct lc_request *, struct ec2_state *, fg_json);

/* ec2_store.c: the state as JSON in the state directory. */
void ec2_state_save(void *, struct fg_jw *);
int ec2_state_load(void *, fg_json, char **err);
void ec2_state_free(struct ec2_state *);

#endif
