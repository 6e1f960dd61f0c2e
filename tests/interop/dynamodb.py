#!/usr/bin/python3
"""dynamodb.py: the DynamoDB interop scenario, driven by boto3 and the real aws CLI, run against
localcloud and against npm's dynalite with the same expected outcomes.
Usage: dynamodb.py [localcloud] [dynalite]   (default: both)"""
import sys
import time

import emulator

TABLE = "interop-items"
EVENTS = "interop-events"


def client(t):
    import boto3
    from botocore.config import Config
    return boto3.client("dynamodb", endpoint_url=t.url, region_name="us-east-1",
                        aws_access_key_id=t.keys[0], aws_secret_access_key=t.keys[1],
                        config=Config(retries={"max_attempts": 1}))


def wait_status(db, name, want, seconds=15):
    """Polls DescribeTable until the status is want (None: until the table is gone)."""
    deadline = time.time() + seconds
    while time.time() < deadline:
        try:
            status = db.describe_table(TableName=name)["Table"]["TableStatus"]
        except db.exceptions.ResourceNotFoundException:
            status = None
        if status == want:
            return True
        time.sleep(0.05)
    return False


def nums(items, attr="sk"):
    return [int(i[attr]["N"]) for i in items]


def run(t, c):
    db = client(t)
    lite = t.name == "dynalite"

    # Tables: create, CREATING -> ACTIVE, duplicate name, listing.
    r = db.create_table(
        TableName=TABLE, BillingMode="PAY_PER_REQUEST",
        AttributeDefinitions=[{"AttributeName": "pk", "AttributeType": "S"},
                              {"AttributeName": "sk", "AttributeType": "N"},
                              {"AttributeName": "owner", "AttributeType": "S"}],
        KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"},
                   {"AttributeName": "sk", "KeyType": "RANGE"}],
        GlobalSecondaryIndexes=[{"IndexName": "by-owner", "Projection": {"ProjectionType": "ALL"},
                                 "KeySchema": [{"AttributeName": "owner", "KeyType": "HASH"},
                                               {"AttributeName": "sk", "KeyType": "RANGE"}]}])
    c.eq("create table answers CREATING", r["TableDescription"]["TableStatus"], "CREATING")
    c.ok("table becomes ACTIVE", wait_status(db, TABLE, "ACTIVE"))
    c.raises("same name again is ResourceInUseException", "ResourceInUseException",
             db.create_table, TableName=TABLE, BillingMode="PAY_PER_REQUEST",
             AttributeDefinitions=[{"AttributeName": "pk", "AttributeType": "S"}],
             KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}])
    c.raises("bad key schema is ValidationException", "ValidationException",
             db.create_table, TableName="interop-bad", BillingMode="PAY_PER_REQUEST",
             AttributeDefinitions=[{"AttributeName": "pk", "AttributeType": "S"}],
             KeySchema=[{"AttributeName": "nope", "KeyType": "HASH"}])
    c.ok("list-tables shows the table", TABLE in db.list_tables()["TableNames"])

    # Items: 12 in one partition (numeric sort keys: 9 < 10 < 11 only if compared as numbers).
    for i in range(1, 13):
        db.put_item(TableName=TABLE, Item={"pk": {"S": "p1"}, "sk": {"N": str(i)},
                                           "owner": {"S": "ann" if i % 2 else "bob"},
                                           "n": {"N": str(i * 10)}})
    db.put_item(TableName=TABLE, Item={"pk": {"S": "p2"}, "sk": {"N": "1"}, "owner": {"S": "ann"}})

    # Conditional writes: create-only puts and an optimistic lock.
    c.raises("put with attribute_not_exists on an existing item fails",
             "ConditionalCheckFailedException", db.put_item, TableName=TABLE,
             Item={"pk": {"S": "p1"}, "sk": {"N": "1"}}, ConditionExpression="attribute_not_exists(pk)")
    db.put_item(TableName=TABLE, Item={"pk": {"S": "lock"}, "sk": {"N": "0"}, "version": {"N": "1"}},
                ConditionExpression="attribute_not_exists(pk)")
    r = db.update_item(TableName=TABLE, Key={"pk": {"S": "lock"}, "sk": {"N": "0"}},
                       UpdateExpression="SET version = version + :one, #s = :s",
                       ConditionExpression="version = :v",
                       ExpressionAttributeNames={"#s": "status"},
                       ExpressionAttributeValues={":one": {"N": "1"}, ":v": {"N": "1"},
                                                  ":s": {"S": "taken"}},
                       ReturnValues="ALL_NEW")
    c.eq("update with a matching version wins", r["Attributes"]["version"], {"N": "2"})
    c.raises("update with a stale version loses", "ConditionalCheckFailedException",
             db.update_item, TableName=TABLE, Key={"pk": {"S": "lock"}, "sk": {"N": "0"}},
             UpdateExpression="SET version = version + :one", ConditionExpression="version = :v",
             ExpressionAttributeValues={":one": {"N": "1"}, ":v": {"N": "1"}})
    r = db.update_item(TableName=TABLE, Key={"pk": {"S": "lock"}, "sk": {"N": "0"}},
                       UpdateExpression="ADD tags :t, hits :one REMOVE #s",
                       ExpressionAttributeNames={"#s": "status"},
                       ExpressionAttributeValues={":t": {"SS": ["a", "b"]}, ":one": {"N": "1"}},
                       ReturnValues="UPDATED_NEW")
    c.eq("ADD to a set and a counter (UPDATED_NEW)",
         (sorted(r["Attributes"]["tags"]["SS"]), r["Attributes"]["hits"]), (["a", "b"], {"N": "1"}))
    got = db.get_item(TableName=TABLE, Key={"pk": {"S": "lock"}, "sk": {"N": "0"}},
                      ConsistentRead=True, ProjectionExpression="version, tags")["Item"]
    c.eq("get-item with a projection", sorted(got), ["tags", "version"])

    # Errors as DynamoDB names them.
    c.raises("unknown table is ResourceNotFoundException", "ResourceNotFoundException",
             db.get_item, TableName="interop-missing", Key={"pk": {"S": "x"}})
    c.raises("a key that does not match the schema", "ValidationException",
             db.get_item, TableName=TABLE, Key={"pk": {"S": "x"}})
    c.raises("a syntax error in an update expression", "ValidationException",
             db.update_item, TableName=TABLE, Key={"pk": {"S": "x"}, "sk": {"N": "1"}},
             UpdateExpression="SET a = = :v", ExpressionAttributeValues={":v": {"N": "1"}})
    c.raises("an unused expression attribute value", "ValidationException",
             db.put_item, TableName=TABLE, Item={"pk": {"S": "x"}, "sk": {"N": "1"}},
             ConditionExpression="attribute_not_exists(pk)",
             ExpressionAttributeValues={":unused": {"N": "1"}})
    c.raises("a reserved word in an expression", "ValidationException",
             db.put_item, TableName=TABLE, Item={"pk": {"S": "x"}, "sk": {"N": "1"}},
             ConditionExpression="attribute_not_exists(name)")
    c.raises("updating a key attribute", "ValidationException",
             db.update_item, TableName=TABLE, Key={"pk": {"S": "x"}, "sk": {"N": "1"}},
             UpdateExpression="SET pk = :v", ExpressionAttributeValues={":v": {"S": "y"}})
    c.raises("an item over 400 KB", "ValidationException", db.put_item, TableName=TABLE,
             Item={"pk": {"S": "big"}, "sk": {"N": "1"}, "blob": {"S": "x" * 409600}})

    # Query: ranges, order, filters, pagination.
    def q(**kw):
        return db.query(TableName=TABLE, ExpressionAttributeValues=kw.pop("values"), **kw)
    r = q(KeyConditionExpression="pk = :p AND sk BETWEEN :a AND :b",
          values={":p": {"S": "p1"}, ":a": {"N": "3"}, ":b": {"N": "10"}})
    c.eq("query BETWEEN in sort-key order", nums(r["Items"]), list(range(3, 11)))
    r = q(KeyConditionExpression="pk = :p AND sk > :a", ScanIndexForward=False,
          values={":p": {"S": "p1"}, ":a": {"N": "8"}})
    c.eq("query > backwards", nums(r["Items"]), [12, 11, 10, 9])
    r = q(KeyConditionExpression="pk = :p AND sk <= :a", values={":p": {"S": "p1"}, ":a": {"N": "2"}})
    c.eq("query <=", nums(r["Items"]), [1, 2])
    r = q(KeyConditionExpression="pk = :p", FilterExpression="n >= :m",
          values={":p": {"S": "p1"}, ":m": {"N": "100"}})
    c.eq("filter counts after the key condition", (r["Count"], r["ScannedCount"]), (3, 12))
    seen, pages, start = [], 0, None
    while True:
        kw = {"ExclusiveStartKey": start} if start else {}
        r = q(KeyConditionExpression="pk = :p", Limit=5, values={":p": {"S": "p1"}}, **kw)
        seen += nums(r["Items"])
        pages += 1
        start = r.get("LastEvaluatedKey")
        if not start or pages > 10:
            break
    c.eq("query pages of 5 cover the partition once", seen, list(range(1, 13)))
    c.ok("query pagination took 3 or 4 pages", pages in (3, 4), "pages %d" % pages)
    r = db.query(TableName=TABLE, IndexName="by-owner", KeyConditionExpression="#o = :o AND sk < :s",
                 ExpressionAttributeNames={"#o": "owner"},
                 ExpressionAttributeValues={":o": {"S": "bob"}, ":s": {"N": "7"}})
    c.eq("query a global secondary index", nums(r["Items"]), [2, 4, 6])
    c.raises("a key condition on a non-key attribute", "ValidationException", q,
             KeyConditionExpression="pk = :p AND n = :n",
             values={":p": {"S": "p1"}, ":n": {"N": "10"}})
    c.raises("an OR in a key condition", "ValidationException", q,
             KeyConditionExpression="pk = :p OR sk = :n",
             values={":p": {"S": "p1"}, ":n": {"N": "10"}})

    # Scan with pagination.
    total, start, pages = 0, None, 0
    while True:
        kw = {"ExclusiveStartKey": start} if start else {}
        r = db.scan(TableName=TABLE, Limit=4, **kw)
        total += r["Count"]
        pages += 1
        start = r.get("LastEvaluatedKey")
        if not start or pages > 20:
            break
    c.eq("scan pages cover every item once", total, 14)

    # Batches.
    db.create_table(TableName=EVENTS, BillingMode="PAY_PER_REQUEST",
                    AttributeDefinitions=[{"AttributeName": "pk", "AttributeType": "S"},
                                          {"AttributeName": "sk", "AttributeType": "S"}],
                    KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"},
                               {"AttributeName": "sk", "KeyType": "RANGE"}])
    wait_status(db, EVENTS, "ACTIVE")
    puts = [{"PutRequest": {"Item": {"pk": {"S": "e"}, "sk": {"S": "2024-01-%02d" % d}}}}
            for d in range(1, 26)]
    r = db.batch_write_item(RequestItems={EVENTS: puts})
    c.eq("batch-write of 25 leaves nothing unprocessed", r["UnprocessedItems"], {})
    r = db.query(TableName=EVENTS, KeyConditionExpression="pk = :p AND begins_with(sk, :d)",
                 ExpressionAttributeValues={":p": {"S": "e"}, ":d": {"S": "2024-01-1"}})
    c.eq("query begins_with on a string sort key", [i["sk"]["S"][-2:] for i in r["Items"]],
         ["%02d" % d for d in range(10, 20)])
    r = db.batch_get_item(RequestItems={EVENTS: {"Keys": [
        {"pk": {"S": "e"}, "sk": {"S": "2024-01-01"}}, {"pk": {"S": "e"}, "sk": {"S": "2024-01-25"}},
        {"pk": {"S": "e"}, "sk": {"S": "2099-01-01"}}]}})
    c.eq("batch-get returns the items that exist", len(r["Responses"][EVENTS]), 2)
    c.raises("batch-write of 26 is refused", "ValidationException", db.batch_write_item,
             RequestItems={EVENTS: puts + [{"DeleteRequest": {"Key": {"pk": {"S": "x"},
                                                                       "sk": {"S": "y"}}}}]})

    # Transactions: all or nothing (dynalite has no TransactWriteItems).
    if lite:
        c.skip("transactions", "dynalite 4.0.0 does not implement TransactWriteItems")
    else:
        cancel = [{"Put": {"TableName": EVENTS, "Item": {"pk": {"S": "tx"}, "sk": {"S": "1"}}}},
                  {"ConditionCheck": {"TableName": TABLE, "Key": {"pk": {"S": "lock"}, "sk": {"N": "0"}},
                                      "ConditionExpression": "version = :v",
                                      "ExpressionAttributeValues": {":v": {"N": "99"}}}}]
        try:
            db.transact_write_items(TransactItems=cancel)
            c.ok("a failed condition cancels the transaction", False)
        except db.exceptions.TransactionCanceledException as e:
            codes = [x["Code"] for x in e.response.get("CancellationReasons", [])]
            c.eq("a failed condition cancels the transaction", codes,
                 ["None", "ConditionalCheckFailed"])
        c.ok("a cancelled transaction wrote nothing", "Item" not in db.get_item(
            TableName=EVENTS, Key={"pk": {"S": "tx"}, "sk": {"S": "1"}}))
        cancel[1]["ConditionCheck"]["ExpressionAttributeValues"][":v"] = {"N": "2"}
        db.transact_write_items(TransactItems=cancel)
        c.ok("a transaction whose conditions hold writes", "Item" in db.get_item(
            TableName=EVENTS, Key={"pk": {"S": "tx"}, "sk": {"S": "1"}}))

    # Tags.
    arn = db.describe_table(TableName=TABLE)["Table"]["TableArn"]
    db.tag_resource(ResourceArn=arn, Tags=[{"Key": "fugue:fid", "Value": "f-1"}])
    c.eq("tags round-trip", db.list_tags_of_resource(ResourceArn=arn)["Tags"],
         [{"Key": "fugue:fid", "Value": "f-1"}])

    # The real aws CLI against the same target.
    rc, out, err = emulator.cli(t, ["dynamodb", "query", "--table-name", TABLE,
                                    "--key-condition-expression", "pk = :p AND sk >= :s",
                                    "--expression-attribute-values",
                                    '{":p":{"S":"p1"},":s":{"N":"11"}}'])
    c.eq("aws dynamodb query", (rc, nums(out["Items"]) if out else None), (0, [11, 12]))
    rc, out, err = emulator.cli(t, ["dynamodb", "put-item", "--table-name", TABLE, "--item",
                                    '{"pk":{"S":"p1"},"sk":{"N":"1"}}', "--condition-expression",
                                    "attribute_not_exists(sk)"])
    c.ok("aws CLI reports a conditional failure", rc == 254 and
         "ConditionalCheckFailedException" in err, "rc %d: %s" % (rc, err.strip()))
    rc, out, err = emulator.cli(t, ["dynamodb", "delete-item", "--table-name", TABLE, "--key",
                                    '{"pk":{"S":"p2"},"sk":{"N":"1"}}', "--return-values", "ALL_OLD"])
    c.eq("aws dynamodb delete-item --return-values ALL_OLD",
         (rc, out["Attributes"]["owner"] if out else None), (0, {"S": "ann"}))

    # State survives a restart (localcloud keeps it under --data).
    if t.name == "localcloud":
        c.eq("localcloud exits 0 on SIGTERM before a restart", t.restart(), 0)
        db = client(t)
        got = db.get_item(TableName=TABLE, Key={"pk": {"S": "lock"}, "sk": {"N": "0"}})["Item"]
        c.eq("items survive a restart", (got["version"], sorted(got["tags"]["SS"])),
             ({"N": "2"}, ["a", "b"]))
        r = db.query(TableName=TABLE, IndexName="by-owner", KeyConditionExpression="#o = :o",
                     ExpressionAttributeNames={"#o": "owner"},
                     ExpressionAttributeValues={":o": {"S": "bob"}})
        c.eq("the index is rebuilt after a restart", nums(r["Items"]), [2, 4, 6, 8, 10, 12])
        c.eq("tags survive a restart", db.list_tags_of_resource(ResourceArn=arn)["Tags"],
             [{"Key": "fugue:fid", "Value": "f-1"}])

    # Deleting tables.
    db.delete_table(TableName=EVENTS)
    c.ok("a deleted table goes away", wait_status(db, EVENTS, None))
    db.delete_table(TableName=TABLE)
    wait_status(db, TABLE, None)


if __name__ == "__main__":
    sys.exit(emulator.main("dynamodb", run, ["localcloud", "dynalite"]))
