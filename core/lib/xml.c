/* xml.c: XML replies parsed with expat into a small tree of elements (local names, text;
 * text), with limits on size, depth and element count, and no DTD or entity processing. */
#include "config.h"

#include <expat.h>
#include <stdlib.h>
#include <string.h>

#include "xml.h"

/* Expat hands namespaced names over as "URI<sep>local". */
#define XML_NS_SEP '\x01'

/* The state of one parse. */
struct xread {
	XML_Parser p;
	struct fg_xml *root;
	struct fg_xml *cur;                      /* the innermost open element */
	struct fg_xml *tail[FG_XML_MAX_DEPTH];   /* last child of each open element */
	struct fg_buf text[FG_XML_MAX_DEPTH];    /* character data of each open element */
	unsigned depth;
	size_t elements;
	char *err; /* set when a handler stops the parse */
};

/* Stops the parse with a message that says where. */
static void
xread_stop(struct xread *r, const char *what)
{
	r->err = fg_printf("line %lu, column %lu: %s",
	    (unsigned long)XML_GetCurrentLineNumber(r->p),
	    (unsigned long)XML_GetCurrentColumnNumber(r->p) + 1, what);
	XML_StopParser(r->p, XML_FALSE);
}

/* Expat handler: an element opens. */
static void
on_start(void *ctx, const XML_Char *name, const XML_Char **attrs)
{
	struct xread *r = ctx;
	const char *local = strrchr(name, XML_NS_SEP);
	struct fg_xml *n;

	(void)attrs;
	if (r->err != NULL)
		return;
	if (r->depth == FG_XML_MAX_DEPTH) {
		xread_stop(r, "elements nested too deeply");
		return;
	}
	if (++r->elements > FG_XML_MAX_ELEMENTS) {
		xread_stop(r, "too many elements");
		return;
	}
	n = fg_calloc(1, sizeof(*n));
	n->name = fg_strdup(local != NULL ? local + 1 : name);
	n->parent = r->cur;
	if (r->cur == NULL)
		r->root = n;
	else if (r->tail[r->depth - 1] == NULL)
		r->cur->child = n;
	else
		r->tail[r->depth - 1]->next = n;
	if (r->depth > 0)
		r->tail[r->depth - 1] = n;
	r->tail[r->depth] = NULL;
	fg_buf_reset(&r->text[r->depth]);
	r->cur = n;
	r->depth++;
}

/* Expat handler: character data (entities and CDATA already resolved). */
static void
on_text(void *ctx, const XML_Char *s, int len)
{
	struct xread *r = ctx;

	if (r->cur != NULL && r->err == NULL)
		fg_buf_add(&r->text[r->depth - 1], s, (size_t)len);
}

