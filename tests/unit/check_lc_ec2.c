/* check_lc_ec2.c: unit tests for localcloud's EC2: CIDR math and overlap, filter wildcards,
 * ids, request shapes, and the actions through the router (errors in EC2's shape, filters,
 * pagination, dependencies, instance states on a fake clock, stop and start, monitoring,
 * instance attributes, ClientToken idempotency, persistence). */
#include "config.h"

#include <check.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ec2.h"
#include "lc_testlib.h"

/* Parses a CIDR block; returns it formatted back, or "ERR". */
static const char *
cidr(const char *s)
{
	static char out[EC2_CIDR_MAX];
	struct ec2_cidr c;

	if (ec2_cidr_parse(s, &c) != 0)
		return "ERR";
	ec2_cidr_format(&c, out);
	return out;
}

START_TEST(cidr_parsing)
{
	ck_assert_str_eq(cidr("10.0.0.0/16"), "10.0.0.0/16");
	ck_assert_str_eq(cidr("0.0.0.0/0"), "0.0.0.0/0");
	ck_assert_str_eq(cidr("255.255.255.255/32"), "255.255.255.255/32");
	ck_assert_str_eq(cidr("172.16.4.0/22"), "172.16.4.0/22");
	/* Host bits set, bad octets or lengths, leading zeros, missing or extra parts. */
	ck_assert_str_eq(cidr("10.0.0.1/16"), "ERR");
	ck_assert_str_eq(cidr("172.16.2.0/22"), "ERR");
	ck_assert_str_eq(cidr("256.0.0.0/8"), "ERR");
	ck_assert_str_eq(cidr("10.0.0.0/33"), "ERR");
	ck_assert_str_eq(cidr("010.0.0.0/8"), "ERR");
	ck_assert_str_eq(cidr("10.0.0.0/016"), "ERR");
	ck_assert_str_eq(cidr("10.0.0/16"), "ERR");
	ck_assert_str_eq(cidr("10.0.0.0"), "ERR");
	ck_assert_str_eq(cidr("10.0.0.0/"), "ERR");
	ck_assert_str_eq(cidr("10.0.0.0/16 "), "ERR");
	ck_assert_str_eq(cidr(" 10.0.0.0/16"), "ERR");
	ck_assert_str_eq(cidr("10.0.0.0.0/16"), "ERR");
	ck_assert_str_eq(cidr(""), "ERR");
	ck_assert_int_eq(ec2_cidr_parse(NULL, &(struct ec2_cidr){ 0, 0 }), -1);
}
END_TEST

START_TEST(cidr_containment_and_overlap)
{
	struct ec2_cidr vpc, a, b, c, d, all;

	ck_assert_int_eq(ec2_cidr_parse("10.0.0.0/16", &vpc), 0);
	ck_assert_int_eq(ec2_cidr_parse("10.0.1.0/24", &a), 0);
	ck_assert_int_eq(ec2_cidr_parse("10.0.1.128/25", &b), 0);
	ck_assert_int_eq(ec2_cidr_parse("10.0.2.0/24", &c), 0);
	ck_assert_int_eq(ec2_cidr_parse("10.1.0.0/24", &d), 0);
	ck_assert_int_eq(ec2_cidr_parse("0.0.0.0/0", &all), 0);
	ck_assert(ec2_cidr_contains(&vpc, &a));
	ck_assert(ec2_cidr_contains(&vpc, &vpc));
	ck_assert(!ec2_cidr_contains(&a, &vpc));
	ck_assert(!ec2_cidr_contains(&vpc, &d));
	ck_assert(ec2_cidr_contains(&all, &d));
	ck_assert(ec2_cidr_overlap(&a, &b) && ec2_cidr_overlap(&b, &a));
	ck_assert(!ec2_cidr_overlap(&a, &c) && !ec2_cidr_overlap(&c, &b));
	ck_assert(ec2_cidr_overlap(&all, &c));
	ck_assert_uint_eq(ec2_cidr_size(&a), 256);
	ck_assert_uint_eq(ec2_cidr_size(&all), 1ull << 32);
}
END_TEST

START_TEST(filter_wildcards)
{
	ck_assert(ec2_glob("web", "web"));
	ck_assert(!ec2_glob("web", "webs"));
	ck_assert(ec2_glob("web*", "web"));
	ck_assert(ec2_glob("web*", "web-1"));
	ck_assert(ec2_glob("*-1", "web-1"));
	ck_assert(ec2_glob("w*b*1", "web-server-1"));
	ck_assert(!ec2_glob("w*b*2", "web-server-1"));
	/* '?' is zero or one character, as EC2 documents it. */
	ck_assert(ec2_glob("g0?", "g0"));
	ck_assert(ec2_glob("g0?", "g01"));
	ck_assert(!ec2_glob("g0?", "g012"));
	ck_assert(ec2_glob("g??", "g"));
	ck_assert(ec2_glob("caf?", "caf\xc3\xa9"));
	/* A backslash quotes the next character. */
	ck_assert(ec2_glob("a\\*", "a*"));
	ck_assert(!ec2_glob("a\\*", "ab"));
	ck_assert(ec2_glob("", ""));
	ck_assert(!ec2_glob("", "x"));
	ck_assert(ec2_glob("*", ""));
	/* Many wildcards stay cheap. */
	ck_assert(!ec2_glob("*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*b",
	    "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"));
}
END_TEST

START_TEST(id_formats)
{
	struct ec2_state st = { 0 };
	char id[EC2_ID_MAX];

	ck_assert(ec2_id_ok("vpc-0123456789abcdef0", "vpc"));
	ck_assert(ec2_id_ok("vpc-1a2b3c4d", "vpc"));
	ck_assert(ec2_id_ok("i-0123456789abcdef0", "i"));
	ck_assert(!ec2_id_ok("igw-0123456789abcdef0", "i"));
	ck_assert(!ec2_id_ok("vpc-0123456789ABCDEF0", "vpc"));
	ck_assert(!ec2_id_ok("vpc-0123456789abcdef", "vpc"));
	ck_assert(!ec2_id_ok("vpc-0123456789abcdef01", "vpc"));
	ck_assert(!ec2_id_ok("vpc0123456789abcdef0", "vpc"));
	ck_assert(!ec2_id_ok("subnet-0123456789abcdef0", "vpc"));
	ck_assert(!ec2_id_ok(NULL, "vpc"));
	ec2_new_id(&st, "subnet", id);
	ck_assert_uint_eq(strlen(id), strlen("subnet-") + EC2_ID_HEX);
	ck_assert(ec2_id_ok(id, "subnet"));
}
END_TEST

