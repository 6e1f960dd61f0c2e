"""crash.py: issue 5's crash test: a composition of 200 SQS queues (a dead-letter queue and 199
queues redriving to it) run through the fugue CLI; while the Conductor converges it (localcloud
delaying its calls: SQS mutations by 0.5 to 5 s), it is killed with SIGKILL at random moments
10 times, restarted each time on the same prefix and localcloud; then an update (every queue's
visibility timeout changed, 10 queues dropped, 10 added) converges under 10 more kills.
Afterwards every queue exists exactly once (counted by name and by its fugue:fid and fugue:id
tags, with Debian's AWS CLI) as declared, and the process is Running with its 200 resources
ready; then a kill, under 5 more kills, leaves no queue and no resource record. CRASH_SEED=N
replays the kill moments of a run (the seed is printed first; localcloud's latencies are random
on their own)."""
import json
import os
import tempfile
import time

from conductor import (ACCOUNT, AwsCli, Cli, Conductor, Localcloud, check, converged, need_aws,
                       poll, queue_composition, queue_tags, seeded)

PREFIX = "crash%d-" % os.getpid()
QUEUES = 200
KILLS = 10  # during the run, and as many during the update
KILL_KILLS = 5  # during the kill
# Calls wait this long in localcloud (ms, plus up to the jitter), so that kills land while
# many are in flight. Every rule matching a call applies.
SLOW = ["CreateQueue", "SetQueueAttributes", "TagQueue", "UntagQueue", "DeleteQueue"]
FAULTS = ([{"service": "sqs", "action": a, "latency_ms": 500, "jitter_ms": 4500} for a in SLOW] +
          [{"service": "sqs", "latency_ms": 10, "jitter_ms": 200},
           {"service": "dynamodb", "latency_ms": 5, "jitter_ms": 60}])


def resources(cli):
    """The process's state and resource counts, and its resource list."""
    s = cli.json("status", "crash")
    return s["state"], s["resources"], s.get("resource_list", [])


def converge_under_kills(c, cloud, aws, rng, kills, cli, command, *args):
    """Runs fugue command in the background; once the Conductor started its job, kills it at
    random moments (its calls slowed) and restarts it (at full speed: its boot makes calls of
    the slowed kinds too); returns the FID the command answered and when the last life
    started."""
    offset = len(c.log())
    p = cli.spawn("--json", command, *args)
    c.wait_log(" %s job started" % command, offset)
    seen = []
    for _ in range(kills):
        time.sleep(rng.uniform(0.05, 2.0))
        c.proc.kill()
        c.proc.wait()
        cloud.faults([])
        seen.append(len(aws.queue_urls("crash-")))
        started = c.start()["started"]
        cloud.faults(FAULTS)
    print("%s: queues at each kill: %s" % (command, seen), flush=True)
    r = json.loads(cli.collect(p)[0])
    check(r["state"] == ("Killing" if command == "kill" else "Running"), "%s: %r" % (command, r))
    return r["fid"], started


def check_converged(aws, fid, lst, want, visibility):
    """Every queue of want exists once, by name and by tag, as declared, and every record is
    ready."""
    got = queue_tags(aws, PREFIX)
    check(sorted(got) == sorted(want), "queues by name: %d, missing %r, extra %r" %
          (len(got), sorted(set(want) - set(got)), sorted(set(got) - set(want))))
    by_fid = [q for q, tags in got.items() if tags.get("fugue:fid") == fid]
    check(len(by_fid) == QUEUES, "%d queues tagged with the FID" % len(by_fid))
    ids = sorted(tags.get("fugue:id") for tags in got.values())
    check(ids == sorted(want.values()), "fugue:id tags: %r" % ids)
    check(all(got[q]["fugue:id"] == lid for q, lid in want.items()), "fugue:id mismatched")
    urls = sorted(r["physical_id"] for r in lst)
    check(urls == sorted("%s/%s/%s" % (aws.url, ACCOUNT, q) for q in want),
          "records' physical ids: %d" % len(urls))
    check(sorted(r["logical_id"] for r in lst) == sorted(want.values()), "records' ids")
    check(all(r["status"] == "ready" for r in lst), "records not ready")
    for q in want:
        if q != "crash-dlq":
            attrs = aws.queue_attrs(q)
            check(attrs["VisibilityTimeout"] == str(visibility) and
                  attrs["RedrivePolicy"].find(":crash-dlq") > 0, "%s: %r" % (q, attrs))


def main():
    seed, rng = seeded("CRASH_SEED")
    need_aws()
    cli = Cli()
    cloud = Localcloud()
    aws = AwsCli(cloud)
    c = Conductor(cloud, PREFIX, "--enforcement-interval", "10")
    t0 = time.time()
    try:
        c.start()
        cli.init(c)
        with tempfile.TemporaryDirectory() as tmp:
            path = os.path.join(tmp, "crash.lw")
            queue_composition(path, "crash", 1, QUEUES, 30)
            cloud.faults(FAULTS)
            t_run = time.time()
            fid, _ = converge_under_kills(c, cloud, aws, rng, KILLS, cli, "run", "-a", "crash",
                                          path)
            want = queue_composition(path, "crash", 11, QUEUES, 45)
            _, since = converge_under_kills(c, cloud, aws, rng, KILLS, cli, "update", "crash",
                                            path)
        t_crash = time.time()
        cloud.faults([])
        took = poll("converged after the crashes",
                    lambda: converged(cli, "crash", QUEUES, since), 60)
        state, counts, lst = resources(cli)
        check(state == "Running" and sum(counts.values()) == QUEUES,
              "after the crashes: %s %r" % (state, counts))
        check_converged(aws, fid, lst, want, 45)
        t_conv = time.time()
        cloud.faults(FAULTS)
        converge_under_kills(c, cloud, aws, rng, KILL_KILLS, cli, "kill", "-y", "crash")
        cloud.faults([])
        poll("the process gone", lambda: cli.json("status") == {"processes": []}, 60)
        left = queue_tags(aws, PREFIX)
        check(left == {}, "left after kill: %r" % sorted(left))
        left = aws("dynamodb", "scan", "--table-name", PREFIX + "fugue-resources")["Items"]
        check(left == [], "resource records left after kill: %r" % left)
        check(c.alive(), "the Conductor died")
        rc = c.stop()[0]
        check(rc == 0, "fugue-conductor exited with %d on SIGTERM (a sanitizer report?):\n%s" %
              (rc, c.log()[-5000:]))
        intents = c.intents_resolved()
        print("open intents resolved at restarts: %r" % intents)
        check(sum(intents.values()) > 0, "no kill interrupted a mutating call")
        print("%d kills over %.1f s; converged %.1f s after the last; kill (%d kills) took "
              "%.1f s; %.0f s in all" % (2 * KILLS, t_crash - t_run, took, KILL_KILLS,
                                          time.time() - t_conv, time.time() - t0))
        print("ok: %d queues, %d kills: each queue once, by name and by tag, as declared; "
              "Running, all ready; nothing left after kill (CRASH_SEED=%d)" %
              (QUEUES, 2 * KILLS + KILL_KILLS, seed))
        c.remove()
    except BaseException:
        print(c.log()[-20000:])
        print("CRASH_SEED=%d replays this run" % seed)
        raise
    finally:
        if c.proc and c.alive():
            c.proc.kill()
            c.proc.wait()
        aws.close()
        cloud.stop()
        cli.close()


if __name__ == "__main__":
    main()
