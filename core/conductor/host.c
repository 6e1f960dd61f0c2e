/* host.c: the host side of the plugin ABI: operations and sweeps, AWS calls paced by the
 * Scheduler's buckets and retried here, replies classified, and the value, XML and JSON
 * accessors plugins use instead of linking any library. */
#include "config.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/queue.h>

#include "engine_int.h"
#include "sigv4.h"

#define HOST_MAX_ATTEMPTS 5
#define HOST_MAX_AFTER_MS 60000
/* Global types (IAM) have no region; Fugue manages the commercial partition, whose global
 * endpoint is signed for us-east-1, also when AWS_ENDPOINT_URL names another endpoint. */
#define HOST_GLOBAL_REGION "us-east-1"

struct host {
	struct fg_loop *loop;
	struct fg_aws *aws;
	struct sched *sched;
	struct fg_retry_config retry;
	struct fg_retry_quota quota;
	struct host_stats stats;
	TAILQ_HEAD(, fugue_op) ops;
	TAILQ_HEAD(, fugue_sweep) sweeps;
};

/* What operations and sweeps share: calls in flight, plugin data, strings, reentrancy. */
struct task {
	struct host *h;
	const struct ptype *pt;
	char *account;
	char *region;
	char *flow;
	enum prio prio;
	TAILQ_HEAD(, fugue_call) calls;
	void *data;
	void (*data_free)(void *);
	struct strpool pool;
	struct fg_timer *start;
	int depth;        /* plugin callbacks running */
	int ended;        /* op_done / sweep_done was called */
	enum fugue_status st;
	char *message;
	void *arg;
};

/* A pending op_after. */
struct after {
	struct fugue_op *op;
	TAILQ_ENTRY(after) link;
	struct fg_timer *timer;
	void (*fn)(const struct fugue_host *, struct fugue_op *, void *);
	void *arg;
};

struct fugue_op {
	struct task t;
	TAILQ_ENTRY(fugue_op) link;
	TAILQ_HEAD(, after) afters;
	enum op_kind kind;
	char *fid;
	char *lid;
	char *physical;
	char *token;
	fg_json desired;
	fg_json observed;
	char *observed_out;
	op_end_fn end;
	op_physical_fn phys;
};

struct fugue_sweep {
	struct task t;
	TAILQ_ENTRY(fugue_sweep) link;
	char **physical;
	size_t n;
	sweep_found_fn found;
	sweep_end_fn end;
};

struct fugue_call {
	struct task *t;
	struct fugue_op *op;
	struct fugue_sweep *sw;
	TAILQ_ENTRY(fugue_call) link;
	char *service;
	enum fugue_proto proto;
	char *target;
	struct fg_query params;
	struct fg_headers headers;
	struct fg_buf body;
	char *method;
	char *bucket;
	char *key;
	char *query;
	int read_only;
	int raw_reply;
	fugue_reply_fn cb;
	fugue_sweep_reply_fn scb;
	void *arg;
	struct sched_bucket *bucket_rl;
	struct sched_wait *wait;
	struct fg_aws_call *ac;
	struct fg_timer *timer; /* backoff before another attempt */
	struct fg_retry_state rs;
	int sending;            /* call_send was called */
	int delivering;         /* its reply callback is running */
};

struct fugue_reply {
	const struct fg_aws_reply *r;
};

static struct strpool *cur_pool;
static const char *const kind_names[] = { "create", "read", "update", "delete" };

/* Adds s (taken) to the pool and returns it. */
static const char *
pool_add(struct strpool *p, char *s)
{
	if (p == NULL) {
		/* Outside a plugin callback there is no operation to tie the string to. */
		log_warnx("plugin: a host string was asked for outside an operation");
		free(s);
		return NULL;
	}
	if (p->n == p->cap) {
		p->cap = p->cap ? 2 * p->cap : 8;
		p->v = fg_realloc(p->v, p->cap * sizeof(char *));
	}
	p->v[p->n++] = s;
	return s;
}

/* Frees the pool's strings and values. */
void
strpool_free(struct strpool *p)
{
	for (size_t i = 0; i < p->n; i++)
		free(p->v[i]);
	free(p->v);
	for (size_t i = 0; i < p->ntrees; i++)
		fg_json_free(p->trees[i]);
	free(p->trees);
	memset(p, 0, sizeof(*p));
}

/* Sets the pool v_json allocates in; returns the previous one. */
struct strpool *
host_pool_enter(struct strpool *p)
{
	struct strpool *old = cur_pool;

	cur_pool = p;
	return old;
}

/* --- values --- */

/* The fg_json behind a plugin's value pointer. */
static fg_json
jv(const struct fugue_value *v)
{
	return (fg_json)(uintptr_t)v;
}

/* The value at path under v ("" is v), or NULL. */
static const struct fugue_value *
h_v_get(const struct fugue_value *v, const char *path)
{
	if (v == NULL || path == NULL)
		return NULL;
	return (const struct fugue_value *)(*path ? fg_json_path(jv(v), path) : jv(v));
}

