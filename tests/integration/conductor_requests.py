"""conductor_requests.py: fugue-conductor against fugue-localcloud: boot creates what is
missing and marks itself ready; signed requests get correlated replies; status, run, properties,
lock, dry run, kill and history work, with events on the SNS topic; bad requests (forged, unknown user, replayed, stale,
garbage, unsupported version, huge) are answered or left alone and the Conductor keeps serving;
SIGHUP reloads; SIGTERM stops within 10 s; a restart finds its processes again. The Conductor
opens no ports (its sockets in /proc/net: none listens). A second user
signs with its own secret. The Conductor logs at debug level with temporary credentials."""
import json
import os
import signal
import stat
import threading
import uuid

from conductor import (ACCOUNT, REGION, Client, Conductor, Localcloud, add_user, check,
                       eventually, now_rfc3339, queue_resource, scenario, upload_composition)
from testrun import scaled

PREFIX = "it%d-" % os.getpid()


def boot(cloud, c, marker):
    """What boot made: marker, queues with redrive, topic, tables, bucket, root secret."""
    check(marker["v"] == 1 and marker["account"] == ACCOUNT and marker["region"] == REGION,
          "ready marker %r" % marker)
    sqs = cloud.client("sqs")
    q = sqs.get_queue_url(QueueName=PREFIX + "fugue-requests")["QueueUrl"]
    check(marker["queue"] == q, "marker queue %s, want %s" % (marker["queue"], q))
    attrs = sqs.get_queue_attributes(QueueUrl=q, AttributeNames=["All"])["Attributes"]
    redrive = json.loads(attrs["RedrivePolicy"])
    check(int(redrive["maxReceiveCount"]) == 5 and
          redrive["deadLetterTargetArn"].endswith(":" + PREFIX + "fugue-requests-dlq"),
          "redrive policy %r" % redrive)
    topics = cloud.client("sns").list_topics()["Topics"]
    check(any(t["TopicArn"].endswith(":" + PREFIX + "fugue-events") for t in topics),
          "no events topic in %r" % topics)
    tables = cloud.client("dynamodb").list_tables()["TableNames"]
    for t in ("processes", "resources", "history", "requests", "users"):
        check(PREFIX + "fugue-" + t in tables, "no table %s in %r" % (t, tables))
    secret = c.root_secret()
    check(len(secret) == 64, "root secret %r" % secret)
    check(stat.S_IMODE(os.stat(c.secret_file).st_mode) == 0o600, "root secret file mode")
    obj = c.s3.get_object(Bucket=c.bucket, Key="users/root.secret")["Body"].read().decode()
    check(obj.strip() == secret, "root secret in S3 differs from the file")


def sockets_of(pid):
    """The inodes of the sockets process pid holds open."""
    got = set()
    for fd in os.listdir("/proc/%d/fd" % pid):
        try:
            link = os.readlink("/proc/%d/fd/%s" % (pid, fd))
        except OSError:  # closed meanwhile
            continue
        if link.startswith("socket:["):
            got.add(link[8:-1])
    return got


def no_ports(c):
    """The Conductor opens no ports: none of its sockets listens (TCP state 0A, a Unix socket
    accepting connections) or takes datagrams from anyone (an unconnected UDP socket)."""
    mine = sockets_of(c.proc.pid)
    check(mine, "the Conductor holds no socket at all: the check would mean nothing")
    seen = 0
    for table in ("tcp", "tcp6", "udp", "udp6"):
        with open("/proc/%d/net/%s" % (c.proc.pid, table)) as f:
            for row in list(f)[1:]:
                col = row.split()
                if col[9] not in mine:
                    continue
                seen += 1
                remote_port = int(col[2].split(":")[1], 16)
                check(not (table.startswith("tcp") and col[3] == "0A"),
                      "the Conductor listens on %s %s" % (table, col[1]))
                check(not (table.startswith("udp") and remote_port == 0),
                      "the Conductor takes datagrams on %s %s" % (table, col[1]))
    with open("/proc/%d/net/unix" % c.proc.pid) as f:
        for row in list(f)[1:]:
            col = row.split()
            if col[6] in mine:
                seen += 1
                check(not int(col[3], 16) & 0x10000, "the Conductor listens on a Unix socket")
    check(seen > 0, "none of the Conductor's sockets is in /proc/net: the check would mean "
          "nothing")


