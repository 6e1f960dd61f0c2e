/* utf8.h: strict UTF-8 (RFC 3629) checks and line/column positions for parser messages. */
#ifndef FUGUE_UTF8_H
#define FUGUE_UTF8_H

#include <stddef.h>

#include "base.h"

/* utf8.c */
/* Length (1 to 4) of the well-formed UTF-8 character at s, or 0 when the bytes there are not
 * one: overlong forms, surrogates, code points above U+10FFFF and truncated sequences are not. */
size_t fg_utf8_char(const char *s, size_t len);
/* Offset of the first byte that does not start a well-formed character, or len when all do. */
size_t fg_utf8_invalid(const char *s, size_t len);
/* Appends s with every byte that does not start a well-formed character replaced by U+FFFD. */
void fg_utf8_sanitize(struct fg_buf *, const char *s, size_t len);
/* The 1-based line and column (in characters) of byte offset off in s. */
void fg_text_pos(const char *s, size_t off, unsigned long *line, unsigned long *col);

#endif
