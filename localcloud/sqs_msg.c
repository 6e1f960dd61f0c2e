/* sqs_msg.c: SQS message actions: send, receive, delete and change visibility, one at a time
 * and in batches, and delivery from inside localcloud (SNS fan-out). */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "services.h"
#include "sigv4.h"
#include "sqs.h"

/* The system attributes a receive can ask for. */
static const char *const sys_names[] = {
	"AWSTraceHeader", "ApproximateFirstReceiveTimestamp", "ApproximateReceiveCount",
	"SenderId", "SentTimestamp",
};

/* Stores a message in q; attrs and sys may be NULL. Returns it. */
static struct sqs_msg *
msg_store(struct sqs_queue *q, const char *body, size_t len, fg_json attrs, fg_json sys,
    int64_t delay_s, const char *sender)
{
	struct sqs_msg *m = fg_calloc(1, sizeof(*m));
	int64_t now = fg_wall_ms();
	struct fg_jw jw;

	lc_uuid(m->id);
	m->body = fg_strndup(body, len);
	m->body_len = len;
	fg_md5_hex(body, len, m->md5_body);
	sqs_attrs_md5(attrs, m->md5_attrs);
	sqs_attrs_md5(sys, m->md5_sys);
	if (m->md5_attrs[0]) {
		fg_jw_init(&jw, 0);
		fg_jw_value(&jw, attrs);
		m->attrs = fg_jw_detach(&jw);
		fg_jw_free(&jw);
	}
	if (m->md5_sys[0]) {
		fg_jw_init(&jw, 0);
		fg_jw_value(&jw, sys);
		m->sys_attrs = fg_jw_detach(&jw);
		fg_jw_free(&jw);
	}
	m->sender = fg_strdup(sender);
	m->sent_ms = now;
	m->visible_ms = now + delay_s * 1000;
	sqs_msg_add(q, m);
	lc_changed(q->st->srv, &lc_svc_sqs);
	sqs_kick(q);
	return m;
}

/* Validates and stores one message of a SendMessage or a batch entry. */
static struct sqs_msg *
send_one(struct sqs_queue *q, fg_json e, const char *sender, enum sqs_error *code, char **err)
{
	const char *body = fg_json_str(fg_json_get(e, "MessageBody"));
	fg_json attrs = fg_json_get(e, "MessageAttributes");
	fg_json sys = fg_json_get(e, "MessageSystemAttributes");
	fg_json d = fg_json_get(e, "DelaySeconds");
	int64_t delay = sqs_queue_int(q, "DelaySeconds"), max = sqs_queue_int(q, "MaximumMessageSize");
	size_t len, bytes = 0;

	*code = SQS_E_PARAM;
	if (body == NULL || *body == '\0') {
		*code = SQS_E_MISSING;
		*err = fg_printf("The request must contain the parameter MessageBody.");
		return NULL;
	}
	len = strlen(body);
	if (!sqs_text_ok(body, len)) {
		*code = SQS_E_CONTENTS;
		*err = fg_printf("Invalid binary character was found in the message body, the set of "
		    "allowed characters is #x9 | #xA | #xD | #x20 to #xD7FF | #xE000 to #xFFFD | "
		    "#x10000 to #x10FFFF");
		return NULL;
	}
	if (d && !YAJL_IS_NULL(d) && (fg_json_int(d, &delay) != 0 || delay < 0 || delay > 900)) {
		*err = fg_printf("Value %lld for parameter DelaySeconds is invalid. Reason: "
		    "DelaySeconds must be >= 0 and <= 900.", (long long)delay);
		return NULL;
	}
	if (sqs_attrs_check(attrs, 0, &bytes, err) != 0 || sqs_attrs_check(sys, 1, &bytes, err) != 0)
		return NULL;
	if ((int64_t)(len + bytes) > max) {
		*err = fg_printf("One or more parameters are invalid. Reason: Message must be shorter "
		    "than %lld bytes.", (long long)max);
		return NULL;
	}
	return msg_store(q, body, len, attrs, sys, delay, sender);
}