/* The type of the value at path. */
static enum fugue_vtype
h_v_type(const struct fugue_value *v, const char *path)
{
	fg_json j = jv(h_v_get(v, path));

	if (j == NULL)
		return FUGUE_V_NONE;
	switch (j->type) {
	case yajl_t_string:
		return FUGUE_V_STRING;
	case yajl_t_number:
		return FUGUE_V_NUMBER;
	case yajl_t_object:
		return FUGUE_V_OBJECT;
	case yajl_t_array:
		return FUGUE_V_ARRAY;
	case yajl_t_true:
	case yajl_t_false:
		return FUGUE_V_BOOL;
	case yajl_t_null:
		return FUGUE_V_NULL;
	default:
		return FUGUE_V_NONE;
	}
}

/* The text of a string, or of a number as written. */
static const char *
h_v_str(const struct fugue_value *v, const char *path)
{
	fg_json j = jv(h_v_get(v, path));

	if (j != NULL && j->type == yajl_t_number)
		return j->u.number.r;
	return fg_json_str(j);
}

/* An integer at path. */
static int
h_v_int(const struct fugue_value *v, const char *path, int64_t *out)
{
	return fg_json_int(jv(h_v_get(v, path)), out);
}

/* A boolean at path. */
static int
h_v_bool(const struct fugue_value *v, const char *path, int *out)
{
	return fg_json_bool(jv(h_v_get(v, path)), out);
}

/* Items or members at path. */
static size_t
h_v_len(const struct fugue_value *v, const char *path)
{
	return fg_json_len(jv(h_v_get(v, path)));
}

/* The i-th item or member value. */
static const struct fugue_value *
h_v_at(const struct fugue_value *v, size_t i)
{
	return (const struct fugue_value *)fg_json_at(jv(v), i);
}

/* The i-th member name. */
static const char *
h_v_key(const struct fugue_value *v, size_t i)
{
	return fg_json_key(jv(v), i);
}

/* The value as compact JSON, kept until the operation ends. */
static const char *
h_v_json(const struct fugue_value *v)
{
	struct fg_jw w;
	char *text;

	if (v == NULL)
		return NULL;
	fg_jw_init(&w, 0);
	fg_jw_value(&w, jv(v));
	text = fg_jw_detach(&w);
	fg_jw_free(&w);
	return pool_add(cur_pool, text);
}

/* JSON text parsed into a value that lives as long as the operation. */
static const struct fugue_value *
h_v_parse(const char *text, size_t len)
{
	struct strpool *p = cur_pool;
	char *err = NULL;
	fg_json v;

	if (text == NULL || p == NULL)
		return NULL;
	v = fg_json_parse(text, len, &err);
	if (v == NULL) {
		free(err);
		return NULL;
	}
	if (p->ntrees == p->treecap) {
		p->treecap = p->treecap ? 2 * p->treecap : 4;
		p->trees = fg_realloc(p->trees, p->treecap * sizeof(fg_json));
	}
	p->trees[p->ntrees++] = v;
	return (const struct fugue_value *)v;
}

/* --- XML --- */

/* The element at path under x. */
static const struct fugue_xml *
h_x_find(const struct fugue_xml *x, const char *path)
{
	if (x == NULL || path == NULL)
		return NULL;
	return (const struct fugue_xml *)fg_xml_find((struct fg_xml *)(uintptr_t)x, path);
}

/* The text of the element at path. */
static const char *
h_x_text(const struct fugue_xml *x, const char *path)
{
	if (x == NULL || path == NULL)
		return NULL;
	return fg_xml_text((struct fg_xml *)(uintptr_t)x, path);
}

/* The next sibling with the same name. */
static const struct fugue_xml *
h_x_next(const struct fugue_xml *x)
{
	if (x == NULL)
		return NULL;
	return (const struct fugue_xml *)fg_xml_next_named((struct fg_xml *)(uintptr_t)x);
}

/* The element's local name. */
static const char *
h_x_name(const struct fugue_xml *x)
{
	return x ? ((const struct fg_xml *)x)->name : NULL;
}

/* --- JSON writer --- */

struct fugue_json {
	struct fg_jw w;
};

/* A new writer. */
static struct fugue_json *
h_j_new(void)
{
	struct fugue_json *j = fg_malloc(sizeof(*j));

	fg_jw_init(&j->w, 0);
	return j;
}

/* Frees a writer. */
static void
h_j_free(struct fugue_json *j)
{
	if (j == NULL)
		return;
	fg_jw_free(&j->w);
	free(j);
}

/* Writer steps, forwarded to fg_jw. */
static void
h_j_obj(struct fugue_json *j)
{
	fg_jw_obj(&j->w);
}

/* } */
static void
h_j_end_obj(struct fugue_json *j)
{
	fg_jw_end_obj(&j->w);
}

/* [ */
static void
h_j_arr(struct fugue_json *j)
{
	fg_jw_arr(&j->w);
}

/* ] */
static void
h_j_end_arr(struct fugue_json *j)
{
	fg_jw_end_arr(&j->w);
}

/* A member name. */
static void
h_j_key(struct fugue_json *j, const char *k)
{
	fg_jw_key(&j->w, k);
}

/* A string (NULL writes null). */
static void
h_j_str(struct fugue_json *j, const char *s)
{
	if (s == NULL)
		fg_jw_null(&j->w);
	else
		fg_jw_str(&j->w, s);
}

/* An integer. */
static void
h_j_int(struct fugue_json *j, int64_t i)
{
	fg_jw_int(&j->w, i);
}

