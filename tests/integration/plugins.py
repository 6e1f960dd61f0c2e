"""plugins.py: the sqs and s3 plugins, loaded by the Conductor's real loader and driven through
its real host (plugin-driver), against fugue-localcloud: create, read, update, sweep and delete
of a queue and a bucket, then the engine itself (apply, dry run, drift put back by enforcement,
update, kill), then crash safety: the engine killed with SIGKILL at random moments of runs and
kills, restarted on its DynamoDB resources table each time, leaves every resource exactly once
and nothing behind. Every effect is checked with Debian's AWS CLI (/usr/bin/aws)."""
import json
import os
import random
import subprocess
import sys
import tempfile
import time
import urllib.request

import testrun
from testrun import command

AWS = "/usr/bin/aws"
DRIVER = os.environ.get("PLUGIN_DRIVER", "./plugin-driver")
LOCALCLOUD = os.environ.get("LOCALCLOUD", "fugue-localcloud")
PLUGIN_DIR = os.environ.get("PLUGIN_DIR", "")
SCHEMA_DIR = os.environ.get("SCHEMA_DIR", "")
ACCOUNT = "000000000000"
testrun.secret("localcloud-secret")

if not os.access(AWS, os.X_OK):
    print("SKIP: %s is not installed (scripts/deps installs awscli)" % AWS)
    sys.exit(77)

env = dict(os.environ)
for var in ("AWS_PROFILE", "AWS_DEFAULT_PROFILE", "AWS_SESSION_TOKEN"):
    env.pop(var, None)
env.update(AWS_ACCESS_KEY_ID="AKIDLOCALCLOUD", AWS_SECRET_ACCESS_KEY="localcloud-secret",
           AWS_REGION="us-east-1", AWS_DEFAULT_REGION="us-east-1", AWS_CONFIG_FILE="/dev/null",
           AWS_SHARED_CREDENTIALS_FILE="/dev/null", AWS_EC2_METADATA_DISABLED="true",
           AWS_PAGER="", AWS_MAX_ATTEMPTS="1")


def check(cond, what):
    """Fails the scenario with what unless cond."""
    if not cond:
        raise AssertionError(what)


lc = subprocess.Popen(command(LOCALCLOUD, "--port", "0", "--memory"), stdout=subprocess.PIPE,
                      env=env)
line = lc.stdout.readline().decode()
check(line.startswith("listening on "), "fugue-localcloud did not start: %r" % line)
URL = "http://" + line.split()[-1]
env["AWS_ENDPOINT_URL"] = URL


def aws(*args, ok=True):
    """Runs the AWS CLI against localcloud; its JSON output (or None), or the error text."""
    p = subprocess.run([AWS, "--endpoint-url", URL, "--output", "json"] + list(args),
                       env=env, capture_output=True, text=True, timeout=60)
    if not ok:
        check(p.returncode != 0, "aws %s should have failed" % " ".join(args))
        return p.stderr
    check(p.returncode == 0, "aws %s: %s" % (" ".join(args), p.stderr))
    return json.loads(p.stdout) if p.stdout.strip() else None


def start_driver(*extra):
    """A plugin-driver process (extra: the store prefix)."""
    p = subprocess.Popen(command(DRIVER, PLUGIN_DIR, SCHEMA_DIR, *extra), stdin=subprocess.PIPE,
                         stdout=subprocess.PIPE, env=env, text=True, bufsize=1)
    check(p.stdout.readline().strip() == "ready", "plugin-driver did not start")
    return p


def send(p, *fields):
    """Sends one command to driver p without waiting."""
    p.stdin.write("\t".join(fields) + "\n")
    p.stdin.flush()


def cmd_to(p, *fields):
    """Sends one command to driver p; its answer's fields."""
    send(p, *fields)
    return p.stdout.readline().rstrip("\n").split("\t")


drv = start_driver()


def cmd(*fields):
    """Sends one command to the main driver; its answer's fields."""
    return cmd_to(drv, *fields)


