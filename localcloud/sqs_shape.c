/* sqs_shape.c: the input shapes of SQS actions, and reading a request of either protocol
 * (flattened query parameters or a JSON body) into one JSON object of that shape. */
#include "config.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "sqs.h"
#include "utf8.h"

static const struct sqs_shape s_str = { SQS_T_STR, NULL, NULL, NULL, NULL };
static const struct sqs_shape s_int = { SQS_T_INT, NULL, NULL, NULL, NULL };
static const struct sqs_shape s_blob = { SQS_T_BLOB, NULL, NULL, NULL, NULL };
static const struct sqs_shape s_str_list = { SQS_T_LIST, NULL, &s_str, NULL, NULL };
static const struct sqs_shape s_blob_list = { SQS_T_LIST, NULL, &s_blob, NULL, NULL };
static const struct sqs_shape s_attr_map = { SQS_T_MAP, NULL, &s_str, "Name", "Value" };
static const struct sqs_shape s_tag_map = { SQS_T_MAP, NULL, &s_str, "Key", "Value" };

static const struct sqs_member m_value[] = {
	{ "StringValue", NULL, &s_str },
	{ "BinaryValue", NULL, &s_blob },
	{ "StringListValues", "StringListValue", &s_str_list },
	{ "BinaryListValues", "BinaryListValue", &s_blob_list },
	{ "DataType", NULL, &s_str },
	{ NULL, NULL, NULL },
};
static const struct sqs_shape s_value = { SQS_T_STRUCT, m_value, NULL, NULL, NULL };
static const struct sqs_shape s_value_map = { SQS_T_MAP, NULL, &s_value, "Name", "Value" };

#define M_QUEUE_URL { "QueueUrl", NULL, &s_str }
#define M_END { NULL, NULL, NULL }
#define SHAPE(n, ...) \
	static const struct sqs_member m_##n[] = { __VA_ARGS__, M_END }; \
	static const struct sqs_shape s_##n = { SQS_T_STRUCT, m_##n, NULL, NULL, NULL }

SHAPE(create_queue, { "QueueName", NULL, &s_str }, { "Attributes", "Attribute", &s_attr_map },
    { "tags", "Tag", &s_tag_map });
SHAPE(get_queue_url, { "QueueName", NULL, &s_str }, { "QueueOwnerAWSAccountId", NULL, &s_str });
SHAPE(list_queues, { "QueueNamePrefix", NULL, &s_str }, { "NextToken", NULL, &s_str },
    { "MaxResults", NULL, &s_int });
SHAPE(queue_only, M_QUEUE_URL);
SHAPE(get_attrs, M_QUEUE_URL, { "AttributeNames", "AttributeName", &s_str_list });
SHAPE(set_attrs, M_QUEUE_URL, { "Attributes", "Attribute", &s_attr_map });
SHAPE(send, M_QUEUE_URL, { "MessageBody", NULL, &s_str }, { "DelaySeconds", NULL, &s_int },
    { "MessageAttributes", "MessageAttribute", &s_value_map },
    { "MessageSystemAttributes", "MessageSystemAttribute", &s_value_map },
    { "MessageDeduplicationId", NULL, &s_str }, { "MessageGroupId", NULL, &s_str });
SHAPE(send_entry, { "Id", NULL, &s_str }, { "MessageBody", NULL, &s_str },
    { "DelaySeconds", NULL, &s_int }, { "MessageAttributes", "MessageAttribute", &s_value_map },
    { "MessageSystemAttributes", "MessageSystemAttribute", &s_value_map },
    { "MessageDeduplicationId", NULL, &s_str }, { "MessageGroupId", NULL, &s_str });
static const struct sqs_shape s_send_entries = { SQS_T_LIST, NULL, &s_send_entry, NULL, NULL };
SHAPE(send_batch, M_QUEUE_URL, { "Entries", "SendMessageBatchRequestEntry", &s_send_entries });
SHAPE(receive, M_QUEUE_URL, { "AttributeNames", "AttributeName", &s_str_list },
    { "MessageSystemAttributeNames", "MessageSystemAttributeName", &s_str_list },
    { "MessageAttributeNames", "MessageAttributeName", &s_str_list },
    { "MaxNumberOfMessages", NULL, &s_int }, { "VisibilityTimeout", NULL, &s_int },
    { "WaitTimeSeconds", NULL, &s_int }, { "ReceiveRequestAttemptId", NULL, &s_str });
