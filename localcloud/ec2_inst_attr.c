/* ec2_inst_attr.c: instance attributes: ModifyInstanceAttribute (instanceType, userData and
 * ebsOptimized only while stopped, as EC2) and DescribeInstanceAttribute. */
#include "config.h"

#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ec2.h"
#include "xml.h"

/* How an attribute is changed. */
enum attr_kind {
	A_BOOL,          /* a flag of the instance (at flag) */
	A_SHUTDOWN,      /* stop | terminate */
	A_GROUPS,        /* security groups of the instance's VPC */
	A_TYPE,          /* the instance type */
	A_USER_DATA,     /* base64 */
	A_UNSUPPORTED,
};
static const struct {
	const char *attr;           /* Attribute=... */
	const char *member;         /* its own parameter */
	enum attr_kind kind;
	int stopped;                /* changed only while the instance is stopped */
	size_t flag;                /* A_BOOL: offset of the int in struct ec2_instance */
} attrs[] = {
	{ "sourceDestCheck", "SourceDestCheck", A_BOOL, 0,
	    offsetof(struct ec2_instance, source_dest_check) },
	{ "disableApiTermination", "DisableApiTermination", A_BOOL, 0,
	    offsetof(struct ec2_instance, no_terminate) },
	{ "instanceInitiatedShutdownBehavior", "InstanceInitiatedShutdownBehavior", A_SHUTDOWN, 0,
	    0 },
	{ "groupSet", "Groups", A_GROUPS, 0, 0 },
	{ "instanceType", "InstanceType", A_TYPE, 1, 0 },
	{ "userData", "UserData", A_USER_DATA, 1, 0 },
	{ "ebsOptimized", "EbsOptimized", A_BOOL, 1, offsetof(struct ec2_instance, ebs_optimized) },
	{ "enaSupport", "EnaSupport", A_UNSUPPORTED, 1, 0 },
	{ "sriovNetSupport", "SriovNetSupport", A_UNSUPPORTED, 1, 0 },
	{ "kernel", "Kernel", A_UNSUPPORTED, 1, 0 },
	{ "ramdisk", "Ramdisk", A_UNSUPPORTED, 1, 0 },
	{ "disableApiStop", "DisableApiStop", A_UNSUPPORTED, 0, 0 },
};

/* The index of the one attribute a ModifyInstanceAttribute names; -1 after replying. */
static long
modified_attr(struct lc_request *req, fg_json in)
{
	const char *attr = ec2_str(in, "Attribute");
	long which = -1;
	int n = 0;

	for (size_t i = 0; i < FG_ARRAY_LEN(attrs); i++)
		if (fg_json_get(in, attrs[i].member) || (attr && strcmp(attr, attrs[i].attr) == 0)) {
			which = (long)i;
			n++;
		}
	if (attr && which < 0) {
		ec2_error(req, "InvalidParameterValue", "Value (%.60s) for parameter attribute is "
		    "invalid. Unknown attribute.", attr);
		return -1;
	}
	if (n != 1 || (attr && fg_json_get(in, "Value") == NULL)) {
		ec2_error(req, n > 1 ? "InvalidParameterCombination" : "MissingParameter", "Exactly "
		    "one attribute must be given: its own parameter, or Attribute with Value");
		return -1;
	}
	return which;
}

/* Sets the groups of an instance from ids (a list) or one id; -1 after replying. */
static int
set_groups(struct lc_request *req, struct ec2_state *st, struct ec2_instance *inst,
    fg_json ids, const char *one)
{
	size_t n = one ? 1 : fg_json_len(ids);

	if (n == 0) {
		ec2_error(req, "MissingParameter", "The request must contain the parameter GroupId");
		return -1;
	}
	for (size_t i = 0; i < n; i++) {
		const char *id = one ? one : fg_json_str(fg_json_at(ids, i));
		const struct ec2_sg *g = ec2_get(req, st, EC2_SG, id, "GroupId");

		if (g == NULL)
			return -1;
		if (strcmp(g->vpc, inst->vpc) != 0) {
			ec2_error(req, "InvalidGroup.NotFound", "The security group '%s' does not exist "
			    "in VPC '%s'", id, inst->vpc);
			return -1;
		}
	}
	inst->groups = fg_realloc(inst->groups, n * sizeof(*inst->groups));
	inst->ngroups = n;
	for (size_t i = 0; i < n; i++)
		snprintf(inst->groups[i], EC2_ID_MAX, "%s", one ? one :
		    fg_json_str(fg_json_at(ids, i)));
	return 0;
}

