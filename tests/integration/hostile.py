"""hostile.py: hostile requests sent to a live fugue-conductor, beyond the bad requests of
conductor_requests.py: oversize messages and arguments, deep nesting, invalid UTF-8, wrong
types in the envelope, the body and the arguments, forged signatures (altered body, truncated or
padded HMAC, another user's secret), a request id replayed by another user, stale and malformed
times, user names that cannot exist, and a user acting on another user's process (refused). Every one that
names a usable reply_to gets a clear error reply (code, a bounded message that says what); the
ones that cannot be answered are logged and left; after each group the Conductor still serves."""
import datetime
import json
import os
import urllib.error
import urllib.parse
import urllib.request

from botocore.auth import SigV4Auth
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials

from conductor import (ACCESS_KEY, REGION, SECRET_KEY, Client, Conductor, Localcloud, add_user,
                       check, now_rfc3339, queue_resource, scenario, upload_composition)

PREFIX = "ho%d-" % os.getpid()
MAX_MESSAGE = 256 * 1024   # SQS's limit on the request queue, and the protocol's
MAX_ERROR_REPLY = 2048     # error replies stay short whatever the request held


def expect(cl, text, rid, code, *words):
    """Sends a raw message whose body has id rid: its reply must be error code, its message
    short and holding each of words. Returns the message."""
    cl.send(text)
    raw, r = cl.wait(rid)
    check(not r["ok"] and r["error"]["code"] == code,
          "want %s, got %r (request %.200r)" % (code, r, text))
    check(len(raw) < MAX_ERROR_REPLY, "a %d-byte error reply" % len(raw))
    for w in words:
        check(w in r["error"]["message"], "%r not in %r" % (w, r["error"]["message"]))
    return r["error"]["message"]


def body_with(cl, **members):
    """A status body (text) with members set or replaced (None removes one), and its id."""
    text, rid = cl.body("status")
    b = json.loads(text)
    for k, v in members.items():
        if v is None:
            b.pop(k, None)
        else:
            b[k] = v
    return json.dumps(b, separators=(",", ":")), b.get("id", rid)


def signed(cl, text, **env_members):
    """The envelope of body text signed by cl, with envelope members set or replaced."""
    env = json.loads(cl.envelope(text))
    env.update(env_members)
    return json.dumps(env)


def still_serving(c, cl, what):
    """The Conductor is alive and answers a good request."""
    check(c.alive(), "the Conductor died after %s:\n%s" % (what, c.log()))
    check(cl.ok("status") is not None, "status after %s" % what)


def unanswered(c, cl, text, what, reason):
    """A message without a readable reply_to: no reply, its reason and "left in the queue" in
    the log, and the Conductor serves."""
    before = len(c.log())
    cl.send(text)
    c.wait_log(reason, before)
    c.wait_log("left in the queue", before)
    cl.nothing(2)
    still_serving(c, cl, what)


def raw_sqs_send(cloud, queue_url, body):
    """SendMessage in the query protocol with body as raw bytes (no client library would send
    invalid UTF-8); returns (HTTP status, reply text)."""
    form = b"Action=SendMessage&Version=2012-11-05&QueueUrl=" + \
        urllib.parse.quote(queue_url, safe="").encode() + b"&MessageBody=" + \
        urllib.parse.quote_from_bytes(body, safe="").encode()
    req = AWSRequest(method="POST", url=cloud.url + "/", data=form,
                     headers={"Content-Type": "application/x-www-form-urlencoded"})
    SigV4Auth(Credentials(ACCESS_KEY, SECRET_KEY), "sqs", REGION).add_auth(req)
    http = urllib.request.Request(req.url, data=form, method="POST",
                                  headers=dict(req.headers.items()))
    try:
        with urllib.request.urlopen(http, timeout=10) as r:
            return r.status, r.read().decode(errors="replace")
    except urllib.error.HTTPError as e:
        return e.code, e.read().decode(errors="replace")


