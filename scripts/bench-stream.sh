#!/usr/bin/env bash
# Issue 28's figures (not a test; io.xceptionspark.bench.StreamBenchmark, one local[2] JVM): IMAGES web-size JPEGs
# (2,000) scored by the batch job and by score --stream (Trigger.AvailableNow), images/s ratio (target >= 0.95); the
# same files as a manifest of http://127.0.0.1 URLs vs one of local paths (target >= 0.9); and a no-op run over
# NOOP_FILES (100,000) scored files: the AvailableNow stream vs the incremental batch run. Random weights at INPUT px
# (299). MAX_FILES_PER_TRIGGER (0: no limit) sizes the no-op stream's micro-batches; IMAGES=0 runs only the no-op part.
# Prints the CPU model and flags; writes docs/bench/stream.json. Files go under $WORK (deleted unless KEEP=1).
# Takes ~15-30 min on 2 cores.
set -euo pipefail
cd "$(dirname "$0")/.."
IMAGES=${IMAGES:-2000}
NOOP_FILES=${NOOP_FILES:-100000}
INPUT=${INPUT:-299}
MAX_FILES_PER_TRIGGER=${MAX_FILES_PER_TRIGGER:-0}
WORK=${WORK:-/tmp/xs-bench-stream}
OUT=${OUT:-docs/bench/stream.json}

source scripts/lib/bench-jvm.sh   # BENCH_CP, XS_JAVA_OPENS; builds, prints the CPU and the load, makes $WORK
java -Xmx4g "${XS_JAVA_OPENS[@]}" -Dai.djl.offline=true -cp "$BENCH_CP" io.xceptionspark.bench.StreamBenchmark \
  "$WORK" "$IMAGES" "$NOOP_FILES" "$OUT" "$INPUT" "$MAX_FILES_PER_TRIGGER"
echo "== load after: $(cat /proc/loadavg)"
