/* sns.c: the SNS service (query protocol): topics, their attributes and tags, and
 * subscriptions of SQS queues. Publishing is in sns_publish.c. */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "services.h"
#include "sigv4.h"
#include "sns.h"
#include "xml.h"

#define MAX_TAGS 50

static const struct sqs_shape s_str = { SQS_T_STR, NULL, NULL, NULL, NULL };
static const struct sqs_shape s_bool = { SQS_T_BOOL, NULL, NULL, NULL, NULL };
static const struct sqs_shape s_blob = { SQS_T_BLOB, NULL, NULL, NULL, NULL };
static const struct sqs_shape s_attrs = { SQS_T_MAP, NULL, &s_str, "key", "value" };
static const struct sqs_member m_tag[] = {
	{ "Key", NULL, &s_str }, { "Value", NULL, &s_str }, { NULL, NULL, NULL },
};
static const struct sqs_shape s_tag = { SQS_T_STRUCT, m_tag, NULL, NULL, NULL };
static const struct sqs_shape s_tags = { SQS_T_LIST, NULL, &s_tag, NULL, NULL };
static const struct sqs_shape s_keys = { SQS_T_LIST, NULL, &s_str, NULL, NULL };
static const struct sqs_member m_value[] = {
	{ "DataType", NULL, &s_str }, { "StringValue", NULL, &s_str },
	{ "BinaryValue", NULL, &s_blob }, { NULL, NULL, NULL },
};
static const struct sqs_shape s_value = { SQS_T_STRUCT, m_value, NULL, NULL, NULL };
static const struct sqs_shape s_mattrs = { SQS_T_MAP, NULL, &s_value, "Name", "Value" };
/* Every SNS action's parameters (their names never clash across actions). */
static const struct sqs_member m_input[] = {
	{ "AttributeName", NULL, &s_str },
	{ "AttributeValue", NULL, &s_str },
	{ "Attributes", "Attributes.entry", &s_attrs },
	{ "Endpoint", NULL, &s_str },
	{ "Message", NULL, &s_str },
	{ "MessageAttributes", "MessageAttributes.entry", &s_mattrs },
	{ "MessageDeduplicationId", NULL, &s_str },
	{ "MessageGroupId", NULL, &s_str },
	{ "MessageStructure", NULL, &s_str },
	{ "Name", NULL, &s_str },
	{ "NextToken", NULL, &s_str },
	{ "PhoneNumber", NULL, &s_str },
	{ "Protocol", NULL, &s_str },
	{ "ResourceArn", NULL, &s_str },
	{ "ReturnSubscriptionArn", NULL, &s_bool },
	{ "Subject", NULL, &s_str },
	{ "SubscriptionArn", NULL, &s_str },
	{ "TagKeys", "TagKeys.member", &s_keys },
	{ "Tags", "Tags.member", &s_tags },
	{ "TargetArn", NULL, &s_str },
	{ "TopicArn", NULL, &s_str },
	{ NULL, NULL, NULL },
};
static const struct sqs_shape s_input = { SQS_T_STRUCT, m_input, NULL, NULL, NULL };

/* Topic attributes that can be set (FifoTopic only to false: FIFO topics are not
 * implemented). */
static const char *const topic_settable[] = {
	"ContentBasedDeduplication", "DataProtectionPolicy", "DeliveryPolicy", "DisplayName",
	"FifoTopic", "KmsMasterKeyId", "Policy", "SignatureVersion", "TracingConfig",
};
/* Subscription attributes that can be set. */
static const char *const sub_settable[] = {
	"DeliveryPolicy", "RawMessageDelivery", "RedrivePolicy",
};

/* Says whether name is in a list. */
static int
in_list(const char *const *list, size_t n, const char *name)
{
	for (size_t i = 0; name && i < n; i++)
		if (strcmp(list[i], name) == 0)
			return 1;
	return 0;
}

/* Replies with InvalidParameter. */
static void
invalid(struct lc_request *req, const char *what)
{
	lc_error(req, 400, "InvalidParameter", "Invalid parameter: %s", what);
}

/* The topic with this ARN, or NULL. */
struct sns_topic *
sns_topic_find(struct sns_state *st, const char *arn)
{
	for (size_t i = 0; arn && i < st->ntopics; i++)
		if (strcmp(st->topics[i]->arn, arn) == 0)
			return st->topics[i];
	return NULL;
}

