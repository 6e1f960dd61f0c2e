# lib.sh: shared code of the shell interop scenarios (sourced): starts fugue-localcloud on a free
# port, stops it on exit, runs Debian's AWS CLI against it, and checks results.
set -eu

LOCALCLOUD=${LOCALCLOUD:-fugue-localcloud}
AWS=/usr/bin/aws
[ -x "$AWS" ] || { echo "SKIP: $AWS is not installed (scripts/deps installs awscli)"; exit 77; }

export AWS_ACCESS_KEY_ID=AKIDLOCALCLOUD AWS_SECRET_ACCESS_KEY=localcloud-secret
export AWS_DEFAULT_REGION=us-east-1 AWS_CONFIG_FILE=/dev/null AWS_SHARED_CREDENTIALS_FILE=/dev/null
export AWS_PAGER="" AWS_MAX_ATTEMPTS=1
unset AWS_PROFILE AWS_DEFAULT_PROFILE AWS_ENDPOINT_URL AWS_SESSION_TOKEN 2>/dev/null || true

tmp=$(mktemp -d "${TMPDIR:-/tmp}/lc-interop.XXXXXX")
lc_pid=""

# Stops the server (if running) and removes the scratch directory; shows the server's log when
# the scenario failed.
cleanup() {
	rc=$?
	if [ "$rc" -ne 0 ] && [ -n "$lc_pid" ] && ! kill -0 "$lc_pid" 2>/dev/null; then
		wait "$lc_pid" || echo "--- fugue-localcloud exited with status $?"
		lc_pid=""
	fi
	if [ "$rc" -ne 0 ] && [ -s "$tmp/log" ]; then
		echo "--- fugue-localcloud's log:"
		tail -50 "$tmp/log"
	fi
	if [ -n "$lc_pid" ]; then
		kill "$lc_pid" 2>/dev/null || true
		wait "$lc_pid" 2>/dev/null || true
	fi
	rm -rf "$tmp"
}
trap cleanup EXIT

# start_localcloud ARGS...: starts the server on a free port; sets lc_pid, lc_url, aws_lc.
start_localcloud() {
	rm -f "$tmp/out"
	mkfifo "$tmp/out"
	"$LOCALCLOUD" --port 0 --verbose "$@" >"$tmp/out" 2>>"$tmp/log" &
	lc_pid=$!
	read -r line <"$tmp/out" || { echo "fugue-localcloud did not start"; cat "$tmp/log"; exit 1; }
	case $line in
	"listening on "*) lc_url="http://${line#listening on }" ;;
	*) echo "unexpected first line: $line"; exit 1 ;;
	esac
}

# stop_localcloud [SIGNAL]: stops the server; sets lc_rc to its exit status.
stop_localcloud() {
	kill "-${1:-TERM}" "$lc_pid"
	lc_rc=0
	wait "$lc_pid" || lc_rc=$?
	lc_pid=""
}

# lc ARGS...: the AWS CLI against the server.
lc() {
	"$AWS" --endpoint-url "$lc_url" --output json "$@"
}

# fail MESSAGE: ends the scenario as failed.
fail() {
	echo "FAIL: $*" >&2
	exit 1
}

# expect_eq GOT WANT WHAT: fails unless GOT = WANT.
expect_eq() {
	[ "$1" = "$2" ] || fail "$3: got '$1', want '$2'"
}

# expect_error CODE ARGS...: runs the AWS CLI and checks it fails with the AWS error code.
expect_error() {
	code=$1
	shift
	if lc "$@" >"$tmp/err" 2>&1; then
		fail "aws $*: succeeded, want $code"
	fi
	grep -q "($code)" "$tmp/err" || fail "aws $*: want $code, got: $(cat "$tmp/err")"
}

# now_ms: monotonic-enough wall time in milliseconds.
now_ms() {
	date +%s%3N
}
