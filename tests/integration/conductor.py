"""conductor.py: the harness of the Conductor's integration scenarios: fugue-localcloud on a
free port with state in memory (and its fault rules), fugue-conductor against it with a private
name prefix, a client that signs requests as the CLI does (doc/protocol.md) and waits for its
replies, the real fugue CLI in a scratch home, and Debian's AWS CLI to look at localcloud."""
import contextlib
import datetime
import hashlib
import hmac
import json
import os
import random
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import urllib.request
import uuid

import testrun
from testrun import command, scaled

ACCESS_KEY = "AKIDLOCALCLOUD"
SECRET_KEY = "localcloud-secret"
ACCOUNT = "000000000000"
REGION = "us-east-1"
testrun.secret(SECRET_KEY)

# Keep the user's AWS configuration out of the scenarios.
os.environ["AWS_CONFIG_FILE"] = "/dev/null"
os.environ["AWS_SHARED_CREDENTIALS_FILE"] = "/dev/null"
for var in ("AWS_PROFILE", "AWS_DEFAULT_PROFILE", "AWS_ENDPOINT_URL", "AWS_SESSION_TOKEN"):
    os.environ.pop(var, None)


def skip(why):
    """Ends the scenario as skipped (automake's exit status 77)."""
    print("SKIP:", why)
    sys.exit(77)


try:
    import boto3
    from botocore.config import Config
except ImportError:
    skip("python3-boto3 is not installed (scripts/deps installs it)")

# The wire formats are checked against schemas/ when python3-jsonschema is there.
SCHEMAS = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "schemas")
try:
    import jsonschema

    def _validator(name, ref=None):
        with open(os.path.join(SCHEMAS, name)) as f:
            s = json.load(f)
        if ref:
            s = {"$defs": s["$defs"], "$ref": ref}
        return jsonschema.Draft202012Validator(s)

    ENVELOPE = _validator("request.schema.json")
    BODY = _validator("request.schema.json", "#/$defs/body")
    REPLY = _validator("reply.schema.json")
except ImportError:
    ENVELOPE = BODY = REPLY = None


def conforms(validator, doc, what):
    """Checks doc against a schema (when jsonschema is installed)."""
    if validator is not None:
        errors = sorted(validator.iter_errors(doc), key=str)
        check(not errors, "%s does not follow its schema: %s\n%r" %
              (what, "; ".join(e.message for e in errors[:3]), doc))


