/* fault.c: fault and pacing rules (latency, error rates, token buckets, dropped connections,
 * eventual consistency) matched per service and action. */
#include "config.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "lc.h"

static const char *const kind_names[] = {
	[LC_FAULT_THROTTLE] = "throttle",
	[LC_FAULT_500] = "500",
	[LC_FAULT_503] = "503",
	[LC_FAULT_DROP] = "drop",
};

/* Reads a non-negative number member; -1 and *err when it is not one. */
static int
num_member(fg_json v, const char *key, size_t idx, double max, double *out, char **err)
{
	if (fg_json_double(v, out) != 0 || !isfinite(*out) || *out < 0 || *out > max) {
		*err = fg_printf("fault rule %zu: \"%s\" must be a number from 0 to %g, not %s", idx,
		    key, max, v && YAJL_IS_NUMBER(v) ? "this value" : fg_json_type_name(v));
		return -1;
	}
	return 0;
}

/* Reads one rule object into r. */
static int
rule_parse(fg_json o, size_t idx, struct lc_rule *r, char **err)
{
	double d;

	memset(r, 0, sizeof(*r));
	r->times = -1;
	r->error = LC_FAULT_THROTTLE;
	if (!YAJL_IS_OBJECT(o)) {
		*err = fg_printf("fault rule %zu must be an object, not %s", idx, fg_json_type_name(o));
		return -1;
	}
	for (size_t i = 0; i < fg_json_len(o); i++) {
		const char *k = fg_json_key(o, i);
		fg_json v = fg_json_at(o, i);

		if (strcmp(k, "service") == 0 || strcmp(k, "action") == 0) {
			const char *s = fg_json_str(v);
			char **slot;

			if (s == NULL || *s == '\0') {
				*err = fg_printf("fault rule %zu: \"%s\" must be a non-empty string", idx, k);
				goto fail;
			}
			/* A repeated key: the last one counts. */
			slot = k[0] == 's' ? &r->service : &r->action;
			free(*slot);
			*slot = strcmp(s, "*") != 0 ? fg_strdup(s) : NULL;
		} else if (strcmp(k, "error") == 0) {
			const char *s = fg_json_str(v);
			int64_t n;
			size_t j;

			if (s == NULL && fg_json_int(v, &n) == 0 && (n == 500 || n == 503))
				s = n == 500 ? "500" : "503";
			for (j = 0; s && j < FG_ARRAY_LEN(kind_names); j++)
				if (strcmp(s, kind_names[j]) == 0)
					break;
			if (s == NULL || j == FG_ARRAY_LEN(kind_names)) {
				*err = fg_printf("fault rule %zu: \"error\" must be \"throttle\", \"500\", "
				    "\"503\" or \"drop\"", idx);
				goto fail;
			}
			r->error = (enum lc_fault_kind)j;
		} else if (strcmp(k, "latency_ms") == 0 || strcmp(k, "jitter_ms") == 0) {
			if (num_member(v, k, idx, 600000, &d, err) != 0)
				goto fail;
			*(k[0] == 'l' ? &r->latency_ms : &r->jitter_ms) = (uint32_t)d;
		} else if (strcmp(k, "error_rate") == 0) {
			if (num_member(v, k, idx, 1, &r->error_rate, err) != 0)
				goto fail;
		} else if (strcmp(k, "rate") == 0 || strcmp(k, "burst") == 0) {
			if (num_member(v, k, idx, 1e9, k[0] == 'r' ? &r->rate : &r->burst, err) != 0)
				goto fail;
		} else if (strcmp(k, "consistency_ms") == 0) {
			if (num_member(v, k, idx, 86400000, &d, err) != 0)
				goto fail;
			r->consistency_ms = (int64_t)d;
		} else if (strcmp(k, "times") == 0) {
			if (num_member(v, k, idx, 1e12, &d, err) != 0)
				goto fail;
			r->times = (int64_t)d;
		} else {
			*err = fg_printf("fault rule %zu: unknown key \"%s\" (known: service, action, "
			    "latency_ms, jitter_ms, error_rate, error, rate, burst, consistency_ms, "
			    "times)", idx, k);
			goto fail;
		}
	}
	if (r->rate > 0 && r->burst == 0)
		r->burst = r->rate < 1 ? 1 : r->rate;
	r->tokens = r->burst;
	r->refilled_ms = fg_mono_ms();
	return 0;
fail:
	free(r->service);
	free(r->action);
	return -1;
}

/* Appends rules from JSON: a rule, an array of rules, or {"rules": [...]}. */
int
lc_faults_add(struct lc_server *srv, fg_json v, char **err)
{
	struct lc_rule *rs;
	size_t n, i;

	if (YAJL_IS_OBJECT(v) && fg_json_get(v, "rules"))
		v = fg_json_get(v, "rules");
	n = YAJL_IS_ARRAY(v) ? fg_json_len(v) : 1;
	rs = fg_calloc(n ? n : 1, sizeof(*rs));
	for (i = 0; i < n; i++) {
		if (rule_parse(YAJL_IS_ARRAY(v) ? fg_json_at(v, i) : v, i, &rs[i], err) != 0) {
			while (i-- > 0) {
				free(rs[i].service);
				free(rs[i].action);
			}
			free(rs);
			return -1;
		}
	}
	srv->rules = fg_realloc(srv->rules, (srv->nrules + n + 1) * sizeof(*srv->rules));
	memcpy(srv->rules + srv->nrules, rs, n * sizeof(*rs));
	srv->nrules += n;
	free(rs);
	return 0;
}

/* Removes every rule. */
void
lc_faults_clear(struct lc_server *srv)
{
	for (size_t i = 0; i < srv->nrules; i++) {
		free(srv->rules[i].service);
		free(srv->rules[i].action);
	}
	srv->nrules = 0;
}

