/* replies.h: test helper that reads the AWS reply samples in data/aws-replies. */
#ifndef FUGUE_TEST_REPLIES_H
#define FUGUE_TEST_REPLIES_H

#include <stddef.h>

/* The contents of data/aws-replies/name (NUL-terminated; *len without the NUL); caller frees.
 * Fails the running test when the file cannot be read. */
char *replies_read(const char *name, size_t *len);

#endif