/* Orders topics by ARN. */
static int
topic_cmp(const void *a, const void *b)
{
	return strcmp((*(struct sns_topic *const *)a)->arn, (*(struct sns_topic *const *)b)->arn);
}

/* Creates a topic. */
struct sns_topic *
sns_topic_add(struct sns_state *st, const char *account, const char *region, const char *name,
    int64_t created_ms)
{
	struct sns_topic *t = fg_calloc(1, sizeof(*t));

	t->arn = fg_printf("arn:aws:sns:%s:%s:%s", region, account, name);
	t->name = fg_strdup(name);
	t->account = fg_strdup(account);
	t->region = fg_strdup(region);
	t->created_ms = created_ms;
	st->topics = fg_realloc(st->topics, (st->ntopics + 1) * sizeof(*st->topics));
	st->topics[st->ntopics++] = t;
	qsort(st->topics, st->ntopics, sizeof(*st->topics), topic_cmp);
	return t;
}

/* Creates a subscription. */
struct sns_sub *
sns_sub_add(struct sns_state *st, const char *arn, const char *topic_arn, const char *protocol,
    const char *endpoint, const char *owner)
{
	struct sns_sub *s = fg_calloc(1, sizeof(*s));

	s->arn = fg_strdup(arn);
	s->topic_arn = fg_strdup(topic_arn);
	s->protocol = fg_strdup(protocol);
	s->endpoint = fg_strdup(endpoint);
	s->owner = fg_strdup(owner);
	st->subs = fg_realloc(st->subs, (st->nsubs + 1) * sizeof(*st->subs));
	st->subs[st->nsubs++] = s;
	return s;
}

/* Frees a subscription. */
static void
sub_free(struct sns_sub *s)
{
	free(s->arn);
	free(s->topic_arn);
	free(s->protocol);
	free(s->endpoint);
	free(s->owner);
	sqs_kv_free(s->attrs, s->nattrs);
	free(s);
}

/* Removes the i-th subscription. */
static void
sub_remove(struct sns_state *st, size_t i)
{
	sub_free(st->subs[i]);
	memmove(st->subs + i, st->subs + i + 1, (st->nsubs - i - 1) * sizeof(*st->subs));
	st->nsubs--;
}

/* Frees a topic. */
static void
topic_free(struct sns_topic *t)
{
	free(t->arn);
	free(t->name);
	free(t->account);
	free(t->region);
	sqs_kv_free(t->attrs, t->nattrs);
	sqs_kv_free(t->tags, t->ntags);
	free(t);
}

/* Frees the whole SNS state. */
void
sns_state_free(struct sns_state *st)
{
	for (size_t i = 0; i < st->ntopics; i++)
		topic_free(st->topics[i]);
	for (size_t i = 0; i < st->nsubs; i++)
		sub_free(st->subs[i]);
	free(st->topics);
	free(st->subs);
	free(st);
}

/* The value of key in a key/value list, or NULL. */
static const char *
kv_get(const struct sqs_kv *v, size_t n, const char *key)
{
	for (size_t i = 0; i < n; i++)
		if (strcmp(v[i].key, key) == 0)
			return v[i].value;
	return NULL;
}

/* The topic a TopicArn (or ResourceArn) names, visible to req; NULL after replying. */
static struct sns_topic *
topic_of(struct lc_request *req, struct sns_state *st, fg_json in, const char *param)
{
	const char *arn = fg_json_str(fg_json_get(in, param));
	struct sns_topic *t;

	if (arn == NULL || strncmp(arn, "arn:aws:sns:", 12) != 0) {
		invalid(req, param);
		return NULL;
	}
	t = sns_topic_find(st, arn);
	if (t == NULL || !lc_visible(req, t->created_ms)) {
		if (strcmp(param, "ResourceArn") == 0)
			lc_error(req, 404, "ResourceNotFound", "Resource does not exist");
		else
			lc_error(req, 404, "NotFound", "Topic does not exist");
		return NULL;
	}
	return t;
}

