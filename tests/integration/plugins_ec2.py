"""plugins_ec2.py: the network part of the ec2 plugin (AWS.EC2.Vpc, Subnet, InternetGateway,
RouteTable) through the Conductor's real loader and host (plugin-driver) against
fugue-localcloud: create (while EC2 does not show new resources at once), read by id and by
tags after a lost id, adoption after a crashed create, update (DNS attributes, public IPs,
the gateway's VPC, routes and associations, tags), drift made with the AWS CLI (a deleted
route is put back, a detached gateway attached again, a changed attribute reset), batched
sweeps (one DescribeSubnets call for 200 subnets, counted by localcloud; a resource whose
fugue:fid tag was removed is still found; a deleted one is not), error classes, and deletes
(a VPC that still has subnets is retryable; gateways are detached, tables disassociated).
Every effect is checked with /usr/bin/aws."""
import json
import time
import urllib.request

from plugdrv import Harness, check, tags_of

V = "AWS.EC2.Vpc"
S = "AWS.EC2.Subnet"
G = "AWS.EC2.InternetGateway"
RT = "AWS.EC2.RouteTable"
REGION = "us-east-1"


def fugue_tags(lid, **more):
    """The tags Fugue adds, and more."""
    return dict({"fugue:fid": "fid-driver", "fugue:id": lid}, **more)


def counters(t, reset=False):
    """localcloud's EC2 call counters ({action: calls}); reset: start them again."""
    req = urllib.request.Request(t.url + "/_localcloud/counters",
                                 method="DELETE" if reset else "GET")
    with urllib.request.urlopen(req, timeout=10) as r:
        return json.loads(r.read()).get("calls", {}).get("ec2", {})


def ec2(t, *args):
    """An EC2 command of the AWS CLI."""
    return t.aws("ec2", *args)


def vpc_attr(t, vpc, attr):
    """A VPC's DNS attribute as the CLI reads it."""
    out = ec2(t, "describe-vpc-attribute", "--vpc-id", vpc, "--attribute", attr)
    return out[attr[0].upper() + attr[1:]]["Value"]


def vpc_scenario(t):
    """create (invisible for a while), reads, adoption, update, drift; (id, desired)."""
    want = {"CidrBlock": "10.0.0.0/16", "Region": REGION, "EnableDnsHostnames": True,
            "Tags": [{"Key": "team", "Value": "net"}]}
    t.faults([{"service": "ec2", "consistency_ms": 1500}])
    vpc, obs = t.op("create", V, "net.vpc", None, want)
    t.faults([])
    got = ec2(t, "describe-vpcs", "--vpc-ids", vpc)["Vpcs"][0]
    check(got["CidrBlock"] == "10.0.0.0/16" and tags_of(got) == fugue_tags("net.vpc", team="net"),
          got)
    check(vpc_attr(t, vpc, "enableDnsHostnames") and vpc_attr(t, vpc, "enableDnsSupport"), vpc)
    check(obs["VpcId"] == vpc and obs["EnableDnsHostnames"] and obs["EnableDnsSupport"] and
          obs["Region"] == REGION and obs["InstanceTenancy"] == "default" and
          obs["OwnerId"] == got["OwnerId"] and tags_of(obs) == tags_of(got), obs)
    _, by_id = t.op("read", V, "net.vpc", vpc, want)
    found, by_tags = t.op("read", V, "net.vpc", None, want)
    check(found == vpc and by_id == by_tags == obs, "reads differ: %s %s" % (by_id, by_tags))
    again, adopted = t.op("create", V, "net.vpc", None, want)
    check(again == vpc and adopted == obs, "re-create %s" % adopted)
    st, _ = t.op_error("read", V, "net.none", None, want)
    check(st == "not-found", st)
    # update: hostnames off, a tag changed, one removed, one added
    want = dict(want, EnableDnsHostnames=False, Tags=[{"Key": "env", "Value": "test"}])
    _, obs = t.op("update", V, "net.vpc", vpc, want, obs)
    check(not vpc_attr(t, vpc, "enableDnsHostnames") and obs["EnableDnsHostnames"] is False, obs)
    got = ec2(t, "describe-vpcs", "--vpc-ids", vpc)["Vpcs"][0]
    check(tags_of(got) == fugue_tags("net.vpc", env="test") == tags_of(obs), got)
    # drift: DNS support turned off by hand is seen by the sweep and put back by update
    ec2(t, "modify-vpc-attribute", "--vpc-id", vpc, "--no-enable-dns-support")
    swept = t.sweep(V, REGION, vpc)
    check(swept[vpc]["EnableDnsSupport"] is False, swept)
    _, obs = t.op("update", V, "net.vpc", vpc, want, swept[vpc])
    check(vpc_attr(t, vpc, "enableDnsSupport") and obs["EnableDnsSupport"], obs)
    return vpc, want