/* Converts a form body with an action's shape to compact JSON text (caller frees). */
static char *
form_json(const char *action, const char *form)
{
	struct lc_params p = { 0 };
	char *err = NULL, *out;
	struct fg_jw jw;
	fg_json v;

	ck_assert_int_eq(lc_params_parse(&p, form, strlen(form), &err), 0);
	v = sqs_query_to_json(&p, ec2_action_shape(action), &err);
	lc_params_free(&p);
	ck_assert_msg(v != NULL, "%s", err);
	fg_jw_init(&jw, 0);
	fg_jw_value(&jw, v);
	out = fg_jw_detach(&jw);
	fg_jw_free(&jw);
	fg_json_free(v);
	return out;
}

START_TEST(request_shapes)
{
	char *s = form_json("DescribeVpcs", "Filter.2.Name=vpc-id&Filter.2.Value.1=v&Filter.1.Name="
	    "tag%3AName&Filter.1.Value.2=b&Filter.1.Value.1=a&VpcId.1=vpc-1&MaxResults=5");

	ck_assert_str_eq(s, "{\"Filters\":[{\"Name\":\"tag:Name\",\"Values\":[\"a\",\"b\"]},"
	    "{\"Name\":\"vpc-id\",\"Values\":[\"v\"]}],\"VpcIds\":[\"vpc-1\"],\"MaxResults\":5}");
	free(s);
	s = form_json("AuthorizeSecurityGroupIngress", "GroupId=sg-1&IpPermissions.1.IpProtocol=tcp"
	    "&IpPermissions.1.FromPort=22&IpPermissions.1.ToPort=22&IpPermissions.1.IpRanges.1."
	    "CidrIp=10.0.0.0%2F8&IpPermissions.1.Groups.1.GroupId=sg-2");
	ck_assert_str_eq(s, "{\"GroupId\":\"sg-1\",\"IpPermissions\":[{\"IpProtocol\":\"tcp\","
	    "\"FromPort\":22,\"ToPort\":22,\"IpRanges\":[{\"CidrIp\":\"10.0.0.0/8\"}],"
	    "\"UserIdGroupPairs\":[{\"GroupId\":\"sg-2\"}]}]}");
	free(s);
	s = form_json("RunInstances", "MinCount=1&MaxCount=2&TagSpecification.1.ResourceType="
	    "instance&TagSpecification.1.Tag.1.Key=k&TagSpecification.1.Tag.1.Value=v"
	    "&SecurityGroupId.1=sg-1&IamInstanceProfile.Name=p&DisableApiTermination=true");
	ck_assert_str_eq(s, "{\"MaxCount\":2,\"MinCount\":1,\"SecurityGroupIds\":[\"sg-1\"],"
	    "\"DisableApiTermination\":true,\"IamInstanceProfile\":{\"Name\":\"p\"},"
	    "\"TagSpecifications\":[{\"ResourceType\":\"instance\",\"Tags\":[{\"Key\":\"k\","
	    "\"Value\":\"v\"}]}]}");
	free(s);
	s = form_json("ModifyVpcAttribute", "VpcId=vpc-1&EnableDnsHostnames.Value=true");
	ck_assert_str_eq(s, "{\"VpcId\":\"vpc-1\",\"EnableDnsHostnames\":{\"Value\":true}}");
	free(s);
	ck_assert_ptr_null(ec2_action_shape("LaunchRockets"));
}
END_TEST

/* Deterministic bytes for ids. */
static void
counter_random(void *arg, void *buf, size_t len)
{
	static unsigned char next = 1;
	unsigned char *p = buf;

	(void)arg;
	for (size_t i = 0; i < len; i++)
		p[i] = next = (unsigned char)(next * 33 + 7);
}

static struct fg_loop *loop;
static struct lc_server *srv;

/* A server on the fake clock. */
static void
setup(void)
{
	lct_fake_clock(counter_random);
	loop = fg_loop_new();
	srv = lct_server(loop, NULL, NULL);
}

/* Stops the server. */
static void
teardown(void)
{
	if (srv)
		lc_server_free(srv);
	srv = NULL;
	fg_loop_free(loop);
	fg_clock_set(NULL);
}

/* An EC2 call (the body is printf-formatted); asserts its status; returns the body (caller
 * frees). */
static char *
q(int status, const char *fmt, ...) FG_PRINTF(2, 3);

static char *
q(int status, const char *fmt, ...)
{
	struct lct_reply *r;
	struct fg_buf body;
	va_list ap;
	char *out;

	fg_buf_init(&body);
	fg_buf_addstr(&body, "Version=2016-11-15&");
	va_start(ap, fmt);
	fg_buf_vaddf(&body, fmt, ap);
	va_end(ap);
	r = lct_query(srv, "ec2", fg_buf_cstr(&body));
	ck_assert_msg(r->done, "no reply to %s", fg_buf_cstr(&body));
	ck_assert_msg(r->status == status, "%s: status %d, want %d: %s", fg_buf_cstr(&body),
	    r->status, status, r->body);
	out = r->body;
	r->body = NULL;
	lct_reply_free(r);
	fg_buf_free(&body);
	return out;
}

/* An EC2 call that must fail with code; checks EC2's error shape. */
static void
qerr(int status, const char *code, const char *fmt, ...) FG_PRINTF(3, 4);

static void
qerr(int status, const char *code, const char *fmt, ...)
{
	struct fg_buf call;
	char *body, *got;
	va_list ap;

	fg_buf_init(&call);
	va_start(ap, fmt);
	fg_buf_vaddf(&call, fmt, ap);
	va_end(ap);
	body = q(status, "%s", fg_buf_cstr(&call));
	got = lct_xml_text(body, "Code");
	ck_assert_msg(got && strcmp(got, code) == 0, "%s: code %s, want %s: %s",
	    fg_buf_cstr(&call), got, code, body);
	ck_assert_msg(strstr(body, "<Response><Errors><Error><Code>") != NULL &&
	    strstr(body, "</Error></Errors><RequestID>") != NULL, "error shape: %s", body);
	free(got);
	free(body);
	fg_buf_free(&call);
}

/* The text of an element of a reply (caller frees). */
static char *
elem(const char *xml, const char *name)
{
	char *t = lct_xml_text(xml, name);

	ck_assert_msg(t != NULL, "no <%s> in %s", name, xml);
	return t;
}

