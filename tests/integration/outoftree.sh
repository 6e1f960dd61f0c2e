#!/bin/sh
# outoftree.sh: a plugin can be dropped in (issue 6). Installs the build tree into a scratch
# DESTDIR, checks that the plugin kit is there (fugue/broker.h, fugue-broker.pc, the plugin
# and schema directories, the Ludwig library), builds examples/plugin-sns with its own Makefile
# against only the installed header and pkg-config file, installs it into the installed Fugue,
# then runs the installed fugue-localcloud, fugue-conductor and fugue CLI: a composition with an
# AWS.SNS.Topic converges (the topic checked with Debian's AWS CLI), a renamed DisplayName is
# put back, and kill deletes the topic. The logs go to FUGUE_TEST_LOGS/outoftree/ when make check
# sets it (testrun.py's layout, with the secrets in its secrets file for secrets_in_logs.py).
set -eu

AWS=/usr/bin/aws
[ -x "$AWS" ] || { echo "SKIP: $AWS is not installed (scripts/deps installs awscli)"; exit 77; }
command -v pkg-config >/dev/null || { echo "SKIP: pkg-config is not installed"; exit 77; }
: "${TOP_SRCDIR:?}" "${TOP_BUILDDIR:?}"

tmp=$(mktemp -d "${TMPDIR:-/tmp}/fugue-outoftree.XXXXXX")
logs=$tmp
if [ -n "${FUGUE_TEST_LOGS:-}" ]; then
	logs=$FUGUE_TEST_LOGS/outoftree
	rm -rf "$logs"
	mkdir -p "$logs"
fi
lc_pid=""
cd_pid=""

# Stops what this scenario started (by pid) and removes the scratch directory; shows the
# logs when the scenario failed.
cleanup() {
	rc=$?
	for pid in $cd_pid $lc_pid; do
		kill "$pid" 2>/dev/null || true
		wait "$pid" 2>/dev/null || true
	done
	if [ "$rc" -ne 0 ]; then
		for log in install build conductor localcloud; do
			[ -s "$logs/$log.log" ] && { echo "--- $log.log:"; tail -40 "$logs/$log.log"; }
		done
	fi
	rm -rf "$tmp"
}
trap cleanup EXIT

fail() {
	echo "FAIL: $*" >&2
	exit 1
}

# expect_eq GOT WANT WHAT: fails unless GOT = WANT.
expect_eq() {
	[ "$1" = "$2" ] || fail "$3: got '$1', want '$2'"
}

# 1. make install into a scratch DESTDIR; the plugin kit is there. The directories come from the
# installed fugue-broker.pc (its plugindir, schemadir and ludwigdir are what plugins use).
dest=$tmp/root
(cd "$TOP_BUILDDIR" && env -u MAKEFLAGS -u MFLAGS -u MAKELEVEL \
	${MAKE:-make} install DESTDIR="$dest") >"$logs/install.log" 2>&1 || fail "make install"
pc=$(find "$dest" -name fugue-broker.pc -path '*/pkgconfig/*')
[ -n "$pc" ] && [ "$(echo "$pc" | wc -l)" = 1 ] || fail "fugue-broker.pc installed as '$pc'"
export PKG_CONFIG_PATH="${pc%/*}" PKG_CONFIG_SYSROOT_DIR="$dest"
unset PKG_CONFIG_LIBDIR CPPFLAGS CFLAGS 2>/dev/null || true
var() {
	pkg-config --variable="$1" fugue-broker
}
# The programs, wherever bindir and sbindir put them.
prog() {
	find "$dest" -type f -name "$1" -perm -u+x | head -1
}
fugue_bin=$(prog fugue)
localcloud_bin=$(prog fugue-localcloud)
conductor_bin=$(prog fugue-conductor)
[ -n "$fugue_bin" ] && [ -n "$localcloud_bin" ] && [ -n "$conductor_bin" ] ||
	fail "the programs are not all installed: '$fugue_bin' '$localcloud_bin' '$conductor_bin'"
