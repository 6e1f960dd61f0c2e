/* check_lc_iam.c: unit tests for localcloud's IAM: name, path and tag constraints with AWS's
 * ValidationError wording, policy document checks, and the actions through the router on a fake
 * clock (role lifecycle, delete conflicts, policy versions and their limit, instance profiles,
 * tags of policies and instance profiles, permissions boundaries, the entities of a policy,
 * pagination, error codes, persistence). */
#include "config.h"

#include <check.h>
#include <dirent.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "iam.h"
#include "lc_testlib.h"

#define TRUST "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\",\"Principal\":" \
	"{\"Service\":\"ec2.amazonaws.com\"},\"Action\":\"sts:AssumeRole\"}]}"
#define POLICY(action) "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\"," \
	"\"Action\":\"" action "\",\"Resource\":\"*\"}]}"

START_TEST(patterns_follow_iam)
{
	static const struct {
		enum iam_pat pat;
		const char *s;
		int ok;
	} cases[] = {
		{ IAM_P_NAME, "web-App_1+=,.@", 1 }, { IAM_P_NAME, "a b", 0 },
		{ IAM_P_NAME, "r\xc3\xb4le", 0 }, { IAM_P_NAME, "", 0 },
		{ IAM_P_PATH, "/", 1 }, { IAM_P_PATH, "/app/web/", 1 }, { IAM_P_PATH, "app/", 0 },
		{ IAM_P_PATH, "/app", 0 }, { IAM_P_PATH, "//", 0 }, { IAM_P_PATH, "/a b/", 0 },
		{ IAM_P_PATH_PREFIX, "/", 1 }, { IAM_P_PATH_PREFIX, "/app", 1 },
		{ IAM_P_PATH_PREFIX, "app", 0 },
		{ IAM_P_POLICY_PATH, "/", 1 }, { IAM_P_POLICY_PATH, "/a.b/c@d/", 1 },
		{ IAM_P_POLICY_PATH, "//", 0 }, { IAM_P_POLICY_PATH, "/a", 0 },
		{ IAM_P_POLICY_PATH, "/a!/", 0 },
		{ IAM_P_VERSION, "v1", 1 }, { IAM_P_VERSION, "v12", 1 },
		{ IAM_P_VERSION, "v1.x-2", 1 }, { IAM_P_VERSION, "v0", 0 }, { IAM_P_VERSION, "1", 0 },
		{ IAM_P_VERSION, "v1_", 0 },
		{ IAM_P_TAG_KEY, "Cost Center:a/b=c+d-e@f_g.h", 1 }, { IAM_P_TAG_KEY, "a*b", 0 },
		{ IAM_P_TAG_KEY, "", 0 }, { IAM_P_TAG_VALUE, "", 1 },
		{ IAM_P_TAG_VALUE, "caf\xc3\xa9", 1 },
		{ IAM_P_DOC, "{\t\r\n\"a\": \"\xc3\xa9\"}", 1 }, { IAM_P_DOC, "\xe2\x82\xac", 0 },
		{ IAM_P_DOC, "a\001", 0 },
		{ IAM_P_TEXT, "H\xc3\xa9 \xe2\x9c\x93!", 1 }, { IAM_P_TEXT, "a\tb", 0 },
		{ IAM_P_TEXT, "", 1 },
		{ IAM_P_MARKER, "abc=", 1 }, { IAM_P_MARKER, "a\nb", 0 },
		{ IAM_P_SCOPE, "Local", 1 }, { IAM_P_SCOPE, "local", 0 },
		{ IAM_P_USAGE, "PermissionsBoundary", 1 }, { IAM_P_USAGE, "All", 0 },
	};

	for (size_t i = 0; i < FG_ARRAY_LEN(cases); i++)
		ck_assert_msg(iam_pat_match(cases[i].pat, cases[i].s) == cases[i].ok,
		    "pattern %d, \"%s\": want %d", cases[i].pat, cases[i].s, cases[i].ok);
}
END_TEST

/* Parses test JSON. */
static fg_json
jparse(const char *text)
{
	char *err = NULL;
	fg_json j = fg_json_parse(text, strlen(text), &err);

	ck_assert_msg(j != NULL, "bad test JSON: %s", err);
	return j;
}

/* The message iam_field_check gives a JSON value (text; NULL for absent), or NULL when it
 * passes (caller frees). */
static char *
field_msg(const struct iam_field *f, const char *json)
{
	fg_json v = json ? jparse(json) : NULL;
	char *msg = NULL;

	if (iam_field_check(f, v, &msg) == 0)
		ck_assert_ptr_null(msg);
	else
		ck_assert_ptr_nonnull(msg);
	fg_json_free(v);
	return msg;
}

START_TEST(field_messages_match_aws)
{
	static const struct iam_field role = { "RoleName", 1, IAM_P_NAME, 1, 64 };
	static const struct iam_field path = { "Path", 0, IAM_P_PATH, 1, 512 };
	static const struct iam_field session = { "MaxSessionDuration", 0, IAM_P_INT, 3600, 43200 };
	static const struct iam_field tags = { "Tags", 0, IAM_P_TAGS, 0, 50 };
	static const struct iam_field keys = { "TagKeys", 1, IAM_P_TAG_KEYS, 0, 50 };
	static const struct iam_field scope = { "Scope", 0, IAM_P_SCOPE, 0, 0 };
	char *m, long_name[80], *j;
	struct fg_buf b;

	m = field_msg(&role, "\"bad name\"");
	ck_assert_str_eq(m, "1 validation error detected: Value 'bad name' at 'roleName' failed to "
	    "satisfy constraint: Member must satisfy regular expression pattern: [\\w+=,.@-]+");
	free(m);
	memset(long_name, 'r', 65);
	long_name[65] = '\0';
	j = fg_printf("\"%s\"", long_name);
	m = field_msg(&role, j);
	ck_assert_msg(strstr(m, "at 'roleName' failed to satisfy constraint: Member must have "
	    "length less than or equal to 64") != NULL, "%s", m);
	free(m);
	free(j);
	m = field_msg(&role, "\"r\\u00e9\"");
	ck_assert_msg(strstr(m, "regular expression pattern") != NULL, "%s", m);
	free(m);
	m = field_msg(&role, NULL);
	ck_assert_str_eq(m, "1 validation error detected: Value null at 'roleName' failed to "
	    "satisfy constraint: Member must not be null");
	free(m);
	m = field_msg(&role, "\"\"");
	ck_assert_msg(strstr(m, "Member must have length greater than or equal to 1") != NULL, "%s",
	    m);
	free(m);
	ck_assert_ptr_null(field_msg(&path, NULL));
	ck_assert_ptr_null(field_msg(&path, "\"/app/\""));
	m = field_msg(&path, "\"app\"");
	ck_assert_msg(strstr(m, "pattern: (\\u002F)|(\\u002F[\\u0021-\\u007F]+\\u002F)") != NULL,
	    "%s", m);
	free(m);
	m = field_msg(&session, "100");
	ck_assert_str_eq(m, "1 validation error detected: Value '100' at 'maxSessionDuration' "
	    "failed to satisfy constraint: Member must have value greater than or equal to 3600");
	free(m);
	m = field_msg(&session, "50000");
	ck_assert_msg(strstr(m, "less than or equal to 43200") != NULL, "%s", m);
	free(m);
	ck_assert_ptr_null(field_msg(&session, "7200"));
	m = field_msg(&tags, "[{\"Key\":\"a\",\"Value\":\"1\"},{\"Key\":\"a*\",\"Value\":\"2\"}]");
	ck_assert_msg(strstr(m, "Value 'a*' at 'tags.2.member.key' failed") != NULL, "%s", m);
	free(m);
	m = field_msg(&tags, "[{\"Key\":\"a\"}]");
	ck_assert_msg(strstr(m, "Value null at 'tags.1.member.value'") != NULL, "%s", m);
	free(m);
	fg_buf_init(&b);
	fg_buf_addc(&b, '[');
	for (int i = 0; i < 51; i++)
		fg_buf_addf(&b, "%s{\"Key\":\"k%d\",\"Value\":\"\"}", i ? "," : "", i);
	fg_buf_addc(&b, ']');
	m = field_msg(&tags, fg_buf_cstr(&b));
	ck_assert_msg(strstr(m, "at 'tags' failed to satisfy constraint: Member must have length "
	    "less than or equal to 50") != NULL, "%s", m);
	free(m);
	fg_buf_free(&b);
	m = field_msg(&keys, "[\"ok\",\"\"]");
	ck_assert_msg(strstr(m, "at 'tagKeys.2.member' failed") != NULL, "%s", m);
	free(m);
	m = field_msg(&scope, "\"Mine\"");
	ck_assert_msg(strstr(m, "enum value set: [All, AWS, Local]") != NULL, "%s", m);
	free(m);
}
END_TEST

