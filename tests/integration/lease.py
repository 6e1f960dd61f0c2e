"""lease.py: issue 7's two Conductors: several fugue-conductor processes on one account, region
and prefix, of which exactly one (the holder of the lease in <prefix>fugue-lease) works.

A leads and B stands by while a composition of 50 SQS queues runs (localcloud slowing SQS
mutations); A is killed with SIGKILL mid-run and B takes over (a holder on this machine that
is gone: at once). C then stands by while an update of every queue runs; B is frozen with
SIGSTOP mid-update (alive, but it renews nothing: a hung machine) and C takes over when the
lease expires, within 30 s; B is then killed. Each time the process converges and every queue
exists exactly once (by name and by its fugue: tags, with Debian's AWS CLI). D stands by and
C gets SIGTERM: it gives the lease up and D takes over at once. The process is killed and
nothing is left. Last, DynamoDB fails every call: D cannot renew and exits with status 3
before its lease expires. From the Conductors' debug logs of their AWS calls: nobody made a
mutating call (or polled the request queue) before it took the lease, nor after its holder's
life ended, and the lives' leaderships never overlapped."""
import datetime
import json
import os
import signal
import subprocess
import tempfile
import time

from conductor import (ACCOUNT, CONDUCTOR, AwsCli, Cli, Conductor, Localcloud, check, converged,
                       need_aws, now_rfc3339, poll, queue_composition, queue_tags, seeded)
from testrun import command, scaled

PREFIX = "lease%d-" % os.getpid()
QUEUES = 50
DURATION = 15  # the default lease-duration and lease-renew
RENEW = 5
SLOW = ["CreateQueue", "SetQueueAttributes", "TagQueue", "UntagQueue", "DeleteQueue"]
FAULTS = ([{"service": "sqs", "action": a, "latency_ms": 1000, "jitter_ms": 3000} for a in SLOW] +
          [{"service": "dynamodb", "latency_ms": 2, "jitter_ms": 20}])
# Calls that change something, and the request queue's long poll ("METHOD service action").
MUTATING_SQS = {"CreateQueue", "DeleteQueue", "SetQueueAttributes", "TagQueue", "UntagQueue",
                "ReceiveMessage", "SendMessage", "DeleteMessage", "ChangeMessageVisibility",
                "PurgeQueue"}
MUTATING_DDB = {"PutItem", "UpdateItem", "DeleteItem", "BatchWriteItem", "TransactWriteItems"}


class Life(Conductor):
    """One Conductor process, started without waiting for it to lead."""

    def __init__(self, cloud, name):
        super().__init__(cloud, PREFIX, "--enforcement-interval", "10", "--log-level", "debug",
                         "--debug", "aws,lease")
        self.name = name
        self.ended = None  # when its life (or its work) ended, for the overlap check

    def launch(self):
        """Starts the daemon; returns once it logged its lease's first read."""
        log = open(self.log_path, "ab")
        self.proc = subprocess.Popen(command(CONDUCTOR, *self.args), env=self.env(),
                                     stdout=log, stderr=subprocess.STDOUT)
        log.close()
        self.wait_log("lease: ", timeout=scaled(30))

    def lines(self):
        """The daemon's JSON log lines as (time in s, subsystem, message)."""
        out = []
        for line in self.log().splitlines():
            try:
                d = json.loads(line)
            except ValueError:
                continue
            t = datetime.datetime.strptime(d["time"], "%Y-%m-%dT%H:%M:%S.%fZ").replace(
                tzinfo=datetime.timezone.utc).timestamp()
            out.append((t, d.get("subsystem", ""), d["msg"]))
        return out

    def taken(self):
        """When the daemon logged that it took the lease, or None."""
        return next((t for t, _, m in self.lines() if m.startswith("lease: taken")), None)

    def mutations(self):
        """(time, index, call) of every mutating call the daemon logged an attempt of."""
        out = []
        for i, (t, sub, m) in enumerate(self.lines()):
            w = m.split(" ")
            if sub != "aws" or len(w) < 4 or not w[3].startswith("attempt"):
                continue
            method, service, action = w[0], w[1], w[2].rstrip(":").split(".")[-1]
            if (service == "sqs" and action in MUTATING_SQS or
                    service == "dynamodb" and action in MUTATING_DDB or
                    service == "s3" and method in ("PUT", "DELETE", "POST")):
                out.append((t, i, "%s %s %s" % (method, service, action)))
        return out

    def check_alone(self):
        """Before the daemon took the lease it only read and took the lease item (its only
        PutItem calls); its work lies within its leadership."""
        lines = self.lines()
        taken = next((i for i, (_, _, m) in enumerate(lines) if m.startswith("lease: taken")),
                     len(lines))
        takes = sum(1 for _, _, m in lines[:taken] if m.startswith("lease: taking"))
        before = [c for t, i, c in self.mutations() if i < taken]
        check(all(c == "POST dynamodb PutItem" for c in before) and len(before) <= takes,
              "%s called before it took the lease: %r" % (self.name, before))
        if self.ended is not None:
            late = [(t, c) for t, i, c in self.mutations() if t > self.ended]
            check(not late, "%s called after its end: %r" % (self.name, late))