/* SendMessage. */
enum lc_result
sqs_send(struct lc_request *req, struct sqs_queue *q, fg_json in)
{
	enum sqs_error code;
	char *err = NULL;
	struct sqs_msg *m = send_one(q, in, req->who.user_id, &code, &err);
	struct sqs_out o;

	if (m == NULL) {
		sqs_error(req, code, "%s", err);
		free(err);
		return LC_DONE;
	}
	sqs_out_begin(&o, req, 1);
	sqs_out_str(&o, "MD5OfMessageBody", m->md5_body);
	if (m->md5_attrs[0])
		sqs_out_str(&o, "MD5OfMessageAttributes", m->md5_attrs);
	if (m->md5_sys[0])
		sqs_out_str(&o, "MD5OfMessageSystemAttributes", m->md5_sys);
	sqs_out_str(&o, "MessageId", m->id);
	sqs_out_end(&o);
	return LC_DONE;
}

/* Checks the Entries of a batch request; -1 after replying. */
static int
batch_check(struct lc_request *req, fg_json entries, const char *entry_name)
{
	size_t n = fg_json_len(entries);

	if (n == 0) {
		sqs_error(req, SQS_E_EMPTY_BATCH, "There should be at least one %s in the request.",
		    entry_name);
		return -1;
	}
	if (n > SQS_MAX_BATCH) {
		sqs_error(req, SQS_E_BATCH_MANY, "Maximum number of entries per request are %d. You "
		    "have sent %zu.", SQS_MAX_BATCH, n);
		return -1;
	}
	for (size_t i = 0; i < n; i++) {
		const char *id = fg_json_str(fg_json_get(fg_json_at(entries, i), "Id"));

		if (id == NULL || *id == '\0' || strlen(id) > 80 || strspn(id,
		    "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_") != strlen(id)) {
			sqs_error(req, SQS_E_BATCH_ID, "A batch entry id can only contain alphanumeric "
			    "characters, hyphens and underscores. It can be at most 80 letters long.");
			return -1;
		}
		for (size_t j = 0; j < i; j++)
			if (strcmp(id, fg_json_str(fg_json_get(fg_json_at(entries, j), "Id"))) == 0) {
				sqs_error(req, SQS_E_BATCH_IDS, "Id %s repeated.", id);
				return -1;
			}
	}
	return 0;
}

/* Writes one Failed entry of a batch result. */
static void
batch_failed(struct sqs_out *o, const char *id, const char *code, const char *msg)
{
	sqs_out_item_obj(o);
	sqs_out_str(o, "Id", id);
	sqs_out_bool(o, "SenderFault", 1);
	sqs_out_str(o, "Code", code);
	sqs_out_str(o, "Message", msg);
	sqs_out_close(o);
}