/* Removes the n oldest rules. */
void
lc_faults_drop_first(struct lc_server *srv, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		free(srv->rules[i].service);
		free(srv->rules[i].action);
	}
	memmove(srv->rules, srv->rules + n, (srv->nrules - n) * sizeof(*srv->rules));
	srv->nrules -= n;
}

/* Frees the rules. */
void
lc_faults_free(struct lc_server *srv)
{
	lc_faults_clear(srv);
	free(srv->rules);
	srv->rules = NULL;
}

/* Writes the rules as a JSON array. */
void
lc_faults_write(const struct lc_server *srv, struct fg_jw *jw)
{
	fg_jw_arr(jw);
	for (size_t i = 0; i < srv->nrules; i++) {
		const struct lc_rule *r = &srv->rules[i];

		fg_jw_obj(jw);
		fg_jw_kstr(jw, "service", r->service ? r->service : "*");
		fg_jw_kstr(jw, "action", r->action ? r->action : "*");
		fg_jw_kint(jw, "latency_ms", r->latency_ms);
		fg_jw_kint(jw, "jitter_ms", r->jitter_ms);
		fg_jw_key(jw, "error_rate");
		fg_jw_double(jw, r->error_rate);
		fg_jw_kstr(jw, "error", kind_names[r->error]);
		fg_jw_key(jw, "rate");
		fg_jw_double(jw, r->rate);
		fg_jw_key(jw, "burst");
		fg_jw_double(jw, r->burst);
		fg_jw_key(jw, "tokens");
		fg_jw_double(jw, r->tokens);
		fg_jw_kint(jw, "consistency_ms", r->consistency_ms);
		fg_jw_kint(jw, "times", r->times);
		fg_jw_end_obj(jw);
	}
	fg_jw_end_arr(jw);
}

/* Says whether rule r applies to req. */
static int
rule_matches(const struct lc_rule *r, const struct lc_request *req)
{
	if (r->times == 0)
		return 0;
	if (r->service && (req->svc == NULL || strcmp(r->service, req->svc->name) != 0))
		return 0;
	if (r->action && (req->action == NULL || strcmp(r->action, req->action) != 0))
		return 0;
	return 1;
}

/* Takes a token from the rule's bucket after refilling it; 0 when none is left. */
static int
take_token(struct lc_rule *r)
{
	uint64_t now = fg_mono_ms();

	r->tokens += (double)(now - r->refilled_ms) * r->rate / 1000.0;
	if (r->tokens > r->burst)
		r->tokens = r->burst;
	r->refilled_ms = now;
	if (r->tokens < 1)
		return 0;
	r->tokens -= 1;
	return 1;
}

/* Fills req's reply with the error of a fault kind. */
static void
fault_reply(struct lc_request *req, enum lc_fault_kind k)
{
	const struct lc_service *svc = req->svc;
	struct lc_err e = { 0 };

	switch (k) {
	case LC_FAULT_THROTTLE:
		e.status = svc->throttle_status ? svc->throttle_status : 400;
		e.code = svc->throttle_code ? svc->throttle_code : "Throttling";
		if (req->proto == LC_PROTO_JSON && svc->query_compatible) {
			e.query_code = e.code;
			e.code = "ThrottlingException";
		}
		lc_error_ex(req, &e, "Rate exceeded");
		break;
	case LC_FAULT_500:
		e.status = 500;
		e.code = req->proto == LC_PROTO_REST_XML ? "InternalError" :
		    req->proto == LC_PROTO_JSON ? "InternalServerError" : "InternalFailure";
		lc_error_ex(req, &e, "We encountered an internal error. Please try again.");
		break;
	case LC_FAULT_503:
		e.status = 503;
		e.code = "ServiceUnavailable";
		lc_error_ex(req, &e, "The service is unavailable. Please try again shortly.");
		break;
	case LC_FAULT_DROP:
		req->drop = 1;
		break;
	}
}

/* Applies the matching rules to req: latency, consistency, rate limits and errors. */
int
lc_faults_apply(struct lc_request *req, uint64_t *delay_ms)
{
	struct lc_server *srv = req->srv;
	int decided = 0;
	size_t i, j;

	*delay_ms = 0;
	req->consistency_ms = 0;
	for (i = 0; i < srv->nrules; i++) {
		struct lc_rule *r = &srv->rules[i];

		if (!rule_matches(r, req))
			continue;
		if (r->times > 0)
			r->times--;
		*delay_ms += r->latency_ms;
		if (r->jitter_ms)
			*delay_ms += fg_random_u32() % (r->jitter_ms + 1);
		if (r->consistency_ms > req->consistency_ms)
			req->consistency_ms = r->consistency_ms;
		if (!decided && r->rate > 0 && !take_token(r)) {
			fault_reply(req, LC_FAULT_THROTTLE);
			decided = 1;
		}
		if (!decided && r->error_rate > 0 && fg_random_unit() < r->error_rate) {
			fault_reply(req, r->error);
			decided = 1;
		}
	}
	/* Rules used up by "times" go away. */
	for (i = j = 0; i < srv->nrules; i++) {
		if (srv->rules[i].times == 0) {
			free(srv->rules[i].service);
			free(srv->rules[i].action);
		} else
			srv->rules[j++] = srv->rules[i];
	}
	srv->nrules = j;
	return decided;
}

/* Says whether a resource created at created_ms is visible to this request yet. */
int
lc_visible(const struct lc_request *req, int64_t created_ms)
{
	return req->consistency_ms <= 0 || fg_wall_ms() >= created_ms + req->consistency_ms;
}