SHAPE(delete_msg, M_QUEUE_URL, { "ReceiptHandle", NULL, &s_str });
SHAPE(delete_entry, { "Id", NULL, &s_str }, { "ReceiptHandle", NULL, &s_str });
static const struct sqs_shape s_delete_entries = { SQS_T_LIST, NULL, &s_delete_entry, NULL, NULL };
SHAPE(delete_batch, M_QUEUE_URL, { "Entries", "DeleteMessageBatchRequestEntry",
    &s_delete_entries });
SHAPE(change_vis, M_QUEUE_URL, { "ReceiptHandle", NULL, &s_str },
    { "VisibilityTimeout", NULL, &s_int });
SHAPE(change_entry, { "Id", NULL, &s_str }, { "ReceiptHandle", NULL, &s_str },
    { "VisibilityTimeout", NULL, &s_int });
static const struct sqs_shape s_change_entries = { SQS_T_LIST, NULL, &s_change_entry, NULL, NULL };
SHAPE(change_batch, M_QUEUE_URL, { "Entries", "ChangeMessageVisibilityBatchRequestEntry",
    &s_change_entries });
/* TagQueue's map has no location name, so the query protocol calls it Tags (Tag in AWS docs:
 * both are read). */
SHAPE(tag_queue, M_QUEUE_URL, { "Tags", "Tags|Tag", &s_tag_map });
SHAPE(untag_queue, M_QUEUE_URL, { "TagKeys", "TagKey", &s_str_list });
SHAPE(dl_sources, M_QUEUE_URL, { "NextToken", NULL, &s_str }, { "MaxResults", NULL, &s_int });

static const struct {
	const char *action;
	const struct sqs_shape *shape;
} actions[] = {
	{ "ChangeMessageVisibility", &s_change_vis },
	{ "ChangeMessageVisibilityBatch", &s_change_batch },
	{ "CreateQueue", &s_create_queue },
	{ "DeleteMessage", &s_delete_msg },
	{ "DeleteMessageBatch", &s_delete_batch },
	{ "DeleteQueue", &s_queue_only },
	{ "GetQueueAttributes", &s_get_attrs },
	{ "GetQueueUrl", &s_get_queue_url },
	{ "ListDeadLetterSourceQueues", &s_dl_sources },
	{ "ListQueueTags", &s_queue_only },
	{ "ListQueues", &s_list_queues },
	{ "PurgeQueue", &s_queue_only },
	{ "ReceiveMessage", &s_receive },
	{ "SendMessage", &s_send },
	{ "SendMessageBatch", &s_send_batch },
	{ "SetQueueAttributes", &s_set_attrs },
	{ "TagQueue", &s_tag_queue },
	{ "UntagQueue", &s_untag_queue },
};

/* The input shape of an action, or NULL. */
const struct sqs_shape *
sqs_action_shape(const char *action)
{
	for (size_t i = 0; action && i < FG_ARRAY_LEN(actions); i++)
		if (strcmp(actions[i].action, action) == 0)
			return actions[i].shape;
	return NULL;
}

/* The value of an exactly named parameter, or NULL. */
static const struct lc_param *
param(const struct lc_params *p, const char *name)
{
	for (size_t i = 0; i < p->n; i++)
		if (strcmp(p->v[i].name, name) == 0)
			return &p->v[i];
	return NULL;
}

/* Says whether a parameter starts with prefix. */
static int
has_prefix(const struct lc_params *p, const char *prefix)
{
	size_t n = strlen(prefix);

	for (size_t i = 0; i < p->n; i++)
		if (strncmp(p->v[i].name, prefix, n) == 0)
			return 1;
	return 0;
}

/* Orders list indexes. */
static int
cmp_idx(const void *a, const void *b)
{
	unsigned long x = *(const unsigned long *)a, y = *(const unsigned long *)b;

	return x < y ? -1 : x > y;
}

