"""plugdrv.py: the harness of the plugin scenarios that drive broker plugins through the
Conductor's real loader and host (plugin-driver) against fugue-localcloud (--port 0 --memory),
and check every effect with Debian's AWS CLI (/usr/bin/aws; the `aws` on PATH may be another).

    from plugdrv import Harness, check
    with Harness() as t:
        physical, observed = t.op("create", "AWS.X.Y", "lid", None, {...})
"""
import json
import os
import subprocess
import sys
import urllib.request

import testrun
from testrun import command

AWS = "/usr/bin/aws"
DRIVER = os.environ.get("PLUGIN_DRIVER", "./plugin-driver")
LOCALCLOUD = os.environ.get("LOCALCLOUD", "fugue-localcloud")
PLUGIN_DIR = os.environ.get("PLUGIN_DIR", "")
SCHEMA_DIR = os.environ.get("SCHEMA_DIR", "")
ACCOUNT = "000000000000"
FID = "fid-driver"
testrun.secret("localcloud-secret")


def check(cond, what):
    """Fails the scenario with what unless cond."""
    if not cond:
        raise AssertionError(what)


def skip_without_aws():
    """Ends the scenario as skipped (77) when the AWS CLI is missing."""
    if not os.access(AWS, os.X_OK):
        print("SKIP: %s is not installed (scripts/deps installs awscli)" % AWS)
        sys.exit(77)


def tags_of(obs):
    """The Tags of an observation (or of a CLI reply) as a dict."""
    return {t["Key"]: t["Value"] for t in obs.get("Tags", [])}


class Harness:
    """fugue-localcloud on a free port, and one plugin-driver against it."""

    def __init__(self, region="us-east-1", plugin_dir=None, schema_dir=None, aws_cli=True):
        """plugin_dir, schema_dir: the driver's (PLUGIN_DIR, SCHEMA_DIR when None); aws_cli
        False: the scenario never runs the AWS CLI (and need not skip without it)."""
        if aws_cli:
            skip_without_aws()
        self.plugin_dir = PLUGIN_DIR if plugin_dir is None else plugin_dir
        self.schema_dir = SCHEMA_DIR if schema_dir is None else schema_dir
        self.env = dict(os.environ)
        for var in ("AWS_PROFILE", "AWS_DEFAULT_PROFILE", "AWS_SESSION_TOKEN"):
            self.env.pop(var, None)
        self.env.update(AWS_ACCESS_KEY_ID="AKIDLOCALCLOUD",
                        AWS_SECRET_ACCESS_KEY="localcloud-secret", AWS_REGION=region,
                        AWS_DEFAULT_REGION=region, AWS_CONFIG_FILE="/dev/null",
                        AWS_SHARED_CREDENTIALS_FILE="/dev/null",
                        AWS_EC2_METADATA_DISABLED="true", AWS_PAGER="", AWS_MAX_ATTEMPTS="1")
        self.lc = subprocess.Popen(command(LOCALCLOUD, "--port", "0", "--memory"),
                                   stdout=subprocess.PIPE, env=self.env)
        line = self.lc.stdout.readline().decode()
        if not line.startswith("listening on "):
            self.lc.kill()
            raise AssertionError("fugue-localcloud did not start: %r" % line)
        self.url = "http://" + line.split()[-1]
        self.env["AWS_ENDPOINT_URL"] = self.url
        self.drv = None
        self.start_driver()

    def start_driver(self):
        """Starts plugin-driver (again, after a simulated crash: kill_driver)."""
        self.drv = subprocess.Popen(command(DRIVER, self.plugin_dir, self.schema_dir),
                                    stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                    env=self.env, text=True, bufsize=1)
        if self.drv.stdout.readline().strip() != "ready":
            self.__exit__(AssertionError, None, None)
            raise AssertionError("plugin-driver did not start")

    def kill_driver(self):
        """Kills plugin-driver with SIGKILL, whatever it is doing (a crash)."""
        self.drv.kill()
        self.drv.wait()

    def __enter__(self):
        return self

    def __exit__(self, kind, value, tb):
        """Stops the driver (checking it exits cleanly after a success) and localcloud."""
        try:
            if kind is None:
                self.drv.stdin.write("quit\n")
                self.drv.stdin.close()
                check(self.drv.wait(timeout=30) == 0,
                      "plugin-driver exited with %s" % self.drv.returncode)
        finally:
            if self.drv.poll() is None:
                self.drv.kill()
                self.drv.wait()
            self.lc.terminate()
            self.lc.wait(timeout=10)
        return False

    def aws(self, *args, ok=True):
        """Runs the AWS CLI against localcloud: its JSON output (or None), or its error text
        when ok is False (and it must fail); ok None: the output, or None when it failed."""
        p = subprocess.run([AWS, "--endpoint-url", self.url, "--output", "json"] + list(args),
                           env=self.env, capture_output=True, text=True, timeout=60)
        if ok is None and p.returncode != 0:
            return None
        if ok is False:
            check(p.returncode != 0, "aws %s should have failed" % " ".join(args))
            return p.stderr
        check(p.returncode == 0, "aws %s: %s" % (" ".join(args), p.stderr))
        return json.loads(p.stdout) if p.stdout.strip() else None

    def faults(self, rules):
        """Replaces localcloud's fault rules (latency, errors, eventual consistency)."""
        req = urllib.request.Request(self.url + "/_localcloud/faults",
                                     data=json.dumps(rules).encode(), method="PUT")
        with urllib.request.urlopen(req, timeout=10) as r:
            check(r.status in (200, 204), "faults: HTTP %d" % r.status)

    def cmd(self, *fields):
        """One driver command; the fields of its answer."""
        self.drv.stdin.write("\t".join(fields) + "\n")
        self.drv.stdin.flush()
        return self.drv.stdout.readline().rstrip("\n").split("\t")

    def _op(self, kind, rtype, lid, physical, desired, observed):
        """Sends an op command; its answer."""
        fields = ["op", kind, rtype, lid, physical or "-", json.dumps(desired)]
        if observed is not None:
            fields.append(json.dumps(observed))
        return self.cmd(*fields)

    def op(self, kind, rtype, lid, physical, desired, observed=None):
        """A plugin operation that must succeed: (physical id, observed or None)."""
        out = self._op(kind, rtype, lid, physical, desired, observed)
        check(out[0] == "ok", "%s %s %s: %s" % (kind, rtype, lid, out))
        return out[1], (json.loads(out[2]) if out[2] != "-" else None)

    def op_error(self, kind, rtype, lid, physical, desired, observed=None):
        """A plugin operation that must fail: (status, message)."""
        out = self._op(kind, rtype, lid, physical, desired, observed)
        check(out[0] == "error", "%s %s %s should have failed: %s" % (kind, rtype, lid, out))
        return out[1], out[2]

    def sweep_result(self, rtype, region, *physical):
        """A sweep: ({physical id: observed} of what it found, the fields of its "done")."""
        self.drv.stdin.write("\t".join(["sweep", rtype, region] + list(physical)) + "\n")
        self.drv.stdin.flush()
        found = {}
        while True:
            out = self.drv.stdout.readline().rstrip("\n").split("\t")
            if out[0] == "done":
                return found, out[1:]
            check(out[0] == "found", "sweep %s: %s" % (rtype, out))
            found[out[1]] = json.loads(out[2])

    def sweep(self, rtype, region, *physical):
        """A sweep that must succeed: {physical id: observed} of what it found."""
        found, done = self.sweep_result(rtype, region, *physical)
        check(done[:1] == ["ok"], "sweep %s: %s" % (rtype, ["done"] + done))
        return found