/* Counts the occurrences of a string. */
static int
count(const char *hay, const char *needle)
{
	int n = 0;

	for (const char *p = hay; (p = strstr(p, needle)) != NULL; p += strlen(needle))
		n++;
	return n;
}

/* Creates a VPC; returns its id (caller frees). */
static char *
new_vpc(const char *cidr_block)
{
	char *r = q(200, "Action=CreateVpc&CidrBlock=%s", cidr_block), *id = elem(r, "vpcId");

	free(r);
	return id;
}

START_TEST(replies_and_errors_in_ec2_shape)
{
	char *vpc = new_vpc("10.0.0.0%2F16"), *r;

	r = q(200, "Action=DescribeVpcs&VpcId.1=%s", vpc);
	ck_assert_ptr_nonnull(strstr(r, "<DescribeVpcsResponse xmlns=\"http://ec2.amazonaws.com/"
	    "doc/2016-11-15/\"><requestId>"));
	ck_assert_ptr_nonnull(strstr(r, "<vpcSet><item><vpcId>"));
	ck_assert_ptr_null(strstr(r, "ResponseMetadata"));
	free(r);
	qerr(400, "InvalidVpcID.NotFound", "Action=DescribeVpcs&VpcId.1=vpc-0123456789abcdef0");
	qerr(400, "InvalidVpcID.NotFound", "Action=DeleteVpc&VpcId=vpc-0123456789abcdef0");
	qerr(400, "InvalidVpcID.Malformed", "Action=DeleteVpc&VpcId=vpc-zz");
	qerr(400, "MissingParameter", "Action=DeleteVpc");
	qerr(400, "InvalidAction", "Action=LaunchRockets");
	qerr(412, "DryRunOperation", "Action=CreateVpc&CidrBlock=10.1.0.0%%2F16&DryRun=true");
	qerr(400, "InvalidParameterValue", "Action=DescribeVpcs&MaxResults=five");
	qerr(400, "InvalidVpc.Range", "Action=CreateVpc&CidrBlock=10.0.0.0%%2F15");
	qerr(400, "InvalidVpc.Range", "Action=CreateVpc&CidrBlock=10.0.0.0%%2F29");
	qerr(400, "InvalidParameterValue", "Action=CreateVpc&CidrBlock=10.0.0.1%%2F16");
	qerr(400, "UnsupportedOperation", "Action=CreateVpc&CidrBlock=10.1.0.0%%2F16"
	    "&AmazonProvidedIpv6CidrBlock=true");
	r = q(200, "Action=DescribeVpcAttribute&VpcId=%s&Attribute=enableDnsSupport", vpc);
	ck_assert_ptr_nonnull(strstr(r, "<enableDnsSupport><value>true</value></enableDnsSupport>"));
	free(r);
	qerr(400, "InvalidParameterCombination", "Action=ModifyVpcAttribute&VpcId=%s"
	    "&EnableDnsSupport.Value=true&EnableDnsHostnames.Value=true", vpc);
	free(vpc);
}
END_TEST

/* Creates a subnet of a VPC; returns its id (caller frees). */
static char *
new_subnet(const char *vpc, const char *cidr_block)
{
	char *r = q(200, "Action=CreateSubnet&VpcId=%s&CidrBlock=%s", vpc, cidr_block);
	char *id = elem(r, "subnetId");

	free(r);
	return id;
}

START_TEST(subnet_ranges_and_overlaps)
{
	char *vpc = new_vpc("10.0.0.0%2F16"), *other = new_vpc("10.0.0.0%2F16");
	char *s1 = new_subnet(vpc, "10.0.1.0%2F24"), *s2, *r;

	/* Inside the VPC, /16 to /28, overlapping no other subnet of the same VPC. */
	qerr(400, "InvalidSubnet.Conflict", "Action=CreateSubnet&VpcId=%s&CidrBlock=10.0.1.128%%2F25",
	    vpc);
	qerr(400, "InvalidSubnet.Conflict", "Action=CreateSubnet&VpcId=%s&CidrBlock=10.0.0.0%%2F20",
	    vpc);
	qerr(400, "InvalidSubnet.Range", "Action=CreateSubnet&VpcId=%s&CidrBlock=10.1.0.0%%2F24", vpc);
	qerr(400, "InvalidSubnet.Range", "Action=CreateSubnet&VpcId=%s&CidrBlock=10.0.2.0%%2F29", vpc);
	qerr(400, "InvalidParameterValue", "Action=CreateSubnet&VpcId=%s&CidrBlock=10.0.2.0%%2F24"
	    "&AvailabilityZone=us-east-1z", vpc);
	free(new_subnet(other, "10.0.1.0%2F24"));
	s2 = new_subnet(vpc, "10.0.2.0%2F28");
	r = q(200, "Action=DescribeSubnets&SubnetId.1=%s&SubnetId.2=%s", s1, s2);
	ck_assert_int_eq(count(r, "<availableIpAddressCount>251<"), 1);
	ck_assert_int_eq(count(r, "<availableIpAddressCount>11<"), 1);
	ck_assert_ptr_nonnull(strstr(r, "<availabilityZone>us-east-1a</availabilityZone>"
	    "<availabilityZoneId>use1-az1</availabilityZoneId>"));
	free(r);
	r = q(200, "Action=CreateSubnet&VpcId=%s&CidrBlock=10.0.3.0%%2F24&AvailabilityZoneId="
	    "use1-az3", vpc);
	ck_assert_ptr_nonnull(strstr(r, "<availabilityZone>us-east-1c</availabilityZone>"));
	free(r);
	free(s1);
	free(s2);
	free(vpc);
	free(other);
}
END_TEST

