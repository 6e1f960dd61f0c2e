"""matrix.py: issue 7's fault matrix. For each fault localcloud can inject (throttling of 10, 50
and 90 % of all calls, 500 and 503 errors on 10 %, dropped connections on 10 %, +2 s latency
spikes, 5 s of eventual consistency on SQS, localcloud restarted on the same state and port
mid-run: stopped with SIGTERM twice during the run and once during the kill, or killed with
SIGKILL twice during the run), a fresh localcloud and Conductor run a composition of 300
resources (200 SQS queues, 20 of them redriving to a dead-letter queue, 80 S3 buckets, 20
DynamoDB tables; the faults hit every call, the Conductor's own table and queues too) until
every resource exists, then (the fault removed) to a pass with nothing to do, then kill it under
the fault. Asserted: while running no resource but the declared ones ever exists (read from
localcloud's saved state every 2 s), and then every one exists exactly once (by name, and by its
fugue:fid and fugue:id tags) with a ready record and no open intent; the process is never lost
(every status poll finds it) and the Conductor never exits (it stops with 0 on SIGTERM at the
end); after the kill no resource, resource record or process record is left; and calls back off:
the calls on the resources' APIs (localcloud's counters, the Conductor's own table, queue and
bucket calls left out) until every resource exists stay within 3 x (1 + passes) x baseline / (1 -
p), where baseline is what the fault-free run took, passes the enforcement passes that ran
meanwhile and p the share of calls the fault fails, and their rate (calls a second) within 1.5
times the fault-free rate. A call failing with probability p takes 1 / (1 - p) attempts on
average (fewer: the host stops after 5); a step that still fails is tried again by the next pass,
which also reads every resource again (at most what the run took); the factor 3 covers the
re-reads of intents left open by failed calls. A retry storm (retries without backoff or past the
attempt limit, or passes back to back) breaks one bound or the other by far.

app:FAULT runs examples/app.lw (compiled by lwc: a VPC, a subnet, an internet gateway, a route
table, an instance, an IAM role, instance profile and policy, a table, a queue, a bucket) the same
way; its resources are found by their fugue:fid and fugue:id tags in every service (live EC2
instances only), each once, none after the kill. The compact matrix (CI): none, throttle-10,
error-503, drop, restart, app:throttle-10; --full: every fault, each also with app.lw.

Usage: matrix.py [--full] [SCENARIO...] (default: the compact CI matrix; CHAOS_SEED=N replays
the random moments of the restarts and spikes)."""
import os
import random
import signal
import sys
import threading
import time

import conductor as H
from conductor import check, now_rfc3339
from chaos import (AppInventory, Client, Cloud, Inventory, Saved, Watch, compile_app, composition,
                   engine_stats, keep_log, resource_calls, retrying, upload, wait_for)

QUEUES, BUCKETS, TABLES = 200, 80, 20
INTERVAL = 10  # enforcement, seconds (the Conductor's minimum)
FACTOR = 3


def rules(p, error=None):
    """A rule failing share p of every call (all services) with error (throttling by
    default)."""
    r = {"error_rate": p}
    if error:
        r["error"] = error
    return [r]


# name: (fault rules set for the run and the kill, share of calls failed, timeout of the
# convergence in seconds). Spikes and restarts are driven by a thread (see Disturber).
SCENARIOS = {
    "none": ([], 0.0, 120),
    "throttle-10": (rules(0.1), 0.1, 180),
    "throttle-50": (rules(0.5), 0.5, 1200),
    "throttle-90": (rules(0.9), 0.9, 1800),
    "error-500": (rules(0.1, "500"), 0.1, 180),
    "error-503": (rules(0.1, "503"), 0.1, 180),
    "drop": (rules(0.1, "drop"), 0.1, 180),
    "latency-spikes": ([], 0.0, 300),
    "consistency-5s": ([{"service": "sqs", "consistency_ms": 5000}], 0.0, 300),
    "restart": ([], 0.0, 300),
    "restart-kill9": ([], 0.0, 300),
}
COMPACT = ["none", "throttle-10", "error-503", "drop", "restart", "app:throttle-10"]


