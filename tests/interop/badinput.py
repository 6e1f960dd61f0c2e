#!/usr/bin/python3
"""badinput.py: malformed and hostile requests get AWS-shaped errors and never take the server
down: bad encodings, malformed JSON, unknown actions, invalid names, oversize payloads, deep
nesting and bytes that are not HTTP."""
import json
import os
import socket
import sys
import urllib.error
import urllib.request

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from lchelp import Localcloud, check, ACCESS_KEY, SECRET_KEY  # noqa: E402
import botocore.auth  # noqa: E402
import botocore.awsrequest  # noqa: E402
import botocore.credentials  # noqa: E402

lc = Localcloud("--memory")


def signed(body, service="sqs", target=None, ctype="application/x-www-form-urlencoded"):
    """Sends a SigV4-signed POST of raw bytes; returns (status, body text)."""
    headers = {"Content-Type": ctype}
    if target:
        headers["X-Amz-Target"] = target
    req = botocore.awsrequest.AWSRequest(method="POST", url=lc.url + "/", data=body,
                                         headers=headers)
    botocore.auth.SigV4Auth(botocore.credentials.Credentials(ACCESS_KEY, SECRET_KEY), service,
                            "us-east-1").add_auth(req)
    p = req.prepare()
    r = urllib.request.Request(p.url, data=p.body, method="POST", headers=dict(p.headers))
    try:
        with urllib.request.urlopen(r, timeout=30) as resp:
            return resp.status, resp.read().decode("utf-8", "replace")
    except urllib.error.HTTPError as e:
        return e.code, e.read().decode("utf-8", "replace")


def expect(status, code, body, **kw):
    """Checks a signed request fails with the status and the error code in its body."""
    st, text = signed(body, **kw)
    check(st == status and code in text, "%r: %s %s (want %s %s)" % (body[:80], st, text[:300],
                                                                      status, code))
    check("<ErrorResponse" in text or "__type" in text or "<Error>" in text,
          "not an AWS-shaped error: " + text[:200])


try:
    expect(400, "MalformedQueryString", b"Action=ListQueues&x=%zz")
    expect(400, "InvalidAction", b"Action=DropAllTables")
    expect(400, "MissingAction", b"Version=2012-11-05")
    expect(400, "InvalidParameterValue", b"Action=CreateQueue&QueueName=" + b"x" * 81)
    expect(400, "InvalidParameterValue", b"Action=CreateQueue&QueueName=%FF%FE")
    expect(400, "InvalidParameterValue", b"Action=ListQueues&MaxResults=1e99")
    signed(b"Action=CreateQueue&QueueName=big")
    big = b"Action=SendMessage&QueueUrl=/000000000000/big&MessageBody=" + b"y" * 1100000
    expect(400, "InvalidParameterValue", big)
    expect(400, "SerializationException", b'{"QueueName": ', target="AmazonSQS.CreateQueue",
           ctype="application/x-amz-json-1.0")
    expect(400, "SerializationException", b"[" * 5000 + b"]" * 5000,
           target="AmazonSQS.ListQueues", ctype="application/x-amz-json-1.0")
    expect(400, "InvalidParameterValue", json.dumps({"QueueName": 7}).encode(),
           target="AmazonSQS.CreateQueue", ctype="application/x-amz-json-1.0")
    expect(400, "UnknownOperationException", b"{}", target="AmazonSQS.Nope",
           ctype="application/x-amz-json-1.0")
    expect(400, "InvalidParameter", b"Action=CreateTopic&Name=a%2Fb", service="sns")
    expect(400, "InvalidParameter", b"Action=Publish&TopicArn=nonsense&Message=x",
           service="sns")
    # A body beyond the server's limit (64 MiB) is refused by the HTTP layer before it is read.
    s = socket.create_connection(("127.0.0.1", int(lc.hostport.split(":")[1])), timeout=10)
    s.sendall(b"POST / HTTP/1.1\r\nHost: x\r\nContent-Length: %d\r\n\r\n" % (70 << 20))
    check(s.recv(4096).startswith(b"HTTP/1.1 413"), "oversize body not refused with 413")
    s.close()
    # Bytes that are not HTTP.
    for junk in (b"\x00\x01\x02 garbage\r\n\r\n", b"GET /" + b"a" * 100000 + b" HTTP/1.1\r\n\r\n",
                 b"POST / HTTP/1.1\r\nContent-Length: -5\r\n\r\n"):
        s = socket.create_connection(("127.0.0.1", int(lc.hostport.split(":")[1])), timeout=10)
        s.sendall(junk)
        try:
            s.recv(4096)
        except (ConnectionResetError, socket.timeout):
            pass
        s.close()
    check(lc.admin("GET", "health")["status"] == "ok", "server not healthy after bad input")
finally:
    rc = lc.stop()
check(rc == 0, "localcloud exit status %s" % rc)
print("badinput: ok")
