/* xml.h: XML replies (AWS query, EC2, REST-XML) parsed with expat into a small tree, and an
 * XML writer for building requests and (in localcloud) replies. */
#ifndef FUGUE_XML_H
#define FUGUE_XML_H

#include <stddef.h>

#include "base.h"

/* xml.c */
struct fg_xml {
	char *name;            /* local name, namespace prefix/URI stripped */
	char *text;            /* character data; surrounding white space with a line break (indentation) is trimmed,
	                        * other leading/trailing spaces of a leaf are kept */
	struct fg_xml *parent;
	struct fg_xml *child;  /* first child element */
	struct fg_xml *next;   /* next sibling element */
	struct fg_xml **attrs; /* unused, reserved */
};
/* Limits that protect the parser: depth, total size, element count. No DTDs or entities:
 * a document with a DOCTYPE is rejected. */
#define FG_XML_MAX_DEPTH 64
#define FG_XML_MAX_SIZE (64u << 20)
#define FG_XML_MAX_ELEMENTS 1000000u
/* Parses a document; on failure NULL and *err = "line 3, column 14: mismatched tag". */
struct fg_xml *fg_xml_parse(const char *text, size_t len, char **err);
void fg_xml_free(struct fg_xml *);
/* The first descendant along a path of local names, "Error/Code", relative to n ("" is n);
 * when several children share a name, each is tried in turn. */
struct fg_xml *fg_xml_find(struct fg_xml *n, const char *path);
/* The text of fg_xml_find(n, path), or NULL. */
const char *fg_xml_text(struct fg_xml *n, const char *path);
/* The next sibling of n with the same name (for iterating <member> lists). */
struct fg_xml *fg_xml_next_named(struct fg_xml *n);

/* xml_write.c */
/* Appends s with &, <, >, ", ' escaped (and CR as &#13;); characters that XML 1.0 cannot
 * hold and ill-formed UTF-8 become U+FFFD, so the output is always well-formed. */
void fg_xml_escape(struct fg_buf *, const char *s);
/* Appends <name>escaped text</name>, or <name/> when text is NULL. */
void fg_xml_elem(struct fg_buf *, const char *name, const char *text);

#endif
