"""conform.py: the plugin conformance suite. Runs one broker plugin through every check a
plugin must pass, driven by its own resource type schemas and one fixture per type
(fixtures/<Type>.json: a valid "create" set, an "update" set merged over it, and optionally an
"invalid" set the API refuses; a property may be {"ref": "<Type>", "attr": "<Attr>"}, made
from that type's own fixture first):

  abi      the entry symbol <name>_LTX_fugue_broker is the only symbol exported, the ABI
           version, name and types are what fugue/broker.h asks, create/read/delete are set;
  schemas  every declared type has schemas/<Type>.json and every schema a declared type, each
           valid per schemas/resource-type.schema.json; every type has a fixture;
  round    create -> read -> update -> sweep -> delete through the Conductor's real loader and
           host (tests/integration/plugin-driver) against fugue-localcloud on a free loopback
           port: observed matches desired (doc/resource-schemas.md's rules), the sweep reports
           it, after delete read says not-found and the sweep no longer reports it;
  crash    the same intent created twice gives one resource; the driver killed (SIGKILL) in the
           middle of a create, restarted, creates it again: still one, found by read without
           its physical id;
  errors   under injected faults (/_localcloud/faults) throttling ends an operation throttled
           or retryable, 500 and 503 retryable, and a sweep fails rather than reports; the
           "invalid" set ends invalid or fatal;
  engine   apply of a composition of the resource converges, enforce finds no changes, kill
           removes it.

Usage: conform.py PLUGIN   (an in-tree plugin name, NAME.plugin as make check names it, or a
path to a NAME.la / NAME.so with its schemas/ beside it). Environment: TOP_SRCDIR,
TOP_BUILDDIR, PLUGIN_ABI, PLUGIN_DRIVER, LOCALCLOUD; FIXTURES (default: fixtures/ here) and
PLUGIN_SCHEMAS (default: the plugin's schemas/) to override; CONFORM_TYPES=T1,T2 runs the
run-time checks of those types only. Exit 0 when every check passes,
1 otherwise (each failure on a "not ok" line)."""
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time

from plugdrv import Harness

HERE = os.path.dirname(os.path.abspath(__file__))
TOP_SRCDIR = os.environ.get("TOP_SRCDIR", os.path.join(HERE, "..", ".."))
TOP_BUILDDIR = os.environ.get("TOP_BUILDDIR", TOP_SRCDIR)
PLUGIN_ABI = os.environ.get("PLUGIN_ABI", "./plugin-abi")
FIXTURES = os.environ.get("FIXTURES") or os.path.join(HERE, "fixtures")
REQUIRED_CALLBACKS = ("create", "read", "delete")
# Symbols every shared object defines, whatever it exports.
LINKER_SYMBOLS = {"_init", "_fini", "_edata", "_end", "__bss_start"}
# What each injected fault may end an operation with (broker.h's enum fugue_status).
FAULTS = {"throttle": ("throttled", "retryable"), "500": ("retryable",), "503": ("retryable",)}
LATENCY_MS = 150


def fixture_path(tname):
    """The fixture of tname: in FIXTURES, else (a type an out-of-tree plugin's fixtures
    reference) among the in-tree ones."""
    for d in (FIXTURES, os.path.join(HERE, "fixtures")):
        path = os.path.join(d, tname + ".json")
        if os.path.exists(path):
            return path
    return os.path.join(FIXTURES, tname + ".json")


class Failed(Exception):
    """A check failed; its message says what and where."""


def need(cond, what):
    """Fails the current check with what unless cond."""
    if not cond:
        raise Failed(what)


class Report:
    """Counts and prints checks as "ok - NAME" / "not ok - NAME: why"."""

    def __init__(self):
        self.passed = 0
        self.failed = []

    def run(self, name, fn, *args):
        """Runs one check; its result, or None when it failed."""
        try:
            result = fn(*args)
        except (Failed, AssertionError) as e:
            self.failed.append(name)
            print("not ok - %s: %s" % (name, e), flush=True)
            return None
        self.passed += 1
        print("ok - %s" % name, flush=True)
        return result if result is not None else True


