/* instance.c: AWS.EC2.Instance.
 * create = RunInstances (MinCount = MaxCount = 1, TagSpecifications) with a ClientToken derived
 *   from the host's intent token, the process and the logical id: a create retried after a
 *   crash gets the instance the first call launched, never a second one. When the token's
 *   instance is gone (shutting-down or terminated: enforcement re-creates it) or the token was
 *   used with other parameters (IdempotentParameterMismatch), a live instance launched with it
 *   is adopted, else the next token of a deterministic sequence is tried. The operation then
 *   waits, without blocking (op_after), until the instance leaves pending;
 * read = DescribeInstances by instance-id; a shutting-down or terminated instance is gone;
 * update = the write-only attributes (below) read with DescribeInstanceAttribute;
 *   ModifyInstanceAttribute for the security groups, termination protection and shutdown
 *   behavior, MonitorInstances / UnmonitorInstances, CreateTags / DeleteTags while the
 *   instance runs; then, for InstanceType, EbsOptimized and UserData (EC2 refuses them unless
 *   the instance is stopped): StopInstances, a wait (op_after) until it is stopped,
 *   ModifyInstanceAttribute, StartInstances and a wait until it runs: the same instance, with
 *   the same id. ImageId, SubnetId, KeyName and BlockDeviceMappings changes are replacements
 *   (schema);
 * delete = ModifyInstanceAttribute DisableApiTermination=false, TerminateInstances, then a wait
 *   until the instance is terminated;
 * sweep = the batched DescribeInstances of ec2_op_sweep.
 * DescribeInstances reports neither UserData, DisableApiTermination nor the shutdown behavior
 * (DescribeInstanceAttribute, one call per attribute and instance, would undo the batched
 * sweep): they are the schema's x-fugue-write-only, sent at launch and by update, never in
 * the observed JSON. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ec2.h"

/* Tokens tried before giving up, polls while pending and their interval. */
#define MAX_TOKENS 16
#define MAX_POLLS 240
#define POLL_MS 500

/* The instance's own state in a chain (e->data). */
struct inst {
	unsigned gen;   /* the ClientToken of the sequence in use */
	unsigned polls; /* polls left while waiting */
	char token[48];
	char state[24]; /* what the last poll saw: "" when the instance is not listed */
	/* The write-only attributes as EC2 has them (read by an update, never observed). */
	int attrs_read;
	int no_terminate;
	char shutdown[16];
	char *user_data; /* base64; "" when there is none */
	/* The changes EC2 makes only while the instance is stopped: run between StopInstances
	 * (and the wait for stopped) and StartInstances. */
	struct pplan stopped;
};

/* Frees a struct inst. */
static void
inst_free(void *p)
{
	struct inst *in = p;

	free(in->user_data);
	pplan_clear(&in->stopped);
	free(in);
}

/* The chain's struct inst, made on first use. */
static struct inst *
inst_of(struct echain *e)
{
	if (e->data == NULL) {
		e->data = calloc(1, sizeof(struct inst));
		if (e->data == NULL)
			abort();
		e->data_free = inst_free;
	}
	return e->data;
}

/* Folds s (and a separator) into a 64-bit FNV-1a hash. */
static uint64_t
fnv(uint64_t x, const char *s)
{
	for (; s != NULL && *s != '\0'; s++)
		x = (x ^ (unsigned char)*s) * 0x100000001b3ULL;
	return (x ^ 0x0a) * 0x100000001b3ULL;
}

/* Sets the ClientToken of generation gen: "fugue-" and 32 hex digits of the intent token,
 * the process, the logical id and gen (EC2 allows 64 ASCII characters). */
static void
make_token(struct echain *e)
{
	const struct fugue_host *h = e->r.h;
	struct inst *in = inst_of(e);
	uint64_t a = 0xcbf29ce484222325ULL, b = 0x84222325cbf29ce4ULL;
	const char *parts[3] = { h->op_token(e->r.op), h->op_fid(e->r.op),
		h->op_logical_id(e->r.op) };
	char gen[16];

	snprintf(gen, sizeof(gen), "%u", in->gen);
	for (size_t i = 0; i < 3; i++) {
		a = fnv(a, parts[i]);
		b = fnv(b, parts[i]);
	}
	a = fnv(a, gen);
	b = fnv(b, gen);
	snprintf(in->token, sizeof(in->token), "fugue-%016llx%016llx", (unsigned long long)a,
	    (unsigned long long)b);
}