/* The distinct N of parameters "<prefix>N" or "<prefix>N.<...>", sorted; returns the count. */
static size_t
indexes(const struct lc_params *p, const char *prefix, unsigned long **out)
{
	size_t n = strlen(prefix), k = 0;
	unsigned long *v = fg_calloc(p->n + 1, sizeof(*v));

	for (size_t i = 0; i < p->n; i++) {
		const char *s = p->v[i].name;
		size_t d;
		unsigned long idx;
		size_t j;

		if (strncmp(s, prefix, n) != 0)
			continue;
		s += n;
		d = strspn(s, "0123456789");
		if (d == 0 || d > 9 || (s[d] != '\0' && s[d] != '.'))
			continue;
		idx = strtoul(s, NULL, 10);
		for (j = 0; j < k && v[j] != idx; j++)
			;
		if (j == k)
			v[k++] = idx;
	}
	qsort(v, k, sizeof(*v), cmp_idx);
	*out = v;
	return k;
}

static int conv_value(const struct lc_params *, const struct sqs_shape *, const char *key,
    struct fg_jw *, char **err);

/* Says whether a value of the shape is present at key. */
static int
present(const struct lc_params *p, const struct sqs_shape *sh, const char *key)
{
	char *pre;
	int r;

	if (sh->type != SQS_T_LIST && sh->type != SQS_T_MAP && sh->type != SQS_T_STRUCT)
		return param(p, key) != NULL;
	pre = fg_printf("%s.", key);
	r = has_prefix(p, pre);
	free(pre);
	return r;
}

/* Writes the members of a structure whose parameters start with prefix ("" at the top). */
static int
conv_struct(const struct lc_params *p, const struct sqs_shape *sh, const char *prefix,
    struct fg_jw *jw, char **err)
{
	fg_jw_obj(jw);
	for (const struct sqs_member *m = sh->members; m->name; m++) {
		const char *names = m->qname ? m->qname : m->name;

		/* A member may have alternative query names separated by '|'. */
		while (*names) {
			size_t n = strcspn(names, "|");
			char *key = fg_printf("%s%.*s", prefix, (int)n, names);
			int found = present(p, m->shape, key);

			if (found) {
				fg_jw_key(jw, m->name);
				if (conv_value(p, m->shape, key, jw, err) != 0) {
					free(key);
					return -1;
				}
			}
			free(key);
			if (found)
				break;
			names += n + (names[n] == '|');
		}
	}
	fg_jw_end_obj(jw);
	return 0;
}

/* Writes a flattened list at key ("key.1", "key.2", ...). */
static int
conv_list(const struct lc_params *p, const struct sqs_shape *sh, const char *key,
    struct fg_jw *jw, char **err)
{
	char *pre = fg_printf("%s.", key);
	unsigned long *idx;
	size_t n = indexes(p, pre, &idx);
	int rc = 0;

	fg_jw_arr(jw);
	for (size_t i = 0; i < n && rc == 0; i++) {
		char *ik = fg_printf("%s%lu", pre, idx[i]);

		if (present(p, sh->item, ik))
			rc = conv_value(p, sh->item, ik, jw, err);
		free(ik);
	}
	fg_jw_end_arr(jw);
	free(idx);
	free(pre);
	return rc;
}

/* Writes a flattened map at key ("key.1.Name" / "key.1.Value", ...). */
static int
conv_map(const struct lc_params *p, const struct sqs_shape *sh, const char *key,
    struct fg_jw *jw, char **err)
{
	char *pre = fg_printf("%s.", key);
	unsigned long *idx;
	size_t n = indexes(p, pre, &idx);
	int rc = 0;

	fg_jw_obj(jw);
	for (size_t i = 0; i < n && rc == 0; i++) {
		char *kk = fg_printf("%s%lu.%s", pre, idx[i], sh->kname);
		char *vk = fg_printf("%s%lu.%s", pre, idx[i], sh->vname);
		const struct lc_param *k = param(p, kk);

		if (k == NULL) {
			*err = fg_printf("The request must contain the parameter %s.", kk);
			rc = -1;
		} else if (!present(p, sh->item, vk)) {
			*err = fg_printf("The request must contain the parameter %s.", vk);
			rc = -1;
		} else {
			fg_jw_key(jw, k->value);
			rc = conv_value(p, sh->item, vk, jw, err);
		}
		free(kk);
		free(vk);
	}
	fg_jw_end_obj(jw);
	free(idx);
	free(pre);
	return rc;
}

/* Writes the value of a shape found at key. */
static int
conv_value(const struct lc_params *p, const struct sqs_shape *sh, const char *key,
    struct fg_jw *jw, char **err)
{
	const struct lc_param *v;
	char *end;
	long long n;