START_TEST(policy_documents_checked)
{
	static const struct {
		const char *doc;
		enum iam_doc_kind kind;
		const char *want; /* a part of the error, NULL when valid */
	} cases[] = {
		{ POLICY("s3:GetObject"), IAM_DOC_IDENTITY, NULL },
		{ TRUST, IAM_DOC_TRUST, NULL },
		{ "{\"Version\":\"2008-10-17\",\"Id\":\"x\",\"Statement\":{\"Sid\":\"A1\",\"Effect\":"
		  "\"Deny\",\"NotAction\":[\"iam:*\",\"s3:Get*\"],\"NotResource\":\"arn:aws:s3:::b/*\","
		  "\"Condition\":{\"Bool\":{\"aws:SecureTransport\":false},\"StringEquals\":"
		  "{\"aws:x\":[\"a\",1]}}}}", IAM_DOC_IDENTITY, NULL },
		{ "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\",\"Principal\":\"*\","
		  "\"Action\":[\"sts:AssumeRole\",\"sts:TagSession\"]}]}", IAM_DOC_TRUST, NULL },
		{ "{\"Version\":", IAM_DOC_IDENTITY, "Syntax errors in policy: line 1, column" },
		{ "[]", IAM_DOC_IDENTITY, "must be a JSON object, not array" },
		{ "{\"Statement\":[]}", IAM_DOC_IDENTITY, "Missing required field Version" },
		{ "{\"Version\":\"2020-01-01\",\"Statement\":[]}", IAM_DOC_IDENTITY,
		  "Version 2020-01-01 is not 2012-10-17" },
		{ "{\"Version\":\"2012-10-17\"}", IAM_DOC_IDENTITY, "Missing required field Statement" },
		{ "{\"Version\":\"2012-10-17\",\"Statement\":[]}", IAM_DOC_IDENTITY,
		  "non-empty list of objects" },
		{ "{\"Version\":\"2012-10-17\",\"Statement\":[],\"Extra\":1}", IAM_DOC_IDENTITY,
		  "Unknown field Extra" },
		{ "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Action\":\"s3:x\",\"Resource\":"
		  "\"*\"}]}", IAM_DOC_IDENTITY, "Statement[0]: Missing required field Effect" },
		{ "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Maybe\",\"Action\":\"s3:x\","
		  "\"Resource\":\"*\"}]}", IAM_DOC_IDENTITY, "Invalid effect: Maybe" },
		{ POLICY("GetObject"), IAM_DOC_IDENTITY, "must be prefaced by a vendor" },
		{ "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\",\"Action\":\"s3:x\","
		  "\"NotAction\":\"s3:y\",\"Resource\":\"*\"}]}", IAM_DOC_IDENTITY,
		  "Statement[0] has both Action and NotAction" },
		{ "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\",\"Resource\":"
		  "\"*\"}]}", IAM_DOC_IDENTITY, "Missing required field Action" },
		{ "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\",\"Action\":[],"
		  "\"Resource\":\"*\"}]}", IAM_DOC_IDENTITY, "Action must be a string or a non-empty" },
		{ "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\",\"Action\":"
		  "\"s3:x\"}]}", IAM_DOC_IDENTITY, "Missing required field Resource" },
		{ "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\",\"Action\":"
		  "\"s3:x\",\"Resource\":\"bucket\"}]}", IAM_DOC_IDENTITY,
		  "Resource bucket must be in ARN format" },
		{ TRUST, IAM_DOC_IDENTITY, "should not specify a principal" },
		{ POLICY("sts:AssumeRole"), IAM_DOC_TRUST, "Has prohibited field Resource" },
		{ "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\",\"Action\":"
		  "\"sts:AssumeRole\"}]}", IAM_DOC_TRUST, "Missing required field Principal" },
		{ "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\",\"Principal\":"
		  "{\"User\":\"x\"},\"Action\":\"sts:AssumeRole\"}]}", IAM_DOC_TRUST,
		  "Invalid principal type User" },
		{ "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\",\"Action\":"
		  "\"s3:x\",\"Resource\":\"*\",\"Colour\":1}]}", IAM_DOC_IDENTITY,
		  "Statement[0]: Unknown field Colour" },
		{ "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Sid\":\"a-b\",\"Effect\":\"Allow\","
		  "\"Action\":\"s3:x\",\"Resource\":\"*\"}]}", IAM_DOC_IDENTITY, "alpha-numeric" },
		{ "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Sid\":\"a\",\"Effect\":\"Allow\","
		  "\"Action\":\"s3:x\",\"Resource\":\"*\"},{\"Sid\":\"a\",\"Effect\":\"Deny\",\"Action\":"
		  "\"s3:y\",\"Resource\":\"*\"}]}", IAM_DOC_IDENTITY, "Statement[1]: Statement IDs (SID) "
		  "in a single policy must be unique" },
		{ "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\",\"Action\":"
		  "\"s3:x\",\"Resource\":\"*\",\"Condition\":{\"Bool\":\"x\"}}]}", IAM_DOC_IDENTITY,
		  "Condition.Bool must be an object" },
	};

	for (size_t i = 0; i < FG_ARRAY_LEN(cases); i++) {
		char *err = NULL;
		int rc = iam_doc_check(cases[i].doc, cases[i].kind, &err);

		if (cases[i].want == NULL)
			ck_assert_msg(rc == 0, "case %zu: %s", i, err);
		else
			ck_assert_msg(rc == -1 && err && strstr(err, cases[i].want), "case %zu: got %s, "
			    "want %s", i, err, cases[i].want);
		free(err);
	}
}
END_TEST