/* SendMessageBatch. */
enum lc_result
sqs_send_batch(struct lc_request *req, struct sqs_queue *q, fg_json in)
{
	fg_json entries = fg_json_get(in, "Entries");
	size_t n = fg_json_len(entries), total = 0;
	struct sqs_msg *ms[SQS_MAX_BATCH] = { 0 };
	char *errs[SQS_MAX_BATCH] = { 0 };
	enum sqs_error codes[SQS_MAX_BATCH];
	struct sqs_out o;

	if (batch_check(req, entries, "SendMessageBatchRequestEntry") != 0)
		return LC_DONE;
	for (size_t i = 0; i < n; i++) {
		const char *b = fg_json_str(fg_json_get(fg_json_at(entries, i), "MessageBody"));

		total += b ? strlen(b) : 0;
	}
	if (total > SQS_MAX_MESSAGE_BYTES) {
		sqs_error(req, SQS_E_BATCH_LONG, "Batch requests cannot be longer than %d bytes. You "
		    "have sent %zu bytes.", SQS_MAX_MESSAGE_BYTES, total);
		return LC_DONE;
	}
	for (size_t i = 0; i < n; i++)
		ms[i] = send_one(q, fg_json_at(entries, i), req->who.user_id, &codes[i], &errs[i]);
	sqs_out_begin(&o, req, 1);
	sqs_out_list(&o, "Successful", "SendMessageBatchResultEntry");
	for (size_t i = 0; i < n; i++) {
		if (ms[i] == NULL)
			continue;
		sqs_out_item_obj(&o);
		sqs_out_str(&o, "Id", fg_json_str(fg_json_get(fg_json_at(entries, i), "Id")));
		sqs_out_str(&o, "MessageId", ms[i]->id);
		sqs_out_str(&o, "MD5OfMessageBody", ms[i]->md5_body);
		if (ms[i]->md5_attrs[0])
			sqs_out_str(&o, "MD5OfMessageAttributes", ms[i]->md5_attrs);
		if (ms[i]->md5_sys[0])
			sqs_out_str(&o, "MD5OfMessageSystemAttributes", ms[i]->md5_sys);
		sqs_out_close(&o);
	}
	sqs_out_close(&o);
	sqs_out_list(&o, "Failed", "BatchResultErrorEntry");
	for (size_t i = 0; i < n; i++) {
		if (ms[i] != NULL)
			continue;
		batch_failed(&o, fg_json_str(fg_json_get(fg_json_at(entries, i), "Id")),
		    sqs_error_code(req, codes[i]), errs[i]);
		free(errs[i]);
	}
	sqs_out_end(&o);
	return LC_DONE;
}

/* Says whether a system attribute is asked for by AttributeNames or
 * MessageSystemAttributeNames. */
static int
sys_selected(fg_json in, const char *name)
{
	fg_json lists[2] = { fg_json_get(in, "AttributeNames"),
		fg_json_get(in, "MessageSystemAttributeNames") };

	for (int l = 0; l < 2; l++)
		for (size_t i = 0; i < fg_json_len(lists[l]); i++) {
			const char *s = fg_json_str(fg_json_at(lists[l], i));

			if (s && (strcmp(s, "All") == 0 || strcmp(s, name) == 0))
				return 1;
		}
	return 0;
}

/* Writes the system attributes of a received message that were asked for. */
static void
write_sys_attrs(struct sqs_out *o, fg_json in, const struct sqs_msg *m)
{
	char num[32];
	fg_json sys = NULL;
	char *err = NULL;

	if (m->sys_attrs)
		sys = fg_json_parse(m->sys_attrs, strlen(m->sys_attrs), &err);
	free(err);
	sqs_out_map(o, "Attributes", "Attribute", "Name", "Value");
	for (size_t i = 0; i < FG_ARRAY_LEN(sys_names); i++) {
		const char *n = sys_names[i], *v = NULL;

		if (!sys_selected(in, n))
			continue;
		if (strcmp(n, "AWSTraceHeader") == 0)
			v = fg_json_str(fg_json_path(sys, "AWSTraceHeader/StringValue"));
		else if (strcmp(n, "ApproximateFirstReceiveTimestamp") == 0)
			snprintf(num, sizeof(num), "%lld", (long long)m->first_recv_ms);
		else if (strcmp(n, "ApproximateReceiveCount") == 0)
			snprintf(num, sizeof(num), "%u", m->recv_count);
		else if (strcmp(n, "SenderId") == 0)
			v = m->sender;
		else
			snprintf(num, sizeof(num), "%lld", (long long)m->sent_ms);
		if (strcmp(n, "AWSTraceHeader") != 0 && strcmp(n, "SenderId") != 0)
			v = num;
		if (v)
			sqs_out_entry_str(o, n, v);
	}
	sqs_out_close(o);
	fg_json_free(sys);
}

