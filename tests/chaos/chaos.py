"""chaos.py: the harness of the fault-matrix and crash-torture scenarios, on top of
tests/integration/conductor.py: fugue-localcloud with its state in a directory (so that it can
be killed with SIGKILL and restarted on the same port and state), a request client that keeps
asking until the Conductor answers (faults drop requests and replies), compositions of SQS
queues, S3 buckets and DynamoDB tables, and the checks: every resource exactly once (by name
and by its fugue:fid and fugue:id tags, with boto3), every record as declared, nothing left
after a kill, and localcloud's call counters."""
import hashlib
import json
import os
import random
import re
import shutil
import signal
import subprocess
import tempfile
import time
import urllib.request
import uuid

import conductor as H
from conductor import ACCOUNT, REGION, check

from botocore.config import Config
import boto3
import botocore.exceptions

# Calls of the Conductor's own bookkeeping (its request queue, its tables, its bucket, its
# events topic), not of the plugins' resources: left out of the resource-call counts.
BOOKKEEPING = {
    "sqs": {"ReceiveMessage", "SendMessage", "DeleteMessage", "DeleteMessageBatch",
            "ChangeMessageVisibility", "ChangeMessageVisibilityBatch"},
    "dynamodb": {"PutItem", "UpdateItem", "GetItem", "DeleteItem", "Query", "Scan",
                 "BatchGetItem", "BatchWriteItem", "TransactWriteItems"},
    "s3": {"PutObject", "GetObject", "HeadObject", "DeleteObject", "ListObjectsV2"},
    "sns": {"Publish"},
    "sts": {"GetCallerIdentity"},
}


def retrying(cloud, service, region=REGION):
    """A boto3 client of the service that retries (standard mode, 10 attempts): the
    scenario's own calls must get through the faults it injects."""
    return boto3.client(service, endpoint_url=cloud.url, region_name=region,
                        aws_access_key_id=H.ACCESS_KEY, aws_secret_access_key=H.SECRET_KEY,
                        config=Config(retries={"mode": "standard", "max_attempts": 10},
                                      connect_timeout=5, read_timeout=30))


class Patient:
    """A boto3 client whose calls are tried again (after 0.2 to 1 s) for up to two minutes
    when they fail with a throttling, server or connection error: at 90 % of calls throttled
    ten attempts fail a third of the time, and the retry quota of botocore runs dry."""

    def __init__(self, client):
        self._client = client

    def __getattr__(self, name):
        fn = getattr(self._client, name)

        def call(*args, **kw):
            end = time.time() + 120
            while True:
                try:
                    return fn(*args, **kw)
                except (botocore.exceptions.ClientError, botocore.exceptions.HTTPClientError,
                        botocore.exceptions.ConnectionError) as e:
                    code = getattr(e, "response", {}).get("Error", {}).get("Code", "")
                    status = getattr(e, "response", {}).get("ResponseMetadata", {}).get(
                        "HTTPStatusCode", 0)
                    transient = (not code or status >= 500 or "Throttl" in code or
                                 "Rate" in code or code in ("SlowDown", "RequestLimitExceeded"))
                    if not transient or time.time() > end:
                        raise
                time.sleep(random.uniform(0.2, 1.0))
        return call


