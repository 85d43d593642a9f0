#!/usr/bin/env bash
# The million-files benchmark (not a test): lists FOLDERS x PER_FOLDER zero-byte files (1,000 x 1,000 by
# default) on the driver, with the job's walk and with Spark's parallel listing (a glob over the folders, Kryo
# with registrationRequired), scores them once into a Parquet output (every row EMPTY, nothing decoded), then
# times the incremental rerun that finds nothing to do, and samples the driver heap throughout
# (io.xceptionspark.bench.ListingBenchmark). The JVM runs with -Xmx$HEAP (2g: the target), local[2].
# Writes docs/bench/listing-1m.json. The files go under $WORK (/tmp/xs-bench-listing) and are deleted at the
# end unless KEEP=1. Needs ~1 GB of disk for the output and ~1M inodes; takes ~10-20 min on 2 cores.
set -euo pipefail
cd "$(dirname "$0")/.."
FOLDERS=${FOLDERS:-1000}
PER_FOLDER=${PER_FOLDER:-1000}
HEAP=${HEAP:-2g}
WORK=${WORK:-/tmp/xs-bench-listing}
OUT=${OUT:-docs/bench/listing-1m.json}

source scripts/lib/bench-jvm.sh   # BENCH_CP, XS_JAVA_OPENS; builds, prints the CPU, makes $WORK
echo "== $FOLDERS folders x $PER_FOLDER files under $WORK, -Xmx$HEAP"
TIMES=$(mktemp)
/usr/bin/time -v -o "$TIMES" java -Xmx"$HEAP" "${XS_JAVA_OPENS[@]}" -Dai.djl.offline=true -cp "$BENCH_CP" io.xceptionspark.bench.ListingBenchmark \
  "$WORK" "$FOLDERS" "$PER_FOLDER" "$OUT"
grep -E "Maximum resident|Elapsed \(wall" "$TIMES"; rm -f "$TIMES"