/* Writes the message attributes of a received message that were asked for, and their MD5. */
static void
write_msg_attrs(struct sqs_out *o, fg_json in, const struct sqs_msg *m)
{
	fg_json names = fg_json_get(in, "MessageAttributeNames");
	fg_json attrs = NULL;
	struct fg_jw sel;
	char *err = NULL, md5[33];
	fg_json chosen;

	if (m->attrs == NULL)
		return;
	attrs = fg_json_parse(m->attrs, strlen(m->attrs), &err);
	free(err);
	/* The chosen subset, for its MD5 (AWS digests what it returns). */
	fg_jw_init(&sel, 0);
	fg_jw_obj(&sel);
	for (size_t i = 0; i < fg_json_len(attrs); i++)
		if (sqs_attr_selected(names, fg_json_key(attrs, i))) {
			fg_jw_key(&sel, fg_json_key(attrs, i));
			fg_jw_value(&sel, fg_json_at(attrs, i));
		}
	fg_jw_end_obj(&sel);
	chosen = fg_json_parse(fg_jw_text(&sel), strlen(fg_jw_text(&sel)), &err);
	free(err);
	fg_jw_free(&sel);
	sqs_attrs_md5(chosen, md5);
	sqs_out_str(o, "MD5OfMessageAttributes", md5[0] ? md5 : m->md5_attrs);
	if (fg_json_len(chosen)) {
		sqs_out_map(o, "MessageAttributes", "MessageAttribute", "Name", "Value");
		for (size_t i = 0; i < fg_json_len(chosen); i++) {
			fg_json v = fg_json_at(chosen, i);

			sqs_out_entry_obj(o, fg_json_key(chosen, i));
			sqs_out_str(o, "StringValue", fg_json_str(fg_json_get(v, "StringValue")));
			sqs_out_str(o, "BinaryValue", fg_json_str(fg_json_get(v, "BinaryValue")));
			sqs_out_str(o, "DataType", fg_json_str(fg_json_get(v, "DataType")));
			sqs_out_close(o);
		}
		sqs_out_close(o);
	}
	fg_json_free(chosen);
	fg_json_free(attrs);
}

/* Writes a ReceiveMessage reply with the messages taken. */
void
sqs_receive_reply(struct lc_request *req, struct sqs_queue *q, fg_json in, struct sqs_msg **ms,
    size_t n)
{
	struct sqs_out o;

	sqs_out_begin(&o, req, 1);
	sqs_out_list(&o, "Messages", "Message");
	for (size_t i = 0; i < n; i++) {
		char *rh = sqs_receipt(q, ms[i]);

		sqs_out_item_obj(&o);
		sqs_out_str(&o, "MessageId", ms[i]->id);
		sqs_out_str(&o, "ReceiptHandle", rh);
		sqs_out_str(&o, "MD5OfBody", ms[i]->md5_body);
		sqs_out_str(&o, "Body", ms[i]->body);
		write_sys_attrs(&o, in, ms[i]);
		write_msg_attrs(&o, in, ms[i]);
		sqs_out_close(&o);
		free(rh);
	}
	sqs_out_end(&o);
}

/* Takes the messages a (validated) ReceiveMessage asks for. */
size_t
sqs_receive_take(struct sqs_queue *q, fg_json in, struct sqs_msg **out)
{
	int64_t max = 1, vis = sqs_queue_int(q, "VisibilityTimeout");
	size_t n;

	fg_json_int(fg_json_get(in, "MaxNumberOfMessages"), &max);
	fg_json_int(fg_json_get(in, "VisibilityTimeout"), &vis);
	n = sqs_queue_take(q, fg_wall_ms(), (size_t)max, vis, out);
	if (n)
		lc_changed(q->st->srv, &lc_svc_sqs);
	return n;
}

/* ReceiveMessage: answers now, or parks the request for a long poll. */
enum lc_result
sqs_receive(struct lc_request *req, struct sqs_queue *q, fg_json in)
{
	struct sqs_msg *ms[SQS_MAX_BATCH];
	int64_t v, wait = sqs_queue_int(q, "ReceiveMessageWaitTimeSeconds");
	size_t n;

	if (sqs_int_param(req, in, "MaxNumberOfMessages", 1, SQS_MAX_BATCH, &v) < 0 ||
	    sqs_int_param(req, in, "VisibilityTimeout", 0, 43200, &v) < 0 ||
	    sqs_int_param(req, in, "WaitTimeSeconds", 0, SQS_MAX_WAIT_S, &wait) < 0)
		return LC_DONE;
	n = sqs_receive_take(q, in, ms);
	if (n > 0 || wait == 0) {
		sqs_receive_reply(req, q, in, ms, n);
		return LC_DONE;
	}
	sqs_wait(q, req, in, wait);
	return LC_DEFER;
}

