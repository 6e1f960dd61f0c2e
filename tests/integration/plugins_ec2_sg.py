"""plugins_ec2_sg.py: the ec2 plugin's AWS.EC2.SecurityGroup and AWS.EC2.Instance through the
Conductor's real loader and host (plugin-driver) against fugue-localcloud, in a VPC and subnet
made with the AWS CLI: security groups created with their rules (the default egress rule kept
while IpPermissionsEgress is omitted, revoked once it is given), read by id and by tags, adopted
after a crashed create, updated (rules revoked and authorized, tags), an ingress rule added with
the AWS CLI seen by read and sweep and revoked by update, and deleted (DependencyViolation while
an instance uses the group is retryable); instances launched with a ClientToken from the intent
(a create retried after a crash whose tags lookup misses gets the same instance, also when the
parameters changed: IdempotentParameterMismatch), waited for until running, updated in place,
InstanceType, EbsOptimized and UserData changed by stop, modify, start (the same instance id;
write-only properties sent, never observed), terminated with the AWS CLI (gone for read and
sweep, and created anew), and deleted with a wait for terminated; and the engine
(plugin-driver's apply, enforce, kill) with a group and an instance that uses it: no drift seen
right after apply, an extra rule and a terminated instance put back by one enforcement, kill in
dependency order. Every effect is checked with /usr/bin/aws."""
import base64
import json
import os
import tempfile
import time

from plugdrv import Harness, check, tags_of

SG = "AWS.EC2.SecurityGroup"
I = "AWS.EC2.Instance"
REGION = "us-east-1"
IMAGE = "ami-0fc0ca1c10ca1c001"  # one of the images localcloud knows


def describe_sg(t, gid):
    """The group as the AWS CLI describes it."""
    return t.aws("ec2", "describe-security-groups", "--group-ids", gid)["SecurityGroups"][0]


def rules(perms):
    """The rules of IpPermissions (CLI or observed) as a set of (proto, from, to, peer, desc)."""
    out = set()
    for p in perms:
        key = (p["IpProtocol"], p.get("FromPort"), p.get("ToPort"))
        for r in p.get("IpRanges", []):
            out.add(key + (r["CidrIp"], r.get("Description")))
        for r in p.get("UserIdGroupPairs", []):
            out.add(key + (r["GroupId"], r.get("Description")))
    return out


def cidr_rule(proto, port, cidr, desc=None):
    """An IpPermissions item with one IPv4 range."""
    r = {"CidrIp": cidr}
    if desc:
        r["Description"] = desc
    return {"IpProtocol": proto, "FromPort": port, "ToPort": port, "IpRanges": [r]}


def describe_instance(t, iid):
    """The instance as the AWS CLI describes it."""
    res = t.aws("ec2", "describe-instances", "--instance-ids", iid)["Reservations"]
    return res[0]["Instances"][0]


def live_instances(t):
    """The ids of the instances that are not shutting down or terminated."""
    res = t.aws("ec2", "describe-instances", "--filters",
                "Name=instance-state-name,Values=pending,running")["Reservations"]
    return sorted(i["InstanceId"] for r in res for i in r["Instances"])


def network(t):
    """A VPC and a subnet made with the AWS CLI: (vpc id, subnet id)."""
    vpc = t.aws("ec2", "create-vpc", "--cidr-block", "10.9.0.0/16")["Vpc"]["VpcId"]
    subnet = t.aws("ec2", "create-subnet", "--vpc-id", vpc, "--cidr-block",
                   "10.9.1.0/24")["Subnet"]["SubnetId"]
    return vpc, subnet


