/* ec2_describe.c: the Describe actions of resources: ids, filters and pages, and the reply's
 * item set. */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "ec2.h"
#include "xml.h"

/* Says whether id is one of a list of ids. */
static int
listed(fg_json ids, const char *id)
{
	for (size_t i = 0; i < fg_json_len(ids); i++)
		if (strcmp(fg_json_str(fg_json_at(ids, i)), id) == 0)
			return 1;
	return 0;
}

/* Checks asked-for ids: well-formed, and resources the caller can see; -1 after replying. */
static int
check_ids(struct lc_request *req, struct ec2_state *st, fg_json ids, enum ec2_kind kind)
{
	const struct ec2_kind_def *k = &ec2_kinds[kind];
	struct fg_buf missing;
	size_t nmissing = 0;

	fg_buf_init(&missing);
	for (size_t i = 0; i < fg_json_len(ids); i++) {
		const char *id = fg_json_str(fg_json_at(ids, i));
		struct ec2_res *r;

		if (!ec2_id_ok(id, k->prefix)) {
			ec2_error(req, k->malformed, "Invalid id: \"%.100s\" (expecting \"%s-...\")", id,
			    k->prefix);
			fg_buf_free(&missing);
			return -1;
		}
		r = ec2_find(st, id);
		if (r && r->kind == kind && ec2_mine(req, r) && lc_visible(req, r->created_ms))
			continue;
		fg_buf_addf(&missing, "%s%s", nmissing ? ", " : "", id);
		nmissing++;
	}
	if (nmissing) {
		ec2_error(req, k->not_found, "The %s%s '%s' %s", k->noun, nmissing > 1 ? "s" : "",
		    fg_buf_cstr(&missing), nmissing > 1 ? "do not exist" : "does not exist");
		fg_buf_free(&missing);
		return -1;
	}
	fg_buf_free(&missing);
	return 0;
}

/* Selects the page of resources an input asks for. */
int
ec2_select(struct lc_request *req, struct ec2_state *st, fg_json in, const struct ec2_query *q,
    struct ec2_res ***out, size_t *n, char **next)
{
	fg_json ids = q->ids ? fg_json_get(in, q->ids) : NULL;
	fg_json filters = fg_json_get(in, "Filters");
	struct ec2_res **v;
	struct ec2_page pg;
	size_t k = 0;

	*out = NULL;
	*n = 0;
	*next = NULL;
	if (ec2_filters_check(req, filters, q->filters, 1) != 0)
		return -1;
	if (q->ids_or_max && fg_json_len(ids) > 0 && fg_json_get(in, "MaxResults")) {
		ec2_error(req, "InvalidParameterCombination", "The parameter %s cannot be used with "
		    "the parameter maxResults", q->ids);
		return -1;
	}
	if (check_ids(req, st, ids, q->kind) != 0 ||
	    ec2_page_init(req, in, q->max_results, req->action, &pg) != 0)
		return -1;
	v = fg_calloc(st->n + 1, sizeof(*v));
	EC2_EACH(st, q->kind, i) {
		struct ec2_res *r = st->res[i];

		if (!ec2_mine(req, r) || !lc_visible(req, r->created_ms) ||
		    (fg_json_len(ids) > 0 && !listed(ids, r->id)) ||
		    (pg.after && strcmp(r->id, pg.after) <= 0) ||
		    !ec2_filters_pass(st, filters, q->filters, r, r))
			continue;
		if (pg.max && (int64_t)k == pg.max) {
			*next = ec2_page_token(&pg, v[k - 1]->id);
			break;
		}
		v[k++] = r;
	}
	ec2_page_free(&pg);
	*out = v;
	*n = k;
	return 0;
}

/* Replies to a Describe action with the selected items. */
enum lc_result
ec2_describe(struct lc_request *req, struct ec2_state *st, fg_json in, const struct ec2_query *q)
{
	struct ec2_res **v;
	struct fg_buf *b;
	char *next;
	size_t n;

	if (ec2_select(req, st, in, q, &v, &n, &next) != 0)
		return LC_DONE;
	b = ec2_begin(req);
	fg_buf_addf(b, "<%s>", q->set);
	for (size_t i = 0; i < n; i++) {
		fg_buf_addstr(b, "<item>");
		q->write(b, st, v[i]);
		fg_buf_addstr(b, "</item>");
	}
	fg_buf_addf(b, "</%s>", q->set);
	if (next)
		fg_xml_elem(b, "nextToken", next);
	free(next);
	free(v);
	return ec2_end(req);
}

/* Writes a resource's tags. */
void
ec2_tags_write(struct fg_buf *b, const struct ec2_res *r)
{
	fg_buf_addstr(b, "<tagSet>");
	for (size_t i = 0; i < r->ntags; i++) {
		fg_buf_addstr(b, "<item>");
		fg_xml_elem(b, "key", r->tags[i].key);
		fg_xml_elem(b, "value", r->tags[i].value);
		fg_buf_addstr(b, "</item>");
	}
	fg_buf_addstr(b, "</tagSet>");
}
