"""plugins_dynamodb.py: the dynamodb plugin through the Conductor's real loader and host
(plugin-driver) against fugue-localcloud, whose tables stay CREATING and indexes CREATING for a
while: create (waiting for ACTIVE), read by name and by physical id, updates (throughput,
indexes added, changed and deleted, billing mode, tags), drift made with the AWS CLI seen by
read and sweep and put back by update, a sweep over more than one ListTables page, the
adoption of a table a crashed create left, and delete. Every effect is checked with
/usr/bin/aws."""
import time

from plugdrv import Harness, check, tags_of

T = "AWS.DynamoDB.Table"
REGION = "eu-west-1"


def keys(*pairs):
    """A KeySchema from (name, type) pairs."""
    return [{"AttributeName": n, "KeyType": k} for n, k in pairs]


def throughput(r, w):
    """A ProvisionedThroughput."""
    return {"ReadCapacityUnits": r, "WriteCapacityUnits": w}


def describe(t, name):
    """The table as the AWS CLI describes it."""
    return t.aws("dynamodb", "describe-table", "--region", REGION, "--table-name",
                 name)["Table"]


def tags(t, arn):
    """The table's tags as the AWS CLI lists them."""
    return tags_of(t.aws("dynamodb", "list-tags-of-resource", "--region", REGION,
                         "--resource-arn", arn))


def gsis(desc):
    """{index name: (projection type, read units, write units)} of a description."""
    return {g["IndexName"]: (g["Projection"]["ProjectionType"],
                             g["ProvisionedThroughput"]["ReadCapacityUnits"],
                             g["ProvisionedThroughput"]["WriteCapacityUnits"])
            for g in desc.get("GlobalSecondaryIndexes", [])}