def security_groups(t, vpc):
    """create, read, adopt, update, drift, sweep of groups; (web group id, its desired)."""
    ssh = cidr_rule("tcp", 22, "10.0.0.0/8")
    https = cidr_rule("tcp", 443, "0.0.0.0/0", "public")
    want = {"GroupName": "drv-web", "GroupDescription": "web tier", "VpcId": vpc,
            "Region": REGION, "IpPermissions": [ssh, https],
            "Tags": [{"Key": "team", "Value": "a"}]}
    gid, obs = t.op("create", SG, "net.web", None, want)
    check(gid.startswith("sg-") and obs["GroupId"] == gid, obs)
    g = describe_sg(t, gid)
    check(rules(g["IpPermissions"]) == rules([ssh, https]), g["IpPermissions"])
    # IpPermissionsEgress omitted: the allow-all rule EC2 adds stays
    check(rules(g["IpPermissionsEgress"]) == {("-1", None, None, "0.0.0.0/0", None)},
          g["IpPermissionsEgress"])
    check(tags_of(g) == {"team": "a", "fugue:fid": "fid-driver", "fugue:id": "net.web"},
          tags_of(g))
    check(obs["GroupName"] == "drv-web" and obs["GroupDescription"] == "web tier" and
          obs["VpcId"] == vpc and obs["Region"] == REGION and obs["OwnerId"] == g["OwnerId"],
          obs)
    check(rules(obs["IpPermissions"]) == rules([ssh, https]) and
          all(len(p.get("IpRanges", [])) + len(p.get("UserIdGroupPairs", [])) == 1
              for p in obs["IpPermissions"]), "observed one peer per item: %s" % obs)
    check(tags_of(obs) == tags_of(g), obs)
    # read by id, and by the fugue tags when the id was lost
    _, by_id = t.op("read", SG, "net.web", gid, want)
    found, by_tags = t.op("read", SG, "net.web", None, want)
    check(found == gid and by_id == by_tags == obs, "reads differ: %s %s" % (by_id, by_tags))
    # a create retried after a crash adopts the group tagged as this resource
    again, adopted = t.op("create", SG, "net.web", None, want)
    check(again == gid and adopted == obs, "re-create %s" % adopted)
    # the same name for another resource: EC2 refuses the duplicate
    st, msg = t.op_error("create", SG, "net.other", None, want)
    check(st == "conflict" and "CreateSecurityGroup" in msg, "%s %s" % (st, msg))
    # a second group, named by the first's rules
    app_want = {"GroupName": "drv-app", "GroupDescription": "app tier", "VpcId": vpc,
                "Region": REGION}
    app, app_obs = t.op("create", SG, "net.app", None, app_want)
    check(app_obs["IpPermissions"] == [], app_obs)
    # update: ssh gone, DNS from the app group, egress given (allow-all revoked), tags
    dns = {"IpProtocol": "udp", "FromPort": 53, "ToPort": 53,
           "UserIdGroupPairs": [{"GroupId": app, "Description": "app"}]}
    out = cidr_rule("tcp", 443, "0.0.0.0/0")
    want2 = dict(want, IpPermissions=[https, dns], IpPermissionsEgress=[out],
                 Tags=[{"Key": "team", "Value": "b"}])
    _, obs2 = t.op("update", SG, "net.web", gid, want2, obs)
    g = describe_sg(t, gid)
    check(rules(g["IpPermissions"]) == rules([https, dns]), g["IpPermissions"])
    check(rules(g["IpPermissionsEgress"]) == rules([out]), g["IpPermissionsEgress"])
    check(tags_of(g) == {"team": "b", "fugue:fid": "fid-driver", "fugue:id": "net.web"},
          tags_of(g))
    check(rules(obs2["IpPermissions"]) == rules([https, dns]) and
          rules(obs2["IpPermissionsEgress"]) == rules([out]) and tags_of(obs2) == tags_of(g),
          obs2)
    # drift: a rule added outside Fugue is seen by read and sweep, and revoked by update
    t.aws("ec2", "authorize-security-group-ingress", "--group-id", gid, "--protocol", "tcp",
          "--port", "3389", "--cidr", "203.0.113.7/32")
    _, drifted = t.op("read", SG, "net.web", gid, want2)
    check(("tcp", 3389, 3389, "203.0.113.7/32", None) in rules(drifted["IpPermissions"]),
          drifted)
    swept = t.sweep(SG, REGION, gid, app, "sg-0123456789abcdef0")
    check(sorted(swept) == sorted([gid, app]) and swept[gid] == drifted, "sweep %s" % swept)
    _, back = t.op("update", SG, "net.web", gid, want2, drifted)
    check(rules(describe_sg(t, gid)["IpPermissions"]) == rules([https, dns]),
          "the extra rule was not revoked: %s" % describe_sg(t, gid)["IpPermissions"])
    check(back == obs2, "drift not put back: %s" % back)
    # an update with nothing to do changes nothing
    _, same = t.op("update", SG, "net.web", gid, want2, back)
    check(same == back, same)
    return gid, want2, app, app_want