class Cloud:
    """fugue-localcloud on a free port with its state in a scratch directory; restart() kills
    it (SIGKILL by default) and starts it again on the same port and directory."""

    def __init__(self):
        self.data = tempfile.mkdtemp(prefix="fugue-chaos-lc.")
        self.port = 0
        self.proc = None
        self.rules = []
        self.restarts = 0
        self._start()
        self.url = "http://127.0.0.1:%d" % self.port

    def _start(self):
        """Starts the server (on self.port, 0 the first time); retries while the old port is
        still taken."""
        for _ in range(50):
            self.proc = subprocess.Popen([H.LOCALCLOUD, "--port", str(self.port), "--data",
                                          self.data], stdout=subprocess.PIPE,
                                         stderr=subprocess.DEVNULL)
            line = self.proc.stdout.readline().decode()
            if line.startswith("listening on "):
                self.port = int(line.split(":")[-1])
                return
            self.proc.wait()
            self.proc.stdout.close()
            time.sleep(0.1)
        raise SystemExit("fugue-localcloud did not start on port %d" % self.port)

    def client(self, service):
        """A boto3 client of the service (one attempt per call), as the harness's."""
        return boto3.client(service, endpoint_url=self.url, region_name=REGION,
                            aws_access_key_id=H.ACCESS_KEY, aws_secret_access_key=H.SECRET_KEY,
                            config=Config(retries={"total_max_attempts": 1}))

    def _admin(self, method, path, body=None):
        """A call of the admin API: its parsed reply (None when empty)."""
        req = urllib.request.Request(self.url + "/_localcloud/" + path, method=method,
                                     data=None if body is None else json.dumps(body).encode())
        with urllib.request.urlopen(req, timeout=10) as r:
            check(r.status in (200, 204), "%s %s: HTTP %d" % (method, path, r.status))
            text = r.read()
        return json.loads(text) if text.strip() else None

    def faults(self, rules):
        """Replaces the fault rules (kept, so that a restart puts them back)."""
        self.rules = list(rules)
        self._admin("PUT", "faults", self.rules)

    def counters(self):
        """{service: {action: calls}} since start or the last reset."""
        return self._admin("GET", "counters").get("calls", {})

    def reset_counters(self):
        """Sets the call counters back to zero."""
        self._admin("DELETE", "counters")

    def restart(self, sig=signal.SIGKILL):
        """Kills the server with sig and starts it again on the same port and state, with
        the same fault rules; its counters start again from zero."""
        self.proc.send_signal(sig)
        self.proc.wait()
        self.proc.stdout.close()
        self._start()
        self.restarts += 1
        if self.rules:
            self._admin("PUT", "faults", self.rules)

    def saved(self, prefix):
        """{name: tags} of the queues, buckets and tables of a scenario in the state files
        the server saves (100 ms after a change): what exists, read without a call, so
        neither the faults nor the counters see it."""
        got = {}
        for svc, key in (("sqs", "queues"), ("s3", "buckets"), ("dynamodb", "tables")):
            try:
                with open(os.path.join(self.data, svc + ".json")) as f:
                    state = json.load(f)
            except FileNotFoundError:
                continue
            for x in state.get(key, []):
                name = x.get("name") or x.get("Name") or x.get("TableName")
                if not name.startswith(names(prefix)[0][:-1]):
                    continue
                check(name not in got, "%s twice in localcloud's state" % name)
                tags = x.get("tags") or x.get("Tags") or {}
                if isinstance(tags, list):
                    tags = dict((t["Key"], t["Value"]) if isinstance(t, dict) else t
                                for t in tags)
                got[name] = tags
        return got

    def stop(self):
        """Stops the server and removes its state."""
        self.proc.terminate()
        self.proc.wait(timeout=10)
        self.proc.stdout.close()
        shutil.rmtree(self.data, ignore_errors=True)


def resource_calls(counters):
    """The calls counted on the resources' APIs (the bookkeeping left out), and all calls."""
    res = total = 0
    for svc, actions in counters.items():
        for action, n in actions.items():
            total += n
            if action not in BOOKKEEPING.get(svc, ()):
                res += n
    return res, total


class Client(H.Client):
    # Replies that a transient error (throttling) was taken for InvalidArgument; counted.
    transient_invalid = 0

    """A Fugue user (root) whose requests are resent, same id, until answered: a request or a
    reply lost to a fault, or hidden in the long poll of a killed Conductor, is asked again
    and the Conductor answers a request id it saw before with its first reply."""

    def __init__(self, c):
        self.c = c
        self.user = "root"
        self.secret = c.root_secret()
        self.sqs = Patient(retrying(c.cloud, "sqs"))
        self.queue = self.sqs.get_queue_url(QueueName=c.prefix + "fugue-requests")["QueueUrl"]
        name = "%sfugue-reply-%s" % (c.prefix, uuid.uuid4().hex[:16])
        self.reply_to = self.sqs.create_queue(QueueName=name)["QueueUrl"]

    def call(self, command, args=None, dry_run=False, timeout=180, every=8):
        """Sends a signed request every `every` seconds until its reply comes; the reply. A
        reply InvalidArgument caused by throttling (the Conductor's S3 read of the
        composition) is counted and the request asked again under a new id."""
        while True:
            r = self._call(command, args, dry_run, timeout, every)
            e = r.get("error") or {}
            if e.get("code") != "InvalidArgument" or "Rate exceeded" not in e.get("message", ""):
                return r
            Client.transient_invalid += 1

    def _call(self, command, args, dry_run, timeout, every):
        """One request, resent under its id until answered; the reply."""
        body, rid = self.body(command, args, dry_run)
        env = self.envelope(body)
        end = time.time() + timeout
        while time.time() < end:
            self.send(env)
            resend = time.time() + every
            while time.time() < min(resend, end):
                got = self.sqs.receive_message(QueueUrl=self.reply_to, MaxNumberOfMessages=10,
                                               WaitTimeSeconds=1)
                for m in got.get("Messages", []):
                    self.sqs.delete_message(QueueUrl=self.reply_to,
                                            ReceiptHandle=m["ReceiptHandle"])
                    reply = json.loads(m["Body"])
                    if reply.get("id") == rid:
                        return reply
        raise AssertionError("no reply to %s %r within %d s" % (command, args, timeout))