START_TEST(dependencies)
{
	char *vpc = new_vpc("10.0.0.0%2F16"), *subnet = new_subnet(vpc, "10.0.1.0%2F24");
	char *r = q(200, "Action=CreateInternetGateway"), *igw = elem(r, "internetGatewayId");
	char *sg, *sg2;

	free(r);
	qerr(400, "DependencyViolation", "Action=DeleteVpc&VpcId=%s", vpc);
	free(q(200, "Action=DeleteSubnet&SubnetId=%s", subnet));
	free(q(200, "Action=AttachInternetGateway&InternetGatewayId=%s&VpcId=%s", igw, vpc));
	qerr(400, "DependencyViolation", "Action=DeleteVpc&VpcId=%s", vpc);
	qerr(400, "DependencyViolation", "Action=DeleteInternetGateway&InternetGatewayId=%s", igw);
	free(q(200, "Action=DetachInternetGateway&InternetGatewayId=%s&VpcId=%s", igw, vpc));
	r = q(200, "Action=CreateSecurityGroup&GroupName=a&GroupDescription=a&VpcId=%s", vpc);
	sg = elem(r, "groupId");
	free(r);
	r = q(200, "Action=CreateSecurityGroup&GroupName=b&GroupDescription=b&VpcId=%s", vpc);
	sg2 = elem(r, "groupId");
	free(r);
	free(q(200, "Action=AuthorizeSecurityGroupIngress&GroupId=%s&IpPermissions.1.IpProtocol=tcp"
	    "&IpPermissions.1.FromPort=1&IpPermissions.1.ToPort=2&IpPermissions.1.Groups.1.GroupId=%s",
	    sg2, sg));
	qerr(400, "DependencyViolation", "Action=DeleteSecurityGroup&GroupId=%s", sg);
	qerr(400, "DependencyViolation", "Action=DeleteVpc&VpcId=%s", vpc);
	free(q(200, "Action=DeleteSecurityGroup&GroupId=%s", sg2));
	free(q(200, "Action=DeleteSecurityGroup&GroupId=%s", sg));
	free(q(200, "Action=DeleteVpc&VpcId=%s", vpc));
	r = q(200, "Action=DescribeRouteTables");
	ck_assert_ptr_nonnull(strstr(r, "<routeTableSet></routeTableSet>"));
	free(r);
	free(q(200, "Action=DeleteInternetGateway&InternetGatewayId=%s", igw));
	free(vpc);
	free(subnet);
	free(igw);
	free(sg);
	free(sg2);
}
END_TEST

START_TEST(routes_follow_their_gateway)
{
	char *vpc = new_vpc("10.0.0.0%2F16"), *r = q(200, "Action=CreateInternetGateway");
	char *igw = elem(r, "internetGatewayId"), *rtb;

	free(r);
	r = q(200, "Action=CreateRouteTable&VpcId=%s", vpc);
	rtb = elem(r, "routeTableId");
	free(r);
	qerr(400, "InvalidParameterValue", "Action=CreateRoute&RouteTableId=%s&DestinationCidrBlock="
	    "0.0.0.0%%2F0&GatewayId=%s", rtb, igw);
	free(q(200, "Action=AttachInternetGateway&InternetGatewayId=%s&VpcId=%s", igw, vpc));
	free(q(200, "Action=CreateRoute&RouteTableId=%s&DestinationCidrBlock=0.0.0.0%%2F0"
	    "&GatewayId=%s", rtb, igw));
	qerr(400, "InvalidParameterValue", "Action=CreateRoute&RouteTableId=%s&DestinationCidrBlock="
	    "10.0.4.0%%2F24&GatewayId=%s", rtb, igw);
	qerr(400, "UnsupportedOperation", "Action=CreateRoute&RouteTableId=%s&DestinationCidrBlock="
	    "1.0.0.0%%2F8&NatGatewayId=nat-1", rtb);
	r = q(200, "Action=DescribeRouteTables&Filter.1.Name=route.state&Filter.1.Value.1=active"
	    "&Filter.2.Name=route.gateway-id&Filter.2.Value.1=igw-*");
	ck_assert_int_eq(count(r, "<routeTableId>"), 1);
	free(r);
	free(q(200, "Action=DetachInternetGateway&InternetGatewayId=%s&VpcId=%s", igw, vpc));
	r = q(200, "Action=DescribeRouteTables&RouteTableId.1=%s", rtb);
	ck_assert_ptr_nonnull(strstr(r, "<state>blackhole</state>"));
	free(r);
	qerr(400, "InvalidParameterValue", "Action=DeleteRoute&RouteTableId=%s&DestinationCidrBlock="
	    "10.0.0.0%%2F16", rtb);
	free(q(200, "Action=DeleteRoute&RouteTableId=%s&DestinationCidrBlock=0.0.0.0%%2F0", rtb));
	qerr(400, "InvalidRoute.NotFound", "Action=DeleteRoute&RouteTableId=%s&DestinationCidrBlock="
	    "0.0.0.0%%2F0", rtb);
	free(vpc);
	free(igw);
	free(rtb);
}
END_TEST

START_TEST(filters_and_tags)
{
	char *a = new_vpc("10.0.0.0%2F16"), *b = new_vpc("10.1.0.0%2F16"), *r;

	free(q(200, "Action=CreateTags&ResourceId.1=%s&ResourceId.2=%s&Tag.1.Key=team&Tag.1.Value="
	    "core&Tag.2.Key=env&Tag.2.Value=prod", a, b));
	free(q(200, "Action=CreateTags&ResourceId.1=%s&Tag.1.Key=env&Tag.1.Value=test", b));
	r = q(200, "Action=DescribeVpcs&Filter.1.Name=tag%%3Aenv&Filter.1.Value.1=pr*");
	ck_assert_int_eq(count(r, "<vpcId>"), 1);
	ck_assert_ptr_nonnull(strstr(r, a));
	free(r);
	r = q(200, "Action=DescribeVpcs&Filter.1.Name=tag-key&Filter.1.Value.1=team"
	    "&Filter.2.Name=cidr&Filter.2.Value.1=10.1.0.0%%2F16&Filter.2.Value.2=10.9.0.0%%2F16");
	ck_assert_int_eq(count(r, "<vpcId>"), 1);
	ck_assert_ptr_nonnull(strstr(r, b));
	free(r);
	r = q(200, "Action=DescribeTags&Filter.1.Name=resource-id&Filter.1.Value.1=%s", b);
	ck_assert_ptr_nonnull(strstr(r, "<item><resourceId>"));
	ck_assert_int_eq(count(r, "<resourceType>vpc</resourceType>"), 2);
	free(r);
	qerr(400, "InvalidParameterValue", "Action=DescribeVpcs&Filter.1.Name=colour"
	    "&Filter.1.Value.1=red");
	qerr(400, "InvalidParameterValue", "Action=DescribeVpcs&Filter.1.Name=tag-key");
	qerr(400, "InvalidParameterValue", "Action=CreateTags&ResourceId.1=%s&Tag.1.Key=aws%%3Ax", a);
	qerr(400, "InvalidVpcID.NotFound", "Action=CreateTags&ResourceId.1=vpc-0123456789abcdef0"
	    "&Tag.1.Key=k");
	/* Fifty tags at most; replacing a value adds none. */
	{
		struct fg_buf body;

		fg_buf_init(&body);
		for (int i = 1; i <= 48; i++)
			fg_buf_addf(&body, "&Tag.%d.Key=k%d", i, i);
		free(q(200, "Action=CreateTags&ResourceId.1=%s%s", a, fg_buf_cstr(&body)));
		fg_buf_free(&body);
	}
	qerr(400, "TagLimitExceeded", "Action=CreateTags&ResourceId.1=%s&Tag.1.Key=k49", a);
	free(q(200, "Action=CreateTags&ResourceId.1=%s&Tag.1.Key=k1&Tag.1.Value=v", a));
	free(a);
	free(b);
}
END_TEST

