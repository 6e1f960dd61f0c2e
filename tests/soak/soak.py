"""soak.py: issue 7's soak (not in CI). A Conductor enforces a process of 1,000 resources (700
SQS queues, 250 S3 buckets, 50 DynamoDB tables) every 10 s (its shortest enforcement interval)
for SOAK_MINUTES (default 30) while its resident memory (VmRSS of /proc/PID/status) and open
file descriptors (/proc/PID/fd) are sampled every SOAK_SAMPLE seconds (default 30); every
other sample a queue is deleted behind its back, so that passes also re-create. The series is
printed. After the warm-up (the first SOAK_WARMUP minutes, default a sixth of the run, at
least two samples) the mean of the last third of the samples may exceed the mean of the first
third by at most 5 % + 2 MiB of RSS and 8 descriptors (the HTTP client's pool of connections
opens and closes some); more fails, as do a lost process, a Conductor that exits, fewer
enforcement passes than a third of what the interval allows, or resources not as declared."""
import os
import sys
import time

import conductor as H
from conductor import ACCOUNT, check, now_rfc3339
from chaos import Client, Cloud, Inventory, Watch, composition, retrying, upload, wait_for

INTERVAL = 10
QUEUES, BUCKETS, TABLES = 700, 250, 50


def proc_sample(pid):
    """(RSS in KiB, open descriptors) of process pid."""
    rss = 0
    with open("/proc/%d/status" % pid) as f:
        for line in f:
            if line.startswith("VmRSS:"):
                rss = int(line.split()[1])
    return rss, len(os.listdir("/proc/%d/fd" % pid))


def mean(xs):
    """The mean of a non-empty list."""
    return sum(xs) / float(len(xs))


def main():
    minutes = float(os.environ.get("SOAK_MINUTES", "30"))
    every = float(os.environ.get("SOAK_SAMPLE", "30"))
    warmup = float(os.environ.get("SOAK_WARMUP", minutes / 6.0)) * 60.0
    H.need_aws()
    prefix = "soak%d-" % os.getpid()
    cloud = Cloud()
    c = H.Conductor(cloud, prefix, "--enforcement-interval", str(INTERVAL))
    try:
        c.start()
        cl = Client(c)
        want, res = composition(prefix, QUEUES, BUCKETS, TABLES, "soak")
        args = upload(c, retrying(cloud, "s3"), res)
        t0, since = time.time(), now_rfc3339()
        r = cl.call("run", dict(args, alias="soak"))
        check(r["ok"], "run: %r" % r)
        fid = r["result"]["fid"]
        watch = Watch(c, cl, fid)
        took = wait_for("converged", lambda: watch.converged(len(want), since), 600, every=2.0)
        print("%d resources converged in %.1f s; soaking %.0f min, a sample every %.0f s, "
              "warm-up %.0f s" % (len(want), took, minutes, every, warmup), flush=True)
        sqs = retrying(cloud, "sqs")
        queues = sorted(lid for lid in want if lid.startswith("q") and lid != "q000")
        start = time.time()
        offset = len(c.log())
        series = []
        print("%8s %10s %5s %7s" % ("t_s", "rss_kib", "fds", "passes"), flush=True)
        while True:
            t = time.time() - start
            check(c.alive(), "the Conductor exited:\n" + c.log()[-5000:])
            rss, fds = proc_sample(c.proc.pid)
            passes = c.log()[offset:].count(": enforce: ")
            series.append((t, rss, fds))
            print("%8.0f %10d %5d %7d" % (t, rss, fds, passes), flush=True)
            if t >= minutes * 60.0:
                break
            if len(series) % 2 == 0:
                lid = queues[len(series) % len(queues)]
                sqs.delete_queue(QueueUrl="%s/%s/%s" % (cloud.url, ACCOUNT, want[lid]))
            watch.status()
            time.sleep(max(0.0, start + len(series) * every - time.time()))
        elapsed = time.time() - start
        check(passes >= elapsed / (INTERVAL * 1.1) / 3,
              "%d enforcement passes in %.0f s" % (passes, elapsed))
        after = [s for s in series if s[0] >= warmup]
        if len(after) < 6:
            after = series[len(series) // 2:]
        third = max(1, len(after) // 3)
        rss0, rss1 = mean([s[1] for s in after[:third]]), mean([s[1] for s in after[-third:]])
        fd0, fd1 = mean([s[2] for s in after[:third]]), mean([s[2] for s in after[-third:]])
        print("after warm-up: RSS %.0f -> %.0f KiB (%+.1f %%), fds %.1f -> %.1f; %d passes in "
              "%.0f s; Conductor %s" % (rss0, rss1, 100.0 * (rss1 - rss0) / rss0, fd0, fd1,
                                        passes, elapsed, H.CONDUCTOR), flush=True)
        check(rss1 <= rss0 * 1.05 + 2048, "RSS grew: %.0f -> %.0f KiB" % (rss0, rss1))
        check(fd1 <= fd0 + 8, "descriptors grew: %.1f -> %.1f" % (fd0, fd1))
        since = now_rfc3339()
        wait_for("converged at the end", lambda: watch.converged(len(want), since),
                 3 * INTERVAL + 60, every=2.0)
        Inventory(cloud, prefix).check_running(fid, want)
        rc = c.stop()[0]
        check(rc == 0, "fugue-conductor exited with %d on SIGTERM" % rc)
        print("ok: flat RSS and descriptors over %.0f min of enforcement of %d resources" %
              (elapsed / 60.0, len(want)))
        return 0
    except BaseException as e:
        print("soak failed: %s\n%s" % (str(e)[:3000], c.log()[-3000:]))
        return 1
    finally:
        if c.proc and c.alive():
            c.proc.kill()
            c.proc.wait()
        cloud.stop()


if __name__ == "__main__":
    sys.exit(main())
