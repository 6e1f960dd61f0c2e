#!/bin/sh
# iam.sh: the IAM scenario with Debian's AWS CLI, then boto3, against one server: a role with
# inline and managed policies, policy versions (the limit of five, the default version rules),
# an instance profile with its one role, tags of policies and instance profiles, permissions
# boundaries, the entities of a policy, delete conflicts, every error code, and pagination.
. "$(dirname "$0")/lib.sh"

start_localcloud --memory

trust='{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"ec2.amazonaws.com"},"Action":"sts:AssumeRole"}]}'
printf '%s' '{"Version":"2012-10-17","Statement":[{"Sid":"Read","Effect":"Allow","Action":["s3:GetObject","s3:ListBucket"],"Resource":"*"}]}' >"$tmp/read.json"
acct=000000000000

# A role, with a path, tags and a description; the CLI decodes the URL-encoded trust policy.
lc iam create-role --role-name app-role --path /app/ --assume-role-policy-document "$trust" \
	--description "the app" --max-session-duration 7200 --tags Key=team,Value=core >"$tmp/role"
/usr/bin/python3 - "$tmp/role" <<'PY' || fail "CreateRole reply"
import json, sys
r = json.load(open(sys.argv[1]))["Role"]
assert r["Arn"] == "arn:aws:iam::000000000000:role/app/app-role", r
assert r["RoleId"].startswith("AROA") and len(r["RoleId"]) == 21, r
assert r["AssumeRolePolicyDocument"]["Statement"][0]["Principal"]["Service"] == "ec2.amazonaws.com", r
assert r["MaxSessionDuration"] == 7200 and r["Description"] == "the app", r
assert r["Tags"] == [{"Key": "team", "Value": "core"}], r
PY
expect_eq "$(lc iam get-role --role-name app-role --query Role.CreateDate --output text | cut -c1-2)" \
	"20" "CreateDate"
expect_error EntityAlreadyExists iam create-role --role-name APP-ROLE \
	--assume-role-policy-document "$trust"
expect_error ValidationError iam create-role --role-name "no spaces" \
	--assume-role-policy-document "$trust"
expect_error ValidationError iam create-role --role-name "$(printf '%065d' 0)" \
	--assume-role-policy-document "$trust"
expect_error MalformedPolicyDocument iam create-role --role-name other \
	--assume-role-policy-document '{"Version":"2012-10-17","Statement":[{"Effect":"Allow"}]}'
expect_error NoSuchEntity iam get-role --role-name nobody
lc iam update-role --role-name app-role --description "the app, v2" >/dev/null
lc iam update-assume-role-policy --role-name app-role --policy-document "$trust"
lc iam tag-role --role-name app-role --tags Key=env,Value=test
lc iam untag-role --role-name app-role --tag-keys team
expect_eq "$(lc iam list-role-tags --role-name app-role --query 'Tags[].Key' --output text)" \
	"env" "role tags"

# An inline policy, returned decoded.
lc iam put-role-policy --role-name app-role --policy-name read --policy-document "file://$tmp/read.json"
expect_eq "$(lc iam get-role-policy --role-name app-role --policy-name read \
	--query 'PolicyDocument.Statement[0].Action[1]' --output text)" "s3:ListBucket" "inline policy"
expect_eq "$(lc iam list-role-policies --role-name app-role --query 'PolicyNames' --output text)" \
	"read" "inline policy names"
expect_error MalformedPolicyDocument iam put-role-policy --role-name app-role \
	--policy-name bad --policy-document '{"Version":"2012-10-17","Statement":'

# A managed policy with versions: five at most, the default one cannot be deleted.
parn=$(lc iam create-policy --policy-name app-read --path /app/ \
	--policy-document "file://$tmp/read.json" --query Policy.Arn --output text)
expect_eq "$parn" "arn:aws:iam::$acct:policy/app/app-read" "policy ARN"
expect_eq "$(lc iam get-policy --policy-arn "$parn" --query Policy.PolicyId --output text | cut -c1-4)" \
	"ANPA" "policy id"
for v in 2 3 4 5; do
	def=""
	[ "$v" = 3 ] && def=--set-as-default
	expect_eq "$(lc iam create-policy-version --policy-arn "$parn" \
		--policy-document "file://$tmp/read.json" $def --query PolicyVersion.VersionId \
		--output text)" "v$v" "version v$v"
done
expect_error LimitExceeded iam create-policy-version --policy-arn "$parn" \
	--policy-document "file://$tmp/read.json"
