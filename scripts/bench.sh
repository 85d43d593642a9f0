#!/usr/bin/env bash
# The benchmark (not a test): one command that measures, in one run, on the same images and weights:
#   1. libtorch float32 matmul GFLOP/s (the machine's practical ceiling), 1 and 2 threads
#   2. the network's forward images/s on ready tensors (batch 1/8/32 x 1/2 threads, and 2 concurrent
#      single-thread streams as the Spark job runs them), resident memory over forward passes; then forward
#      images/s and GFLOP/s of each built-in architecture (xception, timm's xception41/65/71), batch 1 and 8
#   3. decode + preprocess images/s per core (web-size and phone-size JPEGs, exact and jpeg-draft = auto)
#   4. the whole Spark job's images/s (local[*]): wall time on N1 and N2 JPEGs, the slope excludes start-up;
#      the driver/executor JVM's resident memory sampled through the N2 run
#   5. the Python peer (../shared/bench/python_peer.py: PIL + TorchScript) on the same images and weights, when
#      ../shared is there (skipped, saying so, when it is not)
#   6. model.precision = bfloat16: forward bfloat16 vs float32 (1 thread; concurrent streams), resident memory
#      over N2 forward passes, and the job in bfloat16 (N1 then N2 images, RSS sampled) vs the peer
# It prints a table with the ratios and writes docs/bench/bench.json (+ network.json).
# Weights: ../shared/bench/xception_ref.py makes a Keras .h5 for the Java side and the identical
# TorchScript for the peer (scripts/make-reference-model.sh; installs Debian's python3-torch/-h5py); without
# ../shared the Java side runs the test suite's hash-fixture weights (full-size, BatchNorm-calibrated .h5).
# Run it on an otherwise idle machine. Knobs: N1 (144), N2 (2000), SECONDS_PER_POINT (5), MEMORY_PASSES (300),
# BF16=0 to skip part 6.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
N1=${N1:-144}
N2=${N2:-2000}
WORK=$ROOT/target/bench
REF=$ROOT/target/reference-model
mkdir -p "$WORK" docs/bench
PY=/usr/bin/python3

echo "== build"
mvn -B -ntp -q -DskipTests package
# the launcher's classpath: Maven's compile+provided list, then the shaded jar (it carries the runtime-scoped rest)
CP="$(cat target/classpath.txt):$ROOT/target/xception-spark.jar"
# the launchers' allocator settings (conf/spark-defaults.conf) for every JVM here, job and benchmarks alike
source scripts/lib/native-memory.sh
xs_export_malloc_tunables conf
echo "GLIBC_TUNABLES=${GLIBC_TUNABLES:-}"
JAVA=(java -Xms1g -Xmx1g -XX:+AlwaysPreTouch -Dai.djl.offline=true --add-modules=jdk.incubator.vector -cp "$CP")

PEER_PY=../shared/bench/python_peer.py
if [ -f "$PEER_PY" ]; then
  echo "== reference weights (Keras .h5 + identical TorchScript)"
  scripts/make-reference-model.sh "$REF" 7
  WEIGHTS=$REF/xception_ref.h5
  if ! "$PY" -c 'import torch, PIL, numpy' 2>/dev/null; then
    apt-get update -q
    DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends python3-pil python3-numpy python3-torch
  fi
else
  echo "== $PEER_PY not found: the Python peer (part 5) is skipped; weights: the hash fixture's Keras .h5"
  WEIGHTS=$WORK/xception_hash.h5
  # HashFixtures is test code: the build above compiled it (-DskipTests compiles the tests, runs none)
  [ -s "$WEIGHTS" ] || java -cp "$ROOT/target/test-classes:$CP" io.xceptionspark.testing.HashFixtures "$WEIGHTS"
fi

echo "== images"
for n in "$N1" "$N2"; do
  [ -d "$WORK/images-$n" ] && [ "$(ls "$WORK/images-$n" | wc -l)" -eq "$n" ] || {
    rm -rf "$WORK/images-$n"
    "${JAVA[@]}" io.xceptionspark.bench.BenchImages sample-data "$WORK/images-$n" "$n" 1
  }
done

echo "== network (ready tensors) and matmul ceiling"
"${JAVA[@]}" io.xceptionspark.bench.NetworkBenchmark "$WEIGHTS" "${SECONDS_PER_POINT:-5}" \
  "${MEMORY_PASSES:-300}" docs/bench/network.json

echo "== forward of every built-in architecture (xception, timm xception41/65/71; random weights, folded; float32 and bfloat16, 1 thread)"
"${JAVA[@]}" io.xceptionspark.bench.NetworkBenchmark --variants "${SECONDS_PER_POINT:-5}" docs/bench/network-variants.json

