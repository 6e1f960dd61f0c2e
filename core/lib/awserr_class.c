/* awserr_class.c: the classification of AWS errors: the codes each service uses for
 * throttling, transient failures, clock skew, missing resources, conflicts, bad requests and
 * refusals, then the naming patterns of the services, then the HTTP status. */
#include "config.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "awserr.h"

/* Server clocks further off than this mean ours is wrong (the Java SDK's threshold). */
#define SKEW_THRESHOLD_MS (4 * 60 * 1000)

/* Codes whose class does not follow from their name or status. */
static const struct {
	const char *code;
	enum fg_err_class cls;
} code_classes[] = {
	/* Throttling: the union the SDKs' standard retry mode recognizes, plus SNS's query code. */
	{ "BandwidthLimitExceeded", FG_ERR_THROTTLING },
	{ "EC2ThrottledException", FG_ERR_THROTTLING },
	{ "LimitExceededException", FG_ERR_THROTTLING },
	{ "PriorRequestNotComplete", FG_ERR_THROTTLING },
	{ "ProvisionedThroughputExceededException", FG_ERR_THROTTLING },
	{ "RequestLimitExceeded", FG_ERR_THROTTLING },
	{ "RequestThrottled", FG_ERR_THROTTLING },
	{ "RequestThrottledException", FG_ERR_THROTTLING },
	{ "SlowDown", FG_ERR_THROTTLING },
	{ "Throttled", FG_ERR_THROTTLING },
	{ "ThrottledException", FG_ERR_THROTTLING },
	{ "Throttling", FG_ERR_THROTTLING },
	{ "ThrottlingException", FG_ERR_THROTTLING },
	{ "TooManyRequestsException", FG_ERR_THROTTLING },
	{ "TransactionInProgressException", FG_ERR_THROTTLING },
	/* Transient failures. */
	{ "IDPCommunicationError", FG_ERR_RETRYABLE },
	{ "InternalError", FG_ERR_RETRYABLE },
	{ "InternalFailure", FG_ERR_RETRYABLE },
	{ "InternalServerError", FG_ERR_RETRYABLE },
	{ "InternalServiceError", FG_ERR_RETRYABLE },
	{ "RequestTimeout", FG_ERR_RETRYABLE },
	{ "RequestTimeoutException", FG_ERR_RETRYABLE },
	{ "ServiceFailure", FG_ERR_RETRYABLE },
	{ "ServiceUnavailable", FG_ERR_RETRYABLE },
	{ "ServiceUnavailableException", FG_ERR_RETRYABLE },
	{ "Unavailable", FG_ERR_RETRYABLE },
	/* Our clock is off. */
	{ "RequestExpired", FG_ERR_CLOCK_SKEW },
	{ "RequestInTheFuture", FG_ERR_CLOCK_SKEW },
	{ "RequestTimeTooSkewed", FG_ERR_CLOCK_SKEW },
	/* Missing resources not caught by the NotFound/NoSuch patterns. */
	{ "AWS.SimpleQueueService.NonExistentQueue", FG_ERR_NOT_FOUND },
	{ "QueueDoesNotExist", FG_ERR_NOT_FOUND },
	/* The resource's state forbids the call. */
	{ "AWS.SimpleQueueService.QueueDeletedRecently", FG_ERR_CONFLICT },
	{ "BucketAlreadyOwnedByYou", FG_ERR_CONFLICT },
	{ "BucketNotEmpty", FG_ERR_CONFLICT },
	{ "ConcurrentModification", FG_ERR_CONFLICT },
	{ "ConcurrentModificationException", FG_ERR_CONFLICT },
	{ "ConditionalCheckFailedException", FG_ERR_CONFLICT },
	{ "DependencyViolation", FG_ERR_CONFLICT },
	{ "IdempotentParameterMismatch", FG_ERR_CONFLICT },
	{ "IncorrectInstanceState", FG_ERR_CONFLICT },
	{ "IncorrectState", FG_ERR_CONFLICT },
	{ "OperationAborted", FG_ERR_CONFLICT },
	{ "QueueAlreadyExists", FG_ERR_CONFLICT },
	{ "QueueDeletedRecently", FG_ERR_CONFLICT },
	{ "QueueNameExists", FG_ERR_CONFLICT },
	{ "ResourceInUseException", FG_ERR_CONFLICT },
	{ "TransactionCanceledException", FG_ERR_CONFLICT },
	/* The request is wrong. */
	{ "MissingAction", FG_ERR_INVALID },
	{ "MissingParameter", FG_ERR_INVALID },
	{ "SerializationException", FG_ERR_INVALID },
	{ "UnknownParameter", FG_ERR_INVALID },
	{ "UnsupportedOperation", FG_ERR_INVALID },
	{ "ValidationError", FG_ERR_INVALID },
	{ "ValidationException", FG_ERR_INVALID },
	/* Credentials, permissions and accounts: no retry will help. */
	{ "AccessDenied", FG_ERR_FATAL },
	{ "AccessDeniedException", FG_ERR_FATAL },
	{ "AccountProblem", FG_ERR_FATAL },
	{ "AllAccessDisabled", FG_ERR_FATAL },
	{ "AuthorizationError", FG_ERR_FATAL },
	{ "Blocked", FG_ERR_FATAL },
	{ "ExpiredToken", FG_ERR_FATAL },
	{ "ExpiredTokenException", FG_ERR_FATAL },
	{ "IncompleteSignature", FG_ERR_FATAL },
	{ "IncompleteSignatureException", FG_ERR_FATAL },
	{ "InvalidAccessKeyId", FG_ERR_FATAL },
	{ "InvalidClientTokenId", FG_ERR_FATAL },
	{ "InvalidSecurity", FG_ERR_FATAL },
	{ "InvalidToken", FG_ERR_FATAL },
	{ "MissingAuthenticationToken", FG_ERR_FATAL },
	{ "MissingAuthenticationTokenException", FG_ERR_FATAL },
	{ "NotAuthorized", FG_ERR_FATAL },
	{ "NotImplemented", FG_ERR_FATAL },
	{ "OptInRequired", FG_ERR_FATAL },
	{ "PendingVerification", FG_ERR_FATAL },
	{ "SubscriptionRequiredException", FG_ERR_FATAL },
	{ "UnauthorizedOperation", FG_ERR_FATAL },
	{ "UnrecognizedClientException", FG_ERR_FATAL },
};