class Plugin:
    """Where the module and its schemas are."""

    def __init__(self, arg):
        base = os.path.basename(arg)
        if base.endswith(".plugin"):
            arg = base[:-len(".plugin")]
        if "/" not in arg and not arg.endswith((".la", ".so")):
            self.name = arg
            self.module = os.path.join(TOP_BUILDDIR, "plugins", arg, arg + ".la")
            schemas = os.path.join(TOP_SRCDIR, "plugins", arg, "schemas")
        else:
            self.module = os.path.abspath(arg)
            self.name = os.path.splitext(os.path.basename(arg))[0]
            schemas = os.path.join(os.path.dirname(self.module), "schemas")
            if not os.path.isdir(schemas):  # an in-tree module built outside the source tree
                schemas = os.path.join(TOP_SRCDIR, "plugins", self.name, "schemas")
        self.schemas = os.environ.get("PLUGIN_SCHEMAS") or schemas
        self.dir = os.path.dirname(self.module)

    def shared_object(self):
        """The .so file of the module (an .la names it in dlname, in .libs/ until installed)."""
        need(os.path.exists(self.module), "%s does not exist (build it first)" % self.module)
        if not self.module.endswith(".la"):
            return self.module
        with open(self.module) as f:
            for line in f:
                if line.startswith("dlname="):
                    so = line.split("=", 1)[1].strip().strip("'")
                    for where in (os.path.join(self.dir, ".libs", so), os.path.join(self.dir, so)):
                        if os.path.exists(where):
                            return where
        raise Failed("%s names no shared object that exists" % self.module)


def load_json(path, what):
    """The JSON document at path."""
    try:
        with open(path) as f:
            return json.load(f)
    except (OSError, ValueError) as e:
        raise Failed("%s %s: %s" % (what, path, e))


# --- abi and schemas -------------------------------------------------------------------------

def check_abi(p):
    """The module's exports, as plugin-abi reads them and fugue/broker.h asks for them (every
    problem listed)."""
    need(os.path.exists(p.module), "%s does not exist (build it first)" % p.module)
    out = subprocess.run([PLUGIN_ABI, p.module], capture_output=True, text=True, timeout=60)
    need(out.returncode == 0, out.stderr.strip() or "plugin-abi exited %d" % out.returncode)
    b = json.loads(out.stdout)
    need(b["abi_major"] == b["host_abi_major"],
         "ABI major %d, the host's is %d: rebuild against fugue/broker.h" %
         (b["abi_major"], b["host_abi_major"]))
    problems = []
    if b["abi_minor"] > b["host_abi_minor"]:
        problems.append("ABI minor %d is above the host's %d" % (b["abi_minor"],
                                                                 b["host_abi_minor"]))
    if b["name"] != p.name:
        problems.append(".name is %r, not the file name %r" % (b["name"], p.name))
    if b["ntypes"] == 0 or len(b["types"]) != b["ntypes"]:
        problems.append("declares no resource types")
    names = [t["name"] for t in b["types"]]
    if len(set(names)) != len(names):
        problems.append("a type is declared twice: %s" % names)
    for t in b["types"]:
        parts = (t["name"] or "").split(".")
        if len(parts) != 3 or parts[0] != "AWS" or not all(parts):
            problems.append("type %r is not named AWS.<Service>.<Type>" % t["name"])
        missing = [cb for cb in REQUIRED_CALLBACKS if not t[cb]]
        if missing:
            problems.append("type %s has no %s" % (t["name"], ", ".join(missing)))
    need(not problems, "; ".join(problems))
    return b


def check_exports(p):
    """The entry symbol is the only one the shared object exports (nm -D)."""
    nm = shutil.which("nm")
    need(nm is not None, "nm (binutils) is needed to list the exported symbols")
    out = subprocess.run([nm, "-D", "--defined-only", p.shared_object()], capture_output=True,
                         text=True, timeout=60)
    need(out.returncode == 0, "nm: %s" % out.stderr.strip())
    syms = {line.split()[-1] for line in out.stdout.splitlines() if line.strip()}
    entry = p.name + "_LTX_fugue_broker"
    need(entry in syms, "%s is not exported" % entry)
    extra = sorted(s for s in syms - LINKER_SYMBOLS - {entry} if not s.startswith("__"))
    need(not extra, "exports more than %s (make the rest static, or link with "
         "-export-symbols-regex): %s" % (entry, " ".join(extra[:10])))