def other_user(c):
    """A user other than root signs with its own secret; root's secret does not sign for it."""
    cl = Client(c, "alice", add_user(c, "alice"))
    check(cl.ok("status") == {"processes": []}, "alice: status")
    cl.error("AuthFailure", "status", secret=c.root_secret())
    cl.close()


def bad_requests(c, cl):
    """Every kind of bad request gets its answer, or none when it cannot be answered."""
    # Forged HMAC and unknown user: the same AuthFailure text.
    forged = cl.error("AuthFailure", "status", secret="f" * 64)
    unknown = cl.error("AuthFailure", "status", user="mallory")
    check(forged == unknown, "AuthFailure texts differ: %r / %r" % (forged, unknown))
    # Stale (six minutes old) and from the future.
    for offset in (-360, 360):
        body, rid = cl.body("status", when=now_rfc3339(offset))
        cl.send(cl.envelope(body))
        r = cl.wait(rid)[1]
        check(not r["ok"] and r["error"]["code"] == "StaleRequest", "stale: %r" % r)
    # An unsupported version names the versions spoken.
    body, rid = cl.body("status")
    cl.send(cl.envelope(body, v=2))
    r = cl.wait(rid)[1]
    check(r["error"]["code"] == "UnsupportedVersion" and "1" in r["error"]["message"],
          "version: %r" % r)
    # Malformed: a body without a command still names its reply_to and id.
    body = json.dumps({"id": "abc-1", "time": now_rfc3339(), "reply_to": cl.reply_to})
    cl.send(cl.envelope(body))
    r = cl.wait("abc-1")[1]
    check(r["error"]["code"] == "MalformedRequest" and "command" in r["error"]["message"],
          "malformed: %r" % r)
    # Unknown command and dry run where there is none: InvalidArgument.
    cl.error("InvalidArgument", "reboot")
    cl.error("InvalidArgument", "status", dry_run=True)
    # Huge (just under SQS's 256 KiB): answered, with a bounded message.
    body, rid = cl.body("x" * (250 * 1024))
    cl.send(cl.envelope(body))
    text, r = cl.wait(rid)
    check(r["error"]["code"] == "InvalidArgument" and len(text) < 2048, "huge: %d" % len(text))
    # Garbage and a reply_to that is not ours: nothing can be answered; nothing breaks.
    cl.send("this is not JSON {")
    body, rid = cl.body("status", reply_to=cl.reply_to.replace("fugue-reply-", "other-"))
    cl.send(cl.envelope(body))
    cl.nothing(3)
    check(c.alive(), "the Conductor died on bad requests")
    cl.ok("status")


def replay(cl):
    """A request id seen before gets its first reply again, byte for byte."""
    body, rid = cl.body("status", {"process": "no-such-process"})
    env = cl.envelope(body)
    cl.send(env)
    first, r = cl.wait(rid)
    check(r["error"]["code"] == "NotFound", "status of an unknown process: %r" % r)
    cl.send(env)
    again, _ = cl.wait(rid)
    check(again == first, "replay differs:\n%s\n%s" % (first, again))


def concurrent(c):
    """Two clients of the same user at once each get their own replies."""
    a, b = Client(c), Client(c)
    out = {}

    def run(name, cl):
        out[name] = [cl.call("status")["id"] for _ in range(5)]

    threads = [threading.Thread(target=run, args=(n, cl)) for n, cl in (("a", a), ("b", b))]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    check(len(out["a"]) == 5 and len(out["b"]) == 5, "concurrent: %r" % out)
    a.close()
    b.close()