/* A boolean. */
static void
h_j_bool(struct fugue_json *j, int b)
{
	fg_jw_bool(&j->w, b);
}

/* null. */
static void
h_j_null(struct fugue_json *j)
{
	fg_jw_null(&j->w);
}

/* A copy of a value (null when absent). */
static void
h_j_value(struct fugue_json *j, const struct fugue_value *v)
{
	if (v == NULL)
		fg_jw_null(&j->w);
	else
		fg_jw_value(&j->w, jv(v));
}

/* The JSON so far. */
static const char *
h_j_text(struct fugue_json *j)
{
	return fg_jw_text(&j->w);
}

/* --- tasks: what operations and sweeps share --- */

/* Fills the common part. */
static void
task_init(struct task *t, struct host *h, const struct ptype *pt, const char *account,
    const char *region, const char *flow, enum prio prio, void *arg)
{
	t->h = h;
	t->pt = pt;
	t->account = fg_strdup(account ? account : "");
	t->region = region ? fg_strdup(region) : NULL;
	t->flow = fg_strdup(flow ? flow : "");
	t->prio = prio;
	TAILQ_INIT(&t->calls);
	t->arg = arg;
}

static void call_free(struct fugue_call *);

/* Frees the common part, cancelling calls still in flight. */
static void
task_clear(struct task *t)
{
	struct fugue_call *c;

	while ((c = TAILQ_FIRST(&t->calls)) != NULL)
		call_free(c);
	if (t->data_free != NULL)
		t->data_free(t->data);
	strpool_free(&t->pool);
	if (t->start != NULL)
		fg_timer_free(t->start);
	free(t->account);
	free(t->region);
	free(t->flow);
	free(t->message);
}

/* Logs a plugin's line, prefixed with the plugin, type and subject. */
static void FG_PRINTF(4, 0)
task_vlog(struct task *t, const char *subject, enum fugue_log_level lvl, const char *fmt,
    va_list ap)
{
	struct fg_buf b;
	char *msg;

	fg_buf_init(&b);
	fg_buf_vaddf(&b, fmt, ap);
	msg = fg_buf_detach(&b);
	switch (lvl) {
	case FUGUE_LOG_WARN:
		log_warnx("%s: %s %s: %s", plugin_name(t->pt->plugin), t->pt->name, subject, msg);
		break;
	case FUGUE_LOG_INFO:
		log_info("%s: %s %s: %s", plugin_name(t->pt->plugin), t->pt->name, subject, msg);
		break;
	default:
		log_debug(plugin_name(t->pt->plugin), "%s %s: %s", t->pt->name, subject, msg);
		break;
	}
	free(msg);
}

static void op_finish(struct fugue_op *);
static void sweep_finish(struct fugue_sweep *);

/* Once a task ended, its calls can no longer reach the plugin: frees all but the one whose
 * callback is running (call_deliver frees that one). */
static void
task_drop_calls(struct task *t)
{
	struct fugue_call *c = TAILQ_FIRST(&t->calls), *next;

	for (; c != NULL; c = next) {
		next = TAILQ_NEXT(c, link);
		if (!c->delivering)
			call_free(c);
	}
}

/* After a plugin callback returned: ends the task if it ended, or if it can never end. */
static void
task_after(struct fugue_op *op, struct fugue_sweep *sw)
{
	struct task *t = op ? &op->t : &sw->t;

	struct fugue_call *c;
	int sent = 0;

	if (t->depth > 0)
		return;
	TAILQ_FOREACH(c, &t->calls, link)
		sent |= c->sending;
	if (op != NULL)
		sent |= !TAILQ_EMPTY(&op->afters);
	if (!t->ended && !sent) {
		/* No call in flight and no end: nothing would ever end it. */
		t->ended = 1;
		t->st = FUGUE_E_FATAL;
		t->message = fg_printf("plugin %s returned with no call in flight and without "
		    "ending the %s (a plugin bug)", plugin_name(t->pt->plugin),
		    op ? "operation" : "sweep");
	}
	if (!t->ended)
		return;
	if (op != NULL)
		op_finish(op);
	else
		sweep_finish(sw);
}

/* --- operations --- */

/* Runs the type's callback for the operation. */
static void
op_run(void *arg)
{
	struct fugue_op *op = arg;
	const struct fugue_type *ft = op->t.pt->t;
	void (*fn)(const struct fugue_host *, struct fugue_op *) = NULL;
	struct strpool *old;

	switch (op->kind) {
	case OPK_CREATE:
		fn = ft->create;
		break;
	case OPK_READ:
		fn = ft->read;
		break;
	case OPK_UPDATE:
		fn = ft->update;
		break;
	case OPK_DELETE:
		fn = ft->delete;
		break;
	}
	if (fn == NULL) {
		op->t.ended = 1;
		op->t.st = FUGUE_E_FATAL;
		op->t.message = fg_printf("type %s has no %s", op->t.pt->name, kind_names[op->kind]);
		op_finish(op);
		return;
	}
	op->t.depth++;
	old = host_pool_enter(&op->t.pool);
	fn(&host_api, op);
	host_pool_enter(old);
	op->t.depth--;
	task_after(op, NULL);
}