START_TEST(documents_sized_and_encoded)
{
	struct fg_buf b;

	ck_assert_uint_eq(iam_doc_size("{ \"a\" :\t1 }\n"), 7);
	ck_assert_uint_eq(iam_doc_size("\"\xc3\xa9\""), 3);
	fg_buf_init(&b);
	iam_doc_elem(&b, "D", "{\"a\": \"b/c\"}");
	ck_assert_str_eq(fg_buf_cstr(&b), "<D>%7B%22a%22%3A%20%22b%2Fc%22%7D</D>");
	fg_buf_free(&b);
}
END_TEST

static struct fg_loop *loop;
static struct lc_server *srv;
static char *trust_enc, *policy_enc;

/* A document URL-encoded for a form (caller frees). */
static char *
enc(const char *doc)
{
	struct fg_buf b;

	fg_buf_init(&b);
	fg_uri_encode(&b, doc, strlen(doc), 0);
	return fg_buf_detach(&b);
}

/* Ids from a counter, so that runs repeat. */
static void
counter_random(void *arg, void *buf, size_t len)
{
	static unsigned char next;
	unsigned char *p = buf;

	(void)arg;
	for (size_t i = 0; i < len; i++)
		p[i] = next++;
}

/* A server with state in memory, on the fake clock. */
static void
setup(void)
{
	lct_fake_clock(counter_random);
	loop = fg_loop_new();
	srv = lct_server(loop, NULL, NULL);
	trust_enc = enc(TRUST);
	policy_enc = enc(POLICY("s3:GetObject"));
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
	free(trust_enc);
	free(policy_enc);
}

/* An IAM call (printf-style body); asserts its status; returns the reply body (caller frees). */
static char * FG_PRINTF(2, 3)
call(int status, const char *fmt, ...)
{
	struct lct_reply *r;
	char *action, *body, *out;
	va_list ap;

	va_start(ap, fmt);
	action = fg_vprintf(fmt, ap);
	va_end(ap);
	body = fg_printf("%s&Version=2010-05-08", action);
	r = lct_query(srv, "iam", body);
	ck_assert_msg(r->done, "no reply to %s", body);
	ck_assert_msg(r->status == status, "%s: status %d, want %d: %s", body, r->status, status,
	    r->body);
	out = r->body;
	r->body = NULL;
	lct_reply_free(r);
	free(action);
	free(body);
	return out;
}

/* Asserts that a reply holds a text and frees it. */
static void
has(char *reply, const char *text)
{
	ck_assert_msg(strstr(reply, text) != NULL, "no %s in %s", text, reply);
	free(reply);
}

/* The number of times text occurs in s. */
static int
count(const char *s, const char *text)
{
	int n = 0;

	for (const char *p = s; (p = strstr(p, text)) != NULL; p += strlen(text))
		n++;
	return n;
}

/* Creates a role with the test trust policy. */
static void
make_role(const char *name)
{
	free(call(200, "Action=CreateRole&RoleName=%s&AssumeRolePolicyDocument=%s", name,
	    trust_enc));
}

/* Creates a managed policy; returns its ARN (caller frees). */
static char *
make_policy(const char *name)
{
	char *r = call(200, "Action=CreatePolicy&PolicyName=%s&PolicyDocument=%s", name,
	    policy_enc), *arn = lct_xml_text(r, "Arn");

	free(r);
	return arn;
}

START_TEST(role_lifecycle_with_policies)
{
	char *r, *id, *arn;

	r = call(200, "Action=CreateRole&RoleName=web&Path=%%2Fapp%%2F&AssumeRolePolicyDocument=%s"
	    "&Description=the%%20web&MaxSessionDuration=7200&Tags.member.1.Key=team"
	    "&Tags.member.1.Value=a", trust_enc);
	id = lct_xml_text(r, "RoleId");
	ck_assert_msg(strncmp(id, "AROA", 4) == 0 && strlen(id) == 21, "%s", id);
	free(id);
	has(r, "<Arn>arn:aws:iam::000000000000:role/app/web</Arn>");
	r = call(200, "Action=GetRole&RoleName=web");
	ck_assert_ptr_nonnull(strstr(r, "<AssumeRolePolicyDocument>%7B%22Version%22%3A"));
	ck_assert_ptr_nonnull(strstr(r, "<Description>the web</Description>"));
	ck_assert_ptr_nonnull(strstr(r, "<MaxSessionDuration>7200</MaxSessionDuration>"));
	ck_assert_ptr_nonnull(strstr(r, "<CreateDate>2023-11-14T22:13:20.000Z</CreateDate>"));
	has(r, "<Tags><member><Key>team</Key><Value>a</Value></member></Tags>");
	has(call(409, "Action=CreateRole&RoleName=WEB&AssumeRolePolicyDocument=%s", trust_enc),
	    "<Code>EntityAlreadyExists</Code><Message>Role with name WEB already exists.");
	free(call(200, "Action=PutRolePolicy&RoleName=web&PolicyName=inl&PolicyDocument=%s",
	    policy_enc));
	has(call(200, "Action=GetRolePolicy&RoleName=web&PolicyName=inl"),
	    "<PolicyName>inl</PolicyName><PolicyDocument>%7B%22Version%22%3A%222012-10-17%22");
	has(call(200, "Action=ListRolePolicies&RoleName=web"),
	    "<PolicyNames><member>inl</member></PolicyNames><IsTruncated>false</IsTruncated>");
	arn = make_policy("managed");
	ck_assert_str_eq(arn, "arn:aws:iam::000000000000:policy/managed");
	free(call(200, "Action=AttachRolePolicy&RoleName=web&PolicyArn=%s", arn));
	free(call(200, "Action=AttachRolePolicy&RoleName=web&PolicyArn=%s", arn));
	has(call(200, "Action=ListAttachedRolePolicies&RoleName=web"), "<AttachedPolicies><member>"
	    "<PolicyName>managed</PolicyName><PolicyArn>arn:aws:iam::000000000000:policy/managed"
	    "</PolicyArn></member></AttachedPolicies>");
	has(call(200, "Action=GetPolicy&PolicyArn=%s", arn), "<AttachmentCount>1</AttachmentCount>");
	has(call(409, "Action=DeleteRole&RoleName=web"),
	    "<Code>DeleteConflict</Code><Message>Cannot delete entity, must detach all policies "
	    "first.");
	has(call(409, "Action=DeletePolicy&PolicyArn=%s", arn),
	    "Cannot delete a policy attached to entities.");
	free(call(200, "Action=DetachRolePolicy&RoleName=web&PolicyArn=%s", arn));
	has(call(404, "Action=DetachRolePolicy&RoleName=web&PolicyArn=%s", arn),
	    "<Code>NoSuchEntity</Code>");
	has(call(409, "Action=DeleteRole&RoleName=web"),
	    "Cannot delete entity, must delete policies first.");
	free(call(200, "Action=DeleteRolePolicy&RoleName=web&PolicyName=inl"));
	has(call(404, "Action=GetRolePolicy&RoleName=web&PolicyName=inl"),
	    "The role policy with name inl cannot be found.");
	free(call(200, "Action=UpdateAssumeRolePolicy&RoleName=web&PolicyDocument=%s", trust_enc));
	has(call(200, "Action=UpdateRole&RoleName=web&MaxSessionDuration=3600"),
	    "<UpdateRoleResult></UpdateRoleResult>");
	free(call(200, "Action=UntagRole&RoleName=web&TagKeys.member.1=TEAM"));
	has(call(200, "Action=ListRoleTags&RoleName=web"), "<Tags></Tags>");
	free(call(200, "Action=DeleteRole&RoleName=Web"));
	has(call(404, "Action=GetRole&RoleName=web"),
	    "<Code>NoSuchEntity</Code><Message>The role with name web cannot be found.");
	free(call(200, "Action=DeletePolicy&PolicyArn=%s", arn));
	free(arn);
}
END_TEST