/* Signature errors that are clock skew when the message or the reply's Date says so. */
static const char *const skew_codes[] = { "AuthFailure", "InvalidSignatureException",
	"SignatureDoesNotMatch" };
static const char *const skew_words[] = { "expired", "skew", "in the future", "not yet current",
	"earlier than", "later than" };

/* Returns whether s contains w, ignoring case. */
static int
contains(const char *s, const char *w)
{
	size_t n = strlen(w);

	for (; *s != '\0'; s++)
		if (strncasecmp(s, w, n) == 0)
			return 1;
	return 0;
}

/* Returns whether s ends with w. */
static int
ends_with(const char *s, const char *w)
{
	size_t ls = strlen(s), lw = strlen(w);

	return ls >= lw && strcmp(s + ls - lw, w) == 0;
}

/* The class given by the code alone, or FG_ERR_NONE when it says nothing. */
static enum fg_err_class
class_of_code(const struct fg_awserr *e)
{
	const char *c = e->code;

	for (size_t i = 0; i < FG_ARRAY_LEN(code_classes); i++)
		if (strcmp(c, code_classes[i].code) == 0)
			return code_classes[i].cls;
	for (size_t i = 0; i < FG_ARRAY_LEN(skew_codes); i++) {
		if (strcmp(c, skew_codes[i]) != 0)
			continue;
		if (llabs(e->skew_ms) > SKEW_THRESHOLD_MS)
			return FG_ERR_CLOCK_SKEW;
		for (size_t j = 0; e->message != NULL && j < FG_ARRAY_LEN(skew_words); j++)
			if (contains(e->message, skew_words[j]))
				return FG_ERR_CLOCK_SKEW;
		return FG_ERR_FATAL;
	}
	/* EC2's InvalidVpcID.NotFound and every *.NotFound, S3's and IAM's NoSuch*. */
	if (strstr(c, "NotFound") != NULL || strncmp(c, "NoSuch", 6) == 0 ||
	    strstr(c, "DoesNotExist") != NULL || strstr(c, "NonExistent") != NULL)
		return FG_ERR_NOT_FOUND;
	/* EntityAlreadyExists, InvalidGroup.Duplicate, *.InUse, ResourceConflictException. */
	if (strstr(c, "AlreadyExists") != NULL || ends_with(c, ".Duplicate") ||
	    ends_with(c, ".InUse") || strstr(c, "Conflict") != NULL)
		return FG_ERR_CONFLICT;
	/* Quotas (VpcLimitExceeded, IAM's LimitExceeded): only a raised limit helps. The
	 * throttling codes that look alike are in the table above. */
	if (ends_with(c, "LimitExceeded"))
		return FG_ERR_FATAL;
	if (strncmp(c, "Invalid", 7) == 0 || strncmp(c, "Malformed", 9) == 0 ||
	    ends_with(c, ".Malformed"))
		return FG_ERR_INVALID;
	return FG_ERR_NONE;
}

/* The class given by the HTTP status. */
static enum fg_err_class
class_of_status(int status)
{
	if (status >= 200 && status < 300)
		return FG_ERR_NONE;
	if (status == 429)
		return FG_ERR_THROTTLING;
	/* The transient statuses of the SDKs' standard retry mode. */
	if (status == 500 || status == 502 || status == 503 || status == 504)
		return FG_ERR_RETRYABLE;
	if (status == 404)
		return FG_ERR_NOT_FOUND;
	if (status == 409 || status == 412)
		return FG_ERR_CONFLICT;
	if (status == 401 || status == 403)
		return FG_ERR_FATAL;
	if (status >= 400 && status < 500)
		return FG_ERR_INVALID;
	return FG_ERR_FATAL;
}

/* Classifies e from its transport error, code, message, skew and status. */
enum fg_err_class
fg_awserr_classify(const struct fg_awserr *e)
{
	enum fg_err_class c = FG_ERR_NONE;

	if (e->transport != FG_HTTP_OK)
		return fg_http_err_retryable(e->transport) ? FG_ERR_RETRYABLE : FG_ERR_FATAL;
	if (e->code != NULL)
		c = class_of_code(e);
	return c != FG_ERR_NONE ? c : class_of_status(e->status);
}

/* Names a class. */
const char *
fg_err_class_name(enum fg_err_class c)
{
	static const char *const names[] = { "none", "throttling", "retryable", "clock-skew",
		"not-found", "conflict", "invalid", "fatal" };

	return (unsigned)c < FG_ARRAY_LEN(names) ? names[c] : "unknown";
}
