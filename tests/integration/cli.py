"""cli.py: the fugue CLI against fugue-localcloud and a real fugue-conductor: init writes the
settings and credentials; status and property answer (an unknown process exits 3); run
compiles examples/queues-and-buckets.lw, uploads it and starts a process that status shows
Running; --json gives the Conductor's result; history lists the jobs; kill --dry-run changes
nothing; kill -y removes the process; two CLIs at once each get their own reply; a stopped
Conductor means exit 4 with a clear message; and no reply queue is left behind."""
import contextlib
import os
import threading

from conductor import TOP, Cli, Conductor, Localcloud, check, eventually, scenario

PREFIX = "cli%d-" % os.getpid()
EXAMPLE = os.path.join(TOP, "examples", "queues-and-buckets.lw")


def reply_queues(cloud):
    """The reply queues of this scenario that exist."""
    got = cloud.client("sqs").list_queues(QueueNamePrefix=PREFIX + "fugue-reply-")
    return got.get("QueueUrls", [])


def main():
    cli = Cli()
    cloud = Localcloud()
    c = Conductor(cloud, PREFIX)
    with contextlib.closing(cli), scenario(c, cloud):
        c.start()
        out = cli.init(c)
        check("fugue.yaml" in out, "init: %r" % out)
        check(os.stat(os.path.join(cli.home, ".fugue", "fugue-credentials")).st_mode & 0o777
              == 0o600, "credentials file mode")

        out, _ = cli.run("status")
        check(out == "No processes.\n", "status: %r" % out)
        _, err = cli.run("status", "nope", want=3)
        check("NotFound" in err and "nope" in err, "status nope: %r" % err)
        cli.run("property", "nope", want=3)
        out, err = cli.run("kill", "-y", "nope", want=3)

        # Two CLIs at once: each gets its own reply.
        results = []

        def one():
            results.append(cli.json("status"))
        threads = [threading.Thread(target=one) for _ in range(4)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        check(results == [{"processes": []}] * 4, "concurrent status: %r" % results)

        # run: compiled, uploaded, running.
        out, err = cli.run("run", "-a", "demo", EXAMPLE)
        check(out.startswith("State ") and "Running" in out and "demo" in out,
              "run: %r %r" % (out, err))
        s = cli.json("status", "demo")
        fid = s["fid"]
        check(s["state"] == "Running" and s["alias"] == "demo", "status demo: %r" % s)
        key = "compositions/%s.json" % s["composition"]
        c.s3.head_object(Bucket=c.bucket, Key=key)
        def buckets_ready():
            rs = cli.json("status", "demo")["resource_list"]
            return sorted(r["logical_id"] for r in rs if r["status"] == "ready" and
                          r["type"] == "AWS.S3.Bucket") == ["reports", "uploads"]
        eventually(buckets_ready, "the two buckets ready")
        out, _ = cli.run("status", "demo")
        check("Logical ID" in out and "AWS.SQS.Queue" in out and "AWS.S3.Bucket" in out,
              "status demo: %r" % out)
        out, _ = cli.run("status")
        check(fid in out and "Running" in out, "status: %r" % out)

        out, _ = cli.run("property", "demo", "enforcement-interval", "--set", "45")
        check("enforcement-interval  45" in out, "property --set: %r" % out)
        p = cli.json("property", "demo")
        check(p["properties"]["enforcement-interval"] == 45, "property: %r" % p)

        h = cli.json("history", "demo")
        check(any(r["kind"] == "transition" and r["what"] == "run" for r in h["records"]),
              "history: %r" % h)

        # A dry run changes nothing.
        out, _ = cli.run("kill", "--dry-run", "demo")
        check(out.startswith("Action") and "delete" in out, "kill --dry-run: %r" % out)
        check(cli.json("status", "demo")["state"] == "Running", "dry run killed it")

        out, _ = cli.run("kill", "-y", "demo")
        check("Killing" in out or "No processes" in out, "kill: %r" % out)
        eventually(lambda: cli.json("status") == {"processes": []}, "the process is gone")
        cli.run("status", fid, want=3)
        buckets = [b["Name"] for b in cloud.client("s3").list_buckets()["Buckets"]]
        check(not any(b.startswith("queues-and-buckets-") for b in buckets),
              "buckets left: %r" % buckets)

        # No Conductor: a clear message and exit 4, quickly with a short timeout.
        c.stop()
        _, err = cli.run("status", want=4, env={"FUGUE_TIMEOUT": "2"})
        check("no reply from the Conductor in 2 s: is it running?" in err, "timeout: %r" % err)
        _, err = cli.run("status", want=4, env={"FUGUE_PREFIX": "none-"})
        check("no Conductor: the request queue none-fugue-requests does not exist" in err,
              "no queue: %r" % err)
        check(reply_queues(cloud) == [], "reply queues left: %r" % reply_queues(cloud))
        print("ok: init, status, property, run, json, history, dry run, kill, concurrent "
              "CLIs, no Conductor, reply queues cleaned")


if __name__ == "__main__":
    main()