def instances(t, subnet, web, app):
    """create with a ClientToken, crash-and-retry, update, drift, delete of instances."""
    want = {"ImageId": IMAGE, "InstanceType": "t3.micro", "Region": REGION,
            "SubnetId": subnet, "SecurityGroupIds": [web],
            "Tags": [{"Key": "role", "Value": "web"}]}
    start = time.time()
    iid, obs = t.op("create", I, "app.vm", None, want)
    # localcloud keeps a new instance pending for 1 s: create waited for running
    check(time.time() - start >= 0.9, "create did not wait for running")
    d = describe_instance(t, iid)
    check(d["State"]["Name"] == "running", d["State"])
    token = d["ClientToken"]
    check(token.startswith("fugue-") and len(token) <= 64, token)
    check(d["InstanceType"] == "t3.micro" and d["SubnetId"] == subnet and
          [g["GroupId"] for g in d["SecurityGroups"]] == [web], d)
    check(tags_of(d) == {"role": "web", "fugue:fid": "fid-driver", "fugue:id": "app.vm"},
          tags_of(d))
    check(obs["InstanceId"] == iid and obs["ImageId"] == IMAGE and obs["SubnetId"] == subnet and
          obs["SecurityGroupIds"] == [web] and obs["VpcId"] == d["VpcId"] and
          obs["PrivateIpAddress"] == d["PrivateIpAddress"] and obs["Region"] == REGION, obs)
    check(tags_of(obs) == tags_of(d), obs)
    _, by_tags = t.op("read", I, "app.vm", None, want)
    check(by_tags == obs, "read by tags %s" % by_tags)
    # a crash after RunInstances, before the id was recorded, and a retry whose lookup by
    # tags misses: the same ClientToken gives the same instance, never a second one
    t.aws("ec2", "delete-tags", "--resources", iid, "--tags", "Key=fugue:id")
    again, obs_again = t.op("create", I, "app.vm", None, want)
    check(again == iid and live_instances(t) == [iid], "retry made %s (live %s)" %
          (again, live_instances(t)))
    check(tags_of(obs_again) == tags_of(d), "tags not put back: %s" % obs_again)
    check(describe_instance(t, iid)["ClientToken"] == token, "token changed")
    # ... also when the parameters changed meanwhile: IdempotentParameterMismatch, the
    # instance launched with the token is adopted and updated
    want2 = dict(want, SecurityGroupIds=[web, app])
    t.aws("ec2", "delete-tags", "--resources", iid, "--tags", "Key=fugue:id")
    again, obs2 = t.op("create", I, "app.vm", None, want2)
    check(again == iid and live_instances(t) == [iid], "mismatch retry made %s" % again)
    groups = [g["GroupId"] for g in describe_instance(t, iid)["SecurityGroups"]]
    check(sorted(groups) == sorted([web, app]) and sorted(obs2["SecurityGroupIds"]) ==
          sorted(groups), "groups %s %s" % (groups, obs2))
    # update in place: groups back to one, termination protection on, tags
    want3 = dict(want, DisableApiTermination=True, Tags=[{"Key": "role", "Value": "api"}])
    _, obs3 = t.op("update", I, "app.vm", iid, want3, obs2)
    d = describe_instance(t, iid)
    check([g["GroupId"] for g in d["SecurityGroups"]] == [web] and obs3["SecurityGroupIds"] ==
          [web], d["SecurityGroups"])
    check(tags_of(d)["role"] == "api" and tags_of(obs3) == tags_of(d), tags_of(d))
    t.aws("ec2", "terminate-instances", "--instance-ids", iid, ok=False)
    obs3 = restart_in_place(t, iid, want3, obs3)
    # the group an instance uses cannot go: retryable
    st, msg = t.op_error("delete", SG, "net.web", web, {})
    check(st == "retryable" and "DeleteSecurityGroup" in msg, "%s %s" % (st, msg))
    # drift: terminated outside Fugue (protection lifted first), the instance is gone for
    # read and sweep, and a create makes a new one
    t.aws("ec2", "modify-instance-attribute", "--instance-id", iid,
          "--no-disable-api-termination")
    t.aws("ec2", "terminate-instances", "--instance-ids", iid)
    st, _ = t.op_error("read", I, "app.vm", iid, want3)
    check(st == "not-found", "read of a terminated instance: %s" % st)
    check(t.sweep(I, REGION, iid) == {}, "sweep of a terminated instance")
    new, obs4 = t.op("create", I, "app.vm", None, want3)
    check(new != iid and live_instances(t) == [new], "re-create %s (live %s)" %
          (new, live_instances(t)))
    check(describe_instance(t, new)["ClientToken"] != token, "the gone instance's token")
    swept = t.sweep(I, REGION, new, iid)
    check(list(swept) == [new] and swept[new]["InstanceId"] == new, "sweep %s" % swept)
    check(obs4["InstanceId"] == new, obs4)
    # delete (termination protection, set at launch, lifted first) waits until terminated
    t.op("delete", I, "app.vm", new, want3)
    check(describe_instance(t, new)["State"]["Name"] == "terminated",
          describe_instance(t, new)["State"])
    t.op("delete", I, "app.vm", new, want3)
    t.op("delete", I, "app.vm", None, want3)


