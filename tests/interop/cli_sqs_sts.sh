#!/bin/sh
# cli_sqs_sts.sh: the STS and SQS scenario with Debian's AWS CLI: identity, queues, messages,
# long-poll timing across processes, pagination, redrive and error codes.
. "$(dirname "$0")/lib.sh"

start_localcloud --memory

# STS and bad credentials.
expect_eq "$(lc sts get-caller-identity --query Arn --output text)" \
	"arn:aws:iam::000000000000:user/localcloud" "caller ARN"
expect_eq "$(lc sts get-caller-identity --query Account --output text)" "000000000000" "account"
AWS_SECRET_ACCESS_KEY=wrong expect_error SignatureDoesNotMatch sts get-caller-identity
AWS_ACCESS_KEY_ID=AKIDNOBODY expect_error InvalidClientTokenId sqs list-queues

# Queues.
url=$(lc sqs create-queue --queue-name cli --attributes VisibilityTimeout=1 --query QueueUrl \
	--output text)
expect_eq "$url" "$lc_url/000000000000/cli" "queue URL"
expect_eq "$(lc sqs create-queue --queue-name cli --attributes VisibilityTimeout=1 \
	--query QueueUrl --output text)" "$url" "idempotent create"
expect_error QueueAlreadyExists sqs create-queue --queue-name cli --attributes VisibilityTimeout=9
expect_error AWS.SimpleQueueService.NonExistentQueue sqs get-queue-url --queue-name none
expect_error InvalidAttributeName sqs get-queue-attributes --queue-url "$url" \
	--attribute-names Colour

# Messages with attributes.
lc sqs send-message --queue-url "$url" --message-body "hello cli" \
	--message-attributes '{"n":{"DataType":"Number","StringValue":"7"}}' >"$tmp/sent"
lc sqs receive-message --queue-url "$url" --message-attribute-names All >"$tmp/got"
/usr/bin/python3 - "$tmp/sent" "$tmp/got" <<'PY' || fail "message or MD5 mismatch"
import json, sys
sent, got = (json.load(open(p)) for p in sys.argv[1:3])
m = got["Messages"][0]
assert m["Body"] == "hello cli", m
assert m["MD5OfBody"] == sent["MD5OfMessageBody"], (m, sent)
assert m["MD5OfMessageAttributes"] == sent["MD5OfMessageAttributes"], (m, sent)
assert m["MessageAttributes"]["n"] == {"StringValue": "7", "DataType": "Number"}, m
PY

# Long polling: a receive waiting 5 s is answered right after a send from another process.
lc sqs create-queue --queue-name lp >/dev/null
lp="$lc_url/000000000000/lp"
( lc sqs receive-message --queue-url "$lp" --wait-time-seconds 5 --query 'Messages[0].Body' \
	--output text >"$tmp/lp"; now_ms >"$tmp/lp_end" ) &
poller=$!
sleep 2
lc sqs send-message --queue-url "$lp" --message-body wake >/dev/null
sent=$(now_ms)
wait "$poller"
expect_eq "$(cat "$tmp/lp")" "wake" "long-polled body"
lag=$(( $(cat "$tmp/lp_end") - sent ))
[ "$lag" -lt 1500 ] || fail "long poll answered ${lag} ms after the send"
# An empty long poll returns after its wait.
start=$(now_ms)
expect_eq "$(lc sqs receive-message --queue-url "$lp" --wait-time-seconds 3 \
	--query 'length(Messages || `[]`)')" "0" "empty long poll"
took=$(( $(now_ms) - start ))
[ "$took" -ge 3000 ] && [ "$took" -lt 9000 ] || fail "empty long poll took ${took} ms"

# Pagination (the CLI follows NextToken itself; page size 2 forces several pages).
for i in 1 2 3 4 5; do
	lc sqs create-queue --queue-name "pg-$i" >/dev/null
done
expect_eq "$(lc sqs list-queues --queue-name-prefix pg- --page-size 2 \
	--query 'length(QueueUrls)')" "5" "paginated list"
expect_eq "$(lc sqs list-queues --queue-name-prefix pg- --max-items 2 \
	--query 'length(QueueUrls)')" "2" "first page"

# Redrive to a dead-letter queue after two receives.
lc sqs create-queue --queue-name dlq >/dev/null
lc sqs create-queue --queue-name src --attributes '{"VisibilityTimeout":"1","RedrivePolicy":"{\"deadLetterTargetArn\":\"arn:aws:sqs:us-east-1:000000000000:dlq\",\"maxReceiveCount\":\"2\"}"}' >/dev/null
lc sqs send-message --queue-url "$lc_url/000000000000/src" --message-body poison >/dev/null
for i in 1 2; do
	expect_eq "$(lc sqs receive-message --queue-url "$lc_url/000000000000/src" \
		--wait-time-seconds 2 --query 'Messages[0].Body' --output text)" poison "receive $i"
done
sleep 1.2
expect_eq "$(lc sqs receive-message --queue-url "$lc_url/000000000000/src" \
	--query 'length(Messages || `[]`)')" "0" "poison left in source"
expect_eq "$(lc sqs receive-message --queue-url "$lc_url/000000000000/dlq" \
	--query 'Messages[0].Body' --output text)" poison "poison in DLQ"

stop_localcloud
expect_eq "$lc_rc" 0 "exit status after SIGTERM"
echo "cli_sqs_sts: ok"
