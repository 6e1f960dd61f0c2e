/* services.c: the table of services localcloud serves, in routing order. */
#include "config.h"

#include "lc.h"
#include "services.h"

const struct lc_service *const lc_services[] = {
	&lc_svc_dynamodb,
	&lc_svc_ec2,
	&lc_svc_iam,
	&lc_svc_s3,
	&lc_svc_sns,
	&lc_svc_sqs,
	&lc_svc_sts,
};
const size_t lc_nservices = FG_ARRAY_LEN(lc_services);
