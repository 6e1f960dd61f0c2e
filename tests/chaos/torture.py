"""torture.py: issue 7's crash torture. One localcloud (state in a directory) and one Conductor
(enforcement every 10 s) take a process of 40 resources (30 SQS queues, three redriving to a
dead-letter queue, and 10 S3 buckets) through four phases, each under kill -9 of the Conductor
at random instants (its mutating calls slowed in localcloud so that kills land while calls are
in flight; every restart comes up at full speed, then the latencies come back): run (15 kills),
update (every queue's visibility changed, 5 queues dropped, 5 added: 15 kills), enforcement (5
queues and 2 buckets deleted behind its back, 3 queues' attributes changed: 10 kills during the
passes that put them back) and kill (10 kills): 50 kills. During the run localcloud itself is
also killed with SIGKILL once, during the update and the kill stopped with SIGTERM once, and
restarted on the same state and port. After each phase (faults removed) the process converges
within two enforcement intervals and every resource exists exactly once, by name and by its
fugue:fid and fugue:id tags, as declared, with a ready record; after the kill nothing is left:
no resource, no resource record, no process record. The process is found after every restart;
the Conductor never exits on its own and stops with 0 on SIGTERM. CRASH_SEED=N replays the kill
instants (printed first); --full doubles the kills.

Usage: torture.py [--full]"""
import os
import random
import signal
import sys
import threading
import time

import conductor as H
from conductor import ACCOUNT, check, now_rfc3339
from chaos import (Client, Cloud, Inventory, Watch, composition, keep_log, retrying, upload,
                   wait_for)

INTERVAL = 10
QUEUES, BUCKETS = 35, 10  # queue numbers; 30 of them in each composition
RUN_SKIP, UPDATE_SKIP = set(range(30, 35)), set(range(1, 6))
SLOW = {"sqs": ["CreateQueue", "SetQueueAttributes", "TagQueue", "UntagQueue", "DeleteQueue"],
        "s3": ["CreateBucket", "PutBucketTagging", "DeleteBucket", "DeleteBucketTagging"]}
FAULTS = ([{"service": svc, "action": a, "latency_ms": 200, "jitter_ms": 1500}
           for svc, acts in SLOW.items() for a in acts] +
          [{"service": "sqs", "latency_ms": 5, "jitter_ms": 100},
           {"service": "s3", "latency_ms": 5, "jitter_ms": 100},
           {"service": "dynamodb", "latency_ms": 5, "jitter_ms": 60}])