class Disturber(threading.Thread):
    """Latency spikes (+2 s on every call for 2 s, then 1 to 3 s without) or localcloud
    restarts (with signal sig, 1 to 3 s apart, at most `restarts` of them) while it runs; the
    first one 0.1 to 1 s after it starts (a run of 300 resources takes a few seconds)."""

    def __init__(self, cloud, kind, rng, restarts=2, sig=signal.SIGTERM):
        super().__init__(daemon=True)
        self.cloud, self.kind, self.rng, self.sig = cloud, kind, rng, sig
        self.left = restarts
        self.stopping = threading.Event()
        self.count = 0
        self.error = None

    def run(self):
        try:
            pause = self.rng.uniform(0.1, 1.0)
            while not self.stopping.wait(pause):
                if self.kind == "restart":
                    if self.left == 0:
                        return
                    self.cloud.restart(self.sig)
                    self.left -= 1
                else:
                    self.cloud.faults([{"latency_ms": 2000}])
                    self.stopping.wait(2.0)
                    self.cloud.faults([])
                self.count += 1
                pause = self.rng.uniform(1.0, 3.0)
        except Exception as e:  # reported by stop()
            self.error = e

    def stop(self):
        """Stops it; fails when it failed or never disturbed anything."""
        self.stopping.set()
        self.join(timeout=30)
        check(self.error is None, "%s thread: %r" % (self.kind, self.error))
        check(self.count > 0, "no %s happened: the phase ended first" % self.kind)
        return self.count


def scenario(name, rng, baseline):
    """Runs one scenario (app:FAULT: examples/app.lw under FAULT); a result row (dict)."""
    app = name.startswith("app:")
    fault = name[4:] if app else name
    faults, p, timeout = SCENARIOS[fault]
    prefix = "ch%d%s-" % (os.getpid(), fault.replace("-", "")[:6])
    cloud = Cloud()
    c = H.Conductor(cloud, prefix, "--enforcement-interval", str(INTERVAL))
    row = {"name": name}
    disturb = None
    try:
        c.start()
        cl = Client(c)
        inv = Inventory(cloud, prefix)
        if app:
            res = compile_app()
            want = {r["id"]: None for r in res}
            inv = AppInventory(cloud, [r["properties"]["Region"] for r in res
                                       if "Region" in r["properties"]][0])
        else:
            want, res = composition(prefix, QUEUES, BUCKETS, TABLES, name)
        args = upload(c, retrying(cloud, "s3"), res)
        young = max([r.get("consistency_ms", 0) for r in faults] + [0])
        time.sleep(young / 1000.0 + 0.5)  # the Conductor's queues (and ours) must be older
        cloud.reset_counters()
        cloud.faults(faults)
        if fault == "latency-spikes":
            disturb = Disturber(cloud, "spikes", rng)
            disturb.start()
        elif fault.startswith("restart"):
            disturb = Disturber(cloud, "restart", rng, 2,
                                signal.SIGKILL if fault == "restart-kill9" else signal.SIGTERM)
            disturb.start()
        saved = Saved(cloud, prefix, want)
        t0, offset = time.time(), len(c.log())
        r = cl.call("run", dict(args, alias="chaos"))
        check(r["ok"] and r["result"]["state"] == "Running", "run: %r" % r)
        fid = saved.fid = r["result"]["fid"]
        watch = Watch(c, cl, fid)
        # Under the fault: every resource comes to exist once, nothing else ever does, the
        # process stays there.
        if app:  # names not prefixed: the records tell
            wait_for("every resource made under %s" % name,
                     lambda: watch.status()["resources"].get("ready") == len(want), timeout,
                     every=2.0)
        else:
            wait_for("every resource made under %s" % name,
                     lambda: watch.status() is not None and saved.done(), timeout, every=2.0)
        row["converge_s"] = time.time() - t0
        if not fault.startswith("restart") and not app:
            row["calls"], row["all_calls"] = resource_calls(cloud.counters())
            row["passes"] = c.log()[offset:].count(": enforce: ")
        if disturb:
            row["disturbances"] = disturb.stop()
            disturb = None
        # Without it: a pass that finds nothing to do, every record ready.
        cloud.faults([])
        since = now_rfc3339()
        row["settle_s"] = wait_for("converged after %s" % name,
                                   lambda: watch.converged(len(want), since), 3 * INTERVAL + 30,
                                   every=2.0)
        if app:
            row["checked"] = inv.check_running(fid, want)
            recs = Inventory(cloud, prefix).records(fid)
            check(sorted(recs) == sorted(want), "records %r" % sorted(recs))
        else:
            row["checked"] = inv.check_running(fid, want, visibility=31)
        cloud.faults(faults)
        t1 = time.time()
        r = cl.call("kill", {"process": fid})
        check(r["ok"] and r["result"]["state"] == "Killing", "kill: %r" % r)
        # (Not restart-kill9: localcloud killed with SIGKILL forgets the changes of its last
        # 0.1 to 5 s, deletes acknowledged to the Conductor among them, which AWS never does.)
        if fault in ("latency-spikes", "restart"):
            disturb = Disturber(cloud, "restart" if fault == "restart" else "spikes", rng, 1)
            disturb.start()
        wait_for("killed under %s" % name, watch.gone, timeout, every=2.0)
        row["kill_s"] = time.time() - t1
        if disturb:
            row["disturbances"] += disturb.stop()
            disturb = None
        cloud.faults([])
        inv.check_gone(fid)
        if app:
            Inventory(cloud, prefix).check_gone(fid)
        calls, retries, throttled = engine_stats(c.log())
        row.update(engine_calls=calls, retries=retries, throttled=throttled)
        check(c.alive(), "the Conductor exited")
        rc = c.stop()[0]
        check(rc == 0, "fugue-conductor exited with %d on SIGTERM" % rc)
        if name == "none":
            baseline["calls"] = row["calls"]
            baseline["rate"] = row["calls"] / row["converge_s"]
        elif "calls" in row and baseline.get("calls"):
            bound = FACTOR * (1 + row["passes"]) * baseline["calls"] / (1.0 - p)
            row["bound"] = int(bound)
            check(row["calls"] <= bound, "retry storm: %d calls on the resources' APIs, "
                  "bound %d (baseline %d, %d passes, p %.2f)" %
                  (row["calls"], bound, baseline["calls"], row["passes"], p))
            rate = row["calls"] / row["converge_s"]
            check(rate <= 1.5 * baseline["rate"], "retry storm: %.0f calls/s, %.0f without "
                  "the fault" % (rate, baseline["rate"]))
        if Client.transient_invalid:
            print("note: %d replies InvalidArgument for throttling so far" %
                  Client.transient_invalid, flush=True)
        row["result"] = "ok"
        c.remove()
        return row
    except BaseException as e:
        row["result"] = "FAIL"
        row["error"] = str(e)[:2000]
        print("--- %s failed: %s\n--- Conductor log: %s" %
              (name, str(e)[:3000], keep_log(c, name.replace(":", "-"))), flush=True)
        return row
    finally:
        if disturb:
            disturb.stopping.set()
            disturb.join(timeout=30)
        if c.proc and c.alive():
            c.proc.kill()
            c.proc.wait()
        cloud.stop()