def check_schemas(p, abi):
    """Declared types and schema files match one to one; each schema is a valid type schema;
    returns {type: schema}."""
    need(os.path.isdir(p.schemas), "no schema directory %s" % p.schemas)
    files = {f[:-5] for f in os.listdir(p.schemas) if f.endswith(".json")}
    declared = {t["name"].split(".")[-1]: t["name"] for t in abi["types"]}
    need(not set(declared) - files, "no schema for %s" %
         ", ".join(declared[b] for b in sorted(set(declared) - files)))
    need(not files - set(declared), "schemas of types the plugin does not declare: %s" %
         ", ".join(sorted(files - set(declared))))
    try:
        import jsonschema
    except ImportError:
        raise Failed("python3 module jsonschema missing (Debian: python3-jsonschema)")
    meta = load_json(os.path.join(TOP_SRCDIR, "schemas", "resource-type.schema.json"),
                     "meta-schema")
    validator = jsonschema.Draft202012Validator(meta)
    schemas = {}
    for base, tname in sorted(declared.items()):
        path = os.path.join(p.schemas, base + ".json")
        s = load_json(path, "schema")
        problems = ["%s: %s" % ("/".join(str(x) for x in e.absolute_path) or "(top)", e.message)
                    for e in validator.iter_errors(s)]
        need(not problems, "%s: %s" % (path, "; ".join(problems)))
        need(s.get("title") == tname, "%s: title %r, not %s" % (path, s.get("title"), tname))
        need(s.get("x-fugue-service") == p.name, "%s: x-fugue-service %r, not %s" %
             (path, s.get("x-fugue-service"), p.name))
        schemas[tname] = s
    return schemas


def check_fixtures(schemas, types):
    """Every type has a fixture with a create and an update set of its own properties."""
    fixtures = {}
    for tname in types:
        path = fixture_path(tname)
        need(os.path.exists(path), "no fixture for %s: write %s" % (tname, path))
        fx = load_json(path, "fixture")
        need(isinstance(fx.get("create"), dict) and isinstance(fx.get("update"), dict),
             "%s: needs a \"create\" and an \"update\" object" % path)
        unknown = set(fx) - {"description", "create", "update", "invalid"}
        need(not unknown, "%s: unknown members %s" % (path, sorted(unknown)))
        props = schemas[tname]["properties"]
        for part in ("create", "update"):
            bad = sorted(set(fx[part]) - set(props))
            need(not bad, "%s: %s sets properties %s has not" % (path, part, tname) +
                 " " + ", ".join(bad))
        fixtures[tname] = fx
    return fixtures


# --- comparing observed with desired ---------------------------------------------------------

def parsed_doc(text):
    """A JSON document held in a string, parsed (the text itself when it is not JSON)."""
    try:
        return json.loads(text)
    except (TypeError, ValueError):
        return text


def mismatches(node, want, have, where):
    """How observed value have differs from desired want under schema node, as the Conductor
    compares (doc/resource-schemas.md): documents parsed, unique lists and tags as sets,
    numbers by value, members desired only."""
    node = node or {}
    if node.get("contentMediaType") == "application/json":
        return [] if parsed_doc(want) == parsed_doc(have) else \
            ["%s: want %s, have %s" % (where, want, have)]
    if isinstance(want, dict):
        if not isinstance(have, dict):
            return ["%s: want an object, have %s" % (where, json.dumps(have))]
        out = []
        for k, v in want.items():
            sub = node.get("properties", {}).get(k)
            if k not in have:
                if sub is None or sub.get("default") != v:
                    out.append("%s/%s: missing (want %s)" % (where, k, json.dumps(v)))
            else:
                out += mismatches(sub, v, have[k], "%s/%s" % (where, k))
        return out
    if isinstance(want, list):
        if not isinstance(have, list) or len(have) != len(want):
            return ["%s: want %s, have %s" % (where, json.dumps(want), json.dumps(have))]
        items = node.get("items")
        if node.get("uniqueItems"):
            left = list(have)
            for w in want:
                hit = next((h for h in left if not mismatches(items, w, h, where)), None)
                if hit is None:
                    return ["%s: %s not in %s" % (where, json.dumps(w), json.dumps(have))]
                left.remove(hit)
            return []
        out = []
        for i, (w, h) in enumerate(zip(want, have)):
            out += mismatches(items, w, h, "%s/%d" % (where, i))
        return out
    if isinstance(want, bool) or isinstance(have, bool):
        same = want is have
    elif isinstance(want, (int, float)) and isinstance(have, (int, float)):
        same = float(want) == float(have)
    else:
        same = want == have
    return [] if same else ["%s: want %s, have %s" % (where, json.dumps(want), json.dumps(have))]