echo "== decode + preprocess"
# + 8 phone-size JPEGs (4032x3024, half with EXIF orientation 6) and jpeg-draft = auto: CPU ms per image
PRE=$("${JAVA[@]}" io.xceptionspark.bench.PreprocessBenchmark "$WORK/images-$N1" 10 --phone "$WORK/phone-8" --draft \
  | tee /dev/stderr | \
  grep -oE '[0-9]+(\.[0-9]+)? images/s' | head -1 | grep -oE '^[0-9.]+')

PEER=0
if [ -f "$PEER_PY" ]; then
  echo "== Python peer (same images, same weights as TorchScript)"
  PEER=$("$PY" "$PEER_PY" "$REF/xception_ref.pt" "$WORK/images-$N1" 1 2 | tee /dev/stderr | \
    grep -oE '= [0-9.]+ img/s' | grep -oE '[0-9.]+')
fi

run_job() { # N OUT [rss-file [extra score flags...]]
  local n=$1 out=$2 rss=${3:-}
  shift 3 2>/dev/null || shift $#
  local start end pid
  start=$(date +%s.%N)
  # Fixed, pre-touched heap: RSS growth then shows native/off-heap memory, not a young generation the JVM
  # is still expanding into (which only ever grows up to -Xmx).
  XCEPTION_SPARK_DRIVER_MEMORY=2g XCEPTION_SPARK_JAVA_OPTS="-Xms2g -XX:+AlwaysPreTouch" \
  scripts/xception-spark score --input "$WORK/images-$n" --output "$out" --mode both \
    --weights "$WEIGHTS" --set output.save-mode=overwrite "$@" > "$WORK/job-$n$*.log" 2>&1 &
  pid=$!
  if [ -n "$rss" ]; then
    : > "$rss"
    while kill -0 "$pid" 2>/dev/null; do
      awk -v t="$(date +%s)" '/VmRSS/ {print t, $2}' "/proc/$pid/status" >> "$rss" 2>/dev/null || true
      sleep 2
    done
  fi
  wait "$pid"
  end=$(date +%s.%N)
  "$PY" -c "print($end - $start)"
}

echo "== Spark job, local[*]: $N1 then $N2 images"
T1=$(run_job "$N1" "$WORK/out-$N1")
T2=$(run_job "$N2" "$WORK/out-$N2" "$WORK/rss-$N2.txt")
tail -n 3 "$WORK/job-$N2.log"

BF16_T1=0; BF16_T2=0
if [ "${BF16:-1}" != 0 ]; then
  echo "== bfloat16: forward vs float32 (same weights, alternating rounds), memory over $N2 passes"
  "${JAVA[@]}" io.xceptionspark.bench.PrecisionBenchmark "$WEIGHTS" "${SECONDS_PER_POINT:-5}" "$N2" \
    docs/bench/precision.json
  echo "== bfloat16: Spark job, local[*]: $N1 then $N2 images"
  BF16_T1=$(run_job "$N1" "$WORK/out-bf16-$N1" "" --precision bfloat16)
  BF16_T2=$(run_job "$N2" "$WORK/out-bf16-$N2" "$WORK/rss-bf16-$N2.txt" --precision bfloat16)
  tail -n 3 "$WORK/job-$N2--precision bfloat16.log"
fi

"$PY" - "$N1" "$N2" "$T1" "$T2" "$PRE" "$PEER" "$WORK/rss-$N2.txt" "$BF16_T1" "$BF16_T2" "$WORK/rss-bf16-$N2.txt" <<'PYEOF'
import json, os, sys, datetime
n1, n2, t1, t2, pre, peer, rss_file = int(sys.argv[1]), int(sys.argv[2]), float(sys.argv[3]), float(sys.argv[4]), \
    float(sys.argv[5]), float(sys.argv[6]), sys.argv[7]
bf16_t1, bf16_t2, bf16_rss_file = float(sys.argv[8]), float(sys.argv[9]), sys.argv[10]
peer = peer or None  # 0: the Python peer was skipped (no ../shared)
def per_peer(x):
    return round(x / peer, 3) if peer else None
