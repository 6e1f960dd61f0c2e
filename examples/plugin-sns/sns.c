/* sns.c: an example broker plugin built outside the Fugue tree, against nothing but the
 * installed <fugue/broker.h>: the AWS.SNS.Topic type over SNS's query protocol (2010-03-31).
 *   create = CreateTopic with DisplayName, Policy and tags (SNS makes it idempotent by name);
 *   read   = GetTopicAttributes, ListTagsForResource (ListTopics first when the ARN was lost);
 *   update = SetTopicAttributes, UntagResource, TagResource, then a read;
 *   delete = DeleteTopic.
 * It has no sweep: the Conductor reads each managed topic instead. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <fugue/broker.h>

#define API_VERSION "2010-03-31"

/* What an operation keeps across its calls (attached with op_set_data). */
struct topic_op {
	const struct fugue_host *h;
	char *arn;            /* the topic's ARN once known */
	struct fugue_json *w; /* the observed topic a read is writing */
	int step;             /* the next step of an update */
};

static void read_start(const struct fugue_host *, struct fugue_op *);
static void update_next(const struct fugue_host *, struct fugue_op *);

/* strdup that aborts when memory runs out (NULL stays NULL). */
static char *
xstrdup(const char *s)
{
	char *d;

	if (s == NULL)
		return NULL;
	if ((d = strdup(s)) == NULL)
		abort();
	return d;
}

/* free_fn of an operation's state. */
static void
topic_op_free(void *p)
{
	struct topic_op *t = p;

	if (t->w != NULL)
		t->h->j_free(t->w);
	free(t->arn);
	free(t);
}

/* The state of an operation, made and attached on first use. */
static struct topic_op *
topic_op(const struct fugue_host *h, struct fugue_op *op)
{
	struct topic_op *t = h->op_data(op);

	if (t != NULL)
		return t;
	if ((t = calloc(1, sizeof(*t))) == NULL)
		abort();
	t->h = h;
	t->arn = xstrdup(h->op_physical_id(op));
	h->op_set_data(op, t, topic_op_free);
	return t;
}

/* A new SNS call of an operation. */
static struct fugue_call *
sns_call(const struct fugue_host *h, struct fugue_op *op, const char *action)
{
	struct fugue_call *c = h->call_new(op, NULL, "sns", FUGUE_PROTO_QUERY, action);

	h->call_param(c, "Version", API_VERSION);
	return c;
}

/* Says whether a reply succeeded; otherwise ends the operation with its error class and
 * "what: <AWS's message>". */
static int
reply_ok(const struct fugue_host *h, struct fugue_op *op, const struct fugue_reply *r,
    const char *what)
{
	char msg[1024];

	if (h->r_status(r) == FUGUE_OK)
		return 1;
	snprintf(msg, sizeof(msg), "%s: %s", what, h->r_message(r) ? h->r_message(r) : "failed");
	h->op_done(op, h->r_status(r), NULL, msg);
	return 0;
}

/* 1 when a Tags array has key (with value, unless value is NULL). */
static int
tag_has(const struct fugue_host *h, const struct fugue_value *tags, const char *key,
    const char *value)
{
	size_t n = h->v_len(tags, "");

	for (size_t i = 0; i < n; i++) {
		const struct fugue_value *t = h->v_at(tags, i);
		const char *k = h->v_str(t, "Key"), *v = h->v_str(t, "Value");

		if (k != NULL && strcmp(k, key) == 0)
			return value == NULL || (v != NULL && strcmp(v, value) == 0);
	}
	return 0;
}

/* 1 when want (a Tags array) has a tag that have lacks or has with another value. */
static int
tags_missing(const struct fugue_host *h, const struct fugue_value *want,
    const struct fugue_value *have)
{
	for (size_t i = 0; i < h->v_len(want, ""); i++) {
		const struct fugue_value *t = h->v_at(want, i);
		const char *key = h->v_str(t, "Key"), *val = h->v_str(t, "Value");

		if (key != NULL && val != NULL && !tag_has(h, have, key, val))
			return 1;
	}
	return 0;
}

/* Adds the tags of a Tags array as Tags.member.N.Key/Value, leaving out those that have has
 * already (when has is not NULL); returns how many. */