def names(prefix):
    """The name prefixes of a scenario's queues, buckets and tables (lower case: buckets)."""
    return prefix + "x-q", prefix + "x-b", prefix + "x-t"


def composition(prefix, queues, buckets, tables, scenario, generation=1, skip=()):
    """The resources of a composition: queue 0 a dead-letter queue that every tenth queue
    redrives to, buckets and on-demand tables, all tagged with the scenario; generation
    changes every queue's visibility timeout (an update), the queues numbered in skip are
    left out. {logical id: name} and the list."""
    qn, bn, tn = names(prefix)
    tags = [{"Key": "Scenario", "Value": scenario}]
    loc = {"file": "chaos.lw", "line": 1, "column": 1}
    res, want = [], {}

    def add(lid, rtype, props, deps=()):
        res.append({"dependsOn": list(deps), "id": lid, "location": loc, "properties": props,
                    "type": rtype})

    for i in range(queues):
        if i in skip:
            continue
        lid, name = "q%03d" % i, "%s%03d" % (qn, i)
        props = {"QueueName": name, "Region": REGION, "Tags": tags,
                 "MaximumMessageSize": 262144, "VisibilityTimeout": 30 + generation}
        deps = ()
        if i > 0 and i % 10 == 0:
            props["RedrivePolicy"] = {"deadLetterTargetArn": {"ref": "q000", "attr": "QueueArn"},
                                      "maxReceiveCount": 3}
            deps = ("q000",)
        add(lid, "AWS.SQS.Queue", props, deps)
        want[lid] = name
    for i in range(buckets):
        lid, name = "b%03d" % i, "%s%03d" % (bn, i)
        add(lid, "AWS.S3.Bucket", {"Bucket": name, "Region": REGION, "Tags": tags})
        want[lid] = name
    for i in range(tables):
        lid, name = "t%03d" % i, "%s%03d" % (tn, i)
        add(lid, "AWS.DynamoDB.Table", {
            "TableName": name, "Region": REGION, "BillingMode": "PAY_PER_REQUEST",
            "AttributeDefinitions": [{"AttributeName": "pk", "AttributeType": "S"}],
            "KeySchema": [{"AttributeName": "pk", "KeyType": "HASH"}], "Tags": tags})
        want[lid] = name
    return want, res


def upload(c, s3, resources):
    """Uploads a compiled composition (with a retrying client); the run arguments."""
    comp = {"compiler": "lwc test", "externals": [], "hash": "sha256:" + "0" * 64,
            "resources": resources, "source": "chaos.lw", "version": 1}
    data = json.dumps(comp, sort_keys=True, separators=(",", ":")).encode()
    digest = hashlib.sha256(data).hexdigest()
    key = "compositions/%s.json" % digest
    s3.put_object(Bucket=c.bucket, Key=key, Body=data)
    return {"composition": key, "hash": digest}