/* Checks a topic attribute; -1 after replying. */
static int
topic_attr_check(struct lc_request *req, const char *name, const char *value)
{
	if (!in_list(topic_settable, FG_ARRAY_LEN(topic_settable), name)) {
		invalid(req, "AttributeName");
		return -1;
	}
	if (strcmp(name, "FifoTopic") == 0 && strcmp(value, "true") == 0) {
		invalid(req, "Attributes Reason: localcloud does not implement FIFO topics");
		return -1;
	}
	if ((strcmp(name, "Policy") == 0 || strcmp(name, "DeliveryPolicy") == 0) && *value) {
		char *err = NULL;
		fg_json v = fg_json_parse(value, strlen(value), &err);
		int ok = v && YAJL_IS_OBJECT(v);

		free(err);
		fg_json_free(v);
		if (!ok) {
			lc_error(req, 400, "InvalidParameter", "Invalid parameter: %s Reason: not a JSON "
			    "object", name);
			return -1;
		}
	}
	return 0;
}

/* Applies Tags [{Key, Value}] to a tag list; -1 after replying. */
static int
tags_apply(struct lc_request *req, struct sqs_kv **tags, size_t *ntags, fg_json list)
{
	size_t n = *ntags;

	for (size_t i = 0; i < fg_json_len(list); i++) {
		const char *k = fg_json_str(fg_json_get(fg_json_at(list, i), "Key"));
		const char *v = fg_json_str(fg_json_get(fg_json_at(list, i), "Value"));

		if (k == NULL || *k == '\0' || strlen(k) > 128 || v == NULL || strlen(v) > 256) {
			invalid(req, "Tags");
			return -1;
		}
		n += kv_get(*tags, *ntags, k) == NULL;
	}
	if (n > MAX_TAGS) {
		lc_error(req, 400, "TagLimitExceeded", "Could not complete request: tag quota of per "
		    "resource exceeded");
		return -1;
	}
	for (size_t i = 0; i < fg_json_len(list); i++)
		sqs_kv_set(tags, ntags, fg_json_str(fg_json_get(fg_json_at(list, i), "Key")),
		    fg_json_str(fg_json_get(fg_json_at(list, i), "Value")));
	return 0;
}

/* Writes a one-element result (<TopicArn>...</TopicArn>) and closes the reply. */
static enum lc_result
reply_one(struct lc_request *req, const char *name, const char *value)
{
	struct fg_buf *b = lc_query_begin(req, 1);

	fg_xml_elem(b, name, value);
	lc_query_end(req, 1);
	return LC_DONE;
}

/* Replies with an empty result element. */
static enum lc_result
reply_empty(struct lc_request *req, int with_result)
{
	lc_query_begin(req, with_result);
	lc_query_end(req, with_result);
	return LC_DONE;
}

/* CreateTopic: idempotent for the same name and attributes. */
static enum lc_result
create_topic(struct lc_request *req, struct sns_state *st, fg_json in)
{
	const char *name = fg_json_str(fg_json_get(in, "Name"));
	fg_json attrs = fg_json_get(in, "Attributes");
	struct sqs_kv *tags = NULL;
	size_t ntags = 0;
	struct sns_topic *t;
	char *arn;

	if (name == NULL || *name == '\0' || strlen(name) > 256 || strspn(name,
	    "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_") != strlen(name)) {
		invalid(req, "Topic Name");
		return LC_DONE;
	}
	for (size_t i = 0; i < fg_json_len(attrs); i++)
		if (topic_attr_check(req, fg_json_key(attrs, i), fg_json_str(fg_json_at(attrs, i)) ?
		    fg_json_str(fg_json_at(attrs, i)) : "") != 0)
			return LC_DONE;
	if (tags_apply(req, &tags, &ntags, fg_json_get(in, "Tags")) != 0) {
		sqs_kv_free(tags, ntags);
		return LC_DONE;
	}
	arn = fg_printf("arn:aws:sns:%s:%s:%s", req->who.region, req->who.account, name);
	if ((t = sns_topic_find(st, arn)) != NULL) {
		for (size_t i = 0; i < fg_json_len(attrs); i++) {
			const char *have = kv_get(t->attrs, t->nattrs, fg_json_key(attrs, i));
			const char *want = fg_json_str(fg_json_at(attrs, i));

			if (have == NULL || want == NULL || strcmp(have, want) != 0) {
				invalid(req, "Attributes Reason: Topic already exists with different "
				    "attributes");
				goto out;
			}
		}
	} else {
		t = sns_topic_add(st, req->who.account, req->who.region, name, fg_wall_ms());
		for (size_t i = 0; i < fg_json_len(attrs); i++)
			if (fg_json_str(fg_json_at(attrs, i)) && *fg_json_str(fg_json_at(attrs, i)))
				sqs_kv_set(&t->attrs, &t->nattrs, fg_json_key(attrs, i),
				    fg_json_str(fg_json_at(attrs, i)));
		for (size_t i = 0; i < ntags; i++)
			sqs_kv_set(&t->tags, &t->ntags, tags[i].key, tags[i].value);
		lc_changed(st->srv, &lc_svc_sns);
	}
	reply_one(req, "TopicArn", arn);
out:
	sqs_kv_free(tags, ntags);
	free(arn);
	return LC_DONE;
}

