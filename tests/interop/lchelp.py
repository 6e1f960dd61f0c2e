"""lchelp.py: shared code of the Python interop scenarios: starts fugue-localcloud on a free
port with state in memory (or a directory), and makes boto3 clients for it."""
import json
import os
import subprocess
import sys
import time
import urllib.request

ACCESS_KEY = "AKIDLOCALCLOUD"
SECRET_KEY = "localcloud-secret"
REGION = "us-east-1"

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
    import botocore
    from botocore.config import Config
    from botocore.exceptions import ClientError
except ImportError:
    skip("python3-boto3 is not installed (scripts/deps installs it)")

BINARY = os.environ.get("LOCALCLOUD", "fugue-localcloud")


class Localcloud:
    """A fugue-localcloud process on a free port; stop() ends it."""

    def __init__(self, *args):
        self.proc = subprocess.Popen([BINARY, "--port", "0", *args], stdout=subprocess.PIPE)
        line = self.proc.stdout.readline().decode()
        if not line.startswith("listening on "):
            self.proc.kill()
            raise SystemExit("fugue-localcloud did not start: %r" % line)
        self.hostport = line.split()[-1]
        self.url = "http://" + self.hostport

    def client(self, service, retries=1, key=ACCESS_KEY, secret=SECRET_KEY):
        """A boto3 client of the service, making at most `retries` attempts per call."""
        return boto3.client(service, endpoint_url=self.url, region_name=REGION,
                            aws_access_key_id=key, aws_secret_access_key=secret,
                            config=Config(retries={"total_max_attempts": retries, "mode": "standard"}))

    def admin(self, method, path, body=None):
        """Calls the admin API; returns the decoded JSON reply."""
        data = json.dumps(body).encode() if body is not None else None
        req = urllib.request.Request(self.url + "/_localcloud/" + path, data=data, method=method)
        with urllib.request.urlopen(req, timeout=10) as resp:
            return json.loads(resp.read())

    def stop(self, sig=None):
        """Stops the server (SIGTERM unless told) and returns its exit status."""
        if sig is None:
            self.proc.terminate()
        else:
            self.proc.send_signal(sig)
        try:
            return self.proc.wait(timeout=10)
        finally:
            self.proc.stdout.close()


def expect_error(code, fn, *args, **kwargs):
    """Calls fn and checks it fails with the AWS error code; returns the error."""
    try:
        fn(*args, **kwargs)
    except ClientError as e:
        got = e.response["Error"]["Code"]
        assert got == code, "expected %s, got %s: %s" % (code, got, e)
        return e
    raise AssertionError("expected %s, the call succeeded" % code)


def check(cond, what):
    """Fails the scenario with a message unless cond holds."""
    if not cond:
        raise AssertionError(what)


def elapsed(fn, *args, **kwargs):
    """Calls fn; returns (seconds taken, result)."""
    t = time.monotonic()
    r = fn(*args, **kwargs)
    return time.monotonic() - t, r