	switch (sh->type) {
	case SQS_T_STRUCT: {
		char *pre = fg_printf("%s.", key);
		int rc = conv_struct(p, sh, pre, jw, err);

		free(pre);
		return rc;
	}
	case SQS_T_LIST:
		return conv_list(p, sh, key, jw, err);
	case SQS_T_MAP:
		return conv_map(p, sh, key, jw, err);
	case SQS_T_INT:
		v = param(p, key);
		errno = 0;
		n = strtoll(v->value, &end, 10);
		if (v->len == 0 || *end != '\0' || errno != 0 || strlen(v->value) != v->len) {
			*err = fg_printf("Value %.40s for parameter %s is invalid. Reason: must be an "
			    "integer.", v->value, key);
			return -1;
		}
		fg_jw_int(jw, n);
		return 0;
	case SQS_T_BOOL:
		v = param(p, key);
		if (strcmp(v->value, "true") != 0 && strcmp(v->value, "false") != 0) {
			*err = fg_printf("Value %.40s for parameter %s is invalid. Reason: must be true "
			    "or false.", v->value, key);
			return -1;
		}
		fg_jw_bool(jw, v->value[0] == 't');
		return 0;
	default:
		v = param(p, key);
		if (fg_utf8_invalid(v->value, v->len) != v->len) {
			*err = fg_printf("Value for parameter %s is invalid. Reason: not UTF-8.", key);
			return -1;
		}
		fg_jw_strn(jw, v->value, v->len);
		return 0;
	}
}

/* Reads flattened query parameters into a JSON object of the shape. */
fg_json
sqs_query_to_json(const struct lc_params *p, const struct sqs_shape *sh, char **err)
{
	struct fg_jw jw;
	fg_json v = NULL;
	char *perr = NULL;

	fg_jw_init(&jw, 0);
	if (conv_struct(p, sh, "", &jw, err) == 0) {
		v = fg_json_parse(fg_jw_text(&jw), strlen(fg_jw_text(&jw)), &perr);
		if (v == NULL) {
			*err = fg_printf("The request cannot be read: %s", perr);
			free(perr);
		}
	}
	fg_jw_free(&jw);
	return v;
}

/* The JSON type an SQS shape needs, for messages. */
static const char *
type_word(enum sqs_type t)
{
	static const char *const w[] = { "a string", "an integer", "a boolean", "a base64 string",
		"a list", "a map", "a structure" };

	return w[t];
}

/* Checks a JSON value against a shape; path names it in messages. */
static int
check(fg_json v, const struct sqs_shape *sh, const char *path, char **err)
{
	int ok;

	switch (sh->type) {
	case SQS_T_STR:
	case SQS_T_BLOB: ok = YAJL_IS_STRING(v); break;
	case SQS_T_INT: ok = YAJL_IS_INTEGER(v); break;
	case SQS_T_BOOL: ok = YAJL_IS_TRUE(v) || YAJL_IS_FALSE(v); break;
	case SQS_T_LIST: ok = YAJL_IS_ARRAY(v); break;
	default: ok = YAJL_IS_OBJECT(v); break;
	}
	if (!ok && !YAJL_IS_NULL(v)) {
		*err = fg_printf("%s must be %s, not %s", path, type_word(sh->type),
		    fg_json_type_name(v));
		return -1;
	}
	if (!ok)
		return 0;
	for (size_t i = 0; sh->type >= SQS_T_LIST && i < fg_json_len(v); i++) {
		char *sub;
		int rc;

		if (sh->type == SQS_T_STRUCT) {
			const struct sqs_member *m;
			const char *k = fg_json_key(v, i);

			for (m = sh->members; m->name && strcmp(m->name, k) != 0; m++)
				;
			if (m->name == NULL)
				continue;
			sub = fg_printf("%s%s%s", path, *path ? "." : "", k);
			rc = check(fg_json_at(v, i), m->shape, sub, err);
		} else {
			sub = sh->type == SQS_T_LIST ? fg_printf("%s[%zu]", path, i) :
			    fg_printf("%s.%s", path, fg_json_key(v, i));
			rc = check(fg_json_at(v, i), sh->item, sub, err);
		}
		free(sub);
		if (rc != 0)
			return -1;
	}
	return 0;
}

/* Checks a JSON-protocol body against the action's shape. */
int
sqs_json_check(fg_json v, const struct sqs_shape *sh, char **err)
{
	return check(v, sh, "", err);
}