def oversize(c, cl):
    """A message over SQS's limit never reaches the Conductor; oversize arguments are refused
    with short replies."""
    body, _ = cl.body("status", {"pad": "x" * MAX_MESSAGE})
    try:
        cl.send(cl.envelope(body))
        raise AssertionError("the request queue took a message over %d bytes" % MAX_MESSAGE)
    except cl.sqs.exceptions.ClientError as e:
        check("InvalidParameterValue" in str(e) or "too long" in str(e).lower(),
              "oversize message: %s" % e)
    body, rid = cl.body("status", {"process": "p" * (240 * 1024)})
    expect(cl, cl.envelope(body), rid, "NotFound", "no process")
    body, rid = cl.body("property-set", {"process": "web", "key": "alias",
                                         "value": "a" * (200 * 1024)})
    expect(cl, cl.envelope(body), rid, "InvalidArgument", "alias")
    body, rid = cl.body("history", {"process": "web", "limit": 10 ** 30})
    expect(cl, cl.envelope(body), rid, "InvalidArgument", "limit")
    still_serving(c, cl, "oversize requests")


def nesting(c, cl):
    """Arguments nested below the reader's limit are wrong types; beyond it the body is not
    JSON, so no reply_to can be read: logged and left."""
    deep = "[" * 100 + "]" * 100
    body, rid = cl.body("status")
    body = body.replace('"args":{}', '"args":{"process":%s}' % deep)
    expect(cl, cl.envelope(body), rid, "InvalidArgument", "process")
    body, rid = cl.body("status")
    body = body.replace('"args":{}', '"args":{"process":%s}' % ("[" * 5000 + "]" * 5000))
    unanswered(c, cl, cl.envelope(body), "a body nested 5000 levels deep", "nested")
    body, rid = cl.body("status")
    env = json.loads(cl.envelope(body))
    text = json.dumps(env)[:-1] + ',"pad":' + "{\"a\":" * 5000 + "0" + "}" * 5000 + "}"
    unanswered(c, cl, text, "an envelope nested 5000 levels deep", "envelope is not JSON")


def invalid_utf8(c, cl):
    """Invalid UTF-8 never reaches the Conductor raw (SQS refuses it); escaped lone surrogates
    in the body are read as replacement characters and answered in valid UTF-8."""
    status, text = raw_sqs_send(c.cloud, cl.queue, b'{"v":1,"user":"root\xff\xfe","body":"{}"}')
    check(status == 400 and ("InvalidMessageContents" in text or "UTF-8" in text),
          "raw invalid UTF-8: HTTP %d %s" % (status, text))
    body, rid = cl.body("status", {"process": "x"})
    body = body.replace('"process":"x"', '"process":"\\ud800\\udfff\\udc00x"')
    cl.send(cl.envelope(body))
    raw, r = cl.wait(rid)
    raw.encode("utf-8")  # a reply that is not valid UTF-8 would not have decoded
    check(not r["ok"] and r["error"]["code"] in ("NotFound", "InvalidArgument"),
          "lone surrogates: %r" % r)
    still_serving(c, cl, "invalid UTF-8")