/* DeleteTopic (with its subscriptions); a topic that does not exist is not an error. */
static enum lc_result
delete_topic(struct lc_request *req, struct sns_state *st, fg_json in)
{
	const char *arn = fg_json_str(fg_json_get(in, "TopicArn"));

	if (arn == NULL || strncmp(arn, "arn:aws:sns:", 12) != 0) {
		invalid(req, "TopicArn");
		return LC_DONE;
	}
	for (size_t i = 0; i < st->ntopics; i++) {
		if (strcmp(st->topics[i]->arn, arn) != 0)
			continue;
		topic_free(st->topics[i]);
		memmove(st->topics + i, st->topics + i + 1, (st->ntopics - i - 1) *
		    sizeof(*st->topics));
		st->ntopics--;
		for (size_t j = st->nsubs; j-- > 0;)
			if (strcmp(st->subs[j]->topic_arn, arn) == 0)
				sub_remove(st, j);
		lc_changed(st->srv, &lc_svc_sns);
		break;
	}
	return reply_empty(req, 0);
}

/* Reads a NextToken (a position, base64); -1 after replying. */
static int
page_start(struct lc_request *req, fg_json in, size_t *start)
{
	const char *tok = fg_json_str(fg_json_get(in, "NextToken"));
	unsigned char *raw;
	char *end;
	size_t n;

	*start = 0;
	if (tok == NULL || *tok == '\0')
		return 0;
	raw = fg_base64_decode(tok, &n);
	if (raw == NULL || n == 0 || n > 20 || memchr(raw, '\0', n)) {
		free(raw);
		invalid(req, "NextToken");
		return -1;
	}
	raw = fg_realloc(raw, n + 1);
	raw[n] = '\0';
	*start = strtoul((char *)raw, &end, 10);
	n = *end == '\0';
	free(raw);
	if (!n) {
		invalid(req, "NextToken");
		return -1;
	}
	return 0;
}

/* Adds <NextToken> for the position next. */
static void
page_token(struct fg_buf *b, size_t next)
{
	char num[24], *tok;

	snprintf(num, sizeof(num), "%zu", next);
	tok = fg_base64(num, strlen(num));
	fg_xml_elem(b, "NextToken", tok);
	free(tok);
}

/* ListTopics (the caller's account and region, 100 a page). */
static enum lc_result
list_topics(struct lc_request *req, struct sns_state *st, fg_json in)
{
	struct fg_buf *b;
	size_t start, seen = 0, shown = 0, i;

	if (page_start(req, in, &start) != 0)
		return LC_DONE;
	b = lc_query_begin(req, 1);
	fg_buf_addstr(b, "<Topics>");
	for (i = 0; i < st->ntopics; i++) {
		struct sns_topic *t = st->topics[i];

		if (strcmp(t->account, req->who.account) || strcmp(t->region, req->who.region) ||
		    !lc_visible(req, t->created_ms) || seen++ < start)
			continue;
		if (shown == SNS_PAGE)
			break;
		fg_buf_addstr(b, "<member>");
		fg_xml_elem(b, "TopicArn", t->arn);
		fg_buf_addstr(b, "</member>");
		shown++;
	}
	fg_buf_addstr(b, "</Topics>");
	if (i < st->ntopics)
		page_token(b, start + shown);
	lc_query_end(req, 1);
	return LC_DONE;
}