class Inventory:
    """What localcloud holds of a scenario, read with retrying boto3 clients."""

    def __init__(self, cloud, prefix):
        self.prefix = prefix
        self.sqs = retrying(cloud, "sqs")
        self.s3 = retrying(cloud, "s3")
        self.ddb = retrying(cloud, "dynamodb")
        self.url = cloud.url

    def resources(self):
        """{name: tags} of the scenario's queues, buckets and tables."""
        qn, bn, tn = names(self.prefix)
        got = {}
        for page in self.sqs.get_paginator("list_queues").paginate(QueueNamePrefix=qn):
            for url in page.get("QueueUrls", []):
                name = url.rsplit("/", 1)[1]
                check(name not in got, "queue %s listed twice" % name)
                got[name] = self.sqs.list_queue_tags(QueueUrl=url).get("Tags", {})
        for b in self.s3.list_buckets().get("Buckets", []):
            if b["Name"].startswith(bn):
                check(b["Name"] not in got, "bucket %s listed twice" % b["Name"])
                ts = self.s3.get_bucket_tagging(Bucket=b["Name"])["TagSet"]
                got[b["Name"]] = {t["Key"]: t["Value"] for t in ts}
        for page in self.ddb.get_paginator("list_tables").paginate():
            for t in page.get("TableNames", []):
                if t.startswith(tn):
                    check(t not in got, "table %s listed twice" % t)
                    arn = "arn:aws:dynamodb:%s:%s:table/%s" % (REGION, ACCOUNT, t)
                    ts = self.ddb.list_tags_of_resource(ResourceArn=arn).get("Tags", [])
                    got[t] = {x["Key"]: x["Value"] for x in ts}
        return got

    def items(self, table):
        """Every item of one of the Conductor's tables."""
        out = []
        for page in self.ddb.get_paginator("scan").paginate(
                TableName=self.prefix + "fugue-" + table):
            out.extend(page["Items"])
        return out

    def records(self, fid=None):
        """The resource records (of process fid, or all): {logical id: item}; a logical id
        recorded twice fails."""
        got = {}
        for it in self.items("resources"):
            if fid is None or it["fid"]["S"] == fid:
                key = (it["fid"]["S"], it["lid"]["S"])
                check(key not in got, "record %r twice" % (key,))
                got[key] = it
        return {k[1] if fid else k: v for k, v in got.items()}

    def processes(self):
        """The items of the processes table."""
        return self.items("processes")

    def check_running(self, fid, want, visibility=None):
        """Every declared resource exists once, by name and by its fugue:fid and fugue:id
        tags, nothing else of the scenario exists, and every record is ready with the right
        physical id; returns how many resources were checked."""
        got = self.resources()
        by_name = {v: k for k, v in want.items()}
        check(sorted(got) == sorted(by_name), "resources by name: %d of %d, missing %r, extra %r"
              % (len(got), len(want), sorted(set(by_name) - set(got))[:10],
                 sorted(set(got) - set(by_name))[:10]))
        for name, tags in got.items():
            check(tags.get("fugue:fid") == fid and tags.get("fugue:id") == by_name[name],
                  "%s: tags %r, want fugue:fid %s fugue:id %s" % (name, tags, fid, by_name[name]))
        ids = [t["fugue:id"] for t in got.values()]
        check(len(ids) == len(set(ids)), "a fugue:id tag twice")
        recs = self.records(fid)
        check(sorted(recs) == sorted(want), "records: %d of %d, missing %r, extra %r" %
              (len(recs), len(want), sorted(set(want) - set(recs))[:10],
               sorted(set(recs) - set(want))[:10]))
        for lid, it in recs.items():
            status = it.get("status", {}).get("S")
            phys = it.get("physical", {}).get("S", "")
            check(status == "ready" and not it.get("intent", {}).get("S"),
                  "record %s: status %s intent %r" % (lid, status, it.get("intent")))
            check(phys.endswith("/" + want[lid]) or phys.endswith(":" + want[lid]) or
                  phys == want[lid] or phys.endswith("table/" + want[lid]),
                  "record %s: physical id %r for %s" % (lid, phys, want[lid]))
        if visibility is not None:
            for lid, name in want.items():
                if lid.startswith("q"):
                    url = "%s/%s/%s" % (self.url, ACCOUNT, name)
                    a = self.sqs.get_queue_attributes(QueueUrl=url,
                                                      AttributeNames=["VisibilityTimeout"])
                    check(a["Attributes"]["VisibilityTimeout"] == str(visibility),
                          "%s: visibility %r" % (name, a["Attributes"]))
        return len(got)

    def check_gone(self, fid):
        """Nothing of the scenario is left: no resource, no resource record, no process."""
        left = sorted(self.resources())
        check(left == [], "left after kill: %d resources %r" % (len(left), left[:10]))
        recs = self.records(fid)
        check(recs == {}, "resource records left after kill: %r" %
              {k: (v.get("status"), v.get("intent")) for k, v in list(recs.items())[:5]})
        procs = [p for p in self.processes() if fid in json.dumps(p)]
        check(procs == [], "process records left after kill: %r" % procs[:3])


