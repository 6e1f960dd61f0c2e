"""testrun.py: what every integration scenario of a run shares: the command prefix of the Fugue
binaries (FUGUE_WRAP, e.g. valgrind), the time scale that goes with it, the directory that keeps
every log the scenario's processes write, and the secrets the scenario knows.

Every log a scenario produces is a file LOGS/<scenario>/*.log (FUGUE_TEST_LOGS, set by make
check; a scratch directory removed at exit otherwise). Every secret the harness learns (AWS
secret keys, session tokens, the Conductor's root secret, Fugue users' secrets) is added with
secret(); they are kept in LOGS/<scenario>/secrets (mode 0600, not a .log). secrets_in_logs.py,
which make check runs after every other scenario, greps every log of the run for every secret."""
import atexit
import os
import shlex
import shutil
import sys
import tempfile

# A command line put before every Fugue binary a scenario starts (tests/valgrind/run).
WRAP = shlex.split(os.environ.get("FUGUE_WRAP", ""))
# Timeouts of the harness are multiplied by this (slow wrappers such as valgrind).
TIME_SCALE = float(os.environ.get("FUGUE_TIME_SCALE", "1"))

SCENARIO = os.path.splitext(os.path.basename(sys.argv[0]))[0] or "scenario"
if os.environ.get("FUGUE_TEST_LOGS"):
    LOGS = os.path.join(os.environ["FUGUE_TEST_LOGS"], SCENARIO)
    shutil.rmtree(LOGS, ignore_errors=True)
    os.makedirs(LOGS)
else:
    LOGS = tempfile.mkdtemp(prefix="fugue-test-logs.")
    atexit.register(shutil.rmtree, LOGS, True)

_secrets = set()
_counts = {}


def command(binary, *args):
    """The command line that runs binary with args (under FUGUE_WRAP)."""
    return WRAP + [binary] + list(args)


def scaled(seconds):
    """A timeout in seconds, scaled for slow wrappers."""
    return seconds * TIME_SCALE


def log_path(name):
    """A new log file path for one process named name (name-1.log, name-2.log, ...)."""
    n = _counts[name] = _counts.get(name, 0) + 1
    return os.path.join(LOGS, "%s-%d.log" % (name, n))


def log_file(name):
    """A new log file for one process named name, open for appending (caller closes)."""
    return open(log_path(name), "ab")


def secret(value):
    """Records a secret the scenario knows: it must appear in no log."""
    value = (value or "").strip()
    if not value or value in _secrets:
        return
    _secrets.add(value)
    fd = os.open(os.path.join(LOGS, "secrets"), os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
    with os.fdopen(fd, "a") as f:
        f.write(value + "\n")