def leader_pid(c):
    """The pid in the ready marker (None when there is none)."""
    try:
        obj = c.s3.get_object(Bucket=c.bucket, Key="conductor/ready.json")
        return json.loads(obj["Body"].read()).get("pid")
    except Exception:  # the bucket or the object is not there yet
        return None


def wait_leader(c, since, timeout):
    """Waits until c wrote the ready marker; the seconds since since."""
    end = time.time() + scaled(timeout)
    while time.time() < end:
        check(c.alive(), "%s exited:\n%s" % (c.name, c.log()[-5000:]))
        if leader_pid(c) == c.proc.pid:
            return time.time() - since
        time.sleep(0.1)
    raise AssertionError("%s did not lead within %d s:\n%s" % (c.name, timeout,
                                                               c.log()[-5000:]))


def check_queues(aws, cli, fid, want, visibility):
    """Every queue of want exists once, by name and by tag, as declared; records ready."""
    got = queue_tags(aws, PREFIX)
    check(sorted(got) == sorted(want), "queues by name: %d, missing %r, extra %r" %
          (len(got), sorted(set(want) - set(got)), sorted(set(got) - set(want))))
    check(sum(1 for tags in got.values() if tags.get("fugue:fid") == fid) == QUEUES,
          "queues tagged with the FID")
    check(all(got[q].get("fugue:id") == lid for q, lid in want.items()), "fugue:id tags")
    lst = cli.json("status", "lease")["resource_list"]
    check(sorted(r["physical_id"] for r in lst) ==
          sorted("%s/%s/%s" % (aws.url, ACCOUNT, q) for q in want), "records' physical ids")
    check(all(r["status"] == "ready" for r in lst), "records not ready")
    for q in want:
        if q != "lease-dlq":
            v = aws.queue_attrs(q)["VisibilityTimeout"]
            check(v == str(visibility), "%s: visibility %s" % (q, v))


def settled(aws, cli, fid, want, visibility, what):
    """Waits until the process converged after what, then checks its queues."""
    since = now_rfc3339()
    poll("converged after " + what, lambda: converged(cli, "lease", QUEUES, since), 90)
    check_queues(aws, cli, fid, want, visibility)


def mid_job(cli, cloud, leader, wait_s, command_args, what):
    """Starts a fugue command; once the leader started its job and sent the reply, waits a
    random moment while the job is in flight; returns the running command (see Cli.collect;
    it may still be deleting its reply queue, slowed like every queue)."""
    offset = len(leader.log())
    cloud.faults(FAULTS)
    p = cli.spawn("--json", *command_args)
    leader.wait_log(" %s job started" % what, offset)
    leader.wait_log("SendMessage: attempt 1: HTTP 200", offset)
    time.sleep(wait_s)
    check(" %s job done" % what not in leader.log()[offset:] and
          " %s job failed" % what not in leader.log()[offset:], "the %s job ended already" % what)
    return p