/* 1 unless the state is shutting-down or terminated. */
static int
state_live(const char *state)
{
	return state == NULL || (strcmp(state, "shutting-down") != 0 &&
	    strcmp(state, "terminated") != 0);
}

/* kind->live: a shutting-down or terminated instance counts as gone. */
static int
inst_live(const struct fugue_host *h, const struct fugue_xml *item)
{
	return state_live(h->x_text(item, "instanceState/name"));
}

/* Writes key: the text at path of x when it is not empty. */
static void
write_text(const struct fugue_host *h, struct fugue_json *w, const char *key,
    const struct fugue_xml *x, const char *path)
{
	const char *s = h->x_text(x, path);

	if (s != NULL && *s != '\0') {
		h->j_key(w, key);
		h->j_str(w, s);
	}
}

/* Writes IamInstanceProfile: the ARN EC2 reports, and the name it ends with. */
static void
write_profile(const struct fugue_host *h, struct fugue_json *w, const struct fugue_xml *item)
{
	const char *arn = h->x_text(item, "iamInstanceProfile/arn"), *slash;

	if (arn == NULL || (slash = strrchr(arn, '/')) == NULL)
		return;
	h->j_key(w, "IamInstanceProfile");
	h->j_obj(w);
	h->j_key(w, "Arn");
	h->j_str(w, arn);
	h->j_key(w, "Name");
	h->j_str(w, slash + 1);
	h->j_end_obj(w);
}

/* The observed instance: properties and read-only attributes. */
static void
inst_observe(const struct fugue_host *h, struct fugue_json *w, const struct fugue_xml *item)
{
	const char *mon = h->x_text(item, "monitoring/state");

	ec2_write_str(h, w, "ImageId", item, "imageId");
	ec2_write_str(h, w, "InstanceType", item, "instanceType");
	write_text(h, w, "SubnetId", item, "subnetId");
	h->j_key(w, "SecurityGroupIds");
	h->j_arr(w);
	for (const struct fugue_xml *g = h->x_find(item, "groupSet/item"); g; g = h->x_next(g))
		h->j_str(w, h->x_text(g, "groupId"));
	h->j_end_arr(w);
	write_text(h, w, "KeyName", item, "keyName");
	write_profile(h, w, item);
	ec2_write_bool(h, w, "EbsOptimized", item, "ebsOptimized");
	if (mon != NULL) {
		h->j_key(w, "Monitoring");
		h->j_obj(w);
		h->j_key(w, "Enabled");
		h->j_bool(w, strcmp(mon, "enabled") == 0 || strcmp(mon, "pending") == 0);
		h->j_end_obj(w);
	}
	if (h->x_find(item, "metadataOptions") != NULL) {
		h->j_key(w, "MetadataOptions");
		h->j_obj(w);
		ec2_write_str(h, w, "HttpTokens", item, "metadataOptions/httpTokens");
		ec2_write_str(h, w, "HttpEndpoint", item, "metadataOptions/httpEndpoint");
		ec2_write_int(h, w, "HttpPutResponseHopLimit", item,
		    "metadataOptions/httpPutResponseHopLimit");
		h->j_end_obj(w);
	}
	ec2_write_tags(h, w, item);
	ec2_write_str(h, w, "InstanceId", item, "instanceId");
	write_text(h, w, "VpcId", item, "vpcId");
	write_text(h, w, "PrivateIpAddress", item, "privateIpAddress");
	write_text(h, w, "PrivateDnsName", item, "privateDnsName");
	write_text(h, w, "PublicIpAddress", item, "ipAddress");
	write_text(h, w, "PublicDnsName", item, "dnsName");
}

/* --- create --- */

/* Adds the scalar members of object v (nested objects with dotted keys) as prefix.Member. */
static void
params_of(const struct fugue_host *h, struct fugue_call *c, const char *prefix,
    const struct fugue_value *v)
{
	char key[96];
	int b;

	for (size_t i = 0; i < h->v_len(v, "") && h->v_type(v, "") == FUGUE_V_OBJECT; i++) {
		const struct fugue_value *m = h->v_at(v, i);

		snprintf(key, sizeof(key), "%s.%s", prefix, h->v_key(v, i));
		if (h->v_type(m, "") == FUGUE_V_OBJECT)
			params_of(h, c, key, m);
		else if (h->v_bool(m, "", &b) == 0)
			h->call_param(c, key, b ? "true" : "false");
		else if (h->v_str(m, "") != NULL)
			h->call_param(c, key, h->v_str(m, ""));
	}
}

