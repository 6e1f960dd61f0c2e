#!/bin/sh
# persistence.sh: state kept under --data across restarts, a kill -9 in the middle of writes
# never leaves a state file that cannot be loaded, the directory lock, malformed state files
# and usage errors with their exit statuses.
. "$(dirname "$0")/lib.sh"

state="$tmp/state"
start_localcloud --data "$state"
lc sqs create-queue --queue-name keep --attributes VisibilityTimeout=45 >/dev/null
for i in 1 2 3; do
	lc sqs send-message --queue-url "$lc_url/000000000000/keep" --message-body "m$i" >/dev/null
done
topic=$(lc sns create-topic --name kept --query TopicArn --output text)
lc sns subscribe --topic-arn "$topic" --protocol sqs \
	--notification-endpoint arn:aws:sqs:us-east-1:000000000000:keep >/dev/null

# A second server may not use the same directory.
if "$LOCALCLOUD" --port 0 --data "$state" >/dev/null 2>"$tmp/second"; then
	fail "a second server started on the same state directory"
fi
grep -q "in use by another fugue-localcloud" "$tmp/second" || fail "lock: $(cat "$tmp/second")"

stop_localcloud
expect_eq "$lc_rc" 0 "exit status after SIGTERM"
for f in sqs.json sns.json; do
	/usr/bin/python3 -c "import json,sys; json.load(open(sys.argv[1]))" "$state/$f" ||
		fail "$f is not JSON"
done

start_localcloud --data "$state"
expect_eq "$(lc sqs get-queue-attributes --queue-url "$lc_url/000000000000/keep" \
	--attribute-names VisibilityTimeout ApproximateNumberOfMessages \
	--query 'Attributes.[VisibilityTimeout,ApproximateNumberOfMessages]' --output text)" \
	"45	3" "queue after restart"
lc sns publish --topic-arn "$topic" --message after-restart >/dev/null
expect_eq "$(lc sqs get-queue-attributes --queue-url "$lc_url/000000000000/keep" \
	--attribute-names ApproximateNumberOfMessages \
	--query Attributes.ApproximateNumberOfMessages --output text)" 4 "fan-out after restart"

# kill -9 while a client writes as fast as it can: the state always loads afterwards.
for round in 1 2 3; do
	/usr/bin/python3 - "$lc_url" >/dev/null 2>&1 <<'PY' &
import sys, boto3
c = boto3.client("sqs", endpoint_url=sys.argv[1], region_name="us-east-1",
                 aws_access_key_id="AKIDLOCALCLOUD", aws_secret_access_key="localcloud-secret")
u = sys.argv[1] + "/000000000000/keep"
while True:
    c.send_message(QueueUrl=u, MessageBody="x" * 2000)
PY
	writer=$!
	sleep 1.5
	stop_localcloud KILL
	wait "$writer" 2>/dev/null || true
	start_localcloud --data "$state"
	n=$(lc sqs get-queue-attributes --queue-url "$lc_url/000000000000/keep" \
		--attribute-names ApproximateNumberOfMessages \
		--query Attributes.ApproximateNumberOfMessages --output text)
	[ "$n" -ge 4 ] || fail "round $round: $n messages after kill -9"
done
stop_localcloud

# A malformed state file stops the server with the file and the position.
printf '{"version":1,"queues":[{"account":' >"$state/sqs.json"
rc=0
"$LOCALCLOUD" --port 0 --data "$state" >/dev/null 2>"$tmp/bad" || rc=$?
expect_eq "$rc" 1 "exit status with a malformed state file"
grep -q "$state/sqs.json: line 1, column" "$tmp/bad" || fail "message: $(cat "$tmp/bad")"

# Usage errors.
rc=0
"$LOCALCLOUD" --port nope >/dev/null 2>&1 || rc=$?
expect_eq "$rc" 2 "exit status of a bad --port"
rc=0
"$LOCALCLOUD" --memory --data "$state" >/dev/null 2>&1 || rc=$?
expect_eq "$rc" 2 "exit status of --memory with --data"
"$LOCALCLOUD" --help | grep -q "AKIDLOCALCLOUD" || fail "--help does not give the default key"
echo "persistence: ok"