class Torture:
    """The localcloud, the Conductor, the client and the counts of one run."""

    def __init__(self, rng, scale):
        self.rng, self.scale = rng, scale
        self.prefix = "tt%d-" % os.getpid()
        self.cloud = Cloud()
        self.c = H.Conductor(self.cloud, self.prefix, "--enforcement-interval", str(INTERVAL))
        self.kills = {}
        self.cloud_kills = {}
        self.fid = None

    def start(self):
        """Starts the Conductor; the client, the inventory."""
        self.c.start()
        self.cl = Client(self.c)
        self.inv = Inventory(self.cloud, self.prefix)
        self.s3 = retrying(self.cloud, "s3")

    def restart(self):
        """Kills the Conductor with SIGKILL (it must still be running) and starts it again
        at full speed, then slows localcloud again (the same rules)."""
        check(self.c.alive(), "the Conductor exited on its own:\n" + self.c.log()[-5000:])
        self.c.proc.kill()
        self.c.proc.wait()
        rules = self.cloud.rules
        self.cloud.faults([])
        self.c.start()
        self.cloud.faults(rules)

    def torture(self, phase, n, cloud_sig, check_process=True, life=(0.05, 1.5)):
        """n kills of the Conductor at random instants (each life lasting a random time in
        the range life) and, with a cloud_sig, one restart of localcloud among them (that
        signal, then a restart on the same state and port); after each restart the process
        must be found (when check_process)."""
        at = self.rng.randrange(n) if cloud_sig else -1
        for i in range(n * self.scale):
            time.sleep(self.rng.uniform(*life))
            if i == at:
                self.cloud.restart(cloud_sig)
                self.cloud_kills[cloud_sig.name] = self.cloud_kills.get(cloud_sig.name, 0) + 1
                time.sleep(self.rng.uniform(0.05, 1.0))
            self.restart()
            self.kills[phase] = self.kills.get(phase, 0) + 1
            if check_process:
                r = self.cl.call("status", {"process": self.fid or "torture"})
                check(r["ok"], "%s: process lost after a restart: %r" % (phase, r))

    def command(self, phase, kills, cloud_sig, command, args):
        """Sends a command and tortures the Conductor while its job runs; its reply."""
        box = {}

        def ask():
            try:
                box["reply"] = self.cl.call(command, args, timeout=300)
            except BaseException as e:  # reported below
                box["error"] = e

        offset = len(self.c.log())
        t = threading.Thread(target=ask, daemon=True)
        t.start()
        self.c.wait_log(" %s job started" % command, offset, timeout=60)
        self.torture(phase, kills, cloud_sig, check_process=command != "kill")
        t.join(timeout=300)
        check("reply" in box, "%s: %r" % (command, box.get("error")))
        r = box["reply"]
        check(r["ok"], "%s: %r" % (command, r))
        return r["result"]

    def settle(self, phase, want, visibility):
        """Without faults: converged within two intervals (and some), each resource once."""
        self.cloud.faults([])
        since = now_rfc3339()
        watch = Watch(self.c, self.cl, self.fid)
        took = wait_for("%s: converged" % phase, lambda: watch.converged(len(want), since),
                        3 * INTERVAL + 20, every=1.0)
        n = self.inv.check_running(self.fid, want, visibility=visibility)
        print("%s: %d kills; converged %.1f s after; %d resources each once" %
              (phase, self.kills.get(phase, 0), took, n), flush=True)

    def drift(self, want):
        """Deletes 5 queues and 2 buckets and changes 3 queues' visibility behind the
        Conductor's back."""
        sqs = retrying(self.cloud, "sqs")
        qs = sorted(lid for lid in want if lid.startswith("q") and lid != "q000")
        picked = self.rng.sample(qs, 8)
        for lid in picked[:5]:
            sqs.delete_queue(QueueUrl="%s/%s/%s" % (self.cloud.url, ACCOUNT, want[lid]))
        for lid in picked[5:]:
            sqs.set_queue_attributes(QueueUrl="%s/%s/%s" % (self.cloud.url, ACCOUNT, want[lid]),
                                     Attributes={"VisibilityTimeout": "7"})
        bs = sorted(lid for lid in want if lid.startswith("b"))
        for lid in self.rng.sample(bs, 2):
            self.s3.delete_bucket(Bucket=want[lid])

    def main(self):
        """The four phases."""
        t0 = time.time()
        self.start()
        want, res = composition(self.prefix, QUEUES, BUCKETS, 0, "torture", 1, RUN_SKIP)
        args = upload(self.c, self.s3, res)
        self.cloud.faults(FAULTS)
        # localcloud killed with SIGKILL forgets its last 0.1 to 5 s of changes: during the run
        # (creates only) the Conductor makes again what it forgot; during the update or the
        # kill a delete it acknowledged would come back, which AWS never does: there it is
        # stopped with SIGTERM (connections cut, calls in flight unanswered, state kept).
        r = self.command("run", 15, signal.SIGKILL, "run", dict(args, alias="torture"))
        self.fid = r["fid"]
        self.settle("run", want, 31)

        want, res = composition(self.prefix, QUEUES, BUCKETS, 0, "torture", 2, UPDATE_SKIP)
        args = upload(self.c, self.s3, res)
        self.cloud.faults(FAULTS)
        self.command("update", 15, signal.SIGTERM, "update", dict(args, process=self.fid))
        self.settle("update", want, 32)

        self.drift(want)
        self.cloud.faults(FAULTS + [{"service": "sqs", "action": a, "latency_ms": 100,
                                     "jitter_ms": 400}
                                    for a in ("GetQueueAttributes", "ListQueueTags")])
        # Each life lasts into its first enforcement pass (0.9 to 1.1 intervals after the
        # start) or a little past it (the reads slowed).
        self.torture("enforcement", 10, None, life=(0.9 * INTERVAL, 1.1 * INTERVAL + 2.5))
        self.settle("enforcement", want, 32)

        self.cloud.faults(FAULTS)
        self.command("kill", 10, signal.SIGTERM, "kill", {"process": self.fid})
        self.cloud.faults([])
        watch = Watch(self.c, self.cl, self.fid)
        took = wait_for("the process gone", watch.gone, 3 * INTERVAL + 30, every=1.0)
        self.inv.check_gone(self.fid)
        print("kill: %d kills; gone %.1f s after; nothing left" % (self.kills["kill"], took))
        check(self.c.alive(), "the Conductor exited")
        rc = self.c.stop()[0]
        check(rc == 0, "fugue-conductor exited with %d on SIGTERM" % rc)
        intents = self.c.intents_resolved()
        check(sum(intents.values()) > 0, "no kill interrupted a mutating call")
        total = sum(self.kills.values())
        print("ok: %d Conductor kills (%s), localcloud restarts %r, open intents resolved at "
              "restarts %r, %.0f s in all" %
              (total, ", ".join("%s %d" % kv for kv in self.kills.items()), self.cloud_kills,
               intents, time.time() - t0))
        self.c.remove()


def main(argv):
    seed = int(os.environ.get("CRASH_SEED") or random.SystemRandom().randrange(1 << 32))
    print("CRASH_SEED=%d" % seed, flush=True)
    H.need_aws()
    t = Torture(random.Random(seed), 2 if "--full" in argv else 1)
    try:
        t.main()
        return 0
    except BaseException as e:
        print("torture failed: %s\nConductor log: %s\nkills so far %r, localcloud restarts %r; "
              "CRASH_SEED=%d replays this run" %
              (str(e)[:3000], keep_log(t.c, "torture"), t.kills, t.cloud_kills, seed))
        return 1
    finally:
        if t.c.proc and t.c.alive():
            t.c.proc.kill()
            t.c.proc.wait()
        t.cloud.stop()


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