/* Starts an operation; its callback runs from the loop. */
struct fugue_op *
host_op_start(struct host *h, const struct ptype *pt, enum op_kind kind,
    const struct op_spec *s, op_end_fn end, op_physical_fn phys, void *arg)
{
	struct fugue_op *op = fg_calloc(1, sizeof(*op));

	task_init(&op->t, h, pt, s->account, s->region, s->fid, s->prio, arg);
	op->kind = kind;
	op->fid = fg_strdup(s->fid ? s->fid : "");
	op->lid = fg_strdup(s->lid ? s->lid : "");
	op->physical = s->physical ? fg_strdup(s->physical) : NULL;
	op->token = fg_strdup(s->token ? s->token : "");
	op->desired = s->desired;
	op->observed = s->observed;
	op->end = end;
	op->phys = phys;
	TAILQ_INIT(&op->afters);
	TAILQ_INSERT_TAIL(&h->ops, op, link);
	h->stats.ops++;
	op->t.start = fg_timer_new(h->loop, op_run, op);
	fg_timer_add(op->t.start, 0);
	return op;
}

/* Drops the operation's pending op_after waits. */
static void
op_drop_afters(struct fugue_op *op)
{
	struct after *a;

	while ((a = TAILQ_FIRST(&op->afters)) != NULL) {
		TAILQ_REMOVE(&op->afters, a, link);
		fg_timer_free(a->timer);
		free(a);
	}
}

/* Calls the end callback and frees the operation. */
static void
op_finish(struct fugue_op *op)
{
	struct host *h = op->t.h;

	op_drop_afters(op);
	TAILQ_REMOVE(&h->ops, op, link);
	h->stats.ops--;
	op->end(op, op->t.st, op->t.st == FUGUE_OK ? op->observed_out : NULL,
	    op->t.st == FUGUE_OK ? NULL : (op->t.message ? op->t.message : "failed"), op->t.arg);
	task_clear(&op->t);
	free(op->fid);
	free(op->lid);
	free(op->physical);
	free(op->token);
	free(op->observed_out);
	free(op);
}

/* Ends an operation at once. */
void
host_op_cancel(struct fugue_op *op)
{
	if (op->t.ended && op->t.depth > 0)
		return;
	op->t.ended = 1;
	op->t.st = FUGUE_E_RETRYABLE;
	free(op->t.message);
	op->t.message = fg_strdup("cancelled: the Conductor is stopping");
	if (op->t.depth == 0)
		op_finish(op);
}

/* op accessors. */
static const char *
h_op_type(struct fugue_op *op)
{
	return op->t.pt->name;
}

/* The region, NULL for global types. */
static const char *
h_op_region(struct fugue_op *op)
{
	return op->t.region;
}

/* The process. */
static const char *
h_op_fid(struct fugue_op *op)
{
	return op->fid;
}

/* The logical id. */
static const char *
h_op_logical_id(struct fugue_op *op)
{
	return op->lid;
}

/* The physical id, or NULL. */
static const char *
h_op_physical_id(struct fugue_op *op)
{
	return op->physical;
}

/* The intent's idempotency token. */
static const char *
h_op_token(struct fugue_op *op)
{
	return op->token;
}

/* Desired properties. */
static const struct fugue_value *
h_op_desired(struct fugue_op *op)
{
	return (const struct fugue_value *)op->desired;
}

/* Observed properties, or NULL. */
static const struct fugue_value *
h_op_observed(struct fugue_op *op)
{
	return (const struct fugue_value *)op->observed;
}

/* Attaches plugin data to the operation. */
static void
h_op_set_data(struct fugue_op *op, void *data, void (*free_fn)(void *))
{
	if (op->t.data_free != NULL && op->t.data != data)
		op->t.data_free(op->t.data);
	op->t.data = data;
	op->t.data_free = free_fn;
}

/* The plugin data. */
static void *
h_op_data(struct fugue_op *op)
{
	return op->t.data;
}

/* A log line about the operation. */
static void FG_PRINTF(3, 4)
h_op_log(struct fugue_op *op, enum fugue_log_level lvl, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	task_vlog(&op->t, op->lid, lvl, fmt, ap);
	va_end(ap);
}

/* Records the physical id as soon as the plugin knows it. */
static void
h_op_set_physical_id(struct fugue_op *op, const char *id)
{
	if (id == NULL || op->t.ended || (op->physical && strcmp(op->physical, id) == 0))
		return;
	free(op->physical);
	op->physical = fg_strdup(id);
	if (op->phys != NULL)
		op->phys(op, id, op->t.arg);
}

/* Ends the operation (the end callback runs once the plugin's callback returns). */
static void
h_op_done(struct fugue_op *op, enum fugue_status st, const char *observed, const char *msg)
{
	if (op->t.ended) {
		log_warnx("%s: %s %s: op_done called twice (a plugin bug)",
		    plugin_name(op->t.pt->plugin), op->t.pt->name, op->lid);
		return;
	}
	op->t.ended = 1;
	op->t.st = st;
	if (st == FUGUE_OK && observed == NULL && op->kind != OPK_DELETE) {
		op->t.st = FUGUE_E_FATAL;
		op->t.message = fg_printf("plugin %s ended the %s of a %s without the observed "
		    "resource (a plugin bug)", plugin_name(op->t.pt->plugin), kind_names[op->kind],
		    op->t.pt->name);
	} else if (st != FUGUE_OK)
		op->t.message = fg_strdup(msg ? msg : "failed (no message)");
	if (op->t.st == FUGUE_OK && observed != NULL)
		op->observed_out = fg_strdup(observed);
	task_drop_calls(&op->t);
	op_drop_afters(op);
}