/* Writes <entry><key>k</key><value>v</value></entry>. */
static void
entry(struct fg_buf *b, const char *k, const char *v)
{
	fg_buf_addstr(b, "<entry>");
	fg_xml_elem(b, "key", k);
	fg_xml_elem(b, "value", v);
	fg_buf_addstr(b, "</entry>");
}

/* GetTopicAttributes. */
static enum lc_result
get_topic_attrs(struct lc_request *req, struct sns_state *st, fg_json in)
{
	struct sns_topic *t = topic_of(req, st, in, "TopicArn");
	struct fg_buf *b;
	char num[24], *policy;
	size_t subs = 0;

	if (t == NULL)
		return LC_DONE;
	for (size_t i = 0; i < st->nsubs; i++)
		subs += strcmp(st->subs[i]->topic_arn, t->arn) == 0;
	policy = fg_printf("{\"Version\":\"2008-10-17\",\"Id\":\"__default_policy_ID\","
	    "\"Statement\":[{\"Sid\":\"__default_statement_ID\",\"Effect\":\"Allow\",\"Principal\":"
	    "{\"AWS\":\"*\"},\"Action\":[\"SNS:GetTopicAttributes\",\"SNS:SetTopicAttributes\","
	    "\"SNS:AddPermission\",\"SNS:RemovePermission\",\"SNS:DeleteTopic\",\"SNS:Subscribe\","
	    "\"SNS:ListSubscriptionsByTopic\",\"SNS:Publish\"],\"Resource\":\"%s\",\"Condition\":"
	    "{\"StringEquals\":{\"AWS:SourceOwner\":\"%s\"}}}]}", t->arn, t->account);
	b = lc_query_begin(req, 1);
	fg_buf_addstr(b, "<Attributes>");
	entry(b, "TopicArn", t->arn);
	entry(b, "Owner", t->account);
	entry(b, "Policy", kv_get(t->attrs, t->nattrs, "Policy") ?
	    kv_get(t->attrs, t->nattrs, "Policy") : policy);
	entry(b, "DisplayName", kv_get(t->attrs, t->nattrs, "DisplayName") ?
	    kv_get(t->attrs, t->nattrs, "DisplayName") : "");
	snprintf(num, sizeof(num), "%zu", subs);
	entry(b, "SubscriptionsConfirmed", num);
	entry(b, "SubscriptionsPending", "0");
	entry(b, "SubscriptionsDeleted", "0");
	entry(b, "EffectiveDeliveryPolicy", "{\"http\":{\"defaultHealthyRetryPolicy\":"
	    "{\"minDelayTarget\":20,\"maxDelayTarget\":20,\"numRetries\":3,\"numMaxDelayRetries\":0,"
	    "\"numNoDelayRetries\":0,\"numMinDelayRetries\":0,\"backoffFunction\":\"linear\"},"
	    "\"disableSubscriptionOverrides\":false,\"defaultRequestPolicy\":{\"headerContentType\":"
	    "\"text/plain; charset=UTF-8\"}}}");
	for (size_t i = 0; i < t->nattrs; i++)
		if (strcmp(t->attrs[i].key, "Policy") && strcmp(t->attrs[i].key, "DisplayName"))
			entry(b, t->attrs[i].key, t->attrs[i].value);
	fg_buf_addstr(b, "</Attributes>");
	lc_query_end(req, 1);
	free(policy);
	return LC_DONE;
}

/* SetTopicAttributes. */
static enum lc_result
set_topic_attrs(struct lc_request *req, struct sns_state *st, fg_json in)
{
	struct sns_topic *t = topic_of(req, st, in, "TopicArn");
	const char *name = fg_json_str(fg_json_get(in, "AttributeName"));
	const char *value = fg_json_str(fg_json_get(in, "AttributeValue"));

	if (t == NULL)
		return LC_DONE;
	if (name == NULL || topic_attr_check(req, name, value ? value : "") != 0) {
		if (name == NULL)
			invalid(req, "AttributeName");
		return LC_DONE;
	}
	if (value && *value)
		sqs_kv_set(&t->attrs, &t->nattrs, name, value);
	else
		sqs_kv_del(&t->attrs, &t->nattrs, name);
	lc_changed(st->srv, &lc_svc_sns);
	return reply_empty(req, 0);
}