def lifecycle(t):
    """create, read, update, drift, sweep, delete of one table."""
    want = {
        "TableName": "drv-table", "Region": REGION,
        "AttributeDefinitions": [{"AttributeName": "pk", "AttributeType": "S"},
                                 {"AttributeName": "sk", "AttributeType": "S"},
                                 {"AttributeName": "g", "AttributeType": "S"},
                                 {"AttributeName": "l", "AttributeType": "N"}],
        "KeySchema": keys(("pk", "HASH"), ("sk", "RANGE")),
        "ProvisionedThroughput": throughput(5, 5),
        "GlobalSecondaryIndexes": [{"IndexName": "by-g", "KeySchema": keys(("g", "HASH")),
                                    "Projection": {"ProjectionType": "KEYS_ONLY"},
                                    "ProvisionedThroughput": throughput(1, 1)}],
        "LocalSecondaryIndexes": [{"IndexName": "by-l",
                                   "KeySchema": keys(("pk", "HASH"), ("l", "RANGE")),
                                   "Projection": {"ProjectionType": "INCLUDE",
                                                  "NonKeyAttributes": ["x"]}}],
        "Tags": [{"Key": "team", "Value": "a"}]}
    start = time.time()
    name, obs = t.op("create", T, "app.table", None, want)
    # localcloud keeps a new table CREATING for 300 ms: create waited for ACTIVE
    check(time.time() - start >= 0.3, "create did not wait for ACTIVE")
    check(name == "drv-table", name)
    d = describe(t, name)
    check(d["TableStatus"] == "ACTIVE", d)
    check(d["ProvisionedThroughput"]["ReadCapacityUnits"] == 5, d)
    check(gsis(d) == {"by-g": ("KEYS_ONLY", 1, 1)}, d)
    check([i["IndexName"] for i in d["LocalSecondaryIndexes"]] == ["by-l"], d)
    arn = d["TableArn"]
    check(arn.startswith("arn:aws:dynamodb:%s:" % REGION), arn)
    check(tags(t, arn) == {"team": "a", "fugue:fid": "fid-driver", "fugue:id": "app.table"},
          "tags %s" % tags(t, arn))
    check(obs["TableArn"] == arn and obs["TableId"] == d["TableId"], obs)
    check(obs["Region"] == REGION and obs["BillingMode"] == "PROVISIONED", obs)
    check(obs["ProvisionedThroughput"] == throughput(5, 5), obs)
    check(obs["GlobalSecondaryIndexes"] == want["GlobalSecondaryIndexes"], obs)
    check(obs["LocalSecondaryIndexes"] == want["LocalSecondaryIndexes"], obs)
    check(obs["StreamSpecification"] == {"StreamEnabled": False} and
          obs["TableClass"] == "STANDARD" and obs["DeletionProtectionEnabled"] is False, obs)
    check(tags_of(obs) == tags(t, arn), obs)
    # read by physical id, and by the deterministic name when it was lost
    _, by_id = t.op("read", T, "app.table", name, want)
    found, by_name = t.op("read", T, "app.table", None, want)
    check(found == name and by_id == by_name == obs, "reads differ: %s %s" % (by_id, by_name))
    # a create retried after a crash adopts the table tagged as this resource...
    again, adopted = t.op("create", T, "app.table", None, want)
    check(again == name and adopted == obs, "re-create %s" % adopted)
    # ... but never one that is another resource's
    st, msg = t.op_error("create", T, "app.other", None, want)
    check(st == "conflict" and "already exists" in msg, msg)
    # update: table and index throughput, an index added, tags changed
    want2 = dict(want, ProvisionedThroughput=throughput(7, 3),
                 AttributeDefinitions=want["AttributeDefinitions"] +
                 [{"AttributeName": "h", "AttributeType": "N"}],
                 GlobalSecondaryIndexes=[
                     dict(want["GlobalSecondaryIndexes"][0],
                          ProvisionedThroughput=throughput(2, 2)),
                     {"IndexName": "by-h", "KeySchema": keys(("h", "HASH"), ("g", "RANGE")),
                      "Projection": {"ProjectionType": "ALL"},
                      "ProvisionedThroughput": throughput(1, 1)}],
                 Tags=[{"Key": "team", "Value": "b"}, {"Key": "owner", "Value": "ops"}])
    _, obs2 = t.op("update", T, "app.table", name, want2, obs)
    d = describe(t, name)
    check(d["ProvisionedThroughput"]["ReadCapacityUnits"] == 7 and
          d["ProvisionedThroughput"]["WriteCapacityUnits"] == 3, d)
    check(gsis(d) == {"by-g": ("KEYS_ONLY", 2, 2), "by-h": ("ALL", 1, 1)}, gsis(d))
    check(all(g["IndexStatus"] == "ACTIVE" for g in d["GlobalSecondaryIndexes"]),
          "update ended before the new index was ACTIVE: %s" % d)
    check(tags(t, arn) == {"team": "b", "owner": "ops", "fugue:fid": "fid-driver",
                           "fugue:id": "app.table"}, "tags after update %s" % tags(t, arn))
    check(obs2["ProvisionedThroughput"] == throughput(7, 3) and tags_of(obs2) == tags(t, arn),
          obs2)
    check(sorted(g["IndexName"] for g in obs2["GlobalSecondaryIndexes"]) == ["by-g", "by-h"],
          obs2)
    # an index whose keys change is deleted and created again
    want3 = dict(want2, GlobalSecondaryIndexes=[
        dict(want2["GlobalSecondaryIndexes"][0], KeySchema=keys(("g", "HASH"), ("h", "RANGE"))),
        want2["GlobalSecondaryIndexes"][1]])
    _, obs3 = t.op("update", T, "app.table", name, want3, obs2)
    by_g = [g for g in describe(t, name)["GlobalSecondaryIndexes"] if g["IndexName"] == "by-g"]
    check(by_g[0]["KeySchema"] == keys(("g", "HASH"), ("h", "RANGE")), by_g)
    # drift: throughput changed outside Fugue is seen by read and sweep, and put back
    t.aws("dynamodb", "update-table", "--region", REGION, "--table-name", name,
          "--provisioned-throughput", "ReadCapacityUnits=9,WriteCapacityUnits=9")
    _, drifted = t.op("read", T, "app.table", name, want3)
    check(drifted["ProvisionedThroughput"] == throughput(9, 9), drifted)
    swept = t.sweep(T, REGION, name, "drv-never-made")
    check(list(swept) == [name] and swept[name] == drifted, "sweep %s" % swept)
    _, back = t.op("update", T, "app.table", name, want3, drifted)
    check(back == obs3, "drift not put back: %s" % back)
    pt = describe(t, name)["ProvisionedThroughput"]
    check((pt["ReadCapacityUnits"], pt["WriteCapacityUnits"]) == (7, 3), pt)
    # on-demand, and an index less
    want4 = dict(want3, BillingMode="PAY_PER_REQUEST",
                 GlobalSecondaryIndexes=[{k: v for k, v in
                                          want3["GlobalSecondaryIndexes"][1].items()
                                          if k != "ProvisionedThroughput"}])
    del want4["ProvisionedThroughput"]
    _, obs4 = t.op("update", T, "app.table", name, want4, back)
    d = describe(t, name)
    check(d["BillingModeSummary"]["BillingMode"] == "PAY_PER_REQUEST", d)
    check([g["IndexName"] for g in d["GlobalSecondaryIndexes"]] == ["by-h"], d)
    check(obs4["BillingMode"] == "PAY_PER_REQUEST" and "ProvisionedThroughput" not in obs4 and
          obs4["GlobalSecondaryIndexes"] == want4["GlobalSecondaryIndexes"], obs4)
    # what cannot be reached is invalid, not retried
    bad = dict(want4, BillingMode="PROVISIONED")
    st, msg = t.op_error("update", T, "app.table", name, bad, obs4)
    check(st == "invalid" and "needs ProvisionedThroughput" in msg, msg)
    bad = dict(want4, ProvisionedThroughput=throughput(1, 1))
    st, msg = t.op_error("update", T, "app.table", name, bad, obs4)
    check(st == "invalid" and "PROVISIONED only" in msg, msg)
    # delete, twice; then it is gone for read and sweep
    t.op("delete", T, "app.table", name, want4)
    t.aws("dynamodb", "describe-table", "--region", REGION, "--table-name", name, ok=False)
    t.op("delete", T, "app.table", name, want4)
    st, _ = t.op_error("read", T, "app.table", name, want4)
    check(st == "not-found", "read of a deleted table: %s" % st)
    check(t.sweep(T, REGION, name) == {}, "sweep of a deleted table")


