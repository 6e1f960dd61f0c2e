/* ec2_inst.c: instances: their state from the clock, how they are written (in reservations),
 * DescribeInstances and TerminateInstances. */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "ec2.h"
#include "xml.h"

#define INST(item) ((const struct ec2_instance *)(item))

static const struct {
	int code;
	const char *name;
} states[] = {
	[EC2_PENDING] = { 0, "pending" },
	[EC2_RUNNING] = { 16, "running" },
	[EC2_SHUTTING_DOWN] = { 32, "shutting-down" },
	[EC2_TERMINATED] = { 48, "terminated" },
	[EC2_STOPPING] = { 64, "stopping" },
	[EC2_STOPPED] = { 80, "stopped" },
};

/* The state of an instance now. */
enum ec2_istate
ec2_instance_state(const struct ec2_instance *in, int64_t now)
{
	if (in->terminate_ms)
		return now < in->terminate_ms + EC2_STOP_MS ? EC2_SHUTTING_DOWN : EC2_TERMINATED;
	if (in->stop_ms)
		return now < in->stop_ms + EC2_STOP_MS ? EC2_STOPPING : EC2_STOPPED;
	return now < (in->start_ms ? in->start_ms : in->r.created_ms) + EC2_BOOT_MS ? EC2_PENDING :
	    EC2_RUNNING;
}

/* The monitoring state of an instance now. */
const char *
ec2_monitoring_state(const struct ec2_instance *in, int64_t now)
{
	if (in->monitor_ms && now < in->monitor_ms + EC2_MONITOR_MS)
		return in->monitoring ? "pending" : "disabling";
	return in->monitoring ? "enabled" : "disabled";
}

/* Frees an instance's parts. */
void
ec2_instance_clear(struct ec2_res *r)
{
	struct ec2_instance *in = (struct ec2_instance *)r;

	free(in->groups);
	free(in->key_name);
	free(in->user_data);
	free(in->profile_arn);
	free(in->profile_id);
	free(in->client_token);
}

/* Drops instances terminated long enough ago; sets when the next one goes. */
void
ec2_instances_purge(struct ec2_state *st, int64_t now)
{
	st->purge_ms = 0;
	for (size_t i = ec2_kind_start(st, EC2_INSTANCE); i < st->n &&
	    st->res[i]->kind == EC2_INSTANCE;) {
		struct ec2_instance *in = (struct ec2_instance *)st->res[i];
		int64_t gone = in->terminate_ms + EC2_STOP_MS + EC2_KEEP_MS;

		if (in->terminate_ms && now >= gone) {
			ec2_res_delete(st, &in->r);
			continue;
		}
		if (in->terminate_ms && (st->purge_ms == 0 || gone < st->purge_ms))
			st->purge_ms = gone;
		i++;
	}
}

/* The instances not yet terminated in a VPC (and subnet). */
size_t
ec2_instances_in(const struct ec2_state *st, const char *vpc, const char *subnet)
{
	int64_t now = fg_wall_ms();
	size_t n = 0;

	EC2_EACH(st, EC2_INSTANCE, i) {
		const struct ec2_instance *in = INST(st->res[i]);

		n += ec2_instance_state(in, now) != EC2_TERMINATED && strcmp(in->vpc, vpc) == 0 &&
		    (subnet == NULL || strcmp(in->subnet, subnet) == 0);
	}
	return n;
}

/* Writes <elem><code/><name/></elem> for a state. */
void
ec2_istate_write(struct fg_buf *b, const char *elem, enum ec2_istate s)
{
	fg_buf_addf(b, "<%s><code>%d</code><name>%s</name></%s>", elem, states[s].code,
	    states[s].name, elem);
}

/* Writes an instance's currentState (now) and previousState (prev). */
void
ec2_istate_changed(struct fg_buf *b, const struct ec2_instance *inst, enum ec2_istate prev,
    int64_t now)
{
	ec2_istate_write(b, "currentState", ec2_instance_state(inst, now));
	ec2_istate_write(b, "previousState", prev);
}

