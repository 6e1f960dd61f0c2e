/* ec2_filter.c: EC2 filters (wildcards, tag filters, owner) and MaxResults/NextToken
 * pagination. */
#include "config.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ec2.h"
#include "sigv4.h"
#include "utf8.h"

#define MIN_RESULTS 5

/* Matches s against a pattern: '*' any run, '?' zero or one character, '\' quotes the next
 * character. A set of reachable positions in s is carried through the pattern, so the time
 * is bounded by the product of the lengths whatever the pattern. */
int
ec2_glob(const char *p, const char *s)
{
	size_t n = strlen(s);
	unsigned char *cur = fg_calloc(n + 1, 1), *nxt = fg_calloc(n + 1, 1), *t;
	int r;

	cur[0] = 1;
	while (*p) {
		memset(nxt, 0, n + 1);
		if (*p == '*') {
			for (size_t i = 0, on = 0; i <= n; i++)
				nxt[i] = (unsigned char)(on |= cur[i]);
			p++;
		} else if (*p == '?') {
			for (size_t i = 0; i <= n; i++) {
				size_t step;

				if (!cur[i])
					continue;
				nxt[i] = 1;
				step = i < n ? fg_utf8_char(s + i, n - i) : 0;
				if (i < n)
					nxt[i + (step ? step : 1)] = 1;
			}
			p++;
		} else {
			char c;

			if (*p == '\\' && p[1])
				p++;
			c = *p++;
			for (size_t i = 0; i < n; i++)
				if (cur[i] && s[i] == c)
					nxt[i + 1] = 1;
		}
		t = cur;
		cur = nxt;
		nxt = t;
	}
	r = cur[n];
	free(cur);
	free(nxt);
	return r;
}

/* Offers one value of the item to the filter's patterns. */
void
ec2_emit(struct ec2_match *m, const char *value)
{
	for (size_t i = 0; !m->hit && value && i < fg_json_len(m->patterns); i++) {
		const char *p = fg_json_str(fg_json_at(m->patterns, i));

		if (p && ec2_glob(p, value))
			m->hit = 1;
	}
}

/* Offers an integer value. */
void
ec2_emit_int(struct ec2_match *m, int64_t v)
{
	char s[24];

	snprintf(s, sizeof(s), "%" PRId64, v);
	ec2_emit(m, s);
}

/* Offers a boolean value. */
void
ec2_emit_bool(struct ec2_match *m, int v)
{
	ec2_emit(m, v ? "true" : "false");
}

/* Offers a CIDR block. */
void
ec2_emit_cidr(struct ec2_match *m, const struct ec2_cidr *c)
{
	char s[EC2_CIDR_MAX];

	ec2_cidr_format(c, s);
	ec2_emit(m, s);
}

/* The filter of a resource's own id ("vpc-id" of VPCs). */
void
ec2_f_id(struct ec2_match *m, const void *item)
{
	ec2_emit(m, ((const struct ec2_res *)item)->id);
}

/* Filters every resource has. */
static const char *const res_filters[] = { "owner-id", "tag-key", "tag-value" };

/* Says whether a filter name is known. */
static int
known(const char *name, const struct ec2_filter *defs, int resources)
{
	for (const struct ec2_filter *d = defs; d && d->name; d++)
		if (strcmp(d->name, name) == 0)
			return 1;
	if (!resources)
		return 0;
	for (size_t i = 0; i < FG_ARRAY_LEN(res_filters); i++)
		if (strcmp(res_filters[i], name) == 0)
			return 1;
	return strncmp(name, "tag:", 4) == 0 && name[4] != '\0';
}

