#!/usr/bin/env bash
# Similarity-search benchmark (not a test; docs/SEARCH.md): real embeddings of sample-data/ from the job,
# mixed into synthetic indices with planted near-duplicates; recall@10 of `similar` vs brute force and the
# latency of 1 and 1,000 queries on ROWS rows; the LSH duplicates run at DUPLICATE_ROWS (comma list) rows,
# with its recall vs the exact answer up to 20,000 rows. Writes docs/bench/search.json.
# Knobs: ROWS (20000; 0 skips the similar figures), DUPLICATE_ROWS (20000,100000), OUT (docs/bench/search.json), WEIGHTS (target/reference-model/xception_ref.h5 when
# scripts/make-reference-model.sh made it, else none: seeded random weights), DRIVER_MEMORY (8g).
set -euo pipefail
cd "$(dirname "$0")/.."
ROWS=${ROWS:-20000}
DUPLICATE_ROWS=${DUPLICATE_ROWS:-20000,100000}
REF=target/reference-model/xception_ref.h5
WEIGHTS=${WEIGHTS:-$([ -f "$REF" ] && echo "$REF" || echo none)}
WORK=target/bench-search
mkdir -p "$WORK" docs/bench
mvn -B -ntp -q -DskipTests package   # compiles the tests too: the benchmark is test code
source scripts/lib/spark-home.sh   # XS_JAVA_OPENS
JVM=("-Xmx${DRIVER_MEMORY:-8g}" -Dai.djl.offline=true -Djdk.reflect.useDirectMethodHandle=false
     -Dlog4j2.configurationFile=conf/log4j2.properties "${XS_JAVA_OPENS[@]}")
grep -m1 'model name' /proc/cpuinfo || true
echo "cpu flags: $(grep -m1 -o -w -E 'avx2|avx512f|avx512_bf16|amx_bf16' /proc/cpuinfo | sort -u | tr '\n' ' ')"
SPARK_LOCAL_IP=${SPARK_LOCAL_IP:-127.0.0.1} java "${JVM[@]}" -cp "$(cat target/classpath.txt):target/xception-spark.jar:target/test-classes" \
  io.xceptionspark.bench.SearchBenchmark "$WEIGHTS" sample-data "$WORK" "$ROWS" "$DUPLICATE_ROWS" "${OUT:-docs/bench/search.json}"
