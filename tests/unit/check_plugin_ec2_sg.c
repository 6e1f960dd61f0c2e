/* check_plugin_ec2_sg.c: the ec2 plugin's AWS.EC2.SecurityGroup and AWS.EC2.Instance
 * (plugins/ec2/security_group.c, instance.c) through the Conductor's own host: the observed
 * JSON of described groups (rules one peer per item) and instances (a terminated one is gone),
 * and the plans: rules revoked and authorized (a changed description is both, protocol numbers
 * and names alike, egress managed only when given), instance attributes, and the deletes. */
#include "config.h"

#include <check.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "ec2_testlib.h"

static const struct fugue_host *H = &host_api;

/* Runs kind k's plan (or plan_delete) for id from have to want, and checks its steps: each
 * "Action k=v k=v ..." in order, then NULL. */
static void
assert_plan(const struct ekind *k, int delete, const char *id, const char *want,
    const char *have, ...)
{
	struct echain e;
	va_list ap;

	ec2t_chain(&e, k, id, want, have);
	(delete ? k->plan_delete : k->plan)(&e);
	va_start(ap, have);
	ec2t_steps(&e, ap);
	va_end(ap);
	if (e.data_free != NULL)
		e.data_free(e.data);
}

START_TEST(test_observe_sg)
{
	/* EC2 groups peers by protocol and ports; the observed rules have one peer each */
	ec2t_observed(&sg_kind, "<DescribeSecurityGroupsResponse><securityGroupInfo><item>"
	    "<ownerId>000000000000</ownerId><groupId>sg-1</groupId><groupName>web</groupName>"
	    "<groupDescription>web tier</groupDescription><vpcId>vpc-1</vpcId><ipPermissions>"
	    "<item><ipProtocol>tcp</ipProtocol><fromPort>22</fromPort><toPort>22</toPort><groups>"
	    "<item><userId>000000000000</userId><groupId>sg-2</groupId><description>app"
	    "</description></item></groups><ipRanges><item><cidrIp>10.0.0.0/8</cidrIp></item>"
	    "<item><cidrIp>192.168.0.0/16</cidrIp><description>office</description></item>"
	    "</ipRanges><ipv6Ranges/><prefixListIds/></item></ipPermissions><ipPermissionsEgress>"
	    "<item><ipProtocol>-1</ipProtocol><groups/><ipRanges><item><cidrIp>0.0.0.0/0</cidrIp>"
	    "</item></ipRanges><ipv6Ranges><item><cidrIpv6>::/0</cidrIpv6></item></ipv6Ranges>"
	    "<prefixListIds/></item></ipPermissionsEgress><tagSet><item><key>fugue:id</key>"
	    "<value>web</value></item><item><key>aws:x</key><value>y</value></item></tagSet>"
	    "</item></securityGroupInfo></DescribeSecurityGroupsResponse>",
	    "{\"GroupName\": \"web\", \"GroupDescription\": \"web tier\", \"VpcId\": \"vpc-1\", "
	    "\"IpPermissions\": ["
	    "{\"IpProtocol\": \"tcp\", \"FromPort\": 22, \"ToPort\": 22, "
	    "\"IpRanges\": [{\"CidrIp\": \"10.0.0.0/8\"}]}, "
	    "{\"IpProtocol\": \"tcp\", \"FromPort\": 22, \"ToPort\": 22, "
	    "\"IpRanges\": [{\"CidrIp\": \"192.168.0.0/16\", \"Description\": \"office\"}]}, "
	    "{\"IpProtocol\": \"tcp\", \"FromPort\": 22, \"ToPort\": 22, "
	    "\"UserIdGroupPairs\": [{\"GroupId\": \"sg-2\", \"Description\": \"app\"}]}], "
	    "\"IpPermissionsEgress\": ["
	    "{\"IpProtocol\": \"-1\", \"IpRanges\": [{\"CidrIp\": \"0.0.0.0/0\"}]}, "
	    "{\"IpProtocol\": \"-1\", \"Ipv6Ranges\": [{\"CidrIpv6\": \"::/0\"}]}], "
	    "\"Tags\": [{\"Key\": \"fugue:id\", \"Value\": \"web\"}], \"GroupId\": \"sg-1\", "
	    "\"OwnerId\": \"000000000000\", \"Region\": \"us-east-1\"}");
}
END_TEST

