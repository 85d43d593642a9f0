#!/usr/bin/env bash
# The HTML report's generation time for outputs of 2,000 and 100,000 rows (or the sizes given), over synthetic
# outputs of the job's schema (mode both, 2048-d embeddings) whose rows point at hard-linked copies of
# sample-data/ (real thumbnails; see io.xceptionspark.bench.SyntheticOutput). Figures: docs/bench/report.json.
# Needs ~1 GB of disk in the work directory per 100,000 rows (random embeddings do not compress).
set -euo pipefail
cd "$(dirname "$0")/.."
WORK="${REPORT_BENCH_DIR:-target/report-bench}"
rm -rf "$WORK" && mkdir -p "$WORK"
mvn -B -ntp -q -DskipTests package >/dev/null   # compiles the tests too: the benchmark is test code
SIZES=("$@")
[ ${#SIZES[@]} -gt 0 ] || SIZES=(2000 100000)
source scripts/lib/spark-home.sh   # XS_JAVA_OPENS
JAVA_OPTS=(-Xmx6g -Dai.djl.offline=true -Djdk.reflect.useDirectMethodHandle=false -Dio.netty.tryReflectionSetAccessible=true
           "${XS_JAVA_OPENS[@]}")
exec java "${JAVA_OPTS[@]}" \
  -cp "$(cat target/classpath.txt):target/xception-spark.jar:target/test-classes" io.xceptionspark.bench.ReportBenchmark \
  sample-data "$WORK" docs/bench/report.json "${SIZES[@]}"
