"""secrets_in_logs.py: no secret in any log. make check runs it after every other integration
scenario (its .log depends on theirs). It reads every secret the scenarios knew (testrun.py:
AWS secret keys, session tokens, root and user secrets, in FUGUE_TEST_LOGS/*/secrets) and greps
every log they produced for each: the files FUGUE_TEST_LOGS/**/*.log (Conductor, localcloud,
CLI, valgrind) and the scenarios' own outputs (the automake *.log next to this one, which hold
what they printed and the stderr of the processes they started). At least one Conductor must
have logged at debug level with temporary credentials, so that the check means something."""
import glob
import os
import sys

LOGS = os.environ.get("FUGUE_TEST_LOGS")
if not LOGS or not os.path.isdir(LOGS):
    print("SKIP: FUGUE_TEST_LOGS names no directory (make check sets it)")
    sys.exit(77)


def fail(what):
    """Ends the scenario as failed."""
    print("FAIL:", what)
    sys.exit(1)


secrets = set()
for path in glob.glob(os.path.join(LOGS, "*", "secrets")):
    with open(path) as f:
        secrets.update(line.strip() for line in f if line.strip())
me = os.path.splitext(os.path.basename(__file__))[0]
logs = sorted(glob.glob(os.path.join(LOGS, "**", "*.log"), recursive=True))
outputs = [p for p in sorted(glob.glob("*.log"))
           if os.path.basename(p) not in (me + ".log", "test-suite.log")]
if not secrets:
    fail("no scenario recorded a secret in %s" % LOGS)
if not logs:
    fail("no scenario kept a log in %s" % LOGS)
debug = [p for p in logs if "conductor-" in os.path.basename(p) and
         open(p, errors="replace").read().count('"level":"debug"') > 0]
if not debug:
    fail("no Conductor logged at debug level: the check would mean little")

found = []
for path in logs + outputs:
    with open(path, errors="replace") as f:
        text = f.read()
    for s in secrets:
        if s in text:
            line = text[:text.index(s)].count("\n") + 1
            found.append("%s:%d: a secret (%s...)" % (path, line, s[:4]))
if found:
    fail("secrets in logs:\n" + "\n".join(found))
print("ok: %d secrets, none in %d logs and %d scenario outputs (%d Conductor logs at debug "
      "level)" % (len(secrets), len(logs), len(outputs), len(debug)))