#define SSH "{\"IpProtocol\": \"tcp\", \"FromPort\": 22, \"ToPort\": 22, " \
	"\"IpRanges\": [{\"CidrIp\": \"10.0.0.0/8\"}]}"
#define ALL_OUT "\"IpPermissionsEgress\": [{\"IpProtocol\": \"-1\", " \
	"\"IpRanges\": [{\"CidrIp\": \"0.0.0.0/0\"}]}]"

START_TEST(test_plan_sg_ingress)
{
	/* an extra rule revoked, a changed description revoked and authorized, a new group
	 * rule authorized; egress not given: the allow-all rule stays */
	assert_plan(&sg_kind, 0, "sg-1",
	    "{\"IpPermissions\": [" SSH ", {\"IpProtocol\": \"tcp\", \"FromPort\": 443, "
	    "\"ToPort\": 443, \"IpRanges\": [{\"CidrIp\": \"0.0.0.0/0\", \"Description\": "
	    "\"public\"}]}, {\"IpProtocol\": \"udp\", \"FromPort\": 53, \"ToPort\": 53, "
	    "\"UserIdGroupPairs\": [{\"GroupId\": \"sg-2\"}]}]}",
	    "{\"IpPermissions\": [" SSH ", {\"IpProtocol\": \"tcp\", \"FromPort\": 3389, "
	    "\"ToPort\": 3389, \"IpRanges\": [{\"CidrIp\": \"203.0.113.7/32\"}]}, "
	    "{\"IpProtocol\": \"tcp\", \"FromPort\": 443, \"ToPort\": 443, \"IpRanges\": "
	    "[{\"CidrIp\": \"0.0.0.0/0\"}]}], " ALL_OUT "}",
	    "RevokeSecurityGroupIngress GroupId=sg-1 IpPermissions.1.IpProtocol=tcp "
	    "IpPermissions.1.FromPort=3389 IpPermissions.1.ToPort=3389 "
	    "IpPermissions.1.IpRanges.1.CidrIp=203.0.113.7/32 IpPermissions.2.IpProtocol=tcp "
	    "IpPermissions.2.FromPort=443 IpPermissions.2.ToPort=443 "
	    "IpPermissions.2.IpRanges.1.CidrIp=0.0.0.0/0",
	    "AuthorizeSecurityGroupIngress GroupId=sg-1 IpPermissions.1.IpProtocol=tcp "
	    "IpPermissions.1.FromPort=443 IpPermissions.1.ToPort=443 "
	    "IpPermissions.1.IpRanges.1.CidrIp=0.0.0.0/0 "
	    "IpPermissions.1.IpRanges.1.Description=public IpPermissions.2.IpProtocol=udp "
	    "IpPermissions.2.FromPort=53 IpPermissions.2.ToPort=53 "
	    "IpPermissions.2.Groups.1.GroupId=sg-2", NULL);
	/* the same rules written differently: protocol numbers, several peers in one item,
	 * IPv6 in capitals, ports on an all-protocols rule */
	assert_plan(&sg_kind, 0, "sg-1",
	    "{\"IpPermissions\": [{\"IpProtocol\": \"6\", \"FromPort\": 22, \"ToPort\": 22, "
	    "\"IpRanges\": [{\"CidrIp\": \"10.0.0.0/8\"}], \"Ipv6Ranges\": [{\"CidrIpv6\": "
	    "\"2001:DB8::/32\"}]}, {\"IpProtocol\": \"-1\", \"FromPort\": -1, \"ToPort\": -1, "
	    "\"UserIdGroupPairs\": [{\"GroupId\": \"sg-2\"}]}]}",
	    "{\"IpPermissions\": [" SSH ", {\"IpProtocol\": \"tcp\", \"FromPort\": 22, "
	    "\"ToPort\": 22, \"Ipv6Ranges\": [{\"CidrIpv6\": \"2001:db8::/32\"}]}, "
	    "{\"IpProtocol\": \"-1\", \"UserIdGroupPairs\": [{\"GroupId\": \"sg-2\"}]}]}", NULL);
}
END_TEST