class Saved:
    """Watches localcloud's saved state while a scenario converges under its fault: nothing
    but declared resources may ever exist (checked at every look), tagged with the process's
    fugue:fid and their own fugue:id once tagged; done when all exist, all tagged."""

    def __init__(self, cloud, prefix, want):
        self.cloud, self.prefix = cloud, prefix
        self.by_name = {v: k for k, v in want.items()}
        self.fid = None
        self.looks = 0

    def done(self):
        """Checks the state as it is now; whether every declared resource exists, tagged."""
        got = self.cloud.saved(self.prefix)
        self.looks += 1
        extra = sorted(set(got) - set(self.by_name))
        check(not extra, "undeclared resources exist: %r" % extra[:10])
        tagged = 0
        for name, tags in got.items():
            if "fugue:id" in tags or "fugue:fid" in tags:
                check(tags.get("fugue:id") == self.by_name[name] and
                      (self.fid is None or tags.get("fugue:fid") == self.fid),
                      "%s tagged %r (fid %s)" % (name, tags, self.fid))
                tagged += 1
        return tagged == len(self.by_name)


def compile_app():
    """examples/app.lw compiled by lwc (next to the fugue binary): its resources."""
    out = os.path.join(tempfile.mkdtemp(prefix="fugue-chaos-app."), "app.json")
    env = dict(os.environ, LUDWIG_PATH=os.path.join(H.TOP, "lib", "ludwig"),
               FUGUE_SCHEMA_PATH=os.path.join(H.TOP, "plugins"))
    lwc = os.path.join(os.path.dirname(H.FUGUE), "bin", "lwc")
    subprocess.run([lwc, os.path.join(H.TOP, "examples", "app.lw"), "-o", out], env=env,
                   check=True)
    with open(out) as f:
        res = json.load(f)["resources"]
    shutil.rmtree(os.path.dirname(out), ignore_errors=True)
    return res


class AppInventory:
    """What localcloud holds of examples/app.lw, found by Fugue's tags in every service the
    application uses (EC2, IAM, SQS, S3, DynamoDB), read with retrying boto3 clients."""

    def __init__(self, cloud, region):
        self.cloud, self.region = cloud, region

    def tagged(self, fid):
        """{fugue:id: [resource ids]} of every live resource tagged fugue:fid = fid."""
        got = {}

        def add(tags, rid):
            if tags.get("fugue:fid") == fid:
                got.setdefault(tags.get("fugue:id"), []).append(rid)

        ec2 = retrying(self.cloud, "ec2", self.region)
        dead = set()
        for page in ec2.get_paginator("describe_instances").paginate():
            for rv in page["Reservations"]:
                dead.update(i["InstanceId"] for i in rv["Instances"]
                            if i["State"]["Name"] in ("shutting-down", "terminated"))
        byres = {}
        for t in ec2.describe_tags()["Tags"]:
            byres.setdefault(t["ResourceId"], {})[t["Key"]] = t["Value"]
        for rid, tags in byres.items():
            if rid not in dead:
                add(tags, rid)
        iam = retrying(self.cloud, "iam")
        for r in iam.list_roles()["Roles"]:
            ts = iam.list_role_tags(RoleName=r["RoleName"])["Tags"]
            add({t["Key"]: t["Value"] for t in ts}, r["Arn"])
        for p in iam.list_policies(Scope="Local")["Policies"]:
            ts = iam.list_policy_tags(PolicyArn=p["Arn"])["Tags"]
            add({t["Key"]: t["Value"] for t in ts}, p["Arn"])
        for p in iam.list_instance_profiles()["InstanceProfiles"]:
            ts = iam.list_instance_profile_tags(InstanceProfileName=p["InstanceProfileName"])
            add({t["Key"]: t["Value"] for t in ts["Tags"]}, p["Arn"])
        sqs = retrying(self.cloud, "sqs", self.region)
        for url in sqs.list_queues().get("QueueUrls", []):
            add(sqs.list_queue_tags(QueueUrl=url).get("Tags", {}), url)
        s3 = retrying(self.cloud, "s3", self.region)
        for b in s3.list_buckets()["Buckets"]:
            try:
                ts = s3.get_bucket_tagging(Bucket=b["Name"])["TagSet"]
            except botocore.exceptions.ClientError:
                continue  # no tags: not Fugue's
            add({t["Key"]: t["Value"] for t in ts}, b["Name"])
        ddb = retrying(self.cloud, "dynamodb", self.region)
        for t in ddb.list_tables()["TableNames"]:
            arn = ddb.describe_table(TableName=t)["Table"]["TableArn"]
            ts = ddb.list_tags_of_resource(ResourceArn=arn).get("Tags", [])
            add({x["Key"]: x["Value"] for x in ts}, arn)
        return got

    def check_running(self, fid, lids):
        """Every resource of the application exists once by its tags, nothing else carries
        the FID; returns how many."""
        got = self.tagged(fid)
        check(sorted(got) == sorted(lids), "tagged resources: missing %r, extra %r" %
              (sorted(set(lids) - set(got)), sorted(set(got) - set(lids))))
        twice = {k: v for k, v in got.items() if len(v) != 1}
        check(not twice, "resources more than once: %r" % twice)
        return len(got)

    def check_gone(self, fid):
        """Nothing live carries the FID."""
        got = self.tagged(fid)
        check(got == {}, "left after kill: %r" % got)


