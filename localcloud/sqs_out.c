/* sqs_out.c: writes an SQS reply once for both protocols: query XML (flattened lists and maps
 * inside <ActionResult>) or a JSON object. */
#include "config.h"

#include <string.h>

#include "sqs.h"
#include "xml.h"

enum { K_STRUCT, K_LIST, K_MAP };

/* Starts the reply of req. */
void
sqs_out_begin(struct sqs_out *o, struct lc_request *req, int with_result)
{
	memset(o, 0, sizeof(*o));
	o->req = req;
	o->json = req->proto == LC_PROTO_JSON;
	o->with_result = with_result;
	if (o->json) {
		fg_jw_init(&o->jw, 0);
		fg_jw_obj(&o->jw);
	} else
		o->xml = lc_query_begin(req, with_result);
}

/* Completes the reply. */
void
sqs_out_end(struct sqs_out *o)
{
	while (o->depth > 0)
		sqs_out_close(o);
	if (o->json) {
		fg_jw_end_obj(&o->jw);
		lc_reply_json(o->req, &o->jw);
		fg_jw_free(&o->jw);
	} else
		lc_query_end(o->req, o->with_result);
}

/* Pushes a context. */
static void
push(struct sqs_out *o, int kind, const char *item, const char *kname, const char *vname)
{
	if (o->depth == (int)FG_ARRAY_LEN(o->st))
		fatalx("sqs_out: nested too deep");
	o->st[o->depth].kind = kind;
	o->st[o->depth].item = item;
	o->st[o->depth].kname = kname;
	o->st[o->depth].vname = vname;
	o->depth++;
}

/* A string member of the current structure. */
void
sqs_out_str(struct sqs_out *o, const char *name, const char *value)
{
	if (value == NULL)
		return;
	if (o->json)
		fg_jw_kstr(&o->jw, name, value);
	else
		fg_xml_elem(o->xml, name, value);
}

/* An integer member of the current structure. */
void
sqs_out_int(struct sqs_out *o, const char *name, int64_t v)
{
	if (o->json)
		fg_jw_kint(&o->jw, name, v);
	else
		fg_buf_addf(o->xml, "<%s>%lld</%s>", name, (long long)v, name);
}

/* A boolean member of the current structure. */
void
sqs_out_bool(struct sqs_out *o, const char *name, int v)
{
	if (o->json)
		fg_jw_kbool(&o->jw, name, v);
	else
		fg_buf_addf(o->xml, "<%s>%s</%s>", name, v ? "true" : "false", name);
}

/* Opens a list member. */
void
sqs_out_list(struct sqs_out *o, const char *json_name, const char *xml_item)
{
	if (o->json) {
		fg_jw_key(&o->jw, json_name);
		fg_jw_arr(&o->jw);
	}
	push(o, K_LIST, xml_item, NULL, NULL);
}

/* A string item of the current list. */
void
sqs_out_item_str(struct sqs_out *o, const char *value)
{
	if (o->json)
		fg_jw_str(&o->jw, value);
	else
		fg_xml_elem(o->xml, o->st[o->depth - 1].item, value);
}

/* Opens a structure item of the current list. */
void
sqs_out_item_obj(struct sqs_out *o)
{
	const char *item = o->st[o->depth - 1].item;

	if (o->json)
		fg_jw_obj(&o->jw);
	else
		fg_buf_addf(o->xml, "<%s>", item);
	push(o, K_STRUCT, item, NULL, NULL);
}

/* Opens a map member. */
void
sqs_out_map(struct sqs_out *o, const char *json_name, const char *xml_entry, const char *kname,
    const char *vname)
{
	if (o->json) {
		fg_jw_key(&o->jw, json_name);
		fg_jw_obj(&o->jw);
	}
	push(o, K_MAP, xml_entry, kname, vname);
}

/* Starts an XML map entry with its key. */
static void
entry_open(struct sqs_out *o, const char *key)
{
	fg_buf_addf(o->xml, "<%s>", o->st[o->depth - 1].item);
	fg_xml_elem(o->xml, o->st[o->depth - 1].kname, key);
}

/* A string entry of the current map. */
void
sqs_out_entry_str(struct sqs_out *o, const char *key, const char *value)
{
	if (o->json) {
		fg_jw_kstr(&o->jw, key, value);
		return;
	}
	entry_open(o, key);
	fg_xml_elem(o->xml, o->st[o->depth - 1].vname, value);
	fg_buf_addf(o->xml, "</%s>", o->st[o->depth - 1].item);
}

/* Opens a structure entry of the current map. */
void
sqs_out_entry_obj(struct sqs_out *o, const char *key)
{
	const char *item = o->st[o->depth - 1].item, *vname = o->st[o->depth - 1].vname;

	if (o->json) {
		fg_jw_key(&o->jw, key);
		fg_jw_obj(&o->jw);
	} else {
		entry_open(o, key);
		fg_buf_addf(o->xml, "<%s>", vname);
	}
	push(o, K_STRUCT, item, NULL, vname);
}

/* Closes the innermost list, map or structure. */
void
sqs_out_close(struct sqs_out *o)
{
	const struct sqs_out_ctx *s = &o->st[--o->depth];

	if (o->json) {
		if (s->kind == K_LIST)
			fg_jw_end_arr(&o->jw);
		else
			fg_jw_end_obj(&o->jw);
		return;
	}
	if (s->kind != K_STRUCT)
		return;
	if (s->vname)
		fg_buf_addf(o->xml, "</%s></%s>", s->vname, s->item);
	else
		fg_buf_addf(o->xml, "</%s>", s->item);
}