HEADER = "%-15s %-5s %7s %6s %6s %6s %6s %7s %7s %7s %6s %4s" % (
    "scenario", "res", "conv_s", "settle", "kill_s", "passes", "calls", "bound", "all", "retries",
    "thrott", "dist")


def fmt(row):
    """A line of the result table."""
    def f(k, spec="%d"):
        return spec % row[k] if k in row else "-"
    return "%-15s %-5s %7s %6s %6s %6s %6s %7s %7s %7s %6s %4s" % (
        row["name"], row["result"], f("converge_s", "%.1f"), f("settle_s", "%.1f"),
        f("kill_s", "%.1f"), f("passes"), f("calls"), f("bound"), f("all_calls"), f("retries"),
        f("throttled"), f("disturbances"))


def main(argv):
    full = "--full" in argv
    names = [a for a in argv if not a.startswith("-")]
    unknown = [n for n in names if (n[4:] if n.startswith("app:") else n) not in SCENARIOS]
    if unknown:
        raise SystemExit("unknown scenarios %r; known: %s" % (unknown, " ".join(SCENARIOS)))
    if not names:
        names = (list(SCENARIOS) + ["app:" + n for n in SCENARIOS]) if full else COMPACT
    if "none" not in names:
        names.insert(0, "none")  # the baseline of the call bounds
    seed = int(os.environ.get("CHAOS_SEED") or random.SystemRandom().randrange(1 << 32))
    print("CHAOS_SEED=%d; %d resources (%d queues, %d buckets, %d tables); scenarios: %s" %
          (seed, QUEUES + BUCKETS + TABLES, QUEUES, BUCKETS, TABLES, " ".join(names)),
          flush=True)
    H.need_aws()
    rng = random.Random(seed)
    baseline, rows, t0 = {}, [], time.time()
    print(HEADER, flush=True)
    for n in names:
        rows.append(scenario(n, rng, baseline))
        print(fmt(rows[-1]), flush=True)
    failed = [r["name"] for r in rows if r["result"] != "ok"]
    print("\n".join(["", HEADER] + [fmt(r) for r in rows]))
    if failed:
        print("failed: %s; %.0f s (CHAOS_SEED=%d)" % (" ".join(failed), time.time() - t0, seed))
        return 1
    print("ok: %d scenarios, each resource once, nothing left, no retry storm; %.0f s "
          "(CHAOS_SEED=%d)" % (len(rows), time.time() - t0, seed))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