def check_observed(schema, desired, observed, lid, physical):
    """Observed has every desired property, the fugue tags and the identifier."""
    need(isinstance(observed, dict), "no observation: %s" % observed)
    want = {k: v for k, v in desired.items() if k != "Tags"}
    problems = mismatches(schema, want, observed, "")
    if schema.get("x-fugue-tags"):
        tags = {t["Key"]: t["Value"] for t in observed.get("Tags", [])}
        expect = {t["Key"]: t["Value"] for t in desired.get("Tags", [])}
        expect.update({"fugue:fid": "fid-driver", "fugue:id": lid})
        mine = {k: v for k, v in tags.items() if not k.startswith("aws:")}
        if mine != expect:
            problems.append("Tags: want %s, have %s" % (expect, tags))
    ident = schema["x-fugue-identifier"]
    if ident in schema.get("x-fugue-read-only", {}):
        if observed.get(ident) != physical:
            problems.append("%s: %r is not the physical id %r" % (ident, observed.get(ident),
                                                                  physical))
    elif desired.get(ident) != physical:
        problems.append("physical id %r is not %s %r" % (physical, ident, desired.get(ident)))
    need(not problems, "observed differs from desired: " + "; ".join(problems))


# --- resources -------------------------------------------------------------------------------

class Suite:
    """One plugin-driver and fugue-localcloud, and what the checks made in them."""

    def __init__(self, t, schemas, fixtures, all_schemas):
        self.t = t
        self.schemas = schemas
        self.fixtures = fixtures
        self.all_schemas = all_schemas
        self.deps = []  # (type, lid, physical, desired, observed) made for references

    def schema(self, tname):
        """The schema of tname (a referenced type may belong to another loaded plugin)."""
        need(tname in self.all_schemas, "no schema for referenced type %s" % tname)
        return self.all_schemas[tname]

    def resolve(self, value, depth=0):
        """value with every {"ref": T, "attr": A} made from T's fixture and replaced by A."""
        if isinstance(value, dict) and set(value) == {"ref", "attr"}:
            need(depth < 8, "references nest too deep")
            return self.dependency(value["ref"], value["attr"], depth + 1)
        if isinstance(value, dict):
            return {k: self.resolve(v, depth) for k, v in value.items()}
        if isinstance(value, list):
            return [self.resolve(v, depth) for v in value]
        return value

    def dependency(self, tname, attr, depth):
        """Creates a resource of tname from its fixture (once); its attribute attr."""
        for dt, _, _, desired, obs in self.deps:
            if dt == tname:
                return obs.get(attr, desired.get(attr))
        path = fixture_path(tname)
        need(os.path.exists(path), "a reference needs %s, which has no fixture" % tname)
        desired = self.resolve(load_json(path, "fixture")["create"], depth)
        lid = "conform.dep." + tname.split(".")[-1]
        phys, obs = self.t.op("create", tname, lid, None, desired)
        self.deps.append((tname, lid, phys, desired, obs))
        value = obs.get(attr, desired.get(attr))
        need(value is not None, "%s reports no %s" % (tname, attr))
        return value

    def drop_dependencies(self):
        """Deletes what references needed, last made first."""
        while self.deps:
            tname, lid, phys, desired, obs = self.deps.pop()
            self.t.op("delete", tname, lid, phys, desired, obs)

    def validate(self, tname, desired):
        """desired satisfies the type's schema (the fixture is valid)."""
        import jsonschema
        errs = ["%s: %s" % ("/".join(str(x) for x in e.absolute_path) or "(top)", e.message)
                for e in jsonschema.Draft202012Validator(self.schema(tname)).iter_errors(desired)]
        need(not errs, "fixture of %s is not valid: %s" % (tname, "; ".join(errs)))

    def clean(self, tname, lid, part="create"):
        """After a failed check or create: deletes what it may have left (desired: the
        fixture's part), so that later checks start clean (best effort: what read finds
        without a physical id)."""
        try:
            desired = json.dumps(self.resolve(self.fixtures[tname][part]))
        except (Failed, AssertionError):
            return
        out = self.t.cmd("op", "read", tname, lid, "-", desired)
        if out[0] == "ok" and out[1] != "-":
            self.t.cmd("op", "delete", tname, lid, out[1], desired, out[2])