static unsigned
add_tags(const struct fugue_host *h, struct fugue_call *c, const struct fugue_value *tags,
    const struct fugue_value *has)
{
	size_t len = h->v_len(tags, "");
	unsigned n = 0;
	char k[48];

	for (size_t i = 0; i < len; i++) {
		const struct fugue_value *t = h->v_at(tags, i);
		const char *key = h->v_str(t, "Key"), *val = h->v_str(t, "Value");

		if (key == NULL || val == NULL || (has != NULL && tag_has(h, has, key, val)))
			continue;
		n++;
		snprintf(k, sizeof(k), "Tags.member.%u.Key", n);
		h->call_param(c, k, key);
		snprintf(k, sizeof(k), "Tags.member.%u.Value", n);
		h->call_param(c, k, val);
	}
	return n;
}

/* ListTagsForResource answered: the tags end the observed topic. */
static void
on_tags(struct fugue_op *op, struct fugue_call *c, const struct fugue_reply *r, void *arg)
{
	const struct fugue_host *h = arg;
	struct topic_op *t = topic_op(h, op);
	const struct fugue_xml *m;

	(void)c;
	if (!reply_ok(h, op, r, "ListTagsForResource"))
		return;
	h->j_key(t->w, "Tags");
	h->j_arr(t->w);
	for (m = h->x_find(h->r_xml(r), "ListTagsForResourceResult/Tags/member"); m;
	    m = h->x_next(m)) {
		const char *v = h->x_text(m, "Value");

		h->j_obj(t->w);
		h->j_key(t->w, "Key");
		h->j_str(t->w, h->x_text(m, "Key"));
		h->j_key(t->w, "Value");
		h->j_str(t->w, v != NULL ? v : "");
		h->j_end_obj(t->w);
	}
	h->j_end_arr(t->w);
	h->j_key(t->w, "TopicArn");
	h->j_str(t->w, t->arn);
	h->j_end_obj(t->w);
	h->op_done(op, FUGUE_OK, h->j_text(t->w), NULL);
}

/* GetTopicAttributes answered: the attributes start the observed topic, then the tags. */
static void
on_attributes(struct fugue_op *op, struct fugue_call *c, const struct fugue_reply *r,
    void *arg)
{
	const struct fugue_host *h = arg;
	struct topic_op *t = topic_op(h, op);
	const char *name = strrchr(t->arn, ':'), *display = "";
	const struct fugue_xml *e;

	(void)c;
	if (!reply_ok(h, op, r, "GetTopicAttributes"))
		return;
	if (t->w != NULL)
		h->j_free(t->w);
	t->w = h->j_new();
	h->j_obj(t->w);
	h->j_key(t->w, "TopicName");
	h->j_str(t->w, name != NULL ? name + 1 : t->arn);
	h->j_key(t->w, "Region");
	h->j_str(t->w, h->op_region(op));
	for (e = h->x_find(h->r_xml(r), "GetTopicAttributesResult/Attributes/entry"); e;
	    e = h->x_next(e)) {
		const char *k = h->x_text(e, "key"), *v = h->x_text(e, "value");

		if (k != NULL && v != NULL && strcmp(k, "DisplayName") == 0)
			display = v;
		else if (k != NULL && v != NULL && strcmp(k, "Policy") == 0) {
			h->j_key(t->w, "Policy");
			h->j_str(t->w, v);
		}
	}
	h->j_key(t->w, "DisplayName");
	h->j_str(t->w, display);
	c = sns_call(h, op, "ListTagsForResource");
	h->call_param(c, "ResourceArn", t->arn);
	h->call_read_only(c);
	h->call_send(c, on_tags, arg);
}

/* Reads the topic at the known ARN. */
static void
read_start(const struct fugue_host *h, struct fugue_op *op)
{
	struct fugue_call *c = sns_call(h, op, "GetTopicAttributes");

	h->call_param(c, "TopicArn", topic_op(h, op)->arn);
	h->call_read_only(c);
	h->call_send(c, on_attributes, (void *)h);
}

/* Records the topic's ARN as its physical id. */
static void
set_arn(const struct fugue_host *h, struct fugue_op *op, const char *arn)
{
	struct topic_op *t = topic_op(h, op);

	free(t->arn);
	t->arn = xstrdup(arn);
	h->op_set_physical_id(op, arn);
}

