"""plugins_iam.py: the iam plugin through the Conductor's real loader and host (plugin-driver)
against fugue-localcloud: a managed policy (new default versions, the oldest pruned at five),
a role (trust policy, settings, inline and attached policies, tags; created while IAM does not
show new entities at once), an instance profile (its role swapped), drift made with the AWS CLI
(a detached policy, an extra one, an inline document changed) seen by read and sweep and put
back by update, sweeps over more than one ListRoles page, adoption after a crashed create,
error classes, and deletes that first detach, empty and unlink what holds the entity. Every
effect is checked with /usr/bin/aws."""
import json
import time

from plugdrv import ACCOUNT, Harness, check, tags_of

R = "AWS.IAM.Role"
P = "AWS.IAM.Policy"
IP = "AWS.IAM.InstanceProfile"
FUGUE_TAGS = {"fugue:fid": "fid-driver"}


def trust(service):
    """A trust policy for an AWS service."""
    return json.dumps({"Version": "2012-10-17", "Statement": [
        {"Effect": "Allow", "Principal": {"Service": service}, "Action": "sts:AssumeRole"}]})


def allow(action):
    """A policy document allowing action on everything."""
    return json.dumps({"Version": "2012-10-17", "Statement": [
        {"Effect": "Allow", "Action": action, "Resource": "*"}]})


def fugue_tags(lid, **more):
    """The tags Fugue adds, and more."""
    return dict(FUGUE_TAGS, **{"fugue:id": lid}, **more)


def policy_scenario(t):
    """create, read, versions, adoption of a managed policy; its ARN."""
    want = {"PolicyName": "drv-policy", "Path": "/app/", "PolicyDocument": allow("s3:GetObject"),
            "Description": "for the tests", "Tags": [{"Key": "team", "Value": "a"}]}
    arn, obs = t.op("create", P, "app.policy", None, want)
    check(arn == "arn:aws:iam::%s:policy/app/drv-policy" % ACCOUNT, arn)
    got = t.aws("iam", "get-policy", "--policy-arn", arn)["Policy"]
    check(got["Description"] == "for the tests" and got["DefaultVersionId"] == "v1", got)
    check(tags_of(got) == fugue_tags("app.policy", team="a"), got)
    doc = t.aws("iam", "get-policy-version", "--policy-arn", arn, "--version-id",
                "v1")["PolicyVersion"]["Document"]
    check(doc == json.loads(want["PolicyDocument"]), doc)
    check(json.loads(obs["PolicyDocument"]) == doc and obs["Arn"] == arn and
          obs["DefaultVersionId"] == "v1" and obs["PolicyId"] == got["PolicyId"], obs)
    check(tags_of(obs) == tags_of(got) and obs["Path"] == "/app/", obs)
    # read by ARN, and by path and name when the ARN was lost
    _, by_arn = t.op("read", P, "app.policy", arn, want)
    found, by_name = t.op("read", P, "app.policy", None, want)
    check(found == arn and by_arn == by_name == obs, "reads differ: %s %s" % (by_arn, by_name))
    # adoption of what a crashed create left, never of another resource's policy
    again, adopted = t.op("create", P, "app.policy", None, want)
    check(again == arn and adopted == obs, "re-create %s" % adopted)
    st, msg = t.op_error("create", P, "app.other", None, want)
    check(st == "conflict" and "already exists" in msg, msg)
    # each new document is a new default version; at five, the oldest goes
    actions = ["s3:PutObject", "s3:ListBucket", "s3:DeleteObject", "s3:GetBucketTagging",
               "s3:GetObjectTagging"]
    for i, action in enumerate(actions):
        want = dict(want, PolicyDocument=allow(action))
        _, obs = t.op("update", P, "app.policy", arn, want, obs)
        check(obs["DefaultVersionId"] == "v%d" % (i + 2) and
              json.loads(obs["PolicyDocument"]) == json.loads(allow(action)), obs)
    versions = t.aws("iam", "list-policy-versions", "--policy-arn", arn)["Versions"]
    check(sorted(v["VersionId"] for v in versions) == ["v2", "v3", "v4", "v5", "v6"],
          "versions %s" % versions)
    check([v["VersionId"] for v in versions if v["IsDefaultVersion"]] == ["v6"], versions)
    # the same document again changes nothing
    _, same = t.op("update", P, "app.policy", arn, want, obs)
    check(same == obs, same)
    swept = t.sweep(P, "-", arn, arn.replace("drv-policy", "drv-never"))
    check(list(swept) == [arn] and swept[arn] == obs, "sweep %s" % swept)
    return arn, want