def subnet_scenario(t, vpc):
    """Two subnets, an update and the error classes; their ids."""
    ids = []
    for i, public in ((1, True), (2, False)):
        want = {"VpcId": vpc, "CidrBlock": "10.0.%d.0/24" % i, "Region": REGION,
                "AvailabilityZone": "us-east-1a", "MapPublicIpOnLaunch": public}
        sid, obs = t.op("create", S, "net.subnet%d" % i, None, want)
        got = ec2(t, "describe-subnets", "--subnet-ids", sid)["Subnets"][0]
        check(got["VpcId"] == vpc and got["CidrBlock"] == want["CidrBlock"] and
              got["MapPublicIpOnLaunch"] == public and got["AvailabilityZone"] == "us-east-1a",
              got)
        check(obs["SubnetId"] == sid and obs["VpcId"] == vpc and obs["SubnetArn"] ==
              got["SubnetArn"] and obs["AvailabilityZoneId"] == got["AvailabilityZoneId"] and
              obs["MapPublicIpOnLaunch"] == public and
              tags_of(obs) == fugue_tags("net.subnet%d" % i), obs)
        ids.append(sid)
    want = dict(want, MapPublicIpOnLaunch=True)
    _, obs = t.op("update", S, "net.subnet2", ids[1], want)
    check(obs["MapPublicIpOnLaunch"] and ec2(t, "describe-subnets", "--subnet-ids", ids[1])[
        "Subnets"][0]["MapPublicIpOnLaunch"], obs)
    # overlapping and out-of-range blocks are the composition's fault
    st, msg = t.op_error("create", S, "net.bad", None, dict(want, CidrBlock="10.0.1.0/25"))
    check(st in ("invalid", "conflict") and "CreateSubnet" in msg, "%s %s" % (st, msg))
    st, msg = t.op_error("create", S, "net.bad", None, dict(want, CidrBlock="10.9.0.0/24"))
    check(st == "invalid" and "CreateSubnet" in msg, "%s %s" % (st, msg))
    return ids


def igw_scenario(t, vpc):
    """A gateway attached to the VPC, detached by hand and attached again; its id."""
    want = {"VpcId": vpc, "Region": REGION}
    igw, obs = t.op("create", G, "net.igw", None, want)
    got = ec2(t, "describe-internet-gateways", "--internet-gateway-ids", igw)[
        "InternetGateways"][0]
    check([a["VpcId"] for a in got["Attachments"]] == [vpc], got)
    check(obs["InternetGatewayId"] == igw and obs["VpcId"] == vpc and
          tags_of(obs) == fugue_tags("net.igw"), obs)
    ec2(t, "detach-internet-gateway", "--internet-gateway-id", igw, "--vpc-id", vpc)
    _, seen = t.op("read", G, "net.igw", igw, want)
    check("VpcId" not in seen, seen)
    _, obs = t.op("update", G, "net.igw", igw, want, seen)
    got = ec2(t, "describe-internet-gateways", "--internet-gateway-ids", igw)[
        "InternetGateways"][0]
    check([a["VpcId"] for a in got["Attachments"]] == [vpc] and obs["VpcId"] == vpc, got)
    return igw, want


def routes_of(t, rtb):
    """{destination: target} of a route table's routes, the local one aside."""
    got = ec2(t, "describe-route-tables", "--route-table-ids", rtb)["RouteTables"][0]
    return ({r["DestinationCidrBlock"]: r.get("GatewayId") for r in got["Routes"]
             if r.get("GatewayId") != "local"},
            sorted(a["SubnetId"] for a in got["Associations"] if not a.get("Main")))