/* Checks a subscription attribute; -1 after replying. */
static int
sub_attr_check(struct lc_request *req, const char *name, const char *value)
{
	if (name && (strcmp(name, "FilterPolicy") == 0 || strcmp(name, "FilterPolicyScope") == 0)) {
		invalid(req, "Attributes Reason: localcloud does not implement subscription filter "
		    "policies");
		return -1;
	}
	if (!in_list(sub_settable, FG_ARRAY_LEN(sub_settable), name)) {
		invalid(req, "AttributeName");
		return -1;
	}
	if (strcmp(name, "RawMessageDelivery") == 0 && strcmp(value, "true") &&
	    strcmp(value, "false")) {
		invalid(req, "Attributes Reason: RawMessageDelivery: Invalid value [must be true or "
		    "false]");
		return -1;
	}
	return 0;
}

/* Subscribe: an SQS queue (by ARN) to a topic; idempotent for the same endpoint. */
static enum lc_result
subscribe(struct lc_request *req, struct sns_state *st, fg_json in)
{
	struct sns_topic *t = topic_of(req, st, in, "TopicArn");
	const char *proto = fg_json_str(fg_json_get(in, "Protocol"));
	const char *ep = fg_json_str(fg_json_get(in, "Endpoint"));
	fg_json attrs = fg_json_get(in, "Attributes");
	struct sns_sub *s;
	char id[37], *arn;

	if (t == NULL)
		return LC_DONE;
	if (proto == NULL || strcmp(proto, "sqs") != 0) {
		invalid(req, "Protocol Reason: localcloud delivers to protocol sqs only");
		return LC_DONE;
	}
	if (ep == NULL || strncmp(ep, "arn:aws:sqs:", 12) != 0) {
		invalid(req, "SQS endpoint ARN");
		return LC_DONE;
	}
	for (size_t i = 0; i < fg_json_len(attrs); i++)
		if (sub_attr_check(req, fg_json_key(attrs, i), fg_json_str(fg_json_at(attrs, i)) ?
		    fg_json_str(fg_json_at(attrs, i)) : "") != 0)
			return LC_DONE;
	for (size_t i = 0; i < st->nsubs; i++) {
		s = st->subs[i];
		if (strcmp(s->topic_arn, t->arn) == 0 && strcmp(s->protocol, proto) == 0 &&
		    strcmp(s->endpoint, ep) == 0)
			return reply_one(req, "SubscriptionArn", s->arn);
	}
	lc_uuid(id);
	arn = fg_printf("%s:%s", t->arn, id);
	s = sns_sub_add(st, arn, t->arn, proto, ep, req->who.account);
	for (size_t i = 0; i < fg_json_len(attrs); i++)
		sqs_kv_set(&s->attrs, &s->nattrs, fg_json_key(attrs, i),
		    fg_json_str(fg_json_at(attrs, i)));
	lc_changed(st->srv, &lc_svc_sns);
	reply_one(req, "SubscriptionArn", arn);
	free(arn);
	return LC_DONE;
}

/* The index of a subscription named by SubscriptionArn; -1 after replying. */
static long
sub_of(struct lc_request *req, struct sns_state *st, fg_json in)
{
	const char *arn = fg_json_str(fg_json_get(in, "SubscriptionArn"));

	if (arn == NULL || strncmp(arn, "arn:aws:sns:", 12) != 0) {
		invalid(req, "SubscriptionArn");
		return -1;
	}
	for (size_t i = 0; i < st->nsubs; i++)
		if (strcmp(st->subs[i]->arn, arn) == 0)
			return (long)i;
	lc_error(req, 404, "NotFound", "Subscription does not exist");
	return -1;
}

/* Unsubscribe. */
static enum lc_result
unsubscribe(struct lc_request *req, struct sns_state *st, fg_json in)
{
	long i = sub_of(req, st, in);

	if (i < 0)
		return LC_DONE;
	sub_remove(st, (size_t)i);
	lc_changed(st->srv, &lc_svc_sns);
	return reply_empty(req, 0);
}