def attribute(t, iid, name):
    """An instance attribute's value as DescribeInstanceAttribute gives it."""
    out = t.aws("ec2", "describe-instance-attribute", "--instance-id", iid, "--attribute", name)
    return out[name[0].upper() + name[1:]].get("Value")


def restart_in_place(t, iid, want, obs):
    """InstanceType, EbsOptimized and UserData change by stop, modify, start: the same
    instance; the write-only properties are sent but never observed; monitoring. Returns the
    last observed."""
    launched = describe_instance(t, iid)["LaunchTime"]
    want2 = dict(want, InstanceType="t3.large", EbsOptimized=True,
                 UserData="#!/bin/sh\necho hi\n", Monitoring={"Enabled": True},
                 InstanceInitiatedShutdownBehavior="terminate")
    start = time.time()
    same, obs2 = t.op("update", I, "app.vm", iid, want2, obs)
    # localcloud keeps an instance stopping for 1 s and pending for 1 s: both waited for
    check(same == iid and time.time() - start >= 1.8, "update did not stop and start")
    d = describe_instance(t, iid)
    check(d["State"]["Name"] == "running" and d["InstanceType"] == "t3.large" and
          d["EbsOptimized"] is True and d["LaunchTime"] != launched, d)
    check(obs2["InstanceId"] == iid and obs2["InstanceType"] == "t3.large" and
          obs2["EbsOptimized"] is True and obs2["Monitoring"] == {"Enabled": True}, obs2)
    check(not set(obs2) & {"UserData", "DisableApiTermination",
                           "InstanceInitiatedShutdownBehavior"}, "write-only observed: %s" % obs2)
    check(base64.b64decode(attribute(t, iid, "userData")) == want2["UserData"].encode() and
          attribute(t, iid, "instanceInitiatedShutdownBehavior") == "terminate" and
          attribute(t, iid, "disableApiTermination") is True, "write-only attributes")
    check(t.sweep(I, REGION, iid)[iid] == obs2, "sweep after the restart")
    # write-only changes that need no stop: protection off, shutdown behavior back, while
    # the instance runs (no new launch time); nothing to do the second time
    launched = d["LaunchTime"]
    want3 = dict(want2, DisableApiTermination=False, InstanceInitiatedShutdownBehavior="stop")
    _, obs3 = t.op("update", I, "app.vm", iid, want3, obs2)
    check(attribute(t, iid, "disableApiTermination") is False and
          attribute(t, iid, "instanceInitiatedShutdownBehavior") == "stop" and
          describe_instance(t, iid)["LaunchTime"] == launched and obs3 == obs2,
          "write-only changed in place: %s" % obs3)
    # back to the small type and protection on, monitoring off
    _, obs4 = t.op("update", I, "app.vm", iid, dict(want, Monitoring={"Enabled": False}),
                   obs3)
    check(obs4["InstanceType"] == want["InstanceType"] and obs4["EbsOptimized"] is False and
          obs4["Monitoring"] == {"Enabled": False} and
          attribute(t, iid, "disableApiTermination") is True and
          attribute(t, iid, "userData") is None, obs4)
    return obs4