START_TEST(pagination)
{
	char *vpc = new_vpc("10.0.0.0%2F16"), *r, *tok = NULL, *seen = fg_strdup("");
	int pages = 0, total = 0;

	for (int i = 0; i < 12; i++)
		free(q(200, "Action=CreateSecurityGroup&GroupName=g%d&GroupDescription=d&VpcId=%s", i,
		    vpc));
	/* Thirteen groups with the default one: pages of 5, 5 and 3. */
	do {
		char *next;
		int n;

		r = tok ? q(200, "Action=DescribeSecurityGroups&MaxResults=5&NextToken=%s", tok) :
		    q(200, "Action=DescribeSecurityGroups&MaxResults=5");
		n = count(r, "<groupName>");
		ck_assert_int_eq(n, pages < 2 ? 5 : 3);
		for (const char *p = r; (p = strstr(p, "<item><ownerId>")) != NULL; p++) {
			char *id = elem(p, "groupId"), *s;

			ck_assert_msg(strstr(seen, id) == NULL, "%s twice", id);
			s = fg_printf("%s %s", seen, id);
			free(seen);
			seen = s;
			free(id);
		}
		next = lct_xml_text(r, "nextToken");
		free(tok);
		tok = NULL;
		if (next) {
			struct fg_buf enc;

			fg_buf_init(&enc);
			fg_uri_encode(&enc, next, strlen(next), 0);
			tok = fg_buf_detach(&enc);
			free(next);
		}
		pages++;
		total += n;
		free(r);
	} while (tok);
	ck_assert_int_eq(pages, 3);
	ck_assert_int_eq(total, 13);
	r = q(200, "Action=DescribeSecurityGroups&MaxResults=5");
	tok = elem(r, "nextToken");
	free(r);
	{
		struct fg_buf enc;

		fg_buf_init(&enc);
		fg_uri_encode(&enc, tok, strlen(tok), 0);
		qerr(400, "InvalidPaginationToken", "Action=DescribeVpcs&NextToken=%s",
		    fg_buf_cstr(&enc));
		fg_buf_free(&enc);
	}
	qerr(400, "InvalidParameterValue", "Action=DescribeSecurityGroups&MaxResults=4");
	qerr(400, "InvalidParameterValue", "Action=DescribeRouteTables&MaxResults=101");
	free(q(200, "Action=DescribeRouteTables&MaxResults=100"));
	free(tok);
	free(seen);
	free(vpc);
}
END_TEST

/* Launches instances in a new VPC's subnet; returns the reply (caller frees). */
static char *
launch(const char *extra)
{
	char *vpc = new_vpc("10.0.0.0%2F16"), *subnet = new_subnet(vpc, "10.0.1.0%2F24");
	char *r = q(200, "Action=RunInstances&ImageId=ami-0fc0ca1c10ca1c001&SubnetId=%s%s",
	    subnet, extra);

	free(vpc);
	free(subnet);
	return r;
}

START_TEST(instance_states_follow_the_clock)
{
	char *r = launch("&MinCount=1&MaxCount=1"), *id = elem(r, "instanceId");

	ck_assert_ptr_nonnull(strstr(r, "<instanceState><code>0</code><name>pending</name>"));
	ck_assert_ptr_nonnull(strstr(r, "<privateIpAddress>10.0.1.4</privateIpAddress>"));
	ck_assert_ptr_nonnull(strstr(r, "<instanceType>m1.small</instanceType>"));
	free(r);
	lct_fake_ms += EC2_BOOT_MS;
	r = q(200, "Action=DescribeInstances&InstanceId.1=%s", id);
	ck_assert_ptr_nonnull(strstr(r, "<name>running</name>"));
	free(r);
	r = q(200, "Action=TerminateInstances&InstanceId.1=%s", id);
	ck_assert_ptr_nonnull(strstr(r, "<currentState><code>32</code><name>shutting-down</name>"
	    "</currentState><previousState><code>16</code><name>running</name></previousState>"));
	free(r);
	lct_fake_ms += EC2_STOP_MS;
	r = q(200, "Action=DescribeInstances&Filter.1.Name=instance-state-code&Filter.1.Value.1=48");
	ck_assert_ptr_nonnull(strstr(r, id));
	ck_assert_ptr_null(strstr(r, "<privateIpAddress>"));
	free(r);
	lct_fake_ms += EC2_KEEP_MS;
	qerr(400, "InvalidInstanceID.NotFound", "Action=DescribeInstances&InstanceId.1=%s", id);
	free(id);
}
END_TEST

/* Asserts the <value> DescribeInstanceAttribute gives for an attribute. */
static void
attr_is(const char *id, const char *attr, const char *want)
{
	char *r = q(200, "Action=DescribeInstanceAttribute&InstanceId=%s&Attribute=%s", id, attr);
	char *open = fg_printf("<instanceId>%s</instanceId><%s><value>%s</value></%s>", id, attr,
	    want, attr);

	ck_assert_msg(strstr(r, open) != NULL, "%s: want %s in %s", attr, open, r);
	free(open);
	free(r);
}

