"""emulator.py: starting the targets of the S3 and DynamoDB interop scenarios (localcloud,
and npm's dynalite and s3rver as references), and a small pass/fail recorder."""
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
AWS = "/usr/bin/aws"
PYTHON = "/usr/bin/python3"
# Keys each target accepts: localcloud's documented pair; s3rver's fixed pair; dynalite takes any.
LOCALCLOUD_KEYS = ("AKIDLOCALCLOUD", "localcloud-secret")
S3RVER_KEYS = ("S3RVER", "S3RVER")
SKIP = 77


def free_port():
    """A TCP port on loopback that was free a moment ago."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_port(port, proc, seconds=15):
    """Waits until something listens on port (or the process died)."""
    deadline = time.time() + seconds
    while time.time() < deadline:
        if proc.poll() is not None:
            raise RuntimeError("emulator exited with %s" % proc.returncode)
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.2):
                return
        except OSError:
            time.sleep(0.05)
    raise RuntimeError("nothing listens on port %d" % port)


class Target:
    """A running endpoint: name, url, keys, and quirks the scenario may consult."""

    def __init__(self, name):
        self.name = name
        self.proc = None
        self.tmp = tempfile.mkdtemp(prefix="interop-%s-" % name)
        self.url = None
        self.keys = LOCALCLOUD_KEYS

    def start(self):
        if self.name == "localcloud":
            exe = os.environ.get("LOCALCLOUD") or os.path.join(
                os.environ.get("TOP_BUILDDIR", os.path.join(HERE, "..", "..")),
                "localcloud", "fugue-localcloud")
            if not os.access(exe, os.X_OK):
                raise FileNotFoundError(exe)
            cmd = [exe, "--port", "0", "--data", os.path.join(self.tmp, "data")]
            if os.environ.get("INTEROP_VALGRIND"):
                cmd = ["valgrind", "-q", "--error-exitcode=9", "--leak-check=full"] + cmd
            self.proc = subprocess.Popen(cmd, stdout=subprocess.PIPE,
                                         stderr=open(os.path.join(self.tmp, "log"), "w"), text=True)
            line = self.proc.stdout.readline().strip()
            if not line.startswith("listening on "):
                raise RuntimeError("localcloud did not start: %r" % line)
            self.url = "http://" + line[len("listening on "):]
            return self
        port = free_port()
        node_bin = os.path.join(HERE, "node_modules", ".bin", self.name)
        if not os.path.exists(node_bin):
            raise FileNotFoundError(node_bin)
        if self.name == "dynalite":
            cmd = [node_bin, "--port", str(port), "--createTableMs", "200", "--deleteTableMs", "200",
                   "--updateTableMs", "200"]
        else:
            cmd = [node_bin, "--port", str(port), "--address", "127.0.0.1", "--silent",
                   "--directory", os.path.join(self.tmp, "s3")]
            self.keys = S3RVER_KEYS
        self.proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL,
                                     stderr=open(os.path.join(self.tmp, "log"), "w"))
        wait_port(port, self.proc)
        self.url = "http://127.0.0.1:%d" % port
        return self

    def restart(self):
        """Stops localcloud with SIGTERM and starts it again on the same data directory."""
        self.proc.terminate()
        rc = self.proc.wait(timeout=20)
        self.start()
        return rc

    def env(self):
        """The environment the aws CLI runs in for this target."""
        e = dict(os.environ)
        e.update(AWS_ACCESS_KEY_ID=self.keys[0], AWS_SECRET_ACCESS_KEY=self.keys[1],
                 AWS_DEFAULT_REGION="us-east-1", AWS_PAGER="", AWS_CONFIG_FILE="/dev/null",
                 AWS_SHARED_CREDENTIALS_FILE="/dev/null")
        e.pop("AWS_PROFILE", None)
        return e

    def stop(self):
        """Stops the target; returns its exit status (localcloud must exit 0 on SIGTERM)."""
        rc = 0
        if self.proc and self.proc.poll() is None:
            self.proc.terminate()
            try:
                rc = self.proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                rc = -9
        if rc != 0 and os.path.exists(os.path.join(self.tmp, "log")):
            sys.stdout.write(open(os.path.join(self.tmp, "log")).read()[-3000:])
        shutil.rmtree(self.tmp, ignore_errors=True)
        return rc


class Checks:
    """Records named assertions and prints the closing 'N passed, N failed' line."""

    def __init__(self, scenario, target):
        self.prefix = "%s[%s]" % (scenario, target)
        self.passed = 0
        self.failed = 0

    def ok(self, name, cond, detail=""):
        if cond:
            self.passed += 1
            print("ok   %s %s" % (self.prefix, name))
        else:
            self.failed += 1
            print("FAIL %s %s %s" % (self.prefix, name, detail))
        sys.stdout.flush()
        return cond

    def eq(self, name, got, want):
        return self.ok(name, got == want, "got %r, want %r" % (got, want))

    def raises(self, name, code, fn, *args, **kw):
        """Checks that fn fails with the AWS error code (a botocore ClientError)."""
        try:
            fn(*args, **kw)
        except Exception as e:  # botocore.exceptions.ClientError and its subclasses
            got = getattr(e, "response", {}).get("Error", {}).get("Code")
            return self.eq(name, got, code)
        return self.ok(name, False, "no error, want %s" % code)

    def skip(self, name, why):
        print("skip %s %s (%s)" % (self.prefix, name, why))


def cli(target, args, expect_rc=0):
    """Runs the real aws CLI against target; returns (rc, parsed JSON or text, stderr)."""
    import json
    p = subprocess.run([AWS, "--endpoint-url", target.url, "--output", "json"] + args,
                       env=target.env(), capture_output=True, text=True, timeout=120)
    out = p.stdout
    try:
        out = json.loads(p.stdout) if p.stdout.strip() else None
    except ValueError:
        pass
    return p.returncode, out, p.stderr


def main(scenario, run, targets):
    """Runs scenario against each target named on the command line (default: all)."""
    try:
        import boto3  # noqa: F401
    except ImportError:
        print("skip: python3-boto3 is not installed")
        return SKIP
    if not os.access(AWS, os.X_OK):
        print("skip: %s (Debian's awscli) is not installed" % AWS)
        return SKIP
    wanted = sys.argv[1:] or targets
    passed = failed = 0
    for name in wanted:
        t = Target(name)
        try:
            t.start()
        except FileNotFoundError as e:
            if name == "localcloud":
                raise
            print("skip %s[%s]: %s missing (scripts/deps installs it)" % (scenario, name, e))
            t.stop()
            continue
        c = Checks(scenario, name)
        try:
            run(t, c)
        except Exception as e:  # an unexpected error fails the scenario, with its text
            import traceback
            traceback.print_exc()
            c.ok("scenario ran to its end", False, repr(e))
        rc = t.stop()
        if name == "localcloud":
            c.ok("localcloud exited cleanly on SIGTERM", rc == 0, "exit status %s" % rc)
        passed += c.passed
        failed += c.failed
    print("%d passed, %d failed" % (passed, failed))
    return 1 if failed else 0
