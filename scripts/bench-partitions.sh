#!/usr/bin/env bash
# How the default partitioning uses the cores (not a test): SIZES (48,2000) 640x480 JPEGs scored by the
# full-size network (299x299, random weights) in local[2], once with the default partitions
# (input.tasks-per-core = 3) and, for BEFORE_SIZES (48: where the counts differ; 2,000 images make 32
# partitions either way), as before it (ceil(images / 64) partitions), each mode in its own JVM
# (io.xceptionspark.bench.PartitionSpreadBenchmark). Writes docs/bench/partitions.json and
# docs/bench/partitions-before.json. Images and outputs go under $WORK (/tmp/xs-bench-partitions), deleted at
# the end unless KEEP=1.
set -euo pipefail
cd "$(dirname "$0")/.."
SIZES=${SIZES:-48,2000}
BEFORE_SIZES=${BEFORE_SIZES:-48}
WORK=${WORK:-/tmp/xs-bench-partitions}
source scripts/lib/bench-jvm.sh   # BENCH_CP, XS_JAVA_OPENS; builds, prints the CPU, makes $WORK
for mode in default before; do
  sizes=$([ "$mode" = before ] && echo "$BEFORE_SIZES" || echo "$SIZES")
  echo "== $mode partitions, $sizes images"
  java -Xmx2g "${XS_JAVA_OPENS[@]}" -Dai.djl.offline=true -cp "$BENCH_CP" io.xceptionspark.bench.PartitionSpreadBenchmark \
    "$WORK" "$sizes" "docs/bench/partitions$([ "$mode" = before ] && echo -before).json" "$mode" 2>"$WORK/$mode.log" \
    || { tail -30 "$WORK/$mode.log"; exit 1; }
done