def process_life(cloud, c, cl):
    """run, status, properties, lock, suspend, resume, dry runs, history, kill."""
    sqs = cloud.client("sqs")
    qname = PREFIX + "app-queue"
    # (MaximumMessageSize: the schema's default, 1 MiB, is above what localcloud takes.)
    args = upload_composition(c, [queue_resource("queue", qname, MaximumMessageSize=262144)])
    # A dry run plans and creates nothing.
    plan = cl.ok("run", dict(args, alias="web"), dry_run=True)
    check([p["action"] for p in plan["plan"]] == ["create"], "dry-run plan %r" % plan)
    check(cl.ok("status")["processes"] == [], "a dry run made a process")
    # run -> Running, the queue comes to exist.
    p = cl.ok("run", dict(args, alias="web"))
    fid = p["fid"]
    check(p["state"] == "Running" and p["alias"] == "web" and p["composition"] == args["hash"],
          "run: %r" % p)
    eventually(lambda: qname in " ".join(sqs.list_queues(QueueNamePrefix=qname)
                                         .get("QueueUrls", [])), "queue %s created" % qname)
    cl.error("Conflict", "run", dict(args, alias="web"))
    s = cl.ok("status", {"process": "web"})
    check(s["fid"] == fid and isinstance(s["resource_list"], list), "status: %r" % s)
    check([x["fid"] for x in cl.ok("status")["processes"]] == [fid], "status of all")
    # Properties: the table's values and ranges.
    props = cl.ok("property-get", {"process": fid})["properties"]
    check(props == {"alias": "web", "enforcement": "on", "enforcement-interval": 60,
                    "lock": "off"}, "properties %r" % props)
    cl.ok("property-set", {"process": "web", "key": "enforcement-interval", "value": "30"})
    check(cl.ok("property-get", {"process": "web", "key": "enforcement-interval"})
          ["properties"] == {"enforcement-interval": 30}, "interval not set")
    cl.error("InvalidArgument", "property-set",
             {"process": "web", "key": "enforcement-interval", "value": "5"})
    cl.error("InvalidArgument", "property-set", {"process": "web", "key": "color", "value": "x"})
    cl.error("InvalidArgument", "property-get", {"process": "web", "key": "color"})
    # Lock refuses what changes the process.
    cl.ok("property-set", {"process": "web", "key": "lock", "value": "on"})
    cl.error("Locked", "suspend", {"process": "web"})
    cl.error("Locked", "kill", {"process": "web"})
    cl.error("Locked", "property-set", {"process": "web", "key": "alias", "value": "w2"})
    cl.ok("property-set", {"process": "web", "key": "lock", "value": "off"})
    # suspend and resume, idempotent.
    check(cl.ok("suspend", {"process": "web"})["state"] == "Suspended", "suspend")
    check(cl.ok("suspend", {"process": "web"})["state"] == "Suspended", "suspend again")
    cl.error("Conflict", "update", dict(args, process="web"))
    check(cl.ok("resume", {"process": "web"})["state"] == "Running", "resume")
    # A dry-run kill plans the deletion and changes nothing.
    plan = cl.ok("kill", {"process": "web"}, dry_run=True)
    check([x["action"] for x in plan["plan"]] == ["delete"], "kill plan %r" % plan)
    check(cl.ok("status", {"process": "web"})["state"] == "Running", "dry-run kill killed")
    return fid, qname


def kill(cloud, cl, fid, qname):
    """kill -> Killing -> gone; the queue is deleted; the history tells it all."""
    sqs = cloud.client("sqs")
    check(cl.ok("kill", {"process": "web"})["state"] == "Killing", "kill")

    def gone():
        r = cl.call("status", {"process": fid})
        return not r["ok"] and r["error"]["code"] == "NotFound"

    eventually(gone, "process %s gone" % fid, timeout=30)
    check(not sqs.list_queues(QueueNamePrefix=qname).get("QueueUrls"), "queue left behind")
    recs = cl.ok("history", {"process": fid})["records"]
    kinds = [(r["kind"], r["what"], r.get("to")) for r in recs]
    for want in (("transition", "run", "Running"), ("transition", "suspend", "Suspended"),
                 ("transition", "kill", "Killing"), ("transition", "kill", ""),
                 ("job", "run", None), ("job", "kill", None)):
        check(any(k[:2] == want[:2] and (want[2] is None or k[2] == want[2]) for k in kinds),
              "history lacks %r: %r" % (want, kinds))
    check(recs == sorted(recs, key=lambda r: r["time"], reverse=True), "history not newest first")
    check(len(cl.ok("history", {"process": fid, "limit": 2})["records"]) == 2, "history limit")