START_TEST(stop_start_and_attributes)
{
	char *r = launch("&MinCount=1&MaxCount=1&InstanceType=t3.micro&UserData=aGk%3D"
	    "&Monitoring.Enabled=true"), *id = elem(r, "instanceId");

	ck_assert_ptr_nonnull(strstr(r, "<monitoring><state>pending</state></monitoring>"));
	free(r);
	/* A pending instance can be neither stopped nor changed. */
	qerr(400, "IncorrectInstanceState", "Action=StopInstances&InstanceId.1=%s", id);
	lct_fake_ms += EC2_BOOT_MS;
	r = q(200, "Action=DescribeInstances&InstanceId.1=%s", id);
	ck_assert_ptr_nonnull(strstr(r, "<monitoring><state>enabled</state></monitoring>"));
	ck_assert_ptr_nonnull(strstr(r, "<ebsOptimized>false</ebsOptimized>"));
	free(r);
	attr_is(id, "instanceType", "t3.micro");
	attr_is(id, "userData", "aGk=");
	attr_is(id, "disableApiTermination", "false");
	attr_is(id, "instanceInitiatedShutdownBehavior", "stop");
	attr_is(id, "ebsOptimized", "false");
	qerr(400, "InvalidParameterValue", "Action=DescribeInstanceAttribute&InstanceId=%s"
	    "&Attribute=color", id);
	qerr(400, "MissingParameter", "Action=DescribeInstanceAttribute&InstanceId=%s", id);
	/* Type, EBS optimization and user data change only while stopped, as in EC2. */
	qerr(400, "IncorrectInstanceState", "Action=ModifyInstanceAttribute&InstanceId=%s"
	    "&InstanceType.Value=t3.large", id);
	qerr(400, "IncorrectInstanceState", "Action=ModifyInstanceAttribute&InstanceId=%s"
	    "&EbsOptimized.Value=true", id);
	qerr(400, "IncorrectInstanceState", "Action=ModifyInstanceAttribute&InstanceId=%s"
	    "&UserData.Value=eW8%%3D", id);
	free(q(200, "Action=ModifyInstanceAttribute&InstanceId=%s&DisableApiTermination.Value=true",
	    id));
	attr_is(id, "disableApiTermination", "true");
	free(q(200, "Action=ModifyInstanceAttribute&InstanceId=%s&Attribute="
	    "instanceInitiatedShutdownBehavior&Value=terminate", id));
	attr_is(id, "instanceInitiatedShutdownBehavior", "terminate");
	/* running -> stopping -> stopped. */
	r = q(200, "Action=StopInstances&InstanceId.1=%s", id);
	ck_assert_ptr_nonnull(strstr(r, "<currentState><code>64</code><name>stopping</name>"
	    "</currentState><previousState><code>16</code><name>running</name></previousState>"));
	free(r);
	qerr(400, "IncorrectInstanceState", "Action=StartInstances&InstanceId.1=%s", id);
	qerr(400, "IncorrectInstanceState", "Action=ModifyInstanceAttribute&InstanceId=%s"
	    "&InstanceType.Value=t3.large", id);
	lct_fake_ms += EC2_STOP_MS;
	r = q(200, "Action=DescribeInstances&Filter.1.Name=instance-state-name"
	    "&Filter.1.Value.1=stopped");
	ck_assert_ptr_nonnull(strstr(r, id));
	ck_assert_ptr_nonnull(strstr(r, "<code>80</code><name>stopped</name>"));
	ck_assert_ptr_nonnull(strstr(r, "<privateIpAddress>10.0.1.4</privateIpAddress>"));
	ck_assert_ptr_nonnull(strstr(r, "<code>Client.UserInitiatedShutdown</code>"));
	free(r);
	r = q(200, "Action=StopInstances&InstanceId.1=%s", id);
	ck_assert_ptr_nonnull(strstr(r, "<currentState><code>80</code><name>stopped</name>"
	    "</currentState><previousState><code>80</code><name>stopped</name>"));
	free(r);
	free(q(200, "Action=ModifyInstanceAttribute&InstanceId=%s&InstanceType.Value=t3.large",
	    id));
	free(q(200, "Action=ModifyInstanceAttribute&InstanceId=%s&EbsOptimized.Value=true", id));
	free(q(200, "Action=ModifyInstanceAttribute&InstanceId=%s&Attribute=userData"
	    "&Value=eW8%%3D", id));
	qerr(400, "InvalidParameterValue", "Action=ModifyInstanceAttribute&InstanceId=%s"
	    "&InstanceType.Value=LARGE", id);
	qerr(400, "InvalidParameterValue", "Action=ModifyInstanceAttribute&InstanceId=%s"
	    "&UserData.Value=%%25%%25", id);
	attr_is(id, "instanceType", "t3.large");
	attr_is(id, "ebsOptimized", "true");
	attr_is(id, "userData", "eW8=");
	/* stopped -> pending -> running, the same instance with its new type. */
	r = q(200, "Action=StartInstances&InstanceId.1=%s", id);
	ck_assert_ptr_nonnull(strstr(r, "<currentState><code>0</code><name>pending</name>"
	    "</currentState><previousState><code>80</code><name>stopped</name></previousState>"));
	free(r);
	lct_fake_ms += EC2_BOOT_MS;
	r = q(200, "Action=DescribeInstances&InstanceId.1=%s", id);
	ck_assert_ptr_nonnull(strstr(r, "<name>running</name>"));
	ck_assert_ptr_nonnull(strstr(r, "<instanceType>t3.large</instanceType>"));
	ck_assert_ptr_nonnull(strstr(r, "<ebsOptimized>true</ebsOptimized>"));
	ck_assert_ptr_null(strstr(r, "<stateReason>"));
	free(r);
	r = q(200, "Action=StartInstances&InstanceId.1=%s", id);
	ck_assert_ptr_nonnull(strstr(r, "<currentState><code>16</code><name>running</name>"));
	free(r);
	/* Monitoring: disabling, then disabled; enabling an enabled instance changes nothing. */
	r = q(200, "Action=UnmonitorInstances&InstanceId.1=%s", id);
	ck_assert_ptr_nonnull(strstr(r, "<instancesSet><item><instanceId>"));
	ck_assert_ptr_nonnull(strstr(r, "<monitoring><state>disabling</state></monitoring>"));
	free(r);
	lct_fake_ms += EC2_MONITOR_MS;
	r = q(200, "Action=DescribeInstances&Filter.1.Name=monitoring-state"
	    "&Filter.1.Value.1=disabled");
	ck_assert_ptr_nonnull(strstr(r, id));
	free(r);
	r = q(200, "Action=MonitorInstances&InstanceId.1=%s", id);
	ck_assert_ptr_nonnull(strstr(r, "<monitoring><state>pending</state></monitoring>"));
	free(r);
	lct_fake_ms += EC2_MONITOR_MS;
	r = q(200, "Action=MonitorInstances&InstanceId.1=%s", id);
	ck_assert_ptr_nonnull(strstr(r, "<monitoring><state>enabled</state></monitoring>"));
	free(r);
	qerr(400, "MissingParameter", "Action=StopInstances");
	qerr(400, "InvalidInstanceID.NotFound", "Action=StopInstances&InstanceId.1="
	    "i-0123456789abcdef0");
	qerr(400, "UnsupportedOperation", "Action=StopInstances&InstanceId.1=%s&Hibernate=true",
	    id);
	/* Terminated instances can be neither started, stopped nor watched. */
	free(q(200, "Action=ModifyInstanceAttribute&InstanceId=%s&DisableApiTermination.Value="
	    "false", id));
	free(q(200, "Action=TerminateInstances&InstanceId.1=%s", id));
	qerr(400, "IncorrectInstanceState", "Action=StopInstances&InstanceId.1=%s", id);
	qerr(400, "IncorrectInstanceState", "Action=StartInstances&InstanceId.1=%s", id);
	qerr(400, "IncorrectInstanceState", "Action=MonitorInstances&InstanceId.1=%s", id);
	free(id);
}
END_TEST

