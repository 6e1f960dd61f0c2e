#!/usr/bin/python3
"""sqs_boto3.py: the SQS scenario with boto3: queues, attributes, idempotent create, message
attributes and MD5s, visibility, batches, redrive to a dead-letter queue, pagination, tags,
long polling, error codes, and the JSON protocol signed by botocore."""
import hashlib
import json
import os
import subprocess
import sys
import threading
import time
import urllib.request

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from lchelp import Localcloud, expect_error, check, elapsed, ClientError  # noqa: E402
import botocore.auth  # noqa: E402
import botocore.awsrequest  # noqa: E402
import botocore.credentials  # noqa: E402

lc = Localcloud("--memory")
try:
    sqs = lc.client("sqs")

    # Create: idempotent for the same attributes, QueueAlreadyExists otherwise.
    url = sqs.create_queue(QueueName="jobs", Attributes={"VisibilityTimeout": "2"})["QueueUrl"]
    check(url == lc.url + "/000000000000/jobs", "queue URL " + url)
    check(sqs.create_queue(QueueName="jobs", Attributes={"VisibilityTimeout": "2"})["QueueUrl"]
          == url, "idempotent create")
    expect_error("QueueAlreadyExists", sqs.create_queue, QueueName="jobs")
    expect_error("InvalidParameterValue", sqs.create_queue, QueueName="bad name!")
    expect_error("AWS.SimpleQueueService.NonExistentQueue", sqs.get_queue_url, QueueName="none")
    check(sqs.get_queue_url(QueueName="jobs")["QueueUrl"] == url, "GetQueueUrl")
    attrs = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["All"])["Attributes"]
    check(attrs["VisibilityTimeout"] == "2" and attrs["DelaySeconds"] == "0" and
          attrs["QueueArn"] == "arn:aws:sqs:us-east-1:000000000000:jobs", str(attrs))
    expect_error("InvalidAttributeName", sqs.get_queue_attributes, QueueUrl=url,
                 AttributeNames=["Colour"])

    # Send with attributes: the MD5s are AWS's (checked by recomputing them here).
    body = "héllo <&> 😀"
    sent = sqs.send_message(QueueUrl=url, MessageBody=body, MessageAttributes={
        "n": {"DataType": "Number", "StringValue": "42"},
        "b": {"DataType": "Binary", "BinaryValue": b"\x00\x01\x02"},
        "s": {"DataType": "String.custom", "StringValue": "v"}})
    check(sent["MD5OfMessageBody"] == hashlib.md5(body.encode()).hexdigest(), "body MD5")

    def attrs_md5(a):
        buf = b""
        for name in sorted(a):
            v = a[name]
            enc = lambda x: len(x).to_bytes(4, "big") + x  # noqa: E731
            buf += enc(name.encode()) + enc(v["DataType"].encode())
            if "BinaryValue" in v:
                buf += b"\x02" + enc(v["BinaryValue"])
            else:
                buf += b"\x01" + enc(v["StringValue"].encode())
        return hashlib.md5(buf).hexdigest()
    got = sqs.receive_message(QueueUrl=url, AttributeNames=["All"],
                              MessageAttributeNames=["All"])["Messages"][0]
    check(got["Body"] == body and got["MessageId"] == sent["MessageId"], str(got))
    check(got["MD5OfMessageAttributes"] == sent["MD5OfMessageAttributes"] ==
          attrs_md5(got["MessageAttributes"]), "attribute MD5 " + str(got))
    check(got["MessageAttributes"]["b"]["BinaryValue"] == b"\x00\x01\x02", "binary attribute")
    check(got["Attributes"]["ApproximateReceiveCount"] == "1" and
          got["Attributes"]["SenderId"] == "AIDALOCALCLOUD0000000", str(got["Attributes"]))

    # Visibility: hidden while in flight, back after the timeout, gone once deleted.
    check("Messages" not in sqs.receive_message(QueueUrl=url), "in flight message visible")
    time.sleep(2.2)
    again = sqs.receive_message(QueueUrl=url, AttributeNames=["ApproximateReceiveCount"])
    check(again["Messages"][0]["Attributes"]["ApproximateReceiveCount"] == "2", str(again))
    sqs.delete_message(QueueUrl=url, ReceiptHandle=again["Messages"][0]["ReceiptHandle"])
    time.sleep(2.2)
    check("Messages" not in sqs.receive_message(QueueUrl=url), "deleted message came back")
    expect_error("ReceiptHandleIsInvalid", sqs.delete_message, QueueUrl=url,
                 ReceiptHandle="nonsense")

    # Batches: per-entry results.
    res = sqs.send_message_batch(QueueUrl=url, Entries=[
        {"Id": "a", "MessageBody": "one"}, {"Id": "b", "MessageBody": "two"},
        {"Id": "c", "MessageBody": "three", "DelaySeconds": 901}])
    check(sorted(e["Id"] for e in res["Successful"]) == ["a", "b"] and
          res["Failed"][0]["Id"] == "c" and res["Failed"][0]["SenderFault"], str(res))
    expect_error("AWS.SimpleQueueService.BatchEntryIdsNotDistinct", sqs.send_message_batch,
                 QueueUrl=url, Entries=[{"Id": "x", "MessageBody": "1"},
                                        {"Id": "x", "MessageBody": "2"}])
    expect_error("AWS.SimpleQueueService.TooManyEntriesInBatchRequest", sqs.send_message_batch,
                 QueueUrl=url, Entries=[{"Id": str(i), "MessageBody": "m"} for i in range(11)])
    msgs = sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10)["Messages"]
    check(sorted(m["Body"] for m in msgs) == ["one", "two"], str(msgs))
    res = sqs.change_message_visibility_batch(QueueUrl=url, Entries=[
        {"Id": "m%d" % i, "ReceiptHandle": m["ReceiptHandle"], "VisibilityTimeout": 0}
        for i, m in enumerate(msgs)])
    check(len(res["Successful"]) == 2, str(res))
    msgs = sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10)["Messages"]
    res = sqs.delete_message_batch(QueueUrl=url, Entries=[
        {"Id": "m%d" % i, "ReceiptHandle": m["ReceiptHandle"]} for i, m in enumerate(msgs)] +
        [{"Id": "bad", "ReceiptHandle": "nonsense"}])
    check(len(res["Successful"]) == 2 and res["Failed"][0]["Code"] == "ReceiptHandleIsInvalid",
          str(res))

    # Redrive: after maxReceiveCount receives, the next receive moves it to the DLQ.
    dlq = sqs.create_queue(QueueName="jobs-dlq")["QueueUrl"]
    src = sqs.create_queue(QueueName="work", Attributes={"VisibilityTimeout": "1",
                           "RedrivePolicy": json.dumps({
                               "deadLetterTargetArn": "arn:aws:sqs:us-east-1:000000000000:jobs-dlq",
                               "maxReceiveCount": "2"})})["QueueUrl"]
    sqs.send_message(QueueUrl=src, MessageBody="poison")
    for _ in range(2):
        check(sqs.receive_message(QueueUrl=src, WaitTimeSeconds=2)["Messages"][0]["Body"] ==
              "poison", "poison received")
        time.sleep(1.1)
    check("Messages" not in sqs.receive_message(QueueUrl=src), "poison still in its queue")
    check(sqs.receive_message(QueueUrl=dlq)["Messages"][0]["Body"] == "poison", "not in DLQ")
    check(sqs.list_dead_letter_source_queues(QueueUrl=dlq)["queueUrls"] == [src], "DLQ sources")

    # Pagination with the paginator boto3 users use.
    for i in range(7):
        sqs.create_queue(QueueName="page-%d" % i)
    pages = list(sqs.get_paginator("list_queues").paginate(
        QueueNamePrefix="page-", PaginationConfig={"PageSize": 3}))
    check([len(p["QueueUrls"]) for p in pages] == [3, 3, 1], str(pages))
    check(len({u for p in pages for u in p["QueueUrls"]}) == 7, "pages overlap")

    # Tags, purge, delete.
    sqs.tag_queue(QueueUrl=url, Tags={"team": "core", "env": "test"})
    sqs.untag_queue(QueueUrl=url, TagKeys=["env"])
    check(sqs.list_queue_tags(QueueUrl=url)["Tags"] == {"team": "core"}, "tags")
    sqs.send_message(QueueUrl=url, MessageBody="x")
    sqs.purge_queue(QueueUrl=url)
    check(sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["ApproximateNumberOfMessages"])
          ["Attributes"]["ApproximateNumberOfMessages"] == "0", "purge")
    sqs.delete_queue(QueueUrl=url)
    expect_error("AWS.SimpleQueueService.NonExistentQueue", sqs.get_queue_url, QueueName="jobs")

    # Long polling: answered right after a send from another process; empty after the wait.
    lp = sqs.create_queue(QueueName="longpoll")["QueueUrl"]
    sender_done = {}

    def send_from_another_process():
        time.sleep(1.5)
        subprocess.run([sys.executable, "-c", (
            "import sys; sys.path.insert(0, %r); from lchelp import *; import boto3; "
            "boto3.client('sqs', endpoint_url=%r, region_name=REGION, aws_access_key_id="
            "ACCESS_KEY, aws_secret_access_key=SECRET_KEY).send_message(QueueUrl=%r, "
            "MessageBody='wake')") % (os.path.dirname(os.path.abspath(__file__)), lc.url, lp)],
            check=True)
        sender_done["t"] = time.monotonic()
    t = threading.Thread(target=send_from_another_process)
    t.start()
    took, res = elapsed(sqs.receive_message, QueueUrl=lp, WaitTimeSeconds=5)
    done = time.monotonic()
    t.join()
    check(res["Messages"][0]["Body"] == "wake", str(res))
    check(took < 4.5 and done - sender_done["t"] < 0.5,
          "long poll answered %.2fs after start, %.2fs after the send" %
          (took, done - sender_done["t"]))
    took, res = elapsed(sqs.receive_message, QueueUrl=lp, WaitTimeSeconds=2)
    check("Messages" not in res and 1.9 <= took < 3.5, "empty long poll took %.2fs" % took)
    expect_error("InvalidParameterValue", sqs.receive_message, QueueUrl=lp, WaitTimeSeconds=21)

    # A wrong secret and an unknown key are refused with AWS's codes.
    expect_error("SignatureDoesNotMatch", lc.client("sqs", secret="wrong").list_queues)
    expect_error("InvalidClientTokenId", lc.client("sqs", key="AKIDNOBODY").list_queues)

    # The JSON protocol, signed by botocore's own SigV4 signer.
    def json_call(action, payload, secret="localcloud-secret"):
        req = botocore.awsrequest.AWSRequest(
            method="POST", url=lc.url + "/", data=json.dumps(payload).encode(),
            headers={"Content-Type": "application/x-amz-json-1.0",
                     "X-Amz-Target": "AmazonSQS." + action})
        botocore.auth.SigV4Auth(botocore.credentials.Credentials("AKIDLOCALCLOUD", secret),
                                "sqs", "us-east-1").add_auth(req)
        prepared = req.prepare()
        r = urllib.request.Request(prepared.url, data=prepared.body, method="POST",
                                   headers=dict(prepared.headers))
        try:
            with urllib.request.urlopen(r, timeout=10) as resp:
                return resp.status, dict(resp.headers), json.loads(resp.read())
        except urllib.error.HTTPError as e:
            return e.code, dict(e.headers), json.loads(e.read())
    st, _, js = json_call("SendMessage", {"QueueUrl": lp, "MessageBody": "via json",
                                          "MessageAttributes": {"a": {"DataType": "String",
                                                                      "StringValue": "1"}}})
    check(st == 200 and js["MD5OfMessageBody"] == hashlib.md5(b"via json").hexdigest(), str(js))
    st, _, js = json_call("ReceiveMessage", {"QueueUrl": lp, "MessageAttributeNames": ["All"]})
    check(st == 200 and js["Messages"][0]["Body"] == "via json" and
          js["Messages"][0]["MessageAttributes"]["a"]["StringValue"] == "1", str(js))
    st, hdrs, js = json_call("GetQueueUrl", {"QueueName": "none"})
    check(st == 400 and js["__type"] == "com.amazonaws.sqs#QueueDoesNotExist" and
          hdrs.get("x-amzn-query-error") == "AWS.SimpleQueueService.NonExistentQueue;Sender",
          "%s %s %s" % (st, hdrs, js))
    st, _, js = json_call("ListQueues", {}, secret="wrong")
    check(st == 400 and js["__type"].endswith("#InvalidSignatureException"), str(js))

    counters = lc.admin("GET", "counters")
    check(counters["calls"]["sqs"]["SendMessage"] >= 5, str(counters))
finally:
    rc = lc.stop()
check(rc == 0, "localcloud exit status %s" % rc)
print("sqs_boto3: ok")
