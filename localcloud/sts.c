/* sts.c: the STS subset: GetCallerIdentity. */
#include "config.h"

#include <string.h>

#include "lc.h"
#include "services.h"
#include "xml.h"

/* Handles an STS request. */
static enum lc_result
sts_handle(struct lc_request *req)
{
	struct fg_buf *b;

	if (strcmp(req->action, "GetCallerIdentity") != 0) {
		lc_error(req, 400, "InvalidAction", "Could not find operation %s for version "
		    "2011-06-15", req->action);
		return LC_DONE;
	}
	b = lc_query_begin(req, 1);
	fg_xml_elem(b, "Arn", req->who.user_arn);
	fg_xml_elem(b, "UserId", req->who.user_id);
	fg_xml_elem(b, "Account", req->who.account);
	lc_query_end(req, 1);
	return LC_DONE;
}

const struct lc_service lc_svc_sts = {
	.name = "sts",
	.signing_name = "sts",
	.protocols = LC_PROTO_QUERY,
	.xmlns = "https://sts.amazonaws.com/doc/2011-06-15/",
	.throttle_code = "Throttling",
	.throttle_status = 400,
	.handle = sts_handle,
};
