# Sourced (not run), from the repository root after setting WORK, by the benchmarks that run a benchmark class in a
# JVM of their own (scripts/bench-listing.sh, bench-partitions.sh, bench-s3.sh, bench-stream.sh): builds the main
# and test classes (the benchmarks are test code: src/test/java/io/xceptionspark/bench), prints the CPU model and
# flags and the load, and makes $WORK, deleted at exit unless KEEP=1. Then:
#
# BENCH_CP        the class path: main and test classes and every dependency (S3Proxy, a test dependency, too)
# XS_JAVA_OPENS   the --add-opens flags Spark 4 needs on Java 17 (scripts/lib/spark-home.sh)
source scripts/lib/spark-home.sh
echo "== build"
mvn -B -ntp -q test-compile
mvn -B -ntp -q dependency:build-classpath -Dmdep.outputFile=target/bench-classpath.txt >/dev/null
BENCH_CP="target/classes:target/test-classes:$(cat target/bench-classpath.txt)"
grep -m1 "model name" /proc/cpuinfo
grep -m1 "^flags" /proc/cpuinfo
echo "load average: $(cut -d' ' -f1-3 /proc/loadavg) (the machine may be shared: figures are from one run)"
mkdir -p "$WORK"
trap '[ "${KEEP:-0}" = 1 ] || rm -rf "$WORK"' EXIT