/* The base64 encoding of s (caller frees). */
static char *
base64(const char *s)
{
	static const char a[] =
	    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
	size_t n = strlen(s), o = 0;
	char *out = malloc(4 * ((n + 2) / 3) + 1);

	if (out == NULL)
		abort();
	for (size_t i = 0; i < n; i += 3) {
		unsigned v = (unsigned char)s[i] << 16;

		v |= i + 1 < n ? (unsigned char)s[i + 1] << 8 : 0;
		v |= i + 2 < n ? (unsigned char)s[i + 2] : 0;
		out[o++] = a[(v >> 18) & 63];
		out[o++] = a[(v >> 12) & 63];
		out[o++] = i + 1 < n ? a[(v >> 6) & 63] : '=';
		out[o++] = i + 2 < n ? a[v & 63] : '=';
	}
	out[o] = '\0';
	return out;
}

static void run(struct echain *);

/* A describe by client-token after a mismatch: adopt the live instance, or try the next
 * token. */
static void
on_token_lookup(struct echain *e, const struct fugue_reply *rep)
{
	const struct fugue_host *h = e->r.h;
	const struct fugue_xml *x;

	if (h->r_status(rep) != FUGUE_OK) {
		ec2_fail(e, rep, "DescribeInstances");
		return;
	}
	for (x = h->x_find(h->r_xml(rep), "reservationSet/item"); x; x = h->x_next(x))
		for (const struct fugue_xml *i = h->x_find(x, "instancesSet/item"); i;
		    i = h->x_next(i))
			if (inst_live(h, i)) {
				h->op_log(e->r.op, FUGUE_LOG_INFO, "%s was launched with this "
				    "resource's ClientToken: adopted", h->x_text(i, "instanceId"));
				ec2_created(e, h->x_text(i, "instanceId"));
				return;
			}
	inst_of(e)->gen++;
	run(e);
}

/* RunInstances answered. */
static void
on_run(struct echain *e, const struct fugue_reply *rep)
{
	const struct fugue_host *h = e->r.h;
	const struct fugue_xml *item = h->x_find(h->r_xml(rep), "instancesSet/item");
	struct fugue_call *c;

	if (ec2_same(h->r_code(rep), "IdempotentParameterMismatch")) {
		h->op_log(e->r.op, FUGUE_LOG_INFO, "ClientToken %s was used with other parameters",
		    inst_of(e)->token);
		c = ec2_call(e, "DescribeInstances");
		ec2_filter(h, c, 1, "client-token", inst_of(e)->token);
		h->call_read_only(c);
		ec2_send(e, c, on_token_lookup);
		return;
	}
	if (h->r_status(rep) != FUGUE_OK) {
		ec2_fail(e, rep, "RunInstances");
		return;
	}
	if (item == NULL || h->x_text(item, "instanceId") == NULL) {
		e->done(e, FUGUE_E_RETRYABLE, NULL, "RunInstances: no instance in the reply");
		return;
	}
	if (!inst_live(h, item)) {
		h->op_log(e->r.op, FUGUE_LOG_INFO, "ClientToken %s launched %s, now %s: next token",
		    inst_of(e)->token, h->x_text(item, "instanceId"),
		    h->x_text(item, "instanceState/name"));
		inst_of(e)->gen++;
		run(e);
		return;
	}
	ec2_created(e, h->x_text(item, "instanceId"));
}

