#!/usr/bin/env bash
# The S3 benchmark (not a test; io.xceptionspark.bench.S3Benchmark, test code like every benchmark: S3Proxy is a test
# dependency): PHOTOS (2,000) benchmark JPEGs (BenchImages: 400-900 px, cut from sample-data) scored by the
# job from local disk and from S3 (S3Proxy on 127.0.0.1, its filesystem store, read through hadoop-aws's
# S3A), Xception 299x299 with random weights, local[2], after a warm-up run: images/s of each and the ratio
# S3 / local (target >= 0.9: the store must not be the bottleneck). Then the job's driver-side listing of
# FOLDERS x PER_FOLDER (100 x 1,000) zero-byte objects under one S3 prefix. Writes docs/bench/s3.json.
# Files go under $WORK (/tmp/xs-bench-s3), deleted at the end unless KEEP=1. Takes ~10 min on 2 cores.
set -euo pipefail
cd "$(dirname "$0")/.."
PHOTOS=${PHOTOS:-2000}
FOLDERS=${FOLDERS:-100}
PER_FOLDER=${PER_FOLDER:-1000}
WORK=${WORK:-/tmp/xs-bench-s3}
OUT=${OUT:-docs/bench/s3.json}

source scripts/lib/bench-jvm.sh   # BENCH_CP, XS_JAVA_OPENS; builds, prints the CPU and the load, makes $WORK
JAVA=(java -Xms1g -Xmx3g -Dai.djl.offline=true --add-modules=jdk.incubator.vector "${XS_JAVA_OPENS[@]}"
      -Djdk.reflect.useDirectMethodHandle=false -Dio.netty.tryReflectionSetAccessible=true -cp "$BENCH_CP")
echo "== $PHOTOS photos"
"${JAVA[@]}" io.xceptionspark.bench.BenchImages sample-data "$WORK/photos" "$PHOTOS" 1
echo "== local vs S3, then the listing of $FOLDERS x $PER_FOLDER objects"
SPARK_LOCAL_IP=127.0.0.1 "${JAVA[@]}" io.xceptionspark.bench.S3Benchmark "$WORK" "$WORK/photos" "$FOLDERS" "$PER_FOLDER" "$OUT"