def op(kind, rtype, lid, physical, desired, observed=None):
    """A plugin operation: (physical id, observed) on success; fails the scenario otherwise."""
    fields = ["op", kind, rtype, lid, physical or "-", json.dumps(desired)]
    if observed is not None:
        fields.append(json.dumps(observed))
    out = cmd(*fields)
    check(out[0] == "ok", "%s %s %s: %s" % (kind, rtype, lid, out))
    return out[1], (json.loads(out[2]) if out[2] != "-" else None)


def op_error(kind, rtype, lid, physical, desired):
    """A plugin operation expected to fail: its status."""
    out = cmd("op", kind, rtype, lid, physical or "-", json.dumps(desired))
    check(out[0] == "error", "%s %s %s should have failed: %s" % (kind, rtype, lid, out))
    return out[1]


def sweep(rtype, region, *physical):
    """A sweep: {physical: observed} of what it found."""
    drv.stdin.write("\t".join(["sweep", rtype, region] + list(physical)) + "\n")
    drv.stdin.flush()
    found = {}
    while True:
        out = drv.stdout.readline().rstrip("\n").split("\t")
        if out[0] == "done":
            check(out[1] == "ok", "sweep %s: %s" % (rtype, out))
            return found
        found[out[1]] = json.loads(out[2])


def tags_of(obs):
    """Tags of an observation as a dict."""
    return {t["Key"]: t["Value"] for t in obs.get("Tags", [])}


def queue_scenario():
    """create, read (by URL and by name), update, sweep, delete of a queue."""
    q = "AWS.SQS.Queue"
    want = {"QueueName": "drv-q", "Region": "us-east-1",
            "VisibilityTimeout": 45, "DelaySeconds": 3,
            "Tags": [{"Key": "team", "Value": "a"}, {"Key": "stage", "Value": "test"}]}
    url, obs = op("create", q, "app.q", None, want)
    check(url == URL + "/" + ACCOUNT + "/drv-q", "queue URL %s" % url)
    attrs = aws("sqs", "get-queue-attributes", "--queue-url", url, "--attribute-names",
                "All")["Attributes"]
    check(attrs["VisibilityTimeout"] == "45" and attrs["DelaySeconds"] == "3", attrs)
    tags = aws("sqs", "list-queue-tags", "--queue-url", url)["Tags"]
    check(tags == {"team": "a", "stage": "test", "fugue:fid": "fid-driver",
                   "fugue:id": "app.q"}, "tags %s" % tags)
    check(obs["QueueArn"] == "arn:aws:sqs:us-east-1:%s:drv-q" % ACCOUNT, obs)
    check(obs["VisibilityTimeout"] == 45 and tags_of(obs)["team"] == "a", obs)
    # read by URL, and by the deterministic name when the URL is lost (crash recovery)
    _, by_url = op("read", q, "app.q", url, want)
    found_url, by_name = op("read", q, "app.q", None, want)
    check(found_url == url and by_name == by_url == obs, "reads differ: %s %s" % (by_url, by_name))
    # update: an attribute, a tag changed, a tag removed, a tag added
    want2 = dict(want, VisibilityTimeout=90, Tags=[{"Key": "team", "Value": "b"},
                                                   {"Key": "owner", "Value": "ops"}])
    _, obs2 = op("update", q, "app.q", url, want2, obs)
    attrs = aws("sqs", "get-queue-attributes", "--queue-url", url, "--attribute-names",
                "VisibilityTimeout")["Attributes"]
    check(attrs["VisibilityTimeout"] == "90", attrs)
    tags = aws("sqs", "list-queue-tags", "--queue-url", url)["Tags"]
    check(tags == {"team": "b", "owner": "ops", "fugue:fid": "fid-driver", "fugue:id": "app.q"},
          "tags after update %s" % tags)
    check(obs2["VisibilityTimeout"] == 90 and tags_of(obs2) == tags, obs2)
    # a redrive policy naming a dead-letter queue, as a JSON document on the wire
    dlq_url, dlq = op("create", q, "app.dlq", None, {"QueueName": "drv-dlq",
                                                     "Region": "us-east-1"})
    want3 = dict(want2, RedrivePolicy={"deadLetterTargetArn": dlq["QueueArn"],
                                       "maxReceiveCount": 7})
    _, obs3 = op("update", q, "app.q", url, want3, obs2)
    check(obs3["RedrivePolicy"] == {"deadLetterTargetArn": dlq["QueueArn"],
                                    "maxReceiveCount": 7}, obs3)
    rp = json.loads(aws("sqs", "get-queue-attributes", "--queue-url", url, "--attribute-names",
                        "RedrivePolicy")["Attributes"]["RedrivePolicy"])
    check(rp["deadLetterTargetArn"] == dlq["QueueArn"] and int(rp["maxReceiveCount"]) == 7, rp)
    # sweep: both queues found, a deleted one not reported
    gone = URL + "/" + ACCOUNT + "/drv-never"
    found = sweep(q, "us-east-1", url, dlq_url, gone)
    check(set(found) == {url, dlq_url}, "sweep found %s" % list(found))
    check(found[url] == obs3, "sweep differs from read: %s" % found[url])
    # delete, twice (gone is fine)
    op("delete", q, "app.q", url, want3)
    op("delete", q, "app.q", url, want3)
    op("delete", q, "app.dlq", dlq_url, {})
    aws("sqs", "get-queue-url", "--queue-name", "drv-q", ok=False)
    check(op_error("read", q, "app.q", url, want) == "not-found", "read of a deleted queue")
    check(op_error("read", q, "app.q", None, want) == "not-found", "read by name")
    check(sweep(q, "us-east-1", url) == {}, "sweep of deleted queues")


