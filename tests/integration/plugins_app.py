"""plugins_app.py: the engine with the iam and dynamodb plugins (plugin-driver's apply, enforce
and kill) against fugue-localcloud: a managed policy, a role that attaches it and an instance
profile that holds the role (references between them), and a table. Applied in dependency
order; drift made with the AWS CLI (a detached policy, a changed table throughput) put back by
one enforcement; killed children first, nothing left. Checked with /usr/bin/aws."""
import json
import os
import tempfile
import time

from plugdrv import Harness, check

REGION = "us-east-1"


def composition(path, resources):
    """Writes a compiled composition."""
    with open(path, "w") as f:
        json.dump({"version": 1, "externals": [], "resources": resources}, f)


def job(t, *fields):
    """An engine job that must succeed: (message, plan)."""
    out = t.cmd(*fields)
    check(out[0] == "ok", "%s: %s" % (" ".join(fields), out))
    return out[1], json.loads(out[2])


def resources():
    """The application: policy <- role <- instance profile, and a table."""
    doc = json.dumps({"Version": "2012-10-17", "Statement": [
        {"Effect": "Allow", "Action": "dynamodb:GetItem", "Resource": "*"}]})
    trust = json.dumps({"Version": "2012-10-17", "Statement": [
        {"Effect": "Allow", "Principal": {"Service": "ec2.amazonaws.com"},
         "Action": "sts:AssumeRole"}]})
    return [
        {"id": "app.profile", "type": "AWS.IAM.InstanceProfile", "dependsOn": ["app.role"],
         "properties": {"InstanceProfileName": "app-profile",
                        "Roles": [{"ref": "app.role", "attr": "RoleName"}]}},
        {"id": "app.role", "type": "AWS.IAM.Role", "dependsOn": ["app.policy"],
         "properties": {"RoleName": "app-role", "AssumeRolePolicyDocument": trust,
                        "ManagedPolicyArns": [{"ref": "app.policy", "attr": "Arn"}]}},
        {"id": "app.policy", "type": "AWS.IAM.Policy", "dependsOn": [],
         "properties": {"PolicyName": "app-read", "PolicyDocument": doc}},
        {"id": "app.table", "type": "AWS.DynamoDB.Table", "dependsOn": [],
         "properties": {"TableName": "app-table", "Region": REGION,
                        "AttributeDefinitions": [{"AttributeName": "id",
                                                  "AttributeType": "S"}],
                        "KeySchema": [{"AttributeName": "id", "KeyType": "HASH"}],
                        "ProvisionedThroughput": {"ReadCapacityUnits": 2,
                                                  "WriteCapacityUnits": 2}}},
    ]


def attached(t):
    """The ARNs attached to app-role."""
    return [a["PolicyArn"] for a in
            t.aws("iam", "list-attached-role-policies", "--role-name",
                  "app-role")["AttachedPolicies"]]


def main():
    """apply, enforce (nothing, then drift), kill."""
    start = time.time()
    with Harness() as t, tempfile.TemporaryDirectory() as tmp:
        comp = os.path.join(tmp, "app.json")
        composition(comp, resources())
        msg, plan = job(t, "apply", comp)
        check(msg == "created 4", msg)
        ids = [s["logical_id"] for s in plan]
        check(ids.index("app.policy") < ids.index("app.role") < ids.index("app.profile"),
              "create order %s" % ids)
        policy_arn = "arn:aws:iam::000000000000:policy/app-read"
        check(attached(t) == [policy_arn], attached(t))
        profile = t.aws("iam", "get-instance-profile", "--instance-profile-name",
                        "app-profile")["InstanceProfile"]
        check([r["RoleName"] for r in profile["Roles"]] == ["app-role"], profile)
        check(t.aws("dynamodb", "describe-table", "--table-name",
                    "app-table")["Table"]["TableStatus"] == "ACTIVE", "table")
        msg, _ = job(t, "enforce")
        check(msg == "no changes", msg)
        # drift in two types, put back by one enforcement
        t.aws("iam", "detach-role-policy", "--role-name", "app-role", "--policy-arn", policy_arn)
        t.aws("dynamodb", "update-table", "--table-name", "app-table",
              "--provisioned-throughput", "ReadCapacityUnits=9,WriteCapacityUnits=9")
        msg, _ = job(t, "enforce")
        check(msg == "updated 2", msg)
        check(attached(t) == [policy_arn], "policy not attached again: %s" % attached(t))
        pt = t.aws("dynamodb", "describe-table", "--table-name",
                   "app-table")["Table"]["ProvisionedThroughput"]
        check(pt["ReadCapacityUnits"] == 2 and pt["WriteCapacityUnits"] == 2, pt)
        msg, _ = job(t, "enforce")
        check(msg == "no changes", msg)
        # kill: children first, nothing left
        msg, plan = job(t, "kill")
        check(msg == "deleted 4", msg)
        ids = [s["logical_id"] for s in plan]
        check(ids.index("app.profile") < ids.index("app.role") < ids.index("app.policy"),
              "kill order %s" % ids)
        t.aws("iam", "get-role", "--role-name", "app-role", ok=False)
        t.aws("iam", "get-policy", "--policy-arn", policy_arn, ok=False)
        t.aws("iam", "get-instance-profile", "--instance-profile-name", "app-profile", ok=False)
        check(t.aws("dynamodb", "list-tables")["TableNames"] == [], "table left")
    print("PASS: engine with the iam and dynamodb plugins (%.1f s)" % (time.time() - start))


if __name__ == "__main__":
    main()