def events_sink(cloud):
    """A queue subscribed (raw) to the events topic; returns its URL."""
    sqs, sns = cloud.client("sqs"), cloud.client("sns")
    url = sqs.create_queue(QueueName=PREFIX + "events-sink")["QueueUrl"]
    arn = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])["Attributes"][
        "QueueArn"]
    topic = [t["TopicArn"] for t in sns.list_topics()["Topics"]
             if t["TopicArn"].endswith(":" + PREFIX + "fugue-events")][0]
    sns.subscribe(TopicArn=topic, Protocol="sqs", Endpoint=arn,
                  Attributes={"RawMessageDelivery": "true"})
    return url


def events(cloud, url, fid):
    """The events published about a process: (kind, message) pairs, oldest first."""
    sqs, out = cloud.client("sqs"), []
    while True:
        got = sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10, WaitTimeSeconds=1)
        if not got.get("Messages"):
            return out
        for m in got["Messages"]:
            e = json.loads(m["Body"])
            check(e["v"] == 1 and e["time"] and e["kind"], "event %r" % e)
            if e["fid"] == fid:
                out.append((e["kind"], e["message"]))
            sqs.delete_message(QueueUrl=url, ReceiptHandle=m["ReceiptHandle"])


def main():
    cloud = Localcloud()
    # Debug lines of every subsystem, and temporary credentials: secrets_in_logs.py then
    # checks that neither the token nor any Fugue secret reaches the log.
    c = Conductor(cloud, PREFIX, log_level="debug", session_token="FQoGZXIvYXdzE" +
                  uuid.uuid4().hex * 4)
    # A temporary file left where the root secret is written, readable by all: the secret
    # must not inherit its mode.
    with open(c.secret_file + ".tmp", "w") as f:
        os.fchmod(f.fileno(), 0o644)
    with scenario(c, cloud):
        boot(cloud, c, c.start())
        no_ports(c)
        other_user(c)
        sink = events_sink(cloud)
        cl = Client(c)
        replay(cl)
        bad_requests(c, cl)
        concurrent(c)
        fid, qname = process_life(cloud, c, cl)
        evs = events(cloud, sink, fid)
        for want in (("transition", "run: (new) -> Running"),
                     ("transition", "suspend: Running -> Suspended"),
                     ("transition", "resume: Suspended -> Running")):
            check(want in evs, "event %r not in %r" % (want, evs))
        check(any(k == "job-finished" for k, _ in evs), "no job-finished event in %r" % evs)
        # SIGHUP: settings read again, the Conductor keeps serving.
        c.send_signal(signal.SIGHUP)
        cl.ok("status")
        check("settings reloaded" in c.log(), "no reload in the log")
        # A restart finds the process and its properties again.
        rc, took = c.stop()
        check(rc == 0 and took < scaled(10), "SIGTERM: exit %d after %.1f s" % (rc, took))
        old = c.proc.pid
        marker = c.start()
        check(marker["pid"] != old, "the marker was not rewritten")
        s = cl.ok("status", {"process": "web"})
        check(s["fid"] == fid and s["properties"]["enforcement-interval"] == 30,
              "after restart: %r" % s)
        kill(cloud, cl, fid, qname)
        cl.close()
        rc, took = c.stop()
        check(rc == 0 and took < scaled(10), "SIGTERM: exit %d after %.1f s" % (rc, took))
        print("ok: boot, requests, bad requests, replay, properties, lock, dry runs, events, "
              "restart, kill, history, SIGHUP, SIGTERM")


if __name__ == "__main__":
    main()