/* Returns whether c is XML white space. */
static int
xml_space(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

/* Returns whether n bytes at p hold a line break. */
static int
has_break(const char *p, size_t n)
{
	return n > 0 && (memchr(p, '\n', n) != NULL || memchr(p, '\r', n) != NULL);
}

/* Expat handler: an element closes. Its text loses surrounding white space that holds a line
 * break (pretty-printing); a leaf keeps other spaces exactly (S3 keys may end in spaces). */
static void
on_end(void *ctx, const XML_Char *name)
{
	struct xread *r = ctx;
	struct fg_buf *b;
	size_t start = 0, end;

	(void)name;
	if (r->err != NULL)
		return;
	b = &r->text[r->depth - 1];
	end = b->len;
	while (start < end && xml_space(b->data[start]))
		start++;
	while (end > start && xml_space(b->data[end - 1]))
		end--;
	if (r->cur->child == NULL) {
		/* A leaf: undo the trim on a side whose white space has no line break. */
		if (!has_break(b->data, start))
			start = 0;
		if (!has_break(b->data + end, b->len - end))
			end = b->len;
	}
	r->cur->text = fg_strndup(end > start ? b->data + start : "", end - start);
	r->cur = r->cur->parent;
	r->depth--;
}

/* Expat handler: a DOCTYPE, refused so that no entity can be declared or expanded. */
static void
on_doctype(void *ctx, const XML_Char *name, const XML_Char *sysid, const XML_Char *pubid,
    int has_internal_subset)
{
	(void)name, (void)sysid, (void)pubid, (void)has_internal_subset;
	xread_stop(ctx, "DOCTYPE declarations are not allowed");
}

/* Expat handler: an entity declaration; unreachable without a DOCTYPE, refused all the same. */
static void
on_entity(void *ctx, const XML_Char *name, int is_param, const XML_Char *value, int value_len,
    const XML_Char *base, const XML_Char *sysid, const XML_Char *pubid, const XML_Char *notation)
{
	(void)name, (void)is_param, (void)value, (void)value_len, (void)base, (void)sysid;
	(void)pubid, (void)notation;
	xread_stop(ctx, "entity declarations are not allowed");
}

/* Parses a document into a tree; NULL and *err on failure. */
struct fg_xml *
fg_xml_parse(const char *text, size_t len, char **err)
{
	struct xread r;
	enum XML_Status st;

	*err = NULL;
	if (len > FG_XML_MAX_SIZE) {
		*err = fg_printf("line 1, column 1: document of %zu bytes is over the %u-byte "
		    "limit", len, FG_XML_MAX_SIZE);
		return NULL;
	}
	memset(&r, 0, sizeof(r));
	r.p = XML_ParserCreateNS(NULL, XML_NS_SEP);
	if (r.p == NULL)
		fatalx("XML_ParserCreateNS failed");
	XML_SetUserData(r.p, &r);
	XML_SetElementHandler(r.p, on_start, on_end);
	XML_SetCharacterDataHandler(r.p, on_text);
	XML_SetStartDoctypeDeclHandler(r.p, on_doctype);
	XML_SetEntityDeclHandler(r.p, on_entity);
	XML_SetParamEntityParsing(r.p, XML_PARAM_ENTITY_PARSING_NEVER);
	st = XML_Parse(r.p, text, (int)len, XML_TRUE);
	if (st != XML_STATUS_OK && r.err == NULL)
		r.err = fg_printf("line %lu, column %lu: %s",
		    (unsigned long)XML_GetCurrentLineNumber(r.p),
		    (unsigned long)XML_GetCurrentColumnNumber(r.p) + 1,
		    XML_ErrorString(XML_GetErrorCode(r.p)));
	XML_ParserFree(r.p);
	for (unsigned d = 0; d < FG_XML_MAX_DEPTH; d++)
		fg_buf_free(&r.text[d]);
	if (r.err == NULL)
		return r.root;
	*err = r.err;
	fg_xml_free(r.root);
	return NULL;
}

/* Frees n, its children and its following siblings' subtrees (n must be a root or a list). */
static void
xml_free_list(struct fg_xml *n)
{
	while (n != NULL) {
		struct fg_xml *next = n->next;

		xml_free_list(n->child);
		free(n->name);
		free(n->text);
		free(n);
		n = next;
	}
}

/* Frees a tree from fg_xml_parse. */
void
fg_xml_free(struct fg_xml *root)
{
	xml_free_list(root);
}

/* The first element reached from n along path, trying every same-named sibling in turn. */
struct fg_xml *
fg_xml_find(struct fg_xml *n, const char *path)
{
	size_t len;

	if (n == NULL || *path == '\0')
		return n;
	len = strcspn(path, "/");
	for (struct fg_xml *c = n->child; c != NULL; c = c->next) {
		struct fg_xml *found;

		if (strncmp(c->name, path, len) != 0 || c->name[len] != '\0')
			continue;
		found = fg_xml_find(c, path[len] == '/' ? path + len + 1 : path + len);
		if (found != NULL)
			return found;
	}
	return NULL;
}

/* The text of the element at path, or NULL when there is none. */
const char *
fg_xml_text(struct fg_xml *n, const char *path)
{
	struct fg_xml *f = fg_xml_find(n, path);

	return f != NULL ? f->text : NULL;
}

/* The next sibling with the same name as n. */
struct fg_xml *
fg_xml_next_named(struct fg_xml *n)
{
	if (n == NULL)
		return NULL;
	for (struct fg_xml *s = n->next; s != NULL; s = s->next)
		if (strcmp(s->name, n->name) == 0)
			return s;
	return NULL;
}