/* CreateTopic answered: record the ARN at once, then read the topic back. */
static void
on_created(struct fugue_op *op, struct fugue_call *c, const struct fugue_reply *r, void *arg)
{
	const struct fugue_host *h = arg;
	const char *arn;

	(void)c;
	if (!reply_ok(h, op, r, "CreateTopic"))
		return;
	arn = h->x_text(h->r_xml(r), "CreateTopicResult/TopicArn");
	if (arn == NULL) {
		h->op_done(op, FUGUE_E_RETRYABLE, NULL, "CreateTopic: no TopicArn in the reply");
		return;
	}
	set_arn(h, op, arn);
	read_start(h, op);
}

/* Adds attribute n of CreateTopic. */
static void
add_attribute(const struct fugue_host *h, struct fugue_call *c, unsigned n, const char *name,
    const char *value)
{
	char k[48];

	snprintf(k, sizeof(k), "Attributes.entry.%u.key", n);
	h->call_param(c, k, name);
	snprintf(k, sizeof(k), "Attributes.entry.%u.value", n);
	h->call_param(c, k, value);
}

/* create: CreateTopic with the attributes and tags. */
static void
topic_create(const struct fugue_host *h, struct fugue_op *op)
{
	const struct fugue_value *d = h->op_desired(op);
	const char *display = h->v_str(d, "DisplayName"), *policy = h->v_str(d, "Policy");
	struct fugue_call *c;
	unsigned n = 0;

	topic_op(h, op);
	c = sns_call(h, op, "CreateTopic");
	h->call_param(c, "Name", h->v_str(d, "TopicName"));
	if (display != NULL && *display != '\0')
		add_attribute(h, c, ++n, "DisplayName", display);
	if (policy != NULL)
		add_attribute(h, c, ++n, "Policy", policy);
	add_tags(h, c, h->v_get(d, "Tags"), NULL);
	h->call_send(c, on_created, (void *)h);
}

static void list_page(const struct fugue_host *, struct fugue_op *, const char *token);

/* ListTopics answered (a read that lost the ARN): the topic with the desired name, else the
 * next page, else the topic is gone. */
static void
on_listed(struct fugue_op *op, struct fugue_call *c, const struct fugue_reply *r, void *arg)
{
	const struct fugue_host *h = arg;
	const char *name = h->v_str(h->op_desired(op), "TopicName"), *token;
	const struct fugue_xml *m;
	char msg[512];

	(void)c;
	if (!reply_ok(h, op, r, "ListTopics"))
		return;
	for (m = h->x_find(h->r_xml(r), "ListTopicsResult/Topics/member"); m; m = h->x_next(m)) {
		const char *arn = h->x_text(m, "TopicArn");
		const char *colon = arn != NULL ? strrchr(arn, ':') : NULL;

		if (colon != NULL && name != NULL && strcmp(colon + 1, name) == 0) {
			set_arn(h, op, arn);
			read_start(h, op);
			return;
		}
	}
	token = h->x_text(h->r_xml(r), "ListTopicsResult/NextToken");
	if (token != NULL && *token != '\0') {
		list_page(h, op, token);
		return;
	}
	snprintf(msg, sizeof(msg), "no topic named %s", name != NULL ? name : "(none)");
	h->op_done(op, FUGUE_E_NOT_FOUND, NULL, msg);
}

/* Asks for a page of ListTopics. */
static void
list_page(const struct fugue_host *h, struct fugue_op *op, const char *token)
{
	struct fugue_call *c = sns_call(h, op, "ListTopics");

	if (token != NULL)
		h->call_param(c, "NextToken", token);
	h->call_read_only(c);
	h->call_send(c, on_listed, (void *)h);
}

/* read: by ARN, or by name when the ARN was lost. */
static void
topic_read(const struct fugue_host *h, struct fugue_op *op)
{
	if (topic_op(h, op)->arn != NULL)
		read_start(h, op);
	else
		list_page(h, op, NULL);
}

/* A step of an update answered: on to the next one. */
static void
on_step(struct fugue_op *op, struct fugue_call *c, const struct fugue_reply *r, void *arg)
{
	const struct fugue_host *h = arg;
	static const char *const what[] = { "SetTopicAttributes(DisplayName)",
		"SetTopicAttributes(Policy)", "UntagResource", "TagResource" };
	struct topic_op *t = topic_op(h, op);

	(void)c;
	if (reply_ok(h, op, r, what[t->step - 1]))
		update_next(h, op);
}

