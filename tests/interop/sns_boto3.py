#!/usr/bin/python3
"""sns_boto3.py: the SNS scenario with boto3: topics, attributes, tags, subscriptions of SQS
queues (raw and enveloped), fan-out on Publish, pagination and error codes."""
import json
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from lchelp import Localcloud, expect_error, check  # noqa: E402

lc = Localcloud("--memory")
try:
    sns, sqs = lc.client("sns"), lc.client("sqs")
    arn = sns.create_topic(Name="events", Attributes={"DisplayName": "Events"},
                           Tags=[{"Key": "team", "Value": "core"}])["TopicArn"]
    check(arn == "arn:aws:sns:us-east-1:000000000000:events", arn)
    check(sns.create_topic(Name="events")["TopicArn"] == arn, "idempotent create")
    expect_error("InvalidParameter", sns.create_topic, Name="events",
                 Attributes={"DisplayName": "Other"})
    expect_error("InvalidParameter", sns.create_topic, Name="bad name")
    attrs = sns.get_topic_attributes(TopicArn=arn)["Attributes"]
    check(attrs["DisplayName"] == "Events" and attrs["Owner"] == "000000000000" and
          json.loads(attrs["Policy"])["Statement"][0]["Resource"] == arn, str(attrs))
    sns.set_topic_attributes(TopicArn=arn, AttributeName="DisplayName", AttributeValue="Ev")
    check(sns.get_topic_attributes(TopicArn=arn)["Attributes"]["DisplayName"] == "Ev", "set")
    expect_error("InvalidParameter", sns.set_topic_attributes, TopicArn=arn,
                 AttributeName="Colour", AttributeValue="red")
    expect_error("NotFound", sns.get_topic_attributes,
                 TopicArn="arn:aws:sns:us-east-1:000000000000:none")

    # Tags.
    sns.tag_resource(ResourceArn=arn, Tags=[{"Key": "env", "Value": "test"}])
    sns.untag_resource(ResourceArn=arn, TagKeys=["team"])
    check(sns.list_tags_for_resource(ResourceArn=arn)["Tags"] ==
          [{"Key": "env", "Value": "test"}], "tags")
    expect_error("ResourceNotFound", sns.list_tags_for_resource,
                 ResourceArn="arn:aws:sns:us-east-1:000000000000:none")

    # Two queues: one raw, one with the JSON envelope.
    raw_url = sqs.create_queue(QueueName="raw")["QueueUrl"]
    env_url = sqs.create_queue(QueueName="env")["QueueUrl"]
    raw_sub = sns.subscribe(TopicArn=arn, Protocol="sqs",
                            Endpoint="arn:aws:sqs:us-east-1:000000000000:raw",
                            Attributes={"RawMessageDelivery": "true"},
                            ReturnSubscriptionArn=True)["SubscriptionArn"]
    env_sub = sns.subscribe(TopicArn=arn, Protocol="sqs",
                            Endpoint="arn:aws:sqs:us-east-1:000000000000:env")["SubscriptionArn"]
    check(sns.subscribe(TopicArn=arn, Protocol="sqs",
                        Endpoint="arn:aws:sqs:us-east-1:000000000000:env")["SubscriptionArn"]
          == env_sub, "idempotent subscribe")
    expect_error("InvalidParameter", sns.subscribe, TopicArn=arn, Protocol="email",
                 Endpoint="a@example.com")
    subs = sns.list_subscriptions_by_topic(TopicArn=arn)["Subscriptions"]
    check(sorted(s["SubscriptionArn"] for s in subs) == sorted([raw_sub, env_sub]), str(subs))
    sa = sns.get_subscription_attributes(SubscriptionArn=raw_sub)["Attributes"]
    check(sa["RawMessageDelivery"] == "true" and sa["Protocol"] == "sqs", str(sa))

    mid = sns.publish(TopicArn=arn, Message="hello", Subject="greeting", MessageAttributes={
        "kind": {"DataType": "String", "StringValue": "test"}})["MessageId"]
    raw = sqs.receive_message(QueueUrl=raw_url, MessageAttributeNames=["All"])["Messages"][0]
    check(raw["Body"] == "hello" and raw["MessageAttributes"]["kind"]["StringValue"] == "test",
          str(raw))
    env = json.loads(sqs.receive_message(QueueUrl=env_url)["Messages"][0]["Body"])
    check(env["Type"] == "Notification" and env["MessageId"] == mid and env["TopicArn"] == arn
          and env["Message"] == "hello" and env["Subject"] == "greeting" and
          env["MessageAttributes"] == {"kind": {"Type": "String", "Value": "test"}} and
          env["Timestamp"].endswith("Z"), str(env))

    # MessageStructure=json picks the sqs entry, else default.
    sns.publish(TopicArn=arn, MessageStructure="json",
                Message=json.dumps({"default": "plain", "sqs": "for queues"}))
    check(sqs.receive_message(QueueUrl=raw_url)["Messages"][0]["Body"] == "for queues", "json")
    check(json.loads(sqs.receive_message(QueueUrl=env_url)["Messages"][0]["Body"])["Message"] ==
          "for queues", "json, enveloped")
    expect_error("InvalidParameter", sns.publish, TopicArn=arn, MessageStructure="json",
                 Message="{}")
    expect_error("InvalidParameter", sns.publish, TopicArn=arn, Message="")
    expect_error("NotFound", sns.publish, TopicArn="arn:aws:sns:us-east-1:000000000000:none",
                 Message="x")

    # Unsubscribed queues get nothing more.
    sns.unsubscribe(SubscriptionArn=raw_sub)
    expect_error("NotFound", sns.unsubscribe, SubscriptionArn=raw_sub)
    sns.publish(TopicArn=arn, Message="after")
    check("Messages" not in sqs.receive_message(QueueUrl=raw_url), "unsubscribed queue got it")
    check(json.loads(sqs.receive_message(QueueUrl=env_url)["Messages"][0]["Body"])["Message"] ==
          "after", "subscribed queue missed it")

    # ListTopics pages by 100.
    for i in range(120):
        sns.create_topic(Name="t%03d" % i)
    pages = list(sns.get_paginator("list_topics").paginate())
    check([len(p["Topics"]) for p in pages] == [100, 21], str([len(p["Topics"]) for p in pages]))

    # Deleting a topic removes its subscriptions.
    sns.delete_topic(TopicArn=arn)
    check(sns.list_subscriptions()["Subscriptions"] == [], "subscriptions left")
    sns.delete_topic(TopicArn=arn)
finally:
    rc = lc.stop()
check(rc == 0, "localcloud exit status %s" % rc)
print("sns_boto3: ok")