def errors_and_strangers(t):
    """A request DynamoDB refuses, and a table that is not Fugue's."""
    bad = {"TableName": "drv-bad", "Region": REGION,
           "AttributeDefinitions": [{"AttributeName": "pk", "AttributeType": "S"}],
           "KeySchema": keys(("nope", "HASH")), "BillingMode": "PAY_PER_REQUEST"}
    st, msg = t.op_error("create", T, "app.bad", None, bad)
    check(st == "invalid" and msg.startswith("CreateTable: "), "%s %s" % (st, msg))
    t.aws("dynamodb", "create-table", "--region", REGION, "--table-name", "drv-foreign",
          "--attribute-definitions", "AttributeName=pk,AttributeType=S", "--key-schema",
          "AttributeName=pk,KeyType=HASH", "--billing-mode", "PAY_PER_REQUEST")
    # a delete without a physical id leaves a same-named table alone unless it is tagged ours
    foreign = dict(bad, TableName="drv-foreign", KeySchema=keys(("pk", "HASH")))
    t.op("delete", T, "app.foreign", None, foreign)
    check(describe(t, "drv-foreign")["TableName"] == "drv-foreign", "a stranger was deleted")


def many_tables(t):
    """A sweep over more than one page of ListTables (100 names a page)."""
    import boto3

    ddb = boto3.client("dynamodb", endpoint_url=t.url, region_name=REGION,
                       aws_access_key_id="AKIDLOCALCLOUD",
                       aws_secret_access_key="localcloud-secret")
    for i in range(105):
        ddb.create_table(TableName="drv-many-%03d" % i, BillingMode="PAY_PER_REQUEST",
                         AttributeDefinitions=[{"AttributeName": "k", "AttributeType": "S"}],
                         KeySchema=[{"AttributeName": "k", "KeyType": "HASH"}])
    want = {"drv-many-000", "drv-many-104"}
    found = t.sweep(T, REGION, *sorted(want | {"drv-many-999"}))
    check(set(found) == want, "sweep over pages found %s" % sorted(found))
    check(found["drv-many-104"]["BillingMode"] == "PAY_PER_REQUEST", found)


def main():
    """Runs the scenarios against one localcloud."""
    start = time.time()
    with Harness() as t:
        lifecycle(t)
        errors_and_strangers(t)
        many_tables(t)
    print("PASS: dynamodb plugin against localcloud (%.1f s)" % (time.time() - start))


if __name__ == "__main__":
    main()
