/* ec2_power.c: StopInstances and StartInstances (stopping then stopped, pending then running,
 * IncorrectInstanceState from other states), MonitorInstances and UnmonitorInstances. */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "ec2.h"
#include "xml.h"

#define INST(r) ((struct ec2_instance *)(r))

/* Whether an instance in state s can be stopped (stop 1) or started. */
static int
power_allows(enum ec2_istate s, int stop)
{
	return stop ? s == EC2_RUNNING || s == EC2_STOPPING || s == EC2_STOPPED :
	    s == EC2_STOPPED || s == EC2_PENDING || s == EC2_RUNNING;
}

/* Stops (stop 1) or starts an instance, unless it is on its way already, as EC2 does; writes
 * its current and previous states. */
static void
power_apply(struct fg_buf *b, struct ec2_instance *inst, int64_t now, int stop)
{
	enum ec2_istate prev = ec2_instance_state(inst, now);

	if (stop && prev == EC2_RUNNING)
		inst->stop_ms = now;
	else if (!stop && prev == EC2_STOPPED) {
		inst->stop_ms = 0;
		inst->start_ms = now;
	}
	ec2_istate_changed(b, inst, prev, now);
}

/* Whether the monitoring of an instance in state s can be turned on or off. */
static int
monitor_allows(enum ec2_istate s, int on)
{
	(void)on;
	return s != EC2_SHUTTING_DOWN && s != EC2_TERMINATED;
}

/* Turns detailed monitoring of an instance on or off; writes its monitoring state. */
static void
monitor_apply(struct fg_buf *b, struct ec2_instance *inst, int64_t now, int on)
{
	if (inst->monitoring != on) {
		inst->monitoring = on;
		inst->monitor_ms = now;
	}
	fg_buf_addstr(b, "<monitoring>");
	fg_xml_elem(b, "state", ec2_monitoring_state(inst, now));
	fg_buf_addstr(b, "</monitoring>");
}

/* Changes the instances named (apply, with on): all of them, or none when one's state is not
 * one allows takes (IncorrectInstanceState: "... a state from which what."); the reply lists
 * each instance's id and what apply writes. */
static enum lc_result
change(struct lc_request *req, struct ec2_state *st, fg_json in, int on,
    int (*allows)(enum ec2_istate, int), void (*apply)(struct fg_buf *, struct ec2_instance *,
    int64_t, int), const char *what)
{
	int64_t now = fg_wall_ms();
	struct fg_buf *b;
	struct ec2_res **v;
	size_t n;

	if ((v = ec2_instances_named(req, st, in, &n)) == NULL)
		return LC_DONE;
	for (size_t i = 0; i < n; i++)
		if (!allows(ec2_instance_state(INST(v[i]), now), on)) {
			ec2_error(req, "IncorrectInstanceState", "The instance '%s' is not in a state "
			    "from which %s.", v[i]->id, what);
			free(v);
			return LC_DONE;
		}
	b = ec2_begin(req);
	fg_buf_addstr(b, "<instancesSet>");
	for (size_t i = 0; i < n; i++) {
		fg_buf_addstr(b, "<item>");
		fg_xml_elem(b, "instanceId", v[i]->id);
		apply(b, INST(v[i]), now, on);
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
	return change(req, st, in, 1, power_allows, power_apply, "it can be stopped");
}

/* StartInstances: stopped instances are pending, then running EC2_BOOT_MS later. */
enum lc_result
ec2_start_instances(struct lc_request *req, struct ec2_state *st, fg_json in)
{
	return change(req, st, in, 0, power_allows, power_apply, "it can be started");
}

/* MonitorInstances: pending for EC2_MONITOR_MS, then enabled. */
enum lc_result
ec2_monitor_instances(struct lc_request *req, struct ec2_state *st, fg_json in)
{
	return change(req, st, in, 1, monitor_allows, monitor_apply,
	    "its monitoring can be changed");
}

/* UnmonitorInstances: disabling for EC2_MONITOR_MS, then disabled. */
enum lc_result
ec2_unmonitor_instances(struct lc_request *req, struct ec2_state *st, fg_json in)
{
	return change(req, st, in, 0, monitor_allows, monitor_apply,
	    "its monitoring can be changed");
}
