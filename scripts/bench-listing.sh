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

source scripts/lib/spark-home.sh   # XS_JAVA_OPENS
echo "== build"
mvn -B -ntp -q test-compile   # the benchmarks are test code (src/test/java/io/xceptionspark/bench)
mvn -B -ntp -q dependency:build-classpath -Dmdep.outputFile=target/bench-classpath.txt >/dev/null
CP="target/classes:target/test-classes:$(cat target/bench-classpath.txt)"
grep -m1 "model name" /proc/cpuinfo
grep -m1 "^flags" /proc/cpuinfo
echo "== $FOLDERS folders x $PER_FOLDER files under $WORK, -Xmx$HEAP"
mkdir -p "$WORK"
trap '[ "${KEEP:-0}" = 1 ] || rm -rf "$WORK"' EXIT
TIMES=$(mktemp)
/usr/bin/time -v -o "$TIMES" java -Xmx"$HEAP" "${XS_JAVA_OPENS[@]}" -Dai.djl.offline=true -cp "$CP" io.xceptionspark.bench.ListingBenchmark \
  "$WORK" "$FOLDERS" "$PER_FOLDER" "$OUT"
grep -E "Maximum resident|Elapsed \(wall" "$TIMES"; rm -f "$TIMES"