START_TEST(policy_versions_and_their_limit)
{
	char *arn = make_policy("versioned"), *r;

	for (int i = 2; i <= 5; i++)
		has(call(200, "Action=CreatePolicyVersion&PolicyArn=%s&PolicyDocument=%s%s", arn,
		    policy_enc, i == 3 ? "&SetAsDefault=true" : ""), i == 3 ?
		    "<VersionId>v3</VersionId><IsDefaultVersion>true</IsDefaultVersion>" :
		    "<IsDefaultVersion>false</IsDefaultVersion>");
	has(call(409, "Action=CreatePolicyVersion&PolicyArn=%s&PolicyDocument=%s", arn,
	    policy_enc), "<Code>LimitExceeded</Code><Message>A managed policy can have up to 5 "
	    "versions.");
	has(call(200, "Action=GetPolicy&PolicyArn=%s", arn),
	    "<DefaultVersionId>v3</DefaultVersionId>");
	has(call(409, "Action=DeletePolicyVersion&PolicyArn=%s&VersionId=v3", arn),
	    "<Code>DeleteConflict</Code><Message>Cannot delete the default version of a policy.");
	r = call(200, "Action=ListPolicyVersions&PolicyArn=%s", arn);
	ck_assert_int_eq(count(r, "<member>"), 5);
	ck_assert_ptr_nonnull(strstr(r, "<Versions><member><VersionId>v5</VersionId>"));
	ck_assert_ptr_null(strstr(r, "<Document>"));
	has(r, "<VersionId>v3</VersionId><IsDefaultVersion>true</IsDefaultVersion>");
	has(call(200, "Action=ListPolicyVersions&PolicyArn=%s&MaxItems=2&Marker=djM%%3D", arn),
	    "<member><VersionId>v3</VersionId><IsDefaultVersion>true</IsDefaultVersion>");
	free(call(200, "Action=SetDefaultPolicyVersion&PolicyArn=%s&VersionId=v5", arn));
	free(call(200, "Action=DeletePolicyVersion&PolicyArn=%s&VersionId=v3", arn));
	has(call(200, "Action=CreatePolicyVersion&PolicyArn=%s&PolicyDocument=%s", arn,
	    policy_enc), "<VersionId>v6</VersionId>");
	has(call(200, "Action=GetPolicyVersion&PolicyArn=%s&VersionId=v5", arn),
	    "<PolicyVersion><Document>%7B%22Version%22");
	has(call(404, "Action=GetPolicyVersion&PolicyArn=%s&VersionId=v3", arn),
	    "version v3 does not exist or is not attachable.");
	has(call(409, "Action=DeletePolicy&PolicyArn=%s", arn),
	    "This policy has more than one version.");
	free(call(200, "Action=DeletePolicyVersion&PolicyArn=%s&VersionId=v1", arn));
	free(call(200, "Action=DeletePolicyVersion&PolicyArn=%s&VersionId=v2", arn));
	free(call(200, "Action=DeletePolicyVersion&PolicyArn=%s&VersionId=v4", arn));
	free(call(200, "Action=DeletePolicyVersion&PolicyArn=%s&VersionId=v6", arn));
	free(call(200, "Action=DeletePolicy&PolicyArn=%s", arn));
	has(call(404, "Action=GetPolicy&PolicyArn=%s", arn), "<Code>NoSuchEntity</Code>");
	free(arn);
}
END_TEST

START_TEST(instance_profile_holds_one_role)
{
	char *r = call(200, "Action=CreateInstanceProfile&InstanceProfileName=ip&Path=%%2Fx%%2F"),
	    *id = lct_xml_text(r, "InstanceProfileId");

	ck_assert_msg(strncmp(id, "AIPA", 4) == 0 && strlen(id) == 21, "%s", id);
	free(id);
	has(r, "<Arn>arn:aws:iam::000000000000:instance-profile/x/ip</Arn>");
	has(call(409, "Action=CreateInstanceProfile&InstanceProfileName=IP"),
	    "<Code>EntityAlreadyExists</Code>");
	make_role("r1");
	make_role("r2");
	free(call(200, "Action=AddRoleToInstanceProfile&InstanceProfileName=ip&RoleName=r1"));
	has(call(409, "Action=AddRoleToInstanceProfile&InstanceProfileName=ip&RoleName=r2"),
	    "<Code>LimitExceeded</Code><Message>Cannot exceed quota for "
	    "InstanceSessionsPerInstanceProfile: 1");
	has(call(200, "Action=GetInstanceProfile&InstanceProfileName=ip"),
	    "<Roles><member><Path>/</Path><RoleName>r1</RoleName>");
	has(call(200, "Action=ListInstanceProfilesForRole&RoleName=r1"),
	    "<InstanceProfileName>ip</InstanceProfileName>");
	r = call(200, "Action=ListInstanceProfilesForRole&RoleName=r2");
	ck_assert_int_eq(count(r, "<member>"), 0);
	free(r);
	has(call(409, "Action=DeleteRole&RoleName=r1"),
	    "Cannot delete entity, must remove roles from instance profile first.");
	has(call(409, "Action=DeleteInstanceProfile&InstanceProfileName=ip"),
	    "Cannot delete entity, must remove roles from instance profile first.");
	has(call(404, "Action=RemoveRoleFromInstanceProfile&InstanceProfileName=ip&RoleName=r2"),
	    "<Code>NoSuchEntity</Code>");
	free(call(200, "Action=RemoveRoleFromInstanceProfile&InstanceProfileName=ip&RoleName=r1"));
	free(call(200, "Action=DeleteInstanceProfile&InstanceProfileName=ip"));
	has(call(404, "Action=GetInstanceProfile&InstanceProfileName=ip"),
	    "Instance Profile ip cannot be found.");
	free(call(200, "Action=DeleteRole&RoleName=r1"));
}
END_TEST

/* Tags the entity that args names (TagX&...) with keys k0..k(n-1) = v. */
static void
tag_many(const char *action, const char *args, int n)
{
	for (int i = 0; i < n; i++)
		free(call(200, "Action=%s&%s&Tags.member.1.Key=k%d&Tags.member.1.Value=v", action,
		    args, i));
}