def engine(t, vpc, subnet):
    """The engine (plugin-driver's apply, enforce, kill) with a group and an instance that
    uses it: no false drift, an extra rule and a terminated instance put back by one
    enforcement, killed in dependency order."""
    sg = {"id": "eng.sg", "type": SG, "dependsOn": [],
          "properties": {"GroupName": "drv-eng", "GroupDescription": "engine", "VpcId": vpc,
                         "Region": REGION, "IpPermissions": [cidr_rule("tcp", 80, "0.0.0.0/0"),
                                                             cidr_rule("tcp", 22,
                                                                       "10.0.0.0/8")]}}
    vm = {"id": "eng.vm", "type": I, "dependsOn": ["eng.sg"],
          "properties": {"ImageId": IMAGE, "InstanceType": "t3.small", "Region": REGION,
                         "SubnetId": subnet,
                         "SecurityGroupIds": [{"ref": "eng.sg", "attr": "GroupId"}]}}
    with tempfile.TemporaryDirectory() as tmp:
        comp = os.path.join(tmp, "eng.json")
        with open(comp, "w") as f:
            json.dump({"version": 1, "externals": [], "resources": [vm, sg]}, f)
        out = t.cmd("apply", comp)
        check(out[0] == "ok" and out[1] == "created 2", "apply: %s" % out)
        check([s["logical_id"] for s in json.loads(out[2])] == ["eng.sg", "eng.vm"], out)
    out = t.cmd("enforce")
    check(out[:2] == ["ok", "no changes"], "enforce right after apply: %s" % out)
    status = {r["logical_id"]: r for r in json.loads(t.cmd("status")[0])}
    gid, iid = status["eng.sg"]["physical_id"], status["eng.vm"]["physical_id"]
    check(gid.startswith("sg-") and iid.startswith("i-"), status)
    t.aws("ec2", "authorize-security-group-ingress", "--group-id", gid, "--protocol", "udp",
          "--port", "161", "--cidr", "0.0.0.0/0")
    t.aws("ec2", "terminate-instances", "--instance-ids", iid)
    out = t.cmd("enforce")
    check(out[:2] == ["ok", "created 1, updated 1"], "enforce after drift: %s" % out)
    check(rules(describe_sg(t, gid)["IpPermissions"]) ==
          rules(sg["properties"]["IpPermissions"]), "the extra rule stays")
    live = live_instances(t)
    check(len(live) == 1 and live[0] != iid, "instance not re-created: %s" % live)
    check([g["GroupId"] for g in describe_instance(t, live[0])["SecurityGroups"]] == [gid],
          describe_instance(t, live[0]))
    out = t.cmd("enforce")
    check(out[:2] == ["ok", "no changes"], "enforce after the remedy: %s" % out)
    out = t.cmd("kill")
    check(out[0] == "ok" and out[1] == "deleted 2", "kill: %s" % out)
    check([s["logical_id"] for s in json.loads(out[2])] == ["eng.vm", "eng.sg"], out)
    check(live_instances(t) == [], "instance left")
    t.aws("ec2", "describe-security-groups", "--group-ids", gid, ok=False)


def main():
    """Runs the scenarios against one localcloud."""
    start = time.time()
    with Harness(REGION) as t:
        vpc, subnet = network(t)
        web, web_want, app, app_want = security_groups(t, vpc)
        instances(t, subnet, web, app)
        engine(t, vpc, subnet)
        # the groups go, twice; then they are gone for read and sweep
        t.op("delete", SG, "net.web", web, web_want)
        t.op("delete", SG, "net.app", app, app_want)
        t.op("delete", SG, "net.app", app, app_want)
        t.aws("ec2", "describe-security-groups", "--group-ids", web, ok=False)
        st, _ = t.op_error("read", SG, "net.web", web, web_want)
        check(st == "not-found", "read of a deleted group: %s" % st)
        check(t.sweep(SG, REGION, web, app) == {}, "sweep of deleted groups")
    print("PASS: ec2 security groups and instances against localcloud (%.1f s)" %
          (time.time() - start))


if __name__ == "__main__":
    main()