/* An op_after wait is over: runs the plugin's function like a reply. */
static void
after_fire(void *arg)
{
	struct after *a = arg;
	struct fugue_op *op = a->op;
	void (*fn)(const struct fugue_host *, struct fugue_op *, void *) = a->fn;
	void *fn_arg = a->arg;
	struct strpool *old;

	TAILQ_REMOVE(&op->afters, a, link);
	fg_timer_free(a->timer);
	free(a);
	op->t.depth++;
	old = host_pool_enter(&op->t.pool);
	fn(&host_api, op, fn_arg);
	host_pool_enter(old);
	op->t.depth--;
	task_after(op, NULL);
}

/* Calls fn after ms milliseconds (capped); pending, it keeps the operation open. */
static void
h_op_after(struct fugue_op *op, unsigned ms,
    void (*fn)(const struct fugue_host *, struct fugue_op *, void *), void *arg)
{
	struct after *a;

	if (op == NULL || fn == NULL || op->t.ended)
		return;
	a = fg_calloc(1, sizeof(*a));
	a->op = op;
	a->fn = fn;
	a->arg = arg;
	a->timer = fg_timer_new(op->t.h->loop, after_fire, a);
	TAILQ_INSERT_TAIL(&op->afters, a, link);
	fg_timer_add(a->timer, ms < HOST_MAX_AFTER_MS ? ms : HOST_MAX_AFTER_MS);
}

/* --- sweeps --- */

/* Runs the type's sweep. */
static void
sweep_run(void *arg)
{
	struct fugue_sweep *sw = arg;
	struct strpool *old;

	sw->t.depth++;
	old = host_pool_enter(&sw->t.pool);
	sw->t.pt->t->sweep(&host_api, sw);
	host_pool_enter(old);
	sw->t.depth--;
	task_after(NULL, sw);
}

/* Starts a sweep. */
struct fugue_sweep *
host_sweep_start(struct host *h, const struct ptype *pt, const char *account, const char *region,
    const char *flow, const char *const *physical, size_t n, sweep_found_fn found,
    sweep_end_fn end, void *arg)
{
	struct fugue_sweep *sw = fg_calloc(1, sizeof(*sw));

	task_init(&sw->t, h, pt, account, region, flow, PRIO_SWEEP, arg);
	sw->physical = fg_calloc(n ? n : 1, sizeof(char *));
	for (size_t i = 0; i < n; i++)
		sw->physical[i] = fg_strdup(physical[i]);
	sw->n = n;
	sw->found = found;
	sw->end = end;
	TAILQ_INSERT_TAIL(&h->sweeps, sw, link);
	sw->t.start = fg_timer_new(h->loop, sweep_run, sw);
	fg_timer_add(sw->t.start, 0);
	return sw;
}

/* Calls the end callback and frees the sweep. */
static void
sweep_finish(struct fugue_sweep *sw)
{
	TAILQ_REMOVE(&sw->t.h->sweeps, sw, link);
	sw->end(sw, sw->t.st, sw->t.st == FUGUE_OK ? NULL : sw->t.message, sw->t.arg);
	task_clear(&sw->t);
	for (size_t i = 0; i < sw->n; i++)
		free(sw->physical[i]);
	free(sw->physical);
	free(sw);
}

/* Ends a sweep at once. */
void
host_sweep_cancel(struct fugue_sweep *sw)
{
	if (sw->t.ended && sw->t.depth > 0)
		return;
	sw->t.ended = 1;
	sw->t.st = FUGUE_E_RETRYABLE;
	free(sw->t.message);
	sw->t.message = fg_strdup("cancelled: the Conductor is stopping");
	if (sw->t.depth == 0)
		sweep_finish(sw);
}

/* The sweep's region. */
static const char *
h_sweep_region(struct fugue_sweep *sw)
{
	return sw->t.region;
}

/* Managed resources in the sweep. */
static size_t
h_sweep_count(struct fugue_sweep *sw)
{
	return sw->n;
}

/* The i-th managed physical id. */
static const char *
h_sweep_physical_id(struct fugue_sweep *sw, size_t i)
{
	return i < sw->n ? sw->physical[i] : NULL;
}

/* Attaches plugin data to the sweep. */
static void
h_sweep_set_data(struct fugue_sweep *sw, void *data, void (*free_fn)(void *))
{
	if (sw->t.data_free != NULL && sw->t.data != data)
		sw->t.data_free(sw->t.data);
	sw->t.data = data;
	sw->t.data_free = free_fn;
}

/* The plugin data. */
static void *
h_sweep_data(struct fugue_sweep *sw)
{
	return sw->t.data;
}