START_TEST(policy_and_profile_tags)
{
	char *arn = make_policy("tagged"), *parg = fg_printf("PolicyArn=%s", arn), *r;
	static const char *const missing = "PolicyArn=arn%3Aaws%3Aiam%3A%3A000000000000%3Apolicy"
	    "%2Fnone";

	free(call(200, "Action=TagPolicy&%s&Tags.member.1.Key=team&Tags.member.1.Value=a"
	    "&Tags.member.2.Key=env&Tags.member.2.Value=dev", parg));
	free(call(200, "Action=TagPolicy&%s&Tags.member.1.Key=TEAM&Tags.member.1.Value=b", parg));
	has(call(200, "Action=ListPolicyTags&%s", parg), "<Tags><member><Key>TEAM</Key><Value>b"
	    "</Value></member><member><Key>env</Key><Value>dev</Value></member></Tags>"
	    "<IsTruncated>false</IsTruncated>");
	has(call(200, "Action=GetPolicy&%s", parg), "<Key>env</Key><Value>dev</Value>");
	free(call(200, "Action=UntagPolicy&%s&TagKeys.member.1=team&TagKeys.member.2=nope", parg));
	has(call(200, "Action=ListPolicyTags&%s", parg),
	    "<Tags><member><Key>env</Key><Value>dev</Value></member></Tags>");
	has(call(404, "Action=TagPolicy&%s&Tags.member.1.Key=k&Tags.member.1.Value=v", missing),
	    "<Code>NoSuchEntity</Code><Message>Policy arn:aws:iam::000000000000:policy/none does "
	    "not exist or is not attachable.");
	has(call(404, "Action=ListPolicyTags&%s", missing), "<Code>NoSuchEntity</Code>");
	has(call(400, "Action=TagPolicy&%s", parg),
	    "Value null at &apos;tags&apos; failed to satisfy constraint: Member must not be null");
	has(call(400, "Action=UntagPolicy&%s", parg), "Value null at &apos;tagKeys&apos;");
	has(call(400, "Action=TagPolicy&PolicyArn=not-an-arn-but-long-enough&Tags.member.1.Key=k"
	    "&Tags.member.1.Value=v"), "<Code>InvalidInput</Code>");
	/* Fifty tags at most, keys once regardless of case. */
	tag_many("TagPolicy", parg, 49);
	has(call(409, "Action=TagPolicy&%s&Tags.member.1.Key=x&Tags.member.1.Value=1", parg),
	    "<Code>LimitExceeded</Code><Message>The number of tags has reached the maximum limit "
	    "of 50.");
	free(call(200, "Action=TagPolicy&%s&Tags.member.1.Key=k0&Tags.member.1.Value=new", parg));
	has(call(400, "Action=TagPolicy&%s&Tags.member.1.Key=a&Tags.member.1.Value=1"
	    "&Tags.member.2.Key=A&Tags.member.2.Value=2", parg), "Duplicate tag keys found.");
	r = call(200, "Action=ListPolicyTags&%s&MaxItems=30", parg);
	ck_assert_int_eq(count(r, "<member>"), 30);
	has(r, "<IsTruncated>true</IsTruncated><Marker>");

	free(call(200, "Action=CreateInstanceProfile&InstanceProfileName=ip&Tags.member.1.Key=a"
	    "&Tags.member.1.Value=1"));
	tag_many("TagInstanceProfile", "InstanceProfileName=ip", 3);
	has(call(200, "Action=ListInstanceProfileTags&InstanceProfileName=ip&MaxItems=2"),
	    "<Tags><member><Key>a</Key><Value>1</Value></member><member><Key>k0</Key><Value>v"
	    "</Value></member></Tags><IsTruncated>true</IsTruncated><Marker>azE=</Marker>");
	has(call(200, "Action=ListInstanceProfileTags&InstanceProfileName=ip&Marker=azE%%3D"),
	    "<Tags><member><Key>k1</Key><Value>v</Value></member><member><Key>k2</Key><Value>v"
	    "</Value></member></Tags><IsTruncated>false</IsTruncated>");
	free(call(200, "Action=UntagInstanceProfile&InstanceProfileName=ip&TagKeys.member.1=K0"
	    "&TagKeys.member.2=k1&TagKeys.member.3=k2"));
	has(call(200, "Action=GetInstanceProfile&InstanceProfileName=ip"),
	    "<Tags><member><Key>a</Key><Value>1</Value></member></Tags>");
	has(call(404, "Action=TagInstanceProfile&InstanceProfileName=none&Tags.member.1.Key=k"
	    "&Tags.member.1.Value=v"), "Instance Profile none cannot be found.");
	has(call(404, "Action=UntagInstanceProfile&InstanceProfileName=none&TagKeys.member.1=k"),
	    "<Code>NoSuchEntity</Code>");
	has(call(400, "Action=TagInstanceProfile&InstanceProfileName=ip&Tags.member.1.Key=a%%2A"
	    "&Tags.member.1.Value=v"), "at &apos;tags.1.member.key&apos; failed");
	free(parg);
	free(arn);
}
END_TEST