/* Finds the message a receipt handle names in q; -1 with the error when it is not valid. */
static int
receipt_lookup(struct sqs_queue *q, const char *handle, struct sqs_msg **m, uint32_t *receipt,
    enum sqs_error *code, char **err)
{
	char *arn = NULL, id[37];

	if (handle == NULL || *handle == '\0') {
		*code = SQS_E_MISSING;
		*err = fg_printf("The request must contain the parameter ReceiptHandle.");
		return -1;
	}
	if (sqs_receipt_parse(handle, &arn, id, receipt) != 0 || strcmp(arn, q->arn) != 0) {
		*code = SQS_E_RECEIPT;
		*err = fg_printf("The input receipt handle \"%.200s\" is not a valid receipt handle.",
		    handle);
		free(arn);
		return -1;
	}
	free(arn);
	*m = sqs_msg_find(q, id);
	return 0;
}

/* Deletes the message of a receipt handle (a message already gone is not an error). */
static int
delete_one(struct sqs_queue *q, const char *handle, enum sqs_error *code, char **err)
{
	struct sqs_msg *m;
	uint32_t receipt;

	if (receipt_lookup(q, handle, &m, &receipt, code, err) != 0)
		return -1;
	if (m) {
		sqs_msg_remove(q, m);
		sqs_msg_free(m);
		lc_changed(q->st->srv, &lc_svc_sqs);
	}
	return 0;
}

/* DeleteMessage. */
enum lc_result
sqs_delete_msg(struct lc_request *req, struct sqs_queue *q, fg_json in)
{
	enum sqs_error code;
	char *err = NULL;
	struct sqs_out o;

	if (delete_one(q, fg_json_str(fg_json_get(in, "ReceiptHandle")), &code, &err) != 0) {
		sqs_error(req, code, "%s", err);
		free(err);
		return LC_DONE;
	}
	sqs_out_begin(&o, req, 0);
	sqs_out_end(&o);
	return LC_DONE;
}

/* Changes the visibility timeout of an in-flight message. */
static int
change_one(struct sqs_queue *q, fg_json e, enum sqs_error *code, char **err)
{
	fg_json vj = fg_json_get(e, "VisibilityTimeout");
	int64_t vis, now = fg_wall_ms();
	struct sqs_msg *m;
	uint32_t receipt;

	if (vj == NULL || YAJL_IS_NULL(vj)) {
		*code = SQS_E_MISSING;
		*err = fg_printf("The request must contain the parameter VisibilityTimeout.");
		return -1;
	}
	if (fg_json_int(vj, &vis) != 0 || vis < 0 || vis > 43200) {
		*code = SQS_E_PARAM;
		*err = fg_printf("Value for parameter VisibilityTimeout is invalid. Reason: Must be "
		    "between 0 and 43200, if provided.");
		return -1;
	}
	if (receipt_lookup(q, fg_json_str(fg_json_get(e, "ReceiptHandle")), &m, &receipt, code,
	    err) != 0)
		return -1;
	if (m == NULL || m->recv_count == 0 || m->visible_ms <= now) {
		*code = SQS_E_NOT_INFLIGHT;
		*err = fg_printf("Message does not exist or is not available for visibility timeout "
		    "change.");
		return -1;
	}
	if (m->receipt != receipt) {
		*code = SQS_E_PARAM;
		*err = fg_printf("Value for parameter ReceiptHandle is invalid. Reason: The receipt "
		    "handle has expired.");
		return -1;
	}
	sqs_msg_hide_until(q, m, now + vis * 1000);
	lc_changed(q->st->srv, &lc_svc_sqs);
	sqs_kick(q);
	return 0;
}