def region_of(desired):
    """The sweep's region argument: the Region, or - for global types."""
    return desired.get("Region") or "-"


def fault(kind):
    """A rule failing every request of every service with kind."""
    return [{"error": kind, "error_rate": 1}]


def expect_status(got, allowed, what):
    """An error status must be one of allowed."""
    need(got in allowed, "%s: ended %s, want %s" % (what, got, " or ".join(allowed)))


def round_trip(s, tname, lid):
    """create, re-create, read (by id and without it), update; returns (physical id, desired,
    observed) as the update left them."""
    t, schema, fx = s.t, s.schemas[tname], s.fixtures[tname]
    desired = s.resolve(fx["create"])
    s.validate(tname, desired)
    phys, obs = t.op("create", tname, lid, None, desired)
    need(phys and phys != "-", "create set no physical id")
    check_observed(schema, desired, obs, lid, phys)
    again, _ = t.op("create", tname, lid, None, desired)
    need(again == phys, "create repeated with the same token made %s, first %s" % (again, phys))
    got, obs = t.op("read", tname, lid, phys, desired)
    need(got == phys, "read answered physical id %s, not %s" % (got, phys))
    check_observed(schema, desired, obs, lid, phys)
    got, _ = t.op("read", tname, lid, None, desired)
    need(got == phys, "read without a physical id found %s, not %s" % (got, phys))
    updated = dict(desired, **s.resolve(fx["update"]))
    s.validate(tname, updated)
    got, obs2 = t.op("update", tname, lid, phys, updated, obs)
    need(got == phys, "update changed the physical id to %s" % got)
    check_observed(schema, updated, obs2, lid, phys)
    _, obs3 = t.op("read", tname, lid, phys, updated)
    check_observed(schema, updated, obs3, lid, phys)
    return phys, updated, obs3


def check_sweep(s, tname, lid, phys, desired, present):
    """A sweep reports the resource (matching desired) when present, else not."""
    found = s.t.sweep(tname, region_of(desired), phys)
    if present:
        need(phys in found, "sweep did not report %s: %s" % (phys, sorted(found)))
        check_observed(s.schemas[tname], desired, found[phys], lid, phys)
    else:
        need(phys not in found, "sweep still reports deleted %s" % phys)


def check_errors(s, tname, lid, phys, desired, observed, has_sweep):
    """Error classes under injected throttling, 500 and 503; the resource survives."""
    t = s.t
    try:
        t.faults(fault("throttle"))
        st, msg = t.op_error("create", tname, lid, None, desired)
        expect_status(st, FAULTS["throttle"], "create under throttling (%s)" % msg)
        t.faults(fault("500"))
        st, msg = t.op_error("read", tname, lid, phys, desired)
        expect_status(st, FAULTS["500"], "read under 500 (%s)" % msg)
        t.faults(fault("503"))
        if has_sweep:
            found, done = t.sweep_result(tname, region_of(desired), phys)
            need(done[0] != "ok", "sweep under 503 ended ok (reporting %d of 1)" % len(found))
            expect_status(done[0], FAULTS["503"], "sweep under 503 (%s)" % done[1:])
        else:
            st, msg = t.op_error("delete", tname, lid, phys, desired, observed)
            expect_status(st, FAULTS["503"], "delete under 503 (%s)" % msg)
    finally:
        t.faults([])
    got, obs = t.op("read", tname, lid, phys, desired)
    check_observed(s.schemas[tname], desired, obs, lid, got)


def delete_and_gone(s, tname, lid, phys, desired, observed, has_sweep):
    """delete; then read says not-found (by id and by lookup), the sweep does not report it,
    and a second delete succeeds."""
    t = s.t
    t.op("delete", tname, lid, phys, desired, observed)
    st, msg = t.op_error("read", tname, lid, phys, desired)
    expect_status(st, ("not-found",), "read after delete (%s)" % msg)
    st, msg = t.op_error("read", tname, lid, None, desired)
    expect_status(st, ("not-found",), "read without physical id after delete (%s)" % msg)
    if has_sweep:
        check_sweep(s, tname, lid, phys, desired, False)
    t.op("delete", tname, lid, phys, desired, observed)