START_TEST(permissions_boundaries)
{
	char *limit = make_policy("limit"), *other = make_policy("other"), *r;

	r = call(200, "Action=CreateRole&RoleName=bounded&AssumeRolePolicyDocument=%s"
	    "&PermissionsBoundary=%s", trust_enc, limit);
	has(r, "<PermissionsBoundary><PermissionsBoundaryType>PermissionsBoundaryPolicy"
	    "</PermissionsBoundaryType><PermissionsBoundaryArn>arn:aws:iam::000000000000:policy/"
	    "limit</PermissionsBoundaryArn></PermissionsBoundary>");
	has(call(200, "Action=GetRole&RoleName=bounded"), "<PermissionsBoundaryArn>"
	    "arn:aws:iam::000000000000:policy/limit</PermissionsBoundaryArn>");
	r = call(200, "Action=ListRoles");
	ck_assert_ptr_null(strstr(r, "PermissionsBoundary"));
	free(r);
	r = call(200, "Action=GetPolicy&PolicyArn=%s", limit);
	ck_assert_ptr_nonnull(strstr(r, "<AttachmentCount>0</AttachmentCount>"));
	has(r, "<PermissionsBoundaryUsageCount>1</PermissionsBoundaryUsageCount>");
	r = call(200, "Action=ListPolicies&PolicyUsageFilter=PermissionsBoundary");
	ck_assert_int_eq(count(r, "<member>"), 1);
	has(r, "<PolicyName>limit</PolicyName>");
	r = call(200, "Action=ListPolicies&PolicyUsageFilter=PermissionsPolicy");
	ck_assert_int_eq(count(r, "<member>"), 2);
	free(r);
	has(call(409, "Action=DeletePolicy&PolicyArn=%s", limit),
	    "<Code>DeleteConflict</Code><Message>Cannot delete a policy attached to entities.");

	/* Replaced, then removed (removing none is not an error). */
	free(call(200, "Action=PutRolePermissionsBoundary&RoleName=bounded&PermissionsBoundary=%s",
	    other));
	has(call(200, "Action=GetRole&RoleName=bounded"), "<PermissionsBoundaryArn>"
	    "arn:aws:iam::000000000000:policy/other</PermissionsBoundaryArn>");
	has(call(200, "Action=GetPolicy&PolicyArn=%s", limit),
	    "<PermissionsBoundaryUsageCount>0</PermissionsBoundaryUsageCount>");
	free(call(200, "Action=DeleteRolePermissionsBoundary&RoleName=bounded"));
	r = call(200, "Action=GetRole&RoleName=bounded");
	ck_assert_ptr_null(strstr(r, "PermissionsBoundary"));
	free(r);
	free(call(200, "Action=DeleteRolePermissionsBoundary&RoleName=bounded"));
	free(call(200, "Action=DeletePolicy&PolicyArn=%s", limit));

	/* Errors. */
	has(call(404, "Action=PutRolePermissionsBoundary&RoleName=bounded&PermissionsBoundary=%s",
	    limit), "<Code>NoSuchEntity</Code><Message>Policy arn:aws:iam::000000000000:policy/"
	    "limit does not exist or is not attachable.");
	has(call(404, "Action=PutRolePermissionsBoundary&RoleName=none&PermissionsBoundary=%s",
	    other), "The role with name none cannot be found.");
	has(call(400, "Action=PutRolePermissionsBoundary&RoleName=bounded"),
	    "Value null at &apos;permissionsBoundary&apos;");
	has(call(400, "Action=PutRolePermissionsBoundary&RoleName=bounded"
	    "&PermissionsBoundary=short"), "Member must have length greater than or equal to 20");
	has(call(400, "Action=PutRolePermissionsBoundary&RoleName=bounded"
	    "&PermissionsBoundary=arn%%3Aaws%%3As3%%3A%%3A%%3Abucket%%2Fkey"),
	    "<Code>InvalidInput</Code>");
	has(call(404, "Action=DeleteRolePermissionsBoundary&RoleName=none"),
	    "<Code>NoSuchEntity</Code>");
	free(call(200, "Action=DeleteRole&RoleName=bounded"));
	free(limit);
	free(other);
}
END_TEST

/* Asserts that ListEntitiesForPolicy of arn with the extra parameters lists the roles want
 * (space-separated) and no groups or users. */
static void
roles_are(const char *arn, const char *extra, const char *want)
{
	char *r = call(200, "Action=ListEntitiesForPolicy&PolicyArn=%s%s", arn, extra), *got;
	const char *p = r;
	struct fg_buf b;

	ck_assert_msg(strstr(r, "<PolicyGroups></PolicyGroups><PolicyUsers></PolicyUsers>"), "%s",
	    r);
	fg_buf_init(&b);
	fg_buf_addstr(&b, "");
	while ((p = strstr(p, "<RoleName>")) != NULL) {
		p += strlen("<RoleName>");
		fg_buf_addf(&b, "%s%.*s", b.len ? " " : "", (int)strcspn(p, "<"), p);
	}
	got = fg_buf_detach(&b);
	ck_assert_msg(strcmp(got, want) == 0, "%s: got \"%s\", want \"%s\"", extra, got, want);
	free(got);
	free(r);
}

START_TEST(entities_for_policy)
{
	char *arn = make_policy("shared"), *r, *id;

	free(call(200, "Action=CreateRole&RoleName=b-attached&Path=%%2Fapp%%2F"
	    "&AssumeRolePolicyDocument=%s", trust_enc));
	free(call(200, "Action=AttachRolePolicy&RoleName=b-attached&PolicyArn=%s", arn));
	free(call(200, "Action=CreateRole&RoleName=a-bounded&AssumeRolePolicyDocument=%s"
	    "&PermissionsBoundary=%s", trust_enc, arn));
	free(call(200, "Action=CreateRole&RoleName=c-both&AssumeRolePolicyDocument=%s"
	    "&PermissionsBoundary=%s", trust_enc, arn));
	free(call(200, "Action=AttachRolePolicy&RoleName=c-both&PolicyArn=%s", arn));
	make_role("d-unrelated");

	roles_are(arn, "", "a-bounded b-attached c-both");
	roles_are(arn, "&EntityFilter=Role", "a-bounded b-attached c-both");
	roles_are(arn, "&PolicyUsageFilter=PermissionsPolicy", "b-attached c-both");
	roles_are(arn, "&PolicyUsageFilter=PermissionsBoundary", "a-bounded c-both");
	roles_are(arn, "&PathPrefix=%2Fapp", "b-attached");
	roles_are(arn, "&EntityFilter=User", "");
	roles_are(arn, "&EntityFilter=AWSManagedPolicy", "");
	r = call(200, "Action=ListEntitiesForPolicy&PolicyArn=%s&MaxItems=2", arn);
	ck_assert_int_eq(count(r, "<member>"), 2);
	id = lct_xml_text(r, "RoleId");
	ck_assert_msg(id && strncmp(id, "AROA", 4) == 0, "%s", r);
	free(id);
	has(r, "<IsTruncated>true</IsTruncated><Marker>Yy1ib3Ro</Marker>");
	roles_are(arn, "&MaxItems=2&Marker=Yy1ib3Ro", "c-both");
	has(call(400, "Action=ListEntitiesForPolicy&PolicyArn=%s&EntityFilter=Robot", arn),
	    "Value &apos;Robot&apos; at &apos;entityFilter&apos; failed to satisfy constraint: "
	    "Member must satisfy enum value set: [User, Role, Group, LocalManagedPolicy, "
	    "AWSManagedPolicy]");
	has(call(400, "Action=ListEntitiesForPolicy&PolicyArn=%s&PolicyUsageFilter=All", arn),
	    "<Code>ValidationError</Code>");
	has(call(400, "Action=ListEntitiesForPolicy"), "Value null at &apos;policyArn&apos;");
	has(call(404, "Action=ListEntitiesForPolicy&PolicyArn=arn%%3Aaws%%3Aiam%%3A%%3Aaws"
	    "%%3Apolicy%%2FReadOnlyAccess"), "<Code>NoSuchEntity</Code>");
	free(arn);
}
END_TEST