START_TEST(client_token_idempotency)
{
	char *r = launch("&MinCount=2&MaxCount=3&ClientToken=abc"), *res = elem(r, "reservationId");
	char *subnet = elem(r, "subnetId"), *again, *res2;

	ck_assert_int_eq(count(r, "<instanceId>"), 3);
	free(r);
	again = q(200, "Action=RunInstances&ImageId=ami-0fc0ca1c10ca1c001&SubnetId=%s&MinCount=2"
	    "&MaxCount=3&ClientToken=abc", subnet);
	res2 = elem(again, "reservationId");
	ck_assert_str_eq(res, res2);
	ck_assert_int_eq(count(again, "<instanceId>"), 3);
	free(again);
	free(res2);
	qerr(400, "IdempotentParameterMismatch", "Action=RunInstances&ImageId=ami-0fc0ca1c10ca1c001"
	    "&SubnetId=%s&MinCount=2&MaxCount=4&ClientToken=abc", subnet);
	qerr(400, "InvalidAMIID.NotFound", "Action=RunInstances&ImageId=ami-0123456789abcdef0"
	    "&SubnetId=%s&MinCount=1&MaxCount=1", subnet);
	qerr(400, "InvalidAMIID.Malformed", "Action=RunInstances&ImageId=centos&SubnetId=%s"
	    "&MinCount=1&MaxCount=1", subnet);
	qerr(400, "InvalidParameterValue", "Action=RunInstances&ImageId=ami-0fc0ca1c10ca1c001"
	    "&SubnetId=%s&MinCount=3&MaxCount=2", subnet);
	qerr(400, "VPCIdNotSpecified", "Action=RunInstances&ImageId=ami-0fc0ca1c10ca1c001"
	    "&MinCount=1&MaxCount=1");
	r = q(200, "Action=DescribeInstances&Filter.1.Name=client-token&Filter.1.Value.1=abc");
	ck_assert_int_eq(count(r, "<reservationId>"), 1);
	free(r);
	free(res);
	free(subnet);
}
END_TEST

START_TEST(security_group_rules)
{
	char *vpc = new_vpc("10.0.0.0%2F16"), *r, *sg;

	r = q(200, "Action=CreateSecurityGroup&GroupName=web&GroupDescription=w&VpcId=%s", vpc);
	sg = elem(r, "groupId");
	free(r);
	qerr(400, "InvalidGroup.Duplicate", "Action=CreateSecurityGroup&GroupName=web"
	    "&GroupDescription=w&VpcId=%s", vpc);
	qerr(400, "VPCIdNotSpecified", "Action=CreateSecurityGroup&GroupName=x&GroupDescription=x");
	qerr(400, "InvalidParameterValue", "Action=CreateSecurityGroup&GroupName=default"
	    "&GroupDescription=x&VpcId=%s", vpc);
	/* The flat form, then IpPermissions: both normalize protocol numbers. */
	r = q(200, "Action=AuthorizeSecurityGroupIngress&GroupId=%s&IpProtocol=6&FromPort=80"
	    "&ToPort=80&CidrIp=0.0.0.0%%2F0", sg);
	ck_assert_ptr_nonnull(strstr(r, "<isEgress>false</isEgress><ipProtocol>tcp</ipProtocol>"));
	ck_assert_ptr_nonnull(strstr(r, "<securityGroupRuleId>sgr-"));
	free(r);
	qerr(400, "InvalidPermission.Duplicate", "Action=AuthorizeSecurityGroupIngress&GroupId=%s"
	    "&IpPermissions.1.IpProtocol=tcp&IpPermissions.1.FromPort=80&IpPermissions.1.ToPort=80"
	    "&IpPermissions.1.IpRanges.1.CidrIp=0.0.0.0%%2F0", sg);
	qerr(400, "InvalidParameterValue", "Action=AuthorizeSecurityGroupIngress&GroupId=%s"
	    "&IpPermissions.1.IpProtocol=tcp&IpPermissions.1.FromPort=90&IpPermissions.1.ToPort=80"
	    "&IpPermissions.1.IpRanges.1.CidrIp=0.0.0.0%%2F0", sg);
	qerr(400, "InvalidParameterValue", "Action=AuthorizeSecurityGroupIngress&GroupId=%s"
	    "&IpPermissions.1.IpProtocol=bogus&IpPermissions.1.IpRanges.1.CidrIp=0.0.0.0%%2F0", sg);
	qerr(400, "InvalidGroup.NotFound", "Action=AuthorizeSecurityGroupIngress&GroupId=%s"
	    "&IpPermissions.1.IpProtocol=-1&IpPermissions.1.Groups.1.GroupId=sg-0123456789abcdef0",
	    sg);
	free(q(200, "Action=AuthorizeSecurityGroupIngress&GroupId=%s&IpPermissions.1.IpProtocol=tcp"
	    "&IpPermissions.1.FromPort=80&IpPermissions.1.ToPort=80&IpPermissions.1.IpRanges.1.CidrIp="
	    "10.0.0.0%%2F8&IpPermissions.1.IpRanges.1.Description=inside", sg));
	/* Two sources of the same port range make one IpPermissions item. */
	r = q(200, "Action=DescribeSecurityGroups&GroupId.1=%s", sg);
	ck_assert_ptr_nonnull(strstr(r, "<ipPermissions><item><ipProtocol>tcp</ipProtocol>"
	    "<fromPort>80</fromPort><toPort>80</toPort><groups></groups><ipRanges><item><cidrIp>"
	    "0.0.0.0/0</cidrIp></item><item><cidrIp>10.0.0.0/8</cidrIp><description>inside"
	    "</description></item></ipRanges>"));
	ck_assert_int_eq(count(r, "<ipProtocol>"), 2);
	free(r);
	/* Nothing is revoked when one rule of the request does not exist. */
	qerr(400, "InvalidPermission.NotFound", "Action=RevokeSecurityGroupIngress&GroupId=%s"
	    "&IpPermissions.1.IpProtocol=tcp&IpPermissions.1.FromPort=80&IpPermissions.1.ToPort=80"
	    "&IpPermissions.1.IpRanges.1.CidrIp=0.0.0.0%%2F0&IpPermissions.1.IpRanges.2.CidrIp="
	    "192.168.0.0%%2F16", sg);
	free(q(200, "Action=RevokeSecurityGroupIngress&GroupId=%s&IpPermissions.1.IpProtocol=tcp"
	    "&IpPermissions.1.FromPort=80&IpPermissions.1.ToPort=80&IpPermissions.1.IpRanges.1.CidrIp="
	    "0.0.0.0%%2F0&IpPermissions.1.IpRanges.2.CidrIp=10.0.0.0%%2F8", sg));
	r = q(200, "Action=DescribeSecurityGroups&GroupId.1=%s", sg);
	ck_assert_ptr_nonnull(strstr(r, "<ipPermissions></ipPermissions>"));
	free(r);
	qerr(400, "InvalidGroup.NotFound", "Action=DescribeSecurityGroups&GroupName.1=web");
	free(sg);
	free(vpc);
}
END_TEST