/* Checks the filters of a request. */
int
ec2_filters_check(struct lc_request *req, fg_json filters, const struct ec2_filter *defs,
    int resources)
{
	size_t values = 0;

	for (size_t i = 0; i < fg_json_len(filters); i++) {
		fg_json f = fg_json_at(filters, i);
		const char *name = ec2_str(f, "Name");

		if (name == NULL || !known(name, defs, resources)) {
			ec2_error(req, "InvalidParameterValue", "The filter '%.100s' is invalid",
			    name ? name : "null");
			return -1;
		}
		if (fg_json_len(fg_json_get(f, "Values")) == 0) {
			ec2_error(req, "InvalidParameterValue", "The filter '%.100s' has no values",
			    name);
			return -1;
		}
		values += fg_json_len(fg_json_get(f, "Values"));
	}
	if (values > EC2_MAX_FILTER_VALUES) {
		ec2_error(req, "FilterLimitExceeded", "The maximum number of filter values "
		    "specified on a single call is %d", EC2_MAX_FILTER_VALUES);
		return -1;
	}
	return 0;
}

/* Offers a resource's values for a resource filter. */
static void
res_values(struct ec2_match *m, const char *name, const struct ec2_res *r)
{
	for (size_t i = 0; i < r->ntags && !m->hit; i++) {
		if (strcmp(name, "tag-key") == 0)
			ec2_emit(m, r->tags[i].key);
		else if (strcmp(name, "tag-value") == 0)
			ec2_emit(m, r->tags[i].value);
		else if (strncmp(name, "tag:", 4) == 0 && strcmp(name + 4, r->tags[i].key) == 0)
			ec2_emit(m, r->tags[i].value);
	}
	if (strcmp(name, "owner-id") == 0)
		ec2_emit(m, r->account);
}

/* Says whether an item passes every filter. */
int
ec2_filters_pass(const struct ec2_state *st, fg_json filters, const struct ec2_filter *defs,
    const void *item, const struct ec2_res *res)
{
	for (size_t i = 0; i < fg_json_len(filters); i++) {
		fg_json f = fg_json_at(filters, i);
		const char *name = ec2_str(f, "Name");
		struct ec2_match m = { fg_json_get(f, "Values"), 0, st };
		const struct ec2_filter *d;

		for (d = defs; d && d->name && strcmp(d->name, name) != 0; d++)
			;
		if (d && d->name)
			d->fn(&m, item);
		else if (res)
			res_values(&m, name, res);
		if (!m.hit)
			return 0;
	}
	return 1;
}

/* Reads MaxResults and NextToken. */
int
ec2_page_init(struct lc_request *req, fg_json in, int64_t cap, const char *what,
    struct ec2_page *pg)
{
	const char *tok = ec2_str(in, "NextToken");
	size_t wn = strlen(what), n;
	unsigned char *raw;

	memset(pg, 0, sizeof(*pg));
	pg->what = what;
	if (fg_json_int(fg_json_get(in, "MaxResults"), &pg->max) == 0 &&
	    (pg->max < MIN_RESULTS || pg->max > cap)) {
		ec2_error(req, "InvalidParameterValue", "Value ( %" PRId64 " ) for parameter "
		    "maxResults is invalid. Expecting a value between %d and %" PRId64 ".", pg->max,
		    MIN_RESULTS, cap);
		return -1;
	}
	if (tok == NULL)
		return 0;
	raw = fg_base64_decode(tok, &n);
	if (raw == NULL || n <= wn + 1 || memcmp(raw, what, wn) != 0 || raw[wn] != '\n' ||
	    memchr(raw, '\0', n)) {
		free(raw);
		ec2_error(req, "InvalidPaginationToken", "The pagination token '%.100s' is not "
		    "valid for %s or has expired", tok, what);
		return -1;
	}
	pg->after = fg_strndup((char *)raw + wn + 1, n - wn - 1);
	free(raw);
	return 0;
}

/* The token of the next page. */
char *
ec2_page_token(const struct ec2_page *pg, const char *last)
{
	char *plain = fg_printf("%s\n%s", pg->what, last);
	char *tok = fg_base64(plain, strlen(plain));

	free(plain);
	return tok;
}

/* Frees a pager's parts. */
void
ec2_page_free(struct ec2_page *pg)
{
	free(pg->after);
	pg->after = NULL;
}
