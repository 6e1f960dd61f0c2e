/* services.h: the service entries services.c lists (one per service source file). */
#ifndef FUGUE_LC_SERVICES_H
#define FUGUE_LC_SERVICES_H

#include "lc.h"

extern const struct lc_service lc_svc_dynamodb; /* ddb_svc.c */
extern const struct lc_service lc_svc_ec2; /* ec2.c */
extern const struct lc_service lc_svc_iam; /* iam.c */
extern const struct lc_service lc_svc_s3; /* s3_svc.c */
extern const struct lc_service lc_svc_sns; /* sns.c */
extern const struct lc_service lc_svc_sqs; /* sqs.c */
extern const struct lc_service lc_svc_sts; /* sts.c */

#endif
