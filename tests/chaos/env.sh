# env.sh: sourced by tests/chaos/run and tests/soak/run with $top (the source tree) and
# $build (a build tree) set: the binaries, plugins and Python path the scenarios use.
LOCALCLOUD=$build/localcloud/fugue-localcloud
CONDUCTOR=$build/core/conductor/fugue-conductor
FUGUE=$build/cli/fugue
PLUGIN_DIR=$build/plugins/sqs:$build/plugins/s3:$build/plugins/dynamodb:$build/plugins/iam
if [ -e "$build/plugins/ec2/.libs/ec2.so" ]; then
	PLUGIN_DIR=$PLUGIN_DIR:$build/plugins/ec2
fi
SCHEMA_DIR=$top/plugins
TOP_SRCDIR=$top
PYTHONPATH=$top/tests/chaos:$top/tests/integration
PYTHONDONTWRITEBYTECODE=1
CHAOS_LOGS=${CHAOS_LOGS:-$build/tests/chaos-logs}
export CHAOS_LOGS LOCALCLOUD CONDUCTOR FUGUE PLUGIN_DIR SCHEMA_DIR TOP_SRCDIR PYTHONPATH
export PYTHONDONTWRITEBYTECODE
[ -x "$CONDUCTOR" ] || { echo "no $CONDUCTOR: build first (or give --build DIR)" >&2; exit 2; }