/* The private DNS name of an address in a region ("ip-10-0-1-4.ec2.internal"). */
static char *
private_dns(const char *region, uint32_t ip)
{
	char dotted[16];

	ec2_ip_format(ip, dotted);
	for (char *p = dotted; *p; p++)
		if (*p == '.')
			*p = '-';
	return strcmp(region, "us-east-1") == 0 ? fg_printf("ip-%s.ec2.internal", dotted) :
	    fg_printf("ip-%s.%s.compute.internal", dotted, region);
}

/* Writes an instance. */
void
ec2_instance_write(struct fg_buf *b, const struct ec2_state *st, const struct ec2_res *r)
{
	const struct ec2_instance *in = INST(r);
	enum ec2_istate s = ec2_instance_state(in, fg_wall_ms());
	const struct ec2_image *img = ec2_image_find(in->image);
	int64_t down = in->terminate_ms ? in->terminate_ms : in->stop_ms;
	char launch[32], ip[16], *dns = private_dns(in->r.region, in->ip);

	lc_iso8601(in->start_ms ? in->start_ms : in->r.created_ms, launch);
	ec2_ip_format(in->ip, ip);
	fg_xml_elem(b, "instanceId", in->r.id);
	fg_xml_elem(b, "imageId", in->image);
	ec2_istate_write(b, "instanceState", s);
	fg_xml_elem(b, "privateDnsName", s == EC2_TERMINATED ? "" : dns);
	fg_buf_addstr(b, "<dnsName/>");
	if (down) {
		char when[32];
		time_t t = (time_t)(down / 1000);
		struct tm tm;

		gmtime_r(&t, &tm);
		strftime(when, sizeof(when), "%Y-%m-%d %H:%M:%S", &tm);
		fg_buf_addf(b, "<reason>User initiated (%s GMT)</reason>", when);
	} else
		fg_buf_addstr(b, "<reason/>");
	if (in->key_name)
		fg_xml_elem(b, "keyName", in->key_name);
	fg_buf_addf(b, "<amiLaunchIndex>%d</amiLaunchIndex><productCodes/>", in->launch_index);
	fg_xml_elem(b, "instanceType", in->type);
	fg_xml_elem(b, "launchTime", launch);
	fg_buf_addstr(b, "<placement>");
	fg_xml_elem(b, "availabilityZone", in->zone);
	fg_buf_addstr(b, "<groupName/><tenancy>default</tenancy></placement>");
	fg_buf_addstr(b, "<monitoring>");
	fg_xml_elem(b, "state", ec2_monitoring_state(in, fg_wall_ms()));
	fg_buf_addstr(b, "</monitoring>");
	fg_xml_elem(b, "subnetId", in->subnet);
	fg_xml_elem(b, "vpcId", in->vpc);
	if (s != EC2_TERMINATED)
		fg_xml_elem(b, "privateIpAddress", ip);
	fg_xml_elem(b, "sourceDestCheck", in->source_dest_check ? "true" : "false");
	fg_buf_addstr(b, "<groupSet>");
	for (size_t i = 0; i < in->ngroups; i++) {
		const struct ec2_sg *g = ec2_sibling(st, &in->r, EC2_SG, in->groups[i]);

		fg_buf_addstr(b, "<item>");
		fg_xml_elem(b, "groupId", in->groups[i]);
		fg_xml_elem(b, "groupName", g ? g->name : "");
		fg_buf_addstr(b, "</item>");
	}
	fg_buf_addstr(b, "</groupSet>");
	if (down)
		fg_buf_addstr(b, "<stateReason><code>Client.UserInitiatedShutdown</code><message>"
		    "Client.UserInitiatedShutdown: User initiated shutdown</message></stateReason>");
	fg_xml_elem(b, "architecture", img ? img->arch : "x86_64");
	fg_xml_elem(b, "rootDeviceType", "ebs");
	fg_xml_elem(b, "rootDeviceName", img ? img->root_device : "/dev/xvda");
	fg_buf_addstr(b, "<blockDeviceMapping/><virtualizationType>hvm</virtualizationType>");
	if (in->client_token)
		fg_xml_elem(b, "clientToken", in->client_token);
	ec2_tags_write(b, &in->r);
	fg_buf_addf(b, "<hypervisor>xen</hypervisor><ebsOptimized>%s</ebsOptimized>"
	    "<enaSupport>true</enaSupport>", in->ebs_optimized ? "true" : "false");
	if (in->profile_arn) {
		fg_buf_addstr(b, "<iamInstanceProfile>");
		fg_xml_elem(b, "arn", in->profile_arn);
		fg_xml_elem(b, "id", in->profile_id);
		fg_buf_addstr(b, "</iamInstanceProfile>");
	}
	fg_xml_elem(b, "platformDetails", img ? img->platform_details : "Linux/UNIX");
	free(dns);
}