def wrong_types(c, cl):
    """Every member of the envelope, the body and the arguments with the wrong type."""
    body, rid = cl.body("status")
    for member, value, words in (("v", "1", ('"v"', "integer")),
                                 ("user", 5, ('"user"', "string")),
                                 ("hmac", None, ('"hmac"', "string")),
                                 ("hmac", 12, ('"hmac"', "string"))):
        env = json.loads(cl.envelope(body))
        env[member] = value
        expect(cl, json.dumps(env), rid, "MalformedRequest", *words)
    for member, value, words in (("time", 1795758000000, ('"time"', "string")),
                                 ("command", ["status"], ('"command"', "string")),
                                 ("command", None, ('"command"', "missing")),
                                 ("dry_run", "yes", ('"dry_run"',)),
                                 ("args", ["process", "web"], ('"args"', "object"))):
        text, rid2 = body_with(cl, **{member: value})
        expect(cl, cl.envelope(text), rid2, "MalformedRequest", *words)
    # An id that is not a string cannot be named in the reply: answered with id "".
    text, _ = body_with(cl, id=5)
    cl.send(cl.envelope(text))
    _, r = cl.wait("")
    check(r["error"]["code"] == "MalformedRequest" and '"id"' in r["error"]["message"],
          "numeric id: %r" % r)
    for command, args, words in (("status", {"process": 5}, ("process",)),
                                 ("history", {"process": "web", "limit": "10"}, ("limit",)),
                                 ("property-get", {"process": "web", "key": ["lock"]}, ("key",)),
                                 ("property-set", {"process": "web", "key": "lock",
                                                   "value": True}, ("value",)),
                                 ("run", {"composition": {}, "hash": 1}, ("composition",))):
        body2, rid2 = cl.body(command, args)
        expect(cl, cl.envelope(body2), rid2, "InvalidArgument", *words)
    # The envelope or the body not an object, the body not a string: nothing to answer.
    unanswered(c, cl, "[1, 2, 3]", "an array for an envelope", "envelope must be an object")
    unanswered(c, cl, json.dumps({"v": 1, "user": "root", "body": json.loads(body),
                                  "hmac": "0" * 64}), "an object for a body",
               "must be a string, not object")
    still_serving(c, cl, "wrong types")


def forged(c, cl, alice):
    """Signatures that do not verify: one AuthFailure text for them all."""
    body, rid = cl.body("status")
    good = json.loads(cl.envelope(body))["hmac"]
    texts = set()
    for mac in (good[:63], good + "0", good[:-1] + ("0" if good[-1] != "0" else "1"),
                good.upper()[:62] + "zz", "", " " * 64):
        texts.add(expect(cl, signed(cl, body, hmac=mac), rid, "AuthFailure"))
    # The body altered after signing: a status turned into a kill.
    kill, _ = cl.body("kill", {"process": "web"}, rid=rid)
    texts.add(expect(cl, signed(cl, body, body=kill), rid, "AuthFailure"))
    # Another user's secret, claiming to be root; root's secret claiming to be alice.
    texts.add(expect(cl, alice.envelope(body, user="root"), rid, "AuthFailure"))
    texts.add(expect(cl, cl.envelope(body, user="alice"), rid, "AuthFailure"))
    check(len(texts) == 1, "AuthFailure texts differ: %r" % texts)
    # Upper-case hex is the same HMAC.
    cl.send(signed(cl, body, hmac=good.upper()))
    check(cl.wait(rid)[1]["ok"], "an upper-case HMAC was refused")
    still_serving(c, cl, "forged signatures")


def unknown_users(c, cl):
    """Names no user can have get the same AuthFailure as a bad signature."""
    want = cl.error("AuthFailure", "status", user="mallory")
    for name in ("../root", "root/../root", "a" * 65, "root ", "r\u00f6\u00f6t", "*", "-"):
        body, rid = cl.body("status")
        got = expect(cl, cl.envelope(body, user=name), rid, "AuthFailure")
        check(got == want, "user %r: %r" % (name, got))
    body, rid = cl.body("status")
    expect(cl, signed(cl, body, user=""), rid, "AuthFailure")
    still_serving(c, cl, "unknown users")


def times(c, cl):
    """Malformed and stale times; an offset other than Z is the same instant."""
    for when in ("yesterday", "2026-13-01T00:00:00Z", "2026-02-30T00:00:00Z",
                 "2026-11-27 05:40:00Z", now_rfc3339()[:-1]):
        body, rid = cl.body("status", when=when)
        expect(cl, cl.envelope(body), rid, "MalformedRequest", '"time"')
    for when in ("1970-01-01T00:00:00Z", "9999-12-31T23:59:59Z", now_rfc3339(-301),
                 now_rfc3339(301)):
        body, rid = cl.body("status", when=when)
        expect(cl, cl.envelope(body), rid, "StaleRequest")
    local = datetime.datetime.now(datetime.timezone(datetime.timedelta(hours=-5)))
    body, rid = cl.body("status", when=local.isoformat(timespec="milliseconds"))
    cl.send(cl.envelope(body))
    check(cl.wait(rid)[1]["ok"], "a time with an offset was refused")
    still_serving(c, cl, "bad times")


