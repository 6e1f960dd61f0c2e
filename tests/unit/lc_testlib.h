/* lc_testlib.h: helpers for localcloud unit tests: a server on a free port with state in
 * memory, and signed requests dispatched straight to it with their replies captured. */
#ifndef FUGUE_LC_TESTLIB_H
#define FUGUE_LC_TESTLIB_H

#include "lc.h"

struct lct_reply {
	int done;
	int dropped;
	int status;
	char *body;
	struct fg_headers headers;
};

/* A server (config_file may be NULL; data_dir NULL keeps state in memory). */
struct lc_server *lct_server(struct fg_loop *, const char *data_dir, const char *config_file);
/* Builds a request; signing is the credential-scope service (NULL: unsigned), secret NULL the
 * default key's, skew_s moves the signing time. */
struct lc_request *lct_request(struct lc_server *, struct lct_reply *, const char *method,
    const char *uri, const char *content_type, const char *target, const char *body,
    const char *signing, const char *access_key, const char *secret, long skew_s);
/* Dispatches a signed query-protocol request (body "Action=...&...") and returns the reply. */
struct lct_reply *lct_query(struct lc_server *, const char *signing, const char *body);
/* Dispatches a signed JSON-protocol request (X-Amz-Target) and returns the reply. */
struct lct_reply *lct_json(struct lc_server *, const char *signing, const char *target,
    const char *body);
void lct_reply_free(struct lct_reply *);
/* The text of the first <name> element in an XML body (caller frees), or NULL. */
char *lct_xml_text(const char *xml, const char *name);

/* A fake clock: lct_fake_ms is both the monotonic and the wall time in milliseconds (tests move
 * it forward). lct_fake_clock sets it to 1700000000000 and installs it with rnd as the
 * source of randomness; fg_clock_set(NULL) restores the real clock. */
extern int64_t lct_fake_ms;
void lct_fake_clock(void (*rnd)(void *arg, void *buf, size_t len));

#endif