/* A log line about the sweep. */
static void FG_PRINTF(3, 4)
h_sweep_log(struct fugue_sweep *sw, enum fugue_log_level lvl, const char *fmt, ...)
{
	va_list ap;
	char *subject = fg_printf("sweep in %s", sw->t.region ? sw->t.region : "global");

	va_start(ap, fmt);
	task_vlog(&sw->t, subject, lvl, fmt, ap);
	va_end(ap);
	free(subject);
}

/* One resource seen. */
static void
h_sweep_found(struct fugue_sweep *sw, const char *physical, const char *observed)
{
	if (sw->t.ended || physical == NULL || observed == NULL)
		return;
	sw->found(sw, physical, observed, sw->t.arg);
}

/* Ends the sweep. */
static void
h_sweep_done(struct fugue_sweep *sw, enum fugue_status st, const char *msg)
{
	if (sw->t.ended)
		return;
	sw->t.ended = 1;
	sw->t.st = st;
	if (st != FUGUE_OK)
		sw->t.message = fg_strdup(msg ? msg : "failed (no message)");
	task_drop_calls(&sw->t);
}

/* --- calls --- */

/* A new call of an operation or a sweep. */
static struct fugue_call *
h_call_new(struct fugue_op *op, struct fugue_sweep *sw, const char *service,
    enum fugue_proto proto, const char *target)
{
	struct fugue_call *c;
	struct task *t = op ? &op->t : sw ? &sw->t : NULL;

	if (t == NULL || (op != NULL && sw != NULL) || service == NULL)
		return NULL;
	c = fg_calloc(1, sizeof(*c));
	c->t = t;
	c->op = op;
	c->sw = sw;
	c->service = fg_strdup(service);
	c->proto = proto;
	c->target = target ? fg_strdup(target) : NULL;
	fg_query_init(&c->params);
	fg_headers_init(&c->headers);
	fg_buf_init(&c->body);
	if ((proto == FUGUE_PROTO_QUERY || proto == FUGUE_PROTO_EC2) && target != NULL)
		fg_query_add(&c->params, "Action", target);
	c->method = fg_strdup(proto == FUGUE_PROTO_REST_XML ? "GET" : "POST");
	TAILQ_INSERT_TAIL(&t->calls, c, link);
	return c;
}

/* A query parameter. */
static void
h_call_param(struct fugue_call *c, const char *k, const char *v)
{
	if (c != NULL && k != NULL)
		fg_query_add(&c->params, k, v ? v : "");
}

/* The REST request line. */
static void
h_call_rest(struct fugue_call *c, const char *method, const char *bucket, const char *key,
    const char *query)
{
	if (c == NULL)
		return;
	free(c->method);
	free(c->bucket);
	free(c->key);
	free(c->query);
	c->method = fg_strdup(method ? method : "GET");
	c->bucket = bucket ? fg_strdup(bucket) : NULL;
	c->key = key ? fg_strdup(key) : NULL;
	c->query = query ? fg_strdup(query) : NULL;
}

/* An extra header. */
static void
h_call_header(struct fugue_call *c, const char *name, const char *value)
{
	if (c != NULL && name != NULL && value != NULL)
		fg_headers_set(&c->headers, name, value);
}

/* The request body. */
static void
h_call_body(struct fugue_call *c, const char *body, size_t len)
{
	if (c == NULL)
		return;
	fg_buf_reset(&c->body);
	fg_buf_add(&c->body, body, len);
}

/* Paces the call on the read bucket. */
static void
h_call_read_only(struct fugue_call *c)
{
	if (c != NULL)
		c->read_only = 1;
}

/* The reply's body is data, not XML. */
static void
h_call_raw_reply(struct fugue_call *c)
{
	if (c != NULL)
		c->raw_reply = 1;
}

/* Frees a call, cancelling whatever it waits for. */
static void
call_free(struct fugue_call *c)
{
	TAILQ_REMOVE(&c->t->calls, c, link);
	c->t->h->stats.inflight -= c->ac != NULL;
	if (c->wait != NULL)
		sched_cancel(c->wait);
	if (c->ac != NULL)
		fg_aws_cancel(c->ac);
	if (c->timer != NULL)
		fg_timer_free(c->timer);
	free(c->service);
	free(c->target);
	fg_query_free(&c->params);
	fg_headers_free(&c->headers);
	fg_buf_free(&c->body);
	free(c->method);
	free(c->bucket);
	free(c->key);
	free(c->query);
	free(c);
}

static void call_attempt(void *);

/* Waits for a token of the call's bucket (also the callback of the backoff timer). */
static void
call_queue(void *arg)
{
	struct fugue_call *c = arg;

	c->wait = sched_acquire(c->bucket_rl, c->t->prio, c->t->flow, call_attempt, c);
}

/* Delivers the reply to the plugin, then frees the call. */
static void
call_deliver(struct fugue_call *c, const struct fg_aws_reply *r)
{
	struct task *t = c->t;
	struct fugue_op *op = c->op;
	struct fugue_sweep *sw = c->sw;
	struct fugue_reply rep = { r };
	struct strpool *old;

	c->delivering = 1;
	t->depth++;
	old = host_pool_enter(&t->pool);
	if (op != NULL)
		c->cb(op, c, &rep, c->arg);
	else
		c->scb(sw, c, &rep, c->arg);
	host_pool_enter(old);
	t->depth--;
	call_free(c);
	task_after(op, sw);
}