START_TEST(bad_input_gets_iam_errors)
{
	char *bad = enc("{\"Version\":\"2012-10-17\",\"Statement\":"), *big, *arn;
	struct fg_buf b;

	make_role("e");
	has(call(400, "Action=PutRolePolicy&RoleName=e&PolicyName=p&PolicyDocument=%s", bad),
	    "<Code>MalformedPolicyDocument</Code><Message>Syntax errors in policy");
	has(call(400, "Action=UpdateAssumeRolePolicy&RoleName=e&PolicyDocument=%s", policy_enc),
	    "<Code>MalformedPolicyDocument</Code>");
	has(call(400, "Action=CreatePolicy&PolicyName=p&PolicyDocument=%s", trust_enc),
	    "should not specify a principal");
	has(call(400, "Action=CreateRole&RoleName=a%%20b&AssumeRolePolicyDocument=%s", trust_enc),
	    "<Type>Sender</Type><Code>ValidationError</Code>");
	has(call(400, "Action=CreateRole&RoleName=x"), "Value null at &apos;assumeRolePolicyDocument&apos;");
	has(call(400, "Action=CreateRole&RoleName=x&Path=app&AssumeRolePolicyDocument=%s",
	    trust_enc), "at &apos;path&apos; failed");
	has(call(404, "Action=CreateRole&RoleName=x&AssumeRolePolicyDocument=%s"
	    "&PermissionsBoundary=arn%%3Aaws%%3Aiam%%3A%%3A000000000000%%3Apolicy%%2Fb", trust_enc),
	    "<Code>NoSuchEntity</Code><Message>Scope ARN: arn:aws:iam::000000000000:policy/b does "
	    "not exist or is not attachable.");
	has(call(400, "Action=CreateRole&RoleName=x&AssumeRolePolicyDocument=%s"
	    "&PermissionsBoundary=not-an-arn-but-long-enough", trust_enc),
	    "<Code>InvalidInput</Code><Message>ARN not-an-arn-but-long-enough is not valid.");
	has(call(404, "Action=GetRole&RoleName=x"), "<Code>NoSuchEntity</Code>");
	has(call(400, "Action=TagRole&RoleName=e&Tags.member.1.Key=k&Tags.member.1.Value=1"
	    "&Tags.member.2.Key=K&Tags.member.2.Value=2"), "Duplicate tag keys found.");
	has(call(400, "Action=GetRole&RoleName=e&MaxItems=many"), "<Code>ValidationError</Code>");
	has(call(400, "Action=Frobnicate"), "<Code>InvalidAction</Code>");
	has(call(400, "Action=AttachRolePolicy&RoleName=e&PolicyArn=not-an-arn-but-long-enough"),
	    "<Code>InvalidInput</Code>");
	has(call(404, "Action=AttachRolePolicy&RoleName=e&PolicyArn="
	    "arn%%3Aaws%%3Aiam%%3A%%3Aaws%%3Apolicy%%2FReadOnlyAccess"),
	    "does not exist or is not attachable.");
	has(call(400, "Action=GetPolicyVersion&PolicyArn=arn%%3Aaws%%3Aiam%%3A%%3A0%%3Apolicy%%2Fx"
	    "&VersionId=1"), "at &apos;versionId&apos; failed");
	has(call(400, "Action=ListRoles&Marker=%%21%%21"), "<Code>ValidationError</Code>");
	/* A role's inline policies are limited together. */
	fg_buf_init(&b);
	fg_buf_addstr(&b, "{\"Version\":\"2012-10-17\",\"Statement\":[");
	for (int i = 0; i < 100; i++)
		fg_buf_addf(&b, "%s{\"Effect\":\"Allow\",\"Action\":\"s3:GetObject\",\"Resource\":"
		    "\"arn:aws:s3:::bucket-%03d/*\"}", i ? "," : "", i);
	fg_buf_addstr(&b, "]}");
	big = enc(fg_buf_cstr(&b));
	fg_buf_free(&b);
	free(call(200, "Action=PutRolePolicy&RoleName=e&PolicyName=p1&PolicyDocument=%s", big));
	free(call(200, "Action=PutRolePolicy&RoleName=e&PolicyName=p1&PolicyDocument=%s", big));
	has(call(409, "Action=PutRolePolicy&RoleName=e&PolicyName=p2&PolicyDocument=%s", big),
	    "Maximum policy size of 10240 bytes exceeded for role e");
	has(call(409, "Action=CreatePolicy&PolicyName=big&PolicyDocument=%s", big),
	    "Cannot exceed quota for PolicySize: 6144");
	free(big);
	/* Ten managed policies per role. */
	for (int i = 0; i < 11; i++) {
		char name[8];

		snprintf(name, sizeof(name), "m%d", i);
		arn = make_policy(name);
		free(call(i < 10 ? 200 : 409, "Action=AttachRolePolicy&RoleName=e&PolicyArn=%s", arn));
		free(arn);
	}
	has(call(200, "Action=ListPolicies&OnlyAttached=true&MaxItems=1000"), "<PolicyName>m9<");
	has(call(200, "Action=ListPolicies&Scope=AWS"), "<Policies></Policies>");
	free(bad);
}
END_TEST

/* Follows ListRoles pages of max items (with an optional extra parameter); returns the role
 * names seen, space-separated, and checks the page count (caller frees). */
static char *
all_pages(const char *extra, int max, int want_pages)
{
	struct fg_buf names;
	char *marker = NULL;
	int pages = 0;

	fg_buf_init(&names);
	do {
		char *r = marker ? call(200, "Action=ListRoles&MaxItems=%d%s&Marker=%s", max, extra,
		    marker) : call(200, "Action=ListRoles&MaxItems=%d%s", max, extra);
		const char *p = r;

		free(marker);
		marker = NULL;
		while ((p = strstr(p, "<RoleName>")) != NULL) {
			p += strlen("<RoleName>");
			fg_buf_addf(&names, "%.*s ", (int)strcspn(p, "<"), p);
		}
		if (strstr(r, "<IsTruncated>true</IsTruncated>")) {
			char *raw = lct_xml_text(r, "Marker");

			marker = enc(raw);
			free(raw);
		} else
			ck_assert_ptr_null(strstr(r, "<Marker>"));
		free(r);
		pages++;
	} while (marker);
	ck_assert_int_eq(pages, want_pages);
	return fg_buf_detach(&names);
}

START_TEST(lists_paginate_with_markers)
{
	static const char *const names[] = { "delta", "Alpha", "echo", "charlie", "bravo" };
	char *seen;

	for (size_t i = 0; i < FG_ARRAY_LEN(names); i++)
		free(call(200, "Action=CreateRole&RoleName=%s&Path=%%2F%s%%2F"
		    "&AssumeRolePolicyDocument=%s", names[i], i % 2 ? "odd" : "even", trust_enc));
	seen = all_pages("", 2, 3);
	ck_assert_str_eq(seen, "Alpha bravo charlie delta echo ");
	free(seen);
	seen = all_pages("", 5, 1);
	ck_assert_str_eq(seen, "Alpha bravo charlie delta echo ");
	free(seen);
	seen = all_pages("&PathPrefix=%2Feven", 1, 3);
	ck_assert_str_eq(seen, "bravo delta echo ");
	free(seen);
	for (int i = 0; i < 3; i++)
		free(call(200, "Action=TagRole&RoleName=echo&Tags.member.1.Key=k%d"
		    "&Tags.member.1.Value=v", i));
	has(call(200, "Action=ListRoleTags&RoleName=echo&MaxItems=2"),
	    "<Tags><member><Key>k0</Key><Value>v</Value></member><member><Key>k1</Key>"
	    "<Value>v</Value></member></Tags><IsTruncated>true</IsTruncated><Marker>azI=</Marker>");
	has(call(200, "Action=ListRoleTags&RoleName=echo&MaxItems=2&Marker=azI%%3D"),
	    "<Tags><member><Key>k2</Key><Value>v</Value></member></Tags><IsTruncated>false");
}
END_TEST

