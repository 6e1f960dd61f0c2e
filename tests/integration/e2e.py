"""e2e.py: issue 5's evidence end to end: fugue-localcloud, a real fugue-conductor and the real
fugue CLI (init, run, status, property, suspend, resume, update, kill, history, all with
--json), every effect checked with Debian's AWS CLI. run creates the resources of
examples/queues-and-buckets.lw; drift (a queue deleted, an attribute changed, a tag removed,
bucket versioning suspended) is put back within one enforcement interval; while suspended the
same drift stays for two intervals; resume puts it back; update adds, changes and removes
resources; dry runs of run, update and kill change nothing and return a plan; history lists
every job and transition; kill removes every resource and the process; an unknown process
exits 3."""
import os
import tempfile
import time

from conductor import TOP, AwsCli, Cli, Conductor, Localcloud, check, need_aws, scenario

PREFIX = "e2e%d-" % os.getpid()
EXAMPLE = os.path.join(TOP, "examples", "queues-and-buckets.lw")
INTERVAL = 10
QUEUES = ["jobs", "jobs-failed", "notifications"]
UPLOADS = "queues-and-buckets-uploads-0001"
REPORTS = "queues-and-buckets-reports-0001"
TIMINGS = []


def timed(what, fn, timeout):
    """Polls fn() until it is true; records and returns the seconds it took."""
    t0 = time.time()
    while not fn():
        check(time.time() - t0 < timeout, "not within %d s: %s" % (timeout, what))
        time.sleep(0.25)
    took = time.time() - t0
    TIMINGS.append((what, took))
    return took


def variant(tmp, name, edits, drop=()):
    """Writes a copy of the example with (old, new) text edits and without the bindings named
    in drop (a binding: its line and the indented lines after it); its path."""
    with open(EXAMPLE) as f:
        text = f.read()
    for old, new in edits:
        check(old in text, "variant %s: %r is not in the example" % (name, old))
        text = text.replace(old, new)
    lines, skipping = [], False
    for line in text.splitlines(keepends=True):
        if not line.startswith((" ", "\t")):
            skipping = line.split(":", 1)[0] in drop
        if not skipping:
            lines.append(line)
    text = "".join(lines)
    path = os.path.join(tmp, name + ".lw")
    with open(path, "w") as f:
        f.write(text)
    return path


class Scenario:
    """The parts of the scenario and the checks on what localcloud holds."""

    def __init__(self, aws, conductor, cli):
        self.aws = aws
        self.c = conductor
        self.cli = cli
        self.fid = None

    def names(self):
        """The queues (without the Conductor's own) and buckets localcloud holds."""
        queues = sorted(u.rsplit("/", 1)[1] for u in self.aws.queue_urls())
        queues = [q for q in queues if not q.startswith(PREFIX)]
        buckets = sorted(b for b in self.aws.bucket_names() if not b.startswith(PREFIX))
        return queues, buckets

    def ready(self, n):
        """Whether the process has n resources, all ready."""
        r = self.cli.json("status", "demo")["resources"]
        return r["ready"] == n and sum(r.values()) == n

    def check_example(self):
        """What the example declares exists in localcloud, as declared."""
        check(self.names() == (QUEUES, sorted([REPORTS, UPLOADS])),
              "resources in localcloud: %r" % (self.names(),))
        jobs = self.aws.queue_attrs("jobs")
        check(jobs["VisibilityTimeout"] == "120", "jobs: %r" % jobs)
        check('"maxReceiveCount":5' in jobs["RedrivePolicy"].replace(" ", "") and
              jobs["RedrivePolicy"].find(":jobs-failed") > 0, "jobs redrive: %r" % jobs)
        failed = self.aws.queue_attrs("jobs-failed")
        check(failed["MessageRetentionPeriod"] == "1209600", "jobs-failed: %r" % failed)
        for q in QUEUES:
            check(self.aws.queue_tags(q) == {"Application": "queues-and-buckets",
                                             "fugue:fid": self.fid, "fugue:id": q},
                  "tags of %s: %r" % (q, self.aws.queue_tags(q)))
        check(self.versioning(UPLOADS) == "Enabled", "uploads versioning")
        check(self.aws.bucket_tags(REPORTS) == {
            "Application": "queues-and-buckets", "Retention": "90 days",
            "fugue:fid": self.fid, "fugue:id": "reports"}, "reports tags")

    def versioning(self, bucket):
        """The versioning status of a bucket ("" when never set)."""
        return (self.aws("s3api", "get-bucket-versioning", "--bucket", bucket) or
                {}).get("Status", "")

    def drift(self):
        """Drifts four resources by hand."""
        self.aws("sqs", "delete-queue", "--queue-url", self.aws.queue_url("notifications"))
        self.aws("sqs", "set-queue-attributes", "--queue-url", self.aws.queue_url("jobs"),
                 "--attributes", "VisibilityTimeout=5")
        self.aws("sqs", "untag-queue", "--queue-url", self.aws.queue_url("jobs-failed"),
                 "--tag-keys", "Application")
        self.aws("s3api", "put-bucket-versioning", "--bucket", UPLOADS,
                 "--versioning-configuration", "Status=Suspended")
        check(self.reverted() == set(), "drift not made: %r" % self.reverted())

    def reverted(self, only=None):
        """Which of the four drifts are put back (of those in only, when given)."""
        checks = {
            "deleted queue": lambda: "notifications" in self.names()[0],
            "attribute": lambda: self.aws.queue_attrs("jobs")["VisibilityTimeout"] == "120",
            "tag": lambda: "Application" in self.aws.queue_tags("jobs-failed"),
            "versioning": lambda: self.versioning(UPLOADS) == "Enabled",
        }
        return {k for k, fn in checks.items() if (only is None or k in only) and fn()}

    def wait_reverted(self, what, timeout):
        """Polls until every drift is put back; records when each one was."""
        t0 = time.time()
        left = {"deleted queue", "attribute", "tag", "versioning"}
        while left:
            check(time.time() - t0 < timeout, "%s: %r not put back within %d s" %
                  (what, sorted(left), timeout))
            for k in self.reverted(left):
                TIMINGS.append(("%s: %s put back" % (what, k), time.time() - t0))
                left.discard(k)
            time.sleep(0.1)

    def unchanged(self, queues, buckets, what):
        """Checks that localcloud still holds exactly these resources."""
        check(self.names() == (queues, buckets), "%s changed localcloud: %r" %
              (what, self.names()))

    def plan(self, result):
        """The (action, logical id) pairs of a dry run's plan, sorted."""
        return sorted((s["action"], s["logical_id"]) for s in result["plan"])