def bucket_scenario():
    """create (outside us-east-1), read, update, sweep, delete of a bucket."""
    b = "AWS.S3.Bucket"
    policy = json.dumps({"Version": "2012-10-17", "Statement": [
        {"Effect": "Deny", "Principal": "*", "Action": "s3:DeleteBucket",
         "Resource": "arn:aws:s3:::drv-bucket-1"}]})
    want = {"Bucket": "drv-bucket-1", "Region": "eu-west-1", "Policy": policy,
            "VersioningConfiguration": {"Status": "Enabled"},
            "Tags": [{"Key": "team", "Value": "a & b <c>"}]}
    name, obs = op("create", b, "app.bucket", None, want)
    check(name == "drv-bucket-1", name)
    loc = aws("s3api", "get-bucket-location", "--bucket", name)
    check(loc["LocationConstraint"] == "eu-west-1", loc)
    check(aws("s3api", "get-bucket-versioning", "--bucket", name)["Status"] == "Enabled",
          "versioning")
    tags = {t["Key"]: t["Value"] for t in
            aws("s3api", "get-bucket-tagging", "--bucket", name)["TagSet"]}
    check(tags == {"team": "a & b <c>", "fugue:fid": "fid-driver", "fugue:id": "app.bucket"},
          "tags %s" % tags)
    got = json.loads(aws("s3api", "get-bucket-policy", "--bucket", name)["Policy"])
    check(got == json.loads(policy), "policy %s" % got)
    check(obs["Region"] == "eu-west-1" and obs["BucketArn"] == "arn:aws:s3:::drv-bucket-1", obs)
    check(obs["VersioningConfiguration"] == {"Status": "Enabled"} and
          json.loads(obs["Policy"]) == json.loads(policy), obs)
    # a second create of the same bucket (a retry after a crash) is not an error
    name2, _ = op("create", b, "app.bucket", None, want)
    check(name2 == name, "re-create")
    # update: versioning suspended, tags replaced
    want2 = dict(want, VersioningConfiguration={"Status": "Suspended"},
                 Tags=[{"Key": "owner", "Value": "ops"}])
    _, obs2 = op("update", b, "app.bucket", name, want2, obs)
    check(aws("s3api", "get-bucket-versioning", "--bucket", name)["Status"] == "Suspended",
          "versioning after update")
    tags = {t["Key"]: t["Value"] for t in
            aws("s3api", "get-bucket-tagging", "--bucket", name)["TagSet"]}
    check(tags == {"owner": "ops", "fugue:fid": "fid-driver", "fugue:id": "app.bucket"},
          "tags after update %s" % tags)
    check(tags_of(obs2) == tags, obs2)
    _, again = op("read", b, "app.bucket", name, want2)
    check(again == obs2, "read after update %s" % again)
    # sweep: listed buckets are read, unlisted ones are gone
    found = sweep(b, "eu-west-1", name, "drv-never-made")
    check(list(found) == [name] and found[name] == obs2, "sweep %s" % found)
    # delete
    op("delete", b, "app.bucket", name, want2)
    aws("s3api", "head-bucket", "--bucket", name, ok=False)
    check(op_error("read", b, "app.bucket", name, want2) == "not-found", "read deleted bucket")
    op("delete", b, "app.bucket", name, want2)


