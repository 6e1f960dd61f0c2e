/* sqs_err.c: SQS's errors: the JSON type, the query-protocol code and the status of each. */
#include "config.h"

#include <stdlib.h>

#include "sqs.h"

static const struct {
	const char *json;  /* shape name in the JSON protocol */
	const char *query; /* code in the query protocol (x-amzn-query-error in JSON) */
	int status;
} errors[] = {
	[SQS_E_NO_QUEUE] = { "QueueDoesNotExist", "AWS.SimpleQueueService.NonExistentQueue", 400 },
	[SQS_E_QUEUE_EXISTS] = { "QueueNameExists", "QueueAlreadyExists", 400 },
	[SQS_E_ATTR_NAME] = { "InvalidAttributeName", "InvalidAttributeName", 400 },
	[SQS_E_ATTR_VALUE] = { "InvalidAttributeValue", "InvalidAttributeValue", 400 },
	[SQS_E_PARAM] = { "InvalidParameterValue", "InvalidParameterValue", 400 },
	[SQS_E_MISSING] = { "MissingParameter", "MissingParameter", 400 },
	[SQS_E_RECEIPT] = { "ReceiptHandleIsInvalid", "ReceiptHandleIsInvalid", 400 },
	[SQS_E_NOT_INFLIGHT] = { "MessageNotInflight", "AWS.SimpleQueueService.MessageNotInflight",
	    400 },
	[SQS_E_EMPTY_BATCH] = { "EmptyBatchRequest", "AWS.SimpleQueueService.EmptyBatchRequest",
	    400 },
	[SQS_E_BATCH_MANY] = { "TooManyEntriesInBatchRequest",
	    "AWS.SimpleQueueService.TooManyEntriesInBatchRequest", 400 },
	[SQS_E_BATCH_IDS] = { "BatchEntryIdsNotDistinct",
	    "AWS.SimpleQueueService.BatchEntryIdsNotDistinct", 400 },
	[SQS_E_BATCH_ID] = { "InvalidBatchEntryId", "AWS.SimpleQueueService.InvalidBatchEntryId",
	    400 },
	[SQS_E_BATCH_LONG] = { "BatchRequestTooLong", "AWS.SimpleQueueService.BatchRequestTooLong",
	    400 },
	[SQS_E_CONTENTS] = { "InvalidMessageContents", "InvalidMessageContents", 400 },
	[SQS_E_UNSUPPORTED] = { "UnsupportedOperation", "AWS.SimpleQueueService.UnsupportedOperation",
	    400 },
	[SQS_E_ACTION] = { "UnknownOperationException", "InvalidAction", 400 },
	[SQS_E_ADDRESS] = { "InvalidAddress", "InvalidAddress", 404 },
	[SQS_E_OVER_LIMIT] = { "OverLimit", "OverLimit", 403 },
};

/* Replies with an SQS error in the request's protocol. */
void
sqs_error(struct lc_request *req, enum sqs_error e, const char *fmt, ...)
{
	struct lc_err le = { .status = errors[e].status, .code = errors[e].json,
		.query_code = errors[e].query };
	struct fg_buf msg;
	va_list ap;

	fg_buf_init(&msg);
	va_start(ap, fmt);
	fg_buf_vaddf(&msg, fmt, ap);
	va_end(ap);
	if (req->proto != LC_PROTO_JSON) {
		le.code = errors[e].query;
		le.query_code = NULL;
	}
	lc_error_ex(req, &le, "%s", fg_buf_cstr(&msg));
	fg_buf_free(&msg);
}

/* The code a batch result entry carries for an error. */
const char *
sqs_error_code(const struct lc_request *req, enum sqs_error e)
{
	return req->proto == LC_PROTO_JSON ? errors[e].json : errors[e].query;
}
