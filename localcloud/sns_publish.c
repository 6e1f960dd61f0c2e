/* sns_publish.c: SNS Publish: checks the message and fans it out to the subscribed SQS queues,
 * raw or in AWS's JSON notification envelope. */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "sigv4.h"
#include "sns.h"
#include "xml.h"

#define SNS_MAX_ATTRIBUTES 10
#define SNS_SENDER_ID "AIDALOCALCLOUDSNS0000" /* SenderId of messages SNS delivers */

/* Replies with InvalidParameter and a reason. */
static enum lc_result
invalid(struct lc_request *req, const char *what)
{
	lc_error(req, 400, "InvalidParameter", "Invalid parameter: %s", what);
	return LC_DONE;
}

/* Checks MessageAttributes; adds their size to *bytes; -1 after replying. */
static int
attrs_check(struct lc_request *req, fg_json attrs, size_t *bytes)
{
	if (fg_json_len(attrs) > SNS_MAX_ATTRIBUTES) {
		lc_error(req, 400, "InvalidParameter", "Invalid parameter: MessageAttributes Reason: "
		    "Number of message attributes [%zu] exceeds the allowed maximum [%d].",
		    fg_json_len(attrs), SNS_MAX_ATTRIBUTES);
		return -1;
	}
	for (size_t i = 0; i < fg_json_len(attrs); i++) {
		const char *name = fg_json_key(attrs, i);
		fg_json v = fg_json_at(attrs, i);
		const char *t = fg_json_str(fg_json_get(v, "DataType"));
		const char *sv = fg_json_str(fg_json_get(v, "StringValue"));
		const char *bv = fg_json_str(fg_json_get(v, "BinaryValue"));
		int bin = t && strncmp(t, "Binary", 6) == 0;

		if (t == NULL || (strncmp(t, "String", 6) && strncmp(t, "Number", 6) && !bin)) {
			lc_error(req, 400, "ParameterValueInvalid", "The message attribute '%s' has an "
			    "invalid message attribute type, the set of supported type prefixes is "
			    "Binary, Number, and String.", name);
			return -1;
		}
		if ((bin && (bv == NULL || *bv == '\0')) || (!bin && (sv == NULL || *sv == '\0'))) {
			lc_error(req, 400, "ParameterValueInvalid", "The message attribute '%s' must "
			    "contain non-empty message attribute value for message attribute type "
			    "'%s'.", name, t);
			return -1;
		}
		*bytes += strlen(name) + strlen(t) + strlen(bin ? bv : sv);
	}
	return 0;
}

/* SNS attributes as SQS message attributes for raw delivery (String.Array becomes String). */
static fg_json
raw_attrs(fg_json attrs)
{
	struct fg_jw jw;
	fg_json v;
	char *err = NULL;

	if (fg_json_len(attrs) == 0)
		return NULL;
	fg_jw_init(&jw, 0);
	fg_jw_obj(&jw);
	for (size_t i = 0; i < fg_json_len(attrs); i++) {
		fg_json a = fg_json_at(attrs, i);
		const char *t = fg_json_str(fg_json_get(a, "DataType"));

		fg_jw_key(&jw, fg_json_key(attrs, i));
		fg_jw_obj(&jw);
		fg_jw_kstr(&jw, "DataType", strcmp(t, "String.Array") == 0 ? "String" : t);
		if (fg_json_get(a, "StringValue"))
			fg_jw_kstr(&jw, "StringValue", fg_json_str(fg_json_get(a, "StringValue")));
		if (fg_json_get(a, "BinaryValue"))
			fg_jw_kstr(&jw, "BinaryValue", fg_json_str(fg_json_get(a, "BinaryValue")));
		fg_jw_end_obj(&jw);
	}
	fg_jw_end_obj(&jw);
	v = fg_json_parse(fg_jw_text(&jw), strlen(fg_jw_text(&jw)), &err);
	free(err);
	fg_jw_free(&jw);
	return v;
}

/* The JSON notification envelope SNS delivers to a queue without raw delivery. The signature
 * is a SHA-256 digest of AWS's string to sign, not an RSA signature. */
char *
sns_envelope(const char *id, const char *topic_arn, const char *subject, const char *message,
    fg_json attrs, int64_t ms, const char *unsubscribe_url)
{
	struct fg_jw jw;
	struct fg_buf sts;
	unsigned char digest[32];
	char ts[32], *sig, *out;

	lc_iso8601(ms, ts);
	fg_buf_init(&sts);
	fg_buf_addf(&sts, "Message\n%s\nMessageId\n%s\n", message, id);
	if (subject)
		fg_buf_addf(&sts, "Subject\n%s\n", subject);
	fg_buf_addf(&sts, "Timestamp\n%s\nTopicArn\n%s\nType\nNotification\n", ts, topic_arn);
	fg_sha256(sts.data, sts.len, digest);
	sig = fg_base64(digest, sizeof(digest));
	fg_jw_init(&jw, 0);
	fg_jw_obj(&jw);
	fg_jw_kstr(&jw, "Type", "Notification");
	fg_jw_kstr(&jw, "MessageId", id);
	fg_jw_kstr(&jw, "TopicArn", topic_arn);
	if (subject)
		fg_jw_kstr(&jw, "Subject", subject);
	fg_jw_kstr(&jw, "Message", message);
	fg_jw_kstr(&jw, "Timestamp", ts);
	fg_jw_kstr(&jw, "SignatureVersion", "1");
	fg_jw_kstr(&jw, "Signature", sig);
	fg_jw_kstr(&jw, "SigningCertURL", "");
	fg_jw_kstr(&jw, "UnsubscribeURL", unsubscribe_url);
	if (fg_json_len(attrs)) {
		fg_jw_key(&jw, "MessageAttributes");
		fg_jw_obj(&jw);
		for (size_t i = 0; i < fg_json_len(attrs); i++) {
			fg_json a = fg_json_at(attrs, i);
			const char *t = fg_json_str(fg_json_get(a, "DataType"));

			fg_jw_key(&jw, fg_json_key(attrs, i));
			fg_jw_obj(&jw);
			fg_jw_kstr(&jw, "Type", t);
			fg_jw_kstr(&jw, "Value", fg_json_str(fg_json_get(a, strncmp(t, "Binary", 6) ?
			    "StringValue" : "BinaryValue")));
			fg_jw_end_obj(&jw);
		}
		fg_jw_end_obj(&jw);
	}
	fg_jw_end_obj(&jw);
	out = fg_jw_detach(&jw);
	fg_jw_free(&jw);
	fg_buf_free(&sts);
	free(sig);
	return out;
}