def composition(path, resources):
    """Writes a compiled composition."""
    with open(path, "w") as f:
        json.dump({"version": 1, "externals": [], "resources": resources}, f)


def job(*fields, to=None):
    """An engine job: (message, plan); fails the scenario when the job failed."""
    out = cmd_to(to or drv, *fields)
    check(out[0] == "ok", "%s: %s" % (" ".join(fields), out))
    return out[1], json.loads(out[2])


def queue_names():
    """The queues localcloud has."""
    urls = (aws("sqs", "list-queues") or {}).get("QueueUrls", [])
    return sorted(u.rsplit("/", 1)[1] for u in urls)


def engine_scenario(tmp):
    """apply (dry run, then for real), drift put back by enforcement, update, kill."""
    dlq = {"id": "app.dlq", "type": "AWS.SQS.Queue", "dependsOn": [],
           "properties": {"QueueName": "eng-dlq", "Region": "us-east-1"}}
    src = {"id": "app.src", "type": "AWS.SQS.Queue", "dependsOn": ["app.dlq"],
           "properties": {"QueueName": "eng-src", "Region": "us-east-1",
                          "VisibilityTimeout": 40,
                          "RedrivePolicy": {"deadLetterTargetArn": {"ref": "app.dlq",
                                                                    "attr": "QueueArn"},
                                            "maxReceiveCount": 3},
                          "Tags": [{"Key": "team", "Value": "a"}]}}
    bucket = {"id": "app.bucket", "type": "AWS.S3.Bucket", "dependsOn": [],
              "properties": {"Bucket": "eng-bucket-1", "Region": "us-east-1",
                             "VersioningConfiguration": {"Status": "Enabled"}}}
    c1 = os.path.join(tmp, "c1.json")
    composition(c1, [src, dlq, bucket])
    msg, plan = job("apply", c1, "dry")
    check(msg == "dry run: would have created 3", msg)
    check([s["logical_id"] for s in plan].index("app.dlq") <
          [s["logical_id"] for s in plan].index("app.src"), "plan order %s" % plan)
    check(queue_names() == [], "the dry run created queues: %s" % queue_names())
    msg, plan = job("apply", c1)
    check(msg == "created 3", msg)
    check(queue_names() == ["eng-dlq", "eng-src"], queue_names())
    src_url = URL + "/" + ACCOUNT + "/eng-src"
    dlq_url = URL + "/" + ACCOUNT + "/eng-dlq"
    rp = json.loads(aws("sqs", "get-queue-attributes", "--queue-url", src_url,
                        "--attribute-names", "RedrivePolicy")["Attributes"]["RedrivePolicy"])
    check(rp["deadLetterTargetArn"] == "arn:aws:sqs:us-east-1:%s:eng-dlq" % ACCOUNT, rp)
    check(aws("sqs", "list-queue-tags", "--queue-url", dlq_url)["Tags"] ==
          {"fugue:fid": "fid-driver", "fugue:id": "app.dlq"}, "dlq tags")
    # nothing to do
    msg, _ = job("enforce")
    check(msg == "no changes", msg)
    # drift: an attribute changed, a tag removed, a queue deleted, versioning suspended
    aws("sqs", "set-queue-attributes", "--queue-url", src_url, "--attributes",
        "VisibilityTimeout=5")
    aws("sqs", "untag-queue", "--queue-url", src_url, "--tag-keys", "team")
    aws("sqs", "delete-queue", "--queue-url", dlq_url)
    aws("s3api", "put-bucket-versioning", "--bucket", "eng-bucket-1",
        "--versioning-configuration", "Status=Suspended")
    msg, _ = job("enforce")
    check(msg == "created 1, updated 2", msg)
    attrs = aws("sqs", "get-queue-attributes", "--queue-url", src_url, "--attribute-names",
                "VisibilityTimeout")["Attributes"]
    check(attrs["VisibilityTimeout"] == "40", "drift not put back: %s" % attrs)
    check(aws("sqs", "list-queue-tags", "--queue-url", src_url)["Tags"]["team"] == "a", "tag")
    check("eng-dlq" in queue_names(), "deleted queue not re-created")
    check(aws("s3api", "get-bucket-versioning", "--bucket", "eng-bucket-1")["Status"] ==
          "Enabled", "versioning not put back")
    # update: the bucket goes, src changes, a new queue comes
    src2 = json.loads(json.dumps(src))
    src2["properties"]["VisibilityTimeout"] = 50
    extra = {"id": "app.extra", "type": "AWS.SQS.Queue", "dependsOn": [],
             "properties": {"QueueName": "eng-extra", "Region": "us-east-1"}}
    c2 = os.path.join(tmp, "c2.json")
    composition(c2, [src2, dlq, extra])
    msg, plan = job("apply", c2, "dry")
    check(sorted((s["action"], s["logical_id"]) for s in plan) ==
          [("create", "app.extra"), ("delete", "app.bucket"), ("update", "app.src")],
          "update plan %s" % plan)
    msg, _ = job("apply", c2)
    check(msg == "created 1, updated 1, deleted 1", msg)
    check(queue_names() == ["eng-dlq", "eng-extra", "eng-src"], queue_names())
    aws("s3api", "head-bucket", "--bucket", "eng-bucket-1", ok=False)
    status = json.loads(cmd("status")[0])
    check(sorted(r["logical_id"] for r in status) == ["app.dlq", "app.extra", "app.src"] and
          all(r["status"] == "ready" for r in status), "status %s" % status)
    # replacements: a new queue name (created first, the old queue retired after), and a
    # bucket moved to another region under the same name (deleted first)
    extra2 = json.loads(json.dumps(extra))
    extra2["properties"]["QueueName"] = "eng-extra2"
    b2 = {"id": "app.bucket2", "type": "AWS.S3.Bucket", "dependsOn": [],
          "properties": {"Bucket": "eng-bucket-2", "Region": "us-east-1"}}
    c3 = os.path.join(tmp, "c3.json")
    composition(c3, [src2, dlq, extra2, b2])
    msg, plan = job("apply", c3)
    check(msg == "created 1, replaced 1", msg)
    check(queue_names() == ["eng-dlq", "eng-extra2", "eng-src"], queue_names())
    b2["properties"]["Region"] = "eu-west-1"
    composition(c3, [src2, dlq, extra2, b2])
    msg, plan = job("apply", c3)
    check(msg == "replaced 1" and plan[0]["changes"] == "Region", "%s %s" % (msg, plan))
    check(aws("s3api", "get-bucket-location", "--bucket", "eng-bucket-2")["LocationConstraint"]
          == "eu-west-1", "bucket not moved")
    # kill: a dry run first, then everything goes, children first
    msg, plan = job("kill", "dry")
    check(msg == "dry run: would have deleted 4", msg)
    ids = [s["logical_id"] for s in plan]
    check(ids.index("app.src") < ids.index("app.dlq"), "kill order %s" % ids)
    check(len(queue_names()) == 3, "the dry run deleted queues")
    msg, _ = job("kill")
    check(msg == "deleted 4", msg)
    check(queue_names() == [], "left behind: %s" % queue_names())
    aws("s3api", "head-bucket", "--bucket", "eng-bucket-2", ok=False)
    check(cmd("status")[0] == "null", "the killed process is still known")