def wait_for(what, fn, timeout, every=1.0):
    """Polls fn() until true; the seconds it took."""
    t0 = time.time()
    while not fn():
        check(time.time() - t0 < timeout, "not within %d s: %s" % (timeout, what))
        time.sleep(every)
    return time.time() - t0


class Watch:
    """Polls a process's status while it converges: the process must never be lost (a
    status that does not find it) nor the Conductor exit."""

    def __init__(self, c, cl, fid):
        self.c, self.cl, self.fid = c, cl, fid

    def status(self):
        """The process's record in the list of every process (checking it is there and the
        Conductor alive). Not the status of the one process: with its resource list, that
        reply is over the protocol's 256 KiB beyond about 450 resources."""
        check(self.c.alive(), "the Conductor exited:\n" + self.c.log()[-5000:])
        r = self.cl.call("status")
        check(r["ok"], "status: %r" % r)
        mine = [p for p in r["result"]["processes"] if p["fid"] == self.fid]
        check(len(mine) == 1, "process %s lost: %r" % (self.fid, r["result"]["processes"]))
        return mine[0]

    def converged(self, n, since, state="Running"):
        """Whether every one of the n resources is ready and a job or an enforcement pass
        that ended after since (wall clock, RFC 3339) found nothing to do."""
        s = self.status()
        check(s["state"] == state, "process %s is %s, want %s" % (self.fid, s["state"], state))
        r = s["resources"]
        if r.get("ready") != n or sum(r.values()) != n:
            return False
        hist = self.cl.call("history", {"process": self.fid})
        check(hist["ok"], "history: %r" % hist)
        return any(h["time"] >= since and
                   (h["kind"] == "job" and h["message"] == "no changes" or
                    h["kind"] == "event" and h["message"] == "enforce: no changes")
                   for h in hist["result"]["records"])

    def gone(self):
        """Whether the process is gone (the Conductor alive)."""
        check(self.c.alive(), "the Conductor exited:\n" + self.c.log()[-5000:])
        r = self.cl.call("status")
        check(r["ok"], "status: %r" % r)
        mine = [p for p in r["result"]["processes"] if p["fid"] == self.fid]
        if mine:
            check(mine[0]["state"] == "Killing", "killed process is %s" % mine[0]["state"])
            return False
        return True


def engine_stats(log):
    """The last engine counters the Conductor logged: (calls, retries, throttled)."""
    m = re.findall(r"engine: (\d+) AWS calls \((\d+) retries, (\d+) throttled\)", log)
    return tuple(int(x) for x in m[-1]) if m else (0, 0, 0)


def keep_log(c, name):
    """Copies the Conductor's log of a failed scenario to $CHAOS_LOGS (default: the current
    directory); its path."""
    d = os.environ.get("CHAOS_LOGS") or os.getcwd()
    os.makedirs(d, exist_ok=True)
    path = os.path.join(d, "conductor-%s-%d.log" % (name, os.getpid()))
    try:
        shutil.copyfile(c.log_path, path)
    except OSError as e:
        return "not kept: %s" % e
    return path