expect_eq "$(lc iam get-policy --policy-arn "$parn" --query Policy.DefaultVersionId --output text)" \
	"v3" "default version"
expect_error DeleteConflict iam delete-policy-version --policy-arn "$parn" --version-id v3
lc iam set-default-policy-version --policy-arn "$parn" --version-id v5
lc iam delete-policy-version --policy-arn "$parn" --version-id v3
expect_eq "$(lc iam list-policy-versions --policy-arn "$parn" --query 'length(Versions)')" "4" \
	"versions left"
expect_eq "$(lc iam get-policy-version --policy-arn "$parn" --version-id v5 \
	--query 'PolicyVersion.[IsDefaultVersion, Document.Statement[0].Sid]' --output text)" \
	"True	Read" "default version document"
expect_error NoSuchEntity iam get-policy-version --policy-arn "$parn" --version-id v3

# Attached to the role; deleting either is a conflict until detached.
lc iam attach-role-policy --role-name app-role --policy-arn "$parn"
expect_eq "$(lc iam list-attached-role-policies --role-name app-role \
	--query 'AttachedPolicies[0].PolicyArn' --output text)" "$parn" "attached policy"
expect_eq "$(lc iam list-policies --scope Local --only-attached --query 'Policies[].PolicyName' \
	--output text)" "app-read" "attached local policies"
expect_error DeleteConflict iam delete-policy --policy-arn "$parn"
expect_error DeleteConflict iam delete-role --role-name app-role

# An instance profile holds one role; the role cannot go while it is in one.
lc iam create-instance-profile --instance-profile-name app-profile >"$tmp/ip"
grep -q '"InstanceProfileId": "AIPA' "$tmp/ip" || fail "profile id: $(cat "$tmp/ip")"
lc iam add-role-to-instance-profile --instance-profile-name app-profile --role-name app-role
lc iam create-role --role-name spare --assume-role-policy-document "$trust" >/dev/null
expect_error LimitExceeded iam add-role-to-instance-profile \
	--instance-profile-name app-profile --role-name spare
expect_eq "$(lc iam get-instance-profile --instance-profile-name app-profile \
	--query 'InstanceProfile.Roles[0].RoleName' --output text)" "app-role" "profile role"
expect_eq "$(lc iam list-instance-profiles-for-role --role-name app-role \
	--query 'InstanceProfiles[0].Arn' --output text)" \
	"arn:aws:iam::$acct:instance-profile/app-profile" "profiles of the role"
expect_error DeleteConflict iam delete-instance-profile --instance-profile-name app-profile

# Tags of a managed policy and of an instance profile.
lc iam tag-policy --policy-arn "$parn" --tags Key=team,Value=core Key=env,Value=test
lc iam untag-policy --policy-arn "$parn" --tag-keys env
expect_eq "$(lc iam list-policy-tags --policy-arn "$parn" --query 'Tags[].[Key,Value]' \
	--output text)" "team	core" "policy tags"
expect_eq "$(lc iam get-policy --policy-arn "$parn" --query 'Policy.Tags[0].Key' --output text)" \
	"team" "GetPolicy tags"
expect_error NoSuchEntity iam tag-policy --policy-arn "arn:aws:iam::$acct:policy/none" \
	--tags Key=a,Value=b
expect_error InvalidInput iam tag-policy --policy-arn "$parn" --tags Key=a,Value=1 Key=A,Value=2
lc iam tag-instance-profile --instance-profile-name app-profile --tags Key=tier,Value=web
expect_eq "$(lc iam list-instance-profile-tags --instance-profile-name app-profile \
	--query 'Tags[0].Value' --output text)" "web" "profile tags"
lc iam untag-instance-profile --instance-profile-name app-profile --tag-keys tier
expect_eq "$(lc iam list-instance-profile-tags --instance-profile-name app-profile \
	--query 'length(Tags)')" "0" "profile tags after untag"
expect_error NoSuchEntity iam list-instance-profile-tags --instance-profile-name none

# A permissions boundary: set, counted, listed, in the way of deleting its policy, removed.
barn=$(lc iam create-policy --policy-name app-limit --policy-document "file://$tmp/read.json" \
	--query Policy.Arn --output text)
expect_error NoSuchEntity iam create-role --role-name bounded --assume-role-policy-document \
	"$trust" --permissions-boundary "arn:aws:iam::$acct:policy/none"
expect_eq "$(lc iam create-role --role-name bounded --assume-role-policy-document "$trust" \
	--permissions-boundary "$barn" --query Role.PermissionsBoundary.PermissionsBoundaryType \
	--output text)" "PermissionsBoundaryPolicy" "CreateRole boundary"
