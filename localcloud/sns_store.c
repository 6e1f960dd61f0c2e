/* sns_store.c: SNS state as JSON in the state directory: topics and subscriptions. */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "sns.h"

#define SNS_STATE_VERSION 1 /* bump when the layout below changes */

/* Writes the whole SNS state. */
void
sns_state_save(void *arg, struct fg_jw *jw)
{
	struct sns_state *st = arg;

	fg_jw_obj(jw);
	fg_jw_kint(jw, "version", SNS_STATE_VERSION);
	fg_jw_key(jw, "topics");
	fg_jw_arr(jw);
	for (size_t i = 0; i < st->ntopics; i++) {
		struct sns_topic *t = st->topics[i];

		fg_jw_obj(jw);
		fg_jw_kstr(jw, "account", t->account);
		fg_jw_kstr(jw, "region", t->region);
		fg_jw_kstr(jw, "name", t->name);
		fg_jw_kint(jw, "created_ms", t->created_ms);
		sqs_kv_write(jw, "attributes", t->attrs, t->nattrs);
		sqs_kv_write(jw, "tags", t->tags, t->ntags);
		fg_jw_end_obj(jw);
	}
	fg_jw_end_arr(jw);
	fg_jw_key(jw, "subscriptions");
	fg_jw_arr(jw);
	for (size_t i = 0; i < st->nsubs; i++) {
		struct sns_sub *s = st->subs[i];

		fg_jw_obj(jw);
		fg_jw_kstr(jw, "arn", s->arn);
		fg_jw_kstr(jw, "topic_arn", s->topic_arn);
		fg_jw_kstr(jw, "protocol", s->protocol);
		fg_jw_kstr(jw, "endpoint", s->endpoint);
		fg_jw_kstr(jw, "owner", s->owner);
		sqs_kv_write(jw, "attributes", s->attrs, s->nattrs);
		fg_jw_end_obj(jw);
	}
	fg_jw_end_arr(jw);
	fg_jw_end_obj(jw);
}

/* The string members names (NULL-terminated) of o into out; -1 and *err when one is missing. */
static int
strings(fg_json o, const char *const *names, const char **out, const char *where, char **err)
{
	for (size_t i = 0; names[i]; i++)
		if ((out[i] = fg_json_str(fg_json_get(o, names[i]))) == NULL) {
			*err = fg_printf("%s: \"%s\" must be a string", where, names[i]);
			return -1;
		}
	return 0;
}

/* Loads the topics. */
static int
load_topics(struct sns_state *st, fg_json topics, char **err)
{
	static const char *const names[] = { "account", "region", "name", NULL };

	for (size_t i = 0; i < fg_json_len(topics); i++) {
		fg_json o = fg_json_at(topics, i);
		char *where = fg_printf("topics[%zu]", i);
		const char *v[3];
		struct sns_topic *t;
		int64_t created = 0;
		int rc = -1;

		if (strings(o, names, v, where, err) == 0) {
			if (fg_json_int(fg_json_get(o, "created_ms"), &created) != 0)
				*err = fg_printf("%s: \"created_ms\" must be an integer", where);
			else {
				t = sns_topic_add(st, v[0], v[1], v[2], created);
				rc = sqs_kv_read(o, "attributes", &t->attrs, &t->nattrs, where,
				    err) == 0 && sqs_kv_read(o, "tags", &t->tags, &t->ntags, where,
				    err) == 0 ? 0 : -1;
			}
		}
		free(where);
		if (rc != 0)
			return -1;
	}
	return 0;
}

/* Loads the subscriptions. */
static int
load_subs(struct sns_state *st, fg_json subs, char **err)
{
	static const char *const names[] = { "arn", "topic_arn", "protocol", "endpoint", "owner",
		NULL };

	for (size_t i = 0; i < fg_json_len(subs); i++) {
		fg_json o = fg_json_at(subs, i);
		char *where = fg_printf("subscriptions[%zu]", i);
		const char *v[5];
		struct sns_sub *s;
		int rc = -1;

		if (strings(o, names, v, where, err) == 0) {
			s = sns_sub_add(st, v[0], v[1], v[2], v[3], v[4]);
			rc = sqs_kv_read(o, "attributes", &s->attrs, &s->nattrs, where, err);
		}
		free(where);
		if (rc != 0)
			return -1;
	}
	return 0;
}

/* Loads the SNS state written by sns_state_save. */
int
sns_state_load(void *arg, fg_json root, char **err)
{
	struct sns_state *st = arg;
	fg_json topics = fg_json_get(root, "topics"), subs = fg_json_get(root, "subscriptions");
	int64_t version = 0;

	if (fg_json_int(fg_json_get(root, "version"), &version) != 0 ||
	    version != SNS_STATE_VERSION || !YAJL_IS_ARRAY(topics) || !YAJL_IS_ARRAY(subs)) {
		*err = fg_printf("not SNS state version %d (needs \"version\" and \"topics\" and "
		    "\"subscriptions\" lists)", SNS_STATE_VERSION);
		return -1;
	}
	return load_topics(st, topics, err) == 0 && load_subs(st, subs, err) == 0 ? 0 : -1;
}