def bad_reply_to(c, cl):
    """reply_to forms the Conductor does not answer: a queue of another account, a query, a
    queue not named for replies. Each is logged and left."""
    acct_other = cl.reply_to.replace("/000000000000/", "/111111111111/")
    for url in (acct_other, cl.reply_to + "?x=1", "not a url", cl.reply_to.rsplit("/", 1)[0] +
                "/" + PREFIX + "fugue-requests"):
        body, rid = cl.body("status", reply_to=url)
        unanswered(c, cl, cl.envelope(body), "reply_to %s" % url, rid)


def other_users(c, cl, alice):
    """A request id replayed by another user is a Conflict that does not show the first reply;
    a user other than root may neither see nor act on a process another user ran (Forbidden,
    naming both), while root sees and acts on every process and the user on its own."""
    body, rid = cl.body("status", {"process": "web"})
    cl.send(cl.envelope(body))
    first = cl.wait(rid)[0]
    abody = json.loads(body)
    abody["reply_to"] = alice.reply_to
    alice.send(alice.envelope(json.dumps(abody, separators=(",", ":"))))
    raw, r = alice.wait(rid)
    check(not r["ok"] and r["error"]["code"] == "Conflict", "replay by alice: %r" % r)
    check(raw != first and "web" not in raw, "alice saw root's reply: %s" % raw)
    for command, args in [("property-set", {"process": "web", "key": "enforcement-interval",
                                            "value": "120"}),
                          ("suspend", {"process": "web"}), ("kill", {"process": "web"}),
                          ("status", {"process": "web"}), ("history", {"process": "web"})]:
        msg = alice.error("Forbidden", command, args)
        check("alice" in msg and "root" in msg, "%s: %r" % (command, msg))
    check(cl.ok("status", {"process": "web"})["state"] == "Running", "alice changed web")
    check(alice.ok("status")["processes"] == [], "alice sees root's processes")
    args = upload_composition(c, [queue_resource("aq", PREFIX + "aq")])
    mine = alice.ok("run", dict(args, alias="alices"))
    check(mine["owner"] == "alice", "owner: %r" % mine)
    check([p["alias"] for p in alice.ok("status")["processes"]] == ["alices"],
          "alice's list: %r" % alice.ok("status"))
    check(len(cl.ok("status")["processes"]) == 2, "root does not see every process")
    alice.ok("kill", {"process": "alices"})


def main():
    cloud = Localcloud()
    c = Conductor(cloud, PREFIX)
    with scenario(c, cloud):
        c.start()
        cl = Client(c)
        alice = Client(c, "alice", add_user(c, "alice"))
        # (MaximumMessageSize: the schema's default, 1 MiB, is above what localcloud takes.)
        args = upload_composition(c, [queue_resource("q", PREFIX + "q",
                                                     MaximumMessageSize=262144)])
        cl.ok("run", dict(args, alias="web"))
        oversize(c, cl)
        nesting(c, cl)
        invalid_utf8(c, cl)
        wrong_types(c, cl)
        forged(c, cl, alice)
        unknown_users(c, cl)
        times(c, cl)
        bad_reply_to(c, cl)
        other_users(c, cl, alice)
        still_serving(c, cl, "every hostile request")
        alice.close()
        cl.close()
        rc, took = c.stop()
        check(rc == 0, "SIGTERM: exit %d after %.1f s" % (rc, took))
        print("ok: oversize, nesting, invalid UTF-8, wrong types, forged HMACs, unknown users, "
              "times, reply_to, other users refused; the Conductor kept serving")


if __name__ == "__main__":
    main()