/* Starts the next step of an update that has something to do, or reads the result. */
static void
update_next(const struct fugue_host *h, struct fugue_op *op)
{
	struct topic_op *t = topic_op(h, op);
	const struct fugue_value *d = h->op_desired(op);
	const struct fugue_value *want = h->v_get(d, "Tags");
	const struct fugue_value *have = h->v_get(h->op_observed(op), "Tags");
	struct fugue_call *c = NULL;
	char k[32];

	while (c == NULL && t->step < 4) {
		switch (t->step++) {
		case 0: /* DisplayName has a default: always managed */
			c = sns_call(h, op, "SetTopicAttributes");
			h->call_param(c, "TopicArn", t->arn);
			h->call_param(c, "AttributeName", "DisplayName");
			h->call_param(c, "AttributeValue", h->v_str(d, "DisplayName") ?
			    h->v_str(d, "DisplayName") : "");
			break;
		case 1: /* Policy only when the composition gives one */
			if (h->v_str(d, "Policy") == NULL)
				break;
			c = sns_call(h, op, "SetTopicAttributes");
			h->call_param(c, "TopicArn", t->arn);
			h->call_param(c, "AttributeName", "Policy");
			h->call_param(c, "AttributeValue", h->v_str(d, "Policy"));
			break;
		case 2: /* tags no longer wanted (aws: tags are AWS's own) */
			for (size_t i = 0, n = 0; i < h->v_len(have, ""); i++) {
				const char *key = h->v_str(h->v_at(have, i), "Key");

				if (key == NULL || strncmp(key, "aws:", 4) == 0 ||
				    tag_has(h, want, key, NULL))
					continue;
				if (c == NULL) {
					c = sns_call(h, op, "UntagResource");
					h->call_param(c, "ResourceArn", t->arn);
				}
				snprintf(k, sizeof(k), "TagKeys.member.%zu", ++n);
				h->call_param(c, k, key);
			}
			break;
		case 3: /* tags missing or with another value */
			if (!tags_missing(h, want, have))
				break;
			c = sns_call(h, op, "TagResource");
			h->call_param(c, "ResourceArn", t->arn);
			add_tags(h, c, want, have);
			break;
		}
	}
	if (c == NULL)
		read_start(h, op);
	else
		h->call_send(c, on_step, (void *)h);
}

/* update: the attributes one by one, then the tags, then a read. */
static void
topic_update(const struct fugue_host *h, struct fugue_op *op)
{
	if (topic_op(h, op)->arn == NULL) {
		h->op_done(op, FUGUE_E_NOT_FOUND, NULL, "the topic's ARN is not known");
		return;
	}
	update_next(h, op);
}

/* DeleteTopic answered: gone either way. */
static void
on_deleted(struct fugue_op *op, struct fugue_call *c, const struct fugue_reply *r, void *arg)
{
	const struct fugue_host *h = arg;

	(void)c;
	if (h->r_status(r) == FUGUE_E_NOT_FOUND || reply_ok(h, op, r, "DeleteTopic"))
		h->op_done(op, FUGUE_OK, NULL, NULL);
}

/* delete: DeleteTopic (its subscriptions go with it). */
static void
topic_delete(const struct fugue_host *h, struct fugue_op *op)
{
	struct fugue_call *c;

	if (topic_op(h, op)->arn == NULL) {
		h->op_done(op, FUGUE_OK, NULL, NULL);
		return;
	}
	c = sns_call(h, op, "DeleteTopic");
	h->call_param(c, "TopicArn", topic_op(h, op)->arn);
	h->call_send(c, on_deleted, (void *)h);
}

static const struct fugue_type types[] = {
	{
		.name = "AWS.SNS.Topic",
		.create = topic_create,
		.read = topic_read,
		.update = topic_update,
		.delete = topic_delete,
	},
};

/* The one exported symbol; the file is sns.so, so the name is "sns". */
const struct fugue_broker sns_LTX_fugue_broker = {
	.abi_major = FUGUE_BROKER_ABI_MAJOR,
	.abi_minor = FUGUE_BROKER_ABI_MINOR,
	.name = "sns",
	.description = "Amazon SNS topics (an out-of-tree example plugin)",
	.types = types,
	.ntypes = sizeof(types) / sizeof(types[0]),
};