def role_scenario(t, policy_arn):
    """create (IAM slow to show it), read, update, drift, sweep of a role; its desired."""
    want = {"RoleName": "drv-role", "Path": "/app/",
            "AssumeRolePolicyDocument": trust("ec2.amazonaws.com"),
            "Description": "test role", "MaxSessionDuration": 7200,
            "Policies": [{"PolicyName": "inline-a", "PolicyDocument": allow("sqs:*")}],
            "ManagedPolicyArns": [policy_arn], "Tags": [{"Key": "team", "Value": "a"}]}
    # a new role stays invisible to reads for a while: create waits for it
    t.faults([{"service": "iam", "consistency_ms": 900}])
    name, obs = t.op("create", R, "app.role", None, want)
    t.faults([])
    check(name == "drv-role", name)
    role = t.aws("iam", "get-role", "--role-name", name)["Role"]
    check(role["Path"] == "/app/" and role["Description"] == "test role" and
          role["MaxSessionDuration"] == 7200, role)
    check(role["AssumeRolePolicyDocument"] == json.loads(trust("ec2.amazonaws.com")), role)
    check(t.aws("iam", "list-role-policies", "--role-name", name)["PolicyNames"] ==
          ["inline-a"], "inline policies")
    doc = t.aws("iam", "get-role-policy", "--role-name", name, "--policy-name",
                "inline-a")["PolicyDocument"]
    check(doc == json.loads(allow("sqs:*")), doc)
    attached = t.aws("iam", "list-attached-role-policies", "--role-name", name)
    check([a["PolicyArn"] for a in attached["AttachedPolicies"]] == [policy_arn], attached)
    check(tags_of(t.aws("iam", "list-role-tags", "--role-name", name)) ==
          fugue_tags("app.role", team="a"), "role tags")
    check(obs["Arn"] == role["Arn"] and obs["RoleId"] == role["RoleId"], obs)
    check(obs["ManagedPolicyArns"] == [policy_arn] and obs["MaxSessionDuration"] == 7200, obs)
    check([p["PolicyName"] for p in obs["Policies"]] == ["inline-a"] and
          json.loads(obs["Policies"][0]["PolicyDocument"]) == doc, obs)
    check(json.loads(obs["AssumeRolePolicyDocument"]) == role["AssumeRolePolicyDocument"], obs)
    _, by_name = t.op("read", R, "app.role", None, want)
    check(by_name == obs, "read by name %s" % by_name)
    again, adopted = t.op("create", R, "app.role", None, want)
    check(again == name and adopted == obs, "re-create %s" % adopted)
    # update: trust, description, session (back to its default), inline policies, tags
    want2 = {"RoleName": "drv-role", "Path": "/app/",
             "AssumeRolePolicyDocument": trust("lambda.amazonaws.com"),
             "Description": "changed",
             "Policies": [{"PolicyName": "inline-a", "PolicyDocument": allow("sqs:Send*")},
                          {"PolicyName": "inline-b", "PolicyDocument": allow("sns:*")}],
             "ManagedPolicyArns": [policy_arn],
             "Tags": [{"Key": "team", "Value": "b"}, {"Key": "owner", "Value": "ops"}]}
    _, obs2 = t.op("update", R, "app.role", name, want2, obs)
    role = t.aws("iam", "get-role", "--role-name", name)["Role"]
    check(role["Description"] == "changed" and role["MaxSessionDuration"] == 3600, role)
    check(role["AssumeRolePolicyDocument"]["Statement"][0]["Principal"]["Service"] ==
          "lambda.amazonaws.com", role)
    check(sorted(t.aws("iam", "list-role-policies", "--role-name", name)["PolicyNames"]) ==
          ["inline-a", "inline-b"], "inline policies after update")
    check(t.aws("iam", "get-role-policy", "--role-name", name, "--policy-name",
                "inline-a")["PolicyDocument"] == json.loads(allow("sqs:Send*")), "inline-a")
    check(tags_of(t.aws("iam", "list-role-tags", "--role-name", name)) ==
          fugue_tags("app.role", team="b", owner="ops"), "role tags after update")
    check(tags_of(obs2) == fugue_tags("app.role", team="b", owner="ops"), obs2)
    # drift: the policy detached, another attached, an inline document changed
    extra = t.aws("iam", "create-policy", "--policy-name", "drv-extra", "--policy-document",
                  allow("ec2:*"))["Policy"]["Arn"]
    t.aws("iam", "detach-role-policy", "--role-name", name, "--policy-arn", policy_arn)
    t.aws("iam", "attach-role-policy", "--role-name", name, "--policy-arn", extra)
    t.aws("iam", "put-role-policy", "--role-name", name, "--policy-name", "inline-b",
          "--policy-document", allow("sns:Publish"))
    _, drifted = t.op("read", R, "app.role", name, want2)
    check(drifted["ManagedPolicyArns"] == [extra], drifted)
    check([json.loads(p["PolicyDocument"]) for p in drifted["Policies"]
           if p["PolicyName"] == "inline-b"] == [json.loads(allow("sns:Publish"))], drifted)
    swept = t.sweep(R, "-", name, "drv-role-never")
    check(list(swept) == [name] and swept[name] == drifted, "sweep %s" % swept)
    _, back = t.op("update", R, "app.role", name, want2, drifted)
    check(back == obs2, "drift not put back: %s" % back)
    attached = t.aws("iam", "list-attached-role-policies", "--role-name", name)
    check([a["PolicyArn"] for a in attached["AttachedPolicies"]] == [policy_arn], attached)
    # errors: a malformed document is invalid, a taken name another resource's
    bad = dict(want, RoleName="drv-bad", AssumeRolePolicyDocument="{not json")
    st, msg = t.op_error("create", R, "app.bad", None, bad)
    check(st == "invalid" and "MalformedPolicyDocument" in msg, "%s %s" % (st, msg))
    st, _ = t.op_error("create", R, "app.other", None, want2)
    check(st == "conflict", st)
    return want2