/* Writes the members of a reservation with its instances among v[0..n). */
void
ec2_reservation_write(struct fg_buf *b, const struct ec2_state *st,
    const struct ec2_instance *first, struct ec2_res **v, size_t n)
{
	fg_xml_elem(b, "reservationId", first->reservation);
	fg_xml_elem(b, "ownerId", first->r.account);
	fg_buf_addstr(b, "<groupSet/><instancesSet>");
	for (size_t i = 0; i < n; i++)
		if (strcmp(INST(v[i])->reservation, first->reservation) == 0) {
			fg_buf_addstr(b, "<item>");
			ec2_instance_write(b, st, v[i]);
			fg_buf_addstr(b, "</item>");
		}
	fg_buf_addstr(b, "</instancesSet>");
}

/* Instance filter values. */
static void
f_state_name(struct ec2_match *m, const void *item)
{
	ec2_emit(m, states[ec2_instance_state(INST(item), fg_wall_ms())].name);
}

static void
f_state_code(struct ec2_match *m, const void *item)
{
	ec2_emit_int(m, states[ec2_instance_state(INST(item), fg_wall_ms())].code);
}

static void
f_type(struct ec2_match *m, const void *item)
{
	ec2_emit(m, INST(item)->type);
}

static void
f_image(struct ec2_match *m, const void *item)
{
	ec2_emit(m, INST(item)->image);
}

static void
f_vpc(struct ec2_match *m, const void *item)
{
	ec2_emit(m, INST(item)->vpc);
}

static void
f_subnet(struct ec2_match *m, const void *item)
{
	ec2_emit(m, INST(item)->subnet);
}

static void
f_ip(struct ec2_match *m, const void *item)
{
	char ip[16];

	if (ec2_instance_state(INST(item), fg_wall_ms()) == EC2_TERMINATED)
		return;
	ec2_ip_format(INST(item)->ip, ip);
	ec2_emit(m, ip);
}

static void
f_dns(struct ec2_match *m, const void *item)
{
	char *dns = private_dns(INST(item)->r.region, INST(item)->ip);

	if (ec2_instance_state(INST(item), fg_wall_ms()) != EC2_TERMINATED)
		ec2_emit(m, dns);
	free(dns);
}

static void
f_reservation(struct ec2_match *m, const void *item)
{
	ec2_emit(m, INST(item)->reservation);
}

static void
f_token(struct ec2_match *m, const void *item)
{
	ec2_emit(m, INST(item)->client_token);
}

static void
f_zone(struct ec2_match *m, const void *item)
{
	ec2_emit(m, INST(item)->zone);
}

static void
f_group_id(struct ec2_match *m, const void *item)
{
	for (size_t i = 0; i < INST(item)->ngroups; i++)
		ec2_emit(m, INST(item)->groups[i]);
}

static void
f_group_name(struct ec2_match *m, const void *item)
{
	for (size_t i = 0; i < INST(item)->ngroups; i++) {
		const struct ec2_sg *g = ec2_sibling(m->st, &INST(item)->r, EC2_SG,
		    INST(item)->groups[i]);

		if (g)
			ec2_emit(m, g->name);
	}
}

static void
f_key(struct ec2_match *m, const void *item)
{
	ec2_emit(m, INST(item)->key_name);
}

static void
f_monitoring(struct ec2_match *m, const void *item)
{
	ec2_emit(m, ec2_monitoring_state(INST(item), fg_wall_ms()));
}

