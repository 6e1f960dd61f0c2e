#!/usr/bin/python3
"""faults_boto3.py: fault injection through the admin API and the config file, as boto3 sees
it: throttling codes botocore retries, 503s, dropped connections, latency, token buckets,
eventual consistency, and the per-action call counters."""
import os
import sys
import tempfile
import time
import urllib.error

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from lchelp import Localcloud, expect_error, check, elapsed  # noqa: E402
from botocore.exceptions import ConnectionClosedError, EndpointConnectionError  # noqa: E402

cfg = tempfile.NamedTemporaryFile("w", suffix=".yaml", delete=False)
cfg.write("faults:\n  - service: sts\n    action: GetCallerIdentity\n    latency_ms: 300\n")
cfg.close()
lc = Localcloud("--memory", "--config", cfg.name)
try:
    sqs1 = lc.client("sqs")               # one attempt per call
    sqs5 = lc.client("sqs", retries=5)    # botocore's standard retries
    sts = lc.client("sts")

    # Latency from the config file.
    took, ident = elapsed(sts.get_caller_identity)
    check(0.3 <= took < 1.5, "latency rule: %.2fs" % took)

    # Throttling with the service's code; botocore retries it as throttling.
    lc.admin("POST", "faults", {"service": "sqs", "action": "ListQueues", "error_rate": 1,
                                "times": 2})
    expect_error("Throttling", sqs1.list_queues)
    lc.admin("DELETE", "counters")
    sqs5.list_queues()
    calls = lc.admin("GET", "counters")["calls"]["sqs"]["ListQueues"]
    check(calls == 2, "one throttled call retried: %d calls" % calls)
    check([r["service"] for r in lc.admin("GET", "faults")["rules"]] == ["sts"],
          "the used-up rule is still there")
    lc.admin("POST", "faults", {"service": "sns", "error_rate": 1, "times": 1})
    expect_error("Throttled", lc.client("sns").list_topics)

    # 503 and 500 with each protocol's code.
    lc.admin("PUT", "faults", [{"service": "sqs", "action": "GetQueueUrl", "error": "503",
                                "error_rate": 1},
                               {"service": "sqs", "action": "CreateQueue", "error": 500,
                                "error_rate": 1, "times": 1}])
    expect_error("ServiceUnavailable", sqs1.get_queue_url, QueueName="x")
    expect_error("InternalFailure", sqs1.create_queue, QueueName="x")
    lc.admin("DELETE", "faults")

    # A dropped connection, then the retry succeeds.
    lc.admin("POST", "faults", {"service": "sqs", "error": "drop", "error_rate": 1, "times": 1})
    try:
        sqs1.list_queues()
        raise AssertionError("a dropped connection went unnoticed")
    except (ConnectionClosedError, EndpointConnectionError, ConnectionError):
        pass
    lc.admin("POST", "faults", {"service": "sqs", "error": "drop", "error_rate": 1, "times": 1})
    sqs5.list_queues()

    # A token bucket of 5 per second: a burst of 10 calls gets throttled after 5.
    lc.admin("PUT", "faults", {"service": "sqs", "action": "GetQueueAttributes", "rate": 5,
                               "burst": 5})
    url = sqs1.create_queue(QueueName="bucket")["QueueUrl"]
    ok = throttled = 0
    for _ in range(10):
        try:
            sqs1.get_queue_attributes(QueueUrl=url, AttributeNames=["All"])
            ok += 1
        except sqs1.exceptions.ClientError as e:
            check(e.response["Error"]["Code"] == "Throttling", str(e))
            throttled += 1
    check(5 <= ok <= 7 and throttled >= 3, "bucket: %d ok, %d throttled" % (ok, throttled))

    # Eventual consistency: a new queue is invisible to reads for 1.5 s.
    lc.admin("PUT", "faults", {"service": "sqs", "consistency_ms": 1500})
    sqs1.create_queue(QueueName="late")
    expect_error("AWS.SimpleQueueService.NonExistentQueue", sqs1.get_queue_url, QueueName="late")
    time.sleep(1.6)
    check(sqs1.get_queue_url(QueueName="late")["QueueUrl"].endswith("/late"), "visible later")
    lc.admin("DELETE", "faults")

    # Bad rules are refused with a reason.
    try:
        lc.admin("POST", "faults", {"service": "sqs", "error_rate": 2})
        raise AssertionError("a bad rule was accepted")
    except urllib.error.HTTPError as e:
        check(e.code == 400 and b"error_rate" in e.read(), "bad rule reply")
finally:
    rc = lc.stop()
    os.unlink(cfg.name)
check(rc == 0, "localcloud exit status %s" % rc)
print("faults_boto3: ok")