/* Sends RunInstances with the current token. */
static void
run(struct echain *e)
{
	const struct fugue_host *h = e->r.h;
	const struct fugue_value *d = ec2_desired(e), *v;
	struct fugue_call *c;
	char key[48];
	int b;

	if (inst_of(e)->gen >= MAX_TOKENS) {
		e->done(e, FUGUE_E_CONFLICT, NULL, "RunInstances: every ClientToken of this intent "
		    "launched an instance that is gone or was used with other parameters");
		return;
	}
	make_token(e);
	c = ec2_call(e, "RunInstances");
	h->call_param(c, "ImageId", h->v_str(d, "ImageId"));
	h->call_param(c, "InstanceType", h->v_str(d, "InstanceType"));
	h->call_param(c, "MinCount", "1");
	h->call_param(c, "MaxCount", "1");
	h->call_param(c, "ClientToken", inst_of(e)->token);
	if (h->v_str(d, "SubnetId") != NULL)
		h->call_param(c, "SubnetId", h->v_str(d, "SubnetId"));
	v = h->v_get(d, "SecurityGroupIds");
	for (size_t i = 0; i < h->v_len(v, ""); i++)
		ec2_paramf(h, c, h->v_str(h->v_at(v, i), ""), "SecurityGroupId.%zu", i + 1);
	if (h->v_str(d, "KeyName") != NULL)
		h->call_param(c, "KeyName", h->v_str(d, "KeyName"));
	if (h->v_str(d, "UserData") != NULL) {
		char *data = base64(h->v_str(d, "UserData"));

		h->call_param(c, "UserData", data);
		free(data);
	}
	if (h->v_bool(d, "EbsOptimized", &b) == 0 && b)
		h->call_param(c, "EbsOptimized", "true");
	if (h->v_bool(d, "DisableApiTermination", &b) == 0 && b)
		h->call_param(c, "DisableApiTermination", "true");
	if (h->v_str(d, "InstanceInitiatedShutdownBehavior") != NULL)
		h->call_param(c, "InstanceInitiatedShutdownBehavior",
		    h->v_str(d, "InstanceInitiatedShutdownBehavior"));
	params_of(h, c, "IamInstanceProfile", h->v_get(d, "IamInstanceProfile"));
	params_of(h, c, "Monitoring", h->v_get(d, "Monitoring"));
	params_of(h, c, "MetadataOptions", h->v_get(d, "MetadataOptions"));
	v = h->v_get(d, "BlockDeviceMappings");
	for (size_t i = 0; i < h->v_len(v, ""); i++) {
		snprintf(key, sizeof(key), "BlockDeviceMapping.%zu", i + 1);
		params_of(h, c, key, h->v_at(v, i));
	}
	ec2_tag_spec(h, c, "instance", h->v_get(d, "Tags"));
	ec2_send(e, c, on_run);
}

/* kind->create: RunInstances with the first token of the sequence. */
static void
inst_create(struct echain *e)
{
	inst_of(e)->gen = 0;
	run(e);
}

/* --- waits --- */

static void poll_state(struct echain *);

/* op_after's callback: describe again. */
static void
poll_again(const struct fugue_host *h, struct fugue_op *op, void *arg)
{
	(void)h;
	(void)op;
	poll_state(arg);
}

/* The state of e->id in a describe reply, or NULL when it is not listed. */
static const char *
state_in(struct echain *e, const struct fugue_reply *rep)
{
	const struct fugue_host *h = e->r.h;

	for (const struct fugue_xml *x = h->x_find(h->r_xml(rep), "reservationSet/item"); x;
	    x = h->x_next(x))
		for (const struct fugue_xml *i = h->x_find(x, "instancesSet/item"); i;
		    i = h->x_next(i))
			if (ec2_same(h->x_text(i, "instanceId"), e->id))
				return h->x_text(i, "instanceState/name");
	return NULL;
}

/* A poll answered: wait on while the instance is not where the wait goes (e->then decides
 * from the state, NULL when the instance is not listed). */
static void
on_poll(struct echain *e, const struct fugue_reply *rep)
{
	struct inst *in = inst_of(e);

	if (e->r.h->r_status(rep) != FUGUE_OK && e->r.h->r_status(rep) != FUGUE_E_NOT_FOUND) {
		ec2_fail(e, rep, "DescribeInstances");
		return;
	}
	snprintf(in->state, sizeof(in->state), "%s",
	    e->r.h->r_status(rep) == FUGUE_OK && state_in(e, rep) ? state_in(e, rep) : "");
	e->then(e);
}

/* Describes e->id; on_poll records its state in inst->state and runs e->then. */
static void
poll_state(struct echain *e)
{
	struct fugue_call *c = ec2_call(e, "DescribeInstances");

	ec2_filter(e->r.h, c, 1, "instance-id", e->id);
	e->r.h->call_read_only(c);
	ec2_send(e, c, on_poll);
}