def rtb_scenario(t, vpc, igw, subnets):
    """A table with a default route and an association; drift and updates; (id, desired)."""
    want = {"VpcId": vpc, "Region": REGION,
            "Routes": [{"DestinationCidrBlock": "0.0.0.0/0", "GatewayId": igw}],
            "Associations": [{"SubnetId": subnets[0]}]}
    rtb, obs = t.op("create", RT, "net.rtb", None, want)
    check(routes_of(t, rtb) == ({"0.0.0.0/0": igw}, [subnets[0]]), routes_of(t, rtb))
    check(obs["RouteTableId"] == rtb and obs["VpcId"] == vpc and
          obs["Routes"] == want["Routes"] and
          [a["SubnetId"] for a in obs["Associations"]] == [subnets[0]], obs)
    # drift: the default route deleted by hand comes back
    ec2(t, "delete-route", "--route-table-id", rtb, "--destination-cidr-block", "0.0.0.0/0")
    swept = t.sweep(RT, REGION, rtb)
    check(swept[rtb]["Routes"] == [], swept)
    _, obs = t.op("update", RT, "net.rtb", rtb, want, swept[rtb])
    check(routes_of(t, rtb) == ({"0.0.0.0/0": igw}, [subnets[0]]) and
          obs["Routes"] == want["Routes"], routes_of(t, rtb))
    # an extra route made by hand goes; the association moves to the other subnet
    ec2(t, "create-route", "--route-table-id", rtb, "--destination-cidr-block",
        "192.168.0.0/16", "--gateway-id", igw)
    want = dict(want, Associations=[{"SubnetId": subnets[1]}],
                Routes=want["Routes"] + [{"DestinationCidrBlock": "172.16.0.0/12",
                                          "GatewayId": igw}])
    _, obs = t.op("update", RT, "net.rtb", rtb, want)
    check(routes_of(t, rtb) == ({"0.0.0.0/0": igw, "172.16.0.0/12": igw}, [subnets[1]]),
          routes_of(t, rtb))
    check(sorted(r["DestinationCidrBlock"] for r in obs["Routes"]) ==
          ["0.0.0.0/0", "172.16.0.0/12"], obs)
    return rtb, want


def sweep_scenario(t, vpc, subnets, igw, rtb):
    """Sweeps: one call a type; an untagged resource is still found, a deleted one is not."""
    for rtype, ids in ((S, subnets), (G, [igw]), (RT, [rtb])):
        counters(t, reset=True)
        found = t.sweep(rtype, REGION, *ids)
        calls = counters(t)
        check(sorted(found) == sorted(ids), "sweep %s found %s" % (rtype, sorted(found)))
        check(sum(calls.values()) == 1, "sweep %s made %s" % (rtype, calls))
    # a VPC costs its DescribeVpcs share plus its two DNS attributes
    counters(t, reset=True)
    check(list(t.sweep(V, REGION, vpc)) == [vpc], "vpc sweep")
    check(counters(t) == {"DescribeVpcs": 1, "DescribeVpcAttribute": 2}, counters(t))
    # fugue:fid removed by hand: found by id; a deleted subnet: not found
    ec2(t, "delete-tags", "--resources", subnets[1], "--tags", "Key=fugue:fid")
    gone = ec2(t, "create-subnet", "--vpc-id", vpc, "--cidr-block", "10.0.9.0/24")[
        "Subnet"]["SubnetId"]
    ec2(t, "delete-subnet", "--subnet-id", gone)
    counters(t, reset=True)
    found = t.sweep(S, REGION, subnets[0], subnets[1], gone)
    check(sorted(found) == sorted(subnets), "sweep found %s" % sorted(found))
    check(counters(t) == {"DescribeSubnets": 2}, counters(t))
    check("fugue:fid" not in tags_of(found[subnets[1]]), found[subnets[1]])
    _, obs = t.op("update", S, "net.subnet2", subnets[1],
                  {"VpcId": vpc, "CidrBlock": "10.0.2.0/24", "Region": REGION,
                   "AvailabilityZone": "us-east-1a", "MapPublicIpOnLaunch": True},
                  found[subnets[1]])
    check(tags_of(obs) == fugue_tags("net.subnet2"), obs)