/* GetSubscriptionAttributes. */
static enum lc_result
get_sub_attrs(struct lc_request *req, struct sns_state *st, fg_json in)
{
	long i = sub_of(req, st, in);
	struct sns_sub *s;
	struct fg_buf *b;

	if (i < 0)
		return LC_DONE;
	s = st->subs[i];
	b = lc_query_begin(req, 1);
	fg_buf_addstr(b, "<Attributes>");
	entry(b, "SubscriptionArn", s->arn);
	entry(b, "TopicArn", s->topic_arn);
	entry(b, "Owner", s->owner);
	entry(b, "Protocol", s->protocol);
	entry(b, "Endpoint", s->endpoint);
	entry(b, "ConfirmationWasAuthenticated", "true");
	entry(b, "PendingConfirmation", "false");
	entry(b, "RawMessageDelivery", kv_get(s->attrs, s->nattrs, "RawMessageDelivery") ?
	    kv_get(s->attrs, s->nattrs, "RawMessageDelivery") : "false");
	for (size_t j = 0; j < s->nattrs; j++)
		if (strcmp(s->attrs[j].key, "RawMessageDelivery") != 0)
			entry(b, s->attrs[j].key, s->attrs[j].value);
	fg_buf_addstr(b, "</Attributes>");
	lc_query_end(req, 1);
	return LC_DONE;
}

/* SetSubscriptionAttributes. */
static enum lc_result
set_sub_attrs(struct lc_request *req, struct sns_state *st, fg_json in)
{
	long i = sub_of(req, st, in);
	const char *name = fg_json_str(fg_json_get(in, "AttributeName"));
	const char *value = fg_json_str(fg_json_get(in, "AttributeValue"));

	if (i < 0 || sub_attr_check(req, name, value ? value : "") != 0)
		return LC_DONE;
	if (value && *value)
		sqs_kv_set(&st->subs[i]->attrs, &st->subs[i]->nattrs, name, value);
	else
		sqs_kv_del(&st->subs[i]->attrs, &st->subs[i]->nattrs, name);
	lc_changed(st->srv, &lc_svc_sns);
	return reply_empty(req, 0);
}

/* ListSubscriptions and ListSubscriptionsByTopic (topic NULL: all of the caller's). */
static enum lc_result
list_subs(struct lc_request *req, struct sns_state *st, fg_json in, const char *topic)
{
	struct fg_buf *b;
	size_t start, seen = 0, shown = 0, i;

	if (page_start(req, in, &start) != 0)
		return LC_DONE;
	b = lc_query_begin(req, 1);
	fg_buf_addstr(b, "<Subscriptions>");
	for (i = 0; i < st->nsubs; i++) {
		struct sns_sub *s = st->subs[i];

		if ((topic && strcmp(s->topic_arn, topic) != 0) ||
		    (!topic && strcmp(s->owner, req->who.account) != 0) || seen++ < start)
			continue;
		if (shown == SNS_PAGE)
			break;
		fg_buf_addstr(b, "<member>");
		fg_xml_elem(b, "TopicArn", s->topic_arn);
		fg_xml_elem(b, "Protocol", s->protocol);
		fg_xml_elem(b, "SubscriptionArn", s->arn);
		fg_xml_elem(b, "Owner", s->owner);
		fg_xml_elem(b, "Endpoint", s->endpoint);
		fg_buf_addstr(b, "</member>");
		shown++;
	}
	fg_buf_addstr(b, "</Subscriptions>");
	if (i < st->nsubs)
		page_token(b, start + shown);
	lc_query_end(req, 1);
	return LC_DONE;
}

/* ListSubscriptions. */
static enum lc_result
list_all_subs(struct lc_request *req, struct sns_state *st, fg_json in)
{
	return list_subs(req, st, in, NULL);
}

/* ListSubscriptionsByTopic. */
static enum lc_result
list_topic_subs(struct lc_request *req, struct sns_state *st, fg_json in)
{
	struct sns_topic *t = topic_of(req, st, in, "TopicArn");

	return t ? list_subs(req, st, in, t->arn) : LC_DONE;
}