/* The message a subscription of protocol sqs gets under MessageStructure=json. */
static const char *
structured_message(fg_json structured)
{
	const char *m = fg_json_str(fg_json_get(structured, "sqs"));

	return m ? m : fg_json_str(fg_json_get(structured, "default"));
}

/* Delivers one message to every queue subscribed to the topic. */
static void
fan_out(struct lc_request *req, struct sns_state *st, const char *topic_arn, const char *id,
    const char *subject, const char *message, fg_json attrs)
{
	fg_json rattrs = raw_attrs(attrs);
	int64_t now = fg_wall_ms();

	for (size_t i = 0; i < st->nsubs; i++) {
		struct sns_sub *s = st->subs[i];
		const char *raw = NULL;
		char *body, *url, *err = NULL;

		if (strcmp(s->topic_arn, topic_arn) != 0 || strcmp(s->protocol, "sqs") != 0)
			continue;
		for (size_t j = 0; j < s->nattrs; j++)
			if (strcmp(s->attrs[j].key, "RawMessageDelivery") == 0)
				raw = s->attrs[j].value;
		url = fg_printf("http://%s/?Action=Unsubscribe&SubscriptionArn=%s", req->host, s->arn);
		body = raw && strcmp(raw, "true") == 0 ? fg_strdup(message) :
		    sns_envelope(id, topic_arn, subject, message, attrs, now, url);
		if (sqs_deliver(st->srv, s->endpoint, body, raw && strcmp(raw, "true") == 0 ?
		    rattrs : NULL, SNS_SENDER_ID, &err) != 0) {
			log_debug("sns", "message %s not delivered to %s: %s", id, s->endpoint, err);
			free(err);
		}
		free(body);
		free(url);
	}
	fg_json_free(rattrs);
}

/* Publish to a topic. */
enum lc_result
sns_publish(struct lc_request *req, struct sns_state *st, fg_json in)
{
	const char *arn = fg_json_str(fg_json_get(in, "TopicArn"));
	const char *msg = fg_json_str(fg_json_get(in, "Message"));
	const char *subject = fg_json_str(fg_json_get(in, "Subject"));
	const char *structure = fg_json_str(fg_json_get(in, "MessageStructure"));
	fg_json attrs = fg_json_get(in, "MessageAttributes"), structured = NULL;
	struct sns_topic *t;
	struct fg_buf *b;
	size_t bytes = 0;
	char id[37], *err = NULL;

	if (arn == NULL)
		arn = fg_json_str(fg_json_get(in, "TargetArn"));
	if (fg_json_get(in, "PhoneNumber"))
		return invalid(req, "PhoneNumber Reason: localcloud does not send SMS");
	if (arn == NULL || strncmp(arn, "arn:aws:sns:", 12) != 0)
		return invalid(req, "TopicArn or TargetArn Reason: no value for required parameter");
	if ((t = sns_topic_find(st, arn)) == NULL || !lc_visible(req, t->created_ms)) {
		lc_error(req, 404, "NotFound", "Topic does not exist");
		return LC_DONE;
	}
	if (msg == NULL || *msg == '\0')
		return invalid(req, "Empty message");
	if (subject && (*subject == '\0' || strlen(subject) > 100 || strpbrk(subject, "\r\n")))
		return invalid(req, "Subject");
	if (attrs_check(req, attrs, &bytes) != 0)
		return LC_DONE;
	if (strlen(msg) + bytes > SNS_MAX_MESSAGE)
		return invalid(req, "Message too long");
	if (structure && strcmp(structure, "json") == 0) {
		structured = fg_json_parse(msg, strlen(msg), &err);
		free(err);
		if (structured == NULL || fg_json_str(fg_json_get(structured, "default")) == NULL) {
			fg_json_free(structured);
			return invalid(req, "Message Structure - No default entry in JSON message body");
		}
		msg = structured_message(structured);
	} else if (structure)
		return invalid(req, "MessageStructure");
	lc_uuid(id);
	fan_out(req, st, t->arn, id, subject, msg, attrs);
	fg_json_free(structured);
	b = lc_query_begin(req, 1);
	fg_xml_elem(b, "MessageId", id);
	lc_query_end(req, 1);
	return LC_DONE;
}