def check_crash(s, tname, lid):
    """The driver killed in the middle of creates (requests slowed by localcloud), restarted:
    the create repeated makes one resource, which read finds without its physical id."""
    t, desired = s.t, s.resolve(s.fixtures[tname]["create"])
    # before the first reply (the reply is lost), then between later calls
    for kill_after in (LATENCY_MS / 2000, LATENCY_MS * 2.5 / 1000):
        t.faults([{"latency_ms": LATENCY_MS}])
        t.drv.stdin.write("\t".join(["op", "create", tname, lid, "-", json.dumps(desired)]) + "\n")
        t.drv.stdin.flush()
        time.sleep(kill_after)
        t.kill_driver()
        time.sleep(LATENCY_MS * 2 / 1000 + 0.5)  # what was sent is handled
        t.faults([])
        t.start_driver()
    phys, obs = t.op("create", tname, lid, None, desired)
    check_observed(s.schemas[tname], desired, obs, lid, phys)
    got, _ = t.op("read", tname, lid, None, desired)
    need(got == phys, "after the crashes read finds %s, create made %s" % (got, phys))
    t.op("delete", tname, lid, phys, desired, obs)
    st, msg = t.op_error("read", tname, lid, None, desired)
    expect_status(st, ("not-found",), "a second resource is left after the crashes (%s)" % msg)


def check_invalid(s, tname, lid):
    """The fixture's invalid set ends the create invalid or fatal."""
    bad = s.resolve(s.fixtures[tname]["invalid"])
    st, msg = s.t.op_error("create", tname, lid, None, bad)
    expect_status(st, ("invalid", "fatal"), "create of the invalid set (%s)" % msg)


def check_engine(s, tname):
    """The engine applies a composition of the resource (and what it references): it
    converges, an enforcement finds nothing to change, kill removes it."""
    t, fx = s.t, s.fixtures[tname]
    resources = []

    def add(rtype, props, lid):
        """Adds resource lid, and first what its references name, from their fixtures."""
        deps = set()

        def refs(v):
            if isinstance(v, dict) and set(v) == {"ref", "attr"}:
                dep = "conform.dep." + v["ref"].split(".")[-1]
                if dep not in [r["id"] for r in resources]:
                    add(v["ref"], load_json(fixture_path(v["ref"]), "fixture")["create"],
                        dep)
                deps.add(dep)
                return {"ref": dep, "attr": v["attr"]}
            if isinstance(v, dict):
                return {k: refs(x) for k, x in v.items()}
            if isinstance(v, list):
                return [refs(x) for x in v]
            return v
        props = refs(props)
        resources.append({"id": lid, "type": rtype, "dependsOn": sorted(deps),
                          "properties": props})

    add(tname, dict(fx["create"], **fx["update"]), "conform.engine")
    with tempfile.TemporaryDirectory() as tmp:
        comp = os.path.join(tmp, "composition.json")
        with open(comp, "w") as f:
            json.dump({"version": 1, "externals": [], "resources": resources}, f)
        kill_sent = False
        try:
            out = t.cmd("apply", comp)
            need(out[:2] == ["ok", "created %d" % len(resources)], "apply: %s" % out)
            out = t.cmd("enforce")
            need(out[:2] == ["ok", "no changes"], "enforce after apply: %s" % out)
            kill_sent = True
            out = t.cmd("kill")
            need(out[:2] == ["ok", "deleted %d" % len(resources)], "kill: %s" % out)
        finally:
            if not kill_sent:  # leave nothing for the next type's checks
                t.cmd("kill")