/* A reply (or a failure) of one attempt: retry it through the bucket, or deliver it. */
static void
on_aws(const struct fg_aws_reply *r, void *arg)
{
	struct fugue_call *c = arg;
	struct host *h = c->t->h;
	uint64_t delay;
	const char *why;

	c->ac = NULL;
	h->stats.inflight--;
	sched_feedback(c->bucket_rl, r->err.cls == FG_ERR_THROTTLING);
	if (r->err.cls == FG_ERR_NONE) {
		fg_retry_success(&h->quota, &c->rs);
		call_deliver(c, r);
		return;
	}
	if (fg_retry_next(&h->retry, &h->quota, &c->rs, &r->err, &delay, &why)) {
		h->stats.retries++;
		log_debug("host", "%s %s: %s (%s), again in %llu ms", c->service,
		    c->target ? c->target : c->method, r->err.code, fg_err_class_name(r->err.cls),
		    (unsigned long long)delay);
		if (c->timer == NULL)
			c->timer = fg_timer_new(h->loop, call_queue, c);
		fg_timer_add(c->timer, delay);
		return;
	}
	call_deliver(c, r);
}

/* The bucket granted a token: send one attempt. */
static void
call_attempt(void *arg)
{
	struct fugue_call *c = arg;
	struct host *h = c->t->h;
	struct fg_aws_req req;

	c->wait = NULL;
	memset(&req, 0, sizeof(req));
	req.service = c->service;
	req.region = c->t->region ? c->t->region : HOST_GLOBAL_REGION;
	req.headers = &c->headers;
	switch (c->proto) {
	case FUGUE_PROTO_QUERY:
	case FUGUE_PROTO_EC2:
		req.proto = c->proto == FUGUE_PROTO_EC2 ? FG_PROTO_EC2 : FG_PROTO_QUERY;
		req.params = &c->params;
		break;
	case FUGUE_PROTO_REST_XML:
		req.proto = FG_PROTO_REST_XML;
		req.method = c->method;
		req.bucket = c->bucket;
		req.key = c->key;
		req.query = c->query;
		req.body = c->body.data;
		req.body_len = c->body.len;
		req.raw_reply = c->raw_reply;
		break;
	case FUGUE_PROTO_JSON10:
	case FUGUE_PROTO_JSON11:
		req.proto = FG_PROTO_JSON;
		req.target = c->target;
		req.json_version = c->proto == FUGUE_PROTO_JSON10 ? "1.0" : "1.1";
		req.body = c->body.len ? c->body.data : "{}";
		req.body_len = c->body.len ? c->body.len : 2;
		break;
	}
	if (++h->stats.inflight > h->stats.peak)
		h->stats.peak = h->stats.inflight;
	c->ac = fg_aws_send(h->aws, &req, on_aws, c);
}

/* Starts a call: S3 bodies get their Content-MD5, then the call waits for its bucket. */
static void
call_start(struct fugue_call *c, void *arg)
{
	struct task *t = c->t;

	c->sending = 1;
	c->arg = arg;
	t->h->stats.calls++;
	if (c->proto == FUGUE_PROTO_REST_XML && c->body.len > 0 &&
	    fg_headers_get(&c->headers, "Content-MD5") == NULL) {
		unsigned char md5[16];
		char *b64;

		fg_md5(c->body.data, c->body.len, md5);
		b64 = fg_base64(md5, sizeof(md5));
		fg_headers_set(&c->headers, "Content-MD5", b64);
		free(b64);
	}
	fg_retry_begin(&c->rs);
	c->bucket_rl = sched_bucket(t->h->sched, t->account, t->region ? t->region : "",
	    c->service, !c->read_only);
	call_queue(c);
}

/* Sends a call of an operation. */
static void
h_call_send(struct fugue_call *c, fugue_reply_fn cb, void *arg)
{
	if (c == NULL || c->op == NULL || cb == NULL || c->sending)
		return;
	c->cb = cb;
	call_start(c, arg);
}

/* Sends a call of a sweep. */
static void
h_call_send_sweep(struct fugue_call *c, fugue_sweep_reply_fn cb, void *arg)
{
	if (c == NULL || c->sw == NULL || cb == NULL || c->sending)
		return;
	c->scb = cb;
	call_start(c, arg);
}

/* --- replies --- */

/* The ABI's class of an error class. */
static enum fugue_status
status_of(enum fg_err_class cls)
{
	switch (cls) {
	case FG_ERR_NONE:
		return FUGUE_OK;
	case FG_ERR_THROTTLING:
		return FUGUE_E_THROTTLED;
	case FG_ERR_RETRYABLE:
	case FG_ERR_CLOCK_SKEW:
		return FUGUE_E_RETRYABLE;
	case FG_ERR_NOT_FOUND:
		return FUGUE_E_NOT_FOUND;
	case FG_ERR_CONFLICT:
		return FUGUE_E_CONFLICT;
	case FG_ERR_INVALID:
		return FUGUE_E_INVALID;
	case FG_ERR_FATAL:
		break;
	}
	return FUGUE_E_FATAL;
}

/* The reply's class. */
static enum fugue_status
h_r_status(const struct fugue_reply *r)
{
	return status_of(r->r->err.cls);
}