/* The EC2 state of a server as JSON text (caller frees). */
static char *
saved(struct lc_server *s)
{
	struct fg_jw jw;
	char *text;

	fg_jw_init(&jw, 0);
	ec2_state_save(lc_service_state(s, "ec2"), &jw);
	text = fg_jw_detach(&jw);
	fg_jw_free(&jw);
	return text;
}

/* Loads JSON text into a fresh EC2 state; returns the error (caller frees) or NULL. */
static char *
load(const char *text, char **resaved)
{
	struct lc_server *s = lct_server(loop, NULL, NULL);
	char *err = NULL;
	fg_json v = fg_json_parse(text, strlen(text), &err);

	ck_assert_msg(v != NULL, "%s", err);
	if (ec2_state_load(lc_service_state(s, "ec2"), v, &err) == 0 && resaved)
		*resaved = saved(s);
	fg_json_free(v);
	lc_server_free(s);
	return err;
}

START_TEST(state_round_trip)
{
	char *r = launch("&MinCount=2&MaxCount=2&ClientToken=t&KeyName=k&UserData=aGk%3D"
	    "&TagSpecification.1.ResourceType=instance&TagSpecification.1.Tag.1.Key=a"
	    "&TagSpecification.1.Tag.1.Value=b"), *vpc = elem(r, "vpcId"), *sg, *igw, *text, *again;

	free(r);
	r = q(200, "Action=CreateSecurityGroup&GroupName=s&GroupDescription=d&VpcId=%s", vpc);
	sg = elem(r, "groupId");
	free(r);
	free(q(200, "Action=AuthorizeSecurityGroupEgress&GroupId=%s&IpPermissions.1.IpProtocol=udp"
	    "&IpPermissions.1.FromPort=53&IpPermissions.1.ToPort=53&IpPermissions.1.Groups.1.GroupId="
	    "%s&IpPermissions.1.Groups.1.Description=dns", sg, sg));
	r = q(200, "Action=CreateInternetGateway");
	igw = elem(r, "internetGatewayId");
	free(r);
	free(q(200, "Action=AttachInternetGateway&InternetGatewayId=%s&VpcId=%s", igw, vpc));
	text = saved(srv);
	ck_assert_ptr_null(load(text, &again));
	ck_assert_str_eq(again, text);
	free(again);
	free(text);
	free(vpc);
	free(sg);
	free(igw);
}
END_TEST

START_TEST(bad_state_is_refused)
{
	char *err;

	err = load("{\"version\":1,\"resources\":[]}", NULL);
	ck_assert_str_eq(err, "ec2 state: \"version\" must be 2");
	free(err);
	err = load("{\"version\":2,\"resources\":[{\"kind\":\"vpc\",\"id\":\"subnet-1a2b3c4d\","
	    "\"account\":\"1\",\"region\":\"r\",\"created_ms\":0,\"tags\":{}}]}", NULL);
	ck_assert_str_eq(err, "resource 0: kind \"vpc\" and id \"subnet-1a2b3c4d\" do not go "
	    "together");
	free(err);
	err = load("{\"version\":2,\"resources\":[{\"kind\":\"internet-gateway\",\"id\":"
	    "\"igw-1a2b3c4d\",\"account\":\"1\",\"region\":\"r\",\"created_ms\":0,\"tags\":{},"
	    "\"vpc\":7}]}", NULL);
	ck_assert_str_eq(err, "resource 0: \"vpc\" must be a string");
	free(err);
	err = load("{\"version\":2,\"resources\":[{\"kind\":\"subnet\",\"id\":\"subnet-1a2b3c4d\","
	    "\"account\":\"1\",\"region\":\"r\",\"created_ms\":0,\"tags\":{},\"vpc\":\"v\","
	    "\"cidr\":\"10.0.0.1/16\",\"zone\":\"z\",\"map_public_ip\":false}]}", NULL);
	ck_assert_str_eq(err, "resource 0: \"cidr\" must be a CIDR block");
	free(err);
}
END_TEST

/* The suite. */
static Suite *
lc_ec2_suite(void)
{
	Suite *s = suite_create("lc_ec2");
	TCase *units = tcase_create("units"), *actions = tcase_create("actions");

	tcase_add_test(units, cidr_parsing);
	tcase_add_test(units, cidr_containment_and_overlap);
	tcase_add_test(units, filter_wildcards);
	tcase_add_test(units, id_formats);
	tcase_add_test(units, request_shapes);
	suite_add_tcase(s, units);
	tcase_add_checked_fixture(actions, setup, teardown);
	tcase_add_test(actions, replies_and_errors_in_ec2_shape);
	tcase_add_test(actions, subnet_ranges_and_overlaps);
	tcase_add_test(actions, dependencies);
	tcase_add_test(actions, routes_follow_their_gateway);
	tcase_add_test(actions, filters_and_tags);
	tcase_add_test(actions, pagination);
	tcase_add_test(actions, instance_states_follow_the_clock);
	tcase_add_test(actions, stop_start_and_attributes);
	tcase_add_test(actions, client_token_idempotency);
	tcase_add_test(actions, security_group_rules);
	tcase_add_test(actions, state_round_trip);
	tcase_add_test(actions, bad_state_is_refused);
	suite_add_tcase(s, actions);
	return s;
}

int
main(void)
{
	SRunner *sr = srunner_create(lc_ec2_suite());
	int failed;

	srunner_run_all(sr, CK_ENV);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed != 0;
}