def run(s):
    """run: a dry run first, then the example for real, converged, checked with aws."""
    cli = s.cli
    r = cli.json("run", "--dry-run", EXAMPLE)
    check(s.plan(r) == [("create", q) for q in ["jobs", "jobs-failed", "notifications",
                                                "reports", "uploads"]], "run plan: %r" % r)
    s.unchanged([], [], "run --dry-run")
    check(cli.json("status") == {"processes": []}, "run --dry-run made a process")
    t0 = time.time()
    r = cli.json("run", "-a", "demo", EXAMPLE)
    check(r["state"] == "Running" and r["alias"] == "demo", "run: %r" % r)
    s.fid = r["fid"]
    timed("run: 5 resources ready", lambda: s.ready(5), 30)
    TIMINGS.append(("run: request to converged", time.time() - t0))
    s.check_example()
    cli.run("run", "-a", "demo", EXAMPLE, want=1)  # the alias is taken


def enforcement(s):
    """The interval set by property; drift put back within one interval."""
    p = s.cli.json("property", "demo", "enforcement-interval", "--set", str(INTERVAL))
    check(p["properties"]["enforcement-interval"] == INTERVAL, "property --set: %r" % p)
    p = s.cli.json("property", "demo")
    check(p["properties"] == {"alias": "demo", "enforcement": "on",
                              "enforcement-interval": INTERVAL, "lock": "off"},
          "property: %r" % p)
    s.drift()
    s.wait_reverted("enforcement", INTERVAL + 10)
    check(s.aws.queue_tags("notifications") == {"Application": "queues-and-buckets",
                                                "fugue:fid": s.fid, "fugue:id": "notifications"},
          "tags of the queue made again: %r" % s.aws.queue_tags("notifications"))
    check(s.ready(5), "not all ready after enforcement")


def suspend_resume(s):
    """Suspended: the drift stays for two intervals; resume puts it back."""
    r = s.cli.json("suspend", "demo")
    check(r["state"] == "Suspended", "suspend: %r" % r)
    check(s.cli.json("suspend", "demo")["state"] == "Suspended", "suspend again")
    s.drift()
    end = time.time() + 2 * INTERVAL + 2
    while time.time() < end:
        check(s.reverted() == set(), "enforced while suspended: %r" % s.reverted())
        time.sleep(0.5)
    check(s.cli.json("status", "demo")["state"] == "Suspended", "no longer suspended")
    r = s.cli.json("resume", "--dry-run", "demo")
    check(("create", "notifications") in s.plan(r) and ("update", "jobs") in s.plan(r),
          "resume plan: %r" % r)
    check(s.reverted() == set(), "resume --dry-run changed something")
    r = s.cli.json("resume", "demo")
    check(r["state"] == "Running", "resume: %r" % r)
    s.wait_reverted("resume", INTERVAL + 10)
    check(s.ready(5), "not all ready after resume")


