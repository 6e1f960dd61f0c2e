"""drift.py: issue 6's evidence through the real Conductor and CLI: examples/network.lw and
examples/app.lw converge on localcloud; drift in each type, made with Debian's AWS CLI (an extra
security group rule, a deleted route, a detached managed policy, a changed table billing mode, a
terminated instance), is put back within one enforcement interval, checked in localcloud with
the AWS CLI and in the processes' history (drift-fixed events); kill removes everything, children
before the resources they depend on (the plugins' calls in the Conductor's log, and no
DependencyViolation or DeleteConflict from localcloud)."""
import json
import os
import re
import time

from conductor import (TOP, AwsCli, Cli, Conductor, Localcloud, check, converged, need_aws,
                       now_rfc3339, poll, scenario)

PREFIX = "drift%d-" % os.getpid()
INTERVAL = 10  # the smallest enforcement interval the Conductor takes
# A pass starts interval (+-10 %) after the previous job of the process ended; the drift is made
# right after a pass ended, so the next pass puts it back. The margin covers that pass itself
# (a sweep and the fixes: well under a second here, a few under the sanitizers) and polling.
MARGIN = 5
LIMIT = INTERVAL * 1.1 + MARGIN
EXAMPLES = {"network": ("network.lw", "us-west-2", 10), "app": ("app.lw", "eu-west-1", 11)}
EXTRA_RULE = ("tcp", 8080, "198.51.100.0/24")
POLICY_ARN = "arn:aws:iam::000000000000:policy/orders-access"
TIMINGS = []
# The plugins that log no line of their own when they delete: the reply to the delete call ({pid}:
# the physical id; one resource of the type per process).
DELETE_REPLY = {"AWS.DynamoDB.Table": "DynamoDB_20120810.DeleteTable: ",
                "AWS.IAM.Policy": "iam DeletePolicy: ", "AWS.S3.Bucket": "DELETE s3 /{pid}: ",
                "AWS.SQS.Queue": "POST sqs DeleteQueue: "}