START_TEST(test_plan_sg_egress)
{
	/* egress given: the allow-all rule EC2 added goes, the desired one comes */
	assert_plan(&sg_kind, 0, "sg-1",
	    "{\"IpPermissions\": [], \"IpPermissionsEgress\": [{\"IpProtocol\": \"tcp\", "
	    "\"FromPort\": 443, \"ToPort\": 443, \"IpRanges\": [{\"CidrIp\": \"0.0.0.0/0\"}]}]}",
	    "{\"IpPermissions\": [], " ALL_OUT "}",
	    "RevokeSecurityGroupEgress GroupId=sg-1 IpPermissions.1.IpProtocol=-1 "
	    "IpPermissions.1.IpRanges.1.CidrIp=0.0.0.0/0",
	    "AuthorizeSecurityGroupEgress GroupId=sg-1 IpPermissions.1.IpProtocol=tcp "
	    "IpPermissions.1.FromPort=443 IpPermissions.1.ToPort=443 "
	    "IpPermissions.1.IpRanges.1.CidrIp=0.0.0.0/0", NULL);
	/* an empty list: nothing goes out */
	assert_plan(&sg_kind, 0, "sg-1", "{\"IpPermissionsEgress\": []}", "{" ALL_OUT "}",
	    "RevokeSecurityGroupEgress GroupId=sg-1 IpPermissions.1.IpProtocol=-1 "
	    "IpPermissions.1.IpRanges.1.CidrIp=0.0.0.0/0", NULL);
	/* left out: the allow-all rule is not Fugue's business */
	assert_plan(&sg_kind, 0, "sg-1", "{\"IpPermissions\": []}", "{" ALL_OUT "}", NULL);
	assert_plan(&sg_kind, 1, "sg-1", "{}", "{}", "DeleteSecurityGroup GroupId=sg-1", NULL);
}
END_TEST

#define INSTANCE(state) "<DescribeInstancesResponse><reservationSet><item>" \
	"<reservationId>r-1</reservationId><instancesSet><item><instanceId>i-1</instanceId>" \
	"<imageId>ami-1</imageId><instanceState><code>16</code><name>" state "</name>" \
	"</instanceState><privateDnsName>ip-10-0-1-4.ec2.internal</privateDnsName><dnsName/>" \
	"<keyName>ops</keyName><instanceType>t3.micro</instanceType><monitoring><state>" \
	"disabled</state></monitoring><subnetId>subnet-1</subnetId><vpcId>vpc-1</vpcId>" \
	"<privateIpAddress>10.0.1.4</privateIpAddress><groupSet><item><groupId>sg-1</groupId>" \
	"<groupName>web</groupName></item><item><groupId>sg-2</groupId></item></groupSet>" \
	"<clientToken>fugue-1</clientToken><tagSet><item><key>fugue:id</key><value>vm</value>" \
	"</item></tagSet><ebsOptimized>false</ebsOptimized><iamInstanceProfile><arn>" \
	"arn:aws:iam::000000000000:instance-profile/app/web</arn><id>AIP1</id>" \
	"</iamInstanceProfile></item></instancesSet></item></reservationSet>" \
	"</DescribeInstancesResponse>"