def many_subnets(t):
    """200 subnets of many processes: one DescribeSubnets call sweeps them all; 150 route
    tables: two pages."""
    import boto3

    client = boto3.client("ec2", endpoint_url=t.url, region_name=REGION,
                          aws_access_key_id="AKIDLOCALCLOUD",
                          aws_secret_access_key="localcloud-secret")
    vpc = client.create_vpc(CidrBlock="10.1.0.0/16")["Vpc"]["VpcId"]
    ids = []
    for i in range(200):
        spec = [{"ResourceType": "subnet", "Tags": [
            {"Key": "fugue:fid", "Value": "fid-%d" % (i % 7)},
            {"Key": "fugue:id", "Value": "many.s%d" % i}]}]
        ids.append(client.create_subnet(VpcId=vpc, CidrBlock="10.1.%d.0/24" % i,
                                        TagSpecifications=spec)["Subnet"]["SubnetId"])
    client.create_subnet(VpcId=vpc, CidrBlock="10.1.250.0/24")  # not Fugue's
    counters(t, reset=True)
    start = time.time()
    found = t.sweep(S, REGION, *ids)
    took = time.time() - start
    calls = counters(t)
    check(sorted(found) == sorted(ids), "sweep of 200 found %d" % len(found))
    check(calls == {"DescribeSubnets": 1}, calls)
    print("sweep of 200 subnets: %d call(s), %.3f s" % (sum(calls.values()), took))
    # DescribeRouteTables gives at most 100 a page: 150 tables take two pages
    tables = [client.create_route_table(VpcId=vpc, TagSpecifications=[
        {"ResourceType": "route-table", "Tags": [{"Key": "fugue:fid", "Value": "fid-x"}]}])[
        "RouteTable"]["RouteTableId"] for _ in range(150)]
    counters(t, reset=True)
    found = t.sweep(RT, REGION, *tables)
    check(sorted(found) == sorted(tables), "sweep of 150 tables found %d" % len(found))
    check(counters(t) == {"DescribeRouteTables": 2}, counters(t))


def delete_scenario(t, vpc, vpc_want, subnets, igw, igw_want, rtb, rtb_want):
    """A VPC with subnets cannot go yet; then everything in order; deletes repeat."""
    start = time.time()
    st, msg = t.op_error("delete", V, "net.vpc", vpc, vpc_want)
    check(st == "retryable" and "DeleteVpc" in msg,
          "%s %s" % (st, msg))
    check(time.time() - start < 30, "the wait for dependencies is bounded")
    t.op("delete", RT, "net.rtb", rtb, rtb_want)
    check(ec2(t, "describe-route-tables", "--filters", "Name=route-table-id,Values=" + rtb)[
        "RouteTables"] == [], "route table left")
    t.op("delete", G, "net.igw", igw, igw_want)
    check(ec2(t, "describe-internet-gateways", "--filters",
              "Name=internet-gateway-id,Values=" + igw)["InternetGateways"] == [], "igw left")
    for i, sid in enumerate(subnets):
        t.op("delete", S, "net.subnet%d" % (i + 1), sid, {"Region": REGION})
    t.op("delete", V, "net.vpc", vpc, vpc_want)
    check(ec2(t, "describe-vpcs", "--filters", "Name=vpc-id,Values=" + vpc)["Vpcs"] == [],
          "vpc left")
    # deleting again, or without an id when nothing is tagged so, succeeds
    t.op("delete", V, "net.vpc", vpc, vpc_want)
    t.op("delete", V, "net.vpc", None, vpc_want)
    check(t.sweep(V, REGION, vpc) == {}, "a deleted VPC is not found")


def main():
    """Runs the scenarios against one localcloud."""
    start = time.time()
    with Harness(region=REGION) as t:
        vpc, vpc_want = vpc_scenario(t)
        subnets = subnet_scenario(t, vpc)
        igw, igw_want = igw_scenario(t, vpc)
        rtb, rtb_want = rtb_scenario(t, vpc, igw, subnets)
        sweep_scenario(t, vpc, subnets, igw, rtb)
        many_subnets(t)
        delete_scenario(t, vpc, vpc_want, subnets, igw, igw_want, rtb, rtb_want)
    print("PASS: ec2 network types against localcloud (%.1f s)" % (time.time() - start))


if __name__ == "__main__":
    main()