def type_checks(r, s, tname, callbacks):
    """Every run-time check of one type."""
    lid = "conform." + tname.split(".")[-1]
    has_sweep = callbacks["sweep"]
    failed = len(r.failed)
    state = r.run("%s: create, re-create, read, update" % tname, round_trip, s, tname, lid)
    if state:
        phys, desired, obs = state
        if has_sweep:
            r.run("%s: sweep reports it" % tname, check_sweep, s, tname, lid, phys, desired,
                  True)
        r.run("%s: error classes under throttling, 500, 503" % tname, check_errors, s, tname,
              lid, phys, desired, obs, has_sweep)
        r.run("%s: delete, then not found" % tname, delete_and_gone, s, tname, lid, phys,
              desired, obs, has_sweep)
    if not state or len(r.failed) > failed:
        s.clean(tname, lid)
    if not r.run("%s: one resource after crashes mid-create" % tname, check_crash, s, tname,
                 lid):
        s.clean(tname, lid)
    if "invalid" in s.fixtures[tname]:
        r.run("%s: a refused request ends invalid" % tname, check_invalid, s, tname, lid)
        s.clean(tname, lid, "invalid")
    r.run("%s: dependencies deleted" % tname, s.drop_dependencies)
    r.run("%s: engine apply, enforce, kill" % tname, check_engine, s, tname)


def other_schemas(p):
    """The schemas of every in-tree plugin (what references may name), then p's."""
    found = {}
    root = os.path.join(TOP_SRCDIR, "plugins")
    for svc in sorted(os.listdir(root)):
        d = os.path.join(root, svc, "schemas")
        if os.path.isdir(d):
            for f in sorted(os.listdir(d)):
                if f.endswith(".json"):
                    s = load_json(os.path.join(d, f), "schema")
                    found[s.get("title")] = s
    return found


def referenced_plugins(fixtures, own):
    """In-tree plugin names whose types the fixtures reference and the plugin lacks."""
    names = set()

    def walk(v):
        if isinstance(v, dict) and set(v) == {"ref", "attr"}:
            if v["ref"] not in own:
                names.add(v["ref"].split(".")[1].lower())
        elif isinstance(v, dict):
            for x in v.values():
                walk(x)
        elif isinstance(v, list):
            for x in v:
                walk(x)
    for fx in fixtures.values():
        walk(fx)
    return sorted(names)


def main():
    """Runs every check of the plugin named on the command line."""
    if len(sys.argv) != 2:
        print("usage: conform.py PLUGIN (a name of plugins/, or a path to NAME.la or NAME.so)")
        return 2
    p = Plugin(sys.argv[1])
    start = time.time()
    print("conformance of plugin %s (%s)" % (p.name, p.module), flush=True)
    r = Report()
    abi = r.run("abi: entry symbol, ABI version, name, types, callbacks", check_abi, p)
    r.run("abi: %s_LTX_fugue_broker is the only export" % p.name, check_exports, p)
    if abi:
        schemas = r.run("schemas: one per declared type, valid", check_schemas, p, abi)
        fixtures = schemas and r.run("fixtures: one per type", check_fixtures, schemas,
                                     list(schemas))
        if fixtures:
            run_types(r, p, abi, schemas, fixtures)
    print("%s: %d passed, %d failed (%.1f s)" % (p.name, r.passed, len(r.failed),
                                                  time.time() - start))
    return 1 if r.failed else 0


def run_types(r, p, abi, schemas, fixtures):
    """The run-time checks of every type, in one localcloud and driver."""
    all_schemas = other_schemas(p)
    all_schemas.update(schemas)
    with tempfile.TemporaryDirectory() as tmp:
        # the loader looks for schemas in SCHEMA_DIR/<name>/schemas: link them there
        plugin_dirs = [p.dir]
        os.makedirs(os.path.join(tmp, p.name))
        os.symlink(os.path.abspath(p.schemas), os.path.join(tmp, p.name, "schemas"))
        for other in referenced_plugins(fixtures, schemas):
            plugin_dirs.append(os.path.join(TOP_BUILDDIR, "plugins", other))
            os.makedirs(os.path.join(tmp, other))
            os.symlink(os.path.join(TOP_SRCDIR, "plugins", other, "schemas"),
                       os.path.join(tmp, other, "schemas"))
        t = r.run("driver: the Conductor's loader accepts it", Harness, "us-east-1",
                  ":".join(plugin_dirs), tmp, False)
        if not t:
            return
        with t:
            s = Suite(t, schemas, fixtures, all_schemas)
            callbacks = {x["name"]: x for x in abi["types"]}
            only = [x for x in os.environ.get("CONFORM_TYPES", "").split(",") if x]
            for tname in sorted(schemas):
                if not only or tname in only:
                    type_checks(r, s, tname, callbacks[tname])


if __name__ == "__main__":
    sys.exit(main())