def update(s, tmp):
    """update: a dry run, then for real: one queue added, one changed, one removed; one bucket
    changed, one removed."""
    path = variant(tmp, "updated",
                   [("visibilityTimeout: 120", "visibilityTimeout: 60"),
                    ("notifications: SQS.Queue.new {name: \"notifications\"",
                     "audit: SQS.Queue.new {name: \"audit\""),
                    ("  versioning: True\n", "  versioning: False\n")], drop=["reports"])
    before = s.names()
    r = s.cli.json("update", "--dry-run", "demo", path)
    check(s.plan(r) == [("create", "audit"), ("delete", "notifications"), ("delete", "reports"),
                        ("update", "jobs"), ("update", "uploads")], "update plan: %r" % r)
    s.unchanged(*before, "update --dry-run")
    check(s.aws.queue_attrs("jobs")["VisibilityTimeout"] == "120", "dry run changed jobs")
    t0 = time.time()
    r = s.cli.json("update", "demo", path)
    check(r["state"] == "Running" and r["fid"] == s.fid, "update: %r" % r)
    timed("update: converged", lambda: s.names() == (["audit", "jobs", "jobs-failed"],
                                                     [UPLOADS]) and s.ready(4), 30)
    TIMINGS.append(("update: request to converged", time.time() - t0))
    check(s.aws.queue_attrs("jobs")["VisibilityTimeout"] == "60", "jobs not updated")
    check(s.versioning(UPLOADS) == "Suspended", "uploads versioning not suspended")
    check(s.aws.queue_tags("audit") == {"Application": "queues-and-buckets",
                                        "fugue:fid": s.fid, "fugue:id": "audit"},
          "audit tags: %r" % s.aws.queue_tags("audit"))


def kill(s):
    """kill: a dry run, then for real; nothing is left; the process is gone."""
    before = s.names()
    r = s.cli.json("kill", "--dry-run", "demo")
    check(s.plan(r) == [("delete", "audit"), ("delete", "jobs"), ("delete", "jobs-failed"),
                        ("delete", "uploads")], "kill plan: %r" % r)
    s.unchanged(*before, "kill --dry-run")
    check(s.cli.json("status", "demo")["state"] == "Running", "kill --dry-run killed it")
    t0 = time.time()
    r = s.cli.json("-y", "kill", "demo")
    check(r["state"] == "Killing" and r["fid"] == s.fid, "kill: %r" % r)
    timed("kill: process gone", lambda: s.cli.json("status") == {"processes": []}, 30)
    TIMINGS.append(("kill: request to gone", time.time() - t0))
    check(s.names() == ([], []), "left behind: %r" % (s.names(),))
    s.cli.run("status", "demo", want=3)
    s.cli.run("status", s.fid, want=3)
    err = s.cli.json("status", "no-such-process", want=3)["error"]
    check(err["code"] == "NotFound", "status of an unknown process: %r" % err)


def history(s):
    """Every job and transition of the process, newest first, found by its FID."""
    recs = s.cli.json("history", s.fid)["records"]
    check(all(r["fid"] == s.fid for r in recs), "history of another process")
    times = [r["time"] for r in recs]
    check(times == sorted(times, reverse=True), "history not newest first")
    jobs = [r["what"] for r in reversed(recs) if r["kind"] == "job"]
    moves = [(r["what"], r["from"], r["to"]) for r in reversed(recs)
             if r["kind"] == "transition"]
    check(jobs == ["run", "resume", "update", "kill"], "history jobs: %r" % jobs)
    check(moves == [("run", "", "Running"), ("suspend", "Running", "Suspended"),
                    ("resume", "Suspended", "Running"), ("update", "Running", "Running"),
                    ("kill", "Running", "Killing"),
                    ("kill", "Killing", "")], "history transitions: %r" % moves)
    check(all(r["result"] == "ok" for r in recs if r["kind"] in ("job", "transition")),
          "a failed job or transition: %r" % recs)
    # The drift of the Running process is fixed by enforcement, that of the suspended one by
    # the resume job.
    fixed = sorted(r["message"] for r in recs if r["kind"] == "event" and
                   r["what"] == "drift-fixed")
    check(fixed == ["jobs-failed: update Tags", "jobs: update VisibilityTimeout",
                    "notifications: create", "uploads: update VersioningConfiguration"],
          "drift-fixed events: %r" % fixed)
    resume = [r for r in recs if r["kind"] == "job" and r["what"] == "resume"][0]
    check(sorted((a["action"], a["logical_id"]) for a in resume["detail"]) ==
          [("create", "notifications"), ("update", "jobs"), ("update", "jobs-failed"),
           ("update", "uploads")], "resume job: %r" % resume)
    check(any(r["kind"] == "property" for r in recs), "no property record")
    out, _ = s.cli.run("history", s.fid)
    check(out.startswith("Time") and "kill" in out and "drift-fixed" in out,
          "history table: %r" % out)


def main():
    need_aws()
    cli = Cli()
    cloud = Localcloud()
    aws = AwsCli(cloud)
    c = Conductor(cloud, PREFIX)
    t0 = time.time()
    with scenario(c, cloud, closers=(aws, cli), timings=TIMINGS):
        c.start()
        cli.init(c)
        s = Scenario(aws, c, cli)
        with tempfile.TemporaryDirectory() as tmp:
            run(s)
            enforcement(s)
            suspend_resume(s)
            update(s, tmp)
            kill(s)
        history(s)
        check(c.alive(), "the Conductor died")
        rc = c.stop()[0]
        check(rc == 0, "fugue-conductor exited with %d on SIGTERM (a sanitizer report?):\n%s" %
              (rc, c.log()[-5000:]))
        print("ok: run, drift put back, suspend, resume, update, dry runs, kill, history, "
              "unknown process (%.0f s)" % (time.time() - t0))
        c.remove()


if __name__ == "__main__":
    main()