/* Waits POLL_MS, then polls again; after MAX_POLLS, the operation ends retryable. */
static void
wait_more(struct echain *e, const char *what)
{
	struct inst *in = inst_of(e);
	char msg[160];

	if (in->polls == 0) {
		snprintf(msg, sizeof(msg), "instance %s is still %s", e->id, what);
		e->done(e, FUGUE_E_RETRYABLE, NULL, msg);
		return;
	}
	in->polls--;
	e->r.h->op_after(e->r.op, POLL_MS, poll_again, e);
}

static void stop_for_changes(struct echain *);

/* The state while waiting for the instance to leave pending. */
static void
running_seen(struct echain *e)
{
	struct inst *in = inst_of(e);
	const char *st = in->state;
	char msg[160];

	if (strcmp(st, "pending") == 0) {
		wait_more(e, "pending");
		return;
	}
	if (*st == '\0' || !state_live(st)) {
		snprintf(msg, sizeof(msg), "instance %s is %s", e->id, *st ? st : "gone");
		e->done(e, FUGUE_E_NOT_FOUND, NULL, msg);
		return;
	}
	if (in->stopped.n > 0) {
		stop_for_changes(e);
		return;
	}
	ec2_read_op(e);
}

/* kind->settle: after create and update, wait until the instance runs (then make the
 * changes that need it stopped), then read it. */
static void
until_running(struct echain *e)
{
	inst_of(e)->polls = MAX_POLLS;
	e->then = running_seen;
	poll_state(e);
}

/* The instance is stopped: the changes kept aside, then StartInstances (unless it was
 * stopped before the update began: it stays so), then the wait until it runs. */
static void
change_stopped(struct echain *e, int start)
{
	struct inst *in = inst_of(e);

	pplan_clear(&e->plan);
	e->plan = in->stopped;
	memset(&in->stopped, 0, sizeof(in->stopped));
	if (start) {
		ec2_plan_add(e, "StartInstances", 0);
		ec2_plan_param(e, "InstanceId.1", e->id);
	}
	ec2_plan_run(e, start ? until_running : ec2_read_op);
}

/* The state while waiting for the instance to stop. */
static void
stopped_seen(struct echain *e)
{
	const char *st = inst_of(e)->state;
	char msg[160];

	if (strcmp(st, "stopping") == 0) {
		wait_more(e, "stopping");
		return;
	}
	if (strcmp(st, "stopped") != 0) {
		snprintf(msg, sizeof(msg), "instance %s is %s, not stopped: it was started or "
		    "terminated meanwhile", e->id, *st ? st : "gone");
		e->done(e, *st && state_live(st) ? FUGUE_E_RETRYABLE : FUGUE_E_NOT_FOUND, NULL, msg);
		return;
	}
	change_stopped(e, 1);
}

/* Waits until the instance is stopped. */
static void
until_stopped(struct echain *e)
{
	inst_of(e)->polls = MAX_POLLS;
	e->then = stopped_seen;
	poll_state(e);
}

/* Changes EC2 makes only while the instance is stopped are due: StopInstances (a running
 * instance), the wait for stopped, the changes, StartInstances. */
static void
stop_for_changes(struct echain *e)
{
	const struct pplan *p = &inst_of(e)->stopped;
	const char *st = inst_of(e)->state;
	struct pbuf what = { 0 };

	for (size_t i = 0; i < p->n; i++) /* ModifyInstanceAttribute InstanceId Name.Value */
		pbuf_addf(&what, "%s%.*s", i ? ", " : "", (int)strcspn(p->v[i].kv[2], "."),
		    p->v[i].kv[2]);
	e->r.h->op_log(e->r.op, FUGUE_LOG_INFO, "instance %s is %s: changing %s while stopped",
	    e->id, st, what.s);
	pbuf_free(&what);
	if (strcmp(st, "stopped") == 0) {
		change_stopped(e, 0);
		return;
	}
	if (strcmp(st, "stopping") == 0) {
		until_stopped(e);
		return;
	}
	pplan_clear(&e->plan);
	ec2_plan_add(e, "StopInstances", 0);
	ec2_plan_param(e, "InstanceId.1", e->id);
	ec2_plan_run(e, until_stopped);
}

/* --- the write-only attributes (an update's reads) --- */

/* What DescribeInstances does not report: read one by one with DescribeInstanceAttribute
 * by an update (which compares them with the desired values), kept out of the observed
 * JSON (the Conductor compares them with the values it last applied). */
static const char *const write_only[] = {
	"userData", "disableApiTermination", "instanceInitiatedShutdownBehavior",
};
#define NWRITE_ONLY (sizeof(write_only) / sizeof(write_only[0]))