/* TagResource. */
static enum lc_result
tag_resource(struct lc_request *req, struct sns_state *st, fg_json in)
{
	struct sns_topic *t = topic_of(req, st, in, "ResourceArn");

	if (t == NULL || tags_apply(req, &t->tags, &t->ntags, fg_json_get(in, "Tags")) != 0)
		return LC_DONE;
	lc_changed(st->srv, &lc_svc_sns);
	return reply_empty(req, 1);
}

/* UntagResource. */
static enum lc_result
untag_resource(struct lc_request *req, struct sns_state *st, fg_json in)
{
	struct sns_topic *t = topic_of(req, st, in, "ResourceArn");
	fg_json keys = fg_json_get(in, "TagKeys");

	if (t == NULL)
		return LC_DONE;
	for (size_t i = 0; i < fg_json_len(keys); i++)
		if (fg_json_str(fg_json_at(keys, i)))
			sqs_kv_del(&t->tags, &t->ntags, fg_json_str(fg_json_at(keys, i)));
	lc_changed(st->srv, &lc_svc_sns);
	return reply_empty(req, 1);
}

/* ListTagsForResource. */
static enum lc_result
list_tags(struct lc_request *req, struct sns_state *st, fg_json in)
{
	struct sns_topic *t = topic_of(req, st, in, "ResourceArn");
	struct fg_buf *b;

	if (t == NULL)
		return LC_DONE;
	b = lc_query_begin(req, 1);
	fg_buf_addstr(b, "<Tags>");
	for (size_t i = 0; i < t->ntags; i++) {
		fg_buf_addstr(b, "<member>");
		fg_xml_elem(b, "Key", t->tags[i].key);
		fg_xml_elem(b, "Value", t->tags[i].value);
		fg_buf_addstr(b, "</member>");
	}
	fg_buf_addstr(b, "</Tags>");
	lc_query_end(req, 1);
	return LC_DONE;
}

static const struct {
	const char *action;
	enum lc_result (*fn)(struct lc_request *, struct sns_state *, fg_json);
} handlers[] = {
	{ "CreateTopic", create_topic },
	{ "DeleteTopic", delete_topic },
	{ "GetSubscriptionAttributes", get_sub_attrs },
	{ "GetTopicAttributes", get_topic_attrs },
	{ "ListSubscriptions", list_all_subs },
	{ "ListSubscriptionsByTopic", list_topic_subs },
	{ "ListTagsForResource", list_tags },
	{ "ListTopics", list_topics },
	{ "Publish", sns_publish },
	{ "SetSubscriptionAttributes", set_sub_attrs },
	{ "SetTopicAttributes", set_topic_attrs },
	{ "Subscribe", subscribe },
	{ "TagResource", tag_resource },
	{ "Unsubscribe", unsubscribe },
	{ "UntagResource", untag_resource },
};

/* Handles an SNS request. */
static enum lc_result
sns_handle(struct lc_request *req)
{
	enum lc_result r;
	char *err = NULL;
	fg_json in;

	for (size_t i = 0; i < FG_ARRAY_LEN(handlers); i++) {
		if (strcmp(handlers[i].action, req->action) != 0)
			continue;
		if ((in = sqs_query_to_json(&req->params, &s_input, &err)) == NULL) {
			lc_error(req, 400, "InvalidParameter", "Invalid parameter: %s", err);
			free(err);
			return LC_DONE;
		}
		r = handlers[i].fn(req, req->state, in);
		fg_json_free(in);
		return r;
	}
	lc_error(req, 400, "InvalidAction", "The action %.100s is not valid for this web service.",
	    req->action);
	return LC_DONE;
}

/* Creates the SNS state of a server. */
static void *
sns_create(struct lc_server *srv)
{
	struct sns_state *st = fg_calloc(1, sizeof(*st));

	st->srv = srv;
	return st;
}

/* Frees the SNS state. */
static void
sns_destroy(void *st)
{
	sns_state_free(st);
}

const struct lc_service lc_svc_sns = {
	.name = "sns",
	.signing_name = "sns",
	.protocols = LC_PROTO_QUERY,
	.xmlns = "http://sns.amazonaws.com/doc/2010-03-31/",
	.throttle_code = "Throttled",
	.throttle_status = 429,
	.create = sns_create,
	.destroy = sns_destroy,
	.handle = sns_handle,
	.load = sns_state_load,
	.save = sns_state_save,
};
