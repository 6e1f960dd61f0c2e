"""iam_policy.py: doc/conductor-iam-policy.json grants exactly the AWS actions the Conductor
(core/conductor) and its plugins (plugins/<service>) call, no more and no fewer. The actions are
the string literals of the C sources shaped like AWS action names ("CreateQueue",
"AmazonSQS.SendMessage", "DynamoDB_20120810.GetItem"); the few literals of that shape that are
not actions (attribute names, error codes) are listed here, as are the actions no literal names
(REST calls, implicit permissions). A new action in the code fails this scenario until the
policy (and doc/security.md) grants it."""
import glob
import json
import os
import re
import sys

TOP = os.environ.get("TOP_SRCDIR",
                     os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", ".."))
VERBS = ("Add|Allocate|Assign|Associate|Attach|Authorize|Cancel|Change|Copy|Create|Delete|"
         "Describe|Detach|Disable|Disassociate|Enable|Get|List|Modify|Monitor|Publish|Put|Query|"
         "Reboot|Receive|Release|Remove|Replace|Reset|Revoke|Run|Scan|Send|Set|Start|Stop|Tag|"
         "Terminate|Unassign|Unmonitor|Untag|Update")
LITERAL = re.compile(r'"(AmazonSQS\.|DynamoDB_20120810\.)?((?:%s)[A-Za-z]*)"' % VERBS)
TARGETS = {"AmazonSQS.": "sqs", "DynamoDB_20120810.": "dynamodb"}
# Literals shaped like actions that are not (attributes, XML elements, error codes, states).
NOT_ACTIONS = {"Create", "Delete", "DeleteConflict", "DisableApiTermination",
               "EnableDnsHostnames", "EnableDnsSupport", "EnableVgwRoutePropagation", "Enabled",
               "GetRolePolicyResult", "Monitoring", "ReceiveMessageWaitTimeSeconds", "Running",
               "ScanIndexForward", "SetAsDefault", "Tag", "TagKeys", "Tags", "Update",
               "UpdateExpression"}
# The Conductor's bare action names (query protocol, or a DynamoDB helper's argument).
CONDUCTOR_SERVICE = {"CreateTopic": "sns", "Publish": "sns", "GetCallerIdentity": None,
                     "GetItem": "dynamodb", "PutItem": "dynamodb", "UpdateItem": "dynamodb",
                     "DeleteItem": "dynamodb", "Query": "dynamodb", "Scan": "dynamodb"}
# Actions no literal names: S3 REST calls of core/conductor/objects.c and boot.c (and ListBucket,
# without which a missing object is AccessDenied instead of NoSuchKey); PassRole, which
# RunInstances with an instance profile and AddRoleToInstanceProfile need.
CONDUCTOR_EXTRA = {"s3:CreateBucket", "s3:GetObject", "s3:ListBucket", "s3:PutObject"}
PLUGIN_EXTRA = {"iam:PassRole"}
S3_NAMES = {"ListBuckets": "ListAllMyBuckets"}  # API operation -> IAM action


def fail(what):
    """Ends the scenario as failed."""
    print("FAIL:", what)
    sys.exit(1)


def literals(paths):
    """(target prefix, name) of every action-shaped literal in the files."""
    got = set()
    for path in paths:
        with open(path) as f:
            got.update(LITERAL.findall(f.read()))
    return {(t, n) for t, n in got if n not in NOT_ACTIONS}


def conductor_actions():
    """The actions core/conductor calls."""
    acts = set(CONDUCTOR_EXTRA)
    for target, name in literals(glob.glob(os.path.join(TOP, "core", "conductor", "*.c"))):
        if target:
            acts.add("%s:%s" % (TARGETS[target], name))
        elif name not in CONDUCTOR_SERVICE:
            fail("core/conductor calls %s: give its service in CONDUCTOR_SERVICE (or list it "
                 "in NOT_ACTIONS)" % name)
        elif CONDUCTOR_SERVICE[name]:
            acts.add("%s:%s" % (CONDUCTOR_SERVICE[name], name))
    return acts


def plugin_actions():
    """The actions the plugins call, by plugin directory (the service's IAM prefix)."""
    acts = set(PLUGIN_EXTRA)
    dirs = sorted(d for d in glob.glob(os.path.join(TOP, "plugins", "*")) if os.path.isdir(d))
    for d in dirs:
        svc = os.path.basename(d)
        for _, name in literals(glob.glob(os.path.join(d, "*.c"))):
            acts.add("%s:%s" % (svc, S3_NAMES.get(name, name) if svc == "s3" else name))
    return acts


def granted(policy, prefix):
    """The actions of the statements whose Sid starts with prefix."""
    acts = set()
    for st in policy["Statement"]:
        check_statement(st)
        if st["Sid"].startswith(prefix):
            a = st["Action"]
            acts.update([a] if isinstance(a, str) else a)
    return acts


def check_statement(st):
    """A statement allows named actions (no wildcard) on named resources."""
    a = st["Action"]
    for action in [a] if isinstance(a, str) else a:
        if "*" in action:
            fail("statement %s grants a wildcard action %s" % (st["Sid"], action))
    if st.get("Effect") != "Allow" or "Resource" not in st:
        fail("statement %s: Effect Allow and a Resource expected" % st["Sid"])


def compare(who, code, policy):
    """Fails unless the policy grants exactly what the code calls."""
    if code - policy:
        fail("actions of %s the policy does not grant: %s" % (who, sorted(code - policy)))
    if policy - code:
        fail("actions the policy grants but %s never calls: %s" % (who,
             sorted(policy - code)))


def main():
    with open(os.path.join(TOP, "doc", "conductor-iam-policy.json")) as f:
        policy = json.load(f)
    conductor, plugins = conductor_actions(), plugin_actions()
    compare("the Conductor", conductor, granted(policy, "Conductor"))
    compare("the plugins", plugins, granted(policy, "Plugin"))
    print("ok: the policy grants the %d actions of the Conductor and the %d of the plugins" %
          (len(conductor), len(plugins)))


if __name__ == "__main__":
    main()