static void next_attr(struct echain *);

/* A DescribeInstanceAttribute answered: keep the value, read the next attribute. */
static void
on_attr(struct echain *e, const struct fugue_reply *rep)
{
	struct inst *in = inst_of(e);
	const char *name = write_only[in->attrs_read], *v;
	char path[64];

	if (e->r.h->r_status(rep) != FUGUE_OK) {
		ec2_fail(e, rep, "DescribeInstanceAttribute");
		return;
	}
	snprintf(path, sizeof(path), "%s/value", name);
	v = e->r.h->x_text(e->r.h->r_xml(rep), path);
	if (strcmp(name, "userData") == 0) {
		free(in->user_data);
		in->user_data = pdup(v ? v : "");
	} else if (strcmp(name, "disableApiTermination") == 0)
		in->no_terminate = ec2_same(v, "true");
	else
		snprintf(in->shutdown, sizeof(in->shutdown), "%s", v ? v : "stop");
	in->attrs_read++;
	next_attr(e);
}

/* Reads the next write-only attribute, or ends the read when all are known. */
static void
next_attr(struct echain *e)
{
	struct inst *in = inst_of(e);
	struct fugue_call *c;

	if (in->attrs_read == NWRITE_ONLY) {
		ec2_read_end(e);
		return;
	}
	c = ec2_call(e, "DescribeInstanceAttribute");
	e->r.h->call_param(c, "InstanceId", e->id);
	e->r.h->call_param(c, "Attribute", write_only[in->attrs_read]);
	e->r.h->call_read_only(c);
	ec2_send(e, c, on_attr);
}

/* --- update and delete --- */

/* 1 when two string arrays hold the same strings (as sets). */
static int
same_set(const struct fugue_host *h, const struct fugue_value *a, const struct fugue_value *b)
{
	size_t na = h->v_len(a, ""), nb = h->v_len(b, "");

	for (size_t i = 0; i < na; i++) {
		size_t j = 0;

		while (j < nb && !ec2_same(h->v_str(h->v_at(a, i), ""), h->v_str(h->v_at(b, j), "")))
			j++;
		if (j == nb)
			return 0;
	}
	return na == nb;
}

/* Adds ModifyInstanceAttribute of one attribute (Name.Value = value). */
static void
plan_modify(struct echain *e, const char *name, const char *value, int flags)
{
	ec2_plan_add(e, "ModifyInstanceAttribute", flags);
	ec2_plan_param(e, "InstanceId", e->id);
	ec2_plan_paramf(e, value, "%s.Value", name);
}

/* Adds the changes EC2 makes only while the instance is stopped to inst->stopped (the
 * settle makes them: stop, change, start). */
static void
plan_stopped(struct echain *e)
{
	const struct fugue_host *h = e->r.h;
	const struct fugue_value *d = ec2_desired(e), *have = e->have;
	const struct inst *known = e->data;
	struct inst *in;
	int want, had;

	if (!ec2_same(h->v_str(d, "InstanceType"), h->v_str(have, "InstanceType")))
		plan_modify(e, "InstanceType", h->v_str(d, "InstanceType"), 0);
	if (h->v_bool(d, "EbsOptimized", &want) == 0 &&
	    h->v_bool(have, "EbsOptimized", &had) == 0 && want != had)
		plan_modify(e, "EbsOptimized", want ? "true" : "false", 0);
	if (known != NULL && known->attrs_read == NWRITE_ONLY) {
		char *data = base64(h->v_str(d, "UserData") ? h->v_str(d, "UserData") : "");

		if (!ec2_same(data, known->user_data))
			plan_modify(e, "UserData", data, 0);
		free(data);
	}
	if (e->plan.n == 0)
		return;
	in = inst_of(e);
	pplan_clear(&in->stopped);
	in->stopped = e->plan;
	memset(&e->plan, 0, sizeof(e->plan));
}

/* kind->plan: the changes made while the instance runs; those that need it stopped are
 * kept aside for the settle. */