def faults(rules):
    """Replaces localcloud's fault rules."""
    req = urllib.request.Request(URL + "/_localcloud/faults", data=json.dumps(rules).encode(),
                                 method="PUT")
    with urllib.request.urlopen(req, timeout=10) as r:
        check(r.status in (200, 204), "faults: HTTP %d" % r.status)


def crash_scenario(tmp):
    """SIGKILL at random moments of runs and kills; every restart recovers from the table."""
    prefix = "crash-"
    table = prefix + "fugue-resources"
    aws("dynamodb", "create-table", "--table-name", table, "--attribute-definitions",
        "AttributeName=fid,AttributeType=S", "AttributeName=lid,AttributeType=S",
        "--key-schema", "AttributeName=fid,KeyType=HASH", "AttributeName=lid,KeyType=RANGE",
        "--billing-mode", "PAY_PER_REQUEST")
    aws("dynamodb", "wait", "table-exists", "--table-name", table)
    n = 24
    names = sorted(["crash-dlq"] + ["crash-q%02d" % i for i in range(n)])
    res = [{"id": "dlq", "type": "AWS.SQS.Queue", "dependsOn": [],
            "properties": {"QueueName": "crash-dlq", "Region": "us-east-1"}}]
    for i in range(n):
        res.append({"id": "q%02d" % i, "type": "AWS.SQS.Queue", "dependsOn": ["dlq"],
                    "properties": {"QueueName": "crash-q%02d" % i, "Region": "us-east-1",
                                   "RedrivePolicy": {"deadLetterTargetArn": {
                                       "ref": "dlq", "attr": "QueueArn"},
                                       "maxReceiveCount": 2}}})
    comp = os.path.join(tmp, "crash.json")
    composition(comp, res)
    # Slow calls, so that the kill lands in the middle of things.
    faults([{"service": "sqs", "latency_ms": 10, "jitter_ms": 60},
            {"service": "dynamodb", "latency_ms": 5, "jitter_ms": 20}])
    rng = random.Random(20261127)
    for cycle in range(10):
        d = start_driver(prefix)
        msg, _ = job("recover", to=d)
        send(d, "kill" if cycle % 3 == 2 else "apply", *([] if cycle % 3 == 2 else [comp]))
        time.sleep(rng.uniform(0.02, 0.6))
        d.kill()
        d.wait()
        d.stdin.close()
        d.stdout.close()
    faults([])
    d = start_driver(prefix)
    msg, _ = job("recover", to=d)
    msg, _ = job("apply", comp, to=d)
    check(queue_names() == names, "after the crashes: %s" % queue_names())
    status = json.loads(cmd_to(d, "status")[0])
    urls = sorted(URL + "/" + ACCOUNT + "/" + q for q in names)
    check(sorted(r["physical_id"] for r in status) == urls and
          all(r["status"] == "ready" for r in status), "records %s" % status)
    for u in (urls[0], urls[n // 2], urls[-1]):
        tags = aws("sqs", "list-queue-tags", "--queue-url", u)["Tags"]
        check(tags["fugue:fid"] == "fid-driver", "tags of %s: %s" % (u, tags))
    msg, _ = job("enforce", to=d)
    check(msg == "no changes", "enforce after recovery: %s" % msg)
    msg, _ = job("kill", to=d)
    check(queue_names() == [], "left behind: %s" % queue_names())
    check(aws("dynamodb", "scan", "--table-name", table)["Count"] == 0, "records left")
    send(d, "quit")
    check(d.wait(timeout=30) == 0, "driver exit")


def main():
    """Runs the scenarios; stops the driver and localcloud either way."""
    try:
        with tempfile.TemporaryDirectory() as tmp:
            queue_scenario()
            bucket_scenario()
            engine_scenario(tmp)
            crash_scenario(tmp)
        drv.stdin.write("quit\n")
        drv.stdin.close()
        check(drv.wait(timeout=30) == 0, "plugin-driver exited with %s" % drv.returncode)
    finally:
        if drv.poll() is None:
            drv.kill()
        lc.terminate()
        lc.wait(timeout=10)
    print("PASS: plugins and engine against localcloud")


if __name__ == "__main__":
    start = time.time()
    main()
    print("took %.1f s" % (time.time() - start))