def profile_scenario(t):
    """create, read, role swapped, sweep of an instance profile; its desired."""
    t.op("create", R, "app.role2", None, {"RoleName": "drv-role-2",
                                          "AssumeRolePolicyDocument": trust("ec2.amazonaws.com")})
    want = {"InstanceProfileName": "drv-profile", "Roles": ["drv-role"],
            "Tags": [{"Key": "team", "Value": "a"}]}
    name, obs = t.op("create", IP, "app.profile", None, want)
    check(name == "drv-profile", name)
    got = t.aws("iam", "get-instance-profile", "--instance-profile-name", name)["InstanceProfile"]
    check([r["RoleName"] for r in got["Roles"]] == ["drv-role"] and got["Path"] == "/", got)
    check(obs["Roles"] == ["drv-role"] and obs["Arn"] == got["Arn"] and
          obs["InstanceProfileId"] == got["InstanceProfileId"], obs)
    check(tags_of(obs) == fugue_tags("app.profile", team="a"), obs)
    _, by_name = t.op("read", IP, "app.profile", None, want)
    check(by_name == obs, by_name)
    want2 = dict(want, Roles=["drv-role-2"])
    _, obs2 = t.op("update", IP, "app.profile", name, want2, obs)
    got = t.aws("iam", "get-instance-profile", "--instance-profile-name", name)["InstanceProfile"]
    check([r["RoleName"] for r in got["Roles"]] == ["drv-role-2"], got)
    check(obs2["Roles"] == ["drv-role-2"], obs2)
    again, adopted = t.op("create", IP, "app.profile", None, want2)
    check(again == name and adopted == obs2, adopted)
    swept = t.sweep(IP, "-", name, "drv-profile-never")
    check(list(swept) == [name] and swept[name] == obs2, "sweep %s" % swept)
    return want2