START_TEST(test_observe_instance)
{
	ec2t_observed(&instance_kind, INSTANCE("running"),
	    "{\"ImageId\": \"ami-1\", \"InstanceType\": \"t3.micro\", \"SubnetId\": \"subnet-1\", "
	    "\"SecurityGroupIds\": [\"sg-1\", \"sg-2\"], \"KeyName\": \"ops\", "
	    "\"IamInstanceProfile\": {\"Arn\": \"arn:aws:iam::000000000000:instance-profile/app/"
	    "web\", \"Name\": \"web\"}, \"EbsOptimized\": false, \"Monitoring\": {\"Enabled\": "
	    "false}, \"Tags\": [{\"Key\": \"fugue:id\", \"Value\": \"vm\"}], \"InstanceId\": "
	    "\"i-1\", \"VpcId\": \"vpc-1\", \"PrivateIpAddress\": \"10.0.1.4\", "
	    "\"PrivateDnsName\": \"ip-10-0-1-4.ec2.internal\", \"Region\": \"us-east-1\"}");
	/* pending and stopped instances exist; shutting-down and terminated ones are gone */
	ck_assert_int_eq(instance_kind.live(H, ec2t_item(&instance_kind, INSTANCE("pending"))), 1);
	ck_assert_int_eq(instance_kind.live(H, ec2t_item(&instance_kind, INSTANCE("stopped"))), 1);
	ck_assert_int_eq(instance_kind.live(H,
	    ec2t_item(&instance_kind, INSTANCE("shutting-down"))), 0);
	ck_assert_int_eq(instance_kind.live(H, ec2t_item(&instance_kind, INSTANCE("terminated"))),
	    0);
}
END_TEST

#define HAVE "{\"ImageId\": \"ami-1\", \"InstanceType\": \"t3.micro\", \"SecurityGroupIds\": " \
	"[\"sg-1\", \"sg-2\"], \"EbsOptimized\": false, \"Monitoring\": {\"Enabled\": false}}"

START_TEST(test_plan_instance)
{
	/* nothing differs (groups in another order; defaults) */
	assert_plan(&instance_kind, 0, "i-1", "{\"ImageId\": \"ami-1\", \"InstanceType\": "
	    "\"t3.micro\", \"SecurityGroupIds\": [\"sg-2\", \"sg-1\"], \"EbsOptimized\": false, "
	    "\"DisableApiTermination\": false, \"InstanceInitiatedShutdownBehavior\": \"stop\", "
	    "\"Monitoring\": {\"Enabled\": false}}", HAVE, NULL);
	/* groups and monitoring change while the instance runs; type and EBS optimization wait
	 * for the stop the settle makes; protection and shutdown behavior are write-only, not
	 * compared when no update read them (a create sent them at launch) */
	assert_plan(&instance_kind, 0, "i-1", "{\"ImageId\": \"ami-1\", \"InstanceType\": "
	    "\"t3.large\", \"SecurityGroupIds\": [\"sg-3\"], \"EbsOptimized\": true, "
	    "\"DisableApiTermination\": true, \"InstanceInitiatedShutdownBehavior\": "
	    "\"terminate\", \"Monitoring\": {\"Enabled\": true}}", HAVE,
	    "ModifyInstanceAttribute InstanceId=i-1 GroupId.1=sg-3",
	    "MonitorInstances InstanceId.1=i-1", NULL);
	/* security groups left out are not managed */
	assert_plan(&instance_kind, 0, "i-1", "{\"InstanceType\": \"t3.micro\"}", HAVE, NULL);
	/* delete: protection off (a missing instance is fine), then terminate */
	assert_plan(&instance_kind, 1, "i-1", "{}", HAVE,
	    "ModifyInstanceAttribute InstanceId=i-1 DisableApiTermination.Value=false",
	    "TerminateInstances InstanceId.1=i-1", NULL);
}
END_TEST

/* The suite. */
static Suite *
plugin_ec2_sg_suite(void)
{
	Suite *s = suite_create("plugin_ec2_sg");
	TCase *tc = tcase_create("core");

	tcase_add_checked_fixture(tc, NULL, ptl_free);
	tcase_add_test(tc, test_observe_sg);
	tcase_add_test(tc, test_plan_sg_ingress);
	tcase_add_test(tc, test_plan_sg_egress);
	tcase_add_test(tc, test_observe_instance);
	tcase_add_test(tc, test_plan_instance);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	SRunner *sr = srunner_create(plugin_ec2_sg_suite());
	int failed;

	srunner_run_all(sr, CK_ENV);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed != 0;
}