def main():
    seed, rng = seeded("LEASE_SEED")
    need_aws()
    cli = Cli()
    cloud = Localcloud()
    aws = AwsCli(cloud)
    lives = [Life(cloud, n) for n in "ABCD"]
    a, b, c, d = lives
    try:
        t0 = time.time()
        a.launch()
        took = wait_leader(a, t0, 30)
        print("A alone leads %.1f s after its start" % took, flush=True)
        b.launch()
        b.wait_log("standing by")
        cli.init(a)

        # SIGKILL of the leader mid-run: B takes over at once (A's pid is gone).
        with tempfile.TemporaryDirectory() as tmp:
            path = os.path.join(tmp, "lease.lw")
            want = queue_composition(path, "lease", 1, QUEUES, 30)
            p = mid_job(cli, cloud, a, 0, ["run", "-a", "lease", path], "run")
            # Into the creates of the 49 queues (the dead-letter queue came first).
            poll("queues being made", lambda: len(aws.queue_urls("lease-")) >= 5, 60)
            time.sleep(rng.uniform(0, 1.5))
            check(b.taken() is None, "B took the lease while A lived")
            at_kill = len(aws.queue_urls("lease-"))
            check(at_kill < QUEUES, "the run ended before the kill")
            a.proc.kill()
            a.ended = time.time()
            a.proc.wait()
            cloud.faults([])
            took = wait_leader(b, a.ended, 30)
            print("SIGKILL of A with %d of %d queues made: B leads %.1f s later" %
                  (at_kill, QUEUES, took), flush=True)
            check(took <= scaled(30), "B took %.1f s" % took)
            fid = json.loads(cli.collect(p)[0])["fid"]
            settled(aws, cli, fid, want, 30, "the takeover")

            # SIGSTOP of the leader mid-update: C takes over once the lease expires.
            c.launch()
            c.wait_log("standing by")
            want = queue_composition(path, "lease", 1, QUEUES, 45)
            p = mid_job(cli, cloud, b, rng.uniform(0.1, 0.8), ["update", "lease", path], "update")
            check(c.taken() is None, "C took the lease while B worked")
            b.proc.send_signal(signal.SIGSTOP)
            b.ended = time.time()
            cloud.faults([])
            took = wait_leader(c, b.ended, 30)
            print("SIGSTOP of B mid-update: C leads %.1f s later (lease %d s, renewed every "
                  "%d s)" % (took, DURATION, RENEW), flush=True)
            check(DURATION - RENEW - 1 <= took <= scaled(30),
                  "C took over %.1f s after B froze" % took)
            b.proc.kill()
            b.proc.wait()
            cli.collect(p)
            settled(aws, cli, fid, want, 45, "the second takeover")

        # SIGTERM: C gives the lease up and D takes over at once.
        d.launch()
        d.wait_log("standing by")
        t = time.time()
        rc = c.stop()[0]
        check(rc == 0, "C exited with %d on SIGTERM:\n%s" % (rc, c.log()[-5000:]))
        # Its work ended when it gave the lease up.
        c.ended = next((t for t, _, m in c.lines() if m.startswith("lease: released")), None)
        check(c.ended is not None, "C did not release the lease")
        took = wait_leader(d, t, 10)
        print("SIGTERM of C: D leads %.1f s later" % took, flush=True)
        check(took < 5, "D took %.1f s after the release" % took)

        # Kill: nothing left.
        cli.run("kill", "-y", "lease")
        poll("the process gone", lambda: cli.json("status") == {"processes": []}, 60)
        left = queue_tags(aws, PREFIX)
        check(left == {}, "left after kill: %r" % sorted(left))
        left = aws("dynamodb", "scan", "--table-name", PREFIX + "fugue-resources")["Items"]
        check(left == [], "resource records left after kill: %r" % left)

        # DynamoDB fails every call: D stops before its lease expires, exit status 3.
        cloud.faults([{"service": "dynamodb", "error": "503", "error_rate": 1}])
        t = time.time()
        try:
            rc = d.proc.wait(timeout=scaled(DURATION + 5))
        except subprocess.TimeoutExpired:
            raise AssertionError("D still runs %d s after DynamoDB failed" % (DURATION + 5))
        d.ended = time.time()
        cloud.faults([])
        check(rc == 3, "D exited with %d, not 3:\n%s" % (rc, d.log()[-5000:]))
        check(d.ended - t < DURATION, "D stopped %.1f s after DynamoDB failed" % (d.ended - t))
        print("DynamoDB failing: D exited with 3 after %.1f s (its lease lasts %d s)" %
              (d.ended - t, DURATION), flush=True)

        # The logs: each life worked only while it held the lease, one after the other.
        for life in lives:
            life.check_alone()
            print("%s: %d mutating calls, all while it held the lease" %
                  (life.name, len(life.mutations())))
        order = sorted((life.taken(), life) for life in lives)
        check([life.name for _, life in order] == list("ABCD"), "the order of the leaders")
        for (_, x), (t_next, y) in zip(order, order[1:]):
            check(x.ended <= t_next, "%s took the lease %.3f s before %s's end" %
                  (y.name, x.ended - t_next, x.name))
        print("ok: %d queues, each once; SIGKILL, SIGSTOP, SIGTERM and DynamoDB failing "
              "handed over without overlap (%d mutating calls logged); nothing left after "
              "kill (LEASE_SEED=%d)" % (QUEUES, sum(len(x.mutations()) for x in lives), seed))
        for life in lives:
            life.remove()
    except BaseException:
        for life in lives:
            if life.proc:
                print("--- %s\n%s" % (life.name, life.log()[-8000:]))
        print("LEASE_SEED=%d replays this run" % seed)
        raise
    finally:
        for life in lives:
            if life.proc and life.proc.poll() is None:
                life.proc.kill()
                life.proc.wait()
        aws.close()
        cloud.stop()
        cli.close()


if __name__ == "__main__":
    main()