/* Sets an attribute other than the groups from its value; -1 after replying. */
static int
set_value(struct lc_request *req, struct ec2_instance *inst, long a, const char *value)
{
	switch (attrs[a].kind) {
	case A_BOOL:
		if (value == NULL || (strcmp(value, "true") != 0 && strcmp(value, "false") != 0)) {
			ec2_error(req, "InvalidParameterValue", "Value (%.40s) for parameter %s is "
			    "invalid: true or false", value ? value : "", attrs[a].attr);
			return -1;
		}
		*(int *)((char *)inst + attrs[a].flag) = value[0] == 't';
		return 0;
	case A_SHUTDOWN:
		if (value == NULL || (strcmp(value, "stop") != 0 && strcmp(value, "terminate") != 0)) {
			ec2_error(req, "InvalidParameterValue", "Value (%.40s) for parameter "
			    "instanceInitiatedShutdownBehavior is invalid: stop or terminate",
			    value ? value : "");
			return -1;
		}
		snprintf(inst->shutdown, sizeof(inst->shutdown), "%s", value);
		return 0;
	case A_TYPE:
		if (value == NULL || ec2_type_check(req, value) != 0) {
			if (value == NULL)
				ec2_error(req, "MissingParameter", "The request must contain the parameter "
				    "InstanceType");
			return -1;
		}
		snprintf(inst->type, sizeof(inst->type), "%s", value);
		return 0;
	case A_USER_DATA:
		if (value && *value && ec2_user_data_check(req, value) != 0)
			return -1;
		free(inst->user_data);
		inst->user_data = value && *value ? fg_strdup(value) : NULL;
		return 0;
	default:
		ec2_error(req, "UnsupportedOperation", "localcloud does not implement the instance "
		    "attribute %s", attrs[a].attr);
		return -1;
	}
}

/* ModifyInstanceAttribute: one attribute, in its own parameter or as Attribute and Value. */
enum lc_result
ec2_modify_instance_attr(struct lc_request *req, struct ec2_state *st, fg_json in)
{
	struct ec2_instance *inst = ec2_get(req, st, EC2_INSTANCE, ec2_str(in, "InstanceId"),
	    "InstanceId");
	const char *value = ec2_str(in, "Value");
	enum ec2_istate s;
	long a;
	int on;

	if (inst == NULL || (a = modified_attr(req, in)) < 0)
		return LC_DONE;
	s = ec2_instance_state(inst, fg_wall_ms());
	if (s == EC2_SHUTTING_DOWN || s == EC2_TERMINATED) {
		ec2_error(req, "IncorrectInstanceState", "The instance '%s' is not in a state from "
		    "which it can be modified.", inst->r.id);
		return LC_DONE;
	}
	if (attrs[a].stopped && s != EC2_STOPPED) {
		ec2_error(req, "IncorrectInstanceState", "The instance '%s' is not in the 'stopped' "
		    "state.", inst->r.id);
		return LC_DONE;
	}
	if (fg_json_get(in, attrs[a].member))
		value = ec2_str(fg_json_get(in, attrs[a].member), "Value");
	if (attrs[a].kind == A_BOOL && value == NULL &&
	    ec2_attr_bool(in, attrs[a].member, &on) == 0)
		value = on ? "true" : "false";
	if (attrs[a].kind == A_GROUPS ? set_groups(req, st, inst, fg_json_get(in, "Groups"),
	    fg_json_get(in, "Groups") ? NULL : value) != 0 : set_value(req, inst, a, value) != 0)
		return LC_DONE;
	return ec2_ok(req);
}