static void
inst_plan(struct echain *e)
{
	const struct fugue_host *h = e->r.h;
	const struct fugue_value *d = ec2_desired(e), *have = e->have;
	const struct fugue_value *groups = h->v_get(d, "SecurityGroupIds");
	const struct inst *known;
	const char *shutdown;
	int want, had;

	plan_stopped(e);
	known = e->data;
	if (groups != NULL && !same_set(h, groups, h->v_get(have, "SecurityGroupIds"))) {
		ec2_plan_add(e, "ModifyInstanceAttribute", 0);
		ec2_plan_param(e, "InstanceId", e->id);
		for (size_t i = 0; i < h->v_len(groups, ""); i++)
			ec2_plan_paramf(e, h->v_str(h->v_at(groups, i), ""), "GroupId.%zu", i + 1);
	}
	/* Write-only: compared when an update read them (a create sent them at launch). */
	if (known != NULL && known->attrs_read == NWRITE_ONLY) {
		if (h->v_bool(d, "DisableApiTermination", &want) == 0 && want != known->no_terminate)
			plan_modify(e, "DisableApiTermination", want ? "true" : "false", 0);
		shutdown = h->v_str(d, "InstanceInitiatedShutdownBehavior");
		if (shutdown != NULL && !ec2_same(shutdown, known->shutdown))
			plan_modify(e, "InstanceInitiatedShutdownBehavior", shutdown, 0);
	}
	if (h->v_bool(d, "Monitoring/Enabled", &want) == 0 &&
	    h->v_bool(have, "Monitoring/Enabled", &had) == 0 && want != had) {
		ec2_plan_add(e, want ? "MonitorInstances" : "UnmonitorInstances", 0);
		ec2_plan_param(e, "InstanceId.1", e->id);
	}
}

/* kind->plan_delete: protection off, terminate. */
static void
inst_plan_delete(struct echain *e)
{
	plan_modify(e, "DisableApiTermination", "false", EC2_GONE_OK);
	ec2_plan_add(e, "TerminateInstances", EC2_GONE_OK);
	ec2_plan_param(e, "InstanceId.1", e->id);
}

/* The state while waiting for the instance to terminate. */
static void
terminated_seen(struct echain *e)
{
	const char *st = inst_of(e)->state;

	if (*st != '\0' && strcmp(st, "terminated") != 0) {
		wait_more(e, st);
		return;
	}
	e->r.h->op_done(e->r.op, FUGUE_OK, NULL, NULL);
}

/* kind->settle_delete: TerminateInstances ran: wait until the instance is terminated. */
static void
until_terminated(struct echain *e)
{
	inst_of(e)->polls = MAX_POLLS;
	e->then = terminated_seen;
	poll_state(e);
}

/* The description of the type; an update's adds the reads of the write-only attributes. */
#define INSTANCE_KIND \
	.type = "AWS.EC2.Instance", \
	.resource_type = "instance", \
	.describe = "DescribeInstances", \
	.id_filter = "instance-id", \
	.set = "reservationSet/item", \
	.inner = "instancesSet/item", \
	.id_field = "instanceId", \
	.observe = inst_observe, \
	.live = inst_live, \
	.create = inst_create, \
	.plan = inst_plan, \
	.plan_delete = inst_plan_delete, \
	.settle = until_running, \
	.settle_delete = until_terminated
const struct ekind instance_kind = { INSTANCE_KIND };
static const struct ekind instance_update_kind = { INSTANCE_KIND, .complete = next_attr };

/* create: RunInstances with a ClientToken from the intent, then wait for running. */
void
instance_create(const struct fugue_host *h, struct fugue_op *op)
{
	ec2_op_create(h, op, &instance_kind);
}

/* read: DescribeInstances by id (by tags when the id was lost); terminated is gone. */
void
instance_read(const struct fugue_host *h, struct fugue_op *op)
{
	ec2_op_read(h, op, &instance_kind);
}

/* update: the write-only attributes read, ModifyInstanceAttribute and monitoring for what
 * differs, tags; then StopInstances, ModifyInstanceAttribute and StartInstances for the type,
 * EBS optimization and user data. */
void
instance_update(const struct fugue_host *h, struct fugue_op *op)
{
	ec2_op_update(h, op, &instance_update_kind);
}

/* delete: TerminateInstances, then wait for terminated. */
void
instance_delete(const struct fugue_host *h, struct fugue_op *op)
{
	ec2_op_delete(h, op, &instance_kind);
}

/* sweep: one paginated, tag-filtered DescribeInstances for every managed instance. */
void
instance_sweep(const struct fugue_host *h, struct fugue_sweep *sw)
{
	ec2_op_sweep(h, sw, &instance_kind);
}
