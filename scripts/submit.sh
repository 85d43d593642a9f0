#!/usr/bin/env bash
# Submits an xception-spark job with spark-submit: the shaded jar + a job file, the same way to the local
# cluster (scripts/local-cluster.sh), a standalone cluster, YARN or Kubernetes (docs/CLUSTER.md).
#
#   scripts/submit.sh [spark-submit options] score [xception-spark score arguments]
#
#   scripts/submit.sh --master spark://host:7077 --executor-memory 2g score --job jobs/classify.conf \
#       --input hdfs:///images --output hdfs:///scores
#   scripts/submit.sh --master yarn --files /models/weights.h5 score --job jobs/embed.conf \
#       --weights spark-files:weights.h5 --input hdfs:///images --output hdfs:///vectors
#
# Everything before the word `score` (or `predict`) goes to spark-submit, everything after it to the
# application. Always added: --properties-file conf/spark-defaults.conf (Kryo, DJL offline on driver and
# executors, one core per task), the driver options -Dai.djl.offline=true --add-modules=jdk.incubator.vector
# (the resampler's Vector API pass) -Dxception-spark.conf-dir=conf
# (so conf/xception-spark.conf applies), -XX:TieredStopAtLevel=1 with a cluster --master (the driver scores
# nothing: scripts/lib/driver-jvm.sh) and conf/log4j2.properties for the driver's console, and
# --class io.xceptionspark.cli.Main target/xception-spark.jar (built first when missing or stale).
#
# spark-submit: $SPARK_HOME/bin/spark-submit when SPARK_HOME points at a Spark installation; otherwise the
# project's own target/spark-home (Spark's jars from Maven), run as `java ... SparkSubmit` in client mode.
# In that case the driver JVM is this one: its heap is XCEPTION_SPARK_DRIVER_MEMORY (default 2g; spark-submit's
# --driver-memory and --driver-java-options cannot apply to a JVM that is already running).
# Environment: SPARK_HOME, XCEPTION_SPARK_CONF_DIR (instead of conf/), XCEPTION_SPARK_DRIVER_MEMORY,
# XCEPTION_SPARK_JAVA_OPTS (more JVM flags for that driver JVM), SPARK_LOCAL_IP (address the driver binds to),
# JAVA_HOME.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib/spark-home.sh"
source "$(dirname "${BASH_SOURCE[0]}")/lib/native-memory.sh"
source "$(dirname "${BASH_SOURCE[0]}")/lib/driver-jvm.sh"
CONF_DIR="$(cd "${XCEPTION_SPARK_CONF_DIR:-$XS_ROOT/conf}" && pwd)"
# the driver JVM (it scores too with --master local[*]); executors get it from spark-defaults.conf
xs_export_malloc_tunables "$CONF_DIR"

SUBMIT_ARGS=()
while (($#)) && [[ "$1" != score && "$1" != predict ]]; do
  SUBMIT_ARGS+=("$1")
  shift
done
if (($# == 0)); then
  sed -n '2,25p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//' >&2
  exit 2
fi

xs_ensure_jar
DRIVER_OPTS=(-Dai.djl.offline=true --add-modules=jdk.incubator.vector "-Dxception-spark.conf-dir=$CONF_DIR")
# shellcheck disable=SC2207
DRIVER_OPTS+=($(xs_driver_jit_opts "${SUBMIT_ARGS[@]}" "$@")) # C1 only for a driver that does not score
if [[ -f "$CONF_DIR/log4j2.properties" ]]; then
  DRIVER_OPTS+=("-Dlog4j2.configurationFile=$CONF_DIR/log4j2.properties")
fi
COMMON=(--properties-file "$CONF_DIR/spark-defaults.conf")

if [[ -n "${SPARK_HOME:-}" && -x "$SPARK_HOME/bin/spark-submit" ]]; then
  exec "$SPARK_HOME/bin/spark-submit" "${COMMON[@]}" --driver-java-options "${DRIVER_OPTS[*]}" \
    "${SUBMIT_ARGS[@]}" --class io.xceptionspark.cli.Main "$XS_JAR" "$@"
fi

xs_ensure_spark_home
# shellcheck disable=SC2206
EXTRA_JAVA_OPTS=(${XCEPTION_SPARK_JAVA_OPTS:-})
export SPARK_HOME="$XS_SPARK_HOME" SPARK_SCALA_VERSION="$(xs_pom_property scala.binary.version)"
exec "$XS_JAVA" "-Xmx${XCEPTION_SPARK_DRIVER_MEMORY:-2g}" "${XS_JAVA_OPENS[@]}" -Djdk.reflect.useDirectMethodHandle=false \
  -Dio.netty.tryReflectionSetAccessible=true '-Djava.util.logging.SimpleFormatter.format=%1$tT %4$s %3$s: %5$s%6$s%n' \
  "${DRIVER_OPTS[@]}" "${EXTRA_JAVA_OPTS[@]}" -cp "$XS_SPARK_HOME/jars/*" org.apache.spark.deploy.SparkSubmit \
  "${COMMON[@]}" "${SUBMIT_ARGS[@]}" --class io.xceptionspark.cli.Main "$XS_JAR" "$@"