/* ChangeMessageVisibility. */
enum lc_result
sqs_change_vis(struct lc_request *req, struct sqs_queue *q, fg_json in)
{
	enum sqs_error code;
	char *err = NULL;
	struct sqs_out o;

	if (change_one(q, in, &code, &err) != 0) {
		sqs_error(req, code, "%s", err);
		free(err);
		return LC_DONE;
	}
	sqs_out_begin(&o, req, 0);
	sqs_out_end(&o);
	return LC_DONE;
}

/* DeleteMessageBatch and ChangeMessageVisibilityBatch. */
static enum lc_result
entries_batch(struct lc_request *req, struct sqs_queue *q, fg_json in, int change)
{
	fg_json entries = fg_json_get(in, "Entries");
	int ok[SQS_MAX_BATCH];
	char *errs[SQS_MAX_BATCH] = { 0 };
	enum sqs_error codes[SQS_MAX_BATCH];
	struct sqs_out o;
	size_t n = fg_json_len(entries);

	if (batch_check(req, entries, change ? "ChangeMessageVisibilityBatchRequestEntry" :
	    "DeleteMessageBatchRequestEntry") != 0)
		return LC_DONE;
	for (size_t i = 0; i < n; i++) {
		fg_json e = fg_json_at(entries, i);

		ok[i] = (change ? change_one(q, e, &codes[i], &errs[i]) :
		    delete_one(q, fg_json_str(fg_json_get(e, "ReceiptHandle")), &codes[i],
		    &errs[i])) == 0;
	}
	sqs_out_begin(&o, req, 1);
	sqs_out_list(&o, "Successful", change ? "ChangeMessageVisibilityBatchResultEntry" :
	    "DeleteMessageBatchResultEntry");
	for (size_t i = 0; i < n; i++) {
		if (!ok[i])
			continue;
		sqs_out_item_obj(&o);
		sqs_out_str(&o, "Id", fg_json_str(fg_json_get(fg_json_at(entries, i), "Id")));
		sqs_out_close(&o);
	}
	sqs_out_close(&o);
	sqs_out_list(&o, "Failed", "BatchResultErrorEntry");
	for (size_t i = 0; i < n; i++) {
		if (ok[i])
			continue;
		batch_failed(&o, fg_json_str(fg_json_get(fg_json_at(entries, i), "Id")),
		    sqs_error_code(req, codes[i]), errs[i]);
		free(errs[i]);
	}
	sqs_out_end(&o);
	return LC_DONE;
}

/* DeleteMessageBatch. */
enum lc_result
sqs_delete_batch(struct lc_request *req, struct sqs_queue *q, fg_json in)
{
	return entries_batch(req, q, in, 0);
}

/* ChangeMessageVisibilityBatch. */
enum lc_result
sqs_change_vis_batch(struct lc_request *req, struct sqs_queue *q, fg_json in)
{
	return entries_batch(req, q, in, 1);
}

/* Sends a message to a queue from inside localcloud (SNS fan-out). */
int
sqs_deliver(struct lc_server *srv, const char *queue_arn, const char *body, fg_json attrs,
    const char *sender, char **err)
{
	struct sqs_state *st = lc_service_state(srv, "sqs");
	struct sqs_queue *q = st ? sqs_queue_by_arn(st, queue_arn) : NULL;
	size_t bytes = 0;

	if (q == NULL) {
		*err = fg_printf("queue %s does not exist", queue_arn);
		return -1;
	}
	if (attrs && sqs_attrs_check(attrs, 0, &bytes, err) != 0)
		return -1;
	if ((int64_t)(strlen(body) + bytes) > sqs_queue_int(q, "MaximumMessageSize")) {
		*err = fg_printf("message too long for queue %s", queue_arn);
		return -1;
	}
	msg_store(q, body, strlen(body), attrs, NULL, sqs_queue_int(q, "DelaySeconds"), sender);
	return 0;
}
