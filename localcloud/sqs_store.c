/* sqs_store.c: SQS state as JSON in the state directory: queues, attributes, tags and messages
 * with their receive state. */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "sigv4.h"
#include "sqs.h"

#define SQS_STATE_VERSION 1 /* bump when the layout below changes */

/* Writes a key/value list as an object member. */
void
sqs_kv_write(struct fg_jw *jw, const char *key, const struct sqs_kv *v, size_t n)
{
	fg_jw_key(jw, key);
	fg_jw_obj(jw);
	for (size_t i = 0; i < n; i++)
		fg_jw_kstr(jw, v[i].key, v[i].value);
	fg_jw_end_obj(jw);
}

/* Writes the whole SQS state. */
void
sqs_state_save(void *arg, struct fg_jw *jw)
{
	struct sqs_state *st = arg;

	fg_jw_obj(jw);
	fg_jw_kint(jw, "version", SQS_STATE_VERSION);
	fg_jw_key(jw, "queues");
	fg_jw_arr(jw);
	for (size_t i = 0; i < st->nqueues; i++) {
		struct sqs_queue *q = st->queues[i];

		fg_jw_obj(jw);
		fg_jw_kstr(jw, "account", q->account);
		fg_jw_kstr(jw, "name", q->name);
		fg_jw_kstr(jw, "region", q->region);
		fg_jw_kint(jw, "created_ms", q->created_ms);
		fg_jw_kint(jw, "modified_ms", q->modified_ms);
		sqs_kv_write(jw, "attributes", q->attrs, q->nattrs);
		sqs_kv_write(jw, "tags", q->tags, q->ntags);
		fg_jw_key(jw, "messages");
		fg_jw_arr(jw);
		for (struct sqs_msg *m = sqs_msg_next(q, NULL); m; m = sqs_msg_next(q, m)) {
			fg_jw_obj(jw);
			fg_jw_kstr(jw, "id", m->id);
			fg_jw_key(jw, "body");
			fg_jw_strn(jw, m->body, m->body_len);
			fg_jw_kstr(jw, "attributes", m->attrs);
			fg_jw_kstr(jw, "system_attributes", m->sys_attrs);
			fg_jw_kstr(jw, "sender", m->sender);
			fg_jw_kint(jw, "sent_ms", m->sent_ms);
			fg_jw_kint(jw, "first_receive_ms", m->first_recv_ms);
			fg_jw_kint(jw, "visible_ms", m->visible_ms);
			fg_jw_kint(jw, "receive_count", m->recv_count);
			fg_jw_kint(jw, "receipt", m->receipt);
			fg_jw_end_obj(jw);
		}
		fg_jw_end_arr(jw);
		fg_jw_end_obj(jw);
	}
	fg_jw_end_arr(jw);
	fg_jw_end_obj(jw);
}

/* A required string member, or NULL with *err naming where. */
static const char *
need_str(fg_json o, const char *key, const char *where, char **err)
{
	const char *s = fg_json_str(fg_json_get(o, key));

	if (s == NULL && *err == NULL)
		*err = fg_printf("%s: \"%s\" must be a string", where, key);
	return s;
}

/* A required non-negative integer member; 0 with *err naming where when missing. */
static int64_t
need_int(fg_json o, const char *key, const char *where, char **err)
{
	int64_t v = 0;

	if ((fg_json_int(fg_json_get(o, key), &v) != 0 || v < 0) && *err == NULL)
		*err = fg_printf("%s: \"%s\" must be a non-negative integer", where, key);
	return v;
}

/* Reads an object of strings into a key/value list; -1 and *err when it is not one. */
int
sqs_kv_read(fg_json o, const char *key, struct sqs_kv **v, size_t *n, const char *where,
    char **err)
{
	fg_json m = fg_json_get(o, key);

	if (!YAJL_IS_OBJECT(m)) {
		*err = fg_printf("%s: \"%s\" must be an object", where, key);
		return -1;
	}
	for (size_t i = 0; i < fg_json_len(m); i++) {
		if (fg_json_str(fg_json_at(m, i)) == NULL) {
			*err = fg_printf("%s: %s.%s must be a string", where, key, fg_json_key(m, i));
			return -1;
		}
		sqs_kv_set(v, n, fg_json_key(m, i), fg_json_str(fg_json_at(m, i)));
	}
	return 0;
}

/* Parses JSON text stored in a string member, for its MD5; NULL when absent. */
static int
stored_attrs(const char *text, char out[33], const char *where, char **err)
{
	char *perr = NULL;
	fg_json v;

	out[0] = '\0';
	if (text == NULL)
		return 0;
	v = fg_json_parse(text, strlen(text), &perr);
	if (v == NULL || !YAJL_IS_OBJECT(v)) {
		*err = fg_printf("%s: attributes are not a JSON object%s%s", where, perr ? ": " : "",
		    perr ? perr : "");
		free(perr);
		fg_json_free(v);
		return -1;
	}
	sqs_attrs_md5(v, out);
	fg_json_free(v);
	return 0;
}

