/* file_text.h: what a test's scratch file (a tmpfile standing for a log stream) holds. */
#ifndef FUGUE_FILE_TEXT_H
#define FUGUE_FILE_TEXT_H

#include <stdio.h>

/* Reads back all that was written to f (caller frees); later writes still append. */
char *file_text(FILE *f);

#endif