for f in "$(var includedir)/fugue/broker.h" "$(var plugindir)/sqs.so" \
	"$(var plugindir)/schemas/Queue.json" "$(var schemadir)/sqs/schemas/Queue.json" \
	"$(var ludwigdir)/Fugue/AWS.lw" "$(var ludwigdir)/Fugue/AWS/SQS.lw"; do
	[ -f "$f" ] || fail "not installed: $f"
done
[ ! -e "$(var plugindir)/sns.so" ] || fail "an sns plugin is already installed"

# 2. The SNS plugin, built with nothing of the source tree: a copy of the example, the
# installed pkg-config file (PKG_CONFIG_SYSROOT_DIR maps its paths into DESTDIR), no CPPFLAGS.
expect_eq "$(pkg-config --cflags fugue-broker | sed 's/ *$//')" "-I$(var includedir)" "cflags"
case $(var includedir) in
"$dest"/*) ;;
*) fail "the include directory $(var includedir) is not in the DESTDIR" ;;
esac
cp -R "$TOP_SRCDIR/examples/plugin-sns" "$tmp/plugin-sns"
chmod -R u+w "$tmp/plugin-sns"
(cd "$tmp/plugin-sns" && env -u MAKEFLAGS -u MFLAGS -u MAKELEVEL ${MAKE:-make} clean all install) \
	>"$logs/build.log" 2>&1 || fail "building the SNS plugin out of tree"
for f in "$(var plugindir)/sns.so" "$(var plugindir)/schemas/Topic.json" \
	"$(var schemadir)/sns/schemas/Topic.json" "$(var ludwigdir)/Fugue/AWS/SNS.lw"; do
	[ -f "$f" ] || fail "the plugin's make install did not install $f"
done

# 3. The installed localcloud, Conductor and CLI.
export AWS_ACCESS_KEY_ID=AKIDLOCALCLOUD AWS_SECRET_ACCESS_KEY=localcloud-secret
(umask 077 && echo "$AWS_SECRET_ACCESS_KEY" >"$logs/secrets")
export AWS_DEFAULT_REGION=us-east-1 AWS_REGION=us-east-1 AWS_EC2_METADATA_DISABLED=true
export AWS_CONFIG_FILE=/dev/null AWS_SHARED_CREDENTIALS_FILE=/dev/null AWS_PAGER="" \
	AWS_MAX_ATTEMPTS=1 TZ=UTC
unset AWS_PROFILE AWS_DEFAULT_PROFILE AWS_ENDPOINT_URL AWS_SESSION_TOKEN FUGUE_REGION \
	FUGUE_ENDPOINT FUGUE_PREFIX FUGUE_PROFILE FUGUE_TIMEOUT 2>/dev/null || true
mkfifo "$tmp/lc.out"
"$localcloud_bin" --port 0 --memory >"$tmp/lc.out" 2>"$logs/localcloud.log" &
lc_pid=$!
read -r line <"$tmp/lc.out" || fail "fugue-localcloud did not start"
case $line in
"listening on "*) url="http://${line#listening on }" ;;
*) fail "fugue-localcloud: $line" ;;
esac
aws() {
	"$AWS" --endpoint-url "$url" --output text "$@"
}

prefix="oot$$-"
AWS_ENDPOINT_URL=$url "$conductor_bin" --config /dev/null --prefix "$prefix" \
	--poll-wait 1 --root-secret-file "$tmp/root.secret" --log-format json \
	--plugin-dir "$(var plugindir)" >"$logs/conductor.log" 2>&1 &
cd_pid=$!
i=0
until aws s3api head-object --bucket "${prefix}fugue-000000000000-us-east-1" \
	--key conductor/ready.json >/dev/null 2>&1; do
	kill -0 "$cd_pid" 2>/dev/null || fail "fugue-conductor exited"
	i=$((i + 1))
	[ "$i" -lt 300 ] || fail "fugue-conductor not ready after 30 s"
	sleep 0.1
done

(umask 077 && cat "$tmp/root.secret" >>"$logs/secrets")
mkdir "$tmp/home" "$tmp/work"
cp "$TOP_SRCDIR/examples/plugin-sns/topic.lw" "$tmp/work/"
fugue() {
	(cd "$tmp/work" && HOME="$tmp/home" LUDWIG_PATH="$(var ludwigdir)" \
		FUGUE_SCHEMA_PATH="$(var schemadir)" "$fugue_bin" "$@")
}
# json EXPR: evaluates EXPR on `fugue --json ARGS` (in $@ after the expression) with Python.
json() {
	expr=$1
	shift
	fugue --json "$@" | /usr/bin/python3 -c "import json, sys; j = json.load(sys.stdin); print($expr)"
}
fugue init -y --region us-east-1 --endpoint "$url" --prefix "$prefix" \
	--secret-file "$tmp/root.secret" >/dev/null || fail "fugue init"
fugue run -a alerts topic.lw >"$tmp/run.out" || fail "fugue run: $(cat "$tmp/run.out")"

# The topic exists, as declared, tagged by Fugue.
arn=arn:aws:sns:us-east-1:000000000000:plugin-sns-alerts
i=0
until [ "$(json 'j["resources"].get("ready", 0)' status alerts)" = 1 ]; do
	i=$((i + 1))
	[ "$i" -lt 120 ] || fail "the topic is not ready after 60 s: $(fugue status alerts)"
	sleep 0.5
done
mine="Topics[?!starts_with(TopicArn, 'arn:aws:sns:us-east-1:000000000000:$prefix')].TopicArn"
expect_eq "$(aws sns list-topics --query "$mine")" "$arn" "topics"
expect_eq "$(aws sns get-topic-attributes --topic-arn "$arn" --query Attributes.DisplayName)" \
	"Alerts" "DisplayName"
fid=$(json 'j["fid"]' status alerts)
expect_eq "$(aws sns list-tags-for-resource --resource-arn "$arn" \
	--query 'Tags[?Key==`fugue:fid`].Value')" "$fid" "fugue:fid tag"
expect_eq "$(aws sns list-tags-for-resource --resource-arn "$arn" \
	--query 'Tags[?Key==`Application`].Value')" "plugin-sns" "Application tag"

# Drift: a DisplayName changed, a tag removed and one added by hand are put back by
# enforcement (the plugin's update: SetTopicAttributes, UntagResource, TagResource).
fugue property alerts enforcement-interval --set 10 >/dev/null
aws sns set-topic-attributes --topic-arn "$arn" --attribute-name DisplayName \
	--attribute-value Changed
aws sns untag-resource --resource-arn "$arn" --tag-keys Application
aws sns tag-resource --resource-arn "$arn" --tags Key=extra,Value=x
i=0
until [ "$(aws sns get-topic-attributes --topic-arn "$arn" --query Attributes.DisplayName)" = \
	Alerts ] && [ "$(aws sns list-tags-for-resource --resource-arn "$arn" \
	--query 'sort(Tags[].Key)')" = "Application	fugue:fid	fugue:id" ]; do
	i=$((i + 1))
	[ "$i" -lt 60 ] || fail "the drift was not put back within 30 s"
	sleep 0.5
done

# kill: the process and the topic are gone.
fugue -y kill alerts >/dev/null || fail "fugue kill"
i=0
until [ "$(json 'len(j["processes"])' status)" = 0 ]; do
	i=$((i + 1))
	[ "$i" -lt 60 ] || fail "the process is not gone after 30 s: $(fugue status)"
	sleep 0.5
done
expect_eq "$(aws sns list-topics --query "$mine")" "" "topics after kill"
aws sns get-topic-attributes --topic-arn "$arn" >/dev/null 2>&1 && fail "the topic is still there"
echo "outoftree: ok"
