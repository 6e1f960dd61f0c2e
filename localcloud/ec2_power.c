/* ec2_power.c: StopInstances and StartInstances (stopping then stopped, pending then running,
 * IncorrectInstanceState from other states), MonitorInstances and UnmonitorInstances. */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "ec2.h"
#include "xml.h"

#define INST(r) ((struct ec2_instance *)(r))

/* The caller's instances named by InstanceIds (caller frees); NULL after replying. */
static struct ec2_res **
named(struct lc_request *req, struct ec2_state *st, fg_json in, size_t *n)
{
	static const struct ec2_query ids_only = {
		EC2_INSTANCE, "InstanceIds", NULL, "", NULL, 1000, 0,
	};
	struct ec2_res **v;
	char *next;

	if (fg_json_len(fg_json_get(in, "InstanceIds")) == 0) {
		ec2_error(req, "MissingParameter", "The request must contain the parameter "
		    "InstanceId");
		return NULL;
	}
	if (ec2_select(req, st, in, &ids_only, &v, n, &next) != 0)
		return NULL;
	free(next);
	return v;
}

/* Stops (stop 1) or starts the instances named: all of them or none; those already on
 * their way are left as they are, as EC2 does. */
static enum lc_result
power(struct lc_request *req, struct ec2_state *st, fg_json in, int stop)
{
	int64_t now = fg_wall_ms();
	struct fg_buf *b;
	struct ec2_res **v;
	size_t n;

	if ((v = named(req, st, in, &n)) == NULL)
		return LC_DONE;
	for (size_t i = 0; i < n; i++) {
		enum ec2_istate s = ec2_instance_state(INST(v[i]), now);
		int ok = stop ? s == EC2_RUNNING || s == EC2_STOPPING || s == EC2_STOPPED :
		    s == EC2_STOPPED || s == EC2_PENDING || s == EC2_RUNNING;

		if (!ok) {
			ec2_error(req, "IncorrectInstanceState", "The instance '%s' is not in a state "
			    "from which it can be %s.", v[i]->id, stop ? "stopped" : "started");
			free(v);
			return LC_DONE;
		}
	}
	b = ec2_begin(req);
	fg_buf_addstr(b, "<instancesSet>");
	for (size_t i = 0; i < n; i++) {
		struct ec2_instance *inst = INST(v[i]);
		enum ec2_istate prev = ec2_instance_state(inst, now);

		if (stop && prev == EC2_RUNNING)
			inst->stop_ms = now;
		else if (!stop && prev == EC2_STOPPED) {
			inst->stop_ms = 0;
			inst->start_ms = now;
		}
		fg_buf_addstr(b, "<item>");
		fg_xml_elem(b, "instanceId", inst->r.id);
		ec2_istate_write(b, "currentState", ec2_instance_state(inst, now));
		ec2_istate_write(b, "previousState", prev);
		fg_buf_addstr(b, "</item>");
	}
	fg_buf_addstr(b, "</instancesSet>");
	free(v);
	return ec2_end(req);
}

/* StopInstances: running instances are stopping, then stopped EC2_STOP_MS later. */
enum lc_result
ec2_stop_instances(struct lc_request *req, struct ec2_state *st, fg_json in)
{
	int hibernate = 0;

	if (fg_json_bool(fg_json_get(in, "Hibernate"), &hibernate) == 0 && hibernate) {
		ec2_error(req, "UnsupportedOperation", "localcloud does not implement hibernation");
		return LC_DONE;
	}
	return power(req, st, in, 1);
}

/* StartInstances: stopped instances are pending, then running EC2_BOOT_MS later. */
enum lc_result
ec2_start_instances(struct lc_request *req, struct ec2_state *st, fg_json in)
{
	return power(req, st, in, 0);
}

/* Turns detailed monitoring of the instances named on or off. */
static enum lc_result
monitor(struct lc_request *req, struct ec2_state *st, fg_json in, int on)
{
	int64_t now = fg_wall_ms();
	struct fg_buf *b;
	struct ec2_res **v;
	size_t n;

	if ((v = named(req, st, in, &n)) == NULL)
		return LC_DONE;
	for (size_t i = 0; i < n; i++) {
		enum ec2_istate s = ec2_instance_state(INST(v[i]), now);

		if (s == EC2_SHUTTING_DOWN || s == EC2_TERMINATED) {
			ec2_error(req, "IncorrectInstanceState", "The instance '%s' is not in a state "
			    "from which its monitoring can be changed.", v[i]->id);
			free(v);
			return LC_DONE;
		}
	}
	b = ec2_begin(req);
	fg_buf_addstr(b, "<instancesSet>");
	for (size_t i = 0; i < n; i++) {
		struct ec2_instance *inst = INST(v[i]);

		if (inst->monitoring != on) {
			inst->monitoring = on;
			inst->monitor_ms = now;
		}
		fg_buf_addstr(b, "<item>");
		fg_xml_elem(b, "instanceId", inst->r.id);
		fg_buf_addstr(b, "<monitoring>");
		fg_xml_elem(b, "state", ec2_monitoring_state(inst, now));
		fg_buf_addstr(b, "</monitoring></item>");
	}
	fg_buf_addstr(b, "</instancesSet>");
	free(v);
	return ec2_end(req);
}

/* MonitorInstances: pending for EC2_MONITOR_MS, then enabled. */
enum lc_result
ec2_monitor_instances(struct lc_request *req, struct ec2_state *st, fg_json in)
{
	return monitor(req, st, in, 1);
}

/* UnmonitorInstances: disabling for EC2_MONITOR_MS, then disabled. */
enum lc_result
ec2_unmonitor_instances(struct lc_request *req, struct ec2_state *st, fg_json in)
{
	return monitor(req, st, in, 0);
}
