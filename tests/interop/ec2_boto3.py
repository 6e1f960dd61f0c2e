#!/usr/bin/python3
"""ec2_boto3.py: the EC2 scenario with boto3: filters (tags, wildcards), MaxResults/NextToken
pagination, tags, MinCount/MaxCount against a subnet's free addresses, ClientToken
idempotency, instance states, EC2's error shape, throttling and eventual-consistency faults,
and the state kept across a restart."""
import os
import shutil
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from lchelp import Localcloud, expect_error, check  # noqa: E402


def tags(**kv):
    """A TagSpecifications-style tag list."""
    return [{"Key": k, "Value": v} for k, v in kv.items()]


def pages(fn, key, **kwargs):
    """Calls a Describe action page by page; returns the pages' item lists."""
    out, token = [], None
    while True:
        r = fn(**kwargs, **({"NextToken": token} if token else {}))
        out.append(r[key])
        token = r.get("NextToken")
        if not token:
            return out


state = tempfile.mkdtemp(prefix="lc-ec2-")
lc = Localcloud("--data", state)
try:
    ec2 = lc.client("ec2")
    vpc = ec2.create_vpc(CidrBlock="10.1.0.0/16", TagSpecifications=[
        {"ResourceType": "vpc", "Tags": tags(Name="main")}])["Vpc"]
    check(vpc["State"] == "pending" and vpc["CidrBlock"] == "10.1.0.0/16", str(vpc))
    vpc_id = vpc["VpcId"]

    # Twelve groups, described five at a time.
    groups = [ec2.create_security_group(GroupName="g%02d" % i, Description="group %d" % i,
                                        VpcId=vpc_id, TagSpecifications=[
                                            {"ResourceType": "security-group",
                                             "Tags": tags(set="twelve", n=str(i))}])["GroupId"]
              for i in range(12)]
    got = pages(ec2.describe_security_groups, "SecurityGroups", MaxResults=5,
                Filters=[{"Name": "tag:set", "Values": ["twelve"]}])
    check([len(p) for p in got] == [5, 5, 2], "page sizes %s" % [len(p) for p in got])
    check(sorted(g["GroupId"] for p in got for g in p) == sorted(groups), "every group once")
    paged = ec2.get_paginator("describe_security_groups").paginate(
        Filters=[{"Name": "vpc-id", "Values": [vpc_id]}], PaginationConfig={"PageSize": 5})
    check(sum(len(p["SecurityGroups"]) for p in paged) == 13, "paginator (with the default)")
    expect_error("InvalidParameterValue", ec2.describe_security_groups, MaxResults=1001)
    expect_error("InvalidPaginationToken", ec2.describe_security_groups, MaxResults=5,
                 NextToken="bm90IGEgdG9rZW4=")
    tag_pages = pages(ec2.describe_tags, "Tags", MaxResults=5, Filters=[
        {"Name": "resource-type", "Values": ["security-group"]}, {"Name": "key", "Values": ["n"]}])
    check([len(p) for p in tag_pages] == [5, 5, 2], "tag pages %s" % [len(p) for p in tag_pages])

    # Filters: wildcards ('?' is zero or one character), values OR'ed, filters AND'ed.
    def names(*filters):
        r = ec2.describe_security_groups(Filters=list(filters))["SecurityGroups"]
        return sorted(g["GroupName"] for g in r)
    check(names({"Name": "group-name", "Values": ["g0?"]}) == ["g%02d" % i for i in range(10)],
          "g0? matches g00..g09")
    check(names({"Name": "group-name", "Values": ["g1?", "default"]}) ==
          ["default", "g10", "g11"], "values are OR'ed")
    check(names({"Name": "tag:n", "Values": ["1*"]}, {"Name": "group-name", "Values": ["g1*"]})
          == ["g10", "g11"], "filters are AND'ed")
    check(names({"Name": "tag-key", "Values": ["set"]}) == ["g%02d" % i for i in range(12)],
          "tag-key")
    expect_error("InvalidParameterValue", ec2.describe_security_groups,
                 Filters=[{"Name": "colour", "Values": ["red"]}])

    # Tags: replace, delete only with the matching value, delete all.
    ec2.create_tags(Resources=[vpc_id], Tags=tags(Name="renamed", env="test"))
    ec2.delete_tags(Resources=[vpc_id], Tags=[{"Key": "env", "Value": "prod"}])
    check(len(ec2.describe_vpcs(VpcIds=[vpc_id])["Vpcs"][0]["Tags"]) == 2, "value mismatch kept")
    ec2.delete_tags(Resources=[vpc_id], Tags=[{"Key": "env"}])
    check(ec2.describe_vpcs(VpcIds=[vpc_id])["Vpcs"][0]["Tags"] == tags(Name="renamed"), "tags")
    expect_error("InvalidParameterValue", ec2.create_tags, Resources=[vpc_id],
                 Tags=tags(**{"aws:x": "y"}))
    expect_error("InvalidID", ec2.create_tags, Resources=["thing-1"], Tags=tags(a="b"))

    # A /28 subnet has 11 addresses for instances.
    sub = ec2.create_subnet(VpcId=vpc_id, CidrBlock="10.1.2.0/28")["Subnet"]
    check(sub["AvailableIpAddressCount"] == 11, str(sub))
    zones = [z["ZoneName"] for z in ec2.describe_availability_zones()["AvailabilityZones"]]
    check(sub["AvailabilityZone"] == zones[0] == "us-east-1a", str(zones))
    ami = ec2.describe_images(Owners=["amazon"], Filters=[
        {"Name": "name", "Values": ["*al2023*arm64"]}])["Images"][0]
    check(ami["Architecture"] == "arm64", str(ami))
    run = dict(ImageId=ami["ImageId"], InstanceType="t4g.nano", SubnetId=sub["SubnetId"],
               ClientToken="batch-1")
    expect_error("InsufficientFreeAddressesInSubnet", ec2.run_instances, MinCount=12,
                 MaxCount=12, **dict(run, ClientToken="too-many"))
    r1 = ec2.run_instances(MinCount=2, MaxCount=20, **run)
    check(len(r1["Instances"]) == 11, "launched %d" % len(r1["Instances"]))
    check(sorted(i["AmiLaunchIndex"] for i in r1["Instances"]) == list(range(11)), "indexes")
    r2 = ec2.run_instances(MinCount=2, MaxCount=20, **run)
    check(r2["ReservationId"] == r1["ReservationId"], "same token, same reservation")
    expect_error("IdempotentParameterMismatch", ec2.run_instances, MinCount=1, MaxCount=20,
                 **run)
    check(ec2.describe_subnets(SubnetIds=[sub["SubnetId"]])["Subnets"][0][
        "AvailableIpAddressCount"] == 0, "subnet full")
    ids = sorted(i["InstanceId"] for i in r1["Instances"])
    inst_pages = pages(ec2.describe_instances, "Reservations", MaxResults=5)
    check([sum(len(r["Instances"]) for r in p) for p in inst_pages] == [5, 5, 1], "pages")
    check(sorted(i["InstanceId"] for p in inst_pages for r in p for i in r["Instances"]) == ids,
          "every instance once")
    expect_error("InvalidParameterCombination", ec2.describe_instances, InstanceIds=ids[:1],
                 MaxResults=5)
    expect_error("InvalidInstanceID.NotFound", ec2.describe_instances,
                 InstanceIds=["i-0123456789abcdef0"])
    ec2.get_waiter("instance_running").wait(InstanceIds=ids, WaiterConfig={"Delay": 1})
    term = ec2.terminate_instances(InstanceIds=ids[:3])["TerminatingInstances"]
    check({(t["PreviousState"]["Name"], t["CurrentState"]["Name"]) for t in term} ==
          {("running", "shutting-down")}, str(term))
    time.sleep(1.2)
    states = ec2.describe_instances(Filters=[
        {"Name": "instance-state-name", "Values": ["terminated"]}])["Reservations"][0]
    check(sorted(i["InstanceId"] for i in states["Instances"]) == ids[:3], "terminated listed")
    check(ec2.describe_subnets(SubnetIds=[sub["SubnetId"]])["Subnets"][0][
        "AvailableIpAddressCount"] == 3, "addresses freed")

    # EC2's error shape, DryRun, throttling and eventual consistency.
    e = expect_error("InvalidVpcID.NotFound", ec2.describe_vpcs, VpcIds=["vpc-0123456789abcdef0"])
    check(e.response["ResponseMetadata"]["HTTPStatusCode"] == 400 and
          len(e.response["ResponseMetadata"]["RequestId"]) == 36, str(e.response))
    expect_error("DryRunOperation", ec2.create_vpc, CidrBlock="10.9.0.0/16", DryRun=True)
    lc.admin("POST", "faults", {"service": "ec2", "action": "DescribeVpcs", "error_rate": 1,
                                "times": 1})
    e = expect_error("RequestLimitExceeded", ec2.describe_vpcs)
    check(e.response["ResponseMetadata"]["HTTPStatusCode"] == 503, str(e.response))
    lc.admin("PUT", "faults", {"service": "ec2", "consistency_ms": 1500})
    late = ec2.create_vpc(CidrBlock="10.2.0.0/16")["Vpc"]["VpcId"]
    expect_error("InvalidVpcID.NotFound", ec2.describe_vpcs, VpcIds=[late])
    time.sleep(1.6)
    check(ec2.describe_vpcs(VpcIds=[late])["Vpcs"][0]["VpcId"] == late, "visible later")
    lc.admin("DELETE", "faults")
    ec2.delete_vpc(VpcId=late)

    # The state outlives a restart.
    check(lc.stop() == 0, "clean stop")
    lc = Localcloud("--data", state)
    ec2 = lc.client("ec2")
    check(len(ec2.describe_security_groups(Filters=[
        {"Name": "tag:set", "Values": ["twelve"]}])["SecurityGroups"]) == 12, "groups kept")
    check(len(ec2.describe_instances(Filters=[
        {"Name": "instance-state-name", "Values": ["running"]}])["Reservations"][0][
            "Instances"]) == 8, "instances kept")
    check(ec2.run_instances(MinCount=2, MaxCount=20, **run)["ReservationId"] ==
          r1["ReservationId"], "token kept")
finally:
    lc.stop()
    shutil.rmtree(state)
print("ec2_boto3: ok")
