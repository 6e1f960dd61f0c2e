"""selftest.py: the conformance suite catches what it is meant to. The comparison of observed
with desired (conform.mismatches, check_observed) on cases that must match and cases that must
not; then conform.py run against bad.la (a module that breaks the ABI rules on purpose) must
fail, naming every broken rule."""
import os
import subprocess
import sys

import conform
from conform import Failed, check_observed, mismatches

SCHEMA = {
    "x-fugue-tags": True, "x-fugue-identifier": "Name",
    "x-fugue-read-only": {"Arn": {"type": "string"}},
    "properties": {
        "Name": {"type": "string"},
        "Size": {"type": "integer", "default": 5},
        "Doc": {"type": "string", "contentMediaType": "application/json"},
        "Set": {"type": "array", "uniqueItems": True, "items": {"type": "string"}},
        "List": {"type": "array", "items": {"type": "string"}},
        "Obj": {"type": "object", "properties": {"On": {"type": "boolean"}}},
        "Tags": {"type": "array", "uniqueItems": True},
    },
}
FUGUE_TAGS = [{"Key": "fugue:fid", "Value": "fid-driver"}, {"Key": "fugue:id", "Value": "x"}]


def expect(cond, what):
    """Fails the self-test with what unless cond."""
    if not cond:
        print("FAIL: " + what)
        sys.exit(1)


def observed_fails(desired, observed, why):
    """check_observed must reject observed for desired."""
    try:
        check_observed(SCHEMA, desired, observed, "x", "n")
    except Failed:
        return
    expect(False, "check_observed accepted " + why)


def comparisons():
    """Matches and mismatches under the schema's rules."""
    want = {"Name": "n", "Size": 5, "Doc": '{"a": 1, "b": [1, 2]}', "Set": ["a", "b"],
            "List": ["a", "b"], "Obj": {"On": True},
            "Tags": [{"Key": "k", "Value": "v"}]}
    have = {"Name": "n", "Doc": '{"b":[1,2],"a":1}', "Set": ["b", "a"], "List": ["a", "b"],
            "Obj": {"On": True, "Extra": 1}, "Arn": "arn",
            "Tags": [{"Key": "aws:x", "Value": "y"}, {"Key": "k", "Value": "v"}] + FUGUE_TAGS}
    check_observed(SCHEMA, want, have, "x", "n")  # Size absent: at its default
    expect(mismatches(SCHEMA, {"Size": 5}, {"Size": 5.0}, "") == [], "5 and 5.0 differ")
    for key, value in (("Size", 6), ("Doc", '{"a": 2}'), ("Set", ["a", "c"]),
                       ("List", ["b", "a"]), ("Obj", {"On": False}), ("Name", "m")):
        observed_fails(dict(want, **{key: value}), have, "a different %s" % key)
    observed_fails(dict(want, Size=7), {k: v for k, v in have.items() if k != "Size"},
                   "a missing property that is not at its default")
    observed_fails(want, dict(have, Tags=have["Tags"][:2]), "missing fugue tags")
    observed_fails(want, dict(have, Tags=have["Tags"] + [{"Key": "z", "Value": "1"}]),
                   "an extra tag")
    observed_fails(want, dict(have, Obj=True), "an object observed as a scalar")
    expect(mismatches(SCHEMA, {"Obj": {"On": True}}, {"Obj": {"On": 1}}, "") != [],
           "true and 1 are equal")


def bad_module():
    """conform.py against bad.la fails on each broken rule."""
    out = subprocess.run([sys.executable, conform.__file__,
                          os.path.join(os.getcwd(), "bad.la")],
                         capture_output=True, text=True, timeout=120)
    expect(out.returncode == 1, "conform.py bad.la exited %d: %s%s" %
           (out.returncode, out.stdout, out.stderr))
    for what in ("is above the host's", ".name is 'not_bad', not the file name 'bad'",
                 "type AWS.Bad.Thing has no delete", "type 'Thing' is not named",
                 "exports more than bad_LTX_fugue_broker", "bad_second_export"):
        expect(what in out.stdout, "conform.py bad.la did not say %r:\n%s" % (what, out.stdout))


def main():
    """Both parts."""
    comparisons()
    bad_module()
    print("PASS: the suite tells conforming observations and modules from broken ones")


if __name__ == "__main__":
    main()