static const struct ec2_filter instance_filters[] = {
	{ "availability-zone", f_zone },
	{ "client-token", f_token },
	{ "image-id", f_image },
	{ "instance-id", ec2_f_id },
	{ "instance-state-code", f_state_code },
	{ "instance-state-name", f_state_name },
	{ "instance-type", f_type },
	{ "instance.group-id", f_group_id },
	{ "instance.group-name", f_group_name },
	{ "key-name", f_key },
	{ "monitoring-state", f_monitoring },
	{ "private-dns-name", f_dns },
	{ "private-ip-address", f_ip },
	{ "reservation-id", f_reservation },
	{ "subnet-id", f_subnet },
	{ "vpc-id", f_vpc },
	{ NULL, NULL },
};

static const struct ec2_query instance_query = {
	EC2_INSTANCE, "InstanceIds", instance_filters, "reservationSet", ec2_instance_write, 1000, 1,
};

/* DescribeInstances: the page of instances, grouped in their reservations. */
enum lc_result
ec2_describe_instances(struct lc_request *req, struct ec2_state *st, fg_json in)
{
	struct ec2_res **v;
	struct fg_buf *b;
	char *next;
	size_t n;

	if (ec2_select(req, st, in, &instance_query, &v, &n, &next) != 0)
		return LC_DONE;
	b = ec2_begin(req);
	fg_buf_addstr(b, "<reservationSet>");
	for (size_t i = 0; i < n; i++) {
		size_t j;

		for (j = 0; j < i; j++)
			if (strcmp(INST(v[j])->reservation, INST(v[i])->reservation) == 0)
				break;
		if (j < i)
			continue;
		fg_buf_addstr(b, "<item>");
		ec2_reservation_write(b, st, INST(v[i]), v + i, n - i);
		fg_buf_addstr(b, "</item>");
	}
	fg_buf_addstr(b, "</reservationSet>");
	if (next)
		fg_xml_elem(b, "nextToken", next);
	free(next);
	free(v);
	return ec2_end(req);
}

/* The caller's instances named by InstanceIds (caller frees); NULL after replying. */
struct ec2_res **
ec2_instances_named(struct lc_request *req, struct ec2_state *st, fg_json in, size_t *n)
{
	static const struct ec2_query ids_only = {
		EC2_INSTANCE, "InstanceIds", NULL, "", NULL, 1000, 0,
	};
	struct ec2_res **v;
	char *next;

	if (fg_json_len(fg_json_get(in, "InstanceIds")) == 0) {
		ec2_error(req, "MissingParameter", "The request must contain the parameter "
		    "InstanceId");
		return NULL;
	}
	if (ec2_select(req, st, in, &ids_only, &v, n, &next) != 0)
		return NULL;
	free(next);
	return v;
}

/* TerminateInstances: shutting-down now, terminated EC2_STOP_MS later. */
enum lc_result
ec2_terminate_instances(struct lc_request *req, struct ec2_state *st, fg_json in)
{
	int64_t now = fg_wall_ms();
	struct ec2_res **v;
	struct fg_buf *b;
	size_t n;

	if ((v = ec2_instances_named(req, st, in, &n)) == NULL)
		return LC_DONE;
	for (size_t i = 0; i < n; i++)
		if (INST(v[i])->no_terminate) {
			ec2_error(req, "OperationNotPermitted", "The instance '%s' may not be terminated. "
			    "Modify its 'disableApiTermination' instance attribute and try again.",
			    v[i]->id);
			free(v);
			return LC_DONE;
		}
	b = ec2_begin(req);
	fg_buf_addstr(b, "<instancesSet>");
	for (size_t i = 0; i < n; i++) {
		struct ec2_instance *inst = (struct ec2_instance *)v[i];
		enum ec2_istate prev = ec2_instance_state(inst, now);

		if (inst->terminate_ms == 0)
			inst->terminate_ms = now;
		fg_buf_addstr(b, "<item>");
		fg_xml_elem(b, "instanceId", inst->r.id);
		ec2_istate_changed(b, inst, prev, now);
		fg_buf_addstr(b, "</item>");
	}
	fg_buf_addstr(b, "</instancesSet>");
	free(v);
	ec2_instances_purge(st, now);
	return ec2_end(req);
}