LOCALCLOUD = os.environ.get("LOCALCLOUD", "fugue-localcloud")
CONDUCTOR = os.environ.get("CONDUCTOR", "fugue-conductor")
FUGUE = os.environ.get("FUGUE", "fugue")
TOP = os.environ.get("TOP_SRCDIR",
                     os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", ".."))
# Debian's AWS CLI: the `aws` on PATH may be another (a pyenv shim).
AWS = "/usr/bin/aws"
PLUGIN_DIR = os.environ.get("PLUGIN_DIR", "")
SCHEMA_DIR = os.environ.get("SCHEMA_DIR", "")


def now_rfc3339(offset_s=0.0):
    """The time as the CLI writes it, shifted by offset_s."""
    t = datetime.datetime.now(datetime.timezone.utc) + datetime.timedelta(seconds=offset_s)
    return t.strftime("%Y-%m-%dT%H:%M:%S.") + "%03dZ" % (t.microsecond // 1000)


def check(cond, what):
    """Fails the scenario with what unless cond."""
    if not cond:
        raise AssertionError(what)


class Localcloud:
    """fugue-localcloud on a free port, state in memory."""

    def __init__(self):
        log = testrun.log_file("localcloud")
        self.proc = subprocess.Popen(command(LOCALCLOUD, "--port", "0", "--memory"),
                                     stdout=subprocess.PIPE, stderr=log)
        log.close()
        line = self.proc.stdout.readline().decode()
        if not line.startswith("listening on "):
            self.proc.kill()
            raise SystemExit("fugue-localcloud did not start: %r" % line)
        self.url = "http://" + line.split()[-1]

    def client(self, service):
        """A boto3 client of the service (one attempt per call)."""
        return boto3.client(service, endpoint_url=self.url, region_name=REGION,
                            aws_access_key_id=ACCESS_KEY, aws_secret_access_key=SECRET_KEY,
                            config=Config(retries={"total_max_attempts": 1}))

    def faults(self, rules):
        """Replaces the fault rules (latency, throttling, errors; [] removes them all)."""
        req = urllib.request.Request(self.url + "/_localcloud/faults", method="PUT",
                                     data=json.dumps(rules).encode())
        with urllib.request.urlopen(req, timeout=10) as r:
            check(r.status in (200, 204), "faults: HTTP %d" % r.status)

    def stop(self):
        """Stops the server; checks that it exited cleanly."""
        self.proc.terminate()
        rc = self.proc.wait(timeout=scaled(10))
        self.proc.stdout.close()
        check(rc == 0, "fugue-localcloud exited with %d (logs in %s)" % (rc, testrun.LOGS))


# Runs the AWS CLI's commands (JSON lists of arguments, one a line) in one process: the
# driver /usr/bin/aws runs, made once (an aws process costs half a second of CPU, a command
# here about 15 ms). Answers [exit status, stdout, stderr] as one JSON line each.
_AWS_BATCH = r"""
import contextlib, io, json, sys
import awscli.clidriver
driver = awscli.clidriver.create_clidriver()
for line in sys.stdin:
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        try:
            rc = driver.main(json.loads(line))
        except SystemExit as e:
            rc = e.code if isinstance(e.code, int) else 255
    print(json.dumps([rc, out.getvalue(), err.getvalue()]), flush=True)
"""


def need_aws():
    """Skips the scenario when Debian's AWS CLI is missing (call it before starting anything)."""
    if not os.access(AWS, os.X_OK):
        skip("%s is not installed (scripts/deps installs awscli)" % AWS)


class AwsCli:
    """Debian's AWS CLI (/usr/bin/aws, awscli 2.9, which ignores AWS_ENDPOINT_URL and
    AWS_REGION) against a Localcloud, its commands run by one long-lived driver process."""

    def __init__(self, cloud):
        need_aws()
        self.url = cloud.url
        env = dict(os.environ)
        env.update(AWS_ACCESS_KEY_ID=ACCESS_KEY, AWS_SECRET_ACCESS_KEY=SECRET_KEY,
                   AWS_DEFAULT_REGION=REGION, AWS_EC2_METADATA_DISABLED="true",
                   AWS_PAGER="", AWS_MAX_ATTEMPTS="1")
        # The interpreter of /usr/bin/aws, with its awscli package.
        with open(AWS) as f:
            python = f.readline()[2:].strip()
        self.proc = subprocess.Popen([python, "-c", _AWS_BATCH], env=env, text=True,
                                     stdin=subprocess.PIPE, stdout=subprocess.PIPE)

    def __call__(self, *args, ok=True):
        """Runs an aws command; its JSON output (None when empty), or with ok=False its error
        text (the command must fail)."""
        argv = ["--endpoint-url", self.url, "--output", "json"] + list(args)
        self.proc.stdin.write(json.dumps(argv) + "\n")
        self.proc.stdin.flush()
        line = self.proc.stdout.readline()
        check(line, "the AWS CLI driver exited with %s" % self.proc.poll())
        rc, out, err = json.loads(line)
        if not ok:
            check(rc != 0, "aws %s should have failed" % " ".join(args))
            return err
        check(rc == 0, "aws %s: %s" % (" ".join(args), err))
        return json.loads(out) if out.strip() else None

    def close(self):
        """Ends the driver process."""
        self.proc.stdin.close()
        self.proc.wait(timeout=10)
        self.proc.stdout.close()

    def queue_urls(self, prefix=""):
        """The URLs of the queues whose names start with prefix."""
        args = ["sqs", "list-queues"] + (["--queue-name-prefix", prefix] if prefix else [])
        return (self(*args) or {}).get("QueueUrls", [])

    def queue_url(self, name):
        """The URL of queue name."""
        return "%s/%s/%s" % (self.url, ACCOUNT, name)

    def queue_attrs(self, name):
        """The attributes of queue name."""
        return self("sqs", "get-queue-attributes", "--queue-url", self.queue_url(name),
                    "--attribute-names", "All")["Attributes"]

    def queue_tags(self, name):
        """The tags of queue name (a dict)."""
        return self("sqs", "list-queue-tags", "--queue-url",
                    self.queue_url(name)).get("Tags", {})

    def bucket_names(self):
        """The names of the buckets."""
        return [b["Name"] for b in self("s3api", "list-buckets").get("Buckets", [])]

    def bucket_tags(self, name):
        """The tags of bucket name (a dict)."""
        return {t["Key"]: t["Value"] for t in
                self("s3api", "get-bucket-tagging", "--bucket", name)["TagSet"]}


class Conductor:
    """fugue-conductor against a Localcloud, its names prefixed with prefix."""

    def __init__(self, cloud, prefix, *args, log_level="info", session_token=None):
        self.cloud = cloud
        self.prefix = prefix
        self.dir = tempfile.mkdtemp(prefix="fugue-conductor-test.")
        self.secret_file = os.path.join(self.dir, "root.secret")
        self.log_path = testrun.log_path("conductor")
        self.bucket = "%sfugue-%s-%s" % (prefix, ACCOUNT, REGION)
        self.args = ["--config", "/dev/null", "--prefix", prefix, "--poll-wait", "1",
                     "--root-secret-file", self.secret_file, "--log-format", "json",
                     "--log-level", log_level]
        if PLUGIN_DIR:
            self.args += ["--plugin-dir", PLUGIN_DIR]
        if SCHEMA_DIR:
            self.args += ["--schema-dir", SCHEMA_DIR]
        self.args += list(args)
        # Temporary credentials: the token goes with every AWS call (localcloud ignores it).
        self.session_token = session_token
        testrun.secret(session_token)
        self.proc = None
        self.s3 = cloud.client("s3")

    def env(self):
        """The environment of the daemon: localcloud's endpoint and keys."""
        e = dict(os.environ)
        e.update(AWS_ENDPOINT_URL=self.cloud.url, AWS_ACCESS_KEY_ID=ACCESS_KEY,
                 AWS_SECRET_ACCESS_KEY=SECRET_KEY, AWS_REGION=REGION,
                 AWS_EC2_METADATA_DISABLED="true")
        if self.session_token:
            e.update(AWS_SESSION_TOKEN=self.session_token)
        return e

    def start(self, timeout=30):
        """Starts the daemon and waits for its ready marker; returns the marker."""
        log = open(self.log_path, "ab")
        self.proc = subprocess.Popen(command(CONDUCTOR, *self.args), env=self.env(), stdout=log,
                                     stderr=subprocess.STDOUT)
        log.close()
        end = time.time() + scaled(timeout)
        while time.time() < end:
            if self.proc.poll() is not None:
                raise SystemExit("fugue-conductor exited with %d:\n%s" %
                                 (self.proc.returncode, self.log()))
            try:
                obj = self.s3.get_object(Bucket=self.bucket, Key="conductor/ready.json")
                marker = json.loads(obj["Body"].read())
                if marker.get("pid") == self.proc.pid:
                    testrun.secret(self.root_secret())
                    return marker
            except Exception:  # not there yet: the bucket or the object
                pass
            time.sleep(0.1)
        raise SystemExit("fugue-conductor not ready after %d s:\n%s" % (timeout, self.log()))

    def root_secret(self):
        """The root secret the daemon wrote."""
        with open(self.secret_file) as f:
            return f.read().strip()

    def log(self):
        """The daemon's log so far."""
        with open(self.log_path, errors="replace") as f:
            return f.read()

    def alive(self):
        """Whether the daemon still runs."""
        return self.proc.poll() is None

    def send_signal(self, sig):
        """Sends a signal to the daemon."""
        self.proc.send_signal(sig)

    def wait_log(self, text, start=0, timeout=30):
        """Waits until the log has text after offset start; returns the log's length."""
        end = time.time() + scaled(timeout)
        while time.time() < end:
            log = self.log()
            if text in log[start:]:
                return len(log)
            check(self.alive(), "fugue-conductor exited:\n" + log)
            time.sleep(0.05)
        raise AssertionError("no %r in the log within %d s" % (text, timeout))

    def intents_resolved(self):
        """How many open intents (create, update, delete) the daemon's lives resolved at
        restart, by kind, from its log: the work a kill interrupted."""
        got = {}
        for m in re.finditer(r"the (\w+) intent was resolved", self.log()):
            got[m.group(1)] = got.get(m.group(1), 0) + 1
        return got

    def remove(self):
        """Removes the scratch directory (the secret; the log stays in testrun.LOGS)."""
        shutil.rmtree(self.dir, ignore_errors=True)

    def stop(self, sig=signal.SIGTERM, timeout=10):
        """Stops the daemon; returns (exit status, seconds it took)."""
        t0 = time.time()
        self.proc.send_signal(sig)
        try:
            rc = self.proc.wait(timeout=scaled(timeout))
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
            raise AssertionError("fugue-conductor did not stop within %d s" % timeout)
        return rc, time.time() - t0


class Cli:
    """The fugue binary in a scratch HOME and working directory."""

    def __init__(self):
        if not os.access(FUGUE, os.X_OK):
            skip("no fugue binary at %s" % FUGUE)
        self.dir = tempfile.mkdtemp(prefix="fugue-cli-test.")
        self.home = os.path.join(self.dir, "home")
        os.mkdir(self.home)
        self.log_path = testrun.log_path("cli")
        self.env = dict(os.environ)
        self.env.update(HOME=self.home, AWS_ACCESS_KEY_ID=ACCESS_KEY,
                        AWS_SECRET_ACCESS_KEY=SECRET_KEY,
                        AWS_EC2_METADATA_DISABLED="true", TZ="UTC",
                        LUDWIG_PATH=os.path.join(TOP, "lib", "ludwig"),
                        FUGUE_SCHEMA_PATH=os.path.join(TOP, "plugins"))
        for var in ("AWS_REGION", "AWS_DEFAULT_REGION", "FUGUE_REGION", "FUGUE_ENDPOINT",
                    "FUGUE_PREFIX", "FUGUE_TIMEOUT", "FUGUE_PROFILE"):
            self.env.pop(var, None)

    def init(self, conductor):
        """fugue init for conductor (as root); its output."""
        return self.run("init", "-y", "--region", REGION, "--endpoint", conductor.cloud.url,
                        "--prefix", conductor.prefix, "--secret-file",
                        conductor.secret_file)[0]

    def run(self, *args, want=0, env=None, timeout=90):
        """Runs fugue (which waits 60 s for a reply); checks its exit status; returns (stdout,
        stderr)."""
        e = dict(self.env)
        e.update(env or {})
        p = subprocess.run(command(FUGUE, *args), cwd=self.dir, env=e, capture_output=True,
                           text=True, stdin=subprocess.DEVNULL, timeout=scaled(timeout))
        self.keep(args, p.stdout, p.stderr)
        check(p.returncode == want, "fugue %s: exit %d, want %d\nstdout: %s\nstderr: %s" %
              (" ".join(args), p.returncode, want, p.stdout, p.stderr))
        return p.stdout, p.stderr

    def json(self, *args, want=0):
        """Runs fugue --json; returns the parsed output."""
        return json.loads(self.run("--json", *args, want=want)[0])

    def spawn(self, *args):
        """Starts fugue in the background; see collect."""
        return subprocess.Popen(command(FUGUE, *args), cwd=self.dir, env=self.env, text=True,
                                stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                                stderr=subprocess.PIPE)

    def collect(self, p, want=0, timeout=90):
        """Waits for a fugue started by spawn; checks its exit status; returns (stdout,
        stderr)."""
        out, err = p.communicate(timeout=scaled(timeout))
        args = p.args[len(testrun.WRAP) + 1:]
        self.keep(args, out, err)
        check(p.returncode == want, "fugue %s: exit %d, want %d\nstdout: %s\nstderr: %s" %
              (" ".join(args), p.returncode, want, out, err))
        return out, err

    def keep(self, args, out, err):
        """Appends a command's output to the CLI's log (testrun.LOGS)."""
        with open(self.log_path, "a") as f:
            f.write("$ fugue %s\n%s%s" % (" ".join(args), out, err))

    def close(self):
        """Removes the scratch directory."""
        shutil.rmtree(self.dir, ignore_errors=True)


class Client:
    """A Fugue user talking to a Conductor as the CLI does: its own reply queue."""

    def __init__(self, conductor, user="root", secret=None):
        self.c = conductor
        self.user = user
        self.secret = secret if secret is not None else conductor.root_secret()
        self.sqs = conductor.cloud.client("sqs")
        self.queue = self.sqs.get_queue_url(
            QueueName=conductor.prefix + "fugue-requests")["QueueUrl"]
        name = "%sfugue-reply-%s" % (conductor.prefix, uuid.uuid4().hex[:16])
        self.reply_to = self.sqs.create_queue(QueueName=name)["QueueUrl"]

    def close(self):
        """Deletes the reply queue."""
        self.sqs.delete_queue(QueueUrl=self.reply_to)

    def body(self, command, args=None, dry_run=False, rid=None, when=None, reply_to=None):
        """A request body (text) and its id."""
        rid = rid or str(uuid.uuid4())
        b = {"id": rid, "time": when or now_rfc3339(), "reply_to": reply_to or self.reply_to,
             "command": command, "dry_run": dry_run, "args": args or {}}
        return json.dumps(b, separators=(",", ":")), rid

    def envelope(self, body, secret=None, v=1, user=None):
        """The envelope of a body, signed with secret (the user's by default)."""
        key = (self.secret if secret is None else secret).encode()
        mac = hmac.new(key, body.encode(), hashlib.sha256).hexdigest()
        return json.dumps({"v": v, "user": user or self.user, "body": body, "hmac": mac})

    def send(self, text):
        """Puts a raw message on the request queue."""
        self.sqs.send_message(QueueUrl=self.queue, MessageBody=text)

    def wait(self, rid, timeout=20):
        """The reply with id rid (text and parsed); other messages are deleted and ignored."""
        end = time.time() + scaled(timeout)
        while time.time() < end:
            got = self.sqs.receive_message(QueueUrl=self.reply_to, MaxNumberOfMessages=10,
                                           WaitTimeSeconds=1)
            for m in got.get("Messages", []):
                self.sqs.delete_message(QueueUrl=self.reply_to,
                                        ReceiptHandle=m["ReceiptHandle"])
                reply = json.loads(m["Body"])
                conforms(REPLY, reply, "reply")
                if reply.get("id") == rid:
                    return m["Body"], reply
        raise AssertionError("no reply to %s within %d s:\n%s" % (rid, timeout, self.c.log()))

    def nothing(self, seconds=3):
        """Checks that no reply arrives for a while."""
        end = time.time() + seconds
        while time.time() < end:
            got = self.sqs.receive_message(QueueUrl=self.reply_to, WaitTimeSeconds=1)
            check(not got.get("Messages"), "unexpected reply: %r" % got.get("Messages"))

    def call(self, command, args=None, dry_run=False, valid=False, **kw):
        """Sends a signed request (checked against its schema when valid) and returns its
        parsed reply."""
        body, rid = self.body(command, args, dry_run)
        env = self.envelope(body, **kw)
        if valid:
            conforms(BODY, json.loads(body), "request body")
            conforms(ENVELOPE, json.loads(env), "request")
        self.send(env)
        return self.wait(rid)[1]

    def ok(self, command, args=None, dry_run=False):
        """A request that must succeed: its result."""
        r = self.call(command, args, dry_run, valid=True)
        check(r["ok"], "%s %r failed: %r" % (command, args, r))
        return r["result"]

    def error(self, code, command, args=None, dry_run=False, **kw):
        """A request that must fail with code: its message."""
        r = self.call(command, args, dry_run, **kw)
        check(not r["ok"], "%s %r succeeded: %r" % (command, args, r))
        check(r["error"]["code"] == code, "%s %r: want %s, got %r" % (command, args, code, r))
        return r["error"]["message"]


def add_user(conductor, name):
    """Makes a Fugue user as an administrator would (its record in the users table, its secret
    in the bucket); returns its secret."""
    secret = hashlib.sha256(os.urandom(32)).hexdigest()
    testrun.secret(secret)
    key = "users/%s.secret" % name
    conductor.s3.put_object(Bucket=conductor.bucket, Key=key, Body=secret.encode())
    conductor.cloud.client("dynamodb").put_item(
        TableName=conductor.prefix + "fugue-users",
        Item={"pk": {"S": "user"}, "sk": {"S": name}, "secret": {"S": key},
              "created": {"N": str(int(time.time() * 1000))}, "ver": {"N": "1"}})
    return secret


def upload_composition(conductor, resources):
    """Uploads a compiled composition of resources; returns the run arguments."""
    comp = {"compiler": "lwc test", "externals": [], "hash": "sha256:" + "0" * 64,
            "resources": resources, "source": "test.lw", "version": 1}
    data = json.dumps(comp, sort_keys=True, separators=(",", ":")).encode()
    digest = hashlib.sha256(data).hexdigest()
    key = "compositions/%s.json" % digest
    conductor.s3.put_object(Bucket=conductor.bucket, Key=key, Body=data)
    return {"composition": key, "hash": digest}


def queue_resource(lid, name, **props):
    """One AWS.SQS.Queue resource of a composition."""
    p = {"QueueName": name, "Region": REGION}
    p.update(props)
    return {"dependsOn": [], "id": lid, "location": {"file": "test.lw", "line": 1, "column": 1},
            "properties": p, "type": "AWS.SQS.Queue"}


def seeded(var):
    """The seed of a scenario's random choices ($var, or a new one; printed first, so that
    var=N replays a run) and a generator seeded with it."""
    seed = int(os.environ.get(var) or random.SystemRandom().randrange(1 << 32))
    print("%s=%d" % (var, seed), flush=True)
    return seed, random.Random(seed)


@contextlib.contextmanager
def scenario(c, cloud, closers=(), timings=(), tail=None):
    """Runs a scenario's body: on failure prints the Conductor's log (its last tail
    characters when given); at the end prints the (what, seconds) timings, kills the Conductor
    if it still runs, closes each of closers and stops localcloud."""
    try:
        yield
    except BaseException:
        print(c.log()[-tail:] if tail else c.log())
        raise
    finally:
        for what, took in timings:
            print("%-48s %6.2f s" % (what, took))
        if c.proc and c.alive():
            c.proc.kill()
            c.proc.wait()
        for x in closers:
            x.close()
        cloud.stop()


def queue_lid(i):
    """The logical id of queue i of a queue composition (0 is the dead-letter queue)."""
    return "dlq" if i == 0 else "q%03d" % i


def queue_composition(path, scenario, first, count, visibility):
    """Writes a composition of count SQS queues tagged and named for scenario: the dead-letter
    queue and queues first to first + count - 2 redriving to it, with a visibility timeout;
    returns {queue name: logical id}."""
    lines = ["composition", "", "import Fugue.AWS as AWS", "import Fugue.AWS.SQS as SQS", "",
             "region: AWS.Us-east-1", 'tags: [AWS.tag("Scenario", "%s")]' % scenario, "",
             'dlq: SQS.Queue.new {name: "%s-dlq", region: region, tags: tags}' % scenario]
    want = {scenario + "-dlq": "dlq"}
    for i in range(first, first + count - 1):
        lid = queue_lid(i)
        lines.append('%s: SQS.Queue.new {name: "%s-%s", region: region, deadLetterQueue: '
                     'dlq, maxReceiveCount: 3, visibilityTimeout: %d, tags: tags}' %
                     (lid, scenario, lid, visibility))
        want[scenario + "-" + lid] = lid
    with open(path, "w") as f:
        f.write("\n".join(lines) + "\n")
    return want


def queue_tags(aws, prefix):
    """{queue name: its tags} of every queue but the Conductors' own (named prefix...)."""
    got = {}
    for url in aws.queue_urls():
        q = url.rsplit("/", 1)[1]
        if not q.startswith(prefix):
            got[q] = aws("sqs", "list-queue-tags", "--queue-url", url).get("Tags", {})
    return got


def converged(cli, process, count, since):
    """Whether process's count resources are all ready, and a job or enforcement pass that
    ended after since found nothing to do."""
    r = cli.json("status", process)["resources"]
    if r["ready"] != count or sum(r.values()) != count:
        return False
    return any(h["time"] >= since and
               (h["kind"] == "job" and h["message"] == "no changes" or
                h["kind"] == "event" and h["message"] == "enforce: no changes")
               for h in cli.json("history", process)["records"])


def poll(what, fn, timeout):
    """Polls fn() every 0.5 s until true, failing after timeout s (scaled); the seconds it
    took."""
    t0 = time.time()
    while not fn():
        check(time.time() - t0 < scaled(timeout), "not within %d s: %s" % (timeout, what))
        time.sleep(0.5)
    return time.time() - t0


def eventually(fn, what, timeout=20):
    """Waits until fn() is true."""
    end = time.time() + scaled(timeout)
    while time.time() < end:
        if fn():
            return
        time.sleep(0.2)
    raise AssertionError("not within %d s: %s" % (timeout, what))