lc iam put-role-permissions-boundary --role-name spare --permissions-boundary "$barn"
expect_eq "$(lc iam get-role --role-name spare \
	--query Role.PermissionsBoundary.PermissionsBoundaryArn --output text)" "$barn" "boundary"
expect_eq "$(lc iam get-policy --policy-arn "$barn" --query Policy.PermissionsBoundaryUsageCount)" \
	"2" "boundary usage count"
expect_eq "$(lc iam list-policies --scope Local --policy-usage-filter PermissionsBoundary \
	--query 'Policies[].PolicyName' --output text)" "app-limit" "boundary policies"
expect_eq "$(lc iam list-entities-for-policy --policy-arn "$barn" \
	--policy-usage-filter PermissionsBoundary --query 'PolicyRoles[].RoleName' --output text)" \
	"bounded	spare" "roles bounded by the policy"
expect_eq "$(lc iam list-entities-for-policy --policy-arn "$parn" --entity-filter Role \
	--query 'PolicyRoles[].RoleName' --output text)" "app-role" "roles the policy is attached to"
expect_eq "$(lc iam list-entities-for-policy --policy-arn "$parn" --entity-filter User \
	--query 'length(PolicyUsers)')" "0" "users of the policy"
expect_error ValidationError iam list-entities-for-policy --policy-arn "$parn" \
	--entity-filter Robot
expect_error DeleteConflict iam delete-policy --policy-arn "$barn"
lc iam delete-role-permissions-boundary --role-name spare
lc iam delete-role --role-name bounded
expect_eq "$(lc iam get-role --role-name spare --query Role.PermissionsBoundary --output text)" \
	"None" "boundary removed"
expect_error NoSuchEntity iam put-role-permissions-boundary --role-name nobody \
	--permissions-boundary "$barn"
lc iam delete-policy --policy-arn "$barn"

# Taking it all apart in dependency order.
lc iam detach-role-policy --role-name app-role --policy-arn "$parn"
expect_error NoSuchEntity iam detach-role-policy --role-name app-role --policy-arn "$parn"
expect_error DeleteConflict iam delete-role --role-name app-role
lc iam delete-role-policy --role-name app-role --policy-name read
expect_error DeleteConflict iam delete-role --role-name app-role
lc iam remove-role-from-instance-profile --instance-profile-name app-profile --role-name app-role
lc iam delete-instance-profile --instance-profile-name app-profile
lc iam delete-role --role-name app-role
expect_error DeleteConflict iam delete-policy --policy-arn "$parn"
for v in v1 v2 v4; do
	lc iam delete-policy-version --policy-arn "$parn" --version-id "$v"
done
lc iam delete-policy --policy-arn "$parn"
expect_error NoSuchEntity iam get-policy --policy-arn "$parn"

# Pagination: the CLI follows Marker through pages of two.
for i in 1 2 3 4 5 6 7; do
	lc iam create-role --role-name "pg-$i" --path /pg/ --assume-role-policy-document "$trust" \
		>/dev/null
done
expect_eq "$(lc iam list-roles --path-prefix /pg/ --page-size 2 --query 'length(Roles)')" "7" \
	"roles over pages"
expect_eq "$(lc iam list-roles --path-prefix /pg/ --max-items 3 --query 'length(Roles)')" "3" \
	"first three roles"

# boto3 on the same server: pages, modeled exceptions and decoded documents.
/usr/bin/python3 - "$lc_url" "$trust" <<'PY' || fail "boto3 part"
import json, sys, time, urllib.request
import boto3
from botocore.config import Config
from botocore.exceptions import ClientError

url, trust = sys.argv[1], sys.argv[2]
iam = boto3.client("iam", endpoint_url=url, region_name="us-east-1",
                   aws_access_key_id="AKIDLOCALCLOUD", aws_secret_access_key="localcloud-secret",
                   config=Config(retries={"total_max_attempts": 1}))

def code(fn, **kw):
    try:
        fn(**kw)
    except ClientError as e:
        return e.response["Error"]["Code"], e.response["ResponseMetadata"]["HTTPStatusCode"]
    raise AssertionError("%s succeeded" % fn.__name__)

first = iam.list_roles(PathPrefix="/pg/", MaxItems=3)
assert first["IsTruncated"] and first["Marker"], first
names, marker, pages = [], None, 0
while True:
    page = iam.list_roles(PathPrefix="/pg/", MaxItems=3, **({"Marker": marker} if marker else {}))
    names += [r["RoleName"] for r in page["Roles"]]
    pages += 1
    if not page["IsTruncated"]:
        assert "Marker" not in page, page
        break
    marker = page["Marker"]