/* The AWS error code, NULL on success. */
static const char *
h_r_code(const struct fugue_reply *r)
{
	return r->r->err.cls == FG_ERR_NONE ? NULL : r->r->err.code;
}

/* The error message, NULL on success. */
static const char *
h_r_message(const struct fugue_reply *r)
{
	if (r->r->err.cls == FG_ERR_NONE)
		return NULL;
	return pool_add(cur_pool, fg_awserr_describe(&r->r->err));
}

/* The HTTP status (0 without a reply). */
static int
h_r_http_status(const struct fugue_reply *r)
{
	return r->r->status;
}

/* A reply header. */
static const char *
h_r_header(const struct fugue_reply *r, const char *name)
{
	return r->r->headers ? fg_headers_get(r->r->headers, name) : NULL;
}

/* The parsed XML body. */
static const struct fugue_xml *
h_r_xml(const struct fugue_reply *r)
{
	return (const struct fugue_xml *)r->r->xml;
}

/* The parsed JSON body. */
static const struct fugue_value *
h_r_json(const struct fugue_reply *r)
{
	return (const struct fugue_value *)r->r->json;
}

/* The raw body. */
static const char *
h_r_body(const struct fugue_reply *r, size_t *len)
{
	if (len != NULL)
		*len = r->r->body_len;
	return r->r->body;
}

const struct fugue_host host_api = {
	.abi_major = FUGUE_BROKER_ABI_MAJOR,
	.abi_minor = FUGUE_BROKER_ABI_MINOR,
	.v_get = h_v_get,
	.v_type = h_v_type,
	.v_str = h_v_str,
	.v_int = h_v_int,
	.v_bool = h_v_bool,
	.v_len = h_v_len,
	.v_at = h_v_at,
	.v_key = h_v_key,
	.v_json = h_v_json,
	.x_find = h_x_find,
	.x_text = h_x_text,
	.x_next = h_x_next,
	.x_name = h_x_name,
	.op_type = h_op_type,
	.op_region = h_op_region,
	.op_fid = h_op_fid,
	.op_logical_id = h_op_logical_id,
	.op_physical_id = h_op_physical_id,
	.op_token = h_op_token,
	.op_desired = h_op_desired,
	.op_observed = h_op_observed,
	.op_set_data = h_op_set_data,
	.op_data = h_op_data,
	.op_log = h_op_log,
	.op_set_physical_id = h_op_set_physical_id,
	.op_done = h_op_done,
	.call_new = h_call_new,
	.call_param = h_call_param,
	.call_rest = h_call_rest,
	.call_header = h_call_header,
	.call_body = h_call_body,
	.call_read_only = h_call_read_only,
	.call_send = h_call_send,
	.call_send_sweep = h_call_send_sweep,
	.r_status = h_r_status,
	.r_code = h_r_code,
	.r_message = h_r_message,
	.r_http_status = h_r_http_status,
	.r_header = h_r_header,
	.r_xml = h_r_xml,
	.r_json = h_r_json,
	.r_body = h_r_body,
	.j_new = h_j_new,
	.j_free = h_j_free,
	.j_obj = h_j_obj,
	.j_end_obj = h_j_end_obj,
	.j_arr = h_j_arr,
	.j_end_arr = h_j_end_arr,
	.j_key = h_j_key,
	.j_str = h_j_str,
	.j_int = h_j_int,
	.j_bool = h_j_bool,
	.j_null = h_j_null,
	.j_value = h_j_value,
	.j_text = h_j_text,
	.sweep_region = h_sweep_region,
	.sweep_count = h_sweep_count,
	.sweep_physical_id = h_sweep_physical_id,
	.sweep_set_data = h_sweep_set_data,
	.sweep_data = h_sweep_data,
	.sweep_log = h_sweep_log,
	.sweep_found = h_sweep_found,
	.sweep_done = h_sweep_done,
	.v_parse = h_v_parse,
	.call_raw_reply = h_call_raw_reply,
	.op_after = h_op_after,
};

/* A host over aws (made with retries off) and the Scheduler's buckets. */
struct host *
host_new(struct fg_loop *loop, struct fg_aws *aws, struct sched *sched)
{
	struct host *h = fg_calloc(1, sizeof(*h));

	h->loop = loop;
	h->aws = aws;
	h->sched = sched;
	fg_retry_config_default(&h->retry);
	h->retry.max_attempts = HOST_MAX_ATTEMPTS;
	fg_retry_quota_init(&h->quota);
	TAILQ_INIT(&h->ops);
	TAILQ_INIT(&h->sweeps);
	return h;
}

/* Ends every operation and sweep with FUGUE_E_RETRYABLE "cancelled" (their end callbacks
 * run now). */
void
host_cancel_all(struct host *h)
{
	struct fugue_op *op;
	struct fugue_sweep *sw;

	while ((op = TAILQ_FIRST(&h->ops)) != NULL)
		host_op_cancel(op);
	while ((sw = TAILQ_FIRST(&h->sweeps)) != NULL)
		host_sweep_cancel(sw);
}

/* Ends whatever is open and frees the host. */
void
host_free(struct host *h)
{
	if (h == NULL)
		return;
	host_cancel_all(h);
	free(h);
}

/* Counters. */
void
host_stats(const struct host *h, struct host_stats *s)
{
	*s = h->stats;
}