class Scenario:
    """The processes, their resources and the checks on localcloud."""

    def __init__(self, aws, conductor, cli):
        self.aws = aws
        self.c = conductor
        self.cli = cli
        self.fid = {}
        self.res = {}  # {process: {logical id: status record}}

    def ec2(self, process, *args):
        """An EC2 call in the process's region."""
        return self.aws("ec2", "--region", EXAMPLES[process][1], *args)

    def resources(self, process):
        """{logical id: status record} of a process."""
        return {r["logical_id"]: r for r in self.cli.json("status", process)["resource_list"]}

    def pid(self, process, lid):
        """The physical id of a resource."""
        return self.res[process][lid]["physical_id"]

    def enforced(self, process, start):
        """Waits until an enforcement pass of process ends after log offset start; the log's
        length."""
        return self.c.wait_log("%s job-finished: enforce: " % self.fid[process], start,
                               timeout=INTERVAL * 2 + 10)

    def run(self):
        """Runs both examples; waits until both converged (all ready, and an enforcement pass
        found nothing to do); checks them in localcloud."""
        since = now_rfc3339()
        t0 = time.time()
        start = len(self.c.log())
        for p, (example, _, _) in EXAMPLES.items():
            r = self.cli.json("run", "-a", p, os.path.join(TOP, "examples", example))
            check(r["state"] == "Running" and
                  r["properties"]["enforcement-interval"] == INTERVAL, "run %s: %r" % (p, r))
            self.fid[p] = r["fid"]
        for p, (_, _, count) in EXAMPLES.items():
            self.c.wait_log("%s job-finished: enforce: no changes" % self.fid[p], start,
                            timeout=INTERVAL * 2 + 10)
            check(converged(self.cli, p, count, since), "%s did not converge" % p)
            self.res[p] = self.resources(p)
            check(len(self.res[p]) == count, "%s: %r" % (p, sorted(self.res[p])))
        TIMINGS.append(("run: both converged (first pass: no changes)", time.time() - t0))
        sg = self.sg()
        check(self.rules(sg) == {("tcp", 80, "0.0.0.0/0"), ("tcp", 443, "0.0.0.0/0"),
                                 ("tcp", 22, "203.0.113.0/24")}, "web-sg rules: %r" % sg)
        check(self.public_route(), "no public route")
        check(self.attached() == [POLICY_ARN], "role policies: %r" % self.attached())
        check(self.billing() == "PAY_PER_REQUEST", "table billing: %r" % self.billing())
        check(self.web() == [self.pid("network", "web")], "web instance: %r" % self.web())
        server = self.ec2("app", "describe-instances", "--instance-ids",
                          self.pid("app", "server"))["Reservations"][0]["Instances"][0]
        check(server["IamInstanceProfile"]["Arn"].endswith(":instance-profile/orders-server"),
              "server profile: %r" % server.get("IamInstanceProfile"))

    def sg(self):
        """web-sg as localcloud describes it."""
        return self.ec2("network", "describe-security-groups", "--group-ids",
                        self.pid("network", "web-sg"))["SecurityGroups"][0]

    def rules(self, sg):
        """The ingress rules of a group, as (protocol, port, CIDR) triples."""
        return {(p["IpProtocol"], p["FromPort"], r["CidrIp"])
                for p in sg["IpPermissions"] for r in p.get("IpRanges", [])}

    def public_route(self):
        """Whether the public route table routes 0.0.0.0/0 to the internet gateway."""
        rtb = self.ec2("network", "describe-route-tables", "--route-table-ids",
                       self.pid("network", "network.public-route-table"))["RouteTables"][0]
        igw = self.pid("network", "network.internet-gateway")
        return any(r.get("DestinationCidrBlock") == "0.0.0.0/0" and r.get("GatewayId") == igw
                   for r in rtb["Routes"])

    def attached(self):
        """The managed policies attached to app's role."""
        return [a["PolicyArn"] for a in
                self.aws("iam", "list-attached-role-policies", "--role-name",
                         "orders-server")["AttachedPolicies"]]

    def billing(self):
        """The billing mode of app's table."""
        t = self.aws("dynamodb", "--region", "eu-west-1", "describe-table", "--table-name",
                     "orders-orders")["Table"]
        return t.get("BillingModeSummary", {}).get("BillingMode", "PROVISIONED")

    def web(self):
        """The ids of network's live (pending or running) instances named web."""
        res = self.ec2("network", "describe-instances", "--filters",
                       "Name=tag:fugue:id,Values=web",
                       "Name=tag:fugue:fid,Values=" + self.fid["network"],
                       "Name=instance-state-name,Values=pending,running")["Reservations"]
        return [i["InstanceId"] for r in res for i in r["Instances"]]

    def drift(self):
        """Drifts each type right after an enforcement pass of its process; waits until each
        drift is put back, recording how long it took."""
        terminated = self.pid("network", "web")
        proto, port, cidr = EXTRA_RULE
        drifts = {
            "network": [
                ("extra SG rule", lambda: self.ec2(
                    "network", "authorize-security-group-ingress", "--group-id",
                    self.pid("network", "web-sg"), "--protocol", proto, "--port", str(port),
                    "--cidr", cidr),
                 lambda: EXTRA_RULE not in self.rules(self.sg()) and
                 len(self.rules(self.sg())) == 3, "web-sg"),
                ("deleted route", lambda: self.ec2(
                    "network", "delete-route", "--route-table-id",
                    self.pid("network", "network.public-route-table"),
                    "--destination-cidr-block", "0.0.0.0/0"),
                 self.public_route, "network.public-route-table"),
                ("terminated instance", lambda: self.ec2(
                    "network", "terminate-instances", "--instance-ids", terminated),
                 lambda: len(self.web()) == 1 and self.web()[0] != terminated, "web"),
            ],
            "app": [
                ("detached policy", lambda: self.aws(
                    "iam", "detach-role-policy", "--role-name", "orders-server", "--policy-arn",
                    POLICY_ARN),
                 lambda: self.attached() == [POLICY_ARN], "role"),
                ("changed table billing", lambda: self.aws(
                    "dynamodb", "--region", "eu-west-1", "update-table", "--table-name",
                    "orders-orders", "--billing-mode", "PROVISIONED",
                    "--provisioned-throughput", "ReadCapacityUnits=5,WriteCapacityUnits=5"),
                 lambda: self.billing() == "PAY_PER_REQUEST", "orders"),
            ],
        }
        left = {}
        for p, items in drifts.items():
            self.enforced(p, len(self.c.log()))
            for what, make, fixed, lid in items:
                make()
                check(not fixed(), "%s: the drift was not made" % what)
                left[what] = (time.time(), fixed, p, lid)
        took = {}
        while left:
            for what, (t0, fixed, p, lid) in list(left.items()):
                if fixed():
                    took[what] = time.time() - t0
                    TIMINGS.append(("%s: put back" % what, took[what]))
                    del left[what]
                else:
                    check(time.time() - t0 < LIMIT, "%s not put back within %.0f s (limit "
                          "%.0f s)" % (what, time.time() - t0, LIMIT))
            time.sleep(0.25)
        check(self.web() != [terminated], "web not replaced")
        # The event comes when the step ends, which may be after AWS shows the fix (a new
        # instance is visible while pending; its step waits for running).
        t0 = time.time()
        for p, items in drifts.items():
            for what, _, _, lid in items:
                while True:
                    fixed = [r["message"] for r in self.cli.json("history", p)["records"]
                             if r["kind"] == "event" and r["what"] == "drift-fixed"]
                    if any(m.startswith(lid + ": ") for m in fixed):
                        break
                    check(time.time() - t0 < LIMIT, "%s: no drift-fixed event for %s in %r"
                          % (what, lid, fixed))
                    time.sleep(0.25)
        r = self.cli.json("status", "network")["resources"]
        check(r["ready"] == 10, "network not all ready: %r" % r)
        self.res["network"] = self.resources("network")
        check(self.pid("network", "web") != terminated, "status still names %s" % terminated)

    def kill(self, process):
        """Kills a process; checks from the plugins' log lines that no resource was deleted
        before the resources that depend on it, and that localcloud refused no delete."""
        comp = self.cli.json("status", process)["composition"]
        obj = self.c.s3.get_object(Bucket=self.c.bucket, Key="compositions/%s.json" % comp)
        deps = {r["id"]: r["dependsOn"] for r in json.loads(obj["Body"].read())["resources"]}
        check(set(deps) == set(self.res[process]), "composition of %s: %r" % (process, deps))
        start = len(self.c.log())
        t0 = time.time()
        r = self.cli.json("-y", "kill", process)
        check(r["state"] == "Killing", "kill %s: %r" % (process, r))
        poll("%s killed" % process, lambda: process not in
             [q["alias"] for q in self.cli.json("status")["processes"]], 30)
        TIMINGS.append(("kill %s: request to gone" % process, time.time() - t0))
        types = [r["type"] for r in self.res[process].values()]
        silent = {lid: DELETE_REPLY[r["type"]].replace("{pid}", r["physical_id"])
                  for lid, r in self.res[process].items()
                  if r["type"] in DELETE_REPLY and types.count(r["type"]) == 1}
        first, last, refused = {}, {}, []
        for n, line in enumerate(self.c.log()[start:].splitlines()):
            try:
                rec = json.loads(line)
            except ValueError:
                continue
            msg = rec.get("msg", "")
            # "<type> <logical id>: <action> <physical id>": the other process has the same
            # logical ids (network.vpc...), not the same physical ids.
            m = re.match(r"AWS\.\S+ (\S+): (\w+) (\S+)$", msg)
            if m and m.group(1) in deps and m.group(3) == self.pid(process, m.group(1)):
                first.setdefault(m.group(1), (n, m.group(2)))
                last[m.group(1)] = (n, m.group(2))
            for lid, what in silent.items():
                if rec.get("subsystem") == "aws" and what in msg:
                    first.setdefault(lid, (n, msg))
                    last[lid] = (n, msg)
            if rec.get("subsystem") == "aws" and re.search(
                    r"DependencyViolation|DeleteConflict|InvalidGroup.InUse|ResourceInUse", msg):
                refused.append(msg)
        check(not refused, "kill %s: localcloud refused: %r" % (process, refused))
        for lid, on in deps.items():
            check(lid in first, "kill %s: no delete call logged for %s" % (process, lid))
            for d in on:
                check(last[lid][0] < first[d][0], "kill %s: %s %s before %s %s, which "
                      "depends on it" % (process, d, first[d][1], lid, last[lid][1]))
        self.cli.run("status", process, want=3)

    def gone(self):
        """Checks that localcloud holds nothing of either process."""
        for p, (_, region, _) in EXAMPLES.items():
            for what, key in (("vpcs", "Vpcs"), ("subnets", "Subnets"),
                              ("internet-gateways", "InternetGateways"),
                              ("route-tables", "RouteTables"),
                              ("security-groups", "SecurityGroups")):
                left = self.ec2(p, "describe-" + what)[key]
                check(left == [], "%s: %s left: %r" % (region, what, left))

            def states():
                res = self.ec2(p, "describe-instances")["Reservations"]
                return {i["InstanceId"]: i["State"]["Name"] for r in res for i in r["Instances"]}
            poll("%s: instances terminated" % region,
                 lambda: set(states().values()) <= {"terminated"}, 10)
        for what, key in (("list-roles", "Roles"), ("list-instance-profiles",
                                                     "InstanceProfiles")):
            left = self.aws("iam", what)[key]
            check(left == [], "iam: %s left: %r" % (key, left))
        left = self.aws("iam", "list-policies", "--scope", "Local")["Policies"]
        check(left == [], "iam: policies left: %r" % left)
        left = [t for t in self.aws("dynamodb", "--region", "eu-west-1",
                                    "list-tables")["TableNames"] if not t.startswith(PREFIX)]
        check(left == [], "tables left: %r" % left)
        left = [u for u in self.aws.queue_urls() if PREFIX not in u]
        check(left == [], "queues left: %r" % left)
        left = [b for b in self.aws.bucket_names() if not b.startswith(PREFIX)]
        check(left == [], "buckets left: %r" % left)


def main():
    need_aws()
    cli = Cli()
    cloud = Localcloud()
    aws = AwsCli(cloud)
    # Debug lines: the plugins' calls, by resource, and every AWS reply.
    c = Conductor(cloud, PREFIX, "--enforcement-interval", str(INTERVAL), log_level="debug")
    t0 = time.time()
    with scenario(c, cloud, closers=(aws, cli), timings=TIMINGS, tail=20000):
        c.start()
        cli.init(c)
        s = Scenario(aws, c, cli)
        s.run()
        s.drift()
        s.kill("network")
        s.kill("app")
        s.gone()
        check(c.alive(), "the Conductor died")
        rc = c.stop()[0]
        check(rc == 0, "fugue-conductor exited with %d on SIGTERM (a sanitizer report?):\n%s" %
              (rc, c.log()[-5000:]))
        print("ok: network.lw and app.lw converged, 5 drifts put back within %.0f s each, "
              "killed children first, nothing left (%.0f s)" % (LIMIT, time.time() - t0))
        c.remove()


if __name__ == "__main__":
    main()
