/* lc_fuzzlib.h: helpers of the localcloud fuzz targets: connection ops that check a reply's
 * status, input lines, and requests signed with the default key as a client would. */
#ifndef FUGUE_LC_FUZZLIB_H
#define FUGUE_LC_FUZZLIB_H

#include <stddef.h>
#include <stdint.h>

#include "lc.h"
#include "sigv4.h"

/* Connection ops whose replies are only checked for a sane status (else abort). */
extern const struct lc_conn_ops lcf_ops;

/* One line of the input (without its '\n'), at most max bytes; advances past it. */
char *lcf_take_line(const uint8_t **data, size_t *len, size_t max);
/* Signs req (method, path, query, headers, body) with the default key, now, under p; 0, or
 * -1 and *err. */
int lcf_sign(struct lc_request *req, struct fg_sigv4_params *p, char **err);

#endif
