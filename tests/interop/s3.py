#!/usr/bin/python3
"""s3.py: the S3 interop scenario, driven by boto3 and the real aws CLI, run against localcloud
and against npm's s3rver with the same expected outcomes.
Usage: s3.py [localcloud] [s3rver]   (default: both)"""
import base64
import hashlib
import json
import os
import sys
import tempfile

import emulator

BUCKET = "interop-bucket"


def client(t):
    import boto3
    from botocore.config import Config
    return boto3.client("s3", endpoint_url=t.url, region_name="us-east-1",
                        aws_access_key_id=t.keys[0], aws_secret_access_key=t.keys[1],
                        config=Config(retries={"max_attempts": 1}, s3={"addressing_style": "path"}))


def keys_of(r):
    return [o["Key"] for o in r.get("Contents", [])]


def run(t, c):
    s3 = client(t)
    rver = t.name == "s3rver"

    # Buckets.
    s3.create_bucket(Bucket=BUCKET)
    if rver:
        c.skip("re-creating an owned bucket", "s3rver answers BucketAlreadyExists")
    else:
        c.raises("re-creating an owned bucket", "BucketAlreadyOwnedByYou", s3.create_bucket,
                 Bucket=BUCKET)
    c.raises("a bucket name too short", "InvalidBucketName", s3.create_bucket, Bucket="ab")
    c.raises("a bucket name with upper case", "InvalidBucketName", s3.create_bucket,
             Bucket="Upper-Case")
    c.ok("list-buckets shows it", BUCKET in [b["Name"] for b in s3.list_buckets()["Buckets"]])
    c.raises("head of a missing bucket", "404", s3.head_bucket, Bucket="interop-missing")
    c.raises("an object in a missing bucket", "NoSuchBucket", s3.get_object,
             Bucket="interop-missing", Key="k")

    # Objects: ETag, type, metadata.
    body = b"hello, interop\n" * 100
    r = s3.put_object(Bucket=BUCKET, Key="docs/readme.txt", Body=body, ContentType="text/plain",
                      Metadata={"owner": "fugue", "Mixed-Case": "v"})
    c.eq("put-object ETag is the MD5", r["ETag"], '"%s"' % hashlib.md5(body).hexdigest())
    g = s3.get_object(Bucket=BUCKET, Key="docs/readme.txt")
    c.eq("get-object returns the body", g["Body"].read(), body)
    c.eq("content type kept", g["ContentType"], "text/plain")
    c.eq("user metadata kept (names in lower case)", g["Metadata"],
         {"owner": "fugue", "mixed-case": "v"})
    h = s3.head_object(Bucket=BUCKET, Key="docs/readme.txt")
    c.eq("head-object length", h["ContentLength"], len(body))
    c.raises("head of a missing key", "404", s3.head_object, Bucket=BUCKET, Key="nope")
    c.raises("get of a missing key", "NoSuchKey", s3.get_object, Bucket=BUCKET, Key="nope")

    # Ranges.
    g = s3.get_object(Bucket=BUCKET, Key="docs/readme.txt", Range="bytes=7-13")
    c.eq("a range answers 206 with the bytes",
         (g["ResponseMetadata"]["HTTPStatusCode"], g["Body"].read(), g["ContentRange"]),
         (206, b"interop", "bytes 7-13/%d" % len(body)))
    g = s3.get_object(Bucket=BUCKET, Key="docs/readme.txt", Range="bytes=-4")
    if rver:
        c.skip("a suffix range", "s3rver 3.7.1 answers bytes=-N with the first N bytes")
    else:
        c.eq("a suffix range", g["Body"].read(), body[-4:])
    c.raises("a range past the end is InvalidRange", "InvalidRange", s3.get_object,
             Bucket=BUCKET, Key="docs/readme.txt", Range="bytes=%d-" % (len(body) + 10))

    # Content-MD5.
    if rver:
        c.skip("a wrong Content-MD5 is BadDigest", "s3rver 3.7.1 does not check Content-MD5")
    else:
        c.raises("a wrong Content-MD5 is BadDigest", "BadDigest", s3.put_object, Bucket=BUCKET,
                 Key="bad", Body=b"abc",
                 ContentMD5=base64.b64encode(hashlib.md5(b"xyz").digest()).decode())
    s3.put_object(Bucket=BUCKET, Key="good", Body=b"abc",
                  ContentMD5=base64.b64encode(hashlib.md5(b"abc").digest()).decode())
    c.eq("a right Content-MD5 is accepted", s3.get_object(Bucket=BUCKET, Key="good")["Body"].read(),
         b"abc")

    # Copy.
    r = s3.copy_object(Bucket=BUCKET, Key="docs/copy.txt",
                       CopySource={"Bucket": BUCKET, "Key": "docs/readme.txt"})
    c.eq("copy keeps the ETag", r["CopyObjectResult"]["ETag"], '"%s"' % hashlib.md5(body).hexdigest())
    c.eq("copy keeps the metadata", s3.head_object(Bucket=BUCKET, Key="docs/copy.txt")["Metadata"],
         {"owner": "fugue", "mixed-case": "v"})
    s3.copy_object(Bucket=BUCKET, Key="docs/copy.txt", MetadataDirective="REPLACE",
                   Metadata={"k": "new"}, ContentType="application/json",
                   CopySource={"Bucket": BUCKET, "Key": "docs/copy.txt"})
    h = s3.head_object(Bucket=BUCKET, Key="docs/copy.txt")
    c.eq("copy onto itself with REPLACE", (h["Metadata"], h["ContentType"]),
         ({"k": "new"}, "application/json"))
    c.raises("copy from a missing key", "NoSuchKey", s3.copy_object, Bucket=BUCKET, Key="x",
             CopySource={"Bucket": BUCKET, "Key": "missing"})

    # Listing: prefix, delimiter, pages, start-after, odd keys.
    odd = "dir/a b+c \u00fc.txt"
    for k in ["a/1", "a/2", "a/b/3", "b/4", "c", odd]:
        s3.put_object(Bucket=BUCKET, Key=k, Body=k.encode())
    r = s3.list_objects_v2(Bucket=BUCKET, Delimiter="/")
    c.eq("delimiter groups common prefixes",
         (keys_of(r), [p["Prefix"] for p in r.get("CommonPrefixes", [])]),
         (["c", "good"], ["a/", "b/", "dir/", "docs/"]))
    r = s3.list_objects_v2(Bucket=BUCKET, Prefix="a/", Delimiter="/")
    c.eq("prefix and delimiter", (keys_of(r), [p["Prefix"] for p in r.get("CommonPrefixes", [])]),
         (["a/1", "a/2"], ["a/b/"]))
    seen, token, pages = [], None, 0
    while not rver:
        kw = {"ContinuationToken": token} if token else {}
        r = s3.list_objects_v2(Bucket=BUCKET, MaxKeys=3, **kw)
        seen += keys_of(r)
        pages += 1
        token = r.get("NextContinuationToken")
        if not r["IsTruncated"] or pages > 10:
            break
    allkeys = sorted(["a/1", "a/2", "a/b/3", "b/4", "c", odd, "docs/readme.txt", "docs/copy.txt",
                      "good"])
    if rver:
        c.skip("paging with continuation tokens", "s3rver 3.7.1 fails ListObjectsV2 with a "
               "ContinuationToken (InternalError)")
    else:
        c.eq("pages of 3 list every key once, in order", seen, allkeys)
        c.eq("pages of 3 take 3 requests", pages, 3)
    r = s3.list_objects_v2(Bucket=BUCKET, StartAfter="b/4")
    c.eq("start-after", keys_of(r), [k for k in allkeys if k > "b/4"])
    r = s3.list_objects(Bucket=BUCKET, Prefix="dir/")
    c.eq("list-objects (v1) and a key with spaces, + and UTF-8", keys_of(r), [odd])
    c.eq("the odd key reads back", s3.get_object(Bucket=BUCKET, Key=odd)["Body"].read(),
         odd.encode())

    # Multi-object delete.
    r = s3.delete_objects(Bucket=BUCKET, Delete={"Objects": [{"Key": "a/1"}, {"Key": "a/2"},
                                                             {"Key": "never-existed"}]})
    c.eq("delete-objects reports each key", sorted(d["Key"] for d in r.get("Deleted", [])),
         ["a/1", "a/2", "never-existed"])
    c.eq("deleted keys are gone", keys_of(s3.list_objects_v2(Bucket=BUCKET, Prefix="a/")), ["a/b/3"])
    s3.delete_object(Bucket=BUCKET, Key="c")
    r = s3.delete_object(Bucket=BUCKET, Key="c")
    c.eq("deleting a missing key is 204", r["ResponseMetadata"]["HTTPStatusCode"], 204)

    # Bucket tagging, versioning, policy.
    if rver:
        c.skip("bucket tagging, versioning and policy", "s3rver 3.7.1 does not implement them")
    else:
        s3.put_bucket_tagging(Bucket=BUCKET, Tagging={"TagSet": [{"Key": "fugue:fid", "Value": "f"}]})
        c.eq("bucket tags round-trip", s3.get_bucket_tagging(Bucket=BUCKET)["TagSet"],
             [{"Key": "fugue:fid", "Value": "f"}])
        s3.delete_bucket_tagging(Bucket=BUCKET)
        c.raises("no tags is NoSuchTagSet", "NoSuchTagSet", s3.get_bucket_tagging, Bucket=BUCKET)
        c.eq("versioning starts unset", s3.get_bucket_versioning(Bucket=BUCKET).get("Status"), None)
        s3.put_bucket_versioning(Bucket=BUCKET, VersioningConfiguration={"Status": "Enabled"})
        c.eq("versioning Enabled", s3.get_bucket_versioning(Bucket=BUCKET).get("Status"), "Enabled")
        c.raises("no policy is NoSuchBucketPolicy", "NoSuchBucketPolicy", s3.get_bucket_policy,
                 Bucket=BUCKET)
        pol = {"Version": "2012-10-17", "Statement": [{"Effect": "Deny", "Principal": "*",
               "Action": "s3:DeleteBucket", "Resource": "arn:aws:s3:::%s" % BUCKET}]}
        s3.put_bucket_policy(Bucket=BUCKET, Policy=json.dumps(pol))
        c.eq("the policy round-trips", json.loads(s3.get_bucket_policy(Bucket=BUCKET)["Policy"]), pol)
        s3.delete_bucket_policy(Bucket=BUCKET)
        c.raises("a deleted policy", "NoSuchBucketPolicy", s3.get_bucket_policy, Bucket=BUCKET)

    # The real aws CLI: uploads (aws-chunked or signed payloads), listing, download.
    with tempfile.TemporaryDirectory() as d:
        big = os.path.join(d, "big.bin")
        data = os.urandom(3 * 1024 * 1024 + 17)
        with open(big, "wb") as f:
            f.write(data)
        rc, out, err = emulator.cli(t, ["s3", "cp", big, "s3://%s/cli/big.bin" % BUCKET])
        c.eq("aws s3 cp uploads 3 MiB", rc, 0)
        rc, out, err = emulator.cli(t, ["s3", "cp", "s3://%s/cli/big.bin" % BUCKET,
                                        os.path.join(d, "back.bin")])
        with open(os.path.join(d, "back.bin"), "rb") as f:
            c.ok("aws s3 cp downloads the same bytes", rc == 0 and f.read() == data, err)
        rc, out, err = emulator.cli(t, ["s3", "ls", "s3://%s/" % BUCKET])
        c.ok("aws s3 ls shows prefixes and keys", rc == 0 and "PRE cli/" in out and " good" in out,
             "%s %s" % (out, err))
        rc, out, err = emulator.cli(t, ["s3api", "list-objects-v2", "--bucket", BUCKET,
                                        "--prefix", "cli/"])
        c.eq("aws s3api list-objects-v2", (rc, [o["Key"] for o in out["Contents"]] if out else None),
             (0, ["cli/big.bin"]))
        rc, out, err = emulator.cli(t, ["s3api", "get-object", "--bucket", BUCKET, "--key", "nope",
                                        os.path.join(d, "x")])
        c.ok("aws s3api reports NoSuchKey", rc != 0 and "NoSuchKey" in err, err)

    # State survives a restart (localcloud keeps bodies and metadata under --data).
    if t.name == "localcloud":
        c.eq("localcloud exits 0 on SIGTERM before a restart", t.restart(), 0)
        s3 = client(t)
        g = s3.get_object(Bucket=BUCKET, Key="docs/readme.txt")
        c.eq("objects survive a restart", (g["Body"].read(), g["Metadata"]["owner"]),
             (body, "fugue"))
        c.eq("listing after a restart", keys_of(s3.list_objects_v2(Bucket=BUCKET, Prefix="a/")),
             ["a/b/3"])

    # Deleting the bucket: refused while objects remain.
    c.raises("deleting a non-empty bucket", "BucketNotEmpty", s3.delete_bucket, Bucket=BUCKET)
    rc, out, err = emulator.cli(t, ["s3", "rm", "--recursive", "s3://%s/" % BUCKET])
    c.eq("aws s3 rm --recursive", rc, 0)
    s3.delete_bucket(Bucket=BUCKET)
    c.ok("the bucket is gone", BUCKET not in [b["Name"] for b in s3.list_buckets()["Buckets"]])


if __name__ == "__main__":
    sys.exit(emulator.main("s3", run, ["localcloud", "s3rver"]))