net = json.load(open("docs/bench/network.json"))
job = (n2 - n1) / (t2 - t1)
cores = net["machine"]["cores"]
fwd_streams = max(v for k, v in net.items() if k.startswith("forward_") and "_streams_" in k)
# the job's slope is a throughput over minutes: compare it with the forward's window throughputs, not medians
fwd_best = max([p["images_per_s_window"] for p in net["forward"] if p["threads"] == cores] + [fwd_streams])
best_frac = {t: max(p["fraction_of_matmul"] for p in net["forward"] if p["threads"] == t) for t in (1, 2)}
best_frac_window = {t: max(p["fraction_of_matmul_window"] for p in net["forward"] if p["threads"] == t) for t in (1, 2)}
def rss_growth(path):
    rss = [int(l.split()[1]) for l in open(path) if l.strip()]
    warm = rss[len(rss) // 5:]  # after warm-up: the first fifth of the run is start-up and model load
    return rss, warm, (max(warm) - warm[0]) / warm[0] if warm else float("nan")
rss, warm, growth = rss_growth(rss_file)
report = {
    "date": net["date"], "machine": net["machine"], "images": {"n1": n1, "n2": n2},
    "matmul_gflops": net["matmul_gflops"],
    "forward_best_fraction_of_matmul_by_threads": best_frac,
    "forward_best_fraction_of_matmul_window_by_threads": best_frac_window,
    "forward_images_per_s_best_using_all_cores": fwd_best,
    "preprocess_images_per_s_per_core": pre,
    "python_peer_images_per_s": peer,
    "job_wall_s": {str(n1): round(t1, 1), str(n2): round(t2, 1)},
    "job_images_per_s_slope": round(job, 3),
    "job_vs_python_peer": per_peer(job),
    "job_vs_forward": round(job / fwd_best, 3),
    "job_rss_mb": {"samples": len(rss), "after_warmup_first": warm[0] // 1024 if warm else None,
                   "after_warmup_max": max(warm) // 1024 if warm else None, "growth_after_warmup": round(growth, 3)},
}
bf16_rows = []
if bf16_t2 > 0:
    prec = json.load(open("docs/bench/precision.json"))
    bf16_job = (n2 - n1) / (bf16_t2 - bf16_t1)
    bf16_fwd = max(v for k, v in prec.items() if k.startswith("bfloat16_") and k.endswith("_streams_images_per_s"))
    _, bf16_warm, bf16_growth = rss_growth(bf16_rss_file)
    streams_key = next(k for k in prec if k.startswith("bfloat16_vs_float32_") and k.endswith("_streams"))
    report["bfloat16"] = {
        "cpu_native": prec["bfloat16_native"], "cpu_flags": prec["bfloat16_cpu_flags"],
        "forward_vs_float32_1_thread": prec["bfloat16_vs_float32_1_thread"],
        "forward_vs_float32_streams": prec[streams_key],
        "forward_streams_images_per_s": bf16_fwd,
        "forward_rss_growth_after_warmup": prec.get("bfloat16_rss_growth_after_warmup"),
        "job_wall_s": {str(n1): round(bf16_t1, 1), str(n2): round(bf16_t2, 1)},
        "job_images_per_s_slope": round(bf16_job, 3),
        "job_vs_python_peer": per_peer(bf16_job),
        "job_vs_bfloat16_forward": round(bf16_job / bf16_fwd, 3),
        "job_rss_growth_after_warmup": round(bf16_growth, 3),
    }
    bf16_rows = [("bfloat16 CPU support", "native" if prec["bfloat16_native"] else "EMULATED"),
                 ("bf16 / fp32 forward, 1 thread (target >= 1.7)", prec["bfloat16_vs_float32_1_thread"]),
                 ("bf16 / fp32 forward, concurrent streams (target >= 1.7)", prec[streams_key]),
                 (f"bf16 Spark job img/s (slope {n1} -> {n2} images)", round(bf16_job, 2)),
                 ("bf16 job / Python peer (target >= 1.8)", per_peer(bf16_job)),
                 ("bf16 job / bf16 forward (target >= 0.9)", round(bf16_job / bf16_fwd, 2)),
                 ("bf16 job RSS growth after warm-up (flat)", f"{100 * bf16_growth:.1f}%")]
json.dump(report, open("docs/bench/bench.json", "w"), indent=2)
print()
print(f"{'figure':58s} {'value':>10s}")
for k, v in [("matmul GFLOP/s (median call), 1 / 2 threads", f"{net['matmul_gflops']['threads_1']} / {net['matmul_gflops']['threads_2']}"),
             ("forward / matmul, best batch, 1 thread (target >= 0.6)", best_frac[1]),
             ("forward / matmul, best batch, 2 threads (target >= 0.6)", best_frac[2]),
             ("  same by window means, 1 / 2 threads", f"{best_frac_window[1]} / {best_frac_window[2]}"),
             ("forward img/s (window), best using all cores", fwd_best),
             ("decode + preprocess img/s per core", pre),
             ("Python peer img/s (batch 1, 2 threads)", peer),
             (f"Spark job img/s (slope {n1} -> {n2} images)", round(job, 2)),
             ("job / Python peer (target >= 1.1)", per_peer(job)),
             ("job / forward (target >= 0.9)", round(job / fwd_best, 2)),
             ("job RSS growth after warm-up (target <= 10%)", f"{100 * growth:.1f}%")] + bf16_rows:
    print(f"{k:58s} {str(v):>10s}")
print("\nwritten: docs/bench/bench.json, docs/bench/network.json" + (", docs/bench/precision.json" if bf16_rows else ""))
PYEOF