/* Removes a state directory and the files in it. */
static void
remove_dir(const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *de;

	ck_assert_ptr_nonnull(d);
	while ((de = readdir(d)) != NULL) {
		char *p;

		if (strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0)
			continue;
		p = fg_printf("%s/%s", dir, de->d_name);
		unlink(p);
		free(p);
	}
	closedir(d);
	rmdir(dir);
}

START_TEST(state_survives_a_restart)
{
	char dir[] = "/tmp/check_lc_iam.XXXXXX", *r, *id, *arn;

	ck_assert_ptr_nonnull(mkdtemp(dir));
	lc_server_free(srv);
	srv = lct_server(loop, dir, NULL);
	r = call(200, "Action=CreateRole&RoleName=keep&AssumeRolePolicyDocument=%s"
	    "&Description=kept&Tags.member.1.Key=k&Tags.member.1.Value=v", trust_enc);
	id = lct_xml_text(r, "RoleId");
	free(r);
	free(call(200, "Action=PutRolePolicy&RoleName=keep&PolicyName=inl&PolicyDocument=%s",
	    policy_enc));
	arn = make_policy("kept");
	free(call(200, "Action=CreatePolicyVersion&PolicyArn=%s&PolicyDocument=%s"
	    "&SetAsDefault=true", arn, policy_enc));
	free(call(200, "Action=AttachRolePolicy&RoleName=keep&PolicyArn=%s", arn));
	free(call(200, "Action=PutRolePermissionsBoundary&RoleName=keep&PermissionsBoundary=%s",
	    arn));
	free(call(200, "Action=TagPolicy&PolicyArn=%s&Tags.member.1.Key=pk&Tags.member.1.Value=pv",
	    arn));
	free(call(200, "Action=CreateInstanceProfile&InstanceProfileName=ip&Tags.member.1.Key=ik"
	    "&Tags.member.1.Value=iv"));
	free(call(200, "Action=AddRoleToInstanceProfile&InstanceProfileName=ip&RoleName=keep"));
	lc_server_free(srv);
	srv = lct_server(loop, dir, NULL);
	r = call(200, "Action=GetRole&RoleName=keep");
	ck_assert_ptr_nonnull(strstr(r, id));
	ck_assert_ptr_nonnull(strstr(r, "<Description>kept</Description>"));
	ck_assert_ptr_nonnull(strstr(r, "<PermissionsBoundaryArn>arn:aws:iam::000000000000:"
	    "policy/kept</PermissionsBoundaryArn>"));
	has(r, "<Key>k</Key><Value>v</Value>");
	has(call(200, "Action=GetRolePolicy&RoleName=keep&PolicyName=inl"), "%22s3%3AGetObject%22");
	r = call(200, "Action=GetPolicy&PolicyArn=%s", arn);
	ck_assert_ptr_nonnull(strstr(r, "<DefaultVersionId>v2</DefaultVersionId>"));
	ck_assert_ptr_nonnull(strstr(r, "<PermissionsBoundaryUsageCount>1<"));
	ck_assert_ptr_nonnull(strstr(r, "<Key>pk</Key><Value>pv</Value>"));
	has(r, "<AttachmentCount>1</AttachmentCount>");
	has(call(200, "Action=CreatePolicyVersion&PolicyArn=%s&PolicyDocument=%s", arn, policy_enc),
	    "<VersionId>v3</VersionId>");
	r = call(200, "Action=GetInstanceProfile&InstanceProfileName=ip");
	ck_assert_ptr_nonnull(strstr(r, "<Key>ik</Key><Value>iv</Value>"));
	has(r, "<RoleName>keep</RoleName>");
	lc_server_free(srv);
	srv = NULL;
	remove_dir(dir);
	free(id);
	free(arn);
}
END_TEST

/* Starts a server on a state directory holding one iam.json; returns the start-up error. */
static char *
load_error(const char *json)
{
	char dir[] = "/tmp/check_lc_iam.XXXXXX", *path, *err = NULL;
	struct lc_config cfg = { .bind = "127.0.0.1" };
	struct lc_server *s;

	ck_assert_ptr_nonnull(mkdtemp(dir));
	path = fg_printf("%s/iam.json", dir);
	ck_assert_int_eq(lc_write_atomic(path, json, strlen(json), &err), 0);
	cfg.data_dir = dir;
	s = lc_server_new(loop, &cfg, &err);
	ck_assert_ptr_null(s);
	remove_dir(dir);
	free(path);
	return err;
}

START_TEST(malformed_state_is_reported)
{
	char *e = load_error("[]");

	ck_assert_msg(strstr(e, "not IAM state version 1") != NULL, "%s", e);
	free(e);
	e = load_error("{\"version\":1,\"roles\":[{\"account\":\"0\",\"name\":\"r\",\"path\":\"/\","
	    "\"id\":\"AROAX\",\"created_ms\":1,\"tags\":{}}],\"policies\":[],\"profiles\":[]}");
	ck_assert_msg(strstr(e, "roles[0]: \"trust\" must be a string") != NULL, "%s", e);
	free(e);
	e = load_error("{\"version\":1,\"roles\":[],\"policies\":[{\"account\":\"0\",\"name\":\"p\","
	    "\"path\":\"/\",\"id\":\"ANPAX\",\"created_ms\":1,\"tags\":{},\"updated_ms\":1,"
	    "\"default\":2,\"next\":2,\"versions\":[{\"num\":1,\"doc\":\"{}\",\"created_ms\":1}]}],"
	    "\"profiles\":[]}");
	ck_assert_msg(strstr(e, "policies[0]: the default version v2 is not among") != NULL, "%s",
	    e);
	free(e);
	e = load_error("{\"version\":1,\"roles\":[],\"policies\":[],\"profiles\":{}}");
	ck_assert_msg(strstr(e, "\"profiles\" must be a list") != NULL, "%s", e);
	free(e);
}
END_TEST

static Suite *
lc_iam_suite(void)
{
	Suite *s = suite_create("lc_iam");
	TCase *tc = tcase_create("rules");

	tcase_add_test(tc, patterns_follow_iam);
	tcase_add_test(tc, field_messages_match_aws);
	tcase_add_test(tc, policy_documents_checked);
	tcase_add_test(tc, documents_sized_and_encoded);
	suite_add_tcase(s, tc);
	tc = tcase_create("actions");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, role_lifecycle_with_policies);
	tcase_add_test(tc, policy_versions_and_their_limit);
	tcase_add_test(tc, instance_profile_holds_one_role);
	tcase_add_test(tc, policy_and_profile_tags);
	tcase_add_test(tc, permissions_boundaries);
	tcase_add_test(tc, entities_for_policy);
	tcase_add_test(tc, bad_input_gets_iam_errors);
	tcase_add_test(tc, lists_paginate_with_markers);
	tcase_add_test(tc, state_survives_a_restart);
	tcase_add_test(tc, malformed_state_is_reported);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	SRunner *sr = srunner_create(lc_iam_suite());
	int failed;

	srunner_run_all(sr, CK_ENV);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed != 0;
}
