/* sns.h: the SNS service of localcloud: topics, subscriptions to SQS queues, publishing. */
#ifndef FUGUE_LC_SNS_H
#define FUGUE_LC_SNS_H

#include "lc.h"
#include "sqs.h"

#define SNS_PAGE 100          /* ListTopics and ListSubscriptions page size, as AWS */
#define SNS_MAX_MESSAGE 262144

struct sns_topic {
	char *arn;
	char *name;
	char *account;
	char *region;
	int64_t created_ms;
	struct sqs_kv *attrs;     /* settable attributes */
	size_t nattrs;
	struct sqs_kv *tags;
	size_t ntags;
};
struct sns_sub {
	char *arn;
	char *topic_arn;
	char *protocol;
	char *endpoint;
	char *owner;
	struct sqs_kv *attrs;     /* RawMessageDelivery, ... */
	size_t nattrs;
};
struct sns_state {
	struct lc_server *srv;
	struct sns_topic **topics; /* sorted by ARN */
	size_t ntopics;
	struct sns_sub **subs;     /* in subscription order */
	size_t nsubs;
};

/* sns.c */
struct sns_topic *sns_topic_find(struct sns_state *, const char *arn);
struct sns_topic *sns_topic_add(struct sns_state *, const char *account, const char *region,
    const char *name, int64_t created_ms);
struct sns_sub *sns_sub_add(struct sns_state *, const char *arn, const char *topic_arn,
    const char *protocol, const char *endpoint, const char *owner);
void sns_state_free(struct sns_state *);

/* sns_publish.c */
/* Publish: validates, builds the notification and delivers it to every subscribed queue. */
enum lc_result sns_publish(struct lc_request *, struct sns_state *, fg_json in);
/* The JSON notification envelope of a message (caller frees). */
char *sns_envelope(const char *message_id, const char *topic_arn, const char *subject,
    const char *message, fg_json attrs, int64_t ms, const char *unsubscribe_url);

/* sns_store.c */
void sns_state_save(void *, struct fg_jw *);
int sns_state_load(void *, fg_json, char **err);

#endif