/* Writes <elem><value>v</value></elem>, or <elem/> when v is NULL. */
static void
value_write(struct fg_buf *b, const char *elem, const char *v)
{
	if (v == NULL) {
		fg_buf_addf(b, "<%s/>", elem);
		return;
	}
	fg_buf_addf(b, "<%s>", elem);
	fg_xml_elem(b, "value", v);
	fg_buf_addf(b, "</%s>", elem);
}

/* Says whether s is one of a NULL-terminated list. */
static int
listed(const char *s, const char *const *list)
{
	for (; *list; list++)
		if (strcmp(s, *list) == 0)
			return 1;
	return 0;
}

/* DescribeInstanceAttribute: one attribute of an instance. */
enum lc_result
ec2_describe_instance_attr(struct lc_request *req, struct ec2_state *st, fg_json in)
{
	static const char *const others[] = { "blockDeviceMapping", "productCodes",
		"rootDeviceName", "enclaveOptions", NULL };
	static const char *const absent[] = { "kernel", "ramdisk", "sriovNetSupport", NULL };
	const struct ec2_instance *inst = ec2_get(req, st, EC2_INSTANCE,
	    ec2_str(in, "InstanceId"), "InstanceId");
	const char *attr = ec2_str(in, "Attribute");
	const struct ec2_image *img;
	struct fg_buf *b;
	size_t i;

	if (inst == NULL)
		return LC_DONE;
	for (i = 0; i < FG_ARRAY_LEN(attrs); i++)
		if (strcmp(attrs[i].attr, attr) == 0)
			break;
	if (i == FG_ARRAY_LEN(attrs) && !listed(attr, others)) {
		ec2_error(req, "InvalidParameterValue", "Value (%.60s) for parameter attribute is "
		    "invalid. Unknown attribute.", attr);
		return LC_DONE;
	}
	b = ec2_begin(req);
	fg_xml_elem(b, "instanceId", inst->r.id);
	if (i < FG_ARRAY_LEN(attrs) && attrs[i].kind == A_BOOL)
		value_write(b, attr, *(const int *)((const char *)inst + attrs[i].flag) ? "true" :
		    "false");
	else if (strcmp(attr, "instanceInitiatedShutdownBehavior") == 0)
		value_write(b, attr, inst->shutdown);
	else if (strcmp(attr, "instanceType") == 0)
		value_write(b, attr, inst->type);
	else if (strcmp(attr, "userData") == 0)
		value_write(b, attr, inst->user_data);
	else if (strcmp(attr, "enaSupport") == 0)
		value_write(b, attr, "true");
	else if (strcmp(attr, "disableApiStop") == 0)
		value_write(b, attr, "false");
	else if (strcmp(attr, "rootDeviceName") == 0) {
		img = ec2_image_find(inst->image);
		value_write(b, attr, img ? img->root_device : "/dev/xvda");
	} else if (strcmp(attr, "enclaveOptions") == 0)
		fg_buf_addstr(b, "<enclaveOptions><enabled>false</enabled></enclaveOptions>");
	else if (strcmp(attr, "groupSet") == 0) {
		fg_buf_addstr(b, "<groupSet>");
		for (size_t k = 0; k < inst->ngroups; k++) {
			const struct ec2_sg *g = ec2_sibling(st, &inst->r, EC2_SG, inst->groups[k]);

			fg_buf_addstr(b, "<item>");
			fg_xml_elem(b, "groupId", inst->groups[k]);
			fg_xml_elem(b, "groupName", g ? g->name : "");
			fg_buf_addstr(b, "</item>");
		}
		fg_buf_addstr(b, "</groupSet>");
	} else if (listed(attr, absent))
		value_write(b, attr, NULL);
	else
		fg_buf_addf(b, "<%s/>", attr); /* the empty lists */
	return ec2_end(req);
}
