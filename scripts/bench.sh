#!/usr/bin/env bash
# Benchmarks (not tests): prints figures and writes them as JSON under docs/bench/.
#   scripts/bench.sh            network (matmul ceiling, forward img/s by batch x threads, RSS over 1,000
#                               passes) and image decode + preprocess img/s per core
# Run on an otherwise idle machine; compare ratios measured in the same run.
# The JVM heap is fixed and pre-touched so resident memory shows native (libtorch) memory growth alone:
# a growing young generation would otherwise show up as RSS growth until the first full GC cycle.
set -euo pipefail
cd "$(dirname "$0")/.."
[ -f target/classes/io/xceptionspark/bench/NetworkBenchmark.class ] && [ -f target/classpath-bench.txt ] || {
  mvn -q -B -ntp -DskipTests compile
  mvn -q -B -ntp dependency:build-classpath -Dmdep.outputFile=target/classpath-bench.txt -Dmdep.includeScope=test
}
CP="target/classes:$(cat target/classpath-bench.txt)"
JAVA=(java -Xms1g -Xmx1g -XX:+AlwaysPreTouch -Dai.djl.offline=true -cp "$CP")
mkdir -p docs/bench
"${JAVA[@]}" io.xceptionspark.bench.NetworkBenchmark none "${SECONDS_PER_POINT:-15}" "${MEMORY_PASSES:-1000}" docs/bench/network.json
"${JAVA[@]}" io.xceptionspark.bench.PreprocessBenchmark sample-data 10 | tee docs/bench/preprocess.txt