assert names == ["pg-%d" % i for i in range(1, 8)] and pages == 3, (names, pages)
pager = iam.get_paginator("list_roles").paginate(PathPrefix="/pg/", PaginationConfig={"PageSize": 4})
assert [len(p["Roles"]) for p in pager] == [4, 3]

doc = {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "sqs:*",
       "Resource": "arn:aws:sqs:us-east-1:000000000000:q"}]}
iam.put_role_policy(RoleName="pg-1", PolicyName="q", PolicyDocument=json.dumps(doc))
assert iam.get_role_policy(RoleName="pg-1", PolicyName="q")["PolicyDocument"] == doc
arn = iam.create_policy(PolicyName="p", PolicyDocument=json.dumps(doc))["Policy"]["Arn"]
iam.attach_role_policy(RoleName="pg-1", PolicyArn=arn)
assert iam.get_policy(PolicyArn=arn)["Policy"]["AttachmentCount"] == 1
iam.create_role(RoleName="pb", AssumeRolePolicyDocument=trust, PermissionsBoundary=arn)
assert iam.get_role(RoleName="pb")["Role"]["PermissionsBoundary"] == {
    "PermissionsBoundaryType": "PermissionsBoundaryPolicy", "PermissionsBoundaryArn": arn}
ents = iam.list_entities_for_policy(PolicyArn=arn)
assert [r["RoleName"] for r in ents["PolicyRoles"]] == ["pb", "pg-1"], ents
assert ents["PolicyGroups"] == [] and ents["PolicyUsers"] == [] and not ents["IsTruncated"], ents
iam.tag_policy(PolicyArn=arn, Tags=[{"Key": "k", "Value": "v"}])
assert iam.list_policy_tags(PolicyArn=arn)["Tags"] == [{"Key": "k", "Value": "v"}]
iam.delete_role_permissions_boundary(RoleName="pb")
iam.delete_role(RoleName="pb")

try:
    iam.get_role(RoleName="none")
    raise AssertionError("get_role of a missing role succeeded")
except iam.exceptions.NoSuchEntityException:
    pass
assert code(iam.create_role, RoleName="PG-1", AssumeRolePolicyDocument=trust) == ("EntityAlreadyExists", 409)
assert code(iam.delete_role, RoleName="pg-1") == ("DeleteConflict", 409)
assert code(iam.delete_policy, PolicyArn=arn) == ("DeleteConflict", 409)
assert code(iam.put_role_policy, RoleName="pg-2", PolicyName="x",
            PolicyDocument='{"Statement": []}') == ("MalformedPolicyDocument", 400)
assert code(iam.create_instance_profile, InstanceProfileName="bad/name") == ("ValidationError", 400)
assert code(iam.update_role, RoleName="pg-2", MaxSessionDuration=50000) == ("ValidationError", 400)
assert code(iam.attach_role_policy, RoleName="pg-2",
            PolicyArn="arn:aws:iam::aws:policy/ReadOnlyAccess") == ("NoSuchEntity", 404)
for i in range(4):
    iam.create_policy_version(PolicyArn=arn, PolicyDocument=json.dumps(doc))
assert code(iam.create_policy_version, PolicyArn=arn, PolicyDocument=json.dumps(doc)) == ("LimitExceeded", 409)
iam.create_instance_profile(InstanceProfileName="ip")
iam.add_role_to_instance_profile(InstanceProfileName="ip", RoleName="pg-2")
assert code(iam.add_role_to_instance_profile, InstanceProfileName="ip", RoleName="pg-3") == ("LimitExceeded", 409)

def faults(rule):
    req = urllib.request.Request(url + "/_localcloud/faults", data=json.dumps(rule).encode(),
                                 method="POST")
    urllib.request.urlopen(req, timeout=10).read()

# IAM's throttling error, and a new role invisible for a while (eventual consistency).
faults({"service": "iam", "action": "GetRole", "error_rate": 1, "times": 1})
assert code(iam.get_role, RoleName="pg-1") == ("Throttling", 400)
faults({"service": "iam", "consistency_ms": 1500})
iam.create_role(RoleName="late", AssumeRolePolicyDocument=trust)
assert code(iam.get_role, RoleName="late") == ("NoSuchEntity", 404)
time.sleep(1.6)
assert iam.get_role(RoleName="late")["Role"]["RoleName"] == "late"
PY

stop_localcloud
expect_eq "$lc_rc" 0 "exit status after SIGTERM"
echo "iam: ok"
