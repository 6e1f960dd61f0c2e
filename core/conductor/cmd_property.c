/* cmd_property.c: property-get and property-set of a process (props.c holds the table). */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "conductor.h"

/* property-get: args process, key (optional: every property). */
void
cmd_property_get(struct req *r)
{
	const char *key;
	struct fg_jw *w;

	if (arg_str(r, "key", 0, &key) < 0)
		return;
	if (key && prop_find(key) == NULL) {
		char *err = prop_unknown(key);

		reply_error(r, E_INVALID, "property-get: %s", err);
		free(err);
		return;
	}
	w = reply_begin(r);
	fg_jw_obj(w);
	fg_jw_key(w, "properties");
	props_write(w, &r->proc->rec.props, key);
	fg_jw_end_obj(w);
	reply_end(r);
}

/* The property is stored: tell the engine, record, answer. */
static void
on_set(struct conductor *c, struct proc *p, const struct store_reply *sr, void *arg)
{
	struct req *r = arg;
	struct engine_process ep;
	struct hist_entry h = {
		.fid = p->rec.fid, .kind = "property", .what = "property-set",
		.user = r->env.user, .request = r->id, .result = "ok",
		.composition = p->rec.composition,
	};

	if (sr->status != STORE_OK) {
		reply_error(r, E_INTERNAL, "property-set: storing the process: %s", sr->message);
		return;
	}
	if (p->rec.state != PROC_KILLING) {
		proc_engine(&p->rec, &ep);
		engine_set_enforcement(c->engine, p->rec.fid, ep.enforce, ep.interval_s);
	}
	h.message = r->change;
	history_add(c, &h);
	log_info("process %s: %s (request %s from %s)", p->rec.fid, r->change, r->id, r->env.user);
	reply_process(r, 0, NULL);
}

/* property-set: args process, key, value. */
void
cmd_property_set(struct req *r)
{
	const char *key, *value;
	char num[24], *err = NULL;
	fg_json v;
	struct proc *o;

	if (arg_str(r, "key", 1, &key) < 0)
		return;
	v = fg_json_get(r->body.args, "value");
	if (v && YAJL_IS_NUMBER(v)) {
		int64_t n;

		if (fg_json_int(v, &n) < 0) {
			reply_error(r, E_INVALID,
			            "property-set: args.value must be a whole number");
			return;
		}
		snprintf(num, sizeof(num), "%lld", (long long)n);
		value = num;
	} else if (arg_str(r, "value", 1, &value) < 0)
		return;
	if (r->proc->rec.props.lock && strcmp(key, "lock") != 0) {
		reply_error(r, E_LOCKED, "process %s is locked (property lock is on): set lock off "
		    "first", r->proc->rec.fid);
		return;
	}
	proc_rec_copy(&r->next, &r->proc->rec);
	if (prop_set(&r->next.props, key, value, &err) < 0) {
		reply_error(r, E_INVALID, "property-set: %s", err);
		free(err);
		return;
	}
	if (r->next.props.alias && (o = proc_find(r->c, r->next.props.alias)) != NULL &&
	    o != r->proc) {
		reply_error(r, E_CONFLICT, "property-set: alias \"%s\" is taken by process %s",
		    r->next.props.alias, o->rec.fid);
		return;
	}
	r->change = fg_printf("%s = %s", key, value);
	proc_save(r->c, r->proc, &r->next, on_set, r);
}