def delete_scenario(t, policy_arn, policy, role, profile):
    """Deletes that detach, empty and unlink first; a stranger left alone."""
    # the role is also in a profile Fugue does not manage: it is removed from it
    t.aws("iam", "create-instance-profile", "--instance-profile-name", "drv-foreign")
    t.aws("iam", "add-role-to-instance-profile", "--instance-profile-name", "drv-foreign",
          "--role-name", "drv-role")
    t.op("delete", R, "app.role", "drv-role", role)
    t.aws("iam", "get-role", "--role-name", "drv-role", ok=False)
    got = t.aws("iam", "get-instance-profile", "--instance-profile-name", "drv-foreign")
    check(got["InstanceProfile"]["Roles"] == [], got)
    t.op("delete", R, "app.role", "drv-role", role)
    st, _ = t.op_error("read", R, "app.role", "drv-role", role)
    check(st == "not-found", st)
    # the profile goes with its role out; the role stays
    t.op("delete", IP, "app.profile", "drv-profile", profile)
    t.aws("iam", "get-instance-profile", "--instance-profile-name", "drv-profile", ok=False)
    t.aws("iam", "get-role", "--role-name", "drv-role-2")
    check(t.sweep(IP, "-", "drv-profile") == {}, "sweep of a deleted profile")
    # a policy attached to a role Fugue does not manage: detached first where IAM lists the
    # entities (ListEntitiesForPolicy), else a conflict until it is detached
    # (it also has four non-default versions, which go first)
    t.aws("iam", "attach-role-policy", "--role-name", "drv-role-2", "--policy-arn", policy_arn)
    lists = t.aws("iam", "list-entities-for-policy", "--policy-arn", policy_arn, ok=None)
    if lists is None:
        st, msg = t.op_error("delete", P, "app.policy", policy_arn, policy)
        check(st == "conflict" and "attached" in msg, "%s %s" % (st, msg))
        t.aws("iam", "detach-role-policy", "--role-name", "drv-role-2", "--policy-arn",
              policy_arn)
    t.op("delete", P, "app.policy", policy_arn, policy)
    t.aws("iam", "get-policy", "--policy-arn", policy_arn, ok=False)
    check(t.aws("iam", "list-attached-role-policies", "--role-name",
                "drv-role-2")["AttachedPolicies"] == [], "still attached")
    check(t.sweep(P, "-", policy_arn) == {}, "sweep of a deleted policy")
    t.op("delete", P, "app.policy", policy_arn, policy)
    # without a physical id, only what is tagged as the resource is deleted
    t.aws("iam", "create-role", "--role-name", "drv-stranger", "--assume-role-policy-document",
          trust("ec2.amazonaws.com"))
    t.op("delete", R, "app.stranger", None, {"RoleName": "drv-stranger",
                                             "AssumeRolePolicyDocument": "{}"})
    t.aws("iam", "get-role", "--role-name", "drv-stranger")
    t.op("delete", R, "app.role2", None, {"RoleName": "drv-role-2",
                                          "AssumeRolePolicyDocument": "{}"})
    t.aws("iam", "get-role", "--role-name", "drv-role-2", ok=False)


def many_roles(t):
    """A sweep over more than one page of ListRoles (100 roles a page)."""
    import boto3

    iam = boto3.client("iam", endpoint_url=t.url, region_name="us-east-1",
                       aws_access_key_id="AKIDLOCALCLOUD",
                       aws_secret_access_key="localcloud-secret")
    for i in range(103):
        iam.create_role(RoleName="drv-many-%03d" % i,
                        AssumeRolePolicyDocument=trust("ec2.amazonaws.com"))
    want = {"drv-many-000", "drv-many-102"}
    found = t.sweep(R, "-", *sorted(want | {"drv-many-999"}))
    check(set(found) == want, "sweep over pages found %s" % sorted(found))


def main():
    """Runs the scenarios against one localcloud."""
    start = time.time()
    # IAM is global: whatever the region, its calls are signed for us-east-1
    with Harness(region="eu-west-1") as t:
        policy_arn, policy = policy_scenario(t)
        role = role_scenario(t, policy_arn)
        profile = profile_scenario(t)
        delete_scenario(t, policy_arn, policy, role, profile)
        many_roles(t)
    print("PASS: iam plugin against localcloud (%.1f s)" % (time.time() - start))


if __name__ == "__main__":
    main()
