/* sigv4_int.h: what sigv4.c and sigv4_auth.c share (private to libfugue-core). */
#ifndef FUGUE_SIGV4_INT_H
#define FUGUE_SIGV4_INT_H

#include <stddef.h>
#include <time.h>

#include "base.h"

#define ALGORITHM "AWS4-HMAC-SHA256"
#define SCOPE_END "aws4_request"
#define MAX_EXPIRES (7 * 24 * 3600) /* longest X-Amz-Expires AWS accepts */

/* sigv4.c */
/* Sets *err (when err is not NULL) to a formatted message. */
void sigv4_seterr(char **err, const char *fmt, ...) FG_PRINTF(2, 3);
/* A quoted, escaped and bounded excerpt of untrusted input for messages; caller frees. */
char *sigv4_excerpt(const char *s, size_t len);
/* A header name of len bytes: token characters only, lower case when lower. */
int sigv4_header_name_ok(const char *s, size_t len, int lower);
/* yyyymmddThhmmssZ to and from time_t; -1 when out of range or malformed. */
int sigv4_format_date(time_t, char out[17]);
int sigv4_parse_date(const char *, time_t *);

#endif