/* Loads one message of queue q. */
static int
load_msg(struct sqs_queue *q, fg_json o, const char *where, char **err)
{
	struct sqs_msg *m;
	const char *id = need_str(o, "id", where, err), *body = need_str(o, "body", where, err);
	const char *sender = need_str(o, "sender", where, err);
	fg_json a = fg_json_get(o, "attributes"), sa = fg_json_get(o, "system_attributes");

	if (*err)
		return -1;
	if (strlen(id) != 36 || sqs_msg_find(q, id)) {
		*err = fg_printf("%s: \"id\" is not a new message id", where);
		return -1;
	}
	m = fg_calloc(1, sizeof(*m));
	memcpy(m->id, id, 37);
	m->body = fg_strdup(body);
	m->body_len = strlen(body);
	fg_md5_hex(m->body, m->body_len, m->md5_body);
	m->attrs = fg_json_str(a) ? fg_strdup(fg_json_str(a)) : NULL;
	m->sys_attrs = fg_json_str(sa) ? fg_strdup(fg_json_str(sa)) : NULL;
	m->sender = fg_strdup(sender);
	m->sent_ms = need_int(o, "sent_ms", where, err);
	m->first_recv_ms = need_int(o, "first_receive_ms", where, err);
	m->visible_ms = need_int(o, "visible_ms", where, err);
	m->recv_count = (uint32_t)need_int(o, "receive_count", where, err);
	m->receipt = (uint32_t)need_int(o, "receipt", where, err);
	if (*err || stored_attrs(m->attrs, m->md5_attrs, where, err) != 0 ||
	    stored_attrs(m->sys_attrs, m->md5_sys, where, err) != 0) {
		sqs_msg_free(m);
		return -1;
	}
	sqs_msg_add(q, m);
	return 0;
}

/* Loads one queue. */
static int
load_queue(struct sqs_state *st, fg_json o, size_t idx, char **err)
{
	char *where = fg_printf("queues[%zu]", idx);
	const char *acct = need_str(o, "account", where, err), *name = need_str(o, "name", where, err);
	const char *region = need_str(o, "region", where, err);
	fg_json attrs = fg_json_get(o, "attributes"), tags = fg_json_get(o, "tags");
	fg_json msgs = fg_json_get(o, "messages");
	struct sqs_queue *q;
	int64_t created, modified;

	created = need_int(o, "created_ms", where, err);
	modified = need_int(o, "modified_ms", where, err);
	if (*err == NULL && (!YAJL_IS_OBJECT(attrs) || !YAJL_IS_OBJECT(tags) || !YAJL_IS_ARRAY(msgs)))
		*err = fg_printf("%s: needs \"attributes\" and \"tags\" objects and a \"messages\" "
		    "list", where);
	if (*err == NULL && sqs_queue_find(st, acct, name))
		*err = fg_printf("%s: queue %s/%s is listed twice", where, acct, name);
	if (*err) {
		free(where);
		return -1;
	}
	q = sqs_queue_add(st, acct, name, region, created);
	q->modified_ms = modified;
	for (size_t i = 0; i < fg_json_len(attrs); i++)
		if (fg_json_str(fg_json_at(attrs, i)))
			sqs_queue_set_attr(q, fg_json_key(attrs, i), fg_json_str(fg_json_at(attrs, i)));
	for (size_t i = 0; i < fg_json_len(tags); i++)
		if (fg_json_str(fg_json_at(tags, i)))
			sqs_kv_set(&q->tags, &q->ntags, fg_json_key(tags, i),
			    fg_json_str(fg_json_at(tags, i)));
	for (size_t i = 0; i < fg_json_len(msgs); i++) {
		char *mw = fg_printf("%s.messages[%zu]", where, i);
		int rc = load_msg(q, fg_json_at(msgs, i), mw, err);

		free(mw);
		if (rc != 0) {
			free(where);
			return -1;
		}
	}
	free(where);
	return 0;
}

/* Loads the SQS state written by sqs_state_save. */
int
sqs_state_load(void *arg, fg_json root, char **err)
{
	struct sqs_state *st = arg;
	fg_json queues = fg_json_get(root, "queues");
	int64_t version = 0;

	if (fg_json_int(fg_json_get(root, "version"), &version) != 0 ||
	    version != SQS_STATE_VERSION || !YAJL_IS_ARRAY(queues)) {
		*err = fg_printf("not SQS state version %d (needs \"version\" and a \"queues\" list)",
		    SQS_STATE_VERSION);
		return -1;
	}
	for (size_t i = 0; i < fg_json_len(queues); i++)
		if (load_queue(st, fg_json_at(queues, i), i, err) != 0)
			return -1;
	return 0;
}
